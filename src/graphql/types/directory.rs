//! The buyer's directory in the schema: facets, eligibility and activity.

use super::{CooperativeStatus, FounderKind, LocalGovernment, Sector};
use crate::db::directory::Facets;
use crate::evidence::Tri;
use crate::graphql::{loaders, required};
use async_graphql::{Context, Enum, Object, Result, SimpleObject};

/// Yes, no, or not known from the records.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(display)]
pub enum Eligibility {
    /// Meets every condition the records can show.
    Eligible,
    /// Fails a condition (see the reasons).
    NotEligible,
    /// A condition cannot be checked from the records (see the reasons); never guessed.
    Unknown,
}

/// Whether a cooperative may bid for contracts reserved under art. 94 PZP, and why.
#[derive(SimpleObject)]
pub struct ReservedContractEligibility {
    /// The answer.
    pub status: Eligibility,
    /// True or false when known, null when unknown.
    pub eligible: Option<bool>,
    /// Each condition checked and what the records say about it.
    pub reasons: Vec<String>,
}

impl From<(Tri, Vec<String>)> for ReservedContractEligibility {
    fn from((t, reasons): (Tri, Vec<String>)) -> Self {
        let (status, eligible) = match t {
            Tri::Yes => (Eligibility::Eligible, Some(true)),
            Tri::No => (Eligibility::NotEligible, Some(false)),
            Tri::Unknown => (Eligibility::Unknown, None),
        };
        ReservedContractEligibility {
            status,
            eligible,
            reasons,
        }
    }
}

/// Whether a cooperative is operating, from documented evidence.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(display)]
pub enum Activity {
    /// Profile confirmed within 12 months, or a supply in a verified procurement example this year or last.
    Active,
    /// Suspended, in liquidation or dissolved, or no evidence newer than 24 months.
    Dormant,
    /// No evidence either way (never confirmed, no supplies), or evidence 12–24 months old.
    Unknown,
}

impl From<Tri> for Activity {
    fn from(t: Tri) -> Self {
        match t {
            Tri::Yes => Activity::Active,
            Tri::No => Activity::Dormant,
            Tri::Unknown => Activity::Unknown,
        }
    }
}

pub struct CooperativeFacets(pub Facets);

pub struct VoivodeshipCount {
    teryt: String,
    count: u64,
}

/// How many cooperatives of a list are seated in a voivodeship.
#[Object]
impl VoivodeshipCount {
    /// The voivodeship.
    async fn voivodeship(&self, ctx: &Context<'_>) -> Result<LocalGovernment> {
        let row = loaders(ctx)?.units.by_teryt(&self.teryt).cloned();
        Ok(LocalGovernment(required(row, "voivodeship")?))
    }
    /// Its 2-digit TERYT code.
    async fn teryt(&self) -> &str {
        &self.teryt
    }
    /// Cooperatives of the list seated there.
    async fn count(&self) -> u64 {
        self.count
    }
}

pub struct SectorCount {
    sector_id: i32,
    count: u64,
}

/// How many cooperatives of a list work in a sector.
#[Object]
impl SectorCount {
    /// The sector.
    async fn sector(&self, ctx: &Context<'_>) -> Result<Sector> {
        let row = loaders(ctx)?.sector.load_one(self.sector_id).await?;
        Ok(Sector(required(row, "sector")?))
    }
    /// Cooperatives of the list working in it.
    async fn count(&self) -> u64 {
        self.count
    }
}

/// How many cooperatives of a list have a founder kind.
#[derive(SimpleObject)]
pub struct FounderKindCount {
    /// The founder kind.
    pub founder_kind: FounderKind,
    /// Cooperatives of the list with it.
    pub count: u64,
}

/// How many cooperatives of a list have a status.
#[derive(SimpleObject)]
pub struct StatusCount {
    /// The status.
    pub status: CooperativeStatus,
    /// Cooperatives of the list with it.
    pub count: u64,
}

/// Counts of a cooperative list by voivodeship, sector, founder kind and status.
#[Object]
impl CooperativeFacets {
    /// How many cooperatives the filter selects (as `cooperatives(filter:).totalCount`).
    async fn total_count(&self) -> u64 {
        self.0.total
    }
    /// By the voivodeship of the seat, largest first; adds up to `totalCount`.
    async fn voivodeships(&self) -> Vec<VoivodeshipCount> {
        self.0
            .voivodeships
            .iter()
            .map(|(teryt, count)| VoivodeshipCount {
                teryt: teryt.clone(),
                count: *count,
            })
            .collect()
    }
    /// By sector, largest first; a cooperative counts in every sector it works in, so
    /// these may add up to more than `totalCount` (or less: not every industry is in a sector).
    async fn sectors(&self) -> Vec<SectorCount> {
        self.0
            .sectors
            .iter()
            .map(|(sector_id, count)| SectorCount {
                sector_id: *sector_id,
                count: *count,
            })
            .collect()
    }
    /// By founder kind, largest first; adds up to `totalCount`.
    async fn founder_kinds(&self) -> Vec<FounderKindCount> {
        self.0
            .founder_kinds
            .iter()
            .map(|(k, count)| FounderKindCount {
                founder_kind: (*k).into(),
                count: *count,
            })
            .collect()
    }
    /// By registry status, largest first; adds up to `totalCount`.
    async fn statuses(&self) -> Vec<StatusCount> {
        self.0
            .statuses
            .iter()
            .map(|(k, count)| StatusCount {
                status: (*k).into(),
                count: *count,
            })
            .collect()
    }
}
