//! API keys and authentication (OWASP API2 broken authentication): the key lifecycle, and the
//! 401 every protected operation gives to a missing, malformed, wrong, revoked or expired key.

use std::time::Duration;

use coopapi::config::AccessSettings;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};

/// Every operation the spec marks as needing a key, with its path's ids filled in.
fn protected_operations() -> Vec<(reqwest::Method, String)> {
    let doc = serde_json::to_value(coopapi::startup::openapi_document()).unwrap();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let needs_key = operation["security"]
                .as_array()
                .is_some_and(|reqs| reqs.iter().all(|r| r.get("bearer").is_some()));
            if needs_key {
                let path = path
                    .replace("{id}", "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d")
                    .replace("{part_id}", "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3e")
                    .replace("{external_id}", "CCI-4711");
                operations.push((method.to_uppercase().parse().unwrap(), path));
            }
        }
    }
    operations
}

async fn key_record(app: &TestApp, key: &str) -> Value {
    let prefix = &key[5..17];
    let page: Value = app
        .get("/api/v1/api-keys?limit=100")
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["prefix"] == prefix)
        .cloned()
        .expect("the key is listed")
}

#[tokio::test]
async fn missing_malformed_wrong_revoked_and_expired_keys_get_401_on_every_protected_operation() {
    // Refused keys count against the client address; this test sends over 200 of them.
    let app = spawn_app_with(AccessSettings {
        anonymous_rate_limit: 0,
        ..AccessSettings::default()
    })
    .await;
    let operations = protected_operations();
    assert!(
        operations.len() >= 28,
        "{} protected operations",
        operations.len()
    );
    let revoked = app.create_key("editor", None).await;
    let id = key_record(&app, &revoked).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.delete(&format!("/api/v1/api-keys/{id}")).await.status(),
        204
    );
    let expired = app.create_key("editor", None).await;
    app.sql(&format!(
        "UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE prefix = '{}'",
        &expired[5..17]
    ))
    .await;
    let mut wrong_secret = app.admin_key.clone();
    let last = wrong_secret.pop().unwrap();
    wrong_secret.push(if last == 'A' { 'B' } else { 'A' });
    let unknown = format!("coop_000000000000_{}", "A".repeat(43));
    let rows_before =
        app.count("companies").await + app.count("events").await + app.count("api_keys").await;
    let authorizations = [
        None,
        Some("Basic YWRtaW46YWRtaW4=".to_string()),
        Some("Bearer".to_string()),
        Some("Bearer not-a-key".to_string()),
        Some(format!("Bearer {wrong_secret}")),
        Some(format!("Bearer {unknown}")),
        Some(format!("Bearer {revoked}")),
        Some(format!("Bearer {expired}")),
    ];
    for authorization in &authorizations {
        for (method, path) in &operations {
            let caller = match authorization {
                Some(value) => app.with_authorization(value),
                None => app.anonymous(),
            };
            let response = caller
                .request(method.clone(), path)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = response.status();
            assert_eq!(
                response
                    .headers()
                    .get("www-authenticate")
                    .map(|v| v.to_str().unwrap()),
                Some("Bearer realm=\"coopapi\""),
                "{method} {path} with {authorization:?}: {status}"
            );
            if *method == reqwest::Method::HEAD {
                assert_eq!(status, 401, "{method} {path}");
                assert!(
                    response.bytes().await.unwrap().is_empty(),
                    "HEAD has no body"
                );
            } else {
                assert_problem(response, 401).await;
            }
        }
    }
    let rows_after =
        app.count("companies").await + app.count("events").await + app.count("api_keys").await;
    assert_eq!(rows_after, rows_before);
}

#[tokio::test]
async fn a_refused_key_is_refused_on_public_reads_too_rather_than_read_as_anonymous() {
    let app = spawn_app().await;
    let problem = assert_problem(
        app.with_authorization("Bearer coop_nonsense")
            .get("/api/v1/companies")
            .await,
        401,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("malformed"));
    assert_eq!(app.anonymous().get("/api/v1/companies").await.status(), 200);
}

#[tokio::test]
async fn a_key_is_shown_once_and_only_its_hash_is_stored() {
    let app = spawn_app().await;
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    let response = app
        .post_json(
            "/api/v1/api-keys",
            &json!({"name": "ExoAtlet sync", "role": "company", "company_id": company,
                "expires_at": "2099-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let created: Value = response.json().await.unwrap();
    let key = created["key"].as_str().unwrap();
    assert!(key.starts_with(&format!("coop_{}_", created["prefix"].as_str().unwrap())));
    assert_eq!(key.len(), 5 + 12 + 1 + 43, "256 random bits of secret");
    assert_eq!(created["status"], "active");
    assert_eq!(created["role"], "company");

    let listed = app.get("/api/v1/api-keys").await.text().await.unwrap();
    let fetched = app.get(&location).await.text().await.unwrap();
    for text in [&listed, &fetched] {
        assert!(
            !text.contains(&key[18..]),
            "the secret is never shown again"
        );
        assert!(!text.contains("secret_hash"));
    }
    // What is stored is the SHA-256 of the key, and the key text is nowhere.
    let secret = &key[18..];
    assert_eq!(
        app.count(&format!(
            "api_keys WHERE secret_hash = sha256('{key}'::bytea) AND prefix = '{}'",
            &key[5..17]
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "api_keys WHERE position('{secret}' IN concat_ws(' ', name, prefix, encode(secret_hash, 'escape'))) > 0"
        ))
        .await,
        0
    );
    // The key works, and its use is recorded.
    let me = app.as_key(key);
    assert_eq!(
        me.patch_json(
            &format!("/api/v1/companies/{company}"),
            &json!({"city": "Moscow"})
        )
        .await
        .status(),
        200
    );
    let record: Value = app.get(&location).await.json().await.unwrap();
    assert!(record["last_used_at"].is_string(), "{record}");
}

#[tokio::test]
async fn key_requests_are_validated_and_nothing_is_written() {
    let app = spawn_app().await;
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    for (body, field) in [
        (json!({"name": "x", "role": "company"}), "company_id"),
        (
            json!({"name": "x", "role": "editor", "company_id": company}),
            "company_id",
        ),
        (json!({"name": " ", "role": "editor"}), "name"),
        (json!({"name": "x", "role": "root"}), "role"),
        (
            json!({"name": "x", "role": "editor", "expires_at": "2001-01-01T00:00:00Z"}),
            "expires_at",
        ),
        (
            json!({"name": "x", "role": "company", "company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d"}),
            "company_id",
        ),
    ] {
        let problem = assert_problem(app.post_json("/api/v1/api-keys", &body).await, 422).await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    assert_eq!(app.count("api_keys").await, 1, "only the admin key");
}

#[tokio::test]
async fn who_may_list_keys_is_decided_before_their_parameters_are_read() {
    let app = spawn_app().await;
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    let company_key = app.create_key("company", Some(&company)).await;
    assert_problem(app.anonymous().get("/api/v1/api-keys?limit=0").await, 401).await;
    assert_problem(
        app.as_key(&company_key)
            .get("/api/v1/api-keys?limit=0")
            .await,
        403,
    )
    .await;
    let problem = assert_problem(app.get("/api/v1/api-keys?limit=0").await, 400).await;
    assert_eq!(problem["errors"][0]["field"], "limit");
}

#[tokio::test]
async fn a_revoked_key_stops_working_at_once() {
    let app = spawn_app().await;
    let key = app.create_key("editor", None).await;
    let editor = app.as_key(&key);
    let body = json!({"name": "A", "kind": "startup", "country": "FR"});
    assert_eq!(
        editor.post_json("/api/v1/companies", &body).await.status(),
        201
    );
    let id = key_record(&app, &key).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.delete(&format!("/api/v1/api-keys/{id}")).await.status(),
        204
    );
    let problem = assert_problem(editor.post_json("/api/v1/companies", &body).await, 401).await;
    assert!(problem["detail"].as_str().unwrap().contains("revoked"));
    assert_eq!(app.count("companies").await, 1);
    let record = key_record(&app, &key).await;
    assert_eq!(record["status"], "revoked");
    let revoked_at = record["revoked_at"].clone();
    // Revoking again changes nothing.
    assert_eq!(
        app.delete(&format!("/api/v1/api-keys/{id}")).await.status(),
        204
    );
    assert_eq!(key_record(&app, &key).await["revoked_at"], revoked_at);
}

#[tokio::test]
async fn a_key_cannot_revoke_itself() {
    let app = spawn_app().await;
    let me = key_record(&app, &app.admin_key).await;
    let path = format!("/api/v1/api-keys/{}", me["id"].as_str().unwrap());
    assert_problem(app.delete(&path).await, 409).await;
    assert_eq!(key_record(&app, &app.admin_key).await["status"], "active");
    // Another admin key may.
    let other = app.create_key("admin", None).await;
    assert_eq!(app.as_key(&other).delete(&path).await.status(), 204);
    assert_problem(app.get("/api/v1/api-keys").await, 401).await;
}

#[tokio::test]
async fn a_key_revoked_by_another_replica_stops_working_within_the_cache_ttl() {
    let app = spawn_app_with(AccessSettings {
        key_cache_ttl: 1,
        ..AccessSettings::default()
    })
    .await;
    let key = app.create_key("editor", None).await;
    let editor = app.as_key(&key);
    assert_eq!(editor.get("/api/v1/companies").await.status(), 200);
    // Another replica (or an operator) revokes it in the database.
    app.sql(&format!(
        "UPDATE api_keys SET revoked_at = now() WHERE prefix = '{}'",
        &key[5..17]
    ))
    .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_problem(editor.get("/api/v1/companies").await, 401).await;
}

#[tokio::test]
async fn deleting_a_company_deletes_its_keys() {
    let app = spawn_app().await;
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    let key = app.create_key("company", Some(&company)).await;
    assert_eq!(
        app.delete(&format!("/api/v1/companies/{company}"))
            .await
            .status(),
        204
    );
    assert_eq!(app.count("api_keys").await, 1);
    assert_problem(app.as_key(&key).get("/api/v1/companies").await, 401).await;
}
