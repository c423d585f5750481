//! The only module that writes the site to disk. Every file of a build is
//! first written to a flat staging folder beside the output; only when the
//! whole build succeeded is each one renamed into place and the files the
//! build no longer produces removed. So a failed build leaves the previous
//! output byte-for-byte untouched, and a successful one costs one rename per
//! file instead of deleting and recreating the whole tree.

use std::collections::{HashMap, HashSet};

/// Hash maps and sets over every output file: a fast hasher, as they hold 50,000 paths.
type FastMap<K, V> = HashMap<K, V, ahash::RandomState>;
type FastSet<T> = HashSet<T, ahash::RandomState>;
/// The files of an output, relative to it.
pub type FileSet = FastSet<Arc<str>>;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use rayon::prelude::*;

use crate::render::OutputFile;

/// Files being staged for `target`; the staging folder is removed on drop unless committed.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// No output yet: stage the final tree and rename it into place in one step.
    fresh: bool,
    /// Remove the staging folder on a background thread after commit (long-running serve).
    background_cleanup: bool,
    next: AtomicUsize,
    /// (path inside the output, staged file number or `None` when unchanged).
    entries: Mutex<Vec<(Arc<str>, Option<usize>)>>,
    committed: bool,
}

impl Staging {
    /// Start staging files for `target` (the staging folder is its sibling, so commits are renames).
    pub fn new(target: &Path) -> anyhow::Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        // Unique per build: a serve session removes the previous one in the background.
        static BUILDS: AtomicUsize = AtomicUsize::new(0);
        let n = BUILDS.fetch_add(1, Ordering::Relaxed);
        let dir = parent.join(format!(".{name}.cairn-staging-{}-{n}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        let fresh = !target.exists();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            fresh,
            background_cleanup: false,
            next: AtomicUsize::new(0),
            entries: Mutex::new(Vec::new()),
            committed: false,
        })
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

    /// Stage `rel`: in a fresh tree at its path; otherwise only when its bytes differ from the output's.
    fn stage(
        &self,
        rel: &str,
        unchanged: impl FnOnce(&Path) -> bool,
        write: impl Fn(&Path) -> io::Result<()>,
    ) -> io::Result<()> {
        if self.fresh {
            let path = self.dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            write(&path)?;
            self.entries
                .lock()
                .expect("staging lock")
                .push((rel.into(), None));
            return Ok(());
        }
        let entry = if unchanged(&self.target.join(rel)) {
            None
        } else {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            let path = self.staged(n);
            // Shard folders are made on first use: an incremental build stages a handful of files.
            if let Err(e) = write(&path) {
                std::fs::create_dir_all(path.parent().expect("staged files are in a shard"))
                    .map_err(|_| e)?;
                write(&path)?;
            }
            Some(n)
        };
        self.entries
            .lock()
            .expect("staging lock")
            .push((rel.into(), entry));
        Ok(())
    }

    /// Stage one rendered file.
    pub fn write(&self, file: OutputFile) -> io::Result<()> {
        let bytes = &file.bytes;
        self.stage(
            &file.path,
            |old| file_equals(old, bytes),
            |p| std::fs::write(p, bytes),
        )
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", file.path)))
    }

    /// Stage a copy of `source` at `rel` inside the output.
    pub fn copy(&self, source: &Path, rel: &str) -> io::Result<()> {
        self.stage(
            rel,
            |old| same_contents(source, old),
            |p| std::fs::copy(source, p).map(|_| ()),
        )
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", source.display())))
    }

    /// Put the staged files in place and remove what the build no longer produces.
    /// Dot-files at the top of an existing output (`.git`, `.nojekyll`) are left alone.
    pub fn commit(self) -> anyhow::Result<()> {
        self.commit_after(None).map(|_| ())
    }

    /// [`commit`](Self::commit), told which files the previous build produced: then stale
    /// files are found without walking the output. Returns the files of this build.
    pub fn commit_after(mut self, previous: Option<&FileSet>) -> anyhow::Result<FileSet> {
        let entries = std::mem::take(&mut *self.entries.lock().expect("staging lock"));
        if self.fresh {
            std::fs::rename(&self.dir, &self.target).with_context(|| {
                format!("cannot move the new output into {}", self.target.display())
            })?;
            self.committed = true;
            return Ok(entries.into_iter().map(|(rel, _)| rel).collect());
        }
        // A later write of the same path wins (theme static < site static < content assets).
        let mut last: FastMap<&str, Option<usize>> =
            FastMap::with_capacity_and_hasher(entries.len(), Default::default());
        for (rel, n) in &entries {
            last.insert(rel, *n);
        }
        let target = &self.target;
        let mut dirs: FastSet<&Path> = FastSet::default();
        for (rel, n) in &last {
            let parent = Path::new(rel)
                .parent()
                .filter(|p| !p.as_os_str().is_empty());
            if let (Some(_), Some(parent)) = (n, parent) {
                dirs.insert(parent);
            }
        }
        for d in &dirs {
            let path = target.join(d);
            if path.is_file() {
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot replace {}", path.display()))?;
            }
            std::fs::create_dir_all(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
        }
        let moves: Vec<(&str, usize)> = last
            .iter()
            .filter_map(|(r, n)| n.map(|n| (*r, n)))
            .collect();
        self.move_in(&moves)?;
        // Remove files from earlier builds that this one did not produce, and folders it no longer has.
        let produced: FileSet = entries.iter().map(|(r, _)| r.clone()).collect();
        match previous {
            Some(previous) => {
                for gone in previous.iter().filter(|p| !last.contains_key(&***p)) {
                    let path = target.join(&**gone);
                    let _ = std::fs::remove_file(&path);
                    // Remove folders left empty, up to the output root.
                    let mut dir = path.parent();
                    while let Some(d) = dir.filter(|d| *d != target.as_path()) {
                        if std::fs::remove_dir(d).is_err() {
                            break;
                        }
                        dir = d.parent();
                    }
                }
            }
            None => {
                let needed: FastSet<&Path> = last
                    .keys()
                    .filter_map(|r| Path::new(r).parent())
                    .flat_map(Path::ancestors)
                    .filter(|a| !a.as_os_str().is_empty())
                    .collect();
                remove_stale(target, target, &last, &needed)?;
            }
        }
        self.finish();
        Ok(produced)
    }

    /// Put the staged files in place over an existing output and remove nothing: for a
    /// rebuild that knows it produced the same files as the last one, some with new bytes.
    pub fn commit_patch(mut self) -> anyhow::Result<()> {
        anyhow::ensure!(!self.fresh, "a patch needs an existing output");
        let entries = std::mem::take(&mut *self.entries.lock().expect("staging lock"));
        let moves: Vec<(&str, usize)> = entries
            .iter()
            .filter_map(|(r, n)| n.map(|n| (&**r, n)))
            .collect();
        for (rel, _) in &moves {
            if let Some(parent) = Path::new(rel).parent() {
                std::fs::create_dir_all(self.target.join(parent))
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
        }
        self.move_in(&moves)?;
        self.finish();
        Ok(())
    }

    /// Rename staged files (by staging number) to their paths in the output.
    fn move_in(&self, moves: &[(&str, usize)]) -> anyhow::Result<()> {
        let target = &self.target;
        moves
            .par_iter()
            .try_for_each(|(rel, n)| -> anyhow::Result<()> {
                let to = target.join(rel);
                let from = self.staged(*n);
                // Unlink first: renaming over an existing file makes ext4 flush the new data at once.
                if to.is_file() {
                    let _ = std::fs::remove_file(&to);
                }
                if std::fs::rename(&from, &to).is_err() {
                    // A folder where a file now goes: replace it.
                    if to.is_dir() {
                        std::fs::remove_dir_all(&to)
                            .with_context(|| format!("cannot replace {}", to.display()))?;
                    }
                    std::fs::rename(&from, &to)
                        .with_context(|| format!("cannot move {} into place", to.display()))?;
                }
                Ok(())
            })
    }

    /// Mark committed and remove the (now empty) staging folder.
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

impl crate::render::Sink for Staging {
    fn write(&self, file: OutputFile) -> io::Result<()> {
        Staging::write(self, file)
    }

    fn keep(&self, path: &Arc<str>) -> io::Result<()> {
        self.entries
            .lock()
            .expect("staging lock")
            .push((path.clone(), None));
        Ok(())
    }
}

/// Staging folders in update mode.
const SHARDS: usize = 64;

/// Whether the file at `path` holds exactly `bytes`.
fn file_equals(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            std::fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Whether two files have the same bytes.
fn same_contents(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(ma), Ok(mb)) if mb.is_file() && ma.len() == mb.len() => {
            matches!((std::fs::read(a), std::fs::read(b)), (Ok(x), Ok(y)) if x == y)
        }
        _ => false,
    }
}

/// `needed` holds every folder (and its ancestors) that the new output has.
/// Folders are visited in parallel: an output of 50,000 pages has 50,000 of them.
fn remove_stale(
    root: &Path,
    dir: &Path,
    keep: &FastMap<&str, Option<usize>>,
    needed: &FastSet<&Path>,
) -> anyhow::Result<()> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)
        .and_then(|d| d.collect())
        .with_context(|| format!("cannot read {}", dir.display()))?;
    entries
        .par_iter()
        .try_for_each(|entry| -> anyhow::Result<()> {
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap_or(&path);
            if dir == root && entry.file_name().to_string_lossy().starts_with('.') {
                return Ok(());
            }
            if entry.file_type()?.is_dir() {
                if needed.contains(rel) {
                    remove_stale(root, &path, keep, needed)?;
                } else {
                    std::fs::remove_dir_all(&path)
                        .with_context(|| format!("cannot remove {}", path.display()))?;
                }
            } else if !keep.contains_key(rel.to_string_lossy().replace('\\', "/").as_str()) {
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            }
            Ok(())
        })
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Refuse output folders whose replacement would destroy the site itself.
pub fn check_output_dir(root: &Path, output: &Path) -> anyhow::Result<()> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, output) = (abs(root), abs(output));
    if root.starts_with(&output) {
        bail!(
            "the output folder {} contains the site itself; choose another --output",
            output.display()
        );
    }
    for protected in ["content", "static", "templates", "themes"] {
        if output.starts_with(root.join(protected)) {
            bail!(
                "the output folder {} is inside the site's {protected}/ folder; choose another --output",
                output.display()
            );
        }
    }
    if output.join("site.toml").exists() || output.join("content").is_dir() {
        bail!(
            "{} looks like a site folder (it has site.toml or content/); cairn replaces its output folder on every build, so choose another --output",
            output.display()
        );
    }
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

    fn tree(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.depth() > 0)
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
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

    #[test]
    fn a_dropped_staging_leaves_the_old_output_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("index.html"), "old").unwrap();
        {
            let s = Staging::new(&target).unwrap();
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
    fn commit_moves_new_files_in_and_removes_stale_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        for (p, t) in [
            ("index.html", "old"),
            ("gone/index.html", "old"),
            ("a/index.html", "old"),
            ("a/old.css", "old"),
            (".git/HEAD", "keep"),
            ("b", "a file that becomes a folder"),
        ] {
            std::fs::create_dir_all(target.join(p).parent().unwrap()).unwrap();
            std::fs::write(target.join(p), t).unwrap();
        }
        let s = Staging::new(&target).unwrap();
        s.write(file("index.html", "new")).unwrap();
        s.write(file("a/index.html", "new")).unwrap();
        s.write(file("a/b/c/index.html", "deep")).unwrap();
        s.write(file("b/index.html", "folder now")).unwrap();
        s.write(file("style.css", "theme")).unwrap();
        s.write(file("style.css", "site")).unwrap();
        s.commit().unwrap();
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
    fn a_fresh_output_is_committed_as_a_whole_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out/public");
        let s = Staging::new(&target).unwrap();
        s.write(file("index.html", "home")).unwrap();
        s.write(file("a/b/index.html", "deep")).unwrap();
        s.commit().unwrap();
        assert_eq!(
            tree(&target),
            ["a/", "a/b/", "a/b/index.html=deep", "index.html=home"]
        );
        assert_eq!(
            std::fs::read_dir(tmp.path().join("out")).unwrap().count(),
            1
        );
    }

    #[test]
    fn unchanged_files_are_not_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("same.html"), "same").unwrap();
        let before = std::fs::metadata(target.join("same.html"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let s = Staging::new(&target).unwrap();
        s.write(file("same.html", "same")).unwrap();
        s.write(file("new.html", "new")).unwrap();
        s.commit().unwrap();
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
    fn output_may_not_swallow_the_site() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, &root.join("content/x")).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }
}
