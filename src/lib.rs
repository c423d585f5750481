//! cairn: a static-site generator for B2B thought-leadership content.
//!
//! The pipeline, each module depending only on earlier ones:
//!
//! ```text
//! config ← urls ← source ← frontmatter ← theme ← model (+ markdown, claims) ← render ← output
//!     session = the pipeline again and again, rendering only what an edit changed
//!     serve = watch + http + a session
//! ```
//!
//! [`build`] runs it end to end; [`load`] stops before writing (for `check`);
//! [`Session`] (in `session`) rebuilds after edits, rendering only what changed.
//! The library never prints: diagnostics and reports are returned.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod audit;
pub mod claims;
pub mod config;
pub mod diagnostics;
pub mod frontmatter;
pub mod markdown;
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;
mod session;
pub mod source;
pub mod spans;
pub mod theme;
pub mod urls;

pub use session::Session;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::SiteConfig;
use crate::diagnostics::Code;
use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::render::{RenderError, RenderOptions};
use crate::theme::Theme;

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holds site.toml).
    pub root: PathBuf,
    /// Where the site goes; replaced as a whole on success.
    pub output: PathBuf,
    /// Overrides `base_url` from site.toml (preview deploys, `serve`).
    pub base_url: Option<String>,
    /// Publish drafts and future-dated pages.
    pub drafts: bool,
    /// Adopt an output folder that holds files cairn did not write (`--force`).
    pub force: bool,
    /// "Now", for scheduled pages.
    pub now: jiff::Timestamp,
    pub render: RenderOptions,
}

impl BuildOptions {
    /// Defaults for a site at `root`: output in `<root>/public`, now = the clock.
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        let root = root.into();
        BuildOptions {
            output: root.join("public"),
            root,
            base_url: None,
            drafts: false,
            force: false,
            now: jiff::Timestamp::now(),
            render: RenderOptions::default(),
        }
    }
}

/// A site loaded and validated, ready to render.
pub struct Loaded {
    pub site: Site,
    pub theme: Theme,
    /// Warnings (the load succeeded).
    pub warnings: Vec<Diagnostic>,
    /// How long each phase took.
    pub timings: Timings,
    /// With a serve session's cache: what re-rendering one edited body needs.
    pub patcher: Option<model::Patcher>,
}

/// Wall time per pipeline phase, for `cairn build --timings`.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub phases: Vec<(&'static str, Duration)>,
    /// The output files that took longest to render, slowest first.
    pub slowest: Vec<(String, Duration)>,
    last: Option<Instant>,
}

impl Timings {
    fn start() -> Timings {
        Timings {
            phases: Vec::new(),
            slowest: Vec::new(),
            last: Some(Instant::now()),
        }
    }

    /// Close the current phase under `name` and start the next.
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        if let Some(last) = self.last.replace(now) {
            self.phases.push((name, now - last));
        }
    }
}

/// Why a build did not produce output.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Problems in the user's files: every one found, sorted.
    #[error("{} error(s) in the site", .0.iter().filter(|d| d.is_error()).count())]
    Content(Vec<Diagnostic>),
    /// Operational failure (disk, permissions).
    #[error(transparent)]
    Io(#[from] anyhow::Error),
}

/// What a successful build did.
#[derive(Debug)]
pub struct Report {
    pub pages: usize,
    /// Files written, rendered and copied.
    pub files: usize,
    /// Output files rendered this time (a serve session skips unchanged ones).
    pub rendered: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    pub timings: Timings,
    /// Files cairn did not write that an adopted (`--force`) output folder holds; kept.
    pub adopted: Vec<String>,
    /// Files cairn did not write that `--force` let this build replace.
    pub replaced: Vec<String>,
    /// Files of the last build that were changed by someone else since, and that this
    /// build no longer makes: kept, and no longer cairn's.
    pub kept: Vec<String>,
}

/// The output folder with links and `..` resolved, for the link checks of the scan.
pub(crate) fn resolved_output(options: &BuildOptions) -> Option<PathBuf> {
    source::resolve(&options.output).ok()
}

/// Read, validate and model the site, without writing anything.
pub fn load(options: &BuildOptions) -> Result<Loaded, Vec<Diagnostic>> {
    load_with(options, &mut model::Cache::new(false), || {
        source::scan(&options.root, resolved_output(options).as_deref())
    })
    .map(|(loaded, _)| loaded)
}

/// [`load`] with a cache kept from an earlier build, reading content with `read`;
/// also returns the files read.
pub(crate) fn load_with(
    options: &BuildOptions,
    cache: &mut model::Cache,
    read: impl FnOnce() -> source::Scan,
) -> Result<(Loaded, Vec<std::sync::Arc<source::SourceFile>>), Vec<Diagnostic>> {
    let mut timings = Timings::start();
    let mut config = SiteConfig::load(&options.root)?;
    if let Some(url) = &options.base_url {
        config.base_url = config::check_base_url(url).map_err(|problem| {
            vec![
                Diagnostic::error(
                    Code::ConfigBaseUrl,
                    "--base-url",
                    format!("--base-url {problem}"),
                )
                .with_hint(config::BASE_URL_HINT),
            ]
        })?;
    }
    let theme = Theme::load(&options.root, &config);
    timings.lap("config and templates");
    let scan = read();
    timings.lap("read content");
    finish_load(options, config, theme, scan, cache, timings)
}

fn finish_load(
    options: &BuildOptions,
    config: SiteConfig,
    theme: Result<Theme, Vec<Diagnostic>>,
    scan: source::Scan,
    cache: &mut model::Cache,
    mut timings: Timings,
) -> Result<(Loaded, Vec<std::sync::Arc<source::SourceFile>>), Vec<Diagnostic>> {
    let theme = match theme {
        Ok(t) => t,
        Err(mut errors) => {
            errors.extend(scan.diagnostics);
            diagnostics::sort(&mut errors);
            return Err(errors);
        }
    };
    // A serve session keeps the texts; a build lets each go once its body is rendered.
    let files = if cache.enabled() {
        scan.pages.clone()
    } else {
        Vec::new()
    };
    let outcome = model::build(
        config,
        scan,
        &model::Options {
            drafts: options.drafts,
            now: options.now,
        },
        &crate::theme::ShortcodeTemplates { theme: &theme },
        cache,
    );
    let mut diagnostics = outcome.diagnostics;
    diagnostics::sort(&mut diagnostics);
    timings.lap("model and Markdown");
    match outcome.site {
        Some(site) => Ok((
            Loaded {
                site,
                theme,
                warnings: diagnostics,
                timings,
                patcher: outcome.patcher,
            },
            files,
        )),
        None => Err(diagnostics),
    }
}

/// Build the site into `options.output`. On any error the previous output is left untouched.
pub fn build(options: &BuildOptions) -> Result<Report, BuildError> {
    Session::new(options.clone(), false).build(None)
}

/// What `check` found.
#[derive(Debug)]
pub struct CheckReport {
    /// Pages that would be published (0 when the site could not be loaded).
    pub pages: usize,
    /// Every problem, sorted; unsourced claims are errors here.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Validate everything `build` validates, render every page in memory to
/// catch template errors, and write nothing. Unsourced claims are errors.
pub fn check(options: &BuildOptions) -> CheckReport {
    let (pages, mut diagnostics) = match load(options) {
        Err(ds) => (0, ds),
        Ok(Loaded {
            site,
            theme,
            mut warnings,
            ..
        }) => {
            let rendered =
                render::render_site(&site, &theme, &options.render, &render::Discard, None, true);
            match rendered {
                Ok(_) => {}
                Err(RenderError::Templates(ds)) => warnings.extend(ds),
                Err(RenderError::Io(_)) => {}
            }
            (site.pages.len(), warnings)
        }
    };
    for d in &mut diagnostics {
        if d.code == Code::UnsourcedClaim {
            d.level = diagnostics::Level::Error;
        }
    }
    diagnostics::sort(&mut diagnostics);
    CheckReport { pages, diagnostics }
}
