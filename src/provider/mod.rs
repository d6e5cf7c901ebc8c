//! Providers: where zones live. Only Route 53 for now.

pub mod route53;
