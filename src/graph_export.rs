//! A neighbourhood (`db::graph`) written in the formats network tools read:
//! GEXF 1.2 (Gephi; http://gexf.net/1.2draft), GraphML (http://graphml.graphdrawing.org/)
//! and Kumu's two spreadsheets of elements and connections (CSV). Nodes are
//! named by their global ids, so a file and the API speak of the same records.

use crate::db::graph::{Edge, Neighbourhood, NodeKey};
use std::collections::HashMap;
use std::fmt::Write as _;

/// What a file says of its nodes beside their edges.
pub struct Named<'a> {
    pub graph: &'a Neighbourhood,
    /// The global id of each node.
    pub id: &'a dyn Fn(NodeKey) -> String,
    /// A name to show for each node (absent: its kind and id).
    pub labels: &'a HashMap<NodeKey, String>,
    /// A stable id of each edge.
    pub edge_id: &'a dyn Fn(&Edge) -> String,
}

impl Named<'_> {
    fn label(&self, k: NodeKey) -> String {
        self.labels
            .get(&k)
            .cloned()
            .unwrap_or_else(|| format!("{} {}", k.0.type_name(), k.1))
    }
}

/// Text for an XML attribute or element.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// An edge's facts as (name, value) pairs, those it has.
fn facts(e: &Edge) -> Vec<(&'static str, String)> {
    let mut out = vec![("kind", e.kind.name().to_owned())];
    if let Some(r) = &e.role {
        out.push(("role", r.clone()));
    }
    if let Some(y) = e.year {
        out.push(("year", y.to_string()));
    }
    if let Some(v) = e.value_grosze {
        out.push(("valuePln", format!("{}.{:02}", v / 100, v % 100)));
    }
    if let Some(l) = &e.label {
        out.push(("label", l.clone()));
    }
    out
}

const EDGE_FACTS: [(&str, &str); 5] = [
    ("kind", "string"),
    ("role", "string"),
    ("year", "integer"),
    ("valuePln", "string"),
    ("label", "string"),
];

/// A file format of the graph, written piece by piece: a head, the nodes, what
/// comes between nodes and edges, the edges, a tail. A neighbourhood is written
/// whole (`gexf`, `graphml`); the whole public graph streams (`http::graph_file`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pieces {
    Gexf,
    Graphml,
}

impl Pieces {
    pub fn head(self, description: &str) -> String {
        let mut s = String::new();
        s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        match self {
            Pieces::Gexf => {
                s.push_str("<gexf xmlns=\"http://www.gexf.net/1.2draft\" version=\"1.2\">\n");
                let _ = writeln!(
                    s,
                    "  <meta><creator>coophub</creator><description>{}</description></meta>",
                    xml(description)
                );
                s.push_str("  <graph defaultedgetype=\"directed\" mode=\"static\">\n");
                s.push_str("    <attributes class=\"node\">\n      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n      <attribute id=\"distance\" title=\"distance\" type=\"integer\"/>\n    </attributes>\n");
                s.push_str("    <attributes class=\"edge\">\n");
                for (name, ty) in EDGE_FACTS {
                    let _ = writeln!(
                        s,
                        "      <attribute id=\"{name}\" title=\"{name}\" type=\"{ty}\"/>"
                    );
                }
                s.push_str("    </attributes>\n    <nodes>\n");
            }
            Pieces::Graphml => {
                s.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
                let _ = writeln!(s, "  <desc>{}</desc>", xml(description));
                s.push_str(
                    "  <key id=\"n_label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n",
                );
                s.push_str(
                    "  <key id=\"n_kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n",
                );
                s.push_str(
                    "  <key id=\"n_distance\" for=\"node\" attr.name=\"distance\" attr.type=\"int\"/>\n",
                );
                for (name, ty) in EDGE_FACTS {
                    let ty = if ty == "integer" { "int" } else { ty };
                    let _ = writeln!(
                        s,
                        "  <key id=\"e_{name}\" for=\"edge\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
                    );
                }
                s.push_str("  <graph id=\"coophub\" edgedefault=\"directed\">\n");
            }
        }
        s
    }

    /// One node: its global id, label and kind, and its distance from the seeds
    /// in a neighbourhood.
    pub fn node(self, out: &mut String, id: &str, label: &str, kind: &str, distance: Option<u32>) {
        match self {
            Pieces::Gexf => {
                let distance = distance
                    .map(|d| format!("<attvalue for=\"distance\" value=\"{d}\"/>"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "      <node id=\"{}\" label=\"{}\"><attvalues><attvalue for=\"kind\" value=\"{kind}\"/>{distance}</attvalues></node>",
                    xml(id),
                    xml(label),
                );
            }
            Pieces::Graphml => {
                let distance = distance
                    .map(|d| format!("<data key=\"n_distance\">{d}</data>"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    <node id=\"{}\"><data key=\"n_label\">{}</data><data key=\"n_kind\">{kind}</data>{distance}</node>",
                    xml(id),
                    xml(label),
                );
            }
        }
    }

    pub fn between(self) -> &'static str {
        match self {
            Pieces::Gexf => "    </nodes>\n    <edges>\n",
            Pieces::Graphml => "",
        }
    }

    /// One edge with its facts, its ends named by global ids.
    pub fn edge(self, out: &mut String, id: &str, source: &str, target: &str, e: &Edge) {
        match self {
            Pieces::Gexf => {
                let values: String = facts(e)
                    .iter()
                    .map(|(f, v)| format!("<attvalue for=\"{f}\" value=\"{}\"/>", xml(v)))
                    .collect();
                let _ = writeln!(
                    out,
                    "      <edge id=\"{}\" source=\"{}\" target=\"{}\" label=\"{}\"><attvalues>{values}</attvalues></edge>",
                    xml(id),
                    xml(source),
                    xml(target),
                    e.kind.name()
                );
            }
            Pieces::Graphml => {
                let data: String = facts(e)
                    .iter()
                    .map(|(f, v)| format!("<data key=\"e_{f}\">{}</data>", xml(v)))
                    .collect();
                let _ = writeln!(
                    out,
                    "    <edge id=\"{}\" source=\"{}\" target=\"{}\">{data}</edge>",
                    xml(id),
                    xml(source),
                    xml(target)
                );
            }
        }
    }

    pub fn tail(self) -> &'static str {
        match self {
            Pieces::Gexf => "    </edges>\n  </graph>\n</gexf>\n",
            Pieces::Graphml => "  </graph>\n</graphml>\n",
        }
    }
}

fn whole(p: Pieces, n: &Named<'_>) -> String {
    let mut s = p.head("A neighbourhood of the coophub graph (public records only)");
    for (k, distance) in &n.graph.nodes {
        p.node(
            &mut s,
            &(n.id)(*k),
            &n.label(*k),
            k.0.type_name(),
            Some(*distance),
        );
    }
    s.push_str(p.between());
    for e in &n.graph.edges {
        p.edge(
            &mut s,
            &(n.edge_id)(e),
            &(n.id)(e.source),
            &(n.id)(e.target),
            e,
        );
    }
    s.push_str(p.tail());
    s
}

/// GEXF 1.2, directed, with each node's kind and distance and each edge's facts
/// as attributes.
pub fn gexf(n: &Named<'_>) -> String {
    whole(Pieces::Gexf, n)
}

/// GraphML, directed, with the same data keys.
pub fn graphml(n: &Named<'_>) -> String {
    whole(Pieces::Graphml, n)
}

/// Each node's label, unique in the file: Kumu links connections to elements by
/// label, so a second record of the same name gets its kind and id appended.
fn unique_labels(n: &Named<'_>) -> HashMap<NodeKey, String> {
    let mut count: HashMap<String, usize> = HashMap::new();
    for (k, _) in &n.graph.nodes {
        *count.entry(n.label(*k)).or_default() += 1;
    }
    n.graph
        .nodes
        .iter()
        .map(|(k, _)| {
            let l = n.label(*k);
            let l = if count.get(&l).copied().unwrap_or(0) > 1 {
                format!("{l} ({} {})", k.0.type_name(), k.1)
            } else {
                l
            };
            (*k, l)
        })
        .collect()
}

/// Kumu's elements sheet: Label, Type, ID (the global id), Distance.
pub fn kumu_elements(n: &Named<'_>) -> Result<String, csv::Error> {
    let labels = unique_labels(n);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(KUMU_ELEMENTS)?;
    for (k, distance) in &n.graph.nodes {
        w.write_record(kumu_element(
            labels.get(k).cloned().unwrap_or_default(),
            k.0.type_name(),
            (n.id)(*k),
            Some(*distance),
        ))?;
    }
    into_string(w)
}

/// Kumu's connections sheet: From, To (element labels), Type, Direction, and
/// the edge's id and facts.
pub fn kumu_connections(n: &Named<'_>) -> Result<String, csv::Error> {
    let labels = unique_labels(n);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(KUMU_CONNECTIONS)?;
    for e in &n.graph.edges {
        w.write_record(kumu_connection(
            labels.get(&e.source).cloned().unwrap_or_default(),
            labels.get(&e.target).cloned().unwrap_or_default(),
            (n.edge_id)(e),
            e,
        ))?;
    }
    into_string(w)
}

/// The header of Kumu's elements sheet.
pub const KUMU_ELEMENTS: [&str; 4] = ["Label", "Type", "ID", "Distance"];
/// The header of Kumu's connections sheet.
pub const KUMU_CONNECTIONS: [&str; 9] = [
    "From",
    "To",
    "Type",
    "Direction",
    "ID",
    "Role",
    "Year",
    "Value PLN",
    "Description",
];

/// A row of the elements sheet.
pub fn kumu_element(label: String, kind: &str, id: String, distance: Option<u32>) -> [String; 4] {
    [
        label,
        kind.to_owned(),
        id,
        distance.map(|d| d.to_string()).unwrap_or_default(),
    ]
}

/// A row of the connections sheet: the ends by their labels in the elements sheet.
pub fn kumu_connection(from: String, to: String, id: String, e: &Edge) -> [String; 9] {
    let f = facts(e);
    let get = |name: &str| {
        f.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    [
        from,
        to,
        e.kind.name().to_owned(),
        "directed".to_owned(),
        id,
        get("role"),
        get("year"),
        get("valuePln"),
        get("label"),
    ]
}

fn into_string(w: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn xml_text_escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            xml("„Kwiatuszek” & <Syn> 'a' \"b\"\u{1}"),
            "„Kwiatuszek” &amp; &lt;Syn&gt; &apos;a&apos; &quot;b&quot;"
        );
    }
}

/// A file of the whole public graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WholeFile {
    Gexf,
    Graphml,
    KumuElements,
    KumuConnections,
}

impl WholeFile {
    /// The file at `/export/<name>.<ext>`, if it is one of these.
    pub fn of(name: &str, ext: &str) -> Option<WholeFile> {
        match (name, ext) {
            ("graph", "gexf") => Some(WholeFile::Gexf),
            ("graph", "graphml") => Some(WholeFile::Graphml),
            ("graph-elements", "csv") => Some(WholeFile::KumuElements),
            ("graph-connections", "csv") => Some(WholeFile::KumuConnections),
            _ => None,
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            WholeFile::Gexf => "graph.gexf",
            WholeFile::Graphml => "graph.graphml",
            WholeFile::KumuElements => "graph-elements.csv",
            WholeFile::KumuConnections => "graph-connections.csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            WholeFile::Gexf => "application/gexf+xml",
            WholeFile::Graphml => "application/graphml+xml",
            WholeFile::KumuElements | WholeFile::KumuConnections => {
                "text/csv; charset=utf-8; header=present"
            }
        }
    }
}

/// What the whole graph's files say of themselves.
pub const WHOLE_DESCRIPTION: &str = "The whole public graph of coophub: cooperatives, local governments, institutions, PKD subclasses, sectors, verified purchases, people with a public profile, events and published articles, and the links between them. CC BY 4.0, published by coophub; sample records are generated.";

/// Starts the producer of a whole-graph file (see `export::spawn_with`): nodes
/// page by page, then edges window by window (`db::graph::Whole`).
pub fn spawn_whole(
    db: sea_orm::DatabaseConnection,
    file: WholeFile,
) -> (
    tokio::sync::mpsc::Receiver<crate::export::Chunk>,
    tokio::task::JoinHandle<crate::error::AppResult<crate::export::Summary>>,
) {
    crate::export::spawn_with(None, move |mut sink| async move {
        let result = write_whole(&db, file, &mut sink).await;
        (sink, result)
    })
}

fn node_global_id(k: NodeKey) -> String {
    crate::graphql::node::global_id(k.0.type_name(), k.1).0
}

/// A node's label in Kumu's sheets: its name, with its kind and id when another
/// node has the same name (or it has none).
fn kumu_label(
    k: NodeKey,
    label: Option<&str>,
    shared: &std::collections::HashSet<String>,
) -> String {
    match label {
        Some(l) if !shared.contains(l) => l.to_owned(),
        Some(l) => format!("{l} ({} {})", k.0.type_name(), k.1),
        None => format!("{} {}", k.0.type_name(), k.1),
    }
}

async fn write_whole(
    db: &sea_orm::DatabaseConnection,
    file: WholeFile,
    sink: &mut crate::export::Sink,
) -> crate::error::AppResult<bool> {
    use crate::error::AppError;
    let csv_failed = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
    let csv_rows = |header: &[&str], rows: &mut dyn Iterator<Item = Vec<String>>| {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        if !header.is_empty() {
            w.write_record(header).map_err(csv_failed)?;
        }
        for r in rows {
            w.write_record(r).map_err(csv_failed)?;
        }
        w.into_inner()
            .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
    };
    let mut whole = crate::db::graph::Whole::default();
    let pieces = match file {
        WholeFile::Gexf => Some(Pieces::Gexf),
        WholeFile::Graphml => Some(Pieces::Graphml),
        _ => None,
    };
    let shared = match file {
        WholeFile::KumuElements | WholeFile::KumuConnections => {
            crate::db::graph::shared_labels(db).await?
        }
        _ => Default::default(),
    };
    let head = match (pieces, file) {
        (Some(p), _) => p.head(WHOLE_DESCRIPTION).into_bytes(),
        (None, WholeFile::KumuElements) => csv_rows(&KUMU_ELEMENTS, &mut std::iter::empty())?,
        _ => csv_rows(&KUMU_CONNECTIONS, &mut std::iter::empty())?,
    };
    if !sink.send(head, 0).await {
        return Ok(false);
    }
    if file != WholeFile::KumuConnections {
        while let Some(page) = whole.next_nodes(db).await? {
            let bytes = match pieces {
                Some(p) => {
                    let mut s = String::with_capacity(page.len() * 200);
                    for (k, label) in &page {
                        let label = label
                            .clone()
                            .unwrap_or_else(|| format!("{} {}", k.0.type_name(), k.1));
                        p.node(&mut s, &node_global_id(*k), &label, k.0.type_name(), None);
                    }
                    s.into_bytes()
                }
                None => csv_rows(
                    &[],
                    &mut page.iter().map(|(k, label)| {
                        kumu_element(
                            kumu_label(*k, label.as_deref(), &shared),
                            k.0.type_name(),
                            node_global_id(*k),
                            None,
                        )
                        .to_vec()
                    }),
                )?,
            };
            if !sink.send(bytes, page.len()).await {
                return Ok(false);
            }
        }
        if file == WholeFile::KumuElements {
            return Ok(true);
        }
    } else {
        // The connections sheet names no nodes of its own.
        whole.skip_nodes();
    }
    if let Some(p) = pieces {
        if !sink.send(p.between().as_bytes().to_vec(), 0).await {
            return Ok(false);
        }
    }
    while let Some(edges) = whole.next_edges(db).await? {
        let bytes = match pieces {
            Some(p) => {
                let mut s = String::with_capacity(edges.len() * 300);
                for e in &edges {
                    p.edge(
                        &mut s,
                        &e.global_id(),
                        &node_global_id(e.source),
                        &node_global_id(e.target),
                        e,
                    );
                }
                s.into_bytes()
            }
            None => {
                let mut ends: Vec<NodeKey> =
                    edges.iter().flat_map(|e| [e.source, e.target]).collect();
                ends.sort_unstable();
                ends.dedup();
                let labels = crate::db::graph::labels(db, &ends).await?;
                let label = |k: NodeKey| kumu_label(k, labels.get(&k).map(String::as_str), &shared);
                csv_rows(
                    &[],
                    &mut edges.iter().map(|e| {
                        kumu_connection(label(e.source), label(e.target), e.global_id(), e).to_vec()
                    }),
                )?
            }
        };
        if !sink.send(bytes, edges.len()).await {
            return Ok(false);
        }
    }
    Ok(match pieces {
        Some(p) => sink.send(p.tail().as_bytes().to_vec(), 0).await,
        None => true,
    })
}
