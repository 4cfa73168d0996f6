//! Matchmaking on a small hand-built market: which offers are suggested, in which order, and
//! the reasons given.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, created, spawn_app};

async fn company(app: &TestApp, name: &str, country: &str, sectors: &[&str]) -> String {
    let body = json!({"name": name, "kind": "company", "country": country, "sectors": sectors});
    created(app, "/api/v1/companies", body).await
}

#[allow(clippy::too_many_arguments)]
async fn offer(
    app: &TestApp,
    company: &str,
    kind: &str,
    types: &[&str],
    sectors: &[&str],
    targets: &[&str],
    title: &str,
    extra: Value,
) -> String {
    let mut body = json!({
        "company_id": company, "kind": kind, "cooperation_types": types, "title": title,
        "sectors": sectors, "target_countries": targets, "status": "published"
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let response = app.post_json("/api/v1/cooperation-offers", &body).await;
    assert_eq!(response.status(), 201, "{body}");
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

const REQUEST: &str = "Looking for rehabilitation exoskeleton technology to distribute";

struct Market {
    app: TestApp,
    medidistrib: String,
    exo_offer: String,
    fr_request: String,
    de_request: String,
    twin_a: String,
    twin_b: String,
}

async fn market() -> Market {
    let app = spawn_app().await;
    let exoatlet = company(&app, "ExoAtlet", "RU", &["medtech", "healthcare"]).await;
    let medidistrib = company(&app, "MediDistrib", "FR", &["medtech"]).await;
    let rehab = company(&app, "Rehab France", "FR", &["medtech"]).await;
    let cargo = company(&app, "Cargo Berlin", "DE", &["logistics", "medtech"]).await;
    let exo_offer = offer(
        &app,
        &exoatlet,
        "technology_offer",
        &["distribution", "licensing"],
        &["medtech", "healthcare"],
        &["FR"],
        "Medical exoskeleton for rehabilitation: distributors wanted",
        json!({}),
    )
    .await;
    let fr_request = offer(
        &app,
        &medidistrib,
        "technology_request",
        &["distribution"],
        &["medtech"],
        &["RU"],
        REQUEST,
        json!({}),
    )
    .await;
    let de_request = offer(
        &app,
        &cargo,
        "technology_request",
        &["licensing"],
        &["medtech"],
        &["DE"],
        "Medical devices to license for Germany",
        json!({}),
    )
    .await;
    // Two identical requests of another French company: equal scores, newest first.
    let twin_a = offer(
        &app,
        &rehab,
        "technology_request",
        &["distribution"],
        &["medtech"],
        &["RU"],
        REQUEST,
        json!({}),
    )
    .await;
    let twin_b = offer(
        &app,
        &rehab,
        "technology_request",
        &["distribution"],
        &["medtech"],
        &["RU"],
        REQUEST,
        json!({}),
    )
    .await;
    // Never suggested: wrong kind, same company, no shared sector, unpublished, expired.
    offer(
        &app,
        &medidistrib,
        "business_request",
        &["distribution"],
        &["medtech"],
        &["RU"],
        REQUEST,
        json!({}),
    )
    .await;
    offer(
        &app,
        &exoatlet,
        "technology_request",
        &["distribution"],
        &["medtech"],
        &["RU"],
        REQUEST,
        json!({}),
    )
    .await;
    offer(
        &app,
        &cargo,
        "technology_request",
        &["distribution"],
        &["logistics"],
        &["RU"],
        REQUEST,
        json!({}),
    )
    .await;
    offer(
        &app,
        &medidistrib,
        "technology_request",
        &["distribution"],
        &["medtech"],
        &["RU"],
        REQUEST,
        json!({"status": "draft"}),
    )
    .await;
    offer(
        &app,
        &medidistrib,
        "technology_request",
        &["distribution"],
        &["medtech"],
        &["RU"],
        REQUEST,
        json!({"valid_until": "2020-01-01"}),
    )
    .await;
    Market {
        app,
        medidistrib,
        exo_offer,
        fr_request,
        de_request,
        twin_a,
        twin_b,
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["offer"]["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_offer_is_matched_with_complementary_requests_ranked_with_their_reasons() {
    let m = market().await;
    let page: Value = m
        .app
        .anonymous()
        .get(&format!(
            "/api/v1/cooperation-offers/{}/matches",
            m.exo_offer
        ))
        .await
        .json()
        .await
        .unwrap();
    // The French requests fit both ways and share a form of cooperation; equal ones come
    // newest first; the German one fits no country.
    assert_eq!(
        ids(&page),
        [
            m.twin_b.clone(),
            m.twin_a.clone(),
            m.fr_request.clone(),
            m.de_request.clone()
        ]
    );
    let best = &page["items"][2];
    assert_eq!(best["reasons"]["sector_overlap"], json!(["medtech"]));
    assert_eq!(best["reasons"]["country_fit"], true);
    assert_eq!(
        best["reasons"]["shared_cooperation_types"],
        json!(["distribution"])
    );
    let similarity = best["reasons"]["text_similarity"].as_f64().unwrap();
    assert!(similarity > 0.0 && similarity < 1.0, "{similarity}");
    let last = &page["items"][3];
    assert_eq!(last["reasons"]["country_fit"], false);
    assert_eq!(
        last["reasons"]["shared_cooperation_types"],
        json!(["licensing"])
    );
    let scores: Vec<f64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["score"].as_f64().unwrap())
        .collect();
    assert_eq!(scores[0], scores[1]);
    assert_eq!(scores[1], scores[2]);
    assert!(scores[2] > scores[3] + 25.0, "{scores:?}");
    assert!(scores.iter().all(|s| (0.0..=100.0).contains(s)));
}

#[tokio::test]
async fn a_request_is_matched_with_offers_and_limit_cuts_the_list() {
    let m = market().await;
    let page: Value = m
        .app
        .get(&format!(
            "/api/v1/cooperation-offers/{}/matches?limit=1",
            m.fr_request
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&page), std::slice::from_ref(&m.exo_offer));
    assert_problem(
        m.app
            .get(&format!(
                "/api/v1/cooperation-offers/{}/matches?limit=0",
                m.fr_request
            ))
            .await,
        400,
    )
    .await;
}

#[tokio::test]
async fn a_company_is_matched_with_other_companies_offers_in_its_sectors() {
    let m = market().await;
    let page: Value = m
        .app
        .anonymous()
        .get(&format!("/api/v1/companies/{}/matches", m.medidistrib))
        .await
        .json()
        .await
        .unwrap();
    let found = ids(&page);
    // The offer targeting France first; never its own offers.
    assert_eq!(found[0], m.exo_offer);
    assert!(!found.contains(&m.fr_request));
    assert!(found.contains(&m.de_request));
    let first = &page["items"][0];
    assert_eq!(first["reasons"]["country_fit"], true);
    assert_eq!(first["reasons"]["sector_overlap"], json!(["medtech"]));
    assert!(first["reasons"].get("text_similarity").is_none());
    let de = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["offer"]["id"] == m.de_request.as_str())
        .unwrap();
    assert_eq!(de["reasons"]["country_fit"], false);
    assert!(first["score"].as_f64().unwrap() > de["score"].as_f64().unwrap());
}

#[tokio::test]
async fn matches_of_an_offer_the_caller_cannot_see_or_of_nothing_are_404() {
    let m = market().await;
    let draft: Value = m
        .app
        .post_json(
            "/api/v1/cooperation-offers",
            &json!({"company_id": m.medidistrib, "kind": "technology_request", "cooperation_types": ["distribution"],
                "title": REQUEST, "sectors": ["medtech"], "target_countries": ["RU"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!(
        "/api/v1/cooperation-offers/{}/matches",
        draft["id"].as_str().unwrap()
    );
    assert_problem(m.app.anonymous().get(&path).await, 404).await;
    assert_eq!(
        m.app.get(&path).await.status(),
        200,
        "its company's side sees it"
    );
    assert_problem(
        m.app
            .get("/api/v1/companies/0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d/matches")
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn offers_closed_moved_to_other_sectors_or_deleted_stop_being_suggested() {
    let m = market().await;
    let path = format!("/api/v1/cooperation-offers/{}/matches", m.exo_offer);
    let suggested = |page: &Value, id: &str| ids(page).iter().any(|found| found == id);
    let page: Value = m.app.get(&path).await.json().await.unwrap();
    assert!(suggested(&page, &m.de_request) && suggested(&page, &m.fr_request));

    let offer = |id: &str| format!("/api/v1/cooperation-offers/{id}");
    let closed = m
        .app
        .patch_json(&offer(&m.de_request), &json!({"status": "closed"}))
        .await;
    assert_eq!(closed.status(), 200);
    let moved = m
        .app
        .patch_json(&offer(&m.fr_request), &json!({"sectors": ["energy"]}))
        .await;
    assert_eq!(moved.status(), 200);
    assert_eq!(m.app.delete(&offer(&m.twin_a)).await.status(), 204);

    let page: Value = m.app.get(&path).await.json().await.unwrap();
    assert_eq!(ids(&page), std::slice::from_ref(&m.twin_b), "{page}");

    // Moved back into the offer's sector, it is suggested again.
    let back = m
        .app
        .patch_json(&offer(&m.fr_request), &json!({"sectors": ["medtech"]}))
        .await;
    assert_eq!(back.status(), 200);
    let page: Value = m.app.get(&path).await.json().await.unwrap();
    assert!(suggested(&page, &m.fr_request), "{page}");
}
