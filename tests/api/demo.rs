use coop_store::sectors::{self as store, SectorCatalog};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

/// Loads the demo dataset; returns how many rows it inserted.
pub async fn seed(app: &TestApp) -> usize {
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let catalog = SectorCatalog::new(store::all(&mut conn).await.unwrap());
    coopapi::demo::seed(&mut conn, &catalog).await.unwrap().rows
}

#[tokio::test]
async fn the_demo_dataset_holds_the_article_and_seeding_twice_creates_nothing_new() {
    let app = spawn_app().await;
    let first = seed(&app).await;
    assert!(first > 50, "{first}");
    assert_eq!(seed(&app).await, 0, "the second run creates nothing");
    assert_eq!(app.count("speakers").await, 12);
    assert_eq!(app.count("events").await, 2);
    assert_eq!(app.count("cooperation_offers").await, 4);

    let id = coopapi::demo::teleconference_id();
    let event: Value = app
        .get(&format!(
            "/api/v1/events/{id}?expand=venues,sessions,speakers,participants"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        event["title"],
        "Moscou : solutions numériques pour la ville et les entreprises"
    );
    assert_eq!(event["format"], "hybrid");
    let venues = event["venues"].as_array().unwrap();
    assert_eq!(venues[0]["attendance"], 150);
    assert_eq!(venues[1]["name"], "Aéro-Club de France");
    assert_eq!(venues[1]["attendance"], 60);
    assert_eq!(event["sessions"].as_array().unwrap().len(), 7);
    let mut moderators: Vec<&str> = event["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["role"] == "moderator")
        .map(|a| a["speaker"]["full_name"].as_str().unwrap())
        .collect();
    moderators.sort();
    assert_eq!(moderators, ["Arnaud Trousset", "Lidia Soutormina"]);
    let startups = event["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["company"]["kind"] == "startup")
        .count();
    assert_eq!(startups, 9);

    let offers: Value = app
        .get("/api/v1/cooperation-offers?sector=medtech&target_country=FR")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(offers["items"].as_array().unwrap().len(), 1);
    let dridze: Value = app
        .get("/api/v1/speakers?q=dridze")
        .await
        .json()
        .await
        .unwrap();
    let dridze_id = dridze["items"][0]["id"].as_str().unwrap();
    let his_events: Value = app
        .get(&format!("/api/v1/speakers/{dridze_id}/events"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(his_events["items"][0]["id"], id.to_string());
}

#[tokio::test]
async fn the_demo_dataset_shows_in_the_change_feed() {
    let app = spawn_app().await;
    seed(&app).await;
    let id = coopapi::demo::teleconference_id();
    let mut types = std::collections::BTreeSet::new();
    let mut event_created = false;
    let mut cursor = String::new();
    for _ in 0..20 {
        let page: Value = app
            .anonymous()
            .get(&format!("/api/v1/changes?limit=100{cursor}"))
            .await
            .json()
            .await
            .unwrap();
        let items = page["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        for item in items {
            types.insert(item["resource_type"].as_str().unwrap().to_owned());
            event_created |= item["id"] == id.to_string().as_str()
                && item["operation"] == "created"
                && item["resource"]["title"]
                    == "Moscou : solutions numériques pour la ville et les entreprises";
        }
        cursor = format!("&cursor={}", page["next_cursor"].as_str().unwrap());
    }
    assert!(
        event_created,
        "the teleconference's creation is in the feed"
    );
    for kind in [
        "company",
        "speaker",
        "event",
        "event_venue",
        "event_session",
        "event_speaker",
        "event_participant",
        "cooperation_offer",
    ] {
        assert!(types.contains(kind), "no {kind} in the feed: {types:?}");
    }
}
