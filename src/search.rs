//! Words and places: how text becomes search tokens and how far two points are.
//!
//! The technique (chosen by measurement, see docs/search.md): every searchable
//! record is cut into normalised words stored in the `search_token` table, one
//! row per (record, word) with the weight of the field it came from. A query
//! word matches every token it is a prefix of, as a byte range
//! (`token >= 'gastronom' AND token < 'gastronon'`) over a covering b-tree index.
//! Normalisation happens here, in Rust, so SQLite and PostgreSQL hold the same
//! tokens and compute the same integer scores: the same query gives the same
//! answer, in the same order, on both.

use crate::error::{AppError, AppResult};

/// Longest token kept; longer words are cut (a prefix query still finds them).
pub const MAX_TOKEN: usize = 32;
/// Most words a query may have.
pub const MAX_TERMS: usize = 8;

/// Lower-case ASCII with diacritics folded: "Łódź" -> "lodz", "Żółw" -> "zolw".
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_ascii_lowercase()
}

/// The distinct words of a text (letters and digits, at least two characters), folded.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    let folded = fold(text);
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 2)
        .map(|w| w[..w.len().min(MAX_TOKEN)].to_owned())
        .collect::<Vec<_>>()
        .into_iter()
}

/// The words of a query, checked: at least one, at most `MAX_TERMS`, duplicates dropped.
pub fn query_terms(field: &str, text: &str) -> AppResult<Vec<String>> {
    let mut terms: Vec<String> = Vec::new();
    for w in words(text) {
        if !terms.contains(&w) {
            terms.push(w);
        }
    }
    if terms.is_empty() {
        return Err(AppError::invalid(
            field,
            "give at least one word of two or more letters or digits",
        ));
    }
    if terms.len() > MAX_TERMS {
        return Err(AppError::invalid(
            field,
            format!("at most {MAX_TERMS} words, got {}", terms.len()),
        ));
    }
    Ok(terms)
}

/// The smallest string greater than every string starting with `prefix`
/// (prefix made only of ASCII letters and digits): "gastronom" -> "gastronon".
pub fn prefix_end(prefix: &str) -> String {
    let mut bytes = prefix.as_bytes().to_vec();
    if let Some(last) = bytes.last_mut() {
        *last += 1; // 'z' -> '{', '9' -> ':': still ASCII, still above the prefix
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// Great-circle distance in kilometres (haversine, mean Earth radius 6371.0088 km).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0088 * a.sqrt().asin()
}

/// A distance as the API shows it: kilometres rounded to 10 m.
pub fn round_km(d: f64) -> f64 {
    (d * 100.0).round() / 100.0
}

/// A latitude/longitude box that holds every point within `radius_km` of the centre
/// (a cheap, indexable pre-filter; the exact distance decides).
#[derive(Debug, Clone, Copy)]
pub struct BoundingBox {
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lon: f64,
    pub max_lon: f64,
}

impl BoundingBox {
    pub fn around(lat: f64, lon: f64, radius_km: f64) -> Self {
        // 1 % margin; a degree of latitude is at least 110.57 km.
        let dlat = radius_km * 1.01 / 110.57;
        let cos = (lat.abs() + dlat).min(89.0).to_radians().cos();
        let dlon = radius_km * 1.01 / (111.32 * cos);
        BoundingBox {
            min_lat: lat - dlat,
            max_lat: lat + dlat,
            min_lon: lon - dlon,
            max_lon: lon + dlon,
        }
    }

    /// `lat`/`lon` are SQL expressions.
    pub fn sql(&self, lat: &str, lon: &str) -> String {
        format!(
            "({lat} BETWEEN {} AND {} AND {lon} BETWEEN {} AND {})",
            self.min_lat, self.max_lat, self.min_lon, self.max_lon
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_case_and_polish_diacritics() {
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("ŻÓŁW"), "zolw");
        assert_eq!(
            fold("Spółdzielnia Socjalna „Gastronomia”")
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>(),
            ["spoldzielnia", "socjalna", "gastronomia"]
        );
    }

    #[test]
    fn words_split_on_punctuation_and_drop_single_letters() {
        let w: Vec<String> = words("Catering, w tym obiady — 56.21.Z").collect();
        assert_eq!(w, ["catering", "tym", "obiady", "56", "21"]);
    }

    #[test]
    fn query_terms_are_checked() {
        assert_eq!(
            query_terms("text", "Gastronom gastronom").ok(),
            Some(vec!["gastronom".to_owned()])
        );
        assert!(query_terms("text", " - ").is_err());
        assert!(query_terms("text", "a1 b2 c3 d4 e5 f6 g7 h8 i9").is_err());
    }

    #[test]
    fn prefix_ranges_cover_exactly_the_prefixed_words() {
        let (lo, hi) = ("gastronom".to_owned(), prefix_end("gastronom"));
        for w in ["gastronom", "gastronomia", "gastronomiczne", "gastronomz"] {
            assert!(w >= lo.as_str() && w < hi.as_str(), "{w}");
        }
        for w in ["gastronon", "gastro", "gastronoma{"] {
            assert!(
                !(w >= lo.as_str() && w < hi.as_str()) || w.starts_with("gastronom"),
                "{w}"
            );
        }
        assert_eq!(prefix_end("a9"), "a:");
    }

    #[test]
    fn krakow_to_wieliczka_is_10_7_km() {
        // Shipped centroids of gmina Kraków (1261011) and gmina Wieliczka (1219053).
        let d = distance_km(50.053323, 19.984201, 49.972137, 20.064257);
        assert!((d - 10.7).abs() < 0.05, "{d}");
    }
}
