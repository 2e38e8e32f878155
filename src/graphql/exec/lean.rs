//! Objects resolved with less machinery than async-graphql's own (see [`Lean`]).
//! Off when the schema runs stock (`super::enabled`): then every object resolves
//! through async-graphql's own `ContainerType::resolve`.

use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::ContainerType;
use async_graphql::{ContextSelectionSet, OutputType, Positioned, ServerResult, Value};
use std::borrow::Cow;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

/// An object resolved with less machinery than async-graphql's own: its fields without
/// a selection of their own (scalars, answered from the row at hand) are awaited one
/// after another where they stand, and those with one (a cooperative's seat, its
/// offerings) together, each as a task of its own, so their loaders still batch in one
/// step. async-graphql instead allocates a boxed future per field, each as large as
/// the object's largest field resolver, and with two or more sub-selections runs all
/// of them in a task set: a list page of 500 nodes resolves about a tenth faster
/// without. Fragments, directives and a response key given twice go to async-graphql's
/// own resolution, which handles every case. Like it, this skips no extension hook:
/// the schema's extensions (the cost guard, the response cache, the hand-off to the
/// twin schema) act on whole requests, none on single fields.
///
/// The schema sees the object itself. It is held by a pointer (`&T` for an edge's
/// node, `Box<T>` for a unit loaded by a resolver or a connection) and resolved as the
/// object, never as a reference to it: async-graphql's `&T` does not pass on a union's
/// or an interface's concrete type name, which `__typename` and fragments ask for.
pub struct Lean<P>(pub P);

/// A [`Lean`] object resolved inside its parent's future instead of a box of its own:
/// for the objects every list has many of, edges and connections, which contain
/// themselves only through a boxed `Lean` (an edge's node).
pub struct LeanInline<P>(pub P);

/// Whether a selection is plain: fields only, no directives, no response key twice.
fn plain(ctx: &ContextSelectionSet<'_>) -> bool {
    let items = &ctx.item.node.items;
    items.iter().enumerate().all(|(i, item)| match &item.node {
        Selection::Field(f) => {
            let key = &f.node.response_key().node;
            f.node.directives.is_empty()
                && items[..i].iter().all(|other| match &other.node {
                    Selection::Field(o) => o.node.response_key().node != *key,
                    _ => true,
                })
        }
        _ => false,
    })
}

macro_rules! lean_output_type {
    ($lean:ident, |$ctx:ident, $root:ident| $fields:expr) => {
        impl<P, T> OutputType for $lean<P>
        where
            P: Deref<Target = T> + Send + Sync,
            T: ContainerType + ?Sized,
        {
            fn type_name() -> Cow<'static, str> {
                T::type_name()
            }

            fn qualified_type_name() -> String {
                T::qualified_type_name()
            }

            fn introspection_type_name(&self) -> Cow<'static, str> {
                self.0.introspection_type_name()
            }

            fn create_type_info(registry: &mut Registry) -> String {
                T::create_type_info(registry)
            }

            async fn resolve(
                &self,
                $ctx: &ContextSelectionSet<'_>,
                field: &Positioned<Field>,
            ) -> ServerResult<Value> {
                let $root: &T = &self.0;
                if plain($ctx) && super::enabled($ctx) {
                    Ok($fields)
                } else {
                    $root.resolve($ctx, field).await
                }
            }
        }
    };
}

// Boxed once per object: objects nest in themselves (a unit's parent).
lean_output_type!(Lean, |ctx, root| {
    let fields: Pin<Box<dyn Future<Output = Value> + Send + '_>> =
        Box::pin(resolve_fields(ctx, root));
    fields.await
});
lean_output_type!(LeanInline, |ctx, root| resolve_fields(ctx, root).await);

type FieldFuture<'a> = Pin<Box<dyn Future<Output = (usize, FieldResult)> + Send + 'a>>;
type FieldResult = ServerResult<Option<Value>>;

/// One field of an object (`__typename` too).
async fn resolve_field<'a, T: ContainerType + ?Sized>(
    ctx: &'a ContextSelectionSet<'a>,
    root: &'a T,
    f: &'a Positioned<Field>,
) -> FieldResult {
    if f.node.name.node == "__typename" {
        return Ok(Some(Value::String(
            root.introspection_type_name().into_owned(),
        )));
    }
    root.resolve_field(&ctx.with_field(f)).await
}

/// The fields of a plain selection (fields only, see [`Lean`]), in its order.
async fn resolve_fields<T: ContainerType + ?Sized>(
    ctx: &ContextSelectionSet<'_>,
    root: &T,
) -> Value {
    let items = &ctx.item.node.items;
    let fields = || {
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match &item.node {
                Selection::Field(f) => Some((i, f)),
                _ => None,
            })
    };
    let leaf = |f: &Positioned<Field>| f.node.selection_set.node.items.is_empty();
    let mut results = async_graphql::indexmap::IndexMap::with_capacity(items.len());
    let mut put = |f: &Positioned<Field>, result: FieldResult| match result {
        Ok(value) => {
            results.insert(
                f.node.response_key().node.clone(),
                value.unwrap_or_default(),
            );
        }
        Err(e) => ctx.add_error(e),
    };
    if fields().filter(|(_, f)| !leaf(f)).nth(1).is_none() {
        // At most one sub-selection: it waits for nothing else, so all in turn.
        for (_, f) in fields() {
            put(f, resolve_field(ctx, root, f).await);
        }
    } else {
        // The leaves in turn while the sub-selections run together.
        let leaves = async {
            let mut out = Vec::with_capacity(items.len());
            for (i, f) in fields().filter(|(_, f)| leaf(f)) {
                out.push((i, resolve_field(ctx, root, f).await));
            }
            out
        };
        let nested = fields()
            .filter(|(_, f)| !leaf(f))
            .map(|(i, f)| -> FieldFuture<'_> {
                Box::pin(async move { (i, resolve_field(ctx, root, f).await) })
            });
        let (mut done, nested) =
            futures_util::future::join(leaves, futures_util::future::join_all(nested)).await;
        done.extend(nested);
        done.sort_unstable_by_key(|(i, _)| *i);
        for ((_, result), (_, f)) in done.into_iter().zip(fields()) {
            put(f, result);
        }
    }
    if results.is_empty() {
        Value::Null
    } else {
        Value::Object(results)
    }
}
