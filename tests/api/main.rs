//! The one integration test binary: black-box tests through HTTP and the CLI,
//! each against a fresh database. SQLite always; PostgreSQL and Redis when
//! `TEST_DATABASE_URL` / `TEST_REDIS_URL` are set (CI sets them).

mod abuse;
mod accounts;
mod budgets;
mod caching;
mod cli;
mod closing;
mod compliance;
mod credentials;
mod cursors;
mod desk;
mod directory;
mod editing;
mod export;
mod graph;
mod helpers;
mod http_spec;
mod import;
mod knowledge;
mod krs;
mod limits;
mod live;
mod loaders;
mod modules;
mod neighbourhood;
mod open_data;
mod pages;
mod pipeline;
mod plans;
mod programme;
mod projection;
mod provenance;
mod proxy;
mod requests;
mod schema;
mod writes;
mod ws_client;
