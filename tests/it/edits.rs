//! Seeded random sequences of edits: after every step a serve session's incremental
//! rebuild must write exactly what a fresh full build writes. Each step that fails is
//! reported on its own (seed, step, the edit in words, the first differing file); the
//! session then starts afresh so later steps are still tested.
//!
//! The test keeps a model of the site and writes every file from it, so links, anchors
//! and claims always resolve: a page that is deleted, renamed or made a draft is no
//! longer linked to, and the pages that linked to it are saved again with the edit.
//! Invalid saves are made on purpose, one file at a time, and then fixed.
//!
//! `CAIRN_EDIT_SEEDS=100 cargo test --test it edits` runs seeds 1 to 100 (3 by default).

use cairn::{BuildError, Session};

use crate::harness::*;
use crate::incremental::{first_difference, options, read_output};

const STEPS: usize = 25;
const STAGES: [&str; 4] = ["awareness", "consideration", "decision", "retention"];
const ROLES: [&str; 4] = ["decider", "user", "buyer", "gatekeeper"];
const INDUSTRIES: [&str; 2] = ["energy", "logistics"];
const LABELS: [&str; 4] = ["cost", "downtime", "handling time", "errors"];
const WORDS: [&str; 8] = [
    "pumps", "routes", "ledgers", "turbines", "crews", "depots", "meters", "quotes",
];

/// splitmix64: small, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    /// A non-empty subset, in the slice's order.
    fn subset(&mut self, items: &[&'static str]) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = items.iter().copied().filter(|_| self.chance(50)).collect();
        if v.is_empty() {
            v.push(self.pick(items));
        }
        v
    }
}

#[derive(Clone)]
struct Article {
    /// Relative to `content/`: `articles/p3.md`.
    file: String,
    title: String,
    summary: Option<String>,
    /// Day of 2026 counted from 1 January (kept in the past of the build's `now`).
    day: u32,
    stage: &'static str,
    roles: Vec<&'static str>,
    industries: Vec<&'static str>,
    weight: Option<i64>,
    draft: bool,
    /// The body's first paragraph (the summary when front matter gives none).
    text: String,
    /// Heading numbers: heading `n` reads "Section n" with the id `section-n`.
    headings: Vec<u32>,
    /// Cites metric `claim % metrics.len()` of the case study.
    claim: Option<usize>,
    /// Has the old URL `/old/<file stem>/` as an alias.
    alias: bool,
}

#[derive(Clone)]
struct Metric {
    id: String,
    label: &'static str,
    before: u32,
    after: u32,
    /// `review_by`: none, one past (overdue: a warning) or one to come.
    review_by: Option<&'static str>,
}

#[derive(Clone)]
struct Model {
    articles: Vec<Article>,
    metrics: Vec<Metric>,
    case_text: String,
    /// The case study's quote: none, or one that is (`false`) or is not (`true`) approved.
    quote_pending: Option<bool>,
    /// For fresh names: pages, headings, metrics.
    counter: u32,
}

impl Model {
    fn new(rng: &mut Rng) -> Model {
        let mut m = Model {
            articles: Vec::new(),
            metrics: Vec::new(),
            case_text: "Case body.".into(),
            quote_pending: None,
            counter: 0,
        };
        for _ in 0..2 {
            m.add_metric(rng);
        }
        for _ in 0..4 {
            m.add_article(rng);
        }
        m
    }

    fn fresh(&mut self) -> u32 {
        self.counter += 1;
        self.counter
    }

    fn add_metric(&mut self, rng: &mut Rng) -> String {
        let id = format!("m{}", self.fresh());
        self.metrics.push(Metric {
            id: id.clone(),
            label: rng.pick(&LABELS),
            before: 100 + rng.below(100) as u32,
            after: 10 + rng.below(90) as u32,
            review_by: None,
        });
        id
    }

    fn add_article(&mut self, rng: &mut Rng) -> String {
        let n = self.fresh();
        let file = format!("articles/p{n}.md");
        let headings = if rng.chance(50) {
            vec![self.fresh()]
        } else {
            Vec::new()
        };
        self.articles.push(Article {
            file: file.clone(),
            title: format!("Page {n}"),
            summary: None,
            day: 1 + rng.below(120) as u32,
            stage: rng.pick(&STAGES),
            roles: rng.subset(&ROLES),
            industries: if rng.chance(50) {
                rng.subset(&INDUSTRIES)
            } else {
                Vec::new()
            },
            weight: None,
            draft: false,
            text: sentence(rng),
            headings,
            claim: rng.chance(50).then(|| rng.below(8)),
            alias: rng.chance(20),
        });
        file
    }

    /// The page article `i` links to: the next published one after it, if any.
    fn link_target(&self, i: usize) -> Option<&Article> {
        let n = self.articles.len();
        (1..n)
            .map(|k| &self.articles[(i + k) % n])
            .find(|a| !a.draft)
    }

    fn article_text(&self, i: usize) -> String {
        let a = &self.articles[i];
        let mut s = format!("+++\ntitle = \"{}\"\n", a.title);
        if let Some(summary) = &a.summary {
            s += &format!("summary = \"{summary}\"\n");
        }
        let date = chrono_date(a.day);
        s += &format!(
            "date = {date}\nstage = \"{}\"\nroles = {:?}\n",
            a.stage, a.roles
        );
        if !a.industries.is_empty() {
            s += &format!("industries = {:?}\n", a.industries);
        }
        if let Some(w) = a.weight {
            s += &format!("weight = {w}\n");
        }
        if a.draft {
            s += "draft = true\n";
        }
        if a.alias {
            let stem = a
                .file
                .trim_start_matches("articles/")
                .trim_end_matches(".md");
            s += &format!("aliases = [\"/old/{stem}/\"]\n");
        }
        s += &format!("+++\n{}\n", a.text);
        if let Some(t) = self.link_target(i) {
            let name = t.file.trim_start_matches("articles/");
            match t.headings.first() {
                Some(h) => s += &format!("\nSee [{}]({name}#section-{h}).\n", t.title),
                None => s += &format!("\nSee [{}]({name}).\n", t.title),
            }
        }
        if let Some(k) = a.claim {
            let m = &self.metrics[k % self.metrics.len()];
            s += &format!("\nWe {{{{ claim(case=\"c\", metric=\"{}\") }}}}.\n", m.id);
        }
        for h in &a.headings {
            s += &format!("\n## Section {h}\n\nMore about {h}.\n");
        }
        s
    }

    fn case_text(&self) -> String {
        let mut s = String::from(
            "+++\ntitle = \"Case\"\ndate = 2026-01-04\nroles = [\"decider\"]\nindustries = [\"energy\"]\ncustomer = \"C Corp\"\n",
        );
        for m in &self.metrics {
            s += &format!(
                "[[metrics]]\nid = \"{}\"\nlabel = \"{}\"\nbefore = {}\nafter = {}\nbetter = \"lower\"\nsource = \"ledger\"\n",
                m.id, m.label, m.before, m.after
            );
            if let Some(day) = m.review_by {
                s += &format!("review_by = {day}\n");
            }
        }
        match self.quote_pending {
            Some(true) => {
                s += "[[quotes]]\ntext = \"Soon.\"\nname = \"Q\"\napproval = \"pending\"\n"
            }
            Some(false) => {
                s += "[[quotes]]\ntext = \"Soon.\"\nname = \"Q\"\napproved = 2026-02-01\n"
            }
            None => {}
        }
        s + &format!("+++\n{}\n", self.case_text)
    }

    /// Every content file, relative to `content/`.
    fn files(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = (0..self.articles.len())
            .map(|i| (self.articles[i].file.clone(), self.article_text(i)))
            .collect();
        v.push(("case-studies/c.md".into(), self.case_text()));
        let about = match self.articles.iter().find(|a| !a.draft) {
            Some(a) => format!("About [{}]({}).", a.title, a.file),
            None => "About us.".into(),
        };
        v.push((
            "about.md".into(),
            format!(
                "+++\ntitle = \"About\"\n+++\n{about} The [first figure](case-studies/c.md#metric-{}).\n",
                self.metrics[0].id
            ),
        ));
        v
    }
}

fn chrono_date(day: u32) -> String {
    const MONTHS: [u32; 5] = [31, 28, 31, 30, 31];
    let (mut month, mut d) = (0, day);
    while d > MONTHS[month] {
        d -= MONTHS[month];
        month += 1;
    }
    format!("2026-{:02}-{d:02}", month + 1)
}

fn sentence(rng: &mut Rng) -> String {
    let n = 3 + rng.below(20);
    let words: Vec<&str> = (0..n).map(|_| rng.pick(&WORDS)).collect();
    format!("Our {}.", words.join(" "))
}

/// Write the model's files over the site; the content files that changed (written or
/// removed), relative to `content/`.
fn save(site: &TestSite, before: &Model, after: &Model) -> Vec<String> {
    let old = before.files();
    let new = after.files();
    let mut changed = Vec::new();
    for (name, _) in &old {
        if !new.iter().any(|(n, _)| n == name) {
            std::fs::remove_file(site.path(&format!("content/{name}"))).unwrap();
            changed.push(name.clone());
        }
    }
    for (name, text) in &new {
        if old.iter().find(|(n, _)| n == name).map(|(_, t)| t) != Some(text) {
            site.write(&format!("content/{name}"), text);
            changed.push(name.clone());
        }
    }
    changed
}

/// Apply one random valid edit to the model; the edit in words.
fn edit(m: &mut Model, rng: &mut Rng) -> String {
    let i = rng.below(m.articles.len());
    let file = m.articles[i].file.clone();
    let kind = rng.below(23);
    let a = &mut m.articles[i];
    match kind {
        0 => {
            a.title = format!("{} {}", rng.pick(&WORDS), i);
            format!("{file}: title = {:?}", a.title)
        }
        1 => {
            a.summary = rng.chance(60).then(|| sentence(rng));
            format!("{file}: summary = {:?}", a.summary)
        }
        2 => {
            a.day = 1 + rng.below(120) as u32;
            format!("{file}: date = {}", chrono_date(a.day))
        }
        3 => {
            a.stage = rng.pick(&STAGES);
            format!("{file}: stage = {}", a.stage)
        }
        4 => {
            a.roles = rng.subset(&ROLES);
            format!("{file}: roles = {:?}", a.roles)
        }
        5 => {
            a.industries = if rng.chance(30) {
                Vec::new()
            } else {
                rng.subset(&INDUSTRIES)
            };
            format!("{file}: industries = {:?}", a.industries)
        }
        6 => {
            a.weight = rng.chance(70).then(|| rng.below(5) as i64);
            format!("{file}: weight = {:?}", a.weight)
        }
        7 => {
            a.draft = !a.draft;
            format!("{file}: draft = {} (links to it move on)", a.draft)
        }
        8 => {
            a.text = sentence(rng);
            format!("{file}: body text {:?}", a.text)
        }
        9 => {
            let h = m.counter + 1;
            m.counter = h;
            let a = &mut m.articles[i];
            let at = rng.below(a.headings.len() + 1);
            a.headings.insert(at, h);
            format!("{file}: add heading `Section {h}` at {at}")
        }
        10 if !a.headings.is_empty() => {
            let at = rng.below(a.headings.len());
            let old = a.headings[at];
            m.counter += 1;
            let new = m.counter;
            m.articles[i].headings[at] = new;
            format!("{file}: rename heading `Section {old}` to `Section {new}` (links follow)")
        }
        11 if !a.headings.is_empty() => {
            let at = rng.below(a.headings.len());
            let old = a.headings.remove(at);
            format!("{file}: remove heading `Section {old}` (links follow)")
        }
        12 => {
            a.claim = match a.claim {
                Some(_) => None,
                None => Some(rng.below(8)),
            };
            format!("{file}: claim {:?}", a.claim)
        }
        13 => {
            let k = rng.below(m.metrics.len());
            let mt = &mut m.metrics[k];
            if rng.chance(50) {
                mt.before = 100 + rng.below(100) as u32;
                format!("case-studies/c.md: metric {} before = {}", mt.id, mt.before)
            } else {
                mt.after = 10 + rng.below(90) as u32;
                format!("case-studies/c.md: metric {} after = {}", mt.id, mt.after)
            }
        }
        14 => {
            let k = rng.below(m.metrics.len());
            let mt = &mut m.metrics[k];
            mt.label = rng.pick(&LABELS);
            format!("case-studies/c.md: metric {} label = {:?}", mt.id, mt.label)
        }
        15 => {
            let id = m.add_metric(rng);
            format!("case-studies/c.md: add metric {id}")
        }
        16 if m.metrics.len() > 1 => {
            let k = rng.below(m.metrics.len());
            let id = m.metrics.remove(k).id;
            format!("case-studies/c.md: remove metric {id} (claims citing it move on)")
        }
        17 => {
            let new = m.add_article(rng);
            format!("new page {new}")
        }
        18 => {
            let n = m.fresh();
            let new = format!("articles/p{n}.md");
            m.articles[i].file = new.clone();
            format!("rename {file} to {new} (links follow)")
        }
        19 if m.articles.len() > 2 => {
            m.articles.remove(i);
            format!("delete {file} (links to it move on)")
        }
        20 => {
            let k = rng.below(m.metrics.len());
            let mt = &mut m.metrics[k];
            mt.review_by = rng.pick(&[None, Some("2026-03-01"), Some("2027-01-31")]);
            format!(
                "case-studies/c.md: metric {} review_by = {:?}",
                mt.id, mt.review_by
            )
        }
        22 => {
            let a = &mut m.articles[i];
            a.alias = !a.alias;
            format!("{file}: alias = {}", a.alias)
        }
        21 => {
            m.quote_pending = rng.pick(&[None, Some(true), Some(false)]);
            format!("case-studies/c.md: quote pending = {:?}", m.quote_pending)
        }
        _ => {
            m.case_text = sentence(rng);
            format!("case-studies/c.md: body text {:?}", m.case_text)
        }
    }
}

/// An invalid version of one published article (drafts are not built, so not checked):
/// its file, its text, the edit in words, and the error (code and message) the build
/// must report. `None` when every article is a draft.
fn invalid(m: &Model, rng: &mut Rng) -> Option<Invalid> {
    use cairn::diagnostics::Code;
    let published: Vec<usize> = (0..m.articles.len())
        .filter(|&i| !m.articles[i].draft)
        .collect();
    if published.is_empty() {
        return None;
    }
    let i = rng.pick(&published);
    let a = &m.articles[i];
    let text = m.article_text(i);
    let roles = format!("roles = {:?}\n", a.roles);
    let stage = format!("stage = \"{}\"\n", a.stage);
    let (text, words, code, message) = match rng.below(4) {
        0 => (
            text.replacen(&roles, "roles = [\"decidr\"]\n", 1),
            "unknown role `decidr`",
            Code::UnknownRole,
            "unknown role `decidr`".to_string(),
        ),
        1 => (
            text.replacen(&stage, "stage = \"considration\"\n", 1),
            "unknown stage `considration`",
            Code::UnknownStage,
            "unknown stage `considration`".to_string(),
        ),
        2 => (
            format!("{text}\nWe {{{{ claim(case=\"c\", metric=\"nope\") }}}}.\n"),
            "a claim of metric `nope`",
            Code::ClaimUnknownMetric,
            "claim: case study `c` has no metric `nope`".to_string(),
        ),
        _ => (
            format!("{text}\nSee [the case](../case-studies/c.md#nowhere).\n"),
            "a link to `#nowhere` in the case study",
            Code::LinkAnchor,
            "link to `#nowhere`: no such heading in content/case-studies/c.md".to_string(),
        ),
    };
    Some((a.file.clone(), text, words.to_string(), code, message))
}

type Invalid = (String, String, String, cairn::diagnostics::Code, String);

/// One seed's sequence: the failures, each named by seed, step and edit.
fn run_seed(seed: u64) -> Vec<String> {
    let mut rng = Rng(seed);
    let mut model = Model::new(&mut rng);
    let mut site = TestSite::new()
        .file(
            "site.toml",
            // Three cards a page: listings are paged, and edits move cards across pages.
            format!("{SITE_TOML}per_page = 3\n[[industries]]\nid = \"energy\"\nname = \"Energy\"\n[[industries]]\nid = \"logistics\"\nname = \"Logistics\"\n"),
        )
        .file("static/robots-extra.txt", "x");
    for (name, text) in model.files() {
        site = site.file(&format!("content/{name}"), text);
    }
    let mut session = Session::new(options(&site, "inc"), true);
    session
        .build(None)
        .unwrap_or_else(|e| panic!("seed {seed}: the first build failed: {e:?}"));
    let mut failures = Vec::new();
    for step in 1..=STEPS {
        let before = model.clone();
        let mut what = String::new();
        let mut failure = None;
        let mut fixed = None;
        let broken = if rng.chance(12) {
            invalid(&model, &mut rng)
        } else {
            None
        };
        if let Some((file, text, words, code, message)) = broken {
            // An invalid save: an error, and the output left as it was. A page whose front
            // matter is wrong is left out; links to it are not reported (its errors are).
            what = format!("invalid save of {file} ({words}), then its fix; ");
            let output = read_output(&site.path("inc"));
            site.write(&format!("content/{file}"), &text);
            match session.build(Some(std::slice::from_ref(&file))) {
                Ok(_) => {
                    let full = cairn::build(&options(&site, "full")).map(|_| ());
                    failure = Some(format!(
                        "the invalid build succeeded (a fresh full build: {full:?})"
                    ))
                }
                Err(BuildError::Content(ds)) => {
                    let errors: Vec<(cairn::diagnostics::Code, &str)> = ds
                        .iter()
                        .filter(|d| d.is_error())
                        .map(|d| (d.code, d.message.as_str()))
                        .collect();
                    let expected = (code, message.as_str());
                    if errors != [expected] {
                        failure = Some(format!("errors {errors:?}, expected {expected:?}"));
                    }
                }
                Err(e) => failure = Some(format!("the invalid build failed otherwise: {e:?}")),
            }
            if failure.is_none() && read_output(&site.path("inc")) != output {
                failure = Some("the failed build changed the output".into());
            }
            // The fix: the file as it was, with one more edit of the same page's body.
            if let Some(a) = model.articles.iter_mut().find(|a| a.file == file) {
                a.text = sentence(&mut rng);
            }
            fixed = Some(file);
        }
        what += &edit(&mut model, &mut rng);
        let mut changed = save(&site, &before, &model);
        if let Some(file) = fixed.filter(|f| !changed.contains(f)) {
            // The edit brought the page back to what it was: save it all the same.
            if let Some((_, text)) = model.files().into_iter().find(|(n, _)| *n == file) {
                site.write(&format!("content/{file}"), text);
            }
            changed.push(file);
        }
        if failure.is_none() {
            failure = match session.build(Some(&changed)) {
                Err(e) => Some(format!("the incremental build failed: {e:?}")),
                Ok(_) => first_difference(&site),
            };
        }
        if let Some(f) = failure {
            failures.push(format!(
                "seed {seed}, step {step}: {what} (changed {changed:?}): {f}"
            ));
            // Start afresh so that the next steps are tested on their own.
            for (name, text) in model.files() {
                site.write(&format!("content/{name}"), text);
            }
            session = Session::new(options(&site, "inc"), true);
            session.build(None).unwrap_or_else(|e| {
                panic!("seed {seed}, step {step}: rebuilding afresh failed: {e:?}")
            });
        }
    }
    failures
}

#[test]
fn random_edit_sequences_rebuild_like_full_builds() {
    let seeds: u64 = std::env::var("CAIRN_EDIT_SEEDS")
        .map(|s| s.parse().expect("CAIRN_EDIT_SEEDS is a number"))
        .unwrap_or(3);
    let failures: Vec<String> = (1..=seeds).flat_map(run_seed).collect();
    assert!(
        failures.is_empty(),
        "{} failing step(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
