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

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::render::OutputFile;

/// Hash maps and sets over every output file: a fast hasher, as they hold 50,000 paths.
type FastMap<K, V> = HashMap<K, V, ahash::RandomState>;
type FastSet<T> = HashSet<T, ahash::RandomState>;

/// cairn's record of the last build, at the top of the output folder.
pub const MANIFEST: &str = ".cairn-manifest.json";

/// The site's own folders, which no output may be inside of.
const SITE_FOLDERS: [&str; 4] = ["content", "static", "templates", "themes"];

/// How many file names a refusal quotes before "and N more".
const QUOTED: usize = 5;

/// What cairn knows of one file it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// xxh3-128 of the bytes.
    pub hash: u128,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch: a file whose size or
    /// time differs was changed by someone else, and is not trusted to match `hash`.
    pub mtime: u64,
}

impl Record {
    fn of(bytes: &[u8], meta: &std::fs::Metadata) -> Record {
        Record {
            hash: xxhash_rust::xxh3::xxh3_128(bytes),
            size: bytes.len() as u64,
            mtime: mtime_ns(meta),
        }
    }

    /// Whether the file at `path` (not followed if a link) still is the file this record describes.
    fn matches_disk(&self, path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok_and(|m| {
            m.file_type().is_file() && m.len() == self.size && mtime_ns(&m) == self.mtime
        })
    }
}

fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The files of the last build, relative to the output folder.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    files: FastMap<Arc<str>, Record>,
}

/// The manifest file's layout: versioned, one `[path, hash, size, mtime]` row per file.
#[derive(Serialize, Deserialize)]
struct ManifestFile {
    cairn_manifest: u32,
    files: Vec<(String, String, u64, u64)>,
}

impl Manifest {
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn contains(&self, rel: &str) -> bool {
        self.files.contains_key(rel)
    }

    fn parse(text: &str) -> Result<Manifest, String> {
        let file: ManifestFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if file.cairn_manifest != 1 {
            return Err(format!("unknown version {}", file.cairn_manifest));
        }
        let mut files = FastMap::with_capacity_and_hasher(file.files.len(), Default::default());
        for (path, hash, size, mtime) in file.files {
            let hash = u128::from_str_radix(&hash, 16).map_err(|_| format!("bad hash `{hash}`"))?;
            if !is_plain_relative(&path) {
                return Err(format!("`{path}` is not a path inside the folder"));
            }
            files.insert(path.into(), Record { hash, size, mtime });
        }
        Ok(Manifest { files })
    }

    fn to_json(&self) -> String {
        let mut files: Vec<(String, String, u64, u64)> = self
            .files
            .iter()
            .map(|(p, r)| (p.to_string(), format!("{:032x}", r.hash), r.size, r.mtime))
            .collect();
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        serde_json::to_string(&ManifestFile {
            cairn_manifest: 1,
            files,
        })
        .expect("a manifest serialises")
    }
}

/// A relative path of normal components only: no `..`, no root, no `.`.
fn is_plain_relative(rel: &str) -> bool {
    !rel.is_empty()
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

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
}

/// Resolve `path` like `canonicalize`, also when its last parts do not exist yet:
/// symbolic links and `..` of the existing part are resolved, the rest is taken as written.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if std::fs::symlink_metadata(&out).is_ok() {
                    out = out.canonicalize()?;
                }
            }
        }
    }
    Ok(out)
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
            Ok(text) => {
                let manifest = Manifest::parse(&text).map_err(|e| {
                    refuse(
                        shown,
                        format_args!(
                            "its record of the last build ({MANIFEST}) is unreadable: {e}"
                        ),
                        "remove the folder to start afresh, or pass --force to adopt it again",
                    )
                });
                match manifest {
                    Ok(m) => self.manifest = Arc::new(m),
                    Err(e) if !self.force => return Err(e),
                    Err(_) => self.adopt()?,
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
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
                self.adopt()?;
            }
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("cannot read {}", manifest_path.display())));
            }
        }
        Ok(())
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
        Ok(Staging {
            fresh: !self.path.exists(),
            dir,
            target: self.path.clone(),
            shown: self.shown.clone(),
            previous: self.manifest.clone(),
            force: self.force,
            background_cleanup: false,
            next: AtomicUsize::new(0),
            entries: Mutex::new(Vec::new()),
            committed: false,
        })
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

/// One file of a build: unchanged on disk, or staged under a number.
#[derive(Debug, Clone, Copy)]
enum Entry {
    Unchanged,
    Staged(usize, Record),
}

/// Files being staged for an output; the staging folder is removed on drop unless committed.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// The output as the user wrote it, for messages.
    shown: PathBuf,
    /// No output yet: stage the final tree and rename it into place in one step.
    fresh: bool,
    previous: Arc<Manifest>,
    force: bool,
    /// Remove the staging folder on a background thread after commit (long-running serve).
    background_cleanup: bool,
    next: AtomicUsize,
    /// (path inside the output, what to do with it), in the order written.
    entries: Mutex<Vec<(Arc<str>, Entry)>>,
    committed: bool,
}

/// What a commit did.
#[derive(Debug, Default)]
pub struct Committed {
    /// Files the output now holds that cairn wrote.
    pub files: usize,
    /// Files moved into place (new or changed).
    pub written: usize,
    /// Files of the previous build removed.
    pub pruned: usize,
    /// Files cairn did not write that `--force` let it replace.
    pub replaced: Vec<String>,
}

impl Staging {
    /// Remove the emptied staging folder on a background thread: removing a folder can take
    /// tens of milliseconds, which an edit-reload loop should not wait for.
    pub fn clean_up_in_background(&mut self) {
        self.background_cleanup = true;
    }

    /// Update mode spreads staged files over folders: one folder's lock would serialise parallel writes.
    fn staged(&self, n: usize) -> PathBuf {
        self.dir
            .join(format!("{:02x}", n % SHARDS))
            .join(n.to_string())
    }

    /// Stage `bytes` at `rel`: in a fresh tree at its path; otherwise only when the record
    /// says the output's file differs.
    fn stage(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        if !is_plain_relative(rel) || rel == MANIFEST {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{rel}` is not a path cairn may write"),
            ));
        }
        let (path, n) = if self.fresh {
            (self.dir.join(rel), 0)
        } else {
            let unchanged = self.previous.files.get(rel).is_some_and(|r| {
                r.hash == xxhash_rust::xxh3::xxh3_128(bytes)
                    && r.matches_disk(&self.target.join(rel))
            });
            if unchanged {
                self.push(rel, Entry::Unchanged);
                return Ok(());
            }
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            (self.staged(n), n)
        };
        let meta = match write_file(&path, bytes) {
            Ok(m) => m,
            // Folders are made on first use: an incremental build stages a handful of files.
            Err(e) => {
                std::fs::create_dir_all(path.parent().expect("staged files are in a folder"))
                    .map_err(|_| e)?;
                write_file(&path, bytes)?
            }
        };
        self.push(rel, Entry::Staged(n, Record::of(bytes, &meta)));
        Ok(())
    }

    fn push(&self, rel: &str, entry: Entry) {
        self.entries
            .lock()
            .expect("staging lock")
            .push((rel.into(), entry));
    }

    /// Stage one rendered file.
    pub fn write(&self, file: OutputFile) -> io::Result<()> {
        self.stage(&file.path, &file.bytes)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", file.path)))
    }

    /// Stage a copy of `source` at `rel` inside the output.
    pub fn copy(&self, source: &Path, rel: &str) -> io::Result<()> {
        std::fs::read(source)
            .and_then(|bytes| self.stage(rel, &bytes))
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", source.display())))
    }

    /// Put the staged files in place and prune what the previous build wrote and this one
    /// did not. On failure the output is as it was before. Returns the new record.
    pub fn commit(self) -> anyhow::Result<(Manifest, Committed)> {
        self.commit_with(false)
    }

    /// Put the staged files in place over an existing output and prune nothing: for a
    /// rebuild that knows it produced the same files as the last one, some with new bytes.
    pub fn commit_patch(self) -> anyhow::Result<(Manifest, Committed)> {
        anyhow::ensure!(!self.fresh, "a patch needs an existing output");
        self.commit_with(true)
    }

    fn commit_with(mut self, patch: bool) -> anyhow::Result<(Manifest, Committed)> {
        let entries = std::mem::take(&mut *self.entries.lock().expect("staging lock"));
        // A later write of the same path wins (theme static < site static < content assets).
        let mut last: FastMap<Arc<str>, Entry> =
            FastMap::with_capacity_and_hasher(entries.len(), Default::default());
        if patch {
            last.extend(
                self.previous
                    .files
                    .keys()
                    .map(|k| (k.clone(), Entry::Unchanged)),
            );
        }
        for (rel, entry) in entries {
            last.insert(rel, entry);
        }
        let mut manifest = Manifest::default();
        manifest.files.reserve(last.len());
        for (rel, entry) in &last {
            let record = match entry {
                Entry::Staged(_, r) => *r,
                Entry::Unchanged => match self.previous.files.get(rel) {
                    Some(r) => *r,
                    None => record_from_disk(&self.target.join(&**rel))?,
                },
            };
            manifest.files.insert(rel.clone(), record);
        }
        if self.fresh {
            let done = Committed {
                files: manifest.len(),
                written: manifest.len(),
                ..Committed::default()
            };
            write_file(&self.dir.join(MANIFEST), manifest.to_json().as_bytes())
                .with_context(|| format!("cannot write {MANIFEST}"))?;
            std::fs::rename(&self.dir, &self.target).with_context(|| {
                format!("cannot move the new output into {}", self.target.display())
            })?;
            self.committed = true;
            return Ok((manifest, done));
        }
        let moves: Vec<(Arc<str>, usize)> = last
            .iter()
            .filter_map(|(rel, e)| match e {
                Entry::Staged(n, _) => Some((rel.clone(), *n)),
                Entry::Unchanged => None,
            })
            .collect();
        let mut prunes: Vec<Arc<str>> = self
            .previous
            .files
            .keys()
            .filter(|p| !last.contains_key(*p))
            .cloned()
            .collect();
        prunes.sort_unstable();
        let replaced = self.check_commit(&moves, &prunes)?;
        let mut journal = Journal {
            backups: self.dir.join("old"),
            steps: Mutex::new(Vec::new()),
            next: AtomicUsize::new(0),
        };
        let applied = self.apply(&moves, &prunes, &manifest, &journal);
        if let Err(e) = applied {
            let undone = journal.undo(|n| self.staged(n));
            return Err(match undone {
                Ok(()) => anyhow::anyhow!(
                    "{e:#}; the previous output in {} was restored",
                    self.shown.display()
                ),
                Err(u) => anyhow::anyhow!(
                    "{e:#}; restoring the previous output failed too ({u:#}): the files moved aside are in {}",
                    self.dir.display()
                ),
            });
        }
        // Folders emptied by pruning go too, up to (not including) the output folder.
        for gone in &prunes {
            let mut dir = Path::new(&**gone).parent();
            while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                if std::fs::remove_dir(self.target.join(d)).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        journal.steps.get_mut().expect("journal lock").clear();
        self.finish();
        let done = Committed {
            files: manifest.len(),
            written: moves.len(),
            pruned: prunes.len(),
            replaced,
        };
        Ok((manifest, done))
    }

    /// Refuse, before anything is touched, a commit that would write through a symbolic
    /// link or replace files cairn did not write (unless forced: then those are returned).
    fn check_commit(
        &self,
        moves: &[(Arc<str>, usize)],
        prunes: &[Arc<str>],
    ) -> anyhow::Result<Vec<String>> {
        let target = &self.target;
        let mut folders: FastSet<&Path> = FastSet::default();
        for rel in moves.iter().map(|(r, _)| r).chain(prunes) {
            let mut dir = Path::new(&**rel).parent();
            while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                if !folders.insert(d) {
                    break;
                }
                dir = d.parent();
            }
        }
        let mut links: Vec<String> = folders
            .par_iter()
            .filter(|d| {
                std::fs::symlink_metadata(target.join(d)).is_ok_and(|m| m.file_type().is_symlink())
            })
            .map(|d| slashed(&self.shown.join(d)))
            .collect();
        if !links.is_empty() {
            links.sort();
            let one = links.len() == 1;
            bail!(
                "refusing to write the site into {}: {} {}, and cairn never writes through links in its output\n  = hint: remove the link{} (what {} to is left alone), then build again",
                self.shown.display(),
                quote_some(&links),
                if one {
                    "is a symbolic link"
                } else {
                    "are symbolic links"
                },
                if one { "" } else { "s" },
                if one { "it points" } else { "they point" },
            );
        }
        let previous = &self.previous;
        // A file cairn did not write where the build puts a file, or blocking a folder it needs.
        let mut foreign: Vec<String> = moves
            .par_iter()
            .map(|(rel, _)| &**rel)
            .filter(|rel| {
                !previous.contains(rel) && std::fs::symlink_metadata(target.join(rel)).is_ok()
            })
            .map(str::to_string)
            .collect();
        foreign.extend(folders.iter().filter_map(|d| {
            let rel = slashed(d);
            let meta = std::fs::symlink_metadata(target.join(d)).ok()?;
            (!meta.is_dir() && !previous.contains(&rel)).then_some(rel)
        }));
        foreign.sort();
        if !foreign.is_empty() && !self.force {
            bail!(
                "refusing to replace files cairn did not write in {}: {}\n  = hint: move them into the site's static/ folder so that cairn publishes them, or pass --force to let the build replace them",
                self.shown.display(),
                quote_some(&foreign)
            );
        }
        Ok(foreign)
    }

    /// Prune, make folders, move files in and write the record, noting each step in `journal`.
    fn apply(
        &self,
        moves: &[(Arc<str>, usize)],
        prunes: &[Arc<str>],
        manifest: &Manifest,
        journal: &Journal,
    ) -> anyhow::Result<()> {
        let target = &self.target;
        std::fs::create_dir(&journal.backups)
            .with_context(|| format!("cannot create {}", journal.backups.display()))?;
        for rel in prunes {
            let path = target.join(&**rel);
            // A folder there now is someone else's: only files (and links) cairn recorded go.
            if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir()) {
                journal.move_aside(target, rel)?;
            }
        }
        let mut folders: Vec<&Path> = moves
            .iter()
            .filter_map(|(rel, _)| Path::new(&**rel).parent())
            .filter(|d| !d.as_os_str().is_empty())
            .collect();
        folders.sort_unstable();
        folders.dedup();
        for folder in folders {
            let mut missing = Vec::new();
            for d in folder.ancestors().filter(|d| !d.as_os_str().is_empty()) {
                match std::fs::symlink_metadata(target.join(d)) {
                    Ok(m) if m.is_dir() => break,
                    Ok(_) => {
                        // A recorded file where a folder now goes: move it aside.
                        journal.move_aside(target, &slashed(d))?;
                        missing.push(d);
                    }
                    Err(_) => missing.push(d),
                }
            }
            for d in missing.into_iter().rev() {
                let path = target.join(d);
                std::fs::create_dir(&path)
                    .with_context(|| format!("cannot create {}", path.display()))?;
                journal.note(Step::Created(path));
            }
        }
        moves
            .par_iter()
            .try_for_each(|(rel, n)| -> anyhow::Result<()> {
                let to = target.join(&**rel);
                if std::fs::symlink_metadata(&to).is_ok_and(|m| !m.is_dir()) {
                    // Moved aside rather than unlinked: restorable, and renaming over an
                    // existing file would make ext4 flush the new data at once.
                    journal.move_aside(target, rel)?;
                }
                std::fs::rename(self.staged(*n), &to)
                    .with_context(|| format!("cannot move {} into place", to.display()))?;
                journal.note(Step::Placed(to, *n));
                Ok(())
            })?;
        let record = self.dir.join("manifest.new");
        write_file(&record, manifest.to_json().as_bytes())
            .with_context(|| format!("cannot write {}", record.display()))?;
        if target.join(MANIFEST).exists() {
            journal.move_aside(target, MANIFEST)?;
        }
        std::fs::rename(&record, target.join(MANIFEST))
            .with_context(|| format!("cannot write {}", target.join(MANIFEST).display()))?;
        journal.note(Step::Record(target.join(MANIFEST)));
        Ok(())
    }

    /// Mark committed and remove the staging folder (with the moved-aside old files).
    fn finish(&mut self) {
        self.committed = true;
        let dir = std::mem::take(&mut self.dir);
        if self.background_cleanup {
            std::thread::spawn(move || std::fs::remove_dir_all(dir));
        } else {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// What the commit changed so far, in order, so that a failure can be undone.
struct Journal {
    /// Where replaced and pruned files are moved aside.
    backups: PathBuf,
    steps: Mutex<Vec<Step>>,
    next: AtomicUsize,
}

enum Step {
    /// A file of the output moved to the backup folder under this number.
    MovedAside(PathBuf, usize),
    /// A folder made.
    Created(PathBuf),
    /// A staged file (by number) moved into place.
    Placed(PathBuf, usize),
    /// The new record written.
    Record(PathBuf),
}

impl Journal {
    fn note(&self, step: Step) {
        self.steps.lock().expect("journal lock").push(step);
    }

    fn move_aside(&self, target: &Path, rel: &str) -> anyhow::Result<()> {
        let from = target.join(rel);
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        std::fs::rename(&from, self.backups.join(n.to_string()))
            .with_context(|| format!("cannot replace {}", from.display()))?;
        self.note(Step::MovedAside(from, n));
        Ok(())
    }

    /// Undo every step, last first.
    fn undo(&mut self, staged: impl Fn(usize) -> PathBuf) -> anyhow::Result<()> {
        let steps = std::mem::take(self.steps.get_mut().expect("journal lock"));
        let mut first_error = None;
        for step in steps.into_iter().rev() {
            let result = match &step {
                Step::Placed(to, n) => std::fs::rename(to, staged(*n)),
                Step::Record(path) => std::fs::remove_file(path),
                Step::Created(dir) => std::fs::remove_dir(dir),
                Step::MovedAside(from, n) => {
                    std::fs::rename(self.backups.join(n.to_string()), from)
                }
            };
            if let Err(e) = result {
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            None => Ok(()),
            Some(e) => Err(e.into()),
        }
    }
}

impl crate::render::Sink for Staging {
    fn write(&self, file: OutputFile) -> io::Result<()> {
        Staging::write(self, file)
    }

    fn keep(&self, path: &Arc<str>) -> io::Result<()> {
        self.push(path, Entry::Unchanged);
        Ok(())
    }
}

/// Staging folders in update mode.
const SHARDS: usize = 64;

/// Write `bytes` to a new file at `path`; returns its metadata.
fn write_file(path: &Path, bytes: &[u8]) -> io::Result<std::fs::Metadata> {
    // Only ever called inside the staging folder, which holds no links.
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    f.metadata()
}

/// The record of a file already in the output (one the incremental renderer kept but
/// that the record does not list).
fn record_from_disk(path: &Path) -> anyhow::Result<Record> {
    let meta = std::fs::symlink_metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    anyhow::ensure!(meta.is_file(), "{} is not a file", path.display());
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Record::of(&bytes, &meta))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Check that a report (`audit --html FILE`) may be written at `file`: not a site file,
/// not a link, not a folder, and not a file that some other program wrote (`marker`
/// identifies cairn's own reports). Returns the resolved path.
pub fn check_report_file(root: &Path, file: &Path, marker: &str) -> anyhow::Result<PathBuf> {
    let refuse = |why: &str, hint: &str| {
        anyhow::anyhow!(
            "refusing to write the report to {}: {why}\n  = hint: {hint}",
            file.display()
        )
    };
    let choose = "choose a new file name outside the site's folders, e.g. --html audit.html";
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
    if let Some(meta) = meta {
        if meta.is_dir() {
            return Err(refuse("it is a folder", choose));
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

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    /// Every entry below `dir` (the record left out): folders end in `/`, files show their text.
    fn tree(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.depth() > 0 && e.file_name() != MANIFEST)
            .map(|e| {
                let rel = slashed(e.path().strip_prefix(dir).unwrap());
                if e.file_type().is_dir() {
                    format!("{rel}/")
                } else {
                    format!("{rel}={}", std::fs::read_to_string(e.path()).unwrap())
                }
            })
            .collect();
        v.sort();
        v
    }

    /// A site folder with an output folder `public` in it.
    fn site() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        (tmp, target)
    }

    /// Build `files` into `target` and commit.
    fn build(root: &Path, target: &Path, files: &[(&str, &str)]) -> Committed {
        let mut out = Output::open(root, target, false).unwrap();
        let s = out.stage().unwrap();
        for (p, t) in files {
            s.write(file(p, t)).unwrap();
        }
        let (manifest, done) = s.commit().unwrap();
        out.set_manifest(manifest);
        done
    }

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

    #[test]
    fn a_dropped_staging_leaves_the_old_output_untouched() {
        let (tmp, target) = site();
        build(tmp.path(), &target, &[("index.html", "old")]);
        {
            let out = Output::open(tmp.path(), &target, false).unwrap();
            let s = out.stage().unwrap();
            s.write(file("index.html", "new")).unwrap();
        }
        assert_eq!(tree(&target), ["index.html=old"]);
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "staging folder removed"
        );
    }

    #[test]
    fn commit_moves_new_files_in_and_prunes_only_recorded_ones() {
        let (tmp, target) = site();
        build(
            tmp.path(),
            &target,
            &[
                ("index.html", "old"),
                ("gone/index.html", "old"),
                ("a/index.html", "old"),
                ("a/old.css", "old"),
                ("b", "a file that becomes a folder"),
            ],
        );
        for (p, t) in [("gone/notes.txt", "someone's"), (".git/HEAD", "keep")] {
            std::fs::create_dir_all(target.join(p).parent().unwrap()).unwrap();
            std::fs::write(target.join(p), t).unwrap();
        }
        let done = build(
            tmp.path(),
            &target,
            &[
                ("index.html", "new"),
                ("a/index.html", "new"),
                ("a/b/c/index.html", "deep"),
                ("b/index.html", "folder now"),
                ("style.css", "theme"),
                ("style.css", "site"),
            ],
        );
        assert_eq!((done.files, done.written, done.pruned), (5, 5, 3));
        assert_eq!(
            tree(&target),
            [
                ".git/",
                ".git/HEAD=keep",
                "a/",
                "a/b/",
                "a/b/c/",
                "a/b/c/index.html=deep",
                "a/index.html=new",
                "b/",
                "b/index.html=folder now",
                "gone/",
                "gone/notes.txt=someone's",
                "index.html=new",
                "style.css=site"
            ]
        );
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "staging folder removed"
        );
    }

    #[test]
    fn a_fresh_output_is_committed_as_a_whole_tree_with_its_record() {
        let (tmp, _) = site();
        let target = tmp.path().join("out/public");
        build(
            tmp.path(),
            &target,
            &[("index.html", "home"), ("a/b/index.html", "deep")],
        );
        assert_eq!(
            tree(&target),
            ["a/", "a/b/", "a/b/index.html=deep", "index.html=home"]
        );
        let out = Output::open(tmp.path(), &target, false).unwrap();
        assert_eq!(out.manifest().len(), 2);
        assert!(out.manifest().contains("a/b/index.html"));
        assert_eq!(
            std::fs::read_dir(tmp.path().join("out")).unwrap().count(),
            1
        );
    }

    #[test]
    fn unchanged_files_are_not_rewritten() {
        let (tmp, target) = site();
        build(tmp.path(), &target, &[("same.html", "same")]);
        let before = std::fs::metadata(target.join("same.html"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let done = build(
            tmp.path(),
            &target,
            &[("same.html", "same"), ("new.html", "new")],
        );
        assert_eq!(done.written, 1);
        assert_eq!(
            std::fs::metadata(target.join("same.html"))
                .unwrap()
                .modified()
                .unwrap(),
            before
        );
        assert_eq!(tree(&target), ["new.html=new", "same.html=same"]);
    }

    #[test]
    fn a_failed_move_puts_every_replaced_and_pruned_file_back() {
        let (tmp, target) = site();
        let files: Vec<(String, String)> = (0..40)
            .map(|i| (format!("p{i}/index.html"), format!("old {i}")))
            .collect();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        build(tmp.path(), &target, &refs);
        // A folder where the new build puts a file: the move fails part-way.
        std::fs::remove_file(target.join("p7/index.html")).unwrap();
        std::fs::create_dir_all(target.join("p7/index.html/x")).unwrap();
        let before = tree(&target);
        let out = Output::open(tmp.path(), &target, false).unwrap();
        let s = out.stage().unwrap();
        for i in 1..40 {
            s.write(file(&format!("p{i}/index.html"), &format!("new {i}")))
                .unwrap();
        }
        s.write(file("new/index.html", "new")).unwrap();
        let e = s.commit().unwrap_err();
        assert!(
            format!("{e:#}").ends_with(&format!(
                "the previous output in {} was restored",
                target.display()
            )),
            "{e:#}"
        );
        assert_eq!(tree(&target), before);
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "staging folder removed"
        );
    }

    #[test]
    fn paths_that_leave_the_output_are_never_staged() {
        let (tmp, target) = site();
        let out = Output::open(tmp.path(), &target, false).unwrap();
        let s = out.stage().unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", "", MANIFEST] {
            assert!(s.write(file(bad, "x")).is_err(), "{bad}");
        }
    }
}
