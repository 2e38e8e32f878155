//! `node(id:)` and `nodes(ids:)`: each object as its list shows it, by the same
//! rules (`crate::policy`): what the viewer may not see is null, as if absent.

use crate::error::{AppError, AppResult};
use crate::graphql::{
    loaders,
    node::{parse_global_id, Node},
    types::*,
    viewer,
};
use crate::policy::{content_visible, person_visible, post_visible, procurement_visible};
use async_graphql::{Context, Object, Result, ID};

#[derive(Default)]
pub struct NodeQuery;

pub(super) async fn fetch(ctx: &Context<'_>, id: &ID) -> AppResult<Option<Node>> {
    let (kind, n) = parse_global_id("id", id)?;
    let l = loaders(ctx)?;
    Ok(match kind.as_str() {
        "Cooperative" => l
            .cooperative
            .load_one(n)
            .await?
            .map(|m| Node::Cooperative(Cooperative(m))),
        "Offering" => l
            .offering
            .load_one(n)
            .await?
            .map(|m| Node::Offering(Offering(m))),
        "LocalGovernment" => l.unit(n).map(|m| Node::LocalGovernment(LocalGovernment(m))),
        "Industry" => l
            .industry
            .load_one(n)
            .await?
            .map(|m| Node::Industry(Industry(m))),
        "Sector" => l.sector.load_one(n).await?.map(|m| Node::Sector(Sector(m))),
        "Institution" => l
            .institution
            .load_one(n)
            .await?
            .map(|m| Node::Institution(Institution(m))),
        "ProcurementExample" => {
            let v = viewer(ctx);
            l.procurement_example
                .load_one(n)
                .await?
                .filter(|p| procurement_visible(v, p))
                .map(|m| Node::ProcurementExample(ProcurementExample(m)))
        }
        "Need" => l.need.load_one(n).await?.map(|m| Node::Need(Need(m))),
        "Person" => l
            .person
            .load_one(n)
            .await?
            .filter(|p| person_visible(viewer(ctx), p))
            .map(|m| Node::Person(Person(m))),
        "Event" => l.event.load_one(n).await?.map(|m| Node::Event(Event(m))),
        "EventSession" => l
            .programme_session
            .load_one(n)
            .await?
            .map(|m| Node::EventSession(EventSession(m))),
        "Thread" => l.thread.load_one(n).await?.map(|m| Node::Thread(Thread(m))),
        "Post" => {
            let moderator = viewer(ctx).is_moderator();
            l.post
                .load_one(n)
                .await?
                .filter(|p| post_visible(moderator, p))
                .map(|m| Node::Post(Post::of(m)))
        }
        "Recommendation" => l
            .recommendation
            .load_one(n)
            .await?
            .filter(|r| content_visible(viewer(ctx), r.status))
            .map(|m| Node::Recommendation(Recommendation(m))),
        "Article" => l
            .article
            .load_one(n)
            .await?
            .filter(|a| content_visible(viewer(ctx), a.status))
            .map(|m| Node::Article(Article(m))),
        "Publication" => l
            .publication
            .load_one(n)
            .await?
            .map(|m| Node::Publication(Publication(m))),
        "Founder" => l
            .founder
            .load_one(n)
            .await?
            .map(|m| Node::Founder(Founder(m))),
        other => {
            return Err(AppError::invalid(
                "id",
                format!("no object type {other} has ids"),
            ))
        }
    })
}

#[Object]
impl NodeQuery {
    /// Any object by its global id; null when it does not exist.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id returned by this API.")] id: ID,
    ) -> Result<Option<Node>> {
        Ok(fetch(ctx, &id).await?)
    }

    /// Several objects by global id, in the same order; null where one does not exist. At most 100 ids.
    #[graphql(complexity = "ids.len().saturating_mul(child_complexity)")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids returned by this API (at most 100).")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(AppError::invalid(
                "ids",
                format!("at most 100 ids at once, got {}", ids.len()),
            )
            .into());
        }
        let found = futures_util::future::join_all(ids.iter().map(|id| fetch(ctx, id))).await;
        Ok(found.into_iter().collect::<AppResult<Vec<_>>>()?)
    }
}
