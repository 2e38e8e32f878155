//! People, events, threads and posts. Who sees what is `crate::policy`'s: a
//! person without a public profile is an anonymous participant to everyone but
//! themselves (`person_visible`), hidden posts exist only for moderators
//! (`post_visible`).

use super::{Cooperative, Institution, LocalGovernment, Sector};
use crate::auth::Viewer;
use crate::db::lists;
use crate::db::network::{list_posts, unread_count, POSTS_NEWEST, POSTS_OLDEST};
use crate::graphql::{
    connection::{build_keyed, cost, from_list, Conn, KeyPage},
    db, load_list, load_opt, load_unit, loaders,
    node::global_id,
    required, viewer,
};
use crate::policy::{person_visible, post_body_shown, post_visible};
use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Warsaw;
use entity::{event, participation, person, post, programme_session, thread};

/// How an anonymous participant is named.
pub const ANONYMOUS: &str = "Anonymous participant";

/// The person, or nothing when the viewer may not see them.
async fn visible_person(ctx: &Context<'_>, id: i32) -> Result<Option<Person>> {
    let p = required(loaders(ctx)?.person.load_one(id).await?, "person")?;
    Ok(person_visible(viewer(ctx), &p).then_some(Person(p)))
}

async fn name_of(ctx: &Context<'_>, id: i32) -> Result<String> {
    Ok(visible_person(ctx, id)
        .await?
        .map_or_else(|| ANONYMOUS.to_owned(), |p| p.0.display_name))
}

#[derive(Clone)]
pub struct Person(pub person::Model);

/// A forum participant who agreed to a public profile (others appear only as
/// "Anonymous participant", with no profile and no link between their posts).
#[Object(cache_control(max_age = 10))]
impl Person {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Person", self.0.id)
    }
    /// Name as the person chose to show it.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// Role or job title, e.g. "prezes zarządu".
    async fn role_title(&self) -> Option<&str> {
        self.0.role_title.as_deref()
    }
    /// A short biography.
    async fn bio(&self) -> Option<&str> {
        self.0.bio.as_deref()
    }
    /// When the person's record last changed (the database keeps it);
    /// a partner holding a copy compares it with its own.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }
    /// The cooperative the person belongs to, if that is their affiliation.
    async fn cooperative(&self, ctx: &Context<'_>) -> Result<Option<Cooperative>> {
        Ok(load_opt(&loaders(ctx)?.cooperative, self.0.cooperative_id)
            .await?
            .map(Cooperative))
    }
    /// The local government the person works for, if that is their affiliation.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        Ok(load_unit(ctx, self.0.local_government_id)?.map(LocalGovernment))
    }
    /// The institution the person works for, if that is their affiliation.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        Ok(load_opt(&loaders(ctx)?.institution, self.0.institution_id)
            .await?
            .map(Institution))
    }
    /// Events the person took or takes part in (cancelled registrations left out), newest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Participation>> {
        let seek =
            KeyPage::new(after, before, first, last)?.list_seek(&lists::PERSON_EVENTS, ctx)?;
        let rows = crate::db::network::participations_of(db(ctx)?, self.0.id).await?;
        Ok(from_list(rows, &lists::PERSON_EVENTS, &seek, |(m, _)| {
            Participation(m)
        })?)
    }
}

/// What kind of event.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::event::Kind")]
pub enum EventKind {
    /// Ogólnopolskie Forum Spółdzielczości Socjalnej.
    NationalForum,
    /// A sector's meeting (gastronomy, care services…).
    IndustryMeeting,
    /// A workshop.
    Workshop,
    /// An online webinar.
    Webinar,
}

/// A person's part in an event.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::participation::Role")]
pub enum ParticipationRole {
    /// Organises it.
    Organiser,
    /// Speaks in its programme.
    Speaker,
    /// Takes part.
    Participant,
}

/// Where a registration stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::participation::Status")]
pub enum RegistrationStatus {
    /// Holds a place.
    Registered,
    /// On the waiting list; moves up when someone cancels.
    Waiting,
    /// Cancelled.
    Cancelled,
}

/// A time shown in Poland's civil time (Europe/Warsaw, CET/CEST), e.g. `2015-11-04T10:00:00+01:00`.
fn warsaw(t: DateTime<Utc>) -> String {
    t.with_timezone(&Warsaw).to_rfc3339()
}

#[derive(Clone)]
pub struct Event(pub event::Model);

/// A national forum, an industry meeting, a workshop or a webinar. Historical
/// events ship as reference data (`isReference`).
#[Object(cache_control(max_age = 10))]
impl Event {
    /// Published articles that mention it, newest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn mentioned_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<super::Article>> {
        let page = KeyPage::new(after, before, first, last)?;
        super::mentioned_in(ctx, "Event", self.0.id, page).await
    }

    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Event", self.0.id)
    }
    /// Kind of event.
    async fn kind(&self) -> EventKind {
        self.0.kind.into()
    }
    /// Title, e.g. "VII Ogólnopolskie Forum Spółdzielczości Socjalnej".
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Edition number of a recurring event (the VII forum: 7).
    async fn edition(&self) -> Option<i32> {
        self.0.edition
    }
    /// The year it takes or took place.
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// Start, in UTC; null when only the year is documented (some historical events).
    async fn starts_at(&self) -> Option<DateTime<Utc>> {
        self.0.starts_at
    }
    /// End, in UTC; null when only the year is documented.
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.0.ends_at
    }
    /// Start in Poland's civil time (Europe/Warsaw), RFC 3339 with its offset.
    async fn starts_at_local(&self) -> Option<String> {
        self.0.starts_at.map(warsaw)
    }
    /// End in Poland's civil time (Europe/Warsaw), RFC 3339 with its offset.
    async fn ends_at_local(&self) -> Option<String> {
        self.0.ends_at.map(warsaw)
    }
    /// The gmina it takes place in (none for webinars).
    async fn place(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        Ok(load_unit(ctx, self.0.place_id)?.map(LocalGovernment))
    }
    /// The sector of an industry meeting.
    async fn sector(&self, ctx: &Context<'_>) -> Result<Option<Sector>> {
        Ok(load_opt(&loaders(ctx)?.sector, self.0.sector_id)
            .await?
            .map(Sector))
    }
    /// What it is about.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Places for participants; none: unlimited.
    async fn capacity(&self) -> Option<i32> {
        self.0.capacity
    }
    /// Shipped as reference data (a past event, as documented); registration is closed.
    async fn is_reference(&self) -> bool {
        self.0.is_reference
    }
    /// When it or a session of its programme last changed (the database keeps it);
    /// `events(updatedSince:)` finds what changed since a time.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }
    /// Participants holding a place.
    async fn registered_count(&self, ctx: &Context<'_>) -> Result<i32> {
        count_status(ctx, self.0.id, participation::Status::Registered).await
    }
    /// Participants on the waiting list.
    async fn waiting_count(&self, ctx: &Context<'_>) -> Result<i32> {
        count_status(ctx, self.0.id, participation::Status::Waiting).await
    }
    /// Who takes part, in registration order: only people with a public profile are
    /// listed (the others are counted in `anonymousParticipantCount`).
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn participants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Participation>> {
        let seek =
            KeyPage::new(after, before, first, last)?.list_seek(&lists::PARTICIPANTS, ctx)?;
        let (public, _) = split_by_consent(ctx, self.0.id).await?;
        Ok(from_list(
            public,
            &lists::PARTICIPANTS,
            &seek,
            Participation,
        )?)
    }
    /// Participants who have not agreed to a public profile.
    async fn anonymous_participant_count(&self, ctx: &Context<'_>) -> Result<i32> {
        let (_, anonymous) = split_by_consent(ctx, self.0.id).await?;
        Ok(anonymous)
    }
    /// The programme: sessions by start time.
    async fn sessions(&self, ctx: &Context<'_>) -> Result<Vec<EventSession>> {
        Ok(load_list(&loaders(ctx)?.sessions_by_event, self.0.id)
            .await?
            .into_iter()
            .map(EventSession)
            .collect())
    }
    /// The signed-in member's own registration, if any.
    async fn my_registration(&self, ctx: &Context<'_>) -> Result<Option<Participation>> {
        let Viewer::User { id, .. } = viewer(ctx) else {
            return Ok(None);
        };
        Ok(
            crate::db::network::my_participation(db(ctx)?, *id, self.0.id)
                .await?
                .map(Participation),
        )
    }
}

/// The event's participations that count (not cancelled), in registration order:
/// one batched statement for all the events of a page, shared by the fields below.
async fn participations(ctx: &Context<'_>, event_id: i32) -> Result<Vec<participation::Model>> {
    let rows = load_list(&loaders(ctx)?.participations_by_event, event_id).await?;
    Ok(rows
        .into_iter()
        .filter(|p| p.status != participation::Status::Cancelled)
        .collect())
}

/// Participants (not speakers or organisers, who come on top of the places) by status.
async fn count_status(
    ctx: &Context<'_>,
    event_id: i32,
    status: participation::Status,
) -> Result<i32> {
    let rows = participations(ctx, event_id).await?;
    Ok(rows
        .iter()
        .filter(|p| p.role == participation::Role::Participant && p.status == status)
        .count() as i32)
}

#[derive(Clone)]
pub struct EventSession(pub programme_session::Model);

/// One session of an event's programme.
#[Object(cache_control(max_age = 10))]
impl EventSession {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("EventSession", self.0.id)
    }
    /// The event whose programme it is part of.
    async fn event(&self, ctx: &Context<'_>) -> Result<Event> {
        let e = loaders(ctx)?.event.load_one(self.0.event_id).await?;
        Ok(Event(required(e, "event")?))
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Start, in UTC.
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }
    /// End, in UTC.
    async fn ends_at(&self) -> DateTime<Utc> {
        self.0.ends_at
    }
    /// Start in Poland's civil time (Europe/Warsaw), RFC 3339 with its offset.
    async fn starts_at_local(&self) -> String {
        warsaw(self.0.starts_at)
    }
    /// End in Poland's civil time (Europe/Warsaw), RFC 3339 with its offset.
    async fn ends_at_local(&self) -> String {
        warsaw(self.0.ends_at)
    }
    /// What it is about.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Its speakers in the order the programme lists them: only people with a
    /// public profile (the others are counted in `anonymousSpeakerCount`).
    async fn speakers(&self, ctx: &Context<'_>) -> Result<Vec<Person>> {
        Ok(self.split_speakers(ctx).await?.0)
    }
    /// Speakers who have not agreed to a public profile.
    async fn anonymous_speaker_count(&self, ctx: &Context<'_>) -> Result<i32> {
        Ok(self.split_speakers(ctx).await?.1)
    }
}

impl EventSession {
    async fn split_speakers(&self, ctx: &Context<'_>) -> Result<(Vec<Person>, i32)> {
        let l = loaders(ctx)?;
        let rows = load_list(&l.speakers_by_session, self.0.id).await?;
        let people = l.person.load_many(rows.iter().map(|r| r.person_id)).await?;
        let v = viewer(ctx);
        let mut public = Vec::new();
        let mut anonymous = 0;
        for r in rows {
            match people.get(&r.person_id) {
                Some(p) if person_visible(v, p) => public.push(Person(p.clone())),
                _ => anonymous += 1,
            }
        }
        Ok((public, anonymous))
    }
}

/// The event's participations whose person the viewer may see, and how many others.
async fn split_by_consent(
    ctx: &Context<'_>,
    event_id: i32,
) -> Result<(Vec<participation::Model>, i32)> {
    let rows = participations(ctx, event_id).await?;
    let people = loaders(ctx)?
        .person
        .load_many(rows.iter().map(|r| r.person_id))
        .await?;
    let v = viewer(ctx);
    let (public, anonymous): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| {
        people
            .get(&r.person_id)
            .is_some_and(|p| person_visible(v, p))
    });
    Ok((public, anonymous.len() as i32))
}

#[derive(Clone)]
pub struct Participation(pub participation::Model);

/// A person at an event, with their role and registration status.
#[Object(cache_control(max_age = 10))]
impl Participation {
    /// A stable id of this participation (as `NetworkEdge.link` of its ATTENDED
    /// edge); it names no person.
    async fn id(&self) -> ID {
        crate::ids::link_id("Participation", &[self.0.id])
    }
    /// The event.
    async fn event(&self, ctx: &Context<'_>) -> Result<Event> {
        let e = loaders(ctx)?.event.load_one(self.0.event_id).await?;
        Ok(Event(required(e, "event")?))
    }
    /// The person; null when they have not agreed to a public profile.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        visible_person(ctx, self.0.person_id).await
    }
    /// Their part in it.
    async fn role(&self) -> ParticipationRole {
        self.0.role.into()
    }
    /// Where the registration stands.
    async fn status(&self) -> RegistrationStatus {
        self.0.status.into()
    }
    /// When they registered.
    async fn registered_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Where a thread lives.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum BoardKind {
    /// The general board.
    General,
    /// A sector's board.
    Sector,
    /// An event's board.
    Event,
}

/// Order of a thread's posts.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum PostOrder {
    /// Oldest first (reading a thread).
    #[default]
    OldestFirst,
    /// Newest first (catching up).
    NewestFirst,
}

#[derive(Clone)]
pub struct Thread(pub thread::Model);

/// A discussion thread on the general board, a sector's or an event's.
#[Object(cache_control(max_age = 10))]
impl Thread {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Thread", self.0.id)
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Which board it is on.
    async fn board(&self) -> BoardKind {
        match (self.0.sector_id, self.0.event_id) {
            (Some(_), _) => BoardKind::Sector,
            (None, Some(_)) => BoardKind::Event,
            (None, None) => BoardKind::General,
        }
    }
    /// The sector, for a sector's board.
    async fn sector(&self, ctx: &Context<'_>) -> Result<Option<Sector>> {
        Ok(load_opt(&loaders(ctx)?.sector, self.0.sector_id)
            .await?
            .map(Sector))
    }
    /// The event, for an event's board.
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<Event>> {
        Ok(load_opt(&loaders(ctx)?.event, self.0.event_id)
            .await?
            .map(Event))
    }
    /// Who opened it; null when they have not agreed to a public profile.
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        visible_person(ctx, self.0.author_id).await
    }
    /// The author's display name, or "Anonymous participant".
    async fn author_name(&self, ctx: &Context<'_>) -> Result<String> {
        name_of(ctx, self.0.author_id).await
    }
    /// When it was opened.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When its latest post was written.
    async fn last_activity_at(&self) -> DateTime<Utc> {
        self.0.last_activity_at
    }
    /// Posts anyone can read (neither hidden nor deleted).
    async fn post_count(&self) -> i32 {
        self.0.post_count
    }
    /// Shown first on its board.
    async fn pinned(&self) -> bool {
        self.0.pinned
    }
    /// Closed to new posts by a moderator.
    async fn locked(&self) -> bool {
        self.0.locked
    }
    /// Posts the signed-in member has not read (null when nobody is signed in).
    async fn unread_count(&self, ctx: &Context<'_>) -> Result<Option<u64>> {
        let Viewer::User { id, .. } = viewer(ctx) else {
            return Ok(None);
        };
        let db = db(ctx)?;
        let me = crate::db::network::person_id_of_user(db, *id).await?;
        Ok(Some(unread_count(db, *id, me, self.0.id).await?))
    }
    /// The posts; deleted ones stay as tombstones, hidden ones are seen by moderators only.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Oldest first (default) or newest first.")] order: Option<PostOrder>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Post>> {
        let page = KeyPage::new(after, before, first, last)?;
        let newest = order.unwrap_or_default() == PostOrder::NewestFirst;
        let keyset = if newest { &POSTS_NEWEST } else { &POSTS_OLDEST };
        let moderator = viewer(ctx).is_moderator();
        let seek = page.seek(keyset, ctx)?;
        let paged = list_posts(db(ctx)?, self.0.id, newest, moderator, &seek).await?;
        Ok(build_keyed(keyset, paged, |m| (Post::of(m), ())))
    }
}

/// A post, with its author when already loaded (live feeds load each post and
/// author once per instance, not once per subscriber).
#[derive(Clone)]
pub struct Post(pub post::Model, pub Option<std::sync::Arc<person::Model>>);

impl Post {
    pub fn of(p: post::Model) -> Post {
        Post(p, None)
    }

    async fn visible_author(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match &self.1 {
            Some(p) => Ok(person_visible(viewer(ctx), p).then(|| Person((**p).clone()))),
            None => visible_person(ctx, self.0.author_id).await,
        }
    }
}

/// A post in a thread. Its body is Markdown rendered to sanitised HTML (no
/// scripts, no raw HTML). A deleted post is a tombstone without a body.
#[Object(cache_control(max_age = 10))]
impl Post {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Post", self.0.id)
    }
    /// The thread.
    async fn thread(&self, ctx: &Context<'_>) -> Result<Thread> {
        let t = loaders(ctx)?.thread.load_one(self.0.thread_id).await?;
        Ok(Thread(required(t, "thread")?))
    }
    /// Who wrote it; null when they have not agreed to a public profile.
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        self.visible_author(ctx).await
    }
    /// The author's display name, or "Anonymous participant".
    async fn author_name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self
            .visible_author(ctx)
            .await?
            .map_or_else(|| ANONYMOUS.to_owned(), |p| p.0.display_name))
    }
    /// The body as sanitised HTML; null once deleted.
    async fn body_html(&self) -> Option<&str> {
        post_body_shown(&self.0).then_some(self.0.body_html.as_str())
    }
    /// The body as written (Markdown); null once deleted.
    async fn body_markdown(&self) -> Option<&str> {
        post_body_shown(&self.0).then_some(self.0.body_markdown.as_str())
    }
    /// When it was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When its author last edited it.
    async fn edited_at(&self) -> Option<DateTime<Utc>> {
        self.0.edited_at
    }
    /// The post it answers, if any (null when that post is hidden).
    async fn reply_to(&self, ctx: &Context<'_>) -> Result<Option<Post>> {
        let Some(id) = self.0.reply_to_id else {
            return Ok(None);
        };
        let p = loaders(ctx)?.post.load_one(id).await?;
        let moderator = viewer(ctx).is_moderator();
        Ok(p.filter(|p| post_visible(moderator, p)).map(Post::of))
    }
    /// Deleted by its author (a tombstone).
    async fn deleted(&self) -> bool {
        self.0.deleted
    }
    /// Hidden by a moderator (only moderators ever see such a post).
    async fn hidden(&self) -> bool {
        self.0.hidden
    }
}

/// What happened to a post.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::post::Change")]
pub enum PostChangeKind {
    /// Its author edited it.
    Edited,
    /// A moderator hid it: remove it from view.
    Hidden,
    /// A moderator restored it.
    Restored,
    /// Its author deleted it (a tombstone stays).
    Deleted,
}

/// A change to a post, as a live feed delivers it.
#[derive(SimpleObject)]
pub struct PostChanged {
    /// The post's global id.
    pub post_id: ID,
    /// What happened.
    pub change: PostChangeKind,
    /// The post as it is now; null when the viewer may not see it (hidden).
    pub post: Option<Post>,
}

/// What kind of activity.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ActivityKind {
    /// A thread was opened.
    NewThread,
    /// A post was added to a thread.
    NewPost,
}

/// New threads and posts on a board, as summaries.
#[derive(SimpleObject)]
pub struct ThreadActivity {
    /// What happened.
    pub kind: ActivityKind,
    /// The thread (its counts as they are now).
    pub thread: Thread,
    /// The new post (for a new thread: its first post).
    pub post: Option<Post>,
}
