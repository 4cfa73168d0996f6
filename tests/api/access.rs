//! Roles and ownership (OWASP API1 broken object level authorization, API3 broken object
//! property level authorization, API5 broken function level authorization): what a company
//! key, an editor key and an anonymous caller may read and write.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, id, spawn_app};

/// Two companies, A and B, each with its own company key.
struct Market {
    app: TestApp,
    a: String,
    b: String,
    key_a: String,
    key_b: String,
}

async fn market() -> Market {
    let app = spawn_app().await;
    let a = app.create_company("ExoAtlet", "startup", "RU").await;
    let b = app.create_company("Cargo.Tech", "startup", "RU").await;
    let key_a = app.create_key("company", Some(&a)).await;
    let key_b = app.create_key("company", Some(&b)).await;
    Market {
        app,
        a,
        b,
        key_a,
        key_b,
    }
}

fn offer(company_id: &str, status: &str) -> Value {
    json!({
        "company_id": company_id,
        "kind": "technology_offer",
        "cooperation_types": ["distribution"],
        "title": "Medical exoskeleton: distributors wanted in France",
        "sectors": ["medtech"],
        "target_countries": ["FR"],
        "status": status
    })
}

async fn created(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// The stored row as JSON, read directly from the database.
async fn row(app: &TestApp, table: &str, id: &str) -> String {
    let response = app.get(&format!("/api/v1/{table}/{id}")).await;
    assert_eq!(response.status(), 200, "admin reads {table}/{id}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn another_companys_draft_offer_does_not_exist_for_company_b_or_anonymous_readers() {
    let m = market().await;
    let draft = created(
        m.app
            .as_key(&m.key_a)
            .post_json("/api/v1/cooperation-offers", &offer(&m.a, "draft"))
            .await,
    )
    .await;
    let path = format!("/api/v1/cooperation-offers/{}", id(&draft));
    assert_eq!(m.app.as_key(&m.key_a).get(&path).await.status(), 200);
    assert_eq!(m.app.get(&path).await.status(), 200, "admins see drafts");
    for caller in [m.app.as_key(&m.key_b), m.app.anonymous()] {
        let problem = assert_problem(caller.get(&path).await, 404).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("no cooperation offer")
        );
        for list in [
            "/api/v1/cooperation-offers?status=draft".to_string(),
            "/api/v1/cooperation-offers?status=any".to_string(),
            format!("/api/v1/companies/{}/cooperation-offers?status=any", m.a),
        ] {
            let page: Value = caller.get(&list).await.json().await.unwrap();
            assert_eq!(page["items"], json!([]), "{list}");
        }
    }
    // A's own key lists its draft.
    let page: Value = m
        .app
        .as_key(&m.key_a)
        .get("/api/v1/cooperation-offers?status=draft")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["id"], draft["id"]);
}

#[tokio::test]
async fn company_b_cannot_modify_or_delete_company_as_offer_and_it_stays_unchanged() {
    let m = market().await;
    let published = created(
        m.app
            .post_json("/api/v1/cooperation-offers", &offer(&m.a, "published"))
            .await,
    )
    .await;
    let path = format!("/api/v1/cooperation-offers/{}", id(&published));
    let before = row(&m.app, "cooperation-offers", &id(&published)).await;
    let b = m.app.as_key(&m.key_b);
    assert_problem(
        b.patch_json(&path, &json!({"title": "Hijacked"})).await,
        403,
    )
    .await;
    assert_problem(b.patch_json(&path, &json!({"status": "closed"})).await, 403).await;
    assert_problem(b.delete(&path).await, 403).await;
    assert_eq!(
        row(&m.app, "cooperation-offers", &id(&published)).await,
        before
    );

    // A draft of A is not even found by B, so B learns nothing about it.
    let draft = created(
        m.app
            .post_json("/api/v1/cooperation-offers", &offer(&m.a, "draft"))
            .await,
    )
    .await;
    let draft_path = format!("/api/v1/cooperation-offers/{}", id(&draft));
    assert_problem(b.patch_json(&draft_path, &json!({"title": "x"})).await, 404).await;
    assert_problem(b.delete(&draft_path).await, 404).await;
    assert_eq!(m.app.count("cooperation_offers").await, 2);
}

#[tokio::test]
async fn company_b_cannot_modify_or_delete_company_as_speaker_or_profile() {
    let m = market().await;
    let speaker = created(
        m.app
            .as_key(&m.key_a)
            .post_json(
                "/api/v1/speakers",
                &json!({"full_name": "Ekaterina Bereziy"}),
            )
            .await,
    )
    .await;
    assert_eq!(
        speaker["company_id"],
        m.a.as_str(),
        "defaults to the key's company"
    );
    let speaker_path = format!("/api/v1/speakers/{}", id(&speaker));
    let company_path = format!("/api/v1/companies/{}", m.a);
    let speaker_before = row(&m.app, "speakers", &id(&speaker)).await;
    let company_before = row(&m.app, "companies", &m.a).await;
    let b = m.app.as_key(&m.key_b);
    assert_problem(
        b.patch_json(&speaker_path, &json!({"position": "CEO"}))
            .await,
        403,
    )
    .await;
    assert_problem(b.delete(&speaker_path).await, 403).await;
    assert_problem(
        b.patch_json(&company_path, &json!({"name": "Hijacked"}))
            .await,
        403,
    )
    .await;
    assert_problem(
        b.post_json(
            "/api/v1/speakers",
            &json!({"full_name": "X", "company_id": m.a}),
        )
        .await,
        403,
    )
    .await;
    assert_problem(
        b.post_json("/api/v1/cooperation-offers", &offer(&m.a, "published"))
            .await,
        403,
    )
    .await;
    assert_eq!(row(&m.app, "speakers", &id(&speaker)).await, speaker_before);
    assert_eq!(row(&m.app, "companies", &m.a).await, company_before);
    assert_eq!(m.app.count("speakers").await, 1);
    assert_eq!(m.app.count("cooperation_offers").await, 0);
}

#[tokio::test]
async fn a_company_key_manages_its_own_profile_offers_and_speakers() {
    let m = market().await;
    let a = m.app.as_key(&m.key_a);
    let company_path = format!("/api/v1/companies/{}", m.a);
    let response = a
        .patch_json(&company_path, &json!({"city": "Moscow"}))
        .await;
    assert_eq!(response.status(), 200);
    let offer = created(
        a.post_json("/api/v1/cooperation-offers", &offer(&m.a, "draft"))
            .await,
    )
    .await;
    let offer_path = format!("/api/v1/cooperation-offers/{}", id(&offer));
    let response = a
        .patch_json(&offer_path, &json!({"status": "published"}))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(a.delete(&offer_path).await.status(), 204);
    let speaker = created(
        a.post_json(
            "/api/v1/speakers",
            &json!({"full_name": "Ekaterina Bereziy", "company_id": m.a}),
        )
        .await,
    )
    .await;
    let speaker_path = format!("/api/v1/speakers/{}", id(&speaker));
    assert_eq!(
        a.patch_json(&speaker_path, &json!({"position": "CEO"}))
            .await
            .status(),
        200
    );
    assert_eq!(a.delete(&speaker_path).await.status(), 204);
}

#[tokio::test]
async fn a_company_key_cannot_move_its_speaker_or_offer_to_another_company() {
    let m = market().await;
    let a = m.app.as_key(&m.key_a);
    let speaker = created(
        a.post_json(
            "/api/v1/speakers",
            &json!({"full_name": "Ekaterina Bereziy"}),
        )
        .await,
    )
    .await;
    let speaker_path = format!("/api/v1/speakers/{}", id(&speaker));
    assert_problem(
        a.patch_json(&speaker_path, &json!({"company_id": m.b}))
            .await,
        403,
    )
    .await;
    assert_problem(
        a.patch_json(&speaker_path, &json!({"company_id": null}))
            .await,
        403,
    )
    .await;
    let stored: Value = m.app.get(&speaker_path).await.json().await.unwrap();
    assert_eq!(stored["company_id"], m.a.as_str());

    let offer = created(
        a.post_json("/api/v1/cooperation-offers", &offer(&m.a, "published"))
            .await,
    )
    .await;
    let offer_path = format!("/api/v1/cooperation-offers/{}", id(&offer));
    let problem = assert_problem(
        a.patch_json(&offer_path, &json!({"company_id": m.b})).await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "company_id");
    let stored: Value = m.app.get(&offer_path).await.json().await.unwrap();
    assert_eq!(stored["company_id"], m.a.as_str());
}

#[tokio::test]
async fn server_owned_fields_cannot_be_set_and_nothing_is_written() {
    let m = market().await;
    let a = m.app.as_key(&m.key_a);
    for (field, value) in [
        ("id", json!("0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d")),
        ("created_at", json!("2020-01-01T00:00:00Z")),
        ("updated_at", json!("2020-01-01T00:00:00Z")),
        ("published_at", json!("2020-01-01T00:00:00Z")),
    ] {
        let mut body = offer(&m.a, "published");
        body[field] = value.clone();
        let problem =
            assert_problem(a.post_json("/api/v1/cooperation-offers", &body).await, 422).await;
        assert_eq!(problem["errors"][0]["field"], field);
        let mut company = json!({});
        company[field] = value;
        let path = format!("/api/v1/companies/{}", m.a);
        assert_problem(a.patch_json(&path, &company).await, 422).await;
    }
    // A new offer cannot start closed, and a closed one cannot come back.
    assert_problem(
        a.post_json("/api/v1/cooperation-offers", &offer(&m.a, "closed"))
            .await,
        422,
    )
    .await;
    assert_eq!(m.app.count("cooperation_offers").await, 0);
    // A key's owner-set fields are the only ones an admin may send either.
    for (field, value) in [
        ("prefix", json!("0123456789ab")),
        ("secret_hash", json!("00")),
        ("last_used_at", json!("2020-01-01T00:00:00Z")),
        ("revoked_at", json!(null)),
    ] {
        let mut body = json!({"name": "sync", "role": "editor"});
        body[field] = value;
        assert_problem(m.app.post_json("/api/v1/api-keys", &body).await, 422).await;
    }
    assert_eq!(
        m.app.count("api_keys").await,
        3,
        "the admin and two company keys"
    );
}

#[tokio::test]
async fn a_company_key_cannot_manage_keys_delete_companies_or_edit_events() {
    let m = market().await;
    let event = created(
        m.app
            .post_json(
                "/api/v1/events",
                &json!({"title": "Moscow–Paris", "kind": "teleconference", "format": "hybrid",
                    "status": "scheduled", "starts_at": "2030-11-14T10:00:00Z",
                    "ends_at": "2030-11-14T14:00:00Z", "timezone": "Europe/Moscow"}),
            )
            .await,
    )
    .await;
    let event_path = format!("/api/v1/events/{}", id(&event));
    let before = row(&m.app, "events", &id(&event)).await;
    for key in [&m.key_a, &m.app.create_key("editor", None).await] {
        let caller = m.app.as_key(key);
        assert_problem(
            caller
                .post_json(
                    "/api/v1/api-keys",
                    &json!({"name": "mine", "role": "admin"}),
                )
                .await,
            403,
        )
        .await;
        assert_problem(caller.get("/api/v1/api-keys").await, 403).await;
    }
    let a = m.app.as_key(&m.key_a);
    assert_problem(a.delete(&format!("/api/v1/companies/{}", m.a)).await, 403).await;
    assert_problem(a.delete(&format!("/api/v1/companies/{}", m.b)).await, 403).await;
    assert_problem(
        a.post_json(
            "/api/v1/companies",
            &json!({"name": "New", "kind": "startup", "country": "FR"}),
        )
        .await,
        403,
    )
    .await;
    assert_problem(
        a.patch_json(&event_path, &json!({"title": "Mine"})).await,
        403,
    )
    .await;
    assert_problem(a.delete(&event_path).await, 403).await;
    assert_problem(
        a.post_json(
            &format!("{event_path}/participants"),
            &json!({"company_id": m.a, "role": "sponsor"}),
        )
        .await,
        403,
    )
    .await;
    assert_problem(
        a.post_json(
            "/api/v1/events",
            &json!({"title": "Mine", "kind": "forum", "format": "online",
                "starts_at": "2030-01-01T10:00:00Z", "ends_at": "2030-01-01T12:00:00Z",
                "timezone": "Europe/Paris"}),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(row(&m.app, "events", &id(&event)).await, before);
    assert_eq!(m.app.count("events").await, 1);
    assert_eq!(m.app.count("event_participants").await, 0);
    assert_eq!(m.app.count("companies").await, 2);
    assert_eq!(m.app.count("api_keys").await, 4);
}

#[tokio::test]
async fn draft_events_and_their_parts_exist_only_for_editors_and_admins() {
    let m = market().await;
    let draft = created(
        m.app
            .post_json(
                "/api/v1/events",
                &json!({"title": "Secret forum", "kind": "forum", "format": "online",
                    "starts_at": "2030-01-01T10:00:00Z", "ends_at": "2030-01-01T12:00:00Z",
                    "timezone": "Europe/Paris"}),
            )
            .await,
    )
    .await;
    assert_eq!(draft["status"], "draft");
    let path = format!("/api/v1/events/{}", id(&draft));
    let participant = created(
        m.app
            .post_json(
                &format!("{path}/participants"),
                &json!({"company_id": m.a, "role": "organizer"}),
            )
            .await,
    )
    .await;
    let editor = m.app.create_key("editor", None).await;
    assert_eq!(m.app.as_key(&editor).get(&path).await.status(), 200);
    // The expanded event reads its parts beside the event itself: they are dropped with it.
    let expanded = format!("{path}?expand=participants");
    let seen: Value = m
        .app
        .as_key(&editor)
        .get(&expanded)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["participants"][0]["id"], participant["id"]);
    for caller in [m.app.anonymous(), m.app.as_key(&m.key_a)] {
        assert_problem(caller.get(&path).await, 404).await;
        let problem = assert_problem(caller.get(&expanded).await, 404).await;
        assert!(
            !problem.to_string().contains(id(&participant).as_str()),
            "{problem}"
        );
        assert_problem(caller.get(&format!("{path}/participants")).await, 404).await;
        assert_problem(
            caller
                .get(&format!("{path}/participants/{}", id(&participant)))
                .await,
            404,
        )
        .await;
        for list in [
            "/api/v1/events?status=draft".to_string(),
            format!("/api/v1/companies/{}/events", m.a),
        ] {
            let page: Value = caller.get(&list).await.json().await.unwrap();
            assert_eq!(page["items"], json!([]), "{list}");
        }
    }
}

#[tokio::test]
async fn speaker_contact_details_are_shown_to_staff_and_the_speakers_own_company_only() {
    let m = market().await;
    let speaker = created(
        m.app
            .post_json(
                "/api/v1/speakers",
                &json!({"full_name": "Ekaterina Bereziy", "company_id": m.a,
                    "email": "ceo@exoatlet.example", "phone": "+7 495 123-45-67"}),
            )
            .await,
    )
    .await;
    let path = format!("/api/v1/speakers/{}", id(&speaker));
    let editor = m.app.create_key("editor", None).await;
    for key in [&m.key_a, &editor, &m.app.admin_key] {
        let seen: Value = m.app.as_key(key).get(&path).await.json().await.unwrap();
        assert_eq!(seen["contact"]["email"], "ceo@exoatlet.example");
        assert_eq!(seen["contact"]["phone"], "+7 495 123-45-67");
    }
    for caller in [m.app.as_key(&m.key_b), m.app.anonymous()] {
        for url in [
            path.clone(),
            "/api/v1/speakers".to_string(),
            format!("/api/v1/companies/{}/speakers", m.a),
        ] {
            let text = caller.get(&url).await.text().await.unwrap();
            assert!(text.contains("Ekaterina Bereziy"), "{url}: {text}");
            assert!(
                !text.contains("exoatlet.example") && !text.contains("123-45-67"),
                "{url}: {text}"
            );
        }
    }
}
