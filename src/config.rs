//! `site.toml` → [`SiteConfig`]: site metadata and the three vocabularies
//! (journey stages, buying-center roles, industries). Parsing a string is
//! separate from reading the file so it is tested without disk. Unknown keys
//! are errors with a suggestion, never ignored.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, suggestion};
use crate::spans::{Entry, Node, Shape};

pub const CONFIG_FILE: &str = "site.toml";

/// A call to action shown at the end of a journey stage.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cta {
    pub text: String,
    pub url: String,
}

/// One journey stage; the order of `SiteConfig::stages` is the journey.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub cta: Option<Cta>,
}

/// One buying-center role.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Other spellings accepted in front matter and normalised to `id`.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// One industry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Industry {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// Coverage requirements checked by `cairn audit`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    /// Every role × stage cell needs at least this many pages.
    #[serde(default)]
    pub min_per_cell: usize,
    /// Cells that must not be empty, as `"role:stage"` (`"*:decision"` = every role at decision).
    #[serde(default)]
    pub require: Vec<String>,
    /// Every industry needs at least one case study.
    #[serde(default)]
    pub case_study_per_industry: bool,
}

/// UTM parameters for the stages' calls to action (`[campaign]`): with it, each call
/// to action says which stage (and, on a role's path, which role) it was clicked at.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    #[serde(default = "default_utm_source")]
    pub utm_source: String,
    #[serde(default = "default_utm_medium")]
    pub utm_medium: String,
    #[serde(default)]
    pub utm_campaign: Option<String>,
}

/// Site search (`[search]`): the index written under `/pagefind/` and the `/search/` page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Write the index and the search page (`true` unless turned off).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Sections left out of the index: the first folder of a page's URL (`about` for
    /// `/about/`, `/about/team/`; `articles`, `case-studies`).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// A language with more pages in the index is indexed in parts of at most this
    /// many pages, made in parallel and merged in the browser; 0 (the default): one
    /// index per language, whatever its size.
    #[serde(default)]
    pub part_pages: usize,
}

impl Default for SearchConfig {
    fn default() -> SearchConfig {
        SearchConfig {
            enabled: true,
            exclude: Vec::new(),
            part_pages: 0,
        }
    }
}

fn default_true() -> bool {
    true
}

fn default_utm_source() -> String {
    "website".into()
}
fn default_utm_medium() -> String {
    "cta".into()
}

/// `[markdown]`: how bodies are rendered.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Highlight fenced code of the languages cairn knows (`<span class="hl-…">`, styled by
    /// the theme); off: code is written as it is.
    #[serde(default)]
    pub highlight: bool,
}

/// `[images]`: responsive variants of the site's raster images (docs/images.md).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImagesConfig {
    /// Write resized variants and `srcset` (`true` unless turned off).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// The widths, in pixels, images are resized to (never wider than the original).
    #[serde(default = "default_widths")]
    pub widths: Vec<u32>,
    /// `auto` (JPEG for JPEG, lossless WebP for the rest), `jpeg`, `webp` or `avif`
    /// (with the `avif` feature).
    #[serde(default = "default_image_format")]
    pub format: String,
    /// JPEG (and AVIF) quality, 1–100.
    #[serde(default = "default_quality")]
    pub quality: u8,
    /// The `sizes` attribute of images in bodies: how wide the theme shows them.
    #[serde(default = "default_sizes")]
    pub sizes: String,
}

impl Default for ImagesConfig {
    fn default() -> ImagesConfig {
        ImagesConfig {
            enabled: true,
            widths: default_widths(),
            format: default_image_format(),
            quality: default_quality(),
            sizes: default_sizes(),
        }
    }
}

fn default_widths() -> Vec<u32> {
    vec![480, 960, 1600]
}

fn default_image_format() -> String {
    "auto".into()
}

fn default_quality() -> u8 {
    80
}

/// The default theme's column: 42rem at most, less the page's margins on a phone.
fn default_sizes() -> String {
    "(min-width: 46rem) 42rem, calc(100vw - 2rem)".into()
}

/// The image formats `[images] format` takes.
pub const IMAGE_FORMATS: &[&str] = &["auto", "jpeg", "webp", "avif"];

/// What is wrong with `[images]`, each at its key.
fn images_errors(images: &ImagesConfig, tree: &Node, text: &str) -> Vec<Diagnostic> {
    let section = tree.get("images").map(|e| &e.value);
    let at = |key: &str| {
        section
            .and_then(|s| s.get(key))
            .map_or_else(|| tree.get("images").map_or(0, |e| e.at), |e| e.at)
    };
    let error = |key: &str, message: String, hint: &str| {
        Diagnostic::error(Code::ConfigImages, CONFIG_FILE, message)
            .at(text, at(key))
            .with_hint(hint)
    };
    let mut errors = Vec::new();
    if images.widths.is_empty() {
        errors.push(error(
            "widths",
            "[images] widths is empty".into(),
            "give the widths to resize to, e.g. `widths = [480, 960, 1600]`, or turn resizing off with `enabled = false`",
        ));
    }
    if let Some(w) = images.widths.iter().find(|w| !(16..=8192).contains(*w)) {
        errors.push(error(
            "widths",
            format!("[images] widths: {w} is not between 16 and 8192 pixels"),
            "widths are in pixels, e.g. `widths = [480, 960, 1600]`",
        ));
    }
    if !IMAGE_FORMATS.contains(&images.format.as_str()) {
        errors.push(error(
            "format",
            format!(
                "[images] format `{}` is not one cairn writes",
                images.format
            ),
            &format!("write one of: {}", IMAGE_FORMATS.join(", ")),
        ));
    } else if images.format == "avif" && !cfg!(feature = "avif") {
        errors.push(error(
            "format",
            "[images] format `avif` needs cairn built with the `avif` feature".into(),
            "install cairn with `cargo install --features avif`, or write `format = \"auto\"`",
        ));
    }
    if !(1..=100).contains(&images.quality) {
        errors.push(error(
            "quality",
            format!(
                "[images] quality {} is not between 1 and 100",
                images.quality
            ),
            "80 keeps photos sharp at a third of their size",
        ));
    }
    errors
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default)]
    safe_html: bool,
    #[serde(default = "default_feed_limit")]
    feed_limit: usize,
    #[serde(default = "default_per_page")]
    per_page: usize,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    stages: Option<Vec<Stage>>,
    #[serde(default)]
    roles: Option<Vec<Role>>,
    #[serde(default)]
    industries: Option<Vec<Industry>>,
    #[serde(default)]
    audit: AuditConfig,
    #[serde(default)]
    campaign: Option<Campaign>,
    #[serde(default)]
    languages: std::collections::BTreeMap<String, RawLanguage>,
    #[serde(default)]
    email: Option<EmailConfig>,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    social: Option<Social>,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    images: ImagesConfig,
    #[serde(default)]
    extra: toml::Table,
}

/// `[social]`: the image of social previews for pages that name none.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Social {
    /// A path from the site's root (a file of static/) or an absolute URL.
    pub image: String,
    pub image_alt: String,
}

/// `[email]`: an email edition of every article and case study.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// `[languages.<code>]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    locale: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    stages: std::collections::BTreeMap<String, TermText>,
    #[serde(default)]
    roles: std::collections::BTreeMap<String, TermText>,
    #[serde(default)]
    industries: std::collections::BTreeMap<String, TermText>,
}

/// A stage's, role's or industry's name, description and call to action in one language.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermText {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Stages: the call to action's text, or its text and URL.
    #[serde(default)]
    pub cta: Option<CtaText>,
}

/// A translated call to action: its text (the URL stays), or its text and URL.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum CtaText {
    Text(String),
    Full(Cta),
}

/// A language the site is written in. The first of `SiteConfig::languages` is the
/// default (`language`), published at the root; the others under `/<code>/`.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// `zh`, `fi`, `pt-br`: the file-name suffix, the URL prefix and `hreflang`.
    pub code: String,
    /// In the language itself (`简体中文`), for the language switcher.
    pub name: String,
    /// `zh-CN`; the code when none is given.
    pub locale: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub stages: std::collections::BTreeMap<String, TermText>,
    pub roles: std::collections::BTreeMap<String, TermText>,
    pub industries: std::collections::BTreeMap<String, TermText>,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_per_page() -> usize {
    100
}
fn default_feed_limit() -> usize {
    20
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute, without a trailing slash (`https://example.com` or `https://example.com/blog`).
    pub base_url: String,
    pub description: String,
    pub language: String,
    pub theme: String,
    /// Show raw HTML in Markdown bodies as text instead of passing it through.
    pub safe_html: bool,
    /// Entries per Atom feed.
    pub feed_limit: usize,
    /// Cards per page of a long listing (`/articles/`, a stage, an industry); 0: one page.
    pub per_page: usize,
    /// Default author for pages that name none.
    pub author: Option<String>,
    pub stages: Vec<Stage>,
    pub roles: Vec<Role>,
    pub industries: Vec<Industry>,
    /// `false` when site.toml declares no `[[industries]]`: any slug is accepted.
    pub industries_closed: bool,
    pub audit: AuditConfig,
    /// UTM parameters for calls to action, when `[campaign]` is written.
    pub campaign: Option<Campaign>,
    /// The default language first (`language`), then those of `[languages]` by code.
    pub languages: Vec<Language>,
    /// Write an email edition (`email.html`, `email.txt`) beside each article and case study.
    pub email: bool,
    /// The image of social previews for pages without their own.
    pub social: Option<Social>,
    /// Which of `languages` this configuration is in (0: the default; a translated
    /// configuration from [`SiteConfig::in_language`] has its names in that language).
    pub lang: usize,
    /// Site search: on by default.
    pub search: SearchConfig,
    /// `[markdown]`: syntax highlighting.
    pub markdown: MarkdownConfig,
    /// `[images]`: responsive variants of raster images.
    pub images: ImagesConfig,
    /// Free-form values for themes.
    pub extra: serde_json::Value,
}

impl SiteConfig {
    /// Read and validate `<root>/site.toml`.
    pub fn load(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => SiteConfig::parse(&text),
            Err(e) => Err(vec![
                Diagnostic::error(
                    Code::ConfigMissing,
                    CONFIG_FILE,
                    format!("cannot read {}: {e}", path.display()),
                )
                .with_hint("run cairn from a site folder, pass --root DIR, or create a site with `cairn init DIR`"),
            ]),
        }
    }

    /// Parse and validate the text of a `site.toml`.
    pub fn parse(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        let (raw, tree) = read_config(text)?;
        let at = |key: &str| tree.get(key).map_or(0, |e| e.at);
        let mut errors = control_characters(&tree, text);
        errors.extend(theme_error(&raw.theme, text, at("theme")));
        let base_url = match check_base_url(&raw.base_url) {
            Ok(url) => url,
            Err(problem) => {
                errors.push(
                    Diagnostic::error(
                        Code::ConfigBaseUrl,
                        CONFIG_FILE,
                        format!("base_url {problem}"),
                    )
                    .at(text, at("base_url"))
                    .with_hint(BASE_URL_HINT),
                );
                raw.base_url.clone()
            }
        };
        let stages = raw.stages.unwrap_or_else(default_stages);
        let roles = raw.roles.unwrap_or_else(default_roles);
        let industries_closed = raw.industries.is_some();
        let industries = raw.industries.unwrap_or_default();
        errors.extend(vocabulary_errors(&stages, &roles, &industries, &tree, text));
        errors.extend(images_errors(&raw.images, &tree, text));
        let languages = languages_of(
            &raw.language,
            raw.languages,
            (&stages, &roles, &industries),
            (&tree, text),
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SiteConfig {
            title: raw.title,
            base_url,
            description: raw.description,
            language: raw.language,
            theme: raw.theme,
            safe_html: raw.safe_html,
            feed_limit: raw.feed_limit,
            per_page: raw.per_page,
            author: raw.author,
            stages,
            roles,
            industries,
            industries_closed,
            audit: raw.audit,
            campaign: raw.campaign,
            languages,
            email: raw.email.is_some_and(|e| e.enabled),
            social: raw.social,
            lang: 0,
            search: raw.search,
            markdown: raw.markdown,
            images: raw.images,
            extra: serde_json::to_value(raw.extra).unwrap_or_default(),
        })
    }

    /// Whether the site is published in more than one language.
    pub fn multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// The language this configuration is in.
    pub fn language_of(&self) -> &Language {
        &self.languages[self.lang]
    }

    /// The index of the language `code` (as a file name writes it), if declared.
    pub fn language_index(&self, code: &str) -> Option<usize> {
        self.languages
            .iter()
            .position(|l| l.code.eq_ignore_ascii_case(code))
    }

    /// This configuration in language `lang`: its title, description and the names,
    /// descriptions and calls to action of its stages, roles and industries as
    /// `[languages.<code>]` gives them (the default language's where it gives none).
    pub fn in_language(&self, lang: usize) -> SiteConfig {
        let mut c = self.clone();
        c.lang = lang;
        if lang == 0 {
            return c;
        }
        let l = &self.languages[lang];
        c.language = l.code.clone();
        if let Some(t) = &l.title {
            c.title = t.clone();
        }
        if let Some(d) = &l.description {
            c.description = d.clone();
        }
        for s in &mut c.stages {
            if let Some(t) = l.stages.get(&s.id) {
                apply(t, &mut s.name, &mut s.description);
                match (&t.cta, &mut s.cta) {
                    (Some(CtaText::Text(text)), Some(cta)) => cta.text = text.clone(),
                    (Some(CtaText::Text(text)), None) => {
                        s.cta = Some(Cta {
                            text: text.clone(),
                            url: String::new(),
                        })
                    }
                    (Some(CtaText::Full(full)), cta) => *cta = Some(full.clone()),
                    (None, _) => {}
                }
            }
        }
        for r in &mut c.roles {
            if let Some(t) = l.roles.get(&r.id) {
                apply(t, &mut r.name, &mut r.description);
            }
        }
        for i in &mut c.industries {
            if let Some(t) = l.industries.get(&i.id) {
                apply(t, &mut i.name, &mut i.description);
            }
        }
        c
    }

    /// The path prefix of `base_url` (`/blog` for `https://x.com/blog`, empty at a domain root).
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, r)| r);
        after_scheme.find('/').map_or("", |i| &after_scheme[i..])
    }

    /// Resolve a front-matter stage to its index in `stages`.
    pub fn stage_index(&self, value: &str) -> Result<usize, String> {
        let v = value.trim().to_lowercase();
        self.stages.iter().position(|s| s.id == v).ok_or_else(|| {
            let ids: Vec<&str> = self.stages.iter().map(|s| s.id.as_str()).collect();
            suggestion(value, &ids)
        })
    }

    /// Resolve a front-matter role (id or alias) to its index in `roles`.
    pub fn role_index(&self, value: &str) -> Result<usize, String> {
        let v = value.trim().to_lowercase();
        self.roles
            .iter()
            .position(|r| r.id == v || r.aliases.iter().any(|a| a.to_lowercase() == v))
            .ok_or_else(|| {
                let ids: Vec<&str> = self
                    .roles
                    .iter()
                    .flat_map(|r| {
                        std::iter::once(r.id.as_str()).chain(r.aliases.iter().map(String::as_str))
                    })
                    .collect();
                suggestion(value, &ids)
            })
    }
}

/// Lowercase ASCII letters, digits and single inner hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Turn a `toml` error in `text` (which starts at byte `base` of the file `file_text`) into a diagnostic.
pub fn toml_diagnostic(
    path: &str,
    file_text: &str,
    base: usize,
    e: &toml::de::Error,
) -> Diagnostic {
    let (message, hint) = explain_serde_message(e.message());
    let offset = base + e.span().map_or(0, |s| s.start);
    Diagnostic::error(Code::Syntax, path, message)
        .at(file_text, offset)
        .with_hint(hint)
}

/// The first control character (other than tab and line breaks) in a string of `value`.
fn control_character(value: &Node) -> Option<char> {
    match &value.shape {
        Shape::Text(s) => s
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
        Shape::List(items) => items.iter().find_map(control_character),
        Shape::Table(entries) => entries.iter().find_map(|e| control_character(&e.value)),
        Shape::Other => None,
    }
}

/// The keys a block (site.toml, a front matter) may have: to report every unknown key of
/// it at once, each where it is written, where serde stops at the first.
pub struct Keys<'a> {
    pub top: &'a [&'a str],
    /// Keys of the entries of a top-level array of tables (`[[metrics]]`) or of a table.
    pub sections: &'a [(&'a str, &'a [&'a str])],
    /// Where values of one's own go, for the hint.
    pub free: &'a str,
}

impl Keys<'_> {
    /// Every key of `tree` (a block of the file `text`) that is not known, nearest known
    /// key as the hint, in file order.
    pub fn unknown(&self, tree: &Node, text: &str, path: &Path) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for entry in tree.entries() {
            out.extend(self.check(entry, self.top, "", text, path));
            let Some((section, keys)) = self.sections.iter().find(|(s, _)| *s == entry.key) else {
                continue;
            };
            for table in entry.value.items() {
                for e in table.entries() {
                    out.extend(self.check(e, keys, section, text, path));
                }
            }
        }
        out.sort_by_key(|d| (d.line, d.col));
        out
    }

    /// An error when `entry` (of `section`, "" at the top) is not one of the `known` keys.
    fn check(
        &self,
        entry: &Entry,
        known: &[&str],
        section: &str,
        text: &str,
        path: &Path,
    ) -> Option<Diagnostic> {
        let key = entry.key.as_str();
        if known.contains(&key) {
            return None;
        }
        let hint = match crate::diagnostics::did_you_mean(key, known.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? {}", capitalised(self.free)),
            None => format!(
                "valid keys{}: {}; {}",
                if section.is_empty() {
                    String::new()
                } else {
                    format!(" of {section}")
                },
                known.join(", "),
                self.free
            ),
        };
        Some(
            Diagnostic::error(Code::Syntax, path, format!("unknown key `{key}`"))
                .at(text, entry.at)
                .with_hint(hint),
        )
    }
}

/// A term's name and description in another language, where given.
fn apply(t: &TermText, name: &mut String, description: &mut String) {
    if let Some(n) = &t.name {
        *name = n.clone();
    }
    if let Some(d) = &t.description {
        *description = d.clone();
    }
}

/// The site's languages, default first: `language` and each `[languages.<code>]`. Codes
/// that are no language, terms that are not declared and a call to action without a URL
/// are errors, at the key.
fn languages_of(
    default: &str,
    raw: std::collections::BTreeMap<String, RawLanguage>,
    (stages, roles, industries): (&[Stage], &[Role], &[Industry]),
    (tree, text): (&Node, &str),
    errors: &mut Vec<Diagnostic>,
) -> Vec<Language> {
    let table = tree.get("languages");
    let at_key = |code: &str| {
        table
            .and_then(|t| t.value.get(code))
            .map_or(table.map_or(0, |t| t.at), |e| e.at)
    };
    let mut error = |at: usize, message: String, hint: String| {
        errors.push(
            Diagnostic::error(Code::ConfigLanguage, CONFIG_FILE, message)
                .at(text, at)
                .with_hint(hint),
        )
    };
    if let Err(hint) = crate::lang::check_code(&default.to_ascii_lowercase()) {
        let at = tree.get("language").map_or(0, |e| e.at);
        error(
            at,
            format!("`language = \"{default}\"` is not a language code"),
            hint,
        );
    }
    let language = |code: &str, raw: Option<&RawLanguage>| Language {
        code: code.to_string(),
        name: raw
            .and_then(|r| r.name.clone())
            .or_else(|| crate::lang::native_name(code).map(str::to_string))
            .unwrap_or_else(|| code.to_string()),
        locale: raw
            .and_then(|r| r.locale.clone())
            .unwrap_or_else(|| code.to_string()),
        title: raw.and_then(|r| r.title.clone()),
        description: raw.and_then(|r| r.description.clone()),
        stages: raw.map(|r| r.stages.clone()).unwrap_or_default(),
        roles: raw.map(|r| r.roles.clone()).unwrap_or_default(),
        industries: raw.map(|r| r.industries.clone()).unwrap_or_default(),
    };
    let own = raw
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(default));
    let mut out = vec![language(default, own.map(|(_, r)| r))];
    if let Some((code, r)) = own {
        let translated = !(r.stages.is_empty() && r.roles.is_empty() && r.industries.is_empty());
        if translated || r.title.is_some() || r.description.is_some() {
            error(
                at_key(code),
                format!(
                    "[languages.{code}] is the default language: its title, description and terms are those at the top of site.toml"
                ),
                format!("keep only `name` and `locale` under [languages.{code}]"),
            );
        }
    }
    for (code, r) in &raw {
        if code.eq_ignore_ascii_case(default) {
            continue;
        }
        if let Err(hint) = crate::lang::check_code(code) {
            error(
                at_key(code),
                format!("[languages.{code}]: `{code}` is not a language code"),
                hint,
            );
            continue;
        }
        let terms: [(
            &str,
            Vec<&str>,
            &std::collections::BTreeMap<String, TermText>,
        ); 3] = [
            (
                "stages",
                stages.iter().map(|s| s.id.as_str()).collect(),
                &r.stages,
            ),
            (
                "roles",
                roles.iter().map(|s| s.id.as_str()).collect(),
                &r.roles,
            ),
            (
                "industries",
                industries.iter().map(|s| s.id.as_str()).collect(),
                &r.industries,
            ),
        ];
        for (kind, ids, given) in terms {
            for (id, t) in given {
                let at = table
                    .and_then(|tb| tb.value.get(code))
                    .and_then(|l| l.value.get(kind))
                    .and_then(|k| k.value.get(id))
                    .map_or(at_key(code), |e| e.at);
                if !ids.contains(&id.as_str()) {
                    let hint = crate::diagnostics::suggestion(id, &ids);
                    error(
                        at,
                        format!("[languages.{code}.{kind}]: `{id}` is not declared in [[{kind}]]"),
                        hint,
                    );
                } else if kind == "stages"
                    && matches!(t.cta, Some(CtaText::Text(_)))
                    && stages.iter().any(|s| s.id == *id && s.cta.is_none())
                {
                    error(
                        at,
                        format!(
                            "[languages.{code}.stages.{id}]: a call to action's text, but stage `{id}` has no call to action to take the URL from"
                        ),
                        "write `cta = { text = \"…\", url = \"/…/\" }`".into(),
                    );
                }
            }
        }
        out.push(language(code, Some(r)));
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The keys of site.toml, then of its `[[stages]]`, `[[roles]]`, `[[industries]]` and `[audit]`.
const CONFIG_KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "language",
    "theme",
    "safe_html",
    "feed_limit",
    "per_page",
    "author",
    "stages",
    "roles",
    "industries",
    "audit",
    "campaign",
    "languages",
    "email",
    "search",
    "social",
    "markdown",
    "images",
    "extra",
];
const STAGE_KEYS: &[&str] = &["id", "name", "description", "cta"];
const ROLE_KEYS: &[&str] = &["id", "name", "description", "aliases"];
const INDUSTRY_KEYS: &[&str] = &["id", "name", "description"];
const AUDIT_KEYS: &[&str] = &["min_per_cell", "require", "case_study_per_industry"];
const CAMPAIGN_KEYS: &[&str] = &["utm_source", "utm_medium", "utm_campaign"];
const EMAIL_KEYS: &[&str] = &["enabled"];
const SOCIAL_KEYS: &[&str] = &["image", "image_alt"];
const SEARCH_KEYS: &[&str] = &["enabled", "exclude", "part_pages"];
const MARKDOWN_KEYS: &[&str] = &["highlight"];
const IMAGES_KEYS: &[&str] = &["enabled", "widths", "format", "quality", "sizes"];

/// Every unknown key of site.toml, each where it is written.
fn unknown_config_keys(tree: &Node, text: &str) -> Vec<Diagnostic> {
    Keys {
        top: CONFIG_KEYS,
        sections: &[
            ("stages", STAGE_KEYS),
            ("roles", ROLE_KEYS),
            ("industries", INDUSTRY_KEYS),
            ("audit", AUDIT_KEYS),
            ("campaign", CAMPAIGN_KEYS),
            ("email", EMAIL_KEYS),
            ("search", SEARCH_KEYS),
            ("social", SOCIAL_KEYS),
            ("markdown", MARKDOWN_KEYS),
            ("images", IMAGES_KEYS),
        ],
        free: "free-form values go under [extra]",
    }
    .unknown(tree, text, Path::new(CONFIG_FILE))
}

/// Parse site.toml once: where its keys and values are, then its values. When a key is
/// unknown, every unknown key is reported.
fn read_config(text: &str) -> Result<(RawConfig, Node), Vec<Diagnostic>> {
    let error = |e: toml::de::Error| toml_diagnostic(CONFIG_FILE, text, 0, &e);
    let table = toml::de::DeTable::parse(text).map_err(|e| vec![error(e)])?;
    let tree = Node::from_toml(table.get_ref(), text, 0);
    match RawConfig::deserialize(toml::de::Deserializer::from(table)) {
        Ok(raw) => Ok((raw, tree)),
        Err(e) => {
            let first = error(e);
            let all = match first.message.starts_with("unknown key") {
                true => unknown_config_keys(&tree, text),
                false => Vec::new(),
            };
            Err(if all.is_empty() { vec![first] } else { all })
        }
    }
}

/// Text of site.toml ends up in every page, feed and the sitemap, where control
/// characters make ill-formed XML: an error at each top-level key holding one.
fn control_characters(tree: &Node, text: &str) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for entry in tree.entries() {
        if let Some(c) = control_character(&entry.value) {
            errors.push(
                Diagnostic::error(
                    Code::Syntax,
                    CONFIG_FILE,
                    format!(
                        "{} U+{:04X} in a text value of `{}`",
                        crate::frontmatter::CONTROL_CHARACTER,
                        c as u32,
                        entry.key
                    ),
                )
                .at(text, entry.at)
                .with_hint("remove it (an escape such as \\u0000 or a character pasted from another program); it is not allowed in pages, feeds or the sitemap"),
            );
        }
    }
    errors
}

/// A theme is a folder of themes/ named by one plain name: never a path elsewhere.
fn theme_error(theme: &str, text: &str, at: usize) -> Option<Diagnostic> {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !theme.is_empty() && !theme.starts_with('.') && theme.chars().all(plain) {
        return None;
    }
    Some(
        Diagnostic::error(
            Code::ConfigTheme,
            CONFIG_FILE,
            format!("theme `{}` is not the name of a folder in themes/", theme.escape_debug()),
        )
        .at(text, at)
        .with_hint("write the folder's name only, such as `theme = \"northwind\"` for themes/northwind/, or `theme = \"default\"`"),
    )
}

/// Duplicate and unsafe ids of the three vocabularies, and empty lists of stages or roles.
fn vocabulary_errors(
    stages: &[Stage],
    roles: &[Role],
    industries: &[Industry],
    tree: &Node,
    text: &str,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let stage_ids = stages.iter().map(|s| s.id.as_str());
    check_ids(
        "stage",
        "stages",
        stage_ids.collect(),
        tree,
        text,
        &mut errors,
    );
    let role_ids = roles
        .iter()
        .flat_map(|r| std::iter::once(r.id.as_str()).chain(r.aliases.iter().map(String::as_str)));
    check_ids("role", "roles", role_ids.collect(), tree, text, &mut errors);
    let industry_ids = industries.iter().map(|i| i.id.as_str());
    check_ids(
        "industry",
        "industries",
        industry_ids.collect(),
        tree,
        text,
        &mut errors,
    );
    if stages.is_empty() {
        errors.push(
            Diagnostic::error(
                Code::ConfigVocabulary,
                CONFIG_FILE,
                "no journey stages declared",
            )
            .with_hint(
                "declare at least one [[stages]], or remove the list to use the default four",
            ),
        );
    }
    if roles.is_empty() {
        errors.push(
            Diagnostic::error(Code::ConfigVocabulary, CONFIG_FILE, "no roles declared").with_hint(
                "declare at least one [[roles]], or remove the list to use the default seven",
            ),
        );
    }
    errors
}

/// Each id of the vocabulary `key` (ids and aliases, in order) once, and a URL-safe slug;
/// an error at the id itself when not.
fn check_ids(
    kind: &str,
    key: &str,
    ids: Vec<&str>,
    tree: &Node,
    text: &str,
    errors: &mut Vec<Diagnostic>,
) {
    let written = id_offsets(tree, key);
    let fallback = tree.get(key).map_or(0, |e| e.at);
    let mut seen = HashSet::new();
    for (i, id) in ids.into_iter().enumerate() {
        let at = written.get(i).copied().unwrap_or(fallback);
        let error = |message: String| {
            Diagnostic::error(Code::ConfigVocabulary, CONFIG_FILE, message).at(text, at)
        };
        if !seen.insert(id) {
            errors.push(
                error(format!("{kind} `{id}` is declared twice"))
                    .with_hint(format!("each [[{key}]] needs its own id")),
            );
        } else if !is_slug(id) {
            errors.push(
                error(format!("{kind} id `{id}` is not a URL-safe slug")).with_hint(format!(
                    "use lowercase letters, digits and hyphens, e.g. `{}`",
                    slug::slugify(id)
                )),
            );
        }
    }
}

/// Where the ids of the entries of the vocabulary `key` are written, each followed by its
/// aliases: the order of the ids [`check_ids`] checks.
fn id_offsets(tree: &Node, key: &str) -> Vec<usize> {
    let mut out = Vec::new();
    for item in tree.get(key).map_or(Vec::new(), |e| e.value.items()) {
        out.extend(item.get("id").map(|id| id.value.at));
        if let Some(aliases) = item.get("aliases") {
            out.extend(aliases.value.items().iter().map(|a| a.at));
        }
    }
    out
}

/// How a base URL is written.
pub const BASE_URL_HINT: &str = "write it like `https://insights.example.com` or `https://example.com/blog`: http(s), a host, an optional path";

/// Check a base URL (site.toml's `base_url`, `--base-url`): absolute http(s) with a host,
/// no credentials, query, fragment or whitespace. Returns it without a trailing `/`, or
/// what is wrong with it (a phrase that follows the option's name).
pub fn check_base_url(url: &str) -> Result<String, String> {
    if url.is_empty() {
        return Err("is empty".into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{}` contains whitespace or control characters",
            url.escape_debug()
        ));
    }
    let lower = url.to_ascii_lowercase();
    let Some(rest) = ["https://", "http://"]
        .iter()
        .find_map(|s| lower.starts_with(s).then(|| &url[s.len()..]))
    else {
        return Err(format!("`{url}` is not an absolute http(s) URL"));
    };
    if url.contains(['?', '#']) {
        return Err(format!(
            "`{url}` has a query or fragment (`?`, `#`); page URLs are appended to it"
        ));
    }
    let name = check_host(url, rest)?;
    check_characters(url, rest)?;
    if name.is_empty() {
        return Err(format!("`{url}` has no host name"));
    }
    let scheme_len = url.len() - rest.len();
    Ok(format!(
        "{}{}",
        &lower[..scheme_len],
        rest.trim_end_matches('/')
    ))
}

/// The host name of a base URL (`rest`: after its scheme), without credentials and with a
/// port, if any, that is a number.
fn check_host<'u>(url: &str, rest: &'u str) -> Result<&'u str, String> {
    let host = rest.split('/').next().unwrap_or("");
    if host.contains('@') {
        return Err(format!(
            "`{url}` contains credentials (`user@`); they would be published in every feed and the sitemap"
        ));
    }
    let (name, port) = match host.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, after)) => (addr, after.strip_prefix(':').unwrap_or(after)),
            None => ("", ""),
        },
        None => host.split_once(':').unwrap_or((host, "")),
    };
    if !port.is_empty() && port.parse::<u16>().is_err() {
        return Err(format!(
            "`{url}` has a port that is not a number from 0 to 65535"
        ));
    }
    Ok(name)
}

/// No character a URL must percent-encode, and every `%` an escape of a character.
fn check_characters(url: &str, rest: &str) -> Result<(), String> {
    if let Some(c) = rest.chars().find(|c| "<>\"'`{}|\\^".contains(*c)) {
        return Err(format!(
            "`{url}` contains `{c}`, which a URL must percent-encode"
        ));
    }
    let bytes = rest.as_bytes();
    let bad_escape = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    if bad_escape || rest.contains("%00") {
        return Err(format!(
            "`{url}` has a `%` that is not a percent-escape of a character"
        ));
    }
    Ok(())
}

/// Reword serde's messages for people who write content, with a did-you-mean hint.
pub fn explain_serde_message(message: &str) -> (String, String) {
    let message = message.trim();
    if let Some(i) = message.find("unknown field `") {
        let rest = &message[i + "unknown field `".len()..];
        let (field, tail) = rest.split_once('`').unwrap_or((rest, ""));
        // toml quotes each expected key in backticks; serde-saphyr lists them bare.
        let list = tail
            .split_once("expected one of ")
            .or_else(|| tail.split_once("expected "))
            .map_or("", |(_, l)| l);
        let expected: Vec<&str> = list
            .split(", ")
            .map(|k| k.trim().trim_matches('`'))
            .filter(|k| !k.is_empty())
            .collect();
        let hint = match crate::diagnostics::did_you_mean(field, expected.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? Free-form values go under [extra]"),
            None if expected.is_empty() => "remove it; free-form values go under [extra]".into(),
            None => format!(
                "valid keys: {}; free-form values go under [extra]",
                expected.join(", ")
            ),
        };
        return (format!("unknown key `{field}`"), hint);
    }
    if message.starts_with(crate::frontmatter::CONTROL_CHARACTER) {
        let message = message.split(" at line ").next().unwrap_or(message);
        return (
            message.to_string(),
            "remove it (an escape such as \\u0000 or a character pasted from another program); it is not allowed in pages, feeds or the sitemap".into(),
        );
    }
    if let Some(i) = message.find("missing field `") {
        let rest = &message[i + "missing field `".len()..];
        let field = rest.split('`').next().unwrap_or(rest);
        return (
            format!("missing required key `{field}`"),
            format!("add `{field} = ...`"),
        );
    }
    (message.to_string(), String::new())
}

pub fn default_stages() -> Vec<Stage> {
    let s = |id: &str, name: &str, description: &str| Stage {
        id: id.into(),
        name: name.into(),
        description: description.into(),
        cta: None,
    };
    vec![
        s(
            "awareness",
            "Awareness",
            "Trends, research and expert views that name the problem.",
        ),
        s(
            "consideration",
            "Consideration",
            "Solutions for the reader's industry: focus the need.",
        ),
        s(
            "decision",
            "Decision",
            "Case studies, unique value and offers that settle the choice.",
        ),
        s(
            "retention",
            "Retention",
            "After the purchase: thought leadership, technical updates, new products.",
        ),
    ]
}

pub fn default_roles() -> Vec<Role> {
    let r = |id: &str, name: &str, description: &str| Role {
        id: id.into(),
        name: name.into(),
        description: description.into(),
        aliases: Vec::new(),
    };
    vec![
        r(
            "initiator",
            "Initiator",
            "Spots the need and starts the search.",
        ),
        r("user", "User", "Works with the product every day."),
        r(
            "influencer",
            "Influencer",
            "Evaluates the options, often from finance or engineering.",
        ),
        r(
            "decider",
            "Decision maker",
            "Signs off the supplier and the contract.",
        ),
        r(
            "approver",
            "Approver",
            "Checks process and compliance before the decision.",
        ),
        r(
            "buyer",
            "Buyer",
            "Runs the purchase and negotiates its terms.",
        ),
        r(
            "gatekeeper",
            "Gatekeeper",
            "Controls what information reaches the others.",
        ),
    ]
}

/// The keys a struct with `deny_unknown_fields` takes, from serde's message for an
/// unknown one: to check a hand-kept key list against the struct, and the columns of a
/// metrics CSV.
pub(crate) fn expected_keys<T: serde::de::DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
    let e = toml::from_str::<T>("zzz = 1\n").unwrap_err().to_string();
    // serde says "expected one of `a`, `b`, `c`", or for two keys "expected `a` or `b`".
    let list = e
        .split("expected one of ")
        .nth(1)
        .or_else(|| e.split("expected ").nth(1))
        .expect("a list of keys");
    list.lines()
        .next()
        .unwrap()
        .split(", ")
        .flat_map(|k| k.split(" or "))
        .map(|k| k.trim().trim_matches('`').to_string())
        .collect()
}

/// The top-level keys of site.toml, from the struct.
#[cfg(test)]
pub(crate) fn config_keys() -> Vec<String> {
    expected_keys::<RawConfig>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_key_lists_are_the_structs_fields() {
        assert_eq!(expected_keys::<RawConfig>(), CONFIG_KEYS);
        assert_eq!(expected_keys::<Stage>(), STAGE_KEYS);
        assert_eq!(expected_keys::<Role>(), ROLE_KEYS);
        assert_eq!(expected_keys::<Industry>(), INDUSTRY_KEYS);
        assert_eq!(expected_keys::<AuditConfig>(), AUDIT_KEYS);
        assert_eq!(expected_keys::<Campaign>(), CAMPAIGN_KEYS);
        assert_eq!(expected_keys::<SearchConfig>(), SEARCH_KEYS);
        // One field: serde names it alone ("expected `highlight`").
        let e = toml::from_str::<MarkdownConfig>("zzz = 1\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("expected `{}`", MARKDOWN_KEYS[0])),
            "{e}"
        );
    }

    #[test]
    fn search_is_on_unless_turned_off_and_its_keys_are_checked() {
        let base = "title = \"T\"\nbase_url = \"https://x.test\"\n";
        assert_eq!(
            SiteConfig::parse(base).unwrap().search,
            SearchConfig::default()
        );
        let off = SiteConfig::parse(&format!(
            "{base}[search]\nenabled = false\nexclude = [\"about\"]\n"
        ))
        .unwrap();
        assert_eq!(
            off.search,
            SearchConfig {
                enabled: false,
                exclude: vec!["about".to_string()],
                part_pages: 0,
            }
        );
        let shown: Vec<String> =
            SiteConfig::parse(&format!("{base}[search]\nenable = false\nexcludes = []\n"))
                .unwrap_err()
                .iter()
                .map(|d| d.to_string())
                .collect();
        assert_eq!(
            shown,
            [
                "site.toml:4:1: error: unknown key `enable`\n 4 | enable = false\n   | ^\n  = hint: did you mean `enabled`? Free-form values go under [extra]",
                "site.toml:5:1: error: unknown key `excludes`\n 5 | excludes = []\n   | ^\n  = hint: did you mean `exclude`? Free-form values go under [extra]",
            ]
        );
    }

    #[test]
    fn every_unknown_key_of_site_toml_is_reported_at_its_line() {
        let text = "title = \"T\"\nbase_url = \"https://x.test\"\ndescripton = \"d\"\nlogo = \"l.png\"\n[[roles]]\nid = \"decider\"\nname = \"D\"\nalias = [\"x\"]\n[audit]\nmin_per_cel = 1\n";
        let got: Vec<String> = SiteConfig::parse(text)
            .unwrap_err()
            .iter()
            .map(|d| format!("{}:{} {} / {}", d.line, d.col, d.message, d.hint))
            .collect();
        assert_eq!(
            got,
            [
                "3:1 unknown key `descripton` / did you mean `description`? Free-form values go under [extra]",
                "4:1 unknown key `logo` / valid keys: title, base_url, description, language, theme, safe_html, feed_limit, per_page, author, stages, roles, industries, audit, campaign, languages, email, search, social, markdown, images, extra; free-form values go under [extra]",
                "8:1 unknown key `alias` / did you mean `aliases`? Free-form values go under [extra]",
                "10:1 unknown key `min_per_cel` / did you mean `min_per_cell`? Free-form values go under [extra]",
            ]
        );
    }

    fn errors(text: &str) -> Vec<String> {
        SiteConfig::parse(text)
            .unwrap_err()
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn defaults_fill_stages_and_roles_and_leave_industries_open() {
        let c = SiteConfig::parse("title = \"T\"\nbase_url = \"https://x.test/\"\n").unwrap();
        assert_eq!(c.base_url, "https://x.test");
        assert_eq!(c.base_path(), "");
        let stages: Vec<_> = c.stages.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            stages,
            ["awareness", "consideration", "decision", "retention"]
        );
        assert_eq!(c.roles.len(), 7);
        assert!(!c.industries_closed);
    }

    #[test]
    fn base_path_is_the_url_path() {
        let c = SiteConfig::parse("title = \"T\"\nbase_url = \"https://x.test/blog/\"\n").unwrap();
        assert_eq!(c.base_path(), "/blog");
    }

    #[test]
    fn unknown_key_is_an_error_with_suggestion() {
        assert_eq!(
            errors("title = \"T\"\nbase_url = \"https://x.test\"\ndescripton = \"d\"\n"),
            [
                "site.toml:3:1: error: unknown key `descripton`\n 3 | descripton = \"d\"\n   | ^\n  = hint: did you mean `description`? Free-form values go under [extra]"
            ]
        );
    }

    #[test]
    fn aliases_resolve_and_typos_suggest() {
        let c = SiteConfig::parse(
            "title = \"T\"\nbase_url = \"https://x.test\"\n[[roles]]\nid = \"decider\"\nname = \"D\"\naliases = [\"economic-buyer\"]\n",
        )
        .unwrap();
        assert_eq!(c.role_index("economic-buyer"), Ok(0));
        assert_eq!(c.role_index("Decider"), Ok(0));
        assert_eq!(
            c.role_index("decidr"),
            Err("did you mean `decider`?".into())
        );
        assert_eq!(
            c.stage_index("awarness"),
            Err("did you mean `awareness`?".into())
        );
    }

    #[test]
    fn duplicate_and_unsafe_ids_are_errors() {
        let e = errors(
            "title = \"T\"\nbase_url = \"ftp://x\"\n[[industries]]\nid = \"Oil Gas\"\nname = \"O\"\n[[industries]]\nid = \"Oil Gas\"\nname = \"O\"\n",
        );
        assert_eq!(e.len(), 3, "{e:#?}");
        assert!(e[0].starts_with(
            "site.toml:2:1: error: base_url `ftp://x` is not an absolute http(s) URL"
        ));
        assert!(e[1].contains("industry id `Oil Gas` is not a URL-safe slug"));
        assert!(e[1].contains("hint: use lowercase letters, digits and hyphens, e.g. `oil-gas`"));
        assert!(e[2].contains("industry `Oil Gas` is declared twice"));
    }

    #[test]
    fn vocabulary_errors_are_at_the_id_they_are_about() {
        let text = "title = \"T\"\nbase_url = \"https://x.test\"\n[[roles]]\nid = \"cfo\"\nname = \"cfo\"\naliases = [\"Money\"]\n[[roles]]\nname = \"C\"\nid = \"cfo\"\n";
        let got: Vec<String> = SiteConfig::parse(text)
            .unwrap_err()
            .iter()
            .map(|d| format!("{}:{} {}", d.line, d.col, d.message))
            .collect();
        assert_eq!(
            got,
            [
                "6:13 role id `Money` is not a URL-safe slug",
                "9:7 role `cfo` is declared twice",
            ]
        );
    }
}
