//! Phase 4: bodies, rendered (in parallel) once every URL is known; unchanged
//! bodies whose links and claims resolve as before come from the cache.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use super::cache::{Cache, fingerprint_hasher, hash_of};
use super::links::LinkIndex;
use super::meta::MetaFile;
use super::shortcodes::SiteShortcodes;
use super::{FastMap, Kind, PageMeta};
use crate::config::SiteConfig;
use crate::markdown::{self, Input};
use crate::source::{Asset, SourceFile};
use crate::urls::Urls;

/// A page's metadata and where its body starts in its text.
pub(super) type MetaAt = (Arc<PageMeta>, usize);

/// The texts, by page; a build frees each once its body is rendered (`None`).
pub(super) type Texts = Vec<Option<Arc<SourceFile>>>;

/// What a rendered body depends on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct BodyKey {
    source: u64,
    /// Every page's URL and status, every asset: what links resolve against.
    links: u64,
    /// What the case studies its claims cite show them ([`cited_cases`]).
    cases: u64,
}

/// Set the texts apart from the metadata, so that a build can free each text once
/// its body is rendered and the bodies reuse their memory.
pub(super) fn set_texts_apart(metas: Vec<MetaFile>) -> (Vec<MetaAt>, Texts) {
    metas
        .into_iter()
        .map(|(meta, file, body_offset)| ((meta, body_offset), Some(file)))
        .unzip()
}

/// What bodies render against.
pub(super) struct Inputs<'a> {
    pub config: &'a SiteConfig,
    pub links: &'a LinkIndex,
    pub shortcodes: &'a SiteShortcodes<'a>,
    /// [`links_fingerprint`] of what `links` is made of (0 without a cache).
    pub links_fingerprint: u64,
}

/// Phase 4. Takes every page's metadata and text; gives the published pages' bodies
/// as `(index in metas, body)`, reusing and updating `cache`. Without a cache, frees
/// each text that no diagnostic needs.
pub(super) fn render_bodies(
    inputs: &Inputs,
    metas: &[MetaAt],
    files: &mut Texts,
    cache: &mut Cache,
) -> Vec<(usize, Arc<markdown::Rendered>)> {
    let enabled = cache.enabled;
    let (links, cases) = if enabled {
        (inputs.links_fingerprint, cases(metas))
    } else {
        (0, Cases::default())
    };
    let cases_unchanged = enabled && cases.all == cache.cases;
    let cases_all = cases.all;
    let renderer = Renderer {
        inputs,
        cache: &cache.bodies,
        enabled,
        links,
        cases,
        cases_unchanged,
    };
    let rendered: Vec<(usize, Option<BodyKey>, Arc<markdown::Rendered>)> = metas
        .par_iter()
        .zip(files.par_iter_mut())
        .enumerate()
        .filter(|(_, ((m, _), _))| m.published)
        .map(|(i, ((meta, body_offset), slot))| {
            let (key, r) = renderer.render(meta, *body_offset, slot);
            (i, key, r)
        })
        .collect();
    for (i, key, r) in &rendered {
        if let Some(key) = key {
            let entry = (*key, r.clone());
            cache.bodies.insert(metas[*i].0.content_path.clone(), entry);
        }
    }
    if enabled && !cases_unchanged {
        // Only bodies looked at under the new case studies may skip that look next time.
        let looked: std::collections::HashSet<&str> = rendered
            .iter()
            .map(|(i, _, _)| metas[*i].0.content_path.as_str())
            .collect();
        cache.bodies.retain(|k, _| looked.contains(k.as_str()));
        cache.cases = cases_all;
    }
    rendered.into_iter().map(|(i, _, r)| (i, r)).collect()
}

/// What claims can see of each case study, by the name claims use for it (its slug),
/// and of all of them together.
#[derive(Default)]
struct Cases<'m> {
    by_slug: FastMap<&'m str, u64>,
    all: u64,
}

/// What links resolve against, hashed: every page's URL and status, every URL cairn
/// generates, every asset, the base path, `safe_html` and `[markdown] highlight`. Bodies and the link index
/// ([`LinkIndex`]) are made of these.
pub(super) fn links_fingerprint(
    config: &SiteConfig,
    urls: &Urls,
    assets: &[Asset],
    generated: &std::collections::HashSet<String>,
    metas: &[MetaAt],
) -> u64 {
    // Order-independent (a sum of per-page hashes): no sort of every path on each rebuild.
    let links: u64 = metas
        .par_iter()
        .map(|(m, _)| {
            let aliases = m.aliases.iter().map(|(a, _)| a.as_str());
            hash_of(&(
                m.content_path.as_str(),
                m.url.as_str(),
                m.published,
                aliases.collect::<Vec<_>>(),
            ))
        })
        .reduce(|| 0, u64::wrapping_add);
    let mut assets_list: Vec<&str> = assets.iter().map(|a| a.content_path.as_str()).collect();
    assets_list.sort_unstable();
    // Industries found in content make URLs of their own (`/industries/<id>/`).
    let generated: u64 = generated.iter().map(hash_of).fold(0, u64::wrapping_add);
    hash_of(&(
        links,
        generated,
        assets_list,
        urls.base_path(),
        config.safe_html,
        config.markdown.highlight,
    ))
}

/// A body's rendering depends on its text, what links resolve against
/// ([`links_fingerprint`]), and the case studies its claims cite: what claims see of them.
fn cases<'m>(metas: &'m [MetaAt]) -> Cases<'m> {
    // A claim names a case study by its default language's slug; its translations answer
    // to the same name on pages in their languages, so one name stands for all of them.
    let mut by_slug: FastMap<&str, u64> = FastMap::default();
    let names: FastMap<&str, &str> = metas
        .iter()
        .filter(|(m, _)| m.kind == Kind::CaseStudy && m.lang == 0)
        .map(|(m, _)| (m.key.as_str(), m.slug.as_str()))
        .collect();
    for (m, _) in metas.iter().filter(|(m, _)| m.kind == Kind::CaseStudy) {
        let name = names
            .get(m.key.as_str())
            .copied()
            .unwrap_or(m.slug.as_str());
        let h = by_slug.entry(name).or_insert(0);
        *h = h.wrapping_add(case_fingerprint(m));
    }
    let mut all: Vec<u64> = by_slug.values().copied().collect();
    all.sort_unstable();
    Cases {
        all: hash_of(&all),
        by_slug,
    }
}

/// What a body's claims depend on: the case studies they cite (or that none of that
/// name exists). A body with a problem (a claim that failed is not among its calls) or
/// whose shortcodes could not be read depends on every case study.
fn cited_cases(r: &markdown::Rendered, body: &str, cases: &Cases) -> u64 {
    // A claim that failed is not among the calls; its case study may be any of them.
    if !r.diagnostics.is_empty() {
        return cases.all;
    }
    if r.shortcodes.is_empty() {
        return if body.contains("{{") { cases.all } else { 0 };
    }
    let mut h = fingerprint_hasher();
    for (case, _) in r.claims() {
        (case, case.and_then(|c| cases.by_slug.get(c))).hash(&mut h);
    }
    h.finish()
}

/// What claims can see of a case study: its slug, URL, customer and metrics.
pub(super) fn case_fingerprint(m: &PageMeta) -> u64 {
    let mut h = fingerprint_hasher();
    (&m.slug, &m.url, m.published, m.lang).hash(&mut h);
    if let Some(c) = &m.case {
        c.customer.hash(&mut h);
        c.metrics.hash(&mut h);
    }
    h.finish()
}

/// Renders one body, or takes it from the cache.
struct Renderer<'a> {
    inputs: &'a Inputs<'a>,
    cache: &'a FastMap<String, (BodyKey, Arc<markdown::Rendered>)>,
    enabled: bool,
    links: u64,
    cases: Cases<'a>,
    /// Every case study shows claims what it showed at the last build.
    cases_unchanged: bool,
}

impl Renderer<'_> {
    /// The body of `meta`'s page and, when rendered anew with the cache on, the key to
    /// remember it by.
    fn render(
        &self,
        meta: &PageMeta,
        body_offset: usize,
        slot: &mut Option<Arc<SourceFile>>,
    ) -> (Option<BodyKey>, Arc<markdown::Rendered>) {
        let file = slot
            .as_ref()
            .expect("each text is kept until its body is rendered");
        let body = &file.text[body_offset..];
        if let Some((key, r)) = self.cache.get(&meta.content_path).filter(|_| self.enabled) {
            let still = key.source == meta.source_hash
                && key.links == self.links
                && (self.cases_unchanged || key.cases == cited_cases(r, body, &self.cases));
            if still {
                return (None, r.clone());
            }
        }
        let inputs = self.inputs;
        let r = render_body(
            meta,
            file,
            body_offset,
            inputs.config,
            inputs.links,
            inputs.shortcodes,
        );
        let key = self.enabled.then(|| BodyKey {
            source: meta.source_hash,
            links: self.links,
            cases: cited_cases(&r, body, &self.cases),
        });
        // Diagnostics point into the text; nothing else needs it any more.
        if !self.enabled && r.diagnostics.is_empty() && r.anchor_refs.is_empty() {
            *slot = None;
        }
        (key, Arc::new(r))
    }
}

/// Render a page's body: Markdown, shortcodes, links; its summary when the front
/// matter has none.
pub(super) fn render_body(
    meta: &PageMeta,
    file: &SourceFile,
    body_offset: usize,
    config: &SiteConfig,
    index: &LinkIndex,
    shortcodes: &SiteShortcodes,
) -> markdown::Rendered {
    let input = Input {
        path: &meta.path,
        file_text: &file.text,
        body_offset,
        content_path: &meta.content_path,
        safe_html: config.safe_html,
        lang: &config.languages[meta.lang].code,
        highlight: config.markdown.highlight,
    };
    let body = &file.text[body_offset..];
    if meta.lang == 0 {
        return markdown::render(body, &input, index, shortcodes);
    }
    // A page in another language links to pages and cites case studies in its language
    // where they exist.
    let code = &config.languages[meta.lang].code;
    let links = index.in_language(code);
    markdown::render(body, &input, &links, &shortcodes.in_language(meta.lang))
}
