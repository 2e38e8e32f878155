//! Forum posts: CommonMark to HTML that is safe to insert into a page.
//!
//! Sanitised by construction rather than by filtering HTML afterwards: raw HTML
//! in the source (blocks and inline) becomes escaped text, and links or images
//! whose destination is not `http:`, `https:`, `mailto:` or relative lose their
//! destination. pulldown-cmark escapes every text and attribute it writes.
//! Images are not embedded (a reader's browser would fetch them from their host):
//! they become links. Links carry `rel="nofollow ugc noopener"`.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

fn defuse(url: CowStr<'_>) -> CowStr<'_> {
    if crate::validate::safe_url(&url) {
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
        // An image would be loaded from its host by every reader (their addresses go
        // there): it becomes a link to the image, its description the link's text.
        Event::Start(Tag::Image {
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
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    // Links are the writers' own: no ranking credit, no window handle for the target.
    // Every `<` of the source is escaped, so each `<a href="` here is the renderer's.
    out.replace("<a href=\"", "<a rel=\"nofollow ugc noopener\" href=\"")
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

    #[test]
    fn images_become_links_and_links_are_marked_as_the_writers() {
        let html = render("![logo](https://tracker.example/p.png) [site](https://coop.example)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains(
                r#"<a rel="nofollow ugc noopener" href="https://tracker.example/p.png">logo</a>"#
            ),
            "{html}"
        );
        assert!(
            html.contains(r#"<a rel="nofollow ugc noopener" href="https://coop.example">site</a>"#),
            "{html}"
        );
        // Text that looks like a tag stays text.
        assert!(render("<a href=\"x\">").contains("&lt;a href="));
    }
}
