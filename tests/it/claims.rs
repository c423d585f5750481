//! Claims end to end: computed from a case study's data in every form and
//! precision, linked to their source, and refused when the data do not
//! support them.

use crate::harness::*;

const CASE: &str = r#"+++
title = "Acme"
date = 2026-01-01
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
source = "Acme maintenance logs, Q1–Q3 2025"
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
id = "new"
label = "remote checks"
before = 0
after = 12
better = "higher"
source = "Ops"
+++
Results.
"#;

fn site_with(body: &str) -> TestSite {
    TestSite::new()
        .file("content/case-studies/acme-steel.md", CASE)
        .file(
            "content/articles/cite.md",
            article("Cite", "decision", &["decider"], "2026-01-02", body),
        )
}

/// `form: text` of each claim in the page's body, as the plain theme's `claim`
/// shortcode prints them.
fn claim_texts(page: &str) -> Vec<String> {
    let (_, body) = page.split_once("\ncontent:\n").unwrap();
    body.split("[claim ")
        .skip(1)
        .map(|s| s.split(" url=").next().unwrap().replace('"', ""))
        .collect()
}

#[test]
fn claims_render_in_every_form_and_precision() {
    let body = [
        r#"{{ claim(case="acme-steel", metric="downtime") }}"#,
        r#"{{ claim(case="acme-steel", metric="downtime", precision=1) }}"#,
        r#"{{ claim(case="acme-steel", metric="downtime", precision=2) }}"#,
        r#"{{ claim(case="acme-steel", metric="downtime", form="percent") }}"#,
        r#"{{ claim(case="acme-steel", metric="downtime", form="change") }}"#,
        r#"{{ claim(case="acme-steel", metric="downtime", form="multiple") }}"#,
        r#"{{ claim(case="acme-steel", metric="throughput") }}"#,
        r#"{{ claim(case="acme-steel", metric="throughput", form="multiple") }}"#,
        r#"{{ claim(case="acme-steel", metric="oee", precision=1) }}"#,
        r#"{{ claim(case="acme-steel", metric="oee", form="change") }}"#,
        r#"{{ claim(case="acme-steel", metric="new", form="change") }}"#,
        r#"{{ claim(case="acme-steel", metric="oee") }}"#,
        r#"{{ claim(case="acme-steel", metric="oee", form="percent") }}"#,
        r#"{{ claim(case="acme-steel", metric="oee", form="relative") }}"#,
        r#"{{ claim(case="acme-steel", metric="downtime", form="relative") }}"#,
    ]
    .join("\n\n");
    let site = site_with(&body).with_plain_theme();
    site.build().success();
    assert_eq!(
        claim_texts(&site.read("articles/cite/index.html")),
        [
            "sentence: reduced unplanned downtime by 41%",
            "sentence: reduced unplanned downtime by 41.6%",
            "sentence: reduced unplanned downtime by 41.66%",
            "percent: 41%",
            "change: from 120 to 70 hours/month",
            "multiple: 1.7×",
            "sentence: increased line throughput by 60%",
            "multiple: 1.6×",
            // OEE is measured in %: 61.5% → 72% is 10.5 points, not "17%".
            "sentence: increased OEE by 10.5 percentage points",
            "change: from 61.5% to 72%",
            "change: from 0 to 12",
            "sentence: increased OEE by 10 percentage points",
            "percent: 10 percentage points",
            "relative: increased OEE by 17% relative to its starting value",
            "relative: reduced unplanned downtime by 41% relative to its starting value",
        ]
    );
}

#[test]
fn the_default_claim_markup_links_the_figures_and_their_source() {
    let site = site_with(r#"{{ claim(case="acme-steel", metric="downtime") }}"#);
    site.build().success();
    let html = site.read("articles/cite/index.html");
    assert!(html.contains(
        "<a class=\"claim\" href=\"/case-studies/acme-steel/#metric-downtime\" title=\"from 120 to 70 hours/month, first 6 months. Source: Acme maintenance logs, Q1–Q3 2025\" data-before=\"120\" data-after=\"70\" data-unit=\"hours/month\" data-source=\"Acme maintenance logs, Q1–Q3 2025\">reduced unplanned downtime by 41%</a>"
    ), "{html}");
}

#[test]
fn case_study_page_has_a_results_panel_with_anchors_and_the_proof_index_lists_citations() {
    let site = site_with("We {{ claim(case=\"acme-steel\", metric=\"downtime\") }}.\n");
    site.build().success();
    let case = site.read("case-studies/acme-steel/index.html");
    let panel = between(&case, "<dl class=\"metrics\">", "</dl>");
    assert!(panel.contains("<div class=\"metric\" id=\"metric-downtime\">"));
    assert!(panel.contains("<dd class=\"metric-claim\">reduced unplanned downtime by 41%</dd>"));
    // A metric that got worse is shown honestly, with no claim.
    let scrap = between(panel, "id=\"metric-scrap\"", "</div>");
    assert!(
        scrap.contains("<dd class=\"metric-claim\">from 4% to 5%</dd>"),
        "{scrap}"
    );
    let proof = site.read("proof/index.html");
    let row = between(
        &proof,
        "#metric-downtime\">unplanned downtime</a></th>",
        "</tr>",
    );
    assert!(row.contains("<td>reduced unplanned downtime by 41%</td>"));
    assert!(row.contains("<td>Acme maintenance logs, Q1–Q3 2025</td>"));
    assert!(
        row.contains("<a href=\"/articles/cite/\">Cite</a>"),
        "{row}"
    );
    let unused = between(
        &proof,
        "#metric-throughput\">line throughput</a></th>",
        "</tr>",
    );
    assert!(unused.contains("Not cited yet"));
}

#[test]
fn claims_the_data_do_not_support_fail_the_build() {
    let site = site_with(
        "a {{ claim(case=\"acme\", metric=\"downtime\") }}\n\nb {{ claim(case=\"acme-steel\", metric=\"dowtime\") }}\n\nc {{ claim(case=\"acme-steel\", metric=\"scrap\") }}\n\nd {{ claim(case=\"acme-steel\", metric=\"new\") }}\n\ne {{ claim(case=\"acme-steel\", metric=\"downtime\", form=\"ratio\") }}\n",
    );
    let run = site.build().failure();
    let expected = [
        "content/articles/cite.md:7:3: error: claim: no case study `acme`\n 7 | a {{ claim(case=\"acme\", metric=\"downtime\") }}\n   |   ^\n  = hint: did you mean `acme-steel`?",
        "content/articles/cite.md:9:3: error: claim: case study `acme-steel` has no metric `dowtime`\n 9 | b {{ claim(case=\"acme-steel\", metric=\"dowtime\") }}\n   |   ^\n  = hint: did you mean `downtime`? metrics of `acme-steel`: downtime, throughput, oee, scrap, new",
        "content/articles/cite.md:11:3: error: claim: `acme-steel` metric `scrap` did not improve (from 4% to 5%, better = \"lower\")",
        "content/articles/cite.md:13:3: error: claim: `acme-steel` metric `new` starts from 0, so no percentage can be claimed\n 13 | d {{ claim(case=\"acme-steel\", metric=\"new\") }}\n    |   ^\n  = hint: use form=\"change\" to state the figures instead",
        "content/articles/cite.md:15:3: error: claim: unknown form `ratio`\n 15 | e {{ claim(case=\"acme-steel\", metric=\"downtime\", form=\"ratio\") }}\n    |   ^\n  = hint: use one of: sentence, percent, change, multiple, relative",
    ];
    for e in expected {
        assert!(
            run.stderr.contains(e),
            "missing:\n{e}\n\nin:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr
            .ends_with("build failed: 5 errors; the previous output (if any) is unchanged\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn metrics_without_source_or_direction_are_errors_at_their_definition() {
    let case = CASE.replace("source = \"MES export\"\n", "").replace(
        "better = \"higher\"\nsource = \"OEE reports\"",
        "source = \"OEE reports\"",
    );
    let site = TestSite::new().file("content/case-studies/acme-steel.md", case);
    let run = site.build().failure();
    assert!(
        run.stderr.contains(
            "content/case-studies/acme-steel.md:17:7: error: metric `throughput` has no `source`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "content/case-studies/acme-steel.md:24:7: error: metric `oee` has no `better`"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_claim_citing_a_case_study_with_errors_says_so() {
    let site = site_with("We {{ claim(case=\"acme-steel\", metric=\"throughput\") }}.\n").file(
        "content/case-studies/acme-steel.md",
        CASE.replace("source = \"MES export\"\n", ""),
    );
    let run = site.build().failure();
    assert!(
        run.stderr.contains("content/articles/cite.md:7:4: error: claim: case study `acme-steel` has errors, so no claim can be computed from it\n 7 | We {{ claim(case=\"acme-steel\", metric=\"throughput\") }}.\n   |    ^\n  = hint: fix the errors reported for content/case-studies/acme-steel.md"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "content/case-studies/acme-steel.md:17:7: error: metric `throughput` has no `source`"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn unsourced_claims_in_prose_are_warnings_in_build() {
    let site =
        site_with("Plants cut costs by 30% with sensors.\n\n```\nreduced downtime by 40%\n```\n");
    let run = site.build().success();
    assert!(
        run.stderr.contains("content/articles/cite.md:7:8: warning: unsourced claim: \"cut costs by 30%\"\n 7 | Plants cut costs by 30% with sensors.\n   |        ^\n  = hint: compute it from a case study"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("warning:").count(), 1, "{}", run.stderr);
    assert!(run.stdout.ends_with(", 1 warning\n"), "{}", run.stdout);
}

#[test]
fn a_claim_cannot_cite_a_case_study_the_site_does_not_publish() {
    let draft = CASE.replacen("+++\n", "+++\ndraft = true\n", 1);
    let site = TestSite::new()
        .file("content/case-studies/acme-steel.md", &draft)
        .file(
            "content/articles/cite.md",
            article(
                "Cite",
                "decision",
                &["decider"],
                "2026-01-02",
                "Plants {{ claim(case=\"acme-steel\", metric=\"downtime\") }}.\n",
            ),
        );
    let run = site.build().failure();
    let expected = "content/articles/cite.md:7:8: error: claim: case study `acme-steel` is a draft or scheduled for later, so the site does not publish the evidence\n 7 | Plants {{ claim(case=\"acme-steel\", metric=\"downtime\") }}.\n   |        ^\n  = hint: publish the case study (draft = false, a date not in the future), or build with --drafts";
    assert!(
        run.stderr.contains(expected),
        "missing:\n{expected}\n\nin:\n{}",
        run.stderr
    );
    assert!(!site.exists("index.html"), "nothing is published");
    // A preview with drafts publishes both, and the claim links to the case study.
    site.cairn(&["build", "--drafts"]).success();
    assert!(
        site.read("articles/cite/index.html")
            .contains("/case-studies/acme-steel/#metric-downtime")
    );
}
