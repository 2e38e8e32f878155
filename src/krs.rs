//! Court-register extracts (issue 18): the current extract (`odpis aktualny`) of
//! the register of entrepreneurs (rejestr P) of the National Court Register, as
//! the KRS open API of the Ministry of Justice gives it in JSON, read from files.
//! An operator fetches one with
//!
//! ```sh
//! curl -o 0000123456.json 'https://api-krs.ms.gov.pl/api/krs/OdpisAktualny/0000123456?rejestr=P&format=json'
//! ```
//!
//! and loads it with `coophub import krs 0000123456.json` (a moderator over the
//! API: `importKrsExtracts`). An extract becomes one row of the bulk import
//! (`import`), whose rules and all-or-nothing write it follows, with the
//! register as the facts' source.
//!
//! What is read, by the structure of the API's document:
//! - `odpis.naglowekA`: `rejestr` (must be `RejP`), `numerKRS`, `stanZDnia` (the
//!   date the extract states the register as of), `dataRejestracjiWKRS`, and a
//!   deletion date (`dataWykreslenia…`) when the entity was struck off;
//! - `odpis.dane.dzial1.danePodmiotu`: `formaPrawna`, `nazwa`, `identyfikatory`
//!   (`nip`, `regon`; the register writes a 9-digit REGON padded to 14 digits);
//! - `odpis.dane.dzial1.siedzibaIAdres`: the seat (`wojewodztwo`, `powiat`,
//!   `gmina`, `miejscowosc`), mapped to a TERYT gmina by name, and the address;
//! - `odpis.dane.dzial3.przedmiotDzialalnosci`: the predominant activity first,
//!   then the others, as PKD subclasses (`kodDzial`.`kodKlasa`.`kodPodklasa`);
//! - `odpis.dane.dzial6`: liquidation (`likwidacja`), bankruptcy
//!   (`postepowanieUpadlosciowe`) and deletion.
//!
//! Only social cooperatives are accepted: the legal form a cooperative has in the
//! register is "spółdzielnia" (§ 74 of the Minister of Justice's regulation on
//! keeping the KRS registers, Dz.U. 2014 poz. 1667), and a social cooperative's
//! name contains "spółdzielnia socjalna" (art. 3 of the Act of 27 April 2006 on
//! social cooperatives, consolidated text Dz.U. 2026 poz. 48). Anything else is
//! refused with the form and name it has.

use crate::error::AppResult;
use crate::import::{self, Line, Outcome, Problem, Report, Row};
use crate::search::fold;
use chrono::NaiveDate;
use entity::audit_entry::Source;
use entity::cooperative;
use entity::cooperative::Status;
use entity::local_government::{self, Kind};
use sea_orm::{ActiveEnum, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The facts coophub reads from an extract.
#[derive(Debug, Clone, PartialEq)]
pub struct Extract {
    pub krs: String,
    pub name: String,
    pub nip: Option<String>,
    pub regon: Option<String>,
    pub registered_on: Option<NaiveDate>,
    /// The date the extract states the register as of.
    pub as_of: Option<NaiveDate>,
    pub voivodeship: String,
    pub powiat: String,
    pub gmina: String,
    pub locality: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// PKD subclasses, the predominant activity first.
    pub pkd: Vec<String>,
    pub status: Status,
}

/// A text field, trimmed; None when absent or empty.
fn text(v: &Value, path: &[&str]) -> Option<String> {
    let mut at = v;
    for key in path {
        at = at.get(key)?;
    }
    match at {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Whether a section holds anything (an entry in dział 6 is an object or a list).
fn filled(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Object(o)) => !o.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Bool(b)) => *b,
        _ => false,
    }
}

/// A register date, `DD.MM.YYYY`.
fn date(s: Option<String>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s?.get(..10)?, "%d.%m.%Y").ok()
}

/// Reads an extract; an extract of something other than a social cooperative, or
/// a document that is not a current extract of the register of entrepreneurs, is
/// refused with the reason.
pub fn parse(json: &str) -> Result<Extract, String> {
    let doc: Value = serde_json::from_str(json)
        .map_err(|e| format!("not JSON ({e}): save the API's answer as it comes"))?;
    let odpis = doc
        .get("odpis")
        .ok_or("not a KRS extract: it has no `odpis`")?;
    if let Some(kind) = text(odpis, &["rodzaj"]) {
        if fold(&kind) != "aktualny" {
            return Err(format!(
                "a `{kind}` extract: coophub reads the current one (odpis aktualny, OdpisAktualny in the API)"
            ));
        }
    }
    let head = odpis.get("naglowekA").unwrap_or(&Value::Null);
    let register = text(head, &["rejestr"]).unwrap_or_default();
    if register != "RejP" {
        return Err(format!(
            "an extract of register `{register}`: cooperatives are in the register of entrepreneurs (RejP, rejestr=P)"
        ));
    }
    let krs = text(head, &["numerKRS"]).ok_or("the extract has no `numerKRS`")?;
    let dane = odpis.get("dane").unwrap_or(&Value::Null);
    let entity = &dane["dzial1"]["danePodmiotu"];
    let form = text(entity, &["formaPrawna"]).unwrap_or_default();
    let name = text(entity, &["nazwa"]).ok_or("the extract has no name (`nazwa`)")?;
    let folded_form = fold(&form);
    let folded_name = fold(&name);
    let cooperative =
        folded_form == "spoldzielnia" || folded_form.contains("spoldzielnia socjalna");
    if !cooperative || !folded_name.contains("spoldzielnia socjalna") {
        return Err(format!(
            "KRS {krs} is not a social cooperative: its legal form is `{form}` and its name `{name}` \
             (a social cooperative is a cooperative whose name says \"spółdzielnia socjalna\", art. 3 \
             of the Act on social cooperatives)"
        ));
    }
    let ids = &entity["identyfikatory"];
    // The register pads a 9-digit REGON with five zeros.
    let regon = text(ids, &["regon"]).map(|r| match r.strip_suffix("00000") {
        Some(nine) if r.len() == 14 => nine.to_owned(),
        _ => r,
    });
    let seat = &dane["dzial1"]["siedzibaIAdres"]["siedziba"];
    let address = &dane["dzial1"]["siedzibaIAdres"]["adres"];
    let street = text(address, &["ulica"]).map(|street| {
        let number = [text(address, &["nrDomu"]), text(address, &["nrLokalu"])]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("/");
        format!("{street} {number}").trim().to_owned()
    });
    let activity = &dane["dzial3"]["przedmiotDzialalnosci"];
    let mut pkd = Vec::new();
    for list in [
        "przedmiotPrzewazajacejDzialalnosci",
        "przedmiotPozostalejDzialalnosci",
    ] {
        for item in activity[list].as_array().into_iter().flatten() {
            if let (Some(d), Some(k), Some(p)) = (
                text(item, &["kodDzial"]),
                text(item, &["kodKlasa"]),
                text(item, &["kodPodklasa"]),
            ) {
                let code = format!("{d}.{k}.{p}");
                if !pkd.contains(&code) {
                    pkd.push(code);
                }
            }
        }
    }
    let section6 = dane.get("dzial6");
    let in_6 = |key: &str| filled(section6.and_then(|s| s.get(key)));
    let status = if text(head, &["dataWykresleniaZRejestru"]).is_some()
        || text(head, &["dataWykreslenia"]).is_some()
        || in_6("informacjeOWykresleniu")
    {
        Status::Dissolved
    } else if in_6("postepowanieUpadlosciowe") || folded_name.contains("w upadlosci") {
        Status::Bankrupt
    } else if in_6("likwidacja") || folded_name.contains("w likwidacji") {
        Status::InLiquidation
    } else {
        Status::Active
    };
    let seat_field = |key: &str| text(seat, &[key]).unwrap_or_default();
    Ok(Extract {
        krs,
        name,
        nip: text(ids, &["nip"]),
        regon,
        registered_on: date(text(head, &["dataRejestracjiWKRS"])),
        as_of: date(text(head, &["stanZDnia"])),
        voivodeship: seat_field("wojewodztwo"),
        powiat: seat_field("powiat"),
        gmina: seat_field("gmina"),
        locality: text(seat, &["miejscowosc"]),
        street,
        postal_code: text(address, &["kodPocztowy"]),
        city: text(address, &["miejscowosc"]),
        pkd,
        status,
    })
}

/// TERYT gminas by the names the register gives a seat: voivodeship, powiat, gmina.
pub struct Seats {
    /// (voivodeship, powiat, gmina), folded → the gminas of that name: TERYT and kind.
    by_names: HashMap<(String, String, String), Vec<(String, Kind)>>,
}

impl Seats {
    pub async fn load(db: &DatabaseConnection) -> AppResult<Seats> {
        let units = local_government::Entity::find().all(db).await?;
        let by_id: HashMap<i32, &local_government::Model> =
            units.iter().map(|u| (u.id, u)).collect();
        let mut by_names: HashMap<(String, String, String), Vec<(String, Kind)>> = HashMap::new();
        for g in units.iter().filter(|u| u.teryt.len() == 7) {
            let powiat = g.parent_id.and_then(|p| by_id.get(&p));
            let voivodeship = powiat.and_then(|p| p.parent_id).and_then(|v| by_id.get(&v));
            if let (Some(p), Some(v)) = (powiat, voivodeship) {
                by_names
                    .entry((fold(&v.name), fold(&p.name), fold(&g.name)))
                    .or_default()
                    .push((g.teryt.clone(), g.kind));
            }
        }
        Ok(Seats { by_names })
    }

    /// The TERYT code of an extract's seat. Where a town and the rural gmina
    /// around it share a name (Bochnia: 1201011 and 1201022), a seat in the town
    /// itself is the urban gmina's and any other locality the rural one's.
    pub fn teryt(&self, e: &Extract) -> Result<String, String> {
        let key = (fold(&e.voivodeship), fold(&e.powiat), fold(&e.gmina));
        let found = self.by_names.get(&key).cloned().unwrap_or_default();
        let in_town = e
            .locality
            .as_deref()
            .is_some_and(|l| fold(l) == fold(&e.gmina));
        let pick: Vec<&(String, Kind)> = if found.len() > 1 {
            found
                .iter()
                .filter(|(_, kind)| {
                    let urban = matches!(kind, Kind::GminaMiejska | Kind::GminaMiejskoWiejska);
                    urban == in_town
                })
                .collect()
        } else {
            found.iter().collect()
        };
        match pick.as_slice() {
            [(teryt, _)] => Ok(teryt.clone()),
            [] => Err(format!(
                "no TERYT gmina `{}` in powiat `{}` of voivodeship `{}`",
                e.gmina, e.powiat, e.voivodeship
            )),
            many => Err(format!(
                "the seat `{}` could be any of the gminas {}",
                e.gmina,
                many.iter()
                    .map(|(t, _)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

/// The import row of an extract: the register's facts under the export's column
/// names, the source noted. `founder_kind` (which no extract states) is for a
/// cooperative coophub does not hold yet, and the note says it was given.
pub fn row(line: usize, e: &Extract, seat_teryt: &str, founder_kind: Option<&str>) -> Row {
    let mut cells: BTreeMap<String, String> = BTreeMap::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            cells.insert(k.to_owned(), v);
        }
    };
    put("name", Some(e.name.clone()));
    put("krs", Some(e.krs.clone()));
    put("nip", e.nip.clone());
    put("regon", e.regon.clone());
    put("status", Some(e.status.to_value()));
    put(
        "registrationDate",
        e.registered_on.map(|d| d.format("%Y-%m-%d").to_string()),
    );
    put("seatTeryt", Some(seat_teryt.to_owned()));
    put("street", e.street.clone());
    put("postalCode", e.postal_code.clone());
    put("city", e.city.clone());
    put("pkdCodes", (!e.pkd.is_empty()).then(|| e.pkd.join(";")));
    put("founderKind", founder_kind.map(str::to_owned));
    let as_of = e
        .as_of
        .map(|d| format!(", extract as of {}", d.format("%Y-%m-%d")))
        .unwrap_or_default();
    let given = if founder_kind.is_some() {
        " (founderKind as given at import)"
    } else {
        ""
    };
    Row {
        line,
        cells,
        note: Some(format!("KRS {}{as_of}{given}", e.krs)),
    }
}

/// Imports extracts (their texts, in order: the report's lines are their places
/// from 1) as the bulk import does rows, with the register as their source. An
/// extract that cannot be read, is not a social cooperative's, or whose seat is
/// no TERYT gmina is rejected like a bad row: nothing is written unless
/// `options.partial`.
pub async fn run(
    db: &DatabaseConnection,
    extracts: &[String],
    founder_kind: Option<&str>,
    mut options: import::Options,
) -> AppResult<Report> {
    let seats = Seats::load(db).await?;
    let parsed: Vec<Result<Extract, String>> = extracts.iter().map(|t| parse(t)).collect();
    // The founders' kind given is for new cooperatives only: a held one keeps its own.
    let numbers: Vec<String> = parsed
        .iter()
        .flatten()
        .filter_map(|e| crate::ids::parse_krs(&e.krs).ok())
        .collect();
    let held: HashSet<String> = cooperative::Entity::find()
        .filter(cooperative::Column::Krs.is_in(numbers))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| c.krs)
        .collect();
    let mut rows = Vec::new();
    let mut refused = Vec::new();
    for (i, extract) in parsed.into_iter().enumerate() {
        let line = i + 1;
        let rejected = |name: String, key: String, field: &str, message: String| Line {
            line,
            name,
            key,
            outcome: Outcome::Rejected(vec![Problem {
                field: field.into(),
                message,
            }]),
        };
        match extract {
            Err(reason) => refused.push(rejected(String::new(), String::new(), "extract", reason)),
            Ok(e) => match seats.teryt(&e) {
                Ok(teryt) => {
                    let new = crate::ids::parse_krs(&e.krs).is_ok_and(|k| !held.contains(&k));
                    rows.push(row(line, &e, &teryt, founder_kind.filter(|_| new)));
                }
                Err(reason) => refused.push(rejected(
                    e.name.clone(),
                    format!("KRS {}", e.krs),
                    "seatTeryt",
                    reason,
                )),
            },
        }
    }
    if !refused.is_empty() && !options.partial {
        options.dry_run = true;
    }
    options.source = Some((Source::Register, None));
    let mut report = import::run(db, &rows, options, None).await?;
    report.rejected += refused.len();
    report.lines.extend(refused);
    report.lines.sort_by_key(|l| l.line);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KITCHEN: &str = include_str!("../tests/fixtures/krs/0001990601.json");
    const GARDEN: &str = include_str!("../tests/fixtures/krs/0001990602.json");
    const COMPANY: &str = include_str!("../tests/fixtures/krs/0001990603.json");

    #[test]
    fn an_extract_gives_the_registers_facts() {
        let e = parse(KITCHEN).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.krs, "0001990601");
        assert_eq!(e.regon.as_deref(), Some("356123451"), "the padding dropped");
        assert_eq!(e.nip.as_deref(), Some("6761234507"));
        assert_eq!(e.registered_on, NaiveDate::from_ymd_opt(2021, 3, 15));
        assert_eq!(e.as_of, NaiveDate::from_ymd_opt(2026, 11, 30));
        assert_eq!(e.street.as_deref(), Some("UL. PRZYKŁADOWA 7/2"));
        assert_eq!(e.pkd, ["56.29.Z", "81.21.Z"]);
        assert_eq!(e.status, Status::Active);
        assert_eq!(parse(GARDEN).map(|e| e.status), Ok(Status::InLiquidation));
    }

    #[test]
    fn section_6_and_the_header_decide_the_status() {
        let with = |section6: Value, header: Option<(&str, &str)>| {
            let mut doc: Value = serde_json::from_str(KITCHEN).unwrap_or_default();
            doc["odpis"]["dane"]["dzial6"] = section6;
            if let Some((k, v)) = header {
                doc["odpis"]["naglowekA"][k] = Value::String(v.into());
            }
            parse(&doc.to_string()).map(|e| e.status)
        };
        let bankrupt = serde_json::json!({ "postepowanieUpadlosciowe": [{ "dataOgloszeniaUpadlosci": "01.02.2026" }] });
        assert_eq!(with(bankrupt, None), Ok(Status::Bankrupt));
        assert_eq!(
            with(
                serde_json::json!({}),
                Some(("dataWykresleniaZRejestru", "03.03.2026"))
            ),
            Ok(Status::Dissolved)
        );
        assert_eq!(
            with(serde_json::json!({ "likwidacja": {} }), None),
            Ok(Status::Active)
        );
    }

    #[test]
    fn anything_but_a_social_cooperative_is_refused_with_its_form() {
        let refusal = parse(COMPANY).err().unwrap_or_default();
        assert!(
            refusal.contains("SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ"),
            "{refusal}"
        );
        // A cooperative that is not a social one.
        let housing = KITCHEN.replace(
            "SPÓŁDZIELNIA SOCJALNA „PRZYKŁADOWA KUCHNIA”",
            "SPÓŁDZIELNIA MIESZKANIOWA „PRZYKŁAD”",
        );
        assert!(parse(&housing).is_err());
        let other_register = KITCHEN.replace("\"RejP\"", "\"RejS\"");
        assert!(parse(&other_register)
            .err()
            .unwrap_or_default()
            .contains("RejS"));
    }
}
