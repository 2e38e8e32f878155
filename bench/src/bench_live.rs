//! `coophub-bench live`: the live-feed load client. Starts one or two real
//! `coophub serve` processes on the configured database (two need `REDIS_URL`:
//! they share it), opens N graphql-transport-ws subscribers to one thread
//! (spread over the instances), then writes posts through the first instance
//! and measures, per delivery, the time from sending the mutation to the
//! subscriber reading the post. Reports deliveries lost, p50/p99/max latency,
//! and each server's memory per idle subscriber (resident memory from its
//! `/metrics`, before and after the subscribers connected). The `coophub` binary
//! is `COOPHUB_BIN`, else the one next to this executable (`cargo build --release
//! --workspace` puts both in `target/release`).

use anyhow::{bail, Context, Result};
use clap::Args;
use coophub::config::Config;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::{
    client::IntoClientRequest, http::HeaderValue, protocol::WebSocketConfig, Message,
};

#[derive(Args, Debug, Clone)]
pub struct LiveBenchArgs {
    /// Subscribers (WebSocket connections, one `postAdded` each).
    #[arg(long, default_value_t = 1000)]
    pub subscribers: usize,
    /// Server instances (2 needs REDIS_URL; subscribers alternate between them).
    #[arg(long, default_value_t = 1)]
    pub instances: usize,
    /// Posts written (through the first instance).
    #[arg(long, default_value_t = 30)]
    pub posts: usize,
    /// Pause between posts, in milliseconds.
    #[arg(long, default_value_t = 200)]
    pub interval_ms: u64,
    /// Connections opened at the same time while subscribing.
    #[arg(long, default_value_t = 200)]
    pub connect_concurrency: usize,
}

/// A `coophub serve` child, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `coophub` binary to start: `COOPHUB_BIN`, else `coophub` next to this executable.
fn coophub_bin() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("COOPHUB_BIN") {
        return Ok(bin.into());
    }
    let bin =
        std::env::current_exe()?.with_file_name(format!("coophub{}", std::env::consts::EXE_SUFFIX));
    if !bin.is_file() {
        bail!(
            "no coophub binary at {}: build it too (`cargo build --release --workspace`) or set COOPHUB_BIN",
            bin.display()
        );
    }
    Ok(bin)
}

/// Starts `coophub serve` on a port the system picks, and returns once it says on
/// standard output where it listens (it prints that after binding, data loaded).
async fn start(bin: &std::path::Path, config: &Config) -> Result<Server> {
    let mut cmd = Command::new(bin);
    cmd.arg("serve")
        .env("DATABASE_URL", config.database_url.expose())
        .env("COOPHUB_BIND", "127.0.0.1:0")
        .env("COOPHUB_DATA_DIR", &config.data_dir)
        // The load client is one address: budgets would stop it, not measure the server.
        .env("COOPHUB_BUDGET_ANONYMOUS", "1e12")
        .env("COOPHUB_BUDGET_ANONYMOUS_RATE", "1e12")
        .env("RUST_LOG", "warn")
        .env_remove("TOKIO_WORKER_THREADS")
        .stdout(Stdio::piped());
    match &config.redis_url {
        Some(r) => cmd.env("REDIS_URL", r.expose()),
        None => cmd.env_remove("REDIS_URL"),
    };
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting `{} serve`", bin.display()))?;
    let stdout = child
        .stdout
        .take()
        .context("no stdout from `coophub serve`")?;
    let mut server = Server {
        child,
        base: String::new(),
    };
    let found = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(stdout).lines();
        let base = lines.by_ref().map_while(Result::ok).find_map(|l| {
            let rest = l.strip_prefix("coophub is ready: GraphiQL at http://")?;
            Some(rest.split('/').next()?.to_owned())
        });
        // Keep reading whatever else it prints, so its pipe never fills.
        std::thread::spawn(move || lines.for_each(drop));
        base
    });
    match tokio::time::timeout(Duration::from_secs(300), found).await {
        Ok(Ok(Some(base))) => {
            server.base = base;
            Ok(server)
        }
        Ok(_) => bail!("`coophub serve` stopped before it was ready (see its standard error)"),
        Err(_) => bail!("`coophub serve` was not ready within 300 s"),
    }
}

async fn gql(
    http: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    q: &str,
    vars: Value,
) -> Result<Value> {
    let mut req = http
        .post(format!("http://{base}/graphql"))
        .json(&json!({ "query": q, "variables": vars }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let body: Value = req.send().await?.json().await?;
    if body.get("errors").is_some() {
        bail!("GraphQL error: {body}");
    }
    Ok(body["data"].clone())
}

/// CPU time (user + system) a process has used so far, from `/proc/<pid>/stat`;
/// None where there is no such file.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

async fn rss(http: &reqwest::Client, base: &str) -> Result<u64> {
    let text = http
        .get(format!("http://{base}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    text.lines()
        .find_map(|l| l.strip_prefix("coophub_resident_memory_bytes "))
        .and_then(|v| v.trim().parse().ok())
        .context("no coophub_resident_memory_bytes in /metrics")
}

const POST_ADDED: &str =
    "subscription($t: ID!) { postAdded(threadId: $t) { id bodyMarkdown authorName } }";

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_text(ws: &mut Ws) -> Result<Value> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => return Ok(serde_json::from_str(t.as_str())?),
            Some(Ok(Message::Close(f))) => bail!("closed: {f:?}"),
            Some(Ok(_)) => continue,
            Some(Err(e)) => bail!("{e}"),
            None => bail!("connection ended"),
        }
    }
}

/// Connects, subscribes and waits until the feed listens (the pong after it).
async fn subscribe(base: &str, thread: &str) -> Result<Ws> {
    let mut req = format!("ws://{base}/graphql/ws").into_client_request()?;
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    // Small buffers here too: 10,000 clients with 128 KiB each would measure the client.
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(config), true).await?;
    let send = |v: Value| Message::Text(v.to_string().into());
    ws.send(send(json!({ "type": "connection_init" }))).await?;
    let ack = next_text(&mut ws).await?;
    if ack["type"] != "connection_ack" {
        bail!("expected connection_ack, got {ack}");
    }
    ws.send(send(json!({ "id": "1", "type": "subscribe",
        "payload": { "query": POST_ADDED, "variables": { "t": thread } } })))
        .await?;
    ws.send(send(json!({ "type": "ping" }))).await?;
    let pong = next_text(&mut ws).await?;
    if pong["type"] != "pong" {
        bail!("expected pong, got {pong}");
    }
    Ok(ws)
}

/// The sequence number in a delivered post (`"bodyMarkdown":"bench 17"`), found
/// without parsing the JSON: the client must cost far less than the server it measures.
fn seq_of(text: &str) -> Option<usize> {
    let rest = &text[text.find("\"bench ")? + 7..];
    rest[..rest.find('"')?].parse().ok()
}

/// Each delivery's latency (µs) and post.
type Deliveries = Arc<std::sync::Mutex<Vec<(u64, u32)>>>;

/// Reads `posts` deliveries into `lat` (latency in µs and post, each). No timer per
/// read: the caller stops readers at its deadline, and the client must cost far less
/// than the server it measures. The connection is handed back, not closed: 10,000
/// clients hanging up while others still wait for the last post would measure that.
async fn read(
    mut ws: Ws,
    posts: usize,
    sent: Arc<Vec<AtomicU64>>,
    origin: Instant,
    lat: Deliveries,
) -> Ws {
    let mut got = 0;
    while got < posts {
        let Some(Ok(m)) = ws.next().await else { break };
        let now = origin.elapsed().as_micros() as u64;
        let Message::Text(t) = m else { continue };
        if let Some(seq) = seq_of(t.as_str()).filter(|s| *s < sent.len()) {
            let us = now.saturating_sub(sent[seq].load(Ordering::Acquire));
            lat.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((us, seq as u32));
            got += 1;
        }
    }
    ws
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

pub async fn run(config: &Config, args: LiveBenchArgs) -> Result<()> {
    if args.instances == 0 || args.instances > 2 {
        bail!("--instances is 1 or 2");
    }
    if args.instances > 1 && config.redis_url.is_none() {
        bail!("two instances share their feeds through Redis: set REDIS_URL");
    }
    let http = reqwest::Client::new();
    let bin = coophub_bin()?;
    let mut servers = Vec::new();
    for _ in 0..args.instances {
        servers.push(start(&bin, config).await?);
    }
    let a = servers[0].base.clone();
    let email = format!("bench-{}@example.invalid", fastrand::u64(..));
    gql(&http, &a, None, "mutation($i: RegisterInput!) { register(input: $i) { me { email } } }",
        json!({ "i": { "email": email, "password": "bench password 1234", "displayName": "Bench" } })).await?;
    let login = gql(
        &http,
        &a,
        None,
        "mutation($i: LoginInput!) { login(input: $i) { token } }",
        json!({ "i": { "email": email, "password": "bench password 1234" } }),
    )
    .await?;
    let token = login["login"]["token"]
        .as_str()
        .context("no token")?
        .to_owned();
    let created = gql(
        &http,
        &a,
        Some(&token),
        "mutation($i: CreateThreadInput!) { createThread(input: $i) { thread { id } } }",
        json!({ "i": { "board": { "general": true }, "title": "Bench", "body": "start" } }),
    )
    .await?;
    let thread = created["createThread"]["thread"]["id"]
        .as_str()
        .context("no thread")?
        .to_owned();

    let mut before = Vec::new();
    for s in &servers {
        before.push(rss(&http, &s.base).await?);
    }
    println!(
        "coophub-bench live: {} subscribers on {} instance(s) of {}, {} posts every {} ms, {} cores",
        args.subscribers,
        args.instances,
        bin.display(),
        args.posts,
        args.interval_ms,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let connect_start = Instant::now();
    let gate = Arc::new(tokio::sync::Semaphore::new(args.connect_concurrency.max(1)));
    let mut connecting = Vec::new();
    for i in 0..args.subscribers {
        let base = servers[i % servers.len()].base.clone();
        let thread = thread.clone();
        let gate = gate.clone();
        connecting.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await;
            subscribe(&base, &thread).await
        }));
    }
    let mut sockets = Vec::new();
    for (i, c) in connecting.into_iter().enumerate() {
        let ws = c.await?.with_context(|| format!("subscriber {i}"))?;
        sockets.push((i % servers.len(), ws));
    }
    let connect_secs = connect_start.elapsed().as_secs_f64();
    let mut after = Vec::new();
    for s in &servers {
        after.push(rss(&http, &s.base).await?);
    }
    println!("subscribed: {} in {connect_secs:.1} s", sockets.len());
    for (n, (b, a)) in before.iter().zip(&after).enumerate() {
        let per = servers.len() as f64 * (*a as f64 - *b as f64) / args.subscribers as f64;
        println!(
            "instance {n}: resident memory {:.1} MB → {:.1} MB, {:.1} KB per idle subscriber",
            *b as f64 / 1e6,
            *a as f64 / 1e6,
            per / 1024.0
        );
    }

    let cpu_before: Vec<Option<Duration>> =
        servers.iter().map(|s| cpu_time(s.child.id())).collect();
    let origin = Instant::now();
    let sent: Arc<Vec<AtomicU64>> = Arc::new((0..args.posts).map(|_| AtomicU64::new(0)).collect());
    let lats: Vec<Deliveries> = (0..servers.len()).map(|_| Arc::default()).collect();
    let mut readers = Vec::new();
    for (instance, ws) in sockets {
        let reader = read(ws, args.posts, sent.clone(), origin, lats[instance].clone());
        readers.push(tokio::spawn(reader));
    }
    for seq in 0..args.posts {
        sent[seq].store(origin.elapsed().as_micros() as u64, Ordering::Release);
        gql(
            &http,
            &a,
            Some(&token),
            "mutation($i: AddPostInput!) { addPost(input: $i) { post { id } } }",
            json!({ "i": { "thread": thread, "body": format!("bench {seq}") } }),
        )
        .await?;
        tokio::time::sleep(Duration::from_millis(args.interval_ms)).await;
    }
    // Deliveries not in within 30 s of the last post count as lost.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut open = Vec::new();
    for r in readers {
        match tokio::time::timeout_at(deadline, r).await {
            Ok(Ok(ws)) => open.push(ws),
            Ok(Err(_)) => {}
            Err(_) => break,
        }
    }
    for (n, (s, before)) in servers.iter().zip(&cpu_before).enumerate() {
        if let (Some(b), Some(a)) = (before, cpu_time(s.child.id())) {
            let delivered = lats[n].lock().map(|l| l.len()).unwrap_or(0).max(1);
            println!(
                "instance {n}: {:.2} s of CPU while posting, {:.1} µs per delivery",
                (a - *b).as_secs_f64(),
                (a - *b).as_secs_f64() * 1e6 / delivered as f64
            );
        }
    }
    let deliveries: Vec<Vec<(u64, u32)>> = lats
        .iter()
        .map(|l| std::mem::take(&mut *l.lock().unwrap_or_else(|e| e.into_inner())))
        .collect();
    let mut per_post = vec![Vec::new(); args.posts];
    for &(us, seq) in deliveries.iter().flatten() {
        per_post[seq as usize].push(us);
    }
    let per_post: Vec<String> = per_post
        .iter_mut()
        .map(|l| {
            l.sort_unstable();
            format!("{:.0}/{:.0}", pct(l, 0.5), pct(l, 1.0))
        })
        .collect();
    println!("per post, p50/max ms: {}", per_post.join(" "));
    let per_instance: Vec<Vec<u64>> = deliveries
        .into_iter()
        .map(|l| l.into_iter().map(|(us, _)| us).collect())
        .collect();
    let expected_each = |n: usize| {
        let subs = (0..args.subscribers)
            .filter(|i| i % servers.len() == n)
            .count();
        subs * args.posts
    };
    let mut all = Vec::new();
    for (n, mut l) in per_instance.into_iter().enumerate() {
        l.sort_unstable();
        let expected = expected_each(n);
        println!(
            "instance {n} subscribers: {}/{} delivered ({} lost); p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            l.len(),
            expected,
            expected - l.len().min(expected),
            pct(&l, 0.5),
            pct(&l, 0.99),
            pct(&l, 1.0)
        );
        all.extend(l);
    }
    all.sort_unstable();
    let expected = args.subscribers * args.posts;
    println!(
        "all: {}/{} delivered ({} lost); p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        all.len(),
        expected,
        expected - all.len().min(expected),
        pct(&all, 0.5),
        pct(&all, 0.99),
        pct(&all, 1.0)
    );
    Ok(())
}
