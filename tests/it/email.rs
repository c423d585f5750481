//! The email edition: structure checked by parsing the output (every style inline,
//! every layout element a table, nothing Outlook's Word engine cannot lay out), the
//! words and links of the body, the plain-text edition, `cairn email`, and the edition
//! in Chromium at 600 pixels.

use std::cell::RefCell;

use lol_html::{RewriteStrSettings, element, rewrite_str};

use crate::harness::*;

const CHART: &[u8] = include_bytes!("../fixtures/email/chart.png");

/// An article with a claim, a table, an image beside it, a footnote, a heading and an
/// internal link; a case study it cites; `[email]` on.
fn fixture() -> TestSite {
    TestSite::new()
        .file("site.toml", format!("{SITE_TOML}[email]\nenabled = true\n[[stages]]\nid = \"awareness\"\nname = \"Awareness\"\ncta = {{ text = \"Get the briefing\", url = \"/subscribe/\" }}\n[[stages]]\nid = \"decision\"\nname = \"Decision\"\n"))
        .file(
            "content/articles/a/index.md",
            article(
                "Alpha & the mill",
                "awareness",
                &["decider"],
                "2026-01-01",
                "Acme {{ claim(case=\"c\", metric=\"m\") }} in six months.[^note]\n\n## Figures\n\n| Metric | Before | After |\n|---|---|---|\n| Downtime | 120 | 70 |\n\n![The mill's downtime by month](chart.png)\n\nRead [the case](../../case-studies/c.md) or [the web](https://example.org/x).\n\n<div class=\"box\"><p>Raw block.</p></div>\n\n<script>alert(1)</script>\n\n[^note]: Measured by the plant.\n",
            ),
        )
        .file("content/articles/a/chart.png", CHART)
        .file("content/case-studies/c.md", "+++\ntitle = \"Case\"\ndate = 2026-01-04\nroles = [\"decider\"]\ncustomer = \"C Corp\"\n[[metrics]]\nid = \"m\"\nlabel = \"unplanned downtime\"\nunit = \"hours/month\"\nbefore = 120\nafter = 70\nbetter = \"lower\"\nperiod = \"6 months\"\nsource = \"maintenance logs\"\n+++\nCase body.\n")
        .file("content/subscribe.md", "+++\ntitle = \"Subscribe\"\n+++\nSubscribe.\n")
}

/// Each element of `html`: its name and attributes.
fn elements(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let found = RefCell::new(Vec::new());
    rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!("*", |el| {
            let attrs = el
                .attributes()
                .iter()
                .map(|a| (a.name(), a.value()))
                .collect();
            found.borrow_mut().push((el.tag_name(), attrs));
            Ok(())
        })),
    )
    .unwrap();
    found.into_inner()
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn the_email_edition_is_inline_styled_tables_that_outlook_can_lay_out() {
    let site = fixture();
    site.build().success();
    let html = site.read("articles/a/email.html");
    let all = elements(&html);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    for forbidden in [
        "style", "link", "script", "div", "section", "article", "aside", "nav", "header", "footer",
        "main", "iframe", "form",
    ] {
        assert!(
            !names.contains(&forbidden),
            "<{forbidden}> in the email edition:\n{html}"
        );
    }
    // Every style is inline, and none that the Word engine cannot lay out.
    for (name, attrs) in &all {
        if let Some(style) = attr(attrs, "style") {
            for word in ["flex", "grid", "float", "position:", "max-width"] {
                assert!(
                    !style.contains(word),
                    "<{name} style=\"{style}\"> uses {word}"
                );
            }
        }
    }
    let styled = all
        .iter()
        .filter(|(_, a)| attr(a, "style").is_some())
        .count();
    assert!(
        styled > 30,
        "only {styled} elements carry a style attribute:\n{html}"
    );
    // The layout: a full-width table around a 600-pixel table.
    let tables: Vec<_> = all.iter().filter(|(n, _)| n == "table").collect();
    assert_eq!(attr(&tables[0].1, "width"), Some("100%"));
    assert_eq!(attr(&tables[1].1, "width"), Some("600"));
    assert!(
        attr(&tables[1].1, "style")
            .unwrap()
            .contains("width: 600px")
    );
    // The raw <div> of the body became a one-cell table; the script is gone.
    assert!(
        html.contains("<table class=\"block\" border=\"0\" role=\"presentation\" width=\"100%\""),
        "{html}"
    );
    assert!(html.contains("<td style=\"padding: 0;border: 0;\"><p style=\"margin: 0 0 16px 0;\">Raw block.</p></td></tr></tbody></table>"), "{html}");
    assert!(!html.contains("alert(1)"));
    // Images: absolute, with their size (scaled to the 552-pixel column) and alt text.
    let imgs: Vec<_> = all.iter().filter(|(n, _)| n == "img").collect();
    assert_eq!(imgs.len(), 1);
    let img = &imgs[0].1;
    assert_eq!(
        attr(img, "src"),
        Some("https://example.test/articles/a/chart.png")
    );
    assert_eq!(
        (attr(img, "width"), attr(img, "height")),
        (Some("552"), Some("276"))
    );
    assert_eq!(attr(img, "alt"), Some("The mill’s downtime by month"));
    // Links: absolute; those to the site tagged for email; none relative.
    for (_, attrs) in all.iter().filter(|(n, _)| n == "a") {
        let href = attr(attrs, "href").unwrap().replace("&amp;", "&");
        assert!(href.starts_with("https://"), "relative link {href}");
        if href.starts_with("https://example.test/") {
            assert!(
                href.contains("utm_source=email&utm_medium=email&utm_campaign=a"),
                "{href}"
            );
        }
    }
    assert!(html.contains("href=\"https://example.test/case-studies/c/?utm_source=email&amp;utm_medium=email&amp;utm_campaign=a\""), "{html}");
    assert!(html.contains("href=\"https://example.org/x\""), "{html}");
    // The call to action: a table cell with a background colour Outlook shows.
    assert!(html.contains("href=\"https://example.test/subscribe/?utm_source=email&amp;utm_medium=email&amp;utm_campaign=a\""), "{html}");
    // The claim: its text, its source in a numbered footnote.
    assert!(
        html.contains("Acme reduced unplanned downtime by 41%<sup style=\"font-size: 12px;line-height: 12px;\">[1]</sup> in six months."),
        "{html}"
    );
    assert!(html.contains("[1] reduced unplanned downtime by 41%: from 120 to 70 hours/month, 6 months. Source: maintenance logs"), "{html}");
    assert!(!html.contains("class=\"claim\""), "{html}");
    // The Markdown footnote and the table survive, styled.
    assert!(html.contains("Measured by the plant."), "{html}");
    assert!(
        html.contains("<td style=\"padding: 6px 8px;border: 1px solid #cbd2d9;\">Downtime</td>"),
        "{html}"
    );
}

#[test]
fn the_plain_text_edition_keeps_the_words_the_claims_and_whole_links() {
    let site = fixture();
    site.build().success();
    let text = site.read("articles/a/email.txt");
    assert!(text.starts_with("# Alpha & the mill\n"), "{text}");
    assert!(
        text.contains("Acme reduced unplanned downtime by 41%"),
        "{text}"
    );
    assert!(
        text.contains("[1] reduced unplanned downtime by 41%: "),
        "{text}"
    );
    assert!(text.contains(": https://example.test/case-studies/c/?utm_source=email&utm_medium=email&utm_campaign=a\n"), "{text}");
    assert!(!text.contains('<'), "{text}");
    for line in text.lines().filter(|l| !l.contains("https://")) {
        assert!(
            line.chars().count() <= 78,
            "a line longer than 78 characters: {line}"
        );
    }
    // Pages other than articles and case studies have no email edition; off by default.
    assert!(!site.exists("subscribe/email.html"));
    let plain = TestSite::new().file(
        "content/articles/a.md",
        article("A", "awareness", &["decider"], "2026-01-01", "Text.\n"),
    );
    plain.build().success();
    assert!(!plain.exists("articles/a/email.html"));
}

#[test]
fn cairn_email_writes_one_edition_and_never_overwrites_a_file_of_yours() {
    let site = fixture();
    let run = site.cairn(&["email", "articles/a/index.md"]).success();
    assert_eq!(run.stdout, {
        site.build().success();
        site.read("articles/a/email.html")
    });
    let run = site
        .cairn(&["email", "articles/a/index.md", "--text"])
        .success();
    assert_eq!(run.stdout, site.read("articles/a/email.txt"));
    let run = site.cairn(&["email", "subscribe.md"]).failure();
    assert_eq!(
        run.stderr.lines().next(),
        Some("error: content/subscribe.md is not a published article or case study")
    );

    site.write("mine.html", "my own newsletter");
    let out = site.path("mine.html");
    let run = site.cairn(&[
        "email",
        "articles/a/index.md",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "my own newsletter");
    let fresh = site.path("edition.html");
    site.cairn(&[
        "email",
        "articles/a/index.md",
        "--output",
        fresh.to_str().unwrap(),
    ])
    .success();
    // An edition cairn wrote is replaced.
    site.cairn(&[
        "email",
        "articles/a/index.md",
        "--output",
        fresh.to_str().unwrap(),
    ])
    .success();
    assert!(
        std::fs::read_to_string(&fresh)
            .unwrap()
            .contains("<meta name=\"generator\" content=\"cairn ")
    );
}

#[test]
fn the_email_edition_fits_600_pixels_in_chromium() {
    let site = fixture();
    site.build().success();
    let Some(b) = crate::browser::browser() else {
        return;
    };
    let server = site.serve();
    // A viewport 600 CSS pixels wide: the window, less its scroll bar.
    b.runtime
        .block_on(b.client.set_window_size(600, 900))
        .unwrap();
    b.goto(&format!("{}/articles/a/email.html", server.url));
    b.wait_until("the edition", "return document.readyState === 'complete'");
    let bar = 600
        - b.js("return document.documentElement.clientWidth")
            .as_u64()
            .unwrap() as u32;
    b.runtime
        .block_on(b.client.set_window_size(600 + bar, 900))
        .unwrap();
    let width = b.js("return document.documentElement.clientWidth");
    let scroll = b.js("return document.documentElement.scrollWidth");
    assert_eq!(width, serde_json::json!(600));
    assert_eq!(scroll, width, "the edition scrolls sideways at 600 pixels");
    let container =
        b.js("return document.querySelectorAll('table')[1].getBoundingClientRect().width");
    assert_eq!(container, serde_json::json!(600));
    let image = b.js("const i = document.querySelector('img'); return [i.naturalWidth, i.getBoundingClientRect().width]");
    assert_eq!(image, serde_json::json!([1200, 552]));
    let png = b.runtime.block_on(b.client.screenshot()).unwrap();
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("email-600.png");
    std::fs::write(&shot, &png).unwrap();
    let size = imagesize::blob_size(&png).unwrap();
    assert!(size.width >= 600 && size.height > 0, "{size:?}");
}
