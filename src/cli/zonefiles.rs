//! `dns validate`, `dns export`, `dns import --from-bind`: commands on zone files alone.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Style;
use super::args::{ExportArgs, ImportArgs, ValidateArgs};
use crate::error::{Error, Result};
use crate::report::diag::render as render_diagnostics;
use crate::zone::load;
use crate::zone::{RrKey, Zone, bind, name, write};
use crate::zonedir::{self, ZonesDir};

pub fn validate(args: &ValidateArgs, style: Style) -> Result<()> {
    let files = zonedir::expand(&args.paths)?;
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
        let loaded = zonedir::load(file)?;
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
            diagnostics: vec![],
        });
    }
    Ok(())
}

pub fn export(args: &ExportArgs) -> Result<()> {
    let path = ZonesDir::new(&args.zones).existing(&args.zone)?;
    let loaded = zonedir::load(&path)?;
    zonedir::refuse_invalid(&loaded)?;
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
    let text = crate::zone::read_text(file).map_err(|source| Error::Read {
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
    write_zone_file(&zone, args, |key| match notes.lines.get(key) {
        Some((file, line)) => format!("{file}:{line}"),
        None => format!("{} {}", key.name.to_ascii(), key.rtype),
    })
}

/// Writes an imported zone to `-o FILE`, stdout (`-o -`) or `zones/<zone>.yaml`, refusing to
/// overwrite without --force, and checks the text with the loader that will read it. Where the
/// text breaks a rule nothing is written, and each problem is told at `source` of its set (the
/// master file's line, the Route 53 set), not in the file never written.
pub fn write_zone_file(
    zone: &Zone,
    args: &ImportArgs,
    source: impl Fn(&RrKey) -> String,
) -> Result<()> {
    let (yaml, starts) = write::to_yaml_mapped(zone);
    let target = match &args.output {
        Some(path) => path.clone(),
        None => ZonesDir::new(&args.zones).file_of(&zone.origin),
    };
    let is_stdout = target.as_os_str() == "-";
    if !is_stdout && target.exists() && !args.force {
        return Err(Error::Exists { path: target });
    }
    let check_path = if is_stdout {
        PathBuf::from(zonedir::file_name(&zone.origin))
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
    // Warnings too are told where the set came from: that is what the user has read.
    let _ = crate::report::diag::render_at(
        &mut std::io::stderr().lock(),
        &loaded.diagnostics,
        |d| {
            write::set_at(&starts, d.pos.line).map_or_else(|| "the zone's settings".into(), &source)
        },
        Style::plain(),
    );
    if !loaded.is_valid() {
        return Err(Error::ImportRefused {
            errors: loaded.diagnostics.iter().filter(|d| d.is_error()).count(),
        });
    }
    write_output(if is_stdout { None } else { Some(&target) }, &yaml)?;
    if !is_stdout {
        eprintln!(
            "wrote {} ({} record sets, {} records)",
            target.display(),
            zone.rrsets.len(),
            zone.record_count()
        );
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
