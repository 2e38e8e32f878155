//! Cooperative queries: lookups by identifier and the filtered, ordered list.

use super::directory::{load_in_order, matching, DirectoryOrder, Hit};
use super::filter::CooperativeFilter;
use super::keyset::Span;
use super::keyset::{self, Count, Keyset, Paged, Part, Seek};
use super::project::Cols;
use crate::error::AppResult;
use entity::cooperative::{Column, Entity, Model};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

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

/// The directory's plain orders (the ranked ones, relevance and distance, page by
/// offsets through `db::directory::matching`): unknown values last, then by id.
pub fn directory_keyset(order: DirectoryOrder) -> &'static Keyset<Column> {
    const NAME: Keyset<Column> = Keyset {
        tag: "cooperative.name",
        parts: &[Part::asc(Column::Name), Part::asc(Column::Id)],
    };
    const REGISTERED: Keyset<Column> = Keyset {
        tag: "cooperative.registrationDateDesc",
        parts: &[Part::desc(Column::RegistrationDate), Part::asc(Column::Id)],
    };
    const EMPLOYEES: Keyset<Column> = Keyset {
        tag: "cooperative.employeeCountDesc",
        parts: &[Part::desc(Column::EmployeeCount), Part::asc(Column::Id)],
    };
    match order {
        DirectoryOrder::RegistrationDateDesc => &REGISTERED,
        DirectoryOrder::EmployeeCountDesc => &EMPLOYEES,
        _ => &NAME,
    }
}

/// A page of the cooperatives a plain filter (no words, place or area served:
/// `filter.ranked()` is false) selects, in `keyset`'s order, each row read with the
/// columns `cols` (see [`Cols`]).
pub async fn list_cooperatives(
    db: &DatabaseConnection,
    filter: &CooperativeFilter,
    keyset: &Keyset<Column>,
    seek: &Seek,
    cols: Cols<Entity>,
) -> AppResult<Paged<Model>> {
    let cols = cols.with(keyset.columns());
    let q = cols.find().filter(filter.condition());
    // The whole directory's size is kept by the database (migration 000010): a
    // partner portal's unfiltered page needs no count of every row.
    let count = match seek.counted {
        false => Count::None,
        true if filter.is_everything() => Count::Kept(TALLY),
        true => Count::Rows,
    };
    keyset::page_counted(db, q, keyset, seek, cols, count).await
}

/// The cooperatives a ranked filter (words, a place or an area served) selects, in
/// `order`, each with its hit (relevance and distance), the window `pick` chooses
/// of them read with the columns `cols`.
pub async fn rank_cooperatives(
    db: &DatabaseConnection,
    filter: &CooperativeFilter,
    order: DirectoryOrder,
    pick: impl FnOnce(&[Hit]) -> AppResult<Span>,
    cols: Cols<Entity>,
    memo: Option<&super::directory::Matches>,
) -> AppResult<(Span, Vec<(Model, Hit)>)> {
    let hits = matching(db, filter, order, memo).await?;
    let w = pick(&hits)?;
    let page = &hits[w.start..w.end];
    let ids: Vec<i32> = page.iter().map(|h| h.id).collect();
    let rows = load_in_order(db, &ids, cols).await?;
    let paired = rows
        .into_iter()
        .filter_map(|m| page.iter().find(|h| h.id == m.id).map(|h| (m, *h)))
        .collect();
    Ok((w, paired))
}
