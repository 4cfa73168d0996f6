//! List pages whose best plan does not depend on their filter's value write their row count
//! into the statement, so that PostgreSQL keeps one generic plan per connection instead of
//! planning every execution again; those whose plan does depend on it keep the count as a
//! parameter and are planned for their values.

use coop_domain::listing::{NameListing, NameSort, Position};
use coop_domain::offers::OfferSort;
use coop_domain::search::SearchText;
use coop_store::companies::{self, CompanyFilter};
use coop_store::offers::{self, OfferFilter};
use coop_store::speakers::{self, SpeakerFilter};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::helpers::spawn_app;

#[derive(QueryableByName, Debug)]
struct Prepared {
    #[diesel(sql_type = Text)]
    statement: String,
    #[diesel(sql_type = BigInt)]
    generic_plans: i64,
}

/// This connection's prepared statements that read `from` (`"companies"`, …).
async fn prepared(conn: &mut AsyncPgConnection, from: &str) -> Vec<Prepared> {
    diesel::sql_query(
        "SELECT statement, generic_plans FROM pg_prepared_statements
         WHERE statement LIKE '%FROM ' || $1 || '%' ORDER BY prepare_time",
    )
    .bind::<Text, _>(from)
    .load(conn)
    .await
    .unwrap()
}

const NAME_PAGE: NameListing = NameListing {
    limit: 20,
    sort: NameSort::Name,
    after: Position::Start,
};

#[tokio::test]
async fn a_page_by_country_keeps_one_generic_plan_and_a_text_search_is_planned_for_its_words() {
    let app = spawn_app().await;
    app.create_company("Orpea", "company", "FR").await;
    let mut conn = app.connection().await;
    let by_country = || CompanyFilter {
        country: Some("FR".into()),
        ..Default::default()
    };
    let searched = || CompanyFilter {
        q: SearchText::new("orpea"),
        ..by_country()
    };
    // PostgreSQL tries five plans made for the values before it weighs a generic one.
    for _ in 0..8 {
        assert_eq!(
            companies::list(&mut conn, &by_country(), &NAME_PAGE)
                .await
                .unwrap()
                .len(),
            1
        );
        companies::list(&mut conn, &searched(), &NAME_PAGE)
            .await
            .unwrap();
    }
    let statements = prepared(&mut conn, r#""companies""#).await;
    assert_eq!(statements.len(), 2, "{statements:?}");
    let (page, search) = (&statements[0], &statements[1]);
    assert!(page.statement.ends_with(" LIMIT 21"), "{page:?}");
    assert!(page.generic_plans >= 3, "{page:?}");
    assert!(search.statement.contains(" LIMIT $"), "{search:?}");
}

#[tokio::test]
async fn a_page_of_speakers_by_country_carries_its_row_count() {
    let app = spawn_app().await;
    let mut conn = app.connection().await;
    let in_france = SpeakerFilter {
        country: Some("FR".into()),
        ..Default::default()
    };
    for _ in 0..8 {
        speakers::list(&mut conn, &in_france, &NAME_PAGE)
            .await
            .unwrap();
    }
    let statements = prepared(&mut conn, r#""speakers""#).await;
    assert_eq!(statements.len(), 1, "{statements:?}");
    assert!(
        statements[0].statement.ends_with(" LIMIT 21"),
        "{statements:?}"
    );
    assert!(statements[0].generic_plans >= 3, "{statements:?}");
}

#[derive(QueryableByName, Debug)]
struct Setting {
    #[diesel(sql_type = Text)]
    function: String,
    #[diesel(sql_type = Text)]
    settings: String,
}

#[tokio::test]
async fn a_page_of_offers_by_market_sector_or_company_country_is_one_call_of_a_generic_plan() {
    let app = spawn_app().await;
    let mut conn = app.connection().await;
    let today = chrono::Utc::now().date_naive();
    let sectors = ["medtech", "energy", "ai", "pharma"];
    for (i, sector) in sectors.iter().cycle().take(8).enumerate() {
        let country = ["FR", "RU"][i % 2];
        for filter in [
            OfferFilter {
                sector: Some(sector.to_string()),
                target_country: Some(country.into()),
                ..Default::default()
            },
            OfferFilter {
                sector: Some(sector.to_string()),
                ..Default::default()
            },
            OfferFilter {
                company_country: Some(country.into()),
                ..Default::default()
            },
        ] {
            offers::list(&mut conn, &filter, OfferSort::default(), None, 20, today)
                .await
                .unwrap();
            // The offer list's own read: the items each table keeps.
            offers::page(&mut conn, &filter, OfferSort::default(), None, 20, today)
                .await
                .unwrap();
        }
    }
    // One statement per list on the connection, whatever the values, reading no search vector.
    for function in [
        "cooperation_offer_items_in_market",
        "cooperation_offer_items_in_sector",
        "cooperation_offer_items_from_country",
        "cooperation_offers_in_market",
        "cooperation_offers_in_sector",
        "cooperation_offers_from_country",
    ] {
        let statements = prepared(&mut conn, &format!("{function}(")).await;
        assert_eq!(statements.len(), 1, "{function}: {statements:?}");
        assert!(
            !statements[0].statement.contains("search"),
            "{statements:?}"
        );
    }
    // Their own statements are planned once per connection, generic.
    let settings: Vec<Setting> = diesel::sql_query(
        "SELECT proname::text AS function, array_to_string(proconfig, ',') AS settings
         FROM pg_proc WHERE proretset AND prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
         ORDER BY proname",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let functions: Vec<&str> = settings.iter().map(|s| s.function.as_str()).collect();
    assert_eq!(
        functions,
        [
            "cooperation_offer_items_from_country",
            "cooperation_offer_items_in_market",
            "cooperation_offer_items_in_sector",
            "cooperation_offers_from_country",
            "cooperation_offers_in_market",
            "cooperation_offers_in_sector"
        ]
    );
    for setting in &settings {
        assert_eq!(
            setting.settings, "plan_cache_mode=force_generic_plan",
            "{setting:?}"
        );
    }
}
