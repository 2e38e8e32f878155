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
        out.push(("valuePln", crate::money::decimal(v)));
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
/// whole (`gexf`, `graphml`); the whole public graph streams (`datasets::spawn_whole`).
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
