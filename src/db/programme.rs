//! An event's programme (sessions with their speakers) and the roles people hold
//! at it. Organisers of an event and moderators change them; every change goes
//! into the audit trail.

use super::audit::record;
use super::network::{holds_place, lock_event, promote_first_waiting, registered};
use super::write::Write;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::audit_entry::Action;
use entity::{event, participation, person, programme_session, session_speaker};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
};
use serde_json::json;

/// Most speakers one session lists.
pub const MAX_SPEAKERS: usize = 20;

/// Who is changing an event.
#[derive(Clone, Copy)]
pub struct Actor {
    pub user_id: i32,
    pub moderator: bool,
}

/// A session as written: checked against its event inside the transaction.
pub struct SessionFields {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub description: String,
    /// Person ids, in the order they are listed.
    pub speakers: Vec<i32>,
}

/// Locks the event and checks that `actor` may change it: a moderator, or one of
/// its organisers; reference events (documented history) are read-only.
async fn event_for_change<C: ConnectionTrait>(
    txn: &C,
    actor: Actor,
    event_id: i32,
) -> AppResult<event::Model> {
    let ev = lock_event(txn, event_id).await?;
    if ev.is_reference {
        return Err(AppError::Conflict(
            "a reference event is documented history: its programme and roles are read-only".into(),
        ));
    }
    if actor.moderator {
        return Ok(ev);
    }
    let organiser = person::Entity::find()
        .filter(person::Column::UserId.eq(actor.user_id))
        .one(txn)
        .await?;
    let is_organiser = match organiser {
        Some(me) => {
            participation::Entity::find()
                .filter(participation::Column::EventId.eq(event_id))
                .filter(participation::Column::PersonId.eq(me.id))
                .filter(participation::Column::Role.eq(participation::Role::Organiser))
                .filter(participation::Column::Status.ne(participation::Status::Cancelled))
                .count(txn)
                .await?
                > 0
        }
        None => false,
    };
    if is_organiser {
        Ok(ev)
    } else {
        Err(AppError::Forbidden)
    }
}

fn check_session(ev: &event::Model, f: &SessionFields) -> AppResult<()> {
    if f.ends_at <= f.starts_at {
        return Err(AppError::invalid("endsAt", "must be after `startsAt`"));
    }
    if let (Some(start), Some(end)) = (ev.starts_at, ev.ends_at) {
        if f.starts_at < start || f.ends_at > end {
            return Err(AppError::invalid(
                "startsAt",
                format!(
                    "a session takes place during its event ({} to {})",
                    start.to_rfc3339(),
                    end.to_rfc3339()
                ),
            ));
        }
    }
    if f.speakers.len() > MAX_SPEAKERS {
        return Err(AppError::invalid(
            "speakers",
            format!("at most {MAX_SPEAKERS} speakers per session"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = f.speakers.iter().find(|p| !seen.insert(**p)) {
        return Err(AppError::invalid(
            "speakers",
            format!("person {dup} is listed twice"),
        ));
    }
    Ok(())
}

/// Makes a person a speaker of the event (organisers stay organisers); a
/// participant's place goes to the first person waiting.
async fn ensure_speaker(db: &Write, event_id: i32, person_id: i32) -> AppResult<()> {
    let current = participation::Entity::find()
        .filter(participation::Column::EventId.eq(event_id))
        .filter(participation::Column::PersonId.eq(person_id))
        .one(db)
        .await?;
    match current {
        Some(p)
            if p.status != participation::Status::Cancelled
                && p.role != participation::Role::Participant =>
        {
            Ok(())
        }
        current => {
            set_participation(
                db,
                event_id,
                person_id,
                current,
                participation::Role::Speaker,
                participation::Status::Registered,
            )
            .await?;
            Ok(())
        }
    }
}

/// Writes a person's role and status at an event; frees a place if they held one.
async fn set_participation(
    db: &Write,
    event_id: i32,
    person_id: i32,
    current: Option<participation::Model>,
    role: participation::Role,
    status: participation::Status,
) -> AppResult<participation::Model> {
    let freed = current.as_ref().is_some_and(holds_place);
    let written = match current {
        Some(p) => {
            let mut row = p.into_active_model();
            row.role = Set(role);
            row.status = Set(status);
            row.update(db).await?
        }
        None => {
            participation::ActiveModel {
                event_id: Set(event_id),
                person_id: Set(person_id),
                role: Set(role),
                status: Set(status),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    if freed
        && !(role == participation::Role::Participant
            && status == participation::Status::Registered)
    {
        promote_first_waiting(db, event_id).await?;
    }
    Ok(written)
}

/// Checks that every speaker is a person.
async fn check_people<C: ConnectionTrait>(db: &C, ids: &[i32]) -> AppResult<()> {
    let found = person::Entity::find()
        .filter(person::Column::Id.is_in(ids.iter().copied()))
        .count(db)
        .await?;
    if found != ids.len() as u64 {
        return Err(AppError::invalid(
            "speakers",
            "every speaker must be a forum participant (a Person id)",
        ));
    }
    Ok(())
}

async fn write_speakers(
    db: &Write,
    event_id: i32,
    session_id: i32,
    speakers: &[i32],
) -> AppResult<()> {
    session_speaker::Entity::delete_many()
        .filter(session_speaker::Column::SessionId.eq(session_id))
        .exec(db)
        .await?;
    for (i, p) in speakers.iter().enumerate() {
        session_speaker::ActiveModel {
            session_id: Set(session_id),
            person_id: Set(*p),
            position: Set(i as i32),
        }
        .insert(db)
        .await?;
        ensure_speaker(db, event_id, *p).await?;
    }
    Ok(())
}

fn changes_of(
    old: Option<&programme_session::Model>,
    old_speakers: &[i32],
    new: &programme_session::Model,
    speakers: &[i32],
) -> Vec<(String, serde_json::Value, serde_json::Value)> {
    let t = |d: DateTime<Utc>| json!(d.to_rfc3339());
    let mut out = Vec::new();
    let mut field = |name: &str, o: serde_json::Value, n: serde_json::Value| {
        if o != n {
            out.push((name.to_owned(), o, n));
        }
    };
    field("title", json!(old.map(|o| &o.title)), json!(new.title));
    field(
        "startsAt",
        json!(old.map(|o| o.starts_at.to_rfc3339())),
        t(new.starts_at),
    );
    field(
        "endsAt",
        json!(old.map(|o| o.ends_at.to_rfc3339())),
        t(new.ends_at),
    );
    field(
        "description",
        json!(old.map(|o| &o.description)),
        json!(new.description),
    );
    field("speakers", json!(old_speakers), json!(speakers));
    out
}

/// Adds a session to an event's programme.
pub async fn add_session(
    db: &DatabaseConnection,
    actor: Actor,
    event_id: i32,
    f: AppResult<SessionFields>,
) -> AppResult<programme_session::Model> {
    let txn = Write::begin(db).await?;
    let ev = event_for_change(&txn, actor, event_id).await?;
    // The fields' own errors only for those who may change the event.
    let f = f?;
    check_session(&ev, &f)?;
    check_people(&txn, &f.speakers).await?;
    let s = programme_session::ActiveModel {
        event_id: Set(event_id),
        title: Set(f.title),
        starts_at: Set(f.starts_at),
        ends_at: Set(f.ends_at),
        description: Set(f.description),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    write_speakers(&txn, event_id, s.id, &f.speakers).await?;
    let changes = changes_of(None, &[], &s, &f.speakers);
    record(
        &txn,
        Some(actor.user_id),
        "ProgrammeSession",
        s.id,
        Action::Create,
        changes,
    )
    .await?;
    txn.commit().await?;
    Ok(s)
}

async fn speakers_of<C: ConnectionTrait>(db: &C, session_id: i32) -> AppResult<Vec<i32>> {
    let mut rows = session_speaker::Entity::find()
        .filter(session_speaker::Column::SessionId.eq(session_id))
        .all(db)
        .await?;
    rows.sort_by_key(|r| r.position);
    Ok(rows.into_iter().map(|r| r.person_id).collect())
}

async fn session_of<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<programme_session::Model> {
    programme_session::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such programme session".into()))
}

/// Replaces a session's title, times, description and speakers.
pub async fn update_session(
    db: &DatabaseConnection,
    actor: Actor,
    session_id: i32,
    f: AppResult<SessionFields>,
) -> AppResult<programme_session::Model> {
    let txn = Write::begin(db).await?;
    let old = session_of(&txn, session_id).await?;
    let ev = event_for_change(&txn, actor, old.event_id).await?;
    let f = f?;
    check_session(&ev, &f)?;
    check_people(&txn, &f.speakers).await?;
    let old_speakers = speakers_of(&txn, session_id).await?;
    let mut row = old.clone().into_active_model();
    row.title = Set(f.title);
    row.starts_at = Set(f.starts_at);
    row.ends_at = Set(f.ends_at);
    row.description = Set(f.description);
    let s = row.update(&txn).await?;
    write_speakers(&txn, ev.id, s.id, &f.speakers).await?;
    let changes = changes_of(Some(&old), &old_speakers, &s, &f.speakers);
    if !changes.is_empty() {
        record(
            &txn,
            Some(actor.user_id),
            "ProgrammeSession",
            s.id,
            Action::Update,
            changes,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(s)
}

/// Removes a session from the programme; its speakers keep their role at the event.
pub async fn remove_session(
    db: &DatabaseConnection,
    actor: Actor,
    session_id: i32,
) -> AppResult<event::Model> {
    let txn = Write::begin(db).await?;
    let old = session_of(&txn, session_id).await?;
    let ev = event_for_change(&txn, actor, old.event_id).await?;
    let old_speakers = speakers_of(&txn, session_id).await?;
    session_speaker::Entity::delete_many()
        .filter(session_speaker::Column::SessionId.eq(session_id))
        .exec(&txn)
        .await?;
    programme_session::Entity::delete_by_id(session_id)
        .exec(&txn)
        .await?;
    record(
        &txn,
        Some(actor.user_id),
        "ProgrammeSession",
        session_id,
        Action::Delete,
        vec![
            ("title".into(), json!(old.title), json!(null)),
            ("speakers".into(), json!(old_speakers), json!(null)),
        ],
    )
    .await?;
    txn.commit().await?;
    Ok(ev)
}

/// Gives a person a role at an event. ORGANISER and SPEAKER come on top of the
/// places; PARTICIPANT takes a place if one is free, else waits. Someone listed
/// in a session of the programme cannot become a mere participant.
pub async fn set_role(
    db: &DatabaseConnection,
    actor: Actor,
    event_id: i32,
    person_id: i32,
    role: participation::Role,
) -> AppResult<(event::Model, participation::Model)> {
    let txn = Write::begin(db).await?;
    let ev = event_for_change(&txn, actor, event_id).await?;
    person::Entity::find_by_id(person_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::invalid("person", "no such person"))?;
    let current = participation::Entity::find()
        .filter(participation::Column::EventId.eq(event_id))
        .filter(participation::Column::PersonId.eq(person_id))
        .one(&txn)
        .await?;
    let old_role = current
        .as_ref()
        .filter(|p| p.status != participation::Status::Cancelled)
        .map(|p| p.role.to_value());
    if role == participation::Role::Participant {
        let sessions = programme_session::Entity::find()
            .filter(programme_session::Column::EventId.eq(event_id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|s| s.id);
        let speaking = session_speaker::Entity::find()
            .filter(session_speaker::Column::PersonId.eq(person_id))
            .filter(session_speaker::Column::SessionId.is_in(sessions))
            .count(&txn)
            .await?;
        if speaking > 0 {
            return Err(AppError::Conflict(
                "they speak in a session of the programme: take them off it first".into(),
            ));
        }
    }
    let status = if role == participation::Role::Participant {
        let already_in = current.as_ref().is_some_and(holds_place);
        let full = match ev.capacity {
            Some(c) => registered(&txn, event_id).await? >= u64::try_from(c).unwrap_or(0),
            None => false,
        };
        if already_in || !full {
            participation::Status::Registered
        } else {
            participation::Status::Waiting
        }
    } else {
        participation::Status::Registered
    };
    let p = set_participation(&txn, event_id, person_id, current, role, status).await?;
    record(
        &txn,
        Some(actor.user_id),
        "Participation",
        p.id,
        Action::Role,
        vec![("role".into(), json!(old_role), json!(role.to_value()))],
    )
    .await?;
    txn.commit().await?;
    Ok((ev, p))
}
