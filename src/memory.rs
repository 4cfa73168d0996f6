//! The allocator's settings: how much memory the service keeps resident (docs/PERFORMANCE.md,
//! "Memory").

/// Makes every thread allocate from one glibc arena. By default each thread that allocates
/// gets an arena of its own, and each arena keeps the high-water mark of what its thread
/// once held: under the list benchmark (64 connections, 22 KB pages) the service's peak RSS
/// was 35 MiB with an arena per worker and 27.6 MiB with one, for the same CPU time per
/// request. Called first thing in `main`, before any thread starts. An operator's own
/// `GLIBC_TUNABLES` wins.
pub fn use_one_arena() {
    if std::env::var_os("GLIBC_TUNABLES").is_some() {
        return;
    }
    // SAFETY: mallopt only changes an allocator parameter; it is called before any other
    // thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Gives the memory that building the app took back to the system once the workers have
/// started: building the OpenAPI document takes about 14 MiB that are freed at once, but
/// glibc keeps freed pages resident until asked to trim them.
pub async fn release_start_up_memory() {
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    // SAFETY: malloc_trim only releases free memory of the allocator's arenas; it takes no
    // pointer and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
