use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, created, error_fields, id, spawn_app};

fn teleconference() -> Value {
    json!({
        "title": "Moscou : solutions numériques pour la ville et les entreprises",
        "kind": "teleconference",
        "format": "hybrid",
        "status": "completed",
        "starts_at": "2019-11-14T10:00:00Z",
        "ends_at": "2019-11-14T14:00:00Z",
        "timezone": "Europe/Moscow",
        "languages": ["ru", "fr"],
        "sectors": ["smart-city", "it"]
    })
}

async fn post(app: &TestApp, path: &str, body: Value) -> Value {
    let response = app.post_json(path, &body).await;
    assert_eq!(response.status(), 201, "POST {path} {body}");
    response.json().await.unwrap()
}

/// The teleconference with two venues, a session, a moderator and a co-organiser.
async fn seed(app: &TestApp) -> (Value, Value, Value, Value) {
    let event = post(app, "/api/v1/events", teleconference()).await;
    let base = format!("/api/v1/events/{}", id(&event));
    let moscow = post(app, &format!("{base}/venues"), json!({"name": "Moscow city government university of management", "city": "Moscow", "country": "RU", "timezone": "Europe/Moscow", "attendance": 150})).await;
    post(app, &format!("{base}/venues"), json!({"name": "Aéro-Club de France", "address": "6 rue Galilée, 75116 Paris", "city": "Paris", "country": "FR", "timezone": "Europe/Paris", "attendance": 60})).await;
    let session = post(app, &format!("{base}/sessions"), json!({"title": "Introduction", "starts_at": "2019-11-14T10:00:00Z", "ends_at": "2019-11-14T10:45:00Z", "venue_id": id(&moscow), "position": 1})).await;
    let speaker = post(
        app,
        "/api/v1/speakers",
        json!({"full_name": "Arnaud Trousset", "position": "President, French Tech Moscow"}),
    )
    .await;
    post(
        app,
        &format!("{base}/speakers"),
        json!({"speaker_id": id(&speaker), "role": "moderator"}),
    )
    .await;
    let cci = post(
        app,
        "/api/v1/companies",
        json!({"name": "CCI France Russie", "kind": "chamber_of_commerce", "country": "RU"}),
    )
    .await;
    post(
        app,
        &format!("{base}/participants"),
        json!({"company_id": id(&cci), "role": "co_organizer"}),
    )
    .await;
    (event, session, speaker, cci)
}

#[tokio::test]
async fn an_event_with_its_parts_is_returned_expanded_with_names() {
    let app = spawn_app().await;
    let (event, session, _, _) = seed(&app).await;
    let path = format!("/api/v1/events/{}", id(&event));
    let plain: Value = app.get(&path).await.json().await.unwrap();
    assert!(plain.get("venues").is_none());
    let full: Value = app
        .get(&format!(
            "{path}?expand=venues,sessions,speakers,participants"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(full["title"], event["title"]);
    let attendance: Vec<i64> = full["venues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["attendance"].as_i64().unwrap())
        .collect();
    assert_eq!(attendance, [150, 60]);
    assert_eq!(full["sessions"][0]["id"], session["id"]);
    assert_eq!(full["speakers"][0]["role"], "moderator");
    assert_eq!(
        full["speakers"][0]["speaker"]["full_name"],
        "Arnaud Trousset"
    );
    assert_eq!(
        full["participants"][0]["company"]["name"],
        "CCI France Russie"
    );
    let problem = assert_problem(app.get(&format!("{path}?expand=everything")).await, 400).await;
    assert_eq!(error_fields(&problem), ["expand"]);
}

#[tokio::test]
async fn an_event_must_end_after_it_starts_in_a_real_time_zone() {
    let app = spawn_app().await;
    let mut body = teleconference();
    body["ends_at"] = json!("2019-11-14T09:00:00Z");
    body["timezone"] = json!("Europe/Atlantis");
    body["languages"] = json!(["xx"]);
    let problem = assert_problem(app.post_json("/api/v1/events", &body).await, 422).await;
    assert_eq!(
        error_fields(&problem),
        ["ends_at", "timezone", "languages[0]"]
    );
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn a_session_outside_the_event_or_at_another_events_venue_is_rejected() {
    let app = spawn_app().await;
    let (event, _, _, _) = seed(&app).await;
    let other = post(&app, "/api/v1/events", teleconference()).await;
    let foreign = post(
        &app,
        &format!("/api/v1/events/{}/venues", id(&other)),
        json!({"name": "Hall", "city": "Lyon", "country": "FR", "timezone": "Europe/Paris"}),
    )
    .await;
    let sessions = format!("/api/v1/events/{}/sessions", id(&event));
    let late = json!({"title": "Late", "starts_at": "2019-11-14T13:30:00Z", "ends_at": "2019-11-14T15:00:00Z"});
    let problem = assert_problem(app.post_json(&sessions, &late).await, 422).await;
    assert_eq!(error_fields(&problem), ["starts_at"]);
    let elsewhere = json!({"title": "Elsewhere", "starts_at": "2019-11-14T11:00:00Z", "ends_at": "2019-11-14T12:00:00Z", "venue_id": id(&foreign)});
    let problem = assert_problem(app.post_json(&sessions, &elsewhere).await, 422).await;
    assert_eq!(error_fields(&problem), ["venue_id"]);
    assert_eq!(app.count("event_sessions").await, 1);
}

#[tokio::test]
async fn the_same_speaker_twice_in_the_same_role_or_company_twice_is_a_409() {
    let app = spawn_app().await;
    let (event, _, speaker, cci) = seed(&app).await;
    let base = format!("/api/v1/events/{}", id(&event));
    assert_problem(
        app.post_json(
            &format!("{base}/speakers"),
            &json!({"speaker_id": id(&speaker), "role": "moderator"}),
        )
        .await,
        409,
    )
    .await;
    assert_problem(
        app.post_json(
            &format!("{base}/participants"),
            &json!({"company_id": id(&cci), "role": "co_organizer"}),
        )
        .await,
        409,
    )
    .await;
    post(
        &app,
        &format!("{base}/speakers"),
        json!({"speaker_id": id(&speaker), "role": "speaker"}),
    )
    .await;
    assert_eq!(app.count("event_speakers").await, 2);
    assert_eq!(app.count("event_participants").await, 1);
    let problem = assert_problem(
        app.post_json(
            &format!("{base}/speakers"),
            &json!({"speaker_id": id(&event), "role": "host"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["speaker_id"]);
}

#[tokio::test]
async fn deleting_an_event_removes_its_parts_but_people_and_companies_stay() {
    let app = spawn_app().await;
    let (event, _, speaker, cci) = seed(&app).await;
    // Referenced speakers and companies cannot go while the event holds them.
    assert_problem(
        app.delete(&format!("/api/v1/speakers/{}", id(&speaker)))
            .await,
        409,
    )
    .await;
    let problem = assert_problem(
        app.delete(&format!("/api/v1/companies/{}", id(&cci))).await,
        409,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("event participation")
    );
    assert_eq!(
        app.delete(&format!("/api/v1/events/{}", id(&event)))
            .await
            .status(),
        204
    );
    for table in [
        "events",
        "event_venues",
        "event_sessions",
        "event_speakers",
        "event_participants",
    ] {
        assert_eq!(app.count(table).await, 0, "{table}");
    }
    assert_eq!(app.count("speakers").await, 1);
    assert_eq!(
        app.delete(&format!("/api/v1/speakers/{}", id(&speaker)))
            .await
            .status(),
        204
    );
}

#[tokio::test]
async fn a_venue_in_use_cannot_be_deleted_and_parts_of_other_events_are_404() {
    let app = spawn_app().await;
    let (event, session, _, _) = seed(&app).await;
    let other = post(&app, "/api/v1/events", teleconference()).await;
    let venue_id = session["venue_id"].as_str().unwrap();
    assert_problem(
        app.delete(&format!("/api/v1/events/{}/venues/{venue_id}", id(&event)))
            .await,
        409,
    )
    .await;
    assert_problem(
        app.get(&format!("/api/v1/events/{}/venues/{venue_id}", id(&other)))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.get(&format!(
            "/api/v1/events/{}/sessions/{}",
            id(&other),
            id(&session)
        ))
        .await,
        404,
    )
    .await;
    assert_problem(
        app.get("/api/v1/events/0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d/venues")
            .await,
        404,
    )
    .await;
    let patched = app
        .patch_json(
            &format!("/api/v1/events/{}/sessions/{}", id(&event), id(&session)),
            &json!({"venue_id": null}),
        )
        .await;
    assert_eq!(patched.status(), 200);
    assert_eq!(
        app.delete(&format!("/api/v1/events/{}/venues/{venue_id}", id(&event)))
            .await
            .status(),
        204
    );
}

#[tokio::test]
async fn narrowing_the_event_window_past_its_sessions_is_a_422() {
    let app = spawn_app().await;
    let (event, _, _, _) = seed(&app).await;
    let path = format!("/api/v1/events/{}", id(&event));
    let problem = assert_problem(
        app.patch_json(&path, &json!({"starts_at": "2019-11-14T11:00:00Z"}))
            .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["starts_at"]);
    let ok = app
        .patch_json(
            &path,
            &json!({"ends_at": "2019-11-14T15:00:00Z", "status": "completed"}),
        )
        .await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn events_are_found_by_time_city_country_sector_and_text() {
    let app = spawn_app().await;
    seed(&app).await;
    let mut webinar = teleconference();
    webinar["title"] = json!("Healthcare webinar");
    webinar["kind"] = json!("webinar");
    webinar["format"] = json!("online");
    webinar["starts_at"] = json!("2020-03-01T09:00:00Z");
    webinar["ends_at"] = json!("2020-03-01T10:00:00Z");
    webinar["sectors"] = json!(["healthcare"]);
    post(&app, "/api/v1/events", webinar).await;
    let titles = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"].as_str().unwrap().to_string())
            .collect()
    };
    let get = |q: &'static str| {
        let app = &app;
        async move {
            titles(
                app.get(&format!("/api/v1/events{q}"))
                    .await
                    .json::<Value>()
                    .await
                    .unwrap(),
            )
        }
    };
    let tele = "Moscou : solutions numériques pour la ville et les entreprises";
    assert_eq!(get("?city=paris").await, [tele]);
    assert_eq!(get("?country=FR").await, [tele]);
    assert_eq!(
        get("?from=2020-01-01T00:00:00Z").await,
        ["Healthcare webinar"]
    );
    assert_eq!(get("?to=2019-12-31T00:00:00Z").await, [tele]);
    assert_eq!(get("?sector=healthcare").await, ["Healthcare webinar"]);
    assert_eq!(get("?q=numeriques").await, [tele]);
    assert_eq!(get("?sort=-starts_at").await, ["Healthcare webinar", tele]);
    assert_eq!(
        get("?format=online&kind=webinar").await,
        ["Healthcare webinar"]
    );
    let expanded: Value = app
        .get("/api/v1/events?expand=venues&limit=1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(expanded["items"][0]["venues"].as_array().unwrap().len(), 2);
    assert!(expanded["next_cursor"].is_string());
    for (q, field) in [
        ("?from=yesterday", "from"),
        ("?expand=venues,", "expand"),
        ("?format=virtual", "format"),
    ] {
        let problem = assert_problem(app.get(&format!("/api/v1/events{q}")).await, 400).await;
        assert_eq!(error_fields(&problem), [field], "{q}");
    }
}

#[tokio::test]
async fn an_event_cited_by_an_offer_cannot_be_deleted() {
    let app = spawn_app().await;
    let (event, _, _, cci) = seed(&app).await;
    post(&app, "/api/v1/cooperation-offers", json!({
        "company_id": id(&cci), "kind": "business_offer", "cooperation_types": ["commercial_agreement"],
        "title": "Market entry support in Russia", "event_id": id(&event), "status": "published"
    })).await;
    let problem = assert_problem(
        app.delete(&format!("/api/v1/events/{}", id(&event))).await,
        409,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("cooperation offer")
    );
    assert_eq!(app.count("events").await, 1);
}

#[tokio::test]
async fn reverse_views_lead_from_people_and_companies_to_events_speakers_and_offers() {
    let app = spawn_app().await;
    let (event, _, speaker, cci) = seed(&app).await;
    let other = post(&app, "/api/v1/events", teleconference()).await;
    let ev = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect()
    };
    let speaker_events: Value = app
        .get(&format!(
            "/api/v1/speakers/{}/events?expand=speakers",
            id(&speaker)
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ev(speaker_events.clone()), [id(&event)]);
    assert_eq!(
        speaker_events["items"][0]["speakers"][0]["speaker"]["full_name"],
        "Arnaud Trousset"
    );
    let company_events: Value = app
        .get(&format!("/api/v1/companies/{}/events", id(&cci)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ev(company_events), [id(&event)]);
    assert!(!id(&other).is_empty());

    post(
        &app,
        "/api/v1/speakers",
        json!({"full_name": "Lidia Soutormina", "company_id": id(&cci)}),
    )
    .await;
    let speakers: Value = app
        .get(&format!("/api/v1/companies/{}/speakers", id(&cci)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(speakers["items"][0]["full_name"], "Lidia Soutormina");
    assert_eq!(speakers["items"].as_array().unwrap().len(), 1);

    post(&app, "/api/v1/cooperation-offers", json!({
        "company_id": id(&cci), "kind": "business_offer", "cooperation_types": ["commercial_agreement"],
        "title": "Market entry support in Russia", "status": "published"
    })).await;
    post(&app, "/api/v1/cooperation-offers", json!({
        "company_id": id(&cci), "kind": "business_offer", "cooperation_types": ["commercial_agreement"],
        "title": "A draft", "status": "draft"
    })).await;
    let offers: Value = app
        .get(&format!(
            "/api/v1/companies/{}/cooperation-offers",
            id(&cci)
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(offers["items"].as_array().unwrap().len(), 1);
    let drafts: Value = app
        .get(&format!(
            "/api/v1/companies/{}/cooperation-offers?status=draft",
            id(&cci)
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(drafts["items"][0]["title"], "A draft");

    let missing = "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d";
    for path in [
        format!("/api/v1/speakers/{missing}/events"),
        format!("/api/v1/companies/{missing}/events"),
        format!("/api/v1/companies/{missing}/speakers"),
        format!("/api/v1/companies/{missing}/cooperation-offers"),
    ] {
        assert_problem(app.get(&path).await, 404).await;
    }
}

#[tokio::test]
async fn parts_keep_the_contract_conditional_requests_media_type_and_unknown_fields() {
    let app = spawn_app().await;
    let (event, session, _, _) = seed(&app).await;
    let path = format!("/api/v1/events/{}/sessions/{}", id(&event), id(&session));
    let etag = app.get(&path).await.headers()["etag"].clone();
    let cached = app
        .client
        .get(app.url(&path))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);
    let stale = app
        .client
        .patch(app.url(&path))
        .header("content-type", "application/merge-patch+json")
        .header("if-match", "\"0000000000000000\"")
        .body(json!({"title": "Changed"}).to_string())
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412).await;
    let venues = format!("/api/v1/events/{}/venues", id(&event));
    let text = app
        .client
        .post(app.url(&venues))
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_problem(text, 415).await;
    let problem = assert_problem(
        app.post_json(&venues, &json!({"name": "Hall", "city": "Lyon", "country": "FR", "timezone": "Europe/Paris", "event_id": id(&event)})).await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["event_id"]);
    assert_eq!(app.get(&path).await.json::<Value>().await.unwrap(), session);
    assert_eq!(app.count("event_venues").await, 2);
    let page: Value = app
        .get(&format!("/api/v1/events/{}/venues?limit=1", id(&event)))
        .await
        .json()
        .await
        .unwrap();
    let cursor = page["next_cursor"].as_str().unwrap();
    let next: Value = app
        .get(&format!("{venues}?limit=1&cursor={cursor}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["items"][0]["name"], "Aéro-Club de France");
    assert!(next["next_cursor"].is_null());
}

#[tokio::test]
async fn a_control_character_in_a_query_parameter_is_a_400_naming_it() {
    let app = spawn_app().await;
    seed(&app).await;
    let speaker = created(
        &app,
        "/api/v1/speakers",
        json!({"full_name": "Evgueny Dridzé"}),
    )
    .await;
    for path in [
        "/api/v1/events?city=a%00b".to_string(),
        format!("/api/v1/speakers/{speaker}/events?city=a%00b"),
        "/api/v1/companies?q=a%01b".to_string(),
    ] {
        let problem = assert_problem(app.get(&path).await, 400).await;
        let field = if path.contains("q=") { "q" } else { "city" };
        assert_eq!(error_fields(&problem), [field], "{path}");
    }
}
