//! A serve session's incremental rebuilds write exactly what a fresh full
//! build writes, byte for byte, after every kind of edit.

use cairn::{BuildOptions, Session};

use crate::harness::*;

fn fixture() -> TestSite {
    TestSite::new()
        .file("site.toml", format!("{SITE_TOML}[[industries]]\nid = \"energy\"\nname = \"Energy\"\n[[industries]]\nid = \"logistics\"\nname = \"Logistics\"\n"))
        .file("content/articles/a.md", "+++\ntitle = \"Alpha\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"decider\", \"user\"]\nindustries = [\"energy\"]\n+++\nAlpha text. See [Beta](b.md) and [the case](../case-studies/c.md#metric-m).\n\n## Part one\n\nMore.\n")
        .file("content/articles/b.md", "+++\ntitle = \"Beta\"\ndate = 2026-01-02\nstage = \"consideration\"\nroles = [\"decider\"]\n+++\nBeta {{ claim(case=\"c\", metric=\"m\") }}. Back to [Alpha](a.md#part-one).\n")
        .file("content/articles/d.md", "+++\ntitle = \"Delta\"\ndate = 2026-01-03\nstage = \"awareness\"\nroles = [\"user\", \"buyer\"]\nindustries = [\"logistics\"]\n+++\nDelta text.\n")
        .file("content/case-studies/c.md", "+++\ntitle = \"Case\"\ndate = 2026-01-04\nroles = [\"decider\"]\nindustries = [\"energy\"]\ncustomer = \"C Corp\"\n[[metrics]]\nid = \"m\"\nlabel = \"cost\"\nbefore = 100\nafter = 60\nbetter = \"lower\"\nsource = \"ledger\"\n+++\nCase body.\n")
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nAbout [Delta](articles/d.md).\n")
        .file("static/robots-extra.txt", "x")
}

pub(crate) fn options(site: &TestSite, out: &str) -> BuildOptions {
    let mut o = BuildOptions::new(site.root());
    o.output = site.path(out);
    o.now = "2026-06-01T00:00:00Z".parse().unwrap();
    o
}

/// The output record's rows without modification times (which differ between two builds),
/// after checking that each row describes the file on disk.
fn manifest_without_times(dir: &std::path::Path, bytes: &[u8]) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let rows: Vec<serde_json::Value> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| !is_search_index(row[0].as_str().unwrap()))
        .map(|row| {
            let path = row[0].as_str().unwrap();
            let size = std::fs::metadata(dir.join(path)).unwrap().len();
            assert_eq!(row[2].as_u64(), Some(size), "recorded size of {path}");
            serde_json::json!([row[0], row[1], row[2]])
        })
        .collect();
    serde_json::to_vec(&rows).unwrap()
}

/// Whether `name` (inside the output) is in the search index, which a session writes in
/// the background: `tests/it/search.rs` compares it once the session has written it.
fn is_search_index(name: &str) -> bool {
    name.starts_with("pagefind/")
}

/// Every file under `dir`, sorted by name, with the output record's times left out (and
/// the search index, see [`is_search_index`]).
pub(crate) fn read_output(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir(dir)
        .into_iter()
        .filter(|p| !is_search_index(&p.strip_prefix(dir).unwrap().display().to_string()))
        .map(|p| {
            let name = p.strip_prefix(dir).unwrap().display().to_string();
            let bytes = std::fs::read(&p).unwrap();
            if name == cairn::output::MANIFEST {
                (name, manifest_without_times(dir, &bytes))
            } else {
                (name, bytes)
            }
        })
        .collect();
    v.sort();
    v
}

/// Build the site afresh into `full/` and compare it with the session's `inc/`: `None`
/// when both hold the same files byte for byte, else the first difference in words
/// (the files only one side has, or the first file that differs, with both texts).
pub(crate) fn first_difference(site: &TestSite) -> Option<String> {
    let full = site.path("full");
    let _ = std::fs::remove_dir_all(&full);
    if let Err(e) = cairn::build(&options(site, "full")) {
        return Some(format!("the fresh full build failed: {e:?}"));
    }
    let (inc, fresh) = (read_output(&site.path("inc")), read_output(&full));
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let (inc_names, fresh_names) = (names(&inc), names(&fresh));
    if inc_names != fresh_names {
        let only = |a: &[String], b: &[String]| {
            a.iter()
                .filter(|n| !b.contains(n))
                .cloned()
                .collect::<Vec<_>>()
        };
        return Some(format!(
            "different files: only incremental {:?}, only full {:?}",
            only(&inc_names, &fresh_names),
            only(&fresh_names, &inc_names)
        ));
    }
    // Pages before the output record, whose rows only follow from them.
    let mut pairs: Vec<_> = inc.iter().zip(&fresh).collect();
    pairs.sort_by_key(|((name, _), _)| name == cairn::output::MANIFEST);
    pairs
        .into_iter()
        .find(|((_, a), (_, b))| a != b)
        .map(|((name, a), (_, b))| {
            format!(
                "{name} differs:\n--- incremental\n{}\n--- full\n{}",
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b)
            )
        })
}

/// Rebuild incrementally after `changed`, then compare with a fresh full build.
#[track_caller]
pub(crate) fn assert_same(
    site: &TestSite,
    session: &mut Session,
    changed: &[&str],
) -> cairn::Report {
    let changed: Vec<String> = changed.iter().map(|s| s.to_string()).collect();
    let report = session
        .build(Some(&changed))
        .unwrap_or_else(|e| panic!("incremental build failed: {e:?}"));
    if let Some(difference) = first_difference(site) {
        panic!("after {changed:?}: {difference}");
    }
    report
}

#[test]
fn incremental_rebuilds_equal_full_builds_after_every_kind_of_edit() {
    let site = fixture();
    let mut session = Session::new(options(&site, "inc"), true);
    let first = session.build(None).unwrap();
    assert_eq!(
        first.rendered,
        first.files - 4,
        "everything rendered once (the theme's stylesheet, favicon and search script and one static file are copied)"
    );

    // A body-only edit renders the page and what shows its reading time or summary, not everything.
    site.write("content/articles/d.md", "+++\ntitle = \"Delta\"\ndate = 2026-01-03\nstage = \"awareness\"\nroles = [\"user\", \"buyer\"]\nindustries = [\"logistics\"]\n+++\nDelta text, revised.\n");
    let r = assert_same(&site, &mut session, &["articles/d.md"]);
    assert!(
        r.rendered < first.rendered / 2,
        "rendered {} of {}",
        r.rendered,
        first.rendered
    );

    // Title: every listing and the neighbours' "next for" links show it.
    site.write(
        "content/articles/a.md",
        std::fs::read_to_string(site.path("content/articles/a.md"))
            .unwrap()
            .replace("title = \"Alpha\"", "title = \"Alpha, renamed\""),
    );
    assert_same(&site, &mut session, &["articles/a.md"]);

    // Stage and roles: role paths, stage pages and "next for" change.
    site.write("content/articles/d.md", "+++\ntitle = \"Delta\"\ndate = 2026-01-03\nstage = \"decision\"\nroles = [\"decider\"]\nindustries = [\"energy\", \"logistics\"]\n+++\nDelta text, revised.\n");
    assert_same(&site, &mut session, &["articles/d.md"]);

    // Slug: the page moves; pages linking to it by source path get the new URL.
    site.write("content/articles/d.md", "+++\ntitle = \"Delta\"\ndate = 2026-01-03\nslug = \"delta-moved\"\nstage = \"decision\"\nroles = [\"decider\"]\n+++\nDelta text, revised.\n");
    assert_same(&site, &mut session, &["articles/d.md"]);
    assert!(site.path("inc/articles/delta-moved/index.html").exists());
    assert!(!site.path("inc/articles/d/index.html").exists());

    // A metric that other pages cite: their claims and the proof page change.
    site.write(
        "content/case-studies/c.md",
        std::fs::read_to_string(site.path("content/case-studies/c.md"))
            .unwrap()
            .replace("after = 60", "after = 45"),
    );
    assert_same(&site, &mut session, &["case-studies/c.md"]);
    assert!(
        std::fs::read_to_string(site.path("inc/articles/b/index.html"))
            .unwrap()
            .contains("reduced cost by 55%")
    );

    // New page, then a deleted one.
    site.write("content/articles/e.md", "+++\ntitle = \"Epsilon\"\ndate = 2026-02-01\nstage = \"retention\"\nroles = [\"user\"]\n+++\nNew.\n");
    assert_same(&site, &mut session, &["articles/e.md"]);
    std::fs::remove_file(site.path("content/articles/e.md")).unwrap();
    assert_same(&site, &mut session, &["articles/e.md"]);

    // A draft leaves the site; a case-study body edit; an unchanged save.
    site.write(
        "content/articles/a.md",
        std::fs::read_to_string(site.path("content/articles/a.md"))
            .unwrap()
            .replace("+++\nAlpha", "draft = true\n+++\nAlpha")
            .replace(
                "See [Beta](b.md) and [the case](../case-studies/c.md#metric-m).",
                "Drafting.",
            ),
    );
    site.write("content/articles/b.md", "+++\ntitle = \"Beta\"\ndate = 2026-01-02\nstage = \"consideration\"\nroles = [\"decider\"]\n+++\nBeta {{ claim(case=\"c\", metric=\"m\") }}.\n");
    assert_same(&site, &mut session, &["articles/a.md", "articles/b.md"]);
    site.write(
        "content/case-studies/c.md",
        std::fs::read_to_string(site.path("content/case-studies/c.md"))
            .unwrap()
            .replace("Case body.", "Case body, longer now."),
    );
    assert_same(&site, &mut session, &["case-studies/c.md"]);
    let r = assert_same(&site, &mut session, &["case-studies/c.md"]);
    assert_eq!(r.rendered, 0, "nothing changed, nothing rendered");

    // An error in between does not confuse the next good build.
    site.write("content/articles/b.md", "+++\ntitle = \"Beta\"\ndate = 2026-01-02\nstage = \"consideration\"\nroles = [\"decidr\"]\n+++\nBroken.\n");
    assert!(session.build(Some(&["articles/b.md".to_string()])).is_err());
    site.write("content/articles/b.md", "+++\ntitle = \"Beta\"\ndate = 2026-01-02\nstage = \"consideration\"\nroles = [\"decider\", \"gatekeeper\"]\n+++\nFixed.\n");
    assert_same(&site, &mut session, &["articles/b.md"]);
}

/// Whether a session's build put its edits into the last build's site (no reading of
/// site.toml or content/, no fingerprint of every file) rather than building the whole model.
fn patched(r: &cairn::Report) -> bool {
    let phases: Vec<&str> = r.timings.phases.iter().map(|(p, _)| *p).collect();
    phases == ["model and Markdown", "render and write", "swap output"]
}

/// A front-matter edit that leaves every index, URL and citation of the site as it was
/// (a title, a summary, a case study's figures) is put into the last build's site: the
/// page, the pages citing its figures and every output showing them are rendered, and
/// the output equals a full build's. An edit that changes the site's shape, or brings a
/// warning, goes the whole way.
#[test]
fn a_front_matter_edit_that_keeps_the_site_s_shape_is_patched_in() {
    let site = fixture();
    let mut session = Session::new(options(&site, "inc"), true);
    session.build(None).unwrap();
    let (a, c) = ("articles/a.md", "case-studies/c.md");
    let shown = |path: &str, text: &str| {
        let page = std::fs::read_to_string(site.path(path)).unwrap();
        assert!(page.contains(text), "{path} shows no {text:?}:\n{page}");
    };

    let r = save(
        &site,
        &mut session,
        a,
        &[("title = \"Alpha\"", "title = \"Alpha, renamed\"")],
        Some(true),
    );
    assert!(r.rendered > 1, "listings and neighbours show the title");
    shown("inc/roles/decider/index.html", "Alpha, renamed");
    let summary = ("+++\nAlpha", "summary = \"What Alpha says.\"\n+++\nAlpha");
    save(&site, &mut session, a, &[summary], Some(true));

    // The figures of a cited metric: the citing article's claim is worded anew; and
    // again, over the patched case study: claims now resolve against its new figures.
    save(
        &site,
        &mut session,
        c,
        &[("after = 60", "after = 45")],
        Some(true),
    );
    shown("inc/articles/b/index.html", "reduced cost by 55%");
    let r = save(
        &site,
        &mut session,
        "articles/b.md",
        &[("Beta {{", "Beta, again, {{")],
        None,
    );
    assert!(r.timings.phases.len() == 3, "{:?}", r.timings.phases);
    shown("inc/articles/b/index.html", "reduced cost by 55%");
    // A customer's name and a body at once.
    let customer = ("customer = \"C Corp\"", "customer = \"C Corporation\"");
    save(
        &site,
        &mut session,
        c,
        &[customer, ("Case body.", "Case body, longer.")],
        Some(true),
    );

    // Within a stage of a role's path, pages of one date are in title order: a title
    // that moves the page there changes the shape; one that keeps its place does not.
    site.write("content/articles/f.md", "+++\ntitle = \"Zeta\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"user\"]\n+++\nZeta.\n");
    assert_same(&site, &mut session, &["articles/f.md"]);
    save(
        &site,
        &mut session,
        "articles/f.md",
        &[("Zeta\"", "Aardvark\"")],
        Some(false),
    );
    save(
        &site,
        &mut session,
        "articles/f.md",
        &[("Aardvark\"", "Abacus\"")],
        Some(true),
    );

    // A stage, roles and industries move the page between listings, role paths and
    // industry pages; a case study moves too, and back, with its title.
    save(
        &site,
        &mut session,
        a,
        &[("stage = \"awareness\"", "stage = \"decision\"")],
        Some(true),
    );
    shown("inc/stages/decision/index.html", "Alpha, renamed");
    save(
        &site,
        &mut session,
        a,
        &[("roles = [\"decider\", \"user\"]", "roles = [\"buyer\"]")],
        Some(true),
    );
    let industries = (
        "industries = [\"energy\"]",
        "industries = [\"logistics\", \"energy\"]",
    );
    save(&site, &mut session, a, &[industries], Some(true));
    let moved = "stage = \"consideration\"\nroles = [\"user\"]";
    save(
        &site,
        &mut session,
        c,
        &[("roles = [\"decider\"]", moved)],
        Some(true),
    );
    let title = ("title = \"Case\"", "title = \"Case, moved back\"");
    save(
        &site,
        &mut session,
        c,
        &[(moved, "roles = [\"decider\"]"), title],
        Some(true),
    );
    save(
        &site,
        &mut session,
        c,
        &[("title = \"Case, moved back\"", "title = \"Case\"")],
        Some(true),
    );
    // The date moves it in the site's order, which every index refers to by position:
    // every index is numbered again; and back, further.
    let later = ("date = 2026-01-01", "date = 2026-01-05");
    save(&site, &mut session, a, &[later], Some(true));
    let earlier = ("date = 2026-01-05", "date = 2025-12-01");
    save(&site, &mut session, a, &[earlier], Some(true));

    // Evidence past its review date is a warning the report must carry: a full build;
    // while the page has a warning, edits of it go the whole way, and keep it.
    let review = (
        "source = \"ledger\"",
        "source = \"ledger\"\nreview_by = 2026-02-01",
    );
    let r = save(&site, &mut session, c, &[review], Some(false));
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    let r = save(
        &site,
        &mut session,
        c,
        &[("title = \"Case\"", "title = \"The case\"")],
        Some(false),
    );
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    let r = save(
        &site,
        &mut session,
        c,
        &[("\nreview_by = 2026-02-01", "")],
        None,
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);

    // An error is reported by a full build, and the next good save is patched again.
    let text = std::fs::read_to_string(site.path("content/articles/d.md")).unwrap();
    site.write(
        "content/articles/d.md",
        text.replacen("title = \"Delta\"", "title = \"\"", 1),
    );
    assert!(session.build(Some(&["articles/d.md".to_string()])).is_err());
    site.write("content/articles/d.md", text);
    assert_same(&site, &mut session, &["articles/d.md"]);
    let again = ("title = \"Delta\"", "title = \"Delta, again\"");
    save(&site, &mut session, "articles/d.md", &[again], Some(true));
}

/// Replace `from` (which must be there) by `to` once in the site's file `path`.
fn replace_in(site: &TestSite, path: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.path(path)).unwrap();
    assert!(text.contains(from), "{path} has no {from:?}");
    site.write(path, text.replacen(from, to, 1));
}

/// Replace in `content/<path>` each `(from, to)` of `edits` (once; each must be there),
/// rebuild with `session`, check the output against a full build and, when `patched`
/// says, whether the edit was patched in; gives the report.
fn save(
    site: &TestSite,
    session: &mut Session,
    path: &str,
    edits: &[(&str, &str)],
    patched: Option<bool>,
) -> cairn::Report {
    let file = format!("content/{path}");
    for (from, to) in edits {
        replace_in(site, &file, from, to);
    }
    let r = assert_same(site, session, &[path]);
    if let Some(expected) = patched {
        let phases = &r.timings.phases;
        assert_eq!(self::patched(&r), expected, "{path} {edits:?}: {phases:?}");
    }
    r
}

/// An edit that touches nothing but a body, and nothing a card, a link or a claim
/// elsewhere shows, re-renders that page alone; anything more goes the whole way.
#[test]
fn a_body_only_edit_renders_one_page_and_other_edits_still_match() {
    let site = fixture();
    let mut session = Session::new(options(&site, "inc"), true);
    session.build(None).unwrap();
    let delta = |body: &str| {
        format!(
            "+++\ntitle = \"Delta\"\ndate = 2026-01-03\nstage = \"awareness\"\nroles = [\"user\", \"buyer\"]\nindustries = [\"logistics\"]\n+++\n{body}"
        )
    };

    // A second paragraph: same summary, same reading time, no new headings or claims.
    site.write(
        "content/articles/d.md",
        delta("Delta text.\n\nA second paragraph.\n"),
    );
    let r = assert_same(&site, &mut session, &["articles/d.md"]);
    assert_eq!(r.rendered, 1, "only the page itself");
    site.write(
        "content/articles/d.md",
        delta("Delta text.\n\nThe second paragraph, again.\n"),
    );
    let r = assert_same(&site, &mut session, &["articles/d.md"]);
    assert_eq!(r.rendered, 1, "and again, over the patched page");

    // A new heading (other pages may link to its id) and a new claim (the case study's
    // "cited by" changes) go the whole way, and still match a full build.
    site.write(
        "content/articles/d.md",
        delta("Delta text.\n\n## A heading\n\nMore.\n"),
    );
    assert_same(&site, &mut session, &["articles/d.md"]);
    site.write(
        "content/articles/d.md",
        delta("Delta text.\n\n## A heading\n\nWe {{ claim(case=\"c\", metric=\"m\") }}.\n"),
    );
    let r = assert_same(&site, &mut session, &["articles/d.md"]);
    assert!(
        r.rendered > 1,
        "the case study and proof page show the citation"
    );
    assert!(
        std::fs::read_to_string(site.path("inc/proof/index.html"))
            .unwrap()
            .contains("Delta")
    );

    // A body edit that brings a warning, then a front-matter edit after a patched one.
    site.write("content/articles/d.md", delta("Delta text.\n\n## A heading\n\nWe {{ claim(case=\"c\", metric=\"m\") }}. We cut costs by 30%.\n"));
    let r = assert_same(&site, &mut session, &["articles/d.md"]);
    assert_eq!(r.warnings.len(), 1, "the unsourced claim: {:?}", r.warnings);
    site.write(
        "content/articles/d.md",
        delta("Delta text.\n\n## A heading\n\nWe {{ claim(case=\"c\", metric=\"m\") }}.\n"),
    );
    let r = assert_same(&site, &mut session, &["articles/d.md"]);
    assert!(r.warnings.is_empty());
    site.write(
        "content/articles/d.md",
        delta("Delta text.\n\n## A heading\n\nWe {{ claim(case=\"c\", metric=\"m\") }}, twice.\n"),
    );
    let r = assert_same(&site, &mut session, &["articles/d.md"]);
    assert_eq!(r.rendered, 1);
    site.write(
        "content/articles/d.md",
        std::fs::read_to_string(site.path("content/articles/d.md"))
            .unwrap()
            .replace("title = \"Delta\"", "title = \"Delta, renamed\""),
    );
    let r = assert_same(&site, &mut session, &["articles/d.md"]);
    assert!(r.rendered > 1, "listings show the title");
}

#[test]
fn a_draft_citing_a_metric_that_changed_meanwhile_is_rendered_anew_when_published() {
    let site = fixture();
    let mut session = Session::new(options(&site, "inc"), true);
    let echo = |draft: bool| {
        format!(
            "+++\ntitle = \"Echo\"\ndate = 2026-01-05\nstage = \"decision\"\nroles = [\"buyer\"]\ndraft = {draft}\n+++\nEcho {{{{ claim(case=\"c\", metric=\"m\") }}}}.\n"
        )
    };
    let case = |after: u32| {
        format!(
            "+++\ntitle = \"Case\"\ndate = 2026-01-04\nroles = [\"decider\"]\nindustries = [\"energy\"]\ncustomer = \"C Corp\"\n[[metrics]]\nid = \"m\"\nlabel = \"cost\"\nbefore = 100\nafter = {after}\nbetter = \"lower\"\nsource = \"ledger\"\n+++\nCase body.\n"
        )
    };
    site.write("content/articles/e.md", echo(false));
    session.build(None).unwrap();
    let echo_page = || std::fs::read_to_string(site.path("inc/articles/e/index.html")).unwrap();
    assert!(echo_page().contains("by 40%"), "{}", echo_page());
    site.write("content/articles/e.md", echo(true));
    assert_same(&site, &mut session, &["articles/e.md"]);
    // While Echo is a draft, the metric it cites changes, then something else does.
    site.write("content/case-studies/c.md", case(50));
    assert_same(&site, &mut session, &["case-studies/c.md"]);
    site.write("content/articles/d.md", "+++\ntitle = \"Delta\"\ndate = 2026-01-03\nstage = \"awareness\"\nroles = [\"user\", \"buyer\"]\nindustries = [\"logistics\"]\n+++\nDelta text, edited.\n");
    assert_same(&site, &mut session, &["articles/d.md"]);
    // Published again, Echo claims what the metric says now, not what it said.
    site.write("content/articles/e.md", echo(false));
    assert_same(&site, &mut session, &["articles/e.md"]);
    assert!(echo_page().contains("by 50%"), "{}", echo_page());
}

#[test]
fn a_stage_edit_renders_the_listings_that_show_it_not_every_page() {
    let site = fixture();
    let mut session = Session::new(options(&site, "inc"), true);
    let first = session.build(None).unwrap();
    let modified = |rel: &str| {
        std::fs::metadata(site.path(rel))
            .unwrap()
            .modified()
            .unwrap()
    };
    let about = modified("inc/about/index.html");
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.write("content/articles/d.md", "+++\ntitle = \"Delta\"\ndate = 2026-01-03\nstage = \"decision\"\nroles = [\"user\", \"buyer\"]\nindustries = [\"logistics\"]\n+++\nDelta text.\n");
    let r = assert_same(&site, &mut session, &["articles/d.md"]);
    // The stage counts changed, which only the home page and the stages index show (in
    // the default theme); a page that shows neither Delta's card nor a count is kept.
    assert!(
        r.rendered < first.rendered / 2,
        "rendered {} of {}",
        r.rendered,
        first.rendered
    );
    assert_eq!(
        modified("inc/about/index.html"),
        about,
        "about/ was not rendered again"
    );
}

#[test]
fn a_claim_that_failed_is_rendered_again_once_its_case_study_is_fixed() {
    let site = fixture();
    let mut session = Session::new(options(&site, "inc"), true);
    // Beta has a shortcode that works beside the claim.
    site.write("content/articles/b.md", "+++\ntitle = \"Beta\"\ndate = 2026-01-02\nstage = \"consideration\"\nroles = [\"decider\"]\n+++\n{{ callout(text=\"Read this first.\") }}\n\nBeta {{ claim(case=\"c\", metric=\"m\") }}. Back to [Alpha](a.md#part-one).\n");
    session.build(None).unwrap();
    let case = |id: &str| {
        format!(
            "+++\ntitle = \"Case\"\ndate = 2026-01-04\nroles = [\"decider\"]\nindustries = [\"energy\"]\ncustomer = \"C Corp\"\n[[metrics]]\nid = \"{id}\"\nlabel = \"cost\"\nbefore = 100\nafter = 60\nbetter = \"lower\"\nsource = \"ledger\"\n+++\nCase body.\n"
        )
    };
    // The metric Beta cites (and Alpha links to) is renamed: the build fails.
    site.write("content/case-studies/c.md", case("m2"));
    let failed = session.build(Some(&["case-studies/c.md".to_string()]));
    assert!(
        failed.is_err(),
        "a claim citing a metric that is gone fails"
    );
    // Renamed back: Beta's claim renders again, as in a fresh build.
    site.write("content/case-studies/c.md", case("m"));
    assert_same(&site, &mut session, &["case-studies/c.md"]);
}

#[test]
fn a_link_to_an_industry_page_that_front_matter_removes_fails_as_in_a_full_build() {
    // No declared industries: they come from the pages, and so do their URLs.
    let site = TestSite::new()
        .file("site.toml", SITE_TOML)
        .file("content/articles/a.md", "+++\ntitle = \"Alpha\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"decider\"]\n+++\nSee [energy](/industries/energy/).\n")
        .file("content/articles/d.md", "+++\ntitle = \"Delta\"\ndate = 2026-01-03\nstage = \"awareness\"\nroles = [\"user\"]\nindustries = [\"energy\"]\n+++\nDelta text.\n");
    let mut session = Session::new(options(&site, "inc"), true);
    session.build(None).unwrap();
    site.write("content/articles/d.md", "+++\ntitle = \"Delta\"\ndate = 2026-01-03\nstage = \"awareness\"\nroles = [\"user\"]\nindustries = [\"logistics\"]\n+++\nDelta text.\n");
    let full = cairn::build(&options(&site, "full"));
    let Err(cairn::BuildError::Content(full)) = full else {
        panic!("a fresh build fails: /industries/energy/ is gone");
    };
    let inc = session.build(Some(&["articles/d.md".to_string()]));
    let Err(cairn::BuildError::Content(inc)) = inc else {
        panic!("the incremental build fails too");
    };
    let messages = |ds: &[cairn::diagnostics::Diagnostic]| {
        ds.iter().map(|d| d.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(messages(&inc), messages(&full));
}

#[test]
fn a_session_following_the_clock_publishes_a_scheduled_page_once_its_time_comes() {
    let site = fixture();
    let soon = jiff::Timestamp::now() + std::time::Duration::from_secs(2);
    let soon = soon.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    site.write("content/articles/soon.md", format!("+++\ntitle = \"Soon\"\ndate = {soon}\nstage = \"awareness\"\nroles = [\"user\"]\n+++\nSoon text.\n"));
    let mut session = Session::new(options(&site, "inc"), true).following_the_clock();
    session.build(None).unwrap();
    let page = site.path("inc/articles/soon/index.html");
    assert!(!page.exists(), "scheduled for later: not published yet");
    std::thread::sleep(std::time::Duration::from_millis(3100));
    // An edit of another page's body: the site now has one more page, so not a patch.
    site.write("content/articles/d.md", "+++\ntitle = \"Delta\"\ndate = 2026-01-03\nstage = \"awareness\"\nroles = [\"user\", \"buyer\"]\nindustries = [\"logistics\"]\n+++\nDelta text.\n\nAnd more.\n");
    session.build(Some(&["articles/d.md".to_string()])).unwrap();
    assert!(page.exists(), "its time has come: published");
}

/// A case study whose metrics come from `data/c.csv`, and a page template showing a
/// value of `data/team.json`: after an edit of either, the session (which reads every
/// page again after a data edit, as serve does) writes what a full build writes.
#[test]
fn an_edit_of_a_data_file_rebuilds_like_a_full_build() {
    let csv = |after: u32| {
        format!("id,label,before,after,better,source\nm,cost,100,{after},lower,ledger\n")
    };
    let site = fixture()
        .file("content/case-studies/c.md", "+++\ntitle = \"Case\"\ndate = 2026-01-04\nroles = [\"decider\"]\nindustries = [\"energy\"]\ncustomer = \"C Corp\"\nmetrics_from = \"c.csv\"\n+++\nCase body.\n")
        .file("data/c.csv", csv(60))
        .file("data/team.json", "{\"lead\": \"Ada\"}")
        .with_plain_theme()
        .file(
            "templates/page.html",
            "{{ page.title }}, led by {{ data.team.lead }}\n",
        );
    let mut session = Session::new(options(&site, "inc"), true);
    session.build(None).unwrap();
    let read = |path: &str| std::fs::read_to_string(site.path(path)).unwrap();
    assert!(read("inc/articles/b/index.html").contains("reduced cost by 40%"));
    let rebuild = |session: &mut Session| {
        let report = session.build(None);
        if let Some(difference) = first_difference(&site) {
            panic!("{difference}");
        }
        report
    };

    // The CSV: the case study, the claim citing it and the proof page change.
    site.write("data/c.csv", csv(45));
    rebuild(&mut session).unwrap();
    assert!(read("inc/articles/b/index.html").contains("reduced cost by 55%"));

    // A JSON file a template shows.
    site.write("data/team.json", "{\"lead\": \"Grace\"}");
    rebuild(&mut session).unwrap();
    assert_eq!(read("inc/about/index.html"), "About, led by Grace\n");

    // A content edit after data edits; then a bad cell, and the CSV fixed again.
    site.write(
        "content/about.md",
        "+++\ntitle = \"About us\"\n+++\nAbout [Delta](articles/d.md).\n",
    );
    assert_same(&site, &mut session, &["about.md"]);
    site.write("data/c.csv", csv(45).replace(",45,", ",4 5,"));
    assert!(session.build(None).is_err());
    site.write("data/c.csv", csv(30));
    rebuild(&mut session).unwrap();
    assert!(read("inc/articles/b/index.html").contains("reduced cost by 70%"));
}

/// A rebuild that makes the same files as the last one updates the kept fingerprints
/// in place (and the sitemap's entries page by page); one that adds or removes a file
/// makes them all again. Either way, every later build still matches a full build.
#[test]
fn fingerprints_kept_in_place_stay_right_over_a_run_of_edits() {
    let site = fixture();
    let mut session = Session::new(options(&site, "inc"), true);
    session.build(None).unwrap();
    let delta = |front: &str| {
        format!(
            "+++\ntitle = \"Delta\"\n{front}stage = \"awareness\"\nroles = [\"user\", \"buyer\"]\nindustries = [\"logistics\"]\n+++\nDelta text.\n"
        )
    };
    let sitemap = || std::fs::read_to_string(site.path("inc/sitemap.xml")).unwrap();

    // `updated` shows in the sitemap only: its entry for Delta is made again.
    site.write(
        "content/articles/d.md",
        delta("date = 2026-01-03\nupdated = 2026-03-09\n"),
    );
    assert_same(&site, &mut session, &["articles/d.md"]);
    assert!(sitemap().contains("2026-03-09"), "{}", sitemap());
    // A date that moves Delta to the end of the site's order, then back.
    site.write("content/articles/d.md", delta("date = 2025-12-01\n"));
    assert_same(&site, &mut session, &["articles/d.md"]);
    assert!(!sitemap().contains("2026-03-09"), "{}", sitemap());
    site.write("content/articles/d.md", delta("date = 2026-01-03\n"));
    assert_same(&site, &mut session, &["articles/d.md"]);
    let r = assert_same(&site, &mut session, &["articles/d.md"]);
    assert_eq!(r.rendered, 0, "saved unchanged: nothing rendered");

    // A new page (new files: fingerprints made whole), edits over it, then it goes.
    let epsilon = |title: &str| {
        format!(
            "+++\ntitle = \"{title}\"\ndate = 2026-02-01\nstage = \"retention\"\nroles = [\"user\"]\n+++\nNew.\n"
        )
    };
    site.write("content/articles/e.md", epsilon("Epsilon"));
    assert_same(&site, &mut session, &["articles/e.md"]);
    site.write("content/articles/e.md", epsilon("Epsilon, renamed"));
    assert_same(&site, &mut session, &["articles/e.md"]);
    site.write("content/articles/d.md", delta("date = 2026-02-02\n"));
    assert_same(&site, &mut session, &["articles/d.md"]);
    std::fs::remove_file(site.path("content/articles/e.md")).unwrap();
    assert_same(&site, &mut session, &["articles/e.md"]);
    site.write("content/articles/d.md", delta("date = 2026-01-03\n"));
    assert_same(&site, &mut session, &["articles/d.md"]);
}

/// Where site.toml declares no industries, each takes its name from the first page
/// that names it, as written there: a page naming its industry otherwise renames it
/// on every page that shows it, which a patch of that page alone must not miss.
#[test]
fn a_page_that_names_an_undeclared_industry_anew_renames_it_everywhere() {
    let article = |industry: &str| {
        format!(
            "+++\ntitle = \"Alpha\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"user\"]\nindustries = [\"{industry}\"]\n+++\nAlpha text.\n"
        )
    };
    let site = TestSite::new()
        .file("content/articles/a.md", article("Oil and Gas"))
        .file("content/articles/b.md", "+++\ntitle = \"Beta\"\ndate = 2026-01-02\nstage = \"awareness\"\nroles = [\"user\"]\nindustries = [\"oil-and-gas\"]\n+++\nBeta text.\n");
    let mut session = Session::new(options(&site, "inc"), true);
    session.build(None).unwrap();
    let listing =
        || std::fs::read_to_string(site.path("inc/industries/oil-and-gas/index.html")).unwrap();
    assert!(listing().contains("Oil and Gas"), "{}", listing());

    site.write("content/articles/a.md", article("OIL AND GAS"));
    assert_same(&site, &mut session, &["articles/a.md"]);
    assert!(listing().contains("OIL AND GAS"), "{}", listing());
    // Named as the site names it: patched in.
    site.write(
        "content/articles/a.md",
        article("OIL AND GAS").replace("\"Alpha\"", "\"Alpha, renamed\""),
    );
    let r = assert_same(&site, &mut session, &["articles/a.md"]);
    assert!(patched(&r), "{:?}", r.timings.phases);
}

/// Front-matter edits of a site with email editions, aliases, a featured case study
/// with quotes and review dates, claims in several forms and a warning elsewhere: each
/// is patched in, and output and warnings equal a full build's; evidence brought past
/// its review date (a warning) goes the whole way, and so does the next edit of it.
#[test]
fn front_matter_patches_keep_output_and_warnings_those_of_a_full_build() {
    let case = |extra: &str| {
        format!(
            "+++\naliases = [\"/old/case/\"]\ntitle = \"Case\"\ndate = 2026-01-04\nroles = [\"decider\"]\nindustries = [\"energy\"]\ncustomer = \"C Corp\"\nfeatured = true\napproved = 2026-01-15\n{extra}[[metrics]]\nid = \"m\"\nlabel = \"cost\"\nbefore = 100\nafter = 60\nbetter = \"lower\"\nsource = \"ledger\"\nas_of = 2026-01-01\nreview_by = 2026-12-01\n[[quotes]]\ntext = \"Great.\"\nname = \"Q\"\nreview_by = 2026-12-31\n[[quotes]]\ntext = \"Later.\"\nname = \"P\"\napproval = \"pending\"\n+++\nCase body.\n"
        )
    };
    let site = TestSite::new()
        .file("site.toml", format!("{SITE_TOML}[email]\nenabled = true\n[[industries]]\nid = \"energy\"\nname = \"Energy\"\n"))
        .file("content/articles/a.md", "+++\naliases = [\"/old/a/\"]\ntitle = \"Alpha\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"decider\", \"user\"]\nindustries = [\"energy\"]\n+++\nAlpha text cites {{ claim(case=\"c\", metric=\"m\") }}.\n")
        .file("content/articles/b.md", "+++\ntitle = \"Beta\"\ndate = 2026-01-02\nstage = \"awareness\"\nroles = [\"decider\"]\n+++\nBeta {{ claim(case=\"c\", metric=\"m\", form=\"change\") }}.\n")
        .file("content/articles/d.md", "+++\ntitle = \"Delta\"\ndate = 2026-01-03\nstage = \"consideration\"\nroles = [\"user\", \"decider\"]\nindustries = [\"energy\"]\n+++\nDelta text.\n")
        .file("content/case-studies/c.md", case(""))
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nWe cut costs by 40% for everyone.\n");
    let mut session = Session::new(options(&site, "inc"), true);
    session.build(None).unwrap();
    let edit = |path: &str, from: &str, to: &str| replace_in(&site, path, from, to);
    let steps: &[(&str, &str, &str)] = &[
        (
            "content/articles/a.md",
            "title = \"Alpha\"",
            "title = \"Alpha 2\"",
        ),
        (
            "content/articles/a.md",
            "+++\nAlpha",
            "summary = \"S\"\nauthor = \"Ann\"\nupdated = 2026-02-01\n+++\nAlpha",
        ),
        (
            "content/articles/d.md",
            "title = \"Delta\"",
            "title = \"Delta 2\"",
        ),
        (
            "content/case-studies/c.md",
            "label = \"cost\"",
            "label = \"costs\"\nperiod = \"a year\"",
        ),
        (
            "content/case-studies/c.md",
            "source = \"ledger\"",
            "source = \"books\"",
        ),
        (
            "content/case-studies/c.md",
            "title = \"Case\"",
            "title = \"Case 2\"",
        ),
        (
            "content/case-studies/c.md",
            "name = \"Q\"",
            "name = \"Quinn\"\ntitle = \"CTO\"",
        ),
        (
            "content/case-studies/c.md",
            "approval = \"pending\"",
            "approved = 2026-02-01",
        ),
        (
            "content/case-studies/c.md",
            "review_by = 2026-12-01",
            "review_by = 2026-07-01",
        ),
        (
            "content/articles/b.md",
            "title = \"Beta\"",
            "title = \"Beta 2\"",
        ),
        (
            "content/articles/b.md",
            "+++\nBeta",
            "summary = \"Bee\"\n+++\nBeta",
        ),
        (
            "content/case-studies/c.md",
            "customer = \"C Corp\"",
            "customer = \"C Inc\"",
        ),
        ("content/case-studies/c.md", "after = 60", "after = 50"),
        (
            "content/articles/a.md",
            "title = \"Alpha 2\"",
            "title = \"Alpha\"",
        ),
        (
            "content/case-studies/c.md",
            "name = \"P\"",
            "name = \"P\"\nreview_by = 2026-03-01",
        ),
        (
            "content/case-studies/c.md",
            "text = \"Later.\"",
            "text = \"Later, now.\"",
        ),
    ];
    let mut not = Vec::new();
    for (k, (path, from, to)) in steps.iter().enumerate() {
        edit(path, from, to);
        let r = assert_same(
            &site,
            &mut session,
            &[path.strip_prefix("content/").unwrap()],
        );
        if !patched(&r) {
            not.push(k);
        }
        let full = cairn::build(&options(&site, "full")).unwrap();
        let messages = |ds: &[cairn::diagnostics::Diagnostic]| {
            ds.iter().map(|d| d.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(messages(&r.warnings), messages(&full.warnings), "step {k}");
    }
    assert_eq!(not, [14, 15], "the steps not patched");
}

/// In a `--drafts` session, front-matter edits of a draft, a page scheduled for later and
/// a case study pending approval (with a pending quote) are patched in, and the output
/// equals a full `--drafts` build's.
#[test]
fn front_matter_patches_in_a_drafts_session_equal_a_full_drafts_build() {
    let site = fixture()
        .file("content/articles/e.md", "+++\ntitle = \"Eps\"\ndate = 2026-01-05\nstage = \"awareness\"\nroles = [\"decider\"]\ndraft = true\n+++\nEps {{ claim(case=\"p\", metric=\"m\") }}.\n")
        .file("content/articles/f.md", "+++\ntitle = \"Fut\"\ndate = 2026-09-05\nstage = \"awareness\"\nroles = [\"decider\"]\n+++\nFut.\n")
        .file("content/case-studies/p.md", "+++\ntitle = \"Pend\"\ndate = 2026-01-04\nroles = [\"decider\"]\ncustomer = \"P Corp\"\napproval = \"pending\"\n[[metrics]]\nid = \"m\"\nlabel = \"cost\"\nbefore = 100\nafter = 60\nbetter = \"lower\"\nsource = \"ledger\"\n[[quotes]]\ntext = \"Later.\"\nname = \"P\"\napproval = \"pending\"\n+++\nPend.\n");
    let mut o = options(&site, "inc");
    o.drafts = true;
    let mut session = Session::new(o, true);
    session.build(None).unwrap();
    let edit = |path: &str, from: &str, to: &str| replace_in(&site, path, from, to);
    let steps: &[(&str, &str, &str)] = &[
        (
            "content/articles/e.md",
            "title = \"Eps\"",
            "title = \"Eps 2\"",
        ),
        (
            "content/articles/f.md",
            "title = \"Fut\"",
            "title = \"Fut 2\"",
        ),
        ("content/case-studies/p.md", "after = 60", "after = 40"),
        (
            "content/case-studies/p.md",
            "name = \"P\"",
            "name = \"Pat\"",
        ),
        (
            "content/case-studies/p.md",
            "title = \"Pend\"",
            "title = \"Pending\"",
        ),
    ];
    let mut not = Vec::new();
    for (k, (path, from, to)) in steps.iter().enumerate() {
        edit(path, from, to);
        let r = session
            .build(Some(&[path.strip_prefix("content/").unwrap().to_string()]))
            .unwrap();
        if !patched(&r) {
            not.push(k);
        }
        let full = site.path("full");
        let _ = std::fs::remove_dir_all(&full);
        let mut o = options(&site, "full");
        o.drafts = true;
        cairn::build(&o).unwrap();
        let (inc, fresh) = (read_output(&site.path("inc")), read_output(&full));
        for ((n, a), (m, b)) in inc.iter().zip(&fresh) {
            assert_eq!(n, m);
            assert!(
                a == b,
                "step {k}: {n} differs\n{}\n----\n{}",
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b)
            );
        }
        assert_eq!(inc.len(), fresh.len());
    }
    assert!(not.is_empty(), "not patched: {not:?}");
}

/// A case study whose figures came from `data/` with one past its review date has a
/// warning that points into the CSV: once it gives its figures in its front matter
/// instead (the same metric ids, no review date), the warning goes, as in a full build.
#[test]
fn figures_moved_from_a_csv_past_its_review_date_into_front_matter_drop_its_warning() {
    let front = |metrics: &str| {
        format!(
            "+++\ntitle = \"Case\"\ndate = 2026-01-04\nroles = [\"decider\"]\nindustries = [\"energy\"]\ncustomer = \"C Corp\"\n{metrics}+++\nCase body.\n"
        )
    };
    let site = fixture()
        .file("content/case-studies/c.md", front("metrics_from = \"c.csv\"\n"))
        .file(
            "data/c.csv",
            "id,label,before,after,better,source,as_of,review_by\nm,cost,100,60,lower,ledger,2026-01-01,2026-02-01\n",
        );
    let mut session = Session::new(options(&site, "inc"), true);
    let first = session.build(None).unwrap();
    assert_eq!(first.warnings.len(), 1, "{:?}", first.warnings);
    site.write(
        "content/case-studies/c.md",
        front("[[metrics]]\nid = \"m\"\nlabel = \"cost\"\nbefore = 100\nafter = 60\nbetter = \"lower\"\nsource = \"ledger\"\n"),
    );
    let r = assert_same(&site, &mut session, &["case-studies/c.md"]);
    let full = cairn::build(&options(&site, "full")).unwrap();
    assert!(full.warnings.is_empty(), "{:?}", full.warnings);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

/// Where a page's aliases and image are written in its file is no part of the site's
/// shape: a longer title above them is patched in.
#[test]
fn a_title_above_aliases_and_an_image_is_patched_in() {
    let article = |title: &str| {
        format!(
            "+++\ntitle = \"{title}\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"user\"]\naliases = [\"/old/alpha/\"]\nimage = \"https://cdn.example.test/alpha.png\"\nimage_alt = \"A pump\"\n+++\nAlpha text.\n"
        )
    };
    let site = fixture().file("content/articles/g.md", article("Alpha"));
    let mut session = Session::new(options(&site, "inc"), true);
    session.build(None).unwrap();
    site.write("content/articles/g.md", article("Alpha, renamed at length"));
    let r = assert_same(&site, &mut session, &["articles/g.md"]);
    assert!(patched(&r), "{:?}", r.timings.phases);
    let alias = std::fs::read_to_string(site.path("inc/old/alpha/index.html")).unwrap();
    assert!(alias.contains("Alpha, renamed at length"), "{alias}");
}

/// A session following the clock: a quote whose approval comes into force meanwhile is
/// shown by the next build, even one that patches an edit in (the last build's "now" no
/// longer holds).
#[test]
fn a_quote_approved_meanwhile_shows_once_its_time_comes_in_a_patched_edit() {
    let soon = jiff::Timestamp::now() + std::time::Duration::from_secs(2);
    let soon = soon.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let site = fixture();
    let case = std::fs::read_to_string(site.path("content/case-studies/c.md")).unwrap();
    let quote =
        format!("[[quotes]]\ntext = \"Worth every hour.\"\nname = \"Q\"\napproved = {soon}\n+++");
    site.write(
        "content/case-studies/c.md",
        case.replacen("+++\nCase", &format!("{quote}\nCase"), 1),
    );
    let mut session = Session::new(options(&site, "inc"), true).following_the_clock();
    session.build(None).unwrap();
    let page = || std::fs::read_to_string(site.path("inc/case-studies/c/index.html")).unwrap();
    assert!(
        !page().contains("Worth every hour."),
        "approved later: not shown yet"
    );
    std::thread::sleep(std::time::Duration::from_millis(3100));
    let case = std::fs::read_to_string(site.path("content/case-studies/c.md")).unwrap();
    site.write(
        "content/case-studies/c.md",
        case.replacen("title = \"Case\"", "title = \"The case\"", 1),
    );
    session
        .build(Some(&["case-studies/c.md".to_string()]))
        .unwrap();
    assert!(
        page().contains("Worth every hour."),
        "approved now: shown\n{}",
        page()
    );
}
