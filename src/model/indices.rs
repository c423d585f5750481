//! Phase 6: the published pages in site order, and the indices over them: articles,
//! case studies, pages by stage and industry, role paths and the next page on each.

use std::cmp::{Ordering, Reverse};
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
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_by(|&a, &b| page_order(&pages[a].meta, &pages[b].meta));
    let mut slots: Vec<Option<Page>> = pages.into_iter().map(Some).collect();
    order
        .iter()
        .map(|&i| slots[i].take().expect("each page once"))
        .collect()
}

/// Articles and case studies newest first, then other pages by path.
fn page_order(a: &PageMeta, b: &PageMeta) -> Ordering {
    let listed = |m: &PageMeta| m.kind == Kind::Page;
    (listed(a), Reverse(a.date), &a.content_path).cmp(&(
        listed(b),
        Reverse(b.date),
        &b.content_path,
    ))
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
        list.sort_by(|&a, &b| role_path_order(&pages[a].meta, &pages[b].meta));
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
fn role_path_order(a: &PageMeta, b: &PageMeta) -> Ordering {
    (a.weight.is_none(), a.weight, Reverse(a.date), &a.title).cmp(&(
        b.weight.is_none(),
        b.weight,
        Reverse(b.date),
        &b.title,
    ))
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
