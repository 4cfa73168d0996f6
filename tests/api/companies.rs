use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, create, error_fields, spawn_app};

fn orpea() -> Value {
    json!({
        "name": "  Orpea ",
        "kind": "company",
        "country": "FR",
        "city": "Puteaux",
        "website": "https://www.orpea.com/",
        "description": "Building a rehabilitation centre in the Skolkovo medical cluster.",
        "sectors": ["healthcare", "medtech"]
    })
}

async fn list(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/companies{query}")).await;
    assert_eq!(response.status(), 200, "list {query}");
    response.json().await.unwrap()
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn create_returns_201_with_location_etag_and_the_stored_company() {
    let app = spawn_app().await;
    let response = app.post_json("/api/v1/companies", &orpea()).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let body: Value = response.json().await.unwrap();
    let id = body["id"].as_str().unwrap();
    assert_eq!(location, format!("/api/v1/companies/{id}"));
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 7);
    assert_eq!(body["name"], "Orpea", "the name is trimmed");
    assert_eq!(body["country"], "FR");
    assert_eq!(body["sectors"], json!(["healthcare", "medtech"]));
    assert_eq!(body["native_name"], Value::Null);
    assert_eq!(body["created_at"], body["updated_at"]);

    let fetched = app.get(&location).await;
    assert_eq!(fetched.status(), 200);
    assert_eq!(
        fetched.headers()["etag"].to_str().unwrap(),
        etag,
        "GET returns the ETag of POST"
    );
    let fetched: Value = fetched.json().await.unwrap();
    assert_eq!(fetched, body);
}

#[tokio::test]
async fn get_with_the_current_etag_in_if_none_match_returns_304() {
    let app = spawn_app().await;
    let company = create(&app, "/api/v1/companies", orpea()).await;
    let path = format!("/api/v1/companies/{}", company["id"].as_str().unwrap());
    let etag = app.get(&path).await.headers()["etag"].clone();
    let response = app
        .client
        .get(app.url(&path))
        .header("if-none-match", etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 304);
    assert_eq!(response.headers()["etag"], etag);
    let stale = app
        .client
        .get(app.url(&path))
        .header("if-none-match", "\"0000000000000000\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);
}

#[tokio::test]
async fn get_of_an_unknown_id_returns_404_problem() {
    let app = spawn_app().await;
    let response = app
        .get("/api/v1/companies/0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d")
        .await;
    let problem = assert_problem(response, 404).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d")
    );
}

#[tokio::test]
async fn an_id_that_is_not_a_uuid_is_a_404_problem_not_a_500() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/companies/abc",
        "/api/v1/companies/1%20OR%201=1",
        "/api/v1/companies/%C3%A9",
    ] {
        assert_problem(app.get(path).await, 404).await;
    }
    let patch = app
        .patch_json("/api/v1/companies/abc", &json!({"name": "x"}))
        .await;
    assert_problem(patch, 404).await;
    assert_problem(app.delete("/api/v1/companies/abc").await, 404).await;
}

#[tokio::test]
async fn create_with_malformed_json_returns_400_and_writes_nothing() {
    let app = spawn_app().await;
    for body in [
        "{\"name\": \"Orpea\",",
        "",
        "not json",
        "{\"name\": \"a\"} trailing",
    ] {
        let response = app
            .client
            .post(app.url("/api/v1/companies"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_problem(response, 400).await;
    }
    assert_eq!(app.count("companies").await, 0);
}

#[tokio::test]
async fn create_with_a_wrong_or_missing_content_type_returns_415_and_writes_nothing() {
    let app = spawn_app().await;
    let body = orpea().to_string();
    let wrong = app
        .client
        .post(app.url("/api/v1/companies"))
        .header("content-type", "text/plain")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_problem(wrong, 415).await;
    let missing = app
        .client
        .post(app.url("/api/v1/companies"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_problem(missing, 415).await;
    assert_eq!(app.count("companies").await, 0);
}

#[tokio::test]
async fn create_with_invalid_values_returns_422_listing_every_field_and_writes_nothing() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/api/v1/companies",
            &json!({
                "name": "   ",
                "kind": "startup",
                "country": "XX",
                "website": "ftp://example.com",
                "sectors": ["medtech", "underwater-basket-weaving"]
            }),
        )
        .await;
    let problem = assert_problem(response, 422).await;
    assert_eq!(
        error_fields(&problem),
        ["name", "country", "website", "sectors[1]"]
    );
    assert_eq!(app.count("companies").await, 0);
}

#[tokio::test]
async fn create_with_over_long_strings_returns_422_and_writes_nothing() {
    let app = spawn_app().await;
    let mut body = orpea();
    body["name"] = json!("n".repeat(201));
    body["city"] = json!("c".repeat(101));
    body["description"] = json!("d".repeat(10_001));
    let problem = assert_problem(app.post_json("/api/v1/companies", &body).await, 422).await;
    assert_eq!(error_fields(&problem), ["name", "city", "description"]);
    assert_eq!(app.count("companies").await, 0);
}

#[tokio::test]
async fn create_with_an_unknown_or_server_owned_field_returns_422_and_writes_nothing() {
    let app = spawn_app().await;
    for (field, value) in [
        ("nmae", json!("typo")),
        ("id", json!("0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d")),
        ("created_at", json!("2020-01-01T00:00:00Z")),
    ] {
        let mut body = orpea();
        body[field] = value;
        let problem = assert_problem(app.post_json("/api/v1/companies", &body).await, 422).await;
        assert_eq!(error_fields(&problem), [field]);
    }
    assert_eq!(app.count("companies").await, 0);
}

#[tokio::test]
async fn create_with_a_missing_field_or_a_value_of_the_wrong_type_returns_422() {
    let app = spawn_app().await;
    let cases = [
        (json!({"kind": "startup", "country": "RU"}), "name"),
        (
            json!({"name": "ExoAtlet", "kind": "robot", "country": "RU"}),
            "kind",
        ),
        (
            json!({"name": "ExoAtlet", "kind": "startup", "country": 7}),
            "country",
        ),
        (
            json!({"name": "ExoAtlet", "kind": "startup", "country": "RU", "sectors": "medtech"}),
            "sectors",
        ),
    ];
    for (body, field) in cases {
        let problem = assert_problem(app.post_json("/api/v1/companies", &body).await, 422).await;
        assert_eq!(error_fields(&problem), [field], "{body}");
    }
    assert_eq!(app.count("companies").await, 0);
}

#[tokio::test]
async fn create_with_a_body_over_1_mib_returns_413_and_writes_nothing() {
    let app = spawn_app().await;
    let mut body = orpea();
    body["description"] = json!("x".repeat(1024 * 1024 + 1));
    assert_problem(app.post_json("/api/v1/companies", &body).await, 413).await;
    assert_eq!(app.count("companies").await, 0);
}

#[tokio::test]
async fn patch_changes_only_the_given_fields_and_null_clears_optional_ones() {
    let app = spawn_app().await;
    let company = create(&app, "/api/v1/companies", orpea()).await;
    let path = format!("/api/v1/companies/{}", company["id"].as_str().unwrap());
    let response = app
        .patch_json(
            &path,
            &json!({"city": "Paris", "website": null, "native_name": "ОРПЕА"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let patched: Value = response.json().await.unwrap();
    assert_eq!(patched["city"], "Paris");
    assert_eq!(patched["website"], Value::Null);
    assert_eq!(patched["native_name"], "ОРПЕА");
    assert_eq!(patched["name"], company["name"]);
    assert_eq!(patched["sectors"], company["sectors"]);
    assert_eq!(patched["created_at"], company["created_at"]);
    assert_ne!(patched["updated_at"], company["updated_at"]);
    let fetched = app.get(&path).await;
    assert_eq!(fetched.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(fetched.json::<Value>().await.unwrap(), patched);
}

#[tokio::test]
async fn patch_accepts_plain_application_json_too() {
    let app = spawn_app().await;
    let company = create(&app, "/api/v1/companies", orpea()).await;
    let path = format!("/api/v1/companies/{}", company["id"].as_str().unwrap());
    let response = app
        .client
        .patch(app.url(&path))
        .json(&json!({"sectors": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap()["sectors"],
        json!([])
    );
}

#[tokio::test]
async fn patch_that_nulls_a_required_field_returns_422_and_changes_nothing() {
    let app = spawn_app().await;
    let company = create(&app, "/api/v1/companies", orpea()).await;
    let path = format!("/api/v1/companies/{}", company["id"].as_str().unwrap());
    let response = app
        .patch_json(
            &path,
            &json!({"name": null, "kind": null, "country": null, "city": "Lyon"}),
        )
        .await;
    let problem = assert_problem(response, 422).await;
    assert_eq!(error_fields(&problem), ["name", "kind", "country"]);
    assert_eq!(app.get(&path).await.json::<Value>().await.unwrap(), company);
}

#[tokio::test]
async fn patch_with_invalid_values_or_unknown_fields_returns_422_and_changes_nothing() {
    let app = spawn_app().await;
    let company = create(&app, "/api/v1/companies", orpea()).await;
    let path = format!("/api/v1/companies/{}", company["id"].as_str().unwrap());
    for (body, field) in [
        (json!({"country": "ZZ"}), "country"),
        (json!({"name": ""}), "name"),
        (json!({"sectors": ["nope"]}), "sectors[0]"),
        (json!({"id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d"}), "id"),
        (json!({"created_at": "2020-01-01T00:00:00Z"}), "created_at"),
    ] {
        let problem = assert_problem(app.patch_json(&path, &body).await, 422).await;
        assert_eq!(error_fields(&problem), [field], "{body}");
    }
    assert_eq!(app.get(&path).await.json::<Value>().await.unwrap(), company);
}

#[tokio::test]
async fn patch_with_a_stale_etag_returns_412_and_changes_nothing() {
    let app = spawn_app().await;
    let company = create(&app, "/api/v1/companies", orpea()).await;
    let path = format!("/api/v1/companies/{}", company["id"].as_str().unwrap());
    let old_etag = app.get(&path).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.patch_json(&path, &json!({"city": "Paris"}))
            .await
            .status(),
        200
    );
    let after_first = app.get(&path).await.json::<Value>().await.unwrap();

    let response = app
        .client
        .patch(app.url(&path))
        .header("content-type", "application/merge-patch+json")
        .header("if-match", old_etag)
        .body(json!({"city": "Lyon"}).to_string())
        .send()
        .await
        .unwrap();
    assert_problem(response, 412).await;
    assert_eq!(
        app.get(&path).await.json::<Value>().await.unwrap(),
        after_first
    );
}

#[tokio::test]
async fn patch_with_the_current_etag_succeeds() {
    let app = spawn_app().await;
    let company = create(&app, "/api/v1/companies", orpea()).await;
    let path = format!("/api/v1/companies/{}", company["id"].as_str().unwrap());
    let etag = app.get(&path).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();
    let response = app
        .client
        .patch(app.url(&path))
        .header("content-type", "application/merge-patch+json")
        .header("if-match", etag)
        .body(json!({"city": "Lyon"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["city"], "Lyon");
}

#[tokio::test]
async fn patch_of_an_unknown_company_returns_404() {
    let app = spawn_app().await;
    let response = app
        .patch_json(
            "/api/v1/companies/0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
            &json!({"city": "Paris"}),
        )
        .await;
    assert_problem(response, 404).await;
    assert_eq!(app.count("companies").await, 0);
}

#[tokio::test]
async fn delete_returns_204_and_the_company_is_gone() {
    let app = spawn_app().await;
    let company = create(&app, "/api/v1/companies", orpea()).await;
    let path = format!("/api/v1/companies/{}", company["id"].as_str().unwrap());
    let response = app.delete(&path).await;
    assert_eq!(response.status(), 204);
    assert_problem(app.get(&path).await, 404).await;
    assert_problem(app.delete(&path).await, 404).await;
    assert_eq!(app.count("companies").await, 0);
}

#[tokio::test]
async fn delete_with_a_stale_etag_returns_412_and_keeps_the_company() {
    let app = spawn_app().await;
    let company = create(&app, "/api/v1/companies", orpea()).await;
    let path = format!("/api/v1/companies/{}", company["id"].as_str().unwrap());
    let response = app
        .client
        .delete(app.url(&path))
        .header("if-match", "\"0000000000000000\"")
        .send()
        .await
        .unwrap();
    assert_problem(response, 412).await;
    assert_eq!(app.count("companies").await, 1);
}

#[tokio::test]
async fn delete_of_a_company_with_speakers_returns_409_saying_so_and_keeps_it() {
    let app = spawn_app().await;
    let company = create(&app, "/api/v1/companies", orpea()).await;
    let id = company["id"].as_str().unwrap();
    let speaker = app
        .post_json(
            "/api/v1/speakers",
            &json!({"full_name": "Jean Dupont", "company_id": id}),
        )
        .await;
    assert_eq!(speaker.status(), 201);
    let problem = assert_problem(app.delete(&format!("/api/v1/companies/{id}")).await, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("1 speaker(s)"),
        "{problem}"
    );
    assert_eq!(app.count("companies").await, 1);
}

async fn seed_article_organisations(app: &TestApp) {
    for body in [
        json!({"name": "Skolkovo Foundation", "native_name": "Фонд «Сколково»", "kind": "foundation", "country": "RU", "city": "Moscow", "sectors": ["research", "it"]}),
        json!({"name": "Orange Business Services", "kind": "company", "country": "FR", "city": "Paris", "sectors": ["it", "telecom", "smart-city"]}),
        json!({"name": "Interact Software", "kind": "startup", "country": "FR", "sectors": ["it"]}),
        json!({"name": "ExoAtlet", "native_name": "ЭкзоАтлет", "kind": "startup", "country": "RU", "sectors": ["medtech", "healthcare"]}),
        json!({"name": "Département des relations économiques de Moscou (Evgueny Dridzé)", "kind": "government_body", "country": "RU", "city": "Moscow", "sectors": ["government"]}),
        json!({"name": "CCI France Russie", "kind": "chamber_of_commerce", "country": "RU", "city": "Moscow", "sectors": ["consulting"]}),
        json!({"name": "Aéro-Club de France", "kind": "association", "country": "FR", "city": "Paris", "sectors": ["aerospace"]}),
    ] {
        create(app, "/api/v1/companies", body).await;
    }
}

#[tokio::test]
async fn list_filters_by_country_kind_and_sector() {
    let app = spawn_app().await;
    seed_article_organisations(&app).await;
    assert_eq!(
        names(&list(&app, "?country=FR").await),
        [
            "Aéro-Club de France",
            "Interact Software",
            "Orange Business Services"
        ]
    );
    assert_eq!(
        names(&list(&app, "?kind=startup").await),
        ["ExoAtlet", "Interact Software"]
    );
    assert_eq!(
        names(&list(&app, "?sector=it&country=FR").await),
        ["Interact Software", "Orange Business Services"]
    );
    assert_eq!(
        names(&list(&app, "?sector=pharma").await),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn q_matches_names_ignoring_case_accents_and_script() {
    let app = spawn_app().await;
    seed_article_organisations(&app).await;
    let dridze = "Département des relations économiques de Moscou (Evgueny Dridzé)";
    assert_eq!(names(&list(&app, "?q=dridze").await), [dridze]);
    assert_eq!(names(&list(&app, "?q=DRIDZÉ").await), [dridze]);
    assert_eq!(
        names(&list(&app, "?q=aero-club").await),
        ["Aéro-Club de France"]
    );
    // The Cyrillic native name is searchable in Latin script and in Cyrillic.
    assert_eq!(
        names(&list(&app, "?q=%D0%AD%D0%BA%D0%B7%D0%BE").await),
        ["ExoAtlet"]
    );
    assert_eq!(
        names(&list(&app, "?q=skolkovo").await),
        ["Skolkovo Foundation"]
    );
    // Punctuation alone (`%`, `_`) is no wildcard: it matches nothing.
    assert_eq!(names(&list(&app, "?q=%25").await), Vec::<String>::new());
    assert_eq!(names(&list(&app, "?q=_").await), Vec::<String>::new());
}

#[tokio::test]
async fn pages_follow_the_cursor_without_gaps_or_repeats() {
    let app = spawn_app().await;
    seed_article_organisations(&app).await;
    let mut seen = Vec::new();
    let mut query = "?limit=3".to_string();
    let mut pages = 0;
    loop {
        let response = app.get(&format!("/api/v1/companies{query}")).await;
        assert_eq!(response.status(), 200);
        let link = response
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_string());
        let page: Value = response.json().await.unwrap();
        pages += 1;
        assert!(page["items"].as_array().unwrap().len() <= 3);
        seen.extend(names(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                let link = link.expect("a Link header while a next page exists");
                assert!(link.contains("rel=\"next\""));
                assert!(link.contains(&format!("cursor={cursor}")));
                assert!(link.contains("limit=3"));
                query = format!("?limit=3&cursor={cursor}");
            }
            None => {
                assert!(link.is_none(), "no Link header on the last page");
                break;
            }
        }
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort_by_key(|n| n.to_lowercase().replace('é', "e"));
    assert_eq!(seen, sorted, "sorted by name, accents ignored");
    assert_eq!(seen.len(), 7);
}

#[tokio::test]
async fn sort_orders_by_name_or_creation_time_in_either_direction() {
    let app = spawn_app().await;
    seed_article_organisations(&app).await;
    let by_name = names(&list(&app, "?sort=name").await);
    let mut reversed = names(&list(&app, "?sort=-name").await);
    reversed.reverse();
    assert_eq!(by_name, reversed);
    let oldest = names(&list(&app, "?sort=created_at").await);
    assert_eq!(oldest[0], "Skolkovo Foundation");
    assert_eq!(oldest[6], "Aéro-Club de France");
    let mut newest = names(&list(&app, "?sort=-created_at&limit=4").await);
    let second = list(&app, "?sort=-created_at&limit=4").await;
    let cursor = second["next_cursor"].as_str().unwrap();
    newest.extend(names(
        &list(&app, &format!("?sort=-created_at&limit=4&cursor={cursor}")).await,
    ));
    newest.reverse();
    assert_eq!(newest, oldest);
}

#[tokio::test]
async fn invalid_list_parameters_return_400_naming_the_parameter() {
    let app = spawn_app().await;
    seed_article_organisations(&app).await;
    let first = list(&app, "?limit=2").await;
    let name_cursor = first["next_cursor"].as_str().unwrap().to_string();
    let cases = [
        ("?limit=0", "limit"),
        ("?limit=1000", "limit"),
        ("?limit=abc", "limit"),
        ("?cursor=not-a-cursor", "cursor"),
        (
            "?cursor=eyJzIjoibmFtZSIsImsiOjQyLCJpZCI6IjAxOTBmNWM0LTZhMmUtN2NjMS04ZDFlLTRjNGI1YTFmMmUzZCJ9",
            "cursor",
        ),
        (
            &format!("?sort=created_at&cursor={name_cursor}") as &str,
            "cursor",
        ),
        ("?country=XX", "country"),
        ("?country=fr", "country"),
        ("?kind=robot", "kind"),
        ("?sector=nope", "sector"),
        ("?sort=size", "sort"),
        ("?contry=FR", "contry"),
    ];
    for (query, field) in cases {
        let problem =
            assert_problem(app.get(&format!("/api/v1/companies{query}")).await, 400).await;
        assert_eq!(error_fields(&problem), [field], "{query}");
    }
}

#[tokio::test]
async fn a_malformed_condition_matches_no_etag() {
    let app = spawn_app().await;
    let company = create(&app, "/api/v1/companies", orpea()).await;
    let path = format!("/api/v1/companies/{}", company["id"].as_str().unwrap());
    let get = app
        .client
        .get(app.url(&path))
        .header("if-none-match", "abc")
        .send()
        .await
        .unwrap();
    assert_eq!(
        get.status(),
        200,
        "a malformed If-None-Match gets the full response"
    );
    let patch = app
        .client
        .patch(app.url(&path))
        .header("content-type", "application/merge-patch+json")
        .header("if-match", "")
        .body(json!({"city": "Lyon"}).to_string())
        .send()
        .await
        .unwrap();
    assert_problem(patch, 412).await;
    let delete = app
        .client
        .delete(app.url(&path))
        .header("if-match", "nope")
        .send()
        .await
        .unwrap();
    assert_problem(delete, 412).await;
    assert_eq!(app.get(&path).await.json::<Value>().await.unwrap(), company);
}

#[tokio::test]
async fn if_match_star_or_a_list_holding_the_current_etag_lets_the_write_through() {
    let app = spawn_app().await;
    let company = create(&app, "/api/v1/companies", orpea()).await;
    let path = format!("/api/v1/companies/{}", company["id"].as_str().unwrap());
    let etag = app.get(&path).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();
    for condition in [format!("\"stale\", W/{etag}"), "*".to_string()] {
        let response = app
            .client
            .patch(app.url(&path))
            .header("content-type", "application/merge-patch+json")
            .header("if-match", condition.clone())
            .body(json!({"city": "Lyon"}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{condition}");
    }
}
