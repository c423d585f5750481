//! The email edition of an article or case study: the page's body made safe for mail
//! clients that render HTML as Word does (Outlook) or strip what they do not know.
//!
//! - [`content`] rewrites the rendered body: links absolute and tagged with UTM
//!   parameters, each claim as its text with its source in a numbered footnote,
//!   images absolute with their width and height, blocks (`<div>`, `<aside>`,
//!   `<figure>`) as one-cell tables, no scripts, frames or forms;
//! - the theme's `email.html` lays it out in a 600-pixel table with its CSS in a
//!   `<style>` element; [`inline`] moves that CSS into `style` attributes;
//! - [`text`] is the same edition as plain text, for `email.txt`.

use std::cell::RefCell;
use std::path::Path;

use lol_html::html_content::ContentType;
use lol_html::{RewriteStrSettings, element, rewrite_str};
use serde::Serialize;

use crate::model::{PageMeta, Site};
use crate::urls;

/// The width of an email's content column: 600 pixels less the cell's padding.
pub const CONTENT_WIDTH: u32 = 552;

/// A claim of the body as the email's footnotes list it.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct Footnote {
    pub number: usize,
    /// The claim's text (`reduced unplanned downtime by 41%`).
    pub claim: String,
    /// Its figures and source (`from 120 to 70 hours/month, first 6 months. Source: …`).
    pub detail: String,
    /// The metric on its case study's page, absolute.
    pub url: String,
}

/// What an email edition's template gets besides `page` and `site`: `email`.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct EmailView {
    /// The body, rewritten for mail clients.
    pub content: String,
    pub footnotes: Vec<Footnote>,
    /// The page on the site, absolute, with the email's UTM parameters.
    pub url: String,
    /// The UTM parameters of the email's links, as a query string (`utm_source=…`).
    pub utm: String,
    /// The site's home page in the page's language, absolute, with the UTM parameters.
    pub home: String,
    /// The page's stage's call to action, absolute (with the UTM parameters when it is
    /// the site's); empty when the stage has none.
    pub cta_url: String,
}

/// Where the email's links lead and how they are tagged.
struct Links<'a> {
    /// `https://host` without the base path: what a link with the base path goes after.
    origin: &'a str,
    /// The page's own absolute URL, for `#fragment` links.
    page: String,
    utm: Vec<(&'static str, String)>,
    /// The site, whose files beside the content give images their size.
    site: &'a Site,
}

impl Links<'_> {
    /// The file of the image at link `src`, when it is a file beside the content: looked
    /// up only for the images a body has, not made into a map for every edition.
    fn image_file(&self, src: &str) -> Option<&Path> {
        let base = self.site.urls.base_path();
        let content_path = src.strip_prefix(base)?.strip_prefix('/')?;
        let asset = self
            .site
            .assets
            .iter()
            .find(|a| a.content_path == content_path)?;
        Some(&asset.source)
    }

    /// A link of the body, absolute; to the site itself, with the UTM parameters.
    fn link(&self, href: &str) -> String {
        let params: Vec<(&str, &str)> = self.utm.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // A link within the page leads to the page on the site: mail clients drop fragments.
        if href.starts_with('#') {
            return urls::with_query(&format!("{}{href}", self.page), &params);
        }
        if href.starts_with('/') && !href.starts_with("//") {
            return urls::with_query(&format!("{}{href}", self.origin), &params);
        }
        href.to_string()
    }

    /// An image's source, absolute.
    fn source(&self, src: &str) -> String {
        if src.starts_with('/') && !src.starts_with("//") {
            format!("{}{src}", self.origin)
        } else {
            src.to_string()
        }
    }
}

/// The UTM parameters of an email's links to the site: the medium is email, the
/// source and campaign those of `[campaign]` when set (else `email` and the page's slug).
pub fn utm(site: &Site, meta: &PageMeta) -> Vec<(&'static str, String)> {
    let campaign = site.config.campaign.as_ref();
    vec![
        (
            "utm_source",
            campaign.map_or_else(|| "email".to_string(), |c| c.utm_source.clone()),
        ),
        ("utm_medium", "email".to_string()),
        (
            "utm_campaign",
            campaign
                .and_then(|c| c.utm_campaign.clone())
                .unwrap_or_else(|| meta.slug.clone()),
        ),
    ]
}

/// The email edition's values for page `meta` whose rendered body is `html`.
pub fn view(site: &Site, meta: &PageMeta, html: &str) -> EmailView {
    let base_path = site.urls.base_path();
    let base_url = site.urls.base_url();
    let origin = base_url.strip_suffix(base_path).unwrap_or(base_url);
    let links = Links {
        origin,
        page: site.urls.absolute(&meta.url),
        utm: utm(site, meta),
        site,
    };
    let (content, footnotes) = content(html, &links);
    let cta_url = meta
        .stage
        .and_then(|s| site.config.stages[s].cta.as_ref())
        .map(|c| links.link(&site.urls.configured(&c.url)))
        .unwrap_or_default();
    let home = links.link(&site.urls.href(&site.urls.home()));
    let params: Vec<(&str, &str)> = links.utm.iter().map(|(k, v)| (*k, v.as_str())).collect();
    EmailView {
        content,
        footnotes,
        url: urls::with_query(&links.page, &params),
        utm: form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&params)
            .finish(),
        home,
        cta_url,
    }
}

/// The body rewritten for mail clients, and its claims as footnotes.
fn content(html: &str, links: &Links) -> (String, Vec<Footnote>) {
    let footnotes: RefCell<Vec<Footnote>> = RefCell::new(Vec::new());
    let table = "<table class=\"block\" role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr><td>";
    let handlers = vec![
        element!("a.claim", |el| {
            let mut notes = footnotes.borrow_mut();
            let number = notes.len() + 1;
            notes.push(Footnote {
                number,
                claim: String::new(),
                detail: el
                    .get_attribute("title")
                    .or_else(|| el.get_attribute("data-source"))
                    .unwrap_or_default(),
                url: links.link(&el.get_attribute("href").unwrap_or_default()),
            });
            el.after(&format!("<sup>[{number}]</sup>"), ContentType::Html);
            el.remove_and_keep_content();
            Ok(())
        }),
        // The claim's text, into the footnote its start tag began.
        lol_html::text!("a.claim", |t| {
            if let Some(last) = footnotes.borrow_mut().last_mut() {
                last.claim.push_str(&html_unescape(t.as_str()));
            }
            Ok(())
        }),
        element!("a[href]:not(.claim)", |el| {
            let href = el.get_attribute("href").unwrap_or_default();
            el.set_attribute("href", &links.link(&href))?;
            el.set_attribute("target", "_blank")?;
            Ok(())
        }),
        element!("img", |el| {
            let src = el.get_attribute("src").unwrap_or_default();
            if let Some(size) = links.image_file(&src).and_then(|p| imagesize::size(p).ok()) {
                let (w, h) = fit(size.width as u32, size.height as u32);
                el.set_attribute("width", &w.to_string())?;
                el.set_attribute("height", &h.to_string())?;
            } else if el.get_attribute("width").is_none() {
                el.set_attribute("width", &CONTENT_WIDTH.to_string())?;
            }
            el.set_attribute("src", &links.source(&src))?;
            // The original, sized for the column: mail clients know no `srcset` (nor
            // WebP) and load every image at once.
            for attribute in ["srcset", "sizes", "loading", "decoding", "fetchpriority"] {
                el.remove_attribute(attribute);
            }
            if el.get_attribute("alt").is_none() {
                el.set_attribute("alt", "")?;
            }
            Ok(())
        }),
        element!(
            "div, aside, figure, section, article, header, footer, nav, main",
            |el| {
                el.before(table, ContentType::Html);
                el.after("</td></tr></table>", ContentType::Html);
                el.remove_and_keep_content();
                Ok(())
            }
        ),
        element!(
            "script, iframe, object, embed, form, style, link, video, audio, a.anchor",
            |el| {
                el.remove();
                Ok(())
            }
        ),
    ];
    let settings = handlers
        .into_iter()
        .fold(RewriteStrSettings::new(), |s, h| {
            s.append_element_content_handler(h)
        });
    let out = rewrite_str(html, settings).unwrap_or_else(|_| html.to_string());
    let mut footnotes = footnotes.into_inner();
    for f in &mut footnotes {
        f.claim = f.claim.trim().to_string();
    }
    (out, footnotes)
}

/// An image's size to show it at: as it is, or scaled down to the content column.
fn fit(width: u32, height: u32) -> (u32, u32) {
    if width <= CONTENT_WIDTH || width == 0 {
        (width, height)
    } else {
        (
            CONTENT_WIDTH,
            (u64::from(height) * u64::from(CONTENT_WIDTH) / u64::from(width)) as u32,
        )
    }
}

/// The entities the body's text can hold, as characters.
fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The email as the theme's `email.html` rendered it, with the CSS of its `<style>`
/// elements moved into `style` attributes (and widths into `width` attributes, which
/// Outlook reads), and the `<style>` elements removed.
pub fn inline(html: &str) -> Result<String, String> {
    let inliner = css_inline::InlineOptions {
        keep_style_tags: false,
        keep_link_tags: false,
        keep_at_rules: false,
        load_remote_stylesheets: false,
        apply_width_attributes: true,
        apply_height_attributes: false,
        ..Default::default()
    }
    .build();
    inliner.inline(html).map_err(|e| e.to_string())
}

/// The email as plain text (`email.txt`) from the theme's `email_text.html`: the same
/// words, each link's address listed under the text, lines of at most 78 characters.
pub fn text(html: &str) -> String {
    // A web address is never broken across lines: a reader (or a mail client) could not follow it.
    let text = html2text::config::plain()
        .no_link_wrapping()
        .allow_width_overflow()
        .string_from_read(html.as_bytes(), 78)
        .unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_fit_the_content_column() {
        assert_eq!(fit(400, 300), (400, 300));
        assert_eq!(fit(1104, 600), (552, 300));
        assert_eq!(fit(0, 10), (0, 10));
    }
}
