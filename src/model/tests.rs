//! Unit tests of the model's phases, on small sites built in memory. Each test is a
//! table: rows of (input, expected), each checked with a message naming its row.

use std::path::PathBuf;
use std::sync::Arc;

use super::*;
use crate::diagnostics::Code;
use crate::markdown::{LinkProblem, Links, ShortcodeCall, ShortcodeError};
use crate::source::SourceFile;

const SITE_TOML: &str = "title = \"T\"\nbase_url = \"https://x.test\"\n";

/// Renders a claim as the text the model computed for it; knows no other shortcode.
struct ClaimText;

impl Shortcodes for ClaimText {
    fn render(&self, call: &ShortcodeCall) -> Result<String, ShortcodeError> {
        match (call.name.as_str(), call.str_arg("text")) {
            ("claim", Some(text)) => Ok(text.to_string()),
            _ => Err(ShortcodeError {
                code: Code::ShortcodeUnknown,
                message: format!("unknown shortcode `{}`", call.name),
                hint: String::new(),
            }),
        }
    }
}

fn config() -> SiteConfig {
    SiteConfig::parse(SITE_TOML).expect("the test site.toml is valid")
}

fn options() -> Options {
    Options {
        drafts: false,
        now: "2026-06-01T00:00:00Z".parse().expect("a timestamp"),
        words: Arc::new(vec![crate::lang::Words::english()]),
    }
}

/// `(content path, text)` files and asset content paths, as `source::scan` gives them.
fn scan(files: &[(&str, String)], assets: &[&str]) -> Scan {
    Scan {
        pages: files
            .iter()
            .map(|(path, text)| {
                Arc::new(SourceFile {
                    path: PathBuf::from(format!("content/{path}")),
                    content_path: path.to_string(),
                    text: Arc::from(text.as_str()),
                })
            })
            .collect(),
        assets: assets
            .iter()
            .map(|a| Asset {
                source: PathBuf::from(format!("content/{a}")),
                content_path: a.to_string(),
            })
            .collect(),
        statics: Vec::new(),
        diagnostics: Vec::new(),
    }
}

fn build_site(files: &[(&str, String)]) -> Outcome {
    build(
        config(),
        scan(files, &[]),
        Default::default(),
        &options(),
        &ClaimText,
        &mut Cache::new(false),
    )
}

/// A site that must build; panics naming `row` with the diagnostics otherwise.
fn built(row: &str, files: &[(&str, String)]) -> Site {
    let outcome = build_site(files);
    match outcome.site {
        Some(site) => site,
        None => panic!(
            "{row}: the site has errors: {:?}",
            messages(&outcome.diagnostics)
        ),
    }
}

/// Each diagnostic as `path:line: message / hint`.
fn messages(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}: {} / {}",
                d.path.display(),
                d.line,
                d.message,
                d.hint
            )
        })
        .collect()
}

/// An article's text.
fn article(stage: &str, roles: &[&str], weight: Option<i64>, date: &str, title: &str) -> String {
    let roles: Vec<String> = roles.iter().map(|r| format!("\"{r}\"")).collect();
    let weight = weight.map_or(String::new(), |w| format!("weight = {w}\n"));
    format!(
        "+++\ntitle = \"{title}\"\ndate = {date}\nstage = \"{stage}\"\nroles = [{}]\n{weight}+++\nText.\n",
        roles.join(", ")
    )
}

/// A case study with metrics `downtime` (120 → 70, lower is better) and `oee` (60 → 72).
fn case_study(date: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"Acme\"\ndate = {date}\ncustomer = \"Acme\"\n\n\
         [[metrics]]\nid = \"downtime\"\nlabel = \"downtime\"\nunit = \"h\"\nbefore = 120\nafter = 70\nbetter = \"lower\"\nsource = \"logs\"\n\n\
         [[metrics]]\nid = \"oee\"\nlabel = \"OEE\"\nunit = \"%\"\nbefore = 60\nafter = 72\nbetter = \"higher\"\nsource = \"MES\"\n+++\n{body}"
    )
}

/// An article whose body is `body`.
fn article_with(date: &str, body: &str) -> String {
    format!("+++\ntitle = \"T\"\ndate = {date}\nstage = \"awareness\"\n+++\n{body}")
}

fn content_path(site: &Site, page: usize) -> &str {
    &site.pages[page].meta.content_path
}

#[test]
fn role_paths_order_by_weight_then_newest_then_title_and_next_crosses_stages() {
    type Row<'a> = (
        &'a str,
        // (content path, stage, roles, weight, date, title)
        Vec<(
            &'a str,
            &'a str,
            &'a [&'a str],
            Option<i64>,
            &'a str,
            &'a str,
        )>,
        // the decider's path: (stage, content paths)
        &'a [(&'a str, &'a [&'a str])],
        // (page, the next page on the decider's path)
        &'a [(&'a str, Option<&'a str>)],
    );
    let d: &[&str] = &["decider"];
    let rows: Vec<Row> = vec![
        (
            "lower weight first, whatever the date",
            vec![
                (
                    "articles/heavy.md",
                    "awareness",
                    d,
                    Some(2),
                    "2026-03-01",
                    "Heavy",
                ),
                (
                    "articles/light.md",
                    "awareness",
                    d,
                    Some(1),
                    "2026-01-01",
                    "Light",
                ),
            ],
            &[("awareness", &["articles/light.md", "articles/heavy.md"])],
            &[
                ("articles/light.md", Some("articles/heavy.md")),
                ("articles/heavy.md", None),
            ],
        ),
        (
            "weighted pages before pages without a weight",
            vec![
                (
                    "articles/free.md",
                    "awareness",
                    d,
                    None,
                    "2026-03-01",
                    "Free",
                ),
                (
                    "articles/pinned.md",
                    "awareness",
                    d,
                    Some(9),
                    "2026-01-01",
                    "Pinned",
                ),
            ],
            &[("awareness", &["articles/pinned.md", "articles/free.md"])],
            &[("articles/pinned.md", Some("articles/free.md"))],
        ),
        (
            "same weight: newest first",
            vec![
                (
                    "articles/old.md",
                    "decision",
                    d,
                    Some(1),
                    "2026-01-01",
                    "Old",
                ),
                (
                    "articles/new.md",
                    "decision",
                    d,
                    Some(1),
                    "2026-02-01",
                    "New",
                ),
            ],
            &[("decision", &["articles/new.md", "articles/old.md"])],
            &[("articles/new.md", Some("articles/old.md"))],
        ),
        (
            "same weight and date: by title",
            vec![
                ("articles/b.md", "awareness", d, None, "2026-01-01", "Beta"),
                ("articles/a.md", "awareness", d, None, "2026-01-01", "Alpha"),
            ],
            &[("awareness", &["articles/a.md", "articles/b.md"])],
            &[("articles/a.md", Some("articles/b.md"))],
        ),
        (
            "next crosses empty stages in journey order, not by date",
            vec![
                (
                    "articles/late.md",
                    "retention",
                    d,
                    None,
                    "2026-01-01",
                    "Late",
                ),
                (
                    "articles/first.md",
                    "awareness",
                    d,
                    None,
                    "2026-02-01",
                    "First",
                ),
                ("articles/mid.md", "decision", d, None, "2026-03-01", "Mid"),
            ],
            &[
                ("awareness", &["articles/first.md"]),
                ("consideration", &[]),
                ("decision", &["articles/mid.md"]),
                ("retention", &["articles/late.md"]),
            ],
            &[
                ("articles/first.md", Some("articles/mid.md")),
                ("articles/mid.md", Some("articles/late.md")),
                ("articles/late.md", None),
            ],
        ),
        (
            "a page on several paths: next on the decider's, not on the buyer's",
            vec![
                (
                    "articles/both.md",
                    "awareness",
                    &["buyer", "decider"],
                    None,
                    "2026-01-01",
                    "Both",
                ),
                (
                    "articles/buyer.md",
                    "awareness",
                    &["buyer"],
                    None,
                    "2025-01-01",
                    "Buyer",
                ),
                (
                    "articles/decider.md",
                    "consideration",
                    d,
                    None,
                    "2026-01-01",
                    "Decider",
                ),
            ],
            &[
                ("awareness", &["articles/both.md"]),
                ("consideration", &["articles/decider.md"]),
            ],
            &[("articles/both.md", Some("articles/decider.md"))],
        ),
        (
            "pages without the role are not on its path",
            vec![
                (
                    "articles/mine.md",
                    "awareness",
                    d,
                    None,
                    "2026-01-01",
                    "Mine",
                ),
                (
                    "articles/other.md",
                    "awareness",
                    &["buyer"],
                    None,
                    "2026-02-01",
                    "Other",
                ),
            ],
            &[("awareness", &["articles/mine.md"])],
            &[("articles/mine.md", None), ("articles/other.md", None)],
        ),
    ];
    for (row, articles, want_path, want_next) in rows {
        let files: Vec<(&str, String)> = articles
            .iter()
            .map(|&(path, stage, roles, weight, date, title)| {
                (path, article(stage, roles, weight, date, title))
            })
            .collect();
        let site = built(row, &files);
        let decider = site.config.role_index("decider").expect("a default role");
        for (stage, want) in want_path {
            let s = site.config.stage_index(stage).expect("a default stage");
            let got: Vec<&str> = site.role_paths[decider][s]
                .iter()
                .map(|&i| content_path(&site, i))
                .collect();
            assert_eq!(&got, want, "{row}: the decider's path at {stage}");
        }
        for (page, want) in want_next {
            let i = (0..site.pages.len())
                .find(|&i| content_path(&site, i) == *page)
                .unwrap_or_else(|| panic!("{row}: no page {page}"));
            let got = site.next_for(i, decider).map(|n| content_path(&site, n));
            assert_eq!(got, *want, "{row}: the page after {page}");
        }
    }
}

#[test]
fn citations_list_each_citing_page_once_in_page_order() {
    type Row<'a> = (
        &'a str,
        Vec<(&'a str, String)>,
        // (metric id, pages citing it)
        &'a [(&'a str, &'a [&'a str])],
    );
    let claim = |metric: &str| format!("{{{{ claim(case=\"acme\", metric=\"{metric}\") }}}}\n\n");
    let rows: Vec<Row> = vec![
        (
            "no claims, no citations",
            vec![
                ("case-studies/acme.md", case_study("2026-01-01", "Text.")),
                ("articles/a.md", article_with("2026-02-01", "Text.")),
            ],
            &[],
        ),
        (
            "a page citing a metric twice is listed once",
            vec![
                ("case-studies/acme.md", case_study("2026-01-01", "Text.")),
                (
                    "articles/a.md",
                    article_with("2026-02-01", &(claim("downtime") + &claim("downtime"))),
                ),
            ],
            &[("downtime", &["articles/a.md"])],
        ),
        (
            "citing pages in page order: newest first, other pages last",
            vec![
                (
                    "about.md",
                    format!("+++\ntitle = \"About\"\n+++\n{}", claim("oee")),
                ),
                ("articles/old.md", article_with("2026-01-05", &claim("oee"))),
                ("case-studies/acme.md", case_study("2026-01-01", "Text.")),
                (
                    "articles/new.md",
                    article_with("2026-03-01", &(claim("oee") + &claim("downtime"))),
                ),
            ],
            &[
                ("downtime", &["articles/new.md"]),
                ("oee", &["articles/new.md", "articles/old.md", "about.md"]),
            ],
        ),
        (
            "a case study citing its own metric",
            vec![(
                "case-studies/acme.md",
                case_study("2026-01-01", &claim("oee")),
            )],
            &[("oee", &["case-studies/acme.md"])],
        ),
    ];
    for (row, files, want) in rows {
        let site = built(row, &files);
        let got: Vec<(String, Vec<&str>)> = site
            .citations
            .iter()
            .map(|(&(case, metric), pages)| {
                let case_data = site.pages[case].meta.case.as_ref().expect("a case study");
                (
                    case_data.metrics[metric].id.clone(),
                    pages.iter().map(|&p| content_path(&site, p)).collect(),
                )
            })
            .collect();
        let want: Vec<(String, Vec<&str>)> = want
            .iter()
            .map(|(metric, pages)| (metric.to_string(), pages.to_vec()))
            .collect();
        assert_eq!(got, want, "{row}");
    }
}

/// The link index of a site, made by running the phases before the bodies.
fn link_index(files: &[(&str, String)], assets: &[&str]) -> LinkIndex {
    let config = config();
    let urls = vec![Urls::new(&config)];
    let scan = scan(files, assets);
    let (mut cache, mut diagnostics) = (Cache::new(false), Vec::new());
    let translations = Default::default();
    let parsed = parse::front_matter(scan.pages, &translations, &mut cache, &mut diagnostics);
    let (industries, metas) = meta::page_metas(
        &config,
        &urls,
        &Default::default(),
        parsed.files,
        &options(),
        &mut cache,
        &mut diagnostics,
    );
    let generated = links::url_index(&config, &urls, &industries, &metas, &mut diagnostics);
    assert_eq!(messages(&diagnostics), Vec::<String>::new());
    let (metas, _) = bodies::set_texts_apart(metas);
    LinkIndex::new(
        &urls[0],
        &metas,
        &scan.assets,
        (&generated, &HashSet::new()),
    )
}

#[test]
fn link_index_resolves_pages_assets_and_urls() {
    let files = vec![
        ("articles/a.md", article_with("2026-01-01", "Text.")),
        (
            "articles/draft.md",
            "+++\ntitle = \"D\"\ndate = 2026-01-01\nstage = \"awareness\"\ndraft = true\n+++\n"
                .to_string(),
        ),
        ("articles/later.md", article_with("2027-01-01", "Text.")),
        ("about.md", "+++\ntitle = \"About\"\n+++\n".to_string()),
        ("team/index.md", "+++\ntitle = \"Team\"\n+++\n".to_string()),
        ("case-studies/acme.md", case_study("2026-01-01", "Text.")),
    ];
    let index = link_index(&files, &["img/chart.png"]);
    let pages: &[(&str, Result<&str, LinkProblem>)] = &[
        ("articles/a.md", Ok("/articles/a/")),
        ("articles/draft.md", Err(LinkProblem::Draft)),
        ("articles/later.md", Err(LinkProblem::Draft)),
        ("articles/missing.md", Err(LinkProblem::Missing)),
        ("about.md", Ok("/about/")),
        ("team/index.md", Ok("/team/")),
        ("case-studies/acme.md", Ok("/case-studies/acme/")),
        ("img/chart.png", Err(LinkProblem::Missing)),
    ];
    for (path, want) in pages {
        assert_eq!(index.page_url(path), *want, "page_url({path})");
    }
    let assets: &[(&str, bool)] = &[
        ("img/chart.png", true),
        ("img/other.png", false),
        ("articles/a.md", false),
    ];
    for (path, want) in assets {
        assert_eq!(index.asset_exists(path), *want, "asset_exists({path})");
    }
    let urls: &[(&str, bool)] = &[
        ("/articles/a/", true),
        ("/articles/draft/", false),
        ("/roles/decider/", true),
        ("/stages/awareness/", true),
        ("/proof/", true),
        ("/team/", true),
        ("/nowhere/", false),
    ];
    for (url, want) in urls {
        assert_eq!(index.url_exists(url), *want, "url_exists({url})");
    }
    assert_eq!(
        index.page_paths(),
        [
            "about.md",
            "articles/a.md",
            "articles/draft.md",
            "articles/later.md",
            "case-studies/acme.md",
            "team/index.md"
        ],
        "page_paths"
    );
    assert_eq!(index.base_path(), "", "base_path");
}

#[test]
fn anchors_are_headings_or_metrics_of_the_target() {
    let case_body = "## Results\n\nText.\n";
    let rows: &[(&str, &str, &[&str])] = &[
        (
            "a heading of the case study",
            "../case-studies/acme.md#results",
            &[],
        ),
        (
            "a metric anchor",
            "../case-studies/acme.md#metric-downtime",
            &[],
        ),
        (
            "the other metric anchor",
            "../case-studies/acme.md#metric-oee",
            &[],
        ),
        (
            "a metric the case study does not have",
            "../case-studies/acme.md#metric-uptime",
            &[
                "content/articles/a.md:6: link to `#metric-uptime`: no such heading in content/case-studies/acme.md / did you mean `#metric-downtime`?",
            ],
        ),
        (
            "no such heading: the known anchors are listed",
            "../case-studies/acme.md#zzz",
            &[
                "content/articles/a.md:6: link to `#zzz`: no such heading in content/case-studies/acme.md / headings of content/case-studies/acme.md: #results, #metric-downtime, #metric-oee",
            ],
        ),
        (
            "a page without headings",
            "b.md#intro",
            &[
                "content/articles/a.md:6: link to `#intro`: no such heading in content/articles/b.md / content/articles/b.md has no headings to link to",
            ],
        ),
        (
            "the same missing anchor twice: two errors",
            "b.md#intro) and [again](b.md#intro",
            &[
                "content/articles/a.md:6: link to `#intro`: no such heading in content/articles/b.md / content/articles/b.md has no headings to link to",
                "content/articles/a.md:6: link to `#intro`: no such heading in content/articles/b.md / content/articles/b.md has no headings to link to",
            ],
        ),
    ];
    for (row, target, want) in rows {
        let files = vec![
            ("case-studies/acme.md", case_study("2026-01-01", case_body)),
            (
                "articles/a.md",
                article_with("2026-02-01", &format!("See [it]({target}).\n")),
            ),
            (
                "articles/b.md",
                article_with("2026-02-01", "No headings.\n"),
            ),
        ];
        let outcome = build_site(&files);
        assert_eq!(messages(&outcome.diagnostics), *want, "{row}");
        assert_eq!(
            outcome.site.is_some(),
            want.is_empty(),
            "{row}: a site only without errors"
        );
    }
}

#[test]
fn url_index_rejects_duplicate_and_generated_urls() {
    let page = |title: &str| format!("+++\ntitle = \"{title}\"\n+++\n");
    let with_slug = |slug: &str, draft: bool| {
        format!(
            "+++\ntitle = \"S\"\ndate = 2026-01-01\nstage = \"awareness\"\nslug = \"{slug}\"\ndraft = {draft}\n+++\n"
        )
    };
    type Row<'a> = (&'a str, Vec<(&'a str, String)>, &'a [&'a str]);
    let rows: Vec<Row> = vec![
        (
            "distinct URLs",
            vec![("articles/a.md", with_slug("a", false)), ("articles/b.md", with_slug("b", false))],
            &[],
        ),
        (
            "a slug taking another article's URL",
            vec![("articles/a.md", with_slug("a", false)), ("articles/b.md", with_slug("a", false))],
            &["content/articles/b.md:1: content/articles/a.md and content/articles/b.md both produce /articles/a/ / give one of them another file name or `slug`"],
        ),
        (
            "a draft does not take a URL",
            vec![("articles/a.md", with_slug("a", false)), ("articles/b.md", with_slug("a", true))],
            &[],
        ),
        (
            "a page and an index page on one URL",
            vec![("team.md", page("Team")), ("team/index.md", page("Team too"))],
            &["content/team/index.md:1: content/team.md and content/team/index.md both produce /team/ / give one of them another file name or `slug`"],
        ),
        (
            "a page on a listing cairn generates",
            vec![("roles.md", page("Roles"))],
            &["content/roles.md:1: URL /roles/ is generated by cairn / rename the file or set another `slug`"],
        ),
        (
            "a page on a role's page",
            vec![("roles/decider.md", page("Deciders"))],
            &["content/roles/decider.md:1: URL /roles/decider/ is generated by cairn / rename the file or set another `slug`"],
        ),
        (
            "a page on an industry's page (industries found in content)",
            vec![
                ("articles/a.md", "+++\ntitle = \"A\"\ndate = 2026-01-01\nstage = \"awareness\"\nindustries = [\"energy\"]\n+++\n".to_string()),
                ("industries/energy.md", page("Energy")),
            ],
            &["content/industries/energy.md:1: URL /industries/energy/ is generated by cairn / rename the file or set another `slug`"],
        ),
    ];
    for (row, files, want) in rows {
        let outcome = build_site(&files);
        assert_eq!(messages(&outcome.diagnostics), *want, "{row}");
        let codes: Vec<Code> = outcome.diagnostics.iter().map(|d| d.code).collect();
        assert!(
            codes
                .iter()
                .all(|c| matches!(c, Code::UrlDuplicate | Code::UrlTaken)),
            "{row}: codes {codes:?}"
        );
    }
}

/// An article with industries, dated `2026-01-<day>`.
fn article_in(stage: &str, role: &str, industries: &[&str], day: u32, extra: &str) -> String {
    let industries: Vec<String> = industries.iter().map(|i| format!("\"{i}\"")).collect();
    format!(
        "+++\ntitle = \"T{day}\"\ndate = 2026-01-{day:02}\nstage = \"{stage}\"\nroles = [\"{role}\"]\nindustries = [{}]\n{extra}+++\nText.\n",
        industries.join(", ")
    )
}

#[test]
fn read_next_prefers_the_next_stage_and_shared_industry_and_skips_what_next_for_shows() {
    let files = vec![
        (
            "articles/a1.md",
            article_in("awareness", "decider", &["energy"], 2, ""),
        ),
        (
            "articles/a2.md",
            article_in("awareness", "decider", &["energy"], 1, ""),
        ),
        (
            "articles/c1.md",
            article_in("consideration", "decider", &["energy"], 5, ""),
        ),
        (
            "articles/c2.md",
            article_in("consideration", "decider", &["logistics"], 4, ""),
        ),
        (
            "articles/c3.md",
            article_in("consideration", "user", &["energy"], 6, ""),
        ),
        (
            "articles/d1.md",
            article_in("decision", "decider", &[], 7, ""),
        ),
        (
            "articles/draft.md",
            article_in("consideration", "decider", &["energy"], 8, "draft = true\n"),
        ),
        ("about.md", "+++\ntitle = \"About\"\n+++\nUs.\n".to_string()),
    ];
    let site = built("read next", &files);
    let by_path = |path: &str| {
        (0..site.pages.len())
            .find(|&i| content_path(&site, i) == path)
            .unwrap_or_else(|| panic!("{path} is published"))
    };
    let described = |path: &str| -> Vec<String> {
        site.read_next[by_path(path)]
            .iter()
            .map(|r| {
                let role = r.role.map_or("-", |x| site.config.roles[x].id.as_str());
                let industry = r.industry.map_or("-", |x| site.industries[x].id.as_str());
                let why = serde_json::to_value(r.why).expect("a reason");
                let page = content_path(&site, r.page).trim_start_matches("articles/");
                format!("{page} {} {role} {industry}", why.as_str().unwrap_or(""))
            })
            .collect()
    };
    let rows: &[(&str, &[&str])] = &[
        // Next for the decider after a1 is a2 (same stage, older): not recommended again.
        (
            "articles/a1.md",
            &[
                "c1.md next-stage decider energy",
                "c2.md next-stage decider -",
                "d1.md later-stage decider -",
            ],
        ),
        // Next for the decider after a2 is c1: skipped; a1 shares stage and industry.
        (
            "articles/a2.md",
            &[
                "c2.md next-stage decider -",
                "a1.md same-stage decider energy",
                "d1.md later-stage decider -",
            ],
        ),
        // c3 is alone on the user's path: its industry's pages follow.
        (
            "articles/c3.md",
            &[
                "a1.md industry - energy",
                "a2.md industry - energy",
                "c1.md industry - energy",
            ],
        ),
        ("about.md", &[]),
    ];
    for (path, want) in rows {
        let got = described(path);
        let mut got_sorted = got.clone();
        let mut want_sorted: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        // Within a tier the order is the spread order; across tiers it is fixed.
        if path.ends_with("c3.md") {
            got_sorted.sort();
            want_sorted.sort();
        }
        assert_eq!(got_sorted, want_sorted, "{path}");
    }
    for (i, recs) in site.read_next.iter().enumerate() {
        assert!(
            recs.len() <= read_next::READ_NEXT,
            "{}",
            content_path(&site, i)
        );
        for r in recs {
            assert_ne!(r.page, i, "{} recommends itself", content_path(&site, i));
            assert!(
                !site.next[i].contains(&Some(r.page)),
                "{} repeats next-for",
                content_path(&site, i)
            );
            assert_ne!(site.pages[r.page].meta.kind, Kind::Page);
        }
    }
    // The same site builds the same recommendations.
    assert_eq!(built("again", &files).read_next, site.read_next);
}

/// An article of [`spread_site`]: stage, roles and industries by index, weight, day.
#[derive(Clone)]
struct Spread {
    stage: usize,
    roles: Vec<usize>,
    industries: Vec<usize>,
    weight: usize,
    day: usize,
}

impl Spread {
    fn text(&self) -> String {
        const STAGES: [&str; 4] = ["awareness", "consideration", "decision", "retention"];
        const ROLES: [&str; 3] = ["decider", "user", "buyer"];
        const INDUSTRIES: [&str; 3] = ["energy", "logistics", "retail"];
        let quoted = |names: &[&str], picked: &[usize]| -> String {
            let v: Vec<String> = picked
                .iter()
                .map(|&k| format!("\"{}\"", names[k]))
                .collect();
            v.join(", ")
        };
        let date = jiff::civil::date(2020, 1, 1) + jiff::Span::new().days(self.day as i64);
        format!(
            "+++\ntitle = \"T{}\"\ndate = {date}\nweight = {}\nstage = \"{}\"\nroles = [{}]\nindustries = [{}]\n+++\nText.\n",
            self.day,
            self.weight,
            STAGES[self.stage],
            quoted(&ROLES, &self.roles),
            quoted(&INDUSTRIES, &self.industries),
        )
    }
}

/// `n` articles spread over stages, roles and industries by a fixed rule, one a day,
/// so that each role's path at a stage and each industry is longer than a page's
/// window of read-next candidates.
fn spread_site(n: usize) -> Vec<Spread> {
    (0..n)
        .map(|k| Spread {
            stage: (k * 13) % 4,
            roles: (0..3)
                .filter(|r| (k * 7 + r * 3) % 5 < 2 || (k + r) % 3 == 0)
                .collect(),
            industries: (0..3).filter(|x| (k * 11 + x) % 4 == 0).collect(),
            weight: k % 9,
            day: k,
        })
        .collect()
}

#[test]
fn reshape_moves_a_page_between_lists_as_a_full_build_orders_them() {
    let articles = spread_site(700);
    let files = |articles: &[Spread]| -> Vec<(String, String)> {
        (articles.iter().enumerate())
            .map(|(k, a)| (format!("articles/a{k:04}.md"), a.text()))
            .collect()
    };
    let site_of = |row: &str, articles: &[Spread]| -> Site {
        let files = files(articles);
        let refs: Vec<(&str, String)> =
            files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
        built(row, &refs)
    };
    type Edit = fn(&mut Spread);
    let rows: &[(&str, usize, Edit)] = &[
        ("stage forward", 3, |a| a.stage = 1),
        ("stage back", 400, |a| a.stage = 2),
        ("roles changed", 17, |a| a.roles = vec![1]),
        ("roles removed", 250, |a| a.roles = vec![]),
        ("industries changed", 5, |a| a.industries = vec![2, 0]),
        ("industries removed", 333, |a| a.industries = vec![]),
        ("everything", 699, |a| {
            a.stage = 2;
            a.roles = vec![2, 0];
            a.industries = vec![1];
        }),
        ("the newest, every role", 0, |a| a.roles = vec![0, 1, 2]),
        ("a weight", 40, |a| a.weight = 0),
        ("older", 12, |a| a.day = 500),
        ("newer, and another stage", 300, |a| {
            a.day = 2;
            a.stage = 3;
        }),
        ("the newest of all", 650, |a| a.day = 900),
        ("the oldest of all", 699, |a| a.day = 0),
    ];
    let before = site_of("before", &articles);
    // How many other pages' links the edits changed: the windows were put to the test.
    let mut reached = 0;
    for &(row, k, edit) in rows {
        let mut edited = articles.clone();
        edit(&mut edited[k]);
        let after = site_of(row, &edited);
        let mut site = site_of("before", &articles);
        let path = format!("articles/a{k:04}.md");
        let find = |site: &Site| {
            (0..site.pages.len())
                .find(|&i| content_path(site, i) == path)
                .expect("the page")
        };
        let (i, to) = (find(&site), find(&after));
        assert_eq!(
            indices::new_place(&site.pages, i, &after.pages[to].meta),
            Some(to),
            "{row}: its place"
        );
        if to != i {
            move_in_order(&mut site, i, to);
        }
        let reshaped = reshape(&mut site, to, after.pages[to].clone());
        let paths = |s: &Site| -> Vec<String> {
            (0..s.pages.len())
                .map(|p| content_path(s, p).to_string())
                .collect()
        };
        assert_eq!(paths(&site), paths(&after), "{row}: the site's order");
        assert_eq!(site.articles, after.articles, "{row}: articles");
        assert_eq!(site.by_stage, after.by_stage, "{row}: by stage");
        assert_eq!(site.by_industry, after.by_industry, "{row}: by industry");
        assert_eq!(site.role_paths, after.role_paths, "{row}: role paths");
        assert_eq!(site.next, after.next, "{row}: next for");
        let differ: Vec<usize> = (0..site.pages.len())
            .filter(|&p| site.read_next[p] != after.read_next[p])
            .collect();
        assert!(
            differ.is_empty(),
            "{row}: read next differs for pages {differ:?}"
        );
        if to != i {
            // Numbered anew, the pages' links are compared above; undoing is not for moves.
            continue;
        }
        let changed: Vec<usize> = (0..site.pages.len())
            .filter(|&p| {
                p != i
                    && (before.read_next[p] != after.read_next[p]
                        || before.next[p] != after.next[p])
            })
            .collect();
        reached += changed.len();
        assert_eq!(reshaped.relinked, changed, "{row}: pages relinked");
        reshaped.undo(&mut site);
        assert_eq!(site.role_paths, before.role_paths, "{row}: undone");
        assert_eq!(site.next, before.next, "{row}: undone");
        assert_eq!(site.read_next, before.read_next, "{row}: undone");
    }
    assert!(
        reached > 20,
        "the edits changed the links of {reached} other pages"
    );
}
