//! A legal-person founder of a cooperative.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cooperative_founder")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cooperative_id: i32,
    pub kind: Kind,
    /// Set when the founder is a local government.
    pub local_government_id: Option<i32>,
    pub name: String,
}

positional!(id, cooperative_id, kind, local_government_id, name);
crate::cell::string_enums!(Kind);

/// What kind of legal person a founder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Kind {
    /// A gmina, powiat or voivodeship.
    #[sea_orm(string_value = "LOCAL_GOVERNMENT")]
    LocalGovernment,
    /// A non-governmental organisation.
    #[sea_orm(string_value = "NGO")]
    Ngo,
    /// A church legal person.
    #[sea_orm(string_value = "CHURCH_LEGAL_PERSON")]
    ChurchLegalPerson,
    /// Any other legal person.
    #[sea_orm(string_value = "OTHER_LEGAL_PERSON")]
    OtherLegalPerson,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::cooperative::Entity",
        from = "Column::CooperativeId",
        to = "super::cooperative::Column::Id",
        on_delete = "Restrict"
    )]
    Cooperative,
    #[sea_orm(
        belongs_to = "super::local_government::Entity",
        from = "Column::LocalGovernmentId",
        to = "super::local_government::Column::Id",
        on_delete = "Restrict"
    )]
    LocalGovernment,
}

impl Related<super::cooperative::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Cooperative.def()
    }
}

impl Related<super::local_government::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::LocalGovernment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
