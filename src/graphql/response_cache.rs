//! The response cache: whole answers to public reads (anonymous viewers and
//! partner keys, who see exactly the same data), in Redis when it is configured
//! (shared by every instance), else in process within a memory bound.
//!
//! Never stale: an entry's key covers the canonical document, the operation
//! name, the variables, the visibility class, and the write counter of every
//! data domain the document can read. Every write (mutations, imports, seeding)
//! bumps the counters of the domains it touches before it answers, where every
//! instance reads them (Redis; in process for the embedded single instance), so
//! no instance can reach an entry from before the write. Answers that change
//! with time alone (what is upcoming) are bounded too: the key holds the current
//! minute. Old entries are never deleted: they age out (Redis TTL, LRU).
//!
//! Redis down: the answer comes from the database, the failure is logged and
//! counted, and the cache works again as soon as Redis answers. A write whose
//! counter could not be bumped keeps retrying in the background until Redis
//! takes it.

use super::documents::{Parsed, Prepared, KEPT_DOCUMENTS, KEPT_DOCUMENT_BYTES};
use crate::auth::Viewer;
use crate::graphql::cost::{CachedData, RequestMeta};
use crate::redis_link::RedisLink;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
    NextValidation,
};
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Selection, SelectionSet, Type, TypeKind,
};
use async_graphql::{Positioned, Request, ServerError, ServerResult, ValidationResult, Variables};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ANSWERING_FROM_DB: &str = "response cache: answering from the database";

/// How long an entry lives in Redis (its key is only reachable for one minute anyway).
const TTL_SECS: u64 = 120;

pub use crate::policy::Domain;

/// Bumps every domain's counter in Redis (imports and seeding from the command line,
/// whose writes every running instance must see).
pub async fn bump_all_in_redis(url: &str, namespace: &str) -> anyhow::Result<()> {
    let mut conn = crate::redis_link::connect(url).await?;
    let mut pipe = redis::pipe();
    for d in Domain::ALL {
        pipe.cmd("INCR")
            .arg(format!("{namespace}:gen:{}", d.name()));
    }
    pipe.query_async::<()>(&mut conn).await?;
    Ok(())
}

/// What each object type's fields return, and which types an abstract type stands for.
pub struct TypeMap {
    fields: HashMap<String, HashMap<String, String>>,
    possible: HashMap<String, Vec<String>>,
}

fn base_name(t: &Type) -> &str {
    match &t.base {
        BaseType::Named(n) => n.as_str(),
        BaseType::List(inner) => base_name(inner),
    }
}

/// Each field's name and the named type it returns.
fn field_types(
    fields: &[Positioned<async_graphql::parser::types::FieldDefinition>],
) -> HashMap<String, String> {
    fields
        .iter()
        .map(|f| {
            (
                f.node.name.node.to_string(),
                base_name(&f.node.ty.node).to_owned(),
            )
        })
        .collect()
}

impl TypeMap {
    /// Built from the schema's own SDL, once at start-up.
    pub fn from_sdl(sdl: &str) -> TypeMap {
        let mut fields: HashMap<String, HashMap<String, String>> = HashMap::new();
        let mut possible: HashMap<String, Vec<String>> = HashMap::new();
        if let Ok(doc) = async_graphql::parser::parse_schema(sdl) {
            for def in doc.definitions {
                let async_graphql::parser::types::TypeSystemDefinition::Type(t) = def else {
                    continue;
                };
                let name = t.node.name.node.to_string();
                match &t.node.kind {
                    TypeKind::Object(o) => {
                        for i in &o.implements {
                            possible
                                .entry(i.node.to_string())
                                .or_default()
                                .push(name.clone());
                        }
                        fields.insert(name, field_types(&o.fields));
                    }
                    TypeKind::Interface(o) => {
                        fields.insert(name, field_types(&o.fields));
                    }
                    TypeKind::Union(u) => {
                        possible
                            .insert(name, u.members.iter().map(|m| m.node.to_string()).collect());
                    }
                    _ => {}
                }
            }
        }
        TypeMap { fields, possible }
    }

    /// Every type a document's operation can return data of.
    fn reached(
        &self,
        doc: &ExecutableDocument,
        operation: Option<&str>,
        root: &str,
    ) -> HashSet<String> {
        let mut seen = HashSet::new();
        for (name, op) in doc.operations.iter() {
            if operation.is_some_and(|want| name.is_some_and(|n| n.as_str() != want)) {
                continue;
            }
            self.walk(doc, root, &op.node.selection_set, &mut seen, 0);
        }
        seen
    }

    fn mark(&self, ty: &str, seen: &mut HashSet<String>) {
        if seen.insert(ty.to_owned()) {
            if let Some(all) = self.possible.get(ty) {
                for t in all.clone() {
                    self.mark(&t, seen);
                }
            }
        }
    }

    fn walk(
        &self,
        doc: &ExecutableDocument,
        ty: &str,
        set: &Positioned<SelectionSet>,
        seen: &mut HashSet<String>,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        self.mark(ty, seen);
        for sel in &set.node.items {
            match &sel.node {
                Selection::Field(f) => {
                    let name = f.node.name.node.as_str();
                    let Some(next) = self.fields.get(ty).and_then(|m| m.get(name)) else {
                        continue;
                    };
                    if f.node.selection_set.node.items.is_empty() {
                        self.mark(next, seen);
                        continue;
                    }
                    // A field of an abstract type: its selections may apply to any member.
                    let mut targets = vec![next.clone()];
                    if let Some(all) = self.possible.get(next) {
                        targets.extend(all.iter().cloned());
                    }
                    for t in targets {
                        self.walk(doc, &t, &f.node.selection_set, seen, depth + 1);
                    }
                }
                Selection::InlineFragment(fr) => {
                    let on = fr
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(ty.to_owned(), |c| c.node.on.node.to_string());
                    self.walk(doc, &on, &fr.node.selection_set, seen, depth + 1);
                }
                Selection::FragmentSpread(s) => {
                    if let Some(fr) = doc.fragments.get(&s.node.fragment_name.node) {
                        let on = fr.node.type_condition.node.on.node.to_string();
                        self.walk(doc, &on, &fr.node.selection_set, seen, depth + 1);
                    }
                }
            }
        }
    }
}

impl TypeMap {
    /// The type a page type (connection or edge) is a page of.
    fn page_node(&self, ty: &str) -> Option<&str> {
        let fields = self.fields.get(ty)?;
        crate::policy::table::page_node(|f| fields.get(f).map(String::as_str))
    }
}

/// The data domains a type's data belongs to, from the policy table
/// (`policy::table::TYPES`): a page reads what its nodes read, an abstract type
/// what its members read; scalars and enums read nothing of their own. An object
/// type the table does not know reads every domain: never a guess that could serve
/// a stale answer (the table's tests keep that from happening).
fn domains_of_type(map: &TypeMap, ty: &str, out: &mut BTreeSet<Domain>, depth: usize) {
    use crate::policy::Data;
    if let Some(t) = crate::policy::table::type_rule(ty) {
        match t.data {
            Data::In(d) => {
                out.insert(d);
            }
            Data::Across(ds) => out.extend(ds.iter().copied()),
            Data::OfParent | Data::Private | Data::None => {}
        }
        return;
    }
    // Pages of pages or of abstract types: a few levels at most.
    if depth > 4 {
        out.extend(Domain::ALL);
    } else if let Some(members) = map.possible.get(ty) {
        for m in members {
            domains_of_type(map, m, out, depth + 1);
        }
    } else if let Some(node) = map.page_node(ty) {
        domains_of_type(map, node, out, depth + 1);
    } else if map.fields.contains_key(ty) {
        tracing::error!(
            ty,
            "response cache: a type the policy table does not know reads every domain"
        );
        out.extend(Domain::ALL);
    }
}

/// The domains a document's operation reads.
pub fn domains(
    map: &TypeMap,
    doc: &ExecutableDocument,
    operation: Option<&str>,
) -> BTreeSet<Domain> {
    let mut out = BTreeSet::new();
    for t in map.reached(doc, operation, "QueryRoot") {
        domains_of_type(map, &t, &mut out, 0);
    }
    out
}

enum Generations {
    Local([std::sync::atomic::AtomicI64; Domain::ALL.len()]),
    Redis { conn: RedisLink, namespace: String },
}

enum Store {
    Local {
        entries: Mutex<lru::LruCache<String, Arc<Vec<u8>>>>,
        bytes: AtomicU64,
        limit: u64,
    },
    Redis {
        conn: RedisLink,
        namespace: String,
    },
}

/// Cached answers, and how the cache fares (for `/metrics`).
pub struct ResponseCache {
    store: Store,
    generations: Generations,
    pub types: TypeMap,
    /// Validation results by document, operation and variables: a hit skips validation.
    validated: Mutex<lru::LruCache<String, ValidationResult>>,
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub failures: AtomicU64,
}

impl ResponseCache {
    pub fn new(redis: Option<(RedisLink, &str)>, limit_bytes: u64, sdl: &str) -> ResponseCache {
        let (store, generations) = match redis {
            Some((conn, ns)) => (
                Store::Redis {
                    conn: conn.clone(),
                    namespace: ns.to_owned(),
                },
                Generations::Redis {
                    conn,
                    namespace: ns.to_owned(),
                },
            ),
            None => (
                Store::Local {
                    entries: Mutex::new(lru::LruCache::unbounded()),
                    bytes: AtomicU64::new(0),
                    limit: limit_bytes,
                },
                Generations::Local(Default::default()),
            ),
        };
        ResponseCache {
            store,
            generations,
            types: TypeMap::from_sdl(sdl),
            validated: Mutex::new(lru::LruCache::new(KEPT_DOCUMENTS)),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            failures: AtomicU64::new(0),
        }
    }

    /// The key of an answer: everything it depends on, hashed.
    fn key(
        normalised: &str,
        operation: Option<&str>,
        variables: &str,
        class: &str,
        generations: &[(Domain, i64)],
    ) -> String {
        let mut h = Sha256::new();
        // The entry format (see `encode`): a new one never reads an older one.
        h.update(b"v2\0");
        for part in [normalised, operation.unwrap_or(""), class] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.update(variables.as_bytes());
        for (d, g) in generations {
            h.update(format!("\0{d:?}={g}").as_bytes());
        }
        // Some answers change with time alone (`events(upcoming: true)`): an entry
        // serves for the minute it was made in, at most.
        let minute = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 60);
        h.update(format!("\0t={minute}").as_bytes());
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The write counters of `domains` now; None when they cannot be read (then
    /// nothing may be served from the cache).
    async fn generations(&self, domains: &BTreeSet<Domain>) -> Option<Vec<(Domain, i64)>> {
        match &self.generations {
            Generations::Local(g) => Some(
                domains
                    .iter()
                    .map(|d| (*d, g[*d as usize].load(Ordering::Acquire)))
                    .collect(),
            ),
            Generations::Redis { conn, namespace } => {
                if domains.is_empty() {
                    return Some(Vec::new());
                }
                let mut cmd = redis::cmd("MGET");
                for d in domains {
                    cmd.arg(format!("{namespace}:gen:{}", d.name()));
                }
                let gens: Vec<Option<i64>> = conn
                    .query_or_count(&cmd, &self.failures, ANSWERING_FROM_DB)
                    .await?;
                Some(
                    domains
                        .iter()
                        .zip(gens)
                        .map(|(d, g)| (*d, g.unwrap_or(0)))
                        .collect(),
                )
            }
        }
    }

    /// Counts a write to `domains`: answers cached before it can no longer be reached.
    /// If Redis does not take it now, it is retried in the background until it does.
    pub(crate) async fn bump(self: &Arc<Self>, domains: &[Domain]) {
        // A write no cached answer shows (a sign-in): nothing to count, and an empty
        // pipeline would wait on Redis for replies that never come.
        if domains.is_empty() {
            return;
        }
        if let Generations::Local(g) = &self.generations {
            for d in domains {
                g[*d as usize].fetch_add(1, Ordering::AcqRel);
            }
            return;
        }
        if self.try_bump(domains).await {
            return;
        }
        tracing::warn!(
            "response cache: Redis unavailable, a write's count is retried in the background"
        );
        let me = self.clone();
        let domains = domains.to_vec();
        tokio::spawn(async move {
            let mut wait = Duration::from_millis(50);
            while !me.try_bump(&domains).await {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(1));
            }
        });
    }

    async fn try_bump(&self, domains: &[Domain]) -> bool {
        let Generations::Redis { conn, namespace } = &self.generations else {
            return true;
        };
        let mut pipe = redis::pipe();
        for d in domains {
            pipe.cmd("INCR")
                .arg(format!("{namespace}:gen:{}", d.name()));
        }
        let pipe = &pipe;
        let ok = conn
            .run(|mut c| async move { pipe.query_async::<()>(&mut c).await })
            .await
            .is_some();
        if !ok {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    async fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        let found = match &self.store {
            Store::Local { entries, .. } => entries.lock().ok()?.get(key).cloned(),
            Store::Redis { conn, namespace } => {
                let cmd = redis::cmd("GET")
                    .arg(format!("{namespace}:rc:{key}"))
                    .to_owned();
                conn.query_or_count::<Option<Vec<u8>>>(&cmd, &self.failures, ANSWERING_FROM_DB)
                    .await
                    .flatten()
                    .map(Arc::new)
            }
        };
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    async fn put(&self, key: String, body: Arc<Vec<u8>>) {
        match &self.store {
            Store::Local {
                entries,
                bytes,
                limit,
            } => {
                let key_len = key.len() as u64;
                let size = body.len() as u64 + key_len;
                if size > *limit / 4 {
                    return;
                }
                let Ok(mut e) = entries.lock() else { return };
                if let Some(old) = e.put(key, body) {
                    bytes.fetch_sub(old.len() as u64 + key_len, Ordering::Relaxed);
                }
                let mut total = bytes.fetch_add(size, Ordering::Relaxed) + size;
                while total > *limit {
                    let Some((k, v)) = e.pop_lru() else { break };
                    let freed = v.len() as u64 + k.len() as u64;
                    total = bytes.fetch_sub(freed, Ordering::Relaxed) - freed;
                }
            }
            Store::Redis { conn, namespace } => {
                let cmd = redis::cmd("SET")
                    .arg(format!("{namespace}:rc:{key}"))
                    .arg(body.as_slice())
                    .arg("EX")
                    .arg(TTL_SECS)
                    .to_owned();
                conn.query_or_count::<()>(&cmd, &self.failures, "response cache: answer not kept")
                    .await;
            }
        }
    }
}

/// The cache as a schema extension: it acts after parsing, validation and the
/// cost guard (so every request is still checked and charged to its budget, and
/// `extensions.cost` is the viewer's own), around execution only. A hit returns
/// the stored `data`. Mutations pass through: their writes count themselves
/// (`graphql::effects`).
pub struct CacheExtension(pub Arc<ResponseCache>);

impl ExtensionFactory for CacheExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PerRequest {
            cache: self.0.clone(),
            operation: Mutex::new(None),
            seen: Mutex::new(None),
        })
    }
}

/// What one request's document is, for its key and its writes.
struct Seen {
    prepared: Arc<Prepared>,
    variables: String,
}

struct PerRequest {
    cache: Arc<ResponseCache>,
    /// The request's operation name (known before parsing).
    operation: Mutex<Option<String>>,
    seen: Mutex<Option<Seen>>,
}

/// The weak `ETag` of an answer's `data`.
///
/// The tag is weak and covers the answer's `data` only: `extensions.cost` tells
/// each request its own budget, which does not change what the data is.
pub fn etag_of(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// An entry: the answer's cache hint (public flag, max-age), the length of its
/// `ETag` and the tag, then its `data` as JSON.
fn encode(hint: async_graphql::CacheControl, data: &[u8]) -> Vec<u8> {
    let etag = etag_of(data);
    let mut out = Vec::with_capacity(6 + etag.len() + data.len());
    out.push(u8::from(hint.public));
    out.extend_from_slice(&hint.max_age.to_le_bytes());
    out.push(u8::try_from(etag.len()).unwrap_or(0));
    out.extend_from_slice(&etag.as_bytes()[..usize::from(out[5])]);
    out.extend_from_slice(data);
    out
}

/// A hit: the cache hint, and the `data` bytes handed to the HTTP layer through
/// the request's `RequestMeta` with their `ETag` (sent as stored: nothing is
/// parsed, copied or hashed again).
fn decode(
    entry: &Arc<Vec<u8>>,
    meta: Option<&Arc<RequestMeta>>,
) -> Option<async_graphql::Response> {
    let public = *entry.first()? == 1;
    let max_age = i32::from_le_bytes(entry.get(1..5)?.try_into().ok()?);
    let etag = 6..6 + usize::from(*entry.get(5)?);
    let data = etag.end..entry.len();
    std::str::from_utf8(entry.get(etag.clone())?).ok()?;
    let data = match meta.filter(|m| m.takes_cached_bytes.load(Ordering::Relaxed)) {
        Some(meta) => {
            *meta.cached_data.lock().ok()? = Some(CachedData {
                entry: entry.clone(),
                data,
                etag,
            });
            async_graphql::Value::Null
        }
        // Nobody to hand the bytes to (a query over the WebSocket): parse them.
        None => serde_json::from_slice(entry.get(data)?).ok()?,
    };
    let mut resp = async_graphql::Response::new(data);
    resp.cache_control = async_graphql::CacheControl { public, max_age };
    Some(resp)
}

#[async_trait::async_trait]
impl Extension for PerRequest {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let request = next.run(ctx, request).await?;
        if let Ok(mut op) = self.operation.lock() {
            op.clone_from(&request.operation_name);
        }
        Ok(request)
    }

    /// The request as the door prepared it (`documents::Prepared`: every HTTP and
    /// WebSocket request), else (the schema executed directly) prepared here.
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let prepared = match ctx.data_opt::<Arc<Prepared>>() {
            Some(p) => p.clone(),
            None => {
                let operation = self.operation.lock().ok().and_then(|o| o.clone());
                Arc::new(Prepared::new(Arc::new(Parsed::new(doc.clone())), operation))
            }
        };
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(Seen {
                prepared,
                variables: serde_json::to_string(variables).unwrap_or_default(),
            });
        }
        Ok(doc)
    }

    /// A document validated before with the same operation and variables is not
    /// validated again: the rules, its cost and its depth depend on nothing else.
    /// A document with variables over 32 KiB is validated every time (memory bound).
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        // By the normalised text (equal tokens, equal document), as answers are keyed.
        let key = self.seen.lock().ok().and_then(|seen| {
            let seen = seen.as_ref()?;
            let operation = self.operation.lock().ok()?.clone().unwrap_or_default();
            Some(format!(
                "{operation}\0{}\0{}",
                seen.prepared.parsed.normalised, seen.variables
            ))
        });
        // Kept as a hash: variables can hold what no memory should keep (a legal
        // question, a caller's contact), even for the life of an entry.
        let Some(key) = key
            .filter(|k| k.len() <= 2 * KEPT_DOCUMENT_BYTES)
            .map(|k| crate::auth::sha256_hex(&k))
        else {
            return next.run(ctx).await;
        };
        if let Some(r) = self
            .cache
            .validated
            .lock()
            .ok()
            .and_then(|mut v| v.get(&key).copied())
        {
            return Ok(r);
        }
        let r = next.run(ctx).await?;
        if let Ok(mut v) = self.cache.validated.lock() {
            v.put(key, r);
        }
        Ok(r)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        let Some(seen) = self.seen.lock().ok().and_then(|mut s| s.take()) else {
            return next.run(ctx, operation_name).await;
        };
        let prepared = &seen.prepared;
        // Anonymous viewers and partner keys see exactly the same data: one class.
        let public = matches!(
            crate::policy::visibility_class(ctx.data_opt::<Viewer>()),
            crate::policy::VisibilityClass::Public
        );
        if !prepared.is_query() || !public {
            return next.run(ctx, operation_name).await;
        }
        let domains = domains(&self.cache.types, &prepared.parsed.doc, operation_name);
        // Counters unreadable (Redis down): straight to the database, nothing kept.
        let Some(gens) = self.cache.generations(&domains).await else {
            return next.run(ctx, operation_name).await;
        };
        let key = ResponseCache::key(
            &prepared.parsed.normalised,
            operation_name,
            &seen.variables,
            "public",
            &gens,
        );
        let meta = ctx.data_opt::<Arc<RequestMeta>>();
        if let Some(resp) = self.cache.get(&key).await.and_then(|e| decode(&e, meta)) {
            return resp;
        }
        let resp = next.run(ctx, operation_name).await;
        if resp.errors.is_empty() {
            if let Ok(data) = serde_json::to_vec(&resp.data) {
                let entry = Arc::new(encode(resp.cache_control, &data));
                self.cache.put(key, entry.clone()).await;
                // The HTTP layer sends the stored bytes: not serialised or hashed twice.
                if meta.is_some_and(|m| m.takes_cached_bytes.load(Ordering::Relaxed))
                    && decode(&entry, meta).is_some()
                {
                    let mut resp = resp;
                    resp.data = async_graphql::Value::Null;
                    return resp;
                }
            }
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> TypeMap {
        TypeMap::from_sdl(&crate::graphql::sdl())
    }

    fn parse(q: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(q).unwrap_or_else(|e| panic!("{e}"))
    }

    fn domains_of(map: &TypeMap, q: &str) -> Vec<Domain> {
        domains(map, &parse(q), None).into_iter().collect()
    }

    #[test]
    fn a_document_reads_the_domains_of_every_type_it_reaches() {
        let map = map();
        assert_eq!(
            domains_of(&map, "{ sectors { nodes { slug } } }"),
            [Domain::Reference]
        );
        assert_eq!(
            domains_of(
                &map,
                "{ cooperatives { nodes { people { displayName } } } }"
            ),
            [Domain::Directory, Domain::Forum]
        );
        // Through fragments too, and an interface stands for every type behind it.
        assert_eq!(
            domains_of(&map, "query { events { ...E } } fragment E on EventConnection { nodes { place { name } } }"),
            [Domain::Reference, Domain::Forum]
        );
        // Every domain a Node lives in: all but the desk's (a legal case is no Node).
        assert_eq!(
            domains_of(&map, "{ node(id: \"x\") { id } }"),
            Domain::ALL[..4]
        );
        assert_eq!(Domain::ALL[4], Domain::Desk);
        assert_eq!(domains_of(&map, "{ __typename }"), []);
    }

    #[test]
    fn pages_read_what_their_nodes_read_and_enums_read_nothing() {
        let map = map();
        // A count alone still reads its nodes' domain.
        assert_eq!(
            domains_of(&map, "{ threads { totalCount } }"),
            [Domain::Forum]
        );
        // A page of a union reads every member's domain.
        assert_eq!(
            domains_of(&map, "{ search(query: \"x\") { totalCount } }"),
            [Domain::Reference, Domain::Directory, Domain::Knowledge]
        );
        // An enum or a part of a record is no data of the directory's.
        assert_eq!(
            domains_of(
                &map,
                "{ localGovernments { nodes { kind centroid { latitude } } } }"
            ),
            [Domain::Reference]
        );
        // The account's own data is never in a cached answer.
        assert_eq!(domains_of(&map, "{ me { email } }"), []);
    }
}
