//! The command line: subcommands, determinism of the sample, idempotent loading.

use crate::helpers::{config, fresh_database_url, is_postgres, nodes, TestApp};
use std::process::Command;

fn coophub(database_url: &str, args: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_coophub"));
    cmd.env("COOPHUB_DATA_DIR", crate::helpers::data_dir());
    run(cmd, database_url, args)
}

/// Runs `cmd` (the binary, set up) with `args` on `database_url`; its output once it
/// succeeded.
fn run(mut cmd: Command, database_url: &str, args: &[&str]) -> String {
    let out = cmd
        .args(args)
        .env("DATABASE_URL", database_url)
        .env_remove("REDIS_URL")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "coophub {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_subcommand_explains_itself_with_help() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["import", "reference", "--help"],
        &["seed", "sample", "--help"],
        &["print-schema", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_coophub"))
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

const LISTING: &str = "{ cooperatives(first: 100, orderBy: REGISTRATION_DATE_DESC) { totalCount edges { node { name nip krs regon seat { teryt } offerings { totalCount } } } }
                         procurementExamples(first: 50) { edges { node { subject valuePln buyer { teryt } } } } }";

#[tokio::test]
async fn the_same_seed_gives_the_same_sample_and_reseeding_replaces_it() {
    let mut listings = Vec::new();
    for _ in 0..2 {
        let url = fresh_database_url().await;
        coophub(&url, &["migrate"]);
        let out = coophub(
            &url,
            &["seed", "sample", "--cooperatives", "120", "--seed", "42"],
        );
        assert!(out.contains("120 cooperatives"), "{out}");
        let app = TestApp::spawn_with(config(&url)).await;
        listings.push(app.data(LISTING).await);
    }
    assert_eq!(listings[0], listings[1]);
    assert_eq!(listings[0]["cooperatives"]["totalCount"], 120);
    let url = fresh_database_url().await;
    coophub(
        &url,
        &["seed", "sample", "--cooperatives", "120", "--seed", "43"],
    );
    coophub(
        &url,
        &["seed", "sample", "--cooperatives", "80", "--seed", "43"],
    );
    let app = TestApp::spawn_with(config(&url)).await;
    let other = app.data(LISTING).await;
    assert_eq!(
        other["cooperatives"]["totalCount"], 80,
        "reseeding must replace, not add"
    );
    // The whole list's total is the database's tally (kept by triggers); a filtered list
    // is counted row by row. Both must agree after deleting and inserting.
    let counted = app
        .data("{ kept: cooperatives { totalCount } counted: cooperatives(filter: {isSample: true}) { totalCount } }")
        .await;
    assert_eq!(counted["kept"]["totalCount"], 80);
    assert_eq!(counted["counted"]["totalCount"], 80);
    // So must each unit's tally (a forward page's total) and its whole list's count,
    // at every level, units without cooperatives included.
    let units = app
        .data(
            "{ localGovernments(filter: {level: VOIVODESHIP}) { nodes { teryt
                 kept: cooperatives(first: 1) { totalCount } counted: cooperatives(last: 1) { totalCount }
                 children(first: 100) { nodes { teryt
                   kept: cooperatives(first: 1) { totalCount } counted: cooperatives(last: 1) { totalCount } } } } } }",
        )
        .await;
    let mut seats: Vec<String> = nodes(&other["cooperatives"])
        .iter()
        .filter_map(|c| c["seat"]["teryt"].as_str().map(str::to_owned))
        .collect();
    seats.sort();
    seats.dedup();
    let mut checked = Vec::new();
    for v in units["localGovernments"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        checked.push(v.clone());
        checked.extend(
            v["children"]["nodes"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
    }
    for seat in seats.iter().take(20) {
        let r = app
            .query_vars(
                "query($t: String!) { localGovernment(teryt: $t) { teryt
                   kept: cooperatives(first: 1) { totalCount } counted: cooperatives(last: 1) { totalCount } } }",
                serde_json::json!({ "t": seat }),
            )
            .await;
        checked.push(r["data"]["localGovernment"].clone());
    }
    assert!(checked.len() > 16 + 300, "{}", checked.len());
    let mut total = 0;
    for u in &checked {
        assert_eq!(u["kept"]["totalCount"], u["counted"]["totalCount"], "{u}");
        if u["teryt"].as_str().is_some_and(|t| t.len() == 2) {
            total += u["kept"]["totalCount"].as_u64().unwrap_or(0);
        }
    }
    assert_eq!(
        total, 80,
        "the voivodeships' tallies add up to every cooperative"
    );
    assert_ne!(
        nodes(&other["cooperatives"])[0],
        nodes(&listings[0]["cooperatives"])[0]
    );
}

#[tokio::test]
async fn importing_reference_data_twice_and_restarting_duplicate_nothing() {
    let url = fresh_database_url().await;
    let first = coophub(&url, &["import", "reference"]);
    let second = coophub(&url, &["import", "reference"]);
    assert_eq!(first, second);
    let mut cfg = config(&url);
    cfg.seed_sample = Some(true);
    let query = "{ localGovernments { totalCount } industries { totalCount } sectors { totalCount } cooperatives { totalCount } }";
    let one = TestApp::spawn_with(cfg.clone()).await.data(query).await;
    let two = TestApp::spawn_with(cfg).await.data(query).await;
    assert_eq!(one, two);
    assert_eq!(one["localGovernments"]["totalCount"], 16 + 380 + 2479);
    assert_eq!(one["cooperatives"]["totalCount"], 1500);
}

#[tokio::test]
async fn a_redis_that_cannot_be_reached_stops_start_up_with_a_clear_error() {
    let url = fresh_database_url().await;
    let mut cfg = config(&url);
    cfg.redis_url = Some("redis://127.0.0.1:1".to_owned().into());
    let err = coophub::app::build_state(&cfg)
        .await
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default();
    assert!(err.contains("REDIS_URL"), "{err}");
    if is_postgres() {
        // CI runs this half: the real Redis is accepted.
        let ok = config(&url);
        assert!(
            ok.redis_url.is_some(),
            "TEST_REDIS_URL must be set beside TEST_DATABASE_URL"
        );
        assert!(coophub::app::build_state(&ok).await.is_ok());
    }
}

/// The reference data is built into the binary: `coophub` started from a folder
/// without `data/` (as after `cargo install`) imports every unit, PKD node and sector.
#[tokio::test]
async fn reference_data_imports_from_an_empty_folder() {
    let url = fresh_database_url().await;
    let empty = std::env::temp_dir().join(format!(
        "coophub-empty-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    std::fs::create_dir_all(&empty).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_coophub"));
    cmd.current_dir(&empty).env_remove("COOPHUB_DATA_DIR");
    let stdout = run(cmd, &url, &["import", "reference"]);
    // The same counts as the source tree's data/ gives.
    let from_tree = coophub(&fresh_database_url().await, &["import", "reference"]);
    assert!(stdout.contains("2875 local government units"), "{stdout}");
    assert_eq!(stdout.trim(), from_tree.trim());
    assert!(
        std::fs::read_dir(&empty).map_or(0, Iterator::count) <= 1,
        "only the SQLite file (if any) may be written there"
    );
    let _ = std::fs::remove_dir_all(&empty);
}
