//! Bad input: every problem reported at once, precisely, and the previous
//! output left untouched.

use crate::harness::*;

fn good_site() -> TestSite {
    TestSite::new()
        .file(
            "content/articles/a.md",
            article(
                "A",
                "awareness",
                &["decider"],
                "2026-01-01",
                "Hello.\n\n## Details\n",
            ),
        )
        .file(
            "content/articles/b.md",
            article(
                "B",
                "decision",
                &["buyer"],
                "2026-01-02",
                "See [A](a.md#details).\n",
            ),
        )
}

#[test]
fn seeded_mistakes_each_get_one_precise_diagnostic_and_public_is_untouched() {
    let site = good_site();
    site.build().success();
    let before = site.snapshot();
    assert!(!before.is_empty());

    site.write(
        "content/articles/role.md",
        article("Role typo", "awareness", &["decison"], "2026-01-01", "x\n"),
    );
    site.write("content/articles/key.md", "+++\ntitle = \"Key typo\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"user\"]\nsumary = \"x\"\n+++\n");
    site.write(
        "content/articles/toml.md",
        "+++\ntitle = \"Bad TOML\ndate = 2026-01-01\n+++\n",
    );
    site.write(
        "content/articles/link.md",
        article(
            "Link",
            "awareness",
            &["user"],
            "2026-01-01",
            "Read [this](missing.md) first.\n",
        ),
    );
    site.write("content/articles/dup.md", "+++\ntitle = \"Dup\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"user\"]\nslug = \"a\"\n+++\n");
    site.write(
        "content/articles/code.md",
        article(
            "Shortcode",
            "awareness",
            &["user"],
            "2026-01-01",
            "Text.\n\n{{ clam(case=\"x\", metric=\"y\") }}\n",
        ),
    );

    let run = site.build().failure();
    let expected = [
        "content/articles/code.md:9:1: error: unknown shortcode `clam`\n 9 | {{ clam(case=\"x\", metric=\"y\") }}\n   | ^\n  = hint: did you mean `claim`?",
        "content/articles/dup.md:1:1: error: content/articles/a.md and content/articles/dup.md both produce /articles/a/\n 1 | +++\n   | ^\n  = hint: give one of them another file name or `slug`",
        "content/articles/key.md:6:1: error: unknown key `sumary`\n 6 | sumary = \"x\"\n   | ^\n  = hint: did you mean `summary`? Free-form values go under [extra]",
        "content/articles/link.md:7:6: error: link to `missing.md`: no such page (content/articles/missing.md)\n 7 | Read [this](missing.md) first.\n   |      ^\n  = hint: check the file name; links are relative to this file's folder",
        "content/articles/role.md:5:11: error: unknown role `decison`\n 5 | roles = [\"decison\"]\n   |           ^\n  = hint: did you mean `decider`?",
    ];
    for e in expected {
        assert!(
            run.stderr.contains(e),
            "missing:\n{e}\n\nin:\n{}",
            run.stderr
        );
    }
    let toml_line = run
        .stderr
        .lines()
        .find(|l| l.starts_with("content/articles/toml.md:"))
        .expect("a TOML diagnostic");
    assert!(
        toml_line.starts_with("content/articles/toml.md:2:"),
        "{toml_line}"
    );
    assert!(toml_line.contains("error:"), "{toml_line}");
    assert!(
        run.stderr
            .ends_with("build failed: 6 errors; the previous output (if any) is unchanged\n"),
        "{}",
        run.stderr
    );
    assert_eq!(
        site.snapshot(),
        before,
        "a failed build must not touch public/"
    );
}

#[test]
fn config_errors_are_reported_with_suggestions() {
    let site = good_site().file("site.toml", format!("{SITE_TOML}titel = \"x\"\n"));
    let run = site.build().failure();
    assert_eq!(
        run.stderr,
        "site.toml:3:1: error: unknown key `titel`\n 3 | titel = \"x\"\n   | ^\n  = hint: did you mean `title`? Free-form values go under [extra]\n\nbuild failed: 1 error; the previous output (if any) is unchanged\n"
    );
}

#[test]
fn a_missing_site_toml_says_what_to_do() {
    let run = TestSite::empty().build();
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("site.toml: error: cannot read "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint: run cairn from a site folder, pass --root DIR, or create a site with `cairn init DIR`"));
}

#[test]
fn closed_vocabularies_reject_unknown_values_with_the_nearest() {
    let site = good_site()
        .file("site.toml", format!("{SITE_TOML}[[industries]]\nid = \"energy\"\nname = \"Energy\"\n"))
        .file("content/articles/c.md", "+++\ntitle = \"C\"\ndate = 2026-01-01\nstage = \"awarness\"\nroles = [\"user\"]\nindustries = [\"enrgy\"]\n+++\n");
    let run = site.build().failure();
    assert!(run.stderr.contains("content/articles/c.md:4:10: error: unknown stage `awarness`\n 4 | stage = \"awarness\"\n   |          ^\n  = hint: did you mean `awareness`?"), "{}", run.stderr);
    assert!(run.stderr.contains("content/articles/c.md:6:16: error: unknown industry `enrgy`\n 6 | industries = [\"enrgy\"]\n   |                ^\n  = hint: did you mean `energy`?"), "{}", run.stderr);
}

#[test]
fn missing_anchor_in_another_page_is_an_error() {
    let site = good_site().file(
        "content/articles/d.md",
        article(
            "D",
            "awareness",
            &["user"],
            "2026-01-01",
            "See [A](a.md#detials).\n",
        ),
    );
    let run = site.build().failure();
    assert!(
        run.stderr.contains("content/articles/d.md:7:5: error: link to `#detials`: no such heading in content/articles/a.md\n 7 | See [A](a.md#detials).\n   |     ^\n  = hint: did you mean `#details`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn template_errors_name_the_template_file() {
    let site = good_site().file("templates/page.html", "{% if %}");
    let run = site.build().failure();
    assert!(
        run.stderr.starts_with("templates/page.html"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("error:"), "{}", run.stderr);
}

#[test]
fn pages_outside_articles_may_not_claim_journey_tags() {
    let site = good_site().file(
        "content/about.md",
        "+++\ntitle = \"About\"\nroles = [\"user\"]\n+++\n",
    );
    let run = site.build().failure();
    assert!(
        run.stderr.contains(
            "content/about.md:3:1: error: `roles` on a page outside articles/ and case-studies/"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_page_may_not_take_a_generated_url() {
    let site = good_site().file("content/proof.md", "+++\ntitle = \"Proof\"\n+++\n");
    let run = site.build().failure();
    assert!(
        run.stderr
            .contains("content/proof.md:1:1: error: URL /proof/ is generated by cairn"),
        "{}",
        run.stderr
    );
}
