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

struct Run {
    rps: f64,
    p50: Duration,
    p99: Duration,
}

fn median_by<T>(mut v: Vec<T>, key: impl Fn(&T) -> f64) -> T {
    v.sort_by(|a, b| key(a).total_cmp(&key(b)));
    v.swap_remove(v.len() / 2)
}

async fn one_run(
    client: &reqwest::Client,
    url: &str,
    body: &Value,
    requests: usize,
    concurrency: usize,
) -> Result<Run> {
    let started = Instant::now();
    let per_client = requests.div_ceil(concurrency.max(1));
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (client, url, body) = (client.clone(), url.to_owned(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                let t = Instant::now();
                let resp = client
                    .post(&url)
                    .json(&body)
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
        "{:<24} {:>10} {:>10} {:>10} {:>12}",
        "query", "req/s", "p50 ms", "p99 ms", "SQL/request"
    );
    let queries = [
        (
            "trivial { __typename }",
            json!({ "query": "{ __typename }" }),
        ),
        (
            "partner (50 cooperatives)",
            json!({ "query": PARTNER_QUERY, "variables": { "n": 50 } }),
        ),
        ("nested 20×5×5", json!({ "query": NESTED_QUERY })),
    ];
    let mut medians = Vec::new();
    for (name, body) in &queries {
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
            "{name:<24} {:>10.0} {:>10.2} {:>10.2} {:>12}",
            m.rps,
            m.p50.as_secs_f64() * 1e3,
            m.p99.as_secs_f64() * 1e3,
            per_request
        );
        medians.push(m.rps);
    }
    println!(
        "ratios to the trivial query (same session): partner {:.2}, nested {:.2}",
        medians[1] / medians[0],
        medians[2] / medians[0]
    );
    Ok(())
}
