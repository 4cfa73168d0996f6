//! Bulk imports: NDJSON bodies, one upsert by external id per line, one result per line.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

fn offer(company_id: &str, external_id: &str, title: &str) -> Value {
    json!({
        "company_id": company_id,
        "external_id": external_id,
        "kind": "business_offer",
        "cooperation_types": ["distribution"],
        "title": title,
        "sectors": ["it"],
        "target_countries": ["RU"],
        "status": "published"
    })
}

fn ndjson(lines: &[String]) -> String {
    lines.join("\n") + "\n"
}

/// POSTs an import and returns its results, one JSON object per line.
async fn import(app: &TestApp, key: &str, path: &str, body: String) -> Vec<Value> {
    let response = app
        .as_key(key)
        .request(reqwest::Method::POST, path)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let text = response.text().await.unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn results(lines: &[Value]) -> Vec<(u64, String)> {
    lines
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["result"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_offer_import_upserts_each_line_and_one_lines_error_stops_nothing() {
    let app = spawn_app().await;
    let exoatlet = app.create_company("ExoAtlet", "startup", "RU").await;
    let interact = app
        .create_company("Interact Software", "startup", "FR")
        .await;
    let key = app.create_key("company", Some(&exoatlet)).await;
    let mut bad_sector = offer(&exoatlet, "B", "Sensors");
    bad_sector["sectors"] = json!(["no-such-sector"]);
    let mut no_external_id = offer(&exoatlet, "x", "No reference");
    no_external_id
        .as_object_mut()
        .unwrap()
        .remove("external_id");
    let body = ndjson(&[
        offer(&exoatlet, "A", "Exoskeleton").to_string(),
        String::new(),
        "{not json".to_string(),
        no_external_id.to_string(),
        bad_sector.to_string(),
        offer(&exoatlet, "C", "Drones").to_string(),
        offer(&interact, "D", "Not ours").to_string(),
        // Refused by the database (no such event): only this line is rolled back.
        {
            let mut line = offer(&exoatlet, "E", "At no event");
            line["event_id"] = json!("01900000-0000-7000-8000-000000000000");
            line.to_string()
        },
        offer(&exoatlet, "F", "After the refused line").to_string(),
    ]);
    let path = "/api/v1/cooperation-offers/import";
    let lines = import(&app, &key, path, body.clone()).await;
    assert_eq!(
        results(&lines),
        [
            (1, "created".into()),
            (3, "error".into()),
            (4, "error".into()),
            (5, "error".into()),
            (6, "created".into()),
            (7, "error".into()),
            (8, "error".into()),
            (9, "created".into()),
        ]
    );
    assert_eq!(lines[6]["problem"]["errors"][0]["field"], "event_id");
    assert_eq!(lines[0]["external_id"], "A");
    assert!(lines[0]["id"].is_string());
    assert_eq!(lines[1]["problem"]["status"], 400);
    assert_eq!(lines[2]["problem"]["errors"][0]["field"], "external_id");
    assert_eq!(lines[3]["problem"]["status"], 422);
    assert_eq!(lines[3]["problem"]["errors"][0]["field"], "sectors[0]");
    assert_eq!(lines[3]["external_id"], "B");
    assert_eq!(lines[5]["problem"]["status"], 403);
    assert_eq!(app.count("cooperation_offers").await, 3);
    let changes = app.count("changes").await;

    // The same import again changes nothing; a new title is an update.
    let again = import(&app, &key, path, body).await;
    assert_eq!(again[0]["result"], "unchanged");
    assert_eq!(again[0]["id"], lines[0]["id"]);
    assert_eq!(again[4]["result"], "unchanged");
    assert_eq!(
        app.count("changes").await,
        changes,
        "unchanged lines write nothing"
    );
    let updated = import(
        &app,
        &key,
        path,
        ndjson(&[offer(&exoatlet, "A", "Exoskeleton ExoAtlet").to_string()]),
    )
    .await;
    assert_eq!(results(&updated), [(1, "updated".into())]);
    assert_eq!(updated[0]["id"], lines[0]["id"]);
    let page: Value = app
        .get("/api/v1/cooperation-offers?external_id=A")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["title"], "Exoskeleton ExoAtlet");
    assert_eq!(app.count("cooperation_offers").await, 3);
}

/// New lines of a batch are inserted together; the others are written one by one after
/// them. Whatever the order in the file, the outcome is that of the lines written in order.
#[tokio::test]
async fn lines_that_repeat_or_replace_end_as_if_each_line_were_written_in_order() {
    let app = spawn_app().await;
    let exoatlet = app.create_company("ExoAtlet", "startup", "RU").await;
    let key = app.create_key("company", Some(&exoatlet)).await;
    let path = "/api/v1/cooperation-offers/import";
    let first = import(
        &app,
        &key,
        path,
        ndjson(&[offer(&exoatlet, "A", "Exoskeleton").to_string()]),
    )
    .await;
    let changes = app.count("changes").await;
    let closed = |external_id: &str, title: &str| {
        let mut line = offer(&exoatlet, external_id, title);
        line["status"] = json!("closed");
        line.to_string()
    };
    let lines = import(
        &app,
        &key,
        path,
        ndjson(&[
            offer(&exoatlet, "N", "Drones").to_string(),
            closed("A", "Exoskeleton"),
            offer(&exoatlet, "M", "Sensors").to_string(),
            offer(&exoatlet, "N", "Drones for agriculture").to_string(),
            closed("Z", "Closed before it began"),
            offer(&exoatlet, "N", "Drones for agriculture").to_string(),
        ]),
    )
    .await;
    assert_eq!(
        results(&lines),
        [
            (1, "created".into()),
            (2, "updated".into()),
            (3, "created".into()),
            (4, "updated".into()),
            (5, "error".into()),
            (6, "unchanged".into()),
        ]
    );
    assert_eq!(lines[1]["id"], first[0]["id"]);
    assert_eq!(lines[3]["id"], lines[0]["id"]);
    assert_eq!(lines[5]["id"], lines[0]["id"]);
    assert_eq!(lines[4]["problem"]["errors"][0]["field"], "status");
    let reader = app.as_key(&key);
    let get = async |id: &Value| {
        let path = format!("/api/v1/cooperation-offers/{}", id.as_str().unwrap());
        let response = reader.get(&path).await;
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()
    };
    assert_eq!(
        get(&lines[0]["id"]).await["title"],
        "Drones for agriculture"
    );
    assert_eq!(get(&lines[1]["id"]).await["status"], "closed");
    assert_eq!(get(&lines[2]["id"]).await["title"], "Sensors");
    assert_eq!(app.count("cooperation_offers").await, 3);
    // Two creations and two replacements: one change each, none for the rest.
    assert_eq!(app.count("changes").await, changes + 4);
}

#[tokio::test]
async fn a_dry_run_reports_what_an_import_would_do_and_writes_nothing() {
    let app = spawn_app().await;
    let exoatlet = app.create_company("ExoAtlet", "startup", "RU").await;
    let key = app.create_key("company", Some(&exoatlet)).await;
    let body = ndjson(&[
        offer(&exoatlet, "A", "Exoskeleton").to_string(),
        offer(&exoatlet, "B", "").to_string(),
    ]);
    let changes = app.count("changes").await;
    let lines = import(
        &app,
        &key,
        "/api/v1/cooperation-offers/import?dry_run=true",
        body,
    )
    .await;
    assert_eq!(
        results(&lines),
        [(1, "created".into()), (2, "error".into())]
    );
    assert_eq!(lines[1]["problem"]["errors"][0]["field"], "title");
    assert_eq!(app.count("cooperation_offers").await, 0);
    assert_eq!(app.count("changes").await, changes);
}

#[tokio::test]
async fn an_import_needs_a_key_and_ndjson() {
    let app = spawn_app().await;
    let exoatlet = app.create_company("ExoAtlet", "startup", "RU").await;
    let body = ndjson(&[offer(&exoatlet, "A", "Exoskeleton").to_string()]);
    let anonymous = app
        .anonymous()
        .request(reqwest::Method::POST, "/api/v1/cooperation-offers/import")
        .header("content-type", "application/x-ndjson")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401).await;
    let json = app
        .as_key(&app.create_key("admin", None).await)
        .request(reqwest::Method::POST, "/api/v1/cooperation-offers/import")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_problem(json, 415).await;
    assert_eq!(app.count("cooperation_offers").await, 0);
}

/// The report's chamber of commerce moves its marketplace: 1,400 offers in one import.
#[tokio::test]
async fn a_chambers_marketplace_of_1400_offers_imports_in_one_request() {
    let app = spawn_app().await;
    let chamber = app
        .create_company("CCI France Russie", "chamber_of_commerce", "RU")
        .await;
    let key = app.create_key("company", Some(&chamber)).await;
    let body = ndjson(
        &(1..=1400)
            .map(|n| offer(&chamber, &format!("CCI-{n}"), &format!("Offer {n}")).to_string())
            .collect::<Vec<_>>(),
    );
    let lines = import(&app, &key, "/api/v1/cooperation-offers/import", body).await;
    assert_eq!(lines.len(), 1400);
    assert!(lines.iter().all(|l| l["result"] == "created"));
    assert_eq!(lines[1399]["line"], 1400);
    assert_eq!(lines[1399]["external_id"], "CCI-1400");
    assert_eq!(app.count("cooperation_offers").await, 1400);
}

#[tokio::test]
async fn a_company_import_creates_for_staff_and_leaves_what_is_current() {
    let app = spawn_app().await;
    let editor = app.create_key("editor", None).await;
    let body = ndjson(&[
        json!({"external_id": "m-1", "name": "ExoAtlet", "kind": "startup", "country": "RU"})
            .to_string(),
        json!({"external_id": "m-2", "name": "Interact Software", "kind": "startup", "country": "FR"})
            .to_string(),
        json!({"external_id": "m-3", "name": "Nowhere", "kind": "startup", "country": "XX"})
            .to_string(),
    ]);
    let path = "/api/v1/companies/import";
    let lines = import(&app, &editor, path, body.clone()).await;
    assert_eq!(
        results(&lines),
        [
            (1, "created".into()),
            (2, "created".into()),
            (3, "error".into())
        ]
    );
    assert_eq!(app.count("companies").await, 2);
    let again = import(&app, &editor, path, body).await;
    assert_eq!(again[0]["result"], "unchanged");
    assert_eq!(again[1]["result"], "unchanged");
}

#[tokio::test]
async fn import_results_come_as_csv_for_a_spreadsheet() {
    let app = spawn_app().await;
    let exoatlet = app.create_company("ExoAtlet", "startup", "RU").await;
    let key = app.create_key("company", Some(&exoatlet)).await;
    let body = ndjson(&[
        offer(&exoatlet, "A", "Exoskeleton").to_string(),
        offer(&exoatlet, "B", "").to_string(),
    ]);
    let response = app
        .as_key(&key)
        .request(
            reqwest::Method::POST,
            "/api/v1/cooperation-offers/import?dry_run=true",
        )
        .header("content-type", "application/octet-stream")
        .header("accept", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let text = response.text().await.unwrap();
    let rows: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(rows[0], "line,external_id,result,id,status,detail");
    assert!(rows[1].starts_with("1,A,created,"), "{text}");
    assert!(rows[2].starts_with("2,B,error,,422,title: "), "{text}");
    assert_eq!(app.count("cooperation_offers").await, 0);
}
