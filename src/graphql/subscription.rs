//! Live feeds over graphql-transport-ws (`/graphql/ws`). A feed receives only
//! ids from the bus and loads each object under the subscriber's own viewer, so
//! a payload obeys exactly the rules a query does: anonymous authors stay
//! anonymous, hidden posts never reach anyone but moderators.

use crate::bus::{board_topic, Bus, ForumEvent, ForumEventKind, ALL_BOARDS};
use crate::db::network::visible_posts_after;
use crate::error::AppError;
use crate::graphql::{
    bus, db,
    node::{expect_id, global_id},
    query::network::BoardInput,
    types::{ActivityKind, Post, PostChangeKind, PostChanged, Thread, ThreadActivity},
    viewer,
};
use async_graphql::{Context, Result, Subscription, ID};
use entity::{post, thread};
use futures_util::{stream, Stream};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::VecDeque;
use tokio::sync::broadcast::error::RecvError;

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
}

impl Feed {
    fn new(bus: &Bus, topic: &str) -> Feed {
        let mut generation = bus.generation();
        generation.borrow_and_update();
        Feed {
            rx: bus.subscribe(topic),
            generation,
        }
    }

    async fn next(&mut self) -> Next {
        tokio::select! {
            r = self.rx.recv() => match r {
                Ok(ev) => Next::Event(ev),
                Err(RecvError::Lagged(n)) => {
                    tracing::info!(missed = n, "dropping a live feed that stopped reading");
                    Next::End
                }
                Err(RecvError::Closed) => Next::End,
            },
            changed = self.generation.changed() => match changed {
                Ok(()) => Next::Resync,
                Err(_) => Next::End,
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

async fn load_post(db: &DatabaseConnection, id: Option<i32>) -> Option<post::Model> {
    let id = id?;
    match post::Entity::find_by_id(id).one(db).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "loading a post for a live feed");
            None
        }
    }
}

/// Fired once a feed listens on the bus. The WebSocket handler waits for it before
/// it reads the client's next message, so a client that sent `subscribe` and then
/// got an answer to anything later (a `pong`) knows the feed misses nothing after.
#[derive(Default)]
pub struct Listening(std::sync::Mutex<Option<tokio::sync::oneshot::Sender<()>>>);

impl Listening {
    pub fn new() -> (Listening, tokio::sync::oneshot::Receiver<()>) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        (Listening(std::sync::Mutex::new(Some(tx))), rx)
    }

    pub fn fire(&self) {
        if let Some(tx) = self.0.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = tx.send(());
        }
    }
}

fn listening(ctx: &Context<'_>) {
    if let Ok(l) = ctx.data::<std::sync::Arc<Listening>>() {
        l.fire();
    }
}

#[derive(Default)]
pub struct SubscriptionRoot;

/// Live feeds of the forum.
#[Subscription]
impl SubscriptionRoot {
    /// Posts added to a thread, as they are written. Hidden posts never arrive;
    /// after a lost connection between instances, missed posts arrive in order.
    async fn post_added(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The thread's global id.")] thread_id: ID,
    ) -> Result<impl Stream<Item = Post>> {
        let db = db(ctx)?.clone();
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
        let state = (feed, db, t.id, last, VecDeque::<post::Model>::new());
        Ok(stream::unfold(
            state,
            |(mut feed, db, tid, mut last, mut queue)| async move {
                loop {
                    if let Some(p) = queue.pop_front() {
                        return Some((Post(p), (feed, db, tid, last, queue)));
                    }
                    match feed.next().await {
                        Next::Event(ev) if ev.kind == ForumEventKind::PostAdded => {
                            if ev.post_id.is_some_and(|id| id > last) {
                                if let Some(p) =
                                    load_post(&db, ev.post_id).await.filter(|p| !p.hidden)
                                {
                                    last = p.id;
                                    queue.push_back(p);
                                }
                            }
                        }
                        Next::Event(_) => {}
                        Next::Resync => match visible_posts_after(&db, tid, last).await {
                            Ok(missed) => {
                                last = missed.last().map_or(last, |p| p.id);
                                queue.extend(missed);
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
    async fn post_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The thread's global id.")] thread_id: ID,
    ) -> Result<impl Stream<Item = PostChanged>> {
        let db = db(ctx)?.clone();
        let t = thread_of(&db, &thread_id, "threadId").await?;
        let moderator = viewer(ctx).is_moderator();
        let feed = Feed::new(bus(ctx)?, &format!("thread:{}", t.id));
        listening(ctx);
        Ok(stream::unfold(
            (feed, db),
            move |(mut feed, db)| async move {
                loop {
                    let ev = match feed.next().await {
                        Next::Event(ev) => ev,
                        Next::Resync => continue,
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
                    let post = load_post(&db, Some(id)).await;
                    // Read now, not from the message: the post may have changed again since.
                    let post = post.filter(|p| moderator || !p.hidden);
                    if change == PostChangeKind::Edited && post.is_none() {
                        continue;
                    }
                    let item = PostChanged {
                        post_id: global_id("Post", id),
                        change,
                        post: post.map(Post),
                    };
                    return Some((item, (feed, db)));
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
        let topic = match board {
            None => ALL_BOARDS.to_owned(),
            Some(b) => match b.into_db(ctx, "board").await? {
                crate::db::network::Board::General => board_topic(None, None),
                crate::db::network::Board::Sector(s) => board_topic(Some(s), None),
                crate::db::network::Board::Event(e) => board_topic(None, Some(e)),
            },
        };
        let feed = Feed::new(bus(ctx)?, &topic);
        listening(ctx);
        Ok(stream::unfold((feed, db), |(mut feed, db)| async move {
            loop {
                let ev = match feed.next().await {
                    Next::Event(ev) => ev,
                    Next::Resync => continue,
                    Next::End => return None,
                };
                let kind = match ev.kind {
                    ForumEventKind::ThreadCreated => ActivityKind::NewThread,
                    ForumEventKind::PostAdded => ActivityKind::NewPost,
                    _ => continue,
                };
                let Some(p) = load_post(&db, ev.post_id).await.filter(|p| !p.hidden) else {
                    continue;
                };
                let t = match thread::Entity::find_by_id(ev.thread_id).one(&db).await {
                    Ok(Some(t)) => t,
                    _ => continue,
                };
                let item = ThreadActivity {
                    kind,
                    thread: Thread(t),
                    post: Some(Post(p)),
                };
                return Some((item, (feed, db)));
            }
        }))
    }
}
