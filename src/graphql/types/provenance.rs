//! Where each fact of a cooperative came from (issue 18): read off its audit
//! trail, whose entries record the source of the facts they wrote
//! (`Write::attribute`). Public: a source is a kind (an import, the editor, a
//! moderator), a public note (an imported file's name) and a time, never who.

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};
use entity::audit_entry::{self, Source};
use std::collections::BTreeMap;

/// Where a fact came from.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum FactSource {
    /// The National Court Register: an extract; `note` names the KRS number and
    /// the date the extract states the register as of.
    Register,
    /// A file imported in bulk; `note` names it.
    Import,
    /// The cooperative's own editor.
    Editor,
    /// A moderator or an admin: a direct edit or creation, or a member's proposal
    /// or change request the moderator checked and approved.
    Moderator,
    /// Generated sample data (not a real cooperative's fact).
    Sample,
    /// Recorded before coophub recorded sources.
    Unknown,
}

/// Where one fact of a cooperative or of an offering came from, and when it was recorded.
#[derive(SimpleObject, Clone, Debug, PartialEq)]
pub struct FieldProvenance {
    /// The fact: a cooperative's by the export's column name (`name`, `krs`,
    /// `seatTeryt`, `phone`, …), an offering's by its field's name (`name`,
    /// `priceNote`, `industry`, …).
    pub field: String,
    /// Its source.
    pub source: FactSource,
    /// Which one, where the source has a name: an imported file's name.
    pub note: Option<String>,
    /// When coophub recorded the fact (null for sample data and unknown sources).
    pub recorded_at: Option<DateTime<Utc>>,
}

/// A field of the audit trail by the export's column name: imports record those,
/// edits record database columns.
fn export_name(field: &str) -> Option<&'static str> {
    let camel = match field {
        "street_address" => "street".to_owned(),
        "seat_id" | "seat_teryt" => "seatTeryt".to_owned(),
        _ => {
            let mut out = String::new();
            let mut upper = false;
            for c in field.chars() {
                if c == '_' {
                    upper = true;
                } else if upper {
                    out.extend(c.to_uppercase());
                    upper = false;
                } else {
                    out.push(c);
                }
            }
            out
        }
    };
    crate::import::columns().find(|c| *c == camel)
}

/// Each fact a file carries (the import's columns) that was ever set, with the
/// source of its latest recorded change (every fact of a sample cooperative
/// comes from the generator); `changes` are the cooperative's creations and
/// updates, newest first.
pub fn provenance(is_sample: bool, changes: &[audit_entry::Model]) -> Vec<FieldProvenance> {
    of_fields(is_sample, changes, crate::import::columns(), export_name)
}

/// The fields of an offering its provenance names, by their GraphQL names.
const OFFERING_FIELDS: [&str; 6] = [
    "name",
    "description",
    "kind",
    "industry",
    "radiusKm",
    "priceNote",
];

/// Each fact of an offering that was ever set, with the source of its latest
/// recorded change (an offering of a sample cooperative is sample); `changes`
/// are the offering's creations and updates, newest first.
pub fn offering_provenance(
    is_sample: bool,
    changes: &[audit_entry::Model],
) -> Vec<FieldProvenance> {
    let name = |column: &str| {
        let field = match column {
            "industry_id" => "industry",
            "radius_km" => "radiusKm",
            "price_note" => "priceNote",
            other => other,
        };
        OFFERING_FIELDS.into_iter().find(|f| *f == field)
    };
    of_fields(is_sample, changes, OFFERING_FIELDS.into_iter(), name)
}

/// Each of `fields` with the source of the latest change in `changes` (newest
/// first) that wrote it, `name` reading a recorded field's name as one of them.
fn of_fields(
    is_sample: bool,
    changes: &[audit_entry::Model],
    fields: impl Iterator<Item = &'static str>,
    name: impl Fn(&str) -> Option<&'static str>,
) -> Vec<FieldProvenance> {
    let mut latest: BTreeMap<&'static str, &audit_entry::Model> = BTreeMap::new();
    for entry in changes {
        let recorded: Vec<serde_json::Value> =
            serde_json::from_str(&entry.changes).unwrap_or_default();
        // A creation records its empty fields too: they were never set.
        for f in recorded.iter().filter(|f| f["old"] != f["new"]) {
            if let Some(name) = f["field"].as_str().and_then(&name) {
                latest.entry(name).or_insert(entry);
            }
        }
    }
    fields
        .filter_map(|field| {
            let (source, note, recorded_at) = match latest.get(field) {
                Some(e) => (
                    match e.source {
                        Some(Source::Register) => FactSource::Register,
                        Some(Source::Import) => FactSource::Import,
                        Some(Source::Editor) => FactSource::Editor,
                        Some(Source::Moderator) => FactSource::Moderator,
                        None => FactSource::Unknown,
                    },
                    e.source_note.clone(),
                    Some(e.at),
                ),
                None if is_sample => (FactSource::Sample, None, None),
                None => return None,
            };
            Some(FieldProvenance {
                field: field.to_owned(),
                source,
                note,
                recorded_at,
            })
        })
        .collect()
}

/// Provenance as one line, for a file's `sources` column: the facts grouped by
/// source, e.g. `IMPORT (region.csv, 2026-12-04): name, krs; EDITOR (2026-12-05): phone`.
pub fn summary(items: &[FieldProvenance]) -> String {
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for item in items {
        let mut label = format!("{:?}", item.source).to_uppercase();
        let details: Vec<String> = item
            .note
            .iter()
            .cloned()
            .chain(item.recorded_at.map(|t| t.format("%Y-%m-%d").to_string()))
            .collect();
        if !details.is_empty() {
            label = format!("{label} ({})", details.join(", "));
        }
        match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, fields)) => fields.push(&item.field),
            None => groups.push((label, vec![&item.field])),
        }
    }
    if let [(label, _)] = groups.as_slice() {
        return format!("{label}: all fields");
    }
    groups
        .iter()
        .map(|(label, fields)| format!("{label}: {}", fields.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_groups_fields_by_source() {
        let at = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        let item = |field: &str, source, note: Option<&str>| FieldProvenance {
            field: field.into(),
            source,
            note: note.map(str::to_owned),
            recorded_at: at,
        };
        let items = [
            item("name", FactSource::Import, Some("region.csv")),
            item("phone", FactSource::Editor, None),
            item("krs", FactSource::Import, Some("region.csv")),
        ];
        assert_eq!(
            summary(&items),
            "IMPORT (region.csv, 2026-12-04): name, krs; EDITOR (2026-12-04): phone"
        );
        assert_eq!(
            summary(&items[..1]),
            "IMPORT (region.csv, 2026-12-04): all fields"
        );
    }

    #[test]
    fn edits_and_imports_name_fields_alike() {
        assert_eq!(export_name("public_email"), Some("publicEmail"));
        assert_eq!(export_name("street_address"), Some("street"));
        assert_eq!(export_name("seat_id"), Some("seatTeryt"));
        assert_eq!(export_name("seatTeryt"), Some("seatTeryt"));
        assert_eq!(export_name("version"), None);
        assert_eq!(export_name("profile_confirmed_at"), None);
    }
}
