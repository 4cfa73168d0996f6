//! Per-client rate limiting (GCRA, the token bucket without a timer): each key, or each client
//! address without a key, may send `burst` requests at once and then `per_minute` a minute.
//!
//! The state is in process, so every replica limits on its own (documented in the README and
//! docs/SECURITY.md). Clients whose bucket has refilled are forgotten, which bounds memory by
//! the clients active in the last burst window.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use uuid::Uuid;

/// A sustained rate and a burst; a rate of 0 switches the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub per_minute: u32,
    pub burst: u32,
}

impl Policy {
    fn interval(&self) -> f64 {
        60.0 / f64::from(self.per_minute)
    }
}

/// Whom a request is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Client {
    Key(Uuid),
    /// IPv6 addresses count per /64, the block one subscriber usually holds.
    Address(IpAddr),
}

impl Client {
    pub fn address(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V6(v6) => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                Self::Address(IpAddr::V6(segments.into()))
            }
            v4 => Self::Address(v4),
        }
    }
}

/// The outcome for one request, with what the RateLimit headers say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the bucket is full again.
    pub reset: u64,
    /// Seconds until the next request would be allowed (when refused).
    pub retry_after: u64,
    /// Seconds in which `limit` requests are allowed, sustained.
    pub window: u64,
}

impl Decision {
    /// `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (IETF httpapi
    /// draft), and `RateLimit-Policy` giving the quota and its window.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        let values = [
            ("ratelimit-limit", self.limit.to_string()),
            ("ratelimit-remaining", self.remaining.to_string()),
            ("ratelimit-reset", self.reset.to_string()),
            (
                "ratelimit-policy",
                format!("{};w={}", self.limit, self.window),
            ),
        ];
        for (name, value) in values {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
    }
}

pub struct RateLimiter {
    anonymous: Policy,
    key: Policy,
    start: Instant,
    /// Per client, the theoretical arrival time of its next request, in seconds from `start`.
    state: Mutex<HashMap<Client, f64>>,
}

/// Above this many tracked clients, those whose bucket is full again are dropped.
const PRUNE_ABOVE: usize = 10_000;

impl RateLimiter {
    pub fn new(anonymous: Policy, key: Policy) -> Self {
        Self {
            anonymous,
            key,
            start: Instant::now(),
            state: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `client`; `None` when its class is not limited.
    pub fn check(&self, client: Client) -> Option<Decision> {
        let now = self.start.elapsed().as_secs_f64();
        self.check_at(client, now)
    }

    fn check_at(&self, client: Client, now: f64) -> Option<Decision> {
        let policy = match client {
            Client::Key(_) => self.key,
            Client::Address(_) => self.anonymous,
        };
        if policy.per_minute == 0 || policy.burst == 0 {
            return None;
        }
        let interval = policy.interval();
        let tolerance = interval * f64::from(policy.burst);
        // A poisoned lock only means another thread panicked mid-update of a number; the map
        // is still usable.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.len() > PRUNE_ABOVE {
            state.retain(|_, tat| *tat > now);
        }
        let tat = state.get(&client).copied().unwrap_or(now).max(now);
        let next = tat + interval;
        let window = tolerance.ceil() as u64;
        if next - now > tolerance + 1e-9 {
            let retry_after = (next - tolerance - now).ceil().max(1.0) as u64;
            return Some(Decision {
                allowed: false,
                limit: policy.burst,
                remaining: 0,
                reset: (tat - now).ceil() as u64,
                retry_after,
                window,
            });
        }
        state.insert(client, next);
        let remaining = ((tolerance - (next - now)) / interval + 1e-9)
            .floor()
            .max(0.0) as u32;
        Some(Decision {
            allowed: true,
            limit: policy.burst,
            remaining,
            reset: (next - now).ceil() as u64,
            retry_after: 0,
            window,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_minute: u32, burst: u32) -> RateLimiter {
        let policy = Policy { per_minute, burst };
        RateLimiter::new(policy, policy)
    }

    #[test]
    fn the_burst_passes_and_the_next_request_is_refused() {
        let limiter = limiter(60, 3);
        let client = Client::Key(Uuid::now_v7());
        let remaining: Vec<u32> = (0..3)
            .map(|_| limiter.check_at(client, 10.0).unwrap())
            .map(|d| {
                assert!(d.allowed);
                d.remaining
            })
            .collect();
        assert_eq!(remaining, [2, 1, 0]);
        let refused = limiter.check_at(client, 10.0).unwrap();
        assert!(!refused.allowed);
        assert_eq!(refused.retry_after, 1);
    }

    #[test]
    fn the_bucket_refills_at_the_sustained_rate() {
        let limiter = limiter(60, 2);
        let client = Client::Key(Uuid::now_v7());
        assert!(limiter.check_at(client, 0.0).unwrap().allowed);
        assert!(limiter.check_at(client, 0.0).unwrap().allowed);
        assert!(!limiter.check_at(client, 0.5).unwrap().allowed);
        assert!(limiter.check_at(client, 1.0).unwrap().allowed);
        assert!(!limiter.check_at(client, 1.0).unwrap().allowed);
    }

    #[test]
    fn clients_are_counted_apart_and_ipv6_per_64_block() {
        let limiter = limiter(60, 1);
        let a = Client::address("2001:db8::1".parse().unwrap());
        let same_block = Client::address("2001:db8::ffff".parse().unwrap());
        let other = Client::address("192.0.2.1".parse().unwrap());
        assert!(limiter.check_at(a, 0.0).unwrap().allowed);
        assert!(!limiter.check_at(same_block, 0.0).unwrap().allowed);
        assert!(limiter.check_at(other, 0.0).unwrap().allowed);
    }

    #[test]
    fn a_rate_of_zero_is_no_limit() {
        let limiter = limiter(0, 10);
        assert!(limiter.check_at(Client::Key(Uuid::now_v7()), 0.0).is_none());
    }
}
