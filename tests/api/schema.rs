//! The database's own definitions: the rules written in SQL agree with their Rust twins, and
//! the current body of every function and trigger is readable in one committed file.

use chrono::NaiveDate;
use coop_domain::offers::{OfferState, OfferStatus};
use diesel::sql_types::{Bool, Date, Nullable, Text};
use diesel::{QueryableByName, sql_query};
use diesel_async::RunQueryDsl;

use crate::helpers::spawn_app;

#[derive(QueryableByName)]
struct Listed {
    #[diesel(sql_type = Bool)]
    listed: bool,
}

#[tokio::test]
async fn listed_means_the_same_in_sql_and_in_rust() {
    let app = spawn_app().await;
    let mut conn = app.connection().await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let days = [None, today.pred_opt(), Some(today), today.succ_opt()];
    for status in [
        OfferStatus::Draft,
        OfferStatus::Published,
        OfferStatus::Closed,
    ] {
        for valid_until in days {
            let sql: Listed = sql_query("SELECT coop_offer_listed($1, $2, $3) AS listed")
                .bind::<Text, _>(<&'static str>::from(status))
                .bind::<Nullable<Date>, _>(valid_until)
                .bind::<Date, _>(today)
                .get_result(&mut conn)
                .await
                .unwrap();
            let rust = OfferState::of(status, valid_until, today).is_listed();
            assert_eq!(sql.listed, rust, "{status:?} until {valid_until:?}");
        }
    }
}

#[derive(QueryableByName)]
struct Definition {
    #[diesel(sql_type = Text)]
    definition: String,
}

/// Offers inserted by one statement get their change rows from a statement trigger; each must
/// be the row `coop_record_change` writes for an insert of that offer alone.
#[tokio::test]
async fn offers_inserted_together_record_the_changes_one_insert_records() {
    let app = spawn_app().await;
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    // (status, published_at, valid_until): listed, draft, and published but expired.
    let offers = [
        ("published", "'2026-11-01T10:00:00Z'", "NULL"),
        ("draft", "NULL", "NULL"),
        ("published", "'2026-11-01T10:00:00Z'", "'2020-01-01'"),
    ];
    let insert = |prefix: &str| {
        let rows: Vec<String> = offers
            .iter()
            .enumerate()
            .map(|(n, (status, published_at, valid_until))| {
                format!(
                    "('{prefix}{n:011x}', '{company}', 'business_offer', '{{distribution}}', \
                     'Offer {n}', '{{it,medtech}}', '{{FR,BE}}', '{status}', {published_at}, \
                     {valid_until}, '2026-11-02T10:00:00Z', '2026-11-02T10:00:0{n}Z', '', '')"
                )
            })
            .collect();
        format!(
            "INSERT INTO cooperation_offers (id, company_id, kind, cooperation_types, title, \
             sectors, target_countries, status, published_at, valid_until, created_at, \
             updated_at, search_text, search_body) VALUES {}",
            rows.join(", ")
        )
    };
    // One at a time through the row trigger, the statement trigger off meanwhile.
    app.sql("ALTER TABLE cooperation_offers DISABLE TRIGGER cooperation_offers_inserted")
        .await;
    app.sql(
        "CREATE TRIGGER one_at_a_time AFTER INSERT ON cooperation_offers FOR EACH ROW \
         EXECUTE FUNCTION coop_record_change('cooperation_offer')",
    )
    .await;
    app.sql(&insert("01900000-0000-7000-8000-0")).await;
    app.sql("DROP TRIGGER one_at_a_time ON cooperation_offers")
        .await;
    app.sql("ALTER TABLE cooperation_offers ENABLE TRIGGER cooperation_offers_inserted")
        .await;
    app.sql(&insert("01900000-0000-7000-8000-1")).await;
    let mut conn = app.connection().await;
    let mut changes = async |prefix: &str| -> Vec<String> {
        let rows: Vec<Definition> = sql_query(format!(
            "SELECT concat_ws(' | ', resource_type, right(resource_id::text, 11), parent_id, \
                 operation, version, public_before, public_after, \
                 array_length(audience, 1), audience[1]) AS definition
             FROM changes WHERE resource_id::text LIKE '{prefix}%' ORDER BY resource_id"
        ))
        .load(&mut conn)
        .await
        .unwrap();
        rows.into_iter().map(|row| row.definition).collect()
    };
    let one_at_a_time = changes("01900000-0000-7000-8000-0").await;
    let together = changes("01900000-0000-7000-8000-1").await;
    assert_eq!(one_at_a_time.len(), 3, "{one_at_a_time:?}");
    assert_eq!(together, one_at_a_time);
    assert!(together[0].contains("| created |"), "{together:?}");
    assert!(together[0].contains("| f | t |"), "{together:?}");
    assert!(together[1].contains("| f | f |"), "{together:?}");
    assert!(together[2].contains("| f | f |"), "{together:?}");
}

/// Every function and trigger of the schema (those of extensions left out), as PostgreSQL
/// prints them after all migrations, in `migrations/current.sql`: a migration that replaces a
/// function leaves its new body there for the next reader. `UPDATE_SNAPSHOTS=1 cargo test`
/// rewrites the file.
#[tokio::test]
async fn the_current_functions_and_triggers_are_in_migrations_current_sql() {
    let app = spawn_app().await;
    let mut conn = app.connection().await;
    let rows: Vec<Definition> = sql_query(
        "SELECT definition FROM (
             SELECT 1 AS kind, p.proname::text AS name,
                    pg_get_functiondef(p.oid) AS definition
             FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'public'
             WHERE NOT EXISTS (SELECT FROM pg_depend d
                               WHERE d.objid = p.oid AND d.deptype = 'e')
             UNION ALL
             SELECT 2, t.tgname::text, pg_get_triggerdef(t.oid, true) || ';'
             FROM pg_trigger t
             JOIN pg_class c ON c.oid = t.tgrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
             WHERE NOT t.tgisinternal) AS d
         ORDER BY kind, name, definition",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let mut current = String::from(
        "-- The functions and triggers of the schema as they are after every migration, printed\n\
         -- by PostgreSQL (pg_get_functiondef, pg_get_triggerdef). Generated by the test\n\
         -- the_current_functions_and_triggers_are_in_migrations_current_sql; not a migration.\n",
    );
    for row in rows {
        current.push('\n');
        current.push_str(row.definition.trim_end());
        current.push('\n');
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/current.sql");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &current).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == current,
        "migrations/current.sql differs from the migrated schema: review and run \
         UPDATE_SNAPSHOTS=1 cargo test"
    );
}

#[tokio::test]
async fn two_processes_starting_together_on_a_new_database_migrate_it_once() {
    let url = crate::helpers::empty_database().await;
    let (first, second) = tokio::join!(
        coop_store::db::run_migrations(&url),
        coop_store::db::run_migrations(&url)
    );
    let (first, second) = (first.expect("first start"), second.expect("second start"));
    assert!(first > 0 || second > 0);
    assert_eq!(first.min(second), 0, "the second found nothing left to do");
    assert_eq!(coop_store::db::run_migrations(&url).await.unwrap(), 0);
}
