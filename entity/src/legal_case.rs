//! A case of the legal desk: a question a cooperative's member (or someone
//! founding one) asks the federation's legal advisors. Private to its asker and
//! the legal advisors (`coophub::policy::case_visible`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legal_case")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The member who asked; None for a case an advisor logged from a call, and
    /// once the asker deleted their account.
    pub asker_user_id: Option<i32>,
    /// The caller's name, for a case logged by an advisor (advisors only).
    pub asker_name: Option<String>,
    /// How to reach the asker without an account (advisors only).
    pub asker_contact: Option<String>,
    pub cooperative_id: Option<i32>,
    pub topic: Topic,
    #[sea_orm(column_type = "Text")]
    pub question: String,
    pub status: Status,
    pub advisor_user_id: Option<i32>,
    pub submitted_at: DateTimeUtc,
    /// 7 days after submission, moved past days free from work (`coophub::days`).
    pub due_on: Date,
    pub first_answer_at: Option<DateTimeUtc>,
    pub answered_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    /// 1–5, by the asker after closing.
    pub rating: Option<i32>,
    /// The question and messages were erased with the asker's account.
    pub erased: bool,
    pub version: i32,
    /// The public question and answer made from it, if any (advisors only).
    pub article_id: Option<i32>,
}

positional!(
    id,
    asker_user_id,
    asker_name,
    asker_contact,
    cooperative_id,
    topic,
    question,
    status,
    advisor_user_id,
    submitted_at,
    due_on,
    first_answer_at,
    answered_at,
    closed_at,
    rating,
    erased,
    version,
    article_id,
);
crate::cell::string_enums!(Topic, Status);

/// What a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum Topic {
    #[sea_orm(string_value = "FOUNDING")]
    Founding,
    #[sea_orm(string_value = "MEMBERSHIP")]
    Membership,
    #[sea_orm(string_value = "EMPLOYMENT")]
    Employment,
    #[sea_orm(string_value = "PUBLIC_PROCUREMENT")]
    PublicProcurement,
    #[sea_orm(string_value = "TAXES")]
    Taxes,
    #[sea_orm(string_value = "STATE_AID")]
    StateAid,
    #[sea_orm(string_value = "GOVERNANCE")]
    Governance,
    #[sea_orm(string_value = "FUNDING")]
    Funding,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum Status {
    #[sea_orm(string_value = "NEW")]
    New,
    #[sea_orm(string_value = "ASSIGNED")]
    Assigned,
    #[sea_orm(string_value = "WAITING_FOR_ASKER")]
    WaitingForAsker,
    #[sea_orm(string_value = "ANSWERED")]
    Answered,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
