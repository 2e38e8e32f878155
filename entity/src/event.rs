//! A national forum, industry meeting, workshop or webinar.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// NATIONAL_FORUM, INDUSTRY_MEETING, WORKSHOP, WEBINAR.
    pub kind: String,
    pub title: String,
    pub edition: Option<i32>,
    pub year: i32,
    /// UTC; none when only the year is documented (some historical events).
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    /// A gmina (local government unit).
    pub place_id: Option<i32>,
    pub sector_id: Option<i32>,
    pub description: String,
    /// Places for self-registered participants; none: unlimited.
    pub capacity: Option<i32>,
    pub is_reference: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
