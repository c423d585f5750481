//! The output files of a site as jobs, and what each gives its template: a
//! [`JobView`], built by one function for both rendering (cards as template
//! values) and fingerprinting (cards as their fingerprints).

use serde::Serialize;

use super::context::Ctx;
use super::views::{
    FeedView, IndustryGroup, LanguageView, NextView, PageView, ReadNextView, SiteView,
    SitemapEntry, StageGroup, TermView, card, cta_url, fmt_date, json_ld, segments,
};
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::model::{Kind, PageMeta, Site};
use crate::urls;

/// One file to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    Page(usize),
    Home,
    /// Page `n` (0-based) of `/articles/`.
    Articles(usize),
    CaseStudies,
    Roles,
    Role(usize),
    RoleFeed(usize),
    Stages,
    /// Stage `s`, page `n`.
    Stage(usize, usize),
    Industries,
    /// Industry `i`, page `n`.
    Industry(usize, usize),
    IndustryFeed(usize),
    Proof,
    /// `/search/`, when search is on.
    Search,
    Feed,
    Sitemap,
    Robots,
    NotFound,
    /// The `k`-th alias of page `i`: a page that redirects to it.
    Alias(usize, usize),
    /// `_redirects`: every alias and where it leads, for hosts that read it.
    Redirects,
    /// The email edition of page `i`: HTML, or (`true`) plain text.
    Email(usize, bool),
}

/// Every output file of `site`.
pub fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = site_jobs(site);
    jobs.extend((0..site.own).map(Job::Page));
    if site.config.email {
        let editions = (0..site.own).filter(|&i| has_email(site, i));
        jobs.extend(editions.flat_map(|i| [Job::Email(i, false), Job::Email(i, true)]));
    }
    let aliased = (0..site.own).filter(|&i| !site.pages[i].meta.aliases.is_empty());
    for i in aliased {
        jobs.extend((0..site.pages[i].meta.aliases.len()).map(|k| Job::Alias(i, k)));
    }
    // A `_redirects` of the site's own (in static/ or beside the content) wins.
    let own = site
        .statics
        .iter()
        .chain(&site.assets)
        .any(|a| a.content_path == urls::REDIRECTS_FILE);
    if site.lang == 0
        && !own
        && site
            .all()
            .any(|s| s.pages[..s.own].iter().any(|p| !p.meta.aliases.is_empty()))
    {
        jobs.push(Job::Redirects);
    }
    jobs
}

/// The output files of page `i`: the page, its email editions, its aliases.
pub fn page_jobs(site: &Site, i: usize) -> Vec<Job> {
    let mut jobs = vec![Job::Page(i)];
    if site.config.email && has_email(site, i) {
        jobs.extend([Job::Email(i, false), Job::Email(i, true)]);
    }
    jobs.extend((0..site.pages[i].meta.aliases.len()).map(|k| Job::Alias(i, k)));
    jobs
}

/// The output files that are no page's own (listings, feeds, the sitemap and the like),
/// without `_redirects`.
pub fn site_jobs(site: &Site) -> Vec<Job> {
    // Listings first, the longest first: rendered in parallel, a listing that
    // starts last would leave one core busy while the other has nothing to do.
    let pages = |list: &[usize]| page_count(site, list.len());
    let mut jobs: Vec<Job> = (0..pages(&site.articles)).map(Job::Articles).collect();
    // The sitemap, robots.txt and `_redirects` are the host's: the default language
    // writes them for every language.
    let default = site.lang == 0;
    if default {
        jobs.push(Job::Sitemap);
    }
    jobs.extend([Job::CaseStudies, Job::Proof]);
    for (s, list) in site.by_stage.iter().enumerate() {
        jobs.extend((0..pages(list)).map(|n| Job::Stage(s, n)));
    }
    for (i, list) in site.by_industry.iter().enumerate() {
        jobs.extend((0..pages(list)).map(|n| Job::Industry(i, n)));
        jobs.push(Job::IndustryFeed(i));
    }
    for r in 0..site.config.roles.len() {
        jobs.push(Job::Role(r));
        jobs.push(Job::RoleFeed(r));
    }
    jobs.extend([
        Job::Home,
        Job::Roles,
        Job::Stages,
        Job::Industries,
        Job::Feed,
    ]);
    if default {
        jobs.push(Job::Robots);
    }
    jobs.push(Job::NotFound);
    // Each language searches its own index (see docs/search.md).
    if crate::search::searchable(site) {
        jobs.push(Job::Search);
    }
    jobs
}

/// Whether page `i` has an email edition (when the site writes them): articles and case studies do.
pub fn has_email(site: &Site, i: usize) -> bool {
    site.pages[i].meta.kind != Kind::Page
}

/// How many outputs are made of page `i`'s body: its page, and its email edition's two.
pub fn body_outputs(site: &Site, i: usize) -> usize {
    if site.config.email && has_email(site, i) {
        3
    } else {
        1
    }
}

/// One value a job puts in its template's context (beside `site`). Serialised as the
/// value it holds.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Value<'a, C> {
    Page(Box<PageView<'a, C>>),
    Cards(Vec<C>),
    Term(&'a TermView<'a>),
    Path(Vec<StageGroup<'a, C>>),
    ByIndustry(Vec<IndustryGroup<'a, C>>),
    Feed(FeedView<C>),
    Sitemap(Vec<SitemapEntry>),
    Text(String),
    Card(C),
    Redirects(Vec<Redirect>),
    Paginator(Paginator),
    Languages(Vec<LanguageView<'a>>),
    Email(super::email::EmailView),
}

/// Where a page of a paged listing is among the others.
#[derive(Debug, Serialize)]
pub struct Paginator {
    /// 1-based.
    pub current: usize,
    pub total: usize,
    /// Paths (with the base path); empty on the first or last page.
    pub previous: String,
    pub next: String,
    /// Every page's number and path, for a list of page links.
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
}

/// How many pages a listing of `len` cards has (at least one).
pub(super) fn page_count(site: &Site, len: usize) -> usize {
    match site.config.per_page {
        0 => 1,
        per => len.div_ceil(per).max(1),
    }
}

/// The cards of page `n` of `list`.
fn page_of<'s>(site: &Site, list: &'s [usize], n: usize) -> &'s [usize] {
    match site.config.per_page {
        0 => list,
        per => &list[(n * per).min(list.len())..((n + 1) * per).min(list.len())],
    }
}

/// The paginator of page `n` of the listing at `url` with `len` cards.
fn pager(site: &Site, url: &str, len: usize, n: usize) -> Paginator {
    let total = page_count(site, len);
    let path = |k: usize| site.urls.href(&site.urls.paged(url.to_string(), k));
    Paginator {
        current: n + 1,
        total,
        previous: if n > 0 { path(n - 1) } else { String::new() },
        next: if n + 1 < total {
            path(n + 1)
        } else {
            String::new()
        },
        pages: (0..total)
            .map(|k| PageLink {
                number: k + 1,
                url: path(k),
            })
            .collect(),
    }
}

/// One line of `_redirects`: an old URL and the page it leads to (paths with the base).
#[derive(Debug, Serialize)]
pub struct Redirect {
    pub from: String,
    pub to: String,
}

/// Everything one output file is made of.
pub struct JobView<'a, C> {
    pub template: &'static str,
    /// The output file, relative to the output folder.
    pub path: String,
    /// The values beside `site`, by the names templates use.
    pub values: Vec<(&'static str, Value<'a, C>)>,
}

/// How a view gets the card of page `i` (a template value, or its fingerprint).
pub type CardOf<'c, C> = dyn Fn(usize) -> Result<C, Diagnostic> + 'c;

/// The template that renders `job`.
pub fn template_of(site: &Site, job: Job) -> &'static str {
    match job {
        Job::Page(i) => match site.pages[i].meta.kind {
            Kind::Article => "article.html",
            Kind::CaseStudy => "case_study.html",
            Kind::Page => "page.html",
        },
        Job::Home => "index.html",
        Job::Articles(_) => "articles.html",
        Job::CaseStudies => "case_studies.html",
        Job::Roles => "roles.html",
        Job::Role(_) => "role.html",
        Job::Stages => "stages.html",
        Job::Stage(..) => "stage.html",
        Job::Industries => "industries.html",
        Job::Industry(..) => "industry.html",
        Job::Feed | Job::RoleFeed(_) | Job::IndustryFeed(_) => "atom.xml",
        Job::Proof => "proof.html",
        Job::Search => "search.html",
        Job::Sitemap => "sitemap.xml",
        Job::Robots => "robots.txt",
        Job::NotFound => "404.html",
        Job::Alias(..) => "alias.html",
        Job::Email(_, false) => "email.html",
        Job::Email(_, true) => "email_text.html",
        Job::Redirects => "redirects.txt",
    }
}

/// The output file of page `i`.
pub fn page_path(site: &Site, i: usize) -> String {
    urls::output_file(&site.pages[i].meta.url)
}

/// The pages a listing shows as cards (all of them: pages a job shows only a few of,
/// such as the home page or a feed, are not listings here).
pub fn listed_pages<'s>(site: &'s Site, job: &Job) -> Vec<&'s [usize]> {
    match *job {
        Job::Articles(n) => vec![page_of(site, &site.articles, n)],
        Job::CaseStudies | Job::Proof => vec![&site.case_studies],
        Job::Role(r) => site.role_paths[r].iter().map(Vec::as_slice).collect(),
        Job::Stage(s, n) => vec![page_of(site, &site.by_stage[s], n)],
        Job::Industry(i, n) => vec![page_of(site, &site.by_industry[i], n)],
        _ => Vec::new(),
    }
}

/// What `job` gives its template, with vocabulary terms from `terms` (the site view, or
/// the same without counts for a template that cannot show them). A page's job needs
/// the page's `body`.
pub fn view<'a, C>(
    cx: &'a Ctx<'a>,
    terms: &'a SiteView<'a>,
    job: Job,
    body: Option<&'a Rendered>,
    card_of: &CardOf<C>,
) -> Result<JobView<'a, C>, Diagnostic> {
    let mut view = job_view(cx, terms, job, body, card_of)?;
    let alternates = Value::Languages(alternates(cx.site, job, &view.path));
    view.values.push(("alternates", alternates));
    Ok(view)
}

/// The page of `job` (written to `path`) in every language of the site: a page in the
/// languages it is translated into, a listing in every language (its first page only,
/// as later pages differ between languages); `exists` is false where a language has no
/// such page (its home is given then, for the language switcher).
fn alternates<'a>(site: &'a Site, job: Job, path: &str) -> Vec<LanguageView<'a>> {
    let a = &site.alternates;
    if a.languages.len() < 2 {
        return Vec::new();
    }
    match job {
        Job::Page(i) => {
            let versions = a.of(&site.pages[i].meta.key);
            if versions.len() < 2 {
                return LanguageView::versions(site, |_| None);
            }
            LanguageView::versions(site, |l| {
                versions
                    .iter()
                    .find(|(v, _)| *v == l)
                    .map(|(_, u)| u.clone())
            })
        }
        Job::Articles(n) | Job::Stage(_, n) | Job::Industry(_, n) if n > 0 => {
            LanguageView::versions(site, |_| None)
        }
        // The default language's only: its index holds its pages.
        Job::Search => LanguageView::versions(site, |_| None),
        _ => {
            let own_home = &a.languages[site.lang].2;
            let url = match path.strip_suffix(urls::INDEX_FILE) {
                Some(folder) => format!("/{folder}"),
                None => return LanguageView::versions(site, |_| None),
            };
            let rest = url
                .strip_prefix(own_home.as_str())
                .unwrap_or("")
                .to_string();
            LanguageView::versions(site, |l| Some(format!("{}{rest}", a.languages[l].2)))
        }
    }
}

/// [`view`] without the page's versions in other languages.
fn job_view<'a, C>(
    cx: &'a Ctx<'a>,
    terms: &'a SiteView<'a>,
    job: Job,
    body: Option<&'a Rendered>,
    card_of: &CardOf<C>,
) -> Result<JobView<'a, C>, Diagnostic> {
    match job {
        Job::Page(i) => page(
            cx,
            terms,
            i,
            body.expect("a page's job has its body"),
            card_of,
        ),
        Job::Email(i, text) => {
            let body = body.expect("an email edition's job has its page's body");
            let mut view = page(cx, terms, i, body, card_of)?;
            let meta = &cx.site.pages[i].meta;
            view.template = template_of(cx.site, job);
            view.path = urls::output_file(&cx.site.urls.email(&meta.url, text));
            let email = super::email::view(cx.site, meta, &body.html);
            view.values.push(("email", Value::Email(email)));
            Ok(view)
        }
        Job::Home => home(cx, card_of),
        Job::Feed | Job::RoleFeed(_) | Job::IndustryFeed(_) => feed(cx, job, card_of),
        Job::Alias(i, k) => {
            let alias = &cx.site.pages[i].meta.aliases[k].0;
            Ok(JobView {
                template: template_of(cx.site, job),
                path: urls::output_file(alias),
                values: vec![
                    ("page", Value::Card(card_of(i)?)),
                    ("from", Value::Text(cx.site.urls.href(alias))),
                ],
            })
        }
        _ => {
            let (url, values) = listing(cx, terms, job, card_of)?;
            Ok(JobView {
                template: template_of(cx.site, job),
                path: urls::output_file(&url),
                values,
            })
        }
    }
}

/// The values a job's template gets.
type Values<'a, C> = Vec<(&'static str, Value<'a, C>)>;

/// The URL of a listing or another site-wide file, and what it gives its template.
fn listing<'a, C>(
    cx: &'a Ctx<'a>,
    terms: &'a SiteView<'a>,
    job: Job,
    card_of: &CardOf<C>,
) -> Result<(String, Values<'a, C>), Diagnostic> {
    let site = cx.site;
    let u = &site.urls;
    let cards = |indices: &[usize]| -> Result<Value<'a, C>, Diagnostic> {
        let cards = indices.iter().map(|&i| card_of(i));
        Ok(Value::Cards(cards.collect::<Result<_, _>>()?))
    };
    Ok(match job {
        Job::Articles(n) => {
            let url = u.articles();
            let pager = pager(site, &url, site.articles.len(), n);
            let values = vec![
                ("pages", cards(page_of(site, &site.articles, n))?),
                ("paginator", Value::Paginator(pager)),
            ];
            (u.paged(url, n), values)
        }
        Job::CaseStudies => {
            let groups = Value::ByIndustry(by_industry(cx, terms, card_of)?);
            let pages = cards(&site.case_studies)?;
            (
                u.case_studies(),
                vec![("pages", pages), ("by_industry", groups)],
            )
        }
        Job::Roles => (u.roles(), Vec::new()),
        Job::Stages => (u.stages(), Vec::new()),
        Job::Industries => (u.industries(), Vec::new()),
        Job::Role(r) => {
            let role = &terms.roles[r];
            let path = (0..site.config.stages.len())
                .map(|s| {
                    let pages = site.role_paths[r][s].iter().map(|&i| card_of(i));
                    let mut stage = terms.stages[s].clone();
                    if let (Some(cta), Some(written)) = (&mut stage.cta, &site.config.stages[s].cta)
                    {
                        cta.url = cta_url(site, &written.url, stage.id, Some(role.id));
                    }
                    Ok(StageGroup {
                        stage,
                        pages: pages.collect::<Result<_, Diagnostic>>()?,
                    })
                })
                .collect::<Result<_, Diagnostic>>()?;
            let values = vec![("role", Value::Term(role)), ("path", Value::Path(path))];
            (u.role(role.id), values)
        }
        Job::Stage(s, n) => {
            let stage = &terms.stages[s];
            let (url, list) = (u.stage(stage.id), &site.by_stage[s]);
            let values = vec![
                ("stage", Value::Term(stage)),
                ("pages", cards(page_of(site, list, n))?),
                (
                    "paginator",
                    Value::Paginator(pager(site, &url, list.len(), n)),
                ),
            ];
            (u.paged(url, n), values)
        }
        Job::Industry(i, n) => {
            let industry = &terms.industries[i];
            let (url, list) = (u.industry(industry.id), &site.by_industry[i]);
            let values = vec![
                ("industry", Value::Term(industry)),
                ("pages", cards(page_of(site, list, n))?),
                (
                    "paginator",
                    Value::Paginator(pager(site, &url, list.len(), n)),
                ),
            ];
            (u.paged(url, n), values)
        }
        Job::Proof => (u.proof(), vec![("cases", cards(&site.case_studies)?)]),
        Job::Search => (u.search(), Vec::new()),
        Job::Sitemap => (u.sitemap(), vec![("entries", Value::Sitemap(sitemap(cx)))]),
        Job::Robots => {
            let values = vec![("sitemap_url", Value::Text(cx.abs(&u.sitemap())))];
            (u.robots(), values)
        }
        Job::NotFound => (u.not_found(), Vec::new()),
        Job::Redirects => (
            format!("/{}", urls::REDIRECTS_FILE),
            vec![("redirects", Value::Redirects(redirects(site)))],
        ),
        Job::Page(_)
        | Job::Home
        | Job::Feed
        | Job::RoleFeed(_)
        | Job::IndustryFeed(_)
        | Job::Alias(..)
        | Job::Email(..) => {
            unreachable!("pages, aliases, the home page and feeds have views of their own")
        }
    })
}

/// Every alias of every page in every language, in page order, and the page's path.
fn redirects(site: &Site) -> Vec<Redirect> {
    site.all()
        .flat_map(|s| &s.pages[..s.own])
        .flat_map(|p| {
            p.meta.aliases.iter().map(|(alias, _)| Redirect {
                from: site.urls.href(alias),
                to: site.urls.href(&p.meta.url),
            })
        })
        .collect()
}

/// A page's own file: its card, body, next pages on its roles' paths, JSON-LD.
fn page<'a, C>(
    cx: &'a Ctx<'a>,
    terms: &'a SiteView<'a>,
    i: usize,
    body: &'a Rendered,
    card_of: &CardOf<C>,
) -> Result<JobView<'a, C>, Diagnostic> {
    let site = cx.site;
    let page = &site.pages[i];
    let card = card(site, i, page, true);
    let next_for = page
        .meta
        .roles
        .iter()
        .map(|&r| {
            Ok(NextView {
                role: terms.roles[r].clone(),
                next: site.next_for(i, r).map(card_of).transpose()?,
            })
        })
        .collect::<Result<_, Diagnostic>>()?;
    let read_next = read_next(site, terms, i, card_of)?;
    let json_ld = json_ld(site, &card, page);
    let segments = segments(&card);
    let view = PageView {
        card,
        content: &body.html,
        toc: &body.toc,
        word_count: page.word_count,
        extra: &page.meta.extra,
        next_for,
        read_next,
        segments,
        json_ld,
    };
    Ok(JobView {
        template: template_of(site, Job::Page(i)),
        path: page_path(site, i),
        values: vec![("page", Value::Page(Box::new(view)))],
    })
}

/// Page `i`'s recommendations, each with its card and reason.
fn read_next<'a, C>(
    site: &'a Site,
    terms: &'a SiteView<'a>,
    i: usize,
    card_of: &CardOf<C>,
) -> Result<Vec<ReadNextView<'a, C>>, Diagnostic> {
    site.read_next[i]
        .iter()
        .map(|rec| {
            let role = rec.role.map(|r| terms.roles[r].clone());
            let industry = rec.industry.map(|x| terms.industries[x].clone());
            Ok(ReadNextView {
                page: card_of(rec.page)?,
                why: rec.why,
                reason: ReadNextView::<C>::reason_of(
                    &site.words,
                    rec.why,
                    role.as_ref().map(|t| t.name),
                    industry.as_ref().map(|t| t.name),
                ),
                role,
                industry,
            })
        })
        .collect()
}

/// The home page: the latest articles and the featured case studies (or the latest).
fn home<'a, C>(cx: &'a Ctx<'a>, card_of: &CardOf<C>) -> Result<JobView<'a, C>, Diagnostic> {
    let site = cx.site;
    let latest = site
        .articles
        .iter()
        .filter(|&&i| site.pages[i].meta.kind == Kind::Article)
        .take(6)
        .map(|&i| card_of(i))
        .collect::<Result<_, _>>()?;
    let featured: Vec<usize> = site
        .case_studies
        .iter()
        .copied()
        .filter(|&i| site.pages[i].meta.case.as_ref().is_some_and(|k| k.featured))
        .collect();
    let featured = if featured.is_empty() {
        &site.case_studies[..site.case_studies.len().min(3)]
    } else {
        &featured[..]
    };
    Ok(JobView {
        template: template_of(site, Job::Home),
        path: urls::output_file(&site.urls.home()),
        values: vec![
            ("latest", Value::Cards(latest)),
            (
                "featured",
                Value::Cards(
                    featured
                        .iter()
                        .map(|&i| card_of(i))
                        .collect::<Result<_, _>>()?,
                ),
            ),
        ],
    })
}

/// The case studies of each industry that has any.
fn by_industry<'a, C>(
    cx: &'a Ctx<'a>,
    terms: &'a SiteView<'a>,
    card_of: &CardOf<C>,
) -> Result<Vec<IndustryGroup<'a, C>>, Diagnostic> {
    let site = cx.site;
    let mut groups = Vec::new();
    for i in 0..site.industries.len() {
        let pages = site.by_industry[i]
            .iter()
            .filter(|&&p| site.pages[p].meta.kind == Kind::CaseStudy)
            .map(|&p| card_of(p))
            .collect::<Result<Vec<_>, _>>()?;
        if !pages.is_empty() {
            groups.push(IndustryGroup {
                industry: terms.industries[i].clone(),
                pages,
            });
        }
    }
    Ok(groups)
}

/// The site's feed, a role's or an industry's.
fn feed<'a, C>(
    cx: &'a Ctx<'a>,
    job: Job,
    card_of: &CardOf<C>,
) -> Result<JobView<'a, C>, Diagnostic> {
    let site = cx.site;
    let u = &site.urls;
    // A role's feed follows its path in this language: not the default language's
    // pages shown where this language has none.
    let role_pages = |r: usize| {
        let mut pages: Vec<usize> = site.role_paths[r]
            .iter()
            .flatten()
            .copied()
            .filter(|&i| site.is_own(i))
            .collect();
        pages.sort_unstable();
        pages
    };
    let words = &site.words;
    let (url, title, alternate, pages) = match job {
        Job::RoleFeed(r) => {
            let role = &site.config.roles[r];
            let title = words
                .get("feed_role_title")
                .replace("{title}", &site.config.title)
                .replace("{role}", &role.name);
            (
                u.role_feed(&role.id),
                title,
                u.role(&role.id),
                role_pages(r),
            )
        }
        Job::IndustryFeed(i) => {
            let ind = &site.industries[i];
            let title = words
                .get("feed_industry_title")
                .replace("{title}", &site.config.title)
                .replace("{industry}", &ind.name);
            let pages = site.by_industry[i].clone();
            (u.industry_feed(&ind.id), title, u.industry(&ind.id), pages)
        }
        _ => (
            u.feed(),
            site.config.title.clone(),
            u.home(),
            site.articles.clone(),
        ),
    };
    let pages = &pages[..pages.len().min(site.config.feed_limit)];
    let updated = pages
        .iter()
        .map(|&i| cx.card(i).updated_rfc3339)
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let view = FeedView {
        title,
        url: cx.abs(&url),
        alternate: cx.abs(&alternate),
        updated,
        entries: pages
            .iter()
            .map(|&i| card_of(i))
            .collect::<Result<_, _>>()?,
    };
    Ok(JobView {
        template: template_of(site, job),
        path: urls::output_file(&url),
        values: vec![("feed", Value::Feed(view))],
    })
}

/// The home page, every page, then every generated listing, by URL.
fn sitemap(cx: &Ctx) -> Vec<SitemapEntry> {
    let (home, listings) = sitemap_parts(cx);
    let mut entries = Vec::with_capacity(cx.site.pages.len() + listings.len() + 1);
    entries.push(home);
    entries.extend(cx.site.pages.iter().map(|p| sitemap_entry(cx, &p.meta)));
    entries.extend(listings);
    entries.extend(translated_entries(cx));
    entries
}

/// The sitemap's entries for the site in its other languages: each language's home,
/// pages and listings (not its search page), each with the URL of every version of it.
pub fn translated_entries(cx: &Ctx) -> Vec<SitemapEntry> {
    let mut entries = Vec::new();
    for t in &cx.site.translations {
        let u = &t.urls;
        let (home, search) = (u.home(), u.search());
        let mut listing: Vec<String> = u
            .generated(&t.config, t.industries.iter().map(|i| i.id.as_str()))
            .into_iter()
            .filter(|url| *url != home && *url != search)
            .collect();
        listing.sort();
        entries.push(listing_entry(cx, &home));
        entries.extend(t.pages[..t.own].iter().map(|p| sitemap_entry(cx, &p.meta)));
        entries.extend(listing.iter().map(|url| listing_entry(cx, url)));
    }
    entries
}

/// A listing's entry: its URL, and the same listing in every language.
fn listing_entry(cx: &Ctx, url: &str) -> SitemapEntry {
    let site = cx.site;
    let alternates = if site.translations.is_empty() {
        Vec::new()
    } else {
        // The listing's path in the default language: the part after the language's folder.
        let rest = site
            .alternates
            .languages
            .iter()
            .find_map(|(_, _, home)| url.strip_prefix(home.as_str()).filter(|_| home != "/"))
            .unwrap_or_else(|| url.strip_prefix('/').unwrap_or(url));
        site.alternates
            .languages
            .iter()
            .map(|(code, _, home)| Alternate {
                hreflang: code.clone(),
                href: cx.abs(&format!("{home}{rest}")),
            })
            .collect()
    };
    SitemapEntry {
        loc: cx.abs(url),
        lastmod: String::new(),
        alternates,
    }
}

/// The sitemap's entries other than pages: the home page, and every generated listing
/// by URL.
pub fn sitemap_parts(cx: &Ctx) -> (SitemapEntry, Vec<SitemapEntry>) {
    let site = cx.site;
    let u = &site.urls;
    let home = u.home();
    // The search page shows nothing until asked: no entry for search engines.
    let search = u.search();
    let mut listing: Vec<String> = u
        .generated(&site.config, site.industries.iter().map(|i| i.id.as_str()))
        .into_iter()
        .filter(|url| *url != home && *url != search)
        .collect();
    listing.sort();
    let listings = listing.iter().map(|url| listing_entry(cx, url)).collect();
    (listing_entry(cx, &home), listings)
}

/// A page's sitemap entry: made from its metadata and the site's URLs only, and the URL
/// of each of its versions in other languages.
pub fn sitemap_entry(cx: &Ctx, meta: &PageMeta) -> SitemapEntry {
    let site = cx.site;
    let versions = site.alternates.of(&meta.key);
    let alternates = if versions.len() > 1 {
        versions
            .iter()
            .map(|(l, url)| Alternate {
                hreflang: site.alternates.languages[*l].0.clone(),
                href: cx.abs(url),
            })
            .collect()
    } else {
        Vec::new()
    };
    SitemapEntry {
        loc: cx.abs(&meta.url),
        lastmod: fmt_date(meta.updated.or(meta.date), "%Y-%m-%d"),
        alternates,
    }
}

/// Another language's version of a sitemap entry.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct Alternate {
    pub hreflang: String,
    pub href: String,
}
