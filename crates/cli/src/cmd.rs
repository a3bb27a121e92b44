//! Subcommands.

pub mod analyze;
pub mod collections;
pub mod convert;
pub mod fairtracks;
pub mod fetch;
pub mod gsuite;
pub mod hub;
pub mod info;
pub mod search;
pub mod store;
pub mod transform;
pub mod validate;

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, Result};
use gtrack_core::Genome;
use gtrack_formats::gtrack::{Diagnostic, Parsed, ReadOptions, Severity};

/// `--genome` / `--chrom-sizes`, shared by commands that check lengths.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct GenomeArgs {
    /// Bundled genome (hg19, hg38, mm10, mm39; GRCh37/38, GRCm38/39 accepted)
    /// for sequence-name and length checks.
    #[arg(long, value_name = "NAME", conflicts_with = "chrom_sizes")]
    pub genome: Option<String>,
    /// A chrom.sizes file (`name<TAB>length` per line) for sequence checks.
    #[arg(long, value_name = "FILE")]
    pub chrom_sizes: Option<String>,
}

impl GenomeArgs {
    /// The genome named, if any.
    pub fn genome(&self) -> Result<Option<Genome>> {
        Ok(match (&self.genome, &self.chrom_sizes) {
            (Some(n), _) => Some(Genome::bundled(n)?),
            (None, Some(p)) => Some(Genome::from_chrom_sizes_path(std::path::Path::new(p))?),
            _ => None,
        })
    }
    /// GTrack read options with the genome, if any.
    pub fn options(&self) -> Result<ReadOptions> {
        Ok(ReadOptions {
            genome: self.genome()?,
            ..Default::default()
        })
    }
}

/// Print diagnostics to stderr; true if any is an error.
pub fn report(diags: &[Diagnostic], warnings: bool) -> bool {
    let mut err = false;
    for d in diags {
        let is_err = d.severity == Severity::Error;
        err |= is_err;
        if is_err || warnings {
            eprintln!("{d}");
        }
    }
    err
}

/// Read a whole input (`-` = stdin; gzip detected).
pub fn read_all(path: &str) -> Result<Vec<u8>> {
    let mut r = gtrack_formats::io::open_input(path)?;
    let mut v = Vec::new();
    r.read_to_end(&mut v)
        .with_context(|| format!("cannot read `{path}`"))?;
    Ok(v)
}

/// Parse a GTrack file or print its errors.
pub fn parse(path: &str, opts: ReadOptions) -> Result<Result<Parsed, ExitCode>> {
    match gtrack_formats::gtrack::read_path(path, opts) {
        Ok(p) => {
            report(&p.warnings, true);
            Ok(Ok(p))
        }
        Err(ds) => {
            report(&ds, true);
            Ok(Err(ExitCode::from(1)))
        }
    }
}
