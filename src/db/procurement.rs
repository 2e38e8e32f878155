//! Procurement examples.

use super::keyset::{self, Keyset, Paged, Part, Seek};
use super::{filter::ProcurementFilter, project::Cols};
use crate::error::AppResult;
use entity::procurement_example::{Column, Entity, Model};
use sea_orm::{DatabaseConnection, EntityTrait, Order, QueryFilter, QueryOrder};

/// How a procurement list is ordered; every order ends with the id.
#[derive(Debug, Clone, Copy, Default)]
pub enum ProcurementOrder {
    #[default]
    YearDesc,
    YearAsc,
    ValueDesc,
}

impl ProcurementOrder {
    /// The order's key columns (unknown values last).
    pub fn keyset(self) -> &'static Keyset<Column> {
        const YEAR_DESC: Keyset<Column> = Keyset {
            tag: "procurement.yearDesc",
            parts: &[Part::desc(Column::Year), Part::asc(Column::Id)],
        };
        const YEAR_ASC: Keyset<Column> = Keyset {
            tag: "procurement.yearAsc",
            parts: &[Part::asc(Column::Year), Part::asc(Column::Id)],
        };
        const VALUE_DESC: Keyset<Column> = Keyset {
            tag: "procurement.valueDesc",
            parts: &[Part::desc(Column::ValueGrosze), Part::asc(Column::Id)],
        };
        match self {
            ProcurementOrder::YearDesc => &YEAR_DESC,
            ProcurementOrder::YearAsc => &YEAR_ASC,
            ProcurementOrder::ValueDesc => &VALUE_DESC,
        }
    }
}

/// A page of the examples `f` selects, in `order`, each row read with the columns
/// `cols` (see [`Cols`]).
pub async fn list_procurement_examples(
    db: &DatabaseConnection,
    f: &ProcurementFilter,
    order: ProcurementOrder,
    seek: &Seek,
    cols: Cols<Entity>,
) -> AppResult<Paged<Model>> {
    let cols = cols.with(order.keyset().columns());
    let q = cols.find().filter(f.condition());
    keyset::page(db, q, order.keyset(), seek, cols).await
}

/// Proposed examples not yet verified (not yet listed), oldest first.
pub async fn list_unverified(db: &DatabaseConnection) -> AppResult<Vec<Model>> {
    Ok(Entity::find()
        .filter(crate::policy::unlisted_procurement())
        .order_by(Column::Id, Order::Asc)
        .all(db)
        .await?)
}

/// How many verified purchases buyers in each unit whose TERYT code is `len`
/// digits long (2, 4 or 7) made, by that code: a buyer counts in the units its
/// own code lies in (a voivodeship's self-government only at voivodeship level).
pub async fn verified_purchases_by_unit<C: sea_orm::ConnectionTrait>(
    db: &C,
    len: usize,
) -> AppResult<std::collections::HashMap<String, u64>> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT substr(lg.teryt, 1, {len}) AS k, COUNT(*) AS n FROM procurement_example p \
         JOIN local_government lg ON lg.id = p.buyer_id \
         WHERE {} AND length(lg.teryt) >= {len} GROUP BY substr(lg.teryt, 1, {len})",
        crate::policy::listed_procurement_sql("p")
    );
    let mut out = std::collections::HashMap::new();
    for row in db
        .query_all_raw(sea_orm::Statement::from_string(backend, sql))
        .await?
    {
        let k: String = row.try_get("", "k")?;
        let n: i64 = row.try_get("", "n")?;
        out.insert(k, u64::try_from(n).unwrap_or(0));
    }
    Ok(out)
}
