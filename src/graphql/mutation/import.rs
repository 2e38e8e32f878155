//! Bulk import of cooperatives over the API, for admins: the same import as
//! `coophub import cooperatives` (`crate::import`, docs/import.md).

use crate::error::AppError;
use crate::graphql::types::FounderKind;
use crate::graphql::{db, viewer};
use crate::import::{self, Outcome};
use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};
use entity::audit_entry::Source;
use entity::cooperative;
use sea_orm::ActiveEnum;

/// The format of an import's data.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ImportFormat {
    /// CSV with a header row (the export's column names).
    Csv,
    /// A JSON array of objects (the export's property names).
    Json,
}

/// Cooperatives to import.
#[derive(InputObject)]
pub struct ImportCooperativesInput {
    /// The file's text: CSV with a header, or a JSON array of objects (docs/import.md).
    pub data: String,
    /// Its format (default CSV).
    #[graphql(default_with = "ImportFormat::Csv")]
    pub format: ImportFormat,
    /// Only report what would be created, changed and rejected; write nothing.
    #[graphql(default)]
    pub dry_run: bool,
    /// Import the valid rows even when others are rejected (by default a rejected row
    /// stops the whole import and nothing is written).
    #[graphql(default)]
    pub partial: bool,
    /// What the file is, shown publicly as the source of the facts it sets (its
    /// name, or the register and the date it was taken from; at most 200
    /// characters, no personal data). Default: "importCooperatives".
    pub source: Option<String>,
}

/// Court-register extracts to import.
#[derive(InputObject)]
pub struct ImportKrsExtractsInput {
    /// Each extract's text: the JSON the KRS open API answers for
    /// `OdpisAktualny/<KRS>?rejestr=P&format=json` (at most 100).
    pub extracts: Vec<String>,
    /// Who founded the cooperatives new to coophub (an extract does not say).
    pub founder_kind: Option<FounderKind>,
    /// Only report what would be created, changed and rejected; write nothing.
    #[graphql(default)]
    pub dry_run: bool,
    /// Import the valid extracts even when others are rejected.
    #[graphql(default)]
    pub partial: bool,
}

/// What an import does with a row.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ImportAction {
    /// A new cooperative.
    Create,
    /// A held cooperative's fields change.
    Change,
    /// The row says what is held already.
    Unchanged,
    /// The row is not imported; `problems` say why.
    Rejected,
}

/// One field's change.
#[derive(SimpleObject)]
pub struct ImportChange {
    /// The column.
    pub field: String,
    /// The value held, as text (`(none)` when empty).
    pub from: String,
    /// The value imported, as text.
    pub to: String,
}

/// Why a row was rejected.
#[derive(SimpleObject)]
pub struct ImportProblem {
    /// The column (or `krs` when the row names no cooperative).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// A row of the import and what became of it.
#[derive(SimpleObject)]
pub struct ImportLine {
    /// Its line in the CSV file (the header is line 1), or its place in the JSON array (from 1).
    pub line: i32,
    /// The cooperative it names (`KRS 0000123456`, `NIP …`, `REGON …`), when it names one.
    pub key: String,
    /// The name it gives.
    pub name: String,
    /// What the import does with it.
    pub action: ImportAction,
    /// The fields it changes (CHANGE).
    pub changes: Vec<ImportChange>,
    /// Why it is rejected (REJECTED).
    pub problems: Vec<ImportProblem>,
}

/// What an import did, or (a dry run, or rows rejected without `partial`) would do.
#[derive(SimpleObject)]
pub struct ImportCooperativesPayload {
    /// Whether anything was written.
    pub written: bool,
    /// Rows that create a cooperative.
    pub created: i32,
    /// Rows that change one.
    pub changed: i32,
    /// Rows that change nothing.
    pub unchanged: i32,
    /// Rows rejected.
    pub rejected: i32,
    /// Every row, in the file's order.
    pub lines: Vec<ImportLine>,
}

#[derive(Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// Imports cooperatives from a CSV or JSON file's text (admins): each row creates a
    /// cooperative, or changes the one with its KRS, NIP or REGON field by field.
    /// All or nothing unless `partial`; `dryRun` writes nothing. The same import as
    /// `coophub import cooperatives` (docs/import.md).
    async fn import_cooperatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The data and how to import it.")] input: ImportCooperativesInput,
    ) -> Result<ImportCooperativesPayload> {
        let v = viewer(ctx);
        v.require_admin()?;
        let actor = v.user_id()?;
        let format = match input.format {
            ImportFormat::Csv => import::Format::Csv,
            ImportFormat::Json => import::Format::Json,
        };
        let source = match input.source.as_deref().map(str::trim) {
            None | Some("") => "importCooperatives".to_owned(),
            Some(s) if s.chars().count() > 200 => {
                return Err(AppError::invalid("source", "at most 200 characters").into())
            }
            Some(s) => s.to_owned(),
        };
        let rows = import::read(input.data.as_bytes(), format)?;
        let options = import::Options {
            dry_run: input.dry_run,
            partial: input.partial,
            actor: Some(actor),
            source: Some((Source::Import, Some(source))),
        };
        let report = import::run(db(ctx)?, &rows, options, None).await?;
        Ok(report.into())
    }

    /// Imports court-register extracts (moderators): each the text of a current
    /// extract (odpis aktualny) of a social cooperative from the KRS open API, as
    /// `curl 'https://api-krs.ms.gov.pl/api/krs/OdpisAktualny/<KRS>?rejestr=P&format=json'`
    /// saves it. Each creates the cooperative, or changes the one with its KRS field
    /// by field, with the register as the source of its facts; an extract of
    /// anything but a social cooperative is rejected with its legal form. All or
    /// nothing unless `partial`; `dryRun` writes nothing. The same import as
    /// `coophub import krs` (docs/registration.md).
    async fn import_krs_extracts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The extracts and how to import them.")] input: ImportKrsExtractsInput,
    ) -> Result<ImportCooperativesPayload> {
        let v = viewer(ctx);
        v.require_moderator()?;
        if input.extracts.is_empty() || input.extracts.len() > 100 {
            return Err(AppError::invalid("extracts", "give 1 to 100 extracts").into());
        }
        let options = import::Options {
            dry_run: input.dry_run,
            partial: input.partial,
            actor: Some(v.user_id()?),
            source: None,
        };
        super::request::no_mixed_founders(input.founder_kind)?;
        let founder_kind = input
            .founder_kind
            .map(|k| cooperative::FounderKind::from(k).to_value());
        let report =
            crate::krs::run(db(ctx)?, &input.extracts, founder_kind.as_deref(), options).await?;
        Ok(report.into())
    }
}

impl From<import::Report> for ImportCooperativesPayload {
    fn from(report: import::Report) -> Self {
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        ImportCooperativesPayload {
            written: report.written,
            created: count(report.created),
            changed: count(report.changed),
            unchanged: count(report.unchanged),
            rejected: count(report.rejected),
            lines: report
                .lines
                .into_iter()
                .map(|l| {
                    let (action, changes, problems) = match l.outcome {
                        Outcome::Create => (ImportAction::Create, Vec::new(), Vec::new()),
                        Outcome::Unchanged => (ImportAction::Unchanged, Vec::new(), Vec::new()),
                        Outcome::Change(c) => (ImportAction::Change, c, Vec::new()),
                        Outcome::Rejected(p) => (ImportAction::Rejected, Vec::new(), p),
                    };
                    ImportLine {
                        line: count(l.line),
                        key: l.key,
                        name: l.name,
                        action,
                        changes: changes
                            .into_iter()
                            .map(|c| ImportChange {
                                field: c.field.to_owned(),
                                from: c.from,
                                to: c.to,
                            })
                            .collect(),
                        problems: problems
                            .into_iter()
                            .map(|p| ImportProblem {
                                field: p.field,
                                message: p.message,
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}
