//! `cairn inventory`: one row per published page, for marketing operations to
//! map into their automation or CMS tools without scraping the site. The
//! columns ([`COLUMNS`]) are stable; `docs/inventory.md` documents each.

use serde::Serialize;

use std::collections::HashMap;

use crate::model::{CaseStudy, Kind, Metric, Page, Site};

/// The columns, in order: the CSV header and the JSON keys.
pub const COLUMNS: [&str; 17] = [
    "url",
    "path",
    "type",
    "title",
    "language",
    "stage",
    "roles",
    "industries",
    "date",
    "updated",
    "word_count",
    "reading_minutes",
    "claims",
    "approval",
    "approved",
    "as_of",
    "review_by",
];

/// How many columns the first inventory had: a CSV starting with their header is one
/// that cairn wrote (and may write over), from this version or an earlier one.
const FIRST_COLUMNS: usize = 13;

/// What marks a CSV inventory as cairn's: the header of the first columns.
pub fn csv_marker() -> String {
    COLUMNS[..FIRST_COLUMNS].join(",")
}

/// What marks a JSON inventory as cairn's (and a file it may write over).
pub const JSON_MARKER: &str = "\"cairn_inventory\"";

/// One published page.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    /// Absolute URL.
    pub url: String,
    /// The source file, relative to the site folder.
    pub path: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub title: &'a str,
    pub language: &'a str,
    /// Stage id; empty for pages outside the journey.
    pub stage: &'a str,
    /// Role ids, in the order written.
    pub roles: Vec<&'a str>,
    /// Industry ids.
    pub industries: Vec<&'a str>,
    /// `2026-03-14`, empty when undated.
    pub date: String,
    /// `2026-03-14`, empty when the page has no `updated`.
    pub updated: String,
    pub word_count: usize,
    pub reading_minutes: usize,
    /// The metrics the page's claims cite, as `case:metric`, each once, in order.
    pub claims: Vec<String>,
    /// Case studies: `approved`, `pending` or `not recorded`; empty for other pages.
    pub approval: &'static str,
    /// Case studies: the day the customer approved publication; else empty.
    pub approved: String,
    /// The earliest `as_of` of the metrics the page shows or cites; empty when none has one.
    pub as_of: String,
    /// The earliest `review_by` of the evidence the page shows or cites; empty when none.
    pub review_by: String,
}

/// Case studies by slug.
type Cases<'a> = HashMap<&'a str, &'a CaseStudy>;

/// Every published page of `site` in every language: the default language's in site
/// order, then each other language's (`[languages]` order), each row in its page's
/// language.
pub fn rows(site: &Site) -> Vec<Row<'_>> {
    // Claims cite case studies by the default language's slug, and a translated case
    // study shares its original's figures and evidence: one map serves every language.
    let cases: Cases = site
        .case_studies
        .iter()
        .filter_map(|&c| {
            let m = &site.pages[c].meta;
            Some((m.slug.as_str(), m.case.as_ref()?))
        })
        .collect();
    site.all()
        .flat_map(|s| {
            // A language's own pages, not the default-language pages its role paths
            // fall back to (those are rows of the default language).
            s.pages[..s.own].iter().map(move |p| (s, p))
        })
        .map(|(s, p)| row(s, &cases, p))
        .collect()
}

fn row<'a>(site: &'a Site, cases: &Cases, page: &'a Page) -> Row<'a> {
    let m = &page.meta;
    let day = |t: Option<jiff::Timestamp>| crate::render::fmt_date(t, "%Y-%m-%d");
    let mut claims: Vec<String> = Vec::new();
    for (case, metric) in page.body.get().claims() {
        if let (Some(case), Some(metric)) = (case, metric) {
            let cited = format!("{case}:{metric}");
            if !claims.contains(&cited) {
                claims.push(cited);
            }
        }
    }
    Row {
        url: site.urls.absolute(&m.url),
        path: crate::diagnostics::display_path(&m.path),
        kind: m.kind,
        title: &m.title,
        language: &site.config.language,
        stage: m.stage.map_or("", |s| site.config.stages[s].id.as_str()),
        roles: m
            .roles
            .iter()
            .map(|&r| site.config.roles[r].id.as_str())
            .collect(),
        industries: m
            .industries
            .iter()
            .map(|&i| site.industries[i].id.as_str())
            .collect(),
        date: day(m.date),
        updated: day(m.updated),
        word_count: page.word_count,
        reading_minutes: page.reading_minutes(),
        approval: m.case.as_ref().map_or("", |c| c.approval.state(site.now)),
        approved: m
            .case
            .as_ref()
            .and_then(|c| c.approval.date())
            .map(|d| d.to_string())
            .unwrap_or_default(),
        as_of: String::new(),
        review_by: String::new(),
        claims,
    }
    .with_evidence(site, cases, m.case.as_ref())
}

impl Row<'_> {
    /// The earliest `as_of` and `review_by` of the metrics `case` (the page's own, for a
    /// case study) shows and of those its claims cite, and of the quotes `case` shows.
    fn with_evidence(mut self, site: &Site, cases: &Cases, case: Option<&CaseStudy>) -> Self {
        let own = case.into_iter().flat_map(|c| &c.metrics);
        let cited = self.claims.iter().filter_map(|claim| {
            let (case, metric) = claim.split_once(':')?;
            cases.get(case)?.metrics.iter().find(|m| m.id == metric)
        });
        let metrics: Vec<&Metric> = own.chain(cited).collect();
        let quotes = case
            .into_iter()
            .flat_map(|c| &c.quotes)
            .filter(|q| q.approval.granted(site.now));
        let reviews = metrics
            .iter()
            .map(|m| &m.review)
            .chain(quotes.map(|q| &q.review));
        let day = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        self.as_of = day(metrics.iter().filter_map(|m| m.as_of).min());
        self.review_by = day(reviews.flatten().map(|r| r.by).min());
        self
    }
}

/// The rows as CSV (RFC 4180, UTF-8, CRLF line ends; with `bom`, a byte-order mark
/// first, for spreadsheets that need it). Lists are joined with `;`, as
/// multi-select fields are imported by most marketing-automation tools.
pub fn to_csv(rows: &[Row], bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    // Writing to memory cannot fail.
    let _ = w.write_record(COLUMNS);
    for r in rows {
        let kind = match r.kind {
            Kind::Article => "article",
            Kind::CaseStudy => "case_study",
            Kind::Page => "page",
        };
        let _ = w.write_record([
            r.url.as_str(),
            &r.path,
            kind,
            r.title,
            r.language,
            r.stage,
            &r.roles.join(";"),
            &r.industries.join(";"),
            &r.date,
            &r.updated,
            &r.word_count.to_string(),
            &r.reading_minutes.to_string(),
            &r.claims.join(";"),
            r.approval,
            &r.approved,
            &r.as_of,
            &r.review_by,
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// The rows as JSON: `{"cairn_inventory": 1, "columns": [...], "pages": [...]}`.
pub fn to_json(rows: &[Row]) -> String {
    let doc = serde_json::json!({
        "cairn_inventory": 1,
        "columns": COLUMNS,
        "pages": rows,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_as_rfc_4180_and_marks_utf8_on_request() {
        let row = Row {
            url: "https://x.test/articles/a/".into(),
            path: "content/articles/a.md".into(),
            kind: Kind::Article,
            title: "Costs, \"true\" costs",
            language: "en",
            stage: "awareness",
            roles: vec!["decider", "user"],
            industries: vec![],
            date: "2026-03-14".into(),
            updated: String::new(),
            word_count: 460,
            reading_minutes: 2,
            claims: vec!["acme:downtime".into(), "acme:oee".into()],
            approval: "",
            approved: String::new(),
            as_of: "2025-06-30".into(),
            review_by: "2027-02-28".into(),
        };
        let csv = String::from_utf8(to_csv(std::slice::from_ref(&row), false)).unwrap();
        assert_eq!(
            csv,
            "url,path,type,title,language,stage,roles,industries,date,updated,word_count,reading_minutes,claims,approval,approved,as_of,review_by\r\n\
             https://x.test/articles/a/,content/articles/a.md,article,\"Costs, \"\"true\"\" costs\",en,awareness,decider;user,,2026-03-14,,460,2,acme:downtime;acme:oee,,,2025-06-30,2027-02-28\r\n"
        );
        let with_bom = to_csv(&[row], true);
        assert_eq!(&with_bom[..3], b"\xef\xbb\xbf");
        assert!(to_json(&[]).contains(JSON_MARKER));
        assert!(csv.starts_with(&csv_marker()));
        assert_eq!(
            csv_marker(),
            "url,path,type,title,language,stage,roles,industries,date,updated,word_count,reading_minutes,claims"
        );
    }
}
