//! Cooperatives in the formats the open-data world reads: Murmurations profiles
//! (organizations_schema-v1.0.0, shipped in `data/murmurations/` and checked in
//! the tests) with an index of profiles changed since a date, and schema.org
//! `Organization` JSON-LD. Served at `/murmurations/…` and `/cooperatives/…`
//! (see docs/open-data.md).
//!
//! Murmurations aggregates real organisations, so sample cooperatives have no
//! profile there (their JSON-LD says they are samples). Nothing here names a
//! person: the e-mail address is the one a cooperative publishes as its own.

use crate::error::{AppError, AppResult};
use crate::ids::global_id;
use crate::policy::listed_procurement_sql;
use chrono::{DateTime, Utc};
use entity::{cooperative, local_government, offering};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};
use serde_json::{json, Map, Value};

/// The Murmurations schema the profiles follow.
pub const MURMURATIONS_SCHEMA: &str = "organizations_schema-v1.0.0";

/// Everything a profile says of one cooperative, read in a few statements.
pub struct Facts {
    pub cooperative: cooperative::Model,
    seat: Option<local_government::Model>,
    /// Sector names (Polish), sorted.
    sectors: Vec<String>,
    /// Offerings with the units each serves (TERYT, name).
    offerings: Vec<(offering::Model, Vec<(String, String)>)>,
    /// Real cooperatives it supplied with in a consortium (verified purchases).
    partners: Vec<i32>,
}

impl Facts {
    /// The cooperative's facts, or `None` when there is no such cooperative.
    pub async fn load(db: &DatabaseConnection, id: i32) -> AppResult<Option<Facts>> {
        let Some(c) = cooperative::Entity::find_by_id(id).one(db).await? else {
            return Ok(None);
        };
        let seat = local_government::Entity::find_by_id(c.seat_id)
            .one(db)
            .await?;
        let backend = db.get_database_backend();
        let sector_ids: Vec<i32> =
            crate::db::batch::sector_cooperative_pairs(db, None, Some(&[id]))
                .await?
                .into_iter()
                .map(|(s, _)| s)
                .collect();
        let mut sectors: Vec<String> = entity::sector::Entity::find()
            .filter(entity::sector::Column::Id.is_in(sector_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|s| s.name)
            .collect();
        sectors.sort();
        sectors.dedup();
        let offers = offering::Entity::find()
            .filter(offering::Column::CooperativeId.eq(id))
            .order_by_asc(offering::Column::Id)
            .all(db)
            .await?;
        let sql = format!(
            "SELECT oa.offering_id AS o, l.teryt AS teryt, l.name AS name FROM offering_area oa \
             JOIN local_government l ON l.id = oa.local_government_id \
             JOIN offering x ON x.id = oa.offering_id WHERE x.cooperative_id = {id} \
             ORDER BY l.teryt"
        );
        let mut areas: Vec<(i32, String, String)> = Vec::new();
        for r in db
            .query_all_raw(Statement::from_string(backend, sql))
            .await?
        {
            areas.push((
                r.try_get("", "o")?,
                r.try_get("", "teryt")?,
                r.try_get("", "name")?,
            ));
        }
        let offerings = offers
            .into_iter()
            .map(|o| {
                let served = areas
                    .iter()
                    .filter(|(oid, _, _)| *oid == o.id)
                    .map(|(_, t, n)| (t.clone(), n.clone()))
                    .collect();
                (o, served)
            })
            .collect();
        let sql = format!(
            "SELECT DISTINCT other.cooperative_id AS id FROM procurement_supplier me \
             JOIN procurement_example p ON p.id = me.procurement_example_id \
             JOIN procurement_supplier other ON other.procurement_example_id = p.id \
             JOIN cooperative c ON c.id = other.cooperative_id \
             WHERE {} AND me.cooperative_id = {id} AND other.cooperative_id <> {id} \
               AND c.is_sample = FALSE ORDER BY other.cooperative_id",
            listed_procurement_sql("p")
        );
        let mut partners = Vec::new();
        for r in db
            .query_all_raw(Statement::from_string(backend, sql))
            .await?
        {
            partners.push(r.try_get("", "id")?);
        }
        Ok(Some(Facts {
            cooperative: c,
            seat,
            sectors,
            offerings,
            partners,
        }))
    }

    fn point(&self) -> Option<(f64, f64)> {
        let c = &self.cooperative;
        match (c.latitude, c.longitude, &self.seat) {
            (Some(lat), Some(lon), _) => Some((lat, lon)),
            (_, _, Some(s)) => Some((s.latitude, s.longitude)),
            _ => None,
        }
    }

    fn address(&self) -> Option<String> {
        let c = &self.cooperative;
        let town = [c.postal_code.as_deref(), c.city.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let parts: Vec<&str> = [c.street_address.as_deref(), Some(town.as_str())]
            .into_iter()
            .flatten()
            .filter(|p| !p.trim().is_empty())
            .collect();
        (!parts.is_empty()).then(|| format!("{}, Polska", parts.join(", ")))
    }

    /// The cooperative's own website as an absolute http(s) address, if it has one.
    fn website(&self) -> Option<String> {
        let w = self.cooperative.website.as_deref()?.trim();
        if w.is_empty() || w.contains(char::is_whitespace) {
            return None;
        }
        Some(if w.starts_with("http://") || w.starts_with("https://") {
            w.to_owned()
        } else {
            format!("https://{w}")
        })
    }
}

/// Where a cooperative's Murmurations profile is.
pub fn profile_url(base: &str, id: i32) -> String {
    format!(
        "{base}/murmurations/cooperatives/{}.json",
        global_id("Cooperative", id).0
    )
}

/// Where a cooperative's JSON-LD is.
pub fn json_ld_url(base: &str, id: i32) -> String {
    format!(
        "{base}/cooperatives/{}.jsonld",
        global_id("Cooperative", id).0
    )
}

/// How far a cooperative works, from the areas its offerings serve: a
/// voivodeship or more → regional, units in three or more voivodeships →
/// national, else (gminy, powiaty, or nothing declared) local.
fn geographic_scope(f: &Facts) -> &'static str {
    let units: Vec<&str> = f
        .offerings
        .iter()
        .flat_map(|(_, areas)| areas.iter().map(|(t, _)| t.as_str()))
        .collect();
    let mut voivodeships: Vec<&str> = units.iter().filter_map(|t| t.get(..2)).collect();
    voivodeships.sort_unstable();
    voivodeships.dedup();
    if voivodeships.len() >= 3 {
        "national"
    } else if units.iter().any(|t| t.len() == 2) {
        "regional"
    } else {
        "local"
    }
}

/// Murmurations' status of a registered status.
fn murmurations_status(s: cooperative::Status) -> &'static str {
    use cooperative::Status as S;
    match s {
        S::Active => "active",
        S::Suspended | S::InLiquidation => "on_hold",
        S::Bankrupt | S::Dissolved => "cancelled",
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// A real cooperative's Murmurations profile (organizations_schema-v1.0.0).
/// Sample cooperatives have none: `NotFound`.
pub fn murmurations_profile(f: &Facts, base: &str) -> AppResult<Value> {
    let c = &f.cooperative;
    if c.is_sample {
        return Err(AppError::NotFound(
            "this is a sample cooperative (generated data: only real cooperatives are published to Murmurations); its profile was"
                .into(),
        ));
    }
    let mut tags = vec![
        "spółdzielnia socjalna".to_owned(),
        "social cooperative".to_owned(),
    ];
    tags.extend(f.sectors.iter().cloned());
    let mut seen = std::collections::HashSet::new();
    let tags: Vec<String> = tags
        .into_iter()
        .map(|t| truncate(&t, 100))
        .filter(|t| seen.insert(t.clone()))
        .take(100)
        .collect();
    let mut p = Map::new();
    p.insert("linked_schemas".into(), json!([MURMURATIONS_SCHEMA]));
    p.insert("name".into(), json!(truncate(&c.name, 200)));
    if let Some(w) = f.website().filter(|w| w.len() <= 2000) {
        p.insert("primary_url".into(), json!(w));
    }
    p.insert("tags".into(), json!(tags));
    if let Some(d) = c.description.as_deref().filter(|d| !d.trim().is_empty()) {
        p.insert("description".into(), json!(d));
    }
    p.insert("status".into(), json!(murmurations_status(c.status)));
    if let Some(a) = f.address() {
        p.insert("full_address".into(), json!(a));
    }
    p.insert("country_iso_3166".into(), json!("PL"));
    if let Some((lat, lon)) = f.point() {
        p.insert("geolocation".into(), json!({"lat": lat, "lon": lon}));
    }
    p.insert("geographic_scope".into(), json!(geographic_scope(f)));
    if let Some(phone) = c.phone.as_deref().filter(|t| !t.trim().is_empty()) {
        p.insert("telephone".into(), json!(phone));
    }
    if let Some(e) = c.public_email.as_deref().filter(|t| !t.trim().is_empty()) {
        p.insert("contact_details".into(), json!({"email": e}));
    }
    if let Some(krs) = &c.krs {
        p.insert("unique_id".into(), json!(format!("KRS {krs}")));
    }
    p.insert(
        "urls".into(),
        json!([{"name": "coophub (schema.org JSON-LD)", "url": json_ld_url(base, c.id)}]),
    );
    if !f.partners.is_empty() {
        // Consortium partners in verified purchases: schema.org's `knows` is the
        // nearest general term for "has worked with".
        let rel: Vec<Value> = f
            .partners
            .iter()
            .map(|id| {
                json!({"predicate_url": "https://schema.org/knows", "object_url": profile_url(base, *id)})
            })
            .collect();
        p.insert("relationships".into(), json!(rel));
    }
    if let Some(t) = c.updated_at {
        p.insert("last_updated".into(), json!(t.timestamp()));
    }
    Ok(Value::Object(p))
}

/// A cooperative as a schema.org `Organization` (JSON-LD).
pub fn json_ld(f: &Facts, base: &str) -> Value {
    let c = &f.cooperative;
    let mut o = Map::new();
    o.insert("@context".into(), json!("https://schema.org"));
    o.insert("@type".into(), json!("Organization"));
    o.insert("@id".into(), json!(json_ld_url(base, c.id)));
    o.insert("name".into(), json!(c.name));
    o.insert("legalName".into(), json!(c.name));
    let ids: Vec<Value> = [("KRS", &c.krs), ("NIP", &c.nip), ("REGON", &c.regon)]
        .into_iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .map(|v| json!({"@type": "PropertyValue", "propertyID": k, "value": v}))
        })
        .collect();
    if !ids.is_empty() {
        o.insert("identifier".into(), json!(ids));
    }
    if let Some(d) = &c.description {
        o.insert("description".into(), json!(d));
    }
    if c.is_sample {
        o.insert(
            "disambiguatingDescription".into(),
            json!("Sample record generated by coophub; not a real cooperative."),
        );
    }
    if let Some(w) = f.website() {
        o.insert("url".into(), json!(w));
    }
    if let Some(p) = &c.phone {
        o.insert("telephone".into(), json!(p));
    }
    if let Some(e) = &c.public_email {
        o.insert("email".into(), json!(e));
    }
    let mut address = Map::new();
    address.insert("@type".into(), json!("PostalAddress"));
    for (k, v) in [
        ("streetAddress", &c.street_address),
        ("postalCode", &c.postal_code),
        ("addressLocality", &c.city),
    ] {
        if let Some(v) = v {
            address.insert(k.into(), json!(v));
        }
    }
    address.insert("addressCountry".into(), json!("PL"));
    o.insert("address".into(), Value::Object(address));
    if let Some((lat, lon)) = f.point() {
        o.insert(
            "geo".into(),
            json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}),
        );
    }
    if let Some(d) = c.registration_date {
        o.insert(
            "foundingDate".into(),
            json!(d.format("%Y-%m-%d").to_string()),
        );
    }
    if let Some(n) = c.employee_count {
        o.insert(
            "numberOfEmployees".into(),
            json!({"@type": "QuantitativeValue", "value": n}),
        );
    }
    if !f.sectors.is_empty() {
        o.insert("knowsAbout".into(), json!(f.sectors));
    }
    let mut served: Vec<(String, String)> = f
        .offerings
        .iter()
        .flat_map(|(_, a)| a.iter().cloned())
        .collect();
    served.sort();
    served.dedup();
    if !served.is_empty() {
        let areas: Vec<Value> = served
            .iter()
            .map(|(teryt, name)| {
                json!({"@type": "AdministrativeArea", "name": name, "identifier": format!("TERYT {teryt}")})
            })
            .collect();
        o.insert("areaServed".into(), json!(areas));
    }
    if !f.offerings.is_empty() {
        let offers: Vec<Value> = f
            .offerings
            .iter()
            .map(|(off, _)| {
                let kind = match off.kind {
                    offering::Kind::Product => "Product",
                    offering::Kind::Service => "Service",
                };
                let mut item = json!({"@type": kind, "name": off.name});
                if let Some(d) = &off.description {
                    item["description"] = json!(d);
                }
                json!({"@type": "Offer", "itemOffered": item})
            })
            .collect();
        o.insert("makesOffer".into(), json!(offers));
    }
    if let Some(t) = c.updated_at {
        o.insert(
            "dateModified".into(),
            json!(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        );
    }
    o.insert(
        "license".into(),
        json!("https://creativecommons.org/licenses/by/4.0/"),
    );
    Value::Object(o)
}

/// The Murmurations index of real cooperatives' profiles, those changed at or
/// after `since` (all without it), oldest change first.
pub async fn index(
    db: &DatabaseConnection,
    base: &str,
    since: Option<DateTime<Utc>>,
) -> AppResult<Value> {
    let mut q = cooperative::Entity::find().filter(cooperative::Column::IsSample.eq(false));
    if let Some(t) = since {
        q = q.filter(cooperative::Column::UpdatedAt.gte(t));
    }
    let rows: Vec<(i32, String, Option<DateTime<Utc>>)> = q
        .select_only()
        .columns([
            cooperative::Column::Id,
            cooperative::Column::Name,
            cooperative::Column::UpdatedAt,
        ])
        .order_by_asc(cooperative::Column::UpdatedAt)
        .order_by_asc(cooperative::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let profiles: Vec<Value> = rows
        .iter()
        .map(|(id, name, updated)| {
            json!({
                "profile_url": profile_url(base, *id),
                "name": name,
                "last_updated": updated.map(|t| t.timestamp()),
            })
        })
        .collect();
    Ok(json!({
        "licence": crate::licence::LICENCE,
        "linked_schemas": [MURMURATIONS_SCHEMA],
        "generatedAt": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "updatedSince": since.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        "count": profiles.len(),
        "profiles": profiles,
    }))
}
