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
