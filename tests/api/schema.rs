//! The schema is the contract: `schema.graphql` is what the program prints,
//! and everything in it is described.

use crate::helpers::TestApp;
use std::process::Command;

#[test]
fn schema_graphql_is_what_coophub_print_schema_prints() {
    let out = Command::new(env!("CARGO_BIN_EXE_coophub"))
        .arg("print-schema")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "print-schema failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap_or_default();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    if std::env::var("UPDATE_SCHEMA").is_ok() {
        std::fs::write(&path, &printed).unwrap_or_else(|e| panic!("{e}"));
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == printed,
        "schema.graphql has drifted from the code: review the change, then run `UPDATE_SCHEMA=1 cargo test schema_graphql`"
    );
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_has_a_description() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            r#"{ __schema { types { name description
                 fields { name description args { name description } }
                 inputFields { name description }
                 enumValues { name description } } } }"#,
        )
        .await;
    let mut missing = Vec::new();
    let empty = |v: &serde_json::Value| v.as_str().is_none_or(|s| s.trim().is_empty());
    for t in data["__schema"]["types"].as_array().into_iter().flatten() {
        let name = t["name"].as_str().unwrap_or_default();
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        if empty(&t["description"]) {
            missing.push(name.to_owned());
        }
        for f in t["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(t["inputFields"].as_array().into_iter().flatten())
        {
            if empty(&f["description"]) {
                missing.push(format!("{name}.{}", f["name"]));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if empty(&a["description"]) {
                    missing.push(format!("{name}.{}({})", f["name"], a["name"]));
                }
            }
        }
        for v in t["enumValues"].as_array().into_iter().flatten() {
            if empty(&v["description"]) {
                missing.push(format!("{name}.{}", v["name"]));
            }
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:?}");
}
