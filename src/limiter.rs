//! Leaky buckets: request budgets (cost per request) and failed-login limits.
//! In Redis when `REDIS_URL` is set, so a limit holds across instances (a Lua
//! script makes each take atomic, on Redis's clock); in process otherwise, and
//! in process, stricter, while Redis does not answer (never unmetered).

use crate::error::{AppError, AppResult};
use crate::redis_link::RedisLink;
use std::{collections::HashMap, sync::Mutex, time::Instant};

/// A bucket's shape: it holds `capacity` points and refills `rate` points a second.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub capacity: f64,
    pub rate: f64,
}

/// What a take left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    pub allowed: bool,
    pub available: f64,
}

impl Level {
    /// Seconds until `cost` points are available again.
    pub fn retry_after(&self, cost: f64, rule: Rule) -> u64 {
        ((cost - self.available).max(0.0) / rule.rate)
            .ceil()
            .max(1.0) as u64
    }
}

const SCRIPT: &str = r#"
local cap = tonumber(ARGV[1]); local rate = tonumber(ARGV[2]); local cost = tonumber(ARGV[3])
local t = redis.call('TIME'); local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local v = redis.call('HMGET', KEYS[1], 'a', 't')
local avail = tonumber(v[1]); local last = tonumber(v[2])
if avail == nil then avail = cap; last = now end
avail = math.min(cap, avail + math.max(0, now - last) * rate)
local ok = 0
if avail >= cost then avail = math.min(cap, avail - cost); ok = 1 end
redis.call('HSET', KEYS[1], 'a', tostring(avail), 't', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(cap / rate) + 1)
return {ok, tostring(avail)}
"#;

/// Buckets held in this process: key → (points available, when last updated, rule).
#[derive(Default)]
pub struct Buckets(Mutex<HashMap<String, (f64, Instant, Rule)>>);

impl Buckets {
    fn take(&self, key: &str, cost: f64, rule: Rule) -> AppResult<Level> {
        let mut map = self
            .0
            .lock()
            .map_err(|_| AppError::Internal("limiter lock poisoned".into()))?;
        let now = Instant::now();
        let (avail, last, _) = map.get(key).copied().unwrap_or((rule.capacity, now, rule));
        let mut avail =
            (avail + now.duration_since(last).as_secs_f64() * rule.rate).min(rule.capacity);
        let allowed = avail >= cost;
        if allowed {
            avail = (avail - cost).min(rule.capacity);
        }
        map.insert(key.to_owned(), (avail, now, rule));
        if map.len() > 100_000 {
            // Forget buckets that have refilled by their own rule: a fresh bucket holds as much.
            map.retain(|_, (a, t, r)| {
                *a + now.duration_since(*t).as_secs_f64() * r.rate < r.capacity
            });
        }
        Ok(Level {
            allowed,
            available: avail,
        })
    }
}

/// The rule a bucket follows while Redis does not answer: half as large and half as
/// fast. Each instance then counts on its own, so a limit must be stricter, never
/// looser, than the shared one it stands in for.
fn stricter(rule: Rule) -> Rule {
    Rule {
        capacity: rule.capacity / 2.0,
        rate: rule.rate / 2.0,
    }
}

pub enum Limiter {
    Local(Buckets),
    Redis {
        redis: RedisLink,
        script: redis::Script,
        namespace: String,
        /// Used while Redis does not answer (see [`stricter`]).
        fallback: Buckets,
    },
}

impl Limiter {
    pub fn local() -> Self {
        Limiter::Local(Buckets::default())
    }

    pub fn redis(redis: RedisLink, namespace: &str) -> Self {
        Limiter::Redis {
            redis,
            script: redis::Script::new(SCRIPT),
            namespace: namespace.to_owned(),
            fallback: Buckets::default(),
        }
    }

    /// Takes `cost` points if the bucket has them; a cost of 0 only reads the level, a
    /// negative one gives points back (never above capacity).
    pub async fn take(&self, key: &str, cost: f64, rule: Rule) -> AppResult<Level> {
        match self {
            Limiter::Local(buckets) => buckets.take(key, cost, rule),
            Limiter::Redis {
                redis,
                script,
                namespace,
                fallback,
            } => {
                let mut invocation = script.key(format!("{namespace}:bucket:{key}"));
                invocation.arg(rule.capacity).arg(rule.rate).arg(cost);
                let invocation = &invocation;
                // A connection Redis dropped (a restart) fails once, then reconnects.
                let answer = redis
                    .run(|mut conn| async move {
                        match invocation.invoke_async::<(i64, String)>(&mut conn).await {
                            Ok(r) => Ok(r),
                            Err(_) => invocation.invoke_async::<(i64, String)>(&mut conn).await,
                        }
                    })
                    .await;
                match answer {
                    Some((ok, avail)) => Ok(Level {
                        allowed: ok == 1,
                        available: avail.parse().unwrap_or(0.0),
                    }),
                    // Limits protect the service and its users: without Redis they hold here.
                    None => fallback.take(key, cost, stricter(rule)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_bucket_empties_and_refuses_without_changing() {
        let l = Limiter::local();
        let rule = Rule {
            capacity: 10.0,
            rate: 0.001,
        };
        assert!(l
            .take("k", 6.0, rule)
            .await
            .map(|x| x.allowed)
            .unwrap_or(false));
        let refused = l.take("k", 6.0, rule).await.unwrap_or(Level {
            allowed: true,
            available: 0.0,
        });
        assert!(!refused.allowed);
        assert!(refused.available < 4.1 && refused.available > 3.9);
        assert!(refused.retry_after(6.0, rule) > 1000);
        assert!(l
            .take("other", 6.0, rule)
            .await
            .map(|x| x.allowed)
            .unwrap_or(false));
    }
}
