//! Requests about cooperatives (`requests`): a member proposes a new cooperative,
//! a moderator approves or rejects it (and an editor's change to registry facts),
//! with a reason; moderators and admins create cooperatives directly.

use crate::error::{AppError, AppResult};
use crate::graphql::{
    db,
    node::expect_id,
    types::{
        Cooperative, CooperativeRequest, CooperativeStatus, FounderKind, FounderOrganisationKind,
        OfferingKind,
    },
    viewer,
};
use crate::requests::{self, Fields};
use crate::validate;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use sea_orm::ActiveEnum;

/// A new cooperative as the court register and the cooperative describe it.
/// Checked by the rules of the bulk import (docs/import.md).
#[derive(InputObject)]
pub struct NewCooperativeInput {
    /// Registered name.
    pub name: String,
    /// KRS number (10 digits; at least one of KRS, NIP, REGON).
    pub krs: Option<String>,
    /// NIP (10 digits with its check digit).
    pub nip: Option<String>,
    /// REGON (9 or 14 digits with its check digit).
    pub regon: Option<String>,
    /// Legal status (default ACTIVE).
    pub status: Option<CooperativeStatus>,
    /// Who founded it.
    pub founder_kind: FounderKind,
    /// Date of entry in the court register.
    pub registration_date: Option<chrono::NaiveDate>,
    /// TERYT code of the seat's gmina (7 digits).
    pub seat_teryt: String,
    /// Street and number.
    pub street: Option<String>,
    /// Postal code, NN-NNN.
    pub postal_code: Option<String>,
    /// Town.
    pub city: Option<String>,
    /// Latitude of the seat's address (WGS 84), with `longitude`.
    pub latitude: Option<f64>,
    /// Longitude of the seat's address (WGS 84), with `latitude`.
    pub longitude: Option<f64>,
    /// Public telephone.
    pub phone: Option<String>,
    /// Public contact e-mail.
    pub public_email: Option<String>,
    /// Website, http:// or https://.
    pub website: Option<String>,
    /// What the cooperative does (at most 5000 characters).
    pub description: Option<String>,
    /// Number of members.
    pub member_count: Option<i32>,
    /// Number of employees.
    pub employee_count: Option<i32>,
    /// PKD 2007 subclasses (e.g. 56.21.Z), the primary first.
    pub pkd_codes: Option<Vec<String>>,
    /// Its legal-person founders, for one founded by legal persons (at most 20;
    /// natural persons are not listed).
    pub founders: Option<Vec<NewFounderInput>>,
    /// What it offers (at most 30; its editors add more once it is approved),
    /// checked as `createOffering` checks them.
    pub offerings: Option<Vec<NewCooperativeOfferingInput>>,
}

/// A product or service of a new cooperative.
#[derive(InputObject)]
pub struct NewCooperativeOfferingInput {
    /// Product or service.
    pub kind: OfferingKind,
    /// Its name (at most 200 characters).
    pub name: String,
    /// What it is (at most 5000 characters).
    pub description: Option<String>,
    /// How it is priced, in words (at most 300 characters).
    pub price_note: Option<String>,
    /// Its PKD 2007 subclass, e.g. 56.21.Z.
    pub industry_code: Option<String>,
    /// Served within this many kilometres of the seat (0–500).
    pub radius_km: Option<f64>,
    /// TERYT codes of the units it serves in full (at most 100).
    pub area_teryt: Option<Vec<String>>,
}

/// A legal-person founder of a new cooperative.
#[derive(InputObject)]
pub struct NewFounderInput {
    /// What kind of legal person.
    pub kind: FounderOrganisationKind,
    /// Its name, e.g. "Gmina Bochnia", "Stowarzyszenie „Razem”".
    pub name: String,
    /// For a local government: its TERYT code (the unit it is); none for others.
    pub local_government_teryt: Option<String>,
}

impl NewCooperativeInput {
    /// The fields by the export's column names, as the import reads them.
    fn fields(&self) -> AppResult<Fields> {
        no_mixed_founders(Some(self.founder_kind))?;
        let mut f = Fields::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                f.insert(k.to_owned(), v);
            }
        };
        let status = self.status.unwrap_or(CooperativeStatus::Active);
        put("name", Some(self.name.clone()));
        put("krs", self.krs.clone());
        put("nip", self.nip.clone());
        put("regon", self.regon.clone());
        put(
            "status",
            Some(entity::cooperative::Status::from(status).to_value()),
        );
        put(
            "founderKind",
            Some(entity::cooperative::FounderKind::from(self.founder_kind).to_value()),
        );
        put(
            "registrationDate",
            self.registration_date
                .map(|d| d.format("%Y-%m-%d").to_string()),
        );
        put("seatTeryt", Some(self.seat_teryt.clone()));
        put("street", self.street.clone());
        put("postalCode", self.postal_code.clone());
        put("city", self.city.clone());
        put("latitude", self.latitude.map(|v| v.to_string()));
        put("longitude", self.longitude.map(|v| v.to_string()));
        put("phone", self.phone.clone());
        put("publicEmail", self.public_email.clone());
        put("website", self.website.clone());
        put("description", self.description.clone());
        put("memberCount", self.member_count.map(|v| v.to_string()));
        put("employeeCount", self.employee_count.map(|v| v.to_string()));
        put("pkdCodes", self.pkd_codes.as_ref().map(|c| c.join(";")));
        let founders: Vec<requests::Founder> = self
            .founders
            .iter()
            .flatten()
            .map(|f| requests::Founder {
                kind: entity::cooperative_founder::Kind::from(f.kind).to_value(),
                name: f.name.clone(),
                teryt: f.local_government_teryt.clone(),
            })
            .collect();
        if !founders.is_empty() {
            put(requests::FOUNDERS, serde_json::to_string(&founders).ok());
        }
        let offerings: Vec<requests::Offering> = self
            .offerings
            .iter()
            .flatten()
            .map(|o| requests::Offering {
                kind: entity::offering::Kind::from(o.kind).to_value(),
                name: o.name.clone(),
                description: o.description.clone(),
                price_note: o.price_note.clone(),
                industry_code: o.industry_code.clone(),
                radius_km: o.radius_km,
                area_teryt: o.area_teryt.clone().unwrap_or_default(),
            })
            .collect();
        if !offerings.is_empty() {
            put(requests::OFFERINGS, serde_json::to_string(&offerings).ok());
        }
        Ok(f)
    }
}

/// A new registration's founders are natural persons or legal persons: MIXED is
/// kept only so that historical records load (art. 4 and 5 of the Act on social
/// cooperatives; `evidence::compliance`).
pub fn no_mixed_founders(kind: Option<FounderKind>) -> AppResult<()> {
    if kind == Some(FounderKind::Mixed) {
        return Err(AppError::invalid(
            "founderKind",
            "natural persons or legal persons found a social cooperative, not both together \
             (art. 4 and 5 of the Act on social cooperatives): NATURAL_PERSONS or LEGAL_PERSONS",
        ));
    }
    Ok(())
}

/// Input of `proposeCooperative`.
#[derive(InputObject)]
pub struct ProposeCooperativeInput {
    /// The cooperative.
    pub cooperative: NewCooperativeInput,
    /// For the moderator: where the facts come from, your link to the cooperative.
    pub note: Option<String>,
}

/// Input of `approveCooperativeRequest` and `rejectCooperativeRequest`.
#[derive(InputObject)]
pub struct DecideCooperativeRequestInput {
    /// The request.
    pub request: ID,
    /// Why: recorded in the audit trail and shown to the requester.
    pub reason: String,
}

/// Result of a mutation on a request about a cooperative.
#[derive(SimpleObject)]
pub struct CooperativeRequestPayload {
    /// The request as it is now.
    pub request: CooperativeRequest,
}

/// Result of `createCooperative`.
#[derive(SimpleObject)]
pub struct CreateCooperativePayload {
    /// The cooperative created.
    pub cooperative: Cooperative,
}

#[derive(Default)]
pub struct RequestMutation;

#[Object]
impl RequestMutation {
    /// Proposes a new cooperative for the directory. It stays private (to you and
    /// the moderators) until a moderator approves it; you then become its editor.
    /// Signed-in members.
    async fn propose_cooperative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cooperative and a note for the moderator.")]
        input: ProposeCooperativeInput,
    ) -> Result<CooperativeRequestPayload> {
        let user = viewer(ctx).user_id()?;
        let note = validate::optional_arg("note", input.note.as_deref(), 1000)?;
        let r = requests::propose(db(ctx)?, user, input.cooperative.fields()?, note).await?;
        Ok(CooperativeRequestPayload {
            request: CooperativeRequest(r),
        })
    }

    /// Creates a cooperative directly. Moderators and admins.
    async fn create_cooperative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cooperative.")] input: NewCooperativeInput,
    ) -> Result<CreateCooperativePayload> {
        let v = viewer(ctx);
        v.require_moderator()?;
        let c = requests::create(db(ctx)?, v.user_id()?, input.fields()?).await?;
        Ok(CreateCooperativePayload {
            cooperative: Cooperative(c),
        })
    }

    /// Approves a pending request: the proposed cooperative is created (its
    /// proposer becomes its editor), or the change to registry facts is made.
    /// Moderators.
    async fn approve_cooperative_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which request, and why.")] input: DecideCooperativeRequestInput,
    ) -> Result<CooperativeRequestPayload> {
        decide(ctx, input, true).await
    }

    /// Rejects a pending request; nothing changes. Moderators.
    async fn reject_cooperative_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which request, and why.")] input: DecideCooperativeRequestInput,
    ) -> Result<CooperativeRequestPayload> {
        decide(ctx, input, false).await
    }
}

async fn decide(
    ctx: &Context<'_>,
    input: DecideCooperativeRequestInput,
    approve: bool,
) -> Result<CooperativeRequestPayload> {
    let v = viewer(ctx);
    v.require_moderator()?;
    let id = expect_id("request", &input.request, "CooperativeRequest")?;
    let reason = validate::text("reason", &input.reason, 1000)?;
    let r = requests::decide(db(ctx)?, v.user_id()?, id, approve, &reason).await?;
    Ok(CooperativeRequestPayload {
        request: CooperativeRequest(r),
    })
}
