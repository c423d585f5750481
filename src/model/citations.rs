//! Phase 7: which pages cite which case-study metric (through `claim`).

use std::collections::BTreeMap;

use super::shortcodes::case_key;
use super::{FastMap, Kind, Page};

/// Phase 7. Takes the pages in site order; gives `(case-study page, metric index)` →
/// the pages whose claims cite that metric, each once, in page order. Claims naming no
/// such case or metric are left out. (It needs no other index: it runs beside them.)
pub(super) fn citations(pages: &[Page]) -> BTreeMap<(usize, usize), Vec<usize>> {
    let case_by_key: FastMap<&str, usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.meta.kind == Kind::CaseStudy)
        .map(|(i, p)| (case_key(&p.meta), i))
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
