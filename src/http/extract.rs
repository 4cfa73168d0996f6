//! Request extractors that turn every malformed input into a problem response: JSON bodies
//! (media type, size limit, syntax versus invalid values), query strings and path ids.

use std::any::TypeId;
use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use utoipa::openapi::path::ParameterIn;
use uuid::Uuid;

use super::problem::{ApiError, FieldError};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON request body. Accepts `application/json`, any `application/*+json` (so
/// `application/merge-patch+json` for PATCH) and nothing else (415). Bodies over
/// [`MAX_BODY_BYTES`] are 413, broken JSON is 400, well-formed JSON whose values do not fit the
/// type (wrong type, unknown or missing field) is 422 naming the field.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let media_type = check_media_type(req);
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let payload = payload.take();
        Box::pin(async move {
            media_type?;
            if declared_length.is_some_and(|len| len > MAX_BODY_BYTES) {
                return Err(too_large());
            }
            let body = read_body(payload).await?;
            parse_json(&body).map(JsonBody)
        })
    }
}

/// Reads a request body of at most [`MAX_BODY_BYTES`] (413 beyond).
pub async fn read_body(mut payload: Payload) -> Result<web::Bytes, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request(format!("could not read the body: {e}")))?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge(format!("the body must not exceed {MAX_BODY_BYTES} bytes"))
}

fn check_media_type(req: &HttpRequest) -> Result<(), ApiError> {
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        return Err(ApiError::UnsupportedMediaType(
            "missing Content-Type; send application/json".into(),
        ));
    };
    let essence = value
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let is_json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType(format!(
            "Content-Type `{essence}` is not supported; send application/json"
        )))
    }
}

/// Deserializes `body`, telling syntax errors (400) from values that do not fit (422). The
/// syntax is checked on the whole body first, so trailing garbage is a 400 even when the
/// leading value would not fit the type.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!(
            "the body is not valid JSON: {}",
            strip_position(&e.to_string())
        ))
    })?;
    // Every request body of the API is an object. serde would read an array into a struct
    // field by field, in declaration order, so `[]` would be an empty merge patch.
    if !value.is_object() {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let message = strip_position(&error.into_inner().to_string());
        ApiError::Unprocessable(vec![field_error(&path, &message)])
    })
}

/// serde's messages end with "at line 1 column 42", which means nothing to an API client
/// looking at a field name.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Names the field serde complained about. For a missing field serde's path stops at the
/// parent, so the name is taken from the message.
fn field_error(path: &str, message: &str) -> FieldError {
    if message.starts_with("unknown field `") {
        return FieldError::new(path, "is not a field of this resource");
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return FieldError::new(name, "is required");
    }
    let field = if path == "." { "body" } else { path };
    FieldError::new(field, message)
}

/// A query string parsed into `T`, the operation's parameter struct. A parameter the struct
/// does not declare (as the spec lists it, from the same struct) or a value that does not
/// parse is a 400 naming the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned + IntoParams + 'static> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

pub fn parse_query<T: DeserializeOwned + IntoParams + 'static>(query: &str) -> Result<T, ApiError> {
    let pairs = url::form_urlencoded::parse(query.as_bytes());
    for (name, value) in pairs {
        if !accepts::<T>(&name) {
            return Err(ApiError::bad_parameter(
                name,
                "is not a parameter of this operation",
            ));
        }
        // Every parameter's text is checked here, once: a control character (a NUL byte
        // above all, which PostgreSQL refuses in text) is no part of any valid value.
        if value.chars().any(coop_domain::text::is_control) {
            return Err(ApiError::bad_parameter(
                name,
                "must not contain control characters",
            ));
        }
    }
    serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(pairs)).map_err(|e| {
        let name = e.path().to_string();
        let message = e.into_inner().to_string();
        if name == "." {
            ApiError::bad_request(format!("the query string is invalid: {message}"))
        } else {
            ApiError::bad_parameter(name, message)
        }
    })
}

/// Whether `T` declares the query parameter `name`. The names come from `T`'s `IntoParams`
/// (what the spec lists), computed once per type and thread.
fn accepts<T: IntoParams + 'static>(name: &str) -> bool {
    thread_local! {
        static NAMES: RefCell<HashMap<TypeId, Vec<String>>> = RefCell::new(HashMap::new());
    }
    NAMES.with_borrow_mut(|names| {
        names
            .entry(TypeId::of::<T>())
            .or_insert_with(|| {
                T::into_params(|| Some(ParameterIn::Query))
                    .into_iter()
                    .map(|p| p.name)
                    .collect()
            })
            .iter()
            .any(|n| n == name)
    })
}

/// The UUID in path segment `name`. Anything that is not a UUID cannot name a resource: 404;
/// unless the path is a documented one without parameters that this method does not serve
/// (`PATCH /cooperation-offers/facets`): 405.
fn path_uuid(req: &HttpRequest, name: &str) -> Result<Uuid, ApiError> {
    let raw = req.match_info().get(name).unwrap_or_default();
    Uuid::try_parse(raw).map_err(|_| {
        let routes = req.app_data::<actix_web::web::Data<super::routes::RouteTable>>();
        match routes.and_then(|routes| routes.literal_methods(req.path())) {
            Some(allow) => ApiError::MethodNotAllowed {
                allow: allow.to_string(),
            },
            None => ApiError::not_found(format!("`{raw}` is not a valid id (ids are UUIDs)")),
        }
    })
}

/// A resource id from the path (`{id}`).
pub struct PathId(pub Uuid);

impl FromRequest for PathId {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(path_uuid(req, "id").map(PathId))
    }
}

/// The path of something that belongs to another resource (`/{id}/.../{part_id}`): an event's
/// venue, an offer's interest.
pub struct NestedPath {
    pub parent_id: Uuid,
    pub id: Uuid,
}

impl FromRequest for NestedPath {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(path_uuid(req, "id").and_then(|parent_id| {
            Ok(NestedPath {
                parent_id,
                id: path_uuid(req, "part_id")?,
            })
        }))
    }
}
