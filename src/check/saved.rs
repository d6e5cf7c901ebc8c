//! Facts saved and judged again (`dns check NAME --save-facts FILE`, `dns check --from-facts
//! FILE`), as DNSViz splits probing from judging: everything one round asked and was answered
//! (every probe with its server, address, transport, time and the answer's wire form; the
//! registry's and Route 53 Domains' answers; the zone file's verification), in versioned JSON,
//! gzip-compressed when the file name ends in `.gz`. Judging a saved file sends nothing: the
//! rules run on the same facts and give the same findings, exit code and report; signatures are
//! judged against the time of the capture, which the facts carry.

use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use crate::error::FactsError;

use super::caches;
use crate::check::facts::Facts;

/// What the file says it is.
pub const FORMAT: &str = "dns-check-facts";
/// The version of its layout: a file of another version is refused, never half read.
pub const VERSION: u32 = 1;

/// The most a file of saved facts may hold, unpacked (a check of a 10,000-record zone on four
/// servers is a few MiB).
const MAX_OCTETS: u64 = 512 << 20;

/// One round as saved.
#[derive(Debug, Serialize, Deserialize)]
pub struct Saved {
    pub format: String,
    pub version: u32,
    /// The dns that wrote it (`dns 0.1.0`).
    pub written_by: String,
    pub facts: Facts,
    pub caches: Option<Vec<caches::CacheAnswer>>,
}

/// Writes a round's facts (and what the caches said) to `path`, gzip when it ends in `.gz`.
pub fn save(
    facts: &Facts,
    caches: Option<&Vec<caches::CacheAnswer>>,
    path: &Path,
) -> Result<(), FactsError> {
    let saved = Saved {
        format: FORMAT.into(),
        version: VERSION,
        written_by: written_by(),
        facts: facts.clone(),
        caches: caches.cloned(),
    };
    let write_err = |source| FactsError::Write {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::create(path).map_err(write_err)?;
    let mut out: Box<dyn Write> = if is_gzip_name(path) {
        Box::new(flate2::write::GzEncoder::new(
            file,
            flate2::Compression::default(),
        ))
    } else {
        Box::new(std::io::BufWriter::new(file))
    };
    serde_json::to_writer(&mut out, &saved).map_err(|e| match e.io_error_kind() {
        Some(kind) => write_err(std::io::Error::new(kind, e.to_string())),
        None => FactsError::Encode(e.to_string()),
    })?;
    out.flush().map_err(write_err)?;
    drop(out);
    Ok(())
}

/// Reads saved facts (gzip or not, by the content): refused when they are none, or of another
/// version of the format.
pub fn load(path: &Path) -> Result<Saved, FactsError> {
    let read_err = |source| FactsError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = std::fs::read(path).map_err(read_err)?;
    let not_facts = |why: String| FactsError::NotFacts {
        path: path.to_path_buf(),
        // A file from elsewhere (a bug report): what it holds is escaped before a terminal.
        why: crate::escape::escape(&why).into_owned(),
    };
    if bytes.starts_with(&[0x1f, 0x8b]) {
        // Never more than MAX_OCTETS however small the file: a gzip bomb is refused.
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .take(MAX_OCTETS + 1)
            .read_to_end(&mut plain)
            .map_err(read_err)?;
        if plain.len() as u64 > MAX_OCTETS {
            return Err(not_facts(format!(
                "it unpacks to more than {} MiB",
                MAX_OCTETS >> 20
            )));
        }
        bytes = plain;
    }
    // The format and version first, so that another version is named as such, not as whatever
    // field it lacks.
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| not_facts(format!("not JSON: {e}")))?;
    if value["format"].as_str() != Some(FORMAT) {
        return Err(not_facts(format!(
            "it does not say \"format\": \"{FORMAT}\""
        )));
    }
    match value["version"].as_u64() {
        Some(v) if v == u64::from(VERSION) => {}
        found => {
            return Err(FactsError::Version {
                path: path.to_path_buf(),
                found: found.unwrap_or(0),
                reads: VERSION,
                writer: crate::escape::escape(
                    value["written_by"].as_str().unwrap_or("an unknown program"),
                )
                .chars()
                .take(80)
                .collect(),
            });
        }
    }
    serde_json::from_value(value).map_err(|e| not_facts(e.to_string()))
}

/// Where a round judged again came from, for its report.
#[derive(Debug, Clone, Serialize)]
pub struct Replayed {
    pub file: String,
    /// The dns that saved the facts.
    pub written_by: String,
    /// When the facts were gathered (RFC 3339): signatures are judged against this time.
    pub captured_at: String,
}

impl Replayed {
    /// Where saved facts read from `file` came from.
    pub fn of(saved: &Saved, file: &Path) -> Replayed {
        Replayed {
            file: file.display().to_string(),
            written_by: saved.written_by.chars().take(80).collect(),
            captured_at: crate::clock::rfc3339(saved.facts.checked_at),
        }
    }
}

/// Seconds since 1970 as RFC 3339 (UTC).
fn written_by() -> String {
    format!("dns {}", env!("CARGO_PKG_VERSION"))
}

fn is_gzip_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}
