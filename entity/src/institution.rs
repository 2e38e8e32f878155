//! An institution around the cooperatives: PUP, OPS, PCPR, CIS, KIS, OWES, ROPS, NGO…

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "institution")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub kind: Kind,
    pub local_government_id: i32,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// The institution's public contact address.
    pub public_email: Option<String>,
    pub website: Option<String>,
    pub is_sample: bool,
    /// When the institution last changed: kept by the database (migration 000023),
    /// never written by coophub.
    pub updated_at: Option<DateTimeUtc>,
}

positional!(
    id,
    name,
    kind,
    local_government_id,
    address,
    phone,
    public_email,
    website,
    is_sample,
    updated_at,
);
crate::cell::string_enums!(Kind);

/// The kind of an institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Kind {
    /// Labour office (powiatowy urząd pracy, PUP).
    #[sea_orm(string_value = "LABOUR_OFFICE")]
    LabourOffice,
    /// Social assistance centre (OPS / MOPS / GOPS).
    #[sea_orm(string_value = "SOCIAL_ASSISTANCE_CENTRE")]
    SocialAssistanceCentre,
    /// Powiat family support centre (PCPR).
    #[sea_orm(string_value = "PCPR")]
    Pcpr,
    /// Social integration centre (CIS).
    #[sea_orm(string_value = "CIS")]
    Cis,
    /// Social integration club (KIS).
    #[sea_orm(string_value = "KIS")]
    Kis,
    /// Social economy support centre (OWES).
    #[sea_orm(string_value = "OWES")]
    Owes,
    /// Regional social policy centre (ROPS).
    #[sea_orm(string_value = "ROPS")]
    Rops,
    /// Non-governmental organisation.
    #[sea_orm(string_value = "NGO")]
    Ngo,
    /// Any other institution.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::local_government::Entity",
        from = "Column::LocalGovernmentId",
        to = "super::local_government::Column::Id",
        on_delete = "Restrict"
    )]
    LocalGovernment,
    #[sea_orm(has_many = "super::person::Entity", via_rel = "Relation::Institution")]
    Person,
}

impl Related<super::local_government::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::LocalGovernment.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
