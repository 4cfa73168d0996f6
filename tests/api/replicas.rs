//! Replicas: reads from a standby (`DATABASE_READ_URL`), what goes there and what stays on the
//! primary, and two servers on one database seeing each other's writes at once.

use coopapi::config::WebhookSettings;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, create, created, item_names, replica_of, replica_with_lagging_standby, spawn_app,
};

async fn names(response: reqwest::Response) -> Vec<String> {
    assert_eq!(response.status(), 200);
    item_names(&response.json::<Value>().await.unwrap())
}

#[tokio::test]
async fn anonymous_lists_read_the_standby_while_keys_reads_by_id_and_writes_use_the_primary() {
    let app = spawn_app().await;
    let id = app.create_company("Orpea", "company", "FR").await;
    // A standby that has replayed nothing yet.
    let replica = replica_with_lagging_standby(&app).await;

    // Lists, search and exports without a key come from the standby: not there yet.
    assert!(
        names(replica.anonymous().get("/api/v1/companies").await)
            .await
            .is_empty()
    );
    let search: Value = replica
        .anonymous()
        .get("/api/v1/search?q=orpea")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(search["items"].as_array().unwrap().len(), 0, "{search}");
    let export = replica.anonymous().get("/api/v1/companies/export").await;
    assert_eq!(export.status(), 200);
    assert_eq!(export.text().await.unwrap(), "");

    // With a key the caller reads the primary: its own writes at once.
    assert_eq!(
        names(replica.get("/api/v1/companies").await).await,
        vec!["Orpea"]
    );
    // A read by id goes to the primary for everyone.
    let one = replica
        .anonymous()
        .get(&format!("/api/v1/companies/{id}"))
        .await;
    assert_eq!(one.status(), 200);

    // A write through the replica lands on the primary (and so is seen by the first server).
    let created = replica.create_company("Skolkovo", "cluster", "RU").await;
    let seen = app.get(&format!("/api/v1/companies/{created}")).await;
    assert_eq!(seen.status(), 200);
}

/// A GET through `app` sending `etag` in `If-None-Match`: the status, the ETag and the body.
async fn revalidate(app: &TestApp, path: &str, etag: &str) -> (u16, String, Value) {
    let response = app
        .client
        .get(app.url(path))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let body = if status == 200 {
        response.json().await.unwrap()
    } else {
        Value::Null
    };
    (status, etag, body)
}

#[tokio::test]
async fn a_change_written_through_one_replica_is_read_at_once_through_another() {
    let app = spawn_app().await;
    let other = replica_of(&app, WebhookSettings::default()).await;
    let company = app.create_company("Orpea", "company", "FR").await;
    let path = format!("/api/v1/companies/{company}");
    let (status, old_etag, _) = revalidate(&other, &path, "\"0000000000000000\"").await;
    assert_eq!(status, 200);
    assert_eq!(revalidate(&other, &path, &old_etag).await.0, 304);

    let renamed = app.patch_json(&path, &json!({"name": "Orpea Group"})).await;
    assert_eq!(renamed.status(), 200);
    let (status, etag, body) = revalidate(&other, &path, &old_etag).await;
    assert_eq!(
        status, 200,
        "the old representation's ETag no longer matches"
    );
    assert_ne!(etag, old_etag);
    assert_eq!(body["name"], "Orpea Group");
    assert_eq!(
        names(other.get("/api/v1/companies").await).await,
        vec!["Orpea Group"]
    );

    // The expanded event: a venue added through one replica is embedded by the other.
    let event = created(
        &app,
        "/api/v1/events",
        json!({
            "title": "Moscow-Paris", "kind": "conference", "format": "hybrid",
            "status": "scheduled", "starts_at": "2026-12-10T09:00:00Z",
            "ends_at": "2026-12-10T13:00:00Z", "timezone": "Europe/Paris",
            "languages": ["fr", "ru"], "sectors": ["it"]
        }),
    )
    .await;
    let expanded = format!("/api/v1/events/{event}?expand=venues");
    let (status, old_etag, body) = revalidate(&other, &expanded, "\"0000000000000000\"").await;
    assert_eq!(status, 200);
    assert_eq!(body["venues"], json!([]));
    create(
        &app,
        &format!("/api/v1/events/{event}/venues"),
        json!({"name": "CCI Paris", "city": "Paris", "country": "FR", "timezone": "Europe/Paris"}),
    )
    .await;
    let (status, etag, body) = revalidate(&other, &expanded, &old_etag).await;
    assert_eq!(status, 200);
    assert_ne!(etag, old_etag);
    assert_eq!(body["venues"][0]["name"], "CCI Paris", "{body}");
}
