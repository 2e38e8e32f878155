//! A neighbourhood (`db::graph`) written in the formats network tools read:
//! GEXF 1.2 (Gephi; http://gexf.net/1.2draft), GraphML (http://graphml.graphdrawing.org/)
//! and Kumu's two spreadsheets of elements and connections (CSV). Nodes are
//! named by their global ids, so a file and the API speak of the same records.

use crate::db::graph::{Edge, Neighbourhood, NodeKey};
use std::collections::HashMap;
use std::fmt::Write;

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

/// GEXF 1.2, directed, with each node's kind and distance and each edge's facts
/// as attributes.
pub fn gexf(n: &Named<'_>) -> String {
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str("<gexf xmlns=\"http://www.gexf.net/1.2draft\" version=\"1.2\">\n");
    s.push_str("  <meta><creator>coophub</creator><description>A neighbourhood of the coophub graph (public records only)</description></meta>\n");
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
    for (k, distance) in &n.graph.nodes {
        let _ = writeln!(
            s,
            "      <node id=\"{}\" label=\"{}\"><attvalues><attvalue for=\"kind\" value=\"{}\"/><attvalue for=\"distance\" value=\"{distance}\"/></attvalues></node>",
            xml(&(n.id)(*k)),
            xml(&n.label(*k)),
            k.0.type_name()
        );
    }
    s.push_str("    </nodes>\n    <edges>\n");
    for e in &n.graph.edges {
        let values: String = facts(e)
            .iter()
            .map(|(f, v)| format!("<attvalue for=\"{f}\" value=\"{}\"/>", xml(v)))
            .collect();
        let _ = writeln!(
            s,
            "      <edge id=\"{}\" source=\"{}\" target=\"{}\" label=\"{}\"><attvalues>{values}</attvalues></edge>",
            xml(&(n.edge_id)(e)),
            xml(&(n.id)(e.source)),
            xml(&(n.id)(e.target)),
            e.kind.name()
        );
    }
    s.push_str("    </edges>\n  </graph>\n</gexf>\n");
    s
}

/// GraphML, directed, with the same data keys.
pub fn graphml(n: &Named<'_>) -> String {
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
    s.push_str("  <key id=\"n_label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n");
    s.push_str("  <key id=\"n_kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n");
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
    for (k, distance) in &n.graph.nodes {
        let _ = writeln!(
            s,
            "    <node id=\"{}\"><data key=\"n_label\">{}</data><data key=\"n_kind\">{}</data><data key=\"n_distance\">{distance}</data></node>",
            xml(&(n.id)(*k)),
            xml(&n.label(*k)),
            k.0.type_name()
        );
    }
    for e in &n.graph.edges {
        let data: String = facts(e)
            .iter()
            .map(|(f, v)| format!("<data key=\"e_{f}\">{}</data>", xml(v)))
            .collect();
        let _ = writeln!(
            s,
            "    <edge id=\"{}\" source=\"{}\" target=\"{}\">{data}</edge>",
            xml(&(n.edge_id)(e)),
            xml(&(n.id)(e.source)),
            xml(&(n.id)(e.target))
        );
    }
    s.push_str("  </graph>\n</graphml>\n");
    s
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
    w.write_record(["Label", "Type", "ID", "Distance"])?;
    for (k, distance) in &n.graph.nodes {
        w.write_record([
            labels.get(k).cloned().unwrap_or_default(),
            k.0.type_name().to_owned(),
            (n.id)(*k),
            distance.to_string(),
        ])?;
    }
    into_string(w)
}

/// Kumu's connections sheet: From, To (element labels), Type, Direction, and
/// the edge's id and facts.
pub fn kumu_connections(n: &Named<'_>) -> Result<String, csv::Error> {
    let labels = unique_labels(n);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "From",
        "To",
        "Type",
        "Direction",
        "ID",
        "Role",
        "Year",
        "Value PLN",
        "Description",
    ])?;
    for e in &n.graph.edges {
        let f = facts(e);
        let get = |name: &str| {
            f.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        w.write_record([
            labels.get(&e.source).cloned().unwrap_or_default(),
            labels.get(&e.target).cloned().unwrap_or_default(),
            e.kind.name().to_owned(),
            "directed".to_owned(),
            (n.edge_id)(e),
            get("role"),
            get("year"),
            get("valuePln"),
            get("label"),
        ])?;
    }
    into_string(w)
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
