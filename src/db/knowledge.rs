//! The knowledge base (issue 19): recommendations (standards of cooperation),
//! publications and articles, their links into the graph, and the editorial
//! workflow. Every write runs in one transaction with its audit entry; a text's
//! search tokens follow its status (only published texts are indexed).
//!
//! Who may do what (checked here, as the rule is the data's):
//! - content editors (CONTENT_EDITOR) and moderators write drafts, change texts
//!   in DRAFT, REVIEW or UNPUBLISHED, and send drafts to review or back;
//! - only moderators publish, unpublish, and change a published text.

use super::audit::record;
use super::directory::id_list;
use super::editing::{as_stored, constraint, creation, update_versioned_in, Indexed};
use super::keyset::{self, Keyset, Paged, Part, Seek};
use super::project::Cols;
use super::search::{reindex, Kind};
use super::write::Write;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::validate::{optional_text, text};
use chrono::{NaiveDate, Utc};
use entity::audit_entry::Action;
use entity::content::Status;
use entity::{
    article, article_contributor, legal_basis, mention, publication, recommendation,
    recommendation_example,
};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, Statement, Value,
};
use serde_json::{json, Value as Json};

impl Indexed for recommendation::Entity {
    const VERSION: Self::Column = recommendation::Column::Version;
    const SEARCH: Option<Kind> = Some(Kind::Recommendation);
    const CLASH: &'static str = "another recommendation already has this code";
}

impl Indexed for article::Entity {
    const VERSION: Self::Column = article::Column::Version;
    const SEARCH: Option<Kind> = Some(Kind::Article);
    const CLASH: &'static str = "another article already has this slug";
}

/// The licence of coophub's own texts.
pub const OWN_LICENCE: &str = "CC BY 4.0";

/// Most provisions one recommendation cites, examples it links, contributors and
/// mentions one article names, tags it carries.
pub const MAX_LEGAL_BASIS: usize = 20;
pub const MAX_EXAMPLES: usize = 50;
pub const MAX_CONTRIBUTORS: usize = 20;
pub const MAX_MENTIONS: usize = 50;
pub const MAX_TAGS: usize = 20;

/// The types an article may mention, with their tables.
pub const MENTIONABLE: [(&str, &str); 8] = [
    ("Cooperative", "cooperative"),
    ("LocalGovernment", "local_government"),
    ("Institution", "institution"),
    ("Industry", "industry"),
    ("Sector", "sector"),
    ("ProcurementExample", "procurement_example"),
    ("Event", "event"),
    ("Recommendation", "recommendation"),
];

/// A provision a recommendation rests on, as sent (and as a file's front matter
/// writes it: `[[legalBasis]]` tables, docs/knowledge.md).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LegalBasisFields {
    pub act: String,
    pub citation: Option<String>,
    pub article: String,
    pub from_year: Option<i32>,
    pub until_year: Option<i32>,
}

/// A recommendation as sent (whole: its provisions and examples replace the old).
#[derive(Debug, Clone)]
pub struct RecommendationFields {
    pub code: String,
    pub title: String,
    pub area: recommendation::Area,
    pub summary: String,
    pub body_markdown: String,
    pub endorsement: Option<String>,
    pub endorsed_on: Option<NaiveDate>,
    pub origin: String,
    pub licence: Option<String>,
    pub is_sample: bool,
    pub legal_basis: Vec<LegalBasisFields>,
    /// Procurement example ids.
    pub examples: Vec<i32>,
}

/// Someone who wrote an article or spoke in it, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ContributorFields {
    pub name: String,
    pub role: article_contributor::Role,
    pub person_id: Option<i32>,
}

/// An article as sent (whole: its contributors, tags and mentions replace the old).
#[derive(Debug, Clone)]
pub struct ArticleFields {
    pub kind: article::Kind,
    pub title: String,
    pub slug: String,
    pub lead: String,
    pub body_markdown: String,
    pub publication_id: Option<i32>,
    pub published_on: NaiveDate,
    pub tags: Vec<String>,
    pub licence: Option<String>,
    pub origin: String,
    pub is_sample: bool,
    pub contributors: Vec<ContributorFields>,
    /// `(type name, id)` of each record mentioned.
    pub mentions: Vec<(String, i32)>,
}

/// A publication as sent.
#[derive(Debug, Clone)]
pub struct PublicationFields {
    pub kind: publication::Kind,
    pub title: String,
    pub number: Option<i32>,
    pub issued_on: NaiveDate,
    pub publisher: Option<String>,
    pub licence: Option<String>,
    pub is_sample: bool,
}

fn licence(v: &Option<String>) -> AppResult<String> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(OWN_LICENCE.to_owned()),
        Some(l) => text("licence", l, 64),
    }
}

fn opt(field: &str, v: &Option<String>, max: usize) -> AppResult<Option<String>> {
    v.as_deref()
        .map(|t| optional_text(field, t, max))
        .transpose()
        .map(Option::flatten)
}

fn year(field: &str, y: Option<i32>) -> AppResult<Option<i32>> {
    match y {
        Some(y) if !(1990..=2100).contains(&y) => Err(AppError::invalid(
            field,
            format!("{y} is not a year between 1990 and 2100"),
        )),
        y => Ok(y),
    }
}

/// A recommendation's code: 2–16 capital letters, digits and dashes (`S-RESERVED`).
pub fn code(raw: &str) -> AppResult<String> {
    let c = raw.trim().to_ascii_uppercase();
    let ok = (2..=16).contains(&c.len())
        && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
        && !c.starts_with('-')
        && !c.ends_with('-');
    if ok {
        Ok(c)
    } else {
        Err(AppError::invalid(
            "code",
            "2 to 16 letters, digits and dashes, e.g. S-RESERVED",
        ))
    }
}

/// An article's slug: 1–120 lowercase ASCII letters, digits and single dashes.
pub fn slug(raw: &str) -> AppResult<String> {
    let s = raw.trim();
    let ok = (1..=120).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--");
    if ok {
        Ok(s.to_owned())
    } else {
        Err(AppError::invalid(
            "slug",
            "1 to 120 lowercase letters a–z, digits and single dashes, e.g. catering-for-schools",
        ))
    }
}

/// Tags: lowercase, trimmed, each 1–40 characters, at most [`MAX_TAGS`], no repeats.
fn tags(raw: &[String]) -> AppResult<Vec<String>> {
    if raw.len() > MAX_TAGS {
        return Err(AppError::invalid(
            "tags",
            format!("at most {MAX_TAGS} tags, got {}", raw.len()),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let t = text("tags", &t.to_lowercase(), 40)?;
        if t.contains('\n') {
            return Err(AppError::invalid("tags", "a tag is one line"));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// Tags as stored: one per line, with a line break before and after each, so that
/// a filter finds `\ntag\n`.
fn stored_tags(tags: &[String]) -> String {
    if tags.is_empty() {
        String::new()
    } else {
        format!("\n{}\n", tags.join("\n"))
    }
}

/// Tags as stored, as a list.
pub fn tag_list(stored: &str) -> Vec<&str> {
    stored.split('\n').filter(|t| !t.is_empty()).collect()
}

fn check_legal_basis(items: &[LegalBasisFields]) -> AppResult<Vec<LegalBasisFields>> {
    if items.len() > MAX_LEGAL_BASIS {
        return Err(AppError::invalid(
            "legalBasis",
            format!("at most {MAX_LEGAL_BASIS} provisions"),
        ));
    }
    items
        .iter()
        .map(|b| {
            let from_year = year("legalBasis.fromYear", b.from_year)?;
            let until_year = year("legalBasis.untilYear", b.until_year)?;
            if let (Some(f), Some(u)) = (from_year, until_year) {
                if f > u {
                    return Err(AppError::invalid(
                        "legalBasis.untilYear",
                        format!("{u} is before fromYear {f}"),
                    ));
                }
            }
            Ok(LegalBasisFields {
                act: text("legalBasis.act", &b.act, 300)?,
                citation: opt("legalBasis.citation", &b.citation, 64)?,
                article: text("legalBasis.article", &b.article, 128)?,
                from_year,
                until_year,
            })
        })
        .collect()
}

fn check_contributors(items: &[ContributorFields]) -> AppResult<Vec<ContributorFields>> {
    if items.len() > MAX_CONTRIBUTORS {
        return Err(AppError::invalid(
            "contributors",
            format!("at most {MAX_CONTRIBUTORS} contributors"),
        ));
    }
    items
        .iter()
        .map(|c| {
            Ok(ContributorFields {
                name: crate::validate::display_name("contributors.name", &c.name, 120)?,
                ..c.clone()
            })
        })
        .collect()
}

#[derive(FromQueryResult)]
struct IdRow {
    id: i32,
}

/// The ids among `ids` that `table` holds (and, for procurement examples, that
/// are any example at all: a mention's visibility is decided when it is read).
async fn existing<C: ConnectionTrait>(db: &C, table: &str, ids: &[i32]) -> AppResult<Vec<i32>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT id FROM {table} WHERE id IN ({})", id_list(ids));
    Ok(
        IdRow::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect(),
    )
}

/// Fails naming the first of `ids` that `table` does not hold.
async fn all_exist<C: ConnectionTrait>(
    db: &C,
    field: &str,
    kind: &str,
    table: &str,
    ids: &[i32],
) -> AppResult<()> {
    let found = existing(db, table, ids).await?;
    match ids.iter().find(|i| !found.contains(i)) {
        Some(_) => Err(AppError::invalid(
            field,
            format!("names a {kind} that does not exist"),
        )),
        None => Ok(()),
    }
}

/// Mentions checked: known types, existing records, no repeats; a unit of a city
/// with powiat rights stands for the city (its gmina-level unit).
async fn check_mentions<C: ConnectionTrait>(
    db: &C,
    raw: &[(String, i32)],
) -> AppResult<Vec<(String, i32)>> {
    if raw.len() > MAX_MENTIONS {
        return Err(AppError::invalid(
            "mentions",
            format!("at most {MAX_MENTIONS} mentions, got {}", raw.len()),
        ));
    }
    let mut out: Vec<(String, i32)> = Vec::new();
    for (kind, id) in raw {
        let Some((_, table)) = MENTIONABLE.iter().find(|(k, _)| k == kind) else {
            let kinds: Vec<&str> = MENTIONABLE.iter().map(|(k, _)| *k).collect();
            return Err(AppError::invalid(
                "mentions",
                format!(
                    "a {kind} cannot be mentioned: give ids of {}",
                    kinds.join(", ")
                ),
            ));
        };
        all_exist(db, "mentions", kind, table, &[*id]).await?;
        let id = if kind == "LocalGovernment" {
            super::local_government::stored_unit(db, *id).await?
        } else {
            *id
        };
        if !out.iter().any(|(k, i)| k == kind && *i == id) {
            out.push((kind.clone(), id));
        }
    }
    // As stored and read back (`mentions_of`), so that a re-import compares alike.
    out.sort();
    Ok(out)
}

/// Whether `v` may change a text in `status` at all (moderators: any; content
/// editors: not a published one).
fn may_change(v: &Viewer, status: Status) -> AppResult<()> {
    v.require_content_staff()?;
    if status == Status::Published && !v.is_moderator() {
        return Err(AppError::invalid(
            "id",
            "a published text is changed by a moderator, or unpublished first",
        ));
    }
    Ok(())
}

/// Whether `v` may move a text from `from` to `to` (see the module's rules).
pub fn may_move(v: &Viewer, from: Status, to: Status) -> AppResult<()> {
    use Status::*;
    v.require_content_staff()?;
    let allowed = match (from, to) {
        (Draft, Review) | (Review, Draft) | (Unpublished, Draft) => true,
        (Draft | Review | Unpublished, Published) | (Published, Unpublished) => {
            if !v.is_moderator() {
                return Err(AppError::Forbidden);
            }
            true
        }
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::invalid(
            "status",
            format!("a text in {} cannot move to {}", from.as_str(), to.as_str()),
        ))
    }
}

trait StatusName {
    fn as_str(&self) -> &'static str;
}

impl StatusName for Status {
    fn as_str(&self) -> &'static str {
        match self {
            Status::Draft => "DRAFT",
            Status::Review => "REVIEW",
            Status::Published => "PUBLISHED",
            Status::Unpublished => "UNPUBLISHED",
        }
    }
}

fn basis_json(items: &[LegalBasisFields]) -> Json {
    Json::Array(
        items
            .iter()
            .map(|b| {
                json!({"act": b.act, "citation": b.citation, "article": b.article,
                       "fromYear": b.from_year, "untilYear": b.until_year})
            })
            .collect(),
    )
}

fn contributors_json(items: &[ContributorFields]) -> Json {
    Json::Array(
        items
            .iter()
            .map(|c| json!({"name": c.name, "role": format!("{:?}", c.role), "personId": c.person_id}))
            .collect(),
    )
}

fn mentions_json(items: &[(String, i32)]) -> Json {
    Json::Array(
        items
            .iter()
            .map(|(k, i)| json!({"type": k, "id": i}))
            .collect(),
    )
}

fn ids_json(ids: &[i32]) -> Json {
    Json::Array(ids.iter().map(|i| json!(i)).collect())
}

async fn basis_of<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<Vec<LegalBasisFields>> {
    Ok(legal_basis::Entity::find()
        .filter(legal_basis::Column::RecommendationId.eq(id))
        .order_by_asc(legal_basis::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|b| LegalBasisFields {
            act: b.act,
            citation: b.citation,
            article: b.article,
            from_year: b.from_year,
            until_year: b.until_year,
        })
        .collect())
}

async fn examples_of<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<Vec<i32>> {
    Ok(recommendation_example::Entity::find()
        .filter(recommendation_example::Column::RecommendationId.eq(id))
        .order_by_asc(recommendation_example::Column::ProcurementExampleId)
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.procurement_example_id)
        .collect())
}

async fn contributors_of<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<Vec<ContributorFields>> {
    Ok(article_contributor::Entity::find()
        .filter(article_contributor::Column::ArticleId.eq(id))
        .order_by_asc(article_contributor::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|c| ContributorFields {
            name: c.name,
            role: c.role,
            person_id: c.person_id,
        })
        .collect())
}

async fn mentions_of<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<Vec<(String, i32)>> {
    let mut rows = mention::Entity::find()
        .filter(mention::Column::ArticleId.eq(id))
        .all(db)
        .await?;
    rows.sort_by(|a, b| (&a.target_kind, a.target_id).cmp(&(&b.target_kind, b.target_id)));
    Ok(rows
        .into_iter()
        .map(|m| (m.target_kind, m.target_id))
        .collect())
}

/// The examples sorted, without repeats, each an existing procurement example.
async fn checked_examples<C: ConnectionTrait>(db: &C, ids: &[i32]) -> AppResult<Vec<i32>> {
    if ids.len() > MAX_EXAMPLES {
        return Err(AppError::invalid(
            "examples",
            format!("at most {MAX_EXAMPLES} examples"),
        ));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    all_exist(
        db,
        "examples",
        "procurement example",
        "procurement_example",
        &ids,
    )
    .await?;
    Ok(ids)
}

async fn write_basis(txn: &Write, id: i32, items: &[LegalBasisFields]) -> AppResult<()> {
    legal_basis::Entity::delete_many()
        .filter(legal_basis::Column::RecommendationId.eq(id))
        .exec(txn)
        .await?;
    for (i, b) in items.iter().enumerate() {
        legal_basis::ActiveModel {
            recommendation_id: Set(id),
            position: Set(i as i32),
            act: Set(b.act.clone()),
            citation: Set(b.citation.clone()),
            article: Set(b.article.clone()),
            from_year: Set(b.from_year),
            until_year: Set(b.until_year),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

async fn write_examples(txn: &Write, id: i32, ids: &[i32]) -> AppResult<()> {
    recommendation_example::Entity::delete_many()
        .filter(recommendation_example::Column::RecommendationId.eq(id))
        .exec(txn)
        .await?;
    for e in ids {
        recommendation_example::ActiveModel {
            recommendation_id: Set(id),
            procurement_example_id: Set(*e),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

async fn write_contributors(txn: &Write, id: i32, items: &[ContributorFields]) -> AppResult<()> {
    article_contributor::Entity::delete_many()
        .filter(article_contributor::Column::ArticleId.eq(id))
        .exec(txn)
        .await?;
    for (i, c) in items.iter().enumerate() {
        article_contributor::ActiveModel {
            article_id: Set(id),
            position: Set(i as i32),
            name: Set(c.name.clone()),
            role: Set(c.role),
            person_id: Set(c.person_id),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|e| constraint(e, "this contributor is listed twice"))?;
    }
    Ok(())
}

async fn write_mentions(txn: &Write, id: i32, items: &[(String, i32)]) -> AppResult<()> {
    mention::Entity::delete_many()
        .filter(mention::Column::ArticleId.eq(id))
        .exec(txn)
        .await?;
    for (kind, target) in items {
        mention::ActiveModel {
            article_id: Set(id),
            target_kind: Set(kind.clone()),
            target_id: Set(*target),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Checks a recommendation as sent.
async fn checked_recommendation<C: ConnectionTrait>(
    db: &C,
    f: &RecommendationFields,
) -> AppResult<(RecommendationFields, String)> {
    let body = text("bodyMarkdown", &f.body_markdown, 100_000)?;
    let html = crate::markdown::render(&body);
    Ok((
        RecommendationFields {
            code: code(&f.code)?,
            title: text("title", &f.title, 200)?,
            area: f.area,
            summary: text("summary", &f.summary, 2000)?,
            body_markdown: body,
            endorsement: opt("endorsement", &f.endorsement, 300)?,
            endorsed_on: f.endorsed_on,
            origin: text("origin", &f.origin, 500)?,
            licence: Some(licence(&f.licence)?),
            is_sample: f.is_sample,
            legal_basis: check_legal_basis(&f.legal_basis)?,
            examples: checked_examples(db, &f.examples).await?,
        },
        html,
    ))
}

/// Checks an article as sent.
async fn checked_article<C: ConnectionTrait>(
    db: &C,
    f: &ArticleFields,
) -> AppResult<(ArticleFields, String)> {
    let body = text("bodyMarkdown", &f.body_markdown, 200_000)?;
    let html = crate::markdown::render(&body);
    if let Some(p) = f.publication_id {
        all_exist(db, "publication", "publication", "publication", &[p]).await?;
    }
    let contributors = check_contributors(&f.contributors)?;
    let people: Vec<i32> = contributors.iter().filter_map(|c| c.person_id).collect();
    all_exist(db, "contributors.person", "person", "person", &people).await?;
    Ok((
        ArticleFields {
            kind: f.kind,
            title: text("title", &f.title, 300)?,
            slug: slug(&f.slug)?,
            lead: text("lead", &f.lead, 2000)?,
            body_markdown: body,
            publication_id: f.publication_id,
            published_on: f.published_on,
            tags: tags(&f.tags)?,
            licence: Some(licence(&f.licence)?),
            origin: text("origin", &f.origin, 500)?,
            is_sample: f.is_sample,
            contributors,
            mentions: check_mentions(db, &f.mentions).await?,
        },
        html,
    ))
}

fn recommendation_columns(
    f: &RecommendationFields,
    html: String,
) -> Vec<(recommendation::Column, Value)> {
    use recommendation::Column as C;
    vec![
        (C::Code, f.code.clone().into()),
        (C::Title, f.title.clone().into()),
        (C::Area, f.area.into()),
        (C::Summary, f.summary.clone().into()),
        (C::BodyMarkdown, f.body_markdown.clone().into()),
        (C::BodyHtml, html.into()),
        (C::Endorsement, f.endorsement.clone().into()),
        (C::EndorsedOn, f.endorsed_on.into()),
        (C::Origin, f.origin.clone().into()),
        (C::Licence, f.licence.clone().into()),
        (C::IsSample, f.is_sample.into()),
    ]
}

fn article_columns(f: &ArticleFields, html: String) -> Vec<(article::Column, Value)> {
    use article::Column as C;
    vec![
        (C::Kind, f.kind.into()),
        (C::Title, f.title.clone().into()),
        (C::Slug, f.slug.clone().into()),
        (C::Lead, f.lead.clone().into()),
        (C::BodyMarkdown, f.body_markdown.clone().into()),
        (C::BodyHtml, html.into()),
        (C::PublicationId, f.publication_id.into()),
        (C::PublishedOn, f.published_on.into()),
        (C::Tags, stored_tags(&f.tags).into()),
        (C::Licence, f.licence.clone().into()),
        (C::Origin, f.origin.clone().into()),
        (C::IsSample, f.is_sample.into()),
    ]
}

/// Sets `columns` on a new active model of `E`.
fn filled<A, C>(mut row: A, columns: Vec<(C, Value)>) -> A
where
    A: ActiveModelTrait,
    C: Into<<A::Entity as EntityTrait>::Column>,
{
    for (c, v) in columns {
        row.set(c.into(), v);
    }
    row
}

/// A new recommendation, as a DRAFT (or `status`, for imports by moderators).
pub async fn create_recommendation(
    db: &DatabaseConnection,
    v: &Viewer,
    f: &RecommendationFields,
    status: Status,
) -> AppResult<recommendation::Model> {
    v.require_content_staff()?;
    if status != Status::Draft {
        may_move(v, Status::Draft, status)?;
    }
    let actor = v.user_id()?;
    let (f, html) = checked_recommendation(db, f).await?;
    let txn = Write::begin(db).await?;
    let row = insert_recommendation(&txn, Some(actor), &f, html, status).await?;
    txn.commit().await?;
    Ok(row)
}

/// Inserts a checked recommendation with its links and CREATE entry, inside `txn`.
async fn insert_recommendation(
    txn: &Write,
    actor: Option<i32>,
    f: &RecommendationFields,
    html: String,
    status: Status,
) -> AppResult<recommendation::Model> {
    let row = filled(
        recommendation::ActiveModel {
            status: Set(status),
            version: Set(1),
            created_by: Set(actor),
            published_at: Set((status == Status::Published).then(Utc::now)),
            ..Default::default()
        },
        recommendation_columns(f, html),
    );
    let r = row
        .insert(txn)
        .await
        .map_err(|e| constraint(e, recommendation::Entity::CLASH))?;
    write_basis(txn, r.id, &f.legal_basis).await?;
    write_examples(txn, r.id, &f.examples).await?;
    use recommendation::Column as C;
    let mut changes = creation::<recommendation::Entity>(
        &r,
        &[C::Code, C::Title, C::Area, C::Status, C::Origin, C::Licence],
    );
    changes.push(("legalBasis".into(), Json::Null, basis_json(&f.legal_basis)));
    changes.push(("examples".into(), Json::Null, ids_json(&f.examples)));
    record(txn, actor, "Recommendation", r.id, Action::Create, changes).await?;
    reindex(txn, Kind::Recommendation, Some(&[r.id])).await?;
    let id = r.id;
    as_stored::<recommendation::Entity, _>(txn, r, id).await
}

/// Changes a recommendation (whole), if still at `version`.
pub async fn update_recommendation(
    db: &DatabaseConnection,
    v: &Viewer,
    id: i32,
    version: i32,
    f: &RecommendationFields,
) -> AppResult<recommendation::Model> {
    let (f, html) = checked_recommendation(db, f).await?;
    let txn = Write::begin(db).await?;
    let now = recommendation::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("recommendation".into()))?;
    may_change(v, now.status)?;
    let actor = v.user_id()?;
    let links = [
        (
            "legalBasis",
            basis_json(&basis_of(&txn, id).await?),
            basis_json(&f.legal_basis),
        ),
        (
            "examples",
            ids_json(&examples_of(&txn, id).await?),
            ids_json(&f.examples),
        ),
    ];
    let row = update_versioned_in::<recommendation::Entity>(
        &txn,
        actor,
        "Recommendation",
        id,
        version,
        recommendation_columns(&f, html),
    )
    .await?;
    write_basis(&txn, id, &f.legal_basis).await?;
    write_examples(&txn, id, &f.examples).await?;
    let row = links_changed::<recommendation::Entity>(
        &txn,
        Some(actor),
        "Recommendation",
        (id, version),
        row,
        &links,
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Records the links that changed (`(field, old, new)`); when only links changed,
/// the record's version moves on too (a reader of the old links is stale).
async fn links_changed<E>(
    txn: &Write,
    actor: Option<i32>,
    entity_name: &str,
    (id, version): (i32, i32),
    row: E::Model,
    links: &[(&str, Json, Json)],
) -> AppResult<E::Model>
where
    E: EntityTrait + Indexed,
    E::Model: Sync,
{
    use sea_orm::ModelTrait;
    let diffs: Vec<(String, Json, Json)> = links
        .iter()
        .filter(|(_, old, new)| old != new)
        .map(|(f, old, new)| ((*f).to_owned(), old.clone(), new.clone()))
        .collect();
    if diffs.is_empty() {
        return Ok(row);
    }
    let id_col = super::id_column::<E>()?;
    let stored = super::int_value(row.get(E::VERSION)).unwrap_or(0);
    if stored == version {
        // Nothing else changed: the version moves for the links.
        E::update_many()
            .col_expr(E::VERSION, Expr::value(version + 1))
            .filter(id_col.eq(id))
            .filter(E::VERSION.eq(version))
            .exec(txn)
            .await?;
    }
    record(txn, actor, entity_name, id, Action::Update, diffs).await?;
    E::find()
        .filter(id_col.eq(id))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::NotFound(entity_name.into()))
}

/// A new article, as a DRAFT (or `status`, for imports by moderators).
pub async fn create_article(
    db: &DatabaseConnection,
    v: &Viewer,
    f: &ArticleFields,
    status: Status,
) -> AppResult<article::Model> {
    v.require_content_staff()?;
    if status != Status::Draft {
        may_move(v, Status::Draft, status)?;
    }
    let actor = v.user_id()?;
    let (f, html) = checked_article(db, f).await?;
    let txn = Write::begin(db).await?;
    let row = insert_article(&txn, Some(actor), &f, html, status).await?;
    txn.commit().await?;
    Ok(row)
}

/// Inserts a checked article with its links and CREATE entry, inside `txn`.
async fn insert_article(
    txn: &Write,
    actor: Option<i32>,
    f: &ArticleFields,
    html: String,
    status: Status,
) -> AppResult<article::Model> {
    let row = filled(
        article::ActiveModel {
            status: Set(status),
            version: Set(1),
            created_by: Set(actor),
            published_at: Set((status == Status::Published).then(Utc::now)),
            ..Default::default()
        },
        article_columns(f, html),
    );
    let a = row
        .insert(txn)
        .await
        .map_err(|e| constraint(e, article::Entity::CLASH))?;
    write_contributors(txn, a.id, &f.contributors).await?;
    write_mentions(txn, a.id, &f.mentions).await?;
    use article::Column as C;
    let mut changes = creation::<article::Entity>(
        &a,
        &[C::Kind, C::Title, C::Slug, C::Status, C::Origin, C::Licence],
    );
    changes.push((
        "contributors".into(),
        Json::Null,
        contributors_json(&f.contributors),
    ));
    changes.push(("mentions".into(), Json::Null, mentions_json(&f.mentions)));
    record(txn, actor, "Article", a.id, Action::Create, changes).await?;
    reindex(txn, Kind::Article, Some(&[a.id])).await?;
    let id = a.id;
    as_stored::<article::Entity, _>(txn, a, id).await
}

/// Changes an article (whole), if still at `version`.
pub async fn update_article(
    db: &DatabaseConnection,
    v: &Viewer,
    id: i32,
    version: i32,
    f: &ArticleFields,
) -> AppResult<article::Model> {
    let (f, html) = checked_article(db, f).await?;
    let txn = Write::begin(db).await?;
    let now = article::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("article".into()))?;
    may_change(v, now.status)?;
    let actor = v.user_id()?;
    let links = [
        (
            "contributors",
            contributors_json(&contributors_of(&txn, id).await?),
            contributors_json(&f.contributors),
        ),
        (
            "mentions",
            mentions_json(&mentions_of(&txn, id).await?),
            mentions_json(&f.mentions),
        ),
    ];
    let row = update_versioned_in::<article::Entity>(
        &txn,
        actor,
        "Article",
        id,
        version,
        article_columns(&f, html),
    )
    .await?;
    write_contributors(&txn, id, &f.contributors).await?;
    write_mentions(&txn, id, &f.mentions).await?;
    let row =
        links_changed::<article::Entity>(&txn, Some(actor), "Article", (id, version), row, &links)
            .await?;
    txn.commit().await?;
    Ok(row)
}

/// A text of the knowledge base, by its type.
pub enum Text {
    Recommendation(recommendation::Model),
    Article(article::Model),
}

/// Moves a recommendation or an article to `to`, if still at `version` (see the
/// module's rules); publishing stamps `publishedAt`, and the search index follows.
pub async fn set_status(
    db: &DatabaseConnection,
    v: &Viewer,
    kind: &str,
    id: i32,
    version: i32,
    to: Status,
) -> AppResult<Text> {
    let txn = Write::begin(db).await?;
    let actor = v.user_id()?;
    let out = match kind {
        "Recommendation" => {
            let now = recommendation::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::NotFound("recommendation".into()))?;
            may_move(v, now.status, to)?;
            let mut changes = vec![(recommendation::Column::Status, Value::from(to))];
            if to == Status::Published {
                changes.push((recommendation::Column::PublishedAt, Utc::now().into()));
            }
            Text::Recommendation(
                update_versioned_in::<recommendation::Entity>(
                    &txn,
                    actor,
                    "Recommendation",
                    id,
                    version,
                    changes,
                )
                .await?,
            )
        }
        "Article" => {
            let now = article::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::NotFound("article".into()))?;
            may_move(v, now.status, to)?;
            let mut changes = vec![(article::Column::Status, Value::from(to))];
            if to == Status::Published {
                changes.push((article::Column::PublishedAt, Utc::now().into()));
            }
            Text::Article(
                update_versioned_in::<article::Entity>(
                    &txn, actor, "Article", id, version, changes,
                )
                .await?,
            )
        }
        other => {
            return Err(AppError::invalid(
                "id",
                format!("a {other} has no editorial status: give a Recommendation or an Article"),
            ))
        }
    };
    txn.commit().await?;
    Ok(out)
}

/// A new publication (public at once: it is the frame its articles appear in).
pub async fn create_publication(
    db: &DatabaseConnection,
    v: &Viewer,
    f: &PublicationFields,
) -> AppResult<publication::Model> {
    v.require_content_staff()?;
    let actor = v.user_id()?;
    let txn = Write::begin(db).await?;
    let p = insert_publication(&txn, Some(actor), f).await?;
    txn.commit().await?;
    Ok(p)
}

async fn insert_publication(
    txn: &Write,
    actor: Option<i32>,
    f: &PublicationFields,
) -> AppResult<publication::Model> {
    if let Some(n) = f.number {
        if !(1..=100_000).contains(&n) {
            return Err(AppError::invalid("number", "must be between 1 and 100000"));
        }
    }
    let p = publication::ActiveModel {
        kind: Set(f.kind),
        title: Set(text("title", &f.title, 300)?),
        number: Set(f.number),
        issued_on: Set(f.issued_on),
        publisher: Set(opt("publisher", &f.publisher, 300)?),
        licence: Set(licence(&f.licence)?),
        is_sample: Set(f.is_sample),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    use publication::Column as C;
    record(
        txn,
        actor,
        "Publication",
        p.id,
        Action::Create,
        creation::<publication::Entity>(&p, &[C::Kind, C::Title, C::Number, C::IssuedOn]),
    )
    .await?;
    Ok(p)
}

/// Recommendations, by code.
pub const BY_CODE: Keyset<recommendation::Column> = Keyset {
    tag: "recommendation.code",
    parts: &[
        Part::asc(recommendation::Column::Code),
        Part::asc(recommendation::Column::Id),
    ],
};

/// Articles, newest first.
pub const NEWEST_FIRST: Keyset<article::Column> = Keyset {
    tag: "article.newest",
    parts: &[
        Part::desc(article::Column::PublishedOn),
        Part::desc(article::Column::Id),
    ],
};

/// Publications, newest first.
pub const PUBLICATIONS: Keyset<publication::Column> = Keyset {
    tag: "publication.newest",
    parts: &[
        Part::desc(publication::Column::IssuedOn),
        Part::desc(publication::Column::Id),
    ],
};

/// Which recommendations a list shows.
#[derive(Debug, Clone)]
pub struct RecommendationFilter {
    pub areas: Vec<recommendation::Area>,
    /// Published only unless the viewer is content staff and asks for others.
    pub statuses: Vec<Status>,
}

/// Which articles a list shows.
#[derive(Debug, Clone)]
pub struct ArticleFilter {
    pub kinds: Vec<article::Kind>,
    pub statuses: Vec<Status>,
    pub publication_id: Option<i32>,
    /// Articles mentioning this record (`(type name, id)`).
    pub mentions: Option<(String, i32)>,
    pub tag: Option<String>,
    pub year: Option<i32>,
}

/// The statuses a list shows to `v`: published only, unless content staff ask
/// for others (anyone else asking for them is refused: drafts are not listed).
pub fn listed_statuses(v: &Viewer, asked: Vec<Status>) -> AppResult<Vec<Status>> {
    if asked.is_empty() {
        return Ok(vec![Status::Published]);
    }
    if asked.iter().any(|s| !crate::policy::content_listed(*s)) && !v.is_content_staff() {
        return Err(AppError::Forbidden);
    }
    Ok(asked)
}

pub async fn list_recommendations(
    db: &DatabaseConnection,
    f: &RecommendationFilter,
    seek: &Seek,
) -> AppResult<Paged<recommendation::Model>> {
    let mut c =
        sea_orm::Condition::all().add(recommendation::Column::Status.is_in(f.statuses.clone()));
    if !f.areas.is_empty() {
        c = c.add(recommendation::Column::Area.is_in(f.areas.clone()));
    }
    keyset::page(
        db,
        recommendation::Entity::find().filter(c),
        &BY_CODE,
        seek,
        Cols::ALL,
    )
    .await
}

pub async fn list_articles(
    db: &DatabaseConnection,
    f: &ArticleFilter,
    seek: &Seek,
) -> AppResult<Paged<article::Model>> {
    let mut c = sea_orm::Condition::all().add(article::Column::Status.is_in(f.statuses.clone()));
    if !f.kinds.is_empty() {
        c = c.add(article::Column::Kind.is_in(f.kinds.clone()));
    }
    if let Some(p) = f.publication_id {
        c = c.add(article::Column::PublicationId.eq(p));
    }
    if let Some((kind, id)) = &f.mentions {
        let sub = sea_orm::sea_query::Query::select()
            .column(mention::Column::ArticleId)
            .from(mention::Entity)
            .and_where(mention::Column::TargetKind.eq(kind.clone()))
            .and_where(mention::Column::TargetId.eq(*id))
            .to_owned();
        c = c.add(article::Column::Id.in_subquery(sub));
    }
    if let Some(t) = &f.tag {
        let t = t.trim().to_lowercase();
        c = c.add(article::Column::Tags.contains(format!("\n{t}\n")));
    }
    if let Some(y) = f.year {
        let (from, to) = (
            NaiveDate::from_ymd_opt(y, 1, 1),
            NaiveDate::from_ymd_opt(y, 12, 31),
        );
        let (Some(from), Some(to)) = (from, to) else {
            return Err(AppError::invalid("filter.year", "not a year"));
        };
        c = c.add(article::Column::PublishedOn.between(from, to));
    }
    keyset::page(
        db,
        article::Entity::find().filter(c),
        &NEWEST_FIRST,
        seek,
        Cols::ALL,
    )
    .await
}

pub async fn list_publications(
    db: &DatabaseConnection,
    kinds: Vec<publication::Kind>,
    seek: &Seek,
) -> AppResult<Paged<publication::Model>> {
    let mut c = sea_orm::Condition::all();
    if !kinds.is_empty() {
        c = c.add(publication::Column::Kind.is_in(kinds));
    }
    keyset::page(
        db,
        publication::Entity::find().filter(c),
        &PUBLICATIONS,
        seek,
        Cols::ALL,
    )
    .await
}

/// The ids of the published articles mentioning each of `targets` (all of one
/// type), newest first: one statement for a page of parents.
pub async fn mentioned_in<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    targets: &[i32],
) -> AppResult<Vec<(i32, article::Model)>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    #[derive(FromQueryResult)]
    struct Hit {
        target_id: i32,
        article_id: i32,
    }
    // Type names are the schema's, from `MENTIONABLE`: never the client's text.
    let kind = MENTIONABLE
        .iter()
        .map(|(k, _)| *k)
        .find(|k| *k == kind)
        .ok_or_else(|| AppError::Internal(format!("{kind} is not mentionable")))?;
    let listed = crate::policy::listed_content_sql("a");
    let sql = format!(
        "SELECT m.target_id, m.article_id FROM mention m JOIN article a ON a.id = m.article_id \
         WHERE m.target_kind = '{kind}' AND m.target_id IN ({}) AND {listed}",
        id_list(targets)
    );
    let hits = Hit::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
        .all(db)
        .await?;
    let ids: Vec<i32> = hits.iter().map(|h| h.article_id).collect();
    let articles = if ids.is_empty() {
        Vec::new()
    } else {
        article::Entity::find()
            .filter(article::Column::Id.is_in(ids))
            .all(db)
            .await?
    };
    Ok(hits
        .iter()
        .filter_map(|h| {
            articles
                .iter()
                .find(|a| a.id == h.article_id)
                .map(|a| (h.target_id, a.clone()))
        })
        .collect())
}

/// Counts of the published knowledge a search selects (all of it without
/// words): articles by kind, sector and year, recommendations by area. Each
/// list is largest first (years: newest first).
#[derive(Debug, Default, PartialEq)]
pub struct KnowledgeFacets {
    pub articles: u64,
    pub recommendations: u64,
    pub kinds: Vec<(article::Kind, u64)>,
    pub areas: Vec<(recommendation::Area, u64)>,
    /// An article counts once in every sector it concerns: one it mentions, or
    /// that an industry, a cooperative or a verified purchase it mentions falls
    /// under (by the sector's PKD subtrees, as the directory has it).
    pub sectors: Vec<(i32, u64)>,
    pub years: Vec<(i32, u64)>,
}

#[derive(FromQueryResult)]
struct Counted {
    k: i32,
    n: i64,
}

/// How often each item occurs, most frequent first (ties: in order of first occurrence).
fn counted<K: PartialEq>(items: impl IntoIterator<Item = K>) -> Vec<(K, u64)> {
    let mut out: Vec<(K, u64)> = Vec::new();
    for k in items {
        match out.iter_mut().find(|(x, _)| *x == k) {
            Some((_, n)) => *n += 1,
            None => out.push((k, 1)),
        }
    }
    out.sort_by_key(|x| std::cmp::Reverse(x.1));
    out
}

/// The facets of the published texts matching every one of `terms` (all of
/// them when None).
pub async fn facets<C: ConnectionTrait>(
    db: &C,
    terms: Option<&[String]>,
) -> AppResult<KnowledgeFacets> {
    use chrono::Datelike;
    use sea_orm::QuerySelect;
    let found = |kind| async move {
        match terms {
            None => Ok::<_, AppError>(None),
            Some(t) => Ok(Some(
                super::search::scores(db, kind, t)
                    .await?
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect::<Vec<i32>>(),
            )),
        }
    };
    let article_ids = found(Kind::Article).await?;
    let rec_ids = found(Kind::Recommendation).await?;
    let mut articles = article::Entity::find()
        .select_only()
        .columns([article::Column::Kind, article::Column::PublishedOn])
        .filter(crate::policy::listed_content(article::Column::Status))
        .order_by_asc(article::Column::Kind);
    if let Some(ids) = &article_ids {
        articles = articles.filter(article::Column::Id.is_in(ids.clone()));
    }
    let articles: Vec<(article::Kind, NaiveDate)> = articles.into_tuple().all(db).await?;
    let mut recs = recommendation::Entity::find()
        .select_only()
        .column(recommendation::Column::Area)
        .filter(crate::policy::listed_content(
            recommendation::Column::Status,
        ))
        .order_by_asc(recommendation::Column::Area);
    if let Some(ids) = &rec_ids {
        recs = recs.filter(recommendation::Column::Id.is_in(ids.clone()));
    }
    let areas: Vec<recommendation::Area> = recs.into_tuple().all(db).await?;
    let listed = crate::policy::listed_content_sql("a");
    let selected = match &article_ids {
        None => format!("SELECT a.id FROM article a WHERE {listed}"),
        Some(ids) if ids.is_empty() => "SELECT a.id FROM article a WHERE 1 = 0".to_owned(),
        Some(ids) => format!(
            "SELECT a.id FROM article a WHERE {listed} AND a.id IN ({})",
            id_list(ids)
        ),
    };
    let verified = crate::policy::listed_procurement_sql("p");
    let sql = format!(
        "SELECT s.sector_id AS k, COUNT(DISTINCT s.article_id) AS n FROM ( \
           SELECT m.target_id AS sector_id, m.article_id FROM mention m WHERE m.target_kind = 'Sector' \
           UNION \
           SELECT si.sector_id, x.article_id FROM sector_industry si \
           JOIN industry r ON r.id = si.industry_id \
           JOIN industry i ON (i.path = r.path OR i.path LIKE r.path || '/%') \
           JOIN ( \
             SELECT m.article_id, m.target_id AS industry_id FROM mention m WHERE m.target_kind = 'Industry' \
             UNION SELECT m.article_id, ci.industry_id FROM mention m \
               JOIN cooperative_industry ci ON ci.cooperative_id = m.target_id WHERE m.target_kind = 'Cooperative' \
             UNION SELECT m.article_id, p.industry_id FROM mention m \
               JOIN procurement_example p ON p.id = m.target_id \
               WHERE m.target_kind = 'ProcurementExample' AND p.industry_id IS NOT NULL AND {verified} \
           ) x ON x.industry_id = i.id \
         ) s WHERE s.article_id IN ({selected}) GROUP BY s.sector_id"
    );
    let sectors =
        Counted::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
            .all(db)
            .await?;
    let mut sectors: Vec<(i32, u64)> = sectors
        .into_iter()
        .map(|c| (c.k, u64::try_from(c.n).unwrap_or(0)))
        .collect();
    sectors.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut years = counted(articles.iter().map(|(_, d)| d.year()));
    years.sort_by_key(|x| std::cmp::Reverse(x.0));
    Ok(KnowledgeFacets {
        articles: articles.len() as u64,
        recommendations: areas.len() as u64,
        kinds: counted(articles.iter().map(|(k, _)| *k)),
        areas: counted(areas),
        sectors,
        years,
    })
}

/// A text as written in a Markdown file with front matter (`coophub import
/// articles`), before its references are resolved.
pub struct Imported {
    pub line: usize,
    pub fields: ArticleFields,
}

/// `e` naming the item it is about (`interview.md: slug …`).
pub fn at_item(label: &str, e: AppError) -> AppError {
    match e {
        AppError::InvalidInput { field, message } => AppError::InvalidInput {
            field: format!("{label}: {field}"),
            message,
        },
        other => other,
    }
}

/// What an import did with each article, by slug.
#[derive(Debug, Default, PartialEq)]
pub struct ImportOutcome {
    pub created: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: Vec<String>,
}

/// One article of an import: its label (a file name) for messages, its fields,
/// and the publication it appeared in, found by kind, title and number (and
/// added when coophub does not know it yet).
pub struct ImportItem {
    pub label: String,
    pub fields: ArticleFields,
    pub publication: Option<PublicationFields>,
}

/// The publication of kind, title and number `f` names, added when missing.
async fn publication_for(txn: &Write, actor: Option<i32>, f: &PublicationFields) -> AppResult<i32> {
    let mut q = publication::Entity::find()
        .filter(publication::Column::Kind.eq(f.kind))
        .filter(publication::Column::Title.eq(f.title.trim()));
    q = match f.number {
        Some(n) => q.filter(publication::Column::Number.eq(n)),
        None => q.filter(publication::Column::Number.is_null()),
    };
    match q.one(txn).await? {
        Some(p) => Ok(p.id),
        None => Ok(insert_publication(txn, actor, f).await?.id),
    }
}

/// Creates the articles of an import, or updates those whose slug exists (only if
/// something changed), in one transaction: all or nothing, and re-running the
/// same files changes nothing. New articles get `status`; existing ones keep
/// theirs. The caller has checked that its viewer may import (content staff; a
/// moderator to publish); a published article changes only by a moderator's
/// import or the operator's (`viewer` None, the command line). `dry_run` checks and reports,
/// then rolls back.
pub async fn import_articles(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    items: &[ImportItem],
    status: Status,
    dry_run: bool,
) -> AppResult<ImportOutcome> {
    let actor = viewer.and_then(|v| v.user_id().ok());
    let txn = Write::begin(db).await?;
    let mut out = ImportOutcome::default();
    let mut seen: Vec<String> = Vec::new();
    for item in items {
        let at = |e| at_item(&item.label, e);
        let mut fields = item.fields.clone();
        if let Some(p) = &item.publication {
            fields.publication_id = Some(publication_for(&txn, actor, p).await.map_err(at)?);
        }
        let (f, html) = checked_article(&txn, &fields).await.map_err(at)?;
        if seen.contains(&f.slug) {
            return Err(at(AppError::invalid(
                "slug",
                format!("{} is the slug of another file too", f.slug),
            )));
        }
        seen.push(f.slug.clone());
        let existing = article::Entity::find()
            .filter(article::Column::Slug.eq(f.slug.clone()))
            .one(&txn)
            .await?;
        let Some(a) = existing else {
            insert_article(&txn, actor, &f, html, status)
                .await
                .map_err(at)?;
            out.created.push(f.slug);
            continue;
        };
        let links = [
            (
                "contributors",
                contributors_json(&contributors_of(&txn, a.id).await?),
                contributors_json(&f.contributors),
            ),
            (
                "mentions",
                mentions_json(&mentions_of(&txn, a.id).await?),
                mentions_json(&f.mentions),
            ),
        ];
        let cols = article_columns(&f, html);
        let differs = {
            use sea_orm::ModelTrait;
            cols.iter().any(|(c, v)| a.get(*c) != *v)
        } || links.iter().any(|(_, old, new)| old != new);
        if !differs {
            out.unchanged.push(f.slug);
            continue;
        }
        // As `updateArticle`: a content editor does not change a published text.
        if let Some(v) = viewer {
            may_change(v, a.status).map_err(at)?;
        }
        let row =
            update_versioned_in::<article::Entity>(&txn, actor, "Article", a.id, a.version, cols)
                .await
                .map_err(at)?;
        write_contributors(&txn, a.id, &f.contributors).await?;
        write_mentions(&txn, a.id, &f.mentions).await?;
        links_changed::<article::Entity>(&txn, actor, "Article", (a.id, a.version), row, &links)
            .await?;
        out.changed.push(f.slug);
    }
    if dry_run {
        drop(txn); // rolls back
    } else {
        txn.commit().await?;
    }
    Ok(out)
}

/// Sample and starter content (`db::sample`): inserted without an actor, as
/// coophub's own, inside the caller's write.
pub async fn seed_recommendation(
    txn: &Write,
    f: &RecommendationFields,
) -> AppResult<recommendation::Model> {
    let (f, html) = checked_recommendation(txn, f).await?;
    insert_recommendation(txn, None, &f, html, Status::Published).await
}

/// A text published at once by `actor` outside the editorial workflow: the
/// legal desk's anonymised answers (`db::desk::publish`), inside its write.
pub async fn publish_as(txn: &Write, actor: i32, f: &ArticleFields) -> AppResult<article::Model> {
    let (f, html) = checked_article(txn, f).await?;
    insert_article(txn, Some(actor), &f, html, Status::Published).await
}

pub async fn seed_publication(txn: &Write, f: &PublicationFields) -> AppResult<publication::Model> {
    insert_publication(txn, None, f).await
}

pub async fn seed_article(txn: &Write, f: &ArticleFields) -> AppResult<article::Model> {
    let (f, html) = checked_article(txn, f).await?;
    insert_article(txn, None, &f, html, Status::Published).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Grant;

    #[test]
    fn codes_slugs_and_tags_are_checked() {
        assert_eq!(code(" s-reserved ").ok().as_deref(), Some("S-RESERVED"));
        assert!(code("x").is_err());
        assert!(code("-AB").is_err());
        assert!(code("A B").is_err());
        assert_eq!(slug("catering-2024").ok().as_deref(), Some("catering-2024"));
        for bad in ["", "Catering", "a--b", "-a", "a-", "żłobek"] {
            assert!(slug(bad).is_err(), "{bad}");
        }
        let t = tags(&["Catering".into(), "catering".into(), " Art 94 ".into()])
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(t, vec!["catering", "art 94"]);
        assert_eq!(tag_list(&stored_tags(&t)), vec!["catering", "art 94"]);
        assert_eq!(tag_list(&stored_tags(&[])), Vec::<&str>::new());
    }

    #[test]
    fn content_editors_write_and_moderators_publish() {
        use Status::*;
        let writer = Viewer::User {
            id: 1,
            grants: vec![Grant::ContentEditor],
        };
        let moderator = Viewer::User {
            id: 2,
            grants: vec![Grant::Moderator],
        };
        let member = Viewer::User {
            id: 3,
            grants: vec![],
        };
        assert!(may_move(&writer, Draft, Review).is_ok());
        assert!(may_move(&writer, Review, Draft).is_ok());
        assert!(may_move(&writer, Review, Published).is_err());
        assert!(may_move(&writer, Published, Unpublished).is_err());
        assert!(may_move(&moderator, Review, Published).is_ok());
        assert!(may_move(&moderator, Published, Unpublished).is_ok());
        assert!(may_move(&moderator, Unpublished, Draft).is_ok());
        assert!(may_move(&moderator, Published, Draft).is_err());
        assert!(may_move(&moderator, Draft, Draft).is_err());
        assert!(may_move(&member, Draft, Review).is_err());
        assert!(may_change(&writer, Review).is_ok());
        assert!(may_change(&writer, Published).is_err());
        assert!(may_change(&moderator, Published).is_ok());
        assert!(may_change(&member, Draft).is_err());
    }
}
