//! `$zone.private` in zone files: the VPCs a private hosted zone is associated with.

use crate::zone::diag::{Pos, Rule};
use std::collections::BTreeSet;

use super::Loader;
use super::routing::is_region;
use crate::zone::Vpc;
use crate::zone::tree::{Kind, Node};

impl Loader {
    /// `$zone.private: {vpcs: [{id, region}]}`: the VPCs, and the one listed first.
    pub(super) fn private(&mut self, node: &Node) -> Option<(BTreeSet<Vpc>, Vpc)> {
        let vpcs = match &node.kind {
            Kind::Map(entries) => match entries.as_slice() {
                [(k, v)] if k.scalar() == Some("vpcs") => v,
                _ => return self.not_private(node.pos, "`private` holds `vpcs` and nothing else"),
            },
            _ => {
                let found = format!("`private` must be a mapping, found {}", node.what());
                return self.not_private(node.pos, found);
            }
        };
        let Kind::Seq(items) = &vpcs.kind else {
            return self.not_private(vpcs.pos, "`vpcs` must be a list");
        };
        if items.is_empty() {
            return self.not_private(vpcs.pos, "a private zone needs at least one VPC");
        }
        let mut out = BTreeSet::new();
        let mut first = None;
        for item in items {
            let vpc = self.vpc(item)?;
            first.get_or_insert_with(|| vpc.clone());
            let id = vpc.id.clone();
            if !out.insert(vpc) {
                self.sink
                    .error(
                        item.pos,
                        Rule::PrivateInvalid,
                        format!("VPC {id} is listed twice"),
                    )
                    .hint("list each VPC once");
            }
        }
        Some((out, first?))
    }

    /// One VPC of `vpcs`: `{id: vpc-…, region: …}`.
    fn vpc(&mut self, item: &Node) -> Option<Vpc> {
        let Kind::Map(fields) = &item.kind else {
            return self.not_private(item.pos, "a VPC is `{id: vpc-…, region: …}`");
        };
        let get = |k: &str| {
            fields
                .iter()
                .find(|(key, _)| key.scalar() == Some(k))
                .and_then(|(_, v)| v.scalar())
        };
        let id = get("id").filter(|id| {
            id.strip_prefix("vpc-")
                .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
        });
        let region = get("region").filter(|r| is_region(r));
        match (id, region, fields.len()) {
            (Some(id), Some(region), 2) => Some(Vpc {
                id: id.to_string(),
                region: region.to_string(),
            }),
            _ => self.not_private(item.pos, "a VPC is `{id: vpc-…, region: <AWS region>}`"),
        }
    }

    /// `private.invalid` at `pos`, with the shape of `private:`.
    fn not_private<T>(&mut self, pos: Pos, message: impl Into<String>) -> Option<T> {
        self.sink
            .error(pos, Rule::PrivateInvalid, message)
            .hint("e.g. `private: {vpcs: [{id: vpc-0abc1234, region: ap-northeast-2}]}`");
        None
    }
}
