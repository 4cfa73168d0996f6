//! Backups with PostgreSQL's own tools: `pg_dump` in its custom format (compressed, restorable
//! table by table) and `pg_restore` of such a file, for the database at a URL.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::DbError;

/// Writes the whole database (schema, data, the migrations applied) to `file`.
pub fn dump(url: &str, file: &Path, bin_dir: Option<&Path>) -> Result<(), DbError> {
    let mut command = Command::new(tool("pg_dump", bin_dir));
    command
        .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
        .arg(file)
        .arg("--dbname")
        .arg(url);
    run(command, "pg_dump")
}

/// Replaces what the database holds by the dump in `file`, in one transaction: a restore that
/// fails leaves the database as it was.
pub fn restore(url: &str, file: &Path, bin_dir: Option<&Path>) -> Result<(), DbError> {
    let mut command = Command::new(tool("pg_restore", bin_dir));
    command
        .args([
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
        ])
        .arg(url)
        .arg(file);
    run(command, "pg_restore")
}

/// The tool beside the server binaries (`PG_BIN`, or those the embedded cluster uses), so that
/// its version matches the server's; else the one on PATH.
fn tool(name: &str, bin_dir: Option<&Path>) -> PathBuf {
    super::embedded::find_bin_dir(bin_dir)
        .map(|dir| dir.join(name))
        .filter(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

fn run(mut command: Command, name: &str) -> Result<(), DbError> {
    let output = command
        .output()
        .map_err(|e| DbError::Tool(format!("{name} could not be started: {e}")))?;
    if output.status.success() {
        return Ok(());
    }
    Err(DbError::Tool(format!(
        "{name} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    )))
}
