//! The OpenAPI document: info, tags and the error responses every operation shares. Paths and
//! schemas are collected from the handlers by utoipa-actix-web, so routes and spec cannot drift.

use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{self, Content, Ref, RefOr, ResponseBuilder};

use crate::http::{FieldError, Problem};
use coop_domain::CountryCode;
use coop_domain::language::LanguageCode;
use coop_domain::sectors::SectorCode;
use coop_domain::timezone::TimeZoneName;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Cooperation platform API",
        description = "A REST/JSON API for international business-cooperation events and the marketplace around them: \
events linking halls in several cities, their venues, agenda, speakers and participating organisations; speakers; \
companies (firms, startups, government bodies, chambers of commerce, universities, foundations, clusters); and \
cooperation offers (what a company offers or looks for abroad).\n\n\
Conventions: JSON with snake_case fields, RFC 3339 timestamps in UTC, ISO 3166-1 alpha-2 country codes, UUID ids. \
Lists are keyset-paginated (`limit`, opaque `cursor`, `next_cursor` and a `Link` header). `PATCH` is JSON merge patch \
(RFC 7396). Single resources carry an `ETag`: send it back in `If-None-Match` to get `304`, or in `If-Match` to make a \
write fail with `412` if someone changed the resource in between. Every error is `application/problem+json` (RFC 9457).\n\n\
Access: reads of public content need no key (unless the deployment requires one); every write needs an API key, sent \
as `Authorization: Bearer <key>` (in Swagger UI: **Authorize**). Keys have a role: `company` keys manage their own \
company's profile, offers and speakers; `editor` keys all content; `admin` keys all content and the keys \
(`/api/v1/api-keys`). Drafts and speakers' contact details are shown only to those allowed to see them; anything \
else that is not public answers 404. Each key, and each client address without a key, has a rate limit: responses \
carry `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy`, and `429` comes with \
`Retry-After`.\n\n\
Every `GET` operation also answers `HEAD`: the same status and headers (`ETag`, `Content-Length`, `Link`, \
conditional `304`), no body.\n\n\
Every `POST` takes an `Idempotency-Key` header (the IETF httpapi draft; a UUID is a good key): a retry with the same \
key and the same request gets the first response again (`Idempotent-Replayed: true`) and writes nothing. Keys belong \
to the API key that sent them and are kept 24 hours. The same key with another request is `422`; a retry while the \
first request is still running is `409` with `Retry-After`. Conflicts, rate limits and server errors are not kept \
(retrying them runs the request), nor is a response that holds a secret (a new API key).\n\n\
Every response carries `X-Request-Id`: the one the client sent when it is 1 to 128 letters, digits or `-_.:`, \
otherwise a new one. Problem documents repeat it as `request_id`, and the service's log lines for that request \
carry it: quote it when reporting a problem.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "companies", description = "Organisations: firms, startups, government bodies, chambers of commerce, universities, foundations, clusters, associations"),
        (name = "events", description = "Events and their parts: venues, agenda sessions, speaker appearances, participating companies"),
        (name = "speakers", description = "People who speak at events; contact details are private"),
        (name = "cooperation-offers", description = "What companies offer or look for abroad: the marketplace"),
        (name = "search", description = "One search across companies, speakers, events and offers, in French, English and Russian, Latin or Cyrillic"),
        (name = "sectors", description = "The controlled vocabulary of sector codes"),
        (name = "changes", description = "The change feed: every create, update and delete, in commit order, for integrations that keep a copy in sync"),
        (name = "webhooks", description = "Webhook subscriptions: the change feed pushed to your URL as signed POSTs (Standard Webhooks), with retries and a delivery log"),
        (name = "api-keys", description = "API keys and their roles (admins only); a key is shown once, when it is created"),
        (name = "health", description = "Liveness and readiness probes"),
    ),
    components(schemas(Problem, FieldError, CountryCode, SectorCode, LanguageCode, TimeZoneName, crate::webhooks::types::WebhookPayload)),
    modifiers(&BearerScheme),
)]
pub struct ApiDoc;

const PROBLEM_JSON: &str = crate::http::problem::PROBLEM_JSON;

/// The name of the security scheme operations refer to.
pub const BEARER: &str = "bearer";

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("coop_<prefix>_<secret>")
                    .description(Some(
                        "An API key issued by an admin (`POST /api/v1/api-keys`, or `coopapi api-key create` for the first one)",
                    ))
                    .build(),
            ),
        );
    }
}

/// Shared error responses, referenced from every operation that can produce them.
fn shared_responses() -> Vec<(&'static str, &'static str, bool)> {
    vec![
        (
            "BadRequest",
            "Malformed request: invalid JSON, a query parameter that is unknown or has an invalid value, or a malformed `Idempotency-Key`",
            false,
        ),
        ("PayloadTooLarge", "The body is larger than 1 MiB", false),
        (
            "Unauthorized",
            "No API key where one is needed, or the key sent is malformed, unknown, revoked or expired (`WWW-Authenticate: Bearer`)",
            false,
        ),
        (
            "Forbidden",
            "The key is valid but its role or company does not allow this operation on this resource",
            false,
        ),
        (
            "TooManyRequests",
            "The rate limit of the key (or, without a key, of the client address) is used up; retry after `Retry-After` seconds",
            true,
        ),
        (
            "UnsupportedMediaType",
            "The body is not JSON (send `Content-Type: application/json`)",
            false,
        ),
        (
            "UnprocessableEntity",
            "The body is well-formed but holds invalid values or unknown fields; `errors` lists each field (or `Idempotency-Key`, sent before with another request)",
            false,
        ),
        ("IdempotencyConflict", IDEMPOTENCY_CONFLICT, true),
        (
            "ServiceUnavailable",
            "The database is unavailable; retry after the `Retry-After` delay",
            true,
        ),
        (
            "InternalServerError",
            "An unexpected error; details are logged, never sent",
            false,
        ),
    ]
}

/// Adds the shared error responses to the collected document.
pub fn finalize(mut doc: openapi::OpenApi) -> openapi::OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, description, retry_after) in shared_responses() {
        let mut response = ResponseBuilder::new().description(description).content(
            PROBLEM_JSON,
            Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem")))),
        );
        if retry_after {
            response = response.header(
                "Retry-After",
                openapi::HeaderBuilder::new()
                    .schema(Some(
                        openapi::ObjectBuilder::new().schema_type(openapi::Type::Integer),
                    ))
                    .description(Some("Seconds to wait before retrying"))
                    .build(),
            );
        }
        components
            .responses
            .insert(name.to_string(), RefOr::T(response.build()));
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let is_api = path.starts_with("/api/");
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            add_shared_errors(operation, is_api);
        }
        if let (true, true, Some(post)) = (
            is_api,
            crate::idempotency::takes_key(path),
            item.post.as_mut(),
        ) {
            add_idempotency_key(post);
        }
    }
    add_head_operations(&mut doc);
    crate::webhooks::document(&mut doc);
    doc
}

/// Every GET route also answers HEAD (`http::head`): the same parameters, statuses and
/// headers, no body. Declared in the spec so that generated clients and monitors see it.
fn add_head_operations(doc: &mut openapi::OpenApi) {
    let shared = doc
        .components
        .as_ref()
        .map(|c| c.responses.clone())
        .unwrap_or_default();
    for item in doc.paths.paths.values_mut() {
        let Some(get) = &item.get else { continue };
        let mut head = get.clone();
        head.operation_id = get.operation_id.as_deref().map(head_operation_id);
        head.summary = get.summary.as_ref().map(|s| format!("{s} (headers only)"));
        head.description = Some(
            "The same as the `GET` of this path (status, `ETag`, `Content-Length`, `Link`, rate-limit headers, conditional `304`) without a body."
                .to_string(),
        );
        for response in head.responses.responses.values_mut() {
            let mut inline = match response {
                RefOr::T(response) => response.clone(),
                RefOr::Ref(reference) => {
                    let name = reference
                        .ref_location
                        .rsplit('/')
                        .next()
                        .unwrap_or_default();
                    match shared.get(name) {
                        Some(RefOr::T(response)) => response.clone(),
                        _ => continue,
                    }
                }
            };
            inline.content.clear();
            *response = RefOr::T(inline);
        }
        item.head = Some(head);
    }
}

/// `getEvent` → `headEvent`, `listEvents` → `headEvents`, `search` → `headSearch`.
fn head_operation_id(get: &str) -> String {
    let rest = get
        .strip_prefix("get")
        .or_else(|| get.strip_prefix("list"))
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()));
    match rest {
        Some(rest) => format!("head{rest}"),
        None => {
            let mut chars = get.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            format!(
                "head{}{}",
                first.map(String::from).unwrap_or_default(),
                chars.as_str()
            )
        }
    }
}

const IDEMPOTENCY_CONFLICT: &str = "A request with this `Idempotency-Key` is still being processed (retry after `Retry-After`), or it was carried out and its response is not kept";

/// Every POST takes an `Idempotency-Key` (see crate::idempotency).
fn add_idempotency_key(operation: &mut Operation) {
    use openapi::path::{ParameterBuilder, ParameterIn};
    let parameter = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(openapi::Required::False)
        .description(Some(
            "Makes the request safe to retry: a retry with the same key and request gets the first response and writes nothing (24 hours)",
        ))
        .schema(Some(
            openapi::ObjectBuilder::new()
                .schema_type(openapi::Type::String)
                .min_length(Some(1))
                .max_length(Some(257))
                .pattern(Some(crate::idempotency::KEY_PATTERN))
                .examples([serde_json::json!("8e03978e-40d5-43e8-bc93-6894a57f9324")]),
        ))
        .build();
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::T(parameter));
    // A malformed key is a 400, a key sent before with another request a 422, with or
    // without a body.
    for (status, name) in [("400", "BadRequest"), ("422", "UnprocessableEntity")] {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/{name}"))));
    }
    match operation.responses.responses.get_mut("409") {
        Some(RefOr::T(response)) => {
            response.description = format!(
                "{}; or: {}",
                response.description,
                IDEMPOTENCY_CONFLICT.replacen('A', "a", 1)
            );
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            operation.responses.responses.insert(
                "409".to_string(),
                RefOr::Ref(Ref::new("#/components/responses/IdempotencyConflict")),
            );
        }
    }
}

fn add_shared_errors(operation: &mut Operation, is_api: bool) {
    // Query parameters can be malformed; path ids cannot (404).
    let has_query = operation.parameters.as_ref().is_some_and(|params| {
        params.iter().any(
            |p| matches!(p, RefOr::T(p) if p.parameter_in == openapi::path::ParameterIn::Query),
        )
    });
    let has_body = operation.request_body.is_some();
    let mut refs: Vec<(&str, &str)> = Vec::new();
    if has_query || has_body {
        refs.push(("400", "BadRequest"));
    }
    if has_body {
        refs.extend([
            ("413", "PayloadTooLarge"),
            ("415", "UnsupportedMediaType"),
            ("422", "UnprocessableEntity"),
        ]);
    }
    if is_api {
        // An operation that names the bearer scheme needs a key; the others take one
        // optionally (it may show more, e.g. a company's own drafts).
        let needs_key = operation.security.is_some();
        if !needs_key {
            operation.security = Some(vec![
                SecurityRequirement::default(),
                SecurityRequirement::new(BEARER, Vec::<String>::new()),
            ]);
        }
        refs.push(("401", "Unauthorized"));
        if needs_key {
            refs.push(("403", "Forbidden"));
        }
        refs.push(("429", "TooManyRequests"));
        refs.push(("503", "ServiceUnavailable"));
    }
    refs.push(("500", "InternalServerError"));
    for (status, name) in refs {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/{name}"))));
    }
}
