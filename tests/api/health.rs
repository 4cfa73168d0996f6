use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::{assert_problem, cluster_spec, spawn_app, spawn_app_without_database};

#[tokio::test]
async fn healthz_and_readyz_answer_200_when_the_database_is_up() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ready");
}

#[tokio::test]
async fn without_a_database_readyz_and_api_calls_answer_503_with_retry_after_quickly() {
    let app = spawn_app_without_database().await;
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "liveness does not need the database"
    );
    let started = Instant::now();
    for path in [
        "/readyz",
        "/api/v1/companies",
        "/api/v1/companies/0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
    ] {
        let response = app.get(path).await;
        assert!(response.headers().contains_key("retry-after"), "{path}");
        let problem = assert_problem(response, 503).await;
        let text = problem.to_string();
        assert!(
            !text.contains("nonexistent"),
            "no connection details leak: {text}"
        );
    }
    // Generous bound: the point is failing within the pool timeout rather than hanging.
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[tokio::test]
async fn the_service_recovers_by_itself_after_its_database_connections_are_killed() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/v1/companies").await.status(), 200);
    app.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let status = app.get("/api/v1/companies").await.status().as_u16();
        statuses.push(status);
        if status == 200 {
            break;
        }
    }
    assert!(
        statuses.iter().all(|s| [200, 503].contains(s)),
        "{statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&200), "{statuses:?}");
}

#[tokio::test]
async fn an_unknown_path_is_404_and_a_wrong_method_is_405_with_allow() {
    let app = spawn_app().await;
    assert_problem(app.get("/api/v1/nothing-here").await, 404).await;
    let response = app
        .client
        .put(app.url("/api/v1/companies"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, HEAD, POST");
    assert_problem(response, 405).await;
    let response = app
        .client
        .put(app.url("/api/v1/companies/0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, HEAD, PATCH, DELETE");
    assert_problem(response, 405).await;
}

/// `coopapi api-key create` beside a running server opens the same data directory: it must
/// use the running cluster and leave it running.
#[tokio::test]
async fn starting_the_embedded_cluster_again_attaches_to_the_running_one_and_leaves_it_running() {
    let app = spawn_app().await;
    let spec = cluster_spec();
    let attached = tokio::task::spawn_blocking(move || {
        coop_store::db::embedded::EmbeddedPostgres::start(&spec)
    })
    .await
    .unwrap()
    .expect("attach to the running cluster");
    assert!(!attached.is_owned(), "no second postmaster was started");
    attached.stop();
    assert_eq!(app.get("/readyz").await.status(), 200);
    assert_eq!(app.count("sectors").await, 33);
}

/// After a crash (SIGKILL of the service and its PostgreSQL, a power cut) `postmaster.pid`
/// stays behind, and its pid may by then belong to any other process: the launcher must see
/// that no PostgreSQL of this directory runs and start one.
#[tokio::test]
async fn a_lock_file_left_by_a_crash_does_not_stop_the_cluster_from_starting() {
    let spec = coop_store::db::embedded::ClusterSpec {
        data_dir: std::path::PathBuf::from(format!(
            "/tmp/coopapi-stale-lock-{}",
            std::process::id()
        )),
        ..cluster_spec()
    };
    let _ = std::fs::remove_dir_all(&spec.data_dir);
    let start = |spec: coop_store::db::embedded::ClusterSpec| {
        tokio::task::spawn_blocking(move || {
            coop_store::db::embedded::EmbeddedPostgres::start(&spec)
        })
    };
    let first = start(spec.clone()).await.unwrap().expect("first start");
    assert!(first.is_owned());
    first.stop();
    // A live process that is no PostgreSQL (this test) now holds the pid in the lock files.
    let lock = spec.data_dir.join("postmaster.pid");
    std::fs::write(
        &lock,
        format!(
            "{}\n{}\n0\n5432\n\n\n",
            std::process::id(),
            spec.data_dir.display()
        ),
    )
    .unwrap();
    // So does the socket's lock file, which PostgreSQL checks on its own.
    std::fs::write(
        spec.data_dir.join(".s.PGSQL.5432.lock"),
        format!("{}\n{}\n", std::process::id(), spec.data_dir.display()),
    )
    .unwrap();
    let second = start(spec.clone())
        .await
        .unwrap()
        .expect("start over a stale lock");
    assert!(second.is_owned(), "a new postmaster runs the cluster");
    // The live cluster's own lock file is left alone: a second start attaches to it.
    let attached = start(spec.clone()).await.unwrap().expect("attach");
    assert!(!attached.is_owned());
    attached.stop();
    second.stop();
    let _ = std::fs::remove_dir_all(&spec.data_dir);
}

#[tokio::test]
async fn every_response_names_its_request_and_problems_repeat_the_name() {
    let app = spawn_app().await;
    let response = app.anonymous().get("/api/v1/companies").await;
    let generated = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(generated.len(), 32, "{generated}");
    let response = app
        .anonymous()
        .request(reqwest::Method::GET, "/api/v1/companies/not-an-id")
        .header("x-request-id", "support-4711:a.b_c")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "support-4711:a.b_c");
    let problem = assert_problem(response, 404).await;
    assert_eq!(problem["request_id"], "support-4711:a.b_c");
    // An id that could forge a log line is replaced, not echoed.
    let response = app
        .anonymous()
        .request(reqwest::Method::GET, "/api/v1/companies")
        .header("x-request-id", "a b\"c")
        .send()
        .await
        .unwrap();
    let replaced = response.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(replaced.len(), 32);
    assert_ne!(replaced, "a b\"c");
}

/// RFC 9110: a general-purpose server supports HEAD wherever it supports GET, with the same
/// headers and no body; monitors, caches and `curl -I` rely on it.
#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let app = spawn_app().await;
    let company = app.create_company("ExoAtlet", "startup", "RU").await;
    let event: serde_json::Value = app
        .post_json(
            "/api/v1/events",
            &serde_json::json!({"title": "Moscou", "kind": "teleconference", "format": "hybrid",
                "status": "completed", "starts_at": "2019-11-14T10:00:00Z",
                "ends_at": "2019-11-14T14:00:00Z", "timezone": "Europe/Moscow"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let event = event["id"].as_str().unwrap().to_string();
    let venue: serde_json::Value = app
        .post_json(
            &format!("/api/v1/events/{event}/venues"),
            &serde_json::json!({"name": "Aéro-Club de France", "city": "Paris", "country": "FR",
                "timezone": "Europe/Paris"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let venue = venue["id"].as_str().unwrap();
    // A resource, a list, a part, the search, a calendar and a probe.
    for path in [
        format!("/api/v1/companies/{company}"),
        "/api/v1/companies?limit=1".to_string(),
        format!("/api/v1/events/{event}/venues/{venue}"),
        "/api/v1/search?q=ExoAtlet".to_string(),
        format!("/api/v1/events/{event}/calendar.ics"),
        "/healthz".to_string(),
    ] {
        let get = app.anonymous().get(&path).await;
        let head = app
            .anonymous()
            .request(reqwest::Method::HEAD, &path)
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), get.status(), "{path}");
        for name in ["etag", "content-type", "link", "ratelimit-limit"] {
            assert_eq!(
                head.headers().get(name),
                get.headers().get(name),
                "{path} {name}"
            );
        }
        let length = get.bytes().await.unwrap().len().to_string();
        assert_eq!(head.headers()["content-length"], length.as_str(), "{path}");
        assert!(head.bytes().await.unwrap().is_empty(), "{path}: no body");
    }
    // Conditional: the client's copy is current.
    let path = format!("/api/v1/companies/{company}");
    let etag = app.anonymous().get(&path).await.headers()["etag"].clone();
    let head = app
        .anonymous()
        .request(reqwest::Method::HEAD, &path)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 304);
    // What needs a key for GET needs one for HEAD.
    let head = app
        .anonymous()
        .request(reqwest::Method::HEAD, "/api/v1/api-keys")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 401);
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_show_pools_and_backlogs() {
    let app = spawn_app().await;
    let missing = format!("/api/v1/companies/{}", uuid::Uuid::now_v7());
    assert_eq!(app.get(&missing).await.status(), 404);
    assert_eq!(app.get("/api/v1/companies").await.status(), 200);

    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    // The template, not the id: one series per route, whatever ids are asked for.
    assert!(
        text.contains(
            r#"coopapi_http_requests_total{method="GET",route="/api/v1/companies/{id}",status="404"}"#
        ),
        "{text}"
    );
    assert!(!text.contains(&missing[missing.len() - 36..]));
    assert!(text.contains(
        r#"coopapi_http_request_duration_seconds_bucket{method="GET",route="/api/v1/companies""#
    ));
    for series in [
        "coopapi_db_pool_max_connections ",
        "coopapi_db_pool_connections{state=\"in_use\"}",
        "coopapi_database_up 1",
        "coopapi_change_feed_position ",
        "coopapi_change_feed_lag_seconds ",
        "coopapi_webhook_outbox_depth ",
        "coopapi_webhook_outbox_lag_seconds ",
        "process_resident_memory_bytes ",
    ] {
        assert!(text.contains(series), "{series} missing from {text}");
    }
}
