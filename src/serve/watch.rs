//! Watching the site for `cairn serve`: which saves matter, and watches
//! that outlive the folders they were set on.
//!
//! The site root is watched on its own (for `site.toml`), and each of
//! `content/`, `static/`, `templates/`, `themes/`, `data/` and `i18n/` recursively. Such a
//! folder is often replaced as a whole: `git checkout` of another branch, a
//! sync tool, `mv content x && mv x content`, `rm -rf content && cp -r
//! backup content`. A watch belongs to the folder it was set on, and notify
//! drops it once that folder is moved away or deleted; a folder made after
//! the start has no watch at all. So after any event on one of these names
//! in the root, after a lost-events notice, and whenever the folder's
//! identity (device and inode on unix) differs from the one watched, checked
//! every [`CHECK_EVERY`], the watches are set afresh and the whole site is
//! rebuilt: any file in a new folder may differ.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache};

use super::{Shared, rebuild};
use crate::diagnostics::display_path;

/// The folders watched recursively, by name in the site root.
use crate::source::SITE_FOLDERS as FOLDERS;

/// How long a burst of events may last before it is handled as one.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// How often the watched folders' identities are compared with the disk's,
/// should an event that moved one have been missed.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// How often a session indexing in the background is asked whether its index is done.
const INDEX_CHECK_EVERY: Duration = Duration::from_millis(50);

/// What changed on disk, by where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Content,
    Static,
    Templates,
    Config,
    /// A file of `data/`: every page is read again, and the caches tell what changed (the
    /// case studies whose metrics CSV changed; every output, which can show `data`).
    Data,
}

/// Classify a changed path relative to the site root; `None` for files that never affect the site.
pub fn classify(rel: &Path) -> Option<Change> {
    let name = rel.file_name()?.to_string_lossy();
    if crate::source::is_ignored_name(&name) {
        return None;
    }
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let first = parts.next()?;
    // Hidden folders are not published, but for `.well-known/`.
    if parts.any(|p| !crate::source::is_published_name(&p)) {
        return None;
    }
    match first.as_ref() {
        "site.toml" => Some(Change::Config),
        "content" => Some(Change::Content),
        "static" => Some(Change::Static),
        // Interface strings are in every page, as templates are.
        "templates" | "themes" | "i18n" => Some(Change::Templates),
        "data" => Some(Change::Data),
        _ => None,
    }
}

/// Which folder a path in the root is, when it is one of [`FOLDERS`] itself.
fn folder_index(rel: &Path) -> Option<usize> {
    let mut parts = rel.components();
    let first = parts.next()?.as_os_str();
    if parts.next().is_some() {
        return None;
    }
    FOLDERS.iter().position(|f| first == *f)
}

/// Whether an event on a folder itself may have made another folder of it:
/// created, removed, renamed; not a change of its times or permissions.
fn moves(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any | EventKind::Other => true,
        EventKind::Modify(ModifyKind::Name(_) | ModifyKind::Any | ModifyKind::Other) => true,
        EventKind::Modify(_) | EventKind::Access(_) => false,
    }
}

/// The debouncer of the recommended watcher for this platform.
type Watcher = Debouncer<RecommendedWatcher, RecommendedCache>;

/// A folder as the file system knows it: replaced folders differ, renamed ones do not.
type FolderId = (u64, u64);

#[cfg(unix)]
fn folder_id(path: &Path) -> Option<FolderId> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    m.is_dir().then(|| (m.dev(), m.ino()))
}

/// Without inodes, only whether the folder is there; events still catch replacements.
#[cfg(not(unix))]
fn folder_id(path: &Path) -> Option<FolderId> {
    std::fs::metadata(path).ok()?.is_dir().then_some((0, 0))
}

/// The watches of one site and the folders they were set on.
pub(super) struct Watch {
    root: PathBuf,
    tx: Sender<DebounceEventResult>,
    /// Kept for its watches; replaced by [`Watch::renew`].
    debouncer: Watcher,
    /// Each of [`FOLDERS`] as watched; `None` when it was not there.
    watched: [Option<FolderId>; FOLDERS.len()],
    log: super::Log,
}

impl Watch {
    /// Watch `root` (absolute); events go to `tx`.
    pub(super) fn start(
        root: PathBuf,
        tx: Sender<DebounceEventResult>,
        log: super::Log,
    ) -> notify::Result<Watch> {
        let (debouncer, watched) = watch_afresh(&root, &tx)?;
        Ok(Watch {
            root,
            tx,
            debouncer,
            watched,
            log,
        })
    }

    /// Set every watch afresh, in a new debouncer, so nothing of the old
    /// folders lingers in notify's or the debouncer's bookkeeping. The new
    /// watches start before the old ones stop: no save falls between them.
    /// Returns what became of the folders that are not what was watched,
    /// e.g. `content/ replaced`.
    fn renew(&mut self) -> Vec<String> {
        let before = self.watched;
        match watch_afresh(&self.root, &self.tx) {
            Ok((debouncer, watched)) => {
                self.debouncer = debouncer;
                self.watched = watched;
            }
            Err(e) => {
                (self.log)(
                    super::Stream::Problems,
                    &format!("warning: cannot watch {}: {e}", display_path(&self.root)),
                );
                // Try again on the next event, not every second.
                self.watched = FOLDERS.map(|name| folder_id(&self.root.join(name)));
            }
        }
        let mut notes = Vec::new();
        for (i, name) in FOLDERS.iter().enumerate() {
            let what = match (before[i], self.watched[i]) {
                (None, Some(_)) => "created",
                (Some(_), None) => "removed",
                (Some(a), Some(b)) if a != b => "replaced",
                _ => continue,
            };
            notes.push(format!("{name}/ {what}"));
        }
        notes
    }

    /// Whether a folder's identity on disk is not the one watched.
    fn moved(&self) -> bool {
        FOLDERS
            .iter()
            .zip(&self.watched)
            .any(|(name, id)| folder_id(&self.root.join(name)) != *id)
    }

    /// Rebuild on every save until the server stops; runs on its own thread.
    pub(super) fn run(
        mut self,
        rx: Receiver<DebounceEventResult>,
        shared: &Shared,
        mut session: crate::Session,
    ) {
        loop {
            // While the search index is made in the background, look for it more often.
            let wait = match session.indexing() {
                true => INDEX_CHECK_EVERY,
                false => CHECK_EVERY,
            };
            let events = match rx.recv_timeout(wait) {
                Ok(Ok(events)) => events,
                Ok(Err(_)) | Err(RecvTimeoutError::Timeout) => Vec::new(),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            super::indexed(shared, &mut session);
            let Batch {
                changed,
                content,
                data,
                mut full,
                renew,
                lost,
                touched,
            } = Batch::sort(&events, &self.root);
            let mut what: Vec<String> = Vec::new();
            if renew || self.moved() {
                // Watch first, then build: a save during the build is not lost.
                what = self.renew();
                full = true;
                if lost {
                    what.push("lost track of changes".to_string());
                }
                if what.is_empty() {
                    // Moved away and back, or an event late for a renewal already made.
                    let names = FOLDERS.iter().zip(touched).filter(|(_, t)| *t);
                    what.extend(names.map(|(name, _)| format!("{name}/ watched afresh")));
                }
            }
            match changed.len() {
                0 => {}
                1 => what.push(format!("changed {}", changed[0])),
                n => what.push(format!("changed {} and {} more", changed[0], n - 1)),
            }
            if what.is_empty() {
                continue;
            }
            let what = what.join(", ");
            // A new folder, site.toml, templates and static files can touch every page: start afresh.
            if full {
                session.invalidate();
            }
            // A data file can touch any page: read them all, and let the caches decide.
            rebuild(
                shared,
                &mut session,
                (!full && !data).then_some(content.as_slice()),
                &what,
            );
        }
    }
}

/// One burst of events, sorted by what it asks for.
#[derive(Debug, Default, PartialEq)]
struct Batch {
    /// Changed paths that matter, relative to the root.
    changed: Vec<String>,
    /// Those in `content/`, relative to it.
    content: Vec<String>,
    /// Whether a file of `data/` changed.
    data: bool,
    /// Whether every page may have changed.
    full: bool,
    /// Whether the watches must be set afresh.
    renew: bool,
    /// Whether events were lost (the kernel's queue overflowed).
    lost: bool,
    /// Which of [`FOLDERS`] were themselves created, removed or renamed.
    touched: [bool; FOLDERS.len()],
}

impl Batch {
    fn sort(events: &[notify_debouncer_full::DebouncedEvent], root: &Path) -> Batch {
        let mut batch = Batch::default();
        for event in events {
            if event.kind.is_access() {
                continue;
            }
            if event.need_rescan() {
                batch.renew = true;
                batch.lost = true;
            }
            for path in &event.paths {
                let rel = path.strip_prefix(root).unwrap_or(path);
                // The folder itself: its watch is renewed, its files rebuilt.
                if let Some(i) = folder_index(rel) {
                    if moves(&event.kind) {
                        batch.touched[i] = true;
                        batch.renew = true;
                    }
                    continue;
                }
                let Some(kind) = classify(rel) else { continue };
                let s = display_path(rel);
                match (kind, s.strip_prefix("content/")) {
                    (Change::Content, Some(c)) => batch.content.push(c.to_string()),
                    (Change::Data, _) => batch.data = true,
                    _ => batch.full = true,
                }
                if !batch.changed.contains(&s) {
                    batch.changed.push(s);
                }
            }
        }
        batch
    }
}

/// A new debouncer watching the root and each folder there is.
fn watch_afresh(
    root: &Path,
    tx: &Sender<DebounceEventResult>,
) -> notify::Result<(Watcher, [Option<FolderId>; FOLDERS.len()])> {
    let mut debouncer = notify_debouncer_full::new_debouncer(DEBOUNCE, None, tx.clone())?;
    debouncer.watch(root, RecursiveMode::NonRecursive)?;
    let mut watched = [None; FOLDERS.len()];
    for (i, name) in FOLDERS.iter().enumerate() {
        let path = root.join(name);
        let Some(id) = folder_id(&path) else { continue };
        match debouncer.watch(&path, RecursiveMode::Recursive) {
            Ok(()) => watched[i] = Some(id),
            // Gone again since it was looked at: its removal is an event of its own.
            Err(_) if folder_id(&path).is_none() => {}
            Err(e) => return Err(e),
        }
    }
    Ok((debouncer, watched))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_classified_by_location() {
        let cases: &[(&str, Option<Change>)] = &[
            ("site.toml", Some(Change::Config)),
            ("content/articles/a.md", Some(Change::Content)),
            ("content/articles/chart.png", Some(Change::Content)),
            ("static/style.css", Some(Change::Static)),
            ("templates/page.html", Some(Change::Templates)),
            ("i18n/fi.toml", Some(Change::Templates)),
            ("data/rates.csv", Some(Change::Data)),
            ("data/finance/rates.json", Some(Change::Data)),
            ("data/.rates.csv.swp", None),
            (
                "themes/default/templates/base.html",
                Some(Change::Templates),
            ),
            ("content/articles/.a.md.swp", None),
            ("content/articles/a.md~", None),
            ("content/articles/#a.md#", None),
            ("content/articles/4913", None),
            ("content/.git/index", None),
            ("static/.well-known/security.txt", Some(Change::Static)),
            ("static/.hidden/x.txt", None),
            ("public/index.html", None),
            ("target/debug/cairn", None),
            ("README.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(classify(Path::new(path)), *want, "{path}");
        }
    }

    #[test]
    fn only_the_watched_folders_themselves_renew_the_watches() {
        let cases: &[(&str, Option<usize>)] = &[
            ("content", Some(0)),
            ("static", Some(1)),
            ("templates", Some(2)),
            ("themes", Some(3)),
            ("data", Some(4)),
            ("content/a.md", None),
            ("content.new", None),
            ("site.toml", None),
        ];
        for (path, want) in cases {
            assert_eq!(folder_index(Path::new(path)), *want, "{path}");
        }
    }

    #[test]
    fn events_on_a_folder_itself_renew_the_watches_and_nothing_else() {
        use notify::EventKind;
        use notify::event::{CreateKind, MetadataKind, ModifyKind, RemoveKind, RenameMode};
        let root = Path::new("/site");
        let event = |kind, paths: &[&str]| {
            let mut e = notify::Event::new(kind);
            for p in paths {
                e = e.add_path(root.join(p));
            }
            notify_debouncer_full::DebouncedEvent::new(e, std::time::Instant::now())
        };
        let sorted = Batch::sort(
            &[
                event(
                    EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                    &["content", "content.old"],
                ),
                event(
                    EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                    &["content.new", "content"],
                ),
                event(EventKind::Create(CreateKind::Folder), &["static"]),
                event(
                    EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
                    &["themes"],
                ),
                event(
                    EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any)),
                    &["content/articles/a.md"],
                ),
            ],
            root,
        );
        assert_eq!(
            sorted,
            Batch {
                changed: vec!["content/articles/a.md".into()],
                content: vec!["articles/a.md".into()],
                data: false,
                full: false,
                renew: true,
                lost: false,
                touched: [true, true, false, false, false, false],
            }
        );
        let overflow = notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        let lost = Batch::sort(
            &[notify_debouncer_full::DebouncedEvent::new(
                overflow,
                std::time::Instant::now(),
            )],
            root,
        );
        assert!(lost.renew && lost.lost && lost.changed.is_empty());
        let removed = Batch::sort(
            &[event(EventKind::Remove(RemoveKind::Folder), &["templates"])],
            root,
        );
        assert_eq!(removed.touched, [false, false, true, false, false, false]);
    }

    #[test]
    fn a_replaced_folder_has_another_identity() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("content");
        assert_eq!(folder_id(&a), None);
        std::fs::create_dir(&a).unwrap();
        let first = folder_id(&a);
        assert!(first.is_some());
        std::fs::rename(&a, dir.path().join("x")).unwrap();
        std::fs::rename(dir.path().join("x"), &a).unwrap();
        assert_eq!(folder_id(&a), first, "a rename keeps the folder");
        std::fs::create_dir(dir.path().join("new")).unwrap();
        std::fs::remove_dir(&a).unwrap();
        std::fs::rename(dir.path().join("new"), &a).unwrap();
        if cfg!(unix) {
            assert_ne!(folder_id(&a), first, "another folder under the same name");
        }
    }
}
