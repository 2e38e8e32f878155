//! `coophub-bench partner`: the partner-portal benchmark. Starts the real server
//! (the `coophub` library) in process on a loopback port over the configured
//! database (seeding the sample if it is empty), then sends each query over
//! HTTP from N concurrent clients
//! and reports requests/s, p50/p99 latency and SQL statements per request.
//! A trivial `{ __typename }` runs in the same session, so ratios to it are
//! comparable across noisy machines. Runs repeat; the median run is reported.

use anyhow::{Context, Result};
use clap::Args;
use coophub::app;
use coophub::config::Config;
use coophub::db::count_rows;
use entity::{cooperative, local_government};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Requests per run of each query (after a warm-up of a tenth as many).
    #[arg(long, default_value_t = 2000)]
    pub requests: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Runs of each query; the median run is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Sample cooperatives to generate if the database has none.
    #[arg(long, default_value_t = 1500)]
    pub cooperatives: usize,
    /// Only the queries whose names start with these (e.g. `--only search --only trivial`).
    #[arg(long)]
    pub only: Vec<String>,
    /// coophub without its response cache (cold), with it (warm), or both side by side.
    #[arg(long, value_enum, default_value_t = CacheMode::Both)]
    pub mode: CacheMode,
    /// Another GraphQL server to measure in the same run (e.g. PostGraphile on the same database).
    #[arg(long)]
    pub compare_url: Option<String>,
    /// Its equivalent queries: a JSON object of scenario name (trivial, partner, gmina,
    /// nested, search, facets, purchases, powiat, profile, institutions, walk4, small,
    /// page1, deep10k, deep60k) to
    /// `{"query": …, "variables": …}`, with an optional `"cursor": {"query", "variables",
    /// "pointer", "variable"}` step run once first; scenarios it lacks are skipped.
    #[arg(long)]
    pub compare_queries: Option<std::path::PathBuf>,
}

/// Which coophub servers the benchmark measures.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheMode {
    Cold,
    Warm,
    Both,
}

/// The partner-portal page: 50 cooperatives with offerings, seat → powiat → województwo, industries.
pub const PARTNER_QUERY: &str =
    "query Partner($n: Int!) { cooperatives(first: $n) { totalCount edges { node {
  id name nip status publicEmail
  seat { name teryt parent { name parent { name } } }
  industries { edges { node { code name } } }
  offerings(first: 10) { edges { node { name kind priceNote } } } } } } }";

/// A gmina's page: its cooperatives and its purchases from them.
pub const GMINA_QUERY: &str = "query Gmina($t: String!) { localGovernment(teryt: $t) { name
  cooperatives(first: 20) { totalCount edges { node { name status } } }
  procurementExamples(first: 20) { totalCount edges { node { subject year valuePln } } } } }";

/// PostGraphile's reference shape: 20 × 5 × 5 nested connections.
pub const NESTED_QUERY: &str = "{ localGovernments(filter: {level: POWIAT}, first: 20) { edges { node { name
  children(first: 5) { edges { node { name cooperatives(first: 5) { edges { node { name } } } } } } } } } }";

/// Shapes a partner portal sends besides the three above (issue 17 measured them):
/// each is (label, scenario, query, variables).
pub const PORTAL_QUERIES: [(&str, &str, &str, &str); 6] = [
    (
        "50 purchases + chains",
        "purchases",
        "{ procurementExamples(first: 50) { edges { node { subject year valuePln
  buyer { name parent { name parent { name } } } industry { code name }
  suppliers(first: 5) { edges { node { cooperative { name seat { name } } } } } } } } }",
        "{}",
    ),
    (
        "powiat's gminy in depth",
        "powiat",
        "query Powiat($t: String!) { localGovernment(teryt: $t) { name children(first: 30) { edges { node { name
  institutions(first: 5) { edges { node { name kind } } }
  procurementExamples(first: 5) { totalCount edges { node { subject year } } }
  cooperatives(first: 10) { totalCount edges { node { name offerings(first: 5) { edges { node { name } } } } } } } } } } }",
        r#"{"t": "1206"}"#,
    ),
    (
        "cooperative profile",
        "profile",
        "query Profile($k: String!) { cooperative(krs: $k) { name nip regon status description phone website
  seat { name parent { name parent { name } } }
  industries { edges { node { code name } } }
  offerings { edges { node { name kind priceNote areaServed { edges { node { name } } } } } }
  founders { edges { node { kind name localGovernment { name } } } }
  procurementExamples { edges { node { subject year buyer { name } } } } } }",
        r#"{"k": "0009000005"}"#,
    ),
    (
        "100 institutions + units",
        "institutions",
        "{ institutions(first: 100) { edges { node { name kind phone website
  localGovernment { name teryt parent { name } } } } } }",
        "{}",
    ),
    (
        "walk 4 levels deep",
        "walk4",
        "query Walk($t: String!) { localGovernment(teryt: $t) { name children(first: 10) { edges { node { name
  children(first: 5) { edges { node { name cooperatives(first: 5) { edges { node { name
  offerings(first: 3) { edges { node { name kind } } } } } } } } } } } } } }",
        r#"{"t": "12"}"#,
    ),
    (
        "small page (5 cooperatives)",
        "small",
        "{ cooperatives(first: 5) { edges { node { name krs status } } } }",
        "{}",
    ),
];

/// The values an answer holds, sorted, so that two servers' answers to the same
/// question compare equal whatever their field names: every string, number and
/// boolean under `data`, but not ids and cursors (each server writes its own) nor
/// amounts (coophub's `valuePln` is PLN, PostGraphile's `valueGrosze` grosze).
fn values_of(answer: &Value) -> Vec<String> {
    fn walk(v: &Value, key: &str, out: &mut Vec<String>) {
        const OWN: [&str; 7] = [
            "id",
            "cursor",
            "endCursor",
            "startCursor",
            "__typename",
            "valuePln",
            "valueGrosze",
        ];
        match v {
            Value::Object(m) => m.iter().for_each(|(k, v)| walk(v, k, out)),
            Value::Array(a) => a.iter().for_each(|v| walk(v, key, out)),
            Value::Null => {}
            _ if OWN.contains(&key) => {}
            Value::String(s) => out.push(s.clone()),
            other => out.push(other.to_string()),
        }
    }
    let mut out = Vec::new();
    walk(&answer["data"], "", &mut out);
    out.sort_unstable();
    out
}

/// Asks both servers their version of a scenario once and fails unless the answers
/// hold the same values: a comparison of different answers would measure nothing.
async fn check_same_answer(
    client: &reqwest::Client,
    name: &str,
    ours: (&str, &Value),
    theirs: (&str, &Value),
) -> Result<()> {
    let mut answers = Vec::new();
    for (url, body) in [ours, theirs] {
        let a: Value = client
            .post(url)
            .json(body)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        anyhow::ensure!(a.get("errors").is_none(), "{name}: {a}");
        answers.push(values_of(&a));
    }
    let (a, b) = (&answers[0], &answers[1]);
    if a != b {
        let only_ours: Vec<_> = a.iter().filter(|v| !b.contains(v)).take(5).collect();
        let only_theirs: Vec<_> = b.iter().filter(|v| !a.contains(v)).take(5).collect();
        anyhow::bail!(
            "{name}: the servers answer differently ({} values against {}); only coophub's: {only_ours:?}; only the other's: {only_theirs:?}",
            a.len(),
            b.len()
        );
    }
    Ok(())
}

/// A client paging through the whole directory: 100 cooperatives with their seats,
/// after the cursor of the row a scenario names (none: the first page).
pub const DEEP_QUERY: &str = "query Deep($a: String) { cooperatives(first: 100, after: $a) {
  pageInfo { hasNextPage endCursor } edges { node { name seat { name } } } } }";

/// A network map's question: every node and edge two steps around a powiat (its
/// gminy, voivodeship, cooperatives, purchases, institutions…), 40 edges per node.
pub const NEIGHBOURHOOD_QUERY: &str = "query Around($from: [ID!]!) {
  neighbourhood(from: $from, depth: 2, limitPerNode: 40) { nodeCount edgeCount
    nodes { __typename id } edges { kind source target } } }";

/// The directory pages the deep-page scenarios start after (0: the first page).
const DEEP_ROWS: [(&str, &str, u64); 3] = [
    ("page 1 (100 + seats)", "page1", 0),
    ("page after row 10,000", "deep10k", 10_000),
    ("page after row 60,000", "deep60k", 60_000),
];

/// The cursor of the directory's `row`-th cooperative by name (1-based), as coophub
/// writes it; None past the end.
async fn directory_cursor(db: &sea_orm::DatabaseConnection, row: u64) -> Result<Option<String>> {
    use coophub::db::{cooperative::directory_keyset, directory::DirectoryOrder};
    use entity::cooperative::Column;
    use sea_orm::{sea_query::Value, EntityTrait, QueryOrder, QuerySelect};
    let Some(offset) = row.checked_sub(1) else {
        return Ok(None);
    };
    let at: Option<(String, i32)> = cooperative::Entity::find()
        .select_only()
        .column(Column::Name)
        .column(Column::Id)
        .order_by_asc(Column::Name)
        .order_by_asc(Column::Id)
        .offset(offset)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(at.map(|(name, id)| {
        directory_keyset(DirectoryOrder::Name)
            .encode(&[Value::String(Some(name)), Value::Int(Some(id))])
    }))
}

/// A compared server's scenario with a `"cursor"` step (`{"query", "pointer",
/// "variable"}`): the step's query runs once and the value at `pointer` of its answer
/// becomes the scenario's `variable` (e.g. PostGraphile's own cursor after row 60,000).
async fn resolve_cursor(client: &reqwest::Client, url: &str, scenario: &Value) -> Result<Value> {
    let Some(step) = scenario.get("cursor") else {
        return Ok(scenario.clone());
    };
    let answer: Value = client
        .post(url)
        .json(&json!({ "query": step["query"], "variables": step.get("variables").cloned().unwrap_or(json!({})) }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let pointer = step["pointer"].as_str().unwrap_or_default();
    let value = answer
        .pointer(pointer)
        .cloned()
        .with_context(|| format!("no {pointer} in {answer}"))?;
    let variable = step["variable"].as_str().unwrap_or("a");
    let mut out = json!({ "query": scenario["query"], "variables": scenario.get("variables").cloned().unwrap_or(json!({})) });
    out["variables"][variable] = value;
    Ok(out)
}

/// The buyer's search: words and a circle, ranked by distance, with the page a search box shows.
/// Directory pages a visitor would open: words and a place by name, a sector
/// around a TERYT code, a place alone.
const PAGE_SEARCHES: [&str; 3] = [
    "/katalog?q=catering&miejsce=Nowy+Targ&promien=40",
    "/katalog?sektor=cleaning&miejsce=1261011&promien=30",
    "/katalog?miejsce=Lublin&promien=25",
];

pub const SEARCH_QUERY: &str = "query Search($text: String!, $teryt: String!) {
  cooperatives(filter: {text: $text, near: {teryt: $teryt, radiusKm: 40}}, first: 20) {
    totalCount edges { distanceKm relevance node { id name activity seat { name } } } } }";

/// Words and places the search benchmark rotates through (every request differs from the last).
const SEARCH_WORDS: [&str; 6] = [
    "catering",
    "sprzątanie",
    "zieleni",
    "opieka",
    "remont",
    "posiłki",
];
const SEARCH_PLACES: [&str; 8] = [
    "1211011", "1261011", "0663011", "2261011", "2061011", "3064011", "0264011", "2862011",
];

/// The search requests, one per word and place.
pub fn search_bodies() -> Vec<Value> {
    let mut out = Vec::new();
    for w in SEARCH_WORDS {
        for p in SEARCH_PLACES {
            out.push(json!({ "query": SEARCH_QUERY, "variables": { "text": w, "teryt": p } }));
        }
    }
    out
}

/// Facets and the union search box, rotating through the same words.
pub fn facet_bodies() -> Vec<Value> {
    SEARCH_WORDS
        .iter()
        .map(|w| json!({ "query": "query F($t: String!) { cooperativeFacets(filter: {text: $t}) { totalCount voivodeships { teryt count } statuses { status count } } search(query: $t, first: 10) { totalCount edges { relevance node { __typename } } } }", "variables": { "t": w } }))
        .collect()
}

struct Run {
    rps: f64,
    p50: Duration,
    p95: Duration,
    p99: Duration,
}

fn median_by<T>(mut v: Vec<T>, key: impl Fn(&T) -> f64) -> T {
    v.sort_by(|a, b| key(a).total_cmp(&key(b)));
    v.swap_remove(v.len() / 2)
}

/// Sends `requests` requests from `concurrency` clients; client `c`'s `k`-th request
/// is `bodies[(c + k) % len]`, so a list of bodies rotates.
async fn one_run(
    client: &reqwest::Client,
    url: &str,
    bodies: &[Value],
    requests: usize,
    concurrency: usize,
) -> Result<Run> {
    let started = Instant::now();
    let per_client = requests.div_ceil(concurrency.max(1));
    let mut tasks = Vec::new();
    for c in 0..concurrency.max(1) {
        let (client, url, bodies) = (client.clone(), url.to_owned(), bodies.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_client);
            for k in 0..per_client {
                let body = &bodies[(c + k) % bodies.len()];
                let t = Instant::now();
                // A string is a page's path (GET, HTML); anything else a GraphQL body.
                let (resp, expected): (_, &[u8]) = match body.as_str() {
                    Some(path) => {
                        let base = url.trim_end_matches("/graphql");
                        let page = client.get(format!("{base}{path}")).send();
                        (page.await?, b"<!DOCTYPE html>")
                    }
                    None => (client.post(&url).json(body).send().await?, b"{\"data\""),
                };
                let resp = resp.error_for_status()?;
                // The client must not steal the server's cores: check the bytes, parse nothing.
                let bytes = resp.bytes().await?;
                anyhow::ensure!(
                    bytes.starts_with(expected)
                        && memchr::memmem::find(&bytes, b"\"errors\":").is_none(),
                    "request failed: {}",
                    String::from_utf8_lossy(&bytes)
                );
                lat.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await??);
    }
    let wall = started.elapsed();
    lat.sort_unstable();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    Ok(Run {
        rps: lat.len() as f64 / wall.as_secs_f64(),
        p50: pct(0.50),
        p95: pct(0.95),
        p99: pct(0.99),
    })
}

/// One server the benchmark sends its queries to.
struct Target {
    name: &'static str,
    url: String,
    /// SQL statements counter (coophub's own instances only).
    statements: Option<coophub::db::StatementCounter>,
}

/// Starts an in-process coophub on a loopback port over `config`.
async fn start(config: &Config, name: &'static str) -> Result<Target> {
    let state = app::build_state(config).await?;
    let statements = Some(state.statements.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/graphql", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, coophub::http::service(state)).await });
    Ok(Target {
        name,
        url,
        statements,
    })
}

pub async fn run(config: &Config, args: BenchArgs) -> Result<()> {
    let (db, _) = app::open_database(config).await?;
    if count_rows::<local_government::Entity>(&db).await? == 0 {
        coophub::db::reference::import(&db, &config.data_dir).await?;
    }
    if count_rows::<cooperative::Entity>(&db).await? == 0 {
        println!(
            "empty database: generating {} sample cooperatives",
            args.cooperatives
        );
        coophub::db::sample::seed(&db, args.cooperatives, 2026).await?;
    }
    let coops = count_rows::<cooperative::Entity>(&db).await?;
    let mut deep = Vec::new();
    for (name, key, row) in DEEP_ROWS {
        if row < coops {
            let after = directory_cursor(&db, row).await?;
            deep.push((
                name,
                key,
                vec![json!({ "query": DEEP_QUERY, "variables": { "a": after } })],
            ));
        }
    }
    // A network map's question (issue 21): a powiat's neighbourhood two steps out.
    let mut graph = Vec::new();
    if let Some(p) = local_government::Entity::find()
        .filter(local_government::Column::Teryt.eq("1206"))
        .one(&db)
        .await?
    {
        graph.push((
            "neighbourhood, depth 2",
            "neighbourhood",
            vec![json!({ "query": NEIGHBOURHOOD_QUERY,
                "variables": { "from": [coophub::ids::global_id("LocalGovernment", p.id).0] } })],
        ));
    }
    // The pages people open (issue 22): HTML rendered from GraphQL reads.
    let mut profiles = Vec::new();
    for row in [0, coops / 2, coops.saturating_sub(1)] {
        if let Some(c) = cooperative::Entity::find()
            .order_by_asc(cooperative::Column::Id)
            .offset(row)
            .one(&db)
            .await?
        {
            profiles.push(json!(format!(
                "/spoldzielnie/{}",
                coophub::ids::global_id("Cooperative", c.id).0
            )));
        }
    }
    let pages = [
        ("page: directory", "page-directory", vec![json!("/katalog")]),
        (
            "page: directory, search",
            "page-search",
            PAGE_SEARCHES.iter().map(|p| json!(p)).collect(),
        ),
        ("page: profile", "page-profile", profiles.clone()),
        (
            "page: local government",
            "page-unit",
            ["/samorzady/12", "/samorzady/1206", "/samorzady/1261011"]
                .iter()
                .map(|p| json!(p))
                .collect(),
        ),
        (
            "page: map",
            "page-map",
            vec![json!("/mapa"), json!("/mapa?poziom=powiaty")],
        ),
        (
            "page: network",
            "page-network",
            profiles
                .iter()
                .filter_map(|p| p.as_str()?.strip_prefix("/spoldzielnie/"))
                .map(|id| json!(format!("/siec?od={id}")))
                .collect(),
        ),
        ("page: forum", "page-forum", vec![json!("/forum")]),
    ];
    db.close().await?;
    // The bench measures the server, not the budgets: lift them for its own in-process instances.
    let mut config = config.clone();
    (config.budget_anonymous, config.budget_anonymous_rate) = (1e15, 1e15);
    let mut targets = Vec::new();
    if args.mode != CacheMode::Warm {
        let mut cold = config.clone();
        cold.response_cache = false;
        targets.push(start(&cold, "coophub cold").await?);
    }
    if args.mode != CacheMode::Cold {
        let mut warm = config.clone();
        warm.response_cache = true;
        targets.push(start(&warm, "coophub warm").await?);
    }
    // The other server's equivalent queries, by scenario name.
    let compare: Option<serde_json::Map<String, Value>> = match &args.compare_queries {
        Some(path) => Some(
            serde_json::from_str(
                &std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?,
            )
            .with_context(|| format!("{} must be a JSON object", path.display()))?,
        ),
        None => None,
    };
    if let Some(url) = &args.compare_url {
        anyhow::ensure!(
            compare.is_some(),
            "--compare-url needs --compare-queries (its equivalent queries)"
        );
        targets.push(Target {
            name: "compared",
            url: url.clone(),
            statements: None,
        });
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let backend = if config.is_sqlite() {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    println!(
        "coophub-bench partner: {backend}, {coops} cooperatives, {} requests × {} runs per query and server (interleaved), {} concurrent clients, {} cores",
        args.requests,
        args.runs,
        args.concurrency,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    println!(
        "{:<26} {:<13} {:>9} {:>9} {:>9} {:>9} {:>12}",
        "query", "server", "req/s", "p50 ms", "p95 ms", "p99 ms", "SQL/request"
    );
    let queries = [
        (
            "trivial { __typename }",
            "trivial",
            vec![json!({ "query": "{ __typename }" })],
        ),
        (
            "partner (50 cooperatives)",
            "partner",
            vec![json!({ "query": PARTNER_QUERY, "variables": { "n": 50 } })],
        ),
        (
            "gmina page",
            "gmina",
            vec![json!({ "query": GMINA_QUERY, "variables": { "t": "1261011" } })],
        ),
        (
            "nested 20×5×5",
            "nested",
            vec![json!({ "query": NESTED_QUERY })],
        ),
        ("search text + 40 km", "search", search_bodies()),
        ("facets + union search", "facets", facet_bodies()),
    ];
    let portal = PORTAL_QUERIES.iter().map(|(name, key, query, vars)| {
        let vars: Value = serde_json::from_str(vars).unwrap_or_default();
        (
            *name,
            *key,
            vec![json!({ "query": query, "variables": vars })],
        )
    });
    let queries = queries
        .into_iter()
        .chain(portal)
        .chain(deep)
        .chain(graph)
        .chain(pages);
    // Median req/s and p99 of each (query, server).
    let mut medians: Vec<(&str, &str, f64, Duration)> = Vec::new();
    for (name, key, body) in queries {
        if !args.only.is_empty() && !args.only.iter().any(|o| name.starts_with(o.as_str())) {
            continue;
        }
        let mut bodies = Vec::new();
        for t in &targets {
            let b = match (
                t.statements.is_some(),
                compare.as_ref().and_then(|c| c.get(key)),
            ) {
                (true, _) => body.clone(),
                (false, Some(other)) => vec![resolve_cursor(&client, &t.url, other).await?],
                (false, None) => Vec::new(),
            };
            bodies.push(b);
        }
        // Both answers hold the same values before any timing.
        let ours = targets
            .iter()
            .zip(&bodies)
            .find(|(t, b)| t.statements.is_some() && !b.is_empty());
        let theirs = targets
            .iter()
            .zip(&bodies)
            .find(|(t, b)| t.statements.is_none() && !b.is_empty());
        if let (Some((o, ob)), Some((t, tb))) = (ours, theirs) {
            check_same_answer(&client, name, (&o.url, &ob[0]), (&t.url, &tb[0])).await?;
        }
        // One request alone, for an exact statement count, then the warm-up.
        let mut per_request = Vec::new();
        for (t, b) in targets.iter().zip(&bodies) {
            if b.is_empty() {
                per_request.push(None);
                continue;
            }
            let before = t.statements.as_ref().map(|s| s.get());
            one_run(&client, &t.url, b, 1, 1)
                .await
                .with_context(|| format!("{name} on {}: first request", t.name))?;
            per_request.push(before.zip(t.statements.as_ref()).map(|(b, s)| s.get() - b));
            one_run(
                &client,
                &t.url,
                b,
                (args.requests / 10).max(1),
                args.concurrency,
            )
            .await?;
        }
        // Runs interleaved between the servers, so the machine's noise hits them alike.
        let mut runs: Vec<Vec<Run>> = targets.iter().map(|_| Vec::new()).collect();
        for _ in 0..args.runs.max(1) {
            for (i, (t, b)) in targets.iter().zip(&bodies).enumerate() {
                if !b.is_empty() {
                    runs[i]
                        .push(one_run(&client, &t.url, b, args.requests, args.concurrency).await?);
                }
            }
        }
        for ((t, r), sql) in targets.iter().zip(runs).zip(per_request) {
            if r.is_empty() {
                continue;
            }
            let m = median_by(r, |r| r.rps);
            println!(
                "{name:<26} {:<13} {:>9.0} {:>9.2} {:>9.2} {:>9.2} {:>12}",
                t.name,
                m.rps,
                m.p50.as_secs_f64() * 1e3,
                m.p95.as_secs_f64() * 1e3,
                m.p99.as_secs_f64() * 1e3,
                sql.map_or("-".to_owned(), |n| n.to_string())
            );
            medians.push((key, t.name, m.rps, m.p99));
        }
    }
    let find = |q: &str, server: &str| {
        medians
            .iter()
            .find(|(k, s, _, _)| *k == q && *s == server)
            .map(|(_, _, rps, p99)| (*rps, *p99))
    };
    for server in ["coophub cold", "coophub warm"] {
        if let Some((trivial, _)) = find("trivial", server) {
            let ratios: Vec<String> = medians
                .iter()
                .filter(|(k, s, _, _)| *s == server && *k != "trivial")
                .map(|(k, _, r, _)| format!("{k} {:.3}", r / trivial))
                .collect();
            println!(
                "{server}: req/s as a share of its trivial query: {}",
                ratios.join(", ")
            );
        }
    }
    let compared: Vec<String> = medians
        .iter()
        .filter(|(k, s, _, _)| *s == "coophub cold" && *k != "trivial")
        .filter_map(|(k, _, rps, p99)| {
            let (other_rps, other_p99) = find(k, "compared")?;
            Some(format!(
                "{k} {:.2}× req/s, p99 {:.2} vs {:.2} ms",
                rps / other_rps,
                p99.as_secs_f64() * 1e3,
                other_p99.as_secs_f64() * 1e3
            ))
        })
        .collect();
    if !compared.is_empty() {
        println!("coophub cold vs compared: {}", compared.join("; "));
    }
    Ok(())
}
