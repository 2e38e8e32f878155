//! The guard every request passes before it executes: cost (connections weigh
//! by `first`/`last`, as in GitHub's and Shopify's APIs), depth and alias count.
//! Over a limit the request is refused with BAD_USER_INPUT and no resolver (so
//! no SQL) runs. Then the cost is drained from the sender's budget (a leaky
//! bucket per partner key, per signed-in user or per client address); over
//! budget the request is refused with RATE_LIMITED (HTTP 429, `Retry-After`).
//! The measured cost and the bucket's state are reported in `extensions.cost`.

use super::{Budgets, Limits};
use crate::auth::{ClientAddr, Viewer};
use crate::limiter::{Limiter, Rule};
use async_graphql::{
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest,
        NextValidation,
    },
    parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet},
    Response, ServerError, ServerResult, ValidationResult, Value, Variables,
};
use std::sync::{
    atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    Arc, Mutex,
};

/// Per-request facts the HTTP layer needs after execution.
#[derive(Default, Debug)]
pub struct RequestMeta {
    /// Set once execution starts; a response without it is a request error (no `data`).
    pub executed: AtomicBool,
    /// Seconds to wait when the request was refused for its budget (0: it was not).
    pub retry_after: AtomicU64,
    /// The document holds a mutation (known once parsed; the time limit spares mutations).
    pub mutation: AtomicBool,
    /// Set by the HTTP layer, which can send a cached answer's bytes as they are.
    pub takes_cached_bytes: AtomicBool,
    /// The answer's `data` as JSON, when the response cache had it and the HTTP layer
    /// takes bytes: it sends them as they are (the response's own `data` is then null).
    pub cached_data: std::sync::Mutex<Option<CachedData>>,
}

/// A stored answer's `data` bytes (a range of its cache entry, not copied) and the
/// `ETag` computed when it was stored.
#[derive(Debug, Clone)]
pub struct CachedData {
    pub entry: Arc<Vec<u8>>,
    pub data: std::ops::Range<usize>,
    pub etag: std::ops::Range<usize>,
}

impl CachedData {
    pub fn data(&self) -> &[u8] {
        &self.entry[self.data.clone()]
    }

    pub fn etag(&self) -> &str {
        std::str::from_utf8(&self.entry[self.etag.clone()]).unwrap_or_default()
    }
}

pub struct CostGuard(Limits);

impl CostGuard {
    pub fn new(limits: Limits) -> Self {
        CostGuard(limits)
    }
}

impl ExtensionFactory for CostGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Guard {
            limits: self.0,
            aliases: AtomicUsize::new(0),
            cost: Mutex::new(None),
        })
    }
}

struct Guard {
    limits: Limits,
    aliases: AtomicUsize,
    cost: Mutex<Option<Value>>,
}

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|s| match &s.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(i) => count_aliases(&i.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

fn refuse(limit: &str, message: String) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", "BAD_USER_INPUT");
    ext.set("limit", limit);
    e.extensions = Some(ext);
    e
}

/// An application error raised before execution: no location, its code kept.
fn server_error(e: crate::error::AppError) -> ServerError {
    let gql: async_graphql::Error = e.into();
    let mut s = ServerError::new(gql.message, None);
    s.extensions = gql.extensions;
    s
}

/// An IPv6 client is one /64 (a home or an office gets a whole /64), an IPv4 client one address.
fn bucket_address(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        other => other.to_canonical().to_string(),
    }
}

/// The bucket a request drains, and its shape.
fn bucket(ctx: &ExtensionContext<'_>, budgets: &Budgets) -> (String, Rule) {
    match ctx.data_opt::<Viewer>() {
        Some(Viewer::Partner { key_id }) => (format!("key:{key_id}"), budgets.partner),
        Some(Viewer::User { id, .. }) => (format!("user:{id}"), budgets.anonymous),
        _ => {
            let addr = ctx
                .data_opt::<ClientAddr>()
                .map_or_else(|| "unknown".to_owned(), |a| bucket_address(a.0));
            (format!("ip:{addr}"), budgets.anonymous)
        }
    }
}

impl Guard {
    /// Takes the request's cost from its bucket; reports the bucket in `cost.throttleStatus`.
    async fn drain_budget(
        &self,
        ctx: &ExtensionContext<'_>,
        complexity: usize,
        cost: &mut serde_json::Value,
    ) -> Result<(), ServerError> {
        let (Some(limiter), Some(budgets)) = (
            ctx.data_opt::<std::sync::Arc<Limiter>>(),
            ctx.data_opt::<Budgets>(),
        ) else {
            return Ok(());
        };
        let (key, rule) = bucket(ctx, budgets);
        let level = limiter
            .take(&key, complexity as f64, rule)
            .await
            .map_err(server_error)?;
        cost["throttleStatus"] = serde_json::json!({
            "maximumAvailable": rule.capacity,
            "currentlyAvailable": level.available.floor(),
            "restoreRate": rule.rate,
        });
        if level.allowed {
            return Ok(());
        }
        let retry = level.retry_after(complexity as f64, rule);
        if let Some(meta) = ctx.data_opt::<Arc<RequestMeta>>() {
            meta.retry_after.store(retry, Ordering::Relaxed);
        }
        Err(server_error(crate::error::AppError::RateLimited {
            retry_after_secs: retry,
        }))
    }
}

#[async_trait::async_trait]
impl Extension for Guard {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut resp = next.run(ctx).await;
        if let Some(cost) = self.cost.lock().ok().and_then(|c| c.clone()) {
            resp.extensions.insert("cost".into(), cost);
        }
        resp
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let ops: usize = doc
            .operations
            .iter()
            .map(|(_, op)| count_aliases(&op.node.selection_set.node))
            .sum();
        let frags: usize = doc
            .fragments
            .values()
            .map(|f| count_aliases(&f.node.selection_set.node))
            .sum();
        self.aliases.store(ops + frags, Ordering::Relaxed);
        if let Some(meta) = ctx.data_opt::<Arc<RequestMeta>>() {
            let mutation = doc
                .operations
                .iter()
                .any(|(_, op)| op.node.ty == OperationType::Mutation);
            meta.mutation.store(mutation, Ordering::Relaxed);
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let r = next.run(ctx).await?;
        let aliases = self.aliases.load(Ordering::Relaxed);
        let l = self.limits;
        let mut cost = serde_json::json!({
            "requestedQueryCost": r.complexity,
            "maximumQueryCost": l.max_cost,
            "depth": r.depth,
            "maximumDepth": l.max_depth,
            "aliases": aliases,
            "maximumAliases": l.max_aliases,
        });
        let mut errors = Vec::new();
        if r.complexity > l.max_cost {
            errors.push(refuse(
                "cost",
                format!(
                    "query cost {} exceeds the limit of {}: ask for fewer items (`first`/`last`) or fewer nested connections",
                    r.complexity, l.max_cost
                ),
            ));
        }
        if r.depth > l.max_depth {
            errors.push(refuse(
                "depth",
                format!(
                    "query depth {} exceeds the limit of {}: nest less deeply",
                    r.depth, l.max_depth
                ),
            ));
        }
        if aliases > l.max_aliases {
            errors.push(refuse(
                "aliases",
                format!(
                    "{aliases} aliases exceed the limit of {}: use fewer aliases",
                    l.max_aliases
                ),
            ));
        }
        if errors.is_empty() {
            if let Err(e) = self.drain_budget(ctx, r.complexity, &mut cost).await {
                errors.push(e);
            }
        }
        if let (Ok(mut slot), Ok(v)) = (self.cost.lock(), Value::from_json(cost)) {
            *slot = Some(v);
        }
        if errors.is_empty() {
            Ok(r)
        } else {
            Err(errors)
        }
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Some(meta) = ctx.data_opt::<Arc<RequestMeta>>() {
            meta.executed.store(true, Ordering::Relaxed);
        }
        next.run(ctx, operation_name).await
    }
}
