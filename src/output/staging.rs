//! Staging a build beside the output and committing it: a fresh output in one
//! rename, an existing one file by file under a [`Journal`] that can undo it.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use rayon::prelude::*;

use super::journal::{Journal, Step};
use super::manifest::{MANIFEST, Manifest, Record, is_plain_relative};
use super::{FastMap, FastSet, quote_some, slashed};
use crate::render::OutputFile;

/// What a commit replaces of the previous build.
#[derive(Debug, Clone, Copy)]
enum Scope<'a> {
    /// Everything: files not staged again are pruned.
    All,
    /// Only the staged files: every other file is kept.
    Patch,
    /// The files under a folder (`pagefind/`, with its slash): every other file is kept.
    Folder(&'a str),
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
    /// Write the record into the output (not for a serve session's private folder).
    record_on_disk: bool,
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
    /// Files of the previous build that someone changed since: no longer cairn's, so kept
    /// although the build no longer makes them (and left out of the record).
    pub kept: Vec<String>,
}

impl Staging {
    /// Stage into `dir` (a new folder beside `target`) a build of `target`, whose last
    /// build `previous` records; `force` lets it replace files cairn did not write.
    pub(super) fn new(
        dir: PathBuf,
        target: PathBuf,
        shown: PathBuf,
        previous: Arc<Manifest>,
        force: bool,
        record_on_disk: bool,
    ) -> Staging {
        Staging {
            fresh: !target.exists(),
            record_on_disk,
            dir,
            target,
            shown,
            previous,
            force,
            background_cleanup: false,
            next: AtomicUsize::new(0),
            entries: Mutex::new(Vec::new()),
            committed: false,
        }
    }

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
        self.commit_with(Scope::All)
    }

    /// Put the staged files in place over an existing output and prune nothing: for a
    /// rebuild that knows it produced the same files as the last one, some with new bytes.
    pub fn commit_patch(self) -> anyhow::Result<(Manifest, Committed)> {
        anyhow::ensure!(!self.fresh, "a patch needs an existing output");
        self.commit_with(Scope::Patch)
    }

    /// Put the staged files, all inside `folder` (`pagefind`), in place over an existing
    /// output, and prune the files of the previous build inside `folder` that this one did
    /// not stage; every file outside `folder` is kept as recorded. For a part of the
    /// output made apart from the rest (a serve session's search index).
    pub fn commit_folder(self, folder: &str) -> anyhow::Result<(Manifest, Committed)> {
        anyhow::ensure!(!self.fresh, "replacing a folder needs an existing output");
        let prefix = format!("{}/", folder.trim_matches('/'));
        let outside = self
            .entries
            .lock()
            .expect("staging lock")
            .iter()
            .find(|(rel, _)| !rel.starts_with(&prefix))
            .map(|(rel, _)| rel.to_string());
        if let Some(rel) = outside {
            bail!("`{rel}` is not inside {prefix}");
        }
        self.commit_with(Scope::Folder(&prefix))
    }

    fn commit_with(mut self, scope: Scope) -> anyhow::Result<(Manifest, Committed)> {
        let last = self.last_entries();
        let manifest = self.new_record(&last, scope)?;
        if self.fresh {
            return self.commit_fresh(manifest);
        }
        let moves: Vec<(Arc<str>, usize)> = last
            .iter()
            .filter_map(|(rel, e)| match e {
                Entry::Staged(n, _) => Some((rel.clone(), *n)),
                Entry::Unchanged => None,
            })
            .collect();
        let (prunes, kept) = self.prunes(&last, scope);
        let replaced = self.check_commit(&moves, &prunes)?;
        self.apply_or_restore(&moves, &prunes, &manifest)?;
        self.remove_emptied_folders(&prunes);
        self.finish();
        let done = Committed {
            files: manifest.len(),
            written: moves.len(),
            pruned: prunes.len(),
            replaced,
            kept: kept.iter().map(|k| k.to_string()).collect(),
        };
        Ok((manifest, done))
    }

    /// The staged entries by path; a later write of the same path wins (theme static <
    /// site static < content assets).
    fn last_entries(&self) -> FastMap<Arc<str>, Entry> {
        let entries = std::mem::take(&mut *self.entries.lock().expect("staging lock"));
        let mut last: FastMap<Arc<str>, Entry> =
            FastMap::with_capacity_and_hasher(entries.len(), Default::default());
        for (rel, entry) in entries {
            last.insert(rel, entry);
        }
        last
    }

    /// The record of the output after this commit. A patch keeps every other file of the
    /// previous build as it is.
    fn new_record(
        &self,
        last: &FastMap<Arc<str>, Entry>,
        scope: Scope,
    ) -> anyhow::Result<Manifest> {
        let mut manifest = match scope {
            Scope::All => Manifest::default(),
            Scope::Patch => (*self.previous).clone(),
            Scope::Folder(prefix) => {
                let mut kept = (*self.previous).clone();
                kept.files.retain(|rel, _| !rel.starts_with(prefix));
                kept
            }
        };
        manifest.files.reserve(last.len());
        for (rel, entry) in last {
            let record = match entry {
                Entry::Staged(_, r) => *r,
                Entry::Unchanged => match self.previous.files.get(rel) {
                    Some(r) => *r,
                    None => record_from_disk(&self.target.join(&**rel))?,
                },
            };
            manifest.files.insert(rel.clone(), record);
        }
        Ok(manifest)
    }

    /// No output yet: write the record into the staged tree and rename it into place.
    fn commit_fresh(mut self, manifest: Manifest) -> anyhow::Result<(Manifest, Committed)> {
        let done = Committed {
            files: manifest.len(),
            written: manifest.len(),
            ..Committed::default()
        };
        if self.record_on_disk {
            write_file(&self.dir.join(MANIFEST), manifest.to_json().as_bytes())
                .with_context(|| format!("cannot write {MANIFEST}"))?;
        }
        std::fs::rename(&self.dir, &self.target).with_context(|| {
            format!("cannot move the new output into {}", self.target.display())
        })?;
        self.committed = true;
        Ok((manifest, done))
    }

    /// Files of the previous build that this one does not make, sorted: those to remove,
    /// and those someone rewrote since cairn wrote them, which are theirs now and kept.
    /// A patch prunes nothing; a folder's commit only inside the folder.
    fn prunes(
        &self,
        last: &FastMap<Arc<str>, Entry>,
        scope: Scope,
    ) -> (Vec<Arc<str>>, Vec<Arc<str>>) {
        let within = |p: &str| match scope {
            Scope::All => true,
            Scope::Patch => false,
            Scope::Folder(prefix) => p.starts_with(prefix),
        };
        let mut prunes: Vec<Arc<str>> = self
            .previous
            .files
            .keys()
            .filter(|p| within(p) && !last.contains_key(*p))
            .cloned()
            .collect();
        prunes.sort_unstable();
        prunes.into_iter().partition(|rel| {
            let path = self.target.join(&**rel);
            !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
                || self.previous.files[rel].still_written(&path)
        })
    }

    /// [`apply`](Self::apply) under a journal; on failure undo what it did and say
    /// whether the previous output was restored.
    fn apply_or_restore(
        &self,
        moves: &[(Arc<str>, usize)],
        prunes: &[Arc<str>],
        manifest: &Manifest,
    ) -> anyhow::Result<()> {
        let mut journal = Journal {
            backups: self.dir.join("old"),
            steps: Mutex::new(Vec::new()),
            next: AtomicUsize::new(0),
        };
        if let Err(e) = self.apply(moves, prunes, manifest, &journal) {
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
        journal.steps.get_mut().expect("journal lock").clear();
        Ok(())
    }

    /// Folders emptied by pruning go too, up to (not including) the output folder.
    fn remove_emptied_folders(&self, prunes: &[Arc<str>]) {
        for gone in prunes {
            let mut dir = Path::new(&**gone).parent();
            while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                if std::fs::remove_dir(self.target.join(d)).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
    }

    /// Refuse, before anything is touched, a commit that would write through a symbolic
    /// link or replace files cairn did not write (unless forced: then those are returned).
    fn check_commit(
        &self,
        moves: &[(Arc<str>, usize)],
        prunes: &[Arc<str>],
    ) -> anyhow::Result<Vec<String>> {
        let target = &self.target;
        let folders = folders_of(moves, prunes);
        self.refuse_links(&folders)?;
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
        foreign.dedup();
        if !foreign.is_empty() && !self.force {
            bail!(
                "refusing to replace files cairn did not write in {}: {}\n  = hint: move them into the site's static/ folder so that cairn publishes them, or pass --force to let the build replace them",
                self.shown.display(),
                quote_some(&foreign)
            );
        }
        Ok(foreign)
    }

    /// Refuse a commit that would write through a symbolic link among `folders` of the output.
    fn refuse_links(&self, folders: &FastSet<&Path>) -> anyhow::Result<()> {
        let target = &self.target;
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
        Ok(())
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
        self.make_folders(moves, journal)?;
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
        if self.record_on_disk {
            self.write_record(manifest, journal)?;
        }
        Ok(())
    }

    /// Make the folders the moved files need, moving aside a recorded file where one goes.
    fn make_folders(&self, moves: &[(Arc<str>, usize)], journal: &Journal) -> anyhow::Result<()> {
        let target = &self.target;
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
        Ok(())
    }

    /// Put the new record in place of the old one.
    fn write_record(&self, manifest: &Manifest, journal: &Journal) -> anyhow::Result<()> {
        let target = &self.target;
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

/// Every folder (inside the output) that holds a file to move in or prune.
fn folders_of<'a>(moves: &'a [(Arc<str>, usize)], prunes: &'a [Arc<str>]) -> FastSet<&'a Path> {
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
    folders
}

impl crate::render::Sink for Staging {
    fn write(&self, file: OutputFile) -> io::Result<()> {
        Staging::write(self, file)
    }

    fn keep(&self, path: &Arc<str>) -> io::Result<()> {
        // The shared path itself: ten thousand kept files cost no new strings.
        self.entries
            .lock()
            .expect("staging lock")
            .push((path.clone(), Entry::Unchanged));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Output, slashed};

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
    fn a_folder_commit_replaces_and_prunes_only_that_folder() {
        let (tmp, target) = site();
        build(
            tmp.path(),
            &target,
            &[
                ("index.html", "page"),
                ("pagefind/a.pf", "old a"),
                ("pagefind/index/x.pf", "old x"),
                ("pagefinder.html", "not in the folder"),
            ],
        );
        std::fs::write(target.join("pagefind/mine.txt"), "someone's").unwrap();
        let mut out = Output::open(tmp.path(), &target, false).unwrap();
        let s = out.stage().unwrap();
        s.write(file("pagefind/a.pf", "new a")).unwrap();
        s.write(file("pagefind/index/y.pf", "new y")).unwrap();
        let (manifest, done) = s.commit_folder("pagefind").unwrap();
        out.set_manifest(manifest);
        assert_eq!((done.files, done.written, done.pruned), (4, 2, 1));
        assert_eq!(
            tree(&target),
            [
                "index.html=page",
                "pagefind/",
                "pagefind/a.pf=new a",
                "pagefind/index/",
                "pagefind/index/y.pf=new y",
                "pagefind/mine.txt=someone's",
                "pagefinder.html=not in the folder",
            ]
        );
        let mut recorded: Vec<&str> = out.manifest().files.keys().map(|k| &**k).collect();
        recorded.sort();
        assert_eq!(
            recorded,
            [
                "index.html",
                "pagefind/a.pf",
                "pagefind/index/y.pf",
                "pagefinder.html"
            ]
        );
        let mut inside: Vec<&str> = out.manifest().inside("pagefind").map(|k| &**k).collect();
        inside.sort();
        assert_eq!(inside, ["pagefind/a.pf", "pagefind/index/y.pf"]);
        // A file outside the folder is refused before anything is touched.
        let s = out.stage().unwrap();
        s.write(file("index.html", "other")).unwrap();
        let e = s.commit_folder("pagefind").unwrap_err();
        assert_eq!(e.to_string(), "`index.html` is not inside pagefind/");
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "page"
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
