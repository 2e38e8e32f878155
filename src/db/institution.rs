//! Institutions around the cooperatives.

use super::keyset::{self, Keyset, Paged, Part, Seek};
use super::project::Cols;
use crate::error::AppResult;
use entity::{institution, local_government};
use sea_orm::{
    sea_query::Query, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
};

/// Which institutions a list shows.
#[derive(Debug, Default, Clone)]
pub struct InstitutionFilter {
    /// Institutions attached to this TERYT unit or any unit below it.
    pub teryt_prefix: Option<String>,
    pub kinds: Vec<institution::Kind>,
    /// Changed at or after this time.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// Institutions by name.
pub const BY_NAME: Keyset<institution::Column> = Keyset {
    tag: "institution.name",
    parts: &[
        Part::asc(institution::Column::Name),
        Part::asc(institution::Column::Id),
    ],
};

pub async fn list_institutions(
    db: &DatabaseConnection,
    f: &InstitutionFilter,
    seek: &Seek,
) -> AppResult<Paged<institution::Model>> {
    let mut c = Condition::all();
    if let Some(p) = &f.teryt_prefix {
        let units = Query::select()
            .column(local_government::Column::Id)
            .from(local_government::Entity)
            .and_where(local_government::Column::Teryt.like(format!("{p}%")))
            .to_owned();
        c = c.add(institution::Column::LocalGovernmentId.in_subquery(units));
    }
    if !f.kinds.is_empty() {
        c = c.add(institution::Column::Kind.is_in(f.kinds.clone()));
    }
    if let Some(t) = f.updated_since {
        c = c.add(institution::Column::UpdatedAt.gte(t));
    }
    let q = institution::Entity::find().filter(c);
    keyset::page(db, q, &BY_NAME, seek, Cols::ALL).await
}
