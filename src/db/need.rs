//! Buyers' needs and their candidates: who can deliver it, ranked by a score
//! whose every point has a reason an officer can read out (docs/matching.md).

use super::audit::record;
use super::directory::{id_list, load_in_order, matching, DirectoryOrder};
use super::editing::creation;
use super::filter::{CooperativeFilter, Near, Place};
use super::keyset::{self, Keyset, Paged, Part, Seek};
use super::project::Cols;
use super::write::Write;
use crate::error::{AppError, AppResult};
use crate::evidence::{activity, reserved_contract, Tri};
use crate::search::distance_km;
use chrono::Utc;
use entity::audit_entry::Action;
use entity::procurement_example::Procedure;
use entity::{cooperative, local_government, need};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, FromQueryResult,
    QueryFilter, Statement,
};
use std::collections::{HashMap, HashSet};

/// Points of each part of the score (at most 100 in all; DORMANT subtracts).
pub mod points {
    /// Has an industry under the need's PKD code.
    pub const INDUSTRY: i32 = 30;
    /// Works in the need's sector (when the need names a sector, not a PKD code).
    pub const SECTOR: i32 = 20;
    /// At the place itself; falls linearly to 0 at the edge of the radius.
    pub const DISTANCE: i32 = 20;
    /// An offering's area served covers the place.
    pub const AREA_SERVED: i32 = 15;
    /// Supplied this buyer before (verified procurement example).
    pub const SAME_BUYER: i32 = 15;
    /// Supplied another buyer within the radius before.
    pub const NEARBY_BUYER: i32 = 8;
    /// Eligible for contracts reserved under art. 94 PZP.
    pub const ELIGIBLE: i32 = 10;
    /// ACTIVE by documented evidence.
    pub const ACTIVE: i32 = 10;
    /// DORMANT by documented evidence.
    pub const DORMANT: i32 = -20;
}

/// A need as its poster sends it; checked by [`create_need`].
pub struct NewNeed {
    pub title: String,
    pub description: String,
    pub sector_id: Option<i32>,
    pub industry_id: Option<i32>,
    pub place_id: i32,
    /// Kilometres around the place (30 when not given).
    pub radius_km: Option<f64>,
    pub budget_grosze: Option<i64>,
    pub deadline: Option<chrono::NaiveDate>,
    pub procedure: Option<entity::procurement_example::Procedure>,
    /// Who posts it: a local government or a cooperative.
    pub buyer_id: Option<i32>,
    pub cooperative_id: Option<i32>,
}

/// Checks and posts a need (open), and records it in the audit trail.
pub async fn create_need(
    db: &DatabaseConnection,
    actor: i32,
    new: NewNeed,
) -> AppResult<need::Model> {
    use crate::validate::text;
    use sea_orm::ActiveValue::Set;
    let radius_km = new.radius_km.unwrap_or(30.0);
    if !(radius_km > 0.0 && radius_km <= 500.0) {
        return Err(AppError::invalid(
            "radiusKm",
            "must be more than 0 and at most 500",
        ));
    }
    if new
        .deadline
        .is_some_and(|d| d < chrono::Utc::now().date_naive())
    {
        return Err(AppError::invalid("deadline", "must be today or later"));
    }
    // A need is bought now, under the law in force.
    if let Some(p) = new.procedure {
        crate::law::check(p, chrono::Datelike::year(&chrono::Utc::now()), None)?;
    }
    let row = need::ActiveModel {
        title: Set(text("title", &new.title, 200)?),
        description: Set(text("description", &new.description, 5000)?),
        sector_id: Set(new.sector_id),
        industry_id: Set(new.industry_id),
        place_id: Set(new.place_id),
        radius_km: Set(radius_km),
        budget_grosze: Set(new.budget_grosze),
        deadline: Set(new.deadline),
        procedure: Set(new.procedure),
        status: Set(need::Status::Open),
        buyer_id: Set(new.buyer_id),
        cooperative_id: Set(new.cooperative_id),
        posted_by: Set(actor),
        created_at: Set(chrono::Utc::now()),
        version: Set(1),
        ..Default::default()
    };
    let txn = Write::begin(db).await?;
    let n = row
        .insert(&txn)
        .await
        .map_err(|e| super::editing::constraint(e, "this need already exists"))?;
    let fields = [
        need::Column::Title,
        need::Column::Description,
        need::Column::SectorId,
        need::Column::IndustryId,
        need::Column::PlaceId,
        need::Column::RadiusKm,
        need::Column::BudgetGrosze,
        need::Column::Deadline,
        need::Column::Procedure,
        need::Column::BuyerId,
        need::Column::CooperativeId,
    ];
    record(
        &txn,
        Some(actor),
        "Need",
        n.id,
        Action::Create,
        creation::<need::Entity>(&n, &fields),
    )
    .await?;
    let id = n.id;
    let n = super::editing::as_stored::<need::Entity, _>(&txn, n, id).await?;
    txn.commit().await?;
    Ok(n)
}

/// Which needs a list shows.
#[derive(Debug, Default, Clone)]
pub struct NeedFilter {
    pub statuses: Vec<need::Status>,
    /// Places in this TERYT unit or below.
    pub place_teryt_prefix: Option<String>,
    pub sector_id: Option<i32>,
    pub buyer_id: Option<i32>,
    /// Changed at or after this time.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// Needs, newest first.
pub const NEWEST_FIRST: Keyset<need::Column> = Keyset {
    tag: "need.newest",
    parts: &[
        Part::desc(need::Column::CreatedAt),
        Part::desc(need::Column::Id),
    ],
};

/// Needs, newest first.
pub async fn list_needs(
    db: &DatabaseConnection,
    f: &NeedFilter,
    seek: &Seek,
) -> AppResult<Paged<need::Model>> {
    let mut c = Condition::all();
    if !f.statuses.is_empty() {
        c = c.add(need::Column::Status.is_in(f.statuses.clone()));
    }
    if let Some(t) = &f.place_teryt_prefix {
        let sub = sea_orm::sea_query::Query::select()
            .column(local_government::Column::Id)
            .from(local_government::Entity)
            .and_where(local_government::Column::Teryt.like(format!("{t}%")))
            .to_owned();
        c = c.add(need::Column::PlaceId.in_subquery(sub));
    }
    if let Some(s) = f.sector_id {
        c = c.add(need::Column::SectorId.eq(s));
    }
    if let Some(b) = f.buyer_id {
        c = c.add(need::Column::BuyerId.eq(b));
    }
    if let Some(t) = f.updated_since {
        c = c.add(need::Column::UpdatedAt.gte(t));
    }
    keyset::page(
        db,
        need::Entity::find().filter(c),
        &NEWEST_FIRST,
        seek,
        Cols::ALL,
    )
    .await
}

/// A cooperative that could meet a need.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub cooperative_id: i32,
    pub score: i32,
    pub distance_km: f64,
    /// One line per part of the score, with its points.
    pub reasons: Vec<String>,
}

#[derive(FromQueryResult)]
struct IndustryMatch {
    cooperative_id: i32,
    code: String,
    name: String,
}

#[derive(FromQueryResult)]
struct Supply {
    cooperative_id: i32,
    buyer_id: i32,
    buyer_name: String,
    year: i32,
    subject: String,
    lat: f64,
    lon: f64,
}

/// The need's industry subtree path, if it names a PKD code.
async fn industry_of(
    db: &DatabaseConnection,
    n: &need::Model,
) -> AppResult<Option<entity::industry::Model>> {
    Ok(match n.industry_id {
        Some(id) => entity::industry::Entity::find_by_id(id).one(db).await?,
        None => None,
    })
}

fn km(d: f64) -> String {
    format!("{:.1} km", d)
}

/// Every candidate of a need, best first (score, then distance, then id).
///
/// Who is a candidate: a cooperative that is not dissolved, has an industry under
/// the need's PKD code (or works in its sector; any industry when the need names
/// neither), and is seated within the radius or has an offering whose area served
/// covers the place. For a reserved contract (art. 94), cooperatives known not to
/// be eligible are left out.
pub async fn candidates(db: &DatabaseConnection, n: &need::Model) -> AppResult<Vec<Candidate>> {
    let place_row = local_government::Entity::find_by_id(n.place_id)
        .one(db)
        .await?
        .ok_or_else(|| crate::error::AppError::Internal("need without a place".into()))?;
    let place = Place {
        teryt: place_row.teryt.clone(),
        latitude: place_row.latitude,
        longitude: place_row.longitude,
    };
    let industry = industry_of(db, n).await?;
    let base = CooperativeFilter {
        pkd_prefix: industry.as_ref().map(|i| i.code.clone()),
        sector_id: if industry.is_none() {
            n.sector_id
        } else {
            None
        },
        statuses: vec![
            cooperative::Status::Active,
            cooperative::Status::Suspended,
            cooperative::Status::InLiquidation,
        ],
        ..Default::default()
    };
    let within = matching(
        db,
        &CooperativeFilter {
            near: Some(Near {
                latitude: place.latitude,
                longitude: place.longitude,
                radius_km: n.radius_km,
            }),
            ..base.clone()
        },
        DirectoryOrder::Distance,
        None,
    )
    .await?;
    let served = matching(
        db,
        &CooperativeFilter {
            serves: Some(place.clone()),
            // Far enough for all of Poland: only to learn the distance.
            near: Some(Near {
                latitude: place.latitude,
                longitude: place.longitude,
                radius_km: 2_000.0,
            }),
            ..base
        },
        DirectoryOrder::Distance,
        None,
    )
    .await?;
    let served_ids: HashSet<i32> = served.iter().map(|h| h.id).collect();
    let mut distance: HashMap<i32, f64> = HashMap::new();
    for h in within.iter().chain(served.iter()) {
        distance.insert(h.id, h.distance_km.unwrap_or(0.0));
    }
    let ids: Vec<i32> = distance.keys().copied().collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let coops = load_in_order(db, &ids, super::project::Cols::ALL).await?;

    // The industries that matched, for the reasons.
    let mut matched: HashMap<i32, (String, String)> = HashMap::new();
    if let Some(ind) = &industry {
        let sql = format!(
            "SELECT ci.cooperative_id, i.code, i.name FROM cooperative_industry ci \
             JOIN industry i ON i.id = ci.industry_id \
             WHERE ci.cooperative_id IN ({}) AND (i.path = '{p}' OR i.path LIKE '{p}/%') \
             ORDER BY ci.is_primary DESC, i.code",
            id_list(&ids),
            p = ind.path.replace('\'', "")
        );
        for r in IndustryMatch::find_by_statement(Statement::from_string(backend, sql))
            .all(db)
            .await?
        {
            matched.entry(r.cooperative_id).or_insert((r.code, r.name));
        }
    }
    let sector_name = match n.sector_id {
        Some(s) => entity::sector::Entity::find_by_id(s)
            .one(db)
            .await?
            .map(|s| s.name),
        None => None,
    };

    // Their supplies under verified examples, with the buyers' places.
    let sql = format!(
        "SELECT ps.cooperative_id, pe.buyer_id, lg.name AS buyer_name, pe.year, pe.subject, \
         lg.latitude AS lat, lg.longitude AS lon FROM procurement_supplier ps \
         JOIN procurement_example pe ON pe.id = ps.procurement_example_id \
         JOIN local_government lg ON lg.id = pe.buyer_id \
         WHERE {} AND ps.cooperative_id IN ({}) \
         ORDER BY pe.year DESC, pe.id",
        crate::policy::listed_procurement_sql("pe"),
        id_list(&ids)
    );
    let mut supplies: HashMap<i32, Vec<Supply>> = HashMap::new();
    for s in Supply::find_by_statement(Statement::from_string(backend, sql))
        .all(db)
        .await?
    {
        supplies.entry(s.cooperative_id).or_default().push(s);
    }
    let reserved = n.procedure == Some(Procedure::ReservedContractArt94);
    let now = Utc::now();

    let mut out = Vec::with_capacity(coops.len());
    for c in coops {
        let d = distance.get(&c.id).copied().unwrap_or(0.0);
        let mut score = 0;
        let mut reasons = Vec::new();
        let mut add = |p: i32, why: String| {
            score += p;
            reasons.push(format!("{p:+} {why}"));
        };
        match (&industry, matched.get(&c.id), &sector_name) {
            (Some(ind), Some((code, name)), _) => add(
                points::INDUSTRY,
                format!(
                    "industry: {code} {name} (under the need's PKD {})",
                    ind.code
                ),
            ),
            (None, _, Some(sector)) => add(points::SECTOR, format!("works in the sector {sector}")),
            _ => {}
        }
        if d <= n.radius_km {
            let p = (f64::from(points::DISTANCE) * (1.0 - d / n.radius_km)).round() as i32;
            add(
                p,
                format!(
                    "{} from {} (radius {})",
                    km(d),
                    place_row.name,
                    km(n.radius_km)
                ),
            );
        } else {
            add(
                0,
                format!(
                    "{} from {}, beyond the radius of {}",
                    km(d),
                    place_row.name,
                    km(n.radius_km)
                ),
            );
        }
        if served_ids.contains(&c.id) {
            add(
                points::AREA_SERVED,
                format!("an offering's area served covers {}", place_row.name),
            );
        }
        let history = supplies.get(&c.id);
        let same = history.and_then(|h| h.iter().find(|s| Some(s.buyer_id) == n.buyer_id));
        let nearby = history.and_then(|h| {
            h.iter()
                .find(|s| distance_km(place.latitude, place.longitude, s.lat, s.lon) <= n.radius_km)
        });
        if let Some(s) = same {
            add(
                points::SAME_BUYER,
                format!("supplied this buyer before: {} ({})", s.subject, s.year),
            );
        } else if let Some(s) = nearby {
            add(
                points::NEARBY_BUYER,
                format!(
                    "supplied a buyer nearby: {}, {} ({})",
                    s.buyer_name, s.subject, s.year
                ),
            );
        }
        let (eligible, why) = reserved_contract(c.status, c.excluded_employee_share);
        if reserved && eligible == Tri::No {
            continue;
        }
        let last = why.last().cloned().unwrap_or_default();
        match eligible {
            Tri::Yes => add(
                points::ELIGIBLE,
                "eligible for reserved contracts (art. 94 PZP)".into(),
            ),
            Tri::No => add(0, format!("not eligible for reserved contracts: {last}")),
            Tri::Unknown => add(
                0,
                format!("eligibility for reserved contracts unknown: {last}"),
            ),
        }
        // Supplies come newest first: the first one's year is the last supply.
        let last_year = history.and_then(|h| h.first()).map(|s| s.year);
        let (active, evidence) = activity(c.status, c.profile_confirmed_at, last_year, now);
        let evidence = evidence.join("; ");
        match active {
            Tri::Yes => add(points::ACTIVE, format!("active: {evidence}")),
            Tri::No => add(points::DORMANT, format!("dormant: {evidence}")),
            Tri::Unknown => add(0, format!("activity unknown: {evidence}")),
        }
        out.push(Candidate {
            cooperative_id: c.id,
            score,
            distance_km: d,
            reasons,
        });
    }
    out.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.distance_km.total_cmp(&b.distance_km))
            .then(a.cooperative_id.cmp(&b.cooperative_id))
    });
    Ok(out)
}
