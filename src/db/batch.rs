//! Batch queries behind the DataLoaders: each takes many keys and answers in
//! one statement, so a GraphQL query's statement count depends on its shape,
//! never on how many parents a page holds.

use super::filter::sector_cooperatives_sql;
use super::{column, int_value as int};
use crate::error::{AppError, AppResult};
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

/// The first `limit` rows of `E` per key of the column `key` (in the `order` of
/// [`by_key`]), and how many rows each key has in all: "first n per parent" for a
/// page of parents in one statement, by window functions. `only` narrows the rows
/// first (it is what the list shows).
pub async fn first_by_key<E: EntityTrait>(
    db: &DatabaseConnection,
    key: &str,
    order: &[&str],
    only: Condition,
    keys: &[i32],
    limit: u64,
) -> AppResult<HashMap<i32, (u64, Vec<E::Model>)>> {
    use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Query};
    use sea_orm::{QuerySelect, QueryTrait};
    let key_col = column::<E>(key)?;
    let mut by = Vec::new();
    for o in order {
        let (name, dir) = o.strip_prefix('-').map_or((*o, "ASC"), |d| (d, "DESC"));
        column::<E>(name)?;
        by.push(format!("\"{name}\" {dir}"));
    }
    let inner = E::find()
        .filter(key_col.is_in(keys.iter().copied()))
        .filter(only)
        .expr_as(
            Expr::cust(format!(
                "ROW_NUMBER() OVER (PARTITION BY \"{key}\" ORDER BY {})",
                by.join(", ")
            )),
            "page_rank",
        )
        .expr_as(
            Expr::cust(format!("COUNT(*) OVER (PARTITION BY \"{key}\")")),
            "page_total",
        )
        .into_query();
    let s = Alias::new("s");
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(inner, s.clone())
        .and_where(
            Expr::col((s.clone(), Alias::new("page_rank")))
                .lte(i64::try_from(limit).unwrap_or(i64::MAX)),
        )
        .order_by((s.clone(), Alias::new(key)), sea_orm::Order::Asc)
        .order_by((s, Alias::new("page_rank")), sea_orm::Order::Asc)
        .to_owned();
    let backend = db.get_database_backend();
    let mut out: HashMap<i32, (u64, Vec<E::Model>)> = HashMap::new();
    for row in db.query_all_raw(backend.build(&outer)).await? {
        let m = <E::Model as FromQueryResult>::from_query_result(&row, "")?;
        let total: i64 = row.try_get("", "page_total")?;
        if let Some(k) = int(m.get(key_col)) {
            out.entry(k)
                .or_insert_with(|| (u64::try_from(total).unwrap_or(0), Vec::new()))
                .1
                .push(m);
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
/// instead of every cooperative of every unit. The units are TERYT codes of one
/// length (one level of the tree), so each cooperative belongs to at most one.
///
/// `named_only`: the page shows nothing but each cooperative's id and name, which the
/// ranking reads from the index anyway; the rows are then not read whole at all (see
/// [`named_only`]).
pub async fn first_cooperatives_in_units(
    db: &DatabaseConnection,
    prefixes: &[String],
    limit: u64,
    named_only: bool,
) -> AppResult<HashMap<String, (u64, Vec<cooperative::Model>)>> {
    let len = prefixes.first().map_or(0, String::len);
    if prefixes
        .iter()
        .any(|p| p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(AppError::Internal(
            "first_cooperatives_in_units takes TERYT codes of one level".into(),
        ));
    }
    let backend = db.get_database_backend();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut param = |v: sea_orm::Value| {
        values.push(v);
        // Numbered: the text does not use them in the order they are pushed.
        match backend {
            sea_orm::DatabaseBackend::Postgres => format!("${}", values.len()),
            _ => format!("?{}", values.len()),
        }
    };
    let units = prefixes
        .iter()
        .map(|p| param(p.clone().into()))
        .collect::<Vec<_>>()
        .join(", ");
    // Gminas (the seats themselves) by equality: an index-only scan of (seat_teryt, name,
    // id) hands PostgreSQL the rows already in window order. A LIKE per unit, OR-ed, made
    // it test every unit's pattern on every row of a bitmap scan: 6× slower for 100 units.
    let (unit, wanted) = if len >= GMINA_CODE_LEN {
        (
            "c.seat_teryt".to_owned(),
            format!("c.seat_teryt IN ({units})"),
        )
    } else {
        // Higher units: one index range from the first to past the last, then exactly.
        let unit = format!("substr(c.seat_teryt, 1, {len})");
        let first = prefixes.iter().min().cloned().unwrap_or_default();
        let last = prefixes.iter().max().cloned().unwrap_or_default();
        let (lo, hi) = (param(first.into()), param(past_prefix(&last).into()));
        let wanted =
            format!("c.seat_teryt >= {lo} AND c.seat_teryt < {hi} AND {unit} IN ({units})");
        (unit, wanted)
    };
    let limit = param(i64::try_from(limit).unwrap_or(i64::MAX).into());
    // Ranked and counted on narrow rows (the index covers them); then only the rows
    // shown are read whole, by id. (One statement joining them back made PostgreSQL
    // hash-join the whole table: it cannot foresee how few ranks pass.)
    let sql = format!(
        "SELECT s.id, s.name, s.unit_prefix, s.unit_total FROM (SELECT c.id, c.name, {unit} AS unit_prefix, \
           ROW_NUMBER() OVER (PARTITION BY {unit} ORDER BY c.name, c.id) AS unit_rank, \
           COUNT(*) OVER (PARTITION BY {unit}) AS unit_total \
         FROM cooperative c WHERE {wanted}) s \
         WHERE s.unit_rank <= {limit} ORDER BY s.unit_prefix, s.unit_rank"
    );
    let ranked = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let mut order: Vec<(String, i64, i32, String)> = Vec::with_capacity(ranked.len());
    for row in ranked {
        order.push((
            row.try_get("", "unit_prefix")?,
            row.try_get("", "unit_total")?,
            row.try_get("", "id")?,
            row.try_get("", "name")?,
        ));
    }
    let mut rows = if named_only {
        HashMap::new()
    } else {
        let ids: Vec<i32> = order.iter().map(|(_, _, id, _)| *id).collect();
        by_ids::<cooperative::Entity>(db, &ids).await?
    };
    let mut out: HashMap<String, (u64, Vec<cooperative::Model>)> = HashMap::new();
    for (unit, total, id, name) in order {
        let e = out
            .entry(unit.clone())
            .or_insert((u64::try_from(total).unwrap_or(0), Vec::new()));
        if named_only {
            e.1.push(named_only_model(id, name, unit));
        } else if let Some(m) = rows.remove(&id) {
            e.1.push(m);
        }
    }
    Ok(out)
}

/// A cooperative known by its id and name only, the rest left empty: only for a
/// page whose nodes ask for nothing else (`LocalGovernment.cooperatives` checks its
/// selection before it asks for these).
fn named_only_model(id: i32, name: String, seat_teryt: String) -> cooperative::Model {
    cooperative::Model {
        id,
        name,
        krs: None,
        nip: None,
        regon: None,
        registration_date: None,
        status: String::new(),
        founder_kind: String::new(),
        street_address: None,
        postal_code: None,
        city: None,
        seat_id: 0,
        seat_teryt,
        latitude: None,
        longitude: None,
        phone: None,
        public_email: None,
        website: None,
        description: None,
        member_count: None,
        employee_count: None,
        is_sample: false,
        version: 0,
        profile_confirmed_at: None,
        excluded_employee_share: None,
    }
}

/// The length of a gmina's TERYT code, the longest there is: every seat has one, so a
/// unit of this length holds exactly the cooperatives seated in it.
const GMINA_CODE_LEN: usize = 7;

/// The least string above every string that starts with the TERYT code `p` (digits).
fn past_prefix(p: &str) -> String {
    let mut s = p.to_owned();
    if let Some(last) = s.pop() {
        // A digit's successor (':' after '9'): every code that starts with `p` sorts below.
        s.push(char::from(last as u8 + 1));
    }
    s
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
