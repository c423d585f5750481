//! Property tests: cairn on generated sites, valid and broken.
//!
//! Every generated site is written to a temporary folder and run through the
//! library (`check`, `load`, `build`); each test checks three properties:
//!
//! 1. cairn never panics (proptest catches the panic and shrinks the input);
//! 2. every diagnostic's line and column lie inside the file it names
//!    (line 0 = whole file, col 0 = unknown column);
//! 3. a site that `check` accepts (no errors) also builds.
//!
//! 64 cases per test by default; `PROPTEST_CASES=10000 cargo test --test props`
//! runs longer (see docs/testing.md). Failing inputs are saved to
//! `tests/props.proptest-regressions` and replayed first on every run.

use std::collections::BTreeMap;
use std::path::Path;

use cairn::BuildOptions;
use cairn::diagnostics::Diagnostic;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

/// 64 cases unless `PROPTEST_CASES` says otherwise.
fn config() -> Config {
    // `Config::default()` has read PROPTEST_CASES; `with_cases` would override it.
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    config.failure_persistence = Some(Box::new(FileFailurePersistence::WithSource(
        "proptest-regressions",
    )));
    config
}

// ---------------------------------------------------------------------------
// The site under test and the properties.

/// A site: `site.toml` plus files by path relative to the site root.
#[derive(Debug, Clone)]
struct Site {
    site_toml: String,
    files: Vec<(String, String)>,
    drafts: bool,
    /// `--base-url`, overriding site.toml's.
    base_url: Option<String>,
}

fn run(site: &Site) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("site.toml"), &site.site_toml).unwrap();
    // Later files with the same path replace earlier ones.
    let files: BTreeMap<&str, &str> = site
        .files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    for (path, text) in &files {
        // A file where another needs a folder (`a` and `a/b`): the first one wins.
        let p = root.join(path);
        if std::fs::create_dir_all(p.parent().unwrap()).is_ok() && !p.is_dir() {
            std::fs::write(p, text).unwrap();
        }
    }
    let mut options = BuildOptions::new(&root);
    options.output = dir.path().join("public");
    options.drafts = site.drafts;
    options.base_url = site.base_url.clone();
    options.now = "2026-06-01T00:00:00Z".parse().unwrap();

    let report = cairn::check(&options);
    positions_in_range(&root, &report.diagnostics)?;
    // `check` reports what `load` does (and more), so `load` runs only where
    // `check` found nothing: it must then succeed too.
    if report.errors() == 0
        && let Err(ds) = cairn::load(&options)
    {
        positions_in_range(&root, &ds)?;
        prop_assert!(
            false,
            "check found no errors, load failed:\n{}",
            ds.iter().map(|d| format!("{d}\n")).collect::<String>()
        );
    }
    match cairn::build(&options) {
        Ok(built) => positions_in_range(&root, &built.warnings)?,
        Err(cairn::BuildError::Content(ds)) => {
            positions_in_range(&root, &ds)?;
            prop_assert!(
                report.errors() > 0,
                "check found no errors, build failed:\n{}",
                ds.iter().map(|d| format!("{d}\n")).collect::<String>()
            );
        }
        Err(cairn::BuildError::Io(e)) => {
            prop_assert!(
                report.errors() > 0,
                "check found no errors, build failed: {e:#}"
            );
        }
    }
    Ok(())
}

/// Property 2: each located diagnostic points inside its file.
fn positions_in_range(root: &Path, diagnostics: &[Diagnostic]) -> Result<(), TestCaseError> {
    for d in diagnostics {
        if d.line == 0 {
            continue;
        }
        // Diagnostics about built-in templates name no file of the site.
        let Ok(text) = std::fs::read_to_string(root.join(&d.path)) else {
            continue;
        };
        let lines: Vec<&str> = text.split('\n').collect();
        prop_assert!(
            d.line <= lines.len(),
            "line {} past the {} lines of the file: {d}",
            d.line,
            lines.len()
        );
        let chars = lines[d.line - 1].chars().count();
        prop_assert!(
            d.col <= chars + 1,
            "column {} past the {} characters of line {}: {d}",
            d.col,
            chars,
            d.line
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Building blocks.

fn pick(items: &'static [&'static str]) -> BoxedStrategy<String> {
    proptest::sample::select(items)
        .prop_map(str::to_string)
        .boxed()
}

/// Free text: plain words, Unicode, markup and, when `hostile`, control
/// characters and template syntax.
fn text_of(hostile: bool) -> BoxedStrategy<String> {
    let plain = prop_oneof![
        4 => "[A-Za-z0-9 ]{0,12}",
        1 => pick(&[
            "季度报告", "Ünïcödé", "🚀", "\u{202e}rtl", "e\u{301}", "ß", "Ω≈ç", "\"", "'",
            "<script>alert(1)</script>", "]]>", "&amp;", "&", "<", "#",
        ]),
    ];
    let piece = if hostile {
        prop_oneof![
            6 => plain,
            1 => pick(&[
                "\u{0}", "\u{7}", "\u{1b}[31m", "\u{7f}", "\u{85}", "\u{2028}", "\t", "\r",
                "\u{c}", "\u{feff}",
            ]),
            1 => pick(&["\\", "{{", "}}", "{%", "%", "30%", "${x}"]),
        ]
        .boxed()
    } else {
        plain.boxed()
    };
    proptest::collection::vec(piece, 0..4)
        .prop_map(|v| v.concat())
        .boxed()
}

fn text() -> BoxedStrategy<String> {
    text_of(true)
}

/// A TOML basic string holding `s` (escaped, so any text is valid).
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML double-quoted string holding `s`.
fn yaml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A front-matter value, rendered per syntax.
#[derive(Debug, Clone)]
enum Value {
    Str(String),
    /// A literal that is the same in TOML and YAML (numbers, booleans, dates).
    Lit(String),
    List(Vec<String>),
    /// Written as is, whatever it does to the syntax.
    Raw(String),
}

impl Value {
    fn toml(&self) -> String {
        match self {
            Value::Str(s) => toml_str(s),
            Value::Lit(s) | Value::Raw(s) => s.clone(),
            Value::List(v) => format!(
                "[{}]",
                v.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", ")
            ),
        }
    }
    fn yaml(&self) -> String {
        match self {
            Value::Str(s) => yaml_str(s),
            Value::Lit(s) | Value::Raw(s) => s.clone(),
            Value::List(v) => format!(
                "[{}]",
                v.iter().map(|s| yaml_str(s)).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

const STAGE_IDS: &[&str] = &[
    "awareness",
    "consideration",
    "decision",
    "retention",
    "decison",
    "Awareness",
    "",
    "季度",
    "a b",
];
const ROLE_IDS: &[&str] = &[
    "initiator",
    "user",
    "influencer",
    "decider",
    "approver",
    "buyer",
    "gatekeeper",
    "end-user",
    "decison",
    "USER",
    "",
    "ünï",
];
const INDUSTRY_IDS: &[&str] = &["manufacturing", "energy", "logistics", "manufactoring", ""];

/// Numbers: ordinary, zero, negative, huge, special, quoted.
fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        6 => (-1000i64..1000).prop_map(|n| Value::Lit(n.to_string())),
        3 => (-1.0e6f64..1.0e6).prop_map(|f| Value::Lit(format!("{f:?}"))),
        2 => pick(&[
            "0", "0.0", "-0.0", "-1", "1e308", "-1e308", "1.7976931348623157e308", "5e-324",
            "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e400",
            "nan", "inf", "-inf", "+inf", ".nan", ".inf", "0x10", "1_000", "007",
        ])
        .prop_map(Value::Lit),
        1 => pick(&["NaN", "12", "1e3", "", "twelve", "∞"]).prop_map(Value::Str),
    ]
    .boxed()
}

fn date() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => (1990u32..2030, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| Value::Lit(format!("{y:04}-{m:02}-{d:02}"))),
        1 => pick(&[
            "2026-02-30", "0000-01-01", "9999-12-31", "2026-03-14T09:30:00Z",
            "2026-03-14T09:30:00+02:00", "2026-13-01", "1970-01-01T00:00:00Z", "2026-06-01",
        ])
        .prop_map(Value::Lit),
        1 => pick(&["2026-03-14", "2026-03-14 09:30", "14/03/2026", "", "yesterday"])
            .prop_map(Value::Str),
    ]
    .boxed()
}

/// Any value of any type: for wrong types.
fn any_value() -> BoxedStrategy<Value> {
    prop_oneof![
        text().prop_map(Value::Str),
        number(),
        date(),
        pick(&["true", "false"]).prop_map(Value::Lit),
        proptest::collection::vec(text(), 0..3).prop_map(Value::List),
        // Unescaped: raw control characters, quotes and line breaks.
        text().prop_map(|t| Value::Raw(format!("\"{t}\""))),
        text().prop_map(Value::Raw),
        pick(&[
            "",
            "[",
            "\"unterminated",
            "{ a = 1 }",
            "[[1], [\"x\"]]",
            "= =",
            "{a: 1}",
            "- x",
            "'single'",
            "\"\\u0000\"",
            "|\n  block",
            "&a x",
            "*a",
            "!!binary aGk=",
        ])
        .prop_map(Value::Raw),
    ]
    .boxed()
}

/// A good-looking value for `key`, or sometimes any value at all.
fn value_for(key: &str) -> BoxedStrategy<Value> {
    let good: BoxedStrategy<Value> = match key {
        "title" | "summary" | "author" | "customer" => text().prop_map(Value::Str).boxed(),
        "date" | "updated" => date(),
        "stage" => pick(STAGE_IDS).prop_map(Value::Str).boxed(),
        "roles" => proptest::collection::vec(pick(ROLE_IDS), 0..4)
            .prop_map(Value::List)
            .boxed(),
        "industries" => proptest::collection::vec(pick(INDUSTRY_IDS), 0..3)
            .prop_map(Value::List)
            .boxed(),
        "weight" => number(),
        "draft" | "featured" => pick(&["true", "false"]).prop_map(Value::Lit).boxed(),
        // Long slugs name an output folder: 255 bytes at most.
        "slug" => prop_oneof![
            4 => pick(&[
            "a",
            "hello-world",
            "",
            "---",
            "ÄÖ",
            "a/b",
            "../x",
            "index",
            "proof",
            "roles",
            "a b",
            "季度",
            "x.html",
            "CON",
        ]),
            1 => "[a-z]{250,260}",
            1 => "季{80,90}",
        ]
        .prop_map(Value::Str)
        .boxed(),
        "extra" => pick(&[
            "{ hero = \"x.png\", n = 3 }",
            "{}",
            "{ a = { b = [1, 2] } }",
        ])
        .prop_map(Value::Raw)
        .boxed(),
        _ => any_value(),
    };
    prop_oneof![4 => good, 1 => any_value()].boxed()
}

const KEYS: &[&str] = &[
    "title",
    "title",
    "date",
    "stage",
    "roles",
    "industries",
    "summary",
    "updated",
    "weight",
    "draft",
    "slug",
    "author",
    "featured",
    "customer",
];
const TYPO_KEYS: &[&str] = &[
    "titel",
    "Title",
    "role",
    "industrys",
    "dat",
    "stages",
    "slugg",
    "wieght",
    "custmer",
    "metric",
    "tags",
    "",
];

fn key() -> BoxedStrategy<String> {
    prop_oneof![
        10 => pick(KEYS),
        1 => pick(TYPO_KEYS),
        1 => "[a-z_]{1,8}",
    ]
    .boxed()
}

fn entries() -> BoxedStrategy<Vec<(String, Value)>> {
    proptest::collection::vec(
        key().prop_flat_map(|k| (Just(k.clone()), value_for(&k))),
        0..7,
    )
    .boxed()
}

/// One `[[metrics]]` entry: key → value.
fn metric() -> BoxedStrategy<Vec<(String, Value)>> {
    (
        pick(&["downtime", "oee", "cost", "Bad Id", "", "downtime"]),
        text_of(false),
        pick(&["", "%", "hours", "€", "x"]),
        number(),
        number(),
        pick(&["lower", "higher", "sideways", ""]),
        proptest::option::of(text()),
        proptest::option::weighted(0.15, pick(&["id", "labl", "befor", "note"])),
    )
        .prop_map(|(id, label, unit, before, after, better, source, extra)| {
            let mut m = vec![
                ("id".to_string(), Value::Str(id)),
                ("label".to_string(), Value::Str(label)),
                ("unit".to_string(), Value::Str(unit)),
                ("before".to_string(), before),
                ("after".to_string(), after),
                ("better".to_string(), Value::Str(better)),
            ];
            if let Some(source) = source {
                m.push(("source".into(), Value::Str(source)));
            }
            if let Some(extra) = extra {
                m.push((extra, Value::Lit("1".into())));
            }
            m
        })
        .boxed()
}

#[derive(Debug, Clone, Copy)]
enum Fence {
    Toml,
    Yaml,
    /// Opened, never closed.
    Unterminated,
    /// No front matter at all.
    Missing,
    /// Opened with `+++`, "closed" with `---`.
    Mismatched,
    /// TOML after a byte-order mark.
    Bom,
    /// YAML closed with `...`, fences with trailing spaces.
    YamlDots,
}

fn fence() -> BoxedStrategy<Fence> {
    prop_oneof![
        5 => Just(Fence::Toml),
        4 => Just(Fence::Yaml),
        1 => Just(Fence::Unterminated),
        1 => Just(Fence::Missing),
        1 => Just(Fence::Mismatched),
        1 => Just(Fence::Bom),
        1 => Just(Fence::YamlDots),
    ]
    .boxed()
}

/// A Markdown file: front matter (with metrics for case studies) and a body.
fn page_text(
    fence: Fence,
    entries: &[(String, Value)],
    metrics: &[Vec<(String, Value)>],
    body: &str,
    crlf: bool,
) -> String {
    let yaml = matches!(fence, Fence::Yaml | Fence::YamlDots);
    let mut front = String::new();
    for (k, v) in entries {
        if yaml {
            front.push_str(&format!("{k}: {}\n", v.yaml()));
        } else {
            front.push_str(&format!("{k} = {}\n", v.toml()));
        }
    }
    if !metrics.is_empty() {
        if yaml {
            front.push_str("metrics:\n");
        }
        for m in metrics {
            if yaml {
                for (i, (k, v)) in m.iter().enumerate() {
                    let dash = if i == 0 { "- " } else { "  " };
                    front.push_str(&format!("  {dash}{k}: {}\n", v.yaml()));
                }
            } else {
                front.push_str("\n[[metrics]]\n");
                for (k, v) in m {
                    front.push_str(&format!("{k} = {}\n", v.toml()));
                }
            }
        }
    }
    let text = match fence {
        Fence::Toml => format!("+++\n{front}+++\n{body}"),
        Fence::Yaml => format!("---\n{front}---\n{body}"),
        Fence::Unterminated => format!("+++\n{front}{body}"),
        Fence::Missing => format!("{front}\n{body}"),
        Fence::Mismatched => format!("+++\n{front}---\n{body}"),
        Fence::Bom => format!("\u{feff}+++\n{front}+++\n{body}"),
        Fence::YamlDots => format!("---  \n{front}...\n{body}"),
    };
    if crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}

// ---------------------------------------------------------------------------
// Markdown bodies.

const LINK_TARGETS: &[&str] = &[
    "a.md",
    "b.md",
    "../about.md",
    "../case-studies/acme.md",
    "../../etc/passwd",
    "../../../x.md",
    "/articles/a/",
    "/proof/",
    "#intro",
    "#intro-1",
    "a.md#intro",
    "b.md#nope",
    "https://example.com",
    "mailto:a@b.test",
    "javascript:alert(1)",
    "data:text/html,x",
    "//evil.test",
    "",
    "#",
    "a.md#",
    "%2e%2e/x.md",
    "C:\\x.md",
    "file:///etc/passwd",
    "./",
    "../",
    "img.png",
    "?q=1",
    "<a.md>",
    "a.md \"title\"",
    "季度.md",
    "a%20b.md",
];

/// Link targets that resolve in the generated sites (articles `a`, `b`, the
/// case study `acme`, heading `intro` in `b`).
const GOOD_LINK_TARGETS: &[&str] = &[
    "b.md",
    "b.md#intro",
    "../case-studies/acme.md",
    "/articles/b/",
    "https://example.com",
    "https://example.com/a?b=1#c",
    "mailto:a@b.test",
];

fn claim_of(hostile: bool) -> BoxedStrategy<String> {
    if !hostile {
        return (
            pick(&["downtime"]),
            proptest::option::of(pick(&["sentence", "percent", "change", "multiple"])),
            proptest::option::of(0i64..3),
        )
            .prop_map(|(metric, form, precision)| {
                let mut args = vec!["case=\"acme\"".to_string(), format!("metric=\"{metric}\"")];
                if let Some(form) = form {
                    args.push(format!("form=\"{form}\""));
                }
                if let Some(p) = precision {
                    args.push(format!("precision={p}"));
                }
                format!("{{{{ claim({}) }}}}", args.join(", "))
            })
            .boxed();
    }
    let arg = prop_oneof![
        pick(&[
            "case=\"acme\"",
            "case=\"b\"",
            "case=\"nope\"",
            "metric=\"downtime\"",
            "metric=\"oee\"",
            "metric=\"cost\"",
            "metric=\"\"",
            "form=\"sentence\"",
            "form=\"percent\"",
            "form=\"change\"",
            "form=\"multiple\"",
            "form=\"sentance\"",
            "precision=0",
            "precision=1",
            "precision=-1",
            "precision=99999999999999999999",
            "precision=1.5",
            "precision=\"2\"",
            "colour=\"red\"",
            "case=acme",
            "case=\"acme\", case=\"b\"",
        ]),
        (-5i64..30).prop_map(|n| format!("precision={n}")),
    ];
    proptest::collection::vec(arg, 0..5)
        .prop_map(|args| format!("{{{{ claim({}) }}}}", args.join(", ")))
        .boxed()
}

fn callout(hostile: bool) -> BoxedStrategy<String> {
    (
        text_of(hostile),
        proptest::option::of(text_of(hostile)),
        proptest::option::of(pick(&["note", "warning", "", "x y", "\"><script>"])),
    )
        .prop_map(|(t, title, kind)| {
            let mut args = vec![format!("text={}", toml_str(&t))];
            if let Some(title) = title {
                args.push(format!("title={}", toml_str(&title)));
            }
            if let Some(kind) = kind {
                args.push(format!("kind={}", toml_str(kind.as_str())));
            }
            format!("{{{{ callout({}) }}}}", args.join(", "))
        })
        .boxed()
}

fn shortcode(hostile: bool) -> BoxedStrategy<String> {
    if !hostile {
        return prop_oneof![claim_of(false), callout(false)].boxed();
    }
    prop_oneof![
        4 => claim_of(true),
        2 => callout(true),
        2 => pick(&[
            "{{ callout() }}",
            "{{ callout(text=1) }}",
            "{{ callout(text=\"a\", text=\"b\") }}",
            "{{ calout(text=\"a\") }}",
            "{{ nope() }}",
            "{{ claim(",
            "{{ claim(case=\"acme\" }}",
            "{{ }}",
            "{{",
            "}}",
            "{{{{ x }}}}",
            "{{ claim(case=\"acme\", metric=\"downtime\") }} {{ claim(case=\"acme\", metric=\"downtime\") }}",
            "{{ callout(text=\"{{ nested }}\") }}",
            "{{ callout(text=\"a }} b\") }}",
            "{{ callout(text='it\\'s') }}",
            "{{ callout(text=\"\\\"\") }}",
            "`{{ claim() }}`",
            "``{{ `claim` }}``",
            "{% raw %}{{ x }}{% endraw %}",
            "{{ claim(case=\"acme\", metric=\"downtime\", form=\"sentence\")}}",
            "{{claim(case=\"acme\",metric=\"oee\")}}",
            "{{ 季度() }}",
            "{{ callout(text=\"\u{0}\") }}",
            "{{ callout(text=\"line\nbreak\") }}",
            "\\{{ claim() }}",
        ]),
    ]
    .boxed()
}

fn inline(hostile: bool) -> BoxedStrategy<String> {
    let targets = if hostile {
        LINK_TARGETS
    } else {
        GOOD_LINK_TARGETS
    };
    let common = prop_oneof![
        4 => text_of(hostile),
        2 => (text_of(hostile), pick(targets)).prop_map(|(t, u)| format!("[{t}]({u})")),
        3 => shortcode(hostile),
        1 => pick(&[
            "`code`", "`{{ claim() }}`", "*em*", "**strong**", "<span>x</span>", "<https://x.test>",
            "cut costs by 30% <!-- cairn:allow-unsourced -->", "100 %s", "[link]",
            "[{{ claim(case=\"acme\", metric=\"downtime\") }}](b.md)",
            "*{{ callout(text=\"x\") }}*",
        ]),
    ];
    if !hostile {
        return common.boxed();
    }
    prop_oneof![
        6 => common,
        1 => pick(LINK_TARGETS).prop_map(|u| format!("![img]({u})")),
        1 => pick(LINK_TARGETS).prop_map(|u| format!("<{u}>")),
        2 => pick(&[
            "cut costs by 30%",
            "reduced downtime by 42 %",
            "降低了30%",
            "vähensi 30 %",
            "100%",
            "-5%",
            "1e9%",
            "up 0.5 percent",
            "grew by 250 per cent",
            "%%",
            "by 99999999999999999999%",
        ]),
        1 => pick(&[
            "``", "`{{`", "**", "[^1]", "<span>", "</div>", "<!--", "-->", "\\", "&#0;",
            "&#x110000;", "[ref][r]",
        ]),
    ]
    .boxed()
}

fn paragraph(hostile: bool) -> BoxedStrategy<String> {
    proptest::collection::vec(inline(hostile), 1..6)
        .prop_map(|v| v.join(" "))
        .boxed()
}

fn block(hostile: bool) -> BoxedStrategy<String> {
    let ids: &'static [&'static str] = if hostile {
        &["intro", "intro", "a b", "", "季度", "x}", "-"]
    } else {
        &["intro", "intro", "other", "季度"]
    };
    let common = prop_oneof![
        5 => paragraph(hostile),
        // Headings hold text, links and shortcodes too.
        2 => (1usize..7, inline(hostile), proptest::option::of(pick(ids)))
            .prop_map(|(level, t, id)| {
                let id = id.map(|id| format!(" {{#{id}}}")).unwrap_or_default();
                format!("{} {t}{id}", "#".repeat(level))
            }),
        1 => pick(&["## Intro", "# Intro", "## Intro {#intro}", "Intro\n=====", "#NoSpace"]),
        1 => (pick(&["", "rust", "{{", "季"]), paragraph(hostile)).prop_map(|(l, p)| format!("```{l}\n{p}\n```")),
        1 => paragraph(hostile).prop_map(|p| format!("> {p}")),
        1 => proptest::collection::vec(paragraph(hostile), 1..4)
            .prop_map(|v| v.iter().map(|p| format!("- {p}\n")).collect()),
        1 => (paragraph(hostile), paragraph(hostile)).prop_map(|(a, b)| format!("| {a} | b |\n|---|---|\n| {b} | c |")),
        1 => pick(&["<!-- cairn:allow-unsourced -->\nsaved 30%", "[^1]: a footnote", "[r]: b.md", "***", ""]),
    ];
    if !hostile {
        return common.boxed();
    }
    prop_oneof![
        8 => common,
        1 => paragraph(true).prop_map(|p| format!("```\n{p}")),
        1 => paragraph(true).prop_map(|p| format!("    {p}")),
        1 => pick(&["<div>\n{{ claim() }}\n</div>", "---", "+++", "\u{0}", "####### seven"]),
    ]
    .boxed()
}

fn body_of(hostile: bool) -> BoxedStrategy<String> {
    proptest::collection::vec(block(hostile), 0..8)
        .prop_map(|v| v.join("\n\n"))
        .boxed()
}

fn body() -> BoxedStrategy<String> {
    body_of(true)
}

// ---------------------------------------------------------------------------
// Files and sites.

/// Front matter that is valid for an article, so bodies get past it.
fn valid_article_front() -> Vec<(String, Value)> {
    vec![
        ("title".into(), Value::Str("A".into())),
        ("date".into(), Value::Lit("2026-01-01".into())),
        ("stage".into(), Value::Str("awareness".into())),
        ("roles".into(), Value::List(vec!["user".into()])),
    ]
}

fn acme() -> (String, String) {
    let text = "+++\ntitle = \"Acme\"\ndate = 2026-01-01\nstage = \"decision\"\ncustomer = \"Acme\"\n\n\
        [[metrics]]\nid = \"downtime\"\nlabel = \"downtime\"\nunit = \"hours\"\nbefore = 120\nafter = 70\n\
        better = \"lower\"\nsource = \"logs\"\n+++\nBody.\n";
    ("content/case-studies/acme.md".into(), text.into())
}

const NAMES: &[&str] = &[
    "a",
    "b",
    "acme",
    "other",
    "index",
    "Hello World",
    "季度",
    "x.y",
    "-",
    "_draft",
];

/// An article, case study or page with generated front matter and body.
fn any_file() -> BoxedStrategy<(String, String)> {
    (
        pick(&[
            "content/articles/",
            "content/case-studies/",
            "content/",
            "content/articles/sub/",
        ]),
        pick(NAMES),
        fence(),
        entries(),
        proptest::collection::vec(metric(), 0..3),
        body(),
        proptest::bool::weighted(0.1),
    )
        .prop_map(|(dir, name, fence, entries, metrics, body, crlf)| {
            let metrics = if dir.contains("case-studies") {
                metrics
            } else {
                Vec::new()
            };
            (
                format!("{dir}{name}.md"),
                page_text(fence, &entries, &metrics, &body, crlf),
            )
        })
        .boxed()
}

/// An article with valid front matter and a generated body.
fn body_file(hostile: bool) -> BoxedStrategy<(String, String)> {
    let names = if hostile {
        NAMES
    } else {
        &["a", "c", "d", "季度", "Hello World"]
    };
    (
        pick(names),
        body_of(hostile),
        proptest::bool::weighted(0.2),
        proptest::option::weighted(0.2, value_for("slug")),
    )
        .prop_map(|(name, body, crlf, slug)| {
            let mut front = valid_article_front();
            front.extend(slug.map(|s| ("slug".to_string(), s)));
            (
                format!("content/articles/{name}.md"),
                page_text(Fence::Toml, &front, &[], &body, crlf),
            )
        })
        .boxed()
}

/// A case study with valid keys and generated metrics.
fn case_study_file() -> BoxedStrategy<(String, String)> {
    (
        pick(&["acme", "b", "other"]),
        prop_oneof![Just(Fence::Toml), Just(Fence::Yaml)],
        proptest::collection::vec(metric(), 0..4),
        body_of(false),
    )
        .prop_map(|(name, fence, metrics, body)| {
            let entries = vec![
                ("title".into(), Value::Str(format!("Case {name}"))),
                ("date".into(), Value::Lit("2026-01-01".into())),
                ("stage".into(), Value::Str("decision".into())),
                ("customer".into(), Value::Str("Acme".into())),
            ];
            (
                format!("content/case-studies/{name}.md"),
                page_text(fence, &entries, &metrics, &body, false),
            )
        })
        .boxed()
}

const BASE_SITE_TOML: &str = "title = \"T\"\nbase_url = \"https://example.test\"\n";

fn vocabulary(table: &'static str, ids: &'static [&'static str]) -> BoxedStrategy<String> {
    proptest::collection::vec(
        (
            pick(ids),
            text(),
            proptest::option::of(proptest::collection::vec(pick(ids), 0..3)),
        ),
        0..4,
    )
    .prop_map(move |entries| {
        entries
            .iter()
            .map(|(id, name, aliases)| {
                let mut t = format!(
                    "\n[[{table}]]\nid = {}\nname = {}\n",
                    toml_str(id),
                    toml_str(name)
                );
                // Only roles have aliases.
                if let (Some(aliases), "roles") = (aliases, table) {
                    let list: Vec<String> = aliases.iter().map(|a| toml_str(a)).collect();
                    t.push_str(&format!("aliases = [{}]\n", list.join(", ")));
                }
                t
            })
            .collect()
    })
    .boxed()
}

fn site_toml() -> BoxedStrategy<String> {
    let base_url = pick(&[
        "https://example.test",
        "https://example.test/",
        "https://example.test/blog",
        "https://example.test/blog/",
        "http://localhost:1111",
        "example.test",
        "",
        "ftp://example.test",
        "https://",
        "https://exa mple.test",
        "https://例子.测试/路径",
        "https://example.test/?q=1#x",
        "https://example.test//",
        "HTTPS://EXAMPLE.TEST",
        "javascript:alert(1)",
    ]);
    let top = proptest::collection::vec(
        prop_oneof![
            text().prop_map(|t| format!("description = {}", toml_str(&t))),
            pick(&["en", "", "zh-CN", "fi", "x\\u0000"])
                .prop_map(|l| format!("language = \"{l}\"")),
            pick(&["default", "nope", "../etc", ""]).prop_map(|t| format!("theme = \"{t}\"")),
            pick(&["true", "false", "1"]).prop_map(|b| format!("safe_html = {b}")),
            pick(&["0", "1", "20", "-1", "99999999999", "\"5\""])
                .prop_map(|n| format!("feed_limit = {n}")),
            text().prop_map(|t| format!("author = {}", toml_str(&t))),
            pick(&[
                "titel = \"x\"",
                "baseurl = \"https://x.test\"",
                "base-url = 1",
                "Title = \"x\"",
                "stages = []",
                "roles = []",
                "industries = []",
                "stages = \"awareness\"",
                "title = 1",
                "title = \"\"",
                "descripton = \"d\"",
            ]),
        ],
        0..4,
    );
    let tables = proptest::collection::vec(
        pick(&[
            "\n[extra]\nfoo = 1\n",
            "\n[audit]\nmin_per_cell = 1\n",
            "\n[audit]\nrequire = [\"*:decision\", \"user:awareness\", \"x:y\", \"bad\"]\n",
            "\n[audit]\ncase_study_per_industry = true\n",
            "\n[audit]\nmin_per_cel = 1\n",
            "\n[[stages]]\nid = \"awareness\"\nname = \"A\"\ncta = { text = \"t\", url = \"/x/\" }\n",
            "\n[[stages]]\nid = \"awareness\"\n",
            "\n[[roles]]\nid = \"user\"\nname = \"U\"\nbogus = 1\n",
        ]),
        0..2,
    );
    (
        text(),
        base_url,
        top,
        tables,
        proptest::option::of(vocabulary("stages", STAGE_IDS)),
        proptest::option::of(vocabulary("roles", ROLE_IDS)),
        proptest::option::of(vocabulary("industries", INDUSTRY_IDS)),
        proptest::option::weighted(
            0.2,
            pick(&["[", "= 1", "title = \"dup\"", "\"unterminated", "\u{0}"]),
        ),
    )
        .prop_map(
            |(title, base_url, top, tables, stages, roles, industries, broken)| {
                let mut s = format!("title = {}\nbase_url = \"{base_url}\"\n", toml_str(&title));
                // One line per key: a repeated key is a plain TOML error.
                let mut keys = std::collections::HashSet::new();
                for line in top {
                    if keys.insert(line.split('=').next().unwrap_or("").trim().to_string()) {
                        s.push_str(&line);
                        s.push('\n');
                    }
                }
                if let Some(b) = broken {
                    s.push_str(&b);
                    s.push('\n');
                }
                for t in tables {
                    s.push_str(&t);
                }
                for v in [stages, roles, industries].into_iter().flatten() {
                    s.push_str(&v);
                }
                s
            },
        )
        .boxed()
}

/// Files in `content/` that are not Markdown: copied as they are, some where
/// a page is written.
fn assets() -> BoxedStrategy<Vec<(String, String)>> {
    proptest::collection::vec(
        pick(&[
            "content/articles/img.png",
            "content/img.png",
            "content/articles/b/index.html",
            "content/index.html",
            "content/robots.txt",
            "content/style.css",
            "content/articles/sub/c.txt",
            "content/a.md.bak",
            "content/.hidden",
            "content/季度.png",
            // Named like the folder of a page or of a generated page: an output collision.
            "content/articles/a",
            "content/articles/b",
            "content/roles",
            "content/proof",
            "content/a",
        ])
        .prop_map(|p| (p, "asset".to_string())),
        0..3,
    )
    .boxed()
}

/// A small valid site around generated `files`.
fn site_with(files: impl Strategy<Value = Vec<(String, String)>>) -> impl Strategy<Value = Site> {
    let base_url = proptest::option::weighted(
        0.2,
        pick(&[
            "http://127.0.0.1:1111",
            "https://preview.test/pr-7/",
            "",
            "/",
            "not a url",
            "https://例子.测试",
        ]),
    );
    (files, assets(), any::<bool>(), base_url).prop_map(|(files, assets, drafts, base_url)| {
        let mut all = vec![acme()];
        all.push((
            "content/articles/b.md".into(),
            page_text(
                Fence::Toml,
                &valid_article_front(),
                &[],
                "## Intro\n\nText.\n",
                false,
            ),
        ));
        all.extend(files);
        all.extend(assets);
        Site {
            site_toml: BASE_SITE_TOML.into(),
            files: all,
            drafts,
            base_url,
        }
    })
}

// ---------------------------------------------------------------------------
// The tests.

proptest! {
    #![proptest_config(config())]

    #[test]
    fn front_matter(site in site_with(proptest::collection::vec(any_file(), 1..4))) {
        run(&site)?;
    }

    #[test]
    fn markdown_bodies(site in site_with(proptest::collection::vec(body_file(true), 1..4))) {
        run(&site)?;
    }

    #[test]
    fn case_study_metrics(
        site in site_with((proptest::collection::vec(case_study_file(), 1..3), proptest::collection::vec(body_file(false), 0..3))
            .prop_map(|(mut a, b)| { a.extend(b); a }))
    ) {
        run(&site)?;
    }

    /// Mostly valid sites, so that property 3 (check passes ⇒ build
    /// succeeds) is exercised often.
    #[test]
    fn sane_sites(
        site in site_with(proptest::collection::vec(body_file(false), 1..4)),
        base_url in pick(&["https://example.test", "https://example.test/blog/", "http://localhost:1111"]),
    ) {
        let site = Site { site_toml: format!("title = \"T\"\nbase_url = \"{base_url}\"\n"), ..site };
        run(&site)?;
    }

    #[test]
    fn site_toml_and_vocabularies(
        toml in site_toml(),
        files in proptest::collection::vec(any_file(), 0..3),
    ) {
        let mut site = Site { site_toml: toml, files: vec![acme()], drafts: false, base_url: None };
        site.files.extend(files);
        run(&site)?;
    }
}
