//! People, events and the forum: every write, and the lists, with the visibility
//! rules of `crate::policy` applied in SQL so every path (queries, subscriptions)
//! shares them.

use super::audit::record;
use super::keyset::{self, Keyset, Paged, Part, Seek};
use super::project::Cols;
use super::write::Write;
use crate::bus::ForumEventKind;
use crate::error::{AppError, AppResult};
use crate::markdown;
use crate::policy::{post_visible, readable_posts, visible_posts};
use chrono::{DateTime, Utc};
use entity::audit_entry::Action;
use entity::{event, participation, person, post, thread, thread_read, user_account};
use sea_orm::{
    sea_query::Expr, ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use serde_json::json;

/// Longest post body, in characters of Markdown.
pub const MAX_POST: usize = 20_000;

/// The person behind an account, created (without a public profile) on first use.
pub async fn person_of_user(db: &Write, user_id: i32) -> AppResult<person::Model> {
    if let Some(p) = person::Entity::find()
        .filter(person::Column::UserId.eq(user_id))
        .one(db)
        .await?
    {
        return Ok(p);
    }
    let user = user_account::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let p = person::ActiveModel {
        display_name: Set(user.display_name),
        user_id: Set(Some(user_id)),
        public_profile: Set(false),
        is_reference: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let id = p.id;
    super::editing::as_stored::<person::Entity, _>(db, p, id).await
}

/// Where a thread lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Board {
    General,
    Sector(i32),
    Event(i32),
}

impl Board {
    pub fn of(t: &thread::Model) -> Board {
        match (t.sector_id, t.event_id) {
            (Some(s), _) => Board::Sector(s),
            (None, Some(e)) => Board::Event(e),
            (None, None) => Board::General,
        }
    }
}

/// Which threads a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadFilter {
    /// None: every board.
    pub board: Option<Board>,
}

/// The threads of one board (every board: None).
fn on_board(
    q: sea_orm::Select<thread::Entity>,
    board: Option<Board>,
) -> sea_orm::Select<thread::Entity> {
    match board {
        None => q,
        Some(Board::General) => q
            .filter(thread::Column::SectorId.is_null())
            .filter(thread::Column::EventId.is_null()),
        Some(Board::Sector(s)) => q.filter(thread::Column::SectorId.eq(s)),
        Some(Board::Event(e)) => q.filter(thread::Column::EventId.eq(e)),
    }
}

/// Threads: pinned first, then by latest activity. A thread that gains a post
/// moves to the front; a page after a cursor goes on from the cursor's place.
pub const THREADS: Keyset<thread::Column> = Keyset {
    tag: "thread.activity",
    parts: &[
        Part::desc(thread::Column::Pinned),
        Part::desc(thread::Column::LastActivityAt),
        Part::desc(thread::Column::Id),
    ],
};

/// A thread's posts, oldest first.
pub const POSTS_OLDEST: Keyset<post::Column> = Keyset {
    tag: "post.oldest",
    parts: &[Part::asc(post::Column::Id)],
};

/// A thread's posts, newest first.
pub const POSTS_NEWEST: Keyset<post::Column> = Keyset {
    tag: "post.newest",
    parts: &[Part::desc(post::Column::Id)],
};

/// Threads, pinned first, then by latest activity.
pub async fn list_threads(
    db: &DatabaseConnection,
    f: ThreadFilter,
    seek: &Seek,
) -> AppResult<Paged<thread::Model>> {
    let q = on_board(thread::Entity::find(), f.board);
    keyset::page(db, q, &THREADS, seek, Cols::ALL).await
}

/// A thread's posts that `moderator` (or anyone else) may see, oldest or newest first.
/// Hidden posts exist only for moderators; deleted posts stay as tombstones.
pub async fn list_posts(
    db: &DatabaseConnection,
    thread_id: i32,
    newest_first: bool,
    moderator: bool,
    seek: &Seek,
) -> AppResult<Paged<post::Model>> {
    let q = post::Entity::find()
        .filter(post::Column::ThreadId.eq(thread_id))
        .filter(visible_posts(moderator));
    let order = if newest_first {
        &POSTS_NEWEST
    } else {
        &POSTS_OLDEST
    };
    keyset::page(db, q, order, seek, Cols::ALL).await
}

/// Posts of a thread after `after_id` that anyone may see, oldest first (live feeds
/// catching up after their connection to Redis came back).
/// The newest post id of the whole forum (0 when empty): where a board's feed starts.
pub async fn newest_post_id(db: &DatabaseConnection) -> AppResult<i32> {
    Ok(post::Entity::find()
        .order_by_desc(post::Column::Id)
        .one(db)
        .await?
        .map_or(0, |p| p.id))
}

/// Posts anyone may see written on a board (every board: None) after `after_id`,
/// oldest first, each with its thread and whether it opened that thread.
pub async fn visible_board_posts_after(
    db: &DatabaseConnection,
    board: Option<Board>,
    after_id: i32,
) -> AppResult<Vec<(thread::Model, post::Model, bool)>> {
    let threads = on_board(thread::Entity::find(), board)
        .select_only()
        .column(thread::Column::Id)
        .into_query();
    let posts = post::Entity::find()
        .filter(post::Column::Id.gt(after_id))
        .filter(visible_posts(false))
        .filter(post::Column::ThreadId.in_subquery(threads))
        .order_by_asc(post::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = posts.iter().map(|p| p.thread_id).collect();
    let threads: std::collections::HashMap<i32, thread::Model> = thread::Entity::find()
        .filter(thread::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    // A thread's first post (its lowest id) is the one that opened it.
    let firsts: std::collections::HashSet<i32> = post::Entity::find()
        .select_only()
        .column_as(post::Column::Id.min(), "id")
        .filter(post::Column::ThreadId.is_in(ids))
        .group_by(post::Column::ThreadId)
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(posts
        .into_iter()
        .filter_map(|p| {
            let t = threads.get(&p.thread_id)?.clone();
            let first = firsts.contains(&p.id);
            Some((t, p, first))
        })
        .collect())
}

/// The newest change's place in a thread's sequence of post changes (0: none yet).
pub async fn newest_change_seq<C: ConnectionTrait>(db: &C, thread_id: i32) -> AppResult<i32> {
    Ok(post::Entity::find()
        .filter(post::Column::ThreadId.eq(thread_id))
        .order_by_desc(post::Column::ChangeSeq)
        .one(db)
        .await?
        .map_or(0, |p| p.change_seq))
}

/// A thread's posts changed after `after_seq`, in the order of their latest change.
pub async fn posts_changed_after(
    db: &DatabaseConnection,
    thread_id: i32,
    after_seq: i32,
) -> AppResult<Vec<post::Model>> {
    Ok(post::Entity::find()
        .filter(post::Column::ThreadId.eq(thread_id))
        .filter(post::Column::ChangeSeq.gt(after_seq))
        .order_by_asc(post::Column::ChangeSeq)
        .all(db)
        .await?)
}

pub async fn visible_posts_after(
    db: &DatabaseConnection,
    thread_id: i32,
    after_id: i32,
) -> AppResult<Vec<post::Model>> {
    Ok(post::Entity::find()
        .filter(post::Column::ThreadId.eq(thread_id))
        .filter(post::Column::Id.gt(after_id))
        .filter(visible_posts(false))
        .order_by_asc(post::Column::Id)
        .all(db)
        .await?)
}

/// Posts a member has not read in a thread (visible ones, not their own).
pub async fn unread_count(
    db: &DatabaseConnection,
    user_id: i32,
    person_id: Option<i32>,
    thread_id: i32,
) -> AppResult<u64> {
    let last = thread_read::Entity::find_by_id((user_id, thread_id))
        .one(db)
        .await?
        .map_or(0, |r| r.last_read_post_id);
    let mut q = post::Entity::find()
        .filter(post::Column::ThreadId.eq(thread_id))
        .filter(post::Column::Id.gt(last))
        .filter(readable_posts());
    if let Some(p) = person_id {
        q = q.filter(post::Column::AuthorId.ne(p));
    }
    Ok(q.count(db).await?)
}

/// Marks a thread read up to its newest post (one upsert: concurrent calls cannot collide).
pub async fn mark_read(db: &DatabaseConnection, user_id: i32, thread_id: i32) -> AppResult<()> {
    use sea_orm::sea_query::OnConflict;
    let newest = post::Entity::find()
        .filter(post::Column::ThreadId.eq(thread_id))
        .order_by_desc(post::Column::Id)
        .one(db)
        .await?
        .map_or(0, |p| p.id);
    let w = Write::begin(db).await?;
    thread_read::Entity::insert(thread_read::ActiveModel {
        user_id: Set(user_id),
        thread_id: Set(thread_id),
        last_read_post_id: Set(newest),
    })
    .on_conflict(
        OnConflict::columns([thread_read::Column::UserId, thread_read::Column::ThreadId])
            .update_column(thread_read::Column::LastReadPostId)
            .to_owned(),
    )
    .exec(&w)
    .await?;
    w.commit().await?;
    Ok(())
}

async fn visible_count<C: ConnectionTrait>(db: &C, thread_id: i32) -> AppResult<i32> {
    let n = post::Entity::find()
        .filter(post::Column::ThreadId.eq(thread_id))
        .filter(readable_posts())
        .count(db)
        .await?;
    Ok(i32::try_from(n).unwrap_or(i32::MAX))
}

/// Recounts a thread's visible posts and sets its last activity to its newest
/// visible post (the thread's start when none is left): a hidden or deleted post
/// moves nothing, so neither `lastActivityAt` nor the board's order tells when it
/// was written.
async fn touch_thread(db: &Write, thread_id: i32) -> AppResult<()> {
    let newest: Option<chrono::DateTime<Utc>> = post::Entity::find()
        .select_only()
        .column_as(post::Column::CreatedAt.max(), "newest")
        .filter(post::Column::ThreadId.eq(thread_id))
        .filter(readable_posts())
        .into_tuple::<Option<chrono::DateTime<Utc>>>()
        .one(db)
        .await?
        .flatten();
    let activity = match newest {
        Some(t) => Expr::value(t),
        None => Expr::col(thread::Column::CreatedAt),
    };
    thread::Entity::update_many()
        .col_expr(
            thread::Column::PostCount,
            Expr::value(visible_count(db, thread_id).await?),
        )
        .col_expr(thread::Column::LastActivityAt, activity)
        .filter(thread::Column::Id.eq(thread_id))
        .exec(db)
        .await?;
    Ok(())
}

fn body(markdown_src: &str) -> AppResult<(String, String)> {
    let md = crate::validate::text("body", markdown_src, MAX_POST)?;
    let html = markdown::render(&md);
    Ok((md, html))
}

/// Opens a thread with its first post.
pub async fn create_thread(
    db: &DatabaseConnection,
    user_id: i32,
    board: Board,
    title: &str,
    first_post: &str,
) -> AppResult<(thread::Model, post::Model)> {
    let title = crate::validate::text("title", title, 200)?;
    let (md, html) = body(first_post)?;
    let txn = Write::begin(db).await?;
    let author = person_of_user(&txn, user_id).await?;
    let (sector_id, event_id) = match board {
        Board::General => (None, None),
        Board::Sector(s) => (Some(s), None),
        Board::Event(e) => (None, Some(e)),
    };
    let now = Utc::now();
    let t = thread::ActiveModel {
        sector_id: Set(sector_id),
        event_id: Set(event_id),
        title: Set(title),
        author_id: Set(author.id),
        created_at: Set(now),
        last_activity_at: Set(now),
        post_count: Set(1),
        pinned: Set(false),
        locked: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let p = post::ActiveModel {
        thread_id: Set(t.id),
        author_id: Set(author.id),
        body_markdown: Set(md),
        body_html: Set(html),
        created_at: Set(now),
        edited_at: Set(None),
        reply_to_id: Set(None),
        deleted: Set(false),
        hidden: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.announce(ForumEventKind::ThreadCreated, &t, &p);
    txn.commit().await?;
    Ok((t, p))
}

/// A row locked for the rest of the transaction on PostgreSQL (SQLite's write
/// transaction already serialises writers): counts derived from it (posts of a
/// thread, places of an event) are never computed twice from the same state.
async fn for_update<E, C>(db: &C, id: i32, what: &str) -> AppResult<E::Model>
where
    E: EntityTrait,
    C: ConnectionTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    let mut q = E::find_by_id(id);
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        q = q.lock_exclusive();
    }
    q.one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no such {what}")))
}

async fn thread_for_write<C: ConnectionTrait>(db: &C, thread_id: i32) -> AppResult<thread::Model> {
    for_update::<thread::Entity, _>(db, thread_id, "thread").await
}

/// Adds a post to a thread (not to a locked one, except for moderators).
pub async fn add_post(
    db: &DatabaseConnection,
    user_id: i32,
    moderator: bool,
    thread_id: i32,
    text: &str,
    reply_to: Option<i32>,
) -> AppResult<(thread::Model, post::Model)> {
    let (md, html) = body(text)?;
    let txn = Write::begin(db).await?;
    let t = thread_for_write(&txn, thread_id).await?;
    if t.locked && !moderator {
        return Err(AppError::Conflict(
            "the thread is locked by a moderator: no new posts".into(),
        ));
    }
    if let Some(r) = reply_to {
        let target = post::Entity::find_by_id(r).one(&txn).await?;
        if !target.is_some_and(|p| p.thread_id == thread_id && post_visible(moderator, &p)) {
            return Err(AppError::invalid("replyTo", "not a post of this thread"));
        }
    }
    let author = person_of_user(&txn, user_id).await?;
    let p = post::ActiveModel {
        thread_id: Set(thread_id),
        author_id: Set(author.id),
        body_markdown: Set(md),
        body_html: Set(html),
        created_at: Set(Utc::now()),
        edited_at: Set(None),
        reply_to_id: Set(reply_to),
        deleted: Set(false),
        hidden: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    touch_thread(&txn, thread_id).await?;
    txn.announce(ForumEventKind::PostAdded, &t, &p);
    txn.commit().await?;
    Ok((t, p))
}

/// How a post changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostChange {
    Edit,
    Delete,
    Hide,
    Restore,
}

/// Edits or deletes one's own post, or hides or restores any as a moderator (with a
/// reason, in the audit trail). Returns the thread and the post after the change.
pub async fn change_post(
    db: &DatabaseConnection,
    user_id: i32,
    moderator: bool,
    post_id: i32,
    change: PostChange,
    text: Option<&str>,
    reason: Option<&str>,
) -> AppResult<(thread::Model, post::Model)> {
    let txn = Write::begin(db).await?;
    let p = post::Entity::find_by_id(post_id)
        .one(&txn)
        .await?
        .filter(|p| post_visible(moderator, p))
        .ok_or_else(|| AppError::NotFound("no such post".into()))?;
    let t = thread_for_write(&txn, p.thread_id).await?;
    let mut row = p.clone().into_active_model();
    match change {
        PostChange::Edit | PostChange::Delete => {
            let me = person_of_user(&txn, user_id).await?;
            if p.author_id != me.id {
                return Err(AppError::Forbidden);
            }
            if p.deleted {
                return Err(AppError::Conflict("the post is deleted".into()));
            }
            if change == PostChange::Edit {
                let (md, html) = body(text.unwrap_or_default())?;
                row.body_markdown = Set(md);
                row.body_html = Set(html);
                row.edited_at = Set(Some(Utc::now()));
            } else {
                row.body_markdown = Set(String::new());
                row.body_html = Set(String::new());
                row.deleted = Set(true);
            }
        }
        PostChange::Hide | PostChange::Restore => {
            if !moderator {
                return Err(AppError::Forbidden);
            }
            let reason = crate::validate::text("reason", reason.unwrap_or_default(), 1000)?;
            let hide = change == PostChange::Hide;
            if p.hidden == hide {
                return Err(AppError::Conflict(if hide {
                    "the post is already hidden".into()
                } else {
                    "the post is not hidden".into()
                }));
            }
            row.hidden = Set(hide);
            record(
                &txn,
                Some(user_id),
                "Post",
                p.id,
                if hide { Action::Hide } else { Action::Restore },
                vec![
                    ("hidden".into(), json!(p.hidden), json!(hide)),
                    ("reason".into(), json!(null), json!(reason)),
                ],
            )
            .await?;
        }
    }
    // Numbered in the thread (serialised by its row lock) so live feeds can catch up.
    row.change_seq = Set(newest_change_seq(&txn, t.id).await? + 1);
    row.last_change = Set(Some(match change {
        PostChange::Edit => post::Change::Edited,
        PostChange::Delete => post::Change::Deleted,
        PostChange::Hide => post::Change::Hidden,
        PostChange::Restore => post::Change::Restored,
    }));
    let p = row.update(&txn).await?;
    touch_thread(&txn, t.id).await?;
    let kind = match change {
        PostChange::Edit => ForumEventKind::PostEdited,
        PostChange::Delete => ForumEventKind::PostDeleted,
        PostChange::Hide => ForumEventKind::PostHidden,
        PostChange::Restore => ForumEventKind::PostRestored,
    };
    txn.announce(kind, &t, &p);
    txn.commit().await?;
    Ok((t, p))
}

/// Pins or locks (or unpins, unlocks) a thread as a moderator, with a reason.
pub async fn moderate_thread(
    db: &DatabaseConnection,
    user_id: i32,
    thread_id: i32,
    pinned: Option<bool>,
    locked: Option<bool>,
    reason: &str,
) -> AppResult<thread::Model> {
    let reason = crate::validate::text("reason", reason, 1000)?;
    if pinned.is_none() && locked.is_none() {
        return Err(AppError::invalid(
            "input",
            "say what changes: `pinned`, `locked` or both",
        ));
    }
    let txn = Write::begin(db).await?;
    let t = thread_for_write(&txn, thread_id).await?;
    let mut row = t.clone().into_active_model();
    let mut changes = Vec::new();
    if let Some(v) = pinned {
        row.pinned = Set(v);
        changes.push(("pinned".to_owned(), json!(t.pinned), json!(v)));
    }
    if let Some(v) = locked {
        row.locked = Set(v);
        changes.push(("locked".to_owned(), json!(t.locked), json!(v)));
    }
    changes.push(("reason".to_owned(), json!(null), json!(reason)));
    let t = row.update(&txn).await?;
    record(
        &txn,
        Some(user_id),
        "Thread",
        t.id,
        Action::Moderate,
        changes,
    )
    .await?;
    txn.commit().await?;
    Ok(t)
}

/// A person's public profile, as they choose to set it.
pub struct ProfileInput {
    /// `(cooperative, local government, institution)`, at most one set; None: unchanged.
    pub affiliation: Option<(Option<i32>, Option<i32>, Option<i32>)>,
    pub display_name: Option<String>,
    pub role_title: Option<String>,
    pub bio: Option<String>,
    pub public_profile: Option<bool>,
}

pub async fn update_profile(
    db: &DatabaseConnection,
    user_id: i32,
    input: ProfileInput,
) -> AppResult<person::Model> {
    let txn = Write::begin(db).await?;
    let me = person_of_user(&txn, user_id).await?;
    let mut row = me.into_active_model();
    if let Some(n) = input.display_name {
        row.display_name = Set(crate::validate::display_name("displayName", &n, 100)?);
    }
    if let Some(r) = input.role_title {
        row.role_title = Set(crate::validate::optional_text("roleTitle", &r, 200)?);
    }
    if let Some(b) = input.bio {
        row.bio = Set(crate::validate::optional_text("bio", &b, 2000)?);
    }
    if let Some(p) = input.public_profile {
        row.public_profile = Set(p);
    }
    if let Some((c, l, i)) = input.affiliation {
        row.cooperative_id = Set(c);
        row.local_government_id = Set(l);
        row.institution_id = Set(i);
    }
    let me = row.update(&txn).await?;
    txn.commit().await?;
    Ok(me)
}

/// Events as a list orders them (see [`list_events`]); dates unknown last.
pub fn events_keyset(upcoming: Option<bool>) -> &'static Keyset<event::Column> {
    const UPCOMING: Keyset<event::Column> = Keyset {
        tag: "event.upcoming",
        parts: &[
            Part::asc(event::Column::StartsAt),
            Part::asc(event::Column::Id),
        ],
    };
    const PAST: Keyset<event::Column> = Keyset {
        tag: "event.past",
        parts: &[
            Part::desc(event::Column::Year),
            Part::desc(event::Column::StartsAt),
            Part::desc(event::Column::Id),
        ],
    };
    const ALL: Keyset<event::Column> = Keyset {
        tag: "event.all",
        parts: &[
            Part::asc(event::Column::Year),
            Part::asc(event::Column::StartsAt),
            Part::asc(event::Column::Id),
        ],
    };
    match upcoming {
        Some(true) => &UPCOMING,
        Some(false) => &PAST,
        None => &ALL,
    }
}

/// Events, upcoming first (by start) or past first (newest first).
pub async fn list_events(
    db: &DatabaseConnection,
    upcoming: Option<bool>,
    updated_since: Option<DateTime<Utc>>,
    seek: &Seek,
) -> AppResult<Paged<event::Model>> {
    let now = Utc::now();
    let mut q = event::Entity::find();
    if let Some(t) = updated_since {
        q = q.filter(event::Column::UpdatedAt.gte(t));
    }
    let q = match upcoming {
        Some(true) => q.filter(event::Column::EndsAt.gte(now)),
        Some(false) => q.filter(
            sea_orm::Condition::any()
                .add(event::Column::EndsAt.lt(now))
                .add(event::Column::EndsAt.is_null()),
        ),
        None => q,
    };
    keyset::page(db, q, events_keyset(upcoming), seek, Cols::ALL).await
}

/// Self-registered participants holding a place.
pub(super) async fn registered<C: ConnectionTrait>(db: &C, event_id: i32) -> AppResult<u64> {
    Ok(participation::Entity::find()
        .filter(participation::Column::EventId.eq(event_id))
        .filter(participation::Column::Role.eq(participation::Role::Participant))
        .filter(participation::Column::Status.eq(participation::Status::Registered))
        .count(db)
        .await?)
}

pub(super) async fn lock_event<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
) -> AppResult<event::Model> {
    for_update::<event::Entity, _>(db, event_id, "event").await
}

/// Registers the member for an event: a place if one is free, else the waiting list.
pub async fn register(
    db: &DatabaseConnection,
    user_id: i32,
    event_id: i32,
) -> AppResult<(event::Model, participation::Model)> {
    let txn = Write::begin(db).await?;
    let ev = lock_event(&txn, event_id).await?;
    if ev.is_reference || ev.ends_at.is_none_or(|end| end < Utc::now()) {
        return Err(AppError::Conflict(
            "the event is over: registration is closed".into(),
        ));
    }
    let me = person_of_user(&txn, user_id).await?;
    let existing = participation::Entity::find()
        .filter(participation::Column::EventId.eq(event_id))
        .filter(participation::Column::PersonId.eq(me.id))
        .one(&txn)
        .await?;
    if existing
        .as_ref()
        .is_some_and(|p| p.status != participation::Status::Cancelled)
    {
        return Err(AppError::Conflict(
            "you are already registered (or waiting) for this event".into(),
        ));
    }
    let full = match ev.capacity {
        Some(c) => registered(&txn, event_id).await? >= u64::try_from(c).unwrap_or(0),
        None => false,
    };
    let status = if full {
        participation::Status::Waiting
    } else {
        participation::Status::Registered
    };
    let row = participation::ActiveModel {
        event_id: Set(event_id),
        person_id: Set(me.id),
        role: Set(participation::Role::Participant),
        status: Set(status),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let p = match existing {
        Some(old) => {
            let mut r = row;
            r.id = Set(old.id);
            r.update(&txn).await?
        }
        None => row.insert(&txn).await?,
    };
    txn.commit().await?;
    Ok((ev, p))
}

/// Cancels the member's registration; a freed place goes to the first on the waiting list.
pub async fn cancel_registration(
    db: &DatabaseConnection,
    user_id: i32,
    event_id: i32,
) -> AppResult<(event::Model, participation::Model)> {
    let txn = Write::begin(db).await?;
    let ev = lock_event(&txn, event_id).await?;
    let me = person_of_user(&txn, user_id).await?;
    let mine = participation::Entity::find()
        .filter(participation::Column::EventId.eq(event_id))
        .filter(participation::Column::PersonId.eq(me.id))
        .filter(participation::Column::Status.ne(participation::Status::Cancelled))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("you are not registered for this event".into()))?;
    if mine.role != participation::Role::Participant {
        return Err(AppError::Conflict(format!(
            "you are the event's {}: ask its organisers (or a moderator) to change your role first",
            mine.role.to_value().to_lowercase()
        )));
    }
    let held_place = holds_place(&mine);
    let mut row = mine.into_active_model();
    row.status = Set(participation::Status::Cancelled);
    let mine = row.update(&txn).await?;
    if held_place {
        promote_first_waiting(&txn, event_id).await?;
    }
    txn.commit().await?;
    Ok((ev, mine))
}

/// Whether a participation takes one of the places (`capacity`): speakers and
/// organisers come on top of them.
pub(super) fn holds_place(p: &participation::Model) -> bool {
    p.role == participation::Role::Participant && p.status == participation::Status::Registered
}

/// A place was freed: the first on the waiting list (in registration order) takes it.
pub(super) async fn promote_first_waiting(db: &Write, event_id: i32) -> AppResult<()> {
    let first_waiting = participation::Entity::find()
        .filter(participation::Column::EventId.eq(event_id))
        .filter(participation::Column::Status.eq(participation::Status::Waiting))
        .order_by_asc(participation::Column::CreatedAt)
        .order_by_asc(participation::Column::Id)
        .one(db)
        .await?;
    if let Some(w) = first_waiting {
        let mut w = w.into_active_model();
        w.status = Set(participation::Status::Registered);
        w.update(db).await?;
    }
    Ok(())
}

/// A person's participations (not cancelled), each with its event's start: newest
/// event first (the order of `lists::PERSON_EVENTS`).
pub async fn participations_of(
    db: &DatabaseConnection,
    person_id: i32,
) -> AppResult<Vec<(participation::Model, super::lists::EventStart)>> {
    let rows = participation::Entity::find()
        .filter(participation::Column::PersonId.eq(person_id))
        .filter(participation::Column::Status.ne(participation::Status::Cancelled))
        .all(db)
        .await?;
    let events: std::collections::HashMap<i32, event::Model> = event::Entity::find()
        .filter(event::Column::Id.is_in(rows.iter().map(|r| r.event_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let start = |p: &participation::Model| events.get(&p.event_id).map(|e| (e.year, e.starts_at));
    Ok(rows
        .into_iter()
        .map(|p| {
            let s = start(&p);
            (p, s)
        })
        .collect())
}

/// What the forum holds about an account: its person (if any), its posts (oldest
/// first) and its event participations, for the account's own data export.
pub async fn forum_data_of(
    db: &DatabaseConnection,
    user_id: i32,
) -> AppResult<Option<(person::Model, Vec<post::Model>, Vec<participation::Model>)>> {
    let Some(me) = person::Entity::find()
        .filter(person::Column::UserId.eq(user_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let posts = post::Entity::find()
        .filter(post::Column::AuthorId.eq(me.id))
        .order_by_asc(post::Column::Id)
        .all(db)
        .await?;
    let participations = participation::Entity::find()
        .filter(participation::Column::PersonId.eq(me.id))
        .order_by_asc(participation::Column::Id)
        .all(db)
        .await?;
    Ok(Some((me, posts, participations)))
}

/// The id of the person behind an account, if it has one yet.
pub async fn person_id_of_user(db: &DatabaseConnection, user_id: i32) -> AppResult<Option<i32>> {
    Ok(person::Entity::find()
        .filter(person::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .map(|p| p.id))
}

/// The member's own participation in an event, cancelled or not.
pub async fn my_participation(
    db: &DatabaseConnection,
    user_id: i32,
    event_id: i32,
) -> AppResult<Option<participation::Model>> {
    let Some(me) = person_id_of_user(db, user_id).await? else {
        return Ok(None);
    };
    Ok(participation::Entity::find()
        .filter(participation::Column::EventId.eq(event_id))
        .filter(participation::Column::PersonId.eq(me))
        .one(db)
        .await?)
}

/// An event as a moderator creates it; checked by [`create_event`].
pub struct NewEvent {
    pub kind: event::Kind,
    pub title: String,
    pub edition: Option<i32>,
    pub starts_at: chrono::DateTime<Utc>,
    pub ends_at: chrono::DateTime<Utc>,
    pub place_id: Option<i32>,
    pub sector_id: Option<i32>,
    pub description: String,
    pub capacity: Option<i32>,
}

/// Checks and creates an event (moderators), recorded in the audit trail.
pub async fn create_event(
    db: &DatabaseConnection,
    actor: i32,
    new: NewEvent,
) -> AppResult<event::Model> {
    use crate::validate::{event_time, text};
    event_time("startsAt", new.starts_at)?;
    event_time("endsAt", new.ends_at)?;
    if new.ends_at <= new.starts_at {
        return Err(AppError::invalid("endsAt", "must be after `startsAt`"));
    }
    if new.capacity.is_some_and(|c| c < 1) {
        return Err(AppError::invalid(
            "capacity",
            "must be at least 1 (leave it out for no limit)",
        ));
    }
    let row = event::ActiveModel {
        kind: Set(new.kind),
        title: Set(text("title", &new.title, 200)?),
        edition: Set(new.edition),
        // The year an event belongs to is the year it starts in Poland.
        year: Set(chrono::Datelike::year(
            &new.starts_at.with_timezone(&chrono_tz::Europe::Warsaw),
        )),
        starts_at: Set(Some(new.starts_at)),
        ends_at: Set(Some(new.ends_at)),
        place_id: Set(new.place_id),
        sector_id: Set(new.sector_id),
        description: Set(text("description", &new.description, 5000)?),
        capacity: Set(new.capacity),
        is_reference: Set(false),
        ..Default::default()
    };
    let txn = Write::begin(db).await?;
    let e = row
        .insert(&txn)
        .await
        .map_err(|e| super::editing::constraint(e, "this event already exists"))?;
    record(
        &txn,
        Some(actor),
        "Event",
        e.id,
        Action::Create,
        vec![
            ("title".into(), json!(null), json!(e.title)),
            (
                "startsAt".into(),
                json!(null),
                json!(e.starts_at.map(|t| t.to_rfc3339())),
            ),
            ("capacity".into(), json!(null), json!(e.capacity)),
        ],
    )
    .await?;
    let id = e.id;
    let e = super::editing::as_stored::<event::Entity, _>(&txn, e, id).await?;
    txn.commit().await?;
    Ok(e)
}

/// Drops a member's read marks (their account is being deleted).
pub async fn forget_reads(db: &Write, user_id: i32) -> AppResult<()> {
    thread_read::Entity::delete_many()
        .filter(thread_read::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
