//! Relay's `Node` interface and opaque global ids (`base64url("Type:42")`).

use super::types::{
    Article, Cooperative, Event, EventSession, Founder, Industry, Institution, LocalGovernment,
    Need, Offering, Person, Post, ProcurementExample, Publication, Recommendation, Sector, Thread,
};
use async_graphql::{Interface, ID};
// The ids themselves are plain functions, for the parts that do not speak GraphQL too.
pub use crate::ids::{expect_id, global_id, parse_global_id};

/// An object with a globally unique, opaque id: fetch it again with `node(id:)`.
// Short-lived values built per resolved field: boxing would cost more than the size.
#[allow(clippy::large_enum_variant)]
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's opaque global id."))]
pub enum Node {
    Cooperative(Cooperative),
    Offering(Offering),
    LocalGovernment(LocalGovernment),
    Industry(Industry),
    Sector(Sector),
    Institution(Institution),
    ProcurementExample(ProcurementExample),
    Need(Need),
    Person(Person),
    Event(Event),
    EventSession(EventSession),
    Thread(Thread),
    Post(Post),
    Recommendation(Recommendation),
    Publication(Publication),
    Article(Article),
    Founder(Founder),
}
