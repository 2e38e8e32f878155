//! One column's value read from a row by its place, straight into its field's type
//! (see [`crate::Positional`]): no `sea_orm::Value` in between, whose making,
//! comparing with its NULL and dropping cost more than the read itself.

use sea_orm::QueryResult;

/// A field's value as a column of a row holds it.
pub trait Cell: Sized {
    /// The value at place `i` of `row`; None when it cannot be read so (a NULL in a
    /// required column, a value of another type): the caller then falls back to
    /// sea-orm's decoding, which names the problem.
    fn read(row: &QueryResult, i: usize) -> Option<Self>;
    /// The value of a column the statement left unread: `None` for an optional
    /// field, [`Scalar::unread`] for a required one. A statement leaves a column
    /// unread only when no field the request asks reads it (`db::project::Cols`,
    /// from what each GraphQL field declares it reads), so no answer shows it.
    fn unread() -> Option<Self>;
}

/// A type a column holds, NULL aside.
pub trait Scalar: Sized {
    /// The value at place `i` of `row`, `Some(None)` for NULL; None when it cannot be
    /// read as this type.
    fn get(row: &QueryResult, i: usize) -> Option<Option<Self>>;
    /// What a required field holds when its column was not read: the type's
    /// default (an enum's first value). Never shown: see [`Cell::unread`].
    fn unread() -> Option<Self>;
}

impl<T: Scalar> Cell for T {
    fn read(row: &QueryResult, i: usize) -> Option<Self> {
        T::get(row, i)?
    }
    fn unread() -> Option<Self> {
        <T as Scalar>::unread()
    }
}

impl<T: Scalar> Cell for Option<T> {
    fn read(row: &QueryResult, i: usize) -> Option<Self> {
        T::get(row, i)
    }
    fn unread() -> Option<Self> {
        Some(None)
    }
}

/// The next field of a model: read at `place` (then the next place) or left unread.
pub fn take<T: Cell>(row: &QueryResult, place: &mut usize, read: bool) -> Option<T> {
    if read {
        *place += 1;
        T::read(row, *place - 1)
    } else {
        T::unread()
    }
}

/// The column types sqlx decodes. PostgreSQL's values are decoded without sqlx's
/// check of the column's type against the Rust type (a tenth of a network walk's
/// instructions): the field's type is the entity's, whose columns the migrations
/// create, and a value of another size fails to decode and goes to the fallback;
/// `tests/api/projection.rs` holds every table's rows to sea-orm's own decoding.
macro_rules! sqlx_scalars {
    ($($t:ty),*) => {$(
        impl Scalar for $t {
            fn get(row: &QueryResult, i: usize) -> Option<Option<Self>> {
                use sea_orm::sqlx::Row;
                if let Some(r) = row.try_as_pg_row() {
                    r.try_get_unchecked::<Option<$t>, _>(i).ok()
                } else {
                    row.try_as_sqlite_row()?.try_get::<Option<$t>, _>(i).ok()
                }
            }
            fn unread() -> Option<Self> {
                Some(<$t>::default())
            }
        }
    )*};
}

sqlx_scalars!(
    i16,
    i32,
    i64,
    f64,
    bool,
    String,
    chrono::NaiveDate,
    chrono::DateTime<chrono::Utc>
);

/// The text at place `i` of `row`, borrowed from the row (`Some(None)` for NULL),
/// decoded as [`Scalar`] decodes a `String`.
pub fn text(row: &QueryResult, i: usize) -> Option<Option<&str>> {
    use sea_orm::sqlx::Row;
    if let Some(r) = row.try_as_pg_row() {
        r.try_get_unchecked::<Option<&str>, _>(i).ok()
    } else {
        row.try_as_sqlite_row()?.try_get::<Option<&str>, _>(i).ok()
    }
}

/// Implements [`Scalar`] for the module's enums stored as their string values: the
/// value is read as a `&str` in the row and found among the enum's values, kept
/// once per process, without a `String` per row.
macro_rules! string_enums {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::cell::Scalar for $t {
            fn get(row: &sea_orm::QueryResult, i: usize) -> Option<Option<Self>> {
                use sea_orm::{ActiveEnum, Iterable};
                static VALUES: std::sync::OnceLock<Vec<(String, $t)>> = std::sync::OnceLock::new();
                let Some(s) = $crate::cell::text(row, i)? else {
                    return Some(None);
                };
                VALUES
                    .get_or_init(|| <$t>::iter().map(|v| (v.to_value(), v)).collect())
                    .iter()
                    .find(|(value, _)| value == s)
                    .map(|(_, v)| Some(v.clone()))
            }
            fn unread() -> Option<Self> {
                use sea_orm::Iterable;
                <$t>::iter().next()
            }
        }
    )*};
}
pub(crate) use string_enums;
