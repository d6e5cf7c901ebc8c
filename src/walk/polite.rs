//! Politeness by rate: the questions of a run to one server address, spread to at most a number
//! a second, as the real root and TLD servers ask of a client (NSD, BIND and Knot begin to
//! limit at 200 answers a second of one kind, by slipping answers — an empty one with TC=1 — or
//! dropping them).
//!
//! A run keeps one [`Politeness`] for all its checks. Each address has a token bucket (a
//! second's worth of questions may go at once, so that one zone's check is never slowed; a
//! portfolio's thousands are spread), and what the address did: how many questions it
//! answered, and the signs that it limits (an answer slipped, or dropped and given when asked
//! again). Each sign cuts the address's rate by a quarter, down to a floor, and each quiet
//! second gives a tenth back, up to the run's rate (a server that limits at about the run's
//! rate is asked near it, not at half); the run's report says which servers limited, at what
//! rate, and what could not be judged.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// The lowest rate a server is slowed to, in questions a second.
const FLOOR: f64 = 5.0;

/// A server's rate is cut at most once in this long (the answers already on their way when it
/// began to limit are one sign, not many), and raised a tenth again after each such time
/// without a sign, up to the run's rate.
const SETTLE: Duration = Duration::from_secs(1);

/// What a sign of limiting leaves of a server's rate. A half (the first version) cost a 10,000-
/// name portfolio 1.29x its pacing floor once, on a TLD server that limits at just the run's
/// rate: a few slips, then many seconds at half the rate while it came back.
const CUT: f64 = 0.75;

/// The rate a server whose questions were not limited is slowed from at its first sign.
const UNLIMITED_START: f64 = 100.0;

/// The rate of questions to each server address of one run, and what each did.
#[derive(Debug)]
pub struct Politeness {
    /// Questions a second to one address at most (0: no limit until a server shows one).
    qps: f64,
    servers: Mutex<HashMap<IpAddr, Pace>>,
}

#[derive(Debug, Clone)]
struct Pace {
    /// Questions a second now.
    qps: f64,
    /// When the bucket would be empty again had nothing more been sent (GCRA's theoretical
    /// arrival time).
    tat: Instant,
    /// Questions sent (paced).
    sent: u64,
    answered: u64,
    /// The types of the questions it answered, with the protocol (0 UDP, 1 TCP): silence to
    /// a type it answered before over that protocol is a dropped answer; to one it never
    /// answered there, a question it does not answer (a firewall that drops AAAA, or TCP).
    types: std::collections::HashSet<(u16, u8)>,
    /// Answers slipped (TC=1 on an answer that fits a datagram).
    slipped: u64,
    /// Answers dropped that came when asked again.
    dropped: u64,
    /// Questions this server never answered although it answers others: not judged.
    lost: u64,
    /// When the rate was last cut: signs within a second after are the same episode.
    cut: Instant,
    /// When the rate was last raised again.
    raised: Instant,
    /// The lowest rate it was slowed to.
    lowest: f64,
}

/// What one server's rate limiting did to a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Limiting {
    pub addr: IpAddr,
    pub answered: u64,
    pub slipped: u64,
    pub dropped: u64,
    pub lost: u64,
    /// The lowest rate the run slowed to (questions a second).
    pub qps: f64,
}

impl Politeness {
    pub fn new(qps: f64) -> Arc<Politeness> {
        Arc::new(Politeness {
            qps: if qps > 0.0 { qps } else { 0.0 },
            servers: Mutex::default(),
        })
    }

    fn with<T>(&self, addr: IpAddr, f: impl FnOnce(&mut Pace) -> T) -> Option<T> {
        let mut servers = self.servers.lock().ok()?;
        let pace = servers.entry(addr).or_insert_with(|| Pace {
            qps: if self.qps > 0.0 {
                self.qps
            } else {
                f64::INFINITY
            },
            tat: Instant::now(),
            sent: 0,
            answered: 0,
            types: Default::default(),
            slipped: 0,
            dropped: 0,
            lost: 0,
            // As if settled: the first sign counts at once.
            cut: Instant::now()
                .checked_sub(SETTLE)
                .unwrap_or_else(Instant::now),
            raised: Instant::now(),
            lowest: f64::INFINITY,
        });
        Some(f(pace))
    }

    /// Waits for the turn to send `n` questions to `addr`: at once while the address's bucket
    /// holds them (a second's worth), else when it does.
    pub async fn pace(&self, addr: IpAddr, n: usize) {
        let now = Instant::now();
        let ceiling = self.qps;
        let at = self.with(addr, |p| {
            p.sent += n as u64;
            // A server slowed down that has shown no sign for a second: a tenth faster, every
            // second, up to the run's rate.
            let slowed = p.qps.is_finite() && (ceiling == 0.0 || p.qps < ceiling);
            if slowed
                && now.duration_since(p.cut) >= SETTLE
                && now.duration_since(p.raised) >= SETTLE
            {
                p.qps *= 1.1;
                p.raised = now;
                if ceiling > 0.0 && p.qps >= ceiling {
                    p.qps = ceiling;
                } else if ceiling == 0.0 && p.qps >= UNLIMITED_START * 10.0 {
                    p.qps = f64::INFINITY;
                }
            }
            if !p.qps.is_finite() {
                return now;
            }
            let interval = Duration::from_secs_f64(n as f64 / p.qps);
            let tolerance = Duration::from_secs(1);
            let tat = p.tat.max(now);
            p.tat = tat + interval;
            (tat + interval)
                .checked_sub(tolerance)
                .unwrap_or(now)
                .max(now)
        });
        if let Some(at) = at.filter(|at| *at > now) {
            tokio::time::sleep_until(at).await;
        }
    }

    pub fn answered(&self, addr: IpAddr) {
        self.with(addr, |p| p.answered += 1);
    }

    /// An answer to a question of type `qtype` over `tcp` or UDP.
    pub fn answered_type(&self, addr: IpAddr, qtype: u16, tcp: bool) {
        self.with(addr, |p| {
            p.answered += 1;
            p.types.insert((qtype, u8::from(tcp)));
        });
    }

    /// Whether `addr` has answered a question of type `qtype` over `tcp` or UDP this run: its
    /// silence to another such question is a dropped answer (rate limiting, or a server that
    /// stopped answering), not a question it does not answer.
    pub fn has_answered(&self, addr: IpAddr, qtype: u16, tcp: bool) -> bool {
        self.with(addr, |p| p.types.contains(&(qtype, u8::from(tcp))))
            .unwrap_or(false)
    }

    /// Whether `addr` has shown that it limits the rate (an answer slipped or dropped).
    pub fn limits(&self, addr: IpAddr) -> bool {
        self.with(addr, |p| p.slipped + p.dropped + p.lost > 0)
            .unwrap_or(false)
    }

    fn slow_down(p: &mut Pace) {
        let now = Instant::now();
        if p.qps.is_finite() && now.duration_since(p.cut) < SETTLE {
            return;
        }
        p.qps = match p.qps.is_finite() {
            true => (p.qps * CUT).max(FLOOR),
            false => UNLIMITED_START,
        };
        p.cut = now;
        p.lowest = p.lowest.min(p.qps);
    }

    /// An answer slipped: the rest of the run asks `addr` a quarter slower.
    pub fn slipped(&self, addr: IpAddr) {
        self.with(addr, |p| {
            p.slipped += 1;
            Self::slow_down(p);
        });
    }

    /// An answer dropped, given when asked again: a quarter slower.
    pub fn dropped(&self, addr: IpAddr) {
        self.with(addr, |p| {
            p.dropped += 1;
            Self::slow_down(p);
        });
    }

    /// A question `addr` did not answer although it limits: not judged.
    pub fn lost(&self, addr: IpAddr) {
        self.with(addr, |p| {
            p.lost += 1;
            Self::slow_down(p);
        });
    }

    /// The servers that limited the rate of this run's questions, by address.
    pub fn limiting(&self) -> Vec<Limiting> {
        let Ok(servers) = self.servers.lock() else {
            return Vec::new();
        };
        let mut out: Vec<Limiting> = servers
            .iter()
            .filter(|(_, p)| p.slipped + p.dropped + p.lost > 0)
            .map(|(addr, p)| Limiting {
                addr: *addr,
                answered: p.answered,
                slipped: p.slipped,
                dropped: p.dropped,
                lost: p.lost,
                qps: p.lowest.min(p.qps),
            })
            .collect();
        out.sort_by_key(|l| l.addr);
        out
    }

    /// Questions sent to each address this run, most first.
    pub fn sent(&self) -> Vec<(IpAddr, u64)> {
        let Ok(servers) = self.servers.lock() else {
            return Vec::new();
        };
        let mut out: Vec<(IpAddr, u64)> = servers.iter().map(|(a, p)| (*a, p.sent)).collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// How long to wait before asking again a server that dropped an answer: a second, spread
    /// by up to half a second either way so that a run's retries do not arrive together.
    pub fn backoff() -> Duration {
        Duration::from_millis(rand::random_range(500..=1500))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_seconds_worth_goes_at_once_and_the_rest_at_the_rate() {
        let p = Politeness::new(100.0);
        let addr: IpAddr = "192.0.2.1".parse().unwrap();
        let start = Instant::now();
        for _ in 0..100 {
            p.pace(addr, 1).await;
        }
        assert!(start.elapsed() < Duration::from_millis(50));
        p.pace(addr, 20).await;
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(180) && waited <= Duration::from_millis(400),
            "{waited:?}"
        );
    }

    #[test]
    fn a_burst_of_signs_cuts_the_rate_once() {
        let p = Politeness::new(100.0);
        let addr: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(!p.has_answered(addr, 1, false) && !p.limits(addr));
        p.answered_type(addr, 1, false);
        p.slipped(addr);
        p.dropped(addr);
        for _ in 0..10 {
            p.lost(addr);
        }
        assert!(p.has_answered(addr, 1, false) && p.limits(addr));
        assert!(!p.has_answered(addr, 28, false) && !p.has_answered(addr, 1, true));
        let l = &p.limiting()[0];
        assert_eq!((l.qps, l.slipped, l.dropped, l.lost), (75.0, 1, 1, 10));
    }

    #[tokio::test]
    async fn a_sign_after_quiet_seconds_at_the_full_rate_is_heard() {
        // Questions at the full rate for a while do not make the next sign go unheard.
        let p = Politeness::new(100.0);
        let addr: IpAddr = "192.0.2.1".parse().unwrap();
        p.pace(addr, 1).await;
        tokio::time::sleep(SETTLE + Duration::from_millis(100)).await;
        p.pace(addr, 1).await;
        p.slipped(addr);
        assert_eq!(p.limiting()[0].qps, 75.0);
    }

    #[tokio::test]
    async fn a_quiet_second_gives_a_tenth_back() {
        let p = Politeness::new(100.0);
        let addr: IpAddr = "192.0.2.1".parse().unwrap();
        p.pace(addr, 1).await;
        p.slipped(addr);
        assert_eq!(p.limiting()[0].qps, 75.0);
        tokio::time::sleep(SETTLE + Duration::from_millis(50)).await;
        p.pace(addr, 1).await;
        let rate = || p.with(addr, |p| p.qps).unwrap();
        assert!((rate() - 82.5).abs() < 1e-9, "{}", rate());
        // Within the next second, no more; the report keeps the lowest rate reached.
        p.pace(addr, 1).await;
        assert!((rate() - 82.5).abs() < 1e-9, "{}", rate());
        assert_eq!(p.limiting()[0].qps, 75.0);
    }
}
