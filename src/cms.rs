//! `cairn cms decap`: a Decap CMS configuration whose collections and select widgets
//! come from the site's vocabularies, so marketers edit in a web form that cannot
//! produce an unknown stage, role or industry. Pure: a [`SiteConfig`] in, the files'
//! text out; [`Written`] decides whether a file on disk may be replaced.

use serde_json::{Value, json};

use crate::config::SiteConfig;
use crate::model::stable_hash;

/// Where the files go, relative to the site folder.
pub const CONFIG_PATH: &str = "static/admin/config.yml";
pub const PAGE_PATH: &str = "static/admin/index.html";

/// The first line of every file cairn writes here.
const MARKER: &str = "Written by `cairn cms decap`";
/// Precedes the checksum of what follows the header, in `config.yml`.
const CHECKSUM: &str = "# cairn-checksum: ";

/// The admin page: loads Decap CMS, which reads `config.yml` beside it.
pub fn page() -> String {
    format!(
        "<!DOCTYPE html>\n<!-- {MARKER}: the page of the content editor at /admin/. -->\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<title>Content editor</title>\n<script src=\"https://unpkg.com/decap-cms@^3.0.0/dist/decap-cms.js\"></script>\n</head>\n<body>\n</body>\n</html>\n"
    )
}

/// `config.yml`: a header with the checksum of the configuration below it.
pub fn config(site: &SiteConfig) -> String {
    let body = serde_saphyr::to_string(&document(site)).unwrap_or_default();
    format!(
        "# {MARKER} from site.toml. Run it again after changing the stages,\n# roles or industries: it replaces this file while it is as cairn wrote it (the\n# checksum below), and refuses once you have edited it; then merge the new\n# version that `cairn cms decap --print` shows.\n{CHECKSUM}{:016x}\n{body}",
        stable_hash(body.as_bytes())
    )
}

/// What is on disk where a file goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    /// Nothing: write it.
    Absent,
    /// cairn's, unchanged since: replace it.
    Ours,
    /// cairn's, edited since: keep it.
    Edited,
    /// Someone else's: keep it.
    Foreign,
}

impl Written {
    /// Classify the text found at a file's place (`None`: no file).
    pub fn of(existing: Option<&str>) -> Written {
        let Some(text) = existing else {
            return Written::Absent;
        };
        if !text.lines().take(3).any(|l| l.contains(MARKER)) {
            return Written::Foreign;
        }
        let Some(at) = text.find(CHECKSUM) else {
            // The page has no checksum: it is cairn's as long as it is what cairn writes.
            return if text == page() {
                Written::Ours
            } else {
                Written::Edited
            };
        };
        let rest = &text[at + CHECKSUM.len()..];
        let (sum, body) = rest.split_once('\n').unwrap_or((rest, ""));
        if sum.trim() == format!("{:016x}", stable_hash(body.as_bytes())) {
            Written::Ours
        } else {
            Written::Edited
        }
    }
}

fn field(label: &str, name: &str, widget: &str) -> Value {
    json!({"label": label, "name": name, "widget": widget})
}

fn optional(mut f: Value) -> Value {
    f["required"] = json!(false);
    f
}

fn date(label: &str, name: &str) -> Value {
    json!({"label": label, "name": name, "widget": "datetime", "format": "YYYY-MM-DD",
        "date_format": "YYYY-MM-DD", "time_format": false})
}

fn select(label: &str, name: &str, options: Vec<(String, String)>, multiple: bool) -> Value {
    let options: Vec<Value> = options
        .into_iter()
        .map(|(value, label)| json!({"label": label, "value": value}))
        .collect();
    let mut f = json!({"label": label, "name": name, "widget": "select", "options": options});
    if multiple {
        f["multiple"] = json!(true);
    }
    f
}

/// The whole configuration.
fn document(site: &SiteConfig) -> Value {
    json!({
        "backend": {"name": "git-gateway", "branch": "main"},
        "publish_mode": "editorial_workflow",
        "media_folder": "static/images",
        "public_folder": "/images",
        "collections": [
            collection("articles", "Articles", "Article", "content/articles", article_fields(site)),
            collection("case-studies", "Case studies", "Case study", "content/case-studies", case_study_fields(site)),
            collection("pages", "Pages", "Page", "content", vec![
                field("Title", "title", "string"),
                optional(field("Summary", "summary", "text")),
                optional(field("Old URLs (redirected here)", "aliases", "list")),
                field("Body", "body", "markdown"),
            ]),
        ],
    })
}

fn collection(name: &str, label: &str, singular: &str, folder: &str, fields: Vec<Value>) -> Value {
    json!({"name": name, "label": label, "label_singular": singular, "folder": folder,
        "create": true, "extension": "md", "format": "toml-frontmatter",
        "slug": "{{slug}}", "fields": fields})
}

/// Title, date, summary, the journey keys from the vocabularies, draft.
fn article_fields(site: &SiteConfig) -> Vec<Value> {
    let stages = site
        .stages
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    let roles = site
        .roles
        .iter()
        .map(|r| (r.id.clone(), r.name.clone()))
        .collect();
    let mut roles = select("Roles", "roles", roles, true);
    roles["min"] = json!(1);
    let industries = if site.industries_closed {
        let options = site
            .industries
            .iter()
            .map(|i| (i.id.clone(), i.name.clone()))
            .collect();
        optional(select("Industries", "industries", options, true))
    } else {
        optional(field("Industries", "industries", "list"))
    };
    let mut draft = field("Draft", "draft", "boolean");
    draft["default"] = json!(true);
    vec![
        field("Title", "title", "string"),
        date("Date", "date"),
        optional(field("Summary", "summary", "text")),
        select("Stage", "stage", stages, false),
        roles,
        industries,
        draft,
        optional(field("Old URLs (redirected here)", "aliases", "list")),
        field("Body", "body", "markdown"),
    ]
}

/// An article's fields (the stage optional: `decision` by default), then the customer,
/// approval, metrics and quotes.
fn case_study_fields(site: &SiteConfig) -> Vec<Value> {
    let mut fields = article_fields(site);
    fields[3] = optional(fields[3].clone());
    let body = fields.pop().expect("the body is last");
    let pending = || {
        vec![(
            "pending".to_string(),
            "Waiting for the customer's approval".to_string(),
        )]
    };
    let id = json!({"label": "Id", "name": "id", "widget": "string",
        "pattern": ["^[a-z0-9]+(-[a-z0-9]+)*$", "lowercase letters, digits and hyphens"]});
    let better = vec![
        ("lower".to_string(), "Lower is better".to_string()),
        ("higher".to_string(), "Higher is better".to_string()),
    ];
    let number = |label: &str, name: &str| json!({"label": label, "name": name, "widget": "number", "value_type": "float"});
    fields.extend([
        field("Customer", "customer", "string"),
        optional(date("Approved by the customer on", "approved")),
        optional(select("Approval", "approval", pending(), false)),
        optional(
            json!({"label": "Metrics", "name": "metrics", "widget": "list", "fields": [
                id,
                field("Label", "label", "string"),
                optional(field("Unit", "unit", "string")),
                number("Before", "before"),
                number("After", "after"),
                select("Better", "better", better, false),
                optional(field("Period", "period", "string")),
                field("Source", "source", "string"),
                optional(date("Measured on", "as_of")),
                optional(date("Review by", "review_by")),
            ]}),
        ),
        optional(
            json!({"label": "Quotes", "name": "quotes", "widget": "list", "fields": [
                field("Text", "text", "text"),
                field("Name", "name", "string"),
                optional(field("Job title", "title", "string")),
                optional(field("Company", "company", "string")),
                optional(date("Approved on", "approved")),
                optional(select("Approval", "approval", pending(), false)),
                optional(date("Review by", "review_by")),
            ]}),
        ),
        body,
    ]);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_only_while_it_is_as_cairn_wrote_it() {
        let site = SiteConfig::parse("title = \"T\"\nbase_url = \"https://x.test\"\n").unwrap();
        let text = config(&site);
        let rows = [
            (None, Written::Absent),
            (Some(text.clone()), Written::Ours),
            (Some(text.replace("git-gateway", "github")), Written::Edited),
            (
                Some("backend:\n  name: github\n".to_string()),
                Written::Foreign,
            ),
            (Some(page()), Written::Ours),
            (
                Some(page().replace("Content editor", "Editor")),
                Written::Edited,
            ),
        ];
        for (i, (existing, want)) in rows.into_iter().enumerate() {
            assert_eq!(Written::of(existing.as_deref()), want, "row {i}");
        }
    }
}
