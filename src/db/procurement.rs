//! Procurement examples.

use super::{filter::ProcurementFilter, page_of, Picker, Window};
use crate::error::AppResult;
use entity::procurement_example::{Column, Entity, Model};
use sea_orm::{
    sea_query::NullOrdering, DatabaseConnection, EntityTrait, Order, QueryFilter, QueryOrder,
};

/// How a procurement list is ordered; every order ends with the id.
#[derive(Debug, Clone, Copy, Default)]
pub enum ProcurementOrder {
    #[default]
    YearDesc,
    YearAsc,
    ValueDesc,
}

pub async fn list_procurement_examples(
    db: &DatabaseConnection,
    f: &ProcurementFilter,
    order: ProcurementOrder,
    pick: impl Picker,
) -> AppResult<(Window, Vec<Model>)> {
    let q = Entity::find().filter(f.condition());
    let q = match order {
        ProcurementOrder::YearDesc => q.order_by(Column::Year, Order::Desc),
        ProcurementOrder::YearAsc => q.order_by(Column::Year, Order::Asc),
        ProcurementOrder::ValueDesc => {
            q.order_by_with_nulls(Column::ValueGrosze, Order::Desc, NullOrdering::Last)
        }
    };
    page_of(db, q.order_by(Column::Id, Order::Asc), pick).await
}

/// Proposed examples not yet verified (not yet listed), oldest first.
pub async fn list_unverified(db: &DatabaseConnection) -> AppResult<Vec<Model>> {
    Ok(Entity::find()
        .filter(crate::policy::listed_procurement().not())
        .order_by(Column::Id, Order::Asc)
        .all(db)
        .await?)
}
