//! Search: `GET /api/v1/search` and `q` on the lists, in French, English and Russian, across
//! scripts, with typos; and the offer facets.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, created, spawn_app};

async fn search(app: &TestApp, query: &str) -> Value {
    let response = app
        .anonymous()
        .request(reqwest::Method::GET, "/api/v1/search")
        .query(&[("q", query)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

/// (type, name, match) of each hit.
fn hits(body: &Value) -> Vec<(String, String, String)> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["type"].as_str().unwrap().to_string(),
                h["name"].as_str().unwrap().to_string(),
                h["match"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn names(body: &Value) -> Vec<String> {
    hits(body).into_iter().map(|(_, name, _)| name).collect()
}

struct Demo {
    app: TestApp,
    exoatlet: String,
}

/// A small market in three languages and two scripts.
async fn demo() -> Demo {
    let app = spawn_app().await;
    let exoatlet = created(
        &app,
        "/api/v1/companies",
        json!({"name": "ExoAtlet", "kind": "startup", "country": "RU", "sectors": ["medtech"],
               "description": "Exosquelettes médicaux pour la rééducation."}),
    )
    .await;
    created(
        &app,
        "/api/v1/companies",
        json!({"name": "Сколково", "kind": "foundation", "country": "RU"}),
    )
    .await;
    created(
        &app,
        "/api/v1/speakers",
        json!({"full_name": "Evgueny Dridzé", "native_name": "Евгений Дридзе",
               "position": "Directeur de la coopération internationale"}),
    )
    .await;
    created(
        &app,
        "/api/v1/speakers",
        json!({"full_name": "Mikhail Makarov", "bio": "Works with Evgueny Dridzé on exoskeleton pilots."}),
    )
    .await;
    created(
        &app,
        "/api/v1/cooperation-offers",
        json!({"company_id": exoatlet, "kind": "technology_offer", "cooperation_types": ["distribution"],
               "title": "Exosquelette médical ExoAtlet", "status": "published", "sectors": ["medtech"],
               "target_countries": ["FR"], "summary": "Distributeurs recherchés en France."}),
    )
    .await;
    created(
        &app,
        "/api/v1/cooperation-offers",
        json!({"company_id": exoatlet, "kind": "business_request", "cooperation_types": ["joint_venture"],
               "title": "Partenaires pour les hôpitaux russes", "status": "published", "sectors": ["healthcare"],
               "description": "Мы ищем партнёров: каждая больница получит тренажёр. Lightweight exoskeletons."}),
    )
    .await;
    created(
        &app,
        "/api/v1/cooperation-offers",
        json!({"company_id": exoatlet, "kind": "technology_offer", "cooperation_types": ["licensing"],
               "title": "Brouillon d'exosquelette", "status": "draft", "sectors": ["medtech"]}),
    )
    .await;
    Demo { app, exoatlet }
}

#[tokio::test]
async fn search_ignores_case_accents_and_script_in_both_directions() {
    let Demo { app, .. } = demo().await;
    for query in ["Дридзе", "dridze", "DRIDZÉ"] {
        let body = search(&app, query).await;
        let found = hits(&body);
        assert_eq!(
            found[0],
            ("speakers".into(), "Evgueny Dridzé".into(), "name".into()),
            "{query}: {found:?}"
        );
        // The other speaker only mentions him in the bio: found, but after the name hit.
        assert!(found.contains(&("speakers".into(), "Mikhail Makarov".into(), "text".into())));
        let snippet = &body["items"][0]["snippet"];
        assert_eq!(snippet["field"], "full_name");
        let highlighted: Vec<&str> = snippet["fragments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["highlight"] == true)
            .map(|f| f["text"].as_str().unwrap())
            .collect();
        assert_eq!(highlighted, ["Dridzé"], "{query}");
    }
    assert_eq!(names(&search(&app, "Skolkovo").await), ["Сколково"]);
}

#[tokio::test]
async fn search_stems_french_english_and_russian() {
    let Demo { app, .. } = demo().await;
    // "médicaux" meets "médical" (title) and "médicaux" (a company's description).
    let found = hits(&search(&app, "médicaux").await);
    assert_eq!(
        found[0],
        (
            "cooperation-offers".into(),
            "Exosquelette médical ExoAtlet".into(),
            "name".into()
        )
    );
    assert!(
        found.contains(&("companies".into(), "ExoAtlet".into(), "text".into())),
        "{found:?}"
    );
    // English plural to singular, and the other way round.
    let found = names(&search(&app, "exoskeletons").await);
    assert!(found.contains(&"Mikhail Makarov".to_string()), "{found:?}");
    assert!(
        found.contains(&"Partenaires pour les hôpitaux russes".to_string()),
        "{found:?}"
    );
    // Russian: "больницы" finds "больница"; French: "hôpital" finds "hôpitaux".
    assert_eq!(
        names(&search(&app, "больницы").await),
        ["Partenaires pour les hôpitaux russes"]
    );
    assert_eq!(
        names(&search(&app, "hopital").await),
        ["Partenaires pour les hôpitaux russes"]
    );
    // "exosquelette" finds the French texts, the draft never.
    let found = names(&search(&app, "exosquelette").await);
    assert!(found.contains(&"Exosquelette médical ExoAtlet".to_string()));
    assert!(found.contains(&"ExoAtlet".to_string()));
    assert!(
        !found.iter().any(|n| n.starts_with("Brouillon")),
        "{found:?}"
    );
    // Every word must match; stop words ("de", "the") do not count.
    assert_eq!(
        names(&search(&app, "exosquelette de France").await),
        ["Exosquelette médical ExoAtlet"]
    );
    assert!(names(&search(&app, "exosquelette hydrogène").await).is_empty());
}

#[tokio::test]
async fn search_tolerates_typos_and_other_transliterations_in_names() {
    let Demo { app, .. } = demo().await;
    for query in ["Evgeny Dridze", "Evgueni Dridze", "Evgeni Dridzé"] {
        let found = hits(&search(&app, query).await);
        let (kind, name, how) = found.first().cloned().unwrap_or_default();
        assert_eq!(
            (kind.as_str(), name.as_str()),
            ("speakers", "Evgueny Dridzé"),
            "{query}: {found:?}"
        );
        // A stemmer may already meet the variant ("evgueni" and "evgueny"); otherwise the
        // name is found as resembling.
        assert!(how == "similar_name" || how == "name", "{query}: {found:?}");
    }
    let found = hits(&search(&app, "Evgeny Dridze").await);
    assert_eq!(found[0].2, "similar_name", "{found:?}");
    assert!(hits(&search(&app, "Petrov Ivanova").await).is_empty());
}

#[tokio::test]
async fn search_pages_follow_each_other_without_gaps_or_repeats() {
    let Demo { app, .. } = demo().await;
    let all = names(&search(&app, "exoskeleton").await);
    assert!(all.len() >= 2, "{all:?}");
    let mut paged = Vec::new();
    let mut path = "/api/v1/search?q=exoskeleton&limit=1".to_string();
    loop {
        let response = app.anonymous().get(&path).await;
        assert_eq!(response.status(), 200);
        let link = response
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_string());
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["items"].as_array().unwrap().len(), 1);
        paged.extend(names(&body));
        match body["next_cursor"].as_str() {
            Some(cursor) => {
                assert!(link.unwrap().contains("rel=\"next\""));
                path = format!("/api/v1/search?q=exoskeleton&limit=1&cursor={cursor}");
            }
            None => break,
        }
    }
    assert_eq!(paged, all);
}

/// Offers written straight into the table (thousands, faster than through the API): `rows`
/// yields `(title, summary, created_at)` expressions over `n` in 1..=`count`.
async fn insert_offers(app: &TestApp, company: &str, count: u32, rows: &str) {
    app.sql(&format!(
        "INSERT INTO cooperation_offers (id, company_id, kind, cooperation_types, title, summary,
             sectors, target_countries, language, status, published_at, search_text,
             search_body, created_at, updated_at)
         SELECT gen_random_uuid(), '{company}', 'technology_offer', '{{licensing}}', title,
                summary, '{{medtech}}', '{{FR}}', 'en', 'published', created_at, lower(title),
                lower(summary), created_at, created_at
         FROM generate_series(1, {count}) AS n,
              LATERAL (SELECT {rows}) AS r (title, summary, created_at)"
    ))
    .await;
}

/// Searches one type with `limit`, following `pages` cursors; the names of every page.
async fn search_pages(app: &TestApp, q: &str, limit: u32, pages: usize) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..pages {
        let mut query = vec![
            ("q", q.to_string()),
            ("types", "cooperation-offers".to_string()),
            ("limit", limit.to_string()),
        ];
        query.extend(cursor.iter().map(|c| ("cursor", c.clone())));
        let response = app
            .anonymous()
            .request(reqwest::Method::GET, "/api/v1/search")
            .query(&query)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        found.push(names(&body));
        cursor = body["next_cursor"].as_str().map(str::to_string);
    }
    found
}

/// The shape that made a frequent word slow: more than a walk's worth of the newest rows
/// (5,000) lack it, it has more hits than one probe of its index lists (5,000), and its newest
/// hits are spread over months with gaps, so the search reads the older hits period by period.
#[tokio::test]
async fn search_finds_the_newest_hits_of_a_frequent_word_behind_thousands_of_newer_rows() {
    let app = spawn_app().await;
    let company = app.create_company("Telemed", "company", "FR").await;
    // 6,000 hits every six hours until 2024, twelve sparse ones 20 days apart in 2025, then
    // 6,000 newer rows without the word, a millisecond apart.
    insert_offers(
        &app,
        &company,
        6000,
        "'Telemedicine platform ' || n, 'Remote consultations for clinics',
         timestamptz '2020-01-01 00:00:00+00' + n * interval '6 hours'",
    )
    .await;
    insert_offers(
        &app,
        &company,
        12,
        "'Telemedicine kiosk ' || n, 'Kiosks for pharmacies',
         timestamptz '2025-01-01 00:00:00+00' + n * interval '20 days'",
    )
    .await;
    insert_offers(
        &app,
        &company,
        6000,
        "'Exoskeleton licensing offer ' || n, 'Rehabilitation exoskeletons',
         now() - n * interval '1 millisecond'",
    )
    .await;

    let kiosks = (1..=12).rev().map(|k| format!("Telemedicine kiosk {k}"));
    let platforms = (5973..=6000)
        .rev()
        .map(|n| format!("Telemedicine platform {n}"));
    let newest: Vec<String> = kiosks.chain(platforms).collect();
    let pages = search_pages(&app, "telemedicine", 10, 3).await;
    assert_eq!(pages.concat(), newest[..30], "{pages:?}");

    // The same in the text tier: a word of the summaries only.
    let pages = search_pages(&app, "consultations", 10, 2).await;
    let expected: Vec<String> = (5981..=6000)
        .rev()
        .map(|n| format!("Telemedicine platform {n}"))
        .collect();
    assert_eq!(pages.concat(), expected, "{pages:?}");
}

#[tokio::test]
async fn search_types_narrow_the_hits_and_bad_parameters_are_400() {
    let Demo { app, .. } = demo().await;
    let body = app
        .anonymous()
        .get("/api/v1/search?q=exoatlet&types=companies")
        .await;
    let body: Value = body.json().await.unwrap();
    assert_eq!(
        hits(&body),
        [("companies".into(), "ExoAtlet".into(), "name".into())]
    );
    let body = app
        .anonymous()
        .get("/api/v1/search?q=exoatlet&types=speakers,cooperation-offers")
        .await;
    let body: Value = body.json().await.unwrap();
    assert!(
        hits(&body)
            .iter()
            .all(|(t, _, _)| t == "cooperation-offers")
    );
    for (path, field) in [
        ("/api/v1/search", "q"),
        ("/api/v1/search?q=--", "q"),
        ("/api/v1/search?q=a&types=people", "types"),
        ("/api/v1/search?q=a&limit=0", "limit"),
        ("/api/v1/search?q=a&cursor=abc", "cursor"),
    ] {
        let problem = assert_problem(app.anonymous().get(path).await, 400).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(field),
            "{path}: {problem}"
        );
    }
    let long = format!("/api/v1/search?q={}", "a".repeat(201));
    assert_problem(app.anonymous().get(&long).await, 400).await;
}

#[tokio::test]
async fn list_q_uses_the_same_search_and_combines_with_filters() {
    let Demo { app, exoatlet } = demo().await;
    let speakers: Value = app
        .get("/api/v1/speakers?q=%D0%94%D1%80%D0%B8%D0%B4%D0%B7%D0%B5")
        .await
        .json()
        .await
        .unwrap();
    let found: Vec<&str> = speakers["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["Evgueny Dridzé", "Mikhail Makarov"]);
    let typo: Value = app
        .get("/api/v1/speakers?q=Evgeni%20Dridze")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(typo["items"][0]["full_name"], "Evgueny Dridzé");
    let offers: Value = app
        .get("/api/v1/cooperation-offers?q=m%C3%A9dicaux&sector=medtech")
        .await
        .json()
        .await
        .unwrap();
    let titles: Vec<&str> = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Exosquelette médical ExoAtlet"]);
    // The draft is found by q for those who may see drafts.
    let drafts: Value = app
        .get(&format!(
            "/api/v1/cooperation-offers?q=exosquelette&status=draft&company_id={exoatlet}"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(drafts["items"][0]["title"], "Brouillon d'exosquelette");
    let companies: Value = app
        .get("/api/v1/companies?q=skolkovo")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(companies["items"][0]["name"], "Сколково");
}

#[tokio::test]
async fn facets_count_what_the_list_would_return() {
    let Demo { app, exoatlet } = demo().await;
    let other = created(
        &app,
        "/api/v1/companies",
        json!({"name": "Rehab France", "kind": "company", "country": "FR"}),
    )
    .await;
    created(
        &app,
        "/api/v1/cooperation-offers",
        json!({"company_id": other, "kind": "technology_request", "cooperation_types": ["distribution", "licensing"],
               "title": "Exoskeletons wanted", "status": "published", "sectors": ["medtech", "healthcare"],
               "target_countries": ["RU", "DE"]}),
    )
    .await;
    let facets: Value = app
        .anonymous()
        .get("/api/v1/cooperation-offers/facets")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(facets["total"], 3, "{facets}");
    assert_eq!(
        facets["sector"],
        json!([{"value": "healthcare", "count": 2}, {"value": "medtech", "count": 2}])
    );
    assert_eq!(
        facets["company_country"],
        json!([{"value": "RU", "count": 2}, {"value": "FR", "count": 1}])
    );
    assert_eq!(
        facets["cooperation_type"],
        json!([
            {"value": "distribution", "count": 2}, {"value": "joint_venture", "count": 1}, {"value": "licensing", "count": 1}
        ])
    );
    assert_eq!(
        facets["target_country"],
        json!([
            {"value": "DE", "count": 1}, {"value": "FR", "count": 1}, {"value": "RU", "count": 1}
        ])
    );
    assert_eq!(
        facets["kind"],
        json!([
            {"value": "business_request", "count": 1}, {"value": "technology_offer", "count": 1},
            {"value": "technology_request", "count": 1}
        ])
    );
    // Filters as on the list: a sector, a search, drafts for the owner only.
    let medtech: Value = app
        .anonymous()
        .get("/api/v1/cooperation-offers/facets?sector=medtech&q=exoskeleton")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(medtech["total"], 1, "{medtech}");
    let drafts: Value = app
        .get(&format!(
            "/api/v1/cooperation-offers/facets?status=draft&company_id={exoatlet}"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(drafts["total"], 1);
    let anonymous_drafts: Value = app
        .anonymous()
        .get("/api/v1/cooperation-offers/facets?status=draft")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(anonymous_drafts["total"], 0);
    let problem = assert_problem(
        app.anonymous()
            .get("/api/v1/cooperation-offers/facets?sector=nope")
            .await,
        400,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("sector"));
    // The facets take the list's filters, not its paging.
    let problem = assert_problem(
        app.anonymous()
            .get("/api/v1/cooperation-offers/facets?limit=5")
            .await,
        400,
    )
    .await;
    assert_eq!(
        problem["detail"],
        "parameter `limit` is not a parameter of this operation"
    );
    // `facets` is no offer id: other methods are 405 with `Allow: GET`, keyed or not, and
    // nothing is written.
    let before = app.count("cooperation_offers").await;
    for method in [
        reqwest::Method::PATCH,
        reqwest::Method::DELETE,
        reqwest::Method::POST,
    ] {
        for caller in [app.anonymous(), app.as_key(&app.admin_key)] {
            let response = caller
                .request(method.clone(), "/api/v1/cooperation-offers/facets")
                .header("content-type", "application/merge-patch+json")
                .body("{}")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 405, "{method}");
            assert_eq!(response.headers()["allow"], "GET, HEAD", "{method}");
        }
    }
    assert_eq!(app.count("cooperation_offers").await, before);
}
