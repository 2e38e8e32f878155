//! Every file a page loads, built into the binary (`include_bytes!` of
//! `assets/`): coophub's own stylesheet and scripts, and the vendored libraries
//! at fixed versions (`assets/vendor/README.md` lists them with their origins
//! and licences). Paths carry the version, so answers may be cached for a year.
//! Building needs no Node: the vendored files are the published builds.

/// coophub's stylesheet.
pub const COOPHUB_CSS: &str = "/assets/coophub-1.css";
/// GraphiQL's start-up script (no inline script under the pages' CSP).
pub const GRAPHIQL_START: &str = "/assets/graphiql-start-1.js";
/// The live forum thread's script.
pub const FORUM_LIVE: &str = "/assets/forum-live-1.js";
pub const GRAPHIQL_JS: &str = "/assets/vendor/graphiql-4.1.2/graphiql.min.js";
pub const GRAPHIQL_CSS: &str = "/assets/vendor/graphiql-4.1.2/graphiql.min.css";
pub const REACT_JS: &str = "/assets/vendor/react-18.3.1/react.production.min.js";
pub const REACT_DOM_JS: &str = "/assets/vendor/react-dom-18.3.1/react-dom.production.min.js";

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// (path, content type, bytes) of every asset.
const ALL: &[(&str, &str, &[u8])] = &[
    (COOPHUB_CSS, CSS, include_bytes!("../../assets/coophub.css")),
    (
        GRAPHIQL_START,
        JS,
        include_bytes!("../../assets/graphiql-start.js"),
    ),
    (FORUM_LIVE, JS, include_bytes!("../../assets/forum-live.js")),
    (
        GRAPHIQL_JS,
        JS,
        include_bytes!("../../assets/vendor/graphiql-4.1.2/graphiql.min.js"),
    ),
    (
        GRAPHIQL_CSS,
        CSS,
        include_bytes!("../../assets/vendor/graphiql-4.1.2/graphiql.min.css"),
    ),
    (
        REACT_JS,
        JS,
        include_bytes!("../../assets/vendor/react-18.3.1/react.production.min.js"),
    ),
    (
        REACT_DOM_JS,
        JS,
        include_bytes!("../../assets/vendor/react-dom-18.3.1/react-dom.production.min.js"),
    ),
];

/// The asset at `path` (as requested, `/assets/…`): its content type and bytes.
pub fn get(path: &str) -> Option<(&'static str, &'static [u8])> {
    ALL.iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, t, b)| (*t, *b))
}

/// GraphiQL, on coophub's own copies of its files: the endpoint `/graphql`,
/// subscriptions over `/graphql/ws` (set by `graphiql-start.js`).
pub fn graphiql_page() -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <link rel=\"icon\" href=\"data:,\">\n\
         <title>coophub GraphiQL</title>\n\
         <link rel=\"stylesheet\" href=\"{GRAPHIQL_CSS}\">\n\
         <link rel=\"stylesheet\" href=\"{COOPHUB_CSS}\">\n\
         </head>\n<body class=\"graphiql\">\n\
         <div id=\"graphiql\">Loading GraphiQL… (it needs JavaScript; the directory does not: \
         <a href=\"/katalog\">/katalog</a>)</div>\n\
         <script src=\"{REACT_JS}\"></script>\n\
         <script src=\"{REACT_DOM_JS}\"></script>\n\
         <script src=\"{GRAPHIQL_JS}\"></script>\n\
         <script src=\"{GRAPHIQL_START}\"></script>\n\
         </body>\n</html>\n"
    )
}
