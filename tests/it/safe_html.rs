//! `safe_html`: links, images and URL arguments limited to safe schemes, raw
//! HTML sanitised, theme output untouched; and diagnostics that stay short on
//! hostile input.

use crate::harness::*;

const CASE: &str = r#"+++
title = "Acme"
date = 2026-01-01
roles = ["decider"]
customer = "Acme Steel"
[[metrics]]
id = "downtime"
label = "unplanned downtime"
unit = "hours/month"
before = 120
after = 70
better = "lower"
source = "Acme maintenance logs"
+++
Results.
"#;

const BODY: &str = concat!(
    "Intro <b>bold</b> <img src=x onerror=\"alert(1)\"> <a href=\"JaVaScRiPt:alert(2)\" style=\"color:red\">raw</a>.\n",
    "\n",
    "<script>alert(3)</script>\n",
    "\n",
    "[inline](javascript:alert(4)) [ref][r] <javascript:alert(5)> ![pic](data:image/svg+xml,x) [ok](https://ok.test/)\n",
    "\n",
    "{{ claim(case=\"acme\", metric=\"downtime\") }} {{ button(url=\"javascript:alert(6)\", label=\"Go\") }} {{ button(url=\"/contact/\", label=\"Call\") }}\n",
    "\n",
    "[r]: data:text/html,<script>alert(7)</script>\n",
);

const BUTTON: &str = "<a class=\"button\" href=\"{{ url }}\" onclick=\"track()\">{{ label }}</a>";

fn site(safe: bool) -> TestSite {
    TestSite::empty()
        .file("site.toml", format!("{SITE_TOML}safe_html = {safe}\n"))
        .file("content/case-studies/acme.md", CASE)
        .file(
            "content/articles/a.md",
            article("A", "awareness", &["decider"], "2026-01-02", BODY),
        )
        .file("templates/shortcodes/button.html", BUTTON)
}

fn body(html: &str) -> &str {
    between(html, "<p>Intro", "</p>\n<p><a class=\"claim\"")
}

#[test]
fn safe_html_removes_scripts_and_unsafe_urls_and_keeps_theme_output() {
    let site = site(true);
    let run = site.build().success();
    let removed = |line: usize, col: usize, what: &str, url: &str| {
        format!(
            "content/articles/a.md:{line}:{col}: warning: {what} `{url}` removed: safe_html allows only http, https, mailto, tel and relative URLs"
        )
    };
    let warnings = run.warning_lines();
    assert_eq!(
        warnings,
        [
            removed(11, 1, "link to", "javascript:alert(4)"),
            removed(
                11,
                31,
                "link to",
                "data:text/html,<script>alert(7)</script>"
            ),
            removed(11, 40, "link to", "javascript:alert(5)"),
            removed(11, 62, "image", "data:image/svg+xml,x"),
            removed(
                13,
                45,
                "shortcode `button`: argument `url`",
                "javascript:alert(6)"
            ),
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("  = hint: the link text stays, as plain text; link to an https:// address or a page of this site"),
        "{}",
        run.stderr
    );
    let html = site.read("articles/a/index.html");
    let prose = between(&html, "<div class=\"prose\">", "</main>");
    // Only the autolink's text, `javascript:alert(5)`, stays: as text.
    for gone in [
        "alert(1)",
        "alert(2)",
        "alert(3)",
        "alert(4)",
        "alert(6)",
        "alert(7)",
        "onerror",
        "color:red",
        "<script",
    ] {
        assert!(!prose.contains(gone), "{gone} in:\n{prose}");
    }
    assert_eq!(
        body(&html),
        " <b>bold</b> <img src=\"x\"> <a>raw</a>.</p>\n\n<p>inline ref javascript:alert(5) pic <a href=\"https://ok.test/\">ok</a>"
    );
    // Shortcode output is the theme's: put in after sanitising, kept whole.
    assert!(
        html.contains("<a class=\"claim\" href=\"/case-studies/acme/#metric-downtime\" title=\"from 120 to 70 hours/month. Source: Acme maintenance logs\" data-before=\"120\" data-after=\"70\" data-unit=\"hours/month\" data-source=\"Acme maintenance logs\">reduced unplanned downtime by 41%</a> <a class=\"button\" href=\"\" onclick=\"track()\">Go</a> <a class=\"button\" href=\"/contact/\" onclick=\"track()\">Call</a>"),
        "{html}"
    );
}

#[test]
fn without_safe_html_everything_is_written_as_authored() {
    let site = site(false);
    let run = site.build().success();
    assert!(!run.stderr.contains("unsafe-url") && !run.stderr.contains("removed"));
    let html = site.read("articles/a/index.html");
    assert_eq!(
        body(&html),
        " <b>bold</b> <img src=x onerror=\"alert(1)\"> <a href=\"JaVaScRiPt:alert(2)\" style=\"color:red\">raw</a>.</p>\n<script>alert(3)</script>\n<p><a href=\"javascript:alert(4)\">inline</a> <a href=\"data:text/html,%3Cscript%3Ealert(7)%3C/script%3E\">ref</a> <a href=\"javascript:alert(5)\">javascript:alert(5)</a> <img src=\"data:image/svg+xml,x\" alt=\"pic\" /> <a href=\"https://ok.test/\">ok</a>"
    );
    assert!(
        html.contains(
            "<a class=\"button\" href=\"javascript:alert(6)\" onclick=\"track()\">Go</a>"
        )
    );
}

#[test]
fn many_problems_on_one_long_line_print_short_excerpts() {
    let line = "We cut costs by 30% this year. ".repeat(2_000);
    let site = TestSite::new().file(
        "content/articles/a.md",
        article(
            "A",
            "awareness",
            &["decider"],
            "2026-01-02",
            &format!("{line}\n"),
        ),
    );
    let run = site.build().success();
    let warnings = run.stderr.matches(": warning: unsourced claim").count();
    assert_eq!(warnings, 2_000);
    // Each warning quotes 120 characters around its column, not the 62,000-character line.
    assert!(run.stderr.len() < 2_000 * 600, "{} bytes", run.stderr.len());
    let tenth = format!(
        "content/articles/a.md:7:283: warning: unsourced claim: \"cut costs by 30%\"\n 7 | …{}…\n   |{}^\n",
        &line[222..342],
        " ".repeat(62)
    );
    assert!(run.stderr.contains(&tenth), "{}", &run.stderr[..3000]);
}

#[test]
fn repeated_broken_anchors_each_get_a_diagnostic_with_a_short_hint() {
    let headings: String = (0..25).map(|i| format!("## Part {i}\n\n")).collect();
    let site = TestSite::new()
        .file(
            "content/articles/t.md",
            article("T", "awareness", &["decider"], "2026-01-01", &headings),
        )
        .file(
            "content/articles/a.md",
            article(
                "A",
                "awareness",
                &["decider"],
                "2026-01-02",
                "[x](t.md#zzz) [y](t.md#zzz)\n\n[z](#qqq) [w](#qqq)\n",
            ),
        );
    let run = site.build().failure();
    let list: Vec<String> = (0..20).map(|i| format!("#part-{i}")).collect();
    let other = format!(
        "  = hint: headings of content/articles/t.md: {} and 5 more",
        list.join(", ")
    );
    let refs = [
        (7, 1, "#zzz", "content/articles/t.md"),
        (7, 15, "#zzz", "content/articles/t.md"),
        (9, 1, "#qqq", "this page"),
        (9, 11, "#qqq", "this page"),
    ];
    for (line, col, anchor, page) in refs {
        let source = if line == 7 {
            "[x](t.md#zzz) [y](t.md#zzz)"
        } else {
            "[z](#qqq) [w](#qqq)"
        };
        let want = format!(
            "content/articles/a.md:{line}:{col}: error: link to `{anchor}`: no such heading in {page}\n {line} | {source}\n"
        );
        assert!(run.stderr.contains(&want), "{want}\n{}", run.stderr);
    }
    assert_eq!(run.stderr.matches(&other).count(), 2, "{}", run.stderr);
    assert_eq!(
        run.stderr
            .matches("  = hint: this page has no headings to link to")
            .count(),
        2,
        "{}",
        run.stderr
    );
}
