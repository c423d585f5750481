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
    pub code: &'static str,
    pub message: String,
    /// What to do about it; empty when there is nothing useful to add.
    pub hint: String,
    /// The offending source line, without its line ending.
    pub source_line: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: 0,
            col: 0,
            level: Level::Error,
            code,
            message: message.into(),
            hint: String::new(),
            source_line: String::new(),
        }
    }

    pub fn warning(
        code: &'static str,
        path: impl Into<PathBuf>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(code, path, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    /// Locate the diagnostic at byte `offset` of the file's full `text`.
    pub fn at(mut self, text: &str, offset: usize) -> Self {
        let pos = Position::of(text, offset);
        self.line = pos.line;
        self.col = pos.col;
        self.source_line = line_text(text, pos.line).to_string();
        self
    }

    /// Locate the diagnostic at a known 1-based line and column of `text`.
    pub fn at_line_col(mut self, text: &str, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        self.source_line = line_text(text, line).to_string();
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
                let pad: String = self
                    .source_line
                    .chars()
                    .take(self.col - 1)
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
    fn renders_location_source_line_caret_and_hint() {
        let text = "+++\nroles = [\"decison\"]\n+++\n";
        let d = Diagnostic::error("unknown-role", "content/a.md", "unknown role `decison`")
            .at(text, 14)
            .with_hint("did you mean `decider`?");
        assert_eq!(
            d.to_string(),
            "content/a.md:2:11: error: unknown role `decison`\n 2 | roles = [\"decison\"]\n   |           ^\n  = hint: did you mean `decider`?"
        );
    }
}
