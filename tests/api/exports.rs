//! Bulk exports: every item a list's filters select, as NDJSON or CSV, in keyset order,
//! with the list's visibility.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, create, error_fields, spawn_app};

async fn export(app: &TestApp, key: Option<&str>, path: &str, accept: &str) -> (String, String) {
    let caller = match key {
        Some(key) => app.as_key(key),
        None => app.anonymous(),
    };
    let response = caller
        .request(reqwest::Method::GET, path)
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    (content_type, response.text().await.unwrap())
}

fn ndjson(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn companies_export_as_ndjson_and_csv_in_list_order_across_pages() {
    let app = spawn_app().await;
    // More than one page of the export (500 rows a query), loaded by an import.
    let body: String = (0..1100)
        .map(|n| {
            json!({"external_id": format!("m-{n}"), "name": format!("Company {n:04}"),
                   "kind": "startup", "country": if n % 2 == 0 { "FR" } else { "RU" },
                   "sectors": ["it", "medtech"]})
            .to_string()
                + "\n"
        })
        .collect();
    let response = app
        .as_key(&app.create_key("admin", None).await)
        .request(reqwest::Method::POST, "/api/v1/companies/import")
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap().lines().count(), 1100);

    let (content_type, text) = export(&app, None, "/api/v1/companies/export", "*/*").await;
    assert_eq!(content_type, "application/x-ndjson");
    let items = ndjson(&text);
    assert_eq!(items.len(), 1100);
    let names: Vec<&str> = items.iter().map(|c| c["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "in the list's order (by name)");
    // The same representation as the list.
    let listed: Value = app
        .get("/api/v1/companies?limit=1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(items[0], listed["items"][0]);

    // Filters and sort as on the list; CSV by Accept.
    let (content_type, text) = export(
        &app,
        None,
        "/api/v1/companies/export?country=RU&sort=-name",
        "text/csv",
    )
    .await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    let rows: Vec<&str> = text.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(rows.len(), 551, "the header and 550 companies");
    assert_eq!(
        rows[0],
        "id,name,native_name,kind,country,city,website,description,sectors,external_id,created_at,updated_at"
    );
    assert!(rows[1].contains(",Company 1099,"), "{}", rows[1]);
    assert!(rows[1].contains(",it;medtech,m-1099,"), "{}", rows[1]);
}

#[tokio::test]
async fn an_export_shows_what_the_list_shows_to_that_caller() {
    let app = spawn_app().await;
    let exoatlet = app.create_company("ExoAtlet", "startup", "RU").await;
    let key = app.create_key("company", Some(&exoatlet)).await;
    let offer = |title: &str, status: &str| {
        json!({"company_id": exoatlet, "kind": "technology_offer", "cooperation_types": ["licensing"],
               "title": title, "sectors": ["medtech"], "target_countries": ["FR"], "status": status})
    };
    create(
        &app,
        "/api/v1/cooperation-offers",
        offer("Published", "published"),
    )
    .await;
    create(&app, "/api/v1/cooperation-offers", offer("Draft", "draft")).await;
    let path = "/api/v1/cooperation-offers/export?status=any&output=ndjson";
    let (_, public) = export(&app, None, path, "*/*").await;
    let titles = |text: &str| -> Vec<String> {
        ndjson(text)
            .iter()
            .map(|o| o["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles(&public), ["Published"], "drafts are not public");
    let (_, own) = export(&app, Some(&key), path, "*/*").await;
    assert_eq!(
        titles(&own),
        ["Draft", "Published"],
        "newest first, as the list"
    );

    create(
        &app,
        "/api/v1/speakers",
        json!({"full_name": "Lidia Soutormina", "company_id": exoatlet, "email": "lidia@example.org"}),
    )
    .await;
    let path = "/api/v1/speakers/export?output=csv";
    let (_, public) = export(&app, None, path, "*/*").await;
    assert!(
        !public.contains("lidia@example.org"),
        "contact details are private"
    );
    let (_, own) = export(&app, Some(&key), path, "*/*").await;
    assert!(own.contains("lidia@example.org"), "{own}");
    let (_, events) = export(&app, None, "/api/v1/events/export", "*/*").await;
    assert!(events.is_empty(), "no events: an empty export");
}

#[tokio::test]
async fn an_export_refuses_paging_and_unknown_formats() {
    let app = spawn_app().await;
    for (query, field) in [
        ("?output=xml", "output"),
        ("?limit=10", "limit"),
        ("?cursor=abc", "cursor"),
    ] {
        let problem = assert_problem(
            app.get(&format!("/api/v1/cooperation-offers/export{query}"))
                .await,
            400,
        )
        .await;
        assert_eq!(error_fields(&problem), [field], "{query}");
    }
}
