//! One question to one server: UDP first, TCP when the answer is truncated (RFC 7766 §5) or when
//! asked for. EDNS(0) with a 1,232-octet buffer (DNS Flag Day 2020, RFC 9715), recursion off
//! unless asking a resolver, a per-attempt timeout, bounded retransmissions over UDP.
//!
//! The exchange is written here on tokio's sockets, with hickory-proto's messages, rather than
//! through hickory-net's client streams: those drop a datagram they cannot decode, or one with
//! another message ID, and wait on, and they hide which attempt failed and over which protocol.
//! A diagnostic tool has to see all of it, so every datagram and every TCP frame is judged here:
//!
//! * an answer with our ID that cannot be decoded, is not a response (QR=0), carries another
//!   OPCODE, exceeds the advertised buffer over UDP without TC, or sets TC over TCP is
//!   [`NoAnswer::Malformed`], at once;
//! * datagrams with another ID are ignored, as a resolver ignores them (RFC 5452 §9.1), but when
//!   nothing else came the failure says what did come instead of "timeout";
//! * a TCP frame shorter than its length prefix (the connection closed, or stalled, mid-message)
//!   is malformed, not a timeout;
//! * an answer to another question is [`NoAnswer::Mismatch`];
//! * a truncated UDP answer whose TCP retry fails is [`NoAnswer::AfterTruncation`]: the server
//!   answered over UDP, and it is TCP that failed.
//!
//! Every message sent is counted against the check's [`Budget`] (a retransmission is a message
//! too), and no wait runs past the check's deadline.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query};
use hickory_proto::rr::{Name, Record, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

/// EDNS(0) UDP payload size we advertise.
pub const EDNS_BUFFER: u16 = 1232;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Udp,
    Tcp,
}

impl std::fmt::Display for Proto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Proto::Udp => "udp",
            Proto::Tcp => "tcp",
        })
    }
}

/// Why no usable answer came.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "kebab-case")]
pub enum NoAnswer {
    /// Nothing within the timeout (after the retries).
    Timeout,
    /// Port unreachable / connection refused or reset before anything came.
    Refused,
    /// An answer that does not answer our question.
    Mismatch(String),
    /// Something came that is not a usable DNS answer: what it was.
    Malformed(String),
    /// The UDP answer was truncated, and asking again over TCP failed like this.
    AfterTruncation(Box<NoAnswer>),
    /// Not asked: the check's budget of messages was spent.
    Budget,
    /// Not asked: the check's deadline had passed.
    Deadline,
    /// A local failure (a socket could not be opened, a message not encoded).
    Error(String),
    /// Not answered by a server that answered questions of this kind earlier in the run (a
    /// rate limit, or a server that failed meanwhile; it may have slipped or dropped
    /// others of this run), although asked again, slower, and over TCP: says nothing of the
    /// server's conduct, and leaves the question not judged.
    Limited,
}

impl NoAnswer {
    /// No answer at all (as opposed to a broken one): the address is not worth asking again.
    pub fn is_silence(&self) -> bool {
        matches!(self, NoAnswer::Timeout | NoAnswer::Refused)
    }

    /// The failure itself, through a failed TCP retry.
    pub fn innermost(&self) -> &NoAnswer {
        match self {
            NoAnswer::AfterTruncation(inner) => inner.innermost(),
            other => other,
        }
    }

    /// The question was never sent (budget, deadline), or a server that limits the rate did
    /// not answer it: says nothing about the server.
    pub fn not_asked(&self) -> bool {
        matches!(
            self,
            NoAnswer::Budget | NoAnswer::Deadline | NoAnswer::Limited
        )
    }
}

impl std::fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoAnswer::Timeout => f.write_str("no answer (timeout)"),
            NoAnswer::Refused => f.write_str("port unreachable / connection refused"),
            NoAnswer::Mismatch(m) => write!(f, "answer does not match the question: {m}"),
            NoAnswer::Malformed(m) => write!(f, "unusable answer: {m}"),
            NoAnswer::AfterTruncation(inner) => {
                write!(f, "truncated over UDP, then over TCP: {inner}")
            }
            NoAnswer::Budget => f.write_str("not asked: the check's budget of queries was spent"),
            NoAnswer::Deadline => f.write_str("not asked: the check's deadline passed"),
            NoAnswer::Error(e) => write!(f, "{e}"),
            NoAnswer::Limited => f.write_str(
                "not answered, though the server answered questions of this kind earlier in the run: asked again, slower, and over TCP (a rate limit, or a server that failed meanwhile); not judged",
            ),
        }
    }
}

#[serde_with::serde_as]
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Reply {
    #[serde_as(as = "super::saved::Wire")]
    pub message: Message,
    /// From sending the attempt that was answered to its answer.
    pub rtt: Duration,
    pub proto: Proto,
    /// The UDP answer was truncated and this one came over TCP.
    pub retried_tcp: bool,
}

/// The messages one check may send and the time it may take, shared by every question of the
/// check. Counting is by message on the wire: a UDP retransmission, a TCP retry after
/// truncation and a zone transfer each count.
#[derive(Debug, Clone)]
pub struct Budget {
    sent: Arc<AtomicUsize>,
    max: usize,
    deadline: Option<Instant>,
    spent: Arc<AtomicBool>,
    late: Arc<AtomicBool>,
}

impl Budget {
    pub fn new(max: usize, deadline: Option<Instant>) -> Self {
        Budget {
            sent: Arc::default(),
            max,
            deadline,
            spent: Arc::default(),
            late: Arc::default(),
        }
    }

    /// No limit but the deadline (resolvers asked about their caches).
    pub fn unlimited() -> Self {
        Budget::new(usize::MAX, None)
    }

    /// The same counter and deadline, allowed `extra` more messages: for work whose size the
    /// user chose (verifying every record set of a zone file).
    pub fn with_extra(&self, extra: usize) -> Budget {
        let mut b = self.clone();
        b.max = self.max.saturating_add(extra);
        b
    }

    /// Messages sent so far.
    pub fn sent(&self) -> usize {
        self.sent.load(Ordering::Relaxed)
    }

    pub fn max(&self) -> usize {
        self.max
    }

    /// Whether a message was ever refused for want of budget.
    pub fn was_spent(&self) -> bool {
        self.spent.load(Ordering::Relaxed)
    }

    /// Whether the deadline stopped anything.
    pub fn was_late(&self) -> bool {
        self.late.load(Ordering::Relaxed)
    }

    pub fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Takes `n` messages from the budget, or says why not.
    pub fn take(&self, n: usize) -> Result<(), NoAnswer> {
        if self.past_deadline() {
            self.late.store(true, Ordering::Relaxed);
            return Err(NoAnswer::Deadline);
        }
        let mut now = self.sent.load(Ordering::Relaxed);
        loop {
            if now.saturating_add(n) > self.max {
                self.spent.store(true, Ordering::Relaxed);
                return Err(NoAnswer::Budget);
            }
            match self.sent.compare_exchange_weak(
                now,
                now + n,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => now = actual,
            }
        }
    }

    /// The instant one wait of `timeout` that starts now must end: never past the deadline.
    pub fn until(&self, timeout: Duration) -> Instant {
        let end = Instant::now() + timeout;
        match self.deadline {
            Some(d) if d < end => d,
            _ => end,
        }
    }

    /// Marks that a wait was cut by the deadline, if it was.
    fn note_if_late(&self) {
        if self.past_deadline() {
            self.late.store(true, Ordering::Relaxed);
        }
    }
}

/// How one question is asked.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// How long one attempt waits for its answer (`--timeout`).
    pub timeout: Duration,
    /// UDP retransmissions after an attempt timed out.
    pub retries: u32,
    /// RD=1: a question to a resolver, about its cache.
    pub recursion: bool,
    /// The question's EDNS: as every resolver sends it, or one of the forms that test how a
    /// server treats EDNS (RFC 6891).
    pub form: Form,
}

/// How a question carries EDNS (RFC 6891): the usual form, and the forms that test a server's
/// EDNS as Zonemaster's NAMESERVER02/10/11/12 and ISC's EDNS compliance tests do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// EDNS version 0, a 1,232-octet buffer, DO set unless the question is recursive.
    Standard,
    /// No OPT record: a plain RFC 1035 question.
    NoEdns,
    /// EDNS version 1, which no server knows: the answer must be BADVERS (§6.1.3).
    Version1,
    /// An option code nobody has defined: it must be ignored (§6.1.2).
    UnknownOption,
    /// An EDNS flag nobody has defined: it must be ignored, and not echoed (§6.1.4).
    UnknownFlag,
}

/// The option code of [`Form::UnknownOption`]: in the range for local and experimental use
/// (RFC 6891 §9), as ISC's tests send it.
pub const UNKNOWN_OPTION: u16 = 65_001;
/// The flag of [`Form::UnknownFlag`]: the bit after DO, undefined.
pub const UNKNOWN_FLAG: u16 = 0x4000;

/// The query message. The DO bit (RFC 3225) is set on every question to an authoritative
/// server, as a validating resolver sets it: the answers carry the signatures (RRSIG) and the
/// denial of existence (NSEC, NSEC3) that the check verifies. A question to a resolver about
/// its cache (RD=1) asks for the data alone.
pub(super) fn request(
    id: u16,
    query: &Query,
    recursion: bool,
    form: Form,
) -> Result<Vec<u8>, NoAnswer> {
    let mut message = Message::new(id, MessageType::Query, OpCode::Query);
    message.queries.push(query.clone());
    message.metadata.recursion_desired = recursion;
    if form != Form::NoEdns {
        let edns = message.edns.get_or_insert_with(Edns::new);
        edns.set_max_payload(EDNS_BUFFER);
        edns.set_dnssec_ok(!recursion);
        match form {
            Form::Version1 => {
                edns.set_version(1);
            }
            Form::UnknownOption => {
                edns.options_mut()
                    .insert(hickory_proto::rr::rdata::opt::EdnsOption::Unknown(
                        UNKNOWN_OPTION,
                        vec![],
                    ))
            }
            Form::UnknownFlag => edns.flags_mut().z = UNKNOWN_FLAG,
            Form::Standard | Form::NoEdns => {}
        }
    }
    message
        .to_vec()
        .map_err(|e| NoAnswer::Error(format!("cannot encode the question: {e}")))
}

/// The answer must carry the question that was asked (RFC 5452 §9.1).
pub(super) fn check_question(query: &Query, message: &Message) -> Result<(), NoAnswer> {
    match message.queries.first() {
        Some(q) if q.name() == query.name() && q.query_type() == query.query_type() => Ok(()),
        Some(q) => Err(NoAnswer::Mismatch(format!(
            "asked {} {}, answered {} {}",
            query.name(),
            query.query_type(),
            q.name(),
            q.query_type()
        ))),
        None => Err(NoAnswer::Mismatch(
            "the answer has no question section".into(),
        )),
    }
}

/// Decodes an answer that carries our ID and judges its header: what makes it unusable.
pub(super) fn decode_answer(
    bytes: &[u8],
    query: &Query,
    proto: Proto,
) -> Result<Message, NoAnswer> {
    let message = Message::from_vec(bytes).map_err(|e| {
        NoAnswer::Malformed(format!(
            "a {}-octet answer over {proto} that cannot be decoded ({e})",
            bytes.len()
        ))
    })?;
    let meta = &message.metadata;
    if meta.message_type != MessageType::Response {
        return Err(NoAnswer::Malformed(
            "the answer is not marked as a response (QR=0)".into(),
        ));
    }
    if meta.op_code != OpCode::Query {
        return Err(NoAnswer::Malformed(format!(
            "the answer carries OPCODE {} instead of QUERY",
            u8::from(meta.op_code)
        )));
    }
    if proto == Proto::Udp && bytes.len() > usize::from(EDNS_BUFFER) && !meta.truncation {
        return Err(NoAnswer::Malformed(format!(
            "a {}-octet UDP answer, larger than the {EDNS_BUFFER} octets advertised, without TC: a resolver behind a standard path never receives it",
            bytes.len()
        )));
    }
    if proto == Proto::Tcp && meta.truncation {
        return Err(NoAnswer::Malformed(
            "TC set over TCP: the answer is incomplete where nothing larger can be asked".into(),
        ));
    }
    check_question(query, &message)?;
    Ok(message)
}

/// Asks `server` one question. UDP is sent `retries` more times, each attempt waiting
/// `settings.timeout`; a late answer to an earlier attempt still counts. A truncated UDP answer is
/// fetched again over TCP.
pub async fn ask(
    budget: &Budget,
    server: SocketAddr,
    query: &Query,
    settings: Settings,
    proto: Proto,
) -> Result<Reply, NoAnswer> {
    match proto {
        Proto::Tcp => tcp(budget, server, query, settings).await,
        Proto::Udp => {
            let reply = udp(budget, server, query, settings).await?;
            if !reply.message.metadata.truncation {
                return Ok(reply);
            }
            match tcp(budget, server, query, settings).await {
                Ok(mut reply) => {
                    reply.retried_tcp = true;
                    Ok(reply)
                }
                Err(e) => Err(NoAnswer::AfterTruncation(Box::new(e))),
            }
        }
    }
}

/// A UDP socket on a random port (RFC 5452 §9.2), connected to `server` (answers from other
/// addresses are not delivered).
pub(super) async fn bind(server: SocketAddr) -> std::io::Result<UdpSocket> {
    let any: IpAddr = match server {
        SocketAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        SocketAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
    };
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

pub(super) fn io_error(e: &std::io::Error) -> NoAnswer {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset => {
            NoAnswer::Refused
        }
        std::io::ErrorKind::TimedOut => NoAnswer::Timeout,
        _ => NoAnswer::Error(e.to_string()),
    }
}

async fn udp(
    budget: &Budget,
    server: SocketAddr,
    query: &Query,
    settings: Settings,
) -> Result<Reply, NoAnswer> {
    let socket = bind(server).await.map_err(|e| io_error(&e))?;
    // Received into, never zeroed: a question costs no 64 KiB memset.
    let mut buf: Vec<u8> = Vec::with_capacity(65_535);
    // Every attempt's ID and when it was sent: a late answer to an earlier attempt is taken.
    let mut sent: Vec<(u16, Instant)> = Vec::new();
    // What came that was not an answer to us.
    let mut stray: Option<String> = None;
    for attempt in 0..=settings.retries {
        if let Err(e) = budget.take(1) {
            if attempt == 0 {
                return Err(e);
            }
            break;
        }
        let id = loop {
            let id = rand::random::<u16>();
            if !sent.iter().any(|(i, _)| *i == id) {
                break id;
            }
        };
        let bytes = request(id, query, settings.recursion, settings.form)?;
        socket.send(&bytes).await.map_err(|e| io_error(&e))?;
        sent.push((id, Instant::now()));
        let until = budget.until(settings.timeout);
        loop {
            buf.clear();
            let len = match tokio::time::timeout_at(until.into(), socket.recv_buf(&mut buf)).await {
                Err(_) => break,
                Ok(Err(e)) => return Err(io_error(&e)),
                Ok(Ok(len)) => len,
            };
            let data = &buf[..len];
            let their_id = (len >= 2).then(|| u16::from_be_bytes([data[0], data[1]]));
            let Some(&(_, at)) = sent.iter().find(|(i, _)| Some(*i) == their_id) else {
                stray = Some(match their_id {
                    Some(other) => format!(
                        "{len}-octet datagram(s) with message ID {other}, which was not asked"
                    ),
                    None => format!("a {len}-octet datagram, too short to be a DNS message"),
                });
                continue;
            };
            let rtt = at.elapsed();
            let message = decode_answer(data, query, Proto::Udp)?;
            return Ok(Reply {
                message,
                rtt,
                proto: Proto::Udp,
                retried_tcp: false,
            });
        }
        budget.note_if_late();
        if budget.past_deadline() {
            break;
        }
    }
    Err(match stray {
        Some(what) => NoAnswer::Malformed(format!("no answer to the question; instead {what}")),
        None if budget.past_deadline() => NoAnswer::Deadline,
        None => NoAnswer::Timeout,
    })
}

/// How reading a number of octets ended.
enum Read {
    Complete,
    /// The peer closed the connection after this many octets.
    Closed(usize),
    /// The time ran out after this many octets.
    Stalled(usize),
    Failed(usize, std::io::Error),
}

async fn read_full(stream: &mut TcpStream, buf: &mut [u8], until: Instant) -> Read {
    let mut got = 0;
    while got < buf.len() {
        match tokio::time::timeout_at(until.into(), stream.read(&mut buf[got..])).await {
            Err(_) => return Read::Stalled(got),
            Ok(Ok(0)) => return Read::Closed(got),
            Ok(Ok(n)) => got += n,
            Ok(Err(e)) => return Read::Failed(got, e),
        }
    }
    Read::Complete
}

/// Reads one length-prefixed message (RFC 1035 §4.2.2); a frame that stops short is
/// malformed, not a timeout.
async fn read_frame(stream: &mut TcpStream, until: Instant) -> Result<Vec<u8>, NoAnswer> {
    let mut prefix = [0u8; 2];
    match read_full(stream, &mut prefix, until).await {
        Read::Complete => {}
        Read::Closed(0) => {
            return Err(NoAnswer::Malformed(
                "the server closed the TCP connection without answering".into(),
            ));
        }
        Read::Stalled(0) => return Err(NoAnswer::Timeout),
        Read::Failed(0, e) => return Err(io_error(&e)),
        Read::Closed(_) | Read::Stalled(_) | Read::Failed(..) => {
            return Err(NoAnswer::Malformed(
                "the TCP answer stopped inside its length prefix".into(),
            ));
        }
    }
    let len = usize::from(u16::from_be_bytes(prefix));
    if len == 0 {
        return Err(NoAnswer::Malformed(
            "a TCP answer of length 0 (the length prefix is 0)".into(),
        ));
    }
    let mut body = vec![0u8; len];
    match read_full(stream, &mut body, until).await {
        Read::Complete => Ok(body),
        Read::Closed(got) => Err(NoAnswer::Malformed(format!(
            "the TCP connection closed after {got} of the {len} octets its length prefix announced"
        ))),
        Read::Stalled(got) => Err(NoAnswer::Malformed(format!(
            "only {got} of the {len} octets the TCP length prefix announced came within the timeout"
        ))),
        Read::Failed(got, e) => Err(NoAnswer::Malformed(format!(
            "the TCP connection failed after {got} of the {len} octets announced ({e})"
        ))),
    }
}

async fn connect(
    budget: &Budget,
    server: SocketAddr,
    timeout: Duration,
) -> Result<(TcpStream, Instant), NoAnswer> {
    budget.take(1)?;
    let until = budget.until(timeout);
    match tokio::time::timeout_at(until.into(), TcpStream::connect(server)).await {
        Err(_) => {
            budget.note_if_late();
            Err(NoAnswer::Timeout)
        }
        Ok(Err(e)) => Err(io_error(&e)),
        Ok(Ok(s)) => Ok((s, until)),
    }
}

async fn send_frame(stream: &mut TcpStream, bytes: &[u8], until: Instant) -> Result<(), NoAnswer> {
    let len = u16::try_from(bytes.len())
        .map_err(|_| NoAnswer::Error("question too long for TCP".into()))?;
    let mut framed = Vec::with_capacity(bytes.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(bytes);
    match tokio::time::timeout_at(until.into(), stream.write_all(&framed)).await {
        Err(_) => Err(NoAnswer::Timeout),
        Ok(Err(e)) => Err(io_error(&e)),
        Ok(Ok(())) => Ok(()),
    }
}

async fn tcp(
    budget: &Budget,
    server: SocketAddr,
    query: &Query,
    settings: Settings,
) -> Result<Reply, NoAnswer> {
    let t0 = Instant::now();
    let (mut stream, until) = connect(budget, server, settings.timeout).await?;
    let id = rand::random::<u16>();
    let bytes = request(id, query, settings.recursion, settings.form)?;
    send_frame(&mut stream, &bytes, until).await?;
    let bytes = read_frame(&mut stream, until)
        .await
        .inspect_err(|_| budget.note_if_late())?;
    let their_id = u16::from_be_bytes([bytes[0], *bytes.get(1).unwrap_or(&0)]);
    if bytes.len() < 2 || their_id != id {
        return Err(NoAnswer::Malformed(format!(
            "the TCP answer carries message ID {their_id}, not the {id} asked"
        )));
    }
    let message = decode_answer(&bytes, query, Proto::Tcp)?;
    Ok(Reply {
        message,
        rtt: t0.elapsed(),
        proto: Proto::Tcp,
        retried_tcp: false,
    })
}

/// What a zone transfer gave.
#[derive(Debug, Clone)]
pub enum Transfer {
    /// Every record of the zone, the closing SOA left out.
    Records(Vec<Record>),
    /// The server answered, but does not give the zone out (REFUSED, NOTAUTH, ...): Route 53
    /// never does.
    Refused(String),
    /// No usable transfer (timeout, connection refused, a broken stream).
    Failed(NoAnswer),
    /// The transfer went past the limits and was stopped: what had come by then.
    CutShort { records: usize, octets: usize },
}

/// The most a zone transfer may bring before it is stopped.
#[derive(Debug, Clone, Copy)]
pub struct TransferLimits {
    pub records: usize,
    pub octets: usize,
}

/// Asks `server` for the whole zone `origin` (AXFR over TCP, RFC 5936). `timeout` bounds the
/// connection and the wait for each message of the transfer; `limits` its size.
pub async fn transfer(
    budget: &Budget,
    server: SocketAddr,
    origin: &Name,
    timeout: Duration,
    limits: TransferLimits,
) -> Transfer {
    use hickory_proto::op::ResponseCode;
    let query = Query::query(origin.clone(), RecordType::AXFR);
    let (mut stream, until) = match connect(budget, server, timeout).await {
        Ok(s) => s,
        Err(e) => return Transfer::Failed(e),
    };
    let id = rand::random::<u16>();
    let sent = match request(id, &query, false, Form::Standard) {
        Ok(bytes) => send_frame(&mut stream, &bytes, until).await,
        Err(e) => Err(e),
    };
    if let Err(e) = sent {
        return Transfer::Failed(e);
    }
    let mut records: Vec<Record> = Vec::new();
    let mut octets = 0usize;
    loop {
        let bytes = match read_frame(&mut stream, budget.until(timeout)).await {
            Ok(b) => b,
            Err(NoAnswer::Malformed(m)) if m.contains("closed the TCP connection") => {
                return Transfer::Failed(NoAnswer::Malformed(format!(
                    "the transfer ended after {} records, before the closing SOA",
                    records.len()
                )));
            }
            Err(e) => return Transfer::Failed(e),
        };
        octets += bytes.len();
        if u16::from_be_bytes([bytes[0], *bytes.get(1).unwrap_or(&0)]) != id {
            return Transfer::Failed(NoAnswer::Malformed(
                "a transfer message with another message ID".into(),
            ));
        }
        let message = match Message::from_vec(&bytes) {
            Ok(m) => m,
            Err(e) => {
                return Transfer::Failed(NoAnswer::Malformed(format!(
                    "a transfer message that cannot be decoded ({e})"
                )));
            }
        };
        let rcode = message.metadata.response_code;
        if rcode != ResponseCode::NoError {
            return Transfer::Refused(super::rcode_name(rcode));
        }
        if records.is_empty()
            && message.answers.first().map(|r| r.record_type()) != Some(RecordType::SOA)
        {
            return Transfer::Refused(
                "no zone transfer (the answer does not open with the SOA)".into(),
            );
        }
        records.extend(message.answers);
        if records.len() > limits.records || octets > limits.octets {
            return Transfer::CutShort {
                records: records.len(),
                octets,
            };
        }
        // AXFR ends with the SOA it began with (RFC 5936 §2.2).
        if records.len() > 1 && records.last().map(|r| r.record_type()) == Some(RecordType::SOA) {
            records.pop();
            return Transfer::Records(records);
        }
    }
}
