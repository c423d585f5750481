//! Languages: which codes are languages, which file names are translations, and what
//! each language says: the default theme's interface strings and the phrasing of
//! claims (number format and sentence templates), built in for English, Simplified
//! Chinese and Finnish and overridable by a site's `i18n/<code>.toml`.
//!
//! Depends on nothing but the diagnostics.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Code, Diagnostic, did_you_mean};

/// The folder of a site's translation tables: `i18n/<code>.toml`.
pub const I18N_DIR: &str = "i18n";

/// ISO 639-1: every two-letter language code.
const ISO_639_1: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce \
    ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv \
    ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr \
    ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn \
    no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so \
    sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh \
    yi yo za zh zu";

/// Codes people write for a language that are not its code: country codes and the
/// three-letter codes of languages that have a two-letter one.
const MISTAKES: &[(&str, &str)] = &[
    ("cn", "zh"),
    ("chi", "zh"),
    ("zho", "zh"),
    ("jp", "ja"),
    ("jpn", "ja"),
    ("dk", "da"),
    ("dan", "da"),
    ("gr", "el"),
    ("ua", "uk"),
    ("cz", "cs"),
    ("eng", "en"),
    ("fin", "fi"),
    ("ger", "de"),
    ("deu", "de"),
    ("fre", "fr"),
    ("fra", "fr"),
    ("spa", "es"),
    ("swe", "sv"),
    ("nor", "no"),
    ("rus", "ru"),
    ("por", "pt"),
    ("ita", "it"),
    ("kor", "ko"),
    ("pol", "pl"),
    ("dut", "nl"),
    ("nld", "nl"),
];

/// Names of the languages a site is most likely to declare, in their own language:
/// what the language switcher shows when site.toml gives no `name`.
const NATIVE_NAMES: &[(&str, &str)] = &[
    ("en", "English"),
    ("zh", "简体中文"),
    ("fi", "Suomi"),
    ("sv", "Svenska"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
    ("da", "Dansk"),
    ("no", "Norsk"),
    ("nb", "Norsk bokmål"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("et", "Eesti"),
    ("ru", "Русский"),
];

/// Whether `code` is a language tag cairn accepts: a primary language (ISO 639-1, or
/// three letters for a language without a two-letter code) and optional subtags
/// (`zh-hant`, `pt-br`), lowercase. `Err` says what to write instead.
pub fn check_code(code: &str) -> Result<(), String> {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    if let Some((_, right)) = MISTAKES.iter().find(|(wrong, _)| *wrong == primary) {
        return Err(format!("did you mean `{right}`?"));
    }
    let lower = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    let known = match primary.len() {
        2 => ISO_639_1.split_whitespace().any(|c| c == primary),
        3 => primary.bytes().all(|b| b.is_ascii_lowercase()),
        _ => false,
    };
    let subtags_ok = parts.all(|p| (2..=8).contains(&p.len()) && lower(p));
    if known && subtags_ok {
        return Ok(());
    }
    if code.bytes().any(|b| b.is_ascii_uppercase()) && check_code(&code.to_lowercase()).is_ok() {
        return Err(format!("write it in lowercase: `{}`", code.to_lowercase()));
    }
    let candidates = ISO_639_1.split_whitespace();
    Err(match did_you_mean(primary, candidates) {
        Some(best) => format!("not an ISO 639-1 language code; did you mean `{best}`?"),
        None => "not an ISO 639-1 language code (`en`, `zh`, `fi`, `pt-br`, …)".into(),
    })
}

/// The name of language `code` in its own language, when cairn knows it.
pub fn native_name(code: &str) -> Option<&'static str> {
    let primary = code.split('-').next().unwrap_or(code);
    NATIVE_NAMES
        .iter()
        .find(|(c, _)| *c == code || *c == primary)
        .map(|(_, n)| *n)
}

/// A file name's language part: `tco-guide.zh.md` → (`tco-guide.md`, `zh`). Only a part
/// that looks like a language tag counts (`release-4.2.md` and `node.js.md` have none).
pub fn split_suffix(content_path: &str) -> Option<(String, &str)> {
    let (dir, file) = match content_path.rsplit_once('/') {
        Some((d, f)) => (Some(d), f),
        None => (None, content_path),
    };
    let stem = file.strip_suffix(".md")?;
    let (base, tag) = stem.rsplit_once('.')?;
    if base.is_empty() || !looks_like_tag(tag) {
        return None;
    }
    let key = match dir {
        Some(d) => format!("{d}/{base}.md"),
        None => format!("{base}.md"),
    };
    Some((key, tag))
}

/// Whether `tag` could be meant as a language: its first part is a language code, or a
/// code people write for one (`cn`), and the rest are subtags.
fn looks_like_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    let primary_ok = ISO_639_1.split_whitespace().any(|c| c == primary)
        || MISTAKES.iter().any(|(wrong, _)| *wrong == primary);
    primary_ok
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// How claims are worded in one language: number format and sentence templates.
/// Placeholders: `{label}`, `{n}` (a number), `{value}` (a percentage or points, formatted),
/// `{before}`/`{after}` (numbers), `{before_q}`/`{after_q}` (numbers with their unit), `{unit}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Phrasing {
    pub decimal: String,
    /// Thousands separator, used from 10,000 up (and only there).
    pub group: String,
    pub percent: String,
    pub points: String,
    /// Exactly one percentage point.
    pub point: String,
    pub multiple: String,
    /// A number with a unit.
    pub quantity: String,
    /// A number in percent.
    pub quantity_percent: String,
    pub sentence_lower: String,
    pub sentence_higher: String,
    /// The sentence for a change in percentage points, when it differs.
    #[serde(default)]
    pub sentence_points_lower: Option<String>,
    #[serde(default)]
    pub sentence_points_higher: Option<String>,
    pub relative_lower: String,
    pub relative_higher: String,
    /// From one figure to another, in either direction.
    pub change: String,
    /// When the figure went down (or up): a language that says so.
    #[serde(default)]
    pub change_lower: Option<String>,
    #[serde(default)]
    pub change_higher: Option<String>,
    /// For a metric in percent, when it differs from `change`.
    #[serde(default)]
    pub change_percent: Option<String>,
    /// For a metric without a unit, when it differs from `change`.
    #[serde(default)]
    pub change_bare: Option<String>,
}

/// One language's table: interface strings and claim phrasing, all optional in a
/// site's file (the built-in table of the language, or English, fills the rest).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[serde(default)]
    strings: BTreeMap<String, String>,
    #[serde(default)]
    claims: Option<toml::Table>,
}

const EN: &str = include_str!("en.toml");
const ZH: &str = include_str!("zh.toml");
const FI: &str = include_str!("fi.toml");

/// The built-in table of `code`, if cairn has one.
fn builtin(code: &str) -> Option<&'static str> {
    match code.split('-').next().unwrap_or(code) {
        "en" => Some(EN),
        "zh" => Some(ZH),
        "fi" => Some(FI),
        _ => None,
    }
}

fn parse_builtin(text: &str) -> Table {
    toml::from_str(text).expect("built-in translation tables are valid")
}

/// What one language says: every interface string and its claim phrasing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Words {
    pub code: String,
    /// Interface strings by key; every key of the English table is present.
    pub strings: BTreeMap<String, String>,
    pub phrasing: Phrasing,
}

impl Words {
    /// English as built in: what a one-language site without `i18n/` gets.
    pub fn english() -> Words {
        let table = parse_builtin(EN);
        Words {
            code: "en".into(),
            strings: table.strings,
            phrasing: phrasing_of(table.claims.expect("English has claims"))
                .expect("English claims are complete"),
        }
    }

    /// The words of language `code` for the site at `root`: its `i18n/<code>.toml` over
    /// the built-in table of the language over English. Keys the language lacks (neither
    /// the site nor cairn translates them) are listed in the diagnostics as warnings when
    /// `report_missing`, and fall back to English.
    pub fn load(root: &Path, code: &str, report_missing: bool) -> (Words, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let english = parse_builtin(EN);
        let own = builtin(code).map(parse_builtin);
        let rel = format!("{I18N_DIR}/{code}.toml");
        let site = match std::fs::read_to_string(root.join(&rel)) {
            Ok(text) => match toml::from_str::<Table>(&text) {
                Ok(t) => Some(t),
                Err(e) => {
                    let (line_at, message) = (e.span().map_or(0, |s| s.start), e.message());
                    diagnostics.push(
                        Diagnostic::error(Code::I18n, &rel, format!("{rel}: {message}"))
                            .at(&text, line_at)
                            .with_hint("the file has `[strings]` (interface strings) and `[claims]` (claim phrasing); see docs/languages.md"),
                    );
                    None
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                diagnostics.push(Diagnostic::error(
                    Code::Io,
                    &rel,
                    format!("cannot read {rel}: {e}"),
                ));
                None
            }
        };
        let mut strings = english.strings.clone();
        let mut translated: BTreeMap<String, String> = BTreeMap::new();
        for table in [&own, &site].into_iter().flatten() {
            for (k, v) in &table.strings {
                translated.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in &translated {
            if !strings.contains_key(k) {
                let known = english.strings.keys().map(String::as_str);
                let hint = match did_you_mean(k, known) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "see the English keys in docs/languages.md".into(),
                };
                diagnostics.push(
                    Diagnostic::error(Code::I18n, &rel, format!("unknown string `{k}` in {rel}"))
                        .with_hint(hint),
                );
                continue;
            }
            strings.insert(k.clone(), v.clone());
        }
        if report_missing && code.split('-').next() != Some("en") {
            let missing: Vec<&str> = english
                .strings
                .keys()
                .filter(|k| !translated.contains_key(*k))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                diagnostics.push(
                    Diagnostic::warning(
                        Code::I18nMissing,
                        &rel,
                        format!(
                            "{} interface string{} not translated into `{code}`: {}",
                            missing.len(),
                            if missing.len() == 1 { " is" } else { "s are" },
                            missing.join(", ")
                        ),
                    )
                    .with_hint(format!(
                        "add them under `[strings]` in {rel}; until then they are shown in English"
                    )),
                );
            }
        }
        // A language's phrasing is whole: the built-in one of the language (or English,
        // for a language cairn does not know) with the site's keys over it.
        let site_claims = site.as_ref().and_then(|t| t.claims.clone());
        let claims_translated = own.is_some() || site_claims.is_some();
        let mut claims = match (&own, &site_claims) {
            (Some(own), _) => own.claims.clone().unwrap_or_default(),
            (None, Some(_)) => toml::Table::new(),
            (None, None) => english.claims.clone().unwrap_or_default(),
        };
        for (k, v) in site_claims.into_iter().flatten() {
            claims.insert(k, v);
        }
        if report_missing && !claims_translated && code.split('-').next() != Some("en") {
            diagnostics.push(
                Diagnostic::warning(
                    Code::I18nMissing,
                    &rel,
                    format!("claims are not phrased in `{code}`: they are worded in English"),
                )
                .with_hint(format!(
                    "add a `[claims]` table to {rel} (docs/languages.md lists its keys)"
                )),
            );
        }
        let phrasing = match phrasing_of(claims) {
            Ok(p) => p,
            Err(message) => {
                diagnostics.push(
                    Diagnostic::error(Code::I18n, &rel, format!("[claims] in {rel}: {message}"))
                        .with_hint("docs/languages.md lists the keys of `[claims]`"),
                );
                Words::english().phrasing
            }
        };
        (
            Words {
                code: code.to_string(),
                strings,
                phrasing,
            },
            diagnostics,
        )
    }

    /// An interface string (the key itself when it is unknown, which tests catch).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map_or(key, String::as_str)
    }
}

/// What each language of the site at `root` says, in `config.languages` order; and the
/// problems of its `i18n/` files. Strings a language lacks are reported only for a site
/// in several languages: a site in one language other than English keeps the theme's
/// English where it gives no translation, as it always has.
pub fn load_all(root: &Path, config: &crate::config::SiteConfig) -> (Vec<Words>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let words = config
        .languages
        .iter()
        .map(|l| {
            let (w, mut ds) = Words::load(root, &l.code, config.multilingual());
            diagnostics.append(&mut ds);
            w
        })
        .collect();
    (words, diagnostics)
}

fn phrasing_of(table: toml::Table) -> Result<Phrasing, String> {
    toml::Value::Table(table)
        .try_into::<Phrasing>()
        .map_err(|e| e.message().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        for ok in ["en", "zh", "fi", "pt-br", "zh-hant", "fil", "sr-latn"] {
            assert_eq!(check_code(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_code("cn").unwrap_err(), "did you mean `zh`?");
        assert_eq!(check_code("jpn").unwrap_err(), "did you mean `ja`?");
        assert_eq!(check_code("ZH").unwrap_err(), "write it in lowercase: `zh`");
        assert_eq!(
            check_code("xx").unwrap_err(),
            "not an ISO 639-1 language code (`en`, `zh`, `fi`, `pt-br`, …)"
        );
    }

    #[test]
    fn suffixes() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            (
                "articles/tco-guide.zh.md",
                Some(("articles/tco-guide.md", "zh")),
            ),
            ("about.fi.md", Some(("about.md", "fi"))),
            ("articles/x.zh-cn.md", Some(("articles/x.md", "zh-cn"))),
            (
                "articles/x/index.fi.md",
                Some(("articles/x/index.md", "fi")),
            ),
            ("articles/release-4.2.md", None),
            ("articles/node.js.md", None),
            ("articles/tco-guide.md", None),
            ("articles/.zh.md", None),
            ("articles/x.cn.md", Some(("articles/x.md", "cn"))),
        ];
        for (path, want) in cases {
            let got = split_suffix(path);
            let got = got.as_ref().map(|(k, t)| (k.as_str(), *t));
            assert_eq!(got, *want, "{path}");
        }
    }

    #[test]
    fn builtin_tables_have_every_key() {
        let en = parse_builtin(EN);
        for code in ["zh", "fi"] {
            let t = parse_builtin(builtin(code).unwrap());
            let missing: Vec<_> = en
                .strings
                .keys()
                .filter(|k| !t.strings.contains_key(*k))
                .collect();
            assert!(missing.is_empty(), "{code} lacks {missing:?}");
            let extra: Vec<_> = t
                .strings
                .keys()
                .filter(|k| !en.strings.contains_key(*k))
                .collect();
            assert!(extra.is_empty(), "{code} has unknown {extra:?}");
            phrasing_of(t.claims.unwrap()).unwrap();
        }
    }
}
