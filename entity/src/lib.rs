//! sea-orm entities: one module per table. Knows nothing of GraphQL, HTTP or the
//! rest of the application; the public schema is defined elsewhere.

pub mod local_government;
pub mod industry;
pub mod sector;
pub mod sector_industry;
pub mod cooperative;
pub mod cooperative_industry;
pub mod offering;
pub mod offering_area;
pub mod institution;
pub mod cooperative_founder;
pub mod procurement_example;
pub mod procurement_supplier;
