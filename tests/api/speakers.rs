use serde_json::{Value, json};

use diesel_async::SimpleAsyncConnection;

use crate::helpers::{
    TestApp, assert_problem, create, created, error_fields, item_ids, page_and_reads_by_id,
    spawn_app,
};

async fn create_company(app: &TestApp, name: &str) -> String {
    app.create_company(name, "government_body", "RU").await
}

fn dridze(company_id: &str) -> Value {
    json!({
        "full_name": "Evgueny Dridzé",
        "native_name": "Евгений Дридзе",
        "position": "Deputy head of the Department of foreign economic and international relations of the city of Moscow",
        "company_id": company_id,
        "country": "RU",
        "links": ["https://www.mos.ru/"],
        "email": "dridze@example.org",
        "phone": "+7 495 000-00-00"
    })
}

#[tokio::test]
async fn contact_details_are_shown_to_editors_but_not_to_anonymous_readers() {
    let app = spawn_app().await;
    let company = create_company(&app, "Moscow city government").await;
    let response = app.post_json("/api/v1/speakers", &dridze(&company)).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/speakers/{}", body["id"].as_str().unwrap())
    );
    assert_eq!(body["native_name"], "Евгений Дридзе");
    assert_eq!(body["company_id"], company.as_str());
    // The admin who created it sees the contact details, apart from the public fields.
    assert_eq!(body["contact"]["email"], "dridze@example.org", "{body}");
    assert!(body.get("email").is_none() && body.get("phone").is_none());
    let public: Value = app.anonymous().get(&location).await.json().await.unwrap();
    assert!(public.get("contact").is_none(), "{public}");
    assert!(!public.to_string().contains("dridze@example.org"));
    let mut without_contact = body.clone();
    without_contact.as_object_mut().unwrap().remove("contact");
    assert_eq!(public, without_contact);
}

#[tokio::test]
async fn contact_details_are_stored_even_though_they_are_not_shown() {
    let app = spawn_app().await;
    let company = create_company(&app, "Moscow city government").await;
    create(&app, "/api/v1/speakers", dridze(&company)).await;
    assert_eq!(
        app.count("speakers WHERE email = 'dridze@example.org'")
            .await,
        1
    );
}

#[tokio::test]
async fn create_with_an_unknown_company_returns_422_and_writes_nothing() {
    let app = spawn_app().await;
    let problem = assert_problem(
        app.post_json(
            "/api/v1/speakers",
            &dridze("0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["company_id"]);
    assert_eq!(app.count("speakers").await, 0);
}

#[tokio::test]
async fn create_with_invalid_values_returns_422_listing_every_field() {
    let app = spawn_app().await;
    let body = json!({
        "full_name": "",
        "country": "SU",
        "links": ["mos.ru"],
        "email": "not-an-email",
        "phone": "call me"
    });
    let problem = assert_problem(app.post_json("/api/v1/speakers", &body).await, 422).await;
    assert_eq!(
        error_fields(&problem),
        ["full_name", "country", "links[0]", "email", "phone"]
    );
    assert_eq!(app.count("speakers").await, 0);
}

#[tokio::test]
async fn create_with_an_unknown_field_returns_422() {
    let app = spawn_app().await;
    let problem = assert_problem(
        app.post_json(
            "/api/v1/speakers",
            &json!({"full_name": "A", "twitter": "@a"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["twitter"]);
    assert_eq!(app.count("speakers").await, 0);
}

#[tokio::test]
async fn patch_changes_given_fields_and_refuses_to_clear_the_name() {
    let app = spawn_app().await;
    let company = create_company(&app, "Moscow city government").await;
    let speaker = create(&app, "/api/v1/speakers", dridze(&company)).await;
    let path = format!("/api/v1/speakers/{}", speaker["id"].as_str().unwrap());
    let response = app
        .patch_json(&path, &json!({"company_id": null, "bio": "Economist."}))
        .await;
    assert_eq!(response.status(), 200);
    let patched: Value = response.json().await.unwrap();
    assert_eq!(patched["company_id"], Value::Null);
    assert_eq!(patched["bio"], "Economist.");
    assert_eq!(patched["full_name"], speaker["full_name"]);

    let problem = assert_problem(
        app.patch_json(&path, &json!({"full_name": null})).await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["full_name"]);
    let problem = assert_problem(
        app.patch_json(
            &path,
            &json!({"company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["company_id"]);
    assert_eq!(app.get(&path).await.json::<Value>().await.unwrap(), patched);
}

#[tokio::test]
async fn patch_with_a_stale_etag_returns_412_and_changes_nothing() {
    let app = spawn_app().await;
    let speaker = create(
        &app,
        "/api/v1/speakers",
        json!({"full_name": "Mikhaïl Makarov"}),
    )
    .await;
    let path = format!("/api/v1/speakers/{}", speaker["id"].as_str().unwrap());
    let response = app
        .client
        .patch(app.url(&path))
        .header("content-type", "application/merge-patch+json")
        .header("if-match", "\"0000000000000000\"")
        .body(json!({"position": "Trade representative"}).to_string())
        .send()
        .await
        .unwrap();
    assert_problem(response, 412).await;
    assert_eq!(app.get(&path).await.json::<Value>().await.unwrap(), speaker);
}

#[tokio::test]
async fn get_patch_and_delete_of_an_unknown_speaker_return_404() {
    let app = spawn_app().await;
    let path = "/api/v1/speakers/0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d";
    assert_problem(app.get(path).await, 404).await;
    assert_problem(app.patch_json(path, &json!({"bio": "x"})).await, 404).await;
    assert_problem(app.delete(path).await, 404).await;
    assert_problem(app.get("/api/v1/speakers/not-a-uuid").await, 404).await;
}

#[tokio::test]
async fn delete_removes_the_speaker() {
    let app = spawn_app().await;
    let speaker = create(
        &app,
        "/api/v1/speakers",
        json!({"full_name": "Vassili Fiveïsky"}),
    )
    .await;
    let path = format!("/api/v1/speakers/{}", speaker["id"].as_str().unwrap());
    assert_eq!(app.delete(&path).await.status(), 204);
    assert_problem(app.get(&path).await, 404).await;
    assert_eq!(app.count("speakers").await, 0);
}

#[tokio::test]
async fn list_filters_by_company_country_and_name_across_scripts() {
    let app = spawn_app().await;
    let moscow = create_company(&app, "Moscow city government").await;
    create(&app, "/api/v1/speakers", dridze(&moscow)).await;
    create(
        &app,
        "/api/v1/speakers",
        json!({"full_name": "Jean-Luc Nahel", "country": "FR"}),
    )
    .await;
    create(
        &app,
        "/api/v1/speakers",
        json!({"full_name": "Arnaud Trousset", "country": "FR"}),
    )
    .await;
    let names = |page: Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["full_name"].as_str().unwrap().to_string())
            .collect()
    };
    let page: Value = app
        .get(&format!("/api/v1/speakers?company_id={moscow}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(names(page), ["Evgueny Dridzé"]);
    let page: Value = app
        .get("/api/v1/speakers?country=FR")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(names(page), ["Arnaud Trousset", "Jean-Luc Nahel"]);
    for q in ["dridze", "DRIDZÉ", "%D0%94%D1%80%D0%B8%D0%B4%D0%B7%D0%B5"] {
        let page: Value = app
            .get(&format!("/api/v1/speakers?q={q}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(names(page), ["Evgueny Dridzé"], "q={q}");
    }
    for (query, field) in [
        ("?company_id=nope", "company_id"),
        ("?country=fr", "country"),
        ("?limit=0", "limit"),
    ] {
        let problem = assert_problem(app.get(&format!("/api/v1/speakers{query}")).await, 400).await;
        assert_eq!(error_fields(&problem), [field], "{query}");
    }
}

#[tokio::test]
async fn a_speaker_page_is_its_speakers_as_read_one_by_one_byte_for_byte_by_whoever_reads() {
    let app = spawn_app().await;
    let cci = create_company(&app, "CCI France Russie").await;
    let dridze = created(
        &app,
        "/api/v1/speakers",
        json!({
            "full_name": "Evgueny « Dridzé » \"E.\" \\ 🎤 </script>",
            "native_name": "Евгений Дридзе",
            "position": "Deputy head, Department of foreign economic relations, Moscow",
            "company_id": cci,
            "country": "RU",
            "bio": "Long text with \"quotes\",\ta / slash\r\nand ü, ß, 中文\u{2028}.",
            "links": ["https://example.org/a?b=c&d=e", "https://example.org/x"],
            "email": "dridze@example.org",
            "phone": "+7 495 123-45-67",
            "external_id": "ref:spk-1.A~"
        }),
    )
    .await;
    let bare = created(&app, "/api/v1/speakers", json!({"full_name": "Bare"})).await;
    // What the API cannot be sent but a row may hold: control characters, and times on a
    // whole second or millisecond (a serialiser writes 0, 3 or 6 decimals).
    let mut conn = app.connection().await;
    conn.batch_execute(&format!(
        "UPDATE speakers SET bio = E'bell \\u0007 nul-less \\u001f del \\u007f',
             created_at = '2026-01-02T03:04:05Z', updated_at = '2026-01-02T03:04:06.120Z'
         WHERE id = '{bare}'"
    ))
    .await
    .unwrap();

    let anonymous = app.anonymous();
    for query in [
        "",
        "sort=-name",
        "sort=created_at&limit=1",
        "sort=-updated_at",
        "country=RU",
        "q=dridze",
    ] {
        let (page, expected) = page_and_reads_by_id(&anonymous, "/api/v1/speakers", query).await;
        assert_eq!(page, expected, "{query}");
        assert!(
            page.contains("\"id\"") && !page.contains("contact"),
            "{query}: {page}"
        );
        // The admin sees the contacts, in the list as by id.
        let (page, expected) = page_and_reads_by_id(&app, "/api/v1/speakers", query).await;
        assert_eq!(page, expected, "{query}");
    }
    let (page, _) = page_and_reads_by_id(&app, "/api/v1/speakers", "country=RU").await;
    assert!(page.contains("dridze@example.org"), "{page}");
    // Any column written by SQL alone rewrites the item.
    conn.batch_execute(&format!(
        "UPDATE speakers SET full_name = 'Renamed in SQL', sort_name = 'renamed in sql'
         WHERE id = '{dridze}'"
    ))
    .await
    .unwrap();
    let (page, expected) = page_and_reads_by_id(&anonymous, "/api/v1/speakers", "").await;
    assert_eq!(page, expected);
    assert!(page.contains("Renamed in SQL"));
    assert_eq!(item_ids(&page), [bare, dridze]);
}
