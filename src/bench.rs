//! `coophub bench`: the partner-portal benchmark. Starts the real server in
//! process on a loopback port over the configured database (seeding the sample
//! if it is empty), then sends each query over HTTP from N concurrent clients
//! and reports requests/s, p50/p99 latency and SQL statements per request.
//! A trivial `{ __typename }` runs in the same session, so ratios to it are
//! comparable across noisy machines. Runs repeat; the median run is reported.

use crate::app;
use crate::config::Config;
use crate::db::count_rows;
use anyhow::{Context, Result};
use clap::Args;
use entity::{cooperative, local_government};
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
}

/// The partner-portal page: 50 cooperatives with offerings, seat → powiat → województwo, industries.
pub const PARTNER_QUERY: &str =
    "query Partner($n: Int!) { cooperatives(first: $n) { totalCount edges { node {
  id name nip status publicEmail
  seat { name teryt parent { name parent { name } } }
  industries { edges { node { code name } } }
  offerings(first: 10) { edges { node { name kind priceNote } } } } } } }";

/// PostGraphile's reference shape: 20 × 5 × 5 nested connections.
pub const NESTED_QUERY: &str = "{ localGovernments(filter: {level: POWIAT}, first: 20) { edges { node { name
  children(first: 5) { edges { node { name cooperatives(first: 5) { edges { node { name } } } } } } } } } }";

/// The buyer's search: words and a circle, ranked by distance, with the page a search box shows.
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
                let resp = client
                    .post(&url)
                    .json(body)
                    .send()
                    .await?
                    .error_for_status()?;
                // The client must not steal the server's cores: check the bytes, parse nothing.
                let bytes = resp.bytes().await?;
                anyhow::ensure!(
                    bytes.starts_with(b"{\"data\"")
                        && !bytes.windows(9).any(|w| w == b"\"errors\":"),
                    "query failed: {}",
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

pub async fn run(config: &Config, args: BenchArgs) -> Result<()> {
    let (db, _) = app::open_database(config).await?;
    if count_rows::<local_government::Entity>(&db).await? == 0 {
        crate::db::reference::import(&db, &config.data_dir).await?;
    }
    if count_rows::<cooperative::Entity>(&db).await? == 0 {
        println!(
            "empty database: generating {} sample cooperatives",
            args.cooperatives
        );
        crate::db::sample::seed(&db, args.cooperatives, 2026).await?;
    }
    let coops = count_rows::<cooperative::Entity>(&db).await?;
    db.close().await?;
    // The bench measures the server, not the budgets: lift them for its own in-process instance.
    let mut config = config.clone();
    (config.budget_anonymous, config.budget_anonymous_rate) = (1e15, 1e15);
    let state = app::build_state(&config).await?;
    let statements = state.statements.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/graphql", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, crate::http::service(state)).await });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let backend = if config.is_sqlite() {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    println!(
        "coophub bench: {backend}, {coops} cooperatives, {} requests × {} runs per query, {} concurrent clients, {} cores",
        args.requests,
        args.runs,
        args.concurrency,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    println!(
        "{:<26} {:>9} {:>9} {:>9} {:>9} {:>12}",
        "query", "req/s", "p50 ms", "p95 ms", "p99 ms", "SQL/request"
    );
    let queries = [
        (
            "trivial { __typename }",
            vec![json!({ "query": "{ __typename }" })],
        ),
        (
            "partner (50 cooperatives)",
            vec![json!({ "query": PARTNER_QUERY, "variables": { "n": 50 } })],
        ),
        ("nested 20×5×5", vec![json!({ "query": NESTED_QUERY })]),
        ("search text + 40 km", search_bodies()),
        ("facets + union search", facet_bodies()),
    ];
    let mut medians = Vec::new();
    for (name, body) in &queries {
        if !args.only.is_empty() && !args.only.iter().any(|o| name.starts_with(o.as_str())) {
            continue;
        }
        // One request alone, for an exact statement count, then the warm-up.
        let before = statements.get();
        one_run(&client, &url, body, 1, 1)
            .await
            .with_context(|| format!("{name}: first request"))?;
        let per_request = statements.get() - before;
        one_run(
            &client,
            &url,
            body,
            (args.requests / 10).max(1),
            args.concurrency,
        )
        .await?;
        let mut runs = Vec::new();
        for _ in 0..args.runs.max(1) {
            runs.push(one_run(&client, &url, body, args.requests, args.concurrency).await?);
        }
        let m = median_by(runs, |r| r.rps);
        println!(
            "{name:<26} {:>9.0} {:>9.2} {:>9.2} {:>9.2} {:>12}",
            m.rps,
            m.p50.as_secs_f64() * 1e3,
            m.p95.as_secs_f64() * 1e3,
            m.p99.as_secs_f64() * 1e3,
            per_request
        );
        medians.push((*name, m.rps));
    }
    if let Some((_, trivial)) = medians.iter().find(|(n, _)| n.starts_with("trivial")) {
        let ratios: Vec<String> = medians
            .iter()
            .filter(|(n, _)| !n.starts_with("trivial"))
            .map(|(n, r)| format!("{n} {:.3}", r / trivial))
            .collect();
        println!(
            "ratios to the trivial query (same session): {}",
            ratios.join(", ")
        );
    }
    Ok(())
}
