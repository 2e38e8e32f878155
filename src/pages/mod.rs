//! Pages people open in a browser (docs/pages.md): the directory (`/katalog`), a
//! cooperative's profile (`/spoldzielnie/<id>`), a local government's page
//! (`/samorzady/<TERYT>`) and its widget (`/widzet/gmina/<TERYT>`), the map
//! (`/mapa`), the network (`/siec`), the live forum (`/forum`) and GraphiQL
//! (`/`), in Polish.
//! Server-rendered HTML from the answers of GraphQL reads (the http layer runs
//! them as an anonymous client would, through the same guard, budget and
//! visibility policy), so a page shows nothing the API would not, and works
//! without JavaScript. Every asset a page needs is built into the binary
//! (`assets`); pages are served with a Content-Security-Policy that lets them
//! load nothing from another host.

pub mod assets;
pub mod directory;
pub mod forum;
pub mod local_government;
pub mod map;
pub mod network;
pub mod profile;

use serde_json::Value;

/// Text for HTML (element content and quoted attribute values).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// A page's parameters from its query string.
pub fn query_params<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, String> {
    serde_urlencoded::from_str(raw).map_err(|e| format!("parametry adresu: {e}"))
}

/// A form field's value, unless it was left empty.
pub fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A query-string value, percent-encoded.
pub fn url_param(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|p| p.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// A string field of a JSON answer, or "".
pub fn text<'a>(v: &'a Value, field: &str) -> &'a str {
    v.get(field).and_then(Value::as_str).unwrap_or_default()
}

/// The nodes of a connection field (`{edges: [{node}]}` or `{nodes: []}`).
pub fn nodes<'a>(v: &'a Value, field: &str) -> Vec<&'a Value> {
    let c = &v[field];
    match c["nodes"].as_array() {
        Some(n) => n.iter().collect(),
        None => c["edges"]
            .as_array()
            .map(|e| e.iter().map(|e| &e["node"]).collect())
            .unwrap_or_default(),
    }
}

/// The Content-Security-Policy of every page: nothing from another host, no
/// inline script, no framing. Images and fonts may be `data:` URIs (GraphiQL's
/// stylesheet embeds its fonts and icons so).
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// The policy of the widget, which `frame_ancestors` (the sites allowed to
/// show it in a frame, or `'none'`) may frame.
pub fn widget_csp(frame_ancestors: &str) -> String {
    CSP.replace(
        "frame-ancestors 'none'",
        &format!("frame-ancestors {frame_ancestors}"),
    )
}

/// A whole page: `title`, the main content, and for the profile its JSON-LD
/// (a data block, never run as script).
pub fn page(title: &str, main: &str, json_ld: Option<&str>) -> String {
    let ld = json_ld
        .map(|j| {
            // `</` inside the block would end it: JSON allows `<\/`.
            format!(
                "<script type=\"application/ld+json\">{}</script>\n",
                j.replace("</", "<\\/")
            )
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"pl\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} – coophub</title>\n\
         <link rel=\"icon\" href=\"data:,\">\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n{ld}</head>\n<body>\n\
         <a class=\"skip\" href=\"#tresc\">Przejdź do treści</a>\n\
         <header><nav aria-label=\"Główne\"><a class=\"brand\" href=\"/katalog\">coophub</a> \
         <a href=\"/katalog\">Katalog spółdzielni</a> <a href=\"/mapa\">Mapa</a> <a href=\"/siec\">Sieć</a> <a href=\"/forum\">Forum</a> <a href=\"/\" lang=\"en\">GraphiQL (API)</a></nav></header>\n\
         <main id=\"tresc\">\n{main}\n</main>\n\
         <footer><p>coophub: otwarte dane o spółdzielniach socjalnych, \
         licencja <a href=\"https://creativecommons.org/licenses/by/4.0/deed.pl\">CC BY 4.0</a>. \
         Rekordy przykładowe (wygenerowane, nie prawdziwe spółdzielnie) są tak oznaczone.</p></footer>\n\
         </body>\n</html>\n",
        title = esc(title),
        css = assets::COOPHUB_CSS,
    )
}

/// A page that says what went wrong (an unknown id, a bad parameter, a budget
/// spent), in the page's own words and the API's message.
pub fn error_page(heading: &str, message: &str) -> String {
    page(
        heading,
        &format!(
            "<h1>{}</h1>\n<p role=\"alert\">{}</p>\n<p><a href=\"/katalog\">Wróć do katalogu</a></p>",
            esc(heading),
            esc(message)
        ),
        None,
    )
}

/// Polish names of the cooperative statuses and founder kinds the pages show.
pub fn status_pl(s: &str) -> &'static str {
    match s {
        "ACTIVE" => "działająca",
        "IN_LIQUIDATION" => "w likwidacji",
        "SUSPENDED" => "zawieszona",
        "BANKRUPT" => "w upadłości",
        _ => "status nieznany",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_encodes_parameters() {
        assert_eq!(
            super::esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(super::url_param("Nowy Targ & ł"), "Nowy+Targ+%26+%C5%82");
    }
}
