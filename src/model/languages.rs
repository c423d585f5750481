//! The languages of a site's pages: which language each file is in (its name's language
//! part, `tco-guide.zh.md`), a translation's metadata from its original's, and, once the
//! pages are known, which pages are one page in several languages.

use std::collections::HashMap;
use std::sync::Arc;

use super::meta::{Front, Terms, is_published, slug_of, url_of};
use super::{CaseStudy, Facts, PageMeta, Quote, stem_of};
use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::frontmatter::{RawFrontMatter, Translated};
use crate::source::SourceFile;

/// The language of the file at `content_path` and its page key (the path without the
/// language part); `Err` names the undeclared language its name gives.
pub(super) fn lang_of(config: &SiteConfig, content_path: &str) -> Result<(usize, String), String> {
    match crate::lang::split_suffix(content_path) {
        None => Ok((0, content_path.to_string())),
        Some((key, tag)) => match config.language_index(tag) {
            Some(lang) => Ok((lang, key)),
            None => Err(tag.to_string()),
        },
    }
}

/// The files whose name gives a language site.toml does not declare are set aside, each
/// with an error; gives the others, and for each translation of a page in the default
/// language the content path of that page.
pub(super) fn sort_files(
    config: &SiteConfig,
    files: Vec<Arc<SourceFile>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Arc<SourceFile>>, HashMap<String, String>) {
    let mut kept = Vec::with_capacity(files.len());
    let mut translations = Vec::new();
    for file in files {
        // Most files have no language part: no page key to make for them.
        if crate::lang::split_suffix(&file.content_path).is_none() {
            kept.push(file);
            continue;
        }
        match lang_of(config, &file.content_path) {
            Ok((0, _)) => kept.push(file),
            Ok((_, key)) => {
                translations.push((file.content_path.clone(), key));
                kept.push(file);
            }
            Err(tag) => diagnostics.push(undeclared(config, &file, &tag)),
        }
    }
    if translations.is_empty() {
        return (kept, HashMap::new());
    }
    let originals: std::collections::HashSet<&str> =
        kept.iter().map(|f| f.content_path.as_str()).collect();
    let translations = translations
        .into_iter()
        .filter(|(_, key)| originals.contains(key.as_str()))
        .collect();
    (kept, translations)
}

/// The error for a file named for language `tag`, which site.toml does not declare.
fn undeclared(config: &SiteConfig, file: &SourceFile, tag: &str) -> Diagnostic {
    let declared: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    let primary = tag.split('-').next().unwrap_or(tag);
    let near = declared
        .iter()
        .find(|c| c.eq_ignore_ascii_case(primary))
        .copied()
        .or_else(|| {
            crate::lang::check_code(primary).err().and_then(|h| {
                declared
                    .iter()
                    .copied()
                    .find(|c| h.contains(&format!("`{c}`")))
            })
        })
        .or_else(|| crate::diagnostics::did_you_mean(tag, declared.iter().copied()));
    let hint = match near {
        Some(code) => format!(
            "did you mean `{code}`? Rename the file to `{}`",
            file.content_path.rsplit('/').next().unwrap_or("").replacen(
                &format!(".{tag}."),
                &format!(".{code}."),
                1
            )
        ),
        None => format!(
            "declare it in site.toml as [languages.{tag}], or rename the file (the site's languages: {})",
            declared.join(", ")
        ),
    };
    Diagnostic::error(
        Code::LanguageUndeclared,
        file.path.clone(),
        format!("the file name says language `{tag}`, which site.toml does not declare"),
    )
    .with_hint(hint)
}

/// A translation's metadata: its original's, with what the translation says in its
/// language (title, summary, slug, author, aliases, extra, the words of metrics and
/// quotes) and its language's URL and claim phrasing.
pub(super) fn translate(
    terms: &Terms,
    original: &PageMeta,
    (file, lang): (&SourceFile, usize),
    mut fm: RawFrontMatter,
    front_offset: usize,
) -> Result<PageMeta, Vec<Diagnostic>> {
    let translated = fm.translated.take().unwrap_or_default();
    let front = Front {
        file,
        offset: front_offset,
        positions: &fm.positions,
    };
    let mut errors = Vec::new();
    let slug = match &fm.slug {
        Some(s) => slug_of(&front, stem_of(&original.key), Some(s), &mut errors),
        None => original.slug.clone(),
    };
    let aliases = super::aliases::aliases_of(&front, &fm.aliases, &mut errors);
    // The translation's own image, or the original's with the alt text in this language.
    let image = match (&fm.image, &original.image) {
        (None, Some(own)) => Some(super::PageImage {
            alt: fm.image_alt.clone().unwrap_or_else(|| own.alt.clone()),
            inherited: true,
            ..own.clone()
        }),
        _ => super::images::image_of(
            &front,
            &original.key,
            (fm.image.as_deref(), fm.image_alt.as_deref()),
            &mut errors,
        ),
    };
    let url = url_of(
        &terms.urls[lang],
        original.kind,
        &original.key,
        &slug,
        fm.slug.is_some() || original.slug != slug::slugify(stem_of(&original.key)),
    );
    let phrasing = &terms.options.words[lang].phrasing;
    let case = original
        .case
        .as_ref()
        .map(|c| case_in(&front, c, translated, phrasing, &mut errors));
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut extra = original.extra.clone();
    if let (Some(serde_json::Value::Object(own)), serde_json::Value::Object(all)) =
        (fm.extra, &mut extra)
    {
        all.extend(own);
    }
    let title = fm
        .title
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| original.title.clone());
    let mut meta = PageMeta {
        lang,
        path: file.path.clone(),
        content_path: file.content_path.clone(),
        title,
        summary: fm
            .summary
            .map_or_else(|| original.summary.clone(), |s| s.trim().to_string()),
        updated: fm.updated.map(|d| d.0).or(original.updated),
        draft: original.draft || fm.draft,
        slug,
        url,
        author: fm.author.or_else(|| original.author.clone()),
        extra,
        case,
        aliases,
        image,
        published: false,
        source_hash: 0,
        ..original.clone()
    };
    meta.published = is_published(&meta, terms.options);
    Ok(meta)
}

/// The original's case study in another language: its figures, approval and review dates
/// as they are; the labels, units, periods and sources the translation gives; its quotes
/// in the translation's words (each keeps the approval of the quote it translates).
fn case_in(
    front: &Front,
    case: &CaseStudy,
    translated: Translated,
    phrasing: &crate::claims::Phrasing,
    errors: &mut Vec<Diagnostic>,
) -> CaseStudy {
    let mut metrics = case.metrics.clone();
    let mut seen = std::collections::HashSet::new();
    for t in translated.metrics {
        let Some(m) = metrics.iter_mut().find(|m| m.id == t.id) else {
            let ids: Vec<&str> = case.metrics.iter().map(|m| m.id.as_str()).collect();
            errors.push(
                front
                    .err(
                        Code::TranslationKey,
                        format!(
                            "metric `{}` is not a metric of the page this translates",
                            t.id
                        ),
                    )
                    .at(front.text(), t.id_offset)
                    .with_hint(crate::diagnostics::suggestion(&t.id, &ids)),
            );
            continue;
        };
        if !seen.insert(t.id.clone()) {
            errors.push(
                front
                    .err(
                        Code::MetricInvalid,
                        format!("metric `{}` is translated twice", t.id),
                    )
                    .at(front.text(), t.id_offset)
                    .with_hint("translate each metric once"),
            );
            continue;
        }
        if let Some(label) = t.label {
            m.claim_label = t.claim_label.clone().unwrap_or_else(|| label.clone());
            m.label = label;
        } else if let Some(claim_label) = t.claim_label {
            m.claim_label = claim_label;
        }
        // A metric in percent stays in percent: its claims are percentage points.
        if let Some(unit) = t.unit.filter(|_| !crate::claims::in_percent(&m.unit)) {
            m.unit = unit;
        }
        if t.period.is_some() {
            m.period = t.period;
        }
        if let Some(source) = t.source {
            m.source = source;
        }
    }
    for m in &mut metrics {
        m.facts = Facts::of(m.figures(), &m.claim_label, &m.unit, phrasing);
    }
    let quotes = if translated.quotes.is_empty() {
        case.quotes.clone()
    } else {
        if translated.quotes.len() != case.quotes.len() {
            errors.push(
                front
                    .err(
                        Code::TranslationKey,
                        format!(
                            "{} quotes translate the {} of the page this translates",
                            translated.quotes.len(),
                            case.quotes.len()
                        ),
                    )
                    .at(front.text(), front.at("quotes"))
                    .with_hint("translate every quote, in the same order, or none (the original's are shown)"),
            );
        }
        case.quotes
            .iter()
            .zip(translated.quotes)
            .map(|(q, t)| Quote {
                text: t.text,
                name: t.name.unwrap_or_else(|| q.name.clone()),
                title: t.title.unwrap_or_else(|| q.title.clone()),
                company: t.company.or_else(|| q.company.clone()),
                ..q.clone()
            })
            .collect()
    };
    CaseStudy {
        metrics,
        quotes,
        ..case.clone()
    }
}
