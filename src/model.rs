//! Raw documents → a typed, validated, immutable [`Site`]: pages with
//! resolved stage/role/industry indices, case studies and their metrics,
//! claims and where they are cited, role paths, and the URL index. Two
//! phases, as in ripgrep's args: [`PageMeta`] (front matter resolved, URL
//! known) for every file, then [`Page`] (body rendered) once all URLs are
//! known. No templates, no disk writes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::claims::{self, Better, Figures, Form};
use crate::config::{Industry, SiteConfig};
use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, Locator, did_you_mean, display_path};
use crate::frontmatter::{self, FmDate, Quote, RawFrontMatter};
use crate::markdown::{
    self, ArgValue, Input, LinkProblem, Links, ShortcodeCall, ShortcodeError, Shortcodes,
};
use crate::source::{Asset, Scan, SourceFile, split_front_matter};
use crate::urls::{self, Urls};

/// What kind of document a file is, by its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
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
    pub unit: String,
    pub before: f64,
    pub after: f64,
    pub better: Better,
    pub period: Option<String>,
    pub source: String,
}

/// Every field, figures by their bits: what fingerprints of claims and cards see.
impl Hash for Metric {
    fn hash<H: Hasher>(&self, h: &mut H) {
        (
            &self.id,
            &self.label,
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

/// The case-study part of a page.
#[derive(Debug, Clone)]
pub struct CaseStudy {
    pub customer: String,
    pub metrics: Vec<Metric>,
    pub quotes: Vec<Quote>,
    pub featured: bool,
}

/// A page's front matter, resolved and validated; its URL is final.
#[derive(Debug, Clone)]
pub struct PageMeta {
    pub kind: Kind,
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
    /// Whether the page is published in this build (not a draft, not scheduled).
    pub published: bool,
    /// Hash of the file's text (0 when the build keeps no cache).
    pub source_hash: u64,
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
            body: Body(Mutex::new(Some(body))),
            summary,
        }
    }

    /// `summary` from the front matter, or the start of the body when it has none.
    pub fn summary(&self) -> &str {
        &self.summary
    }
}

/// A page's rendered body, shared with a serve session's cache. A build takes each
/// body out once its page is written, so that its memory serves the pages after it.
#[derive(Debug)]
pub struct Body(Mutex<Option<Arc<markdown::Rendered>>>);

impl Body {
    /// The body. Panics once [`Body::take`] has taken it: only the page's own
    /// output, rendered last, takes it.
    pub fn get(&self) -> Arc<markdown::Rendered> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .expect("a page's body is taken only by its own output")
    }

    /// Take the body out, leaving nothing (the body's memory goes when its last user drops it).
    pub fn take(&self) -> Arc<markdown::Rendered> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .expect("a page's body is taken once")
    }
}

impl Clone for Body {
    fn clone(&self) -> Self {
        Body(Mutex::new(
            self.0.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        ))
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
}

impl Site {
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
}

/// The outcome of building the model: the site, if there were no errors, and every diagnostic.
pub struct Outcome {
    pub site: Option<Site>,
    pub diagnostics: Vec<Diagnostic>,
    /// With the cache enabled and a site built: what [`patch`] needs for the next edit.
    pub patcher: Option<Patcher>,
}

/// What a serve session keeps from a successful build to re-render one edited body
/// without building the whole model again: what links and claims resolve against.
pub struct Patcher {
    links: LinkIndex,
    cases: CaseIndex,
    /// Content path → index in `Site::pages`.
    pages: FastMap<String, usize>,
    /// The earliest date of a page held back for being in the future: from then on, the
    /// site has another page and only a full build is right.
    next_publish: Option<jiff::Timestamp>,
}

/// Re-render page `new`'s body in `site` when the edit touched nothing but its body: the
/// text before the body is byte for byte what it was (so the metadata is the same), and
/// the new body has no diagnostics, the same heading ids and the same claims. Returns the
/// page's index and the page to put there, or `None` when only a full build is right.
/// The caller checks that the page's card did not change.
pub fn patch(
    site: &Site,
    patcher: &Patcher,
    old: &SourceFile,
    new: &SourceFile,
    templates: &dyn Shortcodes,
    options: &Options,
) -> Option<(usize, Page)> {
    if patcher.next_publish.is_some_and(|t| options.now >= t) {
        return None;
    }
    let i = *patcher.pages.get(&new.content_path)?;
    let page = &site.pages[i];
    let page_body = page.body.get();
    if !page_body.diagnostics.is_empty() || !page_body.anchor_refs.is_empty() {
        return None;
    }
    let old_split = split_front_matter(&old.text).ok()?;
    let new_split = split_front_matter(&new.text).ok()?;
    if old.text[..old_split.body_offset] != new.text[..new_split.body_offset] {
        return None;
    }
    let shortcodes = SiteShortcodes {
        cases: &patcher.cases,
        templates,
        urls: &site.urls,
    };
    let mut meta = (*page.meta).clone();
    meta.source_hash = hash_of(&*new.text);
    let body = render_body(
        &meta,
        new,
        new_split.body_offset,
        &site.config,
        &patcher.links,
        &shortcodes,
        true,
    );
    let claims = |r: &markdown::Rendered| -> Vec<(Option<String>, Option<String>)> {
        let mut v: Vec<_> = r
            .shortcodes
            .iter()
            .filter(|c| c.name == "claim")
            .map(|c| {
                (
                    c.str_arg("case").map(str::to_string),
                    c.str_arg("metric").map(str::to_string),
                )
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let same = body.diagnostics.is_empty()
        && body.anchor_refs.is_empty()
        && body.anchors == page_body.anchors
        && claims(&body) == claims(&page_body);
    same.then(|| (i, Page::new(Arc::new(meta), Arc::new(body))))
}

/// What a serve session keeps between builds so that an edit re-parses and
/// re-renders only what it touched. A disabled cache (plain `build`) costs nothing.
#[derive(Default)]
pub struct Cache {
    enabled: bool,
    /// content path → the text last parsed (kept alive, compared by pointer), its hash, the parse.
    raw: FastMap<String, (Arc<str>, u64, Arc<RawResult>)>,
    /// content path → (text hash, industries fingerprint, resolved metadata).
    metas: FastMap<String, (u64, u64, Arc<PageMeta>)>,
    /// content path → the inputs the body was rendered with, and the result.
    bodies: FastMap<String, (BodyKey, Arc<markdown::Rendered>)>,
}

/// What a rendered body depends on.
#[derive(Clone, Copy, PartialEq, Eq)]
struct BodyKey {
    source: u64,
    /// Every page's URL and status, every asset: what links resolve against.
    links: u64,
    /// Case-study metrics, when the body has shortcodes (claims); 0 otherwise.
    cases: u64,
}

type RawResult = Result<(RawFrontMatter, usize, usize), Vec<Diagnostic>>;

/// A hash map with a fast hasher, for the maps a rebuild walks for every page.
type FastMap<K, V> = HashMap<K, V, ahash::RandomState>;

/// A file after phase 1: (from the cache?, the file, body offset, metadata or errors).
type Resolved = (
    bool,
    Arc<SourceFile>,
    usize,
    Result<Arc<PageMeta>, Vec<Diagnostic>>,
);

impl Cache {
    /// A cache that remembers (for serve), or not (for build).
    pub fn new(enabled: bool) -> Cache {
        Cache {
            enabled,
            ..Cache::default()
        }
    }

    /// Whether this cache remembers between builds.
    pub fn enabled(&self) -> bool {
        self.enabled
    }
}

/// A stable hash of anything hashable.
pub fn hash_of(value: &(impl Hash + ?Sized)) -> u64 {
    let mut h = fingerprint_hasher();
    value.hash(&mut h);
    h.finish()
}

/// A fast, well-mixing hasher with fixed keys, for fingerprints within one process.
pub fn fingerprint_hasher() -> ahash::AHasher {
    ahash::RandomState::with_seeds(0x6361_6972, 0x6e5f_6670, 0x2023_1122, 0x7365_7373)
        .build_hasher()
}

/// Validate every file and build the site. `templates` renders shortcodes other than `claim`.
pub fn build(
    config: SiteConfig,
    scan: Scan,
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
    let urls = Urls::new(&config);

    // Phase 1: front matter of every file (in parallel), reusing unchanged parses.
    let enabled = cache.enabled;
    let raw_cache = &cache.raw;
    let raws: Vec<(Arc<SourceFile>, u64, bool, Arc<RawResult>)> = files
        .into_par_iter()
        .map(|file| {
            let cached = raw_cache.get(&file.content_path).filter(|_| enabled);
            // The same shared text as last time: unchanged, without hashing it again.
            if let Some((_, hash, r)) = cached.filter(|(t, _, _)| Arc::ptr_eq(t, &file.text)) {
                return (file, *hash, true, r.clone());
            }
            let hash = if enabled { hash_of(&*file.text) } else { 0 };
            if let Some((_, _, r)) = cached.filter(|(_, h, _)| *h == hash) {
                return (file, hash, false, r.clone());
            }
            let parse = || -> RawResult {
                let split = split_front_matter(&file.text).map_err(|e| {
                    vec![
                        Diagnostic::error(Code::FrontMatter, file.path.clone(), e.message)
                            .at(&file.text, e.offset)
                            .with_hint(e.hint),
                    ]
                })?;
                let fm = frontmatter::parse(&split, &file.text, &file.path)?;
                Ok((fm, split.front_offset, split.body_offset))
            };
            let parsed = Arc::new(parse());
            (file, hash, false, parsed)
        })
        .collect();

    if enabled {
        let seen: HashSet<&str> = raws
            .iter()
            .map(|(f, _, _, _)| f.content_path.as_str())
            .collect();
        cache.raw.retain(|k, _| seen.contains(k.as_str()));
        cache.metas.retain(|k, _| seen.contains(k.as_str()));
        cache.bodies.retain(|k, _| seen.contains(k.as_str()));
        for (file, hash, hit, r) in &raws {
            if !hit {
                cache.raw.insert(
                    file.content_path.clone(),
                    (file.text.clone(), *hash, r.clone()),
                );
            }
        }
    }
    // Case studies by the slug of their file name: a claim citing one that has errors says so.
    let case_files: HashMap<String, PathBuf> = raws
        .iter()
        .filter(|(f, _, _, _)| kind_of(&f.content_path) == Kind::CaseStudy)
        .map(|(f, _, _, _)| (slug::slugify(stem_of(&f.content_path)), f.path.clone()))
        .collect();
    let mut parsed: Vec<(Arc<SourceFile>, u64, Arc<RawResult>)> = Vec::with_capacity(raws.len());
    for (file, hash, _, r) in raws {
        match &*r {
            Ok(_) => parsed.push((file, hash, r)),
            Err(ds) => diagnostics.extend(ds.iter().cloned()),
        }
    }

    let industries = resolve_industries(
        &config,
        parsed
            .iter()
            .filter_map(|(_, _, r)| r.as_ref().as_ref().ok().map(|(fm, _, _)| fm)),
    );
    let industry_index: HashMap<&str, usize> = industries
        .iter()
        .enumerate()
        .map(|(i, ind)| (ind.id.as_str(), i))
        .collect();

    let mut metas: Vec<(Arc<PageMeta>, Arc<SourceFile>, usize)> = Vec::with_capacity(parsed.len());
    let industries_fp = if enabled {
        hash_of(
            &industries
                .iter()
                .map(|i| (&i.id, &i.name))
                .collect::<Vec<_>>(),
        )
    } else {
        0
    };
    let meta_cache = &cache.metas;
    let terms = Terms {
        config: &config,
        urls: &urls,
        industries: &industries,
        industry_index: &industry_index,
    };
    let resolved: Vec<Resolved> = parsed
        .into_par_iter()
        .map(|(file, hash, raw)| {
            let Ok((fm, front_offset, body_offset)) = &*raw else {
                unreachable!("errors were set aside")
            };
            if let Some((_, _, meta)) = meta_cache
                .get(&file.content_path)
                .filter(|(h, i, _)| enabled && *h == hash && *i == industries_fp)
            {
                let mut meta = meta.clone();
                let published = is_published(meta.draft, meta.date, options);
                if meta.published != published {
                    Arc::make_mut(&mut meta).published = published;
                }
                return (true, file, *body_offset, Ok(meta));
            }
            let meta =
                resolve_meta(&terms, &file, fm.clone(), *front_offset, options).map(|mut m| {
                    m.source_hash = hash;
                    Arc::new(m)
                });
            (false, file, *body_offset, meta)
        })
        .collect();
    for (hit, file, body_offset, meta) in resolved {
        match meta {
            Ok(meta) => {
                if enabled && !hit {
                    cache.metas.insert(
                        meta.content_path.clone(),
                        (meta.source_hash, industries_fp, meta.clone()),
                    );
                }
                metas.push((meta, file, body_offset))
            }
            Err(mut ds) => diagnostics.append(&mut ds),
        }
    }

    // URL index: duplicates and generated URLs are errors naming both files.
    let generated = urls.generated(&config, industries.iter().map(|i| i.id.as_str()));
    let mut by_url: FastMap<&str, &PageMeta> =
        FastMap::with_capacity_and_hasher(metas.len(), Default::default());
    for (meta, file, _) in &metas {
        if !meta.published {
            continue;
        }
        if generated.contains(&meta.url) {
            diagnostics.push(
                Diagnostic::error(
                    Code::UrlTaken,
                    meta.path.clone(),
                    format!("URL {} is generated by cairn", meta.url),
                )
                .at(&file.text, 0)
                .with_hint("rename the file or set another `slug`"),
            );
        } else if let Some(other) = by_url.insert(&meta.url, meta) {
            diagnostics.push(
                Diagnostic::error(
                    Code::UrlDuplicate,
                    meta.path.clone(),
                    format!(
                        "{} and {} both produce {}",
                        display_path(&other.path),
                        display_path(&meta.path),
                        meta.url
                    ),
                )
                .at(&file.text, 0)
                .with_hint("give one of them another file name or `slug`"),
            );
        }
    }

    // Phase 2: bodies, now that every URL is known. Texts are set apart: a build
    // frees each once its body is rendered, so that the bodies reuse their memory.
    let (metas, mut files): (Vec<(Arc<PageMeta>, usize)>, Vec<Option<_>>) = metas
        .into_iter()
        .map(|(meta, file, body_offset)| ((meta, body_offset), Some(file)))
        .unzip();
    let index = LinkIndex::new(&urls, &metas, &assets, &generated);
    let cases = CaseIndex {
        cases: metas
            .iter()
            .filter(|(m, _)| m.kind == Kind::CaseStudy)
            .map(|(m, _)| (case_key(m).to_string(), m.clone()))
            .collect(),
        files: case_files,
    };
    let shortcodes = SiteShortcodes {
        cases: &cases,
        templates,
        urls: &urls,
    };

    // A body's rendering depends on its text, every page's URL (links), and case-study metrics (claims).
    let (links_fp, cases_fp) = if enabled {
        // Order-independent (a sum of per-page hashes): no sort of every path on each rebuild.
        let links: u64 = metas
            .par_iter()
            .map(|(m, _)| hash_of(&(m.content_path.as_str(), m.url.as_str(), m.published)))
            .reduce(|| 0, u64::wrapping_add);
        let mut assets_list: Vec<&str> = assets.iter().map(|a| a.content_path.as_str()).collect();
        assets_list.sort_unstable();
        let mut cases_list: Vec<u64> = metas
            .iter()
            .filter(|(m, _)| m.kind == Kind::CaseStudy)
            .map(|(m, _)| case_fingerprint(m))
            .collect();
        cases_list.sort_unstable();
        (
            hash_of(&(links, assets_list, urls.base_path(), config.safe_html)),
            hash_of(&cases_list),
        )
    } else {
        (0, 0)
    };
    let body_cache = &cache.bodies;
    let rendered: Vec<(usize, Option<BodyKey>, Arc<markdown::Rendered>)> = metas
        .par_iter()
        .zip(files.par_iter_mut())
        .enumerate()
        .filter(|(_, ((m, _), _))| m.published)
        .map(|(i, ((meta, body_offset), slot))| {
            let file = slot
                .as_ref()
                .expect("each text is kept until its body is rendered");
            let body = &file.text[*body_offset..];
            if let Some((key, r)) = body_cache.get(&meta.content_path).filter(|_| enabled) {
                let still = key.source == meta.source_hash
                    && key.links == links_fp
                    && (key.cases == 0 || key.cases == cases_fp);
                if still {
                    return (i, None, r.clone());
                }
            }
            let r = render_body(
                meta,
                file,
                *body_offset,
                &config,
                &index,
                &shortcodes,
                enabled,
            );
            let key = enabled.then(|| BodyKey {
                source: meta.source_hash,
                links: links_fp,
                cases: if r.shortcodes.is_empty() && !body.contains("{{") {
                    0
                } else {
                    cases_fp
                },
            });
            // Diagnostics point into the text; nothing else needs it any more.
            if !enabled && r.diagnostics.is_empty() && r.anchor_refs.is_empty() {
                *slot = None;
            }
            (i, key, Arc::new(r))
        })
        .collect();
    for (i, key, r) in &rendered {
        if let Some(key) = key {
            cache
                .bodies
                .insert(metas[*i].0.content_path.clone(), (*key, r.clone()));
        }
    }
    let rendered: Vec<(usize, Arc<markdown::Rendered>)> =
        rendered.into_iter().map(|(i, _, r)| (i, r)).collect();

    // Anchors of every page, for `page.md#anchor` links.
    let mut anchors_of: FastMap<&str, (&[String], Option<&CaseStudy>)> =
        FastMap::with_capacity_and_hasher(rendered.len(), Default::default());
    for (i, r) in &rendered {
        let meta = &metas[*i].0;
        anchors_of.insert(&meta.content_path, (&r.anchors, meta.case.as_ref()));
    }
    // Heading ids as sets, made once per page that links point into.
    let mut anchor_sets: FastMap<&str, HashSet<&str>> = FastMap::default();
    // Only pages with diagnostics or links to other pages' anchors need a look.
    for (i, r) in rendered
        .iter()
        .filter(|(_, r)| !r.diagnostics.is_empty() || !r.anchor_refs.is_empty())
    {
        let (meta, body_offset) = &metas[*i];
        let file = files[*i]
            .as_ref()
            .expect("a text is kept for its body's diagnostics");
        diagnostics.extend(r.diagnostics.iter().cloned());
        let input = Input {
            path: &meta.path,
            file_text: &file.text,
            body_offset: *body_offset,
            content_path: &meta.content_path,
            safe_html: config.safe_html,
        };
        let loc = Locator::new(&file.text);
        // One hint per missing target and anchor: the same broken link many times costs one search.
        let mut missing: HashMap<(&str, &str), Diagnostic> = HashMap::new();
        for a in &r.anchor_refs {
            let (headings, case) = anchors_of
                .get(a.target.as_str())
                .copied()
                .unwrap_or((&[], None));
            let is_metric = |anchor: &str| {
                case.is_some_and(|c| {
                    c.metrics
                        .iter()
                        .any(|m| urls::metric_of_anchor(anchor) == Some(m.id.as_str()))
                })
            };
            let known_ids = anchor_sets
                .entry(a.target.as_str())
                .or_insert_with(|| headings.iter().map(String::as_str).collect());
            if !known_ids.contains(a.anchor.as_str()) && !is_metric(&a.anchor) {
                if let Some(d) = missing.get(&(a.target.as_str(), a.anchor.as_str())) {
                    diagnostics.push(d.clone().located(&loc, a.offset));
                    continue;
                }
                let mut known: Vec<String> = headings.to_vec();
                if let Some(c) = case {
                    known.extend(c.metrics.iter().map(|m| urls::metric_anchor(&m.id)));
                }
                let d = markdown::missing_anchor(
                    &input,
                    &loc,
                    a.offset,
                    &a.anchor,
                    &format!("content/{}", a.target),
                    &known,
                );
                missing.insert((a.target.as_str(), a.anchor.as_str()), d.clone());
                diagnostics.push(d);
            }
        }
    }

    diagnostics.extend(crate::source::collisions(
        &statics,
        &assets,
        metas
            .iter()
            .filter(|(m, _)| m.published)
            .map(|(m, _)| (m.url.as_str(), crate::diagnostics::display_path(&m.path)))
            .chain(
                generated
                    .iter()
                    .map(|url| (url.as_str(), format!("the page cairn generates at {url}"))),
            ),
    ));
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    if has_errors {
        return Outcome {
            site: None,
            diagnostics,
            patcher: None,
        };
    }
    let next_publish = metas
        .iter()
        .filter(|(m, _)| !m.published && !m.draft)
        .filter_map(|(m, _)| m.date)
        .min();

    // Final pages, built once.
    let mut bodies: Vec<Option<Arc<markdown::Rendered>>> = vec![None; metas.len()];
    for (i, r) in rendered {
        bodies[i] = Some(r);
    }
    let mut pages: Vec<Page> = Vec::with_capacity(metas.len());
    drop(files);
    for ((meta, _), body) in metas.into_iter().zip(bodies) {
        let Some(body) = body else { continue };
        pages.push(Page::new(meta, body));
    }

    // Order: articles and case studies newest first, then other pages by path.
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_by(|&a, &b| page_order(&pages[a].meta, &pages[b].meta));
    let mut slots: Vec<Option<Page>> = pages.into_iter().map(Some).collect();
    let pages: Vec<Page> = order
        .iter()
        .map(|&i| slots[i].take().expect("each page once"))
        .collect();

    let articles: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].meta.kind != Kind::Page)
        .collect();
    let case_studies: Vec<usize> = articles
        .iter()
        .copied()
        .filter(|&i| pages[i].meta.kind == Kind::CaseStudy)
        .collect();

    let mut role_paths = vec![vec![Vec::new(); config.stages.len()]; config.roles.len()];
    let mut by_stage = vec![Vec::new(); config.stages.len()];
    let mut by_industry = vec![Vec::new(); industries.len()];
    for &i in &articles {
        let m = &pages[i].meta;
        if let Some(s) = m.stage {
            by_stage[s].push(i);
            for &r in &m.roles {
                role_paths[r][s].push(i);
            }
        }
        for &ind in &m.industries {
            by_industry[ind].push(i);
        }
    }
    for stages in &mut role_paths {
        for list in stages {
            list.sort_by(|&a, &b| {
                let (a, b) = (&pages[a].meta, &pages[b].meta);
                (
                    a.weight.is_none(),
                    a.weight,
                    std::cmp::Reverse(a.date),
                    &a.title,
                )
                    .cmp(&(
                        b.weight.is_none(),
                        b.weight,
                        std::cmp::Reverse(b.date),
                        &b.title,
                    ))
            });
        }
    }

    // The next page on each role's path, once for all pages (not a scan per page).
    let mut next: Vec<Vec<Option<usize>>> = pages
        .iter()
        .map(|p| vec![None; p.meta.roles.len()])
        .collect();
    for (r, stages) in role_paths.iter().enumerate() {
        let path: Vec<usize> = stages.iter().flatten().copied().collect();
        for w in path.windows(2) {
            if let Some(k) = pages[w[0]].meta.roles.iter().position(|&x| x == r) {
                next[w[0]][k] = Some(w[1]);
            }
        }
    }

    let case_by_key: HashMap<&str, usize> = case_studies
        .iter()
        .map(|&i| (case_key(&pages[i].meta), i))
        .collect();
    let mut citations: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (page, p) in pages.iter().enumerate() {
        for call in p.body.get().shortcodes.iter().filter(|c| c.name == "claim") {
            let (Some(case), Some(metric)) = (call.str_arg("case"), call.str_arg("metric")) else {
                continue;
            };
            let Some(&case_page) = case_by_key.get(case) else {
                continue;
            };
            let Some(m) = pages[case_page]
                .meta
                .case
                .as_ref()
                .and_then(|c| c.metrics.iter().position(|x| x.id == metric))
            else {
                continue;
            };
            let list = citations.entry((case_page, m)).or_default();
            // Pages come in order, so a page already listed is the last one.
            if list.last() != Some(&page) {
                list.push(page);
            }
        }
    }
    for list in citations.values_mut() {
        list.sort_unstable();
    }

    let patcher = enabled.then(|| Patcher {
        links: index,
        cases,
        pages: pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.meta.content_path.clone(), i))
            .collect(),
        next_publish,
    });
    let site = Site {
        config,
        urls,
        industries,
        pages,
        articles,
        case_studies,
        role_paths,
        by_stage,
        by_industry,
        citations,
        next,
        assets,
        statics,
    };
    Outcome {
        site: Some(site),
        diagnostics,
        patcher,
    }
}

/// Render a page's body: Markdown, shortcodes, links; its summary when the front
/// matter has none; and, for a serve session, the hash of its HTML.
fn render_body(
    meta: &PageMeta,
    file: &SourceFile,
    body_offset: usize,
    config: &SiteConfig,
    index: &LinkIndex,
    shortcodes: &SiteShortcodes,
    hash: bool,
) -> markdown::Rendered {
    let input = Input {
        path: &meta.path,
        file_text: &file.text,
        body_offset,
        content_path: &meta.content_path,
        safe_html: config.safe_html,
    };
    let mut r = markdown::render(&file.text[body_offset..], &input, index, shortcodes);
    if hash {
        r.html_hash = hash_of(&r.html);
    }
    r
}

/// What claims can see of a case study: its slug, URL, customer and metrics.
fn case_fingerprint(m: &PageMeta) -> u64 {
    let mut h = fingerprint_hasher();
    (&m.slug, &m.url, m.published).hash(&mut h);
    if let Some(c) = &m.case {
        c.customer.hash(&mut h);
        c.metrics.hash(&mut h);
    }
    h.finish()
}

fn page_order(a: &PageMeta, b: &PageMeta) -> std::cmp::Ordering {
    let listed = |m: &PageMeta| m.kind == Kind::Page;
    (listed(a), std::cmp::Reverse(a.date), &a.content_path).cmp(&(
        listed(b),
        std::cmp::Reverse(b.date),
        &b.content_path,
    ))
}

/// The name a claim uses for a case study: its slug.
fn case_key(meta: &PageMeta) -> &str {
    &meta.slug
}

fn resolve_industries<'f>(
    config: &SiteConfig,
    parsed: impl Iterator<Item = &'f RawFrontMatter>,
) -> Vec<Industry> {
    if config.industries_closed {
        return config.industries.clone();
    }
    let mut found: BTreeMap<String, Industry> = BTreeMap::new();
    for fm in parsed {
        for value in &fm.industries {
            let id = slug::slugify(value);
            if id.is_empty() {
                continue;
            }
            found.entry(id.clone()).or_insert_with(|| Industry {
                name: derive_name(value, &id),
                id,
                description: String::new(),
            });
        }
    }
    let mut list: Vec<Industry> = found.into_values().collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    list
}

/// "oil-and-gas" → "Oil and gas"; a value written with capitals is kept as written.
fn derive_name(value: &str, id: &str) -> String {
    if value.chars().any(char::is_uppercase) {
        return value.trim().to_string();
    }
    let words = id.replace('-', " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Drafts and pages dated after `now` are left out unless `--drafts`.
fn is_published(draft: bool, date: Option<jiff::Timestamp>, options: &Options) -> bool {
    options.drafts || !(draft || date.is_some_and(|d| d > options.now))
}

fn kind_of(content_path: &str) -> Kind {
    if content_path.starts_with("articles/") {
        Kind::Article
    } else if content_path.starts_with("case-studies/") {
        Kind::CaseStudy
    } else {
        Kind::Page
    }
}

/// The longest slug: it names a folder of the output, and file systems allow 255 bytes.
const MAX_SLUG: usize = 255;

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

/// What a page's metadata resolves against: the site's terms and its URLs.
struct Terms<'a> {
    config: &'a SiteConfig,
    urls: &'a Urls,
    industries: &'a [Industry],
    industry_index: &'a HashMap<&'a str, usize>,
}

fn resolve_meta(
    terms: &Terms,
    file: &SourceFile,
    fm: RawFrontMatter,
    front_offset: usize,
    options: &Options,
) -> Result<PageMeta, Vec<Diagnostic>> {
    let Terms {
        config,
        urls,
        industries,
        industry_index,
    } = *terms;
    let RawFrontMatter {
        title,
        date,
        updated,
        summary,
        stage,
        roles,
        industries: industry_values,
        weight,
        draft,
        slug: slug_value,
        author,
        featured,
        customer,
        metrics,
        quotes,
        extra,
        positions,
    } = fm;
    let text = &file.text;
    let at = |key: &str| positions.offset_of(key);
    let at_value = |key: &str, value: &str| positions.value_offset(key, value);
    let err = |code: Code, message: String| Diagnostic::error(code, file.path.clone(), message);
    let mut errors = Vec::new();
    let kind = kind_of(&file.content_path);
    let journey = kind != Kind::Page;

    let title = match title {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => {
            errors.push(
                err(Code::MissingKey, "missing `title`".into())
                    .at(text, front_offset)
                    .with_hint("add `title = \"...\"` to the front matter"),
            );
            String::new()
        }
    };
    if journey && date.is_none() {
        errors.push(
            err(Code::MissingKey, "missing `date`".into())
                .at(text, front_offset)
                .with_hint(format!(
                    "add `date = {}` (feeds and role paths order by date)",
                    options.now.strftime("%Y-%m-%d")
                )),
        );
    }

    let stage_index = match (&stage, kind) {
        (Some(s), Kind::Page) => {
            errors.push(
                err(Code::NotOnJourney, format!("`stage` on a page outside articles/ and case-studies/: `{s}`"))
                    .at(text, at("stage"))
                    .with_hint("move the file to content/articles/, or remove `stage`, `roles` and `industries`"),
            );
            None
        }
        (Some(s), _) => match config.stage_index(s) {
            Ok(i) => Some(i),
            Err(hint) => {
                errors.push(
                    err(Code::UnknownStage, format!("unknown stage `{s}`"))
                        .at(text, at_value("stage", s))
                        .with_hint(hint),
                );
                None
            }
        },
        (None, Kind::CaseStudy) if config.stage_index("decision").is_ok() => {
            config.stage_index("decision").ok()
        }
        (None, Kind::Page) => None,
        (None, _) => {
            let ids: Vec<&str> = config.stages.iter().map(|s| s.id.as_str()).collect();
            errors.push(
                err(Code::MissingKey, "missing `stage`".into())
                    .at(text, front_offset)
                    .with_hint(format!("add `stage = \"...\"`, one of: {}", ids.join(", "))),
            );
            None
        }
    };

    if kind == Kind::Page && (!roles.is_empty() || !industry_values.is_empty()) {
        let key = if roles.is_empty() {
            "industries"
        } else {
            "roles"
        };
        errors.push(
            err(
                Code::NotOnJourney,
                format!("`{key}` on a page outside articles/ and case-studies/"),
            )
            .at(text, at(key))
            .with_hint(
                "move the file to content/articles/, or remove `stage`, `roles` and `industries`",
            ),
        );
    }

    let mut role_indices = Vec::new();
    for r in &roles {
        match config.role_index(r) {
            Ok(i) if !role_indices.contains(&i) => role_indices.push(i),
            Ok(_) => {}
            Err(hint) => errors.push(
                err(Code::UnknownRole, format!("unknown role `{r}`"))
                    .at(text, at_value("roles", r))
                    .with_hint(hint),
            ),
        }
    }
    let mut industry_indices = Vec::new();
    for v in &industry_values {
        let id = if config.industries_closed {
            v.trim().to_lowercase()
        } else {
            slug::slugify(v)
        };
        match industry_index.get(id.as_str()) {
            Some(&i) if !industry_indices.contains(&i) => industry_indices.push(i),
            Some(_) => {}
            None => {
                let ids: Vec<&str> = industries.iter().map(|i| i.id.as_str()).collect();
                let hint = if ids.is_empty() {
                    "use a word or slug such as `manufacturing`".to_string()
                } else {
                    crate::diagnostics::suggestion(v, &ids)
                };
                errors.push(
                    err(Code::UnknownIndustry, format!("unknown industry `{v}`"))
                        .at(text, at_value("industries", v))
                        .with_hint(hint),
                );
            }
        }
    }

    let case = if kind == Kind::CaseStudy {
        Some(resolve_case(
            file,
            front_offset,
            customer,
            metrics,
            quotes,
            featured,
            &mut errors,
        ))
    } else {
        for (key, present) in [
            ("customer", customer.is_some()),
            ("metrics", !metrics.is_empty()),
            ("quotes", !quotes.is_empty()),
            ("featured", featured),
        ] {
            if present {
                errors.push(
                    err(
                        Code::CaseStudyKey,
                        format!("`{key}` only applies to case studies"),
                    )
                    .at(text, at(key))
                    .with_hint("move the file to content/case-studies/"),
                );
            }
        }
        None
    };

    let stem = stem_of(&file.content_path);
    let slug = match &slug_value {
        Some(s) => {
            let s2 = slug::slugify(s);
            if s2.is_empty() {
                errors.push(
                    err(
                        Code::BadSlug,
                        format!("slug `{s}` has no letters or digits"),
                    )
                    .at(text, at("slug"))
                    .with_hint("use words, e.g. `downtime-costs`"),
                );
            }
            s2
        }
        None => {
            let s = slug::slugify(stem);
            if s.is_empty() {
                errors.push(
                    err(
                        Code::BadSlug,
                        format!("cannot make a URL from the file name `{stem}`"),
                    )
                    .with_hint("rename the file, or set `slug = \"...\"`"),
                );
            }
            s
        }
    };
    if slug.len() > MAX_SLUG {
        let e = err(
            Code::BadSlug,
            format!(
                "the URL name `{}…` is {} bytes long; the output folder could not be created (at most {MAX_SLUG})",
                slug.chars().take(40).collect::<String>(),
                slug.len()
            ),
        )
        .with_hint("set a shorter `slug = \"...\"`, or rename the file");
        errors.push(match slug_value {
            Some(_) => e.at(text, at("slug")),
            None => e,
        });
    }
    let url = match kind {
        Kind::Article => urls.article(&slug),
        Kind::CaseStudy => urls.case_study(&slug),
        Kind::Page => {
            let dir: Vec<String> = file
                .content_path
                .split('/')
                .rev()
                .skip(1)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .map(slug::slugify)
                .collect();
            let is_index = matches!(
                file.content_path.rsplit('/').next(),
                Some("index.md" | "_index.md")
            );
            let mut segs = dir;
            if is_index {
                if let (Some(_), Some(last)) = (&slug_value, segs.last_mut()) {
                    *last = slug.clone();
                }
            } else {
                segs.push(slug.clone());
            }
            urls.page(&segs)
        }
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    let date = date.map(|d: FmDate| d.0);
    Ok(PageMeta {
        kind,
        path: file.path.clone(),
        content_path: file.content_path.clone(),
        title,
        summary: summary.unwrap_or_default().trim().to_string(),
        date,
        updated: updated.map(|d| d.0),
        stage: stage_index,
        roles: role_indices,
        industries: industry_indices,
        weight,
        draft,
        slug,
        url,
        author: author.or_else(|| config.author.clone()),
        extra: extra.unwrap_or(serde_json::Value::Object(Default::default())),
        case,
        published: is_published(draft, date, options),
        source_hash: 0,
    })
}

fn resolve_case(
    file: &SourceFile,
    front_offset: usize,
    customer: Option<String>,
    metrics: Vec<frontmatter::RawMetric>,
    quotes: Vec<Quote>,
    featured: bool,
    errors: &mut Vec<Diagnostic>,
) -> CaseStudy {
    let text = &file.text;
    let err = |code: Code, message: String| Diagnostic::error(code, file.path.clone(), message);
    let customer = customer.unwrap_or_default();
    if customer.trim().is_empty() {
        errors.push(
            err(Code::MissingKey, "case study without `customer`".into())
                .at(text, front_offset)
                .with_hint("add `customer = \"Acme Steel\"`"),
        );
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for m in metrics {
        let at = m.id_offset;
        let mut ok = true;
        if !crate::config::is_slug(&m.id) {
            errors.push(
                err(
                    Code::MetricInvalid,
                    format!("metric id `{}` is not a slug", m.id),
                )
                .at(text, at)
                .with_hint(format!(
                    "use lowercase letters, digits and hyphens, e.g. `{}`",
                    slug::slugify(&m.id)
                )),
            );
            ok = false;
        }
        if !seen.insert(m.id.clone()) {
            errors.push(
                err(
                    Code::MetricInvalid,
                    format!("metric `{}` is declared twice", m.id),
                )
                .at(text, at)
                .with_hint("metric ids must be unique within a case study"),
            );
            ok = false;
        }
        let better = match m.better.as_deref() {
            Some("lower") => Some(Better::Lower),
            Some("higher") => Some(Better::Higher),
            Some(other) => {
                errors.push(
                    err(
                        Code::MetricInvalid,
                        format!(
                            "metric `{}`: `better = \"{other}\"` must be \"lower\" or \"higher\"",
                            m.id
                        ),
                    )
                    .at(text, at)
                    .with_hint("say which direction is an improvement"),
                );
                None
            }
            None => {
                errors.push(err(Code::MetricInvalid, format!("metric `{}` has no `better`", m.id)).at(text, at).with_hint("add `better = \"lower\"` (less is better, e.g. downtime) or `better = \"higher\"`"));
                None
            }
        };
        let source = m.source.clone().unwrap_or_default();
        if source.trim().is_empty() {
            errors.push(err(Code::MetricInvalid, format!("metric `{}` has no `source`", m.id)).at(text, at).with_hint("name where the figures come from, e.g. `source = \"Acme maintenance logs, Q1–Q3 2025\"`; a number without a source is not evidence"));
            ok = false;
        }
        if !m.before.is_finite() || !m.after.is_finite() {
            errors.push(
                err(
                    Code::MetricInvalid,
                    format!("metric `{}` has a figure that is not a number", m.id),
                )
                .at(text, at),
            );
            ok = false;
        }
        if let (true, Some(better)) = (ok, better) {
            out.push(Metric {
                id: m.id,
                label: m.label,
                unit: m.unit,
                before: m.before,
                after: m.after,
                better,
                period: m.period,
                source,
            });
        }
    }
    CaseStudy {
        customer: customer.trim().to_string(),
        metrics: out,
        quotes,
        featured,
    }
}

// ------------------------------------------------------------------ links

/// What links in a body resolve against. Owned, so that a serve session can keep it
/// for the next edit.
struct LinkIndex {
    /// Content path → URL (published) or why not.
    pages: FastMap<String, Result<String, LinkProblem>>,
    assets: HashSet<String, ahash::RandomState>,
    urls: HashSet<String, ahash::RandomState>,
    site_urls: Urls,
}

impl LinkIndex {
    fn new(
        site_urls: &Urls,
        metas: &[(Arc<PageMeta>, usize)],
        assets: &[Asset],
        generated: &HashSet<String>,
    ) -> Self {
        let mut urls: HashSet<String, ahash::RandomState> = generated.iter().cloned().collect();
        let mut pages = FastMap::with_capacity_and_hasher(metas.len(), Default::default());
        for (m, _) in metas {
            if m.published {
                urls.insert(m.url.clone());
                pages.insert(m.content_path.clone(), Ok(m.url.clone()));
            } else {
                pages.insert(m.content_path.clone(), Err(LinkProblem::Draft));
            }
        }
        LinkIndex {
            pages,
            assets: assets.iter().map(|a| a.content_path.clone()).collect(),
            urls,
            site_urls: site_urls.clone(),
        }
    }
}

impl Links for LinkIndex {
    fn page_url(&self, content_path: &str) -> Result<&str, LinkProblem> {
        match self.pages.get(content_path) {
            Some(Ok(url)) => Ok(url),
            Some(Err(problem)) => Err(*problem),
            None => Err(LinkProblem::Missing),
        }
    }
    fn asset_exists(&self, content_path: &str) -> bool {
        self.assets.contains(content_path)
    }
    fn url_exists(&self, url: &str) -> bool {
        self.urls.contains(url)
    }
    fn page_paths(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.pages.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }
    fn base_path(&self) -> &str {
        self.site_urls.base_path()
    }
}

// ------------------------------------------------------------------ claims

/// The `claim` shortcode, computed here from the model; other shortcodes go to templates.
struct SiteShortcodes<'a> {
    cases: &'a CaseIndex,
    templates: &'a dyn Shortcodes,
    urls: &'a Urls,
}

/// What claims resolve against. Owned, so that a serve session can keep it.
struct CaseIndex {
    /// Published case studies by their key (slug).
    cases: HashMap<String, Arc<PageMeta>>,
    /// Every case-study file by the slug of its name, including those with errors.
    files: HashMap<String, PathBuf>,
}

impl Shortcodes for SiteShortcodes<'_> {
    fn render(&self, call: &ShortcodeCall) -> Result<String, ShortcodeError> {
        if call.name != "claim" {
            return self.templates.render(call);
        }
        let computed = self.claim(call)?;
        let mut call = call.clone();
        call.args.extend(computed);
        self.templates.render(&call)
    }
}

fn shortcode_error(code: Code, message: String, hint: impl Into<String>) -> ShortcodeError {
    ShortcodeError {
        code,
        message,
        hint: hint.into(),
    }
}

impl SiteShortcodes<'_> {
    /// Validate a claim and compute the values its template shows.
    fn claim(&self, call: &ShortcodeCall) -> Result<Vec<(String, ArgValue)>, ShortcodeError> {
        const USAGE: &str = "write {{ claim(case=\"<case-study slug>\", metric=\"<metric id>\") }}, optionally with form=\"sentence|percent|change|multiple\" and precision=0|1|2";
        for key in call.args.keys() {
            if !["case", "metric", "form", "precision"].contains(&key.as_str()) {
                return Err(shortcode_error(
                    Code::ClaimSyntax,
                    format!("claim: unknown argument `{key}`"),
                    USAGE,
                ));
            }
        }
        let (Some(case), Some(metric_id)) = (call.str_arg("case"), call.str_arg("metric")) else {
            return Err(shortcode_error(
                Code::ClaimSyntax,
                "claim: needs `case` and `metric` as text".into(),
                USAGE,
            ));
        };
        let form = match call.args.get("form") {
            None => Form::Sentence,
            Some(ArgValue::Str(f)) => Form::parse(f).ok_or_else(|| {
                shortcode_error(
                    Code::ClaimSyntax,
                    format!("claim: unknown form `{f}`"),
                    format!("use one of: {}", Form::NAMES.join(", ")),
                )
            })?,
            Some(_) => {
                return Err(shortcode_error(
                    Code::ClaimSyntax,
                    "claim: `form` must be text".into(),
                    USAGE,
                ));
            }
        };
        let precision = match call.args.get("precision") {
            None => 0,
            Some(ArgValue::Int(p @ 0..=2)) => *p as u32,
            Some(_) => {
                return Err(shortcode_error(
                    Code::ClaimSyntax,
                    "claim: `precision` must be 0, 1 or 2".into(),
                    USAGE,
                ));
            }
        };
        let Some(meta) = self.cases.cases.get(case) else {
            if let Some(path) = self.cases.files.get(case) {
                return Err(shortcode_error(
                    Code::ClaimUnknownCase,
                    format!(
                        "claim: case study `{case}` has errors, so no claim can be computed from it"
                    ),
                    format!("fix the errors reported for {}", display_path(path)),
                ));
            }
            let mut keys: Vec<&str> = self.cases.cases.keys().map(String::as_str).collect();
            keys.sort_unstable();
            let hint = match did_you_mean(case, keys.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None if keys.is_empty() => {
                    "there are no case studies yet: add one in content/case-studies/".into()
                }
                None => format!("case studies: {}", keys.join(", ")),
            };
            return Err(shortcode_error(
                Code::ClaimUnknownCase,
                format!("claim: no case study `{case}`"),
                hint,
            ));
        };
        let case_data = meta.case.as_ref().expect("case studies carry case data");
        let Some(metric) = case_data.metrics.iter().find(|m| m.id == metric_id) else {
            let ids: Vec<&str> = case_data.metrics.iter().map(|m| m.id.as_str()).collect();
            let hint = if ids.is_empty() {
                format!("{} declares no metrics", display_path(&meta.path))
            } else {
                match did_you_mean(metric_id, ids.iter().copied()) {
                    Some(best) => format!(
                        "did you mean `{best}`? metrics of `{case}`: {}",
                        ids.join(", ")
                    ),
                    None => format!("metrics of `{case}`: {}", ids.join(", ")),
                }
            };
            return Err(shortcode_error(
                Code::ClaimUnknownMetric,
                format!("claim: case study `{case}` has no metric `{metric_id}`"),
                hint,
            ));
        };
        let text = claims::phrase(metric.figures(), &metric.label, &metric.unit, form, precision).map_err(|e| {
            let change = claims::change(metric.before, metric.after, &metric.unit);
            let (message, hint) = match e {
                claims::ClaimError::NoImprovement => (
                    format!("claim: `{case}` metric `{metric_id}` did not improve ({change}, better = \"{}\")", claims_better(metric.better)),
                    "there is nothing to claim; cite another metric, or check `before`, `after` and `better`".to_string(),
                ),
                claims::ClaimError::ZeroBefore => (
                    format!("claim: `{case}` metric `{metric_id}` starts from 0, so no percentage can be claimed"),
                    "use form=\"change\" to state the figures instead".to_string(),
                ),
                other => (format!("claim: `{case}` metric `{metric_id}`: {other}"), "check the metric's figures".to_string()),
            };
            shortcode_error(Code::ClaimInvalid, message, hint)
        })?;
        let url = self.urls.href(&self.urls.metric(&meta.url, &metric.id));
        let mut detail = claims::change(metric.before, metric.after, &metric.unit);
        if let Some(p) = &metric.period {
            detail.push_str(&format!(", {p}"));
        }
        detail.push_str(&format!(". Source: {}", metric.source));
        let s = |v: &str| ArgValue::Str(v.to_string());
        Ok(vec![
            ("text".into(), s(&text)),
            ("url".into(), s(&url)),
            ("detail".into(), s(&detail)),
            ("label".into(), s(&metric.label)),
            ("unit".into(), s(&metric.unit)),
            ("before".into(), s(&claims::number(metric.before))),
            ("after".into(), s(&claims::number(metric.after))),
            ("period".into(), s(metric.period.as_deref().unwrap_or(""))),
            ("source".into(), s(&metric.source)),
            ("customer".into(), s(&case_data.customer)),
            (
                "form".into(),
                s(match form {
                    Form::Sentence => "sentence",
                    Form::Percent => "percent",
                    Form::Change => "change",
                    Form::Multiple => "multiple",
                }),
            ),
        ])
    }
}

fn claims_better(b: Better) -> &'static str {
    match b {
        Better::Lower => "lower",
        Better::Higher => "higher",
    }
}
