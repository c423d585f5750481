//! Syntax highlighting: off by default (code as cairn always wrote it, byte for byte),
//! on with `[markdown] highlight = true` (spans with `hl-*` classes, styled by the theme).

use crate::harness::{SITE_TOML, TestSite, article, between};

const BODY: &str = "Intro.\n\n```rust\nlet s = \"a<b\"; // note\n```\n\n```brainfuck\n+[-]\n```\n\n    indented();\n";

fn site(toml: &str) -> TestSite {
    TestSite::empty().file("site.toml", toml).file(
        "content/articles/code.md",
        article("Code", "awareness", &["user"], "2026-01-01", BODY),
    )
}

#[test]
fn off_by_default_and_off_is_byte_for_byte_the_output_without_the_key() {
    let plain = site(SITE_TOML);
    plain.build().success();
    let page = plain.read("articles/code/index.html");
    assert_eq!(
        between(&page, "<p>Intro.</p>\n", "</code></pre>\n<pre><code>"),
        "<pre><code class=\"language-rust\">let s = \"a&lt;b\"; // note\n</code></pre>\n<pre><code class=\"language-brainfuck\">+[-]\n"
    );
    assert!(!page.contains("hl-"), "{page}");
    let off = site(&format!("{SITE_TOML}\n[markdown]\nhighlight = false\n"));
    off.build().success();
    // Every published file (cairn's own record of what it wrote holds write times).
    let published = |s: &TestSite| -> Vec<(String, Vec<u8>)> {
        s.snapshot()
            .into_iter()
            .filter(|(path, _)| path != ".cairn-manifest.json")
            .collect()
    };
    assert!(published(&plain) == published(&off));
}

#[test]
fn on_code_of_known_languages_gets_classes_and_the_theme_styles_them() {
    let on = site(&format!("{SITE_TOML}\n[markdown]\nhighlight = true\n"));
    on.build().success();
    let page = on.read("articles/code/index.html");
    assert_eq!(
        between(&page, "<p>Intro.</p>\n", "</code></pre>\n<pre><code>"),
        "<pre><code class=\"language-rust\"><span class=\"hl-keyword\">let</span> s = <span class=\"hl-string\">\"a&lt;b\"</span>; <span class=\"hl-comment\">// note</span>\n</code></pre>\n<pre><code class=\"language-brainfuck\">+[-]\n"
    );
    assert!(
        page.contains("<pre><code>indented();\n</code></pre>"),
        "{page}"
    );
    let head = between(&page, "<head>", "</head>");
    assert!(head.contains("<style>\n/* Syntax highlighting"), "{head}");
    assert!(
        head.contains(".hl-keyword, .hl-tag { color: var(--navy)"),
        "{head}"
    );
}

#[test]
fn safe_html_keeps_the_classes() {
    let on = site(&format!(
        "safe_html = true\n{SITE_TOML}\n[markdown]\nhighlight = true\n"
    ));
    on.build().success();
    let page = on.read("articles/code/index.html");
    assert!(
        page.contains("<span class=\"hl-comment\">// note</span>"),
        "{page}"
    );
}

#[test]
fn an_unknown_key_of_markdown_is_an_error_with_a_suggestion() {
    let typo = site(&format!("{SITE_TOML}\n[markdown]\nhighlite = true\n"));
    let run = typo.build().failure();
    assert_eq!(
        run.stderr,
        "site.toml:5:1: error: unknown key `highlite`\n 5 | highlite = true\n   | ^\n  = hint: did you mean `highlight`? Free-form values go under [extra]\n\nbuild failed: 1 error; the previous output (if any) is unchanged\n"
    );
}
