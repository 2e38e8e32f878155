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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
