//! Local government (TERYT unit) queries.

use super::keyset::{self, Keyset, Paged, Part, Seek};
use super::project::Cols;
use crate::error::AppResult;
use entity::local_government::{Column, Entity, Model};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

/// Which units a list shows.
#[derive(Debug, Default, Clone)]
pub struct LocalGovernmentFilter {
    pub teryt_prefix: Option<String>,
    /// Code lengths to keep: 2 voivodeships, 4 powiaty, 7 gminy.
    pub code_lengths: Vec<usize>,
    pub kinds: Vec<entity::local_government::Kind>,
    pub parent_id: Option<i32>,
}

pub async fn find_local_government_by_teryt(
    db: &DatabaseConnection,
    teryt: &str,
) -> AppResult<Option<Model>> {
    Ok(Entity::find()
        .filter(Column::Teryt.eq(teryt))
        .one(db)
        .await?)
}

/// Units by TERYT code (unique).
pub const BY_TERYT: Keyset<Column> = Keyset {
    tag: "localGovernment.teryt",
    parts: &[Part::asc(Column::Teryt)],
};

/// A page of the units `f` selects, by TERYT code, each row read with the columns
/// `cols` (see [`Cols`]).
pub async fn list_local_governments(
    db: &DatabaseConnection,
    f: &LocalGovernmentFilter,
    seek: &Seek,
    cols: Cols<Entity>,
) -> AppResult<Paged<Model>> {
    let mut c = Condition::all();
    if let Some(p) = &f.teryt_prefix {
        c = c.add(Column::Teryt.like(format!("{p}%")));
    }
    if !f.code_lengths.is_empty() {
        let mut any = Condition::any();
        for len in &f.code_lengths {
            // TERYT codes are fixed-width digits, so a length is a LIKE of underscores: portable, indexable.
            any = any.add(Column::Teryt.like("_".repeat(*len)));
        }
        c = c.add(any);
    }
    if !f.kinds.is_empty() {
        c = c.add(Column::Kind.is_in(f.kinds.clone()));
    }
    if let Some(p) = f.parent_id {
        c = c.add(Column::ParentId.eq(p));
    }
    let cols = cols.with(BY_TERYT.columns());
    keyset::page(db, cols.find().filter(c), &BY_TERYT, seek, cols).await
}
