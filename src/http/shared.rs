//! Shared executions: identical subscriptions of anonymous viewers (the same
//! document, operation name and variables) run once per instance, and each
//! result is serialised once and sent to every member with its own operation id.
//! Anonymous viewers see exactly the same things, so sharing leaks nothing;
//! signed-in viewers (who see their own profile, unread counts…) always run
//! their own. Every member still went through parsing, validation, the cost
//! guard and its budget with its own request before it joined.

use super::ws::{Outlet, Sent};
use async_graphql::Response;
use futures_util::{Stream, StreamExt};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{oneshot, Notify};
use tokio::task::AbortHandle;

/// Where one member's messages go.
pub struct Member {
    /// The client's operation id, as a JSON string.
    pub id_json: String,
    pub outlet: Outlet,
    /// Notified when this member's connection cannot keep up.
    pub slow: Arc<Notify>,
    /// Given the outlet back when the shared stream ends.
    pub ended: oneshot::Sender<Outlet>,
}

struct Group {
    members: Mutex<HashMap<u64, Member>>,
    task: Mutex<Option<AbortHandle>>,
}

/// The running shared executions of this instance, by key.
#[derive(Default)]
pub struct SharedFeeds {
    groups: Mutex<HashMap<String, Arc<Group>>>,
    next_member: AtomicU64,
}

/// A member's place in a group; leaving (drop) stops the group when it empties.
pub struct Membership {
    feeds: Arc<SharedFeeds>,
    key: String,
    group: Arc<Group>,
    member: u64,
}

impl Drop for Membership {
    fn drop(&mut self) {
        let is_empty = |g: &Group| {
            g.members
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_empty()
        };
        let empty = {
            let mut members = self.group.members.lock().unwrap_or_else(|e| e.into_inner());
            members.remove(&self.member);
            members.is_empty()
        };
        if !empty {
            return;
        }
        // Same order as `join` (groups, then members), and checked again under both:
        // someone may have joined meanwhile.
        let mut groups = self.feeds.groups.lock().unwrap_or_else(|e| e.into_inner());
        if !is_empty(&self.group) {
            return;
        }
        if groups
            .get(&self.key)
            .is_some_and(|g| Arc::ptr_eq(g, &self.group))
        {
            groups.remove(&self.key);
        }
        drop(groups);
        if let Some(t) = self
            .group
            .task
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            t.abort();
        }
    }
}

/// Ends a group however its driver stops (the stream ended, it was stopped, or it
/// panicked): nobody can join it any more, and each member is told it ended.
struct Ending {
    feeds: Arc<SharedFeeds>,
    key: String,
    group: Arc<Group>,
}

impl Drop for Ending {
    fn drop(&mut self) {
        {
            let mut groups = self.feeds.groups.lock().unwrap_or_else(|e| e.into_inner());
            if groups
                .get(&self.key)
                .is_some_and(|g| Arc::ptr_eq(g, &self.group))
            {
                groups.remove(&self.key);
            }
        }
        let members: Vec<Member> = self
            .group
            .members
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
            .map(|(_, m)| m)
            .collect();
        for m in members {
            let _ = m.ended.send(m.outlet);
        }
    }
}

/// The key of a shareable subscription.
pub fn key(
    query: &str,
    operation_name: Option<&str>,
    variables: &serde_json::Map<String, serde_json::Value>,
) -> String {
    // serde_json's map is ordered by key, so equal variables give equal text.
    let vars = serde_json::Value::Object(variables.clone()).to_string();
    format!("{}\u{0}{}\u{0}{vars}", operation_name.unwrap_or(""), query)
}

impl SharedFeeds {
    /// Joins the running group of `key`, or starts one that drives `results`.
    pub fn join<S>(self: &Arc<Self>, key: String, member: Member, results: S) -> Membership
    where
        S: Stream<Item = Response> + Send + Unpin + 'static,
    {
        let id = self.next_member.fetch_add(1, Ordering::Relaxed);
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(group) = groups.get(&key) {
            group
                .members
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id, member);
            // `results` (this member's own stream) is dropped: the group's serves it.
            return Membership {
                feeds: self.clone(),
                key,
                group: group.clone(),
                member: id,
            };
        }
        let group = Arc::new(Group {
            members: Mutex::new(HashMap::from([(id, member)])),
            task: Mutex::new(None),
        });
        groups.insert(key.clone(), group.clone());
        let task = tokio::spawn(drive(self.clone(), key.clone(), group.clone(), results));
        *group.task.lock().unwrap_or_else(|e| e.into_inner()) = Some(task.abort_handle());
        Membership {
            feeds: self.clone(),
            key,
            group,
            member: id,
        }
    }

    /// Shared executions running now (for tests and metrics).
    pub fn groups(&self) -> usize {
        self.groups.lock().map(|g| g.len()).unwrap_or(0)
    }
}

async fn drive<S>(feeds: Arc<SharedFeeds>, key: String, group: Arc<Group>, mut results: S)
where
    S: Stream<Item = Response> + Send + Unpin + 'static,
{
    let _ending = Ending {
        feeds,
        key,
        group: group.clone(),
    };
    while let Some(resp) = results.next().await {
        let payload = serde_json::to_string(&resp).unwrap_or_else(|_| "null".into());
        let members = group.members.lock().unwrap_or_else(|e| e.into_inner());
        for m in members.values() {
            let text = format!(
                r#"{{"id":{},"type":"next","payload":{payload}}}"#,
                m.id_json
            );
            // A member whose client said `complete` gets nothing more (Stopped).
            if let Sent::Full = m.outlet.send(text) {
                m.slow.notify_one();
            }
        }
    }
}
