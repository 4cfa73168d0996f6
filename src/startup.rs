//! Builds and runs the HTTP server; used by `main` and by the integration tests, which bind
//! port 0 against their own database.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::dev::{Server, ServiceFactory, ServiceRequest};
use actix_web::middleware::{Condition, Logger, from_fn};
use actix_web::{App, HttpServer, web};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::AccessControl;
use crate::config::{AccessSettings, OperatorSettings, WebhookSettings};
use crate::http::routes::{RouteTable, Routes, unmatched};
use crate::http::security::{self, CorsOrigins};
use crate::metrics::{AllPools, MetricsAccess};
use crate::replicas::StandbyPool;
use crate::{
    auth, changes, companies, events, health, interests, matches, offers, openapi, search, sectors,
    speakers, webhooks,
};
use coop_store::db::{self, DbPool};
use coop_store::sectors::SectorCatalog;

/// Everything under `/api/v1`.
fn api_v1(config: &mut Routes) {
    companies::configure(config);
    sectors::configure(config);
    speakers::configure(config);
    offers::configure(config);
    events::configure(config);
    interests::configure(config);
    matches::configure(config);
    search::configure(config);
    auth::configure(config);
    changes::configure(config);
    webhooks::configure(config);
}

/// The routes outside `/api/v1`.
fn top_level(config: &mut Routes) {
    config
        .service(health::healthz)
        .service(health::readyz)
        .service(crate::metrics::metrics);
}

/// Registers every route on `app` and returns their paths and schemas beside it (the spec
/// before [`openapi::finalize`]).
fn documented_app<T>(app: App<T>) -> (App<T>, utoipa::openapi::OpenApi)
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .service(
            utoipa_actix_web::scope("/api/v1")
                .configure(|config| api_v1(&mut Routes::Documented(config))),
        )
        .configure(|config| top_level(&mut Routes::Documented(config)))
        .split_for_parts()
}

/// Registers every route on `app`, as [`documented_app`] does, without building the spec.
fn worker_app<T>(app: App<T>) -> App<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.service(web::scope("/api/v1").configure(|config| api_v1(&mut Routes::Plain(config))))
        .configure(|config| top_level(&mut Routes::Plain(config)))
}

/// The OpenAPI document, exactly as the server serves it.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    openapi::finalize(documented_app(App::new()).1)
}

/// The served spec as pretty JSON with a trailing newline: the form committed to
/// `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut json = openapi_document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

/// The service's database pools.
pub struct Pools {
    /// One per HTTP worker: a connection is then always driven by the worker thread that uses
    /// it, instead of waking another worker's runtime on every query (docs/PERFORMANCE.md,
    /// "Where the rest goes"). See [`db::worker_pools`].
    pub workers: Vec<DbPool>,
    /// One per worker too, or none: reads from a streaming standby (see [`crate::replicas`]).
    pub standby: Vec<DbPool>,
    /// The tasks of the main thread (positioning changes, webhooks, facet counts, old
    /// idempotency keys): under a full request load they never queue behind the requests for
    /// a worker's connections.
    pub background: DbPool,
}

/// Starts serving on `listener` with one HTTP worker per worker pool; the returned server
/// runs until it is stopped or receives SIGINT/SIGTERM.
pub fn run(
    listener: TcpListener,
    pools: Pools,
    catalog: SectorCatalog,
    access: &AccessSettings,
    webhook_settings: &WebhookSettings,
    operator: &OperatorSettings,
) -> std::io::Result<Server> {
    let Pools {
        workers: pools,
        standby: standby_pools,
        background,
    } = pools;
    if pools.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "at least one worker pool is needed",
        ));
    }
    let workers = pools.len();
    tokio::spawn(offers::facets::keep_counts_folded(
        background.clone(),
        std::time::Duration::from_secs(60),
    ));
    tokio::spawn(crate::idempotency::forget_old_keys(
        background.clone(),
        std::time::Duration::from_secs(3600),
    ));
    let change_notifier = changes::notifier::ChangeNotifier::new();
    changes::notifier::spawn(change_notifier.clone(), background.clone());
    let webhook_wake = web::Data::from(webhooks::delivery::spawn(
        background.clone(),
        change_notifier.clone(),
        webhook_settings,
    ));
    let target_policy = web::Data::new(webhooks::target::TargetPolicy {
        allow_private: webhook_settings.webhook_allow_private_targets,
        allow_http: webhook_settings.webhook_allow_http,
    });
    let change_notifier = web::Data::new(change_notifier);
    let all_pools = web::Data::new(AllPools(pools.clone()));
    let metrics_access = web::Data::new(MetricsAccess {
        elsewhere: operator.metrics_bind.is_some(),
        allowed: operator.metrics_allowed.clone(),
        trust_forwarded_for: access.trust_forwarded_for,
    });
    if let Some(address) = &operator.metrics_bind {
        serve_metrics_alone(TcpListener::bind(address)?, all_pools.clone())?;
        log::info!("metrics served on http://{address}/metrics");
    }
    let count_requests = operator.metrics;
    let pools: Vec<web::Data<DbPool>> = pools.into_iter().map(web::Data::new).collect();
    let standby_pools: Vec<web::Data<StandbyPool>> = if standby_pools.is_empty() {
        vec![web::Data::new(StandbyPool(None))]
    } else {
        standby_pools
            .into_iter()
            .map(|pool| web::Data::new(StandbyPool(Some(pool))))
            .collect()
    };
    // actix calls the factory once per worker (again if a worker is restarted), so handing
    // the pools out round-robin gives each worker its own.
    let next = Arc::new(AtomicUsize::new(0));
    let catalog = web::Data::new(catalog);
    // One key cache and one rate limiter for all workers: a revocation or a client's count
    // must not depend on which worker a connection landed on.
    let access_control = web::Data::new(AccessControl::new(access));
    let cors_origins = web::Data::new(CorsOrigins::new(&access.cors_allowed_origins));
    let doc = openapi_document();
    let routes = web::Data::new(RouteTable::from_doc(&doc));
    let spec = web::Data::new(SpecDocument::of(&doc)?);
    drop(doc);
    let facet_cache = web::Data::new(offers::facets::FacetCache::new());
    let server = HttpServer::new(move || {
        let worker = next.fetch_add(1, Ordering::Relaxed);
        let pool = pools[worker % pools.len()].clone();
        let standby = standby_pools[worker % standby_pools.len()].clone();
        let app = worker_app(
            App::new()
                .app_data(pool)
                .app_data(standby)
                .app_data(catalog.clone())
                .app_data(routes.clone())
                .app_data(facet_cache.clone())
                .app_data(access_control.clone())
                .app_data(cors_origins.clone())
                .app_data(change_notifier.clone())
                .app_data(webhook_wake.clone())
                .app_data(target_policy.clone())
                .app_data(all_pools.clone())
                .app_data(metrics_access.clone())
                .app_data(spec.clone()),
        );
        app.service(
            SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::new([SPEC_PATH])),
        )
        .route(SPEC_PATH, web::get().to(serve_spec))
        .service(web::redirect("/docs", "/docs/"))
        .default_service(web::to(unmatched))
        // The last wrapped runs first: name the request, count it, log, send large bodies
        // in slices, harden, answer CORS, serve HEAD as GET, authenticate, answer retries of idempotent POSTs, then
        // (after the handler) wake the change feed.
        .wrap(from_fn(changes::notifier::after_writes))
        .wrap(from_fn(crate::idempotency::idempotent_posts))
        .wrap(from_fn(auth::middleware::guard))
        .wrap(from_fn(crate::http::head::head_as_get))
        .wrap(from_fn(security::cors))
        .wrap(from_fn(security::security_headers))
        .wrap(from_fn(crate::http::slices::send_in_slices))
        .wrap(Logger::new(
            "%a \"%r\" %s %b %Dms request_id=%{x-request-id}i",
        ))
        .wrap(Condition::new(
            count_requests,
            from_fn(crate::metrics::count_requests),
        ))
        .wrap(from_fn(crate::http::request_id::request_id))
    })
    .workers(workers)
    .shutdown_timeout(operator.shutdown_timeout)
    .listen(listener)?;
    let server = server.run();
    tokio::spawn(crate::memory::release_start_up_memory());
    Ok(server)
}

/// Where the spec is served (and where Swagger UI reads it).
const SPEC_PATH: &str = "/api-docs/openapi.json";

/// The served spec, serialized once for all workers (about 0.8 MB; kept as a document, each
/// worker held its own copy and serialized it again on every request).
struct SpecDocument(web::Bytes);

impl SpecDocument {
    fn of(doc: &utoipa::openapi::OpenApi) -> std::io::Result<SpecDocument> {
        Ok(SpecDocument(web::Bytes::from(serde_json::to_vec(doc)?)))
    }
}

async fn serve_spec(spec: web::Data<SpecDocument>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(spec.0.clone())
}

/// `/metrics` on a listener of its own (`METRICS_BIND`), for whoever reaches it; it stops
/// with the process.
fn serve_metrics_alone(listener: TcpListener, pools: web::Data<AllPools>) -> std::io::Result<()> {
    let everyone = web::Data::new(MetricsAccess::everyone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(pools.clone())
            .app_data(everyone.clone())
            .service(crate::metrics::metrics)
    })
    .workers(1)
    .listen(listener)?
    .run();
    actix_web::rt::spawn(server);
    Ok(())
}

/// Prepares a database for serving: migrations, then the sector catalog.
pub async fn prepare_database(
    url: &str,
    pool_size: usize,
) -> Result<(DbPool, SectorCatalog), db::DbError> {
    let applied = db::run_migrations(url).await?;
    if applied > 0 {
        log::info!("applied {applied} migration(s)");
    }
    // Commands (migrate, generate, seed-demo) may run long statements: no timeout here;
    // the server's own pools get one.
    let pool = db::pool(url, pool_size, std::time::Duration::ZERO)?;
    let catalog = {
        let mut conn = pool
            .get()
            .await
            .map_err(|e| db::DbError::Pool(e.to_string()))?;
        SectorCatalog::new(coop_store::sectors::all(&mut conn).await?)
    };
    Ok((pool, catalog))
}
