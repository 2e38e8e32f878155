//! sea-orm entities: one module per table. Knows nothing of GraphQL, HTTP or the
//! rest of the application; the public schema is defined elsewhere.

/// A model built straight from a row's columns, read by place in the entity's
/// column order ([`cell::Cell`]), without an active model or `sea_orm::Value`s in
/// between: how the application decodes the rows it reads
/// (`coophub::db::project`). Building a row through sea-orm's active model (a
/// `Value` per column set into an `ActiveValue`, compared with its NULL, dropped,
/// then moved into the model) cost more than reading it.
pub trait Positional: Sized {
    /// The fields in the order [`Positional::from_row`] takes them: the entity's
    /// column order (a test in `coophub::db::project` holds every entity to it).
    const FIELDS: &'static [&'static str];
    /// The model of `row`, whose columns stand from place `offset` on: those with
    /// `reads[i]` one after the other, the others left unread (`None`). None when a
    /// column cannot be read so (the caller then falls back to sea-orm's decoding).
    fn from_row(row: &sea_orm::QueryResult, offset: usize, reads: &[bool]) -> Option<Self>;
}

/// Implements [`Positional`] for the module's `Model`, whose fields are listed in
/// their order. A missing or unknown field does not compile; the order is tested.
macro_rules! positional {
    ($($field:ident),* $(,)?) => {
        impl $crate::Positional for Model {
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
            fn from_row(
                row: &sea_orm::QueryResult,
                offset: usize,
                reads: &[bool],
            ) -> Option<Self> {
                let mut place = offset;
                let mut reads = reads.iter();
                Some(Model {
                    $($field: $crate::cell::take(row, &mut place, *reads.next()?)?,)*
                })
            }
        }
    };
}

pub mod api_key;
pub mod article;
pub mod article_contributor;
pub mod audit_entry;
pub mod case_attachment;
pub mod case_message;
pub mod cell;
pub mod claim;
pub mod content;
pub mod cooperative;
pub mod cooperative_founder;
pub mod cooperative_industry;
pub mod cooperative_request;
pub mod event;
pub mod industry;
pub mod institution;
pub mod legal_basis;
pub mod legal_case;
pub mod local_government;
pub mod mention;
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
pub mod publication;
pub mod recommendation;
pub mod recommendation_example;
pub mod sector;
pub mod sector_industry;
pub mod session;
pub mod session_speaker;
pub mod thread;
pub mod thread_read;
pub mod user_account;
pub mod user_role;
