//! Database access: the connection pool, migrations, and the embedded PostgreSQL launcher.

pub mod backup;
pub mod embedded;
pub mod prepared;

use std::time::Duration;

use diesel::prelude::*;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub type DbPool = Pool<AsyncPgConnection>;
pub type PoolError = diesel_async::pooled_connection::deadpool::PoolError;
pub type Connection = diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// How long a request waits for a connection (or for a new one to be made) before the API
/// answers 503: a down database fails requests fast instead of hanging them.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("could not connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("running migrations failed: {0}")]
    Migrations(String),
    #[error("building the connection pool failed: {0}")]
    Pool(String),
    #[error("{0}")]
    Tool(String),
}

/// A pool of `size` connections. Connections are made lazily, so a service whose database is
/// down still starts, answers 503 and recovers when the database is back.
///
/// `statement_timeout` (zero: none) ends any statement that runs or waits on a lock longer,
/// so that a stuck statement gives its connection back and its request an answer (503).
pub fn pool(url: &str, size: usize, statement_timeout: Duration) -> Result<DbPool, DbError> {
    let mut config = ManagerConfig::default();
    // `Verified` sends a query on every checkout, which costs about half the throughput of a
    // primary-key read. `Fast` still drops connections whose socket is closed (is_broken), and
    // a query failing on a dead connection marks it broken, so it is replaced on the next
    // checkout.
    config.recycling_method = RecyclingMethod::Fast;
    let statement_timeout_ms = statement_timeout.as_millis().to_string();
    config.custom_setup =
        Box::new(move |url| Box::pin(connect(url.to_owned(), statement_timeout_ms.clone())));
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(ACQUIRE_TIMEOUT))
        .create_timeout(Some(ACQUIRE_TIMEOUT))
        .recycle_timeout(Some(ACQUIRE_TIMEOUT))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| DbError::Pool(e.to_string()))
}

/// Settings every connection of the service has.
///
/// pg_trgm's default word similarity threshold (0.6) misses a first name written another
/// way ("Evgeni Dridze" resembles "Evgueny Dridzé" at 0.53); 0.5 still rejects unrelated names.
///
/// No JIT and no parallel workers. At a million offers the search statements' estimated
/// cost passes the JIT thresholds, and compiling their expressions took 3 s (for a query
/// that ran in 20 ms); the planner also gave their GIN steps parallel plans, and starting the
/// workers cost 250–500 ms per step, even for steps that then had nothing to do. Both pay off
/// for long analytical queries; the service answers many small questions at once on few
/// cores, and a request never has cores to spare.
const SESSION_SETUP: &str = "SELECT set_config('pg_trgm.word_similarity_threshold', '0.5', false),
    set_config('jit', 'off', false),
    set_config('max_parallel_workers_per_gather', '0', false),
    set_config('statement_timeout', $1, false)";

async fn connect(url: String, statement_timeout_ms: String) -> ConnectionResult<AsyncPgConnection> {
    let mut conn = AsyncPgConnection::establish(&url).await?;
    diesel::sql_query(SESSION_SETUP)
        .bind::<diesel::sql_types::Text, _>(statement_timeout_ms)
        .execute(&mut conn)
        .await
        .map_err(ConnectionError::CouldntSetupConfiguration)?;
    Ok(conn)
}

/// The connections of the pool of the service's background tasks (besides the requests'
/// pools): changes' positions, the webhooks' fan-out and sending (four subscriptions at
/// once), facet counts and old idempotency keys. Opened when needed.
pub const BACKGROUND_CONNECTIONS: usize = 4;

/// `total` connections split into one pool per HTTP worker (at least one connection each).
pub fn worker_pools(
    url: &str,
    total: usize,
    workers: usize,
    statement_timeout: Duration,
) -> Result<Vec<DbPool>, DbError> {
    let workers = workers.max(1);
    let each = total.div_ceil(workers).max(1);
    (0..workers)
        .map(|_| pool(url, each, statement_timeout))
        .collect()
}

/// Waits for the migration lock of this database (released when the connection closes).
const MIGRATION_LOCK: &str = "SELECT pg_advisory_lock(hashtext('coopapi migrations'))";

/// Applies pending migrations. Diesel's migration harness is synchronous, so it runs on a
/// blocking thread through `AsyncConnectionWrapper` (diesel-async's own async harness panics
/// under actix's single-threaded runtimes).
///
/// Processes starting together (replicas) take turns: each holds a session advisory lock
/// while it migrates, so the next one finds nothing left to do instead of running the same
/// migration at the same time (and failing on the catalog's unique indexes). The lock goes
/// with the connection, also when a process dies holding it.
pub async fn run_migrations(url: &str) -> Result<usize, DbError> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        use diesel::connection::SimpleConnection;
        let mut conn: AsyncConnectionWrapper<AsyncPgConnection> =
            diesel::Connection::establish(&url)?;
        conn.batch_execute(MIGRATION_LOCK)
            .map_err(|e| DbError::Migrations(e.to_string()))?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| DbError::Migrations(e.to_string()))?;
        Ok(applied.len())
    })
    .await
    .map_err(|e| DbError::Migrations(e.to_string()))?
}

diesel::define_sql_function! {
    /// PostgreSQL's `quote_ident`, to build the CREATE DATABASE statement safely.
    fn quote_ident(name: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Creates `database` (optionally as a copy of `template`) if it does not exist, through a
/// connection to the maintenance database at `admin_url`.
pub async fn create_database(
    admin_url: &str,
    database: &str,
    template: Option<&str>,
) -> Result<(), DbError> {
    let mut conn = AsyncPgConnection::establish(admin_url).await?;
    let exists: i64 = diesel::sql_query("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(database)
        .execute(&mut conn)
        .await
        .map(|n| n as i64)?;
    if exists > 0 {
        return Ok(());
    }
    let quoted: String = diesel::select(quote_ident(database))
        .get_result(&mut conn)
        .await?;
    let statement = match template {
        Some(template) => {
            let template: String = diesel::select(quote_ident(template))
                .get_result(&mut conn)
                .await?;
            format!("CREATE DATABASE {quoted} TEMPLATE {template} STRATEGY FILE_COPY")
        }
        None => format!("CREATE DATABASE {quoted}"),
    };
    diesel::sql_query(statement).execute(&mut conn).await?;
    Ok(())
}

/// One cheap round trip through the pool: the readiness check. Any failure means the database
/// is not usable right now; the error says why, for the log.
pub async fn ping(pool: &DbPool) -> Result<(), String> {
    let mut conn = pool.get().await.map_err(|e| e.to_string())?;
    diesel::select(1.into_sql::<diesel::sql_types::Integer>())
        .execute(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}
