//! Leaky buckets: request budgets (cost per request) and failed-login limits.
//! In Redis when `REDIS_URL` is set, so a limit holds across instances (a Lua
//! script makes each take atomic, on Redis's clock); in process otherwise.

use crate::error::{AppError, AppResult};
use redis::aio::ConnectionManager;
use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

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

pub enum Limiter {
    /// key → (points available, when last updated, the bucket's rule).
    Local(Mutex<HashMap<String, (f64, Instant, Rule)>>),
    Redis {
        conn: ConnectionManager,
        script: redis::Script,
        namespace: String,
    },
}

impl Limiter {
    pub fn local() -> Self {
        Limiter::Local(Mutex::new(HashMap::new()))
    }

    pub fn redis(conn: ConnectionManager, namespace: &str) -> Self {
        Limiter::Redis {
            conn,
            script: redis::Script::new(SCRIPT),
            namespace: namespace.to_owned(),
        }
    }

    /// Takes `cost` points if the bucket has them; a cost of 0 only reads the level, a
    /// negative one gives points back (never above capacity).
    pub async fn take(&self, key: &str, cost: f64, rule: Rule) -> AppResult<Level> {
        match self {
            Limiter::Local(map) => {
                let mut map = map
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
            Limiter::Redis {
                conn,
                script,
                namespace,
            } => {
                let mut conn = conn.clone();
                let mut invocation = script.key(format!("{namespace}:bucket:{key}"));
                invocation.arg(rule.capacity).arg(rule.rate).arg(cost);
                // A connection Redis dropped (a restart) fails once, then reconnects.
                let attempts = async {
                    match invocation.invoke_async::<(i64, String)>(&mut conn).await {
                        Ok(r) => Ok(r),
                        Err(_) => invocation.invoke_async::<(i64, String)>(&mut conn).await,
                    }
                };
                let (ok, avail) = match tokio::time::timeout(Duration::from_secs(2), attempts).await
                {
                    Ok(Ok(r)) => r,
                    failed => {
                        // Budgets protect the service; an unreachable Redis must not take it down.
                        let why = match failed {
                            Ok(Err(e)) => e.to_string(),
                            _ => "no answer within 2 s".to_owned(),
                        };
                        tracing::warn!(%why, "Redis limiter unavailable: the request goes through unmetered");
                        return Ok(Level {
                            allowed: true,
                            available: rule.capacity,
                        });
                    }
                };
                Ok(Level {
                    allowed: ok == 1,
                    available: avail.parse().unwrap_or(0.0),
                })
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
