//! [`Site`] + the [`Theme`]'s Tera templates → output files, in memory, one at
//! a time. Templates receive typed views with everything precomputed (cards,
//! role paths, claims, JSON-LD); no template function queries the model.
//!
//! - [`views`]: the view types and how each is made from the site;
//! - [`jobs`]: the output files and what each gives its template;
//! - [`context`]: what the renders of one build share (each card rendered once);
//! - [`fingerprint`]: what each output was made of, so that a serve session
//!   renders only the outputs whose inputs changed.

mod context;
mod email;
mod fingerprint;
mod jobs;
mod views;

use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::theme::Theme;
use context::{Ctx, PAGE_CAPACITY};
use fingerprint::{Fingerprinter, without_counts};
pub use fingerprint::{Fingerprints, Made, card_hash};
pub use jobs::Job;
use jobs::{jobs, listed_pages, page_jobs, site_jobs, view};
pub use views::{CardView, MetricView, TermView, fmt_date};

/// One output file.
pub struct OutputFile {
    /// Relative to the output folder, forward slashes: `articles/x/index.html`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Render options that are not part of the site.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Injected before `</body>` of every HTML page (live reload in `serve`).
    pub live_reload: String,
}

/// Where rendered files go.
pub trait Sink: Sync {
    /// A rendered file.
    fn write(&self, file: OutputFile) -> std::io::Result<()>;
    /// An output file that did not change since the last build and was not rendered again.
    fn keep(&self, _path: &std::sync::Arc<str>) -> std::io::Result<()> {
        Ok(())
    }
}

/// Drops everything: `check` renders to find errors, not to write.
pub struct Discard;

impl Sink for Discard {
    fn write(&self, _file: OutputFile) -> std::io::Result<()> {
        Ok(())
    }
}

/// What `render_site` did.
#[derive(Debug)]
pub struct Rendered {
    /// Output files in the site.
    pub files: usize,
    /// Files rendered this time (the rest were unchanged).
    pub rendered: usize,
    /// Fingerprints of this build's outputs, when asked for: whole, or the changes to
    /// the previous ones when the build made the same files.
    pub fingerprints: Option<Made>,
    /// The files that took longest to render, slowest first, with their times.
    pub slowest: Vec<(String, Duration)>,
    /// Time spent taking fingerprints and finding the unchanged outputs.
    pub fingerprinting: Duration,
}

/// One job's output file and, when it was rendered (not kept), how long that took.
type Done = Result<(Arc<str>, Option<Duration>), RenderError>;

/// How many of the slowest outputs [`Rendered::slowest`] names.
const SLOWEST: usize = 5;

/// Render every output file of `site`, handing each to `sink` (from several threads).
/// With `previous` fingerprints, files whose inputs did not change are not rendered
/// (`sink.keep` is told instead) and new fingerprints are returned. With `free_bodies`
/// (a build that renders `site` once), each page's body is taken out of `site` and freed
/// as its page is rendered, so that later pages reuse its memory.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    options: &RenderOptions,
    sink: &dyn Sink,
    previous: Option<&Fingerprints>,
    free_bodies: bool,
) -> Result<Rendered, RenderError> {
    let mut rendered = render_language(site, theme, options, sink, previous, free_bodies)?;
    // The site in its other languages is rendered whole every time: a serve session keeps
    // the fingerprints of the default language's outputs only.
    for t in &site.translations {
        let r = render_language(t, theme, options, sink, None, free_bodies)?;
        rendered.files += r.files;
        rendered.rendered += r.rendered;
        rendered.slowest.extend(r.slowest);
    }
    if !site.translations.is_empty() {
        rendered
            .slowest
            .sort_unstable_by_key(|s| std::cmp::Reverse(s.1));
        rendered.slowest.truncate(SLOWEST);
    }
    Ok(rendered)
}

/// [`render_site`] for the site in one language.
fn render_language(
    site: &Site,
    theme: &Theme,
    options: &RenderOptions,
    sink: &dyn Sink,
    previous: Option<&Fingerprints>,
    free_bodies: bool,
) -> Result<Rendered, RenderError> {
    let cx = Ctx::new(site, theme, options, free_bodies);
    let jobs = jobs(site);
    let without = without_counts(&cx.site_view);
    let printer = previous.map(|p| Fingerprinter::new(&cx, &without, p, true));
    // Each job's fingerprint and output file, and the file it wrote last time when
    // its inputs are unchanged.
    let started = Instant::now();
    let mut unchanged: Vec<Option<Arc<str>>> = vec![None; jobs.len()];
    let mut fingerprints = Vec::new();
    // Whether this build makes the very files the previous one made.
    let mut same_files = false;
    if let (Some(printer), Some(previous)) = (&printer, previous) {
        printer.all_cards();
        fingerprints = jobs
            .par_iter()
            .map(|&job| printer.job(job))
            .collect::<Result<_, _>>()?;
        let mut found = 0;
        for (k, (fp, path)) in fingerprints.iter().enumerate() {
            let before = previous.of(path);
            found += usize::from(before.is_some());
            unchanged[k] = before.filter(|(f, _)| f == fp).map(|(_, p)| p.clone());
        }
        // Each job makes a file of its own: as many files, all known, are the same files.
        same_files = found == jobs.len() && found == previous.len();
    }
    let fingerprinting = started.elapsed();
    make_cards(&cx, &jobs, &unchanged)?;
    let results = render_jobs(&cx, &jobs, &unchanged, sink);
    let (paths, rendered, slowest) = gather(results)?;
    let made = fingerprints.into_iter().map(|(fp, _)| fp).zip(paths);
    let fps = printer.map(|p| {
        if same_files {
            let rendered = made.zip(&unchanged).filter(|(_, u)| u.is_none());
            Made::Changes(p.changes(rendered.map(|(f, _)| f).collect()))
        } else {
            Made::Whole(p.finish(made))
        }
    });
    Ok(Rendered {
        files: jobs.len(),
        rendered,
        slowest,
        fingerprinting,
        fingerprints: fps,
    })
}

/// Takes the jobs and, for each, the file it left unchanged (none: render it); renders
/// and writes the others and tells `sink` to keep the unchanged. Gives each job's file,
/// in job order, and how long rendering it took.
fn render_jobs(
    cx: &Ctx,
    jobs: &[Job],
    unchanged: &[Option<Arc<str>>],
    sink: &dyn Sink,
) -> Vec<Done> {
    let render = |job: Job| -> Done {
        let start = Instant::now();
        let file = render_job(cx, job)?;
        let path: Arc<str> = file.path.as_str().into();
        sink.write(file).map_err(RenderError::Io)?;
        Ok((path, Some(start.elapsed())))
    };
    let todo: Vec<usize> = (0..jobs.len())
        .filter(|&k| unchanged[k].is_none())
        .collect();
    // One task per job: in a shared task, the listings (which come first) would be
    // rendered one after another on one core.
    let rendered: Vec<(usize, Done)> = todo
        .par_iter()
        .with_max_len(1)
        .map(|&k| (k, render(jobs[k])))
        .collect();
    let mut done: Vec<Option<Done>> = Vec::with_capacity(jobs.len());
    done.resize_with(jobs.len(), || None);
    for (k, r) in rendered {
        done[k] = Some(r);
    }
    for (slot, path) in done.iter_mut().zip(unchanged) {
        if let Some(path) = path {
            let kept = sink.keep(path).map_err(RenderError::Io);
            *slot = Some(kept.map(|()| (path.clone(), None)));
        }
    }
    let done = done.into_iter();
    done.map(|d| d.expect("every job is rendered or kept"))
        .collect()
}

/// Listings show many cards, each rendered once: make those of the listings to render
/// first, in parallel, rather than one by one inside whichever listing needs them first.
fn make_cards(cx: &Ctx, jobs: &[Job], unchanged: &[Option<Arc<str>>]) -> Result<(), Diagnostic> {
    let mut listed = vec![false; cx.site.pages.len()];
    for (job, _) in jobs.iter().zip(unchanged).filter(|(_, u)| u.is_none()) {
        for &i in listed_pages(cx.site, job).into_iter().flatten() {
            listed[i] = true;
        }
    }
    listed
        .par_iter()
        .enumerate()
        .filter(|(_, l)| **l)
        .try_for_each(|(i, _)| cx.card_value(i).map(drop))
}

/// Every output's file, how many were rendered and the slowest of them.
type Gathered = (Vec<Arc<str>>, usize, Vec<(String, Duration)>);

/// Every output's file, how many were rendered and the slowest of them; or every
/// template error once, sorted.
fn gather(results: Vec<Done>) -> Result<Gathered, RenderError> {
    let mut paths = Vec::with_capacity(results.len());
    let mut slowest: Vec<(Duration, Arc<str>)> = Vec::new();
    let mut diagnostics = Vec::new();
    for r in results {
        match r {
            Ok((path, took)) => {
                if let Some(took) = took {
                    slowest.push((took, path.clone()));
                }
                paths.push(path);
            }
            Err(e @ RenderError::Io(_)) => return Err(e),
            Err(RenderError::Templates(ds)) => diagnostics.extend(ds),
        }
    }
    if !diagnostics.is_empty() {
        // One broken template breaks many pages: report each message once.
        diagnostics
            .sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
        diagnostics.dedup_by(|a, b| a.path == b.path && a.message == b.message);
        return Err(RenderError::Templates(diagnostics));
    }
    let rendered = slowest.len();
    slowest.sort_unstable_by(|a, b| b.cmp(a));
    slowest.truncate(SLOWEST);
    let slowest = slowest
        .into_iter()
        .map(|(took, path)| (path.to_string(), took))
        .collect();
    Ok((paths, rendered, slowest))
}

/// Render only the pages `pages` (indices into `site.pages`), whose cards are unchanged
/// since the build `fingerprints` describe, and update the fingerprints. Every other
/// output of that build stays as it is. Returns how many files were written, or `None`
/// (having written nothing) when something site-wide changed and every output needs a look.
pub fn render_pages(
    site: &Site,
    theme: &Theme,
    options: &RenderOptions,
    sink: &dyn Sink,
    fingerprints: &mut Fingerprints,
    pages: &[usize],
) -> Result<Option<usize>, RenderError> {
    let cx = Ctx::new(site, theme, options, false);
    let without = without_counts(&cx.site_view);
    let printer = Fingerprinter::new(&cx, &without, fingerprints, false);
    if !printer.same_site() {
        return Ok(None);
    }
    // Fingerprints change only once every page is written: a failure leaves them
    // describing the output as it is.
    let mut done = Vec::with_capacity(pages.len());
    for &i in pages {
        let file = render_job(&cx, Job::Page(i))?;
        let path: Arc<str> = file.path.as_str().into();
        sink.write(file).map_err(RenderError::Io)?;
        let (fp, _) = printer.job(Job::Page(i))?;
        done.push((fp, path));
    }
    let update = printer.into_update();
    fingerprints.update(done, update);
    Ok(Some(pages.len()))
}

/// Render what an edit that left the site's shape as it was changed: the pages of
/// `pages` (indices into `site.pages`) got new values, and nothing else in `site` but
/// what is made of them (the cards of the case studies they cite). Every output that
/// shows them is fingerprinted (every listing, feed and the like; each page that links
/// to one of them), and those whose fingerprints changed are rendered and written; the
/// fingerprints are updated. Returns how many files were written, or `None` (having
/// written nothing) when the fingerprints are not of a site of this shape or something
/// site-wide changed.
pub fn render_changed(
    site: &Site,
    theme: &Theme,
    options: &RenderOptions,
    sink: &dyn Sink,
    fingerprints: &mut Fingerprints,
    edited: &Edited,
) -> Result<Option<usize>, RenderError> {
    if fingerprints.cards().len() != site.pages.len() || !site.translations.is_empty() {
        return Ok(None);
    }
    if edited
        .moved
        .as_ref()
        .is_some_and(|m| m.listings != site_jobs(site).len())
    {
        // A listing gained or lost a page of its own.
        return Ok(None);
    }
    let cx = Ctx::new(site, theme, options, false);
    let without = without_counts(&cx.site_view);
    let touched = touched_cards(site, edited.pages);
    let printer = Fingerprinter::new(&cx, &without, fingerprints, false).knowing(&touched);
    // Every page and card is fingerprinted with the part of `site` the last build showed
    // it (a page moved between lists changes the counts, which they must not show).
    let page_templates = [
        "article.html",
        "case_study.html",
        "page.html",
        "email.html",
        "email_text.html",
        "alias.html",
        context::CARD_TEMPLATE,
    ];
    if !page_templates.iter().all(|t| printer.same_site_part(t)) {
        return Ok(None);
    }
    let known = fingerprints.cards();
    let mut cards: Vec<usize> = (touched.iter().copied())
        .filter(|&i| printer.card_of(i) != known[i])
        .collect();
    cards.sort_unstable();
    let redirects = fingerprints.of(crate::urls::REDIRECTS_FILE).is_some();
    let todo = to_look_at(site, &printer, edited, &cards, redirects);
    let Some(mut render) = to_render(site, &printer, fingerprints, todo)? else {
        return Ok(None);
    };
    reuse_cards(&cx, fingerprints, &touched, &render);
    // The longest listings first: started last, one would keep a core busy alone. The
    // proof page, a table of every metric of every case study, is the slowest of all.
    render.sort_by_cached_key(|(job, _)| {
        let cards: usize = listed_pages(site, job).iter().map(|l| l.len()).sum();
        (*job != Job::Proof, std::cmp::Reverse(cards))
    });
    let done = write_jobs(&cx, &render, sink, &|job| printer.job(job))?;
    if done.iter().any(|(_, path)| fingerprints.of(path).is_none()) {
        return Ok(None);
    }
    let written = done.len();
    let update = printer.into_update();
    fingerprints.update(done, update);
    Ok(Some(written))
}

/// The outputs an edit may have changed, given the `cards` (sorted) that changed: every
/// output that is no page's own but the listings that list no changed card and no list
/// the edit changed and show the site as the last build did; `_redirects` when the
/// site has one; the own outputs of the pages edited, relinked or whose cards changed,
/// and of those that link to a changed card.
fn to_look_at(
    site: &Site,
    printer: &Fingerprinter,
    edited: &Edited,
    cards: &[usize],
    redirects: bool,
) -> Vec<Job> {
    // A listing's view is made of the cards it lists, the site part and its lists.
    let mut changed = vec![false; site.pages.len()];
    cards.iter().for_each(|&i| changed[i] = true);
    let mut todo: Vec<Job> = site_jobs(site)
        .into_iter()
        .filter(|job| {
            let lists = listed_pages(site, job);
            lists.is_empty()
                || lists.iter().any(|l| l.iter().any(|&i| changed[i]))
                || edited.moved.as_ref().is_some_and(|m| m.shows(job))
                || !printer.same_site_part(jobs::template_of(site, *job))
        })
        .collect();
    if redirects {
        todo.push(Job::Redirects);
    }
    let mut shown = showing(site, edited.pages, cards);
    shown.extend(edited.relinked);
    shown.sort_unstable();
    shown.dedup();
    todo.extend(shown.iter().flat_map(|&p| page_jobs(site, p)));
    todo
}

/// A job to render, with its fingerprint when it is taken already.
type ToRender = (Job, Option<u64>);

/// Which of `todo` to render, each with its fingerprint when taken already; `None`
/// when one of them is an output the last build did not make (the site's shape changed).
/// A job whose template shows counts that changed is rendered whatever its fingerprint,
/// which is taken as it is rendered; the others when their fingerprints changed.
fn to_render(
    site: &Site,
    printer: &Fingerprinter,
    fingerprints: &Fingerprints,
    todo: Vec<Job>,
) -> Result<Option<Vec<ToRender>>, Diagnostic> {
    let (certain, maybe): (Vec<Job>, Vec<Job>) =
        (todo.into_iter()).partition(|&job| !printer.same_site_part(jobs::template_of(site, job)));
    let mut render: Vec<ToRender> = certain.into_iter().map(|j| (j, None)).collect();
    let made: Vec<(u64, String)> = maybe
        .par_iter()
        .map(|&job| printer.job(job))
        .collect::<Result<_, _>>()?;
    for (job, (fp, path)) in maybe.iter().zip(made) {
        match fingerprints.of(&path) {
            None => return Ok(None),
            Some((before, _)) if *before == fp => {}
            Some(_) => render.push((*job, Some(fp))),
        }
    }
    Ok(Some(render))
}

/// Give `cx` the cards the last build rendered of the pages the `render` jobs list,
/// but for the `touched` ones, while their fingerprints are the same.
fn reuse_cards(
    cx: &Ctx,
    fingerprints: &Fingerprints,
    touched: &std::collections::HashSet<usize, ahash::RandomState>,
    render: &[(Job, Option<u64>)],
) {
    let known = fingerprints.cards();
    let mut listed = vec![false; cx.site.pages.len()];
    for (job, _) in render {
        for &i in listed_pages(cx.site, job).into_iter().flatten() {
            listed[i] = !touched.contains(&i);
        }
    }
    let pages = &cx.site.pages;
    (listed.par_iter().enumerate())
        .filter(|(_, l)| **l)
        .for_each(|(i, _)| {
            if let Some(value) = fingerprints.card_value(&pages[i].meta.url, known[i]) {
                cx.reuse_card(i, value.clone());
            }
        });
}

/// What an edit patched into the last build's site changed, for [`render_changed`].
pub struct Edited<'a> {
    /// The pages with new values (front matter, body).
    pub pages: &'a [usize],
    /// Other pages whose links to other pages (next on a role's path, read next) changed.
    pub relinked: &'a [usize],
    /// When the edited page left lists or joined others: which.
    pub moved: Option<Moved<'a>>,
}

/// The lists a page left or joined: those of these stages, roles and industries.
pub struct Moved<'a> {
    pub stages: &'a [usize],
    pub roles: &'a [usize],
    pub industries: &'a [usize],
    /// How many outputs that are no page's own the site had before.
    pub listings: usize,
    /// Whether the page moved in the site's order: every listing in that order shifts.
    pub order: bool,
}

impl Moved<'_> {
    /// Whether `job` lists one of the lists that changed.
    fn shows(&self, job: &Job) -> bool {
        match *job {
            Job::Stage(s, _) => self.stages.contains(&s),
            Job::Role(r) => self.roles.contains(&r),
            Job::Industry(x, _) => self.industries.contains(&x),
            Job::Articles(_) | Job::CaseStudies | Job::Proof => self.order,
            _ => false,
        }
    }
}

/// How many outputs of `site` are no page's own (listings, feeds, the sitemap, ...).
pub fn listing_count(site: &Site) -> usize {
    site_jobs(site).len()
}

/// The pages whose cards may show what changed in `pages`: themselves, and the case
/// studies they cite (a case study's card shows who cites it).
fn touched_cards(
    site: &Site,
    pages: &[usize],
) -> std::collections::HashSet<usize, ahash::RandomState> {
    let mut touched: std::collections::HashSet<usize, ahash::RandomState> =
        pages.iter().copied().collect();
    for ((case, _), by) in &site.citations {
        if by.iter().any(|p| pages.contains(p)) {
            touched.insert(*case);
        }
    }
    touched
}

/// The pages whose own outputs show what changed: the `pages` edited, those whose
/// `cards` (sorted) changed, and those that link to one of those cards as the next on
/// a role's path or as a page to read next.
fn showing(site: &Site, pages: &[usize], cards: &[usize]) -> Vec<usize> {
    let changed = |n: &usize| cards.binary_search(n).is_ok();
    let mut shown: Vec<usize> = (0..site.own)
        .into_par_iter()
        .filter(|&p| {
            site.next[p].iter().flatten().any(changed)
                || site.read_next[p].iter().any(|r| changed(&r.page))
        })
        .collect();
    shown.extend(pages.iter().chain(cards));
    shown.sort_unstable();
    shown.dedup();
    shown
}

/// A job's fingerprint and output file.
type FingerprintOf<'f> = dyn Fn(Job) -> Result<(u64, String), Diagnostic> + Sync + 'f;

/// Render `jobs` and write them to `sink`, cards first; gives each file's fingerprint
/// (given, or taken with `fingerprint`) and path, or every template error.
fn write_jobs(
    cx: &Ctx,
    jobs: &[(Job, Option<u64>)],
    sink: &dyn Sink,
    fingerprint: &FingerprintOf,
) -> Result<Vec<(u64, Arc<str>)>, RenderError> {
    let only: Vec<Job> = jobs.iter().map(|(job, _)| *job).collect();
    make_cards(cx, &only, &vec![None; only.len()])?;
    let results: Vec<Result<(u64, Arc<str>), RenderError>> = jobs
        .par_iter()
        .with_max_len(1)
        .map(|&(job, fp)| {
            let fp = match fp {
                Some(fp) => fp,
                None => fingerprint(job)?.0,
            };
            let file = render_job(cx, job)?;
            let path: Arc<str> = file.path.as_str().into();
            sink.write(file).map_err(RenderError::Io)?;
            Ok((fp, path))
        })
        .collect();
    let mut done = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(d) => done.push(d),
            Err(e @ RenderError::Io(_)) => return Err(e),
            Err(RenderError::Templates(ds)) => problems.extend(ds),
        }
    }
    if !problems.is_empty() {
        return Err(RenderError::Templates(problems));
    }
    Ok(done)
}

/// A warning for each listing template that does not link the pages of a listing it
/// pages (it does not use `paginator`): those pages would be reachable from nowhere.
pub fn unlinked_pages(site: &Site, theme: &Theme) -> Vec<Diagnostic> {
    let paged = |lists: &dyn Fn(&Site) -> Vec<&[usize]>| {
        site.all()
            .any(|s| lists(s).iter().any(|l| jobs::page_count(s, l.len()) > 1))
    };
    let listings = [
        ("articles.html", paged(&|s| vec![&s.articles[..]])),
        (
            "stage.html",
            paged(&|s| s.by_stage.iter().map(Vec::as_slice).collect()),
        ),
        (
            "industry.html",
            paged(&|s| s.by_industry.iter().map(Vec::as_slice).collect()),
        ),
    ];
    listings
        .into_iter()
        .filter(|&(template, paged)| paged && !theme.links_pages(template))
        .map(|(template, _)| {
            Diagnostic::warning(
                crate::diagnostics::Code::PaginationUnlinked,
                theme.origin_of(template),
                format!(
                    "{template} does not use `paginator`: the pages after the first of its listings are linked from nowhere"
                ),
            )
            .with_hint(
                "add {% include \"partials/pagination.html\" %} (the built-in theme's), or set `per_page = 0` in site.toml",
            )
        })
        .collect()
}

/// Render one output file.
fn render_job(cx: &Ctx, job: Job) -> Result<OutputFile, Diagnostic> {
    let site = cx.site;
    let body = match job {
        Job::Page(i) | Job::Email(i, _) if cx.free_bodies => {
            Some(site.pages[i].body.share(jobs::body_outputs(site, i)))
        }
        Job::Page(i) | Job::Email(i, _) => Some(site.pages[i].body.get()),
        _ => None,
    };
    let capacity = match (&job, &body) {
        (_, Some(body)) => PAGE_CAPACITY + body.html.len(),
        (Job::Sitemap, _) => (site.pages.len() + 64) * 128,
        // At most as many entries as pages: `feed_limit = 99999999999` is a site's
        // "no limit", not a size to reserve.
        (Job::Feed | Job::RoleFeed(_) | Job::IndustryFeed(_), _) => {
            4096 + site.config.feed_limit.min(site.pages.len()) * 1024
        }
        _ => cx.capacity(&job),
    };
    let card_of = |i: usize| cx.card_value(i);
    let view = view(cx, &cx.site_view, job, body.as_deref(), &card_of)?;
    let path = view.path.clone();
    let bytes = cx.render_view(view, capacity)?;
    let bytes = match job {
        Job::Email(_, text) => email_edition(&path, bytes, text)?,
        _ => bytes,
    };
    Ok(OutputFile { path, bytes })
}

/// An email edition as its template rendered it: its CSS inlined, or as text when `text`.
fn email_edition(path: &str, bytes: Vec<u8>, text: bool) -> Result<Vec<u8>, Diagnostic> {
    let html = String::from_utf8(bytes).unwrap_or_default();
    if text {
        return Ok(email::text(&html).into_bytes());
    }
    let inlined = email::inline(&html).map_err(|e| {
        Diagnostic::error(
            crate::diagnostics::Code::Template,
            "email.html",
            format!("cannot inline the CSS of {path}: {e}"),
        )
    })?;
    Ok(inlined.into_bytes())
}

/// The email edition of the page at content path `content_path` (HTML, or plain text
/// when `text`), for `cairn email`; `None` when no published article or case study is there.
pub fn email_of(
    site: &Site,
    theme: &Theme,
    content_path: &str,
    text: bool,
) -> Option<Result<String, RenderError>> {
    let site = site.all().find(|s| {
        s.pages[..s.own]
            .iter()
            .any(|p| p.meta.content_path == content_path)
    })?;
    let i = site.pages[..site.own]
        .iter()
        .position(|p| p.meta.content_path == content_path)?;
    if !jobs::has_email(site, i) {
        return None;
    }
    let options = RenderOptions::default();
    let cx = Ctx::new(site, theme, &options, false);
    let file = render_job(&cx, Job::Email(i, text)).map_err(RenderError::from);
    Some(file.map(|f| String::from_utf8(f.bytes).unwrap_or_default()))
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Templates failed: every message once, sorted.
    #[error("template errors")]
    Templates(Vec<Diagnostic>),
    #[error(transparent)]
    Io(std::io::Error),
}

impl From<Diagnostic> for RenderError {
    fn from(d: Diagnostic) -> RenderError {
        RenderError::Templates(vec![d])
    }
}
