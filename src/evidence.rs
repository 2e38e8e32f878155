//! What the directory may say about a cooperative from documented evidence only:
//! whether it may bid for contracts reserved under art. 94 PZP, and whether it is
//! active. Pure functions over recorded facts; unknown stays unknown.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use entity::cooperative::{FounderKind, Status};

/// A registry status as the reasons word it ("in liquidation").
fn in_words(status: Status) -> &'static str {
    match status {
        Status::Active => "active",
        Status::Suspended => "suspended",
        Status::InLiquidation => "in liquidation",
        Status::Bankrupt => "bankrupt",
        Status::Dissolved => "dissolved",
    }
}

/// A three-valued answer: yes, no, or not known from the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

/// The share of employees from the art. 94 ust. 1 groups the law requires at least (art. 94 ust. 2).
pub const MIN_SHARE: i16 = 30;

/// Eligibility for contracts reserved under art. 94 ust. 1 PZP (Dz.U. 2019 poz. 2019),
/// with the reasons. Art. 94 ust. 1 names social cooperatives among the bidders a
/// buyer may reserve a contract for; ust. 2 requires at least 30 % of the bidder's
/// employees to belong to the groups it lists. Every record here is a social
/// cooperative (the legal form); the registry status must allow new contracts; the
/// share comes from the cooperative's own declaration and, when missing, the answer
/// is unknown rather than guessed.
pub fn reserved_contract(status: Status, share: Option<i16>) -> (Tri, Vec<String>) {
    let mut reasons = vec![
        "legal form: spółdzielnia socjalna (social cooperative), named in art. 94 ust. 1 PZP"
            .to_owned(),
    ];
    let status_ok = match status {
        Status::Active => {
            reasons.push("registry status: active".to_owned());
            true
        }
        Status::Suspended => {
            reasons
                .push("registry status: activity suspended, cannot perform a contract".to_owned());
            false
        }
        Status::InLiquidation => {
            reasons.push("registry status: in liquidation, cannot take new contracts".to_owned());
            false
        }
        Status::Bankrupt | Status::Dissolved => {
            reasons.push(format!(
                "registry status: {}, cannot take contracts",
                in_words(status)
            ));
            false
        }
    };
    let share_ok = match share {
        Some(s) if s >= MIN_SHARE => {
            reasons.push(format!(
                "declared share of employees from art. 94 ust. 1 groups: {s} % (at least {MIN_SHARE} % required)"
            ));
            Tri::Yes
        }
        Some(s) => {
            reasons.push(format!(
                "declared share of employees from art. 94 ust. 1 groups: {s} %, below the {MIN_SHARE} % art. 94 ust. 2 requires"
            ));
            Tri::No
        }
        None => {
            reasons.push(format!(
                "share of employees from art. 94 ust. 1 groups not declared: cannot tell whether it reaches {MIN_SHARE} %"
            ));
            Tri::Unknown
        }
    };
    let answer = match (status_ok, share_ok) {
        (false, _) | (_, Tri::No) => Tri::No,
        (true, s) => s,
    };
    (answer, reasons)
}

/// A profile confirmed within this many months counts as evidence of activity.
pub const CONFIRMED_RECENTLY_MONTHS: i64 = 12;
/// With no evidence newer than this many months, a cooperative is dormant.
pub const STALE_MONTHS: i64 = 24;

/// Whether a cooperative is active, dormant or unknown, with the evidence:
/// - DORMANT: the registry says it is suspended, in liquidation, bankrupt or dissolved; or its
///   newest evidence (profile confirmation, supply under a verified procurement example)
///   is older than 24 months;
/// - ACTIVE: its profile was confirmed within 12 months, or it supplied a verified
///   procurement example this year or last year;
/// - UNKNOWN: otherwise (no evidence at all, or evidence 12–24 months old).
///
/// `Tri::Yes` is ACTIVE, `Tri::No` DORMANT.
pub fn activity(
    status: Status,
    confirmed_at: Option<DateTime<Utc>>,
    last_supply_year: Option<i32>,
    now: DateTime<Utc>,
) -> (Tri, Vec<String>) {
    let mut evidence = Vec::new();
    if status != Status::Active {
        evidence.push(format!("registry status: {}", in_words(status)));
        return (Tri::No, evidence);
    }
    let months_since = |t: DateTime<Utc>| (now - t).num_days() * 12 / 365;
    let confirmed = confirmed_at.map(months_since);
    match (confirmed_at, confirmed) {
        (Some(t), Some(m)) => evidence.push(format!(
            "profile confirmed on {} ({m} months ago)",
            t.format("%Y-%m-%d")
        )),
        _ => evidence.push("profile never confirmed by the cooperative".to_owned()),
    }
    // A supply in year Y is taken as of the end of Y (the records hold years only).
    let supplied = last_supply_year.map(|y| (i64::from(now.year() - y) * 12).max(0));
    match last_supply_year {
        Some(y) => evidence.push(format!(
            "last supply in a verified procurement example: {y}"
        )),
        None => evidence.push("no supply in a verified procurement example".to_owned()),
    }
    let recent_confirmation = confirmed.is_some_and(|m| m < CONFIRMED_RECENTLY_MONTHS);
    let recent_supply = last_supply_year.is_some_and(|y| y >= now.year() - 1);
    let newest = [confirmed, supplied].into_iter().flatten().min();
    let answer = if recent_confirmation || recent_supply {
        Tri::Yes
    } else if newest.is_some_and(|m| m > STALE_MONTHS) {
        Tri::No
    } else {
        Tri::Unknown
    };
    (answer, evidence)
}

/// What the records say against the Act of 27 April 2006 on social cooperatives
/// (consolidated text Dz.U. 2026 poz. 48), as the law stood when the cooperative
/// was registered. Who may found one is art. 4, how many art. 5:
/// - before 16 July 2009 only natural persons could (legal persons were added by
///   the 2009 amendment);
/// - from 16 July 2009 at least 5 natural persons, or at least 2 legal persons;
/// - from 31 March 2018 (the 2018 amendment) at least 3 natural persons, the
///   cooperative then reaching 5 members within 12 months of its registration,
///   or at least 2 legal persons;
/// - natural and legal persons do not found one together.
///
/// And what holds whenever it was registered, by art. 18 as it stands (the
/// grounds on which a social cooperative goes into liquidation):
/// - more than 50 members (art. 18 pkt 2; the exception of art. 5 ust. 3 is not
///   modelled), or fewer than 2 when its members are legal persons;
/// - members from outside the groups of art. 4 ust. 1 above half of all members
///   (the limit of art. 5 ust. 6, art. 18 pkt 3), i.e. a declared share of members
///   from those groups below 50 %; natural-person cooperatives only, as the
///   groups are people.
///
/// Unknown facts give no note: the notes explain what the records show, they
/// refuse nothing (historical records must load).
pub fn compliance(
    founder_kind: FounderKind,
    registered: Option<NaiveDate>,
    members: Option<i32>,
    excluded_member_share: Option<i16>,
    legal_founders: usize,
    today: NaiveDate,
) -> Vec<String> {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    let legal_persons_may_found = date(2009, 7, 16);
    let amended_2018 = date(2018, 3, 31);
    let mut notes = Vec::new();
    match founder_kind {
        FounderKind::Mixed => notes.push(
            "founders recorded as natural and legal persons together: the Act lets natural \
             persons or legal persons found a social cooperative, not both (art. 4 and 5); \
             check the founding record"
                .to_owned(),
        ),
        FounderKind::LegalPersons => {
            if let Some(r) = registered.filter(|r| *r < legal_persons_may_found) {
                notes.push(format!(
                    "founded by legal persons but registered on {r}, before 16 July 2009, when \
                     only natural persons could found a social cooperative (art. 4 before the \
                     2009 amendment); check the founders"
                ));
            }
            if legal_founders == 1 {
                notes.push(
                    "1 legal-person founder recorded: at least 2 found a social cooperative \
                     (art. 5); add the other founders"
                        .to_owned(),
                );
            }
            if let Some(m) = members.filter(|m| *m < 2) {
                notes.push(format!(
                    "{m} members: a social cooperative of legal persons goes into liquidation \
                     when it has fewer than 2 for more than 3 months (art. 18 pkt 2)"
                ));
            }
        }
        FounderKind::NaturalPersons => {
            if let (Some(m), Some(r)) = (members, registered) {
                let year_after = r.checked_add_months(Months::new(12)).unwrap_or(r);
                if r >= amended_2018 && today < year_after {
                    if m < 3 {
                        notes.push(format!(
                            "{m} members: at least 3 natural persons found a social cooperative \
                             (art. 5 as amended in 2018)"
                        ));
                    }
                } else if m < 5 {
                    let rule = if r >= amended_2018 {
                        format!(
                            "a cooperative founded by natural persons has at least 5 members \
                             from 12 months after its registration ({year_after}; art. 5 as \
                             amended in 2018)"
                        )
                    } else {
                        format!(
                            "registered on {r}, when at least 5 natural persons founded a \
                             social cooperative (art. 5 before the 2018 amendment), and it keeps \
                             at least 5 members"
                        )
                    };
                    notes.push(format!("{m} members: {rule}"));
                }
            }
            if let Some(m) = members.filter(|m| *m > 50) {
                notes.push(format!(
                    "{m} members: more than 50 is a ground for liquidation (art. 18 pkt 2, \
                     subject to art. 5 ust. 3)"
                ));
            }
            if let Some(s) = excluded_member_share.filter(|s| *s < 50) {
                notes.push(format!(
                    "{s} % of members from the groups of art. 4 ust. 1: members from outside \
                     them may be at most half of all members (art. 5 ust. 6); above that \
                     limit a social cooperative goes into liquidation (art. 18 pkt 3)"
                ));
            }
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn compliance_follows_the_law_of_the_registration_year() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let today = d(2026, 12, 4).unwrap_or_default();
        let notes = |kind, registered, members, legal| {
            compliance(kind, registered, members, None, legal, today).len()
        };
        use FounderKind::*;
        // Since 2018: 3 natural persons found, 5 members within 12 months.
        assert_eq!(notes(NaturalPersons, d(2026, 6, 1), Some(3), 0), 0);
        assert_eq!(notes(NaturalPersons, d(2026, 6, 1), Some(2), 0), 1);
        assert_eq!(notes(NaturalPersons, d(2025, 6, 1), Some(4), 0), 1);
        assert_eq!(notes(NaturalPersons, d(2025, 6, 1), Some(5), 0), 0);
        // Before 2018: 5 from the start.
        assert_eq!(notes(NaturalPersons, d(2017, 6, 1), Some(4), 0), 1);
        // Unknown members or date: nothing to say.
        assert_eq!(notes(NaturalPersons, d(2017, 6, 1), None, 0), 0);
        assert_eq!(notes(NaturalPersons, None, Some(1), 0), 0);
        // Legal persons: from 16 July 2009, at least 2.
        assert_eq!(notes(LegalPersons, d(2009, 7, 15), None, 0), 1);
        assert_eq!(notes(LegalPersons, d(2009, 7, 16), None, 2), 0);
        assert_eq!(notes(LegalPersons, d(2019, 1, 1), None, 1), 1);
        assert_eq!(notes(Mixed, d(2019, 1, 1), Some(9), 0), 1);
        // Whenever registered: at most 50 members; legal persons keep 2.
        assert_eq!(notes(NaturalPersons, d(2012, 1, 1), Some(50), 0), 0);
        assert_eq!(notes(NaturalPersons, d(2012, 1, 1), Some(51), 0), 1);
        assert_eq!(notes(LegalPersons, d(2019, 1, 1), Some(1), 2), 1);
        assert_eq!(notes(LegalPersons, d(2019, 1, 1), Some(2), 2), 0);
        // At least half of the members from the excluded groups (art. 5 ust. 6).
        let share = |s| compliance(NaturalPersons, d(2019, 1, 1), Some(8), Some(s), 0, today).len();
        assert_eq!(share(50), 0);
        assert_eq!(share(49), 1);
        let legal = compliance(LegalPersons, d(2019, 1, 1), Some(2), Some(10), 2, today);
        assert!(legal.is_empty(), "{legal:?}");
    }

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn eligibility_needs_an_active_status_and_a_declared_share() {
        assert_eq!(reserved_contract(Status::Active, Some(45)).0, Tri::Yes);
        assert_eq!(reserved_contract(Status::Active, Some(30)).0, Tri::Yes);
        assert_eq!(reserved_contract(Status::Active, Some(29)).0, Tri::No);
        assert_eq!(reserved_contract(Status::Active, None).0, Tri::Unknown);
        assert_eq!(reserved_contract(Status::InLiquidation, None).0, Tri::No);
        assert_eq!(reserved_contract(Status::Suspended, Some(80)).0, Tri::No);
    }

    #[test]
    fn activity_follows_the_newest_evidence() {
        let now = at(2026, 11, 29);
        assert_eq!(
            activity(Status::Active, Some(at(2026, 3, 1)), None, now).0,
            Tri::Yes
        );
        assert_eq!(activity(Status::Active, None, Some(2025), now).0, Tri::Yes);
        assert_eq!(activity(Status::Active, None, None, now).0, Tri::Unknown);
        assert_eq!(
            activity(Status::Active, Some(at(2025, 6, 1)), None, now).0,
            Tri::Unknown
        );
        assert_eq!(
            activity(Status::Active, Some(at(2023, 6, 1)), Some(2022), now).0,
            Tri::No
        );
        assert_eq!(
            activity(Status::Dissolved, Some(at(2026, 6, 1)), None, now).0,
            Tri::No
        );
    }
}
