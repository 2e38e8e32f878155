//! Which columns a selection needs. Each object type backed by a table says, next
//! to its resolvers, which columns each of its fields reads ([`Reads`]: every
//! column but the primary key, which is always read);
//! a list resolver asks [`node_columns`] for the union over the fields its nodes
//! are asked for, and its loader reads only those (see `db::project`). A field
//! the type does not list, or a field of another type (an inline fragment on an
//! interface), makes the list read whole rows: a missing entry costs speed, never
//! a wrong answer. The tests ask every field of every such type alone and
//! compare it with the whole row's answer.

use crate::db::project::Cols;
use async_graphql::{Context, SelectionField};
use sea_orm::EntityTrait;

/// An object type's fields and the optional columns of its row each one reads.
pub trait Reads {
    type Entity: EntityTrait;
    /// The columns field `field` reads (the primary key is always read); None for
    /// a field the type does not list.
    fn reads(field: &str) -> Option<&'static [<Self::Entity as EntityTrait>::Column]>;
}

/// The columns the nodes of the connection being resolved need: the union over
/// the fields under `edges { node }` and `nodes`, fragments included.
pub fn node_columns<T: Reads>(ctx: &Context<'_>) -> Cols<T::Entity> {
    let mut cols = Cols::KEY;
    for f in ctx.field().selection_set() {
        match f.name() {
            "nodes" => cols = cols.with(of_fields::<T>(f)),
            "edges" => {
                for e in f.selection_set().filter(|e| e.name() == "node") {
                    cols = cols.with(of_fields::<T>(e));
                }
            }
            _ => {}
        }
        if cols.is_all() {
            break;
        }
    }
    cols
}

fn of_fields<T: Reads>(node: SelectionField<'_>) -> Cols<T::Entity> {
    let mut cols = Cols::KEY;
    for f in node.selection_set() {
        if f.name() == "__typename" {
            continue;
        }
        match T::reads(f.name()) {
            Some(c) => cols = cols.with(Cols::of(c)),
            None => return Cols::ALL,
        }
    }
    cols
}
