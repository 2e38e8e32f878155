//! The mutation root: one object per domain, merged. Every mutation takes an
//! `input` and returns a payload with the changed object (Relay style), and
//! authorises in one place at its top.

mod account;
mod api_key;
mod claim;
mod cooperative;
mod desk;
mod import;
mod knowledge;
mod need;
mod network;
mod procurement;
mod programme;
mod request;

pub use account::me_of;
pub use api_key::new_key_secret;
use async_graphql::MergedObject;

/// Changes to the coophub graph.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    account::AccountMutation,
    claim::ClaimMutation,
    api_key::ApiKeyMutation,
    cooperative::CooperativeMutation,
    import::ImportMutation,
    need::NeedMutation,
    knowledge::KnowledgeMutation,
    desk::DeskMutation,
    network::NetworkMutation,
    procurement::ProcurementMutation,
    programme::ProgrammeMutation,
    request::RequestMutation,
);
