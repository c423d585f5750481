//! Content-team tools: `check`, `audit`, `new`, `init`.

use crate::harness::*;

fn gap_site() -> TestSite {
    TestSite::new()
        .file("site.toml", format!("{SITE_TOML}[[industries]]\nid = \"energy\"\nname = \"Energy\"\n[[industries]]\nid = \"logistics\"\nname = \"Logistics\"\n[audit]\nrequire = [\"*:decision\"]\n"))
        .file("content/articles/a.md", "+++\ntitle = \"A\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"decider\", \"user\"]\nindustries = [\"energy\"]\n+++\nx\n")
        .file("content/articles/b.md", "+++\ntitle = \"B\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"decider\"]\n+++\nx\n")
        .file(
            "content/case-studies/c.md",
            "+++\ntitle = \"C\"\ndate = 2026-01-01\nroles = [\"decider\"]\nindustries = [\"energy\"]\ncustomer = \"C Corp\"\n[[metrics]]\nid = \"m\"\nlabel = \"cost\"\nbefore = 10\nafter = 5\nbetter = \"lower\"\nsource = \"ledger\"\n[[metrics]]\nid = \"n\"\nlabel = \"speed\"\nbefore = 1\nafter = 2\nbetter = \"higher\"\nsource = \"log\"\n+++\nWe {{ claim(case=\"c\", metric=\"m\") }}.\n",
        )
}

#[test]
fn check_is_clean_on_a_good_site_and_writes_nothing() {
    let s = gap_site();
    let run = s.cairn(&["check"]).success();
    assert_eq!(run.stdout, "checked 3 pages: no errors\n");
    assert!(!s.path("public").exists());
}

#[test]
fn check_turns_unsourced_claims_into_errors_and_reports_json() {
    let s = gap_site().file("content/articles/d.md", "+++\ntitle = \"D\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"user\"]\n+++\nWe cut costs by 30%.\n\nSee [x](nope.md).\n");
    let run = s.cairn(&["check"]).failure();
    assert!(
        run.stderr
            .contains("content/articles/d.md:7:4: error: unsourced claim: \"cut costs by 30%\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with("check failed: 2 errors\n"),
        "{}",
        run.stderr
    );
    // build only warns about the claim (and fails on the link).
    let build = s.build().failure();
    assert!(
        build
            .stderr
            .contains("content/articles/d.md:7:4: warning: unsourced claim"),
        "{}",
        build.stderr
    );

    let json = s.cairn(&["check", "--format", "json"]).failure();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON on stdout");
    assert_eq!(v["version"], 1);
    assert_eq!(v["errors"], 2);
    assert_eq!(v["warnings"], 0);
    assert_eq!(
        v["diagnostics"][0],
        serde_json::json!({
            "file": "content/articles/d.md", "line": 7, "column": 4, "severity": "error", "code": "unsourced-claim",
            "message": "unsourced claim: \"cut costs by 30%\"",
            "hint": "compute it from a case study: {{ claim(case=\"<case-study>\", metric=\"<id>\") }}; or mark the paragraph with <!-- cairn:allow-unsourced -->",
            "source_line": "We cut costs by 30%."
        })
    );
    assert_eq!(v["diagnostics"][1]["code"], "link-broken");
    assert_eq!(v["diagnostics"][1]["line"], 9);
}

#[test]
fn check_catches_template_errors_at_render_time() {
    let s = gap_site()
        .file("templates/page.html", "{{ page.no_such_field }}")
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\n");
    let run = s.cairn(&["check"]).failure();
    assert!(
        run.stderr.starts_with("templates/page.html"),
        "{}",
        run.stderr
    );
}

#[test]
fn audit_reports_the_exact_matrix_gaps_and_unmet_requirements() {
    let s = gap_site();
    let run = s.cairn(&["audit", "--format", "json"]);
    assert_eq!(run.code, 1, "unmet requirements exit 1\n{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    // Roles in default order: initiator, user, influencer, decider, approver, buyer, gatekeeper.
    assert_eq!(
        v["overall"]["cells"],
        serde_json::json!([
            [0, 0, 0, 0],
            [1, 0, 0, 0],
            [0, 0, 0, 0],
            [2, 0, 1, 0],
            [0, 0, 0, 0],
            [0, 0, 0, 0],
            [0, 0, 0, 0]
        ])
    );
    assert_eq!(v["by_industry"][0]["industry"], "energy");
    assert_eq!(
        v["by_industry"][0]["cells"][3],
        serde_json::json!([1, 0, 1, 0])
    );
    assert_eq!(
        v["by_industry"][1]["cells"][3],
        serde_json::json!([0, 0, 0, 0])
    );
    assert_eq!(v["gaps"].as_array().unwrap().len(), 28 - 3);
    assert_eq!(v["path_lengths"], serde_json::json!([0, 1, 0, 3, 0, 0, 0]));
    assert_eq!(
        v["industries_without_case_study"],
        serde_json::json!(["logistics"])
    );
    assert_eq!(
        v["uncited_metrics"],
        serde_json::json!([{ "case_study": "c", "metric": "n", "label": "speed" }])
    );
    let unmet: Vec<&str> = v["unmet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert_eq!(
        unmet,
        [
            "initiator × decision: 0 of 1 required",
            "user × decision: 0 of 1 required",
            "influencer × decision: 0 of 1 required",
            "approver × decision: 0 of 1 required",
            "buyer × decision: 0 of 1 required",
            "gatekeeper × decision: 0 of 1 required"
        ]
    );

    let text = s.cairn(&["audit"]);
    assert_eq!(text.code, 1);
    assert!(text.stdout.starts_with(
        "All content: roles × stages (published articles and case studies)\n\n            awareness  consideration  decision  retention  total\ninitiator           ·              ·         ·          ·      0  ! 4 empty\nuser                1              ·         ·          ·      1  ! 3 empty\n"
    ), "{}", text.stdout);
    assert!(
        text.stdout.contains(
            "decider             2              ·         1          ·      3  ! 2 empty\n"
        )
    );
    assert!(text.stdout.contains(
        "Industries without a case study: logistics\nCase-study metrics not cited anywhere: c#n\n"
    ));
    assert!(
        text.stdout
            .contains("Unmet [audit] requirements (6):\n  initiator × decision: 0 of 1 required\n")
    );

    let energy = s.cairn(&["audit", "--industry", "energy"]);
    assert!(
        energy
            .stdout
            .starts_with("Industry energy: roles × stages\n"),
        "{}",
        energy.stdout
    );
    assert!(
        energy
            .stdout
            .contains("  decider × consideration [energy]: 0 pages\n")
    );
    let bad = s.cairn(&["audit", "--industry", "enrgy"]);
    assert_eq!(
        bad.stderr,
        "error: unknown industry `enrgy`: did you mean `energy`?\n"
    );
}

#[test]
fn audit_passes_when_requirements_are_met() {
    let s = gap_site().file(
        "site.toml",
        format!("{SITE_TOML}[audit]\nrequire = [\"decider:awareness\", \"decider:decision\"]\n"),
    );
    let run = s.cairn(&["audit"]).success();
    assert!(!run.stdout.contains("Unmet"), "{}", run.stdout);
}

#[test]
fn audit_html_report_is_self_contained_and_shows_the_heat_map() {
    let s = gap_site();
    let report = s.path("audit.html");
    s.cairn(&["audit", "--html", report.to_str().unwrap()]);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        !html.contains("src=") && !html.contains("<link"),
        "no external assets"
    );
    let Some(b) = crate::browser::browser() else {
        return;
    };
    b.goto(&format!("file://{}", report.display()));
    assert_eq!(
        b.js("return document.querySelectorAll('table.heat').length"),
        3
    );
    let all = "table.heat[data-industry=all]";
    assert_eq!(
        b.js(&format!(
            "return document.querySelectorAll('{all} td').length"
        )),
        28
    );
    assert_eq!(
        b.js(&format!(
            "return document.querySelectorAll('{all} td.empty').length"
        )),
        25
    );
    assert_eq!(b.js(&format!("return document.querySelector('{all} td[data-role=decider][data-stage=awareness]').textContent")), "2");
    let filled = b.js(&format!("return getComputedStyle(document.querySelector('{all} td[data-role=decider][data-stage=awareness]')).backgroundColor"));
    let empty = b.js(&format!("return getComputedStyle(document.querySelector('{all} td[data-role=gatekeeper][data-stage=decision]')).backgroundColor"));
    assert_eq!(
        filled, "rgb(13, 95, 117)",
        "the fullest cell is the darkest"
    );
    assert_eq!(empty, "rgb(254, 226, 226)", "empty cells stand out");
    assert_eq!(
        b.js("return document.querySelectorAll('ul.gaps li').length"),
        25
    );
    assert_eq!(
        b.js("return document.querySelector('ul.uncited').innerText.trim()"),
        "c — speed (n)"
    );
}

#[test]
fn init_then_check_build_new_check_stays_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mysite");
    let run: Run = std::process::Command::new(cairn_bin())
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap()
        .into();
    let run = run.success();
    assert!(
        run.stdout
            .contains("  site.toml\n  content/articles/welcome.md\n"),
        "{}",
        run.stdout
    );
    let root = dir.to_str().unwrap();
    let cairn = |args: &[&str]| -> Run {
        std::process::Command::new(cairn_bin())
            .args(args)
            .output()
            .unwrap()
            .into()
    };
    assert_eq!(
        cairn(&["check", "--root", root]).success().stdout,
        "checked 3 pages: no errors\n"
    );
    cairn(&["build", "--root", root]).success();
    let article = std::fs::read_to_string(dir.join("public/articles/welcome/index.html")).unwrap();
    assert!(article.contains(">reduced unplanned downtime by 41%</a>"));
    assert!(
        cairn(&["audit", "--root", root])
            .success()
            .stdout
            .contains("Gaps (14):")
    );

    let new = cairn(&[
        "new",
        "article",
        "Ten questions IT will ask",
        "--stage",
        "consideration",
        "--role",
        "approver",
        "--industry",
        "logistics",
        "--root",
        root,
    ])
    .success();
    assert_eq!(
        new.stdout,
        format!(
            "created {root}/content/articles/ten-questions-it-will-ask.md (a draft: set draft = false to publish)\n"
        )
    );
    cairn(&[
        "new",
        "case-study",
        "Acme Steel",
        "--role",
        "decider",
        "--root",
        root,
    ])
    .success();
    cairn(&["new", "page", "Contact", "--root", root]).success();
    assert_eq!(
        cairn(&["check", "--root", root, "--drafts"])
            .success()
            .stdout,
        "checked 6 pages: no errors\n"
    );

    // Never overwrites; validates vocabularies with suggestions.
    let again = cairn(&[
        "new",
        "article",
        "Ten questions IT will ask",
        "--root",
        root,
    ]);
    assert_eq!(again.code, 2);
    assert_eq!(
        again.stderr,
        "error: content/articles/ten-questions-it-will-ask.md already exists; choose another title, or edit that file\n"
    );
    let typo = cairn(&["new", "article", "X", "--role", "aprover", "--root", root]);
    assert_eq!(
        typo.stderr,
        "error: unknown role `aprover`: did you mean `approver`?\n"
    );
    assert!(!dir.join("content/articles/x.md").exists());

    // init refuses a non-empty folder unless --force, and keeps existing files then.
    let refused = cairn(&["init", root]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("is not empty; choose a new folder, or pass --force"),
        "{}",
        refused.stderr
    );
    let before = std::fs::read_to_string(dir.join("site.toml")).unwrap();
    std::fs::write(dir.join("site.toml"), format!("{before}\n# mine\n")).unwrap();
    cairn(&["init", root, "--force"]).success();
    assert!(
        std::fs::read_to_string(dir.join("site.toml"))
            .unwrap()
            .ends_with("# mine\n")
    );
}

#[test]
fn every_command_has_help_with_examples() {
    for cmd in [
        "build",
        "serve",
        "check",
        "audit",
        "inventory",
        "new",
        "init",
    ] {
        let run: Run = std::process::Command::new(cairn_bin())
            .args([cmd, "--help"])
            .output()
            .unwrap()
            .into();
        let run = run.success();
        assert!(
            run.stdout.contains("Examples:"),
            "{cmd} --help has no examples:\n{}",
            run.stdout
        );
        assert!(run.stdout.contains(&format!("cairn {cmd}")), "{cmd}");
    }
}

#[test]
fn every_diagnostic_code_is_documented() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("docs/diagnostics.md")).unwrap();
    // The codes the docs' tables document, in their order.
    let documented: Vec<&str> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once("` |").map(|(code, _)| code))
        .collect();
    let codes: Vec<&str> = cairn::diagnostics::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(
        documented, codes,
        "docs/diagnostics.md and diagnostics::Code differ"
    );
}

/// Run cairn with `args` on the demo site (the repository's root).
fn on_the_demo(args: &[&str]) -> Run {
    std::process::Command::new(cairn_bin())
        .args(args)
        .arg("--root")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
        .into()
}

/// The columns docs/inventory.md documents, in its table's order.
fn documented_inventory_columns() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("docs/inventory.md")).unwrap();
    docs.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once("` |").map(|(c, _)| c.to_string()))
        .collect()
}

#[test]
fn inventory_of_the_demo_reads_as_csv_and_json_with_every_documented_column() {
    let run = on_the_demo;
    let columns = documented_inventory_columns();
    assert_eq!(
        columns,
        cairn::inventory::COLUMNS,
        "docs/inventory.md and COLUMNS differ"
    );

    let csv_run = run(&["inventory"]).success();
    let mut reader = csv::Reader::from_reader(csv_run.stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, columns);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let acme = rows
        .iter()
        .find(|r| &r[0] == "https://insights.northwind.example/case-studies/acme-steel/")
        .expect("the Acme Steel case study is a row");
    assert_eq!(&acme[1], "content/case-studies/acme-steel.md");
    assert_eq!(&acme[2], "case_study");
    assert_eq!(&acme[4], "en");
    // Each language's pages, in their language; a translated case study shares its
    // original's evidence.
    let acme_zh = rows
        .iter()
        .find(|r| &r[0] == "https://insights.northwind.example/zh/case-studies/acme-steel/")
        .expect("the Chinese Acme Steel case study is a row");
    assert_eq!(&acme_zh[1], "content/case-studies/acme-steel.zh.md");
    assert_eq!(&acme_zh[4], "zh");
    assert_eq!(
        acme_zh.iter().skip(13).collect::<Vec<_>>(),
        ["approved", "2026-01-28", "2025-06-30", "2027-02-28"]
    );
    let languages: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[4]).collect();
    assert_eq!(
        languages.into_iter().collect::<Vec<_>>(),
        ["en", "fi", "zh"]
    );
    assert_eq!(
        rows.iter()
            .filter(|r| &r[1] == "content/case-studies/acme-steel.md")
            .count(),
        1,
        "a page a language falls back to is a row of its own language only"
    );
    let review = rows
        .iter()
        .find(|r| r[0].ends_with("/articles/quarterly-review-pack/"))
        .unwrap();
    assert_eq!(&review[5], "retention");
    assert_eq!(&review[6], "gatekeeper;buyer;decider;approver");
    assert_eq!(&review[12], "acme-steel:oee");
    // Evidence: the case study's approval and its earliest dates; the article's from
    // the one metric it cites.
    assert_eq!(
        acme.iter().skip(13).collect::<Vec<_>>(),
        ["approved", "2026-01-28", "2025-06-30", "2027-02-28"]
    );
    assert_eq!(
        review.iter().skip(13).collect::<Vec<_>>(),
        ["", "", "2025-12-31", "2027-02-28"]
    );

    let json_run = run(&["inventory", "--format", "json"]).success();
    let doc: serde_json::Value = serde_json::from_str(&json_run.stdout).unwrap();
    assert_eq!(doc["cairn_inventory"], 1);
    let pages = doc["pages"].as_array().unwrap();
    assert_eq!(pages.len(), rows.len(), "the same pages in both formats");
    for page in pages {
        let keys: Vec<&String> = page.as_object().unwrap().keys().collect();
        for column in &columns {
            assert!(keys.contains(&column), "{column} missing from {page}");
        }
    }
    let review = pages
        .iter()
        .find(|p| {
            p["url"]
                .as_str()
                .unwrap()
                .ends_with("/articles/quarterly-review-pack/")
        })
        .unwrap();
    assert_eq!(
        review["roles"],
        serde_json::json!(["gatekeeper", "buyer", "decider", "approver"])
    );
    assert_eq!(review["type"], "article");
}

#[test]
fn inventory_writes_a_new_file_or_its_own_and_nothing_else() {
    let s = TestSite::new().file("site.toml", SITE_TOML).file(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nAbout us.\n",
    );
    let out = s.path("inventory.csv");
    let out = out.to_str().unwrap();
    let first = s.cairn(&["inventory", "--bom", "--output", out]).success();
    assert_eq!(first.stderr, format!("1 page written to {out}\n"));
    let bytes = std::fs::read(out).unwrap();
    assert!(
        bytes.starts_with(b"\xef\xbb\xbfurl,path,type,"),
        "{bytes:?}"
    );
    // Its own inventory, written again.
    s.cairn(&["inventory", "--output", out]).success();
    // A file of someone else's is left alone.
    let other = s.path("notes.csv");
    std::fs::write(&other, "mine\n").unwrap();
    let refused = s.cairn(&["inventory", "--output", other.to_str().unwrap()]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("a file that cairn did not write is there"),
        "{}",
        refused.stderr
    );
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "mine\n");
    // Nor inside the site's folders.
    let inside = s.path("content/inventory.csv");
    let refused = s.cairn(&["inventory", "--output", inside.to_str().unwrap()]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("it is inside the site's content/ folder"),
        "{}",
        refused.stderr
    );
    assert!(!inside.exists());
}

#[test]
fn as_of_fixes_today_for_build_check_and_inventory() {
    let s = TestSite::new()
        .file("site.toml", SITE_TOML)
        .file(
            "content/articles/now.md",
            article("Now", "awareness", &["user"], "2026-01-01", "Now.\n"),
        )
        .file(
            "content/articles/later.md",
            article("Later", "awareness", &["user"], "2030-01-01", "Later.\n"),
        );
    let rows = |as_of: &str| -> usize {
        let run = s.cairn(&["inventory", "--as-of", as_of]).success();
        run.stdout.lines().count() - 1
    };
    assert_eq!(rows("2029-12-31"), 1, "the day before: only Now");
    assert_eq!(rows("2030-01-01"), 2, "a date is the whole day: Later too");
    assert_eq!(rows("2029-12-31T23:59:59Z"), 1);
    s.cairn(&["build", "--as-of", "2029-12-31"]).success();
    assert!(!s.exists("articles/later/index.html"));
    s.cairn(&["build", "--as-of", "2030-01-01"]).success();
    assert!(s.exists("articles/later/index.html"));
    let check = s.cairn(&["check", "--as-of", "2030-06-01"]).success();
    assert!(check.stdout.contains("checked 2 pages"), "{}", check.stdout);
    let bad = s.cairn(&["build", "--as-of", "next tuesday"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("invalid value 'next tuesday' for '--as-of <DATE>'"),
        "{}",
        bad.stderr
    );
}

/// Whether Python with `jsonschema` and `yaml` is here. Without it the schema test
/// prints a note and passes, except under CI (`CI` set), where `.ci/run` installs it.
fn python_jsonschema() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import jsonschema, yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 with jsonschema and yaml is missing (.ci/run installs them)"
        );
        eprintln!(
            "note: python3 with jsonschema and yaml not found (apt-get install python3-jsonschema python3-yaml); schema validation not tested"
        );
    }
    ok
}

/// Runs tests/tools/validate_front_matter.py (Python's `jsonschema`) on `site` with
/// the schemas in `schemas`.
fn validate_with_jsonschema(site: &std::path::Path, schemas: &std::path::Path) -> Run {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tools/validate_front_matter.py");
    std::process::Command::new("python3")
        .arg(script)
        .arg(site)
        .arg(schemas)
        .output()
        .expect("python3 with jsonschema and yaml (.ci/run installs them)")
        .into()
}

#[test]
fn schemas_validate_the_demo_and_reject_a_typo_in_a_role() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let schemas = out.path().join("schemas");
    let run: Run = std::process::Command::new(cairn_bin())
        .args(["schema", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&schemas)
        .output()
        .unwrap()
        .into();
    run.success();
    if !python_jsonschema() {
        return;
    }
    let demo = validate_with_jsonschema(root, &schemas);
    assert_eq!(demo.code, 0, "{}{}", demo.stdout, demo.stderr);
    assert!(demo.stdout.ends_with(" files\n"), "{}", demo.stdout);

    // A typo'd role, an unknown stage and a case-study key on an article are caught.
    let site = TestSite::new()
        .file(
            "content/articles/a.md",
            "+++\ntitle = \"A\"\ndate = 2026-01-01\nstage = \"awarness\"\nroles = [\"aprover\"]\ncustomer = \"X\"\n+++\nText.\n",
        )
        .file(
            "content/case-studies/c.md",
            "---\ntitle: C\ndate: 2026-01-01\ncustomer: C Corp\nmetrics:\n  - {id: m, label: cost, before: 2, after: 1, better: less, source: ledger}\n---\nText.\n",
        );
    site.cairn(&["schema"]).success();
    let bad = validate_with_jsonschema(site.root(), &site.root().join("schemas"));
    assert_eq!(bad.code, 1, "{}{}", bad.stdout, bad.stderr);
    let mut lines: Vec<&str> = bad.stdout.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "checked 3 files",
            "content/articles/a.md: 'aprover' is not one of ['initiator', 'user', 'influencer', 'decider', 'approver', 'buyer', 'gatekeeper']",
            "content/articles/a.md: 'awarness' is not one of ['awareness', 'consideration', 'decision', 'retention']",
            "content/articles/a.md: Additional properties are not allowed ('customer' was unexpected)",
            "content/case-studies/c.md: 'less' is not one of ['lower', 'higher']",
        ]
    );

    // Written again over its own files; never over someone else's.
    site.cairn(&["schema"]).success();
    site.write("schemas/page.schema.json", "{\"mine\": true}\n");
    let refused = site.cairn(&["schema"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("page.schema.json: a file that cairn did not write is there"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        std::fs::read_to_string(site.path("schemas/page.schema.json")).unwrap(),
        "{\"mine\": true}\n"
    );
}

#[test]
fn cms_decap_offers_only_the_sites_vocabulary_and_keeps_edits() {
    let site = TestSite::new().file(
        "content/articles/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"decider\"]\n+++\nText.\n",
    );
    let run = site.cairn(&["cms", "decap"]).success();
    assert_eq!(
        run.stdout,
        "wrote static/admin/config.yml\nwrote static/admin/index.html\nnext: set up the backend (docs/cms.md); the editor is at /admin/\n"
    );
    let config = std::fs::read_to_string(site.path("static/admin/config.yml")).unwrap();
    assert!(
        config.contains("  - label: Stage\n    name: stage\n    options:\n    - label: Awareness\n      value: awareness\n    - label: Consideration\n      value: consideration\n    - label: Decision\n      value: decision\n    - label: Retention\n      value: retention\n    widget: select\n"),
        "{config}"
    );
    assert!(
        config.contains("    - label: Decision maker\n      value: decider\n"),
        "{config}"
    );
    assert!(
        config.contains("  folder: content/case-studies\n  format: toml-frontmatter\n"),
        "{config}"
    );
    assert_eq!(
        site.cairn(&["cms", "decap", "--print"]).success().stdout,
        config
    );

    // The editor is published at /admin/.
    site.build().success();
    assert!(site.read("admin/index.html").contains("decap-cms"));

    // Unchanged, it is replaced when the vocabulary changes; edited, it is kept.
    site.write(
        "site.toml",
        format!("{SITE_TOML}[[industries]]\nid = \"energy\"\nname = \"Energy\"\n"),
    );
    site.cairn(&["cms", "decap"]).success();
    let config = std::fs::read_to_string(site.path("static/admin/config.yml")).unwrap();
    assert!(
        config.contains("    - label: Energy\n      value: energy\n"),
        "{config}"
    );
    let edited = config.replace("name: git-gateway", "name: github\n  repo: acme/site");
    site.write("static/admin/config.yml", &edited);
    let refused = site.cairn(&["cms", "decap"]);
    assert_eq!(refused.code, 2);
    assert_eq!(
        refused.stderr,
        "error: refusing to write static/admin/config.yml: it was edited since cairn wrote it, and your edits are kept\n  = hint: run `cairn cms decap --print` and merge what changed by hand\n"
    );
    assert_eq!(
        std::fs::read_to_string(site.path("static/admin/config.yml")).unwrap(),
        edited
    );
    // Someone else's file is never replaced either, and neither file is written then.
    std::fs::remove_file(site.path("static/admin/config.yml")).unwrap();
    site.write("static/admin/index.html", "<p>our admin</p>\n");
    let refused = site.cairn(&["cms", "decap"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("static/admin/index.html: a file that cairn did not write is there"),
        "{}",
        refused.stderr
    );
    assert!(!site.path("static/admin/config.yml").exists());
    // A file that is not text is not taken for a missing one.
    std::fs::remove_file(site.path("static/admin/index.html")).unwrap();
    site.write("static/admin/config.yml", b"\xff\xfe binary");
    let refused = site.cairn(&["cms", "decap"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.starts_with(
            "error: refusing to write static/admin/config.yml: it cannot be read as text ("
        ),
        "{}",
        refused.stderr
    );
    assert_eq!(
        std::fs::read(site.path("static/admin/config.yml")).unwrap(),
        b"\xff\xfe binary"
    );
}

#[test]
fn audit_of_a_language_counts_that_languages_pages_in_its_words() {
    let run = on_the_demo;
    // The demo's Finnish pages: six articles and two case studies, each counted once
    // per role it names (the English pages a Finnish role path falls back to are not).
    let fi = run(&["audit", "--language", "fi", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&fi.stdout).unwrap();
    assert_eq!(doc["role_names"][0], "Aloitteentekijä");
    assert_eq!(doc["stage_names"][3], "Hankinnan jälkeen");
    assert_eq!(
        doc["overall"]["cells"],
        serde_json::json!([
            [1, 0, 1, 1],
            [0, 0, 3, 1],
            [1, 1, 3, 1],
            [1, 1, 4, 2],
            [0, 0, 1, 1],
            [0, 1, 0, 1],
            [0, 0, 0, 1]
        ])
    );
    let unknown = run(&["audit", "--language", "cn"]);
    assert!(
        unknown
            .stderr
            .contains("unknown language `cn`: expected one of: en, fi, zh"),
        "{}",
        unknown.stderr
    );
}
