//! Persisted queries: Apollo's automatic persisted queries protocol
//! (`extensions.persistedQuery = {version: 1, sha256Hash}`). A hash the server
//! does not know is answered with `PersistedQueryNotFound`; the client then
//! sends the document with its hash once, and from then on the hash alone
//! (over GET, so any HTTP cache can keep the answer). Documents live in Redis
//! when it is configured (every instance knows them), in a bounded in-process
//! LRU otherwise.
//!
//! A manifest (`COOPHUB_PERSISTED_QUERIES`, a JSON object `{sha256: document}`)
//! makes its documents known by hash from the start. Allow-list mode
//! (`COOPHUB_PERSISTED_QUERIES_ONLY`): only the manifest's documents run, by hash
//! or in full; nothing else is registered or executed.

use crate::auth::sha256_hex;
use crate::redis_link::RedisLink;
use anyhow::{bail, Context};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;

/// Documents kept in process when there is no Redis.
const LOCAL_CAPACITY: usize = 10_000;

/// Why a request's persisted query cannot run.
#[derive(Debug, PartialEq, Eq)]
pub enum PersistedError {
    /// The hash is unknown: send the document with it.
    NotFound,
    /// The document does not hash to the given `sha256Hash`.
    Mismatch,
    /// A `persistedQuery` extension this server does not understand.
    Malformed(String),
    /// Allow-list mode, and the document is not on the list.
    NotAllowed,
}

/// Its code and message come from the one error table (`error.rs`).
impl From<PersistedError> for crate::error::AppError {
    fn from(e: PersistedError) -> Self {
        use crate::error::AppError;
        match e {
            PersistedError::NotFound => AppError::PersistedQueryNotFound,
            PersistedError::Mismatch => {
                AppError::BadRequest("provided sha does not match query".into())
            }
            PersistedError::Malformed(m) => AppError::BadRequest(m),
            PersistedError::NotAllowed => AppError::PersistedQueryNotAllowed,
        }
    }
}

enum Store {
    Local(Mutex<lru::LruCache<String, String>>),
    Redis { conn: RedisLink, namespace: String },
}

/// The persisted documents of this deployment.
pub struct PersistedQueries {
    store: Store,
    /// The manifest's documents, by hash: always known, and in allow-list mode the
    /// only ones that run.
    manifest: HashMap<String, String>,
    only: bool,
    /// Failed reads or writes of the shared store (Redis down), for `/metrics`.
    pub failures: AtomicU64,
}

impl PersistedQueries {
    pub fn new(
        redis: Option<(RedisLink, &str)>,
        manifest: Option<&std::path::Path>,
        only: bool,
    ) -> anyhow::Result<PersistedQueries> {
        let store = match redis {
            Some((conn, namespace)) => Store::Redis {
                conn,
                namespace: namespace.to_owned(),
            },
            None => Store::Local(Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(LOCAL_CAPACITY).unwrap_or(NonZeroUsize::MIN),
            ))),
        };
        let manifest = match (only, manifest) {
            (true, None) => bail!(
                "COOPHUB_PERSISTED_QUERIES_ONLY needs the manifest of allowed documents in COOPHUB_PERSISTED_QUERIES"
            ),
            (_, Some(path)) => read_manifest(path)?,
            (false, None) => HashMap::new(),
        };
        Ok(PersistedQueries {
            store,
            manifest,
            only,
            failures: AtomicU64::new(0),
        })
    }

    /// The document to run: `query` itself, or the one `extensions.persistedQuery`
    /// names (registering `query` under its hash when both are given).
    pub async fn resolve(
        &self,
        query: Option<String>,
        extensions: &Map<String, Value>,
    ) -> Result<Option<String>, PersistedError> {
        let hash = match extensions.get("persistedQuery") {
            None | Some(Value::Null) => None,
            Some(pq) => Some(hash_of(pq)?),
        };
        if self.only {
            let hash = match (&hash, &query) {
                (Some(h), _) => h.clone(),
                (None, Some(q)) => sha256_hex(q),
                (None, None) => return Ok(None),
            };
            return match self.manifest.get(&hash) {
                Some(doc) if query.as_ref().is_none_or(|q| q == doc) => Ok(Some(doc.clone())),
                Some(_) => Err(PersistedError::Mismatch),
                None => Err(PersistedError::NotAllowed),
            };
        }
        let Some(hash) = hash else {
            return Ok(query);
        };
        // The manifest's documents are known by hash without being sent first.
        if let (None, Some(doc)) = (&query, self.manifest.get(&hash)) {
            return Ok(Some(doc.clone()));
        }
        match query {
            Some(q) => {
                if sha256_hex(&q) != hash {
                    return Err(PersistedError::Mismatch);
                }
                self.put(&hash, &q).await;
                Ok(Some(q))
            }
            None => self
                .get(&hash)
                .await
                .map(Some)
                .ok_or(PersistedError::NotFound),
        }
    }

    async fn get(&self, hash: &str) -> Option<String> {
        match &self.store {
            Store::Local(m) => m.lock().ok()?.get(hash).cloned(),
            Store::Redis { conn, namespace } => {
                let cmd = redis::cmd("GET")
                    .arg(format!("{namespace}:pq:{hash}"))
                    .to_owned();
                // Unreadable: the client sends the document again and the request succeeds.
                conn.query_or_count::<Option<String>>(
                    &cmd,
                    &self.failures,
                    "persisted queries ask for the document",
                )
                .await
                .flatten()
            }
        }
    }

    async fn put(&self, hash: &str, doc: &str) {
        match &self.store {
            Store::Local(m) => {
                if let Ok(mut m) = m.lock() {
                    m.put(hash.to_owned(), doc.to_owned());
                }
            }
            Store::Redis { conn, namespace } => {
                let cmd = redis::cmd("SET")
                    .arg(format!("{namespace}:pq:{hash}"))
                    .arg(doc)
                    .to_owned();
                conn.query_or_count::<()>(&cmd, &self.failures, "persisted document not kept")
                    .await;
            }
        }
    }
}

/// The `sha256Hash` of a `persistedQuery` extension (version 1 only).
fn hash_of(pq: &Value) -> Result<String, PersistedError> {
    let bad = |m: &str| PersistedError::Malformed(m.to_owned());
    if pq.get("version").and_then(Value::as_i64) != Some(1) {
        return Err(bad("persistedQuery: only `version: 1` is supported"));
    }
    let hash = pq
        .get("sha256Hash")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("persistedQuery needs `sha256Hash`, the hex SHA-256 of the document"))?;
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad(
            "persistedQuery.sha256Hash must be 64 hexadecimal digits",
        ));
    }
    Ok(hash.to_ascii_lowercase())
}

/// A manifest `{"<sha256 of the document>": "<document>", …}`, every hash checked.
fn read_manifest(path: &std::path::Path) -> anyhow::Result<HashMap<String, String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the persisted query manifest {}", path.display()))?;
    let map: HashMap<String, String> = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} must be a JSON object of sha256 hash to document",
            path.display()
        )
    })?;
    for (hash, doc) in &map {
        if sha256_hex(doc) != hash.to_ascii_lowercase() {
            bail!(
                "{}: the document under {hash} does not hash to it",
                path.display()
            );
        }
    }
    Ok(map
        .into_iter()
        .map(|(h, d)| (h.to_ascii_lowercase(), d))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ext(hash: &str) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(
            "persistedQuery".into(),
            json!({ "version": 1, "sha256Hash": hash }),
        );
        m
    }

    #[tokio::test]
    async fn the_apq_handshake_registers_then_serves_by_hash() {
        let pq = PersistedQueries::new(None, None, false).unwrap_or_else(|e| panic!("{e}"));
        let doc = "{ __typename }";
        let hash = sha256_hex(doc);
        assert_eq!(
            pq.resolve(None, &ext(&hash)).await,
            Err(PersistedError::NotFound)
        );
        assert_eq!(
            pq.resolve(Some("{ x }".into()), &ext(&hash)).await,
            Err(PersistedError::Mismatch)
        );
        assert_eq!(
            pq.resolve(Some(doc.into()), &ext(&hash)).await,
            Ok(Some(doc.into()))
        );
        assert_eq!(pq.resolve(None, &ext(&hash)).await, Ok(Some(doc.into())));
        assert!(matches!(
            pq.resolve(None, &ext("abc")).await,
            Err(PersistedError::Malformed(_))
        ));
    }

    #[tokio::test]
    async fn a_manifests_documents_are_known_by_hash_from_the_start() {
        let doc = "{ sectors { totalCount } }";
        let hash = sha256_hex(doc);
        let path = std::env::temp_dir().join(format!("coophub-manifest-{hash}.json"));
        std::fs::write(&path, json!({ hash.clone(): doc }).to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        let pq = PersistedQueries::new(None, Some(&path), false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pq.resolve(None, &ext(&hash)).await, Ok(Some(doc.into())));
        // Not in allow-list mode: other documents still run.
        assert_eq!(
            pq.resolve(Some("{ x }".into()), &Map::new()).await,
            Ok(Some("{ x }".into()))
        );
        // A manifest whose document does not hash to its key stops the start.
        std::fs::write(&path, json!({ hash: "{ y }" }).to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(PersistedQueries::new(None, Some(&path), false).is_err());
        let _ = std::fs::remove_file(&path);
    }
}
