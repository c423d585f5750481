//! Writes sites built to be hard on cairn, to measure that its cost stays
//! linear in the size of the input (see docs/benchmarks.md, "Hostile input"):
//!
//! - `headings`: one article with 20,000 identical headings (id dedup, anchors);
//! - `claims`: a case study and an article citing it 20,000 times, plus 2,000 callouts
//!   (shortcode expansion, offsets, substitution, citations);
//! - `unsourced`: one article whose body is a single 1 MB paragraph, on one line, of
//!   unsourced percentages (one warning each: locating and quoting them).
//!
//! ```sh
//! cargo run --release --example hostile -- /tmp/hostile
//! /usr/bin/time -v target/release/cairn build --root /tmp/hostile/headings
//! ```

#![allow(clippy::print_stdout)] // a command-line tool: printing is its job

use std::fs;
use std::path::Path;

const SITE_TOML: &str = "title = \"Hostile\"\nbase_url = \"https://hostile.example\"\n";
const HEADINGS: usize = 20_000;
const CLAIMS: usize = 20_000;
const CALLOUTS: usize = 2_000;
const PARAGRAPH_BYTES: usize = 1 << 20;

fn article(title: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"decider\"]\n+++\n{body}"
    )
}

fn site(root: &Path, files: &[(&str, String)]) -> std::io::Result<()> {
    if root.exists() {
        fs::remove_dir_all(root)?;
    }
    fs::create_dir_all(root)?;
    fs::write(root.join("site.toml"), SITE_TOML)?;
    for (path, text) in files {
        let path = root.join(path);
        fs::create_dir_all(path.parent().expect("files are in folders"))?;
        fs::write(path, text)?;
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/hostile".into());
    let out = Path::new(&out);

    let mut body = String::from("Intro.\n\n");
    for _ in 0..HEADINGS {
        body.push_str("## Same heading\n\nA line.\n\n");
    }
    site(
        &out.join("headings"),
        &[("content/articles/headings.md", article("Headings", &body))],
    )?;

    let case = "+++\ntitle = \"Acme\"\ndate = 2026-01-01\nroles = [\"decider\"]\ncustomer = \"Acme Steel\"\n[[metrics]]\nid = \"downtime\"\nlabel = \"unplanned downtime\"\nunit = \"hours/month\"\nbefore = 120\nafter = 70\nbetter = \"lower\"\nsource = \"Acme maintenance logs\"\n+++\nResults.\n";
    let mut body = String::new();
    for i in 0..CLAIMS {
        body.push_str("We {{ claim(case=\"acme\", metric=\"downtime\") }} here.");
        body.push_str(if i % 10 == 9 { "\n\n" } else { " " });
        if i % 10 == 9 && i / 10 < CALLOUTS {
            body.push_str("{{ callout(title=\"Note\", text=\"A callout.\") }}\n\n");
        }
    }
    site(
        &out.join("claims"),
        &[
            ("content/case-studies/acme.md", case.to_string()),
            ("content/articles/cites.md", article("Cites", &body)),
        ],
    )?;

    let phrase = "We cut costs by 30% last year. ";
    let body: String = phrase.repeat(PARAGRAPH_BYTES / phrase.len()) + "\n";
    site(
        &out.join("unsourced"),
        &[("content/articles/unsourced.md", article("Unsourced", &body))],
    )?;

    println!(
        "wrote {0}/headings, {0}/claims and {0}/unsourced",
        out.display()
    );
    Ok(())
}
