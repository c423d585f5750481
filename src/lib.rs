//! cairn: a static-site generator for B2B thought-leadership content.
//!
//! The pipeline, each module depending only on earlier ones:
//!
//! ```text
//! config ← source ← frontmatter ← model (+ markdown, claims) ← render ← output
//!                                  serve = watch + http + the same build()
//! ```
//!
//! [`build`] runs it end to end; [`load`] stops before writing (for `check`).
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
pub mod source;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::render::{RenderError, RenderOptions, Theme};

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
}

/// Wall time per pipeline phase, for `cairn build --timings`.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub phases: Vec<(&'static str, Duration)>,
    last: Option<Instant>,
}

impl Timings {
    fn start() -> Timings {
        Timings {
            phases: Vec::new(),
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
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    pub timings: Timings,
}

/// Read, validate and model the site, without writing anything.
pub fn load(options: &BuildOptions) -> Result<Loaded, Vec<Diagnostic>> {
    let mut timings = Timings::start();
    let mut config = SiteConfig::load(&options.root)?;
    if let Some(url) = &options.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    let theme = Theme::load(&options.root, &config);
    timings.lap("config and templates");
    let scan = source::scan(&options.root);
    timings.lap("read content");
    let theme = match theme {
        Ok(t) => t,
        Err(mut errors) => {
            errors.extend(scan.diagnostics);
            diagnostics::sort(&mut errors);
            return Err(errors);
        }
    };
    let outcome = model::build(
        config,
        scan,
        &model::Options {
            drafts: options.drafts,
            now: options.now,
        },
        &render::ShortcodeTemplates { theme: &theme },
    );
    let mut diagnostics = outcome.diagnostics;
    diagnostics::sort(&mut diagnostics);
    timings.lap("model and Markdown");
    match outcome.site {
        Some(site) => Ok(Loaded {
            site,
            theme,
            warnings: diagnostics,
            timings,
        }),
        None => Err(diagnostics),
    }
}

/// Build the site into `options.output`. On any error the previous output is left untouched.
pub fn build(options: &BuildOptions) -> Result<Report, BuildError> {
    let start = Instant::now();
    output::check_output_dir(&options.root, &options.output)?;
    let Loaded {
        site,
        theme,
        warnings,
        mut timings,
    } = load(options).map_err(BuildError::Content)?;
    let staging = output::Staging::new(&options.output)?;
    let rendered = render::render_site(&site, &theme, &options.render, &|file| staging.write(file));
    let rendered = match rendered {
        Ok(n) => n,
        Err(RenderError::Templates(mut ds)) => {
            ds.extend(warnings);
            diagnostics::sort(&mut ds);
            return Err(BuildError::Content(ds));
        }
        Err(RenderError::Template(d)) => return Err(BuildError::Content(vec![d])),
        Err(RenderError::Io(e)) => {
            return Err(BuildError::Io(
                anyhow::Error::new(e).context("cannot write the output"),
            ));
        }
    };
    timings.lap("render and write");
    let mut copied = 0;
    let copy = |source: &std::path::Path, rel: &str| {
        staging
            .copy(source, rel)
            .map_err(|e| anyhow::Error::new(e).context(format!("cannot copy {rel}")))
    };
    // Theme static files first, then the site's static/, then assets beside content: later wins.
    for (rel, bytes) in &theme.statics {
        staging
            .write(render::OutputFile {
                path: rel.clone(),
                bytes: bytes.clone(),
            })
            .map_err(|e| anyhow::Error::new(e).context(format!("cannot write {rel}")))?;
        copied += 1;
    }
    let static_dir = options.root.join("static");
    if static_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&static_dir).sort_by_file_name() {
            let entry = entry.map_err(|e| anyhow::anyhow!("cannot read static/: {e}"))?;
            if entry.file_type().is_file()
                && !source::is_ignored_name(&entry.file_name().to_string_lossy())
            {
                let rel = entry
                    .path()
                    .strip_prefix(&static_dir)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                copy(entry.path(), &rel)?;
                copied += 1;
            }
        }
    }
    for asset in &site.assets {
        copy(&asset.source, &asset.content_path)?;
        copied += 1;
    }
    timings.lap("copy static files");
    staging.commit()?;
    timings.lap("swap output");
    Ok(Report {
        pages: site.pages.len(),
        files: rendered + copied,
        warnings,
        elapsed: start.elapsed(),
        timings,
    })
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
            let discard = |_: render::OutputFile| Ok(());
            match render::render_site(&site, &theme, &options.render, &discard) {
                Ok(_) => {}
                Err(RenderError::Templates(ds)) => warnings.extend(ds),
                Err(RenderError::Template(d)) => warnings.push(d),
                Err(RenderError::Io(_)) => {}
            }
            (site.pages.len(), warnings)
        }
    };
    for d in &mut diagnostics {
        if d.code == "unsourced-claim" {
            d.level = diagnostics::Level::Error;
        }
    }
    diagnostics::sort(&mut diagnostics);
    CheckReport { pages, diagnostics }
}
