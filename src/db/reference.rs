//! Imports the shipped reference data (TERYT units, the PKD 2007 tree and the
//! sectors mapped onto it) from the data folder. Idempotent: rows are upserted
//! by their natural key (TERYT code, PKD code, sector slug), so a second import
//! changes nothing and duplicates nothing.

use super::write::Write;
use anyhow::{Context, Result};
use entity::industry::Level;
use entity::{industry, local_government, sector, sector_industry};
use sea_orm::{
    sea_query::OnConflict, ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait,
    ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use serde::Deserialize;
use std::{collections::HashMap, path::Path};

/// What an import did, for the command line.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub local_governments: usize,
    pub industries: usize,
    pub sectors: usize,
    pub events: usize,
}

/// The reference files as this source tree ships them (`data/`, their provenance in
/// `data/README.md`), built into the binary: `coophub` started from any folder, or
/// installed with `cargo install`, has its reference data.
const BUILT_IN: &[(&str, &str)] = &[
    ("sectors.csv", include_str!("../../data/sectors.csv")),
    ("events.csv", include_str!("../../data/events.csv")),
    (
        "teryt/wojewodztwa.csv",
        include_str!("../../data/teryt/wojewodztwa.csv"),
    ),
    (
        "teryt/powiaty.csv",
        include_str!("../../data/teryt/powiaty.csv"),
    ),
    (
        "teryt/gminy.csv",
        include_str!("../../data/teryt/gminy.csv"),
    ),
    (
        "pkd/pkd2007_sekcje.csv",
        include_str!("../../data/pkd/pkd2007_sekcje.csv"),
    ),
    (
        "pkd/pkd2007_dzialy.csv",
        include_str!("../../data/pkd/pkd2007_dzialy.csv"),
    ),
    (
        "pkd/pkd2007_grupy.csv",
        include_str!("../../data/pkd/pkd2007_grupy.csv"),
    ),
    (
        "pkd/pkd2007_klasy.csv",
        include_str!("../../data/pkd/pkd2007_klasy.csv"),
    ),
    (
        "pkd/pkd2007_podklasy.csv",
        include_str!("../../data/pkd/pkd2007_podklasy.csv"),
    ),
];

/// Rows of the reference file `file`: from the data folder `dir` when it holds the
/// file (a newer TERYT or PKD release overrides the built-in one), else the copy
/// built into the binary.
fn read_csv<T: for<'de> Deserialize<'de>>(dir: &Path, file: &str) -> Result<Vec<T>> {
    let path = dir.join(file);
    if path.exists() {
        let mut rdr =
            csv::Reader::from_path(&path).with_context(|| format!("opening {}", path.display()))?;
        return rdr
            .deserialize()
            .collect::<Result<Vec<T>, _>>()
            .with_context(|| format!("reading {}", path.display()));
    }
    let text = BUILT_IN
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, text)| *text)
        .with_context(|| format!("{file}: neither in {} nor built in", dir.display()))?;
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .with_context(|| format!("reading the built-in {file}"))
}

#[derive(Deserialize)]
struct Voivodeship {
    teryt: String,
    nazwa: String,
    centroid_lat: f64,
    centroid_lon: f64,
    ludnosc_2018: Option<i64>,
}

#[derive(Deserialize)]
struct Powiat {
    teryt: String,
    woj: String,
    nazwa: String,
    miasto_na_prawach_powiatu: bool,
    centroid_lat: f64,
    centroid_lon: f64,
    ludnosc_2018: Option<i64>,
}

#[derive(Deserialize)]
struct Gmina {
    teryt7: String,
    rodz: String,
    nazwa: String,
    powiat_teryt: String,
    centroid_lat: Option<f64>,
    centroid_lon: Option<f64>,
}

struct Unit {
    teryt: String,
    name: String,
    kind: local_government::Kind,
    parent: Option<String>,
    lat: f64,
    lon: f64,
    note: Option<String>,
    population: Option<i64>,
}

/// Imports everything inside one transaction.
pub async fn import(db: &DatabaseConnection, dir: &Path) -> Result<ImportReport> {
    let units = read_units(dir)?;
    let pkd = read_pkd(dir)?;
    let sectors: Vec<SectorRow> = read_csv(dir, "sectors.csv")?;
    let events: Vec<EventRow> = read_csv(dir, "events.csv")?;
    let txn = Write::begin(db).await?;
    let report = ImportReport {
        local_governments: upsert_units(&txn, &units).await?,
        industries: upsert_industries(&txn, &pkd).await?,
        sectors: upsert_sectors(&txn, &sectors).await?,
        events: upsert_events(&txn, &events).await?,
    };
    crate::db::search::reindex(&txn, crate::db::search::Kind::LocalGovernment, None).await?;
    crate::db::search::reindex(&txn, crate::db::search::Kind::Industry, None).await?;
    // Servers holding the units in memory read them again (`db::units`).
    crate::db::units::bump(&txn).await?;
    txn.commit().await?;
    Ok(report)
}

fn read_units(dir: &Path) -> Result<Vec<Unit>> {
    let mut units = Vec::new();
    for v in read_csv::<Voivodeship>(dir, "teryt/wojewodztwa.csv")? {
        units.push(Unit {
            teryt: v.teryt,
            name: v.nazwa,
            kind: local_government::Kind::Wojewodztwo,
            parent: None,
            lat: v.centroid_lat,
            lon: v.centroid_lon,
            note: None,
            population: v.ludnosc_2018,
        });
    }
    let powiaty = read_csv::<Powiat>(dir, "teryt/powiaty.csv")?;
    let centroids: HashMap<String, (f64, f64)> = powiaty
        .iter()
        .map(|p| (p.teryt.clone(), (p.centroid_lat, p.centroid_lon)))
        .collect();
    for p in powiaty {
        units.push(Unit {
            kind: if p.miasto_na_prawach_powiatu {
                local_government::Kind::MiastoNaPrawachPowiatu
            } else {
                local_government::Kind::Powiat
            },
            parent: Some(p.woj),
            teryt: p.teryt,
            name: p.nazwa,
            lat: p.centroid_lat,
            lon: p.centroid_lon,
            note: None,
            population: p.ludnosc_2018,
        });
    }
    for g in read_csv::<Gmina>(dir, "teryt/gminy.csv")? {
        let kind = match g.rodz.as_str() {
            "1" => local_government::Kind::GminaMiejska,
            "2" => local_government::Kind::GminaWiejska,
            "3" => local_government::Kind::GminaMiejskoWiejska,
            other => anyhow::bail!("gmina {}: unknown TERYT kind digit {other}", g.teryt7),
        };
        let ((lat, lon), note) = match (g.centroid_lat, g.centroid_lon) {
            (Some(lat), Some(lon)) => ((lat, lon), None),
            _ => {
                let c = centroids
                    .get(&g.powiat_teryt)
                    .copied()
                    .context("gmina without powiat centroid")?;
                (c, Some(format!("no centroid of its own in the source (created after 2022): the centroid of powiat {}", g.powiat_teryt)))
            }
        };
        units.push(Unit {
            teryt: g.teryt7,
            name: g.nazwa,
            kind,
            parent: Some(g.powiat_teryt),
            lat,
            lon,
            note,
            population: None,
        });
    }
    Ok(units)
}

/// Upserts level by level so that each level can point at its parent's id.
async fn upsert_units<C: ConnectionTrait>(db: &C, units: &[Unit]) -> Result<usize> {
    let mut ids: HashMap<String, i32> = HashMap::new();
    for len in [2usize, 4, 7] {
        let level: Vec<&Unit> = units.iter().filter(|u| u.teryt.len() == len).collect();
        for chunk in level.chunks(400) {
            let rows = chunk.iter().map(|u| local_government::ActiveModel {
                teryt: Set(u.teryt.clone()),
                name: Set(u.name.clone()),
                kind: Set(u.kind),
                parent_id: Set(u.parent.as_ref().and_then(|p| ids.get(p).copied())),
                latitude: Set(u.lat),
                longitude: Set(u.lon),
                centroid_note: Set(u.note.clone()),
                population: Set(u.population),
                ..Default::default()
            });
            local_government::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::column(local_government::Column::Teryt)
                        .update_columns([
                            local_government::Column::Name,
                            local_government::Column::Kind,
                            local_government::Column::ParentId,
                            local_government::Column::Latitude,
                            local_government::Column::Longitude,
                            local_government::Column::CentroidNote,
                            local_government::Column::Population,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
        }
        let rows: Vec<(i32, String)> = local_government::Entity::find()
            .select_only()
            .columns([
                local_government::Column::Id,
                local_government::Column::Teryt,
            ])
            .into_tuple()
            .all(db)
            .await?;
        ids = rows.into_iter().map(|(id, t)| (t, id)).collect();
    }
    Ok(units.len())
}

struct PkdNode {
    code: String,
    level: industry::Level,
    name: String,
    parent: Option<String>,
}

#[derive(Deserialize)]
struct Section {
    sekcja: String,
    nazwa: String,
}
#[derive(Deserialize)]
struct Division {
    dzial: String,
    sekcja: String,
    nazwa: String,
}
#[derive(Deserialize)]
struct Group {
    grupa: String,
    dzial: String,
    nazwa: String,
}
#[derive(Deserialize)]
struct Class {
    klasa: String,
    grupa: String,
    nazwa: String,
}
#[derive(Deserialize)]
struct Subclass {
    kod: String,
    nazwa: String,
    klasa: String,
}

fn read_pkd(dir: &Path) -> Result<Vec<PkdNode>> {
    let node = |code: String, level, name: String, parent: Option<String>| PkdNode {
        code,
        level,
        name,
        parent,
    };
    let mut out: Vec<PkdNode> = Vec::new();
    for s in read_csv::<Section>(dir, "pkd/pkd2007_sekcje.csv")? {
        out.push(node(s.sekcja, Level::Section, s.nazwa, None));
    }
    for d in read_csv::<Division>(dir, "pkd/pkd2007_dzialy.csv")? {
        out.push(node(d.dzial, Level::Division, d.nazwa, Some(d.sekcja)));
    }
    let groups = read_csv::<Group>(dir, "pkd/pkd2007_grupy.csv")?;
    let group_names: HashMap<String, String> = groups
        .iter()
        .map(|g| (g.grupa.clone(), g.nazwa.clone()))
        .collect();
    for g in groups {
        out.push(node(g.grupa, Level::Group, g.nazwa, Some(g.dzial)));
    }
    for c in read_csv::<Class>(dir, "pkd/pkd2007_klasy.csv")? {
        // 23 classes split into subclasses have no name in the source: name them after their group.
        let name = if c.nazwa.trim().is_empty() {
            group_names
                .get(&c.grupa)
                .cloned()
                .unwrap_or_else(|| c.klasa.clone())
        } else {
            c.nazwa
        };
        out.push(node(c.klasa, Level::Class, name, Some(c.grupa)));
    }
    for s in read_csv::<Subclass>(dir, "pkd/pkd2007_podklasy.csv")? {
        out.push(node(s.kod, Level::Subclass, s.nazwa, Some(s.klasa)));
    }
    Ok(out)
}

async fn upsert_industries<C: ConnectionTrait>(db: &C, nodes: &[PkdNode]) -> Result<usize> {
    let mut ids: HashMap<String, i32> = HashMap::new();
    let mut paths: HashMap<String, String> = HashMap::new();
    // Root first, so that each level can point at its parent's id.
    for level in [
        Level::Section,
        Level::Division,
        Level::Group,
        Level::Class,
        Level::Subclass,
    ] {
        let mut rows = Vec::new();
        for n in nodes.iter().filter(|n| n.level == level) {
            let path = match &n.parent {
                Some(p) => format!(
                    "{}/{}",
                    paths
                        .get(p)
                        .with_context(|| format!("PKD {}: parent {p} missing", n.code))?,
                    n.code
                ),
                None => n.code.clone(),
            };
            paths.insert(n.code.clone(), path.clone());
            rows.push(industry::ActiveModel {
                code: Set(n.code.clone()),
                level: Set(level),
                name: Set(n.name.clone()),
                parent_id: Set(n.parent.as_ref().and_then(|p| ids.get(p).copied())),
                path: Set(path),
                ..Default::default()
            });
        }
        for chunk in rows.chunks(400) {
            industry::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::column(industry::Column::Code)
                        .update_columns([
                            industry::Column::Level,
                            industry::Column::Name,
                            industry::Column::ParentId,
                            industry::Column::Path,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
        }
        let rows: Vec<(i32, String)> = industry::Entity::find()
            .select_only()
            .columns([industry::Column::Id, industry::Column::Code])
            .into_tuple()
            .all(db)
            .await?;
        ids = rows.into_iter().map(|(id, c)| (c, id)).collect();
    }
    Ok(nodes.len())
}

#[derive(Deserialize)]
struct SectorRow {
    slug: String,
    name: String,
    name_en: String,
    pkd_codes: String,
}

async fn upsert_sectors<C: ConnectionTrait>(db: &C, rows: &[SectorRow]) -> Result<usize> {
    for r in rows {
        sector::Entity::insert(sector::ActiveModel {
            slug: Set(r.slug.clone()),
            name: Set(r.name.clone()),
            name_en: Set(r.name_en.clone()),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::column(sector::Column::Slug)
                .update_columns([sector::Column::Name, sector::Column::NameEn])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        let sector = sector::Entity::find()
            .filter(sector::Column::Slug.eq(&r.slug))
            .one(db)
            .await?
            .context("sector vanished after upsert")?;
        let codes: Vec<&str> = r.pkd_codes.split(';').map(str::trim).collect();
        let industries = industry::Entity::find()
            .filter(industry::Column::Code.is_in(codes.clone()))
            .all(db)
            .await?;
        if industries.len() != codes.len() {
            anyhow::bail!(
                "sector {}: some PKD codes of {:?} are not in the PKD tree",
                r.slug,
                codes
            );
        }
        sector_industry::Entity::delete_many()
            .filter(sector_industry::Column::SectorId.eq(sector.id))
            .exec(db)
            .await?;
        sector_industry::Entity::insert_many(industries.iter().map(|i| {
            sector_industry::ActiveModel {
                sector_id: Set(sector.id),
                industry_id: Set(i.id),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(rows.len())
}

/// A historical event of the sector, as documented (dates only where known).
#[derive(Deserialize)]
struct EventRow {
    kind: String,
    title: String,
    edition: Option<i32>,
    year: i32,
    start_date: Option<chrono::NaiveDate>,
    end_date: Option<chrono::NaiveDate>,
    place_teryt: Option<String>,
    sector_slug: Option<String>,
    description: String,
}

/// A day's start (or end) in Poland's civil time, as UTC.
fn warsaw_day(d: chrono::NaiveDate, end: bool) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    let t = if end {
        d.and_hms_opt(23, 59, 59)?
    } else {
        d.and_hms_opt(0, 0, 0)?
    };
    chrono_tz::Europe::Warsaw
        .from_local_datetime(&t)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// Inserts the reference events not there yet (by title), marked `is_reference`;
/// documented dates are whole days in Europe/Warsaw.
async fn upsert_events<C: ConnectionTrait>(db: &C, rows: &[EventRow]) -> Result<usize> {
    use entity::event;
    for r in rows {
        let exists = event::Entity::find()
            .filter(event::Column::IsReference.eq(true))
            .filter(event::Column::Title.eq(r.title.as_str()))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let place_id = match &r.place_teryt {
            Some(t) => Some(
                local_government::Entity::find()
                    .filter(local_government::Column::Teryt.eq(t.as_str()))
                    .one(db)
                    .await?
                    .with_context(|| format!("event {}: no unit {t}", r.title))?
                    .id,
            ),
            None => None,
        };
        let sector_id = match &r.sector_slug {
            Some(slug) => Some(
                sector::Entity::find()
                    .filter(sector::Column::Slug.eq(slug.as_str()))
                    .one(db)
                    .await?
                    .with_context(|| format!("event {}: no sector {slug}", r.title))?
                    .id,
            ),
            None => None,
        };
        event::ActiveModel {
            kind: Set(event::Kind::try_from_value(&r.kind)
                .with_context(|| format!("event {}: unknown kind {}", r.title, r.kind))?),
            title: Set(r.title.clone()),
            edition: Set(r.edition),
            year: Set(r.year),
            starts_at: Set(r.start_date.and_then(|d| warsaw_day(d, false))),
            ends_at: Set(r.end_date.and_then(|d| warsaw_day(d, true))),
            place_id: Set(place_id),
            sector_id: Set(sector_id),
            description: Set(r.description.clone()),
            capacity: Set(None),
            is_reference: Set(true),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(rows.len())
}
