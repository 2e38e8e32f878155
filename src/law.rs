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
//!   the Act applies from 130 000 PLN net (art. 2 ust. 1 pkt 1).
//!
//! Values are stated net of VAT.

use crate::error::AppError;
use entity::procurement_example::Procedure;

/// The first year of the 2019 law.
pub const PZP_2019_FROM: i32 = 2021;

/// The 2019 law's threshold, net, in grosze (art. 2 ust. 1 pkt 1).
pub const THRESHOLD_2019_GROSZE: i64 = 130_000 * 100;

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
    let article = match procedure {
        Procedure::ReservedContractArt94 => "art. 94 (reserved contract) of the ",
        Procedure::ReservedContractArt22 => "art. 22 ust. 2 (reserved contract) of the ",
        Procedure::BelowThreshold if year >= PZP_2019_FROM => {
            "below the 130 000 PLN threshold of art. 2 ust. 1 pkt 1 of the "
        }
        Procedure::BelowThreshold => "below the threshold of art. 4 pkt 8 of the ",
        _ => "",
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
        Procedure::BelowThreshold
            if year >= PZP_2019_FROM
                && value_grosze.is_some_and(|v| v >= THRESHOLD_2019_GROSZE) =>
        {
            Err(AppError::invalid(
                "valuePln",
                "from 2021 the law applies from 130 000 PLN net (art. 2 ust. 1 pkt 1 of the 2019 \
                 law): a purchase of this value is not below the threshold",
            ))
        }
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
        // The 2004 law's euro threshold is not converted: not checked.
        assert!(check(BelowThreshold, 2019, Some(50_000_000)).is_ok());
        assert!(legal_basis(ReservedContractArt22, 2018).contains("art. 22 ust. 2"));
        assert!(legal_basis(SocialClause, 2023)
            .starts_with("Public Procurement Law of 11 September 2019"));
    }
}
