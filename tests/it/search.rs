//! Site search: the Pagefind bundle a build writes (recorded, removed with `[search]
//! enabled = false`, only what cairn wrote), the index a serve session makes in the
//! background, and the search page in Chromium: facets OR inside a group and AND
//! across groups, the state in the URL, and the listings without JavaScript.

use std::time::Duration;

use cairn::Session;
use fantoccini::Locator;

use crate::browser::{browser, browser_with};
use crate::harness::*;
use crate::incremental::{options, read_output};

/// An article about downtime (or not) with `roles` and `industries`.
fn page(title: &str, roles: &[&str], industries: &[&str], body: &str) -> String {
    let list = |v: &[&str]| {
        v.iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2026-01-01\nstage = \"consideration\"\nroles = [{}]\nindustries = [{}]\n+++\n{body}\n",
        list(roles),
        list(industries)
    )
}

/// Six articles, five about downtime, and a page about it: (decider or buyer) and energy
/// matches three.
fn facets_site() -> TestSite {
    TestSite::new()
        .file(
            "site.toml",
            format!("{SITE_TOML}[[industries]]\nid = \"energy\"\nname = \"Energy\"\n[[industries]]\nid = \"logistics\"\nname = \"Logistics\"\n"),
        )
        .file("content/articles/a.md", page("Grid downtime for deciders", &["decider"], &["energy"], "Unplanned downtime costs the grid."))
        .file("content/articles/b.md", page("Buying against downtime", &["buyer"], &["energy"], "Contracts that price downtime in."))
        .file("content/articles/c.md", page("Operators and downtime", &["user"], &["energy"], "What downtime means on shift."))
        .file("content/articles/d.md", page("Fleet downtime", &["decider", "user"], &["logistics"], "Trucks standing still: downtime."))
        .file("content/articles/e.md", page("Downtime across sectors", &["buyer"], &["energy", "logistics"], "Downtime in energy and logistics alike."))
        .file("content/articles/f.md", page("Tariffs for deciders", &["decider"], &["energy"], "Nothing about stops here."))
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nWe write about downtime.\n")
}

/// The paths of the files of the output's record (`.cairn-manifest.json`) under `folder`.
fn recorded(site: &TestSite, folder: &str) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_str(&site.read(cairn::output::MANIFEST)).expect("the record");
    let mut files: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[0].as_str().unwrap().to_string())
        .filter(|p| p.starts_with(folder))
        .collect();
    files.sort();
    files
}

/// The files on disk under `folder` of the built site.
fn on_disk(site: &TestSite, folder: &str) -> Vec<String> {
    let public = site.path("public");
    let mut files: Vec<String> = walkdir(&public.join(folder))
        .into_iter()
        .map(|p| p.strip_prefix(&public).unwrap().display().to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn a_build_writes_and_records_the_index_and_turning_search_off_removes_only_it() {
    let site = facets_site();
    site.build().success();
    let bundle = recorded(&site, "pagefind/");
    for must in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-worker.js",
        "pagefind/pagefind-entry.json",
        "pagefind/wasm.en.pagefind",
    ] {
        assert!(bundle.contains(&must.to_string()), "{must} in {bundle:?}");
    }
    assert!(
        bundle.iter().any(|p| p.starts_with("pagefind/fragment/")),
        "{bundle:?}"
    );
    assert!(!bundle.iter().any(|p| p.contains("-ui.")), "{bundle:?}");
    assert_eq!(
        on_disk(&site, "pagefind"),
        bundle,
        "what is there is recorded"
    );
    let entry: serde_json::Value =
        serde_json::from_str(&site.read("pagefind/pagefind-entry.json")).unwrap();
    assert_eq!(entry["languages"]["en"]["page_count"], 7);
    let search = site.read("search/index.html");
    assert!(search.contains("<legend>Role</legend>"), "{search}");
    assert!(site.read("index.html").contains("action=\"/search/\""));
    assert!(!site.read("sitemap.xml").contains("/search/"));

    // Someone's own file in the index folder stays when search is turned off.
    std::fs::write(site.path("public/pagefind/mine.txt"), "mine").unwrap();
    site.write(
        "site.toml",
        format!(
            "{}[search]\nenabled = false\n",
            std::fs::read_to_string(site.path("site.toml")).unwrap()
        ),
    );
    site.build().success();
    assert_eq!(on_disk(&site, "pagefind"), ["pagefind/mine.txt"]);
    assert_eq!(recorded(&site, "pagefind/"), Vec::<String>::new());
    assert!(!site.exists("search/index.html"));
    assert!(!site.read("index.html").contains("/search/"));
    // The search page's script goes with it.
    assert!(!site.exists("search.js"));
    assert!(site.exists("style.css"));
    // A theme's own script of that name is the theme's: published.
    site.write(
        "themes/default/static/search.js",
        "// the theme's own search\n",
    );
    site.build().success();
    assert_eq!(site.read("search.js"), "// the theme's own search\n");
}

#[test]
fn excluded_sections_leave_the_index_and_a_misspelt_key_is_an_error() {
    let site = facets_site();
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("{toml}[search]\nexclude = [\"about\"]\n"),
    );
    site.build().success();
    let entry: serde_json::Value =
        serde_json::from_str(&site.read("pagefind/pagefind-entry.json")).unwrap();
    assert_eq!(entry["languages"]["en"]["page_count"], 6);

    site.write(
        "site.toml",
        format!("{toml}[search]\nexlude = [\"about\"]\n"),
    );
    let run = site.build().failure();
    assert_eq!(
        run.error_lines(),
        ["site.toml:10:1: error: unknown key `exlude`"]
    );
    assert!(
        run.stderr.contains("site.toml:10:1: error: unknown key `exlude`\n 10 | exlude = [\"about\"]\n    | ^\n  = hint: did you mean `exclude`? Free-form values go under [extra]"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_session_indexes_in_the_background_what_a_full_build_indexes() {
    let site = facets_site();
    let mut session = Session::new(options(&site, "inc"), true);
    session.build(None).unwrap();
    // Two edits in a row: the index of the first build is superseded before it is written.
    site.write(
        "content/articles/f.md",
        page(
            "Tariffs for deciders",
            &["decider"],
            &["energy"],
            "Now about downtime too.",
        ),
    );
    session.build(Some(&["articles/f.md".to_string()])).unwrap();
    site.write(
        "content/articles/c.md",
        page(
            "Operators and downtime",
            &["user", "buyer"],
            &["energy"],
            "What downtime means on shift.",
        ),
    );
    session.build(Some(&["articles/c.md".to_string()])).unwrap();
    let (pages, _) = session
        .wait_for_search()
        .expect("an index to wait for")
        .unwrap();
    assert_eq!(pages, 7);
    assert!(session.wait_for_search().is_none(), "nothing more to index");
    let full = site.path("full");
    cairn::build(&options(&site, "full")).unwrap();
    let index = |dir: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        walkdir(&dir.join("pagefind"))
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect()
    };
    let (inc, fresh) = (index(&site.path("inc")), index(&full));
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&inc), names(&fresh));
    assert!(
        inc == fresh,
        "the session's index is the full build's, byte for byte"
    );
    // The rest of the output is the same too, and the next build keeps the index.
    assert!(read_output(&site.path("inc")) == read_output(&full));
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nWe write about downtime, still.\n",
    );
    session.build(Some(&["about.md".to_string()])).unwrap();
    assert_eq!(names(&index(&site.path("inc"))), names(&fresh));
}

#[test]
fn serve_indexes_after_the_reload_and_keeps_the_index_through_a_bad_save() {
    let site = facets_site();
    let server = site.serve();
    server.wait_for_line(|l| l.starts_with("search index: 7 pages in "));
    let (status, entry) = server.get("/pagefind/pagefind-entry.json");
    assert_eq!(status, 200);
    assert!(entry.contains("\"page_count\":7"), "{entry}");

    // A new page: the pages reload first, the index follows.
    site.write(
        "content/articles/g.md",
        page(
            "Downtime in ports",
            &["buyer"],
            &["logistics"],
            "Cranes idle.",
        ),
    );
    server.wait_for_line(|l| l.starts_with("search index: 8 pages in "));
    let lines: Vec<String> = server.output().lines().map(str::to_string).collect();
    let rebuilt = lines
        .iter()
        .position(|l| l.starts_with("changed content/articles/g.md: rendered "))
        .expect("the rebuild");
    let indexed = lines
        .iter()
        .position(|l| l.starts_with("search index: 8 pages"))
        .unwrap();
    assert!(rebuilt < indexed, "{lines:?}");

    // A bad save: the server stays up with the last good site and its index.
    site.write("content/articles/g.md", page("Broken", &["byer"], &[], "x"));
    server.wait_for_line(|l| l.contains("unknown role `byer`"));
    let (status, entry) = server.get("/pagefind/pagefind-entry.json");
    assert_eq!(status, 200);
    assert!(entry.contains("\"page_count\":8"), "{entry}");
    site.write(
        "content/articles/g.md",
        page(
            "Downtime in ports",
            &["buyer"],
            &["logistics"],
            "Cranes idle, again.",
        ),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.count_lines(|l| l.starts_with("search index: 8 pages in ")) < 2 {
        assert!(std::time::Instant::now() < deadline, "{}", server.output());
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, _) = server.get("/search/");
    assert_eq!(status, 200);
}

/// The titles of the results shown, sorted.
fn titles(b: &crate::browser::Browser) -> Vec<String> {
    let v = b.js("return Array.from(document.querySelectorAll('#search-results h3 a')).map(a => a.textContent).sort()");
    serde_json::from_value(v).unwrap()
}

const MATCHING: [&str; 3] = [
    "Buying against downtime",
    "Downtime across sectors",
    "Grid downtime for deciders",
];

#[test]
fn facets_combine_or_within_a_group_and_and_across_groups_and_the_url_keeps_them() {
    let Some(b) = browser() else { return };
    let site = facets_site();
    let server = site.serve();
    server.wait_for_line(|l| l.starts_with("search index: "));

    // From the header's box on the home page to the search page.
    b.goto(&format!("{}/", server.url));
    b.runtime
        .block_on(async {
            let input = b.client.find(Locator::Css("#header-search-q")).await?;
            input.send_keys("downtime\n").await
        })
        .unwrap();
    b.wait_until(
        "six results (five articles and the about page)",
        "return document.getElementById('search-status').textContent === '6 pages match.'",
    );
    assert_eq!(
        b.js("return location.pathname + location.search"),
        "/search/?q=downtime"
    );
    assert_eq!(
        b.js("return document.getElementById('search-q').value"),
        "downtime"
    );

    // Two roles (either) and an industry (and).
    for css in [
        "input[name=role][value=decider]",
        "input[name=role][value=buyer]",
        "input[name=industry][value=energy]",
    ] {
        b.runtime
            .block_on(async { b.client.find(Locator::Css(css)).await?.click().await })
            .unwrap();
    }
    b.wait_until(
        "three results",
        "return document.getElementById('search-status').textContent === '3 pages match.' && location.search.includes('industry=energy')",
    );
    assert_eq!(titles(&b), MATCHING);
    let url = b.js("return location.pathname + location.search");
    assert_eq!(
        url,
        "/search/?q=downtime&role=decider&role=buyer&industry=energy"
    );
    // Each result says what it is, its stage and roles.
    assert_eq!(
        b.js("return Array.from(document.querySelectorAll('#search-results .result-meta')).map(p => p.textContent).sort()"),
        serde_json::json!([
            "Article · Consideration · For Buyer",
            "Article · Consideration · For Buyer",
            "Article · Consideration · For Decision maker",
        ])
    );
    // The count is announced to screen readers.
    assert_eq!(
        b.js("return document.getElementById('search-status').getAttribute('aria-live')"),
        "polite"
    );

    // The link alone reproduces the search.
    b.goto(&format!("{}{}", server.url, url.as_str().unwrap()));
    b.wait_until(
        "three results after loading the link",
        "return document.getElementById('search-status').textContent === '3 pages match.'",
    );
    assert_eq!(titles(&b), MATCHING);
    assert_eq!(
        b.js("return Array.from(document.querySelectorAll('#search-form input:checked')).map(i => i.name + '=' + i.value)"),
        serde_json::json!(["role=decider", "role=buyer", "industry=energy"])
    );
    assert_eq!(
        b.js("return document.getElementById('search-q').value"),
        "downtime"
    );

    // Facets without words: every decider page in logistics.
    b.goto(&format!(
        "{}/search/?role=decider&industry=logistics",
        server.url
    ));
    b.wait_until(
        "one result",
        "return document.getElementById('search-status').textContent === '1 page matches.'",
    );
    assert_eq!(titles(&b), ["Fleet downtime"]);
}

#[test]
fn without_javascript_the_search_page_offers_the_listings() {
    let Some(b) = browser_with(&["--blink-settings=scriptEnabled=false"]) else {
        return;
    };
    let site = facets_site();
    let server = site.serve();
    b.goto(&format!("{}/search/?q=downtime&role=decider", server.url));
    assert_eq!(b.text("h1"), "Search");
    assert_eq!(
        b.js("return document.getElementById('search-form').offsetParent === null && document.querySelector('.search-output').offsetParent === null"),
        true,
        "the form and results, which need JavaScript, are hidden"
    );
    let js_ran = b.js("return document.getElementById('search-form').hidden");
    assert_eq!(js_ran, true, "the script did not run");
    assert_eq!(
        b.js("return Array.from(document.querySelectorAll('.search-browse a')).map(a => a.getAttribute('href'))"),
        serde_json::json!([
            "/roles/initiator/",
            "/roles/user/",
            "/roles/influencer/",
            "/roles/decider/",
            "/roles/approver/",
            "/roles/buyer/",
            "/roles/gatekeeper/",
            "/stages/awareness/",
            "/stages/consideration/",
            "/stages/decision/",
            "/stages/retention/",
            "/industries/energy/",
            "/industries/logistics/",
        ])
    );
    b.runtime
        .block_on(async {
            b.client
                .find(Locator::LinkText("Decision maker"))
                .await?
                .click()
                .await
        })
        .unwrap();
    assert_eq!(b.js("return location.pathname"), "/roles/decider/");
    assert_eq!(b.text("h1"), "For the Decision maker");
    assert!(b.text("main").contains("Grid downtime for deciders"));
}

/// The facets site in English, with Chinese translations of two articles and a Chinese
/// page of its own, and Finnish declared without pages.
fn languages_site() -> TestSite {
    let toml = std::fs::read_to_string(facets_site().path("site.toml")).unwrap();
    let languages = "[languages.zh]\ntitle = \"测试站点\"\n[languages.zh.roles.decider]\nname = \"决策者\"\n[languages.zh.roles.buyer]\nname = \"采购者\"\n[languages.zh.stages.consideration]\nname = \"评估\"\n[languages.zh.industries.energy]\nname = \"能源\"\n[languages.fi]\n";
    let site = facets_site().file("site.toml", format!("{toml}{languages}"));
    site.file(
        "content/articles/a.zh.md",
        "+++\ntitle = \"电网停机的代价\"\n+++\n非计划停机让电网损失惨重（downtime）。\n",
    )
    .file(
        "content/articles/b.zh.md",
        "+++\ntitle = \"采购合同与停机\"\n+++\n在合同中为停机定价。\n",
    )
    .file(
        "content/articles/zh-only.zh.md",
        page(
            "仓储自动化",
            &["buyer"],
            &["logistics"],
            "仓库里的叉车与传送带。",
        ),
    )
}

#[test]
fn each_language_has_its_index_in_the_bundle_and_a_search_page_in_its_words() {
    let site = languages_site();
    site.build().success();
    let entry: serde_json::Value =
        serde_json::from_str(&site.read("pagefind/pagefind-entry.json")).unwrap();
    let languages = entry["languages"].as_object().unwrap();
    assert_eq!(
        languages.keys().collect::<Vec<_>>(),
        ["en", "zh"],
        "{entry}"
    );
    assert_eq!(entry["languages"]["en"]["page_count"], 7);
    assert_eq!(entry["languages"]["zh"]["page_count"], 3);
    // Pagefind stems English; Chinese is searched by its segmented words, without.
    assert_eq!(entry["languages"]["en"]["wasm"], "en", "{entry}");
    assert_eq!(entry["languages"]["zh"]["wasm"], serde_json::Value::Null);
    let bundle = recorded(&site, "pagefind/");
    for must in [
        "pagefind/wasm.en.pagefind",
        "pagefind/wasm.unknown.pagefind",
    ] {
        assert!(bundle.contains(&must.to_string()), "{must} in {bundle:?}");
    }
    for lang in ["en", "zh"] {
        let hash = entry["languages"][lang]["hash"].as_str().unwrap();
        let meta = format!("pagefind/pagefind.{hash}.pf_meta");
        assert!(bundle.contains(&meta), "{meta} in {bundle:?}");
    }

    // The Chinese search page: its words, its facets' names, its listings, one bundle.
    let zh = site.read("zh/search/index.html");
    assert!(
        zh.starts_with("<!DOCTYPE html>\n<html lang=\"zh\">"),
        "{zh}"
    );
    for text in [
        "<title>搜索 · 测试站点</title>",
        "<h1>搜索</h1>",
        "<label for=\"search-q\">关键词</label>",
        "<legend>角色</legend>",
        "<legend>采购阶段</legend>",
        "<legend>行业</legend>",
        "<input type=\"checkbox\" name=\"role\" value=\"decider\"> 决策者</label>",
        "<input type=\"checkbox\" name=\"industry\" value=\"energy\"> 能源</label>",
        "action=\"/zh/search/\"",
        "data-bundle=\"/pagefind/\"",
        "data-many=\"找到 {n} 个匹配的页面。\"",
        "data-for=\"面向{roles}\"",
        "<noscript><p>搜索功能需要启用 JavaScript。您也可以在这里按角色、采购阶段和行业浏览全部页面。</p></noscript>",
        "<li><a href=\"/zh/roles/decider/\">决策者</a></li>",
        "<li><a href=\"/zh/industries/energy/\">能源</a></li>",
        "<li><a href=\"/zh/stages/consideration/\">评估</a></li>",
    ] {
        assert!(zh.contains(text), "{text} in {zh}");
    }
    // Every Chinese page's header box searches the Chinese pages; English ones theirs.
    let home = site.read("zh/index.html");
    assert!(
        home.contains("<form class=\"header-search\" action=\"/zh/search/\""),
        "{home}"
    );
    assert!(
        site.read("zh/articles/a/index.html")
            .contains("action=\"/zh/search/\"")
    );
    assert!(
        site.read("articles/a/index.html")
            .contains("<form class=\"header-search\" action=\"/search/\"")
    );
    assert!(site.read("search/index.html").contains("<h1>Search</h1>"));
    // Finnish has no page to search: no search page, no box (Pagefind would search
    // another language's index), and no Finnish index.
    assert!(!site.exists("fi/search/index.html"));
    assert!(!site.read("fi/index.html").contains("header-search"));
    assert!(!site.read("sitemap.xml").contains("/zh/search/"));
}

#[test]
fn a_session_indexes_every_language_in_the_background() {
    let site = languages_site();
    let mut session = Session::new(options(&site, "inc"), true);
    session.build(None).unwrap();
    let (pages, _) = session
        .wait_for_search()
        .expect("an index to wait for")
        .unwrap();
    assert_eq!(pages, 10);
    cairn::build(&options(&site, "full")).unwrap();
    assert!(
        read_output(&site.path("inc")) == read_output(&site.path("full")),
        "the session's output, index included, is the full build's"
    );
    let entry = std::fs::read_to_string(site.path("inc/pagefind/pagefind-entry.json")).unwrap();
    assert!(entry.contains("\"zh\":{"), "{entry}");
}

#[test]
fn each_language_searches_its_own_pages_in_its_own_words() {
    let Some(b) = browser() else { return };
    let site = languages_site();
    let server = site.serve();
    server.wait_for_line(|l| l.starts_with("search index: 10 pages in "));

    // From the Chinese home page's box to the Chinese search page.
    b.goto(&format!("{}/zh/", server.url));
    b.runtime
        .block_on(async {
            let input = b.client.find(Locator::Css("#header-search-q")).await?;
            input.send_keys("停机\n").await
        })
        .unwrap();
    b.wait_until(
        "two Chinese results",
        "return document.getElementById('search-status').textContent === '找到 2 个匹配的页面。'",
    );
    assert_eq!(
        b.js("return location.pathname + decodeURIComponent(location.search)"),
        "/zh/search/?q=停机"
    );
    let mut found = titles(&b);
    found.sort();
    assert_eq!(found, ["电网停机的代价", "采购合同与停机"]);
    // Facets narrow the Chinese pages; results name type, stage and roles in Chinese.
    b.runtime
        .block_on(async {
            b.client
                .find(Locator::Css("input[name=role][value=decider]"))
                .await?
                .click()
                .await
        })
        .unwrap();
    b.wait_until(
        "one Chinese result",
        "return document.getElementById('search-status').textContent === '找到 1 个匹配的页面。'",
    );
    assert_eq!(titles(&b), ["电网停机的代价"]);
    assert_eq!(
        b.js("return document.querySelector('#search-results .result-meta').textContent"),
        "文章 · 评估 · 面向决策者"
    );

    // A word both languages' pages have: each search page finds its own language's only.
    b.goto(&format!("{}/zh/search/?q=downtime", server.url));
    b.wait_until(
        "one Chinese result for an English word",
        "return document.getElementById('search-status').textContent === '找到 1 个匹配的页面。'",
    );
    assert_eq!(titles(&b), ["电网停机的代价"]);
    b.goto(&format!("{}/search/?q=downtime", server.url));
    b.wait_until(
        "the six English results",
        "return document.getElementById('search-status').textContent === '6 pages match.'",
    );
    let english = titles(&b);
    assert!(!english.iter().any(|t| t.contains('停')), "{english:?}");
    // Facets without words, in Chinese: the Chinese page of its own in logistics.
    b.goto(&format!("{}/zh/search/?industry=logistics", server.url));
    b.wait_until(
        "the Chinese logistics page",
        "return document.getElementById('search-status').textContent === '找到 1 个匹配的页面。'",
    );
    assert_eq!(titles(&b), ["仓储自动化"]);
}

/// `site`'s site.toml with `[search] part_pages = n` added.
fn in_parts(site: TestSite, n: usize) -> TestSite {
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.file("site.toml", format!("{toml}[search]\npart_pages = {n}\n"))
}

#[test]
fn a_large_index_is_written_in_parts_that_each_language_merges() {
    let site = in_parts(languages_site(), 2);
    site.build().success();
    let bundle = recorded(&site, "pagefind/");
    // Seven English pages in four parts (1, 2, 2, 2), three Chinese in two (1, 2).
    let entry = |folder: &str| -> serde_json::Value {
        serde_json::from_str(&site.read(&format!("pagefind/{folder}pagefind-entry.json"))).unwrap()
    };
    let counts: Vec<(String, serde_json::Value, serde_json::Value)> =
        ["", "part2/", "part3/", "part4/"]
            .iter()
            .map(|f| {
                let e = entry(f);
                (
                    f.to_string(),
                    e["languages"]["en"]["page_count"].clone(),
                    e["languages"]["zh"]["page_count"].clone(),
                )
            })
            .collect();
    use serde_json::json;
    assert_eq!(
        counts,
        [
            ("".to_string(), json!(1), json!(1)),
            ("part2/".to_string(), json!(2), json!(2)),
            ("part3/".to_string(), json!(2), serde_json::Value::Null),
            ("part4/".to_string(), json!(2), serde_json::Value::Null),
        ]
    );
    assert!(!site.exists("pagefind/part5"));
    // The first part's script and WebAssembly search every part.
    assert!(bundle.contains(&"pagefind/pagefind.js".to_string()));
    for part in bundle.iter().filter(|p| p.starts_with("pagefind/part")) {
        let rel = part.splitn(3, '/').nth(2).unwrap();
        assert!(
            rel == "pagefind-entry.json"
                || rel.ends_with(".pf_meta")
                || ["index/", "fragment/", "filter/"]
                    .iter()
                    .any(|f| rel.starts_with(f)),
            "{part}"
        );
    }
    assert!(
        site.read("search/index.html")
            .contains("data-merge=\"/pagefind/part2/ /pagefind/part3/ /pagefind/part4/\"")
    );
    assert!(
        site.read("zh/search/index.html")
            .contains("data-merge=\"/pagefind/part2/\"")
    );
    // One index (the default): nothing to merge.
    let one = languages_site();
    one.build().success();
    assert!(one.read("search/index.html").contains("data-merge=\"\""));
    assert!(!one.exists("pagefind/part2"));
}

#[test]
fn facets_and_languages_work_across_the_parts_of_an_index() {
    let Some(b) = browser() else { return };
    let site = in_parts(languages_site(), 2);
    let server = site.serve();
    server.wait_for_line(|l| l.starts_with("search index: 10 pages in "));
    b.goto(&format!(
        "{}/search/?q=downtime&role=decider&role=buyer&industry=energy",
        server.url
    ));
    b.wait_until(
        "three results from the parts",
        "return document.getElementById('search-status').textContent === '3 pages match.'",
    );
    assert_eq!(titles(&b), MATCHING);
    b.goto(&format!("{}/search/?q=downtime", server.url));
    b.wait_until(
        "six results from the parts",
        "return document.getElementById('search-status').textContent === '6 pages match.'",
    );
    b.goto(&format!(
        "{}/search/?role=decider&industry=logistics",
        server.url
    ));
    b.wait_until(
        "one result",
        "return document.getElementById('search-status').textContent === '1 page matches.'",
    );
    assert_eq!(titles(&b), ["Fleet downtime"]);
    b.goto(&format!("{}/zh/search/?q=停机", server.url));
    b.wait_until(
        "two Chinese results from two parts",
        "return document.getElementById('search-status').textContent === '找到 2 个匹配的页面。'",
    );
    let mut found = titles(&b);
    found.sort();
    assert_eq!(found, ["电网停机的代价", "采购合同与停机"]);
}

#[test]
fn an_excluded_section_is_left_out_of_every_languages_index() {
    let site = languages_site().file(
        "content/about.zh.md",
        "+++\ntitle = \"关于我们\"\n+++\n我们撰写关于停机的文章。\n",
    );
    site.build().success();
    let entry: serde_json::Value =
        serde_json::from_str(&site.read("pagefind/pagefind-entry.json")).unwrap();
    assert_eq!(entry["languages"]["en"]["page_count"], 7);
    assert_eq!(entry["languages"]["zh"]["page_count"], 4);
    let site = in_parts(site, 0);
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        toml.replace("part_pages = 0\n", "exclude = [\"about\"]\n"),
    );
    site.build().success();
    let entry: serde_json::Value =
        serde_json::from_str(&site.read("pagefind/pagefind-entry.json")).unwrap();
    assert_eq!(entry["languages"]["en"]["page_count"], 6);
    assert_eq!(entry["languages"]["zh"]["page_count"], 3);
}
