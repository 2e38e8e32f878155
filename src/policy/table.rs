//! The table of the schema: every object type with its visibility rule and the
//! cache data domain its data belongs to, and every database table with the
//! domain it feeds. The response cache keys answers by the domains a query reads
//! (`domains_of_type`) and counts writes by the domains of the tables a write's
//! statements changed (`domain_of_table`, noted by `db::write::Write`); neither
//! guesses from names.
//!
//! Page types (Relay connections and edges) are not listed: they read what their
//! nodes read (`page_node`), an interface or union what its members read. The
//! tests below enumerate the real schema and fail, naming the type or field, when
//! the table misses one, names one the schema no longer has, or contradicts itself.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A part of the data that writes change together (the response cache's unit of
/// invalidation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Domain {
    /// TERYT units, PKD industries, sectors: changed only by imports.
    Reference,
    /// Cooperatives, offerings, founders, institutions, procurement, needs, users.
    Directory,
    /// People, events, programmes, threads, posts.
    Forum,
    /// The knowledge base: recommendations, publications, articles.
    Knowledge,
    /// The legal desk's cases, which only its public aggregates read.
    Desk,
}

impl Domain {
    pub const ALL: [Domain; 5] = [
        Domain::Reference,
        Domain::Directory,
        Domain::Forum,
        Domain::Knowledge,
        Domain::Desk,
    ];

    /// Its name in cache keys (`<namespace>:gen:<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Domain::Reference => "reference",
            Domain::Directory => "directory",
            Domain::Forum => "forum",
            Domain::Knowledge => "knowledge",
            Domain::Desk => "desk",
        }
    }
}

/// Who may see the records of a type; the function named enforces it (see the
/// module table in `policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Everyone, every record.
    Public,
    /// Public once a moderator verified it; before, only moderators and its
    /// proposer (`procurement_visible`); lists show verified ones (`listed_procurement`).
    VerifiedOrProposer,
    /// Only with the person's consent (a public profile), or to the person
    /// (`person_visible`).
    Consent,
    /// Shown only where its person may be seen (`person_visible`); the others are
    /// counted, not shown.
    ConsentOfItsPerson,
    /// A hidden post only to moderators, a deleted one as a tombstone
    /// (`post_visible`, `visible_posts`, `post_body_shown`).
    HiddenUnlessModerator,
    /// The signed-in user's own account only: built from the viewer's own id.
    OwnAccount,
    /// Its claimant or requester (`myClaims`, `myCooperativeRequests`) and
    /// moderators (`claims`, `cooperativeRequests`).
    ClaimantOrModerator,
    /// Public once published; before (and after unpublishing) only content
    /// editors and moderators (`content_visible`, `listed_content`).
    PublishedOrContentStaff,
    /// A legal case's asker and the legal advisors (`case_visible`); what only
    /// advisors see, by `case_internals_visible`.
    AskerOrAdvisor,
    /// Admins (`apiKeys`).
    Admins,
    /// A record's history: its editors and moderators (`history_visible`).
    RecordHistory,
    /// A mutation's answer, to the one who made it; each field by its own type's rule.
    Caller,
    /// An operation root or a page's metadata: nothing of its own to hide.
    Structure,
}

impl Rule {
    /// Whether anonymous viewers can see some record of the type.
    pub fn reaches_the_public(self) -> bool {
        matches!(
            self,
            Rule::Public
                | Rule::VerifiedOrProposer
                | Rule::Consent
                | Rule::ConsentOfItsPerson
                | Rule::HiddenUnlessModerator
                | Rule::PublishedOrContentStaff
        )
    }
}

/// What data a type's answers carry, for the response cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Data {
    /// Data of this domain: a write to it changes answers that read the type.
    In(Domain),
    /// Data drawn from several domains (the network graph's links): a write to
    /// any of them changes answers that read the type.
    Across(&'static [Domain]),
    /// A part of the record that holds it (a point, an address, a facet count):
    /// only ever reached through that record, whose domain covers it.
    OfParent,
    /// Seen only by signed-in viewers, whose answers are never cached.
    Private,
    /// Nothing of its own (roots, page info, mutation answers: never cached).
    None,
}

/// One object type of the schema.
#[derive(Debug, Clone, Copy)]
pub struct TypeRule {
    pub name: &'static str,
    pub rule: Rule,
    pub data: Data,
}

const fn t(name: &'static str, rule: Rule, data: Data) -> TypeRule {
    TypeRule { name, rule, data }
}

use Data::{Across, In, OfParent, Private};
/// What the network graph's links are drawn from.
const GRAPH: &[Domain] = &[Reference, Directory, Forum, Knowledge];
use Domain::{Desk, Directory, Forum, Knowledge, Reference};
use Rule::*;

/// Every object type of the schema but pages (connections and edges).
pub const TYPES: &[TypeRule] = &[
    // Reference data: imports change it.
    t("LocalGovernment", Public, In(Reference)),
    t("Industry", Public, In(Reference)),
    t("Sector", Public, In(Reference)),
    // The directory.
    t("Cooperative", Public, In(Directory)),
    // Read off the audit trail, whose entries are written with the cooperative.
    t("FieldProvenance", Public, OfParent),
    t("Offering", Public, In(Directory)),
    t("Founder", Public, In(Directory)),
    t("Institution", Public, In(Directory)),
    t("ProcurementExample", VerifiedOrProposer, In(Directory)),
    t("ProcurementSupplier", VerifiedOrProposer, In(Directory)),
    t("Need", Public, In(Directory)),
    t("NeedCandidate", Public, In(Directory)),
    t("CooperativeFacets", Public, In(Directory)),
    t("User", Public, In(Directory)),
    t("Address", Public, OfParent),
    t("GeoPoint", Public, OfParent),
    t("ReservedContractEligibility", Public, OfParent),
    t("VoivodeshipCount", Public, OfParent),
    t("SectorCount", Public, OfParent),
    t("FounderKindCount", Public, OfParent),
    t("StatusCount", Public, OfParent),
    // The forum.
    t("Person", Consent, In(Forum)),
    t("Event", Public, In(Forum)),
    t("EventSession", Public, In(Forum)),
    t("Participation", ConsentOfItsPerson, In(Forum)),
    t("Thread", Public, In(Forum)),
    t("Post", HiddenUnlessModerator, In(Forum)),
    t("PostChanged", HiddenUnlessModerator, In(Forum)),
    t("ThreadActivity", HiddenUnlessModerator, In(Forum)),
    // The knowledge base.
    t("Recommendation", PublishedOrContentStaff, In(Knowledge)),
    t("LegalBasis", PublishedOrContentStaff, OfParent),
    t("Publication", Public, In(Knowledge)),
    t("Article", PublishedOrContentStaff, In(Knowledge)),
    t("Contributor", PublishedOrContentStaff, In(Knowledge)),
    t("KnowledgeFacets", Public, In(Knowledge)),
    t("ArticleKindCount", Public, OfParent),
    t("RecommendationAreaCount", Public, OfParent),
    t("ArticleYearCount", Public, OfParent),
    // Counted through the cooperatives' industries and the verified purchases.
    t("ArticleSectorCount", Public, In(Directory)),
    // Accounts: their owners, moderators, admins.
    t("Me", OwnAccount, Private),
    t("RoleGrant", OwnAccount, Private),
    t("Claim", ClaimantOrModerator, Private),
    t("CooperativeRequest", ClaimantOrModerator, Private),
    t("RequestedField", ClaimantOrModerator, Private),
    t("ApiKey", Admins, Private),
    t("LegalCase", AskerOrAdvisor, Private),
    t("CaseMessage", AskerOrAdvisor, Private),
    t("CaseAttachment", AskerOrAdvisor, Private),
    t("AnonymisedText", AskerOrAdvisor, Private),
    t("AnonymisedPiece", AskerOrAdvisor, Private),
    // Aggregates only, with small cells suppressed.
    t("LegalDeskFigures", Public, In(Desk)),
    t("LegalDeskMonth", Public, OfParent),
    // The network graph: links between public records only (verified purchases,
    // published texts, people with a public profile: `db::graph`).
    t("Neighbourhood", Public, Across(GRAPH)),
    t("NetworkEdge", Public, Across(GRAPH)),
    t("NodeCentrality", Public, Across(GRAPH)),
    t("CooperativePair", Public, Across(GRAPH)),
    // Counts of cooperatives and verified purchases by unit, for maps.
    t("AreaFigures", Public, Across(&[Reference, Directory])),
    t("SectorOfferings", Public, Across(&[Reference, Directory])),
    t("AuditEntry", RecordHistory, Private),
    t("FieldChange", RecordHistory, Private),
    // Mutation answers.
    t("ApiKeySecretPayload", Caller, Data::None),
    t("ArticlePayload", Caller, Data::None),
    t("ClaimPayload", Caller, Data::None),
    t("ContentStatusPayload", Caller, Data::None),
    t("CooperativeRequestPayload", Caller, Data::None),
    t("CreateCooperativePayload", Caller, Data::None),
    t("DeleteAccountPayload", Caller, Data::None),
    t("DeleteOfferingPayload", Caller, Data::None),
    t("EventPayload", Caller, Data::None),
    t("EventSessionPayload", Caller, Data::None),
    t("GrantRolePayload", Caller, Data::None),
    t("ImportArticlesPayload", Caller, Data::None),
    t("ImportCooperativesPayload", Caller, Data::None),
    t("ImportLine", Caller, Data::None),
    t("ImportChange", Caller, Data::None),
    t("ImportProblem", Caller, Data::None),
    t("LegalCasePayload", Caller, Data::None),
    t("LoginPayload", Caller, Data::None),
    t("LogoutPayload", Caller, Data::None),
    t("NeedPayload", Caller, Data::None),
    t("OfferingPayload", Caller, Data::None),
    t("PostPayload", Caller, Data::None),
    t("ProcurementExamplePayload", Caller, Data::None),
    t("ProfilePayload", Caller, Data::None),
    t("PublicationPayload", Caller, Data::None),
    t("PublishLegalAnswerPayload", Caller, Data::None),
    t("RecommendationPayload", Caller, Data::None),
    t("RegisterPayload", Caller, Data::None),
    t("RegistrationPayload", Caller, Data::None),
    t("RemoveEventSessionPayload", Caller, Data::None),
    t("RequestPasswordResetPayload", Caller, Data::None),
    t("ResetPasswordPayload", Caller, Data::None),
    t("RevokeApiKeyPayload", Caller, Data::None),
    t("RevokeRolePayload", Caller, Data::None),
    t("SetEventRolePayload", Caller, Data::None),
    t("ThreadPayload", Caller, Data::None),
    t("UpdateCooperativePayload", Caller, Data::None),
    // Structure.
    t("QueryRoot", Structure, Data::None),
    t("MutationRoot", Structure, Data::None),
    t("SubscriptionRoot", Structure, Data::None),
    t("PageInfo", Structure, Data::None),
];

/// The table's line for an object type (None: a page, an abstract type, a scalar
/// or enum, or a type the table does not know).
pub fn type_rule(name: &str) -> Option<&'static TypeRule> {
    static INDEX: LazyLock<HashMap<&'static str, &'static TypeRule>> =
        LazyLock::new(|| TYPES.iter().map(|t| (t.name, t)).collect());
    INDEX.get(name).copied()
}

/// The type a page type (a Relay connection or edge) is a page of, given the
/// type's fields: a connection has `pageInfo` and `nodes`, an edge `cursor` and
/// `node`. A page reads what its nodes read.
pub fn page_node<'a>(field_type: impl Fn(&str) -> Option<&'a str>) -> Option<&'a str> {
    if field_type("pageInfo").is_some() {
        return field_type("nodes");
    }
    if field_type("cursor").is_some() {
        return field_type("node");
    }
    None
}

/// Every table a write can change, with the domain whose answers it feeds (None:
/// only private answers, never cached, read it). A write notes the tables its
/// statements change (`db::write::Write`); a test holds every table of the
/// database to a line here.
pub const TABLES: &[(&str, Option<Domain>)] = &[
    ("local_government", Some(Reference)),
    ("industry", Some(Reference)),
    ("sector", Some(Reference)),
    ("sector_industry", Some(Reference)),
    // Raised with every import of the above; no answer shows it (`db::units`).
    ("reference_version", None),
    ("cooperative", Some(Directory)),
    ("cooperative_founder", Some(Directory)),
    ("cooperative_industry", Some(Directory)),
    ("offering", Some(Directory)),
    ("offering_area", Some(Directory)),
    ("institution", Some(Directory)),
    ("procurement_example", Some(Directory)),
    ("procurement_supplier", Some(Directory)),
    ("need", Some(Directory)),
    // A user's display name is public (a verifier's, an author's).
    ("user_account", Some(Directory)),
    ("person", Some(Forum)),
    ("event", Some(Forum)),
    ("programme_session", Some(Forum)),
    ("session_speaker", Some(Forum)),
    ("participation", Some(Forum)),
    ("thread", Some(Forum)),
    ("post", Some(Forum)),
    // Private to their owners, moderators or admins.
    ("recommendation", Some(Knowledge)),
    ("legal_basis", Some(Knowledge)),
    ("recommendation_example", Some(Knowledge)),
    ("publication", Some(Knowledge)),
    ("article", Some(Knowledge)),
    ("article_contributor", Some(Knowledge)),
    ("mention", Some(Knowledge)),
    // Private; their writes change only the desk's public aggregates.
    ("legal_case", Some(Desk)),
    ("case_message", Some(Desk)),
    ("case_attachment", Some(Desk)),
    ("thread_read", None),
    ("user_role", None),
    ("session", None),
    ("password_reset", None),
    ("api_key", None),
    ("claim", None),
    ("cooperative_request", None),
    ("audit_entry", None),
    ("outbox", None),
    // Derived: written with the rows they derive from, in the same transaction.
    ("search_token", None),
    ("row_tally", None),
    ("unit_tally", None),
];

/// The domain a table feeds: `Some(None)` for a private table, None for a table
/// this table does not know.
pub fn domain_of_table(table: &str) -> Option<Option<Domain>> {
    TABLES.iter().find(|(t, _)| *t == table).map(|(_, d)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
    use std::collections::BTreeMap;

    /// The schema as the app builds it: each object's fields with their named
    /// types, and each abstract type's members.
    struct Sdl {
        objects: BTreeMap<String, BTreeMap<String, String>>,
        abstracts: BTreeMap<String, Vec<String>>,
    }

    fn base(t: &Type) -> String {
        match &t.base {
            BaseType::Named(n) => n.to_string(),
            BaseType::List(inner) => base(inner),
        }
    }

    fn schema() -> Sdl {
        let sdl = crate::graphql::sdl();
        let doc = async_graphql::parser::parse_schema(&sdl).unwrap_or_else(|e| panic!("{e}"));
        let mut out = Sdl {
            objects: BTreeMap::new(),
            abstracts: BTreeMap::new(),
        };
        for def in doc.definitions {
            let TypeSystemDefinition::Type(ty) = def else {
                continue;
            };
            let name = ty.node.name.node.to_string();
            match &ty.node.kind {
                TypeKind::Object(o) => {
                    let fields = o
                        .fields
                        .iter()
                        .map(|f| (f.node.name.node.to_string(), base(&f.node.ty.node)))
                        .collect();
                    for i in &o.implements {
                        out.abstracts
                            .entry(i.node.to_string())
                            .or_default()
                            .push(name.clone());
                    }
                    out.objects.insert(name, fields);
                }
                TypeKind::Interface(_) => {
                    out.abstracts.entry(name).or_default();
                }
                TypeKind::Union(u) => {
                    out.abstracts
                        .insert(name, u.members.iter().map(|m| m.node.to_string()).collect());
                }
                _ => {}
            }
        }
        out
    }

    impl Sdl {
        fn page_node(&self, ty: &str) -> Option<&str> {
            let fields = self.objects.get(ty)?;
            page_node(|f| fields.get(f).map(String::as_str))
        }

        /// Whether the table covers `ty`: listed, or a page of (or an abstract type
        /// over) types it covers.
        fn covered(&self, ty: &str) -> bool {
            if type_rule(ty).is_some() {
                return true;
            }
            if let Some(members) = self.abstracts.get(ty) {
                return members.iter().all(|m| self.covered(m));
            }
            self.page_node(ty).is_some_and(|n| self.covered(n))
        }
    }

    fn fail_naming(problems: &[String], what: &str) {
        assert!(
            problems.is_empty(),
            "{what}:\n  {}\nSee src/policy/table.rs: give each its line.",
            problems.join("\n  ")
        );
    }

    #[test]
    fn every_object_type_of_the_schema_has_a_rule_and_a_domain() {
        let sdl = schema();
        let mut problems = Vec::new();
        for ty in sdl.objects.keys() {
            if !sdl.covered(ty) {
                problems.push(match sdl.page_node(ty) {
                    Some(n) => format!("{ty}: a page of {n}, which has no line in TYPES"),
                    None => format!("{ty}: no line in TYPES (no visibility rule, no domain)"),
                });
            }
        }
        for (name, members) in &sdl.abstracts {
            for m in members.iter().filter(|m| !sdl.covered(m)) {
                problems.push(format!("{m} (a member of {name}): no line in TYPES"));
            }
        }
        for t in TYPES {
            if !sdl.objects.contains_key(t.name) {
                problems.push(format!(
                    "{}: in TYPES but not an object type of the schema",
                    t.name
                ));
            } else if sdl.page_node(t.name).is_some() {
                problems.push(format!("{}: a page type reads what its nodes read", t.name));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for t in TYPES.iter().filter(|t| !seen.insert(t.name)) {
            problems.push(format!("{}: listed twice", t.name));
        }
        fail_naming(&problems, "object types the policy table does not know");
    }

    #[test]
    fn a_types_rule_and_its_data_agree() {
        let mut problems = Vec::new();
        for t in TYPES {
            let ok = match t.data {
                // Never in a cached answer only if the public never sees it.
                Data::Private => {
                    !t.rule.reaches_the_public() && !matches!(t.rule, Caller | Structure)
                }
                Data::In(_) | Data::Across(_) | Data::OfParent => t.rule.reaches_the_public(),
                Data::None => matches!(t.rule, Caller | Structure),
            };
            if !ok {
                problems.push(format!(
                    "{}: rule {:?} with data {:?}",
                    t.name, t.rule, t.data
                ));
            }
        }
        fail_naming(
            &problems,
            "types whose rule and cache data contradict each other",
        );
    }

    /// A part of a record is safe without a domain of its own only if nothing but a
    /// record (never a root or a mutation's answer) returns it.
    #[test]
    fn parts_of_a_record_are_reached_only_through_a_record() {
        let sdl = schema();
        let mut problems = Vec::new();
        for (holder, fields) in &sdl.objects {
            let held_by_a_record = sdl.page_node(holder).is_some()
                || matches!(
                    type_rule(holder).map(|t| t.data),
                    Some(Data::In(_) | Data::Across(_) | Data::OfParent)
                );
            for (field, ty) in fields {
                let part = type_rule(ty).is_some_and(|t| t.data == Data::OfParent);
                if part && !held_by_a_record {
                    problems.push(format!("{holder}.{field} returns {ty}, a part of a record"));
                }
            }
        }
        fail_naming(&problems, "parts of records returned outside a record");
    }
}
