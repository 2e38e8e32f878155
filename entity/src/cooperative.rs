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
    /// ACTIVE, SUSPENDED, IN_LIQUIDATION, DISSOLVED.
    pub status: String,
    /// NATURAL_PERSONS, LEGAL_PERSONS, MIXED.
    pub founder_kind: String,
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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
