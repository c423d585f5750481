//! Zola: its front-matter keys (`[taxonomies]`, `[extra]`, `path`), dates in file
//! names (`2024-03-09-title.md`), the URL Zola gave each page, internal links
//! (`@/blog/post.md`) and its shortcodes (`{{ name() }}`, `{% name() %}…{% end %}`),
//! which are left visible: their templates are the old site's.

use serde_json::{Map as JsonMap, Value};

use super::body::{Ctx, Edit, code_span};
use super::hugo::is_true;
use super::{Fields, Page, Role, strings, take, text_of};

/// A file name without its leading date (`2024-03-09-title` → `title`).
pub(super) fn strip_date(name: &str) -> &str {
    date_prefix(name).map_or(name, |(_, rest)| rest)
}

/// The date a file name starts with, and the rest.
fn date_prefix(name: &str) -> Option<(&str, &str)> {
    let b = name.as_bytes();
    let shape = b.len() > 11
        && b[..10].iter().enumerate().all(|(i, c)| {
            matches!(i, 4 | 7) && *c == b'-' || !matches!(i, 4 | 7) && c.is_ascii_digit()
        })
        && matches!(b[10], b'-' | b'_');
    shape.then(|| (&name[..10], &name[11..]))
}

/// Zola's fields and taxonomy terms, taken out of `fm`.
pub(super) fn fields(
    page: &Page,
    fm: &mut JsonMap<String, Value>,
) -> (Fields, Vec<(String, Vec<String>)>) {
    let text =
        |fm: &mut JsonMap<String, Value>, key: &str| fm.remove(key).as_ref().and_then(text_of);
    let date = text(fm, "date").or_else(|| match page.role {
        Role::Single => date_prefix(page.base()).map(|(d, _)| d.to_string()),
        _ => None,
    });
    let authors = take(fm, &["authors"]).map_or(Vec::new(), |v| strings(&v));
    let extra = match fm.remove("extra") {
        Some(Value::Object(o)) => o,
        Some(other) => JsonMap::from_iter([("extra".to_string(), other)]),
        None => JsonMap::new(),
    };
    let terms = match fm.remove("taxonomies") {
        Some(Value::Object(t)) => t
            .into_iter()
            .map(|(k, v)| (k, strings(&v)))
            .filter(|(_, v)| !v.is_empty())
            .collect(),
        _ => Vec::new(),
    };
    let fields = Fields {
        title: text(fm, "title"),
        date,
        updated: text(fm, "updated"),
        draft: is_true(fm.remove("draft")),
        slug: text(fm, "slug"),
        summary: text(fm, "description"),
        author: (!authors.is_empty()).then(|| authors.join(", ")),
        aliases: fm.remove("aliases").map_or(Vec::new(), |v| strings(&v)),
        weight: fm.remove("weight").and_then(|v| v.as_i64()),
        url: text(fm, "path"),
        extra,
    };
    (fields, terms)
}

/// The URL Zola gave the page (paths slugified, as Zola does by default).
pub(super) fn old_url(page: &Page, fields: &Fields) -> String {
    if let Some(path) = &fields.url {
        let path = path.trim_matches('/');
        return match path.is_empty() {
            true => "/".into(),
            false => format!("/{path}/"),
        };
    }
    let mut dirs: Vec<String> = page.dirs().iter().map(slug::slugify).collect();
    match page.role {
        Role::Branch => {}
        Role::Leaf => {
            dirs.pop();
            let name = fields
                .slug
                .clone()
                .unwrap_or_else(|| strip_date(page.base()).to_string());
            dirs.push(slug::slugify(name));
        }
        Role::Single => {
            let name = fields
                .slug
                .clone()
                .unwrap_or_else(|| strip_date(page.base()).to_string());
            dirs.push(slug::slugify(name));
        }
    }
    match dirs.is_empty() {
        true => "/".into(),
        false => format!("/{}/", dirs.join("/")),
    }
}

/// Zola's shortcodes (outside code) as edits, left visible and listed; `{{/* … */}}`
/// (Zola's way to show one) becomes the shortcode as code; `@/` links become links to
/// the new files.
pub(super) fn shortcodes(body: &str, ctx: &Ctx) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let Some(rel) = body[i..].find(['{', '@']) else {
            break;
        };
        let start = i + rel;
        i = start + 1;
        let rest = &body[start..];
        if let Some((end, shown)) = escaped(rest) {
            // `{{/* x() */}}` shows `{{ x() }}`, in code too.
            let text = match ctx.in_code(start) {
                true => shown,
                false => code_span(&shown),
            };
            edits.push(Edit::new(start..start + end, text));
            i = start + end;
            continue;
        }
        if ctx.in_code(start) {
            continue;
        }
        if rest.starts_with("@/") {
            if !body[..start].ends_with(['(', ' ', '<']) {
                continue;
            }
            let len = rest
                .find(|c: char| c == ')' || c == '>' || c.is_whitespace() || c == '"')
                .unwrap_or(rest.len());
            let written = &rest[..len];
            match ctx.link_to_source(&written[2..]) {
                Some(link) => edits.push(Edit::with_note(
                    start..start + len,
                    link,
                    ctx.take_dropped(),
                )),
                None => edits.push(Edit::broken_link(start..start + len, written)),
            }
            i = start + len;
            continue;
        }
        let close = match rest.as_bytes().get(1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            _ => continue,
        };
        let Some(end_rel) = rest[2..].find(close) else {
            continue;
        };
        let end = start + 2 + end_rel + 2;
        let inner = body[start + 2..end - 2].trim();
        if inner.contains("{{") || inner.contains("{%") {
            // Not one shortcode: what is left of it is shown as code by the caller.
            continue;
        }
        let written = &body[start..end];
        i = end;
        if inner == "end" {
            edits.push(Edit::new(start..end, code_span(written)));
        } else {
            edits.push(Edit::untranslated(body, start..end, written));
        }
    }
    edits
}

/// A shortcode Zola shows as written (`{{/* x() */}}`) at the start of `rest`: where it
/// ends and what is shown.
fn escaped(rest: &str) -> Option<(usize, String)> {
    let (open, close) = match rest.get(..4)? {
        "{{/*" => ("{{", "}}"),
        "{%/*" => ("{%", "%}"),
        _ => return None,
    };
    let end = 4 + rest[4..].find(&format!("*/{close}"))? + 4;
    Some((end, format!("{open} {} {close}", rest[4..end - 4].trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_shortcodes_never_overlap_their_own_marks() {
        assert_eq!(escaped("{{/*/}}"), None);
        assert_eq!(escaped("{{/**/}}"), Some((8, "{{  }}".into())));
        assert_eq!(escaped("{%/* x() */%} y"), Some((13, "{% x() %}".into())));
    }

    #[test]
    fn dates_in_file_names() {
        assert_eq!(
            date_prefix("2024-03-09-hello"),
            Some(("2024-03-09", "hello"))
        );
        assert_eq!(
            date_prefix("2024-03-09_hello"),
            Some(("2024-03-09", "hello"))
        );
        assert_eq!(date_prefix("2024-3-09-hello"), None);
        assert_eq!(strip_date("hello"), "hello");
    }
}
