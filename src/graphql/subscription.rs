//! Live feeds over graphql-transport-ws (`/graphql/ws`). A feed receives only
//! ids from the bus and loads each object under the subscriber's own viewer, so
//! a payload obeys exactly the rules a query does (`crate::policy`): anonymous
//! authors stay anonymous, hidden posts never reach anyone but moderators, and new
//! posts and activity are delivered as everyone sees them (hidden ones never).

use crate::bus::{board_topic, Bus, ForumEvent, ForumEventKind, ALL_BOARDS};
use crate::db::network::{
    newest_change_seq, newest_post_id, posts_changed_after, visible_board_posts_after,
    visible_posts_after, Board,
};
use crate::error::AppError;
use crate::graphql::{
    bus, db,
    node::{expect_id, global_id},
    query::network::BoardInput,
    types::{ActivityKind, Post, PostChangeKind, PostChanged, Thread, ThreadActivity},
    viewer,
};
use crate::policy::post_visible;
use async_graphql::{Context, Result, Subscription, ID};
use entity::{person, post, thread};
use futures_util::{stream, Stream};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::OnceCell;

/// What a feed waits for next.
enum Next {
    Event(ForumEvent),
    /// The bus reconnected: catch up from the database.
    Resync,
    /// The subscriber fell more than a buffer behind, or the bus closed: end the feed.
    End,
}

/// A subscription to one topic, with the bus's reconnections.
struct Feed {
    rx: tokio::sync::broadcast::Receiver<ForumEvent>,
    generation: tokio::sync::watch::Receiver<u64>,
    /// A catch-up is owed (a load failed).
    owed: bool,
}

impl Feed {
    fn new(bus: &Bus, topic: &str) -> Feed {
        let mut generation = bus.generation();
        generation.borrow_and_update();
        Feed {
            rx: bus.subscribe(topic),
            generation,
            owed: false,
        }
    }

    /// Asks for a catch-up before the next event.
    fn retry(&mut self) {
        self.owed = true;
    }

    async fn next(&mut self) -> Next {
        if std::mem::take(&mut self.owed) {
            return Next::Resync;
        }
        // A reconnection first: the catch-up must run before newer events are handled.
        tokio::select! {
            biased;
            changed = self.generation.changed() => match changed {
                Ok(()) => Next::Resync,
                Err(_) => Next::End,
            },
            r = self.rx.recv() => match r {
                Ok(ev) => Next::Event(ev),
                Err(RecvError::Lagged(n)) => {
                    tracing::info!(missed = n, "dropping a live feed that stopped reading");
                    Next::End
                }
                Err(RecvError::Closed) => Next::End,
            },
        }
    }
}

async fn thread_of(db: &DatabaseConnection, id: &ID, field: &str) -> Result<thread::Model> {
    let n = expect_id(field, id, "Thread")?;
    Ok(thread::Entity::find_by_id(n)
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid(field, "no such thread"))?)
}

/// What one forum event names, loaded once per instance however many feeds deliver it.
pub struct Snapshot {
    pub post: post::Model,
    pub author: Arc<person::Model>,
    pub thread: thread::Model,
}

/// Recent events' snapshots by nonce: the first feed to need one loads it, the others
/// wait for that load (10,000 subscribers of a thread cost three statements, not 30,000).
#[derive(Default)]
pub struct Snapshots(Mutex<(HashMap<u64, Cell>, VecDeque<u64>)>);

/// One event's snapshot, loaded by the first feed that asks.
type Cell = Arc<OnceCell<Arc<Snapshot>>>;

/// Snapshots kept for feeds that have not caught up yet.
const SNAPSHOTS_KEPT: usize = 1024;

impl Snapshots {
    async fn of(&self, db: &DatabaseConnection, ev: &ForumEvent) -> Option<Arc<Snapshot>> {
        let cell = {
            let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
            let (cells, order) = &mut *guard;
            if !cells.contains_key(&ev.nonce) {
                order.push_back(ev.nonce);
                if order.len() > SNAPSHOTS_KEPT {
                    if let Some(old) = order.pop_front() {
                        cells.remove(&old);
                    }
                }
            }
            cells.entry(ev.nonce).or_default().clone()
        };
        // A failed load is not kept: the next feed that asks tries again.
        cell.get_or_try_init(|| async { load_snapshot(db, ev).await.ok_or(()) })
            .await
            .ok()
            .cloned()
    }
}

async fn load_snapshot(db: &DatabaseConnection, ev: &ForumEvent) -> Option<Arc<Snapshot>> {
    let loaded = async {
        let post = post::Entity::find_by_id(ev.post_id?).one(db).await.ok()??;
        let author = person::Entity::find_by_id(post.author_id)
            .one(db)
            .await
            .ok()??;
        let thread = thread::Entity::find_by_id(post.thread_id)
            .one(db)
            .await
            .ok()??;
        Some(Arc::new(Snapshot {
            post,
            author: Arc::new(author),
            thread,
        }))
    };
    let snap = loaded.await;
    if snap.is_none() {
        tracing::warn!(?ev, "a forum event names nothing loadable");
    }
    snap
}

fn snapshots<'a>(ctx: &Context<'a>) -> Result<&'a Arc<Snapshots>> {
    Ok(ctx
        .data::<Arc<Snapshots>>()
        .map_err(|_| AppError::Internal("no snapshots in schema data".into()))?)
}

#[derive(Default)]
pub struct Listening {
    fired: std::sync::atomic::AtomicBool,
    notify: tokio::sync::Notify,
}

impl Listening {
    pub fn fire(&self) {
        self.fired.store(true, std::sync::atomic::Ordering::Release);
        self.notify.notify_waiters();
    }

    /// Returns once `fire` has been called (at once if it already was).
    pub async fn wait(&self) {
        let notified = self.notify.notified();
        if self.fired.load(std::sync::atomic::Ordering::Acquire) {
            return;
        }
        notified.await;
    }
}

fn listening(ctx: &Context<'_>) {
    if let Ok(l) = ctx.data::<std::sync::Arc<Listening>>() {
        l.fire();
    }
}

#[derive(Default)]
pub struct SubscriptionRoot;

/// A post as a feed delivers it: with its author already loaded.
fn post_of(snap: &Snapshot) -> Post {
    Post(snap.post.clone(), Some(snap.author.clone()))
}

/// Live feeds of the forum.
#[Subscription]
impl SubscriptionRoot {
    /// A legal case as it changes: a message, an answer, an assignment, a status,
    /// a rating, a file. Only its asker and the legal advisors may open it (anyone
    /// else gets NOT_FOUND); each change is loaded under the subscriber's own rules
    /// (internal notes for advisors only), and the feed ends when the subscriber
    /// may no longer see the case. After a lost connection between instances, the
    /// case arrives once as it is now.
    async fn legal_case_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's id.")] id: ID,
    ) -> Result<impl Stream<Item = crate::graphql::types::LegalCase>> {
        use crate::graphql::types::LegalCase;
        let db = db(ctx)?.clone();
        let v = viewer(ctx).clone();
        let n = expect_id("id", &id, "LegalCase")?;
        crate::db::desk::case_for(&db, &v, n).await?;
        let bus = bus(ctx)?;
        let rx = bus.subscribe_case(n);
        let mut generation = bus.generation();
        generation.borrow_and_update();
        listening(ctx);
        Ok(stream::unfold(
            (rx, generation, db, v),
            move |(mut rx, mut generation, db, v)| async move {
                let go_on = tokio::select! {
                    biased;
                    changed = generation.changed() => changed.is_ok(),
                    r = rx.recv() => match r {
                        // Missed changes: the case as it is now says them all.
                        Ok(_) | Err(RecvError::Lagged(_)) => true,
                        Err(RecvError::Closed) => false,
                    },
                };
                if !go_on {
                    return None;
                }
                let c = crate::db::desk::case_for(&db, &v, n).await.ok()?;
                Some((LegalCase(c), (rx, generation, db, v)))
            },
        ))
    }

    /// Posts added to a thread, as they are written. Hidden posts never arrive;
    /// after a lost connection between instances, missed posts arrive in order.
    async fn post_added(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The thread's global id.")] thread_id: ID,
    ) -> Result<impl Stream<Item = Post>> {
        let db = db(ctx)?.clone();
        let snaps = snapshots(ctx)?.clone();
        let t = thread_of(&db, &thread_id, "threadId").await?;
        let feed = Feed::new(bus(ctx)?, &format!("thread:{}", t.id));
        // Everything up to now is history; the feed starts after the newest post.
        let last = post::Entity::find()
            .filter(post::Column::ThreadId.eq(t.id))
            .order_by_desc(post::Column::Id)
            .one(&db)
            .await?
            .map_or(0, |p| p.id);
        listening(ctx);
        // Posts are announced after their commit, from different tasks and instances:
        // ids may arrive out of order, so the feed remembers which it delivered.
        let state = (
            feed,
            db,
            snaps,
            t.id,
            last,
            HashSet::<i32>::new(),
            VecDeque::<Post>::new(),
        );
        Ok(stream::unfold(
            state,
            |(mut feed, db, snaps, tid, floor, mut delivered, mut queue)| async move {
                loop {
                    if let Some(p) = queue.pop_front() {
                        return Some((p, (feed, db, snaps, tid, floor, delivered, queue)));
                    }
                    match feed.next().await {
                        Next::Event(ev) if ev.kind == ForumEventKind::PostAdded => {
                            let Some(id) = ev.post_id.filter(|id| *id > floor) else {
                                continue;
                            };
                            if delivered.contains(&id) {
                                continue;
                            }
                            match snaps.of(&db, &ev).await {
                                Some(snap) if post_visible(false, &snap.post) => {
                                    delivered.insert(id);
                                    queue.push_back(post_of(&snap));
                                }
                                Some(_) => {}
                                // Not loadable now: the next catch-up finds it.
                                None => feed.retry(),
                            }
                        }
                        Next::Event(_) => {}
                        Next::Resync => match visible_posts_after(&db, tid, floor).await {
                            Ok(missed) => {
                                for p in missed {
                                    if delivered.insert(p.id) {
                                        queue.push_back(Post::of(p));
                                    }
                                }
                            }
                            Err(e) => tracing::error!(error = ?e, "catching up a live feed"),
                        },
                        Next::End => return None,
                    }
                }
            },
        ))
    }

    /// Changes to a thread's posts: edited, hidden, restored, deleted. For a hidden
    /// post, those who may not see it receive only its id (to remove it from view).
    /// After a lost connection between instances, each post changed meanwhile
    /// arrives once, with its latest change and as it is now.
    async fn post_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The thread's global id.")] thread_id: ID,
    ) -> Result<impl Stream<Item = PostChanged>> {
        let db = db(ctx)?.clone();
        let snaps = snapshots(ctx)?.clone();
        let t = thread_of(&db, &thread_id, "threadId").await?;
        let moderator = viewer(ctx).is_moderator();
        let feed = Feed::new(bus(ctx)?, &format!("thread:{}", t.id));
        // Changes up to now are history; the feed remembers which later ones it sent.
        let floor = newest_change_seq(&db, t.id).await?;
        listening(ctx);
        let state = (feed, db, snaps, HashSet::<i32>::new(), VecDeque::new());
        Ok(stream::unfold(
            state,
            move |(mut feed, db, snaps, mut sent, mut queue)| async move {
                loop {
                    if let Some(item) = queue.pop_front() {
                        return Some((item, (feed, db, snaps, sent, queue)));
                    }
                    let ev = match feed.next().await {
                        Next::Event(ev) => ev,
                        Next::Resync => {
                            match posts_changed_after(&db, t.id, floor).await {
                                Ok(changed) => {
                                    for p in changed {
                                        if !sent.insert(p.change_seq) {
                                            continue;
                                        }
                                        // A post changed after the floor has a last change.
                                        let change = p
                                            .last_change
                                            .map_or(PostChangeKind::Edited, PostChangeKind::from);
                                        let id = global_id("Post", p.id);
                                        let post = post_visible(moderator, &p).then(|| Post::of(p));
                                        if change == PostChangeKind::Edited && post.is_none() {
                                            continue;
                                        }
                                        queue.push_back(PostChanged {
                                            post_id: id,
                                            change,
                                            post,
                                        });
                                    }
                                }
                                Err(e) => tracing::error!(error = ?e, "catching up a live feed"),
                            }
                            continue;
                        }
                        Next::End => return None,
                    };
                    let change = match ev.kind {
                        ForumEventKind::PostEdited => PostChangeKind::Edited,
                        ForumEventKind::PostHidden => PostChangeKind::Hidden,
                        ForumEventKind::PostRestored => PostChangeKind::Restored,
                        ForumEventKind::PostDeleted => PostChangeKind::Deleted,
                        ForumEventKind::PostAdded | ForumEventKind::ThreadCreated => continue,
                    };
                    let Some(id) = ev.post_id else { continue };
                    if let Some(seq) = ev.change_seq {
                        if seq <= floor || !sent.insert(seq) {
                            continue;
                        }
                    }
                    // Loaded after the change, not taken from the message.
                    let snap = snaps.of(&db, &ev).await;
                    let post = snap.filter(|s| post_visible(moderator, &s.post));
                    if change == PostChangeKind::Edited && post.is_none() {
                        continue;
                    }
                    let item = PostChanged {
                        post_id: global_id("Post", id),
                        change,
                        post: post.as_deref().map(post_of),
                    };
                    return Some((item, (feed, db, snaps, sent, queue)));
                }
            },
        ))
    }

    /// New threads and posts, as summaries: on one board (a sector's, an event's or
    /// the general one), or on all boards when none is given.
    async fn thread_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One board; all boards when absent.")] board: Option<BoardInput>,
    ) -> Result<impl Stream<Item = ThreadActivity>> {
        let db = db(ctx)?.clone();
        let snaps = snapshots(ctx)?.clone();
        let board = match board {
            None => None,
            Some(b) => Some(b.into_db(ctx, "board").await?),
        };
        let topic = match board {
            None => ALL_BOARDS.to_owned(),
            Some(Board::General) => board_topic(None, None),
            Some(Board::Sector(s)) => board_topic(Some(s), None),
            Some(Board::Event(e)) => board_topic(None, Some(e)),
        };
        let feed = Feed::new(bus(ctx)?, &topic);
        // Posts up to now are history; the feed remembers which later ones it sent.
        let floor = newest_post_id(&db).await?;
        listening(ctx);
        let state = (feed, db, snaps, HashSet::<i32>::new(), VecDeque::new());
        Ok(stream::unfold(
            state,
            move |(mut feed, db, snaps, mut sent, mut queue)| async move {
                loop {
                    if let Some(item) = queue.pop_front() {
                        return Some((item, (feed, db, snaps, sent, queue)));
                    }
                    let ev = match feed.next().await {
                        Next::Event(ev) => ev,
                        Next::Resync => {
                            match visible_board_posts_after(&db, board, floor).await {
                                Ok(missed) => {
                                    for (t, p, opened) in missed {
                                        if sent.insert(p.id) {
                                            queue.push_back(ThreadActivity {
                                                kind: if opened {
                                                    ActivityKind::NewThread
                                                } else {
                                                    ActivityKind::NewPost
                                                },
                                                thread: Thread(t),
                                                post: Some(Post::of(p)),
                                            });
                                        }
                                    }
                                }
                                Err(e) => tracing::error!(error = ?e, "catching up a live feed"),
                            }
                            continue;
                        }
                        Next::End => return None,
                    };
                    let kind = match ev.kind {
                        ForumEventKind::ThreadCreated => ActivityKind::NewThread,
                        ForumEventKind::PostAdded => ActivityKind::NewPost,
                        _ => continue,
                    };
                    if ev
                        .post_id
                        .is_some_and(|id| id <= floor || sent.contains(&id))
                    {
                        continue;
                    }
                    let snap = snaps.of(&db, &ev).await;
                    let Some(snap) = snap.filter(|s| post_visible(false, &s.post)) else {
                        continue;
                    };
                    sent.insert(snap.post.id);
                    let item = ThreadActivity {
                        kind,
                        thread: Thread(snap.thread.clone()),
                        post: Some(post_of(&snap)),
                    };
                    return Some((item, (feed, db, snaps, sent, queue)));
                }
            },
        ))
    }
}
