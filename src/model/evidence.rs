//! The evidence lifecycle: when a metric was measured (`as_of`), when a metric or
//! quote must be checked again (`review_by`), and whether the customer approved a
//! case study or a quote (`approved = DATE`, `approval = "pending"`).
//!
//! Resolved with each page's metadata (phase 2). Approval decides what is published
//! (a case study waiting for approval is held back like a draft; a quote waiting for
//! approval is not shown); [`overdue`] is the phase that reports published evidence
//! past its review date. "Today" is the build's `now` (`--as-of`), in UTC.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;

use super::meta::Front;
use super::{Page, PageMeta, Quote};
use crate::diagnostics::{Code, Diagnostic, Level};
use crate::frontmatter::{FmDate, RawQuote};

/// How many days ahead a review date counts as due soon (`/proof/`, `audit`).
pub const DUE_SOON_DAYS: i64 = 90;

/// Whether the customer approved publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Approval {
    /// Neither `approved` nor `approval` is written: published as before.
    Unrecorded,
    /// `approval = "pending"`.
    Pending,
    /// `approved = DATE`: approved from the start of that day (UTC).
    Approved(Timestamp),
}

impl Approval {
    /// Whether what it approves may be published at `now`: an approval dated later
    /// is still pending.
    pub fn granted(self, now: Timestamp) -> bool {
        match self {
            Approval::Unrecorded => true,
            Approval::Pending => false,
            Approval::Approved(t) => t <= now,
        }
    }

    /// When it is granted, if that lies after `now`.
    pub fn granted_later(self, now: Timestamp) -> Option<Timestamp> {
        match self {
            Approval::Approved(t) if t > now => Some(t),
            _ => None,
        }
    }

    /// `approved`, `pending` or `not recorded`, as of `now`.
    pub fn state(self, now: Timestamp) -> &'static str {
        match self {
            Approval::Unrecorded => "not recorded",
            Approval::Approved(t) if t <= now => "approved",
            _ => "pending",
        }
    }

    /// The approval's day, when one is written.
    pub fn date(self) -> Option<Date> {
        match self {
            Approval::Approved(t) => Some(utc_date(t)),
            _ => None,
        }
    }
}

/// A date by which evidence must be checked again, with the diagnostic to give once
/// it has passed (made where the date is written, so no later phase needs the text).
#[derive(Debug, Clone)]
pub struct Review {
    pub by: Date,
    pub overdue: Diagnostic,
}

/// Where a review date stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Past its review date.
    Overdue,
    /// Due within [`DUE_SOON_DAYS`].
    DueSoon,
    /// Due later.
    Current,
    /// No review date.
    Unscheduled,
}

impl Status {
    /// The status of evidence to be reviewed by `by` (if at all), on `today`.
    pub fn of(by: Option<Date>, today: Date) -> Status {
        match by {
            None => Status::Unscheduled,
            Some(by) if by < today => Status::Overdue,
            Some(by) if days_between(today, by) <= DUE_SOON_DAYS => Status::DueSoon,
            Some(_) => Status::Current,
        }
    }
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map_or(0, |span| i64::from(span.get_days()))
}

/// The day `t` falls on, in UTC.
pub fn utc_date(t: Timestamp) -> Date {
    t.to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// A case study's (or quote's) approval from `approved` and `approval` (written at
/// `at`); both, or an `approval` other than `"pending"`, is an error.
pub(super) fn approval_of(
    front: &Front,
    approved: Option<FmDate>,
    approval: Option<&str>,
    at: usize,
    errors: &mut Vec<Diagnostic>,
) -> Approval {
    let err = |message: String, hint: &str| {
        front
            .err(Code::EvidenceInvalid, message)
            .at(front.text(), at)
            .with_hint(hint)
    };
    match (approved, approval.map(str::trim)) {
        (None, None) => Approval::Unrecorded,
        (Some(d), None) => Approval::Approved(d.0),
        (None, Some("pending")) => Approval::Pending,
        (Some(_), Some(_)) => {
            errors.push(err(
                "both `approved` and `approval` are written".into(),
                "keep `approved = DATE` once the customer has signed off, or `approval = \"pending\"` until then",
            ));
            Approval::Pending
        }
        (None, Some(other)) => {
            errors.push(err(
                format!("`approval = \"{other}\"` must be \"pending\""),
                "write `approved = 2026-01-15` (the day the customer signed off) once approved, `approval = \"pending\"` until then",
            ));
            Approval::Pending
        }
    }
}

/// A review date written at `at` for `what` (`metric `downtime``), checked against the
/// day the evidence was measured, if known.
pub(super) fn review_of(
    front: &Front,
    what: &str,
    review_by: Option<FmDate>,
    as_of: Option<Date>,
    at: usize,
    errors: &mut Vec<Diagnostic>,
) -> Option<Review> {
    let by = utc_date(review_by?.0);
    if let Some(as_of) = as_of.filter(|&d| by < d) {
        errors.push(
            front
                .err(
                    Code::EvidenceInvalid,
                    format!("{what}: `review_by = {by}` is before `as_of = {as_of}`"),
                )
                .at(front.text(), at)
                .with_hint("a review date comes after the day the figures were measured"),
        );
    }
    let mut overdue = front
        .err(
            Code::EvidenceOverdue,
            format!("{what} was due for review on {by}"),
        )
        .at(front.text(), at)
        .with_hint("check it with the customer and set a new `review_by`, or remove it");
    overdue.level = Level::Warning;
    Some(Review { by, overdue })
}

/// A case study's quotes, with their approval (a quote without one takes the case
/// study's) and review dates.
pub(super) fn quotes_of(
    front: &Front,
    raw: Vec<RawQuote>,
    case_approval: Approval,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Quote> {
    raw.into_iter()
        .map(|q| {
            let own = approval_of(
                front,
                q.approved,
                q.approval.as_deref(),
                q.approval_offset,
                errors,
            );
            let what = format!("the quote by {}", q.name.trim());
            let review = review_of(front, &what, q.review_by, None, q.review_by_offset, errors);
            Quote {
                text: q.text,
                name: q.name,
                title: q.title,
                company: q.company,
                approval: if own == Approval::Unrecorded {
                    case_approval
                } else {
                    own
                },
                review,
            }
        })
        .collect()
}

/// Phase 8. Takes the published pages and today's date; gives a warning for each
/// metric, and each shown quote, past its review date.
pub(super) fn overdue(pages: &[Page], now: Timestamp) -> Vec<Diagnostic> {
    let today = utc_date(now);
    let mut found = Vec::new();
    for case in pages.iter().filter_map(|p| p.meta.case.as_ref()) {
        let metrics = case.metrics.iter().map(|m| &m.review);
        let quotes = case
            .quotes
            .iter()
            .filter(|q| q.approval.granted(now))
            .map(|q| &q.review);
        for review in metrics.chain(quotes).flatten() {
            if review.by < today {
                found.push(review.overdue.clone());
            }
        }
    }
    found
}

/// Phase 6b. Takes every page's metadata; gives the case studies held back only
/// because they wait for the customer's approval (not drafts), in path order.
pub(super) fn withheld(metas: &[super::bodies::MetaAt], now: Timestamp) -> Vec<Arc<PageMeta>> {
    let mut held: Vec<Arc<PageMeta>> = metas
        .iter()
        .map(|(m, _)| m)
        .filter(|m| !m.published && !m.draft)
        .filter(|m| m.case.as_ref().is_some_and(|c| !c.approval.granted(now)))
        .cloned()
        .collect();
    held.sort_by(|a, b| a.content_path.cmp(&b.content_path));
    held
}
