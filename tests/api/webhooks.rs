//! Webhooks: signed deliveries a Standard Webhooks library verifies, visibility as the
//! subscriber's key, order and retries, the delivery log, replicas sharing the work, and the
//! SSRF guard.

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_problem, created, error_fields, replica_of, spawn_app,
    spawn_app_with_local_webhooks,
};

/// A request the receiver got.
#[derive(Clone)]
struct Received {
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
    /// The status it answered.
    status: u16,
}

impl Received {
    fn id(&self) -> String {
        self.header("webhook-id")
    }

    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// An HTTP receiver on 127.0.0.1 that answers 500 to its first `failures` requests (all of
/// them while `down` is set), then 204.
#[derive(Clone)]
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    failures: Arc<AtomicUsize>,
    down: Arc<std::sync::atomic::AtomicBool>,
}

impl Receiver {
    fn start(failures: usize) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the receiver");
        let port = listener.local_addr().unwrap().port();
        let receiver = Receiver {
            url: format!("http://127.0.0.1:{port}/hooks"),
            received: Arc::default(),
            failures: Arc::new(AtomicUsize::new(failures)),
            down: Arc::default(),
        };
        let state = receiver.clone();
        let server = HttpServer::new(move || {
            let state = state.clone();
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let state = state.clone();
                async move {
                    let failing = state.down.load(Ordering::SeqCst)
                        || state
                            .failures
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                            .is_ok();
                    let status = if failing { 500 } else { 204 };
                    let mut headers = reqwest::header::HeaderMap::new();
                    for (name, value) in req.headers() {
                        if let (Ok(name), Ok(value)) = (
                            reqwest::header::HeaderName::from_bytes(name.as_str().as_bytes()),
                            reqwest::header::HeaderValue::from_bytes(value.as_bytes()),
                        ) {
                            headers.append(name, value);
                        }
                    }
                    state.received.lock().unwrap().push(Received {
                        headers,
                        body: body.to_vec(),
                        status,
                    });
                    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                        .finish()
                }
            }))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        tokio::spawn(server);
        receiver
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived (at most 30 s) and returns them.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..600 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {n} deliveries, got {}", self.received().len());
    }

    /// The received changes' resource ids and operations, answered 2xx, in order.
    fn delivered(&self) -> Vec<(String, String)> {
        self.received()
            .iter()
            .filter(|r| r.status < 300)
            .map(|r| {
                let body = r.json();
                (
                    body["data"]["id"].as_str().unwrap_or_default().to_owned(),
                    body["data"]["operation"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
            .collect()
    }
}

/// Subscribes `url` with `key` (the admin's when `None`); returns the subscription.
async fn subscribe(app: &TestApp, key: Option<&str>, body: Value) -> Value {
    let response = match key {
        Some(key) => app.as_key(key).post_json("/api/v1/webhooks", &body).await,
        None => app.post_json("/api/v1/webhooks", &body).await,
    };
    assert_eq!(response.status(), 201, "subscribe {body}");
    assert_eq!(response.headers().get("cache-control").unwrap(), "no-store");
    response.json().await.unwrap()
}

async fn deliveries(app: &TestApp, webhook: &Value) -> Vec<Value> {
    let path = format!(
        "/api/v1/webhooks/{}/deliveries",
        webhook["id"].as_str().unwrap()
    );
    let page: Value = app.get(&path).await.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

fn verify(secret: &str, received: &Received) -> Result<(), String> {
    standardwebhooks::Webhook::new(secret)
        .map_err(|e| e.to_string())?
        .verify(&received.body, &received.headers)
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_delivery_verifies_with_the_standard_webhooks_library_and_carries_the_change() {
    let app = spawn_app_with_local_webhooks(50, 3600).await;
    let receiver = Receiver::start(0);
    let webhook = subscribe(
        &app,
        None,
        json!({"url": receiver.url, "description": "CRM"}),
    )
    .await;
    let secret = webhook["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    let company = created(
        &app,
        "/api/v1/companies",
        json!({"name": "ExoAtlet", "kind": "startup", "country": "RU"}),
    )
    .await;

    let got = receiver.wait_for(1).await;
    let delivery = &got[0];
    verify(secret, delivery).expect("the signature verifies");
    let mut forged = delivery.clone();
    forged.body = delivery.body.replace_exoatlet();
    assert!(
        verify(secret, &forged).is_err(),
        "a changed body must not verify"
    );
    assert_eq!(delivery.header("content-type"), "application/json");
    // The README's Python verifier agrees.
    assert!(
        python_verifies(secret, delivery),
        "the README's verifier refused it"
    );
    assert!(
        !python_verifies(secret, &forged),
        "the README's verifier took a forgery"
    );
    let body = delivery.json();
    assert_eq!(body["type"], "company.created");
    assert_eq!(body["data"]["id"], company.as_str());
    assert_eq!(body["data"]["resource"]["name"], "ExoAtlet");

    // The log shows the delivery under the id the receiver saw.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = deliveries(&app, &webhook).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["id"], delivery.id().as_str());
    assert_eq!(log[0]["state"], "delivered");
    assert_eq!(log[0]["attempts"][0]["status"], 204);
    // The secret is never shown again.
    let read: Value = app
        .get(&format!(
            "/api/v1/webhooks/{}",
            webhook["id"].as_str().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert!(read.get("secret").is_none());
}

/// Runs docs/examples/verify_webhook.py (the README's verifier) on a delivery.
fn python_verifies(secret: &str, received: &Received) -> bool {
    let dir = std::env::temp_dir().join(format!("coopapi-webhook-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let headers: serde_json::Map<String, Value> = received
        .headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), json!(value.to_str().unwrap())))
        .collect();
    std::fs::write(dir.join("headers.json"), Value::from(headers).to_string()).unwrap();
    std::fs::write(dir.join("body"), &received.body).unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/examples/verify_webhook.py"
    );
    let status = std::process::Command::new("python3")
        .arg(script)
        .arg(secret)
        .arg(dir.join("headers.json"))
        .arg(dir.join("body"))
        .status()
        .expect("python3 runs (CI installs it)");
    let _ = std::fs::remove_dir_all(&dir);
    status.success()
}

trait ReplaceName {
    fn replace_exoatlet(&self) -> Vec<u8>;
}

impl ReplaceName for Vec<u8> {
    fn replace_exoatlet(&self) -> Vec<u8> {
        String::from_utf8_lossy(self)
            .replace("ExoAtlet", "ExoAtlas")
            .into_bytes()
    }
}

#[tokio::test]
async fn a_receiver_that_fails_three_times_then_succeeds_gets_the_change_once_more_and_in_order() {
    let app = spawn_app_with_local_webhooks(50, 3600).await;
    let receiver = Receiver::start(3);
    let webhook = subscribe(&app, None, json!({"url": receiver.url})).await;
    let first = app.create_company("ExoAtlet", "startup", "RU").await;
    let second = app.create_company("Cargo.Tech", "startup", "RU").await;

    let got = receiver.wait_for(5).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got_after = receiver.received();
    assert_eq!(got_after.len(), 5, "nothing more arrives after success");
    // The first change four times (three failures, one success), then the second: a failing
    // delivery holds the later ones back.
    let ids: Vec<String> = got.iter().map(Received::id).collect();
    assert!(ids[..4].iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_ne!(ids[4], ids[0]);
    assert_eq!(
        receiver.delivered(),
        [(first, "created".into()), (second, "created".into())]
    );
    let log = deliveries(&app, &webhook).await;
    let oldest = log.last().unwrap();
    assert_eq!(oldest["state"], "delivered");
    let statuses: Vec<i64> = oldest["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, [500, 500, 500, 204]);
    assert!(
        oldest["attempts"][0]["error"]
            .as_str()
            .unwrap()
            .contains("500")
    );
}

#[tokio::test]
async fn a_company_subscription_never_receives_another_company_s_draft() {
    let app = spawn_app_with_local_webhooks(50, 3600).await;
    let exoatlet = app.create_company("ExoAtlet", "startup", "RU").await;
    let medidistrib = app.create_company("MediDistrib", "company", "FR").await;
    let exo_key = app.create_key("company", Some(&exoatlet)).await;
    let medi_key = app.create_key("company", Some(&medidistrib)).await;
    let receiver = Receiver::start(0);
    subscribe(
        &app,
        Some(&exo_key),
        json!({"url": receiver.url, "types": ["cooperation_offer"]}),
    )
    .await;
    let offer = |company: &str, status: &str| {
        json!({"company_id": company, "kind": "business_request", "cooperation_types": ["distribution"],
            "title": "Partners wanted", "sectors": ["medtech"], "target_countries": ["RU"], "status": status})
    };
    let draft = app
        .as_key(&medi_key)
        .post_json("/api/v1/cooperation-offers", &offer(&medidistrib, "draft"))
        .await;
    assert_eq!(draft.status(), 201);
    let draft = draft.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let own = app
        .as_key(&exo_key)
        .post_json("/api/v1/cooperation-offers", &offer(&exoatlet, "draft"))
        .await;
    let own = own.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Its own draft arrives; the other company's, written before it, never does.
    receiver.wait_for(1).await;
    assert_eq!(receiver.delivered(), [(own.clone(), "created".into())]);
    // Published, the other company's offer appears as created.
    let published = app
        .as_key(&medi_key)
        .patch_json(
            &format!("/api/v1/cooperation-offers/{draft}"),
            &json!({"status": "published"}),
        )
        .await;
    assert_eq!(published.status(), 200);
    receiver.wait_for(2).await;
    assert_eq!(
        receiver.delivered(),
        [(own, "created".into()), (draft, "created".into())]
    );
    // Companies (not subscribed types) never arrive.
    app.create_company("Cargo.Tech", "startup", "RU").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn a_subscription_that_fails_for_the_whole_retry_period_is_turned_off_and_catches_up_when_turned_on()
 {
    let app = spawn_app_with_local_webhooks(100, 1).await;
    let receiver = Receiver::start(0);
    receiver.down.store(true, Ordering::SeqCst);
    let webhook = subscribe(&app, None, json!({"url": receiver.url})).await;
    let path = format!("/api/v1/webhooks/{}", webhook["id"].as_str().unwrap());
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    let mut state = Value::Null;
    for _ in 0..100 {
        state = app.get(&path).await.json().await.unwrap();
        if state["active"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state["active"], false, "{state}");
    assert!(
        state["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("the receiver answered 500"),
        "{state}"
    );
    assert_eq!(deliveries(&app, &webhook).await[0]["state"], "failed");
    // A change while it is off, then the receiver is back and the subscription turned on:
    // both changes arrive, in order.
    let second = app.create_company("Cargo.Tech", "startup", "RU").await;
    receiver.down.store(false, Ordering::SeqCst);
    let on = app.patch_json(&path, &json!({"active": true})).await;
    assert_eq!(on.status(), 200);
    let on: Value = on.json().await.unwrap();
    assert_eq!(on["disabled_reason"], Value::Null);
    for _ in 0..100 {
        if receiver.delivered().len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        receiver.delivered(),
        [(company, "created".into()), (second, "created".into())]
    );
}

#[tokio::test]
async fn two_service_processes_deliver_a_thousand_changes_once_between_them() {
    let first = spawn_app_with_local_webhooks(50, 3600).await;
    let second = replica_of(
        &first,
        coopapi::config::WebhookSettings {
            webhook_allow_private_targets: true,
            webhook_allow_http: true,
            webhook_retry_base_ms: 50,
            webhook_retry_for: 3600,
            webhook_timeout: 5,
        },
    )
    .await;
    let receiver = Receiver::start(0);
    subscribe(&first, None, json!({"url": receiver.url})).await;
    // Two subscriptions, one on each replica's side, so both have work.
    let other = Receiver::start(0);
    subscribe(&second, None, json!({"url": other.url})).await;
    first
        .sql(
            "INSERT INTO companies (id, name, kind, country, sectors, sort_name, search_text,
                search_body, created_at, updated_at)
             SELECT gen_random_uuid(), 'Company ' || n, 'company', 'FR', '{}', 'company ' || n,
                'company ' || n, '', now(), now()
             FROM generate_series(1, 1000) AS n",
        )
        .await;
    for receiver in [&receiver, &other] {
        receiver.wait_for(1000).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let got = receiver.received();
        let ids: Vec<String> = got.iter().map(Received::id).collect();
        let distinct: HashSet<&String> = ids.iter().collect();
        assert_eq!(ids.len(), 1000, "a change was delivered twice");
        assert_eq!(distinct.len(), 1000);
        let resources: HashSet<String> = got
            .iter()
            .map(|r| r.json()["data"]["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(resources.len(), 1000, "a change is missing");
        let positions: Vec<i64> = got
            .iter()
            .map(|r| r.json()["data"]["position"].as_i64().unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "out of order");
    }
}

#[tokio::test]
async fn targets_on_private_addresses_or_without_https_are_refused() {
    let app = spawn_app().await;
    for url in [
        "https://127.0.0.1/hooks",
        "https://[::1]/hooks",
        "https://10.0.0.7/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/hooks",
        "http://hooks.example.org/coop",
        "https://user:secret@hooks.example.org/",
        "not a url",
    ] {
        let problem = assert_problem(
            app.post_json("/api/v1/webhooks", &json!({"url": url}))
                .await,
            422,
        )
        .await;
        assert_eq!(error_fields(&problem), ["url"], "{url}");
    }
    assert_eq!(app.count("webhooks").await, 0);
}

#[tokio::test]
async fn a_target_that_turns_private_is_refused_at_delivery() {
    let app = spawn_app().await;
    // As if its name had resolved to a public address when it was made.
    app.sql(
        "INSERT INTO webhooks (id, url, secret, position, created_at, updated_at)
         VALUES (gen_random_uuid(), 'https://127.0.0.1:9/hooks',
                 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 0, now(), now())",
    )
    .await;
    app.create_company("ExoAtlet", "startup", "RU").await;
    let mut error = String::new();
    for _ in 0..60 {
        let page: Value = app.get("/api/v1/webhooks").await.json().await.unwrap();
        let webhook = &page["items"][0];
        if let Some(first) = deliveries(&app, webhook).await.first()
            && let Some(e) = first["attempts"][0]["error"].as_str()
        {
            error = e.to_owned();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(error.contains("not a public address"), "{error}");
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_previous_one() {
    let app = spawn_app_with_local_webhooks(50, 3600).await;
    let receiver = Receiver::start(0);
    let webhook = subscribe(&app, None, json!({"url": receiver.url})).await;
    let old = webhook["secret"].as_str().unwrap().to_owned();
    let rotated = app
        .post_json(
            &format!(
                "/api/v1/webhooks/{}/secrets",
                webhook["id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await;
    assert_eq!(rotated.status(), 201);
    let rotated: Value = rotated.json().await.unwrap();
    let new = rotated["secret"].as_str().unwrap();
    assert_ne!(new, old);
    app.create_company("ExoAtlet", "startup", "RU").await;
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].header("webhook-signature").split(' ').count(), 2);
    verify(new, &got[0]).expect("verifies with the new secret");
    verify(&old, &got[0]).expect("verifies with the previous secret");
}

#[tokio::test]
async fn a_delivery_asked_for_again_arrives_again_with_the_same_id() {
    let app = spawn_app_with_local_webhooks(50, 3600).await;
    let receiver = Receiver::start(0);
    let webhook = subscribe(&app, None, json!({"url": receiver.url})).await;
    app.create_company("ExoAtlet", "startup", "RU").await;
    let first = receiver.wait_for(1).await[0].id();
    let path = format!(
        "/api/v1/webhooks/{}/deliveries/{first}/attempts",
        webhook["id"].as_str().unwrap()
    );
    let again = app.post_json(&path, &json!({})).await;
    assert_eq!(again.status(), 202);
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].id(), first);
}

#[tokio::test]
async fn webhooks_are_managed_by_admins_and_by_each_company_for_itself() {
    let app = spawn_app_with_local_webhooks(50, 3600).await;
    let exoatlet = app.create_company("ExoAtlet", "startup", "RU").await;
    let medidistrib = app.create_company("MediDistrib", "company", "FR").await;
    let exo_key = app.create_key("company", Some(&exoatlet)).await;
    let medi_key = app.create_key("company", Some(&medidistrib)).await;
    let editor = app.create_key("editor", None).await;
    let body = json!({"url": "http://127.0.0.1:9/hooks"});
    assert_problem(
        app.anonymous().post_json("/api/v1/webhooks", &body).await,
        401,
    )
    .await;
    assert_problem(
        app.as_key(&editor)
            .post_json("/api/v1/webhooks", &body)
            .await,
        403,
    )
    .await;
    let mine = subscribe(&app, Some(&exo_key), body.clone()).await;
    assert_eq!(mine["company_id"], exoatlet.as_str());
    let path = format!("/api/v1/webhooks/{}", mine["id"].as_str().unwrap());
    // Another company neither sees nor changes it; the admin does.
    assert_problem(app.as_key(&medi_key).get(&path).await, 404).await;
    assert_problem(app.as_key(&medi_key).delete(&path).await, 404).await;
    let theirs: Value = app
        .as_key(&medi_key)
        .get("/api/v1/webhooks")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"], json!([]));
    assert_eq!(app.get(&path).await.status(), 200);
    assert_eq!(app.as_key(&exo_key).delete(&path).await.status(), 204);
    assert_eq!(app.count("webhooks").await, 0);
}
