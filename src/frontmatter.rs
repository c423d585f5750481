//! Front matter, TOML (`+++`) or YAML (`---`), → [`RawFrontMatter`]: the
//! keys exactly as written, before vocabulary resolution. Unknown keys are
//! errors (a typo must not silently drop a tag); both syntaxes take the same
//! keys. YAML goes through serde-saphyr behind this one module.

use serde::{Deserialize, Deserializer};

use crate::config::{explain_serde_message, toml_diagnostic};
use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, Position, display_path};
use crate::source::{Format, Split};
use crate::spans::{Node, Positions};

/// A date as written: `2026-03-14`, `2026-03-14T09:30:00Z`, or `2026-03-14 09:30`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FmDate(pub jiff::Timestamp);

impl FmDate {
    pub fn parse(s: &str) -> Result<FmDate, String> {
        let s = s.trim();
        if let Ok(ts) = s.parse::<jiff::Timestamp>() {
            return Ok(FmDate(ts));
        }
        let utc =
            |dt: jiff::civil::DateTime| dt.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp());
        if let Ok(dt) = s.replacen(' ', "T", 1).parse::<jiff::civil::DateTime>() {
            return utc(dt).map(FmDate).map_err(|e| e.to_string());
        }
        if let Ok(d) = s.parse::<jiff::civil::Date>() {
            return utc(d.to_datetime(jiff::civil::Time::midnight()))
                .map(FmDate)
                .map_err(|e| e.to_string());
        }
        Err(format!(
            "`{s}` is not a date; write it as 2026-03-14 or 2026-03-14T09:30:00Z"
        ))
    }
}

impl<'de> Deserialize<'de> for FmDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = FmDate;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date such as 2026-03-14")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<FmDate, E> {
                FmDate::parse(v).map_err(E::custom)
            }
            // TOML dates arrive as a one-entry map holding their text.
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<FmDate, A::Error> {
                let Some((_, text)) = map.next_entry::<String, String>()? else {
                    return Err(serde::de::Error::custom("empty date"));
                };
                FmDate::parse(&text).map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// One before/after measurement of a case study, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMetric {
    #[serde(deserialize_with = "text")]
    pub id: String,
    #[serde(deserialize_with = "text")]
    pub label: String,
    #[serde(default, deserialize_with = "text")]
    pub unit: String,
    pub before: f64,
    pub after: f64,
    #[serde(default, deserialize_with = "opt_text")]
    pub better: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub period: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub source: Option<String>,
    /// The label as a claim's sentence uses it (`reduced <claim_label> by 41%`), when it
    /// differs from `label` (a language that inflects it).
    #[serde(default, deserialize_with = "opt_text")]
    pub claim_label: Option<String>,
    /// When the figures were measured.
    pub as_of: Option<FmDate>,
    /// When the figures must be checked again.
    pub review_by: Option<FmDate>,
    /// Where its `id` is written in the file.
    #[serde(skip)]
    pub id_offset: usize,
    /// Where its `review_by` value is written (else where its `id` is).
    #[serde(skip)]
    pub review_by_offset: usize,
}

/// A customer quote on a case study, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuote {
    #[serde(deserialize_with = "text")]
    pub text: String,
    #[serde(deserialize_with = "text")]
    pub name: String,
    #[serde(default, deserialize_with = "text")]
    pub title: String,
    #[serde(default, deserialize_with = "opt_text")]
    pub company: Option<String>,
    /// The day the customer approved the quote.
    pub approved: Option<FmDate>,
    /// `"pending"`: the customer has not approved it yet.
    #[serde(default, deserialize_with = "opt_text")]
    pub approval: Option<String>,
    /// When the quote must be checked again.
    pub review_by: Option<FmDate>,
    /// Where the quote, its `approval`/`approved` and its `review_by` are written.
    #[serde(skip)]
    pub offset: usize,
    #[serde(skip)]
    pub approval_offset: usize,
    #[serde(skip)]
    pub review_by_offset: usize,
}

/// Front matter keys exactly as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    #[serde(default, deserialize_with = "opt_text")]
    pub title: Option<String>,
    pub date: Option<FmDate>,
    pub updated: Option<FmDate>,
    #[serde(default, deserialize_with = "opt_text")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub stage: Option<String>,
    #[serde(default, deserialize_with = "texts")]
    pub roles: Vec<String>,
    #[serde(default, deserialize_with = "texts")]
    pub industries: Vec<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default, deserialize_with = "opt_text")]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub author: Option<String>,
    /// Case studies: show on the home page.
    #[serde(default)]
    pub featured: bool,
    /// Case studies: the customer's name.
    #[serde(default, deserialize_with = "opt_text")]
    pub customer: Option<String>,
    #[serde(default)]
    pub metrics: Vec<RawMetric>,
    /// Case studies: the metrics come from this CSV of `data/`, one row each.
    #[serde(default, deserialize_with = "opt_text")]
    pub metrics_from: Option<String>,
    #[serde(default)]
    pub quotes: Vec<RawQuote>,
    /// Case studies: the day the customer approved publication.
    pub approved: Option<FmDate>,
    /// Case studies: `"pending"` while the customer has not approved publication.
    #[serde(default, deserialize_with = "opt_text")]
    pub approval: Option<String>,
    /// Old URLs of the page (`/blog/old-url/`): each gets a page that redirects here.
    #[serde(default, deserialize_with = "texts")]
    pub aliases: Vec<String>,
    /// The page's image, for its social preview (`hero.png` beside the page, `/img/x.png`
    /// in static/, or an absolute URL), and what it shows in words.
    #[serde(default, deserialize_with = "opt_text")]
    pub image: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub image_alt: Option<String>,
    #[serde(default, deserialize_with = "extra_values")]
    pub extra: Option<serde_json::Value>,
    /// Where each key and value is written in the file, for diagnostics.
    #[serde(skip)]
    pub positions: Positions,
    /// A translation (`x.zh.md` beside `x.md`): what it translates of its original's
    /// metrics and quotes. Everything else it does not set comes from the original.
    #[serde(skip)]
    pub translated: Option<Translated>,
}

/// What a translation translates of its original's case-study data.
#[derive(Debug, Clone, Default)]
pub struct Translated {
    pub metrics: Vec<MetricText>,
    pub quotes: Vec<QuoteText>,
}

/// A metric's words in a translation; its figures are the original's.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricText {
    #[serde(deserialize_with = "text")]
    pub id: String,
    #[serde(default, deserialize_with = "opt_text")]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub claim_label: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub unit: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub period: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub source: Option<String>,
    /// Where its `id` is written.
    #[serde(skip)]
    pub id_offset: usize,
}

/// A quote's words in a translation; its approval is the original quote's.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteText {
    #[serde(deserialize_with = "text")]
    pub text: String,
    #[serde(default, deserialize_with = "opt_text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub company: Option<String>,
}

/// The front matter of a translation, as written: what may differ between languages.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranslation {
    #[serde(default, deserialize_with = "opt_text")]
    title: Option<String>,
    updated: Option<FmDate>,
    #[serde(default, deserialize_with = "opt_text")]
    summary: Option<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default, deserialize_with = "opt_text")]
    slug: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    author: Option<String>,
    #[serde(default)]
    metrics: Vec<MetricText>,
    #[serde(default)]
    quotes: Vec<QuoteText>,
    #[serde(default, deserialize_with = "texts")]
    aliases: Vec<String>,
    #[serde(default, deserialize_with = "opt_text")]
    image: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    image_alt: Option<String>,
    #[serde(default, deserialize_with = "extra_values")]
    extra: Option<serde_json::Value>,
}

/// The keys a translation may set; the other keys of a page it shares with its original.
const TRANSLATION_KEYS: &[&str] = &[
    "title",
    "updated",
    "summary",
    "draft",
    "slug",
    "author",
    "metrics",
    "quotes",
    "aliases",
    "image",
    "image_alt",
    "extra",
];
const METRIC_TEXT_KEYS: &[&str] = &["id", "label", "claim_label", "unit", "period", "source"];
const QUOTE_TEXT_KEYS: &[&str] = &["text", "name", "title", "company"];

impl RawFrontMatter {
    /// Record where its keys and values are (`root`, of the block starting at `start`),
    /// and where each metric's id is.
    fn place(mut self, start: usize, root: Node) -> RawFrontMatter {
        let metrics = root.get("metrics");
        for (i, m) in self.metrics.iter_mut().enumerate() {
            let item = metrics.and_then(|e| e.value.items().get(i).copied());
            m.id_offset = value_at(item, "id")
                .or(metrics.map(|e| e.at))
                .unwrap_or(start);
            m.review_by_offset = value_at(item, "review_by").unwrap_or(m.id_offset);
        }
        let quotes = root.get("quotes");
        for (i, q) in self.quotes.iter_mut().enumerate() {
            let item = quotes.and_then(|e| e.value.items().get(i).copied());
            q.offset = value_at(item, "text")
                .or(quotes.map(|e| e.at))
                .unwrap_or(start);
            q.approval_offset = value_at(item, "approval")
                .or_else(|| value_at(item, "approved"))
                .unwrap_or(q.offset);
            q.review_by_offset = value_at(item, "review_by").unwrap_or(q.offset);
        }
        self.positions = Positions { start, root };
        self
    }
}

/// Where the value of `key` in the table `item` is written.
fn value_at(item: Option<&Node>, key: &str) -> Option<usize> {
    item.and_then(|n| n.get(key)).map(|e| e.value.at)
}

/// Front-matter text ends up in pages, feeds and the sitemap, where control characters
/// (other than tab and line breaks) make ill-formed XML: they are an error at their value.
fn check_text<E: serde::de::Error>(s: String) -> Result<String, E> {
    match s
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        Some(c) => Err(E::custom(format!(
            "{CONTROL_CHARACTER} U+{:04X} in a text value",
            c as u32
        ))),
        None => Ok(s),
    }
}

/// The start of the message [`check_text`] gives.
pub const CONTROL_CHARACTER: &str = "control character";

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    check_text(String::deserialize(d)?)
}

fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(check_text)
        .transpose()
}

fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Vec::<String>::deserialize(d)?
        .into_iter()
        .map(check_text)
        .collect()
}

fn extra_values<'de, D: Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    match value.as_ref().and_then(find_control) {
        Some(c) => Err(serde::de::Error::custom(format!(
            "{CONTROL_CHARACTER} U+{:04X} in a text value",
            c as u32
        ))),
        None => Ok(value),
    }
}

/// The first string inside `value` (at any depth) with a control character.
fn find_control(value: &serde_json::Value) -> Option<char> {
    match value {
        serde_json::Value::String(s) => s
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
        serde_json::Value::Array(a) => a.iter().find_map(find_control),
        serde_json::Value::Object(o) => o.iter().find_map(|(k, v)| {
            find_control(&serde_json::Value::String(k.clone())).or_else(|| find_control(v))
        }),
        _ => None,
    }
}

/// Parse the front matter of `split`, located in the file `text` at `path`.
/// Every problem is reported: when a key is unknown, so is every other unknown key.
pub fn parse(
    split: &Split,
    text: &str,
    path: &std::path::Path,
) -> Result<RawFrontMatter, Vec<Diagnostic>> {
    parse_one(split, text, path).map_err(|first| {
        if first.message.starts_with("unknown key") {
            let all = unknown_keys(split, text, path);
            if !all.is_empty() {
                return all;
            }
        }
        vec![first]
    })
}

/// Parse the front matter of a translation of `original` (a content path): the keys it
/// shares with its original are errors (every one at once), each where it is written.
pub fn parse_translation(
    split: &Split,
    text: &str,
    path: &std::path::Path,
    original: &str,
) -> Result<RawFrontMatter, Vec<Diagnostic>> {
    let tree = tree_of(split).unwrap_or_default();
    let shared = shared_keys(&tree, text, path, original);
    if !shared.is_empty() {
        return Err(shared);
    }
    let start = split.front_offset;
    let raw: RawTranslation = match split.format {
        _ if split.front.trim().is_empty() => RawTranslation::default(),
        Format::Toml => {
            let path_str = display_path(path);
            let toml_error = |e: toml::de::Error| vec![toml_diagnostic(&path_str, text, start, &e)];
            let table = toml::de::DeTable::parse(split.front).map_err(toml_error)?;
            RawTranslation::deserialize(toml::de::Deserializer::from(table)).map_err(toml_error)?
        }
        Format::Yaml => serde_saphyr::from_str(split.front)
            .map_err(|e| vec![yaml_error(&e, split, text, &display_path(path))])?,
    };
    let mut metrics = raw.metrics;
    let metrics_node = tree.get("metrics");
    for (i, m) in metrics.iter_mut().enumerate() {
        let item = metrics_node.and_then(|e| e.value.items().get(i).copied());
        m.id_offset = value_at(item, "id")
            .or(metrics_node.map(|e| e.at))
            .unwrap_or(start);
    }
    let fm = RawFrontMatter {
        title: raw.title,
        updated: raw.updated,
        summary: raw.summary,
        draft: raw.draft,
        slug: raw.slug,
        author: raw.author,
        aliases: raw.aliases,
        image: raw.image,
        image_alt: raw.image_alt,
        extra: raw.extra,
        translated: Some(Translated {
            metrics,
            quotes: raw.quotes,
        }),
        ..RawFrontMatter::default()
    };
    Ok(fm.place(start, tree))
}

/// An error for each key of a translation's front matter that it shares with its original
/// (or that no front matter has), and for each figure or approval of its metrics and quotes.
fn shared_keys(tree: &Node, text: &str, path: &std::path::Path, original: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut check = |key: &str, at: usize, allowed: &[&str], all: &[&str], within: &str| {
        if allowed.contains(&key) {
            return;
        }
        let (message, hint) = if all.contains(&key) {
            (
                format!(
                    "a translation takes `{key}`{within} from {original}, the page it translates"
                ),
                format!(
                    "remove `{key}` here; change it in {original} and every translation follows"
                ),
            )
        } else {
            let hint = match crate::diagnostics::did_you_mean(key, allowed.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("a translation may set: {}", allowed.join(", ")),
            };
            (format!("unknown key `{key}`"), hint)
        };
        let code = if all.contains(&key) {
            Code::TranslationKey
        } else {
            Code::Syntax
        };
        out.push(
            Diagnostic::error(code, path, message)
                .at(text, at)
                .with_hint(hint),
        );
    };
    for e in tree.entries() {
        check(&e.key, e.at, TRANSLATION_KEYS, KEYS, "");
        let keys = match e.key.as_str() {
            "metrics" => (METRIC_TEXT_KEYS, METRIC_KEYS, " of a metric"),
            "quotes" => (QUOTE_TEXT_KEYS, QUOTE_KEYS, " of a quote"),
            _ => continue,
        };
        for item in e.value.items() {
            for k in item.entries() {
                check(&k.key, k.at, keys.0, keys.1, keys.2);
            }
        }
    }
    out.sort_by_key(|d| (d.line, d.col));
    out
}

/// Top-level keys, then the keys of each `[[metrics]]` and `[[quotes]]` entry.
const KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "summary",
    "stage",
    "roles",
    "industries",
    "weight",
    "draft",
    "slug",
    "author",
    "featured",
    "customer",
    "metrics",
    "metrics_from",
    "quotes",
    "approved",
    "approval",
    "aliases",
    "image",
    "image_alt",
    "extra",
];
const METRIC_KEYS: &[&str] = &[
    "id",
    "label",
    "unit",
    "before",
    "after",
    "better",
    "period",
    "source",
    "claim_label",
    "as_of",
    "review_by",
];
const QUOTE_KEYS: &[&str] = &[
    "text",
    "name",
    "title",
    "company",
    "approved",
    "approval",
    "review_by",
];

/// Every key of the block that is not one cairn knows, each at its line with the nearest
/// known key; empty when the block cannot be read as a table at all.
fn unknown_keys(split: &Split, text: &str, path: &std::path::Path) -> Vec<Diagnostic> {
    let Some(tree) = tree_of(split) else {
        return Vec::new();
    };
    let schema = crate::config::Keys {
        top: KEYS,
        sections: &[("metrics", METRIC_KEYS), ("quotes", QUOTE_KEYS)],
        free: "free-form values go under [extra]",
    };
    schema.unknown(&tree, text, path)
}

/// Where the keys and values of the front matter of `split` are; `None` when it cannot be
/// parsed.
fn tree_of(split: &Split) -> Option<Node> {
    match split.format {
        Format::Toml => toml::de::DeTable::parse(split.front)
            .ok()
            .map(|t| Node::from_toml(t.get_ref(), split.front, split.front_offset)),
        Format::Yaml => Node::from_yaml(split.front, split.front_offset),
    }
}

fn parse_one(
    split: &Split,
    text: &str,
    path: &std::path::Path,
) -> Result<RawFrontMatter, Diagnostic> {
    let path_str = display_path(path);
    let start = split.front_offset;
    if split.front.trim().is_empty() {
        return Ok(RawFrontMatter::default().place(start, Node::default()));
    }
    match split.format {
        Format::Toml => {
            // One parse: the tree of spans, then the values from it.
            let toml_error = |e: toml::de::Error| toml_diagnostic(&path_str, text, start, &e);
            let table = toml::de::DeTable::parse(split.front).map_err(toml_error)?;
            let tree = Node::from_toml(table.get_ref(), split.front, start);
            let fm = RawFrontMatter::deserialize(toml::de::Deserializer::from(table))
                .map_err(toml_error)?;
            Ok(fm.place(start, tree))
        }
        Format::Yaml => {
            // serde-saphyr's default budget bounds nodes, depth and aliases (billion-laughs safe).
            let fm: RawFrontMatter = serde_saphyr::from_str(split.front)
                .map_err(|e| yaml_error(&e, split, text, &path_str))?;
            // serde-saphyr gives spans through its own `Spanned` fields, which TOML cannot
            // fill: a second pass over the (already valid) block reads them into a tree.
            let tree = Node::from_yaml(split.front, start).unwrap_or_default();
            Ok(fm.place(start, tree))
        }
    }
}

/// A YAML front matter's error at its line and column of the file `text`.
fn yaml_error(e: &serde_saphyr::Error, split: &Split, text: &str, path: &str) -> Diagnostic {
    let front_line = Position::of(text, split.front_offset).line;
    let (line, col) = e
        .location()
        .map(|l| (l.line() as usize, l.column() as usize))
        .unwrap_or((1, 0));
    let (message, hint) = explain_serde_message(&yaml_message(e));
    Diagnostic::error(Code::Syntax, path, message)
        .at_line_col(text, front_line + line.max(1) - 1, col)
        .with_hint(hint)
}

/// serde-saphyr's message without its own location suffix or snippet.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let full = e.to_string();
    let first = full.lines().next().unwrap_or("").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // "line 2 column 1: message": the location is reported separately.
    let first = match first.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((_, message)) => message,
        None => first,
    };
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_key_lists_are_the_structs_fields() {
        assert_eq!(crate::config::expected_keys::<RawFrontMatter>(), KEYS);
        assert_eq!(crate::config::expected_keys::<RawMetric>(), METRIC_KEYS);
        assert_eq!(crate::config::expected_keys::<RawQuote>(), QUOTE_KEYS);
    }

    #[test]
    fn every_unknown_key_is_reported_at_its_line() {
        let text = "+++\ntitle = \"A\"\ntags = [\"x\"]\ndescription = \"d\"\n[[metrics]]\nid = \"m\"\nlable = \"x\"\n[[quotes]]\ntext = \"q\"\nname = \"n\"\nrole = \"r\"\n+++\n";
        let split = split_front_matter(text).unwrap();
        let ds = parse(&split, text, Path::new("content/a.md")).unwrap_err();
        let got: Vec<String> = ds
            .iter()
            .map(|d| format!("{}:{} {} / {}", d.line, d.col, d.message, d.hint))
            .collect();
        assert_eq!(
            got,
            [
                "3:1 unknown key `tags` / valid keys: title, date, updated, summary, stage, roles, industries, weight, draft, slug, author, featured, customer, metrics, metrics_from, quotes, approved, approval, aliases, image, image_alt, extra; free-form values go under [extra]",
                "4:1 unknown key `description` / valid keys: title, date, updated, summary, stage, roles, industries, weight, draft, slug, author, featured, customer, metrics, metrics_from, quotes, approved, approval, aliases, image, image_alt, extra; free-form values go under [extra]",
                "7:1 unknown key `lable` / did you mean `label`? Free-form values go under [extra]",
                "11:1 unknown key `role` / valid keys of quotes: text, name, title, company, approved, approval, review_by; free-form values go under [extra]",
            ]
        );
    }
    use crate::source::split_front_matter;
    use std::path::Path;

    fn parse_text(text: &str) -> Result<RawFrontMatter, String> {
        let split = split_front_matter(text).unwrap();
        parse(&split, text, Path::new("content/a.md")).map_err(|ds| {
            ds.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n\n")
        })
    }

    #[test]
    fn toml_and_yaml_give_the_same_values() {
        let t = parse_text("+++\ntitle = \"A\"\ndate = 2026-03-14\nroles = [\"user\"]\n[extra]\nhero = \"x.png\"\n+++\n").unwrap();
        let y = parse_text(
            "---\ntitle: A\ndate: 2026-03-14\nroles: [user]\nextra:\n  hero: x.png\n---\n",
        )
        .unwrap();
        for fm in [&t, &y] {
            assert_eq!(fm.title.as_deref(), Some("A"));
            assert_eq!(fm.date, Some(FmDate::parse("2026-03-14").unwrap()));
            assert_eq!(fm.roles, ["user"]);
            assert_eq!(fm.extra.as_ref().unwrap()["hero"], "x.png");
        }
    }

    #[test]
    fn dates_in_every_accepted_shape() {
        let midnight = FmDate::parse("2026-03-14").unwrap();
        assert_eq!(midnight.0.to_string(), "2026-03-14T00:00:00Z");
        assert_eq!(
            FmDate::parse("2026-03-14T09:30:00Z").unwrap().0.to_string(),
            "2026-03-14T09:30:00Z"
        );
        assert_eq!(
            FmDate::parse("2026-03-14 09:30").unwrap().0.to_string(),
            "2026-03-14T09:30:00Z"
        );
        assert_eq!(
            FmDate::parse("2026-03-14T09:30:00+02:00")
                .unwrap()
                .0
                .to_string(),
            "2026-03-14T07:30:00Z"
        );
        assert!(FmDate::parse("14/03/2026").is_err());
        let t = parse_text("+++\ndate = 2026-03-14T09:30:00Z\n+++\n").unwrap();
        assert_eq!(t.date.unwrap().0.to_string(), "2026-03-14T09:30:00Z");
    }

    #[test]
    fn unknown_keys_are_errors_with_suggestions_in_both_syntaxes() {
        assert_eq!(
            parse_text("+++\ntitle = \"A\"\nrole = [\"user\"]\n+++\n").unwrap_err(),
            "content/a.md:3:1: error: unknown key `role`\n 3 | role = [\"user\"]\n   | ^\n  = hint: did you mean `roles`? Free-form values go under [extra]"
        );
        let y = parse_text("---\ntitle: A\nindustrys: [energy]\n---\n").unwrap_err();
        assert!(y.starts_with("content/a.md:3:"), "{y}");
        assert!(y.contains("error: unknown key `industrys`"), "{y}");
        assert!(y.contains("hint: did you mean `industries`?"), "{y}");
    }

    #[test]
    fn syntax_errors_are_located_in_the_file() {
        let e = parse_text("+++\ntitle = \"A\"\nroles = [\"user\"\n+++\n").unwrap_err();
        assert!(e.starts_with("content/a.md:3:"), "{e}");
        let e = parse_text("---\ntitle: A\n  bad: : indent\n---\n").unwrap_err();
        assert!(
            e.starts_with("content/a.md:3:") || e.starts_with("content/a.md:2:"),
            "{e}"
        );
    }

    #[test]
    fn positions_come_from_the_parsers_in_both_syntaxes() {
        let at = |text: &str, offset: usize| {
            let p = Position::of(text, offset);
            format!("{}:{}", p.line, p.col)
        };
        // `stage` also appears inside [extra] and in a title: only the key counts.
        let t = "+++\ntitle = \"stage = x\"\nroles = [\"user\", 'cfo']\nstage = \"awarness\"\n[[metrics]]\nid = \"a\"\nlabel = \"l\"\nbefore = 1\nafter = 2\n[[metrics]]\nid = \"a\"\nlabel = \"l\"\nbefore = 1\nafter = 2\n[extra]\nstage = 1\n+++\n";
        let y = "---\nextra:\n  stage: 1\ntitle: 'stage: x'\nroles: [user, cfo]\nstage: \"awarness\"\nmetrics:\n  - {id: a, label: l, before: 1, after: 2}\n  - id: a\n    label: l\n    before: 1\n    after: 2\n---\n";
        let mut got = Vec::new();
        for text in [t, y] {
            let split = split_front_matter(text).unwrap();
            let fm = parse(&split, text, Path::new("content/a.md")).unwrap();
            let p = &fm.positions;
            got.push(vec![
                at(text, p.offset_of("stage")),
                at(text, p.value_offset("stage", "awarness")),
                at(text, p.value_offset("roles", "cfo")),
                at(text, p.offset_of("slug")),
                at(text, fm.metrics[0].id_offset),
                at(text, fm.metrics[1].id_offset),
            ]);
        }
        assert_eq!(got[0], ["4:1", "4:10", "3:19", "2:1", "6:7", "11:7"]);
        assert_eq!(got[1], ["6:1", "6:9", "5:15", "2:1", "8:10", "9:9"]);
    }
}
