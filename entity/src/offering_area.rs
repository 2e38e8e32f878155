//! A TERYT unit an offering serves (the whole unit with its descendants).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "offering_area")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub offering_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub local_government_id: i32,
}

positional!(offering_id, local_government_id);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::offering::Entity",
        from = "Column::OfferingId",
        to = "super::offering::Column::Id",
        on_delete = "Restrict"
    )]
    Offering,
    #[sea_orm(
        belongs_to = "super::local_government::Entity",
        from = "Column::LocalGovernmentId",
        to = "super::local_government::Column::Id",
        on_delete = "Restrict"
    )]
    LocalGovernment,
}

impl Related<super::offering::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Offering.def()
    }
}

impl Related<super::local_government::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::LocalGovernment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
