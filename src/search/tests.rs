use super::*;

#[test]
fn plain_text_drops_tags_hidden_content_and_decodes_references() {
    let table = [
        ("<p>Hello <em>wor</em>ld</p>", " Hello world "),
        (
            "<h2 id=\"x\">A &amp; B</h2><p>C&#39;s &lt;tag&gt; &#x41;</p>",
            " A & B C's <tag> A ",
        ),
        ("<p>a</p><script>var x = '<p>';</script><p>b</p>", " a b "),
        ("<style>p { color: red }</style>text", " text"),
        ("1 < 2 &unknown; &", "1 < 2 &unknown; &"),
        ("<ul><li>one</li><li>two</li></ul>", " one two "),
    ];
    for (html, want) in table {
        let mut out = String::new();
        plain_text(html, &mut out);
        assert_eq!(out, want, "{html}");
    }
}

#[test]
fn a_section_is_the_first_folder_of_a_url() {
    let table = [
        ("/", ""),
        ("/about/", "about"),
        ("/about/team/", "about"),
        ("/articles/x/", "articles"),
    ];
    for (url, want) in table {
        assert_eq!(section(url), want, "{url}");
    }
}

/// Takes site.toml's text after the title and base URL, and files as (path, text); gives
/// the site loaded (with `drafts`) in a temporary folder.
fn load(config: &str, files: &[(&str, &str)], drafts: bool) -> Site {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut all = vec![(
        "site.toml".to_string(),
        format!("title = \"T\"\nbase_url = \"https://example.test/blog\"\n{config}"),
    )];
    all.extend(files.iter().map(|(p, t)| (p.to_string(), t.to_string())));
    for (path, text) in all {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folder");
        std::fs::write(path, text).expect("write");
    }
    let mut options = crate::BuildOptions::new(dir.path());
    options.now = "2026-06-01T00:00:00Z".parse().expect("timestamp");
    options.drafts = drafts;
    match crate::load(&options) {
        Ok(loaded) => loaded.site,
        Err(ds) => panic!("{ds:?}"),
    }
}

const ARTICLE: &str = "+++\ntitle = \"Downtime & costs\"\ndate = 2026-01-01\nsummary = \"What a stop costs.\"\nstage = \"consideration\"\nroles = [\"decider\", \"buyer\"]\nindustries = [\"energy\"]\n+++\nPlants *lose* money when lines <b>stop</b>.\n";
const CASE: &str = "+++\ntitle = \"Acme\"\ndate = 2026-01-02\nroles = [\"user\"]\ncustomer = \"Acme\"\n[[metrics]]\nid = \"m\"\nlabel = \"cost\"\nbefore = 10\nafter = 5\nbetter = \"lower\"\nsource = \"ledger\"\n+++\nAcme saved.\n";
const DRAFT: &str = "+++\ntitle = \"Secret\"\ndate = 2026-01-03\nstage = \"awareness\"\nroles = [\"user\"]\ndraft = true\n+++\nNot yet.\n";
const ABOUT: &str = "+++\ntitle = \"About us\"\n+++\nWho we are.\n";

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn records_carry_filters_as_ids_and_meta_as_names() {
    let site = load(
        "",
        &[
            ("content/articles/a.md", ARTICLE),
            ("content/case-studies/acme.md", CASE),
            ("content/about.md", ABOUT),
        ],
        false,
    );
    let records = records(&input(&site));
    let by_url: BTreeMap<&str, &Record> = records.iter().map(|r| (r.url.as_str(), r)).collect();
    assert_eq!(
        by_url.keys().copied().collect::<Vec<_>>(),
        [
            "/blog/about/",
            "/blog/articles/a/",
            "/blog/case-studies/acme/"
        ]
    );
    let a = by_url["/blog/articles/a/"];
    assert_eq!(
        a.content,
        "Downtime & costs.\nPlants lose money when lines stop. \n"
    );
    let filters: Vec<(String, Vec<String>)> = a.filters.clone().into_iter().collect();
    assert_eq!(
        filters,
        [
            ("industry".to_string(), strings(&["energy"])),
            ("role".to_string(), strings(&["decider", "buyer"])),
            ("stage".to_string(), strings(&["consideration"])),
            ("type".to_string(), strings(&["article"])),
        ]
    );
    let meta: Vec<(String, String)> = a.meta.clone().into_iter().collect();
    assert_eq!(
        meta,
        [
            ("roles", "Decision maker, Buyer"),
            ("stage", "Consideration"),
            ("summary", "What a stop costs."),
            ("title", "Downtime & costs"),
            ("type", "Article"),
            ("url", "/blog/articles/a/"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    // A case study is at decision unless it says otherwise; a page has no stage or roles.
    let case = by_url["/blog/case-studies/acme/"];
    assert_eq!(case.filters["stage"], strings(&["decision"]));
    assert_eq!(case.filters["type"], strings(&["case-study"]));
    assert_eq!(case.meta["type"], "Case study");
    let about = by_url["/blog/about/"];
    let keys: Vec<&String> = about.filters.keys().collect();
    assert_eq!(keys, ["type"]);
    assert_eq!(about.meta.get("stage"), None);
    assert_eq!(about.meta.get("roles"), None);
}

#[test]
fn excluded_sections_and_drafts_are_never_indexed() {
    let files = [
        ("content/articles/a.md", ARTICLE),
        ("content/articles/secret.md", DRAFT),
        ("content/case-studies/acme.md", CASE),
        ("content/about.md", ABOUT),
        ("content/about/team.md", "+++\ntitle = \"Team\"\n+++\nUs.\n"),
    ];
    let urls = |site: &Site| -> Vec<String> {
        indexed(site)
            .into_iter()
            .map(|i| site.pages[i].meta.url.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let table: Vec<(&str, bool, Vec<&str>)> = vec![
        (
            "",
            false,
            vec![
                "/about/",
                "/about/team/",
                "/articles/a/",
                "/case-studies/acme/",
            ],
        ),
        // A --drafts preview shows the draft; the index still leaves it out.
        (
            "",
            true,
            vec![
                "/about/",
                "/about/team/",
                "/articles/a/",
                "/case-studies/acme/",
            ],
        ),
        (
            "[search]\nexclude = [\"about\", \"case-studies\"]\n",
            false,
            vec!["/articles/a/"],
        ),
    ];
    for (config, drafts, want) in table {
        let site = load(config, &files, drafts);
        if drafts {
            assert!(
                site.pages.iter().any(|p| p.meta.draft),
                "the preview has the draft"
            );
        }
        assert_eq!(urls(&site), want, "{config:?} drafts: {drafts}");
    }
}

#[cfg(feature = "search")]
#[test]
fn the_bundle_is_under_its_folder_without_the_stock_interfaces() {
    let site = load("", &[("content/articles/a.md", ARTICLE)], false);
    let records = records(&input(&site));
    let files = bundle(records, 0, 1, &|| false)
        .expect("a bundle")
        .expect("not stopped");
    let names: std::collections::BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for must in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-worker.js",
        "pagefind/pagefind-entry.json",
        "pagefind/wasm.en.pagefind",
    ] {
        assert!(names.contains(must), "{must} in {names:?}");
    }
    assert!(
        names.iter().all(|n| n.starts_with("pagefind/")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("pagefind/filter/")),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.contains("-ui.")), "{names:?}");
    // No records, no bundle; asked to stop, it stops.
    assert!(
        bundle(Vec::new(), 0, 1, &|| false)
            .unwrap()
            .unwrap()
            .is_empty()
    );
    let records = super::records(&input(&site));
    assert!(bundle(records, 0, 1, &|| true).unwrap().is_none());
}

#[test]
fn parts_cut_each_language_in_order_into_runs_of_nearly_equal_length() {
    let record = |language: &str, url: &str| Record {
        language: language.to_string(),
        url: url.to_string(),
        content: String::new(),
        meta: BTreeMap::new(),
        filters: BTreeMap::new(),
    };
    let records = vec![
        record("en", "1"),
        record("en", "2"),
        record("en", "3"),
        record("en", "4"),
        record("en", "5"),
        record("zh", "a"),
        record("zh", "b"),
    ];
    let urls = |parts: Vec<Vec<Record>>| -> Vec<Vec<String>> {
        parts
            .into_iter()
            .map(|p| {
                p.into_iter()
                    .map(|r| format!("{}{}", r.language, r.url))
                    .collect()
            })
            .collect()
    };
    assert_eq!(
        urls(super::split(records.clone(), 2)),
        [
            strings(&["en1", "zha", "zhb"]),
            strings(&["en2", "en3"]),
            strings(&["en4", "en5"]),
        ]
    );
    assert_eq!(urls(super::split(records.clone(), 0)).len(), 1);
    assert_eq!(
        urls(super::split(records, 5)),
        [strings(&["en1", "en2", "en3", "en4", "en5", "zha", "zhb"])]
    );
    assert_eq!(
        (
            super::parts(0, 0),
            super::parts(10_000, 0),
            super::parts(10_000, 2500),
            super::parts(10_001, 2500)
        ),
        (1, 1, 4, 5)
    );
    assert_eq!(
        (super::part_folder(0), super::part_folder(1)),
        (String::new(), "part2/".to_string())
    );
}
