//! `/katalog`: the directory of cooperatives for people. A search box (the
//! directory's words), a place with a radius, a sector; results with their
//! distance, sector counts, paging by cursor. A plain GET form: it works
//! without JavaScript. The parameters are Polish, as the page:
//! `q`, `miejsce` (a place's name or TERYT code), `promien` (km), `sektor`
//! (a sector's slug), `obszar` (seated in this TERYT unit: the map and the
//! local government pages link here), `po` / `przed` (cursors).

use super::{esc, given, nodes, text, url_param};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// Results on a page.
pub const PAGE: i64 = 20;
/// The radius when a place is given without one (km).
pub const DEFAULT_RADIUS_KM: f64 = 40.0;

/// The page's parameters, as the form sends them (empty fields are absent).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Params {
    pub q: Option<String>,
    pub miejsce: Option<String>,
    pub promien: Option<String>,
    pub sektor: Option<String>,
    pub obszar: Option<String>,
    pub po: Option<String>,
    pub przed: Option<String>,
}

impl Params {
    pub fn from_query(raw: &str) -> Result<Params, String> {
        super::query_params(raw)
    }

    /// The place asked for, if any.
    pub fn place(&self) -> Option<&str> {
        given(&self.miejsce)
    }

    /// The radius in km: a number above 0 and at most 500 (the API's bound).
    pub fn radius(&self) -> Result<f64, String> {
        match given(&self.promien) {
            None => Ok(DEFAULT_RADIUS_KM),
            Some(r) => match r.replace(',', ".").parse::<f64>() {
                Ok(km) if km > 0.0 && km <= 500.0 => Ok(km),
                _ => Err(format!(
                    "promień „{r}”: podaj liczbę kilometrów większą od 0 i najwyżej 500"
                )),
            },
        }
    }
}

/// A place's TERYT code when the visitor typed one (2, 4 or 7 digits).
pub fn teryt_code(place: &str) -> Option<&str> {
    (matches!(place.len(), 2 | 4 | 7) && place.bytes().all(|b| b.is_ascii_digit())).then_some(place)
}

/// Finds local governments by name (for `miejsce`).
pub const PLACE_QUERY: &str = "query Miejsce($q: String!) { \
  search(query: $q, types: [LOCAL_GOVERNMENT], first: 10) { nodes { \
    ... on LocalGovernment { teryt name kind parent { name } } } } }";

/// A local government by TERYT code (for `miejsce` given as a code).
pub const PLACE_BY_CODE_QUERY: &str = "query Miejsce($t: String!) { \
  localGovernment(teryt: $t) { teryt name kind parent { name } } }";

/// The place to search around among the answer's units: the first gmina or
/// city (a unit people live in), else the first unit.
pub fn pick_place(answer: &Value) -> Option<Value> {
    if let Some(lg) = answer["data"]["localGovernment"].as_object() {
        return Some(Value::Object(lg.clone()));
    }
    let found = answer["data"]["search"]["nodes"].as_array()?;
    let units: Vec<&Value> = found.iter().filter(|n| n.get("teryt").is_some()).collect();
    units
        .iter()
        .find(|u| {
            let k = text(u, "kind");
            k.starts_with("GMINA") || k == "MIASTO_NA_PRAWACH_POWIATU"
        })
        .or(units.first())
        .map(|u| (*u).clone())
}

/// The directory's read: one page of cooperatives, the sectors, and once the
/// search is narrowed (words, a place, a sector or a unit) the sector counts:
/// counting every cooperative by sector takes hundreds of milliseconds on a
/// national database, and the unfiltered counts say nothing a visitor asked.
pub const QUERY: &str = "query Katalog($filter: CooperativeFilter, $after: String, \
  $before: String, $first: Int, $last: Int, $narrowed: Boolean!) { \
  cooperatives(filter: $filter, after: $after, before: $before, first: $first, last: $last) { \
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } \
    edges { distanceKm node { id name isSample status \
      address { city } seat { name } \
      sectors(first: 5) { nodes { name } } \
      offerings(first: 3) { nodes { name } } } } } \
  cooperativeFacets(filter: $filter) @include(if: $narrowed) { sectors { sector { slug name } count } } \
  sectors(first: 100) { nodes { slug name } } }";

/// The variables of `QUERY` for `p` around `place` (a TERYT code).
pub fn variables(p: &Params, place: Option<&str>, radius: f64) -> Map<String, Value> {
    let mut filter = Map::new();
    if let Some(q) = given(&p.q) {
        filter.insert("text".into(), json!(q));
    }
    if let Some(s) = given(&p.sektor) {
        filter.insert("sector".into(), json!(s));
    }
    if let Some(t) = place {
        filter.insert("near".into(), json!({"teryt": t, "radiusKm": radius}));
    }
    if let Some(unit) = given(&p.obszar) {
        filter.insert("teryt".into(), json!(unit));
    }
    let mut v = Map::new();
    v.insert("narrowed".into(), json!(!filter.is_empty()));
    v.insert("filter".into(), Value::Object(filter));
    match (given(&p.po), given(&p.przed)) {
        (_, Some(before)) => {
            v.insert("before".into(), json!(before));
            v.insert("last".into(), json!(PAGE));
        }
        (after, None) => {
            if let Some(a) = after {
                v.insert("after".into(), json!(a));
            }
            v.insert("first".into(), json!(PAGE));
        }
    }
    v
}

/// The page: the form as filled in, then the results (or `problem`, when the
/// search could not run) .
pub fn render(
    p: &Params,
    place: Option<&Value>,
    radius: f64,
    answer: Option<&Value>,
    problem: Option<&str>,
) -> String {
    let sectors: Vec<(&str, &str)> = answer
        .map(|a| {
            nodes(&a["data"], "sectors")
                .into_iter()
                .map(|s| (text(s, "slug"), text(s, "name")))
                .collect()
        })
        .unwrap_or_default();
    let chosen = given(&p.sektor).unwrap_or_default();
    let mut options = String::from("<option value=\"\">wszystkie</option>");
    for (slug, name) in &sectors {
        options.push_str(&format!(
            "<option value=\"{}\"{}>{}</option>",
            esc(slug),
            if *slug == chosen { " selected" } else { "" },
            esc(name)
        ));
    }
    let mut main = format!(
        "<h1>Katalog spółdzielni socjalnych</h1>\n\
         <form class=\"search\" method=\"get\" action=\"/katalog\" role=\"search\">\n\
         <label for=\"q\">Czego szukasz<input id=\"q\" name=\"q\" type=\"search\" value=\"{q}\" placeholder=\"np. catering, sprzątanie\"></label>\n\
         <label for=\"miejsce\">Miejsce<input id=\"miejsce\" name=\"miejsce\" value=\"{m}\" placeholder=\"np. Nowy Targ\"></label>\n\
         <label for=\"promien\">Promień (km)<input id=\"promien\" name=\"promien\" inputmode=\"decimal\" value=\"{r}\"></label>\n\
         <label for=\"sektor\">Branża<select id=\"sektor\" name=\"sektor\">{options}</select></label>\n\
         {unit}<button type=\"submit\">Szukaj</button>\n</form>\n",
        unit = given(&p.obszar)
            .map(|u| format!("<input type=\"hidden\" name=\"obszar\" value=\"{}\">", esc(u)))
            .unwrap_or_default(),
        q = esc(given(&p.q).unwrap_or_default()),
        m = esc(p.place().unwrap_or_default()),
        r = esc(given(&p.promien).unwrap_or(&format!("{DEFAULT_RADIUS_KM}"))),
    );
    if let Some(problem) = problem {
        main.push_str(&format!(
            "<p class=\"notice\" role=\"alert\">{}</p>\n",
            esc(problem)
        ));
        return super::page("Katalog spółdzielni", &main, None);
    }
    let Some(answer) = answer else {
        return super::page("Katalog spółdzielni", &main, None);
    };
    let list = &answer["data"]["cooperatives"];
    let total = list["totalCount"].as_i64().unwrap_or(0);
    let around = place
        .map(|pl| {
            format!(
                " w promieniu {} km od: {}{}",
                radius,
                esc(text(pl, "name")),
                pl["parent"]["name"]
                    .as_str()
                    .filter(|n| *n != text(pl, "name"))
                    .map(|n| format!(" ({})", esc(n)))
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let within = given(&p.obszar)
        .map(|u| {
            format!(
                " z siedzibą w jednostce <a href=\"/samorzady/{0}\">TERYT {0}</a> (<a href=\"{1}\">bez tego warunku</a>)",
                esc(u),
                esc(&link(&Params { obszar: None, ..p.clone() }, given(&p.sektor), None, None))
            )
        })
        .unwrap_or_default();
    main.push_str(&format!(
        "<p class=\"summary\" role=\"status\">Znaleziono: <strong id=\"total\">{total}</strong>{around}{within}.</p>\n"
    ));
    let facets: Vec<String> = answer["data"]["cooperativeFacets"]["sectors"]
        .as_array()
        .map(|a| {
            a.iter()
                .take(12)
                .map(|f| {
                    let slug = text(&f["sector"], "slug");
                    format!(
                        "<li><a href=\"{}\">{}</a> ({})</li>",
                        esc(&link(p, Some(slug), None, None)),
                        esc(text(&f["sector"], "name")),
                        f["count"].as_i64().unwrap_or(0)
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if !facets.is_empty() {
        main.push_str(&format!(
            "<h2 id=\"branze\">Według branż</h2>\n<ul class=\"facets\" aria-labelledby=\"branze\">{}</ul>\n",
            facets.join("")
        ));
    }
    main.push_str("<ol class=\"results\">\n");
    for edge in list["edges"].as_array().into_iter().flatten() {
        let c = &edge["node"];
        let sample = if c["isSample"].as_bool() == Some(true) {
            " <span class=\"sample\">dane przykładowe</span>"
        } else {
            ""
        };
        let distance = edge["distanceKm"]
            .as_f64()
            .map(|d| format!(" · <span class=\"distance\">{d:.1} km</span>"))
            .unwrap_or_default();
        let sectors: Vec<String> = nodes(c, "sectors")
            .iter()
            .map(|s| esc(text(s, "name")))
            .collect();
        let offerings: Vec<String> = nodes(c, "offerings")
            .iter()
            .map(|o| esc(text(o, "name")))
            .collect();
        main.push_str(&format!(
            "<li><a class=\"name\" href=\"/spoldzielnie/{id}\">{name}</a>{sample}\n\
             <div class=\"meta\">{seat}{distance}{sectors}</div>{offerings}</li>\n",
            id = esc(text(c, "id")),
            name = esc(text(c, "name")),
            seat = esc(text(&c["seat"], "name")),
            sectors = if sectors.is_empty() {
                String::new()
            } else {
                format!(" · {}", sectors.join(", "))
            },
            offerings = if offerings.is_empty() {
                String::new()
            } else {
                format!("<div>Oferta: {}</div>", offerings.join("; "))
            },
        ));
    }
    main.push_str("</ol>\n");
    let info = &list["pageInfo"];
    let mut paging = String::new();
    if info["hasPreviousPage"].as_bool() == Some(true) {
        if let Some(c) = info["startCursor"].as_str() {
            paging.push_str(&format!(
                "<a rel=\"prev\" href=\"{}\">← Poprzednie</a>",
                esc(&link(p, given(&p.sektor), None, Some(c)))
            ));
        }
    }
    if info["hasNextPage"].as_bool() == Some(true) {
        if let Some(c) = info["endCursor"].as_str() {
            paging.push_str(&format!(
                "<a rel=\"next\" href=\"{}\">Następne →</a>",
                esc(&link(p, given(&p.sektor), Some(c), None))
            ));
        }
    }
    if !paging.is_empty() {
        main.push_str(&format!(
            "<nav class=\"pages\" aria-label=\"Strony wyników\">{paging}</nav>\n"
        ));
    }
    super::page("Katalog spółdzielni", &main, None)
}

/// The address of this search with `sector` and a cursor.
fn link(p: &Params, sector: Option<&str>, after: Option<&str>, before: Option<&str>) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("q", given(&p.q)),
        ("miejsce", p.place()),
        ("promien", given(&p.promien)),
        ("sektor", sector),
        ("obszar", given(&p.obszar)),
        ("po", after),
        ("przed", before),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k}={}", url_param(v)));
        }
    }
    format!("/katalog?{}", parts.join("&"))
}
