//! Hugo: its configuration (content folder, taxonomies, permalinks), its front-matter
//! keys (compared without case, as Hugo does), the URL Hugo gave each page, and its
//! shortcodes (`{{< name >}}`, `{{% name %}}`): `ref`/`relref`, `figure` and
//! `highlight` are translated, the rest left visible.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map as JsonMap, Value};

use super::body::{Ctx, Edit, code_span};
use super::{Fields, Page, Role, strings, take, text_of};

/// Hugo's configuration as a JSON object (empty when none is found).
pub(super) fn config(top: &Path) -> JsonMap<String, Value> {
    const NAMES: &[&str] = &[
        "hugo.toml",
        "hugo.yaml",
        "hugo.yml",
        "config.toml",
        "config.yaml",
        "config.yml",
        "config/_default/hugo.toml",
        "config/_default/config.toml",
        "config/_default/hugo.yaml",
        "config/_default/config.yaml",
    ];
    let mut config = NAMES
        .iter()
        .find_map(|n| read(&top.join(n)))
        .unwrap_or_default();
    // Split configurations keep a root key in a file of its name.
    for key in ["permalinks", "taxonomies", "languages"] {
        for ext in ["toml", "yaml"] {
            if let Some(v) = read(&top.join(format!("config/_default/{key}.{ext}"))) {
                config.entry(key).or_insert(Value::Object(v));
            }
        }
    }
    config
}

fn read(path: &Path) -> Option<JsonMap<String, Value>> {
    let text = std::fs::read_to_string(path).ok()?;
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("toml") => crate::source::Format::Toml,
        _ => crate::source::Format::Yaml,
    };
    super::parse_front(format, &text).ok()
}

fn get<'a>(config: &'a JsonMap<String, Value>, key: &str) -> Option<&'a Value> {
    config
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// The content folder: `contentDir`, else a module mount onto `content`, else the
/// default language's, else `content`.
pub(super) fn content_dir(config: &JsonMap<String, Value>) -> String {
    if let Some(dir) = get(config, "contentDir").and_then(text_of) {
        return dir;
    }
    let mounts = get(config, "module")
        .and_then(Value::as_object)
        .and_then(|m| get(m, "mounts"))
        .and_then(Value::as_array);
    let mounted = mounts.into_iter().flatten().find_map(|m| {
        let m = m.as_object()?;
        let target = get(m, "target").and_then(text_of)?;
        (target.trim_matches('/') == "content")
            .then(|| get(m, "source").and_then(text_of))
            .flatten()
    });
    if let Some(dir) = mounted {
        return dir;
    }
    let default = get(config, "defaultContentLanguage")
        .and_then(text_of)
        .unwrap_or_else(|| "en".into());
    let languages = get(config, "languages").and_then(Value::as_object);
    let dir_of = |lang: &Value| {
        lang.as_object()
            .and_then(|l| get(l, "contentDir"))
            .and_then(text_of)
    };
    languages
        .and_then(|ls| {
            ls.get(&default)
                .and_then(dir_of)
                .or_else(|| ls.values().find_map(dir_of))
        })
        .unwrap_or_else(|| "content".into())
}

/// The front-matter keys of the taxonomies (`tags`, `categories` unless configured).
pub(super) fn taxonomies(config: &JsonMap<String, Value>) -> Vec<String> {
    match get(config, "taxonomies").and_then(Value::as_object) {
        Some(t) => t.values().filter_map(text_of).collect(),
        None => vec!["tags".into(), "categories".into()],
    }
}

/// Section → permalink pattern (`[permalinks]`, or its `page` table).
pub(super) fn permalinks(config: &JsonMap<String, Value>) -> HashMap<String, String> {
    let Some(p) = get(config, "permalinks").and_then(Value::as_object) else {
        return HashMap::new();
    };
    let table = p.get("page").and_then(Value::as_object).unwrap_or(p);
    table
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
        .collect()
}

/// Hugo's fields and taxonomy terms, taken out of `fm`.
pub(super) fn fields(
    page: &Page,
    fm: &mut JsonMap<String, Value>,
    taxonomies: &[String],
) -> (Fields, Vec<(String, Vec<String>)>) {
    let _ = page;
    let text =
        |fm: &mut JsonMap<String, Value>, keys: &[&str]| take(fm, keys).as_ref().and_then(text_of);
    let lastmod = text(fm, &["lastmod", "modified"]);
    let date = text(fm, &["date"])
        .or_else(|| text(fm, &["publishDate", "pubdate", "published"]))
        .or_else(|| lastmod.clone());
    let summary = text(fm, &["summary"]);
    let description = take(fm, &["description"]);
    let summary = match (summary, description) {
        (Some(s), Some(d)) => {
            fm.insert("description".into(), d);
            Some(s)
        }
        (None, Some(d)) => text_of(&d),
        (s, None) => s,
    };
    let mut authors = take(fm, &["authors"]).map_or(Vec::new(), |v| strings(&v));
    match take(fm, &["author"]) {
        Some(v @ Value::Object(_)) => {
            fm.insert("author".into(), v);
        }
        Some(v) => authors.extend(strings(&v)),
        None => {}
    }
    let draft = is_true(take(fm, &["draft"]));
    let fields = Fields {
        title: text(fm, &["title"]),
        date,
        updated: lastmod,
        draft,
        slug: text(fm, &["slug"]),
        summary,
        author: (!authors.is_empty()).then(|| authors.join(", ")),
        aliases: take(fm, &["aliases"]).map_or(Vec::new(), |v| strings(&v)),
        weight: take(fm, &["weight"]).and_then(|v| v.as_i64()),
        url: text(fm, &["url"]),
        extra: JsonMap::new(),
    };
    let mut terms = Vec::new();
    for t in taxonomies {
        if let Some(v) = take(fm, &[t.as_str()]) {
            let values = strings(&v);
            if !values.is_empty() {
                terms.push((t.to_lowercase(), values));
            }
        }
    }
    (fields, terms)
}

/// Whether Hugo never renders the page: `headless = true`, or `build.render` (or
/// `_build.render`) `"never"` or `false`, on the page or cascaded from a section.
pub(super) fn unrendered(fm: &JsonMap<String, Value>) -> bool {
    let never = |build: Option<&Value>| {
        build
            .and_then(Value::as_object)
            .and_then(|b| get(b, "render"))
            .is_some_and(|r| matches!(r, Value::Bool(false)) || r.as_str() == Some("never"))
    };
    is_true(get(fm, "headless").cloned()) || never(get(fm, "build")) || never(get(fm, "_build"))
}

/// What a section's `cascade` gives the pages below it (its `build` or `_build`).
pub(super) fn cascaded(fm: &JsonMap<String, Value>) -> bool {
    let cascade = get(fm, "cascade");
    let tables: Vec<&JsonMap<String, Value>> = match cascade {
        Some(Value::Object(o)) => vec![o],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    };
    tables.iter().any(|t| {
        get(t, "target").is_none()
            && unrendered(&{
                let mut m = (*t).clone();
                m.remove("headless");
                m
            })
    })
}

/// `true`, or `"true"` as YAML and TOML sometimes hold it.
pub(super) fn is_true(v: Option<Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => b,
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// A path segment as Hugo writes it in a URL: lower case, spaces as `-`, only letters,
/// digits and `-_.~+` kept.
fn urlize(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            c if c.is_whitespace() => Some('-'),
            c if c.is_alphanumeric() || "-_.~+".contains(c) => Some(c),
            _ => None,
        })
        .collect()
}

/// The URL Hugo gave the page.
pub(super) fn old_url(
    page: &Page,
    fields: &Fields,
    permalinks: &HashMap<String, String>,
) -> String {
    if let Some(url) = &fields.url {
        return match url.starts_with('/') {
            true => url.clone(),
            false => format!("/{url}"),
        };
    }
    let mut dirs: Vec<String> = page.dirs().iter().map(|d| urlize(d)).collect();
    if page.role == Role::Branch {
        return match dirs.is_empty() {
            true => "/".into(),
            false => format!("/{}/", dirs.join("/")),
        };
    }
    let name = fields.slug.as_deref().unwrap_or(page.base());
    if let Some(pattern) = page.section().and_then(|s| permalinks.get(s)) {
        return permalink(pattern, page, fields);
    }
    if page.role == Role::Leaf {
        dirs.pop();
    }
    dirs.push(urlize(name));
    format!("/{}/", dirs.join("/"))
}

/// A permalink pattern (`/:year/:month/:slug/`) filled in for the page.
fn permalink(pattern: &str, page: &Page, fields: &Fields) -> String {
    let date = fields.date.as_deref().unwrap_or("");
    let part = |from: usize, to: usize| date.get(from..to).unwrap_or("").to_string();
    let title = urlize(fields.title.as_deref().unwrap_or(page.base()));
    let base = urlize(page.base());
    let slug = fields.slug.as_deref().map(urlize);
    let mut dirs: Vec<String> = page.dirs().iter().map(|d| urlize(d)).collect();
    if page.role == Role::Leaf {
        dirs.pop();
    }
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(i) = rest.find(':') {
        out.push_str(&rest[..i]);
        let token: String = rest[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        rest = &rest[i + 1 + token.len()..];
        let value = match token.as_str() {
            "year" => part(0, 4),
            "month" => part(5, 7),
            "day" => part(8, 10),
            "section" => dirs.first().cloned().unwrap_or_default(),
            "sections" => dirs.join("/"),
            "title" => title.clone(),
            "slug" => slug.clone().unwrap_or_else(|| title.clone()),
            "filename" | "contentbasename" => base.clone(),
            "slugorfilename" | "slugorcontentbasename" => {
                slug.clone().unwrap_or_else(|| base.clone())
            }
            other => format!(":{other}"),
        };
        out.push_str(&value);
    }
    out.push_str(rest);
    let out = match out.starts_with('/') {
        true => out,
        false => format!("/{out}"),
    };
    match out.ends_with('/') || out.rsplit('/').next().is_some_and(|l| l.contains('.')) {
        true => out,
        false => format!("{out}/"),
    }
}

/// The arguments of a shortcode: positional, or `key="value"` (quotes `"` or `` ` ``).
fn args(text: &str) -> (Vec<String>, HashMap<String, String>) {
    let mut positional = Vec::new();
    let mut named = HashMap::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        let mut value = String::new();
        let mut quoted = None;
        for c in chars.by_ref() {
            match quoted {
                Some(q) if c == q => {
                    quoted = None;
                }
                Some(_) => value.push(c),
                None if c == '"' || c == '`' => quoted = Some(c),
                None if c == '=' && key.is_empty() => {
                    key = std::mem::take(&mut value);
                }
                None if c.is_whitespace() => break,
                None => value.push(c),
            }
        }
        match key.is_empty() {
            true => positional.push(value),
            false => {
                named.insert(key, value);
            }
        }
    }
    (positional, named)
}

/// The shortcodes of a Hugo body (outside code) as edits: translated where cairn has
/// an equivalent, else left visible as code and listed.
pub(super) fn shortcodes(body: &str, ctx: &Ctx) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut i = 0;
    while let Some(rel) = body[i..].find("{{") {
        let start = i + rel;
        i = start + 2;
        let Some(d) = body[start + 2..]
            .chars()
            .next()
            .filter(|c| *c == '<' || *c == '%')
        else {
            continue;
        };
        if ctx.in_code(start) {
            // Hugo reads shortcodes in code too: `{{</* x */>}}` shows `{{< x >}}` there.
            edits.extend(unescape(body, start, d));
            continue;
        }
        let e = if d == '<' { '>' } else { '%' };
        let close = format!("{e}}}}}");
        let Some(close_rel) = body[start + 3..].find(&close) else {
            continue;
        };
        let end = start + 3 + close_rel + close.len();
        let inner = body[start + 3..start + 3 + close_rel].trim();
        if inner.contains("{{") {
            // Not one shortcode: what is left of it is shown as code by the caller.
            continue;
        }
        let written = &body[start..end];
        i = end;
        if let Some(literal) = inner.strip_prefix("/*").and_then(|s| s.strip_suffix("*/")) {
            let shown = format!("{{{{{d} {} {e}}}}}", literal.trim());
            edits.push(Edit::new(start..end, code_span(&shown)));
            continue;
        }
        let closing = inner.starts_with('/');
        let inner = inner.trim_start_matches('/').trim();
        let (name, rest) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        let (positional, named) = args(rest);
        let first = |key: &str| named.get(key).or(positional.first()).cloned();
        let translated = match (closing, name) {
            (false, "ref" | "relref") => first("path").and_then(|p| {
                // In a link's destination a link to the file; in prose, the URL Hugo printed.
                match body[..start].ends_with("](") {
                    true => ctx.link_to_source(&p),
                    false => ctx.url_of_source(&p),
                }
            }),
            (false, "figure") => named.get("src").map(|src| {
                let alt = named
                    .get("alt")
                    .or(named.get("caption"))
                    .or(named.get("title"))
                    .cloned()
                    .unwrap_or_default();
                let title = named
                    .get("caption")
                    .or(named.get("title"))
                    .map(|t| format!(" \"{}\"", t.replace('"', "'")))
                    .unwrap_or_default();
                format!("![{}]({src}{title})", alt.replace(['[', ']'], ""))
            }),
            (false, "highlight") => {
                if let Some((c_start, c_end)) = closer(body, end, "highlight") {
                    let lang = positional.first().cloned().unwrap_or_default();
                    edits.push(Edit::new(start..end, format!("```{lang}")));
                    edits.push(Edit::new(c_start..c_end, "```".to_string()));
                    i = c_end;
                    continue;
                }
                None
            }
            _ => None,
        };
        match translated {
            Some(text) => edits.push(Edit::with_note(start..end, text, ctx.take_dropped())),
            None if closing => edits.push(Edit::new(start..end, code_span(written))),
            None => edits.push(Edit::untranslated(body, start..end, written)),
        }
    }
    edits
}

/// `{{</* x */>}}` at `start` (in code) as Hugo shows it: `{{< x >}}`.
fn unescape(body: &str, start: usize, d: char) -> Option<Edit> {
    let e = if d == '<' { '>' } else { '%' };
    let open = format!("{{{{{d}/*");
    let close = format!("*/{e}}}}}");
    if !body[start..].starts_with(&open) {
        return None;
    }
    let inner_start = start + open.len();
    let end = inner_start + body[inner_start..].find(&close)? + close.len();
    let inner = &body[inner_start..end - close.len()];
    Some(Edit::new(start..end, format!("{{{{{d}{inner}{e}}}}}")))
}

/// The closing `{{< /name >}}` (or `{{% /name %}}`) after `from`: its range.
fn closer(body: &str, from: usize, name: &str) -> Option<(usize, usize)> {
    let mut i = from;
    while let Some(rel) = body[i..].find("{{") {
        let start = i + rel;
        let end = start + body[start..].find("}}")? + 2;
        let inner = body[start + 2..end - 2]
            .trim_matches(|c: char| c == '<' || c == '>' || c == '%' || c.is_whitespace());
        if inner.strip_prefix('/').map(str::trim) == Some(name) {
            return Some((start, end));
        }
        i = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescaping_never_reads_inside_its_own_marks() {
        assert!(unescape("{{</*/>}}", 0, '<').is_none());
        let e = unescape("x {{</* y */>}}", 2, '<').unwrap();
        assert_eq!((e.range, e.text), (2..15, "{{< y >}}".to_string()));
    }

    #[test]
    fn shortcode_arguments() {
        let (p, n) = args(r#""posts/a.md#x" src="/i.png" alt=`a "b"` 3"#);
        assert_eq!(p, ["posts/a.md#x", "3"]);
        assert_eq!(n["src"], "/i.png");
        assert_eq!(n["alt"], "a \"b\"");
    }

    #[test]
    fn urls_as_hugo_makes_them() {
        assert_eq!(urlize("My Post: Ünïcode!"), "my-post-ünïcode");
        let page = Page {
            rel: "posts/2024 Notes/x.md".into(),
            role: Role::Single,
            fm: JsonMap::new(),
            body: String::new(),
            body_line: 1,
            front: String::new(),
            out: Default::default(),
        };
        let fields = Fields {
            title: Some("Hello World".into()),
            date: Some("2024-03-09T10:00:00Z".into()),
            ..Fields::default()
        };
        assert_eq!(
            old_url(&page, &fields, &HashMap::new()),
            "/posts/2024-notes/x/"
        );
        let p = HashMap::from([("posts".to_string(), "/:year/:month/:slug".to_string())]);
        assert_eq!(old_url(&page, &fields, &p), "/2024/03/hello-world/");
        let p = HashMap::from([("posts".to_string(), ":sections/:filename/".to_string())]);
        assert_eq!(old_url(&page, &fields, &p), "/posts/2024-notes/x/");
    }
}
