//! Batch queries behind the DataLoaders: each takes many keys and answers in
//! one statement, so a GraphQL query's statement count depends on its shape,
//! never on how many parents a page holds.

use super::filter::sector_cooperatives_sql;
use super::project::{self, Cols, Decode};
use super::{int_value as int, Head};
use crate::error::{AppError, AppResult};
use entity::{cooperative, industry, procurement_example};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult,
    IdenStatic, ModelTrait, QueryFilter, QueryOrder, Statement,
};
use std::collections::HashMap;

/// The direction of one column of a list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Asc,
    Desc,
}

/// A list's order: columns of `E`, each ascending or descending.
pub type Order<E> = &'static [(<E as EntityTrait>::Column, Dir)];

/// Rows of `E` whose `id` is among `keys`, with the columns `cols` (see [`Cols`]).
pub async fn by_ids<E: Decode>(
    db: &DatabaseConnection,
    keys: &[i32],
    cols: Cols<E>,
) -> AppResult<HashMap<i32, E::Model>> {
    let id = super::id_column::<E>()?;
    let rows = project::all(db, cols.find().filter(id.is_in(keys.iter().copied())), cols).await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| int(m.get(id)).map(|k| (k, m)))
        .collect())
}

/// `keys` as bind parameters (`$1, $2, …` or `?, ?, …`) and their values: a page of
/// n parents is then one statement text whatever the ids, which PostgreSQL plans once
/// per connection (ids written into the text cost a plan for every page).
pub(crate) fn key_params(
    backend: sea_orm::DatabaseBackend,
    keys: &[i32],
) -> (String, Vec<sea_orm::Value>) {
    let list = (1..=keys.len())
        .map(|i| match backend {
            sea_orm::DatabaseBackend::Postgres => format!("${i}"),
            _ => "?".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    (list, keys.iter().map(|k| (*k).into()).collect())
}

/// Each cooperative's PKD subclasses with their rows (by subclass id), and whether
/// each is its primary one: links and subclasses in one statement.
pub async fn industries_of_cooperatives(
    db: &DatabaseConnection,
    keys: &[i32],
) -> AppResult<HashMap<i32, Vec<(bool, industry::Model)>>> {
    let backend = db.get_database_backend();
    let (list, values) = key_params(backend, keys);
    // Each subclass by its key (`OFFSET 0` keeps PostgreSQL from hashing the whole
    // PKD table for a page's few dozen links).
    let industry = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "CROSS JOIN LATERAL (SELECT * FROM industry WHERE industry.id = ci.industry_id OFFSET 0) i"
        }
        _ => "JOIN industry i ON i.id = ci.industry_id",
    };
    let sql = format!(
        "SELECT ci.cooperative_id, ci.is_primary, i.* FROM cooperative_industry ci {industry} \
         WHERE ci.cooperative_id IN ({list}) ORDER BY ci.cooperative_id, ci.industry_id"
    );
    let mut out: HashMap<i32, Vec<(bool, industry::Model)>> = HashMap::new();
    for row in db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
    {
        let coop: i32 = row.try_get("", "cooperative_id")?;
        let primary: bool = row.try_get("", "is_primary")?;
        out.entry(coop)
            .or_default()
            .push((primary, industry::Model::from_query_result(&row, "")?));
    }
    Ok(out)
}

/// The purchases each cooperative supplied (as lead or consortium member) that
/// the procurement list shows (`policy::listed_procurement_sql`), newest first:
/// the links and the purchases in one statement.
pub async fn listed_purchases_of_suppliers(
    db: &DatabaseConnection,
    keys: &[i32],
) -> AppResult<HashMap<i32, Vec<procurement_example::Model>>> {
    let backend = db.get_database_backend();
    let (list, values) = key_params(backend, keys);
    let sql = format!(
        "SELECT ps.cooperative_id AS supplier_key, p.* FROM procurement_supplier ps \
         JOIN procurement_example p ON p.id = ps.procurement_example_id \
         WHERE ps.cooperative_id IN ({list}) AND {} \
         ORDER BY ps.cooperative_id, p.year DESC, p.id",
        crate::policy::listed_procurement_sql("p")
    );
    let mut out: HashMap<i32, Vec<procurement_example::Model>> = HashMap::new();
    for row in db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
    {
        let coop: i32 = row.try_get("", "supplier_key")?;
        out.entry(coop)
            .or_default()
            .push(procurement_example::Model::from_query_result(&row, "")?);
    }
    Ok(out)
}

/// Rows of `E` grouped by the integer column `key`, each group ordered by the `order` columns
/// (a leading `-` means descending); `only` narrows the rows (what the list shows).
pub async fn by_key<E: Decode>(
    db: &DatabaseConnection,
    key_col: E::Column,
    order: Order<E>,
    only: sea_orm::Condition,
    keys: &[i32],
) -> AppResult<HashMap<i32, Vec<E::Model>>> {
    let mut q = E::find()
        .filter(key_col.is_in(keys.iter().copied()))
        .filter(only);
    for (c, dir) in order {
        q = match dir {
            Dir::Desc => q.order_by_desc(*c),
            Dir::Asc => q.order_by_asc(*c),
        };
    }
    let mut out: HashMap<i32, Vec<E::Model>> = HashMap::new();
    for m in project::all(db, q, Cols::ALL).await? {
        if let Some(k) = int(m.get(key_col)) {
            out.entry(k).or_default().push(m);
        }
    }
    Ok(out)
}

/// The first `head.n` rows of `E` per key of the column `key` (in the `order` of
/// [`by_key`]), and how many rows each key has in all when `head.counted`: "first n
/// per parent" for a page of parents in one statement. `only` narrows the rows first
/// (it is what the list shows).
///
/// PostgreSQL reads each parent's rows by its own index range, `LIMIT n` in a lateral
/// join, and counts with a scalar subquery: only the rows shown are read whole. SQLite
/// (no lateral joins) ranks and counts every row of the parents by window functions.
#[allow(clippy::too_many_arguments)]
pub async fn first_by_key<E: Decode>(
    db: &DatabaseConnection,
    key_col: E::Column,
    order: Order<E>,
    only: Condition,
    keys: &[i32],
    head: Head,
    cols: Cols<E>,
) -> AppResult<HashMap<i32, (Option<u64>, Vec<E::Model>)>> {
    use sea_orm::sea_query::{
        Alias, Asterisk, Expr, ExprTrait, JoinType, Query, SubQueryStatement,
    };
    use sea_orm::{QuerySelect, QueryTrait};
    let key = key_col.as_str();
    let mut out: HashMap<i32, (Option<u64>, Vec<E::Model>)> = HashMap::new();
    if keys.is_empty() {
        return Ok(out);
    }
    let by: Vec<(&str, E::Column, bool)> = order
        .iter()
        .map(|(c, dir)| (c.as_str(), *c, *dir == Dir::Desc))
        .collect();
    // The rows are grouped by their key and ordered by the order's columns: those are
    // read whatever the page asks.
    let cols = cols
        .with(Cols::of(&[key_col]))
        .with(Cols::of(&order.iter().map(|(c, _)| *c).collect::<Vec<_>>()));
    let backend = db.get_database_backend();
    let limit = i64::try_from(head.n).unwrap_or(i64::MAX);
    let stmt = if backend == sea_orm::DatabaseBackend::Postgres {
        // `k` is the list of parents: `(VALUES ($1), ($2), …) AS k`, its column `column1`.
        let parent = || Expr::cust("\"k\".\"column1\"");
        let of_parent = || Expr::col((E::default(), key_col)).eq(parent());
        let mut rows = cols.find().filter(of_parent()).filter(only.clone());
        for (_, c, desc) in &by {
            rows = if *desc {
                rows.order_by_desc(*c)
            } else {
                rows.order_by_asc(*c)
            };
        }
        let rows = rows.limit(head.n).into_query();
        let total = if head.counted {
            let count = Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from(E::default())
                .and_where(of_parent())
                .cond_where(only)
                .to_owned();
            Expr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(count)))
        } else {
            Expr::cust("NULL::bigint")
        };
        let s = Alias::new("s");
        let mut outer = Query::select();
        outer
            .expr_as(total, Alias::new("page_total"))
            .column((s.clone(), Asterisk))
            .from_values(keys.iter().copied(), Alias::new("k"))
            .join_lateral(JoinType::InnerJoin, rows, s.clone(), Expr::cust("TRUE"))
            .order_by((s.clone(), Alias::new(key)), sea_orm::Order::Asc);
        for (_, c, desc) in &by {
            let dir = if *desc {
                sea_orm::Order::Desc
            } else {
                sea_orm::Order::Asc
            };
            outer.order_by((s.clone(), *c), dir);
        }
        backend.build(&outer)
    } else {
        let by = by
            .iter()
            .map(|(name, _, desc)| format!("\"{name}\" {}", if *desc { "DESC" } else { "ASC" }))
            .collect::<Vec<_>>()
            .join(", ");
        let inner = cols
            .find()
            .filter(key_col.is_in(keys.iter().copied()))
            .filter(only)
            .expr_as(
                Expr::cust(format!(
                    "ROW_NUMBER() OVER (PARTITION BY \"{key}\" ORDER BY {by})"
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
            .and_where(Expr::col((s.clone(), Alias::new("page_rank"))).lte(limit))
            .order_by((s.clone(), Alias::new(key)), sea_orm::Order::Asc)
            .order_by((s, Alias::new("page_rank")), sea_orm::Order::Asc)
            .to_owned();
        backend.build(&outer)
    };
    // PostgreSQL's rows start with the count, SQLite's with the entity's columns.
    let offset = usize::from(backend == sea_orm::DatabaseBackend::Postgres);
    let decoder = E::decoder(cols);
    for row in db.query_all_raw(stmt).await? {
        let m = decoder.row(&row, offset)?;
        let total: Option<i64> = row.try_get("", "page_total")?;
        if let Some(k) = int(m.get(key_col)) {
            out.entry(k)
                .or_insert_with(|| (total.map(|t| u64::try_from(t).unwrap_or(0)), Vec::new()))
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
    let rows = project::all(
        db,
        cooperative::Entity::find()
            .filter(cond)
            .order_by_asc(cooperative::Column::Name)
            .order_by_asc(cooperative::Column::Id),
        Cols::ALL,
    )
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

/// The first `head.n` cooperatives (by name) seated in each TERYT unit or below it,
/// after the cooperative (name, id) `after` when given (`lists::COOPERATIVES_BY_NAME`),
/// and how many there are in all when `head.counted`: one statement for every unit of
/// a page, which sends only the rows a page shows ("first n per parent") instead of
/// every cooperative of every unit. The units are TERYT codes of one length (one
/// level of the tree), so each cooperative belongs to at most one.
pub async fn first_cooperatives_in_units(
    db: &DatabaseConnection,
    prefixes: &[String],
    head: Head,
    cols: Cols<cooperative::Entity>,
    after: Option<&(String, i32)>,
) -> AppResult<HashMap<String, (Option<u64>, Vec<cooperative::Model>)>> {
    let len = prefixes.first().map_or(0, String::len);
    if prefixes
        .iter()
        .any(|p| p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(AppError::Internal(
            "first_cooperatives_in_units takes TERYT codes of one level".into(),
        ));
    }
    let mut out: HashMap<String, (Option<u64>, Vec<cooperative::Model>)> = HashMap::new();
    if prefixes.is_empty() {
        return Ok(out);
    }
    // Ordered by name (and id, always read): read whatever the page asks.
    let cols = cols.with(Cols::of(&[cooperative::Column::Name]));
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
    let limit = i64::try_from(head.n).unwrap_or(i64::MAX);
    // After a cursor: a row comparison, which both databases read from the index
    // on (seat_teryt, name, id) as a seek.
    let seek = match after {
        Some((name, id)) => format!(
            " AND (c.name, c.id) > ({}, {})",
            param(name.clone().into()),
            param((*id).into())
        ),
        None => String::new(),
    };
    if backend == sea_orm::DatabaseBackend::Postgres {
        // Each unit by its own range of the (seat_teryt, name, id) index, `LIMIT n` in a
        // lateral join: a gmina's first rows come straight off the index in name order, a
        // higher unit's are the top n of its range; the count, only when asked, is the
        // unit's tally. The index carries every required column (migration 000013): rows
        // that need no other are read from it alone.
        let gmina = len >= GMINA_CODE_LEN;
        // Each unit with its place in `prefixes`: a row names its unit by that number
        // (read by position) instead of repeating the code.
        let units = prefixes
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let unit = param(p.clone().into());
                if gmina {
                    format!("({i}, {unit})")
                } else {
                    format!("({i}, {unit}, {})", param(past_prefix(p).into()))
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let (columns, within) = if gmina {
            ("ord, unit", format!("c.seat_teryt = u.unit{seek}"))
        } else {
            (
                "ord, unit, past",
                format!("c.seat_teryt >= u.unit AND c.seat_teryt < u.past{seek}"),
            )
        };
        // The count is the database's tally (migration 000012), kept by triggers.
        let total = if head.counted {
            "COALESCE((SELECT t.cooperatives FROM unit_tally t WHERE t.teryt = u.unit), 0)"
                .to_owned()
        } else {
            "NULL::bigint".to_owned()
        };
        let limit = param(limit.into());
        let sql = if gmina || cols.within(BY_UNIT_INDEX) {
            // A gmina's rows come off the index in name order: the first n are read
            // where they stand, nothing is sorted; a higher unit's, when the index
            // holds all they need, are sorted there.
            let row = cols.select_list("c");
            format!(
                "SELECT u.ord, {total} AS unit_total, r.* \
                 FROM (VALUES {units}) AS u({columns}) \
                 CROSS JOIN LATERAL (SELECT {row} FROM cooperative c WHERE {within} \
                   ORDER BY c.name, c.id LIMIT {limit}) r \
                 ORDER BY 1, r.name, r.id"
            )
        } else {
            // A higher unit's top n are chosen on index rows, then read whole.
            let row = cols.select_list("f");
            format!(
                "SELECT u.ord, {total} AS unit_total, {row} \
                 FROM (VALUES {units}) AS u({columns}) \
                 CROSS JOIN LATERAL (SELECT c.id, c.name FROM cooperative c WHERE {within} \
                   ORDER BY c.name, c.id LIMIT {limit}) r JOIN cooperative f ON f.id = r.id \
                 ORDER BY 1, r.name, r.id"
            )
        };
        let mut seen: Vec<Option<(Option<u64>, Vec<cooperative::Model>)>> =
            prefixes.iter().map(|_| None).collect();
        let decoder = <cooperative::Entity as Decode>::decoder(cols);
        for row in db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?
        {
            let ord = usize::try_from(row.try_get_by_index::<i32>(0)?).unwrap_or(usize::MAX);
            let Some(slot) = seen.get_mut(ord) else {
                return Err(AppError::Internal(
                    "a unit the statement did not ask for".into(),
                ));
            };
            let list = slot.get_or_insert_with(|| (None, Vec::new()));
            if head.counted && list.1.is_empty() {
                list.0 = Some(u64::try_from(row.try_get_by_index::<i64>(1)?).unwrap_or(0));
            }
            list.1.push(decoder.row(&row, 2)?);
        }
        out.extend(
            prefixes
                .iter()
                .zip(seen)
                .filter_map(|(p, list)| list.map(|l| (p.clone(), l))),
        );
        return Ok(out);
    }
    let units = prefixes
        .iter()
        .map(|p| param(p.clone().into()))
        .collect::<Vec<_>>()
        .join(", ");
    // Gminas (the seats themselves) by equality: the index on (seat_teryt, name, id)
    // hands the rows over in window order.
    let (unit, wanted) = if len >= GMINA_CODE_LEN {
        (
            "c.seat_teryt".to_owned(),
            format!("c.seat_teryt IN ({units}){seek}"),
        )
    } else {
        // Higher units: one index range from the first to past the last, then exactly.
        let unit = format!("substr(c.seat_teryt, 1, {len})");
        let first = prefixes.iter().min().cloned().unwrap_or_default();
        let last = prefixes.iter().max().cloned().unwrap_or_default();
        let (lo, hi) = (param(first.into()), param(past_prefix(&last).into()));
        let wanted =
            format!("c.seat_teryt >= {lo} AND c.seat_teryt < {hi} AND {unit} IN ({units}){seek}");
        (unit, wanted)
    };
    let limit = param(limit.into());
    // Ranked on index rows (the index covers them), counted by the units' tally; the
    // rows shown are read by id in the same statement when they need a column the
    // index does not hold.
    let (ranked, row, join) = if cols.within(BY_UNIT_INDEX) {
        (cols.select_list("c"), cols.select_list("s"), "")
    } else {
        (
            "c.id, c.name".to_owned(),
            cols.select_list("f"),
            "JOIN cooperative f ON f.id = s.id",
        )
    };
    let sql = format!(
        "SELECT s.unit_prefix, s.unit_total, {row} FROM (SELECT {ranked}, {unit} AS unit_prefix, \
           ROW_NUMBER() OVER (PARTITION BY {unit} ORDER BY c.name, c.id) AS unit_rank, \
           COALESCE((SELECT t.cooperatives FROM unit_tally t WHERE t.teryt = {unit}), 0) AS unit_total \
         FROM cooperative c WHERE {wanted}) s {join} \
         WHERE s.unit_rank <= {limit} ORDER BY s.unit_prefix, s.unit_rank"
    );
    let decoder = <cooperative::Entity as Decode>::decoder(cols);
    for row in db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
    {
        let unit: String = row.try_get_by_index(0)?;
        let total: i64 = row.try_get_by_index(1)?;
        out.entry(unit)
            .or_insert((Some(u64::try_from(total).unwrap_or(0)), Vec::new()))
            .1
            .push(decoder.row(&row, 2)?);
    }
    Ok(out)
}

/// The columns of the index of a unit's cooperatives by name (migrations 000009 and
/// 000013): a page that reads no other column is read from the index alone.
const BY_UNIT_INDEX: &[cooperative::Column] = {
    use cooperative::Column as C;
    &[
        C::SeatTeryt,
        C::Name,
        C::Id,
        C::Status,
        C::FounderKind,
        C::SeatId,
        C::IsSample,
        C::Version,
    ]
};

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
        // Below `p`: from "p/" up to "p0" ('0' follows '/'), a range an index
        // reads (a LIKE is not one on SQLite), so the subtree's classes drive the join.
        cond = cond.add(industry::Column::Path.eq(p.as_str())).add(
            Condition::all()
                .add(industry::Column::Path.gt(format!("{p}/")))
                .add(industry::Column::Path.lt(format!("{p}0"))),
        );
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
