//! The event list by country, read through `event_places`: it follows every venue added,
//! moved or removed and every change of an event's start, pages in order both ways, and the
//! table always agrees with the venues it is derived from.

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};

use crate::helpers::{TestApp, create, created, item_ids, page_and_reads_by_id, spawn_app};

fn event(title: &str, starts_at: &str, ends_at: &str) -> Value {
    json!({
        "title": title, "kind": "conference", "format": "in_person", "status": "scheduled",
        "starts_at": starts_at, "ends_at": ends_at, "timezone": "Europe/Paris",
        "languages": ["fr"], "sectors": ["it"]
    })
}

fn venue(name: &str, city: &str, country: &str) -> Value {
    json!({"name": name, "city": city, "country": country, "timezone": "Europe/Paris"})
}

/// Every page of `query`, followed through `next_cursor` one event at a time: the titles.
async fn walk(app: &TestApp, query: &str) -> Vec<String> {
    let mut titles = Vec::new();
    let mut path = format!("/api/v1/events?{query}&limit=1");
    loop {
        let page: Value = app.get(&path).await.json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            titles.push(item["title"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/events?{query}&limit=1&cursor={cursor}"),
            None => return titles,
        }
        assert!(titles.len() < 100, "the pages do not end: {titles:?}");
    }
}

#[derive(QueryableByName, Debug, PartialEq)]
struct Place {
    #[diesel(sql_type = Text)]
    place: String,
}

/// `event_places` beside what the venues and events say it must hold.
async fn places_and_truth(app: &TestApp) -> (Vec<Place>, Vec<Place>) {
    let mut conn = app.connection().await;
    let places = diesel::sql_query(
        "SELECT concat_ws(' ', event_id, country, starts_at, venues) AS place
         FROM event_places ORDER BY 1",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let truth = diesel::sql_query(
        "SELECT concat_ws(' ', v.event_id, v.country, e.starts_at, count(*)) AS place
         FROM event_venues AS v JOIN events AS e ON e.id = v.event_id
         GROUP BY v.event_id, v.country, e.starts_at ORDER BY 1",
    )
    .load(&mut conn)
    .await
    .unwrap();
    (places, truth)
}

/// A new event, "Summit", without venues: the path of its venues.
async fn summit_venues(app: &TestApp) -> String {
    let summit = created(
        app,
        "/api/v1/events",
        event("Summit", "2026-05-01T09:00:00Z", "2026-05-03T18:00:00Z"),
    )
    .await;
    format!("/api/v1/events/{summit}/venues")
}

/// Checks that the places agree with the venues, that they are the Summit's in France and in
/// Italy, and that both countries list it; returns the places.
async fn summit_in_france_and_italy(app: &TestApp) -> Vec<Place> {
    let (places, truth) = places_and_truth(app).await;
    assert_eq!(places, truth);
    assert_eq!(places.len(), 2, "{places:?}");
    assert_eq!(walk(app, "country=FR").await, ["Summit"]);
    assert_eq!(walk(app, "country=IT").await, ["Summit"]);
    places
}

#[tokio::test]
async fn the_country_list_follows_venues_added_moved_and_removed_and_new_start_times() {
    let app = spawn_app().await;
    let paris = created(
        &app,
        "/api/v1/events",
        event(
            "Paris forum",
            "2026-03-01T09:00:00Z",
            "2026-03-01T18:00:00Z",
        ),
    )
    .await;
    let tele = created(
        &app,
        "/api/v1/events",
        event(
            "Moscow-Paris teleconference",
            "2026-01-10T09:00:00Z",
            "2026-01-10T18:00:00Z",
        ),
    )
    .await;
    let berlin = created(
        &app,
        "/api/v1/events",
        event(
            "Berlin days",
            "2026-02-01T09:00:00Z",
            "2026-02-01T18:00:00Z",
        ),
    )
    .await;
    let venues = |event: &str| format!("/api/v1/events/{event}/venues");
    create(
        &app,
        &venues(&paris),
        venue("Palais des congrès", "Paris", "FR"),
    )
    .await;
    // Two halls in one country: the event is listed once.
    create(
        &app,
        &venues(&tele),
        venue("Aéro-Club de France", "Paris", "FR"),
    )
    .await;
    let lyon = created(
        &app,
        &venues(&tele),
        venue("Cité internationale", "Lyon", "FR"),
    )
    .await;
    create(
        &app,
        &venues(&tele),
        venue("Moscow university", "Moscow", "RU"),
    )
    .await;
    let berlin_hall = created(&app, &venues(&berlin), venue("Messe", "Berlin", "DE")).await;

    assert_eq!(
        walk(&app, "country=FR").await,
        ["Moscow-Paris teleconference", "Paris forum"]
    );
    assert_eq!(
        walk(&app, "country=FR&sort=-starts_at").await,
        ["Paris forum", "Moscow-Paris teleconference"]
    );
    assert_eq!(
        walk(&app, "country=RU").await,
        ["Moscow-Paris teleconference"]
    );
    assert_eq!(walk(&app, "country=DE").await, ["Berlin days"]);

    // Berlin's hall moves to Strasbourg: the event leaves Germany's list for France's.
    let moved = app
        .patch_json(
            &format!("{}/{berlin_hall}", venues(&berlin)),
            &json!({"city": "Strasbourg", "country": "FR"}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    assert_eq!(walk(&app, "country=DE").await, Vec::<String>::new());
    assert_eq!(
        walk(&app, "country=FR").await,
        ["Moscow-Paris teleconference", "Berlin days", "Paris forum"]
    );

    // One of the teleconference's two French halls goes: it stays in France's list.
    assert_eq!(
        app.delete(&format!("{}/{lyon}", venues(&tele)))
            .await
            .status(),
        204
    );
    assert_eq!(
        walk(&app, "country=FR").await,
        ["Moscow-Paris teleconference", "Berlin days", "Paris forum"]
    );

    // The Paris forum moves to the start of the year: the list takes its new place.
    let earlier = app
        .patch_json(
            &format!("/api/v1/events/{paris}"),
            &json!({"starts_at": "2026-01-05T09:00:00Z", "ends_at": "2026-01-05T18:00:00Z"}),
        )
        .await;
    assert_eq!(earlier.status(), 200);
    assert_eq!(
        walk(&app, "country=FR").await,
        ["Paris forum", "Moscow-Paris teleconference", "Berlin days"]
    );
    assert_eq!(
        walk(&app, "country=FR&sort=-starts_at").await,
        ["Berlin days", "Moscow-Paris teleconference", "Paris forum"]
    );
    // Other filters still apply beside the country, and sorting by change still works.
    assert_eq!(
        walk(&app, "country=FR&city=strasbourg").await,
        ["Berlin days"]
    );
    assert_eq!(
        walk(&app, "country=FR&from=2026-01-08T00:00:00Z").await,
        ["Moscow-Paris teleconference", "Berlin days"]
    );
    assert_eq!(
        walk(&app, "country=RU&sort=-updated_at").await,
        ["Moscow-Paris teleconference"]
    );

    // A deleted event leaves every list, and nothing of it stays behind.
    assert_eq!(
        app.delete(&format!("/api/v1/events/{tele}")).await.status(),
        204
    );
    assert_eq!(walk(&app, "country=RU").await, Vec::<String>::new());
    assert_eq!(
        walk(&app, "country=FR").await,
        ["Paris forum", "Berlin days"]
    );
    let (places, truth) = places_and_truth(&app).await;
    assert_eq!(places.len(), 2);
    assert_eq!(places, truth);
}

#[tokio::test]
async fn drafts_stay_out_of_the_country_list_for_readers_but_not_for_editors() {
    let app = spawn_app().await;
    let mut draft = event(
        "Draft summit",
        "2026-04-01T09:00:00Z",
        "2026-04-01T18:00:00Z",
    );
    draft["status"] = json!("draft");
    let draft = created(&app, "/api/v1/events", draft).await;
    create(
        &app,
        &format!("/api/v1/events/{draft}/venues"),
        venue("Hall", "Nice", "FR"),
    )
    .await;
    let anonymous: Value = app
        .anonymous()
        .get("/api/v1/events?country=FR")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(anonymous["items"].as_array().unwrap().len(), 0);
    assert_eq!(walk(&app, "country=FR").await, ["Draft summit"]);
}

#[tokio::test]
async fn venues_added_and_removed_at_once_leave_the_places_right() {
    let app = spawn_app().await;
    let path = summit_venues(&app).await;
    let mut first = Vec::new();
    for n in 0..10 {
        first.push(created(&app, &path, venue(&format!("Hall {n}"), "Paris", "FR")).await);
    }
    // Ten French halls are removed while ten more, in France and in Italy, are added, all at
    // once: the place's row lock must order the counts.
    let removals = first.iter().map(|hall| {
        let app = &app;
        let path = format!("{path}/{hall}");
        async move { app.delete(&path).await.status().as_u16() }
    });
    let additions = (0..10).map(|n| {
        let app = &app;
        let path = path.clone();
        let country = if n % 2 == 0 { "FR" } else { "IT" };
        async move {
            app.post_json(&path, &venue(&format!("New hall {n}"), "Anywhere", country))
                .await
                .status()
                .as_u16()
        }
    });
    let (removed, added) = futures_util::future::join(
        futures_util::future::join_all(removals),
        futures_util::future::join_all(additions),
    )
    .await;
    assert!(removed.iter().all(|status| *status == 204), "{removed:?}");
    assert!(added.iter().all(|status| *status == 201), "{added:?}");
    let places = summit_in_france_and_italy(&app).await;
    assert!(
        places[0].place.ends_with(" 5") && places[1].place.ends_with(" 5"),
        "{places:?}"
    );
}

#[tokio::test]
async fn venues_swapping_countries_at_once_wait_for_each_other() {
    let app = spawn_app().await;
    let path = summit_venues(&app).await;
    let a = created(&app, &path, venue("Hall A", "Paris", "FR")).await;
    let b = created(&app, &path, venue("Hall B", "Milan", "IT")).await;
    // Each round moves the two halls across at once, in opposite directions: each move locks
    // both countries' rows, in the same order, so neither waits on the other forever.
    for round in 0..8 {
        let (to_a, to_b) = if round % 2 == 0 {
            ("IT", "FR")
        } else {
            ("FR", "IT")
        };
        let move_to = |hall: &str, country: &'static str| {
            let app = &app;
            let path = format!("{path}/{hall}");
            async move {
                app.patch_json(&path, &json!({"country": country}))
                    .await
                    .status()
                    .as_u16()
            }
        };
        let statuses = futures_util::future::join(move_to(&a, to_a), move_to(&b, to_b)).await;
        assert_eq!(statuses, (200, 200), "round {round}");
    }
    summit_in_france_and_italy(&app).await;
}

#[tokio::test]
async fn an_event_page_is_its_events_as_read_one_by_one_byte_for_byte() {
    let app = spawn_app().await;
    let everything = created(
        &app,
        "/api/v1/events",
        json!({
            "title": "Moscou « solutions » \"numériques\" \\ C:\\ 🏙 </script>",
            "description": "Four hours,\tMoscow–Paris\r\nteleconference: ü, ß, 中文\u{2028}.",
            "kind": "teleconference", "format": "hybrid", "status": "completed",
            "starts_at": "2019-11-14T10:00:00.123456Z", "ends_at": "2019-11-14T14:00:00.5Z",
            "timezone": "Europe/Moscow", "languages": ["ru", "fr"],
            "sectors": ["smart-city", "it"], "external_id": "ref:evt-1.A~"
        }),
    )
    .await;
    let bare = created(
        &app,
        "/api/v1/events",
        event("Bare", "2026-12-10T09:00:00Z", "2026-12-10T13:00:00Z"),
    )
    .await;
    for id in [&everything, &bare] {
        create(
            &app,
            &format!("/api/v1/events/{id}/venues"),
            venue("Hall", "Paris", "FR"),
        )
        .await;
    }
    // What the API cannot be sent but a row may hold: control characters, and times on a
    // whole second or millisecond (a serialiser writes 0, 3 or 6 decimals).
    let mut conn = app.connection().await;
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut conn,
        &format!(
            "UPDATE events SET description = E'bell \\u0007 nul-less \\u001f del \\u007f',
                 created_at = '2026-01-02T03:04:05Z', updated_at = '2026-01-02T03:04:06.120Z'
             WHERE id = '{bare}'"
        ),
    )
    .await
    .unwrap();

    let anonymous = app.anonymous();
    for query in [
        "",
        "sort=-starts_at",
        "sort=-updated_at&limit=1",
        "country=FR",
        "country=FR&sort=-starts_at&limit=1",
        "q=moscou",
    ] {
        let (page, expected) = page_and_reads_by_id(&anonymous, "/api/v1/events", query).await;
        assert_eq!(page, expected, "{query}");
        assert!(page.contains("\"id\""), "{query}: {page}");
    }
    // Any column written by SQL alone rewrites the item.
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut conn,
        &format!("UPDATE events SET title = 'Renamed in SQL' WHERE id = '{everything}'"),
    )
    .await
    .unwrap();
    let (page, expected) = page_and_reads_by_id(&app, "/api/v1/events", "country=FR").await;
    assert_eq!(page, expected);
    assert!(page.contains("Renamed in SQL"));
    assert_eq!(item_ids(&page), [everything, bare]);
}
