//! Deterministic sample data. There is no public list of social cooperatives,
//! so coophub generates one: the same seed always gives the same rows, and every
//! row says `is_sample`. Cooperatives are spread over gminy in proportion to
//! their powiat's population; identifiers carry valid checksums.

use super::write::Write;
use crate::db::search::{reindex, Kind};
use crate::ids::{nip_check_digit, regon9_check_digit};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use entity::cooperative::FounderKind;
use entity::cooperative_founder::Kind as FounderOrg;
use entity::procurement_example::Procedure;
use entity::{
    cooperative, cooperative_founder, cooperative_industry, industry, institution,
    local_government, offering, offering_area, procurement_example, procurement_supplier, sector,
    sector_industry,
};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect,
};
use std::collections::{HashMap, HashSet};

/// Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
const CHUNK: usize = 500;

/// How many rows of each kind were written.
#[derive(Debug, Default)]
pub struct SampleReport {
    pub cooperatives: usize,
    pub offerings: usize,
    pub institutions: usize,
    pub procurement_examples: usize,
    pub knowledge: super::sample_knowledge::KnowledgeReport,
}

struct Sector {
    slug: String,
    subclasses: Vec<i32>,
}

struct Place {
    id: i32,
    teryt: String,
    name: String,
    lat: f64,
    lon: f64,
    powiat_id: i32,
    voivodeship_id: i32,
    /// The unit the powiat's records are stored against: the gmina itself in a
    /// city with powiat rights (one local government), else the powiat
    /// (`db::local_government::city_gminas`).
    powiat_records: i32,
}

const NAMES: &[&str] = &[
    "Razem",
    "Nowy Start",
    "Pod Dębem",
    "Zielona Dolina",
    "Smaki Regionu",
    "Porządek",
    "Wspólna Sprawa",
    "Dobra Robota",
    "Złota Rączka",
    "Pomocna Dłoń",
    "Przystań",
    "Horyzont",
    "Kuźnia",
    "Wrzos",
    "Jarzębina",
    "Kalina",
    "Promyk",
    "Tęcza",
    "Arka",
    "Sami Swoi",
    "Dom Pełen Smaków",
    "Czysty Świat",
    "Ogrody Marzeń",
    "Bliżej Ludzi",
    "Opoka",
    "Spichlerz",
    "Młyn",
    "Pracownia",
    "Kolory Życia",
    "Wiklina",
    "Lawenda",
    "Szansa",
    "Perspektywa",
    "Na Fali",
    "Stokrotka",
    "Zaradni",
    "Rękodzieło",
    "Poza Schematem",
    "Wspólnota",
    "Nasz Dom",
    "Dąbrowa",
    "Leśny Zakątek",
    "Sosenka",
    "Zdrowa Kuchnia",
    "Pracowite Pszczółki",
    "Mozaika",
    "Warsztat",
    "Dobry Smak",
    "Pierwszy Krok",
    "Słoneczna",
];

fn offerings_for(slug: &str) -> (&'static [&'static str], offering::Kind) {
    match slug {
        "gastronomy" => (
            &[
                "Obiady domowe",
                "Bar mleczny",
                "Wypieki i ciasta",
                "Kawiarnia społeczna",
            ],
            offering::Kind::Product,
        ),
        "catering" => (
            &[
                "Catering na uroczystości",
                "Posiłki dla szkół i przedszkoli",
                "Catering konferencyjny",
                "Dowóz posiłków dla seniorów",
            ],
            offering::Kind::Service,
        ),
        "cleaning" => (
            &[
                "Sprzątanie biur i urzędów",
                "Utrzymanie czystości klatek schodowych",
                "Mycie okien",
                "Sprzątanie po remontach",
            ],
            offering::Kind::Service,
        ),
        "green-areas" => (
            &[
                "Koszenie terenów zielonych",
                "Pielęgnacja parków i skwerów",
                "Zimowe utrzymanie chodników",
                "Nasadzenia i przycinka drzew",
            ],
            offering::Kind::Service,
        ),
        "care-services" => (
            &[
                "Usługi opiekuńcze w domu",
                "Opieka wytchnieniowa",
                "Asystencja osobista",
                "Dzienny dom seniora",
            ],
            offering::Kind::Service,
        ),
        "construction" => (
            &[
                "Remonty mieszkań komunalnych",
                "Malowanie i tynkowanie",
                "Drobne naprawy w budynkach publicznych",
                "Termomodernizacja",
            ],
            offering::Kind::Service,
        ),
        "tourism" => (
            &[
                "Agroturystyka",
                "Organizacja wycieczek",
                "Pokoje gościnne",
                "Obsługa szlaków turystycznych",
            ],
            offering::Kind::Service,
        ),
        "education" => (
            &[
                "Zajęcia pozalekcyjne",
                "Szkolenia zawodowe",
                "Opieka nad dziećmi do lat 3",
                "Warsztaty edukacyjne",
            ],
            offering::Kind::Service,
        ),
        "culture" => (
            &[
                "Organizacja festynów",
                "Warsztaty artystyczne",
                "Obsługa imprez plenerowych",
                "Teatr społeczny",
            ],
            offering::Kind::Service,
        ),
        "crafts" => (
            &[
                "Rękodzieło artystyczne",
                "Szycie odzieży roboczej",
                "Meble z drewna",
                "Upominki regionalne",
            ],
            offering::Kind::Product,
        ),
        "printing-it" => (
            &[
                "Druk materiałów promocyjnych",
                "Projektowanie graficzne",
                "Strony internetowe",
                "Obsługa informatyczna",
            ],
            offering::Kind::Service,
        ),
        "transport" => (
            &[
                "Przewóz osób niepełnosprawnych",
                "Usługi kurierskie",
                "Transport towarów",
                "Dowóz dzieci do szkół",
            ],
            offering::Kind::Service,
        ),
        "laundry" => (
            &[
                "Pranie i maglowanie",
                "Pranie odzieży roboczej",
                "Pralnia dla szpitali i DPS",
                "Naprawa odzieży",
            ],
            offering::Kind::Service,
        ),
        _ => (
            &[
                "Przetwory owocowe",
                "Warzywa z upraw ekologicznych",
                "Miód i produkty pszczele",
                "Pieczywo tradycyjne",
            ],
            offering::Kind::Product,
        ),
    }
}

const PROCEDURES: &[(Procedure, u32)] = &[
    (Procedure::ReservedContractArt94, 30),
    (Procedure::SocialClause, 20),
    (Procedure::BelowThreshold, 25),
    (Procedure::SocialServicesRegime, 8),
    (Procedure::PublicTaskCommissioning, 8),
    (Procedure::InHouse, 4),
    (Procedure::Other, 5),
];

const LESSONS: &[&str] = &[
    "Zastrzeżenie zamówienia (art. 94 PZP) sprawiło, że oferty złożyły wyłącznie podmioty ekonomii społecznej z regionu.",
    "Podział zamówienia na części pozwolił małej spółdzielni złożyć ofertę na jedną z nich.",
    "Dialog techniczny przed ogłoszeniem pomógł urzędowi opisać przedmiot zamówienia realistycznie.",
    "Klauzula zatrudnienia osób bezrobotnych przełożyła się na trzy nowe etaty w spółdzielni.",
    "Umowa wieloletnia dała spółdzielni stabilność i pozwoliła zainwestować w sprzęt.",
    "Kryterium społeczne w ocenie ofert (20%) przeważyło nad minimalnie niższą ceną konkurenta.",
    "Wspólne wystąpienie dwóch spółdzielni w konsorcjum pozwoliło spełnić warunek doświadczenia.",
    "Rozliczanie w transzach miesięcznych ułatwiło spółdzielni utrzymanie płynności finansowej.",
];

const INSTITUTION_KINDS: &[(institution::Kind, &str)] = &[
    (institution::Kind::LabourOffice, "Powiatowy Urząd Pracy w"),
    (
        institution::Kind::SocialAssistanceCentre,
        "Ośrodek Pomocy Społecznej w",
    ),
    (
        institution::Kind::Pcpr,
        "Powiatowe Centrum Pomocy Rodzinie w",
    ),
    (institution::Kind::Cis, "Centrum Integracji Społecznej w"),
    (institution::Kind::Kis, "Klub Integracji Społecznej w"),
    (
        institution::Kind::Owes,
        "Ośrodek Wsparcia Ekonomii Społecznej w",
    ),
    (
        institution::Kind::Rops,
        "Regionalny Ośrodek Polityki Społecznej —",
    ),
    (
        institution::Kind::Ngo,
        "Stowarzyszenie na rzecz Rozwoju Lokalnego w",
    ),
];

fn pick_weighted<'a, T>(rng: &mut fastrand::Rng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut r = rng.u32(0..total.max(1));
    for (item, w) in items {
        if r < *w {
            return item;
        }
        r -= w;
    }
    &items[items.len() - 1].0
}

fn slugify(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ą' | 'Ą' => 'a',
            'ć' | 'Ć' => 'c',
            'ę' | 'Ę' => 'e',
            'ł' | 'Ł' => 'l',
            'ń' | 'Ń' => 'n',
            'ó' | 'Ó' => 'o',
            'ś' | 'Ś' => 's',
            'ź' | 'Ź' | 'ż' | 'Ż' => 'z',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => '-',
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The first sample KRS number: the register has not reached a million and a
/// quarter, so numbers from nine million are nobody's for decades.
pub const SAMPLE_KRS_FROM: usize = 9_000_000;

/// A valid, unique NIP for sample row `i`, starting with 000 or 001, which is no
/// tax office's code, so that no real taxpayer's number appears: within each
/// window of 11 consecutive bases at most one has no check digit, so the search
/// never leaves the window.
fn sample_nip(i: usize) -> String {
    let base = i as u64 * 11;
    (0..11)
        .find_map(|k| {
            let n = base + k;
            let s = format!("{n:09}");
            let mut d = [0u32; 9];
            for (j, c) in s.chars().enumerate() {
                d[j] = c.to_digit(10).unwrap_or(0);
            }
            nip_check_digit(&d).map(|c| format!("{s}{c}"))
        })
        .unwrap_or_default()
}

/// A valid, unique REGON for sample row `i`, starting with 00, which is no
/// voivodeship's code, so that no real entity's number appears.
fn sample_regon(i: usize) -> String {
    let s = format!("{:08}", 1 + i);
    let mut d = [0u32; 8];
    for (j, c) in s.chars().enumerate() {
        d[j] = c.to_digit(10).unwrap_or(0);
    }
    format!("{s}{}", regon9_check_digit(&d))
}

fn progress(len: usize, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{msg:>24} [{bar:40}] {pos}/{len} ({eta})") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_owned());
    pb
}

/// Replaces all sample rows with a freshly generated set of `n` cooperatives.
pub async fn seed(db: &DatabaseConnection, n: usize, seed: u64) -> Result<SampleReport> {
    anyhow::ensure!(n > 0, "--cooperatives must be at least 1");
    let mut rng = fastrand::Rng::with_seed(seed);
    let txn = Write::begin(db).await?;
    delete_sample(&txn).await?;
    let (gminy, weights) = load_places(&txn).await?;
    anyhow::ensure!(
        !gminy.is_empty(),
        "no local governments: run `coophub import reference` first"
    );
    let sectors = load_sectors(&txn).await?;
    anyhow::ensure!(
        !sectors.is_empty(),
        "no sectors: run `coophub import reference` first"
    );
    let mut report = SampleReport::default();
    // Fields added later draw from their own stream, so earlier fields keep their values.
    let mut evidence_rng = fastrand::Rng::with_seed(seed ^ 0x00e1_1d3c);
    // Its own stream, so that the draws above stay what they were.
    let mut members_rng = fastrand::Rng::with_seed(seed ^ 0x0005_1a4e);
    let now = chrono::Utc::now();

    // Cooperatives.
    let pb = progress(n, "cooperatives");
    // Names as real ones are: no numbers appended. Many cooperatives share a
    // name, as in the register; within one gmina a name is taken once while
    // another is free.
    let mut names_in_gmina: HashSet<(usize, usize)> = HashSet::new();
    let mut coops = Vec::with_capacity(n);
    let mut coop_meta = Vec::with_capacity(n); // (place index, sector index)
    for i in 0..n {
        let place = pick_weighted(&mut rng, &weights);
        let g = &gminy[*place];
        let sector_ix = rng.usize(0..sectors.len());
        let drawn = rng.usize(0..NAMES.len());
        let free = (0..NAMES.len())
            .map(|k| (drawn + k) % NAMES.len())
            .find(|k| !names_in_gmina.contains(&(*place, *k)))
            .unwrap_or(drawn);
        names_in_gmina.insert((*place, free));
        let base = NAMES[free];
        let name = format!("Spółdzielnia Socjalna „{base}”");
        let status = *pick_weighted(
            &mut rng,
            &[
                (cooperative::Status::Active, 85),
                (cooperative::Status::Suspended, 6),
                (cooperative::Status::InLiquidation, 6),
                (cooperative::Status::Dissolved, 3),
            ],
        );
        let founder_kind = *pick_weighted(
            &mut rng,
            &[
                // As the Act has it (art. 4 and 5): natural or legal persons, not both.
                (FounderKind::NaturalPersons, 82),
                (FounderKind::LegalPersons, 18),
            ],
        );
        let slug = format!("{}-{}", slugify(base), i + 1);
        let drawn = NaiveDate::from_ymd_opt(2006 + rng.i32(0..20), rng.u32(1..13), rng.u32(1..29));
        // Legal persons found social cooperatives from 16 July 2009 (art. 4 as
        // amended in 2009): an earlier date moves to that day.
        let registered = match (founder_kind, drawn) {
            (FounderKind::LegalPersons, Some(d)) => {
                NaiveDate::from_ymd_opt(2009, 7, 16).map(|from| d.max(from))
            }
            _ => drawn,
        };
        coops.push(cooperative::ActiveModel {
            name: Set(name),
            krs: Set(Some(format!("{:010}", SAMPLE_KRS_FROM + i))),
            nip: Set(Some(sample_nip(i))),
            regon: Set(Some(sample_regon(i))),
            registration_date: Set(registered),
            status: Set(status),
            founder_kind: Set(founder_kind),
            street_address: Set(Some(format!("ul. Spółdzielcza {}", rng.u32(1..120)))),
            postal_code: Set(Some(format!(
                "{:02}-{:03}",
                rng.u32(0..100),
                rng.u32(0..1000)
            ))),
            city: Set(Some(g.name.clone())),
            seat_id: Set(g.id),
            seat_teryt: Set(g.teryt.clone()),
            latitude: Set(Some(g.lat + (rng.f64() - 0.5) * 0.04)),
            longitude: Set(Some(g.lon + (rng.f64() - 0.5) * 0.06)),
            phone: Set(Some(format!(
                "+48 {} {:03} {:03}",
                rng.u32(500..900),
                rng.u32(0..1000),
                rng.u32(0..1000)
            ))),
            public_email: Set(Some(format!("biuro@{slug}.example.org"))),
            website: Set(Some(format!("https://{slug}.example.org"))),
            description: Set(Some(format!(
                "Przykładowa spółdzielnia socjalna (dane generowane) z gminy {}, branża: {}.",
                g.name, sectors[sector_ix].slug
            ))),
            member_count: Set(Some(rng.i32(5..51))),
            employee_count: Set(Some(rng.i32(2..61))),
            is_sample: Set(true),
            // Evidence for `activity`: 45 % confirmed within a year, 25 % one to four years ago, 30 % never.
            profile_confirmed_at: Set(match evidence_rng.u8(0..100) {
                0..45 => Some(now - chrono::Duration::days(evidence_rng.i64(1..365))),
                45..70 => Some(now - chrono::Duration::days(evidence_rng.i64(365..1460))),
                _ => None,
            }),
            // Declared employment share for art. 94: 60 % declare 30–90 %, 5 % below 30 %, 35 % nothing.
            excluded_employee_share: Set(match evidence_rng.u8(0..100) {
                0..60 => Some(evidence_rng.i16(30..91)),
                60..65 => Some(evidence_rng.i16(10..30)),
                _ => None,
            }),
            // Members from the groups of art. 4 ust. 1 of the Act (people, so for
            // cooperatives of natural persons): 70 % declare a share, within the
            // Act's rule (at least half, art. 5 ust. 6).
            excluded_member_share: Set((founder_kind == FounderKind::NaturalPersons
                && members_rng.u8(0..100) < 70)
                .then(|| members_rng.i16(50..101))),
            ..Default::default()
        });
        coop_meta.push((*place, sector_ix));
    }
    for chunk in coops.chunks(CHUNK) {
        cooperative::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
        pb.inc(chunk.len() as u64);
    }
    pb.finish();
    report.cooperatives = n;
    let coop_ids = sample_ids(&txn).await?;
    anyhow::ensure!(
        coop_ids.len() == n,
        "expected {n} sample cooperatives, found {}",
        coop_ids.len()
    );

    // Industries, offerings, areas served, founders.
    let pb = progress(n, "offerings");
    let mut links = Vec::new();
    let mut offers = Vec::new();
    let mut areas: Vec<(usize, i32)> = Vec::new(); // (offering index, local government id)
    let mut founders = Vec::new();
    for (i, &(place, sector_ix)) in coop_meta.iter().enumerate() {
        let coop_id = coop_ids[i];
        let g = &gminy[place];
        let sector = &sectors[sector_ix];
        let primary = sector.subclasses[rng.usize(0..sector.subclasses.len())];
        links.push(cooperative_industry::ActiveModel {
            cooperative_id: Set(coop_id),
            industry_id: Set(primary),
            is_primary: Set(true),
        });
        let other = &sectors[rng.usize(0..sectors.len())];
        let second = other.subclasses[rng.usize(0..other.subclasses.len())];
        if second != primary && rng.bool() {
            links.push(cooperative_industry::ActiveModel {
                cooperative_id: Set(coop_id),
                industry_id: Set(second),
                is_primary: Set(false),
            });
        }
        let (names, kind) = offerings_for(&sector.slug);
        for k in 0..rng.usize(2..7) {
            let name = names[(k + i) % names.len()];
            let by_radius = rng.u8(0..3) > 0;
            offers.push(offering::ActiveModel {
                cooperative_id: Set(coop_id),
                name: Set(if k < names.len() {
                    name.to_owned()
                } else {
                    format!("{name} (pakiet rozszerzony)")
                }),
                description: Set(Some(format!(
                    "{name} — oferta przykładowa (dane generowane), gmina {}.",
                    g.name
                ))),
                kind: Set(kind),
                industry_id: Set(Some(primary)),
                radius_km: Set(by_radius.then(|| f64::from(rng.u32(1..9) * 10))),
                price_note: Set(Some(
                    [
                        "wycena indywidualna",
                        "cena do negocjacji",
                        "od 25 zł za osobę",
                        "stawka godzinowa od 45 zł",
                    ][rng.usize(0..4)]
                    .to_owned(),
                )),
                ..Default::default()
            });
            if !by_radius {
                areas.push((
                    offers.len() - 1,
                    if rng.bool() { g.id } else { g.powiat_id },
                ));
            }
        }
        if founder_kind_has_legal(&coops[i]) {
            let (kind, lg, fname) = match rng.u8(0..4) {
                0 | 1 => (
                    FounderOrg::LocalGovernment,
                    Some(g.id),
                    format!("Gmina {}", g.name),
                ),
                2 => (
                    FounderOrg::Ngo,
                    None,
                    format!("Stowarzyszenie „Aktywni” w gminie {}", g.name),
                ),
                _ => (
                    FounderOrg::ChurchLegalPerson,
                    None,
                    format!("Parafia rzymskokatolicka w gminie {}", g.name),
                ),
            };
            let founder = |kind, lg, name| cooperative_founder::ActiveModel {
                cooperative_id: Set(coop_id),
                kind: Set(kind),
                local_government_id: Set(lg),
                name: Set(name),
                ..Default::default()
            };
            founders.push(founder(kind, lg, fname));
            if kind == FounderOrg::LocalGovernment && rng.u8(0..3) == 0 && g.powiat_records != g.id
            {
                founders.push(founder(
                    FounderOrg::LocalGovernment,
                    Some(g.powiat_id),
                    "Powiat (współzałożyciel)".to_owned(),
                ));
            } else {
                // At least two legal persons found one (art. 5): the gmina with an
                // association or a parish, an association with the gmina.
                let (kind, lg, fname) = if kind == FounderOrg::LocalGovernment {
                    (
                        FounderOrg::Ngo,
                        None,
                        format!("Stowarzyszenie „Razem” w gminie {}", g.name),
                    )
                } else {
                    (
                        FounderOrg::LocalGovernment,
                        Some(g.id),
                        format!("Gmina {}", g.name),
                    )
                };
                founders.push(founder(kind, lg, fname));
            }
        }
        pb.inc(1);
    }
    for chunk in links.chunks(CHUNK) {
        cooperative_industry::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in founders.chunks(CHUNK) {
        cooperative_founder::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let first_offer = next_id::<offering::Entity, _>(&txn, offering::Column::Id).await?;
    for chunk in offers.chunks(CHUNK) {
        offering::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    report.offerings = offers.len();
    let offer_ids =
        ids_from::<offering::Entity, _>(&txn, offering::Column::Id, first_offer).await?;
    anyhow::ensure!(offer_ids.len() == offers.len(), "offering ids out of step");
    let area_rows: Vec<_> = areas
        .iter()
        .map(|(ix, lg)| offering_area::ActiveModel {
            offering_id: Set(offer_ids[*ix]),
            local_government_id: Set(*lg),
        })
        .collect();
    for chunk in area_rows.chunks(CHUNK) {
        offering_area::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    pb.finish();

    // Institutions: about one per five cooperatives, placed where cooperatives are.
    let n_inst = (n / 5).max(1);
    let mut insts = Vec::with_capacity(n_inst);
    for k in 0..n_inst {
        let (place, _) = coop_meta[rng.usize(0..n)];
        let g = &gminy[place];
        let (kind, prefix) = INSTITUTION_KINDS[rng.usize(0..INSTITUTION_KINDS.len())];
        let lg = match kind {
            institution::Kind::LabourOffice | institution::Kind::Pcpr => g.powiat_records,
            institution::Kind::Rops | institution::Kind::Owes => g.voivodeship_id,
            _ => g.id,
        };
        insts.push(institution::ActiveModel {
            name: Set(format!("{prefix} {} (przykład {})", g.name, k + 1)),
            kind: Set(kind),
            local_government_id: Set(lg),
            address: Set(Some(format!("ul. Urzędowa {}, {}", rng.u32(1..60), g.name))),
            phone: Set(Some(format!(
                "+48 {} {:03} {:03}",
                rng.u32(12..99),
                rng.u32(0..1000),
                rng.u32(0..1000)
            ))),
            public_email: Set(Some(format!(
                "sekretariat@instytucja-{}.example.org",
                k + 1
            ))),
            website: Set(Some(format!("https://instytucja-{}.example.org", k + 1))),
            is_sample: Set(true),
            ..Default::default()
        });
    }
    for chunk in insts.chunks(CHUNK) {
        institution::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    report.institutions = n_inst;

    // Procurement examples: a cooperative's own gmina or powiat buys what it offers.
    let n_proc = (n / 5).max(1);
    let first_proc =
        next_id::<procurement_example::Entity, _>(&txn, procurement_example::Column::Id).await?;
    let mut procs = Vec::with_capacity(n_proc);
    let mut suppliers = Vec::with_capacity(n_proc);
    for _ in 0..n_proc {
        let lead = rng.usize(0..n);
        let (place, sector_ix) = coop_meta[lead];
        let g = &gminy[place];
        let (names, _) = offerings_for(&sectors[sector_ix].slug);
        let by_powiat = rng.u8(0..3) == 0;
        let procedure = *pick_weighted(&mut rng, PROCEDURES);
        let value = match procedure {
            Procedure::BelowThreshold => rng.i64(500_000..13_000_000),
            _ => rng.i64(2_000_000..80_000_000),
        };
        // Drawn in the order they always were, so that the sample stays the same.
        let subject = format!(
            "{} — zamówienie przykładowe (dane generowane)",
            names[rng.usize(0..names.len())]
        );
        let year = 2012 + rng.i32(0..14);
        // A reserved contract before 2021 was the 2004 law's (`law`).
        let procedure = match procedure {
            Procedure::ReservedContractArt94 if year < crate::law::PZP_2019_FROM => {
                Procedure::ReservedContractArt22
            }
            p => p,
        };
        procs.push(procurement_example::ActiveModel {
            buyer_id: Set(if by_powiat { g.powiat_records } else { g.id }),
            subject: Set(subject),
            industry_id: Set(Some(sectors[sector_ix].subclasses[0])),
            procedure: Set(procedure),
            value_grosze: Set(Some(value)),
            year: Set(year),
            outcome: Set(Some(
                "Umowa zrealizowana zgodnie z harmonogramem.".to_owned(),
            )),
            lessons: Set(Some(LESSONS[rng.usize(0..LESSONS.len())].to_owned())),
            source: Set(Some(
                "coophub sample data (generated, not a real purchase)".to_owned(),
            )),
            is_sample: Set(true),
            // Sample examples stand for verified ones: they are what the public lists show.
            verified: Set(true),
            ..Default::default()
        });
        let partner = rng.usize(0..n);
        suppliers.push((
            procs.len() - 1,
            coop_ids[lead],
            (partner != lead && rng.u8(0..5) == 0).then(|| coop_ids[partner]),
        ));
    }
    for chunk in procs.chunks(CHUNK) {
        procurement_example::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let proc_ids = ids_from::<procurement_example::Entity, _>(
        &txn,
        procurement_example::Column::Id,
        first_proc,
    )
    .await?;
    anyhow::ensure!(proc_ids.len() == procs.len(), "procurement ids out of step");
    let mut supplier_rows = Vec::new();
    for (ix, lead, partner) in suppliers {
        supplier_rows.push(procurement_supplier::ActiveModel {
            procurement_example_id: Set(proc_ids[ix]),
            cooperative_id: Set(lead),
            role: Set(procurement_supplier::Role::Lead),
        });
        if let Some(p) = partner {
            supplier_rows.push(procurement_supplier::ActiveModel {
                procurement_example_id: Set(proc_ids[ix]),
                cooperative_id: Set(p),
                role: Set(procurement_supplier::Role::ConsortiumMember),
            });
        }
    }
    for chunk in supplier_rows.chunks(CHUNK) {
        procurement_supplier::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    report.procurement_examples = n_proc;
    report.knowledge = super::sample_knowledge::seed(&txn).await?;
    let pb = progress(5, "search index");
    for kind in [
        Kind::Cooperative,
        Kind::Offering,
        Kind::Procurement,
        Kind::Institution,
        // Drops the tokens of the sample articles replaced above.
        Kind::Article,
    ] {
        reindex(&txn, kind, None).await?;
        pb.inc(1);
    }
    pb.finish();
    txn.commit().await?;
    // Fresh statistics, so the planners pick the search indexes.
    db.execute_unprepared("ANALYZE").await?;
    Ok(report)
}

fn founder_kind_has_legal(c: &cooperative::ActiveModel) -> bool {
    matches!(&c.founder_kind, sea_orm::ActiveValue::Set(k) if *k != FounderKind::NaturalPersons)
}

/// Deletes every sample row and what hangs off it, children first.
async fn delete_sample<C: ConnectionTrait>(db: &C) -> Result<()> {
    use sea_orm::sea_query::{ExprTrait, Query};
    let sample_coops = Query::select()
        .column(cooperative::Column::Id)
        .from(cooperative::Entity)
        .and_where(cooperative::Column::IsSample.eq(true))
        .to_owned();
    let sample_procs = Query::select()
        .column(procurement_example::Column::Id)
        .from(procurement_example::Entity)
        .and_where(procurement_example::Column::IsSample.eq(true))
        .to_owned();
    let sample_offers = Query::select()
        .column(offering::Column::Id)
        .from(offering::Entity)
        .and_where(offering::Column::CooperativeId.in_subquery(sample_coops.clone()))
        .to_owned();
    super::sample_knowledge::delete(db, sample_coops.clone(), sample_procs.clone()).await?;
    // A legal case about a sample cooperative keeps its question, not the link.
    entity::legal_case::Entity::update_many()
        .col_expr(
            entity::legal_case::Column::CooperativeId,
            sea_orm::sea_query::Expr::value(Option::<i32>::None),
        )
        .filter(entity::legal_case::Column::CooperativeId.in_subquery(sample_coops.clone()))
        .exec(db)
        .await?;
    procurement_supplier::Entity::delete_many()
        .filter(
            procurement_supplier::Column::ProcurementExampleId
                .in_subquery(sample_procs)
                .or(procurement_supplier::Column::CooperativeId.in_subquery(sample_coops.clone())),
        )
        .exec(db)
        .await?;
    procurement_example::Entity::delete_many()
        .filter(procurement_example::Column::IsSample.eq(true))
        .exec(db)
        .await?;
    offering_area::Entity::delete_many()
        .filter(offering_area::Column::OfferingId.in_subquery(sample_offers))
        .exec(db)
        .await?;
    offering::Entity::delete_many()
        .filter(offering::Column::CooperativeId.in_subquery(sample_coops.clone()))
        .exec(db)
        .await?;
    cooperative_industry::Entity::delete_many()
        .filter(cooperative_industry::Column::CooperativeId.in_subquery(sample_coops.clone()))
        .exec(db)
        .await?;
    cooperative_founder::Entity::delete_many()
        .filter(cooperative_founder::Column::CooperativeId.in_subquery(sample_coops.clone()))
        .exec(db)
        .await?;
    // Claims and requests on sample cooperatives and the editor roles they granted go with them.
    entity::claim::Entity::delete_many()
        .filter(entity::claim::Column::CooperativeId.in_subquery(sample_coops.clone()))
        .exec(db)
        .await?;
    entity::cooperative_request::Entity::delete_many()
        .filter(
            entity::cooperative_request::Column::CooperativeId.in_subquery(sample_coops.clone()),
        )
        .exec(db)
        .await?;
    entity::user_role::Entity::delete_many()
        .filter(entity::user_role::Column::CooperativeId.in_subquery(sample_coops))
        .exec(db)
        .await?;
    cooperative::Entity::delete_many()
        .filter(cooperative::Column::IsSample.eq(true))
        .exec(db)
        .await?;
    institution::Entity::delete_many()
        .filter(institution::Column::IsSample.eq(true))
        .exec(db)
        .await?;
    Ok(())
}

async fn sample_ids<C: ConnectionTrait>(db: &C) -> Result<Vec<i32>> {
    let mut rows: Vec<(i32, String)> = cooperative::Entity::find()
        .select_only()
        .columns([cooperative::Column::Id, cooperative::Column::Krs])
        .filter(cooperative::Column::IsSample.eq(true))
        .into_tuple::<(i32, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, krs)| krs.map(|k| (id, k)))
        .collect();
    // Sample KRS numbers are SAMPLE_KRS_FROM + i, so sorting by KRS restores generation order.
    rows.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(rows.into_iter().map(|(id, _)| id).collect())
}

async fn next_id<E: EntityTrait, C: ConnectionTrait>(db: &C, col: E::Column) -> Result<i32> {
    let max: Option<Option<i32>> = E::find()
        .select_only()
        .column_as(col.max(), "m")
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0) + 1)
}

/// Ids at or above `from`, ascending: rows inserted in one transaction after `next_id`.
async fn ids_from<E: EntityTrait, C: ConnectionTrait>(
    db: &C,
    col: E::Column,
    from: i32,
) -> Result<Vec<i32>>
where
    E::Column: ColumnTrait,
{
    let mut ids: Vec<i32> = E::find()
        .select_only()
        .column(col)
        .filter(col.gte(from))
        .into_tuple()
        .all(db)
        .await?;
    ids.sort_unstable();
    Ok(ids)
}

async fn load_places<C: ConnectionTrait>(db: &C) -> Result<(Vec<Place>, Vec<(usize, u32)>)> {
    let all = local_government::Entity::find().all(db).await?;
    let by_id: HashMap<i32, &local_government::Model> = all.iter().map(|u| (u.id, u)).collect();
    let mut gminy: Vec<&local_government::Model> =
        all.iter().filter(|u| u.teryt.len() == 7).collect();
    gminy.sort_by(|a, b| a.teryt.cmp(&b.teryt));
    let mut per_powiat: HashMap<i32, u32> = HashMap::new();
    for g in &gminy {
        *per_powiat
            .entry(g.parent_id.unwrap_or_default())
            .or_default() += 1;
    }
    let mut places = Vec::with_capacity(gminy.len());
    let mut weights = Vec::with_capacity(gminy.len());
    for (ix, g) in gminy.iter().enumerate() {
        let powiat = g
            .parent_id
            .and_then(|p| by_id.get(&p))
            .context("gmina without powiat")?;
        let woj = powiat.parent_id.context("powiat without voivodeship")?;
        // Powiat population shared equally among its gminy (no gmina population is shipped).
        let share =
            powiat.population.unwrap_or(50_000) as u64 / u64::from(per_powiat[&powiat.id].max(1));
        weights.push((ix, share.clamp(1, u64::from(u32::MAX / 4096)) as u32));
        places.push(Place {
            id: g.id,
            teryt: g.teryt.clone(),
            name: g.name.clone(),
            lat: g.latitude,
            lon: g.longitude,
            powiat_id: powiat.id,
            voivodeship_id: woj,
            powiat_records: if powiat.kind == local_government::Kind::MiastoNaPrawachPowiatu {
                g.id
            } else {
                powiat.id
            },
        });
    }
    Ok((places, weights))
}

async fn load_sectors<C: ConnectionTrait>(db: &C) -> Result<Vec<Sector>> {
    let industries = industry::Entity::find().all(db).await?;
    let by_id: HashMap<i32, &industry::Model> = industries.iter().map(|i| (i.id, i)).collect();
    let links = sector_industry::Entity::find().all(db).await?;
    let mut out = Vec::new();
    let mut sectors = sector::Entity::find().all(db).await?;
    sectors.sort_by_key(|s| s.id);
    for s in sectors {
        let roots: Vec<&str> = links
            .iter()
            .filter(|l| l.sector_id == s.id)
            .filter_map(|l| by_id.get(&l.industry_id).map(|i| i.path.as_str()))
            .collect();
        let mut subclasses: Vec<(&str, i32)> = industries
            .iter()
            .filter(|i| {
                i.level == industry::Level::Subclass
                    && roots
                        .iter()
                        .any(|r| i.path.starts_with(&format!("{r}/")) || i.path == *r)
            })
            .map(|i| (i.code.as_str(), i.id))
            .collect();
        subclasses.sort();
        if !subclasses.is_empty() {
            out.push(Sector {
                slug: s.slug,
                subclasses: subclasses.into_iter().map(|(_, id)| id).collect(),
            });
        }
    }
    Ok(out)
}
