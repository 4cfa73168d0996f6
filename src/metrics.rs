//! What the service is doing, for Prometheus: `GET /metrics` in the text exposition format.
//!
//! Counters are process-wide (one registry, as the `prometheus` crate intends): requests by
//! route template and status with their latency, key-cache lookups, rate-limit refusals and
//! webhook delivery outcomes are counted where they happen; the pools, the change feed and
//! the webhook outbox are read when the metrics are scraped. Process memory, CPU and open
//! files come from the crate's process collector.

use std::net::IpAddr;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, get, web};
use ipnet::IpNet;
use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

use crate::http::{ApiError, Problem};
use coop_store::db::DbPool;

/// The service's own series start with this; the process collector's are the standard
/// `process_…` ones.
const PREFIX: &str = "coopapi_";

/// The media type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Request latency buckets, in seconds: from a cached read to a slow search.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How long a scrape waits for the database's figures before serving without them.
const BACKLOG_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    /// Key lookups by `result`: `hit` (answered from the cache) or `miss` (read).
    pub key_cache: IntCounterVec,
    /// Requests refused with 429, by `client`: `key` or `address`.
    pub rate_limited: IntCounterVec,
    /// Delivery attempts by `outcome`: `delivered`, `retrying` or `failed` (given up).
    pub deliveries: IntCounterVec,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
    pool_waiting: IntGauge,
    database_up: IntGauge,
    unpositioned_changes: IntGauge,
    unpositioned_age: Gauge,
    latest_position: IntGauge,
    not_fanned_out: IntGauge,
    pending_deliveries: IntGauge,
    oldest_pending_delivery: Gauge,
}

/// The process's metrics.
pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

fn counter(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let metric = IntCounterVec::new(Opts::new(format!("{PREFIX}{name}"), help), labels)
        .unwrap_or_else(|e| {
            unreachable!("metric {name}: {e}");
        });
    register(registry, metric)
}

fn gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    register(
        registry,
        IntGauge::new(format!("{PREFIX}{name}"), help)
            .unwrap_or_else(|e| unreachable!("metric {name}: {e}")),
    )
}

fn float_gauge(registry: &Registry, name: &str, help: &str) -> Gauge {
    register(
        registry,
        Gauge::new(format!("{PREFIX}{name}"), help)
            .unwrap_or_else(|e| unreachable!("metric {name}: {e}")),
    )
}

/// Registers a metric whose name and labels are constants of this module: a failure is a
/// programming error caught by the tests, never a runtime condition.
fn register<M: prometheus::core::Collector + Clone + 'static>(registry: &Registry, metric: M) -> M {
    if let Err(e) = registry.register(Box::new(metric.clone())) {
        unreachable!("registering a metric: {e}");
    }
    metric
}

impl Metrics {
    fn new() -> Self {
        let registry = Registry::new();
        #[cfg(target_os = "linux")]
        if let Err(e) = registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        )) {
            log::warn!("process metrics unavailable: {e}");
        }
        let latency = HistogramVec::new(
            HistogramOpts::new(
                format!("{PREFIX}http_request_duration_seconds"),
                "Time from the request's arrival to its response, by route template",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["method", "route"],
        )
        .unwrap_or_else(|e| unreachable!("latency histogram: {e}"));
        Self {
            requests: counter(
                &registry,
                "http_requests_total",
                "Requests answered, by method, route template and status",
                &["method", "route", "status"],
            ),
            latency: register(&registry, latency),
            key_cache: counter(
                &registry,
                "key_cache_lookups_total",
                "API key lookups, by result: hit (from the cache) or miss (read from the database)",
                &["result"],
            ),
            rate_limited: counter(
                &registry,
                "rate_limited_requests_total",
                "Requests refused with 429, by client kind: key or address",
                &["client"],
            ),
            deliveries: counter(
                &registry,
                "webhook_delivery_attempts_total",
                "Webhook delivery attempts, by outcome: delivered, retrying or failed (given up)",
                &["outcome"],
            ),
            pool_connections: register(
                &registry,
                IntGaugeVec::new(
                    Opts::new(
                        format!("{PREFIX}db_pool_connections"),
                        "Open database connections, by state: idle or in_use",
                    ),
                    &["state"],
                )
                .unwrap_or_else(|e| unreachable!("pool gauge: {e}")),
            ),
            pool_max: gauge(
                &registry,
                "db_pool_max_connections",
                "Database connections the pools may open",
            ),
            pool_waiting: gauge(
                &registry,
                "db_pool_waiting_requests",
                "Tasks waiting for a database connection",
            ),
            database_up: gauge(
                &registry,
                "database_up",
                "1 when the database answered this scrape's query, else 0",
            ),
            unpositioned_changes: gauge(
                &registry,
                "change_feed_unpositioned_changes",
                "Committed changes not yet given their place in the change feed",
            ),
            unpositioned_age: float_gauge(
                &registry,
                "change_feed_lag_seconds",
                "Age of the oldest committed change not yet in the change feed",
            ),
            latest_position: gauge(
                &registry,
                "change_feed_position",
                "The change feed's last position",
            ),
            not_fanned_out: gauge(
                &registry,
                "webhook_changes_not_queued",
                "Changes the active subscriptions have not yet turned into deliveries, summed",
            ),
            pending_deliveries: gauge(
                &registry,
                "webhook_outbox_depth",
                "Webhook deliveries waiting to be sent, retries included",
            ),
            oldest_pending_delivery: float_gauge(
                &registry,
                "webhook_outbox_lag_seconds",
                "Age of the oldest webhook delivery waiting to be sent",
            ),
            registry,
        }
    }

    fn observe(&self, method: &str, route: &str, status: StatusCode, elapsed: Duration) {
        self.requests
            .with_label_values(&[method, route, status.as_str()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    /// The exposition text, after reading the pools and the database's figures.
    async fn render(&self, pools: &[DbPool]) -> Vec<u8> {
        let (mut max, mut open, mut idle, mut waiting) = (0, 0, 0, 0);
        for pool in pools {
            let status = pool.status();
            max += status.max_size;
            open += status.size;
            idle += status.available;
            waiting += status.waiting;
        }
        self.pool_max.set(max as i64);
        self.pool_connections
            .with_label_values(&["idle"])
            .set(idle as i64);
        self.pool_connections
            .with_label_values(&["in_use"])
            .set(open.saturating_sub(idle) as i64);
        self.pool_waiting.set(waiting as i64);
        match tokio::time::timeout(BACKLOG_TIMEOUT, read_backlog(pools)).await {
            Ok(Ok(b)) => {
                self.database_up.set(1);
                self.unpositioned_changes.set(b.unpositioned_changes);
                self.unpositioned_age.set(b.unpositioned_age_seconds);
                self.latest_position.set(b.latest_position);
                self.not_fanned_out.set(b.changes_not_fanned_out);
                self.pending_deliveries.set(b.pending_deliveries);
                self.oldest_pending_delivery
                    .set(b.oldest_pending_delivery_seconds);
            }
            Ok(Err(e)) => {
                log::warn!("metrics: the database's figures could not be read: {e}");
                self.database_up.set(0);
            }
            Err(_) => {
                log::warn!("metrics: the database's figures took too long");
                self.database_up.set(0);
            }
        }
        let mut out = Vec::with_capacity(16 * 1024);
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            log::error!("metrics: encoding failed: {e}");
        }
        out
    }
}

async fn read_backlog(pools: &[DbPool]) -> Result<coop_store::backlog::Backlog, String> {
    let pool = pools.first().ok_or("no pool")?;
    let mut conn = pool.get().await.map_err(|e| e.to_string())?;
    coop_store::backlog::backlog(&mut conn)
        .await
        .map_err(|e| e.to_string())
}

/// Middleware, outermost: counts each request under its route template (`unmatched` for a
/// path no route serves, so that scanners cannot create a series per path they try).
pub async fn count_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let result = next.call(req).await;
    let (route, status) = match &result {
        Ok(response) => (response.request().match_pattern(), response.status()),
        Err(e) => (None, e.as_response_error().status_code()),
    };
    METRICS.observe(
        method.as_str(),
        route.as_deref().unwrap_or("unmatched"),
        status,
        started.elapsed(),
    );
    result
}

/// Who may read the metrics on the API's port.
pub struct MetricsAccess {
    /// Served on a port of their own instead: the API's port answers 404.
    pub elsewhere: bool,
    pub allowed: Vec<IpNet>,
    /// The client's address is the last `X-Forwarded-For` entry (as for rate limits).
    pub trust_forwarded_for: bool,
}

impl MetricsAccess {
    /// Everyone: the metrics' own listener (`METRICS_BIND`), which only an operator reaches.
    pub fn everyone() -> Self {
        Self {
            elsewhere: false,
            allowed: vec![
                IpNet::V4(ipnet::Ipv4Net::default()),
                IpNet::V6(ipnet::Ipv6Net::default()),
            ],
            trust_forwarded_for: false,
        }
    }

    fn admits(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
            v4 => v4,
        };
        !self.elsewhere && self.allowed.iter().any(|net| net.contains(&address))
    }
}

/// All worker pools, for the pool figures.
pub struct AllPools(pub Vec<DbPool>);

/// Metrics
///
/// The service's metrics in the Prometheus text exposition format (version 0.0.4): requests by
/// route template and status, latency histograms, database pool use, change-feed and
/// webhook-outbox depth and lag, delivery outcomes, key-cache lookups, rate-limit refusals and
/// the process's memory and CPU. Served only to the addresses in `METRICS_ALLOWED` (loopback
/// by default); others, and every caller when `METRICS_BIND` gives the metrics a port of their
/// own, get 404.
#[utoipa::path(
    tag = "health",
    operation_id = "metrics",
    responses(
        (status = 200, description = "The metrics", content_type = "text/plain; version=0.0.4; charset=utf-8", body = String,
            example = "# HELP coopapi_http_requests_total Requests answered, by method, route template and status\n# TYPE coopapi_http_requests_total counter\ncoopapi_http_requests_total{method=\"GET\",route=\"/api/v1/events/{id}\",status=\"200\"} 42\n"),
        (status = 404, description = "Not served to this address", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/metrics")]
pub async fn metrics(
    req: HttpRequest,
    access: web::Data<MetricsAccess>,
    pools: web::Data<AllPools>,
) -> Result<HttpResponse, ApiError> {
    let address = crate::auth::middleware::client_address(&req, access.trust_forwarded_for);
    if !access.admits(address) {
        return Err(ApiError::not_found("no resource at this path"));
    }
    let body = METRICS.render(&pools.0).await;
    Ok(HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

/// An address (`10.0.0.7`) or a block (`10.0.0.0/8`), for `METRICS_ALLOWED`.
pub fn parse_net(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{text}` is neither an IP address nor a CIDR block"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allow_list_takes_addresses_and_blocks_and_mapped_ipv4() {
        let access = MetricsAccess {
            elsewhere: false,
            allowed: vec![
                parse_net("127.0.0.0/8").unwrap(),
                parse_net("::1").unwrap(),
                parse_net("10.1.2.3").unwrap(),
            ],
            trust_forwarded_for: false,
        };
        for yes in [
            "127.0.0.1",
            "127.9.9.9",
            "::1",
            "10.1.2.3",
            "::ffff:127.0.0.1",
        ] {
            assert!(access.admits(yes.parse().unwrap()), "{yes}");
        }
        for no in ["10.1.2.4", "192.168.1.1", "2001:db8::1"] {
            assert!(!access.admits(no.parse().unwrap()), "{no}");
        }
        assert!(parse_net("localhost").is_err());
        let elsewhere = MetricsAccess {
            elsewhere: true,
            ..access
        };
        assert!(!elsewhere.admits("127.0.0.1".parse().unwrap()));
    }

    #[test]
    fn every_series_is_registered_and_named_with_the_prefix() {
        METRICS.observe(
            "GET",
            "/api/v1/events/{id}",
            StatusCode::OK,
            Duration::from_millis(3),
        );
        METRICS.key_cache.with_label_values(&["hit"]).inc();
        let families = METRICS.registry.gather();
        let names: Vec<&str> = families.iter().map(|f| f.name()).collect();
        for name in [
            "coopapi_http_requests_total",
            "coopapi_http_request_duration_seconds",
            "coopapi_key_cache_lookups_total",
            "coopapi_db_pool_max_connections",
            "coopapi_webhook_outbox_depth",
            "process_resident_memory_bytes",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
    }
}
