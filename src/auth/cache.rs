//! Looked-up keys, kept for a few seconds so that authenticating a request costs no database
//! round trip on the hot path. Unknown prefixes are remembered too, so a stream of made-up
//! keys does not turn into a stream of queries.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use coop_store::keys::KeyRecord;

pub struct KeyCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    record: Option<KeyRecord>,
    fetched: Instant,
}

/// Above this many entries, stale ones are dropped before adding another.
const PRUNE_ABOVE: usize = 10_000;

impl KeyCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The fresh entry for `prefix`: `Some(None)` means known not to exist.
    pub fn get(&self, prefix: &str) -> Option<Option<KeyRecord>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(prefix)
            .filter(|entry| entry.fetched.elapsed() < self.ttl)
            .map(|entry| entry.record.clone())
    }

    pub fn put(&self, prefix: &str, record: Option<KeyRecord>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() > PRUNE_ABOVE {
            let ttl = self.ttl;
            entries.retain(|_, entry| entry.fetched.elapsed() < ttl);
        }
        entries.insert(
            prefix.to_string(),
            Entry {
                record,
                fetched: Instant::now(),
            },
        );
    }

    /// Forgets a key at once (it was revoked through this process).
    pub fn evict(&self, prefix: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(prefix);
    }
}
