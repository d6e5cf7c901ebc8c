//! Many questions to one server over one UDP socket, the way a load generator (dnsperf) or a
//! resolver's outgoing side does it: a window of questions in flight, each with its own random
//! message ID, answers matched by ID *and* question, retransmissions with a new ID after a
//! timeout.
//!
//! Verifying a zone asks one server thousands of questions, and every check asks each server
//! address its server questions (EDNS forms, case, recursion, a name that does not exist).
//! hickory-net's UDP client binds a new socket for every question (a fresh random source port
//! per query, RFC 5452 §9.2, which is right for a resolver that talks to strangers); then the
//! socket set-up is most of the cost. Here one socket with a random port serves one server for
//! the whole batch: the messages are still hickory-proto's, the answers still have to carry our
//! ID, our question and come from the server's address (the socket is connected), and a late
//! answer to an earlier attempt is still taken.
//!
//! A server that stays silent costs one timeout for the whole batch, as in the walk: when a
//! question has spent its last attempt and nothing at all has come back from the server within
//! the timeout, every open question is given up as a timeout.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hickory_proto::op::Query;
use tokio::net::UdpSocket;

use super::transport::{
    Budget, Form, NoAnswer, Proto, Reply, bind, decode_answer, io_error, request,
};

/// One question of a batch: the query, and how it is sent (the usual form, or one of the forms
/// that test a server's EDNS; RD=1 or not).
pub trait Sent {
    fn query(&self) -> &Query;
    /// The question's EDNS form, and whether it asks for recursion.
    fn form(&self) -> (Form, bool) {
        (Form::Standard, false)
    }
}

impl Sent for Query {
    fn query(&self) -> &Query {
        self
    }
}

/// A question sent in another form than the usual one.
#[derive(Debug, Clone)]
pub struct Framed {
    pub query: Query,
    pub form: Form,
    pub recursion: bool,
}

impl Sent for Framed {
    fn query(&self) -> &Query {
        &self.query
    }
    fn form(&self) -> (Form, bool) {
        (self.form, self.recursion)
    }
}

/// Settings of one batch.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long one attempt waits for its answer.
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
pub async fn ask_many<Q: Sent, T>(
    budget: &Budget,
    server: SocketAddr,
    queries: &[Q],
    limits: Limits,
    take: impl FnMut(usize, Result<Reply, NoAnswer>) -> T,
) -> Vec<T> {
    let mut batch = Batch::new(budget, queries, limits, take);
    match bind(server).await {
        Ok(socket) => {
            make_room(&socket, limits.window);
            batch.run(socket).await
        }
        Err(e) => batch.give_up(io_error(&e)),
    }
    batch.results.into_iter().flatten().collect()
}

/// Room in the socket's receive buffer for a whole window of answers. The kernel's default
/// (208 KiB on Linux, counted with each datagram's overhead) holds about a hundred answers of a
/// signed zone: while the batch judges one (an ECDSA verification is ~80 µs), the others of a
/// window of 128 arrive, and those that find no room are dropped — each then costs a whole
/// timeout before it is asked again. Asked for, not required: the kernel caps it at
/// `net.core.rmem_max`.
fn make_room(socket: &tokio::net::UdpSocket, window: usize) {
    const PER_ANSWER: usize = 4096;
    const MOST: usize = 4 << 20;
    let wanted = (window * PER_ANSWER).min(MOST);
    let socket = socket2::SockRef::from(socket);
    if socket.recv_buffer_size().is_ok_and(|now| now < wanted)
        && let Err(e) = socket.set_recv_buffer_size(wanted)
    {
        tracing::debug!("SO_RCVBUF {wanted}: {e}");
    }
}

/// One attempt in flight.
struct Attempt {
    question: usize,
    sent: Instant,
}

struct Batch<'q, Q, T, F> {
    budget: &'q Budget,
    queries: &'q [Q],
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
    /// The last datagram that answered nothing we asked (another ID, too short), described.
    stray: Option<String>,
}

impl<'q, Q: Sent, T, F: FnMut(usize, Result<Reply, NoAnswer>) -> T> Batch<'q, Q, T, F> {
    fn new(budget: &'q Budget, queries: &'q [Q], limits: Limits, take: F) -> Self {
        Batch {
            budget,
            queries,
            limits,
            per_attempt: limits.timeout,
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
            stray: None,
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
        self.give_up(self.nothing());
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
            if let Err(why) = self.budget.take(1) {
                self.settle(q, Err(why));
                continue;
            }
            let id = self.free_id();
            let (form, recursion) = self.queries[q].form();
            let bytes = match request(id, self.queries[q].query(), recursion, form) {
                Ok(b) => b,
                Err(why) => {
                    self.settle(q, Err(why));
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
            self.deadlines
                .push_back((self.budget.until(self.per_attempt), id));
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
        // An answer to nothing we asked is dropped, as a resolver drops it, but remembered:
        // a question that then times out says what came instead.
        let len = datagram.len();
        let their_id = (len >= 2).then(|| u16::from_be_bytes([datagram[0], datagram[1]]));
        let Some(attempt) = their_id.and_then(|id| self.by_id.get(&id)) else {
            self.stray = Some(match their_id {
                Some(id) => {
                    format!("{len}-octet datagram(s) with message ID {id}, which was not asked")
                }
                None => format!("a {len}-octet datagram, too short to be a DNS message"),
            });
            return;
        };
        let q = attempt.question;
        let rtt = attempt.sent.elapsed();
        self.heard = Some(Instant::now());
        let result =
            decode_answer(datagram, self.queries[q].query(), Proto::Udp).map(|message| Reply {
                message,
                rtt,
                proto: Proto::Udp,
                retried_tcp: false,
            });
        self.settle(q, result);
    }

    /// A question that got nothing: a timeout, unless something else than an answer came.
    fn nothing(&self) -> NoAnswer {
        match &self.stray {
            Some(what) => NoAnswer::Malformed(format!("no answer to the question; instead {what}")),
            None => NoAnswer::Timeout,
        }
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
                self.give_up(self.nothing());
                return;
            }
            self.settle(q, Err(self.nothing()));
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
