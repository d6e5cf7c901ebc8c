//! Diagnostics: what a zone file gets wrong, where, and what to do about it.
//!
//! Every problem found while loading a zone file is a [`Diagnostic`] with a stable rule code
//! (documented in the README), a 1-based line and column, a message and, where one helps, a hint.
//! The loader collects all of them instead of stopping at the first.

use std::fmt;
use std::path::{Path, PathBuf};

pub use crate::severity::Severity;

/// A 1-based line and column in a zone file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    pub line: u64,
    pub column: u64,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub file: PathBuf,
    #[serde(flatten)]
    pub pos: Pos,
    pub severity: Severity,
    /// Stable rule code, e.g. `cname.apex`.
    pub rule: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        write!(
            f,
            "{}:{}:{}: {}{}: {}",
            self.file.display(),
            self.pos.line,
            self.pos.column,
            sev,
            self.rule,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics for one file.
#[derive(Debug)]
pub struct Sink {
    file: PathBuf,
    pub items: Vec<Diagnostic>,
}

impl Sink {
    pub fn new(file: &Path) -> Self {
        Sink {
            file: file.to_path_buf(),
            items: Vec::new(),
        }
    }

    pub fn error(&mut self, pos: Pos, rule: &'static str, message: impl Into<String>) -> Hint<'_> {
        self.push(Severity::Error, pos, rule, message)
    }

    pub fn warning(
        &mut self,
        pos: Pos,
        rule: &'static str,
        message: impl Into<String>,
    ) -> Hint<'_> {
        self.push(Severity::Warning, pos, rule, message)
    }

    fn push(
        &mut self,
        severity: Severity,
        pos: Pos,
        rule: &'static str,
        message: impl Into<String>,
    ) -> Hint<'_> {
        let index = self.items.len();
        self.items.push(Diagnostic {
            file: self.file.clone(),
            pos,
            severity,
            rule,
            message: message.into(),
            hint: None,
        });
        Hint(&mut self.items[index])
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Diagnostics in file order.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items
            .sort_by(|a, b| a.pos.cmp(&b.pos).then(a.rule.cmp(b.rule)));
        self.items
    }
}

/// Lets a caller attach a hint to the diagnostic just pushed.
pub struct Hint<'a>(&'a mut Diagnostic);

impl Hint<'_> {
    pub fn hint(self, hint: impl Into<String>) {
        self.0.hint = Some(hint.into());
    }
}
