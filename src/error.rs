//! Errors and exit codes.
//!
//! Every command returns `Result<(), Error>`; [`Error::exit_code`] is the one table from error to
//! exit code. The codes are stable and documented in docs/exit-codes.md:
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | success: valid, applied, nothing wrong |
//! | 1 | problems found (reserved for `check` findings) |
//! | 2 | bad input or usage: invalid zone file, bad argument, missing file |
//! | 3 | could not do the job: I/O failure writing output, service or network unreachable |
//! | 4 | refused: safety threshold, stale plan checksum, a concurrent change, or not confirmed |
//! | 5 | `plan --detailed-exitcode`: changes are pending (0: none) |

use std::path::PathBuf;

use crate::plan::safety::Unsafe;
use crate::provider::route53::ProviderError;
use crate::provider::route53::batch::TooLarge;
use crate::zone::bind::ImportError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Zone files were read and found invalid: `diagnostics` are shown before the message
    /// (empty when the command rendered them itself, as `dns validate` does).
    #[error("{errors} error(s) in {files} zone file(s); nothing was changed")]
    InvalidZones {
        files: usize,
        errors: usize,
        diagnostics: Vec<crate::zone::diag::Diagnostic>,
    },

    /// What an import read breaks the zone-file rules; the diagnostics were already printed, at
    /// the master-file lines or Route 53 sets they come from.
    #[error("{errors} error(s) in the imported records; nothing was written")]
    ImportRefused { errors: usize },

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

    #[error("{zone}: {source}")]
    Provider { zone: String, source: ProviderError },

    /// AWS could not be used at all (credentials, profile): before any zone.
    #[error("{0}")]
    Aws(ProviderError),

    #[error("{zone}: refused: {source}; review the plan and pass --force to apply it anyway")]
    Unsafe { zone: String, source: Unsafe },

    /// `$zone.account` names another AWS account than the credentials', or theirs could not
    /// be told: nothing is sent to any zone.
    #[error(
        "{zone}: refused: its zone file is for AWS account {want}, but {said}; nothing was sent"
    )]
    WrongAccount {
        zone: String,
        want: String,
        said: String,
    },

    /// Another sync changed the zone after this one's plan read it: its first request, which
    /// deletes the guard value the plan read, was refused whole.
    #[error(
        "{zone}: another sync changed the zone after this plan read it (its guard now says \"{by}\"): nothing of this sync was applied"
    )]
    Overtaken { zone: String, by: String },

    /// A sync stopped between its requests: the first `applied` landed (Route 53 applies each
    /// whole), the rest was not sent.
    #[error(
        "{zone}: {applied} of {requests} request(s) applied: the zone holds changes 1–{changes} of the plan's {total}, and the rest was not applied ({source})"
    )]
    PartlyApplied {
        zone: String,
        applied: usize,
        requests: usize,
        changes: usize,
        total: usize,
        source: Box<ProviderError>,
    },

    #[error("{zone}: {source}")]
    TooLarge { zone: String, source: TooLarge },

    #[error(
        "the plan is not the reviewed one: its checksum is {actual}, not {expected}; the zone or the file changed since, so run `dns plan` again"
    )]
    StalePlan { expected: String, actual: String },

    #[error("not applied: {0}")]
    NotConfirmed(String),

    #[error("{0} problem(s) found")]
    Findings(usize),

    /// `plan --detailed-exitcode` with changes to make: not a failure, a distinct code.
    #[error("{0} change(s) pending")]
    ChangesPending(usize),

    #[error("still not done after {waited:.0?}: {pending}")]
    WaitTimeout {
        waited: std::time::Duration,
        pending: String,
    },

    #[error("could not check at all: {0}")]
    Unreachable(String),

    #[error(transparent)]
    Hints(#[from] crate::walk::hints::HintsError),

    /// `dns check --save-facts` / `--from-facts`.
    #[error(transparent)]
    Facts(#[from] FactsError),

    #[error("{failed} of {total} zone(s) failed")]
    ZonesFailed {
        failed: usize,
        total: usize,
        code: u8,
    },
}

impl Error {
    /// What to do about it, when the message alone does not say.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::Provider { source, .. } | Error::Aws(source) => source.hint(),
            Error::WrongAccount { .. } => Some(
                "use that account's credentials (--profile NAME; `aws sts get-caller-identity --profile NAME` shows its account)",
            ),
            Error::Overtaken { .. } => Some(
                "run `dns plan` to see the zone as it is now, then `dns sync` again if that plan is what you want",
            ),
            Error::PartlyApplied { .. } => Some(
                "run `dns plan` to see what is left (another sync may have changed the zone meanwhile), then `dns sync` again to finish",
            ),
            _ => None,
        }
    }

    /// The one table from error to exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::InvalidZones { .. }
            | Error::ImportRefused { .. }
            | Error::Read { .. }
            | Error::Exists { .. }
            | Error::ZoneNotFound { .. }
            | Error::Usage(_)
            | Error::Import(_)
            | Error::TooLarge { .. }
            | Error::Hints(_) => 2,
            Error::Findings(_) | Error::WaitTimeout { .. } => 1,
            Error::ChangesPending(_) => 5,
            Error::Unreachable(_) | Error::PartlyApplied { .. } => 3,
            Error::Write { .. } => 3,
            Error::Facts(e) => match e {
                FactsError::Write { .. } | FactsError::Encode(_) => 3,
                _ => 2,
            },
            Error::Provider { source, .. } | Error::Aws(source) => match source {
                ProviderError::NotFound { .. }
                | ProviderError::Ambiguous { .. }
                | ProviderError::WrongZone { .. }
                | ProviderError::UnknownProfile { .. }
                | ProviderError::ProfileAndKeys { .. }
                | ProviderError::Invalid(_) => 2,
                ProviderError::Rejected { .. } => 4,
                ProviderError::Api { .. }
                | ProviderError::WaitTimeout { .. }
                | ProviderError::NoCredentials { .. }
                | ProviderError::CredentialsFailed { .. }
                | ProviderError::BadCredentials { .. }
                | ProviderError::Expired { .. }
                | ProviderError::AccessDenied { .. }
                | ProviderError::Network { .. } => 3,
            },
            Error::Unsafe { .. }
            | Error::StalePlan { .. }
            | Error::NotConfirmed(_)
            | Error::WrongAccount { .. }
            | Error::Overtaken { .. } => 4,
            Error::ZonesFailed { code, .. } => *code,
        }
    }
}

/// Why saved facts could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum FactsError {
    #[error("cannot write the facts to {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the facts in {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}: not a file of saved facts ({why}); it is written by `dns check NAME --save-facts FILE`",
        path.display()
    )]
    NotFacts { path: PathBuf, why: String },
    #[error(
        "{}: saved facts of format version {found} (written by {writer}), but this dns reads version {reads}: judge it with the dns that wrote it, or save the facts again with this one",
        path.display()
    )]
    Version {
        path: PathBuf,
        found: u64,
        reads: u32,
        writer: String,
    },
    #[error("the facts cannot be saved: {0}")]
    Encode(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
