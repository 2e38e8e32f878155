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
fn run(cmd: Command, database_url: &str, args: &[&str]) -> String {
    let (ok, stdout, stderr) = attempt(cmd, database_url, args);
    assert!(ok, "coophub {args:?} failed: {stderr}");
    stdout
}

/// Runs `cmd` with `args` on `database_url`: whether it succeeded, its standard
/// output and its standard error.
fn attempt(mut cmd: Command, database_url: &str, args: &[&str]) -> (bool, String, String) {
    // Without Redis unless the caller gave the test's (see [`with_tests_redis`]).
    if !cmd.get_envs().any(|(k, _)| k == "REDIS_URL") {
        cmd.env_remove("REDIS_URL");
    }
    let out = cmd
        .args(args)
        .env("DATABASE_URL", database_url)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_subcommand_explains_itself_with_help() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["import", "reference", "--help"],
        &["import", "cooperatives", "--help"],
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

/// Each server holds the TERYT units in memory (`db::units`): reference data that
/// another process imports (`coophub import reference`, as an operator runs it
/// beside running servers) reaches a running server without a restart, a unit
/// read by id, by code and as a child alike.
#[tokio::test]
async fn a_running_server_sees_units_that_another_process_imported() {
    let url = fresh_database_url().await;
    coophub(&url, &["import", "reference"]);
    let mut cfg = config(&url);
    cfg.response_cache = false;
    let started = TestApp::spawn_with(cfg).await;
    // Only this server: its stock twin reads the units on its own clock.
    let app = TestApp::at(started.addr);
    let query = r#"{ localGovernment(teryt: "0201") { children(first: 1) { edges { node { name id } } } }
      gmina: localGovernment(teryt: "0201011") { name } }"#;
    let name_of = |v: &serde_json::Value| {
        v["localGovernment"]["children"]["edges"][0]["node"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let before = app.data(query).await;
    assert_eq!(name_of(&before), "Bolesławiec");
    // A copy of the reference data in which that gmina has another name.
    let dir = std::env::temp_dir().join(format!(
        "coophub-renamed-{}",
        &coophub::auth::sha256_hex(&url)[..16]
    ));
    copy_dir(&crate::helpers::data_dir(), &dir);
    let gminy = dir.join("teryt/gminy.csv");
    let text = std::fs::read_to_string(&gminy).unwrap_or_else(|e| panic!("{e}"));
    let renamed = text.replacen(
        "0201011,020101,02,01,01,1,Bolesławiec,",
        "0201011,020101,02,01,01,1,Bolesławiec (renamed by a test),",
        1,
    );
    assert_ne!(text, renamed, "the test's gmina is in the data");
    std::fs::write(&gminy, renamed).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_coophub"));
    cmd.env("COOPHUB_DATA_DIR", &dir);
    run(cmd, &url, &["import", "reference"]);
    // The server looks every few seconds; it must see the change within a few looks.
    let deadline = std::time::Instant::now() + coophub::db::units::WATCH_EVERY * 4;
    loop {
        let now = app.data(query).await;
        if name_of(&now) != "Bolesławiec" {
            assert_eq!(name_of(&now), "Bolesławiec (renamed by a test)");
            assert_eq!(now["gmina"]["name"], "Bolesławiec (renamed by a test)");
            let id = now["localGovernment"]["children"]["edges"][0]["node"]["id"].clone();
            let by_id = app
                .query_vars(
                    "query($id: ID!) { node(id: $id) { ... on LocalGovernment { name } } }",
                    serde_json::json!({ "id": id }),
                )
                .await;
            assert_eq!(
                by_id["data"]["node"]["name"],
                "Bolesławiec (renamed by a test)"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server still answers {now} after the import"
        );
        // Paces the asking; the loop waits for the answer itself, up to the deadline.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{e}")) {
        let entry = entry.unwrap_or_else(|e| panic!("{e}"));
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| panic!("{e}"));
        }
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

/// The command, for a database the test's servers share a Redis with: the same
/// Redis and namespace, so that the command's writes reach their response caches
/// as an operator's would.
fn with_tests_redis(mut cmd: Command, database_url: &str) -> Command {
    let cfg = config(database_url);
    if let Some(url) = &cfg.redis_url {
        cmd.env("REDIS_URL", url.expose())
            .env("COOPHUB_REDIS_NAMESPACE", &cfg.redis_namespace);
    }
    cmd
}

/// A file of this test's own in the temporary folder.
fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "coophub-{}-{}-{name}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path
}

/// A valid NIP: nine digits from `n` and their check digit.
fn nip(n: u32) -> String {
    let digits: Vec<u32> = format!("{:09}", 100_000_000 + n % 800_000_000)
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    let first: [u32; 9] = digits.clone().try_into().unwrap_or([1; 9]);
    match coophub::ids::nip_check_digit(&first) {
        Some(d) => format!(
            "{}{d}",
            digits.iter().map(u32::to_string).collect::<String>()
        ),
        None => nip(n + 1),
    }
}

const IMPORTED: &str = "{ cooperatives(first: 100) { totalCount edges { node { name krs nip status founderKind registrationDate phone isSample seat { teryt } primaryIndustry { code } industries { edges { node { code } } } provenance { field source note } } } }
                          search(query: \"Zielona Dolina\") { nodes { ... on Cooperative { krs } } } }";

#[tokio::test]
async fn an_advisers_csv_imports_after_a_dry_run_and_importing_it_again_changes_nothing() {
    let url = fresh_database_url().await;
    coophub(&url, &["import", "reference"]);
    let header = "name,krs,nip,status,founderKind,registrationDate,seatTeryt,street,postalCode,city,phone,pkdCodes";
    let good = format!(
        "{header}\n\
         Spółdzielnia Socjalna Zielona Dolina (dane testowe),123456,,ACTIVE,NATURAL_PERSONS,2019-05-31,1261011,ul. Długa 1,31-001,Kraków,+48 12 345 67 89,81.30.Z;56.29.Z\n\
         Spółdzielnia Socjalna Kuchnia Sąsiedzka (dane testowe),0000654321,{},ACTIVE,LEGAL_PERSONS,2021-02-01,1211011,,,,,56.29.Z\n",
        nip(52_602_509)
    );
    let bad = good.replacen(&nip(52_602_509), "526-025-09-9", 1);
    let file = temp_file("region.csv", &bad);
    let path = file.to_string_lossy().into_owned();
    let import = |extra: &[&str]| {
        let mut args = vec!["import", "cooperatives", path.as_str()];
        args.extend_from_slice(extra);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_coophub"));
        cmd.env("COOPHUB_DATA_DIR", crate::helpers::data_dir());
        attempt(with_tests_redis(cmd, &url), &url, &args)
    };
    let count = || async {
        let app = TestApp::spawn_with(config(&url)).await;
        app.data(IMPORTED).await
    };

    // The dry run says what would happen, line by line, and writes nothing.
    let (ok, out, err) = import(&["--dry-run"]);
    assert!(ok, "{err}");
    assert!(out.contains("line 2: create \"Spółdzielnia Socjalna Zielona Dolina (dane testowe)\" (KRS 0000123456)"), "{out}");
    assert!(out.contains("line 3: rejected: nip:"), "{out}");
    assert!(
        out.contains(
            "1 to create, 0 to change, 0 unchanged, 1 rejected (dry run: nothing written)"
        ),
        "{out}"
    );
    assert_eq!(count().await["cooperatives"]["totalCount"], 0);
    // All or nothing: a rejected row stops the import.
    let (ok, out, err) = import(&[]);
    assert!(!ok, "{out}");
    assert!(err.contains("nothing imported: 1 row(s) rejected"), "{err}");
    assert_eq!(count().await["cooperatives"]["totalCount"], 0);

    // The NIP fixed, both come in, searchable, with their seats and PKD codes.
    std::fs::write(&file, &good).unwrap_or_else(|e| panic!("{e}"));
    let (ok, out, err) = import(&[]);
    assert!(ok, "{err}");
    assert!(
        out.contains("2 created, 0 changed, 0 unchanged, 0 rejected"),
        "{out}"
    );
    let data = count().await;
    assert_eq!(data["cooperatives"]["totalCount"], 2, "{data}");
    let dolina = nodes(&data["cooperatives"])
        .into_iter()
        .find(|c| c["krs"] == "0000123456")
        .unwrap_or_default();
    assert_eq!(dolina["seat"]["teryt"], "1261011", "{dolina}");
    assert_eq!(dolina["status"], "ACTIVE", "{dolina}");
    assert_eq!(dolina["registrationDate"], "2019-05-31", "{dolina}");
    assert_eq!(dolina["isSample"], false, "{dolina}");
    assert_eq!(dolina["primaryIndustry"]["code"], "81.30.Z", "{dolina}");
    assert_eq!(nodes(&dolina["industries"]).len(), 2, "{dolina}");
    assert_eq!(data["search"]["nodes"][0]["krs"], "0000123456", "{data}");

    // Again: nothing changes.
    let (ok, out, err) = import(&[]);
    assert!(ok, "{err}");
    assert!(
        out.contains("0 created, 0 changed, 2 unchanged, 0 rejected"),
        "{out}"
    );
    assert!(out.contains("line 2: unchanged (KRS 0000123456)"), "{out}");

    // A new telephone and primary PKD: the change, field by field; empty cells
    // leave stored values alone (the second row has no phone in the file).
    let changed = good
        .replace("+48 12 345 67 89", "+48 12 000 00 00")
        .replace("81.30.Z;56.29.Z", "56.29.Z");
    std::fs::write(&file, &changed).unwrap_or_else(|e| panic!("{e}"));
    let (ok, out, err) = import(&[]);
    assert!(ok, "{err}");
    assert!(
        out.contains("line 2: change (KRS 0000123456) phone: \"+48 12 345 67 89\" → \"+48 12 000 00 00\"; pkdCodes: \"81.30.Z;56.29.Z\" → \"56.29.Z\""),
        "{out}"
    );
    assert!(
        out.contains("0 created, 1 changed, 1 unchanged, 0 rejected"),
        "{out}"
    );
    let data = count().await;
    let dolina = nodes(&data["cooperatives"])
        .into_iter()
        .find(|c| c["krs"] == "0000123456")
        .unwrap_or_default();
    assert_eq!(dolina["phone"], "+48 12 000 00 00", "{dolina}");
    assert_eq!(dolina["primaryIndustry"]["code"], "56.29.Z", "{dolina}");
    // Each fact names the file it came from, by its name, not the operator's path.
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sources = dolina["provenance"].as_array().cloned().unwrap_or_default();
    let fields: Vec<&str> = sources.iter().filter_map(|p| p["field"].as_str()).collect();
    for field in ["name", "krs", "status", "seatTeryt", "phone", "pkdCodes"] {
        assert!(fields.contains(&field), "{field}: {sources:?}");
    }
    assert!(!fields.contains(&"website"), "never set: {sources:?}");
    assert!(
        sources
            .iter()
            .all(|p| p["source"] == "IMPORT" && p["note"] == file_name.as_str()),
        "{sources:?}"
    );

    // --partial imports the valid rows of a file with a rejected one.
    let mixed = temp_file(
        "mixed.json",
        &serde_json::json!([
            { "name": "Spółdzielnia Socjalna Trzecia (dane testowe)", "krs": "777", "status": "ACTIVE",
              "founderKind": "NATURAL_PERSONS", "seatTeryt": "1261011", "pkdCodes": ["88.10.Z"] },
            { "name": "Bez siedziby", "krs": "778", "status": "ACTIVE", "founderKind": "NATURAL_PERSONS", "seatTeryt": "12" }
        ])
        .to_string(),
    );
    let mixed_path = mixed.to_string_lossy().into_owned();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_coophub"));
    cmd.env("COOPHUB_DATA_DIR", crate::helpers::data_dir());
    let (ok, out, err) = attempt(
        with_tests_redis(cmd, &url),
        &url,
        &["import", "cooperatives", &mixed_path, "--partial"],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("line 2: rejected: seatTeryt: `12` is not the 7-digit TERYT code of a gmina"),
        "{out}"
    );
    assert!(
        out.contains("1 created, 0 changed, 0 unchanged, 1 rejected"),
        "{out}"
    );
    assert_eq!(count().await["cooperatives"]["totalCount"], 3);
    for f in [&file, &mixed] {
        let _ = std::fs::remove_file(f);
    }
}

#[tokio::test]
async fn an_export_imports_into_another_coophub_as_the_same_cooperatives() {
    let from = fresh_database_url().await;
    coophub(
        &from,
        &["seed", "sample", "--cooperatives", "60", "--seed", "7"],
    );
    let csv = coophub(&from, &["export", "cooperatives", "--format", "csv"]);
    let file = temp_file("export.csv", &csv);
    let into = fresh_database_url().await;
    coophub(&into, &["import", "reference"]);
    let out = coophub(&into, &["import", "cooperatives", &file.to_string_lossy()]);
    assert!(
        out.contains("60 created, 0 changed, 0 unchanged, 0 rejected"),
        "{out}"
    );
    let listing = "{ cooperatives(first: 100) { totalCount edges { node { name krs nip regon status founderKind registrationDate address { street postalCode city } phone publicEmail website memberCount employeeCount isSample location { latitude longitude } seat { teryt } industries { nodes { code } } primaryIndustry { code } } } } }";
    let a = TestApp::spawn_with(config(&from)).await.data(listing).await;
    let b = TestApp::spawn_with(config(&into)).await.data(listing).await;
    assert_eq!(a["cooperatives"]["totalCount"], 60);
    assert_eq!(a, b);
    // Sample records stay sample records.
    assert!(nodes(&b["cooperatives"])
        .iter()
        .all(|c| c["isSample"] == true));
    let again = coophub(&into, &["import", "cooperatives", &file.to_string_lossy()]);
    assert!(
        again.contains("0 created, 0 changed, 60 unchanged, 0 rejected"),
        "{again}"
    );
    let _ = std::fs::remove_file(&file);
}

/// Court-register extracts from files (issue 18): each named by its file; a
/// company's extract stops the import unless `--partial`.
#[tokio::test]
async fn court_register_extracts_import_from_files_by_their_names() {
    let url = fresh_database_url().await;
    coophub(&url, &["import", "reference"]);
    let fixture = |name: &str| format!("{}/tests/fixtures/krs/{name}", env!("CARGO_MANIFEST_DIR"));
    let (kitchen, company) = (fixture("0001990601.json"), fixture("0001990603.json"));
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "krs",
            kitchen.as_str(),
            company.as_str(),
            "--founder-kind",
            "NATURAL_PERSONS",
        ];
        args.extend_from_slice(extra);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_coophub"));
        cmd.env("COOPHUB_DATA_DIR", crate::helpers::data_dir());
        attempt(with_tests_redis(cmd, &url), &url, &args)
    };
    let (ok, out, err) = import(&[]);
    assert!(!ok, "{out}");
    assert!(
        err.contains("nothing imported: 1 extract(s) rejected"),
        "{err}"
    );
    assert!(
        out.contains(&format!(
            "{company}: rejected: extract: KRS 0001990603 is not a social cooperative"
        )),
        "{out}"
    );
    assert!(out.contains(&format!("{kitchen}: create")), "{out}");

    let (ok, out, err) = import(&["--partial"]);
    assert!(ok, "{err}");
    assert!(out.contains("1 created"), "{out}");
    let app = TestApp::spawn_with(config(&url)).await;
    let c = app
        .data(
            "{ cooperative(krs: \"0001990601\") { founderKind provenance { field source note } } }",
        )
        .await;
    assert_eq!(c["cooperative"]["founderKind"], "NATURAL_PERSONS", "{c}");
    assert!(
        c["cooperative"]["provenance"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["field"] == "status" && p["source"] == "REGISTER"),
        "{c}"
    );
}
