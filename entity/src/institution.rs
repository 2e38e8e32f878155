//! An institution around the cooperatives: PUP, OPS, PCPR, CIS, KIS, OWES, ROPS, NGO…

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "institution")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    /// LABOUR_OFFICE, SOCIAL_ASSISTANCE_CENTRE, PCPR, CIS, KIS, OWES, ROPS, NGO, OTHER.
    pub kind: String,
    pub local_government_id: i32,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// The institution's public contact address.
    pub public_email: Option<String>,
    pub website: Option<String>,
    pub is_sample: bool,
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
