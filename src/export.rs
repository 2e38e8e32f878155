//! Cooperative exports as CSV, JSON and GeoJSON, for `GET /export/cooperatives.*`
//! and `coophub export cooperatives`: the same filter as `cooperatives(filter:)`,
//! the same bytes on both surfaces, in constant memory.
//!
//! A producer task reads the selected cooperatives 500 at a time (keyset pages over
//! `cooperative.id` for plain filters; the ranked id list of `db::directory` for
//! words, places and areas served), loads what each chunk needs in a few batch
//! queries, and sends the encoded chunk into a bounded channel. The HTTP body and
//! the command line drain that channel; when the reader goes away, the next send
//! fails and the producer stops.

use crate::db::directory::{self, id_list, DirectoryOrder, Hit};
use crate::db::filter::CooperativeFilter as DbFilter;
use crate::error::{AppError, AppResult};
use crate::evidence::{activity, reserved_contract};
use crate::graphql::node::global_id;
use crate::graphql::query::cooperative::{directory_order, CooperativeFilter, NearInput};
use crate::graphql::types::provenance;
use crate::graphql::types::{
    Activity, CooperativeStatus, FounderKind, ReservedContractEligibility,
};
use crate::search::round_km;
use async_graphql::resolver_utils::EnumType;
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use entity::{cooperative, local_government, sector};
use indicatif::ProgressBar;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use serde::Serialize;
use std::collections::HashMap;
use tokio::sync::mpsc;

/// Cooperatives read, encoded and sent at a time.
pub const CHUNK: usize = 500;
/// Encoded chunks waiting for the reader at most: the memory bound of an export.
pub const CHANNEL_CHUNKS: usize = 4;

pub use crate::licence::{LICENCE, LICENCE_LINK, SOURCES};

/// A text as one ASCII line for a header (diacritics folded, controls dropped).
pub fn ascii_line(text: &str) -> String {
    let folded = deunicode::deunicode(text);
    folded
        .chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .collect()
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// RFC 4180 CSV with a header row, CRLF line ends, UTF-8.
    Csv,
    /// One JSON object: licence, sources, generatedAt and the `cooperatives` array.
    Json,
    /// A GeoJSON FeatureCollection of Points, with licence and sources as foreign members.
    Geojson,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::Json => "application/json",
            Format::Geojson => "application/geo+json",
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Csv => "cooperatives.csv",
            Format::Json => "cooperatives.json",
            Format::Geojson => "cooperatives.geojson",
        }
    }
}

/// The columns (CSV header) and property names (JSON, GeoJSON), in order.
pub use crate::columns::COOPERATIVE as COLUMNS;

/// The filter as query parameters or command-line flags: raw text, checked by `plan`.
/// Names are those of the GraphQL `CooperativeFilter` (`near` flattened).
#[derive(Debug, Default, Clone)]
pub struct FilterParams {
    pub text: Option<String>,
    pub teryt: Option<String>,
    pub sector: Option<String>,
    pub pkd: Option<String>,
    pub serves: Option<String>,
    /// Enum names, e.g. `ACTIVE`.
    pub status: Vec<String>,
    pub founder_kind: Vec<String>,
    pub is_sample: Option<String>,
    pub near_teryt: Option<String>,
    pub near_latitude: Option<String>,
    pub near_longitude: Option<String>,
    pub radius_km: Option<String>,
    /// RFC 3339, e.g. `2026-12-01T00:00:00Z`.
    pub updated_since: Option<String>,
}

/// The query parameters `FilterParams::from_query` accepts.
pub const PARAMETERS: [&str; 13] = [
    "text",
    "teryt",
    "sector",
    "pkd",
    "serves",
    "status",
    "founderKind",
    "isSample",
    "nearTeryt",
    "nearLatitude",
    "nearLongitude",
    "radiusKm",
    "updatedSince",
];

impl FilterParams {
    /// Reads a URL query string; unknown or repeated parameters are errors naming them.
    /// `status` and `founderKind` take comma-separated lists and may repeat.
    pub fn from_query(query: &str) -> AppResult<FilterParams> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|_| AppError::invalid("query", "the query string is not URL-encoded"))?;
        let mut p = FilterParams::default();
        for (key, value) in pairs {
            let single = match key.as_str() {
                "text" => &mut p.text,
                "teryt" => &mut p.teryt,
                "sector" => &mut p.sector,
                "pkd" => &mut p.pkd,
                "serves" => &mut p.serves,
                "isSample" => &mut p.is_sample,
                "nearTeryt" => &mut p.near_teryt,
                "nearLatitude" => &mut p.near_latitude,
                "nearLongitude" => &mut p.near_longitude,
                "radiusKm" => &mut p.radius_km,
                "updatedSince" => &mut p.updated_since,
                "status" => {
                    p.status.push(value);
                    continue;
                }
                "founderKind" => {
                    p.founder_kind.push(value);
                    continue;
                }
                _ => {
                    return Err(AppError::invalid(
                        &key,
                        format!(
                            "unknown parameter; the filter parameters are {}",
                            PARAMETERS.join(", ")
                        ),
                    ))
                }
            };
            if single.is_some() {
                return Err(AppError::invalid(&key, "given more than once"));
            }
            *single = Some(value);
        }
        Ok(p)
    }

    /// The GraphQL filter these parameters stand for; errors name the parameter.
    pub fn into_filter(self) -> AppResult<CooperativeFilter> {
        let near = near_input(
            self.near_teryt,
            self.near_latitude,
            self.near_longitude,
            self.radius_km,
        )?;
        let is_sample = match self.is_sample.as_deref().map(str::trim) {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(other) => {
                return Err(AppError::invalid(
                    "isSample",
                    format!("'{other}' is not a boolean: use true or false"),
                ))
            }
        };
        let updated_since = self
            .updated_since
            .as_deref()
            .map(|t| {
                chrono::DateTime::parse_from_rfc3339(t.trim())
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| {
                        AppError::invalid(
                            "updatedSince",
                            format!("'{t}' is not a time like 2026-12-01T00:00:00Z"),
                        )
                    })
            })
            .transpose()?;
        Ok(CooperativeFilter {
            updated_since,
            text: self.text,
            near,
            serves: self.serves,
            teryt: self.teryt,
            sector: self.sector,
            pkd: self.pkd,
            status: enum_list::<CooperativeStatus>("status", &self.status)?,
            founder_kind: enum_list::<FounderKind>("founderKind", &self.founder_kind)?,
            is_sample,
        })
    }
}

/// Comma-separated enum names (any case); `None` when none were given.
fn enum_list<E: EnumType>(field: &str, raw: &[String]) -> AppResult<Option<Vec<E>>> {
    if raw.is_empty() {
        return Ok(None);
    }
    let names = || {
        E::items()
            .iter()
            .map(|i| i.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    for name in raw.iter().flat_map(|r| r.split(',')).map(str::trim) {
        let wanted = name.to_ascii_uppercase();
        let item = E::items()
            .iter()
            .find(|i| i.name == wanted)
            .ok_or_else(|| {
                AppError::invalid(field, format!("'{name}' is not one of {}", names()))
            })?;
        out.push(item.value);
    }
    Ok(Some(out))
}

fn number(field: &str, raw: &str) -> AppResult<f64> {
    raw.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| AppError::invalid(field, format!("'{raw}' is not a number")))
}

fn near_input(
    teryt: Option<String>,
    latitude: Option<String>,
    longitude: Option<String>,
    radius_km: Option<String>,
) -> AppResult<Option<NearInput>> {
    let place = match (teryt, latitude, longitude) {
        (None, None, None) => None,
        (Some(t), None, None) => Some((Some(t), None, None)),
        (None, Some(lat), Some(lon)) => Some((
            None,
            Some(number("nearLatitude", &lat)?),
            Some(number("nearLongitude", &lon)?),
        )),
        (Some(_), _, _) => {
            return Err(AppError::invalid(
                "nearTeryt",
                "give either nearTeryt or nearLatitude and nearLongitude, not both",
            ))
        }
        (None, Some(_), None) => {
            return Err(AppError::invalid(
                "nearLongitude",
                "required with nearLatitude",
            ))
        }
        (None, None, Some(_)) => {
            return Err(AppError::invalid(
                "nearLatitude",
                "required with nearLongitude",
            ))
        }
    };
    match (place, radius_km) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(AppError::invalid(
            "radiusKm",
            "needs a place: nearTeryt, or nearLatitude and nearLongitude",
        )),
        (Some(_), None) => Err(AppError::invalid(
            "radiusKm",
            "required with nearTeryt or nearLatitude and nearLongitude",
        )),
        (Some((teryt, latitude, longitude)), Some(r)) => Ok(Some(NearInput {
            teryt,
            latitude,
            longitude,
            radius_km: number("radiusKm", &r)?,
        })),
    }
}

/// The query parameter a GraphQL filter field stands for.
fn parameter_of(field: &str) -> &str {
    match field {
        "filter.text" => "text",
        "filter.teryt" => "teryt",
        "filter.sector" => "sector",
        "filter.pkd" => "pkd",
        "filter.serves" => "serves",
        "filter.near.teryt" => "nearTeryt",
        "filter.near.radiusKm" => "radiusKm",
        // Only the latitude/longitude range check reports the whole `near`.
        "filter.near" => "nearLatitude",
        other => other,
    }
}

/// The command-line flag of a query parameter: `radiusKm` -> `--radius-km`.
pub fn flag_of(parameter: &str) -> String {
    let mut out = String::from("--");
    for c in parameter.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// An input error re-addressed to the command-line flag.
pub fn for_cli(e: AppError) -> AppError {
    match e {
        AppError::InvalidInput { field, message } => AppError::InvalidInput {
            field: flag_of(&field),
            message,
        },
        other => other,
    }
}

/// A checked export: which cooperatives, in which order.
#[derive(Debug, Clone)]
pub struct Plan {
    pub filter: DbFilter,
    pub order: DirectoryOrder,
}

/// Checks the parameters with the GraphQL filter's own rules (`CooperativeFilter::into_db`).
/// Errors are `InvalidInput` naming the query parameter.
pub async fn plan(db: &DatabaseConnection, params: FilterParams) -> AppResult<Plan> {
    let rename = |e: AppError| match e {
        AppError::InvalidInput { field, message } => AppError::InvalidInput {
            field: parameter_of(&field).to_owned(),
            message,
        },
        other => other,
    };
    let filter = params.into_filter()?.into_db(db).await.map_err(rename)?;
    let order = directory_order(None, &filter).map_err(rename)?;
    Ok(Plan { filter, order })
}

/// How an export ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Cooperatives sent.
    pub rows: u64,
    /// False when the reader went away before the end.
    pub completed: bool,
}

pub type Chunk = Result<Bytes, std::io::Error>;

/// Starts the producer. The receiver yields the export's bytes, chunk by chunk; an
/// `Err` item means the export failed (the cause is logged) and nothing follows.
/// Drop the receiver to stop the producer. With `progress`, its length is set to
/// the number of rows and it advances as rows are sent.
pub fn spawn(
    db: DatabaseConnection,
    plan: Plan,
    format: Format,
    progress: Option<ProgressBar>,
) -> (
    mpsc::Receiver<Chunk>,
    tokio::task::JoinHandle<AppResult<Summary>>,
) {
    spawn_with(progress, move |mut sink| async move {
        let result = produce(&db, &plan, format, &mut sink).await;
        (sink, result)
    })
}

/// Runs a producer as its own task: it sends encoded chunks into the sink and
/// returns whether it ran to the end. An error is logged and sent as the last
/// item, so the reader closes the transfer before its end.
pub fn spawn_with<F, Fut>(
    progress: Option<ProgressBar>,
    producer: F,
) -> (
    mpsc::Receiver<Chunk>,
    tokio::task::JoinHandle<AppResult<Summary>>,
)
where
    F: FnOnce(Sink) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = (Sink, AppResult<bool>)> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
    let handle = tokio::spawn(async move {
        let sink = Sink {
            tx,
            rows: 0,
            progress,
        };
        let (sink, result) = producer(sink).await;
        match result {
            Ok(completed) => Ok(Summary {
                rows: sink.rows,
                completed,
            }),
            Err(e) => {
                tracing::error!(error = ?e, "export failed");
                let _ = sink
                    .tx
                    .send(Err(std::io::Error::other(format!(
                        "export failed: {}",
                        e.public_message()
                    ))))
                    .await;
                Err(e)
            }
        }
    });
    (rx, handle)
}

/// Where a producer sends its encoded chunks.
pub struct Sink {
    tx: mpsc::Sender<Chunk>,
    rows: u64,
    progress: Option<ProgressBar>,
}

impl Sink {
    /// False when the reader is gone.
    pub async fn send(&mut self, bytes: Vec<u8>, rows: usize) -> bool {
        if self.tx.send(Ok(Bytes::from(bytes))).await.is_err() {
            return false;
        }
        self.rows += rows as u64;
        if let Some(p) = &self.progress {
            p.inc(rows as u64);
        }
        true
    }

    /// The progress bar, where there is one.
    pub fn progress(&self) -> Option<&ProgressBar> {
        self.progress.as_ref()
    }
}

/// Reference rows every chunk needs: few, loaded once.
struct Refs {
    /// Voivodeship TERYT (2 digits) -> name.
    voivodeships: HashMap<String, String>,
    /// Sector id -> slug.
    sectors: HashMap<i32, String>,
    now: DateTime<Utc>,
}

/// Returns whether the export ran to the end (false: the reader went away).
async fn produce(
    db: &DatabaseConnection,
    plan: &Plan,
    format: Format,
    sink: &mut Sink,
) -> AppResult<bool> {
    let now = Utc::now();
    let refs = Refs {
        voivodeships: local_government::Entity::find()
            .filter(local_government::Column::Kind.eq(local_government::Kind::Wojewodztwo))
            .all(db)
            .await?
            .into_iter()
            .map(|v| (v.teryt, v.name))
            .collect(),
        sectors: sector::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.slug))
            .collect(),
        now,
    };
    let mut enc = Encoder::new(format, COOPERATIVES);
    let head = enc.head(now)?;
    if !sink.send(head, 0).await {
        return Ok(false);
    }
    if plan.filter.ranked() {
        let hits = directory::matching(db, &plan.filter, plan.order, None).await?;
        if let Some(p) = &sink.progress {
            p.set_length(hits.len() as u64);
        }
        for part in hits.chunks(CHUNK) {
            let ids: Vec<i32> = part.iter().map(|h| h.id).collect();
            let models = directory::load_in_order(db, &ids, crate::db::project::Cols::ALL).await?;
            let by_id: HashMap<i32, Hit> = part.iter().map(|h| (h.id, *h)).collect();
            let rows = rows_of(db, &refs, models, &by_id).await?;
            let n = rows.len();
            if !sink.send(enc.rows(&rows)?, n).await {
                return Ok(false);
            }
        }
    } else {
        let condition = plan.filter.condition();
        if let Some(p) = &sink.progress {
            let total = cooperative::Entity::find()
                .filter(condition.clone())
                .count(db)
                .await?;
            p.set_length(total);
        }
        let mut last = crate::db::keyset::BEFORE_ANY_ID;
        loop {
            let models = cooperative::Entity::find()
                .filter(condition.clone())
                .filter(cooperative::Column::Id.gt(last))
                .order_by_asc(cooperative::Column::Id)
                .limit(CHUNK as u64)
                .all(db)
                .await?;
            let Some(tail) = models.last() else { break };
            last = i64::from(tail.id);
            let full = models.len() == CHUNK;
            let rows = rows_of(db, &refs, models, &HashMap::new()).await?;
            let n = rows.len();
            if !sink.send(enc.rows(&rows)?, n).await {
                return Ok(false);
            }
            if !full {
                break;
            }
        }
    }
    Ok(sink.send(enc.tail(), 0).await)
}

/// One exported cooperative; field order is `COLUMNS`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    id: String,
    name: String,
    krs: Option<String>,
    nip: Option<String>,
    regon: Option<String>,
    status: String,
    founder_kind: String,
    registration_date: Option<String>,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    seat_teryt: String,
    seat_name: Option<String>,
    voivodeship: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    phone: Option<String>,
    public_email: Option<String>,
    website: Option<String>,
    description: Option<String>,
    member_count: Option<i32>,
    employee_count: Option<i32>,
    excluded_employee_share: Option<i16>,
    excluded_member_share: Option<i16>,
    pkd_codes: Vec<String>,
    sectors: Vec<String>,
    activity: String,
    reserved_contract_eligibility: String,
    distance_km: Option<f64>,
    relevance: Option<i64>,
    is_sample: bool,
    /// Where each fact came from, grouped by source (`provenance::summary`).
    sources: String,
    /// GeoJSON geometry `[longitude, latitude]`: the own location, else the seat's centroid.
    #[serde(skip)]
    point: Option<[f64; 2]>,
}

impl Row {
    fn csv_record(&self) -> [String; crate::columns::COOPERATIVE.len()] {
        fn opt<T: ToString>(v: &Option<T>) -> String {
            v.as_ref().map(T::to_string).unwrap_or_default()
        }
        [
            self.id.clone(),
            self.name.clone(),
            opt(&self.krs),
            opt(&self.nip),
            opt(&self.regon),
            self.status.clone(),
            self.founder_kind.clone(),
            opt(&self.registration_date),
            opt(&self.street),
            opt(&self.postal_code),
            opt(&self.city),
            self.seat_teryt.clone(),
            opt(&self.seat_name),
            opt(&self.voivodeship),
            opt(&self.latitude),
            opt(&self.longitude),
            opt(&self.phone),
            opt(&self.public_email),
            opt(&self.website),
            opt(&self.description),
            opt(&self.member_count),
            opt(&self.employee_count),
            opt(&self.excluded_employee_share),
            opt(&self.excluded_member_share),
            self.pkd_codes.join(";"),
            self.sectors.join(";"),
            self.activity.to_owned(),
            self.reserved_contract_eligibility.to_owned(),
            opt(&self.distance_km),
            opt(&self.relevance),
            self.is_sample.to_string(),
            self.sources.clone(),
        ]
    }
}

#[derive(FromQueryResult)]
struct PkdRow {
    cooperative_id: i32,
    code: String,
}

/// The rows of a chunk of cooperatives, in the order given, with their related data
/// loaded in one query per kind.
async fn rows_of(
    db: &DatabaseConnection,
    refs: &Refs,
    models: Vec<cooperative::Model>,
    hits: &HashMap<i32, Hit>,
) -> AppResult<Vec<Row>> {
    if models.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = models.iter().map(|m| m.id).collect();
    let seat_ids: Vec<i32> = models.iter().map(|m| m.seat_id).collect();
    let seats = crate::db::batch::by_ids::<local_government::Entity>(
        db,
        &seat_ids,
        crate::db::project::Cols::ALL,
    )
    .await?;
    let mut pkd: HashMap<i32, Vec<String>> = HashMap::new();
    let sql = format!(
        "SELECT ci.cooperative_id, i.code FROM cooperative_industry ci \
         JOIN industry i ON i.id = ci.industry_id \
         WHERE ci.cooperative_id IN ({}) \
         ORDER BY ci.cooperative_id, ci.is_primary DESC, i.code",
        id_list(&ids)
    );
    for r in PkdRow::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
        .all(db)
        .await?
    {
        pkd.entry(r.cooperative_id).or_default().push(r.code);
    }
    let mut sectors: HashMap<i32, Vec<String>> = HashMap::new();
    for (sector_id, cooperative_id) in
        crate::db::batch::sector_cooperative_pairs(db, None, Some(&ids)).await?
    {
        if let Some(slug) = refs.sectors.get(&sector_id) {
            sectors
                .entry(cooperative_id)
                .or_default()
                .push(slug.clone());
        }
    }
    let years = directory::last_supply_years(db, &ids).await?;
    let mut changes = crate::db::audit::of_cooperatives(db, &ids).await?;
    Ok(models
        .into_iter()
        .map(|m| {
            let seat = seats.get(&m.seat_id);
            let hit = hits.get(&m.id);
            let point = match (m.latitude, m.longitude, seat) {
                (Some(lat), Some(lon), _) => Some([lon, lat]),
                (_, _, Some(s)) => Some([s.longitude, s.latitude]),
                _ => None,
            };
            // The API's own names for the answers.
            let act = Activity::from(
                activity(
                    m.status,
                    m.profile_confirmed_at,
                    years.get(&m.id).copied(),
                    refs.now,
                )
                .0,
            )
            .to_string();
            let eligibility = ReservedContractEligibility::from(reserved_contract(
                m.status,
                m.excluded_employee_share,
            ))
            .status
            .to_string();
            Row {
                id: global_id("Cooperative", m.id).0,
                voivodeship: m
                    .seat_teryt
                    .get(..2)
                    .and_then(|v| refs.voivodeships.get(v))
                    .cloned(),
                seat_name: seat.map(|s| s.name.clone()),
                seat_teryt: m.seat_teryt,
                pkd_codes: pkd.remove(&m.id).unwrap_or_default(),
                sectors: sectors.remove(&m.id).unwrap_or_default(),
                activity: act,
                reserved_contract_eligibility: eligibility,
                distance_km: hit.and_then(|h| h.distance_km).map(round_km),
                relevance: hit.and_then(|h| h.relevance),
                name: m.name,
                krs: m.krs,
                nip: m.nip,
                regon: m.regon,
                status: CooperativeStatus::from(m.status).to_string(),
                founder_kind: FounderKind::from(m.founder_kind).to_string(),
                registration_date: m
                    .registration_date
                    .map(|d| d.format("%Y-%m-%d").to_string()),
                street: m.street_address,
                postal_code: m.postal_code,
                city: m.city,
                latitude: m.latitude,
                longitude: m.longitude,
                phone: m.phone,
                public_email: m.public_email,
                website: m.website,
                description: m.description,
                member_count: m.member_count,
                employee_count: m.employee_count,
                excluded_employee_share: m.excluded_employee_share,
                excluded_member_share: m.excluded_member_share,
                sources: provenance::summary(&provenance::provenance(
                    m.is_sample,
                    &changes.remove(&m.id).unwrap_or_default(),
                )),
                is_sample: m.is_sample,
                point,
            }
        })
        .collect())
}

/// A record of an export: its CSV cells, its global id and, for GeoJSON, its point.
pub trait Record: Serialize {
    fn csv_record(&self) -> Vec<String>;
    fn id(&self) -> &str;
    /// `[longitude, latitude]`, where the record has a place.
    fn point(&self) -> Option<[f64; 2]>;
}

impl Record for Row {
    fn csv_record(&self) -> Vec<String> {
        Row::csv_record(self).into()
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn point(&self) -> Option<[f64; 2]> {
        self.point
    }
}

/// What the head of a file says: its columns, the JSON array's name, its licence
/// and the sources it points into.
#[derive(Debug, Clone, Copy)]
pub struct Head {
    pub columns: &'static [&'static str],
    pub collection: &'static str,
    pub licence: &'static str,
    pub sources: &'static [&'static str],
}

/// The cooperative export's head.
pub const COOPERATIVES: Head = Head {
    columns: &COLUMNS,
    collection: "cooperatives",
    licence: LICENCE,
    sources: &SOURCES,
};

/// Encodes an export: a head, chunks of rows, a tail.
pub struct Encoder {
    format: Format,
    head: Head,
    /// No row written yet (JSON needs commas between rows).
    first: bool,
}

fn io_err(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("encoding the export: {e}"))
}

impl Encoder {
    pub fn new(format: Format, head: Head) -> Self {
        Encoder {
            format,
            head,
            first: true,
        }
    }

    pub fn head(&mut self, now: DateTime<Utc>) -> AppResult<Vec<u8>> {
        let head = self.head;
        let meta = |buf: &mut Vec<u8>| -> AppResult<()> {
            buf.extend_from_slice(b"\"licence\":");
            serde_json::to_writer(&mut *buf, head.licence).map_err(io_err)?;
            buf.extend_from_slice(b",\"sources\":");
            serde_json::to_writer(&mut *buf, head.sources).map_err(io_err)?;
            buf.extend_from_slice(b",\"generatedAt\":");
            serde_json::to_writer(
                &mut *buf,
                &now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            )
            .map_err(io_err)?;
            Ok(())
        };
        let mut buf = Vec::new();
        match self.format {
            Format::Csv => {
                let mut w = csv_writer(buf);
                w.write_record(head.columns).map_err(io_err)?;
                buf = w.into_inner().map_err(io_err)?;
            }
            Format::Json => {
                buf.push(b'{');
                meta(&mut buf)?;
                buf.push(b',');
                serde_json::to_writer(&mut buf, head.collection).map_err(io_err)?;
                buf.extend_from_slice(b":[");
            }
            Format::Geojson => {
                buf.extend_from_slice(b"{\"type\":\"FeatureCollection\",");
                meta(&mut buf)?;
                buf.extend_from_slice(b",\"features\":[");
            }
        }
        Ok(buf)
    }

    pub fn rows<R: Record>(&mut self, rows: &[R]) -> AppResult<Vec<u8>> {
        let mut buf = Vec::with_capacity(rows.len() * 700);
        match self.format {
            Format::Csv => {
                let mut w = csv_writer(buf);
                for r in rows {
                    w.write_record(r.csv_record()).map_err(io_err)?;
                }
                buf = w.into_inner().map_err(io_err)?;
            }
            Format::Json | Format::Geojson => {
                for r in rows {
                    buf.extend_from_slice(if self.first { b"\n" } else { b",\n" });
                    self.first = false;
                    if self.format == Format::Json {
                        serde_json::to_writer(&mut buf, r).map_err(io_err)?;
                    } else {
                        serde_json::to_writer(&mut buf, &Feature::of(r)).map_err(io_err)?;
                    }
                }
            }
        }
        Ok(buf)
    }

    pub fn tail(&self) -> Vec<u8> {
        match self.format {
            Format::Csv => Vec::new(),
            Format::Json | Format::Geojson => b"\n]}\n".to_vec(),
        }
    }
}

fn csv_writer(buf: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .has_headers(false)
        .from_writer(buf)
}

#[derive(Serialize)]
struct Feature<'a, R> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    geometry: Option<Point>,
    properties: &'a R,
}

#[derive(Serialize)]
struct Point {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

impl<'a, R: Record> Feature<'a, R> {
    fn of(row: &'a R) -> Self {
        Feature {
            kind: "Feature",
            id: row.id(),
            geometry: row.point().map(|coordinates| Point {
                kind: "Point",
                coordinates,
            }),
            properties: row,
        }
    }
}

/// Peak resident set size of this process in kB (`VmHWM` of /proc/self/status), where known.
pub fn peak_rss_kb() -> Option<u64> {
    status_kb("VmHWM:")
}

/// Resident set size of this process now, in kB (`VmRSS`), where known.
pub fn rss_kb() -> Option<u64> {
    status_kb("VmRSS:")
}

fn status_kb(field: &str) -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::types::Eligibility;

    fn row() -> Row {
        Row {
            id: "Q29vcGVyYXRpdmU6MQ".into(),
            name: "Smak, \"Razem\"\nsp. soc.".into(),
            krs: Some("0000123456".into()),
            nip: None,
            regon: None,
            status: CooperativeStatus::Active.to_string(),
            founder_kind: FounderKind::NaturalPersons.to_string(),
            registration_date: Some("2020-01-02".into()),
            street: None,
            postal_code: None,
            city: Some("Łódź".into()),
            seat_teryt: "1061011".into(),
            seat_name: Some("Łódź".into()),
            voivodeship: Some("łódzkie".into()),
            latitude: None,
            longitude: None,
            phone: None,
            public_email: None,
            website: None,
            description: None,
            member_count: Some(5),
            employee_count: None,
            excluded_employee_share: Some(40),
            excluded_member_share: None,
            pkd_codes: vec!["56.21.Z".into(), "56.29.Z".into()],
            sectors: vec!["catering".into()],
            activity: Activity::Unknown.to_string(),
            reserved_contract_eligibility: Eligibility::Unknown.to_string(),
            distance_km: Some(1.25),
            relevance: None,
            is_sample: true,
            sources: "SAMPLE: all fields".into(),
            point: Some([19.45, 51.76]),
        }
    }

    #[test]
    fn json_properties_and_csv_columns_are_the_same_list() {
        let r = row();
        let v = serde_json::to_value(&r).unwrap_or_default();
        let mut keys: Vec<&str> = v
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        let mut cols = COLUMNS.to_vec();
        cols.sort_unstable();
        assert_eq!(keys, cols);
        assert_eq!(r.csv_record().len(), COLUMNS.len());
    }

    #[test]
    fn csv_quotes_and_ends_lines_with_crlf() {
        let mut e = Encoder::new(Format::Csv, COOPERATIVES);
        let head = e.head(Utc::now()).unwrap_or_default();
        assert!(head.starts_with(b"id,name,krs,"));
        assert!(head.ends_with(b",isSample,sources\r\n"));
        let body = String::from_utf8(e.rows(&[row()]).unwrap_or_default()).unwrap_or_default();
        assert!(body.contains("\"Smak, \"\"Razem\"\"\nsp. soc.\""), "{body}");
        assert!(body.contains(",56.21.Z;56.29.Z,catering,"), "{body}");
        assert!(
            body.ends_with(",1.25,,true,SAMPLE: all fields\r\n"),
            "{body}"
        );
    }

    #[test]
    fn json_and_geojson_are_valid_documents() {
        for format in [Format::Json, Format::Geojson] {
            let mut e = Encoder::new(format, COOPERATIVES);
            let mut all = e.head(Utc::now()).unwrap_or_default();
            all.extend(e.rows(&[row(), row()]).unwrap_or_default());
            all.extend(e.rows(&[row()]).unwrap_or_default());
            all.extend(e.tail());
            let v: serde_json::Value = serde_json::from_slice(&all).unwrap_or_default();
            assert_eq!(v["licence"], LICENCE);
            let list = if format == Format::Json {
                &v["cooperatives"]
            } else {
                assert_eq!(v["type"], "FeatureCollection");
                assert_eq!(v["features"][0]["geometry"]["coordinates"][0], 19.45);
                &v["features"]
            };
            assert_eq!(list.as_array().map(Vec::len), Some(3));
        }
    }

    #[test]
    fn parameters_map_to_the_graphql_filter_and_name_the_field() {
        let p = FilterParams::from_query("status=active,SUSPENDED&nearTeryt=1261011&radiusKm=60")
            .unwrap_or_default();
        let f = p.into_filter().unwrap_or_default();
        assert_eq!(f.status.map(|s| s.len()), Some(2));
        assert_eq!(f.near.map(|n| n.radius_km), Some(60.0));
        let field = |q: &str| match FilterParams::from_query(q).and_then(|p| p.into_filter()) {
            Err(AppError::InvalidInput { field, .. }) => field,
            _ => String::new(),
        };
        assert_eq!(field("foo=1"), "foo");
        assert_eq!(field("status=NOPE"), "status");
        assert_eq!(field("radiusKm=5"), "radiusKm");
        assert_eq!(field("nearTeryt=12"), "radiusKm");
        assert_eq!(field("nearLatitude=50&radiusKm=5"), "nearLongitude");
        assert_eq!(field("isSample=yes"), "isSample");
        assert_eq!(field("text=a&text=b"), "text");
        assert_eq!(flag_of("radiusKm"), "--radius-km");
    }

    #[test]
    fn sources_header_is_ascii() {
        let h = ascii_line(&format!("{} | Łódź\u{7}", SOURCES.join(" | ")));
        assert!(h.is_ascii() && h.contains("TERYT") && h.contains("GPL-3.0-or-later"));
        assert!(h.ends_with("| Lodz"), "{h}");
    }
}
