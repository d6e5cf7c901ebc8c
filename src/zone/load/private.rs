//! `$zone.private` in zone files: the VPCs a private hosted zone is associated with.

use crate::zone::diag::Rule;
use std::collections::BTreeSet;

use super::Loader;
use super::routing::is_region;
use crate::zone::Vpc;
use crate::zone::tree::{Kind, Node};

impl Loader {
    /// `$zone.private: {vpcs: [{id, region}]}`.
    pub(super) fn private(&mut self, node: &Node) -> Option<BTreeSet<Vpc>> {
        let hint = "e.g. `private: {vpcs: [{id: vpc-0abc1234, region: ap-northeast-2}]}`";
        let vpcs = match &node.kind {
            Kind::Map(entries) => match entries.as_slice() {
                [(k, v)] if k.scalar() == Some("vpcs") => v,
                _ => {
                    self.sink
                        .error(
                            node.pos,
                            Rule::PrivateInvalid,
                            "`private` holds `vpcs` and nothing else",
                        )
                        .hint(hint);
                    return None;
                }
            },
            _ => {
                self.sink
                    .error(
                        node.pos,
                        Rule::PrivateInvalid,
                        format!("`private` must be a mapping, found {}", node.what()),
                    )
                    .hint(hint);
                return None;
            }
        };
        let Kind::Seq(items) = &vpcs.kind else {
            self.sink
                .error(vpcs.pos, Rule::PrivateInvalid, "`vpcs` must be a list")
                .hint(hint);
            return None;
        };
        if items.is_empty() {
            self.sink
                .error(
                    vpcs.pos,
                    Rule::PrivateInvalid,
                    "a private zone needs at least one VPC",
                )
                .hint(hint);
            return None;
        }
        let mut out = BTreeSet::new();
        for item in items {
            let Kind::Map(fields) = &item.kind else {
                self.sink
                    .error(
                        item.pos,
                        Rule::PrivateInvalid,
                        "a VPC is `{id: vpc-…, region: …}`",
                    )
                    .hint(hint);
                return None;
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
                (Some(id), Some(region), 2) => {
                    if !out.insert(Vpc {
                        id: id.to_string(),
                        region: region.to_string(),
                    }) {
                        self.sink
                            .error(
                                item.pos,
                                Rule::PrivateInvalid,
                                format!("VPC {id} is listed twice"),
                            )
                            .hint("list each VPC once");
                    }
                }
                _ => {
                    self.sink
                        .error(
                            item.pos,
                            Rule::PrivateInvalid,
                            "a VPC is `{id: vpc-…, region: <AWS region>}`",
                        )
                        .hint(hint);
                    return None;
                }
            }
        }
        Some(out)
    }
}
