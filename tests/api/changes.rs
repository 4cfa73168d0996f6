//! The change feed: every write leaves exactly one change in its own transaction, changes come
//! in commit order without gaps, and each reader sees the changes of what they may read.

use diesel_async::SimpleAsyncConnection;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, created, spawn_app};

/// Every change the feed gives this reader (through all pages), from `cursor`.
async fn feed(app: &TestApp, key: Option<&str>, cursor: Option<&str>) -> (Vec<Value>, String) {
    let mut items = Vec::new();
    let mut cursor = cursor.map(str::to_string);
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/changes?limit=3&cursor={c}"),
            None => "/api/v1/changes?limit=3".to_string(),
        };
        let response = app.reader(key).get(&path).await;
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.unwrap();
        let got = page["items"].as_array().unwrap().clone();
        let next = page["next_cursor"].as_str().map(str::to_string);
        let done = got.is_empty();
        items.extend(got);
        if done {
            return (items, next.unwrap_or_default());
        }
        cursor = next;
    }
}

fn summary(items: &[Value]) -> Vec<(String, String, String)> {
    items
        .iter()
        .map(|c| {
            (
                c["resource_type"].as_str().unwrap().to_string(),
                c["id"].as_str().unwrap().to_string(),
                c["operation"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn change(t: &str, id: &str, op: &str) -> (String, String, String) {
    (t.to_string(), id.to_string(), op.to_string())
}

#[tokio::test]
async fn every_write_leaves_one_change_and_a_refused_write_none() {
    let app = spawn_app().await;
    let company = created(
        &app,
        "/api/v1/companies",
        json!({"name": "ExoAtlet", "kind": "startup", "country": "RU"}),
    )
    .await;
    let response = app
        .patch_json(
            &format!("/api/v1/companies/{company}"),
            &json!({"city": "Moscow"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let before = app.count("changes").await;
    // Refused writes: invalid body, and an update of a company that does not exist.
    assert_problem(
        app.post_json(
            "/api/v1/companies",
            &json!({"name": "", "kind": "startup", "country": "RU"}),
        )
        .await,
        422,
    )
    .await;
    assert_problem(
        app.patch_json(
            &format!("/api/v1/companies/{company}"),
            &json!({"country": "XX"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        app.count("changes").await,
        before,
        "a refused write left a change"
    );
    let response = app.delete(&format!("/api/v1/companies/{company}")).await;
    assert_eq!(response.status(), 204);

    let (items, _) = feed(&app, None, None).await;
    assert_eq!(
        summary(&items),
        [
            change("company", &company, "created"),
            change("company", &company, "updated"),
            change("company", &company, "deleted"),
        ]
    );
    let positions: Vec<i64> = items
        .iter()
        .map(|c| c["position"].as_i64().unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    // The living resource comes with its representation, a deletion without.
    assert_eq!(
        items[0]["resource"],
        Value::Null,
        "gone since: no representation"
    );
    assert!(items[2]["resource"].is_null());
}

#[tokio::test]
async fn a_change_that_commits_after_a_later_one_was_read_is_not_skipped() {
    let app = spawn_app().await;
    let first = created(
        &app,
        "/api/v1/companies",
        json!({"name": "Skolkovo", "kind": "cluster", "country": "RU"}),
    )
    .await;
    let second = created(
        &app,
        "/api/v1/companies",
        json!({"name": "CCI France Russie", "kind": "chamber_of_commerce", "country": "RU"}),
    )
    .await;
    let (_, cursor) = feed(&app, None, None).await;

    // The first transaction writes (taking the lower sequence number) and stays open while
    // the second writes and commits.
    let mut slow = app.connection().await;
    let mut fast = app.connection().await;
    slow.batch_execute("BEGIN").await.unwrap();
    slow.batch_execute(&format!(
        "UPDATE companies SET city = 'Moscou', updated_at = now() WHERE id = '{first}'"
    ))
    .await
    .unwrap();
    fast.batch_execute(&format!(
        "UPDATE companies SET city = 'Paris', updated_at = now() WHERE id = '{second}'"
    ))
    .await
    .unwrap();

    let (items, cursor) = feed(&app, None, Some(&cursor)).await;
    assert_eq!(summary(&items), [change("company", &second, "updated")]);

    slow.batch_execute("COMMIT").await.unwrap();
    let (items, _) = feed(&app, None, Some(&cursor)).await;
    assert_eq!(summary(&items), [change("company", &first, "updated")]);
    assert_eq!(items[0]["resource"]["city"], "Moscou");

    // A rolled-back write leaves nothing.
    let before = app.count("changes").await;
    slow.batch_execute("BEGIN").await.unwrap();
    slow.batch_execute(&format!("DELETE FROM companies WHERE id = '{first}'"))
        .await
        .unwrap();
    slow.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(app.count("changes").await, before);
}

#[tokio::test]
async fn each_reader_sees_the_changes_of_what_they_may_read() {
    let app = spawn_app().await;
    let owner = app.create_company("ExoAtlet", "startup", "RU").await;
    let other = app.create_company("MediDistrib", "company", "FR").await;
    let owner_key = app.create_key("company", Some(&owner)).await;
    let other_key = app.create_key("company", Some(&other)).await;
    let (_, anonymous_start) = feed(&app, None, None).await;
    let (_, owner_start) = feed(&app, Some(&owner_key), None).await;
    let (_, other_start) = feed(&app, Some(&other_key), None).await;
    let body = json!({
        "company_id": owner, "kind": "technology_offer", "cooperation_types": ["distribution"],
        "title": "Medical exoskeleton: distributors wanted in France", "sectors": ["medtech"],
        "target_countries": ["FR"], "status": "draft"
    });
    let response = app
        .as_key(&owner_key)
        .post_json("/api/v1/cooperation-offers", &body)
        .await;
    assert_eq!(response.status(), 201);
    let offer = response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/cooperation-offers/{offer}");
    for status in ["published", "closed"] {
        let response = app
            .as_key(&owner_key)
            .patch_json(&path, &json!({"status": status}))
            .await;
        assert_eq!(response.status(), 200, "{status}");
    }

    // The owner sees every step; the public and other companies see the offer appear at
    // publication and disappear at closing, never the draft.
    let (items, _) = feed(&app, Some(&owner_key), Some(&owner_start)).await;
    let owner_view = summary(&items);
    assert_eq!(
        owner_view,
        [
            change("cooperation_offer", &offer, "created"),
            change("cooperation_offer", &offer, "updated"),
            change("cooperation_offer", &offer, "updated"),
        ]
    );
    assert_eq!(
        items[0]["resource"]["status"], "closed",
        "as it is now, to its owner"
    );
    for (key, start) in [
        (None, &anonymous_start),
        (Some(other_key.as_str()), &other_start),
    ] {
        let (items, _) = feed(&app, key, Some(start)).await;
        assert_eq!(
            summary(&items),
            [
                change("cooperation_offer", &offer, "created"),
                change("cooperation_offer", &offer, "deleted"),
            ],
            "{key:?}"
        );
        assert!(
            items[0]["resource"].is_null(),
            "hidden since: no representation"
        );
    }
    let (items, _) = feed(&app, Some(&app.admin_key), None).await;
    assert!(summary(&items).contains(&change("cooperation_offer", &offer, "created")));

    // Filters: by type, and a company's own resources.
    let page: Value = app
        .as_key(&owner_key)
        .get(&format!(
            "/api/v1/changes?types=cooperation_offer&company_id={owner}"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(summary(page["items"].as_array().unwrap()), owner_view);
    let problem = assert_problem(
        app.anonymous().get("/api/v1/changes?types=offer").await,
        400,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "types");
}

#[tokio::test]
async fn a_reader_waiting_for_the_next_change_gets_it_as_soon_as_it_commits() {
    let app = spawn_app().await;
    app.create_company("Skolkovo", "cluster", "RU").await;
    // A change is positioned just after its commit (by whichever reader or writer sequences
    // first): read until the feed has it, so that the reader below waits for the next one.
    let mut cursor = String::new();
    for _ in 0..50 {
        let (items, next) = feed(&app, None, None).await;
        cursor = next;
        if !items.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let url = app.url(&format!("/api/v1/changes?wait=20&cursor={cursor}"));
    let waiting = tokio::spawn(async move { reqwest::get(url).await.unwrap() });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "nothing new yet: the reader waits");
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    let response = waiting.await.unwrap();
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    assert_eq!(
        summary(page["items"].as_array().unwrap()),
        [change("company", &company, "created")]
    );
    let problem = assert_problem(app.anonymous().get("/api/v1/changes?wait=31").await, 400).await;
    assert_eq!(problem["errors"][0]["field"], "wait");
}

#[tokio::test]
async fn an_offer_that_expires_without_a_write_is_deleted_for_the_public_the_next_day() {
    let app = spawn_app().await;
    let owner = app.create_company("ExoAtlet", "startup", "RU").await;
    let body = json!({
        "company_id": owner, "kind": "technology_offer", "cooperation_types": ["distribution"],
        "title": "Medical exoskeleton: distributors wanted in France", "sectors": ["medtech"],
        "target_countries": ["FR"], "status": "published", "valid_until": "2099-12-31"
    });
    let offer = created(&app, "/api/v1/cooperation-offers", body).await;
    let (_, cursor) = feed(&app, None, None).await;
    // Yesterday was its last day, and the log last looked at expiries yesterday; the setup
    // itself writes no change (triggers off for this session).
    let mut conn = app.connection().await;
    conn.batch_execute(&format!(
        "SET session_replication_role = replica;
         UPDATE cooperation_offers SET valid_until = (now() AT TIME ZONE 'UTC')::date - 1
             WHERE id = '{offer}';
         UPDATE change_log_state SET expiries_recorded_until = (now() AT TIME ZONE 'UTC')::date - 1;
         SET session_replication_role = origin;
         SELECT coop_record_expiries();
         SELECT coop_record_expiries();"
    ))
    .await
    .unwrap();
    let (items, _) = feed(&app, None, Some(&cursor)).await;
    assert_eq!(
        summary(&items),
        [change("cooperation_offer", &offer, "deleted")]
    );
    let owner_key = app.create_key("company", Some(&owner)).await;
    let page: Value = app
        .as_key(&owner_key)
        .get("/api/v1/changes?types=cooperation_offer&limit=100")
        .await
        .json()
        .await
        .unwrap();
    let last = page["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["operation"], "updated",
        "its owner still reads it, now expired"
    );
    assert_eq!(last["resource"]["status"], "expired");
}

#[tokio::test]
async fn each_feed_item_shows_its_resource_as_its_own_get_shows_it_to_the_reader() {
    let app = spawn_app().await;
    crate::demo::seed(&app).await;
    // A draft offer: its company's key and staff see it, the public does not.
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    created(
        &app,
        "/api/v1/cooperation-offers",
        json!({
            "company_id": company, "kind": "technology_offer",
            "cooperation_types": ["distribution"], "title": "Exoskeletons: a draft",
            "sectors": ["medtech"], "target_countries": ["FR"], "status": "draft"
        }),
    )
    .await;
    for key in [Some(app.admin_key.as_str()), None] {
        // Pages of 100: the resources of a page are read together.
        let mut path = "/api/v1/changes?limit=100".to_string();
        let mut checked = 0;
        loop {
            let page: Value = app.reader(key).get(&path).await.json().await.unwrap();
            let items = page["items"].as_array().unwrap();
            if items.is_empty() {
                break;
            }
            for item in items {
                let id = item["id"].as_str().unwrap();
                let collection = match item["resource_type"].as_str().unwrap() {
                    "company" => "companies",
                    "speaker" => "speakers",
                    "event" => "events",
                    "cooperation_offer" => "cooperation-offers",
                    _ => continue,
                };
                let response = app
                    .reader(key)
                    .get(&format!("/api/v1/{collection}/{id}"))
                    .await;
                if response.status() == 404 {
                    assert!(item["resource"].is_null(), "{key:?} {item}");
                } else {
                    let own: Value = response.json().await.unwrap();
                    assert_eq!(item["resource"], own, "{key:?}");
                }
                checked += 1;
            }
            let cursor = page["next_cursor"].as_str().unwrap().to_string();
            path = format!("/api/v1/changes?limit=100&cursor={cursor}");
        }
        assert!(checked > 20, "{key:?}: {checked}");
    }
}
