//! One edited page put into the last build's site without building the model again,
//! when the edit leaves the site's shape as it was: [`patch_front`] resolves the page's
//! new front matter and body against what the last build resolved everything else
//! against, and checks that no index, path, citation or warning of the site changes.
//! Whatever it cannot prove the same, it leaves to a full build.

use std::sync::Arc;

use super::bodies::render_body;
use super::cache::{Patcher, hash_of};
use super::shortcodes::{CaseIndex, SiteShortcodes};
use super::{Options, Page, PageImage, PageMeta, Site};
use crate::markdown::{self, Shortcodes};
use crate::source::SourceFile;

/// What an edit of one page's front matter (and maybe body) makes: the page, and the
/// pages whose bodies cite its case study's figures, rendered again.
pub struct FrontEdit {
    /// The edited page's index in the site's pages, and its new value.
    pub page: (usize, Page),
    /// Pages whose claims cite the edited case study, with new bodies (front matter as it was).
    pub citing: Vec<(usize, Page)>,
    /// What claims resolve against after the edit, when the page is a case study whose
    /// figures, customer or name changed: the patcher must use it from now on.
    pub cases: Option<Cases>,
    /// Whether the page's stage, roles, industries, date or weight changed: it moves
    /// between lists or within them, and [`super::reshape`] puts it in.
    pub moves: bool,
    /// Where the page goes in the site's order when its date moved it there.
    pub to: Option<usize>,
}

/// What claims resolve against, for [`Patcher::set_cases`].
pub struct Cases(pub(super) CaseIndex);

/// The most citing pages an edit of a case study renders again here; beyond that, a
/// full build does it on both cores.
const MOST_CITING: usize = 256;

/// Takes the last build's site and patcher, the edited file's new text, and the
/// texts of the other pages by content path; gives what the edit makes, or `None` when
/// only a full build is right: the page is not published, the site has several
/// languages, the new front matter has an error, or the edit changes anything the
/// site's indices, URLs, links, citations, images or warnings are made of.
pub fn patch_front(
    site: &Site,
    patcher: &Patcher,
    new: &SourceFile,
    templates: &dyn Shortcodes,
    options: &Options,
    text_of: &dyn Fn(&str) -> Option<Arc<SourceFile>>,
) -> Option<FrontEdit> {
    if patcher.is_due(options.now)
        || !site.translations.is_empty()
        || site.config.languages.len() != 1
        // The default language's own names for industries are the site's industries.
        || !site.config.languages[0].industries.is_empty()
    {
        return None;
    }
    let (i, old_body) = super::cache::clean_page(site, &new.content_path)?;
    let page = &site.pages[i];
    let (meta, body_offset) = resolve(site, new, options)?;
    let moves = !same_terms(&page.meta, &meta);
    // Only articles and case studies are on the lists (a page's terms are its own).
    if moves && meta.kind == super::Kind::Page {
        return None;
    }
    // Industries found in content come and go with the pages naming them.
    let open = !site.config.industries_closed && page.meta.industries != meta.industries;
    if open || !same_shape(&page.meta, &meta, moves) || !(moves || keeps_place(site, i, &meta)) {
        return None;
    }
    let to = (moves.then(|| super::indices::new_place(&site.pages, i, &meta)))
        .flatten()
        .filter(|&to| to != i);
    // What the page shows by the clock alone must change no sooner than the site did.
    let changes = super::cache::changes_by_clock(&meta, options.now);
    if changes.is_some_and(|t| patcher.next_change.is_none_or(|n| t < n)) {
        return None;
    }
    let old_case = super::bodies::case_fingerprint(&page.meta);
    let meta = Arc::new(meta);
    let new_cases =
        (super::bodies::case_fingerprint(&meta) != old_case).then(|| patcher.cases.with(&meta));
    let shortcodes = SiteShortcodes {
        cases: new_cases.as_ref().unwrap_or(&patcher.cases),
        templates,
        urls: &site.urls,
        words: std::slice::from_ref(&*site.words),
        lang: 0,
    };
    let body = render_body(
        &meta,
        new,
        body_offset,
        &site.config,
        &patcher.links,
        &shortcodes,
    );
    if !same_reach(&old_body, &body) {
        return None;
    }
    let edited = Page::new(meta, Arc::new(body));
    // Evidence past review is a warning, before the edit or after it; one about figures
    // from data/ points into the CSV, not the page, so the caller cannot see it there.
    let overdue =
        |p: &Page| !super::evidence::overdue(std::slice::from_ref(p), options.now).is_empty();
    if overdue(page) || overdue(&edited) {
        return None;
    }
    let citing = match &new_cases {
        Some(_) => cite_again(site, i, (&patcher.links, &shortcodes), text_of)?,
        None => Vec::new(),
    };
    Some(FrontEdit {
        page: (i, edited),
        citing,
        cases: new_cases.map(Cases),
        moves,
        to,
    })
}

/// The new metadata of the page whose new text is `new`, resolved against the site's
/// terms, and where its body starts; `None` when it has an error, is a translation,
/// takes figures from data/ (which a full build reads again) or names an industry
/// otherwise than the site does.
fn resolve(site: &Site, new: &SourceFile, options: &Options) -> Option<(PageMeta, usize)> {
    let (fm, front_offset, body_offset) = super::parse::parse_file(new, None).ok()?;
    if fm.translated.is_some() || fm.metrics_from.is_some() {
        return None;
    }
    if !site.config.industries_closed && !names_industries_alike(site, &fm.industries) {
        return None;
    }
    let words = Options {
        words: Arc::new(vec![(*site.words).clone()]),
        ..options.clone()
    };
    let urls = std::slice::from_ref(&site.urls);
    let resolve = (&site.config, urls, &site.industries[..], &site.data);
    let mut meta = super::meta::resolve_one(resolve, &words, new, fm, front_offset).ok()?;
    meta.source_hash = hash_of(&*new.text);
    Some((meta, body_offset))
}

/// Whether a page keeps its stage, roles, industries, date and weight (its lists and
/// its places in them).
fn same_terms(old: &PageMeta, new: &PageMeta) -> bool {
    (old.stage, &old.roles, &old.industries, old.date, old.weight)
        == (new.stage, &new.roles, &new.industries, new.date, new.weight)
}

/// Whether the new metadata `new` of a page leaves the site's shape as `old` made it,
/// but for its stage, roles, industries, date and weight when it `moves`: the same
/// file, kind, language, URL, slug, aliases and image (wherever written); the same
/// publication; for a case study the same approval and metric ids (citations name
/// metrics by position). Title, summary, author, `updated`,
/// `extra`, quotes, figures and review dates may differ.
fn same_shape(old: &PageMeta, new: &PageMeta, moves: bool) -> bool {
    fn case(m: &PageMeta) -> Option<(super::Approval, bool, Vec<&str>)> {
        m.case.as_ref().map(|c| {
            let ids: Vec<&str> = c.metrics.iter().map(|m| m.id.as_str()).collect();
            (c.approval, c.featured, ids)
        })
    }
    (old.kind, old.lang, &old.key, &old.path, &old.content_path)
        == (new.kind, new.lang, &new.key, &new.path, &new.content_path)
        && (moves || same_terms(old, new))
        // A page joins the journey with a stage or leaves it without one: a full build.
        && old.stage.is_some() == new.stage.is_some()
        && (&old.slug, &old.url) == (&new.slug, &new.url)
        && shown_alike(old) == shown_alike(new)
        && (old.draft, old.published) == (new.draft, new.published)
        && case(old) == case(new)
}

/// A page's aliases and image, without where they are written in its file (which only
/// the diagnostics of a full build show, and no warning of the page may be about here).
fn shown_alike(m: &PageMeta) -> (Vec<&str>, Option<PageImage>) {
    let aliases = m.aliases.iter().map(|(a, _)| a.as_str()).collect();
    let image = m.image.clone().map(|i| PageImage { at: 0, ..i });
    (aliases, image)
}

/// Whether each industry a page names (`values`, as written) comes out with the name the
/// site has for it. Where site.toml declares no industries, the first page naming one
/// names it, as written there: a page written otherwise may rename it site-wide.
fn names_industries_alike(site: &Site, values: &[String]) -> bool {
    values.iter().all(|v| {
        let id = slug::slugify(v);
        (site.industries.iter())
            .find(|ind| ind.id == id)
            .is_some_and(|ind| super::meta::derive_name(v, &id) == ind.name)
    })
}

/// Whether page `i`, with the new metadata `new`, stays where it is on each role's path:
/// within a stage, pages of the same weight and date are in title order.
fn keeps_place(site: &Site, i: usize, new: &PageMeta) -> bool {
    let Some(stage) = new.stage else {
        return true;
    };
    let order = |p: usize| (super::indices::role_path_order(&site.pages[p].meta), p);
    let placed = (super::indices::role_path_order(new), i);
    new.roles.iter().all(|&r| {
        let list = &site.role_paths[r][stage];
        let Some(at) = list.iter().position(|&p| p == i) else {
            return false;
        };
        let before = at.checked_sub(1).map(|k| list[k]);
        let after = list.get(at + 1).copied();
        before.is_none_or(|p| order(p) < placed) && after.is_none_or(|p| placed < order(p))
    })
}

/// Whether a page's new body `new` reaches the rest of the site as `old` did: no
/// problems, links into the same headings of other pages (which the last build found,
/// and which no edit here renames), the same heading ids (links into it), the same
/// claims (citations) and the same images (the variants a build makes).
fn same_reach(old: &markdown::Rendered, new: &markdown::Rendered) -> bool {
    fn claims(r: &markdown::Rendered) -> Vec<(Option<&str>, Option<&str>)> {
        let mut v: Vec<_> = r.claims().collect();
        v.sort_unstable();
        v.dedup();
        v
    }
    let refs = |r: &markdown::Rendered| -> Vec<(String, String)> {
        let mut v: Vec<_> = (r.anchor_refs.iter())
            .map(|a| (a.target.clone(), a.anchor.clone()))
            .collect();
        v.sort_unstable();
        v
    };
    new.diagnostics.is_empty()
        && refs(new) == refs(old)
        && new.anchors == old.anchors
        && claims(new) == claims(old)
        && new
            .images
            .iter()
            .map(|s| &s.url)
            .eq(old.images.iter().map(|s| &s.url))
}

/// The pages citing case study `case` (other than itself), their bodies rendered again
/// with the shortcodes of the edit; `None` when one cannot be, or reaches the site
/// differently now, or there are too many.
fn cite_again(
    site: &Site,
    case: usize,
    (links, shortcodes): (&super::links::LinkIndex, &SiteShortcodes),
    text_of: &dyn Fn(&str) -> Option<Arc<SourceFile>>,
) -> Option<Vec<(usize, Page)>> {
    let mut pages: Vec<usize> = site
        .citations
        .range((case, 0)..(case + 1, 0))
        .flat_map(|(_, by)| by.iter().copied())
        .filter(|&p| p != case)
        .collect();
    pages.sort_unstable();
    pages.dedup();
    if pages.len() > MOST_CITING {
        return None;
    }
    pages
        .into_iter()
        .map(|p| {
            let page = &site.pages[p];
            let old = page.body.get();
            if !old.diagnostics.is_empty() {
                return None;
            }
            let text = text_of(&page.meta.content_path)?;
            let split = crate::source::split_front_matter(&text.text).ok()?;
            let body = render_body(
                &page.meta,
                &text,
                split.body_offset,
                &site.config,
                links,
                shortcodes,
            );
            same_reach(&old, &body).then(|| (p, Page::new(page.meta.clone(), Arc::new(body))))
        })
        .collect()
}
