//! Chime's data folder: the database, the API key, the lock that keeps two
//! Chimes off one database, and the instance file through which the CLI finds
//! the running one. Everything in it is owner-only.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub const KEY_FILE: &str = "api-key";
pub const INSTANCE_FILE: &str = "instance.json";
pub const LOCK_FILE: &str = "chime.lock";
pub const DB_FILE: &str = "chime.db";

/// `--data-dir`, else `CHIME_DATA_DIR`, else the OS data folder.
pub fn resolve(flag: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = flag.or_else(|| std::env::var_os("CHIME_DATA_DIR").map(PathBuf::from)) {
        return Ok(dir);
    }
    let base = dirs::data_dir()
        .context("this system has no data folder; pass --data-dir or set CHIME_DATA_DIR")?;
    Ok(base.join("chime"))
}

/// From here on, every file and folder this process creates is its
/// owner's only (0600 and 0700): the database and its journal, the key, the
/// lock, the logs. A umask, not a chmod after the fact, so no file is ever
/// readable by others even for a moment, and no folder the user already had
/// changes its mode.
pub fn private_files() {
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file mode creation mask.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates the folder (owner-only, as [`private_files`] makes every new one).
/// A folder that exists keeps its mode (`--data-dir /tmp` must not make /tmp
/// private); if others can read it, Chime says so.
pub fn ensure(dir: &Path) -> Result<()> {
    let existed = dir.is_dir();
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("cannot create the data folder {}", dir.display()))?;
    #[cfg(unix)]
    if existed {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            eprintln!(
                "chime: warning: others can open the data folder {} (mode {mode:o}); \
                 Chime's files in it are private, but a folder of your own is safer",
                dir.display()
            );
        }
    }
    Ok(())
}

/// Writes a file readable by its owner only.
pub fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(contents)?;
    Ok(())
}

/// The API key: `CHIME_API_KEY`, else the one stored in the folder, else a
/// new one, generated and stored on first start.
pub fn api_key(dir: &Path) -> Result<String> {
    if let Some(key) = key_from_env() {
        return Ok(key);
    }
    let path = dir.join(KEY_FILE);
    match fs::read_to_string(&path) {
        Ok(key) if !key.trim().is_empty() => Ok(key.trim().to_string()),
        _ => {
            let key = chime_api::new_key();
            write_private(&path, key.as_bytes())?;
            Ok(key)
        }
    }
}

pub fn key_from_env() -> Option<String> {
    std::env::var("CHIME_API_KEY")
        .ok()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
}

/// The key as the API holds it: regenerating it rewrites the key file,
/// unless it comes from CHIME_API_KEY.
pub fn api_key_holder(dir: &Path) -> Result<chime_api::ApiKey> {
    let key = api_key(dir)?;
    let persist: Option<chime_api::PersistKey> = match key_from_env() {
        Some(_) => None,
        None => {
            let path = dir.join(KEY_FILE);
            Some(std::sync::Arc::new(move |new: &str| {
                write_private(&path, new.as_bytes()).map_err(std::io::Error::other)
            }))
        }
    };
    Ok(chime_api::ApiKey::new(&key, persist))
}

/// Another Chime holds the folder.
#[derive(Debug)]
pub struct Locked(pub String);

impl std::fmt::Display for Locked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Locked {}

/// Holds the folder's lock for as long as it lives.
pub struct DirLock(#[allow(dead_code)] File);

/// Takes the folder's lock, or says which Chime holds it.
pub fn lock(dir: &Path) -> Result<DirLock> {
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| cannot_write(dir, &path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(DirLock(file)),
        Err(_) => {
            let where_ = read_instance(dir)
                .map(|i| format!(" (pid {}, {})", i.pid, i.url))
                .unwrap_or_default();
            Err(Locked(format!(
                "another Chime is already running with the data folder {}{where_}; stop it first, or use another --data-dir",
                dir.display()
            ))
            .into())
        }
    }
}

/// Why the data folder cannot be written, said so a person can act on it.
fn cannot_write(dir: &Path, path: &Path, e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::ReadOnlyFilesystem {
        anyhow::anyhow!(
            "the data folder {} is on a read-only file system (Read-only file system); \
             Chime writes its database there: make it writable, or use --data-dir for another folder",
            dir.display()
        )
    } else {
        anyhow::Error::new(e).context(format!("cannot open {}", path.display()))
    }
}

/// What a running Chime writes so the CLI can find it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Instance {
    pub url: String,
    pub port: u16,
    pub pid: u32,
}

pub fn write_instance(dir: &Path, port: u16) -> Result<()> {
    let instance = Instance {
        url: format!("http://127.0.0.1:{port}"),
        port,
        pid: std::process::id(),
    };
    write_private(
        &dir.join(INSTANCE_FILE),
        serde_json::to_string_pretty(&instance)?.as_bytes(),
    )
}

pub fn read_instance(dir: &Path) -> Option<Instance> {
    let text = fs::read_to_string(dir.join(INSTANCE_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

pub fn remove_instance(dir: &Path) {
    let _ = fs::remove_file(dir.join(INSTANCE_FILE));
}
