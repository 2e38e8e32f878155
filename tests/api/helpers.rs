//! `TestApp`: the real router on a loopback port over a fresh database.

use coophub::config::{Config, Secret};
use serde_json::{json, Value};
use std::{
    net::SocketAddr,
    path::PathBuf,
    sync::atomic::{AtomicUsize, Ordering},
};

/// Sample cooperatives each test database holds: enough for pages of 100.
pub const SAMPLE: usize = 300;
pub const SEED: u64 = 7;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

pub fn is_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

/// A database name no other test (nor another run) uses. Every name starts with
/// `coophub_t_`, which `.ci/run` drops after the PostgreSQL run.
fn unique_name(kind: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "coophub_t_{kind}{}_{n}_{}",
        std::process::id(),
        stamp % 1_000_000_000
    )
}

/// The PostgreSQL admin URL under test, if any.
fn admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// `name` on the server of the admin URL.
fn database_on(admin: &str, name: &str) -> String {
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    format!("{base}/{name}")
}

fn sqlite_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.sqlite"))
}

fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Runs one statement on the admin database.
async fn admin_execute(admin: &str, sql: &str) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ConnectionTrait, Database};
    let conn = Database::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("TEST_DATABASE_URL unreachable: {e}"));
    let done = conn.execute_unprepared(sql).await.map(|_| ());
    let _ = conn.close().await;
    done
}

/// A URL of a new, empty database on the backend under test.
pub async fn fresh_database_url() -> String {
    let name = unique_name("");
    match admin_url() {
        Some(admin) => {
            admin_execute(&admin, &format!("CREATE DATABASE {name}"))
                .await
                .unwrap_or_else(|e| panic!("create db: {e}"));
            database_on(&admin, &name)
        }
        None => sqlite_url(&sqlite_path(&name)),
    }
}

/// The template every `TestApp::spawn` database is cloned from: migrated, with the
/// reference data and `SAMPLE` sample cooperatives, built once per run. It holds only a
/// name (PostgreSQL) or a path (SQLite): each test has its own Tokio runtime, so no
/// connection may outlive the one that built it.
static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// Clones of the template, one at a time: PostgreSQL refuses `CREATE DATABASE … TEMPLATE`
/// while another session uses the template.
static CLONING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Migrates `url` and loads the reference data and the sample, then closes every connection.
async fn load_template(url: &str) {
    let cfg = config(url);
    let (db, _) = coophub::app::open_database(&cfg)
        .await
        .unwrap_or_else(|e| panic!("open the template: {e:#}"));
    coophub::db::reference::import(&db, &cfg.data_dir)
        .await
        .unwrap_or_else(|e| panic!("import: {e:#}"));
    coophub::db::sample::seed(&db, SAMPLE, SEED)
        .await
        .unwrap_or_else(|e| panic!("seed: {e:#}"));
    if !is_postgres() {
        // Everything into the main file, so that copying it copies the whole database.
        use sea_orm::ConnectionTrait;
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap_or_else(|e| panic!("checkpoint the template: {e}"));
    }
    db.close()
        .await
        .unwrap_or_else(|e| panic!("close the template: {e}"));
}

async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            match admin_url() {
                Some(admin) => {
                    let name = unique_name("tpl_");
                    admin_execute(&admin, &format!("CREATE DATABASE {name}"))
                        .await
                        .unwrap_or_else(|e| panic!("create the template: {e}"));
                    load_template(&database_on(&admin, &name)).await;
                    // Nothing (autovacuum included) may connect to it and block a clone.
                    admin_execute(
                        &admin,
                        &format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"),
                    )
                    .await
                    .unwrap_or_else(|e| panic!("close the template: {e}"));
                    name
                }
                None => {
                    let path = sqlite_path(&unique_name("tpl_"));
                    load_template(&sqlite_url(&path)).await;
                    for suffix in ["-wal", "-shm", "-journal"] {
                        let side = PathBuf::from(format!("{}{suffix}", path.display()));
                        let len = std::fs::metadata(&side).map_or(0, |m| m.len());
                        assert!(
                            suffix == "-shm" || len == 0,
                            "template left {} with {len} bytes",
                            side.display()
                        );
                    }
                    path.display().to_string()
                }
            }
        })
        .await
}

/// A URL of a new database holding what the template holds (see `TEMPLATE`).
pub async fn seeded_database_url() -> String {
    let template = template().await;
    let name = unique_name("");
    match admin_url() {
        Some(admin) => {
            let _one_at_a_time = CLONING.lock().await;
            let sql = format!("CREATE DATABASE {name} TEMPLATE {template}");
            // The template's last session may still be leaving: PostgreSQL waits 5 s for it,
            // then gives up with "being accessed by other users"; try a few times.
            let mut attempt = 0;
            loop {
                match admin_execute(&admin, &sql).await {
                    Ok(()) => break,
                    Err(e) if attempt < 5 && e.to_string().contains("other users") => {
                        attempt += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    }
                    Err(e) => panic!("clone the template: {e}"),
                }
            }
            database_on(&admin, &name)
        }
        None => {
            let path = sqlite_path(&name);
            std::fs::copy(template, &path).unwrap_or_else(|e| panic!("copy the template: {e}"));
            sqlite_url(&path)
        }
    }
}

pub fn config(database_url: &str) -> Config {
    Config {
        database_url: database_url
            .parse()
            .unwrap_or_else(|e: std::convert::Infallible| match e {}),
        redis_url: std::env::var("TEST_REDIS_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .map(Secret::from),
        // Each test database is its own deployment: its Redis keys must not meet another test's.
        redis_namespace: format!("coophub-test:{}", coophub::auth::sha256_hex(database_url)),
        bind: "127.0.0.1:0".parse().unwrap_or_else(|_| unreachable!()),
        data_dir: data_dir(),
        // Each test database has its own files.
        attachments_dir: std::env::temp_dir().join(format!(
            "coophub-attachments-{}",
            &coophub::auth::sha256_hex(database_url)[..16]
        )),
        max_cost: 25_000,
        max_depth: 15,
        max_aliases: 30,
        max_selections: 5_000,
        request_timeout_ms: 10_000,
        db_pool: 5,
        loader_delay_ms: 0,
        seed_sample: Some(false),
        budget_anonymous: 1_000_000.0,
        budget_anonymous_rate: 100_000.0,
        budget_partner: 1_000_000.0,
        budget_partner_rate: 100_000.0,
        session_hours: 1,
        ws_init_timeout_ms: 3_000,
        ws_buffer: 512,
        http_max_age: 60,
        public_url: "https://coophub.test".to_owned(),
        response_cache: true,
        response_cache_mb: 16,
        persisted_queries: None,
        persisted_queries_only: false,
        trusted_proxies: Vec::new(),
        cors_origins: Vec::new(),
        widget_origins: Vec::new(),
        fast_path: true,
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub database_url: String,
    /// The differential test's twin: the same database served with the fast path
    /// off (async-graphql's stock resolution), no response cache, no Redis, no
    /// budgets to speak of. Every query the helpers send that executes is sent to
    /// it too, and must answer byte for byte the same (see [`TestApp::differ`]).
    pub stock: Option<SocketAddr>,
    /// The server's statement counter, which can keep the statements it sends
    /// (the plan test explains them); None for a server started elsewhere.
    pub sql_log: Option<coophub::db::StatementCounter>,
}

impl TestApp {
    /// A server over a fresh database with reference data and `SAMPLE` sample cooperatives
    /// (a clone of the template built once per run).
    pub async fn spawn() -> TestApp {
        Self::spawn_configured(|_| {}).await
    }

    /// Like `spawn`, with the configuration adjusted first.
    pub async fn spawn_configured(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut cfg = config(&seeded_database_url().await);
        adjust(&mut cfg);
        Self::spawn_with(cfg).await
    }

    /// A server started exactly as `serve` starts, on the given configuration.
    pub async fn spawn_with(cfg: Config) -> TestApp {
        let state = coophub::app::build_state(&cfg)
            .await
            .unwrap_or_else(|e| panic!("start: {e:#}"));
        let sql_log = Some(state.statements.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("addr: {e}"));
        tokio::spawn(async move { axum::serve(listener, coophub::http::service(state)).await });
        let stock = if cfg.fast_path {
            let mut twin = cfg.clone();
            twin.fast_path = false;
            twin.response_cache = false;
            twin.redis_url = None;
            twin.request_timeout_ms = 60_000;
            twin.budget_anonymous = f64::MAX / 4.0;
            twin.budget_partner = f64::MAX / 4.0;
            twin.seed_sample = Some(false);
            Some(Box::pin(Self::spawn_with(twin)).await.addr)
        } else {
            None
        };
        TestApp {
            addr,
            client: reqwest::Client::new(),
            database_url: cfg.database_url.expose().to_owned(),
            stock,
            sql_log,
        }
    }

    /// The differential test: a query (not a mutation) whose answer has `data`
    /// answers byte for byte the same on the stock twin, request ids and the
    /// budget's state (`extensions`) aside.
    async fn differ(&self, query: &str, variables: &Value, token: Option<&str>, fast: &str) {
        let Some(stock) = self.stock else {
            return;
        };
        let is_query = async_graphql::parser::parse_query(query).is_ok_and(|doc| {
            let mut ops = doc.operations.iter();
            matches!((ops.next(), ops.next()), (Some((_, op)), None)
                if op.node.ty == async_graphql::parser::types::OperationType::Query)
        });
        if !is_query || !fast.starts_with("{\"data\":") {
            return;
        }
        let mut req = self
            .client
            .post(format!("http://{stock}/graphql"))
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let stock = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("stock twin: {e}"))
            .text()
            .await
            .unwrap_or_default();
        assert_eq!(
            comparable(fast),
            comparable(&stock),
            "the fast path and async-graphql's stock resolution answer {query} differently:\nfast:  {fast}\nstock: {stock}"
        );
    }

    /// A server started some other way (the `coophub` binary), at `addr`.
    pub fn at(addr: SocketAddr) -> TestApp {
        TestApp {
            addr,
            client: reqwest::Client::new(),
            database_url: String::new(),
            stock: None,
            sql_log: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// GETs `path`: its status, headers and body as text.
    pub async fn fetch(&self, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
        let resp = self
            .client
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.text().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        (status, headers, body)
    }

    /// POSTs a query with variables and returns the whole JSON response.
    pub async fn query_vars(&self, query: &str, variables: Value) -> Value {
        let resp = self
            .client
            .post(self.url("/graphql"))
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("request failed: {e}"));
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        let body: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON: {e}: {text}"));
        self.differ(query, &variables, None, &text).await;
        // The GraphQL-over-HTTP rule: a response with `data` is a 200, one without (a request error) a 400.
        let expected = if body.get("data").is_some() { 200 } else { 400 };
        assert_eq!(status, expected, "unexpected status; body: {body}");
        body
    }

    pub async fn query(&self, query: &str) -> Value {
        self.query_vars(query, json!({})).await
    }

    /// POSTs a query as the holder of `token` (a session token or an API key secret).
    pub async fn query_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let resp = self
            .client
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("request failed: {e}"));
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON: {e}: {text}"));
        self.differ(query, &variables, Some(token), &text).await;
        body
    }

    /// Registers an account and signs in; returns the session token.
    pub async fn member(&self, email: &str) -> String {
        let reg = self
            .query_vars(
                "mutation($i: RegisterInput!) { register(input: $i) { me { email } } }",
                json!({ "i": { "email": email, "password": "a long enough password", "displayName": email.split('@').next() } }),
            )
            .await;
        assert!(reg.get("errors").is_none(), "{reg}");
        self.login(email, "a long enough password").await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let body = self
            .query_vars(
                "mutation($i: LoginInput!) { login(input: $i) { token } }",
                json!({ "i": { "email": email, "password": password } }),
            )
            .await;
        body["data"]["login"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("login failed: {body}"))
            .to_owned()
    }

    /// Runs the `coophub` binary on this app's database.
    pub fn cli(&self, args: &[&str], password: Option<&str>) -> String {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_coophub"));
        cmd.args(args)
            .env("DATABASE_URL", &self.database_url)
            .env_remove("REDIS_URL");
        match password {
            Some(p) => cmd.env("COOPHUB_PASSWORD", p),
            None => cmd.env_remove("COOPHUB_PASSWORD"),
        };
        let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            out.status.success(),
            "coophub {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// An account with a global role made from the CLI (`--admin` or `--moderator`); returns its token.
    pub async fn staff(&self, email: &str, flag: &str) -> String {
        self.cli(
            &[
                "user",
                "create",
                "--email",
                email,
                "--display-name",
                "Staff",
                flag,
            ],
            Some("staff password 123"),
        );
        self.login(email, "staff password 123").await
    }

    /// The body of a successful GET of `path` (an export, the metrics), as text.
    pub async fn get_text(&self, path: &str) -> String {
        self.client
            .get(self.url(path))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
            .text()
            .await
            .unwrap_or_default()
    }

    /// `data` of a response that must have no errors.
    pub async fn data(&self, query: &str) -> Value {
        let body = self.query(query).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// SQL statements sent so far, read from `/metrics`.
    pub async fn statements(&self) -> u64 {
        let text = self.get_text("/metrics").await;
        text.lines()
            .find_map(|l| l.strip_prefix("coophub_sql_statements_total "))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no statement counter in {text}"))
    }
}

/// The `code` of the first error.
/// An answer as the differential test compares it: its `data` and `errors`, every
/// `requestId` taken out (the top-level `extensions`, the cost and the budget's
/// state, differ between two servers by design). Compared as JSON values, so the
/// order of an object's keys does not count: async-graphql 7.2.1's stock
/// resolution puts the fields of an object it resolves in parallel (the query
/// root among them) in the order they finish (`do_resolve_container` collects a
/// `FuturesUnordered`), which changes from run to run; the fast path keeps the
/// order of the selection, as the GraphQL specification asks.
fn comparable(body: &str) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(o) => {
                o.remove("requestId");
                o.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.remove("extensions");
    }
    strip(&mut v);
    v
}

pub fn first_error_code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The nodes of a connection.
pub fn nodes(conn: &Value) -> Vec<Value> {
    conn["edges"]
        .as_array()
        .map(|e| e.iter().map(|x| x["node"].clone()).collect())
        .unwrap_or_default()
}

/// The whole list `cooperatives(filter:)` gives, paging by 100: its `totalCount` and every
/// edge (`distanceKm`, `relevance`, node `id`, `name`, `location`).
pub async fn cooperative_list(app: &TestApp, filter: Value) -> (u64, Vec<Value>) {
    let mut out = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = app
            .query_vars(
                "query($f: CooperativeFilter, $a: String) { cooperatives(filter: $f, first: 100, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { distanceKm relevance node { id name location { latitude longitude } } } } }",
                json!({ "f": filter, "a": after }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        let conn = &body["data"]["cooperatives"];
        out.extend(conn["edges"].as_array().cloned().unwrap_or_default());
        if conn["pageInfo"]["hasNextPage"] != true {
            return (conn["totalCount"].as_u64().unwrap_or(u64::MAX), out);
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
}

/// Kills its child process when dropped, even when the test fails.
pub struct Private(pub std::process::Child);

impl Drop for Private {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A private `redis-server` on a spare port, for tests that stop and start it
/// (never the shared one).
pub struct PrivateRedis {
    pub port: u16,
    dir: PathBuf,
}

impl PrivateRedis {
    pub fn new() -> PrivateRedis {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
            l.local_addr()
                .map(|a| a.port())
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let dir = std::env::temp_dir().join(format!("coophub-redis-{port}"));
        let _ = std::fs::create_dir_all(&dir);
        PrivateRedis { port, dir }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts it and returns once it accepts connections; dropping the guard stops it.
    pub fn start(&self) -> Private {
        let mut child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
            ])
            .arg(&self.dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("redis-server must be installed for this test: {e}"));
        // Ready when it says so on stdout.
        let out = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let guard = Private(child);
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(out));
        assert!(
            lines.any(|l| l.is_ok_and(|l| l.contains("Ready to accept connections"))),
            "redis-server did not start"
        );
        guard
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
