//! sea-orm entities: one module per table. Knows nothing of GraphQL, HTTP or the
//! rest of the application; the public schema is defined elsewhere.

pub mod api_key;
pub mod audit_entry;
pub mod claim;
pub mod cooperative;
pub mod cooperative_founder;
pub mod cooperative_industry;
pub mod event;
pub mod industry;
pub mod institution;
pub mod local_government;
pub mod need;
pub mod offering;
pub mod offering_area;
pub mod outbox;
pub mod participation;
pub mod password_reset;
pub mod person;
pub mod post;
pub mod procurement_example;
pub mod procurement_supplier;
pub mod programme_session;
pub mod sector;
pub mod sector_industry;
pub mod session;
pub mod session_speaker;
pub mod thread;
pub mod thread_read;
pub mod user_account;
pub mod user_role;
