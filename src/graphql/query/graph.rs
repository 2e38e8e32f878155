//! `neighbourhood`: the network around some records as nodes and typed edges,
//! for network maps (`db::graph` walks it; `centrality` measures it).

use crate::db::graph::{self, Edge, EdgeKind as DbEdge, NodeKey, NodeKind as DbNode, Walk};
use crate::error::AppError;
use crate::graphql::{
    db, loaders,
    node::Node,
    types::{Decimal, LocalGovernment, LocalGovernmentLevel},
};
use crate::ids::{global_id, parse_global_id};
use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// At most this many records to start from.
const MAX_FROM: usize = 20;
/// At most this many steps away.
const MAX_DEPTH: i32 = 3;
/// At most this many edges followed from one node.
const MAX_LIMIT_PER_NODE: i32 = 100;

/// The most nodes a walk can reach, as the cost guard prices it before anything
/// runs: every start node, and each node of every step but the last followed
/// along at most `limit_per_node` edges. Times what is selected of them.
/// Arguments out of range are priced as the smallest walk: the resolver refuses
/// them, naming the argument.
pub fn neighbourhood_cost(from: usize, depth: i32, limit_per_node: i32, child: usize) -> usize {
    let in_range = |v: i32, max: i32| {
        if (1..=max).contains(&v) {
            v as usize
        } else {
            1
        }
    };
    let limit = in_range(limit_per_node, MAX_LIMIT_PER_NODE);
    let from = from.clamp(1, MAX_FROM);
    let mut reach = from;
    let mut level = from;
    for _ in 0..in_range(depth, MAX_DEPTH) {
        level = level.saturating_mul(limit);
        reach = reach.saturating_add(level);
    }
    reach.saturating_mul(child.max(1)).saturating_add(1)
}

/// A kind of record that is a node of the network graph.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::db::graph::NodeKind")]
pub enum NetworkNodeKind {
    /// A social cooperative.
    Cooperative,
    /// A local government unit (gmina, powiat, voivodeship).
    LocalGovernment,
    /// An institution (labour office, social assistance centre, OWES…).
    Institution,
    /// A PKD subclass.
    Industry,
    /// A sector of the industry meetings.
    Sector,
    /// A verified purchase by a local government.
    ProcurementExample,
    /// A person with a public profile (people without one are never nodes).
    Person,
    /// An event (forum, industry meeting).
    Event,
    /// A published article.
    Article,
    /// A founder that is no local government (an NGO, a church legal person).
    Founder,
}

/// A kind of link between two nodes; an edge points from `source` to `target` as named.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::db::graph::EdgeKind")]
pub enum NetworkEdgeKind {
    /// Cooperative → the gmina of its seat.
    SeatIn,
    /// Local government → the unit above it (gmina → powiat → voivodeship).
    PartOf,
    /// Cooperative → a founder: a local government, or another legal person as a `Founder` node (`role`: the founder's kind, `label`: its name).
    FoundedBy,
    /// Buyer → supplier: a local government bought from a cooperative (`through`: the
    /// purchase; `role`: LEAD or CONSORTIUM_MEMBER; `year`, `valuePln`, `label`: its subject).
    BoughtFrom,
    /// Local government → a verified purchase it made (`year`, `valuePln`, `label`: the buying unit).
    Purchased,
    /// Cooperative → a verified purchase it supplied (`role`: LEAD or CONSORTIUM_MEMBER, `year`).
    Supplied,
    /// Cooperative → a PKD subclass it declares (`role`: PRIMARY or SECONDARY) or a sector its subclasses fall under.
    OperatesIn,
    /// Cooperative → a local government one of its offerings serves in full (`through`: the offering; `label`: its name).
    Serves,
    /// Institution → the local government it belongs to (`role`: the institution's kind).
    InstitutionIn,
    /// Person → their cooperative, local government or institution (`role`: their role title). Public profiles only.
    AffiliatedWith,
    /// Person → an event they registered for (`role`: their role there). Public profiles only.
    Attended,
    /// Published article → a record it mentions.
    Mentions,
}

fn node_id(k: NodeKey) -> ID {
    global_id(k.0.type_name(), k.1)
}

/// An edge's stable id: its kind, its two ends and the row that makes it.
fn edge_id(e: &Edge) -> ID {
    ID(e.global_id())
}

/// A file format of network tools.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum NetworkFileFormat {
    /// GEXF 1.2 (Gephi).
    Gexf,
    /// GraphML (yEd, Cytoscape, NetworkX, igraph…).
    Graphml,
    /// Kumu's elements sheet, CSV: Label, Type, ID, Distance.
    KumuElementsCsv,
    /// Kumu's connections sheet, CSV: From, To (element labels), Type, Direction, ID and the edge's facts.
    KumuConnectionsCsv,
}

/// One link of the graph.
pub struct NetworkEdge(Edge);

/// A link between two nodes of the network graph, with its own facts.
#[Object]
impl NetworkEdge {
    /// A stable id of this link (its kind, its ends and the record that makes it).
    async fn id(&self) -> ID {
        edge_id(&self.0)
    }
    /// What kind of link.
    async fn kind(&self) -> NetworkEdgeKind {
        self.0.kind.into()
    }
    /// The global id of the node it starts from.
    async fn source(&self) -> ID {
        node_id(self.0.source)
    }
    /// The global id of the node it points to.
    async fn target(&self) -> ID {
        node_id(self.0.target)
    }
    /// The record that makes the link, when the API has it as an object (a
    /// purchase for BOUGHT_FROM, an offering for SERVES).
    async fn through(&self) -> Option<ID> {
        self.0.through.map(|t| global_id(t, self.0.via))
    }
    /// The id of the link object that makes this edge, where it is one: the
    /// `Founder.id` of a FOUNDED_BY edge, the `ProcurementSupplier.id` of a
    /// SUPPLIED or BOUGHT_FROM edge, the `Participation.id` of an ATTENDED edge.
    async fn link(&self) -> Option<ID> {
        let e = &self.0;
        match e.kind {
            DbEdge::FoundedBy => Some(crate::ids::link_id("Founder", &[e.via])),
            DbEdge::Supplied => Some(crate::ids::link_id(
                "ProcurementSupplier",
                &[e.via, e.source.1],
            )),
            DbEdge::BoughtFrom => Some(crate::ids::link_id(
                "ProcurementSupplier",
                &[e.via, e.target.1],
            )),
            DbEdge::Attended => Some(crate::ids::link_id("Participation", &[e.via])),
            _ => None,
        }
    }
    /// The role in the link (see the kind), if any.
    async fn role(&self) -> Option<&str> {
        self.0.role.as_deref()
    }
    /// The year of the link (a purchase's), if any.
    async fn year(&self) -> Option<i32> {
        self.0.year
    }
    /// The value of the link in PLN net (a purchase's), if stated.
    async fn value_pln(&self) -> Option<Decimal> {
        self.0.value_grosze.map(Decimal)
    }
    /// A short text naming the link (a purchase's subject, an offering's or founder's name), if any.
    async fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }
}

/// A node's place in the neighbourhood.
#[derive(SimpleObject)]
pub struct NodeCentrality {
    /// The node's global id.
    pub id: ID,
    /// Steps from the nearest node the walk started from (0: a start node).
    pub distance: i32,
    /// Edges of this neighbourhood at the node.
    pub degree: i32,
    /// Betweenness (Brandes) in this neighbourhood, as an undirected graph: the
    /// sum over pairs of other nodes of the share of their shortest paths that
    /// pass through it. Null unless asked for (`betweenness: true`).
    pub betweenness: Option<f64>,
}

/// Two cooperatives linked through others: the same buyer, or the same purchase.
#[derive(SimpleObject)]
pub struct CooperativePair {
    /// One cooperative (the smaller id).
    pub source: ID,
    /// The other.
    pub target: ID,
    /// How many buyers (or purchases) they share in this neighbourhood.
    pub weight: i32,
    /// The shared buyers (or purchases).
    pub through: Vec<ID>,
}

/// The network around some records.
pub struct Neighbourhood(graph::Neighbourhood);

impl Neighbourhood {
    /// Pairs of cooperatives that share a node: each group of `(group, cooperative)`.
    fn pairs(&self, groups: impl Iterator<Item = (NodeKey, NodeKey)>) -> Vec<CooperativePair> {
        let mut by_group: BTreeMap<NodeKey, BTreeSet<NodeKey>> = BTreeMap::new();
        for (group, coop) in groups {
            by_group.entry(group).or_default().insert(coop);
        }
        let mut shared: BTreeMap<(NodeKey, NodeKey), Vec<NodeKey>> = BTreeMap::new();
        for (group, coops) in by_group {
            let coops: Vec<_> = coops.into_iter().collect();
            for (i, a) in coops.iter().enumerate() {
                for b in &coops[i + 1..] {
                    shared.entry((*a, *b)).or_default().push(group);
                }
            }
        }
        shared
            .into_iter()
            .map(|((a, b), through)| CooperativePair {
                source: node_id(a),
                target: node_id(b),
                weight: i32::try_from(through.len()).unwrap_or(i32::MAX),
                through: through.into_iter().map(node_id).collect(),
            })
            .collect()
    }
}

/// Nodes and typed edges around the records a walk started from, for network maps.
#[Object]
impl Neighbourhood {
    /// The nodes: those the walk started from first, then by distance.
    async fn nodes(&self, ctx: &Context<'_>) -> Result<Vec<Node>> {
        let ids: Vec<ID> = self.0.nodes.iter().map(|(k, _)| node_id(*k)).collect();
        let found =
            futures_util::future::join_all(ids.iter().map(|id| super::node::fetch(ctx, id))).await;
        let mut out = Vec::with_capacity(found.len());
        for n in found {
            out.extend(n?);
        }
        Ok(out)
    }
    /// The edges between them.
    async fn edges(&self) -> Vec<NetworkEdge> {
        self.0.edges.iter().cloned().map(NetworkEdge).collect()
    }
    /// This neighbourhood as a file for network tools (nodes named by their
    /// global ids and labelled by name, edges with their ids and facts): open
    /// GEXF in Gephi, GraphML in yEd, Cytoscape or NetworkX, the two Kumu
    /// sheets in Kumu.
    async fn file(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The format.")] format: NetworkFileFormat,
    ) -> Result<String> {
        let keys: Vec<NodeKey> = self.0.nodes.iter().map(|(k, _)| *k).collect();
        let labels = graph::labels(db(ctx)?, &keys).await?;
        let id = |k: NodeKey| node_id(k).0;
        let edge = |e: &Edge| edge_id(e).0;
        let named = crate::graph_export::Named {
            graph: &self.0,
            id: &id,
            labels: &labels,
            edge_id: &edge,
        };
        let csv_failed = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
        Ok(match format {
            NetworkFileFormat::Gexf => crate::graph_export::gexf(&named),
            NetworkFileFormat::Graphml => crate::graph_export::graphml(&named),
            NetworkFileFormat::KumuElementsCsv => {
                crate::graph_export::kumu_elements(&named).map_err(csv_failed)?
            }
            NetworkFileFormat::KumuConnectionsCsv => {
                crate::graph_export::kumu_connections(&named).map_err(csv_failed)?
            }
        })
    }
    /// How many nodes.
    async fn node_count(&self) -> i32 {
        i32::try_from(self.0.nodes.len()).unwrap_or(i32::MAX)
    }
    /// How many edges.
    async fn edge_count(&self) -> i32 {
        i32::try_from(self.0.edges.len()).unwrap_or(i32::MAX)
    }
    /// Nodes that have more edges of the kinds asked than `limitPerNode`: only
    /// the first of them were followed (ask again from such a node, or with a
    /// larger limit, for the rest).
    async fn truncated(&self) -> Vec<ID> {
        self.0.truncated.iter().map(|k| node_id(*k)).collect()
    }
    /// Each node's distance, degree and, on request, betweenness in this neighbourhood.
    async fn centrality(
        &self,
        #[graphql(
            desc = "Compute betweenness too (Brandes; takes time proportional to nodes × edges).",
            default = false
        )]
        betweenness: bool,
    ) -> Vec<NodeCentrality> {
        let index: HashMap<NodeKey, usize> = self
            .0
            .nodes
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (*k, i))
            .collect();
        let links: Vec<(usize, usize)> = self
            .0
            .edges
            .iter()
            .filter_map(|e| Some((*index.get(&e.source)?, *index.get(&e.target)?)))
            .collect();
        let n = self.0.nodes.len();
        let degree = crate::centrality::degree(n, &links);
        let between = betweenness.then(|| crate::centrality::betweenness(n, &links));
        self.0
            .nodes
            .iter()
            .enumerate()
            .map(|(i, (k, distance))| NodeCentrality {
                id: node_id(*k),
                distance: i32::try_from(*distance).unwrap_or(i32::MAX),
                degree: i32::try_from(degree[i]).unwrap_or(i32::MAX),
                betweenness: between.as_ref().map(|b| b[i]),
            })
            .collect()
    }
    /// Pairs of cooperatives in this neighbourhood that sold to the same buyer
    /// (the projection of BOUGHT_FROM edges onto cooperatives), `through` the buyers.
    async fn co_buyers(&self) -> Vec<CooperativePair> {
        self.pairs(
            self.0
                .edges
                .iter()
                .filter(|e| e.kind == DbEdge::BoughtFrom)
                .map(|e| (e.source, e.target)),
        )
    }
    /// Pairs of cooperatives in this neighbourhood that supplied the same
    /// purchase (a consortium), `through` the purchases.
    async fn co_suppliers(&self) -> Vec<CooperativePair> {
        self.pairs(self.0.edges.iter().filter_map(|e| match e.kind {
            DbEdge::Supplied => Some((e.target, e.source)),
            DbEdge::BoughtFrom => Some(((DbNode::ProcurementExample, e.via), e.target)),
            _ => None,
        }))
    }
}

/// A unit's figures for a map of Poland.
pub struct AreaFigures {
    figures: crate::maps::Figures,
    sectors: std::sync::Arc<HashMap<i32, entity::sector::Model>>,
}

/// One unit's figures for a map of Poland (a choropleth colours by them).
#[Object]
impl AreaFigures {
    /// The unit.
    async fn unit(&self) -> LocalGovernment {
        LocalGovernment(self.figures.unit.clone())
    }
    /// Its TERYT code (2, 4 or 7 digits), as boundary files name it.
    async fn teryt(&self) -> &str {
        &self.figures.unit.teryt
    }
    /// Cooperatives seated in it, of those the filter selects.
    async fn cooperatives(&self) -> u64 {
        self.figures.cooperatives
    }
    /// Verified purchases from cooperatives by buyers in it (the unit itself or
    /// units below it; a voivodeship's own purchases count only at its level).
    async fn verified_purchases(&self) -> u64 {
        self.figures.verified_purchases
    }
    /// Offerings of those cooperatives by sector (an offering counts in each
    /// sector its PKD subclass falls under); sectors without any are left out.
    async fn offerings_by_sector(&self) -> Vec<SectorOfferings> {
        self.figures
            .offerings_by_sector
            .iter()
            .filter_map(|(id, n)| {
                Some(SectorOfferings {
                    sector: self.sectors.get(id)?.clone(),
                    offerings: *n,
                })
            })
            .collect()
    }
    /// Its population, where known (voivodeships and powiaty; see `populationYear`).
    async fn population(&self) -> Option<i64> {
        self.figures.unit.population
    }
    /// The year the population was counted (31 December, GUS): 2018.
    async fn population_year(&self) -> Option<i32> {
        self.figures
            .unit
            .population
            .map(|_| crate::maps::POPULATION_YEAR)
    }
    /// Cooperatives per 100,000 inhabitants, where the population is known.
    #[graphql(name = "cooperativesPer100k")]
    async fn cooperatives_per_100k(&self) -> Option<f64> {
        self.figures.cooperatives_per_100k()
    }
}

/// How many offerings of a unit's cooperatives fall in a sector.
pub struct SectorOfferings {
    sector: entity::sector::Model,
    offerings: u64,
}

/// Offerings in one sector, for a map.
#[Object]
impl SectorOfferings {
    /// The sector.
    async fn sector(&self) -> crate::graphql::types::Sector {
        crate::graphql::types::Sector(self.sector.clone())
    }
    /// Offerings whose PKD subclass falls under it.
    async fn offerings(&self) -> u64 {
        self.offerings
    }
}

/// Units of a level: the most `mapFigures` can list.
fn units_of(level: LocalGovernmentLevel) -> usize {
    match level {
        LocalGovernmentLevel::Voivodeship => 16,
        LocalGovernmentLevel::Powiat => 380,
        LocalGovernmentLevel::Gmina => 2_479,
    }
}

#[derive(Default)]
pub struct GraphQuery;

#[Object]
impl GraphQuery {
    /// Figures for a map of Poland: every unit of a level (voivodeships, powiaty
    /// with the cities with powiat rights, or gminy) with the cooperatives seated
    /// in it that `filter` selects (the directory's filters), the verified
    /// purchases of its buyers, its population and cooperatives per 100,000
    /// inhabitants. By TERYT code, so a map joins them to its boundaries.
    #[graphql(complexity = "units_of(level).saturating_mul(child_complexity.max(1))")]
    async fn map_figures(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which units.")] level: LocalGovernmentLevel,
        #[graphql(desc = "Which cooperatives to count (the directory's filter).")] filter: Option<
            super::cooperative::CooperativeFilter,
        >,
    ) -> Result<Vec<AreaFigures>> {
        use sea_orm::EntityTrait;
        let db = db(ctx)?;
        let filter = filter.unwrap_or_default().into_db(db).await?;
        let asked = ctx.look_ahead();
        let wanted = crate::maps::Wanted {
            verified_purchases: asked.field("verifiedPurchases").exists(),
            offerings_by_sector: asked.field("offeringsBySector").exists(),
        };
        let l = loaders(ctx)?;
        let figures = crate::maps::figures(
            db,
            &l.units,
            &filter,
            level.code_length(),
            wanted,
            Some(&l.matches),
        )
        .await?;
        let sectors: std::sync::Arc<HashMap<i32, entity::sector::Model>> =
            std::sync::Arc::new(if wanted.offerings_by_sector {
                entity::sector::Entity::find()
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|s| (s.id, s))
                    .collect()
            } else {
                HashMap::new()
            });
        Ok(figures
            .into_iter()
            .map(|figures| AreaFigures {
                figures,
                sectors: sectors.clone(),
            })
            .collect())
    }

    /// The network around some records: nodes (cooperatives, local governments,
    /// institutions, industries, sectors, verified purchases, people with a public
    /// profile, events, published articles) and the typed edges between them, up to
    /// `depth` steps away, following at most `limitPerNode` edges from each node.
    /// Priced before it runs by the most nodes it could reach; too large a
    /// neighbourhood is refused with its figures, never cut short silently.
    #[graphql(
        complexity = "neighbourhood_cost(from.len(), depth, limit_per_node, child_complexity)"
    )]
    async fn neighbourhood(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids of the records to start from (1 to 20).")] from: Vec<ID>,
        #[graphql(desc = "Steps away from them (1 to 3).", default = 1)] depth: i32,
        #[graphql(desc = "Follow only edges of these kinds (default: all).")] edge_kinds: Option<
            Vec<NetworkEdgeKind>,
        >,
        #[graphql(
            desc = "Reach only nodes of these kinds (default: all); the start nodes are always in."
        )]
        node_kinds: Option<Vec<NetworkNodeKind>>,
        #[graphql(
            desc = "Follow at most this many edges from each node (1 to 100).",
            default = 20
        )]
        limit_per_node: i32,
    ) -> Result<Neighbourhood> {
        if from.is_empty() || from.len() > MAX_FROM {
            return Err(AppError::invalid(
                "from",
                format!("give 1 to {MAX_FROM} ids, got {}", from.len()),
            )
            .into());
        }
        if !(1..=MAX_DEPTH).contains(&depth) {
            return Err(
                AppError::invalid("depth", format!("1 to {MAX_DEPTH}, got {depth}")).into(),
            );
        }
        if !(1..=MAX_LIMIT_PER_NODE).contains(&limit_per_node) {
            return Err(AppError::invalid(
                "limitPerNode",
                format!("1 to {MAX_LIMIT_PER_NODE}, got {limit_per_node}"),
            )
            .into());
        }
        let mut seeds = Vec::with_capacity(from.len());
        for id in &from {
            let (kind, n) = parse_global_id("from", id)?;
            let kind = DbNode::of_type_name(&kind).ok_or_else(|| {
                AppError::invalid(
                    "from",
                    format!("a {kind} is not a node of the network graph"),
                )
            })?;
            seeds.push((kind, n));
        }
        let walk = Walk {
            depth: depth.unsigned_abs(),
            edge_kinds: match edge_kinds {
                Some(k) => k.into_iter().map(Into::into).collect(),
                None => DbEdge::ALL.into_iter().collect(),
            },
            node_kinds: match node_kinds {
                Some(k) => k.into_iter().map(Into::into).collect(),
                None => DbNode::ALL.into_iter().collect(),
            },
            limit_per_node: limit_per_node.unsigned_abs() as usize,
        };
        let db = db(ctx)?;
        let seeds = graph::public_seeds(db, &seeds).await?;
        Ok(Neighbourhood(
            graph::neighbourhood(db, &seeds, &walk).await?,
        ))
    }
}
