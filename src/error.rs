//! Errors and exit codes.
//!
//! Every command returns `Result<(), Error>`; [`Error::exit_code`] is the one table from error to
//! exit code. The codes are stable and documented in the README:
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | success: valid, applied, nothing wrong |
//! | 1 | problems found (reserved for `check` findings) |
//! | 2 | bad input or usage: invalid zone file, bad argument, missing file |
//! | 3 | could not do the job: I/O failure writing output, service or network unreachable |

use std::path::PathBuf;

use crate::zone::bind::ImportError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Zone files were read and found invalid; the diagnostics were already printed.
    #[error("{errors} error(s) in {files} zone file(s); nothing was changed")]
    InvalidZones { files: usize, errors: usize },

    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{} already exists; pass --force to overwrite it, or -o - to print to stdout", path.display())]
    Exists { path: PathBuf },

    #[error("no zone file for {zone} in {}: expected {}", dir.display(), dir.join(format!("{zone}.yaml")).display())]
    ZoneNotFound { zone: String, dir: PathBuf },

    #[error("{0}")]
    Usage(String),

    #[error(transparent)]
    Import(#[from] ImportError),
}

impl Error {
    /// The one table from error to exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::InvalidZones { .. }
            | Error::Read { .. }
            | Error::Exists { .. }
            | Error::ZoneNotFound { .. }
            | Error::Usage(_)
            | Error::Import(_) => 2,
            Error::Write { .. } => 3,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
