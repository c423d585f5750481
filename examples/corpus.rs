//! Generates a benchmark corpus: N realistic articles (10% case studies)
//! with headings, paragraphs, lists, tables, quotes, internal links and
//! claims, spread over the default stages, roles and three industries,
//! deterministic for a seed. Writes the same content twice: a cairn site and
//! a Hugo site (TOML front matter, minimal layouts producing the same page
//! set: article pages, taxonomy term pages, feeds).
//!
//! ```sh
//! cargo run --release --example corpus -- --articles 10000 --seed 7 --out /tmp/corpus
//! # → /tmp/corpus/cairn (cairn build --root …) and /tmp/corpus/hugo (hugo -s …)
//! ```

#![allow(clippy::print_stdout)] // a command-line tool: printing is its job

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const STAGES: [&str; 4] = ["awareness", "consideration", "decision", "retention"];
const ROLES: [&str; 7] = [
    "initiator",
    "user",
    "influencer",
    "decider",
    "approver",
    "buyer",
    "gatekeeper",
];
const INDUSTRIES: [&str; 3] = ["manufacturing", "logistics", "energy"];
const WORDS: &[&str] = &[
    "downtime",
    "sensor",
    "maintenance",
    "asset",
    "vibration",
    "bearing",
    "pump",
    "compressor",
    "fleet",
    "cold",
    "chain",
    "reliability",
    "engineer",
    "procurement",
    "budget",
    "contract",
    "pilot",
    "plant",
    "line",
    "shift",
    "alert",
    "threshold",
    "baseline",
    "trend",
    "failure",
    "repair",
    "schedule",
    "operator",
    "network",
    "gateway",
    "platform",
    "integration",
    "security",
    "compliance",
    "audit",
    "evidence",
    "return",
    "investment",
    "cost",
    "savings",
    "risk",
    "uptime",
    "quality",
    "scrap",
    "energy",
    "water",
    "grid",
    "substation",
    "temperature",
    "humidity",
    "route",
    "driver",
    "warehouse",
    "dock",
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "for",
    "with",
    "on",
    "that",
    "is",
    "are",
    "was",
    "be",
    "by",
    "from",
    "as",
    "it",
    "teams",
    "measure",
    "before",
    "after",
    "decide",
    "review",
    "report",
    "quarter",
    "month",
    "week",
    "data",
    "model",
];

/// A small deterministic generator (xorshift64*), so a seed gives the same corpus everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn words(&mut self, n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.pick(WORDS));
        }
        s
    }
    fn sentence(&mut self) -> String {
        let n = 8 + self.below(14);
        let mut s = self.words(n);
        if let Some(f) = s.get_mut(0..1) {
            f.make_ascii_uppercase();
        }
        s.push('.');
        s
    }
    fn paragraph(&mut self) -> String {
        (0..3 + self.below(4))
            .map(|_| self.sentence())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

struct Doc {
    slug: String,
    title: String,
    date: String,
    stage: &'static str,
    roles: Vec<&'static str>,
    industries: Vec<&'static str>,
    case: bool,
}

fn main() {
    let mut articles = 1000usize;
    let mut seed = 7u64;
    let mut out = PathBuf::from("target/corpus");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--articles" => {
                articles = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--articles N")
            }
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed N"),
            "--out" => out = PathBuf::from(args.next().expect("--out DIR")),
            other => panic!("unknown argument {other}; use --articles N --seed N --out DIR"),
        }
    }
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let docs: Vec<Doc> = (0..articles)
        .map(|i| {
            let case = i % 10 == 0;
            let title = format!("{} {} {}", rng.pick(WORDS), rng.pick(WORDS), i);
            let mut roles: Vec<&str> = (0..1 + rng.below(3))
                .map(|_| ROLES[rng.below(ROLES.len())])
                .collect();
            roles.sort_unstable();
            roles.dedup();
            let industries = if rng.below(4) == 0 {
                vec![]
            } else {
                vec![INDUSTRIES[rng.below(3)]]
            };
            Doc {
                slug: format!("{}-{i}", if case { "case" } else { "article" }),
                title: {
                    let mut t = title;
                    t[..1].make_ascii_uppercase();
                    t
                },
                date: format!(
                    "20{:02}-{:02}-{:02}",
                    20 + rng.below(6),
                    1 + rng.below(12),
                    1 + rng.below(28)
                ),
                stage: if case {
                    "decision"
                } else {
                    STAGES[rng.below(4)]
                },
                roles,
                industries,
                case,
            }
        })
        .collect();
    let cases: Vec<usize> = (0..docs.len()).filter(|&i| docs[i].case).collect();

    let cairn = out.join("cairn");
    let hugo = out.join("hugo");
    for dir in [&cairn, &hugo] {
        if dir.exists() {
            fs::remove_dir_all(dir).expect("clear the old corpus");
        }
    }
    write(
        &cairn.join("site.toml"),
        "title = \"Corpus\"\nbase_url = \"https://corpus.example.com\"\nfeed_limit = 20\n\n[[industries]]\nid = \"manufacturing\"\nname = \"Manufacturing\"\n[[industries]]\nid = \"logistics\"\nname = \"Logistics\"\n[[industries]]\nid = \"energy\"\nname = \"Energy\"\n",
    );
    write_hugo_skeleton(&hugo);

    let mut bytes = 0usize;
    for (i, d) in docs.iter().enumerate() {
        let body = body(&mut rng, &docs, &cases, i);
        let list = |v: &[&str]| {
            v.iter()
                .map(|x| format!("\"{x}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut fm = format!(
            "title = \"{}\"\ndate = {}\nsummary = \"{}\"\n",
            d.title,
            d.date,
            rng.sentence()
        );
        let mut metrics = String::new();
        if d.case {
            let _ = writeln!(fm, "customer = \"Customer {i}\"");
            for (k, (better, before, after)) in
                [("lower", 120, 70), ("higher", 50, 80), ("lower", 38, 14)]
                    .iter()
                    .enumerate()
            {
                let _ = write!(
                    metrics,
                    "\n[[metrics]]\nid = \"m{k}\"\nlabel = \"{} {}\"\nunit = \"per month\"\nbefore = {before}\nafter = {after}\nbetter = \"{better}\"\nsource = \"Customer {i} records\"\n",
                    rng.pick(WORDS),
                    rng.pick(WORDS)
                );
            }
        }
        let section = if d.case { "case-studies" } else { "articles" };
        // cairn: stage as one value, links to source files, claim shortcodes.
        let cairn_fm = format!(
            "{fm}stage = \"{}\"\nroles = [{}]\nindustries = [{}]\n{metrics}",
            d.stage,
            list(&d.roles),
            list(&d.industries)
        );
        let cairn_text = format!(
            "+++\n{cairn_fm}+++\n{}",
            body.replace("HUGO_LINK(", "(")
                .replace("CLAIM[", "{{ claim(")
                .replace("]CLAIM", ") }}")
        );
        bytes += cairn_text.len();
        write(
            &cairn.join(format!("content/{section}/{}.md", d.slug)),
            &cairn_text,
        );
        // Hugo: taxonomies are lists; links by URL; the claim is a shortcode computing the same figure.
        let hugo_fm = format!(
            "{fm}stages = [\"{}\"]\nroles = [{}]\nindustries = [{}]\n{metrics}",
            d.stage,
            list(&d.roles),
            list(&d.industries)
        );
        let hugo_body = hugo_links(&body, &docs)
            .replace("\", metric=", "\" metric=")
            .replace("CLAIM[", "{{< claim ")
            .replace("]CLAIM", " >}}");
        write(
            &hugo.join(format!("content/{section}/{}.md", d.slug)),
            &format!("+++\n{hugo_fm}+++\n{hugo_body}"),
        );
    }
    println!(
        "wrote {} documents ({:.1} MB of Markdown) to {} and {}",
        docs.len(),
        bytes as f64 / 1e6,
        cairn.display(),
        hugo.display()
    );
}

/// The body, with placeholders: `HUGO_LINK(../x/slug.md)` and `CLAIM[case="…", metric="…"]CLAIM`.
fn body(rng: &mut Rng, docs: &[Doc], cases: &[usize], me: usize) -> String {
    let mut b = String::new();
    let _ = writeln!(b, "{}\n", rng.paragraph());
    for h in 0..4 + rng.below(3) {
        let _ = writeln!(b, "## {} {}\n", rng.words(3), h);
        let _ = writeln!(b, "{}\n", rng.paragraph());
        match rng.below(5) {
            0 => {
                for _ in 0..4 {
                    let _ = writeln!(b, "- {}", rng.sentence());
                }
                b.push('\n');
            }
            1 => {
                b.push_str("| metric | before | after |\n|---|---|---|\n");
                for _ in 0..4 {
                    let _ = writeln!(
                        b,
                        "| {} | {} | {} |",
                        rng.words(2),
                        rng.below(500),
                        rng.below(500)
                    );
                }
                b.push('\n');
            }
            2 => {
                let _ = writeln!(b, "> {}\n", rng.sentence());
            }
            3 => {
                let _ = writeln!(b, "### {}\n\n{}\n", rng.words(4), rng.paragraph());
            }
            _ => {
                let _ = writeln!(
                    b,
                    "1. {}\n2. {}\n3. {}\n",
                    rng.sentence(),
                    rng.sentence(),
                    rng.sentence()
                );
            }
        }
        let _ = writeln!(b, "{}\n", rng.paragraph());
    }
    // Two internal links and, sometimes, a claim.
    for _ in 0..2 {
        let t = rng.below(docs.len());
        if t != me {
            let section = if docs[t].case {
                "case-studies"
            } else {
                "articles"
            };
            let _ = writeln!(
                b,
                "Read also [{}]HUGO_LINK(../{section}/{}.md).\n",
                docs[t].title, docs[t].slug
            );
        }
    }
    if !cases.is_empty() && rng.below(3) == 0 {
        let c = cases[rng.below(cases.len())];
        let _ = writeln!(
            b,
            "Customers like this one CLAIM[case=\"{}\", metric=\"m{}\"]CLAIM.\n",
            docs[c].slug,
            rng.below(3)
        );
    }
    b
}

fn hugo_links(body: &str, _docs: &[Doc]) -> String {
    // `HUGO_LINK(../articles/slug.md)` → `(/articles/slug/)`
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find("HUGO_LINK(../") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "HUGO_LINK(../".len()..];
        let end = after.find(".md)").expect("link end");
        let _ = write!(out, "(/{}/)", &after[..end]);
        rest = &after[end + ".md)".len()..];
    }
    out.push_str(rest);
    out
}

fn write(path: &Path, text: &str) {
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).expect("create folder");
    }
    fs::write(path, text).expect("write file");
}

fn write_hugo_skeleton(hugo: &Path) {
    write(
        &hugo.join("config.toml"),
        "baseURL = \"https://corpus.example.com/\"\ntitle = \"Corpus\"\nlanguageCode = \"en\"\ndisableKinds = []\n[taxonomies]\nstage = \"stages\"\nrole = \"roles\"\nindustry = \"industries\"\n[outputs]\nhome = [\"HTML\", \"RSS\"]\nsection = [\"HTML\", \"RSS\"]\ntaxonomy = [\"HTML\"]\nterm = [\"HTML\", \"RSS\"]\n[markup.goldmark.renderer]\nunsafe = true\n[markup.goldmark.extensions]\ntypographer = true\n",
    );
    let base = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }} · {{ site.Title }}</title><meta name=\"description\" content=\"{{ .Summary | plainify }}\"></head>\n<body><header><a href=\"/\">{{ site.Title }}</a> {{ range site.Taxonomies.roles }}<a href=\"{{ .Page.RelPermalink }}\">{{ .Page.Title }}</a> {{ end }}</header>\n<main>{{ block \"main\" . }}{{ end }}</main></body></html>\n";
    write(&hugo.join("layouts/_default/baseof.html"), base);
    write(
        &hugo.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format \"2 January 2006\" }} · {{ .ReadingTime }} min read</p>\n<ul>{{ range .Params.stages }}<li><a href=\"/stages/{{ . | urlize }}/\">{{ . }}</a></li>{{ end }}{{ range .Params.roles }}<li><a href=\"/roles/{{ . | urlize }}/\">{{ . }}</a></li>{{ end }}{{ range .Params.industries }}<li><a href=\"/industries/{{ . | urlize }}/\">{{ . }}</a></li>{{ end }}</ul>\n{{ with .Params.metrics }}<dl>{{ range . }}<div id=\"metric-{{ .id }}\"><dt>{{ .label }}</dt><dd>from {{ .before }} to {{ .after }} {{ .unit }}</dd><dd>{{ .source }}</dd></div>{{ end }}</dl>{{ end }}\n{{ .TableOfContents }}{{ .Content }}</article>{{ end }}\n",
    );
    let list = "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> <time>{{ .Date.Format \"2006-01-02\" }}</time><p>{{ .Summary | plainify }}</p></li>{{ end }}</ul>{{ end }}\n";
    write(&hugo.join("layouts/_default/list.html"), list);
    write(&hugo.join("layouts/_default/terms.html"), list);
    write(
        &hugo.join("layouts/index.html"),
        "{{ define \"main\" }}<h1>{{ site.Title }}</h1><ul>{{ range first 6 (where site.RegularPages \"Section\" \"articles\") }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
    );
    write(
        &hugo.join("layouts/shortcodes/claim.html"),
        "{{ $case := site.GetPage (printf \"/case-studies/%s\" (.Get \"case\")) }}{{ $id := .Get \"metric\" }}{{ range $case.Params.metrics }}{{ if eq .id $id }}{{ $b := float .before }}{{ $a := float .after }}{{ $d := sub $a $b }}{{ if lt $d 0.0 }}{{ $d = sub $b $a }}{{ end }}{{ $p := math.Floor (div (mul $d 100.0) $b) }}<a class=\"claim\" href=\"{{ $case.RelPermalink }}#metric-{{ .id }}\" title=\"from {{ .before }} to {{ .after }} {{ .unit }}. Source: {{ .source }}\">{{ if eq .better \"lower\" }}reduced{{ else }}increased{{ end }} {{ .label }} by {{ $p }}%</a>{{ end }}{{ end }}",
    );
}
