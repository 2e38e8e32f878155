//! Money as coophub writes it: złoty held as whole grosze (no float anywhere),
//! written as a decimal with two places, `"1234.50"`, `"-0.05"`.

/// `grosze` as a decimal of złoty with two places.
pub fn decimal(grosze: i64) -> String {
    let sign = if grosze < 0 { "-" } else { "" };
    let abs = grosze.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_places_and_the_sign_once() {
        assert_eq!(super::decimal(123_450), "1234.50");
        assert_eq!(super::decimal(5), "0.05");
        assert_eq!(super::decimal(-150), "-1.50");
        assert_eq!(super::decimal(-5), "-0.05");
        assert_eq!(super::decimal(i64::MIN), "-92233720368547758.08");
    }
}
