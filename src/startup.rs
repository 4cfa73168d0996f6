//! Builds and runs the HTTP server; used by `main` and by the integration tests, which bind
//! port 0 against their own database.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::dev::{ResourceDef, Server};
use actix_web::http::header;
use actix_web::middleware::Logger;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

use crate::db::{self, DbPool};
use crate::http::ApiError;
use crate::sectors::SectorCatalog;
use crate::{companies, events, health, offers, openapi, sectors, speakers};

/// Everything under `/api/v1`.
fn api_v1(config: &mut ServiceConfig) {
    companies::configure(config);
    sectors::configure(config);
    speakers::configure(config);
    offers::configure(config);
    events::configure(config);
}

/// Registers every documented route on a utoipa app and returns the finished spec beside it.
macro_rules! documented_app {
    ($app:expr) => {{
        let (app, doc) = $app
            .into_utoipa_app()
            .openapi(openapi::ApiDoc::openapi())
            .service(utoipa_actix_web::scope("/api/v1").configure(api_v1))
            .service(health::healthz)
            .service(health::readyz)
            .split_for_parts();
        (app, openapi::finalize(doc))
    }};
}

/// The OpenAPI document, exactly as the server serves it.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    documented_app!(App::new()).1
}

/// The served spec as pretty JSON with a trailing newline: the form committed to
/// `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut json = openapi_document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

/// Path templates and their methods, so an unmatched request can be told apart: a known path
/// with another method is 405 (with `Allow`), anything else 404.
struct RouteTable(Vec<(ResourceDef, String)>);

impl RouteTable {
    fn from_doc(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods: Vec<&str> = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (ResourceDef::new(path.as_str()), methods.join(", "))
            })
            .collect();
        RouteTable(routes)
    }
}

async fn unmatched(req: HttpRequest, routes: web::Data<RouteTable>) -> HttpResponse {
    use actix_web::ResponseError;
    let allowed = routes
        .0
        .iter()
        .find(|(def, _)| def.is_match(req.path()))
        .map(|(_, methods)| methods.clone());
    match allowed {
        Some(methods) => {
            let mut response = ApiError::MethodNotAllowed.error_response();
            if let Ok(value) = header::HeaderValue::from_str(&methods) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            response
        }
        None => ApiError::not_found(format!("no resource at {}", req.path())).error_response(),
    }
}

/// Starts serving on `listener` with one HTTP worker per pool; the returned server runs
/// until it is stopped or receives SIGINT/SIGTERM.
///
/// Each worker gets a pool of its own (see [`db::worker_pools`]): a connection is then always
/// driven by the worker thread that uses it, instead of waking another worker's runtime on
/// every query (DESIGN §6 reports 0.42x → 0.5x of pgbench on a primary-key read for this).
pub fn run(
    listener: TcpListener,
    pools: Vec<DbPool>,
    catalog: SectorCatalog,
) -> std::io::Result<Server> {
    if pools.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "at least one worker pool is needed",
        ));
    }
    let workers = pools.len();
    let pools: Vec<web::Data<DbPool>> = pools.into_iter().map(web::Data::new).collect();
    // actix calls the factory once per worker (again if a worker is restarted), so handing
    // the pools out round-robin gives each worker its own.
    let next = Arc::new(AtomicUsize::new(0));
    let catalog = web::Data::new(catalog);
    let routes = web::Data::new(RouteTable::from_doc(&openapi_document()));
    let server = HttpServer::new(move || {
        let pool = pools[next.fetch_add(1, Ordering::Relaxed) % pools.len()].clone();
        let (app, doc) = documented_app!(
            App::new()
                .app_data(pool)
                .app_data(catalog.clone())
                .app_data(routes.clone())
        );
        app.service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", doc))
            .service(web::redirect("/docs", "/docs/"))
            .default_service(web::to(unmatched))
            .wrap(Logger::new("%a \"%r\" %s %b %Dms"))
    })
    .workers(workers)
    .listen(listener)?;
    Ok(server.run())
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
    let pool = db::pool(url, pool_size)?;
    let catalog = {
        let mut conn = pool
            .get()
            .await
            .map_err(|e| db::DbError::Pool(e.to_string()))?;
        SectorCatalog::new(sectors::store::all(&mut conn).await?)
    };
    Ok((pool, catalog))
}
