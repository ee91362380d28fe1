//! The modes of the data files: the SQLite database, its `-wal` and `-shm`
//! files and backups hold everything (password hashes, sealed personal data,
//! the audit log), so only the owner may read them, like `secret.key`.
//!
//! SQLite gives the `-wal` and `-shm` files the mode of the database file,
//! so creating the database with 0600 is enough for all three; backups are
//! created with 0600 before SQLite writes them. At start a database file
//! (or `-wal`/`-shm`) that others may read is refused, with the `chmod` to
//! run, as for the key file.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Result, StoreError};

/// Creates `path` empty with mode 0600; fails if it exists.
pub fn create_private(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// The file of a `sqlite://` URL, unless it is in memory.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:" && !url.contains("mode=memory")).then(|| PathBuf::from(path))
}

/// Before SQLite opens the database of `url`: a new file is created with
/// mode 0600; an existing one (and its `-wal`/`-shm`) must not be readable
/// or writable by others.
pub fn prepare_sqlite_file(url: &str) -> Result<()> {
    let Some(path) = sqlite_path(url) else { return Ok(()) };
    match create_private(&path) {
        Ok(_) => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        // A missing directory and the like: SQLite reports it in its own words.
        Err(_) => return Ok(()),
    }
    let mut open = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if let Some(mode) = too_open(&file) {
            open.push(format!("{} (modus {mode:o})", file.display()));
        }
    }
    if open.is_empty() {
        return Ok(());
    }
    Err(StoreError::Unsupported(format!(
        "de database is ook voor anderen leesbaar of schrijfbaar: {}. Zet de bestanden op 600 met \
         'chmod 600 {}*' en start opnieuw",
        open.join(", "),
        path.display()
    )))
}

/// The mode of `path` when group or others have any access to it.
fn too_open(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_of_a_url() {
        assert_eq!(sqlite_path("sqlite:///tmp/a.sqlite?mode=rwc"), Some(PathBuf::from("/tmp/a.sqlite")));
        assert_eq!(sqlite_path("sqlite://data/wijkregie.sqlite"), Some(PathBuf::from("data/wijkregie.sqlite")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x"), None);
    }
}
