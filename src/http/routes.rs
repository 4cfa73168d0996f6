//! The documented routes, read from the OpenAPI document: which methods a path accepts (so an
//! unmatched request is told apart: a known path with another method is 405 with `Allow`,
//! anything else 404), and which operations need an API key. Taking both from the spec keeps
//! what the documentation promises and what the server does the same thing.

use actix_web::dev::ResourceDef;
use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use utoipa::openapi::security::SecurityRequirement;

use super::ApiError;

struct Route {
    path: ResourceDef,
    /// `Allow` header value.
    methods: String,
    /// Methods whose operation names a security scheme, i.e. needs a key.
    keyed: Vec<Method>,
}

pub struct RouteTable(Vec<Route>);

impl RouteTable {
    pub fn from_doc(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let operations = [
                    (Method::GET, &item.get),
                    (Method::POST, &item.post),
                    (Method::PUT, &item.put),
                    (Method::PATCH, &item.patch),
                    (Method::DELETE, &item.delete),
                ];
                let present = operations
                    .iter()
                    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)));
                let methods: Vec<&str> = present.clone().map(|(m, _)| m.as_str()).collect();
                let keyed = present
                    .filter(|(_, op)| {
                        // Optional security lists an empty requirement beside the scheme.
                        let anonymous = SecurityRequirement::default();
                        op.security
                            .as_ref()
                            .is_some_and(|reqs| !reqs.is_empty() && !reqs.contains(&anonymous))
                    })
                    .map(|(m, _)| m.clone())
                    .collect();
                Route {
                    path: ResourceDef::new(path.as_str()),
                    methods: methods.join(", "),
                    keyed,
                }
            })
            .collect();
        RouteTable(routes)
    }

    fn find(&self, path: &str) -> Option<&Route> {
        self.0.iter().find(|route| route.path.is_match(path))
    }

    /// Whether the operation at `method` `path` needs a key.
    pub fn needs_key(&self, method: &Method, path: &str) -> bool {
        self.find(path)
            .is_some_and(|route| route.keyed.contains(method))
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
