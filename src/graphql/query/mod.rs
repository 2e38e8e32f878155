//! The query root: one object per domain, merged.

mod account;
mod cooperative;
mod industry;
mod institution;
mod local_government;
mod node;
mod procurement;

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
);
