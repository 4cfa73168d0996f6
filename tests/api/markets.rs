//! The offer lists read through tables of listed offers kept in order by triggers: the market
//! (`?sector=..&target_country=..`, `cooperation_offer_markets`), a sector
//! (`cooperation_offer_sectors`) and the company's country (`cooperation_offer_origins`). Each
//! must follow every change of the offers (and companies) it mirrors, and page like any other
//! list. Their rows also carry each offer's JSON as the list serves it, which must be the
//! offer's own representation, byte for byte, after any change.

use coopapi::config::WebhookSettings;
use diesel_async::SimpleAsyncConnection;
use serde_json::{Value, json};

use crate::helpers::{TestApp, created, item_ids, page_and_reads_by_id, replica_of, spawn_app};

async fn company(app: &TestApp) -> String {
    app.create_company("ExoAtlet", "startup", "RU").await
}

async fn offer(app: &TestApp, company_id: &str, title: &str, extra: Value) -> String {
    let mut body = json!({
        "company_id": company_id,
        "kind": "technology_offer",
        "cooperation_types": ["distribution"],
        "title": title,
        "sectors": ["medtech"],
        "target_countries": ["FR"],
        "status": "published"
    });
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    let response = app.post_json("/api/v1/cooperation-offers", &body).await;
    assert_eq!(response.status(), 201, "create {title}");
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Every title of the list, following `next_cursor` page by page.
async fn all_titles(app: &TestApp, query: &str) -> Vec<String> {
    let mut titles = Vec::new();
    let mut url = format!("/api/v1/cooperation-offers?{query}&limit=2");
    loop {
        let page: Value = app.get(&url).await.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        titles.extend(
            items
                .iter()
                .map(|o| o["title"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                url = format!("/api/v1/cooperation-offers?{query}&limit=2&cursor={cursor}")
            }
            None => return titles,
        }
    }
}

async fn patch(app: &TestApp, id: &str, body: Value) {
    let response = app
        .patch_json(&format!("/api/v1/cooperation-offers/{id}"), &body)
        .await;
    assert_eq!(response.status(), 200, "patch {body}");
}

const MARKET: &str = "sector=medtech&target_country=FR";

#[tokio::test]
async fn the_market_list_pages_through_listed_offers_only_newest_first() {
    let app = spawn_app().await;
    let exoatlet = company(&app).await;
    for title in ["one", "two", "three", "four", "five"] {
        offer(&app, &exoatlet, title, json!({})).await;
    }
    offer(&app, &exoatlet, "draft", json!({"status": "draft"})).await;
    offer(
        &app,
        &exoatlet,
        "expired",
        json!({"valid_until": "2020-01-31"}),
    )
    .await;
    offer(
        &app,
        &exoatlet,
        "germany",
        json!({"target_countries": ["DE"]}),
    )
    .await;
    offer(&app, &exoatlet, "pharma", json!({"sectors": ["pharma"]})).await;

    assert_eq!(
        all_titles(&app, MARKET).await,
        ["five", "four", "three", "two", "one"]
    );
    assert_eq!(
        all_titles(&app, &format!("{MARKET}&sort=created_at")).await,
        ["one", "two", "three", "four", "five"]
    );
    // Another filter on top takes the general path; the answer must be the same.
    assert_eq!(
        all_titles(&app, &format!("{MARKET}&kind=technology_offer")).await,
        ["five", "four", "three", "two", "one"]
    );
    assert_eq!(
        all_titles(&app, &format!("{MARKET}&status=expired")).await,
        ["expired"]
    );
}

#[tokio::test]
async fn the_market_list_follows_status_market_and_validity_changes_and_deletes() {
    let app = spawn_app().await;
    let exoatlet = company(&app).await;
    let closed = offer(&app, &exoatlet, "closed later", json!({})).await;
    let moved = offer(&app, &exoatlet, "moved to Germany", json!({})).await;
    let draft = offer(
        &app,
        &exoatlet,
        "published later",
        json!({"status": "draft"}),
    )
    .await;
    let deleted = offer(&app, &exoatlet, "deleted", json!({})).await;
    let lapsed = offer(&app, &exoatlet, "lapsed", json!({})).await;
    offer(
        &app,
        &exoatlet,
        "kept",
        json!({"sectors": ["medtech", "healthcare"]}),
    )
    .await;
    assert_eq!(
        all_titles(&app, MARKET).await,
        [
            "kept",
            "lapsed",
            "deleted",
            "moved to Germany",
            "closed later"
        ]
    );

    patch(&app, &closed, json!({"status": "closed"})).await;
    patch(&app, &moved, json!({"target_countries": ["DE", "IT"]})).await;
    patch(&app, &draft, json!({"status": "published"})).await;
    patch(&app, &lapsed, json!({"valid_until": "2021-06-30"})).await;
    let response = app
        .delete(&format!("/api/v1/cooperation-offers/{deleted}"))
        .await;
    assert_eq!(response.status(), 204);

    assert_eq!(all_titles(&app, MARKET).await, ["kept", "published later"]);
    assert_eq!(
        all_titles(&app, "sector=medtech&target_country=IT").await,
        ["moved to Germany"]
    );
    assert_eq!(
        all_titles(&app, "sector=healthcare&target_country=FR").await,
        ["kept"]
    );
    // One row per (sector, target country) pair of each published offer, and nothing else:
    // kept (2 sectors), published later (1), moved (2 countries), lapsed (1, expired).
    assert_eq!(app.count("cooperation_offer_markets").await, 6);
}

#[tokio::test]
async fn the_lists_by_sector_and_by_company_country_page_through_listed_offers_only_newest_first() {
    let app = spawn_app().await;
    let exoatlet = company(&app).await;
    let orpea = app.create_company("Orpea", "company", "FR").await;
    offer(&app, &exoatlet, "ru one", json!({})).await;
    offer(
        &app,
        &orpea,
        "fr one",
        json!({"sectors": ["medtech", "healthcare"]}),
    )
    .await;
    offer(
        &app,
        &exoatlet,
        "ru two",
        json!({"kind": "business_request"}),
    )
    .await;
    offer(&app, &orpea, "fr two", json!({"target_countries": ["RU"]})).await;
    offer(&app, &exoatlet, "ru three", json!({})).await;
    offer(&app, &orpea, "fr draft", json!({"status": "draft"})).await;
    offer(
        &app,
        &exoatlet,
        "ru expired",
        json!({"valid_until": "2020-01-31"}),
    )
    .await;
    offer(&app, &orpea, "fr pharma", json!({"sectors": ["pharma"]})).await;

    assert_eq!(
        all_titles(&app, "sector=medtech").await,
        ["ru three", "fr two", "ru two", "fr one", "ru one"]
    );
    assert_eq!(
        all_titles(&app, "sector=medtech&sort=created_at").await,
        ["ru one", "fr one", "ru two", "fr two", "ru three"]
    );
    assert_eq!(all_titles(&app, "sector=healthcare").await, ["fr one"]);
    assert_eq!(
        all_titles(&app, "company_country=RU").await,
        ["ru three", "ru two", "ru one"]
    );
    assert_eq!(
        all_titles(&app, "company_country=FR&sort=created_at").await,
        ["fr one", "fr two", "fr pharma"]
    );
    // Other filters on top of the table's own: the same offers as the general path finds.
    assert_eq!(
        all_titles(&app, "sector=medtech&kind=business_request").await,
        ["ru two"]
    );
    assert_eq!(
        all_titles(&app, "sector=medtech&company_country=FR").await,
        ["fr two", "fr one"]
    );
    assert_eq!(
        all_titles(&app, "company_country=FR&target_country=RU").await,
        ["fr two"]
    );
    assert_eq!(
        all_titles(&app, "company_country=RU&status=expired").await,
        ["ru expired"]
    );
    assert_eq!(
        all_titles(&app, "company_country=KZ").await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn the_list_by_company_country_follows_offers_and_a_company_that_moves() {
    let app = spawn_app().await;
    let exoatlet = company(&app).await;
    let orpea = app.create_company("Orpea", "company", "FR").await;
    offer(&app, &exoatlet, "moves with its company", json!({})).await;
    let draft = offer(
        &app,
        &exoatlet,
        "published later",
        json!({"status": "draft"}),
    )
    .await;
    let closed = offer(&app, &orpea, "closed later", json!({})).await;
    let deleted = offer(&app, &orpea, "deleted", json!({})).await;
    let lapsed = offer(&app, &orpea, "lapsed", json!({})).await;
    offer(&app, &orpea, "kept", json!({})).await;
    assert_eq!(
        all_titles(&app, "company_country=FR").await,
        ["kept", "lapsed", "deleted", "closed later"]
    );

    patch(&app, &closed, json!({"status": "closed"})).await;
    patch(&app, &lapsed, json!({"valid_until": "2021-06-30"})).await;
    patch(&app, &draft, json!({"status": "published"})).await;
    let response = app
        .delete(&format!("/api/v1/cooperation-offers/{deleted}"))
        .await;
    assert_eq!(response.status(), 204);
    let response = app
        .patch_json(
            &format!("/api/v1/companies/{exoatlet}"),
            &json!({"country": "FR"}),
        )
        .await;
    assert_eq!(response.status(), 200);

    assert_eq!(
        all_titles(&app, "company_country=FR").await,
        ["kept", "published later", "moves with its company"]
    );
    assert_eq!(
        all_titles(&app, "company_country=RU").await,
        Vec::<String>::new()
    );
    // One row per published offer and nothing else: kept, published later, moved, and lapsed,
    // which its date leaves out of the list.
    assert_eq!(app.count("cooperation_offer_origins").await, 4);
}

#[tokio::test]
async fn an_offer_created_while_its_company_moves_is_listed_under_the_new_country() {
    let app = spawn_app().await;
    let exoatlet = company(&app).await;
    // The move is written and its transaction stays open while the offer is created.
    let mut mover = app.connection().await;
    mover.batch_execute("BEGIN").await.unwrap();
    mover
        .batch_execute(&format!(
            "UPDATE companies SET country = 'FR', updated_at = now() WHERE id = '{exoatlet}'"
        ))
        .await
        .unwrap();
    let create = offer(&app, &exoatlet, "created meanwhile", json!({}));
    let commit = async {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        mover.batch_execute("COMMIT").await.unwrap();
    };
    tokio::join!(create, commit);

    assert_eq!(
        all_titles(&app, "company_country=FR").await,
        ["created meanwhile"]
    );
    assert_eq!(
        all_titles(&app, "company_country=RU").await,
        Vec::<String>::new()
    );
}

async fn page_and_offers_read_one_by_one(reader: &TestApp, query: &str) -> (String, String) {
    page_and_reads_by_id(reader, "/api/v1/cooperation-offers", query).await
}

#[tokio::test]
async fn a_page_of_a_market_a_sector_or_a_company_country_is_its_offers_read_one_by_one() {
    let app = spawn_app().await;
    let exoatlet = company(&app).await;
    let event = created(
        &app,
        "/api/v1/events",
        json!({
            "title": "Moscow-Paris", "kind": "conference", "format": "hybrid",
            "status": "scheduled", "starts_at": "2026-12-10T09:00:00Z",
            "ends_at": "2026-12-10T13:00:00Z", "timezone": "Europe/Paris",
            "languages": ["fr", "ru"], "sectors": ["medtech"]
        }),
    )
    .await;
    let everything = offer(
        &app,
        &exoatlet,
        "Экзоскелет « ExoAtlet » \"II\" \\ C:\\ 🦾 </script>",
        json!({
            "kind": "technology_offer",
            "cooperation_types": ["licensing", "distribution", "joint_venture"],
            "summary": "Réadaptation\tà domicile\nSecond line\r\n\u{2028}end",
            "description": "Long text with \"quotes\", a / slash and ü, ß, 中文.",
            "sectors": ["medtech", "pharma"],
            "target_countries": ["FR", "RU"],
            "language": "ru",
            "valid_until": "2099-12-31",
            "event_id": event,
            "external_id": "ref:exo-1.A~"
        }),
    )
    .await;
    let bare = offer(&app, &exoatlet, "bare", json!({})).await;
    // What the API cannot be sent but a row may hold: control characters, and timestamps on a
    // whole second or millisecond (a serialiser writes 0, 3 or 6 decimals).
    let mut conn = app.connection().await;
    conn.batch_execute(&format!(
        "UPDATE cooperation_offers SET description = E'bell \\u0007 nul-less \\u001f del \\u007f',
             created_at = '2026-01-02T03:04:05Z', published_at = '2026-01-02T03:04:05.120Z',
             updated_at = '2026-01-02T03:04:06.000123Z'
         WHERE id = '{bare}'"
    ))
    .await
    .unwrap();

    let lists = [MARKET, "sector=medtech", "company_country=RU"];
    for list in lists {
        for query in [
            list.to_string(),
            format!("{list}&sort=created_at"),
            format!("{list}&limit=1"),
        ] {
            let (page, expected) = page_and_offers_read_one_by_one(&app, &query).await;
            assert_eq!(page, expected, "{query}");
            assert!(page.contains("ExoAtlet"), "{query}: {page}");
        }
    }
    for query in ["sector=pharma&target_country=RU", "sector=pharma"] {
        let (page, expected) = page_and_offers_read_one_by_one(&app, query).await;
        assert_eq!(page, expected, "{query}");
        assert!(page.contains("ExoAtlet"), "{query}: {page}");
    }
    // Any column written, even one no market depends on, rewrites the items.
    conn.batch_execute(&format!(
        "UPDATE cooperation_offers SET title = 'Renamed in SQL' WHERE id = '{everything}'"
    ))
    .await
    .unwrap();
    for list in lists {
        let (page, expected) = page_and_offers_read_one_by_one(&app, list).await;
        assert_eq!(page, expected, "{list}");
        assert!(page.contains("Renamed in SQL"), "{list}");
        assert_eq!(
            item_ids(&page),
            [everything.as_str(), bare.as_str()],
            "{list}"
        );
    }
}

#[tokio::test]
async fn a_list_page_shows_a_change_made_through_another_replica_at_once() {
    let app = spawn_app().await;
    let other = replica_of(&app, WebhookSettings::default()).await;
    let exoatlet = company(&app).await;
    let id = offer(&app, &exoatlet, "ExoAtlet II", json!({"summary": "first"})).await;
    let lists = [MARKET, "sector=medtech", "company_country=RU"];
    for list in lists {
        let (page, expected) = page_and_offers_read_one_by_one(&other, list).await;
        assert_eq!(page, expected, "{list}");
        assert!(page.contains("ExoAtlet II"), "{list}");
    }

    // A change that keeps the offer in its lists rewrites its items.
    patch(&app, &id, json!({"title": "ExoAtlet Pro", "summary": null})).await;
    for list in lists {
        let (page, expected) = page_and_offers_read_one_by_one(&other, list).await;
        assert_eq!(page, expected, "{list}");
        assert!(page.contains("ExoAtlet Pro") && !page.contains("ExoAtlet II"));
        assert!(page.contains("\"summary\":null"), "{list}");
    }

    // Closed, it leaves them.
    patch(&app, &id, json!({"status": "closed"})).await;
    for list in lists {
        let page: Value = other
            .get(&format!("/api/v1/cooperation-offers?{list}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["items"], json!([]), "{list}");
    }
}
