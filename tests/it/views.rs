//! Snapshots of what cairn computes, rendered through the plain test theme
//! (`tests/fixtures/themes/plain`): claims and metrics, reading paths and
//! next-for links, listings, feeds, the sitemap; and the JSON-LD of the
//! default theme. The snapshots are in `tests/it/snapshots/`; a mismatch
//! fails plain `cargo test` (docs/testing.md says how to review and update).

use crate::harness::*;

const ACME: &str = r#"+++
title = "Acme"
date = 2026-03-05
summary = "How Acme Steel cut downtime."
roles = ["decider"]
industries = ["manufacturing"]
customer = "Acme Steel"
[[metrics]]
id = "downtime"
label = "unplanned downtime"
unit = "hours/month"
before = 120
after = 70
better = "lower"
period = "first 6 months"
source = "Acme maintenance logs"
[[metrics]]
id = "throughput"
label = "line throughput"
unit = "t/h"
before = 50
after = 80
better = "higher"
source = "MES export"
[[metrics]]
id = "oee"
label = "OEE"
unit = "%"
before = 61.5
after = 72
better = "higher"
source = "OEE reports"
[[metrics]]
id = "scrap"
label = "scrap"
unit = "%"
before = 4
after = 5
better = "lower"
source = "QA"
[[metrics]]
id = "checks"
label = "remote checks"
before = 0
after = 12000
better = "higher"
source = "Ops"
[[quotes]]
text = "Fewer stops."
name = "Jo Lee"
title = "Plant manager"
+++
## The results

Good.
"#;

const BETA: &str = r#"+++
title = "Beta"
date = 2026-04-01
roles = ["influencer"]
industries = ["logistics"]
customer = "Beta Freight"
featured = true
[[metrics]]
id = "cost"
label = "cost per shipment"
unit = "EUR"
before = 12.5
after = 10
better = "lower"
source = "Beta finance"
+++
Cheaper.
"#;

/// Articles on the decider's path across stages, two case studies, a plain page;
/// the articles cite Acme's metrics in every form.
fn views_site() -> TestSite {
    TestSite::new()
        .file(
            "content/articles/first.md",
            article("First look", "awareness", &["decider"], "2026-01-10", "We {{ claim(case=\"acme\", metric=\"downtime\") }}.\n"),
        )
        .file(
            "content/articles/second.md",
            article("Second look", "awareness", &["decider", "buyer"], "2026-02-10", "More.\n"),
        )
        .file(
            "content/articles/pinned.md",
            "+++\ntitle = \"Pinned\"\ndate = 2025-01-01\nstage = \"awareness\"\nroles = [\"decider\"]\nweight = 1\n+++\nPinned first.\n",
        )
        .file(
            "content/articles/guide.md",
            "+++\ntitle = \"The guide\"\ndate = 2026-03-01\nupdated = 2026-03-20\nstage = \"consideration\"\nroles = [\"decider\", \"influencer\"]\nindustries = [\"manufacturing\"]\nauthor = \"Ann Author\"\nsummary = \"Options compared.\"\n+++\n## Options\n\n- {{ claim(case=\"acme\", metric=\"downtime\", form=\"percent\") }}\n- {{ claim(case=\"acme\", metric=\"downtime\", form=\"multiple\") }}\n- {{ claim(case=\"acme\", metric=\"throughput\", form=\"change\") }}\n- {{ claim(case=\"acme\", metric=\"oee\", precision=1) }}\n- {{ claim(case=\"acme\", metric=\"checks\", form=\"change\") }}\n- {{ claim(case=\"beta\", metric=\"cost\") }}\n",
        )
        .file("content/case-studies/acme.md", ACME)
        .file("content/case-studies/beta.md", BETA)
        .file("content/about.md", "+++\ntitle = \"About us\"\n+++\nWe write.\n")
}

fn plain_site() -> TestSite {
    let site = views_site().with_plain_theme();
    site.build().success();
    site
}

/// Each file under a `== path` line.
fn files(site: &TestSite, paths: &[&str]) -> String {
    paths
        .iter()
        .map(|p| format!("== {p}\n{}", site.read(p)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn plain_theme_supplies_every_template() {
    let site = plain_site();
    // Every output's first line names the plain template that made it.
    let mut firsts: Vec<String> = site
        .snapshot()
        .into_iter()
        .filter(|(p, _)| !p.starts_with('.') && p != "style.css" && p != "favicon.svg")
        // The search index and script are not made from templates.
        .filter(|(p, _)| !p.starts_with("pagefind/") && p != "search.js")
        .map(|(p, bytes)| {
            let text = String::from_utf8(bytes).unwrap();
            format!("{p}: {}", text.lines().next().unwrap_or(""))
        })
        .collect();
    // One role stands for the seven.
    firsts.retain(|l| {
        !l.starts_with("roles/") || l.starts_with("roles/decider/") || l.starts_with("roles/index")
    });
    insta::assert_snapshot!("plain_theme_templates", firsts.join("\n"));
}

#[test]
fn case_study_metrics_and_claims() {
    let site = plain_site();
    let acme = site.read("case-studies/acme/index.html");
    insta::assert_snapshot!(
        "case_study_acme",
        between(&acme, "template: case_study\n", "content:\n")
    );
    let guide = site.read("articles/guide/index.html");
    insta::assert_snapshot!("claims_in_the_guide", between(&guide, "content:\n", "\n\n"));
    insta::assert_snapshot!("proof", site.read("proof/index.html"));
}

#[test]
fn reading_paths_and_next_for_links() {
    let site = plain_site();
    let next: Vec<String> = [
        "articles/pinned/index.html",
        "articles/second/index.html",
        "articles/first/index.html",
        "articles/guide/index.html",
        "case-studies/acme/index.html",
        "case-studies/beta/index.html",
    ]
    .iter()
    .flat_map(|p| {
        site.read(p)
            .lines()
            .filter(|l| l.starts_with("next["))
            .map(|l| format!("{p}: {l}"))
            .collect::<Vec<_>>()
    })
    .collect();
    insta::assert_snapshot!(
        "role_paths",
        format!(
            "{}\n== next-for\n{}\n",
            files(
                &site,
                &[
                    "roles/index.html",
                    "roles/decider/index.html",
                    "roles/buyer/index.html"
                ]
            ),
            next.join("\n")
        )
    );
}

#[test]
fn listings_and_cards() {
    let site = plain_site();
    insta::assert_snapshot!(
        "listings",
        files(
            &site,
            &[
                "index.html",
                "articles/index.html",
                "case-studies/index.html",
                "stages/index.html",
                "stages/awareness/index.html",
                "stages/decision/index.html",
                "industries/index.html",
                "industries/manufacturing/index.html",
            ]
        )
    );
}

#[test]
fn feed_entries() {
    let site = plain_site();
    insta::assert_snapshot!(
        "feeds",
        files(
            &site,
            &[
                "atom.xml",
                "roles/decider/atom.xml",
                "roles/buyer/atom.xml",
                "industries/manufacturing/atom.xml",
            ]
        )
    );
}

#[test]
fn sitemap_entries() {
    let site = plain_site();
    insta::assert_snapshot!("sitemap", files(&site, &["sitemap.xml", "robots.txt"]));
}

/// The JSON-LD of a page built with the default theme, pretty-printed.
fn json_ld(site: &TestSite, path: &str) -> String {
    let html = site.read(path);
    let ld = between(&html, "<script type=\"application/ld+json\">", "</script>");
    let value: serde_json::Value = serde_json::from_str(ld).unwrap();
    serde_json::to_string_pretty(&value).unwrap()
}

#[test]
fn json_ld_of_an_article_and_a_case_study() {
    let site = views_site();
    site.build().success();
    insta::assert_snapshot!(
        "json_ld_article",
        json_ld(&site, "articles/guide/index.html")
    );
    insta::assert_snapshot!(
        "json_ld_case_study",
        json_ld(&site, "case-studies/acme/index.html")
    );
}
