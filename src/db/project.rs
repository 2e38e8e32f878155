//! Reading only the columns a request asks for. A [`Cols`] names a set of an
//! entity's columns; a statement reads those, every column that cannot be NULL
//! (keys, names, states: they are small, and a row must stay a valid row), and
//! NULL in place of each other nullable column. A row read so is a real row of
//! the table whose unread optional fields are `None`; the GraphQL layer decides
//! which columns a selection needs (`graphql::projection`), and its tests prove,
//! field by field, that a projected row answers as the whole row does.
//!
//! Wide optional columns (descriptions, addresses, contacts) are what a list of
//! names or a network walk does not need: not reading them is most of the work a
//! page of such rows costs to decode.

use sea_orm::{
    sea_query::Expr, ColumnTrait, EntityTrait, IdenStatic, Iterable, QuerySelect, Select,
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
    /// No optional column (the columns that cannot be NULL are always read).
    pub const REQUIRED: Self = Cols {
        bits: 0,
        _e: PhantomData,
    };

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

    /// Whether a statement reads `column` (columns that cannot be NULL always).
    pub fn reads(self, column: E::Column) -> bool {
        self.each()
            .any(|(c, read)| read && c.as_str() == column.as_str())
    }

    /// Each column of `E` in order, with whether a statement reads it.
    fn each(self) -> impl Iterator<Item = (E::Column, bool)> {
        E::Column::iter()
            .enumerate()
            .map(move |(i, c)| (c, !c.def().is_null() || self.bits & (1 << i) != 0))
    }

    /// The select list for the table (or alias) `table`: each column read by name,
    /// or `NULL AS "column"` for an optional column left unread, so the row decodes
    /// as a whole row does.
    pub fn select_list(self, table: &str) -> String {
        self.each()
            .map(|(c, read)| {
                let name = c.as_str();
                if read {
                    format!("{table}.\"{name}\"")
                } else {
                    format!("NULL AS \"{name}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `E::find()` reading only these columns (see [`Cols::select_list`]).
    pub fn find(self) -> Select<E> {
        if self.is_all() {
            return E::find();
        }
        let mut q = E::find().select_only();
        for (c, read) in self.each() {
            q = if read {
                q.column(c)
            } else {
                q.column_as(Expr::cust("NULL"), c.as_str())
            };
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::cooperative::{Column, Entity};

    #[test]
    fn a_projection_reads_what_it_names_and_every_required_column() {
        let cols = Cols::<Entity>::of(&[Column::Description]);
        assert!(cols.reads(Column::Description));
        assert!(cols.reads(Column::Name), "required columns are always read");
        assert!(!cols.reads(Column::Website));
        let list = cols.select_list("c");
        assert!(list.contains("c.\"description\""));
        assert!(list.contains("NULL AS \"website\""));
        assert!(Cols::<Entity>::ALL.reads(Column::Website));
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
