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

#[derive(Debug, Clone, Subcommand)]
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
    /// Ask the server configured here (BIND, PORT) whether it is ready (`GET /readyz`): exit
    /// status 0 when it is, 1 otherwise. For container health checks, where no HTTP client is
    /// installed.
    Ready,
    /// Back up the database (the configured one, or the embedded cluster) to FILE with
    /// `pg_dump` in its custom format, and exit. The service may keep running meanwhile.
    Dump {
        /// Where to write the dump.
        file: PathBuf,
    },
    /// Replace what the database holds by a dump made with `dump`, in one transaction, and
    /// exit. Restore into a new database (or a new DATA_DIR) and start the service on it.
    Restore {
        /// The dump to restore.
        file: PathBuf,
    },
    /// Manage API keys from the command line (the first admin key comes from here).
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
}

#[derive(Debug, Clone, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key and print it once (on stdout, alone on its line); only its hash is kept.
    Create {
        /// What the key is for.
        #[arg(long)]
        name: String,
        /// company, editor or admin.
        #[arg(long)]
        role: String,
        /// The company a `company` key acts for.
        #[arg(long)]
        company_id: Option<uuid::Uuid>,
        /// When the key stops working (RFC 3339, e.g. 2027-06-30T00:00:00Z).
        #[arg(long)]
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Revoke a key by id (as listed by `GET /api/v1/api-keys`) or by prefix.
    Revoke {
        /// The key's id or its 12-digit prefix.
        key: String,
    },
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
    /// PostgreSQL URL of a streaming standby of DATABASE_URL's server. When set, list,
    /// export, search, facet and match reads of callers without a key go there (they may lag
    /// the primary by the standby's replay delay); everything else stays on the primary.
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true, global = true)]
    pub database_read_url: Option<String>,
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
    /// Log lines as plain text, or as one JSON object per line (`json`) for log collectors.
    /// Lines written while a request is handled carry its `request_id` either way.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// Seconds a database statement may run or wait on a lock before it is cancelled and its
    /// request answered 503 (0: no limit). Commands other than `serve` run without a limit.
    #[arg(long, env = "STATEMENT_TIMEOUT", default_value_t = 15, global = true)]
    pub statement_timeout: u64,
    #[command(flatten)]
    pub access: AccessSettings,
    #[command(flatten)]
    pub webhooks: WebhookSettings,
    #[command(flatten)]
    pub operator: OperatorSettings,
}

/// What operators tune: `GET /metrics` (Prometheus text format) and the drain on shutdown.
#[derive(Debug, Clone, Args)]
pub struct OperatorSettings {
    /// Seconds in-flight requests get to finish after SIGTERM/SIGINT (new connections are
    /// refused at once); what is still running then is cut off.
    #[arg(long, env = "SHUTDOWN_TIMEOUT", default_value_t = 30, global = true)]
    pub shutdown_timeout: u64,
    /// Count requests for the metrics (`false` only to measure what counting costs; /metrics
    /// then shows no request series).
    #[arg(long = "metrics", env = "METRICS", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub metrics: bool,
    /// Addresses that may read /metrics on the API's port: IP addresses or CIDR blocks,
    /// comma-separated. Behind a proxy with TRUST_FORWARDED_FOR, the forwarded address counts.
    #[arg(
        long,
        env = "METRICS_ALLOWED",
        value_delimiter = ',',
        value_parser = crate::metrics::parse_net,
        default_value = OperatorSettings::DEFAULT_ALLOWED,
        global = true
    )]
    pub metrics_allowed: Vec<ipnet::IpNet>,
    /// Serve /metrics on this address (`host:port`) of its own, to whoever reaches it; the
    /// API's port then answers 404 there.
    #[arg(long, env = "METRICS_BIND", global = true)]
    pub metrics_bind: Option<String>,
}

impl OperatorSettings {
    /// Loopback only: the default of `METRICS_ALLOWED`.
    pub const DEFAULT_ALLOWED: &str = "127.0.0.0/8,::1";
}

impl Default for OperatorSettings {
    fn default() -> Self {
        Self {
            shutdown_timeout: 30,
            metrics: true,
            metrics_allowed: Self::DEFAULT_ALLOWED
                .split(',')
                .filter_map(|net| crate::metrics::parse_net(net).ok())
                .collect(),
            metrics_bind: None,
        }
    }
}

/// Access control and abuse limits. Rate limits are kept in process: with several replicas
/// each enforces its own, so a client may get up to N times the limit from N replicas.
#[derive(Debug, Clone, Args)]
pub struct AccessSettings {
    /// Require an API key for reads too (private deployments); writes always need one.
    #[arg(long, env = "REQUIRE_KEY_FOR_READS", global = true)]
    pub require_key_for_reads: bool,
    /// Seconds a looked-up key is trusted before it is read again, i.e. how long a key revoked
    /// on another replica (or in the database) may still work here.
    #[arg(long, env = "KEY_CACHE_TTL", default_value_t = AccessSettings::DEFAULT.key_cache_ttl, global = true)]
    pub key_cache_ttl: u64,
    /// Sustained requests per minute for each client address without a key (0: unlimited).
    #[arg(long, env = "ANONYMOUS_RATE_LIMIT", default_value_t = AccessSettings::DEFAULT.anonymous_rate_limit, global = true)]
    pub anonymous_rate_limit: u32,
    /// Requests an address without a key may send at once before the sustained rate applies.
    #[arg(long, env = "ANONYMOUS_BURST", default_value_t = AccessSettings::DEFAULT.anonymous_burst, global = true)]
    pub anonymous_burst: u32,
    /// Sustained requests per minute for each API key (0: unlimited).
    #[arg(long, env = "KEY_RATE_LIMIT", default_value_t = AccessSettings::DEFAULT.key_rate_limit, global = true)]
    pub key_rate_limit: u32,
    /// Requests a key may send at once before the sustained rate applies.
    #[arg(long, env = "KEY_BURST", default_value_t = AccessSettings::DEFAULT.key_burst, global = true)]
    pub key_burst: u32,
    /// Take the client address for rate limiting from the last `X-Forwarded-For` entry
    /// (only behind a reverse proxy that sets it; otherwise clients could pick their address).
    #[arg(long, env = "TRUST_FORWARDED_FOR", global = true)]
    pub trust_forwarded_for: bool,
    /// Origins allowed to call the API from a browser (CORS), comma-separated, e.g.
    /// `https://app.example.org`. Empty: CORS is off and browsers block cross-origin calls.
    #[arg(
        long,
        env = "CORS_ALLOWED_ORIGINS",
        value_delimiter = ',',
        global = true
    )]
    pub cors_allowed_origins: Vec<String>,
}

impl AccessSettings {
    pub const DEFAULT: Self = Self {
        require_key_for_reads: false,
        key_cache_ttl: 5,
        anonymous_rate_limit: 300,
        anonymous_burst: 60,
        key_rate_limit: 3000,
        key_burst: 300,
        trust_forwarded_for: false,
        cors_allowed_origins: Vec::new(),
    };
}

impl Default for AccessSettings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Webhook deliveries: which targets are allowed, how long and how often to retry.
#[derive(Debug, Clone, Args)]
pub struct WebhookSettings {
    /// Allow webhook targets on loopback, private, link-local and other non-public addresses
    /// (closed networks, tests). Off, such targets are refused when a subscription is made
    /// and again at every delivery (a name can resolve elsewhere later).
    #[arg(long, env = "WEBHOOK_ALLOW_PRIVATE_TARGETS", global = true)]
    pub webhook_allow_private_targets: bool,
    /// Allow `http://` webhook targets; otherwise only `https://`.
    #[arg(long, env = "WEBHOOK_ALLOW_HTTP", global = true)]
    pub webhook_allow_http: bool,
    /// Milliseconds before the first retry of a failed delivery; each retry waits about twice
    /// as long as the one before (with jitter), at most 6 hours.
    #[arg(long, env = "WEBHOOK_RETRY_BASE_MS", default_value_t = WebhookSettings::DEFAULT.webhook_retry_base_ms, global = true)]
    pub webhook_retry_base_ms: u64,
    /// Seconds a delivery is retried before its subscription is turned off (3 days).
    #[arg(long, env = "WEBHOOK_RETRY_FOR", default_value_t = WebhookSettings::DEFAULT.webhook_retry_for, global = true)]
    pub webhook_retry_for: u64,
    /// Seconds to wait for a receiver's answer (connecting takes at most 5 of them).
    #[arg(long, env = "WEBHOOK_TIMEOUT", default_value_t = WebhookSettings::DEFAULT.webhook_timeout, global = true)]
    pub webhook_timeout: u64,
}

impl WebhookSettings {
    pub const DEFAULT: Self = Self {
        webhook_allow_private_targets: false,
        webhook_allow_http: false,
        webhook_retry_base_ms: 5_000,
        webhook_retry_for: 3 * 24 * 3600,
        webhook_timeout: 10,
    };
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every environment variable of every command, as `--help` lists them.
    fn variables(command: &clap::Command, found: &mut Vec<String>) {
        for arg in command.get_arguments() {
            if let Some(env) = arg.get_env() {
                found.push(env.to_string_lossy().into_owned());
            }
        }
        for sub in command.get_subcommands() {
            variables(sub, found);
        }
    }

    #[test]
    fn every_setting_is_in_the_operations_guide() {
        let guide = include_str!("../docs/OPERATIONS.md");
        let mut found = Vec::new();
        variables(&super::Cli::command(), &mut found);
        assert!(found.len() > 20, "{found:?}");
        let missing: Vec<&String> = found
            .iter()
            .filter(|v| !guide.contains(&format!("`{v}`")))
            .collect();
        assert!(
            missing.is_empty(),
            "docs/OPERATIONS.md does not document {missing:?}"
        );
    }
}
