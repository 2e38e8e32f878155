//! Requests about cooperatives that a moderator decides (issue 18).
//!
//! - **A new cooperative.** A signed-in member proposes one (`proposeCooperative`):
//!   its fields are checked by the rules of the bulk import (`import`), kept in
//!   the request (no cooperative exists, so no list, count, search or export can
//!   show it), and become a cooperative only when a moderator approves, in the
//!   same transaction that makes the proposer its editor. Moderators and admins
//!   create directly (`createCooperative`).
//! - **The register's facts.** A cooperative's name, legal status, KRS, NIP and
//!   REGON are the court register's: for a cooperative they are entered in
//!   section 1 of the register of entrepreneurs (§ 74 of the Minister of Justice's
//!   regulation of 17 November 2014 on keeping the registers of the KRS, Dz.U.
//!   2014 poz. 1667, under the National Court Register Act of 20 August 1997),
//!   liquidation and bankruptcy in its later sections, and the legal status
//!   decides whether coophub shows it as a possible supplier for reserved
//!   contracts (art. 94 PZP 2019). A register import or a moderator changes
//!   them. An editor's change to them becomes a CHANGE request
//!   (`updateCooperative` answers it as `changeRequest`); the rest of the edit
//!   applies at once. The registration date and the seat, register facts too,
//!   are not in the edit's input at all: imports set them.
//!
//! Before approving a proposal a moderator sees its possible duplicates: the
//! cooperatives holding one of its numbers, and those in its seat gmina with a
//! name alike. A proposal whose number another cooperative holds cannot be
//! approved (its proposer may claim that cooperative instead).

use crate::db::account::add_role_in;
use crate::db::audit::record;
use crate::db::editing::{
    checked_offering, create_offering_in, offering_refs, update_versioned_in, NewOffering,
};
use crate::db::write::Write;
use crate::error::{AppError, AppResult};
use crate::import::{self, Outcome, Row};
use chrono::Utc;
use entity::audit_entry::{Action, Source};
use entity::claim::Status;
use entity::cooperative_request::{self as request, Kind};
use entity::user_role::Role;
use entity::{cooperative, cooperative_founder as founder, local_government};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait,
    IdenStatic, PaginatorTrait, QueryFilter, QueryOrder, Set, Value,
};
use std::collections::{BTreeMap, BTreeSet};

/// The cooperative's facts that belong to the court register, by the export's
/// column names, with their columns: only a register import or a moderator
/// changes them.
pub const REGISTRY: [(&str, cooperative::Column); 5] = [
    ("name", cooperative::Column::Name),
    ("status", cooperative::Column::Status),
    ("krs", cooperative::Column::Krs),
    ("nip", cooperative::Column::Nip),
    ("regon", cooperative::Column::Regon),
];

/// Fields as a request keeps them: values by the export's column names.
pub type Fields = BTreeMap<String, String>;

/// The fields a request asks for.
pub fn fields_of(r: &request::Model) -> Fields {
    serde_json::from_str(&r.fields).unwrap_or_default()
}

/// The column a registry field is stored in.
fn registry_column(field: &str) -> Option<cooperative::Column> {
    REGISTRY.iter().find(|(f, _)| *f == field).map(|(_, c)| *c)
}

/// The registry field a column holds (None: not one of the register's facts).
pub fn registry_field(col: cooperative::Column) -> Option<&'static str> {
    REGISTRY
        .iter()
        .find(|(_, c)| c.as_str() == col.as_str())
        .map(|(f, _)| *f)
}

/// A registry field's value as a cooperative holds it now (None: empty).
pub fn registry_value(c: &cooperative::Model, field: &str) -> Option<String> {
    match field {
        "name" => Some(c.name.clone()),
        "status" => Some(c.status.to_value()),
        "krs" => c.krs.clone(),
        "nip" => c.nip.clone(),
        "regon" => c.regon.clone(),
        _ => None,
    }
}

/// How many of a member's proposals may wait for a moderator at once.
pub const MAX_PENDING_PROPOSALS: u64 = 20;

/// The field a proposal keeps its legal-person founders in (a JSON array of
/// [`Founder`]); the others are the import's columns.
pub const FOUNDERS: &str = "founders";

/// A legal-person founder as a proposal names it: a local government by its
/// TERYT code, any other legal person by name.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Founder {
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teryt: Option<String>,
}

/// The legal-person founders `fields` name.
pub fn founders_of(fields: &Fields) -> Vec<Founder> {
    fields
        .get(FOUNDERS)
        .and_then(|f| serde_json::from_str(f).ok())
        .unwrap_or_default()
}

/// The field a proposal keeps what the cooperative offers in (a JSON array of
/// [`Offering`]).
pub const OFFERINGS: &str = "offerings";

/// At most this many offerings come with a proposal (more are added by the
/// cooperative's editors once it is approved).
pub const MAX_PROPOSED_OFFERINGS: usize = 30;

/// A product or service as a proposal names it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Offering {
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_km: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub area_teryt: Vec<String>,
}

/// The offerings `fields` name, checked as `createOffering` checks them, their
/// industry and areas served resolved (their `cooperative_id` 0 until the
/// cooperative exists). A fault names the field `offerings` and the offering.
pub async fn checked_offerings(
    db: &DatabaseConnection,
    fields: &Fields,
) -> AppResult<Vec<NewOffering>> {
    let offerings: Vec<Offering> = match fields.get(OFFERINGS) {
        Some(f) => serde_json::from_str(f)
            .map_err(|e| AppError::invalid(OFFERINGS, format!("not a list of offerings: {e}")))?,
        None => Vec::new(),
    };
    if offerings.len() > MAX_PROPOSED_OFFERINGS {
        return Err(AppError::invalid(
            OFFERINGS,
            format!("at most {MAX_PROPOSED_OFFERINGS} offerings with a proposal; its editors add more once it is approved"),
        ));
    }
    let mut checked = Vec::with_capacity(offerings.len());
    for (i, o) in offerings.into_iter().enumerate() {
        // The fault, named by the offering's place and its own field.
        let at = |e: AppError| match e {
            AppError::InvalidInput { field, message } => {
                AppError::invalid(OFFERINGS, format!("offering {}, {field}: {message}", i + 1))
            }
            other => other,
        };
        let kind = entity::offering::Kind::try_from_value(&o.kind).map_err(|_| {
            at(AppError::invalid(
                "kind",
                format!("`{}` is not a kind of offering", o.kind),
            ))
        })?;
        let (industry_id, areas) = offering_refs(db, o.industry_code.as_deref(), &o.area_teryt)
            .await
            .map_err(at)?;
        let new = NewOffering {
            cooperative_id: 0,
            name: o.name,
            description: o.description,
            kind,
            industry_id,
            radius_km: o.radius_km,
            price_note: o.price_note,
            areas,
        };
        checked_offering(&new).map_err(at)?;
        checked.push(new);
    }
    Ok(checked)
}

/// One row of the import, for a proposal's fields (its founders and offerings aside).
fn row_of(fields: &Fields) -> Row {
    let mut cells = fields.clone();
    cells.remove(FOUNDERS);
    cells.remove(OFFERINGS);
    Row {
        line: 1,
        cells,
        note: None,
    }
}

/// Checks the founders of a new cooperative: legal persons (art. 4 and 5 of
/// the Act) only for one founded by legal persons, a local government named by
/// its TERYT code, at most 20; each with the local government it names (a city
/// with powiat rights: its gmina unit).
async fn checked_founders<C: sea_orm::ConnectionTrait>(
    db: &C,
    fields: &Fields,
) -> AppResult<Vec<(founder::Kind, Option<i32>, String)>> {
    let founders = founders_of(fields);
    if founders.is_empty() {
        return Ok(Vec::new());
    }
    if fields.get("founderKind").map(String::as_str) != Some("LEGAL_PERSONS") {
        return Err(AppError::invalid(
            FOUNDERS,
            "legal-person founders are listed for a cooperative founded by legal persons (founderKind LEGAL_PERSONS); natural persons are not listed",
        ));
    }
    if founders.len() > 20 {
        return Err(AppError::invalid(FOUNDERS, "at most 20 founders"));
    }
    let mut out = Vec::new();
    for f in founders {
        let kind = founder::Kind::try_from_value(&f.kind).map_err(|_| {
            AppError::invalid(FOUNDERS, format!("`{}` is not a kind of founder", f.kind))
        })?;
        let name = crate::validate::text(FOUNDERS, &f.name, 200)?;
        let unit = match (kind, &f.teryt) {
            (founder::Kind::LocalGovernment, Some(t)) => {
                let unit = local_government::Entity::find()
                    .filter(local_government::Column::Teryt.eq(t.as_str()))
                    .one(db)
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid(
                            FOUNDERS,
                            format!("`{t}` is not a TERYT code of a local government"),
                        )
                    })?;
                Some(crate::db::local_government::stored_unit(db, unit.id).await?)
            }
            (founder::Kind::LocalGovernment, None) => {
                return Err(AppError::invalid(
                    FOUNDERS,
                    format!("name the local government `{name}` by its TERYT code"),
                ))
            }
            (_, Some(_)) => {
                return Err(AppError::invalid(
                    FOUNDERS,
                    format!("only a local government founder has a TERYT code (`{name}`)"),
                ))
            }
            (_, None) => None,
        };
        out.push((kind, unit, name));
    }
    Ok(out)
}

/// Problems of a rejected row as one error naming its first field.
fn rejected(problems: &[import::Problem]) -> AppError {
    let field = problems.first().map_or("input", |p| p.field.as_str());
    let all: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect();
    AppError::invalid(field, all.join("; "))
}

fn numbered(fields: &Fields) -> AppResult<()> {
    if ["krs", "nip", "regon"]
        .iter()
        .any(|f| fields.contains_key(*f))
    {
        Ok(())
    } else {
        Err(AppError::invalid(
            "krs",
            "give the KRS number, the NIP or the REGON, so that the cooperative can be checked in the register",
        ))
    }
}

/// What the import would do with `fields`, checked (a dry run).
async fn planned(db: &DatabaseConnection, fields: &Fields) -> AppResult<Outcome> {
    numbered(fields)?;
    let options = import::Options {
        dry_run: true,
        ..Default::default()
    };
    let report = import::run(db, &[row_of(fields)], options, None).await?;
    let outcome = report
        .lines
        .into_iter()
        .next()
        .map(|l| l.outcome)
        .ok_or_else(|| AppError::Internal("the import reported no row".into()))?;
    match outcome {
        Outcome::Rejected(problems) => Err(rejected(&problems)),
        o => Ok(o),
    }
}

/// A member's proposal of a new cooperative, checked; private until decided.
pub async fn propose(
    db: &DatabaseConnection,
    user: i32,
    fields: Fields,
    note: Option<String>,
) -> AppResult<request::Model> {
    // A number another cooperative holds does not refuse the proposal: the
    // moderator sees the duplicate (`duplicates`) and decides.
    planned(db, &fields).await?;
    checked_founders(db, &fields).await?;
    checked_offerings(db, &fields).await?;
    let w = Write::begin(db).await?;
    // The moderators' queue is not anyone's to fill: a member's proposals wait
    // a few at a time (a region's list is an import's, docs/import.md).
    let waiting = request::Entity::find()
        .filter(request::Column::UserId.eq(user))
        .filter(request::Column::Kind.eq(Kind::New))
        .filter(request::Column::Status.eq(Status::Pending))
        .count(&w)
        .await?;
    if waiting >= MAX_PENDING_PROPOSALS {
        return Err(AppError::Conflict(format!(
            "{waiting} of your proposals are waiting for a moderator: propose more once they are decided \
             (a whole region's list is imported by an administrator, docs/import.md)"
        )));
    }
    let r = request::ActiveModel {
        kind: Set(Kind::New),
        user_id: Set(user),
        cooperative_id: Set(None),
        fields: Set(serde_json::to_string(&fields).unwrap_or_default()),
        note: Set(note),
        status: Set(Status::Pending),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&w)
    .await?;
    w.commit().await?;
    Ok(r)
}

/// Creates a cooperative from `fields` inside a write the caller commits; a
/// number already held is a conflict.
async fn create_in(
    db: &DatabaseConnection,
    actor: i32,
    fields: &Fields,
) -> AppResult<(Write, cooperative::Model)> {
    numbered(fields)?;
    let founders = checked_founders(db, fields).await?;
    let offerings = checked_offerings(db, fields).await?;
    let options = import::Options {
        actor: Some(actor),
        // The proposer's facts, checked by the moderator who approves them.
        source: Some((Source::Moderator, None)),
        ..Default::default()
    };
    let (report, write) = import::run_in(db, &[row_of(fields)], options, None).await?;
    match report.lines.first().map(|l| &l.outcome) {
        Some(Outcome::Create) => {}
        Some(Outcome::Rejected(problems)) => return Err(rejected(problems)),
        _ => {
            let key = report
                .lines
                .first()
                .map(|l| l.key.clone())
                .unwrap_or_default();
            return Err(AppError::Conflict(format!(
                "{key} is already in the directory: this is a duplicate (its proposer may claim that cooperative)"
            )));
        }
    }
    let w = write.ok_or_else(|| AppError::Internal("the import wrote nothing".into()))?;
    let created = cooperative::Entity::find()
        .filter(holding_a_number(fields)?)
        .one(&w)
        .await?
        .ok_or_else(|| AppError::Internal("the created cooperative is missing".into()))?;
    for (kind, unit, name) in founders {
        founder::ActiveModel {
            cooperative_id: Set(created.id),
            kind: Set(kind),
            local_government_id: Set(unit),
            name: Set(name),
            ..Default::default()
        }
        .insert(&w)
        .await?;
    }
    for o in offerings {
        let o = NewOffering {
            cooperative_id: created.id,
            ..o
        };
        create_offering_in(&w, actor, o).await?;
    }
    Ok((w, created))
}

/// Cooperatives holding one of the KRS, NIP or REGON in `fields` (an empty
/// condition when `fields` has no number). Numbers are compared as the import
/// stores them: digits only, checked.
fn holding_a_number(fields: &Fields) -> AppResult<Condition> {
    let mut any = Condition::any();
    for (field, col) in [
        ("krs", cooperative::Column::Krs),
        ("nip", cooperative::Column::Nip),
        ("regon", cooperative::Column::Regon),
    ] {
        if let Some(v) = fields.get(field) {
            let stored = match field {
                "krs" => crate::ids::parse_krs(v),
                "nip" => crate::ids::parse_nip(v),
                _ => crate::ids::parse_regon(v),
            }?;
            any = any.add(col.eq(stored));
        }
    }
    Ok(any)
}

/// A moderator's or an admin's direct creation of a cooperative.
pub async fn create(
    db: &DatabaseConnection,
    actor: i32,
    fields: Fields,
) -> AppResult<cooperative::Model> {
    let (w, created) = create_in(db, actor, &fields).await?;
    w.commit().await?;
    Ok(created)
}

/// Files an editor's change to registry facts inside the editor's write: only the
/// fields that differ from what the cooperative holds (None: nothing differs).
/// An editor has one pending change per cooperative: a later one is added to it,
/// its values winning, so the moderators' queue holds one request to decide.
pub async fn request_change_in(
    w: &Write,
    user: i32,
    held: &cooperative::Model,
    wanted: Fields,
) -> AppResult<Option<request::Model>> {
    let differs =
        |(f, v): &(String, String)| registry_value(held, f).as_deref() != Some(v.as_str());
    let fields: Fields = wanted.into_iter().filter(differs).collect();
    if fields.is_empty() {
        return Ok(None);
    }
    let pending = request::Entity::find()
        .filter(request::Column::UserId.eq(user))
        .filter(request::Column::CooperativeId.eq(held.id))
        .filter(request::Column::Kind.eq(Kind::Change))
        .filter(request::Column::Status.eq(Status::Pending))
        .one(w)
        .await?;
    if let Some(earlier) = pending {
        let mut merged: Fields = fields_of(&earlier).into_iter().filter(differs).collect();
        merged.extend(fields);
        let mut r: request::ActiveModel = earlier.into();
        r.fields = Set(serde_json::to_string(&merged).unwrap_or_default());
        return Ok(Some(r.update(w).await?));
    }
    let r = request::ActiveModel {
        kind: Set(Kind::Change),
        user_id: Set(user),
        cooperative_id: Set(Some(held.id)),
        fields: Set(serde_json::to_string(&fields).unwrap_or_default()),
        note: Set(None),
        status: Set(Status::Pending),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(w)
    .await?;
    Ok(Some(r))
}

/// Requests by status (oldest first), optionally only one user's.
pub async fn list(
    db: &DatabaseConnection,
    status: Option<Status>,
    user: Option<i32>,
) -> AppResult<Vec<request::Model>> {
    let mut c = Condition::all();
    if let Some(s) = status {
        c = c.add(request::Column::Status.eq(s));
    }
    if let Some(u) = user {
        c = c.add(request::Column::UserId.eq(u));
    }
    Ok(request::Entity::find()
        .filter(c)
        .order_by_asc(request::Column::Id)
        .all(db)
        .await?)
}

pub async fn find(db: &DatabaseConnection, id: i32) -> AppResult<Option<request::Model>> {
    Ok(request::Entity::find_by_id(id).one(db).await?)
}

/// Approves or rejects a pending request, with the moderator's reason. Approval
/// creates the proposed cooperative (its proposer becomes its editor) or applies
/// the change, in the transaction that records the decision.
pub async fn decide(
    db: &DatabaseConnection,
    moderator: i32,
    id: i32,
    approve: bool,
    reason: &str,
) -> AppResult<request::Model> {
    let r = find(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("cooperative request".into()))?;
    if r.status != Status::Pending {
        return Err(AppError::Conflict(format!(
            "this request was already decided ({})",
            r.status.to_value()
        )));
    }
    let fields = fields_of(&r);
    let (w, cooperative_id) = match (approve, r.kind, r.cooperative_id) {
        (false, _, c) => (Write::begin(db).await?, c),
        (true, Kind::New, _) => {
            let (w, created) = create_in(db, moderator, &fields).await?;
            add_role_in(&w, r.user_id, Role::Editor, Some(created.id), None).await?;
            (w, Some(created.id))
        }
        (true, Kind::Change, c) => {
            let c = c.ok_or_else(|| AppError::Internal("a change names no cooperative".into()))?;
            let w = Write::begin(db).await?;
            w.attribute(Source::Moderator, None);
            let held = cooperative::Entity::find_by_id(c)
                .one(&w)
                .await?
                .ok_or_else(|| AppError::NotFound("cooperative".into()))?;
            let changes: Vec<(cooperative::Column, Value)> = fields
                .iter()
                .filter_map(|(f, v)| registry_column(f).map(|col| (col, v.clone().into())))
                .collect();
            update_versioned_in::<cooperative::Entity>(
                &w,
                moderator,
                "Cooperative",
                c,
                held.version,
                changes,
            )
            .await?;
            (w, Some(c))
        }
    };
    let status = if approve {
        Status::Approved
    } else {
        Status::Rejected
    };
    // Conditional on PENDING: two moderators deciding at once cannot both win.
    let done = request::Entity::update_many()
        .col_expr(request::Column::Status, Expr::value(status))
        .col_expr(request::Column::Reason, Expr::value(reason))
        .col_expr(request::Column::DecidedBy, Expr::value(moderator))
        .col_expr(request::Column::DecidedAt, Expr::value(Utc::now()))
        .col_expr(request::Column::CooperativeId, Expr::value(cooperative_id))
        .filter(request::Column::Id.eq(id))
        .filter(request::Column::Status.eq(Status::Pending))
        .exec(&w)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict(
            "another moderator decided this request a moment ago".into(),
        ));
    }
    record(
        &w,
        Some(moderator),
        "CooperativeRequest",
        id,
        Action::Update,
        vec![
            (
                "status".into(),
                serde_json::json!("PENDING"),
                serde_json::json!(status.to_value()),
            ),
            (
                "reason".into(),
                serde_json::Value::Null,
                serde_json::json!(reason),
            ),
        ],
    )
    .await?;
    let decided = request::Entity::find_by_id(id)
        .one(&w)
        .await?
        .ok_or_else(|| AppError::NotFound("cooperative request".into()))?;
    w.commit().await?;
    Ok(decided)
}

/// Words of a cooperative's name that tell it apart: its legal form and any
/// parenthesised note (such as the sample data's "(dane testowe)") left out.
fn distinctive(name: &str) -> BTreeSet<String> {
    const FORM: [&str; 4] = ["spoldzielnia", "socjalna", "ss", "spoldzielni"];
    let mut depth = 0u32;
    let plain: String = name
        .chars()
        .filter(|c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect();
    crate::search::words(&plain)
        .filter(|w| !FORM.contains(&w.as_str()))
        .collect()
}

/// Whether two names are alike: most distinctive words of the shorter are in the other.
pub fn names_alike(a: &str, b: &str) -> bool {
    let (a, b) = (distinctive(a), distinctive(b));
    let smaller = a.len().min(b.len());
    smaller > 0 && 2 * a.intersection(&b).count() > smaller
}

/// Cooperatives a proposal may duplicate: those holding one of its numbers, and
/// those seated in its gmina with a name alike (ordered by id).
pub async fn duplicates(
    db: &DatabaseConnection,
    fields: &Fields,
) -> AppResult<Vec<cooperative::Model>> {
    let mut found: BTreeMap<i32, cooperative::Model> = BTreeMap::new();
    let by_number = holding_a_number(fields)?;
    if !by_number.is_empty() {
        for c in cooperative::Entity::find()
            .filter(by_number)
            .all(db)
            .await?
        {
            found.insert(c.id, c);
        }
    }
    if let (Some(name), Some(teryt)) = (fields.get("name"), fields.get("seatTeryt")) {
        let gmina = local_government::Entity::find()
            .filter(local_government::Column::Teryt.eq(teryt.as_str()))
            .one(db)
            .await?;
        if let Some(g) = gmina {
            for c in cooperative::Entity::find()
                .filter(cooperative::Column::SeatId.eq(g.id))
                .all(db)
                .await?
            {
                if names_alike(name, &c.name) {
                    found.insert(c.id, c);
                }
            }
        }
    }
    Ok(found.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::names_alike;

    #[test]
    fn names_alike_ignore_the_legal_form_and_letters() {
        assert!(names_alike(
            "Spółdzielnia Socjalna „Stokrotka”",
            "stokrotka"
        ));
        assert!(names_alike(
            "SS Zielona Łąka",
            "Spółdzielnia Socjalna Zielona Laka w Kielcach"
        ));
        assert!(!names_alike(
            "Spółdzielnia Socjalna Stokrotka",
            "Spółdzielnia Socjalna Bławatek"
        ));
        assert!(!names_alike(
            "Spółdzielnia Socjalna",
            "Spółdzielnia Socjalna"
        ));
        assert!(!names_alike(
            "SS Bławatek (dane testowe)",
            "SS Zielona Łąka (dane testowe)"
        ));
    }
}
