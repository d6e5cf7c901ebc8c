//! Every Route 53 operation the client sends, and what an IAM policy must allow it on: the one
//! table `dns iam-policy` is built from, held equal to the operations sent by the tests.

/// What an IAM policy must allow a Route 53 operation on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Route 53 cannot scope it: `*`.
    Any,
    /// The hosted zones of the zone files.
    Zones,
    /// Change ids, which are not known in advance: `arn:aws:route53:::change/*`.
    Changes,
    /// Health checks, whose ids are not known in advance: `arn:aws:route53:::healthcheck/*`.
    HealthChecks,
    /// Route 53 Domains (the registrar; actions `route53domains:*`), which cannot be scoped: `*`.
    Domains,
}

/// When a run sends an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Every run that reaches its step.
    Always,
    /// Only `--create-zone`.
    CreateZone,
    /// Only for zone files that use health checks (or live sets that refer to one).
    HealthChecks,
    /// Only for private zones (`$zone.private`).
    PrivateZones,
    /// Only `dns check --health-status`.
    HealthStatus,
    /// Only `dns delegate` (`iam-policy --delegate`).
    Delegate,
}

/// Every Route 53 operation this client sends: its IAM action, what it can be scoped to, whether
/// a read-only run (plan, import ZONE, check --expect route53) sends it, and whether only
/// `--create-zone` does. `dns iam-policy` is built from this table, and a test holds it equal to
/// the operations seen on the wire.
pub const OPERATIONS: &[(&str, Scope, bool, Need)] = &[
    // Route 53 Domains: the registration, when the domain is registered in this account.
    ("GetDomainDetail", Scope::Domains, true, Need::Always),
    (
        "UpdateDomainNameservers",
        Scope::Domains,
        false,
        Need::Delegate,
    ),
    ("GetOperationDetail", Scope::Domains, false, Need::Delegate),
    ("ListHostedZonesByName", Scope::Any, true, Need::Always),
    ("GetHostedZone", Scope::Zones, true, Need::Always),
    ("ListResourceRecordSets", Scope::Zones, true, Need::Always),
    (
        "ChangeResourceRecordSets",
        Scope::Zones,
        false,
        Need::Always,
    ),
    ("GetChange", Scope::Changes, false, Need::Always),
    ("CreateHostedZone", Scope::Any, false, Need::CreateZone),
    (
        "AssociateVPCWithHostedZone",
        Scope::Zones,
        false,
        Need::PrivateZones,
    ),
    (
        "DisassociateVPCFromHostedZone",
        Scope::Zones,
        false,
        Need::PrivateZones,
    ),
    ("ListHealthChecks", Scope::Any, true, Need::HealthChecks),
    (
        "GetHealthCheckStatus",
        Scope::HealthChecks,
        true,
        Need::HealthStatus,
    ),
    (
        "ListTagsForResources",
        Scope::HealthChecks,
        true,
        Need::HealthChecks,
    ),
    ("CreateHealthCheck", Scope::Any, false, Need::HealthChecks),
    (
        "ChangeTagsForResource",
        Scope::HealthChecks,
        false,
        Need::HealthChecks,
    ),
    (
        "UpdateHealthCheck",
        Scope::HealthChecks,
        false,
        Need::HealthChecks,
    ),
    (
        "DeleteHealthCheck",
        Scope::HealthChecks,
        false,
        Need::HealthChecks,
    ),
];
