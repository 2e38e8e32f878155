//! `/samorzady/<TERYT>`: a local government's page (a gmina, a powiat or a
//! voivodeship): the cooperatives seated in it, the purchases it made from
//! cooperatives (verified ones), the institutions in it, the units above and
//! below. And `/widzet/gmina/<TERYT>`: its cooperatives alone, for an
//! `<iframe>` on the local government's own website.

use super::{esc, nodes, text};
use serde_json::{json, Map, Value};
use std::fmt::Write;

/// The page's read.
pub const QUERY: &str = "query Samorzad($t: String!) { localGovernment(teryt: $t) { \
  id teryt name kind population \
  parent { teryt name parent { teryt name } } \
  children(first: 100) { totalCount nodes { teryt name } } \
  cooperatives(first: 50) { totalCount nodes { id name isSample seat { name } } } \
  procurementExamples(first: 50) { totalCount nodes { subject year valuePln isSample \
    suppliers(first: 5) { nodes { cooperative { id name } } } } } \
  institutions(first: 50) { totalCount nodes { name kind website } } } }";

/// The widget's read.
pub const WIDGET_QUERY: &str = "query Widzet($t: String!) { localGovernment(teryt: $t) { \
  teryt name cooperatives(first: 100) { totalCount nodes { id name isSample \
    offerings(first: 3) { nodes { name } } } } } }";

pub fn variables(teryt: &str) -> Map<String, Value> {
    let mut v = Map::new();
    v.insert("t".into(), json!(teryt));
    v
}

fn kind_pl(k: &str) -> &'static str {
    match k {
        "WOJEWODZTWO" => "województwo",
        "POWIAT" => "powiat",
        "MIASTO_NA_PRAWACH_POWIATU" => "miasto na prawach powiatu",
        "GMINA_MIEJSKA" => "gmina miejska",
        "GMINA_WIEJSKA" => "gmina wiejska",
        "GMINA_MIEJSKO_WIEJSKA" => "gmina miejsko-wiejska",
        _ => "jednostka samorządu",
    }
}

fn count(conn: &Value) -> i64 {
    conn["totalCount"].as_i64().unwrap_or(0)
}

/// The page of `lg` (the answer's `localGovernment`); `base` is the server's
/// public address (for the widget's snippet).
pub fn render(lg: &Value, base: &str) -> String {
    let name = text(lg, "name");
    let mut m = format!(
        "<h1>{}</h1>\n<p class=\"meta\">{} · TERYT {}",
        esc(name),
        kind_pl(text(lg, "kind")),
        esc(text(lg, "teryt"))
    );
    if let Some(p) = lg["population"].as_i64() {
        let _ = write!(m, " · ludność {p}");
    }
    m.push_str("</p>\n");
    let _ = writeln!(
        m,
        "<p><a href=\"/siec?od={}&amp;glebokosc=2\">Sieć powiązań</a></p>",
        esc(&super::url_param(text(lg, "id")))
    );
    let mut up = Vec::new();
    let mut at = &lg["parent"];
    while let Some(n) = at["name"].as_str() {
        up.push(format!(
            "<a href=\"/samorzady/{}\">{}</a>",
            esc(text(at, "teryt")),
            esc(n)
        ));
        at = &at["parent"];
    }
    if !up.is_empty() {
        let _ = writeln!(m, "<p>Należy do: {}</p>", up.join(", "));
    }

    let coops = &lg["cooperatives"];
    let _ = writeln!(
        m,
        "<h2 id=\"spoldzielnie\">Spółdzielnie socjalne z siedzibą tutaj ({})</h2>",
        count(coops)
    );
    if count(coops) == 0 {
        m.push_str("<p>Brak spółdzielni z siedzibą w tej jednostce.</p>\n");
    } else {
        m.push_str("<ul class=\"cooperatives\">\n");
        for c in nodes(lg, "cooperatives") {
            let _ = writeln!(
                m,
                "<li><a href=\"/spoldzielnie/{}\">{}</a>{} <span class=\"meta\">{}</span></li>",
                esc(text(c, "id")),
                esc(text(c, "name")),
                sample(c),
                esc(text(&c["seat"], "name"))
            );
        }
        m.push_str("</ul>\n");
        if count(coops) > 50 {
            let _ = writeln!(
                m,
                "<p><a href=\"/katalog?obszar={}\">Wszystkie w katalogu</a></p>",
                esc(text(lg, "teryt"))
            );
        }
    }

    let purchases = &lg["procurementExamples"];
    let _ = writeln!(
        m,
        "<h2 id=\"zakupy\">Zakupy u spółdzielni ({})</h2>",
        count(purchases)
    );
    if count(purchases) == 0 {
        m.push_str("<p>Brak zweryfikowanych zakupów tej jednostki u spółdzielni.</p>\n");
    } else {
        m.push_str(
            "<table class=\"purchases\"><thead><tr><th scope=\"col\">Przedmiot</th><th scope=\"col\">Rok</th>\
             <th scope=\"col\">Wartość (zł)</th><th scope=\"col\">Wykonawcy</th></tr></thead><tbody>\n",
        );
        for p in nodes(lg, "procurementExamples") {
            let suppliers: Vec<String> = nodes(p, "suppliers")
                .iter()
                .map(|s| {
                    format!(
                        "<a class=\"supplier\" href=\"/spoldzielnie/{}\">{}</a>",
                        esc(text(&s["cooperative"], "id")),
                        esc(text(&s["cooperative"], "name"))
                    )
                })
                .collect();
            let _ = writeln!(
                m,
                "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(text(p, "subject")),
                sample(p),
                p["year"]
                    .as_i64()
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
                esc(p["valuePln"].as_str().unwrap_or("–")),
                suppliers.join(", ")
            );
        }
        m.push_str("</tbody></table>\n");
    }

    let institutions = &lg["institutions"];
    if count(institutions) > 0 {
        let _ = writeln!(
            m,
            "<h2 id=\"instytucje\">Instytucje ({})</h2>\n<ul>",
            count(institutions)
        );
        for i in nodes(lg, "institutions") {
            let _ = writeln!(m, "<li>{}</li>", esc(text(i, "name")));
        }
        m.push_str("</ul>\n");
    }
    let children = nodes(lg, "children");
    if !children.is_empty() {
        m.push_str("<h2>Jednostki w jej obrębie</h2>\n<ul class=\"facets\">");
        for c in children {
            let _ = write!(
                m,
                "<li><a href=\"/samorzady/{}\">{}</a></li>",
                esc(text(c, "teryt")),
                esc(text(c, "name"))
            );
        }
        m.push_str("</ul>\n");
    }
    let _ = writeln!(
        m,
        "<h2>Na stronę samorządu</h2>\n<p>Lista spółdzielni tej jednostki do osadzenia na jej \
         stronie internetowej (docs/pages.md):</p>\n<pre tabindex=\"0\" aria-label=\"Kod widżetu\"><code>{}</code></pre>",
        esc(&widget_snippet(base, text(lg, "teryt")))
    );
    super::page(name, &m, None)
}

/// The `<iframe>` a local government puts on its website.
pub fn widget_snippet(base: &str, teryt: &str) -> String {
    format!(
        "<iframe src=\"{base}/widzet/gmina/{teryt}\" title=\"Spółdzielnie socjalne\" \
         width=\"100%\" height=\"480\" loading=\"lazy\"></iframe>"
    )
}

fn sample(v: &Value) -> &'static str {
    if v["isSample"].as_bool() == Some(true) {
        " <span class=\"sample\">dane przykładowe</span>"
    } else {
        ""
    }
}

/// The widget: a compact list that opens profiles on coophub in a new tab.
pub fn widget(lg: &Value) -> String {
    let mut items = String::new();
    for c in nodes(lg, "cooperatives") {
        let offerings: Vec<String> = nodes(c, "offerings")
            .iter()
            .map(|o| esc(text(o, "name")))
            .collect();
        let _ = writeln!(
            items,
            "<li><a href=\"/spoldzielnie/{}\" target=\"_blank\" rel=\"noopener\">{}</a>{}{}</li>",
            esc(text(c, "id")),
            esc(text(c, "name")),
            sample(c),
            if offerings.is_empty() {
                String::new()
            } else {
                format!("<div class=\"meta\">{}</div>", offerings.join("; "))
            }
        );
    }
    let body = if items.is_empty() {
        "<p>Brak spółdzielni socjalnych z siedzibą w tej jednostce.</p>".to_owned()
    } else {
        format!("<ul class=\"widget-list\">\n{items}</ul>")
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"pl\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Spółdzielnie socjalne: {name}</title>\n\
         <link rel=\"icon\" href=\"data:,\">\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n</head>\n<body class=\"widget\">\n\
         <main><h1>Spółdzielnie socjalne: {name} ({n})</h1>\n{body}\n\
         <p class=\"meta\">Dane: <a href=\"/samorzady/{teryt}\" target=\"_blank\" rel=\"noopener\">coophub</a>, CC BY 4.0.</p></main>\n\
         </body>\n</html>\n",
        name = esc(text(lg, "name")),
        n = count(&lg["cooperatives"]),
        css = super::assets::COOPHUB_CSS,
        teryt = esc(text(lg, "teryt")),
    )
}
