//! Configuration: one clap struct, every field a `--flag` and an environment
//! variable. The defaults give the embedded setup (SQLite file in the working
//! directory, in-process cache and broadcast), so nothing needs to be set to start.

use clap::{Args, Parser, Subcommand};
use std::{fmt, net::SocketAddr, path::PathBuf, str::FromStr};

/// A value that must not appear in logs or `Debug` output (it may hold a password).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// coophub: the open GraphQL hub of the Polish social-cooperative sector.
#[derive(Parser, Debug)]
#[command(name = "coophub", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
pub struct Config {
    /// Database: `sqlite://FILE?mode=rwc` (embedded, the default) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://coophub.sqlite?mode=rwc",
        global = true
    )]
    pub database_url: Secret,
    /// Redis for the shared cache and pub/sub (`redis://127.0.0.1:6379`); in-process when unset.
    #[arg(long, env = "REDIS_URL", global = true)]
    pub redis_url: Option<Secret>,
    /// Prefix of every Redis key of this deployment (instances that share state share it).
    #[arg(
        long,
        env = "COOPHUB_REDIS_NAMESPACE",
        default_value = "coophub",
        global = true
    )]
    pub redis_namespace: String,
    /// Address the HTTP server listens on.
    #[arg(
        long,
        env = "COOPHUB_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,
    /// Folder with reference data (TERYT, PKD, sectors) that overrides the copy built
    /// into the binary, file by file; a file it lacks is read from the built-in copy.
    #[arg(long, env = "COOPHUB_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Folder for files attached to legal cases (created when the first arrives).
    #[arg(
        long,
        env = "COOPHUB_ATTACHMENTS_DIR",
        default_value = "attachments",
        global = true
    )]
    pub attachments_dir: PathBuf,
    /// Largest query cost accepted (connections weigh by `first`/`last`).
    #[arg(
        long,
        env = "COOPHUB_MAX_COST",
        default_value_t = 25_000,
        global = true
    )]
    pub max_cost: usize,
    /// Deepest selection nesting accepted.
    #[arg(long, env = "COOPHUB_MAX_DEPTH", default_value_t = 15, global = true)]
    pub max_depth: usize,
    /// Most aliases accepted in one document.
    #[arg(long, env = "COOPHUB_MAX_ALIASES", default_value_t = 30, global = true)]
    pub max_aliases: usize,
    /// Most fields one document may select once its fragments are expanded (checked
    /// before validation: fragments that spread each other grow exponentially).
    #[arg(
        long,
        env = "COOPHUB_MAX_SELECTIONS",
        default_value_t = 5_000,
        global = true
    )]
    pub max_selections: usize,
    /// Time limit for one GraphQL request, in milliseconds.
    #[arg(
        long,
        env = "COOPHUB_REQUEST_TIMEOUT_MS",
        default_value_t = 10_000,
        global = true
    )]
    pub request_timeout_ms: u64,
    /// How long a loader's batch waits for keys from later steps of its request, in
    /// milliseconds. 0 (the default) sends each step's keys at once: a batch already holds
    /// every key its step asks for, since it runs only once the request is at a standstill.
    #[arg(
        long,
        env = "COOPHUB_LOADER_DELAY_MS",
        default_value_t = 0,
        global = true
    )]
    pub loader_delay_ms: u64,
    /// Budget of an anonymous client address or a signed-in user: bucket size in cost points.
    #[arg(
        long,
        env = "COOPHUB_BUDGET_ANONYMOUS",
        default_value_t = 50_000.0,
        global = true
    )]
    pub budget_anonymous: f64,
    /// Cost points an anonymous or user bucket regains each second.
    #[arg(
        long,
        env = "COOPHUB_BUDGET_ANONYMOUS_RATE",
        default_value_t = 1_000.0,
        global = true
    )]
    pub budget_anonymous_rate: f64,
    /// Budget of a partner API key: bucket size in cost points.
    #[arg(
        long,
        env = "COOPHUB_BUDGET_PARTNER",
        default_value_t = 500_000.0,
        global = true
    )]
    pub budget_partner: f64,
    /// Cost points a partner bucket regains each second.
    #[arg(
        long,
        env = "COOPHUB_BUDGET_PARTNER_RATE",
        default_value_t = 10_000.0,
        global = true
    )]
    pub budget_partner_rate: f64,
    /// Lifetime of a session token, in hours.
    #[arg(long, env = "COOPHUB_SESSION_HOURS", default_value_t = 24 * 14, global = true)]
    pub session_hours: i64,
    /// How long a WebSocket client has to send `connection_init`, in milliseconds (then 4408).
    #[arg(
        long,
        env = "COOPHUB_WS_INIT_TIMEOUT_MS",
        default_value_t = 3_000,
        global = true
    )]
    pub ws_init_timeout_ms: u64,
    /// The address people and other systems reach this server at (no trailing
    /// slash): absolute links in open-data profiles (Murmurations, schema.org) use it.
    #[arg(
        long,
        env = "COOPHUB_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080",
        value_parser = parse_public_url,
        global = true
    )]
    pub public_url: String,
    /// Longest `max-age` of a public (anonymous) GraphQL answer, in seconds; fields' hints shorten it.
    #[arg(
        long,
        env = "COOPHUB_HTTP_MAX_AGE",
        default_value_t = 60,
        global = true
    )]
    pub http_max_age: u32,
    /// Resolve through the fast path (src/graphql/exec); false: async-graphql's stock
    /// resolution, which answers the same, byte for byte, only slower.
    #[arg(
        long,
        env = "COOPHUB_FAST_PATH",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub fast_path: bool,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` (and `X-Request-Id`)
    /// headers are believed: a comma-separated list of addresses or CIDR blocks
    /// (`127.0.0.1/32,10.0.0.0/8`). A request from anywhere else is from its TCP peer,
    /// whatever it says; empty (the default) believes no one.
    #[arg(
        long,
        env = "COOPHUB_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = parse_net,
        global = true
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Web origins whose pages may call the API from a browser (CORS): a
    /// comma-separated list such as `https://portal.example.org,http://localhost:3000`.
    /// Empty (the default) allows none; coophub's own pages need no entry.
    #[arg(
        long,
        env = "COOPHUB_CORS_ORIGINS",
        value_delimiter = ',',
        value_parser = parse_origin,
        global = true
    )]
    pub cors_origins: Vec<String>,
    /// Sites that may show the local-government widget (`/widzet/gmina/<TERYT>`)
    /// in a frame: comma-separated origins, e.g. `https://www.nowytarg.pl`. Empty
    /// (the default) allows none; every other page may never be framed.
    #[arg(
        long,
        env = "COOPHUB_WIDGET_ORIGINS",
        value_delimiter = ',',
        value_parser = parse_origin,
        global = true
    )]
    pub widget_origins: Vec<String>,
    /// A JSON manifest `{sha256: document}` of registered GraphQL documents.
    #[arg(long, env = "COOPHUB_PERSISTED_QUERIES", global = true)]
    pub persisted_queries: Option<std::path::PathBuf>,
    /// Run only the manifest's documents (allow-list mode for production partner traffic).
    #[arg(
        long,
        env = "COOPHUB_PERSISTED_QUERIES_ONLY",
        default_value_t = false,
        global = true
    )]
    pub persisted_queries_only: bool,
    /// Keep whole answers to public reads (invalidated by every write); false: always execute.
    #[arg(long, env = "COOPHUB_RESPONSE_CACHE", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub response_cache: bool,
    /// Memory for cached answers when there is no Redis, in MiB.
    #[arg(
        long,
        env = "COOPHUB_RESPONSE_CACHE_MB",
        default_value_t = 64,
        global = true
    )]
    pub response_cache_mb: u64,
    /// Messages that may wait for one WebSocket client before it is dropped as too slow.
    #[arg(long, env = "COOPHUB_WS_BUFFER", default_value_t = 512, global = true)]
    pub ws_buffer: usize,
    /// Database pool size; SQLite serialises writers, so a few connections suffice there.
    #[arg(long, env = "COOPHUB_DB_POOL", default_value_t = 10, global = true)]
    pub db_pool: u32,
    /// On an empty database, `serve` also seeds sample cooperatives (the default only for SQLite).
    #[arg(long, env = "COOPHUB_SEED_SAMPLE", global = true)]
    pub seed_sample: Option<bool>,
}

impl Config {
    pub fn is_sqlite(&self) -> bool {
        self.database_url.expose().starts_with("sqlite:")
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the HTTP server (the default): migrate, load data on first start, serve GraphQL and GraphiQL.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Import data into the database.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Generate data.
    #[command(subcommand)]
    Seed(SeedCommand),
    /// Manage accounts from the command line.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage partner API keys from the command line.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Print the GraphQL schema (SDL) to standard output; `schema.graphql` is this output.
    PrintSchema,
    /// Export data as CSV, JSON or GeoJSON: the same bytes as `GET /export/...`.
    #[command(subcommand)]
    Export(ExportCommand),
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// TERYT units and the PKD tree with sectors from the data folder (idempotent).
    Reference,
    /// Cooperatives from a CSV or JSON file (docs/import.md): created, or changed
    /// field by field when their KRS, NIP or REGON is already held.
    Cooperatives(ImportArgs),
    /// Court-register extracts: the KRS open API's current extracts (JSON) of
    /// social cooperatives, one file each (docs/registration.md). Created, or
    /// changed field by field, with the register as their facts' source.
    Krs(KrsArgs),
    /// Articles from Markdown files with TOML front matter (docs/knowledge.md), every
    /// `*.md` file of a folder: created as drafts, or changed when their slug is already
    /// held; all or nothing, and re-running the same files changes nothing.
    Articles(ArticlesArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ArticlesArgs {
    /// The folder of `*.md` files (read in name order; subfolders are not read).
    pub dir: PathBuf,
    /// Print what would be created and changed; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Publish the new articles at once instead of leaving them as drafts for review.
    #[arg(long)]
    pub publish: bool,
}

#[derive(Args, Debug, Clone)]
pub struct KrsArgs {
    /// The extracts' files, as `curl 'https://api-krs.ms.gov.pl/api/krs/OdpisAktualny/<KRS>?rejestr=P&format=json'` saves them.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Who founded the cooperatives that are new to coophub (NATURAL_PERSONS or
    /// LEGAL_PERSONS): an extract does not say.
    #[arg(long)]
    pub founder_kind: Option<String>,
    /// Print what would be created, changed and rejected; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid extracts even when others are rejected.
    #[arg(long)]
    pub partial: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ImportArgs {
    /// The file: CSV with a header, or a JSON array of objects (by its `.json` name, or `--format`).
    pub file: PathBuf,
    /// The file's format, when its name does not say.
    #[arg(long, value_enum)]
    pub format: Option<crate::import::Format>,
    /// Print what would be created, changed and rejected; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid rows even when others are rejected (by default a rejected row
    /// stops the whole import, and nothing is written).
    #[arg(long)]
    pub partial: bool,
}

#[derive(Subcommand, Debug)]
pub enum SeedCommand {
    /// Deterministic sample cooperatives, offerings, institutions and procurement examples.
    Sample(SampleArgs),
}

#[derive(Args, Debug, Clone)]
pub struct SampleArgs {
    /// How many sample cooperatives to generate.
    #[arg(long, default_value_t = 1500)]
    pub cooperatives: usize,
    /// Seed of the generator: the same seed gives the same rows.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Cooperatives matching a filter (the `cooperatives(filter:)` rules), streamed in
    /// constant memory; a progress bar and a summary (rows, bytes, seconds, peak RSS) go to stderr.
    Cooperatives(Box<ExportArgs>),
    /// Another public dataset, whole or changed since a time: the bytes of
    /// `GET /export/<dataset>.<format>`.
    Dataset(DatasetExportArgs),
}

/// A dataset export: which, in which format, where to, since when.
#[derive(Args, Debug, Clone)]
pub struct DatasetExportArgs {
    /// The dataset.
    #[arg(value_enum)]
    pub dataset: crate::datasets::Dataset,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: crate::export::Format,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Only records changed at or after this time (RFC 3339, e.g. 2026-12-01T00:00:00Z).
    #[arg(long)]
    pub updated_since: Option<String>,
}

/// The export format, the output and the filter; the filter flags mirror the HTTP query parameters.
#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    pub format: crate::export::Format,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Words to find (case and Polish diacritics do not matter).
    #[arg(long)]
    pub text: Option<String>,
    /// Seated in this TERYT unit or below (2, 4 or 7 digits).
    #[arg(long)]
    pub teryt: Option<String>,
    /// Works in this sector (its slug, e.g. `catering`).
    #[arg(long)]
    pub sector: Option<String>,
    /// Has an industry under this PKD 2007 code (`56`, `56.2`, `56.21.Z`).
    #[arg(long)]
    pub pkd: Option<String>,
    /// Has an offering whose area served covers this TERYT unit.
    #[arg(long)]
    pub serves: Option<String>,
    /// Any of these statuses (ACTIVE, SUSPENDED, IN_LIQUIDATION, DISSOLVED); repeat or separate with commas.
    #[arg(long)]
    pub status: Vec<String>,
    /// Any of these founder kinds (NATURAL_PERSONS, LEGAL_PERSONS, MIXED); repeat or separate with commas.
    #[arg(long)]
    pub founder_kind: Vec<String>,
    /// Only sample (true) or only real (false) cooperatives.
    #[arg(long)]
    pub is_sample: Option<String>,
    /// Within `--radius-km` of this TERYT unit's centroid.
    #[arg(long)]
    pub near_teryt: Option<String>,
    /// Within `--radius-km` of this latitude (with `--near-longitude`).
    #[arg(long, allow_hyphen_values = true)]
    pub near_latitude: Option<String>,
    /// Within `--radius-km` of this longitude (with `--near-latitude`).
    #[arg(long, allow_hyphen_values = true)]
    pub near_longitude: Option<String>,
    /// Radius in kilometres around the place, more than 0 and at most 500.
    #[arg(long)]
    pub radius_km: Option<String>,
    /// Only cooperatives changed at or after this time (RFC 3339, e.g. 2026-12-01T00:00:00Z).
    #[arg(long)]
    pub updated_since: Option<String>,
}

impl ExportArgs {
    /// The filter as the HTTP export reads it from query parameters.
    pub fn filter_params(&self) -> crate::export::FilterParams {
        crate::export::FilterParams {
            text: self.text.clone(),
            teryt: self.teryt.clone(),
            sector: self.sector.clone(),
            pkd: self.pkd.clone(),
            serves: self.serves.clone(),
            status: self.status.clone(),
            founder_kind: self.founder_kind.clone(),
            is_sample: self.is_sample.clone(),
            near_teryt: self.near_teryt.clone(),
            near_latitude: self.near_latitude.clone(),
            near_longitude: self.near_longitude.clone(),
            radius_km: self.radius_km.clone(),
            updated_since: self.updated_since.clone(),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account; the password is read from COOPHUB_PASSWORD or the first line of standard input.
    Create {
        /// E-mail address of the account.
        #[arg(long)]
        email: String,
        /// Name others see.
        #[arg(long, default_value = "Administrator")]
        display_name: String,
        /// Make the account an administrator (the first one is created this way).
        #[arg(long)]
        admin: bool,
        /// Make the account a moderator.
        #[arg(long)]
        moderator: bool,
    },
    /// List the mail outbox (password reset messages): there is no mail server.
    Outbox,
}

#[derive(Subcommand, Debug)]
pub enum ApiKeyCommand {
    /// Create a key for a partner and print its secret (shown once).
    Create {
        /// The partner's name.
        #[arg(long)]
        partner: String,
    },
    /// List keys (without secrets).
    List,
}

/// An address (`10.0.0.1`, `::1`: one host) or a CIDR block (`10.0.0.0/8`).
fn parse_net(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("`{s}` is not an IP address or a CIDR block such as 10.0.0.0/8"))
}

/// One of `COOPHUB_CORS_ORIGINS`: a web origin, `scheme://host[:port]`, as a
/// browser sends it in `Origin` (no path, no trailing slash).
fn parse_origin(raw: &str) -> Result<String, String> {
    let url = parse_public_url(raw)?;
    let host = url.split_once("://").map(|x| x.1).unwrap_or_default();
    if host.contains('/') || host.contains('?') || host.contains('#') {
        return Err(format!(
            "`{raw}` is not an origin: give scheme and host only, e.g. https://portal.example.org"
        ));
    }
    Ok(url.to_ascii_lowercase())
}

/// `COOPHUB_PUBLIC_URL`: an http(s) address, kept without a trailing slash.
fn parse_public_url(raw: &str) -> Result<String, String> {
    let url = raw.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return Err("must name a host, e.g. https://coophub.example.org".into());
    }
    Ok(url.to_owned())
}
