//! Queries run without extensions. The schema's extensions (the cost guard, the
//! response cache) act before execution and around it, but async-graphql, once a
//! request has any extension, also routes every field it resolves through them
//! (a type lookup, an allocated future and a call per extension, per field): a
//! sixth of a partner page's time. So the HTTP layer prepares each query twice:
//! the request the guarded schema checks, charges and looks up in the cache, and
//! an [`Execution`] of the same document, variables and viewer, which the
//! innermost extension ([`HandOff`]) runs on a twin schema without extensions
//! (validated again in async-graphql's fast mode: the guarded schema validated
//! it fully). Mutations, and every request over the WebSocket, execute in the
//! guarded schema itself.

use crate::graphql::CoopSchema;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::{Request, Response};
use std::sync::{Arc, Mutex};

/// A query's execution as the HTTP layer prepared it: the same request, with the
/// loaders, for the twin schema.
pub struct Execution(pub Mutex<Option<Request>>);

impl Execution {
    pub fn new(request: Request) -> Execution {
        Execution(Mutex::new(Some(request)))
    }
}

/// The innermost extension: runs a prepared [`Execution`] on the twin schema
/// instead of executing in this one.
pub struct HandOff(pub CoopSchema);

impl ExtensionFactory for HandOff {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(HandOff(self.0.clone()))
    }
}

#[async_trait::async_trait]
impl Extension for HandOff {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let prepared = ctx
            .data_opt::<Execution>()
            .and_then(|e| e.0.lock().ok()?.take());
        match prepared {
            Some(request) => self.0.execute(request).await,
            None => next.run(ctx, operation_name).await,
        }
    }
}
