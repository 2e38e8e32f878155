//! The orders of the lists held in memory (`keyset::Listed`): a parent's
//! relation that a loader reads whole (a cooperative's offerings), a relation
//! read "first n per parent" (a unit's cooperatives: its forward pages seek in
//! SQL by the same key), and ranked lists computed whole. Each key is the
//! item's place in the order its list has always had (the loaders' and the
//! documented orders): text compares bytewise here as in both databases
//! (migration `bytewise`), a descending number is stored negated, and a missing
//! value sorts last.

use super::keyset::{Find, ListKey, Listed, Sort};
use entity::{
    api_key, claim, cooperative, cooperative_founder, cooperative_request, industry, institution,
    local_government, offering, participation, person, procurement_example, procurement_supplier,
    sector,
};
use sea_orm::{ColumnTrait, Condition};

fn id(n: i32) -> Sort {
    Sort::from(n)
}

/// A number in a descending order.
fn desc(n: i64) -> Sort {
    Sort::Int(-n)
}

/// By id: the order of lists without another (a cooperative's offerings and founders).
macro_rules! by_id {
    ($name:ident, $model:ty, $tag:literal) => {
        pub const $name: Listed<$model> = Listed {
            tag: $tag,
            key: |m| vec![id(m.id)],
            find: Find::Order,
        };
    };
}

by_id!(OFFERINGS, offering::Model, "cooperative.offerings");
by_id!(FOUNDERS, cooperative_founder::Model, "cooperative.founders");
by_id!(SECTORS, sector::Model, "cooperative.sectors");
by_id!(AREAS, local_government::Model, "offering.areaServed");
by_id!(CLAIMS, claim::Model, "claims");
by_id!(
    COOPERATIVE_REQUESTS,
    cooperative_request::Model,
    "cooperativeRequests"
);
by_id!(API_KEYS, api_key::Model, "apiKeys");
by_id!(
    UNVERIFIED,
    procurement_example::Model,
    "procurementExamples.unverified"
);

/// A cooperative's PKD subclasses (with whether each is its primary one), by id.
pub const INDUSTRIES: Listed<(bool, industry::Model)> = Listed {
    tag: "cooperative.industries",
    key: |(_, m)| vec![id(m.id)],
    find: Find::Order,
};

/// Cooperatives by name (a unit's, an industry's, a sector's).
pub const COOPERATIVES_BY_NAME: Listed<cooperative::Model> = Listed {
    tag: "cooperatives.name",
    key: |m| vec![Sort::from(m.name.as_str()), id(m.id)],
    find: Find::Order,
};

/// The page after `key` of [`COOPERATIVES_BY_NAME`], as SQL on a cooperative `c`
/// (row values: both databases compare them column by column).
pub fn cooperatives_after(key: &ListKey) -> Option<(String, i32)> {
    match key.as_slice() {
        [Sort::Text(name), Sort::Int(id)] => Some((name.clone(), i32::try_from(*id).ok()?)),
        _ => None,
    }
}

/// PKD nodes by path (an industry's children, a sector's industries).
pub const INDUSTRIES_BY_PATH: Listed<industry::Model> = Listed {
    tag: "industries.path",
    key: |m| vec![Sort::from(m.path.as_str()), id(m.id)],
    find: Find::Order,
};

/// A unit's children, by TERYT code (unique).
pub const CHILDREN: Listed<local_government::Model> = Listed {
    tag: "localGovernment.children",
    key: |m| vec![Sort::from(m.teryt.as_str())],
    find: Find::Order,
};

/// No row: what a key of another list's shape finds.
fn nothing() -> Condition {
    Condition::all().add(sea_orm::sea_query::Expr::cust("1 = 0"))
}

/// A cooperative's offerings of [`OFFERINGS`] after `key`.
pub fn offerings_after(key: &ListKey) -> Condition {
    match key.as_slice() {
        [Sort::Int(after)] => Condition::all().add(offering::Column::Id.gt(*after)),
        _ => nothing(),
    }
}

/// A unit's institutions of [`INSTITUTIONS`] after `key`.
pub fn institutions_after(key: &ListKey) -> Condition {
    use institution::Column::{Id, Name};
    match key.as_slice() {
        [Sort::Text(name), Sort::Int(after)] => Condition::any().add(Name.gt(name.as_str())).add(
            Condition::all()
                .add(Name.eq(name.as_str()))
                .add(Id.gt(*after)),
        ),
        _ => nothing(),
    }
}

/// Purchases, newest year first (a buyer's, a supplier's).
pub const PURCHASES_NEWEST: Listed<procurement_example::Model> = Listed {
    tag: "procurementExamples.newest",
    key: |m| vec![desc(m.year.into()), id(m.id)],
    find: Find::Order,
};

/// The purchases of [`PURCHASES_NEWEST`] after `key`.
pub fn purchases_after(key: &ListKey) -> Condition {
    use procurement_example::Column::{Id, Year};
    match key.as_slice() {
        [Sort::Int(year), Sort::Int(after)] => {
            let year = -*year;
            Condition::any()
                .add(Year.lt(year))
                .add(Condition::all().add(Year.eq(year)).add(Id.gt(*after)))
        }
        _ => nothing(),
    }
}

/// A unit's co-founded cooperatives, as founder records: by cooperative, then record.
pub const COFOUNDED: Listed<cooperative_founder::Model> = Listed {
    tag: "localGovernment.cofounded",
    key: |m| vec![id(m.cooperative_id), id(m.id)],
    find: Find::Order,
};

/// Institutions by name.
pub const INSTITUTIONS: Listed<institution::Model> = Listed {
    tag: "localGovernment.institutions",
    key: |m| vec![Sort::from(m.name.as_str()), id(m.id)],
    find: Find::Order,
};

/// A purchase's suppliers: the lead first, then the consortium members by cooperative.
pub const SUPPLIERS: Listed<procurement_supplier::Model> = Listed {
    tag: "procurementExample.suppliers",
    key: |m| {
        let member = m.role != procurement_supplier::Role::Lead;
        vec![Sort::Int(member.into()), id(m.cooperative_id)]
    },
    find: Find::Order,
};

/// A cooperative's people with a public profile, by name.
pub const PEOPLE: Listed<person::Model> = Listed {
    tag: "cooperative.people",
    key: |m| vec![Sort::from(m.display_name.as_str()), id(m.id)],
    find: Find::Order,
};

/// An event's participants, in registration order.
pub const PARTICIPANTS: Listed<participation::Model> = Listed {
    tag: "event.participants",
    key: |m| vec![Sort::Int(m.created_at.timestamp_micros()), id(m.id)],
    find: Find::Order,
};

/// When an event takes place: its year and start, when known.
pub type EventStart = Option<(i32, Option<chrono::DateTime<chrono::Utc>>)>;

/// A person's participations with their events' starts: newest event first (those
/// without a known start last), then newest registration.
pub const PERSON_EVENTS: Listed<(participation::Model, EventStart)> = Listed {
    tag: "person.events",
    key: |(m, start)| {
        let (year, at) = match start {
            Some((year, at)) => (
                desc((*year).into()),
                at.map_or(Sort::Last, |t| desc(t.timestamp_micros())),
            ),
            None => (Sort::Last, Sort::Last),
        };
        vec![year, at, desc(m.id.into())]
    },
    find: Find::Order,
};

/// The directory's ranked list (by relevance or distance, `db::directory`), computed
/// whole: its cursors name a cooperative.
pub const RANKED_COOPERATIVES: Listed<super::directory::Hit> = Listed {
    tag: "cooperatives.ranked",
    key: |h| vec![id(h.id)],
    find: Find::Identity,
};

/// A search's hits (relevance, kind's place in `SearchType`, id), ranked: its
/// cursors name a hit by kind and id.
pub const SEARCH: Listed<(i64, usize, i32)> = Listed {
    tag: "search",
    key: |(_, kind, n)| vec![Sort::Int(*kind as i64), id(*n)],
    find: Find::Identity,
};

/// A need's candidate cooperatives, ranked by score: its cursors name a cooperative.
pub const CANDIDATES: Listed<super::need::Candidate> = Listed {
    tag: "need.candidates",
    key: |c| vec![id(c.cooperative_id)],
    find: Find::Identity,
};

/// Articles, newest first (a record's `mentionedIn`, a publication's articles),
/// as `knowledge::NEWEST_FIRST` orders them in SQL.
pub const ARTICLES: Listed<entity::article::Model> = Listed {
    tag: "article.newest",
    key: |m| {
        vec![
            desc(chrono::Datelike::num_days_from_ce(&m.published_on).into()),
            desc(m.id.into()),
        ]
    },
    find: Find::Order,
};

/// Recommendations by code (the examples a procurement example illustrates).
pub const RECOMMENDATIONS: Listed<entity::recommendation::Model> = Listed {
    tag: "recommendation.code",
    key: |m| vec![Sort::from(m.code.as_str()), id(m.id)],
    find: Find::Order,
};

by_id!(
    ILLUSTRATIONS,
    procurement_example::Model,
    "recommendation.examples"
);
