//! The documented routes, read from the OpenAPI document: which methods a path accepts (so an
//! unmatched request is told apart: a known path with another method is 405 with `Allow`,
//! anything else 404), and which operations need an API key. Taking both from the spec keeps
//! what the documentation promises and what the server does the same thing.

use std::collections::HashMap;

use actix_web::dev::ResourceDef;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use utoipa::openapi::security::SecurityRequirement;

use super::ApiError;

struct Route {
    path: ResourceDef,
    /// A path without parameters (`/cooperation-offers/facets`), which wins over a template
    /// that also matches it (`/cooperation-offers/{id}`).
    literal: bool,
    /// `Allow` header value.
    methods: String,
}

pub struct RouteTable {
    routes: Vec<Route>,
    /// Per method, the paths whose operation names a security scheme, i.e. needs a key. Kept
    /// apart because every anonymous API request asks, and only a few paths are in it.
    keyed: HashMap<Method, Vec<ResourceDef>>,
}

impl RouteTable {
    pub fn from_doc(doc: &utoipa::openapi::OpenApi) -> Self {
        // Optional security lists an empty requirement beside the scheme.
        let anonymous = SecurityRequirement::default();
        let mut routes = Vec::new();
        let mut keyed: HashMap<Method, Vec<ResourceDef>> = HashMap::new();
        for (path, item) in &doc.paths.paths {
            let operations = [
                (Method::GET, &item.get),
                (Method::POST, &item.post),
                (Method::PUT, &item.put),
                (Method::PATCH, &item.patch),
                (Method::DELETE, &item.delete),
            ];
            let mut methods = Vec::new();
            for (method, operation) in operations {
                let Some(operation) = operation else {
                    continue;
                };
                methods.push(method.to_string());
                // Every GET route answers HEAD too (`http::head`).
                if method == Method::GET {
                    methods.push(Method::HEAD.to_string());
                }
                let needs_key = operation
                    .security
                    .as_ref()
                    .is_some_and(|reqs| !reqs.is_empty() && !reqs.contains(&anonymous));
                if needs_key {
                    keyed
                        .entry(method.clone())
                        .or_default()
                        .push(ResourceDef::new(path.as_str()));
                }
            }
            routes.push(Route {
                path: ResourceDef::new(path.as_str()),
                literal: !path.contains('{'),
                methods: methods.join(", "),
            });
        }
        RouteTable { routes, keyed }
    }

    fn find(&self, path: &str) -> Option<&Route> {
        let mut matching = self.routes.iter().filter(|route| route.path.is_match(path));
        let first = matching.next()?;
        Some(if first.literal {
            first
        } else {
            matching.find(|route| route.literal).unwrap_or(first)
        })
    }

    /// The methods of the documented path without parameters that `path` is, if any. actix
    /// hands `PATCH /cooperation-offers/facets` to `PATCH /cooperation-offers/{id}`; this tells
    /// the id extractor to answer 405 rather than "not a valid id".
    pub fn literal_methods(&self, path: &str) -> Option<&str> {
        self.routes
            .iter()
            .find(|route| route.literal && route.path.is_match(path))
            .map(|route| route.methods.as_str())
    }

    /// Whether the operation at `method` `path` needs a key.
    pub fn needs_key(&self, method: &Method, path: &str) -> bool {
        // A path without parameters is never a template's value: `PATCH
        // /cooperation-offers/facets` is a 405, not a keyed offer update.
        let literal = self.literal_methods(path).is_some();
        self.keyed.get(method).is_some_and(|paths| {
            paths.iter().any(|p| {
                p.is_match(path) && (!literal || p.pattern().is_some_and(|t| !t.contains('{')))
            })
        })
    }
}

/// The default service: 405 for a known path, 404 otherwise.
pub async fn unmatched(req: HttpRequest, routes: web::Data<RouteTable>) -> HttpResponse {
    match routes.find(req.path()) {
        Some(route) => ApiError::MethodNotAllowed {
            allow: route.methods.clone(),
        }
        .error_response(),
        None => ApiError::not_found(format!("no resource at {}", req.path())).error_response(),
    }
}

/// Where a module registers its handlers. The spec is built once, from the documented form;
/// each HTTP worker's app takes the plain form, because collecting every operation's paths
/// and schemas again per worker costs about 10 MiB of memory at start for a document the
/// worker never reads.
pub enum Routes<'a, 'b> {
    Documented(&'a mut utoipa_actix_web::service_config::ServiceConfig<'b>),
    Plain(&'a mut web::ServiceConfig),
}

impl Routes<'_, '_> {
    pub fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: actix_web::dev::HttpServiceFactory + utoipa_actix_web::OpenApiFactory + 'static,
    {
        match self {
            Routes::Documented(config) => {
                config.service(factory);
            }
            Routes::Plain(config) => {
                config.service(factory);
            }
        }
        self
    }
}
