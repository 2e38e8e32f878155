//! Posting and closing needs: officers for their local government, editors for
//! their cooperative; moderators may close any.

use crate::db::{
    editing::update_versioned,
    filter::{pkd_prefix, teryt_prefix},
    industry::{find_industry_by_code, sector_id_for_filter},
    local_government::find_local_government_by_teryt,
    need::{create_need, NewNeed},
};
use crate::error::AppError;
use crate::graphql::{
    db, loaders,
    node::{expect_id, parse_global_id},
    types::{Decimal, Need, ProcurementProcedure},
    viewer,
};
use crate::validate;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{NaiveDate, Utc};
use entity::need;
use sea_orm::Value;

/// Input of `postNeed`.
#[derive(InputObject)]
pub struct PostNeedInput {
    /// Who posts it: a LocalGovernment you are an officer of, or a Cooperative you edit.
    pub on_behalf_of: ID,
    /// Short title (at most 200 characters).
    pub title: String,
    /// What is needed (at most 5000 characters).
    pub description: String,
    /// Sector `slug`, e.g. `catering`.
    pub sector: Option<String>,
    /// PKD 2007 code at any level: `56`, `56.2`, `56.21.Z`.
    pub pkd: Option<String>,
    /// TERYT code of the place of delivery.
    pub place_teryt: String,
    /// How far from the place a supplier may be, in kilometres (more than 0, at most 500; default 30).
    pub radius_km: Option<f64>,
    /// Budget in PLN, e.g. "48000.00".
    pub budget_pln: Option<Decimal>,
    /// Deadline (today or later).
    pub deadline: Option<NaiveDate>,
    /// The procedure intended.
    pub procedure: Option<ProcurementProcedure>,
}

/// Input of `closeNeed`.
#[derive(InputObject)]
pub struct CloseNeedInput {
    /// The need.
    pub id: ID,
    /// The `version` you read; if it changed since, nothing is written (CONFLICT).
    pub version: i32,
    /// Why (bought, cancelled…), at most 1000 characters.
    pub reason: Option<String>,
}

/// Result of the need mutations.
#[derive(SimpleObject)]
pub struct NeedPayload {
    /// The need after the change.
    pub need: Need,
}

#[derive(Default)]
pub struct NeedMutation;

#[Object]
impl NeedMutation {
    /// Posts a need; it is public at once. Officers of the local government, or editors
    /// of the cooperative, named in `onBehalfOf`.
    async fn post_need(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The need.")] input: PostNeedInput,
    ) -> Result<NeedPayload> {
        let v = viewer(ctx);
        let user = v.user_id()?;
        let (kind, named) = parse_global_id("onBehalfOf", &input.on_behalf_of)?;
        // A city with powiat rights is one local government, whichever unit is named.
        let poster = if kind == "LocalGovernment" {
            crate::db::local_government::stored_unit(db(ctx)?, named).await?
        } else {
            named
        };
        let (buyer_id, cooperative_id) = match kind.as_str() {
            "LocalGovernment" if v.is_officer_of(poster) || v.is_officer_of(named) => {
                (Some(poster), None)
            }
            "Cooperative" if v.is_editor_of(poster) => (None, Some(poster)),
            "LocalGovernment" | "Cooperative" => return Err(AppError::Forbidden.into()),
            _ => {
                return Err(AppError::invalid(
                    "onBehalfOf",
                    "give the id of a LocalGovernment or a Cooperative",
                )
                .into())
            }
        };
        let db = db(ctx)?;
        let sector_id = sector_id_for_filter(db, "sector", input.sector.as_deref()).await?;
        let industry_id = match &input.pkd {
            Some(p) => {
                let code = pkd_prefix("pkd", p)?;
                Some(
                    find_industry_by_code(db, &code)
                        .await?
                        .ok_or_else(|| {
                            AppError::invalid("pkd", format!("no PKD 2007 code {code}"))
                        })?
                        .id,
                )
            }
            None => None,
        };
        let t = teryt_prefix("placeTeryt", &input.place_teryt)?;
        let place = find_local_government_by_teryt(db, &t)
            .await?
            .ok_or_else(|| {
                AppError::invalid("placeTeryt", format!("no local government with TERYT {t}"))
            })?;
        let new = NewNeed {
            title: input.title,
            description: input.description,
            sector_id,
            industry_id,
            // A city with powiat rights is one place, whichever unit is named.
            place_id: crate::db::local_government::stored_unit(db, place.id).await?,
            radius_km: input.radius_km,
            budget_grosze: input.budget_pln.map(|d| d.0),
            deadline: input.deadline,
            procedure: input.procedure.map(Into::into),
            buyer_id,
            cooperative_id,
        };
        Ok(NeedPayload {
            need: Need(create_need(db, user, new).await?),
        })
    }

    /// Closes a need. Its poster's officers or editors, and moderators.
    async fn close_need(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The need, the version read and why.")] input: CloseNeedInput,
    ) -> Result<NeedPayload> {
        let v = viewer(ctx);
        let user = v.user_id()?;
        let id = expect_id("id", &input.id, "Need")?;
        let n = loaders(ctx)?
            .need
            .load_one(id)
            .await?
            .ok_or_else(|| AppError::NotFound("need".into()))?;
        let allowed = v.is_moderator()
            || n.buyer_id.is_some_and(|b| v.is_officer_of(b))
            || n.cooperative_id.is_some_and(|c| v.is_editor_of(c));
        if !allowed {
            return Err(AppError::Forbidden.into());
        }
        if n.status != need::Status::Open {
            return Err(AppError::Conflict("this need is already closed".into()).into());
        }
        let reason = validate::optional_arg("reason", input.reason.as_deref(), 1000)?;
        let changes = vec![
            (need::Column::Status, Value::from(need::Status::Closed)),
            (need::Column::ClosedAt, Value::from(Utc::now())),
            (need::Column::ClosedReason, Value::from(reason)),
        ];
        let row =
            update_versioned::<need::Entity>(db(ctx)?, user, "Need", id, input.version, changes)
                .await?;
        Ok(NeedPayload { need: Need(row) })
    }
}
