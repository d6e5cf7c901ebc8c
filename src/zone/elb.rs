//! Elastic Load Balancing endpoints and their Route 53 canonical hosted zones.
//!
//! A Route 53 alias record (`AliasTarget`) names the target's DNS name *and* the hosted zone that
//! serves it. For a load balancer that zone is fixed per region and per kind of load balancer:
//!
//! * Application and Classic Load Balancers: `NAME.REGION.elb.amazonaws.com` (China:
//!   `.amazonaws.com.cn`), optionally prefixed with `dualstack.`;
//! * Network Load Balancers: `NAME.elb.REGION.amazonaws.com`.
//!
//! The table below is AWS's "Elastic Load Balancing endpoints and quotas" list. A region that is
//! not in it yields [`ElbLookup::UnknownRegion`] so that the user is told to give `hosted_zone_id`
//! explicitly rather than getting a wrong alias.

/// What a target name says about a load balancer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ElbLookup {
    /// Not an ELB name at all (e.g. a CloudFront or in-zone target).
    NotElb,
    /// An ELB name in a region we know: the canonical hosted zone id.
    Known {
        kind: ElbKind,
        region: String,
        hosted_zone_id: &'static str,
    },
    /// Looks like an ELB name, but the region is not in the table.
    UnknownRegion { kind: ElbKind, region: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElbKind {
    /// Application or Classic Load Balancer.
    AlbOrClb,
    /// Network Load Balancer.
    Nlb,
}

impl std::fmt::Display for ElbKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ElbKind::AlbOrClb => "Application/Classic Load Balancer",
            ElbKind::Nlb => "Network Load Balancer",
        })
    }
}

/// (region, ALB/CLB hosted zone id, NLB hosted zone id)
const REGIONS: &[(&str, &str, &str)] = &[
    ("af-south-1", "Z268VQBMOI5EKX", "Z203XCE67M25HM"),
    ("ap-east-1", "Z3DQVH9N71FHZ0", "Z12Y7K3UBGUAD1"),
    ("ap-east-2", "Z02789141MW7T1WBU19PO", "Z09176273OC2HWIAUNYW"),
    ("ap-northeast-1", "Z14GRHDCWA56QT", "Z31USIVHYNEOWT"),
    ("ap-northeast-2", "ZWKZPGTI48KDX", "ZIBE1TIR4HY56"),
    ("ap-northeast-3", "Z5LXEXXYW11ES", "Z1GWIQ4HH19I5X"),
    ("ap-south-1", "ZP97RAFLXTNZK", "ZVDDRBQ08TROA"),
    (
        "ap-south-2",
        "Z0173938T07WNTVAEPZN",
        "Z0711778386UTO08407HT",
    ),
    ("ap-southeast-1", "Z1LMS91P8CMLE5", "ZKVM4W9LS7TM"),
    ("ap-southeast-2", "Z1GM3OXH4ZPM65", "ZCT6FZBF4DROD"),
    (
        "ap-southeast-3",
        "Z08888821HLRG5A9ZRTER",
        "Z01971771FYVNCOVWJU1G",
    ),
    (
        "ap-southeast-4",
        "Z09517862IB2WZLPXG76F",
        "Z01156963G8MIIL7X90IV",
    ),
    (
        "ap-southeast-5",
        "Z06010284QMVVW7WO5J",
        "Z026317210H9ACVTRO6FB",
    ),
    (
        "ap-southeast-6",
        "Z023301818UFJ50CIO0MV",
        "Z01392953RKV2Q3RBP0KU",
    ),
    (
        "ap-southeast-7",
        "Z0390008CMBRTHFGWBCB",
        "Z054363131YWATEMWRG5L",
    ),
    ("ca-central-1", "ZQSVJUPU6J1EY", "Z2EPGBW3API2WT"),
    (
        "ca-west-1",
        "Z06473681N0SF6OS049SD",
        "Z02754302KBB00W2LKWZ9",
    ),
    ("cn-north-1", "Z1GDH35T77C1KE", "Z3QFB96KMJ7ED6"),
    ("cn-northwest-1", "ZM7IZAIOVVDZF", "ZQEIKTCZ8352D"),
    ("eu-central-1", "Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90"),
    (
        "eu-central-2",
        "Z06391101F2ZOEP8P5EB3",
        "Z02239872DOALSIDCX66S",
    ),
    ("eu-north-1", "Z23TAZ6LKFMNIO", "Z1UDT6IFJ4EJM"),
    ("eu-south-1", "Z3ULH7SSC9OV64", "Z23146JA1KNAFP"),
    (
        "eu-south-2",
        "Z0956581394HF5D5LXGAP",
        "Z1011216NVTVYADP1SSV",
    ),
    ("eu-west-1", "Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F"),
    ("eu-west-2", "ZHURV8PSTC4K8", "ZD4D7Y8KGAS4G"),
    ("eu-west-3", "Z3Q77PNBQS71R4", "Z1CMS0P5QUZ6D5"),
    (
        "il-central-1",
        "Z09170902867EHPV2DABU",
        "Z0313266YDI6ZRHTGQY4",
    ),
    (
        "me-central-1",
        "Z08230872XQRWHG2XF6I",
        "Z00282643NTTLPANJJG2P",
    ),
    ("me-south-1", "ZS929ML54UICD", "Z3QSRYVP46NYYV"),
    (
        "mx-central-1",
        "Z023552324OKD1BB28BH5",
        "Z02031231H3ID6HYJ9A7U",
    ),
    ("sa-east-1", "Z2P70J7HTTTPLU", "ZTK26PT1VY4CU"),
    ("us-east-1", "Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"),
    ("us-east-2", "Z3AADJGX6KTTL2", "ZLMOA37VPKANP"),
    ("us-gov-east-1", "Z166TLBEWOO7G0", "Z1ZSMQQ6Q24QQ8"),
    ("us-gov-west-1", "Z33AYJ8TM3BH4J", "ZMG1MZ2THAWF1"),
    ("us-west-1", "Z368ELLRRE2KJ0", "Z24FKFUX50B4VW"),
    ("us-west-2", "Z1H1FL5HABSF5", "Z18D5FSROUN65G"),
];

/// Every region in the table, for messages.
pub fn known_regions() -> impl Iterator<Item = &'static str> {
    REGIONS.iter().map(|(r, _, _)| *r)
}

/// Classifies a target name (absolute or not, any case).
pub fn lookup(target: &str) -> ElbLookup {
    let name = target.trim_end_matches('.').to_ascii_lowercase();
    let name = name.strip_suffix(".cn").unwrap_or(&name);
    let Some(rest) = name.strip_suffix(".amazonaws.com") else {
        return ElbLookup::NotElb;
    };
    let labels: Vec<&str> = rest.split('.').collect();
    // ALB/CLB: [dualstack.]NAME.REGION.elb ; NLB: NAME.elb.REGION
    let (kind, region) = match labels.as_slice() {
        [.., first, region, "elb"] if !first.is_empty() => (ElbKind::AlbOrClb, *region),
        [.., first, "elb", region] if !first.is_empty() => (ElbKind::Nlb, *region),
        _ => return ElbLookup::NotElb,
    };
    match REGIONS.iter().find(|(r, _, _)| *r == region) {
        Some((_, alb, nlb)) => ElbLookup::Known {
            kind,
            region: region.to_string(),
            hosted_zone_id: if kind == ElbKind::Nlb { nlb } else { alb },
        },
        None => ElbLookup::UnknownRegion {
            kind,
            region: region.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alb_in_seoul_with_dualstack_prefix() {
        let l = lookup("dualstack.hive-alb-1234567890.ap-northeast-2.elb.amazonaws.com.");
        assert_eq!(
            l,
            ElbLookup::Known {
                kind: ElbKind::AlbOrClb,
                region: "ap-northeast-2".into(),
                hosted_zone_id: "ZWKZPGTI48KDX"
            }
        );
    }

    #[test]
    fn nlb_in_us_east_1() {
        let l = lookup("hive-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com");
        assert!(matches!(
            l,
            ElbLookup::Known {
                kind: ElbKind::Nlb,
                hosted_zone_id: "Z26RNL4JYFTOTI",
                ..
            }
        ));
    }

    #[test]
    fn classic_in_china() {
        let l = lookup("my-clb-1.cn-north-1.elb.amazonaws.com.cn.");
        assert!(matches!(
            l,
            ElbLookup::Known {
                hosted_zone_id: "Z1GDH35T77C1KE",
                ..
            }
        ));
    }

    #[test]
    fn unknown_region_is_reported_not_guessed() {
        let l = lookup("x-1.mars-north-1.elb.amazonaws.com.");
        assert_eq!(
            l,
            ElbLookup::UnknownRegion {
                kind: ElbKind::AlbOrClb,
                region: "mars-north-1".into()
            }
        );
    }

    #[test]
    fn other_names_are_not_elbs() {
        assert_eq!(lookup("d111111abcdef8.cloudfront.net."), ElbLookup::NotElb);
        assert_eq!(lookup("s3.amazonaws.com."), ElbLookup::NotElb);
        assert_eq!(lookup("www.example.com"), ElbLookup::NotElb);
    }

    #[test]
    fn table_is_sorted_and_unique() {
        let regions: Vec<_> = known_regions().collect();
        let mut sorted = regions.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(regions, sorted);
    }
}
