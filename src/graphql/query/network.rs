//! People, events and the forum: lookups and lists.

use crate::db::{
    industry::sector_id_for_filter,
    network::{events_keyset, list_events, list_threads, Board, ThreadFilter, THREADS},
};
use crate::graphql::{
    connection::{build_keyed, cost, Conn, KeyPage},
    db, loaders,
    node::expect_id,
    types::{Event, Person, Thread},
    viewer,
};
use crate::policy::person_visible;
use async_graphql::{Context, InputObject, Object, Result, ID};

/// One board: give exactly one of `general`, `sector` and `event`.
#[derive(InputObject, Default)]
pub struct BoardInput {
    /// The general board.
    pub general: Option<bool>,
    /// A sector's board: the sector's `slug`, e.g. `catering`.
    pub sector: Option<String>,
    /// An event's board: the event's global id.
    pub event: Option<ID>,
}

impl BoardInput {
    pub async fn into_db(self, ctx: &Context<'_>, field: &str) -> Result<Board> {
        let sector = sector_id_for_filter(db(ctx)?, field, self.sector.as_deref()).await?;
        let event = self
            .event
            .as_ref()
            .map(|e| expect_id(field, e, "Event"))
            .transpose()?;
        match (self.general.unwrap_or(false), sector, event) {
            (true, None, None) => Ok(Board::General),
            (false, Some(s), None) => Ok(Board::Sector(s)),
            (false, None, Some(e)) => {
                loaders(ctx)?
                    .event
                    .load_one(e)
                    .await?
                    .ok_or_else(|| crate::error::AppError::invalid(field, "no such event"))?;
                Ok(Board::Event(e))
            }
            _ => Err(crate::error::AppError::invalid(
                field,
                "give exactly one of `general: true`, `sector` or `event`",
            )
            .into()),
        }
    }
}

#[derive(Default)]
pub struct NetworkQuery;

#[Object]
impl NetworkQuery {
    /// One person by global id; null when they have not agreed to a public profile.
    async fn person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id.")] id: ID,
    ) -> Result<Option<Person>> {
        let n = expect_id("id", &id, "Person")?;
        let p = loaders(ctx)?.person.load_one(n).await?;
        Ok(p.filter(|p| person_visible(viewer(ctx), p)).map(Person))
    }

    /// One event by global id.
    async fn event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id.")] id: ID,
    ) -> Result<Option<Event>> {
        let n = expect_id("id", &id, "Event")?;
        Ok(loaders(ctx)?.event.load_one(n).await?.map(Event))
    }

    /// Events: upcoming ones soonest first, past ones newest first, or all by start.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "true: not yet over (soonest first); false: over (newest first); absent: all, by start."
        )]
        upcoming: Option<bool>,
        #[graphql(
            desc = "Only events changed at or after this time, a session of their programme too (see `updatedAt`): a partner syncs by asking for what changed since its last copy."
        )]
        updated_since: Option<chrono::DateTime<chrono::Utc>>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Event>> {
        let page = KeyPage::new(after, before, first, last)?;
        let keyset = events_keyset(upcoming);
        let seek = page.seek(keyset, ctx)?;
        let paged = list_events(db(ctx)?, upcoming, updated_since, &seek).await?;
        Ok(build_keyed(keyset, paged, |m| (Event(m), ())))
    }

    /// One thread by global id.
    async fn thread(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id.")] id: ID,
    ) -> Result<Option<Thread>> {
        let n = expect_id("id", &id, "Thread")?;
        Ok(loaders(ctx)?.thread.load_one(n).await?.map(Thread))
    }

    /// Discussion threads, pinned first, then by latest activity.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn threads(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this board's threads (all boards when absent).")] board: Option<
            BoardInput,
        >,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Thread>> {
        let page = KeyPage::new(after, before, first, last)?;
        let board = match board {
            Some(b) => Some(b.into_db(ctx, "board").await?),
            None => None,
        };
        let seek = page.seek(&THREADS, ctx)?;
        let paged = list_threads(db(ctx)?, ThreadFilter { board }, &seek).await?;
        Ok(build_keyed(&THREADS, paged, |m| (Thread(m), ())))
    }
}
