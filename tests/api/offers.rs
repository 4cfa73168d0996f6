use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, create, error_fields, spawn_app};

async fn company(app: &TestApp, name: &str, country: &str) -> String {
    app.create_company(name, "startup", country).await
}

fn exoskeleton(company_id: &str) -> Value {
    json!({
        "company_id": company_id,
        "kind": "technology_offer",
        "cooperation_types": ["distribution", "licensing", "distribution"],
        "title": "Medical exoskeleton: distributors wanted in France",
        "summary": "Rehabilitation of patients with lower-limb locomotor disorders",
        "sectors": ["medtech", "healthcare"],
        "target_countries": ["FR", "BE"],
        "language": "en",
        "status": "published",
        "valid_until": "2099-12-31"
    })
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_published_offer_is_created_with_its_publication_time() {
    let app = spawn_app().await;
    let exoatlet = company(&app, "ExoAtlet", "RU").await;
    let response = app
        .post_json("/api/v1/cooperation-offers", &exoskeleton(&exoatlet))
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let offer: Value = response.json().await.unwrap();
    assert_eq!(offer["status"], "published");
    assert!(offer["published_at"].is_string());
    assert_eq!(
        offer["cooperation_types"],
        json!(["distribution", "licensing"])
    );
    assert_eq!(
        app.get(&location).await.json::<Value>().await.unwrap(),
        offer
    );
}

#[tokio::test]
async fn a_new_offer_is_a_draft_by_default_and_cannot_start_closed() {
    let app = spawn_app().await;
    let exoatlet = company(&app, "ExoAtlet", "RU").await;
    let mut body = exoskeleton(&exoatlet);
    body.as_object_mut().unwrap().remove("status");
    let offer = create(&app, "/api/v1/cooperation-offers", body.clone()).await;
    assert_eq!(offer["status"], "draft");
    assert!(offer["published_at"].is_null());
    body["status"] = json!("closed");
    let problem = assert_problem(
        app.post_json("/api/v1/cooperation-offers", &body).await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["status"]);
    assert_eq!(app.count("cooperation_offers").await, 1);
}

#[tokio::test]
async fn invalid_offers_return_422_naming_each_field_and_write_nothing() {
    let app = spawn_app().await;
    let body = json!({
        "company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
        "kind": "technology_offer",
        "cooperation_types": [],
        "title": " ",
        "sectors": ["nope"],
        "target_countries": ["XX"],
        "language": "french"
    });
    let problem = assert_problem(
        app.post_json("/api/v1/cooperation-offers", &body).await,
        422,
    )
    .await;
    assert_eq!(
        error_fields(&problem),
        [
            "title",
            "cooperation_types",
            "sectors[0]",
            "target_countries[0]",
            "language"
        ]
    );
    let problem = assert_problem(
        app.post_json(
            "/api/v1/cooperation-offers",
            &exoskeleton("0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["company_id"]);
    let exoatlet = company(&app, "ExoAtlet", "RU").await;
    let mut with_event = exoskeleton(&exoatlet);
    with_event["event_id"] = json!("0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d");
    let problem = assert_problem(
        app.post_json("/api/v1/cooperation-offers", &with_event)
            .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["event_id"]);
    assert_eq!(app.count("cooperation_offers").await, 0);
}

#[tokio::test]
async fn the_status_follows_the_lifecycle_and_illegal_moves_change_nothing() {
    let app = spawn_app().await;
    let exoatlet = company(&app, "ExoAtlet", "RU").await;
    let mut body = exoskeleton(&exoatlet);
    body["status"] = json!("draft");
    let offer = create(&app, "/api/v1/cooperation-offers", body).await;
    let path = format!(
        "/api/v1/cooperation-offers/{}",
        offer["id"].as_str().unwrap()
    );
    let published: Value = app
        .patch_json(&path, &json!({"status": "published"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(published["status"], "published");
    let published_at = published["published_at"].clone();
    assert!(published_at.is_string());
    let retitled: Value = app
        .patch_json(&path, &json!({"title": "Exoskeleton"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        retitled["published_at"], published_at,
        "publication time is kept"
    );
    let closed: Value = app
        .patch_json(&path, &json!({"status": "closed"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed["status"], "closed");
    for status in ["draft", "published"] {
        let problem =
            assert_problem(app.patch_json(&path, &json!({"status": status})).await, 422).await;
        assert_eq!(error_fields(&problem), ["status"]);
    }
    let problem = assert_problem(
        app.patch_json(&path, &json!({"company_id": exoatlet}))
            .await,
        422,
    )
    .await;
    assert_eq!(
        error_fields(&problem),
        ["company_id"],
        "an offer cannot move to another company"
    );
    assert_eq!(app.get(&path).await.json::<Value>().await.unwrap(), closed);
}

#[tokio::test]
async fn an_offer_past_its_validity_reads_as_expired_and_leaves_the_default_list() {
    let app = spawn_app().await;
    let exoatlet = company(&app, "ExoAtlet", "RU").await;
    let current = create(&app, "/api/v1/cooperation-offers", exoskeleton(&exoatlet)).await;
    let mut old = exoskeleton(&exoatlet);
    old["title"] = json!("Old offer");
    old["valid_until"] = json!("2020-01-31");
    let old = create(&app, "/api/v1/cooperation-offers", old).await;
    assert_eq!(old["status"], "expired");
    let default: Value = app
        .get("/api/v1/cooperation-offers")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(titles(&default), [current["title"].as_str().unwrap()]);
    let expired: Value = app
        .get("/api/v1/cooperation-offers?status=expired")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(titles(&expired), ["Old offer"]);
    let any: Value = app
        .get("/api/v1/cooperation-offers?status=any")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(any["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn filters_find_offers_by_sector_target_country_type_and_company_country() {
    let app = spawn_app().await;
    let exoatlet = company(&app, "ExoAtlet", "RU").await;
    let interact = company(&app, "Interact Software", "FR").await;
    create(&app, "/api/v1/cooperation-offers", exoskeleton(&exoatlet)).await;
    create(&app, "/api/v1/cooperation-offers", json!({
        "company_id": interact, "kind": "business_offer", "cooperation_types": ["commercial_agreement"],
        "title": "IT cost reduction for Russian cities", "sectors": ["it", "smart-city"],
        "target_countries": ["RU"], "status": "published"
    }))
    .await;
    let get = |q: &'static str| {
        let app = &app;
        async move {
            titles(
                &app.get(&format!("/api/v1/cooperation-offers{q}"))
                    .await
                    .json::<Value>()
                    .await
                    .unwrap(),
            )
        }
    };
    assert_eq!(
        get("?sector=medtech&target_country=FR").await,
        ["Medical exoskeleton: distributors wanted in France"]
    );
    assert_eq!(
        get("?target_country=RU").await,
        ["IT cost reduction for Russian cities"]
    );
    assert_eq!(
        get("?company_country=FR").await,
        ["IT cost reduction for Russian cities"]
    );
    assert_eq!(
        get("?cooperation_type=licensing").await,
        ["Medical exoskeleton: distributors wanted in France"]
    );
    assert_eq!(
        get("?kind=business_offer").await,
        ["IT cost reduction for Russian cities"]
    );
    assert_eq!(
        get("?q=exoskeleton").await,
        ["Medical exoskeleton: distributors wanted in France"]
    );
    assert_eq!(get("?sector=pharma").await, Vec::<String>::new());
    for (query, field) in [
        ("?status=gone", "status"),
        ("?cooperation_type=x", "cooperation_type"),
        ("?target_country=fr", "target_country"),
    ] {
        let problem = assert_problem(
            app.get(&format!("/api/v1/cooperation-offers{query}")).await,
            400,
        )
        .await;
        assert_eq!(error_fields(&problem), [field], "{query}");
    }
}

#[tokio::test]
async fn a_company_with_offers_cannot_be_deleted_until_they_are() {
    let app = spawn_app().await;
    let exoatlet = company(&app, "ExoAtlet", "RU").await;
    let offer = create(&app, "/api/v1/cooperation-offers", exoskeleton(&exoatlet)).await;
    let problem = assert_problem(
        app.delete(&format!("/api/v1/companies/{exoatlet}")).await,
        409,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("1 cooperation offer(s)")
    );
    let path = format!(
        "/api/v1/cooperation-offers/{}",
        offer["id"].as_str().unwrap()
    );
    assert_eq!(app.delete(&path).await.status(), 204);
    assert_problem(app.get(&path).await, 404).await;
    assert_eq!(
        app.delete(&format!("/api/v1/companies/{exoatlet}"))
            .await
            .status(),
        204
    );
}

#[tokio::test]
async fn patch_with_a_stale_etag_returns_412_and_changes_nothing() {
    let app = spawn_app().await;
    let exoatlet = company(&app, "ExoAtlet", "RU").await;
    let offer = create(&app, "/api/v1/cooperation-offers", exoskeleton(&exoatlet)).await;
    let path = format!(
        "/api/v1/cooperation-offers/{}",
        offer["id"].as_str().unwrap()
    );
    let response = app
        .client
        .patch(app.url(&path))
        .header("content-type", "application/merge-patch+json")
        .header("if-match", "\"0000000000000000\"")
        .body(json!({"status": "closed"}).to_string())
        .send()
        .await
        .unwrap();
    assert_problem(response, 412).await;
    assert_eq!(app.get(&path).await.json::<Value>().await.unwrap(), offer);
    assert_problem(
        app.get("/api/v1/cooperation-offers/0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d")
            .await,
        404,
    )
    .await;
}
