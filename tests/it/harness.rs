//! A small chainable harness: a site folder written file by file, the real
//! binary run against it, and helpers to read what it produced.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SITE_TOML: &str = "title = \"Test Site\"\nbase_url = \"https://example.test\"\n";

pub struct TestSite {
    dir: tempfile::TempDir,
}

/// The output of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn success(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
    #[track_caller]
    pub fn failure(self) -> Run {
        assert_eq!(
            self.code, 1,
            "expected exit 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn cairn_bin() -> &'static str {
    env!("CARGO_BIN_EXE_cairn")
}

/// An article's front matter plus body.
pub fn article(title: &str, stage: &str, roles: &[&str], date: &str, body: &str) -> String {
    let roles: Vec<String> = roles.iter().map(|r| format!("\"{r}\"")).collect();
    format!(
        "+++\ntitle = \"{title}\"\ndate = {date}\nstage = \"{stage}\"\nroles = [{}]\n+++\n{body}",
        roles.join(", ")
    )
}

impl TestSite {
    /// A site with a minimal site.toml and nothing else.
    pub fn new() -> TestSite {
        TestSite::empty().file("site.toml", SITE_TOML)
    }

    /// A folder with nothing in it.
    pub fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn file(self, path: &str, content: impl AsRef<[u8]>) -> TestSite {
        self.write(path, content);
        self
    }

    pub fn write(&self, path: &str, content: impl AsRef<[u8]>) {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Run `cairn <args> --root <site>`; commands that take no --root pass `raw`.
    pub fn cairn(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(cairn_bin());
        cmd.args(args)
            .arg("--root")
            .arg(self.root())
            .env("NO_COLOR", "1");
        cmd.output().expect("run cairn").into()
    }

    pub fn build(&self) -> Run {
        self.cairn(&["build"])
    }

    /// A file of the built site.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        let p = self.dir.path().join("public").join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.dir.path().join("public").join(rel).exists()
    }

    /// Every file under public/, relative, sorted, with its bytes.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let out = self.dir.path().join("public");
        let mut files: Vec<(String, Vec<u8>)> = walkdir(&out)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(&out)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }
}

pub fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The text between the first `start` and the next `end` after it.
#[track_caller]
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let i = text
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not found in:\n{text}"));
    let rest = &text[i + start.len()..];
    let j = rest
        .find(end)
        .unwrap_or_else(|| panic!("`{end}` not found after `{start}`"));
    &rest[..j]
}

/// Every `href="..."` value in `html`.
pub fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&amp;", "&"))
        .collect()
}
