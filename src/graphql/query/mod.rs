//! The query root: one object per domain, merged.

mod account;
pub mod cooperative;
pub mod desk;
mod graph;
mod industry;
mod institution;
mod knowledge;
mod local_government;
mod need;
pub mod network;
mod node;
mod procurement;
mod search;

use async_graphql::MergedObject;

/// Read access to the coophub graph.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    node::NodeQuery,
    account::AccountQuery,
    cooperative::CooperativeQuery,
    local_government::LocalGovernmentQuery,
    industry::IndustryQuery,
    institution::InstitutionQuery,
    procurement::ProcurementQuery,
    need::NeedQuery,
    knowledge::KnowledgeQuery,
    desk::DeskQuery,
    network::NetworkQuery,
    graph::GraphQuery,
    search::SearchQuery,
);
