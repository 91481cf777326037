//! Where the store's data lives: the OS's per-user data folder unless `--data-dir` or
//! `STOREKEEP_DATA_DIR` says otherwise.

use std::path::{Path, PathBuf};

pub const DATA_DIR_ENV: &str = "STOREKEEP_DATA_DIR";
pub const DATABASE_FILE: &str = "storekeep.sqlite3";

/// The data folder: the explicit one, else `$STOREKEEP_DATA_DIR`, else e.g.
/// `~/.local/share/storekeep` on Linux or `%APPDATA%\Storekeep\data` on Windows.
pub fn data_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os(DATA_DIR_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("se", "Storekeep", "Storekeep")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("storekeep-data"))
}

/// Creates the folder if needed and returns the database path inside it.
pub fn database_path(data_dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(data_dir)?;
    Ok(data_dir.join(DATABASE_FILE))
}
