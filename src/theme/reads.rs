//! Which parts of `site` a template can show, found by reading its code: the
//! expressions inside `{{ }}` and `{% %}` of the template and of every template
//! it names (extends, includes), and of every template that defines a
//! component. Conservative: a template that might show a count is taken to.
//!
//! Only counts are told apart: they change when one page changes its stage,
//! roles or industries, and a theme that does not show them on every page need
//! not render every page again then.

use std::collections::{HashMap, HashSet};

/// Words in template code that may show a count: the counts themselves, and whatever
/// shows a value whole (`site` not followed by a field, a JSON dump, the whole context).
const COUNT_WORDS: &[&str] = &[
    "count",
    "article_count",
    "case_study_count",
    // Filters and functions that show a value whole, or a field named at run time.
    "json_encode",
    "str",
    "values",
    "pairs",
    "get",
    "__tera_context",
];

/// Names under which a term (with its count) or a list of terms reaches a template:
/// printing one of these whole shows the count.
const TERM_NAMES: &[&str] = &[
    "site",
    "role",
    "roles",
    "stage",
    "stages",
    "industry",
    "industries",
];

/// The names of the templates among `templates` (name, text) that may show a count.
pub fn count_readers<'t>(templates: impl Iterator<Item = (&'t str, &'t str)>) -> HashSet<String> {
    readers(templates, |c| {
        COUNT_WORDS.iter().any(|w| has_word(c, w))
            || shows_site_whole(c)
            || prints_a_whole_value(c)
            || loops_over_fields(c)
    })
}

/// The names of the templates among `templates` (name, text) whose code, or the code of
/// a template they extend or include, uses the variable `word`.
pub fn word_readers<'t>(
    templates: impl Iterator<Item = (&'t str, &'t str)>,
    word: &str,
) -> HashSet<String> {
    readers(templates, |c| has_word(c, word))
}

/// The names of the templates among `templates` for which `reads` holds of the code of
/// the template, of a template it names (extends, includes), or of a component.
fn readers<'t>(
    templates: impl Iterator<Item = (&'t str, &'t str)>,
    reads_code: impl Fn(&str) -> bool,
) -> HashSet<String> {
    let code: HashMap<&str, String> = templates.map(|(n, t)| (n, code_of(t))).collect();
    let components: Vec<&str> = code
        .iter()
        .filter(|(_, c)| has_word(c, "component"))
        .map(|(n, _)| *n)
        .collect();
    let reads = |name: &str| -> bool {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut todo: Vec<&str> = vec![name];
        todo.extend(&components);
        while let Some(t) = todo.pop() {
            let Some((t, c)) = code.get_key_value(t) else {
                continue;
            };
            if !seen.insert(t) {
                continue;
            }
            if reads_code(c) {
                return true;
            }
            todo.extend(quoted(c).filter(|q| code.contains_key(q)));
        }
        false
    };
    code.keys()
        .filter(|n| reads(n))
        .map(|n| n.to_string())
        .collect()
}

/// The code of a template: what is inside `{{ … }}` (marked `=`) and `{% … %}`, one
/// line each (comments and text left out).
fn code_of(text: &str) -> String {
    let mut code = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let close = match after.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => {
                rest = after;
                continue;
            }
        };
        let body = &after[1..];
        let end = body.find(close).unwrap_or(body.len());
        // One line a tag; what is printed (`{{ … }}`) marked with `=`.
        if close == "}}" {
            code.push('=');
        }
        code.push_str(&body[..end].replace(['\n', '\r'], " "));
        code.push('\n');
        rest = &body[(end + close.len()).min(body.len())..];
    }
    code
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Each start of `word` in `code` as a whole word.
fn word_starts<'c>(code: &'c str, word: &'c str) -> impl Iterator<Item = usize> + 'c {
    code.match_indices(word).map(|(i, _)| i).filter(move |&i| {
        let before = code.as_bytes().get(i.wrapping_sub(1)).copied();
        let after = code.as_bytes().get(i + word.len()).copied();
        !before.is_some_and(is_word_byte) && !after.is_some_and(is_word_byte)
    })
}

fn has_word(code: &str, word: &str) -> bool {
    word_starts(code, word).next().is_some()
}

/// `site` used as a whole value (`site | …`, `{% set s = site %}`), not only `site.x`.
fn shows_site_whole(code: &str) -> bool {
    word_starts(code, "site").any(|i| !code[i + 4..].trim_start().starts_with('.'))
}

/// `{{ x }}` or `{{ page.next_for[0].role }}`: a value printed whole, which shows every
/// field of a map. A bare name may hold anything (`{% set r = site.roles[0] %}`); a path
/// shows a whole map when it ends in a term's name.
fn prints_a_whole_value(code: &str) -> bool {
    code.lines()
        .filter_map(|l| l.strip_prefix('='))
        .any(|expr| {
            let expr = expr.trim().trim_matches('-').trim();
            let expr = expr.split('|').next().unwrap_or("").trim();
            let is_path = !expr.is_empty()
                && expr
                    .bytes()
                    .all(|b| is_word_byte(b) || matches!(b, b'.' | b'[' | b']'));
            if !is_path || expr.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
                return false;
            }
            let last = expr.rsplit('.').next().unwrap_or(expr);
            let last = last.split('[').next().unwrap_or(last);
            // `site.links` and `site.t` hold texts only, whatever their fields are named.
            let texts = ["site.links.", "site.t."]
                .iter()
                .any(|p| expr.starts_with(p));
            !expr.contains('.') || (TERM_NAMES.contains(&last) && !texts)
        })
}

/// `{% for key, value in map %}`: a loop over every field of a map.
fn loops_over_fields(code: &str) -> bool {
    code.lines().any(|stmt| {
        let stmt = stmt.trim().trim_start_matches('-').trim();
        stmt.strip_prefix("for ")
            .and_then(|rest| rest.split(" in ").next())
            .is_some_and(|vars| vars.contains(','))
    })
}

/// The string literals of `code`.
fn quoted(code: &str) -> impl Iterator<Item = &str> {
    let mut rest = code;
    std::iter::from_fn(move || {
        let start = rest.find(['"', '\'', '`'])?;
        let quote = rest[start..].chars().next()?;
        let after = &rest[start + 1..];
        let end = after.find(quote)?;
        rest = &after[end + 1..];
        Some(&after[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readers(templates: &[(&str, &str)]) -> Vec<String> {
        let mut v: Vec<String> = count_readers(templates.iter().copied())
            .into_iter()
            .collect();
        v.sort();
        v
    }

    #[test]
    fn templates_that_may_show_a_count() {
        let base = (
            "base.html",
            "<nav>{% for r in site.roles %}<a href=\"{{ r.url }}\">{{ r.name }}</a>{% endfor %}</nav>{% block main %}{% endblock %}",
        );
        type Row<'r> = (&'r str, &'r [(&'r str, &'r str)], &'r [&'r str]);
        let rows: &[Row] = &[
            ("fields other than counts", &[base], &[]),
            (
                "a term's count",
                &[
                    base,
                    (
                        "roles.html",
                        "{% extends \"base.html\" %}{% for r in site.roles %}{{ r.count }}{% endfor %}",
                    ),
                ],
                &["roles.html"],
            ),
            (
                "through a parent",
                &[
                    ("b.html", "{{ site.article_count }}"),
                    ("p.html", "{% extends \"b.html\" %}"),
                ],
                &["b.html", "p.html"],
            ),
            (
                "through an include",
                &[
                    ("i.html", "{{ s.count }}"),
                    ("p.html", "{% include 'i.html' %}"),
                ],
                &["i.html", "p.html"],
            ),
            (
                "word_count is not a count",
                &[("a.html", "{{ page.word_count }}")],
                &[],
            ),
            (
                "count in text is not code",
                &[("a.html", "<p>Count on us</p>{{ page.title }}")],
                &[],
            ),
            (
                "site whole",
                &[("a.html", "{{ site | json_encode }}")],
                &["a.html"],
            ),
            (
                "site set aside",
                &[("a.html", "{% set s = site %}{{ s.title }}")],
                &["a.html"],
            ),
            (
                "a term printed whole",
                &[(
                    "a.html",
                    "{% for n in page.next_for %}{{ n.role }}{% endfor %}",
                )],
                &["a.html"],
            ),
            (
                "terms printed whole",
                &[("a.html", "{{ site.roles }}")],
                &["a.html"],
            ),
            (
                "a name that may hold a term",
                &[("a.html", "{% set r = site.roles | first %}{{ r }}")],
                &["a.html"],
            ),
            (
                "a loop over a map's fields",
                &[("a.html", "{% for k, v in page.stage %}{{ k }}{% endfor %}")],
                &["a.html"],
            ),
            (
                "a filter that shows a value whole",
                &[("a.html", "{{ page.stage | str }}")],
                &["a.html"],
            ),
            (
                "the site's links and interface strings are texts, whatever their names",
                &[(
                    "a.html",
                    "<a href=\"{{ site.links.industries }}\">{{ site.t.industries }}</a>",
                )],
                &[],
            ),
            (
                "statements and fields are not values printed whole",
                &[(
                    "a.html",
                    "{% if page.stage %}{{- page.stage.name -}}{% endif %}{% block x %}{% endblock %}",
                )],
                &[],
            ),
            (
                "a component may be used anywhere",
                &[
                    (
                        "c.html",
                        "{% component tile(t) %}{{ t.count }}{% endcomponent %}",
                    ),
                    ("a.html", "{{ page.title }}"),
                ],
                &["a.html", "c.html"],
            ),
        ];
        for (what, templates, expected) in rows {
            assert_eq!(readers(templates), *expected, "{what}");
        }
    }
}
