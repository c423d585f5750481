//! [`Site`] + the [`Theme`]'s Tera templates → output files, in memory, one at
//! a time. Templates receive typed views with everything precomputed (cards,
//! role paths, claims, JSON-LD); no template function queries the model.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::claims;
use crate::config::Cta;
use crate::diagnostics::Diagnostic;
use crate::model::{Kind, Page, Site};
use crate::theme::{Theme, template_diagnostic};
use crate::urls;

// ------------------------------------------------------------------ views

/// A vocabulary term as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct TermView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub url: String,
    /// Atom feed (roles and industries), empty for stages.
    pub feed_url: String,
    /// The stage's call to action; a root-relative URL carries the base path.
    pub cta: Option<Cta>,
    /// Published articles and case studies with this term.
    pub count: usize,
}

/// Site-wide values, in every template as `site`.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    /// Absolute, no trailing slash.
    pub base_url: &'a str,
    /// Prefix of every internal URL (`/blog`, or empty).
    pub base_path: &'a str,
    pub stages: Vec<TermView<'a>>,
    pub roles: Vec<TermView<'a>>,
    pub industries: Vec<TermView<'a>>,
    pub extra: &'a serde_json::Value,
    pub article_count: usize,
    pub case_study_count: usize,
    pub generator: &'static str,
    /// Script injected by `cairn serve` for live reload; empty otherwise.
    pub live_reload: &'a str,
}

/// A metric with its computed claim.
#[derive(Debug, Clone, Serialize)]
pub struct MetricView<'a> {
    pub id: &'a str,
    /// `metric-<id>`: the anchor on the case-study page.
    pub anchor: String,
    pub url: String,
    pub label: &'a str,
    pub unit: &'a str,
    pub before: String,
    pub after: String,
    pub better: claims::Better,
    /// `from 120 to 70 hours/month`
    pub change: String,
    /// `reduced unplanned downtime by 41%`; empty when the metric supports no claim.
    pub claim: String,
    /// `41%`; empty when none.
    pub percent: String,
    /// `1.7×`; empty when none.
    pub multiple: String,
    pub period: &'a str,
    pub source: &'a str,
    /// Pages whose claims cite this metric.
    pub cited_by: Vec<LinkView<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub url: String,
}

/// The case-study part of a page view.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView<'a> {
    pub customer: &'a str,
    pub featured: bool,
    pub metrics: Vec<MetricView<'a>>,
    pub quotes: &'a [crate::frontmatter::Quote],
    /// The first metric with a claim, for cards and the home page.
    pub headline: Option<MetricView<'a>>,
}

/// A page as cards and listings show it.
#[derive(Debug, Clone, Serialize)]
pub struct CardView<'a> {
    pub title: &'a str,
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    pub kind: Kind,
    pub summary: &'a str,
    /// `2026-03-14`, empty when undated.
    pub date: String,
    /// `14 March 2026`
    pub date_display: String,
    /// RFC 3339, for feeds.
    pub date_rfc3339: String,
    pub updated_rfc3339: String,
    pub stage: Option<TermView<'a>>,
    pub roles: Vec<TermView<'a>>,
    pub industries: Vec<TermView<'a>>,
    pub author: Option<&'a str>,
    pub weight: Option<i64>,
    pub reading_minutes: usize,
    pub case: Option<CaseView<'a>>,
    pub draft: bool,
}

#[derive(Debug, Serialize)]
struct NextView<'a> {
    role: TermView<'a>,
    next: Option<tera::Value>,
}

#[derive(Debug, Serialize)]
struct PageView<'a> {
    #[serde(flatten)]
    card: &'a CardView<'a>,
    content: &'a str,
    toc: &'a [crate::markdown::TocEntry],
    word_count: usize,
    extra: &'a serde_json::Value,
    next_for: Vec<NextView<'a>>,
    /// `<script type="application/ld+json">` body, already escaped for HTML.
    json_ld: String,
}

#[derive(Debug, Serialize)]
struct StageGroup<'a> {
    stage: TermView<'a>,
    pages: Vec<tera::Value>,
}

#[derive(Debug, Serialize)]
struct IndustryGroup<'a> {
    industry: TermView<'a>,
    pages: Vec<tera::Value>,
}

#[derive(Debug, Serialize)]
struct FeedView {
    title: String,
    /// Absolute URL of the feed itself.
    url: String,
    /// Absolute URL of the HTML page it follows.
    alternate: String,
    updated: String,
    entries: Vec<tera::Value>,
}

#[derive(Debug, Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: String,
}

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

struct Ctx<'a> {
    site: &'a Site,
    theme: &'a Theme,
    site_view: SiteView<'a>,
    /// `site_view` as a template value, made once: every render shares it.
    site_value: tera::Value,
    /// Vocabulary terms as cards show them, each made once: every card value shares them.
    card_terms: CardTerms,
    /// Each card as a template value, with `html`: the card rendered once through
    /// `partials/card.html`. Tera values share their maps and lists, so a listing of
    /// 10,000 cards clones 10,000 pointers and writes 10,000 ready strings instead of
    /// serialising and rendering every card again in every listing that shows it.
    card_values: Vec<std::sync::OnceLock<CardEntry>>,
    /// Take each page's body out as its page is rendered, freeing it once written
    /// (a build); a serve session keeps them for the next edit.
    free_bodies: bool,
}

/// Stages, roles and industries as template values for cards (without counts).
struct CardTerms {
    stages: Vec<tera::Value>,
    roles: Vec<tera::Value>,
    industries: Vec<tera::Value>,
}

/// A card as a template value and the length of its `html`, or why it failed to render.
type CardEntry = Result<(tera::Value, usize), Box<Diagnostic>>;

/// What a page needs around its body or its list of cards, in bytes (a guess).
const PAGE_CAPACITY: usize = 16 * 1024;

/// The partial rendered once per page as its card's `html`.
const CARD_TEMPLATE: &str = "partials/card.html";

fn fmt_date(ts: Option<jiff::Timestamp>, fmt: &str) -> String {
    ts.map(|t| {
        t.to_zoned(jiff::tz::TimeZone::UTC)
            .strftime(fmt)
            .to_string()
    })
    .unwrap_or_default()
}

impl<'a> Ctx<'a> {
    fn new(
        site: &'a Site,
        theme: &'a Theme,
        options: &'a RenderOptions,
        free_bodies: bool,
    ) -> Ctx<'a> {
        let config = &site.config;
        let stage_count = |i: usize| site.by_stage[i].len();
        let role_count = |r: usize| site.role_paths[r].iter().map(Vec::len).sum();
        let site_view = SiteView {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            base_url: site.urls.base_url(),
            base_path: site.urls.base_path(),
            stages: (0..config.stages.len())
                .map(|i| stage_term(site, i, stage_count(i)))
                .collect(),
            roles: (0..config.roles.len())
                .map(|i| role_term(site, i, role_count(i)))
                .collect(),
            industries: (0..site.industries.len())
                .map(|i| industry_term(site, i, site.by_industry[i].len()))
                .collect(),
            extra: &config.extra,
            article_count: site.articles.len(),
            case_study_count: site.case_studies.len(),
            generator: concat!("cairn ", env!("CARGO_PKG_VERSION")),
            live_reload: &options.live_reload,
        };
        let value = |t: TermView| tera::Value::from_serializable(&t);
        let card_terms = CardTerms {
            stages: (0..config.stages.len())
                .map(|i| value(stage_term(site, i, 0)))
                .collect(),
            roles: (0..config.roles.len())
                .map(|i| value(role_term(site, i, 0)))
                .collect(),
            industries: (0..site.industries.len())
                .map(|i| value(industry_term(site, i, 0)))
                .collect(),
        };
        let card_values = (0..site.pages.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Ctx {
            site,
            theme,
            site_value: tera::Value::from_serializable(&site_view),
            site_view,
            card_terms,
            card_values,
            free_bodies,
        }
    }

    /// `template` with `site` and what `extra` adds, into a buffer of `capacity` bytes
    /// (a good guess spares a 30 MB listing its copies while it grows).
    fn render(
        &self,
        template: &str,
        capacity: usize,
        extra: impl FnOnce(&mut tera::Context),
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut out = self.render_bare(template, capacity, extra)?;
        let script = self.site_view.live_reload.as_bytes();
        if !script.is_empty() && template.ends_with(".html") {
            let at = out
                .windows(7)
                .rposition(|w| w == b"</body>")
                .unwrap_or(out.len());
            out.splice(at..at, script.iter().copied());
        }
        Ok(out)
    }

    /// The site-wide part of every output's fingerprint.
    fn base_fingerprint(&self) -> u64 {
        crate::model::hash_of(&serde_json::to_string(&self.site_view).unwrap_or_default())
    }

    /// [`render`](Self::render) without the live-reload script.
    fn render_bare(
        &self,
        template: &str,
        capacity: usize,
        extra: impl FnOnce(&mut tera::Context),
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = tera::Context::new();
        ctx.insert_value("site", self.site_value.clone());
        extra(&mut ctx);
        let mut out = Vec::with_capacity(capacity);
        match self.theme.tera.render_to(template, &ctx, &mut out) {
            Ok(()) => Ok(out),
            Err(e) => {
                let mut d = template_diagnostic(&self.theme.sources, &e);
                if d.line == 0 {
                    d.path = PathBuf::from(self.theme.origin_of(template));
                }
                Err(d)
            }
        }
    }

    fn card(&self, i: usize) -> CardView<'a> {
        card(self.site, i, &self.site.pages[i], true)
    }

    /// Page `i`'s card as a template value, and the length of its `html`.
    fn card_entry(&self, i: usize) -> Result<&(tera::Value, usize), Diagnostic> {
        self.card_values[i]
            .get_or_init(|| {
                // The card without its terms, which are then put in shared.
                let meta = &self.site.pages[i].meta;
                let terms = &self.card_terms;
                let mut map =
                    tera::Value::from_serializable(&card(self.site, i, &self.site.pages[i], false))
                        .into_map()
                        .unwrap_or_default();
                let key = tera::value::Key::Str;
                map.insert(
                    key("stage"),
                    meta.stage.map(|s| terms.stages[s].clone()).into(),
                );
                let shared = |table: &[tera::Value], ids: &[usize]| -> tera::Value {
                    ids.iter()
                        .map(|&k| table[k].clone())
                        .collect::<Vec<_>>()
                        .into()
                };
                map.insert(key("roles"), shared(&terms.roles, &meta.roles));
                map.insert(
                    key("industries"),
                    shared(&terms.industries, &meta.industries),
                );
                let value = tera::Value::from(map);
                let html = self
                    .render_bare(CARD_TEMPLATE, 2048, |c| {
                        c.insert_value("card", value.clone())
                    })
                    .map_err(Box::new)?;
                // Tera writes UTF-8 only.
                let html = String::from_utf8_lossy(&html);
                let mut map = value.into_map().unwrap_or_default();
                map.insert(key("html"), tera::Value::safe_string(&html));
                Ok((tera::Value::from(map), html.len()))
            })
            .as_ref()
            .map_err(|d| (**d).clone())
    }

    fn card_value(&self, i: usize) -> Result<tera::Value, Diagnostic> {
        self.card_entry(i).map(|(v, _)| v.clone())
    }

    fn cards_of(&self, indices: &[usize]) -> Result<Vec<tera::Value>, Diagnostic> {
        indices.iter().map(|&i| self.card_value(i)).collect()
    }

    /// A guess at the size of `job`'s output: its body or the cards it lists, and the
    /// rest of the page.
    fn capacity(&self, job: &Job) -> usize {
        // A page's own job adds its body's length, which only that job holds.
        let listed: usize = listed_pages(self.site, job)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.card_values[i].get()?.as_ref().ok().map(|(_, n)| n))
            .sum();
        PAGE_CAPACITY + listed
    }

    fn abs(&self, path: &str) -> String {
        self.site.urls.absolute(path)
    }
}

fn stage_term(site: &Site, i: usize, count: usize) -> TermView<'_> {
    let s = &site.config.stages[i];
    TermView {
        id: &s.id,
        name: &s.name,
        description: &s.description,
        url: site.urls.href(&site.urls.stage(&s.id)),
        feed_url: String::new(),
        cta: s.cta.as_ref().map(|c| Cta {
            text: c.text.clone(),
            url: site.urls.configured(&c.url),
        }),
        count,
    }
}

fn role_term(site: &Site, i: usize, count: usize) -> TermView<'_> {
    let r = &site.config.roles[i];
    TermView {
        id: &r.id,
        name: &r.name,
        description: &r.description,
        url: site.urls.href(&site.urls.role(&r.id)),
        feed_url: site.urls.href(&site.urls.role_feed(&r.id)),
        cta: None,
        count,
    }
}

fn industry_term(site: &Site, i: usize, count: usize) -> TermView<'_> {
    let ind = &site.industries[i];
    TermView {
        id: &ind.id,
        name: &ind.name,
        description: &ind.description,
        url: site.urls.href(&site.urls.industry(&ind.id)),
        feed_url: site.urls.href(&site.urls.industry_feed(&ind.id)),
        cta: None,
        count,
    }
}

fn metric_view<'a>(site: &'a Site, page: usize, m_index: usize) -> MetricView<'a> {
    let p = &site.pages[page];
    let m = &p
        .meta
        .case
        .as_ref()
        .expect("metrics belong to case studies")
        .metrics[m_index];
    let f = m.figures();
    let cited_by = site
        .citations
        .get(&(page, m_index))
        .map(|list| {
            list.iter()
                .map(|&c| LinkView {
                    title: &site.pages[c].meta.title,
                    url: site.urls.href(&site.pages[c].meta.url),
                })
                .collect()
        })
        .unwrap_or_default();
    MetricView {
        id: &m.id,
        anchor: urls::metric_anchor(&m.id),
        url: site.urls.href(&site.urls.metric(&p.meta.url, &m.id)),
        label: &m.label,
        unit: &m.unit,
        before: claims::quantity(m.before, &m.unit),
        after: claims::quantity(m.after, &m.unit),
        better: m.better,
        change: claims::change(m.before, m.after, &m.unit),
        claim: claims::phrase(f, &m.label, &m.unit, claims::Form::Sentence, 0).unwrap_or_default(),
        percent: claims::percent(f, 0)
            .map(|p| format!("{p}%"))
            .unwrap_or_default(),
        multiple: claims::multiple(f)
            .map(|x| format!("{x}×"))
            .unwrap_or_default(),
        period: m.period.as_deref().unwrap_or(""),
        source: &m.source,
        cited_by,
    }
}

/// Page `i`'s card; with `terms`, its stage, roles and industries too (else none).
fn card<'a>(site: &'a Site, i: usize, p: &'a Page, terms: bool) -> CardView<'a> {
    let m = &p.meta;
    let count = 0;
    let case = m.case.as_ref().map(|c| {
        let metrics: Vec<MetricView> = (0..c.metrics.len())
            .map(|k| metric_view(site, i, k))
            .collect();
        let headline = metrics.iter().find(|mv| !mv.claim.is_empty()).cloned();
        CaseView {
            customer: &c.customer,
            featured: c.featured,
            metrics,
            quotes: &c.quotes,
            headline,
        }
    });
    CardView {
        title: &m.title,
        url: site.urls.href(&m.url),
        permalink: site.urls.absolute(&m.url),
        kind: m.kind,
        summary: p.summary(),
        date: fmt_date(m.date, "%Y-%m-%d"),
        date_display: fmt_date(m.date, "%-d %B %Y"),
        date_rfc3339: fmt_date(m.date, "%Y-%m-%dT%H:%M:%SZ"),
        updated_rfc3339: fmt_date(m.updated.or(m.date), "%Y-%m-%dT%H:%M:%SZ"),
        stage: m
            .stage
            .filter(|_| terms)
            .map(|s| stage_term(site, s, count)),
        roles: if terms {
            m.roles.iter().map(|&r| role_term(site, r, count)).collect()
        } else {
            Vec::new()
        },
        industries: if terms {
            m.industries
                .iter()
                .map(|&x| industry_term(site, x, count))
                .collect()
        } else {
            Vec::new()
        },
        author: m.author.as_deref(),
        weight: m.weight,
        reading_minutes: p.word_count.div_ceil(230).max(1),
        case,
        draft: m.draft,
    }
}

/// JSON-LD for a page: `Article`, with the customer as an `Organization` on case studies.
fn json_ld(site: &Site, card: &CardView, page: &Page) -> String {
    let m = &page.meta;
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": if m.kind == Kind::Page { "WebPage" } else { "Article" },
        "headline": m.title,
        "description": page.summary(),
        "url": card.permalink,
        "mainEntityOfPage": card.permalink,
        "inLanguage": site.config.language,
        "publisher": { "@type": "Organization", "name": site.config.title, "url": site.urls.absolute(&site.urls.home()) },
    });
    if !card.date_rfc3339.is_empty() {
        v["datePublished"] = card.date_rfc3339.clone().into();
        v["dateModified"] = card.updated_rfc3339.clone().into();
    }
    if let Some(a) = &m.author {
        v["author"] = serde_json::json!({ "@type": "Person", "name": a });
    }
    if let Some(s) = m.stage {
        v["articleSection"] = site.config.stages[s].name.clone().into();
    }
    let keywords: Vec<&str> = m
        .roles
        .iter()
        .map(|&r| site.config.roles[r].name.as_str())
        .chain(
            m.industries
                .iter()
                .map(|&i| site.industries[i].name.as_str()),
        )
        .collect();
    if !keywords.is_empty() {
        v["keywords"] = keywords.join(", ").into();
    }
    if let Some(c) = &m.case {
        v["about"] = serde_json::json!({ "@type": "Organization", "name": c.customer });
    }
    // Inside <script>, markup characters must not appear at all: escape them as JSON allows.
    serde_json::to_string(&v)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
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

/// For each output file, a hash of everything its template sees; kept by a
/// serve session so that the next build renders only files whose inputs changed.
#[derive(Debug, Clone, Default)]
pub struct Fingerprints {
    /// Job → (inputs, the file it wrote).
    map: std::collections::HashMap<Job, (u64, std::sync::Arc<str>), ahash::RandomState>,
    /// The site-wide part of every fingerprint.
    base: u64,
}

/// What `render_site` did.
#[derive(Debug)]
pub struct Rendered {
    /// Output files in the site.
    pub files: usize,
    /// Files rendered this time (the rest were unchanged).
    pub rendered: usize,
    /// Fingerprints of this build's outputs, when asked for.
    pub fingerprints: Option<Fingerprints>,
    /// The files that took longest to render, slowest first, with their times.
    pub slowest: Vec<(String, Duration)>,
}

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
    let cx = Ctx::new(site, theme, options, free_bodies);
    let jobs = jobs(site);
    let base = previous.map(|_| cx.base_fingerprint());
    let fingerprints: Option<Vec<u64>> = base.map(|base| {
        let cards: Vec<u64> = site
            .pages
            .par_iter()
            .enumerate()
            .map(|(i, p)| card_fingerprint(site, i, p))
            .collect();
        jobs.par_iter()
            .map(|job| job_fingerprint(site, job, base, &|i| cards[i]))
            .collect()
    });
    // Listings show many cards, each rendered once: make them all first, in parallel,
    // rather than one by one inside whichever listing needs them first.
    // Jobs whose inputs did not change since `previous`, with the file each wrote.
    let unchanged: Vec<Option<&std::sync::Arc<str>>> = jobs
        .iter()
        .enumerate()
        .map(|(k, job)| match (previous, &fingerprints) {
            (Some(prev), Some(fps)) => prev
                .map
                .get(job)
                .filter(|(fp, _)| *fp == fps[k])
                .map(|(_, path)| path),
            _ => None,
        })
        .collect();
    let mut listed = vec![false; site.pages.len()];
    for (job, _) in jobs.iter().zip(&unchanged).filter(|(_, u)| u.is_none()) {
        for &i in listed_pages(site, job).into_iter().flatten() {
            listed[i] = true;
        }
    }
    let made: Result<(), Diagnostic> = listed
        .par_iter()
        .enumerate()
        .filter(|(_, l)| **l)
        .try_for_each(|(i, _)| cx.card_value(i).map(drop));
    made.map_err(RenderError::from)?;
    type Done = (std::sync::Arc<str>, Option<Duration>);
    let results: Vec<Result<Done, RenderError>> = jobs
        .par_iter()
        .enumerate()
        .map(|(k, job)| {
            if let Some(path) = unchanged[k] {
                sink.keep(path).map_err(RenderError::Io)?;
                return Ok((path.clone(), None));
            }
            let start = Instant::now();
            let file = render_job(&cx, job).map_err(RenderError::from)?;
            let path: std::sync::Arc<str> = file.path.as_str().into();
            sink.write(file).map_err(RenderError::Io)?;
            Ok((path, Some(start.elapsed())))
        })
        .collect();
    let mut paths: Vec<std::sync::Arc<str>> = Vec::with_capacity(results.len());
    let mut slowest: Vec<(Duration, std::sync::Arc<str>)> = Vec::new();
    let mut diagnostics = Vec::new();
    let mut rendered = 0;
    for r in results {
        match r {
            Ok((path, took)) => {
                if let Some(took) = took {
                    rendered += 1;
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
    slowest.sort_unstable_by(|a, b| b.cmp(a));
    slowest.truncate(SLOWEST);
    Ok(Rendered {
        files: jobs.len(),
        rendered,
        slowest: slowest
            .into_iter()
            .map(|(took, path)| (path.to_string(), took))
            .collect(),
        fingerprints: fingerprints.map(|fps| Fingerprints {
            map: jobs
                .iter()
                .zip(fps)
                .zip(paths)
                .map(|((job, fp), path)| (*job, (fp, path)))
                .collect(),
            base: base.unwrap_or_default(),
        }),
    })
}

/// Render only the pages `pages` (indices into `site.pages`), whose cards are unchanged
/// since the build `fingerprints` describe, and update their fingerprints. Every other
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
    let base = cx.base_fingerprint();
    if base != fingerprints.base {
        return Ok(None);
    }
    // Fingerprints change only once every page is written: a failure leaves them
    // describing the output as it is.
    let mut done = Vec::with_capacity(pages.len());
    for &i in pages {
        let job = Job::Page(i);
        let file = render_job(&cx, &job).map_err(RenderError::from)?;
        let path: std::sync::Arc<str> = file.path.as_str().into();
        sink.write(file).map_err(RenderError::Io)?;
        let fp = job_fingerprint(site, &job, base, &|n| {
            card_fingerprint(site, n, &site.pages[n])
        });
        done.push((job, (fp, path)));
    }
    fingerprints.map.extend(done);
    Ok(Some(pages.len()))
}

/// Exactly what a page's card shows (the fields of [`CardView`]), so that an edit of the
/// body alone leaves every listing that shows the page untouched.
pub fn card_fingerprint(site: &Site, i: usize, p: &Page) -> u64 {
    use std::hash::{Hash, Hasher};
    let m = &p.meta;
    let mut h = crate::model::fingerprint_hasher();
    (
        &m.title,
        &m.url,
        m.kind as u8,
        p.summary(),
        m.date,
        m.updated,
        m.stage,
        &m.roles,
        &m.industries,
    )
        .hash(&mut h);
    (
        &m.author,
        m.weight,
        p.word_count.div_ceil(230).max(1),
        m.draft,
        m.published,
    )
        .hash(&mut h);
    if let Some(c) = &m.case {
        (&c.customer, c.featured).hash(&mut h);
        for (k, x) in c.metrics.iter().enumerate() {
            x.hash(&mut h);
            for &c in site.citations.get(&(i, k)).into_iter().flatten() {
                (&site.pages[c].meta.title, &site.pages[c].meta.url).hash(&mut h);
            }
        }
        for q in &c.quotes {
            (&q.text, &q.name, &q.title, &q.company).hash(&mut h);
        }
    }
    h.finish()
}

/// The pages a listing shows as cards (all of them: pages a job shows only a few of,
/// such as the home page or a feed, are not listings here).
fn listed_pages<'s>(site: &'s Site, job: &Job) -> Vec<&'s [usize]> {
    match *job {
        Job::Articles => vec![&site.articles],
        Job::CaseStudies | Job::Proof => vec![&site.case_studies],
        Job::Role(r) => site.role_paths[r].iter().map(Vec::as_slice).collect(),
        Job::Stage(s) => vec![&site.by_stage[s]],
        Job::Industry(i) => vec![&site.by_industry[i]],
        _ => Vec::new(),
    }
}

/// The inputs of one output file, given the site-wide part and every card's fingerprint.
fn job_fingerprint(site: &Site, job: &Job, base: u64, cards: &dyn Fn(usize) -> u64) -> u64 {
    use crate::model::hash_of;
    let list = |idx: &[usize]| -> Vec<u64> { idx.iter().map(|&i| cards(i)).collect() };
    let tag = std::mem::discriminant(job);
    match *job {
        Job::Page(i) => {
            let next: Vec<Option<u64>> = site.next[i].iter().map(|n| n.map(cards)).collect();
            let page = &site.pages[i];
            hash_of(&(
                base,
                tag,
                cards(i),
                page.meta.source_hash,
                page.body.get().html_hash,
                page.word_count,
                next,
            ))
        }
        Job::Home | Job::Articles | Job::Feed => hash_of(&(base, tag, list(&site.articles))),
        Job::CaseStudies | Job::Proof => {
            let groups: Vec<Vec<u64>> = site.by_industry.iter().map(|g| list(g)).collect();
            hash_of(&(base, tag, list(&site.case_studies), groups))
        }
        Job::Role(r) | Job::RoleFeed(r) => {
            let stages: Vec<Vec<u64>> = site.role_paths[r].iter().map(|s| list(s)).collect();
            hash_of(&(base, tag, stages))
        }
        Job::Stage(s) => hash_of(&(base, tag, list(&site.by_stage[s]))),
        Job::Industry(i) | Job::IndustryFeed(i) => {
            hash_of(&(base, tag, list(&site.by_industry[i])))
        }
        Job::Sitemap => {
            let entries: Vec<(&str, Option<jiff::Timestamp>)> = site
                .pages
                .iter()
                .map(|p| (p.meta.url.as_str(), p.meta.updated.or(p.meta.date)))
                .collect();
            hash_of(&(base, tag, entries))
        }
        Job::Roles | Job::Stages | Job::Industries | Job::Robots | Job::NotFound => {
            hash_of(&(base, tag))
        }
    }
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

/// One file to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    Page(usize),
    Home,
    Articles,
    CaseStudies,
    Roles,
    Role(usize),
    RoleFeed(usize),
    Stages,
    Stage(usize),
    Industries,
    Industry(usize),
    IndustryFeed(usize),
    Proof,
    Feed,
    Sitemap,
    Robots,
    NotFound,
}

fn jobs(site: &Site) -> Vec<Job> {
    // Listings first, the longest first: rendered in parallel, a listing that
    // starts last would leave one core busy while the other has nothing to do.
    let mut jobs = vec![Job::Articles, Job::Sitemap, Job::CaseStudies, Job::Proof];
    jobs.extend((0..site.config.stages.len()).map(Job::Stage));
    for i in 0..site.industries.len() {
        jobs.push(Job::Industry(i));
        jobs.push(Job::IndustryFeed(i));
    }
    for r in 0..site.config.roles.len() {
        jobs.push(Job::Role(r));
        jobs.push(Job::RoleFeed(r));
    }
    jobs.extend([
        Job::Home,
        Job::Roles,
        Job::Stages,
        Job::Industries,
        Job::Feed,
        Job::Robots,
        Job::NotFound,
    ]);
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs
}

fn render_job(cx: &Ctx, job: &Job) -> Result<OutputFile, Diagnostic> {
    let site = cx.site;
    let u = &site.urls;
    let html = |path: String,
                template: &str,
                f: &dyn Fn(&mut tera::Context)|
     -> Result<OutputFile, Diagnostic> {
        Ok(OutputFile {
            path,
            bytes: cx.render(template, cx.capacity(job), |c| f(c))?,
        })
    };
    match *job {
        Job::Page(i) => {
            let page = &site.pages[i];
            let body = if cx.free_bodies {
                page.body.take()
            } else {
                page.body.get()
            };
            let card = &cx.card(i);
            let next_for: Vec<NextView> = page
                .meta
                .roles
                .iter()
                .map(|&r| {
                    Ok(NextView {
                        role: cx.site_view.roles[r].clone(),
                        next: site.next_for(i, r).map(|n| cx.card_value(n)).transpose()?,
                    })
                })
                .collect::<Result<_, Diagnostic>>()?;
            let view = PageView {
                card,
                content: &body.html,
                toc: &body.toc,
                word_count: page.word_count,
                extra: &page.meta.extra,
                next_for,
                json_ld: json_ld(site, card, page),
            };
            let template = match page.meta.kind {
                Kind::Article => "article.html",
                Kind::CaseStudy => "case_study.html",
                Kind::Page => "page.html",
            };
            Ok(OutputFile {
                path: urls::output_file(&page.meta.url),
                bytes: cx.render(template, PAGE_CAPACITY + body.html.len(), |c| {
                    c.insert("page", &view)
                })?,
            })
        }
        Job::Home => {
            let latest: Vec<tera::Value> = site
                .articles
                .iter()
                .filter(|&&i| site.pages[i].meta.kind == Kind::Article)
                .take(6)
                .map(|&i| cx.card_value(i))
                .collect::<Result<_, _>>()?;
            let mut featured: Vec<tera::Value> = site
                .case_studies
                .iter()
                .filter(|&&i| site.pages[i].meta.case.as_ref().is_some_and(|k| k.featured))
                .map(|&i| cx.card_value(i))
                .collect::<Result<_, _>>()?;
            if featured.is_empty() {
                featured = cx.cards_of(&site.case_studies[..site.case_studies.len().min(3)])?;
            }
            html(urls::output_file(&u.home()), "index.html", &|c| {
                c.insert("latest", &latest);
                c.insert("featured", &featured);
            })
        }
        Job::Articles => {
            let pages = cx.cards_of(&site.articles)?;
            html(urls::output_file(&u.articles()), "articles.html", &|c| {
                c.insert("pages", &pages)
            })
        }
        Job::CaseStudies => {
            let pages = cx.cards_of(&site.case_studies)?;
            let mut groups: Vec<IndustryGroup> = Vec::new();
            for i in 0..site.industries.len() {
                let pages = site.by_industry[i]
                    .iter()
                    .filter(|&&p| site.pages[p].meta.kind == Kind::CaseStudy)
                    .map(|&p| cx.card_value(p))
                    .collect::<Result<Vec<_>, _>>()?;
                if !pages.is_empty() {
                    groups.push(IndustryGroup {
                        industry: cx.site_view.industries[i].clone(),
                        pages,
                    });
                }
            }
            html(
                urls::output_file(&u.case_studies()),
                "case_studies.html",
                &|c| {
                    c.insert("pages", &pages);
                    c.insert("by_industry", &groups);
                },
            )
        }
        Job::Roles => html(urls::output_file(&u.roles()), "roles.html", &|_| {}),
        Job::Stages => html(urls::output_file(&u.stages()), "stages.html", &|_| {}),
        Job::Industries => html(
            urls::output_file(&u.industries()),
            "industries.html",
            &|_| {},
        ),
        Job::Role(r) => {
            let role = &cx.site_view.roles[r];
            let path: Vec<StageGroup> = (0..site.config.stages.len())
                .map(|s| {
                    Ok(StageGroup {
                        stage: cx.site_view.stages[s].clone(),
                        pages: cx.cards_of(&site.role_paths[r][s])?,
                    })
                })
                .collect::<Result<_, Diagnostic>>()?;
            html(urls::output_file(&u.role(role.id)), "role.html", &|c| {
                c.insert("role", role);
                c.insert("path", &path);
            })
        }
        Job::Stage(s) => {
            let stage = &cx.site_view.stages[s];
            let pages = cx.cards_of(&site.by_stage[s])?;
            html(urls::output_file(&u.stage(stage.id)), "stage.html", &|c| {
                c.insert("stage", stage);
                c.insert("pages", &pages);
            })
        }
        Job::Industry(i) => {
            let industry = &cx.site_view.industries[i];
            let pages = cx.cards_of(&site.by_industry[i])?;
            html(
                urls::output_file(&u.industry(industry.id)),
                "industry.html",
                &|c| {
                    c.insert("industry", industry);
                    c.insert("pages", &pages);
                },
            )
        }
        Job::Feed => feed(
            cx,
            &u.feed(),
            site.config.title.clone(),
            &u.home(),
            &site.articles,
        ),
        Job::RoleFeed(r) => {
            let role = &site.config.roles[r];
            let mut pages: Vec<usize> = site.role_paths[r].iter().flatten().copied().collect();
            pages.sort_unstable();
            feed(
                cx,
                &u.role_feed(&role.id),
                format!("{} — for the {}", site.config.title, role.name),
                &u.role(&role.id),
                &pages,
            )
        }
        Job::IndustryFeed(i) => {
            let ind = &site.industries[i];
            feed(
                cx,
                &u.industry_feed(&ind.id),
                format!("{} — {}", site.config.title, ind.name),
                &u.industry(&ind.id),
                &site.by_industry[i],
            )
        }
        Job::Proof => {
            let cases = cx.cards_of(&site.case_studies)?;
            html(urls::output_file(&u.proof()), "proof.html", &|c| {
                c.insert("cases", &cases)
            })
        }
        Job::Sitemap => {
            let mut entries = vec![SitemapEntry {
                loc: cx.abs(&u.home()),
                lastmod: String::new(),
            }];
            entries.extend(site.pages.iter().map(|p| SitemapEntry {
                loc: cx.abs(&p.meta.url),
                lastmod: fmt_date(p.meta.updated.or(p.meta.date), "%Y-%m-%d"),
            }));
            let home = u.home();
            let mut listing: Vec<String> = u
                .generated(&site.config, site.industries.iter().map(|i| i.id.as_str()))
                .into_iter()
                .filter(|url| *url != home)
                .collect();
            listing.sort();
            entries.extend(listing.into_iter().map(|url| SitemapEntry {
                loc: cx.abs(&url),
                lastmod: String::new(),
            }));
            Ok(OutputFile {
                path: urls::output_file(&u.sitemap()),
                bytes: cx.render("sitemap.xml", entries.len() * 128, |c| {
                    c.insert("entries", &entries)
                })?,
            })
        }
        Job::Robots => Ok(OutputFile {
            path: urls::output_file(&u.robots()),
            bytes: cx.render("robots.txt", 256, |c| {
                c.insert("sitemap_url", &cx.abs(&u.sitemap()))
            })?,
        }),
        Job::NotFound => html(urls::output_file(&u.not_found()), "404.html", &|_| {}),
    }
}

/// The feed at site path `url` of `pages`, following the page at site path `alternate`.
fn feed(
    cx: &Ctx,
    url: &str,
    title: String,
    alternate: &str,
    pages: &[usize],
) -> Result<OutputFile, Diagnostic> {
    let pages = &pages[..pages.len().min(cx.site.config.feed_limit)];
    let updated = pages
        .iter()
        .map(|&i| cx.card(i).updated_rfc3339)
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let entries = cx.cards_of(pages)?;
    let view = FeedView {
        title,
        url: cx.abs(url),
        alternate: cx.abs(alternate),
        updated,
        entries,
    };
    Ok(OutputFile {
        path: urls::output_file(url),
        bytes: cx.render("atom.xml", 4096 + pages.len() * 1024, |c| {
            c.insert("feed", &view)
        })?,
    })
}
