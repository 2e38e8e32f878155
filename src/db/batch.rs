//! Batch queries behind the DataLoaders: each takes many keys and answers in
//! one statement, so a GraphQL query's statement count depends on its shape,
//! never on how many parents a page holds.

use super::filter::sector_cooperatives_sql;
use super::{column, int_value as int};
use crate::error::AppResult;
use entity::{cooperative, industry};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult,
    ModelTrait, QueryFilter, QueryOrder, Statement,
};
use std::collections::HashMap;

/// Rows of `E` whose `id` is among `keys`.
pub async fn by_ids<E: EntityTrait>(
    db: &DatabaseConnection,
    keys: &[i32],
) -> AppResult<HashMap<i32, E::Model>> {
    let id = column::<E>("id")?;
    let rows = E::find()
        .filter(id.is_in(keys.iter().copied()))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| int(m.get(id)).map(|k| (k, m)))
        .collect())
}

/// Rows of `E` grouped by the integer column `key`, each group ordered by the `order` columns
/// (a leading `-` means descending).
pub async fn by_key<E: EntityTrait>(
    db: &DatabaseConnection,
    key: &str,
    order: &[&str],
    keys: &[i32],
) -> AppResult<HashMap<i32, Vec<E::Model>>> {
    let key_col = column::<E>(key)?;
    let mut q = E::find().filter(key_col.is_in(keys.iter().copied()));
    for o in order {
        q = match o.strip_prefix('-') {
            Some(desc) => q.order_by_desc(column::<E>(desc)?),
            None => q.order_by_asc(column::<E>(o)?),
        };
    }
    let mut out: HashMap<i32, Vec<E::Model>> = HashMap::new();
    for m in q.all(db).await? {
        if let Some(k) = int(m.get(key_col)) {
            out.entry(k).or_default().push(m);
        }
    }
    Ok(out)
}

/// Cooperatives seated in each TERYT unit or below it, ordered by name.
pub async fn cooperatives_in_units(
    db: &DatabaseConnection,
    prefixes: &[String],
) -> AppResult<HashMap<String, Vec<cooperative::Model>>> {
    let mut cond = Condition::any();
    for p in prefixes {
        cond = cond.add(cooperative::Column::SeatTeryt.like(format!("{p}%")));
    }
    let rows = cooperative::Entity::find()
        .filter(cond)
        .order_by_asc(cooperative::Column::Name)
        .order_by_asc(cooperative::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<String, Vec<cooperative::Model>> = HashMap::new();
    for m in rows {
        for p in prefixes
            .iter()
            .filter(|p| m.seat_teryt.starts_with(p.as_str()))
        {
            out.entry(p.clone()).or_default().push(m.clone());
        }
    }
    Ok(out)
}

/// The first `limit` cooperatives (by name) seated in each TERYT unit or below it,
/// and how many there are in all: one statement for every unit of a page, which
/// sends only the rows a page shows ("first n per parent", by window functions)
/// instead of every cooperative of every unit. Units must not contain one another
/// (one level of the tree: siblings), so each cooperative belongs to one of them.
pub async fn first_cooperatives_in_units(
    db: &DatabaseConnection,
    prefixes: &[String],
    limit: u64,
) -> AppResult<HashMap<String, (u64, Vec<cooperative::Model>)>> {
    let backend = db.get_database_backend();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let param = |v: sea_orm::Value, values: &mut Vec<sea_orm::Value>| {
        values.push(v);
        match backend {
            sea_orm::DatabaseBackend::Postgres => format!("${}", values.len()),
            _ => "?".to_owned(),
        }
    };
    let mut cases = String::new();
    for p in prefixes {
        let like = param(format!("{p}%").into(), &mut values);
        let unit = param(p.clone().into(), &mut values);
        cases.push_str(&format!(" WHEN c.seat_teryt LIKE {like} THEN {unit}"));
    }
    let mut wheres = Vec::new();
    for p in prefixes {
        wheres.push(format!(
            "c.seat_teryt LIKE {}",
            param(format!("{p}%").into(), &mut values)
        ));
    }
    let limit = param(i64::try_from(limit).unwrap_or(i64::MAX).into(), &mut values);
    // Ranked and counted on narrow rows (an index on seat_teryt, name, id covers them);
    // then only the rows shown are read whole, by id. (One statement joining them back
    // made PostgreSQL hash-join the whole table: it cannot foresee how few ranks pass.)
    let sql = format!(
        "SELECT s.id, s.unit_prefix, s.unit_total FROM (SELECT t.id, t.unit_prefix, \
           ROW_NUMBER() OVER (PARTITION BY t.unit_prefix ORDER BY t.name, t.id) AS unit_rank, \
           COUNT(*) OVER (PARTITION BY t.unit_prefix) AS unit_total \
         FROM (SELECT c.id, c.name, CASE{cases} END AS unit_prefix FROM cooperative c WHERE {}) t) s \
         WHERE s.unit_rank <= {limit} ORDER BY s.unit_prefix, s.unit_rank",
        wheres.join(" OR ")
    );
    let ranked = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let mut order: Vec<(String, i64, i32)> = Vec::with_capacity(ranked.len());
    for row in ranked {
        order.push((
            row.try_get("", "unit_prefix")?,
            row.try_get("", "unit_total")?,
            row.try_get("", "id")?,
        ));
    }
    let ids: Vec<i32> = order.iter().map(|(_, _, id)| *id).collect();
    let mut rows = by_ids::<cooperative::Entity>(db, &ids).await?;
    let mut out: HashMap<String, (u64, Vec<cooperative::Model>)> = HashMap::new();
    for (unit, total, id) in order {
        let e = out
            .entry(unit)
            .or_insert((u64::try_from(total).unwrap_or(0), Vec::new()));
        if let Some(m) = rows.remove(&id) {
            e.1.push(m);
        }
    }
    Ok(out)
}

/// Cooperative ids having an industry in each PKD subtree (keyed by the subtree's path).
pub async fn cooperative_ids_under_paths(
    db: &DatabaseConnection,
    paths: &[String],
) -> AppResult<HashMap<String, Vec<i32>>> {
    let mut cond = Condition::any();
    for p in paths {
        cond = cond
            .add(industry::Column::Path.eq(p.as_str()))
            .add(industry::Column::Path.like(format!("{p}/%")));
    }
    let stmt = super::filter::cooperative_industries()
        .column((industry::Entity, industry::Column::Path))
        .cond_where(cond)
        .to_owned();
    let rows = PathCoop::find_by_statement(db.get_database_backend().build(&stmt))
        .all(db)
        .await?;
    let mut out: HashMap<String, Vec<i32>> = HashMap::new();
    for PathCoop {
        cooperative_id: coop,
        path,
    } in rows
    {
        for p in paths
            .iter()
            .filter(|p| path == **p || path.starts_with(&format!("{p}/")))
        {
            out.entry(p.clone()).or_default().push(coop);
        }
    }
    for ids in out.values_mut() {
        ids.sort_unstable();
        ids.dedup();
    }
    Ok(out)
}

#[derive(FromQueryResult)]
struct PathCoop {
    cooperative_id: i32,
    path: String,
}

#[derive(FromQueryResult)]
struct SectorCoop {
    sector_id: i32,
    cooperative_id: i32,
}

/// (sector id, cooperative id) pairs for the given sectors or the given cooperatives.
pub async fn sector_cooperative_pairs(
    db: &DatabaseConnection,
    sector_ids: Option<&[i32]>,
    cooperative_ids: Option<&[i32]>,
) -> AppResult<Vec<(i32, i32)>> {
    // Keys are integers, so they are written into the statement directly.
    let list = |ids: &[i32]| super::directory::id_list(ids);
    let mut sql = match sector_ids {
        Some(ids) => sector_cooperatives_sql(&list(ids)),
        None => sector_cooperatives_sql("SELECT id FROM sector"),
    };
    if let Some(ids) = cooperative_ids {
        sql.push_str(&format!(" AND ci.cooperative_id IN ({})", list(ids)));
    }
    sql.push_str(" ORDER BY 1, 2");
    let rows =
        SectorCoop::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
            .all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.sector_id, r.cooperative_id))
        .collect())
}
