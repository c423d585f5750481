//! The mapping file of `cairn import`: which kind of content each section of the
//! source becomes, and which stage, roles and industries each taxonomy term stands
//! for. `import` writes a first draft (every section and term seen, with counts,
//! mapped to nothing yet) and reads it back, checked against the site's vocabularies.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::SiteConfig;

/// What a section's pages become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    /// `content/articles/<slug>.md`: on the journey (stage, roles, industries).
    Articles,
    /// `content/case-studies/<slug>.md`: articles with a customer and metrics.
    CaseStudies,
    /// Kept at their path: pages outside the journey.
    Pages,
}

impl SectionKind {
    pub fn id(self) -> &'static str {
        match self {
            SectionKind::Articles => "articles",
            SectionKind::CaseStudies => "case-studies",
            SectionKind::Pages => "pages",
        }
    }
}

/// One section of the source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionMap {
    pub kind: SectionKind,
    /// The stage of its pages whose terms give none ("" or absent: none).
    #[serde(default)]
    pub stage: String,
}

/// What one taxonomy term stands for; all empty: unmapped.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermMap {
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub industries: Vec<String>,
}

impl TermMap {
    pub fn is_empty(&self) -> bool {
        self.stage.is_empty() && self.roles.is_empty() && self.industries.is_empty()
    }
}

/// The mapping file as read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Map {
    /// Top-level folder of the source → what its pages become.
    #[serde(default)]
    pub sections: BTreeMap<String, SectionMap>,
    /// Taxonomy (`tags`, `categories`, …) → term as written → what it stands for.
    #[serde(default)]
    pub taxonomies: BTreeMap<String, BTreeMap<String, TermMap>>,
}

impl Map {
    /// Parse `text` (the file at `shown`), then check every id against `config`: all
    /// problems at once, each naming the section or term.
    pub fn parse(text: &str, shown: &str, config: &SiteConfig) -> Result<Map, Vec<String>> {
        let map: Map = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .unwrap_or(1);
            vec![format!(
                "{shown}:{line}: {}",
                e.message().lines().next().unwrap_or("")
            )]
        })?;
        let mut problems = Vec::new();
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .map_or(1, |i| i + 1)
        };
        for (name, section) in &map.sections {
            if !section.stage.is_empty()
                && let Err(hint) = config.stage_index(&section.stage)
            {
                problems.push(format!(
                    "{shown}:{}: section `{name}`: unknown stage `{}` ({hint})",
                    line_of(&format!("\"{}\"", section.stage)),
                    section.stage
                ));
            }
        }
        for (taxonomy, terms) in &map.taxonomies {
            for (term, to) in terms {
                let at = line_of(&toml_key(term));
                let mut bad = |what: &str, value: &str, hint: String| {
                    problems.push(format!(
                        "{shown}:{at}: {taxonomy} `{term}`: unknown {what} `{value}` ({hint})"
                    ))
                };
                if !to.stage.is_empty()
                    && let Err(hint) = config.stage_index(&to.stage)
                {
                    bad("stage", &to.stage, hint);
                }
                for r in &to.roles {
                    if let Err(hint) = config.role_index(r) {
                        bad("role", r, hint);
                    }
                }
                if config.industries_closed {
                    let ids: Vec<&str> = config.industries.iter().map(|i| i.id.as_str()).collect();
                    for i in &to.industries {
                        if !ids.contains(&i.trim().to_lowercase().as_str()) {
                            bad("industry", i, crate::diagnostics::suggestion(i, &ids));
                        }
                    }
                }
            }
        }
        match problems.is_empty() {
            true => Ok(map),
            false => Err(problems),
        }
    }

    /// What `term` of `taxonomy` stands for (an empty mapping when the file has none).
    pub fn term(&self, taxonomy: &str, term: &str) -> Option<&TermMap> {
        self.taxonomies.get(taxonomy).and_then(|t| t.get(term))
    }
}

/// What the source holds, for the draft: per section its page count and how many of
/// them have a date; per taxonomy each term with its page count.
#[derive(Debug, Default)]
pub struct Seen {
    pub sections: BTreeMap<String, (usize, usize)>,
    pub taxonomies: BTreeMap<String, BTreeMap<String, usize>>,
}

/// `term` as a TOML key: bare when it can be, else quoted.
pub fn toml_key(term: &str) -> String {
    let bare = !term.is_empty()
        && term
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    match bare {
        true => term.to_string(),
        false => toml::Value::String(term.to_string()).to_string(),
    }
}

/// The first draft of the mapping file: every section (articles when most of its pages
/// have a date, else pages) and every term (mapped to nothing), with counts, and the
/// valid ids of the site in comments.
pub fn draft(seen: &Seen, config: &SiteConfig, flavor: &str, source: &str) -> String {
    let stages: Vec<&str> = config.stages.iter().map(|s| s.id.as_str()).collect();
    let roles: Vec<&str> = config.roles.iter().map(|r| r.id.as_str()).collect();
    let industries = match config.industries_closed {
        true => config
            .industries
            .iter()
            .map(|i| i.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        false => "any word (site.toml declares no list)".to_string(),
    };
    let mut s = format!(
        "# cairn import map for the {flavor} site {source}\n\
         # Fill it in, then run the same `cairn import` again with `--map <this file>`.\n\
         #\n\
         # Valid ids, from site.toml:\n\
         #   stages:     {}\n\
         #   roles:      {}\n\
         #   industries: {industries}\n\n\
         # Each top-level folder of the source: kind = \"articles\", \"case-studies\" or \"pages\"\n\
         # (pages keep their path and have no stage, roles or industries); stage = the stage of\n\
         # its pages whose terms map to none (\"\": none; such pages are listed in the report).\n",
        stages.join(", "),
        roles.join(", "),
    );
    for (name, (pages, dated)) in &seen.sections {
        let kind = match *dated * 2 > *pages {
            true => "articles",
            false => "pages",
        };
        s.push_str(&format!(
            "\n[sections.{}]   # {pages} page(s), {dated} with a date\nkind = \"{kind}\"\nstage = \"\"\n",
            toml_key(name)
        ));
    }
    s.push_str(
        "\n# Each term: { stage = \"…\", roles = [\"…\"], industries = [\"…\"] }, any of the three.\n\
         # {} leaves it unmapped. Every page keeps its original terms under [extra].\n",
    );
    for (taxonomy, terms) in &seen.taxonomies {
        s.push_str(&format!("\n[taxonomies.{}]\n", toml_key(taxonomy)));
        for (term, n) in terms {
            s.push_str(&format!("{} = {{}}   # {n} page(s)\n", toml_key(term)));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SiteConfig {
        SiteConfig::parse("title = \"T\"\nbase_url = \"https://x.test\"\n[[industries]]\nid = \"energy\"\nname = \"Energy\"\n").unwrap()
    }

    #[test]
    fn the_draft_reads_back_as_an_empty_mapping() {
        let mut seen = Seen::default();
        seen.sections.insert("posts".into(), (3, 3));
        seen.sections.insert("docs".into(), (4, 1));
        seen.taxonomies
            .entry("tags".into())
            .or_default()
            .insert("Smart Grid".into(), 2);
        let text = draft(&seen, &config(), "hugo", "old");
        assert!(text.contains("#   industries: energy\n"), "{text}");
        assert!(text.contains("[sections.docs]   # 4 page(s), 1 with a date\nkind = \"pages\"\n"));
        assert!(
            text.contains("\"Smart Grid\" = {}   # 2 page(s)\n"),
            "{text}"
        );
        let map = Map::parse(&text, "import-map.toml", &config()).unwrap();
        assert_eq!(map.sections["posts"].kind, SectionKind::Articles);
        assert!(map.term("tags", "Smart Grid").unwrap().is_empty());
    }

    #[test]
    fn unknown_ids_are_all_reported_with_their_lines() {
        let text = "[sections.posts]\nkind = \"articles\"\nstage = \"awarness\"\n\n[taxonomies.tags]\ngrid = { roles = [\"decder\"], industries = [\"mining\"] }\n";
        let e = Map::parse(text, "m.toml", &config()).unwrap_err();
        assert_eq!(
            e,
            [
                "m.toml:3: section `posts`: unknown stage `awarness` (did you mean `awareness`?)",
                "m.toml:6: tags `grid`: unknown role `decder` (did you mean `decider`?)",
                "m.toml:6: tags `grid`: unknown industry `mining` (expected one of: energy)",
            ]
        );
        let e = Map::parse("[sections.posts]\nkind = \"blog\"\n", "m.toml", &config()).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("m.toml:2: unknown variant `blog`"),
            "{e:?}"
        );
    }
}
