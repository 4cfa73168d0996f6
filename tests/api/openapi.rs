use serde_json::Value;

use crate::helpers::spawn_app;

const COMMITTED: &str = "openapi/openapi.json";

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let generated = coopapi::startup::openapi_json();
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "{COMMITTED} is out of date: run `cargo run -- openapi > {COMMITTED}`"
    );
}

#[test]
fn every_operation_documents_its_errors_and_has_an_id() {
    let doc: Value = serde_json::from_str(&coopapi::startup::openapi_json()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            assert!(operation["operationId"].is_string(), "{method} {path}");
            assert!(
                operation["summary"].is_string(),
                "{method} {path} has a summary"
            );
            assert!(
                responses.contains_key("500"),
                "{method} {path} documents 500"
            );
            if path.starts_with("/api/") {
                assert!(
                    responses.contains_key("503"),
                    "{method} {path} documents 503"
                );
            }
            if operation.get("requestBody").is_some() {
                for status in ["400", "413", "415", "422"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} documents {status}"
                    );
                }
            }
            if path.contains("{id}") && path.starts_with("/api/") {
                assert!(
                    responses.contains_key("404"),
                    "{method} {path} documents 404"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_served_spec_is_the_committed_one_and_swagger_ui_is_served() {
    let app = spawn_app().await;
    let served: Value = app
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let generated: Value = serde_json::from_str(&coopapi::startup::openapi_json()).unwrap();
    assert_eq!(served, generated);
    let redirect = app.get("/docs").await;
    assert!(redirect.status().is_redirection());
    assert_eq!(redirect.headers()["location"], "/docs/");
    let page = app.get("/docs/").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("swagger"));
    let script = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(
        script.status(),
        200,
        "Swagger UI's assets are served locally"
    );
}

fn collect_patterns(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(p)) = map.get("pattern") {
                out.push(p.clone());
            }
            map.values().for_each(|v| collect_patterns(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_patterns(v, out)),
        _ => {}
    }
}

#[test]
fn every_pattern_in_the_spec_is_one_the_server_enforces() {
    use coop_domain::text::*;
    let doc: Value = serde_json::from_str(&coopapi::startup::openapi_json()).unwrap();
    let mut patterns = Vec::new();
    collect_patterns(&doc, &mut patterns);
    assert!(!patterns.is_empty());
    let enforced = [
        LINE_PATTERN,
        REQUIRED_LINE_PATTERN,
        MULTILINE_PATTERN,
        WEB_URL_PATTERN,
        coop_domain::contact::EMAIL_PATTERN,
        coop_domain::contact::PHONE_PATTERN,
        coopapi::events::params::EXPAND_PATTERN,
        coop_domain::search::TYPES_PATTERN,
        coop_domain::changes::TYPES_PATTERN,
        coopapi::idempotency::KEY_PATTERN,
        coop_domain::external_id::PATTERN,
    ];
    for pattern in patterns {
        assert!(
            enforced.contains(&pattern.as_str()),
            "{pattern} is not enforced by the server"
        );
    }
}
