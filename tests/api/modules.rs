//! The server's top-level modules form layers: no two use each other, directly or
//! through others (docs/architecture.md). Read from the source: every
//! `crate::<module>` outside comments and outside the tests at the end of a file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The modules a source text names as `crate::m` or `crate::{m, …}`.
fn named(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            out.extend(group[..end].split(',').map(ident));
        } else {
            out.insert(ident(rest));
        }
    }
    out.remove("");
    out
}

/// A file's code: comments taken out, and the tests it ends with.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_two_top_level_modules_use_each_other() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap_or_default();
    let modules: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_owned())
        .collect();
    assert!(modules.len() > 10, "{modules:?}");
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &modules {
        let mut paths = Vec::new();
        let dir = src.join(m);
        if dir.is_dir() {
            files(&dir, &mut paths);
        } else {
            paths.push(src.join(format!("{m}.rs")));
        }
        let used = uses.entry(m.clone()).or_default();
        for p in paths {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            used.extend(
                named(&code(&text))
                    .into_iter()
                    .filter(|n| n != m && modules.contains(n)),
            );
        }
    }
    // Depth-first: a module met again while it is still on the path closes a cycle.
    fn visit(
        m: &str,
        uses: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut cycle = path[at..].to_vec();
            cycle.push(m.to_owned());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_owned());
        for n in uses.get(m).into_iter().flatten() {
            if let Some(c) = visit(n, uses, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for m in &modules {
        let cycle = visit(m, &uses, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "modules use each other: {}",
            cycle.unwrap_or_default().join(" → ")
        );
    }
}

#[test]
fn the_reader_finds_every_form_of_a_module_path() {
    let found = named("use crate::{db, error::AppError};\nlet x = crate::graphql::viewer(ctx);");
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["db", "error", "graphql"]
    );
    assert_eq!(
        code("use a;\n// crate::x\n#[cfg(test)]\nmod tests { crate::y }"),
        "use a;"
    );
}
