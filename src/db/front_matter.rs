//! The file format of the knowledge base: Markdown with TOML front matter
//! between `+++` lines (docs/knowledge.md). Recommendations are read here (the
//! starter content, `db::starter`); articles in `crate::articles`, which resolves
//! the records they mention.

use crate::db::knowledge::{LegalBasisFields, RecommendationFields};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use entity::recommendation;
use sea_orm::ActiveEnum;
use serde::Deserialize;

/// The front matter of a recommendation file (the starter content in
/// `content/recommendations`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RecommendationFront {
    code: String,
    title: String,
    area: String,
    summary: String,
    endorsement: Option<String>,
    endorsed_on: Option<toml::Value>,
    origin: String,
    licence: Option<String>,
    #[serde(default)]
    is_sample: bool,
    #[serde(default)]
    legal_basis: Vec<LegalBasisFields>,
}

/// A recommendation file read into its fields (its examples are linked apart).
pub fn read_recommendation(text: &str) -> AppResult<RecommendationFields> {
    let (front, body) = split(text)?;
    let f: RecommendationFront = toml::from_str(front)
        .map_err(|e| AppError::invalid("frontMatter", e.message().to_owned()))?;
    Ok(RecommendationFields {
        code: f.code,
        title: f.title,
        area: enum_value::<recommendation::Area>("area", &f.area)?,
        summary: f.summary,
        body_markdown: body.to_owned(),
        endorsement: f.endorsement,
        endorsed_on: f
            .endorsed_on
            .as_ref()
            .map(|d| date("endorsedOn", d))
            .transpose()?,
        origin: f.origin,
        licence: f.licence,
        is_sample: f.is_sample,
        legal_basis: f.legal_basis,
        examples: Vec::new(),
    })
}

/// A file split into its front matter (between `+++` lines) and its body.
pub fn split(text: &str) -> AppResult<(&str, &str)> {
    let bad = || {
        AppError::invalid(
            "frontMatter",
            "a file starts with a line `+++`, its TOML front matter, and a line `+++`",
        )
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
        .ok_or_else(bad)?;
    let end = rest
        .match_indices("\n+++")
        .find(|(i, _)| {
            let after = &rest[i + 4..];
            after.is_empty() || after.starts_with('\n') || after.starts_with("\r\n")
        })
        .map(|(i, _)| i)
        .ok_or_else(bad)?;
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    Ok((&rest[..end + 1], body))
}

/// A date as TOML writes it (`2014-06-12`) or as a string.
pub fn date(field: &str, v: &toml::Value) -> AppResult<NaiveDate> {
    let text = match v {
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::String(s) => s.clone(),
        _ => String::new(),
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "a date, e.g. 2014-06-12"))
}

/// An enum value by its GraphQL name, case and spaces forgiven (`question and answer`).
pub fn enum_value<E: ActiveEnum<Value = String> + sea_orm::Iterable>(
    field: &str,
    raw: &str,
) -> AppResult<E> {
    let want = raw.trim().to_ascii_uppercase().replace([' ', '-'], "_");
    E::try_from_value(&want).map_err(|_| {
        let known: Vec<String> = E::iter().map(|v| v.to_value()).collect();
        AppError::invalid(field, format!("'{raw}' is not one of {}", known.join(", ")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_from_the_body() {
        let (front, body) =
            split("+++\ntitle = \"a\"\n+++\n\nText +++ here\n").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(front, "title = \"a\"\n");
        assert_eq!(body, "Text +++ here\n");
        let (front, body) = split("+++\r\nx = 1\r\n+++\r\nB").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(front, "x = 1\r\n");
        assert_eq!(body, "B");
        assert!(split("no front matter").is_err());
        assert!(split("+++\nx = 1\n").is_err());
    }

    #[test]
    fn dates_and_kinds_are_read_as_written() {
        let d: toml::Value = toml::from_str::<toml::Table>("d = 2014-06-12")
            .unwrap_or_else(|e| panic!("{e}"))["d"]
            .clone();
        assert_eq!(date("d", &d).ok(), NaiveDate::from_ymd_opt(2014, 6, 12));
        assert!(date("d", &toml::Value::String("12.06.2014".into())).is_err());
        assert_eq!(
            enum_value::<entity::article::Kind>("kind", "question and answer").ok(),
            Some(entity::article::Kind::QuestionAndAnswer)
        );
        let e = enum_value::<entity::article::Kind>("kind", "poem")
            .err()
            .unwrap_or_else(|| panic!("poem is no kind"));
        assert!(format!("{e:?}").contains("INTERVIEW"), "{e:?}");
    }
}
