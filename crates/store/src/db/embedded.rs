//! The embedded PostgreSQL: a private cluster started from the server binaries installed on the
//! machine, so the service and its tests run without any database setup.
//!
//! The cluster listens on a Unix socket only (no TCP), trusts local connections (the socket
//! lives in a mode-700 directory, so only its owner and root can reach it), and is stopped with
//! a fast shutdown when the [`EmbeddedPostgres`] is stopped or its owner dies.

use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::unistd::{Gid, Uid, User};

/// The database the service uses inside the embedded cluster.
pub const DATABASE: &str = "coopapi";
/// The superuser created by `initdb` (named explicitly so it does not depend on the OS user).
pub const SUPERUSER: &str = "postgres";
/// Unix socket paths are limited to about 107 bytes; stay well below.
const MAX_SOCKET_DIR_LEN: usize = 90;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "no PostgreSQL server binaries found (looked in PG_BIN, `pg_config --bindir`, /usr/lib/postgresql/*/bin and PATH): install them (Debian/Ubuntu: `apt-get install postgresql`) or set DATABASE_URL to use an existing server"
    )]
    NoBinaries,
    #[error(
        "running as root, PostgreSQL must run as an unprivileged user, but user `{0}` does not exist: create it (`useradd --system {0}`, or install the postgresql package), run as another user, or set DATABASE_URL"
    )]
    NoUser(String),
    #[error("{action} failed: {detail}")]
    Failed { action: String, detail: String },
    #[error("{action}: {source}")]
    Io {
        action: String,
        #[source]
        source: io::Error,
    },
}

fn io_err(action: impl Into<String>) -> impl FnOnce(io::Error) -> EmbeddedError {
    let action = action.into();
    move |source| EmbeddedError::Io { action, source }
}

/// Where the cluster lives and who runs it.
#[derive(Debug, Clone)]
pub struct ClusterSpec {
    pub data_dir: PathBuf,
    pub bin_dir: Option<PathBuf>,
    /// OS user that runs PostgreSQL when this process is root.
    pub os_user: String,
    /// Settings for throwaway clusters (tests): no fsync, no durability.
    pub ephemeral: bool,
}

/// A running cluster: started and owned by this process, or (for a command such as
/// `api-key create` run beside the server) the one another process of ours already runs.
pub struct EmbeddedPostgres {
    /// `None` when the cluster belongs to another process: this one must not stop it.
    child: Option<Child>,
    data_dir: PathBuf,
    socket_dir: PathBuf,
}

/// The OS account PostgreSQL runs as.
#[derive(Clone)]
struct RunAs {
    uid: Uid,
    gid: Gid,
}

impl EmbeddedPostgres {
    /// Initialises the cluster if needed, starts it and waits until it accepts connections.
    pub fn start(spec: &ClusterSpec) -> Result<Self, EmbeddedError> {
        let bin_dir = find_bin_dir(spec.bin_dir.as_deref()).ok_or(EmbeddedError::NoBinaries)?;
        let run_as = if Uid::effective().is_root() {
            let user = User::from_name(&spec.os_user)
                .ok()
                .flatten()
                .ok_or_else(|| EmbeddedError::NoUser(spec.os_user.clone()))?;
            Some(RunAs {
                uid: user.uid,
                gid: user.gid,
            })
        } else {
            None
        };
        let data_dir = absolute(&spec.data_dir)?;
        let data_dir = match &run_as {
            Some(user) => reachable_data_dir(&data_dir, user)?,
            None => data_dir,
        };
        prepare_dir(&data_dir, run_as.as_ref())?;
        if !data_dir.join("PG_VERSION").exists() {
            initdb(&bin_dir, &data_dir, run_as.as_ref())?;
        }
        let socket_dir = socket_dir_for(&data_dir, run_as.as_ref())?;
        if let Some(pid) = running_postmaster(&data_dir) {
            let pg = EmbeddedPostgres {
                child: None,
                data_dir,
                socket_dir,
            };
            if pg.is_ready(&bin_dir) {
                log::info!(
                    "using the embedded PostgreSQL that process {pid} runs in {}",
                    pg.data_dir.display()
                );
                return Ok(pg);
            }
            return Err(EmbeddedError::Failed {
                action: "starting PostgreSQL".into(),
                detail: format!(
                    "process {pid} holds {} but does not answer on {}; stop it or wait until it is ready",
                    pg.data_dir.display(),
                    pg.socket_dir.display()
                ),
            });
        }
        remove_stale_socket_locks(&socket_dir, &data_dir);
        let child = spawn_postgres(
            &bin_dir,
            &data_dir,
            &socket_dir,
            run_as.as_ref(),
            spec.ephemeral,
        )?;
        let mut pg = EmbeddedPostgres {
            child: Some(child),
            data_dir,
            socket_dir,
        };
        pg.wait_until_ready(&bin_dir)?;
        Ok(pg)
    }

    /// A connection URL for `database` over the Unix socket. The socket directory is the
    /// (percent-encoded) host: naming any other host would make the driver try it first and
    /// possibly reach a different server on the default port.
    pub fn url(&self, database: &str) -> String {
        let host: String = self
            .socket_dir
            .to_string_lossy()
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                other => format!("%{other:02X}"),
            })
            .collect();
        format!("postgres://{SUPERUSER}@{host}/{database}")
    }

    /// Whether this process started the cluster (and stops it).
    pub fn is_owned(&self) -> bool {
        self.child.is_some()
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    fn wait_until_ready(&mut self, bin_dir: &Path) -> Result<(), EmbeddedError> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                return Err(EmbeddedError::Failed {
                    action: "starting PostgreSQL".into(),
                    detail: format!(
                        "postgres exited with {status}; {}",
                        log_tail(&self.data_dir)
                    ),
                });
            }
            if self.is_ready(bin_dir) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(EmbeddedError::Failed {
                    action: "starting PostgreSQL".into(),
                    detail: format!("not ready after 60 s; {}", log_tail(&self.data_dir)),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn is_ready(&self, bin_dir: &Path) -> bool {
        Command::new(bin_dir.join("pg_isready"))
            .args(["-q", "-h"])
            .arg(&self.socket_dir)
            .args(["-U", SUPERUSER, "-d", "postgres"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    /// Fast shutdown: open sessions are ended, the cluster is left consistent. A cluster of
    /// another process is left running.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let Some(child) = self.child.as_mut() else {
            return;
        };
        if let Ok(None) = child.try_wait() {
            let pid = nix::unistd::Pid::from_raw(child.id() as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT);
            let deadline = Instant::now() + Duration::from_secs(30);
            while let Ok(None) = child.try_wait() {
                if Instant::now() > deadline {
                    let _ = child.kill();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.wait();
            log::info!("embedded PostgreSQL in {} stopped", self.data_dir.display());
        }
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The pid in `postmaster.pid` when that process is a PostgreSQL running this data directory:
/// the cluster already runs. A file naming a dead process is left to PostgreSQL, which cleans
/// it up on start. A file naming a live process that is not one (after a crash, the pid taken
/// by another process, as happens at once after a reboot) is a stale lock that PostgreSQL
/// would refuse to start over: it is removed. PostgreSQL still refuses to start when backends
/// of a killed postmaster hold its shared memory.
fn running_postmaster(data_dir: &Path) -> Option<i32> {
    let lock = data_dir.join("postmaster.pid");
    let text = std::fs::read_to_string(&lock).ok()?;
    let pid: i32 = text.lines().next()?.trim().parse().ok()?;
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).ok()?;
    if runs_in(pid, data_dir) {
        return Some(pid);
    }
    log::warn!(
        "{} names process {pid}, which does not run this cluster: a lock left by a crash; removing it",
        lock.display()
    );
    match std::fs::remove_file(&lock) {
        Ok(()) => None,
        // Not ours to remove: treat it as held, and say so.
        Err(_) => Some(pid),
    }
}

/// The socket's lock files (`.s.PGSQL.<port>.lock`) name the postmaster that made them, and
/// PostgreSQL refuses to start while that pid lives, whatever process holds it now. With no
/// postmaster running this cluster (checked before), one naming a process that does not run
/// this data directory is left by a crash: it goes, with its socket.
fn remove_stale_socket_locks(socket_dir: &Path, data_dir: &Path) {
    let Ok(entries) = fs::read_dir(socket_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if !(name.starts_with(".s.PGSQL.") && name.ends_with(".lock")) {
            continue;
        }
        let lock = entry.path();
        let pid: Option<i32> = fs::read_to_string(&lock)
            .ok()
            .and_then(|text| text.lines().next()?.trim().parse().ok());
        let Some(pid) = pid else {
            continue;
        };
        let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
        if alive && runs_in(pid, data_dir) {
            continue;
        }
        if alive {
            log::warn!(
                "{} names process {pid}, which does not run this cluster: a lock left by a crash; removing it",
                lock.display()
            );
        }
        let socket = lock.with_extension("");
        let _ = fs::remove_file(&socket);
        let _ = fs::remove_file(&lock);
    }
}

/// Whether process `pid` works in `data_dir`: a postmaster changes into its data directory.
/// When that cannot be read (a process of another user, without the right to look), it is
/// taken to be so: a cluster that may be live is never touched.
fn runs_in(pid: i32, data_dir: &Path) -> bool {
    match std::fs::read_link(format!("/proc/{pid}/cwd")) {
        Ok(cwd) => {
            let data_dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.into());
            std::fs::canonicalize(&cwd).unwrap_or(cwd) == data_dir
        }
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
    }
}

fn absolute(path: &Path) -> Result<PathBuf, EmbeddedError> {
    std::path::absolute(path).map_err(io_err(format!("resolving {}", path.display())))
}

/// PG_BIN, then `pg_config --bindir`, then the newest /usr/lib/postgresql/*/bin, then PATH.
pub(crate) fn find_bin_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(dir) = explicit {
        return has_server(dir).then(|| dir.to_path_buf());
    }
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if let Some(dir) = from_pg_config.filter(|d| has_server(d)) {
        return Some(dir);
    }
    let mut debian: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, dir)| has_server(dir))
        .collect();
    debian.sort();
    if let Some((_, dir)) = debian.pop() {
        return Some(dir);
    }
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|d| has_server(d))
}

/// Whether `user` can traverse every ancestor of `path`, as PostgreSQL must to open its data.
fn traversable_by(path: &Path, user: &RunAs) -> bool {
    path.ancestors().skip(1).all(|dir| match fs::metadata(dir) {
        Ok(meta) => {
            let mode = meta.permissions().mode();
            if meta.uid() == user.uid.as_raw() {
                mode & 0o100 != 0
            } else if meta.gid() == user.gid.as_raw() {
                mode & 0o010 != 0
            } else {
                mode & 0o001 != 0
            }
        }
        // Not created yet: it will be created world-traversable below.
        Err(_) => true,
    })
}

/// When root runs the service from a checkout the PostgreSQL user cannot reach (for example
/// under a mode-700 /root), the cluster moves to a per-checkout directory under /var/tmp that it
/// can reach, and the log says so. Failing instead would break `cargo run` for root users.
fn reachable_data_dir(data_dir: &Path, user: &RunAs) -> Result<PathBuf, EmbeddedError> {
    if traversable_by(data_dir, user) {
        return Ok(data_dir.to_path_buf());
    }
    let key = xxhash_rust::xxh3::xxh3_64(data_dir.as_os_str().as_encoded_bytes());
    let fallback = PathBuf::from(format!("/var/tmp/coopapi-{key:016x}/pg"));
    log::warn!(
        "data directory {} is not reachable by the PostgreSQL user (a parent directory is not traversable by it); keeping the cluster in {} instead. Pass --data-dir with a directory that user can reach to choose another place.",
        data_dir.display(),
        fallback.display()
    );
    Ok(fallback)
}

fn prepare_dir(data_dir: &Path, run_as: Option<&RunAs>) -> Result<(), EmbeddedError> {
    if let Some(parent) = data_dir.parent() {
        fs::create_dir_all(parent).map_err(io_err(format!("creating {}", parent.display())))?;
    }
    if !data_dir.exists() {
        fs::create_dir(data_dir).map_err(io_err(format!("creating {}", data_dir.display())))?;
    }
    if let Some(user) = run_as {
        nix::unistd::chown(data_dir, Some(user.uid), Some(user.gid)).map_err(|e| {
            EmbeddedError::Failed {
                action: format!("giving {} to the PostgreSQL user", data_dir.display()),
                detail: e.to_string(),
            }
        })?;
    }
    fs::set_permissions(data_dir, fs::Permissions::from_mode(0o700)).map_err(io_err(format!(
        "setting the mode of {}",
        data_dir.display()
    )))
}

/// The data directory holds the socket unless its path is too long for one.
fn socket_dir_for(data_dir: &Path, run_as: Option<&RunAs>) -> Result<PathBuf, EmbeddedError> {
    if data_dir.as_os_str().len() <= MAX_SOCKET_DIR_LEN {
        return Ok(data_dir.to_path_buf());
    }
    let key = xxhash_rust::xxh3::xxh3_64(data_dir.as_os_str().as_encoded_bytes());
    let dir = PathBuf::from(format!("/tmp/coopapi-sock-{key:016x}"));
    prepare_dir(&dir, run_as)?;
    Ok(dir)
}

fn as_user(command: &mut Command, run_as: Option<&RunAs>) {
    // The working directory may be unreadable for the PostgreSQL user.
    command.current_dir("/");
    if let Some(user) = run_as {
        command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
}

fn initdb(bin_dir: &Path, data_dir: &Path, run_as: Option<&RunAs>) -> Result<(), EmbeddedError> {
    log::info!(
        "initialising a PostgreSQL cluster in {}",
        data_dir.display()
    );
    let mut command = Command::new(bin_dir.join("initdb"));
    command
        .arg("-D")
        .arg(data_dir)
        .args([
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ])
        .arg("--no-instructions")
        .stdin(Stdio::null());
    as_user(&mut command, run_as);
    let output = command.output().map_err(io_err("running initdb"))?;
    if !output.status.success() {
        return Err(EmbeddedError::Failed {
            action: format!("initdb in {}", data_dir.display()),
            detail: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    Ok(())
}

fn spawn_postgres(
    bin_dir: &Path,
    data_dir: &Path,
    socket_dir: &Path,
    run_as: Option<&RunAs>,
    ephemeral: bool,
) -> Result<Child, EmbeddedError> {
    let log_path = data_dir.join("server.log");
    let log = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(io_err(format!("opening {}", log_path.display())))?;
    let log_err = log
        .try_clone()
        .map_err(io_err("duplicating the log handle"))?;
    let mut command = Command::new(bin_dir.join("postgres"));
    command
        .arg("-D")
        .arg(data_dir)
        .arg("-k")
        .arg(socket_dir)
        .args(["-c", "listen_addresses=", "-c", "max_connections=200"])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        // Its own process group: a Ctrl-C in the terminal reaches the service, which drains
        // requests and then stops the cluster, instead of killing the database under them.
        .process_group(0);
    if ephemeral {
        command.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]);
    } else {
        command.args(["-c", &format!("shared_buffers={}MB", shared_buffers_mib())]);
    }
    as_user(&mut command, run_as);
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent. It runs after
    // the uid change (which would clear it), so the cluster gets a fast shutdown if this
    // process dies without stopping it.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command.spawn().map_err(io_err("starting postgres"))
}

/// The cluster's page cache: a quarter of the machine's memory, at least PostgreSQL's
/// default 128 MiB and at most 1 GiB. The default held less than the offers table at
/// 100,000 offers (156 MiB), so the match and search queries, which visit rows here and
/// there, copied pages from the kernel's cache on most reads (13 µs per offer read).
fn shared_buffers_mib() -> u64 {
    let total_kib = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("MemTotal:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        })
        .unwrap_or(0);
    (total_kib / 4 / 1024).clamp(128, 1024)
}

fn log_tail(data_dir: &Path) -> String {
    let log = fs::read_to_string(data_dir.join("server.log")).unwrap_or_default();
    let lines: Vec<&str> = log.lines().rev().take(5).collect();
    let tail: Vec<&str> = lines.into_iter().rev().collect();
    format!(
        "server log ({}): {}",
        data_dir.join("server.log").display(),
        tail.join(" | ")
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_cache_is_between_the_default_and_a_gibibyte() {
        let mib = super::shared_buffers_mib();
        assert!((128..=1024).contains(&mib), "{mib}");
    }
}
