//! Old URLs of pages (`aliases = ["/blog/old-url/"]`): each is checked where it is
//! written (phase 2) and against every other URL of the site (phase 3); the renderer
//! writes a page at each that redirects to the page, and a `_redirects` file.

use std::collections::{HashMap, HashSet};

use super::PageMeta;
use super::meta::{Front, MetaFile};
use crate::diagnostics::{Code, Diagnostic, display_path};
use crate::source::Asset;
use crate::urls;

/// Characters an alias may hold as they are: those of a URL path (RFC 3986), `%` for
/// escapes.
fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@%/".contains(c)
}

/// The aliases of a page, each as a root-relative path (`/blog/old-url/`, or
/// `/old.html` for a file); every one that cannot be a path of the site is an error.
pub(super) fn aliases_of(
    front: &Front,
    raw: &[String],
    errors: &mut Vec<Diagnostic>,
) -> Vec<(String, usize)> {
    let mut aliases = Vec::with_capacity(raw.len());
    for written in raw {
        let alias = written.trim();
        let problem = problem_of(alias);
        let at = front.at_value("aliases", written);
        match problem {
            Some((message, hint)) => errors.push(
                front
                    .err(Code::AliasInvalid, message)
                    .at(front.text(), at)
                    .with_hint(hint),
            ),
            None => aliases.push((normal(alias), at)),
        }
    }
    aliases
}

/// What is wrong with `alias` as a path of the site (message, hint), if anything.
fn problem_of(alias: &str) -> Option<(String, String)> {
    if !alias.starts_with('/') {
        Some((
            format!("alias `{alias}` is not a path from the site's root"),
            format!(
                "write it with a leading `/`: `/{}`",
                alias.trim_start_matches("./")
            ),
        ))
    } else if alias == "/" {
        Some((
            "the home page cannot be an alias".to_string(),
            "name the old URL of this page, e.g. `/blog/old-post/`".to_string(),
        ))
    } else if let Some(c) = alias.chars().find(|&c| !allowed(c)) {
        Some((
            format!("alias `{alias}` holds `{c}`, which a URL path cannot hold as it is"),
            "percent-encode it (a space is `%20`), or leave out a query (`?…`) or fragment (`#…`)"
                .to_string(),
        ))
    } else if alias
        .split('/')
        .skip(1)
        .any(|s| s == "." || s == ".." || (s.is_empty() && !alias.ends_with('/')))
        || alias.contains("//")
    {
        Some((
            format!("alias `{alias}` has an empty, `.` or `..` part"),
            "write the old URL's path as the browser shows it, e.g. `/blog/old-post/`".to_string(),
        ))
    } else if alias.split('/').any(|s| s.starts_with('.')) {
        Some((
                format!("alias `{alias}` has a hidden part (starting with `.`)"),
                "a redirect page is published where readers can reach it; hidden folders such as `.git` of the output are not cairn's to write into".to_string(),
            ))
    } else {
        file_extension(alias)
            .filter(|e| !PAGE_EXTENSIONS.contains(&e.as_str()))
            .map(|ext| {
                (
                    format!("alias `{alias}` names a `.{ext}` file, and a redirect page is HTML"),
                    format!(
                        "aliases are old page URLs: a folder (`/old-post/`) or a page file (.{})",
                        PAGE_EXTENSIONS.join(", .")
                    ),
                )
            })
    }
}

/// File extensions of old page URLs: a redirect page is HTML, so an alias can stand
/// for a page, never for a stylesheet, script or image (which the theme and `static/`
/// publish under such names).
const PAGE_EXTENSIONS: &[&str] = &["html", "htm", "shtml", "php", "asp", "aspx", "jsp", "cfm"];

/// The extension of the last part of `alias`, lowercased, when it names a file.
fn file_extension(alias: &str) -> Option<String> {
    let last = alias.rsplit('/').next().unwrap_or("");
    last.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
}

/// A folder path ends with `/` (`/old` → `/old/`); a file path (`/old.html`) is kept.
fn normal(alias: &str) -> String {
    let last = alias.rsplit('/').next().unwrap_or("");
    if alias.ends_with('/') || last.contains('.') {
        alias.to_string()
    } else {
        format!("{alias}/")
    }
}

/// Phase 3b. Takes every page's metadata, the URLs cairn generates and the files of
/// `static/` and beside the content; an alias of a published page on a page's URL, a
/// generated URL, a file's path or another page's alias is an error naming both.
pub(super) fn check(
    metas: &[MetaFile],
    generated: &HashSet<String>,
    (statics, assets): (&[Asset], &[Asset]),
    diagnostics: &mut Vec<Diagnostic>,
) {
    let published = || metas.iter().filter(|(m, _, _)| m.published);
    // Most sites have few old URLs, many none: no map of every page's URL for them.
    if published().all(|(m, _, _)| m.aliases.is_empty()) {
        return;
    }
    let pages: HashMap<&str, &PageMeta> = published()
        .map(|(m, _, _)| (m.url.as_str(), &**m))
        .collect();
    let files: HashMap<&str, String> = statics
        .iter()
        .map(|a| {
            (
                a.content_path.as_str(),
                format!("static/{}", a.content_path),
            )
        })
        .chain(assets.iter().map(|a| {
            (
                a.content_path.as_str(),
                format!("content/{}", a.content_path),
            )
        }))
        .collect();
    let taken = |alias: &str| -> Option<String> {
        if let Some(page) = pages.get(alias) {
            return Some(format!("the URL of {}", display_path(&page.path)));
        }
        if generated.contains(alias) {
            return Some("a URL cairn generates".to_string());
        }
        files
            .get(urls::output_file(alias).as_str())
            .map(|file| format!("the path of {file}"))
    };
    let mut seen: HashMap<&str, &PageMeta> = HashMap::new();
    for (meta, file, _) in published() {
        for (alias, at) in &meta.aliases {
            let other = match taken(alias) {
                Some(owner) => Some(owner),
                None => seen
                    .insert(alias, meta)
                    .map(|m| format!("an alias of {}", display_path(&m.path))),
            };
            if let Some(owner) = other {
                diagnostics.push(
                    Diagnostic::error(
                        Code::AliasTaken,
                        meta.path.clone(),
                        format!("alias {alias} is already {owner}"),
                    )
                    .at(&file.text, *at)
                    .with_hint("remove the alias; a URL can lead to one page only"),
                );
            }
        }
    }
}
