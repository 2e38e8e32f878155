//! The knowledge base: recommendations (the cooperation standards), publications
//! and articles with their mentions, the editorial workflow, and drafts that no
//! path shows to anyone but content staff.

use crate::helpers::{first_error_code, TestApp};
use serde_json::{json, Value};

/// A new member given CONTENT_EDITOR by `admin`, signed in after the grant.
async fn content_editor(app: &TestApp, admin: &str, email: &str) -> String {
    let token = app.member(email).await;
    let me = app
        .query_as(&token, "{ me { user { id } } }", json!({}))
        .await;
    let grant = app
        .query_as(
            admin,
            "mutation($u: ID!) { grantRole(input: {user: $u, role: CONTENT_EDITOR}) { user { displayName } } }",
            json!({ "u": me["data"]["me"]["user"]["id"] }),
        )
        .await;
    assert!(grant.get("errors").is_none(), "{grant}");
    app.login(email, "a long enough password").await
}

/// A sample purchase illustrating S-RESERVED, with its buyer and lead cooperative.
async fn reserved_purchase(app: &TestApp) -> (String, String, String) {
    let d = app
        .data("{ recommendation(code: \"S-RESERVED\") { examples(first: 1) { nodes { id buyer { id } suppliers { nodes { role cooperative { id } } } } } } }")
        .await;
    let p = &nodes(&d["recommendation"]["examples"])[0];
    let lead = nodes(&p["suppliers"])
        .into_iter()
        .find(|s| s["role"] == "LEAD")
        .unwrap_or_else(|| panic!("no lead supplier: {p}"));
    (
        p["id"].as_str().unwrap_or_default().to_owned(),
        p["buyer"]["id"].as_str().unwrap_or_default().to_owned(),
        lead["cooperative"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

/// The items of a connection asked for with `nodes { … }`.
fn nodes(conn: &Value) -> Vec<Value> {
    conn["nodes"].as_array().cloned().unwrap_or_default()
}

fn slugs(conn: &Value) -> Vec<String> {
    nodes(conn)
        .iter()
        .filter_map(|n| n["slug"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_lawyer_finds_the_reserved_contract_standard_its_law_nearby_purchases_and_an_interview() {
    let app = TestApp::spawn().await;
    // Her words, as she would type them.
    let found = app
        .data("{ search(query: \"catering zamówienie zastrzeżone\") { nodes { __typename ... on Recommendation { code } } } }")
        .await;
    let codes: Vec<_> = nodes(&found["search"])
        .iter()
        .filter(|n| n["__typename"] == "Recommendation")
        .map(|n| n["code"].clone())
        .collect();
    assert_eq!(codes.first(), Some(&json!("S-RESERVED")), "{found}");
    // Diacritics and word prefixes as everywhere else.
    let folded = app
        .data("{ search(query: \"zamowien zastrzez\", types: [RECOMMENDATION]) { nodes { ... on Recommendation { code } } } }")
        .await;
    assert_eq!(
        nodes(&folded["search"])[0]["code"],
        "S-RESERVED",
        "{folded}"
    );

    let rec = app
        .data("{ recommendation(code: \"s-reserved\") { title area status origin licence bodyHtml legalBasis { act article fromYear untilYear now: appliesIn(year: 2026) then: appliesIn(year: 2018) } examples(first: 100) { totalCount nodes { id verified procedure buyer { teryt } } } } }")
        .await;
    let r = &rec["recommendation"];
    assert_eq!(r["area"], "RESERVED_CONTRACTS");
    assert_eq!(r["status"], "PUBLISHED");
    assert_eq!(r["licence"], "CC BY 4.0");
    assert!(
        r["origin"].as_str().unwrap_or_default().contains("coophub"),
        "{r}"
    );
    let basis = r["legalBasis"].as_array().cloned().unwrap_or_default();
    let art94 = basis
        .iter()
        .find(|b| {
            b["article"]
                .as_str()
                .unwrap_or_default()
                .starts_with("art. 94")
        })
        .unwrap_or_else(|| panic!("no art. 94: {r}"));
    assert_eq!(
        (art94["now"].clone(), art94["then"].clone()),
        (json!(true), json!(false))
    );
    let art22 = basis
        .iter()
        .find(|b| {
            b["article"]
                .as_str()
                .unwrap_or_default()
                .starts_with("art. 22")
        })
        .unwrap_or_else(|| panic!("no art. 22: {r}"));
    assert_eq!(
        (art22["now"].clone(), art22["then"].clone()),
        (json!(false), json!(true))
    );
    // Its examples are verified reserved purchases.
    let examples = nodes(&r["examples"]);
    assert!(!examples.is_empty(), "{r}");
    for e in &examples {
        assert_eq!(e["verified"], true);
        assert!(
            [
                "RESERVED_CONTRACT_ART_94",
                "RESERVED_CONTRACT_ART_22",
                "SOCIAL_SERVICES_REGIME"
            ]
            .contains(&e["procedure"].as_str().unwrap_or_default()),
            "{e}"
        );
    }
    // Near her: only purchases by units of one voivodeship.
    let voivodeship = examples[0]["buyer"]["teryt"].as_str().unwrap_or_default()[..2].to_owned();
    let near = app
        .query_vars(
            "query($t: String!) { recommendation(code: \"S-RESERVED\") { examples(buyerTeryt: $t, first: 100) { totalCount nodes { buyer { teryt } illustrates { nodes { code } } } } } }",
            json!({ "t": voivodeship }),
        )
        .await;
    let near = nodes(&near["data"]["recommendation"]["examples"]);
    assert!(!near.is_empty());
    assert!(near.len() <= examples.len());
    for e in &near {
        assert!(
            e["buyer"]["teryt"]
                .as_str()
                .unwrap_or_default()
                .starts_with(&voivodeship),
            "{e}"
        );
        assert_eq!(nodes(&e["illustrates"])[0]["code"], "S-RESERVED", "{e}");
    }
    let bad = app
        .query("{ recommendation(code: \"S-RESERVED\") { examples(buyerTeryt: \"1x\") { totalCount } } }")
        .await;
    assert_eq!(first_error_code(&bad), "BAD_USER_INPUT");

    // An interview about one of those purchases, with the cooperative that supplied it.
    let written = app
        .data("{ recommendation(code: \"S-RESERVED\") { mentionedIn { nodes { slug kind isSample mentions { __typename ... on Cooperative { id } ... on ProcurementExample { illustrates { nodes { code } } suppliers { nodes { cooperative { id } } } } } } } } }")
        .await;
    let interview = nodes(&written["recommendation"]["mentionedIn"])
        .into_iter()
        .find(|a| a["kind"] == "INTERVIEW")
        .unwrap_or_else(|| panic!("no interview cites the standard: {written}"));
    assert_eq!(interview["isSample"], true);
    let mentions = interview["mentions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let purchase = mentions
        .iter()
        .find(|m| m["__typename"] == "ProcurementExample")
        .unwrap_or_else(|| panic!("{interview}"));
    assert_eq!(
        nodes(&purchase["illustrates"])[0]["code"],
        "S-RESERVED",
        "{interview}"
    );
    let coop = mentions
        .iter()
        .find(|m| m["__typename"] == "Cooperative")
        .map(|m| m["id"].clone())
        .unwrap_or_else(|| panic!("{interview}"));
    assert!(
        nodes(&purchase["suppliers"])
            .iter()
            .any(|s| s["cooperative"]["id"] == coop),
        "the interview is with a supplier: {interview}"
    );
    // The cooperative's profile lists it.
    let profile = app
        .query_vars(
            "query($id: ID!) { node(id: $id) { ... on Cooperative { mentionedIn { totalCount nodes { slug isSample } } } } }",
            json!({ "id": coop }),
        )
        .await;
    assert!(
        slugs(&profile["data"]["node"]["mentionedIn"])
            .contains(&interview["slug"].as_str().unwrap_or_default().to_owned()),
        "{profile}"
    );
    // And "everything written about this cooperative" is the same list.
    let about = app
        .query_vars(
            "query($id: ID!) { articles(filter: {mentions: $id}) { totalCount nodes { slug } } }",
            json!({ "id": coop }),
        )
        .await;
    assert_eq!(
        about["data"]["articles"]["totalCount"],
        profile["data"]["node"]["mentionedIn"]["totalCount"],
        "{about}"
    );
}

/// What every viewer can see of one article, through every path that shows
/// articles; `None` where a path refuses.
async fn article_paths(
    app: &TestApp,
    token: Option<&str>,
    id: &str,
    slug: &str,
    ctx: &Value,
) -> Vec<(&'static str, Value)> {
    let q = |query: &'static str| async move {
        let vars = json!({ "id": id, "slug": slug, "coop": ctx["coop"], "gmina": ctx["gmina"], "purchase": ctx["purchase"], "publication": ctx["publication"] });
        match token {
            Some(t) => app.query_as(t, query, vars).await,
            None => app.query_vars(query, vars).await,
        }
    };
    let mut out = Vec::new();
    let b = q("query($id: ID!) { node(id: $id) { id } }").await;
    out.push(("node", json!(!b["data"]["node"].is_null())));
    let b = q("query($id: ID!) { nodes(ids: [$id]) { id } }").await;
    out.push(("nodes", json!(!b["data"]["nodes"][0].is_null())));
    let b = q("query($slug: String!) { article(slug: $slug) { id } }").await;
    out.push(("article(slug:)", json!(!b["data"]["article"].is_null())));
    let b = q("{ articles(first: 100) { totalCount nodes { slug } } }").await;
    out.push((
        "articles",
        json!(slugs(&b["data"]["articles"]).contains(&slug.to_owned())),
    ));
    out.push((
        "articles.totalCount",
        b["data"]["articles"]["totalCount"].clone(),
    ));
    let b = q("{ search(query: \"ksylofonowy\") { totalCount } }").await;
    out.push(("search", b["data"]["search"]["totalCount"].clone()));
    let b = q("{ knowledgeFacets(query: \"ksylofonowy\") { articles } all: knowledgeFacets { sectors { count } } }").await;
    out.push((
        "knowledgeFacets",
        b["data"]["knowledgeFacets"]["articles"].clone(),
    ));
    let sectors: u64 = b["data"]["all"]["sectors"]
        .as_array()
        .map_or(0, |s| s.iter().filter_map(|x| x["count"].as_u64()).sum());
    out.push(("knowledgeFacets.sectors", json!(sectors)));
    let b = q("query($coop: ID!) { articles(filter: {mentions: $coop}) { totalCount } }").await;
    out.push((
        "articles(mentions:)",
        b["data"]["articles"]["totalCount"].clone(),
    ));
    for (name, query) in [
        ("Cooperative.mentionedIn", "query($coop: ID!) { node(id: $coop) { ... on Cooperative { mentionedIn { totalCount nodes { slug } } } } }"),
        ("LocalGovernment.mentionedIn", "query($gmina: ID!) { node(id: $gmina) { ... on LocalGovernment { mentionedIn { totalCount nodes { slug } } } } }"),
        ("ProcurementExample.mentionedIn", "query($purchase: ID!) { node(id: $purchase) { ... on ProcurementExample { mentionedIn { totalCount nodes { slug } } } } }"),
        ("Recommendation.mentionedIn", "{ recommendation(code: \"S-RESERVED\") { mentionedIn { totalCount nodes { slug } } } }"),
    ] {
        let b = q(query).await;
        let conn = b["data"]
            .as_object()
            .and_then(|d| d.values().next())
            .map(|n| n["mentionedIn"].clone())
            .unwrap_or_default();
        out.push((name, json!([conn["totalCount"], slugs(&conn).contains(&slug.to_owned())])));
    }
    let b = q("query($publication: ID!) { node(id: $publication) { ... on Publication { articles { totalCount nodes { slug } } } } }").await;
    let conn = &b["data"]["node"]["articles"];
    out.push((
        "Publication.articles",
        json!([conn["totalCount"], slugs(conn).contains(&slug.to_owned())]),
    ));
    let b = q("{ articles(filter: {status: [DRAFT, REVIEW, UNPUBLISHED]}) { totalCount } }").await;
    out.push(("articles(status:)", json!(first_error_code(&b))));
    out
}

#[tokio::test]
async fn a_draft_is_invisible_to_everyone_but_content_staff_through_every_path() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let writer = content_editor(&app, &admin, "redakcja@example.org").await;
    let member = app.member("czytelnik@example.org").await;
    let key = app.cli(&["api-key", "create", "--partner", "Portal"], None);
    let partner = key.lines().last().unwrap_or_default().trim().to_owned();
    let (purchase, gmina, coop) = reserved_purchase(&app).await;
    let publication = app
        .data("{ publications(filter: {kind: [NEWSPAPER]}) { nodes { id } } }")
        .await["publications"]["nodes"][0]["id"]
        .clone();
    let ctx =
        json!({ "coop": coop, "gmina": gmina, "purchase": purchase, "publication": publication });

    // Only content staff write.
    let input = json!({
        "kind": "REPORT", "title": "Ksylofonowy raport o zamówieniach", "slug": "raport-ksylofonowy",
        "lead": "Wstęp.", "bodyMarkdown": "Treść <script>alert(1)</script> **raportu**.",
        "publication": publication, "publishedOn": "2026-11-30", "tags": ["Raport", "raport"],
        "origin": "Tekst testowy.", "contributors": [{"name": "Jan Testowy", "role": "AUTHOR"}],
        "mentions": [coop, gmina, purchase]
    });
    let create = "mutation($a: ArticleInput!) { createArticle(input: $a) { article { id slug status version title tags bodyHtml } } }";
    for who in [&member, &partner] {
        let refused = app.query_as(who, create, json!({ "a": input })).await;
        assert_eq!(first_error_code(&refused), "FORBIDDEN", "{refused}");
    }
    let before = article_paths(&app, None, "QXJ0aWNsZTow", "raport-ksylofonowy", &ctx).await;
    let made = app.query_as(&writer, create, json!({ "a": input })).await;
    let a = made["data"]["createArticle"]["article"].clone();
    assert_eq!(a["status"], "DRAFT", "{made}");
    assert_eq!(a["tags"], json!(["raport"]));
    assert!(
        !a["bodyHtml"]
            .as_str()
            .unwrap_or_default()
            .contains("<script"),
        "{a}"
    );
    let id = a["id"].as_str().unwrap_or_default().to_owned();
    let slug = "raport-ksylofonowy";

    // Nobody else sees it; the content editor and moderators do.
    for (who, token) in [
        ("anonymous", None),
        ("member", Some(member.as_str())),
        ("partner", Some(partner.as_str())),
    ] {
        let now = article_paths(&app, token, &id, slug, &ctx).await;
        for ((path, seen), (_, was)) in now.iter().zip(&before) {
            match *path {
                "node" | "nodes" | "article(slug:)" | "articles" => {
                    assert_eq!(seen, &json!(false), "{who} sees the draft by {path}")
                }
                "articles(status:)" => assert_eq!(seen, &json!("FORBIDDEN"), "{who}: {path}"),
                _ => assert_eq!(seen, was, "{who} sees the draft by {path}"),
            }
        }
    }
    for token in [&writer, &moderator] {
        let staff = article_paths(&app, Some(token), &id, slug, &ctx).await;
        let get = |p: &str| staff.iter().find(|(n, _)| *n == p).map(|(_, v)| v.clone());
        assert_eq!(get("node"), Some(json!(true)));
        assert_eq!(get("article(slug:)"), Some(json!(true)));
        // Lists stay the public lists unless staff ask for other statuses.
        assert_eq!(get("articles"), Some(json!(false)));
        assert_eq!(get("articles(status:)"), Some(json!("")));
    }

    // Versions: a stale one is a conflict and changes nothing.
    let update = "mutation($i: UpdateArticleInput!) { updateArticle(input: $i) { article { version title } } }";
    let mut changed = input.clone();
    changed["title"] = json!("Ksylofonowy raport o zamówieniach, wydanie 2");
    let ok = app
        .query_as(
            &writer,
            update,
            json!({ "i": { "id": id, "version": 1, "article": changed } }),
        )
        .await;
    assert_eq!(ok["data"]["updateArticle"]["article"]["version"], 2, "{ok}");
    let stale = app
        .query_as(
            &writer,
            update,
            json!({ "i": { "id": id, "version": 1, "article": input } }),
        )
        .await;
    assert_eq!(first_error_code(&stale), "CONFLICT", "{stale}");

    // The workflow: the writer asks for review, only a moderator publishes.
    let status = "mutation($i: SetContentStatusInput!) { setContentStatus(input: $i) { article { status version publishedAt } } }";
    let review = app
        .query_as(
            &writer,
            status,
            json!({ "i": { "id": id, "version": 2, "status": "REVIEW" } }),
        )
        .await;
    assert_eq!(
        review["data"]["setContentStatus"]["article"]["status"], "REVIEW",
        "{review}"
    );
    let early = app
        .query_as(
            &writer,
            status,
            json!({ "i": { "id": id, "version": 3, "status": "PUBLISHED" } }),
        )
        .await;
    assert_eq!(first_error_code(&early), "FORBIDDEN", "{early}");
    let published = app
        .query_as(
            &moderator,
            status,
            json!({ "i": { "id": id, "version": 3, "status": "PUBLISHED" } }),
        )
        .await;
    assert_eq!(
        published["data"]["setContentStatus"]["article"]["status"], "PUBLISHED",
        "{published}"
    );

    // Now everyone sees it everywhere, cached answers included.
    for token in [None, Some(member.as_str()), Some(partner.as_str())] {
        let now = article_paths(&app, token, &id, slug, &ctx).await;
        for ((path, seen), (_, was)) in now.iter().zip(&before) {
            match *path {
                "node" | "nodes" | "article(slug:)" | "articles" => {
                    assert_eq!(seen, &json!(true), "{path}")
                }
                "articles(status:)" => assert_eq!(seen, &json!("FORBIDDEN"), "{path}"),
                "knowledgeFacets.sectors" => {
                    assert!(seen.as_u64() > was.as_u64(), "{path}: {seen} after {was}")
                }
                "articles.totalCount" | "search" | "knowledgeFacets" | "articles(mentions:)" => {
                    assert_eq!(seen.as_u64(), was.as_u64().map(|n| n + 1), "{path}")
                }
                "Recommendation.mentionedIn" => assert_eq!(seen, was, "{path}: not mentioned"),
                _ => {
                    assert_eq!(seen[0].as_u64(), was[0].as_u64().map(|n| n + 1), "{path}");
                    assert_eq!(seen[1], true, "{path}");
                }
            }
        }
    }
    // The trail has each step.
    let history = app
        .query_as(
            &moderator,
            "query($id: ID!) { history(id: $id) { nodes { action } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(nodes(&history["data"]["history"]).len(), 4, "{history}");
    let refused = app
        .query_as(
            &member,
            "query($id: ID!) { history(id: $id) { totalCount } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(first_error_code(&refused), "FORBIDDEN", "{refused}");

    // Unpublishing hides it again and keeps it for staff.
    let gone = app
        .query_as(
            &moderator,
            status,
            json!({ "i": { "id": id, "version": 4, "status": "UNPUBLISHED" } }),
        )
        .await;
    assert_eq!(
        gone["data"]["setContentStatus"]["article"]["status"], "UNPUBLISHED",
        "{gone}"
    );
    let after = article_paths(&app, None, &id, slug, &ctx).await;
    for ((path, seen), (_, was)) in after.iter().zip(&before) {
        if !["node", "nodes", "article(slug:)", "articles"].contains(path) {
            assert_eq!(seen, was, "{path} after unpublishing");
        } else {
            assert_eq!(seen, &json!(false), "{path} after unpublishing");
        }
    }
    let kept = app
        .query_as(
            &moderator,
            "query($s: String!) { article(slug: $s) { status title } }",
            json!({ "s": slug }),
        )
        .await;
    assert_eq!(kept["data"]["article"]["status"], "UNPUBLISHED", "{kept}");
    let staff_list = app
        .query_as(
            &writer,
            "{ articles(filter: {status: [UNPUBLISHED]}) { nodes { slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        slugs(&staff_list["data"]["articles"]),
        vec![slug.to_owned()],
        "{staff_list}"
    );
}

#[tokio::test]
async fn a_draft_recommendation_stays_off_the_purchases_it_links_and_the_articles_that_cite_it() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let writer = content_editor(&app, &admin, "redakcja@example.org").await;
    let (purchase, _, _) = reserved_purchase(&app).await;
    let rec = json!({
        "code": "S-TEST", "title": "Ksylofonowy standard", "area": "BUYING", "summary": "Streszczenie.",
        "bodyMarkdown": "Treść.", "origin": "Tekst testowy.",
        "legalBasis": [{"act": "Ustawa testowa", "article": "art. 1", "fromYear": 2021}],
        "examples": [purchase]
    });
    let made = app
        .query_as(&writer, "mutation($r: RecommendationInput!) { createRecommendation(input: $r) { recommendation { id status examples { totalCount } } } }", json!({ "r": rec }))
        .await;
    let r = made["data"]["createRecommendation"]["recommendation"].clone();
    assert_eq!(r["status"], "DRAFT", "{made}");
    assert_eq!(r["examples"]["totalCount"], 1, "{made}");
    let rid = r["id"].clone();
    // A published article that cites the draft.
    let article = json!({
        "kind": "COLUMN", "title": "Felieton", "slug": "felieton-o-standardzie", "lead": "L.",
        "bodyMarkdown": "B.", "publishedOn": "2026-12-01", "origin": "Tekst testowy.", "mentions": [rid, purchase]
    });
    let files = app
        .query_as(
            &moderator,
            "mutation($a: ArticleInput!) { createArticle(input: $a) { article { id version } } }",
            json!({ "a": article }),
        )
        .await;
    let aid = files["data"]["createArticle"]["article"]["id"].clone();
    let publish = app
        .query_as(&moderator, "mutation($i: SetContentStatusInput!) { setContentStatus(input: $i) { article { status } } }", json!({ "i": { "id": aid, "version": 1, "status": "PUBLISHED" } }))
        .await;
    assert_eq!(
        publish["data"]["setContentStatus"]["article"]["status"], "PUBLISHED",
        "{publish}"
    );

    let view = "query($p: ID!, $r: ID!, $a: ID!) { p: node(id: $p) { ... on ProcurementExample { illustrates { totalCount nodes { code } } } } r: node(id: $r) { id } a: node(id: $a) { ... on Article { mentions { __typename } } } recommendation(code: \"S-TEST\") { code } recommendations(first: 100) { totalCount } search(query: \"ksylofonowy\") { totalCount } }";
    let vars = json!({ "p": purchase, "r": rid, "a": aid });
    let public = app.query_vars(view, vars.clone()).await;
    assert!(public.get("errors").is_none(), "{public}");
    let d = &public["data"];
    // The purchase still illustrates the published S-RESERVED, not the draft.
    assert!(!nodes(&d["p"]["illustrates"]).is_empty(), "{public}");
    assert!(
        nodes(&d["p"]["illustrates"])
            .iter()
            .all(|n| n["code"] != "S-TEST"),
        "{public}"
    );
    assert!(
        d["r"].is_null() && d["recommendation"].is_null(),
        "{public}"
    );
    assert_eq!(
        d["a"]["mentions"],
        json!([{ "__typename": "ProcurementExample" }]),
        "{public}"
    );
    assert_eq!(
        d["recommendations"]["totalCount"], 8,
        "only the starter ones: {public}"
    );
    assert_eq!(d["search"]["totalCount"], 0, "{public}");
    let staff = app.query_as(&writer, view, vars).await;
    let d = &staff["data"];
    assert_eq!(d["recommendation"]["code"], "S-TEST", "{staff}");
    assert_eq!(
        d["a"]["mentions"].as_array().map(Vec::len),
        Some(2),
        "{staff}"
    );
    // Published, it is public.
    let publish = app
        .query_as(&moderator, "mutation($i: SetContentStatusInput!) { setContentStatus(input: $i) { recommendation { status } } }", json!({ "i": { "id": rid, "version": 1, "status": "PUBLISHED" } }))
        .await;
    assert_eq!(
        publish["data"]["setContentStatus"]["recommendation"]["status"], "PUBLISHED",
        "{publish}"
    );
    let public = app
        .query_vars(view, json!({ "p": purchase, "r": rid, "a": aid }))
        .await;
    let d = &public["data"];
    assert!(
        nodes(&d["p"]["illustrates"])
            .iter()
            .any(|n| n["code"] == "S-TEST"),
        "{public}"
    );
    assert_eq!(d["recommendations"]["totalCount"], 9, "{public}");
    assert_eq!(d["search"]["totalCount"], 1, "{public}");
}

#[tokio::test]
async fn bad_knowledge_input_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let create = "mutation($a: ArticleInput!) { createArticle(input: $a) { article { id } } }";
    let good = json!({
        "kind": "NEWS", "title": "T", "slug": "wiadomosc", "lead": "L.", "bodyMarkdown": "B.",
        "publishedOn": "2026-12-01", "origin": "Tekst testowy."
    });
    for (field, value) in [
        ("slug", json!("Z Wielkiej")),
        ("slug", json!("")),
        ("title", json!("  ")),
        ("mentions", json!(["QXJ0aWNsZTox"])),
        ("mentions", json!(["bm90IGFuIGlk"])),
        ("publication", json!("UHVibGljYXRpb246OTk5OTk=")),
    ] {
        let mut a = good.clone();
        a[field] = value.clone();
        let b = app.query_as(&moderator, create, json!({ "a": a })).await;
        assert_eq!(
            first_error_code(&b),
            "BAD_USER_INPUT",
            "{field} = {value}: {b}"
        );
    }
    let rec = "mutation($r: RecommendationInput!) { createRecommendation(input: $r) { recommendation { id } } }";
    let basis = |from: i32, until: i32| {
        json!({
            "code": "S-X", "title": "T", "area": "BUYING", "summary": "S.", "bodyMarkdown": "B.", "origin": "O.",
            "legalBasis": [{"act": "A", "article": "art. 1", "fromYear": from, "untilYear": until}]
        })
    };
    let b = app
        .query_as(&moderator, rec, json!({ "r": basis(2021, 2016) }))
        .await;
    assert_eq!(first_error_code(&b), "BAD_USER_INPUT", "{b}");
    let mut taken = basis(2016, 2020);
    taken["code"] = json!("S-RESERVED");
    let b = app.query_as(&moderator, rec, json!({ "r": taken })).await;
    assert_eq!(first_error_code(&b), "CONFLICT", "{b}");
    let d = app
        .data("{ articles(filter: {}) { totalCount } recommendations { totalCount } }")
        .await;
    let staff = app
        .query_as(&moderator, "{ articles(filter: {status: [DRAFT]}) { totalCount } recommendations(filter: {status: [DRAFT]}) { totalCount } }", json!({}))
        .await;
    assert_eq!(staff["data"]["articles"]["totalCount"], 0, "{staff}");
    assert_eq!(staff["data"]["recommendations"]["totalCount"], 0, "{staff}");
    assert_eq!(d["recommendations"]["totalCount"], 8, "{d}");
}

const FILE: &str = r#"+++
kind = "INTERVIEW"
title = "Rozmowa o cateringu dla przedszkoli"
slug = "rozmowa-catering-przedszkola"
lead = "Jak spółdzielnia wygrała przetarg."
publishedOn = 2014-06-12
origin = "Plik testowy importu."
tags = ["catering"]
mentions = ["recommendation:S-RESERVED", "teryt:1261011"]

[publication]
kind = "NEWSPAPER"
title = "JAK"
number = 3
issuedOn = 2014-06-01

[[contributors]]
name = "Redakcja"
role = "AUTHOR"
+++
Treść **rozmowy**.
"#;

#[tokio::test]
async fn articles_come_in_from_markdown_files_over_the_api_and_the_cli_and_reruns_change_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let writer = content_editor(&app, &admin, "redakcja@example.org").await;
    let import = "mutation($f: [ArticleFileInput!]!, $d: Boolean, $p: Boolean) { importArticles(input: {files: $f, dryRun: $d, publish: $p}) { created changed unchanged } }";
    let files = json!([{ "name": "rozmowa.md", "text": FILE }]);
    let member = app.member("czytelnik@example.org").await;
    let refused = app.query_as(&member, import, json!({ "f": files })).await;
    assert_eq!(first_error_code(&refused), "FORBIDDEN", "{refused}");
    // Publishing at import is a moderator's.
    let refused = app
        .query_as(&writer, import, json!({ "f": files, "p": true }))
        .await;
    assert_eq!(first_error_code(&refused), "FORBIDDEN", "{refused}");

    let dry = app
        .query_as(&writer, import, json!({ "f": files, "d": true }))
        .await;
    assert_eq!(
        dry["data"]["importArticles"]["created"],
        json!(["rozmowa-catering-przedszkola"]),
        "{dry}"
    );
    let staff = "{ articles(filter: {status: [DRAFT, PUBLISHED]}, first: 100) { nodes { slug status version mentions { __typename } publication { title number isSample } contributors { name role } } } }";
    let none = app.query_as(&writer, staff, json!({})).await;
    assert!(
        !slugs(&none["data"]["articles"]).contains(&"rozmowa-catering-przedszkola".to_owned()),
        "dry run wrote: {none}"
    );

    let real = app.query_as(&writer, import, json!({ "f": files })).await;
    assert_eq!(
        real["data"]["importArticles"]["created"],
        json!(["rozmowa-catering-przedszkola"]),
        "{real}"
    );
    let again = app.query_as(&writer, import, json!({ "f": files })).await;
    assert_eq!(
        again["data"]["importArticles"]["unchanged"],
        json!(["rozmowa-catering-przedszkola"]),
        "{again}"
    );
    let listed = app.query_as(&writer, staff, json!({})).await;
    let a = nodes(&listed["data"]["articles"])
        .into_iter()
        .find(|a| a["slug"] == "rozmowa-catering-przedszkola")
        .unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(a["status"], "DRAFT");
    assert_eq!(a["version"], 1, "a re-run changed it: {a}");
    assert_eq!(
        a["publication"],
        json!({ "title": "JAK", "number": 3, "isSample": false })
    );
    assert_eq!(
        a["mentions"],
        json!([{ "__typename": "LocalGovernment" }, { "__typename": "Recommendation" }])
    );

    // A file naming what coophub does not hold names the file and writes nothing.
    let broken = FILE
        .replace("rozmowa-catering-przedszkola", "inna-rozmowa")
        .replace("teryt:1261011", "krs:0000000000");
    let bad = app
        .query_as(&writer, import, json!({ "f": [{ "name": "a.md", "text": FILE.replace("Treść", "Nowa treść") }, { "name": "zla.md", "text": broken }] }))
        .await;
    assert_eq!(first_error_code(&bad), "BAD_USER_INPUT", "{bad}");
    assert!(bad.to_string().contains("zla.md"), "{bad}");
    let unchanged = app.query_as(&writer, staff, json!({})).await;
    assert_eq!(unchanged, listed, "a refused import changed something");

    // The operator imports a folder from the command line: the changed file changes.
    let dir = std::env::temp_dir().join(format!("coophub-articles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.join("rozmowa.md"),
        FILE.replace("Treść", "Poprawiona treść"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("notatka.txt"), "not an article").unwrap_or_else(|e| panic!("{e}"));
    let dir_arg = dir.display().to_string();
    let out = app.cli(&["import", "articles", &dir_arg, "--dry-run"], None);
    assert!(
        out.contains("change rozmowa-catering-przedszkola") && out.contains("nothing written"),
        "{out}"
    );
    let out = app.cli(&["import", "articles", &dir_arg], None);
    assert!(out.contains("1 changed"), "{out}");
    let out = app.cli(&["import", "articles", &dir_arg], None);
    assert!(out.contains("0 changed, 1 unchanged"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
    let after = app
        .query_as(
            &moderator,
            "{ article(slug: \"rozmowa-catering-przedszkola\") { version bodyHtml status } }",
            json!({}),
        )
        .await;
    assert_eq!(after["data"]["article"]["version"], 2, "{after}");
    assert!(
        after["data"]["article"]["bodyHtml"]
            .as_str()
            .unwrap_or_default()
            .contains("Poprawiona"),
        "{after}"
    );
    assert_eq!(after["data"]["article"]["status"], "DRAFT");

    // Once a moderator publishes it, a content editor's import cannot change it.
    let id = app
        .query_as(
            &moderator,
            "{ article(slug: \"rozmowa-catering-przedszkola\") { id version } }",
            json!({}),
        )
        .await["data"]["article"]
        .clone();
    let publish = app
        .query_as(
            &moderator,
            "mutation($i: SetContentStatusInput!) { setContentStatus(input: $i) { article { status } } }",
            json!({ "i": { "id": id["id"], "version": id["version"], "status": "PUBLISHED" } }),
        )
        .await;
    assert_eq!(
        publish["data"]["setContentStatus"]["article"]["status"], "PUBLISHED",
        "{publish}"
    );
    let late = app
        .query_as(&writer, import, json!({ "f": [{ "name": "rozmowa.md", "text": FILE.replace("Treść", "Zmiana po publikacji") }] }))
        .await;
    assert_eq!(first_error_code(&late), "BAD_USER_INPUT", "{late}");
    let kept = app
        .query(r#"{ article(slug: "rozmowa-catering-przedszkola") { bodyHtml } }"#)
        .await;
    assert!(
        !kept["data"]["article"]["bodyHtml"]
            .to_string()
            .contains("Zmiana po publikacji"),
        "{kept}"
    );
}

#[tokio::test]
async fn knowledge_facets_count_what_a_search_finds_by_kind_area_sector_and_year() {
    let app = TestApp::spawn().await;
    let all = app
        .data("{ knowledgeFacets { articles recommendations kinds { kind count } areas { area count } sectors { sector { slug } count } years { year count } } articles { totalCount } recommendations { totalCount } }")
        .await;
    let f = &all["knowledgeFacets"];
    assert_eq!(f["articles"], all["articles"]["totalCount"], "{all}");
    assert_eq!(
        f["recommendations"], all["recommendations"]["totalCount"],
        "{all}"
    );
    let sum = |list: &Value| -> u64 {
        list.as_array()
            .map_or(0, |l| l.iter().filter_map(|x| x["count"].as_u64()).sum())
    };
    assert_eq!(Some(sum(&f["kinds"])), f["articles"].as_u64(), "{f}");
    assert_eq!(Some(sum(&f["years"])), f["articles"].as_u64(), "{f}");
    assert_eq!(Some(sum(&f["areas"])), f["recommendations"].as_u64(), "{f}");
    // One starter text per area.
    assert!(
        f["areas"]
            .as_array()
            .is_some_and(|a| a.len() == 8 && a.iter().all(|x| x["count"] == 1)),
        "{f}"
    );
    // The sample interview is about a cooperative and its industry: a sector.
    assert!(sum(&f["sectors"]) >= 1, "{f}");
    let years: Vec<i64> = f["years"].as_array().map_or(Vec::new(), |y| {
        y.iter().filter_map(|x| x["year"].as_i64()).collect()
    });
    assert!(years.windows(2).all(|w| w[0] > w[1]), "newest first: {f}");

    // A search narrows every count alike.
    let found = app
        .data("{ knowledgeFacets(query: \"zamowienie zastrzezone\") { articles recommendations areas { area count } } search(query: \"zamowienie zastrzezone\", types: [RECOMMENDATION, ARTICLE]) { totalCount } }")
        .await;
    let k = &found["knowledgeFacets"];
    assert_eq!(
        k["articles"].as_u64().unwrap_or(0) + k["recommendations"].as_u64().unwrap_or(0),
        found["search"]["totalCount"].as_u64().unwrap_or(u64::MAX),
        "{found}"
    );
    assert!(
        k["areas"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["area"] == "RESERVED_CONTRACTS")),
        "{found}"
    );
    assert!(
        k["recommendations"].as_u64() < f["recommendations"].as_u64(),
        "{found}"
    );
    let bad = app
        .query("{ knowledgeFacets(query: \"?\") { articles } }")
        .await;
    assert_eq!(first_error_code(&bad), "BAD_USER_INPUT", "{bad}");
}
