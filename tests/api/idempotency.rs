//! `Idempotency-Key` on POST: a retry gets the first response and writes nothing; the same key
//! with another request is refused; a retry while the first runs is told to wait.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, created, id, spawn_app};

async fn post_keyed(app: &TestApp, path: &str, body: &Value, key: &str) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("POST")
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn exoatlet() -> Value {
    json!({"name": "ExoAtlet", "kind": "startup", "country": "RU"})
}

#[tokio::test]
async fn a_retried_create_gets_the_first_response_and_creates_nothing() {
    let app = spawn_app().await;
    let first = post_keyed(&app, "/api/v1/companies", &exoatlet(), "retry-1").await;
    assert_eq!(first.status(), 201);
    assert_eq!(header(&first, "idempotent-replayed"), None);
    let (location, etag) = (header(&first, "location"), header(&first, "etag"));
    let first: Value = first.json().await.unwrap();

    let retry = post_keyed(&app, "/api/v1/companies", &exoatlet(), "retry-1").await;
    assert_eq!(retry.status(), 201);
    assert_eq!(
        header(&retry, "idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(header(&retry, "location"), location);
    assert_eq!(header(&retry, "etag"), etag);
    assert_eq!(retry.json::<Value>().await.unwrap(), first);
    assert_eq!(app.count("companies").await, 1);
    assert_eq!(app.count("changes").await, 1);

    // The quoted form of the draft is the same key.
    let quoted = post_keyed(&app, "/api/v1/companies", &exoatlet(), "\"retry-1\"").await;
    assert_eq!(quoted.status(), 201);
    assert_eq!(app.count("companies").await, 1);
    // Another key is another request.
    let other = post_keyed(&app, "/api/v1/companies", &exoatlet(), "retry-2").await;
    assert_eq!(other.status(), 201);
    assert_eq!(app.count("companies").await, 2);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let first = post_keyed(&app, "/api/v1/companies", &exoatlet(), "k").await;
    assert_eq!(first.status(), 201);
    let other = json!({"name": "Cargo.Tech", "kind": "startup", "country": "RU"});
    let problem = assert_problem(
        post_keyed(&app, "/api/v1/companies", &other, "k").await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");
    // Nor on another path.
    let event = json!({"title": "Forum", "kind": "conference", "format": "in_person",
        "starts_at": "2027-03-01T09:00:00Z", "ends_at": "2027-03-01T17:00:00Z", "timezone": "Europe/Paris"});
    assert_problem(post_keyed(&app, "/api/v1/events", &event, "k").await, 422).await;
    assert_eq!(app.count("companies").await, 1);
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn keys_belong_to_the_api_key_that_sent_them() {
    let app = spawn_app().await;
    let editor = app.create_key("editor", None).await;
    let mine = post_keyed(&app, "/api/v1/companies", &exoatlet(), "shared").await;
    assert_eq!(mine.status(), 201);
    let theirs = app
        .as_key(&editor)
        .request(reqwest::Method::POST, "/api/v1/companies")
        .header("Idempotency-Key", "shared")
        .json(&exoatlet())
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), 201);
    assert_eq!(header(&theirs, "idempotent-replayed"), None);
    assert_eq!(app.count("companies").await, 2);
}

#[tokio::test]
async fn a_retry_while_the_first_request_runs_is_told_to_retry_and_writes_nothing() {
    let app = spawn_app().await;
    // Holds the first request inside its insert.
    let mut blocker = app.connection().await;
    use diesel_async::{AsyncConnection, RunQueryDsl};
    blocker
        .begin_test_transaction()
        .await
        .expect("a transaction");
    diesel::sql_query("LOCK TABLE companies IN EXCLUSIVE MODE")
        .execute(&mut blocker)
        .await
        .expect("lock the table");
    let first = tokio::spawn({
        let client = app.client.clone();
        let url = app.url("/api/v1/companies");
        async move {
            client
                .post(url)
                .header("Idempotency-Key", "slow")
                .json(&exoatlet())
                .send()
                .await
                .expect("POST")
        }
    });
    // Until the first request has claimed the key, the retry could be the one to claim it.
    let mut retry = None;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if app.count("idempotency_keys").await == 1 {
            retry = Some(post_keyed(&app, "/api/v1/companies", &exoatlet(), "slow").await);
            break;
        }
    }
    let retry = retry.expect("the first request claimed its key");
    assert_eq!(header(&retry, "retry-after").as_deref(), Some("1"));
    assert_problem(retry, 409).await;
    drop(blocker);
    let first = first.await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = post_keyed(&app, "/api/v1/companies", &exoatlet(), "slow").await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    assert_eq!(app.count("companies").await, 1);
}

#[tokio::test]
async fn a_retry_after_the_response_was_lost_gets_what_the_first_request_created() {
    let app = spawn_app().await;
    let first = post_keyed(&app, "/api/v1/companies", &exoatlet(), "lost").await;
    assert_eq!(first.status(), 201);
    let location = header(&first, "location");
    let first: Value = first.json().await.unwrap();
    // As if the process had stopped after the write committed, before keeping the response.
    app.sql("UPDATE idempotency_keys SET status = NULL, headers = NULL, body = NULL")
        .await;
    let retry = post_keyed(&app, "/api/v1/companies", &exoatlet(), "lost").await;
    assert_eq!(retry.status(), 201);
    assert_eq!(header(&retry, "location"), location);
    assert_eq!(
        header(&retry, "idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(retry.json::<Value>().await.unwrap(), first);
    assert_eq!(app.count("companies").await, 1);
}

#[tokio::test]
async fn a_refused_request_is_answered_alike_on_retry_and_a_malformed_key_is_400() {
    let app = spawn_app().await;
    let invalid = json!({"name": "", "kind": "startup", "country": "RU"});
    let first = assert_problem(
        post_keyed(&app, "/api/v1/companies", &invalid, "bad").await,
        422,
    )
    .await;
    let retry = post_keyed(&app, "/api/v1/companies", &invalid, "bad").await;
    assert_eq!(
        header(&retry, "idempotent-replayed").as_deref(),
        Some("true")
    );
    let retry = assert_problem(retry, 422).await;
    assert_eq!(retry["errors"], first["errors"]);
    assert_problem(
        post_keyed(&app, "/api/v1/companies", &exoatlet(), "two words").await,
        400,
    )
    .await;
    assert_eq!(app.count("companies").await, 0);
    assert_eq!(app.count("idempotency_keys").await, 1);
}

/// Every POST of the API, sent twice with a key: one row, one change, the second a replay.
#[tokio::test]
async fn every_create_runs_once_per_key() {
    let app = spawn_app().await;
    let company = created(&app, "/api/v1/companies", exoatlet()).await;
    let other = app.create_company("MediDistrib", "company", "FR").await;
    let event = created(
        &app,
        "/api/v1/events",
        json!({"title": "Forum", "kind": "conference", "format": "in_person",
            "starts_at": "2027-03-01T09:00:00Z", "ends_at": "2027-03-01T17:00:00Z",
            "timezone": "Europe/Paris"}),
    )
    .await;
    let speaker = created(
        &app,
        "/api/v1/speakers",
        json!({"full_name": "Arnaud Trousset"}),
    )
    .await;
    let offer = created(
        &app,
        "/api/v1/cooperation-offers",
        json!({"company_id": company, "kind": "technology_offer",
            "cooperation_types": ["distribution"], "title": "Exoskeleton distributors wanted",
            "sectors": ["medtech"], "target_countries": ["FR"], "status": "published"}),
    )
    .await;
    let base = format!("/api/v1/events/{event}");
    let writes: Vec<(String, Value, &str)> = vec![
        (
            "/api/v1/companies".into(),
            json!({"name": "Cargo.Tech", "kind": "startup", "country": "RU"}),
            "companies",
        ),
        (
            "/api/v1/speakers".into(),
            json!({"full_name": "Evgueny Dridzé"}),
            "speakers",
        ),
        (
            "/api/v1/events".into(),
            json!({"title": "Forum 2", "kind": "conference", "format": "online",
            "starts_at": "2027-04-01T09:00:00Z", "ends_at": "2027-04-01T17:00:00Z", "timezone": "Europe/Paris"}),
            "events",
        ),
        (
            format!("{base}/venues"),
            json!({"name": "Hall", "city": "Paris", "country": "FR", "timezone": "Europe/Paris"}),
            "event_venues",
        ),
        (
            format!("{base}/sessions"),
            json!({"title": "Opening", "starts_at": "2027-03-01T09:00:00Z", "ends_at": "2027-03-01T10:00:00Z"}),
            "event_sessions",
        ),
        (
            format!("{base}/speakers"),
            json!({"speaker_id": speaker, "role": "moderator"}),
            "event_speakers",
        ),
        (
            format!("{base}/participants"),
            json!({"company_id": other, "role": "co_organizer"}),
            "event_participants",
        ),
        (
            "/api/v1/cooperation-offers".into(),
            json!({"company_id": other, "kind": "business_request",
            "cooperation_types": ["distribution"], "title": "Partners wanted", "sectors": ["medtech"],
            "target_countries": ["RU"]}),
            "cooperation_offers",
        ),
        (
            format!("/api/v1/cooperation-offers/{offer}/interests"),
            json!({"company_id": other, "message": "We distribute in France",
            "contact": {"name": "Claire Martin", "email": "claire@medidistrib.example"}}),
            "cooperation_interests",
        ),
    ];
    for (n, (path, body, table)) in writes.iter().enumerate() {
        let key = format!("create-{n}");
        let rows = app.count(table).await;
        let changes = app.count("changes").await;
        let first = post_keyed(&app, path, body, &key).await;
        assert_eq!(first.status(), 201, "{path}");
        let first: Value = first.json().await.unwrap();
        let retry = post_keyed(&app, path, body, &key).await;
        assert_eq!(retry.status(), 201, "{path}");
        assert_eq!(
            header(&retry, "idempotent-replayed").as_deref(),
            Some("true"),
            "{path}"
        );
        assert_eq!(id(&retry.json().await.unwrap()), id(&first), "{path}");
        assert_eq!(app.count(table).await, rows + 1, "{path}");
        assert_eq!(app.count("changes").await, changes + 1, "{path}");
    }

    // A new API key's response holds its secret, so it is not kept: the retry learns that
    // the key was made, and no second one is.
    let keys = app.count("api_keys").await;
    let body = json!({"name": "CRM sync", "role": "editor"});
    assert_eq!(
        post_keyed(&app, "/api/v1/api-keys", &body, "key-1")
            .await
            .status(),
        201
    );
    let retry = assert_problem(
        post_keyed(&app, "/api/v1/api-keys", &body, "key-1").await,
        409,
    )
    .await;
    assert!(
        retry["detail"].as_str().unwrap().contains("carried out"),
        "{retry}"
    );
    assert_eq!(app.count("api_keys").await, keys + 1);
    let stored: i64 = app
        .count("idempotency_keys WHERE body IS NOT NULL AND key = 'key-1'")
        .await;
    assert_eq!(stored, 0, "a secret was stored");
}
