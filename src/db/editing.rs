//! Writes to editable records: optimistic versions, the audit trail and the
//! search index, in one transaction each. A write that names a stale version
//! changes nothing, and no error can follow a write that was committed (the
//! search tokens of a record change with it, or neither does).

use super::audit::{record, to_json};
use super::search::{reindex, Kind};
use super::write::Write;
use crate::error::{AppError, AppResult};
use entity::audit_entry::Action;
use sea_orm::{
    sea_query::Expr, ColumnTrait, DatabaseConnection, EntityTrait, IdenStatic, ModelTrait,
    QueryFilter, Value,
};
use serde_json::Value as Json;

/// The version column's value (0 if unreadable: no real row has version 0).
fn int(v: Value) -> i32 {
    super::int_value(v).unwrap_or(0)
}

/// A table of editable records: its version column, and the search index its rows
/// feed, refreshed inside the transaction that changes them (None: its rows are
/// not searched).
pub trait Indexed: EntityTrait {
    const VERSION: Self::Column;
    const SEARCH: Option<Kind>;
    /// What a change that breaks one of the table's unique constraints clashes with.
    const CLASH: &'static str = "another record already has this value";
}

impl Indexed for entity::cooperative::Entity {
    const VERSION: Self::Column = entity::cooperative::Column::Version;
    const SEARCH: Option<Kind> = Some(Kind::Cooperative);
    const CLASH: &'static str = "another cooperative already has this KRS, NIP or REGON";
}

impl Indexed for entity::offering::Entity {
    const VERSION: Self::Column = entity::offering::Column::Version;
    const SEARCH: Option<Kind> = Some(Kind::Offering);
}

/// Only verified examples are searchable: verifying one indexes it.
impl Indexed for entity::procurement_example::Entity {
    const VERSION: Self::Column = entity::procurement_example::Column::Version;
    const SEARCH: Option<Kind> = Some(Kind::Procurement);
}

impl Indexed for entity::need::Entity {
    const VERSION: Self::Column = entity::need::Column::Version;
    const SEARCH: Option<Kind> = None;
}

/// Refreshes row `id`'s search tokens inside `txn`, when its table is searched.
async fn index<E: Indexed, C: sea_orm::ConnectionTrait>(txn: &C, id: i32) -> AppResult<()> {
    if let Some(kind) = E::SEARCH {
        reindex(txn, kind, Some(&[id])).await?;
    }
    Ok(())
}

/// Sets `changes` on row `id` of `E` if it is still at `version`, bumps the version,
/// records each changed field and refreshes the row's search tokens. Unchanged values
/// are skipped; no change at all writes nothing.
pub async fn update_versioned<E: EntityTrait + Indexed>(
    db: &DatabaseConnection,
    actor: i32,
    entity_name: &str,
    id: i32,
    version: i32,
    changes: Vec<(E::Column, Value)>,
) -> AppResult<E::Model>
where
    E::Model: Sync,
{
    let txn = Write::begin(db).await?;
    let updated = update_versioned_in::<E>(&txn, actor, entity_name, id, version, changes).await?;
    txn.commit().await?;
    Ok(updated)
}

/// `update_versioned` inside a write the caller commits, with its other statements.
pub async fn update_versioned_in<E: EntityTrait + Indexed>(
    txn: &Write,
    actor: impl Into<Option<i32>>,
    entity_name: &str,
    id: i32,
    version: i32,
    changes: Vec<(E::Column, Value)>,
) -> AppResult<E::Model>
where
    E::Model: Sync,
{
    let (id_col, ver_col) = (super::id_column::<E>()?, E::VERSION);
    let row = E::find()
        .filter(id_col.eq(id))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::NotFound(entity_name.into()))?;
    let current = int(row.get(ver_col));
    if current != version {
        return Err(AppError::StaleVersion { current });
    }
    let mut diffs: Vec<(String, Json, Json)> = Vec::new();
    let mut update = E::update_many()
        .filter(id_col.eq(id))
        .filter(ver_col.eq(version));
    for (col, new) in changes {
        let old = row.get(col);
        if old != new {
            diffs.push((col.as_str().to_owned(), to_json(&old), to_json(&new)));
            update = update.col_expr(col, Expr::value(new));
        }
    }
    if diffs.is_empty() {
        return Ok(row);
    }
    let done = update
        .col_expr(ver_col, Expr::value(version + 1))
        .exec(txn)
        .await
        .map_err(|e| constraint(e, E::CLASH))?;
    if done.rows_affected != 1 {
        // Another writer got in between our read and our write.
        let now = E::find()
            .filter(id_col.eq(id))
            .one(txn)
            .await?
            .map(|r| int(r.get(ver_col)))
            .unwrap_or(current);
        return Err(AppError::StaleVersion { current: now });
    }
    record(txn, actor.into(), entity_name, id, Action::Update, diffs).await?;
    index::<E, _>(txn, id).await?;
    E::find()
        .filter(id_col.eq(id))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::NotFound(entity_name.into()))
}

/// A new row as stored, with what the database keeps itself: `updated_at` is set
/// by a trigger after the insert on SQLite, which the insert's `RETURNING` does
/// not see.
pub async fn as_stored<E, C>(db: &C, row: E::Model, id: i32) -> AppResult<E::Model>
where
    E: EntityTrait,
    C: sea_orm::ConnectionTrait,
{
    Ok(E::find()
        .filter(super::id_column::<E>()?.eq(id))
        .one(db)
        .await?
        .unwrap_or(row))
}

/// The `(field, null, value)` list of a new record, for its CREATE entry.
pub fn creation<E: EntityTrait>(row: &E::Model, fields: &[E::Column]) -> Vec<(String, Json, Json)> {
    fields
        .iter()
        .map(|f| (f.as_str().to_owned(), Json::Null, to_json(&row.get(*f))))
        .collect()
}

/// A write's constraint violation, as the caller can fix it: a duplicate is a
/// conflict (`clash` says with what), a reference to a missing record bad input.
pub fn constraint(e: sea_orm::DbErr, clash: &str) -> AppError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict(clash.into()),
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => {
            AppError::invalid("input", "refers to a record that does not exist")
        }
        _ => e.into(),
    }
}

/// A service area's radius in kilometres: 0 to 500.
pub fn radius_km(v: f64) -> AppResult<f64> {
    if !(0.0..=500.0).contains(&v) || v.is_nan() {
        return Err(AppError::invalid("radiusKm", "must be between 0 and 500"));
    }
    Ok(v)
}

/// An optional text field: absent or blank is None, else at most `max` characters.
fn opt_text(field: &str, v: &Option<String>, max: usize) -> AppResult<Option<String>> {
    v.as_deref()
        .map(|t| crate::validate::optional_text(field, t, max))
        .transpose()
        .map(Option::flatten)
}

/// A new offering as its editor sends it; checked by [`create_offering`].
pub struct NewOffering {
    pub cooperative_id: i32,
    pub name: String,
    pub description: Option<String>,
    pub kind: entity::offering::Kind,
    pub industry_id: Option<i32>,
    pub radius_km: Option<f64>,
    pub price_note: Option<String>,
    /// Local governments it serves.
    pub areas: Vec<i32>,
}

/// At most this many units are named as an offering's areas served (a
/// cooperative serving a whole powiat or voivodeship names that unit).
pub const MAX_OFFERING_AREAS: usize = 100;

/// An offering's industry (a PKD 2007 subclass, e.g. 56.21.Z) and the units it
/// serves in full (TERYT codes), as ids; a fault names `industryCode` or
/// `areaTeryt` as `createOffering` names them.
pub async fn offering_refs(
    db: &DatabaseConnection,
    industry_code: Option<&str>,
    area_teryt: &[String],
) -> AppResult<(Option<i32>, Vec<i32>)> {
    use crate::db::filter::{pkd_prefix, teryt_prefix};
    let industry_id = match industry_code {
        Some(code) => {
            let code = pkd_prefix("industryCode", code)?;
            let found = crate::db::industry::find_industry_by_code(db, &code).await?;
            Some(
                found
                    .filter(|i| i.level == entity::industry::Level::Subclass)
                    .ok_or_else(|| {
                        AppError::invalid("industryCode", "not a PKD 2007 subclass (e.g. 56.21.Z)")
                    })?
                    .id,
            )
        }
        None => None,
    };
    let mut codes = area_teryt.to_vec();
    codes.sort();
    codes.dedup();
    if codes.len() > MAX_OFFERING_AREAS {
        return Err(AppError::invalid(
            "areaTeryt",
            format!("at most {MAX_OFFERING_AREAS} units; name the powiat or voivodeship that holds them"),
        ));
    }
    let mut areas = Vec::with_capacity(codes.len());
    for t in codes {
        let t = teryt_prefix("areaTeryt", &t)?;
        let lg = crate::db::local_government::find_local_government_by_teryt(db, &t).await?;
        areas.push(
            lg.ok_or_else(|| AppError::invalid("areaTeryt", format!("no TERYT unit {t}")))?
                .id,
        );
    }
    Ok((industry_id, areas))
}

/// The row of a new offering, its fields checked (named as `createOffering` names them).
pub fn checked_offering(new: &NewOffering) -> AppResult<entity::offering::ActiveModel> {
    use crate::validate::text;
    use sea_orm::ActiveValue::Set;
    Ok(entity::offering::ActiveModel {
        cooperative_id: Set(new.cooperative_id),
        name: Set(text("name", &new.name, 200)?),
        description: Set(opt_text("description", &new.description, 5000)?),
        kind: Set(new.kind),
        industry_id: Set(new.industry_id),
        radius_km: Set(new.radius_km.map(radius_km).transpose()?),
        price_note: Set(opt_text("priceNote", &new.price_note, 300)?),
        version: Set(1),
        ..Default::default()
    })
}

/// Checks and creates an offering (with its areas served) and records it, its
/// facts from `source` (the cooperative's editor or a moderator).
pub async fn create_offering(
    db: &DatabaseConnection,
    actor: i32,
    source: entity::audit_entry::Source,
    new: NewOffering,
) -> AppResult<entity::offering::Model> {
    let txn = Write::begin(db).await?;
    txn.attribute(source, None);
    let o = create_offering_in(&txn, actor, new).await?;
    txn.commit().await?;
    Ok(o)
}

/// [`create_offering`] inside a write the caller commits (e.g. with the
/// cooperative it belongs to, when a proposal is approved).
pub async fn create_offering_in(
    txn: &Write,
    actor: i32,
    new: NewOffering,
) -> AppResult<entity::offering::Model> {
    use entity::{offering, offering_area};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let row = checked_offering(&new)?;
    let areas = new.areas;
    let o = row
        .insert(txn)
        .await
        .map_err(|e| constraint(e, "this offering already exists"))?;
    for lg in areas {
        offering_area::ActiveModel {
            offering_id: Set(o.id),
            local_government_id: Set(lg),
        }
        .insert(txn)
        .await?;
    }
    let fields = [
        offering::Column::Name,
        offering::Column::Description,
        offering::Column::Kind,
        offering::Column::IndustryId,
        offering::Column::RadiusKm,
        offering::Column::PriceNote,
    ];
    record(
        txn,
        Some(actor),
        "Offering",
        o.id,
        Action::Create,
        creation::<offering::Entity>(&o, &fields),
    )
    .await?;
    index::<offering::Entity, _>(txn, o.id).await?;
    Ok(o)
}

/// Deletes an offering that is still at `version`, and records what it was.
pub async fn delete_offering(
    db: &DatabaseConnection,
    actor: i32,
    id: i32,
    version: i32,
) -> AppResult<()> {
    use entity::{offering, offering_area};
    let txn = Write::begin(db).await?;
    let o = offering::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("offering".into()))?;
    if o.version != version {
        return Err(AppError::StaleVersion { current: o.version });
    }
    offering_area::Entity::delete_many()
        .filter(offering_area::Column::OfferingId.eq(id))
        .exec(&txn)
        .await?;
    let done = offering::Entity::delete_many()
        .filter(offering::Column::Id.eq(id))
        .filter(offering::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::StaleVersion {
            current: version + 1,
        });
    }
    let fields = [
        offering::Column::CooperativeId,
        offering::Column::Name,
        offering::Column::Description,
        offering::Column::Kind,
        offering::Column::PriceNote,
    ];
    let old = creation::<offering::Entity>(&o, &fields)
        .into_iter()
        .map(|(f, _, v)| (f, v, Json::Null))
        .collect();
    record(&txn, Some(actor), "Offering", id, Action::Delete, old).await?;
    // Its tokens go with it.
    index::<offering::Entity, _>(&txn, id).await?;
    txn.commit().await?;
    Ok(())
}

/// A proposed procurement example as its proposer sends it; checked by
/// [`propose_procurement_example`].
pub struct NewProcurementExample {
    pub buyer_id: i32,
    pub buyer_unit: Option<String>,
    pub subject: String,
    pub procedure: entity::procurement_example::Procedure,
    pub value_grosze: Option<i64>,
    pub year: i32,
    pub outcome: Option<String>,
    pub lessons: Option<String>,
    pub source: Option<String>,
    /// The supplying cooperatives with their roles: exactly one lead, none twice.
    pub suppliers: Vec<(i32, entity::procurement_supplier::Role)>,
}

/// Checks and stores a proposed procurement example (unverified, until a moderator
/// verifies it) with its suppliers, and records it.
pub async fn propose_procurement_example(
    db: &DatabaseConnection,
    actor: i32,
    new: NewProcurementExample,
) -> AppResult<entity::procurement_example::Model> {
    use crate::validate::{source, text};
    use entity::{procurement_example, procurement_supplier};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let suppliers = new.suppliers;
    let mut seen = std::collections::HashSet::new();
    if !suppliers.iter().all(|(c, _)| seen.insert(*c)) {
        return Err(AppError::invalid(
            "suppliers",
            "a cooperative is listed twice",
        ));
    }
    let leads = suppliers
        .iter()
        .filter(|(_, r)| *r == procurement_supplier::Role::Lead)
        .count();
    if leads != 1 {
        return Err(AppError::invalid(
            "suppliers",
            "name exactly one LEAD supplier",
        ));
    }
    // Public procurement law as coophub covers it: the 2004 Act (Dz.U. 2004 nr 19 poz.
    // 177) and the 2019 one in force from 2021.
    let this_year = chrono::Datelike::year(&chrono::Utc::now());
    if !(2004..=this_year).contains(&new.year) {
        return Err(AppError::invalid(
            "year",
            format!("must be between 2004 and {this_year}"),
        ));
    }
    crate::law::check(new.procedure, new.year, new.value_grosze)?;
    let row = procurement_example::ActiveModel {
        buyer_id: Set(new.buyer_id),
        buyer_unit: Set(opt_text("buyerUnit", &new.buyer_unit, 200)?),
        subject: Set(text("subject", &new.subject, 500)?),
        industry_id: Set(None),
        procedure: Set(new.procedure),
        value_grosze: Set(new.value_grosze),
        year: Set(new.year),
        outcome: Set(opt_text("outcome", &new.outcome, 5000)?),
        lessons: Set(opt_text("lessons", &new.lessons, 5000)?),
        source: Set(new
            .source
            .as_deref()
            .map(|s| source("source", s, 500))
            .transpose()?
            .flatten()),
        is_sample: Set(false),
        version: Set(1),
        verified: Set(false),
        proposed_by: Set(Some(actor)),
        ..Default::default()
    };
    let txn = Write::begin(db).await?;
    let p = row
        .insert(&txn)
        .await
        .map_err(|e| constraint(e, "this procurement example already exists"))?;
    for (coop, role) in suppliers {
        procurement_supplier::ActiveModel {
            procurement_example_id: Set(p.id),
            cooperative_id: Set(coop),
            role: Set(role),
        }
        .insert(&txn)
        .await?;
    }
    let fields = [
        procurement_example::Column::BuyerId,
        procurement_example::Column::Subject,
        procurement_example::Column::Procedure,
        procurement_example::Column::ValueGrosze,
        procurement_example::Column::Year,
        procurement_example::Column::Outcome,
        procurement_example::Column::Lessons,
        procurement_example::Column::Source,
    ];
    record(
        &txn,
        Some(actor),
        "ProcurementExample",
        p.id,
        Action::Create,
        creation::<procurement_example::Entity>(&p, &fields),
    )
    .await?;
    let id = p.id;
    let p = as_stored::<procurement_example::Entity, _>(&txn, p, id).await?;
    txn.commit().await?;
    Ok(p)
}
