//! Expressions of interest: the lifecycle pending → accepted | declined | withdrawn, its
//! errors, and who sees what (contacts only once accepted).

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

/// ExoAtlet (owner of a published offer), MediDistrib (interested) and a third company.
struct Setup {
    app: TestApp,
    owner: String,
    sender: String,
    owner_key: String,
    sender_key: String,
    third_key: String,
    offer: String,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let owner = app.create_company("ExoAtlet", "startup", "RU").await;
    let sender = app.create_company("MediDistrib", "company", "FR").await;
    let third = app.create_company("Cargo.Tech", "startup", "RU").await;
    let owner_key = app.create_key("company", Some(&owner)).await;
    let sender_key = app.create_key("company", Some(&sender)).await;
    let third_key = app.create_key("company", Some(&third)).await;
    let offer = create_offer(&app, &owner_key, &owner, "published", None).await;
    Setup {
        app,
        owner,
        sender,
        owner_key,
        sender_key,
        third_key,
        offer,
    }
}

async fn create_offer(
    app: &TestApp,
    key: &str,
    company: &str,
    status: &str,
    valid_until: Option<&str>,
) -> String {
    let body = json!({
        "company_id": company, "kind": "technology_offer", "cooperation_types": ["distribution"],
        "title": "Medical exoskeleton: distributors wanted in France", "sectors": ["medtech"],
        "target_countries": ["FR"], "status": status, "valid_until": valid_until
    });
    let response = app
        .as_key(key)
        .post_json("/api/v1/cooperation-offers", &body)
        .await;
    assert_eq!(response.status(), 201, "{body}");
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn interest() -> Value {
    json!({
        "message": "We distribute rehabilitation equipment to 40 clinics in France.",
        "contact": {"name": "Claire Martin", "email": "claire@medidistrib.example"}
    })
}

fn interests(offer: &str) -> String {
    format!("/api/v1/cooperation-offers/{offer}/interests")
}

async fn express(s: &Setup) -> Value {
    let response = s
        .app
        .as_key(&s.sender_key)
        .post_json(&interests(&s.offer), &interest())
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_interest_goes_from_pending_to_accepted_and_only_then_reveals_both_contacts() {
    let s = setup().await;
    let created = express(&s).await;
    assert_eq!(created["status"], "pending");
    assert_eq!(created["company_id"], s.sender.as_str());
    assert_eq!(
        created["sender_contact"]["name"], "Claire Martin",
        "the sender sees its own"
    );
    let path = format!(
        "{}/{}",
        interests(&s.offer),
        created["id"].as_str().unwrap()
    );

    let seen_by_owner: Value = s
        .app
        .as_key(&s.owner_key)
        .get(&path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen_by_owner["message"], created["message"]);
    assert!(
        seen_by_owner.get("sender_contact").is_none(),
        "{seen_by_owner}"
    );
    let listed: Value = s
        .app
        .as_key(&s.owner_key)
        .get(&interests(&s.offer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["id"], created["id"]);
    assert!(!listed.to_string().contains("claire@"));

    let accept = json!({"status": "accepted", "reply": "Let us meet in Paris.",
        "contact": {"name": "Ekaterina Bereziy", "email": "partners@exoatlet.example"}});
    let response = s.app.as_key(&s.owner_key).patch_json(&path, &accept).await;
    assert_eq!(response.status(), 200);
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(accepted["status"], "accepted");
    assert!(accepted["decided_at"].is_string());
    assert_eq!(
        accepted["sender_contact"]["email"],
        "claire@medidistrib.example"
    );
    let seen_by_sender: Value = s
        .app
        .as_key(&s.sender_key)
        .get(&path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        seen_by_sender["owner_contact"]["email"],
        "partners@exoatlet.example"
    );
    assert_eq!(seen_by_sender["reply"], "Let us meet in Paris.");
}

#[tokio::test]
async fn before_acceptance_the_sender_does_not_see_the_owners_contact_and_a_decline_keeps_both_hidden()
 {
    let s = setup().await;
    let created = express(&s).await;
    let path = format!(
        "{}/{}",
        interests(&s.offer),
        created["id"].as_str().unwrap()
    );
    let declined: Value = s
        .app
        .as_key(&s.owner_key)
        .patch_json(&path, &json!({"status": "declined", "reply": "Not now."}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(declined["status"], "declined");
    assert!(declined.get("sender_contact").is_none() && declined.get("owner_contact").is_none());
    let seen_by_sender: Value = s
        .app
        .as_key(&s.sender_key)
        .get(&path)
        .await
        .json()
        .await
        .unwrap();
    assert!(seen_by_sender.get("owner_contact").is_none());
    assert_eq!(seen_by_sender["reply"], "Not now.");
}

#[tokio::test]
async fn interest_in_ones_own_offer_is_422_and_nothing_is_written() {
    let s = setup().await;
    let problem = assert_problem(
        s.app
            .as_key(&s.owner_key)
            .post_json(&interests(&s.offer), &interest())
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "company_id");
    assert_eq!(s.app.count("cooperation_interests").await, 0);
}

#[tokio::test]
async fn a_second_pending_interest_is_409_but_a_withdrawn_one_can_be_renewed() {
    let s = setup().await;
    let first = express(&s).await;
    let sender = s.app.as_key(&s.sender_key);
    assert_problem(
        sender.post_json(&interests(&s.offer), &interest()).await,
        409,
    )
    .await;
    assert_eq!(s.app.count("cooperation_interests").await, 1);
    let path = format!("{}/{}", interests(&s.offer), first["id"].as_str().unwrap());
    let withdrawn = sender
        .patch_json(&path, &json!({"status": "withdrawn"}))
        .await;
    assert_eq!(withdrawn.status(), 200);
    assert_eq!(
        sender
            .post_json(&interests(&s.offer), &interest())
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn closed_and_expired_offers_take_no_interest_and_others_drafts_do_not_exist() {
    let s = setup().await;
    let closed = create_offer(&s.app, &s.owner_key, &s.owner, "published", None).await;
    let close = s
        .app
        .as_key(&s.owner_key)
        .patch_json(
            &format!("/api/v1/cooperation-offers/{closed}"),
            &json!({"status": "closed"}),
        )
        .await;
    assert_eq!(close.status(), 200);
    let expired = create_offer(
        &s.app,
        &s.owner_key,
        &s.owner,
        "published",
        Some("2020-01-01"),
    )
    .await;
    let sender = s.app.as_key(&s.sender_key);
    for offer in [&closed, &expired] {
        let problem =
            assert_problem(sender.post_json(&interests(offer), &interest()).await, 409).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("only published offers")
        );
        let mut body = interest();
        body["company_id"] = json!(s.sender);
        assert_problem(s.app.post_json(&interests(offer), &body).await, 409).await;
    }
    // Another company's draft does not exist for the sender.
    let draft = create_offer(&s.app, &s.owner_key, &s.owner, "draft", None).await;
    assert_problem(sender.post_json(&interests(&draft), &interest()).await, 404).await;
    assert_eq!(s.app.count("cooperation_interests").await, 0);
}

#[tokio::test]
async fn only_the_right_side_takes_each_decision_and_only_once() {
    let s = setup().await;
    let created = express(&s).await;
    let path = format!(
        "{}/{}",
        interests(&s.offer),
        created["id"].as_str().unwrap()
    );
    let owner = s.app.as_key(&s.owner_key);
    let sender = s.app.as_key(&s.sender_key);
    let contact = json!({"name": "Ekaterina Bereziy"});
    assert_problem(
        sender
            .patch_json(&path, &json!({"status": "accepted", "contact": contact}))
            .await,
        403,
    )
    .await;
    assert_problem(
        owner
            .patch_json(&path, &json!({"status": "withdrawn"}))
            .await,
        403,
    )
    .await;
    assert_problem(
        owner.patch_json(&path, &json!({"status": "pending"})).await,
        422,
    )
    .await;
    let problem = assert_problem(
        owner
            .patch_json(&path, &json!({"status": "accepted"}))
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "contact");
    assert_problem(
        owner
            .patch_json(&path, &json!({"status": "declined", "contact": contact}))
            .await,
        422,
    )
    .await;
    assert_problem(
        s.app
            .as_key(&s.third_key)
            .patch_json(&path, &json!({"status": "declined"}))
            .await,
        404,
    )
    .await;
    let still: Value = owner.get(&path).await.json().await.unwrap();
    assert_eq!(still["status"], "pending");

    assert_eq!(
        owner
            .patch_json(&path, &json!({"status": "accepted", "contact": contact}))
            .await
            .status(),
        200
    );
    assert_problem(
        owner
            .patch_json(&path, &json!({"status": "declined"}))
            .await,
        409,
    )
    .await;
    assert_problem(
        sender
            .patch_json(&path, &json!({"status": "withdrawn"}))
            .await,
        409,
    )
    .await;
    let done: Value = owner.get(&path).await.json().await.unwrap();
    assert_eq!(done["status"], "accepted");
}

#[tokio::test]
async fn only_the_two_companies_and_staff_see_an_interest() {
    let s = setup().await;
    let created = express(&s).await;
    let path = format!(
        "{}/{}",
        interests(&s.offer),
        created["id"].as_str().unwrap()
    );
    let third = s.app.as_key(&s.third_key);
    assert_problem(third.get(&path).await, 404).await;
    let page: Value = third.get(&interests(&s.offer)).await.json().await.unwrap();
    assert_eq!(page["items"], json!([]));
    assert_problem(s.app.anonymous().get(&interests(&s.offer)).await, 401).await;
    assert_problem(s.app.anonymous().get(&path).await, 401).await;
    let editor = s.app.create_key("editor", None).await;
    let seen: Value = s.app.as_key(&editor).get(&path).await.json().await.unwrap();
    assert_eq!(seen["sender_contact"]["name"], "Claire Martin");
}

#[tokio::test]
async fn a_company_key_expresses_interest_only_for_itself_and_staff_must_name_the_company() {
    let s = setup().await;
    let mut body = interest();
    body["company_id"] = json!(s.owner);
    assert_problem(
        s.app
            .as_key(&s.third_key)
            .post_json(&interests(&s.offer), &body)
            .await,
        403,
    )
    .await;
    let problem = assert_problem(
        s.app.post_json(&interests(&s.offer), &interest()).await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "company_id");
    let mut bad = interest();
    bad["contact"]["email"] = json!("not-an-email");
    bad["message"] = json!("");
    let problem = assert_problem(
        s.app
            .as_key(&s.sender_key)
            .post_json(&interests(&s.offer), &bad)
            .await,
        422,
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["message", "contact.email"]);
    assert_eq!(s.app.count("cooperation_interests").await, 0);
}

#[tokio::test]
async fn an_offer_with_interests_cannot_be_deleted() {
    let s = setup().await;
    express(&s).await;
    let path = format!("/api/v1/cooperation-offers/{}", s.offer);
    let problem = assert_problem(s.app.as_key(&s.owner_key).delete(&path).await, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("close it"));
    assert_eq!(s.app.count("cooperation_offers").await, 1);
}
