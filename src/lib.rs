//! coophub: the open GraphQL hub of the Polish social-cooperative sector.
//!
//! Layers: `db` (sea-orm queries, no GraphQL) ← `graphql` (schema, types,
//! loaders) ← `http` (axum routes); `app` wires them at start-up; `config`,
//! `error`, `state` are infrastructure shared by all; `policy` decides who may
//! see what, for every layer.

pub mod anonymise;
pub mod app;
pub mod articles;
pub mod attachments;
pub mod auth;
pub mod bus;
pub mod centrality;
pub mod cli;
pub mod columns;
pub mod config;
pub mod datasets;
pub mod days;
pub mod db;
pub mod error;
pub mod evidence;
pub mod export;
pub mod graph_export;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod import;
pub mod krs;
pub mod law;
pub mod licence;
pub mod limiter;
pub mod maps;
pub mod markdown;
pub mod money;
pub mod open_data;
pub mod pages;
pub mod policy;
pub mod redis_link;
pub mod requests;
pub mod search;
pub mod validate;
