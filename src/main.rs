//! The `coopapi` binary: serve (default), migrate, seed-demo, generate, openapi, api-key, dump,
//! restore.

use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser;
use coop_store::db::{self, embedded};
use coopapi::config::{ApiKeyCommand, Cli, Command, Settings};
use coopapi::startup;

fn main() -> ExitCode {
    coopapi::memory::use_one_arena();
    let cli = Cli::parse();
    coopapi::logging::init(&cli.settings.log_level, cli.settings.log_format);
    let command = cli.command.unwrap_or(Command::Serve { demo: false });
    if let Command::Openapi = command {
        print!("{}", startup::openapi_json());
        return ExitCode::SUCCESS;
    }
    if let Command::Ready = command {
        return match probe_ready(&cli.settings) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("not ready: {message}");
                ExitCode::FAILURE
            }
        };
    }
    let result = actix_web::rt::System::new().block_on(async move {
        // The embedded cluster is started on this (main) thread and lives as long as it does,
        // so its parent-death signal only fires when the process really ends.
        // The server must own its cluster: one it merely attached to would stop when the
        // command that started it ends.
        let serving = matches!(command, Command::Serve { .. });
        let (cluster, url) = open_database(&cli.settings, serving).await?;
        let outcome = match command {
            Command::Migrate => db::run_migrations(&url)
                .await
                .map(|n| log::info!("applied {n} migration(s)"))
                .map_err(|e| e.to_string()),
            Command::SeedDemo => seed_demo(&url).await,
            Command::Generate(scale) => generate(&url, &scale).await,
            Command::Serve { demo } => serve(&cli.settings, &url, demo).await,
            Command::ApiKey(action) => api_key(&url, action).await,
            Command::Dump { file } => {
                let bin_dir = cli.settings.pg_bin.clone();
                blocking(move || db::backup::dump(&url, &file, bin_dir.as_deref())).await
            }
            Command::Restore { file } => {
                let bin_dir = cli.settings.pg_bin.clone();
                blocking(move || db::backup::restore(&url, &file, bin_dir.as_deref())).await
            }
            Command::Openapi | Command::Ready => Ok(()),
        };
        if let Some(cluster) = cluster {
            cluster.stop();
        }
        outcome
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The configured server, or the embedded cluster when no `DATABASE_URL` is set.
async fn open_database(
    settings: &Settings,
    must_own: bool,
) -> Result<(Option<embedded::EmbeddedPostgres>, String), String> {
    if let Some(url) = &settings.database_url {
        return Ok((None, url.clone()));
    }
    if settings.require_database_url {
        return Err("DATABASE_URL is not set, and REQUIRE_DATABASE_URL forbids the embedded database: set DATABASE_URL to your PostgreSQL server (e.g. postgres://user:password@db:5432/coopapi)".into());
    }
    let spec = embedded::ClusterSpec {
        data_dir: settings.data_dir.clone(),
        bin_dir: settings.pg_bin.clone(),
        os_user: settings.pg_user.clone(),
        ephemeral: false,
    };
    let cluster = embedded::EmbeddedPostgres::start(&spec).map_err(|e| e.to_string())?;
    if must_own && !cluster.is_owned() {
        return Err(format!(
            "another process runs the embedded PostgreSQL in {}: stop it, or wait for it to finish",
            cluster.data_dir().display()
        ));
    }
    log::info!(
        "embedded PostgreSQL running in {}",
        cluster.data_dir().display()
    );
    db::create_database(&cluster.url("postgres"), embedded::DATABASE, None)
        .await
        .map_err(|e| e.to_string())?;
    let url = cluster.url(embedded::DATABASE);
    Ok((Some(cluster), url))
}

/// `GET /readyz` on the configured port, over loopback when the server listens on every
/// address.
fn probe_ready(settings: &Settings) -> Result<(), String> {
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
    let host = match settings.bind.as_str() {
        "0.0.0.0" => "127.0.0.1",
        "::" | "[::]" => "::1",
        other => other,
    };
    let address: SocketAddr = (host, settings.port)
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or("no address")?;
    let timeout = std::time::Duration::from_secs(3);
    let mut stream = TcpStream::connect_timeout(&address, timeout).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream
        .take(4096)
        .read_to_end(&mut answer)
        .map_err(|e| e.to_string())?;
    let status_line = String::from_utf8_lossy(&answer);
    let status_line = status_line.lines().next().unwrap_or_default();
    if status_line.split(' ').nth(1) == Some("200") {
        Ok(())
    } else {
        Err(status_line.to_string())
    }
}

/// Runs a command that waits on another process off the async runtime.
async fn blocking(
    work: impl FnOnce() -> Result<(), db::DbError> + Send + 'static,
) -> Result<(), String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

async fn api_key(url: &str, action: ApiKeyCommand) -> Result<(), String> {
    let (pool, _) = startup::prepare_database(url, 1)
        .await
        .map_err(|e| e.to_string())?;
    let mut conn = pool.get().await.map_err(|e| e.to_string())?;
    match action {
        ApiKeyCommand::Create {
            name,
            role,
            company_id,
            expires_at,
        } => {
            let role = role.parse().map_err(|_| {
                format!("--role must be one of company, editor, admin (got `{role}`)")
            })?;
            let request = coopapi::auth::types::CreateApiKey {
                name,
                role,
                company_id,
                expires_at,
            };
            let (key, text) = coopapi::auth::issue(&mut conn, request)
                .await
                .map_err(|e| e.problem().detail)?;
            log::info!(
                "created {} key {} (prefix {}); it is printed once, below",
                <&str>::from(key.role),
                key.id,
                key.prefix
            );
            println!("{text}");
            Ok(())
        }
        ApiKeyCommand::Revoke { key } => {
            let revoked = coopapi::auth::revoke_by_id_or_prefix(&mut conn, &key)
                .await
                .map_err(|e| e.to_string())?;
            match revoked {
                Some(id) => {
                    log::info!("revoked key {id}");
                    Ok(())
                }
                None => Err(format!("no key has the id or prefix `{key}`")),
            }
        }
    }
}

async fn seed_demo(url: &str) -> Result<(), String> {
    let (pool, catalog) = startup::prepare_database(url, 1)
        .await
        .map_err(|e| e.to_string())?;
    let mut conn = pool.get().await.map_err(|e| e.to_string())?;
    let seeded = coopapi::demo::seed(&mut conn, &catalog)
        .await
        .map_err(|e| e.to_string())?;
    log::info!("demo dataset loaded: {} new row(s)", seeded.rows);
    Ok(())
}

async fn generate(url: &str, scale: &coopapi::synthetic::Scale) -> Result<(), String> {
    let (pool, _) = startup::prepare_database(url, 1)
        .await
        .map_err(|e| e.to_string())?;
    let mut conn = pool.get().await.map_err(|e| e.to_string())?;
    coopapi::synthetic::generate(&mut conn, scale)
        .await
        .map_err(|e| e.to_string())
}

async fn serve(settings: &Settings, url: &str, demo: bool) -> Result<(), String> {
    let (pool, catalog) = startup::prepare_database(url, settings.pool_size)
        .await
        .map_err(|e| e.to_string())?;
    if demo {
        let mut conn = pool.get().await.map_err(|e| e.to_string())?;
        if coopapi::demo::is_empty(&mut conn)
            .await
            .map_err(|e| e.to_string())?
        {
            let seeded = coopapi::demo::seed(&mut conn, &catalog)
                .await
                .map_err(|e| e.to_string())?;
            log::info!("demo dataset loaded: {} new row(s)", seeded.rows);
        } else {
            log::info!("--demo: the database already holds events; nothing seeded");
        }
    }
    let listener = TcpListener::bind((settings.bind.as_str(), settings.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", settings.bind, settings.port))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    drop(pool);
    let workers = settings.workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    let statement_timeout = std::time::Duration::from_secs(settings.statement_timeout);
    let pools = db::worker_pools(url, settings.pool_size, workers, statement_timeout)
        .map_err(|e| e.to_string())?;
    let standby_pools = match &settings.database_read_url {
        Some(read_url) => {
            db::worker_pools(read_url, settings.pool_size, workers, statement_timeout)
                .map_err(|e| e.to_string())?
        }
        None => Vec::new(),
    };
    let background =
        db::pool(url, db::BACKGROUND_CONNECTIONS, statement_timeout).map_err(|e| e.to_string())?;
    let pools = startup::Pools {
        workers: pools,
        standby: standby_pools,
        background,
    };
    let server = startup::run(
        listener,
        pools,
        catalog,
        &settings.access,
        &settings.webhooks,
        &settings.operator,
    )
    .map_err(|e| e.to_string())?;
    log::info!("serving on http://{address} (Swagger UI at http://{address}/docs/)");
    server.await.map_err(|e| e.to_string())
}
