//! Content coophub ships: the cooperation standards' areas, each a
//! recommendation written for coophub in its own words (not the official text
//! of the federation's standards, which is its copyright), built into the
//! binary from `content/recommendations`. They are added where missing when a
//! database is first loaded (`app::load_initial_data`) and when the sample is
//! generated, and never overwrite what editors have changed since.

use crate::db::front_matter::read_recommendation;
use crate::db::knowledge::seed_recommendation;
use crate::db::write::Write;
use crate::error::AppResult;
use entity::recommendation;
use sea_orm::{EntityTrait, QuerySelect};

/// The starter recommendations, one file each (see docs/knowledge.md).
pub const STARTER: [(&str, &str); 8] = [
    (
        "01-buying.md",
        include_str!("../../content/recommendations/01-buying.md"),
    ),
    (
        "02-reserved.md",
        include_str!("../../content/recommendations/02-reserved.md"),
    ),
    (
        "03-clauses.md",
        include_str!("../../content/recommendations/03-clauses.md"),
    ),
    (
        "04-public-tasks.md",
        include_str!("../../content/recommendations/04-public-tasks.md"),
    ),
    (
        "05-founding.md",
        include_str!("../../content/recommendations/05-founding.md"),
    ),
    (
        "06-premises.md",
        include_str!("../../content/recommendations/06-premises.md"),
    ),
    (
        "07-partnership.md",
        include_str!("../../content/recommendations/07-partnership.md"),
    ),
    (
        "08-support.md",
        include_str!("../../content/recommendations/08-support.md"),
    ),
];

/// Adds the starter recommendations whose codes the database does not hold yet
/// (as published, coophub's own); returns how many it added.
pub async fn ensure_starter(txn: &Write) -> AppResult<usize> {
    let have: Vec<String> = recommendation::Entity::find()
        .select_only()
        .column(recommendation::Column::Code)
        .into_tuple()
        .all(txn)
        .await?;
    let mut added = 0;
    for (name, text) in STARTER {
        let f = read_recommendation(text).map_err(|e| crate::db::knowledge::at_item(name, e))?;
        if have.contains(&f.code) {
            continue;
        }
        seed_recommendation(txn, &f)
            .await
            .map_err(|e| crate::db::knowledge::at_item(name, e))?;
        added += 1;
    }
    Ok(added)
}

/// The starter recommendation a purchase by `procedure` illustrates, by code
/// (none for in-house awards and other procedures, which no starter text covers).
pub fn illustrated_by(procedure: entity::procurement_example::Procedure) -> Option<&'static str> {
    use entity::procurement_example::Procedure as P;
    match procedure {
        P::ReservedContractArt94 | P::ReservedContractArt22 | P::SocialServicesRegime => {
            Some("S-RESERVED")
        }
        P::SocialClause => Some("S-CLAUSES"),
        P::PublicTaskCommissioning => Some("S-TASKS"),
        P::BelowThreshold => Some("S-BUYING"),
        P::InHouse | P::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    #[test]
    fn starter_files_read_and_cover_every_area_once() {
        use sea_orm::Iterable;
        let mut areas = Vec::new();
        let mut codes = Vec::new();
        for (name, text) in STARTER {
            let f = read_recommendation(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(!f.legal_basis.is_empty(), "{name} cites no provision");
            assert!(
                f.origin.contains("coophub"),
                "{name} does not say who wrote it"
            );
            assert_eq!(f.licence.as_deref(), Some("CC BY 4.0"), "{name}");
            assert!(!f.is_sample, "{name}: starter content is not sample data");
            areas.push(f.area);
            codes.push(f.code);
        }
        for a in recommendation::Area::iter() {
            assert_eq!(areas.iter().filter(|x| **x == a).count(), 1, "{a:?}");
        }
        use entity::procurement_example::Procedure;
        for p in Procedure::iter() {
            if let Some(code) = illustrated_by(p) {
                assert!(codes.iter().any(|c| c == code), "{p:?}");
            }
        }
    }

    #[test]
    fn a_bad_starter_file_is_named() {
        let e = read_recommendation("no front matter")
            .map_err(|e| crate::db::knowledge::at_item("x.md", e))
            .err();
        assert!(
            matches!(e, Some(AppError::InvalidInput { field, .. }) if field.starts_with("x.md"))
        );
    }
}
