//! `/forum`: the threads of the forum, and `/forum/watki/<id>`: a thread with
//! its posts, which then arrive live over `/graphql/ws` (graphql-transport-ws,
//! `postAdded`; `assets/forum-live.js`) as they are written. The consent rules
//! are the API's: a participant without a public profile is shown as the API
//! names them ("Anonymous participant"), never by name; hidden posts never
//! arrive. Without JavaScript the page shows the posts as they were when it
//! was loaded.

use super::{esc, nodes, text};
use serde_json::{json, Map, Value};
use std::fmt::Write;

pub const THREADS_QUERY: &str = "{ threads(first: 50) { totalCount nodes { id title postCount \
  lastActivityAt authorName pinned locked } } }";

pub const THREAD_QUERY: &str = "query Watek($id: ID!) { thread(id: $id) { id title authorName \
  createdAt locked postCount posts(first: 100) { nodes { id authorName bodyHtml createdAt \
  hidden deleted } } } }";

pub fn variables(id: &str) -> Map<String, Value> {
    let mut v = Map::new();
    v.insert("id".into(), json!(id));
    v
}

/// How the API names a participant without a public profile, and how the
/// page says it.
fn author(name: &str) -> String {
    if name == "Anonymous participant" {
        "Uczestnik anonimowy".to_owned()
    } else {
        esc(name)
    }
}

/// A time as the page shows it: the date and minute, UTC as the API gives it.
fn when(t: &str) -> String {
    esc(&t.replace('T', " ").chars().take(16).collect::<String>())
}

pub fn threads(answer: &Value) -> String {
    let mut m = String::from("<h1>Forum</h1>\n<ol class=\"results\">\n");
    for t in nodes(&answer["data"], "threads") {
        let _ = writeln!(
            m,
            "<li><a class=\"name\" href=\"/forum/watki/{}\">{}</a>\
             <div class=\"meta\">{} · posty: {} · ostatnio {}</div></li>",
            esc(text(t, "id")),
            esc(text(t, "title")),
            author(text(t, "authorName")),
            t["postCount"].as_i64().unwrap_or(0),
            when(text(t, "lastActivityAt")),
        );
    }
    m.push_str("</ol>\n");
    super::page("Forum", &m, None)
}

/// The thread `t` (the answer's `thread`), ready for live posts.
pub fn thread(t: &Value) -> String {
    let mut m = format!(
        "<h1>{}</h1>\n<p class=\"meta\">Założył(a): {} · {}</p>\n\
         <p class=\"live\" id=\"live-status\" role=\"status\" aria-live=\"polite\">\
         Nowe posty pojawią się tu same (potrzebny JavaScript).</p>\n\
         <ol class=\"posts\" id=\"posts\" data-thread=\"{}\" aria-live=\"polite\">\n",
        esc(text(t, "title")),
        author(text(t, "authorName")),
        when(text(t, "createdAt")),
        esc(text(t, "id")),
    );
    for p in nodes(t, "posts") {
        if p["hidden"].as_bool() == Some(true) {
            continue;
        }
        // bodyHtml is the API's rendering of the post's Markdown, with any raw
        // HTML escaped (crate::markdown): safe to place as it is.
        let body = match p["bodyHtml"].as_str() {
            Some(html) if p["deleted"].as_bool() != Some(true) => html.to_owned(),
            _ => "<p><em>Post usunięty.</em></p>".to_owned(),
        };
        let _ = writeln!(
            m,
            "<li class=\"post\" id=\"post-{id}\" data-id=\"{id}\"><div class=\"meta\">{} · {}</div>{body}</li>",
            author(text(p, "authorName")),
            when(text(p, "createdAt")),
            id = esc(text(p, "id")),
        );
    }
    m.push_str("</ol>\n");
    m.push_str(&format!(
        "<script src=\"{}\"></script>\n",
        super::assets::FORUM_LIVE
    ));
    super::page(text(t, "title"), &m, None)
}
