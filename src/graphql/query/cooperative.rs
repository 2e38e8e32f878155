//! Cooperative lookups and the filtered list.

use crate::db::{
    cooperative::{directory_keyset, find_cooperative_by, list_cooperatives, rank_cooperatives},
    directory::{facets, DirectoryOrder},
    filter::{pkd_prefix, teryt_prefix, CooperativeFilter as DbFilter, Near, Place},
    industry::sector_id_for_filter,
    lists,
    local_government::find_local_government_by_teryt,
};
use crate::error::{AppError, AppResult};
use crate::graphql::{
    connection::{build_keyed, cost, listed, Conn, KeyPage, Ranked},
    db, loaders,
    node::expect_id,
    projection::node_columns,
    types::{Cooperative, CooperativeFacets, CooperativeOrderBy, CooperativeStatus, FounderKind},
};
use crate::ids::{parse_krs, parse_nip, parse_regon};
use crate::search::query_terms;
use async_graphql::{Context, InputObject, Object, Result, ID};
use entity::cooperative::Column;
use sea_orm::DatabaseConnection;

/// Narrows a cooperative list; all given conditions must hold.
#[derive(InputObject, Default, Clone)]
pub struct CooperativeFilter {
    /// Words to find in names, descriptions, offerings and industry names: case and
    /// Polish diacritics do not matter ("lodz" finds "Łódź") and each word matches the
    /// words it begins ("gastronom" finds "gastronomia"). Every word must match.
    pub text: Option<String>,
    /// Within a radius of a place: the edges then carry `distanceKm`.
    pub near: Option<NearInput>,
    /// Has an offering whose area served covers this TERYT unit (a listed unit that is
    /// the place or contains it, or a radius around the cooperative that reaches the place's centroid).
    pub serves: Option<String>,
    /// Seated in this TERYT unit or below: `12` (małopolskie), `1206` (powiat krakowski), `1261011` (Kraków).
    pub teryt: Option<String>,
    /// Works in this sector (its `slug`, e.g. `catering`).
    pub sector: Option<String>,
    /// Has an industry under this PKD 2007 code: `56`, `56.2`, `56.21.Z` (dots optional).
    pub pkd: Option<String>,
    /// Any of these statuses.
    pub status: Option<Vec<CooperativeStatus>>,
    /// Any of these founder kinds.
    pub founder_kind: Option<Vec<FounderKind>>,
    /// Only sample (true) or only real (false) cooperatives.
    pub is_sample: Option<bool>,
    /// Only cooperatives changed at or after this time (their record, offerings or PKD
    /// subclasses; see `updatedAt`): a partner syncs by asking for what changed since
    /// its last copy.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// A circle on the map: around a TERYT unit's centroid or a point.
#[derive(InputObject, Default, Clone)]
pub struct NearInput {
    /// Around this unit's centroid (give either this or latitude and longitude).
    pub teryt: Option<String>,
    /// Latitude in degrees (WGS 84), with `longitude`.
    pub latitude: Option<f64>,
    /// Longitude in degrees (WGS 84), with `latitude`.
    pub longitude: Option<f64>,
    /// Radius in kilometres, more than 0 and at most 500.
    pub radius_km: f64,
}

/// A TERYT unit that must exist, with its centroid.
async fn place(db: &DatabaseConnection, field: &str, raw: &str) -> AppResult<Place> {
    let teryt = teryt_prefix(field, raw)?;
    let unit = find_local_government_by_teryt(db, &teryt)
        .await?
        .ok_or_else(|| {
            AppError::invalid(field, format!("no local government with TERYT {teryt}"))
        })?;
    Ok(Place {
        teryt: unit.teryt,
        latitude: unit.latitude,
        longitude: unit.longitude,
    })
}

impl NearInput {
    async fn into_db(self, db: &DatabaseConnection) -> AppResult<Near> {
        if !(self.radius_km > 0.0 && self.radius_km <= 500.0) {
            return Err(AppError::invalid(
                "filter.near.radiusKm",
                "must be more than 0 and at most 500",
            ));
        }
        let (latitude, longitude) = match (self.teryt, self.latitude, self.longitude) {
            (Some(t), None, None) => {
                let p = place(db, "filter.near.teryt", &t).await?;
                (p.latitude, p.longitude)
            }
            (None, Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                    return Err(AppError::invalid(
                        "filter.near",
                        "latitude must be within ±90 and longitude within ±180 degrees",
                    ));
                }
                (lat, lon)
            }
            _ => {
                return Err(AppError::invalid(
                    "filter.near",
                    "give either teryt or both latitude and longitude",
                ))
            }
        };
        Ok(Near {
            latitude,
            longitude,
            radius_km: self.radius_km,
        })
    }
}

impl CooperativeFilter {
    /// Checks the input and resolves names to ids; the same rules serve GraphQL, the
    /// HTTP exports and the command line.
    pub async fn into_db(self, db: &DatabaseConnection) -> AppResult<DbFilter> {
        let sector_id = sector_id_for_filter(db, "filter.sector", self.sector.as_deref()).await?;
        let near = match self.near {
            Some(n) => Some(n.into_db(db).await?),
            None => None,
        };
        let serves = match &self.serves {
            Some(t) => Some(place(db, "filter.serves", t).await?),
            None => None,
        };
        Ok(DbFilter {
            text: self
                .text
                .as_deref()
                .map(|t| query_terms("filter.text", t))
                .transpose()?,
            near,
            serves,
            teryt_prefix: self
                .teryt
                .as_deref()
                .map(|t| teryt_prefix("filter.teryt", t))
                .transpose()?,
            sector_id,
            pkd_prefix: self
                .pkd
                .as_deref()
                .map(|p| pkd_prefix("filter.pkd", p))
                .transpose()?,
            statuses: self
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            founder_kinds: self
                .founder_kind
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            is_sample: self.is_sample,
            updated_since: self.updated_since,
        })
    }
}

/// The order a list uses: the one asked for, checked against the filter, or the default.
pub fn directory_order(
    order_by: Option<CooperativeOrderBy>,
    filter: &DbFilter,
) -> AppResult<DirectoryOrder> {
    Ok(match order_by {
        None if filter.near.is_some() => DirectoryOrder::Distance,
        None if filter.text.is_some() => DirectoryOrder::Relevance,
        None | Some(CooperativeOrderBy::Name) => DirectoryOrder::Name,
        Some(CooperativeOrderBy::RegistrationDateDesc) => DirectoryOrder::RegistrationDateDesc,
        Some(CooperativeOrderBy::EmployeeCountDesc) => DirectoryOrder::EmployeeCountDesc,
        Some(CooperativeOrderBy::Relevance) if filter.text.is_some() => DirectoryOrder::Relevance,
        Some(CooperativeOrderBy::Distance) if filter.near.is_some() => DirectoryOrder::Distance,
        Some(CooperativeOrderBy::Relevance) => {
            return Err(AppError::invalid("orderBy", "RELEVANCE needs filter.text"))
        }
        Some(CooperativeOrderBy::Distance) => {
            return Err(AppError::invalid("orderBy", "DISTANCE needs filter.near"))
        }
    })
}

#[derive(Default)]
pub struct CooperativeQuery;

#[Object]
impl CooperativeQuery {
    /// One cooperative by exactly one of: global id, KRS, NIP or REGON. Common spellings are accepted
    /// (NIP with dashes or a PL prefix, KRS without leading zeros); a wrong checksum is an error.
    async fn cooperative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id.")] id: Option<ID>,
        #[graphql(desc = "KRS number, leading zeros optional.")] krs: Option<String>,
        #[graphql(desc = "NIP, dashes and spaces allowed.")] nip: Option<String>,
        #[graphql(desc = "REGON, 9 or 14 digits.")] regon: Option<String>,
    ) -> Result<Option<Cooperative>> {
        let given = [id.is_some(), krs.is_some(), nip.is_some(), regon.is_some()]
            .iter()
            .filter(|x| **x)
            .count();
        if given != 1 {
            return Err(AppError::invalid("id", "give exactly one of id, krs, nip, regon").into());
        }
        if let Some(id) = id {
            let n = expect_id("id", &id, "Cooperative")?;
            return Ok(loaders(ctx)?
                .cooperative
                .load_one(n)
                .await?
                .map(Cooperative));
        }
        let (col, value) = match (krs, nip, regon) {
            (Some(k), _, _) => (Column::Krs, parse_krs(&k)?),
            (_, Some(n), _) => (Column::Nip, parse_nip(&n)?),
            (_, _, Some(r)) => (Column::Regon, parse_regon(&r)?),
            _ => return Ok(None),
        };
        Ok(find_cooperative_by(db(ctx)?, col, &value)
            .await?
            .map(Cooperative))
    }

    /// Cooperatives, filtered and ordered.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn cooperatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions; all must hold.")] filter: Option<CooperativeFilter>,
        #[graphql(
            desc = "Order; without it DISTANCE when `filter.near` is given, else RELEVANCE when `filter.text` is, else NAME."
        )]
        order_by: Option<CooperativeOrderBy>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Cooperative, Ranked>> {
        let db = db(ctx)?;
        let filter = filter.unwrap_or_default().into_db(db).await?;
        let order = directory_order(order_by, &filter)?;
        let cols = node_columns::<Cooperative>(ctx);
        if !filter.ranked() {
            // Plain filters page by keys in SQL, however deep the page.
            let keyset = directory_keyset(order);
            let seek = KeyPage::new(after, before, first, last)?.seek(keyset, ctx)?;
            let paged = list_cooperatives(db, &filter, keyset, &seek, cols).await?;
            return Ok(build_keyed(keyset, paged, |m| {
                (Cooperative(m), Ranked::default())
            }));
        }
        // A ranked list is computed whole (`db::directory::matching`); its cursors name
        // a cooperative in it.
        let list = &lists::RANKED_COOPERATIVES;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(list, ctx)?;
        let pick = |hits: &[_]| {
            let keyed: Vec<_> = hits.iter().map(|h| ((list.key)(h), ())).collect();
            list.span(&keyed, &seek)
        };
        let (w, rows) =
            rank_cooperatives(db, &filter, order, pick, cols, Some(&loaders(ctx)?.matches)).await?;
        let page = rows.into_iter().map(|(m, h)| {
            let ranked = Ranked {
                relevance: h.relevance,
                distance_km: h.distance_km,
            };
            ((list.key)(&h), Cooperative(m), ranked)
        });
        Ok(listed(list.tag, w, page))
    }

    /// Counts of the cooperatives a filter selects, by voivodeship, sector, founder kind
    /// and status: the same cooperatives `cooperatives(filter:)` lists.
    async fn cooperative_facets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions; all must hold.")] filter: Option<CooperativeFilter>,
    ) -> Result<CooperativeFacets> {
        let db = db(ctx)?;
        let filter = filter.unwrap_or_default().into_db(db).await?;
        Ok(CooperativeFacets(
            facets(db, &filter, Some(&loaders(ctx)?.matches)).await?,
        ))
    }
}
