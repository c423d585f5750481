//! One imported page written out: its new front matter (cairn's keys, everything else
//! under `[extra]`) and its body with shortcodes and links rewritten. The body is
//! changed by edits on the text as written (byte ranges), so that what is left for a
//! person is found at its line in the new file.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{
    Flavor, NeedKind, Page, Report, Role, Source, alias_path, dir_of, json_to_toml,
    map::SectionKind, resolve_url,
};

/// One change to a body.
pub(crate) struct Edit {
    pub range: Range<usize>,
    pub text: String,
    /// What to report about it, if anything.
    pub note: Option<Note>,
}

pub(crate) enum Note {
    /// A shortcode left in the text, as written.
    Untranslated(String),
    /// A link to a page the source does not have.
    BrokenLink(String),
    /// A link's `#anchor` that is no heading of its page (so cairn would reject it): left out.
    DroppedAnchor(String),
}

impl Edit {
    pub fn new(range: Range<usize>, text: String) -> Edit {
        Edit {
            range,
            text,
            note: None,
        }
    }

    pub fn with_note(range: Range<usize>, text: String, note: Option<Note>) -> Edit {
        Edit { range, text, note }
    }

    /// The shortcode `written` at `range` of `body`, left visible and listed: as code,
    /// or percent-encoded in a link's destination (where code would break the link).
    pub fn untranslated(body: &str, range: Range<usize>, written: &str) -> Edit {
        let mut range = range;
        let text = match in_destination(body, range.start) {
            true => written
                .replace('%', "%25")
                .replace('{', "%7B")
                .replace('}', "%7D")
                .replace(' ', "%20")
                .replace('"', "%22"),
            false => {
                // A backtick of the text beside the span would join its fence: escaped.
                let mut text = code_span(written);
                if body[..range.start].ends_with('`') {
                    range.start -= 1;
                    text.insert_str(0, "\\`");
                }
                if body[range.end..].starts_with('`') {
                    range.end += 1;
                    text.push_str("\\`");
                }
                text
            }
        };
        Edit {
            range,
            text,
            note: Some(Note::Untranslated(written.to_string())),
        }
    }

    pub fn broken_link(range: Range<usize>, written: &str) -> Edit {
        Edit {
            text: written.to_string(),
            range,
            note: Some(Note::BrokenLink(written.to_string())),
        }
    }
}

/// Whether byte `at` of `body` starts a link's destination: `](here`, or a reference
/// definition's `]: here`.
fn in_destination(body: &str, at: usize) -> bool {
    let line_start = body[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = body[..at].trim_end_matches('<');
    before.ends_with("](")
        || (body[line_start..].trim_start().starts_with('[') && before.trim_end().ends_with("]:"))
}

/// `text` as inline code, on one line (a blank line would end it).
pub(crate) fn code_span(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.contains('`') {
        true => format!("`` {one_line} ``"),
        false => format!("`{one_line}`"),
    }
}

/// What rewriting one body needs: the page, every page of the plan, where code is.
pub(crate) struct Ctx<'a> {
    page: &'a Page,
    by_source: &'a HashMap<&'a str, &'a Page>,
    by_old_url: &'a HashMap<String, &'a Page>,
    /// Each page's heading ids (by source path), as cairn will see them.
    ids: &'a HashMap<&'a str, HashSet<String>>,
    /// The other files of the source, by path.
    assets: &'a HashSet<&'a str>,
    code: Vec<Range<usize>>,
    /// The anchor the last link made had to leave out.
    dropped: std::cell::RefCell<Option<String>>,
}

impl Ctx<'_> {
    /// Whether byte `at` of the body is inside a code span or block.
    pub fn in_code(&self, at: usize) -> bool {
        self.code.iter().any(|r| r.contains(&at))
    }

    /// A link to the page written in the source at `path` (`posts/a.md#x`, relative to
    /// this page's folder or to the content folder; Hugo also takes a bare name), as a
    /// link from this page's new file to that page's new file.
    pub fn link_to_source(&self, path: &str) -> Option<String> {
        let (path, anchor) = match path.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (path, None),
        };
        let here = self.page.rel.rsplit_once('/').map_or("", |(d, _)| d);
        let mut candidates = Vec::new();
        let relative = resolve_url(&format!("/{here}/"), path);
        let from_top = resolve_url("/", path);
        for base in [relative.as_str(), from_top.as_str()] {
            let base = base.trim_matches('/');
            candidates.push(base.to_string());
            candidates.push(format!("{base}.md"));
            candidates.push(format!("{base}/index.md"));
            candidates.push(format!("{base}/_index.md"));
        }
        let found = candidates
            .iter()
            .find_map(|c| self.by_source.get(c.as_str()).copied())
            .or_else(|| {
                // Hugo's `ref "name"`: a unique page of that file name anywhere.
                let name = path
                    .trim_end_matches(".md")
                    .rsplit('/')
                    .next()
                    .unwrap_or("");
                let mut same = self.by_source.values().filter(|p| p.base() == name);
                match (same.next(), same.next()) {
                    (Some(p), None) if !name.is_empty() => Some(*p),
                    _ => None,
                }
            })?;
        Some(self.link_to(found, anchor))
    }

    /// The new URL of the page written in the source at `path`.
    pub fn url_of_source(&self, path: &str) -> Option<String> {
        let (_, anchor) = path.split_once('#').unwrap_or((path, ""));
        let link = self.link_to_source(path)?;
        let file = link.split('#').next().unwrap_or("");
        let target = resolve_url(&dir_of(&format!("/{}", self.page.out.target)), file);
        let page = self
            .by_source
            .values()
            .find(|p| format!("/{}", p.out.target) == target)?;
        Some(match anchor.is_empty() {
            true => page.out.new_url.clone(),
            false => format!("{}#{anchor}", page.out.new_url),
        })
    }

    /// The anchor the last link had to leave out, if any.
    pub fn take_dropped(&self) -> Option<Note> {
        self.dropped.borrow_mut().take().map(Note::DroppedAnchor)
    }

    /// Whether `anchor` is a heading id of `page`.
    fn has_anchor(&self, page: &Page, anchor: &str) -> bool {
        self.ids
            .get(page.rel.as_str())
            .is_some_and(|ids| ids.contains(anchor))
    }

    /// A relative link from this page's new file to `to`'s; an anchor that is no heading
    /// of `to` is left out (see `take_dropped`).
    fn link_to(&self, to: &Page, anchor: Option<&str>) -> String {
        let anchor = anchor.filter(|a| {
            let known = a.is_empty() || self.has_anchor(to, a);
            if !known {
                *self.dropped.borrow_mut() = Some(a.to_string());
            }
            known
        });
        let from: Vec<&str> = self.page.out.target.split('/').collect();
        let from = &from[..from.len() - 1];
        let target: Vec<&str> = to.out.target.split('/').collect();
        let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
        let mut link = "../".repeat(from.len() - common);
        link.push_str(&target[common..].join("/"));
        if let Some(a) = anchor.filter(|a| !a.is_empty()) {
            link.push('#');
            link.push_str(a);
        }
        link
    }

    /// Whether `dest` is a relative link to a file the source does not have (a link that
    /// was already broken on the old site; cairn would reject it).
    fn is_missing(&self, dest: &str) -> bool {
        let has_scheme = dest
            .split_once(':')
            .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/'));
        if dest.is_empty()
            || has_scheme
            || dest.starts_with(['#', '@'])
            || dest.starts_with("//")
            || dest.contains("{{")
        {
            return false;
        }
        let path = dest.split(['?', '#']).next().unwrap_or("");
        if path.starts_with('/') {
            // A page's URL (cairn checks those) that no page of the source had.
            return path.ends_with('/')
                && alias_path(path)
                    .is_some_and(|u| !self.by_old_url.contains_key(&u.to_lowercase()));
        }
        let path = percent_decoded(path);
        if path.ends_with(".md") {
            return self.link_to_source(&path).is_none();
        }
        let file = path.rsplit('/').next().unwrap_or("");
        if !file.contains('.') {
            return false;
        }
        let here = self.page.rel.rsplit_once('/').map_or("", |(d, _)| d);
        let in_source = resolve_url(&format!("/{here}/"), &path);
        let rel = in_source.trim_start_matches('/');
        !self.assets.contains(rel) && !self.by_source.contains_key(rel)
    }

    /// The new destination of a link written as `dest`, if it changes: links to pages
    /// (by old URL or by file) become links to the new files; a moved page's relative
    /// links to other files become paths from the root.
    fn destination(&self, dest: &str) -> Option<String> {
        let has_scheme = dest
            .split_once(':')
            .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/'));
        if let Some(anchor) = dest.strip_prefix('#') {
            return (!self.has_anchor(self.page, anchor))
                .then(|| self.link_to(self.page, Some(anchor)));
        }
        if dest.is_empty()
            || has_scheme
            || dest.starts_with('@')
            || dest.starts_with("//")
            || dest.contains("{{")
        {
            return None;
        }
        let cut = dest.find(['?', '#']).unwrap_or(dest.len());
        let (path, suffix) = dest.split_at(cut);
        let anchor = suffix.split_once('#').map(|(_, a)| a);
        if path.ends_with(".md") {
            return self.link_to_source(&format!("{path}{suffix}"));
        }
        let old = resolve_url(&dir_of(&self.page.out.old_url), path);
        // Hugo's and Zola's URLs are lower case; Hugo's link hooks find a page in any case.
        let to = alias_path(&old).and_then(|u| self.by_old_url.get(&u.to_lowercase()));
        if let Some(to) = to {
            return Some(self.link_to(to, anchor));
        }
        let moved = self.page.out.kind != Some(SectionKind::Pages);
        if !moved || path.starts_with('/') {
            return None;
        }
        // A file of the page's own bundle moved with it.
        let here = self.page.rel.rsplit_once('/').map_or("", |(d, _)| d);
        let in_source = resolve_url(&format!("/{here}/"), path);
        if self.page.role == Role::Leaf && in_source.starts_with(&format!("/{here}/")) {
            return None;
        }
        Some(format!("{old}{suffix}"))
    }
}

/// `%XX` escapes of a link decoded (invalid ones kept as written).
fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Byte ranges of code spans and blocks in `body`.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut block = None;
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Code(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => block = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(s) = block.take() {
                    ranges.push(s..range.end);
                }
            }
            _ => {}
        }
    }
    ranges
}

/// Link and image destinations of `body` that change, as edits: inline ones and those of
/// reference definitions (`[name]: /url/`).
fn link_edits(body: &str, ctx: &Ctx) -> Vec<Edit> {
    let mut edits = Vec::new();
    let parser = Parser::new_ext(body, crate::markdown::options());
    for (_, def) in parser.reference_definitions().iter() {
        if ctx.is_missing(&def.dest) {
            // Broken on the old site too: without it, its references read as text.
            edits.push(Edit::with_note(
                def.span.clone(),
                String::new(),
                Some(Note::BrokenLink(def.dest.to_string())),
            ));
            continue;
        }
        let Some(new) = ctx.destination(&def.dest) else {
            continue;
        };
        let written = &body[def.span.clone()];
        let Some(colon) = written.find("]:") else {
            continue;
        };
        let Some(at) = written[colon..].find(def.dest.as_ref()) else {
            continue;
        };
        let start = def.span.start + colon + at;
        edits.push(Edit::with_note(
            start..start + def.dest.len(),
            new,
            ctx.take_dropped(),
        ));
    }
    for (event, range) in parser.into_offset_iter() {
        let dest = match &event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
            _ => continue,
        };
        let written = &body[range.clone()];
        if ctx.is_missing(dest)
            && let Some(close) = written.rfind(&format!("]({dest}"))
        {
            // Broken on the old site too: the text (an image's description) stays.
            let open = usize::from(written.starts_with('!')) + 1;
            let text = written[open..close].to_string();
            edits.push(Edit::with_note(
                range.clone(),
                text,
                Some(Note::BrokenLink(dest.to_string())),
            ));
            continue;
        }
        let Some(new) = ctx.destination(dest) else {
            continue;
        };
        // Only a destination written as it is read (inline, unescaped) is changed.
        let Some(at) = written.rfind(&format!("]({dest}")) else {
            continue;
        };
        let start = range.start + at + 2;
        edits.push(Edit::with_note(
            start..start + dest.len(),
            new,
            ctx.take_dropped(),
        ));
    }
    edits
}

/// Every `{{` left outside code (cairn would read it as a shortcode): shown as code and
/// listed.
fn leftover_braces(body: &str, ctx: &Ctx, taken: &[Edit]) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut i = 0;
    while let Some(rel) = body[i..].find("{{") {
        let start = i + rel;
        i = start + 2;
        if ctx.in_code(start) || taken.iter().any(|e| e.range.contains(&start)) {
            continue;
        }
        let line_end = body[start..].find('\n').map_or(body.len(), |n| start + n);
        let end = body[start..line_end]
            .find("}}")
            .map_or(start + 2, |n| start + n + 2);
        edits.push(Edit::untranslated(body, start..end, &body[start..end]));
        i = end;
    }
    edits
}

/// The heading ids of a body as cairn will make them, and (Hugo) the edits that keep
/// Hugo's ids: Hugo keeps every letter, digit, `-` and `_` and turns each space into `-`,
/// where cairn's slug folds them; where the two differ, the Hugo id is written as
/// `{#id}`, so that links into the page, old and new, still land.
fn headings(body: &str, flavor: Flavor) -> (Vec<Edit>, HashSet<String>) {
    let mut edits = Vec::new();
    let mut ids = HashSet::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut open: Option<(Range<usize>, Option<String>, String)> = None;
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                open = Some((range, id.map(|i| i.to_string()), String::new()))
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = &mut open {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((range, written, text)) = open.take() else {
                    continue;
                };
                if let Some(id) = written {
                    ids.insert(id);
                    continue;
                }
                let base = match flavor {
                    Flavor::Hugo => text
                        .trim()
                        .to_lowercase()
                        .chars()
                        .filter_map(|c| match c {
                            ' ' => Some('-'),
                            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                            _ => None,
                        })
                        .collect(),
                    Flavor::Zola => crate::markdown::heading_slug(&text),
                };
                let n = seen.entry(base.clone()).or_default();
                let id = match *n {
                    0 => base.clone(),
                    n => format!("{base}-{n}"),
                };
                *n += 1;
                if id.is_empty() {
                    continue;
                }
                ids.insert(id.clone());
                if flavor == Flavor::Zola
                    || (id == crate::markdown::heading_slug(&text) && id == base)
                {
                    continue;
                }
                // At the end of the heading's first line, before a closing `#` sequence.
                let line = &body[range.clone()];
                let line = line.split('\n').next().unwrap_or(line).trim_end();
                let end = range.start + line.trim_end_matches('#').trim_end().len();
                edits.push(Edit::new(end..end, format!(" {{#{id}}}")));
            }
            _ => {}
        }
    }
    (edits, ids)
}

/// Apply `edits` (sorted, overlapping ones dropped) to `body`: the new text and, for
/// each note, the byte offset where it now is and where it was.
fn apply(body: &str, mut edits: Vec<Edit>) -> (String, Vec<(usize, usize, Note)>) {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(body.len());
    let mut notes = Vec::new();
    let mut last = 0;
    for e in edits {
        if e.range.start < last {
            continue;
        }
        out.push_str(&body[last..e.range.start]);
        if let Some(note) = e.note {
            notes.push((out.len(), e.range.start, note));
        }
        out.push_str(&e.text);
        last = e.range.end;
    }
    out.push_str(&body[last..]);
    (out, notes)
}

/// Every page of the plan by its source path and by its old URLs.
pub(super) struct Index<'a> {
    by_source: HashMap<&'a str, &'a Page>,
    by_old_url: HashMap<String, &'a Page>,
    ids: HashMap<&'a str, HashSet<String>>,
    assets: HashSet<&'a str>,
}

impl<'a> Index<'a> {
    pub fn new(plan: &'a [Page], assets: &'a [super::AssetFile], flavor: Flavor) -> Index<'a> {
        let ids = plan
            .iter()
            .map(|p| (p.rel.as_str(), headings(&p.body, flavor).1))
            .collect();
        let by_source = plan.iter().map(|p| (p.rel.as_str(), p)).collect();
        let mut by_old_url: HashMap<String, &Page> = HashMap::new();
        for p in plan {
            for url in std::iter::once(&p.out.old_url).chain(&p.out.aliases) {
                if let Some(u) = alias_path(url) {
                    by_old_url.entry(u.to_lowercase()).or_insert(p);
                }
            }
        }
        Index {
            by_source,
            by_old_url,
            ids,
            assets: assets.iter().map(|a| a.rel.as_str()).collect(),
        }
    }
}

/// The page's new file: front matter and body; what needs a person goes to `report`.
pub(super) fn write_page(
    page: &Page,
    index: &Index,
    source: &Source,
    report: &mut Report,
) -> String {
    let ctx = Ctx {
        page,
        by_source: &index.by_source,
        by_old_url: &index.by_old_url,
        ids: &index.ids,
        assets: &index.assets,
        code: code_ranges(&page.body),
        dropped: Default::default(),
    };
    let mut edits = match source.flavor {
        Flavor::Hugo => super::hugo::shortcodes(&page.body, &ctx),
        Flavor::Zola => super::zola::shortcodes(&page.body, &ctx),
    };
    edits.extend(leftover_braces(&page.body, &ctx, &edits));
    edits.extend(link_edits(&page.body, &ctx));
    edits.extend(headings(&page.body, source.flavor).0);
    let (body, notes) = apply(&page.body, edits);
    let (front, date_problem) = front_matter(page);
    let front_lines = front.matches('\n').count();
    let target = format!("content/{}", page.out.target);
    let line_in = |text: &str, at: usize| text[..at].matches('\n').count();
    if let Some(date) = date_problem {
        report.needs.push(super::Need {
            at: format!("{target}:2"),
            what: NeedKind::Other,
            message: format!("date `{date}` is not a date cairn reads: kept under [extra]"),
        });
    }
    for (new_at, old_at, note) in notes {
        let at = format!("{target}:{}", front_lines + line_in(&body, new_at) + 1);
        let was = format!(
            "{}:{}",
            source.show(&page.rel),
            page.body_line + line_in(&page.body, old_at)
        );
        let (what, message) = match note {
            Note::Untranslated(s) => (
                NeedKind::Shortcode,
                format!("untranslated shortcode {} (from {was})", code_span(&s)),
            ),
            Note::BrokenLink(s) => (
                NeedKind::Other,
                format!(
                    "link to `{s}`: the source has no such file, so only its text is kept (from {was})"
                ),
            ),
            Note::DroppedAnchor(a) => (
                NeedKind::Other,
                format!(
                    "link to `#{a}`: no such heading in its page, so the link goes to the page (from {was})"
                ),
            ),
        };
        report.needs.push(super::Need { at, what, message });
    }
    let code = code_ranges(&body);
    for r in crate::markdown::find_unsourced(&body, "") {
        if code.iter().any(|c| c.contains(&r.start)) {
            continue;
        }
        report.needs.push(super::Need {
            at: format!("{target}:{}", front_lines + line_in(&body, r.start) + 1),
            what: NeedKind::Other,
            message: format!(
                "\"{}\" states a change without a claim shortcode (cairn check fails on it)",
                &body[r.clone()]
            ),
        });
    }
    format!("{front}{}", braces_outside_code(&body))
}

/// `body` with each `{{` still outside code (a backtick of the text can pair with the
/// ones around a shortcode shown as code) written as `&#123;&#123;`: the reader sees
/// `{{`, cairn sees no shortcode.
fn braces_outside_code(body: &str) -> std::borrow::Cow<'_, str> {
    let code = code_ranges(body);
    let loose: Vec<usize> = body
        .match_indices("{{")
        .map(|(at, _)| at)
        .filter(|at| !code.iter().any(|r| r.contains(at)))
        .collect();
    if loose.is_empty() {
        return body.into();
    }
    let mut out = String::with_capacity(body.len() + loose.len() * 10);
    let mut last = 0;
    for at in loose {
        out.push_str(&body[last..at]);
        out.push_str("&#123;&#123;");
        last = at + 2;
    }
    out.push_str(&body[last..]);
    out.into()
}

/// The new front matter, and a date that could not be read (kept under `[extra]`).
fn front_matter(page: &Page) -> (String, Option<String>) {
    let out = &page.out;
    let f = &out.fields;
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let list = |v: &[String]| {
        toml::Value::Array(v.iter().map(|s| toml::Value::String(s.clone())).collect()).to_string()
    };
    let mut extra: toml::Table = page
        .fm
        .iter()
        .filter_map(|(k, v)| json_to_toml(v).map(|v| (k.clone(), v)))
        .collect();
    for (k, v) in &f.extra {
        if let Some(v) = json_to_toml(v) {
            extra.insert(k.clone(), v);
        }
    }
    if !out.terms.is_empty() {
        let terms: toml::Table = out
            .terms
            .iter()
            .map(|(t, vs)| {
                let vs = vs.iter().map(|v| toml::Value::String(v.clone())).collect();
                (t.clone(), toml::Value::Array(vs))
            })
            .collect();
        extra.insert("taxonomies".into(), toml::Value::Table(terms));
    }
    let mut s = String::from("+++\n");
    let title = f.title.clone().unwrap_or_else(|| {
        let base = super::zola::strip_date(page.base()).replace(['-', '_'], " ");
        let mut c = base.chars();
        c.next()
            .map(|first| first.to_uppercase().chain(c).collect())
            .unwrap_or_else(|| "Untitled".into())
    });
    s.push_str(&format!("title = {}\n", q(&title)));
    let mut bad_date = None;
    let journey = out.kind != Some(SectionKind::Pages);
    for (key, value) in [("date", &f.date), ("updated", &f.updated)] {
        let Some(v) = value else { continue };
        if crate::frontmatter::FmDate::parse(v).is_err() {
            extra.insert(key.into(), toml::Value::String(v.clone()));
            if key == "date" && journey {
                bad_date = Some(v.clone());
            }
            continue;
        }
        match v.parse::<toml::value::Datetime>() {
            Ok(d) => s.push_str(&format!("{key} = {d}\n")),
            Err(_) => s.push_str(&format!("{key} = {}\n", q(v))),
        }
    }
    if f.draft {
        s.push_str("draft = true\n");
    }
    if let (Some(slug), false) = (&f.slug, journey) {
        s.push_str(&format!("slug = {}\n", q(slug)));
    }
    if let Some(summary) = &f.summary {
        s.push_str(&format!("summary = {}\n", q(summary.trim())));
    }
    if let Some(stage) = &out.stage {
        s.push_str(&format!("stage = {}\n", q(stage)));
    }
    if !out.roles.is_empty() {
        s.push_str(&format!("roles = {}\n", list(&out.roles)));
    }
    if !out.industries.is_empty() {
        s.push_str(&format!("industries = {}\n", list(&out.industries)));
    }
    if let Some(w) = f.weight {
        s.push_str(&format!("weight = {w}\n"));
    }
    if let Some(a) = &f.author {
        s.push_str(&format!("author = {}\n", q(a)));
    }
    if !out.aliases.is_empty() {
        s.push_str(&format!("aliases = {}\n", list(&out.aliases)));
    }
    if !extra.is_empty() {
        let mut wrapper = toml::Table::new();
        wrapper.insert("extra".into(), toml::Value::Table(extra));
        s.push_str(&toml::to_string(&wrapper).unwrap_or_default());
    }
    s.push_str("+++\n");
    (s, bad_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(rel: &str, body: &str, kind: SectionKind, target: &str) -> Page {
        Page {
            rel: rel.into(),
            role: if rel.ends_with("/index.md") {
                Role::Leaf
            } else {
                Role::Single
            },
            fm: Default::default(),
            body: body.into(),
            body_line: 4,
            front: "title = \"x\"\n".into(),
            out: super::super::Out {
                kind: Some(kind),
                target: target.into(),
                new_url: "/articles/a/".into(),
                old_url: "/posts/a/".into(),
                ..Default::default()
            },
        }
    }

    proptest::proptest! {
        /// Any body, from either generator, is written without a panic, and every `{{`
        /// left outside code is inside a code span (cairn would read it as a shortcode).
        #[test]
        fn any_body_is_written(
            body in "([a-z #>\n`*\\/%@()\\[\\]:.-]|\\{\\{|\\}\\}|\\{%|%\\}|<|>|\"|é){0,80}",
            hugo in proptest::bool::ANY,
        ) {
            let flavor = if hugo { Flavor::Hugo } else { Flavor::Zola };
            let plan = vec![
                page("posts/a.md", &body, SectionKind::Articles, "articles/a.md"),
                page("posts/b/index.md", "## B\n", SectionKind::Articles, "articles/b/index.md"),
            ];
            let source = Source {
                flavor,
                content: "/nowhere".into(),
                top: "/nowhere".into(),
                shown: "old".into(),
                taxonomies: Vec::new(),
                permalinks: Default::default(),
            };
            let index = Index::new(&plan, &[], flavor);
            let mut report = Report::default();
            let text = write_page(&plan[0], &index, &source, &mut report);
            let body = text.splitn(3, "+++\n").nth(2).unwrap_or("");
            let code = code_ranges(body);
            for (at, _) in body.match_indices("{{") {
                proptest::prop_assert!(code.iter().any(|r| r.contains(&at)), "{{{{ at {} in {:?}", at, body);
            }
        }
    }

    #[test]
    fn code_spans_stay_on_one_line() {
        assert_eq!(code_span("{{< x\n  a=\"b\" >}}"), "`{{< x a=\"b\" >}}`");
        assert_eq!(code_span("{{< x `y` >}}"), "`` {{< x `y` >}} ``");
    }

    #[test]
    fn edits_apply_in_order_and_notes_move_with_them() {
        let body = "a {{< x >}} b\n{{< y >}}\n";
        let edits = vec![
            Edit::untranslated(body, 14..23, "{{< y >}}"),
            Edit::new(2..11, "LINK".into()),
        ];
        let (out, notes) = apply(body, edits);
        assert_eq!(out, "a LINK b\n`{{< y >}}`\n");
        assert_eq!((notes[0].0, notes[0].1), (9, 14));
    }
}
