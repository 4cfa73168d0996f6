//! Sending webhooks: two tasks per process. One fans changes out to the subscriptions that
//! may see them (woken when PostgreSQL announces new positions); the other sends each
//! subscription's deliveries, in order, retrying failures with exponential backoff and
//! jitter. Replicas share the work through row locks (`FOR UPDATE SKIP LOCKED`) and leases,
//! so each change goes out once between them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::Notify;
use uuid::Uuid;

use super::signing::signature_header;
use super::target::TargetPolicy;
use super::types::WebhookPayload;
use crate::auth::Caller;
use crate::changes::feed::read_page;
use crate::changes::notifier::ChangeNotifier;
use crate::config::WebhookSettings;
use crate::http::ApiError;
use coop_domain::access::{Identity, Role};
use coop_store::changes::ChangeFilter;
use coop_store::db::DbPool;
use coop_store::webhooks::{
    self as store, AttemptRow, DELIVERED, DeliveryRow, FAILED, Outcome, PENDING, WebhookRow,
};

/// How often due retries and other processes' work are looked for without a wake-up.
const SWEEP: Duration = Duration::from_secs(1);
/// The pause before each fan-out round.
const FAN_OUT_PAUSE: Duration = Duration::from_millis(10);
/// Subscriptions fanned out per transaction.
const FAN_OUT_SUBSCRIPTIONS: i64 = 16;
/// Changes read per subscription per fan-out: a round holds their representations in
/// memory, and 100 every 10 ms is well above any write rate the service takes.
const FAN_OUT_CHANGES: i64 = 100;
/// Subscriptions delivered to at once by one process.
const PARALLEL_SUBSCRIPTIONS: i32 = 4;
/// How long a process holds a subscription it delivers to; another takes it over after
/// that (a process that died holding it).
const LEASE: Duration = Duration::from_secs(60);
/// A process gives a subscription back after a turn this long (well within its lease): the
/// other subscriptions of its round wait for it, and another process may take it.
const TURN_TIME: Duration = Duration::from_secs(1);
/// Deliveries read at a time during a turn.
const BATCH: i64 = 200;
/// Deliveries recorded together at most (and at least every [`RECORD_EVERY`]): a process
/// that dies sends the unrecorded ones again, with the same `webhook-id`.
const RECORD_BATCH: usize = 100;
const RECORD_EVERY: Duration = Duration::from_millis(200);
/// The longest wait between retries.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);
/// Bytes of an answer read (then the connection is dropped).
const MAX_ANSWER: usize = 4096;
/// The longest a connection may take, whatever the answer timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Wakes the sending task: new deliveries are queued, or one was asked for again.
#[derive(Default)]
pub struct Wake(Notify);

impl Wake {
    pub fn deliveries_due(&self) {
        self.0.notify_one();
    }
}

struct Deliverer {
    pool: DbPool,
    client: reqwest::Client,
    policy: TargetPolicy,
    retry_base: Duration,
    retry_for: chrono::Duration,
    wake: Arc<Wake>,
}

/// Starts fanning out and sending; returns the handle that wakes the sender.
pub fn spawn(pool: DbPool, notifier: Arc<ChangeNotifier>, settings: &WebhookSettings) -> Arc<Wake> {
    let wake = Arc::new(Wake::default());
    let policy = TargetPolicy {
        allow_private: settings.webhook_allow_private_targets,
        allow_http: settings.webhook_allow_http,
    };
    let timeout = Duration::from_secs(settings.webhook_timeout.max(1));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .timeout(timeout)
        .dns_resolver(policy.resolver())
        .user_agent(concat!("coopapi-webhooks/", env!("CARGO_PKG_VERSION")))
        .build();
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            log::error!("webhooks are not sent: the HTTP client could not be built: {e}");
            return wake;
        }
    };
    let deliverer = Arc::new(Deliverer {
        pool,
        client,
        policy,
        retry_base: Duration::from_millis(settings.webhook_retry_base_ms.max(1)),
        retry_for: chrono::Duration::seconds(
            i64::try_from(settings.webhook_retry_for).unwrap_or(i64::MAX / 1000),
        ),
        wake: wake.clone(),
    });
    tokio::spawn(fan_out(deliverer.clone(), notifier));
    tokio::spawn(send(deliverer));
    wake
}

/// The reader a subscription stands for: its company's key, or an admin's.
fn subscriber(hook: &WebhookRow) -> Caller {
    Caller::key(Identity {
        key_id: hook.id,
        role: if hook.company_id.is_some() {
            Role::Company
        } else {
            Role::Admin
        },
        company_id: hook.company_id,
    })
}

async fn fan_out(deliverer: Arc<Deliverer>, notifier: Arc<ChangeNotifier>) {
    let mut announced = notifier.subscribe();
    loop {
        // Under a write load positions are announced many times a second: a short pause
        // lets one round take the changes of many writes.
        tokio::time::sleep(FAN_OUT_PAUSE).await;
        match deliverer.fan_out_round().await {
            Ok(round) => {
                if round.queued {
                    deliverer.wake.deliveries_due();
                }
                if round.more {
                    continue;
                }
            }
            Err(e) => log::warn!("queueing webhook deliveries failed: {e}"),
        }
        let _ = tokio::time::timeout(SWEEP, announced.changed()).await;
    }
}

async fn send(deliverer: Arc<Deliverer>) {
    loop {
        let worked = match deliverer.send_round().await {
            Ok(worked) => worked,
            Err(e) => {
                log::warn!("sending webhooks failed: {e}");
                false
            }
        };
        if !worked {
            let _ = tokio::time::timeout(SWEEP, deliverer.wake.0.notified()).await;
        }
    }
}

struct FanOut {
    /// Deliveries were queued.
    queued: bool,
    /// Some subscription has more changes to consider right away.
    more: bool,
}

impl Deliverer {
    /// Turns the changes after each subscription's position into its deliveries.
    async fn fan_out_round(&self) -> Result<FanOut, ApiError> {
        let mut conn = self.pool.get().await?;
        let latest = store::latest_position(&mut conn).await?;
        // One cheap read when no subscription is behind (the usual case between writes).
        if !store::any_behind(&mut conn, latest).await? {
            return Ok(FanOut {
                queued: false,
                more: false,
            });
        }
        crate::idempotency::transaction(&mut conn, async |conn| {
            let hooks = store::lock_for_fan_out(conn, latest, FAN_OUT_SUBSCRIPTIONS).await?;
            let mut round = FanOut {
                queued: false,
                more: hooks.len() as i64 == FAN_OUT_SUBSCRIPTIONS,
            };
            for hook in hooks {
                let filter = ChangeFilter {
                    types: hook.types.clone(),
                    company_id: None,
                };
                let caller = subscriber(&hook);
                let page =
                    read_page(conn, &caller, &filter, hook.position, FAN_OUT_CHANGES).await?;
                let last = page.last_read.unwrap_or(hook.position);
                // Without more, every change up to `latest` was read (seen or not).
                let position = if page.has_more {
                    last
                } else {
                    last.max(latest)
                };
                round.more |= page.has_more;
                let mut deliveries = Vec::with_capacity(page.items.len());
                for change in page.items {
                    let event_type = format!(
                        "{}.{}",
                        <&str>::from(change.resource_type),
                        <&str>::from(change.operation)
                    );
                    let position = change.position;
                    let payload = serde_json::to_value(WebhookPayload {
                        event_type: event_type.clone(),
                        timestamp: change.changed_at,
                        data: change,
                    })
                    .map_err(ApiError::internal)?;
                    deliveries.push(DeliveryRow {
                        id: Uuid::now_v7(),
                        webhook_id: hook.id,
                        position,
                        event_type,
                        payload,
                        state: PENDING.into(),
                        attempts: 0,
                        next_attempt_at: Some(Utc::now()),
                        first_attempt_at: None,
                        last_attempt_at: None,
                        last_status: None,
                        last_error: None,
                        last_latency_ms: None,
                        created_at: Utc::now(),
                        delivered_at: None,
                    });
                }
                round.queued |= !deliveries.is_empty();
                store::queue(conn, hook.id, &deliveries, position).await?;
            }
            Ok(round)
        })
        .await
    }

    /// Takes the subscriptions whose next delivery is due and sends to them; `false` when
    /// there was none.
    async fn send_round(self: &Arc<Self>) -> Result<bool, ApiError> {
        let lease_until = Utc::now() + chrono::Duration::from_std(LEASE).unwrap_or_default();
        let hooks = {
            let mut conn = self.pool.get().await?;
            store::claim_due(&mut conn, lease_until, PARALLEL_SUBSCRIPTIONS).await?
        };
        if hooks.is_empty() {
            return Ok(false);
        }
        futures_util::future::join_all(hooks.into_iter().map(|hook| self.send_to(hook))).await;
        Ok(true)
    }

    /// Sends a subscription's due deliveries in order until one fails, none is left or the
    /// turn is over, then gives the subscription back.
    async fn send_to(&self, hook: WebhookRow) {
        let started = Instant::now();
        let sent = async {
            // Deliveries that went through are recorded in batches; an attempt that failed
            // ends the turn and is recorded with them at once. The next batch is read after
            // the last position sent, so that what is sent but not yet recorded is not read
            // again.
            let mut done: Vec<Outcome> = Vec::new();
            let mut flushed = Instant::now();
            let mut after = i64::MIN;
            'turn: loop {
                let pending = {
                    let mut conn = self.pool.get().await?;
                    store::pending(&mut conn, hook.id, after, BATCH).await?
                };
                let more = pending.len() as i64 == BATCH;
                for delivery in pending {
                    let now = Utc::now();
                    if delivery.next_attempt_at.is_some_and(|at| at > now)
                        || started.elapsed() > TURN_TIME
                    {
                        break 'turn;
                    }
                    after = delivery.position;
                    let first_attempt_at = delivery.first_attempt_at;
                    // No connection is held while the receiver answers.
                    let outcome = self.attempt(&hook, &delivery).await;
                    let delivered = outcome.state == DELIVERED;
                    crate::metrics::METRICS
                        .deliveries
                        .with_label_values(&[match outcome.state {
                            DELIVERED => "delivered",
                            FAILED => "failed",
                            _ => "retrying",
                        }])
                        .inc();
                    let failed = (outcome.state == FAILED).then(|| {
                        format!(
                            "deliveries failed for {} hours (since {}); the last attempt, at {}: {}",
                            self.retry_for.num_hours(),
                            first_attempt_at
                                .unwrap_or(outcome.attempt.attempted_at)
                                .to_rfc3339(),
                            outcome.attempt.attempted_at.to_rfc3339(),
                            outcome.attempt.error.as_deref().unwrap_or("failed")
                        )
                    });
                    done.push(outcome);
                    if !delivered
                        || done.len() >= RECORD_BATCH
                        || flushed.elapsed() > RECORD_EVERY
                    {
                        let mut conn = self.pool.get().await?;
                        store::record(&mut conn, &done).await?;
                        done.clear();
                        flushed = Instant::now();
                        if let Some(reason) = failed {
                            store::disable(&mut conn, hook.id, &reason, Utc::now()).await?;
                            log::warn!("webhook {} turned off: {reason}", hook.id);
                        }
                    }
                    if !delivered {
                        break 'turn;
                    }
                }
                if !more {
                    break;
                }
            }
            if !done.is_empty() {
                let mut conn = self.pool.get().await?;
                store::record(&mut conn, &done).await?;
            }
            Ok::<_, ApiError>(())
        }
        .await;
        if let Err(e) = sent {
            log::warn!("sending to webhook {} failed: {e}", hook.id);
        }
        let released = match self.pool.get().await {
            Ok(mut conn) => store::release(&mut conn, hook.id)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = released {
            // The lease runs out by itself.
            log::warn!("giving webhook {} back failed: {e}", hook.id);
        }
    }

    /// One attempt at a delivery, and what follows from it.
    async fn attempt(&self, hook: &WebhookRow, delivery: &DeliveryRow) -> Outcome {
        let attempted_at = Utc::now();
        let started = Instant::now();
        let answer = self.post(hook, delivery).await;
        let latency_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let (status, error) = match answer {
            Ok(status) => (Some(status), None),
            Err(Failure { status, error }) => (status, Some(error)),
        };
        let attempt = AttemptRow {
            delivery_id: delivery.id,
            attempt: delivery.attempts + 1,
            attempted_at,
            status: status.map(|s| i16::try_from(s).unwrap_or(i16::MAX)),
            latency_ms,
            error,
        };
        self.outcome(delivery, attempt)
    }

    fn outcome(&self, delivery: &DeliveryRow, attempt: AttemptRow) -> Outcome {
        if attempt.error.is_none() {
            return Outcome {
                attempt,
                state: DELIVERED,
                next_attempt_at: None,
            };
        }
        let first = delivery.first_attempt_at.unwrap_or(attempt.attempted_at);
        if attempt.attempted_at - first >= self.retry_for {
            return Outcome {
                attempt,
                state: FAILED,
                next_attempt_at: None,
            };
        }
        let wait = backoff(self.retry_base, attempt.attempt, jitter());
        let next = attempt.attempted_at + chrono::Duration::from_std(wait).unwrap_or_default();
        Outcome {
            attempt,
            state: PENDING,
            next_attempt_at: Some(next),
        }
    }

    /// POSTs the delivery, signed; `Ok` with the status when the receiver answered 2xx.
    async fn post(&self, hook: &WebhookRow, delivery: &DeliveryRow) -> Result<u16, Failure> {
        // Addresses in the URL itself are checked here; names, by the client's resolver.
        let url = self
            .policy
            .parse(&hook.url)
            .map_err(|e| Failure::refused(format!("the target is refused: it {e}")))?;
        let body = serde_json::to_vec(&delivery.payload).unwrap_or_default();
        let id = delivery.id.to_string();
        let timestamp = Utc::now().timestamp();
        let mut secrets = vec![hook.secret.as_str()];
        if let (Some(previous), Some(until)) = (&hook.previous_secret, hook.previous_secret_until)
            && until > Utc::now()
        {
            secrets.push(previous);
        }
        let signature = signature_header(&secrets, &id, timestamp, &body);
        let response = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| Failure::refused(describe(&e)))?;
        let status = response.status();
        drain(response).await;
        if status.is_success() {
            Ok(status.as_u16())
        } else if status.is_redirection() {
            Err(Failure::answered(
                status.as_u16(),
                format!("the receiver answered {status}; redirects are not followed"),
            ))
        } else {
            Err(Failure::answered(
                status.as_u16(),
                format!("the receiver answered {status}"),
            ))
        }
    }
}

struct Failure {
    status: Option<u16>,
    error: String,
}

impl Failure {
    fn refused(error: String) -> Self {
        Failure {
            status: None,
            error,
        }
    }

    fn answered(status: u16, error: String) -> Self {
        Failure {
            status: Some(status),
            error,
        }
    }
}

/// Reads at most [`MAX_ANSWER`] bytes of an answer: enough to reuse the connection after a
/// short one, never a large one.
async fn drain(mut response: reqwest::Response) {
    let mut read = 0;
    while read < MAX_ANSWER {
        match response.chunk().await {
            Ok(Some(chunk)) => read += chunk.len(),
            _ => break,
        }
    }
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "the receiver did not answer in time".into()
    } else if e.is_connect() {
        // The cause (refused, unreachable, no public address) is the deepest source.
        let mut cause: &dyn std::error::Error = e;
        while let Some(source) = cause.source() {
            cause = source;
        }
        format!("could not connect: {cause}")
    } else {
        "the request failed before an answer".into()
    }
}

/// A factor in [0.75, 1.25), so that retries of many deliveries spread out.
fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    0.75 + f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX) / 2.0
}

/// The wait after failed attempt `attempt` (1 for the first): `base`, doubling each time, at
/// most [`MAX_BACKOFF`], scaled by `jitter`.
fn backoff(base: Duration, attempt: i32, jitter: f64) -> Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1))
        .unwrap_or(0)
        .min(30);
    let wait = base.saturating_mul(1 << doublings).min(MAX_BACKOFF);
    wait.mul_f64(jitter)
}

/// The times of the retries after the first attempt, without jitter (for the documentation
/// and its test).
pub fn retry_times(base: Duration, period: Duration) -> Vec<Duration> {
    let mut times = Vec::new();
    let mut at = Duration::ZERO;
    for attempt in 1.. {
        at += backoff(base, attempt, 1.0);
        if at > period {
            break;
        }
        times.push(at);
    }
    times
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_up_to_six_hours_and_last_the_whole_period() {
        let base = Duration::from_secs(5);
        assert_eq!(backoff(base, 1, 1.0), Duration::from_secs(5));
        assert_eq!(backoff(base, 2, 1.0), Duration::from_secs(10));
        assert_eq!(backoff(base, 5, 1.0), Duration::from_secs(80));
        assert_eq!(backoff(base, 40, 1.0), MAX_BACKOFF);
        let three_days = Duration::from_secs(3 * 24 * 3600);
        let times = retry_times(base, three_days);
        // More than a day of retries, the last one within the last 6 hours of the period.
        let last = *times.last().unwrap();
        assert!(last > Duration::from_secs(24 * 3600), "{last:?}");
        assert!(three_days - last <= MAX_BACKOFF, "{last:?}");
        assert!(times.len() < 40, "{}", times.len());
    }

    #[test]
    fn jitter_stays_within_a_quarter() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.75..1.25).contains(&j), "{j}");
        }
    }
}
