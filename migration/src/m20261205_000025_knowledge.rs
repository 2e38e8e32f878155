//! The knowledge base (issue 19): recommendations (the standards of cooperation
//! between local governments and social cooperatives) with their legal basis and
//! the procurement examples that illustrate them; publications (handbook
//! editions, issues of the newspaper "JAK") and their articles, with contributors
//! and typed mentions of records of the graph. Recommendations and articles go
//! DRAFT → REVIEW → PUBLISHED (and UNPUBLISHED, kept with its history); only
//! published ones reach the public (`coophub::policy::content_visible`).
//! `updated_at` is kept by the database, as in 000023.

use crate::{bytewise, execute_for, fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Recommendation {
    Table,
    Id,
    Code,
    Title,
    Area,
    Summary,
    BodyMarkdown,
    BodyHtml,
    Endorsement,
    EndorsedOn,
    Origin,
    Licence,
    IsSample,
    Status,
    Version,
    CreatedBy,
    PublishedAt,
}

#[derive(DeriveIden)]
enum LegalBasis {
    Table,
    Id,
    RecommendationId,
    Position,
    Act,
    Citation,
    Article,
    FromYear,
    UntilYear,
}

#[derive(DeriveIden)]
enum RecommendationExample {
    Table,
    RecommendationId,
    ProcurementExampleId,
}

#[derive(DeriveIden)]
enum Publication {
    Table,
    Id,
    Kind,
    Title,
    Number,
    IssuedOn,
    Publisher,
    Licence,
    IsSample,
}

#[derive(DeriveIden)]
enum Article {
    Table,
    Id,
    Kind,
    Title,
    Slug,
    Lead,
    BodyMarkdown,
    BodyHtml,
    PublicationId,
    PublishedOn,
    Tags,
    Licence,
    Origin,
    IsSample,
    Status,
    Version,
    CreatedBy,
    PublishedAt,
}

#[derive(DeriveIden)]
enum ArticleContributor {
    Table,
    Id,
    ArticleId,
    Position,
    Name,
    Role,
    PersonId,
}

#[derive(DeriveIden)]
enum Mention {
    Table,
    ArticleId,
    TargetKind,
    TargetId,
}

/// The time as sea-orm writes it in SQLite: RFC 3339 text in UTC (see 000017).
const SQLITE_NOW: &str = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')";

const TOUCHED: [&str; 2] = ["recommendation", "article"];

fn postgres_up() -> String {
    TOUCHED
        .iter()
        .map(|t| {
            format!(
                "ALTER TABLE {t} ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE TRIGGER {t}_touched BEFORE UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
"
            )
        })
        .collect()
}

fn sqlite_up() -> String {
    let now = SQLITE_NOW;
    TOUCHED
        .iter()
        .map(|t| {
            format!(
                "ALTER TABLE {t} ADD COLUMN updated_at TEXT NULL;
CREATE TRIGGER {t}_inserted_at AFTER INSERT ON {t} BEGIN
  UPDATE {t} SET updated_at = {now} WHERE id = NEW.id;
END;
CREATE TRIGGER {t}_touched AFTER UPDATE ON {t} BEGIN
  UPDATE {t} SET updated_at = {now} WHERE id = NEW.id;
END;
"
            )
        })
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let pg = m.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        m.create_table(
            Table::create()
                .table(Recommendation::Table)
                .col(pk_auto(Recommendation::Id))
                .col(bytewise(string_len(Recommendation::Code, 16), pg).unique_key())
                .col(string(Recommendation::Title))
                .col(string_len(Recommendation::Area, 32))
                .col(text(Recommendation::Summary))
                .col(text(Recommendation::BodyMarkdown))
                .col(text(Recommendation::BodyHtml))
                .col(text_null(Recommendation::Endorsement))
                .col(date_null(Recommendation::EndorsedOn))
                .col(text(Recommendation::Origin))
                .col(string_len(Recommendation::Licence, 64))
                .col(boolean(Recommendation::IsSample).default(false))
                .col(string_len(Recommendation::Status, 16))
                .col(integer(Recommendation::Version).default(1))
                .col(integer_null(Recommendation::CreatedBy))
                .col(timestamp_with_time_zone_null(Recommendation::PublishedAt))
                .foreign_key(&mut fk(
                    Recommendation::Table,
                    Recommendation::CreatedBy,
                    Alias::new("user_account"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("recommendation", &["status", "code"]))
            .await?;
        m.create_table(
            Table::create()
                .table(LegalBasis::Table)
                .col(pk_auto(LegalBasis::Id))
                .col(integer(LegalBasis::RecommendationId))
                .col(integer(LegalBasis::Position))
                .col(text(LegalBasis::Act))
                .col(string_len_null(LegalBasis::Citation, 64))
                .col(string_len(LegalBasis::Article, 128))
                .col(integer_null(LegalBasis::FromYear))
                .col(integer_null(LegalBasis::UntilYear))
                .foreign_key(&mut fk(
                    LegalBasis::Table,
                    LegalBasis::RecommendationId,
                    Recommendation::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("legal_basis", &["recommendation_id", "position"]))
            .await?;
        m.create_table(
            Table::create()
                .table(RecommendationExample::Table)
                .col(integer(RecommendationExample::RecommendationId))
                .col(integer(RecommendationExample::ProcurementExampleId))
                .primary_key(
                    Index::create()
                        .col(RecommendationExample::RecommendationId)
                        .col(RecommendationExample::ProcurementExampleId),
                )
                .foreign_key(&mut fk(
                    RecommendationExample::Table,
                    RecommendationExample::RecommendationId,
                    Recommendation::Table,
                ))
                .foreign_key(&mut fk(
                    RecommendationExample::Table,
                    RecommendationExample::ProcurementExampleId,
                    Alias::new("procurement_example"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "recommendation_example",
            &["procurement_example_id", "recommendation_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(Publication::Table)
                .col(pk_auto(Publication::Id))
                .col(string_len(Publication::Kind, 16))
                .col(string(Publication::Title))
                .col(integer_null(Publication::Number))
                .col(date(Publication::IssuedOn))
                .col(text_null(Publication::Publisher))
                .col(string_len(Publication::Licence, 64))
                .col(boolean(Publication::IsSample).default(false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Article::Table)
                .col(pk_auto(Article::Id))
                .col(string_len(Article::Kind, 24))
                .col(string(Article::Title))
                .col(bytewise(string_len(Article::Slug, 120), pg).unique_key())
                .col(text(Article::Lead))
                .col(text(Article::BodyMarkdown))
                .col(text(Article::BodyHtml))
                .col(integer_null(Article::PublicationId))
                .col(date(Article::PublishedOn))
                .col(text(Article::Tags))
                .col(string_len(Article::Licence, 64))
                .col(text(Article::Origin))
                .col(boolean(Article::IsSample).default(false))
                .col(string_len(Article::Status, 16))
                .col(integer(Article::Version).default(1))
                .col(integer_null(Article::CreatedBy))
                .col(timestamp_with_time_zone_null(Article::PublishedAt))
                .foreign_key(&mut fk(
                    Article::Table,
                    Article::PublicationId,
                    Publication::Table,
                ))
                .foreign_key(&mut fk(
                    Article::Table,
                    Article::CreatedBy,
                    Alias::new("user_account"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("article", &["status", "published_on", "id"]))
            .await?;
        m.create_index(index("article", &["publication_id", "id"]))
            .await?;
        m.create_table(
            Table::create()
                .table(ArticleContributor::Table)
                .col(pk_auto(ArticleContributor::Id))
                .col(integer(ArticleContributor::ArticleId))
                .col(integer(ArticleContributor::Position))
                .col(string(ArticleContributor::Name))
                .col(string_len(ArticleContributor::Role, 16))
                .col(integer_null(ArticleContributor::PersonId))
                .foreign_key(&mut fk(
                    ArticleContributor::Table,
                    ArticleContributor::ArticleId,
                    Article::Table,
                ))
                .foreign_key(&mut fk(
                    ArticleContributor::Table,
                    ArticleContributor::PersonId,
                    Alias::new("person"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("article_contributor", &["article_id", "position"]))
            .await?;
        m.create_index(index("article_contributor", &["person_id"]))
            .await?;
        // A mention names its target by kind and id (the target's table is the
        // kind's; no foreign key can say so): the writer checks it exists, and a
        // reader finds the articles about a record through (kind, id).
        m.create_table(
            Table::create()
                .table(Mention::Table)
                .col(integer(Mention::ArticleId))
                .col(string_len(Mention::TargetKind, 24))
                .col(integer(Mention::TargetId))
                .primary_key(
                    Index::create()
                        .col(Mention::ArticleId)
                        .col(Mention::TargetKind)
                        .col(Mention::TargetId),
                )
                .foreign_key(&mut fk(Mention::Table, Mention::ArticleId, Article::Table))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "mention",
            &["target_kind", "target_id", "article_id"],
        ))
        .await?;
        let (pg_sql, sqlite_sql) = (postgres_up(), sqlite_up());
        execute_for(m, &pg_sql, &sqlite_sql).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "mention",
            "article_contributor",
            "article",
            "publication",
            "recommendation_example",
            "legal_basis",
            "recommendation",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
