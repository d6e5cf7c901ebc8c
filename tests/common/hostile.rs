//! A hostile front for a lab server: it sits on the server's public address, passes each
//! question to the real (hickory-server) server behind it, and breaks the answer on the wire the
//! way broken servers, middleboxes and attackers do: garbage, another ID or question, QR=0,
//! another OPCODE, a compression loop, an oversized UDP answer without TC, TC over TCP, a TCP
//! message cut short or with a length prefix longer than the data, DNSSEC records whose data
//! cannot be read, a zone transfer that never ends, or nothing at all.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, OpCode, Query};
use hickory_proto::rr::rdata::{A, SOA};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};

/// What the front does to answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// Nothing listens: port unreachable over UDP, connection refused over TCP.
    Closed,
    /// The question is taken and never answered (a firewall that drops; a TCP connection that
    /// is accepted and then left hanging).
    Stall,
    /// Our ID, then bytes that are no DNS message.
    Garbage,
    /// The answer with another message ID.
    WrongId,
    /// The answer to another question.
    WrongQuestion,
    /// QR=0: the answer marked as a query.
    NotResponse,
    /// OPCODE 2 (STATUS) in the answer.
    OtherOpcode,
    /// An answer whose owner name is a compression pointer to itself.
    CompressionLoop,
    /// Over UDP, the answer padded past 1,232 octets, TC clear.
    Oversize,
    /// TC set on the answer (meant for TCP).
    Truncated,
    /// Over TCP, the length prefix and half the message, then the connection is closed.
    CloseMidMessage,
    /// Over TCP, a length prefix 100 octets longer than the message, and the connection held.
    LongPrefix,
    /// For questions of type `question`, an answer holding one record of type `record` whose
    /// data is 3 octets (a DNSKEY, DS or RRSIG that cannot be read).
    BadRdata { question: u16, record: u16 },
    /// A zone transfer that never ends: the SOA, then A records, without the closing SOA.
    EndlessAxfr,
    /// The answer's question name in lower case, whatever case was asked (breaks 0x20).
    LowercaseQuestion,
    /// A question whose name has a capital letter is answered NXDOMAIN (a case-sensitive
    /// lookup).
    CaseSensitive,
    /// Questions of this type are never answered (a firewall that drops AAAA questions).
    DropType(u16),
}

/// Which protocol a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    Udp,
    Tcp,
    Both,
}

impl On {
    fn udp(self) -> bool {
        self != On::Tcp
    }
    fn tcp(self) -> bool {
        self != On::Udp
    }
}

/// Serves the front on `udp`/`tcp` (the server's public sockets) for the real server at
/// `inner_udp`/`inner_tcp`.
pub fn spawn(
    runtime: &tokio::runtime::Runtime,
    udp: std::net::UdpSocket,
    tcp: std::net::TcpListener,
    inner_udp: SocketAddr,
    inner_tcp: SocketAddr,
    wire: Wire,
    on: On,
) {
    let _guard = runtime.enter();
    if !(wire == Wire::Closed && on.udp()) {
        udp.set_nonblocking(true).unwrap();
        let udp = Arc::new(UdpSocket::from_std(udp).unwrap());
        let wire_udp = if on.udp() { Some(wire) } else { None };
        runtime.spawn(serve_udp(udp, inner_udp, wire_udp));
    } else {
        drop(udp);
    }
    if !(wire == Wire::Closed && on.tcp()) {
        tcp.set_nonblocking(true).unwrap();
        let tcp = TcpListener::from_std(tcp).unwrap();
        let wire_tcp = if on.tcp() { Some(wire) } else { None };
        runtime.spawn(serve_tcp(tcp, inner_tcp, wire_tcp));
    } else {
        drop(tcp);
    }
}

async fn serve_udp(socket: Arc<UdpSocket>, inner: SocketAddr, wire: Option<Wire>) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let Ok((len, client)) = socket.recv_from(&mut buf).await else {
            return;
        };
        let request = buf[..len].to_vec();
        let socket = socket.clone();
        tokio::spawn(async move {
            let Some(answer) = forward_udp(&request, inner).await else {
                return;
            };
            if let Some(out) = mangle(&request, answer, wire, false) {
                let _ = socket.send_to(&out, client).await;
            }
        });
    }
}

async fn forward_udp(request: &[u8], inner: SocketAddr) -> Option<Vec<u8>> {
    let s = UdpSocket::bind("127.0.0.1:0").await.ok()?;
    s.send_to(request, inner).await.ok()?;
    let mut buf = vec![0u8; 65_535];
    let (len, _) = tokio::time::timeout(Duration::from_secs(10), s.recv_from(&mut buf))
        .await
        .ok()?
        .ok()?;
    Some(buf[..len].to_vec())
}

async fn read_frame(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).await.ok()?;
    let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut body).await.ok()?;
    Some(body)
}

async fn write_frame(stream: &mut TcpStream, body: &[u8]) -> std::io::Result<()> {
    let mut framed = (body.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(body);
    stream.write_all(&framed).await
}

async fn serve_tcp(listener: TcpListener, inner: SocketAddr, wire: Option<Wire>) {
    loop {
        let Ok((mut client, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            if wire == Some(Wire::Stall) {
                // Accepted, then nothing: hold until the client gives up.
                let mut sink = [0u8; 512];
                while matches!(client.read(&mut sink).await, Ok(n) if n > 0) {}
                return;
            }
            while let Some(request) = read_frame(&mut client).await {
                if wire == Some(Wire::EndlessAxfr) && qtype(&request) == Some(252) {
                    endless_axfr(&mut client, &request).await;
                    return;
                }
                let answer = async {
                    let mut up = TcpStream::connect(inner).await.ok()?;
                    write_frame(&mut up, &request).await.ok()?;
                    read_frame(&mut up).await
                };
                let Some(answer) = tokio::time::timeout(Duration::from_secs(10), answer)
                    .await
                    .ok()
                    .flatten()
                else {
                    return;
                };
                match wire {
                    Some(Wire::CloseMidMessage) => {
                        let half = answer.len() / 2;
                        let mut framed = (answer.len() as u16).to_be_bytes().to_vec();
                        framed.extend_from_slice(&answer[..half]);
                        let _ = client.write_all(&framed).await;
                        return;
                    }
                    Some(Wire::LongPrefix) => {
                        let mut framed = (answer.len() as u16 + 100).to_be_bytes().to_vec();
                        framed.extend_from_slice(&answer);
                        let _ = client.write_all(&framed).await;
                        tokio::time::sleep(Duration::from_secs(10)).await;
                        return;
                    }
                    _ => {}
                }
                let Some(out) = mangle(&request, answer, wire, true) else {
                    return;
                };
                if write_frame(&mut client, &out).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// The end of the question section of a request (header, one question).
fn question_end(request: &[u8]) -> Option<usize> {
    let mut i = 12;
    loop {
        let len = usize::from(*request.get(i)?);
        if len == 0 {
            return Some(i + 5);
        }
        i += len + 1;
    }
}

fn qtype(request: &[u8]) -> Option<u16> {
    let end = question_end(request)?;
    Some(u16::from_be_bytes([request[end - 4], request[end - 3]]))
}

/// An answer built by hand: the request's header and question, then one record `owner_ptr`
/// (a compression pointer) `rtype` with `rdata`.
fn crafted(request: &[u8], owner: [u8; 2], rtype: u16, rdata: &[u8]) -> Vec<u8> {
    let end = question_end(request).unwrap_or(request.len());
    let mut out = vec![request[0], request[1], 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0];
    out.extend_from_slice(&request[12..end]);
    out.extend_from_slice(&owner);
    out.extend_from_slice(&rtype.to_be_bytes());
    out.extend_from_slice(&[0, 1, 0, 0, 1, 44]);
    out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    out.extend_from_slice(rdata);
    out
}

/// The answer as the fault makes it; `None`: nothing is sent.
fn mangle(request: &[u8], mut answer: Vec<u8>, wire: Option<Wire>, tcp: bool) -> Option<Vec<u8>> {
    let Some(wire) = wire else {
        return Some(answer);
    };
    match wire {
        Wire::Closed | Wire::CloseMidMessage | Wire::LongPrefix | Wire::EndlessAxfr => Some(answer),
        Wire::Stall => None,
        Wire::Garbage => {
            let mut out = answer[..2].to_vec();
            out.extend((0..40u8).map(|i| i.wrapping_mul(37).wrapping_add(0xf1)));
            Some(out)
        }
        Wire::WrongId => {
            answer[0] ^= 0x5a;
            answer[1] ^= 0xa5;
            Some(answer)
        }
        Wire::NotResponse => {
            answer[2] &= 0x7f;
            Some(answer)
        }
        Wire::OtherOpcode => {
            answer[2] = (answer[2] & 0x87) | (2 << 3);
            Some(answer)
        }
        Wire::Truncated => {
            answer[2] |= 0x02;
            Some(answer)
        }
        Wire::DropType(t) => (qtype(request) != Some(t)).then_some(answer),
        Wire::LowercaseQuestion => {
            let mut m = Message::from_vec(&answer).ok()?;
            m.queries = m
                .queries
                .iter()
                .map(|q| Query::query(q.name().to_lowercase(), q.query_type()))
                .collect();
            m.to_vec().ok()
        }
        Wire::CaseSensitive => {
            let asked = Message::from_vec(request).ok()?;
            let capital = asked
                .queries
                .first()
                .is_some_and(|q| q.name().to_ascii().chars().any(|c| c.is_ascii_uppercase()));
            if !capital {
                return Some(answer);
            }
            let mut m = Message::from_vec(&answer).ok()?;
            m.metadata.response_code = hickory_proto::op::ResponseCode::NXDomain;
            m.answers.clear();
            m.to_vec().ok()
        }
        Wire::WrongQuestion => {
            let mut m = Message::from_vec(&answer).ok()?;
            m.queries = vec![Query::query(
                Name::from_ascii("wrong.invalid.").unwrap(),
                RecordType::A,
            )];
            m.to_vec().ok()
        }
        Wire::CompressionLoop => {
            let at = question_end(request)? as u16;
            let ptr = (0xC000 | at).to_be_bytes();
            Some(crafted(request, ptr, 1, &[127, 0, 0, 1]))
        }
        Wire::BadRdata { question, record } => {
            if qtype(request) == Some(question) {
                Some(crafted(request, [0xC0, 12], record, &[1, 3, 8]))
            } else {
                Some(answer)
            }
        }
        Wire::Oversize => {
            if tcp {
                return Some(answer);
            }
            let mut m = Message::from_vec(&answer).ok()?;
            let owner = m
                .queries
                .first()
                .map(|q| q.name().clone())
                .unwrap_or_else(Name::root);
            for i in 0..120u8 {
                m.additionals.push(Record::from_rdata(
                    owner.clone(),
                    300,
                    RData::A(A::new(192, 0, 2, i)),
                ));
            }
            m.metadata.truncation = false;
            m.to_vec().ok()
        }
    }
}

/// Answers an AXFR with the SOA and then A records, forever (until the client hangs up).
async fn endless_axfr(client: &mut TcpStream, request: &[u8]) {
    let Ok(req) = Message::from_vec(request) else {
        return;
    };
    let Some(q) = req.queries.first().cloned() else {
        return;
    };
    let origin = q.name().clone();
    let soa = Record::from_rdata(
        origin.clone(),
        300,
        RData::SOA(SOA::new(
            origin.clone(),
            origin.clone(),
            1,
            3600,
            600,
            86400,
            300,
        )),
    );
    let mut first = true;
    for n in 0u32.. {
        let mut m = Message::new(req.metadata.id, MessageType::Response, OpCode::Query);
        m.metadata.authoritative = true;
        m.queries.push(q.clone());
        if first {
            m.answers.push(soa.clone());
            first = false;
        }
        for i in 0..100u32 {
            let k = n * 100 + i;
            let owner = Name::from_ascii(format!("h{k}.{origin}")).unwrap();
            m.answers.push(Record::from_rdata(
                owner,
                300,
                RData::A(A::from(std::net::Ipv4Addr::from(k))),
            ));
        }
        let Ok(bytes) = m.to_vec() else { return };
        if write_frame(client, &bytes).await.is_err() {
            return;
        }
    }
}
