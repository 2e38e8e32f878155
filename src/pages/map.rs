//! `/mapa`: a choropleth of Poland, drawn on the server as SVG inside the page
//! (no tile server, no script, no library): every voivodeship or powiat of the
//! boundary files that ship with coophub (`maps::Boundaries`), coloured by
//! cooperatives per 100,000 inhabitants from `mapFigures` for the directory's
//! filters, each a link to the unit's page. A legend and a table with the same
//! figures (the table is also what a screen reader reads).
//! Parameters: `poziom` (`wojewodztwa`, default, or `powiaty`), `q`, `sektor`.

use super::{esc, given, text};
use crate::maps::Boundaries;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::OnceLock;

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    pub poziom: Option<String>,
    pub q: Option<String>,
    pub sektor: Option<String>,
}

impl Params {
    pub fn from_query(raw: &str) -> Result<Params, String> {
        super::query_params(raw)
    }

    pub fn level(&self) -> Result<Boundaries, String> {
        match self.poziom.as_deref().map(str::trim) {
            None | Some("") | Some("wojewodztwa") => Ok(Boundaries::Voivodeships),
            Some("powiaty") => Ok(Boundaries::Powiaty),
            Some(other) => Err(format!(
                "poziom „{other}”: mapa jest dla województw (wojewodztwa) i powiatów (powiaty)"
            )),
        }
    }
}

/// The figures' read.
pub const QUERY: &str = "query Mapa($level: LocalGovernmentLevel!, $filter: CooperativeFilter) { \
  mapFigures(level: $level, filter: $filter) { teryt cooperatives population populationYear \
    cooperativesPer100k unit { name } } \
  sectors(first: 100) { nodes { slug name } } }";

pub fn variables(p: &Params, level: Boundaries) -> Map<String, Value> {
    let mut filter = Map::new();
    if let Some(q) = given(&p.q) {
        filter.insert("text".into(), json!(q));
    }
    if let Some(s) = given(&p.sektor) {
        filter.insert("sector".into(), json!(s));
    }
    let mut v = Map::new();
    v.insert(
        "level".into(),
        json!(match level {
            Boundaries::Voivodeships => "VOIVODESHIP",
            Boundaries::Powiaty => "POWIAT",
        }),
    );
    v.insert("filter".into(), Value::Object(filter));
    v
}

/// Five classes, light to dark (ColorBrewer's sequential "Blues"), and the
/// colour of a unit whose population is not known.
pub const CLASSES: [&str; 5] = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
pub const NO_FIGURE: &str = "#d9d9d9";

/// The class limits (upper bounds of the first four classes): units with no
/// cooperative are the lightest class of their own, the others are split at the
/// quartiles of their values (so each darker colour covers about a quarter of
/// the units that have any).
pub fn breaks(values: &[f64]) -> [f64; 4] {
    let mut v: Vec<f64> = values
        .iter()
        .copied()
        .filter(|x| x.is_finite() && *x > 0.0)
        .collect();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return [0.0; 4];
    }
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    [0.0, at(0.25), at(0.5), at(0.75)]
}

/// The colour of `value` for `breaks`.
pub fn colour(value: Option<f64>, breaks: &[f64; 4]) -> &'static str {
    match value {
        None => NO_FIGURE,
        Some(x) => CLASSES[breaks.iter().take_while(|b| x > **b).count()],
    }
}

/// The SVG outline of every unit of a level, projected once: (teryt, path).
/// An equirectangular projection scaled by cos 52° (Poland's middle latitude),
/// which keeps shapes recognisable at this size; 1 unit = 1/100 degree of
/// longitude.
fn outlines(level: Boundaries) -> &'static (String, Vec<(String, String)>) {
    static VOIVODESHIPS: OnceLock<(String, Vec<(String, String)>)> = OnceLock::new();
    static POWIATY: OnceLock<(String, Vec<(String, String)>)> = OnceLock::new();
    let cell = match level {
        Boundaries::Voivodeships => &VOIVODESHIPS,
        Boundaries::Powiaty => &POWIATY,
    };
    cell.get_or_init(|| project(level.file()))
}

fn project(geojson: &str) -> (String, Vec<(String, String)>) {
    let map: Value = serde_json::from_str(geojson).unwrap_or_default();
    let kx = 100.0 * 52f64.to_radians().cos();
    let (lon0, lat0) = (14.0, 55.0);
    let (mut max_x, mut max_y) = (0f64, 0f64);
    let mut out = Vec::new();
    for f in map["features"].as_array().into_iter().flatten() {
        let code = text(&f["properties"], "teryt").to_owned();
        let polygons: Vec<&Value> = match text(&f["geometry"], "type") {
            "Polygon" => vec![&f["geometry"]["coordinates"]],
            "MultiPolygon" => f["geometry"]["coordinates"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut d = String::new();
        for ring in polygons.iter().filter_map(|p| p.as_array()).flatten() {
            let mut first = true;
            for pt in ring.as_array().into_iter().flatten() {
                let (Some(lon), Some(lat)) = (pt[0].as_f64(), pt[1].as_f64()) else {
                    continue;
                };
                let (x, y) = ((lon - lon0) * kx, (lat0 - lat) * 100.0);
                max_x = max_x.max(x);
                max_y = max_y.max(y);
                let _ = write!(d, "{}{:.1} {:.1}", if first { 'M' } else { 'L' }, x, y);
                first = false;
            }
            d.push('Z');
        }
        out.push((code, d));
    }
    (format!("0 0 {:.0} {:.0}", max_x.ceil(), max_y.ceil()), out)
}

fn level_name(level: Boundaries) -> (&'static str, &'static str) {
    match level {
        Boundaries::Voivodeships => ("wojewodztwa", "województwa"),
        Boundaries::Powiaty => ("powiaty", "powiaty"),
    }
}

/// The page; `answer` is the figures' read.
pub fn render(p: &Params, level: Boundaries, answer: &Value) -> String {
    let figures: Vec<&Value> = answer["data"]["mapFigures"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let by_code: HashMap<&str, &Value> = figures.iter().map(|f| (text(f, "teryt"), *f)).collect();
    let values: Vec<f64> = figures
        .iter()
        .filter_map(|f| f["cooperativesPer100k"].as_f64())
        .collect();
    let limits = breaks(&values);
    let year = figures
        .iter()
        .find_map(|f| f["populationYear"].as_i64())
        .map(|y| y.to_string())
        .unwrap_or_else(|| "—".into());

    let mut m = String::from("<h1>Spółdzielnie socjalne na mapie Polski</h1>\n");
    // The form: level, words, sector.
    let chosen = given(&p.sektor).unwrap_or_default();
    let mut options = String::from("<option value=\"\">wszystkie</option>");
    for s in super::nodes(&answer["data"], "sectors") {
        let slug = text(s, "slug");
        let _ = write!(
            options,
            "<option value=\"{}\"{}>{}</option>",
            esc(slug),
            if slug == chosen { " selected" } else { "" },
            esc(text(s, "name"))
        );
    }
    let (code_name, _) = level_name(level);
    let _ = write!(
        m,
        "<form class=\"search\" method=\"get\" action=\"/mapa\">\n\
         <label for=\"poziom\">Podział<select id=\"poziom\" name=\"poziom\">\
         <option value=\"wojewodztwa\"{}>województwa</option>\
         <option value=\"powiaty\"{}>powiaty</option></select></label>\n\
         <label for=\"q\">Czego szukasz<input id=\"q\" name=\"q\" type=\"search\" value=\"{}\"></label>\n\
         <label for=\"sektor\">Branża<select id=\"sektor\" name=\"sektor\">{options}</select></label>\n\
         <button type=\"submit\">Pokaż</button>\n</form>\n",
        if code_name == "wojewodztwa" { " selected" } else { "" },
        if code_name == "powiaty" { " selected" } else { "" },
        esc(given(&p.q).unwrap_or_default()),
    );
    let total: i64 = figures
        .iter()
        .filter_map(|f| f["cooperatives"].as_i64())
        .sum();
    let _ = writeln!(
        m,
        "<p class=\"summary\">Spółdzielnie na 100 tys. mieszkańców (ludność z {year} r., GUS); \
         razem <strong id=\"total\">{total}</strong>. Kliknij jednostkę, aby zobaczyć jej stronę.</p>"
    );
    // The map.
    let (view_box, shapes) = outlines(level);
    let _ = writeln!(
        m,
        "<figure class=\"map\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{view_box}\" \
         role=\"group\" aria-labelledby=\"map-title\" class=\"choropleth\">\
         <title id=\"map-title\">Mapa: spółdzielnie socjalne na 100 tys. mieszkańców, {}</title>",
        level_name(level).1
    );
    for (code, d) in shapes {
        let f = by_code.get(code.as_str());
        let name = f.map(|f| text(&f["unit"], "name")).unwrap_or(code);
        let count = f.and_then(|f| f["cooperatives"].as_i64()).unwrap_or(0);
        let per = f.and_then(|f| f["cooperativesPer100k"].as_f64());
        let label = match per {
            Some(x) => format!("{name}: {count} spółdzielni, {x:.1} na 100 tys."),
            None => format!("{name}: {count} spółdzielni, ludność nieznana"),
        };
        let _ = writeln!(
            m,
            "<a href=\"/samorzady/{code}\"><path class=\"unit\" data-teryt=\"{code}\" data-value=\"{}\" \
             fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"{}\" d=\"{d}\"><title>{}</title></path></a>",
            per.map(|x| format!("{x:.3}")).unwrap_or_default(),
            colour(per, &limits),
            if level == Boundaries::Powiaty { "0.6" } else { "1.5" },
            esc(&label)
        );
    }
    m.push_str("</svg>\n<figcaption>");
    // The legend: a swatch (an SVG square: the CSP allows no inline style) per class.
    m.push_str("<ul class=\"legend\" aria-label=\"Legenda\">");
    let mut lower = 0.0;
    for (i, c) in CLASSES.iter().enumerate() {
        let range = match limits.get(i) {
            Some(_) if i == 0 => "0".to_owned(),
            Some(upper) => format!("{lower:.1}–{upper:.1}"),
            None => format!("ponad {lower:.1}"),
        };
        let _ = write!(
            m,
            "<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect width=\"14\" height=\"14\" fill=\"{c}\" stroke=\"#767676\"/></svg> {range}</li>"
        );
        lower = limits.get(i).copied().unwrap_or(lower);
    }
    let _ = write!(
        m,
        "<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect width=\"14\" height=\"14\" fill=\"{NO_FIGURE}\" stroke=\"#767676\"/></svg> ludność nieznana</li></ul>"
    );
    let _ = writeln!(m, "{}.</figcaption></figure>", esc(level.licence()));
    // The same figures as a table, most per 100,000 first.
    let mut rows: Vec<&&Value> = figures.iter().collect();
    rows.sort_by(|a, b| {
        b["cooperativesPer100k"]
            .as_f64()
            .unwrap_or(-1.0)
            .total_cmp(&a["cooperativesPer100k"].as_f64().unwrap_or(-1.0))
    });
    m.push_str(
        "<h2>Dane mapy</h2>\n<table class=\"figures\"><thead><tr><th scope=\"col\">Jednostka</th>\
         <th scope=\"col\">Spółdzielnie</th><th scope=\"col\">Ludność</th>\
         <th scope=\"col\">Na 100 tys.</th></tr></thead><tbody>\n",
    );
    for f in rows {
        let code = text(f, "teryt");
        let _ = writeln!(
            m,
            "<tr><td><a href=\"/samorzady/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(code),
            esc(text(&f["unit"], "name")),
            f["cooperatives"].as_i64().unwrap_or(0),
            f["population"]
                .as_i64()
                .map(|p| p.to_string())
                .unwrap_or_else(|| "—".into()),
            f["cooperativesPer100k"]
                .as_f64()
                .map(|x| format!("{x:.1}"))
                .unwrap_or_else(|| "—".into()),
        );
    }
    m.push_str("</tbody></table>\n");
    super::page("Mapa spółdzielni", &m, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_its_own_class_the_rest_split_at_quartiles_and_unknowns_are_grey() {
        let mut values: Vec<f64> = vec![0.0; 50];
        values.extend((1..=9).map(f64::from));
        let b = breaks(&values);
        assert_eq!(b, [0.0, 3.0, 5.0, 7.0]);
        assert_eq!(colour(Some(0.0), &b), CLASSES[0]);
        assert_eq!(colour(Some(0.5), &b), CLASSES[1]);
        assert_eq!(colour(Some(3.0), &b), CLASSES[1]);
        assert_eq!(colour(Some(3.5), &b), CLASSES[2]);
        assert_eq!(colour(Some(9.0), &b), CLASSES[4]);
        assert_eq!(colour(None, &b), NO_FIGURE);
    }

    #[test]
    fn every_unit_of_both_levels_has_an_outline() {
        for (level, n) in [(Boundaries::Voivodeships, 16), (Boundaries::Powiaty, 380)] {
            let (view_box, shapes) = outlines(level);
            assert_eq!(shapes.len(), n);
            assert!(shapes
                .iter()
                .all(|(code, d)| code.len() == level.code_length() && d.starts_with('M')));
            assert!(view_box.starts_with("0 0 "), "{view_box}");
        }
    }
}
