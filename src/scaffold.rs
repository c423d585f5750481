//! `cairn new` and `cairn init`: files a content team starts from. Values
//! are validated against the site's vocabularies before anything is
//! written, and nothing is ever overwritten.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::SiteConfig;

/// What `cairn new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    Article,
    CaseStudy,
    Page,
}

/// Arguments of `cairn new`.
#[derive(Debug, Clone)]
pub struct NewPage {
    pub kind: NewKind,
    pub title: String,
    pub stage: Option<String>,
    pub roles: Vec<String>,
    pub industries: Vec<String>,
    /// Written as the page's `date`.
    pub date: jiff::civil::Date,
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| quote(v)).collect();
    format!("[{}]", quoted.join(", "))
}

/// Check `new`'s values against the vocabularies; returns them normalised (aliases → ids).
fn resolve(
    config: &SiteConfig,
    page: &NewPage,
) -> anyhow::Result<(String, Vec<String>, Vec<String>)> {
    let mut problems = Vec::new();
    let default_stage = match page.kind {
        NewKind::CaseStudy if config.stage_index("decision").is_ok() => "decision".to_string(),
        _ => config.stages[0].id.clone(),
    };
    let stage = match &page.stage {
        Some(s) => match config.stage_index(s) {
            Ok(i) => config.stages[i].id.clone(),
            Err(hint) => {
                problems.push(format!("unknown stage `{s}`: {hint}"));
                String::new()
            }
        },
        None => default_stage,
    };
    let mut roles = Vec::new();
    for r in &page.roles {
        match config.role_index(r) {
            Ok(i) => roles.push(config.roles[i].id.clone()),
            Err(hint) => problems.push(format!("unknown role `{r}`: {hint}")),
        }
    }
    let mut industries = Vec::new();
    for i in &page.industries {
        if !config.industries_closed {
            industries.push(slug::slugify(i));
        } else if let Some(ind) = config.industries.iter().find(|x| x.id == i.to_lowercase()) {
            industries.push(ind.id.clone());
        } else {
            let ids: Vec<&str> = config.industries.iter().map(|x| x.id.as_str()).collect();
            problems.push(format!(
                "unknown industry `{i}`: {}",
                crate::diagnostics::suggestion(i, &ids)
            ));
        }
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok((stage, roles, industries))
}

/// The text of a new file.
pub fn new_page_text(config: &SiteConfig, page: &NewPage) -> anyhow::Result<String> {
    let date = page.date.to_string();
    let title = quote(&page.title);
    if page.kind == NewKind::Page {
        return Ok(format!(
            "+++\ntitle = {title}\nsummary = \"\"\n+++\nWrite the page here.\n"
        ));
    }
    let (stage, roles, industries) = resolve(config, page)?;
    let head = format!(
        "+++\ntitle = {title}\ndate = {date}\nsummary = \"\"\nstage = {}\nroles = {}\nindustries = {}\ndraft = true\n",
        quote(&stage),
        list(&roles),
        list(&industries)
    );
    Ok(match page.kind {
        NewKind::Article => format!(
            "{head}+++\nOpen with the problem your reader has, in their words.\n\n## Why it matters\n\n## What to do about it\n\n## Next step\n"
        ),
        NewKind::CaseStudy => format!(
            "{head}customer = \"Customer name\"\n# Until the customer signs off; then `approved = YYYY-MM-DD` (the day they did).\napproval = \"pending\"\n\n[[metrics]]\nid = \"downtime\"\nlabel = \"unplanned downtime\"\nunit = \"hours/month\"\nbefore = 100\nafter = 80\nbetter = \"lower\"\nperiod = \"first 6 months\"\nsource = \"Name the report, log or system these figures come from\"\nas_of = {date}\nreview_by = {review}\n\n[[quotes]]\ntext = \"What the customer said, in their words.\"\nname = \"Full name\"\ntitle = \"Job title\"\n+++\n## The challenge\n\n## The solution\n\n## The results\n\nThe customer {{{{ claim(case=\"{slug}\", metric=\"downtime\") }}}}.\n",
            slug = slug::slugify(&page.title),
            date = page.date,
            review = page.date.saturating_add(jiff::Span::new().years(1)),
        ),
        NewKind::Page => unreachable!(),
    })
}

/// Where `new` writes, relative to the site root.
pub fn new_page_path(page: &NewPage) -> PathBuf {
    let slug = slug::slugify(&page.title);
    let slug = if slug.is_empty() {
        "untitled".to_string()
    } else {
        slug
    };
    match page.kind {
        NewKind::Article => PathBuf::from(format!("content/articles/{slug}.md")),
        NewKind::CaseStudy => PathBuf::from(format!("content/case-studies/{slug}.md")),
        NewKind::Page => PathBuf::from(format!("content/{slug}.md")),
    }
}

/// Write a new page under `root`; refuses to overwrite. Returns the path relative to `root`.
pub fn create_page(root: &Path, page: &NewPage) -> anyhow::Result<PathBuf> {
    let config = SiteConfig::load(root).map_err(|ds| {
        anyhow::anyhow!(
            "{}",
            ds.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    let text = new_page_text(&config, page)?;
    let rel = new_page_path(page);
    let path = root.join(&rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::anyhow!(
                    "{} already exists; choose another title, or edit that file",
                    rel.display()
                )
            } else {
                anyhow::Error::new(e).context(format!("cannot create {}", path.display()))
            }
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(rel)
}

/// The site.toml `init` writes: every default vocabulary spelled out for editing.
pub fn init_site_toml(title: &str) -> String {
    let mut s = format!(
        "# cairn site configuration; every key is described in the cairn README, section \"site.toml\".\ntitle = {}\nbase_url = \"https://www.example.com\"   # where the site will live; `cairn build --base-url` overrides\ndescription = \"What this site helps its readers decide.\"\nlanguage = \"en\"\ntheme = \"default\"                       # built into cairn; override templates in templates/\n\n# The journey, in order. Front matter `stage` must be one of these ids.\n",
        quote(title)
    );
    for st in crate::config::default_stages() {
        s.push_str(&format!(
            "[[stages]]\nid = {}\nname = {}\ndescription = {}\n",
            quote(&st.id),
            quote(&st.name),
            quote(&st.description)
        ));
        if st.id == "awareness" {
            s.push_str("cta = { text = \"Get the monthly briefing\", url = \"/about/\" }\n");
        }
        s.push('\n');
    }
    s.push_str("# The buying center. Front matter `roles` must use these ids or their aliases.\n");
    for r in crate::config::default_roles() {
        s.push_str(&format!(
            "[[roles]]\nid = {}\nname = {}\ndescription = {}\n",
            quote(&r.id),
            quote(&r.name),
            quote(&r.description)
        ));
        if r.id == "decider" {
            s.push_str("aliases = [\"economic-buyer\", \"decision-maker\"]\n");
        }
        s.push('\n');
    }
    s.push_str("# Industries. Remove this list to accept any industry name.\n[[industries]]\nid = \"manufacturing\"\nname = \"Manufacturing\"\n\n[[industries]]\nid = \"logistics\"\nname = \"Logistics\"\n\n# Coverage requirements checked by `cairn audit` (exit 1 when unmet).\n[audit]\nmin_per_cell = 0\nrequire = [\"*:decision\"]     # every role needs something to read at the decision stage\ncase_study_per_industry = false\n");
    s
}

/// Files of a new site: (path, contents).
pub fn init_files(title: &str, today: jiff::civil::Date) -> Vec<(&'static str, String)> {
    vec![
        ("site.toml", init_site_toml(title)),
        (
            "content/articles/welcome.md",
            format!(
                "+++\ntitle = \"Why downtime costs more than the repair bill\"\ndate = {today}\nsummary = \"An example article: edit it, or delete it once you have your own.\"\nstage = \"awareness\"\nroles = [\"initiator\", \"decider\", \"influencer\", \"user\", \"approver\", \"buyer\", \"gatekeeper\"]\nindustries = [\"manufacturing\"]\n+++\nThis is an example article. Each article has one journey **stage**, the buying-center **roles** it speaks to and the **industries** it serves; cairn turns those into a reading path per role.\n\n## Evidence, not adjectives\n\nNumbers come from case studies. Example Manufacturing {{{{ claim(case=\"example-manufacturing\", metric=\"downtime\") }}}}: cairn computed that from the case study's own figures and links it to the source. Read [the whole story](../case-studies/example-manufacturing.md).\n"
            ),
        ),
        (
            "content/case-studies/example-manufacturing.md",
            format!(
                "+++\ntitle = \"How Example Manufacturing cut unplanned downtime\"\ndate = {today}\nsummary = \"An example case study with one measured result.\"\nroles = [\"initiator\", \"decider\", \"influencer\", \"user\", \"approver\", \"buyer\", \"gatekeeper\"]\nindustries = [\"manufacturing\"]\ncustomer = \"Example Manufacturing\"\n\n[[metrics]]\nid = \"downtime\"\nlabel = \"unplanned downtime\"\nunit = \"hours/month\"\nbefore = 120\nafter = 70\nbetter = \"lower\"\nperiod = \"first 6 months\"\nsource = \"Example maintenance logs (replace with your customer's source)\"\n\n[[quotes]]\ntext = \"We stopped firefighting.\"\nname = \"Alex Example\"\ntitle = \"Plant manager\"\n+++\n## The challenge\n\nDescribe the customer's situation before.\n\n## The solution\n\nWhat changed, and how.\n\n## The results\n\nThe plant {{{{ claim(case=\"example-manufacturing\", metric=\"downtime\") }}}}, {{{{ claim(case=\"example-manufacturing\", metric=\"downtime\", form=\"change\") }}}}.\n"
            ),
        ),
        ("content/about.md", "+++\ntitle = \"About\"\nsummary = \"Who writes here, and for whom.\"\n+++\nSay who you are and which buyers this site serves.\n".to_string()),
        ("static/.gitkeep", String::new()),
    ]
}

/// Create a new site in `dir`. Refuses a non-empty folder unless `force`.
pub fn init(
    dir: &Path,
    force: bool,
    today: jiff::civil::Date,
) -> anyhow::Result<Vec<&'static str>> {
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some();
        if non_empty && !force {
            bail!(
                "{} is not empty; choose a new folder, or pass --force to add a site to it (existing files are kept)",
                dir.display()
            );
        }
    }
    let title = dir
        .file_name()
        .map(|n| n.to_string_lossy().replace(['-', '_'], " "))
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "My insights".into());
    let mut written = Vec::new();
    for (rel, text) in init_files(&title, today) {
        let path = dir.join(rel);
        // A link there counts as taken, even when what it points to does not exist.
        if std::fs::symlink_metadata(&path).is_ok() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::File::create_new(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(rel);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SiteConfig {
        SiteConfig::parse(&init_site_toml("T")).unwrap()
    }

    fn page(kind: NewKind) -> NewPage {
        NewPage {
            kind,
            title: "Ten questions \"IT\" will ask".into(),
            stage: Some("consideration".into()),
            roles: vec!["economic-buyer".into()],
            industries: vec!["manufacturing".into()],
            date: jiff::civil::date(2026, 11, 22),
        }
    }

    #[test]
    fn new_article_front_matter_is_valid_and_normalised() {
        let text = new_page_text(&config(), &page(NewKind::Article)).unwrap();
        assert!(text.starts_with("+++\ntitle = 'Ten questions \"IT\" will ask'\ndate = 2026-11-22\nsummary = \"\"\nstage = \"consideration\"\nroles = [\"decider\"]\nindustries = [\"manufacturing\"]\ndraft = true\n+++\n"), "{text}");
        assert_eq!(
            new_page_path(&page(NewKind::Article)),
            PathBuf::from("content/articles/ten-questions-it-will-ask.md")
        );
    }

    #[test]
    fn new_rejects_unknown_values_with_suggestions() {
        let mut p = page(NewKind::Article);
        p.stage = Some("considration".into());
        p.roles = vec!["gatekeper".into()];
        p.industries = vec!["logistcs".into()];
        let e = new_page_text(&config(), &p).unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown stage `considration`: did you mean `consideration`?\nunknown role `gatekeper`: did you mean `gatekeeper`?\nunknown industry `logistcs`: did you mean `logistics`?"
        );
    }

    #[test]
    fn init_site_toml_parses_with_every_default() {
        let c = config();
        assert_eq!(c.stages.len(), 4);
        assert_eq!(c.roles.len(), 7);
        assert_eq!(c.role_index("economic-buyer"), Ok(3));
        assert_eq!(c.audit.require, ["*:decision"]);
    }
}
