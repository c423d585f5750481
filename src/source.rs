//! Reading `content/` and `static/`: which files are pages and which are
//! assets, their text (UTF-8, BOM removed), and the split of front matter from
//! body with the byte offsets diagnostics need. Knows files, not business rules.
//!
//! What is published is decided here: hidden files and folders (a name starting
//! with `.`, such as `.git` or `.env`) never are, except `.well-known/`; a
//! symbolic link is followed only when its target is inside the site folder,
//! and one that leads out of it is an error.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::Code;
use crate::diagnostics::Diagnostic;

pub const CONTENT_DIR: &str = "content";
pub const STATIC_DIR: &str = "static";

/// The one hidden folder that is published: RFC 8615 well-known URIs.
const WELL_KNOWN: &str = ".well-known";

/// A Markdown file under `content/`, read into memory.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, for messages: `content/articles/x.md`.
    pub path: PathBuf,
    /// Relative to `content/`, forward slashes: `articles/x.md`.
    pub content_path: String,
    /// The file's text without a byte-order mark (shared: a serve session keeps it between builds).
    pub text: Arc<str>,
}

/// A non-Markdown file under `content/`, copied to the same relative path in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub source: PathBuf,
    /// Relative to `content/`, forward slashes.
    pub content_path: String,
}

/// What `scan` found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Shared: a serve session keeps them between builds.
    pub pages: Vec<Arc<SourceFile>>,
    pub assets: Vec<Asset>,
    /// Files of `static/`, copied to the same path in the output (`content_path` is relative to `static/`).
    pub statics: Vec<Asset>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Files editors and OSes leave behind; never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913" // vim's write test file
        || name == "Thumbs.db"
}

/// Whether a file or folder of that name is published: not hidden, not an editor's leftover.
pub fn is_published_name(name: &str) -> bool {
    name == WELL_KNOWN || !is_ignored_name(name)
}

/// The site's own folders: what is published comes from them, and no output may be in one.
pub const SITE_FOLDERS: [&str; 6] = ["content", "static", "templates", "themes", "data", "i18n"];

/// Resolve `path` like `canonicalize`, also when its last parts do not exist yet:
/// symbolic links and `..` of the existing part are resolved, the rest is taken as written.
pub fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    use std::path::Component;
    let abs = std::path::absolute(path)?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if std::fs::symlink_metadata(&out).is_ok() {
                    out = out.canonicalize()?;
                }
            }
        }
    }
    Ok(out)
}

/// Why the symbolic link at `link` may not be followed: its target (resolved) must be
/// inside the site folder `site`, not hidden there (`.git`, `.env`; `.well-known` is
/// fine), and neither inside the output folder nor holding it.
fn link_problem(
    site: &Path,
    output: Option<&Path>,
    link: &Path,
) -> Option<(Code, String, &'static str)> {
    let to = match std::fs::read_link(link) {
        Ok(t) => t.display().to_string(),
        Err(_) => "?".into(),
    };
    let Ok(target) = link.canonicalize() else {
        return Some((
            Code::LinkOutsideSite,
            format!("symbolic link to `{to}`, which does not exist"),
            "remove the link, or point it at a file of the site",
        ));
    };
    let Ok(inside) = target.strip_prefix(site) else {
        return Some((
            Code::LinkOutsideSite,
            format!(
                "symbolic link to `{to}`, outside the site folder: cairn publishes nothing from outside the site"
            ),
            "copy the file into the site instead of linking to it",
        ));
    };
    if inside
        .components()
        .any(|c| !is_published_name(&c.as_os_str().to_string_lossy()))
    {
        return Some((
            Code::LinkHidden,
            format!(
                "symbolic link to `{to}`, a hidden file or folder of the site: cairn never publishes hidden files"
            ),
            "link to a file whose path has no name starting with `.`, or copy it in under another name",
        ));
    }
    if output.is_some_and(|o| target.starts_with(o) || o.starts_with(&target)) {
        return Some((
            Code::LinkHidden,
            format!(
                "symbolic link to `{to}`, which is or holds the output folder: the site would publish its own output"
            ),
            "remove the link",
        ));
    }
    None
}

/// The files under `<root>/<folder>` that may be published, sorted by path, with the
/// problems found: unreadable entries, links that lead out of the site, to hidden files
/// or to the output folder (`output`, resolved, when known).
pub fn walk(root: &Path, folder: &str, output: Option<&Path>) -> (Vec<Asset>, Vec<Diagnostic>) {
    let dir = root.join(folder);
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    if !dir.is_dir() {
        return (files, diagnostics);
    }
    let site = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut walker = WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || is_published_name(&e.file_name().to_string_lossy()));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| folder.into());
                diagnostics.push(Diagnostic::error(
                    Code::Io,
                    path,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        let problem = entry
            .path_is_symlink()
            .then(|| link_problem(&site, output, entry.path()))
            .flatten();
        if let Some((code, message, hint)) = problem {
            diagnostics.push(
                Diagnostic::error(code, relative(root, entry.path()), message).with_hint(hint),
            );
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = relative(&dir, entry.path());
        files.push(Asset {
            content_path: rel.to_string_lossy().replace('\\', "/"),
            source: entry.into_path(),
        });
    }
    (files, diagnostics)
}

/// Whether the content file at `content_path`, or a folder on its way from `content/`, is a
/// symbolic link (then only a full [`scan`] may read it, which checks where it leads).
pub fn is_linked(root: &Path, content_path: &str) -> bool {
    let mut path = root.join(CONTENT_DIR);
    content_path.split('/').any(|part| {
        path.push(part);
        std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
    })
}

/// Walk `<root>/content` and `<root>/static`, and read every Markdown file (in parallel).
/// `output` is the output folder (resolved), which no link may lead into.
pub fn scan(root: &Path, output: Option<&Path>) -> Scan {
    let mut scan = Scan::default();
    let (statics, problems) = walk(root, STATIC_DIR, output);
    scan.statics = statics;
    scan.diagnostics = problems;
    let (files, problems) = walk(root, CONTENT_DIR, output);
    scan.diagnostics.extend(problems);
    let mut md = Vec::new();
    for file in files {
        if file.source.extension().is_some_and(|x| x == "md") {
            md.push((file.source, file.content_path));
        } else {
            scan.assets.push(file);
        }
    }
    let read: Vec<Result<Arc<SourceFile>, Diagnostic>> = md
        .into_par_iter()
        .map(|(abs, content_path)| read_source(root, &abs, content_path).map(Arc::new))
        .collect();
    for r in read {
        match r {
            Ok(f) => scan.pages.push(f),
            Err(d) => scan.diagnostics.push(d),
        }
    }
    // One order for every way of reading the site (a serve session reads only changed files).
    scan.pages
        .sort_by(|a, b| a.content_path.cmp(&b.content_path));
    scan
}

/// Files that would land on the same output path: a static file or an asset beside the
/// content where a page goes, or where a page needs a folder (`pages` are `(URL, what makes
/// it)`: a source path, or words for a page cairn generates), and files of `static/` whose
/// paths differ only in case (a case-insensitive host serves one of them for both).
pub fn collisions<'a>(
    statics: &[Asset],
    assets: &[Asset],
    pages: impl Iterator<Item = (&'a str, Maker<'a>)>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if statics.is_empty() && assets.is_empty() {
        return diagnostics;
    }
    let files = statics
        .iter()
        .map(|a| (a, STATIC_DIR))
        .chain(assets.iter().map(|a| (a, CONTENT_DIR)));
    let outputs = PageOutputs::of(pages);
    let mut by_lower: std::collections::HashMap<String, String> = Default::default();
    for (file, folder) in files {
        let shown = format!("{folder}/{}", file.content_path);
        diagnostics.extend(outputs.collisions(&shown, &file.content_path));
        diagnostics.extend(case_collision(
            &mut by_lower,
            shown,
            &file.content_path,
            folder,
        ));
    }
    diagnostics
}

/// Where pages are written, for [`collisions`].
struct PageOutputs<'a> {
    /// Output file path (`articles/b/index.html`) → what makes the page there.
    files: std::collections::HashMap<String, Maker<'a>>,
    /// The folders pages are written in (`articles` and `articles/b` for /articles/b/)
    /// → the page named after it, else the first page inside it.
    folders: std::collections::HashMap<&'a str, Maker<'a>>,
}

/// What makes a page, named only in an error.
#[derive(Debug, Clone, Copy)]
pub enum Maker<'a> {
    /// A Markdown file (its path relative to the site).
    File(&'a Path),
    /// cairn, at this URL.
    Generated(&'a str),
}

impl std::fmt::Display for Maker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Maker::File(path) => f.write_str(&crate::diagnostics::display_path(path)),
            Maker::Generated(url) => write!(f, "the page cairn generates at {url}"),
        }
    }
}

impl<'a> PageOutputs<'a> {
    /// Takes `(URL, what makes it)` of every page; gives the files and folders they occupy.
    fn of(pages: impl Iterator<Item = (&'a str, Maker<'a>)>) -> PageOutputs<'a> {
        let mut files: std::collections::HashMap<String, Maker> = Default::default();
        let mut folders: std::collections::HashMap<&str, Maker> = Default::default();
        for (url, page) in pages {
            // A folder is named after the page whose URL it is, else the first page inside it.
            let own = crate::urls::output_folder(url);
            folders.insert(own, page);
            let mut dir = own.rsplit_once('/').map_or("", |(parent, _)| parent);
            while !dir.is_empty() {
                folders.entry(dir).or_insert(page);
                dir = dir.rsplit_once('/').map_or("", |(parent, _)| parent);
            }
            files.insert(crate::urls::output_file(url), page);
        }
        PageOutputs { files, folders }
    }

    /// Takes a copied file (`shown` as `static/x`, `path` relative to the output); gives an
    /// error where a page needs that path as a folder, and one where a page is written there.
    fn collisions(&self, shown: &str, path: &str) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        if let Some(page) = self.folders.get(path) {
            diagnostics.push(
                Diagnostic::error(
                    Code::OutputCollision,
                    shown.to_string(),
                    format!("{shown} is a file where {page} needs the folder /{path}/"),
                )
                .with_hint("rename or remove one of them"),
            );
        }
        if let Some(page) = self.files.get(path) {
            diagnostics.push(
                Diagnostic::error(
                    Code::OutputCollision,
                    shown.to_string(),
                    format!("{shown} and {page} are both published at /{path}"),
                )
                .with_hint("rename or remove one of them"),
            );
        }
        diagnostics
    }
}

/// Takes the files seen so far by lower-cased output path, and the next file (`shown` as
/// `static/x`, `path` relative to the output, `folder` it is in); records it and gives an
/// error when it is a file of `static/` whose path differs only in case from an earlier one.
fn case_collision(
    by_lower: &mut std::collections::HashMap<String, String>,
    shown: String,
    path: &str,
    folder: &str,
) -> Option<Diagnostic> {
    match by_lower.entry(path.to_lowercase()) {
        std::collections::hash_map::Entry::Occupied(other) if folder == STATIC_DIR => Some(
            Diagnostic::error(
                Code::OutputCollision,
                shown.clone(),
                format!("{shown} and {} differ only in case: a case-insensitive host serves one of them for both", other.get()),
            )
            .with_hint("rename one of them"),
        ),
        std::collections::hash_map::Entry::Occupied(_) => None,
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(shown);
            None
        }
    }
}

fn relative(base: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(base).unwrap_or(path).to_path_buf()
}

/// Read one Markdown file; invalid UTF-8 and binary data are diagnostics, not panics.
pub fn read_source(
    root: &Path,
    abs: &Path,
    content_path: String,
) -> Result<SourceFile, Diagnostic> {
    let path = relative(root, abs);
    let bytes = std::fs::read(abs)
        .map_err(|e| Diagnostic::error(Code::Io, path.clone(), format!("cannot read: {e}")))?;
    let text = decode(bytes).map_err(|(offset, valid)| {
        let line = valid.bytes().filter(|&b| b == b'\n').count() + 1;
        Diagnostic::error(
            Code::Encoding,
            path.clone(),
            format!("not a UTF-8 text file (invalid or binary data at byte {offset})"),
        )
        .at_line_col(&valid, line, 0)
        .with_hint("save the file as UTF-8 text, or give a non-Markdown file another extension")
    })?;
    Ok(SourceFile {
        path,
        content_path,
        text: text.into(),
    })
}

/// UTF-8 text without BOM; on failure the offset of the first bad byte and the valid prefix.
pub(crate) fn decode(mut bytes: Vec<u8>) -> Result<String, (usize, String)> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err((nul, String::from_utf8_lossy(&bytes[..nul]).into_owned()));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        (at, String::from_utf8_lossy(&bytes[..at]).into_owned())
    })
}

/// The syntax of a front-matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Between `+++` lines.
    Toml,
    /// Between `---` lines.
    Yaml,
}

/// A page's text split into front matter and body, with offsets into the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Why front matter could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    pub offset: usize,
    pub message: String,
    pub hint: String,
}

/// Split `+++`/`---` front matter from the body. The opening line must be the first line.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, SplitError> {
    let first = text.split_inclusive('\n').next().unwrap_or("");
    let (format, fence) = match first.trim_end() {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ => {
            return Err(SplitError {
                offset: 0,
                message: "missing front matter".into(),
                hint: "start the file with a `+++` line, then `title = \"...\"`, then a closing `+++` line".into(),
            });
        }
    };
    let front_offset = first.len();
    let mut offset = front_offset;
    for line in text[front_offset..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == fence || (format == Format::Yaml && t == "...") {
            let body_offset = offset + line.len();
            return Ok(Split {
                format,
                front: &text[front_offset..offset],
                front_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(SplitError {
        offset: 0,
        message: format!("front matter opened with `{fence}` is never closed"),
        hint: format!("add a line with only `{fence}` after the last front-matter key"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_toml_and_yaml_with_offsets() {
        let text = "+++\ntitle = \"A\"\n+++\nBody\n";
        let s = split_front_matter(text).unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!(s.front, "title = \"A\"\n");
        assert_eq!(&text[s.front_offset..s.front_offset + 5], "title");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_offset, 20);

        let text = "---\r\ntitle: A\r\n---\r\nBody";
        let s = split_front_matter(text).unwrap();
        assert_eq!(s.format, Format::Yaml);
        assert_eq!(s.front, "title: A\r\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn empty_front_matter_and_empty_body() {
        let s = split_front_matter("+++\n+++").unwrap();
        assert_eq!(s.front, "");
        assert_eq!(s.body, "");
    }

    #[test]
    fn missing_or_unterminated_front_matter_is_an_error() {
        assert_eq!(
            split_front_matter("").unwrap_err().message,
            "missing front matter"
        );
        assert_eq!(
            split_front_matter("# Title\n").unwrap_err().message,
            "missing front matter"
        );
        assert_eq!(
            split_front_matter("+++\ntitle = \"x\"\n")
                .unwrap_err()
                .message,
            "front matter opened with `+++` is never closed"
        );
        // A `+++` later in the body does not count as an opening.
        assert!(split_front_matter("text\n+++\n").is_err());
    }

    #[test]
    fn decode_strips_bom_and_rejects_binary() {
        assert_eq!(decode(b"\xEF\xBB\xBF+++".to_vec()).unwrap(), "+++");
        assert_eq!(
            decode(b"ab\ncd\xFF".to_vec()).unwrap_err(),
            (5, "ab\ncd".to_string())
        );
        assert_eq!(decode(b"a\0b".to_vec()).unwrap_err().0, 1);
    }

    #[test]
    fn editor_files_are_ignored() {
        for name in [".x.md.swp", "x.md~", "#x.md#", ".DS_Store", "4913"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("x.md"));
    }
}
