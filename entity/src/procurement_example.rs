//! A real or sample purchase by a local government from social cooperatives.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "procurement_example")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub buyer_id: i32,
    pub subject: String,
    pub industry_id: Option<i32>,
    pub procedure: Procedure,
    /// Value in grosze (1/100 PLN): money is never a float.
    pub value_grosze: Option<i64>,
    pub year: i32,
    pub outcome: Option<String>,
    pub lessons: Option<String>,
    pub source: Option<String>,
    pub is_sample: bool,
    /// Optimistic concurrency: every update must name the version it read.
    pub version: i32,
    /// Public only once a moderator verified it.
    pub verified: bool,
    pub verified_by: Option<i32>,
    pub verified_at: Option<DateTimeUtc>,
    pub proposed_by: Option<i32>,
    /// The buyer's organisational unit that bought, when not its office: a
    /// MOPS, a school, a municipal company.
    pub buyer_unit: Option<String>,
    /// When the example, a verification of it or its suppliers last changed: kept
    /// by the database (migration 000022), never written by coophub.
    pub updated_at: Option<DateTimeUtc>,
}

positional!(
    id,
    buyer_id,
    subject,
    industry_id,
    procedure,
    value_grosze,
    year,
    outcome,
    lessons,
    source,
    is_sample,
    version,
    verified,
    verified_by,
    verified_at,
    proposed_by,
    buyer_unit,
    updated_at,
);
crate::cell::string_enums!(Procedure);

/// How a local government bought (or means to buy) from a cooperative; `need.procedure` stores the same values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Procedure {
    /// Reserved contract under art. 94 of the Public Procurement Law of 2019 (from 2021).
    #[sea_orm(string_value = "RESERVED_CONTRACT_ART_94")]
    ReservedContractArt94,
    /// Reserved contract under art. 22 ust. 2 of the Public Procurement Law of 2004
    /// (purchases until 2020).
    #[sea_orm(string_value = "RESERVED_CONTRACT_ART_22")]
    ReservedContractArt22,
    /// An open procedure with a social clause.
    #[sea_orm(string_value = "SOCIAL_CLAUSE")]
    SocialClause,
    /// Below the threshold of the law of its year (from 2021: 130 000 PLN net).
    #[sea_orm(string_value = "BELOW_THRESHOLD")]
    BelowThreshold,
    /// The light regime for social and other specific services.
    #[sea_orm(string_value = "SOCIAL_SERVICES_REGIME")]
    SocialServicesRegime,
    /// Commissioning a public task (zlecenie zadania publicznego).
    #[sea_orm(string_value = "PUBLIC_TASK_COMMISSIONING")]
    PublicTaskCommissioning,
    /// An in-house award.
    #[sea_orm(string_value = "IN_HOUSE")]
    InHouse,
    /// Any other procedure.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::local_government::Entity",
        from = "Column::BuyerId",
        to = "super::local_government::Column::Id",
        on_delete = "Restrict"
    )]
    Buyer,
    #[sea_orm(
        belongs_to = "super::industry::Entity",
        from = "Column::IndustryId",
        to = "super::industry::Column::Id",
        on_delete = "Restrict"
    )]
    Industry,
    #[sea_orm(
        has_many = "super::procurement_supplier::Entity",
        via_rel = "Relation::ProcurementExample"
    )]
    ProcurementSupplier,
}

impl Related<super::local_government::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Buyer.def()
    }
}

impl Related<super::industry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Industry.def()
    }
}

impl Related<super::procurement_supplier::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProcurementSupplier.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
