//! Shortcodes in bodies: `claim` is computed here from the case studies' metrics
//! (then shown by its template); the others go straight to the templates.

use std::collections::HashMap;
use std::sync::Arc;

use super::bodies::MetaAt;
use super::{Approval, Kind, Metric, PageMeta};
use crate::claims::{self, Better, Form};
use crate::diagnostics::{Code, did_you_mean, display_path};
use crate::markdown::{ArgValue, ShortcodeCall, ShortcodeError, Shortcodes};
use crate::urls::Urls;

/// The `claim` shortcode, computed here from the model; other shortcodes go to templates.
#[derive(Clone, Copy)]
pub(super) struct SiteShortcodes<'a> {
    pub cases: &'a CaseIndex,
    pub templates: &'a dyn Shortcodes,
    pub urls: &'a Urls,
    /// What each language says; claims are worded in the language of the page (`lang`).
    pub words: &'a [crate::lang::Words],
    pub lang: usize,
}

/// What claims resolve against. Owned, so that a serve session can keep it.
pub(super) struct CaseIndex {
    /// Case studies by their key (slug), published or not: a claim citing one that is
    /// not published is an error of its own (`claim-draft-case`).
    cases: HashMap<String, Arc<PageMeta>>,
    /// Translations of case studies, by the key of the case study they translate and
    /// their language: what a claim on a page in that language cites.
    translated: HashMap<(String, usize), Arc<PageMeta>>,
    /// Every case-study file by the slug of its name, including those with errors.
    files: HashMap<String, super::parse::CaseFile>,
}

impl<'a> SiteShortcodes<'a> {
    pub(super) fn new(
        cases: &'a CaseIndex,
        templates: &'a dyn Shortcodes,
        urls: &'a Urls,
        words: &'a [crate::lang::Words],
    ) -> Self {
        SiteShortcodes {
            cases,
            templates,
            urls,
            words,
            lang: 0,
        }
    }

    /// The same, for a page in language `lang`.
    pub(super) fn in_language(&self, lang: usize) -> Self {
        SiteShortcodes { lang, ..*self }
    }
}

impl CaseIndex {
    /// The case studies among `metas`; `files` names every case-study file by its slug.
    pub(super) fn new(
        metas: &[MetaAt],
        files: HashMap<String, super::parse::CaseFile>,
    ) -> CaseIndex {
        let studies = || metas.iter().filter(|(m, _)| m.kind == Kind::CaseStudy);
        let mut cases: HashMap<String, Arc<PageMeta>> = HashMap::new();
        let mut by_key: HashMap<&str, &str> = HashMap::new();
        for (m, _) in studies().filter(|(m, _)| m.lang == 0) {
            cases.insert(case_key(m).to_string(), m.clone());
            by_key.insert(&m.key, case_key(m));
        }
        let mut translated = HashMap::new();
        for (m, _) in studies().filter(|(m, _)| m.lang > 0) {
            match by_key.get(m.key.as_str()) {
                Some(name) => {
                    translated.insert((name.to_string(), m.lang), m.clone());
                }
                // A case study in one language only: claims name it by its own slug.
                None => {
                    cases
                        .entry(case_key(m).to_string())
                        .or_insert_with(|| m.clone());
                }
            }
        }
        CaseIndex {
            cases,
            translated,
            files,
        }
    }
}

impl CaseIndex {
    /// The same index with case study `meta` in place of the one of its name.
    pub(super) fn with(&self, meta: &Arc<PageMeta>) -> CaseIndex {
        let mut cases = self.cases.clone();
        cases.insert(case_key(meta).to_string(), meta.clone());
        CaseIndex {
            cases,
            translated: self.translated.clone(),
            files: self.files.clone(),
        }
    }
}

/// Whether an unpublished case study (not a draft) is held back by its approval rather
/// than only by its date: pending, or approved on a day after its date.
fn waits_for_approval(meta: &PageMeta) -> bool {
    !meta.draft
        && meta.case.as_ref().is_some_and(|c| match c.approval {
            Approval::Pending => true,
            Approval::Approved(t) => meta.date.is_none_or(|d| d < t),
            Approval::Unrecorded => false,
        })
}

/// The name a claim uses for a case study: its slug.
pub(super) fn case_key(meta: &PageMeta) -> &str {
    &meta.slug
}

impl Shortcodes for SiteShortcodes<'_> {
    fn render(&self, call: &ShortcodeCall) -> Result<String, ShortcodeError> {
        if call.name != "claim" {
            return self.templates.render(call);
        }
        let computed = self.claim(call)?;
        let mut call = call.clone();
        call.args.extend(computed);
        self.templates.render(&call)
    }
}

fn shortcode_error(code: Code, message: String, hint: impl Into<String>) -> ShortcodeError {
    ShortcodeError {
        code,
        message,
        hint: hint.into(),
    }
}

const USAGE: &str = "write {{ claim(case=\"<case-study slug>\", metric=\"<metric id>\") }}, optionally with form=\"sentence|percent|change|multiple\" and precision=0|1|2";

/// A claim's arguments, checked.
struct ClaimArgs<'c> {
    case: &'c str,
    metric: &'c str,
    form: Form,
    precision: u32,
}

impl SiteShortcodes<'_> {
    /// Validate a claim and compute the values its template shows.
    fn claim(&self, call: &ShortcodeCall) -> Result<Vec<(String, ArgValue)>, ShortcodeError> {
        let args = claim_args(call)?;
        let meta = self.case_study(args.case)?;
        // The case study in the page's language, when it is published in it.
        let meta = match self
            .cases
            .translated
            .get(&(args.case.to_string(), self.lang))
        {
            Some(t) if t.published => t,
            _ => meta,
        };
        let case_data = meta.case.as_ref().expect("case studies carry case data");
        let metric = find_metric(meta, args.case, args.metric)?;
        let words = &self.words[self.lang];
        let text = claim_text(metric, &args, (meta.lang == self.lang, &words.phrasing))?;
        let url = self.urls.href(&self.urls.metric(&meta.url, &metric.id));
        Ok(claim_values(
            metric,
            &case_data.customer,
            (args.form, words),
            text,
            url,
        ))
    }

    /// The published case study a claim names, or why there is none.
    fn case_study(&self, case: &str) -> Result<&PageMeta, ShortcodeError> {
        if let Some(meta) = self.cases.cases.get(case) {
            if !meta.published && waits_for_approval(meta) {
                return Err(shortcode_error(
                    Code::ClaimPendingCase,
                    format!(
                        "claim: case study `{case}` waits for the customer's approval, so the site does not publish the evidence"
                    ),
                    "record the approval (`approved = 2026-01-15`) once the customer signs off, or preview with --drafts",
                ));
            }
            if !meta.published {
                return Err(shortcode_error(
                    Code::ClaimDraftCase,
                    format!(
                        "claim: case study `{case}` is a draft or scheduled for later, so the site does not publish the evidence"
                    ),
                    "publish the case study (draft = false, a date not in the future), or build with --drafts",
                ));
            }
            return Ok(meta);
        }
        if let Some(file) = self.cases.files.get(case) {
            // Its errors may be in the CSV its metrics come from, reported there.
            let where_ = match &file.metrics_from {
                Some(csv) => format!(
                    "{} and {}/{csv}",
                    display_path(&file.path),
                    crate::data::DATA_DIR
                ),
                None => display_path(&file.path),
            };
            return Err(shortcode_error(
                Code::ClaimUnknownCase,
                format!(
                    "claim: case study `{case}` has errors, so no claim can be computed from it"
                ),
                format!("fix the errors reported for {where_}"),
            ));
        }
        let mut keys: Vec<&str> = self.cases.cases.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let hint = match did_you_mean(case, keys.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None if keys.is_empty() => {
                "there are no case studies yet: add one in content/case-studies/".into()
            }
            None => format!("case studies: {}", keys.join(", ")),
        };
        Err(shortcode_error(
            Code::ClaimUnknownCase,
            format!("claim: no case study `{case}`"),
            hint,
        ))
    }
}

/// A claim's arguments: `case` and `metric` (text), `form` and `precision` (optional);
/// no others.
fn claim_args(call: &ShortcodeCall) -> Result<ClaimArgs<'_>, ShortcodeError> {
    let syntax = |message: String, hint: String| shortcode_error(Code::ClaimSyntax, message, hint);
    if let Some(key) = call
        .args
        .keys()
        .find(|key| !["case", "metric", "form", "precision"].contains(&key.as_str()))
    {
        return Err(syntax(
            format!("claim: unknown argument `{key}`"),
            USAGE.into(),
        ));
    }
    let (Some(case), Some(metric)) = (call.str_arg("case"), call.str_arg("metric")) else {
        return Err(syntax(
            "claim: needs `case` and `metric` as text".into(),
            USAGE.into(),
        ));
    };
    let form = match call.args.get("form") {
        None => Form::Sentence,
        Some(ArgValue::Str(f)) => Form::parse(f).ok_or_else(|| {
            syntax(
                format!("claim: unknown form `{f}`"),
                format!("use one of: {}", Form::NAMES.join(", ")),
            )
        })?,
        Some(_) => return Err(syntax("claim: `form` must be text".into(), USAGE.into())),
    };
    let precision = match call.args.get("precision") {
        None => 0,
        Some(ArgValue::Int(p @ 0..=2)) => *p as u32,
        Some(_) => {
            let message = "claim: `precision` must be 0, 1 or 2".into();
            return Err(syntax(message, USAGE.into()));
        }
    };
    Ok(ClaimArgs {
        case,
        metric,
        form,
        precision,
    })
}

/// The metric a claim cites, or the metrics the case study has.
fn find_metric<'m>(
    meta: &'m PageMeta,
    case: &str,
    metric_id: &str,
) -> Result<&'m Metric, ShortcodeError> {
    let case_data = meta.case.as_ref().expect("case studies carry case data");
    if let Some(metric) = case_data.metrics.iter().find(|m| m.id == metric_id) {
        return Ok(metric);
    }
    let ids: Vec<&str> = case_data.metrics.iter().map(|m| m.id.as_str()).collect();
    let hint = if ids.is_empty() {
        format!("{} declares no metrics", display_path(&meta.path))
    } else {
        match did_you_mean(metric_id, ids.iter().copied()) {
            Some(best) => format!(
                "did you mean `{best}`? metrics of `{case}`: {}",
                ids.join(", ")
            ),
            None => format!("metrics of `{case}`: {}", ids.join(", ")),
        }
    };
    Err(shortcode_error(
        Code::ClaimUnknownMetric,
        format!("claim: case study `{case}` has no metric `{metric_id}`"),
        hint,
    ))
}

/// The claim's phrase, or why the metric allows none.
/// A claim's text: the metric's own sentence (computed once, in its case study's
/// language) when that is what the claim asks for in that language; else phrased anew.
fn claim_text(
    metric: &Metric,
    args: &ClaimArgs,
    (same_language, phrasing): (bool, &claims::Phrasing),
) -> Result<String, ShortcodeError> {
    let (case, metric_id) = (args.case, args.metric);
    let text = match (args.form, args.precision) {
        (Form::Sentence, 0) if same_language => metric.facts.sentence.clone(),
        (form, precision) => claims::phrase(
            metric.figures(),
            &metric.claim_label,
            &metric.unit,
            (form, precision),
            phrasing,
        ),
    };
    text.map_err(|e| {
        let change = &metric.facts.change;
        let (message, hint) = match e {
            claims::ClaimError::NoImprovement => (
                format!("claim: `{case}` metric `{metric_id}` did not improve ({change}, better = \"{}\")", claims_better(metric.better)),
                "there is nothing to claim; cite another metric, or check `before`, `after` and `better`".to_string(),
            ),
            claims::ClaimError::ZeroBefore => (
                format!("claim: `{case}` metric `{metric_id}` starts from 0, so no percentage can be claimed"),
                "use form=\"change\" to state the figures instead".to_string(),
            ),
            other => (format!("claim: `{case}` metric `{metric_id}`: {other}"), "check the metric's figures".to_string()),
        };
        shortcode_error(Code::ClaimInvalid, message, hint)
    })
}

/// The values a claim's template sees, besides the arguments as written.
fn claim_values(
    metric: &Metric,
    customer: &str,
    (form, words): (Form, &crate::lang::Words),
    text: String,
    url: String,
) -> Vec<(String, ArgValue)> {
    let mut figures = claims::change(metric.before, metric.after, &metric.unit, &words.phrasing);
    if let Some(p) = &metric.period {
        figures.push_str(&words.get("period_note").replace("{period}", p));
    }
    let detail = words
        .get("claim_detail")
        .replace("{figures}", &figures)
        .replace("{source}", &metric.source);
    let s = |v: &str| ArgValue::Str(v.to_string());
    vec![
        ("text".into(), s(&text)),
        ("url".into(), s(&url)),
        ("detail".into(), s(&detail)),
        ("label".into(), s(&metric.label)),
        ("unit".into(), s(&metric.unit)),
        (
            "before".into(),
            s(&claims::number(metric.before, &words.phrasing)),
        ),
        (
            "after".into(),
            s(&claims::number(metric.after, &words.phrasing)),
        ),
        ("period".into(), s(metric.period.as_deref().unwrap_or(""))),
        ("source".into(), s(&metric.source)),
        ("customer".into(), s(customer)),
        (
            "form".into(),
            s(match form {
                Form::Sentence => "sentence",
                Form::Percent => "percent",
                Form::Change => "change",
                Form::Multiple => "multiple",
                Form::Relative => "relative",
            }),
        ),
    ]
}

fn claims_better(b: Better) -> &'static str {
    match b {
        Better::Lower => "lower",
        Better::Higher => "higher",
    }
}
