//! What each output file was made of, kept by a serve session so that the next
//! build renders only the files whose inputs changed.
//!
//! A job's fingerprint is the hash of its [`JobView`]: the very values its
//! template receives, with each card it shows replaced by that card's own
//! fingerprint (the hash of its [`CardView`](super::views::CardView)), together
//! with the template's name and the part of `site` the template can show. No
//! field is listed by hand: a field added to a view is in the fingerprint.
//!
//! So that an edit does not hash ten thousand views, a page's card and page
//! fingerprints are remembered with the objects they were made from (the
//! page's shared front matter and body, which a serve session's model reuses
//! while the file is unchanged, the site part, and for a page the fingerprints
//! of the cards it links to) and reused while those are the very same objects.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use serde::Serialize;

use super::context::{CARD_TEMPLATE, CardValue, Ctx};
use super::jobs::{Job, JobView, page_path, sitemap_entry, sitemap_parts, template_of, view};
use super::views::{SiteView, TermView, card, shown_from_others};
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::model::{Page, PageMeta, Site, fingerprint_hasher};

type FastMap<K, V> = HashMap<K, V, ahash::RandomState>;

/// The fingerprints of one build's outputs, and what the next build may reuse.
#[derive(Debug, Clone, Default)]
pub struct Fingerprints {
    /// Output file → (fingerprint, the path as the output record shares it).
    files: FastMap<String, (u64, Arc<str>)>,
    /// Page URL → its card's and its page's fingerprints, with what they were made from.
    memo: FastMap<String, Memo>,
    /// The hash of `site` as the build showed it, and with every count at 0.
    site: u64,
    bare: u64,
    /// Each page's sitemap entry, hashed, with the front matter it was made from.
    sitemap: SitemapMemo,
    /// Each page's card fingerprint, by its index in the build's pages: what an edit
    /// that leaves the site's shape as it was takes for every card it did not touch.
    cards: Vec<u64>,
}

/// The sitemap's entries for pages, hashed, in page order, with the front matter each
/// was made from and the site part they were made with (an entry is made of a page's
/// metadata and the site's URLs only).
#[derive(Debug, Clone, Default)]
struct SitemapMemo {
    site: u64,
    entries: Vec<(Arc<PageMeta>, u64)>,
}

impl Fingerprints {
    /// The fingerprint the last build recorded for output file `path`, and its shared path.
    pub fn of(&self, path: &str) -> Option<&(u64, Arc<str>)> {
        self.files.get(path)
    }

    /// How many output files the fingerprints describe.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether they describe no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The page at `from` moved to `to` in the site's order: its card fingerprint and
    /// sitemap entry go with it.
    pub fn move_page(&mut self, from: usize, to: usize) {
        if from < self.cards.len() && to < self.cards.len() {
            let card = self.cards.remove(from);
            self.cards.insert(to, card);
        }
        let entries = &mut self.sitemap.entries;
        if from < entries.len() && to < entries.len() {
            let entry = entries.remove(from);
            entries.insert(to, entry);
        }
    }

    /// Each page's card fingerprint, by page index (empty when not known for every page).
    pub(super) fn cards(&self) -> &[u64] {
        &self.cards
    }

    /// The card page `i` (at `url`) was last rendered to, when it was rendered for
    /// the fingerprint `fp`.
    pub(super) fn card_value(&self, url: &str, fp: u64) -> Option<&CardValue> {
        let (made, value) = self.memo.get(url)?.value.as_ref()?;
        (*made == fp).then_some(value)
    }

    /// Take in what a build over the one these describe made.
    pub fn apply(&mut self, made: Made) {
        match made {
            Made::Whole(whole) => *self = whole,
            Made::Changes(c) => {
                self.update(c.files, c.update);
                (self.site, self.bare) = c.site;
                self.cards = c.cards;
            }
        }
    }

    /// Add that `files` were written again from the inputs of their fingerprints, and
    /// what a [`Fingerprinter`] over the last build made.
    pub fn update(&mut self, files: Vec<(u64, Arc<str>)>, update: Update) {
        for (fp, path) in files {
            self.files.insert(path.to_string(), (fp, path));
        }
        (self.site, self.bare) = update.3;
        for &(i, fp) in &update.2 {
            if let Some(card) = self.cards.get_mut(i) {
                *card = fp;
            }
        }
        self.memo.extend(update.0);
        if let Some(sitemap) = update.1 {
            self.sitemap = sitemap;
        }
    }
}

/// Memo entries made by a [`Fingerprinter`] that only rendered some pages again, and
/// the card fingerprints it made (by page index).
#[derive(Debug)]
pub struct Update(
    Vec<(String, Memo)>,
    Option<SitemapMemo>,
    Vec<(usize, u64)>,
    (u64, u64),
);

/// What a build over the last one changed in its fingerprints: when it made the very
/// same files, the last build's fingerprints are updated in place
/// ([`Fingerprints::apply`]) rather than made again for ten thousand files.
#[derive(Debug)]
pub struct Changes {
    files: Vec<(u64, Arc<str>)>,
    update: Update,
    site: (u64, u64),
    cards: Vec<u64>,
}

/// A build's fingerprints: all of them, or the changes to the last build's.
#[derive(Debug)]
pub enum Made {
    Whole(Fingerprints),
    Changes(Changes),
}

#[derive(Debug, Clone)]
struct Memo {
    meta: Arc<PageMeta>,
    body: Arc<Rendered>,
    /// The card's fingerprint, and the hash of the site part and of what it shows of
    /// other pages ([`shown_from_others`]) it was made with.
    card: Option<(u64, u64)>,
    /// The page's fingerprint, and the hash of the other inputs it was made with.
    page: Option<(u64, u64)>,
    /// The card rendered, and the card fingerprint it was rendered with: a listing
    /// needs every card it shows, and a card's view decides what it renders to.
    value: Option<(u64, CardValue)>,
}

/// What a build made of one page's card and page fingerprints: the memo entry to keep,
/// made only when the previous build's entry does not already hold it.
#[derive(Debug, Clone, Copy)]
struct Taken<'a> {
    /// The previous build's entry for the page's URL, when made from the very same
    /// front matter and body.
    same: Option<&'a Memo>,
    /// The card's fingerprint and inputs.
    card: (u64, u64),
    /// The page's fingerprint and inputs, when known.
    page: Option<(u64, u64)>,
}

impl Taken<'_> {
    /// Whether the previous entry serves as well as the one this build would make, with
    /// the page fingerprint `page` and a card rendered for fingerprint `value` (if any):
    /// made from the same objects, with the same fingerprints, and a card rendered for
    /// the same fingerprint (or, when none was rendered, for the card's).
    fn held(&self, page: Option<(u64, u64)>, value: Option<u64>) -> bool {
        self.same.is_some_and(|m| {
            let kept = m.value.as_ref().map(|(f, _)| *f);
            m.card == Some(self.card)
                && m.page == page
                && (kept == value || value.is_none() && kept == Some(self.card.0))
        })
    }
}

/// A [`Hasher`] as an [`std::io::Write`], to hash what serde writes.
struct HashWriter<'h>(&'h mut ahash::AHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Hash `value` as a template would receive it (its serde form).
fn hash_value(h: &mut ahash::AHasher, value: &impl Serialize) {
    // Writing to a hasher cannot fail; a value that cannot be serialised cannot be rendered.
    let _ = serde_json::to_writer(HashWriter(h), value);
    h.write_u8(0xff);
}

/// Card fingerprints and memos by page: a slot for every page when a build takes every
/// fingerprint, a small map when it renders a few pages (fresh memory is not free).
enum Cards<'a> {
    Every(Vec<OnceLock<Taken<'a>>>),
    Few(Mutex<FastMap<usize, Taken<'a>>>),
}

/// The fingerprints of one build, made from its [`Ctx`] and the previous build's memo.
pub struct Fingerprinter<'a> {
    cx: &'a Ctx<'a>,
    /// `site` with every count at 0: what templates that cannot show counts are
    /// fingerprinted with.
    without_counts: &'a SiteView<'a>,
    /// Hashes of `site` as templates that show counts see it, and as the others do.
    site_full: u64,
    site_without_counts: u64,
    previous: &'a Fingerprints,
    /// Each page's card fingerprint and memo, made when first asked for.
    cards: Cards<'a>,
    /// Page fingerprints made this build: (page, fingerprint, inputs).
    pages: Mutex<Vec<(usize, u64, u64)>>,
    /// For an edit that left the site's shape as it was: the last build's card
    /// fingerprints by page, which hold for every page but the `touched` ones.
    known: Option<(
        &'a [u64],
        &'a std::collections::HashSet<usize, ahash::RandomState>,
    )>,
    /// The sitemap's page entries, when its fingerprint was taken this build.
    sitemap: Mutex<Option<SitemapMemo>>,
}

impl<'a> Fingerprinter<'a> {
    /// `without_counts` is [`without_counts`] of the context's site view; `every` when
    /// the build will take the fingerprint of every page.
    pub fn new(
        cx: &'a Ctx<'a>,
        without_counts: &'a SiteView<'a>,
        previous: &'a Fingerprints,
        every: bool,
    ) -> Fingerprinter<'a> {
        let cards = if every {
            Cards::Every((0..cx.site.pages.len()).map(|_| OnceLock::new()).collect())
        } else {
            Cards::Few(Mutex::new(FastMap::default()))
        };
        Fingerprinter {
            cx,
            without_counts,
            site_full: hash_site(&cx.site_view, cx.site.data.hash()),
            site_without_counts: hash_site(without_counts, cx.site.data.hash()),
            previous,
            cards,
            pages: Mutex::new(Vec::new()),
            sitemap: Mutex::new(None),
            known: None,
        }
    }

    /// Take the previous build's card fingerprint of every page but the `touched` ones:
    /// for an edit that left the site's shape as it was and showed nothing of other
    /// pages differently (the caller's promise). Touched pages' cards are made as usual.
    pub fn knowing(
        mut self,
        touched: &'a std::collections::HashSet<usize, ahash::RandomState>,
    ) -> Fingerprinter<'a> {
        self.known = Some((self.previous.cards(), touched));
        self
    }

    /// Make every card's fingerprint, in parallel.
    pub fn all_cards(&self) {
        (0..self.cx.site.pages.len()).into_par_iter().for_each(|i| {
            self.card_of(i);
        });
    }

    /// The hash of the part of `site` that `template` can show.
    fn site_part(&self, template: &str) -> u64 {
        if self.cx.theme.reads_counts(template) {
            self.site_full
        } else {
            self.site_without_counts
        }
    }

    /// The site view `template` is fingerprinted with.
    fn terms(&self, template: &str) -> &'a SiteView<'a> {
        if self.cx.theme.reads_counts(template) {
            &self.cx.site_view
        } else {
            self.without_counts
        }
    }

    /// Page `i`'s card fingerprint.
    pub fn card_of(&self, i: usize) -> u64 {
        if let Some((known, touched)) = self.known
            && !touched.contains(&i)
        {
            return known[i];
        }
        match &self.cards {
            Cards::Every(cards) => cards[i].get_or_init(|| self.card(i)).card.0,
            Cards::Few(cards) => {
                let lock = || cards.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(made) = lock().get(&i) {
                    return made.card.0;
                }
                let made = self.card(i);
                lock().entry(i).or_insert(made).card.0
            }
        }
    }

    /// Page `i`'s card fingerprint, with what the memo entry to keep for its page needs.
    fn card(&self, i: usize) -> Taken<'a> {
        let site = self.site_part(CARD_TEMPLATE);
        let page = &self.cx.site.pages[i];
        let remembered = self.previous.memo.get(&page.meta.url);
        let previous =
            remembered.filter(|m| Arc::ptr_eq(&m.meta, &page.meta) && page.body.is(&m.body));
        let others = if page.meta.case.is_some() {
            let mut h = fingerprint_hasher();
            hash_value(&mut h, &shown_from_others(self.cx.site, i));
            h.finish()
        } else {
            0
        };
        let inputs = crate::model::hash_of(&(site, others));
        let fp = match previous.and_then(|m| m.card).filter(|&(_, k)| k == inputs) {
            Some((fp, _)) => fp,
            None => {
                let mut h = fingerprint_hasher();
                (CARD_TEMPLATE, site).hash(&mut h);
                hash_value(&mut h, &card(self.cx.site, i, page, true));
                h.finish()
            }
        };
        if let Some((_, value)) = remembered
            .and_then(|m| m.value.as_ref())
            .filter(|(f, _)| *f == fp)
        {
            self.cx.reuse_card(i, value.clone());
        }
        Taken {
            same: previous,
            card: (fp, inputs),
            page: previous.and_then(|m| m.page),
        }
    }

    /// The fingerprint of `job`, and its output file.
    pub fn job(&self, job: Job) -> Result<(u64, String), Diagnostic> {
        if let Job::Page(i) = job {
            return Ok((self.page(i)?, page_path(self.cx.site, i)));
        }
        if job == Job::Sitemap {
            return Ok(self.sitemap());
        }
        if let Job::Email(i, _) = job {
            // An email edition is its page's view and its body rewritten: hashed whole.
            let body = self.cx.site.pages[i].body.get();
            let card_of = |i: usize| Ok(self.card_of(i));
            let terms = self.terms(template_of(self.cx.site, job));
            let view: JobView<u64> = view(self.cx, terms, job, Some(&body), &card_of)?;
            return Ok((self.hash_view(&view), view.path));
        }
        let card_of = |i: usize| Ok(self.card_of(i));
        let terms = self.terms(template_of(self.cx.site, job));
        let view: JobView<u64> = view(self.cx, terms, job, None, &card_of)?;
        Ok((self.hash_view(&view), view.path))
    }

    /// A page's fingerprint: remembered while its front matter and body are the same
    /// objects and its card, its site part and the cards it links to are unchanged.
    fn page(&self, i: usize) -> Result<u64, Diagnostic> {
        let site = self.cx.site;
        let template = template_of(site, Job::Page(i));
        let next: Vec<Option<u64>> = site.next[i]
            .iter()
            .map(|n| n.map(|n| self.card_of(n)))
            .collect();
        // What the page shows of other pages: the cards its links and recommendations
        // show, and why each is recommended.
        let read_next: Vec<(u64, u64)> = site.read_next[i]
            .iter()
            .map(|r| {
                let why = crate::model::hash_of(&(r.why, r.role, r.industry));
                (self.card_of(r.page), why)
            })
            .collect();
        // The page's versions in other languages are its `hreflang` links.
        let versions = site.alternates.of(&site.pages[i].meta.key);
        let inputs = crate::model::hash_of(&(
            self.site_part(template),
            self.card_of(i),
            next,
            read_next,
            versions,
        ));
        self.card_of(i);
        let remembered = match &self.cards {
            Cards::Every(cards) => cards[i].get().and_then(|m| m.page),
            Cards::Few(cards) => {
                let cards = cards.lock().unwrap_or_else(|e| e.into_inner());
                cards.get(&i).and_then(|m| m.page)
            }
        };
        if let Some((fp, _)) = remembered.filter(|&(_, k)| k == inputs) {
            return Ok(fp);
        }
        let body = site.pages[i].body.get();
        let card_of = |n: usize| Ok(self.card_of(n));
        let terms = self.terms(template);
        let view: JobView<u64> = view(self.cx, terms, Job::Page(i), Some(&body), &card_of)?;
        let fp = self.hash_view(&view);
        self.pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((i, fp, inputs));
        Ok(fp)
    }

    /// The sitemap's fingerprint and file: its view hashed entry by entry, each page's
    /// entry remembered with the very front matter it was made from.
    fn sitemap(&self) -> (u64, String) {
        let cx = self.cx;
        let template = template_of(cx.site, Job::Sitemap);
        let site = self.site_part(template);
        let previous = &self.previous.sitemap;
        let previous = if previous.site == site {
            &previous.entries[..]
        } else {
            &[]
        };
        let entries: Vec<(Arc<PageMeta>, u64)> = (cx.site.pages.par_iter().enumerate())
            .map(|(i, p)| match previous.get(i) {
                Some((meta, h)) if Arc::ptr_eq(meta, &p.meta) => (meta.clone(), *h),
                _ => {
                    let mut h = fingerprint_hasher();
                    hash_value(&mut h, &sitemap_entry(cx, &p.meta));
                    (p.meta.clone(), h.finish())
                }
            })
            .collect();
        let (home, listings) = sitemap_parts(cx);
        let path = crate::urls::output_file(&cx.site.urls.sitemap());
        let mut h = fingerprint_hasher();
        (template, site, &path, "entries").hash(&mut h);
        hash_value(&mut h, &home);
        entries.iter().for_each(|(_, e)| h.write_u64(*e));
        hash_value(&mut h, &listings);
        if !cx.site.translations.is_empty() {
            // Every entry has its versions in other languages, which the memo does not see.
            hash_value(&mut h, &super::jobs::translated_entries(cx));
            let mut keys: Vec<_> = cx.site.alternates.pages.iter().collect();
            keys.sort_unstable();
            keys.hash(&mut h);
        }
        let memo = SitemapMemo { site, entries };
        *self.sitemap.lock().unwrap_or_else(|e| e.into_inner()) = Some(memo);
        (h.finish(), path)
    }

    fn hash_view(&self, view: &JobView<u64>) -> u64 {
        let mut h = fingerprint_hasher();
        (view.template, self.site_part(view.template), &view.path).hash(&mut h);
        for (name, value) in &view.values {
            name.hash(&mut h);
            hash_value(&mut h, value);
        }
        h.finish()
    }

    /// The memo entries made this build, by page URL, the sitemap's if it was taken, and
    /// the card fingerprints made (page, fingerprint), in page order.
    /// With `only_new`, entries the previous build's memo holds as they are are left out.
    fn into_memo(self, only_new: bool) -> MemoMade {
        let sitemap = self
            .sitemap
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let pages = &self.cx.site.pages;
        let cx = self.cx;
        let page_fps: FastMap<usize, (u64, u64)> = self
            .pages
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .map(|(i, fp, inputs)| (i, (fp, inputs)))
            .collect();
        // One pass, over the cards made this build only (a patch makes a few).
        let mut memo = Vec::with_capacity(if page_fps.len() > 64 { pages.len() } else { 64 });
        let mut made: Vec<(usize, Taken)> = match self.cards {
            Cards::Every(cards) => cards
                .into_iter()
                .enumerate()
                .filter_map(|(i, c)| Some((i, c.into_inner()?)))
                .collect(),
            Cards::Few(cards) => cards
                .into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .into_iter()
                .collect(),
        };
        made.sort_unstable_by_key(|(i, _)| *i);
        let cards: Vec<(usize, u64)> = made.iter().map(|(i, m)| (*i, m.card.0)).collect();
        for (i, m) in made {
            let fp = m.card.0;
            let value = cx.made_card(i);
            let page = page_fps.get(&i).copied().or(m.page);
            if only_new && m.held(page, value.map(|_| fp)) {
                continue;
            }
            let p = &pages[i];
            let entry = Memo {
                meta: p.meta.clone(),
                body: p.body.get(),
                card: Some(m.card),
                page,
                value: value.map(|v| (fp, v.clone())),
            };
            memo.push((p.meta.url.clone(), entry));
        }
        (memo, sitemap, cards)
    }

    /// The fingerprints of a build that wrote every file of the site, `files`.
    pub fn finish(self, files: impl Iterator<Item = (u64, Arc<str>)>) -> Fingerprints {
        let (site, bare) = (self.site_full, self.site_without_counts);
        let pages = self.cx.site.pages.len();
        let (memo, sitemap, cards) = self.into_memo(false);
        Fingerprints {
            files: files
                .map(|(fp, path)| (path.to_string(), (fp, path)))
                .collect(),
            memo: memo.into_iter().collect(),
            site,
            bare,
            sitemap: sitemap.unwrap_or_default(),
            cards: every_card(cards, pages),
        }
    }

    /// What [`Fingerprints::update`] needs to add this build's work to the last build's.
    pub fn into_update(self) -> Update {
        let site = (self.site_full, self.site_without_counts);
        let (memo, sitemap, cards) = self.into_memo(false);
        Update(memo, sitemap, cards, site)
    }

    /// The changes to the previous build's fingerprints for a build that made the same
    /// files, `rendered` of them anew (the others unchanged): fingerprints of those, and
    /// the memo entries that are not already there as they are.
    pub fn changes(self, rendered: Vec<(u64, Arc<str>)>) -> Changes {
        let site = (self.site_full, self.site_without_counts);
        let pages = self.cx.site.pages.len();
        let (memo, sitemap, cards) = self.into_memo(true);
        Changes {
            files: rendered,
            update: Update(memo, sitemap, Vec::new(), site),
            site,
            cards: every_card(cards, pages),
        }
    }

    /// Whether `site` (counts and all) is what the previous build showed.
    pub fn same_site(&self) -> bool {
        self.site_full == self.previous.site
    }

    /// Whether `site` with every count at 0 is what the previous build showed.
    pub fn same_bare_site(&self) -> bool {
        self.site_without_counts == self.previous.bare
    }

    /// Whether the part of `site` that `template` can show is what the previous build showed.
    pub fn same_site_part(&self, template: &str) -> bool {
        self.same_site() || (self.same_bare_site() && !self.cx.theme.reads_counts(template))
    }
}

/// What [`Fingerprinter::into_memo`] gives.
type MemoMade = (Vec<(String, Memo)>, Option<SitemapMemo>, Vec<(usize, u64)>);

/// The card fingerprints `made` (page, fingerprint, in page order) as one for each of
/// `pages` pages, or none when some page has none.
fn every_card(made: Vec<(usize, u64)>, pages: usize) -> Vec<u64> {
    if made.len() != pages {
        return Vec::new();
    }
    made.into_iter().map(|(_, fp)| fp).collect()
}

/// What page `i`'s card shows, hashed: equal for two versions of a page whose cards
/// (in every listing, feed and neighbour that shows them) are the same.
pub fn card_hash(site: &Site, i: usize, page: &Page) -> u64 {
    let mut h = fingerprint_hasher();
    hash_value(&mut h, &card(site, i, page, true));
    h.finish()
}

/// `site` as templates see it, and the hash of `data`, hashed.
fn hash_site(view: &SiteView, data: u64) -> u64 {
    let mut h = fingerprint_hasher();
    hash_value(&mut h, view);
    // `data` is beside `site` in every template.
    h.write_u64(data);
    h.finish()
}

/// `view` with every count at 0.
pub fn without_counts<'a>(view: &SiteView<'a>) -> SiteView<'a> {
    let zero = |terms: &[TermView<'a>]| -> Vec<TermView<'a>> {
        terms
            .iter()
            .map(|t| TermView {
                count: 0,
                ..t.clone()
            })
            .collect()
    };
    SiteView {
        stages: zero(&view.stages),
        roles: zero(&view.roles),
        industries: zero(&view.industries),
        article_count: 0,
        case_study_count: 0,
        ..view.clone()
    }
}
