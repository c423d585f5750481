//! Phase 6: the published pages in site order, and the indices over them: articles,
//! case studies, pages by stage and industry, role paths and the next page on each.

use std::cmp::Reverse;
use std::sync::Arc;

use super::bodies::MetaAt;
use super::{Kind, Page, PageMeta};
use crate::config::SiteConfig;
use crate::markdown::Rendered;

/// Phase 6a. Takes every page's metadata and the published pages' bodies (by index in
/// `metas`); gives the published pages: articles and case studies newest first, then
/// other pages by path.
pub(super) fn pages_in_order(
    metas: Vec<MetaAt>,
    rendered: Vec<(usize, Arc<Rendered>)>,
) -> Vec<Page> {
    let mut bodies: Vec<Option<Arc<Rendered>>> = vec![None; metas.len()];
    for (i, r) in rendered {
        bodies[i] = Some(r);
    }
    let mut pages: Vec<Page> = Vec::with_capacity(metas.len());
    for ((meta, _), body) in metas.into_iter().zip(bodies) {
        let Some(body) = body else { continue };
        pages.push(Page::new(meta, body));
    }
    // Sorting the keys side by side, not by looking each page up in every comparison.
    let order: Vec<usize> = {
        let mut keyed: Vec<_> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (page_order(&p.meta), i))
            .collect();
        keyed.sort_unstable();
        keyed.into_iter().map(|(_, i)| i).collect()
    };
    let mut slots: Vec<Option<Page>> = pages.into_iter().map(Some).collect();
    order
        .iter()
        .map(|&i| slots[i].take().expect("each page once"))
        .collect()
}

/// Where page `i` of `pages` (in site order) goes with the metadata `new`: its index
/// once it is taken out and put back in its place.
pub(super) fn new_place(pages: &[Page], i: usize, new: &PageMeta) -> Option<usize> {
    let n = pages.len().checked_sub(1)?;
    let key = page_order(new);
    let other = |j: usize| &pages[if j < i { j } else { j + 1 }].meta;
    // Binary search over the others, by the order a full build sorts them in.
    let (mut low, mut high) = (0, n);
    while low < high {
        let mid = (low + high) / 2;
        if page_order(other(mid)) < key {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    Some(low)
}

/// Articles and case studies newest first, then other pages by path (unique: a total order).
fn page_order(m: &PageMeta) -> (bool, Reverse<Option<jiff::Timestamp>>, &str) {
    (m.kind == Kind::Page, Reverse(m.date), &m.content_path)
}

/// The indices over the pages (see the fields of [`super::Site`] of the same names).
pub(super) struct Indices {
    pub articles: Vec<usize>,
    pub case_studies: Vec<usize>,
    pub role_paths: Vec<Vec<Vec<usize>>>,
    pub by_stage: Vec<Vec<usize>>,
    pub by_industry: Vec<Vec<usize>>,
    pub next: Vec<Vec<Option<usize>>>,
}

/// Phase 6b. Takes the site's stages and roles, the number of industries and the pages
/// in site order; gives every index over them.
pub(super) fn indices(config: &SiteConfig, industries: usize, pages: &[Page]) -> Indices {
    let (stages, roles) = (config.stages.len(), config.roles.len());
    let articles: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].meta.kind != Kind::Page)
        .collect();
    let case_studies: Vec<usize> = articles
        .iter()
        .copied()
        .filter(|&i| pages[i].meta.kind == Kind::CaseStudy)
        .collect();
    let mut role_paths = vec![vec![Vec::new(); stages]; roles];
    let mut by_stage = vec![Vec::new(); stages];
    let mut by_industry = vec![Vec::new(); industries];
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
    for list in role_paths.iter_mut().flatten() {
        // Ties keep site order: the index is the last key.
        let mut keyed: Vec<_> = list
            .iter()
            .map(|&i| (role_path_order(&pages[i].meta), i))
            .collect();
        keyed.sort_unstable();
        *list = keyed.into_iter().map(|(_, i)| i).collect();
    }
    let next = next_on_paths(&role_paths, pages);
    Indices {
        articles,
        case_studies,
        role_paths,
        by_stage,
        by_industry,
        next,
    }
}

/// Within a stage of a role's path: by weight (pages without one last), then newest, then title.
pub(super) fn role_path_order(
    m: &PageMeta,
) -> (bool, Option<i64>, Reverse<Option<jiff::Timestamp>>, &str) {
    (m.weight.is_none(), m.weight, Reverse(m.date), &m.title)
}

/// `[page][k]`: the page after it on the path of its k-th role, across stages in
/// journey order; once for all pages (not a scan per page).
fn next_on_paths(role_paths: &[Vec<Vec<usize>>], pages: &[Page]) -> Vec<Vec<Option<usize>>> {
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
    next
}

/// On the site in another language: each stage of a role's path that has nothing in that
/// language shows the default language's pages for it (`default`'s), added after the
/// site's own pages (`site.own`). They are shown on role paths only: no listing, feed or
/// recommendation holds them, and they get no output of their own in this language.
pub(super) fn fall_back(site: &mut super::Site, default: &super::Site) {
    let mut added: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (r, stages) in site.role_paths.iter_mut().enumerate() {
        for (s, list) in stages.iter_mut().enumerate() {
            if !list.is_empty() {
                continue;
            }
            for &d in &default.role_paths[r][s] {
                let i = *added.entry(d).or_insert_with(|| {
                    site.pages.push(default.pages[d].clone());
                    site.pages.len() - 1
                });
                list.push(i);
            }
        }
    }
    let foreign = site.pages.len() - site.own;
    site.next.extend((0..foreign).map(|_| Vec::new()));
    site.read_next.extend((0..foreign).map(|_| Vec::new()));
}
