//! A legal-person founder of a cooperative.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cooperative_founder")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cooperative_id: i32,
    /// LOCAL_GOVERNMENT, NGO, CHURCH_LEGAL_PERSON, OTHER_LEGAL_PERSON.
    pub kind: String,
    /// Set when the founder is a local government.
    pub local_government_id: Option<i32>,
    pub name: String,
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
