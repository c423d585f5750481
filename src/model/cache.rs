//! What a serve session keeps between builds ([`Cache`]) and after a successful
//! build ([`Patcher`]), and [`patch`]: re-rendering one edited body without
//! building the whole model again. Also the fingerprint hashes both use.

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use super::bodies::{BodyKey, MetaAt, render_body};
use super::links::LinkIndex;
use super::parse::RawResult;
use super::shortcodes::{CaseIndex, SiteShortcodes};
use super::{Approval, FastMap, Options, Page, PageMeta, Site};
use crate::markdown::{self, Shortcodes};
use crate::source::{SourceFile, split_front_matter};

/// What a serve session keeps between builds so that an edit re-parses and
/// re-renders only what it touched. A disabled cache (plain `build`) costs nothing.
#[derive(Default)]
pub struct Cache {
    pub(super) enabled: bool,
    /// content path → the text last parsed (kept alive, compared by pointer), its hash, the parse.
    pub(super) raw: FastMap<String, (Arc<str>, u64, Arc<RawResult>)>,
    /// content path → (text hash, industries fingerprint, resolved metadata).
    pub(super) metas: FastMap<String, (u64, u64, Arc<PageMeta>)>,
    /// content path → the inputs the body was rendered with, and the result.
    pub(super) bodies: FastMap<String, (BodyKey, Arc<markdown::Rendered>)>,
    /// What claims could see of all case studies at the last build: while it is the
    /// same, no cached body's claims need a look.
    pub(super) cases: u64,
    /// The last build's link index, with the fingerprint of what it was made from
    /// ([`super::bodies::links_fingerprint`]): reused while that is the same.
    pub(super) links: Option<(u64, Arc<LinkIndex>)>,
    /// The last build's recommendations, with the hash of everything they were made
    /// from ([`super::read_next::inputs`]): reused while that is the same.
    pub(super) read_next: Option<(u64, Vec<Vec<super::read_next::Recommendation>>)>,
    /// The last build's image headers: a file whose length and time are the same is not
    /// read again.
    pub(super) images: Option<Arc<crate::images::Table>>,
}

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

/// A hash of `bytes` that is the same on every machine, build and version (FNV-1a,
/// 64 bits): for what is written to disk or decides output, unlike [`hash_of`].
pub fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A fast, well-mixing hasher with fixed keys, for fingerprints within one process.
pub fn fingerprint_hasher() -> ahash::AHasher {
    ahash::RandomState::with_seeds(0x6361_6972, 0x6e5f_6670, 0x2023_1122, 0x7365_7373)
        .build_hasher()
}

/// What a serve session keeps from a successful build to re-render one edited body
/// without building the whole model again: what links and claims resolve against.
pub struct Patcher {
    pub(super) links: Arc<LinkIndex>,
    pub(super) cases: CaseIndex,
    /// The earliest time the site shows something else by the clock alone (a page held
    /// back for being in the future is published, an approval comes into force, a day
    /// begins for evidence with review dates): from then on, only a full build is right.
    pub(super) next_change: Option<jiff::Timestamp>,
}

impl Patcher {
    /// Whether the clock has changed what the site shows since the build (at `now`).
    pub(super) fn is_due(&self, now: jiff::Timestamp) -> bool {
        self.next_change.is_some_and(|t| now >= t)
    }

    /// From now on, claims resolve against `cases` (a case study was edited).
    pub fn set_cases(&mut self, cases: super::edit::Cases) {
        self.cases = cases.0;
    }

    /// Keeps the indices a build made.
    pub(super) fn new(
        links: Arc<LinkIndex>,
        cases: CaseIndex,
        next_change: Option<jiff::Timestamp>,
    ) -> Patcher {
        Patcher {
            links,
            cases,
            next_change,
        }
    }
}

/// With the cache enabled: what [`patch`] needs for the next edit.
pub(super) fn patcher(
    cache: &Cache,
    links: Arc<LinkIndex>,
    cases: CaseIndex,
    next_change: Option<jiff::Timestamp>,
) -> Option<Patcher> {
    cache
        .enabled
        .then(|| Patcher::new(links, cases, next_change))
}

/// The earliest time after `now` at which the site shows something else by the clock
/// alone: a page held back only by its date, or by an approval dated later, is
/// published (drafts and pages pending approval wait for an edit); a published case
/// study's approval or a quote's comes into force; or, where evidence has review dates,
/// the next day begins (its status, and whether it is overdue, goes by the day).
pub(super) fn next_change(metas: &[MetaAt], now: jiff::Timestamp) -> Option<jiff::Timestamp> {
    let held = metas
        .iter()
        .filter(|(m, _)| !m.published && !m.draft)
        .filter_map(|(m, _)| {
            let approval = m.case.as_ref().map_or(Approval::Unrecorded, |c| c.approval);
            let approved = match approval {
                Approval::Pending => return None,
                Approval::Approved(t) => Some(t),
                Approval::Unrecorded => None,
            };
            m.date.max(approved).filter(|&t| t > now)
        });
    let shown = metas
        .iter()
        .filter(|(m, _)| m.published)
        .filter_map(|(m, _)| changes_by_clock(m, now));
    held.chain(shown).min()
}

/// When published page `meta` shows something else by the clock alone, after `now`:
/// when an approval of its case study or of a quote comes into force, or the next day
/// when it has evidence to review by a date.
pub(super) fn changes_by_clock(meta: &PageMeta, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
    let case = meta.case.as_ref()?;
    let approvals = std::iter::once(case.approval).chain(case.quotes.iter().map(|q| q.approval));
    let approved = approvals.filter_map(|a| a.granted_later(now)).min();
    let reviewed = case.metrics.iter().any(|m| m.review.is_some())
        || case.quotes.iter().any(|q| q.review.is_some());
    let tomorrow = reviewed
        .then(|| super::evidence::utc_date(now).tomorrow().ok())
        .flatten()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp());
    approved.into_iter().chain(tomorrow).min()
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
    // A page of a site in several languages is shown by other languages too (a
    // fallback on their role paths): a full build renders each where it is shown.
    if patcher.is_due(options.now) || !site.translations.is_empty() {
        return None;
    }
    let (i, page_body) = clean_page(site, &new.content_path)?;
    let page = &site.pages[i];
    if !page_body.anchor_refs.is_empty() {
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
        words: std::slice::from_ref(&*site.words),
        lang: 0,
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
    );
    let same = body.diagnostics.is_empty()
        && body.anchor_refs.is_empty()
        && body.anchors == page_body.anchors
        && claims_of(&body) == claims_of(&page_body)
        // The site's list of images shown (whose variants a build makes) stays right.
        && body.images.iter().map(|s| &s.url).eq(page_body.images.iter().map(|s| &s.url));
    same.then(|| (i, Page::new(Arc::new(meta), Arc::new(body))))
}

/// The page at `content_path` and its body, when the body has no problems (a patch
/// would lose them: only a full build reports every problem).
pub(super) fn clean_page(
    site: &Site,
    content_path: &str,
) -> Option<(usize, Arc<markdown::Rendered>)> {
    // One lookup per edit: a scan costs less than keeping a map up to date on every build.
    let i = (site.pages.iter()).position(|p| p.meta.content_path == content_path)?;
    let body = site.pages[i].body.get();
    body.diagnostics.is_empty().then_some((i, body))
}

/// The `(case, metric)` pairs a body's claims cite, sorted, each once.
fn claims_of(r: &markdown::Rendered) -> Vec<(Option<&str>, Option<&str>)> {
    let mut v: Vec<_> = r.claims().collect();
    v.sort_unstable();
    v.dedup();
    v
}
