//! The forum and events: members post and register, authors edit and delete
//! their own posts, moderators pin, lock, hide and restore with a reason. Every
//! forum write is announced on the bus for live feeds, on every instance.

use crate::db::industry::sector_id_for_filter;
use crate::db::local_government::find_local_government_by_teryt;
use crate::db::network::{
    add_post, cancel_registration, change_post, create_event, create_thread, mark_read,
    moderate_thread, register, update_profile, NewEvent, PostChange, ProfileInput,
};
use crate::error::AppError;
use crate::graphql::{
    db, loaders,
    node::expect_id,
    query::network::BoardInput,
    types::{Event, EventKind, Participation, Person, Post, Thread},
    viewer,
};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};

/// Input of `updateMyProfile`; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateMyProfileInput {
    /// Name to show (at most 100 characters).
    pub display_name: Option<String>,
    /// Role or job title (at most 200 characters; empty clears it).
    pub role_title: Option<String>,
    /// Short biography (at most 2000 characters; empty clears it).
    pub bio: Option<String>,
    /// Consent to a public profile. Without it you appear to others only as
    /// "Anonymous participant", everywhere.
    pub public_profile: Option<bool>,
    /// Where you belong; an empty object clears it.
    pub affiliation: Option<AffiliationInput>,
}

/// An affiliation: at most one of the three.
#[derive(InputObject)]
pub struct AffiliationInput {
    /// A cooperative you are an editor of.
    pub cooperative: Option<ID>,
    /// A local government you are an officer of.
    pub local_government: Option<ID>,
    /// An institution (self-declared).
    pub institution: Option<ID>,
}

impl AffiliationInput {
    /// Checked against the viewer's roles: `(cooperative, local government, institution)`.
    async fn into_db(self, ctx: &Context<'_>) -> Result<(Option<i32>, Option<i32>, Option<i32>)> {
        let v = viewer(ctx);
        let field = "affiliation";
        let c = self
            .cooperative
            .as_ref()
            .map(|i| expect_id(field, i, "Cooperative"))
            .transpose()?;
        let l = match self.local_government.as_ref() {
            // A city with powiat rights is one local government (its officers
            // are the gmina unit's), whichever of its two units is named.
            Some(i) => Some(
                crate::db::local_government::stored_unit(
                    db(ctx)?,
                    expect_id(field, i, "LocalGovernment")?,
                )
                .await?,
            ),
            None => None,
        };
        let i = self
            .institution
            .as_ref()
            .map(|i| expect_id(field, i, "Institution"))
            .transpose()?;
        if [c, l, i].iter().filter(|x| x.is_some()).count() > 1 {
            return Err(AppError::invalid(
                field,
                "give at most one of `cooperative`, `localGovernment`, `institution`",
            )
            .into());
        }
        if c.is_some_and(|c| !v.is_editor_of(c) && !v.is_moderator()) {
            return Err(AppError::invalid(
                field,
                "you can name only a cooperative you are an editor of (`claimCooperative`)",
            )
            .into());
        }
        if l.is_some_and(|l| !v.is_officer_of(l) && !v.is_moderator()) {
            return Err(AppError::invalid(
                field,
                "you can name only a local government you are an officer of",
            )
            .into());
        }
        if let Some(id) = i {
            loaders(ctx)?
                .institution
                .load_one(id)
                .await?
                .ok_or_else(|| AppError::invalid(field, "no such institution"))?;
        }
        Ok((c, l, i))
    }
}

/// Input of `createThread`.
#[derive(InputObject)]
pub struct CreateThreadInput {
    /// The board.
    pub board: BoardInput,
    /// Title (at most 200 characters).
    pub title: String,
    /// The first post, in Markdown (at most 20,000 characters).
    pub body: String,
}

/// Input of `addPost`.
#[derive(InputObject)]
pub struct AddPostInput {
    /// The thread.
    pub thread: ID,
    /// The post, in Markdown (at most 20,000 characters).
    pub body: String,
    /// The post it answers (of the same thread).
    pub reply_to: Option<ID>,
}

/// Input of `editPost`.
#[derive(InputObject)]
pub struct EditPostInput {
    /// Your post.
    pub post: ID,
    /// The new body, in Markdown.
    pub body: String,
}

/// Input of `deletePost`.
#[derive(InputObject)]
pub struct DeletePostInput {
    /// Your post; a tombstone stays in the thread.
    pub post: ID,
}

/// Input of `hidePost` and `restorePost`.
#[derive(InputObject)]
pub struct ModeratePostInput {
    /// The post.
    pub post: ID,
    /// Why (required; recorded in the audit trail).
    pub reason: String,
}

/// Input of `moderateThread`.
#[derive(InputObject)]
pub struct ModerateThreadInput {
    /// The thread.
    pub thread: ID,
    /// Pin (true) or unpin (false).
    pub pinned: Option<bool>,
    /// Lock (true) or unlock (false).
    pub locked: Option<bool>,
    /// Why (required; recorded in the audit trail).
    pub reason: String,
}

/// Input of `registerForEvent` and `cancelEventRegistration`.
#[derive(InputObject)]
pub struct EventRegistrationInput {
    /// The event.
    pub event: ID,
}

/// Input of `createEvent`.
#[derive(InputObject)]
pub struct CreateEventInput {
    /// Kind of event.
    pub kind: EventKind,
    /// Title (at most 200 characters).
    pub title: String,
    /// Edition number of a recurring event.
    pub edition: Option<i32>,
    /// Start (any offset; stored in UTC).
    pub starts_at: DateTime<Utc>,
    /// End, after the start.
    pub ends_at: DateTime<Utc>,
    /// TERYT code of the gmina it takes place in (none for a webinar).
    pub place_teryt: Option<String>,
    /// The sector of an industry meeting (its `slug`).
    pub sector: Option<String>,
    /// What it is about (at most 5000 characters).
    pub description: String,
    /// Places for participants (at least 1); none: unlimited.
    pub capacity: Option<i32>,
}

/// Result of `createEvent`.
#[derive(SimpleObject)]
pub struct EventPayload {
    /// The new event.
    pub event: Event,
}

/// Input of `markThreadRead`.
#[derive(InputObject)]
pub struct MarkThreadReadInput {
    /// The thread, read up to its newest post.
    pub thread: ID,
}

/// Result of `updateMyProfile`.
#[derive(SimpleObject)]
pub struct ProfilePayload {
    /// Your profile after the change.
    pub person: Person,
}

/// Result of the thread mutations.
#[derive(SimpleObject)]
pub struct ThreadPayload {
    /// The thread after the change.
    pub thread: Thread,
}

/// Result of the post mutations.
#[derive(SimpleObject)]
pub struct PostPayload {
    /// The post after the change.
    pub post: Post,
}

/// Result of the registration mutations.
#[derive(SimpleObject)]
pub struct RegistrationPayload {
    /// The event.
    pub event: Event,
    /// Your registration: REGISTERED, WAITING (the event is full) or CANCELLED.
    pub registration: Participation,
}

#[derive(Default)]
pub struct NetworkMutation;

#[Object]
impl NetworkMutation {
    /// Sets your forum profile and your consent to showing it. Signed-in members.
    async fn update_my_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What changes.")] input: UpdateMyProfileInput,
    ) -> Result<ProfilePayload> {
        let user = viewer(ctx).user_id()?;
        let affiliation = match input.affiliation {
            Some(a) => Some(a.into_db(ctx).await?),
            None => None,
        };
        let p = update_profile(
            db(ctx)?,
            user,
            ProfileInput {
                affiliation,
                display_name: input.display_name,
                role_title: input.role_title,
                bio: input.bio,
                public_profile: input.public_profile,
            },
        )
        .await?;
        Ok(ProfilePayload { person: Person(p) })
    }

    /// Opens a thread with its first post. Signed-in members.
    async fn create_thread(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The thread.")] input: CreateThreadInput,
    ) -> Result<ThreadPayload> {
        let user = viewer(ctx).user_id()?;
        let board = input.board.into_db(ctx, "board").await?;
        let (t, _) = create_thread(db(ctx)?, user, board, &input.title, &input.body).await?;
        Ok(ThreadPayload { thread: Thread(t) })
    }

    /// Adds a post to a thread (not to a locked one). Signed-in members.
    async fn add_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post.")] input: AddPostInput,
    ) -> Result<PostPayload> {
        let v = viewer(ctx);
        let user = v.user_id()?;
        let thread = expect_id("thread", &input.thread, "Thread")?;
        let reply_to = input
            .reply_to
            .as_ref()
            .map(|r| expect_id("replyTo", r, "Post"))
            .transpose()?;
        let (_, p) = add_post(
            db(ctx)?,
            user,
            v.is_moderator(),
            thread,
            &input.body,
            reply_to,
        )
        .await?;
        Ok(PostPayload { post: Post::of(p) })
    }

    /// Edits your own post.
    async fn edit_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change.")] input: EditPostInput,
    ) -> Result<PostPayload> {
        self.change(ctx, &input.post, PostChange::Edit, Some(&input.body), None)
            .await
    }

    /// Deletes your own post; a tombstone stays for the thread's sake.
    async fn delete_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post.")] input: DeletePostInput,
    ) -> Result<PostPayload> {
        self.change(ctx, &input.post, PostChange::Delete, None, None)
            .await
    }

    /// Hides a post from everyone but moderators. Moderators, with a reason.
    async fn hide_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post and why.")] input: ModeratePostInput,
    ) -> Result<PostPayload> {
        self.change(
            ctx,
            &input.post,
            PostChange::Hide,
            None,
            Some(&input.reason),
        )
        .await
    }

    /// Shows a hidden post again. Moderators, with a reason.
    async fn restore_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post and why.")] input: ModeratePostInput,
    ) -> Result<PostPayload> {
        self.change(
            ctx,
            &input.post,
            PostChange::Restore,
            None,
            Some(&input.reason),
        )
        .await
    }

    /// Pins or locks a thread (or undoes it). Moderators, with a reason.
    async fn moderate_thread(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change and why.")] input: ModerateThreadInput,
    ) -> Result<ThreadPayload> {
        let v = viewer(ctx);
        v.require_moderator()?;
        let user = v.user_id()?;
        let id = expect_id("thread", &input.thread, "Thread")?;
        let t = moderate_thread(
            db(ctx)?,
            user,
            id,
            input.pinned,
            input.locked,
            &input.reason,
        )
        .await?;
        Ok(ThreadPayload { thread: Thread(t) })
    }

    /// Marks a thread read up to its newest post (its `unreadCount` drops to 0).
    async fn mark_thread_read(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The thread.")] input: MarkThreadReadInput,
    ) -> Result<ThreadPayload> {
        let user = viewer(ctx).user_id()?;
        let id = expect_id("thread", &input.thread, "Thread")?;
        let t = loaders(ctx)?
            .thread
            .load_one(id)
            .await?
            .ok_or_else(|| crate::error::AppError::NotFound("no such thread".into()))?;
        mark_read(db(ctx)?, user, id).await?;
        Ok(ThreadPayload { thread: Thread(t) })
    }

    /// Creates an event members can register for. Moderators.
    async fn create_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event.")] input: CreateEventInput,
    ) -> Result<EventPayload> {
        let v = viewer(ctx);
        v.require_moderator()?;
        let user = v.user_id()?;
        let db = db(ctx)?;
        let place_id = match &input.place_teryt {
            // A city with powiat rights is one place, whichever unit is named.
            Some(t) => Some(
                crate::db::local_government::stored_unit(
                    db,
                    find_local_government_by_teryt(db, t)
                        .await?
                        .ok_or_else(|| {
                            AppError::invalid(
                                "placeTeryt",
                                format!("no local government unit with TERYT '{t}'"),
                            )
                        })?
                        .id,
                )
                .await?,
            ),
            None => None,
        };
        let new = NewEvent {
            kind: input.kind.into(),
            title: input.title,
            edition: input.edition,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            place_id,
            sector_id: sector_id_for_filter(db, "sector", input.sector.as_deref()).await?,
            description: input.description,
            capacity: input.capacity,
        };
        let e = create_event(db, user, new).await?;
        Ok(EventPayload { event: Event(e) })
    }

    /// Registers you for an event: a place if one is free, else the waiting list.
    async fn register_for_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event.")] input: EventRegistrationInput,
    ) -> Result<RegistrationPayload> {
        let user = viewer(ctx).user_id()?;
        let id = expect_id("event", &input.event, "Event")?;
        let (e, p) = register(db(ctx)?, user, id).await?;
        Ok(RegistrationPayload {
            event: Event(e),
            registration: Participation(p),
        })
    }

    /// Cancels your registration; your place goes to the first on the waiting list.
    async fn cancel_event_registration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event.")] input: EventRegistrationInput,
    ) -> Result<RegistrationPayload> {
        let user = viewer(ctx).user_id()?;
        let id = expect_id("event", &input.event, "Event")?;
        let (e, p) = cancel_registration(db(ctx)?, user, id).await?;
        Ok(RegistrationPayload {
            event: Event(e),
            registration: Participation(p),
        })
    }
}

impl NetworkMutation {
    async fn change(
        &self,
        ctx: &Context<'_>,
        post: &ID,
        change: PostChange,
        body: Option<&str>,
        reason: Option<&str>,
    ) -> Result<PostPayload> {
        let v = viewer(ctx);
        let user = v.user_id()?;
        let id = expect_id("post", post, "Post")?;
        let (_, p) =
            change_post(db(ctx)?, user, v.is_moderator(), id, change, body, reason).await?;
        Ok(PostPayload { post: Post::of(p) })
    }
}
