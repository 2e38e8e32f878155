//! `/siec?od=<global id>[&od=…]&glebokosc=1|2`: the network around records,
//! from the `neighbourhood` query, laid out on the server (a force-directed
//! layout, deterministic: the same answer gives the same picture) and drawn as
//! SVG inside the page, edges coloured by kind with a legend. A node is a link
//! that expands it: the same view with that node added to `od`. No script.

use super::{esc, text};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::fmt::Write;

/// Start records at most (as the query's `from`).
pub const MAX_FROM: usize = 20;
/// Edges followed from each node.
pub const LIMIT_PER_NODE: i64 = 12;

#[derive(Debug, Default)]
pub struct Params {
    pub from: Vec<String>,
    pub depth: i64,
}

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    od: Vec<String>,
    glebokosc: Option<String>,
}

impl Params {
    /// `od` may repeat; `glebokosc` is 1 or 2.
    pub fn from_query(raw: &str) -> Result<Params, String> {
        let pairs: Vec<(String, String)> = super::query_params(raw)?;
        let mut r = Raw {
            od: Vec::new(),
            glebokosc: None,
        };
        for (k, v) in pairs {
            match k.as_str() {
                "od" if !v.trim().is_empty() => r.od.push(v.trim().to_owned()),
                "glebokosc" => r.glebokosc = Some(v),
                _ => {}
            }
        }
        let depth = match r.glebokosc.as_deref().map(str::trim) {
            None | Some("") | Some("1") => 1,
            Some("2") => 2,
            Some(d) => return Err(format!("głębokość „{d}”: 1 albo 2")),
        };
        r.od.dedup();
        if r.od.len() > MAX_FROM {
            return Err(format!("najwyżej {MAX_FROM} punktów wyjścia (od)"));
        }
        Ok(Params { from: r.od, depth })
    }

    fn link(&self, from: &[String], depth: i64) -> String {
        let mut parts: Vec<String> = from
            .iter()
            .map(|f| format!("od={}", super::url_param(f)))
            .collect();
        parts.push(format!("glebokosc={depth}"));
        format!("/siec?{}", parts.join("&"))
    }
}

/// The neighbourhood's read: every node kind's label.
pub const QUERY: &str = "query Siec($from: [ID!]!, $depth: Int!, $limit: Int!) { \
  neighbourhood(from: $from, depth: $depth, limitPerNode: $limit) { nodeCount edgeCount truncated \
    nodes { __typename id \
      ... on Cooperative { name } ... on LocalGovernment { name } ... on Institution { name } \
      ... on Industry { code name } ... on Sector { name } ... on ProcurementExample { subject } \
      ... on Person { displayName } ... on Event { title } ... on Article { title } \
      ... on Founder { name } } \
    edges { id kind source target } } }";

pub fn variables(p: &Params) -> Map<String, Value> {
    let mut v = Map::new();
    v.insert("from".into(), json!(p.from));
    v.insert("depth".into(), json!(p.depth));
    v.insert("limit".into(), json!(LIMIT_PER_NODE));
    v
}

/// Colours of edge kinds (and of node kinds: a node takes the colour of its
/// type), chosen to be told apart on white.
const EDGE_COLOURS: [(&str, &str, &str); 12] = [
    ("SEAT_IN", "#1f77b4", "siedziba w"),
    ("PART_OF", "#7f7f7f", "część jednostki"),
    ("FOUNDED_BY", "#8c564b", "założona przez"),
    ("BOUGHT_FROM", "#d62728", "kupił od"),
    ("PURCHASED", "#ff7f0e", "zamówienie"),
    ("SUPPLIED", "#e377c2", "wykonawca"),
    ("OPERATES_IN", "#2ca02c", "działa w branży"),
    ("SERVES", "#17becf", "obsługuje obszar"),
    ("INSTITUTION_IN", "#bcbd22", "instytucja w"),
    ("AFFILIATED_WITH", "#9467bd", "związana z"),
    ("ATTENDED", "#393b79", "uczestniczyła"),
    ("MENTIONS", "#637939", "wspomina"),
];

const NODE_COLOURS: [(&str, &str, &str); 10] = [
    ("Cooperative", "#0b5394", "spółdzielnia"),
    ("LocalGovernment", "#7f7f7f", "samorząd"),
    ("Institution", "#bcbd22", "instytucja"),
    ("Industry", "#2ca02c", "branża PKD"),
    ("Sector", "#2ca02c", "sektor"),
    ("ProcurementExample", "#ff7f0e", "zamówienie"),
    ("Person", "#9467bd", "osoba"),
    ("Event", "#393b79", "wydarzenie"),
    ("Article", "#637939", "artykuł"),
    ("Founder", "#8c564b", "założyciel"),
];

fn node_label(n: &Value) -> String {
    let label = ["name", "subject", "displayName", "title"]
        .iter()
        .find_map(|f| n[*f].as_str())
        .unwrap_or_default();
    match n["code"].as_str() {
        Some(code) => format!("{code} {label}"),
        None => label.to_owned(),
    }
}

/// Positions in [0, 1]² for `n` nodes joined by `edges` (indices):
/// Fruchterman–Reingold, 150 rounds from a circle, so the same graph always
/// gets the same picture.
pub fn layout(n: usize, edges: &[(usize, usize)]) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = 0.25 + 0.2 * ((i * 7919) % 13) as f64 / 13.0;
            (0.5 + r * a.cos(), 0.5 + r * a.sin())
        })
        .collect();
    let k = (1.0 / n as f64).sqrt();
    let mut heat = 0.1;
    for _ in 0..150 {
        let mut shift = vec![(0.0f64, 0.0f64); n];
        for i in 0..n {
            for j in (i + 1)..n {
                let (dx, dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
                let d = (dx * dx + dy * dy).sqrt().max(1e-4);
                let f = k * k / d;
                shift[i].0 += dx / d * f;
                shift[i].1 += dy / d * f;
                shift[j].0 -= dx / d * f;
                shift[j].1 -= dy / d * f;
            }
        }
        for &(a, b) in edges {
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-4);
            let f = d * d / k;
            shift[a].0 -= dx / d * f;
            shift[a].1 -= dy / d * f;
            shift[b].0 += dx / d * f;
            shift[b].1 += dy / d * f;
        }
        for (p, s) in pos.iter_mut().zip(&shift) {
            let len = (s.0 * s.0 + s.1 * s.1).sqrt().max(1e-9);
            let step = len.min(heat);
            p.0 = (p.0 + s.0 / len * step).clamp(0.0, 1.0);
            p.1 = (p.1 + s.1 / len * step).clamp(0.0, 1.0);
        }
        heat *= 0.97;
    }
    pos
}

/// The page: the form, then the picture of `answer` (when there is one).
pub fn render(p: &Params, answer: Option<&Value>) -> String {
    let mut m = String::from("<h1>Sieć powiązań</h1>\n");
    let _ = writeln!(
        m,
        "<p>Spółdzielnie, samorządy, zamówienia, branże, instytucje, wydarzenia i osoby \
         (tylko te, które zgodziły się na publiczny profil) oraz ich powiązania. \
         Kliknij węzeł, aby rozwinąć jego sąsiedztwo.</p>\n\
         <form class=\"search\" method=\"get\" action=\"/siec\">\
         <label for=\"od\">Identyfikator rekordu<input id=\"od\" name=\"od\" value=\"{}\"></label>\
         <label for=\"glebokosc\">Głębokość<select id=\"glebokosc\" name=\"glebokosc\">\
         <option value=\"1\"{}>1</option><option value=\"2\"{}>2</option></select></label>\
         <button type=\"submit\">Pokaż</button></form>",
        esc(p.from.first().map(String::as_str).unwrap_or_default()),
        if p.depth == 1 { " selected" } else { "" },
        if p.depth == 2 { " selected" } else { "" },
    );
    let Some(answer) = answer else {
        return super::page("Sieć powiązań", &m, None);
    };
    let hood = &answer["data"]["neighbourhood"];
    let nodes: Vec<&Value> = hood["nodes"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (text(n, "id"), i))
        .collect();
    let edges: Vec<(usize, usize, &str)> = hood["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some((
                *index.get(text(e, "source"))?,
                *index.get(text(e, "target"))?,
                text(e, "kind"),
            ))
        })
        .collect();
    let pairs: Vec<(usize, usize)> = edges.iter().map(|(a, b, _)| (*a, *b)).collect();
    let pos = layout(nodes.len(), &pairs);
    let _ = writeln!(
        m,
        "<p class=\"summary\" role=\"status\">Węzły: <strong id=\"nodes\">{}</strong>, \
         powiązania: <strong id=\"edges\">{}</strong>{}</p>",
        hood["nodeCount"].as_i64().unwrap_or(0),
        hood["edgeCount"].as_i64().unwrap_or(0),
        if hood["truncated"].as_array().is_some_and(|t| !t.is_empty()) {
            format!("; przy niektórych węzłach pokazano tylko {LIMIT_PER_NODE} pierwszych powiązań")
        } else {
            String::new()
        }
    );
    let (w, h) = (1000.0, 700.0);
    let at = |i: usize| (30.0 + pos[i].0 * (w - 60.0), 30.0 + pos[i].1 * (h - 60.0));
    let _ = writeln!(
        m,
        "<figure class=\"map\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" \
         role=\"group\" aria-labelledby=\"net-title\" class=\"network\">\
         <title id=\"net-title\">Sieć powiązań: {} węzłów</title>",
        nodes.len()
    );
    for (a, b, kind) in &edges {
        let ((x1, y1), (x2, y2)) = (at(*a), at(*b));
        let colour = EDGE_COLOURS
            .iter()
            .find(|c| c.0 == *kind)
            .map_or("#999999", |c| c.1);
        let _ = writeln!(
            m,
            "<line class=\"edge\" data-kind=\"{kind}\" x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{colour}\" stroke-width=\"1.5\"/>"
        );
    }
    for (i, n) in nodes.iter().enumerate() {
        let (x, y) = at(i);
        let kind = text(n, "__typename");
        let colour = NODE_COLOURS
            .iter()
            .find(|c| c.0 == kind)
            .map_or("#999999", |c| c.1);
        let id = text(n, "id");
        let start = p.from.iter().any(|f| f == id);
        let mut expanded = p.from.clone();
        if !start && expanded.len() < MAX_FROM {
            expanded.push(id.to_owned());
        }
        let label = node_label(n);
        let short: String = label.chars().take(28).collect();
        let _ = writeln!(
            m,
            "<a href=\"{}\"><g class=\"node\" data-id=\"{}\" data-kind=\"{kind}\">\
             <circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{}\" fill=\"{colour}\" stroke=\"#ffffff\" stroke-width=\"2\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#1a1a1a\"{}>{}</text>\
             <title>{}</title></g></a>",
            esc(&p.link(&expanded, p.depth)),
            esc(id),
            if start { 9 } else { 6 },
            // Labels on the right half go left of their node, so none is cut off.
            if pos[i].0 > 0.5 { x - 10.0 } else { x + 10.0 },
            y + 4.0,
            if pos[i].0 > 0.5 { " text-anchor=\"end\"" } else { "" },
            esc(&short),
            esc(&format!("{label} ({})", NODE_COLOURS.iter().find(|c| c.0 == kind).map_or(kind, |c| c.2))),
        );
    }
    m.push_str("</svg>\n<figcaption><ul class=\"legend\" aria-label=\"Rodzaje powiązań\">");
    for (kind, colour, name) in EDGE_COLOURS {
        if edges.iter().any(|e| e.2 == kind) {
            let _ = write!(
                m,
                "<li><svg width=\"18\" height=\"8\" aria-hidden=\"true\"><line x1=\"0\" y1=\"4\" x2=\"18\" y2=\"4\" stroke=\"{colour}\" stroke-width=\"3\"/></svg> {name}</li>"
            );
        }
    }
    m.push_str("</ul></figcaption></figure>\n");
    // The same as a list, for a screen reader and for copying.
    m.push_str("<h2>Węzły</h2>\n<ul>\n");
    for n in &nodes {
        let kind = text(n, "__typename");
        let _ = writeln!(
            m,
            "<li>{} <span class=\"meta\">{} · {}</span></li>",
            esc(&node_label(n)),
            NODE_COLOURS
                .iter()
                .find(|c| c.0 == kind)
                .map_or(kind, |c| c.2),
            esc(text(n, "id"))
        );
    }
    m.push_str("</ul>\n");
    super::page("Sieć powiązań", &m, None)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_layout_is_deterministic_inside_the_square_and_pulls_neighbours_together() {
        let edges = [(0, 1), (1, 2), (3, 4)];
        let a = super::layout(5, &edges);
        assert_eq!(a, super::layout(5, &edges));
        assert!(a
            .iter()
            .all(|(x, y)| (0.0..=1.0).contains(x) && (0.0..=1.0).contains(y)));
        let d = |i: usize, j: usize| ((a[i].0 - a[j].0).powi(2) + (a[i].1 - a[j].1).powi(2)).sqrt();
        assert!(d(0, 1) < d(0, 4), "{a:?}");
    }
}
