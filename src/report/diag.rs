//! Zone-file diagnostics for people: `file:line:column: rule: message`, and the hint below.

use std::io::Write;

use super::Style;
use crate::zone::diag::{Diagnostic, Severity};

pub fn render(
    out: &mut impl Write,
    diagnostics: &[Diagnostic],
    style: Style,
) -> std::io::Result<()> {
    render_at(
        out,
        diagnostics,
        |d| format!("{}:{}:{}", d.file.display(), d.pos.line, d.pos.column),
        style,
    )
}

/// Each diagnostic told at the place `at` gives (an import's master-file line or Route 53 set,
/// where the text the diagnostic points into was never written).
pub fn render_at(
    out: &mut impl Write,
    diagnostics: &[Diagnostic],
    at: impl Fn(&Diagnostic) -> String,
    style: Style,
) -> std::io::Result<()> {
    for d in diagnostics {
        let rule = match d.severity {
            Severity::Error => style.error(d.rule),
            Severity::Warning => style.warning(&format!("warning: {}", d.rule)),
        };
        writeln!(out, "{}: {rule}: {}", at(d), d.message)?;
        if let Some(hint) = &d.hint {
            writeln!(out, "  {}", style.dim(&format!("hint: {hint}")))?;
        }
    }
    Ok(())
}

/// An error as a report of many zones tells it (where stderr's lines would be lost among the
/// zones): for zone files that do not load, each diagnostic at its `file:line:column` (with
/// its hint), then the message, then the error's hint.
pub fn error_text(e: &crate::error::Error) -> String {
    let mut out = Vec::new();
    if let crate::error::Error::InvalidZones { diagnostics, .. } = e {
        let _ = render(&mut out, diagnostics, Style::plain());
    }
    let mut text = String::from_utf8_lossy(&out).into_owned();
    text.push_str(&e.to_string());
    if let Some(hint) = e.hint() {
        text.push_str(&format!("\n  hint: {hint}"));
    }
    text
}
