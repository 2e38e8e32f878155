//! Loaders: every relation field resolves through one of these, so sibling
//! objects on a page share one batched statement per relation (batched by
//! `exec::batch` on the fast path, by async-graphql's `DataLoader` off it). They
//! keep nothing between requests (no stale data; only the unit loader keeps its
//! rows, for its own request); each request gets its own set, whose batches run
//! in the request's task ([`Batches`]).

use super::exec::batch::{Batcher, Key, Load, Spawn};
use crate::db::{
    batch::{self, Dir, Order},
    keyset::ListKey,
    lists,
    project::{Cols, Decode},
    units::Table,
    Head,
};
use crate::error::AppError;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    cooperative, cooperative_founder, industry, institution, local_government, offering,
    offering_area, procurement_example, procurement_supplier, sector, sector_industry,
};
use futures_util::{future::BoxFuture, stream::FuturesUnordered, Stream, StreamExt};
use sea_orm::{DatabaseConnection, EntityTrait};
use std::{
    collections::HashMap,
    future::Future,
    marker::PhantomData,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    task::{Context, Poll, Wake, Waker},
    time::Duration,
};

/// Loads rows of `E` by primary key.
pub struct ByIdLoader<E> {
    db: DatabaseConnection,
    _e: PhantomData<fn() -> E>,
}

impl<E: Decode> Loader<i32> for ByIdLoader<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = E::Model;
    type Error = AppError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, E::Model>, AppError> {
        batch::by_ids::<E>(&self.db, keys, Cols::ALL).await
    }
}

/// A batch's lists behind `Arc`s: a loader hands each requester a clone of its
/// value, and the resolver, the only holder once the batch is done, takes the list
/// out without copying it (`Arc::unwrap_or_clone`).
fn shared<K: Eq + std::hash::Hash, V>(found: HashMap<K, V>) -> HashMap<K, Arc<V>> {
    found.into_iter().map(|(k, v)| (k, Arc::new(v))).collect()
}

/// Each cooperative's PKD subclasses, with whether each is its primary one.
pub struct IndustriesByCooperativeLoader(DatabaseConnection);

impl Loader<i32> for IndustriesByCooperativeLoader {
    type Value = Arc<Vec<(bool, industry::Model)>>;
    type Error = AppError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, AppError> {
        Ok(shared(
            batch::industries_of_cooperatives(&self.0, keys).await?,
        ))
    }
}

/// The purchases each cooperative supplied that the list shows (`batch::listed_purchases_of_suppliers`).
pub struct PurchasesBySupplierLoader(DatabaseConnection);

impl Loader<i32> for PurchasesBySupplierLoader {
    type Value = Arc<Vec<procurement_example::Model>>;
    type Error = AppError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, AppError> {
        Ok(shared(
            batch::listed_purchases_of_suppliers(&self.0, keys).await?,
        ))
    }
}

/// Loads the rows of `E` pointing at each key through the column `key`.
pub struct ByKeyLoader<E: EntityTrait> {
    db: DatabaseConnection,
    key: E::Column,
    order: Order<E>,
    /// The rows the list shows (e.g. verified purchases only).
    only: fn() -> sea_orm::Condition,
}

impl<E: Decode> Loader<i32> for ByKeyLoader<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = Arc<Vec<E::Model>>;
    type Error = AppError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, AppError> {
        Ok(shared(
            batch::by_key::<E>(&self.db, self.key, self.order, (self.only)(), keys).await?,
        ))
    }
}

/// The first rows of `E` pointing at each key through the column `key` (and how many
/// in all, when counted), keyed by parent, [`Head`] and the columns the page reads: a
/// page of parents asks one head of all of them, so one statement (see
/// `batch::first_by_key`).
pub struct FirstByKeyLoader<E: EntityTrait> {
    db: DatabaseConnection,
    key: E::Column,
    order: Order<E>,
    /// The rows the list shows (e.g. verified purchases only).
    only: fn() -> sea_orm::Condition,
    /// The rows after a cursor's key (`db::lists`).
    after: fn(&ListKey) -> sea_orm::Condition,
}

/// A first-rows loader's key: the parent, the head, the columns read and the key
/// of the cursor the page starts after.
pub type FirstKey<E> = (i32, Head, Cols<E>, Option<ListKey>);

impl<E: Decode> Loader<FirstKey<E>> for FirstByKeyLoader<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = Arc<(Option<u64>, Vec<E::Model>)>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[FirstKey<E>],
    ) -> Result<HashMap<FirstKey<E>, Self::Value>, AppError> {
        let mut by_head: HashMap<(Head, Cols<E>, Option<ListKey>), Vec<i32>> = HashMap::new();
        for (parent, head, cols, after) in keys {
            by_head
                .entry((*head, *cols, after.clone()))
                .or_default()
                .push(*parent);
        }
        let mut out = HashMap::new();
        for ((head, cols, after), parents) in by_head {
            let mut only = (self.only)();
            // After a cursor: the rows after its key, uncounted; each whole list's
            // count (not that of its rows after the key) is read with its first row.
            let rows = match &after {
                Some(key) => {
                    only = only.add((self.after)(key));
                    Head {
                        counted: false,
                        ..head
                    }
                }
                None => head,
            };
            let mut found = batch::first_by_key::<E>(
                &self.db, self.key, self.order, only, &parents, rows, cols,
            )
            .await?;
            if head.counted && after.is_some() {
                let counted = Head {
                    n: 1,
                    counted: true,
                };
                let only = (self.only)();
                let first = batch::first_by_key::<E>(
                    &self.db,
                    self.key,
                    self.order,
                    only,
                    &parents,
                    counted,
                    Cols::KEY,
                )
                .await?;
                for p in &parents {
                    let total = first.get(p).and_then(|(t, _)| *t).unwrap_or(0);
                    found.entry(*p).or_insert_with(|| (None, Vec::new())).0 = Some(total);
                }
            }
            for p in parents {
                let v = found
                    .remove(&p)
                    .unwrap_or_else(|| (head.counted.then_some(0), Vec::new()));
                out.insert((p, head, cols, after.clone()), Arc::new(v));
            }
        }
        Ok(out)
    }
}

/// A buyer's procurement examples: newest year first (`lists::PURCHASES_NEWEST`,
/// whose keys its pages seek by).
const PROCUREMENT_BY_BUYER_ORDER: Order<procurement_example::Entity> = &[
    (procurement_example::Column::Year, Dir::Desc),
    (procurement_example::Column::Id, Dir::Asc),
];

/// A cooperative's offerings: by id (`lists::OFFERINGS`, whose keys its pages seek by).
const OFFERINGS_ORDER: Order<offering::Entity> = &[(offering::Column::Id, Dir::Asc)];

/// A unit's institutions: by name (`lists::INSTITUTIONS`, whose keys its pages seek by).
const INSTITUTIONS_ORDER: Order<institution::Entity> = &[
    (institution::Column::Name, Dir::Asc),
    (institution::Column::Id, Dir::Asc),
];

/// Cooperatives seated in a TERYT unit or below it, keyed by the unit's code.
pub struct CooperativesByTerytPrefixLoader(DatabaseConnection);

impl Loader<String> for CooperativesByTerytPrefixLoader {
    type Value = Arc<Vec<cooperative::Model>>;
    type Error = AppError;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, AppError> {
        Ok(shared(batch::cooperatives_in_units(&self.0, keys).await?))
    }
}

/// The first cooperatives in a TERYT unit (and how many in all, when counted), keyed
/// by unit, [`Head`] and the columns the page reads (see
/// `batch::first_cooperatives_in_units`).
pub struct FirstCooperativesByTerytPrefixLoader(DatabaseConnection);

pub type UnitHead = (String, Head, Cols<cooperative::Entity>, Option<ListKey>);

impl Loader<UnitHead> for FirstCooperativesByTerytPrefixLoader {
    type Value = Arc<(Option<u64>, Vec<cooperative::Model>)>;
    type Error = AppError;

    async fn load(&self, keys: &[UnitHead]) -> Result<HashMap<UnitHead, Self::Value>, AppError> {
        let mut out = HashMap::new();
        // A page asks one head of all its units: one statement per head (and per tree
        // level, so that no unit holds another).
        type Group = (Head, Cols<cooperative::Entity>, usize, Option<ListKey>);
        let mut groups: HashMap<Group, Vec<String>> = HashMap::new();
        for (p, head, cols, after) in keys {
            groups
                .entry((*head, *cols, p.len(), after.clone()))
                .or_default()
                .push(p.clone());
        }
        for ((head, cols, _, after), prefixes) in groups {
            let seek = after.as_ref().map(lists::cooperatives_after);
            let mut found = match &seek {
                // A forged key, not a cooperative's (name, id): nothing comes after it.
                Some(None) => HashMap::new(),
                _ => {
                    let seek = seek.as_ref().and_then(Option::as_ref);
                    batch::first_cooperatives_in_units(&self.0, &prefixes, head, cols, seek).await?
                }
            };
            // A count comes with a unit's rows: the units with none after the cursor
            // have theirs read with their first row.
            let uncounted: Vec<String> = prefixes
                .iter()
                .filter(|p| head.counted && !found.contains_key(*p))
                .cloned()
                .collect();
            if after.is_some() && !uncounted.is_empty() {
                let counted = Head {
                    n: 1,
                    counted: true,
                };
                let first = batch::first_cooperatives_in_units(
                    &self.0,
                    &uncounted,
                    counted,
                    Cols::KEY,
                    None,
                )
                .await?;
                for (p, (total, _)) in first {
                    found.insert(p, (total, Vec::new()));
                }
            }
            for p in prefixes {
                let v = found
                    .remove(&p)
                    .unwrap_or_else(|| (head.counted.then_some(0), Vec::new()));
                out.insert((p, head, cols, after.clone()), Arc::new(v));
            }
        }
        Ok(out)
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

/// The creations and updates of each record of one kind (`entity`, as the audit
/// trail names it), newest first: its provenance.
pub struct ChangesLoader {
    db: DatabaseConnection,
    entity: &'static str,
}

impl Loader<i32> for ChangesLoader {
    type Value = Vec<entity::audit_entry::Model>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[i32],
    ) -> Result<HashMap<i32, Vec<entity::audit_entry::Model>>, AppError> {
        crate::db::audit::of_records(&self.db, self.entity, keys).await
    }
}

/// The published articles mentioning each record of one type, newest first
/// (`db::knowledge::mentioned_in`): keyed by (the type's place in
/// `db::knowledge::MENTIONABLE`, id).
pub struct MentionedInLoader(DatabaseConnection);

impl Loader<(usize, i32)> for MentionedInLoader {
    type Value = Arc<Vec<entity::article::Model>>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[(usize, i32)],
    ) -> Result<HashMap<(usize, i32), Self::Value>, AppError> {
        let mut by_kind: HashMap<usize, Vec<i32>> = HashMap::new();
        for (kind, id) in keys {
            by_kind.entry(*kind).or_default().push(*id);
        }
        let mut out: HashMap<(usize, i32), Vec<entity::article::Model>> = HashMap::new();
        for (kind, ids) in by_kind {
            let name = crate::db::knowledge::MENTIONABLE
                .get(kind)
                .map(|(k, _)| *k)
                .ok_or_else(|| AppError::Internal(format!("no mentionable type {kind}")))?;
            for (target, a) in crate::db::knowledge::mentioned_in(&self.0, name, &ids).await? {
                out.entry((kind, target)).or_default().push(a);
            }
        }
        Ok(out
            .into_iter()
            .map(|(k, mut v)| {
                v.sort_by_key(|a| std::cmp::Reverse((a.published_on, a.id)));
                (k, Arc::new(v))
            })
            .collect())
    }
}

/// The gmina a city with powiat rights stores its records against, by its
/// powiat-level unit (`db::local_government::city_gminas`).
pub struct CityGminaLoader(DatabaseConnection);

impl Loader<i32> for CityGminaLoader {
    type Value = i32;
    type Error = AppError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, i32>, AppError> {
        crate::db::local_government::city_gminas(&self.0, keys).await
    }
}

type L<T, K = i32> = Load<T, K>;

/// All loaders of the schema.
pub struct Loaders {
    /// The TERYT units as this request found them (`db::units`): a unit by id or
    /// code and a unit's children are read from memory, without a statement.
    pub units: Arc<Table>,
    pub cooperative: L<ByIdLoader<cooperative::Entity>>,
    pub industry: L<ByIdLoader<industry::Entity>>,
    pub sector: L<ByIdLoader<sector::Entity>>,
    pub offering: L<ByIdLoader<offering::Entity>>,
    pub institution: L<ByIdLoader<institution::Entity>>,
    pub procurement_example: L<ByIdLoader<procurement_example::Entity>>,
    pub user: L<ByIdLoader<entity::user_account::Entity>>,
    pub offerings_by_cooperative: L<ByKeyLoader<offering::Entity>>,
    pub first_offerings_by_cooperative:
        L<FirstByKeyLoader<offering::Entity>, FirstKey<offering::Entity>>,
    pub industries_by_cooperative: L<IndustriesByCooperativeLoader>,
    pub founders_by_cooperative: L<ByKeyLoader<cooperative_founder::Entity>>,
    pub founders_by_local_government: L<ByKeyLoader<cooperative_founder::Entity>>,
    pub suppliers_by_procurement_example: L<ByKeyLoader<procurement_supplier::Entity>>,
    pub listed_purchases_by_supplier: L<PurchasesBySupplierLoader>,
    pub areas_by_offering: L<ByKeyLoader<offering_area::Entity>>,
    pub children_by_industry: L<ByKeyLoader<industry::Entity>>,
    pub institutions_by_local_government: L<ByKeyLoader<institution::Entity>>,
    pub first_institutions_by_local_government:
        L<FirstByKeyLoader<institution::Entity>, FirstKey<institution::Entity>>,
    pub verified_procurement_by_buyer: L<ByKeyLoader<procurement_example::Entity>>,
    pub first_verified_procurement_by_buyer:
        L<FirstByKeyLoader<procurement_example::Entity>, FirstKey<procurement_example::Entity>>,
    pub industry_links_by_sector: L<ByKeyLoader<sector_industry::Entity>>,
    pub cooperatives_by_teryt_prefix: L<CooperativesByTerytPrefixLoader, String>,
    pub first_cooperatives_by_teryt_prefix: L<FirstCooperativesByTerytPrefixLoader, UnitHead>,
    pub cooperative_ids_by_industry_path: L<CooperativeIdsByIndustryPathLoader, String>,
    pub cooperative_ids_by_sector: L<CooperativeIdsBySectorIdLoader>,
    pub sector_ids_by_cooperative: L<SectorIdsByCooperativeIdLoader>,
    pub last_supply_year: L<LastSupplyYearLoader>,
    pub cooperative_changes: L<ChangesLoader>,
    pub offering_changes: L<ChangesLoader>,
    pub city_gmina: L<CityGminaLoader>,
    pub need: L<ByIdLoader<entity::need::Entity>>,
    pub person: L<ByIdLoader<entity::person::Entity>>,
    pub event: L<ByIdLoader<entity::event::Entity>>,
    pub thread: L<ByIdLoader<entity::thread::Entity>>,
    pub post: L<ByIdLoader<entity::post::Entity>>,
    pub people_by_cooperative: L<ByKeyLoader<entity::person::Entity>>,
    pub participations_by_event: L<ByKeyLoader<entity::participation::Entity>>,
    pub programme_session: L<ByIdLoader<entity::programme_session::Entity>>,
    pub sessions_by_event: L<ByKeyLoader<entity::programme_session::Entity>>,
    pub speakers_by_session: L<ByKeyLoader<entity::session_speaker::Entity>>,
    pub recommendation: L<ByIdLoader<entity::recommendation::Entity>>,
    pub article: L<ByIdLoader<entity::article::Entity>>,
    pub publication: L<ByIdLoader<entity::publication::Entity>>,
    pub founder: L<ByIdLoader<cooperative_founder::Entity>>,
    pub legal_basis_by_recommendation: L<ByKeyLoader<entity::legal_basis::Entity>>,
    pub examples_by_recommendation: L<ByKeyLoader<entity::recommendation_example::Entity>>,
    pub recommendations_by_example: L<ByKeyLoader<entity::recommendation_example::Entity>>,
    pub contributors_by_article: L<ByKeyLoader<entity::article_contributor::Entity>>,
    pub mentions_by_article: L<ByKeyLoader<entity::mention::Entity>>,
    pub articles_by_publication: L<ByKeyLoader<entity::article::Entity>>,
    pub mentioned_in: L<MentionedInLoader, (usize, i32)>,
    /// The rows ranked filters select, read once per request (`db::directory::Matches`).
    pub matches: crate::db::directory::Matches,
}

impl Loaders {
    /// The TERYT unit with this id (none: no such unit), from memory.
    pub fn unit(&self, id: i32) -> Option<local_government::Model> {
        self.units.unit(id).cloned()
    }

    /// One request's loaders; their batches run in `batches` (see [`Batches::run`]).
    pub fn new(
        db: &DatabaseConnection,
        units: Arc<Table>,
        delay: Duration,
        batches: &Batches,
    ) -> Self {
        fn by_id<E>(db: &DatabaseConnection) -> ByIdLoader<E> {
            ByIdLoader {
                db: db.clone(),
                _e: PhantomData,
            }
        }
        fn by_key<E: Decode>(
            db: &DatabaseConnection,
            key: E::Column,
            order: Order<E>,
        ) -> ByKeyLoader<E> {
            ByKeyLoader {
                db: db.clone(),
                key,
                order,
                only: sea_orm::Condition::all,
            }
        }
        fn first_by_key<E: Decode>(
            db: &DatabaseConnection,
            key: E::Column,
            order: Order<E>,
            only: fn() -> sea_orm::Condition,
            after: fn(&ListKey) -> sea_orm::Condition,
        ) -> FirstByKeyLoader<E> {
            FirstByKeyLoader {
                db: db.clone(),
                key,
                order,
                only,
                after,
            }
        }
        Loaders {
            units,
            cooperative: batches.loader(by_id(db), delay),
            industry: batches.loader(by_id(db), delay),
            sector: batches.loader(by_id(db), delay),
            offering: batches.loader(by_id(db), delay),
            institution: batches.loader(by_id(db), delay),
            procurement_example: batches.loader(by_id(db), delay),
            user: batches.loader(by_id(db), delay),
            offerings_by_cooperative: batches.loader(
                by_key(db, offering::Column::CooperativeId, OFFERINGS_ORDER),
                delay,
            ),
            first_offerings_by_cooperative: batches.loader(
                first_by_key(
                    db,
                    offering::Column::CooperativeId,
                    OFFERINGS_ORDER,
                    sea_orm::Condition::all,
                    lists::offerings_after,
                ),
                delay,
            ),
            industries_by_cooperative: batches
                .loader(IndustriesByCooperativeLoader(db.clone()), delay),
            founders_by_cooperative: batches.loader(
                by_key(
                    db,
                    cooperative_founder::Column::CooperativeId,
                    &[(cooperative_founder::Column::Id, Dir::Asc)],
                ),
                delay,
            ),
            founders_by_local_government: batches.loader(
                by_key(
                    db,
                    cooperative_founder::Column::LocalGovernmentId,
                    &[
                        (cooperative_founder::Column::CooperativeId, Dir::Asc),
                        (cooperative_founder::Column::Id, Dir::Asc),
                    ],
                ),
                delay,
            ),
            suppliers_by_procurement_example: batches.loader(
                by_key(
                    db,
                    procurement_supplier::Column::ProcurementExampleId,
                    &[
                        (procurement_supplier::Column::Role, Dir::Asc),
                        (procurement_supplier::Column::CooperativeId, Dir::Asc),
                    ],
                ),
                delay,
            ),
            listed_purchases_by_supplier: batches
                .loader(PurchasesBySupplierLoader(db.clone()), delay),
            areas_by_offering: batches.loader(
                by_key(
                    db,
                    offering_area::Column::OfferingId,
                    &[(offering_area::Column::LocalGovernmentId, Dir::Asc)],
                ),
                delay,
            ),
            children_by_industry: batches.loader(
                by_key(
                    db,
                    industry::Column::ParentId,
                    &[(industry::Column::Path, Dir::Asc)],
                ),
                delay,
            ),
            institutions_by_local_government: batches.loader(
                by_key(
                    db,
                    institution::Column::LocalGovernmentId,
                    INSTITUTIONS_ORDER,
                ),
                delay,
            ),
            first_institutions_by_local_government: batches.loader(
                first_by_key(
                    db,
                    institution::Column::LocalGovernmentId,
                    INSTITUTIONS_ORDER,
                    sea_orm::Condition::all,
                    lists::institutions_after,
                ),
                delay,
            ),
            verified_procurement_by_buyer: batches.loader(
                ByKeyLoader {
                    only: crate::policy::listed_procurement,
                    ..by_key(
                        db,
                        procurement_example::Column::BuyerId,
                        PROCUREMENT_BY_BUYER_ORDER,
                    )
                },
                delay,
            ),
            first_verified_procurement_by_buyer: batches.loader(
                first_by_key(
                    db,
                    procurement_example::Column::BuyerId,
                    PROCUREMENT_BY_BUYER_ORDER,
                    crate::policy::listed_procurement,
                    lists::purchases_after,
                ),
                delay,
            ),
            industry_links_by_sector: batches.loader(
                by_key(
                    db,
                    sector_industry::Column::SectorId,
                    &[(sector_industry::Column::IndustryId, Dir::Asc)],
                ),
                delay,
            ),
            cooperatives_by_teryt_prefix: batches
                .loader(CooperativesByTerytPrefixLoader(db.clone()), delay),
            first_cooperatives_by_teryt_prefix: batches
                .loader(FirstCooperativesByTerytPrefixLoader(db.clone()), delay),
            cooperative_ids_by_industry_path: batches
                .loader(CooperativeIdsByIndustryPathLoader(db.clone()), delay),
            cooperative_ids_by_sector: batches
                .loader(CooperativeIdsBySectorIdLoader(db.clone()), delay),
            sector_ids_by_cooperative: batches
                .loader(SectorIdsByCooperativeIdLoader(db.clone()), delay),
            last_supply_year: batches.loader(LastSupplyYearLoader(db.clone()), delay),
            cooperative_changes: batches.loader(
                ChangesLoader {
                    db: db.clone(),
                    entity: "Cooperative",
                },
                delay,
            ),
            offering_changes: batches.loader(
                ChangesLoader {
                    db: db.clone(),
                    entity: "Offering",
                },
                delay,
            ),
            city_gmina: batches.loader(CityGminaLoader(db.clone()), delay),
            need: batches.loader(by_id(db), delay),
            person: batches.loader(by_id(db), delay),
            event: batches.loader(by_id(db), delay),
            thread: batches.loader(by_id(db), delay),
            post: batches.loader(by_id(db), delay),
            people_by_cooperative: batches.loader(
                by_key(
                    db,
                    entity::person::Column::CooperativeId,
                    &[
                        (entity::person::Column::DisplayName, Dir::Asc),
                        (entity::person::Column::Id, Dir::Asc),
                    ],
                ),
                delay,
            ),
            participations_by_event: batches.loader(
                by_key(
                    db,
                    entity::participation::Column::EventId,
                    &[
                        (entity::participation::Column::CreatedAt, Dir::Asc),
                        (entity::participation::Column::Id, Dir::Asc),
                    ],
                ),
                delay,
            ),
            programme_session: batches.loader(by_id(db), delay),
            sessions_by_event: batches.loader(
                by_key(
                    db,
                    entity::programme_session::Column::EventId,
                    &[
                        (entity::programme_session::Column::StartsAt, Dir::Asc),
                        (entity::programme_session::Column::Id, Dir::Asc),
                    ],
                ),
                delay,
            ),
            speakers_by_session: batches.loader(
                by_key(
                    db,
                    entity::session_speaker::Column::SessionId,
                    &[(entity::session_speaker::Column::Position, Dir::Asc)],
                ),
                delay,
            ),
            recommendation: batches.loader(by_id(db), delay),
            article: batches.loader(by_id(db), delay),
            publication: batches.loader(by_id(db), delay),
            founder: batches.loader(by_id(db), delay),
            legal_basis_by_recommendation: batches.loader(
                by_key(
                    db,
                    entity::legal_basis::Column::RecommendationId,
                    &[(entity::legal_basis::Column::Position, Dir::Asc)],
                ),
                delay,
            ),
            examples_by_recommendation: batches.loader(
                by_key(
                    db,
                    entity::recommendation_example::Column::RecommendationId,
                    &[(
                        entity::recommendation_example::Column::ProcurementExampleId,
                        Dir::Asc,
                    )],
                ),
                delay,
            ),
            recommendations_by_example: batches.loader(
                by_key(
                    db,
                    entity::recommendation_example::Column::ProcurementExampleId,
                    &[(
                        entity::recommendation_example::Column::RecommendationId,
                        Dir::Asc,
                    )],
                ),
                delay,
            ),
            contributors_by_article: batches.loader(
                by_key(
                    db,
                    entity::article_contributor::Column::ArticleId,
                    &[(entity::article_contributor::Column::Position, Dir::Asc)],
                ),
                delay,
            ),
            mentions_by_article: batches.loader(
                by_key(
                    db,
                    entity::mention::Column::ArticleId,
                    &[
                        (entity::mention::Column::TargetKind, Dir::Asc),
                        (entity::mention::Column::TargetId, Dir::Asc),
                    ],
                ),
                delay,
            ),
            articles_by_publication: batches.loader(
                by_key(
                    db,
                    entity::article::Column::PublicationId,
                    &[
                        (entity::article::Column::PublishedOn, Dir::Desc),
                        (entity::article::Column::Id, Dir::Desc),
                    ],
                ),
                delay,
            ),
            mentioned_in: batches.loader(MentionedInLoader(db.clone()), delay),
            matches: Default::default(),
        }
    }
}

/// Where one request's loader batches run: inside the request's own task.
///
/// With `tokio::spawn` as the spawner, a batch's timer raced the request on another
/// thread: on a loaded machine it could fire before every sibling had asked for its
/// key, and the same query sent one statement more. Here a batch is polled only once
/// the request has been polled to a standstill, so it holds every key that one step
/// of the query asks for, whatever the machine's load.
#[derive(Clone)]
pub struct Batches {
    queue: Arc<Mutex<Vec<BoxFuture<'static, ()>>>>,
    /// Whether loaders batch by `exec::batch` (the fast path) or by `DataLoader`.
    fast: bool,
}

impl Batches {
    /// A request's batches: loaders batch by [`Batcher`] when `fast`, else by
    /// async-graphql's `DataLoader` (`COOPHUB_FAST_PATH`).
    pub fn new(fast: bool) -> Self {
        Batches {
            queue: Arc::default(),
            fast,
        }
    }

    fn push(&self, batch: BoxFuture<'static, ()>) {
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(batch);
    }

    /// Queues a loader's batch to run at the request's next standstill.
    pub(crate) fn spawn(&self) -> Spawn {
        let queue = self.clone();
        Arc::new(move |batch| queue.push(batch))
    }

    fn loader<T: Loader<K>, K: Key>(&self, loader: T, delay: Duration) -> Load<T, K> {
        let spawn = self.spawn();
        if self.fast {
            Load::Fast(Batcher::new(loader, delay, spawn))
        } else {
            Load::Stock(DataLoader::new(loader, move |batch| spawn(batch)).delay(delay))
        }
    }

    /// Drives `request` and the batches its loaders start.
    pub async fn run<F: Future>(self, request: F) -> F::Output {
        let mut request = std::pin::pin!(request);
        let mut running = FuturesUnordered::new();
        std::future::poll_fn(move |cx| self.turn(&mut running, cx, |cx| request.as_mut().poll(cx)))
            .await
    }

    /// Drives a stream of results (a subscription) and the batches its loaders start.
    pub fn stream<S: Stream + Unpin>(self, mut items: S) -> impl Stream<Item = S::Item> {
        let mut running = FuturesUnordered::new();
        futures_util::stream::poll_fn(move |cx| {
            self.turn(&mut running, cx, |cx| items.poll_next_unpin(cx))
        })
    }

    /// One turn: poll the work first; only when it has stopped waking itself (every
    /// ready resolver has asked for its keys) are the batches polled, and a finished
    /// batch hands the turn back to the work before the next batch goes.
    fn turn<T>(
        &self,
        running: &mut FuturesUnordered<BoxFuture<'static, ()>>,
        cx: &mut Context<'_>,
        mut work: impl FnMut(&mut Context<'_>) -> Poll<T>,
    ) -> Poll<T> {
        loop {
            let turn = Arc::new(Turn {
                woken: AtomicBool::new(false),
                waker: cx.waker().clone(),
            });
            let waker = Waker::from(turn.clone());
            if let Poll::Ready(out) = work(&mut Context::from_waker(&waker)) {
                return Poll::Ready(out);
            }
            if turn.woken.load(Ordering::Acquire) {
                // It yielded with work left (a long list); the real waker is already woken.
                return Poll::Pending;
            }
            running.extend(std::mem::take(
                &mut *self.queue.lock().unwrap_or_else(|e| e.into_inner()),
            ));
            match running.poll_next_unpin(cx) {
                Poll::Ready(Some(())) => continue,
                _ => return Poll::Pending,
            }
        }
    }
}

/// The waker a request is polled with: records that it was woken, and passes it on.
struct Turn {
    woken: AtomicBool,
    waker: Waker,
}

impl Wake for Turn {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.waker.wake_by_ref();
    }
}
