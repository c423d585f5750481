//! The only module that writes the site to disk, and the keeper of what cairn
//! owns there.
//!
//! - **Ownership.** An output folder is cairn's when it does not exist, is
//!   empty, or holds cairn's record of its last build ([`MANIFEST`]: every file
//!   it wrote, with size, modification time and content hash). Anything else is
//!   refused before a file is touched, unless `--force` adopts the folder;
//!   adopting replaces files only where the site has a file of its own and
//!   deletes nothing cairn did not write. A rebuild prunes only files the
//!   previous record lists.
//! - **No writes through links.** A symbolic link among the folders a build
//!   writes into is refused; a link where a file goes is replaced, its target
//!   never touched.
//! - **All or nothing.** Every file is first written to a staging folder beside
//!   the output. A fresh output is that tree renamed into place in one step. An
//!   existing one is updated file by file with every replaced or pruned file
//!   moved aside first, so a failure part-way moves everything back: readers see
//!   the old output or the new one, never a mix.
//! - **Cheap rebuilds.** The record's hashes tell which files are unchanged
//!   without reading the old output back; unchanged files are not rewritten.

mod journal;
mod manifest;
mod staging;

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

pub use manifest::{MANIFEST, Manifest, Record};
pub use staging::{Committed, Staging};

/// Hash maps and sets over every output file: a fast hasher, as they hold 50,000 paths.
type FastMap<K, V> = HashMap<K, V, ahash::RandomState>;
type FastSet<T> = HashSet<T, ahash::RandomState>;

use crate::source::SITE_FOLDERS;
pub use crate::source::resolve;

/// How many file names a refusal quotes before "and N more".
const QUOTED: usize = 5;

/// An output folder cairn owns, with the record of what it holds.
#[derive(Debug)]
pub struct Output {
    /// The folder, symbolic links and `..` resolved.
    path: PathBuf,
    /// As the user wrote it, for messages.
    shown: PathBuf,
    manifest: Arc<Manifest>,
    /// Files of another's found when `--force` adopted the folder, relative to it.
    adopted: Vec<String>,
    /// `--force`: files cairn did not write may be replaced where the site has one of its own.
    force: bool,
    /// `manifest` is what this process last committed: no need to read it back.
    current: bool,
    /// Whether commits write the record into the folder (see [`Output::keep_record_in_memory`]).
    record_on_disk: bool,
}

/// Why an output folder is refused.
fn refuse(shown: &Path, why: impl std::fmt::Display, hint: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "refusing to write the site into {}: {why}\n  = hint: {hint}",
        shown.display()
    )
}

const CHOOSE: &str = "choose a folder of its own, such as the default `public` inside the site";

impl Output {
    /// Check that cairn may write the site at `root` into `output`, and read its record.
    /// Nothing is written. With `force`, a folder of files cairn did not write is adopted.
    pub fn open(root: &Path, output: &Path, force: bool) -> anyhow::Result<Output> {
        // A missing site folder is reported by loading it, with what to do.
        let site = resolve(root)
            .with_context(|| format!("cannot resolve the site folder {}", root.display()))?;
        let path = resolve(output)
            .with_context(|| format!("cannot resolve the output folder {}", output.display()))?;
        if site.starts_with(&path) {
            return Err(refuse(output, "it holds the site itself", CHOOSE));
        }
        for folder in SITE_FOLDERS {
            let own = resolve(&site.join(folder)).unwrap_or_else(|_| site.join(folder));
            if path.starts_with(&own) {
                return Err(refuse(
                    output,
                    format_args!("it is inside the site's {folder}/ folder"),
                    CHOOSE,
                ));
            }
            if own.starts_with(&path) {
                return Err(refuse(
                    output,
                    format_args!("it holds the site's {folder}/ folder"),
                    CHOOSE,
                ));
            }
        }
        let mut out = Output {
            path,
            shown: output.to_path_buf(),
            manifest: Arc::default(),
            adopted: Vec::new(),
            force,
            current: false,
            record_on_disk: true,
        };
        out.refresh()?;
        Ok(out)
    }

    /// Read the folder's state again (a serve session, between builds): a folder that
    /// was removed is started afresh; one that gained files cairn did not write keeps
    /// them. The in-memory record is kept while the folder's own record is unchanged.
    pub fn refresh(&mut self) -> anyhow::Result<()> {
        let shown = &self.shown;
        let meta = match std::fs::symlink_metadata(&self.path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.manifest = Arc::default();
                self.current = false;
                return Ok(());
            }
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context(format!("cannot read {}", shown.display()))
                );
            }
            Ok(m) => m,
        };
        if !meta.is_dir() {
            return Err(refuse(shown, "it is a file, not a folder", CHOOSE));
        }
        if self.current {
            return Ok(());
        }
        let manifest_path = self.path.join(MANIFEST);
        match std::fs::read_to_string(&manifest_path) {
            Ok(text) => self.read_record(&text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => self.check_unrecorded(),
            Err(e) => {
                Err(anyhow::Error::new(e)
                    .context(format!("cannot read {}", manifest_path.display())))
            }
        }
    }

    /// Takes the text of the folder's record of the last build; keeps it as the
    /// manifest. An unreadable record is refused, or with `--force` the folder adopted.
    fn read_record(&mut self, text: &str) -> anyhow::Result<()> {
        let manifest = Manifest::parse(text).map_err(|e| {
            refuse(
                &self.shown,
                format_args!("its record of the last build ({MANIFEST}) is unreadable: {e}"),
                "remove the folder to start afresh, or pass --force to adopt it again",
            )
        });
        match manifest {
            Ok(m) => self.manifest = Arc::new(m),
            Err(e) if !self.force => return Err(e),
            Err(_) => self.adopt()?,
        }
        Ok(())
    }

    /// A folder with no record of a build: an empty one is started afresh; one that
    /// holds a site, or (without `--force`) files cairn did not write, is refused;
    /// with `--force` it is adopted.
    fn check_unrecorded(&mut self) -> anyhow::Result<()> {
        let shown = &self.shown;
        let mut entries = std::fs::read_dir(&self.path)
            .with_context(|| format!("cannot read {}", shown.display()))?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<io::Result<Vec<String>>>()
            .with_context(|| format!("cannot read {}", shown.display()))?;
        if entries.is_empty() {
            self.manifest = Arc::default();
            return Ok(());
        }
        if let Some(marker) = ["site.toml", "content"]
            .into_iter()
            .find(|m| entries.iter().any(|e| e == m))
        {
            return Err(refuse(
                shown,
                format_args!("it holds a site ({marker}), not a build of one"),
                CHOOSE,
            ));
        }
        if !self.force {
            entries.sort();
            return Err(refuse(
                shown,
                format_args!(
                    "it holds files cairn did not write ({})",
                    quote_some(&entries)
                ),
                "choose an empty or new folder, or pass --force to adopt this one: cairn then replaces only files the site has too and deletes nothing it did not write",
            ));
        }
        self.adopt()
    }

    /// Take the folder over with no record: every file in it is someone else's.
    fn adopt(&mut self) -> anyhow::Result<()> {
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(&self.path).min_depth(1) {
            let entry = entry.with_context(|| format!("cannot read {}", self.shown.display()))?;
            if !entry.file_type().is_dir() {
                let rel = entry
                    .path()
                    .strip_prefix(&self.path)
                    .unwrap_or(entry.path());
                found.push(slashed(rel));
            }
        }
        found.sort();
        found.retain(|f| f != MANIFEST);
        self.adopted = found;
        self.manifest = Arc::default();
        Ok(())
    }

    /// The folder, links resolved.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Files cairn did not write, found when `--force` adopted the folder.
    pub fn adopted(&self) -> &[String] {
        &self.adopted
    }

    /// The record of the last build.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Keep the record in memory only: for a folder no other process writes, which lives
    /// as long as this one (`cairn serve`'s private output), so that an edit does not
    /// rewrite a record of every file. The folder is then not adoptable by a later build.
    pub fn keep_record_in_memory(&mut self) {
        self.record_on_disk = false;
    }

    /// After a commit: the folder now holds what `manifest` records.
    pub fn set_manifest(&mut self, manifest: Manifest) {
        self.manifest = Arc::new(manifest);
        self.current = true;
    }

    /// Start staging a build.
    pub fn stage(&self) -> anyhow::Result<Staging> {
        let parent = self
            .path
            .parent()
            .context("the output folder has no parent folder")?;
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = self
            .path
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().into_owned());
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.cairn-staging-"))
            .tempdir_in(parent)
            .with_context(|| format!("cannot create a staging folder in {}", parent.display()))?
            .keep();
        Ok(Staging::new(
            dir,
            self.path.clone(),
            self.shown.clone(),
            self.manifest.clone(),
            self.force,
            self.record_on_disk,
        ))
    }
}

/// `a, b, c and 4 more`
fn quote_some(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(QUOTED).map(String::as_str).collect();
    match names.len().saturating_sub(QUOTED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

fn slashed(rel: &Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

/// Check that a report (`audit --html FILE`) may be written at `file`: not a site file,
/// not a link, not a folder, and not a file that some other program wrote (`marker`
/// identifies cairn's own reports). Returns the resolved path.
pub fn check_report_file(
    root: &Path,
    file: &Path,
    marker: &str,
    example: &str,
) -> anyhow::Result<PathBuf> {
    let refuse = |why: &str, hint: &str| {
        anyhow::anyhow!(
            "refusing to write the report to {}: {why}\n  = hint: {hint}",
            file.display()
        )
    };
    let choose = format!("choose a new file name outside the site's folders, e.g. {example}");
    let choose = choose.as_str();
    let site = root
        .canonicalize()
        .with_context(|| format!("cannot open the site folder {}", root.display()))?;
    let meta = std::fs::symlink_metadata(file).ok();
    if meta.as_ref().is_some_and(|m| m.file_type().is_symlink()) {
        return Err(refuse("it is a symbolic link", choose));
    }
    let path = resolve(file)?;
    if path == site.join("site.toml") {
        return Err(refuse("it is the site's configuration", choose));
    }
    for folder in SITE_FOLDERS {
        if path.starts_with(resolve(&site.join(folder)).unwrap_or_else(|_| site.join(folder))) {
            return Err(refuse(
                &format!("it is inside the site's {folder}/ folder"),
                choose,
            ));
        }
    }
    if let Some(output) = path
        .ancestors()
        .skip(1)
        .find(|d| d.join(MANIFEST).is_file())
    {
        return Err(refuse(
            &format!(
                "it is inside {}, an output folder of cairn's",
                output.display()
            ),
            choose,
        ));
    }
    if let Some(meta) = meta {
        if meta.is_dir() {
            return Err(refuse("it is a folder", choose));
        }
        if !meta.is_file() {
            return Err(refuse("it is not a regular file", choose));
        }
        let mut head = vec![0; 1024];
        let n = File::open(&path)
            .and_then(|mut f| io::Read::read(&mut f, &mut head))
            .unwrap_or(0);
        if !String::from_utf8_lossy(&head[..n]).contains(marker) {
            return Err(refuse(
                "a file that cairn did not write is there",
                "choose another file name, or remove that file first",
            ));
        }
    }
    Ok(path)
}

/// Write `bytes` to `path` all at once: a temporary file beside it, then renamed over it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_follows_links_and_dots_of_the_existing_part_only() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(base.join("a/b")).unwrap();
        std::os::unix::fs::symlink(base.join("a/b"), base.join("link")).unwrap();
        let cases = [
            ("a/b/../b/./", "a/b"),
            ("link", "a/b"),
            ("link/new/x", "a/b/new/x"),
            ("new/../a", "a"),
            ("link/..", "a"),
        ];
        for (input, want) in cases {
            assert_eq!(
                resolve(&base.join(input)).unwrap(),
                base.join(want),
                "{input}"
            );
        }
    }
}
