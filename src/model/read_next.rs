//! Phase 8: "read next", up to [`READ_NEXT`] recommendations per article and case
//! study, each with its reason. Preferred in this order: the same role and industry at
//! the next stage of the journey; the same role at the next stage; the same role and
//! industry at the same stage; the same role further along; the same role at the same
//! stage; the same industry. Never the page itself, and never a page its "next for
//! <role>" links already show.
//!
//! Within each list (a role's path at one stage, an industry) candidates are taken in a
//! fixed pseudo-random order of their source paths, starting where the recommending
//! page's own path falls in it. That spreads recommendations over the whole list (no
//! page is recommended by thousands of others), and it is stable: adding, removing or
//! editing one page changes the recommendations of only the few pages beside it in that
//! order, so `serve` re-renders few pages. Each page looks at a bounded number of
//! candidates per list: the phase is linear in the number of pages.

use rayon::prelude::*;

use super::{Page, Site};

/// Recommendations per page.
pub const READ_NEXT: usize = 3;

/// How many candidates of one list a page looks at, at most.
const LOOK: usize = 32;

/// Why a page is recommended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Why {
    /// At the next stage of a role's path the page is on.
    NextStage,
    /// At the same stage of a role's path.
    SameStage,
    /// At a later stage of a role's path, past the next.
    LaterStage,
    /// In an industry of the page.
    Industry,
}

/// One recommendation: a page (index in [`Site::pages`]), why, and the role and
/// industry the two pages share (as far as the reason names them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recommendation {
    pub page: usize,
    pub why: Why,
    pub role: Option<usize>,
    pub industry: Option<usize>,
}

/// The lists recommendations come from, each in the order of [`spread`].
struct Lists {
    /// `[role][stage]`: pairs (spread key, page).
    paths: Vec<Vec<Vec<(u64, usize)>>>,
    /// `[industry]`: pairs (spread key, page), articles and case studies.
    industries: Vec<Vec<(u64, usize)>>,
}

/// Phase 8. Takes the site with its indices; gives `[page]` → its recommendations (empty
/// for pages off the journey).
pub(super) fn read_next(site: &Site) -> Vec<Vec<Recommendation>> {
    let (keys, lists) = lists(site);
    (0..site.pages.len())
        .into_par_iter()
        .map(|i| for_page(site, &lists, i, keys[i]))
        .collect()
}

/// Each page's spread key, and the lists recommendations come from.
fn lists(site: &Site) -> (Vec<u64>, Lists) {
    let keys: Vec<u64> = site.pages.par_iter().map(key).collect();
    let keyed = |list: &Vec<usize>| -> Vec<(u64, usize)> {
        let mut v: Vec<(u64, usize)> = list.iter().map(|&i| (keys[i], i)).collect();
        v.sort_unstable();
        v
    };
    let lists = Lists {
        paths: (site.role_paths.par_iter())
            .map(|stages| stages.iter().map(keyed).collect())
            .collect(),
        industries: site.by_industry.par_iter().map(keyed).collect(),
    };
    (keys, lists)
}

/// After page `i` moved between lists (its stage, roles or industries changed; every
/// other page as it was, `next` already updated): the pages whose recommendations may
/// have changed, besides `i` and the pages whose "next for" links changed: those whose
/// window of candidates in a list that holds `i` now or held it before (a role's path
/// at stage `stages`, for each of `roles`; each of `industries`) holds `i`, in either
/// version of the list. Gives each with its new recommendations.
pub(super) fn around_page(
    site: &Site,
    i: usize,
    (roles, stages, industries): (&[usize], &[usize], &[usize]),
    also: &[usize],
) -> Vec<(usize, Vec<Recommendation>)> {
    let (keys, lists) = lists(site);
    let from = keys[i];
    let mut pages: Vec<usize> = also.to_vec();
    pages.push(i);
    for &r in roles {
        for &s in stages {
            let range = window_keys(&lists.paths[r][s], from);
            // Pages at this stage or an earlier one look at this stage of the path.
            for list in &lists.paths[r][..=s] {
                pages.extend(in_range(list, range));
            }
        }
    }
    for &ind in industries {
        let list = &lists.industries[ind];
        pages.extend(in_range(list, window_keys(list, from)));
    }
    pages.sort_unstable();
    pages.dedup();
    pages
        .into_par_iter()
        .map(|p| (p, for_page(site, &lists, p, keys[p])))
        .collect()
}

/// The spread keys of the pages whose window in `list` holds the page of key `from`
/// (in `list`, or in `list` with that page added): from the key [`LOOK`] + 1 places
/// before it, cyclically, to it; `None` when every page's window is the whole list.
fn window_keys(list: &[(u64, usize)], from: u64) -> Option<(u64, u64)> {
    let n = list.len();
    if n <= LOOK + 1 {
        return None;
    }
    let at = list.partition_point(|&(k, _)| k < from);
    Some((list[(at + n - (LOOK + 1)) % n].0, from))
}

/// The pages of `list` whose keys are in `range` (cyclic; `None`: all).
fn in_range(list: &[(u64, usize)], range: Option<(u64, u64)>) -> Vec<usize> {
    let Some((low, high)) = range else {
        return list.iter().map(|&(_, p)| p).collect();
    };
    let from = list.partition_point(|&(k, _)| k < low);
    let to = list.partition_point(|&(k, _)| k <= high);
    if low <= high {
        list[from..to].iter().map(|&(_, p)| p).collect()
    } else {
        (list[from..].iter().chain(&list[..to]))
            .map(|&(_, p)| p)
            .collect()
    }
}

/// Phase 9 in a serve session: the last build's recommendations while everything they
/// are made from is the same (a title, summary, body or metric edit), else made anew.
pub(super) fn read_next_cached(site: &Site, cache: &mut super::Cache) -> Vec<Vec<Recommendation>> {
    if !cache.enabled {
        return read_next(site);
    }
    let key = inputs(site);
    if let Some((_, recs)) = cache.read_next.as_ref().filter(|(k, _)| *k == key) {
        return recs.clone();
    }
    let recs = read_next(site);
    cache.read_next = Some((key, recs.clone()));
    recs
}

/// A hash of all that [`read_next`] reads: each page's path, kind, stage, roles and
/// industries in site order, the role paths, the industries' pages, the next-for links.
pub(super) fn inputs(site: &Site) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = super::fingerprint_hasher();
    for p in &site.pages {
        let m = &p.meta;
        (&m.content_path, m.kind, m.stage, &m.roles, &m.industries).hash(&mut h);
    }
    (&site.role_paths, &site.by_industry, &site.next).hash(&mut h);
    site.config.stages.len().hash(&mut h);
    h.finish()
}

/// Where a page falls in the spread order: a hash of its source path that is the same
/// on every machine and every build (FNV-1a).
fn key(page: &Page) -> u64 {
    super::stable_hash(page.meta.content_path.as_bytes())
}

/// At most [`LOOK`] pages of `list`, in spread order from where `from` falls in it.
fn around(list: &[(u64, usize)], from: u64) -> impl Iterator<Item = usize> + '_ {
    let start = list.partition_point(|&(k, _)| k <= from);
    (0..list.len().min(LOOK)).map(move |j| list[(start + j) % list.len()].1)
}

/// Page `i`'s recommendations, tier by tier.
fn for_page(site: &Site, lists: &Lists, i: usize, from: u64) -> Vec<Recommendation> {
    let meta = &site.pages[i].meta;
    let Some(stage) = meta.stage.filter(|_| meta.kind != super::Kind::Page) else {
        return Vec::new();
    };
    let mut picked = Picked::new(site, i);
    let shared = |q: usize| {
        let theirs = &site.pages[q].meta.industries;
        meta.industries.iter().copied().find(|x| theirs.contains(x))
    };
    let stages = site.config.stages.len();
    let next = (stage + 1 < stages).then_some(stage + 1);
    // Tiers: (stage list, reason, whether an industry must be shared).
    let mut tiers: Vec<(usize, Why, bool)> = Vec::new();
    if let Some(n) = next {
        tiers.push((n, Why::NextStage, true));
        tiers.push((n, Why::NextStage, false));
    }
    tiers.push((stage, Why::SameStage, true));
    tiers.extend((stage + 2..stages).map(|s| (s, Why::LaterStage, false)));
    tiers.push((stage, Why::SameStage, false));
    for (s, why, with_industry) in tiers {
        for &r in &meta.roles {
            for q in around(&lists.paths[r][s], from) {
                let industry = shared(q);
                if (!with_industry || industry.is_some())
                    && picked.add(q, why, Some(r), industry.filter(|_| with_industry))
                {
                    return picked.list;
                }
            }
        }
    }
    for &ind in &meta.industries {
        for q in around(&lists.industries[ind], from) {
            if picked.add(q, Why::Industry, None, Some(ind)) {
                return picked.list;
            }
        }
    }
    picked.list
}

/// Recommendations chosen so far for one page.
struct Picked {
    list: Vec<Recommendation>,
    /// The page and what its "next for" links show.
    excluded: Vec<usize>,
}

impl Picked {
    fn new(site: &Site, i: usize) -> Picked {
        let mut excluded = vec![i];
        excluded.extend(site.next[i].iter().flatten().copied());
        Picked {
            list: Vec::with_capacity(READ_NEXT),
            excluded,
        }
    }

    /// Add `page` unless excluded or already chosen; whether the list is full.
    fn add(&mut self, page: usize, why: Why, role: Option<usize>, industry: Option<usize>) -> bool {
        if !self.excluded.contains(&page) && !self.list.iter().any(|r| r.page == page) {
            self.list.push(Recommendation {
                page,
                why,
                role,
                industry,
            });
        }
        self.list.len() == READ_NEXT
    }
}
