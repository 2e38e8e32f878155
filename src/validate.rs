//! Input checks shared by every mutation: each failure names its field and says
//! what to fix, and is raised before anything is written.

use crate::error::{AppError, AppResult};

/// A required text: trimmed, not empty, at most `max` characters, and no control
/// characters but line breaks and tabs (a NUL byte never reaches storage or HTML).
pub fn text(field: &str, value: &str, max: usize) -> AppResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
    }
    if let Some(c) = v
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(AppError::invalid(
            field,
            format!(
                "contains the control character U+{:04X}: remove it",
                u32::from(c)
            ),
        ));
    }
    if v.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("is too long: at most {max} characters"),
        ));
    }
    Ok(v.to_owned())
}

/// An optional text: empty means "remove".
pub fn optional_text(field: &str, value: &str, max: usize) -> AppResult<Option<String>> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        text(field, value, max).map(Some)
    }
}

/// `optional_text` of an optional argument: absent, blank or a checked text.
pub fn optional_arg(field: &str, value: Option<&str>, max: usize) -> AppResult<Option<String>> {
    value
        .map(|v| optional_text(field, v, max))
        .transpose()
        .map(Option::flatten)
}

/// Characters that change how the text around them is shown without being seen:
/// bidirectional overrides and isolates, zero-width characters, the byte-order mark.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}' | '\u{034F}' | '\u{180E}')
}

/// Names the system itself shows for people; nobody may take them.
const RESERVED_NAMES: [&str; 4] = [
    "anonymous participant",
    "former member",
    "coophub",
    "moderator",
];

/// A name a person shows others: a text with nothing invisible in it that could make
/// it look like another name, and none of the labels the system shows itself.
pub fn display_name(field: &str, value: &str, max: usize) -> AppResult<String> {
    let v = text(field, value, max)?;
    if v.chars().any(invisible) {
        return Err(AppError::invalid(
            field,
            "contains an invisible or direction-changing character: type the name plainly",
        ));
    }
    let folded = v
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if RESERVED_NAMES.contains(&folded.as_str()) {
        return Err(AppError::invalid(
            field,
            format!("\"{v}\" is a label coophub shows itself: choose another name"),
        ));
    }
    Ok(v)
}

/// Whether a link's destination is safe to follow: `http:`, `https:`, `mailto:`, or
/// relative (no scheme at all). A colon before any `/`, `?` or `#` names a scheme.
pub fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// Where a fact comes from: a citation in words, or an `http(s)://` address; never
/// another scheme (`javascript:`, `data:`…), which a page would turn into a link.
pub fn source(field: &str, value: &str, max: usize) -> AppResult<Option<String>> {
    let Some(v) = optional_text(field, value, max)? else {
        return Ok(None);
    };
    // As a browser reads an address: white space anywhere is dropped.
    let compact: String = v
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let scripted = ["javascript:", "vbscript:", "data:", "file:", "blob:"]
        .iter()
        .any(|s| compact.starts_with(s));
    // One token with a scheme (no words around it) is an address: http(s) only.
    let other_address = !v.contains(char::is_whitespace)
        && v.split_once(':').is_some_and(|(s, _)| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !matches!(s.to_ascii_lowercase().as_str(), "http" | "https")
        });
    if scripted || other_address {
        return Err(AppError::invalid(
            field,
            "must be a citation in words or an http:// or https:// address",
        ));
    }
    Ok(Some(v))
}

/// A date of the sector's events: from 1990 (the first social cooperatives' times)
/// to 2100; anything else is a typing mistake.
pub fn event_time(field: &str, t: chrono::DateTime<chrono::Utc>) -> AppResult<()> {
    use chrono::Datelike;
    if (1990..=2100).contains(&t.year()) {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            "must be a date between 1990 and 2100",
        ))
    }
}

/// A website: `http://` or `https://` and a host with a dot.
pub fn website(field: &str, value: &str) -> AppResult<Option<String>> {
    let Some(v) = optional_text(field, value, 300)? else {
        return Ok(None);
    };
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(h) if h.contains('.') && !h.contains(char::is_whitespace) && !h.starts_with('.') => {
            Ok(Some(v))
        }
        _ => Err(AppError::invalid(
            field,
            "must be an http:// or https:// address, e.g. https://example.org",
        )),
    }
}

/// A public e-mail address shown on a profile.
pub fn public_email(field: &str, value: &str) -> AppResult<Option<String>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    crate::auth::normalise_email(value)
        .map(Some)
        .map_err(|_| AppError::invalid(field, "is not an e-mail address"))
}

/// A telephone number: digits, spaces, `+ - ( )`, 6 to 20 digits.
pub fn phone(field: &str, value: &str) -> AppResult<Option<String>> {
    let Some(v) = optional_text(field, value, 32)? else {
        return Ok(None);
    };
    let digits = v.chars().filter(char::is_ascii_digit).count();
    if !v.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) || !(6..=20).contains(&digits)
    {
        return Err(AppError::invalid(
            field,
            "must be a telephone number like +48 12 345 67 89",
        ));
    }
    Ok(Some(v))
}

/// A head count: 0 to 100 000.
pub fn count(field: &str, value: i32) -> AppResult<i32> {
    if !(0..=100_000).contains(&value) {
        return Err(AppError::invalid(field, "must be between 0 and 100000"));
    }
    Ok(value)
}

/// A share in percent: 0 to 100.
pub fn percent(field: &str, value: i32) -> AppResult<i16> {
    i16::try_from(value)
        .ok()
        .filter(|v| (0..=100).contains(v))
        .ok_or_else(|| AppError::invalid(field, "a percentage between 0 and 100"))
}

/// A postal code `NN-NNN`.
pub fn postal_code(field: &str, value: &str) -> AppResult<Option<String>> {
    let Some(v) = optional_text(field, value, 6)? else {
        return Ok(None);
    };
    let b = v.as_bytes();
    if b.len() == 6
        && b[2] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_ascii_digit())
    {
        Ok(Some(v))
    } else {
        Err(AppError::invalid(field, "must look like 31-154"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websites_must_be_http_or_https() {
        assert!(website("w", "https://spoldzielnia.pl/o-nas").is_ok());
        assert!(website("w", "javascript:alert(1)").is_err());
        assert!(website("w", "ftp://example.org").is_err());
        assert_eq!(website("w", " ").ok(), Some(None));
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(text("n", "  Razem ", 10).ok().as_deref(), Some("Razem"));
        assert!(text("n", "   ", 10).is_err());
        assert!(text("n", "ą".repeat(11).as_str(), 10).is_err());
    }

    #[test]
    fn counts_phones_and_postal_codes_are_checked() {
        assert!(count("c", -1).is_err());
        assert!(phone("p", "+48 12 345 67 89").is_ok());
        assert!(phone("p", "call me").is_err());
        assert!(postal_code("z", "31-154").is_ok());
        assert!(postal_code("z", "31154").is_err());
    }

    #[test]
    fn control_invisible_and_reserved_characters_are_refused() {
        assert!(text("body", "a\u{0}b", 10).is_err());
        assert!(text("body", "line\nnext\ttab", 20).is_ok());
        for name in ["Anonymous participant", " former  MEMBER ", "Moderator"] {
            assert!(display_name("displayName", name, 80).is_err(), "{name}");
        }
        for name in ["Ann\u{202E}a", "Jan\u{200B}", "\u{2066}Ola"] {
            assert!(display_name("displayName", name, 80).is_err(), "{name:?}");
        }
        assert_eq!(
            display_name("displayName", " Anna Kowalska ", 80)
                .ok()
                .as_deref(),
            Some("Anna Kowalska")
        );
    }

    #[test]
    fn sources_are_words_or_web_addresses() {
        assert!(source("source", "javascript:alert(1)", 500).is_err());
        assert!(source("source", " JavaScript :alert(1)", 500).is_err());
        assert!(source("source", "data:text/html,x", 500).is_err());
        assert!(source("source", "https://bip.example.gov.pl/zamowienie/1", 500).is_ok());
        assert!(source(
            "source",
            "Uchwała nr XII/34/2019: zamówienie zastrzeżone",
            500
        )
        .is_ok());
        assert!(source("source", "Źródło: BIP gminy", 500).is_ok());
        assert!(source("source", "ftp://example.org/x", 500).is_err());
        assert_eq!(source("source", "  ", 500).ok(), Some(None));
    }
}
