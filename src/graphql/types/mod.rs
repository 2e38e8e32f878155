//! GraphQL object types. Each wraps an entity model but publishes only what
//! the contract says: the tables are an implementation, the schema a contract.

mod account;
mod cooperative;
mod desk;
mod directory;
mod enums;
mod industry;
mod knowledge;
mod local_government;
mod need;
mod network;
mod procurement;
pub mod provenance;
mod request;

pub use account::{ApiKey, AuditEntry, Claim, ClaimStatus, FieldChange, Me, Role, RoleGrant, User};
pub use cooperative::{Cooperative, Founder, Offering};
pub use desk::{
    AnonymisedText, LegalCase, LegalCaseStatus, LegalDeskFigures, LegalReplyKind, LegalTopic,
};
pub use directory::{Activity, CooperativeFacets, Eligibility, ReservedContractEligibility};
pub use enums::*;
pub use industry::{Industry, Sector};
pub(crate) use knowledge::{mentioned_in, visible as content_visible};
pub use knowledge::{
    Article, ArticleKind, ContentStatus, Contributor, ContributorRole, KnowledgeFacets, LegalBasis,
    Mentionable, Publication, PublicationKind, Recommendation, RecommendationArea,
};
pub use local_government::{Institution, LocalGovernment};
pub use need::{Need, NeedCandidate, NeedStatus};
pub use network::{
    ActivityKind, BoardKind, Event, EventKind, EventSession, Participation, ParticipationRole,
    Person, Post, PostChangeKind, PostChanged, PostOrder, RegistrationStatus, Thread,
    ThreadActivity,
};
pub use procurement::{ProcurementExample, ProcurementSupplier};
pub use provenance::{FactSource, FieldProvenance};
pub use request::{CooperativeRequest, CooperativeRequestKind, RequestStatus, RequestedField};

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, SimpleObject, Value};

/// A point on the map (WGS 84).
#[derive(SimpleObject, Clone, Copy)]
pub struct GeoPoint {
    /// Latitude in degrees north.
    pub latitude: f64,
    /// Longitude in degrees east.
    pub longitude: f64,
}

/// A postal address.
#[derive(SimpleObject, Clone)]
pub struct Address {
    /// Street and number.
    pub street: Option<String>,
    /// Postal code, `NN-NNN`.
    pub postal_code: Option<String>,
    /// Town or city.
    pub city: Option<String>,
}

/// An exact decimal amount, as a string with two decimal places (`"125000.50"`); never a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal(pub i64);

/// An exact decimal amount, as a string with two decimal places (`"125000.50"`); never a float.
#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::String(s) = &value else {
            return Err(InputValueError::expected_type(value));
        };
        let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        let frac = format!("{frac:0<2}");
        let grosze = (digits(whole) && digits(&frac) && frac.len() == 2)
            .then(|| {
                whole
                    .parse::<i64>()
                    .ok()?
                    .checked_mul(100)?
                    .checked_add(frac.parse::<i64>().ok()?)
            })
            .flatten();
        grosze.map(Decimal).ok_or_else(|| {
            InputValueError::custom(
                "a non-negative decimal like \"1234.50\" (at most two decimal places)",
            )
        })
    }

    fn to_value(&self) -> Value {
        Value::String(crate::money::decimal(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_exactly_and_refuse_overflow_and_signs() {
        let parse = |s: &str| <Decimal as ScalarType>::parse(Value::String(s.into())).ok();
        assert_eq!(parse("125000.5"), Some(Decimal(12_500_050)));
        assert_eq!(parse("7"), Some(Decimal(700)));
        assert_eq!(parse("1.-5"), None);
        assert_eq!(parse("-1.00"), None);
        assert_eq!(parse("1.234"), None);
        assert_eq!(parse("99999999999999999999"), None);
        assert_eq!(
            Decimal(12_500_050).to_value(),
            Value::String("125000.50".into())
        );
    }
}
