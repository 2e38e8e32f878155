//! Reading only the columns a request asks for. A [`Cols`] names a set of an
//! entity's columns; a statement reads those and the primary key, and leaves the
//! others out. Its [`Decoder`] makes an unread optional field `None` and an unread
//! required one its type's stand-in (`entity::cell::Scalar::unread`), never shown:
//! the GraphQL layer decides which columns a selection needs from what each field
//! declares it reads (`graphql::projection`), lists add the columns they order
//! and group by, and the tests prove, field by field, that a projected row answers
//! as the whole row does. (Selecting `NULL AS "column"` in their place, as this
//! did first, cost PostgreSQL more than reading the rows: 0.6 ms of a network
//! walk's 1.7 ms statement, measured with pgbench.)
//!
//! Wide optional columns (descriptions, addresses, contacts) are what a list of
//! names or a network walk does not need, and each column a statement returns
//! costs the database its output and the server its decoding: a walk's page of
//! 470 cooperatives read with their eight required columns instead of the two its
//! names need cost PostgreSQL 1.5 ms instead of 1.05 ms (pgbench, prepared).

use entity::Positional;
use sea_orm::sea_query::{ColumnType, Value};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, IdenStatic, Iterable,
    PrimaryKeyToColumn, QueryResult, QuerySelect, QueryTrait, Select,
};
use std::marker::PhantomData;

/// A set of `E`'s columns, by their place in the entity's column order (an
/// entity has fewer than 64 columns; a test holds every entity to it).
pub struct Cols<E> {
    bits: u64,
    _e: PhantomData<fn() -> E>,
}

// By hand: derived impls would ask the same of `E`.
impl<E> Clone for Cols<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E> Copy for Cols<E> {}
impl<E> PartialEq for Cols<E> {
    fn eq(&self, other: &Self) -> bool {
        self.bits == other.bits
    }
}
impl<E> Eq for Cols<E> {}
impl<E> std::hash::Hash for Cols<E> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bits.hash(state);
    }
}
impl<E> std::fmt::Debug for Cols<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cols({:#x})", self.bits)
    }
}

impl<E: EntityTrait> Cols<E> {
    /// Every column: the whole row.
    pub const ALL: Self = Cols {
        bits: u64::MAX,
        _e: PhantomData,
    };
    /// The primary key alone (a statement always reads it).
    pub const KEY: Self = Cols {
        bits: 0,
        _e: PhantomData,
    };

    /// Every column that cannot be NULL.
    pub fn required() -> Self {
        Self::of(
            &E::Column::iter()
                .filter(|c| !c.def().is_null())
                .collect::<Vec<_>>(),
        )
    }

    fn bit(column: E::Column) -> u64 {
        E::Column::iter()
            .position(|c| c.as_str() == column.as_str())
            .map_or(u64::MAX, |i| 1 << i)
    }

    /// These columns.
    pub fn of(columns: &[E::Column]) -> Self {
        Cols {
            bits: columns.iter().fold(0, |b, c| b | Self::bit(*c)),
            _e: PhantomData,
        }
    }

    /// Both sets.
    pub fn with(self, other: Self) -> Self {
        Cols {
            bits: self.bits | other.bits,
            _e: PhantomData,
        }
    }

    pub fn is_all(self) -> bool {
        self.bits == u64::MAX
    }

    /// Whether every column a statement reads is one of `columns` (an index that
    /// carries them can answer it alone).
    pub fn within(self, columns: &[E::Column]) -> bool {
        self.each()
            .all(|(c, read)| !read || columns.iter().any(|k| k.as_str() == c.as_str()))
    }

    /// Whether a statement reads `column` (the primary key always).
    pub fn reads(self, column: E::Column) -> bool {
        self.each()
            .any(|(c, read)| read && c.as_str() == column.as_str())
    }

    /// Each column of `E` in order, with whether a statement reads it.
    fn each(self) -> impl Iterator<Item = (E::Column, bool)> {
        let bits = E::PrimaryKey::iter().fold(self.bits, |b, k| b | Self::bit(k.into_column()));
        E::Column::iter()
            .enumerate()
            .map(move |(i, c)| (c, bits & (1 << i) != 0))
    }

    /// The select list for the table (or alias) `table`: the columns read, by name,
    /// in the entity's order (those left unread are not in it).
    pub fn select_list(self, table: &str) -> String {
        self.each()
            .filter(|(_, read)| *read)
            .map(|(c, _)| format!("{table}.\"{}\"", c.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `E::find()` reading only these columns (see [`Cols::select_list`]).
    pub fn find(self) -> Select<E> {
        if self.is_all() {
            return E::find();
        }
        let mut q = E::find().select_only();
        for (c, _) in self.each().filter(|(_, read)| *read) {
            q = q.column(c);
        }
        q
    }
}

/// Runs `select` (`E::find()`, or [`Cols::find`] of `cols`, with filters and order
/// added) and decodes its rows with a [`Decoder`] of the same `cols` (the columns the select reads).
pub async fn all<E: Decode, C: ConnectionTrait>(
    db: &C,
    select: Select<E>,
    cols: Cols<E>,
) -> Result<Vec<E::Model>, DbErr> {
    let rows = db
        .query_all_raw(select.build(db.get_database_backend()))
        .await?;
    let decoder = E::decoder(cols);
    rows.iter().map(|row| decoder.row(row, 0)).collect()
}

/// An entity whose rows a [`Decoder`] builds (every entity: its model is built from
/// its columns' values, `entity::Positional`). A bound for generic readers.
pub trait Decode: EntityTrait {
    /// The decoder of this entity's rows as a statement reads them with `cols`
    /// (`Cols::ALL`: whatever it reads), for the rows of one statement.
    fn decoder(cols: Cols<Self>) -> Decoder<Self>;
}

impl<E> Decode for E
where
    E: EntityTrait,
    E::Model: Positional,
{
    fn decoder(cols: Cols<E>) -> Decoder<E> {
        Decoder {
            reads: cols.each().map(|(_, read)| read).collect(),
            model: <E::Model as Positional>::from_row,
        }
    }
}

/// Decodes rows whose columns from place `offset` on are `E`'s, in the entity's
/// order, as `E::find()`, [`Cols::select_list`] and [`Cols::find`] read them. Each
/// column read is taken by its place, straight into its field
/// (`entity::Positional`), and each one left unread (not in the statement) is
/// `None` without a look at the row, where sea-orm's own decoding
/// (`FromQueryResult`, kept as the fallback) finds every column by its name and
/// writes an error message for each NULL it meets: half of a network walk's time
/// went there. Any failure goes to sea-orm's decoding of the whole row, so the
/// answer (or the error) is always the one sea-orm gives; a test checks that both
/// decode every table alike, and that none of the rows falls back.
pub struct Decoder<E: EntityTrait> {
    /// Whether the statement reads each column, in the entity's order (found once
    /// per statement, not per row).
    reads: Vec<bool>,
    model: BuildModel<E>,
}

/// Builds a model from a row (None: fall back).
type BuildModel<E> = fn(&QueryResult, usize, &[bool]) -> Option<<E as EntityTrait>::Model>;

impl<E: EntityTrait> Decoder<E> {
    /// The model of `row`, its columns starting at place `offset`.
    pub fn row(&self, row: &QueryResult, offset: usize) -> Result<E::Model, DbErr> {
        match self.by_place(row, offset) {
            Some(m) => Ok(m),
            None => <E::Model as FromQueryResult>::from_query_result(row, ""),
        }
    }

    /// The model of `row` read by place alone; None where [`Decoder::row`] falls back
    /// to sea-orm's decoding (tests hold every table's rows to being read so).
    pub fn by_place(&self, row: &QueryResult, offset: usize) -> Option<E::Model> {
        (self.model)(row, offset, &self.reads)
    }
}

/// A column's type as cursors read and write its values (`db::keyset`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Text,
    SmallInt,
    Int,
    BigInt,
    Double,
    Bool,
    Date,
    TimestampTz,
    /// A type cursors do not hold.
    Other,
}

impl Kind {
    pub(crate) fn of(ty: &ColumnType) -> Kind {
        match ty {
            ColumnType::Char(_) | ColumnType::String(_) | ColumnType::Text => Kind::Text,
            ColumnType::SmallInteger => Kind::SmallInt,
            ColumnType::Integer => Kind::Int,
            ColumnType::BigInteger => Kind::BigInt,
            ColumnType::Double => Kind::Double,
            ColumnType::Boolean => Kind::Bool,
            ColumnType::Date => Kind::Date,
            ColumnType::TimestampWithTimeZone => Kind::TimestampTz,
            _ => Kind::Other,
        }
    }

    /// The NULL of this kind.
    pub(crate) fn null(self) -> Option<Value> {
        Some(match self {
            Kind::Text => Value::String(None),
            Kind::SmallInt => Value::SmallInt(None),
            Kind::Int => Value::Int(None),
            Kind::BigInt => Value::BigInt(None),
            Kind::Double => Value::Double(None),
            Kind::Bool => Value::Bool(None),
            Kind::Date => Value::ChronoDate(None),
            Kind::TimestampTz => Value::ChronoDateTimeUtc(None),
            Kind::Other => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::cooperative::{Column, Entity};

    #[test]
    fn a_projection_reads_what_it_names_and_the_primary_key() {
        let cols = Cols::<Entity>::of(&[Column::Description]);
        assert!(cols.reads(Column::Description));
        assert!(cols.reads(Column::Id), "the primary key is always read");
        assert!(!cols.reads(Column::Name));
        assert!(!cols.reads(Column::Website));
        let list = cols.select_list("c");
        assert_eq!(list, "c.\"id\", c.\"description\"");
        assert!(Cols::<Entity>::ALL.reads(Column::Website));
        assert!(Cols::<Entity>::required().reads(Column::Status));
        assert!(!Cols::<Entity>::required().reads(Column::Website));
        assert!(Cols::<Entity>::of(&[Column::Name]).within(&[Column::Id, Column::Name]));
        assert!(!cols.within(&[Column::Id, Column::Name]));
    }

    #[test]
    fn every_model_lists_its_fields_in_column_order() {
        fn in_order<E: EntityTrait>()
        where
            E::Model: Positional,
        {
            let columns: Vec<&str> = E::Column::iter().map(|c| c.as_str()).collect();
            assert_eq!(
                <E::Model as Positional>::FIELDS,
                columns.as_slice(),
                "{}",
                E::default().table_name()
            );
        }
        use entity::*;
        in_order::<api_key::Entity>();
        in_order::<article::Entity>();
        in_order::<article_contributor::Entity>();
        in_order::<audit_entry::Entity>();
        in_order::<entity::case_attachment::Entity>();
        in_order::<entity::case_message::Entity>();
        in_order::<entity::legal_case::Entity>();
        in_order::<claim::Entity>();
        in_order::<cooperative::Entity>();
        in_order::<cooperative_request::Entity>();
        in_order::<cooperative_founder::Entity>();
        in_order::<cooperative_industry::Entity>();
        in_order::<event::Entity>();
        in_order::<industry::Entity>();
        in_order::<institution::Entity>();
        in_order::<legal_basis::Entity>();
        in_order::<local_government::Entity>();
        in_order::<mention::Entity>();
        in_order::<need::Entity>();
        in_order::<offering::Entity>();
        in_order::<offering_area::Entity>();
        in_order::<outbox::Entity>();
        in_order::<participation::Entity>();
        in_order::<password_reset::Entity>();
        in_order::<person::Entity>();
        in_order::<post::Entity>();
        in_order::<procurement_example::Entity>();
        in_order::<procurement_supplier::Entity>();
        in_order::<programme_session::Entity>();
        in_order::<publication::Entity>();
        in_order::<recommendation::Entity>();
        in_order::<recommendation_example::Entity>();
        in_order::<sector::Entity>();
        in_order::<sector_industry::Entity>();
        in_order::<session::Entity>();
        in_order::<session_speaker::Entity>();
        in_order::<thread::Entity>();
        in_order::<thread_read::Entity>();
        in_order::<user_account::Entity>();
        in_order::<user_role::Entity>();
    }

    #[test]
    fn every_entity_fits_a_column_set() {
        fn fits<E: EntityTrait>() {
            assert!(
                E::Column::iter().count() < 64,
                "{}",
                E::default().table_name()
            );
        }
        fits::<entity::cooperative::Entity>();
        fits::<entity::local_government::Entity>();
        fits::<entity::procurement_example::Entity>();
        fits::<entity::offering::Entity>();
        fits::<entity::institution::Entity>();
        fits::<entity::person::Entity>();
        fits::<entity::event::Entity>();
        fits::<entity::thread::Entity>();
        fits::<entity::post::Entity>();
    }
}
