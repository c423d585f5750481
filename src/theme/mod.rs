//! The theme: the built-in default (compiled in from `themes/default/`),
//! overridden template by template by the site's `themes/<name>/` and then its
//! `templates/`, loaded into Tera with every template checked at load time;
//! the theme's static files; and shortcodes rendered from
//! `shortcodes/<name>.html`, which the model calls while it renders bodies.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::markdown::{ArgValue, ShortcodeCall, ShortcodeError, Shortcodes};

mod reads;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

/// Where a template came from, for error messages.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub name: String,
    /// `(built-in default theme)` or the file relative to the site root.
    pub origin: String,
}

/// The loaded templates and the static files of the theme.
pub struct Theme {
    pub tera: tera::Tera,
    pub sources: Vec<TemplateSource>,
    /// Static files of the theme: (relative output path, contents).
    pub statics: Vec<(String, Vec<u8>)>,
    /// Templates that may show how many pages a term or the site has (see [`reads`]).
    count_readers: std::collections::HashSet<String>,
    /// Templates that use `paginator` (links to the other pages of a listing).
    paginator_readers: std::collections::HashSet<String>,
}

impl Theme {
    /// Load the default theme, then `<root>/themes/<name>/`, then `<root>/templates/`.
    pub fn load(root: &Path, config: &SiteConfig) -> Result<Theme, Vec<Diagnostic>> {
        let mut files = ThemeFiles::built_in();
        files.read_overrides(root, config)?;
        let ThemeFiles { templates, statics } = files;
        let (tera, sources) = compile(&templates)?;
        Ok(Theme {
            tera,
            sources,
            statics: statics.into_iter().collect(),
            count_readers: reads::count_readers(
                templates
                    .iter()
                    .map(|(name, (_, text))| (name.as_str(), text.as_str())),
            ),
            paginator_readers: reads::word_readers(
                templates
                    .iter()
                    .map(|(name, (_, text))| (name.as_str(), text.as_str())),
                "paginator",
            ),
        })
    }

    /// Whether template `name`, or a template it extends or includes, may show
    /// a count of pages (a term's `count`, `site.article_count`, …). Templates that
    /// cannot are not rendered again when only counts change.
    pub fn reads_counts(&self, name: &str) -> bool {
        self.count_readers.contains(name)
    }

    /// Whether template `name`, or a template it extends or includes, uses `paginator`.
    pub fn links_pages(&self, name: &str) -> bool {
        self.paginator_readers.contains(name)
    }

    /// Where the template `name` came from (its file, or the built-in theme).
    pub fn origin_of(&self, name: &str) -> String {
        origin_of(&self.sources, name)
    }

    /// Names of the shortcodes this theme offers.
    pub fn shortcode_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .tera
            .get_template_names()
            .filter_map(|n| {
                n.strip_prefix("shortcodes/")
                    .and_then(|n| n.strip_suffix(".html"))
            })
            .collect();
        v.sort_unstable();
        v
    }
}

/// The files of a theme before Tera reads them: later sources replace earlier ones.
struct ThemeFiles {
    /// Template name → (where it came from, its text).
    templates: BTreeMap<String, (String, String)>,
    /// Relative output path → contents.
    statics: BTreeMap<String, Vec<u8>>,
}

/// Whether `bytes` are the built-in default theme's static file `rel` (not a theme's
/// or a site's own file of that name).
pub fn is_built_in_static(rel: &str, bytes: &[u8]) -> bool {
    embedded::FILES
        .iter()
        .any(|(path, b)| path.strip_prefix("static/") == Some(rel) && *b == bytes)
}

impl ThemeFiles {
    /// Gives the templates and static files of the built-in default theme.
    fn built_in() -> ThemeFiles {
        let mut files = ThemeFiles {
            templates: BTreeMap::new(),
            statics: BTreeMap::new(),
        };
        for (path, bytes) in embedded::FILES {
            if let Some(name) = path.strip_prefix("templates/") {
                files.templates.insert(
                    name.to_string(),
                    (
                        "(built-in default theme)".into(),
                        String::from_utf8_lossy(bytes).into_owned(),
                    ),
                );
            } else if let Some(rel) = path.strip_prefix("static/") {
                files.statics.insert(rel.to_string(), bytes.to_vec());
            }
        }
        files
    }

    /// Takes the site root and its config; lays `themes/<name>/` (its templates and
    /// static files) and then the site's `templates/` over these files. Gives every
    /// problem reading them, and an error when a theme other than `default` is missing.
    fn read_overrides(&mut self, root: &Path, config: &SiteConfig) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let templates = &mut self.templates;
        let statics = &mut self.statics;
        let theme_dir = root.join("themes").join(&config.theme);
        if theme_dir.is_dir() {
            read_tree(
                root,
                &theme_dir.join("templates"),
                &mut |rel, origin, bytes| {
                    templates.insert(rel, (origin, String::from_utf8_lossy(&bytes).into_owned()));
                },
                &mut errors,
            );
            read_tree(
                root,
                &theme_dir.join("static"),
                &mut |rel, _, bytes| {
                    statics.insert(rel, bytes);
                },
                &mut errors,
            );
        } else if config.theme != "default" {
            errors.push(
                Diagnostic::error(Code::ThemeMissing, "site.toml", format!("theme `{}` not found (looked in themes/{})", config.theme, config.theme))
                    .with_hint("create the theme folder, or set `theme = \"default\"` to use the built-in theme"),
            );
        }
        read_tree(
            root,
            &root.join("templates"),
            &mut |rel, origin, bytes| {
                templates.insert(rel, (origin, String::from_utf8_lossy(&bytes).into_owned()));
            },
            &mut errors,
        );
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Takes the templates (name → (origin, text)); gives Tera with them loaded (autoescape
/// and cairn's filters on) and where each came from, or the syntax error, or an error
/// for each required template that is missing.
fn compile(
    templates: &BTreeMap<String, (String, String)>,
) -> Result<(tera::Tera, Vec<TemplateSource>), Vec<Diagnostic>> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html", ".xml", ".htm"]);
    register_filters(&mut tera);
    let sources: Vec<TemplateSource> = templates
        .iter()
        .map(|(name, (origin, _))| TemplateSource {
            name: name.clone(),
            origin: origin.clone(),
        })
        .collect();
    tera.add_raw_templates(
        templates
            .iter()
            .map(|(name, (_, text))| (name.as_str(), text.as_str())),
    )
    .map_err(|e| vec![template_diagnostic(&sources, &e)])?;
    let errors: Vec<Diagnostic> = REQUIRED_TEMPLATES
        .iter()
        .filter(|required| !tera.contains_template(required))
        .map(|required| {
            Diagnostic::error(
                Code::TemplateMissing,
                "templates",
                format!("template `{required}` is missing"),
            )
            .with_hint("copy it from the default theme (docs/themes.md lists every template)")
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((tera, sources))
}

/// Every template the renderer asks for.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "article.html",
    "case_study.html",
    "page.html",
    "articles.html",
    "case_studies.html",
    "role.html",
    "roles.html",
    "stage.html",
    "stages.html",
    "industry.html",
    "industries.html",
    "proof.html",
    "search.html",
    "404.html",
    "atom.xml",
    "sitemap.xml",
    "robots.txt",
    "alias.html",
    "redirects.txt",
    "email.html",
    "email_text.html",
    "shortcodes/claim.html",
];

fn origin_of(sources: &[TemplateSource], name: &str) -> String {
    sources
        .iter()
        .find(|s| s.name == name)
        .map_or_else(|| name.to_string(), |s| s.origin.clone())
}

/// Every file under `dir` (in the site at `root`) by its path inside `dir`, with the same
/// rules as the site's own files: hidden files left out, links followed only inside the site.
fn read_tree(
    root: &Path,
    dir: &Path,
    add: &mut dyn FnMut(String, String, Vec<u8>),
    errors: &mut Vec<Diagnostic>,
) {
    let folder = dir.strip_prefix(root).unwrap_or(dir).to_string_lossy();
    let (files, problems) = crate::source::walk(root, &folder, None);
    errors.extend(problems);
    for file in files {
        let origin = crate::diagnostics::display_path(
            file.source.strip_prefix(root).unwrap_or(&file.source),
        );
        match std::fs::read(&file.source) {
            Ok(bytes) => add(file.content_path, origin, bytes),
            Err(err) => errors.push(Diagnostic::error(
                Code::Io,
                PathBuf::from(&origin),
                format!("cannot read: {err}"),
            )),
        }
    }
}

/// A Tera error as a diagnostic naming the template file and, when known, the line.
pub(crate) fn template_diagnostic(sources: &[TemplateSource], e: &tera::Error) -> Diagnostic {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    // Name the file the template came from, not just its name.
    let (path, line) = sources
        .iter()
        .filter(|s| message.contains(&s.name))
        .max_by_key(|s| s.name.len())
        .map(|s| (s.origin.clone(), line_in(&message, &s.name)))
        .unwrap_or_else(|| ("templates".into(), 0));
    // Tera's message opens with its own "error: "; the diagnostic says it once.
    let message = message.trim();
    let message = message.strip_prefix("error: ").unwrap_or(message);
    let mut d = Diagnostic::error(Code::Template, path, message.to_string())
        .with_hint("fix the template; Tera's syntax: https://keats.github.io/tera/docs/");
    d.line = line;
    d
}

/// The line number Tera reports after `name:` in its message, if any.
fn line_in(message: &str, name: &str) -> usize {
    let Some(i) = message.find(&format!("{name}:")) else {
        return 0;
    };
    message[i + name.len() + 1..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

fn register_filters(tera: &mut tera::Tera) {
    tera.register_filter("slugify", |s: &str, _: tera::Kwargs, _: &tera::State| {
        slug::slugify(s)
    });
}

// ------------------------------------------------------------------ shortcodes

/// Renders `shortcodes/<name>.html` with the call's arguments as variables.
pub struct ShortcodeTemplates<'a> {
    pub theme: &'a Theme,
}

impl Shortcodes for ShortcodeTemplates<'_> {
    fn render(&self, call: &ShortcodeCall) -> Result<String, ShortcodeError> {
        let name = format!("shortcodes/{}.html", call.name);
        if !self.theme.tera.contains_template(&name) {
            let names = self.theme.shortcode_names();
            let hint = match did_you_mean(&call.name, names.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!(
                    "available shortcodes: {}; add your own as templates/shortcodes/{}.html",
                    names.join(", "),
                    call.name
                ),
            };
            return Err(ShortcodeError {
                code: Code::ShortcodeUnknown,
                message: format!("unknown shortcode `{}`", call.name),
                hint,
            });
        }
        let mut ctx = tera::Context::new();
        for (k, v) in &call.args {
            match v {
                ArgValue::Str(s) => ctx.insert(k.clone(), s),
                ArgValue::Int(i) => ctx.insert(k.clone(), i),
                ArgValue::Float(f) => ctx.insert(k.clone(), f),
                ArgValue::Bool(b) => ctx.insert(k.clone(), b),
            }
        }
        self.theme
            .tera
            .render(&name, &ctx)
            .map(|s| s.trim().to_string())
            .map_err(|e| {
                let d = template_diagnostic(&self.theme.sources, &e);
                ShortcodeError {
                    code: Code::ShortcodeRender,
                    message: format!("shortcode `{}` failed to render: {}", call.name, d.message),
                    hint: format!(
                        "check the arguments against {}",
                        self.theme.origin_of(&name)
                    ),
                }
            })
    }
}
