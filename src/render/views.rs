//! The typed views templates receive, and how each is made from the [`Site`]:
//! vocabulary terms, cards, metrics with their claims, JSON-LD. Every value a
//! template shows is computed here, once.

use serde::Serialize;

use crate::claims;
use crate::config::Cta;
use crate::model::evidence::utc_date;
use crate::model::read_next::Why;
use crate::model::{Kind, Page, Quote, Site, Status};
use crate::urls;

/// A vocabulary term as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct TermView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub url: String,
    /// Atom feed (roles and industries), empty for stages.
    pub feed_url: String,
    /// The stage's call to action; a root-relative URL carries the base path.
    pub cta: Option<Cta>,
    /// Published articles and case studies with this term.
    pub count: usize,
}

/// Site-wide values, in every template as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The language of the page (`zh`): its code as `<html lang>` and `hreflang` take it.
    pub language: &'a str,
    /// The interface strings of the page's language (`site.t.start_with_role`).
    pub t: &'a std::collections::BTreeMap<String, String>,
    /// The links of the site's own pages in the page's language (`site.links.roles`).
    pub links: SiteLinks,
    /// Every language of the site, with its home page; empty for a site in one language.
    pub languages: Vec<LanguageView<'a>>,
    /// `[social] image`: the preview image of pages without their own.
    pub social_image: Option<ImageView>,
    /// Absolute, no trailing slash.
    pub base_url: &'a str,
    /// Prefix of every internal URL (`/blog`, or empty).
    pub base_path: &'a str,
    pub stages: Vec<TermView<'a>>,
    pub roles: Vec<TermView<'a>>,
    pub industries: Vec<TermView<'a>>,
    pub extra: &'a serde_json::Value,
    pub article_count: usize,
    pub case_study_count: usize,
    pub generator: &'static str,
    /// Script injected by `cairn serve` for live reload; empty otherwise.
    pub live_reload: &'a str,
    /// Whether the site has a search page (`/search/`) and index (`/pagefind/`).
    pub search: bool,
    /// The links of the parts of this language's index that its search merges into the
    /// first (`/pagefind/part2/`…; none below `[search] part_pages` pages).
    pub search_parts: Vec<String>,
    /// `[markdown] highlight`: code has `hl-*` classes for the theme to style.
    pub highlight: bool,
}

/// An image as previews and templates show it.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct ImageView {
    /// Absolute.
    pub url: String,
    pub alt: String,
    /// For an image of the site cairn reads: its URL from the root (base path in
    /// front), its size as shown, and its resized variants (`srcset`, with the
    /// `sizes` of `[images]`), for an `<img>` without layout shift.
    pub src: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub srcset: Option<String>,
    pub sizes: Option<String>,
}

impl ImageView {
    /// `url` (a site path or an absolute URL) as an absolute URL, with its `alt`, and
    /// for an image of the site, what its `<img>` needs.
    pub fn of(site: &Site, url: &str, alt: &str) -> ImageView {
        let mut view = ImageView {
            url: url.to_string(),
            alt: alt.to_string(),
            src: None,
            width: None,
            height: None,
            srcset: None,
            sizes: None,
        };
        if !url.starts_with('/') {
            return view;
        }
        view.url = site.urls.absolute(url);
        if let Some(Ok(picture)) = site.images.get(url) {
            let a = site.images.attributes(picture, site.urls.base_path());
            view.src = Some(a.src);
            view.width = Some(a.width);
            view.height = Some(a.height);
            (view.srcset, view.sizes) = a.srcset.unzip();
        }
        view
    }
}

/// The links of the listings, feed and sitemap (with the base path), in one language.
#[derive(Debug, Clone, Serialize)]
pub struct SiteLinks {
    pub home: String,
    /// The home page's absolute URL.
    pub home_permalink: String,
    pub articles: String,
    pub case_studies: String,
    pub roles: String,
    pub stages: String,
    pub industries: String,
    pub proof: String,
    pub feed: String,
    pub sitemap: String,
    /// The search page of this language (it searches this language's pages).
    pub search: String,
    /// Files for every language: the stylesheet and icons live at the base path.
    pub assets: String,
}

impl SiteLinks {
    pub fn of(site: &Site) -> SiteLinks {
        let u = &site.urls;
        SiteLinks {
            home: u.href(&u.home()),
            home_permalink: u.absolute(&u.home()),
            articles: u.href(&u.articles()),
            case_studies: u.href(&u.case_studies()),
            roles: u.href(&u.roles()),
            stages: u.href(&u.stages()),
            industries: u.href(&u.industries()),
            proof: u.href(&u.proof()),
            feed: u.href(&u.feed()),
            sitemap: u.href(&u.sitemap()),
            search: u.href(&u.search()),
            assets: u.base_path().to_string(),
        }
    }
}

/// A language, or a page in a language: for the language switcher and `hreflang`.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct LanguageView<'a> {
    /// `zh`: the `hreflang`.
    pub code: &'a str,
    /// In the language itself: `简体中文`.
    pub name: &'a str,
    /// The link (with the base path).
    pub url: String,
    /// Absolute, for `<link rel="alternate" hreflang>`.
    pub permalink: String,
    /// The language of the page showing it.
    pub current: bool,
    /// The site's default language (`hreflang="x-default"`).
    pub default: bool,
    /// Whether `url` is this page in the language; when not, it is the language's home.
    pub exists: bool,
}

impl<'a> LanguageView<'a> {
    /// The site's languages, each with its home page (none for a site in one language).
    pub fn homes(site: &'a Site) -> Vec<LanguageView<'a>> {
        let a = &site.alternates;
        a.languages
            .iter()
            .enumerate()
            .map(|(l, (code, name, home))| LanguageView {
                code,
                name,
                url: site.urls.href(home),
                permalink: site.urls.absolute(home),
                current: l == site.lang,
                default: l == 0,
                exists: true,
            })
            .collect()
    }

    /// Every language of the site, each with the page at site path `url` (of this site's
    /// language) in it: `versions` gives each language's path of it (none: the language
    /// has no such page, and its home is given instead). Empty for a site in one language.
    pub fn versions(
        site: &'a Site,
        versions: impl Fn(usize) -> Option<String>,
    ) -> Vec<LanguageView<'a>> {
        let mut all = Self::homes(site);
        if all.len() < 2 {
            return Vec::new();
        }
        for (l, v) in all.iter_mut().enumerate() {
            if let Some(path) = versions(l) {
                v.url = site.urls.href(&path);
                v.permalink = site.urls.absolute(&path);
            } else {
                v.exists = false;
            }
        }
        all
    }
}

/// `t` as the language of `words` writes a day: `14 March 2026`, `2026年3月14日`, `14.3.2026`.
pub fn show_date(words: &crate::lang::Words, t: Option<jiff::Timestamp>) -> String {
    let Some(t) = t else {
        return String::new();
    };
    let dt = jiff::tz::Offset::UTC.to_datetime(t);
    let month = dt.month() as usize;
    let months: Vec<&str> = words.get("months").split_whitespace().collect();
    words
        .get("date_format")
        .replace("{day}", &dt.day().to_string())
        .replace("{month}", &month.to_string())
        .replace("{month_name}", months.get(month - 1).copied().unwrap_or(""))
        .replace("{year}", &dt.year().to_string())
}

/// A metric with its computed claim.
#[derive(Debug, Clone, Serialize)]
pub struct MetricView<'a> {
    pub id: &'a str,
    /// `metric-<id>`: the anchor on the case-study page.
    pub anchor: String,
    pub url: String,
    pub label: &'a str,
    pub unit: &'a str,
    pub before: String,
    pub after: String,
    pub better: claims::Better,
    /// `from 120 to 70 hours/month`
    pub change: String,
    /// `reduced unplanned downtime by 41%`; empty when the metric supports no claim.
    pub claim: String,
    /// `41%`; empty when none, and for a metric in percent (see `points`).
    pub percent: String,
    /// `10 percentage points`, for a metric in percent; empty otherwise.
    pub points: String,
    /// `1.7×`; empty when none.
    pub multiple: String,
    pub period: &'a str,
    pub source: &'a str,
    /// When the figures were measured.
    pub as_of: Option<DateView>,
    /// When they must be checked again.
    pub review_by: Option<DateView>,
    /// `current`, `due-soon` (within 90 days), `overdue` or `unscheduled`, as of the build's day.
    pub status: Status,
    /// Pages whose claims cite this metric.
    pub cited_by: Vec<LinkView<'a>>,
}

/// A date as templates show it.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// `2026-03-14`
    pub date: String,
    /// `14 March 2026`
    pub display: String,
}

impl DateView {
    pub fn of(site: &Site, date: Option<jiff::civil::Date>) -> Option<DateView> {
        let t = date?.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
        Some(DateView {
            date: fmt_date(Some(t), "%Y-%m-%d"),
            display: show_date(&site.words, Some(t)),
        })
    }
}

/// A customer quote the page shows: approved, or (previewing with `--drafts`) pending.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteView<'a> {
    pub text: &'a str,
    pub name: &'a str,
    pub title: &'a str,
    pub company: Option<&'a str>,
    /// Not approved yet: shown only in a `--drafts` preview.
    pub pending: bool,
    pub review_by: Option<DateView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub url: String,
}

/// The case-study part of a page view.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView<'a> {
    pub customer: &'a str,
    pub featured: bool,
    pub metrics: Vec<MetricView<'a>>,
    /// The quotes the customer approved (all of them in a `--drafts` preview, marked).
    pub quotes: Vec<QuoteView<'a>>,
    /// `approved`, `pending` or `not recorded`, as of the build's day.
    pub approval: &'static str,
    /// The day the customer approved publication.
    pub approved: Option<DateView>,
    /// The first metric with a claim, for cards and the home page.
    pub headline: Option<MetricView<'a>>,
}

/// A page as cards and listings show it.
#[derive(Debug, Clone, Serialize)]
pub struct CardView<'a> {
    pub title: &'a str,
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    pub kind: Kind,
    pub summary: &'a str,
    /// `2026-03-14`, empty when undated.
    pub date: String,
    /// `14 March 2026`
    pub date_display: String,
    /// RFC 3339, for feeds.
    pub date_rfc3339: String,
    pub updated_rfc3339: String,
    pub stage: Option<TermView<'a>>,
    pub roles: Vec<TermView<'a>>,
    pub industries: Vec<TermView<'a>>,
    pub author: Option<&'a str>,
    pub weight: Option<i64>,
    pub reading_minutes: usize,
    pub case: Option<CaseView<'a>>,
    pub draft: bool,
    /// The page's language when it is not the language of the page showing the card (a
    /// default-language page on a role path in another language).
    pub language: Option<LanguageView<'a>>,
    /// The page's image (`image`, `image_alt`), when it names one.
    pub image: Option<ImageView>,
}

// Views that show other pages' cards are generic over the card `C`: a template value
// when rendered, the card's fingerprint when the job's fingerprint is taken. The same
// struct serves both, so a field added to a view is in its fingerprint too.

/// The next page on one of a page's roles' paths.
#[derive(Debug, Serialize)]
pub struct NextView<'a, C> {
    pub role: TermView<'a>,
    pub next: Option<C>,
}

/// A page recommended to read next, with why.
#[derive(Debug, Serialize)]
pub struct ReadNextView<'a, C> {
    pub page: C,
    /// `next-stage`, `same-stage`, `later-stage` or `industry`.
    pub why: Why,
    /// The role whose path both pages are on (none for `industry`).
    pub role: Option<TermView<'a>>,
    /// The industry both pages serve, when the reason rests on it.
    pub industry: Option<TermView<'a>>,
    /// `Next step for Decision maker · Manufacturing`
    pub reason: String,
}

impl<C> ReadNextView<'_, C> {
    /// The reason in words (of the language of `words`), from its parts.
    pub fn reason_of(
        words: &crate::lang::Words,
        why: Why,
        role: Option<&str>,
        industry: Option<&str>,
    ) -> String {
        let role = role.unwrap_or_default();
        let key = match why {
            Why::NextStage => "read_next_next_stage",
            Why::SameStage => "read_next_same_stage",
            Why::LaterStage => "read_next_later_stage",
            Why::Industry => "read_next_industry",
        };
        let mut text = words
            .get(key)
            .replace("{role}", role)
            .replace("{industry}", industry.unwrap_or_default());
        if let (Some(industry), false) = (industry, why == Why::Industry) {
            text.push_str(" · ");
            text.push_str(industry);
        }
        text
    }
}

/// A page as its own template sees it.
#[derive(Debug, Serialize)]
pub struct PageView<'a, C> {
    #[serde(flatten)]
    pub card: CardView<'a>,
    pub content: &'a str,
    pub toc: &'a [crate::markdown::TocEntry],
    pub word_count: usize,
    pub extra: &'a serde_json::Value,
    pub next_for: Vec<NextView<'a, C>>,
    /// Up to three pages to read next (none for pages off the journey).
    pub read_next: Vec<ReadNextView<'a, C>>,
    /// `{"type":"article","stage":"decision","roles":[…],"industries":[…]}` for analytics
    /// scripts, already escaped for a `<script type="application/json">`.
    pub segments: String,
    /// `<script type="application/ld+json">` body, already escaped for HTML.
    pub json_ld: String,
}

/// One stage of a role's landing path.
#[derive(Debug, Serialize)]
pub struct StageGroup<'a, C> {
    pub stage: TermView<'a>,
    pub pages: Vec<C>,
}

/// The case studies of one industry.
#[derive(Debug, Serialize)]
pub struct IndustryGroup<'a, C> {
    pub industry: TermView<'a>,
    pub pages: Vec<C>,
}

/// An Atom feed.
#[derive(Debug, Serialize)]
pub struct FeedView<C> {
    pub title: String,
    /// Absolute URL of the feed itself.
    pub url: String,
    /// Absolute URL of the HTML page it follows.
    pub alternate: String,
    pub updated: String,
    pub entries: Vec<C>,
}

/// One URL of the sitemap.
#[derive(Debug, Serialize)]
pub struct SitemapEntry {
    pub loc: String,
    pub lastmod: String,
    /// The entry in every language (none for a site in one language).
    pub alternates: Vec<super::jobs::Alternate>,
}

/// `ts` in UTC, formatted with `fmt` (strftime); empty when there is none.
pub fn fmt_date(ts: Option<jiff::Timestamp>, fmt: &str) -> String {
    let Some(t) = ts else {
        return String::new();
    };
    let dt = jiff::tz::Offset::UTC.to_datetime(t);
    // The two formats every page and sitemap entry uses, without parsing the format.
    if (0..=9999).contains(&dt.year()) {
        let (y, mo, d) = (dt.year(), dt.month(), dt.day());
        match fmt {
            "%Y-%m-%d" => return format!("{y:04}-{mo:02}-{d:02}"),
            "%Y-%m-%dT%H:%M:%SZ" => {
                let (h, mi, s) = (dt.hour(), dt.minute(), dt.second());
                return format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
            }
            _ => {}
        }
    }
    dt.strftime(fmt).to_string()
}

pub fn stage_term(site: &Site, i: usize, count: usize) -> TermView<'_> {
    let s = &site.config.stages[i];
    TermView {
        id: &s.id,
        name: &s.name,
        description: &s.description,
        url: site.urls.href(&site.urls.stage(&s.id)),
        feed_url: String::new(),
        cta: s.cta.as_ref().map(|c| Cta {
            text: c.text.clone(),
            url: cta_url(site, &c.url, &s.id, None),
        }),
        count,
    }
}

/// A stage's call to action: its URL as configured, with the UTM parameters of
/// `[campaign]` (the stage as `utm_content`, the role of a role's path as `utm_term`).
pub fn cta_url(site: &Site, url: &str, stage: &str, role: Option<&str>) -> String {
    let url = site.urls.configured(url);
    let Some(c) = &site.config.campaign else {
        return url;
    };
    let mut params = vec![
        ("utm_source", c.utm_source.as_str()),
        ("utm_medium", c.utm_medium.as_str()),
    ];
    if let Some(name) = &c.utm_campaign {
        params.push(("utm_campaign", name));
    }
    params.push(("utm_content", stage));
    if let Some(role) = role {
        params.push(("utm_term", role));
    }
    urls::with_query(&url, &params)
}

pub fn role_term(site: &Site, i: usize, count: usize) -> TermView<'_> {
    let r = &site.config.roles[i];
    TermView {
        id: &r.id,
        name: &r.name,
        description: &r.description,
        url: site.urls.href(&site.urls.role(&r.id)),
        feed_url: site.urls.href(&site.urls.role_feed(&r.id)),
        cta: None,
        count,
    }
}

pub fn industry_term(site: &Site, i: usize, count: usize) -> TermView<'_> {
    let ind = &site.industries[i];
    TermView {
        id: &ind.id,
        name: &ind.name,
        description: &ind.description,
        url: site.urls.href(&site.urls.industry(&ind.id)),
        feed_url: site.urls.href(&site.urls.industry_feed(&ind.id)),
        cta: None,
        count,
    }
}

/// The pages whose claims cite metric `m_index` of case study `page`.
pub fn cited_by(site: &Site, page: usize, m_index: usize) -> Vec<LinkView<'_>> {
    site.citations
        .get(&(page, m_index))
        .map(|list| {
            list.iter()
                .map(|&c| LinkView {
                    title: &site.pages[c].meta.title,
                    url: site.urls.href(&site.pages[c].meta.url),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What page `page`'s card shows of other pages: for a case study, the pages citing
/// each metric (empty for other pages).
pub fn shown_from_others(site: &Site, page: usize) -> Vec<Vec<LinkView<'_>>> {
    let metrics = site.pages[page]
        .meta
        .case
        .as_ref()
        .map_or(0, |c| c.metrics.len());
    (0..metrics).map(|k| cited_by(site, page, k)).collect()
}

pub fn metric_view<'a>(site: &'a Site, page: usize, m_index: usize) -> MetricView<'a> {
    let p = &site.pages[page];
    let m = &p
        .meta
        .case
        .as_ref()
        .expect("metrics belong to case studies")
        .metrics[m_index];
    let cited_by = cited_by(site, page, m_index);
    MetricView {
        id: &m.id,
        anchor: urls::metric_anchor(&m.id),
        url: site.urls.href(&site.urls.metric(&p.meta.url, &m.id)),
        label: &m.label,
        unit: &m.unit,
        before: m.facts.before.clone(),
        after: m.facts.after.clone(),
        better: m.better,
        change: m.facts.change.clone(),
        claim: m.facts.sentence.clone().unwrap_or_default(),
        percent: m.facts.percent.clone().unwrap_or_default(),
        points: m.facts.points.clone().unwrap_or_default(),
        multiple: m.facts.multiple.clone().unwrap_or_default(),
        period: m.period.as_deref().unwrap_or(""),
        source: &m.source,
        as_of: DateView::of(site, m.as_of),
        review_by: DateView::of(site, m.review.as_ref().map(|r| r.by)),
        status: Status::of(m.review.as_ref().map(|r| r.by), utc_date(site.now)),
        cited_by,
    }
}

/// The quotes of a case study a page shows.
fn quote_views<'a>(site: &Site, quotes: &'a [Quote]) -> Vec<QuoteView<'a>> {
    quotes
        .iter()
        .filter_map(|q| {
            let pending = !q.approval.granted(site.now);
            (site.drafts || !pending).then(|| QuoteView {
                text: &q.text,
                name: &q.name,
                title: &q.title,
                company: q.company.as_deref(),
                pending,
                review_by: DateView::of(site, q.review.as_ref().map(|r| r.by)),
            })
        })
        .collect()
}

/// Page `i`'s card; with `terms`, its stage, roles and industries too (else none).
pub fn card<'a>(site: &'a Site, i: usize, p: &'a Page, terms: bool) -> CardView<'a> {
    let m = &p.meta;
    let count = 0;
    let case = m.case.as_ref().map(|c| {
        let metrics: Vec<MetricView> = (0..c.metrics.len())
            .map(|k| metric_view(site, i, k))
            .collect();
        let headline = metrics.iter().find(|mv| !mv.claim.is_empty()).cloned();
        CaseView {
            customer: &c.customer,
            featured: c.featured,
            metrics,
            quotes: quote_views(site, &c.quotes),
            approval: c.approval.state(site.now),
            approved: DateView::of(site, c.approval.date()),
            headline,
        }
    });
    CardView {
        title: &m.title,
        url: site.urls.href(&m.url),
        permalink: site.urls.absolute(&m.url),
        kind: m.kind,
        summary: p.summary(),
        date: fmt_date(m.date, "%Y-%m-%d"),
        date_display: show_date(&site.words, m.date),
        date_rfc3339: fmt_date(m.date, "%Y-%m-%dT%H:%M:%SZ"),
        updated_rfc3339: fmt_date(m.updated.or(m.date), "%Y-%m-%dT%H:%M:%SZ"),
        stage: m
            .stage
            .filter(|_| terms)
            .map(|s| stage_term(site, s, count)),
        roles: if terms {
            m.roles.iter().map(|&r| role_term(site, r, count)).collect()
        } else {
            Vec::new()
        },
        industries: if terms {
            m.industries
                .iter()
                .map(|&x| industry_term(site, x, count))
                .collect()
        } else {
            Vec::new()
        },
        author: m.author.as_deref(),
        weight: m.weight,
        reading_minutes: p.reading_minutes(),
        case,
        draft: m.draft,
        image: m
            .image
            .as_ref()
            .map(|i| ImageView::of(site, &i.url, &i.alt)),
        language: (m.lang != site.lang).then(|| {
            let (code, name, home) = &site.alternates.languages[m.lang];
            LanguageView {
                code,
                name,
                url: site.urls.href(home),
                permalink: site.urls.absolute(home),
                current: false,
                default: m.lang == 0,
                exists: true,
            }
        }),
    }
}

/// JSON-LD for a page: `Article`, with the customer as an `Organization` on case studies.
pub fn json_ld(site: &Site, card: &CardView, page: &Page) -> String {
    let m = &page.meta;
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": if m.kind == Kind::Page { "WebPage" } else { "Article" },
        "headline": m.title,
        "description": page.summary(),
        "url": card.permalink,
        "mainEntityOfPage": card.permalink,
        "inLanguage": site.config.language,
        "publisher": { "@type": "Organization", "name": site.config.title, "url": site.urls.absolute(&site.urls.home()) },
    });
    if !card.date_rfc3339.is_empty() {
        v["datePublished"] = card.date_rfc3339.clone().into();
        v["dateModified"] = card.updated_rfc3339.clone().into();
    }
    if let Some(a) = &m.author {
        v["author"] = serde_json::json!({ "@type": "Person", "name": a });
    }
    if let Some(s) = m.stage {
        v["articleSection"] = site.config.stages[s].name.clone().into();
    }
    let keywords: Vec<&str> = m
        .roles
        .iter()
        .map(|&r| site.config.roles[r].name.as_str())
        .chain(
            m.industries
                .iter()
                .map(|&i| site.industries[i].name.as_str()),
        )
        .collect();
    if !keywords.is_empty() {
        v["keywords"] = keywords.join(", ").into();
    }
    if let Some(c) = &m.case {
        v["about"] = serde_json::json!({ "@type": "Organization", "name": c.customer });
    }
    let social = site.config.social.as_ref();
    let image = card
        .image
        .as_ref()
        .map(|i| i.url.clone())
        .or_else(|| social.map(|s| ImageView::of(site, s.image.trim(), &s.image_alt).url));
    if let Some(image) = image {
        v["image"] = image.into();
    }
    script_json(&v)
}

/// JSON to put inside a `<script>`: markup characters must not appear there at all, so
/// they are escaped as JSON allows.
fn script_json(v: &serde_json::Value) -> String {
    serde_json::to_string(v)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// What analytics and marketing-automation scripts segment a page by, as JSON for a
/// `<script type="application/json">`: its type, stage, roles and industries (ids).
pub fn segments(card: &CardView) -> String {
    fn ids<'t>(terms: &[TermView<'t>]) -> Vec<&'t str> {
        terms.iter().map(|t| t.id).collect()
    }
    script_json(&serde_json::json!({
        "type": card.kind,
        "stage": card.stage.as_ref().map(|s| s.id),
        "roles": ids(&card.roles),
        "industries": ids(&card.industries),
    }))
}
