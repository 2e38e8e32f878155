//! Batching a request's loads with less machinery than async-graphql's
//! `DataLoader`, for the same `Loader`s: every key asked while the request runs
//! goes into the open round of its loader, and the round loads once the request
//! is at a standstill (`graphql::loaders::Batches`), in one call of
//! `Loader::load`, as `DataLoader` does. `DataLoader` keeps a type map of pending
//! requests, a hash set of keys and a map of answers per caller, and a channel per
//! caller: about six hashings of each key and four allocations, a tenth of a
//! network walk's instructions. Here a caller's key is hashed once when asked and
//! once when its value is taken, and a round wakes its callers itself.
//!
//! Off (`COOPHUB_FAST_PATH=false`), every loader is async-graphql's `DataLoader`
//! ([`Load::Stock`]): the differential test (`tests/api/helpers.rs`) runs every
//! query of the integration suite through both and compares the answers byte for
//! byte, statements per request included where a test counts them.

use async_graphql::dataloader::{DataLoader, Loader};
use futures_util::future::BoxFuture;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Poll, Waker};
use std::time::Duration;

/// What a loader is keyed by (async-graphql's bound on `Loader` keys).
pub trait Key: Send + Sync + Hash + Eq + Clone + 'static {}
impl<K: Send + Sync + Hash + Eq + Clone + 'static> Key for K {}

/// The most keys one round loads (as `DataLoader`'s default batch size): a bigger
/// page opens a second round, so no statement outgrows the databases' bind limits.
const MAX_ROUND: usize = 1000;

/// A loader of one request: async-graphql's `DataLoader` when the fast path is off,
/// else a [`Batcher`]. Both answer alike.
pub enum Load<T: Loader<K>, K: Key = i32> {
    Stock(DataLoader<T>),
    Fast(Batcher<T, K>),
}

impl<T: Loader<K>, K: Key> Load<T, K> {
    /// The value of `key`, if the loader found one.
    pub async fn load_one(&self, key: K) -> Result<Option<T::Value>, T::Error> {
        match self {
            Load::Stock(l) => l.load_one(key).await,
            Load::Fast(b) => b.load_one(key).await,
        }
    }

    /// The values of `keys` that the loader found.
    pub async fn load_many(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<HashMap<K, T::Value>, T::Error> {
        match self {
            Load::Stock(l) => l.load_many(keys).await,
            Load::Fast(b) => b.load_many(keys).await,
        }
    }
}

/// Runs a round's load: given the future, it is queued to run at the request's
/// next standstill.
pub type Spawn = Arc<dyn Fn(BoxFuture<'static, ()>) + Send + Sync>;

/// A loader's rounds within one request (see the module's documentation).
pub struct Batcher<T: Loader<K>, K: Key> {
    loader: Arc<T>,
    delay: Duration,
    spawn: Spawn,
    /// The round that takes keys now, if any.
    open: Mutex<Option<Arc<Round<K, T>>>>,
}

impl<T: Loader<K>, K: Key> Batcher<T, K> {
    pub fn new(loader: T, delay: Duration, spawn: Spawn) -> Self {
        Batcher {
            loader: Arc::new(loader),
            delay,
            spawn,
            open: Mutex::new(None),
        }
    }

    pub async fn load_one(&self, key: K) -> Result<Option<T::Value>, T::Error> {
        let round = self.ask(key.clone());
        round.wait().await;
        round.take(&key)
    }

    pub async fn load_many(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<HashMap<K, T::Value>, T::Error> {
        let mut out = HashMap::new();
        // A big page's keys may span rounds: each key is taken from its own.
        let asked: Vec<_> = keys.into_iter().map(|k| (self.ask(k.clone()), k)).collect();
        for (i, (round, key)) in asked.iter().enumerate() {
            if i == 0 || !Arc::ptr_eq(&asked[i - 1].0, round) {
                round.wait().await;
            }
            if let Some(v) = round.take(key)? {
                out.insert(key.clone(), v);
            }
        }
        Ok(out)
    }

    /// Puts `key` in the open round (opening one, and queueing its load, when there is
    /// none or it is full or loading) and returns it.
    fn ask(&self, key: K) -> Arc<Round<K, T>> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let round = match &*open {
            Some(r) if r.lock().taking => r.clone(),
            _ => {
                let r = Arc::new(Round::new());
                *open = Some(r.clone());
                let (loader, round, delay) = (self.loader.clone(), r.clone(), self.delay);
                (self.spawn)(Box::pin(async move {
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    let keys = round.close();
                    round.finish(loader.load(&keys).await);
                }));
                r
            }
        };
        {
            let mut state = round.lock();
            let asked = state.asked.entry(key.clone()).or_insert(0);
            *asked += 1;
            if *asked == 1 {
                state.keys.push(key);
            }
            if state.keys.len() >= MAX_ROUND {
                state.taking = false;
            }
        }
        round
    }
}

/// One round of a loader: the keys asked, then what the load found.
struct Round<K: Key, T: Loader<K>> {
    state: Mutex<RoundState<K, T::Value, T::Error>>,
}

struct RoundState<K, V, E> {
    /// Whether keys may still join (not loading yet, not full).
    taking: bool,
    /// The distinct keys, in the order first asked.
    keys: Vec<K>,
    /// How many callers asked each key and have not taken its value yet: the last
    /// takes it without a copy.
    asked: HashMap<K, usize>,
    found: Option<Result<HashMap<K, V>, E>>,
    /// Each waiting caller's waker, by its slot.
    waiters: Vec<Option<Waker>>,
}

impl<K: Key, T: Loader<K>> Round<K, T> {
    fn new() -> Self {
        Round {
            state: Mutex::new(RoundState {
                taking: true,
                keys: Vec::new(),
                asked: HashMap::new(),
                found: None,
                waiters: Vec::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, RoundState<K, T::Value, T::Error>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Closes the round to new keys and hands over the keys to load.
    fn close(&self) -> Vec<K> {
        let mut state = self.lock();
        state.taking = false;
        std::mem::take(&mut state.keys)
    }

    /// Keeps what the load found and wakes every caller.
    fn finish(&self, found: Result<HashMap<K, T::Value>, T::Error>) {
        let waiters = {
            let mut state = self.lock();
            state.found = Some(found);
            std::mem::take(&mut state.waiters)
        };
        for w in waiters.into_iter().flatten() {
            w.wake();
        }
    }

    /// Until the round has finished.
    async fn wait(&self) {
        let slot = {
            let mut state = self.lock();
            state.waiters.push(None);
            state.waiters.len() - 1
        };
        std::future::poll_fn(|cx| self.poll_done(slot, cx.waker())).await;
    }

    fn poll_done(&self, slot: usize, waker: &Waker) -> Poll<()> {
        let mut state = self.lock();
        if state.found.is_some() {
            return Poll::Ready(());
        }
        if let Some(w) = state.waiters.get_mut(slot) {
            match w {
                Some(old) if old.will_wake(waker) => {}
                _ => *w = Some(waker.clone()),
            }
        }
        Poll::Pending
    }

    /// The value found for `key` (the round has finished): moved out for its last
    /// caller, cloned for the others.
    fn take(&self, key: &K) -> Result<Option<T::Value>, T::Error> {
        let mut state = self.lock();
        let RoundState { asked, found, .. } = &mut *state;
        let found = match found {
            Some(Ok(found)) => found,
            Some(Err(e)) => return Err(e.clone()),
            None => return Ok(None),
        };
        let last = match asked.get_mut(key) {
            Some(n) => {
                *n = n.saturating_sub(1);
                *n == 0
            }
            None => true,
        };
        Ok(if last {
            found.remove(key)
        } else {
            found.get(key).cloned()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::loaders::Batches;

    /// Answers each key with its double, but finds no multiple of 7 (or fails every
    /// call); records the keys of each call.
    #[derive(Default)]
    struct Doubles {
        calls: Mutex<Vec<Vec<i32>>>,
        fail: bool,
    }

    impl Loader<i32> for Doubles {
        type Value = Arc<Vec<i32>>;
        type Error = String;

        async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, String> {
            self.calls
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(keys.to_vec());
            if self.fail {
                return Err("the database is away".into());
            }
            Ok(keys
                .iter()
                .filter(|k| **k % 7 != 0)
                .map(|k| (*k, Arc::new(vec![k * 2])))
                .collect())
        }
    }

    fn batcher(loader: Doubles, batches: &Batches) -> Batcher<Doubles, i32> {
        Batcher::new(loader, Duration::ZERO, batches.spawn())
    }

    #[tokio::test]
    async fn one_round_per_step_whatever_the_callers_and_as_dataloader_answers() {
        let batches = Batches::new(true);
        let b = batcher(Doubles::default(), &batches);
        // Single callers of one step, then 2,500 keys from one caller that asks
        // theirs again.
        let many = (1..=2500).collect::<Vec<_>>();
        let (one, again, missing, found) = batches
            .clone()
            .run(async {
                futures_util::join!(
                    b.load_one(3),
                    b.load_one(3),
                    b.load_one(14),
                    b.load_many(many.clone()),
                )
            })
            .await;
        let found = found.unwrap_or_default();
        assert_eq!(
            found.len(),
            2500 - 2500 / 7,
            "every key found but the missing"
        );
        assert!(found.iter().all(|(k, v)| **v == vec![k * 2]));
        assert_eq!(one.ok().flatten().as_deref(), Some(&vec![6]));
        assert_eq!(again.ok().flatten().as_deref(), Some(&vec![6]));
        assert_eq!(missing.ok().flatten(), None);
        let calls = b
            .loader
            .calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        // Rounds of at most 1,000 distinct keys, each key in one round only.
        assert_eq!(
            calls.iter().map(Vec::len).collect::<Vec<_>>(),
            [1000, 1000, 500]
        );
        let mut all: Vec<i32> = calls.concat();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 2500);
    }

    #[tokio::test]
    async fn a_failed_round_fails_every_caller() {
        let batches = Batches::new(true);
        let b = batcher(
            Doubles {
                fail: true,
                ..Doubles::default()
            },
            &batches,
        );
        let (one, many) = batches
            .clone()
            .run(async { futures_util::join!(b.load_one(1), b.load_many([2, 3])) })
            .await;
        assert_eq!(one.err().as_deref(), Some("the database is away"));
        assert_eq!(many.err().as_deref(), Some("the database is away"));
        assert_eq!(
            b.loader
                .calls
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .len(),
            1
        );
    }
}
