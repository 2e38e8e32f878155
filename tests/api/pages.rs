//! The pages people open (`/katalog`, `/spoldzielnie/<id>`, GraphiQL at `/`),
//! opened in a real browser: Debian's Chromium, headless. What a person would
//! see is checked against what the API answers for the same question; every
//! page is opened with every other host unreachable and must log nothing to
//! the console (a script error, a resource refused by the Content-Security-
//! Policy or a request that left 127.0.0.1 would). Screenshots of every page
//! are written to `$CARGO_TARGET_TMPDIR/screenshots/` for people to look at.

use crate::helpers::{nodes, TestApp};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's Chromium, or None where it is not installed (`.ci/run` installs
/// it: under CI a missing browser fails the test instead).
fn chromium() -> Option<PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "Chromium is missing: apt-get install chromium"
        );
        eprintln!("skipped the browser checks: apt-get install chromium");
    }
    found
}

/// What the browser saw of a page: its DOM once loaded and scripts ran, and
/// every console message.
struct Seen {
    dom: String,
    console: Vec<String>,
}

/// Opens `url` in headless Chromium in a `width`×`height` window, with every
/// host but 127.0.0.1 unresolvable; writes a screenshot named `shot`.
async fn open(browser: &Path, url: &str, (width, height): (u32, u32), shot: &str) -> Seen {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let profile = tempdir(shot);
    let run = |action: String| {
        let browser = browser.to_path_buf();
        let profile = profile.clone();
        let url = url.to_owned();
        tokio::task::spawn_blocking(move || {
            Command::new(browser)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-extensions",
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    "--enable-logging=stderr",
                    "--v=0",
                    "--hide-scrollbars",
                    "--virtual-time-budget=10000",
                    &format!("--window-size={width},{height}"),
                    &format!("--user-data-dir={}", profile.display()),
                    &action,
                    &url,
                ])
                .output()
                .unwrap_or_else(|e| panic!("chromium: {e}"))
        })
    };
    let shot_path = dir.join(format!("{shot}.png"));
    let dumped = run("--dump-dom".into())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let pictured = run(format!("--screenshot={}", shot_path.display()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        dumped.status.success(),
        "{}",
        String::from_utf8_lossy(&dumped.stderr)
    );
    assert!(
        shot_path.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&pictured.stderr)
    );
    let console = [&dumped.stderr, &pictured.stderr]
        .iter()
        .flat_map(|e| {
            String::from_utf8_lossy(e)
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|l| l.contains(":CONSOLE"))
        .collect();
    Seen {
        dom: String::from_utf8_lossy(&dumped.stdout).into_owned(),
        console,
    }
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "coophub-chromium-{name}-{}-{}",
        std::process::id(),
        fastrand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn fastrand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 900);

/// Text as the page writes it.
fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Text as it was before the page (or the browser, serialising its DOM) wrote it.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The values of `attr="…"` in a page.
fn attributes(page: &str, attr: &str) -> Vec<String> {
    let key = format!(" {attr}=\"");
    page.split(&key)
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or_default().to_owned())
        .collect()
}

/// The names of the results listed on a directory page, in order.
fn result_names(page: &str) -> Vec<String> {
    page.split("class=\"name\"")
        .skip(1)
        .map(|s| {
            let after = s.split_once('>').map(|x| x.1).unwrap_or_default();
            unescape(after.split("</a>").next().unwrap_or_default())
        })
        .collect()
}

/// The global id of the directory's first cooperative.
async fn first_cooperative(app: &TestApp) -> String {
    let probe = app
        .query("{ cooperatives(first: 1) { nodes { id } } }")
        .await;
    probe["data"]["cooperatives"]["nodes"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{probe}"))
        .to_owned()
}

/// A thread on the general board written by the holder of `token`; its id.
async fn new_thread(app: &TestApp, token: &str, title: &str, body: &str) -> String {
    let created = app
        .query_as(
            token,
            "mutation($i: CreateThreadInput!) { createThread(input: $i) { thread { id } } }",
            json!({ "i": { "board": { "general": true }, "title": title, "body": body } }),
        )
        .await;
    created["data"]["createThread"]["thread"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned()
}

#[tokio::test]
async fn every_page_loads_only_from_coophub_under_a_strict_policy() {
    let app = TestApp::spawn().await;
    let page = app.fetch("/katalog").await;
    let id = first_cooperative(&app).await;
    for path in [
        "/".to_owned(),
        "/katalog".to_owned(),
        "/mapa".to_owned(),
        "/forum".to_owned(),
        "/samorzady/1261011".to_owned(),
        format!("/spoldzielnie/{id}"),
    ] {
        let (status, headers, body) = app.fetch(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
        let csp = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("script-src 'self'"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        // Every script and stylesheet is coophub's own, and served.
        let loaded: Vec<String> = attributes(&body, "src")
            .into_iter()
            .chain(
                attributes(&body, "href")
                    .into_iter()
                    .filter(|h| h.starts_with("/assets/")),
            )
            .collect();
        assert!(!loaded.is_empty() || path != "/", "{path}");
        for url in loaded {
            assert!(url.starts_with("/assets/"), "{path} loads {url}");
            let (status, headers, _) = app.fetch(&url).await;
            assert_eq!(status, 200, "{url}");
            let kind = headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            assert!(
                kind.starts_with("text/javascript") || kind.starts_with("text/css"),
                "{url}: {kind}"
            );
        }
        assert!(
            !body.contains("<script>"),
            "{path}: an inline script would be refused"
        );
    }
    assert_eq!(page.0, 200);
    let (status, _, _) = app.fetch("/assets/vendor/nothing.js").await;
    assert_eq!(status, 404);

    let Some(browser) = chromium() else { return };
    // GraphiQL starts from coophub's own copies: its editor is there, the
    // console is silent (a refused or failed load would be logged).
    let seen = open(&browser, &app.url("/"), DESKTOP, "graphiql").await;
    assert!(seen.dom.contains("graphiql-container"), "{}", seen.dom);
    assert!(seen.console.is_empty(), "{:?}", seen.console);
}

#[tokio::test]
async fn the_directory_page_finds_what_the_api_finds_near_a_place() {
    let app = TestApp::spawn().await;
    // A place where catering cooperatives are: the seat of one.
    let found = app
        .query(r#"{ cooperatives(filter: {sector: "catering"}, first: 1) { nodes { seat { teryt name } } } }"#)
        .await;
    let seat = &found["data"]["cooperatives"]["nodes"][0]["seat"];
    let teryt = seat["teryt"].as_str().unwrap_or_default().to_owned();
    assert_eq!(teryt.len(), 7, "{found}");
    let api = app
        .query_vars(
            "query($t: String!) { cooperatives(filter: {sector: \"catering\", near: {teryt: $t, radiusKm: 60}}, first: 20) { totalCount edges { distanceKm node { name } } } }",
            json!({ "t": teryt }),
        )
        .await;
    let list = &api["data"]["cooperatives"];
    let expected: Vec<String> = nodes(list)
        .iter()
        .map(|n| n["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(!expected.is_empty(), "{api}");
    let path = format!("/katalog?sektor=catering&miejsce={teryt}&promien=60");
    let (status, _, page) = app.fetch(&path).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(result_names(&page), expected, "{page}");
    assert!(
        page.contains(&format!(
            "<strong id=\"total\">{}</strong>",
            list["totalCount"]
        )),
        "{page}"
    );
    // Each result's distance as the API gives it, to 100 m.
    for e in list["edges"].as_array().into_iter().flatten() {
        let d = e["distanceKm"].as_f64().unwrap_or(-1.0);
        assert!(page.contains(&format!("{d:.1} km")), "{d} km: {page}");
    }
    // A place by its name finds the same unit's neighbourhood.
    let name = seat["name"].as_str().unwrap_or_default();
    let (_, _, by_name) = app
        .fetch(&format!(
            "/katalog?sektor=catering&promien=60&miejsce={}",
            name.replace(' ', "+")
        ))
        .await;
    assert!(
        by_name.contains(&format!("od: {}", html(name))),
        "{by_name}"
    );

    // The next page continues where the API's list does.
    let all = app
        .query(r#"{ cooperatives(first: 21) { totalCount nodes { name } } }"#)
        .await;
    let names: Vec<String> = all["data"]["cooperatives"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| n["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(names.len(), 21, "{all}");
    let (_, _, first) = app.fetch("/katalog").await;
    assert_eq!(result_names(&first), names[..20].to_vec());
    let next = attributes(&first, "href")
        .into_iter()
        .find(|h| h.contains("po="))
        .unwrap_or_else(|| panic!("no next page: {first}"))
        .replace("&amp;", "&");
    let (_, _, second) = app.fetch(&next).await;
    assert_eq!(result_names(&second).first(), names.get(20), "{second}");

    // Bad input gets a clear answer and no results.
    let (status, _, bad) = app.fetch("/katalog?miejsce=Nowy+Targ&promien=9000").await;
    assert_eq!(status, 400, "{bad}");
    assert!(
        bad.contains("promień") && !bad.contains("class=\"name\""),
        "{bad}"
    );
    let (_, _, nowhere) = app.fetch("/katalog?miejsce=Xyzzyqwv").await;
    assert!(nowhere.contains("nie znamy miejsca"), "{nowhere}");

    // In the browser, on a phone: the same results, nothing logged.
    let Some(browser) = chromium() else { return };
    let seen = open(&browser, &app.url(&path), PHONE, "katalog-telefon").await;
    assert_eq!(result_names(&seen.dom), expected, "{}", seen.dom);
    assert!(seen.console.is_empty(), "{:?}", seen.console);
    let seen = open(&browser, &app.url("/katalog"), DESKTOP, "katalog").await;
    assert_eq!(result_names(&seen.dom), names[..20].to_vec());
}

#[tokio::test]
async fn a_profile_page_shows_the_cooperative_as_the_api_holds_it() {
    let app = TestApp::spawn().await;
    // A cooperative that sold to a local government (a verified purchase).
    let found = app
        .query("{ procurementExamples(first: 1) { nodes { suppliers(first: 1) { nodes { cooperative { id } } } } } }")
        .await;
    let supplier = &found["data"]["procurementExamples"]["nodes"][0]["suppliers"]["nodes"][0];
    let id = supplier["cooperative"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!id.is_empty(), "{found}");
    let c = app
        .query_vars(
            "query($id: ID!) { cooperative(id: $id) { name krs isSample offerings(first: 50) { nodes { name } } procurementExamples(first: 50) { nodes { buyer { name } } } } }",
            json!({ "id": id }),
        )
        .await;
    let c: &Value = &c["data"]["cooperative"];
    let (status, headers, page) = app.fetch(&format!("/spoldzielnie/{id}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(headers.contains_key("content-security-policy"));
    assert!(page.contains(&format!(
        "<h1>{}</h1>",
        html(c["name"].as_str().unwrap_or_default())
    )));
    let offerings = nodes_of(&c["offerings"]);
    let buyers = nodes_of(&c["procurementExamples"]);
    assert!(!buyers.is_empty(), "{c}");
    for o in &offerings {
        assert!(
            page.contains(&format!(
                "<strong>{}</strong>",
                html(o["name"].as_str().unwrap_or_default())
            )),
            "{o}"
        );
    }
    for p in &buyers {
        assert!(
            page.contains(&html(p["buyer"]["name"].as_str().unwrap_or_default())),
            "{p}"
        );
    }
    assert_eq!(page.contains("id=\"sample\""), c["isSample"] == true);
    // Its schema.org JSON-LD, as a data block that names it.
    let ld = page
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap_or_else(|| panic!("no JSON-LD: {page}"));
    let ld: Value =
        serde_json::from_str(&ld.replace("<\\/", "</")).unwrap_or_else(|e| panic!("{e}: {ld}"));
    assert_eq!(ld["name"], c["name"]);
    // By KRS too; an id of nothing is a 404 page, not an error dump.
    if let Some(krs) = c["krs"].as_str() {
        let (status, _, by_krs) = app.fetch(&format!("/spoldzielnie/{krs}")).await;
        assert_eq!(status, 200);
        assert!(by_krs.contains(&format!(
            "<h1>{}</h1>",
            html(c["name"].as_str().unwrap_or_default())
        )));
    }
    let (status, _, missing) = app.fetch("/spoldzielnie/Q29vcGVyYXRpdmU6OTk5OTk5OQ").await;
    assert_eq!(status, 404, "{missing}");
    assert!(missing.contains("<html lang=\"pl\">"));

    let Some(browser) = chromium() else { return };
    let seen = open(
        &browser,
        &app.url(&format!("/spoldzielnie/{id}")),
        PHONE,
        "profil-telefon",
    )
    .await;
    assert!(seen.console.is_empty(), "{:?}", seen.console);
    let shown = seen.dom.matches("class=\"offering\"").count();
    assert_eq!(shown, offerings.len(), "{}", seen.dom);
    assert_eq!(seen.dom.matches("class=\"buyer\"").count(), buyers.len());
}

fn nodes_of(conn: &Value) -> Vec<Value> {
    conn["nodes"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn browser_apps_on_the_allowed_origins_may_call_the_api() {
    let portal = "https://portal.example.org";
    let app = TestApp::spawn_configured(|cfg| cfg.cors_origins = vec![portal.to_owned()]).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,authorization",
            )
            .send()
    };
    let allowed = preflight(portal).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(allowed.status().is_success(), "{}", allowed.status());
    let h = allowed.headers();
    assert_eq!(
        h.get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some(portal)
    );
    let methods = h
        .get("access-control-allow-methods")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(methods.contains("POST"), "{methods}");
    let headers = h
        .get("access-control-allow-headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
    // Another origin gets no permission.
    let other = preflight("https://elsewhere.example.com")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(other.headers().get("access-control-allow-origin").is_none());
    // The request itself: answered, readable by the portal's page.
    let resp = app
        .client
        .post(app.url("/graphql"))
        .header("origin", portal)
        .json(&json!({"query": "{ __typename }"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        resp.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some(portal)
    );
    let exposed = resp
        .headers()
        .get("access-control-expose-headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        exposed.contains("x-request-id") && exposed.contains("retry-after"),
        "{exposed}"
    );
    let body: Value = resp.json().await.unwrap_or_default();
    assert_eq!(body["data"]["__typename"], "QueryRoot");

    // A server with no origins configured gives none.
    let closed = TestApp::spawn().await;
    let resp = closed
        .client
        .request(reqwest::Method::OPTIONS, closed.url("/graphql"))
        .header("origin", portal)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(resp.headers().get("access-control-allow-origin").is_none());
    // A wrong origin in the configuration is refused at start-up, naming it.
    let out = Command::new(env!("CARGO_BIN_EXE_coophub"))
        .args(["--cors-origins", "https://portal.example.org/path", "serve"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is not an origin"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// (teryt, value, fill) of every unit drawn on a map page.
fn map_units(page: &str) -> Vec<(String, Option<f64>, String)> {
    page.split("<path class=\"unit\"")
        .skip(1)
        .map(|p| {
            let attr = |name: &str| {
                p.split(&format!(" {name}=\""))
                    .nth(1)
                    .and_then(|s| s.split('"').next())
                    .unwrap_or_default()
                    .to_owned()
            };
            (
                attr("data-teryt"),
                attr("data-value").parse().ok(),
                attr("fill"),
            )
        })
        .collect()
}

/// GETs `path` asking for gzip: status, headers, and the body as it came.
async fn fetch_gzip(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let resp = app
        .client
        .get(app.url(path))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.unwrap_or_else(|e| panic!("{path}: {e}"));
    (status, headers, body.to_vec())
}

#[tokio::test]
async fn pages_and_maps_go_compressed_to_browsers_that_accept_it() {
    use std::io::Read;
    let app = TestApp::spawn().await;
    for path in [
        "/mapa?poziom=powiaty",
        "/maps/powiaty.geojson",
        "/katalog",
        "/export/cooperatives.csv",
        "/assets/coophub-1.css",
    ] {
        let (status, headers, plain) = app.fetch(path).await;
        assert_eq!(status, 200, "{path}: {plain}");
        assert!(
            headers.get("content-encoding").is_none(),
            "{path}: not asked"
        );
        let (status, headers, packed) = fetch_gzip(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(headers["content-encoding"], "gzip", "{path}");
        let vary: Vec<_> = headers.get_all("vary").iter().collect();
        assert!(
            vary.iter().any(|v| v
                .to_str()
                .unwrap_or_default()
                .to_ascii_lowercase()
                .contains("accept-encoding")),
            "{path}: {vary:?}"
        );
        // The issue's bound for a map's data, with room: 91 KB for the powiat page.
        assert!(
            packed.len() < 300_000,
            "{path}: {} bytes compressed",
            packed.len()
        );
        assert!(
            packed.len() < plain.len(),
            "{path}: {} ≥ {}",
            packed.len(),
            plain.len()
        );
        let mut unpacked = String::new();
        flate2::read::GzDecoder::new(packed.as_slice())
            .read_to_string(&mut unpacked)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        if path.ends_with(".geojson") {
            // The same map either way; the file says when it was made.
            let read = |s: &str| serde_json::from_str::<Value>(s).unwrap_or_default();
            let (mut a, mut b) = (read(&unpacked), read(&plain));
            for m in [&mut a, &mut b] {
                m.as_object_mut().map(|o| o.remove("generatedAt"));
            }
            assert_eq!(a, b, "{path}");
        } else {
            assert_eq!(unpacked, plain, "{path}");
        }
    }
    // A WebSocket's upgrade is not touched.
    let (status, headers, _) = fetch_gzip(&app, "/graphql/ws").await;
    assert_ne!(status, 200);
    assert!(headers.get("content-encoding").is_none());
}

#[tokio::test]
async fn the_map_colours_every_unit_by_the_apis_figure() {
    let app = TestApp::spawn().await;
    let api = app
        .query("{ mapFigures(level: POWIAT) { teryt cooperatives cooperativesPer100k } }")
        .await;
    let figures: std::collections::HashMap<String, (i64, Option<f64>)> = api["data"]["mapFigures"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["teryt"].as_str().unwrap_or_default().to_owned(),
                (
                    f["cooperatives"].as_i64().unwrap_or(-1),
                    f["cooperativesPer100k"].as_f64(),
                ),
            )
        })
        .collect();
    assert_eq!(figures.len(), 380, "{api}");
    let (status, headers, page) = app.fetch("/mapa?poziom=powiaty").await;
    assert_eq!(status, 200, "{page}");
    assert!(headers.contains_key("content-security-policy"));
    let units = map_units(&page);
    assert_eq!(units.len(), 380);
    // Every unit's value is the API's; a higher value never has a lighter colour.
    let palette: Vec<String> = page
        .split("<ul class=\"legend\"")
        .nth(1)
        .unwrap_or_default()
        .split("fill=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        palette.len(),
        6,
        "five classes and the unknown: {palette:?}"
    );
    let class = |fill: &str| palette.iter().position(|p| p == fill).unwrap_or(usize::MAX);
    let mut known: Vec<(f64, usize)> = Vec::new();
    for (teryt, value, fill) in &units {
        let (_, per) = figures
            .get(teryt)
            .copied()
            .unwrap_or_else(|| panic!("{teryt} not in the API"));
        match (per, value) {
            (Some(a), Some(b)) => {
                assert!((a - b).abs() < 0.001, "{teryt}: {a} vs {b}");
                known.push((a, class(fill)));
            }
            (None, None) => assert_eq!(class(fill), 5, "{teryt}: no population, grey"),
            other => panic!("{teryt}: {other:?}"),
        }
    }
    known.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(
        known.windows(2).all(|w| w[0].1 <= w[1].1),
        "colours out of order"
    );
    // Units without a cooperative are the lightest class; the others darker.
    assert!(
        known.iter().all(|(v, c)| (*v == 0.0) == (*c == 0)),
        "{known:?}"
    );
    assert!(known.iter().any(|k| k.1 == 4), "the darkest class is used");
    // The figures follow the directory's filters.
    let catering = app
        .query(r#"{ cooperatives(filter: {sector: "catering"}) { totalCount } }"#)
        .await;
    let (_, _, filtered) = app.fetch("/mapa?poziom=wojewodztwa&sektor=catering").await;
    assert_eq!(map_units(&filtered).len(), 16);
    assert!(
        filtered.contains(&format!(
            "<strong id=\"total\">{}</strong>",
            catering["data"]["cooperatives"]["totalCount"]
        )),
        "{filtered}"
    );
    let (status, _, _) = app.fetch("/mapa?poziom=gminy").await;
    assert_eq!(status, 400);

    let Some(browser) = chromium() else { return };
    let seen = open(
        &browser,
        &app.url("/mapa?poziom=powiaty"),
        DESKTOP,
        "mapa-powiaty",
    )
    .await;
    assert_eq!(map_units(&seen.dom).len(), 380);
    assert!(seen.console.is_empty(), "{:?}", seen.console);
    let seen = open(&browser, &app.url("/mapa"), PHONE, "mapa-telefon").await;
    assert_eq!(map_units(&seen.dom).len(), 16);
}

#[tokio::test]
async fn a_local_government_page_shows_its_purchases_and_its_widget_may_be_framed_where_allowed() {
    let site = "https://www.gmina.example.pl";
    let app = TestApp::spawn_configured(|cfg| cfg.widget_origins = vec![site.to_owned()]).await;
    let found = app
        .query("{ procurementExamples(first: 1) { nodes { subject buyer { teryt } suppliers(first: 5) { nodes { cooperative { name } } } } } }")
        .await;
    let purchase = &found["data"]["procurementExamples"]["nodes"][0];
    let teryt = purchase["buyer"]["teryt"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let lg = app
        .query_vars(
            "query($t: String!) { localGovernment(teryt: $t) { name cooperatives { totalCount } procurementExamples { totalCount } } }",
            json!({ "t": teryt }),
        )
        .await;
    let lg = &lg["data"]["localGovernment"];
    let (status, headers, page) = app.fetch(&format!("/samorzady/{teryt}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&format!(
        "<h1>{}</h1>",
        html(lg["name"].as_str().unwrap_or_default())
    )));
    assert!(
        page.contains(&html(purchase["subject"].as_str().unwrap_or_default())),
        "{page}"
    );
    for s in nodes_of(&purchase["suppliers"]) {
        assert!(
            page.contains(&html(s["cooperative"]["name"].as_str().unwrap_or_default())),
            "{page}"
        );
    }
    assert!(page.contains(&format!(
        "Zakupy u spółdzielni ({})",
        lg["procurementExamples"]["totalCount"]
    )));
    assert!(page.contains(&format!(
        "z siedzibą tutaj ({})",
        lg["cooperatives"]["totalCount"]
    )));
    let csp = |h: &reqwest::header::HeaderMap| {
        h.get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(csp(&headers).contains("frame-ancestors 'none'"));
    // The directory lists the unit's cooperatives as the API does.
    let (_, _, listed) = app.fetch(&format!("/katalog?obszar={teryt}")).await;
    assert!(
        listed.contains(&format!(
            "<strong id=\"total\">{}</strong>",
            lg["cooperatives"]["totalCount"]
        )),
        "{listed}"
    );
    for (path, code) in [
        ("/samorzady/9999999", 404),
        ("/samorzady/abc", 404),
        ("/widzet/gmina/abc", 404),
    ] {
        let (status, _, body) = app.fetch(path).await;
        assert_eq!(status, code, "{path}: {body}");
    }
    // The widget: only there may the configured site frame coophub.
    let (status, headers, widget) = app.fetch(&format!("/widzet/gmina/{teryt}")).await;
    assert_eq!(status, 200, "{widget}");
    assert!(
        csp(&headers).contains(&format!("frame-ancestors {site}")),
        "{}",
        csp(&headers)
    );
    assert!(widget.contains(&format!("({})", lg["cooperatives"]["totalCount"])));
    let closed = TestApp::spawn().await;
    let (_, headers, _) = closed.fetch(&format!("/widzet/gmina/{teryt}")).await;
    assert!(csp(&headers).contains("frame-ancestors 'none'"));

    let Some(browser) = chromium() else { return };
    let seen = open(
        &browser,
        &app.url(&format!("/samorzady/{teryt}")),
        PHONE,
        "samorzad-telefon",
    )
    .await;
    assert!(seen.console.is_empty(), "{:?}", seen.console);
    assert!(
        seen.dom.matches("class=\"supplier\"").count() >= nodes_of(&purchase["suppliers"]).len(),
        "{}",
        seen.dom
    );
    let seen = open(
        &browser,
        &app.url(&format!("/widzet/gmina/{teryt}")),
        (360, 480),
        "widzet",
    )
    .await;
    assert!(seen.console.is_empty(), "{:?}", seen.console);
}

#[tokio::test]
async fn a_post_written_through_the_api_appears_on_the_live_thread_page() {
    let app = TestApp::spawn().await;
    let token = app.member("uczestniczka@example.org").await;
    let thread = new_thread(&app, &token, "Wspólne zamówienia", "Pierwszy post").await;
    let path = format!("/forum/watki/{thread}");
    let (status, _, page) = app.fetch(&path).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Pierwszy post") && page.contains("Wspólne zamówienia"));
    // She has no public profile: the page never names her.
    assert!(page.contains("Uczestnik anonimowy"), "{page}");
    assert!(!page.contains("uczestniczka"), "{page}");
    let (_, _, list) = app.fetch("/forum").await;
    assert!(list.contains(&format!("/forum/watki/{thread}")), "{list}");
    let (status, _, _) = app.fetch("/forum/watki/VGhyZWFkOjk5OTk5OQ").await;
    assert_eq!(status, 404);

    // In the browser: once the page says its feed listens, a post written
    // through the API appears on it.
    let Some(browser) = chromium() else { return };
    let Some(root) = audit_scripts("ws") else {
        return;
    };
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap_or_else(|e| panic!("{e}"));
    let mut driver = Command::new("node")
        .arg(root.join("live-page.mjs"))
        .arg(&browser)
        .arg(app.url(&path))
        .arg(shots.join("forum-na-zywo.png"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("node: {e}"));
    let stdout = driver.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut stdin = driver.stdin.take().unwrap_or_else(|| panic!("no stdin"));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = rx.recv().await;
    if first.as_deref() != Some("LISTENING") {
        let out = driver.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        panic!("{first:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let words = format!("Kto dołączy do zamówienia {}?", std::process::id());
    let added = app
        .query_as(
            &token,
            "mutation($i: AddPostInput!) { addPost(input: $i) { post { id } } }",
            json!({ "i": { "thread": thread, "body": words } }),
        )
        .await;
    assert!(added.get("errors").is_none(), "{added}");
    {
        use std::io::Write;
        writeln!(stdin, "EXPECT {words}").unwrap_or_else(|e| panic!("{e}"));
    }
    let mut report = Vec::new();
    while let Some(line) = rx.recv().await {
        if line == "DONE" {
            break;
        }
        report.push(line);
    }
    let status = driver.wait().unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success(), "{report:?}");
    let seen = report
        .iter()
        .find_map(|l| l.strip_prefix("SEEN "))
        .unwrap_or_else(|| panic!("the post did not appear: {report:?}"));
    // How long it took is a figure for the notes, not an assertion: the driver
    // gives up after 10 s, which only a post that never arrives reaches.
    eprintln!("the post appeared on the live page after {seen} ms");
    let logged: Vec<&String> = report.iter().filter(|l| l.starts_with("CONSOLE")).collect();
    assert!(logged.is_empty(), "{logged:?}");
    assert!(shots.join("forum-na-zywo.png").exists());
}

#[tokio::test]
async fn the_network_view_draws_the_neighbourhood_the_api_returns() {
    let app = TestApp::spawn().await;
    let found = app
        .query("{ procurementExamples(first: 1) { nodes { suppliers(first: 1) { nodes { cooperative { id } } } } } }")
        .await;
    let id = found["data"]["procurementExamples"]["nodes"][0]["suppliers"]["nodes"][0]
        ["cooperative"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{found}"))
        .to_owned();
    let api = app
        .query_vars(
            "query($f: [ID!]!) { neighbourhood(from: $f, depth: 2, limitPerNode: 12) { nodeCount edgeCount nodes { id } edges { kind } } }",
            json!({ "f": [id] }),
        )
        .await;
    let hood = &api["data"]["neighbourhood"];
    let ids: std::collections::BTreeSet<String> = hood["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["id"].as_str().map(str::to_owned))
        .collect();
    assert!(ids.len() > 2, "{api}");
    let path = format!("/siec?od={id}&glebokosc=2");
    let (status, _, page) = app.fetch(&path).await;
    assert_eq!(status, 200, "{page}");
    let drawn: std::collections::BTreeSet<String> = page
        .split("<g class=\"node\" data-id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_owned))
        .collect();
    assert_eq!(drawn, ids);
    assert_eq!(
        page.matches("<line class=\"edge\"").count() as u64,
        hood["edgeCount"].as_u64().unwrap_or(0)
    );
    // Every edge kind drawn is in the legend; a node links to its expansion.
    let kinds: std::collections::BTreeSet<&str> = hood["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        page.split("aria-label=\"Rodzaje powiązań\"")
            .nth(1)
            .and_then(|l| l.split("</ul>").next())
            .unwrap_or_default()
            .matches("<li>")
            .count(),
        kinds.len()
    );
    let other = ids.iter().find(|n| **n != id).cloned().unwrap_or_default();
    assert!(page.contains(&format!("od={id}&amp;od={other}")), "{page}");
    let (status, _, _) = app.fetch(&format!("/siec?od={id}&glebokosc=5")).await;
    assert_eq!(status, 400);

    let Some(browser) = chromium() else { return };
    let seen = open(&browser, &app.url(&path), DESKTOP, "siec").await;
    assert!(seen.console.is_empty(), "{:?}", seen.console);
    assert_eq!(seen.dom.matches("class=\"node\"").count(), ids.len());
}

/// The audit scripts' folder, or None where `npm ci` has not run there (under CI
/// that fails instead: `.ci/run` runs it).
fn audit_scripts(package: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/audit");
    if root.join("node_modules").join(package).exists() {
        return Some(root);
    }
    assert!(
        std::env::var("CI").is_err(),
        "run `npm ci` in .ci/audit: the {package} package is missing"
    );
    eprintln!("skipped: `npm ci` in .ci/audit installs {package}");
    None
}

#[tokio::test]
async fn every_page_passes_the_wcag_a_and_aa_rules_of_axe() {
    let app = TestApp::spawn().await;
    let token = app.member("czytelniczka@example.org").await;
    let thread = new_thread(
        &app,
        &token,
        "Dostępność",
        "Czy strony czyta czytnik ekranu?",
    )
    .await;
    let id = first_cooperative(&app).await;
    // Every page of coophub's own (GraphiQL is a vendored program, not checked here).
    let paths = [
        "/katalog".to_owned(),
        "/katalog?q=catering&miejsce=Nowy+Targ&promien=40".to_owned(),
        format!("/spoldzielnie/{id}"),
        "/samorzady/1211".to_owned(),
        "/samorzady/1211011".to_owned(),
        "/widzet/gmina/1211011".to_owned(),
        "/mapa".to_owned(),
        "/mapa?poziom=powiaty".to_owned(),
        format!("/siec?od={id}"),
        "/forum".to_owned(),
        format!("/forum/watki/{thread}"),
    ];
    for p in &paths {
        let (status, _, body) = app.fetch(p).await;
        assert_eq!(status, 200, "{p}: {body}");
    }
    let urls: Vec<String> = paths.iter().map(|p| app.url(p)).collect();
    let Some(browser) = chromium() else { return };
    let Some(root) = audit_scripts("axe-core") else {
        return;
    };
    for (width, height) in [PHONE, DESKTOP] {
        let mut axe = Command::new("node");
        axe.arg(root.join("a11y.mjs"))
            .arg(&browser)
            .arg(format!("{width}x{height}"))
            .args(&urls);
        // Blocking, off the runtime's thread: the server runs on it.
        let out = tokio::task::spawn_blocking(move || axe.output())
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("node: {e}"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("DONE"),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let checked: Vec<(&str, Value)> = stdout
            .lines()
            .filter_map(|l| l.strip_prefix("PAGE "))
            .filter_map(|l| l.split_once(' '))
            .map(|(url, v)| (url, serde_json::from_str(v).unwrap_or(Value::Null)))
            .collect();
        assert_eq!(checked.len(), urls.len(), "{stdout}");
        for (url, violations) in checked {
            assert_eq!(violations, json!([]), "{width}×{height} {url}");
        }
    }
}
