//! Command line and environment configuration. Every flag has an environment fallback so the
//! same binary is configured by flags on a laptop and by variables in a container.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "coopapi",
    version,
    about = "Cooperation platform API: events, speakers, companies and cooperation offers"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve {
        /// Load the demo dataset (the Moscow–Paris teleconference) when the database has no
        /// event yet.
        #[arg(long, env = "DEMO")]
        demo: bool,
    },
    /// Load the demo dataset (the Moscow–Paris teleconference) and exit; running it again
    /// creates nothing new.
    SeedDemo,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Fill the database with a deterministic synthetic dataset for benchmarks and exit
    /// (counts are targets: a second run with larger counts adds the difference).
    Generate(crate::synthetic::Scale),
    /// Print the OpenAPI document and exit (no database needed).
    Openapi,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1", global = true)]
    pub bind: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "PORT", default_value_t = 8080, global = true)]
    pub port: u16,
    /// PostgreSQL URL. Without it the service runs its own embedded cluster in --data-dir.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,
    /// Refuse to start the embedded cluster: DATABASE_URL must be set (containers set this).
    #[arg(long, env = "REQUIRE_DATABASE_URL", global = true)]
    pub require_database_url: bool,
    /// Data directory of the embedded PostgreSQL cluster.
    #[arg(long, env = "DATA_DIR", default_value = "./data/pg", global = true)]
    pub data_dir: PathBuf,
    /// Directory holding the PostgreSQL server binaries (initdb, postgres); found automatically
    /// when unset.
    #[arg(long, env = "PG_BIN", global = true)]
    pub pg_bin: Option<PathBuf>,
    /// OS user that runs the embedded PostgreSQL when the service runs as root.
    #[arg(long, env = "PG_USER", default_value = "postgres", global = true)]
    pub pg_user: String,
    /// Database connections in all, split evenly between the HTTP workers (each has a pool
    /// of its own).
    #[arg(long, env = "POOL_SIZE", default_value_t = 16, global = true)]
    pub pool_size: usize,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "WORKERS", global = true)]
    pub workers: Option<usize>,
    /// Log filter, in env_logger syntax (e.g. `info`, `coopapi=debug,actix_web=info`).
    #[arg(long, env = "RUST_LOG", default_value = "info", global = true)]
    pub log_level: String,
}
