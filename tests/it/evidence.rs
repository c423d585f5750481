//! The evidence lifecycle end to end: approval holds back case studies and quotes,
//! review dates make evidence overdue (a warning in `build`, an error in `check` and
//! `build --strict`), and `--as-of` fixes the day so every outcome is reproducible.

use crate::harness::*;

/// Approved on 15 January 2026; `downtime` (line 17) is due for review on 30 September
/// 2026, `oee` on 30 June 2027; Maria Lopez's quote (line 30) on 31 December 2026;
/// Kwame Asante's quote waits for approval.
const ACME: &str = r#"+++
title = "Acme"
date = 2026-01-01
roles = ["decider"]
industries = ["manufacturing"]
customer = "Acme Steel"
approved = 2026-01-15
[[metrics]]
id = "downtime"
label = "unplanned downtime"
unit = "hours/month"
before = 120
after = 70
better = "lower"
source = "Acme maintenance logs"
as_of = 2025-09-30
review_by = 2026-09-30
[[metrics]]
id = "oee"
label = "OEE"
unit = "%"
before = 61.5
after = 72
better = "higher"
source = "OEE reports"
review_by = 2027-06-30
[[quotes]]
text = "We stopped firefighting."
name = "Maria Lopez"
review_by = 2026-12-31
[[quotes]]
text = "Not for print yet."
name = "Kwame Asante"
approval = "pending"
+++
Results.
"#;

/// A case study waiting for its customer's approval.
const BETA: &str = r#"+++
title = "Beta"
date = 2026-01-01
roles = ["decider"]
customer = "Beta Corp"
approval = "pending"
[[metrics]]
id = "cost"
label = "cost"
before = 10
after = 5
better = "lower"
source = "Finance"
+++
Body.
"#;

fn citing(case: &str, metric: &str) -> String {
    format!(
        "+++\ntitle = \"Cite\"\ndate = 2026-02-01\nstage = \"decision\"\nroles = [\"decider\"]\n+++\nPlants {{{{ claim(case=\"{case}\", metric=\"{metric}\") }}}}.\n"
    )
}

fn site() -> TestSite {
    TestSite::new()
        .file("content/case-studies/acme-steel.md", ACME)
        .file("content/articles/cite.md", citing("acme-steel", "downtime"))
}

#[test]
fn a_case_study_pending_approval_is_not_published_and_a_claim_citing_it_is_an_error() {
    let site = site().file("content/case-studies/beta.md", BETA);
    site.cairn(&["build", "--as-of", "2026-03-01"]).success();
    assert!(!site.exists("case-studies/beta/index.html"));
    assert!(!site.read("proof/index.html").contains("Beta Corp"));
    assert!(!site.read("sitemap.xml").contains("/case-studies/beta/"));

    site.write("content/articles/beta.md", citing("beta", "cost"));
    let run = site.cairn(&["build", "--as-of", "2026-03-01"]).failure();
    assert!(
        run.stderr.contains(
            "content/articles/beta.md:7:8: error: claim: case study `beta` waits for the customer's approval, so the site does not publish the evidence\n 7 | Plants {{ claim(case=\"beta\", metric=\"cost\") }}.\n   |        ^\n  = hint: record the approval (`approved = 2026-01-15`) once the customer signs off, or preview with --drafts"
        ),
        "{}",
        run.stderr
    );

    // A preview publishes it, and the claim resolves.
    site.cairn(&["build", "--drafts", "--as-of", "2026-03-01"])
        .success();
    assert!(site.exists("case-studies/beta/index.html"));
    assert!(
        site.read("articles/beta/index.html")
            .contains("reduced cost by 50%")
    );
}

#[test]
fn an_approval_dated_later_publishes_the_case_study_from_that_day() {
    let later = BETA.replace("approval = \"pending\"", "approved = 2026-06-01");
    let site = site().file("content/case-studies/beta.md", later);
    site.cairn(&["build", "--as-of", "2026-05-31"]).success();
    assert!(!site.exists("case-studies/beta/index.html"));
    let audit = site.cairn(&["audit", "--as-of", "2026-05-31"]).success();
    assert!(
        audit.stdout.contains(
            "\n  case study beta (Beta) (content/case-studies/beta.md): approved from 2026-06-01\n"
        ),
        "{}",
        audit.stdout
    );
    site.cairn(&["build", "--as-of", "2026-06-01"]).success();
    assert!(site.exists("case-studies/beta/index.html"));
}

#[test]
fn a_quote_waiting_for_approval_is_shown_only_in_a_drafts_preview() {
    let site = site();
    site.cairn(&["build", "--as-of", "2026-03-01"]).success();
    let page = site.read("case-studies/acme-steel/index.html");
    assert!(page.contains("We stopped firefighting."));
    assert!(!page.contains("Not for print yet."));
    assert!(!page.contains("Pending approval"));

    site.cairn(&["build", "--drafts", "--as-of", "2026-03-01"])
        .success();
    let page = site.read("case-studies/acme-steel/index.html");
    let quote = between(&page, "testimonial-pending", "</figure>");
    assert!(quote.contains("Pending approval: not published"), "{quote}");
    assert!(quote.contains("Not for print yet."), "{quote}");
}

const DOWNTIME_OVERDUE: &str = "content/case-studies/acme-steel.md:17:13: warning: metric `downtime` was due for review on 2026-09-30\n 17 | review_by = 2026-09-30\n    |             ^\n  = hint: check it with the customer and set a new `review_by`, or remove it";

#[test]
fn evidence_past_its_review_date_warns_in_build_and_fails_check_and_strict_builds() {
    let site = site();
    // On its review day it is still current.
    let run = site.cairn(&["build", "--as-of", "2026-09-30"]).success();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);

    // The day after, `build` warns and still publishes.
    let run = site.cairn(&["build", "--as-of", "2026-10-01"]).success();
    assert!(run.stderr.contains(DOWNTIME_OVERDUE), "{}", run.stderr);

    // `check` and `build --strict` make it an error; a strict build writes nothing.
    let run = site.cairn(&["check", "--as-of", "2026-10-01"]).failure();
    assert!(
        run.stderr
            .contains(&DOWNTIME_OVERDUE.replace("warning:", "error:")),
        "{}",
        run.stderr
    );
    site.cairn(&["build", "--as-of", "2026-09-30"]).success();
    let before = site.snapshot();
    let run = site
        .cairn(&["build", "--strict", "--as-of", "2027-01-01"])
        .failure();
    assert!(
        run.stderr
            .contains(&DOWNTIME_OVERDUE.replace("warning:", "error:")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "content/case-studies/acme-steel.md:30:13: error: the quote by Maria Lopez was due for review on 2026-12-31"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        site.snapshot(),
        before,
        "a failed build leaves the output as it was"
    );

    // The JSON of `check` carries the code.
    let run = site
        .cairn(&["check", "--as-of", "2027-01-01", "--format", "json"])
        .failure();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["evidence-overdue", "evidence-overdue"]);
}

#[test]
fn approval_and_review_values_that_cannot_hold_are_errors_all_at_once() {
    let bad = ACME
        .replace(
            "approved = 2026-01-15",
            "approved = 2026-01-15\napproval = \"pending\"",
        )
        .replace(
            "as_of = 2025-09-30\nreview_by = 2026-09-30",
            "as_of = 2025-09-30\nreview_by = 2025-01-31",
        )
        .replace("approval = \"pending\"\n+++", "approval = \"yes\"\n+++");
    let article = "+++\ntitle = \"A\"\ndate = 2026-02-01\nstage = \"decision\"\nroles = [\"decider\"]\napproved = 2026-01-01\n+++\nText.\n";
    let site = TestSite::new()
        .file("content/case-studies/acme-steel.md", bad)
        .file("content/articles/a.md", article);
    let run = site.cairn(&["check", "--as-of", "2026-03-01"]).failure();
    let lines = run.error_lines();
    assert_eq!(
        lines,
        [
            "content/articles/a.md:6:1: error: `approved` only applies to case studies",
            "content/case-studies/acme-steel.md:8:1: error: both `approved` and `approval` are written",
            "content/case-studies/acme-steel.md:18:13: error: metric `downtime`: `review_by = 2025-01-31` is before `as_of = 2025-09-30`",
            "content/case-studies/acme-steel.md:35:13: error: `approval = \"yes\"` must be \"pending\"",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn the_proof_page_shows_when_each_figure_was_measured_and_is_due_for_review() {
    let site = site();
    site.cairn(&["build", "--as-of", "2026-08-01"]).success();
    let proof = site.read("proof/index.html");
    assert!(
        proof.contains("Approved for publication by Acme Steel on <time datetime=\"2026-01-15\">15 January 2026</time>."),
        "{proof}"
    );
    let downtime = between(&proof, "unplanned downtime</a></th>", "</tr>");
    assert!(
        downtime.contains("<td><time datetime=\"2025-09-30\">30 September 2025</time></td>"),
        "{downtime}"
    );
    assert!(
        downtime.contains("<td class=\"review review-due-soon\"><time datetime=\"2026-09-30\">30 September 2026</time> · Due soon</td>"),
        "{downtime}"
    );
    let oee = between(&proof, "OEE</a></th>", "</tr>");
    assert!(oee.contains("<td>—</td>"), "{oee}");
    assert!(
        oee.contains(
            "review-current\"><time datetime=\"2027-06-30\">30 June 2027</time> · Current</td>"
        ),
        "{oee}"
    );

    site.cairn(&["build", "--as-of", "2026-10-01"]).success();
    let proof = site.read("proof/index.html");
    let downtime = between(&proof, "unplanned downtime</a></th>", "</tr>");
    assert!(
        downtime.contains(
            "review-overdue\"><time datetime=\"2026-09-30\">30 September 2026</time> · Overdue</td>"
        ),
        "{downtime}"
    );
}

#[test]
fn audit_lists_evidence_due_for_review_pending_approvals_and_uncited_metrics() {
    let site = site().file("content/case-studies/beta.md", BETA);
    let run = site.cairn(&["audit", "--as-of", "2026-09-01"]).success();
    let text = &run.stdout;
    assert!(
        text.contains(
            "Case-study metrics not cited anywhere: acme-steel#oee\n\nEvidence due for review within 90 days of 2026-09-01 (1):\n  acme-steel#downtime (unplanned downtime): review by 2026-09-30, in 29 days\nPending approvals (2):\n  case study beta (Beta) (content/case-studies/beta.md): pending\n  acme-steel: quote by Kwame Asante (content/case-studies/acme-steel.md): pending\n"
        ),
        "{text}"
    );

    let run = site
        .cairn(&["audit", "--as-of", "2026-10-15", "--format", "json"])
        .success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["as_of"], "2026-10-15");
    assert_eq!(
        doc["evidence_due"],
        serde_json::json!([
            {"case_study": "acme-steel", "path": "content/case-studies/acme-steel.md", "kind": "metric", "id": "downtime", "label": "unplanned downtime", "review_by": "2026-09-30", "days_left": -15},
            {"case_study": "acme-steel", "path": "content/case-studies/acme-steel.md", "kind": "quote", "id": "Maria Lopez", "label": "We stopped firefighting.", "review_by": "2026-12-31", "days_left": 77},
        ])
    );
    assert_eq!(doc["pending_approvals"][0]["kind"], "case_study");
    assert_eq!(doc["pending_approvals"][1]["name"], "Kwame Asante");
    assert_eq!(doc["uncited_metrics"][0]["metric"], "oee");

    let html = site.path("audit.html");
    site.cairn(&[
        "audit",
        "--as-of",
        "2026-10-15",
        "--html",
        html.to_str().unwrap(),
    ])
    .success();
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.contains("<h2>Evidence due for review within 90 days of 2026-10-15</h2>\n<ul class=\"due\">\n<li class=\"overdue\">acme-steel#downtime (unplanned downtime): review by <time datetime=\"2026-09-30\">2026-09-30</time>, 15 days overdue</li>\n<li>acme-steel: quote by Maria Lopez: review by <time datetime=\"2026-12-31\">2026-12-31</time>, in 77 days</li>\n</ul>\n"), "{html}");
    assert!(html.contains("<h2>Pending approvals</h2>\n<ul class=\"pending\">\n<li>case study beta (Beta) (content/case-studies/beta.md): pending</li>\n"), "{html}");
}
