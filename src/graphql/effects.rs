//! After a request's writes: what they changed reaches those who must hear of it.
//! Each write records, inside its transaction, the cache domains and forum changes
//! it made (`db::write`); this extension runs the request's execution under a
//! record and, once it is done (every write committed or rolled back), counts a
//! write to each recorded domain in the response cache and publishes each forum
//! change on the bus, for live feeds on every instance. Writes that fail record
//! nothing.

use crate::bus::Bus;
use crate::db::write::recording;
use crate::graphql::response_cache::ResponseCache;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use std::sync::Arc;

/// The schema extension (see the module's documentation).
pub struct Effects {
    pub cache: Option<Arc<ResponseCache>>,
    pub bus: Bus,
}

impl ExtensionFactory for Effects {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PerRequest {
            cache: self.cache.clone(),
            bus: self.bus.clone(),
        })
    }
}

struct PerRequest {
    cache: Option<Arc<ResponseCache>>,
    bus: Bus,
}

#[async_trait::async_trait]
impl Extension for PerRequest {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        let (resp, done) = recording(next.run(ctx, operation_name)).await;
        if let Some(cache) = &self.cache {
            if !done.domains.is_empty() {
                let domains: Vec<_> = done.domains.into_iter().collect();
                cache.bump(&domains).await;
            }
        }
        for change in done.forum {
            self.bus.publish(change);
        }
        for case in done.cases {
            self.bus.publish_case(case);
        }
        resp
    }
}
