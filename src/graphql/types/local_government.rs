//! TERYT units and the institutions attached to them.

use super::{
    Cooperative, Founder, GeoPoint, InstitutionKind, LocalGovernmentKind, ProcurementExample,
};
use crate::db::lists;
use crate::graphql::{
    connection::{cost, from_first, from_list, head, relation_page, Conn, KeyPage, Lean},
    load_list, load_unit, loaders,
    node::global_id,
    projection::{node_columns, Reads},
    required,
};
use async_graphql::{Context, Object, Result, ID};
use entity::{institution, local_government};

#[derive(Clone)]
pub struct LocalGovernment(pub local_government::Model);

impl Reads for LocalGovernment {
    type Entity = local_government::Entity;
    fn reads(field: &str) -> Option<&'static [local_government::Column]> {
        use local_government::Column as C;
        Some(match field {
            "teryt" => &[C::Teryt],
            "name" => &[C::Name],
            "kind" => &[C::Kind],
            "centroid" => &[C::Latitude, C::Longitude],
            "centroidNote" => &[C::CentroidNote],
            "population" => &[C::Population],
            "parent" => &[C::ParentId],
            // A unit's cooperatives are those seated under its code.
            "cooperatives" => &[C::Teryt],
            // By the unit's id (always read); a city's powiat-level unit reads
            // its gmina's (by its kind).
            "cofounded" | "procurementExamples" | "institutions" => &[C::Kind],
            "id" | "children" => &[],
            _ => return None,
        })
    }
}

impl LocalGovernment {
    /// The unit the records of this one are stored against: for a city with
    /// powiat rights' powiat-level unit, its gmina (one local government, two
    /// TERYT units: `db::local_government::city_gminas`); else itself.
    async fn stored_id(&self, ctx: &Context<'_>) -> Result<i32> {
        if self.0.kind != local_government::Kind::MiastoNaPrawachPowiatu {
            return Ok(self.0.id);
        }
        Ok(loaders(ctx)?
            .city_gmina
            .load_one(self.0.id)
            .await?
            .unwrap_or(self.0.id))
    }
}

/// A local government unit of the TERYT register (2026-01-01): voivodeship, powiat or gmina.
#[Object]
impl LocalGovernment {
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
        // A city with powiat rights is one local government: both its units answer.
        let id = self.stored_id(ctx).await?;
        super::mentioned_in(ctx, "LocalGovernment", id, page).await
    }

    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("LocalGovernment", self.0.id)
    }
    /// TERYT code: 2 digits (voivodeship), 4 (powiat) or 7 (gmina, the last digit its kind).
    async fn teryt(&self) -> &str {
        &self.0.teryt
    }
    /// Official name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Kind of unit.
    async fn kind(&self) -> LocalGovernmentKind {
        self.0.kind.into()
    }
    /// Geometric centre of the unit's area.
    async fn centroid(&self) -> GeoPoint {
        GeoPoint {
            latitude: self.0.latitude,
            longitude: self.0.longitude,
        }
    }
    /// Set when the centroid is not the unit's own (e.g. taken from its powiat).
    async fn centroid_note(&self) -> Option<&str> {
        self.0.centroid_note.as_deref()
    }
    /// Population (31 Dec 2018, GUS) where known: voivodeships and powiaty.
    async fn population(&self) -> Option<i64> {
        self.0.population
    }
    /// The unit above: a gmina's powiat, a powiat's voivodeship.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Lean<Box<LocalGovernment>>>> {
        let Some(id) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .unit(id)
            .map(|m| Lean(Box::new(LocalGovernment(m)))))
    }
    /// Units directly below, by TERYT code.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<LocalGovernment>> {
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::CHILDREN, ctx)?;
        // Held in memory whole (`db::units`): at most a few dozen per unit.
        let rows = loaders(ctx)?.units.children(self.0.id).cloned().collect();
        Ok(from_list(rows, &lists::CHILDREN, &seek, LocalGovernment)?)
    }
    /// Cooperatives seated in this unit or any unit below it, by name.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn cooperatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Cooperative>> {
        let list = &lists::COOPERATIVES_BY_NAME;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(list, ctx)?;
        let l = loaders(ctx)?;
        // A forward page loads only its rows after its cursor (and the count when
        // asked), not every cooperative.
        if let Some(head) = head(&seek) {
            let cols = node_columns::<Cooperative>(ctx);
            let key = (self.0.teryt.clone(), head, cols, seek.after.clone());
            let (total, rows) = load_list(&l.first_cooperatives_by_teryt_prefix, key).await?;
            return Ok(from_first(ctx, rows, total, list, &seek, Cooperative));
        }
        let rows = load_list(&l.cooperatives_by_teryt_prefix, self.0.teryt.clone()).await?;
        Ok(from_list(rows, list, &seek, Cooperative)?)
    }
    /// Cooperatives this unit co-founded, as founder records (a city with powiat
    /// rights: both its units answer with the city's).
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn cofounded(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Founder>> {
        let id = self.stored_id(ctx).await?;
        let rows = load_list(&loaders(ctx)?.founders_by_local_government, id).await?;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::COFOUNDED, ctx)?;
        Ok(from_list(rows, &lists::COFOUNDED, &seek, Founder)?)
    }
    /// Purchases this unit made from cooperatives, newest first (a city with
    /// powiat rights is one buyer: both its units answer with the city's).
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn procurement_examples(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<ProcurementExample>> {
        let list = &lists::PURCHASES_NEWEST;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(list, ctx)?;
        let id = self.stored_id(ctx).await?;
        let l = loaders(ctx)?;
        Ok(relation_page(
            ctx,
            id,
            &seek,
            list,
            &l.first_verified_procurement_by_buyer,
            &l.verified_procurement_by_buyer,
            ProcurementExample,
        )
        .await?)
    }
    /// Institutions attached to this unit, by name (a city with powiat rights:
    /// both its units answer with the city's).
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn institutions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Institution>> {
        let id = self.stored_id(ctx).await?;
        let seek =
            KeyPage::new(after, before, first, last)?.list_seek(&lists::INSTITUTIONS, ctx)?;
        let l = loaders(ctx)?;
        Ok(relation_page(
            ctx,
            id,
            &seek,
            &lists::INSTITUTIONS,
            &l.first_institutions_by_local_government,
            &l.institutions_by_local_government,
            Institution,
        )
        .await?)
    }
}

#[derive(Clone)]
pub struct Institution(pub institution::Model);

impl Reads for Institution {
    type Entity = institution::Entity;
    fn reads(field: &str) -> Option<&'static [institution::Column]> {
        use institution::Column as C;
        Some(match field {
            "name" => &[C::Name],
            "kind" => &[C::Kind],
            "address" => &[C::Address],
            "phone" => &[C::Phone],
            "publicEmail" => &[C::PublicEmail],
            "website" => &[C::Website],
            "isSample" => &[C::IsSample],
            "updatedAt" => &[C::UpdatedAt],
            "localGovernment" => &[C::LocalGovernmentId],
            // By the institution's id (always read).
            "id" | "mentionedIn" => &[],
            _ => return None,
        })
    }
}

/// An institution of the social-economy landscape: labour office, social assistance centre, OWES…
#[Object]
impl Institution {
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
        super::mentioned_in(ctx, "Institution", self.0.id, page).await
    }

    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Institution", self.0.id)
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Kind of institution.
    async fn kind(&self) -> InstitutionKind {
        self.0.kind.into()
    }
    /// Postal address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    /// Public telephone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// Public contact e-mail of the institution.
    async fn public_email(&self) -> Option<&str> {
        self.0.public_email.as_deref()
    }
    /// Website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// True for generated sample data.
    async fn is_sample(&self) -> bool {
        self.0.is_sample
    }
    /// When it last changed (the database keeps it); `institutions(filter:
    /// {updatedSince})` finds what changed since a time.
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// The local government unit it serves.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<LocalGovernment> {
        let row = load_unit(ctx, Some(self.0.local_government_id))?;
        Ok(LocalGovernment(required(row, "local government")?))
    }
}
