//! Raw documents → a typed, validated, immutable [`Site`]: pages with
//! resolved stage/role/industry indices, case studies and their metrics,
//! claims and where they are cited, role paths, and the URL index. No
//! templates, no disk writes.
//!
//! [`build`] runs the phases in order, each in its own module: front matter
//! ([`parse`]), page metadata ([`meta`]: front matter resolved, URL known),
//! the URL index ([`links`]), bodies ([`bodies`], once every URL is known),
//! the anchors check ([`links`]), the page order and indices ([`indices`]),
//! citations ([`citations`]), evidence past its review date ([`evidence`]) and the
//! pages to read next ([`read_next`]). A serve session's [`Cache`] is consulted
//! inside the phases it serves; [`patch`] re-renders one edited body.

mod aliases;
mod bodies;
mod cache;
mod citations;
mod edit;
pub mod evidence;
mod images;
mod indices;
mod languages;
mod links;
mod meta;
mod parse;
pub mod read_next;
mod reshape;
mod shortcodes;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::claims::{self, Better, ClaimError, Figures, Form};
use crate::config::{Industry, SiteConfig};
use crate::data::Data;
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Shortcodes};
use crate::source::{Asset, Scan};
use crate::urls::Urls;

pub use cache::{Cache, Patcher, fingerprint_hasher, hash_of, patch, stable_hash};
pub use edit::{Cases, FrontEdit, patch_front};
pub use evidence::{Approval, Review, Status};
use links::LinkIndex;
pub use reshape::{Reshaped, move_in_order, reshape};
use shortcodes::{CaseIndex, SiteShortcodes};

/// What kind of document a file is, by its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `content/articles/**`
    Article,
    /// `content/case-studies/**`
    CaseStudy,
    /// Any other Markdown file.
    Page,
}

/// A validated case-study metric.
#[derive(Debug, Clone)]
pub struct Metric {
    pub id: String,
    pub label: String,
    /// The label as a claim's sentence uses it: `label` unless the metric gives `claim_label`.
    pub claim_label: String,
    pub unit: String,
    pub before: f64,
    pub after: f64,
    pub better: Better,
    pub period: Option<String>,
    pub source: String,
    /// When the figures were measured.
    pub as_of: Option<jiff::civil::Date>,
    /// When they must be checked again.
    pub review: Option<Review>,
    /// What the figures say, computed once: every page and claim shows these.
    pub facts: Facts,
}

/// What a metric's figures say, in words, computed once from the figures when the
/// metric is read; the `claim` shortcode and every view of the metric take them from here.
#[derive(Debug, Clone)]
pub struct Facts {
    /// `120 hours/month`
    pub before: String,
    pub after: String,
    /// `from 120 to 70 hours/month`
    pub change: String,
    /// `reduced unplanned downtime by 41%`, or why the figures support no claim.
    pub sentence: Result<String, ClaimError>,
    /// `41%`, when a percentage can be claimed; never for a metric in percent, whose
    /// relative change is stated only when a claim asks for it.
    pub percent: Option<String>,
    /// `10 percentage points`, for a metric in percent that improved.
    pub points: Option<String>,
    /// `1.7×`, when a multiple can be claimed.
    pub multiple: Option<String>,
}

impl Facts {
    /// The facts of figures `f` of a metric labelled `label` in claims, measured in
    /// `unit`, worded as `p` (the page's language) words claims.
    pub fn of(f: Figures, label: &str, unit: &str, p: &claims::Phrasing) -> Facts {
        let shown = |form| claims::phrase(f, label, unit, (form, 0), p).ok();
        Facts {
            before: claims::quantity(f.before, unit, p),
            after: claims::quantity(f.after, unit, p),
            change: claims::change(f.before, f.after, unit, p),
            sentence: claims::phrase(f, label, unit, (Form::Sentence, 0), p),
            percent: (!claims::in_percent(unit))
                .then(|| shown(Form::Percent))
                .flatten(),
            points: claims::in_percent(unit)
                .then(|| shown(Form::Percent))
                .flatten(),
            multiple: shown(Form::Multiple),
        }
    }
}

/// Every field, figures by their bits: what fingerprints of claims and cards see.
impl Hash for Metric {
    fn hash<H: Hasher>(&self, h: &mut H) {
        (
            &self.id,
            &self.label,
            &self.claim_label,
            &self.unit,
            self.before.to_bits(),
            self.after.to_bits(),
        )
            .hash(h);
        (self.better as u8, &self.period, &self.source).hash(h);
    }
}

impl Metric {
    pub fn figures(&self) -> Figures {
        Figures {
            before: self.before,
            after: self.after,
            better: self.better,
        }
    }
}

/// A customer quote on a case study.
#[derive(Debug, Clone)]
pub struct Quote {
    pub text: String,
    pub name: String,
    pub title: String,
    pub company: Option<String>,
    /// Its own approval, or else its case study's.
    pub approval: Approval,
    pub review: Option<Review>,
}

/// The case-study part of a page.
#[derive(Debug, Clone)]
pub struct CaseStudy {
    pub customer: String,
    pub metrics: Vec<Metric>,
    pub quotes: Vec<Quote>,
    pub featured: bool,
    /// Whether the customer approved publication.
    pub approval: Approval,
}

/// A page's front matter, resolved and validated; its URL is final.
#[derive(Debug, Clone)]
pub struct PageMeta {
    pub kind: Kind,
    /// Index into `SiteConfig::languages` (0: the default language).
    pub lang: usize,
    /// The page in every language: the content path without a language part
    /// (`articles/tco-guide.md` for `articles/tco-guide.zh.md` too).
    pub key: String,
    /// Relative to the site root: `content/articles/x.md`.
    pub path: PathBuf,
    /// Relative to `content/`: `articles/x.md`.
    pub content_path: String,
    pub title: String,
    /// As written; empty when the front matter has none.
    pub summary: String,
    pub date: Option<jiff::Timestamp>,
    pub updated: Option<jiff::Timestamp>,
    /// Index into `SiteConfig::stages` (always set for articles and case studies).
    pub stage: Option<usize>,
    /// Indices into `SiteConfig::roles`, in the order written, deduplicated.
    pub roles: Vec<usize>,
    /// Indices into `Site::industries`.
    pub industries: Vec<usize>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub slug: String,
    /// Path part of the URL, from the site root, ending in `/` (`/articles/x/`).
    pub url: String,
    pub author: Option<String>,
    pub extra: serde_json::Value,
    pub case: Option<CaseStudy>,
    /// Old URLs of the page (`/blog/old-url/`, `/old.html`), each with where it is written.
    pub aliases: Vec<(String, usize)>,
    /// The page's image (its social preview), when it names one.
    pub image: Option<PageImage>,
    /// Whether the page is published in this build (not a draft, not scheduled).
    pub published: bool,
    /// Hash of the file's text (0 when the build keeps no cache).
    pub source_hash: u64,
}

/// A page's image: a file of the site, by its site path, or an absolute URL; with its
/// description.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageImage {
    /// `/articles/x/hero.png` (a file beside the page or in static/), or `https://…`.
    pub url: String,
    /// The file's content path (`articles/x/hero.png`) or static path (`img/x.png`);
    /// empty for an absolute URL.
    pub file: String,
    pub alt: String,
    /// Where `image` is written in the page's file.
    pub at: usize,
    /// A translation's image taken from its original (`at` is in the original's file,
    /// whose checks report it).
    pub inherited: bool,
}

/// A published page, rendered.
#[derive(Debug, Clone)]
pub struct Page {
    /// Shared with a serve session's cache.
    pub meta: Arc<PageMeta>,
    /// The rendered body (HTML, table of contents, claims).
    pub body: Body,
    pub word_count: usize,
    /// `summary` from the front matter, or the start of the body when it has none.
    summary: String,
}

impl Page {
    pub fn new(meta: Arc<PageMeta>, body: Arc<markdown::Rendered>) -> Page {
        let summary = if meta.summary.is_empty() {
            body.summary.clone()
        } else {
            meta.summary.clone()
        };
        Page {
            meta,
            word_count: body.word_count,
            body: Body(Mutex::new((Some(body), 0))),
            summary,
        }
    }

    /// `summary` from the front matter, or the start of the body when it has none.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// Minutes to read the body, at 230 words a minute, at least 1.
    pub fn reading_minutes(&self) -> usize {
        self.word_count.div_ceil(230).max(1)
    }
}

/// A page's rendered body, shared with a serve session's cache. A build takes each
/// body out once its page's outputs are written, so that its memory serves the pages
/// after it. Beside the body: how many outputs have taken their share of it.
#[derive(Debug)]
pub struct Body(Mutex<(Option<Arc<markdown::Rendered>>, usize)>);

impl Body {
    /// The body. Panics once [`Body::take`] has taken it: only the page's own
    /// outputs, rendered last, take it.
    pub fn get(&self) -> Arc<markdown::Rendered> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clone()
            .expect("a page's body is taken only by its own output")
    }

    /// Whether the body is `other` itself (not a copy), without taking a share of it.
    pub fn is(&self, other: &Arc<markdown::Rendered>) -> bool {
        let body = self.0.lock().unwrap_or_else(|e| e.into_inner());
        body.0.as_ref().is_some_and(|b| Arc::ptr_eq(b, other))
    }

    /// Take the body out, leaving nothing (the body's memory goes when its last user drops it).
    pub fn take(&self) -> Arc<markdown::Rendered> {
        self.share(1)
    }

    /// The body for one of the `outputs` outputs made of it: the last of them to ask
    /// takes it out (in whatever order they ask).
    pub fn share(&self, outputs: usize) -> Arc<markdown::Rendered> {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        slot.1 += 1;
        let body = if slot.1 >= outputs {
            slot.0.take()
        } else {
            slot.0.clone()
        };
        body.expect("a page's body is taken once")
    }
}

impl Clone for Body {
    fn clone(&self) -> Self {
        let body = self.0.lock().unwrap_or_else(|e| e.into_inner());
        Body(Mutex::new((body.0.clone(), 0)))
    }
}

/// The whole site, validated. Indices refer to `pages`.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// Every URL of the site is made by this.
    pub urls: Urls,
    /// Declared industries, or those found in content when none are declared (sorted by name).
    pub industries: Vec<Industry>,
    /// Published pages: articles and case studies newest first, then other pages by path.
    pub pages: Vec<Page>,
    /// Articles and case studies, newest first.
    pub articles: Vec<usize>,
    pub case_studies: Vec<usize>,
    /// `[role][stage]` → pages on that role's path at that stage (weight, then newest).
    pub role_paths: Vec<Vec<Vec<usize>>>,
    /// `[stage]` → pages, newest first.
    pub by_stage: Vec<Vec<usize>>,
    /// `[industry]` → pages, newest first.
    pub by_industry: Vec<Vec<usize>>,
    /// `(case-study page, metric index)` → pages citing it, in page order.
    pub citations: BTreeMap<(usize, usize), Vec<usize>>,
    /// `[page][k]`: the page after it on the path of its k-th role (`meta.roles[k]`).
    pub next: Vec<Vec<Option<usize>>>,
    pub assets: Vec<Asset>,
    /// Files of `static/`, published at the same paths.
    pub statics: Vec<Asset>,
    /// The build's "now" (`--as-of`): evidence is reviewed and approved as of this day.
    pub now: jiff::Timestamp,
    /// Case studies held back because they wait for the customer's approval.
    pub withheld: Vec<Arc<PageMeta>>,
    /// A `--drafts` preview: pending quotes are shown too, marked.
    pub drafts: bool,
    /// `[page]`: up to three pages to read next, each with its reason.
    pub read_next: Vec<Vec<read_next::Recommendation>>,
    /// The files of `data/`: `data` in templates.
    pub data: Data,
    /// The language of this site: `config` is in it (`config.lang`), `urls` under its folder.
    pub lang: usize,
    /// `pages[..own]` are in this site's language; the pages after them are the default
    /// language's, shown on role paths at stages that have nothing in this language.
    pub own: usize,
    /// What this language says: interface strings and the phrasing of claims.
    pub words: Arc<crate::lang::Words>,
    /// Every published page in every language, for `hreflang` and the language switcher.
    pub alternates: Arc<Alternates>,
    /// The site in each of the other languages (on the default language's site only).
    pub translations: Vec<Site>,
    /// The site's raster images, and the variants to make of them.
    pub images: Arc<crate::images::Table>,
    /// Every image of the site a page shows (in any language: the default language's
    /// site holds them), where it is shown; the variants made are theirs.
    pub shown: Vec<crate::images::Shown>,
}

/// Which pages are one page in several languages, and each language's home.
#[derive(Debug, Default)]
pub struct Alternates {
    /// Page key → (language, site path) of each published version, by language.
    pub pages: HashMap<String, Vec<(usize, String)>>,
    /// Each language's code, name and home page (site path), in `SiteConfig::languages` order.
    pub languages: Vec<(String, String, String)>,
}

impl Alternates {
    /// The versions of the page `key` in every language (empty for a site in one language).
    pub fn of(&self, key: &str) -> &[(usize, String)] {
        self.pages.get(key).map_or(&[], Vec::as_slice)
    }
}

impl Site {
    /// This site and its translations, the default language first.
    pub fn all(&self) -> impl Iterator<Item = &Site> {
        std::iter::once(self).chain(&self.translations)
    }

    /// Whether page `i` is in this site's language (not a default-language page shown on
    /// a role path).
    pub fn is_own(&self, i: usize) -> bool {
        i < self.own
    }

    /// For a page on role `role`'s path, the page after it (across stages, in journey order).
    pub fn next_for(&self, page: usize, role: usize) -> Option<usize> {
        let k = self.pages[page]
            .meta
            .roles
            .iter()
            .position(|&r| r == role)?;
        self.next[page][k]
    }
}

/// Build options that change what is published.
#[derive(Debug, Clone)]
pub struct Options {
    /// Publish drafts and future-dated pages.
    pub drafts: bool,
    /// "Now", for future dates.
    pub now: jiff::Timestamp,
    /// What each of the site's languages says (`SiteConfig::languages` order).
    pub words: Arc<Vec<crate::lang::Words>>,
}

/// The outcome of building the model: the site, if there were no errors, and every diagnostic.
pub struct Outcome {
    pub site: Option<Site>,
    pub diagnostics: Vec<Diagnostic>,
    /// With the cache enabled and a site built: what [`patch`] needs for the next edit.
    pub patcher: Option<Patcher>,
}

impl Outcome {
    /// No site: the diagnostics hold at least one error.
    fn failed(diagnostics: Vec<Diagnostic>) -> Outcome {
        Outcome {
            site: None,
            diagnostics,
            patcher: None,
        }
    }

    /// A site, with its warnings.
    fn built(site: Site, diagnostics: Vec<Diagnostic>, patcher: Option<Patcher>) -> Outcome {
        Outcome {
            site: Some(site),
            diagnostics,
            patcher,
        }
    }
}

/// What links resolve against besides the pages: the site, the URLs of the default
/// language, the assets, the generated URLs a link may lead to and the pages that failed.
type LinkInputs<'a> = (
    &'a SiteConfig,
    &'a Urls,
    &'a [Asset],
    (&'a HashSet<String>, &'a HashSet<String>),
);

/// A hash map with a fast hasher, for the maps a rebuild walks for every page.
type FastMap<K, V> = HashMap<K, V, ahash::RandomState>;

/// Validate every file and build the site, phase by phase, with the files of `data/`
/// (read beforehand: templates get them, case studies take metrics from them). `templates` renders
/// shortcodes other than `claim`; `cache` carries what a serve session reuses.
pub fn build(
    config: SiteConfig,
    scan: Scan,
    data: Data,
    options: &Options,
    templates: &dyn Shortcodes,
    cache: &mut Cache,
) -> Outcome {
    let Scan {
        pages: files,
        assets,
        statics,
        mut diagnostics,
    } = scan;
    let urls: Vec<Urls> = (0..config.languages.len())
        .map(|l| Urls::in_language(&config, l))
        .collect();
    let (files, translations) = languages::sort_files(&config, files, &mut diagnostics);
    let parsed = parse::front_matter(files, &translations, cache, &mut diagnostics);
    let (industries, metas) = meta::page_metas(
        &config,
        &urls,
        &data,
        parsed.files,
        options,
        cache,
        &mut diagnostics,
    );
    let generated = links::url_index(&config, &urls, &industries, &metas, &mut diagnostics);
    let linkable = links::linkable(&config, &urls, &metas, &generated);
    let case_paths = parsed.case_files.values().map(|c| c.path.as_path());
    let failed = links::failed_pages(&diagnostics, &metas, case_paths);
    aliases::check(&metas, &generated, (&statics, &assets), &mut diagnostics);
    images::check(&metas, (&statics, &assets), &mut diagnostics);
    images::check_social(&config, (&statics, &assets), &mut diagnostics);
    let pictures = images::table(&config, (&statics, &assets), cache);
    let mut shown = images::heroes(&metas, &pictures, &mut diagnostics);

    let (metas, mut files) = bodies::set_texts_apart(metas);
    let (links, index) = link_index(
        cache,
        (&config, &urls[0], &assets, (&linkable, &failed)),
        &pictures,
        &metas,
    );
    let cases = CaseIndex::new(&metas, parsed.case_files);
    let shortcodes = SiteShortcodes::new(&cases, templates, &urls[0], &options.words);
    let inputs = bodies::Inputs {
        config: &config,
        links: &index,
        shortcodes: &shortcodes,
        links_fingerprint: links,
    };
    let rendered = bodies::render_bodies(&inputs, &metas, &mut files, cache);
    links::check_anchors(&config, &metas, &files, &rendered, &mut diagnostics);
    diagnostics.extend(links::collisions(&statics, &assets, &metas, &generated));
    shown.extend(rendered.iter().flat_map(|(_, r)| r.images.iter().cloned()));
    images::check_variants(&pictures, &shown, (&statics, &assets), &mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Outcome::failed(diagnostics);
    }

    let next_change = cache::next_change(&metas, options.now);
    let withheld = evidence::withheld(&metas, options.now);
    drop(files);
    let pages = indices::pages_in_order(metas, rendered);
    diagnostics.extend(evidence::overdue(&pages, options.now));
    let patcher = cache::patcher(cache, index, cases, next_change);
    let parts = Parts {
        config,
        urls,
        industries,
        assets,
        statics,
        data,
        withheld,
        pictures: (pictures, shown),
    };
    Outcome::built(parts.sites(pages, options, cache), diagnostics, patcher)
}

/// What a [`Site`] holds besides its pages and the indices over them.
struct Parts {
    config: SiteConfig,
    urls: Vec<Urls>,
    industries: Vec<Industry>,
    assets: Vec<Asset>,
    statics: Vec<Asset>,
    data: Data,
    withheld: Vec<Arc<PageMeta>>,
    pictures: (Arc<crate::images::Table>, Vec<crate::images::Shown>),
}

impl Parts {
    /// The site in its default language, holding the site in each other language: the
    /// published `pages` (in site order) split by language.
    fn sites(self, pages: Vec<Page>, options: &Options, cache: &mut Cache) -> Site {
        let languages = self.config.languages.len();
        if languages == 1 {
            return self.site(0, pages, options, cache);
        }
        let alternates = Arc::new(alternates(&self.config, &self.urls, &pages));
        let mut by_lang: Vec<Vec<Page>> = (0..languages).map(|_| Vec::new()).collect();
        for p in pages {
            by_lang[p.meta.lang].push(p);
        }
        let mut by_lang = by_lang.into_iter();
        let default_pages = by_lang.next().unwrap_or_default();
        let others: Vec<(usize, Vec<Page>)> = (1..languages).zip(by_lang).collect();
        let mut site = Parts {
            config: self.config.clone(),
            urls: self.urls.clone(),
            industries: self.industries.clone(),
            assets: self.assets,
            statics: self.statics,
            data: self.data.clone(),
            withheld: self.withheld,
            pictures: self.pictures.clone(),
        }
        .site(0, default_pages, options, cache);
        site.alternates = alternates.clone();
        for (lang, pages) in others {
            let parts = Parts {
                config: self.config.clone(),
                urls: self.urls.clone(),
                industries: self.industries.clone(),
                // Written once, by the default language; known to every language's pages.
                assets: site.assets.clone(),
                statics: Vec::new(),
                data: self.data.clone(),
                withheld: Vec::new(),
                // Made once, by the default language; shown by every language's pages.
                pictures: (self.pictures.0.clone(), Vec::new()),
            };
            let mut translated = parts.site(lang, pages, options, &mut Cache::new(false));
            translated.alternates = alternates.clone();
            indices::fall_back(&mut translated, &site);
            site.translations.push(translated);
        }
        site
    }

    /// Phases 6 to 9 for the language `lang`: the indices over its published `pages`,
    /// citations and what to read next; the site.
    fn site(self, lang: usize, pages: Vec<Page>, options: &Options, cache: &mut Cache) -> Site {
        let config = self.config.in_language(lang);
        // Independent passes over every page: one on each core.
        let (indices, citations) = rayon::join(
            || indices::indices(&config, self.industries.len(), &pages),
            || citations::citations(&pages),
        );
        let industries = self
            .industries
            .iter()
            .map(|i| match config.languages[lang].industries.get(&i.id) {
                Some(t) => Industry {
                    name: t.name.clone().unwrap_or_else(|| i.name.clone()),
                    description: t
                        .description
                        .clone()
                        .unwrap_or_else(|| i.description.clone()),
                    id: i.id.clone(),
                },
                None => i.clone(),
            })
            .collect();
        let own = pages.len();
        let urls = self.urls.into_iter().nth(lang).unwrap_or_default();
        let mut site = Site {
            config,
            urls,
            industries,
            pages,
            articles: indices.articles,
            case_studies: indices.case_studies,
            role_paths: indices.role_paths,
            by_stage: indices.by_stage,
            by_industry: indices.by_industry,
            citations,
            next: indices.next,
            assets: self.assets,
            statics: self.statics,
            now: options.now,
            withheld: self.withheld,
            drafts: options.drafts,
            read_next: Vec::new(),
            data: self.data,
            lang,
            own,
            words: Arc::new(options.words[lang].clone()),
            alternates: Arc::new(Alternates::default()),
            translations: Vec::new(),
            images: self.pictures.0,
            shown: self.pictures.1,
        };
        site.read_next = read_next::read_next_cached(&site, cache);
        site
    }
}

/// Every published page's versions by key, and each language's home.
fn alternates(config: &SiteConfig, urls: &[Urls], pages: &[Page]) -> Alternates {
    let mut by_key: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    for p in pages {
        let entry = by_key.entry(p.meta.key.clone()).or_default();
        entry.push((p.meta.lang, p.meta.url.clone()));
    }
    for versions in by_key.values_mut() {
        versions.sort();
    }
    Alternates {
        pages: by_key,
        languages: config
            .languages
            .iter()
            .zip(urls)
            .map(|(l, u)| (l.code.clone(), l.name.clone(), u.home()))
            .collect(),
    }
}

/// Takes the cache, what links resolve against besides pages (the config, URLs,
/// assets and generated URLs) and every page's metadata; gives the fingerprint of all
/// of it (0 without a cache) and the link index: the last build's while the fingerprint
/// is the same, else made anew (and kept, with a cache).
fn link_index(
    cache: &mut Cache,
    (config, urls, assets, (generated, failed)): LinkInputs,
    pictures: &Arc<crate::images::Table>,
    metas: &[bodies::MetaAt],
) -> (u64, Arc<LinkIndex>) {
    let new = || {
        let mut index = LinkIndex::new(urls, metas, assets, (generated, failed));
        if config.images.enabled {
            index.images = Some(pictures.clone());
        }
        Arc::new(index)
    };
    if !cache.enabled {
        return (0, new());
    }
    let failed = failed.iter().map(cache::hash_of).fold(0, u64::wrapping_add);
    let links = bodies::links_fingerprint(config, urls, assets, generated, metas)
        ^ pictures.fingerprint()
        ^ failed;
    if let Some((_, index)) = cache.links.as_ref().filter(|(fp, _)| *fp == links) {
        return (links, index.clone());
    }
    let index = new();
    cache.links = Some((links, index.clone()));
    (links, index)
}

/// What kind of document a file is, by its folder.
fn kind_of(content_path: &str) -> Kind {
    if content_path.starts_with("articles/") {
        Kind::Article
    } else if content_path.starts_with("case-studies/") {
        Kind::CaseStudy
    } else {
        Kind::Page
    }
}

/// The slug source of a file: its stem, or its folder's name for `index.md`/`_index.md`.
fn stem_of(content_path: &str) -> &str {
    let mut parts = content_path.rsplit('/');
    let file = parts.next().unwrap_or("");
    let stem = file.strip_suffix(".md").unwrap_or(file);
    if stem == "index" || stem == "_index" {
        parts.next().unwrap_or("")
    } else {
        stem
    }
}
