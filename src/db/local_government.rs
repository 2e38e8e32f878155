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

/// A city with powiat rights is one local government with two TERYT units: the
/// powiat-level one (`MIASTO_NA_PRAWACH_POWIATU`, 4 digits) and its urban gmina
/// (the same code and `011`). What the city does — its purchases, founders,
/// officers, institutions — is stored against the gmina, so that both units
/// answer with the same records, counted once. The gmina of each powiat-level
/// unit among `ids` (other units are not in the map).
pub async fn city_gminas<C: sea_orm::ConnectionTrait>(
    db: &C,
    ids: &[i32],
) -> AppResult<std::collections::HashMap<i32, i32>> {
    use entity::local_government::Kind;
    let cities = Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::Kind.eq(Kind::MiastoNaPrawachPowiatu))
        .all(db)
        .await?;
    if cities.is_empty() {
        return Ok(Default::default());
    }
    let gminas = Entity::find()
        .filter(Column::Teryt.is_in(cities.iter().map(|c| format!("{}011", c.teryt))))
        .all(db)
        .await?;
    Ok(cities
        .iter()
        .filter_map(|c| {
            let teryt = format!("{}011", c.teryt);
            gminas
                .iter()
                .find(|g| g.teryt == teryt)
                .map(|g| (c.id, g.id))
        })
        .collect())
}

/// The unit a city's records are stored against: its gmina for a city's
/// powiat-level unit (see [`city_gminas`]), any other unit itself.
pub async fn stored_unit<C: sea_orm::ConnectionTrait>(db: &C, id: i32) -> AppResult<i32> {
    Ok(city_gminas(db, &[id])
        .await?
        .get(&id)
        .copied()
        .unwrap_or(id))
}
