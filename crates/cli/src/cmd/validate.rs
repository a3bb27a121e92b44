//! `gtrack validate FILE...`

use std::process::ExitCode;

use anyhow::Result;
use gtrack_formats::gtrack::{self, Fault, Rule, Severity};

use super::GenomeArgs;

/// Arguments of `validate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// GTrack files (`-` = stdin; `.gtrack.gz` and bgzip are read transparently).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    #[command(flatten)]
    genome: GenomeArgs,
    /// Treat warnings (unknown headers) as errors.
    #[arg(long)]
    strict: bool,
    /// Do not print warnings or the per-file `valid` line.
    #[arg(short, long)]
    quiet: bool,
    /// Stop reporting a file after this many errors.
    #[arg(long, default_value_t = 100, value_name = "N")]
    max_errors: usize,
}

/// Run `validate`: exit 0 if every file is valid, 1 otherwise.
pub fn run(a: Args) -> Result<ExitCode> {
    let mut opts = a.genome.options()?;
    opts.max_errors = a.max_errors;
    let mut all_ok = true;
    for path in &a.files {
        let diags = match gtrack_formats::io::open_input(path) {
            Ok(input) => gtrack::validate(input, path, opts.clone()),
            Err(e) => vec![Fault::new(Rule::Io, e.to_string()).at(path, 0)],
        };
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error || a.strict)
            .count();
        super::report(&diags, !a.quiet || a.strict);
        if errors == 0 {
            if !a.quiet {
                println!("{path}: valid");
            }
        } else {
            all_ok = false;
        }
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
