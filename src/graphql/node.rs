//! Relay's `Node` interface and opaque global ids (`base64url("Type:42")`).

use super::types::{
    Cooperative, Event, EventSession, Industry, Institution, LocalGovernment, Need, Offering,
    Person, Post, ProcurementExample, Sector, Thread,
};
use crate::error::{AppError, AppResult};
use async_graphql::{Interface, ID};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

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
}

pub fn global_id(kind: &str, id: i32) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

/// Splits a global id into its type name and database id.
pub fn parse_global_id(field: &str, id: &ID) -> AppResult<(String, i32)> {
    let bad = || {
        AppError::invalid(
            field,
            format!(
                "'{}' is not a coophub id: use an `id` value returned by this API",
                id.0
            ),
        )
    };
    let text = URL_SAFE_NO_PAD
        .decode(id.0.as_bytes())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    let (kind, n) = text.split_once(':').ok_or_else(bad)?;
    Ok((kind.to_owned(), n.parse().map_err(|_| bad())?))
}

/// The database id inside a global id that must be of type `kind`.
pub fn expect_id(field: &str, id: &ID, kind: &str) -> AppResult<i32> {
    let (k, n) = parse_global_id(field, id)?;
    if k != kind {
        return Err(AppError::invalid(
            field,
            format!("this is the id of a {k}, expected a {kind}"),
        ));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_check_their_type() {
        let id = global_id("Cooperative", 42);
        assert_eq!(
            parse_global_id("id", &id).ok(),
            Some(("Cooperative".to_owned(), 42))
        );
        assert_eq!(expect_id("id", &id, "Cooperative").ok(), Some(42));
        assert!(expect_id("id", &id, "Offering").is_err());
        assert!(parse_global_id("id", &ID("42".into())).is_err());
    }
}
