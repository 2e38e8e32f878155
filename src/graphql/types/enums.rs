//! Enums of the public schema. Those of stored columns are remote enums of the entity
//! crate's (`From` both ways); their GraphQL names are the strings the database stores.

use async_graphql::Enum;

/// Legal status of a cooperative in the register.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::cooperative::Status", display)]
pub enum CooperativeStatus {
    /// Registered and operating.
    Active,
    /// Activity suspended (zawieszona).
    Suspended,
    /// In liquidation (w likwidacji).
    InLiquidation,
    /// Declared bankrupt (w upadłości): bankruptcy proceedings in section 6 of its
    /// register entry.
    Bankrupt,
    /// Removed from the register.
    Dissolved,
}

/// Who founded a cooperative.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::cooperative::FounderKind", display)]
pub enum FounderKind {
    /// Founded by natural persons (at least five, or three in special cases).
    NaturalPersons,
    /// Founded by legal persons (local governments, NGOs, church legal persons).
    LegalPersons,
    /// Recorded as founded by natural and legal persons together, which the Act
    /// does not provide for (art. 4 and 5): kept so that historical records load,
    /// refused for new registrations, explained in `complianceNotes`.
    #[graphql(
        deprecation = "No legal basis (art. 4 and 5 of the Act on social cooperatives): NATURAL_PERSONS or LEGAL_PERSONS"
    )]
    Mixed,
}

/// What kind of legal person a founder is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::cooperative_founder::Kind")]
pub enum FounderOrganisationKind {
    /// A gmina, powiat or voivodeship.
    LocalGovernment,
    /// A non-governmental organisation.
    Ngo,
    /// A church legal person.
    ChurchLegalPerson,
    /// Any other legal person.
    OtherLegalPerson,
}

/// Whether an offering is a product or a service.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::offering::Kind")]
pub enum OfferingKind {
    /// A product.
    Product,
    /// A service.
    Service,
}

/// The kind of a TERYT unit.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::local_government::Kind")]
pub enum LocalGovernmentKind {
    /// Voivodeship (województwo).
    Wojewodztwo,
    /// Powiat (county).
    Powiat,
    /// City with powiat rights (miasto na prawach powiatu): a powiat-level unit.
    MiastoNaPrawachPowiatu,
    /// Urban gmina (gmina miejska).
    GminaMiejska,
    /// Rural gmina (gmina wiejska).
    GminaWiejska,
    /// Urban-rural gmina (gmina miejsko-wiejska).
    GminaMiejskoWiejska,
}

/// The tier of a TERYT unit.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum LocalGovernmentLevel {
    /// Voivodeships: 2-digit codes.
    Voivodeship,
    /// Powiaty and cities with powiat rights: 4-digit codes.
    Powiat,
    /// Gminy: 7-digit codes.
    Gmina,
}

impl LocalGovernmentLevel {
    pub fn code_length(self) -> usize {
        match self {
            LocalGovernmentLevel::Voivodeship => 2,
            LocalGovernmentLevel::Powiat => 4,
            LocalGovernmentLevel::Gmina => 7,
        }
    }
}

/// The level of a PKD 2007 node.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::industry::Level")]
pub enum IndustryLevel {
    /// Section (sekcja), a letter.
    Section,
    /// Division (dział), two digits.
    Division,
    /// Group (grupa), `NN.N`.
    Group,
    /// Class (klasa), `NN.NN`.
    Class,
    /// Subclass (podklasa), `NN.NN.X`: what registers record.
    Subclass,
}

/// The kind of an institution.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::institution::Kind")]
pub enum InstitutionKind {
    /// Labour office (powiatowy urząd pracy, PUP).
    LabourOffice,
    /// Social assistance centre (OPS / MOPS / GOPS).
    SocialAssistanceCentre,
    /// Powiat family support centre (PCPR).
    Pcpr,
    /// Social integration centre (CIS).
    Cis,
    /// Social integration club (KIS).
    Kis,
    /// Social economy support centre (OWES).
    Owes,
    /// Regional social policy centre (ROPS).
    Rops,
    /// Non-governmental organisation.
    Ngo,
    /// Any other institution.
    Other,
}

/// How a local government bought from a cooperative.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::procurement_example::Procedure")]
pub enum ProcurementProcedure {
    /// Reserved contract under art. 94 of the Public Procurement Law of 2019 (from 2021).
    ReservedContractArt94,
    /// Reserved contract under art. 22 ust. 2 of the Public Procurement Law of 2004
    /// (purchases until 2020).
    ReservedContractArt22,
    /// An open procedure with a social clause.
    SocialClause,
    /// Below the threshold of the law of its year (2021–2025: 130 000 PLN net; from 2026: 170 000 PLN net).
    BelowThreshold,
    /// The light regime for social and other specific services.
    SocialServicesRegime,
    /// Commissioning a public task (zlecenie zadania publicznego).
    PublicTaskCommissioning,
    /// An in-house award.
    InHouse,
    /// Any other procedure.
    Other,
}

/// A supplier's part in a procurement.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::procurement_supplier::Role")]
pub enum SupplierRole {
    /// The lead contractor.
    Lead,
    /// A member of the consortium.
    ConsortiumMember,
}

/// Orders for cooperative lists; ties always break by id. Without an order, a list
/// with `filter.near` is ordered by DISTANCE, else one with `filter.text` by RELEVANCE,
/// else by NAME.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum CooperativeOrderBy {
    /// By name, A to Z (byte order of the UTF-8 name).
    #[default]
    Name,
    /// Most recently registered first.
    RegistrationDateDesc,
    /// Largest employers first.
    EmployeeCountDesc,
    /// Best match for `filter.text` first, then by name.
    Relevance,
    /// Nearest to `filter.near` first.
    Distance,
}

/// Orders for procurement example lists; ties always break by id.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum ProcurementOrderBy {
    /// Newest first.
    #[default]
    YearDesc,
    /// Oldest first.
    YearAsc,
    /// Largest value first.
    ValueDesc,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::types::{ClaimStatus, EventKind, NeedStatus, PostChangeKind, Role};
    use crate::graphql::types::{ParticipationRole, RegistrationStatus};
    use async_graphql::resolver_utils::EnumType;
    use entity::*;
    use sea_orm::{ActiveEnum, Iterable};

    /// Each stored value is the GraphQL name of its variant: what the exports and the
    /// data export write is what the schema says. `G` may have more values (MEMBER).
    fn stored_as_named<E, G>()
    where
        E: ActiveEnum<Value = String> + Iterable + Copy + std::fmt::Debug,
        G: EnumType + From<E>,
    {
        for e in E::iter() {
            let g = G::from(e);
            let name = G::items().iter().find(|i| i.value == g).map(|i| i.name);
            assert_eq!(name, Some(e.to_value().as_str()), "{e:?}");
        }
    }

    /// Remote enums have the same values on both sides.
    fn same_values<E: Iterable, G: EnumType>() {
        assert_eq!(E::iter().count(), G::items().len());
    }

    macro_rules! check {
        ($($e:ty => $g:ty),* $(,)?) => {
            $(stored_as_named::<$e, $g>(); same_values::<$e, $g>();)*
        };
    }

    #[test]
    fn stored_values_are_the_graphql_names() {
        check!(
            cooperative::Status => CooperativeStatus,
            cooperative::FounderKind => FounderKind,
            cooperative_founder::Kind => FounderOrganisationKind,
            offering::Kind => OfferingKind,
            local_government::Kind => LocalGovernmentKind,
            industry::Level => IndustryLevel,
            institution::Kind => InstitutionKind,
            procurement_example::Procedure => ProcurementProcedure,
            procurement_supplier::Role => SupplierRole,
            event::Kind => EventKind,
            participation::Role => ParticipationRole,
            participation::Status => RegistrationStatus,
            post::Change => PostChangeKind,
            need::Status => NeedStatus,
            claim::Status => ClaimStatus,
        );
        stored_as_named::<user_role::Role, Role>();
        for r in user_role::Role::iter() {
            assert_eq!(Role::from(r).granted(), Some(r));
        }
        assert_eq!(Role::Member.granted(), None);
    }
}
