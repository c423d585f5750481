//! Site search: the records a search index is made of, taken from the model (each
//! page's title and the plain text of its rendered body, its roles, stage, industries
//! and type as filters, its title, URL, summary, stage and roles as what a result
//! shows), and the Pagefind bundle made of them (feature `search`), as output files
//! under [`BUNDLE`]. Nothing here writes to disk: the bundle goes through the output
//! layer like every other file, so it is recorded and pruned like them.
//!
//! Every language of a site is indexed, each page with its language: Pagefind keeps one
//! index per language in the one bundle ([`bundle`]), and the browser loads the index of
//! the page's `<html lang>`, so `/zh/search/` searches the Chinese pages only.

mod background;

pub use background::{Background, Finished};

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::SiteConfig;
use crate::markdown::Rendered;
use crate::model::{Kind, PageMeta, Site};
use crate::render::OutputFile;

/// The folder of the index inside the output (`/pagefind/`).
pub const BUNDLE: &str = "pagefind";

/// The theme's script of the search page, written only when a search page is.
pub const SCRIPT: &str = "search.js";

/// Whether this build writes a search index and page: the feature is compiled in and
/// `[search] enabled` is not `false`.
pub fn enabled(config: &SiteConfig) -> bool {
    cfg!(feature = "search") && config.search.enabled
}

/// One page as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The page's language (its code, `zh`): the index it goes into.
    pub language: String,
    /// The page's link (base path in front), as a result links to it.
    pub url: String,
    /// The words searched: the title, then the body as plain text.
    pub content: String,
    /// What a result shows, in the page's language: `title`, `url`, `summary`, `stage`
    /// (its name), `roles` (names, comma-separated) and `type` (`Article`, `Case study`,
    /// `Page`).
    pub meta: BTreeMap<String, String>,
    /// What facets narrow by, as ids: `role`, `stage`, `industry`, `type`.
    pub filters: BTreeMap<String, Vec<String>>,
}

/// A page taken from a site for indexing later, maybe on another thread: shares the
/// page's metadata and body, copies nothing large.
#[derive(Debug, Clone)]
pub struct Source {
    meta: Arc<PageMeta>,
    body: Arc<Rendered>,
    summary: String,
}

/// The vocabulary names records show, taken from a site in one language.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    /// The language's code (`zh`).
    language: String,
    base_path: String,
    /// The names of the types: article, case study, page.
    kinds: [String; 3],
    /// `(id, name)` of each stage, role and industry, by index.
    stages: Vec<(String, String)>,
    roles: Vec<(String, String)>,
    industries: Vec<(String, String)>,
}

/// What an index is made from: the pages of each language and the names of their terms.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub languages: Vec<Language>,
    /// `[search] part_pages`: the most pages of one language in one part of the index.
    pub part_pages: usize,
}

/// The pages of one language to index, and the names they show.
#[derive(Debug, Clone, Default)]
pub struct Language {
    pub pages: Vec<Source>,
    terms: Terms,
}

impl Input {
    /// How many pages there are to index, in every language.
    pub fn len(&self) -> usize {
        self.languages.iter().map(|l| l.pages.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The pages of `site` (one language) the index holds, in site order: its own published
/// pages that are not drafts (a `--drafts` preview publishes them, the index never holds
/// them), outside the sections `[search] exclude` names.
pub fn indexed(site: &Site) -> Vec<usize> {
    let folder = site.urls.home();
    (0..site.own)
        .filter(|&i| indexes(&site.config, &folder, &site.pages[i].meta))
        .collect()
}

/// Whether the index holds the page `meta` of the language whose home is `folder`:
/// published, not a draft, outside the sections `[search] exclude` names.
pub fn indexes(config: &SiteConfig, folder: &str, meta: &PageMeta) -> bool {
    let url = meta.url.strip_prefix(folder).unwrap_or(&meta.url);
    let exclude = &config.search.exclude;
    meta.published && !meta.draft && !exclude.iter().any(|s| s == section(url))
}

/// Whether pages of `site` (one language) show the search box and it has a search page:
/// search is on, and the language is the default one or has pages in the index (the
/// browser would search another language's index for a language that has none).
pub fn searchable(site: &Site) -> bool {
    enabled(&site.config) && (site.lang == 0 || !indexed(site).is_empty())
}

/// The section of a site path: its first folder (`about` for `/about/team/`, empty for `/`).
/// A language's pages are matched without its folder (`/zh/about/` is in `about`).
pub fn section(url: &str) -> &str {
    let rest = url.trim_start_matches('/');
    rest.split('/').next().unwrap_or("")
}

/// Takes a site; gives what indexing its pages in every language needs ([`indexed`]),
/// cheaply (shares each page's metadata and body): a serve session takes it after a
/// build and indexes on another thread. The bodies must not have been taken (a one-shot
/// build takes it before rendering).
pub fn input(site: &Site) -> Input {
    Input {
        languages: site
            .all()
            .map(|s| language(s, &indexed(s)))
            .filter(|l| !l.pages.is_empty())
            .collect(),
        part_pages: site.config.search.part_pages,
    }
}

/// How many parts a language with `pages` pages in the index is indexed in: one per
/// `part_pages` pages or fewer, at least one; one when `part_pages` is 0 (the default).
pub fn parts(pages: usize, part_pages: usize) -> usize {
    match part_pages {
        0 => 1,
        n => pages.div_ceil(n).max(1),
    }
}

/// The folder of part `k` (from 0) inside the bundle, with its trailing slash: the
/// first part is the bundle itself (`pagefind.js` searches it), the others are
/// `part2/`, `part3/`… which the search page merges in.
pub fn part_folder(k: usize) -> String {
    match k {
        0 => String::new(),
        k => format!("part{}/", k + 1),
    }
}

/// The links of the parts (after the first) that a search in `site`'s language merges
/// in: none unless the language has more than `[search] part_pages` pages in the index.
pub fn merged_parts(site: &Site) -> Vec<String> {
    let part_pages = site.config.search.part_pages;
    // One index (the default) needs no count of the pages it holds.
    if part_pages == 0 {
        return Vec::new();
    }
    let parts = parts(indexed(site).len(), part_pages);
    (1..parts)
        .map(|k| format!("{}/{BUNDLE}/{}", site.urls.base_path(), part_folder(k)))
        .collect()
}

/// Takes the records, language by language, and the most pages of one language in
/// one part; gives the parts: each language's pages are cut, in their order, into
/// [`parts`] runs of nearly equal length, and part `k` holds the `k`-th run of every
/// language that has one. So every part holds every language of the first part, a
/// language's search merges the parts that hold it, and with site order (newest first)
/// the first part holds the newest pages.
fn split(records: Vec<Record>, part_pages: usize) -> Vec<Vec<Record>> {
    let mut out: Vec<Vec<Record>> = Vec::new();
    let mut records = records.into_iter().peekable();
    while let Some(first) = records.next() {
        let mut run = vec![first];
        while let Some(r) = records.next_if(|r| r.language == run[0].language) {
            run.push(r);
        }
        let n = run.len();
        let k = parts(n, part_pages);
        let mut rest = run.into_iter();
        for j in 0..k {
            if out.len() == j {
                out.push(Vec::new());
            }
            out[j].extend(rest.by_ref().take((j + 1) * n / k - j * n / k));
        }
    }
    out
}

/// The pages `pages` of `site`, in its language.
pub fn language(site: &Site, pages: &[usize]) -> Language {
    let pair = |id: &str, name: &str| (id.to_string(), name.to_string());
    let words = &site.words;
    Language {
        pages: pages
            .iter()
            .map(|&i| {
                let page = &site.pages[i];
                Source {
                    meta: page.meta.clone(),
                    body: page.body.get(),
                    summary: page.summary().to_string(),
                }
            })
            .collect(),
        terms: Terms {
            language: site.config.language.clone(),
            base_path: site.urls.base_path().to_string(),
            kinds: [
                "search_type_article",
                "search_type_case_study",
                "search_type_page",
            ]
            .map(|k| words.get(k).to_string()),
            stages: site
                .config
                .stages
                .iter()
                .map(|s| pair(&s.id, &s.name))
                .collect(),
            roles: site
                .config
                .roles
                .iter()
                .map(|r| pair(&r.id, &r.name))
                .collect(),
            industries: site
                .industries
                .iter()
                .map(|i| pair(&i.id, &i.name))
                .collect(),
        },
    }
}

/// The records of `input`'s pages, language by language, each in site order (in
/// parallel: the plain text of ten thousand bodies).
pub fn records(input: &Input) -> Vec<Record> {
    use rayon::prelude::*;
    input
        .languages
        .par_iter()
        .flat_map(|l| l.pages.par_iter().map(|p| record(p, &l.terms)))
        .collect()
}

fn record(source: &Source, terms: &Terms) -> Record {
    let meta = &source.meta;
    let ids = |list: &[(String, String)], of: &[usize]| -> Vec<String> {
        of.iter()
            .filter_map(|&k| list.get(k))
            .map(|t| t.0.clone())
            .collect()
    };
    let names = |list: &[(String, String)], of: &[usize]| -> Vec<String> {
        of.iter()
            .filter_map(|&k| list.get(k))
            .map(|t| t.1.clone())
            .collect()
    };
    let stage: Vec<usize> = meta.stage.into_iter().collect();
    let kind = match meta.kind {
        Kind::Article => ("article", &terms.kinds[0]),
        Kind::CaseStudy => ("case-study", &terms.kinds[1]),
        Kind::Page => ("page", &terms.kinds[2]),
    };
    let url = crate::urls::with_base(&terms.base_path, &meta.url);
    let mut shown = BTreeMap::new();
    shown.insert("title".to_string(), meta.title.clone());
    shown.insert("url".to_string(), url.clone());
    shown.insert("summary".to_string(), source.summary.clone());
    shown.insert("type".to_string(), kind.1.to_string());
    if let Some(name) = names(&terms.stages, &stage).pop() {
        shown.insert("stage".to_string(), name);
    }
    let roles = names(&terms.roles, &meta.roles);
    if !roles.is_empty() {
        shown.insert("roles".to_string(), roles.join(", "));
    }
    let mut filters = BTreeMap::new();
    filters.insert("type".to_string(), vec![kind.0.to_string()]);
    for (key, values) in [
        ("stage", ids(&terms.stages, &stage)),
        ("role", ids(&terms.roles, &meta.roles)),
        ("industry", ids(&terms.industries, &meta.industries)),
    ] {
        if !values.is_empty() {
            filters.insert(key.to_string(), values);
        }
    }
    let mut content = String::with_capacity(meta.title.len() + source.body.html.len() / 2);
    content.push_str(&meta.title);
    content.push_str(".\n");
    plain_text(&source.body.html, &mut content);
    Record {
        language: terms.language.clone(),
        url,
        content,
        meta: shown,
        filters,
    }
}

/// Elements whose content is not text a reader sees.
const HIDDEN: &[&str] = &["script", "style", "template"];

/// Elements within a line of text: no word break at their tags (`<em>re</em>use`).
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
];

/// Appends the text of an HTML fragment (a rendered body) to `out`: tags dropped (a
/// block's tags break words, an inline element's do not), the content of scripts and
/// styles left out, character references decoded.
pub fn plain_text(html: &str, out: &mut String) {
    let mut rest = html;
    let mut hidden: Option<&str> = None;
    while let Some(lt) = rest.find('<') {
        if hidden.is_none() {
            decode(&rest[..lt], out);
        }
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            // A `<` that opens no tag is text.
            if hidden.is_none() {
                decode(&rest[lt..], out);
            }
            return;
        };
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match hidden {
            Some(h) if closing && h == name => hidden = None,
            Some(_) => {}
            None => {
                if let Some(h) = HIDDEN.iter().find(|h| **h == name) {
                    hidden = (!closing && !tag.ends_with('/')).then_some(h);
                }
                if !INLINE.contains(&name.as_str()) && !out.ends_with([' ', '\n']) {
                    out.push(' ');
                }
            }
        }
    }
    if hidden.is_none() {
        decode(rest, out);
    }
}

/// Appends `text` with its character references decoded (those pulldown-cmark writes,
/// and any numeric one); an unknown reference is kept as written.
fn decode(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Files of the Pagefind bundle cairn's theme does not use (Pagefind's stock search
/// interfaces and highlighting): left out of the output.
#[cfg(feature = "search")]
const UNUSED: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// Files of a Pagefind bundle that a part after the first keeps: its entry, metadata,
/// word index, filters and fragments (the browser runs the first part's script and
/// WebAssembly for all).
#[cfg(feature = "search")]
fn part_keeps(rel: &str) -> bool {
    rel == "pagefind-entry.json"
        || rel.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/"]
            .iter()
            .any(|f| rel.starts_with(f))
}

/// Takes the records of the pages in every language (language by language), the most
/// pages of one language in one part of the index, how many parts to make at once, and
/// whether to give up (asked between records: a serve session's newer build wants a
/// newer index); gives the Pagefind bundle as output files under [`BUNDLE`], or `None`
/// when it gave up: one index per language of the records, listed in
/// `pagefind-entry.json`, and for a language of more than `part_pages` pages further
/// parts under `part2/`… (see [`split`]), each a Pagefind index of its own made on a
/// thread of its own. The files are the same however many threads make them. No
/// records: no files.
#[cfg(feature = "search")]
pub fn bundle(
    records: Vec<Record>,
    part_pages: usize,
    threads: usize,
    stop: &(dyn Fn() -> bool + Sync),
) -> anyhow::Result<Option<Vec<OutputFile>>> {
    use std::sync::Mutex;
    if records.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let parts = split(records, part_pages);
    let count = parts.len();
    // Taken from the end: the first part first.
    let queue = Mutex::new(parts.into_iter().enumerate().rev().collect::<Vec<_>>());
    let done = Mutex::new(Vec::with_capacity(count));
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, count) {
            s.spawn(|| {
                loop {
                    let next = queue.lock().map(|mut q| q.pop());
                    let Ok(Some((k, part))) = next else {
                        return;
                    };
                    let files = index_part(k, part, stop);
                    let failed = !matches!(files, Ok(Some(_)));
                    if let Ok(mut done) = done.lock() {
                        done.push((k, files));
                    }
                    if failed {
                        return;
                    }
                }
            });
        }
    });
    let mut done = done
        .into_inner()
        .map_err(|_| anyhow::anyhow!("the search indexer stopped unexpectedly"))?;
    done.sort_by_key(|(k, _)| *k);
    // A thread stops at a part that failed or gave up; its result is among these.
    let complete = done.len() == count;
    let mut all = Vec::new();
    for (_, files) in done {
        match files? {
            Some(files) => all.extend(files),
            None => return Ok(None),
        }
    }
    Ok(complete.then_some(all))
}

/// Part `k` of the bundle: a Pagefind index of `records`, as output files under its
/// folder ([`part_folder`]); `None` when it gave up.
#[cfg(feature = "search")]
fn index_part(
    k: usize,
    records: Vec<Record>,
    stop: &(dyn Fn() -> bool + Sync),
) -> anyhow::Result<Option<Vec<OutputFile>>> {
    use anyhow::Context;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start the search indexer")?;
    let files = runtime.block_on(async move {
        // No forced language: each record goes into the index of its own.
        let mut index = pagefind::api::PagefindIndex::new(None)?;
        for r in records {
            if stop() {
                return Ok(None);
            }
            index
                .add_custom_record(
                    r.url,
                    r.content,
                    r.language,
                    Some(r.meta),
                    Some(r.filters),
                    None,
                )
                .await?;
        }
        index.get_files().await.map(Some)
    });
    let Some(files) = files.context("cannot build the search index")? else {
        return Ok(None);
    };
    let folder = part_folder(k);
    Ok(Some(
        files
            .into_iter()
            .filter_map(|f| {
                let rel = f.filename.to_str()?.replace('\\', "/");
                let keep = match k {
                    0 => !UNUSED.contains(&rel.as_str()),
                    _ => part_keeps(&rel),
                };
                keep.then(|| OutputFile {
                    path: format!("{BUNDLE}/{folder}{rel}"),
                    bytes: f.contents,
                })
            })
            .collect(),
    ))
}

/// Without the `search` feature there is no index to build.
#[cfg(not(feature = "search"))]
pub fn bundle(
    _records: Vec<Record>,
    _part_pages: usize,
    _threads: usize,
    _stop: &(dyn Fn() -> bool + Sync),
) -> anyhow::Result<Option<Vec<OutputFile>>> {
    Ok(Some(Vec::new()))
}

#[cfg(test)]
mod tests;
