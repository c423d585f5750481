//! `cairn schema`: JSON Schemas (draft 2020-12) for `site.toml` and for the front
//! matter of each kind of page, with the site's own stage, role (aliases included) and
//! industry ids as enums, so editors complete them and flag a typo while typing. Pure:
//! a [`SiteConfig`] in, JSON values out; `main` writes them.

use serde_json::{Value, json};

use crate::config::SiteConfig;

/// Marks a schema file as cairn's: `cairn schema` writes over only a file that has it.
pub const MARKER: &str = "\"$comment\": \"Written by cairn schema";

/// The schema files, by name: `site.schema.json`, then one per kind of page.
pub fn all(config: &SiteConfig) -> Vec<(&'static str, Value)> {
    vec![
        ("site.schema.json", site()),
        ("article.schema.json", front_matter(config, Kind::Article)),
        (
            "case-study.schema.json",
            front_matter(config, Kind::CaseStudy),
        ),
        ("page.schema.json", front_matter(config, Kind::Page)),
        ("translation.schema.json", translation()),
    ]
}

/// The front matter of a translation (`x.zh.md` beside `x.md`): only what differs
/// between languages; the rest comes from the page it translates.
pub fn translation() -> Value {
    let mut p = serde_json::Map::new();
    p.insert("title".into(), text("The title in this language."));
    p.insert("summary".into(), json!({"type": "string"}));
    p.insert(
        "slug".into(),
        text("The URL name in this language (default: the original's)."),
    );
    p.insert(
        "updated".into(),
        date("When this translation last changed."),
    );
    p.insert("draft".into(), json!({"type": "boolean"}));
    p.insert("author".into(), json!({"type": "string"}));
    p.insert(
        "aliases".into(),
        list_of(
            json!({"type": "string", "pattern": "^/"}),
            "Old URLs of this translation.",
        ),
    );
    p.insert("image".into(), text("The page's image for social previews: a file beside the page (`hero.png`), a path from the site's root, or an absolute URL; needs `image_alt`."));
    p.insert("image_alt".into(), text("What the image shows, in words."));
    p.insert("extra".into(), json!({"type": "object"}));
    p.insert(
        "metrics".into(),
        json!({"type": "array", "items": {"type": "object", "additionalProperties": false,
        "required": ["id"],
        "properties": {
            "id": text("The id of the original's metric this translates."),
            "label": {"type": "string"},
            "claim_label": text("The label as a claim's sentence uses it."),
            "unit": {"type": "string"},
            "period": {"type": "string"},
            "source": {"type": "string"},
        }}}),
    );
    p.insert(
        "quotes".into(),
        json!({"type": "array", "items": {"type": "object", "additionalProperties": false,
        "required": ["text"],
        "properties": {
            "text": text("The quote in this language."),
            "name": {"type": "string"},
            "title": {"type": "string"},
            "company": {"type": "string"},
        }}}),
    );
    document("cairn translation front matter", p, &[])
}

/// The kinds of page, each with its own keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Article,
    CaseStudy,
    Page,
}

/// A date as front matter and TOML-aware editors see it: `2026-03-14`, with an
/// optional time (`2026-03-14T09:30:00Z`, `2026-03-14 09:30`).
fn date(description: &str) -> Value {
    json!({
        "type": "string",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?)?$",
        "description": description,
    })
}

fn text(description: &str) -> Value {
    json!({"type": "string", "minLength": 1, "description": description})
}

fn one_of(ids: Vec<String>, description: &str) -> Value {
    json!({"type": "string", "enum": ids, "description": description})
}

fn list_of(item: Value, description: &str) -> Value {
    json!({"type": "array", "items": item, "uniqueItems": true, "description": description})
}

/// A schema document around `properties`.
fn document(title: &str, properties: serde_json::Map<String, Value>, required: &[&str]) -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "$comment": "Written by cairn schema from site.toml: run it again after changing the vocabularies.",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The front matter of `kind`: the keys cairn takes for it, the site's ids as enums.
pub fn front_matter(config: &SiteConfig, kind: Kind) -> Value {
    let mut p = serde_json::Map::new();
    p.insert("title".into(), text("The page's title."));
    p.insert("summary".into(), json!({"type": "string", "description": "One or two sentences for cards, feeds and the meta description."}));
    p.insert(
        "slug".into(),
        text("The last part of the URL, instead of the file name."),
    );
    p.insert("author".into(), text("Instead of site.toml's author."));
    p.insert("weight".into(), json!({"type": "integer", "description": "Order within a stage of a role's path: lower first; pages without come last."}));
    p.insert(
        "draft".into(),
        json!({"type": "boolean", "description": "Not published unless --drafts."}),
    );
    p.insert(
        "date".into(),
        date("Publication date; a date in the future is published from then on."),
    );
    p.insert(
        "updated".into(),
        date("When the page was last changed substantially."),
    );
    p.insert(
        "extra".into(),
        json!({"type": "object", "description": "Free-form values for templates."}),
    );
    p.insert(
        "aliases".into(),
        list_of(
            json!({"type": "string", "pattern": "^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]+$"}),
            "Old URLs of the page (`/blog/old-post/`): each redirects here.",
        ),
    );
    p.insert("image".into(), text("The page's image for social previews: a file beside the page (`hero.png`), a path from the site's root, or an absolute URL; needs `image_alt`."));
    p.insert("image_alt".into(), text("What the image shows, in words."));
    let required: &[&str] = match kind {
        Kind::Page => &["title"],
        Kind::Article => &["title", "date", "stage"],
        Kind::CaseStudy => &["title", "date", "customer"],
    };
    if kind != Kind::Page {
        journey(config, &mut p);
    }
    if kind == Kind::CaseStudy {
        case_study(&mut p);
    }
    let title = match kind {
        Kind::Article => "cairn article front matter",
        Kind::CaseStudy => "cairn case-study front matter",
        Kind::Page => "cairn page front matter",
    };
    document(title, p, required)
}

/// `stage`, `roles` and `industries`, from the site's vocabularies.
fn journey(config: &SiteConfig, p: &mut serde_json::Map<String, Value>) {
    let stages = config.stages.iter().map(|s| s.id.clone()).collect();
    let names: Vec<String> = config.stages.iter().map(|s| s.name.clone()).collect();
    p.insert(
        "stage".into(),
        one_of(stages, &format!("Journey stage: {}.", names.join(", "))),
    );
    let roles: Vec<String> = config
        .roles
        .iter()
        .flat_map(|r| std::iter::once(r.id.clone()).chain(r.aliases.iter().cloned()))
        .collect();
    let role_names: Vec<String> = config
        .roles
        .iter()
        .map(|r| format!("{} ({})", r.id, r.name))
        .collect();
    p.insert(
        "roles".into(),
        list_of(
            json!({"type": "string", "enum": roles}),
            &format!(
                "Buying-center roles: {}; or an alias.",
                role_names.join(", ")
            ),
        ),
    );
    let industry = if config.industries_closed {
        json!({"type": "string", "enum": config.industries.iter().map(|i| i.id.clone()).collect::<Vec<_>>()})
    } else {
        json!({"type": "string", "minLength": 1})
    };
    p.insert(
        "industries".into(),
        list_of(industry, "Industries the page serves."),
    );
}

/// The keys only case studies take.
fn case_study(p: &mut serde_json::Map<String, Value>) {
    p.insert("customer".into(), text("The customer's name."));
    p.insert(
        "featured".into(),
        json!({"type": "boolean", "description": "Show on the home page."}),
    );
    p.insert(
        "approved".into(),
        date("The day the customer approved publication."),
    );
    p.insert("approval".into(), json!({"enum": ["pending"], "description": "\"pending\" until the customer approves: not published."}));
    p.insert("metrics_from".into(), json!({"type": "string", "pattern": "\\.csv$", "description": "A CSV of data/ with one row per metric, instead of [[metrics]]."}));
    p.insert(
        "metrics".into(),
        list_of(
            metric(),
            "Before/after measurements; claims are computed from them.",
        ),
    );
    p.insert("quotes".into(), list_of(quote(), "What the customer said."));
}

fn metric() -> Value {
    let number = |d: &str| json!({"type": "number", "description": d});
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "label", "before", "after", "better", "source"],
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "description": "Unique within the case study; the anchor #metric-<id>."},
            "label": text("What was measured: `unplanned downtime`."),
            "unit": {"type": "string", "description": "`%` claims percentage points; anything else is printed after the figure."},
            "before": number("The figure before."),
            "after": number("The figure after."),
            "better": {"enum": ["lower", "higher"], "description": "Which direction is an improvement."},
            "period": {"type": "string"},
            "source": text("Where the figures come from."),
            "claim_label": text("The label as a claim's sentence uses it, when the language inflects it."),
            "as_of": date("When the figures were measured."),
            "review_by": date("When they must be checked again."),
        }
    })
}

fn quote() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["text", "name"],
        "properties": {
            "text": text("The quotation."),
            "name": text("Who said it."),
            "title": {"type": "string"},
            "company": {"type": "string"},
            "approved": date("The day the customer approved the quote."),
            "approval": {"enum": ["pending"]},
            "review_by": date("When the quote must be checked again."),
        }
    })
}

/// `site.toml`.
pub fn site() -> Value {
    let id = json!({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"});
    let term = |extra: Value| {
        let mut props = json!({
            "id": id.clone(),
            "name": text("Shown to readers."),
            "description": {"type": "string"},
        });
        if let (Some(p), Some(e)) = (props.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        json!({"type": "object", "additionalProperties": false, "required": ["id", "name"], "properties": props})
    };
    let cta = json!({"type": "object", "additionalProperties": false, "required": ["text", "url"],
        "properties": {"text": {"type": "string"}, "url": {"type": "string"}}});
    let mut p = serde_json::Map::new();
    p.insert("title".into(), text("The site's name."));
    p.insert("base_url".into(), json!({"type": "string", "pattern": "^https?://[^\\s?#@]+$", "description": "Absolute URL the site is served from."}));
    p.insert("description".into(), json!({"type": "string"}));
    p.insert(
        "language".into(),
        json!({"type": "string", "description": "The site's language, `en` by default."}),
    );
    p.insert(
        "theme".into(),
        json!({"type": "string", "pattern": "^[^./][^/]*$"}),
    );
    p.insert("safe_html".into(), json!({"type": "boolean"}));
    p.insert(
        "per_page".into(),
        json!({"type": "integer", "minimum": 0, "description": "Cards per page of /articles/, stage and industry listings; 0: one page. Default 100."}),
    );
    p.insert(
        "feed_limit".into(),
        json!({"type": "integer", "minimum": 1}),
    );
    p.insert("author".into(), json!({"type": "string"}));
    p.insert(
        "stages".into(),
        json!({"type": "array", "minItems": 1, "items": term(json!({"cta": cta}))}),
    );
    p.insert("roles".into(), json!({"type": "array", "minItems": 1, "items": term(json!({"aliases": {"type": "array", "items": id}}))}));
    p.insert(
        "industries".into(),
        json!({"type": "array", "items": term(json!({}))}),
    );
    p.insert("audit".into(), json!({"type": "object", "additionalProperties": false, "properties": {
        "min_per_cell": {"type": "integer", "minimum": 0},
        "require": {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9*-]+(:[a-z0-9*-]+)?$"}},
        "case_study_per_industry": {"type": "boolean"},
    }}));
    p.insert(
        "campaign".into(),
        json!({"type": "object", "additionalProperties": false,
        "description": "UTM parameters for the stages' calls to action.",
        "properties": {
            "utm_source": {"type": "string"},
            "utm_medium": {"type": "string"},
            "utm_campaign": {"type": "string"},
        }}),
    );
    let translated = json!({"type": "object", "additionalProperties": {
    "type": "object", "additionalProperties": false,
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "cta": {"anyOf": [{"type": "string"}, cta]},
    }}});
    p.insert(
        "languages".into(),
        json!({"type": "object",
        "description": "The site's other languages, by code (`zh`, `fi`): published under /<code>/.",
        "propertyNames": {"pattern": "^[a-z]{2,3}(-[a-z0-9]{2,8})*$"},
        "additionalProperties": {"type": "object", "additionalProperties": false, "properties": {
            "name": {"type": "string", "description": "The language's name in itself, for the language switcher."},
            "locale": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "stages": translated,
            "roles": translated,
            "industries": translated,
        }}}),
    );
    p.insert(
        "email".into(),
        json!({"type": "object", "additionalProperties": false,
        "description": "An email edition (email.html, email.txt) beside every article and case study.",
        "properties": {"enabled": {"type": "boolean"}}}),
    );
    p.insert(
        "search".into(),
        json!({"type": "object", "additionalProperties": false,
        "description": "Site search: the index under /pagefind/ and the /search/ page.",
        "properties": {
            "enabled": {"type": "boolean", "description": "Write the search index and page; true by default."},
            "exclude": {"type": "array", "uniqueItems": true, "items": {"type": "string", "pattern": "^[^/]+$"},
                "description": "Sections left out of the index: the first folder of a page's URL (`about`, `case-studies`)."},
        }}),
    );
    p.insert(
        "social".into(),
        json!({"type": "object", "additionalProperties": false, "required": ["image", "image_alt"],
        "description": "The image of social previews for pages that name none.",
        "properties": {
            "image": {"type": "string", "description": "A path from the site's root (a file of static/) or an absolute URL."},
            "image_alt": {"type": "string", "minLength": 1},
        }}),
    );
    p.insert(
        "markdown".into(),
        json!({"type": "object", "additionalProperties": false,
        "description": "How bodies are rendered.",
        "properties": {
            "highlight": {"type": "boolean", "description": "Highlight fenced code (classes hl-*, styled by the theme). Default: false."},
        }}),
    );
    p.insert(
        "images".into(),
        json!({"type": "object", "additionalProperties": false,
        "description": "Responsive images: resized variants, srcset and sizes (docs/images.md).",
        "properties": {
            "enabled": {"type": "boolean", "description": "Resize images and write srcset; true by default."},
            "widths": {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 16, "maximum": 8192},
                "description": "Widths in pixels images are resized to (never enlarged). Default: [480, 960, 1600]."},
            "format": {"enum": crate::config::IMAGE_FORMATS, "description": "auto (JPEG stays JPEG, the rest lossless WebP), jpeg, webp, or avif (cargo feature `avif`)."},
            "quality": {"type": "integer", "minimum": 1, "maximum": 100, "description": "JPEG and AVIF quality. Default: 80."},
            "sizes": {"type": "string", "description": "The sizes attribute of body images: how wide the theme shows them."},
        }}),
    );
    p.insert("extra".into(), json!({"type": "object"}));
    document("cairn site.toml", p, &["title", "base_url"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(schema: &Value) -> Vec<String> {
        let mut k: Vec<String> = schema["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    }

    /// A key cairn takes that a schema lacks would be flagged as a typo in the editor;
    /// a key it does not take would be offered. Both lists come from the structs.
    #[test]
    fn schemas_name_exactly_the_keys_cairn_takes() {
        let config = SiteConfig::parse("title = \"T\"\nbase_url = \"https://x.test\"\n").unwrap();
        let mut front = crate::config::expected_keys::<crate::frontmatter::RawFrontMatter>();
        front.sort();
        assert_eq!(keys(&front_matter(&config, Kind::CaseStudy)), front);
        let mut metric = crate::config::expected_keys::<crate::frontmatter::RawMetric>();
        metric.sort();
        assert_eq!(keys(&super::metric()), metric);
        let mut quote = crate::config::expected_keys::<crate::frontmatter::RawQuote>();
        quote.sort();
        assert_eq!(keys(&super::quote()), quote);
        let mut site = crate::config::config_keys();
        site.sort();
        assert_eq!(keys(&super::site()), site);
    }
}
