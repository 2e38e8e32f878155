//! Bulk import of cooperatives (issue 18): `coophub import cooperatives FILE`,
//! from a CSV file with a header or a JSON array of objects, keyed by the column
//! names of the export (`columns::COOPERATIVE`), so that an export of one coophub
//! imports into another. docs/import.md documents the columns.
//!
//! Each row is checked field by field with the rules the API applies to the same
//! fields, then matched with a cooperative already held by KRS, else NIP, else
//! REGON: it creates one, changes the fields that differ, or changes nothing. A
//! rejected row names its line, its fields and why. By default the import is all
//! or nothing (one transaction, and nothing at all when a row is rejected); a
//! partial import writes the valid rows and reports the others. A dry run reports
//! the same without writing. An empty cell never clears a stored value (clearing
//! is an editor's or a moderator's act), so importing a file again changes nothing.

use crate::db::audit;
use crate::db::search::{reindex, Kind};
use crate::db::write::Write;
use crate::error::{AppError, AppResult};
use crate::ids::{parse_krs, parse_nip, parse_regon};
use crate::validate;
use entity::{audit_entry, cooperative, cooperative_industry, industry, local_government};
use sea_orm::sea_query::Value;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait,
    QueryFilter, QuerySelect, Set,
};
use std::collections::{BTreeMap, HashMap};

/// Columns of the export that coophub derives: an import ignores them. It reads
/// the export's other columns (`columns::COOPERATIVE`).
pub const DERIVED: [&str; 9] = [
    "id",
    "seatName",
    "voivodeship",
    "sectors",
    "activity",
    "reservedContractEligibility",
    "distanceKm",
    "relevance",
    // Where the facts came from: an import records its own.
    "sources",
];

/// The columns an import reads.
pub fn columns() -> impl Iterator<Item = &'static str> {
    crate::columns::COOPERATIVE
        .into_iter()
        .filter(|c| !DERIVED.contains(c))
}

/// The formats an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// The format a file's name says (`.json`, else CSV).
    pub fn of_path(path: &std::path::Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Csv,
        }
    }
}

/// A row as read: its line in the file (CSV) or its place in the array (JSON,
/// from 1), and its non-empty cells by column.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub line: usize,
    pub cells: BTreeMap<String, String>,
    /// Where this row's facts come from, when it is not the whole import's
    /// source (a court-register extract names its KRS number and date).
    pub note: Option<String>,
}

/// Reads a whole file's rows; a file that cannot be read as a whole (not CSV,
/// not a JSON array of objects, an unknown column) is refused with the reason.
pub fn read(bytes: &[u8], format: Format) -> AppResult<Vec<Row>> {
    let rows = match format {
        Format::Csv => read_csv(bytes)?,
        Format::Json => read_json(bytes)?,
    };
    for row in &rows {
        if let Some(col) = row
            .cells
            .keys()
            .find(|c| !crate::columns::COOPERATIVE.contains(&c.as_str()))
        {
            return Err(AppError::invalid(
                "file",
                format!(
                    "unknown column `{col}` (line {}); the columns are: {}",
                    row.line,
                    columns().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    Ok(rows)
}

fn read_csv(bytes: &[u8]) -> AppResult<Vec<Row>> {
    let bad =
        |e: csv::Error| AppError::invalid("file", format!("not a CSV file with a header: {e}"));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header = reader.headers().map_err(bad)?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(bad)?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cells = header
            .iter()
            .zip(record.iter())
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        rows.push(Row {
            line,
            cells,
            note: None,
        });
    }
    Ok(rows)
}

fn read_json(bytes: &[u8]) -> AppResult<Vec<Row>> {
    use serde_json::Value as J;
    let bad = |why: String| AppError::invalid("file", why);
    let items: Vec<serde_json::Map<String, J>> = serde_json::from_slice(bytes)
        .map_err(|e| bad(format!("not a JSON array of objects: {e}")))?;
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let mut cells = BTreeMap::new();
            for (k, v) in item {
                let text = match v {
                    J::Null => continue,
                    J::String(s) => s.trim().to_owned(),
                    J::Number(n) => n.to_string(),
                    J::Bool(b) => b.to_string(),
                    // A list (e.g. `pkdCodes`) as the CSV writes it.
                    J::Array(a) => a
                        .iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
                        .collect::<Vec<_>>()
                        .join(";"),
                    J::Object(_) => {
                        return Err(bad(format!("item {}: `{k}` is an object", i + 1)));
                    }
                };
                if !text.is_empty() {
                    cells.insert(k, text);
                }
            }
            Ok(Row {
                line: i + 1,
                cells,
                note: None,
            })
        })
        .collect()
}

/// One field's change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub field: &'static str,
    pub from: String,
    pub to: String,
}

/// Why a row was rejected: a field (or `row`) and the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

/// What an import does with a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Create,
    Change(Vec<Change>),
    Unchanged,
    Rejected(Vec<Problem>),
}

/// A row's outcome, with the cooperative it names (`KRS 0000123456`, `NIP …`).
#[derive(Debug, Clone)]
pub struct Line {
    pub line: usize,
    pub name: String,
    pub key: String,
    pub outcome: Outcome,
}

/// What an import did (or, a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub lines: Vec<Line>,
    pub created: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub rejected: usize,
    /// Whether anything was written.
    pub written: bool,
}

impl Report {
    /// One line per row and a summary, as the command line prints them.
    pub fn text(&self, dry_run: bool) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for l in &self.lines {
            let _ = match &l.outcome {
                Outcome::Create => {
                    writeln!(out, "line {}: create \"{}\" ({})", l.line, l.name, l.key)
                }
                Outcome::Unchanged => writeln!(out, "line {}: unchanged ({})", l.line, l.key),
                Outcome::Change(changes) => {
                    let list = changes
                        .iter()
                        .map(|c| format!("{}: {} → {}", c.field, c.from, c.to))
                        .collect::<Vec<_>>()
                        .join("; ");
                    writeln!(out, "line {}: change ({}) {list}", l.line, l.key)
                }
                Outcome::Rejected(problems) => {
                    let list = problems
                        .iter()
                        .map(|p| format!("{}: {}", p.field, p.message))
                        .collect::<Vec<_>>()
                        .join("; ");
                    writeln!(out, "line {}: rejected: {list}", l.line)
                }
            };
        }
        // Past tense once written (or when nothing needed writing); else what would be.
        let pending = dry_run || (!self.written && self.created + self.changed > 0);
        let (create, change) = if pending {
            ("to create", "to change")
        } else {
            ("created", "changed")
        };
        let why = if dry_run {
            " (dry run: nothing written)"
        } else if pending {
            " (nothing written: rows were rejected)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{} {create}, {} {change}, {} unchanged, {} rejected{why}",
            self.created, self.changed, self.unchanged, self.rejected
        );
        out
    }
}

/// How an import runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Report only; write nothing.
    pub dry_run: bool,
    /// Write the valid rows even when others are rejected.
    pub partial: bool,
    /// The account that imports (an admin over the API; none on the command line).
    pub actor: Option<i32>,
    /// Where the rows' facts come from, recorded with each change (provenance).
    pub source: Option<crate::db::write::Attribution>,
}

/// A row, checked: the columns it sets with their values, and its PKD codes.
struct Checked {
    name: Option<String>,
    krs: Option<String>,
    nip: Option<String>,
    regon: Option<String>,
    set: Vec<(cooperative::Column, &'static str, Value)>,
    /// Industry ids, the primary first (None: the row names none).
    pkd: Option<Vec<i32>>,
    /// The row's own source note (`Row::note`).
    note: Option<String>,
}

/// What checking needs of the database: gminas by TERYT code, PKD subclasses by code.
struct Reference {
    gminas: HashMap<String, i32>,
    subclasses: HashMap<String, i32>,
}

impl Reference {
    async fn load(db: &DatabaseConnection) -> AppResult<Reference> {
        let gminas = local_government::Entity::find()
            .select_only()
            .column(local_government::Column::Teryt)
            .column(local_government::Column::Id)
            .into_tuple::<(String, i32)>()
            .all(db)
            .await?
            .into_iter()
            .filter(|(t, _)| t.len() == 7)
            .collect();
        let subclasses = industry::Entity::find()
            .filter(industry::Column::Level.eq(industry::Level::Subclass))
            .select_only()
            .column(industry::Column::Code)
            .column(industry::Column::Id)
            .into_tuple::<(String, i32)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        Ok(Reference { gminas, subclasses })
    }
}

/// The value of an enum named `name` (as the API and the export name it), or the
/// names it takes.
fn enum_value<E>(name: &str) -> Result<Value, String>
where
    E: ActiveEnum<Value = String> + sea_orm::Iterable,
{
    E::try_from_value(&name.to_owned())
        .map(|e| e.into_value().into())
        .map_err(|_| {
            let names: Vec<String> = E::iter().map(|e| e.into_value()).collect();
            names.join(", ")
        })
}

/// A text column's rule: its value checked, or None when empty.
type Rule = fn(&str, &str) -> AppResult<Option<String>>;

/// Checks a row's cells; every problem is collected, not only the first.
fn check(row: &Row, reference: &Reference) -> Result<Checked, Vec<Problem>> {
    use cooperative::Column as C;
    let mut problems = Vec::new();
    let mut set: Vec<(C, &'static str, Value)> = Vec::new();
    let cell = |name: &str| row.cells.get(name).map(String::as_str);
    // Each column by its own rule (those of `updateCooperative` where it has one).
    macro_rules! field {
        ($name:literal, $parsed:expr) => {
            match $parsed {
                Ok(v) => v,
                Err(e) => {
                    problems.push(problem($name, e));
                    None
                }
            }
        };
    }
    let text = |v: &str, max| validate::text("name", v, max).map(Some);
    let name = cell("name").and_then(|v| field!("name", text(v, 200)));
    let krs = cell("krs").and_then(|v| field!("krs", parse_krs(v).map(Some)));
    let nip = cell("nip").and_then(|v| field!("nip", parse_nip(v).map(Some)));
    let regon = cell("regon").and_then(|v| field!("regon", parse_regon(v).map(Some)));
    if let Some(v) = &name {
        set.push((C::Name, "name", v.clone().into()));
    }
    for (col, field, v) in [
        (C::Krs, "krs", &krs),
        (C::Nip, "nip", &nip),
        (C::Regon, "regon", &regon),
    ] {
        if let Some(v) = v {
            set.push((col, field, v.clone().into()));
        }
    }
    let enums = [
        (
            C::Status,
            "status",
            cell("status").map(enum_value::<cooperative::Status>),
        ),
        (
            C::FounderKind,
            "founderKind",
            cell("founderKind").map(enum_value::<cooperative::FounderKind>),
        ),
    ];
    for (col, field, parsed) in enums {
        match parsed {
            Some(Ok(value)) => set.push((col, field, value)),
            Some(Err(names)) => problems.push(Problem {
                field: field.into(),
                message: format!(
                    "`{}` is not one of {names}",
                    cell(field).unwrap_or_default()
                ),
            }),
            None => {}
        }
    }
    if let Some(v) = cell("registrationDate") {
        match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            // The Act on social cooperatives dates from 2006 (earlier ones were
            // cooperatives of the disabled or the blind, not social cooperatives).
            Ok(d)
                if d >= chrono::NaiveDate::from_ymd_opt(2004, 1, 1).unwrap_or(d)
                    && d <= chrono::Utc::now().date_naive() =>
            {
                set.push((C::RegistrationDate, "registrationDate", d.into()));
            }
            Ok(_) => problems.push(Problem {
                field: "registrationDate".into(),
                message: format!(
                    "{v} is before social cooperatives existed (2004) or in the future"
                ),
            }),
            Err(_) => problems.push(Problem {
                field: "registrationDate".into(),
                message: format!("`{v}` is not a date like 2019-05-31"),
            }),
        }
    }
    let optional: [(C, &'static str, Rule); 7] = [
        (C::StreetAddress, "street", |f, v| {
            validate::optional_text(f, v, 200)
        }),
        (C::PostalCode, "postalCode", validate::postal_code),
        (C::City, "city", |f, v| validate::optional_text(f, v, 100)),
        (C::Phone, "phone", validate::phone),
        (C::PublicEmail, "publicEmail", validate::public_email),
        (C::Website, "website", validate::website),
        (C::Description, "description", |f, v| {
            validate::optional_text(f, v, 5000)
        }),
    ];
    for (col, field, rule) in optional {
        if let Some(v) = cell(field) {
            match rule(field, v) {
                Ok(Some(v)) => set.push((col, field, v.into())),
                Ok(None) => {}
                Err(e) => problems.push(problem(field, e)),
            }
        }
    }
    for (col, field) in [
        (C::MemberCount, "memberCount"),
        (C::EmployeeCount, "employeeCount"),
    ] {
        if let Some(v) = cell(field) {
            match v
                .parse::<i32>()
                .map_err(|_| AppError::invalid(field, "must be a whole number"))
                .and_then(|n| validate::count(field, n))
            {
                Ok(n) => set.push((col, field, n.into())),
                Err(e) => problems.push(problem(field, e)),
            }
        }
    }
    for (col, field) in [
        (C::ExcludedEmployeeShare, "excludedEmployeeShare"),
        (C::ExcludedMemberShare, "excludedMemberShare"),
    ] {
        if let Some(v) = cell(field) {
            match v
                .parse::<i32>()
                .map_err(|_| AppError::invalid(field, "must be a whole number"))
                .and_then(|n| validate::percent(field, n))
            {
                Ok(n) => set.push((col, field, sea_orm::Value::SmallInt(Some(n)))),
                Err(e) => problems.push(problem(field, e)),
            }
        }
    }
    // Generated records stay marked as such wherever they are imported.
    if let Some(v) = cell("isSample") {
        match v {
            "true" | "false" => set.push((C::IsSample, "isSample", (v == "true").into())),
            _ => problems.push(Problem {
                field: "isSample".into(),
                message: format!("`{v}` is not true or false"),
            }),
        }
    }
    if let Some(v) = cell("seatTeryt") {
        match reference.gminas.get(v) {
            Some(id) => {
                set.push((C::SeatId, "seatId", (*id).into()));
                set.push((C::SeatTeryt, "seatTeryt", v.to_owned().into()));
            }
            None => problems.push(Problem {
                field: "seatTeryt".into(),
                message: format!("`{v}` is not the 7-digit TERYT code of a gmina"),
            }),
        }
    }
    match (cell("latitude"), cell("longitude")) {
        (None, None) => {}
        (Some(lat), Some(lon)) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
            (Ok(lat), Ok(lon)) if (49.0..=54.9).contains(&lat) && (14.1..=24.2).contains(&lon) => {
                set.push((C::Latitude, "latitude", lat.into()));
                set.push((C::Longitude, "longitude", lon.into()));
            }
            _ => problems.push(Problem {
                field: "latitude".into(),
                message: "not in Poland: latitude 49.0–54.9 and longitude 14.1–24.2 degrees".into(),
            }),
        },
        _ => problems.push(Problem {
            field: "latitude".into(),
            message: "give latitude and longitude together".into(),
        }),
    }
    let pkd = cell("pkdCodes").map(|v| {
        let mut ids = Vec::new();
        for code in v.split(';').map(str::trim).filter(|c| !c.is_empty()) {
            match reference.subclasses.get(code) {
                Some(id) if !ids.contains(id) => ids.push(*id),
                Some(_) => {}
                None => problems.push(Problem {
                    field: "pkdCodes".into(),
                    message: format!("`{code}` is not a PKD 2007 subclass like 88.10.Z"),
                }),
            }
        }
        ids
    });
    if krs.is_none()
        && nip.is_none()
        && regon.is_none()
        && !problems
            .iter()
            .any(|p| ["krs", "nip", "regon"].contains(&p.field.as_str()))
    {
        problems.push(Problem {
            field: "krs".into(),
            message: "a row needs a KRS, NIP or REGON number to name its cooperative".into(),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Checked {
        name,
        krs,
        nip,
        regon,
        set,
        pkd,
        note: row.note.clone(),
    })
}

fn problem(field: &str, e: AppError) -> Problem {
    let message = match e {
        AppError::InvalidInput { message, .. } => message,
        other => other.public_message(),
    };
    Problem {
        field: field.into(),
        message,
    }
}

/// A value as a report shows it.
fn shown(v: &Value) -> String {
    match audit::to_json(v) {
        serde_json::Value::Null => "(none)".into(),
        serde_json::Value::String(s) => format!("\"{s}\""),
        j => j.to_string(),
    }
}

/// The cooperatives held, by each identifier, and which of them are sample records.
#[derive(Default)]
struct Held {
    by_krs: HashMap<String, i32>,
    by_nip: HashMap<String, i32>,
    by_regon: HashMap<String, i32>,
    sample: std::collections::HashSet<i32>,
}

impl Held {
    /// The cooperatives holding one of the numbers of `rows`: only those are read
    /// (a one-row proposal reads one or two records, not the directory).
    async fn load<'a>(
        db: &DatabaseConnection,
        rows: impl Iterator<Item = &'a Checked>,
    ) -> AppResult<Held> {
        let mut wanted: [(cooperative::Column, Vec<String>); 3] = [
            (cooperative::Column::Krs, Vec::new()),
            (cooperative::Column::Nip, Vec::new()),
            (cooperative::Column::Regon, Vec::new()),
        ];
        for c in rows {
            for (i, number) in [&c.krs, &c.nip, &c.regon].into_iter().enumerate() {
                if let Some(n) = number {
                    wanted[i].1.push(n.clone());
                }
            }
        }
        let mut held = Held::default();
        for (column, numbers) in wanted {
            for chunk in numbers.chunks(500) {
                for (id, krs, nip, regon, sample) in cooperative::Entity::find()
                    .filter(column.is_in(chunk.iter().cloned()))
                    .select_only()
                    .column(cooperative::Column::Id)
                    .column(cooperative::Column::Krs)
                    .column(cooperative::Column::Nip)
                    .column(cooperative::Column::Regon)
                    .column(cooperative::Column::IsSample)
                    .into_tuple::<(i32, Option<String>, Option<String>, Option<String>, bool)>()
                    .all(db)
                    .await?
                {
                    if sample {
                        held.sample.insert(id);
                    }
                    for (number, index) in [
                        (krs, &mut held.by_krs),
                        (nip, &mut held.by_nip),
                        (regon, &mut held.by_regon),
                    ] {
                        if let Some(n) = number {
                            index.insert(n, id);
                        }
                    }
                }
            }
        }
        Ok(held)
    }
}

/// Imports `rows` (see the module's documentation).
pub async fn run(
    db: &DatabaseConnection,
    rows: &[Row],
    options: Options,
    progress: Option<&indicatif::ProgressBar>,
) -> AppResult<Report> {
    let (mut report, write) = run_in(db, rows, options, progress).await?;
    if let Some(w) = write {
        w.commit().await?;
        report.written = true;
    }
    Ok(report)
}

/// `run`, leaving its write (None: nothing to write) for the caller to add to and
/// commit: a moderator's approval of a proposed cooperative creates it and
/// records the decision in one transaction.
pub async fn run_in(
    db: &DatabaseConnection,
    rows: &[Row],
    options: Options,
    progress: Option<&indicatif::ProgressBar>,
) -> AppResult<(Report, Option<Write>)> {
    let reference = Reference::load(db).await?;
    let code_of: HashMap<i32, &String> = reference
        .subclasses
        .iter()
        .map(|(code, id)| (*id, code))
        .collect();
    // Check every row, then find the cooperatives their numbers name.
    let checks: Vec<(&Row, Result<Checked, Vec<Problem>>)> = rows
        .iter()
        .map(|row| (row, check(row, &reference)))
        .collect();
    let held = Held::load(db, checks.iter().filter_map(|(_, c)| c.as_ref().ok())).await?;
    let mut checked: Vec<(usize, Checked, Option<i32>)> = Vec::new();
    let mut report = Report::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, check) in checks {
        let name = row.cells.get("name").cloned().unwrap_or_default();
        let mut c = match check {
            Ok(c) => c,
            Err(problems) => {
                report.lines.push(Line {
                    line: row.line,
                    name,
                    key: String::new(),
                    outcome: Outcome::Rejected(problems),
                });
                continue;
            }
        };
        let ids = [
            ("krs", &c.krs, &held.by_krs),
            ("nip", &c.nip, &held.by_nip),
            ("regon", &c.regon, &held.by_regon),
        ];
        let mut problems = Vec::new();
        let mut found: Option<i32> = None;
        for (field, value, index) in ids {
            let Some(v) = value else { continue };
            if let Some(first) = seen.get(&format!("{field}:{v}")) {
                problems.push(Problem {
                    field: field.into(),
                    message: format!("{} also on line {first}", v),
                });
            }
            match (found, index.get(v)) {
                (None, Some(id)) => found = Some(*id),
                (Some(a), Some(b)) if a != *b => problems.push(Problem {
                    field: field.into(),
                    message: format!(
                        "{v} belongs to another cooperative than the row's other numbers"
                    ),
                }),
                _ => {}
            }
        }
        // Generated records are not real ones: a real row does not change one that
        // happens to carry its number (sample numbers are not reserved).
        let sample_row = row.cells.get("isSample").is_some_and(|v| v == "true");
        if let Some(id) = found.filter(|id| held.sample.contains(id) && !sample_row) {
            problems.push(Problem {
                field: key_field(&c).into(),
                message: format!(
                    "{} is held by a generated sample cooperative (id {id}); load real data into a database without the sample",
                    key_of(&c)
                ),
            });
        }
        if found.is_none() && c.name.is_none() {
            problems.push(Problem {
                field: "name".into(),
                message: "a new cooperative needs a name".into(),
            });
        }
        for (field, required) in [
            ("seatTeryt", "a seat"),
            ("status", "a legal status"),
            ("founderKind", "its founders' kind"),
        ] {
            if found.is_none() && !c.set.iter().any(|(_, f, _)| *f == field) {
                problems.push(Problem {
                    field: field.into(),
                    message: format!("a new cooperative needs {required}"),
                });
            }
        }
        let key = key_of(&c);
        if !problems.is_empty() {
            report.lines.push(Line {
                line: row.line,
                name,
                key,
                outcome: Outcome::Rejected(problems),
            });
            continue;
        }
        for (field, value) in [("krs", &c.krs), ("nip", &c.nip), ("regon", &c.regon)] {
            if let Some(v) = value {
                seen.insert(format!("{field}:{v}"), row.line);
            }
        }
        c.name = c.name.or(Some(name));
        checked.push((row.line, c, found));
    }
    // The rows that change a cooperative: their fields against what is held.
    let existing_ids: Vec<i32> = checked.iter().filter_map(|(_, _, id)| *id).collect();
    let mut models: HashMap<i32, cooperative::Model> = HashMap::new();
    let mut industries: HashMap<i32, Vec<(i32, bool)>> = HashMap::new();
    for chunk in existing_ids.chunks(500) {
        for m in cooperative::Entity::find()
            .filter(cooperative::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            models.insert(m.id, m);
        }
        for l in cooperative_industry::Entity::find()
            .filter(cooperative_industry::Column::CooperativeId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            industries
                .entry(l.cooperative_id)
                .or_default()
                .push((l.industry_id, l.is_primary));
        }
    }
    let mut plan: Vec<(usize, Checked, Option<i32>, Vec<Change>)> = Vec::new();
    for (line, c, found) in checked {
        let key = key_of(&c);
        let name = c.name.clone().unwrap_or_default();
        let outcome = match found.and_then(|id| models.get(&id)) {
            None => Outcome::Create,
            Some(m) => {
                let mut changes: Vec<Change> = c
                    .set
                    .iter()
                    .filter(|(_, field, _)| *field != "seatId")
                    .filter(|(col, _, v)| m.get(*col) != *v)
                    .map(|(col, field, v)| Change {
                        field,
                        from: shown(&m.get(*col)),
                        to: shown(v),
                    })
                    .collect();
                if let Some(pkd) = &c.pkd {
                    let mut now = industries.get(&m.id).cloned().unwrap_or_default();
                    now.sort_by_key(|(id, primary)| (!primary, *id));
                    let mut wanted: Vec<(i32, bool)> = pkd
                        .iter()
                        .enumerate()
                        .map(|(i, id)| (*id, i == 0))
                        .collect();
                    wanted.sort_by_key(|(id, primary)| (!primary, *id));
                    if now != wanted {
                        let codes = |l: &[(i32, bool)]| {
                            l.iter()
                                .filter_map(|(id, _)| code_of.get(id).map(|c| c.as_str()))
                                .collect::<Vec<_>>()
                                .join(";")
                        };
                        changes.push(Change {
                            field: "pkdCodes",
                            from: format!("\"{}\"", codes(&now)),
                            to: format!("\"{}\"", codes(&wanted)),
                        });
                    }
                }
                if changes.is_empty() {
                    Outcome::Unchanged
                } else {
                    Outcome::Change(changes)
                }
            }
        };
        let changes = match &outcome {
            Outcome::Change(c) => c.clone(),
            _ => Vec::new(),
        };
        report.lines.push(Line {
            line,
            name,
            key,
            outcome: outcome.clone(),
        });
        if outcome != Outcome::Unchanged {
            plan.push((line, c, found, changes));
        }
    }
    report.lines.sort_by_key(|l| l.line);
    for l in &report.lines {
        match l.outcome {
            Outcome::Create => report.created += 1,
            Outcome::Change(_) => report.changed += 1,
            Outcome::Unchanged => report.unchanged += 1,
            Outcome::Rejected(_) => report.rejected += 1,
        }
    }
    if options.dry_run || plan.is_empty() || (report.rejected > 0 && !options.partial) {
        return Ok((report, None));
    }
    // One transaction: all the rows planned are written, or none.
    if let Some(bar) = progress {
        bar.set_length(plan.len() as u64);
    }
    let w = Write::begin(db).await?;
    if let Some((source, note)) = &options.source {
        w.attribute(*source, note.clone());
    }
    // Each change with the import's source, and the row's own note where it has one.
    let noted = |e: audit_entry::ActiveModel, note: &Option<String>| {
        let mut e = audit::attributed(e, &w);
        if note.is_some() {
            e.source_note = Set(note.clone());
        }
        e
    };
    let mut touched = Vec::with_capacity(plan.len());
    let mut entries = Vec::new();
    let mut links: Vec<(i32, &Vec<i32>)> = Vec::new();
    // Changes, row by row: each changes its own columns.
    for (_, c, found, changes) in &plan {
        let Some(id) = found else { continue };
        let model = models
            .get(id)
            .ok_or_else(|| AppError::Internal("a planned cooperative vanished".into()))?;
        let mut am = cooperative::ActiveModel::from(model.clone());
        for (col, field, v) in &c.set {
            if changes
                .iter()
                .any(|ch| ch.field == *field || (*field == "seatId" && ch.field == "seatTeryt"))
            {
                am.set(*col, v.clone());
            }
        }
        am.version = Set(model.version + 1);
        am.update(&w).await?;
        let fields = changes
            .iter()
            .map(|ch| {
                let text = |s: &str| serde_json::Value::String(s.to_owned());
                (ch.field.to_owned(), text(&ch.from), text(&ch.to))
            })
            .collect();
        entries.push(noted(
            audit::entry(
                options.actor,
                "Cooperative",
                *id,
                audit_entry::Action::Update,
                fields,
            ),
            &c.note,
        ));
        if let Some(pkd) = c
            .pkd
            .as_ref()
            .filter(|_| changes.iter().any(|ch| ch.field == "pkdCodes"))
        {
            cooperative_industry::Entity::delete_many()
                .filter(cooperative_industry::Column::CooperativeId.eq(*id))
                .exec(&w)
                .await?;
            links.push((*id, pkd));
        }
        touched.push(*id);
        if let Some(bar) = progress {
            bar.inc(1);
        }
    }
    // New cooperatives, many to a statement; each is found again by its numbers
    // (unique), whatever order the database returns them in.
    let created: Vec<&Checked> = plan
        .iter()
        .filter(|p| p.2.is_none())
        .map(|p| &p.1)
        .collect();
    for chunk in created.chunks(200) {
        let rows = chunk.iter().map(|c| {
            // Every column set (to NULL where the row has none): one statement's
            // rows must set the same columns.
            let mut am = cooperative::ActiveModel {
                is_sample: Set(false),
                version: Set(1),
                ..Default::default()
            };
            for col in NULLABLE {
                am.set(col, value_null(col));
            }
            for (col, _, v) in &c.set {
                am.set(*col, v.clone());
            }
            am
        });
        let inserted = cooperative::Entity::insert_many(rows)
            .exec_with_returning(&w)
            .await?;
        let id_of = |c: &Checked| {
            inserted
                .iter()
                .find(|m| {
                    (c.krs.is_some() && m.krs == c.krs)
                        || (c.nip.is_some() && m.nip == c.nip)
                        || (c.regon.is_some() && m.regon == c.regon)
                })
                .map(|m| m.id)
        };
        for c in chunk {
            let id = id_of(c)
                .ok_or_else(|| AppError::Internal("an inserted cooperative is missing".into()))?;
            let mut fields: Vec<_> = c
                .set
                .iter()
                .filter(|(_, field, _)| *field != "seatId")
                .map(|(_, f, v)| ((*f).to_owned(), serde_json::Value::Null, audit::to_json(v)))
                .collect();
            if let Some(pkd) = &c.pkd {
                let codes: Vec<&str> = pkd
                    .iter()
                    .filter_map(|id| code_of.get(id).map(|c| c.as_str()))
                    .collect();
                fields.push((
                    "pkdCodes".to_owned(),
                    serde_json::Value::Null,
                    serde_json::Value::String(codes.join(";")),
                ));
            }
            entries.push(noted(
                audit::entry(
                    options.actor,
                    "Cooperative",
                    id,
                    audit_entry::Action::Create,
                    fields,
                ),
                &c.note,
            ));
            if let Some(pkd) = &c.pkd {
                links.push((id, pkd));
            }
            touched.push(id);
        }
        if let Some(bar) = progress {
            bar.inc(chunk.len() as u64);
        }
    }
    let links: Vec<cooperative_industry::ActiveModel> = links
        .into_iter()
        .flat_map(|(id, pkd)| {
            pkd.iter()
                .enumerate()
                .map(move |(i, ind)| cooperative_industry::ActiveModel {
                    cooperative_id: Set(id),
                    industry_id: Set(*ind),
                    is_primary: Set(i == 0),
                })
        })
        .collect();
    for chunk in links.chunks(500) {
        cooperative_industry::Entity::insert_many(chunk.to_vec())
            .exec(&w)
            .await?;
    }
    for chunk in entries.chunks(500) {
        audit_entry::Entity::insert_many(chunk.to_vec())
            .exec(&w)
            .await?;
    }
    reindex(&w, Kind::Cooperative, Some(&touched)).await?;
    Ok((report, Some(w)))
}

/// The optional columns an import may leave empty on a new cooperative.
const NULLABLE: [cooperative::Column; 16] = [
    cooperative::Column::Krs,
    cooperative::Column::Nip,
    cooperative::Column::Regon,
    cooperative::Column::RegistrationDate,
    cooperative::Column::StreetAddress,
    cooperative::Column::PostalCode,
    cooperative::Column::City,
    cooperative::Column::Latitude,
    cooperative::Column::Longitude,
    cooperative::Column::Phone,
    cooperative::Column::PublicEmail,
    cooperative::Column::Website,
    cooperative::Column::Description,
    cooperative::Column::MemberCount,
    cooperative::Column::EmployeeCount,
    cooperative::Column::ProfileConfirmedAt,
];

/// A column's NULL, of its type.
fn value_null(col: cooperative::Column) -> Value {
    crate::db::project::Kind::of(col.def().get_column_type())
        .null()
        .unwrap_or(Value::String(None))
}

/// The column of the number that names a row's cooperative.
fn key_field(c: &Checked) -> &'static str {
    match (&c.krs, &c.nip) {
        (Some(_), _) => "krs",
        (None, Some(_)) => "nip",
        _ => "regon",
    }
}

/// How a report names a row's cooperative: by its first number.
fn key_of(c: &Checked) -> String {
    match (&c.krs, &c.nip, &c.regon) {
        (Some(k), _, _) => format!("KRS {k}"),
        (None, Some(n), _) => format!("NIP {n}"),
        (None, None, Some(r)) => format!("REGON {r}"),
        _ => String::new(),
    }
}
