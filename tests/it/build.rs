//! `cairn build` end to end: outputs, URLs, role paths, feeds, front matter.

use crate::harness::*;

fn journey_site() -> TestSite {
    TestSite::new()
        .file("content/articles/first.md", article("First look", "awareness", &["decider"], "2026-01-10", "Intro to [the deal](../case-studies/acme.md).\n"))
        .file("content/articles/second.md", article("Second look", "awareness", &["decider", "buyer"], "2026-02-10", "More.\n"))
        .file(
            "content/articles/pinned.md",
            "+++\ntitle = \"Pinned\"\ndate = 2025-01-01\nstage = \"awareness\"\nroles = [\"decider\"]\nweight = 1\n+++\nPinned first.\n",
        )
        .file("content/articles/guide.md", article("The guide", "consideration", &["decider"], "2026-03-01", "## Options\n\nText.\n"))
        .file(
            "content/case-studies/acme.md",
            "+++\ntitle = \"Acme\"\ndate = 2026-03-05\nroles = [\"decider\"]\nindustries = [\"manufacturing\"]\ncustomer = \"Acme Steel\"\n[[metrics]]\nid = \"downtime\"\nlabel = \"unplanned downtime\"\nunit = \"hours/month\"\nbefore = 120\nafter = 70\nbetter = \"lower\"\nsource = \"Acme logs\"\n+++\n## The results\n\nGood.\n",
        )
        .file("content/about.md", "+++\ntitle = \"About us\"\n+++\nWe write.\n")
}

/// The URLs of the cards `html` lists, in order.
fn card_links(html: &str) -> Vec<String> {
    html.split("<h3 class=\"card-title\"><a href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

/// Every `<tag>` value in `xml`, in order.
fn xml_values(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    xml.split(open.as_str())
        .skip(1)
        .map(|s| s.split(close.as_str()).next().unwrap().to_string())
        .collect()
}

#[test]
fn builds_every_output() {
    let site = journey_site();
    let run = site.build().success();
    assert!(run.stdout.starts_with("built 6 pages ("), "{}", run.stdout);
    // Each HTML output is the page it should be: its title, its heading and the
    // cards it lists, in order.
    let (acme, guide, second, first, pinned) = (
        "/case-studies/acme/",
        "/articles/guide/",
        "/articles/second/",
        "/articles/first/",
        "/articles/pinned/",
    );
    let want: Vec<(&str, &str, &str, Vec<&str>)> = vec![
        (
            "index.html",
            "Test Site",
            "Test Site",
            vec![guide, second, first, pinned],
        ),
        (
            "404.html",
            "Page not found · Test Site",
            "Page not found",
            vec![],
        ),
        (
            "articles/index.html",
            "All articles · Test Site",
            "All articles",
            vec![acme, guide, second, first, pinned],
        ),
        (
            "articles/first/index.html",
            "First look · Test Site",
            "First look",
            vec![],
        ),
        (
            "articles/pinned/index.html",
            "Pinned · Test Site",
            "Pinned",
            vec![],
        ),
        (
            "case-studies/index.html",
            "Case studies · Test Site",
            "Case studies",
            vec![acme, acme],
        ),
        (
            "case-studies/acme/index.html",
            "Acme · Case study · Test Site",
            "Acme",
            vec![],
        ),
        (
            "about/index.html",
            "About us · Test Site",
            "About us",
            vec![],
        ),
        (
            "proof/index.html",
            "Proof: every figure and its source · Test Site",
            "Proof",
            vec![],
        ),
        (
            "roles/index.html",
            "Reading paths by role · Test Site",
            "Reading paths by role",
            vec![],
        ),
        (
            "stages/index.html",
            "The buying journey · Test Site",
            "The buying journey",
            vec![],
        ),
        (
            "industries/index.html",
            "Industries · Test Site",
            "Industries",
            vec![],
        ),
        (
            "stages/awareness/index.html",
            "Awareness · Test Site",
            "Awareness",
            vec![second, first, pinned],
        ),
        (
            "stages/retention/index.html",
            "Retention · Test Site",
            "Retention",
            vec![],
        ),
        (
            "industries/manufacturing/index.html",
            "Manufacturing · Test Site",
            "Manufacturing",
            vec![acme],
        ),
        (
            "roles/gatekeeper/index.html",
            "For the Gatekeeper · Test Site",
            "For the Gatekeeper",
            vec![],
        ),
        (
            "roles/decider/index.html",
            "For the Decision maker · Test Site",
            "For the Decision maker",
            vec![pinned, second, first, guide, acme],
        ),
    ];
    let got: Vec<(&str, String, String, Vec<String>)> = want
        .iter()
        .map(|&(path, ..)| {
            let html = site.read(path);
            let title = between(&html, "<title>", "</title>").to_string();
            let h1 = between(&html, "<h1>", "</h1>").to_string();
            (path, title, h1, card_links(&html))
        })
        .collect();
    let want: Vec<(&str, String, String, Vec<String>)> = want
        .into_iter()
        .map(|(p, t, h, cards)| {
            (
                p,
                t.into(),
                h.into(),
                cards.into_iter().map(String::from).collect(),
            )
        })
        .collect();
    assert_eq!(got, want);
    // Pages show their own body; the indexes link every term; the proof lists the metric.
    assert!(
        site.read("articles/first/index.html")
            .contains("<p>Intro to <a href=\"/case-studies/acme/\">the deal</a>.</p>")
    );
    assert!(
        site.read("articles/pinned/index.html")
            .contains("<p>Pinned first.</p>")
    );
    assert!(site.read("about/index.html").contains("<p>We write.</p>"));
    assert!(
        site.read("case-studies/acme/index.html")
            .contains("<h2 id=\"the-results\">The results")
    );
    assert!(
        site.read("proof/index.html")
            .contains("<a href=\"/case-studies/acme/#metric-downtime\">unplanned downtime</a>")
    );
    let links = |path: &str| {
        hrefs(between(
            &site.read(path),
            "<main id=\"main\" class=\"wrap\">",
            "</main>",
        ))
    };
    let roles = [
        "initiator",
        "user",
        "influencer",
        "decider",
        "approver",
        "buyer",
        "gatekeeper",
    ];
    assert_eq!(
        links("roles/index.html"),
        roles.map(|r| format!("/roles/{r}/"))
    );
    assert_eq!(
        links("stages/index.html"),
        ["awareness", "consideration", "decision", "retention"].map(|s| format!("/stages/{s}/"))
    );
    assert_eq!(
        links("industries/index.html"),
        ["/industries/manufacturing/"]
    );
    assert!(links("404.html").starts_with(&["/".to_string(), "/articles/".to_string()]));
    // Feeds: their title and their entries, newest first.
    let feed = |path: &str| {
        let xml = site.read(path);
        let ids = xml_values(&xml, "id");
        (xml_values(&xml, "title")[0].clone(), ids[1..].to_vec())
    };
    let abs = |urls: &[&str]| -> Vec<String> {
        urls.iter()
            .map(|u| format!("https://example.test{u}"))
            .collect()
    };
    assert_eq!(
        feed("atom.xml"),
        (
            "Test Site".into(),
            abs(&[acme, guide, second, first, pinned])
        )
    );
    assert_eq!(
        feed("roles/decider/atom.xml"),
        (
            "Test Site — for the Decision maker".into(),
            abs(&[acme, guide, second, first, pinned])
        )
    );
    assert_eq!(
        feed("industries/manufacturing/atom.xml"),
        ("Test Site — Manufacturing".into(), abs(&[acme]))
    );
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.test/sitemap.xml\n"
    );
    // The sitemap: home, the pages newest first, about, then the listings by URL.
    let mut urls = vec![
        "/",
        acme,
        guide,
        second,
        first,
        pinned,
        "/about/",
        "/articles/",
        "/case-studies/",
        "/industries/",
        "/industries/manufacturing/",
        "/proof/",
        "/roles/",
    ];
    let role_urls: Vec<String> = {
        let mut r = roles.map(|r| format!("/roles/{r}/")).to_vec();
        r.sort();
        r
    };
    urls.extend(role_urls.iter().map(String::as_str));
    urls.extend([
        "/stages/",
        "/stages/awareness/",
        "/stages/consideration/",
        "/stages/decision/",
        "/stages/retention/",
    ]);
    assert_eq!(xml_values(&site.read("sitemap.xml"), "loc"), abs(&urls));
    // The built-in stylesheet, as shipped.
    assert_eq!(
        site.read("style.css"),
        include_str!("../../themes/default/static/style.css")
    );
}

#[test]
fn role_path_orders_by_weight_then_newest_and_links_next() {
    let site = journey_site().with_plain_theme();
    site.build().success();
    // Stages in journey order; within one, weighted pages first, then the newest.
    assert_eq!(
        site.read("roles/decider/index.html"),
        "template: role
role: decider \"Decision maker\" url=/roles/decider/ count=5 feed=/roles/decider/atom.xml
stage: awareness \"Awareness\" url=/stages/awareness/ count=3
  card: article /articles/pinned/ \"Pinned\" date=2025-01-01 stage=awareness roles=decider industries= weight=1
  card: article /articles/second/ \"Second look\" date=2026-02-10 stage=awareness roles=decider,buyer industries=
  card: article /articles/first/ \"First look\" date=2026-01-10 stage=awareness roles=decider industries=
stage: consideration \"Consideration\" url=/stages/consideration/ count=1
  card: article /articles/guide/ \"The guide\" date=2026-03-01 stage=consideration roles=decider industries=
stage: decision \"Decision\" url=/stages/decision/ count=1
  card: case_study /case-studies/acme/ \"Acme\" date=2026-03-05 stage=decision roles=decider industries=manufacturing headline=\"Acme Steel reduced unplanned downtime by 41%\"
stage: retention \"Retention\" url=/stages/retention/ count=0
  card: (none)
"
    );
    // \"next for <role>\" follows the path across stages, and says where it ends.
    let next = |path: &str| -> Vec<String> {
        site.read(path)
            .lines()
            .filter(|l| l.starts_with("next["))
            .map(String::from)
            .collect()
    };
    assert_eq!(
        next("articles/first/index.html"),
        ["next[decider]: /articles/guide/ \"The guide\""]
    );
    assert_eq!(
        next("articles/second/index.html"),
        [
            "next[decider]: /articles/first/ \"First look\"",
            "next[buyer]: end /roles/buyer/"
        ]
    );
    assert_eq!(
        next("case-studies/acme/index.html"),
        ["next[decider]: end /roles/decider/"]
    );
}

#[test]
fn links_to_content_become_urls() {
    let site = journey_site();
    site.build().success();
    assert!(
        site.read("articles/first/index.html")
            .contains("<p>Intro to <a href=\"/case-studies/acme/\">the deal</a>.</p>")
    );
    let guide = site.read("articles/guide/index.html");
    assert!(guide.contains("<h2 id=\"options\">Options<a class=\"anchor\" href=\"#options\""));
}

#[test]
fn article_pages_carry_open_graph_and_json_ld() {
    let site = journey_site();
    site.build().success();
    let html = site.read("articles/guide/index.html");
    assert!(html.contains("<meta property=\"og:title\" content=\"The guide\">"));
    assert!(
        html.contains(
            "<meta property=\"og:url\" content=\"https://example.test/articles/guide/\">"
        )
    );
    let ld = between(&html, "<script type=\"application/ld+json\">", "</script>");
    let v: serde_json::Value = serde_json::from_str(ld).unwrap();
    assert_eq!(v["@type"], "Article");
    assert_eq!(v["headline"], "The guide");
    assert_eq!(v["datePublished"], "2026-03-01T00:00:00Z");
    let case = site.read("case-studies/acme/index.html");
    let v: serde_json::Value = serde_json::from_str(between(
        &case,
        "<script type=\"application/ld+json\">",
        "</script>",
    ))
    .unwrap();
    assert_eq!(v["about"]["@type"], "Organization");
    assert_eq!(v["about"]["name"], "Acme Steel");
}

#[test]
fn feeds_and_sitemap_are_well_formed_xml() {
    let site = journey_site();
    site.build().success();
    for path in [
        "atom.xml",
        "roles/decider/atom.xml",
        "industries/manufacturing/atom.xml",
        "sitemap.xml",
    ] {
        let xml = site.read(path);
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut elements = 0;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Start(_)) => elements += 1,
                Ok(_) => {}
                Err(e) => panic!("{path} is not well-formed: {e}\n{xml}"),
            }
        }
        assert!(elements > 3, "{path}");
    }
    let feed = site.read("roles/decider/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 5);
    assert!(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.test/roles/decider/atom.xml\"/>"));
    let buyer = site.read("roles/buyer/atom.xml");
    assert_eq!(buyer.matches("<entry>").count(), 1);
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains(
        "<url><loc>https://example.test/articles/guide/</loc><lastmod>2026-03-01</lastmod></url>"
    ));
    assert!(sitemap.contains("<url><loc>https://example.test/roles/decider/</loc></url>"));
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.test/sitemap.xml\n"
    );
}

#[test]
fn yaml_and_toml_front_matter_are_equivalent() {
    let site = TestSite::new()
        .file("content/articles/t.md", "+++\ntitle = \"Toml\"\ndate = 2026-01-01\nstage = \"decision\"\nroles = [\"economic-buyer\"]\n+++\nBody.\n")
        .file("content/articles/y.md", "---\ntitle: Yaml\ndate: 2026-01-02\nstage: decision\nroles:\n  - buyer\nindustries: [Oil and Gas]\n---\nBody.\n")
        .file("site.toml", format!("{SITE_TOML}[[roles]]\nid = \"decider\"\nname = \"Decider\"\naliases = [\"economic-buyer\"]\n[[roles]]\nid = \"buyer\"\nname = \"Buyer\"\n"));
    let site = site.with_plain_theme();
    site.build().success();
    let cards = |path: &str| -> Vec<String> {
        site.read(path)
            .lines()
            .filter(|l| l.contains("card: "))
            .map(|l| l.trim().to_string())
            .collect()
    };
    // The alias `economic-buyer` puts the TOML page on the decider's path.
    assert_eq!(
        cards("roles/decider/index.html"),
        [
            "card: (none)",
            "card: (none)",
            "card: article /articles/t/ \"Toml\" date=2026-01-01 stage=decision roles=decider industries=",
            "card: (none)"
        ]
    );
    assert_eq!(
        cards("roles/buyer/index.html")[2],
        "card: article /articles/y/ \"Yaml\" date=2026-01-02 stage=decision roles=buyer industries=oil-and-gas"
    );
    // Open industries: any value, slugged, its name kept as written.
    assert_eq!(
        site.read("industries/oil-and-gas/index.html")
            .lines()
            .nth(1),
        Some(
            "industry: oil-and-gas \"Oil and Gas\" url=/industries/oil-and-gas/ count=1 feed=/industries/oil-and-gas/atom.xml"
        )
    );
}

#[test]
fn drafts_and_future_pages_need_the_drafts_flag() {
    let site = TestSite::new()
        .file("content/articles/now.md", article("Now", "awareness", &["user"], "2026-01-01", "x\n"))
        .file("content/articles/later.md", article("Later", "awareness", &["user"], "2999-01-01", "x\n"))
        .file("content/articles/wip.md", "+++\ntitle = \"Wip\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"user\"]\ndraft = true\n+++\nx\n");
    site.build().success();
    assert!(site.exists("articles/now/index.html"));
    assert!(!site.exists("articles/later/index.html"));
    assert!(!site.exists("articles/wip/index.html"));
    site.cairn(&["build", "--drafts"]).success();
    assert!(site.exists("articles/later/index.html"));
    assert!(
        site.read("articles/wip/index.html")
            .contains("<strong>Draft</strong>")
    );
}

#[test]
fn unicode_names_get_readable_ascii_slugs() {
    let site = TestSite::new()
        .file(
            "content/articles/季度报告.md",
            article("季度报告", "awareness", &["user"], "2026-01-01", "x\n"),
        )
        .file(
            "content/articles/Überblick Straße.md",
            article("Überblick", "awareness", &["user"], "2026-01-01", "x\n"),
        )
        .file(
            "content/guides/Getting Started.md",
            "+++\ntitle = \"Start\"\n+++\nx\n",
        );
    site.build().success();
    assert!(site.exists("articles/ji-du-bao-gao/index.html"));
    assert!(site.exists("articles/uberblick-strasse/index.html"));
    assert!(site.exists("guides/getting-started/index.html"));
}

#[test]
fn assets_and_static_files_are_copied_and_linked() {
    let site = TestSite::new()
        .file(
            "content/articles/bundle/index.md",
            article(
                "Bundle",
                "awareness",
                &["user"],
                "2026-01-01",
                "![chart](chart.svg) [pdf](../spec.pdf)\n",
            ),
        )
        .file("content/articles/bundle/chart.svg", "<svg/>")
        .file("content/articles/spec.pdf", "%PDF")
        .file("static/favicon.ico", "ico")
        .file("static/img/logo.svg", "<svg/>");
    site.build().success();
    let html = site.read("articles/bundle/index.html");
    assert!(
        html.contains("<img src=\"/articles/bundle/chart.svg\" alt=\"chart\" />"),
        "{html}"
    );
    assert!(html.contains("<a href=\"/articles/spec.pdf\">pdf</a>"));
    assert_eq!(site.read("articles/bundle/chart.svg"), "<svg/>");
    assert_eq!(site.read("articles/spec.pdf"), "%PDF");
    assert_eq!(site.read("favicon.ico"), "ico");
    assert_eq!(site.read("img/logo.svg"), "<svg/>");
}

#[test]
fn base_url_flag_and_subpath_deploys() {
    let site = journey_site();
    site.cairn(&["build", "--base-url", "https://preview.example.test/pr-7/"])
        .success();
    let html = site.read("articles/first/index.html");
    assert!(html.contains("href=\"/pr-7/case-studies/acme/\""), "{html}");
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/pr-7/style.css\">"));
    assert!(
        site.read("sitemap.xml")
            .contains("<loc>https://preview.example.test/pr-7/articles/first/</loc>")
    );
}

#[test]
fn stage_calls_to_action_get_the_base_path() {
    let stages: String = ["awareness", "consideration", "decision", "retention"]
        .iter()
        .map(|s| {
            let url = if *s == "retention" { "https://shop.test/renew" } else { "/subscribe/" };
            format!("[[stages]]\nid = \"{s}\"\nname = \"{s}\"\ncta = {{ text = \"Subscribe\", url = \"{url}\" }}\n")
        })
        .collect();
    let site = journey_site()
        .file("site.toml", format!("{SITE_TOML}{stages}"))
        .with_plain_theme();
    site.cairn(&["build", "--base-url", "https://x.test/blog"])
        .success();
    // A root-relative URL gets the base path; an absolute one is kept.
    assert_eq!(
        site.read("stages/index.html"),
        "template: stages
stage: awareness \"awareness\" url=/blog/stages/awareness/ count=3 cta=\"Subscribe\" /blog/subscribe/
stage: consideration \"consideration\" url=/blog/stages/consideration/ count=1 cta=\"Subscribe\" /blog/subscribe/
stage: decision \"decision\" url=/blog/stages/decision/ count=1 cta=\"Subscribe\" /blog/subscribe/
stage: retention \"retention\" url=/blog/stages/retention/ count=0 cta=\"Subscribe\" https://shop.test/renew
"
    );
    assert!(
        site.read("articles/first/index.html")
            .contains("\nstage: awareness cta=\"Subscribe\" /blog/subscribe/\n")
    );
}

#[test]
fn site_templates_override_the_theme_one_by_one() {
    let site = journey_site()
        .file(
            "templates/page.html",
            "<!DOCTYPE html><title>{{ page.title }}</title><main>{{ page.content | safe }}</main>",
        )
        .file(
            "templates/shortcodes/note.html",
            "<aside class=\"note\">{{ text }}</aside>",
        )
        .file(
            "content/notes.md",
            "+++\ntitle = \"Notes\"\n+++\n{{ note(text=\"Mind the gap\") }}\n",
        );
    site.build().success();
    assert_eq!(
        site.read("about/index.html"),
        "<!DOCTYPE html><title>About us</title><main><p>We write.</p>\n</main>"
    );
    assert!(
        site.read("notes/index.html")
            .contains("<aside class=\"note\">Mind the gap</aside>")
    );
    // Other templates still come from the default theme.
    assert!(
        site.read("articles/first/index.html")
            .contains("class=\"next-for\"")
    );
}

#[test]
fn front_matter_values_are_escaped() {
    let site = TestSite::new().file(
        "content/articles/x.md",
        "+++\ntitle = \"<script>alert(1)</script>\"\nsummary = \"a \\\"quoted\\\" <b>summary</b>\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"user\"]\n+++\nBody <em>kept</em>.\n",
    );
    site.build().success();
    let html = site.read("articles/x/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("Body <em>kept</em>."));
    let ld = between(&html, "<script type=\"application/ld+json\">", "</script>");
    assert!(
        ld.contains("\"headline\":\"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\""),
        "{ld}"
    );
    let v: serde_json::Value = serde_json::from_str(ld).unwrap();
    assert_eq!(v["headline"], "<script>alert(1)</script>");
}

#[test]
fn odd_files_do_not_panic() {
    let site = TestSite::new()
        .file(
            "content/articles/bom.md",
            format!(
                "\u{feff}{}",
                article("Bom", "awareness", &["user"], "2026-01-01", "x\n")
            ),
        )
        .file(
            "content/articles/crlf.md",
            article(
                "Crlf",
                "awareness",
                &["user"],
                "2026-01-01",
                "line\n\n## Head\n",
            )
            .replace('\n', "\r\n"),
        )
        .file("content/articles/empty.md", "")
        .file("content/articles/binary.md", [0u8, 159, 146, 150, 1, 2])
        .file("content/articles/open.md", "+++\ntitle = \"x\"\n");
    let run = site.build().failure();
    assert!(
        run.stderr
            .contains("content/articles/empty.md:1:1: error: missing front matter"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/articles/binary.md:1: error: not a UTF-8 text file (invalid or binary data at byte 0)"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "content/articles/open.md:1:1: error: front matter opened with `+++` is never closed"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("build failed: 3 errors; the previous output (if any) is unchanged\n"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("bom.md") && !run.stderr.contains("crlf.md"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(site.path("content/articles/empty.md")).unwrap();
    std::fs::remove_file(site.path("content/articles/binary.md")).unwrap();
    std::fs::remove_file(site.path("content/articles/open.md")).unwrap();
    site.build().success();
    assert!(
        site.read("articles/crlf/index.html")
            .contains("<h2 id=\"head\">Head<a")
    );
}

#[test]
fn the_demo_site_builds_cleanly_with_no_broken_links() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    // The demo's evidence has review dates: the day is fixed so the test does not
    // depend on the clock (later, cairn rightly warns that evidence is overdue).
    let run: Run = std::process::Command::new(cairn_bin())
        .args(["build", "--as-of", "2026-12-01", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out.path().join("public"))
        .output()
        .unwrap()
        .into();
    let run = run.success();
    assert!(
        !run.stderr.contains("warning"),
        "the demo should build without warnings:\n{}",
        run.stderr
    );
    let public = out.path().join("public");
    let files = walkdir(&public);
    let pages: Vec<_> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert!(pages.len() > 40, "{}", pages.len());
    let mut broken = Vec::new();
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        for href in hrefs(&html) {
            if !href.starts_with('/') || href.starts_with("//") {
                continue;
            }
            let (path, anchor) = href
                .split_once('#')
                .map_or((href.as_str(), None), |(p, a)| (p, Some(a)));
            let target = if path.ends_with('/') {
                public.join(&path[1..]).join("index.html")
            } else {
                public.join(&path[1..])
            };
            if !target.exists() {
                broken.push(format!("{}: {href}", page.display()));
            } else if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                let t = std::fs::read_to_string(&target).unwrap();
                if !t.contains(&format!("id=\"{a}\"")) {
                    broken.push(format!("{}: {href} (no #{a})", page.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn articles_end_with_read_next_and_its_reason() {
    let page = |stage: &str, role: &str, day: u32| {
        format!(
            "+++\ntitle = \"{stage} {day}\"\ndate = 2026-01-{day:02}\nstage = \"{stage}\"\nroles = [\"{role}\"]\nindustries = [\"energy\"]\n+++\nText.\n"
        )
    };
    let site = TestSite::new()
        .file("content/articles/a.md", page("awareness", "decider", 1))
        .file("content/articles/b.md", page("consideration", "decider", 2))
        .file("content/articles/c.md", page("consideration", "decider", 3))
        .file("content/articles/d.md", page("decision", "user", 4));
    site.build().success();
    // "Next for the decider" after a is c (newest of the next stage): b is read next.
    let html = site.read("articles/a/index.html");
    let aside = between(&html, "<aside class=\"read-next\"", "</aside>");
    assert!(
        aside.contains("<h2 id=\"read-next-heading\">Read next</h2>"),
        "{aside}"
    );
    assert!(
        aside.contains("<a class=\"read-next-link\" href=\"/articles/b/\">consideration 2</a>\n      <span class=\"read-next-why\">Next step for Decision maker · Energy</span>"),
        "{aside}"
    );
    assert!(
        !aside.contains("/articles/a/"),
        "never the page itself: {aside}"
    );
    assert!(
        !aside.contains("/articles/c/"),
        "never what next-for shows: {aside}"
    );
    // d is on no path of a's role, but shares its industry.
    assert!(
        aside.contains("href=\"/articles/d/\">decision 4</a>\n      <span class=\"read-next-why\">More from Energy</span>"),
        "{aside}"
    );
}

/// `feed_limit` is a cap, not a size to reserve: a huge one (a site's "no limit") builds
/// feeds of every page instead of aborting on a failed allocation (found by the
/// property tests).
#[test]
fn a_huge_feed_limit_means_every_page() {
    let site = TestSite::empty()
        .file("site.toml", format!("{SITE_TOML}feed_limit = 99999999999\n"))
        .file(
            "content/articles/a.md",
            "+++\ntitle = \"A\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"user\"]\n+++\nText.\n",
        );
    site.build().success();
    assert_eq!(site.read("atom.xml").matches("<entry>").count(), 1);
}

const MOVED: &str = "+++\ntitle = \"New home\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"user\"]\naliases = [\"/old-post/\", \"/2019/05/old.html\", \"/legacy\"]\n+++\nText.\n";

#[test]
fn aliases_redirect_old_urls_to_the_page() {
    let site = TestSite::empty()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://x.test/blog\"\n",
        )
        .file("content/articles/a.md", MOVED)
        // A link to an old URL leads to the page: it is not broken.
        .file(
            "content/about.md",
            "+++\ntitle = \"About\"\n+++\nSee [the old post](/old-post/) and [legacy](/legacy/).\n",
        );
    site.build().success();
    assert!(
        site.read("about/index.html").contains(
            "<a href=\"/blog/old-post/\">the old post</a> and <a href=\"/blog/legacy/\">legacy</a>"
        ),
        "{}",
        site.read("about/index.html")
    );
    let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>New home · T</title>\n<link rel=\"canonical\" href=\"https://x.test/blog/articles/a/\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url=/blog/articles/a/\">\n</head>\n<body>\n<p>This page has moved: <a href=\"/blog/articles/a/\">New home</a>.</p>\n</body>\n</html>\n";
    assert_eq!(site.read("old-post/index.html"), page);
    assert_eq!(site.read("2019/05/old.html"), page);
    assert_eq!(site.read("legacy/index.html"), page);
    assert_eq!(
        site.read("_redirects"),
        "# Old URLs of this site and where they lead now, for hosts that read _redirects\n# (Netlify, Cloudflare Pages). Written by cairn from the pages' `aliases`.\n/blog/old-post/ /blog/articles/a/ 301\n/blog/2019/05/old.html /blog/articles/a/ 301\n/blog/legacy/ /blog/articles/a/ 301\n\n"
    );
    assert!(
        !site.read("sitemap.xml").contains("old"),
        "redirects are not pages"
    );

    // A `_redirects` of the site's own is published instead of cairn's.
    site.write("static/_redirects", "/x /y 302\n");
    site.build().success();
    assert_eq!(site.read("_redirects"), "/x /y 302\n");
    assert!(site.exists("old-post/index.html"));
}

#[test]
fn aliases_that_cannot_be_paths_or_are_taken_are_errors_naming_both() {
    let bad = "+++\ntitle = \"B\"\ndate = 2026-01-02\nstage = \"awareness\"\nroles = [\"user\"]\naliases = [\"old\", \"/\", \"/a/../b/\", \"/q?x=1\", \"/.git/x/\", \"/style.css\", \"/proof/\", \"/articles/a/\", \"/legacy/\", \"/old.html\"]\n+++\nText.\n";
    let site = TestSite::new()
        .file("content/articles/a.md", MOVED)
        .file("content/articles/b.md", bad)
        .file("static/old.html", "<p>old</p>");
    let run = site.build().failure();
    let errors = run.error_lines();
    assert_eq!(
        errors,
        [
            "content/articles/b.md:6:13: error: alias `old` is not a path from the site's root",
            "content/articles/b.md:6:20: error: the home page cannot be an alias",
            "content/articles/b.md:6:25: error: alias `/a/../b/` has an empty, `.` or `..` part",
            "content/articles/b.md:6:37: error: alias `/q?x=1` holds `?`, which a URL path cannot hold as it is",
            "content/articles/b.md:6:47: error: alias `/.git/x/` has a hidden part (starting with `.`)",
            "content/articles/b.md:6:59: error: alias `/style.css` names a `.css` file, and a redirect page is HTML",
        ],
        "{}",
        run.stderr
    );
    // Once the aliases are paths, the ones that are taken are reported.
    let taken = bad.replace(
        "\"old\", \"/\", \"/a/../b/\", \"/q?x=1\", \"/.git/x/\", \"/style.css\", ",
        "",
    );
    site.write("content/articles/b.md", &taken);
    let run = site.build().failure();
    let errors = run.error_lines();
    assert_eq!(
        errors,
        [
            "content/articles/b.md:6:13: error: alias /proof/ is already a URL cairn generates",
            "content/articles/b.md:6:24: error: alias /articles/a/ is already the URL of content/articles/a.md",
            "content/articles/b.md:6:40: error: alias /legacy/ is already an alias of content/articles/a.md",
            "content/articles/b.md:6:52: error: alias /old.html is already the path of static/old.html",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn long_listings_are_paged_and_the_first_page_keeps_its_url() {
    let article = |i: u32| {
        format!(
            "+++\ntitle = \"A{i}\"\ndate = 2026-01-{i:02}\nstage = \"awareness\"\nroles = [\"user\"]\nindustries = [\"energy\"]\n+++\nText.\n"
        )
    };
    let mut site = TestSite::empty().file("site.toml", format!("{SITE_TOML}per_page = 2\n"));
    for i in 1..=5 {
        site = site.file(&format!("content/articles/a{i}.md"), article(i));
    }
    site.build().success();
    let titles = |path: &str| -> Vec<String> {
        let html = site.read(path);
        html.split("class=\"card-title\"><a href=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect()
    };
    for base in ["articles/", "stages/awareness/", "industries/energy/"] {
        assert_eq!(
            titles(&format!("{base}index.html")),
            ["/articles/a5/", "/articles/a4/"],
            "{base}"
        );
        assert_eq!(
            titles(&format!("{base}page/2/index.html")),
            ["/articles/a3/", "/articles/a2/"],
            "{base}"
        );
        assert_eq!(
            titles(&format!("{base}page/3/index.html")),
            ["/articles/a1/"],
            "{base}"
        );
        assert!(!site.exists(&format!("{base}page/4/index.html")), "{base}");
        assert!(!site.exists(&format!("{base}page/1/index.html")), "{base}");
    }
    let page2 = site.read("articles/page/2/index.html");
    assert!(
        page2.contains("<title>All articles (page 2 of 3) · Test Site</title>"),
        "{page2}"
    );
    let nav = between(
        &page2,
        "<nav class=\"pagination\" aria-label=\"Pages\">",
        "</nav>",
    );
    assert!(
        nav.contains("<a rel=\"prev\" href=\"/articles/\">← Newer</a>"),
        "{nav}"
    );
    assert!(
        nav.contains("<a rel=\"next\" href=\"/articles/page/3/\">Older →</a>"),
        "{nav}"
    );
    assert!(
        nav.contains("<a href=\"/articles/page/2/\" aria-current=\"page\">2</a>"),
        "{nav}"
    );
    let first = site.read("articles/index.html");
    assert!(!between(&first, "<nav class=\"pagination\"", "</nav>").contains("rel=\"prev\""));

    // per_page = 0: one page, no navigation.
    site.write("site.toml", format!("{SITE_TOML}per_page = 0\n"));
    site.build().success();
    assert_eq!(titles("articles/index.html").len(), 5);
    assert!(
        !site.exists("articles/page/2/index.html"),
        "removed with the build that no longer makes it"
    );
    assert!(
        !site
            .read("articles/index.html")
            .contains("class=\"pagination\"")
    );
}

/// Analytics and marketing-automation scripts can segment a page by its stage, roles
/// and industries without a tracker: they are on `<body>` and in a JSON block.
#[test]
fn pages_carry_their_segments_for_analytics_scripts() {
    let site = TestSite::new().file(
        "content/articles/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-01-01\nstage = \"decision\"\nroles = [\"decider\", \"buyer\"]\nindustries = [\"energy\"]\n+++\nText.\n",
    );
    site.build().success();
    let html = site.read("articles/a/index.html");
    assert!(
        html.contains("<body data-type=\"article\" data-stage=\"decision\" data-roles=\"decider buyer\" data-industries=\"energy\">"),
        "{html}"
    );
    assert!(
        html.contains("<script type=\"application/json\" id=\"cairn-segments\">{\"industries\":[\"energy\"],\"roles\":[\"decider\",\"buyer\"],\"stage\":\"decision\",\"type\":\"article\"}</script>"),
        "{html}"
    );
    assert!(
        site.read("index.html").contains("<body>"),
        "listings carry none"
    );
    assert!(site.exists("favicon.svg"));
}

/// With `[campaign]`, a stage's call to action says where it was clicked: the stage
/// (`utm_content`) and, on a role's path, the role (`utm_term`).
#[test]
fn campaign_tags_calls_to_action_with_stage_and_role() {
    let config = format!(
        "{SITE_TOML}[campaign]\nutm_campaign = \"Q3 pilots\"\n[[stages]]\nid = \"decision\"\nname = \"Decision\"\ncta = {{ text = \"Plan a pilot\", url = \"/contact/#form\" }}\n"
    );
    let site = TestSite::empty()
        .file("site.toml", config)
        .file(
            "content/articles/a.md",
            "+++\ntitle = \"A\"\ndate = 2026-01-01\nstage = \"decision\"\nroles = [\"buyer\"]\n+++\nText.\n",
        )
        .file("content/contact.md", "+++\ntitle = \"Contact\"\n+++\n## Form\n");
    site.build().success();
    let tagged = "/contact/?utm_source=website&amp;utm_medium=cta&amp;utm_campaign=Q3+pilots&amp;utm_content=decision";
    assert!(
        site.read("articles/a/index.html")
            .contains(&format!("href=\"{tagged}#form\""))
    );
    assert!(
        site.read("stages/decision/index.html")
            .contains(&format!("href=\"{tagged}#form\""))
    );
    assert!(
        site.read("roles/buyer/index.html")
            .contains(&format!("href=\"{tagged}&amp;utm_term=buyer#form\"")),
        "{}",
        site.read("roles/buyer/index.html")
    );
    // Without [campaign], the URL is as written.
    site.write(
        "site.toml",
        format!("{SITE_TOML}[[stages]]\nid = \"decision\"\nname = \"Decision\"\ncta = {{ text = \"Plan a pilot\", url = \"/contact/#form\" }}\n"),
    );
    site.build().success();
    assert!(
        site.read("articles/a/index.html")
            .contains("href=\"/contact/#form\"")
    );
}

/// A theme's listing template that does not link the pages of a paged listing would
/// leave them reachable from nowhere: a warning names it.
#[test]
fn a_listing_template_without_paginator_is_warned_about_once_pages_exist() {
    let article = |i: u32| {
        format!(
            "+++\ntitle = \"A{i}\"\ndate = 2026-01-0{i}\nstage = \"awareness\"\nroles = [\"user\"]\n+++\nText.\n"
        )
    };
    let site = TestSite::empty()
        .file("site.toml", format!("{SITE_TOML}per_page = 2\n"))
        .file("content/articles/a1.md", article(1))
        .file("content/articles/a2.md", article(2))
        .file(
            "templates/articles.html",
            "{% extends \"base.html\" %}{% block content %}{% for c in pages %}{{ c.title }}{% endfor %}{% endblock content %}",
        );
    let run = site.build().success();
    assert!(
        !run.stderr.contains("warning"),
        "one page: nothing unlinked\n{}",
        run.stderr
    );
    site.write("content/articles/a3.md", article(3));
    let run = site.build().success();
    assert!(
        run.stderr.contains("templates/articles.html: warning: articles.html does not use `paginator`: the pages after the first of its listings are linked from nowhere\n  = hint: add {% include \"partials/pagination.html\" %} (the built-in theme's), or set `per_page = 0` in site.toml"),
        "{}",
        run.stderr
    );
}
