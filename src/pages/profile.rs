//! `/spoldzielnie/<id>`: a cooperative's profile for people. `<id>` is its
//! global id or its KRS number. Contacts, seat, industries and sectors,
//! offerings with the areas they serve, founders, purchases by local
//! governments; a sample record says so at the top; the page carries the
//! schema.org JSON-LD of the cooperative and links its Murmurations profile.

use super::{esc, nodes, status_pl, text};
use serde_json::{json, Map, Value};

/// The profile's read.
pub const QUERY: &str = "query Profil($id: ID, $krs: String) { \
  cooperative(id: $id, krs: $krs) { id name krs nip regon status isSample registrationDate \
    description website phone publicEmail memberCount employeeCount updatedAt \
    address { street postalCode city } \
    seat { name teryt parent { name parent { name } } } \
    industries(first: 30) { nodes { code name } } \
    sectors(first: 10) { nodes { name slug } } \
    offerings(first: 50) { nodes { name kind description priceNote radiusKm \
      industry { code name } areaServed(first: 30) { totalCount nodes { name teryt } } } } \
    founders(first: 30) { nodes { name kind localGovernment { name teryt } } } \
    procurementExamples(first: 50) { totalCount nodes { subject year valuePln buyer { name teryt } } } } }";

/// The variables of `QUERY` for the path's `<id>`: digits are a KRS number.
pub fn variables(key: &str) -> Map<String, Value> {
    let mut v = Map::new();
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
        v.insert("krs".into(), json!(key));
    } else {
        v.insert("id".into(), json!(key));
    }
    v
}

fn offering_kind_pl(k: &str) -> &'static str {
    match k {
        "PRODUCT" => "produkt",
        "SERVICE" => "usługa",
        _ => "oferta",
    }
}

/// The page of `c` (the answer's `cooperative`), with its JSON-LD and the
/// address of its Murmurations profile (real cooperatives only).
pub fn render(c: &Value, json_ld: Option<&str>, murmurations: Option<&str>) -> String {
    let name = text(c, "name");
    let mut m = format!("<h1>{}</h1>\n", esc(name));
    if c["isSample"].as_bool() == Some(true) {
        m.push_str(
            "<p class=\"notice\" id=\"sample\"><span class=\"sample\">dane przykładowe</span> \
             Ta spółdzielnia jest rekordem przykładowym, wygenerowanym przez coophub: \
             nie istnieje naprawdę.</p>\n",
        );
    }
    if let Some(d) = c["description"].as_str() {
        m.push_str(&format!("<p>{}</p>\n", esc(d)));
    }
    let seat = &c["seat"];
    let mut chain = vec![text(seat, "name")];
    let mut up = &seat["parent"];
    while let Some(n) = up["name"].as_str() {
        chain.push(n);
        up = &up["parent"];
    }
    let addr = &c["address"];
    let address = [
        text(addr, "street"),
        text(addr, "postalCode"),
        text(addr, "city"),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let mut facts: Vec<(&str, String)> = vec![
        ("Status", esc(status_pl(text(c, "status")))),
        ("Siedziba", esc(&chain.join(", "))),
    ];
    if !address.is_empty() {
        facts.push(("Adres", esc(&address)));
    }
    for (label, field) in [
        ("KRS", "krs"),
        ("NIP", "nip"),
        ("REGON", "regon"),
        ("Data rejestracji", "registrationDate"),
        ("Telefon", "phone"),
    ] {
        if let Some(v) = c[field].as_str() {
            facts.push((label, esc(v)));
        }
    }
    if let Some(e) = c["publicEmail"].as_str() {
        facts.push(("E-mail", format!("<a href=\"mailto:{0}\">{0}</a>", esc(e))));
    }
    if let Some(w) = c["website"].as_str() {
        facts.push((
            "Strona",
            format!("<a href=\"{0}\" rel=\"nofollow\">{0}</a>", esc(w)),
        ));
    }
    for (label, field) in [
        ("Członkowie", "memberCount"),
        ("Pracownicy", "employeeCount"),
    ] {
        if let Some(n) = c[field].as_i64() {
            facts.push((label, n.to_string()));
        }
    }
    m.push_str("<h2>Kontakt i dane</h2>\n<dl class=\"facts\">\n");
    for (k, v) in facts {
        m.push_str(&format!("<dt>{k}</dt><dd>{v}</dd>\n"));
    }
    m.push_str("</dl>\n");

    let sectors: Vec<String> = nodes(c, "sectors")
        .iter()
        .map(|s| {
            format!(
                "<a href=\"/katalog?sektor={}\">{}</a>",
                esc(&super::url_param(text(s, "slug"))),
                esc(text(s, "name"))
            )
        })
        .collect();
    let industries: Vec<String> = nodes(c, "industries")
        .iter()
        .map(|i| format!("{} {}", esc(text(i, "code")), esc(text(i, "name"))))
        .collect();
    if !sectors.is_empty() || !industries.is_empty() {
        m.push_str("<h2>Branże</h2>\n");
        if !sectors.is_empty() {
            m.push_str(&format!("<p>{}</p>\n", sectors.join(", ")));
        }
        if !industries.is_empty() {
            m.push_str(&format!(
                "<ul>{}</ul>\n",
                industries
                    .iter()
                    .map(|i| format!("<li>PKD {i}</li>"))
                    .collect::<String>()
            ));
        }
    }

    let offerings = nodes(c, "offerings");
    m.push_str("<h2 id=\"oferta\">Oferta</h2>\n");
    if offerings.is_empty() {
        m.push_str("<p>Spółdzielnia nie opisała jeszcze swojej oferty.</p>\n");
    } else {
        m.push_str("<ul class=\"offerings\">\n");
        for o in offerings {
            let areas: Vec<String> = nodes(o, "areaServed")
                .iter()
                .map(|a| esc(text(a, "name")))
                .collect();
            let mut served = Vec::new();
            if let Some(r) = o["radiusKm"].as_f64() {
                served.push(format!("w promieniu {r} km"));
            }
            if !areas.is_empty() {
                served.push(areas.join(", "));
            }
            m.push_str(&format!(
                "<li class=\"offering\"><strong>{}</strong> ({}){}{}{}</li>\n",
                esc(text(o, "name")),
                offering_kind_pl(text(o, "kind")),
                o["description"]
                    .as_str()
                    .map(|d| format!(" – {}", esc(d)))
                    .unwrap_or_default(),
                o["priceNote"]
                    .as_str()
                    .map(|d| format!("<div class=\"meta\">Cena: {}</div>", esc(d)))
                    .unwrap_or_default(),
                if served.is_empty() {
                    String::new()
                } else {
                    format!("<div class=\"meta\">Obszar: {}</div>", served.join("; "))
                },
            ));
        }
        m.push_str("</ul>\n");
    }

    let purchases = nodes(c, "procurementExamples");
    m.push_str("<h2 id=\"zakupy\">Zakupy samorządów</h2>\n");
    if purchases.is_empty() {
        m.push_str("<p>Brak zweryfikowanych zakupów samorządów od tej spółdzielni.</p>\n");
    } else {
        m.push_str(
            "<table class=\"purchases\"><caption class=\"meta\">Zweryfikowane zamówienia samorządów u tej spółdzielni</caption>\n\
             <thead><tr><th scope=\"col\">Zamawiający</th><th scope=\"col\">Przedmiot</th><th scope=\"col\">Rok</th><th scope=\"col\">Wartość (zł)</th></tr></thead><tbody>\n",
        );
        for p in purchases {
            m.push_str(&format!(
                "<tr><td class=\"buyer\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                esc(text(&p["buyer"], "name")),
                esc(text(p, "subject")),
                p["year"]
                    .as_i64()
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
                esc(p["valuePln"].as_str().unwrap_or("–")),
            ));
        }
        m.push_str("</tbody></table>\n");
    }

    let founders = nodes(c, "founders");
    if !founders.is_empty() {
        m.push_str("<h2>Założyciele</h2>\n<ul>\n");
        for f in founders {
            m.push_str(&format!("<li>{}</li>\n", esc(text(f, "name"))));
        }
        m.push_str("</ul>\n");
    }
    m.push_str("<h2>Dane otwarte</h2>\n<ul>\n");
    m.push_str(&format!(
        "<li><a href=\"/siec?od={}\">Sieć powiązań</a></li>\n",
        esc(&super::url_param(text(c, "id")))
    ));
    m.push_str(&format!(
        "<li><a href=\"/cooperatives/{}.jsonld\">schema.org JSON-LD</a></li>\n",
        esc(text(c, "id"))
    ));
    if let Some(u) = murmurations {
        m.push_str(&format!(
            "<li><a href=\"{}\">Profil Murmurations</a></li>\n",
            esc(u)
        ));
    }
    m.push_str("</ul>\n");
    super::page(name, &m, json_ld)
}
