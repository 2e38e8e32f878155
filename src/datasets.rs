//! Exports of the public datasets besides cooperatives (`export::` has those):
//! local governments, institutions, verified procurement examples, events and
//! offerings, as CSV, JSON and GeoJSON, for `GET /export/<dataset>.<format>` and
//! `coophub export <dataset>`. One producer for both surfaces, in constant memory:
//! 500 rows at a time by keyset over the record's id, each chunk one statement.
//!
//! The whole public graph's files (GEXF, GraphML, Kumu's sheets) stream from
//! here too (`spawn_whole`), in keyset pages of nodes and then of edges.
//!
//! What is public follows the one visibility policy (`crate::policy`): a
//! procurement example only once verified (`listed_procurement_sql`). The
//! datasets name no person and no account; the whole graph names only people
//! with a public profile, by their display names (`policy::consenting_person_sql`).

use crate::db::graph::NodeKey;
use crate::error::{AppError, AppResult};
use crate::export::{self, Chunk, Encoder, Format, Head, Record, Sink, Summary, CHUNK};
use crate::ids::global_id;
use crate::policy::listed_procurement_sql;
use chrono::{DateTime, Utc};
use indicatif::ProgressBar;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::collections::HashSet;
use tokio::sync::mpsc;

/// A public dataset that can be downloaded whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Dataset {
    /// Voivodeships, powiaty and gminy (TERC as of 2026-01-01), with population and centroid.
    LocalGovernments,
    /// Public institutions (labour offices, social assistance centres, CIS, KIS, OWES…).
    Institutions,
    /// Purchases by local governments from cooperatives, once a moderator verified them.
    ProcurementExamples,
    /// National forums, industry meetings, workshops and webinars.
    Events,
    /// Products and services of cooperatives, with the areas each serves.
    Offerings,
}

/// How a column's SQL value becomes a cell.
#[derive(Debug, Clone, Copy)]
enum Cell {
    Text,
    Int,
    BigInt,
    Float,
    Bool,
    Time,
    /// An amount in grosze, written in złoty.
    Pln,
    /// A record's row id, written as its GraphQL global id.
    Id(&'static str),
    /// Row ids joined by `;` (an aggregate), written as global ids in id order.
    IdList(&'static str),
    /// Texts joined by `;` (an aggregate), written sorted.
    TextList,
}

/// A dataset's shape: its columns over the alias `x`, where its rows come from,
/// the expression of its change time and of its point.
struct Shape {
    head: Head,
    cells: &'static [Cell],
    /// SQL of each column but `id` (`x.id`), in the order of `head.columns[1..]`;
    /// `{agg}` stands for the backend's string aggregate.
    exprs: &'static [&'static str],
    /// Tables and joins, then `WHERE` and the condition every row meets.
    from: String,
    updated: Option<&'static str>,
    /// Latitude and longitude expressions.
    point: Option<(&'static str, &'static str)>,
}

pub use crate::licence::{DATASETS_LICENCE as LICENCE, DATASET_SOURCES as SOURCES};

const LG_COLUMNS: [&str; 9] = [
    "id",
    "teryt",
    "name",
    "kind",
    "parentTeryt",
    "population",
    "latitude",
    "longitude",
    "centroidNote",
];
const INSTITUTION_COLUMNS: [&str; 11] = [
    "id",
    "name",
    "kind",
    "unitTeryt",
    "unitName",
    "address",
    "phone",
    "publicEmail",
    "website",
    "isSample",
    "updatedAt",
];
const PURCHASE_COLUMNS: [&str; 15] = [
    "id",
    "subject",
    "year",
    "procedure",
    "valuePln",
    "buyerTeryt",
    "buyerName",
    "buyerUnit",
    "industryCode",
    "supplierIds",
    "outcome",
    "source",
    "isSample",
    "verifiedAt",
    "updatedAt",
];
const EVENT_COLUMNS: [&str; 14] = [
    "id",
    "kind",
    "title",
    "edition",
    "year",
    "startsAt",
    "endsAt",
    "placeTeryt",
    "placeName",
    "sector",
    "description",
    "capacity",
    "isReference",
    "updatedAt",
];
const OFFERING_COLUMNS: [&str; 13] = [
    "id",
    "cooperativeId",
    "cooperativeName",
    "kind",
    "name",
    "description",
    "industryCode",
    "radiusKm",
    "priceNote",
    "areasServed",
    "isSample",
    "updatedAt",
    "seatTeryt",
];

impl Dataset {
    /// The name in URLs and file names.
    pub fn slug(self) -> &'static str {
        match self {
            Dataset::LocalGovernments => "local-governments",
            Dataset::Institutions => "institutions",
            Dataset::ProcurementExamples => "procurement-examples",
            Dataset::Events => "events",
            Dataset::Offerings => "offerings",
        }
    }

    pub const ALL: [Dataset; 5] = [
        Dataset::LocalGovernments,
        Dataset::Institutions,
        Dataset::ProcurementExamples,
        Dataset::Events,
        Dataset::Offerings,
    ];

    pub fn of_slug(slug: &str) -> Option<Dataset> {
        Dataset::ALL.into_iter().find(|d| d.slug() == slug)
    }

    /// The file's name for a format.
    pub fn file_name(self, format: Format) -> String {
        let ext = match format {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Geojson => "geojson",
        };
        format!("{}.{ext}", self.slug())
    }

    fn shape(self) -> Shape {
        use Cell::*;
        let head = |columns, collection| Head {
            columns,
            collection,
            licence: LICENCE,
            sources: &SOURCES,
        };
        match self {
            Dataset::LocalGovernments => Shape {
                head: head(&LG_COLUMNS, "localGovernments"),
                cells: &[Id("LocalGovernment"), Text, Text, Text, Text, BigInt, Float, Float, Text],
                exprs: &["x.teryt", "x.name", "CAST(x.kind AS TEXT)", "p.teryt", "x.population", "x.latitude", "x.longitude", "x.centroid_note"],
                from: "local_government x LEFT JOIN local_government p ON p.id = x.parent_id WHERE 1 = 1".into(),
                // Reference data: replaced whole by `import reference`, never edited.
                updated: None,
                point: Some(("x.latitude", "x.longitude")),
            },
            Dataset::Institutions => Shape {
                head: head(&INSTITUTION_COLUMNS, "institutions"),
                cells: &[Id("Institution"), Text, Text, Text, Text, Text, Text, Text, Text, Bool, Time],
                exprs: &["x.name", "CAST(x.kind AS TEXT)", "l.teryt", "l.name", "x.address", "x.phone", "x.public_email", "x.website", "x.is_sample", "x.updated_at"],
                from: "institution x JOIN local_government l ON l.id = x.local_government_id WHERE 1 = 1".into(),
                updated: Some("x.updated_at"),
                point: Some(("l.latitude", "l.longitude")),
            },
            Dataset::ProcurementExamples => Shape {
                head: head(&PURCHASE_COLUMNS, "procurementExamples"),
                cells: &[Id("ProcurementExample"), Text, Int, Text, Pln, Text, Text, Text, Text, IdList("Cooperative"), Text, Text, Bool, Time, Time],
                exprs: &[
                    "x.subject", "x.year", "CAST(x.procedure AS TEXT)", "x.value_grosze", "l.teryt", "l.name", "x.buyer_unit",
                    "(SELECT i.code FROM industry i WHERE i.id = x.industry_id)",
                    "(SELECT {agg}(CAST(ps.cooperative_id AS TEXT), ';') FROM procurement_supplier ps WHERE ps.procurement_example_id = x.id)",
                    "x.outcome", "x.source", "x.is_sample", "x.verified_at", "x.updated_at",
                ],
                from: format!(
                    "procurement_example x JOIN local_government l ON l.id = x.buyer_id WHERE {}",
                    listed_procurement_sql("x")
                ),
                updated: Some("x.updated_at"),
                point: Some(("l.latitude", "l.longitude")),
            },
            Dataset::Events => Shape {
                head: head(&EVENT_COLUMNS, "events"),
                cells: &[Id("Event"), Text, Text, Int, Int, Time, Time, Text, Text, Text, Text, Int, Bool, Time],
                exprs: &[
                    "CAST(x.kind AS TEXT)", "x.title", "x.edition", "x.year", "x.starts_at", "x.ends_at", "l.teryt", "l.name",
                    "(SELECT s.slug FROM sector s WHERE s.id = x.sector_id)",
                    "x.description", "x.capacity", "x.is_reference", "x.updated_at",
                ],
                from: "event x LEFT JOIN local_government l ON l.id = x.place_id WHERE 1 = 1".into(),
                updated: Some("x.updated_at"),
                point: Some(("l.latitude", "l.longitude")),
            },
            Dataset::Offerings => Shape {
                head: head(&OFFERING_COLUMNS, "offerings"),
                cells: &[Id("Offering"), Id("Cooperative"), Text, Text, Text, Text, Text, Float, Text, TextList, Bool, Time, Text],
                exprs: &[
                    "c.id", "c.name", "CAST(x.kind AS TEXT)", "x.name", "x.description",
                    "(SELECT i.code FROM industry i WHERE i.id = x.industry_id)",
                    "x.radius_km", "x.price_note",
                    "(SELECT {agg}(a.teryt, ';') FROM offering_area oa JOIN local_government a ON a.id = oa.local_government_id WHERE oa.offering_id = x.id)",
                    "c.is_sample", "c.updated_at", "c.seat_teryt",
                ],
                from: "offering x JOIN cooperative c ON c.id = x.cooperative_id \
                       JOIN local_government s ON s.id = c.seat_id WHERE 1 = 1"
                    .into(),
                // An offering's change is its cooperative's (as `Cooperative.updatedAt`).
                updated: Some("c.updated_at"),
                // The cooperative's own location, else its seat gmina's centroid.
                point: Some(("COALESCE(c.latitude, s.latitude)", "COALESCE(c.longitude, s.longitude)")),
            },
        }
    }

    /// The head of its files (columns, JSON array name, licence, sources).
    pub fn head(self) -> Head {
        self.shape().head
    }
}

/// Which rows of a dataset: all, or those changed at or after a time.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub updated_since: Option<DateTime<Utc>>,
}

impl Params {
    /// Reads a URL query string: `updatedSince` (RFC 3339) is the one parameter.
    pub fn from_query(dataset: Dataset, query: &str) -> AppResult<Params> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|_| AppError::invalid("query", "the query string is not URL-encoded"))?;
        let mut since = None;
        for (key, value) in pairs {
            if key != "updatedSince" {
                return Err(AppError::invalid(
                    &key,
                    "unknown parameter; the one parameter is updatedSince",
                ));
            }
            if since.is_some() {
                return Err(AppError::invalid(&key, "given more than once"));
            }
            since = Some(value);
        }
        Params::of(dataset, since.as_deref())
    }

    /// Checks `updatedSince` for a dataset (errors name the query parameter).
    pub fn of(dataset: Dataset, updated_since: Option<&str>) -> AppResult<Params> {
        let Some(text) = updated_since else {
            return Ok(Params::default());
        };
        if dataset.shape().updated.is_none() {
            return Err(AppError::invalid(
                "updatedSince",
                "local governments are the TERYT register, replaced whole by each import, and have no change time: download the whole file",
            ));
        }
        let t = DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
            AppError::invalid(
                "updatedSince",
                "not an RFC 3339 time, e.g. 2026-12-01T00:00:00Z (write + as %2B)",
            )
        })?;
        Ok(Params {
            updated_since: Some(t.with_timezone(&Utc)),
        })
    }
}

/// One exported row: its cells in the order of the dataset's columns.
pub struct Row {
    columns: &'static [&'static str],
    cells: Vec<serde_json::Value>,
    point: Option<[f64; 2]>,
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.cells.len()))?;
        for (name, value) in self.columns.iter().zip(&self.cells) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl Record for Row {
    fn csv_record(&self) -> Vec<String> {
        fn text(v: &serde_json::Value) -> String {
            match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => {
                    items.iter().map(text).collect::<Vec<_>>().join(";")
                }
                other => other.to_string(),
            }
        }
        self.cells.iter().map(text).collect()
    }
    fn id(&self) -> &str {
        self.cells
            .first()
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
    }
    fn point(&self) -> Option<[f64; 2]> {
        self.point
    }
}

/// Starts the producer of a dataset's file (see `export::spawn_with`).
pub fn spawn(
    db: DatabaseConnection,
    dataset: Dataset,
    params: Params,
    format: Format,
    progress: Option<ProgressBar>,
) -> (
    mpsc::Receiver<Chunk>,
    tokio::task::JoinHandle<AppResult<Summary>>,
) {
    export::spawn_with(progress, move |mut sink| async move {
        let result = produce(&db, dataset, &params, format, &mut sink).await;
        (sink, result)
    })
}

async fn produce(
    db: &DatabaseConnection,
    dataset: Dataset,
    params: &Params,
    format: Format,
    sink: &mut Sink,
) -> AppResult<bool> {
    let shape = dataset.shape();
    let backend = db.get_database_backend();
    let mut enc = Encoder::new(format, shape.head);
    if !sink.send(enc.head(Utc::now())?, 0).await {
        return Ok(false);
    }
    let agg = match backend {
        DatabaseBackend::Postgres => "string_agg",
        _ => "group_concat",
    };
    let param = |n: usize| match backend {
        DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    let columns: Vec<String> = shape
        .exprs
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{} AS c{}", e.replace("{agg}", agg), i + 1))
        .collect();
    let (lat, lon) = shape.point.unwrap_or(("NULL", "NULL"));
    let since = match (shape.updated, params.updated_since) {
        (Some(expr), Some(_)) => format!(" AND {expr} >= {}", param(2)),
        _ => String::new(),
    };
    let sql = format!(
        "SELECT x.id AS c0, {}, {lat} AS lat, {lon} AS lon FROM {} AND x.id > {}{since} \
         ORDER BY x.id LIMIT {CHUNK}",
        columns.join(", "),
        shape.from,
        param(1),
    );
    let mut last = crate::db::keyset::BEFORE_ANY_ID;
    loop {
        let mut values: Vec<sea_orm::Value> = vec![last.into()];
        if let (Some(_), Some(t)) = (shape.updated, params.updated_since) {
            values.push(t.into());
        }
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(backend, sql.clone(), values))
            .await?;
        let Some(tail) = rows.last() else { break };
        last = i64::from(tail.try_get::<i32>("", "c0")?);
        let full = rows.len() == CHUNK;
        let out = rows
            .iter()
            .map(|r| row_of(&shape, r))
            .collect::<AppResult<Vec<Row>>>()?;
        if !sink.send(enc.rows(&out)?, out.len()).await {
            return Ok(false);
        }
        if !full {
            break;
        }
    }
    Ok(sink.send(enc.tail(), 0).await)
}

fn row_of(shape: &Shape, r: &QueryResult) -> AppResult<Row> {
    use serde_json::Value as J;
    let mut cells = Vec::with_capacity(shape.cells.len());
    for (i, cell) in shape.cells.iter().enumerate() {
        let col = format!("c{i}");
        let value = match cell {
            Cell::Text => r
                .try_get::<Option<String>>("", &col)?
                .map_or(J::Null, J::String),
            Cell::Int => r.try_get::<Option<i32>>("", &col)?.map_or(J::Null, J::from),
            Cell::BigInt => r.try_get::<Option<i64>>("", &col)?.map_or(J::Null, J::from),
            Cell::Float => r.try_get::<Option<f64>>("", &col)?.map_or(J::Null, J::from),
            Cell::Bool => r
                .try_get::<Option<bool>>("", &col)?
                .map_or(J::Null, J::from),
            Cell::Time => r
                .try_get::<Option<DateTime<Utc>>>("", &col)?
                .map_or(J::Null, |t| {
                    J::String(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                }),
            Cell::Pln => r
                .try_get::<Option<i64>>("", &col)?
                .map_or(J::Null, |g| J::String(crate::money::decimal(g))),
            Cell::Id(type_name) => {
                let id: i32 = r.try_get("", &col)?;
                J::String(global_id(type_name, id).0)
            }
            Cell::IdList(type_name) => {
                let joined: Option<String> = r.try_get("", &col)?;
                let mut ids: Vec<i32> = joined
                    .unwrap_or_default()
                    .split(';')
                    .filter_map(|s| s.trim().parse().ok())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                J::Array(
                    ids.into_iter()
                        .map(|id| J::String(global_id(type_name, id).0))
                        .collect(),
                )
            }
            Cell::TextList => {
                let joined: Option<String> = r.try_get("", &col)?;
                let mut items: Vec<String> = joined
                    .unwrap_or_default()
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
                items.sort();
                items.dedup();
                J::Array(items.into_iter().map(J::String).collect())
            }
        };
        cells.push(value);
    }
    let point = match (
        r.try_get::<Option<f64>>("", "lat")?,
        r.try_get::<Option<f64>>("", "lon")?,
    ) {
        (Some(lat), Some(lon)) => Some([lon, lat]),
        _ => None,
    };
    Ok(Row {
        columns: shape.head.columns,
        cells,
        point,
    })
}

/// A file of the whole public graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WholeFile {
    Gexf,
    Graphml,
    KumuElements,
    KumuConnections,
}

impl WholeFile {
    /// The file at `/export/<name>.<ext>`, if it is one of these.
    pub fn of(name: &str, ext: &str) -> Option<WholeFile> {
        match (name, ext) {
            ("graph", "gexf") => Some(WholeFile::Gexf),
            ("graph", "graphml") => Some(WholeFile::Graphml),
            ("graph-elements", "csv") => Some(WholeFile::KumuElements),
            ("graph-connections", "csv") => Some(WholeFile::KumuConnections),
            _ => None,
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            WholeFile::Gexf => "graph.gexf",
            WholeFile::Graphml => "graph.graphml",
            WholeFile::KumuElements => "graph-elements.csv",
            WholeFile::KumuConnections => "graph-connections.csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            WholeFile::Gexf => "application/gexf+xml",
            WholeFile::Graphml => "application/graphml+xml",
            WholeFile::KumuElements | WholeFile::KumuConnections => {
                "text/csv; charset=utf-8; header=present"
            }
        }
    }
}

/// What the whole graph's files say of themselves.
pub const WHOLE_DESCRIPTION: &str = "The whole public graph of coophub: cooperatives, local governments, institutions, PKD subclasses, sectors, verified purchases, people with a public profile, events, published articles and founders, and the links between them. CC BY 4.0, published by coophub; sample records are generated.";

/// Starts the producer of a whole-graph file (see `export::spawn_with`): nodes
/// page by page, then edges window by window (`db::graph::Whole`).
pub fn spawn_whole(
    db: DatabaseConnection,
    file: WholeFile,
) -> (
    mpsc::Receiver<Chunk>,
    tokio::task::JoinHandle<AppResult<Summary>>,
) {
    export::spawn_with(None, move |mut sink| async move {
        let result = write_whole(&db, file, &mut sink).await;
        (sink, result)
    })
}

fn node_global_id(k: NodeKey) -> String {
    global_id(k.0.type_name(), k.1).0
}

/// A node's label in Kumu's sheets: its name, with its kind and id when another
/// node has the same name (or it has none).
fn kumu_label(k: NodeKey, label: Option<&str>, shared: &HashSet<String>) -> String {
    match label {
        Some(l) if !shared.contains(l) => l.to_owned(),
        Some(l) => format!("{l} ({} {})", k.0.type_name(), k.1),
        None => format!("{} {}", k.0.type_name(), k.1),
    }
}

async fn write_whole(db: &DatabaseConnection, file: WholeFile, sink: &mut Sink) -> AppResult<bool> {
    let csv_failed = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
    let csv_rows = |header: &[&str], rows: &mut dyn Iterator<Item = Vec<String>>| {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        if !header.is_empty() {
            w.write_record(header).map_err(csv_failed)?;
        }
        for r in rows {
            w.write_record(r).map_err(csv_failed)?;
        }
        w.into_inner()
            .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
    };
    let mut whole = crate::db::graph::Whole::default();
    let pieces = match file {
        WholeFile::Gexf => Some(crate::graph_export::Pieces::Gexf),
        WholeFile::Graphml => Some(crate::graph_export::Pieces::Graphml),
        _ => None,
    };
    let shared = match file {
        WholeFile::KumuElements | WholeFile::KumuConnections => {
            crate::db::graph::shared_labels(db).await?
        }
        _ => Default::default(),
    };
    let head = match (pieces, file) {
        (Some(p), _) => p.head(WHOLE_DESCRIPTION).into_bytes(),
        (None, WholeFile::KumuElements) => {
            csv_rows(&crate::graph_export::KUMU_ELEMENTS, &mut std::iter::empty())?
        }
        _ => csv_rows(
            &crate::graph_export::KUMU_CONNECTIONS,
            &mut std::iter::empty(),
        )?,
    };
    if !sink.send(head, 0).await {
        return Ok(false);
    }
    // Every node written (or, for the connections sheet, that could be): an
    // edge is written only when both its ends are among them, so a file read
    // while the graph changes never names a node it does not hold.
    let mut emitted: HashSet<NodeKey> = HashSet::new();
    while let Some(page) = whole.next_nodes(db).await? {
        emitted.extend(page.iter().map(|(k, _)| *k));
        let bytes = match (pieces, file) {
            (_, WholeFile::KumuConnections) => continue,
            (Some(p), _) => {
                let mut s = String::with_capacity(page.len() * 200);
                for (k, label) in &page {
                    let label = label
                        .clone()
                        .unwrap_or_else(|| format!("{} {}", k.0.type_name(), k.1));
                    p.node(&mut s, &node_global_id(*k), &label, k.0.type_name(), None);
                }
                s.into_bytes()
            }
            (None, _) => csv_rows(
                &[],
                &mut page.iter().map(|(k, label)| {
                    crate::graph_export::kumu_element(
                        kumu_label(*k, label.as_deref(), &shared),
                        k.0.type_name(),
                        node_global_id(*k),
                        None,
                    )
                    .to_vec()
                }),
            )?,
        };
        if !sink.send(bytes, page.len()).await {
            return Ok(false);
        }
    }
    if file == WholeFile::KumuElements {
        return Ok(true);
    }
    if let Some(p) = pieces {
        if !sink.send(p.between().as_bytes().to_vec(), 0).await {
            return Ok(false);
        }
    }
    while let Some(mut edges) = whole.next_edges(db).await? {
        edges.retain(|e| emitted.contains(&e.source) && emitted.contains(&e.target));
        if edges.is_empty() {
            continue;
        }
        let bytes = match pieces {
            Some(p) => {
                let mut s = String::with_capacity(edges.len() * 300);
                for e in &edges {
                    p.edge(
                        &mut s,
                        &e.global_id(),
                        &node_global_id(e.source),
                        &node_global_id(e.target),
                        e,
                    );
                }
                s.into_bytes()
            }
            None => {
                let mut ends: Vec<NodeKey> =
                    edges.iter().flat_map(|e| [e.source, e.target]).collect();
                ends.sort_unstable();
                ends.dedup();
                let labels = crate::db::graph::labels(db, &ends).await?;
                let label = |k: NodeKey| kumu_label(k, labels.get(&k).map(String::as_str), &shared);
                csv_rows(
                    &[],
                    &mut edges.iter().map(|e| {
                        crate::graph_export::kumu_connection(
                            label(e.source),
                            label(e.target),
                            e.global_id(),
                            e,
                        )
                        .to_vec()
                    }),
                )?
            }
        };
        if !sink.send(bytes, edges.len()).await {
            return Ok(false);
        }
    }
    Ok(match pieces {
        Some(p) => sink.send(p.tail().as_bytes().to_vec(), 0).await,
        None => true,
    })
}
