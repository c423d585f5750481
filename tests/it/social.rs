//! Social previews: a page's `image` and `image_alt` in Open Graph, the Twitter card and
//! JSON-LD; `[social] image` for pages without one; mistakes at their line.

use crate::harness::*;

const PNG: &[u8] = include_bytes!("../fixtures/email/chart.png");

fn page(extra: &str) -> String {
    format!(
        "+++\ntitle = \"Alpha\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"decider\"]\n{extra}+++\nText.\n"
    )
}

#[test]
fn a_pages_image_is_its_preview_and_the_sites_stands_in_for_pages_without_one() {
    let site = TestSite::new()
        .file("site.toml", format!("{SITE_TOML}[social]\nimage = \"/social.png\"\nimage_alt = \"Northwind's logo on blue\"\n"))
        .file("static/social.png", PNG)
        .file("content/articles/a/index.md", page("image = \"hero.png\"\nimage_alt = \"The mill at night\"\n"))
        .file("content/articles/a/hero.png", PNG)
        .file("content/articles/b.md", page("").replace("Alpha", "Beta"))
        .file("content/articles/c.md", page("image = \"https://cdn.example.org/c.jpg\"\nimage_alt = \"A chart\"\n").replace("Alpha", "Gamma"));
    site.build().success();
    let a = site.read("articles/a/index.html");
    assert!(a.contains("<meta property=\"og:image\" content=\"https://example.test/articles/a/hero.png\">\n<meta property=\"og:image:alt\" content=\"The mill at night\">\n<meta name=\"twitter:card\" content=\"summary_large_image\">"), "{a}");
    assert!(
        a.contains("\"image\":\"https://example.test/articles/a/hero.png\""),
        "{a}"
    );
    let b = site.read("articles/b/index.html");
    assert!(b.contains("<meta property=\"og:image\" content=\"https://example.test/social.png\">\n<meta property=\"og:image:alt\" content=\"Northwind&#39;s logo on blue\">"), "{b}");
    assert!(
        b.contains("\"image\":\"https://example.test/social.png\""),
        "{b}"
    );
    let c = site.read("articles/c/index.html");
    assert!(
        c.contains("<meta property=\"og:image\" content=\"https://cdn.example.org/c.jpg\">"),
        "{c}"
    );
    let home = site.read("index.html");
    assert!(
        home.contains("<meta property=\"og:image\" content=\"https://example.test/social.png\">"),
        "{home}"
    );

    // Without any image: a summary card, no og:image.
    let plain = TestSite::new().file("content/articles/b.md", page(""));
    plain.build().success();
    let b = plain.read("articles/b/index.html");
    assert!(
        b.contains("<meta name=\"twitter:card\" content=\"summary\">") && !b.contains("og:image"),
        "{b}"
    );
}

#[test]
fn an_image_without_alt_text_or_file_is_an_error_at_its_line() {
    let site = TestSite::new()
        .file(
            "site.toml",
            format!("{SITE_TOML}[social]\nimage = \"/nope.png\"\nimage_alt = \"x\"\n"),
        )
        .file("content/articles/a.md", page("image = \"hero.png\"\n"))
        .file(
            "content/articles/b.md",
            page("image = \"missing.png\"\nimage_alt = \"A chart\"\n").replace("Alpha", "Beta"),
        )
        .file(
            "content/articles/c.md",
            page("image = \"../../../etc/x.png\"\nimage_alt = \"x\"\n").replace("Alpha", "Gamma"),
        )
        .file(
            "content/articles/d.md",
            page("image_alt = \"Orphan\"\n").replace("Alpha", "Delta"),
        );
    let run = site.build().failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/articles/a.md:6:10: error: image `hero.png` has no `image_alt`",
            "content/articles/b.md:6:10: error: image `/articles/missing.png` is not a file of the site",
            "content/articles/c.md:6:10: error: image `../../../etc/x.png` is outside the site",
            "content/articles/d.md:6:1: error: `image_alt` without an `image`",
            "site.toml: error: [social] image `/nope.png` is not a file of the site",
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("hint: describe what it shows for readers who cannot see it"),
        "{}",
        run.stderr
    );
}
