//! What every render of one build shares: the site view as a template value,
//! each card rendered once, and the Tera call that turns a [`JobView`] into bytes.

use std::path::PathBuf;

use super::RenderOptions;
use super::jobs::{Job, JobView, listed_pages};
use super::views::{
    CardView, ImageView, LanguageView, SiteLinks, SiteView, TermView, card, industry_term,
    role_term, stage_term,
};
use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::theme::{Theme, template_diagnostic};

/// One build's rendering state.
pub struct Ctx<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub site_view: SiteView<'a>,
    /// `site_view` as a template value, made once: every render shares it.
    site_value: tera::Value,
    /// The files of `data/` as the template value `data`, made once.
    data_value: tera::Value,
    /// Vocabulary terms as cards show them, each made once: every card value shares them.
    card_terms: CardTerms,
    /// Each card as a template value, with `html`: the card rendered once through
    /// `partials/card.html`. Tera values share their maps and lists, so a listing of
    /// 10,000 cards clones 10,000 pointers and writes 10,000 ready strings instead of
    /// serialising and rendering every card again in every listing that shows it.
    card_values: Vec<std::sync::OnceLock<CardEntry>>,
    /// Take each page's body out as its page is rendered, freeing it once written
    /// (a build); a serve session keeps them for the next edit.
    pub free_bodies: bool,
}

/// Stages, roles and industries as template values for cards (without counts).
struct CardTerms {
    stages: Vec<tera::Value>,
    roles: Vec<tera::Value>,
    industries: Vec<tera::Value>,
}

/// A card as a template value (with `html`, the card rendered) and the length of its `html`.
pub type CardValue = (tera::Value, usize);

/// A card, or why it failed to render.
type CardEntry = Result<CardValue, Box<Diagnostic>>;

/// What a page needs around its body or its list of cards, in bytes (a guess).
pub const PAGE_CAPACITY: usize = 16 * 1024;

/// The partial rendered once per page as its card's `html`.
pub const CARD_TEMPLATE: &str = "partials/card.html";

impl<'a> Ctx<'a> {
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        options: &'a RenderOptions,
        free_bodies: bool,
    ) -> Ctx<'a> {
        let config = &site.config;
        let stage_count = |i: usize| site.by_stage[i].len();
        let role_count = |r: usize| site.role_paths[r].iter().map(Vec::len).sum();
        let site_view = SiteView {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            t: &site.words.strings,
            social_image: config
                .social
                .as_ref()
                .map(|s| ImageView::of(site, s.image.trim(), &s.image_alt)),
            links: SiteLinks::of(site),
            languages: if site.alternates.languages.len() > 1 {
                LanguageView::homes(site)
            } else {
                Vec::new()
            },
            base_url: site.urls.base_url(),
            base_path: site.urls.base_path(),
            stages: (0..config.stages.len())
                .map(|i| stage_term(site, i, stage_count(i)))
                .collect(),
            roles: (0..config.roles.len())
                .map(|i| role_term(site, i, role_count(i)))
                .collect(),
            industries: (0..site.industries.len())
                .map(|i| industry_term(site, i, site.by_industry[i].len()))
                .collect(),
            extra: &config.extra,
            article_count: site.articles.len(),
            case_study_count: site.case_studies.len(),
            generator: concat!("cairn ", env!("CARGO_PKG_VERSION")),
            live_reload: &options.live_reload,
            search: crate::search::searchable(site),
            search_parts: crate::search::merged_parts(site),
            highlight: config.markdown.highlight,
        };
        let value = |t: TermView| tera::Value::from_serializable(&t);
        let card_terms = CardTerms {
            stages: (0..config.stages.len())
                .map(|i| value(stage_term(site, i, 0)))
                .collect(),
            roles: (0..config.roles.len())
                .map(|i| value(role_term(site, i, 0)))
                .collect(),
            industries: (0..site.industries.len())
                .map(|i| value(industry_term(site, i, 0)))
                .collect(),
        };
        let card_values = (0..site.pages.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Ctx {
            site,
            theme,
            site_value: tera::Value::from_serializable(&site_view),
            data_value: tera::Value::from_serializable(&site.data.value),
            site_view,
            card_terms,
            card_values,
            free_bodies,
        }
    }

    /// `template` with `site`, `data` and what `extra` adds, into a buffer of `capacity` bytes
    /// (a good guess spares a 30 MB listing its copies while it grows).
    pub fn render(
        &self,
        template: &str,
        capacity: usize,
        extra: impl FnOnce(&mut tera::Context),
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut out = self.render_bare(template, capacity, extra)?;
        let script = self.site_view.live_reload.as_bytes();
        if !script.is_empty() && template.ends_with(".html") {
            let at = out
                .windows(7)
                .rposition(|w| w == b"</body>")
                .unwrap_or(out.len());
            out.splice(at..at, script.iter().copied());
        }
        Ok(out)
    }

    /// [`render`](Self::render) without the live-reload script.
    pub fn render_bare(
        &self,
        template: &str,
        capacity: usize,
        extra: impl FnOnce(&mut tera::Context),
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = tera::Context::new();
        ctx.insert_value("site", self.site_value.clone());
        ctx.insert_value("data", self.data_value.clone());
        extra(&mut ctx);
        let mut out = Vec::with_capacity(capacity);
        match self.theme.tera.render_to(template, &ctx, &mut out) {
            Ok(()) => Ok(out),
            Err(e) => {
                let mut d = template_diagnostic(&self.theme.sources, &e);
                if d.line == 0 {
                    d.path = PathBuf::from(self.theme.origin_of(template));
                }
                Err(d)
            }
        }
    }

    pub fn card(&self, i: usize) -> CardView<'a> {
        card(self.site, i, &self.site.pages[i], true)
    }

    /// Page `i`'s card as a template value, and the length of its `html`.
    pub fn card_entry(&self, i: usize) -> Result<&(tera::Value, usize), Diagnostic> {
        self.card_values[i]
            .get_or_init(|| {
                // The card without its terms, which are then put in shared.
                let meta = &self.site.pages[i].meta;
                let terms = &self.card_terms;
                let mut map =
                    tera::Value::from_serializable(&card(self.site, i, &self.site.pages[i], false))
                        .into_map()
                        .unwrap_or_default();
                let key = tera::value::Key::Str;
                map.insert(
                    key("stage"),
                    meta.stage.map(|s| terms.stages[s].clone()).into(),
                );
                let shared = |table: &[tera::Value], ids: &[usize]| -> tera::Value {
                    ids.iter()
                        .map(|&k| table[k].clone())
                        .collect::<Vec<_>>()
                        .into()
                };
                map.insert(key("roles"), shared(&terms.roles, &meta.roles));
                map.insert(
                    key("industries"),
                    shared(&terms.industries, &meta.industries),
                );
                let value = tera::Value::from(map);
                let html = self
                    .render_bare(CARD_TEMPLATE, 2048, |c| {
                        c.insert_value("card", value.clone())
                    })
                    .map_err(Box::new)?;
                // Tera writes UTF-8 only.
                let html = String::from_utf8_lossy(&html);
                let mut map = value.into_map().unwrap_or_default();
                map.insert(key("html"), tera::Value::safe_string(&html));
                Ok((tera::Value::from(map), html.len()))
            })
            .as_ref()
            .map_err(|d| (**d).clone())
    }

    /// Page `i`'s card as a template value with its `html` length, if made this build.
    pub fn made_card(&self, i: usize) -> Option<&CardValue> {
        self.card_values[i].get()?.as_ref().ok()
    }

    /// Give page `i` a card made by an earlier build from the same view (same fingerprint).
    pub fn reuse_card(&self, i: usize, card: CardValue) {
        let _ = self.card_values[i].set(Ok(card));
    }

    pub fn card_value(&self, i: usize) -> Result<tera::Value, Diagnostic> {
        self.card_entry(i).map(|(v, _)| v.clone())
    }

    /// A guess at the size of `job`'s output: its body or the cards it lists, and the
    /// rest of the page.
    pub fn capacity(&self, job: &Job) -> usize {
        // A page's own job adds its body's length, which only that job holds.
        let listed: usize = listed_pages(self.site, job)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.card_values[i].get()?.as_ref().ok().map(|(_, n)| n))
            .sum();
        PAGE_CAPACITY + listed
    }

    pub fn abs(&self, path: &str) -> String {
        self.site.urls.absolute(path)
    }

    /// Render `view` through its template.
    pub fn render_view(
        &self,
        view: JobView<tera::Value>,
        capacity: usize,
    ) -> Result<Vec<u8>, Diagnostic> {
        self.render(view.template, capacity, |c| {
            for (name, value) in &view.values {
                c.insert(*name, value);
            }
        })
    }
}
