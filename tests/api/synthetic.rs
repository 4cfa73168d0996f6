//! The benchmark's dataset generator (`coopapi generate`), on a small scale.

use coopapi::synthetic::{Scale, generate};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::Value;

use crate::helpers::spawn_app;

const SCALE: Scale = Scale {
    seed: 7,
    companies: 40,
    speakers: 20,
    events: 4,
    offers: 300,
};

/// The id scheme the benchmark's load scripts rely on.
fn uid(tag: u32, n: u64) -> String {
    format!("01900000-{tag:04x}-7000-8000-{n:012x}")
}

#[tokio::test]
async fn a_generated_dataset_is_complete_consistent_and_served_by_the_api() {
    let app = spawn_app().await;
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    generate(&mut conn, &SCALE).await.expect("generate");

    assert_eq!(app.count("companies").await, 40);
    assert_eq!(app.count("speakers").await, 20);
    assert_eq!(app.count("events").await, 4);
    assert_eq!(app.count("cooperation_offers").await, 300);
    assert!(app.count("event_venues").await >= 4);
    assert!(app.count("event_sessions").await >= 12);
    assert!(app.count("event_speakers").await >= 4);
    assert!(app.count("event_participants").await >= 8);
    // Every kind of offer state is there, so lists and filters have something to skip.
    for status in ["published", "draft", "closed"] {
        assert!(
            app.count(&format!("cooperation_offers WHERE status = '{status}'"))
                .await
                > 0
        );
    }
    // The markets written in bulk are exactly those the trigger would have written.
    assert_eq!(
        app.count("cooperation_offer_markets").await,
        app.count(
            "cooperation_offers o, unnest(o.sectors) s, unnest(o.target_countries) t \
             WHERE o.status = 'published'"
        )
        .await
    );
    // So are the match candidates, one per sector of each published offer.
    assert_eq!(
        app.count("cooperation_offer_sectors").await,
        app.count("cooperation_offers o, unnest(o.sectors) s WHERE o.status = 'published'")
            .await
    );
    // Each carries its offer's facet fields.
    assert_eq!(
        app.count(
            "cooperation_offer_sectors s JOIN cooperation_offers o ON o.id = s.offer_id \
             WHERE (s.sectors, s.cooperation_types, s.target_countries) \
                 = (o.sectors, o.cooperation_types, o.target_countries)"
        )
        .await,
        app.count("cooperation_offer_sectors").await
    );
    // The whole market's facets, from the counts written in bulk, are those of the offers.
    let facets: Value = app
        .get("/api/v1/cooperation-offers/facets")
        .await
        .json()
        .await
        .unwrap();
    let listed =
        "o.status = 'published' AND (o.valid_until IS NULL OR o.valid_until >= current_date)";
    assert_eq!(
        facets["total"],
        app.count(&format!("cooperation_offers o WHERE {listed}"))
            .await
    );
    for (facet, column) in [
        ("sector", "sectors"),
        ("cooperation_type", "cooperation_types"),
        ("target_country", "target_countries"),
    ] {
        let counted: i64 = facets[facet]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_i64().unwrap())
            .sum();
        let expected = app
            .count(&format!(
                "cooperation_offers o, unnest(o.{column}) v WHERE {listed}"
            ))
            .await;
        assert_eq!(counted, expected, "{facet}");
    }
    // The secondary indexes dropped for the load are back.
    assert_eq!(
        app.count("pg_indexes WHERE tablename = 'cooperation_offers'")
            .await,
        14
    );
    assert_eq!(
        app.count("pg_indexes WHERE tablename = 'cooperation_offer_sectors'")
            .await,
        2
    );

    let offer = app
        .get(&format!("/api/v1/cooperation-offers/{}", uid(8, 300)))
        .await;
    assert_eq!(offer.status(), 200);
    let event: Value = app
        .get(&format!(
            "/api/v1/events/{}?expand=venues,sessions,speakers,participants",
            uid(3, 1)
        ))
        .await
        .json()
        .await
        .unwrap();
    assert!(!event["venues"].as_array().unwrap().is_empty(), "{event}");
    assert!(!event["sessions"].as_array().unwrap().is_empty(), "{event}");
    assert!(
        !event["participants"].as_array().unwrap().is_empty(),
        "{event}"
    );
}

#[tokio::test]
async fn generating_again_with_larger_counts_adds_only_the_difference() {
    let app = spawn_app().await;
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    generate(&mut conn, &SCALE).await.expect("generate");
    let first: Value = app
        .get(&format!("/api/v1/cooperation-offers/{}", uid(8, 17)))
        .await
        .json()
        .await
        .unwrap();
    drop(conn);

    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let larger = Scale {
        offers: 500,
        ..SCALE
    };
    generate(&mut conn, &larger).await.expect("generate again");
    assert_eq!(app.count("cooperation_offers").await, 500);
    assert_eq!(app.count("companies").await, 40);
    let again: Value = app
        .get(&format!("/api/v1/cooperation-offers/{}", uid(8, 17)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first, again, "the same seed gives the same rows");
}
