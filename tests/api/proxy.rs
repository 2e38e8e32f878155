//! Behind a real reverse proxy (nginx from Debian's packages) in front of two
//! instances: the client is the address the proxy saw, not the proxy, so one
//! client's wrong passwords lock sign-in for that client only; a client cannot
//! pick its address by sending `X-Forwarded-For` itself; the proxy's request id
//! is the one coophub answers and logs under.
//!
//! Addresses on the loopback network tell the parties apart: nginx connects to
//! coophub from 127.0.0.2 (the only trusted proxy), the test's clients connect
//! to nginx from 127.0.0.3 and 127.0.0.4.

use crate::helpers::{config, first_error_code, TestApp};
use serde_json::{json, Value};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// nginx, stopped when dropped.
struct Nginx {
    child: Child,
    addr: SocketAddr,
    _dir: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx_binary() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn start_nginx(binary: PathBuf, upstreams: &[SocketAddr]) -> Nginx {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "nginx-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let port = free_port();
    let servers: String = upstreams.iter().map(|a| format!("server {a};\n")).collect();
    let d = dir.display();
    let conf = format!(
        r#"daemon off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  upstream coophub {{
    {servers}
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://coophub;
      proxy_bind 127.0.0.2;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Request-Id $request_id;
    }}
  }}
}}
"#
    );
    let conf_path = dir.join("nginx.conf");
    std::fs::write(&conf_path, conf).unwrap_or_else(|e| panic!("{e}"));
    let child = Command::new(binary)
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(&conf_path)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("nginx: {e}"));
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let nginx = Nginx {
        child,
        addr,
        _dir: dir,
    };
    // nginx is up once it accepts a connection (it binds before it forks nothing else).
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return nginx;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("nginx did not start listening on {addr}: see the error log above");
}

/// A client that connects from `from`.
fn client_from(from: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from(from))
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn login(client: &reqwest::Client, at: SocketAddr, email: &str, forged: &str) -> Value {
    client
        .post(format!("http://{at}/graphql"))
        .header("x-forwarded-for", forged)
        .json(&json!({
            "query": "mutation($i: LoginInput!) { login(input: $i) { token } }",
            "variables": { "i": { "email": email, "password": "not the password" } },
        }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn behind_nginx_each_client_is_limited_by_its_own_address() {
    let Some(binary) = nginx_binary() else {
        // CI installs nginx (.ci/run) and sets CI: there the test never skips.
        assert!(
            std::env::var("CI").is_err(),
            "nginx is not installed: apt-get install nginx-light"
        );
        eprintln!("skipped: nginx is not installed (apt-get install nginx-light)");
        return;
    };
    let trusted = vec!["127.0.0.2/32".parse().unwrap_or_else(|e| panic!("{e}"))];
    let first = TestApp::spawn_configured(|c| c.trusted_proxies = trusted.clone()).await;
    let mut cfg = config(&first.database_url);
    cfg.trusted_proxies = trusted;
    let second = TestApp::spawn_with(cfg).await;
    let nginx = start_nginx(binary, &[first.addr, second.addr]).await;

    // One client's wrong passwords (each for another account, so only the address
    // counts), each with a forged X-Forwarded-For: locked after five a minute (per
    // instance without Redis, so within ten).
    let a = client_from([127, 0, 0, 3]);
    let mut locked = false;
    for n in 0..12 {
        let r = login(
            &a,
            nginx.addr,
            &format!("a{n}@example.org"),
            &format!("198.51.100.{n}"),
        )
        .await;
        match first_error_code(&r).as_str() {
            "RATE_LIMITED" => {
                locked = true;
                break;
            }
            "BAD_USER_INPUT" => {}
            other => panic!("{other}: {r}"),
        }
    }
    assert!(locked, "forged X-Forwarded-For headers escaped the limit");
    if crate::helpers::is_postgres() {
        // With Redis the two instances share the bucket: locked on both.
        for n in 0..2 {
            let r = login(&a, nginx.addr, &format!("b{n}@example.org"), "203.0.113.1").await;
            assert_eq!(first_error_code(&r), "RATE_LIMITED", "{r}");
        }
    }
    // Another client behind the same proxy is not locked out by the first.
    let b = client_from([127, 0, 0, 4]);
    for n in 0..2 {
        let r = login(&b, nginx.addr, &format!("c{n}@example.org"), "").await;
        assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{r}");
    }

    // nginx's request id (32 hex digits) is the one coophub answers with and puts
    // in its errors; straight to coophub, a client's own id is not believed.
    let resp = b
        .post(format!("http://{}/graphql", nginx.addr))
        .json(&json!({ "query": "{ nope }" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let id = resp
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(id.len(), 32, "{id}");
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    assert_eq!(
        body["errors"][0]["extensions"]["requestId"],
        id.as_str(),
        "{body}"
    );
    let direct = b
        .get(first.url("/health"))
        .header("x-request-id", "mine")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(
        direct
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("mine")
    );
}
