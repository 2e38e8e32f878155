//! Cooperative, its offerings and its founders.

use super::provenance::{offering_provenance, provenance, FieldProvenance};
use super::{
    Activity, Address, CooperativeStatus, FounderKind, FounderOrganisationKind, GeoPoint, Industry,
    LocalGovernment, OfferingKind, ProcurementExample, ReservedContractEligibility, Sector,
};
use crate::db::lists;
use crate::evidence::{activity, compliance, reserved_contract, Tri};
use crate::graphql::{
    connection::{cost, from_list, relation_page, Conn, KeyPage, Lean},
    load_in_order, load_list, load_unit, loaders,
    node::global_id,
    projection::Reads,
    required, viewer,
};
use async_graphql::{Context, Object, Result, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{cooperative, cooperative_founder, offering};

#[derive(Clone)]
pub struct Cooperative(pub cooperative::Model);

impl Reads for Cooperative {
    type Entity = cooperative::Entity;
    fn reads(field: &str) -> Option<&'static [cooperative::Column]> {
        use cooperative::Column as C;
        Some(match field {
            "name" => &[C::Name],
            "krs" => &[C::Krs],
            "nip" => &[C::Nip],
            "regon" => &[C::Regon],
            "registrationDate" => &[C::RegistrationDate],
            "status" => &[C::Status],
            "founderKind" => &[C::FounderKind],
            "address" => &[C::StreetAddress, C::PostalCode, C::City],
            "location" => &[C::Latitude, C::Longitude],
            "phone" => &[C::Phone],
            "publicEmail" => &[C::PublicEmail],
            "website" => &[C::Website],
            "description" => &[C::Description],
            "memberCount" => &[C::MemberCount],
            "employeeCount" => &[C::EmployeeCount],
            "version" => &[C::Version],
            "isSample" | "provenance" => &[C::IsSample],
            "complianceNotes" => &[
                C::FounderKind,
                C::RegistrationDate,
                C::MemberCount,
                C::ExcludedMemberShare,
            ],
            "excludedEmployeeShare" => &[C::ExcludedEmployeeShare],
            "excludedMemberShare" => &[C::ExcludedMemberShare],
            "reservedContractEligibility" => &[C::Status, C::ExcludedEmployeeShare],
            "profileConfirmedAt" => &[C::ProfileConfirmedAt],
            "updatedAt" => &[C::UpdatedAt],
            "activity" | "activityEvidence" => &[C::Status, C::ProfileConfirmedAt],
            "seat" => &[C::SeatId],
            // By the cooperative's id (always read).
            "id"
            | "primaryIndustry"
            | "industries"
            | "sectors"
            | "people"
            | "offerings"
            | "founders"
            | "procurementExamples" => &[],
            _ => return None,
        })
    }
}

impl Cooperative {
    async fn activity_evidence_of(&self, ctx: &Context<'_>) -> Result<(Tri, Vec<String>)> {
        let year = loaders(ctx)?.last_supply_year.load_one(self.0.id).await?;
        Ok(activity(
            self.0.status,
            self.0.profile_confirmed_at,
            year,
            Utc::now(),
        ))
    }
}

/// A social cooperative (spółdzielnia socjalna): an employer of people at risk of social exclusion.
#[Object]
impl Cooperative {
    /// Published articles that mention it, newest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn mentioned_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<super::Article>> {
        let page = KeyPage::new(after, before, first, last)?;
        super::mentioned_in(ctx, "Cooperative", self.0.id, page).await
    }

    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Cooperative", self.0.id)
    }
    /// The registered name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// National Court Register number, 10 digits.
    async fn krs(&self) -> Option<&str> {
        self.0.krs.as_deref()
    }
    /// Tax identification number, 10 digits.
    async fn nip(&self) -> Option<&str> {
        self.0.nip.as_deref()
    }
    /// Statistical number, 9 or 14 digits.
    async fn regon(&self) -> Option<&str> {
        self.0.regon.as_deref()
    }
    /// Date of entry in the register.
    async fn registration_date(&self) -> Option<NaiveDate> {
        self.0.registration_date
    }
    /// Legal status.
    async fn status(&self) -> CooperativeStatus {
        self.0.status.into()
    }
    /// Who founded it.
    async fn founder_kind(&self) -> FounderKind {
        self.0.founder_kind.into()
    }
    /// Postal address of the seat.
    async fn address(&self) -> Address {
        Address {
            street: self.0.street_address.clone(),
            postal_code: self.0.postal_code.clone(),
            city: self.0.city.clone(),
        }
    }
    /// Location of the seat, when known.
    async fn location(&self) -> Option<GeoPoint> {
        Some(GeoPoint {
            latitude: self.0.latitude?,
            longitude: self.0.longitude?,
        })
    }
    /// Public telephone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// Public contact e-mail that the cooperative publishes for buyers.
    async fn public_email(&self) -> Option<&str> {
        self.0.public_email.as_deref()
    }
    /// Website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// What the cooperative does, in its own words.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Number of members.
    async fn member_count(&self) -> Option<i32> {
        self.0.member_count
    }
    /// Number of employees.
    async fn employee_count(&self) -> Option<i32> {
        self.0.employee_count
    }
    /// Changes with every update; send it back with `updateCooperative` to be sure nobody changed the profile meanwhile.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// True for generated sample data: there is no public list of social cooperatives.
    async fn is_sample(&self) -> bool {
        self.0.is_sample
    }
    /// Share of employees from the groups of art. 94 ust. 1 PZP, in percent, as the
    /// cooperative declared it; null when not declared.
    async fn excluded_employee_share(&self) -> Option<i16> {
        self.0.excluded_employee_share
    }
    /// Share of members from the groups of art. 4 ust. 1 of the Act on social
    /// cooperatives (the unemployed, people with disabilities, and the others it
    /// names), in percent, as the cooperative declared it; null when not declared.
    /// At least half is the rule (art. 5 ust. 6): see `complianceNotes`.
    async fn excluded_member_share(&self) -> Option<i16> {
        self.0.excluded_member_share
    }
    /// When the cooperative last confirmed (or edited) its profile.
    async fn profile_confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.0.profile_confirmed_at
    }
    /// When its record, offerings or PKD subclasses last changed, by whomever (the
    /// database keeps it); `filter: {updatedSince}` finds what changed since a time.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }
    /// Where each fact of its record came from (an imported file, its editor, a
    /// moderator, the sample generator) and when it was recorded: one item per
    /// column of the export that was ever set, in the export's order.
    #[graphql(complexity = 5)]
    async fn provenance(&self, ctx: &Context<'_>) -> Result<Vec<FieldProvenance>> {
        let changes = loaders(ctx)?
            .cooperative_changes
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(provenance(self.0.is_sample, &changes))
    }
    /// What its records show against the Act on social cooperatives (who founded
    /// it and how many, its members), by the law as it stood when it was
    /// registered: one explained note each, empty when nothing is found. Notes
    /// refuse nothing. Its editors and moderators only: null for anyone else.
    async fn compliance_notes(&self, ctx: &Context<'_>) -> Result<Option<Vec<String>>> {
        let v = viewer(ctx);
        if !(v.is_moderator() || v.is_editor_of(self.0.id)) {
            return Ok(None);
        }
        let founders = load_list(&loaders(ctx)?.founders_by_cooperative, self.0.id).await?;
        Ok(Some(compliance(
            self.0.founder_kind,
            self.0.registration_date,
            self.0.member_count,
            self.0.excluded_member_share,
            founders.len(),
            Utc::now().date_naive(),
        )))
    }
    /// May it bid for contracts reserved under art. 94 PZP? Computed from its legal form,
    /// registry status and declared employment share; unknown stays unknown.
    async fn reserved_contract_eligibility(&self) -> ReservedContractEligibility {
        reserved_contract(self.0.status, self.0.excluded_employee_share).into()
    }
    /// Is it operating? ACTIVE, DORMANT or UNKNOWN from documented evidence (see `Activity`).
    async fn activity(&self, ctx: &Context<'_>) -> Result<Activity> {
        Ok(self.activity_evidence_of(ctx).await?.0.into())
    }
    /// The evidence `activity` was decided on, one line each.
    async fn activity_evidence(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(self.activity_evidence_of(ctx).await?.1)
    }
    /// The gmina of the seat.
    async fn seat(&self, ctx: &Context<'_>) -> Result<Lean<Box<LocalGovernment>>> {
        let row = load_unit(ctx, Some(self.0.seat_id))?;
        Ok(Lean(Box::new(LocalGovernment(required(row, "seat")?))))
    }
    /// The primary PKD subclass.
    async fn primary_industry(&self, ctx: &Context<'_>) -> Result<Option<Industry>> {
        let industries = load_list(&loaders(ctx)?.industries_by_cooperative, self.0.id).await?;
        Ok(industries
            .into_iter()
            .find_map(|(primary, i)| primary.then_some(Industry(i))))
    }
    /// All PKD subclasses of the cooperative, the primary one included.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn industries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Industry>> {
        let rows = load_list(&loaders(ctx)?.industries_by_cooperative, self.0.id).await?;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::INDUSTRIES, ctx)?;
        Ok(from_list(rows, &lists::INDUSTRIES, &seek, |(_, i)| {
            Industry(i)
        })?)
    }
    /// The sectors the cooperative's industries belong to.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn sectors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Sector>> {
        let l = loaders(ctx)?;
        let ids = l
            .sector_ids_by_cooperative
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::SECTORS, ctx)?;
        Ok(from_list(
            load_in_order(&l.sector, ids).await?,
            &lists::SECTORS,
            &seek,
            Sector,
        )?)
    }
    /// Its people who agreed to a public profile (by name), with the events they took part in.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<super::Person>> {
        let v = crate::graphql::viewer(ctx);
        let rows: Vec<_> = load_list(&loaders(ctx)?.people_by_cooperative, self.0.id)
            .await?
            .into_iter()
            .filter(|p| crate::policy::person_visible(v, p))
            .collect();
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::PEOPLE, ctx)?;
        Ok(from_list(rows, &lists::PEOPLE, &seek, super::Person)?)
    }
    /// Products and services it offers.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn offerings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Offering>> {
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::OFFERINGS, ctx)?;
        let l = loaders(ctx)?;
        Ok(relation_page(
            ctx,
            self.0.id,
            &seek,
            &lists::OFFERINGS,
            &l.first_offerings_by_cooperative,
            &l.offerings_by_cooperative,
            Offering,
        )
        .await?)
    }
    /// Its legal-person founders (local governments, NGOs, church legal persons).
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn founders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Founder>> {
        let rows = load_list(&loaders(ctx)?.founders_by_cooperative, self.0.id).await?;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::FOUNDERS, ctx)?;
        Ok(from_list(rows, &lists::FOUNDERS, &seek, Founder)?)
    }
    /// Procurements it supplied, as lead or consortium member; newest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn procurement_examples(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<ProcurementExample>> {
        let l = loaders(ctx)?;
        let rows = load_list(&l.listed_purchases_by_supplier, self.0.id).await?;
        let seek =
            KeyPage::new(after, before, first, last)?.list_seek(&lists::PURCHASES_NEWEST, ctx)?;
        Ok(from_list(
            rows,
            &lists::PURCHASES_NEWEST,
            &seek,
            ProcurementExample,
        )?)
    }
}

#[derive(Clone)]
pub struct Offering(pub offering::Model);

impl Reads for Offering {
    type Entity = offering::Entity;
    fn reads(field: &str) -> Option<&'static [offering::Column]> {
        use offering::Column as C;
        Some(match field {
            "name" => &[C::Name],
            "description" => &[C::Description],
            "kind" => &[C::Kind],
            "priceNote" => &[C::PriceNote],
            "version" => &[C::Version],
            "radiusKm" => &[C::RadiusKm],
            "industry" => &[C::IndustryId],
            "cooperative" | "provenance" => &[C::CooperativeId],
            // By the offering's id (always read).
            "id" | "areaServed" => &[],
            _ => return None,
        })
    }
}

/// A product or service a cooperative offers.
#[Object]
impl Offering {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Offering", self.0.id)
    }
    /// Name of the product or service.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Longer description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Product or service.
    async fn kind(&self) -> OfferingKind {
        self.0.kind.into()
    }
    /// Free-text price information.
    async fn price_note(&self) -> Option<&str> {
        self.0.price_note.as_deref()
    }
    /// Changes with every update; send it back with `updateOffering` or `deleteOffering`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Where each of its facts came from (the cooperative's editor, a moderator
    /// approving a proposal, the sample generator) and when, one item per fact
    /// ever set; as `Cooperative.provenance`, never who.
    async fn provenance(&self, ctx: &Context<'_>) -> Result<Vec<FieldProvenance>> {
        let l = loaders(ctx)?;
        let is_sample = l
            .cooperative
            .load_one(self.0.cooperative_id)
            .await?
            .is_some_and(|c| c.is_sample);
        let changes = l
            .offering_changes
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(offering_provenance(is_sample, &changes))
    }
    /// Served within this many kilometres of the cooperative's seat.
    async fn radius_km(&self) -> Option<f64> {
        self.0.radius_km
    }
    /// The PKD subclass of the offering.
    async fn industry(&self, ctx: &Context<'_>) -> Result<Option<Industry>> {
        let Some(id) = self.0.industry_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.industry.load_one(id).await?.map(Industry))
    }
    /// The cooperative that offers it.
    async fn cooperative(&self, ctx: &Context<'_>) -> Result<Cooperative> {
        let row = loaders(ctx)?
            .cooperative
            .load_one(self.0.cooperative_id)
            .await?;
        Ok(Cooperative(required(row, "cooperative")?))
    }
    /// TERYT units served in full (with everything below them), besides `radiusKm`.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn area_served(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<LocalGovernment>> {
        let l = loaders(ctx)?;
        let links = load_list(&l.areas_by_offering, self.0.id).await?;
        let rows = links
            .iter()
            .filter_map(|x| l.unit(x.local_government_id))
            .collect();
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::AREAS, ctx)?;
        Ok(from_list(rows, &lists::AREAS, &seek, LocalGovernment)?)
    }
}

#[derive(Clone)]
pub struct Founder(pub cooperative_founder::Model);

/// A legal person that co-founded a cooperative.
#[Object]
impl Founder {
    /// Its global id (`node(id:)` finds it); also `NetworkEdge.link` of its
    /// FOUNDED_BY edge. A founder that is no local government is a node of the
    /// network graph.
    pub async fn id(&self) -> ID {
        crate::ids::global_id("Founder", self.0.id)
    }
    /// What kind of legal person it is.
    async fn kind(&self) -> FounderOrganisationKind {
        self.0.kind.into()
    }
    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The local government, when the founder is one.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        Ok(load_unit(ctx, self.0.local_government_id)?.map(LocalGovernment))
    }
    /// The cooperative it co-founded.
    async fn cooperative(&self, ctx: &Context<'_>) -> Result<Cooperative> {
        let row = loaders(ctx)?
            .cooperative
            .load_one(self.0.cooperative_id)
            .await?;
        Ok(Cooperative(required(row, "cooperative")?))
    }
}
