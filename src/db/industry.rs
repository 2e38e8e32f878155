//! PKD industries and sectors.

use super::keyset::{self, Keyset, Paged, Part, Seek};
use super::project::Cols;
use crate::error::AppResult;
use entity::{industry, sector};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

/// Which PKD nodes a list shows.
#[derive(Debug, Default, Clone)]
pub struct IndustryFilter {
    pub levels: Vec<industry::Level>,
    pub code_prefix: Option<String>,
    pub parent_id: Option<i32>,
}

pub async fn find_industry_by_code(
    db: &DatabaseConnection,
    code: &str,
) -> AppResult<Option<industry::Model>> {
    Ok(industry::Entity::find()
        .filter(industry::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// PKD classes by path (unique): sections first, then the tree in reading order.
pub const BY_PATH: Keyset<industry::Column> = Keyset {
    tag: "industry.path",
    parts: &[Part::asc(industry::Column::Path)],
};

/// Sectors by id.
pub const SECTORS: Keyset<sector::Column> = Keyset {
    tag: "sector.id",
    parts: &[Part::asc(sector::Column::Id)],
};

pub async fn list_industries(
    db: &DatabaseConnection,
    f: &IndustryFilter,
    seek: &Seek,
) -> AppResult<Paged<industry::Model>> {
    let mut c = Condition::all();
    if !f.levels.is_empty() {
        c = c.add(industry::Column::Level.is_in(f.levels.clone()));
    }
    if let Some(p) = &f.code_prefix {
        c = c.add(industry::Column::Code.like(format!("{p}%")));
    }
    if let Some(p) = f.parent_id {
        c = c.add(industry::Column::ParentId.eq(p));
    }
    keyset::page(
        db,
        industry::Entity::find().filter(c),
        &BY_PATH,
        seek,
        Cols::ALL,
    )
    .await
}

pub async fn find_sector_by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> AppResult<Option<sector::Model>> {
    Ok(sector::Entity::find()
        .filter(sector::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The id of the sector a filter names by slug; an unknown slug is the user's to fix.
pub async fn sector_id_for_filter(
    db: &DatabaseConnection,
    field: &str,
    slug: Option<&str>,
) -> AppResult<Option<i32>> {
    let Some(slug) = slug else { return Ok(None) };
    let sector = find_sector_by_slug(db, slug).await?;
    let sector = sector.ok_or_else(|| {
        crate::error::AppError::invalid(
            field,
            format!("no sector '{slug}': see `sectors` for the list"),
        )
    })?;
    Ok(Some(sector.id))
}

pub async fn list_sectors(db: &DatabaseConnection, seek: &Seek) -> AppResult<Paged<sector::Model>> {
    keyset::page(db, sector::Entity::find(), &SECTORS, seek, Cols::ALL).await
}
