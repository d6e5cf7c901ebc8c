//! RFC 1035 master files (BIND zone files): export for `named-checkzone` and other servers,
//! import through our own reader ([`super::master`]).
//!
//! A master file (RFC 1035 §5) needs an SOA and apex NS records, which Route 53 owns and the zone
//! model leaves out: export writes placeholders for them (or the name servers given), and import
//! drops them again. Route 53 aliases have no master-file form; export keeps each as a comment
//!
//! ```text
//! ; dns-alias: hive.example.com. A dualstack.hive-alb-1.ap-northeast-2.elb.amazonaws.com. ZWKZPGTI48KDX false
//! ```
//!
//! which servers ignore and import restores, so that export → import gives back the same zone.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::load::normalize_zone_id;
use super::master::{self, Issue, Value};
use super::name;
use super::wire::presentation;
use super::{Alias, Name, RData, RType, RecordSet, RrKey, Zone};

/// The comment tag that carries an alias through a master file.
pub const ALIAS_TAG: &str = "dns-alias:";

/// Placeholder name server written when none is given (`.invalid` never resolves, RFC 6761).
pub const PLACEHOLDER_NS: &str = "route53-name-servers.invalid.";

/// Writes `zone` as a master file. `name_servers` replace the placeholder apex NS records.
pub fn export(zone: &Zone, name_servers: &[Name], source: Option<&Path>) -> String {
    let origin = zone.origin.to_ascii();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "; zone {origin}, written by dns {}",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(source) = source {
        let _ = writeln!(out, "; from {}", source.display());
    }
    let _ = writeln!(
        out,
        "; The apex SOA and NS records belong to Route 53; the ones below stand in for them."
    );
    let _ = writeln!(
        out,
        "; Route 53 ALIAS records have no master-file form and are kept as '{ALIAS_TAG}' comments."
    );
    let _ = writeln!(out, "$ORIGIN {origin}");
    let _ = writeln!(out, "$TTL {}", zone.settings.default_ttl);
    let placeholder = [Name::from_ascii(PLACEHOLDER_NS).unwrap_or_else(|_| Name::root())];
    let ns: &[Name] = if name_servers.is_empty() {
        &placeholder
    } else {
        name_servers
    };
    let _ = writeln!(
        out,
        "{origin} 900 IN SOA {} hostmaster.{origin} 1 7200 900 1209600 86400",
        ns[0].to_ascii()
    );
    for server in ns {
        let _ = writeln!(out, "{origin} 172800 IN NS {}", server.to_ascii());
    }
    for (key, set) in &zone.rrsets {
        let owner = key.name.to_ascii();
        if let RData::Alias(alias) = &set.data {
            let _ = writeln!(
                out,
                "; {ALIAS_TAG} {owner} {} {} {} {}",
                key.rtype,
                alias.target.to_ascii(),
                alias.hosted_zone_id.as_deref().unwrap_or("-"),
                alias.evaluate_target_health
            );
            continue;
        }
        let ttl = set.ttl.unwrap_or(zone.settings.default_ttl);
        for value in presentation(&set.data) {
            let _ = writeln!(out, "{owner} {ttl} IN {} {value}", key.rtype);
        }
    }
    out
}

/// Why a master file could not be imported: every problem, each at its line.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", .issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Problems { issues: Vec<Issue> },
    #[error(
        "{file}: no zone name: the file has no SOA record and no $ORIGIN line (give the zone: dns import ZONE --from-bind FILE)"
    )]
    NoOrigin { file: String },
}

/// What an import leaves out or decides, for the user to know.
#[derive(Debug, Default)]
pub struct ImportNotes {
    pub dropped: Vec<String>,
    /// `file:line: message`: what was kept where the file says two things (as BIND does).
    pub warnings: Vec<String>,
    /// The file and line where each set was first written: a problem the zone-file rules find
    /// in a set is told there (the YAML it would have become is never written).
    pub lines: BTreeMap<RrKey, (String, usize)>,
}

/// Reads a master file into a zone. The zone is `origin` (the ZONE argument), else the owner of
/// the file's SOA, else its first `$ORIGIN`; records outside it are refused with their line.
pub fn import(
    text: &str,
    file: &Path,
    origin: Option<Name>,
) -> Result<(Zone, ImportNotes), ImportError> {
    let mut read = master::read(text, file, origin.clone());
    let mut issues = std::mem::take(&mut read.issues);
    let Some(zone_name) = origin
        .or(read.soa_owner.clone())
        .or(read.first_origin.clone())
    else {
        return Err(ImportError::NoOrigin {
            file: file.display().to_string(),
        });
    };
    let mut zone = Zone::new(zone_name.clone());
    if let Some(ttl) = read.ttl_directive {
        zone.settings.default_ttl = ttl;
    }
    let mut notes = ImportNotes::default();
    let sets = gather_sets(&read, &zone_name, &mut issues, &mut notes);
    notes.warnings.extend(read.notes.iter().cloned());
    cname_alone(&sets, &mut issues);
    for (key, set) in sets {
        notes.lines.insert(key.clone(), (set.file, set.line));
        let data = super::text::rdata(key.rtype, set.values);
        zone.rrsets.insert(key, RecordSet::new(Some(set.ttl), data));
    }
    alias_comments(text, file, &mut zone, &mut notes, &mut issues);
    if !issues.is_empty() {
        issues.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        return Err(ImportError::Problems { issues });
    }
    Ok((zone, notes))
}

/// A record set as the master file builds it: its TTL, where it was first written, its values.
struct Draft {
    ttl: u32,
    file: String,
    line: usize,
    values: Vec<Value>,
}

fn issue_at(r: &master::Record, rule: &'static str, message: String) -> Issue {
    Issue::new(&r.file, r.line, rule, message)
}

/// The records of the file as sets of the zone: outside the zone, a misplaced SOA and a second
/// CNAME refused; the apex SOA and NS left to Route 53 (noted); a set's TTL the one BIND keeps.
fn gather_sets(
    read: &master::Read,
    zone_name: &Name,
    issues: &mut Vec<Issue>,
    notes: &mut ImportNotes,
) -> BTreeMap<RrKey, Draft> {
    let mut sets: BTreeMap<RrKey, Draft> = BTreeMap::new();
    // Within one of BIND's batches the first TTL of a set holds; the batch committed last decides.
    let mut batches = Batches::default();
    let runs: Vec<usize> = read.records.iter().map(|r| batches.of(r)).collect();
    let committed = batches.finish();
    let mut run_of: BTreeMap<RrKey, usize> = BTreeMap::new();
    let mut apex_noted = false;
    for (r, &run) in read.records.iter().zip(&runs) {
        let what = format!(
            "{} {}",
            r.owner.to_ascii(),
            r.rtype.map_or("SOA".into(), |t| t.to_string())
        );
        let rtype = match placed(r, zone_name, &what, &mut apex_noted, notes) {
            Ok(Some(rtype)) => rtype,
            Ok(None) => continue,
            Err(issue) => {
                issues.push(issue);
                continue;
            }
        };
        let ttl = r.ttl;
        let key = RrKey::new(r.owner.clone(), rtype);
        let later = match run_of.get(&key) {
            None => true,
            Some(&before) => committed[run] > committed[before],
        };
        if later {
            run_of.insert(key.clone(), run);
        }
        let set = sets.entry(key).or_insert_with(|| Draft {
            ttl,
            file: r.file.clone(),
            line: r.line,
            values: Vec::new(),
        });
        if set.ttl != ttl {
            let kept = if later { ttl } else { set.ttl };
            notes.warnings.push(format!(
                "{}:{}: {what}: TTL {ttl} differs from the set's TTL {} ({}:{}); the set takes {kept}, as BIND does",
                r.file, r.line, set.ttl, set.file, set.line
            ));
            set.ttl = kept;
        }
        if rtype == RType::CNAME && !set.values.is_empty() && !set.values.contains(&r.value) {
            issues.push(issue_at(
                r,
                "master.cname-multiple",
                format!("{what}: a second CNAME at the same name (first at line {}); a name has one CNAME", set.line),
            ));
            continue;
        }
        if !set.values.contains(&r.value) {
            set.values.push(r.value.clone());
        }
    }
    sets
}

/// Where a record goes: its type when it is one of the zone's sets; `None` for the apex SOA
/// and NS, which Route 53 owns (noted once); refused outside the zone or an SOA off the apex.
fn placed(
    r: &master::Record,
    zone_name: &Name,
    what: &str,
    apex_noted: &mut bool,
    notes: &mut ImportNotes,
) -> Result<Option<RType>, Issue> {
    if !zone_name.zone_of(&r.owner) {
        return Err(issue_at(
            r,
            "master.outside-zone",
            format!(
                "{what}: outside the zone {} (a $ORIGIN elsewhere?)",
                zone_name.to_ascii()
            ),
        ));
    }
    let Some(rtype) = r.rtype else {
        if r.owner != *zone_name {
            return Err(issue_at(
                r,
                "master.soa",
                format!(
                    "{what}: the SOA belongs at the zone's apex, {}",
                    zone_name.to_ascii()
                ),
            ));
        }
        notes
            .dropped
            .push(format!("{what} (Route 53 owns the apex SOA and NS)"));
        return Ok(None);
    };
    if r.owner == *zone_name && rtype == RType::NS {
        if !*apex_noted {
            notes.dropped.push(format!(
                "{} NS (Route 53 owns the apex SOA and NS)",
                zone_name.to_ascii()
            ));
            *apex_noted = true;
        }
        return Ok(None);
    }
    Ok(Some(rtype))
}

/// A CNAME stands alone at its name (RFC 1034 §3.6.2).
fn cname_alone(sets: &BTreeMap<RrKey, Draft>, issues: &mut Vec<Issue>) {
    let mut by_owner: BTreeMap<&Name, Vec<(RType, &str, usize)>> = BTreeMap::new();
    for (key, set) in sets {
        by_owner
            .entry(&key.name)
            .or_default()
            .push((key.rtype, &set.file, set.line));
    }
    for (owner, types) in &by_owner {
        if types.len() > 1
            && let Some((_, f, line)) = types.iter().find(|t| t.0 == RType::CNAME)
        {
            let others: Vec<String> = types
                .iter()
                .filter(|t| t.0 != RType::CNAME)
                .map(|t| t.0.to_string())
                .collect();
            issues.push(Issue {
                file: f.to_string(),
                line: *line,
                rule: "master.cname-coexist",
                message: format!(
                    "{} CNAME: the name also has {} records; a CNAME stands alone",
                    owner.to_ascii(),
                    others.join(", ")
                ),
            });
        }
    }
}

/// The aliases dns's export writes as comments (`; dns:alias …`), read back.
fn alias_comments(
    text: &str,
    file: &Path,
    zone: &mut Zone,
    notes: &mut ImportNotes,
    issues: &mut Vec<Issue>,
) {
    for (i, line) in text.lines().enumerate() {
        let Some(alias) = line
            .trim_start()
            .strip_prefix(';')
            .map(str::trim_start)
            .and_then(|l| l.strip_prefix(ALIAS_TAG))
        else {
            continue;
        };
        match parse_alias_comment(alias, &zone.origin) {
            Some((key, alias)) => {
                notes
                    .lines
                    .insert(key.clone(), (file.display().to_string(), i + 1));
                zone.rrsets
                    .insert(key, RecordSet::new(None, RData::Alias(Box::new(alias))));
            }
            None => issues.push(Issue {
                file: file.display().to_string(),
                line: i + 1,
                rule: "master.alias",
                message: format!("malformed alias comment: {}", line.trim()),
            }),
        }
    }
}

/// BIND's batches (`load_text` in lib/dns/master.c): records are committed to the zone a run at
/// a time. A run is the records of one owner as written (case counts: `t` then `T` are two runs)
/// in one file. The records of a name that the run's own NS records point at (its glue) form
/// runs of their own that do not end the owner's run: the owner's records after its glue go on
/// in the run they began. The glue is committed when its name ends, before the owner's run; at
/// the end of a file (and at `$INCLUDE`) the owner's run is committed first, then its glue.
#[derive(Default)]
struct Batches {
    count: usize,
    current: Option<Run>,
    /// The glue name as written and its run's number.
    glue: Option<(Name, usize)>,
    /// Run numbers in the order they were committed.
    committed: Vec<usize>,
}

struct Run {
    file: String,
    /// The owner as written.
    owner: Name,
    number: usize,
    /// The targets of the run's NS records.
    ns_targets: Vec<Name>,
}

impl Batches {
    /// The number of the run `r` belongs to.
    fn of(&mut self, r: &master::Record) -> usize {
        let owner = &r.written_owner;
        if self.current.as_ref().is_some_and(|c| c.file != r.file) {
            // `$INCLUDE` and the end of an included file commit all (COMMITALL).
            self.commit_all();
        }
        if let Some((glue, number)) = &self.glue
            && glue.eq_case(owner)
        {
            return *number;
        }
        self.commit_glue();
        let Some(mut current) = self.current.take() else {
            return self.open(r);
        };
        if current.owner.eq_case(owner) {
            if let (Some(RType::NS), master::Value::Name(target)) = (r.rtype, &r.value) {
                current.ns_targets.push(target.clone());
            }
            let number = current.number;
            self.current = Some(current);
            return number;
        }
        // A target of the run's NS records (compared without case, as BIND's is_glue does).
        if current.ns_targets.iter().any(|target| target == owner) {
            self.count += 1;
            self.glue = Some((owner.clone(), self.count));
            self.current = Some(current);
            return self.count;
        }
        self.committed.push(current.number);
        self.open(r)
    }

    fn commit_glue(&mut self) {
        if let Some((_, number)) = self.glue.take() {
            self.committed.push(number);
        }
    }

    /// The owner's run, then its glue (as at the end of a file).
    fn commit_all(&mut self) {
        if let Some(current) = self.current.take() {
            self.committed.push(current.number);
        }
        self.commit_glue();
    }

    /// Ends the last runs; gives each run's place in the order of commits, by run number.
    fn finish(mut self) -> Vec<usize> {
        self.commit_all();
        let mut place = vec![0; self.count + 1];
        for (i, number) in self.committed.iter().enumerate() {
            place[*number] = i;
        }
        place
    }

    fn open(&mut self, r: &master::Record) -> usize {
        self.count += 1;
        let mut ns_targets = Vec::new();
        if let (Some(RType::NS), master::Value::Name(target)) = (r.rtype, &r.value) {
            ns_targets.push(target.clone());
        }
        self.current = Some(Run {
            file: r.file.clone(),
            owner: r.written_owner.clone(),
            number: self.count,
            ns_targets,
        });
        self.count
    }
}

fn parse_alias_comment(text: &str, origin: &Name) -> Option<(RrKey, Alias)> {
    let mut words = text.split_whitespace();
    let owner = name::parse_owner(words.next()?, origin).ok()?;
    let rtype = match words.next()? {
        "A" => RType::A,
        "AAAA" => RType::AAAA,
        _ => return None,
    };
    let target = name::parse_target(words.next()?, false).ok()?;
    let hosted_zone_id = match words.next()? {
        "-" => None,
        id => Some(normalize_zone_id(id)?),
    };
    let evaluate_target_health = words.next()?.parse().ok()?;
    Some((
        RrKey::new(owner, rtype),
        Alias {
            target,
            hosted_zone_id,
            evaluate_target_health,
        },
    ))
}
#[cfg(test)]
mod tests {
    use super::*;

    /// The TTLs named-checkzone -D gives for tests/masters/rrset-{glue-run,owner-case}.db.
    #[test]
    fn runs_are_bind_s_batches_glue_inside_and_case_apart() {
        let zone = name::parse_zone("example.com").unwrap();
        let ttl = |text: &str, owner: &str, rtype: RType| {
            let (z, _) = import(text, Path::new("t.db"), Some(zone.clone())).unwrap();
            let owner = name::parse_owner(owner, &zone).unwrap();
            z.rrsets[&RrKey::new(owner, rtype)].ttl
        };
        let glue = include_str!("../../tests/masters/rrset-glue-run.db");
        assert_eq!(ttl(glue, "@", RType::TXT), Some(2));
        assert_eq!(ttl(glue, "sub", RType::TXT), Some(60));
        assert_eq!(ttl(glue, "ns.sub", RType::A), Some(30));
        assert_eq!(ttl(glue, "ns.sub", RType::AAAA), Some(20));
        assert_eq!(ttl(glue, "sub2", RType::TXT), Some(8));
        let case = include_str!("../../tests/masters/rrset-owner-case.db");
        assert_eq!(ttl(case, "t", RType::TXT), Some(300));
        assert_eq!(ttl(case, "u", RType::TXT), Some(900));
    }
}
