//! Cooperative queries: lookups by identifier and the filtered, ordered list.

use super::directory::{load_in_order, matching, DirectoryOrder, Hit};
use super::project::Cols;
use super::{filter::CooperativeFilter, page_of, page_of_counted, Picker, Probe, Window};
use crate::error::{AppError, AppResult};
use entity::cooperative::{Column, Entity, Model};
use sea_orm::{
    sea_query::{Expr, NullOrdering},
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select, Statement,
};

/// Finds a cooperative by one registry column (`krs`, `nip` or `regon`), value already canonical.
pub async fn find_cooperative_by(
    db: &DatabaseConnection,
    col: Column,
    value: &str,
) -> AppResult<Option<Model>> {
    Ok(Entity::find().filter(col.eq(value)).one(db).await?)
}

/// The tally of cooperatives the database's triggers keep (migration 000010).
const TALLY: &str = "SELECT row_count FROM row_tally WHERE table_name = 'cooperative'";

/// How many cooperatives there are, from the tally the database's triggers keep.
pub async fn count_all(db: &DatabaseConnection) -> AppResult<u64> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), TALLY))
        .await?
        .ok_or_else(|| AppError::Internal("row_tally has no cooperative row".into()))?;
    let n: i64 = row.try_get("", "row_count")?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A forward page of the whole directory that shows its total: the rows and the
/// tally in one statement (each row carries it), so they agree. A page past the
/// end has no row to carry it and asks the tally alone.
async fn page_with_tally(
    db: &DatabaseConnection,
    select: Select<Entity>,
    probe: Probe,
    pick: impl Picker,
) -> AppResult<(Window, Vec<Model>)> {
    let stmt = select
        .offset(probe.start)
        .limit(probe.n)
        .expr_as(Expr::cust(format!("({TALLY})")), "list_total")
        .build(db.get_database_backend());
    let rows = db.query_all_raw(stmt).await?;
    let total = match rows.first() {
        Some(row) => u64::try_from(row.try_get::<i64>("", "list_total")?).unwrap_or(0),
        None => count_all(db).await?,
    };
    let w = pick.pick(total);
    let decoder = <Entity as super::project::Decode>::decoder(Cols::ALL);
    let models = rows
        .iter()
        .take(usize::try_from(w.end.saturating_sub(w.start)).unwrap_or(usize::MAX))
        .map(|row| decoder.row(row, 0))
        .collect::<Result<_, _>>()?;
    Ok((w, models))
}

/// A page of the cooperatives `filter` selects, in `order`, each with its hit
/// (relevance and distance, when the filter asks for them). Plain filters page in
/// SQL; words, places and areas served go through `db::directory::matching`. Rows
/// are read with the columns `cols` (see [`Cols`]).
pub async fn list_cooperatives(
    db: &DatabaseConnection,
    filter: &CooperativeFilter,
    order: DirectoryOrder,
    pick: impl Picker,
    cols: Cols<Entity>,
) -> AppResult<(Window, Vec<(Model, Hit)>)> {
    if filter.ranked() {
        let hits = matching(db, filter, order).await?;
        let w = pick.pick(hits.len() as u64);
        let page = &hits[w.start as usize..w.end.max(w.start) as usize];
        let ids: Vec<i32> = page.iter().map(|h| h.id).collect();
        let rows = load_in_order(db, &ids, cols).await?;
        let paired = rows
            .into_iter()
            .filter_map(|m| page.iter().find(|h| h.id == m.id).map(|h| (m, *h)))
            .collect();
        return Ok((w, paired));
    }
    let q = cols.find().filter(filter.condition());
    let q = match order {
        DirectoryOrder::RegistrationDateDesc => {
            q.order_by_with_nulls(Column::RegistrationDate, Order::Desc, NullOrdering::Last)
        }
        DirectoryOrder::EmployeeCountDesc => {
            q.order_by_with_nulls(Column::EmployeeCount, Order::Desc, NullOrdering::Last)
        }
        // Relevance and distance need words or a place: the ranked path above.
        _ => q.order_by(Column::Name, Order::Asc),
    };
    let q = q.order_by(Column::Id, Order::Asc);
    // The whole directory's size is kept by the database (migration 000010): a partner
    // portal's unfiltered page needs no count of every row.
    let (w, rows) = match pick.probe() {
        Some(probe) if probe.counted && filter.is_everything() => {
            page_with_tally(db, q, probe, pick).await?
        }
        None if filter.is_everything() => {
            page_of_counted(db, q, count_all(db).await?, pick).await?
        }
        _ => page_of(db, q, pick).await?,
    };
    let hits = rows
        .into_iter()
        .map(|m| {
            let hit = Hit {
                id: m.id,
                relevance: None,
                distance_km: None,
            };
            (m, hit)
        })
        .collect();
    Ok((w, hits))
}
