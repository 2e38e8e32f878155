//! Forum posts: CommonMark to HTML that is safe to insert into a page.
//!
//! Sanitised by construction rather than by filtering HTML afterwards: raw HTML
//! in the source (blocks and inline) becomes escaped text, and links or images
//! whose destination is not `http:`, `https:`, `mailto:` or relative lose their
//! destination. pulldown-cmark escapes every text and attribute it writes.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

/// A destination a browser may follow without running anything.
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        // A colon before any '/', '?' or '#' names a scheme.
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

fn defuse(url: CowStr<'_>) -> CowStr<'_> {
    if safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// Renders a post's Markdown to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let opts = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let events = Parser::new_ext(markdown, opts).map(|e| match e {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: defuse(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: defuse(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn formats_markdown() {
        assert_eq!(
            render("**Smacznie** i z _zyskiem_"),
            "<p><strong>Smacznie</strong> i z <em>zyskiem</em></p>\n"
        );
    }

    #[test]
    fn raw_html_is_escaped_not_passed_through() {
        let html = render("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn script_links_lose_their_destination() {
        for src in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x]( data:text/html,hi)",
            "![x](vbscript:msgbox)",
        ] {
            let html = render(src);
            assert!(
                !html.to_ascii_lowercase().contains("script:"),
                "{src} → {html}"
            );
            assert!(!html.contains("data:"), "{src} → {html}");
        }
        assert!(render("[a](https://ozrss.pl/x?y=1)").contains("href=\"https://ozrss.pl/x?y=1\""));
        assert!(render("[a](/graphql)").contains("href=\"/graphql\""));
    }
}
