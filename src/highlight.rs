//! Syntax highlighting of fenced code, when `[markdown] highlight = true`: a small
//! lexer per family of languages wraps comments, strings, numbers, keywords, literals,
//! keys, tags and variables in `<span class="hl-…">`, and the theme gives each class its
//! colour (the default theme's rules are in `partials/highlight.html`, put in the page's
//! head only when highlighting is on, so that the output of other sites is unchanged).
//! No dependency and no `style` attributes (`safe_html` keeps the classes); the text of
//! the code is unchanged, only spans are added. A language it does not know is written
//! as without highlighting.
//!
//! The classes: `hl-comment`, `hl-string`, `hl-number`, `hl-keyword`, `hl-literal`
//! (`true`, `null`, …), `hl-key` (keys of JSON, YAML, TOML; CSS properties), `hl-tag`
//! (HTML and XML tags, TOML tables), `hl-attr` (HTML attributes), `hl-variable`
//! (`$NAME` in shells).

/// How one family of languages is read.
struct Lang {
    line_comments: &'static [&'static str],
    block_comment: Option<(&'static str, &'static str)>,
    /// String delimiters; `'` is a string only when it closes on the same line.
    quotes: &'static [char],
    /// `"""` and `'''` strings (Python).
    triple: bool,
    keywords: &'static [&'static str],
    literals: &'static [&'static str],
    case_insensitive: bool,
    keys: Keys,
    /// `$NAME`, `${NAME}` (shells).
    variables: bool,
    /// `#` starts a comment only at a word's start (shells: `a#b` is a word).
    hash_at_word_start: bool,
    /// `'a` not closed right after is a lifetime, not a string (Rust).
    lifetimes: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Keys {
    None,
    /// A string followed by `:`.
    Json,
    /// A line's first word before `: ` (after `- `).
    Yaml,
    /// A line's first word before `=`; a `[table]` line is a tag.
    Toml,
    /// A word followed by `:` (CSS properties).
    Css,
}

const C_LIKE: &[&str] = &[
    "abstract",
    "as",
    "async",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "default",
    "defer",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "final",
    "finally",
    "for",
    "func",
    "function",
    "go",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "namespace",
    "new",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "struct",
    "super",
    "switch",
    "this",
    "throw",
    "throws",
    "try",
    "type",
    "typeof",
    "using",
    "var",
    "void",
    "while",
    "yield",
    "val",
    "fun",
    "when",
    "object",
    "select",
    "chan",
    "map",
    "range",
    "fn",
    "impl",
    "match",
    "mod",
    "mut",
    "pub",
    "ref",
    "self",
    "trait",
    "unsafe",
    "use",
    "where",
    "loop",
    "crate",
    "dyn",
    "move",
    "of",
    "readonly",
    "override",
    "virtual",
    "sealed",
    "int",
    "long",
    "float",
    "double",
    "char",
    "bool",
    "boolean",
    "string",
    "byte",
    "short",
    "unsigned",
    "signed",
    "auto",
    "sizeof",
    "typedef",
    "union",
    "extern",
    "register",
    "volatile",
    "goto",
    "template",
    "typename",
    "operator",
    "friend",
    "inline",
    "explicit",
    "noexcept",
    "constexpr",
    "guard",
    "let",
    "protocol",
    "extension",
    "init",
    "deinit",
    "echo",
    "foreach",
    "elseif",
    "endif",
];
const C_LITERALS: &[&str] = &[
    "true",
    "false",
    "null",
    "nil",
    "None",
    "undefined",
    "NaN",
    "Infinity",
    "nullptr",
    "True",
    "False",
    "Some",
    "Ok",
    "Err",
    "iota",
];
const PYTHON: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "match",
    "case", "self", "print",
];
const SHELL: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
    "in", "function", "return", "export", "local", "readonly", "set", "unset", "source", "echo",
    "exit", "cd", "sudo", "curl", "select", "time",
];
const SQL: &[&str] = &[
    "select",
    "from",
    "where",
    "and",
    "or",
    "not",
    "insert",
    "into",
    "values",
    "update",
    "set",
    "delete",
    "create",
    "table",
    "drop",
    "alter",
    "add",
    "join",
    "left",
    "right",
    "inner",
    "outer",
    "full",
    "on",
    "group",
    "by",
    "order",
    "having",
    "limit",
    "offset",
    "as",
    "distinct",
    "union",
    "all",
    "case",
    "when",
    "then",
    "else",
    "end",
    "is",
    "in",
    "like",
    "between",
    "exists",
    "primary",
    "key",
    "foreign",
    "references",
    "index",
    "view",
    "with",
    "returning",
    "asc",
    "desc",
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "default",
    "unique",
    "check",
    "constraint",
    "begin",
    "commit",
    "rollback",
    "grant",
    "revoke",
];

const fn lang(keywords: &'static [&'static str]) -> Lang {
    Lang {
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        quotes: &['"', '\'', '`'],
        triple: false,
        keywords,
        literals: C_LITERALS,
        case_insensitive: false,
        keys: Keys::None,
        variables: false,
        hash_at_word_start: false,
        lifetimes: false,
    }
}

static C: Lang = lang(C_LIKE);
static RUST: Lang = Lang {
    lifetimes: true,
    ..lang(C_LIKE)
};
static PY: Lang = Lang {
    line_comments: &["#"],
    block_comment: None,
    triple: true,
    ..lang(PYTHON)
};
static SH: Lang = Lang {
    line_comments: &["#"],
    block_comment: None,
    quotes: &['"', '\''],
    literals: &["true", "false"],
    variables: true,
    hash_at_word_start: true,
    ..lang(SHELL)
};
static JSON: Lang = Lang {
    line_comments: &[],
    block_comment: None,
    quotes: &['"'],
    keys: Keys::Json,
    literals: &["true", "false", "null"],
    ..lang(&[])
};
static YAML: Lang = Lang {
    line_comments: &["#"],
    block_comment: None,
    quotes: &['"', '\''],
    keys: Keys::Yaml,
    literals: &["true", "false", "null", "yes", "no", "on", "off", "~"],
    hash_at_word_start: true,
    ..lang(&[])
};
static TOML: Lang = Lang {
    line_comments: &["#", ";"],
    block_comment: None,
    quotes: &['"', '\''],
    triple: true,
    keys: Keys::Toml,
    literals: &["true", "false"],
    ..lang(&[])
};
static SQL_LANG: Lang = Lang {
    line_comments: &["--"],
    quotes: &['\'', '"'],
    case_insensitive: true,
    literals: &["true", "false", "null"],
    ..lang(SQL)
};
static CSS: Lang = Lang {
    line_comments: &[],
    quotes: &['"', '\''],
    keys: Keys::Css,
    literals: &["important", "inherit", "initial", "none", "auto"],
    ..lang(&["@media", "@import", "@font-face", "@keyframes", "@supports"])
};

/// How a language named in a fence is read: a family of languages, or markup.
enum Reader {
    Code(&'static Lang),
    Markup,
}

fn reader(language: &str) -> Option<Reader> {
    let l = language.to_ascii_lowercase();
    Some(Reader::Code(match l.as_str() {
        "rust" | "rs" => &RUST,
        "c" | "h" | "cpp" | "c++" | "cc" | "hpp" | "java" | "kotlin" | "kt" | "go" | "golang"
        | "javascript" | "js" | "jsx" | "mjs" | "typescript" | "ts" | "tsx" | "csharp" | "cs"
        | "c#" | "swift" | "php" | "scala" | "dart" | "groovy" => &C,
        "python" | "py" | "python3" => &PY,
        "bash" | "sh" | "shell" | "zsh" | "console" | "shell-session" | "dockerfile" => &SH,
        "json" | "jsonc" | "json5" | "geojson" => &JSON,
        "yaml" | "yml" => &YAML,
        "toml" | "ini" | "cfg" | "conf" | "properties" => &TOML,
        "sql" | "postgresql" | "postgres" | "mysql" | "sqlite" | "plsql" => &SQL_LANG,
        "css" | "scss" | "less" => &CSS,
        "html" | "xml" | "svg" | "xhtml" | "vue" | "jsp" | "go-html-template" | "gotmpl" => {
            return Some(Reader::Markup);
        }
        _ => return None,
    }))
}

/// Whether `language` (the first word of a fence's info string) is highlighted.
pub fn knows(language: &str) -> bool {
    reader(language).is_some()
}

/// `code` as HTML (escaped as pulldown-cmark escapes code) with spans added; `None` for a
/// language it does not know.
pub fn highlight(language: &str, code: &str) -> Option<String> {
    let mut out = Out::with_capacity(code.len() * 3 / 2);
    match reader(language)? {
        Reader::Code(lang) => code_spans(lang, code, &mut out),
        Reader::Markup => markup_spans(code, &mut out),
    }
    Some(out.0)
}

/// HTML being written.
struct Out(String);

impl Out {
    fn with_capacity(n: usize) -> Out {
        Out(String::with_capacity(n))
    }

    /// `s` escaped as pulldown-cmark escapes code: `&`, `<` and `>`.
    fn text(&mut self, s: &str) {
        for c in s.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                c => self.0.push(c),
            }
        }
    }

    fn span(&mut self, class: &str, s: &str) {
        if s.is_empty() {
            return;
        }
        self.0.push_str("<span class=\"hl-");
        self.0.push_str(class);
        self.0.push_str("\">");
        self.text(s);
        self.0.push_str("</span>");
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The byte length of the string starting at `s` (with `q`), to its closing quote or the
/// end; `None` for a `'` that does not close on its line (a Rust lifetime, an apostrophe).
fn string_len(s: &str, q: char, triple: bool) -> Option<usize> {
    let triple_q: String = std::iter::repeat_n(q, 3).collect();
    if triple && s.starts_with(&triple_q) {
        let end = s[3..].find(&triple_q).map_or(s.len(), |i| i + 6);
        return Some(end);
    }
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '\n' if q != '`' => return (q != '\'').then_some(i),
            c if c == q => return Some(i + c.len_utf8()),
            _ => {}
        }
    }
    (q != '\'').then_some(s.len())
}

fn code_spans(lang: &Lang, code: &str, out: &mut Out) {
    let mut i = 0;
    let mut line_start = true;
    while i < code.len() {
        let rest = &code[i..];
        let c = rest.chars().next().unwrap_or(' ');
        let prev = code[..i].chars().next_back();
        let word_start = prev.is_none_or(|p| p.is_whitespace() || "([{;|&=".contains(p));
        if let Some((open, close)) = lang.block_comment
            && rest.starts_with(open)
        {
            let end = rest[open.len()..]
                .find(close)
                .map_or(rest.len(), |e| e + open.len() + close.len());
            out.span("comment", &rest[..end]);
            i += end;
            continue;
        }
        if lang.line_comments.iter().any(|m| rest.starts_with(m))
            && (word_start || !lang.hash_at_word_start)
            && !(lang.variables && prev == Some('$'))
        {
            let end = rest.find('\n').unwrap_or(rest.len());
            out.span("comment", &rest[..end]);
            i += end;
            continue;
        }
        if line_start && let Some(n) = key_at_line_start(lang, rest, out) {
            i += n;
            line_start = false;
            continue;
        }
        let lifetime = lang.lifetimes
            && c == '\''
            && rest[1..]
                .char_indices()
                .find(|(_, ch)| !is_word(*ch))
                .is_some_and(|(j, ch)| j >= 1 && ch != '\'');
        if lang.quotes.contains(&c)
            && !lifetime
            && let Some(n) = string_len(rest, c, lang.triple)
        {
            let after = rest[n..].trim_start_matches([' ', '\t']);
            let class = match lang.keys == Keys::Json && after.starts_with(':') {
                true => "key",
                false => "string",
            };
            out.span(class, &rest[..n]);
            i += n;
            line_start = false;
            continue;
        }
        if lang.variables && c == '$' {
            let n = variable_len(rest);
            if n > 1 {
                out.span("variable", &rest[..n]);
                i += n;
                line_start = false;
                continue;
            }
        }
        if c.is_ascii_digit() && !prev.is_some_and(is_word) {
            let n = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.'))
                .unwrap_or(rest.len());
            out.span("number", &rest[..n]);
            i += n;
            line_start = false;
            continue;
        }
        if is_word(c) || c == '@' {
            let n = rest
                .char_indices()
                .skip(1)
                .find(|(_, ch)| !(is_word(*ch) || (lang.keys == Keys::Css && *ch == '-')))
                .map_or(rest.len(), |(j, _)| j);
            let word = &rest[..n];
            let matches = |list: &[&str]| match lang.case_insensitive {
                true => list.iter().any(|k| k.eq_ignore_ascii_case(word)),
                false => list.contains(&word),
            };
            let is_css_key = lang.keys == Keys::Css
                && rest[n..].trim_start_matches([' ', '\t']).starts_with(':')
                && !rest[n..].trim_start().starts_with("::");
            if is_css_key {
                out.span("key", word);
            } else if matches(lang.keywords) {
                out.span("keyword", word);
            } else if matches(lang.literals) {
                out.span("literal", word);
            } else {
                out.text(word);
            }
            i += n;
            line_start = false;
            continue;
        }
        let n = c.len_utf8();
        out.text(&rest[..n]);
        line_start = c == '\n' || (line_start && c.is_whitespace());
        i += n;
    }
}

/// A key at the start of a line (YAML `key:`, TOML `key =` or `[table]`): written to
/// `out`, with its length; `None` when the line starts otherwise.
fn key_at_line_start(lang: &Lang, rest: &str, out: &mut Out) -> Option<usize> {
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    match lang.keys {
        Keys::Yaml => {
            let (dash, body) = match line.strip_prefix("- ") {
                Some(b) => (2, b),
                None => (0, line),
            };
            let colon = body
                .find(": ")
                .or_else(|| body.ends_with(':').then(|| body.len() - 1))?;
            let key = &body[..colon];
            if key.is_empty() || key.starts_with(['#', '"', '\'', '{', '[']) || key.contains(" #") {
                return None;
            }
            out.text(&line[..dash]);
            out.span("key", key);
            Some(dash + colon)
        }
        Keys::Toml => {
            if line.starts_with('[') {
                let end = line.rfind(']').map_or(line.len(), |e| e + 1);
                out.span("tag", &line[..end]);
                return Some(end);
            }
            let eq = line.find('=')?;
            let key = line[..eq].trim_end();
            let bare = key.chars().all(|c| is_word(c) || "-.\"' ".contains(c));
            if key.is_empty() || !bare {
                return None;
            }
            out.span("key", key);
            Some(key.len())
        }
        _ => None,
    }
}

/// The length of `$NAME`, `${…}` or `$1` at the start of `s` (1: a lone `$`).
fn variable_len(s: &str) -> usize {
    if s[1..].starts_with('{') {
        return s.find('}').map_or(1, |e| e + 1);
    }
    s.char_indices()
        .skip(1)
        .find(|(_, c)| !is_word(*c))
        .map_or(s.len(), |(j, _)| j)
}

/// HTML and XML: comments, tags with their attributes and quoted values; text between
/// tags as it is.
fn markup_spans(code: &str, out: &mut Out) {
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(rest.len(), |e| e + 3);
            out.span("comment", &rest[..end]);
            i += end;
            continue;
        }
        let starts_tag = rest.starts_with('<')
            && rest[1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '?' || c == '!');
        if !starts_tag {
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let n = rest[first..].find('<').map_or(rest.len(), |e| e + first);
            out.text(&rest[..n]);
            i += n;
            continue;
        }
        let name_end = rest[1..]
            .find(|c: char| {
                c.is_whitespace() || c == '>' || (c == '/' && !rest[1..].starts_with('/'))
            })
            .map_or(rest.len(), |e| e + 1);
        out.span("tag", &rest[..name_end]);
        i += name_end;
        // Attributes up to the tag's end.
        while i < code.len() {
            let rest = &code[i..];
            let c = rest.chars().next().unwrap_or('>');
            if rest.starts_with("/>") || rest.starts_with("?>") {
                out.span("tag", &rest[..2]);
                i += 2;
                break;
            }
            if c == '>' {
                out.span("tag", ">");
                i += 1;
                break;
            }
            if c == '"' || c == '\'' {
                let n = string_len(rest, c, false).unwrap_or(rest.len());
                out.span("string", &rest[..n]);
                i += n;
                continue;
            }
            if c.is_alphabetic() {
                let n = rest
                    .find(|ch: char| ch.is_whitespace() || "=>/".contains(ch))
                    .unwrap_or(rest.len());
                out.span("attr", &rest[..n]);
                i += n;
                continue;
            }
            let n = c.len_utf8();
            out.text(&rest[..n]);
            i += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl(lang: &str, code: &str) -> String {
        highlight(lang, code).unwrap()
    }

    #[test]
    fn every_family_marks_its_tokens() {
        assert_eq!(
            hl("rust", "let n = 42; // why\n"),
            "<span class=\"hl-keyword\">let</span> n = <span class=\"hl-number\">42</span>; <span class=\"hl-comment\">// why</span>\n"
        );
        assert_eq!(
            hl("rust", "fn f<'a>(s: &'a str) -> &'a str { \"x<y\" }"),
            "<span class=\"hl-keyword\">fn</span> f&lt;'a&gt;(s: &amp;'a str) -&gt; &amp;'a str { <span class=\"hl-string\">\"x&lt;y\"</span> }"
        );
        assert_eq!(
            hl("python", "def f():\n    return None  # done\n"),
            "<span class=\"hl-keyword\">def</span> f():\n    <span class=\"hl-keyword\">return</span> <span class=\"hl-literal\">None</span>  <span class=\"hl-comment\"># done</span>\n"
        );
        assert_eq!(
            hl("json", "{\"id\": \"a#b\", \"n\": 1.5, \"ok\": true}"),
            "{<span class=\"hl-key\">\"id\"</span>: <span class=\"hl-string\">\"a#b\"</span>, <span class=\"hl-key\">\"n\"</span>: <span class=\"hl-number\">1.5</span>, <span class=\"hl-key\">\"ok\"</span>: <span class=\"hl-literal\">true</span>}"
        );
        assert_eq!(
            hl("bash", "curl -H \"Auth: $TOKEN\" $URL#x # call\n"),
            "<span class=\"hl-keyword\">curl</span> -H <span class=\"hl-string\">\"Auth: $TOKEN\"</span> <span class=\"hl-variable\">$URL</span>#x <span class=\"hl-comment\"># call</span>\n"
        );
        assert_eq!(
            hl("yaml", "roles:\n  - decider # who signs\ntitle: \"A\"\n"),
            "<span class=\"hl-key\">roles</span>:\n  - decider <span class=\"hl-comment\"># who signs</span>\n<span class=\"hl-key\">title</span>: <span class=\"hl-string\">\"A\"</span>\n"
        );
        assert_eq!(
            hl("toml", "[extra]\nstage = \"awareness\"\n"),
            "<span class=\"hl-tag\">[extra]</span>\n<span class=\"hl-key\">stage</span> = <span class=\"hl-string\">\"awareness\"</span>\n"
        );
        assert_eq!(
            hl("sql", "SELECT id FROM t -- all\n"),
            "<span class=\"hl-keyword\">SELECT</span> id <span class=\"hl-keyword\">FROM</span> t <span class=\"hl-comment\">-- all</span>\n"
        );
        assert_eq!(
            hl("html", "<a href=\"/x/\">A &amp; B</a><!-- c -->"),
            "<span class=\"hl-tag\">&lt;a</span> <span class=\"hl-attr\">href</span>=<span class=\"hl-string\">\"/x/\"</span><span class=\"hl-tag\">&gt;</span>A &amp;amp; B<span class=\"hl-tag\">&lt;/a</span><span class=\"hl-tag\">&gt;</span><span class=\"hl-comment\">&lt;!-- c --&gt;</span>"
        );
        assert_eq!(
            hl("css", "pre { color: red; } /* c */"),
            "pre { <span class=\"hl-key\">color</span>: red; } <span class=\"hl-comment\">/* c */</span>"
        );
        assert!(highlight("brainfuck", "+").is_none());
    }

    /// The text of `html` written by [`highlight`]: spans removed, escapes decoded.
    fn text_of(html: &str) -> String {
        html.split('<')
            .enumerate()
            .map(|(i, part)| match i {
                0 => part,
                _ => part.split_once('>').map_or("", |(_, t)| t),
            })
            .collect::<String>()
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    proptest::proptest! {
        #[test]
        fn any_code_in_any_language_keeps_its_text(
            code in "[a-z0-9 _$#@'\"`{}()<>/*=:;,.\\\n\t-é漢]{0,60}",
            lang in proptest::sample::select(vec!["rust", "python", "bash", "json", "yaml", "toml", "sql", "css", "html", "go"]),
        ) {
            let html = highlight(lang, &code).unwrap();
            proptest::prop_assert_eq!(text_of(&html), code);
        }
    }

    #[test]
    fn the_text_is_unchanged_only_spans_are_added() {
        let samples = [
            ("rust", "let s = \"unterminated\nfn x() {}\n/* open"),
            ("python", "s = '''a\nb''' + \"c\\\"d\""),
            ("bash", "echo ${HOME} $1 $ 'x"),
            ("yaml", "- a: b\n- \"q\": [1, 2]\n"),
            ("html", "<div class='a'><br/><?xml x?></div"),
            ("toml", "a.b = 1\n[[t]]\n'k' = \"v\""),
        ];
        for (lang, code) in samples {
            let html = hl(lang, code);
            let text = html
                .split('<')
                .enumerate()
                .map(|(i, part)| match i {
                    0 => part,
                    _ => part.split_once('>').map_or("", |(_, t)| t),
                })
                .collect::<String>()
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            assert_eq!(text, code, "{lang}: {html}");
        }
    }
}
