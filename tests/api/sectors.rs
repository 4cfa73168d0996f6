use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn sectors_list_holds_the_codes_of_the_article() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/sectors").await;
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    let codes: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    for code in [
        "it",
        "big-data",
        "smart-city",
        "mobility",
        "healthcare",
        "pharma",
        "biotech",
        "medtech",
        "logistics",
        "tourism",
        "franchising",
        "construction",
        "vr-ar",
        "aerospace",
        "education",
        "finance",
        "energy",
    ] {
        assert!(codes.contains(&code), "missing sector {code}");
    }
    assert!(codes.len() >= 30);
    assert!(page["next_cursor"].is_null());
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
}

#[tokio::test]
async fn the_sector_enum_of_the_spec_equals_the_seeded_table() {
    let app = spawn_app().await;
    let page: Value = app.get("/api/v1/sectors").await.json().await.unwrap();
    let served: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap().to_string())
        .collect();
    let mut documented: Vec<String> = coop_domain::sectors::SECTOR_CODES
        .iter()
        .map(|c| c.to_string())
        .collect();
    documented.sort();
    assert_eq!(served, documented);
}
