//! The CI workflow shipped in examples/ci/ is YAML that parses, has the jobs the README
//! describes (plan on pull requests, sync on main, check after it, AWS by OIDC), and every `dns`
//! command in it is one this build of dns accepts.

use clap::Parser;
use dns::cli::args::Cli;
use dns::zone::tree::{self, Kind, Node};

fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.kind {
        Kind::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.scalar() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn items(node: &Node) -> &[Node] {
    match &node.kind {
        Kind::Seq(items) => items,
        _ => &[],
    }
}

/// The `dns …` command lines of a job's `run:` steps (shell variables replaced by examples).
fn dns_commands(job: &Node) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for step in items(get(job, "steps").expect("steps")) {
        let Some(run) = get(step, "run").and_then(Node::scalar) else {
            continue;
        };
        for line in run.lines().map(str::trim) {
            let Some(rest) = line.strip_prefix("dns ") else {
                continue;
            };
            let rest = rest.split(['>', '|']).next().unwrap_or_default();
            let words: Vec<String> = std::iter::once("dns".to_string())
                .chain(rest.split_whitespace().map(|w| {
                    w.trim_matches('"')
                        .replace("$zone", "example.com")
                        .replace("$f", "zones/example.com.yaml")
                        .replace("${{ steps.plan.outputs.checksum }}", "0123abcd")
                }))
                .filter(|w| !w.is_empty() && w != "}}" && w != "${{")
                .collect();
            out.push(words);
        }
    }
    out
}

#[test]
fn the_shipped_workflow_parses_and_its_dns_commands_are_valid() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/ci/github-actions.yml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let doc = tree::parse(&text).unwrap_or_else(|e| panic!("{path}:{}: {}", e.pos.line, e.message));
    let permissions = get(&doc, "permissions").expect("permissions");
    assert_eq!(
        get(permissions, "id-token").and_then(Node::scalar),
        Some("write"),
        "AWS by OIDC needs id-token: write"
    );
    let jobs = get(&doc, "jobs").expect("jobs");
    let plan = dns_commands(get(jobs, "plan").expect("a plan job"));
    let sync = dns_commands(get(jobs, "sync").expect("a sync job"));
    let all: Vec<&Vec<String>> = plan.iter().chain(&sync).collect();
    for words in &all {
        if let Err(e) = Cli::try_parse_from(words.iter()) {
            panic!("{}: {e}", words.join(" "));
        }
    }
    let has = |cmds: &[Vec<String>], words: &[&str]| {
        cmds.iter()
            .any(|c| words.iter().all(|w| c.iter().any(|x| x == w)))
    };
    assert!(
        has(
            &plan,
            &["plan", "--format", "markdown", "--detailed-exitcode"]
        ),
        "{plan:?}"
    );
    assert!(
        has(&sync, &["sync", "--yes", "--plan-checksum"]),
        "{sync:?}"
    );
    assert!(has(&sync, &["check", "--zone-file", "--wait"]), "{sync:?}");
    assert!(has(&sync, &["check", "--format", "html", "-o"]), "{sync:?}");
    // Both jobs assume a role; no keys are stored.
    assert!(!text.contains("AWS_SECRET_ACCESS_KEY"));
    assert_eq!(text.matches("role-to-assume").count(), 2);
}
