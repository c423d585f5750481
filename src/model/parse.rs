//! Phase 1: the front matter of every file, parsed in parallel; unchanged files
//! reuse the parse the cache holds.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::cache::{Cache, hash_of};
use super::{FastMap, Kind, kind_of, stem_of};
use crate::diagnostics::{Code, Diagnostic};
use crate::frontmatter::{self, RawFrontMatter};
use crate::source::{SourceFile, split_front_matter};

/// A file's front matter with the offsets of the front matter and of the body, or its errors.
pub(super) type RawResult = Result<(RawFrontMatter, usize, usize), Vec<Diagnostic>>;

/// A file whose front matter parsed.
pub(super) struct ParsedFile {
    pub file: Arc<SourceFile>,
    /// Hash of the text (0 when the build keeps no cache).
    pub hash: u64,
    /// Always `Ok`: files with errors are set aside.
    pub raw: Arc<RawResult>,
}

/// What phase 1 gives: the files that parsed, and every case-study file by the slug
/// of its name (including those with errors: a claim citing one says so).
pub(super) struct Parsed {
    pub files: Vec<ParsedFile>,
    pub case_files: HashMap<String, CaseFile>,
}

/// A case-study file, whatever its errors: its path, and the file of `data/` its
/// metrics come from when its front matter parsed and names one (`metrics_from`).
#[derive(Debug, Clone)]
pub(super) struct CaseFile {
    pub path: PathBuf,
    pub metrics_from: Option<String>,
}

/// Phase 1. Takes every Markdown file; parses its front matter (in parallel), reusing
/// and updating `cache` (which forgets files that are gone). Errors go to `diagnostics`.
pub(super) fn front_matter(
    files: Vec<Arc<SourceFile>>,
    translations: &HashMap<String, String>,
    cache: &mut Cache,
    diagnostics: &mut Vec<Diagnostic>,
) -> Parsed {
    let enabled = cache.enabled;
    let raw_cache = &cache.raw;
    let raws: Vec<(ParsedFile, bool)> = files
        .into_par_iter()
        .map(|file| {
            let original = translations.get(&file.content_path).map(String::as_str);
            parse_cached(file, original, enabled, raw_cache)
        })
        .collect();
    if enabled {
        remember(cache, &raws);
    }
    let case_files = raws
        .iter()
        .filter(|(p, _)| kind_of(&p.file.content_path) == Kind::CaseStudy)
        .filter(|(p, _)| crate::lang::split_suffix(&p.file.content_path).is_none())
        .map(|(p, _)| {
            let metrics_from = match &*p.raw {
                Ok((fm, _, _)) => fm.metrics_from.clone(),
                Err(_) => None,
            };
            let file = CaseFile {
                path: p.file.path.clone(),
                metrics_from,
            };
            (slug::slugify(stem_of(&p.file.content_path)), file)
        })
        .collect();
    let mut parsed = Vec::with_capacity(raws.len());
    for (p, _) in raws {
        match &*p.raw {
            Ok(_) => parsed.push(p),
            Err(ds) => diagnostics.extend(ds.iter().cloned()),
        }
    }
    Parsed {
        files: parsed,
        case_files,
    }
}

/// One file's parse, from the cache when its text is unchanged; `true` when the cache
/// already holds this very text (nothing to remember).
fn parse_cached(
    file: Arc<SourceFile>,
    original: Option<&str>,
    enabled: bool,
    raw_cache: &FastMap<String, (Arc<str>, u64, Arc<RawResult>)>,
) -> (ParsedFile, bool) {
    // A file parsed as a translation is parsed again when its original comes or goes.
    let same_role = |r: &Arc<RawResult>| match &**r {
        Ok((fm, _, _)) => fm.translated.is_some() == original.is_some(),
        Err(_) => original.is_none(),
    };
    let cached = raw_cache
        .get(&file.content_path)
        .filter(|(_, _, r)| enabled && same_role(r));
    // The same shared text as last time: unchanged, without hashing it again.
    if let Some((_, hash, r)) = cached.filter(|(t, _, _)| Arc::ptr_eq(t, &file.text)) {
        let (hash, raw) = (*hash, r.clone());
        return (ParsedFile { file, hash, raw }, true);
    }
    let hash = if enabled { hash_of(&*file.text) } else { 0 };
    let raw = match cached.filter(|(_, h, _)| *h == hash) {
        Some((_, _, r)) => r.clone(),
        None => Arc::new(parse_file(&file, original)),
    };
    (ParsedFile { file, hash, raw }, false)
}

/// Split a file's text and parse its front matter.
pub(super) fn parse_file(file: &SourceFile, original: Option<&str>) -> RawResult {
    let split = split_front_matter(&file.text).map_err(|e| {
        vec![
            Diagnostic::error(Code::FrontMatter, file.path.clone(), e.message)
                .at(&file.text, e.offset)
                .with_hint(e.hint),
        ]
    })?;
    let fm = match original {
        Some(original) => frontmatter::parse_translation(&split, &file.text, &file.path, original)?,
        None => frontmatter::parse(&split, &file.text, &file.path)?,
    };
    Ok((fm, split.front_offset, split.body_offset))
}

/// Forget files that are gone from every part of the cache; remember new parses.
fn remember(cache: &mut Cache, raws: &[(ParsedFile, bool)]) {
    // The other parts hold only files the raw part holds: when every file it holds is
    // still here (an edit, not a removal), there is nothing to forget.
    let still_here = raws
        .iter()
        .filter(|(p, hit)| *hit || cache.raw.contains_key(&p.file.content_path))
        .count();
    if still_here != cache.raw.len() {
        let seen: HashSet<&str, ahash::RandomState> = raws
            .iter()
            .map(|(p, _)| p.file.content_path.as_str())
            .collect();
        cache.raw.retain(|k, _| seen.contains(k.as_str()));
        cache.metas.retain(|k, _| seen.contains(k.as_str()));
        cache.bodies.retain(|k, _| seen.contains(k.as_str()));
    }
    for (p, hit) in raws {
        if !hit {
            cache.raw.insert(
                p.file.content_path.clone(),
                (p.file.text.clone(), p.hash, p.raw.clone()),
            );
        }
    }
}
