//! Cooperative queries: lookups by identifier and the filtered, ordered list.

use super::{filter::CooperativeFilter, page_of, Window};
use crate::error::AppResult;
use entity::cooperative::{Column, Entity, Model};
use sea_orm::{
    sea_query::NullOrdering, ColumnTrait, DatabaseConnection, EntityTrait, Order, QueryFilter,
    QueryOrder,
};

/// How a cooperative list is ordered; every order ends with the id so pages are stable.
#[derive(Debug, Clone, Copy, Default)]
pub enum CooperativeOrder {
    #[default]
    Name,
    RegistrationDateDesc,
    EmployeeCountDesc,
}

/// Finds a cooperative by one registry column (`krs`, `nip` or `regon`), value already canonical.
pub async fn find_cooperative_by(
    db: &DatabaseConnection,
    col: Column,
    value: &str,
) -> AppResult<Option<Model>> {
    Ok(Entity::find().filter(col.eq(value)).one(db).await?)
}

pub async fn list_cooperatives(
    db: &DatabaseConnection,
    filter: &CooperativeFilter,
    order: CooperativeOrder,
    pick: impl FnOnce(u64) -> Window,
) -> AppResult<(Window, Vec<Model>)> {
    let q = Entity::find().filter(filter.condition());
    let q = match order {
        CooperativeOrder::Name => q.order_by(Column::Name, Order::Asc),
        CooperativeOrder::RegistrationDateDesc => {
            q.order_by_with_nulls(Column::RegistrationDate, Order::Desc, NullOrdering::Last)
        }
        CooperativeOrder::EmployeeCountDesc => {
            q.order_by_with_nulls(Column::EmployeeCount, Order::Desc, NullOrdering::Last)
        }
    };
    page_of(db, q.order_by(Column::Id, Order::Asc), pick).await
}
