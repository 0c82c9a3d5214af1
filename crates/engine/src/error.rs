//! The engine's error type: what went wrong, said so a person can act on it.

/// A rejected input: which field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    /// The field, dotted for nested ones (`retry.max_attempts`, `headers.X-Token`).
    pub field: String,
    /// The whole message, starting with the field's name.
    pub message: String,
}

impl FieldError {
    /// `FieldError::new("cron", "day-of-week 8 is out of range 0-7")` reads
    /// "cron: day-of-week 8 is out of range 0-7".
    pub fn new(field: impl Into<String>, problem: impl std::fmt::Display) -> Self {
        let field = field.into();
        let message = format!("{field}: {problem}");
        FieldError { field, message }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input was rejected; nothing was written.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// No job, schedule or event with that id.
    #[error("{0} not found")]
    NotFound(String),
    /// The action does not fit the current state (cancel a finished job, ...).
    #[error("{0}")]
    Conflict(String),
    /// Another Chime holds the data folder.
    #[error("{0}")]
    Locked(String),
    /// The database file is damaged; nothing was written to it.
    #[error("{0}")]
    Damaged(String),
    #[error("database: {0}")]
    Store(#[from] rusqlite::Error),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    fn sqlite_code(&self) -> Option<rusqlite::ErrorCode> {
        match self {
            Error::Store(rusqlite::Error::SqliteFailure(e, _)) => Some(e.code),
            _ => None,
        }
    }

    /// The disk is full: nothing can be written until there is space.
    pub fn is_disk_full(&self) -> bool {
        self.sqlite_code() == Some(rusqlite::ErrorCode::DiskFull)
    }

    /// The database file is damaged (found at start, or while running).
    pub fn is_damaged(&self) -> bool {
        matches!(self, Error::Damaged(_))
            || matches!(
                self.sqlite_code(),
                Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
            )
    }

    /// Storage that may work again without a restart: a full disk, a busy
    /// or locked database, a read-only or failing file. Worth retrying.
    pub fn is_transient(&self) -> bool {
        use rusqlite::ErrorCode::*;
        matches!(
            self.sqlite_code(),
            Some(
                DiskFull | DatabaseBusy | DatabaseLocked | ReadOnly | SystemIoFailure | CannotOpen
            )
        )
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Internal(format!("stored JSON is unreadable: {e}"))
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Self {
        Error::Internal(format!("background task failed: {e}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
