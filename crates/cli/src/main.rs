//! `gtrack`: genomic tracks, their 15 types, and the GTrack format.
//!
//! Thin binary: parses arguments, calls `gtrack-formats`, prints.
//! Exit codes: 0 success, 1 invalid input (diagnostics on stderr as
//! `FILE:LINE: RULE: message`), 2 usage or I/O error. A closed pipe
//! (`gtrack ... | head`) exits 0 quietly.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Genomic tracks: validate, inspect, transform and convert track files.
#[derive(Parser, Debug)]
#[command(name = "gtrack", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check GTrack files against every rule of GTrack 1.0.
    Validate(cmd::validate::Args),
    /// Summarise a track: type, elements, regions, sequences, values, edges.
    Info(cmd::info::Args),
    /// Rewrite a GTrack file with every header its content implies.
    ExpandHeaders(cmd::transform::ExpandArgs),
    /// Rewrite as linked valued segments with explicit standard columns.
    Standardize(cmd::transform::IoArgs),
    /// Sort bounding regions, then elements within each region.
    Sort(cmd::transform::IoArgs),
    /// Add columns from another GTrack file, matching by id or position.
    Complement(cmd::transform::ComplementArgs),
    /// Turn a tabular file into GTrack, given the role of each column.
    FromTabular(cmd::transform::TabularArgs),
    /// List the bundled GTrack subtypes, or print one.
    Subtypes(cmd::info::SubtypesArgs),
    /// Convert a track between formats (BED, bedGraph, WIG, GFF, bigWig, … and GTrack).
    Convert(cmd::convert::Args),
    /// List the track formats gtrack reads and writes.
    Formats,
    /// Derive a GC-content track (function or step function) from sequences.
    GcContent(cmd::convert::GcArgs),
    /// UCSC track hubs: list tracks, check a hub, search the Track Hub Registry.
    Hub(cmd::hub::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.command {
        Command::Validate(a) => cmd::validate::run(a),
        Command::Info(a) => cmd::info::run(a),
        Command::ExpandHeaders(a) => cmd::transform::expand(a),
        Command::Standardize(a) => cmd::transform::standardize(a),
        Command::Sort(a) => cmd::transform::sort(a),
        Command::Complement(a) => cmd::transform::complement(a),
        Command::FromTabular(a) => cmd::transform::from_tabular(a),
        Command::Subtypes(a) => cmd::info::subtypes(a),
        Command::Convert(a) => cmd::convert::run(a),
        Command::Formats => cmd::convert::formats(),
        Command::GcContent(a) => cmd::convert::gc_content(a),
        Command::Hub(a) => cmd::hub::run(a),
    };
    match r {
        Ok(code) => code,
        Err(e) => {
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("gtrack: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn test_cli_definition() {
        super::Cli::command().debug_assert();
    }
}
