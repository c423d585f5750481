//! What a commit changed so far, in order, so that a failure can be undone.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;

/// What the commit changed so far, in order, so that a failure can be undone.
pub(super) struct Journal {
    /// Where replaced and pruned files are moved aside.
    pub(super) backups: PathBuf,
    pub(super) steps: Mutex<Vec<Step>>,
    pub(super) next: AtomicUsize,
}

pub(super) enum Step {
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
    pub(super) fn note(&self, step: Step) {
        self.steps.lock().expect("journal lock").push(step);
    }

    pub(super) fn move_aside(&self, target: &Path, rel: &str) -> anyhow::Result<()> {
        let from = target.join(rel);
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        std::fs::rename(&from, self.backups.join(n.to_string()))
            .with_context(|| format!("cannot replace {}", from.display()))?;
        self.note(Step::MovedAside(from, n));
        Ok(())
    }

    /// Undo every step, last first.
    pub(super) fn undo(&mut self, staged: impl Fn(usize) -> PathBuf) -> anyhow::Result<()> {
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
