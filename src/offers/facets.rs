//! The facet cache: counts computed in the last seconds, by filter, refreshed behind the
//! requests that keep asking for them.
//!
//! Counting a broad filter reads every offer it selects (a kind: 0.17 s at a million offers,
//! a word found in a quarter of them: 2–5 s), and a filter panel asks the same few questions
//! again and again. So an answer is served from the cache while it is fresh: [`TTL`], or a
//! hundred times as long as it took to count, up to [`MAX_FRESH`] (so that recounting one
//! filter costs at most a hundredth of a core). Once older, the next request still gets it
//! at once and starts a recount in the background (stale-while-revalidate), one at a time
//! for the whole cache: the forty filters of a panel in use kept a core busy recounting
//! every five seconds at a million offers. Counts nobody asked for in [`MAX_STALE`] are
//! never served: that request counts again and waits. Concurrent requests for a filter that
//! is not cached wait for one count instead of each starting their own. The cache keeps each
//! answer as the JSON it is sent as (about half the memory of the counts as structs, and no
//! serialization on a hit), at most [`MAX_BYTES`] of them: beyond, the filters asked for
//! least recently go first.
//!
//! [`TTL`]: FacetCache::TTL
//! [`MAX_FRESH`]: FacetCache::MAX_FRESH
//! [`MAX_STALE`]: FacetCache::MAX_STALE
//! [`MAX_BYTES`]: FacetCache::MAX_BYTES

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use tokio::sync::OnceCell;

/// Counts (as the JSON body they are sent as), when they were computed and for how long they
/// are fresh.
#[derive(Clone)]
pub struct Counted {
    at: Instant,
    fresh_for: Duration,
    facets: Bytes,
}

impl Counted {
    fn new(facets: Bytes, started: Instant) -> Self {
        let at = Instant::now();
        Counted {
            at,
            fresh_for: (at - started)
                .saturating_mul(100)
                .clamp(FacetCache::TTL, FacetCache::MAX_FRESH),
            facets,
        }
    }
}

struct Entry {
    /// Set once by the one request that counts; the others wait on it.
    cell: Arc<OnceCell<Counted>>,
    used: Instant,
    refreshing: bool,
}

impl Entry {
    fn empty(now: Instant) -> Self {
        Entry {
            cell: Arc::new(OnceCell::new()),
            used: now,
            refreshing: false,
        }
    }

    /// The memory its counts hold.
    fn bytes(&self) -> usize {
        self.cell.get().map_or(0, |counted| counted.facets.len())
    }
}

/// What [`FacetCache::lookup`] found for a key.
pub enum Lookup {
    /// Fresh enough: serve it.
    Fresh(Bytes),
    /// Serve it, and recount in the background (the caller was chosen to do it).
    Stale(Bytes),
    /// Nothing to serve: count (or wait for the request already counting) with `wait`.
    Missing(Arc<OnceCell<Counted>>),
}

pub struct FacetCache {
    entries: Mutex<HashMap<String, Entry>>,
    /// A background recount is running (for any key).
    recounting: AtomicBool,
}

impl FacetCache {
    /// How long counts are served without a recount, at least.
    pub const TTL: Duration = Duration::from_secs(5);
    /// How long counts that took long to compute are served without a recount, at most.
    pub const MAX_FRESH: Duration = Duration::from_secs(60);
    /// Counts older than this are not served even while a recount runs.
    pub const MAX_STALE: Duration = Duration::from_secs(120);
    /// Distinct filters kept at most.
    const CAPACITY: usize = 1024;
    /// Bytes of counts kept at most (a filter's counts take about 3.5 KB as JSON).
    pub const MAX_BYTES: usize = 1 << 20;

    pub fn new() -> Self {
        FacetCache {
            entries: Mutex::new(HashMap::new()),
            recounting: AtomicBool::new(false),
        }
    }

    pub fn lookup(&self, key: &str) -> Lookup {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if !entries.contains_key(key) {
            Self::make_room(&mut entries);
        }
        let entry = entries
            .entry(key.to_owned())
            .or_insert_with(|| Entry::empty(now));
        entry.used = now;
        match entry.cell.get().cloned() {
            Some(counted) if now.duration_since(counted.at) < counted.fresh_for => {
                Lookup::Fresh(counted.facets)
            }
            Some(counted) if now.duration_since(counted.at) < Self::MAX_STALE => {
                if entry.refreshing || self.recounting.swap(true, Ordering::AcqRel) {
                    Lookup::Fresh(counted.facets)
                } else {
                    entry.refreshing = true;
                    Lookup::Stale(counted.facets)
                }
            }
            Some(_) => {
                *entry = Entry::empty(now);
                Lookup::Missing(entry.cell.clone())
            }
            None => Lookup::Missing(entry.cell.clone()),
        }
    }

    /// Before a new filter is added: when the cache is full (in filters or in bytes), drops
    /// the filters asked for least recently until a quarter of the room is free. A request
    /// still counting a dropped filter gets its answer all the same; it is just not kept.
    fn make_room(entries: &mut HashMap<String, Entry>) {
        let held: usize = entries.values().map(Entry::bytes).sum();
        if entries.len() < Self::CAPACITY && held < Self::MAX_BYTES {
            return;
        }
        let mut by_use: Vec<(Instant, usize, String)> = entries
            .iter()
            .map(|(key, entry)| (entry.used, entry.bytes(), key.clone()))
            .collect();
        by_use.sort_unstable_by_key(|(used, ..)| *used);
        let (mut count, mut bytes) = (entries.len(), held);
        for (_, size, key) in by_use {
            if count <= Self::CAPACITY * 3 / 4 && bytes <= Self::MAX_BYTES * 3 / 4 {
                break;
            }
            entries.remove(&key);
            count -= 1;
            bytes -= size;
        }
    }

    /// The counts of a missing key: computed by `count` unless another request is already
    /// counting, in which case its result (or, if it failed, this request's own count).
    pub async fn wait<F, Fut, E>(cell: &OnceCell<Counted>, count: F) -> Result<Bytes, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Bytes, E>>,
    {
        let counted = cell
            .get_or_try_init(|| async {
                let started = Instant::now();
                Ok(Counted::new(count().await?, started))
            })
            .await?;
        Ok(counted.facets.clone())
    }

    /// Stores a background recount started at `started` (`None`: it failed, the next stale
    /// request tries again).
    pub fn refreshed(&self, key: &str, started: Instant, facets: Option<Bytes>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        self.recounting.store(false, Ordering::Release);
        let Some(entry) = entries.get_mut(key) else {
            return;
        };
        entry.refreshing = false;
        if let Some(facets) = facets {
            entry.cell = Arc::new(OnceCell::new_with(Some(Counted::new(facets, started))));
        }
    }
}

/// Folds the market's count changes every `every`: they are folded whenever the whole
/// market's facets are counted, but each offer written appends about ten rows, which would
/// pile up where nobody asks for facets.
pub async fn keep_counts_folded(pool: coop_store::db::DbPool, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let folded = async {
            let mut conn = pool.get().await.map_err(|e| e.to_string())?;
            let today = coop_domain::offers::today();
            coop_store::offers::facets::fold_market_counts(&mut conn, today)
                .await
                .map_err(|e| e.to_string())
        }
        .await;
        if let Err(e) = folded {
            log::warn!("folding the offer counts failed (tried again in {every:?}): {e}");
        }
    }
}

impl Default for FacetCache {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts whose body is their total (enough to tell answers apart).
    fn facets(total: i64) -> Bytes {
        Bytes::from(total.to_string())
    }

    fn total(body: &Bytes) -> i64 {
        std::str::from_utf8(body).unwrap().parse().unwrap()
    }

    /// Puts counts of one offer, computed and last asked for at `at`, under `key`.
    fn counted_at(cache: &FacetCache, key: &str, at: Instant) {
        put(cache, key, facets(1), at);
    }

    fn put(cache: &FacetCache, key: &str, body: Bytes, at: Instant) {
        let counted = Counted {
            at,
            fresh_for: FacetCache::TTL,
            facets: body,
        };
        cache.entries.lock().unwrap().insert(
            key.into(),
            Entry {
                cell: Arc::new(OnceCell::new_with(Some(counted))),
                used: at,
                refreshing: false,
            },
        );
    }

    async fn count(total: i64) -> Result<Bytes, ()> {
        Ok(facets(total))
    }

    #[tokio::test]
    async fn a_missing_key_is_counted_once_and_then_served_fresh() {
        let cache = FacetCache::new();
        let Lookup::Missing(cell) = cache.lookup("k") else {
            panic!("an empty cache had the key");
        };
        let first = FacetCache::wait(&cell, || count(3)).await.unwrap();
        assert_eq!(total(&first), 3);
        // A second count for the same cell is not run: the first one's answer is shared.
        let again = FacetCache::wait(&cell, || count(99)).await.unwrap();
        assert_eq!(total(&again), 3);
        assert!(matches!(cache.lookup("k"), Lookup::Fresh(f) if total(&f) == 3));
    }

    #[tokio::test]
    async fn a_failed_count_leaves_the_key_to_the_next_request() {
        let cache = FacetCache::new();
        let Lookup::Missing(cell) = cache.lookup("k") else {
            panic!("an empty cache had the key");
        };
        let failed = FacetCache::wait(&cell, || async { Err::<Bytes, _>("down") }).await;
        assert_eq!(failed.err(), Some("down"));
        let Lookup::Missing(cell) = cache.lookup("k") else {
            panic!("a failed count was cached");
        };
        assert_eq!(
            total(&FacetCache::wait(&cell, || count(5)).await.unwrap()),
            5
        );
    }

    #[tokio::test]
    async fn stale_counts_are_served_while_one_request_recounts() {
        let cache = FacetCache::new();
        let old = Instant::now() - FacetCache::TTL - Duration::from_secs(1);
        counted_at(&cache, "k", old);
        assert!(matches!(cache.lookup("k"), Lookup::Stale(f) if total(&f) == 1));
        // Only the first stale request recounts; the others are served the old counts.
        assert!(matches!(cache.lookup("k"), Lookup::Fresh(f) if total(&f) == 1));
        cache.refreshed("k", Instant::now(), Some(facets(2)));
        assert!(matches!(cache.lookup("k"), Lookup::Fresh(f) if total(&f) == 2));
    }

    #[tokio::test]
    async fn one_background_recount_runs_at_a_time_for_the_whole_cache() {
        let cache = FacetCache::new();
        let old = Instant::now() - FacetCache::TTL - Duration::from_secs(1);
        counted_at(&cache, "a", old);
        counted_at(&cache, "b", old);
        assert!(matches!(cache.lookup("a"), Lookup::Stale(_)));
        // "b" is stale too, but waits (served as it is) until "a" has been recounted.
        assert!(matches!(cache.lookup("b"), Lookup::Fresh(f) if total(&f) == 1));
        cache.refreshed("a", Instant::now(), None);
        assert!(matches!(cache.lookup("b"), Lookup::Stale(_)));
    }

    #[test]
    fn counts_that_took_long_stay_fresh_longer_within_bounds() {
        let fresh_for = |took: u64| {
            let started = Instant::now() - Duration::from_millis(took);
            Counted::new(facets(0), started).fresh_for
        };
        assert_eq!(fresh_for(10), FacetCache::TTL);
        let slow = fresh_for(200);
        assert!(
            slow >= Duration::from_secs(20) && slow < Duration::from_secs(21),
            "{slow:?}"
        );
        assert_eq!(fresh_for(1_000), FacetCache::MAX_FRESH);
    }

    #[test]
    fn beyond_its_bytes_the_cache_drops_the_filters_asked_for_least_recently() {
        let cache = FacetCache::new();
        let quarter = Bytes::from(vec![b'1'; FacetCache::MAX_BYTES / 4]);
        let now = Instant::now();
        for (age, key) in [(4, "oldest"), (3, "older"), (2, "newer"), (1, "newest")] {
            put(&cache, key, quarter.clone(), now - Duration::from_secs(age));
        }
        // Asking again makes "oldest" the most recently used.
        assert!(matches!(cache.lookup("oldest"), Lookup::Fresh(_)));
        assert!(matches!(cache.lookup("new filter"), Lookup::Missing(_)));
        let entries = cache.entries.lock().unwrap();
        let mut kept: Vec<_> = entries.keys().map(String::as_str).collect();
        kept.sort_unstable();
        assert_eq!(kept, ["new filter", "newer", "newest", "oldest"]);
        assert!(entries.values().map(Entry::bytes).sum::<usize>() <= FacetCache::MAX_BYTES * 3 / 4);
    }

    #[tokio::test]
    async fn counts_nobody_asked_for_in_two_minutes_are_counted_again() {
        let cache = FacetCache::new();
        let old = Instant::now() - FacetCache::MAX_STALE - Duration::from_secs(1);
        assert!(FacetCache::MAX_STALE > FacetCache::MAX_FRESH);
        counted_at(&cache, "k", old);
        assert!(matches!(cache.lookup("k"), Lookup::Missing(_)));
    }
}
