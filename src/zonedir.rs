//! The zones directory: one YAML file per zone, named after it (`zones/hive.example.com.yaml`
//! holds `hive.example.com.`). The one place that knows the rule from zone to file and back,
//! which files of a directory are zones (a file another one `!include`s is a part, not a zone),
//! and how a command loads zone files: every diagnostic shown, any error refusing them all.

use std::path::{Path, PathBuf};

use hickory_proto::rr::Name;

use crate::error::{Error, Result};
use crate::zone::Zone;
use crate::zone::diag::Diagnostic;
use crate::zone::load::{self, Loaded};

/// The directory every command uses unless `--zones` says otherwise.
pub const DEFAULT: &str = "zones";

/// A directory of zone files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZonesDir(PathBuf);

impl ZonesDir {
    pub fn new(path: impl Into<PathBuf>) -> ZonesDir {
        ZonesDir(path.into())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The file of `zone`: `<dir>/<zone>.yaml`, or a file whose name differs from it only in
    /// case (zone names are case-insensitive: `Example.COM.yaml` is the file of example.com).
    /// The path may not exist.
    pub fn file_of(&self, zone: &Name) -> PathBuf {
        let file = file_name(zone);
        let path = self.0.join(&file);
        if path.exists() {
            return path;
        }
        let other_case = std::fs::read_dir(&self.0).ok().and_then(|entries| {
            entries.filter_map(|e| e.ok().map(|e| e.path())).find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.eq_ignore_ascii_case(&file))
            })
        });
        other_case.unwrap_or(path)
    }

    /// [`ZonesDir::file_of`] a zone name as a person wrote it, with or without the final dot.
    pub fn file_named(&self, zone: &str) -> Result<PathBuf> {
        let origin = crate::zone::name::parse_zone(zone)
            .map_err(|e| Error::Usage(format!("'{zone}' is not a zone name: {e}")))?;
        Ok(self.file_of(&origin))
    }

    /// The existing file of a zone named by a person, or [`Error::ZoneNotFound`].
    pub fn existing(&self, zone: &str) -> Result<PathBuf> {
        let path = self.file_named(zone)?;
        if !path.exists() {
            return Err(Error::ZoneNotFound {
                zone: zone.to_string(),
                dir: self.0.clone(),
            });
        }
        Ok(path)
    }

    /// The files of the zones that hold `name`, closest zone first (`a.b.example.com` →
    /// `a.b.example.com.yaml`, `b.example.com.yaml`, `example.com.yaml`, `com.yaml`), those that
    /// exist.
    pub fn enclosing(&self, name: &Name) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut zone = name.clone();
        while !zone.is_root() {
            let path = self.file_of(&zone);
            if path.exists() {
                out.push(path);
            }
            zone = zone.base_name();
        }
        out
    }

    /// The files of the zones named (each must exist), or with none named every zone file of
    /// the directory (there must be one).
    pub fn select(&self, names: &[String]) -> Result<Vec<PathBuf>> {
        let files = if names.is_empty() {
            self.files()?
        } else {
            names
                .iter()
                .map(|z| self.existing(z))
                .collect::<Result<_>>()?
        };
        if files.is_empty() {
            return Err(Error::Usage(format!(
                "no zone files in {}",
                self.0.display()
            )));
        }
        Ok(files)
    }

    /// Every zone file of the directory, in a stable order.
    pub fn files(&self) -> Result<Vec<PathBuf>> {
        expand(std::slice::from_ref(&self.0))
    }
}

impl Default for ZonesDir {
    fn default() -> Self {
        ZonesDir::new(DEFAULT)
    }
}

/// `hive.example.com.yaml` for `hive.example.com.`
pub fn file_name(zone: &Name) -> String {
    format!("{}.yaml", zone.to_ascii().trim_end_matches('.'))
}

/// Expands files and directories into the zone files they name, in a stable order (none given:
/// the default directory).
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let default = [PathBuf::from(DEFAULT)];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        let read_err = |source| Error::Read {
            path: path.clone(),
            source,
        };
        if !std::fs::metadata(path).map_err(read_err)?.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(read_err)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
            })
            .collect();
        // Files that a zone file brings in with `!include` are parts of it, not zones.
        let included: std::collections::HashSet<PathBuf> =
            found.iter().flat_map(|f| included_by(f)).collect();
        found.retain(|f| f.canonicalize().map_or(true, |c| !included.contains(&c)));
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// The files a zone file names after `!include` (canonical paths; a quick scan of the text, the
/// loader checks them properly).
fn included_by(file: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Vec::new();
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    text.split("!include")
        .skip(1)
        .filter_map(|rest| rest.split_whitespace().next())
        .map(|t| t.trim_matches(|c| matches!(c, '\'' | '"' | ',' | ']' | '}')))
        .filter_map(|t| dir.join(t).canonicalize().ok())
        .collect()
}

/// Reads and loads one zone file, valid or not.
pub fn load(path: &Path) -> Result<Loaded> {
    let text = crate::zone::read_text(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(load::load_str(path, &text))
}

/// Refuses a file one of whose diagnostics is an error; the error carries them all, for the
/// caller to show (a valid file's warnings are for `dns validate` and `dns sync`, not for the
/// commands that only read it).
pub fn refuse_invalid(loaded: &Loaded) -> Result<()> {
    refuse(std::slice::from_ref(loaded))
}

/// Any error among the files' diagnostics refuses them all (nothing of a run starts while one
/// of its files is wrong), with every diagnostic of every file, warnings included.
fn refuse(loaded: &[Loaded]) -> Result<()> {
    let (mut files, mut errors) = (0, 0);
    for l in loaded {
        let n = l.diagnostics.iter().filter(|d| d.is_error()).count();
        errors += n;
        files += usize::from(n > 0);
    }
    if errors > 0 {
        return Err(Error::InvalidZones {
            files,
            errors,
            diagnostics: loaded.iter().flat_map(|l| l.diagnostics.clone()).collect(),
        });
    }
    Ok(())
}

/// Zone files loaded and valid, each with its path, and their warnings for the caller to show.
pub type Valid = (Vec<(PathBuf, Zone)>, Vec<Diagnostic>);

/// Loads zone files for a command that changes what they describe (sync): all valid, or an
/// error; with the valid files' warnings, for the caller to show.
pub fn load_valid(files: Vec<PathBuf>) -> Result<Valid> {
    let loaded = files.iter().map(|f| load(f)).collect::<Result<Vec<_>>>()?;
    refuse(&loaded)?;
    let warnings = loaded.iter().flat_map(|l| l.diagnostics.clone()).collect();
    let zones = files
        .into_iter()
        .zip(loaded.into_iter().map(|l| l.zone))
        .collect();
    Ok((zones, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that is not UTF-8 is refused with the line and column of the first bad octet.
    #[test]
    fn a_file_that_is_not_utf8_is_refused_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("example.com.yaml");
        std::fs::write(&path, b"www:\n  type: TXT\n  value: caf\xe9\n").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(
            err.contains("line 3, column 13: the octet 0xE9 is not UTF-8 text"),
            "{err}"
        );
    }

    #[test]
    fn a_zone_and_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let zones = ZonesDir::new(dir.path());
        let name = Name::from_ascii("Hive.Example.com.").unwrap();
        assert_eq!(file_name(&name), "Hive.Example.com.yaml");
        std::fs::write(dir.path().join("EXAMPLE.com.yaml"), "").unwrap();
        let apex = Name::from_ascii("example.com").unwrap();
        assert_eq!(zones.file_of(&apex), dir.path().join("EXAMPLE.com.yaml"));
        assert_eq!(
            zones.enclosing(&Name::from_ascii("a.b.example.com.").unwrap()),
            vec![dir.path().join("EXAMPLE.com.yaml")]
        );
        assert!(matches!(
            zones.existing("other.com"),
            Err(Error::ZoneNotFound { .. })
        ));
        assert!(matches!(zones.existing("bad..name"), Err(Error::Usage(_))));
    }
}
