//! Identifiers. Polish registry identifiers: NIP, REGON and KRS (pure
//! functions: parse the common spellings, check the checksum, return the
//! canonical digits); and coophub's opaque global ids (`base64url("Type:42")`),
//! which the schema's `Node` interface hands out and files may name.

use crate::error::{AppError, AppResult};
use async_graphql::ID;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

fn digits(field: &str, raw: &str, allowed_separators: &[char]) -> Result<Vec<u32>, AppError> {
    let mut out = Vec::with_capacity(raw.len());
    for c in raw.trim().chars() {
        match c.to_digit(10) {
            Some(d) => out.push(d),
            None if allowed_separators.contains(&c) => {}
            None => return Err(AppError::invalid(field, format!("'{c}' is not a digit"))),
        }
    }
    Ok(out)
}

fn weighted(ds: &[u32], weights: &[u32]) -> u32 {
    ds.iter().zip(weights).map(|(d, w)| d * w).sum()
}

fn to_string(ds: &[u32]) -> String {
    ds.iter().map(|d| char::from(b'0' + *d as u8)).collect()
}

/// NIP: 10 digits (dashes and spaces allowed), weights 6,5,7,2,3,4,5,6,7, sum mod 11 is the last digit (10 never valid).
pub fn parse_nip(raw: &str) -> Result<String, AppError> {
    let raw = raw.trim().strip_prefix("PL").unwrap_or(raw.trim());
    let ds = digits("nip", raw, &['-', ' '])?;
    if ds.len() != 10 {
        return Err(AppError::invalid(
            "nip",
            format!("a NIP has 10 digits, this one has {}", ds.len()),
        ));
    }
    let check = weighted(&ds, &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
    if check == 10 || check != ds[9] {
        return Err(AppError::invalid(
            "nip",
            "the checksum digit is wrong: check for a typo",
        ));
    }
    Ok(to_string(&ds))
}

/// REGON: 9 digits (weights 8,9,2,3,4,5,6,7) or 14 digits (weights 2,4,8,5,0,9,7,3,6,1,2,4,8); mod 11, 10 counts as 0.
pub fn parse_regon(raw: &str) -> Result<String, AppError> {
    let ds = digits("regon", raw, &['-', ' '])?;
    let weights: &[u32] = match ds.len() {
        9 => &[8, 9, 2, 3, 4, 5, 6, 7],
        14 => &[2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8],
        n => {
            return Err(AppError::invalid(
                "regon",
                format!("a REGON has 9 or 14 digits, this one has {n}"),
            ))
        }
    };
    let check = weighted(&ds, weights) % 11 % 10;
    if check != ds[ds.len() - 1] {
        return Err(AppError::invalid(
            "regon",
            "the checksum digit is wrong: check for a typo",
        ));
    }
    Ok(to_string(&ds))
}

/// KRS: up to 10 digits; leading zeros may be omitted and are restored.
pub fn parse_krs(raw: &str) -> Result<String, AppError> {
    let ds = digits("krs", raw, &[' '])?;
    if ds.is_empty() || ds.len() > 10 {
        return Err(AppError::invalid(
            "krs",
            format!("a KRS number has 10 digits, this one has {}", ds.len()),
        ));
    }
    if ds.iter().all(|d| *d == 0) {
        return Err(AppError::invalid("krs", "a KRS number cannot be all zeros"));
    }
    Ok(format!("{:0>10}", to_string(&ds)))
}

/// The NIP check digit for nine leading digits, or None when no check digit exists (sum mod 11 is 10).
pub fn nip_check_digit(first9: &[u32; 9]) -> Option<u32> {
    let c = weighted(first9, &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
    (c != 10).then_some(c)
}

/// The REGON-9 check digit for eight leading digits.
pub fn regon9_check_digit(first8: &[u32; 8]) -> u32 {
    weighted(first8, &[8, 9, 2, 3, 4, 5, 6, 7]) % 11 % 10
}

/// The opaque global id of record `id` of type `kind`.
pub fn global_id(kind: &str, id: i32) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

/// The id of a link that is no node of its own (a founder, a supplier's part in
/// a purchase, a participation): its type name and the ids that key its row.
/// `NetworkEdge.link` gives the same id for the edge the link makes.
pub fn link_id(kind: &str, keys: &[i32]) -> ID {
    let keys: Vec<String> = keys.iter().map(i32::to_string).collect();
    ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{}", keys.join(":"))))
}

/// Splits a global id into its type name and database id.
pub fn parse_global_id(field: &str, id: &ID) -> AppResult<(String, i32)> {
    let bad = || {
        AppError::invalid(
            field,
            format!(
                "'{}' is not a coophub id: use an `id` value returned by this API",
                id.0
            ),
        )
    };
    let text = URL_SAFE_NO_PAD
        .decode(id.0.as_bytes())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    let (kind, n) = text.split_once(':').ok_or_else(bad)?;
    Ok((kind.to_owned(), n.parse().map_err(|_| bad())?))
}

/// The database id inside a global id that must be of type `kind`.
pub fn expect_id(field: &str, id: &ID, kind: &str) -> AppResult<i32> {
    let (k, n) = parse_global_id(field, id)?;
    if k != kind {
        return Err(AppError::invalid(
            field,
            format!("this is the id of a {k}, expected a {kind}"),
        ));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nip_accepts_dashes_and_country_prefix() {
        // 526-000-12-46 is the NIP of the Polish Ministry of Finance, published in the register.
        assert_eq!(
            parse_nip("526-000-12-46").ok().as_deref(),
            Some("5260001246")
        );
        assert_eq!(
            parse_nip("PL5260001246").ok().as_deref(),
            Some("5260001246")
        );
    }

    #[test]
    fn nip_rejects_wrong_checksum_and_length() {
        assert!(parse_nip("5260001247").is_err());
        assert!(parse_nip("526000124").is_err());
        assert!(parse_nip("52600012x6").is_err());
    }

    #[test]
    fn regon_checks_both_lengths() {
        // 000331501: REGON of GUS itself; 12345678512347 is the textbook 14-digit example.
        assert_eq!(parse_regon("000331501").ok().as_deref(), Some("000331501"));
        assert!(parse_regon("000331502").is_err());
        assert_eq!(
            parse_regon("12345678512347").ok().as_deref(),
            Some("12345678512347")
        );
        assert!(parse_regon("12345678512348").is_err());
        assert!(parse_regon("1234567").is_err());
    }

    #[test]
    fn krs_restores_leading_zeros() {
        assert_eq!(parse_krs("12345").ok().as_deref(), Some("0000012345"));
        assert_eq!(parse_krs("0000012345").ok().as_deref(), Some("0000012345"));
        assert!(parse_krs("12345678901").is_err());
        assert!(parse_krs("0").is_err());
    }

    #[test]
    fn generated_check_digits_validate() {
        let first9 = [5, 2, 6, 0, 0, 0, 1, 2, 4];
        assert_eq!(nip_check_digit(&first9), Some(6));
        assert_eq!(regon9_check_digit(&[0, 0, 0, 3, 3, 1, 5, 0]), 1);
    }

    #[test]
    fn global_ids_round_trip_and_check_their_type() {
        let id = global_id("Cooperative", 42);
        assert_eq!(
            parse_global_id("id", &id).ok(),
            Some(("Cooperative".to_owned(), 42))
        );
        assert_eq!(expect_id("id", &id, "Cooperative").ok(), Some(42));
        assert!(expect_id("id", &id, "Offering").is_err());
        assert!(parse_global_id("id", &ID("42".into())).is_err());
    }
}
