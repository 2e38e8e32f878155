//! A social cooperative (spółdzielnia socjalna).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cooperative")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    #[sea_orm(unique)]
    pub krs: Option<String>,
    #[sea_orm(unique)]
    pub nip: Option<String>,
    #[sea_orm(unique)]
    pub regon: Option<String>,
    pub registration_date: Option<Date>,
    pub status: Status,
    pub founder_kind: FounderKind,
    pub street_address: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub seat_id: i32,
    /// The seat gmina's TERYT code, kept beside `seat_id` so a TERYT prefix filters without a join.
    pub seat_teryt: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: Option<String>,
    /// The cooperative's public contact address, published by the cooperative itself.
    pub public_email: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub member_count: Option<i32>,
    pub employee_count: Option<i32>,
    pub is_sample: bool,
    /// Optimistic concurrency: every update must name the version it read.
    pub version: i32,
    /// When an editor last confirmed (or edited) the profile: evidence of activity.
    pub profile_confirmed_at: Option<DateTimeUtc>,
    /// Share of employees from the groups of art. 94 ust. 1 PZP, in percent, as declared.
    pub excluded_employee_share: Option<i16>,
    /// When the cooperative, its offerings or its PKD subclasses last changed: kept
    /// by the database's triggers (migration 000017), never written by coophub.
    pub updated_at: Option<DateTimeUtc>,
    /// Share of members from the groups of art. 4 ust. 1 of the Act on social
    /// cooperatives, in percent, as declared (migration 000024).
    pub excluded_member_share: Option<i16>,
}

positional!(
    id,
    name,
    krs,
    nip,
    regon,
    registration_date,
    status,
    founder_kind,
    street_address,
    postal_code,
    city,
    seat_id,
    seat_teryt,
    latitude,
    longitude,
    phone,
    public_email,
    website,
    description,
    member_count,
    employee_count,
    is_sample,
    version,
    profile_confirmed_at,
    excluded_employee_share,
    updated_at,
    excluded_member_share,
);
crate::cell::string_enums!(Status, FounderKind);

/// Legal status of a cooperative in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    /// Registered and operating.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// Activity suspended (zawieszona).
    #[sea_orm(string_value = "SUSPENDED")]
    Suspended,
    /// In liquidation (w likwidacji).
    #[sea_orm(string_value = "IN_LIQUIDATION")]
    InLiquidation,
    /// Declared bankrupt (w upadłości): bankruptcy proceedings in section 6 of its
    /// register entry.
    #[sea_orm(string_value = "BANKRUPT")]
    Bankrupt,
    /// Removed from the register.
    #[sea_orm(string_value = "DISSOLVED")]
    Dissolved,
}

/// Who founded a cooperative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FounderKind {
    /// Founded by natural persons (at least five, or three in special cases).
    #[sea_orm(string_value = "NATURAL_PERSONS")]
    NaturalPersons,
    /// Founded by legal persons (local governments, NGOs, church legal persons).
    #[sea_orm(string_value = "LEGAL_PERSONS")]
    LegalPersons,
    /// Founded by both natural and legal persons.
    #[sea_orm(string_value = "MIXED")]
    Mixed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::local_government::Entity",
        from = "Column::SeatId",
        to = "super::local_government::Column::Id",
        on_delete = "Restrict"
    )]
    Seat,
    #[sea_orm(
        has_many = "super::cooperative_industry::Entity",
        via_rel = "Relation::Cooperative"
    )]
    CooperativeIndustry,
    #[sea_orm(
        has_many = "super::offering::Entity",
        via_rel = "Relation::Cooperative"
    )]
    Offering,
    #[sea_orm(
        has_many = "super::cooperative_founder::Entity",
        via_rel = "Relation::Cooperative"
    )]
    CooperativeFounder,
    #[sea_orm(
        has_many = "super::procurement_supplier::Entity",
        via_rel = "Relation::Cooperative"
    )]
    ProcurementSupplier,
    #[sea_orm(
        has_many = "super::user_role::Entity",
        via_rel = "Relation::Cooperative"
    )]
    UserRole,
    #[sea_orm(has_many = "super::claim::Entity", via_rel = "Relation::Cooperative")]
    Claim,
    #[sea_orm(has_many = "super::need::Entity", via_rel = "Relation::Cooperative")]
    Need,
    #[sea_orm(has_many = "super::person::Entity", via_rel = "Relation::Cooperative")]
    Person,
}

impl Related<super::local_government::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Seat.def()
    }
}

impl Related<super::cooperative_industry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CooperativeIndustry.def()
    }
}

impl Related<super::offering::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Offering.def()
    }
}

impl Related<super::cooperative_founder::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CooperativeFounder.def()
    }
}

impl Related<super::procurement_supplier::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProcurementSupplier.def()
    }
}

impl Related<super::user_role::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserRole.def()
    }
}

impl Related<super::claim::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Claim.def()
    }
}

impl Related<super::need::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Need.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl Related<super::industry::Entity> for Entity {
    fn to() -> RelationDef {
        super::cooperative_industry::Relation::Industry.def()
    }
    fn via() -> Option<RelationDef> {
        Some(
            super::cooperative_industry::Relation::Cooperative
                .def()
                .rev(),
        )
    }
}

impl ActiveModelBehavior for ActiveModel {}
