//! Reads from a standby (`DATABASE_READ_URL`): what goes there and what stays on the primary.

use serde_json::Value;

use crate::helpers::{item_names, replica_with_lagging_standby, spawn_app};

async fn names(response: reqwest::Response) -> Vec<String> {
    assert_eq!(response.status(), 200);
    item_names(&response.json::<Value>().await.unwrap())
}

#[tokio::test]
async fn anonymous_lists_read_the_standby_while_keys_reads_by_id_and_writes_use_the_primary() {
    let app = spawn_app().await;
    let id = app.create_company("Orpea", "company", "FR").await;
    // A standby that has replayed nothing yet.
    let replica = replica_with_lagging_standby(&app).await;

    // Lists, search and exports without a key come from the standby: not there yet.
    assert!(
        names(replica.anonymous().get("/api/v1/companies").await)
            .await
            .is_empty()
    );
    let search: Value = replica
        .anonymous()
        .get("/api/v1/search?q=orpea")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(search["items"].as_array().unwrap().len(), 0, "{search}");
    let export = replica.anonymous().get("/api/v1/companies/export").await;
    assert_eq!(export.status(), 200);
    assert_eq!(export.text().await.unwrap(), "");

    // With a key the caller reads the primary: its own writes at once.
    assert_eq!(
        names(replica.get("/api/v1/companies").await).await,
        vec!["Orpea"]
    );
    // A read by id goes to the primary for everyone.
    let one = replica
        .anonymous()
        .get(&format!("/api/v1/companies/{id}"))
        .await;
    assert_eq!(one.status(), 200);

    // A write through the replica lands on the primary (and so is seen by the first server).
    let created = replica.create_company("Skolkovo", "cluster", "RU").await;
    let seen = app.get(&format!("/api/v1/companies/{created}")).await;
    assert_eq!(seen.status(), 200);
}
