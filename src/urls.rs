//! Every URL cairn makes, and nothing else: the paths of pages, listings and feeds, the
//! `metric-<id>` anchors, the output file each URL is written to, the set of URLs cairn
//! generates itself, and the base-path and base-URL prefixing of links.
//!
//! Two kinds of value come out of here:
//!
//! - a **site path**, from the site root and without the base path (`/roles/decider/`):
//!   what the model stores in `PageMeta::url`, compares for duplicates and resolves links
//!   against, and what [`output_file`] maps to a file;
//! - a **link** ([`Urls::href`], base path in front: `/blog/roles/decider/`) or an
//!   **absolute URL** ([`Urls::absolute`]), which is what pages and feeds contain.
//!
//! Every site path is made by [`Urls`]' private `folder` and `file` functions: a language
//! prefix (`/fi/…` for a second language) is added there, in one place, by giving [`Urls`]
//! the language it builds for. The model builds one [`Urls`] from the configuration and
//! keeps it in `Site::urls`; markdown and source use the free functions.
//!
//! Depends on nothing but the configuration.

use std::collections::HashSet;

use crate::config::SiteConfig;

/// The file a folder URL is written to.
pub const INDEX_FILE: &str = "index.html";
/// The file name of every Atom feed, in the folder of what it follows.
const FEED_FILE: &str = "atom.xml";
const ARTICLES: &str = "articles";
const CASE_STUDIES: &str = "case-studies";
const ROLES: &str = "roles";
const STAGES: &str = "stages";
const INDUSTRIES: &str = "industries";
const PROOF: &str = "proof";
const SEARCH: &str = "search";
const METRIC_ANCHOR: &str = "metric-";

/// The URLs of one site in one language: its base URL, base path and language prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Urls {
    /// Absolute, no trailing slash (`https://x.com/blog`).
    base_url: String,
    /// The path part of `base_url` (`/blog`, or empty).
    base_path: String,
    /// The language's folder (`zh`), or empty for the default language.
    prefix: String,
}

impl Urls {
    /// The URLs of the default language.
    pub fn new(config: &SiteConfig) -> Urls {
        Urls {
            base_url: config.base_url.clone(),
            base_path: config.base_path().to_string(),
            prefix: String::new(),
        }
    }

    /// The URLs of the language `lang` of `config`: the default language at the root,
    /// the others under `/<code>/`.
    pub fn in_language(config: &SiteConfig, lang: usize) -> Urls {
        let mut u = Urls::new(config);
        if lang > 0 {
            u.prefix = config.languages[lang].code.to_ascii_lowercase();
        }
        u
    }

    /// The site path of a folder: `/`, the language's folder, and each segment followed by `/`.
    fn folder<S: AsRef<str>>(&self, segments: &[S]) -> String {
        let len: usize = segments.iter().map(|s| s.as_ref().len() + 1).sum();
        let mut path = String::with_capacity(2 + self.prefix.len() + len);
        path.push('/');
        if !self.prefix.is_empty() {
            path.push_str(&self.prefix);
            path.push('/');
        }
        for s in segments {
            path.push_str(s.as_ref());
            path.push('/');
        }
        path
    }

    /// The site path of a file in a folder.
    fn file<S: AsRef<str>>(&self, segments: &[S], name: &str) -> String {
        let mut path = self.folder(segments);
        path.push_str(name);
        path
    }

    pub fn home(&self) -> String {
        self.folder::<&str>(&[])
    }
    /// Page `n` (0-based) of the listing at `url`: the first keeps the listing's URL, the
    /// others are `<url>page/<n+1>/`.
    pub fn paged(&self, url: String, n: usize) -> String {
        if n == 0 {
            url
        } else {
            format!("{url}page/{}/", n + 1)
        }
    }

    pub fn articles(&self) -> String {
        self.folder(&[ARTICLES])
    }
    pub fn case_studies(&self) -> String {
        self.folder(&[CASE_STUDIES])
    }
    pub fn roles(&self) -> String {
        self.folder(&[ROLES])
    }
    pub fn stages(&self) -> String {
        self.folder(&[STAGES])
    }
    pub fn industries(&self) -> String {
        self.folder(&[INDUSTRIES])
    }
    /// The proof page: every case study's figures.
    pub fn proof(&self) -> String {
        self.folder(&[PROOF])
    }

    /// The search page (when search is on).
    pub fn search(&self) -> String {
        self.folder(&[SEARCH])
    }

    pub fn article(&self, slug: &str) -> String {
        self.folder(&[ARTICLES, slug])
    }
    pub fn case_study(&self, slug: &str) -> String {
        self.folder(&[CASE_STUDIES, slug])
    }
    /// Any other page, by its folders (already slugs): `/about/team/`, or `/` for none.
    pub fn page<S: AsRef<str>>(&self, segments: &[S]) -> String {
        self.folder(segments)
    }
    pub fn role(&self, id: &str) -> String {
        self.folder(&[ROLES, id])
    }
    pub fn stage(&self, id: &str) -> String {
        self.folder(&[STAGES, id])
    }
    pub fn industry(&self, id: &str) -> String {
        self.folder(&[INDUSTRIES, id])
    }

    /// The site's feed of articles and case studies.
    pub fn feed(&self) -> String {
        self.file::<&str>(&[], FEED_FILE)
    }
    pub fn role_feed(&self, id: &str) -> String {
        self.file(&[ROLES, id], FEED_FILE)
    }
    pub fn industry_feed(&self, id: &str) -> String {
        self.file(&[INDUSTRIES, id], FEED_FILE)
    }

    /// Files for the whole host, at the root whatever the language.
    pub fn sitemap(&self) -> String {
        "/sitemap.xml".into()
    }
    pub fn robots(&self) -> String {
        "/robots.txt".into()
    }
    /// The page shown for a missing URL: one per language (`/zh/404.html`).
    pub fn not_found(&self) -> String {
        self.file::<&str>(&[], "404.html")
    }

    /// The email edition of the page at `page` (a folder URL), as HTML or as text.
    pub fn email(&self, page: &str, text: bool) -> String {
        format!("{page}{}", if text { "email.txt" } else { "email.html" })
    }

    /// A metric on its case study's page (`page` is that page's site path).
    pub fn metric(&self, page: &str, id: &str) -> String {
        format!("{page}#{}", metric_anchor(id))
    }

    /// The pages cairn generates itself (listings and terms); content may not take them.
    pub fn generated<'a>(
        &self,
        config: &SiteConfig,
        industries: impl IntoIterator<Item = &'a str>,
    ) -> HashSet<String> {
        let mut urls: HashSet<String> = [
            self.home(),
            self.articles(),
            self.case_studies(),
            self.roles(),
            self.stages(),
            self.industries(),
            self.proof(),
        ]
        .into_iter()
        .collect();
        if crate::search::enabled(config) {
            urls.insert(self.search());
        }
        urls.extend(config.roles.iter().map(|r| self.role(&r.id)));
        urls.extend(config.stages.iter().map(|s| self.stage(&s.id)));
        urls.extend(industries.into_iter().map(|id| self.industry(id)));
        urls
    }

    /// Absolute, no trailing slash: what [`Urls::absolute`] puts in front.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The prefix of every link (`/blog`, or empty).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// A site path as a link: with the base path in front.
    pub fn href(&self, path: &str) -> String {
        with_base(&self.base_path, path)
    }

    /// A URL from the configuration (a call to action): a root-relative path
    /// becomes a link, anything else (`https://…`, `//host/…`, `mailto:…`) is kept.
    pub fn configured(&self, url: &str) -> String {
        if url.starts_with('/') && !url.starts_with("//") {
            self.href(url)
        } else {
            url.to_string()
        }
    }

    /// A site path as an absolute URL.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

/// A root-relative path as a link, for callers that hold only the base path.
pub fn with_base(base_path: &str, path: &str) -> String {
    format!("{base_path}{path}")
}

/// The site path of a file beside the content (`articles/chart.png` → `/articles/chart.png`):
/// published where it is, whatever the language.
pub fn asset(content_path: &str) -> String {
    format!("/{content_path}")
}

/// A resized image beside its original: `/articles/x/chart.png`, 960, `webp` →
/// `/articles/x/chart-960w.webp`.
pub fn image_variant(original: &str, width: u32, extension: &str) -> String {
    let stem = match original.rsplit_once('.') {
        Some((stem, _)) if !stem.ends_with('/') => stem,
        _ => original,
    };
    format!("{stem}-{width}w.{extension}")
}

/// The anchor of a metric on its case study's page: `metric-<id>`.
pub fn metric_anchor(id: &str) -> String {
    format!("{METRIC_ANCHOR}{id}")
}

/// The metric id an anchor names, if it names one.
pub fn metric_of_anchor(anchor: &str) -> Option<&str> {
    anchor.strip_prefix(METRIC_ANCHOR)
}

/// `url` with `params` added to its query string (before any `#fragment`), each
/// name and value encoded as a form would.
pub fn with_query(url: &str, params: &[(&str, &str)]) -> String {
    let (base, fragment) = url
        .split_once('#')
        .map_or((url, None), |(b, f)| (b, Some(f)));
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let joint = if base.contains('?') { '&' } else { '?' };
    match fragment {
        Some(f) => format!("{base}{joint}{query}#{f}"),
        None => format!("{base}{joint}{query}"),
    }
}

/// The file of redirects some hosts read (Netlify, Cloudflare Pages).
pub const REDIRECTS_FILE: &str = "_redirects";

/// The output file of a site path, relative to the output folder: a folder URL gets its
/// `index.html` (`/articles/x/` → `articles/x/index.html`), a file URL is that file.
pub fn output_file(path: &str) -> String {
    let rel = path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}{INDEX_FILE}")
    } else {
        rel.to_string()
    }
}

/// The output folder a folder URL is written in: `/articles/x/` → `articles/x`.
pub fn output_folder(path: &str) -> &str {
    path.trim_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(base_url: &str) -> Urls {
        let toml = format!("title = \"T\"\nbase_url = \"{base_url}\"\n");
        Urls::new(&SiteConfig::parse(&toml).unwrap())
    }

    #[test]
    fn site_paths() {
        let u = Urls::default();
        let table: &[(String, &str)] = &[
            (u.home(), "/"),
            (u.articles(), "/articles/"),
            (u.case_studies(), "/case-studies/"),
            (u.roles(), "/roles/"),
            (u.stages(), "/stages/"),
            (u.industries(), "/industries/"),
            (u.proof(), "/proof/"),
            (u.article("why-x"), "/articles/why-x/"),
            (u.case_study("acme"), "/case-studies/acme/"),
            (u.page::<&str>(&[]), "/"),
            (u.page(&["about"]), "/about/"),
            (u.page(&["about", "team"]), "/about/team/"),
            (u.role("decider"), "/roles/decider/"),
            (u.stage("awareness"), "/stages/awareness/"),
            (u.industry("energy"), "/industries/energy/"),
            (u.feed(), "/atom.xml"),
            (u.role_feed("decider"), "/roles/decider/atom.xml"),
            (u.industry_feed("energy"), "/industries/energy/atom.xml"),
            (u.sitemap(), "/sitemap.xml"),
            (u.robots(), "/robots.txt"),
            (u.not_found(), "/404.html"),
            (
                u.metric("/case-studies/acme/", "downtime"),
                "/case-studies/acme/#metric-downtime",
            ),
        ];
        for (got, want) in table {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn links_and_absolute_urls() {
        // (base_url, site path, href, absolute)
        let table = [
            ("https://x.test", "/", "/", "https://x.test/"),
            (
                "https://x.test",
                "/roles/a/",
                "/roles/a/",
                "https://x.test/roles/a/",
            ),
            ("https://x.test/blog", "/", "/blog/", "https://x.test/blog/"),
            (
                "https://x.test/blog",
                "/case-studies/c/#metric-m",
                "/blog/case-studies/c/#metric-m",
                "https://x.test/blog/case-studies/c/#metric-m",
            ),
            (
                "https://x.test/a/b",
                "/atom.xml",
                "/a/b/atom.xml",
                "https://x.test/a/b/atom.xml",
            ),
        ];
        for (base, path, href, absolute) in table {
            let u = site(base);
            assert_eq!(u.href(path), href, "{base} {path}");
            assert_eq!(u.absolute(path), absolute, "{base} {path}");
            assert_eq!(with_base(u.base_path(), path), href, "{base} {path}");
            assert_eq!(u.configured(path), href, "{base} {path}");
        }
    }

    #[test]
    fn configured_urls() {
        // (base_url, as configured, as linked)
        let table = [
            ("https://x.test", "/contact/", "/contact/"),
            ("https://x.test/blog", "/contact/", "/blog/contact/"),
            ("https://x.test/blog", "/", "/blog/"),
            ("https://x.test/blog", "//cdn.test/x", "//cdn.test/x"),
            (
                "https://x.test/blog",
                "https://y.test/demo",
                "https://y.test/demo",
            ),
            (
                "https://x.test/blog",
                "mailto:sales@x.test",
                "mailto:sales@x.test",
            ),
            ("https://x.test/blog", "contact/", "contact/"),
        ];
        for (base, url, want) in table {
            assert_eq!(site(base).configured(url), want, "{base} {url}");
        }
    }

    #[test]
    fn output_files() {
        let table = [
            ("/", "index.html", ""),
            ("/articles/", "articles/index.html", "articles"),
            ("/articles/x/", "articles/x/index.html", "articles/x"),
            ("/about/team/", "about/team/index.html", "about/team"),
            ("/atom.xml", "atom.xml", "atom.xml"),
            (
                "/roles/decider/atom.xml",
                "roles/decider/atom.xml",
                "roles/decider/atom.xml",
            ),
            ("/sitemap.xml", "sitemap.xml", "sitemap.xml"),
            ("/404.html", "404.html", "404.html"),
        ];
        assert_eq!(asset("articles/chart.png"), "/articles/chart.png");
        for (url, file, folder) in table {
            assert_eq!(output_file(url), file, "{url}");
            assert_eq!(output_folder(url), folder, "{url}");
        }
    }

    #[test]
    fn metric_anchors() {
        let table = [
            ("downtime", "metric-downtime"),
            ("lead-time", "metric-lead-time"),
            ("", "metric-"),
        ];
        for (id, anchor) in table {
            assert_eq!(metric_anchor(id), anchor);
            assert_eq!(metric_of_anchor(anchor), Some(id));
        }
        for anchor in ["results", "metrics-x", "Metric-x", ""] {
            assert_eq!(metric_of_anchor(anchor), None, "{anchor}");
        }
    }

    #[test]
    fn language_prefixes() {
        let toml =
            "title = \"T\"\nbase_url = \"https://x.test/blog\"\n[languages.zh]\n[languages.fi]\n";
        let config = SiteConfig::parse(toml).unwrap();
        let (en, fi, zh) = (
            Urls::in_language(&config, 0),
            Urls::in_language(&config, 1),
            Urls::in_language(&config, 2),
        );
        assert_eq!(config.languages[1].code, "fi");
        let table: &[(String, &str)] = &[
            (en.home(), "/"),
            (zh.home(), "/zh/"),
            (zh.article("tco-guide"), "/zh/articles/tco-guide/"),
            (fi.role("decider"), "/fi/roles/decider/"),
            (fi.feed(), "/fi/atom.xml"),
            (zh.industry_feed("energy"), "/zh/industries/energy/atom.xml"),
            (zh.paged(zh.articles(), 1), "/zh/articles/page/2/"),
            (zh.sitemap(), "/sitemap.xml"),
            (zh.href(&zh.proof()), "/blog/zh/proof/"),
            (zh.not_found(), "/zh/404.html"),
        ];
        for (got, want) in table {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn generated_pages() {
        let config =
            SiteConfig::parse("title = \"T\"\nbase_url = \"https://x.test/blog\"\n").unwrap();
        let u = Urls::new(&config);
        let mut got: Vec<String> = u.generated(&config, ["energy"]).into_iter().collect();
        got.sort();
        let mut want = [
            "/",
            "/articles/",
            "/case-studies/",
            "/roles/",
            "/stages/",
            "/industries/",
            "/proof/",
            "/industries/energy/",
            "/stages/awareness/",
            "/stages/consideration/",
            "/stages/decision/",
            "/stages/retention/",
            "/roles/initiator/",
            "/roles/decider/",
            "/roles/influencer/",
            "/roles/user/",
            "/roles/approver/",
            "/roles/buyer/",
            "/roles/gatekeeper/",
        ]
        .to_vec();
        // The search page is cairn's while search is on.
        if cfg!(feature = "search") {
            want.push("/search/");
        }
        want.sort();
        assert_eq!(got, want);
    }
}
