//! A nightly sync's questions to every list: what changed since a time (`updated_since`), in
//! the order of the changes (`sort=updated_at`), page after page.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, create, error_fields, id, spawn_app};

/// A list path and three bodies to create in it, and a patch that changes one.
struct Resource {
    path: &'static str,
    bodies: [Value; 3],
    patch: Value,
}

async fn resources(app: &TestApp) -> Vec<Resource> {
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    let offer = |title: &str| {
        json!({"company_id": company, "kind": "technology_offer", "cooperation_types": ["licensing"],
               "title": title, "sectors": ["medtech"], "target_countries": ["FR"], "status": "published"})
    };
    let event = |title: &str| {
        json!({"title": title, "kind": "teleconference", "format": "hybrid", "status": "completed",
               "starts_at": "2019-11-14T10:00:00Z", "ends_at": "2019-11-14T14:00:00Z", "timezone": "Europe/Moscow"})
    };
    vec![
        Resource {
            path: "/api/v1/companies",
            bodies: [
                json!({"name": "Skolkovo", "kind": "foundation", "country": "RU"}),
                json!({"name": "Orange", "kind": "company", "country": "FR"}),
                json!({"name": "Interact", "kind": "startup", "country": "FR"}),
            ],
            patch: json!({"city": "Moscow"}),
        },
        Resource {
            path: "/api/v1/speakers",
            bodies: [
                json!({"full_name": "Evgueny Dridzé"}),
                json!({"full_name": "Arnaud Trousset"}),
                json!({"full_name": "Jean-Luc Nahel"}),
            ],
            patch: json!({"country": "RU"}),
        },
        Resource {
            path: "/api/v1/events",
            bodies: [event("Moscou"), event("Paris"), event("Lyon")],
            patch: json!({"description": "Moscow and Paris linked"}),
        },
        Resource {
            path: "/api/v1/cooperation-offers",
            bodies: [offer("Exoskeleton"), offer("Sensors"), offer("Drones")],
            patch: json!({"summary": "Distributors wanted"}),
        },
    ]
}

/// Every page of `query` on `path`, one item a page: the ids in order.
async fn read_all(app: &TestApp, path: &str, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut url = format!("{path}?limit=1&{query}");
    loop {
        let response = app.get(&url).await;
        assert_eq!(response.status(), 200, "{url}");
        let page: Value = response.json().await.unwrap();
        ids.extend(page["items"].as_array().unwrap().iter().map(id));
        match page["next_cursor"].as_str() {
            Some(cursor) => url = format!("{path}?limit=1&{query}&cursor={cursor}"),
            None => return ids,
        }
        assert!(ids.len() < 10, "{url}: pages do not end");
    }
}

#[tokio::test]
async fn every_list_reads_what_changed_since_a_time_in_the_order_of_the_changes() {
    let app = spawn_app().await;
    for resource in resources(&app).await {
        let path = resource.path;
        let mut created = Vec::new();
        for body in resource.bodies.clone() {
            created.push(create(&app, path, body).await);
        }
        let [first, second, third] = [0, 1, 2].map(|i| id(&created[i]));
        // Since the second was written: the second and the third.
        let since = created[1]["updated_at"]
            .as_str()
            .unwrap()
            .replace('+', "%2B");
        let query = format!("updated_since={since}&sort=updated_at");
        assert_eq!(
            read_all(&app, path, &query).await,
            [second.clone(), third.clone()],
            "{path}"
        );
        // The first changes: it is now the latest change.
        let response = app
            .patch_json(&format!("{path}/{first}"), &resource.patch)
            .await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            read_all(&app, path, &query).await,
            [second.clone(), third.clone(), first.clone()],
            "{path}"
        );
        let query = format!("updated_since={since}&sort=-updated_at");
        assert_eq!(
            read_all(&app, path, &query).await,
            [first.clone(), third.clone(), second.clone()],
            "{path}"
        );
        // Nothing changed after the last change.
        let patched: Value = app
            .get(&format!("{path}/{first}"))
            .await
            .json()
            .await
            .unwrap();
        let after = chrono::DateTime::parse_from_rfc3339(patched["updated_at"].as_str().unwrap())
            .unwrap()
            + chrono::Duration::microseconds(1);
        let query = format!("updated_since={}", after.to_rfc3339().replace('+', "%2B"));
        assert!(read_all(&app, path, &query).await.is_empty(), "{path}");
    }
}

#[tokio::test]
async fn a_malformed_updated_since_or_a_cursor_of_another_sort_is_a_400_naming_it() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/companies",
        "/api/v1/speakers",
        "/api/v1/events",
        "/api/v1/cooperation-offers",
    ] {
        let problem = assert_problem(
            app.get(&format!("{path}?updated_since=yesterday")).await,
            400,
        )
        .await;
        assert_eq!(error_fields(&problem), ["updated_since"], "{path}");
    }
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    app.create_company("Orange", "company", "FR").await;
    let page: Value = app
        .get("/api/v1/companies?sort=updated_at&limit=1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(id(&page["items"][0]), company);
    let cursor = page["next_cursor"].as_str().unwrap();
    let problem = assert_problem(
        app.get(&format!(
            "/api/v1/companies?sort=created_at&cursor={cursor}"
        ))
        .await,
        400,
    )
    .await;
    assert_eq!(error_fields(&problem), ["cursor"]);
}

#[tokio::test]
async fn event_parts_and_interests_also_read_what_changed_since_a_time() {
    let app = spawn_app().await;
    let event = create(
        &app,
        "/api/v1/events",
        json!({"title": "Moscou", "kind": "teleconference", "format": "hybrid", "status": "completed",
               "starts_at": "2019-11-14T10:00:00Z", "ends_at": "2019-11-14T14:00:00Z", "timezone": "Europe/Moscow"}),
    )
    .await;
    let venues = format!("/api/v1/events/{}/venues", id(&event));
    let moscow = create(
        &app,
        &venues,
        json!({"name": "Moscow", "city": "Moscow", "country": "RU", "timezone": "Europe/Moscow"}),
    )
    .await;
    let paris = create(
        &app,
        &venues,
        json!({"name": "Paris", "city": "Paris", "country": "FR", "timezone": "Europe/Paris"}),
    )
    .await;
    let since = paris["updated_at"].as_str().unwrap().replace('+', "%2B");
    let ids =
        |page: Value| -> Vec<String> { page["items"].as_array().unwrap().iter().map(id).collect() };
    let read = |path: String| {
        let app = &app;
        async move {
            let response = app.get(&path).await;
            assert_eq!(response.status(), 200, "{path}");
            response.json::<Value>().await.unwrap()
        }
    };
    let query = format!("{venues}?updated_since={since}");
    assert_eq!(ids(read(query.clone()).await), [id(&paris)]);
    let response = app
        .patch_json(
            &format!("{venues}/{}", id(&moscow)),
            &json!({"attendance": 150}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let mut changed = ids(read(query).await);
    changed.sort();
    let mut both = vec![id(&moscow), id(&paris)];
    both.sort();
    assert_eq!(changed, both);

    // An offer's interests, as its owner reads them.
    let owner = app.create_company("ExoAtlet", "startup", "RU").await;
    let offer = create(
        &app,
        "/api/v1/cooperation-offers",
        json!({"company_id": owner, "kind": "technology_offer", "cooperation_types": ["licensing"],
               "title": "Exoskeleton", "sectors": ["medtech"], "target_countries": ["FR"], "status": "published"}),
    )
    .await;
    let interests = format!("/api/v1/cooperation-offers/{}/interests", id(&offer));
    let mut made = Vec::new();
    for name in ["Medidistrib", "Clinique Paris"] {
        let company = app.create_company(name, "company", "FR").await;
        made.push(
            create(
                &app,
                &interests,
                json!({"company_id": company, "message": "We distribute rehabilitation equipment.",
                       "contact": {"name": "Claire Martin", "email": "claire@medidistrib.example"}}),
            )
            .await,
        );
    }
    let since = made[1]["updated_at"].as_str().unwrap().replace('+', "%2B");
    assert_eq!(
        ids(read(format!("{interests}?updated_since={since}")).await),
        [id(&made[1])]
    );
}
