//! The guard every request passes before it executes. Right after parsing, before
//! validation (which follows every fragment spread), the document's size with its
//! fragments expanded is measured in linear time (`document::expand`): a document
//! over `max_selections` or `max_aliases` is refused there, so fragments that
//! spread each other exponentially never reach a walk that would expand them.
//! After validation: cost (connections weigh by `first`/`last`, as in GitHub's
//! and Shopify's APIs) and depth. Over a limit the request is refused with
//! BAD_USER_INPUT (`extensions.limit` names it) and no resolver (so no SQL) runs.
//! Then the request is charged to the sender's budget (a leaky bucket per partner
//! key, per signed-in user or per client address): its cost, and never less than
//! its size (the selections it expands to), so a document priced at 0 still pays;
//! a document refused for its size pays the limit. Over budget the request is
//! refused with RATE_LIMITED (HTTP 429, `Retry-After`). The measured cost and
//! the bucket's state are reported in `extensions.cost`.

use super::document::{expand, Expansion};
use super::{Budgets, Limits};
use crate::auth::{ClientAddr, Viewer};
use crate::error::AppError;
use crate::limiter::{Limiter, Rule};
use async_graphql::{
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest,
        NextRequest, NextValidation,
    },
    Request, Response, ServerError, ServerResult, ValidationResult, Value,
};
use std::sync::{
    atomic::{AtomicBool, AtomicU64, Ordering},
    Arc, Mutex,
};

/// Per-request facts the HTTP layer needs after execution.
#[derive(Default, Debug)]
pub struct RequestMeta {
    /// Set once execution starts; a response without it is a request error (no `data`).
    pub executed: AtomicBool,
    /// Seconds to wait when the request was refused for its budget (0: it was not).
    pub retry_after: AtomicU64,
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
            expansion: Mutex::new(Expansion::default()),
            cost: Mutex::new(None),
        })
    }
}

struct Guard {
    limits: Limits,
    /// The parsed document's size with its fragments expanded.
    expansion: Mutex<Expansion>,
    cost: Mutex<Option<Value>>,
}

fn refuse(limit: &'static str, message: String) -> ServerError {
    AppError::Limit { limit, message }.into()
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

/// Who a request is charged to, and where a refusal's retry time goes: read from
/// the request's data (before execution starts, it is not yet the query's data).
struct Payer<'a> {
    viewer: Option<&'a Viewer>,
    addr: Option<&'a ClientAddr>,
    meta: Option<&'a Arc<RequestMeta>>,
}

impl<'a> Payer<'a> {
    fn of_query(ctx: &'a ExtensionContext<'_>) -> Payer<'a> {
        Payer {
            viewer: ctx.data_opt(),
            addr: ctx.data_opt(),
            meta: ctx.data_opt(),
        }
    }

    fn of_request(data: &'a async_graphql::Data) -> Payer<'a> {
        fn get<T: std::any::Any>(data: &async_graphql::Data) -> Option<&T> {
            data.get(&std::any::TypeId::of::<T>())?.downcast_ref()
        }
        Payer {
            viewer: get(data),
            addr: get(data),
            meta: get(data),
        }
    }

    /// The bucket the request drains, and its shape.
    fn bucket(&self, budgets: &Budgets) -> (String, Rule) {
        bucket_of(self.viewer, self.addr, budgets)
    }
}

/// The bucket a sender drains, and its shape: per partner key, per user, else
/// per client address. GraphQL requests and the HTTP files (`http::export`) share it.
pub fn bucket_of(
    viewer: Option<&Viewer>,
    addr: Option<&ClientAddr>,
    budgets: &Budgets,
) -> (String, Rule) {
    match viewer {
        Some(Viewer::Partner { key_id }) => (format!("key:{key_id}"), budgets.partner),
        Some(Viewer::User { id, .. }) => (format!("user:{id}"), budgets.anonymous),
        _ => {
            let addr = addr.map_or_else(|| "unknown".to_owned(), |a| bucket_address(a.0));
            (format!("ip:{addr}"), budgets.anonymous)
        }
    }
}

impl Guard {
    /// Takes the request's cost from its bucket; reports the bucket in `cost.throttleStatus`.
    async fn drain_budget(
        &self,
        ctx: &ExtensionContext<'_>,
        payer: &Payer<'_>,
        complexity: usize,
        cost: &mut serde_json::Value,
    ) -> Result<(), ServerError> {
        let (Some(limiter), Some(budgets)) = (
            ctx.data_opt::<std::sync::Arc<Limiter>>(),
            ctx.data_opt::<Budgets>(),
        ) else {
            return Ok(());
        };
        let (key, rule) = payer.bucket(budgets);
        let level = limiter
            .take(&key, complexity as f64, rule)
            .await
            .map_err(ServerError::from)?;
        cost["throttleStatus"] = serde_json::json!({
            "maximumAvailable": rule.capacity,
            "currentlyAvailable": level.available.floor(),
            "restoreRate": rule.rate,
        });
        if level.allowed {
            return Ok(());
        }
        let retry = level.retry_after(complexity as f64, rule);
        if let Some(meta) = payer.meta {
            meta.retry_after.store(retry, Ordering::Relaxed);
        }
        Err(AppError::RateLimited {
            retry_after_secs: retry,
        }
        .into())
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

    /// The document's size, measured before anything walks it with its fragments
    /// expanded: async-graphql itself does, right after parsing (its recursion check),
    /// and so does validation.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // Not a document: async-graphql parses it again and says why.
        let Ok(doc) = request.parsed_query() else {
            return next.run(ctx, request).await;
        };
        let size = expand(doc);
        if let Ok(mut e) = self.expansion.lock() {
            *e = size;
        }
        let l = self.limits;
        let refused = if size.selections > l.max_selections as u64 {
            refuse(
                "selections",
                format!(
                    "the document selects {} fields once its fragments are expanded, over the limit of {}: spread fragments fewer times or ask for fewer fields",
                    size.selections, l.max_selections
                ),
            )
        } else if size.aliases > l.max_aliases as u64 {
            refuse(
                "aliases",
                format!(
                    "{} aliases (fragments expanded) exceed the limit of {}: use fewer aliases",
                    size.aliases, l.max_aliases
                ),
            )
        } else {
            return next.run(ctx, request).await;
        };
        // Refused for its size, it still pays for it: the limit, the most it may cost.
        let mut cost = serde_json::json!({
            "selections": size.selections,
            "maximumSelections": l.max_selections,
            "aliases": size.aliases,
            "maximumAliases": l.max_aliases,
        });
        let charge = l.max_selections.max(l.max_aliases);
        let payer = Payer::of_request(&request.data);
        let refused = match self.drain_budget(ctx, &payer, charge, &mut cost).await {
            Ok(()) => refused,
            Err(limited) => limited,
        };
        if let (Ok(mut slot), Ok(v)) = (self.cost.lock(), Value::from_json(cost)) {
            *slot = Some(v);
        }
        Err(refused)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let r = next.run(ctx).await?;
        let size = self.expansion.lock().map(|e| *e).unwrap_or_default();
        let l = self.limits;
        let mut cost = serde_json::json!({
            "requestedQueryCost": r.complexity,
            "maximumQueryCost": l.max_cost,
            "depth": r.depth,
            "maximumDepth": l.max_depth,
            "aliases": size.aliases,
            "maximumAliases": l.max_aliases,
            "selections": size.selections,
            "maximumSelections": l.max_selections,
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
        if errors.is_empty() {
            // Never less than its size: a document the cost model prices at 0 still pays.
            let charge = r.complexity.max(size.selections as usize).max(1);
            if let Err(e) = self
                .drain_budget(ctx, &Payer::of_query(ctx), charge, &mut cost)
                .await
            {
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
