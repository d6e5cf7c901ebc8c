//! Asking: the one address filter (`-4`/`-6`, a route from this host, addresses found silent),
//! each question sent to an address once per check, the other forms of a question (EDNS, RD=1),
//! many questions to one server, zone transfers.

use super::*;

impl Walker {
    /// Every address of `servers` this check may ask (the `-4`/`-6` family filter, and a route
    /// from this host), with its server: the one place that picks addresses, for the walk,
    /// verification and transfers.
    pub fn targets<'s>(
        &'s self,
        servers: &'s [NameServer],
    ) -> impl Iterator<Item = (&'s NameServer, IpAddr)> + 's {
        let (v4, v6) = (self.config.ipv4, self.config.ipv6);
        servers.iter().flat_map(move |s| {
            s.addrs
                .iter()
                .filter(move |a| match a {
                    IpAddr::V4(_) => v4,
                    IpAddr::V6(_) => v6,
                })
                .filter(move |a| self.routable(**a))
                .map(move |a| (s, *a))
        })
    }

    /// Whether this host has a route to `addr`: a UDP socket is connected to it, which sends
    /// nothing. Asked once per address.
    pub(super) fn routable(&self, addr: IpAddr) -> bool {
        let Ok(mut routes) = self.routes.lock() else {
            return true;
        };
        let routable = *routes.entry(addr).or_insert_with(|| {
            let any: IpAddr = match addr {
                IpAddr::V4(_) => std::net::Ipv4Addr::UNSPECIFIED.into(),
                IpAddr::V6(_) => std::net::Ipv6Addr::UNSPECIFIED.into(),
            };
            std::net::UdpSocket::bind((any, 0))
                .and_then(|s| s.connect((addr, self.config.port)))
                .is_ok()
        });
        if !routable && let Ok(mut met) = self.unroutable_met.lock() {
            met.insert(addr);
        }
        routable
    }

    /// Addresses of name servers this host has no route to: not asked (and not blamed).
    pub fn unroutable(&self) -> Vec<IpAddr> {
        self.unroutable_met
            .lock()
            .map(|met| met.iter().copied().collect())
            .unwrap_or_default()
    }

    /// A turn to ask `addr` under the run's per-server limit, when there is one.
    async fn turn(&self, addr: IpAddr) -> Option<tokio::sync::OwnedSemaphorePermit> {
        match &self.per_server {
            Some(limit) => limit.turn(addr).await,
            None => None,
        }
    }

    pub(super) fn is_dead(&self, addr: IpAddr, proto: Proto) -> bool {
        self.dead
            .lock()
            .map(|d| d.contains(&(addr, proto)))
            .unwrap_or(false)
    }

    pub(super) fn mark_dead(&self, addr: IpAddr, proto: Proto) {
        if let Ok(mut dead) = self.dead.lock() {
            dead.insert((addr, proto));
        }
    }

    pub(super) fn settings(&self) -> transport::Settings {
        transport::Settings {
            timeout: self.config.timeout,
            retries: self.config.retries,
            recursion: false,
            form: transport::Form::Standard,
        }
    }

    /// Questions asked of `addr` over UDP in other forms (another EDNS, RD=1, another case), to
    /// see how the server behaves: asked even of a server the walk found silent (silence to the
    /// usual form is what such a question tells apart), never marking it, never shared. All of
    /// them over one socket at once (see [`batch`]): a server's questions cost one socket, not
    /// one each. A truncated answer is asked again over TCP in the same form.
    pub async fn probe_forms(
        &self,
        server: &Name,
        addr: IpAddr,
        questions: &[batch::Framed],
        retries: u32,
    ) -> Vec<Probe> {
        let sock = SocketAddr::new(addr, self.config.port);
        let (window, _turns) = match &self.per_server {
            Some(limit) => limit.turns(addr, questions.len()).await,
            None => (questions.len(), None),
        };
        let limits = batch::Limits {
            timeout: self.config.timeout,
            retries,
            window,
        };
        self.polite.pace(addr, questions.len()).await;
        let results = batch::ask_many(&self.budget, sock, questions, limits, |_, r| r).await;
        let results = self.forms_again(addr, questions, limits, results).await;
        let mut probes = Vec::with_capacity(results.len());
        for (framed, result) in questions.iter().zip(results) {
            let result = match result {
                Ok(reply) if reply.message.metadata.truncation => {
                    let settings = transport::Settings {
                        form: framed.form,
                        recursion: framed.recursion,
                        ..self.settings()
                    };
                    transport::ask(&self.budget, sock, &framed.query, settings, Proto::Tcp)
                        .await
                        .map(|mut reply| {
                            reply.retried_tcp = true;
                            reply
                        })
                        .map_err(|e| NoAnswer::AfterTruncation(Box::new(e)))
                }
                other => other,
            };
            probes.push(Probe {
                server: server.clone(),
                addr,
                qname: framed.query.name().clone(),
                qtype: framed.query.query_type(),
                proto: Proto::Udp,
                result,
            });
        }
        probes
    }

    /// The behaviour questions a server that limits the rate left unanswered, asked once more
    /// after a pause, slower; still unanswered, they are [`NoAnswer::Limited`] (not judged):
    /// silence from such a server is no sign of how it treats the question. A server that never
    /// limited keeps its silence, which is what these questions tell apart.
    async fn forms_again(
        &self,
        addr: IpAddr,
        questions: &[batch::Framed],
        limits: batch::Limits,
        mut results: Vec<Result<Reply, NoAnswer>>,
    ) -> Vec<Result<Reply, NoAnswer>> {
        for r in &results {
            if r.is_ok() {
                self.polite.answered(addr);
            }
        }
        let silent: Vec<usize> = (0..results.len())
            .filter(|i| matches!(results[*i], Err(NoAnswer::Timeout)))
            .collect();
        if silent.is_empty() || !self.polite.limits(addr) || self.budget.past_deadline() {
            return results;
        }
        tokio::time::sleep(polite::Politeness::backoff()).await;
        self.polite.pace(addr, silent.len()).await;
        let again: Vec<batch::Framed> = silent.iter().map(|i| questions[*i].clone()).collect();
        let sock = SocketAddr::new(addr, self.config.port);
        let answers = batch::ask_many(&self.budget, sock, &again, limits, |_, r| r).await;
        for (i, answer) in silent.into_iter().zip(answers) {
            results[i] = match answer {
                Ok(reply) => {
                    self.polite.dropped(addr);
                    Ok(reply)
                }
                Err(NoAnswer::Timeout) => {
                    self.polite.lost(addr);
                    Err(NoAnswer::Limited)
                }
                Err(e) => Err(e),
            };
        }
        results
    }

    /// One question to one address, counted against the budget.
    /// What `addr` says to `qname`/`qtype` over `proto`. Each question is sent to each address
    /// once per check: whoever asks it again (another name of the same server, another walk
    /// through the same zone) shares the answer.
    pub async fn probe(
        &self,
        server: &Name,
        addr: IpAddr,
        qname: &Name,
        qtype: RecordType,
        proto: Proto,
    ) -> Probe {
        let key = (addr, qname.clone(), qtype, proto);
        let asked = match &self.own {
            Some(own) if !own.zone_of(qname) => &self.run_asked,
            _ => &self.asked,
        };
        let cell = match asked.lock() {
            Ok(mut asked) => asked.entry(key).or_default().clone(),
            Err(_) => Arc::default(),
        };
        let probe = cell
            .get_or_init(|| self.probe_once(server, addr, qname, qtype, proto))
            .await;
        // Another check's question it could not send (its budget or its deadline): asked
        // again within this one's.
        if matches!(&probe.result, Err(e) if e.not_asked()) && !Arc::ptr_eq(asked, &self.asked) {
            return self.probe_once(server, addr, qname, qtype, proto).await;
        }
        Probe {
            server: server.clone(),
            ..probe.clone()
        }
    }

    pub(super) async fn probe_once(
        &self,
        server: &Name,
        addr: IpAddr,
        qname: &Name,
        qtype: RecordType,
        proto: Proto,
    ) -> Probe {
        let result = if self.is_dead(addr, proto) {
            Err(NoAnswer::Timeout)
        } else {
            let sock = SocketAddr::new(addr, self.config.port);
            let query = Query::query(qname.clone(), qtype);
            let _turn = self.turn(addr).await;
            self.polite.pace(addr, 1).await;
            let r = transport::ask(&self.budget, sock, &query, self.settings(), proto).await;
            let r = self.heard(addr, &query, proto, r).await;
            match &r {
                // A server that limits the rate is not dead: later questions, slower, may pass.
                Err(_) if self.polite.limits(addr) => {}
                Err(e) if e.is_silence() => self.mark_dead(addr, proto),
                Err(NoAnswer::AfterTruncation(e)) if e.is_silence() => {
                    self.mark_dead(addr, Proto::Tcp);
                }
                _ => {}
            }
            r
        };
        Probe {
            server: server.clone(),
            addr,
            qname: qname.clone(),
            qtype,
            proto,
            result,
        }
    }

    /// What an answer, or its absence, says of the address's rate limiting. An answer slipped
    /// (TC=1 on one that fits the datagram) slows the address down. Silence to a type of
    /// question the address has answered this run is a dropped answer (rate limiting, or a
    /// server that stopped answering): asked again after a pause, slower, then over TCP, which
    /// rate limiting spares; answered, the address is slowed down; never answered, it is
    /// [`NoAnswer::Limited`], not judged. Silence to a type it never answered stays what it is:
    /// a question the server does not answer (a firewall that drops AAAA questions).
    async fn heard(
        &self,
        addr: IpAddr,
        query: &Query,
        proto: Proto,
        r: Result<Reply, NoAnswer>,
    ) -> Result<Reply, NoAnswer> {
        let polite = &self.polite;
        let qtype = u16::from(query.query_type());
        let sock = SocketAddr::new(addr, self.config.port);
        match r {
            Ok(reply) => {
                polite.answered_type(addr, qtype, reply.proto == Proto::Tcp);
                if reply.retried_tcp && slipped(&reply) {
                    polite.slipped(addr);
                }
                Ok(reply)
            }
            Err(NoAnswer::Timeout)
                if polite.has_answered(addr, qtype, proto == Proto::Tcp)
                    && !self.budget.past_deadline() =>
            {
                tokio::time::sleep(polite::Politeness::backoff()).await;
                polite.pace(addr, 1).await;
                let again =
                    match transport::ask(&self.budget, sock, query, self.settings(), proto).await {
                        Err(NoAnswer::Timeout) if proto == Proto::Udp => {
                            transport::ask(&self.budget, sock, query, self.settings(), Proto::Tcp)
                                .await
                                .map(|mut reply| {
                                    reply.retried_tcp = true;
                                    reply
                                })
                        }
                        other => other,
                    };
                match again {
                    Ok(reply) => {
                        polite.dropped(addr);
                        polite.answered_type(addr, qtype, reply.proto == Proto::Tcp);
                        Ok(reply)
                    }
                    Err(e) if e.is_silence() => {
                        polite.lost(addr);
                        Err(NoAnswer::Limited)
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Asks one server address many questions over UDP through one socket ([`batch`]), with
    /// `window` of them in flight; truncated answers are asked again over TCP. Each answer is
    /// handed to `judge` (with the question's index) as soon as it is settled, so that thousands
    /// of answers are never held at once; the judgements come back in the order of `questions`.
    /// The budget and the memory of dead servers apply as in [`Walker::probe`].
    pub async fn ask_many<T>(
        &self,
        addr: IpAddr,
        questions: &[(Name, RecordType)],
        window: usize,
        judge: impl Fn(usize, &Result<Reply, NoAnswer>) -> T,
    ) -> Vec<T> {
        if self.is_dead(addr, Proto::Udp) {
            return (0..questions.len())
                .map(|i| judge(i, &Err(NoAnswer::Timeout)))
                .collect();
        }
        let sock = SocketAddr::new(addr, self.config.port);
        let queries: Vec<Query> = questions
            .iter()
            .map(|(n, t)| Query::query(n.clone(), *t))
            .collect();
        // Under the run's per-server limit, the batch holds as many turns as it has questions in
        // flight (at most the limit), for as long as it runs.
        let (window, _turns) = match &self.per_server {
            Some(limit) => limit.turns(addr, window.min(questions.len())).await,
            None => (window, None),
        };
        let limits = batch::Limits {
            timeout: self.config.timeout,
            retries: self.config.retries,
            window: window.max(1),
        };
        // A truncated answer is kept aside and asked again over TCP below.
        let mut heard = false;
        let slots = batch::ask_many(&self.budget, sock, &queries, limits, |i, result| {
            heard |= !matches!(&result, Err(e) if e.is_silence() || e.not_asked());
            match result {
                Ok(reply) if reply.message.metadata.truncation => None,
                other => Some(judge(i, &other)),
            }
        })
        .await;
        if !heard && !questions.is_empty() && !self.budget.was_spent() {
            self.mark_dead(addr, Proto::Udp);
        }
        let mut judged = Vec::with_capacity(slots.len());
        for (i, slot) in slots.into_iter().enumerate() {
            let verdict = match slot {
                Some(verdict) => verdict,
                None => {
                    let tcp = if self.is_dead(addr, Proto::Tcp) {
                        Err(NoAnswer::Timeout)
                    } else {
                        transport::ask(&self.budget, sock, &queries[i], self.settings(), Proto::Tcp)
                            .await
                    };
                    if matches!(&tcp, Err(e) if e.is_silence()) {
                        self.mark_dead(addr, Proto::Tcp);
                    }
                    let tcp = tcp
                        .map(|mut reply| {
                            reply.retried_tcp = true;
                            reply
                        })
                        .map_err(|e| NoAnswer::AfterTruncation(Box::new(e)));
                    judge(i, &tcp)
                }
            };
            judged.push(verdict);
        }
        judged
    }

    /// The whole zone from one server address, by zone transfer (counts as one message),
    /// stopped past `limits`.
    pub async fn transfer(
        &self,
        addr: IpAddr,
        origin: &Name,
        limits: TransferLimits,
    ) -> transport::Transfer {
        let sock = SocketAddr::new(addr, self.config.port);
        transport::transfer(&self.budget, sock, origin, self.config.timeout, limits).await
    }

    /// Whether `addr` gives the zone `origin` out by transfer: an AXFR over TCP of which only
    /// the first message is read (a transfer opens with the zone's SOA), then the connection is
    /// dropped. `CutShort` means it does.
    pub async fn transfer_given(&self, addr: IpAddr, origin: &Name) -> transport::Transfer {
        let first_message_only = TransferLimits {
            records: 0,
            octets: usize::MAX,
        };
        self.transfer(addr, origin, first_message_only).await
    }

    /// Asks every address of every server, in parallel. Names that share an address are one
    /// server, asked once (a referral naming 200 servers at a few addresses costs a few
    /// questions, not 200).
    pub async fn ask_all(
        &self,
        servers: &[NameServer],
        qname: &Name,
        qtype: RecordType,
        proto: Proto,
    ) -> Vec<Probe> {
        join_all(
            servers
                .iter()
                .map(|s| self.ask_server(s, qname, qtype, proto)),
        )
        .await
        .into_iter()
        .flatten()
        .collect()
    }

    /// Asks every address of one server.
    pub(super) async fn ask_server(
        &self,
        server: &NameServer,
        qname: &Name,
        qtype: RecordType,
        proto: Proto,
    ) -> Vec<Probe> {
        let targets: Vec<IpAddr> = self
            .targets(std::slice::from_ref(server))
            .map(|(_, a)| a)
            .collect();
        join_all(
            targets
                .into_iter()
                .map(|a| self.probe(&server.name, a, qname, qtype, proto)),
        )
        .await
    }

    pub(super) fn budget_spent(&self) -> bool {
        self.budget.was_spent() || self.budget.past_deadline()
    }
}

/// Whether a truncated answer was slipped by rate limiting: asked again over TCP, it fits the
/// datagram it was truncated in.
fn slipped(reply: &Reply) -> bool {
    reply
        .message
        .to_vec()
        .is_ok_and(|wire| wire.len() <= usize::from(transport::EDNS_BUFFER))
}
