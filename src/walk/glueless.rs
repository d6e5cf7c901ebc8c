//! Name servers without glue: their addresses looked up by the same walker from the deepest
//! zone cut already met (never by the system resolver), each host once, cycles of zones and
//! hosts detected and said, and why an address could not be found.

use super::*;

impl Walker {
    /// The deepest zone cut met so far that holds `qname`, with its servers.
    pub(super) fn deepest_cut(&self, qname: &Name) -> Option<(Name, Vec<NameServer>)> {
        let cuts = self.cuts.lock().ok()?;
        cuts.iter()
            .filter(|(zone, _)| zone.zone_of(qname))
            .max_by_key(|(zone, _)| zone.num_labels())
            .map(|(zone, servers)| (zone.clone(), servers.clone()))
    }

    pub(super) fn note_unresolvable(&self, host: &Name, why: String) {
        if let Ok(mut map) = self.unresolvable.lock() {
            map.entry(host.clone()).or_insert(why);
        }
    }

    /// Name servers whose address the walk could not find, and why (no glue inside the zone, a
    /// cycle of zones without glue, too deep).
    pub fn unresolvable(&self) -> BTreeMap<Name, String> {
        let needed = self.needed();
        self.unresolvable
            .lock()
            .map(|m| {
                m.iter()
                    .filter(|(host, _)| needed.contains(*host))
                    .map(|(h, why)| (h.clone(), why.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A host's addresses, found by walking from the root (A and AAAA, following CNAMEs a few
    /// steps), never through the system resolver. Each host is looked up once per check.
    pub async fn addresses(&self, host: &Name) -> Vec<IpAddr> {
        self.addresses_inner(host, 1, &Chain::default()).await
    }

    pub(super) async fn addresses_inner(
        &self,
        host: &Name,
        depth: usize,
        chain: &Chain,
    ) -> Vec<IpAddr> {
        if let Ok(mut needed) = self.needed.lock() {
            needed.insert(host.clone());
        }
        if chain.hosts.contains(host) {
            // Finding this host's address needs this host's address.
            self.note_unresolvable(
                host,
                "finding its address leads back to itself (name servers without glue in each other's zones)".into(),
            );
            return Vec::new();
        }
        let cell = match self.addresses.lock() {
            Ok(mut map) => map.entry(host.clone()).or_default().clone(),
            Err(_) => Arc::default(),
        };
        let inner = chain.with_host(host);
        cell.get_or_init(|| self.look_up(host, depth, &inner))
            .await
            .clone()
    }

    pub(super) async fn look_up(&self, host: &Name, depth: usize, chain: &Chain) -> Vec<IpAddr> {
        // A and AAAA at the same time: a name server's address costs one walk's time, not two.
        let families = [RecordType::A, RecordType::AAAA].into_iter().filter(|t| {
            (*t == RecordType::A && self.config.ipv4)
                || (*t == RecordType::AAAA && self.config.ipv6)
        });
        let found = join_all(families.map(|t| self.look_up_one(host, t, depth, chain))).await;
        let mut out = BTreeSet::new();
        let mut cycle = None;
        let mut why = None;
        for (addrs, c, w) in found {
            out.extend(addrs);
            cycle = cycle.or(c);
            why = why.or(w);
        }
        if out.is_empty() {
            let why = match cycle {
                Some(zone) => format!(
                    "finding it leads back to {} (name servers without glue in each other's zones: a cycle)",
                    zone.to_ascii()
                ),
                None => why.unwrap_or_else(|| "it could not be looked up".into()),
            };
            self.note_unresolvable(host, why);
        }
        out.into_iter().collect()
    }

    /// One family of a host's addresses, following CNAMEs a few steps: the addresses, the zone
    /// a cycle led back to, and why there are none.
    pub(super) async fn look_up_one(
        &self,
        host: &Name,
        qtype: RecordType,
        depth: usize,
        chain: &Chain,
    ) -> (Vec<IpAddr>, Option<Name>, Option<String>) {
        let mut out = Vec::new();
        let mut cycle = None;
        let mut why = None;
        let mut name = host.clone();
        for _ in 0..8 {
            let walk =
                Box::pin(self.walk_inner(&name, qtype, depth, &[], chain, &Early::default())).await;
            if let End::Cycle(zone) = &walk.end {
                cycle = Some(zone.clone());
            }
            let Some(level) = walk.levels.last() else {
                break;
            };
            let answer = authoritative_answer(level, &name, qtype);
            why = Some(match &walk.end {
                End::Unreachable(zone) if level.servers.iter().all(|s| s.addrs.is_empty()) => {
                    let notes = self.unresolvable();
                    let servers: Vec<String> = level
                        .servers
                        .iter()
                        .map(|s| match notes.get(&s.name) {
                            Some(why) => format!("{} ({why})", s.name.to_ascii()),
                            None => s.name.to_ascii(),
                        })
                        .collect();
                    format!(
                        "no name server of {} has an address: {}",
                        zone.to_ascii(),
                        servers.join(", ")
                    )
                }
                End::Unreachable(zone) => {
                    format!("no server of {} gives a usable answer", zone.to_ascii())
                }
                _ if answer.nxdomain => {
                    format!("{} does not exist (NXDOMAIN)", name.to_ascii())
                }
                _ => "it has no address record of the families asked".to_string(),
            });
            out.extend(answer.addrs);
            match answer.cname {
                Some(target) if out.is_empty() => {
                    if let Ok(mut aliases) = self.aliases.lock() {
                        aliases.entry(name.clone()).or_insert(target.clone());
                    }
                    name = target;
                }
                _ => break,
            }
        }
        (out, cycle, why)
    }
}

/// What an address lookup is nested in: the zones whose glueless name servers are being looked
/// up, and the hosts being looked up. Meeting one of them again is a cycle.
#[derive(Debug, Clone, Default)]
pub(super) struct Chain {
    pub(super) zones: Vec<Name>,
    pub(super) hosts: Vec<Name>,
}

impl Chain {
    pub(super) fn with_zone(&self, zone: &Name) -> Chain {
        let mut c = self.clone();
        c.zones.push(zone.clone());
        c
    }

    pub(super) fn with_host(&self, host: &Name) -> Chain {
        let mut c = self.clone();
        c.hosts.push(host.clone());
        c
    }
}
