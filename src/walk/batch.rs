//! Many questions to one server over one UDP socket, the way a load generator (dnsperf) or a
//! resolver's outgoing side does it: a window of questions in flight, each with its own random
//! message ID, answers matched by ID *and* question, retransmissions with a new ID after a
//! timeout.
//!
//! Verifying a zone asks one server thousands of questions. hickory-net's UDP client binds a new
//! socket for every question (a fresh random source port per query, RFC 5452 §9.2, which is right
//! for a resolver that talks to strangers); at thousands of questions the socket set-up is most
//! of the cost. Here one socket with a random port serves one server for the whole batch: the
//! messages are still hickory-proto's, the answers still have to carry our ID, our question and
//! come from the server's address (the socket is connected), and a late answer to an earlier
//! attempt is still taken.
//!
//! A server that stays silent costs one timeout for the whole batch, as in the walk: when a
//! question has spent its last attempt and nothing at all has come back from the server within
//! the timeout, every open question is given up as a timeout.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query};
use tokio::net::UdpSocket;

use super::transport::{EDNS_BUFFER, NoAnswer, Proto, Reply, check_question};

/// Settings of one batch.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole time one question may take, its retransmissions included.
    pub timeout: Duration,
    /// Retransmissions after a timeout.
    pub retries: u32,
    /// Questions in flight at once.
    pub window: usize,
}

/// Asks every question and hands what became of each to `take` as it is settled (so that the
/// answers need not all be held at once); gives back what `take` made of them, in the order
/// asked. A `Reply` that came back truncated is handed over as it is
/// (`message.metadata.truncation`): the caller asks again over TCP.
pub async fn ask_many<T>(
    server: SocketAddr,
    queries: &[Query],
    limits: Limits,
    take: impl FnMut(usize, Result<Reply, NoAnswer>) -> T,
) -> Vec<T> {
    let mut batch = Batch::new(queries, limits, take);
    match bind(server).await {
        Ok(socket) => batch.run(socket).await,
        Err(e) => batch.give_up(io_error(&e)),
    }
    batch.results.into_iter().flatten().collect()
}

async fn bind(server: SocketAddr) -> std::io::Result<UdpSocket> {
    let any: IpAddr = match server {
        SocketAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        SocketAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
    };
    // A random source port, as hickory-net chooses it (RFC 5452 §9.2); the kernel's choice
    // after a few collisions.
    let mut socket = None;
    for _ in 0..8 {
        let port = rand::random_range(1024..=u16::MAX);
        if let Ok(s) = UdpSocket::bind(SocketAddr::new(any, port)).await {
            socket = Some(s);
            break;
        }
    }
    let socket = match socket {
        Some(s) => s,
        None => UdpSocket::bind(SocketAddr::new(any, 0)).await?,
    };
    socket.connect(server).await?;
    Ok(socket)
}

fn io_error(e: &std::io::Error) -> NoAnswer {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset => {
            NoAnswer::Refused
        }
        std::io::ErrorKind::TimedOut => NoAnswer::Timeout,
        _ => NoAnswer::Error(e.to_string()),
    }
}

/// One attempt in flight.
struct Attempt {
    question: usize,
    sent: Instant,
}

struct Batch<'q, T, F> {
    queries: &'q [Query],
    limits: Limits,
    per_attempt: Duration,
    take: F,
    results: Vec<Option<T>>,
    attempts: Vec<u32>,
    open: usize,
    /// In flight, by message ID; an attempt that timed out stays here (a late answer is still
    /// an answer) until its question is settled.
    by_id: HashMap<u16, Attempt>,
    /// Current attempt's ID per question.
    current: Vec<Option<u16>>,
    /// IDs of earlier attempts of questions sent again.
    earlier: HashMap<usize, Vec<u16>>,
    in_flight: usize,
    /// (deadline, id), in sending order, which is deadline order.
    deadlines: VecDeque<(Instant, u16)>,
    to_send: VecDeque<usize>,
    heard: Option<Instant>,
    started: Instant,
}

impl<'q, T, F: FnMut(usize, Result<Reply, NoAnswer>) -> T> Batch<'q, T, F> {
    fn new(queries: &'q [Query], limits: Limits, take: F) -> Self {
        let attempts = limits.retries + 1;
        Batch {
            queries,
            limits,
            per_attempt: limits.timeout / attempts,
            take,
            results: queries.iter().map(|_| None).collect(),
            attempts: vec![0; queries.len()],
            open: queries.len(),
            by_id: HashMap::with_capacity(limits.window * 2),
            current: vec![None; queries.len()],
            earlier: HashMap::new(),
            in_flight: 0,
            deadlines: VecDeque::with_capacity(limits.window),
            to_send: (0..queries.len()).collect(),
            heard: None,
            started: Instant::now(),
        }
    }

    async fn run(&mut self, socket: UdpSocket) {
        let mut buf = vec![0u8; 65_535];
        while self.open > 0 {
            if let Err(e) = self.fill(&socket).await {
                self.give_up(io_error(&e));
                break;
            }
            let Some(&(deadline, _)) = self.deadlines.front() else {
                break;
            };
            tokio::select! {
                received = socket.recv(&mut buf) => match received {
                    Ok(len) => self.answer(&buf[..len]),
                    Err(e) => {
                        self.give_up(io_error(&e));
                        break;
                    }
                },
                () = tokio::time::sleep_until(deadline.into()) => self.expire(),
            }
        }
        self.give_up(NoAnswer::Timeout);
    }

    /// Sends until the window is full or nothing is left to send.
    async fn fill(&mut self, socket: &UdpSocket) -> std::io::Result<()> {
        while self.in_flight < self.limits.window {
            let Some(q) = self.to_send.pop_front() else {
                return Ok(());
            };
            if self.results[q].is_some() {
                continue;
            }
            let id = self.free_id();
            let mut message = Message::new(id, MessageType::Query, OpCode::Query);
            message.queries.push(self.queries[q].clone());
            message.metadata.recursion_desired = false;
            message
                .edns
                .get_or_insert_with(Edns::new)
                .set_max_payload(EDNS_BUFFER);
            let bytes = match message.to_vec() {
                Ok(b) => b,
                Err(e) => {
                    self.settle(q, Err(NoAnswer::Error(e.to_string())));
                    continue;
                }
            };
            socket.send(&bytes).await?;
            let now = Instant::now();
            self.attempts[q] += 1;
            self.by_id.insert(
                id,
                Attempt {
                    question: q,
                    sent: now,
                },
            );
            self.current[q] = Some(id);
            self.in_flight += 1;
            self.deadlines.push_back((now + self.per_attempt, id));
        }
        Ok(())
    }

    fn free_id(&self) -> u16 {
        loop {
            let id = rand::random::<u16>();
            if !self.by_id.contains_key(&id) {
                return id;
            }
        }
    }

    fn answer(&mut self, datagram: &[u8]) {
        // Garbage, or an answer to nothing we asked: dropped, as a resolver drops it.
        let Ok(message) = Message::from_vec(datagram) else {
            return;
        };
        if message.metadata.message_type != MessageType::Response {
            return;
        }
        let Some(attempt) = self.by_id.get(&message.metadata.id) else {
            return;
        };
        let q = attempt.question;
        let rtt = attempt.sent.elapsed();
        self.heard = Some(Instant::now());
        let result = check_question(&self.queries[q], &message).map(|()| Reply {
            message,
            rtt,
            proto: Proto::Udp,
            retried_tcp: false,
        });
        self.settle(q, result);
    }

    /// Records the outcome of question `q` and forgets its attempts.
    fn settle(&mut self, q: usize, result: Result<Reply, NoAnswer>) {
        if self.results[q].is_some() {
            return;
        }
        self.results[q] = Some((self.take)(q, result));
        self.open -= 1;
        if let Some(id) = self.current[q].take() {
            self.in_flight -= 1;
            self.by_id.remove(&id);
        }
        for id in self.earlier.remove(&q).unwrap_or_default() {
            self.by_id.remove(&id);
        }
    }

    /// Attempts past their deadline: send again, or give the question up.
    fn expire(&mut self) {
        let now = Instant::now();
        while let Some(&(deadline, id)) = self.deadlines.front() {
            if deadline > now {
                break;
            }
            self.deadlines.pop_front();
            let Some(attempt) = self.by_id.get(&id) else {
                continue;
            };
            let q = attempt.question;
            if self.current[q] != Some(id) {
                continue;
            }
            self.current[q] = None;
            self.in_flight -= 1;
            self.earlier.entry(q).or_default().push(id);
            if self.attempts[q] <= self.limits.retries {
                self.to_send.push_front(q);
                continue;
            }
            let silent = match self.heard {
                Some(t) => now.duration_since(t) >= self.limits.timeout,
                None => now.duration_since(self.started) >= self.limits.timeout,
            };
            if silent {
                // Nothing from this server for a whole timeout: it is not going to answer the
                // rest either.
                self.give_up(NoAnswer::Timeout);
                return;
            }
            self.settle(q, Err(NoAnswer::Timeout));
        }
    }

    /// Settles every open question with `why`.
    fn give_up(&mut self, why: NoAnswer) {
        for (q, r) in self.results.iter_mut().enumerate() {
            if r.is_none() {
                *r = Some((self.take)(q, Err(why.clone())));
            }
        }
        self.open = 0;
    }
}
