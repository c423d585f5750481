//! cairn: a static-site generator for B2B thought-leadership content.
//!
//! The pipeline, each module depending only on earlier ones:
//!
//! ```text
//! config ← urls ← source (+ images) ← frontmatter (+ spans) ← data ← theme ← model (+ markdown, claims) ← render (+ search) ← output
//!     session = the pipeline again and again, rendering only what an edit changed
//!     serve = watch + http + a session
//! ```
//!
//! [`build`] runs it once, end to end, as a plain function of its options;
//! [`load`] stops before writing (for `check`); [`Session`] (in `session`)
//! rebuilds after edits, rendering only what changed. Both reach the output
//! folder through one function, `write_site`. `docs/architecture.md` tells more.
//! The library never prints: diagnostics and reports are returned.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod audit;
pub mod claims;
pub mod cms;
pub mod config;
pub mod data;
pub mod diagnostics;
pub mod frontmatter;
pub mod highlight;
pub mod images;
pub mod import;
pub mod inventory;
pub mod lang;
pub mod markdown;
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod search;
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
    /// Warnings are errors: the build fails and the output is left as it was (`--strict`).
    pub strict: bool,
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
            strict: false,
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
    /// Image variants encoded by this build, and taken from the cache.
    pub images: (usize, usize),
    /// Files of the image cache this build removed: made by cairn, unused, old.
    pub pruned: usize,
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
    load_with(
        options,
        &mut model::Cache::new(false),
        || source::scan(&options.root, resolved_output(options).as_deref()),
        None,
    )
    .map(|(loaded, ..)| loaded)
}

/// What a build reads besides `content/` and `data/`: site.toml (with `--base-url`
/// applied), the interface strings of every language, and what reading those found. A
/// serve session keeps them, with the theme, for edits of Markdown files only, which
/// cannot change them.
#[derive(Clone)]
pub(crate) struct Settings {
    pub config: SiteConfig,
    pub words: Vec<lang::Words>,
    /// The warnings of `i18n/`.
    pub problems: Vec<Diagnostic>,
}

impl Settings {
    /// Read site.toml and `i18n/`.
    fn read(options: &BuildOptions) -> Result<Settings, Vec<Diagnostic>> {
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
        let (words, problems) = lang::load_all(&options.root, &config);
        Ok(Settings {
            config,
            words,
            problems,
        })
    }
}

/// A loaded site, the content files read for it and the settings it was built with.
pub(crate) type LoadedWith = (Loaded, Vec<std::sync::Arc<source::SourceFile>>, Settings);

/// [`load`] with a cache kept from an earlier build, reading content with `read`;
/// also returns the files read. `kept`: the settings and theme of the last build, when
/// only Markdown files changed since (else they are read and compiled again).
pub(crate) fn load_with(
    options: &BuildOptions,
    cache: &mut model::Cache,
    read: impl FnOnce() -> source::Scan,
    kept: Option<(Settings, Theme)>,
) -> Result<LoadedWith, Vec<Diagnostic>> {
    let mut timings = Timings::start();
    let (settings, theme) = match kept {
        Some((settings, theme)) => (settings, Ok(theme)),
        None => {
            let settings = Settings::read(options)?;
            let theme = Theme::load(&options.root, &settings.config);
            (settings, theme)
        }
    };
    timings.lap("config and templates");
    let mut scan = read();
    scan.diagnostics.extend(settings.problems.iter().cloned());
    // data/ is read afresh for every build, also a serve session's: it is small, and a
    // file reached through a link can change where no watch sees it.
    let (data, mut problems) = data::load(&options.root, resolved_output(options).as_deref());
    scan.diagnostics.append(&mut problems);
    timings.lap("read content");
    let kept = settings.clone();
    let Settings { config, words, .. } = settings;
    finish_load(
        options,
        (config, words),
        theme,
        (scan, data),
        cache,
        timings,
    )
    .map(|(loaded, files)| (loaded, files, kept))
}

fn finish_load(
    options: &BuildOptions,
    (config, words): (SiteConfig, Vec<lang::Words>),
    theme: Result<Theme, Vec<Diagnostic>>,
    (scan, data): (source::Scan, data::Data),
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
        data,
        &model::Options {
            drafts: options.drafts,
            now: options.now,
            words: std::sync::Arc::new(words),
        },
        &crate::theme::ShortcodeTemplates { theme: &theme },
        cache,
    );
    let mut diagnostics = outcome.diagnostics;
    diagnostics::sort(&mut diagnostics);
    // Two case studies naming one CSV report its bad rows once.
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert((d.path.clone(), d.line, d.col, d.message.clone())));
    timings.lap("model and Markdown");
    match outcome.site {
        Some(site) => Ok((
            Loaded {
                warnings: {
                    diagnostics.extend(render::unlinked_pages(&site, &theme));
                    diagnostics
                },
                site,
                theme,
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
    let start = Instant::now();
    let mut output = output::Output::open(&options.root, &options.output, options.force)?;
    let read = || source::scan(&options.root, resolved_output(options).as_deref());
    let (mut loaded, ..) = load_with(options, &mut model::Cache::new(false), read, None)
        .map_err(BuildError::Content)?;
    if options.strict && !loaded.warnings.is_empty() {
        let mut errors = std::mem::take(&mut loaded.warnings);
        for d in &mut errors {
            d.level = diagnostics::Level::Error;
        }
        return Err(BuildError::Content(errors));
    }
    write_site(&mut output, &mut loaded, options, None, start).map(|(report, _)| report)
}

/// The search index of a one-shot build, made on a thread of its own while the pages
/// render: the pages it indexes are taken before rendering frees their bodies.
struct Indexing(Option<std::thread::JoinHandle<anyhow::Result<Vec<render::OutputFile>>>>);

impl Indexing {
    /// Start indexing `site`'s searchable pages in every language, when search is on.
    fn start(site: &Site) -> Indexing {
        if !search::enabled(&site.config) {
            return Indexing(None);
        }
        let input = search::input(site);
        let part_pages = input.part_pages;
        Indexing(Some(std::thread::spawn(move || {
            let records = search::records(&input);
            drop(input);
            // Every core: the parts of a large index are made at once, beside the render.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            search::bundle(records, part_pages, threads, &|| false).map(Option::unwrap_or_default)
        })))
    }

    /// Wait for the index and stage its files; gives how many there are.
    fn stage(self, staging: &output::Staging) -> anyhow::Result<usize> {
        let Some(handle) = self.0 else {
            return Ok(0);
        };
        let files = handle
            .join()
            .map_err(|_| anyhow::anyhow!("the search indexer failed"))??;
        stage_all(staging, files)
    }
}

/// Stage `files`; gives how many.
fn stage_all(staging: &output::Staging, files: Vec<render::OutputFile>) -> anyhow::Result<usize> {
    let n = files.len();
    for file in files {
        let rel = file.path.clone();
        staging
            .write(file)
            .map_err(|e| anyhow::Error::new(e).context(format!("cannot write {rel}")))?;
    }
    Ok(n)
}

/// Render `loaded` into a staging area of `output`, copy the static files, and swap them
/// in: the one way a site reaches its output folder, for `build` and for every build of a
/// [`Session`]. With `previous` fingerprints (a session), only the outputs whose inputs
/// changed are rendered, and the new fingerprints are returned; without, each page's
/// body is freed once its page is written.
fn write_site(
    output: &mut output::Output,
    loaded: &mut Loaded,
    options: &BuildOptions,
    previous: Option<&render::Fingerprints>,
    start: Instant,
) -> Result<(Report, Option<render::Made>), BuildError> {
    let warnings = std::mem::take(&mut loaded.warnings);
    let mut timings = std::mem::take(&mut loaded.timings);
    let (site, theme) = (&loaded.site, &loaded.theme);
    let incremental = previous.is_some();
    let mut staging = output.stage()?;
    if incremental {
        staging.clean_up_in_background();
    }
    // A session indexes after the build, in the background (see `session`): until its
    // index is committed, the one of the last build stays.
    let indexing = match incremental {
        false => Indexing::start(site),
        true => {
            if search::enabled(&site.config) {
                keep_search_index(output, &staging)?;
            }
            Indexing(None)
        }
    };
    // Resized images are made (or taken from their cache) while the pages render.
    let (rendered, images) = std::thread::scope(|scope| {
        let images = scope.spawn(|| images::produce(&site.images, &site.shown, &options.root));
        let rendered = render::render_site(
            site,
            theme,
            &options.render,
            &staging,
            previous,
            !incremental,
        );
        (rendered, images.join())
    });
    let mut rendered = rendered.map_err(|e| render_failure(e, warnings.clone()))?;
    let mut images = match images {
        Ok(Ok(produced)) => produced,
        Ok(Err(mut errors)) => {
            errors.extend(warnings);
            diagnostics::sort(&mut errors);
            return Err(BuildError::Content(errors));
        }
        Err(_) => return Err(BuildError::Io(anyhow::anyhow!("resizing images failed"))),
    };
    timings.lap("render and write");
    if incremental {
        timings
            .phases
            .push(("of which fingerprints", rendered.fingerprinting));
    }
    timings.slowest = std::mem::take(&mut rendered.slowest);
    let copied = copy_static(theme, site, &staging)?;
    let n_images = images.files.len();
    let used = std::mem::take(&mut images.used);
    for (bytes, rel) in images.files {
        let staged = match bytes {
            images::Bytes::Cached(path) => staging.copy(&path, &rel),
            images::Bytes::Made(bytes) => staging.write(render::OutputFile {
                path: rel.clone(),
                bytes,
            }),
        };
        staged.map_err(|e| anyhow::Error::new(e).context(format!("cannot write {rel}")))?;
    }
    let mut warnings = warnings;
    if let Some(why) = images.uncached {
        warnings.push(
            Diagnostic::warning(
                Code::Io,
                images::CACHE,
                format!("resized images are not cached: {why}"),
            )
            .with_hint("remove it, or let cairn make the folder: every build encodes every image again until then"),
        );
    }
    timings.lap("copy static files and images");
    let indexed = indexing.stage(&staging)?;
    timings.lap("search index");
    let (manifest, committed) = staging.commit()?;
    output.set_manifest(manifest);
    timings.lap("swap output");
    // A one-shot build shows every image the site shows: what it did not use is old. (A
    // serve session, which may show drafts, leaves the cache as it is.)
    let pruned = match incremental {
        true => 0,
        false => images::prune(&options.root, &used).unwrap_or_else(|why| {
            warnings.push(
                Diagnostic::warning(Code::Io, images::CACHE, format!("cannot prune: {why}"))
                    .with_hint("its unused files stay; remove the folder to start afresh"),
            );
            0
        }),
    };
    let report = Report {
        pages: site.all().map(|s| s.own).sum(),
        files: rendered.files + copied + n_images + indexed,
        rendered: rendered.rendered,
        images: (images.encoded, images.cached),
        pruned,
        warnings,
        elapsed: start.elapsed(),
        timings,
        adopted: output
            .adopted()
            .iter()
            .filter(|f| committed.replaced.binary_search(f).is_err())
            .cloned()
            .collect(),
        replaced: committed.replaced,
        kept: committed.kept,
    };
    Ok((report, rendered.fingerprints))
}

/// Keep the search index the output holds (under [`search::BUNDLE`]) in the commit of
/// `staging`, unchanged: a serve session's background indexer replaces it.
fn keep_search_index(output: &output::Output, staging: &output::Staging) -> anyhow::Result<()> {
    for rel in output.manifest().inside(search::BUNDLE) {
        render::Sink::keep(staging, rel)?;
    }
    Ok(())
}

/// Takes a failed render and the load's warnings; gives the build error: template
/// errors sorted in with the warnings, or the write failure with its cause.
fn render_failure(error: RenderError, warnings: Vec<Diagnostic>) -> BuildError {
    match error {
        RenderError::Templates(mut ds) => {
            ds.extend(warnings);
            diagnostics::sort(&mut ds);
            BuildError::Content(ds)
        }
        RenderError::Io(e) => {
            BuildError::Io(anyhow::Error::new(e).context("cannot write the output"))
        }
    }
}

/// Theme static files, then the site's static/, then assets beside content: later wins.
fn copy_static(theme: &Theme, site: &Site, staging: &output::Staging) -> anyhow::Result<usize> {
    let mut copied = 0;
    let copy = |source: &std::path::Path, rel: &str| {
        staging
            .copy(source, rel)
            .map_err(|e| anyhow::Error::new(e).context(format!("cannot copy {rel}")))
    };
    // The built-in theme's search script serves the search page alone (a theme's own
    // file of that name may serve anything: it is published).
    let search_page = site.all().any(search::searchable);
    for (rel, bytes) in &theme.statics {
        if rel == search::SCRIPT && !search_page && theme::is_built_in_static(rel, bytes) {
            continue;
        }
        staging
            .write(render::OutputFile {
                path: rel.clone(),
                bytes: bytes.clone(),
            })
            .map_err(|e| anyhow::Error::new(e).context(format!("cannot write {rel}")))?;
        copied += 1;
    }
    for asset in site.statics.iter().chain(&site.assets) {
        copy(&asset.source, &asset.content_path)?;
        copied += 1;
    }
    Ok(copied)
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
/// catch template errors, and write nothing. Unsourced claims and evidence past its
/// review date are errors.
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
            (site.all().map(|s| s.own).sum::<usize>(), warnings)
        }
    };
    for d in &mut diagnostics {
        if matches!(d.code, Code::UnsourcedClaim | Code::EvidenceOverdue) {
            d.level = diagnostics::Level::Error;
        }
    }
    diagnostics::sort(&mut diagnostics);
    CheckReport { pages, diagnostics }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const SITE_TOML: &str = "title = \"T\"\nbase_url = \"https://example.test\"\n";

    /// Takes files as (path, text); gives a site folder holding them.
    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("folder");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    /// Takes a site folder; gives options to build it at a fixed "now".
    fn options(dir: &Path) -> BuildOptions {
        let mut options = BuildOptions::new(dir);
        options.now = "2026-06-01T00:00:00Z".parse().expect("timestamp");
        options
    }

    /// Takes diagnostics; gives them as `cairn` prints them.
    fn shown(ds: &[Diagnostic]) -> Vec<String> {
        ds.iter().map(|d| d.to_string()).collect()
    }

    /// An article with `roles` and `body`.
    fn article(roles: &str, body: &str) -> String {
        format!(
            "+++\ntitle = \"A\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [{roles}]\n+++\n{body}"
        )
    }

    const UNSOURCED: &str = "content/articles/a.md:7:4: {level}: unsourced claim: \"cut costs by 30%\"\n 7 | We cut costs by 30%.\n   |    ^\n  = hint: compute it from a case study: {{ claim(case=\"<case-study>\", metric=\"<id>\") }}; or mark the paragraph with <!-- cairn:allow-unsourced -->";
    const ROLE_TYPO: &str = "content/articles/a.md:5:11: error: unknown role `decison`\n 5 | roles = [\"decison\"]\n   |           ^\n  = hint: did you mean `decider`?";

    const THROWN: &str = "templates/article.html:1: error: no article template\n --> article.html:1:4\n  |\n1 | {{ throw(message=\"no article template\") }}\n  |    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  = hint: fix the template; Tera's syntax: https://keats.github.io/tera/docs/";

    /// The unsourced-claim diagnostic of [`article`]'s body `We cut costs by 30%.` at `level`.
    fn unsourced(level: &str) -> String {
        UNSOURCED.replace("{level}", level)
    }

    #[test]
    fn resolved_output_takes_paths_absolute_without_dots_or_links() {
        let dir = tempfile::tempdir().expect("temp dir");
        let base = dir.path().canonicalize().expect("canonical");
        std::fs::create_dir_all(base.join("real/site")).expect("folder");
        std::os::unix::fs::symlink(base.join("real"), base.join("link")).expect("link");
        let cwd = std::env::current_dir()
            .expect("cwd")
            .canonicalize()
            .expect("canonical");
        let table: Vec<(PathBuf, PathBuf)> = vec![
            (base.join("real/site/public"), base.join("real/site/public")),
            (base.join("real/site/../out"), base.join("real/out")),
            (
                base.join("real/./site/x/../public"),
                base.join("real/site/public"),
            ),
            (base.join("link/site/public"), base.join("real/site/public")),
            (base.join("link/../out"), base.join("out")),
            (PathBuf::from("no-such-output"), cwd.join("no-such-output")),
            (
                PathBuf::from("../no-such-output"),
                cwd.parent().expect("parent").join("no-such-output"),
            ),
        ];
        for (output, want) in table {
            let mut options = BuildOptions::new(&base);
            options.output = output.clone();
            assert_eq!(
                resolved_output(&options),
                Some(want),
                "{}",
                output.display()
            );
        }
    }

    #[test]
    fn build_options_default_to_public_in_the_site_and_nothing_more() {
        let options = BuildOptions::new("/sites/a");
        assert_eq!(options.root, PathBuf::from("/sites/a"));
        assert_eq!(options.output, PathBuf::from("/sites/a/public"));
        assert_eq!(options.base_url, None);
        assert!(!options.drafts);
        assert!(!options.force);
    }

    #[test]
    fn timings_name_each_lap_in_order_once_started() {
        let mut started = Timings::start();
        started.lap("config and templates");
        started.lap("read content");
        let names: Vec<&str> = started.phases.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["config and templates", "read content"]);
        assert!(started.slowest.is_empty());
        // Timings never started (a default) record no laps.
        let mut idle = Timings::default();
        idle.lap("render and write");
        assert!(idle.phases.is_empty());
    }

    #[test]
    fn build_errors_count_only_errors_and_show_failures_as_they_are() {
        let warning = Diagnostic::warning(Code::UnsourcedClaim, "content/a.md", "unsourced claim");
        let error = Diagnostic::error(Code::UnknownRole, "content/a.md", "unknown role");
        let table = [
            (
                BuildError::Content(vec![error.clone(), warning.clone(), error.clone()]),
                "2 error(s) in the site",
            ),
            (
                BuildError::Content(vec![warning.clone()]),
                "0 error(s) in the site",
            ),
            (BuildError::Io(anyhow::anyhow!("disk full")), "disk full"),
        ];
        for (e, want) in table {
            assert_eq!(e.to_string(), want);
        }
        let report = CheckReport {
            pages: 1,
            diagnostics: vec![warning, error.clone(), error],
        };
        assert_eq!(report.errors(), 2);
    }

    /// A site's files as (path, text).
    type Files<'a> = Vec<(&'a str, &'a str)>;

    /// A build's pages and warnings as printed, or its errors as printed.
    type Outcome = Result<(usize, Vec<String>), Vec<String>>;

    /// Takes a build's outcome; gives its pages and diagnostics as printed, or `Err`
    /// with the printed errors.
    fn outcome(r: Result<Report, BuildError>) -> Outcome {
        match r {
            Ok(report) => Ok((report.pages, shown(&report.warnings))),
            Err(BuildError::Content(ds)) => Err(shown(&ds)),
            Err(BuildError::Io(e)) => Err(vec![format!("{e:#}")]),
        }
    }

    #[test]
    fn build_warns_of_unsourced_claims_and_fails_on_errors() {
        let claim = article("\"decider\"", "We cut costs by 30%.\n");
        let typo = article("\"decison\"", "We cut costs by 30%.\n");
        let no_theme = "title = \"T\"\nbase_url = \"https://example.test\"\ntheme = \"nope\"\n";
        let table: Vec<(Files, Outcome)> = vec![
            (vec![("site.toml", SITE_TOML)], Ok((0, vec![]))),
            (
                vec![("site.toml", SITE_TOML), ("content/articles/a.md", &claim)],
                Ok((1, vec![unsourced("warning")])),
            ),
            (
                vec![("site.toml", SITE_TOML), ("content/articles/a.md", &typo)],
                Err(vec![ROLE_TYPO.to_string()]),
            ),
            (
                vec![("site.toml", no_theme), ("content/articles/a.md", &claim)],
                Err(vec!["site.toml: error: theme `nope` not found (looked in themes/nope)\n  = hint: create the theme folder, or set `theme = \"default\"` to use the built-in theme".to_string()]),
            ),
        ];
        for (files, want) in table {
            let dir = site(&files);
            assert_eq!(outcome(build(&options(dir.path()))), want, "{files:?}");
        }
    }

    #[test]
    fn build_rejects_a_bad_base_url_option_as_the_option() {
        let dir = site(&[("site.toml", SITE_TOML)]);
        let mut options = options(dir.path());
        options.base_url = Some("example.test".into());
        assert_eq!(
            outcome(build(&options)),
            Err(vec!["--base-url: error: --base-url `example.test` is not an absolute http(s) URL\n  = hint: write it like `https://insights.example.com` or `https://example.com/blog`: http(s), a host, an optional path".to_string()])
        );
    }

    #[test]
    fn a_missing_theme_is_reported_with_the_problems_of_reading_content() {
        let dir = site(&[(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.test\"\ntheme = \"nope\"\n",
        )]);
        std::fs::create_dir_all(dir.path().join("content/articles")).expect("folder");
        std::fs::write(dir.path().join("content/articles/a.md"), b"+++\xff\xfe\n").expect("write");
        let Err(BuildError::Content(ds)) = build(&options(dir.path())) else {
            panic!("the build should fail");
        };
        assert_eq!(
            shown(&ds),
            [
                "content/articles/a.md:1: error: not a UTF-8 text file (invalid or binary data at byte 3)\n 1 | +++\n  = hint: save the file as UTF-8 text, or give a non-Markdown file another extension",
                "site.toml: error: theme `nope` not found (looked in themes/nope)\n  = hint: create the theme folder, or set `theme = \"default\"` to use the built-in theme",
            ]
        );
    }

    #[test]
    fn check_makes_unsourced_claims_errors_and_counts_pages_it_could_load() {
        let claim = article("\"decider\"", "We cut costs by 30%.\n");
        let typo = article("\"decison\"", "We cut costs by 30%.\n");
        let table: Vec<(Files, usize, Vec<String>)> = vec![
            (
                vec![("site.toml", SITE_TOML), ("content/articles/a.md", &claim)],
                1,
                vec![unsourced("error")],
            ),
            (
                vec![("site.toml", SITE_TOML), ("content/articles/a.md", &typo)],
                0,
                vec![ROLE_TYPO.to_string()],
            ),
            (
                vec![
                    ("site.toml", SITE_TOML),
                    ("content/articles/a.md", &claim),
                    (
                        "templates/article.html",
                        "{{ throw(message=\"no article template\") }}",
                    ),
                ],
                1,
                vec![unsourced("error"), THROWN.to_string()],
            ),
        ];
        for (files, pages, want) in table {
            let dir = site(&files);
            let report = check(&options(dir.path()));
            assert_eq!(
                (report.pages, shown(&report.diagnostics)),
                (pages, want),
                "{files:?}"
            );
            assert!(!dir.path().join("public").exists(), "check writes nothing");
        }
    }
}
