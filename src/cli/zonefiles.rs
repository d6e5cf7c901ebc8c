//! `dns validate`, `dns export`, `dns import --from-bind`: commands on zone files alone.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Style;
use super::args::{ExportArgs, ImportArgs, ValidateArgs};
use crate::error::{Error, Result};
use crate::zone::diag::{Diagnostic, Severity};
use crate::zone::load::{self, Loaded};
use crate::zone::{Zone, bind, name, write};

/// Expands files and directories into the zone files they name, in a stable order.
pub fn zone_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let default = [PathBuf::from("zones")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        if !meta.is_dir() {
            files.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let mut found: Vec<PathBuf> = entries
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

/// Reads and loads one zone file.
pub fn load_file(path: &Path) -> Result<Loaded> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(load::load_str(path, &text))
}

/// Renders diagnostics for people.
pub fn render_diagnostics(
    out: &mut impl Write,
    diagnostics: &[Diagnostic],
    style: Style,
) -> std::io::Result<()> {
    for d in diagnostics {
        let rule = match d.severity {
            Severity::Error => style.error(d.rule),
            Severity::Warning => style.warning(&format!("warning: {}", d.rule)),
        };
        writeln!(
            out,
            "{}:{}:{}: {rule}: {}",
            d.file.display(),
            d.pos.line,
            d.pos.column,
            d.message
        )?;
        if let Some(hint) = &d.hint {
            writeln!(out, "  {}", style.dim(&format!("hint: {hint}")))?;
        }
    }
    Ok(())
}

pub fn validate(args: &ValidateArgs, style: Style) -> Result<()> {
    let files = zone_files(&args.paths)?;
    if files.is_empty() {
        return Err(Error::Usage(
            "no zone files (*.yaml) found; give a file or a directory such as zones/".into(),
        ));
    }
    let mut stdout = std::io::stdout().lock();
    let write_err = |source| Error::Write {
        path: PathBuf::from("<stdout>"),
        source,
    };
    let mut bad_files = 0;
    let mut errors = 0;
    let mut reports = Vec::new();
    for file in &files {
        let loaded = load_file(file)?;
        let file_errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
        errors += file_errors;
        bad_files += usize::from(file_errors > 0);
        if args.json {
            reports.push(serde_json::json!({
                "file": file,
                "zone": loaded.zone.origin.to_ascii(),
                "valid": file_errors == 0,
                "record_sets": loaded.zone.rrsets.len(),
                "records": loaded.zone.record_count(),
                "diagnostics": loaded.diagnostics,
            }));
            continue;
        }
        render_diagnostics(&mut stdout, &loaded.diagnostics, style).map_err(write_err)?;
        if file_errors == 0 {
            writeln!(
                stdout,
                "{}: {} ({} record sets, {} records)",
                file.display(),
                style.ok("valid"),
                loaded.zone.rrsets.len(),
                loaded.zone.record_count()
            )
            .map_err(write_err)?;
        }
    }
    if args.json {
        let doc = serde_json::json!({ "valid": errors == 0, "errors": errors, "files": reports });
        writeln!(stdout, "{doc:#}").map_err(write_err)?;
    }
    if errors > 0 {
        return Err(Error::InvalidZones {
            files: bad_files,
            errors,
        });
    }
    Ok(())
}

/// The path of a zone's file in `dir`, from a zone name given with or without the trailing dot.
pub(super) fn zone_path(dir: &Path, zone: &str) -> Result<PathBuf> {
    let origin = name::parse_zone(zone)
        .map_err(|e| Error::Usage(format!("'{zone}' is not a zone name: {e}")))?;
    let file = format!("{}.yaml", origin.to_ascii().trim_end_matches('.'));
    let path = dir.join(&file);
    if path.exists() {
        return Ok(path);
    }
    // Zone names are case-insensitive: zones/Example.COM.yaml is the file of example.com.
    let other_case = std::fs::read_dir(dir).ok().and_then(|entries| {
        entries.filter_map(|e| e.ok().map(|e| e.path())).find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.eq_ignore_ascii_case(&file))
        })
    });
    Ok(other_case.unwrap_or(path))
}

pub fn export(args: &ExportArgs) -> Result<()> {
    let path = zone_path(&args.zones, &args.zone)?;
    if !path.exists() {
        return Err(Error::ZoneNotFound {
            zone: args.zone.clone(),
            dir: args.zones.clone(),
        });
    }
    let loaded = load_file(&path)?;
    if !loaded.is_valid() {
        render_diagnostics(&mut std::io::stderr(), &loaded.diagnostics, Style::plain()).map_err(
            |source| Error::Write {
                path: "<stderr>".into(),
                source,
            },
        )?;
        let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
        return Err(Error::InvalidZones { files: 1, errors });
    }
    // A routed set has no master-file form: several of them at one name and type would read
    // back as one record set, which is not what Route 53 serves.
    let routed: Vec<String> = loaded
        .zone
        .rrsets
        .keys()
        .filter(|k| k.set_id.is_some())
        .map(|k| format!("{} {}{}", k.name.to_ascii(), k.rtype, k.set_label()))
        .collect();
    if !routed.is_empty() {
        return Err(Error::Usage(format!(
            "{} has {} Route 53 routed set(s) ({}{}), which have no master-file form: a master file would merge the sets of a name into one record set; export a copy of the file without them",
            path.display(),
            routed.len(),
            routed
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            if routed.len() > 5 { ", …" } else { "" }
        )));
    }
    let mut servers = Vec::new();
    for ns in &args.ns {
        let fqdn = if ns.ends_with('.') {
            ns.clone()
        } else {
            format!("{ns}.")
        };
        let server = name::parse_target(&fqdn, false)
            .map_err(|e| Error::Usage(format!("--ns '{ns}': {e}")))?;
        servers.push(server);
    }
    let text = bind::export(&loaded.zone, &servers, Some(&path));
    write_output(args.output.as_deref(), &text)
}

/// `dns import --from-bind FILE`.
pub fn import_bind(args: &ImportArgs, file: &Path) -> Result<()> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let origin = match &args.zone {
        Some(z) => Some(
            name::parse_zone(z)
                .map_err(|e| Error::Usage(format!("'{z}' is not a zone name: {e}")))?,
        ),
        None => None,
    };
    let (zone, notes) = bind::import(&text, file, origin)?;
    for dropped in &notes.dropped {
        eprintln!("note: left out {dropped}");
    }
    for warning in &notes.warnings {
        eprintln!("warning: {warning}");
    }
    write_zone_file(&zone, args)
}

/// Writes an imported zone to `-o FILE`, stdout (`-o -`) or `zones/<zone>.yaml`, refusing to
/// overwrite without --force, and checks the text with the loader that will read it.
pub fn write_zone_file(zone: &Zone, args: &ImportArgs) -> Result<()> {
    let yaml = write::to_yaml(zone);
    let target = match &args.output {
        Some(path) => path.clone(),
        None => zone_path(&args.zones, &zone.origin.to_ascii())?,
    };
    let is_stdout = target.as_os_str() == "-";
    if !is_stdout && target.exists() && !args.force {
        return Err(Error::Exists { path: target });
    }
    let check_path = if is_stdout {
        zone_path(Path::new("."), &zone.origin.to_ascii())?
    } else {
        target.clone()
    };
    // The text is read back by the loader that will read it, before anything is written: an
    // import that would not load (or would load into other records) writes nothing.
    let loaded = load::load_str(&check_path, &yaml);
    if loaded.is_valid() && loaded.zone.rrsets != zone.rrsets {
        return Err(Error::Usage(format!(
            "internal error: the zone file written for {} would not read back as the same records; nothing was written (please report this with the input)",
            zone.origin.to_ascii()
        )));
    }
    if loaded.is_valid() {
        write_output(if is_stdout { None } else { Some(&target) }, &yaml)?;
        if !is_stdout {
            eprintln!(
                "wrote {} ({} record sets, {} records)",
                target.display(),
                zone.rrsets.len(),
                zone.record_count()
            );
        }
    }
    if !loaded.is_valid() {
        render_diagnostics(&mut std::io::stderr(), &loaded.diagnostics, Style::plain()).map_err(
            |source| Error::Write {
                path: "<stderr>".into(),
                source,
            },
        )?;
        let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
        return Err(Error::InvalidZones { files: 1, errors });
    }
    Ok(())
}

fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .map_err(|source| Error::Write {
                    path: "<stdout>".into(),
                    source,
                })
        }
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
            std::fs::write(path, text).map_err(|source| Error::Write {
                path: path.to_path_buf(),
                source,
            })
        }
    }
}
