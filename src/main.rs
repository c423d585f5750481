//! The `cairn` command line: parses arguments, runs the library, prints
//! diagnostics and reports. The only place that prints.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use cairn::diagnostics::{Diagnostic, Level};
use cairn::{BuildError, BuildOptions};

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
    Build {
        /// The site folder (holds site.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: <root>/public]
        #[arg(long)]
        output: Option<PathBuf>,
        /// Absolute URL the site is served from, instead of site.toml's base_url
        #[arg(long)]
        base_url: Option<String>,
        /// Include drafts and pages dated in the future
        #[arg(long)]
        drafts: bool,
    },
    /// Build, serve on localhost, rebuild and reload the browser on every save
    #[command(
        after_help = "Examples:\n  cairn serve\n  cairn serve --port 8080 --open\n  cairn serve --bind 0.0.0.0   # reachable from other machines: only on a trusted network"
    )]
    Serve {
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
    },
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

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
        } => {
            let mut options = BuildOptions::new(&root);
            if let Some(o) = output {
                options.output = o;
            }
            options.base_url = base_url;
            options.drafts = drafts;
            match cairn::build(&options) {
                Ok(report) => {
                    print_diagnostics(&report.warnings);
                    let mut out = std::io::stdout().lock();
                    writeln!(
                        out,
                        "built {} pages ({} files) into {} in {} ms{}",
                        report.pages,
                        report.files,
                        options.output.display(),
                        report.elapsed.as_millis(),
                        warnings_note(&report.warnings)
                    )
                    .context("stdout")?;
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
        Command::Serve {
            root,
            port,
            bind,
            open,
            drafts,
        } => {
            cairn::serve::serve(cairn::serve::ServeOptions {
                root,
                bind,
                port,
                drafts,
                open,
            })?;
            Ok(ExitCode::SUCCESS)
        }
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
    let warnings = ds.len() - errors;
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("1 {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    match warnings {
        0 => format!("build failed: {}", plural(errors, "error")),
        w => format!(
            "build failed: {}, {}",
            plural(errors, "error"),
            plural(w, "warning")
        ),
    }
}

fn print_diagnostics(ds: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in ds {
        let _ = writeln!(err, "{d}\n");
    }
}
