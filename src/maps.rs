//! Figures for maps of Poland: per voivodeship, powiat or gmina, the cooperatives
//! a directory filter selects, the verified purchases of its buyers, offerings by
//! sector, population and cooperatives per 100,000 inhabitants. GraphQL's
//! `mapFigures` lists them; `GET /maps/<level>.geojson` joins them into the
//! boundaries that ship with coophub (`data/geo/`, built into the binary).

use crate::db::directory::Matches;
use crate::db::filter::CooperativeFilter;
use crate::db::units::Table;
use crate::error::{AppError, AppResult};
use chrono::Utc;
use entity::local_government as lg;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The year of the populations the reference data holds (GUS, 31 December 2018).
pub const POPULATION_YEAR: i32 = 2018;

/// One unit's figures.
#[derive(Debug, Clone)]
pub struct Figures {
    pub unit: lg::Model,
    pub cooperatives: u64,
    pub verified_purchases: u64,
    /// (sector id, offerings), by sector id.
    pub offerings_by_sector: Vec<(i32, u64)>,
}

impl Figures {
    /// Cooperatives per 100,000 inhabitants, where the population is known.
    pub fn cooperatives_per_100k(&self) -> Option<f64> {
        self.unit
            .population
            .filter(|p| *p > 0)
            .map(|p| self.cooperatives as f64 * 100_000.0 / p as f64)
    }
}

/// Which of a unit's figures to count: each is a statement over the whole
/// sector, and offerings by sector (a join of every offering with the sectors'
/// codes) costs several times the rest together, so a map that colours by
/// cooperatives does not pay for it.
#[derive(Debug, Clone, Copy)]
pub struct Wanted {
    pub verified_purchases: bool,
    pub offerings_by_sector: bool,
}

impl Wanted {
    pub const ALL: Wanted = Wanted {
        verified_purchases: true,
        offerings_by_sector: true,
    };
}

/// Every unit whose TERYT code is `len` digits (2, 4 or 7) with its figures, by
/// code (the units from `units`, the server's memory); the figures `wanted`
/// leaves out are zero and empty.
pub async fn figures(
    db: &DatabaseConnection,
    units: &Table,
    filter: &CooperativeFilter,
    len: usize,
    wanted: Wanted,
    memo: Option<&Matches>,
) -> AppResult<Vec<Figures>> {
    let coops = crate::db::directory::counts_by_unit(db, filter, len, memo).await?;
    let purchases = if wanted.verified_purchases {
        crate::db::procurement::verified_purchases_by_unit(db, len).await?
    } else {
        HashMap::new()
    };
    let mut offerings = if wanted.offerings_by_sector {
        crate::db::directory::offerings_by_unit_and_sector(db, filter, len, memo).await?
    } else {
        HashMap::new()
    };
    Ok(units
        .of_level(len)
        .into_iter()
        .map(|u| Figures {
            cooperatives: coops.get(&u.teryt).copied().unwrap_or(0),
            verified_purchases: purchases.get(&u.teryt).copied().unwrap_or(0),
            offerings_by_sector: offerings.remove(&u.teryt).unwrap_or_default(),
            unit: u.clone(),
        })
        .collect())
}

/// A level a boundary file ships for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundaries {
    Voivodeships,
    Powiaty,
}

impl Boundaries {
    /// The level named in `/maps/<name>.geojson`.
    pub fn of(name: &str) -> AppResult<Boundaries> {
        match name {
            "voivodeships" => Ok(Boundaries::Voivodeships),
            "powiaty" => Ok(Boundaries::Powiaty),
            "gminy" => Err(AppError::NotFound(
                "gmina boundaries: no public-domain or permissive source ships with coophub \
                 (use mapFigures(level: GMINA) and your own boundaries); the map of gminy was"
                    .into(),
            )),
            other => Err(AppError::NotFound(format!(
                "the maps are voivodeships.geojson and powiaty.geojson; `{other}`"
            ))),
        }
    }

    pub fn code_length(self) -> usize {
        match self {
            Boundaries::Voivodeships => 2,
            Boundaries::Powiaty => 4,
        }
    }

    /// The boundary file (GeoJSON; see data/README.md for sources and licences).
    pub fn file(self) -> &'static str {
        match self {
            Boundaries::Voivodeships => include_str!("../data/geo/voivodeships.geojson"),
            Boundaries::Powiaty => include_str!("../data/geo/powiaty.geojson"),
        }
    }

    /// Where the geometry comes from, under which licence.
    pub fn licence(self) -> &'static str {
        match self {
            Boundaries::Voivodeships => {
                "Boundaries: GUGiK PRG 2025 via github.com/waszkiewiczja/GeoJSON-Polska-Wojewodztwa-Powiaty-Gminy, public domain (stated by its publisher), simplified by coophub"
            }
            Boundaries::Powiaty => {
                "Boundaries: GUGiK PRG via github.com/ppatrzyk/polska-geojson, MIT licence, (c) 2019 Piotr Patrzyk (notice: data/geo/LICENSE-powiaty-ppatrzyk.txt); TERYT codes joined by coophub"
            }
        }
    }

    /// Units of the level: the cost of a map is priced by them.
    pub fn units(self) -> usize {
        match self {
            Boundaries::Voivodeships => 16,
            Boundaries::Powiaty => 380,
        }
    }
}

/// The boundary file of a level with each unit's figures as its properties,
/// and the licences, sources and the filter's description as foreign members.
pub async fn geojson(
    db: &DatabaseConnection,
    units: &Table,
    filter: &CooperativeFilter,
    level: Boundaries,
) -> AppResult<Value> {
    let figures = figures(db, units, filter, level.code_length(), Wanted::ALL, None).await?;
    let sectors: HashMap<i32, String> = entity::sector::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.slug))
        .collect();
    let by_code: HashMap<&str, &Figures> =
        figures.iter().map(|f| (f.unit.teryt.as_str(), f)).collect();
    let mut map: Value = serde_json::from_str(level.file())
        .map_err(|e| AppError::Internal(format!("boundary file: {e}")))?;
    let features = map["features"]
        .as_array_mut()
        .ok_or_else(|| AppError::Internal("boundary file without features".into()))?;
    for feature in features.iter_mut() {
        let code = feature["properties"]["teryt"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let Some(f) = by_code.get(code.as_str()) else {
            continue;
        };
        let offerings: serde_json::Map<String, Value> = f
            .offerings_by_sector
            .iter()
            .filter_map(|(s, n)| Some((sectors.get(s)?.clone(), json!(n))))
            .collect();
        feature["properties"] = json!({
            "teryt": f.unit.teryt,
            "name": f.unit.name,
            "id": crate::ids::global_id("LocalGovernment", f.unit.id).0,
            "cooperatives": f.cooperatives,
            "verifiedPurchases": f.verified_purchases,
            "offeringsBySector": offerings,
            "population": f.unit.population,
            "populationYear": f.unit.population.map(|_| POPULATION_YEAR),
            "cooperativesPer100k": f.cooperatives_per_100k(),
        });
    }
    map["licence"] = json!(crate::licence::LICENCE);
    map["boundaries"] = json!(level.licence());
    map["sources"] = json!(crate::licence::DATASET_SOURCES);
    map["generatedAt"] = json!(Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    Ok(map)
}
