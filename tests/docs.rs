//! The README and the pages of docs/ held to the code and to each other: every page linked from
//! the front page, every relative link and picture found, every command of `dns --help`
//! documented, the exit codes' table the codes dns gives, and the front page's two commands
//! the ones CI runs. (The finding codes' and validation rules' tables are held to their enums
//! by unit tests: src/check/codes.rs, src/zone/diag.rs.)

mod common;

use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(common::repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The pages: the front page and every Markdown file of docs/.
fn pages() -> Vec<(String, String)> {
    let mut pages = vec![("README.md".to_string(), read("README.md"))];
    let mut docs: Vec<String> = std::fs::read_dir(common::repo().join("docs"))
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.ends_with(".md").then(|| format!("docs/{name}"))
        })
        .collect();
    docs.sort();
    for d in docs {
        let text = read(&d);
        pages.push((d, text));
    }
    pages
}

/// The targets of a page's Markdown links and images, `[text](target)`, outside code.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fence = !fence;
        }
        if fence {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

#[test]
fn every_page_is_linked_from_the_front_page_and_every_link_is_found() {
    let pages = pages();
    let readme = &pages[0].1;
    assert!(pages.len() > 5, "docs/ has its pages");
    for (page, _) in &pages[1..] {
        assert!(
            links(readme).iter().any(|l| l == page),
            "{page} is not linked from the README"
        );
    }
    for (page, text) in &pages {
        let dir = Path::new(page).parent().unwrap();
        for link in links(text) {
            if link.starts_with("http") || link.starts_with('#') {
                continue;
            }
            let file = link.split('#').next().unwrap();
            let at = common::repo().join(dir).join(file);
            assert!(
                at.exists(),
                "{page}: the link {link} finds nothing ({at:?})"
            );
        }
    }
    // The pictures of the tour (the three scenarios, and a run of them) are there, as PNG files.
    for shot in [
        "healthy",
        "lame-and-bogus",
        "registrar-not-updated",
        "every-zone",
    ] {
        let path = format!("docs/img/{shot}.png");
        assert!(readme.contains(&format!("]({path})")), "{path} not shown");
        let bytes = std::fs::read(common::repo().join(&path)).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{path}");
    }
}

#[test]
fn every_command_of_the_help_is_documented() {
    let out = common::dns().arg("--help").output().unwrap();
    let help = common::stdout(&out);
    let commands: Vec<&str> = help
        .split("Commands:")
        .nth(1)
        .unwrap_or_else(|| panic!("{help}"))
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 8, "{commands:?}");
    let all: String = pages().into_iter().map(|(_, t)| t).collect();
    for c in commands {
        assert!(
            all.contains(&format!("dns {c}")),
            "`dns {c}` is in the help but in no page of the documentation"
        );
    }
}

#[test]
fn the_exit_codes_page_lists_the_codes_dns_gives() {
    let page = read("docs/exit-codes.md");
    let listed: Vec<u8> = page
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next()?.parse().ok())
        .collect();
    assert_eq!(listed, [0, 1, 2, 3, 4, 5], "{page}");
    // And the code's own table (src/error.rs) lists the same codes.
    let code = read("src/error.rs");
    let in_code: Vec<u8> = code
        .lines()
        .filter_map(|l| l.strip_prefix("//! | "))
        .filter_map(|l| l.split(" |").next()?.parse().ok())
        .collect();
    assert_eq!(in_code, listed);
}

#[test]
fn the_front_page_opens_with_the_two_commands_ci_runs() {
    let readme = read("README.md");
    let block = readme
        .split("```sh")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap();
    assert!(block.contains("\ncargo run --release -- sync\n"), "{block}");
    assert!(block.contains("\nscripts/test.sh\n"), "{block}");
    let ci = read(".ci/run");
    assert!(ci.contains("exec scripts/test.sh"), "{ci}");
    assert!(readme.lines().count() < 250, "the front page stays short");
}
