//! Webhooks: subscriptions that receive the change feed as signed HTTP POSTs (the Standard
//! Webhooks specification), with retries, a delivery log and an SSRF guard.

pub mod delivery;
pub mod handlers;
pub mod signing;
pub mod target;
pub mod types;

pub fn configure(config: &mut crate::http::routes::Routes) {
    config
        .service(handlers::create_webhook)
        .service(handlers::list_webhooks)
        .service(handlers::get_webhook)
        .service(handlers::update_webhook)
        .service(handlers::delete_webhook)
        .service(handlers::rotate_secret)
        .service(handlers::list_deliveries)
        .service(handlers::redeliver);
}

/// The deliveries in the OpenAPI document's `webhooks` section: what a receiver gets.
pub fn document(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{
        HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
    };
    use utoipa::openapi::request_body::RequestBodyBuilder;
    use utoipa::openapi::{
        ContentBuilder, ObjectBuilder, PathsBuilder, Ref, Required, ResponseBuilder, Type,
    };
    let header = |name: &str, description: &str, example: serde_json::Value| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some(description))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .examples([example]),
            ))
            .build()
    };
    let operation = OperationBuilder::new()
        .operation_id(Some("changeDelivery"))
        .tag("webhooks")
        .summary(Some("A change, POSTed to a subscription's URL"))
        .description(Some(
            "Sent for each change the subscription may see, one at a time and in feed order, \
             following the Standard Webhooks specification. Verify `webhook-signature` before \
             trusting the body: it is `v1,` and the base64 HMAC-SHA256, keyed with the base64-decoded \
             part of the secret after `whsec_`, of `{webhook-id}.{webhook-timestamp}.{body}` (the raw \
             body bytes); during a secret rotation two signatures are sent, space-separated, and \
             either may match. Reject timestamps more than a few minutes old. Answer 2xx within 10 \
             seconds: anything else (a redirect too) is a failure, retried with backoff for 3 days.",
        ))
        .parameter(header(
            "webhook-id",
            "The delivery's id, the same for every attempt: drop a repeat by it",
            serde_json::json!("019ac1d2-5f60-7a5b-8c6d-7e8f9a0b1c2d"),
        ))
        .parameter(header(
            "webhook-timestamp",
            "When this attempt was signed (Unix seconds)",
            serde_json::json!("1764310632"),
        ))
        .parameter(header(
            "webhook-signature",
            "`v1,<base64 signature>`, one per secret in use, space-separated",
            serde_json::json!("v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="),
        ))
        .request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("WebhookPayload")))
                        .build(),
                )
                .build(),
        ))
        .response(
            "204",
            ResponseBuilder::new().description("Received (any 2xx will do)"),
        )
        .build();
    doc.webhooks = Some(
        PathsBuilder::new()
            .path("change", PathItem::new(HttpMethod::Post, operation))
            .build(),
    );
}
