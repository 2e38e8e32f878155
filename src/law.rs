//! Public procurement law by the year of a purchase (issue 18). A purchase is
//! judged by the law in force when it was awarded:
//! - the Public Procurement Law of 29 January 2004 (Dz.U. 2004 nr 19 poz. 177)
//!   until the end of 2020. Its reserved contracts are art. 22 ust. 2: until 27
//!   July 2016 for bidders most of whose employees are disabled, from 28 July
//!   2016 (the amendment of 22 June 2016) for bidders integrating socially
//!   marginalised people, at least 30 % of their staff (art. 22 ust. 2a). Its
//!   threshold (art. 4 pkt 8) is in euro, converted to złoty at a rate each
//!   period's regulation sets: coophub does not check values against it.
//! - the Public Procurement Law of 11 September 2019 (Dz.U. 2019 poz. 2019) from
//!   1 January 2021: reserved contracts are art. 94 (at least 30 %, ust. 2), and
//!   the Act applies from 130 000 PLN net (art. 2 ust. 1 pkt 1) until the end of
//!   2025, from 170 000 PLN net since 1 January 2026 (the amendment of 25 July
//!   2025, Dz.U. 2025 poz. 1173; consolidated text of the law Dz.U. 2024 poz. 1320).
//!
//! Values are stated net of VAT.

use crate::error::AppError;
use entity::procurement_example::Procedure;

/// The first year of the 2019 law.
pub const PZP_2019_FROM: i32 = 2021;

/// The first year of the 170 000 PLN threshold (Dz.U. 2025 poz. 1173).
pub const THRESHOLD_170K_FROM: i32 = 2026;

/// The 2019 law's threshold for a purchase of `year`, net, in grosze (art. 2
/// ust. 1 pkt 1): 130 000 PLN in 2021–2025, 170 000 PLN from 2026. None before
/// 2021 (the 2004 law's euro threshold is not converted).
pub fn threshold_grosze(year: i32) -> Option<i64> {
    match year {
        y if y >= THRESHOLD_170K_FROM => Some(170_000 * 100),
        y if y >= PZP_2019_FROM => Some(130_000 * 100),
        _ => None,
    }
}

/// A threshold in grosze as written in messages: "130 000 PLN".
fn pln(grosze: i64) -> String {
    format!("{} {:03} PLN", grosze / 100_000, grosze / 100 % 1000)
}

/// The law a purchase of `year` was awarded under, as a citation.
pub fn act_of(year: i32) -> &'static str {
    if year >= PZP_2019_FROM {
        "Public Procurement Law of 11 September 2019 (Dz.U. 2019 poz. 2019)"
    } else {
        "Public Procurement Law of 29 January 2004 (Dz.U. 2004 nr 19 poz. 177)"
    }
}

/// The legal basis of a purchase: its procedure's article where it has one.
pub fn legal_basis(procedure: Procedure, year: i32) -> String {
    let article = match (procedure, threshold_grosze(year)) {
        (Procedure::ReservedContractArt94, _) => "art. 94 (reserved contract) of the ".into(),
        (Procedure::ReservedContractArt22, _) => {
            "art. 22 ust. 2 (reserved contract) of the ".into()
        }
        (Procedure::BelowThreshold, Some(t)) => {
            format!(
                "below the {} threshold of art. 2 ust. 1 pkt 1 of the ",
                pln(t)
            )
        }
        (Procedure::BelowThreshold, None) => "below the threshold of art. 4 pkt 8 of the ".into(),
        _ => String::new(),
    };
    format!("{article}{}", act_of(year))
}

/// Whether `procedure` existed in the law of `year`, and a below-threshold
/// value is below that year's threshold; the error names the field.
pub fn check(procedure: Procedure, year: i32, value_grosze: Option<i64>) -> Result<(), AppError> {
    match procedure {
        Procedure::ReservedContractArt94 if year < PZP_2019_FROM => Err(AppError::invalid(
            "procedure",
            format!(
                "art. 94 is of the 2019 law, in force from 2021; a reserved contract of {year} \
                 was awarded under art. 22 ust. 2 of the 2004 law: RESERVED_CONTRACT_ART_22"
            ),
        )),
        Procedure::ReservedContractArt22 if year >= PZP_2019_FROM => Err(AppError::invalid(
            "procedure",
            format!(
                "art. 22 is of the 2004 law, in force until 2020; a reserved contract of {year} \
                 is awarded under art. 94 of the 2019 law: RESERVED_CONTRACT_ART_94"
            ),
        )),
        Procedure::BelowThreshold => match (threshold_grosze(year), value_grosze) {
            (Some(t), Some(v)) if v >= t => Err(AppError::invalid(
                "valuePln",
                format!(
                    "in {year} the law applies from {} net (art. 2 ust. 1 pkt 1 of the 2019 law{}): \
                     a purchase of this value is not below the threshold",
                    pln(t),
                    if year >= THRESHOLD_170K_FROM {
                        ", as amended by Dz.U. 2025 poz. 1173"
                    } else {
                        ""
                    }
                ),
            )),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_procedure_is_checked_against_the_law_of_its_year() {
        use Procedure::*;
        assert!(check(ReservedContractArt94, 2021, None).is_ok());
        assert!(check(ReservedContractArt94, 2020, None).is_err());
        assert!(check(ReservedContractArt22, 2020, None).is_ok());
        assert!(check(ReservedContractArt22, 2021, None).is_err());
        assert!(check(BelowThreshold, 2022, Some(12_999_999)).is_ok());
        assert!(check(BelowThreshold, 2022, Some(13_000_000)).is_err());
        // From 2026 the threshold is 170 000 PLN (Dz.U. 2025 poz. 1173).
        assert!(check(BelowThreshold, 2025, Some(15_000_000)).is_err());
        assert!(check(BelowThreshold, 2026, Some(15_000_000)).is_ok());
        assert!(check(BelowThreshold, 2026, Some(17_000_000)).is_err());
        assert!(legal_basis(BelowThreshold, 2025).contains("130 000 PLN"));
        assert!(legal_basis(BelowThreshold, 2026).contains("170 000 PLN"));
        assert!(legal_basis(BelowThreshold, 2019).contains("art. 4 pkt 8"));
        // The 2004 law's euro threshold is not converted: not checked.
        assert!(check(BelowThreshold, 2019, Some(50_000_000)).is_ok());
        assert!(legal_basis(ReservedContractArt22, 2018).contains("art. 22 ust. 2"));
        assert!(legal_basis(SocialClause, 2023)
            .starts_with("Public Procurement Law of 11 September 2019"));
    }
}
