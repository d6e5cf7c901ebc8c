//! The table's questions ([`crate::check::questions`]) asked of each address of the zone's
//! servers, all at once over one socket, and over TCP beside them whether it gives the zone by
//! transfer; a server that never answered during the walk asked after it (a plain SOA first).

use std::net::IpAddr;

use hickory_proto::rr::Name;

use crate::check::facts::{Facts, TransferProbe, is_route53};
use crate::check::questions::{self, Asked, Question};
use crate::walk::batch::Framed;
use crate::walk::{self, NameServer, Walker};

/// The questions of the table asked of each server of the zone once it has answered with
/// authority (or, for a server that never did, after the walk). Each address is asked all of
/// them at once over one socket, and, over TCP beside them, for a zone transfer (only whether
/// it opens: no round trip of its own, as the SOA is asked over TCP in the same round).
#[derive(Debug, Default)]
pub(super) struct ServerAnswers {
    asked: Vec<Asked>,
    transfers: Vec<TransferProbe>,
}

impl ServerAnswers {
    pub(super) fn into_facts(self, facts: &mut Facts) {
        facts.asked.extend(self.asked);
        facts.transfers.extend(self.transfers);
    }
}

pub(super) async fn server_questions(
    walker: &Walker,
    server: &NameServer,
    zone: &Name,
    nonexistent: &Name,
    entries: &[&questions::Entry],
) -> ServerAnswers {
    let framed: Vec<Framed> = entries
        .iter()
        .map(|e| e.framed(zone, nonexistent))
        .collect();
    let targets: Vec<IpAddr> = walker
        .targets(std::slice::from_ref(server))
        .map(|(_, a)| a)
        .collect();
    let asked = targets.into_iter().map(|addr| {
        let framed = &framed;
        async move {
            let retries = walker.config.retries;
            let transfer = async {
                if is_route53(&server.name) {
                    return None;
                }
                Some(walker.transfer_given(addr, zone).await)
            };
            let (probes, transfer) = futures_util::join!(
                walker.probe_forms(&server.name, addr, framed, retries),
                transfer
            );
            (addr, probes, transfer)
        }
    });
    let mut answers = ServerAnswers::default();
    for (addr, probes, transfer) in futures_util::future::join_all(asked).await {
        if let Some(t) = transfer {
            answers
                .transfers
                .push(transfer_probe(&server.name, addr, t));
        }
        answers
            .asked
            .extend(entries.iter().zip(probes).map(|(e, probe)| Asked {
                question: e.question,
                probe,
            }));
    }
    answers
}

/// What a transfer's first message said.
fn transfer_probe(server: &Name, addr: IpAddr, t: walk::transport::Transfer) -> TransferProbe {
    use walk::transport::Transfer;
    let (given, why) = match t {
        Transfer::CutShort { .. } | Transfer::Records(_) => (true, String::new()),
        Transfer::Refused(why) => (false, why),
        Transfer::Failed(e) => (false, e.to_string()),
    };
    TransferProbe {
        server: server.clone(),
        addr,
        given,
        why,
    }
}

/// The server questions of the zone's servers that never answered with authority during the
/// walk (one round trip more, only when a server failed; each address once).
pub(super) async fn ask_the_others(walker: &Walker, facts: &mut Facts, nonexistent: &Name) {
    let Some(zone) = facts.zone.clone() else {
        return;
    };
    let asked: std::collections::HashSet<IpAddr> =
        facts.asked.iter().map(|b| b.probe.addr).collect();
    let mut seen = std::collections::HashSet::new();
    let others: Vec<NameServer> = facts
        .zone_servers()
        .iter()
        .map(|s| NameServer {
            name: s.name.clone(),
            addrs: s
                .addrs
                .iter()
                .copied()
                .filter(|a| !asked.contains(a) && seen.insert(*a))
                .collect(),
        })
        .filter(|s| !s.addrs.is_empty())
        .collect();
    let answers = futures_util::future::join_all(
        others
            .iter()
            .map(|s| failed_server_questions(walker, s, &zone, nonexistent)),
    )
    .await;
    for a in answers {
        a.into_facts(facts);
    }
}

/// The server questions of a server that never answered with authority: first whether it
/// answers a plain question (once, no retry: a server silent to everything costs one attempt's
/// timeout more); the other questions only of an address that does.
async fn failed_server_questions(
    walker: &Walker,
    server: &NameServer,
    zone: &Name,
    nonexistent: &Name,
) -> ServerAnswers {
    let first = Question::NoEdns.entry();
    let plain = futures_util::future::join_all(server.addrs.iter().map(|&addr| async move {
        let framed = [first.framed(zone, nonexistent)];
        let probes = walker.probe_forms(&server.name, addr, &framed, 0).await;
        probes.into_iter().map(|probe| Asked {
            question: first.question,
            probe,
        })
    }))
    .await
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let answering = NameServer {
        name: server.name.clone(),
        addrs: plain
            .iter()
            .filter(|b| b.probe.result.is_ok())
            .map(|b| b.probe.addr)
            .collect(),
    };
    let rest: Vec<&questions::Entry> = questions::TABLE
        .iter()
        .filter(|e| e.question != first.question)
        .collect();
    let mut answers = server_questions(walker, &answering, zone, nonexistent, &rest).await;
    answers.asked.extend(plain);
    answers
}

/// A name of `zone` that does not exist: a random label under the apex (none when the name
/// would be too long).
pub(super) fn nonexistent_name(zone: &Name) -> Option<Name> {
    let label = format!(
        "{}-{:08x}",
        questions::NONEXISTENT_LABEL,
        rand::random::<u32>()
    );
    Name::from_ascii(&label).ok()?.append_domain(zone).ok()
}

/// The server questions' answers in the order of the zone's servers, not of their arrival:
/// reports stay stable.
pub(super) fn in_server_order(facts: &mut Facts) {
    let servers = facts.zone_servers().to_vec();
    let order = |addr: &IpAddr| servers.iter().position(|s| s.addrs.contains(addr));
    facts
        .asked
        .sort_by_key(|b| (order(&b.probe.addr), b.probe.addr, b.question));
    facts.transfers.sort_by_key(|t| (order(&t.addr), t.addr));
}
