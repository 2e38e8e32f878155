//! The legal desk (docs/desk.md): cases, their messages and internal notes,
//! the advisors' queue, the asker's rating, the desk's aggregate figures, and
//! the publication of an answered case as an anonymised question and answer.
//! Every function that reads or changes a case checks `policy::case_visible`
//! first and answers NotFound when it fails, so that nobody learns a case exists.

use super::keyset::{self, Keyset, Paged, Part, Seek};
use super::project::Cols;
use super::write::Write;
use crate::anonymise::{anonymise, Anonymised};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::policy::{case_internals_visible, case_visible};
use crate::validate::{optional_text, text};
use chrono::{DateTime, NaiveDate, Utc};
use entity::legal_case::{self, Status, Topic};
use entity::{case_attachment, case_message, user_account, user_role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

/// Days an advisor has to answer (counted by `days::due_after`).
pub const DUE_DAYS: u64 = 7;
/// The longest question or message, in characters.
pub const MAX_TEXT: usize = 20_000;
/// Cells of the desk's figures with fewer cases are not shown.
pub const SMALLEST_CELL: u64 = 5;

/// The open cases, overdue first (their due dates are the earliest), then by due date.
pub const QUEUE: Keyset<legal_case::Column> = Keyset {
    tag: "legal_case.due",
    parts: &[
        Part::asc(legal_case::Column::DueOn),
        Part::asc(legal_case::Column::Id),
    ],
};

/// An asker's cases, newest first.
pub const NEWEST: Keyset<legal_case::Column> = Keyset {
    tag: "legal_case.newest",
    parts: &[Part::desc(legal_case::Column::Id)],
};

/// Statuses of an open case (the queue's default).
pub const OPEN: [Status; 3] = [Status::New, Status::Assigned, Status::WaitingForAsker];
/// Statuses in which the desk owes an answer (a case waiting for its asker is not late).
pub const OWED: [Status; 2] = [Status::New, Status::Assigned];
/// Open cases one member may have at a time.
pub const MAX_OPEN_PER_ASKER: u64 = 20;
/// Files one case may hold.
pub const MAX_ATTACHMENTS: u64 = 20;

/// A question as asked.
pub struct Question {
    pub topic: Topic,
    pub question: String,
    pub cooperative_id: Option<i32>,
    /// For a case an advisor logs from a call: who called and how to reach them.
    pub caller: Option<(String, String)>,
}

/// The local day in Poland of an instant: due dates count Polish days.
pub fn polish_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&chrono_tz::Europe::Warsaw).date_naive()
}

/// Whether an open case is past its due date on `today`.
pub fn overdue(c: &legal_case::Model, today: NaiveDate) -> bool {
    OWED.contains(&c.status) && c.due_on < today
}

async fn cooperative_exists<C: ConnectionTrait>(db: &C, id: Option<i32>) -> AppResult<()> {
    if let Some(id) = id {
        if entity::cooperative::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_none()
        {
            return Err(AppError::invalid("cooperative", "no such cooperative"));
        }
    }
    Ok(())
}

/// Opens a case: a member asks, or an advisor logs a call (`q.caller`).
pub async fn open_case(
    db: &DatabaseConnection,
    v: &Viewer,
    q: Question,
) -> AppResult<legal_case::Model> {
    let me = v.user_id()?;
    let (asker, caller) = match q.caller {
        Some((name, contact)) => {
            v.require_legal_advisor()?;
            let name = text("askerName", &name, 200)?;
            let contact = text("askerContact", &contact, 200)?;
            (None, Some((name, contact)))
        }
        None => (Some(me), None),
    };
    let question = text("question", &q.question, MAX_TEXT)?;
    cooperative_exists(db, q.cooperative_id).await?;
    if let Some(asker) = asker {
        use sea_orm::PaginatorTrait;
        let open = legal_case::Entity::find()
            .filter(legal_case::Column::AskerUserId.eq(asker))
            .filter(legal_case::Column::Status.is_in(OPEN))
            .count(db)
            .await?;
        if open >= MAX_OPEN_PER_ASKER {
            return Err(AppError::invalid(
                "question",
                format!("at most {MAX_OPEN_PER_ASKER} open questions at a time: close an answered one first"),
            ));
        }
    }
    let now = Utc::now();
    let txn = Write::begin(db).await?;
    let row = legal_case::ActiveModel {
        asker_user_id: Set(asker),
        asker_name: Set(caller.as_ref().map(|c| c.0.clone())),
        asker_contact: Set(caller.map(|c| c.1)),
        cooperative_id: Set(q.cooperative_id),
        topic: Set(q.topic),
        question: Set(question),
        status: Set(Status::New),
        advisor_user_id: Set(None),
        submitted_at: Set(now),
        due_on: Set(crate::days::due_after(polish_day(now), DUE_DAYS)),
        erased: Set(false),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The case `id` if the viewer may see it; NotFound otherwise, whether or not it exists.
pub async fn case_for<C: ConnectionTrait>(
    db: &C,
    v: &Viewer,
    id: i32,
) -> AppResult<legal_case::Model> {
    legal_case::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| case_visible(v, c))
        .ok_or_else(|| AppError::NotFound("legal case".into()))
}

/// The messages of a case the viewer may see, oldest first (internal notes for
/// advisors only).
pub async fn messages_of<C: ConnectionTrait>(
    db: &C,
    v: &Viewer,
    c: &legal_case::Model,
) -> AppResult<Vec<case_message::Model>> {
    if !case_visible(v, c) {
        return Ok(Vec::new());
    }
    let mut q = case_message::Entity::find()
        .filter(case_message::Column::CaseId.eq(c.id))
        .order_by_asc(case_message::Column::Id);
    if !case_internals_visible(v) {
        q = q.filter(case_message::Column::Internal.eq(false));
    }
    Ok(q.all(db).await?)
}

async fn save(
    txn: &Write,
    c: &legal_case::Model,
    change: impl FnOnce(&mut legal_case::ActiveModel),
) -> AppResult<legal_case::Model> {
    let mut a: legal_case::ActiveModel = c.clone().into();
    change(&mut a);
    a.version = Set(c.version + 1);
    txn.announce_case(c.id);
    Ok(a.update(txn).await?)
}

async fn add_message(
    txn: &Write,
    case_id: i32,
    author: i32,
    by_advisor: bool,
    internal: bool,
    body: String,
) -> AppResult<()> {
    case_message::ActiveModel {
        case_id: Set(case_id),
        author_user_id: Set(Some(author)),
        by_advisor: Set(by_advisor),
        internal: Set(internal),
        body: Set(body),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The largest attachment, in bytes (a request body carries it base64-encoded,
/// under the server's 2 MB limit).
pub const MAX_ATTACHMENT: usize = 1024 * 1024;
/// The types of file the desk takes.
pub const ATTACHMENT_TYPES: [&str; 7] = [
    "application/pdf",
    "image/jpeg",
    "image/png",
    "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "application/msword",
];

/// Attaches a file to a case (its asker or an advisor): stored first, then its
/// metadata; a file whose row cannot be written is deleted again.
pub async fn attach(
    db: &DatabaseConnection,
    storage: &dyn crate::attachments::Storage,
    v: &Viewer,
    case_id: i32,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> AppResult<legal_case::Model> {
    let me = v.user_id()?;
    let name = text("name", name, 200)?;
    let content_type = content_type.trim().to_ascii_lowercase();
    if !ATTACHMENT_TYPES.contains(&content_type.as_str()) {
        return Err(AppError::invalid(
            "contentType",
            format!("one of {}", ATTACHMENT_TYPES.join(", ")),
        ));
    }
    if bytes.is_empty() || bytes.len() > MAX_ATTACHMENT {
        return Err(AppError::invalid(
            "content",
            format!("from 1 byte to {MAX_ATTACHMENT} bytes"),
        ));
    }
    let c = case_for(db, v, case_id).await?;
    if c.status == Status::Closed || c.erased {
        return Err(AppError::invalid("case", "the case is closed"));
    }
    {
        use sea_orm::PaginatorTrait;
        let held = case_attachment::Entity::find()
            .filter(case_attachment::Column::CaseId.eq(c.id))
            .count(db)
            .await?;
        if held >= MAX_ATTACHMENTS {
            return Err(AppError::invalid(
                "content",
                format!("at most {MAX_ATTACHMENTS} files per case"),
            ));
        }
    }
    let key = crate::attachments::new_key();
    storage.put(&key, bytes).await?;
    let written = async {
        let txn = Write::begin(db).await?;
        case_attachment::ActiveModel {
            case_id: Set(c.id),
            name: Set(name),
            size: Set(bytes.len() as i64),
            content_type: Set(content_type),
            storage_key: Set(key.clone()),
            by_advisor: Set(v.is_legal_advisor() && c.asker_user_id != Some(me)),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let row = save(&txn, &c, |_| {}).await?;
        txn.commit().await?;
        Ok::<_, AppError>(row)
    }
    .await;
    if written.is_err() {
        storage.delete(&key).await?;
    }
    written
}

/// The attachments of a case the viewer may see, oldest first.
pub async fn attachments_of<C: ConnectionTrait>(
    db: &C,
    v: &Viewer,
    c: &legal_case::Model,
) -> AppResult<Vec<case_attachment::Model>> {
    if !case_visible(v, c) {
        return Ok(Vec::new());
    }
    Ok(case_attachment::Entity::find()
        .filter(case_attachment::Column::CaseId.eq(c.id))
        .order_by_asc(case_attachment::Column::Id)
        .all(db)
        .await?)
}

/// What an advisor's message does to the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// An answer: the case is ANSWERED.
    Answer,
    /// A question back to the asker: WAITING_FOR_ASKER.
    AskBack,
    /// A note for the advisors only: the status stays.
    InternalNote,
}

/// Adds a message: the asker writes (the case goes back to the desk), or an
/// advisor answers, asks back or notes.
pub async fn reply(
    db: &DatabaseConnection,
    v: &Viewer,
    case_id: i32,
    body: &str,
    kind: Option<Reply>,
) -> AppResult<legal_case::Model> {
    let me = v.user_id()?;
    let body = text("body", body, MAX_TEXT)?;
    let txn = Write::begin(db).await?;
    let c = case_for(&txn, v, case_id).await?;
    if c.status == Status::Closed || c.erased {
        return Err(AppError::invalid("case", "the case is closed"));
    }
    let asker = c.asker_user_id == Some(me);
    let now = Utc::now();
    let row = if v.is_legal_advisor() && !asker {
        let kind = kind.unwrap_or(Reply::Answer);
        add_message(&txn, c.id, me, true, kind == Reply::InternalNote, body).await?;
        if kind == Reply::InternalNote {
            // The case itself does not change: its asker sees no new version and
            // its feed stays quiet.
            txn.commit().await?;
            return Ok(c);
        }
        save(&txn, &c, |a| match kind {
            Reply::InternalNote => {}
            Reply::Answer | Reply::AskBack => {
                if c.first_answer_at.is_none() {
                    a.first_answer_at = Set(Some(now));
                }
                if c.advisor_user_id.is_none() {
                    a.advisor_user_id = Set(Some(me));
                }
                if kind == Reply::Answer {
                    a.status = Set(Status::Answered);
                    a.answered_at = Set(Some(now));
                } else {
                    a.status = Set(Status::WaitingForAsker);
                }
            }
        })
        .await?
    } else {
        if kind.is_some() {
            return Err(AppError::invalid(
                "kind",
                "only legal advisors answer, ask back or write notes",
            ));
        }
        add_message(&txn, c.id, me, false, false, body).await?;
        save(&txn, &c, |a| {
            a.status = Set(if c.advisor_user_id.is_some() {
                Status::Assigned
            } else {
                Status::New
            });
            // A reply to an answer or to a question back is a new question to the
            // desk: it is due as one.
            if !OWED.contains(&c.status) {
                a.due_on = Set(crate::days::due_after(polish_day(now), DUE_DAYS));
            }
        })
        .await?
    };
    txn.commit().await?;
    Ok(row)
}

/// Gives the case to an advisor (oneself or another), with a note for the advisors.
pub async fn assign(
    db: &DatabaseConnection,
    v: &Viewer,
    case_id: i32,
    advisor: i32,
    note: Option<&str>,
) -> AppResult<legal_case::Model> {
    let me = v.user_id()?;
    v.require_legal_advisor()?;
    let note = note
        .map(|n| optional_text("note", n, MAX_TEXT))
        .transpose()?
        .flatten();
    let is_advisor = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(advisor))
        .filter(user_role::Column::Role.eq(user_role::Role::LegalAdvisor))
        .one(db)
        .await?
        .is_some();
    if !is_advisor {
        return Err(AppError::invalid(
            "advisor",
            "this user is not a legal advisor",
        ));
    }
    let txn = Write::begin(db).await?;
    let c = case_for(&txn, v, case_id).await?;
    if c.status == Status::Closed {
        return Err(AppError::invalid("case", "the case is closed"));
    }
    let name = user_account::Entity::find_by_id(advisor)
        .one(&txn)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    let body = match note {
        Some(n) => format!("Przekazano: {name}. {n}"),
        None => format!("Przekazano: {name}."),
    };
    add_message(&txn, c.id, me, true, true, body).await?;
    let row = save(&txn, &c, |a| {
        a.advisor_user_id = Set(Some(advisor));
        if c.status == Status::New {
            a.status = Set(Status::Assigned);
        }
    })
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Closes a case (its asker or an advisor).
pub async fn close(
    db: &DatabaseConnection,
    v: &Viewer,
    case_id: i32,
) -> AppResult<legal_case::Model> {
    v.user_id()?;
    let txn = Write::begin(db).await?;
    let c = case_for(&txn, v, case_id).await?;
    if c.status == Status::Closed {
        return Err(AppError::invalid("case", "the case is already closed"));
    }
    let row = save(&txn, &c, |a| {
        a.status = Set(Status::Closed);
        a.closed_at = Set(Some(Utc::now()));
    })
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The asker rates a closed case, once, 1 to 5.
pub async fn rate(
    db: &DatabaseConnection,
    v: &Viewer,
    case_id: i32,
    rating: i32,
) -> AppResult<legal_case::Model> {
    let me = v.user_id()?;
    if !(1..=5).contains(&rating) {
        return Err(AppError::invalid("rating", "from 1 to 5"));
    }
    let txn = Write::begin(db).await?;
    let c = case_for(&txn, v, case_id).await?;
    if c.asker_user_id != Some(me) {
        return Err(AppError::Forbidden);
    }
    if c.status != Status::Closed {
        return Err(AppError::invalid(
            "case",
            "a case is rated once it is closed",
        ));
    }
    if c.rating.is_some() {
        return Err(AppError::invalid("rating", "the case is rated already"));
    }
    let row = save(&txn, &c, |a| a.rating = Set(Some(rating))).await?;
    txn.commit().await?;
    Ok(row)
}

/// The advisors' queue: cases in `statuses` (default: open ones), optionally
/// only those assigned to the viewer.
pub async fn queue(
    db: &DatabaseConnection,
    v: &Viewer,
    statuses: Vec<Status>,
    mine: bool,
    seek: &Seek,
) -> AppResult<Paged<legal_case::Model>> {
    let me = v.user_id()?;
    v.require_legal_advisor()?;
    let statuses = if statuses.is_empty() {
        OPEN.to_vec()
    } else {
        statuses
    };
    let mut q = legal_case::Entity::find().filter(legal_case::Column::Status.is_in(statuses));
    if mine {
        q = q.filter(legal_case::Column::AdvisorUserId.eq(me));
    }
    keyset::page(db, q, &QUEUE, seek, Cols::ALL).await
}

/// The viewer's own cases, newest first.
pub async fn mine(
    db: &DatabaseConnection,
    v: &Viewer,
    seek: &Seek,
) -> AppResult<Paged<legal_case::Model>> {
    let me = v.user_id()?;
    let q = legal_case::Entity::find().filter(legal_case::Column::AskerUserId.eq(me));
    keyset::page(db, q, &NEWEST, seek, Cols::ALL).await
}

/// What `myData` holds of the desk: the user's cases with the messages they may see.
pub async fn data_of(
    db: &DatabaseConnection,
    user_id: i32,
) -> AppResult<Vec<(legal_case::Model, Vec<case_message::Model>)>> {
    let v = Viewer::User {
        id: user_id,
        grants: Vec::new(),
    };
    let cases = legal_case::Entity::find()
        .filter(legal_case::Column::AskerUserId.eq(user_id))
        .order_by_asc(legal_case::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(cases.len());
    for c in cases {
        let m = messages_of(db, &v, &c).await?;
        out.push((c, m));
    }
    Ok(out)
}

/// With the asker's account: their cases lose the question, every message
/// (internal notes included), the attachments and the contact; that a case
/// existed stays, for the desk's figures. Returns the storage keys of the
/// attachments, for the caller to delete once the write is committed.
pub async fn erase_asker(txn: &Write, user_id: i32) -> AppResult<Vec<String>> {
    use sea_orm::sea_query::Query;
    use sea_orm::QuerySelect;
    let theirs = Query::select()
        .column(legal_case::Column::Id)
        .from(legal_case::Entity)
        .and_where(legal_case::Column::AskerUserId.eq(user_id))
        .to_owned();
    let keys: Vec<String> = case_attachment::Entity::find()
        .select_only()
        .column(case_attachment::Column::StorageKey)
        .filter(case_attachment::Column::CaseId.in_subquery(theirs.clone()))
        .into_tuple()
        .all(txn)
        .await?;
    case_attachment::Entity::delete_many()
        .filter(case_attachment::Column::CaseId.in_subquery(theirs.clone()))
        .exec(txn)
        .await?;
    case_message::Entity::delete_many()
        .filter(case_message::Column::CaseId.in_subquery(theirs))
        .exec(txn)
        .await?;
    // Their own messages on others' cases (none today: only askers and advisors write).
    case_message::Entity::update_many()
        .col_expr(
            case_message::Column::AuthorUserId,
            Expr::value(Option::<i32>::None),
        )
        .filter(case_message::Column::AuthorUserId.eq(user_id))
        .exec(txn)
        .await?;
    // An open case of a deleted account has nobody to answer: it closes.
    legal_case::Entity::update_many()
        .col_expr(
            legal_case::Column::Status,
            Expr::value(Status::Closed.to_value()),
        )
        .col_expr(legal_case::Column::ClosedAt, Expr::value(Utc::now()))
        .filter(legal_case::Column::AskerUserId.eq(user_id))
        .filter(legal_case::Column::Status.ne(Status::Closed))
        .exec(txn)
        .await?;
    legal_case::Entity::update_many()
        .col_expr(legal_case::Column::Question, Expr::value(""))
        .col_expr(
            legal_case::Column::AskerName,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            legal_case::Column::AskerContact,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            legal_case::Column::CooperativeId,
            Expr::value(Option::<i32>::None),
        )
        .col_expr(legal_case::Column::Erased, Expr::value(true))
        .col_expr(
            legal_case::Column::AskerUserId,
            Expr::value(Option::<i32>::None),
        )
        .filter(legal_case::Column::AskerUserId.eq(user_id))
        .exec(txn)
        .await?;
    Ok(keys)
}

/// One month and topic of the desk's figures (only those of `SMALLEST_CELL` cases or more).
#[derive(Debug, Clone, PartialEq)]
pub struct Month {
    pub month: String,
    pub topic: Topic,
    pub cases: u64,
}

/// The desk's figures: aggregates only.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Cases per month (submission, Polish time) and topic; small cells left out.
    pub months: Vec<Month>,
    /// Median hours from submission to the first answer, over answered cases
    /// (None under `SMALLEST_CELL` of them).
    pub median_hours_to_first_answer: Option<f64>,
    /// Share of cases answered by their due date, of those due by today or answered.
    pub answered_on_time: Option<f64>,
    /// Open cases past their due date now (the desk's workload: no asker in it).
    pub overdue_now: u64,
}

fn cell(n: u64) -> Option<u64> {
    (n >= SMALLEST_CELL).then_some(n)
}

/// Computes the desk's figures from every case (their timestamps and topics only).
pub async fn figures<C: ConnectionTrait>(db: &C, today: NaiveDate) -> AppResult<Figures> {
    use sea_orm::QuerySelect;
    type Row = (
        Topic,
        Status,
        DateTime<Utc>,
        NaiveDate,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let rows: Vec<Row> = legal_case::Entity::find()
        .select_only()
        .columns([
            legal_case::Column::Topic,
            legal_case::Column::Status,
            legal_case::Column::SubmittedAt,
            legal_case::Column::DueOn,
            legal_case::Column::FirstAnswerAt,
            legal_case::Column::AnsweredAt,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let mut months: Vec<(String, Topic, u64)> = Vec::new();
    for (topic, _, submitted, ..) in &rows {
        let m = polish_day(*submitted).format("%Y-%m").to_string();
        match months.iter_mut().find(|(x, t, _)| *x == m && t == topic) {
            Some(e) => e.2 += 1,
            None => months.push((m, *topic, 1)),
        }
    }
    months.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.to_value().cmp(&b.1.to_value()))
    });
    let mut hours: Vec<f64> = rows
        .iter()
        .filter_map(|(_, _, s, _, first, _)| first.map(|f| (f - *s).num_seconds() as f64 / 3600.0))
        .collect();
    hours.sort_by(f64::total_cmp);
    let median = (hours.len() as u64 >= SMALLEST_CELL).then(|| {
        let n = hours.len();
        if n % 2 == 1 {
            hours[n / 2]
        } else {
            (hours[n / 2 - 1] + hours[n / 2]) / 2.0
        }
    });
    // By the first answer (or question back): later follow-ups do not make it late.
    // A case still owed an answer past its due date is late; one closed without
    // an answer is left out.
    let judged: Vec<bool> = rows
        .iter()
        .filter(|(_, status, _, due, first, _)| {
            first.is_some() || (OWED.contains(status) && *due < today)
        })
        .map(|(_, _, _, due, first, _)| first.is_some_and(|a| polish_day(a) <= *due))
        .collect();
    let on_time = (judged.len() as u64 >= SMALLEST_CELL)
        .then(|| judged.iter().filter(|x| **x).count() as f64 / judged.len() as f64);
    let overdue_now = rows
        .iter()
        .filter(|(_, status, _, due, ..)| OWED.contains(status) && *due < today)
        .count() as u64;
    Ok(Figures {
        // A small cell is left out, not shown empty: its row would tell it exists.
        months: months
            .into_iter()
            .filter_map(|(month, topic, n)| {
                cell(n).map(|cases| Month {
                    month,
                    topic,
                    cases,
                })
            })
            .collect(),
        median_hours_to_first_answer: median,
        answered_on_time: on_time,
        overdue_now,
    })
}

use sea_orm::ActiveEnum;

/// A public question and answer made from a case, as the advisor sends it.
pub struct Publishing {
    pub title: String,
    pub slug: String,
    pub question: String,
    pub answer: String,
    pub tags: Vec<String>,
    /// Recommendations, industries and sectors only: never the asker, their
    /// cooperative or gmina.
    pub mentions: Vec<(String, i32)>,
}

/// The words of `s`, lowercase without diacritics, of three letters or more.
fn folded_words(s: &str) -> Vec<String> {
    deunicode::deunicode(s)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 3)
        .map(str::to_owned)
        .collect()
}

/// The types a published answer may mention.
pub const PUBLIC_MENTIONS: [&str; 3] = ["Recommendation", "Industry", "Sector"];

/// The case's question and its latest answer (or the texts the advisor gives
/// instead), each with its anonymised form, for the advisor's side-by-side.
pub async fn preview(
    db: &DatabaseConnection,
    v: &Viewer,
    case_id: i32,
    question: Option<String>,
    answer: Option<String>,
) -> AppResult<[(String, Anonymised); 2]> {
    v.require_legal_advisor()?;
    let c = case_for(db, v, case_id).await?;
    if c.erased {
        return Err(AppError::invalid(
            "case",
            "the asker's data was erased with their account",
        ));
    }
    let answer = match answer {
        Some(a) => a,
        None => messages_of(db, v, &c)
            .await?
            .into_iter()
            .rev()
            .find(|m| m.by_advisor && !m.internal)
            .map(|m| m.body)
            .unwrap_or_default(),
    };
    let question = question.unwrap_or(c.question);
    Ok([
        (question.clone(), anonymise(&question)),
        (answer.clone(), anonymise(&answer)),
    ])
}

/// Publishes an answered case as a question and answer of the knowledge base:
/// title, question and answer anonymised here whatever the advisor sent, linked
/// only to recommendations, industries and sectors; the case keeps the link for
/// advisors.
pub async fn publish(
    db: &DatabaseConnection,
    v: &Viewer,
    case_id: i32,
    p: Publishing,
) -> AppResult<(legal_case::Model, entity::article::Model)> {
    use crate::db::knowledge::{ArticleFields, ContributorFields};
    let me = v.user_id()?;
    v.require_legal_advisor()?;
    for (kind, _) in &p.mentions {
        if !PUBLIC_MENTIONS.contains(&kind.as_str()) {
            return Err(AppError::invalid(
                "mentions",
                format!("a published answer links recommendations, industries and sectors only, not a {kind}"),
            ));
        }
    }
    let texts = [
        anonymise(&p.title),
        anonymise(&p.question),
        anonymise(&p.answer),
    ];
    // The slug and tags are public too: none may hold a word the anonymiser took
    // out of the texts, nor a long number. The error does not repeat it.
    let removed: std::collections::HashSet<String> = texts
        .iter()
        .flat_map(|a| a.removed.iter())
        .flat_map(|r| folded_words(&r.original))
        .collect();
    let tells = |s: &str| {
        folded_words(s).iter().any(|w| removed.contains(w))
            || s.split(|c: char| !c.is_ascii_digit())
                .any(|run| run.len() >= 6)
    };
    if tells(&p.slug) {
        return Err(AppError::invalid(
            "slug",
            "holds a name or number the anonymiser removes from the texts",
        ));
    }
    if p.tags.iter().any(|t| tells(t)) {
        return Err(AppError::invalid(
            "tags",
            "a tag holds a name or number the anonymiser removes from the texts",
        ));
    }
    let [title, question, answer] = texts.map(|a| a.text);
    let question = text("question", &question, MAX_TEXT)?;
    let answer = text("answer", &answer, MAX_TEXT)?;
    let txn = Write::begin(db).await?;
    let c = case_for(&txn, v, case_id).await?;
    if c.erased {
        return Err(AppError::invalid(
            "case",
            "the asker's data was erased with their account",
        ));
    }
    if !matches!(c.status, Status::Answered | Status::Closed) {
        return Err(AppError::invalid(
            "case",
            "only an answered case is published",
        ));
    }
    if c.article_id.is_some() {
        return Err(AppError::invalid("case", "this case is published already"));
    }
    let mut tags = p.tags;
    tags.push(c.topic.to_value().to_lowercase().replace('_', " "));
    let fields = ArticleFields {
        kind: entity::article::Kind::QuestionAndAnswer,
        title,
        slug: p.slug,
        lead: question.chars().take(240).collect::<String>(),
        body_markdown: format!("**Pytanie**\n\n{question}\n\n**Odpowiedź**\n\n{answer}\n"),
        publication_id: None,
        published_on: polish_day(Utc::now()),
        tags,
        licence: None,
        origin: "Poradnia prawna coophub: pytanie z poradni, zanonimizowane przed publikacją; nie jest poradą w innej sprawie.".into(),
        is_sample: false,
        contributors: vec![ContributorFields {
            name: "Poradnia prawna coophub".into(),
            role: entity::article_contributor::Role::Author,
            person_id: None,
        }],
        mentions: p.mentions,
    };
    let article = crate::db::knowledge::publish_as(&txn, me, &fields).await?;
    let row = save(&txn, &c, |a| a.article_id = Set(Some(article.id))).await?;
    txn.commit().await?;
    Ok((row, article))
}
