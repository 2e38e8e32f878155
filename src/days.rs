//! Days free from work and the end of a term, as Polish law counts them: the
//! legal desk's due dates (a case is due 7 days after it is submitted).
//!
//! - Days free from work: art. 1 of the Act of 18 January 1951 on days free from
//!   work (ustawa o dniach wolnych od pracy, consolidated text Dz.U. 2020 poz.
//!   1920): Sundays and 1 January, Easter Sunday and Monday, 1 and 3 May,
//!   Pentecost Sunday, Corpus Christi, 15 August, 1 and 11 November, 25 and 26
//!   December; 6 January (Epiphany) from 2011 (amended by the Act of 24
//!   September 2010); 24 December from 2025 (art. 1 pkt 1 lit. ka, added by the
//!   Act of 6 December 2024, in force 1 February 2025).
//! - The end of a term: art. 111 § 2 of the Civil Code (a term in days does not
//!   count the day of the event that starts it) and art. 115: a term whose last
//!   day is free from work ends on the next day that is not; from 1 January 2017
//!   a Saturday moves it too (Act of 16 December 2016, Dz.U. 2016 poz. 2255,
//!   which applies to terms that had not ended by then). Before, a Saturday
//!   could end a term (SN resolution III CZP 8/03).
//!
//! Written for coophub; a table of dates tests it.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The first year 6 January is free from work.
pub const EPIPHANY_FROM: i32 = 2011;
/// The first year 24 December is free from work.
pub const CHRISTMAS_EVE_FROM: i32 = 2025;
/// From this day a term does not end on a Saturday.
pub fn saturdays_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Easter Sunday of `year` (Gregorian calendar; the anonymous algorithm of 1876,
/// as Meeus gives it).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or(NaiveDate::MIN)
}

/// Whether `d` is a day free from work (a Sunday or a public holiday).
pub fn is_day_free_from_work(d: NaiveDate) -> bool {
    if d.weekday() == Weekday::Sun {
        return true;
    }
    let year = d.year();
    let fixed = match (d.month(), d.day()) {
        (1, 1) | (5, 1) | (5, 3) | (8, 15) | (11, 1) | (11, 11) | (12, 25) | (12, 26) => true,
        (1, 6) => year >= EPIPHANY_FROM,
        (12, 24) => year >= CHRISTMAS_EVE_FROM,
        _ => false,
    };
    if fixed {
        return true;
    }
    let easter = easter_sunday(year);
    // Easter Monday and Corpus Christi (the Thursday 60 days after Easter);
    // Easter and Pentecost (49 days after) are Sundays.
    [1, 60]
        .iter()
        .any(|n| easter.checked_add_days(Days::new(*n)) == Some(d))
}

/// The day a term whose last day is `last` ends (art. 115 of the Civil Code).
pub fn term_end(last: NaiveDate) -> NaiveDate {
    let closed = |d: NaiveDate| {
        is_day_free_from_work(d) || (d.weekday() == Weekday::Sat && d >= saturdays_from())
    };
    let mut d = last;
    while closed(d) {
        match d.succ_opt() {
            Some(next) => d = next,
            None => break,
        }
    }
    d
}

/// When a term of `days` days that starts on `from` ends (arts. 111 and 115).
pub fn due_after(from: NaiveDate, days: u64) -> NaiveDate {
    term_end(from.checked_add_days(Days::new(days)).unwrap_or(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn easter_falls_where_the_calendars_have_it() {
        for (year, day) in [
            (2010, "2010-04-04"),
            (2011, "2011-04-24"),
            (2016, "2016-03-27"),
            (2017, "2017-04-16"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter_sunday(year), d(day), "{year}");
        }
    }

    #[test]
    fn a_case_is_due_seven_days_on_moved_past_days_free_from_work() {
        // (submitted, due, why)
        let table = [
            ("2026-12-02", "2026-12-09", "a Wednesday: plain"),
            (
                "2026-04-24",
                "2026-05-04",
                "1 May (Fri), then Saturday, 3 May on a Sunday",
            ),
            ("2026-03-30", "2026-04-07", "Easter Monday"),
            ("2026-05-28", "2026-06-05", "Corpus Christi (Thursday)"),
            ("2026-11-04", "2026-11-12", "11 November"),
            (
                "2026-08-08",
                "2026-08-17",
                "15 August on a Saturday, then Sunday",
            ),
            (
                "2025-12-17",
                "2025-12-29",
                "24 December from 2025, Christmas, the weekend",
            ),
            (
                "2024-12-17",
                "2024-12-24",
                "24 December before 2025 is a working day",
            ),
            ("2010-12-30", "2011-01-07", "Epiphany from 2011"),
            (
                "2009-12-30",
                "2010-01-06",
                "Epiphany before 2011 is a working day",
            ),
            (
                "2016-12-31",
                "2017-01-09",
                "a Saturday moves a term from 2017",
            ),
            (
                "2016-01-02",
                "2016-01-09",
                "a Saturday ended a term before 2017",
            ),
            (
                "2020-12-19",
                "2020-12-28",
                "26 December on a Saturday, then Sunday",
            ),
        ];
        for (submitted, due, why) in table {
            assert_eq!(due_after(d(submitted), 7), d(due), "{submitted}: {why}");
        }
    }

    #[test]
    fn a_due_day_is_never_free_from_work() {
        let mut day = d("2016-01-01");
        while day < d("2031-01-01") {
            let due = due_after(day, 7);
            assert!(!is_day_free_from_work(due), "{day} → {due}");
            assert!(due >= day + Days::new(7));
            if due >= saturdays_from() {
                assert_ne!(due.weekday(), Weekday::Sat, "{day} → {due}");
            }
            day = day + Days::new(1);
        }
    }
}
