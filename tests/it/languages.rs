//! Sites in several languages: translations beside their originals, URLs under
//! `/<code>/`, hreflang and the sitemap's alternates, translated vocabulary and
//! interface, claims in the reader's language, and the fallback of an empty stage.

use cairn::Session;

use crate::harness::*;
use crate::incremental::{assert_same, options};

const LANGUAGES: &str = r#"
[[industries]]
id = "energy"
name = "Energy"

[languages.zh]
title = "测试站点"

[languages.zh.stages.awareness]
name = "认知"

[languages.zh.roles.decider]
name = "决策者"

[languages.fi]

[languages.fi.stages.awareness]
name = "Tietoisuus"
"#;

const CASE: &str = "+++\ntitle = \"Case\"\ndate = 2026-01-04\nroles = [\"decider\"]\nindustries = [\"energy\"]\ncustomer = \"C Corp\"\n[[metrics]]\nid = \"m\"\nlabel = \"unplanned downtime\"\nunit = \"hours/month\"\nbefore = 120\nafter = 70\nbetter = \"lower\"\nperiod = \"6 months\"\nsource = \"ledger\"\n[[quotes]]\ntext = \"It works.\"\nname = \"Ann\"\ntitle = \"COO\"\napproved = 2026-01-01\n+++\nCase body.\n";

const CASE_ZH: &str = "+++\ntitle = \"案例\"\n[[metrics]]\nid = \"m\"\nlabel = \"非计划停机时间\"\nunit = \"小时/月\"\nperiod = \"6 个月\"\nsource = \"台账\"\n[[quotes]]\ntext = \"很好用。\"\n+++\n案例正文。\n";

/// An English site translated in part into Chinese and Finnish.
fn fixture() -> TestSite {
    TestSite::new()
        .file("site.toml", format!("{SITE_TOML}{LANGUAGES}"))
        .file("content/articles/a.md", article("Alpha", "awareness", &["decider"], "2026-01-01", "Alpha text, then [Beta](b.md).\n"))
        .file("content/articles/a.zh.md", "+++\ntitle = \"阿尔法\"\nslug = \"季度报告\"\n+++\n正文 {{ claim(case=\"c\", metric=\"m\") }}。另见[贝塔](b.md)和[案例](../case-studies/c.md)。\n")
        .file("content/articles/a.fi.md", "+++\ntitle = \"Alfa\"\n+++\nYritys {{ claim(case=\"c\", metric=\"m\", precision=1) }}. Katso [Beta](b.md).\n")
        .file("content/articles/b.md", article("Beta", "consideration", &["decider"], "2026-01-02", "Beta {{ claim(case=\"c\", metric=\"m\") }}.\n"))
        .file("content/case-studies/c.md", CASE)
        .file("content/case-studies/c.zh.md", CASE_ZH)
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nAbout us.\n")
        .file("content/about.fi.md", "+++\ntitle = \"Tietoa\"\nslug = \"tietoa\"\n+++\nMeistä.\n")
}

#[test]
fn each_language_has_its_pages_listings_and_feeds_under_its_folder() {
    let site = fixture();
    site.build().success();
    for path in [
        "articles/a/index.html",
        "zh/articles/ji-du-bao-gao/index.html",
        "fi/articles/a/index.html",
        "zh/case-studies/c/index.html",
        "fi/tietoa/index.html",
        "zh/index.html",
        "zh/articles/index.html",
        "zh/roles/decider/index.html",
        "zh/roles/decider/atom.xml",
        "zh/stages/awareness/index.html",
        "zh/industries/energy/atom.xml",
        "zh/proof/index.html",
        "zh/atom.xml",
        "zh/404.html",
        "fi/atom.xml",
    ] {
        assert!(site.exists(path), "{path} is missing");
    }
    // The host's files are written once, at the root.
    for path in ["zh/sitemap.xml", "zh/robots.txt", "fi/sitemap.xml"] {
        assert!(!site.exists(path), "{path} should not be written");
    }
    assert!(
        site.read("zh/index.html")
            .starts_with("<!DOCTYPE html>\n<html lang=\"zh\">")
    );
    assert!(
        site.read("fi/index.html")
            .starts_with("<!DOCTYPE html>\n<html lang=\"fi\">")
    );
    assert!(
        site.read("index.html")
            .starts_with("<!DOCTYPE html>\n<html lang=\"en\">")
    );
    let feed = site.read("zh/atom.xml");
    assert!(feed.contains("xml:lang=\"zh\""), "{feed}");
    assert!(feed.contains("<title>阿尔法</title>"), "{feed}");
    assert!(
        !feed.contains("<title>Beta</title>"),
        "a language's feed holds its own pages: {feed}"
    );
}

#[test]
fn pages_name_their_translations_with_hreflang_and_the_sitemap_lists_them() {
    let site = fixture();
    site.build().success();
    let alternates = |html: &str| -> Vec<String> {
        html.lines()
            .filter(|l| l.starts_with("<link rel=\"alternate\" hreflang="))
            .map(str::to_string)
            .collect()
    };
    let want = [
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.test/articles/a/\">",
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.test/articles/a/\">",
        "<link rel=\"alternate\" hreflang=\"fi\" href=\"https://example.test/fi/articles/a/\">",
        "<link rel=\"alternate\" hreflang=\"zh\" href=\"https://example.test/zh/articles/ji-du-bao-gao/\">",
    ];
    assert_eq!(alternates(&site.read("articles/a/index.html")), want);
    assert_eq!(
        alternates(&site.read("zh/articles/ji-du-bao-gao/index.html")),
        want
    );
    // A page in one language names no alternates; a listing names itself in each language.
    assert_eq!(
        alternates(&site.read("articles/b/index.html")),
        Vec::<String>::new()
    );
    assert_eq!(
        alternates(&site.read("zh/roles/decider/index.html")),
        [
            "<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.test/roles/decider/\">",
            "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.test/roles/decider/\">",
            "<link rel=\"alternate\" hreflang=\"fi\" href=\"https://example.test/fi/roles/decider/\">",
            "<link rel=\"alternate\" hreflang=\"zh\" href=\"https://example.test/zh/roles/decider/\">",
        ]
    );
    // The switcher leads to the page in each language, or to the language's home.
    let about = site.read("fi/tietoa/index.html");
    let switcher = between(&about, "<nav class=\"languages\"", "</nav>");
    assert_eq!(
        hrefs(switcher),
        [
            "https://example.test/about/".replace("https://example.test", ""),
            "/zh/".into()
        ]
    );
    assert!(
        switcher.contains("<span aria-current=\"true\" lang=\"fi\">Suomi</span>"),
        "{switcher}"
    );

    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    assert!(sitemap.contains("<url><loc>https://example.test/zh/articles/ji-du-bao-gao/</loc><lastmod>2026-01-01</lastmod><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.test/articles/a/\"/><xhtml:link rel=\"alternate\" hreflang=\"fi\" href=\"https://example.test/fi/articles/a/\"/><xhtml:link rel=\"alternate\" hreflang=\"zh\" href=\"https://example.test/zh/articles/ji-du-bao-gao/\"/></url>"), "{sitemap}");
    assert!(
        sitemap.contains("<url><loc>https://example.test/fi/roles/decider/</loc>"),
        "{sitemap}"
    );
    assert!(
        sitemap.contains(
            "<url><loc>https://example.test/articles/b/</loc><lastmod>2026-01-02</lastmod></url>"
        ),
        "{sitemap}"
    );
}

#[test]
fn vocabulary_interface_and_claims_speak_the_readers_language() {
    let site = fixture();
    site.build().success();
    let zh = site.read("zh/articles/ji-du-bao-gao/index.html");
    for text in [
        "跳至正文",
        ">认知</a>",
        ">决策者</a>",
        "阅读约需 1 分钟",
        "将非计划停机时间降低了41%",
    ] {
        assert!(zh.contains(text), "{text} not in {zh}");
    }
    // The claim cites the case study in Chinese; links lead to pages in Chinese where they exist.
    assert!(zh.contains("<a class=\"claim\" href=\"/zh/case-studies/c/#metric-m\" title=\"从120小时/月降至70小时/月，6 个月。来源：台账\""), "{zh}");
    assert!(zh.contains("<a href=\"/articles/b/\">贝塔</a>"), "{zh}");
    assert!(
        zh.contains("<a href=\"/zh/case-studies/c/\">案例</a>"),
        "{zh}"
    );
    // A case study not translated into Finnish: the claim cites the original, worded in Finnish.
    let fi = site.read("fi/articles/a/index.html");
    assert!(
        fi.contains("<a class=\"claim\" href=\"/case-studies/c/#metric-m\""),
        "{fi}"
    );
    assert!(
        fi.contains("vähensi unplanned downtime 41,6\u{a0}%"),
        "{fi}"
    );
    assert!(fi.contains(">Tietoisuus</a>"), "{fi}");
    // The case study in Chinese: its words translated, its figures and approval the original's.
    let case = site.read("zh/case-studies/c/index.html");
    assert!(
        case.contains("<h2 id=\"results-panel\">C Corp 的成果</h2>"),
        "{case}"
    );
    assert!(case.contains("<p>很好用。</p>"), "{case}");
    assert!(case.contains("从120小时/月降至70小时/月，6 个月"), "{case}");
    let en = site.read("articles/b/index.html");
    assert!(en.contains("reduced unplanned downtime by 41%"), "{en}");
}

#[test]
fn an_empty_stage_shows_the_default_languages_pages_marked_with_their_language() {
    let site = fixture();
    site.build().success();
    let path = site.read("zh/roles/decider/index.html");
    let decision = between(&path, "id=\"stage-consideration\"", "</li>");
    // Beta has no Chinese version: shown in English, marked, and linked with hreflang.
    assert!(
        decision.contains("<span class=\"badge badge-language\" lang=\"en\">English</span>"),
        "{decision}"
    );
    assert!(decision.contains("<h3 class=\"card-title\" lang=\"en\"><a href=\"/articles/b/\" hreflang=\"en\">Beta</a></h3>"), "{decision}");
    // A stage with a page in Chinese shows only that.
    let awareness = between(&path, "id=\"stage-awareness\"", "</li>");
    assert!(
        awareness.contains("阿尔法") && !awareness.contains("badge-language"),
        "{awareness}"
    );
    // The fallback is not the language's own: no feed, listing or page of its own holds it.
    assert!(!site.read("zh/roles/decider/atom.xml").contains("Beta"));
    assert!(!site.read("zh/articles/index.html").contains("Beta"));
    assert!(!site.exists("zh/articles/b/index.html"));
}

#[test]
fn language_mistakes_are_errors_at_their_line_with_what_to_write() {
    let site = fixture()
        .file(
            "content/articles/d.zh-cn.md",
            "+++\ntitle = \"D\"\n+++\nD.\n",
        )
        .file(
            "content/articles/a.zh.md",
            "+++\ntitle = \"阿尔法\"\nstage = \"decision\"\n+++\n正文。\n",
        )
        .file(
            "content/case-studies/c.fi.md",
            "+++\ntitle = \"Tapaus\"\n[[metrics]]\nid = \"mm\"\nlabel = \"x\"\n+++\nTeksti.\n",
        )
        .file(
            "content/case-studies/c.zh.md",
            "+++\ntitle = \"案例\"\n[[metrics]]\nid = \"m\"\nbefore = 100\n+++\n正文。\n",
        );
    let run = site.build().failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/articles/a.zh.md:3:1: error: a translation takes `stage` from articles/a.md, the page it translates",
            "content/articles/d.zh-cn.md: error: the file name says language `zh-cn`, which site.toml does not declare",
            "content/case-studies/c.fi.md:4:7: error: metric `mm` is not a metric of the page this translates",
            "content/case-studies/c.zh.md:5:1: error: a translation takes `before` of a metric from case-studies/c.md, the page it translates",
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("hint: did you mean `zh`? Rename the file to `d.zh.md`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: did you mean `m`?"),
        "{}",
        run.stderr
    );
    assert!(!site.exists("index.html"), "a failed build writes nothing");

    let config = TestSite::new().file(
        "site.toml",
        format!("{SITE_TOML}[languages.cn]\n[languages.fi.stages.awarenes]\nname = \"x\"\n"),
    );
    let run = config.cairn(&["check"]).failure();
    assert_eq!(
        run.error_lines(),
        [
            "site.toml:3:12: error: [languages.cn]: `cn` is not a language code",
            "site.toml:4:22: error: [languages.fi.stages]: `awarenes` is not declared in [[stages]]",
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: did you mean `zh`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: did you mean `awareness`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_language_cairn_has_no_words_for_is_reported_with_the_file_to_add_them_to() {
    let site = TestSite::new()
        .file("site.toml", format!("{SITE_TOML}[languages.de]\n"))
        .file(
            "content/articles/a.md",
            article("A", "awareness", &["decider"], "2026-01-01", "Text.\n"),
        )
        .file(
            "content/articles/a.de.md",
            "+++\ntitle = \"A auf Deutsch\"\n+++\nText.\n",
        );
    let run = site.cairn(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "interface strings are not translated into `de`: all_articles, all_articles_lower,"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "hint: add them under `[strings]` in i18n/de.toml; until then they are shown in English"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "i18n/de.toml: warning: claims are not phrased in `de`: they are worded in English"
        ),
        "{}",
        run.stderr
    );
    // The site's own table: its strings are used, an unknown key is an error.
    site.write(
        "i18n/de.toml",
        "[strings]\nskip_to_content = \"Zum Inhalt\"\nskip_to_contents = \"x\"\n",
    );
    let run = site.build().failure();
    assert_eq!(
        run.error_lines(),
        ["i18n/de.toml: error: unknown string `skip_to_contents` in i18n/de.toml"],
        "{}",
        run.stderr
    );
    site.write(
        "i18n/de.toml",
        "[strings]\nskip_to_content = \"Zum Inhalt\"\n",
    );
    site.build().success();
    assert!(
        site.read("de/articles/a/index.html")
            .contains("<a class=\"skip-link\" href=\"#main\">Zum Inhalt</a>")
    );
}

#[test]
fn a_site_in_one_language_writes_what_it_wrote_before() {
    let site = TestSite::new()
        .file(
            "content/articles/a.md",
            article("A", "awareness", &["decider"], "2026-01-01", "Text.\n"),
        )
        .file(
            "content/articles/release-4.2.md",
            article(
                "Release 4.2",
                "retention",
                &["user"],
                "2026-01-02",
                "Notes.\n",
            ),
        );
    site.build().success();
    let home = site.read("index.html");
    assert!(
        !home.contains("hreflang") && !home.contains("class=\"languages\""),
        "{home}"
    );
    assert!(site.exists("articles/release-4-2/index.html"));
    assert!(!site.read("sitemap.xml").contains("xhtml"));
}

#[test]
fn serve_rebuilds_of_translations_equal_full_builds() {
    let site = fixture();
    let mut session = Session::new(options(&site, "inc"), true);
    session.build(None).unwrap();
    // A translation's body, its title, a new translation, a removed one, the original's stage.
    site.write(
        "content/articles/a.zh.md",
        "+++\ntitle = \"阿尔法\"\nslug = \"季度报告\"\n+++\n新的正文。\n",
    );
    assert_same(&site, &mut session, &["articles/a.zh.md"]);
    site.write(
        "content/articles/a.zh.md",
        "+++\ntitle = \"新标题\"\nslug = \"季度报告\"\n+++\n新的正文。\n",
    );
    assert_same(&site, &mut session, &["articles/a.zh.md"]);
    site.write(
        "content/articles/b.zh.md",
        "+++\ntitle = \"贝塔\"\n+++\n贝塔正文。\n",
    );
    assert_same(&site, &mut session, &["articles/b.zh.md"]);
    std::fs::remove_file(site.path("content/articles/a.fi.md")).unwrap();
    assert_same(&site, &mut session, &["articles/a.fi.md"]);
    site.write(
        "content/articles/a.md",
        article(
            "Alpha",
            "consideration",
            &["decider"],
            "2026-01-01",
            "Alpha text.\n",
        ),
    );
    assert_same(&site, &mut session, &["articles/a.md"]);
    site.write(
        "content/case-studies/c.md",
        CASE.replace("after = 70", "after = 60"),
    );
    assert_same(&site, &mut session, &["case-studies/c.md"]);
    let zh = std::fs::read_to_string(site.path("inc/zh/case-studies/c/index.html")).unwrap();
    assert!(zh.contains("将非计划停机时间降低了50%"), "{zh}");
}

/// A corpus held out from the read-next rules' own tests: forty articles over the roles,
/// stages and industries, a third translated into Chinese (whose later stages are empty,
/// so the default language's pages fill them in on role paths), Chinese pages of their
/// own, and drafts in both languages. No page's "read next" names itself, a draft or a
/// page in another language.
#[test]
fn read_next_never_recommends_the_page_itself_a_draft_or_another_language() {
    let roles = ["decider", "buyer", "user"];
    let stages = ["awareness", "consideration", "decision", "retention"];
    let industries = ["energy", "logistics"];
    let front = |title: &str, i: usize, draft: bool| {
        format!(
            "+++\ntitle = \"{title}\"\ndate = 2026-01-{:02}\nstage = \"{}\"\nroles = [\"{}\", \"{}\"]\nindustries = [\"{}\"]\ndraft = {draft}\n+++\nText {i}.\n",
            1 + i % 28,
            stages[i % 4],
            roles[i % 3],
            roles[(i / 3) % 3],
            industries[(i / 2) % 2],
        )
    };
    let mut site = TestSite::new().file(
        "site.toml",
        format!("{SITE_TOML}[[industries]]\nid = \"energy\"\nname = \"Energy\"\n[[industries]]\nid = \"logistics\"\nname = \"Logistics\"\n[languages.zh]\n"),
    );
    let mut drafts = Vec::new();
    for i in 0..40 {
        let draft = i % 7 == 3;
        site = site.file(
            &format!("content/articles/a{i}.md"),
            front(&format!("A{i}"), i, draft),
        );
        if draft {
            drafts.push(format!("/articles/a{i}/"));
        }
        // Chinese translations at the first two stages only; some of them drafts.
        if i % 3 == 0 && i % 4 < 2 {
            let draft = i % 9 == 0;
            site = site.file(
                &format!("content/articles/a{i}.zh.md"),
                format!("+++\ntitle = \"文{i}\"\ndraft = {draft}\n+++\n正文。\n"),
            );
            if draft {
                drafts.push(format!("/zh/articles/a{i}/"));
            }
        }
    }
    for i in 0..6 {
        let draft = i == 5;
        site = site.file(
            &format!("content/articles/z{i}.zh.md"),
            front(&format!("中{i}"), i * 5, draft),
        );
        if draft {
            drafts.push(format!("/zh/articles/z{i}/"));
        }
    }
    site.build().success();
    let public = site.path("public");
    let mut recommending = 0;
    let mut checked = 0;
    for file in walkdir(&public.join("articles"))
        .into_iter()
        .chain(walkdir(&public.join("zh/articles")))
        .filter(|p| p.ends_with("index.html"))
    {
        let rel = file.strip_prefix(&public).unwrap().display().to_string();
        let url = format!("/{}", rel.trim_end_matches("index.html"));
        let html = std::fs::read_to_string(&file).unwrap();
        let Some(start) = html.find("<aside class=\"read-next\"") else {
            continue;
        };
        let aside = &html[start..start + html[start..].find("</aside>").unwrap()];
        recommending += 1;
        let chinese = url.starts_with("/zh/");
        for link in aside.split("class=\"read-next-link\" href=\"").skip(1) {
            let href = &link[..link.find('"').unwrap()];
            checked += 1;
            assert_ne!(href, url, "{url} recommends itself");
            assert!(
                !drafts.iter().any(|d| d == href),
                "{url} recommends the draft {href}"
            );
            assert_eq!(
                href.starts_with("/zh/"),
                chinese,
                "{url} recommends {href}, in another language"
            );
            assert!(
                site.exists(&format!("{}index.html", &href[1..])),
                "{url} recommends {href}, which is not built"
            );
        }
    }
    // The corpus exercises the rule: most pages recommend, in both languages.
    assert!(recommending > 40, "{recommending} pages recommend");
    assert!(checked > 100, "{checked} recommendations");
    assert!(site.exists("zh/articles/z0/index.html"));
}

#[test]
fn a_link_to_the_search_page_of_a_language_without_one_is_broken() {
    // Finnish is declared, but its one page is in a section search leaves out: no
    // Finnish search page is written, so a link to it would lead nowhere.
    let site = TestSite::new()
        .file(
            "site.toml",
            format!("{SITE_TOML}[languages.fi]\n[search]\nexclude = [\"about\"]\n"),
        )
        .file(
            "content/articles/a.md",
            article(
                "Alpha",
                "awareness",
                &["decider"],
                "2026-01-01",
                "Search [here](/search/) or [there](/fi/search/).\n",
            ),
        )
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nUs.\n")
        .file("content/about.fi.md", "+++\ntitle = \"Meistä\"\n+++\nMe.\n");
    let run = site.build().failure();
    assert_eq!(
        run.error_lines(),
        ["content/articles/a.md:7:28: error: link to `/fi/search/`: no page has that URL"],
        "{}",
        run.stderr
    );
    // With a Finnish page in the index, the page is there and so is the link.
    site.write(
        "content/articles/a.fi.md",
        "+++\ntitle = \"Alfa\"\n+++\nTeksti.\n",
    );
    site.build().success();
    assert!(site.exists("fi/search/index.html"));
}
