//! `gtrack hub tracks|check|search`: UCSC track hubs and the Track Hub
//! Registry. The logic lives in `gtrack_collections::hub`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use gtrack_collections::hub::registry::{Registry, SearchQuery, DEFAULT_REGISTRY};
use gtrack_collections::hub::{self, LoadOptions};

/// Arguments of `hub`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: HubCommand,
}

#[derive(clap::Subcommand, Debug)]
enum HubCommand {
    /// List the data tracks of a hub (hub.txt, or a bare trackDb.txt) as
    /// TSV, JSON or GSuite, with their parents, subgroup facets and metadata.
    ///
    /// Hubs are untrusted input: over HTTP(S) every host they name must be
    /// public unless --allow-private-network is given.
    Tracks(TracksArgs),
    /// Check a hub with hubCheck-grade rules (FILE:LINE: RULE: message on
    /// stderr); exit 1 when any error is found.
    Check(CheckArgs),
    /// Search the Track Hub Registry (its base URL is a setting you choose,
    /// so it is not subject to the private-network guard).
    Search(SearchArgs),
}

/// Listing formats.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum To {
    /// Tab-separated, one line per track.
    Tsv,
    /// A JSON array of tracks.
    Json,
    /// GSuite 0.9.
    Gsuite,
}

#[derive(clap::Args, Debug)]
struct TracksArgs {
    /// Path or http(s) URL of hub.txt (or of a trackDb.txt).
    #[arg(value_name = "URL|PATH")]
    hub: String,
    /// Only this genome (hg38 also matches GRCh38, and so on).
    #[arg(long, value_name = "G")]
    genome: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "tsv")]
    to: To,
    /// Output file (default stdout). Written atomically.
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    output: String,
    /// Let the hub reach loopback, private and link-local addresses (and a
    /// hub read over HTTP read `file:` URLs). Only for hubs you trust.
    #[arg(long)]
    allow_private_network: bool,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Path or http(s) URL of hub.txt (or of a trackDb.txt).
    #[arg(value_name = "URL|PATH")]
    hub: String,
    /// Print errors only, not warnings.
    #[arg(long)]
    errors_only: bool,
    /// Let the hub reach loopback, private and link-local addresses (and a
    /// hub read over HTTP read `file:` URLs). Only for hubs you trust.
    #[arg(long)]
    allow_private_network: bool,
}

/// Load options: untrusted by default.
fn load_options(allow_private_network: bool) -> LoadOptions {
    LoadOptions {
        allow_private_network,
        ..Default::default()
    }
}

#[derive(clap::Args, Debug)]
struct SearchArgs {
    /// Search text (the registry's query syntax: `H3K27ac AND liver`).
    #[arg(value_name = "TEXT")]
    text: String,
    /// Base URL of the registry.
    #[arg(long, value_name = "URL", default_value = DEFAULT_REGISTRY)]
    registry: String,
    /// Assembly name (e.g. GRCh38).
    #[arg(long, value_name = "A")]
    assembly: Option<String>,
    /// Species (scientific name).
    #[arg(long, value_name = "NAME")]
    species: Option<String>,
    /// Page of results (1-based).
    #[arg(long, default_value_t = 1)]
    page: u32,
    /// Results per page.
    #[arg(long, value_name = "N")]
    per_page: Option<u32>,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
}

/// Run `hub`.
pub fn run(a: Args) -> Result<ExitCode> {
    match a.command {
        HubCommand::Tracks(t) => tracks(t),
        HubCommand::Check(c) => check(c),
        HubCommand::Search(s) => search(s),
    }
}

fn tracks(a: TracksArgs) -> Result<ExitCode> {
    let loaded = hub::load(&a.hub, &load_options(a.allow_private_network))?;
    for d in loaded.diagnostics.iter().filter(|d| d.is_error()) {
        eprintln!("{d}");
    }
    let rows = match loaded.hub.rows(a.genome.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gtrack: error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let text = match a.to {
        To::Tsv => hub::rows_to_tsv(&rows),
        To::Json => hub::rows_to_json(&rows),
        To::Gsuite => hub::rows_to_gsuite(&rows).to_text(),
    };
    let mut out = gtrack_formats::io::Output::create(&a.output)?;
    out.write_all(text.as_bytes())
        .with_context(|| format!("cannot write `{}`", a.output))?;
    out.commit()?;
    Ok(ExitCode::SUCCESS)
}

fn check(a: CheckArgs) -> Result<ExitCode> {
    let loaded = hub::load(&a.hub, &load_options(a.allow_private_network))?;
    let (mut errors, mut warnings) = (0, 0);
    for d in &loaded.diagnostics {
        if d.is_error() {
            errors += 1;
        } else {
            warnings += 1;
            if a.errors_only {
                continue;
            }
        }
        eprintln!("{d}");
    }
    let tracks: usize = loaded.hub.genomes.iter().map(|g| g.tracks.len()).sum();
    eprintln!(
        "{}: {} genome(s), {tracks} track(s): {errors} error(s), {warnings} warning(s)",
        a.hub,
        loaded.hub.genomes.len()
    );
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn search(a: SearchArgs) -> Result<ExitCode> {
    let reg = Registry::new(&a.registry)?;
    let q = SearchQuery {
        query: a.text,
        assembly: a.assembly,
        species: a.species,
        page: Some(a.page),
        entries_per_page: a.per_page,
        ..Default::default()
    };
    let res = reg.search(&q)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&res)?)?;
    } else {
        writeln!(out, "id\thub\tshortLabel\tspecies\tassembly\ttype\turl")?;
        for i in &res.items {
            let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                clean(&i.id),
                clean(&i.hub.name),
                clean(&i.hub.short_label),
                clean(&i.species.scientific_name),
                clean(&i.assembly.name),
                clean(&i.kind),
                clean(&i.hub.url)
            )?;
        }
        eprintln!("{} of {} hit(s)", res.items.len(), res.total_entries);
    }
    Ok(ExitCode::SUCCESS)
}
