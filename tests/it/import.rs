//! `cairn import hugo|zola`: small Hugo and Zola sites written for these tests
//! (tests/fixtures/import/), imported into a new cairn site and built.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{Run, cairn_bin};

/// A folder holding `src/` (a copy of a fixture source) and `site/` (a new cairn site).
struct Workspace {
    dir: tempfile::TempDir,
}

const SITE: &str = "title = \"Imported\"\nbase_url = \"https://new.example.test\"\n\n[[industries]]\nid = \"energy\"\nname = \"Energy\"\n\n[[industries]]\nid = \"logistics\"\nname = \"Logistics\"\n\n[[industries]]\nid = \"manufacturing\"\nname = \"Manufacturing\"\n";

const HUGO_MAP: &str = "[sections.docs]\nkind = \"pages\"\n\n[sections.posts]\nkind = \"articles\"\nstage = \"\"\n\n[taxonomies.audiences]\n\"plant managers\" = { roles = [\"user\"] }\n\n[taxonomies.categories]\nManufacturing = { industries = [\"manufacturing\"] }\n\n[taxonomies.tags]\n\"Predictive Maintenance\" = { stage = \"awareness\", roles = [\"decider\"] }\nretrofit = {}\n";

const ZOLA_MAP: &str = "[sections.blog]\nkind = \"articles\"\nstage = \"consideration\"\n\n[sections.pages]\nkind = \"pages\"\n\n[taxonomies.sectors]\nEnergy = { industries = [\"energy\"] }\nLogistics = { industries = [\"logistics\"] }\n\n[taxonomies.tags]\noutages = { stage = \"awareness\", roles = [\"approver\"] }\ntelemetry = { roles = [\"user\"] }\n";

impl Workspace {
    fn new(fixture: &str) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import")
            .join(fixture);
        copy_dir(&from, &dir.path().join("src"));
        std::fs::create_dir_all(dir.path().join("site")).unwrap();
        std::fs::write(dir.path().join("site/site.toml"), SITE).unwrap();
        Workspace { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// `cairn <args>` run in the workspace folder (paths in messages are relative).
    fn cairn(&self, args: &[&str]) -> Run {
        Command::new(cairn_bin())
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run cairn")
            .into()
    }

    /// Every file under `rel`, relative to it, sorted.
    fn files(&self, rel: &str) -> Vec<String> {
        let base = self.path(rel);
        let mut files: Vec<String> = crate::harness::walkdir(&base)
            .iter()
            .map(|p| {
                p.strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        files.sort();
        files
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn without_a_map_import_writes_a_draft_of_one_and_nothing_else() {
    let ws = Workspace::new("hugo");
    let run = ws
        .cairn(&["import", "hugo", "src", "--root", "site"])
        .success();
    assert_eq!(
        run.stdout,
        "read 8 pages with 4 taxonomy terms; wrote site/import-map.toml\nnext: fill it in, then: cairn import hugo src --root site --map site/import-map.toml\n"
    );
    assert_eq!(ws.files("site"), ["import-map.toml", "site.toml"]);
    assert_eq!(
        ws.read("site/import-map.toml"),
        "# cairn import map for the hugo site src
# Fill it in, then run the same `cairn import` again with `--map <this file>`.
#
# Valid ids, from site.toml:
#   stages:     awareness, consideration, decision, retention
#   roles:      initiator, user, influencer, decider, approver, buyer, gatekeeper
#   industries: energy, logistics, manufacturing

# Each top-level folder of the source: kind = \"articles\", \"case-studies\" or \"pages\"
# (pages keep their path and have no stage, roles or industries); stage = the stage of
# its pages whose terms map to none (\"\": none; such pages are listed in the report).

[sections.docs]   # 1 page(s), 0 with a date
kind = \"pages\"
stage = \"\"

[sections.posts]   # 3 page(s), 3 with a date
kind = \"articles\"
stage = \"\"

# Each term: { stage = \"…\", roles = [\"…\"], industries = [\"…\"] }, any of the three.
# {} leaves it unmapped. Every page keeps its original terms under [extra].

[taxonomies.audiences]
\"plant managers\" = {}   # 1 page(s)

[taxonomies.categories]
Manufacturing = {}   # 3 page(s)

[taxonomies.tags]
\"Predictive Maintenance\" = {}   # 1 page(s)
retrofit = {}   # 2 page(s)
"
    );
    // The draft is never overwritten either.
    let again = ws.cairn(&["import", "hugo", "src", "--root", "site"]);
    assert_eq!(again.code, 2);
    assert_eq!(
        again.stderr,
        "error: refusing to import: 1 file already exists and would be overwritten: import-map.toml\n  = hint: nothing was written; move them away, or import into another site folder\n"
    );
}

#[test]
fn hugo_pages_bundles_and_terms_are_converted_and_what_needs_a_person_is_listed() {
    let ws = Workspace::new("hugo");
    ws.write("map.toml", HUGO_MAP);
    let run = ws
        .cairn(&[
            "import", "hugo", "src", "--root", "site", "--map", "map.toml",
        ])
        .success();
    assert_eq!(
        run.stdout,
        "needs a person:
  content/articles/draft-note.md:1: no stage (it has no terms)
  content/articles/sensor-retrofit/index.md:1: no stage (its terms: categories `Manufacturing`, tags `retrofit`)
  src/content/posts/downtime-costs.md:7: tags `retrofit` is not mapped
  src/content/posts/sensor-retrofit/index.md:5: tags `retrofit` is not mapped
  content/articles/downtime-costs.md:26: untranslated shortcode `{{< youtube dQw4w9WgXcQ >}}` (from src/content/posts/downtime-costs.md:20)
  content/articles/sensor-retrofit/index.md:18: untranslated shortcode `{{< notice warning >}}` (from src/content/posts/sensor-retrofit/index.md:14)
  content/docs/setup.md:7: untranslated shortcode `{{% param \"gateway\" %}}` (from src/content/docs/setup.md:6)
  content/articles/downtime-costs.md:38: link to `costs.xlsx`: the source has no such file, so only its text is kept (from src/content/posts/downtime-costs.md:32)
  content/articles/downtime-costs.md:38: link to `#summary`: no such heading in its page, so the link goes to the page (from src/content/posts/downtime-costs.md:32)
  content/articles/sensor-retrofit/index.md:30: link to `wiring.pdf`: the source has no such file, so only its text is kept (from src/content/posts/sensor-retrofit/index.md:26)
  src/content/_index.md:1: the home page's own text: cairn makes its own home page; not imported
  src/content/posts/snippet.md:1: never rendered by the old site (headless, or render never): not imported
imported 7 pages and 2 other files into site: 2 without a stage, 1 unmapped terms, 3 untranslated shortcodes, 5 other things to look at
"
    );
    assert_eq!(
        ws.files("site/content"),
        [
            "about.md",
            "articles/downtime-costs.md",
            "articles/draft-note.md",
            "articles/sensor-retrofit/diagram.svg",
            "articles/sensor-retrofit/index.md",
            "docs/_index.md",
            "docs/setup.md",
            "images/line.svg",
            "posts/_index.md",
        ]
    );
    // TOML in: title, dates, summary from description, terms mapped, old URLs (the
    // permalink, the aliases), other keys under [extra]; ref, relref, figure and
    // highlight translated, links to old URLs pointed at the new files; Hugo's heading
    // id kept; a link to a file the source lacks unlinked, an unknown anchor left out.
    assert_eq!(
        ws.read("site/content/articles/downtime-costs.md"),
        r#"+++
title = "What a stopped line really costs"
date = 2024-02-01T09:00:00Z
updated = 2024-03-05
summary = "Counting the hidden costs of unplanned stops."
stage = "awareness"
roles = ["user", "decider"]
industries = ["manufacturing"]
aliases = ["/blog/2024/downtime-costs/", "/old/downtime/", "/blog/2024/costs-of-downtime/"]
[extra]
images = ["cover.png"]
toc = true

[extra.params]
hero = "dark"

[extra.taxonomies]
audiences = ["plant managers"]
categories = ["Manufacturing"]
tags = ["Predictive Maintenance", "retrofit"]
+++
A stopped line costs more than the repair bill.

Read how /articles/sensor-retrofit/ worked, or [the retrofit story](sensor-retrofit/index.md#results).

`{{< youtube dQw4w9WgXcQ >}}`

![A production line](/images/line.svg "Line 3")

```python
cost = hours * rate
```

See also [the old retrofit post](sensor-retrofit/index.md) and [setup](../docs/setup.md).

## Costs & Causes {#costs--causes}

Back to [the causes](#costs--causes), the spreadsheet and [the summary](downtime-costs.md).
"#
    );
    // YAML in: a bundle (its asset beside it), authors, a key that is no taxonomy
    // (series) under [extra], a paired shortcode left visible, Hugo's escaped shortcode.
    assert_eq!(
        ws.read("site/content/articles/sensor-retrofit/index.md"),
        r#"+++
title = "Retrofitting sensors on old presses"
date = 2024-01-15
industries = ["manufacturing"]
author = "Ana Ruiz, Tom Berg"
aliases = ["/blog/2024/retrofitting-sensors-on-old-presses/"]
[extra]
series = ["Field notes"]

[extra.taxonomies]
categories = ["Manufacturing"]
tags = ["retrofit"]
+++
The press line got new sensors.

![Diagram](diagram.svg)

`{{< notice warning >}}`
Check the wiring first.
`{{< /notice >}}`

To show a shortcode, Hugo writes `{{< notice >}}` in code.

## Results

Fewer stops.

See the [wiring guide][guide].


"#
    );
    assert_eq!(
        ws.read("site/content/about.md"),
        "+++\ntitle = \"About these notes\"\nsummary = \"Who writes here.\"\n[extra]\nmenu = \"main\"\n+++\nWe write about running plants.\n"
    );
    // Without stages the check names exactly the pages the report named.
    let check = ws.cairn(&["check", "--root", "site"]).failure();
    let errors: Vec<&str> = check
        .stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    // (Links to a page with an error are checked once it builds: not reported before.)
    assert_eq!(
        errors,
        [
            "content/articles/draft-note.md:2:1: error: missing `stage`",
            "content/articles/sensor-retrofit/index.md:2:1: error: missing `stage`",
        ]
    );
}

#[test]
fn an_imported_hugo_site_builds_and_every_old_url_redirects() {
    let ws = Workspace::new("hugo");
    ws.write(
        "map.toml",
        &HUGO_MAP.replace("stage = \"\"", "stage = \"consideration\""),
    );
    ws.cairn(&[
        "import", "hugo", "src", "--root", "site", "--map", "map.toml",
    ])
    .success();
    let check = ws.cairn(&["check", "--root", "site"]).success();
    assert_eq!(check.stdout, "checked 6 pages: no errors\n");
    ws.cairn(&["build", "--root", "site", "--drafts"]).success();
    let public = |rel: &str| ws.read(&format!("site/public/{rel}"));
    for (old, new) in [
        ("blog/2024/downtime-costs/", "/articles/downtime-costs/"),
        ("old/downtime/", "/articles/downtime-costs/"),
        ("blog/2024/costs-of-downtime/", "/articles/downtime-costs/"),
        (
            "blog/2024/retrofitting-sensors-on-old-presses/",
            "/articles/sensor-retrofit/",
        ),
        (
            "blog/2024/a-note-not-yet-published/",
            "/articles/draft-note/",
        ),
    ] {
        let html = public(&format!("{old}index.html"));
        assert!(
            html.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0; url={new}\">"
            )),
            "{old}: {html}"
        );
    }
    // Pages that kept their URL, the bundle's asset beside its page, the other file at
    // its old path.
    assert!(public("about/index.html").contains("We write about running plants."));
    assert!(public("docs/setup/index.html").contains("<code>{{% param \"gateway\" %}}</code>"));
    assert!(public("posts/index.html").contains("Blog"));
    assert!(
        ws.path("site/public/articles/sensor-retrofit/diagram.svg")
            .is_file()
    );
    assert!(ws.path("site/public/images/line.svg").is_file());
    let article = public("articles/downtime-costs/index.html");
    assert!(
        article.contains("<a href=\"/articles/sensor-retrofit/#results\">the retrofit story</a>"),
        "{article}"
    );
    assert!(
        article.contains("<a href=\"/docs/setup/\">setup</a>"),
        "{article}"
    );
    assert!(article.contains(" id=\"costs--causes\""), "{article}");
}

#[test]
fn a_zola_site_is_imported_and_builds() {
    let ws = Workspace::new("zola");
    ws.write("map.toml", ZOLA_MAP);
    let run = ws
        .cairn(&[
            "import", "zola", "src", "--root", "site", "--map", "map.toml",
        ])
        .success();
    assert_eq!(
        run.stdout,
        "needs a person:
  src/content/blog/2024-05-02-grid-outage.md:9: tags `control rooms` is not mapped
  content/articles/fleet-telemetry/index.md:14: untranslated shortcode `{% note(kind=\"tip\") %}` (from src/content/blog/fleet-telemetry/index.md:11)
  content/articles/grid-outage.md:20: untranslated shortcode `{{ youtube(id=\"abc123\") }}` (from src/content/blog/2024-05-02-grid-outage.md:17)
  src/content/_index.md:1: the home page's own text: cairn makes its own home page; not imported
imported 5 pages and 1 other files into site: 0 without a stage, 1 unmapped terms, 2 untranslated shortcodes, 1 other things to look at
"
    );
    // A date from the file name, Zola's [extra] and other keys under [extra], aliases
    // from the root, @/ links to the new files.
    assert_eq!(
        ws.read("site/content/articles/grid-outage.md"),
        r#"+++
title = "Lessons from a grid outage"
date = 2024-05-02
updated = 2024-05-10
summary = "What the control room learned."
stage = "awareness"
roles = ["approver"]
industries = ["energy"]
aliases = ["/blog/grid-outage/", "/old/grid-outage/"]
[extra]
hero = "storm.jpg"
template = "post.html"

[extra.taxonomies]
sectors = ["Energy"]
tags = ["outages", "control rooms"]
+++
The outage began at dawn.

`{{ youtube(id="abc123") }}`

See [fleet telemetry](fleet-telemetry/index.md#setup) and [contact](../pages/contact.md).
"#
    );
    // YAML in, a bundle, the section's stage for a page whose terms give none.
    assert_eq!(
        ws.read("site/content/articles/fleet-telemetry/index.md"),
        r#"+++
title = "Telemetry for utility fleets"
date = 2024-03-20
stage = "consideration"
roles = ["user"]
industries = ["energy", "logistics"]
aliases = ["/blog/fleet-telemetry/"]
[extra.taxonomies]
sectors = ["Energy", "Logistics"]
tags = ["telemetry"]
+++
![Chart](chart.svg)

`{% note(kind="tip") %}`
Start with the trucks.
`{% end %}`

## Setup

Zola shows a shortcode literally with `{{ youtube(id="x") }}` in code, or `{{ youtube(id="y") }}` in text.
"#
    );
    // Blank lines before the front matter, as Zola takes them.
    assert_eq!(
        ws.read("site/content/articles/leading.md"),
        "+++\ntitle = \"Leading lines\"\ndate = 2024-06-01\nstage = \"awareness\"\nroles = [\"approver\"]\naliases = [\"/blog/leading/\"]\n[extra.taxonomies]\ntags = [\"outages\"]\n+++\nZola reads front matter after blank lines.\n"
    );
    let check = ws.cairn(&["check", "--root", "site"]).success();
    assert_eq!(check.stdout, "checked 5 pages: no errors\n");
    ws.cairn(&["build", "--root", "site"]).success();
    for (old, new) in [
        ("blog/grid-outage/", "/articles/grid-outage/"),
        ("old/grid-outage/", "/articles/grid-outage/"),
        ("blog/fleet-telemetry/", "/articles/fleet-telemetry/"),
        ("contact/", "/pages/contact/"),
    ] {
        let html = ws.read(&format!("site/public/{old}index.html"));
        assert!(html.contains(&format!("url={new}\"")), "{old}: {html}");
    }
    assert!(
        ws.path("site/public/articles/fleet-telemetry/chart.svg")
            .is_file()
    );
}

#[test]
fn an_existing_file_stops_the_whole_import_before_anything_is_written() {
    let ws = Workspace::new("zola");
    ws.write("map.toml", ZOLA_MAP);
    ws.write(
        "site/content/pages/contact.md",
        "+++\ntitle = \"Ours\"\n+++\nKeep me.\n",
    );
    let run = ws.cairn(&[
        "import", "zola", "src", "--root", "site", "--map", "map.toml",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: refusing to import: 1 file already exists and would be overwritten: content/pages/contact.md\n  = hint: nothing was written; move them away, or import into another site folder\n"
    );
    assert_eq!(ws.files("site/content"), ["pages/contact.md"]);
    assert_eq!(
        ws.read("site/content/pages/contact.md"),
        "+++\ntitle = \"Ours\"\n+++\nKeep me.\n"
    );
}

#[test]
fn a_map_with_ids_the_site_does_not_have_is_refused_with_every_problem() {
    let ws = Workspace::new("zola");
    ws.write(
        "map.toml",
        "[sections.blog]\nkind = \"articles\"\nstage = \"awarness\"\n\n[taxonomies.tags]\noutages = { roles = [\"aprover\"], industries = [\"mining\"] }\n",
    );
    let run = ws.cairn(&[
        "import", "zola", "src", "--root", "site", "--map", "map.toml",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: map.toml:3: section `blog`: unknown stage `awarness` (did you mean `awareness`?)\nmap.toml:6: tags `outages`: unknown role `aprover` (did you mean `approver`?)\nmap.toml:6: tags `outages`: unknown industry `mining` (expected one of: energy, logistics, manufacturing)\n"
    );
    assert_eq!(ws.files("site"), ["site.toml"]);
}

#[cfg(unix)]
#[test]
fn links_out_of_the_source_are_not_read_and_dot_dot_in_slugs_stays_inside_the_site() {
    let ws = Workspace::new("zola");
    ws.write("map.toml", ZOLA_MAP);
    ws.write(
        "secret.md",
        "+++\ntitle = \"Secret\"\n+++\nNot for publishing.\n",
    );
    ws.write("outside/key.txt", "private\n");
    std::os::unix::fs::symlink(ws.path("secret.md"), ws.path("src/content/blog/secret.md"))
        .unwrap();
    std::os::unix::fs::symlink(ws.path("outside"), ws.path("src/content/keys")).unwrap();
    // A link inside the source is read like the file it points at.
    std::os::unix::fs::symlink(
        "../pages/contact.md",
        ws.path("src/content/blog/reach-us.md"),
    )
    .unwrap();
    ws.write(
        "src/content/blog/escape.md",
        "+++\ntitle = \"Escape\"\ndate = 2024-01-01\nslug = \"../../../escape\"\npath = \"../../../../outside/\"\n+++\nText.\n",
    );
    let run = ws.cairn(&[
        "import", "zola", "src", "--root", "site", "--map", "map.toml",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let not_imported: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("not imported"))
        .collect();
    assert_eq!(
        not_imported,
        [
            format!(
                "not imported: src/content/blog/secret.md: symbolic link to `{}`, outside the source: not read",
                ws.path("secret.md").display()
            ),
            format!(
                "not imported: src/content/keys: symbolic link to `{}`, outside the source: not read",
                ws.path("outside").display()
            ),
        ]
    );
    assert_eq!(
        ws.files("site/content"),
        [
            "articles/escape.md",
            "articles/fleet-telemetry/chart.svg",
            "articles/fleet-telemetry/index.md",
            "articles/grid-outage.md",
            "articles/leading.md",
            "articles/reach-us.md",
            "blog/_index.md",
            "pages/contact.md",
        ]
    );
    assert_eq!(ws.files("site").len(), 9, "{:?}", ws.files("site"));
    assert!(!ws.path("outside/escape.md").exists());
    let escape = ws.read("site/content/articles/escape.md");
    assert!(escape.contains("aliases = [\"/outside/\"]\n"), "{escape}");
}

#[test]
fn a_site_inside_the_source_is_refused() {
    let ws = Workspace::new("zola");
    std::fs::create_dir_all(ws.path("src/content/new")).unwrap();
    std::fs::write(ws.path("src/content/new/site.toml"), SITE).unwrap();
    let run = ws.cairn(&["import", "zola", "src", "--root", "src/content/new"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: the source src and the site src/content/new overlap: import into a site folder outside the source\n"
    );
    // Nor a source in the site's content (its files would be published, and written over).
    std::fs::create_dir_all(ws.path("site/content")).unwrap();
    std::fs::rename(ws.path("src"), ws.path("site/content/old")).unwrap();
    let run = ws.cairn(&["import", "zola", "site/content/old", "--root", "site"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: the source site/content/old and the site site overlap: import into a site folder outside the source\n"
    );
}
