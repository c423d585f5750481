//! The `cairn` command line: parses arguments, runs the library, prints
//! diagnostics and reports. The only place that prints.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use cairn::diagnostics::{Diagnostic, Level};
use cairn::{BuildError, BuildOptions};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "cairn", version, about = "A static-site generator for B2B thought-leadership content", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (replaced only when the whole build succeeds)
    #[command(
        after_help = "Examples:\n  cairn build\n  cairn build --root mysite --output /tmp/site\n  cairn build --base-url https://preview-42.example.com --drafts"
    )]
    Build(BuildArgs),
    /// Build, serve on localhost, rebuild and reload the browser on every save
    #[command(
        after_help = "Examples:\n  cairn serve\n  cairn serve --port 8080 --open\n  cairn serve --bind 0.0.0.0   # reachable from other machines: only on a trusted network"
    )]
    Serve(ServeArgs),
    /// Validate everything (front matter, links, shortcodes, claims, templates) and write nothing
    #[command(
        after_help = "Unsourced claims in prose are errors here (warnings in build).\nExit status: 0 clean, 1 problems found.\n\nExamples:\n  cairn check\n  cairn check --format json > diagnostics.json"
    )]
    Check(CheckArgs),
    /// Coverage of roles × stages (and per industry): where the journey has gaps
    #[command(
        after_help = "Exit status: 0 when the [audit] requirements of site.toml are met, 1 otherwise.\n\nExamples:\n  cairn audit\n  cairn audit --industry logistics\n  cairn audit --language zh\n  cairn audit --html audit.html\n  cairn audit --format json"
    )]
    Audit(AuditArgs),
    /// One row per published page (URL, type, stage, roles, industries, dates, claims) as CSV or JSON
    #[command(
        after_help = "Columns: docs/inventory.md. Lists (roles, industries, claims) are joined with ';' in CSV.\n\nExamples:\n  cairn inventory > inventory.csv\n  cairn inventory --format json --output inventory.json\n  cairn inventory --bom --output inventory.csv   # for spreadsheets that need a byte-order mark"
    )]
    Inventory(InventoryArgs),
    /// JSON Schemas of site.toml and front matter, with the site's stages, roles and industries, for editors
    #[command(
        after_help = "Writes site.schema.json, article.schema.json, case-study.schema.json and page.schema.json
(new files, or files cairn schema wrote before). Run it again after changing site.toml's vocabularies.
Editor setup: docs/schema.md.

Examples:
  cairn schema
  cairn schema --output .vscode/schemas"
    )]
    Schema(SchemaArgs),
    /// A content-editing web form (Decap CMS) whose selects offer only the site's stages, roles and industries
    #[command(
        after_help = "Writes static/admin/config.yml and static/admin/index.html (the editor at /admin/).\nRun it again after changing the vocabularies: it replaces config.yml while it is as cairn wrote it,\nand refuses once it was edited (use --print and merge by hand).\nSetup: docs/cms.md.\n\nExamples:\n  cairn cms decap\n  cairn cms decap --print > new-config.yml"
    )]
    Cms(CmsArgs),
    /// The email edition of one article or case study: 600-pixel tables, CSS inlined, links tagged
    #[command(
        after_help = "The same edition `[email] enabled = true` writes beside every article and case study\n(email.html, email.txt). --output writes only a new file or an edition cairn wrote.\nDetails: docs/email.md.\n\nExamples:\n  cairn email articles/tco-guide.md > tco.html\n  cairn email case-studies/acme-steel.zh.md --text\n  cairn email articles/tco-guide.md --output newsletter/tco.html"
    )]
    Email(EmailArgs),
    /// Create a new article, case study or page with valid front matter (never overwrites)
    #[command(
        after_help = "New files are drafts (draft = true) until you publish them.\n\nExamples:\n  cairn new article \"Ten questions IT will ask\" --stage consideration --role approver --role influencer\n  cairn new case-study \"Acme Steel\" --industry manufacturing --role decider\n  cairn new page \"Contact\""
    )]
    New(NewArgs),
    /// Convert a Hugo or Zola content folder into this site: front matter, bundles, old URLs as aliases
    #[command(
        after_help = "Without --map, writes a draft mapping file (import-map.toml: sections and taxonomy terms seen)\nand nothing else; fill it in, then run again with --map to write the pages. Never overwrites a file.\nGuide: docs/import.md.\n\nExamples:\n  cairn import hugo ../old-site --root mysite\n  cairn import hugo ../old-site --root mysite --map mysite/import-map.toml"
    )]
    Import(ImportArgs),
    /// Create a new site in DIR, ready to build
    #[command(
        after_help = "Examples:\n  cairn init mysite && cairn build --root mysite\n  cairn init . --force   # add a site to a folder that has other files"
    )]
    Init(InitArgs),
}

#[derive(clap::Args)]
struct BuildArgs {
    /// The site folder (holds site.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site [default: <root>/public]
    #[arg(long)]
    output: Option<PathBuf>,
    /// Absolute URL the site is served from, instead of site.toml's base_url
    #[arg(long)]
    base_url: Option<String>,
    /// Include drafts, pages dated in the future and case studies waiting for approval
    #[arg(long)]
    drafts: bool,
    /// Build as of DATE (2026-03-14: the end of that day, UTC; or 2026-03-14T09:30:00Z) instead of now: which pages are published and which evidence is due for review, reproducibly
    #[arg(long, value_name = "DATE", value_parser = as_of)]
    as_of: Option<jiff::Timestamp>,
    /// Adopt an output folder that holds files cairn did not write (they are kept; files the site also has are replaced)
    #[arg(long)]
    force: bool,
    /// Treat warnings (evidence past its review date, unsourced claims, …) as errors: write nothing
    #[arg(long)]
    strict: bool,
    /// Print how long each phase of the build took
    #[arg(long)]
    timings: bool,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// The site folder (holds site.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Port to listen on
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the site in the default browser
    #[arg(long)]
    open: bool,
    /// Include drafts and pages dated in the future
    #[arg(long)]
    drafts: bool,
    /// Print how long each phase of every rebuild took
    #[arg(long)]
    timings: bool,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The site folder (holds site.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also check drafts and pages dated in the future as if published
    #[arg(long)]
    drafts: bool,
    /// Build as of DATE (2026-03-14: the end of that day, UTC; or 2026-03-14T09:30:00Z) instead of now: which pages are published, reproducibly
    #[arg(long, value_name = "DATE", value_parser = as_of)]
    as_of: Option<jiff::Timestamp>,
}

#[derive(clap::Args)]
struct AuditArgs {
    /// The site folder (holds site.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Also write a self-contained HTML report (heat map, gaps, uncited metrics) to FILE
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Show only this industry's matrix and gaps
    #[arg(long, value_name = "ID")]
    industry: Option<String>,
    /// Audit the pages in this language (a code of site.toml's `[languages]`) instead of the default language's
    #[arg(long, value_name = "CODE")]
    language: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Build as of DATE (2026-03-14: the end of that day, UTC; or 2026-03-14T09:30:00Z) instead of now: which pages are published, reproducibly
    #[arg(long, value_name = "DATE", value_parser = as_of)]
    as_of: Option<jiff::Timestamp>,
}

#[derive(clap::Args)]
struct InventoryArgs {
    /// The site folder (holds site.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value = "csv")]
    format: InventoryFormat,
    /// Write to FILE (a new file, or an inventory cairn wrote) instead of standard output
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Start the CSV with a UTF-8 byte-order mark
    #[arg(long)]
    bom: bool,
    /// Include drafts and future-dated pages
    #[arg(long)]
    drafts: bool,
    /// Build as of DATE (2026-03-14: the end of that day, UTC; or 2026-03-14T09:30:00Z) instead of now: which pages are published, reproducibly
    #[arg(long, value_name = "DATE", value_parser = as_of)]
    as_of: Option<jiff::Timestamp>,
}

#[derive(clap::Args)]
struct CmsArgs {
    /// The CMS to configure
    #[arg(value_enum)]
    cms: CmsKind,
    /// The site folder (holds site.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Print the configuration instead of writing it
    #[arg(long)]
    print: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CmsKind {
    Decap,
}

#[derive(clap::Args)]
struct EmailArgs {
    /// The page, relative to content/ (`articles/tco-guide.md`, `case-studies/acme.zh.md`)
    page: String,
    /// The site folder (holds site.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Plain text instead of HTML
    #[arg(long)]
    text: bool,
    /// Write to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Include drafts and future-dated pages
    #[arg(long)]
    drafts: bool,
}

#[derive(clap::Args)]
struct SchemaArgs {
    /// The site folder (holds site.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The folder to write the schemas in [default: <root>/schemas]
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum InventoryFormat {
    Csv,
    Json,
}

#[derive(clap::Args)]
struct NewArgs {
    /// What to create
    #[arg(value_enum)]
    kind: NewKindArg,
    /// The title; the file name is its slug
    title: String,
    /// Journey stage [default: the first stage; decision for case studies]
    #[arg(long)]
    stage: Option<String>,
    /// Buying-center role (repeat for several)
    #[arg(long = "role", value_name = "ROLE")]
    roles: Vec<String>,
    /// Industry (repeat for several)
    #[arg(long = "industry", value_name = "INDUSTRY")]
    industries: Vec<String>,
    /// The site folder (holds site.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(clap::Args)]
struct ImportArgs {
    /// The generator that wrote the source
    #[arg(value_enum)]
    from: ImportFrom,
    /// The source site (holding content/) or its content folder
    source: PathBuf,
    /// The cairn site to import into (holds site.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The filled-in mapping file; without it, a draft is written
    #[arg(long, value_name = "MAP.toml")]
    map: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ImportFrom {
    Hugo,
    Zola,
}

#[derive(clap::Args)]
struct InitArgs {
    /// The folder to create the site in
    dir: PathBuf,
    /// Use DIR even if it is not empty (existing files are kept)
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum NewKindArg {
    Article,
    CaseStudy,
    Page,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `--as-of`: a date is the end of that day (UTC), so that everything dated that day is
/// published; a date and time is that moment.
fn as_of(text: &str) -> Result<jiff::Timestamp, String> {
    if let Ok(day) = text.trim().parse::<jiff::civil::Date>() {
        let end = day.to_datetime(jiff::civil::Time::constant(23, 59, 59, 999_999_999));
        return end
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|e| e.to_string());
    }
    cairn::frontmatter::FmDate::parse(text).map(|d| d.0)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::Audit(args) => audit(args),
        Command::Inventory(args) => inventory(args),
        Command::Schema(args) => schema(args),
        Command::Email(args) => email(args),
        Command::Cms(args) => cms(args),
        Command::New(args) => new(args),
        Command::Import(args) => import(args),
        Command::Init(args) => init(args),
        Command::Serve(args) => serve(args),
    }
}

fn build(
    BuildArgs {
        root,
        output,
        base_url,
        drafts,
        as_of,
        force,
        strict,
        timings,
    }: BuildArgs,
) -> anyhow::Result<ExitCode> {
    let mut options = BuildOptions::new(&root);
    options.now = as_of.unwrap_or(options.now);
    if let Some(o) = output {
        options.output = o;
    }
    options.base_url = base_url;
    options.drafts = drafts;
    options.force = force;
    options.strict = strict;
    match cairn::build(&options) {
        Ok(report) => {
            print_build(&report, &options.output, timings)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(BuildError::Content(diagnostics)) => {
            print_diagnostics(&diagnostics);
            eprintln!(
                "{}; the previous output (if any) is unchanged",
                summary(&diagnostics)
            );
            Ok(ExitCode::FAILURE)
        }
        Err(BuildError::Io(e)) => Err(e),
    }
}

/// Takes a successful build's report, its output folder and whether `--timings` was
/// given; prints the warnings, the files cairn kept or replaced, the timings if asked
/// for, and the closing summary line.
fn print_build(
    report: &cairn::Report,
    output: &std::path::Path,
    timings: bool,
) -> anyhow::Result<()> {
    print_diagnostics(&report.warnings);
    let mut out = std::io::stdout().lock();
    print_others_files(&mut out, report, output)?;
    if timings {
        print_timings(&mut out, &report.timings)?;
    }
    let pruned = match report.pruned {
        0 => String::new(),
        n => format!(", {n} unused removed from {}", cairn::images::CACHE),
    };
    let images = match report.images {
        (0, 0) if pruned.is_empty() => String::new(),
        // No image shown now: only what the cache lost.
        (0, 0) => format!(
            ", {} unused image files removed from {}",
            report.pruned,
            cairn::images::CACHE
        ),
        (encoded, cached) => format!(
            ", {} image variants ({encoded} encoded, {cached} from the cache{pruned})",
            encoded + cached
        ),
    };
    writeln!(
        out,
        "built {} pages ({} files{images}) into {} in {} ms{}",
        report.pages,
        report.files,
        output.display(),
        report.elapsed.as_millis(),
        warnings_note(&report.warnings)
    )
    .context("stdout")?;
    Ok(())
}

/// Takes stdout, a build's report and its output folder; prints a line for each
/// non-empty list of files that were not cairn's: replaced, kept, adopted.
fn print_others_files(
    out: &mut impl Write,
    report: &cairn::Report,
    output: &std::path::Path,
) -> anyhow::Result<()> {
    let lists = [
        (
            &report.replaced,
            format!(
                "replaced {} file(s) cairn had not written (--force)",
                report.replaced.len()
            ),
        ),
        (
            &report.kept,
            format!(
                "kept {} file(s) changed since cairn wrote them, no longer its own",
                report.kept.len()
            ),
        ),
        (
            &report.adopted,
            format!(
                "adopted {}: kept {} file(s) cairn did not write",
                output.display(),
                report.adopted.len()
            ),
        ),
    ];
    for (files, what) in lists.iter().filter(|(files, _)| !files.is_empty()) {
        writeln!(out, "{what}: {}", some_of(files))?;
    }
    Ok(())
}

/// Takes stdout and a build's timings; prints each phase's time, then the slowest outputs.
fn print_timings(out: &mut impl Write, timings: &cairn::Timings) -> anyhow::Result<()> {
    for (phase, d) in &timings.phases {
        writeln!(out, "{:>8.1} ms  {phase}", d.as_secs_f64() * 1000.0)?;
    }
    writeln!(out, "slowest outputs to render:")?;
    for (path, d) in &timings.slowest {
        writeln!(out, "{:>8.1} ms  {path}", d.as_secs_f64() * 1000.0)?;
    }
    Ok(())
}

fn check(
    CheckArgs {
        root,
        format,
        drafts,
        as_of,
    }: CheckArgs,
) -> anyhow::Result<ExitCode> {
    let mut options = BuildOptions::new(&root);
    options.now = as_of.unwrap_or(options.now);
    options.drafts = drafts;
    let report = cairn::check(&options);
    let errors = report.errors();
    let warnings = report.diagnostics.len() - errors;
    match format {
        Format::Json => {
            let list: Vec<serde_json::Value> = report
                .diagnostics
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "file": cairn::diagnostics::display_path(&d.path),
                        "line": d.line,
                        "column": d.col,
                        "severity": d.level,
                        "code": d.code,
                        "message": d.message,
                        "hint": d.hint,
                        "source_line": d.source_line,
                    })
                })
                .collect();
            let doc = serde_json::json!({ "version": 1, "diagnostics": list, "errors": errors, "warnings": warnings, "pages": report.pages });
            writeln!(
                std::io::stdout().lock(),
                "{}",
                serde_json::to_string_pretty(&doc)?
            )?;
        }
        Format::Text => {
            print_diagnostics(&report.diagnostics);
            if errors == 0 {
                writeln!(
                    std::io::stdout().lock(),
                    "checked {} pages: no errors{}",
                    report.pages,
                    warnings_note(&report.diagnostics)
                )?;
            } else {
                eprintln!("check failed: {}", counts(errors, warnings));
            }
        }
    }
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn audit(
    AuditArgs {
        root,
        html,
        industry,
        language,
        format,
        as_of,
    }: AuditArgs,
) -> anyhow::Result<ExitCode> {
    let mut options = BuildOptions::new(&root);
    options.now = as_of.unwrap_or(options.now);
    let loaded = match cairn::load(&options) {
        Ok(l) => l,
        Err(ds) => {
            print_diagnostics(&ds);
            eprintln!(
                "audit needs a site that builds: fix the errors above (cairn check lists them)"
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let site = match &language {
        None => &loaded.site,
        Some(code) => match loaded.site.all().find(|s| &s.config.language == code) {
            Some(s) => s,
            None => {
                let codes: Vec<&str> = loaded
                    .site
                    .all()
                    .map(|s| s.config.language.as_str())
                    .collect();
                anyhow::bail!(
                    "unknown language `{code}`: {}",
                    cairn::diagnostics::suggestion(code, &codes)
                );
            }
        },
    };
    let focus = match &industry {
        None => None,
        Some(id) => match site.industries.iter().position(|i| &i.id == id) {
            Some(i) => Some(i),
            None => {
                let ids: Vec<&str> = site.industries.iter().map(|i| i.id.as_str()).collect();
                anyhow::bail!(
                    "unknown industry `{id}`: {}",
                    cairn::diagnostics::suggestion(id, &ids)
                );
            }
        },
    };
    let audit = cairn::audit::audit(site, focus);
    if let Some(path) = &html {
        let resolved = cairn::output::check_report_file(
            &root,
            path,
            cairn::audit::HTML_MARKER,
            "--html audit.html",
        )?;
        cairn::output::write_atomically(&resolved, audit.to_html(&site.config.title).as_bytes())?;
    }
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&audit)?)?,
        Format::Text => {
            write!(out, "{}", audit.to_text(industry.as_deref()))?;
            if let Some(path) = &html {
                writeln!(out, "\nHTML report written to {}", path.display())?;
            }
        }
    }
    Ok(if audit.unmet.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn inventory(
    InventoryArgs {
        root,
        format,
        output,
        bom,
        drafts,
        as_of,
    }: InventoryArgs,
) -> anyhow::Result<ExitCode> {
    let mut options = BuildOptions::new(&root);
    options.now = as_of.unwrap_or(options.now);
    options.drafts = drafts;
    let loaded = match cairn::load(&options) {
        Ok(l) => l,
        Err(ds) => {
            print_diagnostics(&ds);
            eprintln!(
                "inventory needs a site that builds: fix the errors above (cairn check lists them)"
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let rows = cairn::inventory::rows(&loaded.site);
    let header = cairn::inventory::csv_marker();
    let (bytes, marker) = match format {
        InventoryFormat::Csv => (cairn::inventory::to_csv(&rows, bom), header.as_str()),
        InventoryFormat::Json => (
            cairn::inventory::to_json(&rows).into_bytes(),
            cairn::inventory::JSON_MARKER,
        ),
    };
    match &output {
        Some(path) => {
            let example = "--output inventory.csv";
            let resolved = cairn::output::check_report_file(&root, path, marker, example)?;
            cairn::output::write_atomically(&resolved, &bytes)?;
            let pages = match rows.len() {
                1 => "1 page".to_string(),
                n => format!("{n} pages"),
            };
            eprintln!("{pages} written to {}", path.display());
        }
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn cms(
    CmsArgs {
        cms: _,
        root,
        print,
    }: CmsArgs,
) -> anyhow::Result<ExitCode> {
    let Some(config) = site_config(&root) else {
        return Ok(ExitCode::FAILURE);
    };
    let files = [
        (cairn::cms::CONFIG_PATH, cairn::cms::config(&config)),
        (cairn::cms::PAGE_PATH, cairn::cms::page()),
    ];
    if print {
        std::io::stdout().lock().write_all(files[0].1.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    // Check both before writing either: a refusal leaves both as they were.
    let site = root
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("cannot open the site folder {}: {e}", root.display()))?;
    for (rel, _) in &files {
        cms_may_write(&site, rel)?;
    }
    std::fs::create_dir_all(site.join("static/admin"))?;
    let mut out = std::io::stdout().lock();
    for (rel, text) in &files {
        cairn::output::write_atomically(&site.join(rel), text.as_bytes())?;
        writeln!(out, "wrote {rel}")?;
    }
    writeln!(
        out,
        "next: set up the backend (docs/cms.md); the editor is at /admin/"
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Whether `rel` (under `static/admin/`) may be written: inside the site, not a link,
/// and absent or as cairn wrote it.
fn cms_may_write(site: &std::path::Path, rel: &str) -> anyhow::Result<()> {
    use cairn::cms::Written;
    let path = site.join(rel);
    let refuse =
        |why: &str, hint: &str| anyhow::anyhow!("refusing to write {rel}: {why}\n  = hint: {hint}");
    let resolved = cairn::output::resolve(&path)?;
    if !resolved.starts_with(site) {
        return Err(refuse(
            "it leads outside the site folder",
            "make static/admin a plain folder of the site",
        ));
    }
    let meta = std::fs::symlink_metadata(&path).ok();
    if meta.as_ref().is_some_and(|m| m.file_type().is_symlink()) {
        return Err(refuse("it is a symbolic link", "remove the link"));
    }
    if meta.as_ref().is_some_and(|m| !m.is_file()) {
        return Err(refuse("it is not a regular file", "move it away"));
    }
    // A file that cannot be read as text is someone else's, never absent.
    let existing = match meta {
        None => None,
        Some(_) => Some(
            std::fs::read_to_string(&path)
                .map_err(|e| refuse(&format!("it cannot be read as text ({e})"), "move it away"))?,
        ),
    };
    match Written::of(existing.as_deref()) {
        Written::Absent | Written::Ours => Ok(()),
        Written::Edited => Err(refuse(
            "it was edited since cairn wrote it, and your edits are kept",
            "run `cairn cms decap --print` and merge what changed by hand",
        )),
        Written::Foreign => Err(refuse(
            "a file that cairn did not write is there",
            "move it away, or merge `cairn cms decap --print` into it by hand",
        )),
    }
}

/// The site's `site.toml`, or `None` after printing what is wrong with it.
fn site_config(root: &std::path::Path) -> Option<cairn::config::SiteConfig> {
    cairn::config::SiteConfig::load(root)
        .map_err(|ds| {
            print_diagnostics(&ds);
            eprintln!("{}", summary(&ds));
        })
        .ok()
}

fn email(
    EmailArgs {
        page,
        root,
        text,
        output,
        drafts,
    }: EmailArgs,
) -> anyhow::Result<ExitCode> {
    let mut options = BuildOptions::new(&root);
    options.drafts = drafts;
    let loaded = match cairn::load(&options) {
        Ok(l) => l,
        Err(ds) => {
            print_diagnostics(&ds);
            eprintln!(
                "email needs a site that builds: fix the errors above (cairn check lists them)"
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let page = page.trim_start_matches("content/").replace('\\', "/");
    let edition = cairn::render::email_of(&loaded.site, &loaded.theme, &page, text);
    let bytes = match edition {
        Some(Ok(s)) => s.into_bytes(),
        Some(Err(cairn::render::RenderError::Templates(ds))) => {
            print_diagnostics(&ds);
            return Ok(ExitCode::FAILURE);
        }
        Some(Err(cairn::render::RenderError::Io(e))) => return Err(e.into()),
        None => {
            eprintln!(
                "error: content/{page} is not a published article or case study\n  = hint: name a file under content/articles/ or content/case-studies/, relative to content/ (add --drafts for a draft)"
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    match &output {
        Some(path) => {
            // Only a new file, or an HTML edition cairn wrote (it names cairn as its generator).
            let marker = if text {
                "\u{0}"
            } else {
                "<meta name=\"generator\" content=\"cairn "
            };
            let resolved =
                cairn::output::check_report_file(&root, path, marker, "--output edition.html")?;
            cairn::output::write_atomically(&resolved, &bytes)?;
            eprintln!("wrote {}", path.display());
        }
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn schema(SchemaArgs { root, output }: SchemaArgs) -> anyhow::Result<ExitCode> {
    let Some(config) = site_config(&root) else {
        return Ok(ExitCode::FAILURE);
    };
    let dir = output.unwrap_or_else(|| root.join("schemas"));
    let schemas = cairn::schema::all(&config);
    // Check every file before writing any, so a refusal leaves all of them as they were.
    let mut checked = Vec::new();
    for (name, _) in &schemas {
        let example = "--output schemas";
        checked.push(cairn::output::check_report_file(
            &root,
            &dir.join(name),
            cairn::schema::MARKER,
            example,
        )?);
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let mut out = std::io::stdout().lock();
    for ((name, value), path) in schemas.iter().zip(&checked) {
        let text = serde_json::to_string_pretty(value)? + "\n";
        cairn::output::write_atomically(path, text.as_bytes())?;
        writeln!(out, "wrote {}", dir.join(name).display())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn new(
    NewArgs {
        kind,
        title,
        stage,
        roles,
        industries,
        root,
    }: NewArgs,
) -> anyhow::Result<ExitCode> {
    let kind = match kind {
        NewKindArg::Article => cairn::scaffold::NewKind::Article,
        NewKindArg::CaseStudy => cairn::scaffold::NewKind::CaseStudy,
        NewKindArg::Page => cairn::scaffold::NewKind::Page,
    };
    let date = jiff::Zoned::now().date();
    let page = cairn::scaffold::NewPage {
        kind,
        title,
        stage,
        roles,
        industries,
        date,
    };
    let rel = cairn::scaffold::create_page(&root, &page)?;
    let note = match kind {
        cairn::scaffold::NewKind::Page => "",
        cairn::scaffold::NewKind::Article => " (a draft: set draft = false to publish)",
        cairn::scaffold::NewKind::CaseStudy => {
            " (a draft waiting for the customer's approval: set draft = false, and approved = DATE once they sign off)"
        }
    };
    writeln!(
        std::io::stdout().lock(),
        "created {}{note}",
        root.join(&rel).display()
    )?;
    Ok(ExitCode::SUCCESS)
}

fn import(
    ImportArgs {
        from,
        source,
        root,
        map,
    }: ImportArgs,
) -> anyhow::Result<ExitCode> {
    use cairn::import::{Flavor, NeedKind};
    let flavor = match from {
        ImportFrom::Hugo => Flavor::Hugo,
        ImportFrom::Zola => Flavor::Zola,
    };
    let options = cairn::import::Options {
        flavor,
        source: source.clone(),
        root: root.clone(),
        map: map.clone(),
    };
    let report = cairn::import::run(&options)?;
    let mut out = std::io::stdout().lock();
    for skipped in &report.skipped {
        writeln!(out, "not imported: {skipped}")?;
    }
    if let Some(draft) = &report.map_draft {
        writeln!(
            out,
            "read {} pages with {} taxonomy terms; wrote {}",
            report.seen_pages,
            report.seen_terms,
            root.join(draft).display()
        )?;
        writeln!(
            out,
            "next: fill it in, then: cairn import {} {} --root {} --map {}",
            flavor.name(),
            source.display(),
            root.display(),
            root.join(draft).display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if !report.needs.is_empty() {
        writeln!(out, "needs a person:")?;
        for need in &report.needs {
            writeln!(out, "  {}: {}", need.at, need.message)?;
        }
    }
    let mut unmapped: Vec<&str> = report
        .needs
        .iter()
        .filter(|n| n.what == NeedKind::Term)
        .map(|n| n.message.as_str())
        .collect();
    unmapped.sort_unstable();
    unmapped.dedup();
    writeln!(
        out,
        "imported {} pages and {} other files into {}: {} without a stage, {} unmapped terms, {} untranslated shortcodes, {} other things to look at",
        report.pages,
        report.assets,
        root.display(),
        report.count(NeedKind::Stage),
        unmapped.len(),
        report.count(NeedKind::Shortcode),
        report.count(NeedKind::Other),
    )?;
    Ok(match report.skipped.is_empty() {
        true => ExitCode::SUCCESS,
        false => ExitCode::FAILURE,
    })
}

fn init(InitArgs { dir, force }: InitArgs) -> anyhow::Result<ExitCode> {
    let written = cairn::scaffold::init(&dir, force, jiff::Zoned::now().date())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "created a site in {}:", dir.display())?;
    for f in written {
        writeln!(out, "  {f}")?;
    }
    writeln!(
        out,
        "next: cairn serve --root {0}   (or: cairn build --root {0})",
        dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

fn serve(
    ServeArgs {
        root,
        port,
        bind,
        open,
        drafts,
        timings,
    }: ServeArgs,
) -> anyhow::Result<ExitCode> {
    let options = cairn::serve::ServeOptions {
        root,
        bind,
        port,
        drafts,
        open,
        timings,
    };
    let log: cairn::serve::Log = std::sync::Arc::new(|stream, text| match stream {
        cairn::serve::Stream::Progress => {
            let _ = writeln!(std::io::stdout().lock(), "{text}");
        }
        cairn::serve::Stream::Problems => eprintln!("{text}"),
    });
    cairn::serve::serve(options, log)?;
    Ok(ExitCode::SUCCESS)
}

/// The first few names of a list, then how many more.
fn some_of(names: &[String]) -> String {
    const SHOWN: usize = 10;
    match names.len().saturating_sub(SHOWN) {
        0 => names.join(", "),
        more => format!("{} and {more} more", names[..SHOWN].join(", ")),
    }
}

fn warnings_note(ds: &[Diagnostic]) -> String {
    match ds.iter().filter(|d| d.level == Level::Warning).count() {
        0 => String::new(),
        1 => ", 1 warning".into(),
        n => format!(", {n} warnings"),
    }
}

fn summary(ds: &[Diagnostic]) -> String {
    let errors = ds.iter().filter(|d| d.is_error()).count();
    format!("build failed: {}", counts(errors, ds.len() - errors))
}

/// "2 errors, 1 warning"
fn counts(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("1 {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    match warnings {
        0 => plural(errors, "error"),
        w => format!("{}, {}", plural(errors, "error"), plural(w, "warning")),
    }
}

fn print_diagnostics(ds: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in ds {
        let _ = writeln!(err, "{d}\n");
    }
}
