//! Self-service editing of a cooperative's profile and offerings, by its editors,
//! moderators and admins. The court register's facts (name, legal status, KRS,
//! NIP, REGON) change at once only for moderators; an editor's change to them
//! becomes a request that a moderator decides (`requests`). Every update names
//! the version it read: a stale one gets CONFLICT and changes nothing.

use crate::db::editing::{
    create_offering, delete_offering, radius_km, update_versioned, update_versioned_in, NewOffering,
};
use crate::db::write::Write;
use crate::error::{AppError, AppResult};
use crate::graphql::{
    db, loaders,
    node::expect_id,
    types::{Cooperative, CooperativeRequest, CooperativeStatus, Offering, OfferingKind},
    viewer,
};
use crate::ids::{parse_krs, parse_nip, parse_regon};
use crate::requests;
use crate::validate;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::Utc;
use entity::audit_entry::Source;
use entity::{cooperative, offering};
use sea_orm::Value;

/// Whose facts a cooperative's editor's or a moderator's write records
/// (`Cooperative.provenance`, `Offering.provenance`).
fn source_of(v: &crate::auth::Viewer) -> Source {
    if v.is_moderator() {
        Source::Moderator
    } else {
        Source::Editor
    }
}

/// Input of `updateCooperative`: only the fields given change; an empty string clears an optional field.
#[derive(InputObject)]
pub struct UpdateCooperativeInput {
    /// The cooperative.
    pub id: ID,
    /// The `version` you read; if it changed since, nothing is written (CONFLICT).
    pub version: i32,
    /// Registered name (the register's: an editor's change becomes a request to the moderators).
    pub name: Option<String>,
    /// What the cooperative does (at most 5000 characters).
    pub description: Option<String>,
    /// Public telephone.
    pub phone: Option<String>,
    /// Public contact e-mail.
    pub public_email: Option<String>,
    /// Website, http:// or https://.
    pub website: Option<String>,
    /// Street and number.
    pub street: Option<String>,
    /// Postal code, NN-NNN.
    pub postal_code: Option<String>,
    /// Town.
    pub city: Option<String>,
    /// Number of members (0 or more).
    pub member_count: Option<i32>,
    /// Number of employees (0 or more).
    pub employee_count: Option<i32>,
    /// Legal status (the register's: an editor's change becomes a request to the moderators).
    pub status: Option<CooperativeStatus>,
    /// Share of employees from the groups of art. 94 ust. 1 PZP, in percent (0–100), as declared.
    pub excluded_employee_share: Option<i32>,
    /// Share of members from the groups of art. 4 ust. 1 of the Act on social
    /// cooperatives, in percent (0–100), as declared.
    pub excluded_member_share: Option<i32>,
    /// Latitude of the seat's address in degrees (WGS 84, within Poland), with `longitude`.
    pub latitude: Option<f64>,
    /// Longitude of the seat's address in degrees (WGS 84, within Poland), with `latitude`.
    pub longitude: Option<f64>,
    /// KRS number (the register's: an editor's change becomes a request to the moderators).
    pub krs: Option<String>,
    /// NIP (the register's: an editor's change becomes a request to the moderators).
    pub nip: Option<String>,
    /// REGON (the register's: an editor's change becomes a request to the moderators).
    pub regon: Option<String>,
}

/// Input of `confirmCooperativeProfile`.
#[derive(InputObject)]
pub struct ConfirmProfileInput {
    /// The cooperative.
    pub id: ID,
    /// The `version` you read; if it changed since, nothing is written (CONFLICT).
    pub version: i32,
}

/// Result of `updateCooperative`.
#[derive(SimpleObject)]
pub struct UpdateCooperativePayload {
    /// The cooperative after the change (with its new version).
    pub cooperative: Cooperative,
    /// An editor's change to the register's facts (name, legal status, KRS, NIP,
    /// REGON), waiting for a moderator; null when there is none. Moderators change them at once.
    pub change_request: Option<CooperativeRequest>,
}

/// Input of `createOffering`.
#[derive(InputObject)]
pub struct CreateOfferingInput {
    /// The cooperative that offers it.
    pub cooperative: ID,
    /// Name of the product or service.
    pub name: String,
    /// Longer description.
    pub description: Option<String>,
    /// Product or service.
    pub kind: OfferingKind,
    /// PKD subclass, e.g. 56.21.Z.
    pub industry_code: Option<String>,
    /// Served within this many kilometres (0–500).
    pub radius_km: Option<f64>,
    /// TERYT codes of units served in full.
    pub area_teryt: Option<Vec<String>>,
    /// Free-text price information.
    pub price_note: Option<String>,
}

/// Input of `updateOffering`: only the fields given change.
#[derive(InputObject)]
pub struct UpdateOfferingInput {
    /// The offering.
    pub id: ID,
    /// The `version` you read.
    pub version: i32,
    /// Name.
    pub name: Option<String>,
    /// Description (empty clears it).
    pub description: Option<String>,
    /// Product or service.
    pub kind: Option<OfferingKind>,
    /// Radius served in km (0–500).
    pub radius_km: Option<f64>,
    /// Price information (empty clears it).
    pub price_note: Option<String>,
}

/// Input of `deleteOffering`.
#[derive(InputObject)]
pub struct DeleteOfferingInput {
    /// The offering.
    pub id: ID,
    /// The `version` you read.
    pub version: i32,
}

/// Result of `createOffering` and `updateOffering`.
#[derive(SimpleObject)]
pub struct OfferingPayload {
    /// The offering after the change.
    pub offering: Offering,
}

/// Result of `deleteOffering`.
#[derive(SimpleObject)]
pub struct DeleteOfferingPayload {
    /// The id the offering had.
    pub deleted_offering_id: ID,
    /// Its cooperative.
    pub cooperative: Cooperative,
}

fn opt<T: Into<Value>>(v: Option<T>) -> Value {
    match v {
        Some(x) => x.into(),
        None => Value::String(None),
    }
}

/// The changes an input asks for, checked, as (column, value) pairs.
fn cooperative_changes(i: &UpdateCooperativeInput) -> AppResult<Vec<(cooperative::Column, Value)>> {
    use cooperative::Column as C;
    let mut c: Vec<(C, Value)> = Vec::new();
    if let Some(v) = &i.name {
        c.push((C::Name, validate::text("name", v, 200)?.into()));
    }
    if let Some(v) = &i.description {
        c.push((
            C::Description,
            opt(validate::optional_text("description", v, 5000)?),
        ));
    }
    if let Some(v) = &i.phone {
        c.push((C::Phone, opt(validate::phone("phone", v)?)));
    }
    if let Some(v) = &i.public_email {
        c.push((
            C::PublicEmail,
            opt(validate::public_email("publicEmail", v)?),
        ));
    }
    if let Some(v) = &i.website {
        c.push((C::Website, opt(validate::website("website", v)?)));
    }
    if let Some(v) = &i.street {
        c.push((
            C::StreetAddress,
            opt(validate::optional_text("street", v, 200)?),
        ));
    }
    if let Some(v) = &i.postal_code {
        c.push((C::PostalCode, opt(validate::postal_code("postalCode", v)?)));
    }
    if let Some(v) = &i.city {
        c.push((C::City, opt(validate::optional_text("city", v, 100)?)));
    }
    if let Some(v) = i.member_count {
        c.push((C::MemberCount, validate::count("memberCount", v)?.into()));
    }
    if let Some(v) = i.employee_count {
        c.push((
            C::EmployeeCount,
            validate::count("employeeCount", v)?.into(),
        ));
    }
    if let Some(v) = i.status {
        c.push((C::Status, cooperative::Status::from(v).into()));
    }
    if let Some(v) = i.excluded_employee_share {
        let v = validate::percent("excludedEmployeeShare", v)?;
        c.push((C::ExcludedEmployeeShare, Value::SmallInt(Some(v))));
    }
    if let Some(v) = i.excluded_member_share {
        let v = validate::percent("excludedMemberShare", v)?;
        c.push((C::ExcludedMemberShare, Value::SmallInt(Some(v))));
    }
    match (i.latitude, i.longitude) {
        (None, None) => {}
        (Some(lat), Some(lon)) if (49.0..=54.9).contains(&lat) && (14.1..=24.2).contains(&lon) => {
            c.push((C::Latitude, lat.into()));
            c.push((C::Longitude, lon.into()));
        }
        (Some(_), Some(_)) => {
            return Err(AppError::invalid(
                "latitude",
                "not in Poland: latitude 49.0–54.9 and longitude 14.1–24.2 degrees",
            ))
        }
        _ => {
            return Err(AppError::invalid(
                "latitude",
                "give latitude and longitude together",
            ))
        }
    }
    if let Some(v) = &i.krs {
        c.push((C::Krs, parse_krs(v)?.into()));
    }
    if let Some(v) = &i.nip {
        c.push((C::Nip, parse_nip(v)?.into()));
    }
    if let Some(v) = &i.regon {
        c.push((C::Regon, parse_regon(v)?.into()));
    }
    Ok(c)
}

async fn offering_of(ctx: &Context<'_>, id: &ID) -> AppResult<offering::Model> {
    let id = expect_id("id", id, "Offering")?;
    loaders(ctx)?
        .offering
        .load_one(id)
        .await?
        .ok_or_else(|| AppError::NotFound("offering".into()))
}

#[derive(Default)]
pub struct CooperativeMutation;

#[Object]
impl CooperativeMutation {
    /// Updates a cooperative's profile. Its editors, moderators and admins.
    async fn update_cooperative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to change and the version read.")]
        input: UpdateCooperativeInput,
    ) -> Result<UpdateCooperativePayload> {
        let v = viewer(ctx);
        let user = v.user_id()?;
        let id = expect_id("id", &input.id, "Cooperative")?;
        v.require_editor_of(id)?;
        let mut changes = cooperative_changes(&input)?;
        // The register's facts are changed by a moderator; an editor's change to
        // them waits for one as a request (`requests`).
        let mut registry = requests::Fields::new();
        if !v.is_moderator() {
            changes.retain(|(col, value)| {
                let Some(field) = requests::registry_field(*col) else {
                    return true;
                };
                if let Value::String(Some(s)) = value {
                    registry.insert(field.to_owned(), s.clone());
                }
                false
            });
        }
        if v.is_editor_of(id) {
            // The cooperative's own edit confirms its profile (evidence for `activity`).
            changes.push((cooperative::Column::ProfileConfirmedAt, Utc::now().into()));
        }
        let w = Write::begin(db(ctx)?).await?;
        w.attribute(source_of(v), None);
        let row = update_versioned_in::<cooperative::Entity>(
            &w,
            user,
            "Cooperative",
            id,
            input.version,
            changes,
        )
        .await?;
        let request = requests::request_change_in(&w, user, &row, registry).await?;
        w.commit().await?;
        Ok(UpdateCooperativePayload {
            cooperative: Cooperative(row),
            change_request: request.map(CooperativeRequest),
        })
    }

    /// Confirms that a cooperative's profile is current (evidence that it is active).
    /// Its editors only: a moderator cannot confirm for the cooperative.
    async fn confirm_cooperative_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cooperative and the version read.")] input: ConfirmProfileInput,
    ) -> Result<UpdateCooperativePayload> {
        let v = viewer(ctx);
        let user = v.user_id()?;
        let id = expect_id("id", &input.id, "Cooperative")?;
        if !v.is_editor_of(id) {
            return Err(AppError::Forbidden.into());
        }
        let row = update_versioned::<cooperative::Entity>(
            db(ctx)?,
            user,
            "Cooperative",
            id,
            input.version,
            vec![(cooperative::Column::ProfileConfirmedAt, Utc::now().into())],
        )
        .await?;
        Ok(UpdateCooperativePayload {
            cooperative: Cooperative(row),
            change_request: None,
        })
    }

    /// Adds an offering to a cooperative. Its editors, moderators and admins.
    async fn create_offering(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new offering.")] input: CreateOfferingInput,
    ) -> Result<OfferingPayload> {
        let v = viewer(ctx);
        let coop = expect_id("cooperative", &input.cooperative, "Cooperative")?;
        v.require_editor_of(coop)?;
        loaders(ctx)?
            .cooperative
            .load_one(coop)
            .await?
            .ok_or_else(|| AppError::invalid("cooperative", "no such cooperative"))?;
        let (industry_id, areas) = crate::db::editing::offering_refs(
            db(ctx)?,
            input.industry_code.as_deref(),
            input.area_teryt.as_deref().unwrap_or_default(),
        )
        .await?;
        let new = NewOffering {
            cooperative_id: coop,
            name: input.name,
            description: input.description,
            kind: input.kind.into(),
            industry_id,
            radius_km: input.radius_km,
            price_note: input.price_note,
            areas,
        };
        let created = create_offering(db(ctx)?, v.user_id()?, source_of(v), new).await?;
        Ok(OfferingPayload {
            offering: Offering(created),
        })
    }

    /// Changes an offering. Its cooperative's editors, moderators and admins.
    async fn update_offering(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to change and the version read.")] input: UpdateOfferingInput,
    ) -> Result<OfferingPayload> {
        use offering::Column as C;
        let v = viewer(ctx);
        v.user_id()?;
        let o = offering_of(ctx, &input.id).await?;
        v.require_editor_of(o.cooperative_id)?;
        let mut c: Vec<(C, Value)> = Vec::new();
        if let Some(x) = &input.name {
            c.push((C::Name, validate::text("name", x, 200)?.into()));
        }
        if let Some(x) = &input.description {
            c.push((
                C::Description,
                opt(validate::optional_text("description", x, 5000)?),
            ));
        }
        if let Some(x) = input.kind {
            c.push((C::Kind, offering::Kind::from(x).into()));
        }
        if let Some(x) = input.radius_km {
            c.push((C::RadiusKm, radius_km(x)?.into()));
        }
        if let Some(x) = &input.price_note {
            c.push((
                C::PriceNote,
                opt(validate::optional_text("priceNote", x, 300)?),
            ));
        }
        let w = Write::begin(db(ctx)?).await?;
        w.attribute(source_of(v), None);
        let row = update_versioned_in::<offering::Entity>(
            &w,
            v.user_id()?,
            "Offering",
            o.id,
            input.version,
            c,
        )
        .await?;
        w.commit().await?;
        Ok(OfferingPayload {
            offering: Offering(row),
        })
    }

    /// Deletes an offering. Its cooperative's editors, moderators and admins.
    async fn delete_offering(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The offering and the version read.")] input: DeleteOfferingInput,
    ) -> Result<DeleteOfferingPayload> {
        let v = viewer(ctx);
        let user = v.user_id()?;
        let o = offering_of(ctx, &input.id).await?;
        v.require_editor_of(o.cooperative_id)?;
        // Load what the payload returns before deleting, so no error can follow a done delete.
        let coop = loaders(ctx)?.cooperative.load_one(o.cooperative_id).await?;
        let cooperative = Cooperative(crate::graphql::required(coop, "cooperative")?);
        delete_offering(db(ctx)?, user, o.id, input.version).await?;
        Ok(DeleteOfferingPayload {
            deleted_offering_id: input.id,
            cooperative,
        })
    }
}
