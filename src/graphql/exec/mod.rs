//! The fast path, fenced in one module with one switch (`COOPHUB_FAST_PATH`,
//! on by default). Each part answers exactly as async-graphql's own resolution
//! does, only with less machinery, and is kept because it was measured
//! (docs/caching.md has the figures):
//!
//! - [`handoff`]: a query the HTTP layer prepared executes on a twin schema
//!   without extensions, so no field passes through the extension chain
//!   (async-graphql calls every extension for every field once a schema has
//!   any); the guarded schema still parses, validates, charges and caches it.
//! - [`lean`]: objects with a plain selection resolve their fields in one future
//!   instead of a boxed future per field.
//! - [`batch`]: loaders batch a request's keys without async-graphql's
//!   `DataLoader` (its type map, hash sets and a channel per caller).
//!
//! Neither looks at what a query asks for beyond the GraphQL rules (plain
//! selection or not): no code here or elsewhere may serve one query's shape.
//!
//! Off (`COOPHUB_FAST_PATH=false`), every request resolves through
//! async-graphql's stock machinery. `tests/api/helpers.rs` runs a stock twin of
//! every test server on the same database and checks that every query the
//! integration suite sends answers byte for byte the same through both (the
//! differential test).

pub mod batch;
pub mod handoff;
pub mod lean;

use async_graphql::context::ContextBase;

/// Schema data of a schema that resolves stock (the switch off).
#[derive(Debug, Clone, Copy)]
pub struct Stock;

/// Whether the fast path is on for the schema resolving this context.
pub fn enabled<T>(ctx: &ContextBase<'_, T>) -> bool {
    ctx.data_opt::<Stock>().is_none()
}
