//! External ids: an integrator's own references, unique per company for offers and across
//! the platform for companies, and the upsert by them (`PUT …/by-external-id/{external_id}`).

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, create, error_fields, id, spawn_app};

fn exoskeleton(company_id: &str) -> Value {
    json!({
        "company_id": company_id,
        "kind": "technology_offer",
        "cooperation_types": ["distribution"],
        "title": "Medical exoskeleton: distributors wanted in France",
        "sectors": ["medtech"],
        "target_countries": ["FR"],
        "status": "published"
    })
}

async fn put(app: &TestApp, key: &str, path: &str, body: &Value) -> reqwest::Response {
    app.as_key(key)
        .request(reqwest::Method::PUT, path)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_offer_is_created_replaced_and_left_unchanged_by_its_external_id() {
    let app = spawn_app().await;
    let exoatlet = app.create_company("ExoAtlet", "startup", "RU").await;
    let key = app.create_key("company", Some(&exoatlet)).await;
    let path = "/api/v1/cooperation-offers/by-external-id/CCI-2019-4711";

    let response = put(&app, &key, path, &exoskeleton(&exoatlet)).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["external_id"], "CCI-2019-4711");
    assert_eq!(
        location,
        format!("/api/v1/cooperation-offers/{}", id(&created))
    );
    let changes = app.count("changes").await;

    // The same body again: nothing written, no change in the feed.
    let response = put(&app, &key, path, &exoskeleton(&exoatlet)).await;
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].clone();
    let same: Value = response.json().await.unwrap();
    assert_eq!(id(&same), id(&created));
    assert_eq!(same["updated_at"], created["updated_at"]);
    assert_eq!(
        app.count("changes").await,
        changes,
        "unchanged is not a change"
    );

    // Another title replaces it, under the ETag the client holds.
    let mut body = exoskeleton(&exoatlet);
    body["title"] = json!("Medical exoskeleton: partners wanted in France and Belgium");
    let response = app
        .as_key(&key)
        .request(reqwest::Method::PUT, path)
        .header("if-match", etag.clone())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let replaced: Value = response.json().await.unwrap();
    assert_eq!(id(&replaced), id(&created));
    assert_eq!(replaced["title"], body["title"]);
    assert_ne!(replaced["updated_at"], created["updated_at"]);
    assert_eq!(app.count("changes").await, changes + 1);
    assert_eq!(app.count("cooperation_offers").await, 1);

    // Found by its external id in the list.
    let page: Value = app
        .get("/api/v1/cooperation-offers?external_id=CCI-2019-4711")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(id(&page["items"][0]), id(&created));

    // A stale If-Match, If-None-Match: * on an existing offer: 412, nothing written.
    for (name, value) in [("if-match", etag.to_str().unwrap()), ("if-none-match", "*")] {
        let response = app
            .as_key(&key)
            .request(reqwest::Method::PUT, path)
            .header(name, value)
            .json(&exoskeleton(&exoatlet))
            .send()
            .await
            .unwrap();
        assert_problem(response, 412).await;
    }
    let now: Value = app
        .get(&format!("/api/v1/cooperation-offers/{}", id(&created)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["title"], body["title"], "nothing was written");
    assert_eq!(app.count("changes").await, changes + 1);
}

#[tokio::test]
async fn offer_external_ids_are_unique_per_company_and_owned_by_it() {
    let app = spawn_app().await;
    let exoatlet = app.create_company("ExoAtlet", "startup", "RU").await;
    let interact = app
        .create_company("Interact Software", "startup", "FR")
        .await;
    let exo_key = app.create_key("company", Some(&exoatlet)).await;
    let interact_key = app.create_key("company", Some(&interact)).await;
    let path = "/api/v1/cooperation-offers/by-external-id/4711";
    assert_eq!(
        put(&app, &exo_key, path, &exoskeleton(&exoatlet))
            .await
            .status(),
        201
    );
    // Another company's 4711 is another offer.
    assert_eq!(
        put(&app, &interact_key, path, &exoskeleton(&interact))
            .await
            .status(),
        201
    );
    assert_eq!(app.count("cooperation_offers").await, 2);

    let offers = app.count("cooperation_offers").await;
    let changes = app.count("changes").await;
    // A company key cannot write another company's offers.
    assert_problem(
        put(&app, &interact_key, path, &exoskeleton(&exoatlet)).await,
        403,
    )
    .await;
    // A second offer with a taken external id, created or patched: 409.
    let mut body = exoskeleton(&exoatlet);
    body["external_id"] = json!("4711");
    let problem = assert_problem(
        app.as_key(&exo_key)
            .post_json("/api/v1/cooperation-offers", &body)
            .await,
        409,
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("external_id"),
        "{problem}"
    );
    let other = create(&app, "/api/v1/cooperation-offers", exoskeleton(&exoatlet)).await;
    let offers = offers + 1;
    let changes = changes + 1;
    assert_problem(
        app.as_key(&exo_key)
            .patch_json(
                &format!("/api/v1/cooperation-offers/{}", id(&other)),
                &json!({"external_id": "4711"}),
            )
            .await,
        409,
    )
    .await;
    // The body's external id, if any, is the path's; the path's must be well-formed.
    let mut body = exoskeleton(&exoatlet);
    body["external_id"] = json!("4712");
    let problem = assert_problem(put(&app, &exo_key, path, &body).await, 422).await;
    assert_eq!(error_fields(&problem), ["external_id"]);
    let problem = assert_problem(
        put(
            &app,
            &exo_key,
            "/api/v1/cooperation-offers/by-external-id/a%20b",
            &exoskeleton(&exoatlet),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(error_fields(&problem), ["external_id"]);
    // If-Match where nothing exists yet: 412.
    let response = app
        .as_key(&exo_key)
        .request(
            reqwest::Method::PUT,
            "/api/v1/cooperation-offers/by-external-id/new-one",
        )
        .header("if-match", "*")
        .json(&exoskeleton(&exoatlet))
        .send()
        .await
        .unwrap();
    assert_problem(response, 412).await;
    assert_eq!(
        app.count("cooperation_offers").await,
        offers,
        "nothing was written"
    );
    assert_eq!(app.count("changes").await, changes);
}

#[tokio::test]
async fn a_company_is_upserted_by_its_external_id_by_staff_and_replaced_by_its_own_key() {
    let app = spawn_app().await;
    let path = "/api/v1/companies/by-external-id/member-0042";
    let body = json!({"name": "ExoAtlet", "kind": "startup", "country": "RU"});
    let anonymous = app
        .anonymous()
        .request(reqwest::Method::PUT, path)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401).await;
    let editor = app.create_key("editor", None).await;
    let response = put(&app, &editor, path, &body).await;
    assert_eq!(response.status(), 201);
    let company: Value = response.json().await.unwrap();
    assert_eq!(company["external_id"], "member-0042");

    // Its own key may replace it, not create others.
    let own = app.create_key("company", Some(&id(&company))).await;
    let response = put(
        &app,
        &own,
        path,
        &json!({"name": "ExoAtlet", "kind": "startup", "country": "RU", "city": "Moscow"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["city"], "Moscow");
    assert_problem(
        put(
            &app,
            &own,
            "/api/v1/companies/by-external-id/member-0043",
            &body,
        )
        .await,
        403,
    )
    .await;
    // Unique across the platform.
    let mut second = json!({"name": "Other", "kind": "startup", "country": "FR"});
    second["external_id"] = json!("member-0042");
    assert_problem(app.post_json("/api/v1/companies", &second).await, 409).await;
    assert_eq!(app.count("companies").await, 1);
    let page: Value = app
        .get("/api/v1/companies?external_id=member-0042")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(id(&page["items"][0]), id(&company));
}

#[tokio::test]
async fn speakers_are_upserted_per_company_and_events_across_the_platform() {
    let app = spawn_app().await;
    let admin = app.create_key("admin", None).await;
    let cci = app
        .create_company("CCI France Russie", "chamber_of_commerce", "RU")
        .await;
    let cci_key = app.create_key("company", Some(&cci)).await;
    let path = "/api/v1/speakers/by-external-id/s-1";
    // A company key's speaker belongs to its company; the same reference without a company
    // (an editor's) is another speaker.
    let own = put(
        &app,
        &cci_key,
        path,
        &json!({"full_name": "Lidia Soutormina"}),
    )
    .await;
    assert_eq!(own.status(), 201);
    let own: Value = own.json().await.unwrap();
    assert_eq!(own["company_id"], cci.as_str());
    let free = put(&app, &admin, path, &json!({"full_name": "Arnaud Trousset"})).await;
    assert_eq!(free.status(), 201);
    let again = put(&app, &admin, path, &json!({"full_name": "Arnaud Trousset"})).await;
    assert_eq!(again.status(), 200);
    assert_eq!(app.count("speakers").await, 2);
    let page: Value = app
        .get(&format!(
            "/api/v1/speakers?external_id=s-1&company_id={cci}"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(id(&page["items"][0]), id(&own));

    let event = json!({"title": "Moscou", "kind": "teleconference", "format": "hybrid", "status": "scheduled",
                       "starts_at": "2019-11-14T10:00:00Z", "ends_at": "2019-11-14T14:00:00Z", "timezone": "Europe/Moscow"});
    let path = "/api/v1/events/by-external-id/cci-2019-11-14";
    assert_problem(put(&app, &cci_key, path, &event).await, 403).await;
    let created = put(&app, &admin, path, &event).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let mut moved = event.clone();
    moved["status"] = json!("completed");
    let replaced = put(&app, &admin, path, &moved).await;
    assert_eq!(replaced.status(), 200);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(id(&replaced), id(&created));
    assert_eq!(replaced["status"], "completed");
    let page: Value = app
        .get("/api/v1/events?external_id=cci-2019-11-14")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(id(&page["items"][0]), id(&created));
    let mut duplicate = event.clone();
    duplicate["external_id"] = json!("cci-2019-11-14");
    assert_problem(app.post_json("/api/v1/events", &duplicate).await, 409).await;
    assert_eq!(app.count("events").await, 1);
}
