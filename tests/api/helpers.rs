//! Test harness: one embedded PostgreSQL cluster per test process, a migrated template
//! database, and one database cloned from it per test, so tests run in parallel and never see
//! each other's rows.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::OnceLock;

use coop_store::db::{self, embedded};
use coop_store::sectors::SectorCatalog;
use coopapi::auth::Role;
use coopapi::auth::types::CreateApiKey;
use coopapi::config::{AccessSettings, OperatorSettings, WebhookSettings};
use coopapi::startup;
use diesel::QueryableByName;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

const TEMPLATE: &str = "coopapi_template";

struct Cluster {
    /// URL of a database with `DBNAME` where the name goes.
    url_pattern: String,
}

impl Cluster {
    fn url(&self, database: &str) -> String {
        self.url_pattern.replace("DBNAME", database)
    }
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();

/// Starts the cluster on first use. It is owned by a thread that never ends: the cluster's
/// parent-death signal fires when that thread ends, which is when the test process exits.
fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            remove_stale_clusters();
            let pg =
                embedded::EmbeddedPostgres::start(&cluster_spec()).expect("start the test cluster");
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for preparing the template");
            runtime.block_on(async {
                db::create_database(&pg.url("postgres"), TEMPLATE, None)
                    .await
                    .expect("create the template database");
                db::run_migrations(&pg.url(TEMPLATE))
                    .await
                    .expect("migrate the template database");
            });
            // Shutting the runtime down closes the migration connection, which would otherwise
            // stay open (its driver task unpolled) and block copying the template.
            drop(runtime);
            tx.send(Cluster {
                url_pattern: pg.url("DBNAME"),
            })
            .expect("hand the cluster over");
            loop {
                std::thread::park();
            }
        });
        rx.recv().expect("the test cluster started")
    })
}

/// The test process's cluster.
pub fn cluster_spec() -> embedded::ClusterSpec {
    embedded::ClusterSpec {
        data_dir: PathBuf::from(format!("/tmp/coopapi-test-{}", std::process::id())),
        bin_dir: std::env::var_os("PG_BIN").map(PathBuf::from),
        os_user: std::env::var("PG_USER").unwrap_or_else(|_| "postgres".into()),
        ephemeral: true,
    }
}

/// Data directories of earlier test runs whose process is gone.
fn remove_stale_clusters() {
    let Ok(entries) = std::fs::read_dir("/tmp") else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix("coopapi-test-")
            && !PathBuf::from(format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

pub struct TestApp {
    pub address: String,
    /// Sends the admin key with every request, so tests of content rules need not care
    /// about access; access tests use [`TestApp::as_key`] and [`TestApp::anonymous`].
    pub client: reqwest::Client,
    pub database_url: String,
    pub admin_key: String,
    plain: reqwest::Client,
}

/// A server on a random port backed by a fresh database of its own, with the default access
/// settings and an admin key.
/// A new, empty database (no migrations) on the tests' cluster; returns its URL.
pub async fn empty_database() -> String {
    let cluster = cluster();
    let database = format!("empty_{}", uuid::Uuid::now_v7().simple());
    db::create_database(&cluster.url("postgres"), &database, None)
        .await
        .expect("create an empty database");
    cluster.url(&database)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(AccessSettings::default()).await
}

pub async fn spawn_app_with(access: AccessSettings) -> TestApp {
    spawn_app_configured(access, WebhookSettings::default()).await
}

/// A server whose webhooks may go to this machine (`http://127.0.0.1:…`), retrying after
/// `retry_base_ms` and for `retry_for` seconds.
pub async fn spawn_app_with_local_webhooks(retry_base_ms: u64, retry_for: u64) -> TestApp {
    let webhooks = WebhookSettings {
        webhook_allow_private_targets: true,
        webhook_allow_http: true,
        webhook_retry_base_ms: retry_base_ms,
        webhook_retry_for: retry_for,
        webhook_timeout: 5,
    };
    spawn_app_configured(AccessSettings::default(), webhooks).await
}

/// Another server on the same database as `app` (a second replica).
pub async fn replica_of(app: &TestApp, webhooks: WebhookSettings) -> TestApp {
    replica(app, Vec::new(), &webhooks).await
}

/// Another server on `app`'s database whose standby (`DATABASE_READ_URL`) is a database of
/// its own that receives nothing: a standby that has not replayed any of `app`'s writes yet.
pub async fn replica_with_lagging_standby(app: &TestApp) -> TestApp {
    let standby = format!("test_{}", uuid::Uuid::now_v7().simple());
    clone_template(cluster(), &standby).await;
    let standby_pool =
        db::pool(&cluster().url(&standby), 2, std::time::Duration::ZERO).expect("a standby pool");
    replica(app, vec![standby_pool], &WebhookSettings::default()).await
}

async fn replica(app: &TestApp, standby: Vec<db::DbPool>, webhooks: &WebhookSettings) -> TestApp {
    let (pool, catalog) = startup::prepare_database(&app.database_url, 4)
        .await
        .expect("prepare the replica");
    let address = serve_with_standby(pool, standby, catalog, &AccessSettings::default(), webhooks);
    TestApp {
        address,
        client: client(Some(&app.admin_key)),
        database_url: app.database_url.clone(),
        admin_key: app.admin_key.clone(),
        plain: client(None),
    }
}

pub async fn spawn_app_configured(access: AccessSettings, webhooks: WebhookSettings) -> TestApp {
    let cluster = cluster();
    let database = format!("test_{}", uuid::Uuid::now_v7().simple());
    clone_template(cluster, &database).await;
    let database_url = cluster.url(&database);
    let (pool, catalog) = startup::prepare_database(&database_url, 4)
        .await
        .expect("prepare the test database");
    let admin_key = {
        let mut conn = pool.get().await.expect("a connection");
        let request = CreateApiKey {
            name: "test admin".into(),
            role: Role::Admin,
            company_id: None,
            expires_at: None,
        };
        coopapi::auth::issue(&mut conn, request)
            .await
            .expect("issue the admin key")
            .1
    };
    let address = serve(pool, catalog, &access, &webhooks);
    TestApp {
        address,
        client: client(Some(&admin_key)),
        database_url,
        admin_key,
        plain: client(None),
    }
}

/// Copies the migrated template. Right after the template is prepared, the backend of the
/// migration connection may still be exiting, and PostgreSQL refuses to copy a database that
/// has sessions; that lasts milliseconds, so the copy is retried briefly.
async fn clone_template(cluster: &Cluster, database: &str) {
    let mut attempts = 0;
    loop {
        match db::create_database(&cluster.url("postgres"), database, Some(TEMPLATE)).await {
            Ok(()) => return,
            Err(e) if attempts < 100 && e.to_string().contains("being accessed by other users") => {
                attempts += 1;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(e) => panic!("clone the template database: {e}"),
        }
    }
}

/// A server whose database cannot be reached.
pub async fn spawn_app_without_database() -> TestApp {
    let database_url =
        "postgres://postgres@localhost/none?host=/nonexistent-coopapi-socket-dir".to_string();
    let pool = db::pool(&database_url, 2, std::time::Duration::ZERO).expect("build a pool");
    let address = serve(
        pool,
        SectorCatalog::default(),
        &AccessSettings::default(),
        &WebhookSettings::default(),
    );
    TestApp {
        address,
        client: client(None),
        database_url,
        admin_key: String::new(),
        plain: client(None),
    }
}

fn serve(
    pool: db::DbPool,
    catalog: SectorCatalog,
    access: &AccessSettings,
    webhooks: &WebhookSettings,
) -> String {
    serve_with_standby(pool, Vec::new(), catalog, access, webhooks)
}

fn serve_with_standby(
    pool: db::DbPool,
    standby: Vec<db::DbPool>,
    catalog: SectorCatalog,
    access: &AccessSettings,
    webhooks: &WebhookSettings,
) -> String {
    // Server logs show in the output of failing tests (RUST_LOG=debug for more).
    let _ = env_logger::builder()
        .is_test(true)
        .parse_filters(&std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
        .try_init();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
    let port = listener.local_addr().expect("local address").port();
    let pools = startup::Pools {
        workers: vec![pool.clone()],
        standby,
        background: pool,
    };
    let server = startup::run(
        listener,
        pools,
        catalog,
        access,
        webhooks,
        &OperatorSettings::default(),
    )
    .expect("start the server");
    tokio::spawn(server);
    format!("http://127.0.0.1:{port}")
}

fn client(key: Option<&str>) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(key) = key {
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {key}").parse().expect("a header value"),
        );
    }
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("an HTTP client")
}

/// Requests sent with a given `Authorization` header, or none.
pub struct As<'a> {
    app: &'a TestApp,
    authorization: Option<String>,
}

impl As<'_> {
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self.app.plain.request(method, self.app.url(path));
        match &self.authorization {
            Some(value) => builder.header(reqwest::header::AUTHORIZATION, value),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .expect("GET")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.request(reqwest::Method::POST, path)
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.request(reqwest::Method::PATCH, path)
            .header("content-type", "application/merge-patch+json")
            .body(body.to_string())
            .send()
            .await
            .expect("PATCH")
    }

    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::DELETE, path)
            .send()
            .await
            .expect("DELETE")
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Requests with `Authorization: Bearer <key>`.
    pub fn as_key(&self, key: &str) -> As<'_> {
        self.with_authorization(&format!("Bearer {key}"))
    }

    /// Requests with this exact `Authorization` header value.
    pub fn with_authorization(&self, value: &str) -> As<'_> {
        As {
            app: self,
            authorization: Some(value.to_string()),
        }
    }

    /// Requests with this key, or without any.
    pub fn reader(&self, key: Option<&str>) -> As<'_> {
        match key {
            Some(key) => self.as_key(key),
            None => self.anonymous(),
        }
    }

    /// Requests without any key.
    pub fn anonymous(&self) -> As<'_> {
        As {
            app: self,
            authorization: None,
        }
    }

    /// Creates an API key through the API (as admin) and returns the key text.
    pub async fn create_key(&self, role: &str, company_id: Option<&str>) -> String {
        let body = serde_json::json!({"name": format!("{role} key"), "role": role, "company_id": company_id});
        let response = self.post_json("/api/v1/api-keys", &body).await;
        assert_eq!(response.status(), 201, "create key {body}");
        response.json::<Value>().await.unwrap()["key"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// Creates a company through the API and returns its id.
    pub async fn create_company(&self, name: &str, kind: &str, country: &str) -> String {
        let body = serde_json::json!({"name": name, "kind": kind, "country": country});
        let response = self.post_json("/api/v1/companies", &body).await;
        assert_eq!(response.status(), 201, "create company {body}");
        response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .header("content-type", "application/merge-patch+json")
            .body(body.to_string())
            .send()
            .await
            .expect("PATCH")
    }

    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.client
            .delete(self.url(path))
            .send()
            .await
            .expect("DELETE")
    }

    /// A connection of its own to this test's database.
    pub async fn connection(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.database_url)
            .await
            .expect("connect to the test database")
    }

    /// Runs SQL directly against this test's database.
    pub async fn sql(&self, statement: &str) {
        let mut conn = self.connection().await;
        diesel::sql_query(statement)
            .execute(&mut conn)
            .await
            .expect("run SQL");
    }

    /// Rows in `table`, read directly from the database.
    pub async fn count(&self, table: &str) -> i64 {
        let mut conn = self.connection().await;
        diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
            .get_result::<Count>(&mut conn)
            .await
            .expect("count rows")
            .n
    }
}

/// POSTs `body` to `path` as the test's admin, expects 201 and returns what was created.
pub async fn create(app: &TestApp, path: &str, body: Value) -> Value {
    let response = app.post_json(path, &body).await;
    assert_eq!(response.status(), 201, "create {body}");
    response.json().await.unwrap()
}

/// POSTs `body` to `path` as the test's admin, expects 201 and returns the new id.
pub async fn created(app: &TestApp, path: &str, body: Value) -> String {
    id(&create(app, path, body).await)
}

/// The `id` of a resource's JSON.
pub fn id(resource: &Value) -> String {
    resource["id"].as_str().unwrap().to_string()
}

/// Asserts the status and that the body is a problem document with that status; returns it.
pub async fn assert_problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("a JSON problem body");
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:coopapi:problem:"))
    );
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["detail"].as_str().is_some_and(|t| !t.is_empty()));
    body
}

/// The fields named in a validation problem's `errors`.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The `name` of each item of a list page, in order.
pub fn item_names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("a page has items")
        .iter()
        .map(|item| item["name"].as_str().expect("a name").to_string())
        .collect()
}

/// The ids of a page's items, in order, from the page's text.
pub fn item_ids(page: &str) -> Vec<String> {
    let page: Value = serde_json::from_str(page).expect("a page is JSON");
    page["items"]
        .as_array()
        .expect("a page has items")
        .iter()
        .map(|item| item["id"].as_str().expect("an id").to_string())
        .collect()
}

/// Who reads: the test's admin ([`TestApp`]) or another caller ([`As`]).
pub trait Reader {
    async fn get(&self, path: &str) -> reqwest::Response;
}

impl Reader for TestApp {
    async fn get(&self, path: &str) -> reqwest::Response {
        TestApp::get(self, path).await
    }
}

impl Reader for As<'_> {
    async fn get(&self, path: &str) -> reqwest::Response {
        As::get(self, path).await
    }
}

/// A list page's text, and what it must be: the page written around each of its items as
/// `GET {path}/{id}` serves it, in the page's order. For the lists that serve items rendered
/// by PostgreSQL, which must be the resource's own representation, byte for byte.
pub async fn page_and_reads_by_id(
    reader: &impl Reader,
    path: &str,
    query: &str,
) -> (String, String) {
    let page = reader.get(&format!("{path}?{query}")).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "application/json");
    let page = page.text().await.unwrap();
    let parsed: Value = serde_json::from_str(&page).unwrap();
    let mut items = Vec::new();
    for item in parsed["items"].as_array().unwrap() {
        let id = item["id"].as_str().unwrap();
        let read = reader.get(&format!("{path}/{id}")).await;
        assert_eq!(read.status(), 200);
        items.push(read.text().await.unwrap());
    }
    let next = match parsed["next_cursor"].as_str() {
        Some(cursor) => format!("\"{cursor}\""),
        None => "null".into(),
    };
    let expected = format!("{{\"items\":[{}],\"next_cursor\":{next}}}", items.join(","));
    (page, expected)
}
