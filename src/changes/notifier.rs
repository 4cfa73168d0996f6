//! Keeps the change feed moving without anyone polling the database: writes in this process
//! wake a task that gives the new changes their positions, and every process hears from
//! PostgreSQL (`LISTEN`) when positions were given, by any of them, to wake the readers that
//! wait for the next change (`wait=`).

use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;
use futures_util::StreamExt;
use tokio::sync::{Notify, watch};

use coop_store::changes;
use coop_store::db::DbPool;

/// How often changes are positioned when no write of this process asked for it (writes of
/// other processes or of SQL sessions).
const SWEEP: Duration = Duration::from_secs(1);
/// How long to wait before listening again after the connection was lost.
const RECONNECT: Duration = Duration::from_secs(1);

/// The process's view of the feed.
pub struct ChangeNotifier {
    /// The last position PostgreSQL announced.
    latest: watch::Sender<i64>,
    /// Set by writes; the sequencing task waits on it.
    written: Notify,
}

impl ChangeNotifier {
    pub fn new() -> Arc<Self> {
        Arc::new(ChangeNotifier {
            latest: watch::Sender::new(0),
            written: Notify::new(),
        })
    }

    /// A write of this process committed: its changes await their positions.
    pub fn wrote(&self) {
        self.written.notify_one();
    }

    /// Wakes when a later position is announced.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.latest.subscribe()
    }
}

/// Starts the two tasks: positioning changes after writes, and listening for new positions.
pub fn spawn(notifier: Arc<ChangeNotifier>, pool: DbPool) {
    tokio::spawn(position_changes(notifier.clone(), pool.clone()));
    tokio::spawn(listen(notifier, pool));
}

async fn position_changes(notifier: Arc<ChangeNotifier>, pool: DbPool) {
    loop {
        let swept = tokio::time::timeout(SWEEP, notifier.written.notified())
            .await
            .is_err();
        let mut conn = match pool.get().await {
            Ok(conn) => conn,
            Err(e) => {
                log::warn!("positioning changes: no connection: {e}");
                continue;
            }
        };
        // Offers expire without a write: checked on the sweeps (it does something once a day).
        if swept && let Err(e) = changes::record_expiries(&mut conn).await {
            log::warn!("recording offer expiries failed: {e}");
        }
        if let Err(e) = changes::sequence(&mut conn).await {
            log::warn!("positioning changes failed: {e}");
        }
    }
}

async fn listen(notifier: Arc<ChangeNotifier>, pool: DbPool) {
    loop {
        // A connection of its own, out of the pool for good: it only waits for notifications.
        let conn = match pool.get().await {
            Ok(conn) => conn,
            Err(e) => {
                log::warn!("listening for changes: no connection: {e}");
                tokio::time::sleep(RECONNECT).await;
                continue;
            }
        };
        let mut conn = deadpool::managed::Object::take(conn);
        if let Err(e) = changes::listen(&mut conn).await {
            log::warn!("listening for changes failed: {e}");
            tokio::time::sleep(RECONNECT).await;
            continue;
        }
        let mut notifications = std::pin::pin!(conn.notifications_stream());
        while let Some(notification) = notifications.next().await {
            match notification {
                Ok(n) => {
                    let position = n.payload.parse().unwrap_or(0);
                    notifier.latest.send_if_modified(|latest| {
                        let later = position > *latest;
                        *latest = (*latest).max(position);
                        later
                    });
                }
                Err(e) => {
                    log::warn!("listening for changes: {e}");
                    break;
                }
            }
        }
        tokio::time::sleep(RECONNECT).await;
    }
}

/// Middleware: after a write that succeeded, wakes the task that positions its changes, so the
/// feed and its waiting readers see it within milliseconds rather than at the next sweep.
pub async fn after_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let notifier = req.app_data::<web::Data<Arc<ChangeNotifier>>>().cloned();
    let response = next.call(req).await?;
    if let Some(notifier) = notifier.filter(|_| writes && response.status().is_success()) {
        notifier.wrote();
    }
    Ok(response)
}
