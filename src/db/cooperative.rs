//! Cooperative queries: lookups by identifier and the filtered, ordered list.

use super::directory::{load_in_order, matching, DirectoryOrder, Hit};
use super::{filter::CooperativeFilter, page_of, Window};
use crate::error::AppResult;
use entity::cooperative::{Column, Entity, Model};
use sea_orm::{
    sea_query::NullOrdering, ColumnTrait, DatabaseConnection, EntityTrait, Order, QueryFilter,
    QueryOrder,
};

/// Finds a cooperative by one registry column (`krs`, `nip` or `regon`), value already canonical.
pub async fn find_cooperative_by(
    db: &DatabaseConnection,
    col: Column,
    value: &str,
) -> AppResult<Option<Model>> {
    Ok(Entity::find().filter(col.eq(value)).one(db).await?)
}

/// A page of the cooperatives `filter` selects, in `order`, each with its hit
/// (relevance and distance, when the filter asks for them). Plain filters page in
/// SQL; words, places and areas served go through `db::directory::matching`.
pub async fn list_cooperatives(
    db: &DatabaseConnection,
    filter: &CooperativeFilter,
    order: DirectoryOrder,
    pick: impl FnOnce(u64) -> Window,
) -> AppResult<(Window, Vec<(Model, Hit)>)> {
    if filter.ranked() {
        let hits = matching(db, filter, order).await?;
        let w = pick(hits.len() as u64);
        let page = &hits[w.start as usize..w.end.max(w.start) as usize];
        let ids: Vec<i32> = page.iter().map(|h| h.id).collect();
        let rows = load_in_order(db, &ids).await?;
        let paired = rows
            .into_iter()
            .filter_map(|m| page.iter().find(|h| h.id == m.id).map(|h| (m, *h)))
            .collect();
        return Ok((w, paired));
    }
    let q = Entity::find().filter(filter.condition());
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
    let (w, rows) = page_of(db, q.order_by(Column::Id, Order::Asc), pick).await?;
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
