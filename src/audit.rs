//! Content coverage: how many published articles and case studies each
//! role has at each journey stage (overall and per industry), where the
//! gaps are, and whether the `[audit]` requirements of site.toml are met.
//! Pure: a [`Site`] in, an [`Audit`] out, rendered as text, JSON or HTML.

use std::fmt::Write;

use serde::Serialize;

use crate::model::evidence::{DUE_SOON_DAYS, days_between, utc_date};
use crate::model::{Approval, Kind, Site};

/// Marks an HTML report as cairn's own: `audit --html` overwrites only a file that has it.
pub const HTML_MARKER: &str = "<meta name=\"generator\" content=\"cairn audit\">";

/// A role × stage count matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matrix {
    /// Industry id, or `None` for all content.
    pub industry: Option<String>,
    /// `cells[role][stage]`: published articles and case studies.
    pub cells: Vec<Vec<usize>>,
}

/// A cell below its requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub role: String,
    pub stage: String,
    pub industry: Option<String>,
    pub count: usize,
    pub required: usize,
}

/// A metric no page cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UncitedMetric {
    pub case_study: String,
    pub metric: String,
    pub label: String,
}

/// A metric or quote of a published case study due for review within
/// [`DUE_SOON_DAYS`] days, or past its review date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueEvidence {
    pub case_study: String,
    /// The case study's source file.
    pub path: String,
    /// `metric` or `quote`.
    pub kind: &'static str,
    /// The metric's id, or the name of the person quoted.
    pub id: String,
    /// The metric's label, or the quote's text.
    pub label: String,
    /// `2027-02-28`
    pub review_by: String,
    /// Days from the audit's day to the review date; negative when overdue.
    pub days_left: i64,
}

/// A case study held back, or a quote not shown, until the customer approves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingApproval {
    pub case_study: String,
    pub path: String,
    /// `case_study` or `quote`.
    pub kind: &'static str,
    /// The case study's title, or the name of the person quoted.
    pub name: String,
    /// An approval recorded for a later day (`2027-01-15`); empty when pending.
    pub approved_from: String,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    pub roles: Vec<String>,
    pub role_names: Vec<String>,
    pub stages: Vec<String>,
    pub stage_names: Vec<String>,
    pub overall: Matrix,
    pub by_industry: Vec<Matrix>,
    /// Empty cells of the matrix shown (all content, or `--industry`), in role then stage order.
    pub gaps: Vec<Gap>,
    /// Pages on each role's path, in role order.
    pub path_lengths: Vec<usize>,
    pub industries_without_case_study: Vec<String>,
    pub uncited_metrics: Vec<UncitedMetric>,
    /// The day the audit is as of (`--as-of`, else today), `2026-11-30`.
    pub as_of: String,
    /// Evidence due for review within 90 days or overdue, soonest first.
    pub evidence_due: Vec<DueEvidence>,
    /// Case studies and quotes waiting for the customer's approval.
    pub pending_approvals: Vec<PendingApproval>,
    /// Requirements of `[audit]` that are not met; non-empty means exit 1.
    pub unmet: Vec<String>,
}

fn matrix(site: &Site, industry: Option<usize>) -> Matrix {
    let mut cells = vec![vec![0; site.config.stages.len()]; site.config.roles.len()];
    for &i in &site.articles {
        let m = &site.pages[i].meta;
        if industry.is_some_and(|ind| !m.industries.contains(&ind)) {
            continue;
        }
        if let Some(s) = m.stage {
            for &r in &m.roles {
                cells[r][s] += 1;
            }
        }
    }
    Matrix {
        industry: industry.map(|i| site.industries[i].id.clone()),
        cells,
    }
}

/// Audit `site`, focusing the gap list on `industry` when given.
pub fn audit(site: &Site, industry: Option<usize>) -> Audit {
    let cfg = &site.config;
    let overall = matrix(site, None);
    let by_industry: Vec<Matrix> = (0..site.industries.len())
        .map(|i| matrix(site, Some(i)))
        .collect();
    let focus = match industry {
        Some(i) => &by_industry[i],
        None => &overall,
    };
    let (required, mut unmet) = required_cells(site);
    let gaps = gaps(site, focus, &required);
    for g in gaps.iter().filter(|g| g.required > 0) {
        let scope = g
            .industry
            .as_deref()
            .map(|i| format!(" in {i}"))
            .unwrap_or_default();
        unmet.push(format!(
            "{} × {}{scope}: {} of {} required",
            g.role, g.stage, g.count, g.required
        ));
    }
    let industries_without_case_study = industries_without_case_study(site);
    if cfg.audit.case_study_per_industry {
        for i in &industries_without_case_study {
            unmet.push(format!("industry {i} has no case study"));
        }
    }
    Audit {
        roles: cfg.roles.iter().map(|r| r.id.clone()).collect(),
        role_names: cfg.roles.iter().map(|r| r.name.clone()).collect(),
        stages: cfg.stages.iter().map(|s| s.id.clone()).collect(),
        stage_names: cfg.stages.iter().map(|s| s.name.clone()).collect(),
        path_lengths: site
            .role_paths
            .iter()
            .map(|p| p.iter().map(Vec::len).sum())
            .collect(),
        overall,
        by_industry,
        gaps,
        industries_without_case_study,
        uncited_metrics: uncited_metrics(site),
        as_of: utc_date(site.now).to_string(),
        evidence_due: evidence_due(site),
        pending_approvals: pending_approvals(site),
        unmet,
    }
}

/// `required[role][stage]`: `min_per_cell`, raised to 1 where an `[audit] require`
/// entry (`role:stage`, either may be `*`) names the cell; and the entries that
/// name no cell, as unmet requirements.
fn required_cells(site: &Site) -> (Vec<Vec<usize>>, Vec<String>) {
    let cfg = &site.config;
    let min = cfg.audit.min_per_cell;
    let mut required = vec![vec![min; cfg.stages.len()]; cfg.roles.len()];
    let mut unmet = Vec::new();
    for req in &cfg.audit.require {
        let (role, stage) = req.split_once(':').unwrap_or((req, "*"));
        let roles: Vec<usize> = (0..cfg.roles.len())
            .filter(|&r| role == "*" || cfg.roles[r].id == role)
            .collect();
        let stages: Vec<usize> = (0..cfg.stages.len())
            .filter(|&s| stage == "*" || cfg.stages[s].id == stage)
            .collect();
        if roles.is_empty() || stages.is_empty() {
            unmet.push(format!(
                "[audit] require `{req}` names no role:stage cell of this site"
            ));
        }
        for &r in &roles {
            for &s in &stages {
                required[r][s] = required[r][s].max(1);
            }
        }
    }
    (required, unmet)
}

/// The cells of `focus` below their requirement (an empty cell always is one),
/// in role then stage order.
fn gaps(site: &Site, focus: &Matrix, required: &[Vec<usize>]) -> Vec<Gap> {
    let cfg = &site.config;
    let mut gaps = Vec::new();
    for (r, row) in focus.cells.iter().enumerate() {
        for (s, &count) in row.iter().enumerate() {
            if count < required[r][s].max(1) {
                gaps.push(Gap {
                    role: cfg.roles[r].id.clone(),
                    stage: cfg.stages[s].id.clone(),
                    industry: focus.industry.clone(),
                    count,
                    required: required[r][s],
                });
            }
        }
    }
    gaps
}

fn industries_without_case_study(site: &Site) -> Vec<String> {
    (0..site.industries.len())
        .filter(|&i| {
            !site.by_industry[i]
                .iter()
                .any(|&p| site.pages[p].meta.kind == Kind::CaseStudy)
        })
        .map(|i| site.industries[i].id.clone())
        .collect()
}

fn uncited_metrics(site: &Site) -> Vec<UncitedMetric> {
    let mut uncited = Vec::new();
    for &c in &site.case_studies {
        let meta = &site.pages[c].meta;
        for (k, m) in meta
            .case
            .iter()
            .flat_map(|cs| cs.metrics.iter().enumerate())
        {
            if !site.citations.contains_key(&(c, k)) {
                uncited.push(UncitedMetric {
                    case_study: meta.slug.clone(),
                    metric: m.id.clone(),
                    label: m.label.clone(),
                });
            }
        }
    }
    uncited
}

/// Metrics and shown quotes of published case studies whose review date is at most
/// [`DUE_SOON_DAYS`] away (or past), soonest first.
fn evidence_due(site: &Site) -> Vec<DueEvidence> {
    let today = utc_date(site.now);
    let mut due = Vec::new();
    for &c in &site.case_studies {
        let meta = &site.pages[c].meta;
        let Some(case) = &meta.case else { continue };
        let metrics = case
            .metrics
            .iter()
            .map(|m| ("metric", m.id.clone(), m.label.clone(), &m.review));
        let quotes = case
            .quotes
            .iter()
            .filter(|q| q.approval.granted(site.now))
            .map(|q| ("quote", q.name.clone(), q.text.clone(), &q.review));
        for (kind, id, label, review) in metrics.chain(quotes) {
            let Some(review) = review else { continue };
            let days_left = days_between(today, review.by);
            if days_left <= DUE_SOON_DAYS {
                due.push(DueEvidence {
                    case_study: meta.slug.clone(),
                    path: crate::diagnostics::display_path(&meta.path),
                    kind,
                    id,
                    label,
                    review_by: review.by.to_string(),
                    days_left,
                });
            }
        }
    }
    due.sort_by(|a, b| (a.days_left, &a.path).cmp(&(b.days_left, &b.path)));
    due
}

/// Case studies held back for approval, then quotes of published case studies that
/// are not shown for want of it.
fn pending_approvals(site: &Site) -> Vec<PendingApproval> {
    let held = site.withheld.iter().map(|meta| PendingApproval {
        case_study: meta.slug.clone(),
        path: crate::diagnostics::display_path(&meta.path),
        kind: "case_study",
        name: meta.title.clone(),
        approved_from: approved_from(meta.case.as_ref().map(|c| c.approval)),
    });
    let quotes = site.case_studies.iter().flat_map(|&c| {
        let meta = &site.pages[c].meta;
        meta.case
            .iter()
            .flat_map(|case| &case.quotes)
            .filter(|q| !q.approval.granted(site.now))
            .map(|q| PendingApproval {
                case_study: meta.slug.clone(),
                path: crate::diagnostics::display_path(&meta.path),
                kind: "quote",
                name: q.name.clone(),
                approved_from: approved_from(Some(q.approval)),
            })
    });
    held.chain(quotes).collect()
}

fn approved_from(approval: Option<Approval>) -> String {
    approval
        .and_then(Approval::date)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// The report's page up to the first heading: head, inline styles, title, legend.
const HTML_HEAD: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{marker}\n<title>Content audit · {t}</title>\n<style>\nbody{font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",sans-serif;margin:0;color:#1e293b;background:#f8fafc}\nmain{max-width:72rem;margin:0 auto;padding:2rem 1rem}\nh1{margin-top:0}\ntable.heat{border-collapse:separate;border-spacing:3px;margin:1rem 0 2rem}\n.heat th{font-weight:600;text-align:left;padding:.4rem .6rem}\n.heat thead th{text-align:center}\n.heat td{min-width:5.5rem;height:2.6rem;text-align:center;font-weight:600;border-radius:4px}\n.heat td.empty{background:#fee2e2;color:#991b1b;outline:2px dashed #dc2626;outline-offset:-3px}\n.legend{color:#475569}\nul{padding-left:1.2rem}\n.unmet{background:#fef2f2;border-left:4px solid #dc2626;padding:.5rem 1rem}\n.ok{background:#f0fdf4;border-left:4px solid #16a34a;padding:.5rem 1rem}\n.overdue{color:#9f1239;font-weight:600}\n</style>\n</head>\n<body>\n<main>\n<h1>Content audit: {t}</h1>\n<p class=\"legend\">Published articles and case studies per buying-center role and journey stage. Darker is more; dashed red cells are empty.</p>\n";

impl Audit {
    /// An aligned table per matrix; empty cells are `·` with a `!` marker column.
    pub fn to_text(&self, focus: Option<&str>) -> String {
        let mut out = String::new();
        let matrices: Vec<&Matrix> = match focus {
            Some(id) => self
                .by_industry
                .iter()
                .filter(|m| m.industry.as_deref() == Some(id))
                .collect(),
            None => std::iter::once(&self.overall)
                .chain(&self.by_industry)
                .collect(),
        };
        for m in matrices {
            self.text_matrix(&mut out, m);
        }
        self.text_gaps(&mut out);
        self.text_lists(&mut out);
        out
    }

    /// One matrix as an aligned table, under its title.
    fn text_matrix(&self, out: &mut String, m: &Matrix) {
        let title = match &m.industry {
            Some(i) => format!("Industry {i}: roles × stages"),
            None => "All content: roles × stages (published articles and case studies)".to_string(),
        };
        let _ = writeln!(out, "{title}\n");
        let first = self.roles.iter().map(String::len).max().unwrap_or(4).max(4);
        let widths: Vec<usize> = self.stages.iter().map(|s| s.len().max(3)).collect();
        let _ = write!(out, "{:first$}", "");
        for (s, w) in self.stages.iter().zip(&widths) {
            let _ = write!(out, "  {s:>w$}");
        }
        let _ = writeln!(out, "  total");
        for (r, row) in m.cells.iter().enumerate() {
            let _ = write!(out, "{:first$}", self.roles[r]);
            for (&c, w) in row.iter().zip(&widths) {
                let cell = if c == 0 {
                    "·".to_string()
                } else {
                    c.to_string()
                };
                let _ = write!(out, "  {cell:>w$}");
            }
            let empty = row.iter().filter(|&&c| c == 0).count();
            let mark = if empty > 0 {
                format!("  ! {empty} empty")
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {:>5}{mark}", row.iter().sum::<usize>());
        }
        let _ = writeln!(out);
    }

    fn text_gaps(&self, out: &mut String) {
        let _ = writeln!(out, "Gaps ({}):", self.gaps.len());
        if self.gaps.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for g in &self.gaps {
            let scope = g
                .industry
                .as_deref()
                .map(|i| format!(" [{i}]"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} × {}{scope}: {} page{}",
                g.role,
                g.stage,
                g.count,
                if g.count == 1 { "" } else { "s" }
            );
        }
    }

    /// Role path lengths, industries without a case study, uncited metrics, unmet requirements.
    fn text_lists(&self, out: &mut String) {
        let _ = writeln!(out, "\nRole path lengths:");
        for (r, n) in self.roles.iter().zip(&self.path_lengths) {
            let _ = writeln!(out, "  {r}: {n}");
        }
        let _ = writeln!(
            out,
            "\nIndustries without a case study: {}",
            list_or_none(&self.industries_without_case_study)
        );
        let uncited: Vec<String> = self
            .uncited_metrics
            .iter()
            .map(|m| format!("{}#{}", m.case_study, m.metric))
            .collect();
        let _ = writeln!(
            out,
            "Case-study metrics not cited anywhere: {}",
            list_or_none(&uncited)
        );
        self.text_evidence(out);
        if !self.unmet.is_empty() {
            let _ = writeln!(out, "\nUnmet [audit] requirements ({}):", self.unmet.len());
            for u in &self.unmet {
                let _ = writeln!(out, "  {u}");
            }
        }
    }

    /// Evidence due for review, and approvals still pending.
    fn text_evidence(&self, out: &mut String) {
        let _ = write!(
            out,
            "\nEvidence due for review within {DUE_SOON_DAYS} days of {} ({}):",
            self.as_of,
            self.evidence_due.len()
        );
        if self.evidence_due.is_empty() {
            let _ = write!(out, " none");
        }
        for d in &self.evidence_due {
            let _ = write!(
                out,
                "\n  {}: review by {}, {}",
                d.describe(),
                d.review_by,
                d.when()
            );
        }
        let _ = write!(
            out,
            "\nPending approvals ({}):",
            self.pending_approvals.len()
        );
        if self.pending_approvals.is_empty() {
            let _ = write!(out, " none");
        }
        for p in &self.pending_approvals {
            let _ = write!(out, "\n  {} ({}): {}", p.describe(), p.path, p.state());
        }
        let _ = writeln!(out);
    }

    /// One self-contained HTML page (no external assets) with heat maps and lists.
    /// The report's HTML; it carries [`HTML_MARKER`].
    pub fn to_html(&self, site_title: &str) -> String {
        let e = crate::markdown::escape_attr;
        let max = self
            .overall
            .cells
            .iter()
            .flatten()
            .copied()
            .max()
            .unwrap_or(0)
            .max(1);
        let mut h = HTML_HEAD
            .replace("{marker}", HTML_MARKER)
            .replace("{t}", &e(site_title));
        h.push_str("<h2>All content</h2>\n");
        self.html_heat(&mut h, &self.overall, "All industries", max);
        for m in &self.by_industry {
            let id = m.industry.clone().unwrap_or_default();
            let _ = writeln!(h, "<h2>Industry: {}</h2>", e(&id));
            self.html_heat(&mut h, m, &id, max);
        }
        self.html_lists(&mut h);
        self.html_evidence(&mut h);
        self.html_requirements(&mut h);
        h.push_str("</main>\n</body>\n</html>\n");
        h
    }

    /// One matrix as a heat-map table; `max` is the count of the darkest cell.
    fn html_heat(&self, h: &mut String, m: &Matrix, caption: &str, max: usize) {
        let e = crate::markdown::escape_attr;
        let _ = write!(
            h,
            "<table class=\"heat\" data-industry=\"{}\">\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">Role</th>",
            e(m.industry.as_deref().unwrap_or("all")),
            e(caption)
        );
        for s in &self.stage_names {
            let _ = write!(h, "<th scope=\"col\">{}</th>", e(s));
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for (r, row) in m.cells.iter().enumerate() {
            let _ = write!(h, "<tr><th scope=\"row\">{}</th>", e(&self.role_names[r]));
            for (s, &c) in row.iter().enumerate() {
                let (role, stage) = (e(&self.roles[r]), e(&self.stages[s]));
                if c == 0 {
                    let _ = write!(
                        h,
                        "<td class=\"empty\" data-role=\"{role}\" data-stage=\"{stage}\" title=\"no content\">0</td>"
                    );
                } else {
                    let alpha = 0.15 + 0.85 * (c as f64 / max as f64);
                    let fg = if alpha > 0.55 { "#fff" } else { "#0f172a" };
                    let _ = write!(
                        h,
                        "<td data-role=\"{role}\" data-stage=\"{stage}\" style=\"background:rgba(13,95,117,{alpha:.2});color:{fg}\">{c}</td>"
                    );
                }
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table>\n");
    }

    /// Gaps, role path lengths, industries without a case study, uncited metrics.
    fn html_lists(&self, h: &mut String) {
        let e = crate::markdown::escape_attr;
        let _ = write!(
            h,
            "<h2>Gaps ({})</h2>\n<ul class=\"gaps\">\n",
            self.gaps.len()
        );
        for g in &self.gaps {
            let scope = g
                .industry
                .as_deref()
                .map(|i| format!(" ({})", e(i)))
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<li>{} × {}{scope}: {}</li>",
                e(&g.role),
                e(&g.stage),
                g.count
            );
        }
        h.push_str("</ul>\n<h2>Role path lengths</h2>\n<ul>\n");
        for (r, n) in self.role_names.iter().zip(&self.path_lengths) {
            let _ = writeln!(h, "<li>{}: {n}</li>", e(r));
        }
        let _ = write!(
            h,
            "</ul>\n<h2>Industries without a case study</h2>\n<p>{}</p>\n",
            e(&list_or_none(&self.industries_without_case_study))
        );
        h.push_str("<h2>Case-study metrics not cited anywhere</h2>\n<ul class=\"uncited\">\n");
        for m in &self.uncited_metrics {
            let _ = writeln!(
                h,
                "<li>{} — {} ({})</li>",
                e(&m.case_study),
                e(&m.label),
                e(&m.metric)
            );
        }
        h.push_str("</ul>\n");
    }

    /// Evidence due for review, and approvals still pending.
    fn html_evidence(&self, h: &mut String) {
        let e = crate::markdown::escape_attr;
        let _ = writeln!(
            h,
            "<h2>Evidence due for review within {DUE_SOON_DAYS} days of {}</h2>",
            e(&self.as_of)
        );
        if self.evidence_due.is_empty() {
            h.push_str("<p>None.</p>\n");
        } else {
            h.push_str("<ul class=\"due\">\n");
            for d in &self.evidence_due {
                let class = if d.days_left < 0 {
                    " class=\"overdue\""
                } else {
                    ""
                };
                let _ = writeln!(
                    h,
                    "<li{class}>{}: review by <time datetime=\"{}\">{}</time>, {}</li>",
                    e(&d.describe()),
                    e(&d.review_by),
                    e(&d.review_by),
                    e(&d.when())
                );
            }
            h.push_str("</ul>\n");
        }
        h.push_str("<h2>Pending approvals</h2>\n");
        if self.pending_approvals.is_empty() {
            h.push_str("<p>None.</p>\n");
        } else {
            h.push_str("<ul class=\"pending\">\n");
            for p in &self.pending_approvals {
                let _ = writeln!(
                    h,
                    "<li>{} ({}): {}</li>",
                    e(&p.describe()),
                    e(&p.path),
                    e(&p.state())
                );
            }
            h.push_str("</ul>\n");
        }
    }

    fn html_requirements(&self, h: &mut String) {
        let e = crate::markdown::escape_attr;
        h.push_str("<h2>Requirements</h2>\n");
        if self.unmet.is_empty() {
            h.push_str("<p class=\"ok\">Every [audit] requirement in site.toml is met.</p>\n");
        } else {
            h.push_str("<div class=\"unmet\"><ul>\n");
            for u in &self.unmet {
                let _ = writeln!(h, "<li>{}</li>", e(u));
            }
            h.push_str("</ul></div>\n");
        }
    }
}

impl DueEvidence {
    /// `acme-steel#oee (overall equipment effectiveness)`, `acme-steel: quote by Maria Lopez`
    fn describe(&self) -> String {
        match self.kind {
            "quote" => format!("{}: quote by {}", self.case_study, self.id),
            _ => format!("{}#{} ({})", self.case_study, self.id, self.label),
        }
    }

    /// `in 12 days`, `today`, `3 days overdue`
    fn when(&self) -> String {
        let plural = |n: i64| if n == 1 { "" } else { "s" };
        match self.days_left {
            0 => "today".into(),
            n if n < 0 => format!("{} day{} overdue", -n, plural(-n)),
            n => format!("in {n} day{}", plural(n)),
        }
    }
}

impl PendingApproval {
    /// `case study larkspur (Title)`, `larkspur: quote by Pieter de Waal`
    fn describe(&self) -> String {
        match self.kind {
            "quote" => format!("{}: quote by {}", self.case_study, self.name),
            _ => format!("case study {} ({})", self.case_study, self.name),
        }
    }

    /// `pending`, or `approved from 2027-01-15`
    fn state(&self) -> String {
        if self.approved_from.is_empty() {
            "pending".into()
        } else {
            format!("approved from {}", self.approved_from)
        }
    }
}

fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}
