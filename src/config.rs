//! `site.toml` → [`SiteConfig`]: site metadata and the three vocabularies
//! (journey stages, buying-center roles, industries). Parsing a string is
//! separate from reading the file so it is tested without disk. Unknown keys
//! are errors with a suggestion, never ignored.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, suggestion};

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
    extra: toml::Table,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
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
    /// Default author for pages that name none.
    pub author: Option<String>,
    pub stages: Vec<Stage>,
    pub roles: Vec<Role>,
    pub industries: Vec<Industry>,
    /// `false` when site.toml declares no `[[industries]]`: any slug is accepted.
    pub industries_closed: bool,
    pub audit: AuditConfig,
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
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let first = toml_diagnostic(CONFIG_FILE, text, 0, &e);
            let all = match first.message.starts_with("unknown key") {
                true => unknown_config_keys(text),
                false => Vec::new(),
            };
            if all.is_empty() { vec![first] } else { all }
        })?;
        let RawConfig {
            title,
            base_url,
            description,
            language,
            theme,
            safe_html,
            feed_limit,
            author,
            stages,
            roles,
            industries,
            audit,
            extra,
        } = raw;
        let mut errors = Vec::new();
        let at = |key: &str| key_offset(text, key);

        // Text of site.toml ends up in every page, feed and the sitemap, where control
        // characters make ill-formed XML: an error at the top-level key holding one.
        if let Ok(table) = toml::from_str::<toml::Table>(text) {
            for (key, value) in &table {
                if let Some(c) = control_character(value) {
                    errors.push(
                        Diagnostic::error(
                            Code::Syntax,
                            CONFIG_FILE,
                            format!(
                                "{} U+{:04X} in a text value of `{key}`",
                                crate::frontmatter::CONTROL_CHARACTER,
                                c as u32
                            ),
                        )
                        .at(text, at(key))
                        .with_hint("remove it (an escape such as \\u0000 or a character pasted from another program); it is not allowed in pages, feeds or the sitemap"),
                    );
                }
            }
        }

        // A theme is a folder of themes/ named by one plain name: never a path elsewhere.
        let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        if theme.is_empty() || theme.starts_with('.') || !theme.chars().all(plain) {
            errors.push(
                Diagnostic::error(
                    Code::ConfigTheme,
                    CONFIG_FILE,
                    format!("theme `{}` is not the name of a folder in themes/", theme.escape_debug()),
                )
                .at(text, at("theme"))
                .with_hint("write the folder's name only, such as `theme = \"northwind\"` for themes/northwind/, or `theme = \"default\"`"),
            );
        }
        let base_url = match check_base_url(&base_url) {
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
                base_url
            }
        };

        let stages = stages.unwrap_or_else(default_stages);
        let roles = roles.unwrap_or_else(default_roles);
        let industries_closed = industries.is_some();
        let industries = industries.unwrap_or_default();

        let mut check_ids = |kind: &str, key: &str, ids: Vec<&str>| {
            let mut seen = HashSet::new();
            for id in ids {
                if seen.contains(id) {
                    errors.push(
                        Diagnostic::error(
                            Code::ConfigVocabulary,
                            CONFIG_FILE,
                            format!("{kind} `{id}` is declared twice"),
                        )
                        .at(text, value_offset(text, key, id))
                        .with_hint(format!("each [[{key}]] needs its own id")),
                    );
                    continue;
                }
                seen.insert(id);
                if !is_slug(id) {
                    errors.push(
                        Diagnostic::error(
                            Code::ConfigVocabulary,
                            CONFIG_FILE,
                            format!("{kind} id `{id}` is not a URL-safe slug"),
                        )
                        .at(text, value_offset(text, key, id))
                        .with_hint(format!(
                            "use lowercase letters, digits and hyphens, e.g. `{}`",
                            slug::slugify(id)
                        )),
                    );
                }
            }
        };
        check_ids(
            "stage",
            "stages",
            stages.iter().map(|s| s.id.as_str()).collect(),
        );
        check_ids(
            "role",
            "roles",
            roles
                .iter()
                .flat_map(|r| {
                    std::iter::once(r.id.as_str()).chain(r.aliases.iter().map(String::as_str))
                })
                .collect(),
        );
        check_ids(
            "industry",
            "industries",
            industries.iter().map(|i| i.id.as_str()).collect(),
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
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SiteConfig {
            title,
            base_url,
            description,
            language,
            theme,
            safe_html,
            feed_limit,
            author,
            stages,
            roles,
            industries,
            industries_closed,
            audit,
            extra: serde_json::to_value(extra).unwrap_or_default(),
        })
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

/// Byte offset of the first line that assigns `key` (`key =` or `[[key]]`), or 0.
pub fn key_offset(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let bare = t.trim_start_matches('[').trim_start_matches('"');
        if let Some(rest) = bare.strip_prefix(key) {
            let rest = rest.trim_start_matches('"').trim_start();
            if rest.starts_with('=') || rest.starts_with(':') || rest.starts_with(']') {
                return offset + indent;
            }
        }
        offset += line.len();
    }
    0
}

/// Byte offset of `value` (quoted or bare) at or after the line assigning `key`, or of the key.
pub fn value_offset(text: &str, key: &str, value: &str) -> usize {
    let start = key_offset(text, key);
    let hay = &text[start..];
    for quoted in [format!("\"{value}\""), format!("'{value}'")] {
        if let Some(i) = hay.find(&quoted) {
            return start + i + 1;
        }
    }
    hay.find(value).map_or(start, |i| start + i)
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

/// Reword serde's messages for people who write content, with a did-you-mean hint.
/// The first control character (other than tab and line breaks) in a string of `value`.
fn control_character(value: &toml::Value) -> Option<char> {
    match value {
        toml::Value::String(s) => s
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
        toml::Value::Array(a) => a.iter().find_map(control_character),
        toml::Value::Table(t) => t.values().find_map(control_character),
        _ => None,
    }
}

/// The keys a block (site.toml, a front matter) may have: to report every unknown key of
/// it at once, each at its line, where serde stops at the first.
pub struct Keys<'a> {
    pub top: &'a [&'a str],
    /// Keys of the entries of a top-level array of tables (`[[metrics]]`) or of a table.
    pub sections: &'a [(&'a str, &'a [&'a str])],
    /// Where values of one's own go, for the hint.
    pub free: &'a str,
}

impl Keys<'_> {
    /// Every key of `value` (the block `block`, which starts at byte `block_offset` of the
    /// file `text`) that is not known, nearest known key as the hint, in file order.
    pub fn unknown(
        &self,
        value: &serde_json::Value,
        block: &str,
        text: &str,
        block_offset: usize,
        path: &Path,
    ) -> Vec<Diagnostic> {
        let Some(top) = value.as_object() else {
            return Vec::new();
        };
        // (the keys it may have, the key found, its section: "" at the top)
        let mut found: Vec<(&[&str], &str, &str)> = Vec::new();
        for (key, v) in top {
            found.push((self.top, key, ""));
            let Some((section, keys)) = self.sections.iter().find(|(s, _)| s == key) else {
                continue;
            };
            let entries = match v {
                serde_json::Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for entry in entries {
                for k in entry.as_object().into_iter().flat_map(|o| o.keys()) {
                    found.push((keys, k, section));
                }
            }
        }
        let mut used = HashSet::new();
        let mut out = Vec::new();
        for (known, key, section) in found {
            if known.contains(&key) {
                continue;
            }
            let start = match section {
                "" => 0,
                s => key_offset(block, s),
            };
            // The first line at or after its section that assigns this key and that no
            // other unknown key of the same name took.
            let offset = key_lines(block, key)
                .into_iter()
                .find(|o| *o >= start && !used.contains(o))
                .unwrap_or(start);
            used.insert(offset);
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
            out.push(
                Diagnostic::error(Code::Syntax, path, format!("unknown key `{key}`"))
                    .at(text, block_offset + offset)
                    .with_hint(hint),
            );
        }
        out.sort_by_key(|d| (d.line, d.col));
        out
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Offsets of the lines of `block` that assign `key` (`key =`, `key:`, `- key:`), at the key.
fn key_lines(block: &str, key: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in block.split_inclusive('\n') {
        let t = line.trim_start();
        let t = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
        let at = offset + (line.len() - t.len());
        let bare = t.trim_start_matches(['"', '\'']);
        if let Some(rest) = bare.strip_prefix(key) {
            let rest = rest.trim_start_matches(['"', '\'']).trim_start();
            if rest.starts_with('=') || rest.starts_with(':') {
                out.push(at);
            }
        }
        offset += line.len();
    }
    out
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
    "author",
    "stages",
    "roles",
    "industries",
    "audit",
    "extra",
];
const STAGE_KEYS: &[&str] = &["id", "name", "description", "cta"];
const ROLE_KEYS: &[&str] = &["id", "name", "description", "aliases"];
const INDUSTRY_KEYS: &[&str] = &["id", "name", "description"];
const AUDIT_KEYS: &[&str] = &["min_per_cell", "require", "case_study_per_industry"];

/// Every unknown key of site.toml, each at its line.
fn unknown_config_keys(text: &str) -> Vec<Diagnostic> {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return Vec::new();
    };
    let Ok(value) = serde_json::to_value(table) else {
        return Vec::new();
    };
    Keys {
        top: CONFIG_KEYS,
        sections: &[
            ("stages", STAGE_KEYS),
            ("roles", ROLE_KEYS),
            ("industries", INDUSTRY_KEYS),
            ("audit", AUDIT_KEYS),
        ],
        free: "free-form values go under [extra]",
    }
    .unknown(&value, text, text, 0, Path::new(CONFIG_FILE))
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
/// unknown one: to check a hand-kept key list against the struct.
#[cfg(test)]
pub(crate) fn expected_keys<T: serde::de::DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
    let e = toml::from_str::<T>("zzz = 1\n").unwrap_err().to_string();
    let list = e.split("expected one of ").nth(1).expect("a list of keys");
    list.lines()
        .next()
        .unwrap()
        .split(", ")
        .map(|k| k.trim().trim_matches('`').to_string())
        .collect()
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
                "4:1 unknown key `logo` / valid keys: title, base_url, description, language, theme, safe_html, feed_limit, author, stages, roles, industries, audit, extra; free-form values go under [extra]",
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
}
