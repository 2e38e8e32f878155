//! The signed-in user's own account and data; moderators' and admins' queues;
//! the history of a record for its editors and moderators.

use crate::db::{account, audit, lists};
use crate::error::AppError;
use crate::graphql::{
    connection::{build_keyed, cost, from_list, Conn, KeyPage},
    db, loaders,
    mutation::me_of,
    node::{global_id, parse_global_id},
    types::{
        ApiKey, AuditEntry, Claim, ClaimStatus, CooperativeRequest, Me, ProcurementExample,
        RequestStatus,
    },
    viewer,
};
use crate::policy::{history_visible, Record};
use crate::requests;
use async_graphql::{Context, Object, Result, ID};
use sea_orm::ActiveEnum;
use serde_json::json;

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in user's account; null when anonymous.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<Me>> {
        match viewer(ctx).user_id() {
            Ok(id) => Ok(Some(me_of(ctx, id).await?)),
            Err(_) => Ok(None),
        }
    }

    /// Everything coophub holds about the signed-in user, as one JSON document
    /// (account, roles, claims, requests about cooperatives, changes they made,
    /// forum profile, posts and events, legal questions with their messages).
    async fn my_data(&self, ctx: &Context<'_>) -> Result<String> {
        let id = viewer(ctx).user_id()?;
        let db = db(ctx)?;
        let me = me_of(ctx, id).await?;
        let claims = account::list_claims(db, None, Some(id)).await?;
        let cooperative_requests = requests::list(db, None, Some(id)).await?;
        let changes = audit::authored_by(db, id).await?;
        let cases = crate::db::desk::data_of(db, id).await?;
        let forum = crate::db::network::forum_data_of(db, id).await?.map(|(p, posts, events)| {
            json!({
                "person": { "id": global_id("Person", p.id), "displayName": p.display_name, "publicProfile": p.public_profile,
                    "roleTitle": p.role_title, "bio": p.bio, "cooperativeId": p.cooperative_id,
                    "localGovernmentId": p.local_government_id, "institutionId": p.institution_id },
                "posts": posts.iter().map(|x| json!({ "id": global_id("Post", x.id), "thread": global_id("Thread", x.thread_id),
                    "createdAt": x.created_at.to_rfc3339(), "editedAt": x.edited_at.map(|t| t.to_rfc3339()),
                    "bodyMarkdown": x.body_markdown, "deleted": x.deleted, "hidden": x.hidden })).collect::<Vec<_>>(),
                "events": events.iter().map(|x| json!({ "event": global_id("Event", x.event_id), "role": x.role.to_value(),
                    "status": x.status.to_value(), "registeredAt": x.created_at.to_rfc3339() })).collect::<Vec<_>>(),
            })
        });
        let doc = json!({
            "forum": forum,
            "account": { "email": me.user.email, "displayName": me.user.display_name, "createdAt": me.user.created_at.to_rfc3339() },
            "roles": me.roles.iter().map(|r| json!({ "role": r.role.to_value(), "cooperativeId": r.cooperative_id, "localGovernmentId": r.local_government_id })).collect::<Vec<_>>(),
            "claims": claims.iter().map(|c| json!({ "cooperativeId": c.cooperative_id, "note": c.note, "status": c.status.to_value(), "reason": c.reason, "createdAt": c.created_at.to_rfc3339() })).collect::<Vec<_>>(),
            "cooperativeRequests": cooperative_requests.iter().map(|r| json!({ "kind": r.kind.to_value(), "cooperativeId": r.cooperative_id, "fields": requests::fields_of(r), "note": r.note, "status": r.status.to_value(), "reason": r.reason, "createdAt": r.created_at.to_rfc3339() })).collect::<Vec<_>>(),
            "legalCases": cases.iter().map(|(c, messages)| json!({ "id": global_id("LegalCase", c.id), "topic": c.topic.to_value(),
                "question": c.question, "status": c.status.to_value(), "submittedAt": c.submitted_at.to_rfc3339(), "dueOn": c.due_on.to_string(),
                "cooperativeId": c.cooperative_id, "rating": c.rating,
                "messages": messages.iter().map(|m| json!({ "fromAdvisor": m.by_advisor, "body": m.body, "createdAt": m.created_at.to_rfc3339() })).collect::<Vec<_>>() })).collect::<Vec<_>>(),
            "changes": changes.iter().map(|a| json!({ "at": a.at.to_rfc3339(), "record": format!("{}:{}", a.entity, a.record_id), "action": a.action.to_value(), "changes": serde_json::from_str::<serde_json::Value>(&a.changes).unwrap_or_default() })).collect::<Vec<_>>(),
        });
        Ok(doc.to_string())
    }

    /// The signed-in user's claims, oldest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn my_claims(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Claim>> {
        let id = viewer(ctx).user_id()?;
        let rows = account::list_claims(db(ctx)?, None, Some(id)).await?;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::CLAIMS, ctx)?;
        Ok(from_list(rows, &lists::CLAIMS, &seek, Claim)?)
    }

    /// Claims by status, oldest first (default PENDING). Moderators.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn claims(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which claims (default PENDING).",
            default_with = "ClaimStatus::Pending"
        )]
        status: ClaimStatus,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Claim>> {
        viewer(ctx).require_moderator()?;
        let rows = account::list_claims(db(ctx)?, Some(status.into()), None).await?;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::CLAIMS, ctx)?;
        Ok(from_list(rows, &lists::CLAIMS, &seek, Claim)?)
    }

    /// The signed-in user's requests about cooperatives (proposals, changes to
    /// registry facts), oldest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn my_cooperative_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<CooperativeRequest>> {
        let id = viewer(ctx).user_id()?;
        let rows = requests::list(db(ctx)?, None, Some(id)).await?;
        let seek = KeyPage::new(after, before, first, last)?
            .list_seek(&lists::COOPERATIVE_REQUESTS, ctx)?;
        Ok(from_list(
            rows,
            &lists::COOPERATIVE_REQUESTS,
            &seek,
            CooperativeRequest,
        )?)
    }

    /// Requests about cooperatives by status, oldest first (default PENDING): the
    /// moderators' queue of proposed cooperatives and changes to registry facts. Moderators.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn cooperative_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which requests (default PENDING).",
            default_with = "RequestStatus::Pending"
        )]
        status: RequestStatus,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<CooperativeRequest>> {
        viewer(ctx).require_moderator()?;
        let rows = requests::list(db(ctx)?, Some(status.into()), None).await?;
        let seek = KeyPage::new(after, before, first, last)?
            .list_seek(&lists::COOPERATIVE_REQUESTS, ctx)?;
        Ok(from_list(
            rows,
            &lists::COOPERATIVE_REQUESTS,
            &seek,
            CooperativeRequest,
        )?)
    }

    /// Partner API keys, without secrets. Admins.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<ApiKey>> {
        viewer(ctx).require_admin()?;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::API_KEYS, ctx)?;
        Ok(from_list(
            account::list_api_keys(db(ctx)?).await?,
            &lists::API_KEYS,
            &seek,
            ApiKey,
        )?)
    }

    /// Proposed procurement examples waiting for verification. Moderators.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn unverified_procurement_examples(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<ProcurementExample>> {
        viewer(ctx).require_moderator()?;
        let rows = crate::db::procurement::list_unverified(db(ctx)?).await?;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::UNVERIFIED, ctx)?;
        Ok(from_list(
            rows,
            &lists::UNVERIFIED,
            &seek,
            ProcurementExample,
        )?)
    }

    /// The change history of a cooperative, an offering or a procurement example, newest first.
    /// The cooperative's editors and moderators (procurement examples: moderators and the proposer).
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's global id.")] id: ID,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<AuditEntry>> {
        let page = KeyPage::new(after, before, first, last)?;
        let v = viewer(ctx);
        v.user_id()?;
        let (kind, n) = parse_global_id("id", &id)?;
        let l = loaders(ctx)?;
        let allowed = match kind.as_str() {
            "Cooperative" => history_visible(v, Record::Cooperative(n)),
            "Offering" => {
                let o = l.offering.load_one(n).await?;
                history_visible(v, Record::Offering(o.as_ref()))
            }
            "ProcurementExample" => {
                let p = l.procurement_example.load_one(n).await?;
                history_visible(v, Record::ProcurementExample(p.as_ref()))
            }
            "Recommendation" | "Article" | "Publication" => history_visible(v, Record::Content),
            _ => {
                return Err(AppError::invalid(
                    "id",
                    "only cooperatives, offerings, procurement examples, recommendations, articles and publications have a history",
                )
                .into())
            }
        };
        if !allowed {
            return Err(AppError::Forbidden.into());
        }
        let seek = page.seek(&audit::NEWEST_FIRST, ctx)?;
        let paged = audit::history(db(ctx)?, &kind, n, &seek).await?;
        Ok(build_keyed(&audit::NEWEST_FIRST, paged, |m| {
            (AuditEntry(m), ())
        }))
    }
}
