//! The guard every request passes before it executes: cost (connections weigh
//! by `first`/`last`, as in GitHub's and Shopify's APIs), depth and alias count.
//! Over a limit the request is refused with BAD_USER_INPUT and no resolver (so
//! no SQL) runs. The measured cost is reported in `extensions.cost`.

use super::Limits;
use async_graphql::{
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest,
        NextValidation,
    },
    parser::types::{ExecutableDocument, Selection, SelectionSet},
    Response, ServerError, ServerResult, ValidationResult, Value, Variables,
};
use std::sync::{
    atomic::{AtomicBool, AtomicUsize, Ordering},
    Arc, Mutex,
};

/// Per-request facts the HTTP layer needs after execution.
#[derive(Default, Debug)]
pub struct RequestMeta {
    /// Set once execution starts; a response without it is a request error (no `data`).
    pub executed: AtomicBool,
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
        let cost = serde_json::json!({
            "requestedQueryCost": r.complexity,
            "maximumQueryCost": l.max_cost,
            "depth": r.depth,
            "maximumDepth": l.max_depth,
            "aliases": aliases,
            "maximumAliases": l.max_aliases,
        });
        if let (Ok(mut slot), Ok(v)) = (self.cost.lock(), Value::from_json(cost)) {
            *slot = Some(v);
        }
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
