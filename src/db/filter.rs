//! Filters as plain data, turned into SQL conditions here. The GraphQL layer
//! (and later the exports) build these structs; the SQL lives in one place.

use crate::error::{AppError, AppResult};
use entity::{
    cooperative, cooperative_industry, industry, procurement_example, procurement_supplier,
};
use sea_orm::{
    sea_query::ExprTrait,
    sea_query::{Expr, Query},
    ColumnTrait, Condition,
};

/// Which cooperatives a list shows.
#[derive(Debug, Default, Clone)]
pub struct CooperativeFilter {
    pub teryt_prefix: Option<String>,
    pub sector_id: Option<i32>,
    pub pkd_prefix: Option<String>,
    pub statuses: Vec<cooperative::Status>,
    pub founder_kinds: Vec<cooperative::FounderKind>,
    pub is_sample: Option<bool>,
    /// Folded query words (see `crate::search`); every one must match.
    pub text: Option<Vec<String>>,
    /// Within a radius of a point.
    pub near: Option<Near>,
    /// Offerings whose area served covers this unit.
    pub serves: Option<Place>,
    /// Changed at or after this time (`cooperative.updated_at`).
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// A point and a radius.
#[derive(Debug, Clone, Copy)]
pub struct Near {
    pub latitude: f64,
    pub longitude: f64,
    pub radius_km: f64,
}

/// A local government unit with its centroid.
#[derive(Debug, Clone)]
pub struct Place {
    pub teryt: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// A TERYT prefix: 2 (voivodeship), 4 (powiat), 6 or 7 (gmina) digits.
pub fn teryt_prefix(field: &str, raw: &str) -> AppResult<String> {
    let t = raw.trim();
    if !t.chars().all(|c| c.is_ascii_digit()) || ![2, 4, 6, 7].contains(&t.len()) {
        return Err(AppError::invalid(
            field,
            format!("'{raw}' is not a TERYT code: use 2 digits (voivodeship), 4 (powiat) or 7 (gmina), e.g. 12, 1206, 1261011"),
        ));
    }
    Ok(t.to_owned())
}

/// A PKD 2007 code prefix in its published form (`56`, `56.1`, `56.10`, `56.10.A`), dots optional.
pub fn pkd_prefix(field: &str, raw: &str) -> AppResult<String> {
    let compact: String = raw
        .trim()
        .chars()
        .filter(|c| *c != '.')
        .collect::<String>()
        .to_uppercase();
    let ok = compact.len() >= 2
        && compact.len() <= 5
        && compact.chars().take(4).all(|c| c.is_ascii_digit())
        && compact
            .chars()
            .nth(4)
            .is_none_or(|c| c.is_ascii_uppercase());
    if !ok {
        return Err(AppError::invalid(
            field,
            format!("'{raw}' is not a PKD 2007 code: use e.g. 56, 56.2, 56.21 or 56.21.Z"),
        ));
    }
    // Re-insert the dots: 5621Z -> 56.21.Z
    let mut out = compact[..2].to_owned();
    if compact.len() > 2 {
        out.push('.');
        out.push_str(&compact[2..compact.len().min(4)]);
    }
    if compact.len() > 4 {
        out.push('.');
        out.push_str(&compact[4..]);
    }
    Ok(out)
}

fn like_prefix(p: &str) -> String {
    // Validated prefixes hold digits, dots and capitals only: no LIKE wildcards to escape.
    format!("{p}%")
}

/// `SELECT cooperative_industry.cooperative_id FROM cooperative_industry JOIN industry`: add the industry condition.
pub fn cooperative_industries() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column((
            cooperative_industry::Entity,
            cooperative_industry::Column::CooperativeId,
        ))
        .from(cooperative_industry::Entity)
        .inner_join(
            industry::Entity,
            Expr::col((industry::Entity, industry::Column::Id)).equals((
                cooperative_industry::Entity,
                cooperative_industry::Column::IndustryId,
            )),
        )
        .to_owned()
}

/// Cooperative ids whose industries fall under a sector (via its PKD subtrees).
pub fn sector_cooperatives_sql(sector_ids: &str) -> String {
    format!(
        "SELECT DISTINCT si.sector_id, ci.cooperative_id FROM sector_industry si \
         JOIN industry r ON r.id = si.industry_id \
         JOIN industry i ON (i.path = r.path OR i.path LIKE r.path || '/%') \
         JOIN cooperative_industry ci ON ci.industry_id = i.id \
         WHERE si.sector_id IN ({sector_ids})"
    )
}

impl CooperativeFilter {
    /// Whether the list needs the ranked path (`db::directory`): relevance, distance or areas served.
    pub fn ranked(&self) -> bool {
        self.text.is_some() || self.near.is_some() || self.serves.is_some()
    }

    /// The conditions SQL can check alone (all but text, distance and areas served).
    /// Whether it selects every cooperative (no condition at all).
    pub fn is_everything(&self) -> bool {
        let CooperativeFilter {
            teryt_prefix,
            sector_id,
            pkd_prefix,
            statuses,
            founder_kinds,
            is_sample,
            text,
            near,
            serves,
            updated_since,
        } = self;
        teryt_prefix.is_none()
            && sector_id.is_none()
            && pkd_prefix.is_none()
            && statuses.is_empty()
            && founder_kinds.is_empty()
            && is_sample.is_none()
            && text.is_none()
            && near.is_none()
            && serves.is_none()
            && updated_since.is_none()
    }

    pub fn condition(&self) -> Condition {
        let mut c = Condition::all();
        if let Some(t) = &self.teryt_prefix {
            c = c.add(cooperative::Column::SeatTeryt.like(like_prefix(t)));
        }
        if let Some(s) = self.sector_id {
            let sql = format!(
                "SELECT cooperative_id FROM ({}) s",
                sector_cooperatives_sql(&s.to_string())
            );
            c = c.add(Expr::cust(format!("cooperative.id IN ({sql})")));
        }
        if let Some(p) = &self.pkd_prefix {
            let sub = cooperative_industries()
                .and_where(
                    Expr::col((industry::Entity, industry::Column::Code)).like(like_prefix(p)),
                )
                .to_owned();
            c = c.add(cooperative::Column::Id.in_subquery(sub));
        }
        if !self.statuses.is_empty() {
            c = c.add(cooperative::Column::Status.is_in(self.statuses.clone()));
        }
        if !self.founder_kinds.is_empty() {
            c = c.add(cooperative::Column::FounderKind.is_in(self.founder_kinds.clone()));
        }
        if let Some(s) = self.is_sample {
            c = c.add(cooperative::Column::IsSample.eq(s));
        }
        if let Some(t) = self.updated_since {
            c = c.add(cooperative::Column::UpdatedAt.gte(t));
        }
        c
    }
}

/// Which procurement examples a list shows.
#[derive(Debug, Default, Clone)]
pub struct ProcurementFilter {
    pub buyer_id: Option<i32>,
    /// Buyers in this TERYT unit and below.
    pub buyer_teryt_prefix: Option<String>,
    pub supplier_id: Option<i32>,
    pub procedures: Vec<procurement_example::Procedure>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub sector_id: Option<i32>,
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

impl ProcurementFilter {
    pub fn condition(&self) -> Condition {
        // Proposals stay out of lists until a moderator verifies them.
        let mut c = crate::policy::listed_procurement();
        if let Some(b) = self.buyer_id {
            c = c.add(procurement_example::Column::BuyerId.eq(b));
        }
        if let Some(t) = self.updated_since {
            c = c.add(procurement_example::Column::UpdatedAt.gte(t));
        }
        if let Some(t) = &self.buyer_teryt_prefix {
            let sub = Query::select()
                .column(entity::local_government::Column::Id)
                .from(entity::local_government::Entity)
                .and_where(entity::local_government::Column::Teryt.like(like_prefix(t)))
                .to_owned();
            c = c.add(procurement_example::Column::BuyerId.in_subquery(sub));
        }
        if let Some(s) = self.supplier_id {
            let sub = Query::select()
                .column(procurement_supplier::Column::ProcurementExampleId)
                .from(procurement_supplier::Entity)
                .and_where(procurement_supplier::Column::CooperativeId.eq(s))
                .to_owned();
            c = c.add(procurement_example::Column::Id.in_subquery(sub));
        }
        if !self.procedures.is_empty() {
            c = c.add(procurement_example::Column::Procedure.is_in(self.procedures.clone()));
        }
        if let Some(y) = self.year_from {
            c = c.add(procurement_example::Column::Year.gte(y));
        }
        if let Some(y) = self.year_to {
            c = c.add(procurement_example::Column::Year.lte(y));
        }
        if let Some(s) = self.sector_id {
            c = c.add(Expr::cust(format!(
                "procurement_example.industry_id IN (SELECT i.id FROM sector_industry si \
                 JOIN industry r ON r.id = si.industry_id \
                 JOIN industry i ON (i.path = r.path OR i.path LIKE r.path || '/%') WHERE si.sector_id = {s})"
            )));
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkd_prefixes_accept_dotted_and_compact_forms() {
        assert_eq!(pkd_prefix("f", "5621Z").ok().as_deref(), Some("56.21.Z"));
        assert_eq!(pkd_prefix("f", "56.2").ok().as_deref(), Some("56.2"));
        assert_eq!(pkd_prefix("f", "56").ok().as_deref(), Some("56"));
        assert!(pkd_prefix("f", "5").is_err());
        assert!(pkd_prefix("f", "56%").is_err());
    }

    #[test]
    fn teryt_prefixes_are_digits_of_a_unit_length() {
        assert!(teryt_prefix("t", "1206").is_ok());
        assert!(teryt_prefix("t", "120").is_err());
        assert!(teryt_prefix("t", "12'--").is_err());
    }
}
