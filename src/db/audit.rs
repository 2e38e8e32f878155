//! The audit trail: every change to an editable record, field by field.

use super::keyset::{self, Keyset, Paged, Part, Seek};
use super::project::Cols;
use crate::db::write::Write;
use crate::error::AppResult;
use chrono::Utc;
use entity::audit_entry;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Value,
};
use serde_json::{json, Value as Json};

/// A database value as JSON, for the trail.
pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Bool(Some(b)) => json!(b),
        Value::Int(Some(i)) => json!(i),
        Value::BigInt(Some(i)) => json!(i),
        Value::Double(Some(f)) => json!(f),
        Value::String(Some(s)) => json!(s),
        Value::ChronoDate(Some(d)) => json!(d.to_string()),
        Value::ChronoDateTimeUtc(Some(d)) => json!(d.to_rfc3339()),
        _ => Json::Null,
    }
}

/// Writes one entry: `(field, old, new)` for each changed field.
pub async fn record(
    db: &Write,
    actor: Option<i32>,
    entity: &str,
    record_id: i32,
    action: audit_entry::Action,
    changes: Vec<(String, Json, Json)>,
) -> AppResult<()> {
    attributed(entry(actor, entity, record_id, action, changes), db)
        .insert(db)
        .await?;
    Ok(())
}

/// `e` with the source of the facts its write records ([`Write::attribute`]).
pub fn attributed(mut e: audit_entry::ActiveModel, w: &Write) -> audit_entry::ActiveModel {
    if let Some((source, note)) = w.attribution() {
        e.source = Set(Some(source));
        e.source_note = Set(note);
    }
    e
}

/// An entry to write (many at once: an import's).
pub fn entry(
    actor: Option<i32>,
    entity: &str,
    record_id: i32,
    action: audit_entry::Action,
    changes: Vec<(String, Json, Json)>,
) -> audit_entry::ActiveModel {
    let changes: Vec<Json> = changes
        .into_iter()
        .map(|(f, o, n)| json!({ "field": f, "old": o, "new": n }))
        .collect();
    audit_entry::ActiveModel {
        actor_user_id: Set(actor),
        at: Set(Utc::now()),
        entity: Set(entity.to_owned()),
        record_id: Set(record_id),
        action: Set(action),
        changes: Set(Json::Array(changes).to_string()),
        ..Default::default()
    }
}

/// A record's history: newest first.
pub const NEWEST_FIRST: Keyset<audit_entry::Column> = Keyset {
    tag: "history",
    parts: &[Part::desc(audit_entry::Column::Id)],
};

/// A record's history, newest first.
pub async fn history(
    db: &DatabaseConnection,
    entity: &str,
    record_id: i32,
    seek: &Seek,
) -> AppResult<Paged<audit_entry::Model>> {
    let q = audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq(entity))
        .filter(audit_entry::Column::RecordId.eq(record_id));
    keyset::page(db, q, &NEWEST_FIRST, seek, Cols::ALL).await
}

/// Every entry a user made, oldest first (for their data export).
pub async fn authored_by(
    db: &DatabaseConnection,
    user_id: i32,
) -> AppResult<Vec<audit_entry::Model>> {
    Ok(audit_entry::Entity::find()
        .filter(audit_entry::Column::ActorUserId.eq(user_id))
        .order_by_asc(audit_entry::Column::Id)
        .all(db)
        .await?)
}

/// The creations and updates of each of `ids` (cooperatives), newest first: what
/// their facts' provenance is read from.
pub async fn of_cooperatives(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<std::collections::HashMap<i32, Vec<audit_entry::Model>>> {
    of_records(db, "Cooperative", ids).await
}

/// The creations and updates of the records `ids` of `entity`, newest first.
pub async fn of_records(
    db: &DatabaseConnection,
    entity: &str,
    ids: &[i32],
) -> AppResult<std::collections::HashMap<i32, Vec<audit_entry::Model>>> {
    let mut by_id: std::collections::HashMap<i32, Vec<audit_entry::Model>> =
        std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = audit_entry::Entity::find()
            .filter(audit_entry::Column::Entity.eq(entity))
            .filter(audit_entry::Column::RecordId.is_in(chunk.iter().copied()))
            .filter(
                audit_entry::Column::Action
                    .is_in([audit_entry::Action::Create, audit_entry::Action::Update]),
            )
            .order_by_desc(audit_entry::Column::Id)
            .all(db)
            .await?;
        for r in rows {
            by_id.entry(r.record_id).or_default().push(r);
        }
    }
    Ok(by_id)
}
