//! The network as a graph: typed edges between the public records, read in
//! batches for a neighbourhood walk (`neighbourhood` in GraphQL). Every edge kind
//! is one SQL shape read in either direction; a walk reads, per depth, one
//! statement per edge kind and direction that its frontier can use, each
//! returning at most `limit + 1` edges per frontier node (a window function), so
//! the statement count depends on the depth and the kinds asked, never on the
//! neighbourhood's size.
//!
//! The graph is public data by the one visibility policy (`crate::policy`):
//! purchases only once verified (`listed_procurement_sql`), texts only once
//! published (`listed_content_sql`), people only with a public profile and only
//! their registered participations (`consenting_person_sql`). Legal cases,
//! accounts and e-mail addresses are no part of it.

use crate::error::AppResult;
use crate::policy::{consenting_person_sql, listed_content_sql, listed_procurement_sql};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The kinds of record that are nodes of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    Cooperative,
    LocalGovernment,
    Institution,
    Industry,
    Sector,
    ProcurementExample,
    Person,
    Event,
    Article,
    /// A founder that is no local government (an NGO, a church legal person):
    /// local governments that found a cooperative are `LocalGovernment` nodes.
    Founder,
}

impl NodeKind {
    /// The GraphQL type name (and global id prefix).
    pub fn type_name(self) -> &'static str {
        match self {
            NodeKind::Cooperative => "Cooperative",
            NodeKind::LocalGovernment => "LocalGovernment",
            NodeKind::Institution => "Institution",
            NodeKind::Industry => "Industry",
            NodeKind::Sector => "Sector",
            NodeKind::ProcurementExample => "ProcurementExample",
            NodeKind::Person => "Person",
            NodeKind::Event => "Event",
            NodeKind::Article => "Article",
            NodeKind::Founder => "Founder",
        }
    }

    /// The node kind of a GraphQL type name, if it is one.
    pub fn of_type_name(name: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|k| k.type_name() == name)
    }

    pub const ALL: [NodeKind; 10] = [
        NodeKind::Cooperative,
        NodeKind::LocalGovernment,
        NodeKind::Institution,
        NodeKind::Industry,
        NodeKind::Sector,
        NodeKind::ProcurementExample,
        NodeKind::Person,
        NodeKind::Event,
        NodeKind::Article,
        NodeKind::Founder,
    ];
}

/// A node: its kind and its row id.
pub type NodeKey = (NodeKind, i32);

/// The kinds of link between nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    /// Cooperative → the gmina of its seat.
    SeatIn,
    /// Local government → the unit above it.
    PartOf,
    /// Cooperative → a founder: a local government, or another legal person.
    FoundedBy,
    /// Buyer (local government) → supplier (cooperative), through a verified purchase.
    BoughtFrom,
    /// Buyer (local government) → a verified purchase it made.
    Purchased,
    /// Cooperative → a verified purchase it supplied (as lead or consortium member).
    Supplied,
    /// Cooperative → a PKD subclass it declares, or a sector its subclasses fall under.
    OperatesIn,
    /// Cooperative → a local government its offerings serve in full.
    Serves,
    /// Institution → the local government it belongs to.
    InstitutionIn,
    /// Person (with a public profile) → their cooperative, local government or institution.
    AffiliatedWith,
    /// Person (with a public profile) → an event they registered for.
    Attended,
    /// Published article → a record it mentions.
    Mentions,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 12] = [
        EdgeKind::SeatIn,
        EdgeKind::PartOf,
        EdgeKind::FoundedBy,
        EdgeKind::BoughtFrom,
        EdgeKind::Purchased,
        EdgeKind::Supplied,
        EdgeKind::OperatesIn,
        EdgeKind::Serves,
        EdgeKind::InstitutionIn,
        EdgeKind::AffiliatedWith,
        EdgeKind::Attended,
        EdgeKind::Mentions,
    ];

    /// A stable name, used in edge ids.
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::SeatIn => "SEAT_IN",
            EdgeKind::PartOf => "PART_OF",
            EdgeKind::FoundedBy => "FOUNDED_BY",
            EdgeKind::BoughtFrom => "BOUGHT_FROM",
            EdgeKind::Purchased => "PURCHASED",
            EdgeKind::Supplied => "SUPPLIED",
            EdgeKind::OperatesIn => "OPERATES_IN",
            EdgeKind::Serves => "SERVES",
            EdgeKind::InstitutionIn => "INSTITUTION_IN",
            EdgeKind::AffiliatedWith => "AFFILIATED_WITH",
            EdgeKind::Attended => "ATTENDED",
            EdgeKind::Mentions => "MENTIONS",
        }
    }
}

/// One edge and its own facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub kind: EdgeKind,
    pub source: NodeKey,
    pub target: NodeKey,
    /// The row that makes the link (a purchase, an offering, a founder, a
    /// participation, a mention's article…), so that two links between the same
    /// nodes stay two edges.
    pub via: i32,
    /// What the row that makes the link is, when it is a node of the API
    /// (a purchase for BOUGHT_FROM, an offering for SERVES).
    pub through: Option<&'static str>,
    pub role: Option<String>,
    pub year: Option<i32>,
    pub value_grosze: Option<i64>,
    pub label: Option<String>,
}

impl Edge {
    /// What tells this edge from every other.
    pub fn key(&self) -> (EdgeKind, NodeKey, NodeKey, i32) {
        (self.kind, self.source, self.target, self.via)
    }
}

/// One SQL shape of an edge kind: the expressions of its columns over `from`.
struct Spec {
    kind: EdgeKind,
    source: NodeKind,
    target: NodeKind,
    /// Tables and joins, and the condition every row must meet.
    from: String,
    s: &'static str,
    t: &'static str,
    via: &'static str,
    through: Option<&'static str>,
    role: &'static str,
    year: &'static str,
    value: &'static str,
    label: &'static str,
}

const NO_TEXT: &str = "CAST(NULL AS TEXT)";
const NO_INT: &str = "CAST(NULL AS INTEGER)";
const NO_BIGINT: &str = "CAST(NULL AS BIGINT)";

fn specs() -> Vec<Spec> {
    use EdgeKind as E;
    use NodeKind as N;
    let plain = |kind, source, target, from: String, s, t, via| Spec {
        kind,
        source,
        target,
        from,
        s,
        t,
        via,
        through: None,
        role: NO_TEXT,
        year: NO_INT,
        value: NO_BIGINT,
        label: NO_TEXT,
    };
    let verified = listed_procurement_sql("p");
    let published = listed_content_sql("a");
    let consenting = consenting_person_sql("pe");
    let mut out = vec![
        plain(E::SeatIn, N::Cooperative, N::LocalGovernment, "cooperative c WHERE 1 = 1".into(), "c.id", "c.seat_id", "c.id"),
        plain(E::PartOf, N::LocalGovernment, N::LocalGovernment, "local_government l WHERE l.parent_id IS NOT NULL".into(), "l.id", "l.parent_id", "l.id"),
        Spec {
            role: "CAST(f.kind AS TEXT)",
            label: "f.name",
            ..plain(E::FoundedBy, N::Cooperative, N::LocalGovernment, "cooperative_founder f WHERE f.local_government_id IS NOT NULL".into(), "f.cooperative_id", "f.local_government_id", "f.id")
        },
        Spec {
            role: "CAST(f.kind AS TEXT)",
            label: "f.name",
            ..plain(E::FoundedBy, N::Cooperative, N::Founder, "cooperative_founder f WHERE f.local_government_id IS NULL".into(), "f.cooperative_id", "f.id", "f.id")
        },
        Spec {
            through: Some("ProcurementExample"),
            role: "CAST(ps.role AS TEXT)",
            year: "p.year",
            value: "p.value_grosze",
            label: "p.subject",
            ..plain(E::BoughtFrom, N::LocalGovernment, N::Cooperative,
                format!("procurement_example p JOIN procurement_supplier ps ON ps.procurement_example_id = p.id WHERE {verified}"),
                "p.buyer_id", "ps.cooperative_id", "p.id")
        },
        Spec {
            year: "p.year",
            value: "p.value_grosze",
            label: "p.buyer_unit",
            ..plain(E::Purchased, N::LocalGovernment, N::ProcurementExample,
                format!("procurement_example p WHERE {verified}"), "p.buyer_id", "p.id", "p.id")
        },
        Spec {
            role: "CAST(ps.role AS TEXT)",
            year: "p.year",
            ..plain(E::Supplied, N::Cooperative, N::ProcurementExample,
                format!("procurement_supplier ps JOIN procurement_example p ON p.id = ps.procurement_example_id WHERE {verified}"),
                "ps.cooperative_id", "p.id", "p.id")
        },
        Spec {
            role: "CASE WHEN ci.is_primary THEN 'PRIMARY' ELSE 'SECONDARY' END",
            ..plain(E::OperatesIn, N::Cooperative, N::Industry, "cooperative_industry ci WHERE 1 = 1".into(), "ci.cooperative_id", "ci.industry_id", "ci.industry_id")
        },
        // A sector holds PKD codes at any level: a cooperative operates in it
        // when one of its subclasses falls under one of them.
        plain(E::OperatesIn, N::Cooperative, N::Sector,
            "cooperative_industry ci JOIN industry i ON i.id = ci.industry_id \
             JOIN sector_industry si ON 1 = 1 JOIN industry si_i ON si_i.id = si.industry_id \
             WHERE i.code LIKE si_i.code || '%'".into(),
            "ci.cooperative_id", "si.sector_id", "si.sector_id"),
        Spec {
            through: Some("Offering"),
            label: "o.name",
            ..plain(E::Serves, N::Cooperative, N::LocalGovernment,
                "offering_area oa JOIN offering o ON o.id = oa.offering_id WHERE 1 = 1".into(),
                "o.cooperative_id", "oa.local_government_id", "o.id")
        },
        Spec {
            role: "CAST(i.kind AS TEXT)",
            ..plain(E::InstitutionIn, N::Institution, N::LocalGovernment, "institution i WHERE 1 = 1".into(), "i.id", "i.local_government_id", "i.id")
        },
        Spec {
            role: "pe.role_title",
            ..plain(E::AffiliatedWith, N::Person, N::Cooperative, format!("person pe WHERE {consenting} AND pe.cooperative_id IS NOT NULL"), "pe.id", "pe.cooperative_id", "pe.id")
        },
        Spec {
            role: "pe.role_title",
            ..plain(E::AffiliatedWith, N::Person, N::LocalGovernment, format!("person pe WHERE {consenting} AND pe.local_government_id IS NOT NULL"), "pe.id", "pe.local_government_id", "pe.id")
        },
        Spec {
            role: "pe.role_title",
            ..plain(E::AffiliatedWith, N::Person, N::Institution, format!("person pe WHERE {consenting} AND pe.institution_id IS NOT NULL"), "pe.id", "pe.institution_id", "pe.id")
        },
        Spec {
            role: "CAST(pa.role AS TEXT)",
            ..plain(E::Attended, N::Person, N::Event,
                format!("participation pa JOIN person pe ON pe.id = pa.person_id WHERE {consenting} AND pa.status = 'REGISTERED'"),
                "pa.person_id", "pa.event_id", "pa.id")
        },
    ];
    // Mentions of every kind of node an article can mention; a purchase only
    // once verified, like everywhere else.
    for target in [
        N::Cooperative,
        N::LocalGovernment,
        N::Institution,
        N::Industry,
        N::Sector,
        N::Event,
        N::ProcurementExample,
    ] {
        let extra = if target == N::ProcurementExample {
            format!(" AND m.target_id IN (SELECT p.id FROM procurement_example p WHERE {verified})")
        } else {
            String::new()
        };
        out.push(plain(E::Mentions, N::Article, target,
            format!("mention m JOIN article a ON a.id = m.article_id WHERE {published} AND m.target_kind = '{}'{extra}", target.type_name()),
            "m.article_id", "m.target_id", "m.article_id"));
    }
    out
}

/// What a walk may follow.
#[derive(Debug, Clone)]
pub struct Walk {
    pub depth: u32,
    pub edge_kinds: HashSet<EdgeKind>,
    pub node_kinds: HashSet<NodeKind>,
    pub limit_per_node: usize,
}

/// A walk's result: the nodes (the seeds first, then by distance), the edges,
/// and the nodes that had more edges than `limit_per_node` (not all followed).
#[derive(Debug, Default, Clone)]
pub struct Neighbourhood {
    pub nodes: Vec<(NodeKey, u32)>,
    pub edges: Vec<Edge>,
    pub truncated: Vec<NodeKey>,
}

/// Walks from `seeds` (nodes that exist and are public) `walk.depth` steps along
/// the edges it allows, at most `walk.limit_per_node` edges from each node
/// (in the order of `EdgeKind::ALL`, then the other end's id).
pub async fn neighbourhood(
    db: &DatabaseConnection,
    seeds: &[NodeKey],
    walk: &Walk,
) -> AppResult<Neighbourhood> {
    let specs: Vec<Spec> = specs()
        .into_iter()
        .filter(|s| walk.edge_kinds.contains(&s.kind))
        .collect();
    let mut out = Neighbourhood::default();
    let mut seen: HashMap<NodeKey, u32> = HashMap::new();
    let mut edge_keys = HashSet::new();
    for s in seeds {
        if seen.insert(*s, 0).is_none() {
            out.nodes.push((*s, 0));
        }
    }
    let mut frontier: Vec<NodeKey> = out.nodes.iter().map(|(k, _)| *k).collect();
    for step in 1..=walk.depth {
        // Per frontier node: (order of the spec, the other end, the edge).
        let mut found: BTreeMap<NodeKey, Vec<(usize, Edge)>> = BTreeMap::new();
        for (order, spec) in specs.iter().enumerate() {
            for forward in [true, false] {
                let (side, other) = if forward {
                    (spec.source, spec.target)
                } else {
                    (spec.target, spec.source)
                };
                if !walk.node_kinds.contains(&other) {
                    continue;
                }
                let ids: Vec<i32> = frontier
                    .iter()
                    .filter(|(k, _)| *k == side)
                    .map(|(_, id)| *id)
                    .collect();
                if ids.is_empty() {
                    continue;
                }
                for chunk in ids.chunks(5_000) {
                    for (at, edge) in
                        read(db, spec, forward, chunk, walk.limit_per_node + 1).await?
                    {
                        found
                            .entry((side, at))
                            .or_default()
                            .push((order * 2 + usize::from(!forward), edge));
                    }
                }
            }
        }
        let mut next = Vec::new();
        for (node, mut edges) in found {
            edges.sort_by_key(|(order, e)| {
                let other = if e.source == node { e.target } else { e.source };
                (*order, other, e.via)
            });
            // A cooperative with two subclasses in one sector is in it once.
            edges.dedup_by_key(|(_, e)| e.key());
            if edges.len() > walk.limit_per_node {
                out.truncated.push(node);
                edges.truncate(walk.limit_per_node);
            }
            for (_, e) in edges {
                let other = if e.source == node { e.target } else { e.source };
                if let std::collections::hash_map::Entry::Vacant(v) = seen.entry(other) {
                    v.insert(step);
                    out.nodes.push((other, step));
                    next.push(other);
                }
                if edge_keys.insert(e.key()) {
                    out.edges.push(e);
                }
            }
        }
        frontier = next;
        if frontier.is_empty() {
            break;
        }
    }
    Ok(out)
}

/// The edges of `spec` at `ids` (its sources when `forward`, else its targets),
/// at most `limit` per id, with the id each belongs to.
async fn read(
    db: &DatabaseConnection,
    spec: &Spec,
    forward: bool,
    ids: &[i32],
    limit: usize,
) -> AppResult<Vec<(i32, Edge)>> {
    let backend = db.get_database_backend();
    let (list, values) = super::batch::key_params(backend, ids);
    let (side, other) = if forward {
        (spec.s, spec.t)
    } else {
        (spec.t, spec.s)
    };
    let sql = format!(
        "SELECT s, t, via, role, yr, val, label FROM (\
           SELECT {columns}, \
                  ROW_NUMBER() OVER (PARTITION BY {side} ORDER BY {other}, {via}) AS rn \
           FROM {from} AND {side} IN ({list})\
         ) x WHERE rn <= {limit}",
        columns = spec.columns(),
        via = spec.via,
        from = spec.from,
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            let edge = spec.edge(row)?;
            Ok((
                if forward {
                    edge.source.1
                } else {
                    edge.target.1
                },
                edge,
            ))
        })
        .collect()
}

impl NodeKind {
    /// The table its records are rows of.
    fn table(self) -> &'static str {
        match self {
            NodeKind::Cooperative => "cooperative",
            NodeKind::LocalGovernment => "local_government",
            NodeKind::Institution => "institution",
            NodeKind::Industry => "industry",
            NodeKind::Sector => "sector",
            NodeKind::ProcurementExample => "procurement_example",
            NodeKind::Person => "person",
            NodeKind::Event => "event",
            NodeKind::Article => "article",
            NodeKind::Founder => "cooperative_founder",
        }
    }

    /// The condition (on alias `x`) its public records meet: a purchase once
    /// verified, an article once published, a person with a public profile.
    fn public_sql(self) -> String {
        match self {
            NodeKind::ProcurementExample => listed_procurement_sql("x"),
            NodeKind::Person => consenting_person_sql("x"),
            NodeKind::Article => listed_content_sql("x"),
            NodeKind::Founder => "x.local_government_id IS NULL".to_owned(),
            _ => "1 = 1".to_owned(),
        }
    }

    /// A name to show for one of its records, as SQL on alias `x`.
    fn label_sql(self) -> &'static str {
        match self {
            NodeKind::Industry => "x.code || ' ' || x.name",
            NodeKind::ProcurementExample => "x.subject",
            NodeKind::Person => "x.display_name",
            NodeKind::Event | NodeKind::Article => "x.title",
            _ => "x.name",
        }
    }
}

/// The public records among `nodes`, with `label` (SQL on alias `x`) read for
/// each: one statement per kind of node (and per 5,000 ids).
async fn public_rows(
    db: &DatabaseConnection,
    nodes: &[NodeKey],
    label: impl Fn(NodeKind) -> &'static str,
) -> AppResult<HashMap<NodeKey, Option<String>>> {
    let backend = db.get_database_backend();
    let mut out = HashMap::with_capacity(nodes.len());
    for kind in NodeKind::ALL {
        let ids: Vec<i32> = nodes
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, i)| *i)
            .collect();
        for chunk in ids.chunks(5_000) {
            let (list, values) = super::batch::key_params(backend, chunk);
            let sql = format!(
                "SELECT x.id AS id, {} AS label FROM {} x WHERE {} AND x.id IN ({list})",
                label(kind),
                kind.table(),
                kind.public_sql()
            );
            for row in db
                .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
                .await?
            {
                out.insert((kind, row.try_get("", "id")?), row.try_get("", "label")?);
            }
        }
    }
    Ok(out)
}

/// Which of `seeds` exist and are public records of the graph (the others are
/// left out, as if absent).
pub async fn public_seeds(db: &DatabaseConnection, seeds: &[NodeKey]) -> AppResult<Vec<NodeKey>> {
    let public = public_rows(db, seeds, |_| "CAST(NULL AS TEXT)").await?;
    Ok(seeds
        .iter()
        .filter(|s| public.contains_key(s))
        .copied()
        .collect())
}

/// A name to show for each of `nodes` (a person's display name, a purchase's
/// subject, a PKD subclass's code and name…).
pub async fn labels(
    db: &DatabaseConnection,
    nodes: &[NodeKey],
) -> AppResult<HashMap<NodeKey, String>> {
    Ok(public_rows(db, nodes, NodeKind::label_sql)
        .await?
        .into_iter()
        .filter_map(|(k, l)| Some((k, l?)))
        .collect())
}

/// The whole public graph, read in pieces for a streamed file: every public node
/// kind by kind, then every edge kind by kind, each in keyset pages (nodes by
/// id, edges by source id, a source's edges never split between pages), so
/// memory holds one page and a connection is held for one statement at a time.
pub struct Whole {
    specs: Vec<Spec>,
    /// Next node kind (index into `NodeKind::ALL`), or the next edge spec once
    /// the nodes are done.
    at: usize,
    /// Last id read of the current kind: a node's id, or an edge's source id.
    after: i64,
}

/// Rows read at a time (a page of edges may be longer by the edges of one
/// source that alone fill a page).
const WHOLE_PAGE: usize = 2_000;

impl Default for Whole {
    fn default() -> Self {
        Whole {
            specs: specs(),
            at: 0,
            after: super::keyset::BEFORE_ANY_ID,
        }
    }
}

impl Whole {
    /// The next page of public nodes with their labels; `None` once every kind
    /// is read (then `next_edges`).
    pub async fn next_nodes(
        &mut self,
        db: &DatabaseConnection,
    ) -> AppResult<Option<Vec<(NodeKey, Option<String>)>>> {
        let backend = db.get_database_backend();
        while let Some(kind) = NodeKind::ALL.get(self.at).copied() {
            let sql = format!(
                "SELECT x.id AS id, {} AS label FROM {} x WHERE {} AND x.id > {} ORDER BY x.id LIMIT {WHOLE_PAGE}",
                kind.label_sql(),
                kind.table(),
                kind.public_sql(),
                self.after,
            );
            let rows = db
                .query_all_raw(Statement::from_string(backend, sql))
                .await?;
            let page = rows
                .iter()
                .map(|r| Ok(((kind, r.try_get("", "id")?), r.try_get("", "label")?)))
                .collect::<AppResult<Vec<(NodeKey, Option<String>)>>>()?;
            match page.last() {
                Some(((_, id), _)) if page.len() == WHOLE_PAGE => self.after = i64::from(*id),
                _ => self.next_kind(),
            }
            if !page.is_empty() {
                return Ok(Some(page));
            }
        }
        Ok(None)
    }

    fn next_kind(&mut self) {
        self.at += 1;
        self.after = super::keyset::BEFORE_ANY_ID;
    }

    /// The next page of edges (every edge between public nodes, each once, in
    /// the order of their kind and source); `None` at the end.
    pub async fn next_edges(&mut self, db: &DatabaseConnection) -> AppResult<Option<Vec<Edge>>> {
        let first_spec = NodeKind::ALL.len();
        self.at = self.at.max(first_spec);
        while let Some(spec) = self.specs.get(self.at - first_spec) {
            let page = WHOLE_PAGE;
            let mut edges = spec
                .read(db, &format!("{} > {}", spec.s, self.after), Some(page))
                .await?;
            if edges.len() < page {
                self.next_kind();
            } else {
                // The last source's edges may go on past the page: they are
                // read again with the next page, unless that source is the
                // only one here, when all its edges are read now.
                let last = edges[edges.len() - 1].source.1;
                if edges[0].source.1 == last {
                    edges = spec.read(db, &format!("{} = {last}", spec.s), None).await?;
                    self.after = i64::from(last);
                } else {
                    edges.retain(|e| e.source.1 != last);
                    self.after = i64::from(edges[edges.len() - 1].source.1);
                }
            }
            // A cooperative with two subclasses in one sector is in it once.
            edges.sort_by_key(|e| (e.source, e.target, e.via));
            edges.dedup_by_key(|e| e.key());
            if !edges.is_empty() {
                return Ok(Some(edges));
            }
        }
        Ok(None)
    }
}

impl Spec {
    /// Its edges whose rows meet `condition`, by source id, at most `limit`.
    async fn read(
        &self,
        db: &DatabaseConnection,
        condition: &str,
        limit: Option<usize>,
    ) -> AppResult<Vec<Edge>> {
        let sql = format!(
            "SELECT {} FROM {} AND {condition} ORDER BY {}{}",
            self.columns(),
            self.from,
            self.s,
            limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default(),
        );
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await?;
        rows.iter().map(|row| self.edge(row)).collect()
    }

    /// The columns an edge is read with (s, t, via, role, yr, val, label).
    fn columns(&self) -> String {
        format!(
            "{} AS s, {} AS t, {} AS via, {} AS role, {} AS yr, {} AS val, {} AS label",
            self.s, self.t, self.via, self.role, self.year, self.value, self.label
        )
    }

    /// The edge of a row read with `columns`.
    fn edge(&self, row: &sea_orm::QueryResult) -> AppResult<Edge> {
        Ok(Edge {
            kind: self.kind,
            source: (self.source, row.try_get("", "s")?),
            target: (self.target, row.try_get("", "t")?),
            via: row.try_get("", "via")?,
            through: self.through,
            role: row.try_get("", "role")?,
            year: row.try_get("", "yr")?,
            value_grosze: row.try_get("", "val")?,
            label: row.try_get("", "label")?,
        })
    }
}

/// Labels that more than one public node has (across kinds too): Kumu links
/// connections to elements by label, so these get their kind and id appended.
pub async fn shared_labels(db: &DatabaseConnection) -> AppResult<HashSet<String>> {
    let parts: Vec<String> = NodeKind::ALL
        .iter()
        .map(|k| {
            format!(
                "SELECT {} AS label FROM {} x WHERE {}",
                k.label_sql(),
                k.table(),
                k.public_sql()
            )
        })
        .collect();
    let sql = format!(
        "SELECT label FROM ({}) u WHERE label IS NOT NULL GROUP BY label HAVING COUNT(*) > 1",
        parts.join(" UNION ALL ")
    );
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    rows.iter().map(|r| Ok(r.try_get("", "label")?)).collect()
}

impl Edge {
    /// Its stable global id: its kind, its two ends and the row that makes it.
    pub fn global_id(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
            "NetworkEdge:{}:{}:{}:{}:{}:{}",
            self.kind.name(),
            self.source.0.type_name(),
            self.source.1,
            self.target.0.type_name(),
            self.target.1,
            self.via
        ))
    }
}
