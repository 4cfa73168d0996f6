//! The documented routes, read from the OpenAPI document: which methods a path accepts (so an
//! unmatched request is told apart: a known path with another method is 405 with `Allow`,
//! anything else 404), and which operations need an API key. Taking both from the spec keeps
//! what the documentation promises and what the server does the same thing.

use std::collections::HashMap;

use actix_web::dev::ResourceDef;
use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use utoipa::openapi::security::SecurityRequirement;

use super::ApiError;

struct Route {
    path: ResourceDef,
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
                methods: methods.join(", "),
            });
        }
        RouteTable { routes, keyed }
    }

    fn find(&self, path: &str) -> Option<&Route> {
        self.routes.iter().find(|route| route.path.is_match(path))
    }

    /// Whether the operation at `method` `path` needs a key.
    pub fn needs_key(&self, method: &Method, path: &str) -> bool {
        self.keyed
            .get(method)
            .is_some_and(|paths| paths.iter().any(|p| p.is_match(path)))
    }
}

/// The default service: 405 for a known path, 404 otherwise.
pub async fn unmatched(req: HttpRequest, routes: web::Data<RouteTable>) -> HttpResponse {
    match routes.find(req.path()) {
        Some(route) => {
            let mut response = ApiError::MethodNotAllowed.error_response();
            if let Ok(value) = header::HeaderValue::from_str(&route.methods) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            response
        }
        None => ApiError::not_found(format!("no resource at {}", req.path())).error_response(),
    }
}
