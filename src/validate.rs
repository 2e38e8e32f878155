//! Input checks shared by every mutation: each failure names its field and says
//! what to fix, and is raised before anything is written.

use crate::error::{AppError, AppResult};

/// A required text: trimmed, not empty, at most `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> AppResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
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
}
