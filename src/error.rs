//! One error type for the whole tool, carrying the exit code it maps to so
//! every command reports failures the same way (SPEC §6): `0` ok, `1`
//! problems found, `2` usage, `3` internal error.

use std::path::{Path, PathBuf};

/// What went wrong, grouped by how the process must exit.
#[derive(Debug)]
pub enum Error {
    /// Bad invocation or environment (no registry found, unknown flag value):
    /// exit 2.
    Usage(String),
    /// The registry or an input failed validation: exit 1, nothing written.
    Invalid(String),
    /// A file could not be read or written.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// git or the repository could not be read as expected.
    Git(String),
    /// Anything else that stops a command: exit 3.
    Other(String),
    /// The reader of our output went away (`reuse-surface stats | head -1`):
    /// nothing is wrong, so the command ends quietly (SPEC §6).
    ClosedOutput,
}

/// The exit codes of SPEC §6, named once.
pub mod exit {
    /// Everything checked, nothing wrong.
    pub const OK: i32 = 0;
    /// Problems found: validation or schema failure (commit/push refused).
    pub const PROBLEMS: i32 = 1;
    /// A usage error (bad flag, no registry found).
    pub const USAGE: i32 = 2;
    /// An internal error: a file, git or the tool itself failed.
    pub const INTERNAL: i32 = 3;
}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The process exit code for this error (SPEC §6).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::ClosedOutput => exit::OK,
            Error::Invalid(_) => exit::PROBLEMS,
            Error::Usage(_) => exit::USAGE,
            Error::Io { .. } | Error::Git(_) | Error::Other(_) => exit::INTERNAL,
        }
    }

    /// Whether this is a closed output pipe, which is reported by nothing.
    pub fn is_closed_output(&self) -> bool {
        matches!(self, Error::ClosedOutput)
    }

    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    pub fn git(msg: impl std::fmt::Display) -> Self {
        Error::Git(msg.to_string())
    }

    pub fn other(msg: impl Into<String>) -> Self {
        Error::Other(msg.into())
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Usage(m) | Error::Invalid(m) | Error::Other(m) => f.write_str(m),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Git(m) => write!(f, "git: {m}"),
            Error::ClosedOutput => f.write_str("the output pipe was closed"),
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        // For writes to the caller's streams (stdout, stderr), which have
        // no path. Filesystem calls go through `Error::io`, which names one.
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Error::ClosedOutput;
        }
        Error::Other(e.to_string())
    }
}
