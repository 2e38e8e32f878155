//! A forum participant. Without `public_profile` (consent) the person shows to
//! others only as an anonymous participant.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub display_name: String,
    /// Affiliation: at most one of the three is set.
    pub cooperative_id: Option<i32>,
    pub local_government_id: Option<i32>,
    pub institution_id: Option<i32>,
    pub role_title: Option<String>,
    pub bio: Option<String>,
    /// The account behind the person, if any (one person per account).
    pub user_id: Option<i32>,
    /// The person agreed to a public profile.
    pub public_profile: bool,
    /// Shipped reference data (historical events), not a member's own profile.
    pub is_reference: bool,
    /// When the person's public record last changed: kept by the database (migration 000023),
    /// never written by coophub.
    pub updated_at: Option<DateTimeUtc>,
}

positional!(
    id,
    display_name,
    cooperative_id,
    local_government_id,
    institution_id,
    role_title,
    bio,
    user_id,
    public_profile,
    is_reference,
    updated_at,
);

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
    #[sea_orm(
        belongs_to = "super::institution::Entity",
        from = "Column::InstitutionId",
        to = "super::institution::Column::Id",
        on_delete = "Restrict"
    )]
    Institution,
    #[sea_orm(
        belongs_to = "super::user_account::Entity",
        from = "Column::UserId",
        to = "super::user_account::Column::Id",
        on_delete = "Restrict"
    )]
    UserAccount,
    #[sea_orm(
        has_many = "super::participation::Entity",
        via_rel = "Relation::Person"
    )]
    Participation,
    #[sea_orm(has_many = "super::thread::Entity", via_rel = "Relation::Author")]
    Thread,
    #[sea_orm(has_many = "super::post::Entity", via_rel = "Relation::Author")]
    Post,
    #[sea_orm(
        has_many = "super::session_speaker::Entity",
        via_rel = "Relation::Person"
    )]
    SessionSpeaker,
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

impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Institution.def()
    }
}

impl Related<super::user_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserAccount.def()
    }
}

impl Related<super::participation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Participation.def()
    }
}

impl Related<super::thread::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Thread.def()
    }
}

impl Related<super::post::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Post.def()
    }
}

impl Related<super::session_speaker::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SessionSpeaker.def()
    }
}

impl Related<super::programme_session::Entity> for Entity {
    fn to() -> RelationDef {
        super::session_speaker::Relation::ProgrammeSession.def()
    }
    fn via() -> Option<RelationDef> {
        Some(super::session_speaker::Relation::Person.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
