//! The floor under `dns plan` (bench/sync_bench.py): what it costs to start, set up the AWS
//! client, find the hosted zone and page through it with the AWS SDK, doing nothing with the
//! record sets. Everything `dns plan` does beyond this is loading the zone file, mapping, the
//! diff and the output.
//!
//! Usage: r53floor ZONE (AWS_ENDPOINT_URL and test credentials in the environment).

use dns::provider::route53::{AwsOptions, Route53};

fn main() {
    let Some(zone) = std::env::args().nth(1) else {
        eprintln!("usage: r53floor ZONE");
        std::process::exit(2);
    };
    let origin = dns::zone::name::parse_zone(&zone).expect("a zone name");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let count = runtime.block_on(async {
        let options = AwsOptions {
            profile: None,
            region: None,
            endpoint_url: None,
            max_rps: 1000.0,
        };
        let client = Route53::connect(&options).await.expect("AWS credentials");
        let hosted = client
            .find_zone(&origin, None, None)
            .await
            .expect("the zone");
        let mut count = 0;
        client
            .list_pages(&hosted, |_, page| count += page.len())
            .await
            .expect("the pages");
        count
    });
    println!("{count} record sets");
}
