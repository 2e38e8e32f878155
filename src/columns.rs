//! The columns of a cooperative as files carry them: the exports write them
//! (`export`), the imports read them (`import`, which ignores the derived ones).
//! Kept apart from both, which use it: the exports depend on the GraphQL layer,
//! and the GraphQL layer on the imports.

/// The columns (CSV header) and property names (JSON, GeoJSON), in order.
pub const COOPERATIVE: [&str; 30] = [
    "id",
    "name",
    "krs",
    "nip",
    "regon",
    "status",
    "founderKind",
    "registrationDate",
    "street",
    "postalCode",
    "city",
    "seatTeryt",
    "seatName",
    "voivodeship",
    "latitude",
    "longitude",
    "phone",
    "publicEmail",
    "website",
    "description",
    "memberCount",
    "employeeCount",
    "pkdCodes",
    "sectors",
    "activity",
    "reservedContractEligibility",
    "distanceKm",
    "relevance",
    "isSample",
    "sources",
];
