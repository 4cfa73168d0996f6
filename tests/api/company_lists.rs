//! The company list: filters, text search, keyset pages and sort orders, its parameter
//! errors, and its items (rendered by PostgreSQL) against the companies read by id.

use serde_json::{Value, json};

use diesel_async::SimpleAsyncConnection;

use crate::helpers::{
    TestApp, assert_problem, create, created, error_fields, item_ids, item_names as names,
    page_and_reads_by_id, spawn_app,
};

async fn list(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/companies{query}")).await;
    assert_eq!(response.status(), 200, "list {query}");
    response.json().await.unwrap()
}

async fn seed_article_organisations(app: &TestApp) {
    for body in [
        json!({"name": "Skolkovo Foundation", "native_name": "Фонд «Сколково»", "kind": "foundation", "country": "RU", "city": "Moscow", "sectors": ["research", "it"]}),
        json!({"name": "Orange Business Services", "kind": "company", "country": "FR", "city": "Paris", "sectors": ["it", "telecom", "smart-city"]}),
        json!({"name": "Interact Software", "kind": "startup", "country": "FR", "sectors": ["it"]}),
        json!({"name": "ExoAtlet", "native_name": "ЭкзоАтлет", "kind": "startup", "country": "RU", "sectors": ["medtech", "healthcare"]}),
        json!({"name": "Département des relations économiques de Moscou (Evgueny Dridzé)", "kind": "government_body", "country": "RU", "city": "Moscow", "sectors": ["government"]}),
        json!({"name": "CCI France Russie", "kind": "chamber_of_commerce", "country": "RU", "city": "Moscow", "sectors": ["consulting"]}),
        json!({"name": "Aéro-Club de France", "kind": "association", "country": "FR", "city": "Paris", "sectors": ["aerospace"]}),
    ] {
        create(app, "/api/v1/companies", body).await;
    }
}

#[tokio::test]
async fn list_filters_by_country_kind_and_sector() {
    let app = spawn_app().await;
    seed_article_organisations(&app).await;
    assert_eq!(
        names(&list(&app, "?country=FR").await),
        [
            "Aéro-Club de France",
            "Interact Software",
            "Orange Business Services"
        ]
    );
    assert_eq!(
        names(&list(&app, "?kind=startup").await),
        ["ExoAtlet", "Interact Software"]
    );
    assert_eq!(
        names(&list(&app, "?sector=it&country=FR").await),
        ["Interact Software", "Orange Business Services"]
    );
    assert_eq!(
        names(&list(&app, "?sector=pharma").await),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn q_matches_names_ignoring_case_accents_and_script() {
    let app = spawn_app().await;
    seed_article_organisations(&app).await;
    let dridze = "Département des relations économiques de Moscou (Evgueny Dridzé)";
    assert_eq!(names(&list(&app, "?q=dridze").await), [dridze]);
    assert_eq!(names(&list(&app, "?q=DRIDZÉ").await), [dridze]);
    assert_eq!(
        names(&list(&app, "?q=aero-club").await),
        ["Aéro-Club de France"]
    );
    // The Cyrillic native name is searchable in Latin script and in Cyrillic.
    assert_eq!(
        names(&list(&app, "?q=%D0%AD%D0%BA%D0%B7%D0%BE").await),
        ["ExoAtlet"]
    );
    assert_eq!(
        names(&list(&app, "?q=skolkovo").await),
        ["Skolkovo Foundation"]
    );
    // Punctuation alone (`%`, `_`) is no wildcard: it matches nothing.
    assert_eq!(names(&list(&app, "?q=%25").await), Vec::<String>::new());
    assert_eq!(names(&list(&app, "?q=_").await), Vec::<String>::new());
}

#[tokio::test]
async fn pages_follow_the_cursor_without_gaps_or_repeats() {
    let app = spawn_app().await;
    seed_article_organisations(&app).await;
    let mut seen = Vec::new();
    let mut query = "?limit=3".to_string();
    let mut pages = 0;
    loop {
        let response = app.get(&format!("/api/v1/companies{query}")).await;
        assert_eq!(response.status(), 200);
        let link = response
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_string());
        let page: Value = response.json().await.unwrap();
        pages += 1;
        assert!(page["items"].as_array().unwrap().len() <= 3);
        seen.extend(names(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                let link = link.expect("a Link header while a next page exists");
                assert!(link.contains("rel=\"next\""));
                assert!(link.contains(&format!("cursor={cursor}")));
                assert!(link.contains("limit=3"));
                query = format!("?limit=3&cursor={cursor}");
            }
            None => {
                assert!(link.is_none(), "no Link header on the last page");
                break;
            }
        }
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort_by_key(|n| n.to_lowercase().replace('é', "e"));
    assert_eq!(seen, sorted, "sorted by name, accents ignored");
    assert_eq!(seen.len(), 7);
}

#[tokio::test]
async fn sort_orders_by_name_or_creation_time_in_either_direction() {
    let app = spawn_app().await;
    seed_article_organisations(&app).await;
    let by_name = names(&list(&app, "?sort=name").await);
    let mut reversed = names(&list(&app, "?sort=-name").await);
    reversed.reverse();
    assert_eq!(by_name, reversed);
    let oldest = names(&list(&app, "?sort=created_at").await);
    assert_eq!(oldest[0], "Skolkovo Foundation");
    assert_eq!(oldest[6], "Aéro-Club de France");
    let mut newest = names(&list(&app, "?sort=-created_at&limit=4").await);
    let second = list(&app, "?sort=-created_at&limit=4").await;
    let cursor = second["next_cursor"].as_str().unwrap();
    newest.extend(names(
        &list(&app, &format!("?sort=-created_at&limit=4&cursor={cursor}")).await,
    ));
    newest.reverse();
    assert_eq!(newest, oldest);
}

#[tokio::test]
async fn invalid_list_parameters_return_400_naming_the_parameter() {
    let app = spawn_app().await;
    seed_article_organisations(&app).await;
    let first = list(&app, "?limit=2").await;
    let name_cursor = first["next_cursor"].as_str().unwrap().to_string();
    let cases = [
        ("?limit=0", "limit"),
        ("?limit=1000", "limit"),
        ("?limit=abc", "limit"),
        ("?cursor=not-a-cursor", "cursor"),
        (
            "?cursor=eyJzIjoibmFtZSIsImsiOjQyLCJpZCI6IjAxOTBmNWM0LTZhMmUtN2NjMS04ZDFlLTRjNGI1YTFmMmUzZCJ9",
            "cursor",
        ),
        (
            &format!("?sort=created_at&cursor={name_cursor}") as &str,
            "cursor",
        ),
        ("?country=XX", "country"),
        ("?country=fr", "country"),
        ("?kind=robot", "kind"),
        ("?sector=nope", "sector"),
        ("?sort=size", "sort"),
        ("?contry=FR", "contry"),
    ];
    for (query, field) in cases {
        let problem =
            assert_problem(app.get(&format!("/api/v1/companies{query}")).await, 400).await;
        assert_eq!(error_fields(&problem), [field], "{query}");
    }
}

#[tokio::test]
async fn a_company_page_is_its_companies_as_read_one_by_one_byte_for_byte() {
    let app = spawn_app().await;
    let everything = created(
        &app,
        "/api/v1/companies",
        json!({
            "name": "Экзоатлет « ExoAtlet » \"II\" \\ C:\\ 🦾 </script>",
            "native_name": "ЭкзоАтлет «тест»",
            "kind": "chamber_of_commerce",
            "country": "RU",
            "city": "Moscou / Москва",
            "website": "https://exoatlet.example/a?b=c&d=e",
            "description": "Long text with \"quotes\",\ta / slash\r\nand ü, ß, 中文\u{2028}.",
            "sectors": ["medtech", "healthcare"],
            "external_id": "ref:exo-1.A~"
        }),
    )
    .await;
    let bare = created(
        &app,
        "/api/v1/companies",
        json!({"name": "Bare", "kind": "startup", "country": "RU"}),
    )
    .await;
    // What the API cannot be sent but a row may hold: control characters, and times on a
    // whole second or millisecond (a serialiser writes 0, 3 or 6 decimals).
    let mut conn = app.connection().await;
    conn.batch_execute(&format!(
        "UPDATE companies SET description = E'bell \\u0007 nul-less \\u001f del \\u007f',
             created_at = '2026-01-02T03:04:05Z', updated_at = '2026-01-02T03:04:06.120Z'
         WHERE id = '{bare}'"
    ))
    .await
    .unwrap();

    for query in [
        "country=RU",
        "country=RU&sort=-name",
        "country=RU&sort=created_at&limit=1",
        "sort=-updated_at",
        "q=exoatlet",
        "kind=startup",
    ] {
        let (page, expected) = page_and_reads_by_id(&app, "/api/v1/companies", query).await;
        assert_eq!(page, expected, "{query}");
        assert!(page.contains("\"id\""), "{query}: {page}");
    }
    // Any column written by SQL alone rewrites the item.
    conn.batch_execute(&format!(
        "UPDATE companies SET name = 'Renamed in SQL', sort_name = 'renamed in sql'
         WHERE id = '{everything}'"
    ))
    .await
    .unwrap();
    let (page, expected) = page_and_reads_by_id(&app, "/api/v1/companies", "country=RU").await;
    assert_eq!(page, expected);
    assert!(page.contains("Renamed in SQL"));
    assert_eq!(item_ids(&page), [bare, everything]);
}
