//! A cooperative supplying a procurement example, as lead or consortium member.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "procurement_supplier")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub procurement_example_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub cooperative_id: i32,
    pub role: Role,
}

positional!(procurement_example_id, cooperative_id, role);
crate::cell::string_enums!(Role);

/// A supplier's part in a procurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum Role {
    /// The lead contractor.
    #[sea_orm(string_value = "LEAD")]
    Lead,
    /// A member of the consortium.
    #[sea_orm(string_value = "CONSORTIUM_MEMBER")]
    ConsortiumMember,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::procurement_example::Entity",
        from = "Column::ProcurementExampleId",
        to = "super::procurement_example::Column::Id",
        on_delete = "Restrict"
    )]
    ProcurementExample,
    #[sea_orm(
        belongs_to = "super::cooperative::Entity",
        from = "Column::CooperativeId",
        to = "super::cooperative::Column::Id",
        on_delete = "Restrict"
    )]
    Cooperative,
}

impl Related<super::procurement_example::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProcurementExample.def()
    }
}

impl Related<super::cooperative::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Cooperative.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
