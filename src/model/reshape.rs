//! A page's new stage, roles or industries put into the last build's site: the page
//! leaves the lists it was on and joins the ones it is on now, the "next for" links
//! beside it on each role's path are linked again, and the recommendations of the
//! pages whose window of candidates holds it are made again. Every other page, and
//! the site's order, stay as they were ([`super::patch_front`] checked that).

use super::{Page, Site, read_next::Recommendation};

/// What [`reshape`] replaced, to put back with [`Reshaped::undo`], and the pages whose
/// "next for" links or recommendations changed.
pub struct Reshaped {
    page: (usize, Page),
    role_paths: Vec<(usize, Vec<Vec<usize>>)>,
    by_stage: Vec<Vec<usize>>,
    by_industry: Vec<(usize, Vec<usize>)>,
    next: Vec<(usize, Vec<Option<usize>>)>,
    read_next: Vec<(usize, Vec<Recommendation>)>,
    /// Pages other than the edited one whose own outputs link to other pages now.
    pub relinked: Vec<usize>,
    /// The stages, roles and industries whose lists the page left or joined (or is on).
    pub stages: Vec<usize>,
    pub roles: Vec<usize>,
    pub industries: Vec<usize>,
}

/// Put `page` (the page at `i` with another stage, other roles or industries, and
/// otherwise anything [`super::patch_front`] lets change) into `site`, updating every
/// index as a full build would make it.
pub fn reshape(site: &mut Site, i: usize, page: Page) -> Reshaped {
    let old = std::mem::replace(&mut site.pages[i], page);
    let (was, now) = (&old.meta, site.pages[i].meta.clone());
    let mut roles: Vec<usize> = was.roles.iter().chain(&now.roles).copied().collect();
    roles.sort_unstable();
    roles.dedup();
    let mut industries: Vec<usize> = (was.industries.iter().chain(&now.industries))
        .copied()
        .collect();
    industries.sort_unstable();
    industries.dedup();
    let mut stages: Vec<usize> = was.stage.into_iter().chain(now.stage).collect();
    stages.dedup();

    let role_paths: Vec<(usize, Vec<Vec<usize>>)> = (roles.iter())
        .map(|&r| (r, site.role_paths[r].clone()))
        .collect();
    let by_stage = site.by_stage.clone();
    let by_industry: Vec<(usize, Vec<usize>)> = (industries.iter())
        .map(|&x| (x, site.by_industry[x].clone()))
        .collect();
    if let Some(s) = was.stage {
        site.by_stage[s].retain(|&p| p != i);
    }
    for &x in &industries {
        site.by_industry[x].retain(|&p| p != i);
    }
    for &r in &roles {
        site.role_paths[r]
            .iter_mut()
            .for_each(|l| l.retain(|&p| p != i));
    }
    if let Some(s) = now.stage {
        insert_sorted(&mut site.by_stage[s], i);
        let order = |p: usize| (super::indices::role_path_order(&site.pages[p].meta), p);
        let placed = order(i);
        for &r in &now.roles {
            let list = &site.role_paths[r][s];
            let at = list.partition_point(|&p| order(p) < placed);
            site.role_paths[r][s].insert(at, i);
        }
    }
    for &x in &now.industries {
        insert_sorted(&mut site.by_industry[x], i);
    }

    let next = link_again(site, i, &role_paths);
    let relinked: Vec<usize> = next.iter().map(|(p, _)| *p).filter(|&p| p != i).collect();
    let recs = super::read_next::around_page(site, i, (&roles, &stages, &industries), &relinked);
    let mut read_next = Vec::new();
    let mut relinked = relinked;
    for (p, new) in recs {
        if site.read_next[p] != new {
            read_next.push((p, std::mem::replace(&mut site.read_next[p], new)));
            if p != i {
                relinked.push(p);
            }
        }
    }
    relinked.sort_unstable();
    relinked.dedup();
    Reshaped {
        page: (i, old),
        role_paths,
        by_stage,
        by_industry,
        next,
        read_next,
        relinked,
        stages,
        roles,
        industries,
    }
}

/// Insert `i` into `list`, which is in page order, where it belongs.
fn insert_sorted(list: &mut Vec<usize>, i: usize) {
    let at = list.partition_point(|&p| p < i);
    list.insert(at, i);
}

/// After page `i` moved on the paths of some roles (`before`: each such role's path as it
/// was): the "next for" links of `i` and of the pages before it on those paths, old and
/// new, made again from the paths as they are. Gives the links replaced.
fn link_again(
    site: &mut Site,
    i: usize,
    before: &[(usize, Vec<Vec<usize>>)],
) -> Vec<(usize, Vec<Option<usize>>)> {
    let mut replaced = Vec::new();
    let path_of =
        |paths: &[Vec<usize>]| -> Vec<usize> { paths.iter().flatten().copied().collect() };
    // The pages whose successor on a path may have changed: `i`, and the page before it.
    let mut fix: Vec<usize> = vec![i];
    for (r, old) in before {
        for path in [path_of(old), path_of(&site.role_paths[*r])] {
            if let Some(at) = path.iter().position(|&p| p == i).filter(|&at| at > 0) {
                fix.push(path[at - 1]);
            }
        }
    }
    fix.sort_unstable();
    fix.dedup();
    let paths: Vec<(usize, Vec<usize>)> = (before.iter())
        .map(|(r, _)| (*r, path_of(&site.role_paths[*r])))
        .collect();
    for p in fix {
        let meta = site.pages[p].meta.clone();
        let links: Vec<Option<usize>> = (meta.roles.iter())
            .map(|&r| match paths.iter().find(|(x, _)| *x == r) {
                Some((_, path)) => {
                    let at = path.iter().position(|&q| q == p)?;
                    path.get(at + 1).copied()
                }
                // A role whose path did not change: its link is as it was.
                None => {
                    let k = site.pages[p].meta.roles.iter().position(|&x| x == r)?;
                    site.next[p].get(k).copied().flatten()
                }
            })
            .collect();
        if site.next[p] != links {
            replaced.push((p, std::mem::replace(&mut site.next[p], links)));
        }
    }
    replaced
}

impl Reshaped {
    /// Put back what [`reshape`] replaced.
    pub fn undo(self, site: &mut Site) {
        let (i, page) = self.page;
        site.pages[i] = page;
        for (r, paths) in self.role_paths {
            site.role_paths[r] = paths;
        }
        site.by_stage = self.by_stage;
        for (x, list) in self.by_industry {
            site.by_industry[x] = list;
        }
        for (p, links) in self.next {
            site.next[p] = links;
        }
        for (p, recs) in self.read_next {
            site.read_next[p] = recs;
        }
    }
}

/// Move the page at `from` to `to` in the site's order (its date changed), with every
/// index over the pages numbered again as a full build would number them; the page
/// itself is as it was: [`reshape`] puts its new value in at `to` afterwards.
pub fn move_in_order(site: &mut Site, from: usize, to: usize) {
    let renumber = |p: usize| -> usize {
        match p {
            p if p == from => to,
            p if from < to && p > from && p <= to => p - 1,
            p if to < from && p >= to && p < from => p + 1,
            p => p,
        }
    };
    let page = site.pages.remove(from);
    site.pages.insert(to, page);
    // Lists in site order: numbered again, the moved page put back in its place.
    let in_order = |list: &mut Vec<usize>| {
        let had = list.contains(&from);
        list.retain(|&p| p != from);
        list.iter_mut().for_each(|p| *p = renumber(*p));
        if had {
            let at = list.partition_point(|&p| p < to);
            list.insert(at, to);
        }
    };
    in_order(&mut site.articles);
    in_order(&mut site.case_studies);
    site.by_stage.iter_mut().for_each(in_order);
    site.by_industry.iter_mut().for_each(in_order);
    // Role paths are in their own order, which numbering again keeps.
    for list in site.role_paths.iter_mut().flatten() {
        list.iter_mut().for_each(|p| *p = renumber(*p));
    }
    let links = site.next.remove(from);
    site.next.insert(to, links);
    for links in &mut site.next {
        links.iter_mut().flatten().for_each(|p| *p = renumber(*p));
    }
    let recs = site.read_next.remove(from);
    site.read_next.insert(to, recs);
    for recs in &mut site.read_next {
        recs.iter_mut().for_each(|r| r.page = renumber(r.page));
    }
    let citations = std::mem::take(&mut site.citations);
    site.citations = citations
        .into_iter()
        .map(|((case, metric), mut by)| {
            by.iter_mut().for_each(|p| *p = renumber(*p));
            by.sort_unstable();
            ((renumber(case), metric), by)
        })
        .collect();
}
