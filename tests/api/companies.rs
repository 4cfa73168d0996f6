use serde_json::{Value, json};

use crate::helpers::{assert_problem, create, error_fields, spawn_app};

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
        // A patch is an object: an array would otherwise be read field by field in order.
        (json!([]), "body"),
        (json!(["Orpea Clinics", "ЭкзоАтлет"]), "body"),
        (json!("Orpea"), "body"),
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
