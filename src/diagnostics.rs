//! Content diagnostics: a problem in a user's file, located by path, line and
//! column, with the offending line and a hint. Every pipeline stage collects
//! these instead of stopping at the first one; the CLI prints them all.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Warning => "warning",
            Level::Error => "error",
        })
    }
}

/// Declares [`Code`]: each variant with its stable text.
macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $text:literal,)*) => {
        /// What kind of problem a diagnostic is: stable, for tools to match on, and each
        /// documented in `docs/diagnostics.md` (a test checks both ways).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order of `docs/diagnostics.md`.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The code as written in messages, JSON and the docs: `unknown-role`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    /// `site.toml` cannot be read
    ConfigMissing = "config-missing",
    /// `base_url` (or `--base-url`, reported at `--base-url`) is empty, not an absolute `http(s)://` URL with a host, or has credentials (`user@`), a query, a fragment or whitespace
    ConfigBaseUrl = "config-base-url",
    /// a stage, role or industry id is declared twice or is not a URL-safe slug, or a list is empty
    ConfigVocabulary = "config-vocabulary",
    /// TOML or YAML syntax error, an unknown key (with the nearest valid key), a missing required key, a value of the wrong type, or a control character (such as `\u0000`) in a front-matter text value, in `site.toml` or in front matter
    Syntax = "syntax",
    /// `theme` is not a plain folder name (a path such as `../x` or `/srv/theme`, or a name starting with `.`)
    ConfigTheme = "config-theme",
    /// `theme` names a folder that is not in `themes/`
    ThemeMissing = "theme-missing",
    /// `language` or a `[languages.<code>]` is not a language code (`cn` for `zh`), a translated term is not declared, or the default language is given translated names
    ConfigLanguage = "config-language",
    /// an `i18n/<code>.toml` is not valid TOML, has a key the theme does not use, or a `[claims]` table that lacks a template
    I18n = "i18n",
    /// a declared language lacks interface strings or claim phrasing (shown in English until added)
    I18nMissing = "i18n-missing",
    /// `[images]` has an empty `widths` list, a width outside 16–8192 pixels, a format cairn does not write (or `avif` without the `avif` feature), or a quality outside 1–100
    ConfigImages = "config-images",
    /// a file or folder cannot be read
    Io = "io",
    /// `image` without `image_alt` (or `image_alt` without `image`) in front matter
    ImageAlt = "image-alt",
    /// `image` names a file the site does not have, or a path outside the site
    ImageMissing = "image-missing",
    /// an image a page shows (its `image`, or one in its body) is not a JPEG, PNG, WebP or GIF cairn can read, or cannot be decoded
    ImageUnreadable = "image-unreadable",
    /// a photo a page shows carries the place it was taken (EXIF GPS coordinates), and is published as it is — a warning
    ImageLocation = "image-location",
    /// a file name's language part (`x.zh-cn.md`) names a language site.toml does not declare
    LanguageUndeclared = "language-undeclared",
    /// a translation sets what it shares with the page it translates (`stage`, `date`, a metric's figures), or names a metric that page lacks
    TranslationKey = "translation-key",
    /// a `.md` file or a file of `data/` is not UTF-8 text (or holds binary data)
    Encoding = "encoding",
    /// the file does not start with `+++` or `---`, or the block is never closed
    FrontMatter = "front-matter",
    /// a required key is missing: `title` (all pages), `date` and `stage` (articles), `customer` (case studies)
    MissingKey = "missing-key",
    /// `stage` is not in the site's stages
    UnknownStage = "unknown-stage",
    /// a value in `roles` is neither a role id nor an alias
    UnknownRole = "unknown-role",
    /// a value in `industries` is not declared (when `[[industries]]` is declared)
    UnknownIndustry = "unknown-industry",
    /// `stage`, `roles` or `industries` on a page outside `articles/` and `case-studies/`
    NotOnJourney = "not-on-journey",
    /// `customer`, `metrics`, `metrics_from`, `quotes`, `featured`, `approved` or `approval` outside `case-studies/`
    CaseStudyKey = "case-study-key",
    /// the file name or `slug` has no letters or digits to make a URL from, or makes a URL name longer than 255 bytes (no file system can hold its folder)
    BadSlug = "bad-slug",
    /// a symbolic link in `content/`, `static/`, `data/` or a theme leads outside the site folder (or nowhere); nothing from outside the site is published
    LinkOutsideSite = "link-outside-site",
    /// a symbolic link leads to a hidden file or folder of the site (`.git`, `.env`), or to the output folder (or a folder holding it)
    LinkHidden = "link-hidden",
    /// a file in `static/` (or beside the content) and a page would be published at the same path, or two files of `static/` differ only in case
    OutputCollision = "output-collision",
    /// two pages produce the same URL (both files are named)
    UrlDuplicate = "url-duplicate",
    /// a page would take a URL cairn generates (`/proof/`, `/roles/…`)
    UrlTaken = "url-taken",
    /// an alias is not a path from the site's root (`/blog/old-post/`): no leading `/`, the home page, a character a URL path cannot hold as it is, an empty, `.` or `..` part, a hidden part (`/.git/`), or a file that is not a page (`/style.css`)
    AliasInvalid = "alias-invalid",
    /// an alias is already a page's URL, a URL cairn generates, a file's path, or another page's alias (both are named)
    AliasTaken = "alias-taken",
    /// a file of `data/` is not valid JSON, TOML or CSV (a row with more or fewer cells than the header, a header column without a name or named twice)
    DataInvalid = "data-invalid",
    /// two files of `data/` would have the same name in templates: `rates.csv` and `rates.json`, or `finance.json` and the folder `finance/`
    DataName = "data-name",
    /// a metric has no `source`, no or a wrong `better`, a duplicate or non-slug `id`, or a figure that is not a number; in a metrics CSV, also a cell that cannot be read (`before` = `abc`), at its line and column
    MetricInvalid = "metric-invalid",
    /// `metrics_from` leads out of `data/` (`..`, an absolute path), names no file of `data/` (with the nearest name) or not a `.csv`, or the case study also has `[[metrics]]`
    MetricsFrom = "metrics-from",
    /// the header of a metrics CSV has a column that is not a key of `[[metrics]]` (with the nearest one), or lacks a required one (`id`, `label`, `before`, `after`)
    MetricsColumn = "metrics-column",
    /// an approval or review date that cannot hold: `approval` other than `"pending"`, both `approved` and `approval`, or `review_by` before `as_of`
    EvidenceInvalid = "evidence-invalid",
    /// a published metric or quote is past its `review_by` date — a warning in `build`, an error in `check` and in `build --strict`
    EvidenceOverdue = "evidence-overdue",
    /// the `claim` shortcode lacks `case` or `metric`, or has an unknown argument, `form` or `precision`
    ClaimSyntax = "claim-syntax",
    /// no case study has that slug, or the one that has it has errors of its own
    ClaimUnknownCase = "claim-unknown-case",
    /// the case study is a draft or dated in the future: a claim cites only evidence the site publishes
    ClaimDraftCase = "claim-draft-case",
    /// the case study waits for the customer's approval (`approval = "pending"`, or an `approved` date still to come), so the site does not publish it
    ClaimPendingCase = "claim-pending-case",
    /// the case study has no metric with that id (its ids are listed)
    ClaimUnknownMetric = "claim-unknown-metric",
    /// the metric supports no claim: it did not improve in its `better` direction, `before` is 0 for a percentage, a figure is negative, or a multiple of 0
    ClaimInvalid = "claim-invalid",
    /// prose states a percentage change ("cut costs by 30%", "降低了30%", "vähensi 30 %") without a claim shortcode — a warning in `build`, an error in `check`
    UnsourcedClaim = "unsourced-claim",
    /// a link to a `.md` file, an asset or a site URL that does not exist, or that leaves `content/`
    LinkBroken = "link-broken",
    /// a link to a page that is a draft or dated in the future
    LinkDraft = "link-draft",
    /// a link to `#heading` that the target page does not have
    LinkAnchor = "link-anchor",
    /// a `{{ … }}` that is not a well-formed shortcode call, or never closed
    ShortcodeSyntax = "shortcode-syntax",
    /// no `templates/shortcodes/<name>.html` in the site or theme
    ShortcodeUnknown = "shortcode-unknown",
    /// the shortcode's template failed with these arguments
    ShortcodeRender = "shortcode-render",
    /// with `safe_html = true`, a link, image or URL argument of a shortcode (`url`, `href`, `src`, `link`, `image`, `poster`, `cite`, `action`, `*_url`, `*_href`, `*_src`) uses a scheme other than http, https, mailto or tel (`javascript:`, `data:`, `vbscript:`, …); it was removed — a warning
    UnsafeUrl = "unsafe-url",
    /// a Tera syntax error, or an error while rendering (an undefined variable, a wrong type)
    Template = "template",
    /// a listing template (`articles.html`, `stage.html`, `industry.html`) of the theme does not use `paginator` while a listing has more than `per_page` cards: its later pages are linked from nowhere — a warning
    PaginationUnlinked = "pagination-unlinked",
    /// a template the renderer needs is missing from the theme
    TemplateMissing = "template-missing",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path as the user knows it: relative to the site root (`content/articles/x.md`).
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    pub level: Level,
    /// Stable machine-readable code, documented in `docs/diagnostics.md`.
    pub code: Code,
    pub message: String,
    /// What to do about it; empty when there is nothing useful to add.
    pub hint: String,
    /// The offending source line, without its line ending; a long line is cut to an
    /// excerpt of about [`EXCERPT_CHARS`] characters around the column, with `…` where cut.
    pub source_line: String,
    /// 1-based column of the problem within `source_line` (differs from `col` when the
    /// line is cut); 0 when unknown.
    #[serde(skip)]
    pub excerpt_col: usize,
}

impl Diagnostic {
    pub fn error(code: Code, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: 0,
            col: 0,
            level: Level::Error,
            code,
            message: message.into(),
            hint: String::new(),
            source_line: String::new(),
            excerpt_col: 0,
        }
    }

    pub fn warning(code: Code, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(code, path, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    /// Locate the diagnostic at byte `offset` of the file's full `text`. This scans the
    /// text up to `offset`: for many diagnostics in one file, use a [`Locator`].
    pub fn at(self, text: &str, offset: usize) -> Self {
        let offset = floor_char_boundary(text, offset);
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        let col = text[line_start..offset].chars().count() + 1;
        self.placed(text, line, col, line_start, offset)
    }

    /// Locate the diagnostic at byte `offset` of the text `locator` indexes.
    pub fn located(self, locator: &Locator, offset: usize) -> Self {
        locator.locate(self, offset)
    }

    /// Locate the diagnostic at a known 1-based line and column of `text`.
    pub fn at_line_col(self, text: &str, line: usize, col: usize) -> Self {
        let line_str = line_text(text, line);
        let line_start = line_str.as_ptr() as usize - text.as_ptr() as usize;
        let within = line_str
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line_str.len(), |(i, _)| i);
        self.placed(text, line, col, line_start, line_start + within)
    }

    /// Set line and column, and the excerpt of the line that starts at byte
    /// `line_start` around byte `offset`.
    fn placed(
        mut self,
        text: &str,
        line: usize,
        col: usize,
        line_start: usize,
        offset: usize,
    ) -> Self {
        // Look for the line's end only as far as an excerpt can reach (4 bytes a character).
        let reach = floor_char_boundary(text, offset + 4 * EXCERPT_CHARS + 8);
        let line_str = match text[offset..reach].find('\n') {
            Some(i) => text[line_start..offset + i].trim_end_matches('\r'),
            None if reach == text.len() => text[line_start..].trim_end_matches('\r'),
            None => &text[line_start..reach],
        };
        let (source_line, caret) = excerpt(line_str, offset - line_start);
        self.line = line;
        self.col = col;
        self.source_line = source_line;
        self.excerpt_col = if col == 0 { 0 } else { caret };
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = display_path(&self.path);
        match (self.line, self.col) {
            (0, _) => write!(f, "{path}: ")?,
            (l, 0) => write!(f, "{path}:{l}: ")?,
            (l, c) => write!(f, "{path}:{l}:{c}: ")?,
        }
        write!(f, "{}: {}", self.level, self.message)?;
        if !self.source_line.is_empty() {
            let gutter = self.line.to_string();
            write!(f, "\n {gutter} | {}", self.source_line)?;
            if self.col > 0 {
                let caret = if self.excerpt_col > 0 {
                    self.excerpt_col
                } else {
                    self.col
                };
                let pad: String = self
                    .source_line
                    .chars()
                    .take(caret - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n {} | {pad}^", " ".repeat(gutter.len()))?;
            }
        }
        if !self.hint.is_empty() {
            write!(f, "\n  = hint: {}", self.hint)?;
        }
        Ok(())
    }
}

/// Forward slashes on every platform, so messages and tests agree.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub col: usize,
}

impl Position {
    /// The position of byte `offset` in `text` (clamped to the text, snapped to a char boundary).
    pub fn of(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        Position { line, col }
    }
}

/// How many characters of a line a diagnostic quotes at most (plus `…` where cut):
/// output stays linear in the number of problems even when a paragraph is one huge line.
pub const EXCERPT_CHARS: usize = 120;

/// The largest char boundary of `text` at or before `offset` (clamped to the text).
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// At most [`EXCERPT_CHARS`] characters of `line` around byte `at` (snapped to a char
/// boundary), with `…` where the line is cut; and the 1-based column of `at` in the
/// excerpt. Work is bounded by the excerpt, not the line.
pub fn excerpt(line: &str, at: usize) -> (String, usize) {
    const BEFORE: usize = EXCERPT_CHARS / 2;
    let at = floor_char_boundary(line, at);
    // Up to BEFORE characters before `at`, then fill up to EXCERPT_CHARS after it.
    let mut start = at;
    let mut before = 0;
    for (i, _) in line[..at].char_indices().rev().take(BEFORE) {
        start = i;
        before += 1;
    }
    let mut end = at;
    let mut after = 0;
    for (i, c) in line[at..].char_indices().take(EXCERPT_CHARS - before) {
        end = at + i + c.len_utf8();
        after += 1;
    }
    // Near the end of the line: give the unused room to the text before.
    if before + after < EXCERPT_CHARS {
        for (i, _) in line[..start]
            .char_indices()
            .rev()
            .take(EXCERPT_CHARS - before - after)
        {
            start = i;
            before += 1;
        }
    }
    let cut_start = start > 0;
    let cut_end = end < line.len();
    let mut out = String::with_capacity(end - start + 6);
    if cut_start {
        out.push('…');
    }
    out.push_str(&line[start..end]);
    if cut_end {
        out.push('…');
    }
    (out, before + 1 + usize::from(cut_start))
}

/// Line and column lookups for many diagnostics in one file: an index of line starts
/// and of character counts, built once on first use, so that locating each diagnostic
/// costs O(log n) instead of a scan from the start of the file.
pub struct Locator<'a> {
    text: &'a str,
    index: std::sync::OnceLock<LineIndex>,
}

struct LineIndex {
    /// Byte offset of the start of every line.
    line_starts: Vec<usize>,
    /// Characters in `text[..k * BLOCK]` for every k (counting the bytes that start a character).
    chars_before_block: Vec<usize>,
}

const BLOCK: usize = 256;

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        Locator {
            text,
            index: std::sync::OnceLock::new(),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let mut line_starts = vec![0];
            line_starts.extend(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            );
            let mut chars_before_block = Vec::with_capacity(bytes.len() / BLOCK + 1);
            let mut count = 0;
            for block in bytes.chunks(BLOCK) {
                chars_before_block.push(count);
                count += block.iter().filter(|&&b| !is_continuation(b)).count();
            }
            chars_before_block.push(count);
            LineIndex {
                line_starts,
                chars_before_block,
            }
        })
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let k = offset / BLOCK;
        self.index().chars_before_block[k]
            + self.text.as_bytes()[k * BLOCK..offset]
                .iter()
                .filter(|&&b| !is_continuation(b))
                .count()
    }

    /// The position of byte `offset` (clamped to the text, snapped to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        self.place(offset).0
    }

    /// Position and line start of byte `offset`.
    fn place(&self, offset: usize) -> (Position, usize, usize) {
        let offset = floor_char_boundary(self.text, offset);
        let starts = &self.index().line_starts;
        let line = starts.partition_point(|&s| s <= offset);
        let line_start = starts[line - 1];
        let col = self.chars_before(offset) - self.chars_before(line_start) + 1;
        (Position { line, col }, line_start, offset)
    }

    /// Locate `d` at byte `offset` of the text, as [`Diagnostic::at`] does.
    pub fn locate(&self, d: Diagnostic, offset: usize) -> Diagnostic {
        let (pos, line_start, offset) = self.place(offset);
        d.placed(self.text, pos.line, pos.col, line_start, offset)
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// The text of 1-based `line`, without `\n` or `\r\n`.
pub fn line_text(text: &str, line: usize) -> &str {
    text.split('\n')
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .trim_end_matches('\r')
}

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "did you mean `x`?" or a list of what is valid when nothing is close.
pub fn suggestion(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("expected one of: {}", candidates.join(", ")),
    }
}

/// Sort for stable output: by path, then position, errors before warnings on a tie.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.col, std::cmp::Reverse(a.level)).cmp(&(
            &b.path,
            b.line,
            b.col,
            std::cmp::Reverse(b.level),
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\nçd\r\nef";
        assert_eq!(Position::of(text, 0), Position { line: 1, col: 1 });
        assert_eq!(Position::of(text, 3), Position { line: 2, col: 1 });
        // 'ç' is two bytes: 'd' is the second character.
        assert_eq!(Position::of(text, 5), Position { line: 2, col: 2 });
        assert_eq!(Position::of(text, 8), Position { line: 3, col: 1 });
        // Past the end and inside a character are clamped, not panics.
        assert_eq!(Position::of(text, 999), Position { line: 3, col: 3 });
        assert_eq!(Position::of(text, 4), Position { line: 2, col: 1 });
        assert_eq!(line_text(text, 2), "çd");
    }

    #[test]
    fn suggestions_pick_the_nearest_or_list_all() {
        let roles = ["initiator", "user", "influencer", "decider"];
        assert_eq!(suggestion("decison", &roles), "did you mean `decider`?");
        assert_eq!(
            suggestion("influncer", &roles),
            "did you mean `influencer`?"
        );
        assert_eq!(
            suggestion("zzzz", &roles),
            "expected one of: initiator, user, influencer, decider"
        );
    }

    #[test]
    fn excerpts_cut_long_lines_around_the_column() {
        let long: String = (0..300)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let x60 = "x".repeat(60);
        let tabbed = format!("\tab{}", "x".repeat(200));
        let cases: &[(&str, usize, &str, usize)] = &[
            // (line, byte offset, excerpt, caret column in the excerpt)
            ("short line", 6, "short line", 7),
            ("", 0, "", 1),
            (&long, 0, &format!("{}…", &long[..120]), 1),
            (&long, 10, &format!("{}…", &long[..120]), 11),
            (&long, 150, &format!("…{}…", &long[90..210]), 62),
            (&long, 299, &format!("…{}", &long[180..]), 121),
            (&long, 300, &format!("…{}", &long[180..]), 122),
            // Multi-byte characters count as one each; the caret stays on the character.
            (
                &format!("{}é{x60}", "ü".repeat(100)),
                200,
                &format!("…{}é{}…", "ü".repeat(60), &x60[..59]),
                62,
            ),
            // Tabs are kept, so the caret line can copy them.
            (&tabbed, 2, &format!("{}…", &tabbed[..120]), 3),
        ];
        for (line, at, want, caret) in cases {
            assert_eq!(
                excerpt(line, *at),
                (want.to_string(), *caret),
                "{line:?} at {at}"
            );
        }
    }

    #[test]
    fn carets_point_into_the_excerpt_of_a_long_line() {
        let text = format!(
            "+++\n+++\n{}é cut costs by 30% {}\n",
            "ab ".repeat(200),
            "yz ".repeat(100)
        );
        let offset = text.find("cut").unwrap();
        let d = Diagnostic::warning(Code::UnsourcedClaim, "content/a.md", "unsourced claim")
            .at(&text, offset);
        let located = Locator::new(&text).locate(
            Diagnostic::warning(Code::UnsourcedClaim, "content/a.md", "unsourced claim"),
            offset,
        );
        assert_eq!(d, located);
        assert_eq!((d.line, d.col), (3, 603));
        assert_eq!(d.source_line.chars().count(), 122);
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        let caret = lines[2].find('^').unwrap();
        let under: String = lines[1].chars().skip(caret).take(3).collect();
        assert_eq!(under, "cut", "{shown}");
    }

    #[test]
    fn locator_positions_match_a_scan_from_the_start() {
        let text = "ab\nçd\r\nef\n".to_string() + &"日本語 ".repeat(300) + "\nend";
        let locator = Locator::new(&text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                locator.position(offset),
                Position::of(&text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn renders_location_source_line_caret_and_hint() {
        let text = "+++\nroles = [\"decison\"]\n+++\n";
        let d = Diagnostic::error(Code::UnknownRole, "content/a.md", "unknown role `decison`")
            .at(text, 14)
            .with_hint("did you mean `decider`?");
        assert_eq!(
            d.to_string(),
            "content/a.md:2:11: error: unknown role `decison`\n 2 | roles = [\"decison\"]\n   |           ^\n  = hint: did you mean `decider`?"
        );
    }
}
