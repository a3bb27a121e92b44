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
    /// Import track files into a store (sorted, indexed, memory-mapped columns).
    Import(cmd::store::ImportArgs),
    /// List the tracks of a store.
    Ls(cmd::store::LsArgs),
    /// Print the elements of a stored track that overlap regions.
    View(cmd::store::ViewArgs),
    /// Summarise a stored track over regions (count, coverage, sum, mean, min, max).
    Summarize(cmd::store::SummarizeArgs),
    /// Write a stored track to a file in any writable format.
    Export(cmd::store::ExportArgs),
    /// FAIRtracks v1.0.2 JSON: validate offline, convert to GSuite.
    Fairtracks(cmd::fairtracks::Args),
    /// Build the local search index from the catalogue, track hubs, GSuite files and FAIRtracks documents.
    Index(cmd::search::IndexArgs),
    /// Search the local index with a typed query (`species:9606 assay:ChIP-seq …`).
    Search(cmd::search::SearchArgs),
    /// GSuite 0.9 collections of tracks: validate, info, convert.
    Gsuite(cmd::gsuite::Args),
    /// Download the remote tracks of a GSuite or FAIRtracks document into a verified cache.
    Fetch(cmd::fetch::Args),
    /// The catalogue of public track collections: list, show, search.
    Collections(cmd::collections::Args),
    /// UCSC track hubs: list tracks, check a hub, search the Track Hub Registry.
    Hub(cmd::hub::Args),
    /// Descriptive statistics of a track per type: counts, coverage, lengths, gaps, values.
    Stats(cmd::analyze::StatsArgs),
    /// Ask a type-aware question of two tracks (overlap, inside, near, …) with analytic tests.
    Analyze(cmd::analyze::AnalyzeArgs),
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
        Command::Import(a) => cmd::store::import(a),
        Command::Ls(a) => cmd::store::ls(a),
        Command::View(a) => cmd::store::view(a),
        Command::Summarize(a) => cmd::store::summarize_cmd(a),
        Command::Export(a) => cmd::store::export(a),
        Command::Fairtracks(a) => cmd::fairtracks::run(a),
        Command::Index(a) => cmd::search::index(a),
        Command::Search(a) => cmd::search::search(a),
        Command::Gsuite(a) => cmd::gsuite::run(a),
        Command::Fetch(a) => cmd::fetch::run(a),
        Command::Collections(a) => cmd::collections::run(a),
        Command::Hub(a) => cmd::hub::run(a),
        Command::Stats(a) => cmd::analyze::stats(a),
        Command::Analyze(a) => cmd::analyze::analyze(a),
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
