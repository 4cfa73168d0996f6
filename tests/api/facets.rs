//! The offer facets' four ways of counting — the whole market from the counts the triggers
//! keep, a market from its table, a sector from the match candidates' table, anything else
//! from the offers — give
//! what the list would return, after offers are changed, closed, expire, are deleted and
//! their company moves.

use serde_json::{Value, json};

use crate::helpers::{TestApp, created, spawn_app};

async fn facets(app: &TestApp, query: &str) -> Value {
    let response = app
        .anonymous()
        .get(&format!("/api/v1/cooperation-offers/facets{query}"))
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn offer(company: &str, kind: &str, types: &[&str], sectors: &[&str], targets: &[&str]) -> Value {
    json!({"company_id": company, "kind": kind, "cooperation_types": types,
           "title": format!("{kind} in {}", sectors.join(" and ")), "status": "published",
           "sectors": sectors, "target_countries": targets})
}

#[tokio::test]
async fn facets_follow_offers_changed_closed_expired_deleted_and_companies_that_move() {
    let app = spawn_app().await;
    let companies = "/api/v1/companies";
    let ru = created(
        &app,
        companies,
        json!({"name": "ExoAtlet", "kind": "startup", "country": "RU"}),
    )
    .await;
    let fr = created(
        &app,
        companies,
        json!({"name": "Rehab France", "kind": "company", "country": "FR"}),
    )
    .await;
    let offers = "/api/v1/cooperation-offers";
    let closed = created(
        &app,
        offers,
        offer(
            &ru,
            "technology_offer",
            &["licensing"],
            &["medtech"],
            &["FR"],
        ),
    )
    .await;
    let changed = created(
        &app,
        offers,
        offer(
            &ru,
            "business_offer",
            &["licensing"],
            &["energy", "it"],
            &["DE", "FR"],
        ),
    )
    .await;
    let deleted = created(
        &app,
        offers,
        offer(
            &fr,
            "investment_offer",
            &["investment"],
            &["medtech"],
            &["RU"],
        ),
    )
    .await;
    let expired = created(
        &app,
        offers,
        offer(&fr, "business_offer", &["franchise"], &["energy"], &["RU"]),
    )
    .await;
    let mut draft = offer(&fr, "rd_partnership", &["joint_venture"], &["ai"], &["KR"]);
    draft["status"] = json!("draft");
    let published = created(&app, offers, draft).await;

    let patch = |id: &str, body: Value| {
        let (app, path) = (&app, format!("{offers}/{id}"));
        async move {
            let response = app.patch_json(&path, &body).await;
            assert_eq!(response.status(), 200, "{body}");
        }
    };
    patch(&changed, json!({"sectors": ["energy"]})).await;
    // By SQL, so that only these columns are set (the service's update sets every column):
    // the tables that carry them must follow a change of these fields alone.
    app.sql(&format!(
        "UPDATE cooperation_offers SET kind = 'business_request',
             cooperation_types = '{{distribution}}' WHERE id = '{changed}'"
    ))
    .await;
    patch(&closed, json!({"status": "closed"})).await;
    patch(&published, json!({"status": "published"})).await;
    assert_eq!(
        app.delete(&format!("{offers}/{deleted}")).await.status(),
        204
    );
    app.sql(&format!(
        "UPDATE cooperation_offers SET valid_until = current_date - 1 WHERE id = '{expired}'"
    ))
    .await;
    patch_company(&app, &ru, "KZ").await;

    // Left listed: `changed` (KZ now, business_request, energy, DE and FR) and `published`
    // (FR, rd_partnership, ai, KR).
    // The triggers appended their changes; counting the whole market folds them.
    assert!(app.count("cooperation_offer_count_changes").await > 0);
    let whole = facets(&app, "").await;
    assert_eq!(app.count("cooperation_offer_count_changes").await, 0);
    assert_eq!(
        whole,
        json!({
            "total": 2,
            "kind": [{"value": "business_request", "count": 1}, {"value": "rd_partnership", "count": 1}],
            "sector": [{"value": "ai", "count": 1}, {"value": "energy", "count": 1}],
            "cooperation_type": [{"value": "distribution", "count": 1}, {"value": "joint_venture", "count": 1}],
            "target_country": [{"value": "DE", "count": 1}, {"value": "FR", "count": 1}, {"value": "KR", "count": 1}],
            "company_country": [{"value": "FR", "count": 1}, {"value": "KZ", "count": 1}]
        })
    );
    let changed_only = json!({
        "total": 1,
        "kind": [{"value": "business_request", "count": 1}],
        "sector": [{"value": "energy", "count": 1}],
        "cooperation_type": [{"value": "distribution", "count": 1}],
        "target_country": [{"value": "DE", "count": 1}, {"value": "FR", "count": 1}],
        "company_country": [{"value": "KZ", "count": 1}]
    });
    // A market (a sector and a target country) and a sector, alone and with each filter
    // they read from their own tables, a kind.
    let market = "?sector=energy&target_country=FR";
    for query in [
        market,
        &format!("{market}&company_country=KZ"),
        &format!("{market}&kind=business_request"),
        &format!("{market}&cooperation_type=distribution"),
        &format!("{market}&company_id={ru}"),
        "?sector=energy",
        "?sector=energy&company_country=KZ",
        "?sector=energy&kind=business_request",
        "?sector=energy&cooperation_type=distribution",
        &format!("?sector=energy&company_id={ru}"),
        "?kind=business_request",
        "?company_country=KZ",
    ] {
        assert_eq!(facets(&app, query).await, changed_only, "{query}");
    }
    for query in [
        "?sector=medtech",
        "?sector=energy&target_country=RU",
        "?sector=it&target_country=FR",
        &format!("{market}&kind=business_offer"),
        &format!("{market}&cooperation_type=licensing"),
        &format!("{market}&company_country=RU"),
        "?sector=energy&company_country=RU",
    ] {
        assert_eq!(facets(&app, query).await["total"], 0, "{query}");
    }
}

async fn patch_company(app: &TestApp, id: &str, country: &str) {
    let response = app
        .patch_json(
            &format!("/api/v1/companies/{id}"),
            &json!({"country": country}),
        )
        .await;
    assert_eq!(response.status(), 200);
}
