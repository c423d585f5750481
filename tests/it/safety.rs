//! What cairn must never do: delete, overwrite or publish what it does not
//! own. Each test runs the real binary on real folders, including links,
//! `..` and folders of unrelated files, and checks that nothing outside
//! cairn's own output changed.

use std::os::unix::fs::symlink;
use std::path::Path;

use crate::harness::*;

/// A site in `<tmp>/site` with a neighbour file `<tmp>/other.txt`, so that
/// an output that swallows the site's parent would show.
struct Nest {
    tmp: tempfile::TempDir,
}

impl Nest {
    fn new() -> Nest {
        let tmp = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let p = tmp.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("other.txt", "a neighbour's file");
        write("site/site.toml", SITE_TOML);
        write(
            "site/content/articles/a.md",
            &article("Alpha", "awareness", &["decider"], "2026-01-01", "Text.\n"),
        );
        write("site/docs/design.md", "# Design notes\n");
        Nest { tmp }
    }

    fn site(&self) -> std::path::PathBuf {
        self.tmp.path().join("site")
    }

    /// Run cairn in the site folder (its default `--root .`).
    fn cairn(&self, args: &[&str]) -> Run {
        std::process::Command::new(cairn_bin())
            .args(args)
            .current_dir(self.site())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
            .into()
    }

    /// Every file under the temporary folder, with its bytes.
    fn files(&self) -> Vec<(String, Vec<u8>)> {
        tree(self.tmp.path())
    }
}

/// Every file (and link) under `dir`, relative, sorted, with its bytes (a link: its target).
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir_all(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let bytes = if meta.file_type().is_symlink() {
                std::fs::read_link(&p)
                    .unwrap()
                    .to_string_lossy()
                    .as_bytes()
                    .to_vec()
            } else {
                std::fs::read(&p).unwrap()
            };
            (rel, bytes)
        })
        .collect();
    v.sort();
    v
}

/// Files and links below `dir`, not following links.
fn walkdir_all(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            out.extend(walkdir_all(&p));
        } else {
            out.push(p);
        }
    }
    out
}

const CHOOSE: &str =
    "  = hint: choose a folder of its own, such as the default `public` inside the site\n";

#[test]
fn an_output_that_holds_the_site_or_is_inside_its_folders_is_refused_and_nothing_is_touched() {
    let nest = Nest::new();
    std::fs::create_dir_all(nest.site().join("static")).unwrap();
    let before = nest.files();
    let abs = nest.site().display().to_string();
    for (output, why) in [
        ("..", "it holds the site itself"),
        (".", "it holds the site itself"),
        ("./", "it holds the site itself"),
        ("public/..", "it holds the site itself"),
        ("public/../../", "it holds the site itself"),
        (abs.as_str(), "it holds the site itself"),
        ("content", "it is inside the site's content/ folder"),
        (
            "content/articles/x",
            "it is inside the site's content/ folder",
        ),
        ("static/", "it is inside the site's static/ folder"),
        (
            "docs/../templates",
            "it is inside the site's templates/ folder",
        ),
        ("themes/x", "it is inside the site's themes/ folder"),
        ("data/out", "it is inside the site's data/ folder"),
        ("i18n", "it is inside the site's i18n/ folder"),
    ] {
        let run = nest.cairn(&["build", "--output", output]);
        assert_eq!(run.code, 2, "--output {output}: {}", run.stderr);
        assert_eq!(
            run.stderr,
            format!("error: refusing to write the site into {output}: {why}\n{CHOOSE}"),
            "--output {output}"
        );
        assert_eq!(nest.files(), before, "--output {output} touched files");
    }
    // A link to the site's parent is the same folder.
    symlink(nest.tmp.path(), nest.site().join("up")).unwrap();
    let run = nest.cairn(&["build", "--output", "up"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!("error: refusing to write the site into up: it holds the site itself\n{CHOOSE}")
    );
}

#[test]
fn a_folder_of_unrelated_files_is_refused_unless_adopted_and_adopting_deletes_nothing() {
    let nest = Nest::new();
    let before = nest.files();
    let run = nest.cairn(&["build", "--output", "docs"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: refusing to write the site into docs: it holds files cairn did not write (design.md)\n  = hint: choose an empty or new folder, or pass --force to adopt this one: cairn then replaces only files the site has too and deletes nothing it did not write\n"
    );
    assert_eq!(nest.files(), before);

    let run = nest.cairn(&["build", "--output", "docs", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "adopted docs: kept 1 file(s) cairn did not write: design.md\nbuilt 1 pages"
        ),
        "{}",
        run.stdout
    );
    let docs = nest.site().join("docs");
    assert_eq!(
        std::fs::read_to_string(docs.join("design.md")).unwrap(),
        "# Design notes\n"
    );
    assert!(docs.join("articles/a/index.html").is_file());

    // Adopted: later builds need no --force, prune what they wrote, keep the rest.
    std::fs::remove_file(nest.site().join("content/articles/a.md")).unwrap();
    std::fs::write(
        nest.site().join("content/articles/b.md"),
        article("Beta", "awareness", &["decider"], "2026-01-02", "Text.\n"),
    )
    .unwrap();
    let run = nest.cairn(&["build", "--output", "docs"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!docs.join("articles/a").exists(), "pruned");
    assert!(docs.join("articles/b/index.html").is_file());
    assert!(docs.join("design.md").is_file());
    assert_eq!(
        nest.files()
            .iter()
            .filter(|(p, _)| p == "other.txt")
            .count(),
        1
    );
}

#[test]
fn a_git_repository_or_a_site_folder_is_never_an_output() {
    let nest = Nest::new();
    let git = nest.site().join(".git");
    std::fs::create_dir_all(git.join("refs")).unwrap();
    std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    let before = nest.files();
    let run = nest.cairn(&["build", "--output", ".git"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: refusing to write the site into .git: it holds files cairn did not write (HEAD, refs)\n  = hint: choose an empty or new folder, or pass --force to adopt this one: cairn then replaces only files the site has too and deletes nothing it did not write\n"
    );
    // Another site, even when forced.
    let other = nest.tmp.path().join("other-site");
    std::fs::create_dir_all(other.join("content")).unwrap();
    std::fs::write(other.join("site.toml"), SITE_TOML).unwrap();
    let run = nest.cairn(&["build", "--output", "../other-site", "--force"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: refusing to write the site into ../other-site: it holds a site (site.toml), not a build of one\n{CHOOSE}"
        )
    );
    let mut after = nest.files();
    after.retain(|(p, _)| !p.starts_with("other-site"));
    assert_eq!(after, before);
}

#[test]
fn an_output_link_to_a_folder_of_others_is_refused_and_its_target_kept() {
    let nest = Nest::new();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("keep.txt"), "mine").unwrap();
    symlink(elsewhere.path(), nest.site().join("public")).unwrap();
    let run = nest.cairn(&["build"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(
            "error: refusing to write the site into ./public: it holds files cairn did not write (keep.txt)\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        tree(elsewhere.path()),
        [("keep.txt".into(), b"mine".to_vec())]
    );
    // A link to an empty folder is a place of cairn's own: the site is written there.
    std::fs::remove_file(elsewhere.path().join("keep.txt")).unwrap();
    nest.cairn(&["build"]).success();
    assert!(elsewhere.path().join("articles/a/index.html").is_file());
    assert!(elsewhere.path().join(cairn::output::MANIFEST).is_file());
}

#[test]
fn a_link_inside_the_output_is_never_written_through() {
    let site = TestSite::new()
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nHi.\n")
        .file("static/keys/authorized_keys", "ssh-ed25519 ATTACKER");
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("authorized_keys"), "ssh-ed25519 OWNER").unwrap();
    std::fs::create_dir_all(site.path("public")).unwrap();
    symlink(home.path(), site.path("public/keys")).unwrap();
    // The folder is cairn's (it holds only its record), the link is not.
    std::fs::write(
        site.path("public/.cairn-manifest.json"),
        r#"{"cairn_manifest":1,"files":[]}"#,
    )
    .unwrap();
    let run = site.build();
    assert_eq!(run.code, 2);
    let public = site.path("public");
    assert_eq!(
        run.stderr,
        format!(
            "error: refusing to write the site into {0}: {0}/keys is a symbolic link, and cairn never writes through links in its output\n  = hint: remove the link (what it points to is left alone), then build again\n",
            public.display()
        )
    );
    assert_eq!(
        tree(home.path()),
        [("authorized_keys".into(), b"ssh-ed25519 OWNER".to_vec())]
    );

    // A link where a file of cairn's goes is replaced, its target left alone.
    std::fs::remove_file(site.path("public/keys")).unwrap();
    site.build().success();
    std::fs::remove_file(site.path("public/robots.txt")).unwrap();
    symlink(
        home.path().join("authorized_keys"),
        site.path("public/robots.txt"),
    )
    .unwrap();
    site.build().success();
    assert!(
        !std::fs::symlink_metadata(site.path("public/robots.txt"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(site.read("robots.txt").contains("Sitemap:"));
    assert_eq!(
        tree(home.path()),
        [("authorized_keys".into(), b"ssh-ed25519 OWNER".to_vec())]
    );
}

#[test]
fn rebuilds_prune_only_recorded_files_and_refuse_to_replace_files_of_others() {
    let site = TestSite::new()
        .file(
            "content/articles/a.md",
            article("Alpha", "awareness", &["decider"], "2026-01-01", "A.\n"),
        )
        .file(
            "content/articles/b.md",
            article("Beta", "awareness", &["decider"], "2026-01-02", "B.\n"),
        );
    site.build().success();
    site.write("public/notes.txt", "my notes");
    site.write("public/articles/beta/notes.txt", "more notes");
    std::fs::remove_file(site.path("content/articles/b.md")).unwrap();
    site.build().success();
    assert!(!site.exists("articles/beta/index.html"), "pruned");
    assert_eq!(site.read("notes.txt"), "my notes");
    assert_eq!(site.read("articles/beta/notes.txt"), "more notes");

    // A page that would land on a file cairn did not write.
    site.write("public/articles/gamma/index.html", "<p>hand-made</p>");
    site.write(
        "content/articles/gamma.md",
        article("Gamma", "awareness", &["decider"], "2026-01-03", "G.\n"),
    );
    let before = site.snapshot();
    let run = site.build();
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: refusing to replace files cairn did not write in {}: articles/gamma/index.html\n  = hint: move them into the site's static/ folder so that cairn publishes them, or pass --force to let the build replace them\n",
            site.path("public").display()
        )
    );
    assert_eq!(site.snapshot(), before, "nothing touched");
    let run = site.cairn(&["build", "--force"]).success();
    assert!(
        run.stdout.starts_with(
            "replaced 1 file(s) cairn had not written (--force): articles/gamma/index.html\n"
        ),
        "{}",
        run.stdout
    );
    assert!(site.read("articles/gamma/index.html").contains("<h1"));
}

#[test]
fn a_commit_that_fails_part_way_restores_the_previous_output() {
    let site = TestSite::new()
        .file(
            "content/articles/a.md",
            article("Alpha", "awareness", &["decider"], "2026-01-01", "A.\n"),
        )
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nHi.\n");
    site.build().success();
    // A real fault: a folder (with someone's file) where the build must put sitemap.xml.
    std::fs::remove_file(site.path("public/sitemap.xml")).unwrap();
    site.write("public/sitemap.xml/keep.txt", "someone's");
    // Changes to many files, which are moved into place before the fault or after it.
    site.write(
        "content/articles/a.md",
        article(
            "Alpha, renamed",
            "awareness",
            &["decider"],
            "2026-01-01",
            "A.\n",
        ),
    );
    site.write("content/about.md", "+++\ntitle = \"About us\"\n+++\nHi.\n");
    let before = site.snapshot();
    let run = site.build();
    assert_eq!(run.code, 2, "{}", run.stderr);
    let public = site.path("public");
    assert_eq!(
        run.stderr,
        format!(
            "error: cannot move {0}/sitemap.xml into place: Is a directory (os error 21); the previous output in {0} was restored\n",
            public.display()
        )
    );
    assert_eq!(site.snapshot(), before, "all old, nothing new");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("cairn-staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Once the folder is gone, the build goes through.
    std::fs::remove_dir_all(site.path("public/sitemap.xml")).unwrap();
    site.build().success();
    assert!(site.read("about/index.html").contains("About us"));
}

#[test]
fn unchanged_files_are_not_rewritten_and_files_changed_behind_cairns_back_are() {
    let site = TestSite::new().file("content/about.md", "+++\ntitle = \"About\"\n+++\nHi.\n");
    site.build().success();
    let mtime = |rel: &str| {
        std::fs::metadata(site.path("public").join(rel))
            .unwrap()
            .modified()
            .unwrap()
    };
    let (about, robots) = (mtime("about/index.html"), mtime("robots.txt"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    // Same size, other bytes: the record's time no longer matches, so it is rewritten.
    let text = site.read("robots.txt");
    site.write("public/robots.txt", text.replace('S', "s"));
    site.build().success();
    assert_eq!(mtime("about/index.html"), about, "unchanged, not rewritten");
    assert_ne!(mtime("robots.txt"), robots);
    assert_eq!(site.read("robots.txt"), text);
}

#[test]
fn hidden_files_and_links_out_of_the_site_are_never_published() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0").unwrap();
    std::fs::create_dir_all(outside.path().join("dir")).unwrap();
    std::fs::write(outside.path().join("dir/secret.txt"), "secret").unwrap();
    let site = TestSite::new()
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nHi.\n")
        .file("content/.env", "TOKEN=1")
        .file("content/.drafts/x.md", "+++\ntitle = \"X\"\n+++\n")
        .file("content/about/.notes.txt", "private")
        .file("static/.env", "TOKEN=2")
        .file(
            "static/vendor/lib/.git/config",
            "[remote] url = https://token@x",
        )
        .file("static/vendor/lib/lib.js", "ok")
        .file(
            "static/.well-known/security.txt",
            "Contact: mailto:s@example.test",
        )
        .file("assets/logo.svg", "<svg/>");
    // Links inside the site behave like the files they point to, in both folders.
    symlink("../assets/logo.svg", site.path("static/logo.svg")).unwrap();
    symlink("../../assets/logo.svg", site.path("content/about/logo.svg")).unwrap();
    site.build().success();
    let mut published: Vec<String> = site.snapshot().into_iter().map(|(p, _)| p).collect();
    published.retain(|p| {
        !p.ends_with(".html")
            && !p.ends_with(".xml")
            && !p.ends_with(".css")
            && p != "robots.txt"
            && p != "favicon.svg"
            && p != "search.js"
            && !p.starts_with("pagefind/")
    });
    assert_eq!(
        published,
        [
            ".cairn-manifest.json",
            ".well-known/security.txt",
            "about/logo.svg",
            "logo.svg",
            "vendor/lib/lib.js"
        ]
    );

    symlink(
        outside.path().join("passwd"),
        site.path("content/passwd.md"),
    )
    .unwrap();
    symlink(outside.path().join("dir"), site.path("static/linked")).unwrap();
    let before = site.snapshot();
    let run = site.build().failure();
    assert_eq!(
        run.stderr,
        format!(
            "content/passwd.md: error: symbolic link to `{0}/passwd`, outside the site folder: cairn publishes nothing from outside the site\n  = hint: copy the file into the site instead of linking to it\n\nstatic/linked: error: symbolic link to `{0}/dir`, outside the site folder: cairn publishes nothing from outside the site\n  = hint: copy the file into the site instead of linking to it\n\nbuild failed: 2 errors; the previous output (if any) is unchanged\n",
            outside.path().display()
        )
    );
    assert_eq!(site.snapshot(), before);
}

#[test]
fn a_static_file_on_a_pages_path_or_differing_only_in_case_is_an_error_naming_both() {
    let site = TestSite::new()
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nHi.\n")
        .file("static/about/index.html", "<p>old about page</p>")
        .file("static/Logo.png", "A")
        .file("static/logo.png", "a");
    let run = site.build().failure();
    assert_eq!(
        run.stderr,
        "static/about/index.html: error: static/about/index.html and content/about.md are both published at /about/index.html\n  = hint: rename or remove one of them\n\nstatic/logo.png: error: static/logo.png and static/Logo.png differ only in case: a case-insensitive host serves one of them for both\n  = hint: rename one of them\n\nbuild failed: 2 errors; the previous output (if any) is unchanged\n"
    );
    assert!(!site.exists("index.html"));
}

#[test]
fn base_urls_with_credentials_queries_or_no_host_are_errors() {
    let hint = "  = hint: write it like `https://insights.example.com` or `https://example.com/blog`: http(s), a host, an optional path";
    for (value, problem) in [
        (
            "https://user:pass@example.test",
            "`https://user:pass@example.test` contains credentials (`user@`); they would be published in every feed and the sitemap",
        ),
        (
            "https://example.test/?utm=1",
            "`https://example.test/?utm=1` has a query or fragment (`?`, `#`); page URLs are appended to it",
        ),
        (
            "https://example.test/#top",
            "`https://example.test/#top` has a query or fragment (`?`, `#`); page URLs are appended to it",
        ),
        (
            "https://exa mple.test",
            "`https://exa mple.test` contains whitespace or control characters",
        ),
        ("https://", "`https://` has no host name"),
        (
            "https://example.test:80x",
            "`https://example.test:80x` has a port that is not a number from 0 to 65535",
        ),
        (
            "https://example.test:99999",
            "`https://example.test:99999` has a port that is not a number from 0 to 65535",
        ),
        (
            "https://example.test/<b>",
            "`https://example.test/<b>` contains `<`, which a URL must percent-encode",
        ),
        (
            "https://exa%00mple.test",
            "`https://exa%00mple.test` has a `%` that is not a percent-escape of a character",
        ),
        (
            "https://example.test/%",
            "`https://example.test/%` has a `%` that is not a percent-escape of a character",
        ),
        (
            "example.test",
            "`example.test` is not an absolute http(s) URL",
        ),
        ("", "is empty"),
    ] {
        let site = TestSite::empty().file(
            "site.toml",
            format!("title = \"T\"\nbase_url = \"{value}\"\n"),
        );
        let run = site.build().failure();
        assert_eq!(
            run.stderr,
            format!(
                "site.toml:2:1: error: base_url {problem}\n 2 | base_url = \"{value}\"\n   | ^\n{hint}\n\nbuild failed: 1 error; the previous output (if any) is unchanged\n"
            ),
            "{value}"
        );
    }
    let site = TestSite::new().file("content/about.md", "+++\ntitle = \"About\"\n+++\nHi.\n");
    let run = site.cairn(&["build", "--base-url", ""]).failure();
    assert_eq!(
        run.stderr,
        format!(
            "--base-url: error: --base-url is empty\n{hint}\n\nbuild failed: 1 error; the previous output (if any) is unchanged\n"
        )
    );
    site.cairn(&["build", "--base-url", "HTTPS://Preview.example.test/blog/"])
        .success();
    assert!(
        site.read("sitemap.xml")
            .contains("<loc>https://Preview.example.test/blog/about/</loc>"),
        "{}",
        site.read("sitemap.xml")
    );
}

#[test]
fn control_characters_in_front_matter_are_errors_at_their_line() {
    let site = TestSite::new()
        .file(
            "content/articles/a.md",
            "+++\ntitle = \"Bad \\u0000 title\"\ndate = 2026-01-01\nstage = \"awareness\"\n+++\nText.\n",
        )
        .file(
            "content/articles/b.md",
            "---\ntitle: ok\ndate: 2026-01-01\nstage: awareness\nextra:\n  note: \"bell \\a\"\n---\nText.\n",
        );
    let run = site.build().failure();
    assert_eq!(
        run.stderr,
        "content/articles/a.md:2:9: error: control character U+0000 in a text value\n 2 | title = \"Bad \\u0000 title\"\n   |         ^\n  = hint: remove it (an escape such as \\u0000 or a character pasted from another program); it is not allowed in pages, feeds or the sitemap\n\ncontent/articles/b.md:6:3: error: control character U+0007 in a text value\n 6 |   note: \"bell \\a\"\n   |   ^\n  = hint: remove it (an escape such as \\u0000 or a character pasted from another program); it is not allowed in pages, feeds or the sitemap\n\nbuild failed: 2 errors; the previous output (if any) is unchanged\n"
    );
}

#[test]
fn check_reports_a_slug_too_long_for_a_folder_name_as_build_would() {
    let long = "x".repeat(300);
    let site = TestSite::new().file(
        "content/articles/a.md",
        format!("+++\ntitle = \"A\"\ndate = 2026-01-01\nstage = \"awareness\"\nslug = \"{long}\"\n+++\nText.\n"),
    );
    let message = format!(
        "content/articles/a.md:5:1: error: the URL name `{}…` is 300 bytes long; the output folder could not be created (at most 255)\n 5 | slug = \"{}…\n   | ^\n  = hint: set a shorter `slug = \"...\"`, or rename the file\n\n",
        "x".repeat(40),
        // The quoted line is cut to 120 characters.
        "x".repeat(112)
    );
    let run = site.cairn(&["check"]).failure();
    assert_eq!(run.stderr, format!("{message}check failed: 1 error\n"));
    let run = site.build().failure();
    assert_eq!(
        run.stderr,
        format!("{message}build failed: 1 error; the previous output (if any) is unchanged\n")
    );
}

#[test]
fn audit_html_writes_only_its_own_report() {
    let site = TestSite::new().file(
        "content/articles/a.md",
        article("A", "awareness", &["decider"], "2026-01-01", "Text.\n"),
    );
    let config = site.path("site.toml");
    for (target, why) in [
        (config.clone(), "it is the site's configuration"),
        (
            site.path("content/report.html"),
            "it is inside the site's content/ folder",
        ),
        (
            site.path("templates/x.html"),
            "it is inside the site's templates/ folder",
        ),
    ] {
        let run = site.cairn(&["audit", "--html", target.to_str().unwrap()]);
        assert_eq!(run.code, 2);
        assert_eq!(
            run.stderr,
            format!(
                "error: refusing to write the report to {}: {why}\n  = hint: choose a new file name outside the site's folders, e.g. --html audit.html\n",
                target.display()
            )
        );
    }
    assert_eq!(std::fs::read_to_string(&config).unwrap(), SITE_TOML);
    let report = site.path("audit.html");
    std::fs::write(&report, "my own notes").unwrap();
    let run = site.cairn(&["audit", "--html", report.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: refusing to write the report to {}: a file that cairn did not write is there\n  = hint: choose another file name, or remove that file first\n",
            report.display()
        )
    );
    std::fs::remove_file(&report).unwrap();
    site.cairn(&["audit", "--html", report.to_str().unwrap()]);
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("Content audit")
    );
    // Its own report is replaced.
    site.cairn(&["audit", "--html", report.to_str().unwrap()]);
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("Content audit")
    );
}

#[test]
fn an_asset_file_where_a_page_needs_its_folder_is_an_output_collision() {
    let site = TestSite::new()
        .file(
            "content/articles/b.md",
            article("B", "awareness", &["decider"], "2026-01-01", "B.\n"),
        )
        .file("content/articles/b", "a file without an extension")
        .file("content/roles", "another");
    let run = site.cairn(&["check"]).failure();
    assert_eq!(
        run.stderr,
        "content/articles/b: error: content/articles/b is a file where content/articles/b.md needs the folder /articles/b/\n  = hint: rename or remove one of them\n\ncontent/roles: error: content/roles is a file where the page cairn generates at /roles/ needs the folder /roles/\n  = hint: rename or remove one of them\n\ncheck failed: 2 errors\n"
    );
    site.build().failure();
}

#[test]
fn serve_never_publishes_a_saved_link_that_leads_out_of_the_site() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "+++\ntitle = \"Leaked\"\n+++\nTOPSECRET\n",
    )
    .unwrap();
    let site = TestSite::new().file("content/about.md", "+++\ntitle = \"About\"\n+++\nHi.\n");
    let server = site.serve();
    let mut events = server.events();
    events.next();
    // A new page that is a link out of the site.
    symlink(
        outside.path().join("secret.md"),
        site.path("content/leak.md"),
    )
    .unwrap();
    let (name, data) = events.next();
    assert_eq!(name, "build-error");
    assert!(data.contains("outside the site folder"), "{data}");
    assert!(!server.get("/leak/").1.contains("TOPSECRET"));
    // An existing page replaced by such a link.
    std::fs::remove_file(site.path("content/leak.md")).unwrap();
    assert_eq!(events.next().0, "reload");
    std::fs::remove_file(site.path("content/about.md")).unwrap();
    symlink(
        outside.path().join("secret.md"),
        site.path("content/about.md"),
    )
    .unwrap();
    loop {
        let (name, data) = events.next();
        if name == "build-error" {
            assert!(data.contains("outside the site folder"), "{data}");
            break;
        }
    }
    let (_, page) = server.get("/about/");
    assert!(!page.contains("TOPSECRET"));
    assert!(page.contains("Hi."), "still the last good build");
}

#[test]
fn links_to_hidden_files_or_to_the_output_and_themes_outside_themes_are_errors() {
    let site = TestSite::new()
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nHi.\n")
        .file(".git/config", "[remote] url = https://token@x")
        .file(".env", "API_KEY=1");
    symlink("../.git", site.path("static/repo")).unwrap_or_else(|_| {
        std::fs::create_dir_all(site.path("static")).unwrap();
        symlink("../.git", site.path("static/repo")).unwrap();
    });
    symlink("../.env", site.path("content/env.txt")).unwrap();
    std::fs::create_dir_all(site.path("public")).unwrap();
    symlink("../public", site.path("static/mirror")).unwrap();
    let run = site.build().failure();
    assert_eq!(
        run.stderr,
        "content/env.txt: error: symbolic link to `../.env`, a hidden file or folder of the site: cairn never publishes hidden files\n  = hint: link to a file whose path has no name starting with `.`, or copy it in under another name\n\nstatic/mirror: error: symbolic link to `../public`, which is or holds the output folder: the site would publish its own output\n  = hint: remove the link\n\nstatic/repo: error: symbolic link to `../.git`, a hidden file or folder of the site: cairn never publishes hidden files\n  = hint: link to a file whose path has no name starting with `.`, or copy it in under another name\n\nbuild failed: 3 errors; the previous output (if any) is unchanged\n"
    );

    let site = TestSite::empty().file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.test\"\ntheme = \"../../elsewhere\"\n",
    );
    let run = site.build().failure();
    assert_eq!(
        run.stderr,
        "site.toml:3:1: error: theme `../../elsewhere` is not the name of a folder in themes/\n 3 | theme = \"../../elsewhere\"\n   | ^\n  = hint: write the folder's name only, such as `theme = \"northwind\"` for themes/northwind/, or `theme = \"default\"`\n\nbuild failed: 1 error; the previous output (if any) is unchanged\n"
    );
}

#[test]
fn a_record_is_trusted_only_for_files_cairn_could_have_written_and_still_holds() {
    let site = TestSite::new()
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nHi.\n")
        .file("content/team.md", "+++\ntitle = \"Team\"\n+++\nUs.\n");
    site.build().success();
    // A record that lists a hidden file was not written by cairn.
    let record = site.path("public/.cairn-manifest.json");
    let good = std::fs::read_to_string(&record).unwrap();
    site.write("public/.git/HEAD", "ref: main");
    std::fs::write(
        &record,
        good.replacen("[[", "[[\".git/HEAD\",\"0\",9,1],[", 1),
    )
    .unwrap();
    let run = site.build();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "its record of the last build (.cairn-manifest.json) is unreadable: `.git/HEAD` is a hidden file, which cairn never writes"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(site.read(".git/HEAD"), "ref: main");
    std::fs::write(&record, &good).unwrap();
    // A page file someone rewrote since is theirs: kept when the page goes, and said so.
    site.write("public/team/index.html", "<p>my own team page</p>");
    std::fs::remove_file(site.path("content/team.md")).unwrap();
    let run = site.build().success();
    assert!(
        run.stdout.starts_with(
            "kept 1 file(s) changed since cairn wrote them, no longer its own: team/index.html\n"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(site.read("team/index.html"), "<p>my own team page</p>");
    assert_eq!(site.read(".git/HEAD"), "ref: main");
}

#[test]
fn audit_and_init_write_no_odd_file_and_nothing_through_a_link() {
    let site = TestSite::new().file(
        "content/articles/a.md",
        article("A", "awareness", &["decider"], "2026-01-01", "Text.\n"),
    );
    site.build().success();
    let inside = site.path("public/audit.html");
    let run = site.cairn(&["audit", "--html", inside.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: refusing to write the report to {}: it is inside {}, an output folder of cairn's\n  = hint: choose a new file name outside the site's folders, e.g. --html audit.html\n",
            inside.display(),
            site.path("public").display()
        )
    );
    let fifo = site.path("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let run = site.cairn(&["audit", "--html", fifo.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(": it is not a regular file\n"),
        "{}",
        run.stderr
    );

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("elsewhere.toml");
    std::fs::create_dir_all(dir.path().join("new")).unwrap();
    symlink(&target, dir.path().join("new/site.toml")).unwrap();
    let run: Run = std::process::Command::new(cairn_bin())
        .args(["init", "--force"])
        .arg(dir.path().join("new"))
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!target.exists(), "nothing written through the link");
}

#[test]
fn control_characters_in_site_toml_are_errors_at_their_key() {
    let site = TestSite::empty().file(
        "site.toml",
        "title = \"Si\\u0001te\"\nbase_url = \"https://example.test\"\n",
    );
    let run = site.build().failure();
    assert_eq!(
        run.stderr,
        "site.toml:1:1: error: control character U+0001 in a text value of `title`\n 1 | title = \"Si\\u0001te\"\n   | ^\n  = hint: remove it (an escape such as \\u0000 or a character pasted from another program); it is not allowed in pages, feeds or the sitemap\n\nbuild failed: 1 error; the previous output (if any) is unchanged\n"
    );
}
