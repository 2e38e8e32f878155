//! An event's programme and roles: its organisers (and moderators) add, change
//! and remove sessions with their speakers, and name organisers and speakers.

use crate::db::programme::{
    add_session, remove_session, set_role, update_session, Actor, SessionFields,
};
use crate::graphql::{
    db,
    node::expect_id,
    types::{Event, EventSession, Participation, ParticipationRole},
    viewer,
};
use crate::{error::AppResult, validate};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};

/// Input of `addEventSession`.
#[derive(InputObject)]
pub struct AddEventSessionInput {
    /// The event whose programme it joins.
    pub event: ID,
    /// The session itself.
    pub session: EventSessionInput,
}

/// Input of `updateEventSession`.
#[derive(InputObject)]
pub struct UpdateEventSessionInput {
    /// The session to change.
    pub id: ID,
    /// Its new title, times, description and speakers (all replaced).
    pub session: EventSessionInput,
}

/// A programme session as written.
#[derive(InputObject)]
pub struct EventSessionInput {
    /// Title (at most 200 characters).
    pub title: String,
    /// Start (any offset; stored in UTC), within the event.
    pub starts_at: DateTime<Utc>,
    /// End, after the start and within the event.
    pub ends_at: DateTime<Utc>,
    /// What it is about (at most 5000 characters).
    #[graphql(default)]
    pub description: String,
    /// Its speakers (Person ids, at most 20), in the order to list them. Each
    /// becomes a SPEAKER of the event, on top of its places.
    #[graphql(default)]
    pub speakers: Vec<ID>,
}

impl EventSessionInput {
    fn into_fields(self) -> AppResult<SessionFields> {
        Ok(SessionFields {
            title: validate::text("title", &self.title, 200)?,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            description: validate::text("description", &self.description, 5000)?,
            speakers: self
                .speakers
                .iter()
                .map(|s| expect_id("speakers", s, "Person"))
                .collect::<AppResult<_>>()?,
        })
    }
}

/// Input of `removeEventSession`.
#[derive(InputObject)]
pub struct RemoveEventSessionInput {
    /// The session to remove.
    pub id: ID,
}

/// Input of `setEventRole`.
#[derive(InputObject)]
pub struct SetEventRoleInput {
    /// The event.
    pub event: ID,
    /// The person (a forum participant).
    pub person: ID,
    /// Their part: ORGANISER and SPEAKER come on top of the places; PARTICIPANT
    /// takes a free place or joins the waiting list.
    pub role: ParticipationRole,
}

/// Result of `addEventSession` and `updateEventSession`.
#[derive(SimpleObject)]
pub struct EventSessionPayload {
    /// The session as it is now.
    pub session: EventSession,
}

/// Result of `removeEventSession`.
#[derive(SimpleObject)]
pub struct RemoveEventSessionPayload {
    /// The event, without the session.
    pub event: Event,
}

/// Result of `setEventRole`.
#[derive(SimpleObject)]
pub struct SetEventRolePayload {
    /// The event.
    pub event: Event,
    /// The person's participation with its new role.
    pub participation: Participation,
}

#[derive(Default)]
pub struct ProgrammeMutation;

/// Who acts: a signed-in member; moderators may change any event.
fn actor(ctx: &Context<'_>) -> AppResult<Actor> {
    let v = viewer(ctx);
    Ok(Actor {
        user_id: v.user_id()?,
        moderator: v.is_moderator(),
    })
}

#[Object]
impl ProgrammeMutation {
    /// Adds a session to an event's programme. The event's organisers and moderators.
    async fn add_event_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event and the session.")] input: AddEventSessionInput,
    ) -> Result<EventSessionPayload> {
        let actor = actor(ctx)?;
        let event = expect_id("event", &input.event, "Event")?;
        // Checked after the caller is authorised: nobody else learns what would fail.
        let s = add_session(db(ctx)?, actor, event, input.session.into_fields()).await?;
        Ok(EventSessionPayload {
            session: EventSession(s),
        })
    }

    /// Replaces a session's title, times, description and speakers. The event's
    /// organisers and moderators.
    async fn update_event_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session and its new content.")] input: UpdateEventSessionInput,
    ) -> Result<EventSessionPayload> {
        let actor = actor(ctx)?;
        let id = expect_id("id", &input.id, "EventSession")?;
        let s = update_session(db(ctx)?, actor, id, input.session.into_fields()).await?;
        Ok(EventSessionPayload {
            session: EventSession(s),
        })
    }

    /// Removes a session from the programme; its speakers keep their role. The
    /// event's organisers and moderators.
    async fn remove_event_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session.")] input: RemoveEventSessionInput,
    ) -> Result<RemoveEventSessionPayload> {
        let actor = actor(ctx)?;
        let id = expect_id("id", &input.id, "EventSession")?;
        let e = remove_session(db(ctx)?, actor, id).await?;
        Ok(RemoveEventSessionPayload { event: Event(e) })
    }

    /// Gives a person a role at an event (recorded in the audit trail). Moderators
    /// name organisers; organisers then name speakers and other organisers.
    async fn set_event_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event, the person and the role.")] input: SetEventRoleInput,
    ) -> Result<SetEventRolePayload> {
        let actor = actor(ctx)?;
        let event = expect_id("event", &input.event, "Event")?;
        let person = expect_id("person", &input.person, "Person")?;
        let (e, p) = set_role(db(ctx)?, actor, event, person, input.role.into()).await?;
        Ok(SetEventRolePayload {
            event: Event(e),
            participation: Participation(p),
        })
    }
}
