//! Articles from Markdown files with TOML front matter: how real texts (a
//! newspaper's archive, a handbook's chapters) get into the knowledge base, by
//! `coophub import articles DIR` or the `importArticles` mutation. The format is
//! documented in docs/knowledge.md; records are named by their natural keys
//! (`krs:`, `teryt:`, `pkd:`, `sector:`, `recommendation:`) or by global id.

use crate::db::front_matter::{date, enum_value, split};
use crate::db::knowledge::{
    at_item, import_articles, ArticleFields, ContributorFields, ImportItem, ImportOutcome,
    PublicationFields,
};
use crate::error::{AppError, AppResult};
use entity::content::Status;
use entity::{article, article_contributor, cooperative, publication, recommendation, sector};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Deserialize;

/// The front matter of an article file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Front {
    kind: String,
    title: String,
    slug: String,
    lead: String,
    published_on: toml::Value,
    #[serde(default)]
    tags: Vec<String>,
    licence: Option<String>,
    origin: String,
    #[serde(default)]
    is_sample: bool,
    #[serde(default)]
    mentions: Vec<String>,
    publication: Option<FrontPublication>,
    #[serde(default)]
    contributors: Vec<FrontContributor>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FrontPublication {
    kind: String,
    title: String,
    number: Option<i32>,
    issued_on: toml::Value,
    publisher: Option<String>,
    licence: Option<String>,
    #[serde(default)]
    is_sample: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FrontContributor {
    name: String,
    role: String,
    person: Option<String>,
}

/// A mention as written in a file, as `(type name, id)`.
async fn mention(db: &DatabaseConnection, raw: &str) -> AppResult<(String, i32)> {
    let missing = |what: &str| AppError::invalid("mentions", format!("no {what} {raw}"));
    let (kind, key) = raw.split_once(':').unwrap_or(("", raw));
    let key = key.trim();
    Ok(match kind.trim() {
        "krs" => {
            let krs = crate::ids::parse_krs(key)?;
            let c = cooperative::Entity::find()
                .filter(cooperative::Column::Krs.eq(krs))
                .one(db)
                .await?
                .ok_or_else(|| missing("cooperative with KRS"))?;
            ("Cooperative".into(), c.id)
        }
        "teryt" => {
            let t = crate::db::filter::teryt_prefix("mentions", key)?;
            let u = crate::db::local_government::find_local_government_by_teryt(db, &t)
                .await?
                .ok_or_else(|| missing("local government with TERYT"))?;
            ("LocalGovernment".into(), u.id)
        }
        "pkd" => {
            let code = crate::db::filter::pkd_prefix("mentions", key)?;
            let i = crate::db::industry::find_industry_by_code(db, &code)
                .await?
                .ok_or_else(|| missing("PKD 2007 code"))?;
            ("Industry".into(), i.id)
        }
        "sector" => {
            let s = sector::Entity::find()
                .filter(sector::Column::Slug.eq(key))
                .one(db)
                .await?
                .ok_or_else(|| missing("sector"))?;
            ("Sector".into(), s.id)
        }
        "recommendation" => {
            let code = crate::db::knowledge::code(key)?;
            let r = recommendation::Entity::find()
                .filter(recommendation::Column::Code.eq(code))
                .one(db)
                .await?
                .ok_or_else(|| missing("recommendation"))?;
            ("Recommendation".into(), r.id)
        }
        _ => crate::ids::parse_global_id(
            "mentions",
            &async_graphql::ID(raw.trim().to_owned()),
        )
        .map_err(|_| {
            AppError::invalid(
                "mentions",
                format!(
                    "'{raw}' is neither krs:, teryt:, pkd:, sector:, recommendation: nor a coophub id"
                ),
            )
        })?,
    })
}

/// Reads one file into an import item (its references resolved).
async fn read_one(db: &DatabaseConnection, name: &str, text: &str) -> AppResult<ImportItem> {
    let (front, body) = split(text)?;
    let f: Front = toml::from_str(front)
        .map_err(|e| AppError::invalid("frontMatter", e.message().to_owned()))?;
    let mut mentions = Vec::with_capacity(f.mentions.len());
    for m in &f.mentions {
        mentions.push(mention(db, m).await?);
    }
    let contributors = f
        .contributors
        .iter()
        .map(|c| {
            Ok(ContributorFields {
                name: c.name.clone(),
                role: enum_value::<article_contributor::Role>("contributors.role", &c.role)?,
                person_id: c
                    .person
                    .as_deref()
                    .map(|p| {
                        crate::ids::expect_id(
                            "contributors.person",
                            &async_graphql::ID(p.to_owned()),
                            "Person",
                        )
                    })
                    .transpose()?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let publication = match &f.publication {
        Some(p) => Some(PublicationFields {
            kind: enum_value::<publication::Kind>("publication.kind", &p.kind)?,
            title: p.title.clone(),
            number: p.number,
            issued_on: date("publication.issuedOn", &p.issued_on)?,
            publisher: p.publisher.clone(),
            licence: p.licence.clone(),
            is_sample: p.is_sample,
        }),
        None => None,
    };
    Ok(ImportItem {
        label: name.to_owned(),
        fields: ArticleFields {
            kind: enum_value::<article::Kind>("kind", &f.kind)?,
            title: f.title,
            slug: f.slug,
            lead: f.lead,
            body_markdown: body.to_owned(),
            publication_id: None,
            published_on: date("publishedOn", &f.published_on)?,
            tags: f.tags,
            licence: f.licence,
            origin: f.origin,
            is_sample: f.is_sample,
            contributors,
            mentions,
        },
        publication,
    })
}

/// Imports `files` (`(name, text)`): new articles as drafts (published when
/// `publish`), known slugs updated when they differ, all or nothing. An error
/// names the file it is about.
/// `viewer` is the one importing over the API; None for the operator at the
/// command line, who may change any article.
pub async fn import(
    db: &DatabaseConnection,
    viewer: Option<&crate::auth::Viewer>,
    files: &[(String, String)],
    publish: bool,
    dry_run: bool,
) -> AppResult<ImportOutcome> {
    let mut items = Vec::with_capacity(files.len());
    for (name, text) in files {
        items.push(
            read_one(db, name, text)
                .await
                .map_err(|e| at_item(name, e))?,
        );
    }
    let status = if publish {
        Status::Published
    } else {
        Status::Draft
    };
    import_articles(db, viewer, &items, status, dry_run).await
}
