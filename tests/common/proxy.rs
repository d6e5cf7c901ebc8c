//! A small fault-injecting HTTP proxy in front of moto, for what moto cannot show: throttling,
//! PriorRequestNotComplete, changes that stay PENDING, and Route 53's optimistic checks (a CREATE
//! of an existing record set, a DELETE whose values differ from the live ones, a CNAME beside
//! other types are refused with InvalidChangeBatch). Everything else is forwarded to moto as is;
//! the proxy counts requests by operation.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};

#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Answer the first N requests of an operation with `Throttling` ("Rate exceeded").
    pub throttle: HashMap<&'static str, usize>,
    /// Answer the first N ChangeResourceRecordSets with `PriorRequestNotComplete`.
    pub prior_request: usize,
    /// Report the first N GetChange answers as PENDING.
    pub pending: usize,
    /// Check changes as Route 53 does before forwarding them.
    pub route53_checks: bool,
    /// GetHealthCheckStatus reports every checker failing (moto always reports success).
    pub checks_failing: bool,
    /// Before the first ChangeResourceRecordSets, send this change batch (XML) to the same zone:
    /// somebody else's change landing between plan and apply.
    pub concurrent_change: Option<String>,
    /// Answer these operations with 403 AccessDenied, as Route 53 does for an IAM policy that
    /// lacks the action.
    pub deny: Vec<&'static str>,
    /// Answer every request with 403 ExpiredToken, as AWS does once temporary credentials (an
    /// SSO or assumed-role session) have expired.
    pub expired: bool,
    /// Hold the Nth ChangeResourceRecordSets (1-based) this long before forwarding it: a slow
    /// network between two requests of one sync, while another sync runs.
    pub hold_change: Option<(usize, std::time::Duration)>,
}

#[derive(Debug, Default)]
struct State {
    faults: Faults,
    counts: BTreeMap<String, usize>,
    injected: usize,
    /// The bodies of the ChangeResourceRecordSets requests seen.
    changes: Vec<String>,
    /// Held from the check of a change batch to its answer: Route 53 applies a zone's changes
    /// one at a time, so two batches checked against the same live zone cannot both land.
    serial: Arc<tokio::sync::Mutex<()>>,
}

pub struct Proxy {
    pub port: u16,
    state: Arc<Mutex<State>>,
    _runtime: tokio::runtime::Runtime,
}

impl Proxy {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every operation seen (forwarded or answered by a fault); `Other` for a request the
    /// proxy does not know.
    pub fn operations(&self) -> std::collections::BTreeSet<String> {
        self.state.lock().unwrap().counts.keys().cloned().collect()
    }

    /// The change batches sent (XML bodies of ChangeResourceRecordSets), in order.
    pub fn change_batches(&self) -> Vec<String> {
        self.state.lock().unwrap().changes.clone()
    }

    /// Requests seen for an operation (forwarded or answered by a fault).
    pub fn count(&self, op: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .counts
            .get(op)
            .copied()
            .unwrap_or(0)
    }

    pub fn total(&self) -> usize {
        self.state.lock().unwrap().counts.values().sum()
    }

    pub fn injected(&self) -> usize {
        self.state.lock().unwrap().injected
    }

    pub fn start(upstream_port: u16, faults: Faults) -> Proxy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let state = Arc::new(Mutex::new(State {
            faults,
            ..State::default()
        }));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let upstream: SocketAddr = ([127, 0, 0, 1], upstream_port).into();
        let client: Client<HttpConnector, Full<Bytes>> =
            Client::builder(TokioExecutor::new()).build_http();
        let st = state.clone();
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (st, client) = (st.clone(), client.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        handle(req, st.clone(), client.clone(), upstream)
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Proxy {
            port,
            state,
            _runtime: runtime,
        }
    }
}

pub fn operation(method: &hyper::Method, path: &str) -> &'static str {
    let parts: Vec<&str> = path
        .trim_start_matches('/')
        .split('?')
        .next()
        .unwrap_or("")
        .split('/')
        .collect();
    match (method.as_str(), parts.as_slice()) {
        ("GET", [_, "hostedzonesbyname"]) => "ListHostedZonesByName",
        ("GET", [_, "hostedzone", _, "rrset", ..]) => "ListResourceRecordSets",
        ("POST", [_, "hostedzone", _, "rrset", ..]) => "ChangeResourceRecordSets",
        ("POST", [_, "hostedzone", _, "associatevpc"]) => "AssociateVPCWithHostedZone",
        ("POST", [_, "hostedzone", _, "disassociatevpc"]) => "DisassociateVPCFromHostedZone",
        ("GET", [_, "change", _]) => "GetChange",
        ("POST", [_, "hostedzone"]) => "CreateHostedZone",
        ("GET", [_, "hostedzone", _]) => "GetHostedZone",
        ("GET", [_, "healthcheck"]) => "ListHealthChecks",
        ("POST", [_, "healthcheck"]) => "CreateHealthCheck",
        ("GET", [_, "healthcheck", _]) => "GetHealthCheck",
        ("GET", [_, "healthcheck", _, "status"]) => "GetHealthCheckStatus",
        ("POST", [_, "healthcheck", _]) => "UpdateHealthCheck",
        ("DELETE", [_, "healthcheck", _]) => "DeleteHealthCheck",
        ("POST", [_, "tags", "healthcheck"]) => "ListTagsForResources",
        ("POST", [_, "tags", "healthcheck", _]) => "ChangeTagsForResource",
        _ => "Other",
    }
}

fn error_response(code: &str, message: &str) -> Response<Full<Bytes>> {
    let body = format!(
        "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{}</Message></Error><RequestId>proxy-fault</RequestId></ErrorResponse>",
        message.replace('&', "&amp;").replace('<', "&lt;")
    );
    Response::builder()
        .status(StatusCode::BAD_REQUEST)
        .header("content-type", "text/xml")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

async fn forward(
    client: &Client<HttpConnector, Full<Bytes>>,
    upstream: SocketAddr,
    method: hyper::Method,
    path: &str,
    headers: &hyper::HeaderMap,
    body: Bytes,
) -> (StatusCode, hyper::HeaderMap, Bytes) {
    let mut req = Request::builder()
        .method(method)
        .uri(format!("http://{upstream}{path}"));
    for (k, v) in headers {
        // hyper sets Content-Length from the body; a copied one could lie (a GET made from a POST).
        if k != hyper::header::HOST && k != hyper::header::CONTENT_LENGTH {
            req = req.header(k, v);
        }
    }
    let resp = client
        .request(req.body(Full::new(body)).unwrap())
        .await
        .expect("moto answers");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    (status, headers, bytes)
}

async fn handle(
    req: Request<Incoming>,
    state: Arc<Mutex<State>>,
    client: Client<HttpConnector, Full<Bytes>>,
    upstream: SocketAddr,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().clone();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let headers = req.headers().clone();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    // Route 53 Domains speaks JSON over POST /, the operation in X-Amz-Target.
    let op = match headers
        .get("x-amz-target")
        .and_then(|t| t.to_str().ok())
        .and_then(|t| t.strip_prefix("Route53Domains_v20140515."))
    {
        Some("GetDomainDetail") => "GetDomainDetail",
        Some("UpdateDomainNameservers") => "UpdateDomainNameservers",
        Some("GetOperationDetail") => "GetOperationDetail",
        Some(_) => "Other",
        // STS speaks a form over POST /.
        None if method == hyper::Method::POST
            && path.split('?').next() == Some("/")
            && body.starts_with(b"Action=GetCallerIdentity") =>
        {
            "GetCallerIdentity"
        }
        None => operation(&method, &path),
    };

    let hold = {
        let st = state.lock().unwrap();
        let nth = st.counts.get(op).copied().unwrap_or(0) + 1;
        match st.faults.hold_change {
            Some((n, wait)) if op == "ChangeResourceRecordSets" && n == nth => Some(wait),
            _ => None,
        }
    };
    if let Some(wait) = hold {
        tokio::time::sleep(wait).await;
    }
    let (fault, concurrent, checks, rewrite) = {
        let mut st = state.lock().unwrap();
        *st.counts.entry(op.to_string()).or_default() += 1;
        if op == "ChangeResourceRecordSets" {
            st.changes.push(String::from_utf8_lossy(&body).into_owned());
        }
        let mut fault = None;
        if st.faults.expired {
            fault = Some((
                "ExpiredToken",
                "The security token included in the request is expired",
            ));
        } else if st.faults.deny.contains(&op) {
            fault = Some((
                "AccessDenied",
                "User: arn:aws:iam::123456789012:user/ci is not authorized to perform this action",
            ));
        } else if let Some(n) = st.faults.throttle.get_mut(op).filter(|n| **n > 0) {
            *n -= 1;
            fault = Some(("Throttling", "Rate exceeded"));
        } else if op == "ChangeResourceRecordSets" && st.faults.prior_request > 0 {
            st.faults.prior_request -= 1;
            fault = Some((
                "PriorRequestNotComplete",
                "The request was rejected because Route 53 was still processing a prior request.",
            ));
        }
        if fault.is_some() {
            st.injected += 1;
        }
        let concurrent = if op == "ChangeResourceRecordSets" && fault.is_none() {
            st.faults.concurrent_change.take()
        } else {
            None
        };
        let pending = op == "GetChange" && st.faults.pending > 0 && {
            st.faults.pending -= 1;
            true
        };
        let failing = op == "GetHealthCheckStatus" && st.faults.checks_failing;
        (
            fault,
            concurrent,
            st.faults.route53_checks,
            pending || failing, // answers whose status is rewritten
        )
    };
    if let Some((code, message)) = fault {
        let mut resp = error_response(code, message);
        if matches!(code, "AccessDenied" | "ExpiredToken") {
            *resp.status_mut() = StatusCode::FORBIDDEN;
        }
        return Ok(resp);
    }
    if let Some(batch) = concurrent {
        let (status, _, _) = forward(
            &client,
            upstream,
            hyper::Method::POST,
            &path,
            &headers,
            Bytes::from(batch),
        )
        .await;
        assert!(
            status.is_success(),
            "the concurrent change was not accepted by moto"
        );
    }
    // Route 53 applies a zone's change batches one at a time, each whole, and a page read
    // never sees half a batch; the emulator applies a batch change by change while it answers
    // reads. With checks on, a batch (checked, then applied) and a page read take turns, and a
    // batch that has reached the proxy is applied even when its sender dies (it has reached
    // Route 53).
    let serial = state.lock().unwrap().serial.clone();
    let turns = checks && matches!(op, "ChangeResourceRecordSets" | "ListResourceRecordSets");
    let work = {
        let (client, state, path) = (client.clone(), state.clone(), path.clone());
        async move {
            let _turn = match turns {
                true => Some(serial.lock_owned().await),
                false => None,
            };
            if op == "ChangeResourceRecordSets" && checks {
                let list_path = path.split('?').next().unwrap_or(&path).to_string();
                let live = live_sets(&client, upstream, &list_path, &headers).await;
                if let Err(message) = route53_check(&body, live) {
                    state.lock().unwrap().injected += 1;
                    return Err(message);
                }
            }
            Ok(forward(&client, upstream, method, &path, &headers, body).await)
        }
    };
    let (status, resp_headers, mut bytes) =
        match tokio::spawn(work).await.expect("the proxy's task") {
            Ok(answer) => answer,
            Err(message) => return Ok(error_response("InvalidChangeBatch", &message)),
        };
    if rewrite {
        let text = String::from_utf8_lossy(&bytes)
            .replace("<Status>INSYNC</Status>", "<Status>PENDING</Status>")
            .replace(
                "<Status>Success: HTTP Status Code: 200",
                "<Status>Failure: HTTP Status Code: 503",
            );
        bytes = Bytes::from(text);
    }
    let mut resp = Response::builder().status(status);
    for (k, v) in &resp_headers {
        if k != hyper::header::CONTENT_LENGTH && k != hyper::header::TRANSFER_ENCODING {
            resp = resp.header(k, v);
        }
    }
    Ok(resp.body(Full::new(bytes)).unwrap())
}

/// (name, type) → the record set's canonical content.
/// Live record sets by (name, type, set identifier), as Route 53 identifies them.
type Sets = BTreeMap<(String, String, String), String>;

fn child<'a>(node: roxmltree::Node<'a, 'a>, tag: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children().find(|c| c.tag_name().name() == tag)
}

fn text(node: roxmltree::Node, tag: &str) -> String {
    child(node, tag)
        .and_then(|c| c.text())
        .unwrap_or_default()
        .to_string()
}

fn norm(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.').to_ascii_lowercase()).replace("\\052", "*")
}

fn key(rr: roxmltree::Node) -> (String, String, String) {
    (
        norm(&text(rr, "Name")),
        text(rr, "Type"),
        text(rr, "SetIdentifier"),
    )
}

/// What Route 53 compares in a DELETE: the values, and a routed set's policy and health check.
fn content(rr: roxmltree::Node) -> String {
    let geo = child(rr, "GeoLocation")
        .map(|g| {
            format!(
                "{}/{}/{}",
                text(g, "ContinentCode"),
                text(g, "CountryCode"),
                text(g, "SubdivisionCode")
            )
        })
        .unwrap_or_default();
    let routing = format!(
        "weight={} failover={} region={} geo={geo} multivalue={} health={}",
        text(rr, "Weight"),
        text(rr, "Failover"),
        text(rr, "Region"),
        text(rr, "MultiValueAnswer"),
        text(rr, "HealthCheckId")
    );
    if let Some(alias) = child(rr, "AliasTarget") {
        return format!(
            "alias {} {} {routing}",
            norm(&text(alias, "DNSName")),
            text(alias, "HostedZoneId")
        );
    }
    let mut values: Vec<String> = child(rr, "ResourceRecords")
        .map(|r| {
            r.children()
                .filter(|c| c.is_element())
                .map(|c| text(c, "Value"))
                .collect()
        })
        .unwrap_or_default();
    values.sort();
    format!("{} {} {routing}", text(rr, "TTL"), values.join(" | "))
}

async fn live_sets(
    client: &Client<HttpConnector, Full<Bytes>>,
    upstream: SocketAddr,
    path: &str,
    headers: &hyper::HeaderMap,
) -> Sets {
    // Every page (the emulator, like Route 53, answers at most 300 sets a page).
    let mut sets = Sets::new();
    let mut next: Option<(String, String)> = None;
    loop {
        let page = match &next {
            None => path.to_string(),
            Some((name, rtype)) => format!("{path}?name={name}&type={rtype}"),
        };
        let (_, _, bytes) = forward(
            client,
            upstream,
            hyper::Method::GET,
            &page,
            headers,
            Bytes::new(),
        )
        .await;
        let text_body = String::from_utf8_lossy(&bytes).into_owned();
        let doc = roxmltree::Document::parse(&text_body).expect("moto lists XML");
        sets.extend(
            doc.descendants()
                .filter(|n| n.tag_name().name() == "ResourceRecordSet")
                .map(|rr| (key(rr), content(rr))),
        );
        let root = doc.root_element();
        if text(root, "IsTruncated") != "true" {
            return sets;
        }
        next = Some((text(root, "NextRecordName"), text(root, "NextRecordType")));
    }
}

/// Route 53's all-or-nothing validation of a change batch against the live record sets.
fn route53_check(body: &[u8], mut live: Sets) -> Result<(), String> {
    // Every error of the batch, as Route 53 lists them: `[first, second]`.
    let mut errors = Vec::new();
    let text_body = String::from_utf8_lossy(body).into_owned();
    let doc = roxmltree::Document::parse(&text_body).map_err(|e| e.to_string())?;
    for change in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "Change")
    {
        let action = text(change, "Action");
        let rr = child(change, "ResourceRecordSet").ok_or("no ResourceRecordSet")?;
        let key = key(rr);
        let what = if key.2.is_empty() {
            format!("[name='{}', type='{}']", key.0, key.1)
        } else {
            format!(
                "[name='{}', type='{}', set-identifier='{}']",
                key.0, key.1, key.2
            )
        };
        match action.as_str() {
            "DELETE" => match live.remove(&key) {
                None => {
                    errors.push(format!(
                        "Tried to delete resource record set {what} but it was not found"
                    ));
                }
                Some(current) if current != content(rr) => {
                    errors.push(format!(
                        "Tried to delete resource record set {what} but the values provided do not match the current values"
                    ));
                }
                Some(_) => {}
            },
            "CREATE" => {
                if live.contains_key(&key) {
                    errors.push(format!(
                        "Tried to create resource record set {what} but it already exists"
                    ));
                    continue;
                }
                let cname_clash = live
                    .keys()
                    .any(|(n, t, _)| *n == key.0 && (t == "CNAME") != (key.1 == "CNAME"));
                let routing_clash = live.keys().any(|(n, t, id)| {
                    *n == key.0 && *t == key.1 && id.is_empty() != key.2.is_empty()
                });
                if routing_clash {
                    errors.push(format!(
                        "RRSet with DNS name {} and type {} cannot be created as a non-weighted set exists with the same name and type",
                        key.0, key.1
                    ));
                }
                if cname_clash {
                    errors.push(format!(
                        "RRSet of type {} with DNS name {} is not permitted as it conflicts with other records with the same DNS name",
                        key.1, key.0
                    ));
                }
                live.insert(key, content(rr));
            }
            other => return Err(format!("dns must not send {other}")),
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(format!("[{}]", errors.join(", "))),
    }
}
