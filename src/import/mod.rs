//! `cairn import hugo|zola`: a Hugo or Zola content folder → cairn's layout.
//!
//! Two runs: without a mapping file, `import` reads the source and writes a draft of
//! one (`import-map.toml`: every section and taxonomy term seen); with it, `import`
//! converts every page (front matter, body, bundle assets) and writes the new files,
//! each old URL kept as an alias. It never overwrites a file (it checks every target
//! before writing any), writes nothing outside the site folder, reads nothing through
//! a link that leads out of the source, and returns what needs a person.
//!
//! `hugo.rs` and `zola.rs` know each generator's keys, URLs and shortcodes;
//! `map.rs` the mapping file; `body.rs` the rewriting of bodies.

mod body;
mod hugo;
pub mod map;
mod zola;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::{Map as JsonMap, Value};

use crate::config::SiteConfig;
use map::{Map, SectionKind, Seen};

/// The name of the draft mapping file, in the site folder.
pub const MAP_DRAFT: &str = "import-map.toml";

/// Which generator wrote the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Hugo,
    Zola,
}

impl Flavor {
    pub fn name(self) -> &'static str {
        match self {
            Flavor::Hugo => "hugo",
            Flavor::Zola => "zola",
        }
    }
}

/// What to import and where.
#[derive(Debug, Clone)]
pub struct Options {
    pub flavor: Flavor,
    /// The source site (holding `content/`) or its content folder.
    pub source: PathBuf,
    /// The cairn site (holding `site.toml`).
    pub root: PathBuf,
    /// The filled-in mapping file; `None`: write a draft of it.
    pub map: Option<PathBuf>,
}

/// What a person has to look at, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// `path:line`: a file of the site when the page was written, else of the source.
    pub at: String,
    pub what: NeedKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NeedKind {
    /// An article without a stage.
    Stage,
    /// A taxonomy term the map leaves unmapped.
    Term,
    /// A shortcode left in the text.
    Shortcode,
    /// Anything else: a missing date, a case study without customer, an old URL taken.
    Other,
}

/// What `import` did and what is left to a person.
#[derive(Debug, Default)]
pub struct Report {
    /// Pages written.
    pub pages: usize,
    /// Other files copied.
    pub assets: usize,
    /// The draft mapping file written (relative to the site), when no map was given.
    pub map_draft: Option<String>,
    /// Pages and terms seen (for a draft).
    pub seen_pages: usize,
    pub seen_terms: usize,
    pub needs: Vec<Need>,
    /// Files of the source not imported, each with why.
    pub skipped: Vec<String>,
}

impl Report {
    pub fn count(&self, what: NeedKind) -> usize {
        self.needs.iter().filter(|n| n.what == what).count()
    }
}

/// Run the import described by `options`.
pub fn run(options: &Options) -> anyhow::Result<Report> {
    let config = SiteConfig::load(&options.root).map_err(|ds| {
        let first = ds.first().map(|d| d.message.clone()).unwrap_or_default();
        anyhow::anyhow!(
            "cannot read {}: {first}\n  = hint: import into a cairn site: `cairn init {}` makes one",
            options.root.join("site.toml").display(),
            options.root.display()
        )
    })?;
    let root = options
        .root
        .canonicalize()
        .with_context(|| format!("cannot open {}", options.root.display()))?;
    let source = Source::open(options.flavor, &options.source)?;
    // The source's content may not be the site's (nor hold the site): import would write
    // into what it reads, and publish the source's files.
    if source
        .content
        .starts_with(root.join(crate::source::CONTENT_DIR))
        || root.starts_with(&source.content)
    {
        bail!(
            "the source {} and the site {} overlap: import into a site folder outside the source",
            options.source.display(),
            options.root.display()
        );
    }
    let mut report = Report::default();
    let (pages, assets) = source.read(&mut report);
    let pages = unrendered(&source, pages, &mut report);
    report.seen_pages = pages.len();
    let Some(map_path) = &options.map else {
        let seen = seen(&source, &pages);
        report.seen_terms = seen.taxonomies.values().map(|t| t.len()).sum();
        let text = map::draft(
            &seen,
            &config,
            options.flavor.name(),
            &options.source.display().to_string(),
        );
        let mut out = Writer::new(&root);
        out.add(MAP_DRAFT, text.into_bytes());
        out.check()?;
        out.write()?;
        report.map_draft = Some(MAP_DRAFT.to_string());
        return Ok(report);
    };
    let map_text = std::fs::read_to_string(map_path)
        .with_context(|| format!("cannot read {}", map_path.display()))?;
    let map = Map::parse(&map_text, &map_path.display().to_string(), &config)
        .map_err(|problems| anyhow::anyhow!("{}", problems.join("\n")))?;
    let plan = plan(&source, pages, &map, &mut report);
    let mut out = Writer::new(&root);
    let index = body::Index::new(&plan, &assets, source.flavor);
    for page in &plan {
        let text = body::write_page(page, &index, &source, &mut report);
        out.add(&format!("content/{}", page.out.target), text.into_bytes());
    }
    report.pages = plan.len();
    for asset in &assets {
        let target = asset_target(asset, &plan);
        let bytes = std::fs::read(&asset.abs)
            .with_context(|| format!("cannot read {}", asset.abs.display()))?;
        out.add(&format!("content/{target}"), bytes);
        report.assets += 1;
    }
    out.check()?;
    out.write()?;
    report
        .needs
        .sort_by(|a, b| (a.what, &a.at).cmp(&(b.what, &b.at)));
    Ok(report)
}

/// The source: where its content is, its generator and settings.
pub(crate) struct Source {
    pub flavor: Flavor,
    /// The content folder, resolved.
    pub content: PathBuf,
    /// The folder no link may lead out of, resolved.
    pub top: PathBuf,
    /// How the source is named in messages (`old/content`).
    pub shown: PathBuf,
    /// Taxonomies of Hugo's configuration (front-matter keys).
    pub taxonomies: Vec<String>,
    /// Hugo's permalinks: section → pattern.
    pub permalinks: HashMap<String, String>,
}

impl Source {
    fn open(flavor: Flavor, given: &Path) -> anyhow::Result<Source> {
        let top = given
            .canonicalize()
            .with_context(|| format!("cannot open the source {}", given.display()))?;
        let config = match flavor {
            Flavor::Hugo => hugo::config(&top),
            Flavor::Zola => JsonMap::new(),
        };
        let content_dir = match flavor {
            Flavor::Hugo => hugo::content_dir(&config),
            Flavor::Zola => "content".to_string(),
        };
        let (content, shown) = match top.join(&content_dir).is_dir() {
            true => (top.join(&content_dir), given.join(&content_dir)),
            false => (top.clone(), given.to_path_buf()),
        };
        let content = content.canonicalize()?;
        if !content.starts_with(&top) {
            bail!(
                "the content folder {} leads outside the source",
                shown.display()
            );
        }
        Ok(Source {
            flavor,
            taxonomies: hugo::taxonomies(&config),
            permalinks: hugo::permalinks(&config),
            content,
            top,
            shown,
        })
    }

    /// The generator's fields and taxonomy terms of `page`, taken out of `fm` (what is
    /// left goes under `[extra]`).
    fn fields(
        &self,
        page: &Page,
        fm: &mut JsonMap<String, Value>,
    ) -> (Fields, Vec<(String, Vec<String>)>) {
        match self.flavor {
            Flavor::Hugo => hugo::fields(page, fm, &self.taxonomies),
            Flavor::Zola => zola::fields(page, fm),
        }
    }

    /// `rel` (relative to the content folder) as shown in messages.
    pub fn show(&self, rel: &str) -> String {
        crate::diagnostics::display_path(&self.shown.join(rel))
    }

    /// Every page and other file of the content folder; links out of the source, other
    /// formats and unreadable files are listed in `report.skipped`.
    fn read(&self, report: &mut Report) -> (Vec<Page>, Vec<AssetFile>) {
        let mut pages = Vec::new();
        let mut assets = Vec::new();
        let mut walker = walkdir::WalkDir::new(&self.content)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !crate::source::is_ignored_name(&e.file_name().to_string_lossy())
            });
        while let Some(entry) = walker.next() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let at = e.path().map(|p| self.shown_abs(p)).unwrap_or_default();
                    report.skipped.push(format!("{at}: cannot read: {e}"));
                    continue;
                }
            };
            let rel = entry
                .path()
                .strip_prefix(&self.content)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            if entry.path_is_symlink() {
                let inside = entry
                    .path()
                    .canonicalize()
                    .is_ok_and(|t| t.starts_with(&self.top));
                if !inside {
                    let to = std::fs::read_link(entry.path())
                        .map(|t| t.display().to_string())
                        .unwrap_or_default();
                    report.skipped.push(format!(
                        "{}: symbolic link to `{to}`, outside the source: not read",
                        self.show(&rel)
                    ));
                    if entry.file_type().is_dir() {
                        walker.skip_current_dir();
                    }
                    continue;
                }
            }
            if !entry.file_type().is_file() {
                continue;
            }
            let ext = rel.rsplit_once('.').map(|(_, x)| x.to_ascii_lowercase());
            match ext.as_deref() {
                Some("md" | "markdown") => match Page::read(&rel, entry.path()) {
                    Ok(page) => pages.push(page),
                    Err(why) => report.skipped.push(format!("{}: {why}", self.show(&rel))),
                },
                Some("html" | "htm" | "adoc" | "asciidoc" | "org" | "pandoc" | "rst")
                    if self.flavor == Flavor::Hugo =>
                {
                    report.skipped.push(format!(
                        "{}: a content format other than Markdown: not imported",
                        self.show(&rel)
                    ))
                }
                _ if rel.ends_with("_content.gotmpl") => report.needs.push(Need {
                    at: format!("{}:1", self.show(&rel)),
                    what: NeedKind::Other,
                    message: "a content adapter (pages made by a template from data): its pages are not imported".into(),
                }),
                _ => assets.push(AssetFile {
                    rel,
                    abs: entry.into_path(),
                }),
            }
        }
        (pages, assets)
    }

    fn shown_abs(&self, abs: &Path) -> String {
        let rel = abs.strip_prefix(&self.content).unwrap_or(abs);
        self.show(&rel.to_string_lossy())
    }
}

/// A file of the source that is not a page.
pub(crate) struct AssetFile {
    /// Relative to the content folder.
    pub rel: String,
    pub abs: PathBuf,
}

/// How a Markdown file stands in its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// `x.md`.
    Single,
    /// `x/index.md`: a page whose folder holds its assets.
    Leaf,
    /// `x/_index.md`: a section's own page.
    Branch,
}

/// One page of the source, read.
pub(crate) struct Page {
    /// Relative to the content folder: `posts/x.md`.
    pub rel: String,
    pub role: Role,
    /// Front matter, keys as written.
    pub fm: JsonMap<String, Value>,
    /// The text after the front matter.
    pub body: String,
    /// The line of the source file the body starts on.
    pub body_line: usize,
    /// The front matter's text, to find where a term is written.
    pub front: String,
    /// What the page becomes (filled by `plan`).
    pub out: Out,
}

/// A page in cairn's layout.
#[derive(Debug, Clone, Default)]
pub(crate) struct Out {
    pub kind: Option<SectionKind>,
    /// Relative to `content/`: `articles/x.md`.
    pub target: String,
    pub new_url: String,
    pub old_url: String,
    /// The generator's fields, taken out of the front matter.
    pub fields: Fields,
    /// Taxonomy → terms.
    pub terms: Vec<(String, Vec<String>)>,
    pub stage: Option<String>,
    pub roles: Vec<String>,
    pub industries: Vec<String>,
    pub aliases: Vec<String>,
}

/// The fields both generators have, as written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fields {
    pub title: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub draft: bool,
    pub slug: Option<String>,
    pub summary: Option<String>,
    pub author: Option<String>,
    pub aliases: Vec<String>,
    pub weight: Option<i64>,
    /// The page's own URL as written (Hugo `url`, Zola `path`).
    pub url: Option<String>,
    /// Zola's `[extra]`, merged into the new `[extra]`.
    pub extra: JsonMap<String, Value>,
}

impl Page {
    fn read(rel: &str, abs: &Path) -> Result<Page, String> {
        let bytes = std::fs::read(abs).map_err(|e| format!("cannot read: {e}"))?;
        let text = crate::source::decode(bytes)
            .map_err(|(at, _)| format!("not UTF-8 text (at byte {at}): not imported"))?;
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let role = match name {
            "index.md" if rel.contains('/') => Role::Leaf,
            "_index.md" => Role::Branch,
            _ => Role::Single,
        };
        // Zola (and Hugo) take blank lines before the front matter.
        let lead = match text.trim_start().starts_with(['+', '-']) {
            true => text.len() - text.trim_start().len(),
            false => 0,
        };
        let (fm, front, body, body_offset) = match crate::source::split_front_matter(&text[lead..])
        {
            Ok(split) => {
                let fm = parse_front(split.format, split.front)
                    .map_err(|e| format!("front matter cannot be read ({e}): not imported"))?;
                (
                    fm,
                    split.front.to_string(),
                    split.body.to_string(),
                    lead + split.body_offset,
                )
            }
            Err(e) if e.message == "missing front matter" => {
                (JsonMap::new(), String::new(), text.clone(), 0)
            }
            Err(e) => return Err(format!("{}: not imported", e.message)),
        };
        Ok(Page {
            rel: rel.to_string(),
            role,
            fm,
            body_line: text[..body_offset].matches('\n').count() + 1,
            body,
            front,
            out: Out::default(),
        })
    }

    /// The top-level folder it is in (`None` at the top).
    pub fn section(&self) -> Option<&str> {
        self.rel.split_once('/').map(|(s, _)| s)
    }

    /// Its folders, outermost first (for a bundle, the bundle's own folder too).
    pub fn dirs(&self) -> Vec<&str> {
        let mut parts: Vec<&str> = self.rel.split('/').collect();
        parts.pop();
        parts
    }

    /// Its name without `.md`; a bundle's folder name.
    pub fn base(&self) -> &str {
        match self.role {
            Role::Single => {
                let name = self.rel.rsplit('/').next().unwrap_or("");
                name.rsplit_once('.').map_or(name, |(b, _)| b)
            }
            _ => self.dirs().last().copied().unwrap_or(""),
        }
    }

    /// The line of the source where `needle` is first written in the front matter.
    pub fn front_line(&self, needle: &str) -> usize {
        // The opening `+++`/`---` is on the line before the front matter's first.
        let fence = self
            .body_line
            .saturating_sub(self.front.matches('\n').count() + 2)
            .max(1);
        self.front
            .lines()
            .position(|l| l.contains(needle))
            .map_or(fence, |i| fence + 1 + i)
    }
}

/// Front matter → a JSON object (TOML dates become their text).
fn parse_front(
    format: crate::source::Format,
    front: &str,
) -> Result<JsonMap<String, Value>, String> {
    if front.trim().is_empty() {
        return Ok(JsonMap::new());
    }
    let value = match format {
        crate::source::Format::Toml => {
            let table: toml::Table = toml::from_str(front).map_err(|e| e.message().to_string())?;
            toml_to_json(toml::Value::Table(table))
        }
        crate::source::Format::Yaml => serde_saphyr::from_str::<Value>(front).map_err(|e| {
            e.to_string()
                .lines()
                .next()
                .unwrap_or("invalid YAML")
                .to_string()
        })?,
    };
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(JsonMap::new()),
        _ => Err("not a table of keys".to_string()),
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// A JSON value → TOML (`null` has no TOML form: `None`).
pub(crate) fn json_to_toml(v: &Value) -> Option<toml::Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(a) => toml::Value::Array(a.iter().filter_map(json_to_toml).collect()),
        Value::Object(o) => toml::Value::Table(
            o.iter()
                .filter_map(|(k, v)| json_to_toml(v).map(|v| (k.clone(), v)))
                .collect(),
        ),
    })
}

/// A string, or the strings of a list (Hugo takes both for lists).
pub(crate) fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|x| match x {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A value as text (dates, numbers).
pub(crate) fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Take the first of `keys` (compared without case) out of `fm`.
pub(crate) fn take(fm: &mut JsonMap<String, Value>, keys: &[&str]) -> Option<Value> {
    for k in keys {
        let found = fm.keys().find(|x| x.eq_ignore_ascii_case(k)).cloned();
        if let Some(found) = found {
            return fm.remove(&found);
        }
    }
    None
}

/// The pages the generator publishes; the others (Hugo's `headless`, `build.render =
/// "never"`, also cascaded from a section; Zola's `render = false`) are reported.
fn unrendered(source: &Source, pages: Vec<Page>, report: &mut Report) -> Vec<Page> {
    let own = |p: &Page| match source.flavor {
        Flavor::Hugo => hugo::unrendered(&p.fm),
        Flavor::Zola => matches!(p.fm.get("render"), Some(Value::Bool(false))),
    };
    // Sections whose cascade keeps every page below them unrendered: their folder.
    let hidden: Vec<(String, String)> = pages
        .iter()
        .filter(|p| {
            p.role == Role::Branch && source.flavor == Flavor::Hugo && hugo::cascaded(&p.fm)
        })
        .map(|p| {
            (
                p.rel.trim_end_matches("_index.md").to_string(),
                p.rel.clone(),
            )
        })
        .collect();
    let mut below: BTreeMap<String, usize> = BTreeMap::new();
    let mut kept = Vec::new();
    for page in pages {
        // A section's cascade also applies to itself, unless it says otherwise.
        let own_build = page
            .fm
            .keys()
            .any(|k| k.eq_ignore_ascii_case("build") || k == "_build");
        let cascaded = hidden.iter().find(|(dir, rel)| {
            page.rel.starts_with(dir.as_str()) && !(*rel == page.rel && own_build)
        });
        if let Some((_, section)) = cascaded {
            *below.entry(section.clone()).or_default() += 1;
        } else if own(&page) {
            report.needs.push(Need {
                at: format!("{}:1", source.show(&page.rel)),
                what: NeedKind::Other,
                message: "never rendered by the old site (headless, or render never): not imported"
                    .into(),
            });
        } else {
            kept.push(page);
        }
    }
    for (section, n) in below {
        report.needs.push(Need {
            at: format!("{}:1", source.show(&section)),
            what: NeedKind::Other,
            message: format!(
                "{} of this section never rendered by the old site (its cascade: build render never): not imported",
                plural(n, "page")
            ),
        });
    }
    kept
}

/// Sections, their page counts and dates, and every term with its page count.
fn seen(source: &Source, pages: &[Page]) -> Seen {
    let mut seen = Seen::default();
    for page in pages {
        let mut fm = page.fm.clone();
        let (fields, terms) = source.fields(page, &mut fm);
        if let (Some(section), false) = (page.section(), page.role == Role::Branch) {
            let e = seen.sections.entry(section.to_string()).or_default();
            e.0 += 1;
            e.1 += usize::from(fields.date.is_some());
        }
        for (taxonomy, values) in terms {
            let t = seen.taxonomies.entry(taxonomy).or_default();
            for v in values {
                *t.entry(v).or_default() += 1;
            }
        }
    }
    seen
}

/// Where every page goes, its URLs old and new, and its stage, roles and industries.
fn plan(source: &Source, mut pages: Vec<Page>, map: &Map, report: &mut Report) -> Vec<Page> {
    let mut used: HashSet<String> = HashSet::new();
    let mut kept = Vec::new();
    for mut page in pages.drain(..) {
        let mut fm = std::mem::take(&mut page.fm);
        let (fields, terms) = source.fields(&page, &mut fm);
        page.fm = fm;
        let kind = match (page.section(), page.role) {
            (None, _) | (_, Role::Branch) => SectionKind::Pages,
            (Some(s), _) => map.sections.get(s).map_or(SectionKind::Pages, |m| m.kind),
        };
        let old_url = match source.flavor {
            Flavor::Hugo => hugo::old_url(&page, &fields, &source.permalinks),
            Flavor::Zola => zola::old_url(&page, &fields),
        };
        let target = match kind {
            SectionKind::Pages => page.rel.clone(),
            _ => journey_target(&page, &fields, kind, &mut used),
        };
        if let Some(why) = refusal(&target, kind, &page) {
            report.needs.push(Need {
                at: format!("{}:1", source.show(&page.rel)),
                what: NeedKind::Other,
                message: why.to_string(),
            });
            continue;
        }
        let new_url = new_url(&target, kind, fields.slug.as_deref());
        page.out = Out {
            kind: Some(kind),
            target,
            new_url,
            old_url,
            terms,
            ..Out::default()
        };
        page.out.fields = fields;
        kept.push(page);
    }
    for page in &mut kept {
        map_terms(source, page, map, report);
    }
    aliases(source, &mut kept, report);
    kept
}

/// Why a page cannot be written at `target`, if it cannot.
fn refusal(target: &str, kind: SectionKind, page: &Page) -> Option<&'static str> {
    if target == "_index.md" || target == "index.md" {
        return Some("the home page's own text: cairn makes its own home page; not imported");
    }
    let journey = target.starts_with("articles/") || target.starts_with("case-studies/");
    match (kind, page.role) {
        (SectionKind::Pages, Role::Branch) if journey => Some(
            "the list page of a section cairn lists itself (/articles/, /case-studies/): not imported",
        ),
        (SectionKind::Pages, _) if journey => Some(
            "a page under articles/ or case-studies/ is on the journey: map its section to kind \"articles\" or \"case-studies\"",
        ),
        _ => None,
    }
}

/// `articles/<slug>.md` (or `<slug>/index.md` for a bundle), the slug made unique.
fn journey_target(
    page: &Page,
    fields: &Fields,
    kind: SectionKind,
    used: &mut HashSet<String>,
) -> String {
    let base = kind.id();
    let name = fields.slug.clone().unwrap_or_else(|| match page.role {
        Role::Single if matches!(page.base(), "index" | "_index") => String::new(),
        _ => zola::strip_date(page.base()).to_string(),
    });
    let mut slug = slug::slugify(&name);
    if slug.is_empty() {
        slug = slug::slugify(fields.title.as_deref().unwrap_or(""));
    }
    if slug.is_empty() {
        slug = "page".to_string();
    }
    let mut candidate = slug.clone();
    if used.contains(&format!("{base}/{candidate}")) {
        // Folders that made two pages' URLs differ in the source tell them apart here.
        let mut dirs: Vec<&str> = page.dirs();
        if page.role == Role::Leaf {
            dirs.pop();
        }
        let prefix = slug::slugify(dirs.join("-"));
        candidate = format!("{prefix}-{slug}");
        let mut n = 2;
        while used.contains(&format!("{base}/{candidate}")) {
            candidate = format!("{prefix}-{slug}-{n}");
            n += 1;
        }
    }
    used.insert(format!("{base}/{candidate}"));
    match page.role {
        Role::Leaf => format!("{base}/{candidate}/index.md"),
        _ => format!("{base}/{candidate}.md"),
    }
}

/// The URL cairn gives the page at `target` (as `model::meta` makes it).
fn new_url(target: &str, kind: SectionKind, slug: Option<&str>) -> String {
    let stem_dir = |t: &str| -> (Vec<String>, String, bool) {
        let mut parts: Vec<&str> = t.split('/').collect();
        let file = parts.pop().unwrap_or("");
        let stem = file.strip_suffix(".md").unwrap_or(file);
        let index = stem == "index" || stem == "_index";
        (
            parts.iter().map(slug::slugify).collect(),
            slug::slugify(stem),
            index,
        )
    };
    let (mut dirs, stem, index) = stem_dir(target);
    match kind {
        SectionKind::Articles | SectionKind::CaseStudies => {
            let slug = match index {
                true => dirs.pop().unwrap_or_default(),
                false => stem,
            };
            format!("/{}/{slug}/", kind.id())
        }
        SectionKind::Pages => {
            let written = slug.map(slug::slugify).filter(|s| !s.is_empty());
            match (index, written) {
                (true, Some(s)) => {
                    if let Some(last) = dirs.last_mut() {
                        *last = s;
                    }
                }
                (true, None) => {}
                (false, s) => dirs.push(s.unwrap_or(stem)),
            }
            match dirs.is_empty() {
                true => "/".to_string(),
                false => format!("/{}/", dirs.join("/")),
            }
        }
    }
}

/// The page's stage, roles and industries from its terms and section; terms the map
/// leaves empty, and articles without a stage, are reported.
fn map_terms(source: &Source, page: &mut Page, map: &Map, report: &mut Report) {
    let kind = page.out.kind.unwrap_or(SectionKind::Pages);
    if kind == SectionKind::Pages {
        return;
    }
    let mut stages: Vec<String> = Vec::new();
    for (taxonomy, values) in &page.out.terms {
        for v in values {
            let Some(to) = map.term(taxonomy, v).filter(|t| !t.is_empty()) else {
                report.needs.push(Need {
                    at: format!("{}:{}", source.show(&page.rel), page.front_line(v)),
                    what: NeedKind::Term,
                    message: format!("{taxonomy} `{v}` is not mapped"),
                });
                continue;
            };
            if !to.stage.is_empty() && !stages.contains(&to.stage) {
                stages.push(to.stage.clone());
            }
            for r in &to.roles {
                if !page.out.roles.contains(r) {
                    page.out.roles.push(r.clone());
                }
            }
            for i in &to.industries {
                if !page.out.industries.contains(i) {
                    page.out.industries.push(i.clone());
                }
            }
        }
    }
    let section_stage = page
        .section()
        .and_then(|s| map.sections.get(s))
        .map(|s| s.stage.clone())
        .filter(|s| !s.is_empty());
    let at = format!("content/{}:1", page.out.target);
    page.out.stage = stages.first().cloned().or(section_stage);
    if stages.len() > 1 {
        report.needs.push(Need {
            at: at.clone(),
            what: NeedKind::Other,
            message: format!(
                "its terms map to several stages ({}): took `{}`",
                stages.join(", "),
                stages[0]
            ),
        });
    }
    if page.out.stage.is_none() && kind == SectionKind::Articles {
        let terms: Vec<String> = page
            .out
            .terms
            .iter()
            .flat_map(|(t, vs)| vs.iter().map(move |v| format!("{t} `{v}`")))
            .collect();
        let from = match terms.is_empty() {
            true => "it has no terms".to_string(),
            false => format!("its terms: {}", terms.join(", ")),
        };
        report.needs.push(Need {
            at: at.clone(),
            what: NeedKind::Stage,
            message: format!("no stage ({from})"),
        });
    }
    if page.out.fields.date.is_none() {
        report.needs.push(Need {
            at: at.clone(),
            what: NeedKind::Other,
            message: "no date: articles and case studies need one".to_string(),
        });
    }
    if kind == SectionKind::CaseStudies {
        report.needs.push(Need {
            at,
            what: NeedKind::Other,
            message: "a case study needs `customer` and its `[[metrics]]`".to_string(),
        });
    }
}

/// Each page's aliases: its old URL where it moved, and the aliases it had; an old URL
/// that another page now has, or that two pages claim, is left out and reported.
fn aliases(source: &Source, pages: &mut [Page], report: &mut Report) {
    let new_urls: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.out.new_url.clone(), i))
        .collect();
    let mut claimed: HashMap<String, usize> = HashMap::new();
    for i in 0..pages.len() {
        let page = &pages[i];
        // A relative alias is from the root in Zola, from the folder of the page's old
        // URL in Hugo.
        let dir = match source.flavor {
            Flavor::Hugo => dir_of(page.out.old_url.trim_end_matches('/')),
            Flavor::Zola => "/".to_string(),
        };
        let mut wanted = vec![page.out.old_url.clone()];
        for a in &page.out.fields.aliases {
            wanted.push(resolve_url(&dir, a));
        }
        let mut kept = Vec::new();
        for url in wanted {
            let Some(url) = alias_path(&url) else {
                continue;
            };
            if url == page.out.new_url || kept.contains(&url) {
                continue;
            }
            let taken = new_urls
                .get(&url)
                .copied()
                .or_else(|| claimed.get(&url).copied());
            if let Some(other) = taken {
                report.needs.push(Need {
                    at: format!("content/{}:1", page.out.target),
                    what: NeedKind::Other,
                    message: format!(
                        "old URL {url} is also the URL of {}: no redirect written for it",
                        source.show(&pages[other].rel)
                    ),
                });
                continue;
            }
            claimed.insert(url.clone(), i);
            kept.push(url);
        }
        pages[i].out.aliases = kept;
    }
}

/// The folder of a URL path: `/a/b/` for `/a/b/` and for `/a/b/c.html`.
pub(crate) fn dir_of(url: &str) -> String {
    match url.ends_with('/') {
        true => url.to_string(),
        false => url
            .rsplit_once('/')
            .map_or("/".into(), |(d, _)| format!("{d}/")),
    }
}

/// `link` (relative or from the root) resolved against the folder `dir`, `.` and `..`
/// parts removed.
pub(crate) fn resolve_url(dir: &str, link: &str) -> String {
    let joined = match link.starts_with('/') {
        true => link.to_string(),
        false => format!("{dir}{link}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let trailing = joined.ends_with('/') || joined.ends_with("/.") || joined.ends_with("/..");
    match (parts.is_empty(), trailing) {
        (true, _) => "/".to_string(),
        (false, true) => format!("/{}/", parts.join("/")),
        (false, false) => format!("/{}", parts.join("/")),
    }
}

/// A URL path as cairn takes it for an alias: from the root, query and fragment left
/// out, a folder ending in `/`, characters outside a URL path percent-encoded; `None`
/// for the home page or a hidden part.
pub(crate) fn alias_path(url: &str) -> Option<String> {
    let url = url.split(['?', '#']).next().unwrap_or("");
    let url = resolve_url("/", url.trim());
    if url == "/" || url.split('/').any(|p| p.starts_with('.')) {
        return None;
    }
    // Hugo and Zola write an alias as a folder's index.html unless it names an HTML file.
    let url = match url.ends_with('/') || url.ends_with(".html") || url.ends_with(".htm") {
        true => url,
        false => format!("{url}/"),
    };
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    Some(out)
}

/// Where an asset goes: with its page when it is in a bundle's folder (the page moved
/// to articles/ or case-studies/), else at the same path (so its old URL still works).
fn asset_target(asset: &AssetFile, plan: &[Page]) -> String {
    for page in plan.iter().filter(|p| p.role == Role::Leaf) {
        let dir = page.rel.strip_suffix("index.md").unwrap_or(&page.rel);
        if let Some(inside) = asset.rel.strip_prefix(dir) {
            let target_dir = page.out.target.strip_suffix("index.md").unwrap_or("");
            return format!("{target_dir}{inside}");
        }
    }
    asset.rel.clone()
}

/// Files to write under the site folder, checked all together before any is written.
struct Writer {
    root: PathBuf,
    files: BTreeMap<String, Vec<u8>>,
}

impl Writer {
    fn new(root: &Path) -> Writer {
        Writer {
            root: root.to_path_buf(),
            files: BTreeMap::new(),
        }
    }

    fn add(&mut self, rel: &str, bytes: Vec<u8>) {
        self.files.insert(rel.to_string(), bytes);
    }

    /// Refuses (naming every file) when any target exists, would be reached through a
    /// link, or lies outside the site folder.
    fn check(&self) -> anyhow::Result<()> {
        let mut existing = Vec::new();
        let mut outside = Vec::new();
        for rel in self.files.keys() {
            let normal = Path::new(rel)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            let path = self.root.join(rel);
            let resolved = crate::source::resolve(&path).unwrap_or_default();
            if !normal || !resolved.starts_with(&self.root) {
                outside.push(rel.clone());
            } else if std::fs::symlink_metadata(&path).is_ok() {
                existing.push(rel.clone());
            }
        }
        if !outside.is_empty() {
            bail!(
                "refusing to import: {} would be written outside the site folder (through a link or `..`): {}",
                plural(outside.len(), "file"),
                outside.join(", ")
            );
        }
        if !existing.is_empty() {
            let shown: Vec<&str> = existing.iter().take(10).map(String::as_str).collect();
            let more = match existing.len() > 10 {
                true => format!(" and {} more", existing.len() - 10),
                false => String::new(),
            };
            bail!(
                "refusing to import: {} already exist{} and would be overwritten: {}{more}\n  = hint: nothing was written; move them away, or import into another site folder",
                plural(existing.len(), "file"),
                if existing.len() == 1 { "s" } else { "" },
                shown.join(", ")
            );
        }
        Ok(())
    }

    /// Writes every file as a new file (an existing one is never replaced).
    fn write(&self) -> anyhow::Result<()> {
        use std::io::Write;
        for (rel, bytes) in &self.files {
            let path = self.root.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
                let resolved = parent.canonicalize()?;
                if !resolved.starts_with(&self.root) {
                    bail!("refusing to write {rel}: its folder leads outside the site folder");
                }
            }
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            f.write_all(bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    match n {
        1 => format!("1 {word}"),
        n => format!("{n} {word}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_and_become_alias_paths() {
        assert_eq!(resolve_url("/posts/a/", "../b/"), "/posts/b/");
        assert_eq!(resolve_url("/posts/a/", "/x/../../y"), "/y");
        assert_eq!(alias_path("/posts/old"), Some("/posts/old/".into()));
        assert_eq!(alias_path("old.html"), Some("/old.html".into()));
        assert_eq!(
            alias_path("/blog/été/?x=1"),
            Some("/blog/%C3%A9t%C3%A9/".into())
        );
        assert_eq!(alias_path("/../"), None);
        assert_eq!(alias_path("/.git/config"), None);
    }

    #[test]
    fn new_urls_follow_cairn() {
        assert_eq!(
            new_url("articles/a-b.md", SectionKind::Articles, None),
            "/articles/a-b/"
        );
        assert_eq!(
            new_url("articles/x/index.md", SectionKind::Articles, None),
            "/articles/x/"
        );
        assert_eq!(
            new_url("docs/Get Started/_index.md", SectionKind::Pages, None),
            "/docs/get-started/"
        );
        assert_eq!(
            new_url("docs/a.md", SectionKind::Pages, Some("B c")),
            "/docs/b-c/"
        );
        assert_eq!(new_url("about.md", SectionKind::Pages, None), "/about/");
    }
}
