//! A serve session's search index, made on a thread of its own after each build so that
//! no reload waits for it: one index at a time; an index of a build that a newer one has
//! superseded gives up or is dropped, never committed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::Input;
use crate::render::OutputFile;

/// What a thread of the indexer gives back: the bundle, `None` when it gave up.
type Outcome = anyhow::Result<Option<Vec<OutputFile>>>;

/// The indexer of one session.
#[derive(Default)]
pub struct Background {
    /// Counts the builds committed to the output; an index is for one of them.
    latest: Arc<AtomicU64>,
    /// The latest build's pages in every language, while no index of them is running.
    pending: Option<(u64, Input)>,
    running: Option<Job>,
}

struct Job {
    build: u64,
    pages: usize,
    started: Instant,
    thread: JoinHandle<Outcome>,
}

/// An index made for the build the output holds, ready to commit.
pub struct Finished {
    pub files: Vec<OutputFile>,
    /// Pages indexed.
    pub pages: usize,
    /// From the start of indexing to its end.
    pub took: Duration,
}

impl Background {
    pub fn new() -> Background {
        Background::default()
    }

    /// A build was committed to the output: index `pages`, in every language (`None`:
    /// search is off, and nothing is indexed). An index still running for an earlier
    /// build gives up at its next page.
    pub fn built(&mut self, pages: Option<Input>) {
        let build = self.latest.fetch_add(1, Ordering::SeqCst) + 1;
        self.pending = pages.map(|input| (build, input));
        self.start();
    }

    /// Whether an index is being made or waits to be.
    pub fn busy(&self) -> bool {
        self.running.is_some() || self.pending.is_some()
    }

    /// Without waiting: the index of the latest build when it is done (or why it
    /// failed); an index of an earlier build is dropped, and the next one started.
    pub fn poll(&mut self) -> Option<anyhow::Result<Finished>> {
        if !self.running.as_ref()?.thread.is_finished() {
            return None;
        }
        let job = self.running.take()?;
        let outcome = job
            .thread
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the search indexer stopped unexpectedly")));
        let current = job.build == self.latest.load(Ordering::SeqCst);
        self.start();
        match outcome {
            Ok(Some(files)) if current => Some(Ok(Finished {
                files,
                pages: job.pages,
                took: job.started.elapsed(),
            })),
            Err(e) if current => Some(Err(e)),
            _ => None,
        }
    }

    /// Wait for the index of the latest build (tests): `None` when there is none to wait for.
    pub fn wait(&mut self) -> Option<anyhow::Result<Finished>> {
        while self.busy() {
            if let Some(done) = self.poll() {
                return Some(done);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    /// Start the pending index if none is running.
    fn start(&mut self) {
        if self.running.is_some() {
            return;
        }
        let Some((build, input)) = self.pending.take() else {
            return;
        };
        let latest = self.latest.clone();
        let pages = input.len();
        let part_pages = input.part_pages;
        let thread = std::thread::Builder::new()
            .name("cairn-search".into())
            .spawn(move || {
                let stop = move || latest.load(Ordering::SeqCst) != build;
                let records = super::records(&input);
                drop(input);
                if stop() {
                    return Ok(None);
                }
                // One part at a time: the other core stays free for the next edit's build.
                super::bundle(records, part_pages, 1, &stop)
            });
        // No thread to index on: the next build tries again.
        if let Ok(thread) = thread {
            self.running = Some(Job {
                build,
                pages,
                started: Instant::now(),
                thread,
            });
        }
    }
}
