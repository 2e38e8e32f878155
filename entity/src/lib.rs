//! sea-orm entities: one module per table. Knows nothing of GraphQL, HTTP or the
//! rest of the application; the public schema is defined elsewhere.

/// A model built straight from its columns' values, in the entity's column order,
/// without an active model in between: how the application decodes the rows it
/// reads by position (`coophub::db::project`). Building a row through sea-orm's
/// active model (a `Value` set into an `ActiveValue` per column, then moved into the
/// model) was a quarter of a network walk's instructions.
pub trait Positional: Sized {
    /// The fields in the order [`Positional::from_values`] takes them: the entity's
    /// column order (a test in `coophub::db::project` holds every entity to it).
    const FIELDS: &'static [&'static str];
    /// The model whose fields, in order, are the values `next` gives; None when it
    /// gives none or one that is not of its field's type (the caller then falls back
    /// to sea-orm's own decoding, which names the problem).
    fn from_values(next: impl FnMut() -> Option<sea_orm::Value>) -> Option<Self>;
}

/// Implements [`Positional`] for the module's `Model`, whose fields are listed in
/// their order. A missing or unknown field does not compile; the order is tested.
macro_rules! positional {
    ($($field:ident),* $(,)?) => {
        impl $crate::Positional for Model {
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
            fn from_values(
                mut next: impl FnMut() -> Option<sea_orm::Value>,
            ) -> Option<Self> {
                Some(Model {
                    $($field: sea_orm::sea_query::ValueType::try_from(next()?).ok()?,)*
                })
            }
        }
    };
}

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
