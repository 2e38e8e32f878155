//! The network as a graph (issue 21): a regional centre's analyst takes the
//! neighbourhood of a gmina and sees who bought from whom, with typed edges,
//! centrality and the cooperative projections; nothing private becomes a node.

use crate::helpers::{first_error_code, nodes, TestApp};
use serde_json::{json, Value};
use std::collections::HashSet;

const WALK: &str = "query($from: [ID!]!, $depth: Int = 1, $edges: [NetworkEdgeKind!], $limit: Int = 20, $b: Boolean = false) {
  neighbourhood(from: $from, depth: $depth, edgeKinds: $edges, limitPerNode: $limit) {
    nodeCount edgeCount truncated
    nodes { __typename id }
    edges { id kind source target through role year valuePln label }
    centrality(betweenness: $b) { id distance degree betweenness }
    coBuyers { source target weight through }
    coSuppliers { source target weight through }
  } }";

async fn walk(app: &TestApp, vars: Value) -> Value {
    let r = app.query_vars(WALK, vars).await;
    assert!(r.get("errors").is_none(), "{r}");
    r["data"]["neighbourhood"].clone()
}

fn ids(list: &Value) -> HashSet<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["id"].as_str().map(str::to_owned))
        .collect()
}

fn edges_of<'a>(n: &'a Value, kind: &str) -> Vec<&'a Value> {
    n["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["kind"] == kind)
        .collect()
}

/// A purchase by `buyer` from `lead` and `member` (a consortium), verified or not.
async fn purchase(
    app: &TestApp,
    moderator: &str,
    buyer: &Value,
    lead: &Value,
    member: &Value,
    subject: &str,
    verify: bool,
) -> Value {
    let p = app
        .query_as(moderator, "mutation($i: ProposeProcurementExampleInput!) { proposeProcurementExample(input: $i) { procurementExample { id version } } }",
            json!({ "i": { "buyer": buyer, "suppliers": [{ "cooperative": lead, "role": "LEAD" }, { "cooperative": member, "role": "CONSORTIUM_MEMBER" }],
                "subject": subject, "procedure": "RESERVED_CONTRACT_ART_94", "valuePln": "85000", "year": 2025 } }))
        .await;
    let example = p["data"]["proposeProcurementExample"]["procurementExample"].clone();
    assert!(example["id"].is_string(), "{p}");
    if verify {
        let v = app
            .query_as(moderator, "mutation($id: ID!, $v: Int!) { verifyProcurementExample(input: {id: $id, version: $v}) { procurementExample { verified } } }",
                json!({ "id": example["id"], "v": example["version"] }))
            .await;
        assert!(v.get("errors").is_none(), "{v}");
    }
    example["id"].clone()
}

#[tokio::test]
async fn a_gminas_neighbourhood_shows_who_bought_from_whom_and_nothing_private() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let coops = app
        .data("{ cooperatives(first: 2) { edges { node { id seat { id } } } } }")
        .await;
    let coops = nodes(&coops["cooperatives"]);
    let (a, b) = (coops[0].clone(), coops[1].clone());
    let buyer = a["seat"]["id"].clone();
    let bought = purchase(
        &app,
        &moderator,
        &buyer,
        &a["id"],
        &b["id"],
        "Catering dla szkół (dane testowe)",
        true,
    )
    .await;
    let unverified = purchase(
        &app,
        &moderator,
        &buyer,
        &b["id"],
        &a["id"],
        "Sprzątanie urzędu (dane testowe)",
        false,
    )
    .await;

    // Two people name an institution of the buyer's as theirs: one with a public profile.
    let institution = app
        .data("{ institutions(first: 1) { edges { node { id } } } }")
        .await;
    let institution = nodes(&institution["institutions"])[0]["id"].clone();
    let mut people = Vec::new();
    for (email, public) in [("jawna@example.org", true), ("prywatna@example.org", false)] {
        let token = app.member(email).await;
        let r = app
            .query_as(&token, "mutation($i: ID!, $p: Boolean!) { updateMyProfile(input: {publicProfile: $p, affiliation: {institution: $i}}) { person { id } } }",
                json!({ "i": institution, "p": public }))
            .await;
        assert!(r.get("errors").is_none(), "{r}");
        people.push(r["data"]["updateMyProfile"]["person"]["id"].clone());
    }

    let n = walk(
        &app,
        json!({ "from": [buyer], "depth": 2, "edges": ["BOUGHT_FROM", "SUPPLIED"], "b": true }),
    )
    .await;
    let node_ids = ids(&n["nodes"]);
    assert_eq!(n["nodeCount"].as_u64(), Some(node_ids.len() as u64), "{n}");
    for c in [&a["id"], &b["id"], &bought] {
        assert!(
            node_ids.contains(c.as_str().unwrap_or_default()),
            "{c} missing: {n}"
        );
    }
    // Every edge joins two nodes of the answer, and has an id of its own.
    let edge_ids = ids(&n["edges"]);
    assert_eq!(
        edge_ids.len(),
        n["edges"].as_array().map_or(0, Vec::len),
        "{n}"
    );
    for e in n["edges"].as_array().into_iter().flatten() {
        for end in [&e["source"], &e["target"]] {
            assert!(
                node_ids.contains(end.as_str().unwrap_or_default()),
                "{e}: {n}"
            );
        }
    }
    // The buyer bought from both, through the verified purchase, with its facts.
    let from_buyer: Vec<_> = edges_of(&n, "BOUGHT_FROM")
        .into_iter()
        .filter(|e| e["source"] == buyer)
        .collect();
    let suppliers: HashSet<_> = from_buyer.iter().map(|e| e["target"].clone()).collect();
    assert_eq!(
        suppliers,
        HashSet::from([a["id"].clone(), b["id"].clone()]),
        "{n}"
    );
    let lead = from_buyer
        .iter()
        .find(|e| e["target"] == a["id"])
        .unwrap_or_else(|| panic!("{n}"));
    assert_eq!(lead["through"], bought, "{n}");
    assert_eq!(
        (
            lead["role"].as_str(),
            lead["year"].as_i64(),
            lead["valuePln"].as_str()
        ),
        (Some("LEAD"), Some(2025), Some("85000.00")),
        "{lead}"
    );
    // Both supplied it (found at depth 2, from the cooperatives).
    assert_eq!(
        edges_of(&n, "SUPPLIED")
            .iter()
            .filter(|e| e["target"] == bought)
            .count(),
        2,
        "{n}"
    );
    let seat = walk(&app, json!({ "from": [a["id"]], "edges": ["SEAT_IN"] })).await;
    assert_eq!(
        edges_of(&seat, "SEAT_IN")
            .iter()
            .map(|e| (e["source"].clone(), e["target"].clone()))
            .collect::<Vec<_>>(),
        vec![(a["id"].clone(), buyer.clone())],
        "{seat}"
    );
    // The unverified purchase is nowhere: not a node, not a link, not a pair.
    let text = n.to_string();
    assert!(!text.contains(unverified.as_str().unwrap_or("?")), "{n}");
    // Projections: the two sold to the same buyer and supplied the same purchase.
    let pair = |list: &Value| -> Vec<(Value, Value, Value)> {
        list.as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p["source"].clone(),
                    p["target"].clone(),
                    p["through"].clone(),
                )
            })
            .collect()
    };
    let both: HashSet<Value> = HashSet::from([a["id"].clone(), b["id"].clone()]);
    let co_buyers = pair(&n["coBuyers"]);
    assert!(
        co_buyers.iter().any(
            |(s, t, through)| HashSet::from([s.clone(), t.clone()]) == both
                && through.as_array().is_some_and(|l| l.contains(&buyer))
        ),
        "{n}"
    );
    let co_suppliers = pair(&n["coSuppliers"]);
    assert!(
        co_suppliers.iter().any(
            |(s, t, through)| HashSet::from([s.clone(), t.clone()]) == both
                && through == &json!([bought])
        ),
        "{n}"
    );
    // Centrality: degrees add up to twice the edges; the buyer is at distance 0
    // and carries paths between the cooperatives it bought from.
    let c = n["centrality"].as_array().cloned().unwrap_or_default();
    let degrees: i64 = c.iter().filter_map(|x| x["degree"].as_i64()).sum();
    assert_eq!(degrees, 2 * n["edgeCount"].as_i64().unwrap_or(-1), "{n}");
    let of = |id: &Value| {
        c.iter()
            .find(|x| x["id"] == *id)
            .cloned()
            .unwrap_or_else(|| panic!("{id}: {n}"))
    };
    assert_eq!(of(&buyer)["distance"], 0);
    assert_eq!(of(&a["id"])["distance"], 1);
    assert!(
        c.iter()
            .all(|x| x["betweenness"].as_f64().is_some_and(|b| b >= 0.0)),
        "{n}"
    );

    // Without asking, no betweenness.
    let plain = walk(&app, json!({ "from": [buyer], "edges": ["BOUGHT_FROM"] })).await;
    assert!(
        plain["centrality"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|x| x["betweenness"].is_null()),
        "{plain}"
    );

    // From the institution: the consenting person is a node, the other is not,
    // and asking from the other one's id finds nothing.
    let around = walk(
        &app,
        json!({ "from": [institution], "edges": ["AFFILIATED_WITH"] }),
    )
    .await;
    let around_ids = ids(&around["nodes"]);
    assert!(
        around_ids.contains(people[0].as_str().unwrap_or("?")),
        "{around}"
    );
    assert!(
        !around
            .to_string()
            .contains(people[1].as_str().unwrap_or("?")),
        "{around}"
    );
    let hidden = walk(&app, json!({ "from": [people[1]] })).await;
    assert_eq!(hidden["nodeCount"], 0, "{hidden}");
}

#[tokio::test]
async fn a_neighbourhood_is_bounded_before_it_runs_and_says_where_it_stopped() {
    let app = TestApp::spawn().await;
    let units = app
        .data("{ v: localGovernment(teryt: \"12\") { id } t: threads(first: 1) { edges { node { id } } } }")
        .await;
    let voivodeship = units["v"]["id"].clone();

    // Too large: priced before anything runs, and refused with the figures.
    let before = app.statements().await;
    let r = app
        .query_vars(
            WALK,
            json!({ "from": [voivodeship], "depth": 3, "limit": 100 }),
        )
        .await;
    assert_eq!(r["errors"][0]["extensions"]["limit"], "cost", "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.chars().any(|c| c.is_ascii_digit())),
        "{r}"
    );
    assert_eq!(
        app.statements().await,
        before,
        "no SQL ran for a refused walk"
    );

    // Bad input names its field.
    for (vars, field) in [
        (json!({ "from": [voivodeship], "depth": 4 }), "depth"),
        (json!({ "from": [], "depth": 1 }), "from"),
        (json!({ "from": [voivodeship], "limit": 0 }), "limitPerNode"),
    ] {
        let r = app.query_vars(WALK, vars).await;
        assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{r}");
        assert_eq!(r["errors"][0]["extensions"]["field"], field, "{r}");
    }
    if let Some(thread) = nodes(&units["t"]).first() {
        let r = app
            .query_vars(WALK, json!({ "from": [thread["id"]] }))
            .await;
        assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{r}");
    }

    // A voivodeship has more powiaty than a limit of 5: it says so, and only 5 are followed.
    let n = walk(
        &app,
        json!({ "from": [voivodeship], "edges": ["PART_OF"], "limit": 5 }),
    )
    .await;
    assert_eq!(n["edgeCount"], 5, "{n}");
    assert_eq!(n["truncated"], json!([voivodeship]), "{n}");

    // The statements a walk sends depend on its depth and kinds, not its size.
    let count = |limit: i64| {
        let app = &app;
        let voivodeship = voivodeship.clone();
        async move {
            let before = app.statements().await;
            let n = walk(app, json!({ "from": [voivodeship], "depth": 2, "edges": ["PART_OF", "SEAT_IN"], "limit": limit })).await;
            (
                app.statements().await - before,
                n["nodeCount"].as_i64().unwrap_or(0),
            )
        }
    };
    let (small, small_nodes) = count(3).await;
    let (large, large_nodes) = count(12).await;
    assert!(
        large_nodes > 3 * small_nodes,
        "{small_nodes} → {large_nodes}"
    );
    assert_eq!(
        small, large,
        "statements for {small_nodes} and {large_nodes} nodes"
    );
}

/// What NetworkX (the reference reader of both formats) reads from a file:
/// node ids, and each edge as (source, target, kind). None where NetworkX is not
/// installed (`.ci/run` installs it; CI must not skip).
fn read_with_networkx(format: &str, text: &str) -> Option<Value> {
    let present = std::process::Command::new("python3")
        .args(["-c", "import networkx"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var("CI").is_err(),
            "NetworkX is missing: pip install networkx"
        );
        eprintln!("skipped reading the {format} with NetworkX: pip install networkx");
        return None;
    }
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let path =
        std::env::temp_dir().join(format!("coophub-{}-{stamp}.{format}", std::process::id()));
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let script = "import json, sys, networkx as nx
read = nx.read_gexf if sys.argv[1].endswith('gexf') else nx.read_graphml
g = read(sys.argv[1])
print(json.dumps({'nodes': sorted(g.nodes()), 'directed': g.is_directed(),
  'edges': sorted([u, v, d.get('kind')] for u, v, d in g.edges(data=True))}))";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "NetworkX could not read the {format}: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}")))
}

#[tokio::test]
async fn a_neighbourhood_opens_in_network_tools_as_the_same_graph() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let coops = app
        .data("{ cooperatives(first: 2) { edges { node { id seat { id } } } } }")
        .await;
    let coops = nodes(&coops["cooperatives"]);
    let buyer = coops[0]["seat"]["id"].clone();
    // A subject that XML and CSV must escape.
    purchase(
        &app,
        &moderator,
        &buyer,
        &coops[0]["id"],
        &coops[1]["id"],
        "Obiady „<Razem>” & kolacje (dane testowe)",
        true,
    )
    .await;

    const FILES: &str = "query($from: [ID!]!) { neighbourhood(from: $from, depth: 2, limitPerNode: 10) {
        nodes { id } edges { id kind source target }
        gexf: file(format: GEXF) graphml: file(format: GRAPHML)
        elements: file(format: KUMU_ELEMENTS_CSV) connections: file(format: KUMU_CONNECTIONS_CSV) } }";
    let r = app.query_vars(FILES, json!({ "from": [buyer] })).await;
    assert!(r.get("errors").is_none(), "{r}");
    let n = &r["data"]["neighbourhood"];
    let mut want_nodes: Vec<String> = ids(&n["nodes"]).into_iter().collect();
    want_nodes.sort();
    let mut want_edges: Vec<Value> = n["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| json!([e["source"], e["target"], e["kind"]]))
        .collect();
    want_edges.sort_by_key(|v| v.to_string());
    assert!(want_edges.iter().any(|e| e[2] == "BOUGHT_FROM"), "{n}");
    for format in ["gexf", "graphml"] {
        let text = n[format].as_str().unwrap_or_default();
        assert!(
            text.contains("Obiady „&lt;Razem&gt;” &amp; kolacje"),
            "{format}: {text}"
        );
        let Some(read) = read_with_networkx(format, text) else {
            continue;
        };
        assert_eq!(read["directed"], true, "{format}");
        assert_eq!(read["nodes"], json!(want_nodes), "{format}");
        let mut edges = read["edges"].as_array().cloned().unwrap_or_default();
        edges.sort_by_key(|v| v.to_string());
        assert_eq!(edges, want_edges, "{format}");
    }
    // Kumu: every connection's ends are labels of the elements sheet.
    let sheet = |name: &str| -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(n[name].as_str().unwrap_or_default().as_bytes())
            .records()
            .map(|r| r.unwrap_or_else(|e| panic!("{name}: {e}")))
            .collect()
    };
    let elements = sheet("elements");
    let connections = sheet("connections");
    assert_eq!(elements.len(), want_nodes.len());
    assert_eq!(connections.len(), want_edges.len());
    let labels: HashSet<&str> = elements.iter().map(|r| &r[0]).collect();
    assert_eq!(labels.len(), elements.len(), "labels are unique");
    for c in &connections {
        assert!(labels.contains(&c[0]) && labels.contains(&c[1]), "{c:?}");
    }
    assert!(
        connections
            .iter()
            .any(|c| &c[8] == "Obiady „<Razem>” & kolacje (dane testowe)"),
        "{connections:?}"
    );
}

/// Figures for a map of Poland (issue 21): every unit of a level, counted by
/// the directory's filters, so the units add up to the list's total.
#[tokio::test]
async fn map_figures_add_up_to_the_directory_at_every_level() {
    let app = TestApp::spawn().await;
    const MAP: &str = "query($level: LocalGovernmentLevel!, $f: CooperativeFilter) {
        mapFigures(level: $level, filter: $f) { teryt cooperatives verifiedPurchases population populationYear cooperativesPer100k unit { name } }
        cooperatives(filter: $f) { totalCount } }";
    let figures = |level: &'static str, filter: Value| {
        let app = &app;
        async move {
            let r = app
                .query_vars(MAP, json!({ "level": level, "f": filter }))
                .await;
            assert!(r.get("errors").is_none(), "{r}");
            r["data"].clone()
        }
    };
    for (level, units, len) in [
        ("VOIVODESHIP", 16, 2),
        ("POWIAT", 380, 4),
        ("GMINA", 2479, 7),
    ] {
        for filter in [
            json!(null),
            json!({ "status": ["ACTIVE"], "sector": "catering" }),
            json!({ "text": "catering" }),
        ] {
            let d = figures(level, filter.clone()).await;
            let rows = d["mapFigures"].as_array().cloned().unwrap_or_default();
            assert_eq!(rows.len(), units, "{level}");
            assert!(
                rows.iter()
                    .all(|r| r["teryt"].as_str().is_some_and(|t| t.len() == len)),
                "{level}"
            );
            let sum: u64 = rows.iter().filter_map(|r| r["cooperatives"].as_u64()).sum();
            assert_eq!(
                Some(sum),
                d["cooperatives"]["totalCount"].as_u64(),
                "{level} {filter}"
            );
        }
    }
    // Per 100,000 inhabitants where the population is known, with its year.
    let d = figures("VOIVODESHIP", json!(null)).await;
    for r in d["mapFigures"].as_array().into_iter().flatten() {
        let (n, pop) = (
            r["cooperatives"].as_f64().unwrap_or(-1.0),
            r["population"].as_f64().unwrap_or(0.0),
        );
        assert!(pop > 0.0, "{r}");
        assert_eq!(r["populationYear"], 2018, "{r}");
        let per = r["cooperativesPer100k"].as_f64().unwrap_or(-1.0);
        assert!((per - n * 100_000.0 / pop).abs() < 1e-6, "{r}");
    }
    assert!(figures("GMINA", json!(null)).await["mapFigures"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|r| r["cooperativesPer100k"].is_null() && r["populationYear"].is_null()));

    // A verified purchase counts in its buyer's gmina, powiat and voivodeship.
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let coops = app
        .data("{ cooperatives(first: 2) { edges { node { id seat { id teryt } } } } }")
        .await;
    let coops = nodes(&coops["cooperatives"]);
    let seat = coops[0]["seat"]["teryt"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let purchases_in = |level: &'static str, code: String| {
        let figures = &figures;
        async move {
            figures(level, json!(null)).await["mapFigures"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| r["teryt"] == code)
                .and_then(|r| r["verifiedPurchases"].as_u64())
                .unwrap_or(u64::MAX)
        }
    };
    let levels = [
        ("GMINA", seat.clone()),
        ("POWIAT", seat[..4].to_owned()),
        ("VOIVODESHIP", seat[..2].to_owned()),
    ];
    let mut before = Vec::new();
    for (level, code) in &levels {
        before.push(purchases_in(level, code.clone()).await);
    }
    purchase(
        &app,
        &moderator,
        &coops[0]["seat"]["id"],
        &coops[0]["id"],
        &coops[1]["id"],
        "Druk ulotek (dane testowe)",
        true,
    )
    .await;
    purchase(
        &app,
        &moderator,
        &coops[0]["seat"]["id"],
        &coops[0]["id"],
        &coops[1]["id"],
        "Niezweryfikowany zakup (dane testowe)",
        false,
    )
    .await;
    for ((level, code), was) in levels.iter().zip(before) {
        assert_eq!(
            purchases_in(level, code.clone()).await,
            was + 1,
            "{level} {code}"
        );
    }
}

#[tokio::test]
async fn the_whole_public_graph_streams_as_the_same_graph_in_every_format() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let coops = app
        .data("{ cooperatives(first: 2) { edges { node { id seat { id } } } } }")
        .await;
    let coops = nodes(&coops["cooperatives"]);
    let buyer = coops[0]["seat"]["id"].clone();
    purchase(
        &app,
        &moderator,
        &buyer,
        &coops[0]["id"],
        &coops[1]["id"],
        "Obiady „<Razem>” & kolacje (dane testowe)",
        true,
    )
    .await;
    purchase(
        &app,
        &moderator,
        &buyer,
        &coops[0]["id"],
        &coops[1]["id"],
        "Zakup jeszcze niezweryfikowany (dane testowe)",
        false,
    )
    .await;

    let file = |path: &'static str| {
        let app = &app;
        async move {
            let resp = app
                .client
                .get(app.url(path))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(resp.status(), 200, "{path}");
            resp.text().await.unwrap_or_else(|e| panic!("{path}: {e}"))
        }
    };
    let gexf = file("/export/graph.gexf").await;
    let graphml = file("/export/graph.graphml").await;
    assert!(gexf.contains("Obiady „&lt;Razem&gt;” &amp; kolacje"));
    assert!(!gexf.contains("niezweryfikowany") && !graphml.contains("niezweryfikowany"));

    // The buyer's neighbourhood is part of the whole graph, edge for edge.
    let r = app
        .query_vars(
            "query($from: [ID!]!) { neighbourhood(from: $from, depth: 2, limitPerNode: 10) { nodes { id } edges { id } } }",
            json!({ "from": [buyer] }),
        )
        .await;
    let n = &r["data"]["neighbourhood"];
    for e in ids(&n["edges"]) {
        assert!(
            gexf.contains(&format!("<edge id=\"{e}\"")),
            "edge {e} missing"
        );
    }
    let elements: Vec<csv::StringRecord> =
        csv::Reader::from_reader(file("/export/graph-elements.csv").await.as_bytes())
            .records()
            .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
            .collect();
    let connections: Vec<csv::StringRecord> =
        csv::Reader::from_reader(file("/export/graph-connections.csv").await.as_bytes())
            .records()
            .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
            .collect();
    let element_ids: HashSet<&str> = elements.iter().map(|r| &r[2]).collect();
    for node in ids(&n["nodes"]) {
        assert!(element_ids.contains(node.as_str()), "node {node} missing");
    }
    let labels: HashSet<&str> = elements.iter().map(|r| &r[0]).collect();
    assert_eq!(labels.len(), elements.len(), "labels are unique");
    for c in &connections {
        assert!(labels.contains(&c[0]) && labels.contains(&c[1]), "{c:?}");
    }
    let (Some(a), Some(b)) = (
        read_with_networkx("gexf", &gexf),
        read_with_networkx("graphml", &graphml),
    ) else {
        return;
    };
    assert_eq!(a, b, "GEXF and GraphML hold different graphs");
    assert_eq!(a["nodes"].as_array().map(Vec::len), Some(elements.len()));
    assert_eq!(a["edges"].as_array().map(Vec::len), Some(connections.len()));
}

#[tokio::test]
async fn founders_suppliers_and_participations_have_ids_their_edges_name() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let coops = app
        .data("{ cooperatives(first: 2) { edges { node { id seat { id } } } } }")
        .await;
    let coops = nodes(&coops["cooperatives"]);
    let buyer = coops[0]["seat"]["id"].clone();
    let example = purchase(
        &app,
        &moderator,
        &buyer,
        &coops[0]["id"],
        &coops[1]["id"],
        "Obiady (dane testowe)",
        true,
    )
    .await;
    let suppliers = app
        .query_vars(
            "query($id: ID!) { node(id: $id) { ... on ProcurementExample { suppliers { nodes { id role } } } } }",
            json!({ "id": example }),
        )
        .await;
    let supplier_ids = ids(&suppliers["data"]["node"]["suppliers"]["nodes"]);
    assert_eq!(supplier_ids.len(), 2, "{suppliers}");
    let r = app
        .query_vars(
            "query($from: [ID!]!) { neighbourhood(from: $from, depth: 1, edgeKinds: [SUPPLIED, BOUGHT_FROM]) { edges { kind link } } }",
            json!({ "from": [example, buyer] }),
        )
        .await;
    let links: HashSet<String> = r["data"]["neighbourhood"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["link"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(links, supplier_ids, "{r}");

    // Founders: a cooperative founded by a local government and another legal
    // person. Both are linked; the other legal person is a `Founder` node.
    let founded = app
        .data("{ cooperatives(first: 20, filter: {founderKind: [LEGAL_PERSONS, MIXED]}) { nodes { id founders { nodes { id name localGovernment { id } } } } } }")
        .await;
    let coop = founded["cooperatives"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| {
            let f: Vec<&Value> = c["founders"]["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .collect();
            f.iter().any(|f| f["localGovernment"].is_object())
                && f.iter().any(|f| f["localGovernment"].is_null())
        })
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "no cooperative founded by a local government and another legal person: {founded}"
            )
        });
    let founders: Vec<Value> = coop["founders"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let want: HashSet<String> = ids(&coop["founders"]["nodes"]);
    assert_eq!(want.len(), founders.len(), "founder ids are unique");
    let r = app
        .query_vars(
            "query($from: [ID!]!) { neighbourhood(from: $from, depth: 1, edgeKinds: [FOUNDED_BY]) { nodes { __typename id ... on Founder { name } } edges { target link } } }",
            json!({ "from": [coop["id"]] }),
        )
        .await;
    let n = &r["data"]["neighbourhood"];
    let links: HashSet<String> = n["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["link"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(links, want, "{r}");
    for f in founders.iter().filter(|f| f["localGovernment"].is_null()) {
        let node = n["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|x| x["id"] == f["id"])
            .unwrap_or_else(|| panic!("founder {f} is no node: {r}"));
        assert_eq!(node["__typename"], "Founder");
        assert_eq!(node["name"], f["name"]);
        let again = app
            .query_vars(
                "query($id: ID!) { node(id: $id) { ... on Founder { name } } }",
                json!({ "id": f["id"] }),
            )
            .await;
        assert_eq!(again["data"]["node"]["name"], f["name"], "{again}");
    }
}
