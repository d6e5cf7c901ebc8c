//! The finding codes of `dns check`: each with its severity and what it means, in the words of
//! the table in docs/check.md (a test holds the two together), and what to do about it. Codes are stable: scripts match on them.

use serde::Serialize;

pub use crate::severity::Severity;

macro_rules! codes {
    ($( $variant:ident = $text:literal, $severity:ident, $meaning:literal, fix: $fix:literal; )*) => {
        /// A finding's code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $variant, )*
        }

        impl Code {
            /// Every code, in the order of docs/check.md's table.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The code as scripts see it, e.g. `ns.lame`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Code::$variant => $text, )*
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $( Code::$variant => Severity::$severity, )*
                }
            }

            /// What the finding means, as docs/check.md's table says it.
            pub fn meaning(self) -> &'static str {
                match self {
                    $( Code::$variant => $meaning, )*
                }
            }

            /// What to do about it, in plain words (a finding may say it more precisely).
            pub fn fix(self) -> &'static str {
                match self {
                    $( Code::$variant => $fix, )*
                }
            }
        }
    };
}

codes! {
    DelegationMissing = "delegation.missing", Error,
        "the parent zone does not delegate the domain: its servers answer for it themselves (NXDOMAIN), so the domain does not exist in DNS; the registry's reason is given when it was asked (not registered, on hold). Nothing of the parent's own servers is judged, and no fix is put in a zone file of the parent",
        fix: "register the domain, or at its registrar see why the registry does not publish it (on hold, pending delete, no name servers set)";
    DelegationExpectedNsMismatch = "delegation.expected-ns-mismatch", Error,
        "the parent delegates to other servers than the expected ones (the registrar still points at the old provider); both sets are named, and the expected servers are asked directly whether they already serve the zone",
        fix: "at the registrar of the domain, set its name servers to the expected ones";
    MoveRecordsMissing = "move.records-missing", Error,
        "before a move (`--expect`, the parent still delegating to other servers): the expected servers do not serve every record set of the zone file yet, or not what the current servers serve beyond it (usual names, mail exchangers, transferred sets; each named, mail first), so switching the delegation now would lose or change them",
        fix: "make the new servers serve the zone file first (for Route 53: `dns plan`, then `dns sync`), and switch the delegation at the registrar only when this is gone";
    DelegationParentChildMismatch = "delegation.parent-child-mismatch", Error,
        "the parent's NS set differs from the zone's own apex NS set",
        fix: "make the NS records at the zone apex and the delegation at the registrar (parent) the same set";
    DelegationReferralSize = "delegation.referral-size", Warning,
        "the parent's referral to the zone (every NS record, and an A and an AAAA glue record of each name server inside the zone), for the longest possible question, does not fit 512 octets: a resolver asking without EDNS gets it truncated and must ask again over TCP (Zonemaster Delegation03)",
        fix: "use fewer or shorter name server names, or name servers outside the zone (no glue)";
    RegistrationHold = "registration.hold", Error,
        "the registry does not publish the domain in DNS: its status is `client hold` (set by the registrar: often a registrant e-mail address not verified after a purchase or a change of owner) or `server hold` (set by the registry)",
        fix: "for client hold, verify the registrant's e-mail address and contact details at the registrar (look for its verification e-mail) or ask its support; for server hold, ask the registrar what the registry wants";
    RegistrationPendingDelete = "registration.pending-delete", Error,
        "the registration has ended: the registry holds the domain in `redemption period` or `pending delete` before releasing it",
        fix: "restore (redeem) the domain at the registrar at once: after pending delete anyone may register it";
    RegistrationExpired = "registration.expired", Error,
        "the registration's expiry date has passed",
        fix: "renew the domain at the registrar (and turn on auto-renew)";
    RegistrationExpiring = "registration.expiring", Warning,
        "the registration expires within 30 days (the date and the days left are given)",
        fix: "renew the domain at the registrar, or check that auto-renew is on and the payment method valid";
    RegistrationNotFound = "registration.not-found", Error,
        "the registry has no such domain (RDAP answers 404 for it and every enclosing name below the top level): it is not registered, or it was deleted",
        fix: "check the name for a typo; register the domain, or ask the registrar what happened to it";
    RegistrationNsMismatch = "registration.ns-mismatch", Warning,
        "the registry's name servers for the domain (RDAP) differ from the delegation the top-level domain's servers serve (both named): a change at the registrar not yet published, or published without reaching the registry",
        fix: "wait for the registry to publish the change (usually minutes); if it stays, ask the registrar";
    RegistrationRegistrarNs = "registration.registrar-ns", Error,
        "with `--expect route53`: the domain is registered with Route 53 Domains in this account, and the name servers it gives the registry there are not the hosted zone's delegation set (both named)",
        fix: "run `dns delegate ZONE` (it shows the change, asks, and follows the registrar's operation to its end)";
    RegistrationDsMismatch = "registration.ds-mismatch", Warning,
        "the registry says the delegation is signed but the parent serves no DS for the zone, or says it is unsigned while the parent serves DS",
        fix: "wait for the registry to publish the change; if it stays, set the DS records at the registrar again";
    NsLame = "ns.lame", Error,
        "a delegated server answers REFUSED, SERVFAIL, or without authority (a referral, or a recursive resolver's answer)",
        fix: "load the zone on this server, or remove the server from the delegation and the zone's NS records";
    NsUnreachable = "ns.unreachable", Error,
        "a server of the zone or of its parent does not answer (timeout) or refuses the connection, per address and protocol (`udp`, `tcp`); when it answers over UDP but not over TCP, that is `ns.tcp-failed` instead",
        fix: "check that the server runs, listens on port 53 over UDP and TCP, and is not filtered";
    NsTcpFailed = "ns.tcp-failed", Error,
        "the server answers over UDP but not over TCP (asked directly, or after a truncated UDP answer: `udp→tcp`), so large answers cannot be fetched",
        fix: "allow TCP port 53 to the server (firewall, security group) and make it listen on TCP (RFC 7766)";
    NsMalformedAnswer = "ns.malformed-answer", Error,
        "a server sent something that is not a usable answer: undecodable (DNSSEC records whose data cannot be read included), not a response, another OPCODE or question, a UDP answer over the advertised 1,232 octets without TC, TC over TCP, a TCP message cut short; the server, protocol, question and what was wrong are named",
        fix: "fix the server, or whatever sits in front of it (a firewall, load balancer or DNS proxy that rewrites or cuts DNS messages): resolvers treat these answers as failures";
    NsEdnsIntolerant = "ns.edns-intolerant", Error,
        "a server answers the zone's SOA without EDNS, but not with it (FORMERR, another error, or silence): resolvers have not retried without EDNS since DNS flag day 2019, so to them it is dead; said instead of `ns.lame`/`ns.unreachable` for that server",
        fix: "update the server software, or fix the firewall or load balancer in front of it that drops or rejects EDNS (OPT) questions; https://www.dnsflagday.net/2019/";
    NsEdnsNoncompliant = "ns.edns-noncompliant", Warning,
        "a server answers EDNS questions, but not as RFC 6891 says: EDNS version 1 not answered BADVERS, an unknown option or flag not ignored, an unknown flag echoed, or no answer without EDNS (each named)",
        fix: "update the server software, or whatever sits in front of it that rewrites EDNS; https://ednscomp.isc.org/ shows what each server does";
    NsOpenResolver = "ns.open-resolver", Warning,
        "a server of the zone resolves recursive questions about other zones (the root's SOA and another top-level domain's, with RD=1) for anyone — answering them, NXDOMAIN, or SERVFAIL with recursion available: an open resolver beside the authoritative service",
        fix: "turn recursion off on the authoritative server (BIND: recursion no; or allow it only to your own networks), and keep resolvers on other addresses";
    NsQnameCaseSensitive = "ns.qname-case-sensitive", Error,
        "a server answers the zone's SOA asked in lower case, but not asked in mixed case (`eXaMpLe.CoM.`): names are case-insensitive (RFC 4343), and resolvers that randomise the case of their questions (0x20) get no answer from it",
        fix: "fix the server (or the proxy in front of it) so that it looks names up without regard to case";
    NsQnameCaseChanged = "ns.qname-case-changed", Warning,
        "a server answers a question asked in mixed case, but with the question's name in another case: resolvers that randomise the case of their questions (0x20, e.g. Unbound's use-caps-for-id) drop such answers as spoofed",
        fix: "fix the server (or the proxy in front of it) so that it copies the question into its answer octet for octet";
    NsAaaaFailed = "ns.aaaa-failed", Error,
        "a server answers the zone's SOA, but not an AAAA question for the zone's name (no answer, an error code, or no authority), where NOERROR with records or none is the answer: resolvers ask AAAA for every name, and wait or fail where it goes unanswered",
        fix: "fix the server, or the firewall or load balancer in front of it that drops or rejects AAAA questions";
    NsAnswerFailed = "ns.answer-failed", Warning,
        "a server answers the zone's SOA with authority, but another question about the zone (its NS, DNSKEY, CDS, CDNSKEY, MX or TXT set, a name that does not exist) with an error code, without authority, or with NXDOMAIN for the apex (each question and answer named): RFC 8906 §3.1.2 asks for NOERROR or NXDOMAIN to every query type a server does not serve; resolvers that get an error try another server, or answer SERVFAIL",
        fix: "look at that server's configuration for the zone (a view, a filter, a record type it does not serve) or the firewall in front of it";
    NsTransferOpen = "ns.transfer-open", Warning,
        "a server gives the whole zone by zone transfer (AXFR) to the host running the check (asked of every address over TCP beside the server questions, only the first message read; never of Route 53, which gives none): every name of the zone can be listed by anyone the servers do not mean to allow (Zonemaster Nameserver03)",
        fix: "allow zone transfers only to the zone's secondaries (BIND allow-transfer, NSD provide-xfr, Knot acl), with TSIG keys";
    NsSlow = "ns.slow", Warning,
        "a server answered, but took longer than 500 ms (`--slow`; its time is given); resolvers give up on slow servers and try others",
        fix: "check the server's load and the network path to it";
    NsNoAddress = "ns.no-address", Error,
        "the address of a name server of the delegation cannot be found (the name does not resolve, or only through the zone itself: a cycle of zones without glue)",
        fix: "give the name server glue at the registrar, or use name servers whose zones are reachable without this one";
    NsCname = "ns.cname", Error,
        "a name server's name is an alias (CNAME), which an NS record must not point at (RFC 2181 §10.3)",
        fix: "name the server by its canonical name, in the zone's NS records and at the registrar";
    NsNameInvalid = "ns.name-invalid", Warning,
        "a name server's name (from the parent or the zone's NS set) is not a valid host name: letters, digits and hyphens only, no hyphen at either end of a label, a top-level label not all digits (RFC 952, RFC 1123 §2.1; Zonemaster Syntax04); registries refuse such host objects",
        fix: "rename the name server to a valid host name, in the zone's NS records and at the registrar";
    GlueMissing = "glue.missing", Error,
        "a name server inside the zone has no glue at the parent (when every server is such, nobody can resolve the zone: the walk reports it without chasing the cycle)",
        fix: "register the name server's address (a glue or host record) at the registrar";
    GlueMismatch = "glue.mismatch", Error,
        "the glue differs from the address the zone itself publishes, or the zone makes that name an alias (CNAME) with no address of its own",
        fix: "update the glue (host record) at the registrar, or the A/AAAA records in the zone, so they agree";
    SoaSerialMismatch = "soa.serial-mismatch", Error,
        "the zone's servers serve different SOA serials (which server has which)",
        fix: "some servers have not loaded the latest zone: check zone transfers (NOTIFY/IXFR) or the provider's sync";
    SoaInconsistent = "soa.inconsistent", Warning,
        "the zone's servers serve different SOA records apart from the serial: another MNAME, RNAME or timers (which server says what)",
        fix: "serve one SOA from every server: with two providers, set the same MNAME, RNAME and timers at both";
    SoaTimers = "soa.timers", Warning,
        "the zone's SOA timers defeat their purpose (each named): a retry not below the refresh (a secondary that failed a refresh waits longer to try again than it would have waited to refresh), an expire not above the refresh (secondaries drop the zone before they refresh it), or a negative-caching TTL (the SOA minimum, RFC 2308) over a day",
        fix: "set refresh > retry, expire well above refresh (RFC 1912: 2 to 4 weeks) and minimum at most a day (RFC 2308: 1 to 3 hours is usual); Route 53's defaults (7200 900 1209600 86400) pass";
    SoaNotOne = "soa.not-one", Error,
        "a server answers the zone's SOA with more than one SOA record, or with the SOA of another owner: a zone has exactly one SOA, at its apex (RFC 1035 §5.2; Zonemaster Zone10)",
        fix: "keep one SOA record, at the zone's apex, on every server (a second one usually comes from a botched zone file or a second zone loaded over the first)";
    SoaNamesInvalid = "soa.names-invalid", Warning,
        "the SOA's MNAME is not a valid host name, or its RNAME is not a usable mailbox (an `@` written into it, a local part or mail domain that e-mail cannot use) (RFC 1035 §3.3.13, RFC 5322; Zonemaster Syntax05, 06, 07): mail to the zone's administrator goes nowhere",
        fix: "write the SOA's MNAME as the primary server's host name and its RNAME as a mailbox with its `@` as the first dot (hostmaster.example.com. for hostmaster@example.com)";
    CaaInconsistent = "caa.inconsistent", Warning,
        "the zone's servers serve different CAA sets at its apex (each set named with its servers): whether a certificate authority may issue for the domain depends on the server its resolver asked (RFC 8659); Zonemaster has no such test",
        fix: "make every server serve the same zone (check zone transfers or the provider's sync)";
    MxInconsistent = "mx.inconsistent", Warning,
        "the zone's servers serve different MX sets at its apex (each set named with its servers): mail goes where the server a sender's resolver asked says (Zonemaster Zone09)",
        fix: "make every server serve the same zone (check zone transfers or the provider's sync)";
    MxNullInvalid = "mx.null-invalid", Warning,
        "a null MX (`0 .`, RFC 7505: the domain takes no mail) comes with other MX records, or with a preference other than 0: it must stand alone (RFC 7505 §3; Zonemaster Zone09)",
        fix: "keep either the null MX alone, with preference 0, or the mail exchangers without it";
    MxTargetAlias = "mx.target-alias", Warning,
        "a mail exchanger of the zone's MX set is an alias (CNAME), which an MX record must not point at (RFC 2181 §10.3, RFC 5321 §5.1; Zonemaster Zone08): some mail servers refuse to deliver there",
        fix: "name the mail exchanger by its canonical name in the MX record";
    MxTargetNoAddress = "mx.target-no-address", Warning,
        "a mail exchanger of the zone's MX set has no address (A or AAAA; why is said): mail for the zone cannot be delivered to it, and bounces when no exchanger has one",
        fix: "give the mail exchanger address records, or correct the MX record (a null MX, `0 .`, when the domain takes no mail)";
    MxNameInvalid = "mx.name-invalid", Warning,
        "a mail exchanger's name is not a valid host name: letters, digits and hyphens only, no hyphen at either end of a label, a top-level label not all digits (RFC 5321 §2.3.5; Zonemaster Syntax08); mail servers may refuse it",
        fix: "name the mail exchanger by a valid host name in the MX record";
    SpfMultiple = "spf.multiple", Error,
        "a server serves more than one SPF policy (`v=spf1` TXT record) at the zone's apex: receivers treat that as a permanent error, as if the domain had a broken policy (RFC 7208 §4.5; Zonemaster Zone11)",
        fix: "merge the policies into one `v=spf1` record";
    SpfInvalid = "spf.invalid", Error,
        "the zone's SPF policy does not parse by RFC 7208's grammar (the term at fault named), or its own terms need more than ten DNS lookups: receivers treat it as a permanent error (RFC 7208 §4.6; Zonemaster Zone11)",
        fix: "correct the term named in the `v=spf1` record (`dns validate` reads the zone file's policy the same way)";
    SpfInconsistent = "spf.inconsistent", Warning,
        "the zone's servers serve different SPF policies at its apex, or some serve none: a receiver's verdict depends on the server its resolver asked (Zonemaster Zone11)",
        fix: "make every server serve the same zone (check zone transfers or the provider's sync)";
    AnswerMismatch = "answer.mismatch", Error,
        "the zone's servers disagree on the answer for NAME (which server says what)",
        fix: "the servers serve different data: check zone transfers or which servers the provider updates (Route 53 answers weighted, latency and geolocation sets differently by design: keep the zone file in zones/ or pass --zone-file, and dns judges each answer by its set)";
    NameNxdomain = "name.nxdomain", Error,
        "NAME does not exist in its zone",
        fix: "add the record to the zone file and sync it, or check the name for a typo";
    CnameLoop = "cname.loop", Error,
        "the CNAME chain of NAME loops",
        fix: "point one of the CNAMEs at a name with addresses (an A/AAAA record or an ALIAS)";
    CnameTooLong = "cname.too-long", Error,
        "the CNAME chain of NAME goes on for more than 16 links without looping; resolvers give up on it",
        fix: "point the first CNAME straight at the last name of the chain";
    CnameTargetUnresolved = "cname.target-unresolved", Error,
        "the CNAME chain of NAME ends at a name that does not exist, or whose zone's servers give no authoritative answer (which servers, and what they did): resolvers fail NAME although its own zone is right",
        fix: "point the CNAME at a name that exists and is served, or fix the servers of the target's zone";
    NsTooFew = "ns.too-few", Warning,
        "the zone is delegated to fewer than two name servers",
        fix: "delegate to at least two name servers, on different networks (RFC 1034 §4.1)";
    NsSharedAddress = "ns.shared-address", Warning,
        "name servers of the delegation share an address, so they are fewer servers than it says (which address, which names; Zonemaster Delegation02)",
        fix: "give each name server an address of its own, on another network (RFC 2182 §3.1)";
    NsOnePrefix = "ns.one-prefix", Warning,
        "every address of the zone's servers (IPv4, or IPv6) lies in one /24 (or /48): one network, which fails all of them at once; only global addresses are judged, and there is no AS data (Zonemaster Connectivity03/04)",
        fix: "add a name server on another network (another provider, or the provider's other address ranges; RFC 2182 §3.1)";
    CheckIncomplete = "check.incomplete", Error,
        "the check stopped before it was done: the budget of queries (`--max-queries`, counted as messages on the wire) or the deadline (`--deadline`) was spent, or the delegation is deeper than 16 zone cuts; what was not asked is not judged",
        fix: "look at the trace for what took so many questions or so long (a referral with hundreds of name servers, slow or silent servers); raise --max-queries or --deadline if the zone really needs it";
    CheckRateLimited = "check.rate-limited", Warning,
        "a server that answered questions of a kind earlier in the run never answered others of that kind, though each was asked again, slower, and over TCP (a rate limit, as root and TLD servers have, or a server that failed during the run): the server and the questions are named (a run of many zones also says once which servers limited and the rate it slowed to); those questions are not judged (no `ns.unreachable`, no EDNS fault is said for them)",
        fix: "run again later, or at a lower rate (--max-qps, e.g. half of what the run slowed to); fewer zones at once (--parallel) or a --shard of them spreads the questions";
    DnssecChainBogus = "dnssec.chain-bogus", Error,
        "the chain of trust from the root's trust anchor (IANA's, or `--trust-anchor`) breaks above the zone: a DNSKEY set of the root or of a zone above that no key the anchor or the DS points at signs, or a DS set (the zone's own at its parent included) whose signature does not verify, or a signed parent that denies a DS without a valid proof (an NSEC or NSEC3 at the delegation with NS and without DS, or an opt-out span); each server, record set, key tag and algorithm is named. Validating resolvers answer SERVFAIL for the zone (Zonemaster DNSSEC11)",
        fix: "the broken link is at the parent or above (the registry, or a misconfigured lab): report it to whoever signs that zone; if it is the zone's DS, publish it again at the registrar";
    DnssecChainInsecure = "dnssec.chain-insecure", Warning,
        "the zone has DS records at its parent, but a zone above it has none at its own parent: the chain of trust from the root stops there, and validators treat the zone as unsigned",
        fix: "nothing the zone can do: its parent zone (or one above) is not signed from the root; ask its operator, or choose a signed top-level domain";
    DnssecDsWithoutDnskey = "dnssec.ds-without-dnskey", Error,
        "the parent publishes DS records for the zone, but its servers serve no DNSKEY: validating resolvers answer SERVFAIL for the whole zone (the classic state after moving a signed zone to new name servers; fix: remove the DS at the registrar)",
        fix: "remove the DS records at the registrar (DNSSEC settings of the domain), or enable DNSSEC signing in Route 53 and give the registrar the new DS record";
    DnssecDsMismatch = "dnssec.ds-mismatch", Error,
        "no DS record at the parent matches a DNSKEY the zone serves (digests computed, RFC 4034 §5.1.4; one match is enough, as during a key rollover)",
        fix: "give the registrar the DS record of the zone's current key-signing key (Route 53: the DNSSEC signing page of the hosted zone), and remove the old one";
    DnssecNoDs = "dnssec.no-ds", Warning,
        "the zone serves a key-signing key, but the parent has no DS: signed but not validated",
        fix: "give the registrar the DS record of the key-signing key, to finish enabling DNSSEC";
    DnssecSignatureExpired = "dnssec.signature-expired", Error,
        "the zone is signed and its DS is at the parent, but a server has no valid signature over the DNSKEY set by a key the DS points at (expired, or not yet valid), or serves another record set whose signatures are all outside their validity period: SERVFAIL for the whole zone, or for those names",
        fix: "re-sign the zone (Route 53 signs continuously while DNSSEC signing is enabled and its KMS key usable; check the key's permissions), or remove the DS at the registrar";
    DnssecSignatureInvalid = "dnssec.signature-invalid", Error,
        "a signature does not verify (the cryptography is checked, RFC 4035 §5.3): over the DNSKEY set with the key the DS points at, or over SOA, NS, the name asked, a name server's address, the apex's MX, TXT, CDS or CDNSKEY, a denial of existence or a record set of the zone file with a key of the verified DNSKEY set, or by a key the set does not hold; each server, record set, key tag and algorithm is named. Validating resolvers answer SERVFAIL for those names",
        fix: "re-sign the zone with its current keys and reload it on every server (a server serving a copy altered after signing, or signed with a key not in the DNSKEY set, gives bogus answers)";
    DnssecSignatureMissing = "dnssec.signature-missing", Error,
        "a server of the signed zone serves a record set without a signature (an unsigned copy of the zone on one server, say), or its DNSKEY set with no signature by the key the DS points at (nothing expired: a rollover gone wrong): SERVFAIL for those names, or for the whole zone, at validating resolvers",
        fix: "sign the whole zone (every server must serve the signed copy; a server loading the unsigned file serves bogus answers)";
    DnssecDenialMissing = "dnssec.denial-missing", Error,
        "the zone is signed, but a server denies a name that does not exist (one random name asked of every server), or a type the apex lacks (MX, CDS, CDNSKEY: NODATA), without NSEC or NSEC3 records: SERVFAIL for every name or type that does not exist",
        fix: "sign the zone with NSEC or NSEC3 (dnssec-signzone, or the server's own signer) and serve the signed copy on every server";
    DnssecDenialInvalid = "dnssec.denial-invalid", Error,
        "the NSEC or NSEC3 records a server sends do not prove what it denies: for a name that does not exist, no record covers the name or the wildcard, or matches the closest encloser; for an answer made from a wildcard, none proves the name itself does not exist; for NODATA, none at the name, or one listing the type asked or CNAME (RFC 4035 §3.1.3, §5.4; RFC 5155 §7.2, §8)",
        fix: "re-sign the zone: the NSEC/NSEC3 chain must cover every name (a copy edited after signing breaks it)";
    DnssecNsec3Parameters = "dnssec.nsec3-parameters", Warning,
        "the zone's NSEC3 records use extra iterations or a salt, which RFC 9276 asks not to (above 100 iterations validators treat the zone as unsigned or answer SERVFAIL)",
        fix: "re-sign with NSEC3 iterations 0 and no salt (dnssec-signzone -3 - -H 0; RFC 9276), or with NSEC";
    DnssecAlgorithmDeprecated = "dnssec.algorithm-deprecated", Warning,
        "the zone is signed with an algorithm RFC 8624 says not to sign with (RSAMD5, DSA, RSASHA1, RSASHA1-NSEC3-SHA1, ECC-GOST); validators are dropping them",
        fix: "roll the keys to ECDSAP256SHA256 (algorithm 13) or RSASHA256 (8): an algorithm rollover, new DS at the registrar";
    DnssecAlgorithmUnsupported = "dnssec.algorithm-unsupported", Warning,
        "every DS record names an algorithm dns cannot verify (nor most validators): the zone counts as unsigned and its signatures are not judged, never called bogus",
        fix: "sign with ECDSAP256SHA256 (13), ED25519 (15) or RSASHA256 (8), and publish its DS";
    DnssecAlgorithmNotSigning = "dnssec.algorithm-not-signing", Warning,
        "an algorithm of the zone's DNSKEY set does not sign the DNSKEY, SOA or NS set a server serves (the set is signed, but not with every algorithm): RFC 4035 §2.2 asks for a signature of every algorithm in the key set (validators that enforce it, and the signal of an algorithm rollover done in the wrong order; Zonemaster DNSSEC13)",
        fix: "sign with every algorithm whose key is published, or remove the key of the algorithm that does not sign (after its DS is gone)";
    DnssecRsaKeySize = "dnssec.rsa-key-size", Warning,
        "an RSA key of the zone has a modulus below 2048 bits (RFC 8624 §3.1 and NIST: validators whose crypto policy asks 2048 bits, as RHEL 9's default does, fail to verify it) or above 4096 bits (RFC 3110 §2: not accepted; Zonemaster DNSSEC14)",
        fix: "roll to a 2048-bit RSA key, or better to ECDSAP256SHA256 (algorithm 13)";
    DnssecDsDigestSha1 = "dnssec.ds-digest-sha1", Warning,
        "every DS record of the zone uses digest type 1 (SHA-1), which RFC 8624 says not to use",
        fix: "publish a DS with digest type 2 (SHA-256) at the registrar, then remove the SHA-1 one";
    DnssecCdsInconsistent = "dnssec.cds-inconsistent", Warning,
        "the zone's CDS/CDNSKEY records (what it asks its parent to publish as DS, RFC 7344) do not say one thing: the servers serve different sets, a server's CDS and CDNSKEY name different keys, or a delete request comes with other records; a registry that scans them acts on whichever server it asked (Zonemaster DNSSEC15)",
        fix: "publish the same CDS and CDNSKEY records, made from the same keys, on every server (one signer for the zone), or none";
    DnssecCdsMismatch = "dnssec.cds-mismatch", Error,
        "a CDS or CDNSKEY record names no key of the zone's DNSKEY set, or a key that does not sign that set: a registry that follows CDS/CDNSKEY would publish a DS that validates nothing, and the zone would fail validation (Zonemaster DNSSEC16, 17)",
        fix: "make the CDS/CDNSKEY records from the key-signing key that signs the DNSKEY set (or remove them) before the registry scans them";
    DnssecCdsNotTrusted = "dnssec.cds-not-trusted", Warning,
        "the CDS/CDNSKEY records are not signed by a key the parent's current DS points at: a parent following RFC 7344 §4.1 cannot trust them and ignores them (Zonemaster DNSSEC18)",
        fix: "sign the CDS and CDNSKEY sets with the key-signing key the current DS names (as the DNSKEY set is)";
    DnssecSignatureExpiring = "dnssec.signature-expiring", Warning,
        "the signatures over the DNSKEY set expire within three days",
        fix: "check that whatever signs the zone is still running";
    DnssecMoveUnsafe = "dnssec.move-unsafe", Error,
        "with `--expect`/`--expect-ns`: the parent holds DS records and the expected servers do not serve a key they point at; switching name servers now would make the zone fail validation (fix: remove the DS, or publish the new one, first, and wait for the DS TTL)",
        fix: "publish the new servers' DS beside the old one (or remove the DS) at the registrar, and wait for the DS TTL before switching the name servers";
    RecordsNotServed = "records.not-served", Error,
        "a record set of the zone file is missing on a server (which servers)",
        fix: "sync the zone (dns sync) and wait for it to reach every server, or check which servers the delegation names";
    RecordsDiffer = "records.differ", Error,
        "a server serves other values or another TTL than the zone file (which server serves what)",
        fix: "run `dns plan` to see what differs in Route 53, then `dns sync`; a server that lags behind the others has not loaded the zone";
    RecordsFailoverSecondary = "records.failover-secondary", Warning,
        "a failover pair of the zone file is answered with its secondary set: Route 53 does that only while the primary's health check fails (which servers); with --health-status the check's status decides instead",
        fix: "pass --health-status to read the check's status from Route 53, or look at it (`aws route53 get-health-check-status`) and at the endpoint it checks";
    RecordsFailoverUnexpected = "records.failover-unexpected", Error,
        "with --health-status: a failover pair is answered with its secondary set while Route 53 reports the primary's health check healthy",
        fix: "Route 53 answers the secondary only while the primary's check fails: check that the primary set refers to that check (dns plan), and whether the servers have the current zone";
    RecordsUnverified = "records.unverified", Warning,
        "a server gave no usable answer (timeout, no authority) for record sets of the zone file: one finding per server, with the count and the first ten",
        fix: "see the server's other findings (unreachable, lame); a server that drops some questions under load may be rate limiting: check again";
    RecordsUnexpected = "records.unexpected", Warning,
        "a server's zone (by zone transfer) holds record sets the zone file does not have (which, first ten)",
        fix: "add them to the zone file if they belong, or run `dns sync` to delete them (sync deletes what the file lacks, except names under `ignore:`)";
    RecordsTransferCutShort = "records.transfer-cut-short", Warning,
        "a server's zone transfer went past the limits (ten times the zone file's records plus 100,000, or 256 MiB) and was stopped: record sets beyond the file were not looked for on it",
        fix: "a zone much larger than the file, or a transfer that never ends: look at the zone on that server (dig AXFR)";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub servers: Vec<String>,
    pub fix: String,
}

impl Finding {
    /// A finding of `code`, at the code's severity, with the code's fix.
    pub fn new(code: Code, message: String, servers: Vec<String>) -> Finding {
        Finding {
            code,
            severity: code.severity(),
            message,
            servers,
            fix: code.fix().to_string(),
        }
    }

    /// The fix said more precisely than the code's (which server, which records, what TTL).
    pub fn with_fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = fix.into();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of finding codes in docs/check.md is this enum, row for row.
    #[test]
    fn the_codes_table_of_the_docs_is_the_code_list() {
        let page = include_str!("../../docs/check.md");
        let rows: Vec<&str> = page
            .lines()
            .filter(|l| {
                l.starts_with("| `") && l.contains("` | error |") || l.contains("` | warning |")
            })
            .collect();
        let want: Vec<String> = Code::ALL
            .iter()
            .map(|c| format!("| `{}` | {} | {} |", c, c.severity(), c.meaning()))
            .collect();
        assert_eq!(rows, want);
    }
}
