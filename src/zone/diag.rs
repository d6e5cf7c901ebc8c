//! Diagnostics: what a zone file gets wrong, where, and what to do about it.
//!
//! Every problem found while loading a zone file is a [`Diagnostic`] with a stable rule code
//! (documented in docs/zone-files.md), a 1-based line and column, a message and, where one helps, a hint.
//! The loader collects all of them instead of stopping at the first.

use std::fmt;
use std::path::{Path, PathBuf};

pub use crate::severity::Severity;

macro_rules! rules {
    ($( $variant:ident = $text:literal; )*) => {
        /// The rule a zone-file diagnostic breaks: stable codes, documented in docs/zone-files.md's
        /// table of `dns validate` (a test holds the two together).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rule {
            $( $variant, )*
        }

        impl Rule {
            /// Every rule.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The rule as the diagnostics print it, e.g. `cname.apex`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Rule::$variant => $text, )*
                }
            }
        }
    };
}

rules! {
    AInvalid = "a.invalid";
    AaaaInvalid = "aaaa.invalid";
    AliasElbRegion = "alias.elb-region";
    AliasField = "alias.field";
    AliasHostedZoneId = "alias.hosted-zone-id";
    AliasMultiple = "alias.multiple";
    AliasTargetMissing = "alias.target-missing";
    AliasTtl = "alias.ttl";
    ApexRoute53Owned = "apex.route53-owned";
    CaaField = "caa.field";
    CnameApex = "cname.apex";
    CnameCoexist = "cname.coexist";
    CnameMultiple = "cname.multiple";
    HealthCheckChildren = "health_check.children";
    HealthCheckHost = "health_check.host";
    HealthCheckId = "health_check.id";
    HealthCheckInterval = "health_check.interval";
    HealthCheckInvalid = "health_check.invalid";
    HealthCheckIp = "health_check.ip";
    HealthCheckName = "health_check.name";
    HealthCheckType = "health_check.type";
    HealthCheckUndefined = "health_check.undefined";
    HealthCheckUnknownKey = "health_check.unknown-key";
    MxField = "mx.field";
    MxNull = "mx.null";
    NameIdn = "name.idn";
    NameInvalid = "name.invalid";
    NameLabelTooLong = "name.label-too-long";
    NameOutsideZone = "name.outside-zone";
    NameTooLong = "name.too-long";
    NameWildcard = "name.wildcard";
    NsOccluded = "ns.occluded";
    NsWildcard = "ns.wildcard";
    PrivateInvalid = "private.invalid";
    RecordDuplicateType = "record.duplicate-type";
    RecordMissingType = "record.missing-type";
    RecordMissingValue = "record.missing-value";
    RecordOctodns = "record.octodns";
    RecordShape = "record.shape";
    RecordUnknownKey = "record.unknown-key";
    RecordValueConflict = "record.value-conflict";
    RoutingDuplicateLocation = "routing.duplicate-location";
    RoutingFailover = "routing.failover";
    RoutingFailoverUnchecked = "routing.failover-unchecked";
    RoutingGeo = "routing.geo";
    RoutingGeoDefault = "routing.geo-default";
    RoutingMixed = "routing.mixed";
    RoutingMultivalue = "routing.multivalue";
    RoutingPolicy = "routing.policy";
    RoutingRegion = "routing.region";
    RoutingSetId = "routing.set-id";
    RoutingTtl = "routing.ttl";
    RoutingWeight = "routing.weight";
    SettingsInvalid = "settings.invalid";
    SettingsUnknownKey = "settings.unknown-key";
    SrvField = "srv.field";
    SrvName = "srv.name";
    TargetHostName = "target.host-name";
    TargetInvalid = "target.invalid";
    TargetNotFqdn = "target.not-fqdn";
    TtlRange = "ttl.range";
    TxtEscape = "txt.escape";
    TxtInvalid = "txt.invalid";
    TxtQuoted = "txt.quoted";
    TxtSpf = "txt.spf";
    TxtStringTooLong = "txt.string-too-long";
    TxtTooLong = "txt.too-long";
    TypeUnknown = "type.unknown";
    ValuesDuplicate = "values.duplicate";
    YamlDuplicateKey = "yaml.duplicate-key";
    YamlInclude = "yaml.include";
    YamlSyntax = "yaml.syntax";
    YamlTag = "yaml.tag";
    ZoneFileName = "zone.file-name";
    ZoneShape = "zone.shape";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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

    pub fn error(&mut self, pos: Pos, rule: Rule, message: impl Into<String>) -> Hint<'_> {
        self.push(Severity::Error, pos, rule, message)
    }

    pub fn warning(&mut self, pos: Pos, rule: Rule, message: impl Into<String>) -> Hint<'_> {
        self.push(Severity::Warning, pos, rule, message)
    }

    fn push(
        &mut self,
        severity: Severity,
        pos: Pos,
        rule: Rule,
        message: impl Into<String>,
    ) -> Hint<'_> {
        let index = self.items.len();
        self.items.push(Diagnostic {
            file: self.file.clone(),
            pos,
            severity,
            rule: rule.as_str(),
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

#[cfg(test)]
mod rule_tests {
    use super::Rule;

    /// The table of `dns validate` rules in docs/zone-files.md names every rule, and only rules.
    #[test]
    fn the_rules_table_of_the_docs_lists_every_rule() {
        let page = include_str!("../../docs/zone-files.md");
        let start = page
            .find("| rule | what is wrong |")
            .expect("the rules table");
        let table = &page[start..];
        let table = &table[..table.find("\n\n").unwrap_or(table.len())];
        let mut listed: Vec<&str> = table
            .lines()
            // The first column of each row: the rules, each in backticks.
            .filter_map(|row| row.split(" | ").next())
            .flat_map(|cell| cell.split('`').skip(1).step_by(2))
            .filter(|t| t.contains('.'))
            .collect();
        listed.sort_unstable();
        listed.dedup();
        let mut rules: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
        rules.sort_unstable();
        assert_eq!(listed, rules);
    }
}
