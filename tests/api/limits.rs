//! Abuse limits and hardening (OWASP API4 unrestricted resource consumption, API6 sensitive
//! business flows, API8 security misconfiguration): rate limits, body and page sizes,
//! security headers, CORS, private deployments.

use coopapi::config::AccessSettings;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app, spawn_app_with};

fn tight() -> AccessSettings {
    AccessSettings {
        anonymous_rate_limit: 60,
        anonymous_burst: 3,
        key_rate_limit: 60,
        key_burst: 5,
        ..AccessSettings::default()
    }
}

#[tokio::test]
async fn an_address_gets_429_after_its_burst_with_retry_after_and_ratelimit_headers() {
    let app = spawn_app_with(tight()).await;
    for remaining in (0..3).rev() {
        let response = app.anonymous().get("/api/v1/sectors").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["ratelimit-limit"], "3");
        assert_eq!(
            response.headers()["ratelimit-remaining"],
            remaining.to_string().as_str()
        );
        assert_eq!(response.headers()["ratelimit-policy"], "3;w=3");
    }
    let response = app.anonymous().get("/api/v1/sectors").await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert_eq!(response.headers()["ratelimit-remaining"], "0");
    assert_problem(response, 429).await;
    // A key has a bucket of its own.
    assert_eq!(app.get("/api/v1/sectors").await.status(), 200);
}

#[tokio::test]
async fn a_key_gets_429_after_its_burst_and_its_writes_stop() {
    let app = spawn_app_with(tight()).await;
    let body = json!({"name": "Spam", "kind": "startup", "country": "FR"});
    for _ in 0..5 {
        assert_eq!(
            app.post_json("/api/v1/companies", &body).await.status(),
            201
        );
    }
    assert_problem(app.post_json("/api/v1/companies", &body).await, 429).await;
    assert_eq!(app.count("companies").await, 5);
}

#[tokio::test]
async fn guessing_keys_is_limited_like_any_anonymous_request() {
    let app = spawn_app_with(tight()).await;
    let guess = format!("Bearer coop_000000000000_{}", "A".repeat(43));
    for _ in 0..3 {
        assert_problem(
            app.with_authorization(&guess).get("/api/v1/sectors").await,
            401,
        )
        .await;
    }
    assert_problem(
        app.with_authorization(&guess).get("/api/v1/sectors").await,
        429,
    )
    .await;
}

#[tokio::test]
async fn a_body_over_1_mib_is_413_and_nothing_is_written() {
    let app = spawn_app().await;
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    let body = json!({
        "company_id": company, "kind": "technology_offer", "cooperation_types": ["licensing"],
        "title": "Big", "sectors": ["medtech"], "target_countries": ["FR"],
        "description": "x".repeat(1024 * 1024)
    });
    assert_problem(
        app.post_json("/api/v1/cooperation-offers", &body).await,
        413,
    )
    .await;
    assert_eq!(app.count("cooperation_offers").await, 0);
}

#[tokio::test]
async fn pages_are_capped_at_100_and_long_strings_and_arrays_are_422() {
    let app = spawn_app().await;
    assert_problem(app.get("/api/v1/cooperation-offers?limit=101").await, 400).await;
    assert_problem(
        app.get(&format!("/api/v1/companies?q={}", "a".repeat(201)))
            .await,
        400,
    )
    .await;
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    for (field, value) in [
        ("title", json!("t".repeat(301))),
        ("target_countries", json!(vec!["FR"; 51])),
    ] {
        let mut body = json!({
            "company_id": company, "kind": "technology_offer", "cooperation_types": ["licensing"],
            "title": "Exoskeleton", "sectors": ["medtech"], "target_countries": ["FR"]
        });
        body[field] = value;
        let problem = assert_problem(
            app.post_json("/api/v1/cooperation-offers", &body).await,
            422,
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field);
    }
    assert_eq!(app.count("cooperation_offers").await, 0);
}

#[tokio::test]
async fn responses_carry_security_headers_and_the_docs_policy_lets_swagger_ui_run() {
    let app = spawn_app().await;
    for path in ["/api/v1/companies", "/api/v1/nowhere", "/healthz"] {
        let response = app.anonymous().get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(
            headers["content-security-policy"],
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
        );
    }
    let docs = app.anonymous().get("/docs/").await;
    assert_eq!(docs.status(), 200);
    let csp = docs.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    for directive in [
        "script-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(
        !csp.contains("script-src 'self' 'unsafe-inline'"),
        "no inline scripts: {csp}"
    );
    // The page loads its scripts from files, which the policy allows.
    let page = docs.text().await.unwrap();
    assert!(page.contains("src=\"./swagger-ui-bundle.js\""));
    assert!(!page.contains("<script>"));
}

#[tokio::test]
async fn cors_is_off_by_default() {
    let app = spawn_app().await;
    let response = app
        .anonymous()
        .request(reqwest::Method::GET, "/api/v1/companies")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let preflight = app
        .anonymous()
        .request(reqwest::Method::OPTIONS, "/api/v1/companies")
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn cors_answers_only_the_allowed_origins() {
    let app = spawn_app_with(AccessSettings {
        cors_allowed_origins: vec!["https://app.example.org".into()],
        ..AccessSettings::default()
    })
    .await;
    let preflight = app
        .anonymous()
        .request(reqwest::Method::OPTIONS, "/api/v1/cooperation-offers")
        .header("origin", "https://app.example.org")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    let headers = preflight.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://app.example.org"
    );
    // A browser integration may send every header the API reads.
    let allowed = headers["access-control-allow-headers"].to_str().unwrap();
    for name in [
        "authorization",
        "idempotency-key",
        "if-match",
        "x-request-id",
    ] {
        assert!(allowed.contains(name), "{name} in {allowed}");
    }
    let response = app
        .anonymous()
        .request(reqwest::Method::GET, "/api/v1/companies")
        .header("origin", "https://app.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://app.example.org"
    );
    // ...and read every header it answers with.
    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap();
    for name in [
        "etag",
        "idempotent-replayed",
        "x-request-id",
        "ratelimit-remaining",
    ] {
        assert!(exposed.contains(name), "{name} in {exposed}");
    }
    let other = app
        .anonymous()
        .request(reqwest::Method::GET, "/api/v1/companies")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_private_deployment_answers_reads_only_with_a_key() {
    let app = spawn_app_with(AccessSettings {
        require_key_for_reads: true,
        ..AccessSettings::default()
    })
    .await;
    for path in ["/api/v1/companies", "/api/v1/sectors", "/api/v1/events"] {
        assert_problem(app.anonymous().get(path).await, 401).await;
        assert_eq!(app.get(path).await.status(), 200);
    }
    assert_eq!(app.anonymous().get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn an_internal_error_does_not_show_its_cause() {
    let app = spawn_app().await;
    // Break the table under the service: the query fails inside PostgreSQL.
    app.sql("ALTER TABLE companies RENAME TO companies_gone")
        .await;
    let response = app.anonymous().get("/api/v1/companies").await;
    let problem = assert_problem(response, 500).await;
    let text = problem.to_string();
    assert!(
        !text.contains("companies") && !text.contains("relation") && !text.contains("diesel"),
        "{text}"
    );
}
