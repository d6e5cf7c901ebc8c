//! One question to one server: UDP first, TCP when the answer is truncated (RFC 7766 §5) or when
//! asked for. Non-recursive (RD=0), EDNS(0) with a 1,232-octet buffer (DNS Flag Day 2020,
//! RFC 9715), a per-query timeout, bounded retries over UDP. The answer must carry the question
//! that was asked (RFC 5452 §9.1; hickory's streams already match the ID and the source).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use hickory_net::client::Client;
use hickory_net::runtime::TokioRuntimeProvider;
use hickory_net::tcp::TcpClientStream;
use hickory_net::udp::UdpClientStream;
use hickory_net::xfer::DnsHandle;
use hickory_proto::op::{DnsRequestOptions, Message, Query};
use hickory_proto::rr::Name;

/// EDNS(0) UDP payload size we advertise.
pub const EDNS_BUFFER: u16 = 1232;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
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

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "kebab-case")]
pub enum NoAnswer {
    /// Nothing within the timeout (after the retries).
    Timeout,
    /// Port unreachable / connection refused.
    Refused,
    /// An answer that does not answer our question.
    Mismatch(String),
    /// Any other network or protocol failure.
    Error(String),
}

impl std::fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoAnswer::Timeout => f.write_str("no answer (timeout)"),
            NoAnswer::Refused => f.write_str("port unreachable / connection refused"),
            NoAnswer::Mismatch(m) => write!(f, "answer does not match the question: {m}"),
            NoAnswer::Error(e) => write!(f, "{e}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub message: Message,
    pub rtt: Duration,
    pub proto: Proto,
    /// The UDP answer was truncated and this one came over TCP.
    pub retried_tcp: bool,
}

/// Request options. The DO bit (RFC 3225) is set for DNSKEY questions only, so that the answer
/// carries the signatures over the key set, whose validity the check reads; every other answer
/// stays as small as it was.
fn options(recursion: bool, qtype: hickory_proto::rr::RecordType) -> DnsRequestOptions {
    let mut o = DnsRequestOptions::default();
    o.recursion_desired = recursion;
    o.use_edns = true;
    o.edns_payload_len = EDNS_BUFFER;
    o.edns_set_dnssec_ok = qtype == hickory_proto::rr::RecordType::DNSKEY;
    o
}

fn classify(err: &dyn std::fmt::Display) -> NoAnswer {
    let text = err.to_string();
    let lower = text.to_ascii_lowercase();
    if lower.contains("timed out") || lower.contains("timeout") {
        NoAnswer::Timeout
    } else if lower.contains("refused") || lower.contains("unreachable") || lower.contains("reset")
    {
        NoAnswer::Refused
    } else {
        NoAnswer::Error(text)
    }
}

async fn send(
    client: Client<TokioRuntimeProvider>,
    query: Query,
    timeout: Duration,
    recursion: bool,
) -> Result<Message, NoAnswer> {
    let qtype = query.query_type();
    let mut stream = client.lookup(query, options(recursion, qtype));
    match tokio::time::timeout(timeout + Duration::from_millis(50), stream.next()).await {
        Err(_) | Ok(None) => Err(NoAnswer::Timeout),
        Ok(Some(Err(e))) => Err(classify(&e)),
        Ok(Some(Ok(resp))) => Ok(resp.into_message()),
    }
}

/// UDP clients kept per server and timeout, so that many questions to one server (verifying a
/// zone) share one background exchange. Each question still goes out from a new random source
/// port (RFC 5452 §9.2): hickory's UDP stream binds a fresh socket per request.
type UdpClient = Client<TokioRuntimeProvider>;

#[derive(Default, Clone)]
pub struct Pool {
    udp: Arc<Mutex<HashMap<(SocketAddr, Duration), UdpClient>>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pool")
    }
}

impl Pool {
    fn udp_client(&self, server: SocketAddr, timeout: Duration) -> Client<TokioRuntimeProvider> {
        let mut map = self
            .udp
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.entry((server, timeout))
            .or_insert_with(|| {
                let stream = UdpClientStream::builder(server, TokioRuntimeProvider::default())
                    .with_timeout(Some(timeout))
                    .build();
                let (client, bg) = Client::<TokioRuntimeProvider>::from_sender(stream);
                tokio::spawn(bg);
                client
            })
            .clone()
    }
}

async fn once(
    pool: Option<&Pool>,
    server: SocketAddr,
    query: &Query,
    timeout: Duration,
    proto: Proto,
    recursion: bool,
) -> Result<Message, NoAnswer> {
    let provider = TokioRuntimeProvider::default();
    match (proto, pool) {
        (Proto::Udp, Some(pool)) => {
            let client = pool.udp_client(server, timeout);
            send(client, query.clone(), timeout, recursion).await
        }
        (Proto::Udp, None) => {
            let stream = UdpClientStream::builder(server, provider)
                .with_timeout(Some(timeout))
                .build();
            let (client, bg) = Client::<TokioRuntimeProvider>::from_sender(stream);
            let task = tokio::spawn(bg);
            let r = send(client, query.clone(), timeout, recursion).await;
            task.abort();
            r
        }
        (Proto::Tcp, _) => {
            let (connect, handle) = TcpClientStream::new(server, None, Some(timeout), provider);
            let stream = match tokio::time::timeout(timeout, connect).await {
                Err(_) => return Err(NoAnswer::Timeout),
                Ok(Err(e)) => return Err(classify(&e)),
                Ok(Ok(s)) => s,
            };
            let (client, bg) =
                Client::<TokioRuntimeProvider>::with_timeout(stream, handle, timeout);
            let task = tokio::spawn(bg);
            let r = send(client, query.clone(), timeout, recursion).await;
            task.abort();
            r
        }
    }
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

/// Asks `server` one question within `timeout`, recursion off. UDP is sent `retries` more times
/// within it; a truncated UDP answer is fetched again over TCP.
pub async fn ask(
    server: SocketAddr,
    query: &Query,
    timeout: Duration,
    retries: u32,
    proto: Proto,
) -> Result<Reply, NoAnswer> {
    exchange(None, server, query, timeout, retries, proto, false).await
}

/// [`ask`] through a pool of UDP clients.
pub async fn ask_pooled(
    pool: &Pool,
    server: SocketAddr,
    query: &Query,
    timeout: Duration,
    retries: u32,
    proto: Proto,
) -> Result<Reply, NoAnswer> {
    exchange(Some(pool), server, query, timeout, retries, proto, false).await
}

/// The same with recursion desired (RD=1): a question to a resolver, about its cache.
pub async fn ask_resolver(
    server: SocketAddr,
    query: &Query,
    timeout: Duration,
    retries: u32,
) -> Result<Reply, NoAnswer> {
    exchange(None, server, query, timeout, retries, Proto::Udp, true).await
}

async fn exchange(
    pool: Option<&Pool>,
    server: SocketAddr,
    query: &Query,
    timeout: Duration,
    retries: u32,
    proto: Proto,
    recursion: bool,
) -> Result<Reply, NoAnswer> {
    // The timeout bounds the whole question: UDP retransmissions share it, so a server that
    // never answers costs one timeout, whatever the retries.
    let attempts = if proto == Proto::Udp { retries + 1 } else { 1 };
    let per_attempt = timeout / attempts;
    let mut last = NoAnswer::Timeout;
    for _ in 0..attempts {
        let t0 = Instant::now();
        match once(pool, server, query, per_attempt, proto, recursion).await {
            Ok(message) => {
                check_question(query, &message)?;
                if proto == Proto::Udp && message.metadata.truncation {
                    let mut reply = Box::pin(exchange(
                        pool,
                        server,
                        query,
                        timeout,
                        0,
                        Proto::Tcp,
                        recursion,
                    ))
                    .await?;
                    reply.retried_tcp = true;
                    return Ok(reply);
                }
                return Ok(Reply {
                    message,
                    rtt: t0.elapsed(),
                    proto,
                    retried_tcp: false,
                });
            }
            Err(NoAnswer::Timeout) => last = NoAnswer::Timeout,
            Err(other) => return Err(other),
        }
    }
    Err(last)
}

/// What a zone transfer gave.
#[derive(Debug, Clone)]
pub enum Transfer {
    /// Every record of the zone, the closing SOA left out.
    Records(Vec<hickory_proto::rr::Record>),
    /// The server answered, but does not give the zone out (REFUSED, NOTAUTH, ...): Route 53
    /// never does.
    Refused(String),
    /// No usable transfer (timeout, connection refused, a broken stream).
    Failed(NoAnswer),
}

/// Asks `server` for the whole zone `origin` (AXFR over TCP, RFC 5936). `timeout` bounds the
/// connection and the wait for each message of the transfer.
pub async fn transfer(server: SocketAddr, origin: &Name, timeout: Duration) -> Transfer {
    use hickory_net::client::ClientHandle;
    use hickory_proto::op::ResponseCode;
    use hickory_proto::rr::RecordType;

    let provider = TokioRuntimeProvider::default();
    let (connect, handle) = TcpClientStream::new(server, None, Some(timeout), provider);
    let stream = match tokio::time::timeout(timeout, connect).await {
        Err(_) => return Transfer::Failed(NoAnswer::Timeout),
        Ok(Err(e)) => return Transfer::Failed(classify(&e)),
        Ok(Ok(s)) => s,
    };
    let (mut client, bg) = Client::<TokioRuntimeProvider>::with_timeout(stream, handle, timeout);
    let task = tokio::spawn(bg);
    let mut responses = client.zone_transfer(origin.clone(), None);
    let mut records = Vec::new();
    let outcome = loop {
        let next = match tokio::time::timeout(timeout, responses.next()).await {
            Err(_) => break Transfer::Failed(NoAnswer::Timeout),
            Ok(None) => {
                break Transfer::Failed(NoAnswer::Error(
                    "the transfer ended before the closing SOA".into(),
                ));
            }
            Ok(Some(Err(e))) => {
                let text = e.to_string();
                break if text.contains("Refused") || text.contains("NotAuth") {
                    Transfer::Refused(text)
                } else {
                    Transfer::Failed(classify(&e))
                };
            }
            Ok(Some(Ok(response))) => response.into_message(),
        };
        let rcode = next.metadata.response_code;
        if rcode != ResponseCode::NoError {
            break Transfer::Refused(super::rcode_name(rcode));
        }
        if records.is_empty()
            && next.answers.first().map(|r| r.record_type()) != Some(RecordType::SOA)
        {
            break Transfer::Refused(
                "no zone transfer (the answer does not open with the SOA)".into(),
            );
        }
        records.extend(next.answers);
        // AXFR ends with the SOA it began with (RFC 5936 §2.2).
        if records.len() > 1 && records.last().map(|r| r.record_type()) == Some(RecordType::SOA) {
            records.pop();
            break Transfer::Records(std::mem::take(&mut records));
        }
    };
    task.abort();
    outcome
}
