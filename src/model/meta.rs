//! Phase 2: front matter → [`PageMeta`]: the site's industries, then each page's
//! title, dates, stage, roles, industries, case-study data, slug and URL, checked
//! against site.toml. Unchanged files reuse the metadata the cache holds.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::cache::{Cache, hash_of};
use super::evidence;
use super::parse::ParsedFile;
use super::{CaseStudy, Facts, Kind, Metric, Options, PageMeta, kind_of, stem_of};
use crate::claims::{Better, Figures};
use crate::config::{Industry, SiteConfig};
use crate::data::Data;
use crate::diagnostics::{Code, Diagnostic};
use crate::frontmatter::{FmDate, RawFrontMatter, RawMetric, RawQuote};
use crate::source::SourceFile;
use crate::spans::Positions;
use crate::urls::Urls;

/// The longest slug: it names a folder of the output, and file systems allow 255 bytes.
const MAX_SLUG: usize = 255;

/// A page's metadata, the file, and where its body starts.
pub(super) type MetaFile = (Arc<PageMeta>, Arc<SourceFile>, usize);

/// Phase 2. Takes the parsed files; gives the site's industries and each valid page's
/// metadata (in file order), reusing and updating `cache`. Errors go to `diagnostics`.
pub(super) fn page_metas(
    config: &SiteConfig,
    urls: &[Urls],
    data: &Data,
    parsed: Vec<ParsedFile>,
    options: &Options,
    cache: &mut Cache,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Industry>, Vec<MetaFile>) {
    let industries = resolve_industries(config, parsed.iter().map(|p| &front_of(p).0));
    let industry_index: HashMap<&str, usize> = industries
        .iter()
        .enumerate()
        .map(|(i, ind)| (ind.id.as_str(), i))
        .collect();
    let enabled = cache.enabled;
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
    let terms = Terms {
        config,
        urls,
        industries: &industries,
        industry_index: &industry_index,
        options,
        data,
    };
    // What a page's metadata depends on besides its text: the industries, and the CSV
    // its metrics come from (a data change re-resolves just the case studies using it).
    let context = |p: &ParsedFile| match &front_of(p).0.metrics_from {
        Some(name) if enabled => hash_of(&(industries_fp, data.hash_of(name))),
        _ => industries_fp,
    };
    let meta_cache = &cache.metas;
    let (translations, parsed): (Vec<ParsedFile>, Vec<ParsedFile>) = parsed
        .into_iter()
        .partition(|p| front_of(p).0.translated.is_some());
    let resolved: Vec<_> = parsed
        .into_par_iter()
        .map(|p| {
            let context = context(&p);
            let cached = meta_cache
                .get(&p.file.content_path)
                .filter(|(h, i, _)| enabled && *h == p.hash && *i == context);
            let hit = cached.is_some();
            (hit, context, meta_of(&terms, p, cached.map(|(_, _, m)| m)))
        })
        .collect();
    let mut metas = Vec::with_capacity(resolved.len());
    let mut remembered = Vec::new();
    // What each page's metadata was resolved against, for its translations'.
    let contexts: HashMap<String, u64> = resolved
        .iter()
        .filter(|_| !translations.is_empty())
        .filter_map(|(_, c, (_, _, m))| m.as_ref().ok().map(|m| (m.key.clone(), *c)))
        .collect();
    let mut gather = |resolved: Vec<(bool, u64, Resolved)>, metas: &mut Vec<MetaFile>| {
        for (hit, context, (file, body_offset, meta)) in resolved {
            match meta {
                Ok(meta) => {
                    if enabled && !hit {
                        let entry = (meta.source_hash, context, meta.clone());
                        remembered.push((meta.content_path.clone(), entry));
                    }
                    metas.push((meta, file, body_offset))
                }
                Err(mut ds) => diagnostics.append(&mut ds),
            }
        }
    };
    gather(resolved, &mut metas);
    // Translations, once the pages they translate are known: a translation of a page
    // with errors waits for them to be fixed (they are reported at the original).
    let originals: HashMap<&str, &Arc<PageMeta>> = match translations.is_empty() {
        true => HashMap::new(),
        false => metas
            .iter()
            .filter(|(m, _, _)| m.lang == 0)
            .map(|(m, _, _)| (m.key.as_str(), m))
            .collect(),
    };
    let translated: Vec<_> = translations
        .into_par_iter()
        .filter_map(|p| {
            let (lang, key) = super::languages::lang_of(config, &p.file.content_path).ok()?;
            let original = originals.get(key.as_str())?;
            // A translation is made of its own text and its original's metadata, which is
            // made of the original's text, what it was resolved against, and the day.
            let original_context = contexts.get(key.as_str()).copied().unwrap_or_default();
            let context = hash_of(&(
                context(&p),
                original.source_hash,
                original_context,
                original.published,
            ));
            let cached = meta_cache
                .get(&p.file.content_path)
                .filter(|(h, i, m)| enabled && *h == p.hash && *i == context && m.lang == lang);
            let (fm, front_offset, body_offset) = front_of(&p);
            let (front_offset, body_offset) = (*front_offset, *body_offset);
            let meta = match cached {
                Some((_, _, m)) => Ok(m.clone()),
                None => super::languages::translate(
                    &terms,
                    original,
                    (&p.file, lang),
                    fm.clone(),
                    front_offset,
                )
                .map(|mut m| {
                    m.source_hash = p.hash;
                    Arc::new(m)
                }),
            };
            Some((cached.is_some(), context, (p.file, body_offset, meta)))
        })
        .collect();
    gather(translated, &mut metas);
    cache.metas.extend(remembered);
    (industries, metas)
}

/// The front matter and offsets of a file that parsed.
fn front_of(p: &ParsedFile) -> &(RawFrontMatter, usize, usize) {
    match &*p.raw {
        Ok(front) => front,
        Err(_) => unreachable!("errors were set aside"),
    }
}

/// A file after phase 2: the file, where its body starts, its metadata or its errors.
type Resolved = (
    Arc<SourceFile>,
    usize,
    Result<Arc<PageMeta>, Vec<Diagnostic>>,
);

/// A file's metadata: `cached` (with `published` brought up to date) or resolved anew.
fn meta_of(terms: &Terms, p: ParsedFile, cached: Option<&Arc<PageMeta>>) -> Resolved {
    let (fm, front_offset, body_offset) = front_of(&p);
    let (front_offset, body_offset) = (*front_offset, *body_offset);
    if let Some(meta) = cached {
        let mut meta = meta.clone();
        let published = is_published(&meta, terms.options);
        if meta.published != published {
            Arc::make_mut(&mut meta).published = published;
        }
        return (p.file, body_offset, Ok(meta));
    }
    let meta = resolve_meta(terms, &p.file, fm.clone(), front_offset).map(|mut m| {
        m.source_hash = p.hash;
        Arc::new(m)
    });
    (p.file, body_offset, meta)
}

/// What one page's front matter resolves against: the site, its URLs (one per
/// language), its industries and `data/`.
pub(super) type Against<'a> = (&'a SiteConfig, &'a [Urls], &'a [Industry], &'a Data);

/// Resolve one file's front matter `fm` (written at `front_offset`) against a built
/// site's terms, as [`page_metas`] resolves it: every error found, or the metadata
/// (its `source_hash` left at 0).
pub(super) fn resolve_one(
    (config, urls, industries, data): Against,
    options: &Options,
    file: &SourceFile,
    fm: RawFrontMatter,
    front_offset: usize,
) -> Result<PageMeta, Vec<Diagnostic>> {
    let industry_index: HashMap<&str, usize> = industries
        .iter()
        .enumerate()
        .map(|(i, ind)| (ind.id.as_str(), i))
        .collect();
    let terms = Terms {
        config,
        urls,
        industries,
        industry_index: &industry_index,
        options,
        data,
    };
    resolve_meta(&terms, file, fm, front_offset)
}

/// Drafts, pages dated after `now` and case studies waiting for the customer's approval
/// are left out unless `--drafts`.
pub(super) fn is_published(meta: &PageMeta, options: &Options) -> bool {
    let now = options.now;
    let approved = meta.case.as_ref().is_none_or(|c| c.approval.granted(now));
    options.drafts || !(meta.draft || meta.date.is_some_and(|d| d > now) || !approved)
}

/// Declared industries, or (when site.toml declares none) those the front matter
/// names, by slug, sorted by name.
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
pub(super) fn derive_name(value: &str, id: &str) -> String {
    if value.chars().any(char::is_uppercase) {
        return value.trim().to_string();
    }
    let words = id.replace('-', " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// What a page's metadata resolves against: the site's terms, its URLs (one per
/// language), the build options.
pub(super) struct Terms<'a> {
    pub(super) config: &'a SiteConfig,
    pub(super) urls: &'a [Urls],
    industries: &'a [Industry],
    industry_index: &'a HashMap<&'a str, usize>,
    pub(super) options: &'a Options,
    /// The files of `data/`, for `metrics_from`.
    data: &'a Data,
}

/// Where a file's front matter and each key in it are, for diagnostics that point into it.
pub(super) struct Front<'a> {
    pub(super) file: &'a SourceFile,
    pub(super) offset: usize,
    pub(super) positions: &'a Positions,
}

impl Front<'_> {
    pub(super) fn text(&self) -> &str {
        &self.file.text
    }

    /// An error about this file.
    pub(super) fn err(&self, code: Code, message: String) -> Diagnostic {
        Diagnostic::error(code, self.file.path.clone(), message)
    }

    /// Where `key` is written.
    pub(super) fn at(&self, key: &str) -> usize {
        self.positions.offset_of(key)
    }

    /// Where `value` of `key` is written.
    pub(super) fn at_value(&self, key: &str, value: &str) -> usize {
        self.positions.value_offset(key, value)
    }
}

/// Resolve and check one file's front matter: every error found, or the metadata.
fn resolve_meta(
    terms: &Terms,
    file: &SourceFile,
    mut fm: RawFrontMatter,
    front_offset: usize,
) -> Result<PageMeta, Vec<Diagnostic>> {
    let case_keys = Case::of(&mut fm);
    let front = Front {
        file,
        offset: front_offset,
        positions: &fm.positions,
    };
    let mut errors = Vec::new();
    let kind = kind_of(&file.content_path);
    let (lang, key) = super::languages::lang_of(terms.config, &file.content_path)
        .expect("files in undeclared languages are set aside before");
    let phrasing = &terms.options.words[lang].phrasing;
    let title = title_of(&front, fm.title, &mut errors);
    check_date(&front, kind, fm.date.is_some(), terms.options, &mut errors);
    let stage = stage_of(&front, terms.config, kind, fm.stage.as_deref(), &mut errors);
    check_on_journey(&front, kind, &fm.roles, &fm.industries, &mut errors);
    let roles = role_indices(&front, terms.config, &fm.roles, &mut errors);
    let industries = industry_indices(&front, terms, &fm.industries, &mut errors);
    let case = case_of(&front, (terms.data, phrasing), kind, case_keys, &mut errors);
    let slug = slug_of(&front, stem_of(&key), fm.slug.as_deref(), &mut errors);
    let aliases = super::aliases::aliases_of(&front, &fm.aliases, &mut errors);
    let image = super::images::image_of(
        &front,
        &key,
        (fm.image.as_deref(), fm.image_alt.as_deref()),
        &mut errors,
    );
    let url = url_of(&terms.urls[lang], kind, &key, &slug, fm.slug.is_some());
    if !errors.is_empty() {
        return Err(errors);
    }
    let date = fm.date.map(|d: FmDate| d.0);
    let mut meta = PageMeta {
        kind,
        lang,
        key,
        path: file.path.clone(),
        content_path: file.content_path.clone(),
        title,
        summary: fm.summary.unwrap_or_default().trim().to_string(),
        date,
        updated: fm.updated.map(|d| d.0),
        stage,
        roles,
        industries,
        weight: fm.weight,
        draft: fm.draft,
        slug,
        url,
        author: fm.author.or_else(|| terms.config.author.clone()),
        extra: fm
            .extra
            .unwrap_or(serde_json::Value::Object(Default::default())),
        case,
        aliases,
        image,
        published: false,
        source_hash: 0,
    };
    meta.published = is_published(&meta, terms.options);
    Ok(meta)
}

/// The title, trimmed; it must not be empty.
fn title_of(front: &Front, title: Option<String>, errors: &mut Vec<Diagnostic>) -> String {
    match title {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => {
            errors.push(
                front
                    .err(Code::MissingKey, "missing `title`".into())
                    .at(front.text(), front.offset)
                    .with_hint("add `title = \"...\"` to the front matter"),
            );
            String::new()
        }
    }
}

/// Articles and case studies need a date.
fn check_date(
    front: &Front,
    kind: Kind,
    has_date: bool,
    options: &Options,
    errors: &mut Vec<Diagnostic>,
) {
    if kind != Kind::Page && !has_date {
        errors.push(
            front
                .err(Code::MissingKey, "missing `date`".into())
                .at(front.text(), front.offset)
                .with_hint(format!(
                    "add `date = {}` (feeds and role paths order by date)",
                    options.now.strftime("%Y-%m-%d")
                )),
        );
    }
}

/// The stage's index: as written (articles, case studies), `decision` for a case study
/// without one (when the site has that stage), none for other pages.
fn stage_of(
    front: &Front,
    config: &SiteConfig,
    kind: Kind,
    stage: Option<&str>,
    errors: &mut Vec<Diagnostic>,
) -> Option<usize> {
    match (stage, kind) {
        (Some(s), Kind::Page) => {
            errors.push(
                front.err(Code::NotOnJourney, format!("`stage` on a page outside articles/ and case-studies/: `{s}`"))
                    .at(front.text(), front.at("stage"))
                    .with_hint("move the file to content/articles/, or remove `stage`, `roles` and `industries`"),
            );
            None
        }
        (Some(s), _) => match config.stage_index(s) {
            Ok(i) => Some(i),
            Err(hint) => {
                errors.push(
                    front
                        .err(Code::UnknownStage, format!("unknown stage `{s}`"))
                        .at(front.text(), front.at_value("stage", s))
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
                front
                    .err(Code::MissingKey, "missing `stage`".into())
                    .at(front.text(), front.offset)
                    .with_hint(format!("add `stage = \"...\"`, one of: {}", ids.join(", "))),
            );
            None
        }
    }
}

/// Pages outside the journey have no roles or industries.
fn check_on_journey(
    front: &Front,
    kind: Kind,
    roles: &[String],
    industries: &[String],
    errors: &mut Vec<Diagnostic>,
) {
    if kind == Kind::Page && (!roles.is_empty() || !industries.is_empty()) {
        let key = if roles.is_empty() {
            "industries"
        } else {
            "roles"
        };
        errors.push(
            front
                .err(
                    Code::NotOnJourney,
                    format!("`{key}` on a page outside articles/ and case-studies/"),
                )
                .at(front.text(), front.at(key))
                .with_hint(
                    "move the file to content/articles/, or remove `stage`, `roles` and `industries`",
                ),
        );
    }
}

/// Indices of the roles, in the order written, each once.
fn role_indices(
    front: &Front,
    config: &SiteConfig,
    roles: &[String],
    errors: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut indices = Vec::new();
    for r in roles {
        match config.role_index(r) {
            Ok(i) if !indices.contains(&i) => indices.push(i),
            Ok(_) => {}
            Err(hint) => errors.push(
                front
                    .err(Code::UnknownRole, format!("unknown role `{r}`"))
                    .at(front.text(), front.at_value("roles", r))
                    .with_hint(hint),
            ),
        }
    }
    indices
}

/// Indices of the industries, in the order written, each once.
fn industry_indices(
    front: &Front,
    terms: &Terms,
    values: &[String],
    errors: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut indices = Vec::new();
    for v in values {
        let id = if terms.config.industries_closed {
            v.trim().to_lowercase()
        } else {
            slug::slugify(v)
        };
        match terms.industry_index.get(id.as_str()) {
            Some(&i) if !indices.contains(&i) => indices.push(i),
            Some(_) => {}
            None => {
                let ids: Vec<&str> = terms.industries.iter().map(|i| i.id.as_str()).collect();
                let hint = if ids.is_empty() {
                    "use a word or slug such as `manufacturing`".to_string()
                } else {
                    crate::diagnostics::suggestion(v, &ids)
                };
                errors.push(
                    front
                        .err(Code::UnknownIndustry, format!("unknown industry `{v}`"))
                        .at(front.text(), front.at_value("industries", v))
                        .with_hint(hint),
                );
            }
        }
    }
    indices
}

/// The case-study keys of a front matter, taken out of it.
struct Case {
    customer: Option<String>,
    metrics: Vec<RawMetric>,
    /// A CSV of `data/` with the metrics, one row each (instead of `metrics`).
    metrics_from: Option<String>,
    quotes: Vec<RawQuote>,
    featured: bool,
    approved: Option<FmDate>,
    approval: Option<String>,
}

impl Case {
    fn of(fm: &mut RawFrontMatter) -> Case {
        Case {
            customer: fm.customer.take(),
            metrics: std::mem::take(&mut fm.metrics),
            metrics_from: fm.metrics_from.take(),
            quotes: std::mem::take(&mut fm.quotes),
            featured: fm.featured,
            approved: fm.approved.take(),
            approval: fm.approval.take(),
        }
    }
}

/// A case study's metrics as written: `[[metrics]]`, or the rows of the CSV of `data/`
/// that `metrics_from` names, with that file (diagnostics about a row point into it).
fn metrics_of(
    front: &Front,
    data: &Data,
    inline: Vec<RawMetric>,
    from: Option<String>,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<RawMetric>, Option<Arc<crate::data::DataFile>>) {
    let Some(name) = from else {
        return (inline, None);
    };
    let from = crate::data::MetricsFrom {
        page: front.file,
        name: &name,
        at: front.at_value("metrics_from", &name),
        inline: !inline.is_empty(),
    };
    match crate::data::case_metrics(data, from, errors) {
        Some((file, rows)) => (rows, Some(file)),
        None => (Vec::new(), None),
    }
}

/// A case study's data; other pages must not have case-study keys.
fn case_of(
    front: &Front,
    (data, phrasing): (&Data, &crate::claims::Phrasing),
    kind: Kind,
    case: Case,
    errors: &mut Vec<Diagnostic>,
) -> Option<CaseStudy> {
    if kind == Kind::CaseStudy {
        return Some(resolve_case(front, (data, phrasing), case, errors));
    }
    for (key, present) in [
        ("customer", case.customer.is_some()),
        ("metrics", !case.metrics.is_empty()),
        ("metrics_from", case.metrics_from.is_some()),
        ("quotes", !case.quotes.is_empty()),
        ("featured", case.featured),
        ("approved", case.approved.is_some()),
        ("approval", case.approval.is_some()),
    ] {
        if present {
            errors.push(
                front
                    .err(
                        Code::CaseStudyKey,
                        format!("`{key}` only applies to case studies"),
                    )
                    .at(front.text(), front.at(key))
                    .with_hint("move the file to content/case-studies/"),
            );
        }
    }
    None
}

/// The slug: from `slug` when written, else from the file name; it must have letters
/// or digits and fit a folder name.
pub(super) fn slug_of(
    front: &Front,
    stem: &str,
    slug_value: Option<&str>,
    errors: &mut Vec<Diagnostic>,
) -> String {
    let slug = match slug_value {
        Some(s) => {
            let s2 = slug::slugify(s);
            if s2.is_empty() {
                errors.push(
                    front
                        .err(
                            Code::BadSlug,
                            format!("slug `{s}` has no letters or digits"),
                        )
                        .at(front.text(), front.at("slug"))
                        .with_hint("use words, e.g. `downtime-costs`"),
                );
            }
            s2
        }
        None => {
            let s = slug::slugify(stem);
            if s.is_empty() {
                errors.push(
                    front
                        .err(
                            Code::BadSlug,
                            format!("cannot make a URL from the file name `{stem}`"),
                        )
                        .with_hint("rename the file, or set `slug = \"...\"`"),
                );
            }
            s
        }
    };
    check_slug_length(front, &slug, slug_value.is_some(), errors);
    slug
}

/// A slug longer than [`MAX_SLUG`] bytes could not name the output folder.
fn check_slug_length(front: &Front, slug: &str, written: bool, errors: &mut Vec<Diagnostic>) {
    if slug.len() > MAX_SLUG {
        let e = front
            .err(
                Code::BadSlug,
                format!(
                    "the URL name `{}…` is {} bytes long; the output folder could not be created (at most {MAX_SLUG})",
                    slug.chars().take(40).collect::<String>(),
                    slug.len()
                ),
            )
            .with_hint("set a shorter `slug = \"...\"`, or rename the file");
        errors.push(match written {
            true => e.at(front.text(), front.at("slug")),
            false => e,
        });
    }
}

/// The page's URL: by kind and slug; other pages keep their folders (slugified), and an
/// `index.md` with a written `slug` renames its folder.
pub(super) fn url_of(
    urls: &Urls,
    kind: Kind,
    content_path: &str,
    slug: &str,
    slug_written: bool,
) -> String {
    match kind {
        Kind::Article => urls.article(slug),
        Kind::CaseStudy => urls.case_study(slug),
        Kind::Page => {
            let dir: Vec<String> = content_path
                .split('/')
                .rev()
                .skip(1)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .map(slug::slugify)
                .collect();
            let is_index = matches!(
                content_path.rsplit('/').next(),
                Some("index.md" | "_index.md")
            );
            let mut segs = dir;
            if is_index {
                if let (true, Some(last)) = (slug_written, segs.last_mut()) {
                    *last = slug.to_string();
                }
            } else {
                segs.push(slug.to_string());
            }
            urls.page(&segs)
        }
    }
}

/// A case study's customer, approval, metrics and quotes, checked; invalid metrics are
/// left out.
fn resolve_case(
    front: &Front,
    (data, phrasing): (&Data, &crate::claims::Phrasing),
    case: Case,
    errors: &mut Vec<Diagnostic>,
) -> CaseStudy {
    let customer = case.customer.unwrap_or_default();
    if customer.trim().is_empty() {
        errors.push(
            front
                .err(Code::MissingKey, "case study without `customer`".into())
                .at(front.text(), front.offset)
                .with_hint("add `customer = \"Acme Steel\"`"),
        );
    }
    let approval_at = if case.approval.is_some() {
        front.at("approval")
    } else {
        front.at("approved")
    };
    let approval = evidence::approval_of(
        front,
        case.approved,
        case.approval.as_deref(),
        approval_at,
        errors,
    );
    let mut seen = HashSet::new();
    let (metrics, table) = metrics_of(front, data, case.metrics, case.metrics_from, errors);
    // Rows of a CSV are checked like [[metrics]], each diagnostic at its row of the CSV.
    let positions = Positions::default();
    let rows = table.as_ref().map(|t| Front {
        file: &t.file,
        offset: 0,
        positions: &positions,
    });
    let metrics = metrics
        .into_iter()
        .filter_map(|m| {
            let front = rows.as_ref().unwrap_or(front);
            resolve_metric(front, m, phrasing, &mut seen, errors)
        })
        .collect();
    CaseStudy {
        customer: customer.trim().to_string(),
        metrics,
        quotes: evidence::quotes_of(front, case.quotes, approval, errors),
        featured: case.featured,
        approval,
    }
}

/// One metric, checked (`seen` holds the ids before it); `None` when it has errors.
fn resolve_metric(
    front: &Front,
    m: RawMetric,
    phrasing: &crate::claims::Phrasing,
    seen: &mut HashSet<String>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Metric> {
    let at = m.id_offset;
    let err = |message: String| front.err(Code::MetricInvalid, message).at(front.text(), at);
    let mut ok = check_metric_id(front, &m.id, at, seen, errors);
    let better = metric_better(front, &m, at, errors);
    let source = m.source.clone().unwrap_or_default();
    if source.trim().is_empty() {
        errors.push(err(format!("metric `{}` has no `source`", m.id)).with_hint("name where the figures come from, e.g. `source = \"Acme maintenance logs, Q1–Q3 2025\"`; a number without a source is not evidence"));
        ok = false;
    }
    if !m.before.is_finite() || !m.after.is_finite() {
        errors.push(err(format!(
            "metric `{}` has a figure that is not a number",
            m.id
        )));
        ok = false;
    }
    let as_of = m.as_of.map(|d| evidence::utc_date(d.0));
    let what = format!("metric `{}`", m.id);
    let review = evidence::review_of(front, &what, m.review_by, as_of, m.review_by_offset, errors);
    let (true, Some(better)) = (ok, better) else {
        return None;
    };
    let claim_label = m.claim_label.unwrap_or_else(|| m.label.clone());
    let facts = Facts::of(
        Figures {
            before: m.before,
            after: m.after,
            better,
        },
        &claim_label,
        &m.unit,
        phrasing,
    );
    Some(Metric {
        id: m.id,
        label: m.label,
        claim_label,
        unit: m.unit,
        before: m.before,
        after: m.after,
        better,
        period: m.period,
        source,
        as_of,
        review,
        facts,
    })
}

/// A metric id must be a slug, unique within its case study.
fn check_metric_id(
    front: &Front,
    id: &str,
    at: usize,
    seen: &mut HashSet<String>,
    errors: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    if !crate::config::is_slug(id) {
        errors.push(
            front
                .err(
                    Code::MetricInvalid,
                    format!("metric id `{id}` is not a slug"),
                )
                .at(front.text(), at)
                .with_hint(format!(
                    "use lowercase letters, digits and hyphens, e.g. `{}`",
                    slug::slugify(id)
                )),
        );
        ok = false;
    }
    if !seen.insert(id.to_string()) {
        errors.push(
            front
                .err(
                    Code::MetricInvalid,
                    format!("metric `{id}` is declared twice"),
                )
                .at(front.text(), at)
                .with_hint("metric ids must be unique within a case study"),
        );
        ok = false;
    }
    ok
}

/// Which direction is an improvement: `better` must be "lower" or "higher".
fn metric_better(
    front: &Front,
    m: &RawMetric,
    at: usize,
    errors: &mut Vec<Diagnostic>,
) -> Option<Better> {
    let err = |message: String| front.err(Code::MetricInvalid, message).at(front.text(), at);
    match m.better.as_deref() {
        Some("lower") => Some(Better::Lower),
        Some("higher") => Some(Better::Higher),
        Some(other) => {
            errors.push(
                err(format!(
                    "metric `{}`: `better = \"{other}\"` must be \"lower\" or \"higher\"",
                    m.id
                ))
                .with_hint("say which direction is an improvement"),
            );
            None
        }
        None => {
            errors.push(err(format!("metric `{}` has no `better`", m.id)).with_hint(
                "add `better = \"lower\"` (less is better, e.g. downtime) or `better = \"higher\"`",
            ));
            None
        }
    }
}
