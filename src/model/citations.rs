//! Phase 7: which pages cite which case-study metric (through `claim`).

use std::collections::{BTreeMap, HashMap};

use super::Page;
use super::shortcodes::case_key;

/// Phase 7. Takes the pages in site order and the indices of the case studies among
/// them; gives `(case-study page, metric index)` → the pages whose claims cite that
/// metric, each once, in page order. Claims naming no such case or metric are left out.
pub(super) fn citations(
    pages: &[Page],
    case_studies: &[usize],
) -> BTreeMap<(usize, usize), Vec<usize>> {
    let case_by_key: HashMap<&str, usize> = case_studies
        .iter()
        .map(|&i| (case_key(&pages[i].meta), i))
        .collect();
    let mut citations: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (page, p) in pages.iter().enumerate() {
        for (case, metric) in p.body.get().claims() {
            let (Some(case), Some(metric)) = (case, metric) else {
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
    citations
}
