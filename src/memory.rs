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

/// Gives the memory that starting took back to the system once the workers have started.
/// Building the OpenAPI document takes about 14 MiB that are freed at once, but glibc keeps
/// freed pages resident until asked to trim them. And start-up runs code that serving never
/// runs again (the command line, migrations, the OpenAPI document, the embedded cluster's
/// management): the kernel maps the executable's pages around each one it reads, so after
/// start-up nearly all 12 MiB of code are resident, where serving uses about half.
pub async fn release_start_up_memory() {
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    // SAFETY: malloc_trim only releases free memory of the allocator's arenas; it takes no
    // pointer and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
    page_out_executable();
}

/// Asks the kernel to drop the executable's read-only pages from this process (code and
/// constants, never written, so nothing is lost): those still used are mapped again from
/// the page cache on their next use. Kernels before 5.4 refuse `MADV_PAGEOUT`; the pages
/// then stay resident.
fn page_out_executable() {
    let (Ok(exe), Ok(maps)) = (
        std::env::current_exe(),
        std::fs::read_to_string("/proc/self/maps"),
    ) else {
        return;
    };
    let Some(exe) = exe.to_str() else {
        return;
    };
    let mut released = 0usize;
    for (start, end) in read_only_mappings(&maps, exe) {
        // SAFETY: the range is a whole mapping of this process's executable that nothing
        // writes; MADV_PAGEOUT only drops its pages, which are read back on their next use.
        if unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_PAGEOUT) }
            == 0
        {
            released += end - start;
        }
    }
    log::debug!("released {} KiB of the executable's pages", released / 1024);
}

/// The address ranges of `path`'s mappings in `maps` (the format of `/proc/self/maps`) that
/// are not writable.
fn read_only_mappings<'a>(
    maps: &'a str,
    path: &'a str,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    maps.lines().filter_map(move |line| {
        // range, permissions, offset, device, inode, then the path (padded, and it may hold
        // spaces).
        let mut fields = line.splitn(6, ' ');
        let range = fields.next()?;
        let perms = fields.next()?;
        if fields.nth(3)?.trim() != path || perms.contains('w') {
            return None;
        }
        let (start, end) = range.split_once('-')?;
        let start = usize::from_str_radix(start, 16).ok()?;
        let end = usize::from_str_radix(end, 16).ok()?;
        (end > start).then_some((start, end))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_read_only_mappings_of_the_executable_are_paged_out() {
        let maps = "\
55d0a0000000-55d0a0200000 r--p 00000000 fd:01 42 /srv/coopapi
55d0a0200000-55d0a0e00000 r-xp 00200000 fd:01 42 /srv/coopapi
55d0a0e00000-55d0a0e10000 rw-p 00e00000 fd:01 42 /srv/coopapi
55d0a1000000-55d0a1100000 rw-p 00000000 00:00 0 [heap]
7f0000000000-7f0000100000 r-xp 00000000 fd:01 7 /usr/lib/x86_64-linux-gnu/libc.so.6
7f0000200000-7f0000300000 r-xp 00000000 fd:01 43 /srv/coopapi (deleted)
";
        let ranges: Vec<_> = read_only_mappings(maps, "/srv/coopapi").collect();
        assert_eq!(
            ranges,
            vec![
                (0x55d0a0000000, 0x55d0a0200000),
                (0x55d0a0200000, 0x55d0a0e00000)
            ]
        );
    }
}
