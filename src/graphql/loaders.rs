//! DataLoaders: every relation field resolves through one of these, so sibling
//! objects on a page share one batched statement per relation. They hold no
//! cache (no stale data between requests) and live in the schema's data.

use crate::db::batch;
use crate::error::AppError;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    cooperative, cooperative_founder, cooperative_industry, industry, institution,
    local_government, offering, offering_area, procurement_example, procurement_supplier, sector,
    sector_industry,
};
use sea_orm::{DatabaseConnection, EntityTrait};
use std::{collections::HashMap, marker::PhantomData, time::Duration};

/// Loads rows of `E` by primary key.
pub struct ByIdLoader<E> {
    db: DatabaseConnection,
    _e: PhantomData<fn() -> E>,
}

impl<E: EntityTrait> Loader<i32> for ByIdLoader<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = E::Model;
    type Error = AppError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, E::Model>, AppError> {
        batch::by_ids::<E>(&self.db, keys).await
    }
}

/// Loads the rows of `E` pointing at each key through the column `key`.
pub struct ByKeyLoader<E> {
    db: DatabaseConnection,
    key: &'static str,
    order: &'static [&'static str],
    _e: PhantomData<fn() -> E>,
}

impl<E: EntityTrait> Loader<i32> for ByKeyLoader<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Vec<E::Model>>, AppError> {
        batch::by_key::<E>(&self.db, self.key, self.order, keys).await
    }
}

/// Cooperatives seated in a TERYT unit or below it, keyed by the unit's code.
pub struct CooperativesByTerytPrefixLoader(DatabaseConnection);

impl Loader<String> for CooperativesByTerytPrefixLoader {
    type Value = Vec<cooperative::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, AppError> {
        batch::cooperatives_in_units(&self.0, keys).await
    }
}

/// Ids of cooperatives with an industry in a PKD subtree, keyed by the subtree's path.
pub struct CooperativeIdsByIndustryPathLoader(DatabaseConnection);

impl Loader<String> for CooperativeIdsByIndustryPathLoader {
    type Value = Vec<i32>;
    type Error = AppError;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Vec<i32>>, AppError> {
        batch::cooperative_ids_under_paths(&self.0, keys).await
    }
}

/// Cooperative ids of each sector.
pub struct CooperativeIdsBySectorIdLoader(DatabaseConnection);

impl Loader<i32> for CooperativeIdsBySectorIdLoader {
    type Value = Vec<i32>;
    type Error = AppError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Vec<i32>>, AppError> {
        let mut out: HashMap<i32, Vec<i32>> = HashMap::new();
        for (s, c) in batch::sector_cooperative_pairs(&self.0, Some(keys), None).await? {
            out.entry(s).or_default().push(c);
        }
        Ok(out)
    }
}

/// Sector ids of each cooperative.
pub struct SectorIdsByCooperativeIdLoader(DatabaseConnection);

impl Loader<i32> for SectorIdsByCooperativeIdLoader {
    type Value = Vec<i32>;
    type Error = AppError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Vec<i32>>, AppError> {
        let mut out: HashMap<i32, Vec<i32>> = HashMap::new();
        for (s, c) in batch::sector_cooperative_pairs(&self.0, None, Some(keys)).await? {
            out.entry(c).or_default().push(s);
        }
        Ok(out)
    }
}

/// The newest year each cooperative supplied a verified procurement example.
pub struct LastSupplyYearLoader(DatabaseConnection);

impl Loader<i32> for LastSupplyYearLoader {
    type Value = i32;
    type Error = AppError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, i32>, AppError> {
        crate::db::directory::last_supply_years(&self.0, keys).await
    }
}

type L<T> = DataLoader<T>;

/// All loaders of the schema.
pub struct Loaders {
    pub cooperative: L<ByIdLoader<cooperative::Entity>>,
    pub local_government: L<ByIdLoader<local_government::Entity>>,
    pub industry: L<ByIdLoader<industry::Entity>>,
    pub sector: L<ByIdLoader<sector::Entity>>,
    pub offering: L<ByIdLoader<offering::Entity>>,
    pub institution: L<ByIdLoader<institution::Entity>>,
    pub procurement_example: L<ByIdLoader<procurement_example::Entity>>,
    pub user: L<ByIdLoader<entity::user_account::Entity>>,
    pub offerings_by_cooperative: L<ByKeyLoader<offering::Entity>>,
    pub industry_links_by_cooperative: L<ByKeyLoader<cooperative_industry::Entity>>,
    pub founders_by_cooperative: L<ByKeyLoader<cooperative_founder::Entity>>,
    pub founders_by_local_government: L<ByKeyLoader<cooperative_founder::Entity>>,
    pub suppliers_by_procurement_example: L<ByKeyLoader<procurement_supplier::Entity>>,
    pub supplies_by_cooperative: L<ByKeyLoader<procurement_supplier::Entity>>,
    pub areas_by_offering: L<ByKeyLoader<offering_area::Entity>>,
    pub children_by_local_government: L<ByKeyLoader<local_government::Entity>>,
    pub children_by_industry: L<ByKeyLoader<industry::Entity>>,
    pub institutions_by_local_government: L<ByKeyLoader<institution::Entity>>,
    pub procurement_by_buyer: L<ByKeyLoader<procurement_example::Entity>>,
    pub industry_links_by_sector: L<ByKeyLoader<sector_industry::Entity>>,
    pub cooperatives_by_teryt_prefix: L<CooperativesByTerytPrefixLoader>,
    pub cooperative_ids_by_industry_path: L<CooperativeIdsByIndustryPathLoader>,
    pub cooperative_ids_by_sector: L<CooperativeIdsBySectorIdLoader>,
    pub sector_ids_by_cooperative: L<SectorIdsByCooperativeIdLoader>,
    pub last_supply_year: L<LastSupplyYearLoader>,
    pub need: L<ByIdLoader<entity::need::Entity>>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection, delay: Duration) -> Self {
        fn by_id<E>(db: &DatabaseConnection, delay: Duration) -> L<ByIdLoader<E>>
        where
            E: EntityTrait,
            E::Model: Clone + Send + Sync,
        {
            DataLoader::new(
                ByIdLoader {
                    db: db.clone(),
                    _e: PhantomData,
                },
                tokio::spawn,
            )
            .delay(delay)
        }
        fn by_key<E>(
            db: &DatabaseConnection,
            delay: Duration,
            key: &'static str,
            order: &'static [&'static str],
        ) -> L<ByKeyLoader<E>>
        where
            E: EntityTrait,
            E::Model: Clone + Send + Sync,
        {
            DataLoader::new(
                ByKeyLoader {
                    db: db.clone(),
                    key,
                    order,
                    _e: PhantomData,
                },
                tokio::spawn,
            )
            .delay(delay)
        }
        Loaders {
            cooperative: by_id(db, delay),
            local_government: by_id(db, delay),
            industry: by_id(db, delay),
            sector: by_id(db, delay),
            offering: by_id(db, delay),
            institution: by_id(db, delay),
            procurement_example: by_id(db, delay),
            user: by_id(db, delay),
            offerings_by_cooperative: by_key(db, delay, "cooperative_id", &["id"]),
            industry_links_by_cooperative: by_key(db, delay, "cooperative_id", &["industry_id"]),
            founders_by_cooperative: by_key(db, delay, "cooperative_id", &["id"]),
            founders_by_local_government: by_key(
                db,
                delay,
                "local_government_id",
                &["cooperative_id", "id"],
            ),
            suppliers_by_procurement_example: by_key(
                db,
                delay,
                "procurement_example_id",
                &["role", "cooperative_id"],
            ),
            supplies_by_cooperative: by_key(
                db,
                delay,
                "cooperative_id",
                &["procurement_example_id"],
            ),
            areas_by_offering: by_key(db, delay, "offering_id", &["local_government_id"]),
            children_by_local_government: by_key(db, delay, "parent_id", &["teryt"]),
            children_by_industry: by_key(db, delay, "parent_id", &["path"]),
            institutions_by_local_government: by_key(
                db,
                delay,
                "local_government_id",
                &["name", "id"],
            ),
            procurement_by_buyer: by_key(db, delay, "buyer_id", &["-year", "id"]),
            industry_links_by_sector: by_key(db, delay, "sector_id", &["industry_id"]),
            cooperatives_by_teryt_prefix: DataLoader::new(
                CooperativesByTerytPrefixLoader(db.clone()),
                tokio::spawn,
            )
            .delay(delay),
            cooperative_ids_by_industry_path: DataLoader::new(
                CooperativeIdsByIndustryPathLoader(db.clone()),
                tokio::spawn,
            )
            .delay(delay),
            cooperative_ids_by_sector: DataLoader::new(
                CooperativeIdsBySectorIdLoader(db.clone()),
                tokio::spawn,
            )
            .delay(delay),
            sector_ids_by_cooperative: DataLoader::new(
                SectorIdsByCooperativeIdLoader(db.clone()),
                tokio::spawn,
            )
            .delay(delay),
            last_supply_year: DataLoader::new(LastSupplyYearLoader(db.clone()), tokio::spawn)
                .delay(delay),
            need: by_id(db, delay),
        }
    }
}
