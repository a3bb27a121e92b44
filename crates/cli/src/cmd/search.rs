//! `gtrack index add` and `gtrack search`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use gtrack_collections::fairtracks::FairtracksError;
use gtrack_collections::hub::{HubError, LoadOptions};
use gtrack_collections::search::{self, Index, SearchError, SourceOptions};

/// Arguments of `index`.
#[derive(clap::Args, Debug)]
pub struct IndexArgs {
    #[command(subcommand)]
    cmd: IndexCmd,
}

#[derive(clap::Subcommand, Debug)]
enum IndexCmd {
    /// Add sources to the index; a source added again replaces its records.
    ///
    /// A SOURCE is `catalog` (the built-in catalogue of track collections),
    /// a track hub (hub.txt or bare trackDb, as a path or an http(s) URL),
    /// a GSuite file (`.gsuite`) or a FAIRtracks JSON document (`.json`).
    #[command(
        after_help = "Examples:\n  gtrack index add catalog --index idx\n  gtrack index add https://example.org/hub/hub.txt tracks.gsuite doc.json --index idx"
    )]
    Add {
        /// `catalog`, hub.txt (path or URL), .gsuite or FAIRtracks .json.
        #[arg(value_name = "SOURCE", required = true)]
        sources: Vec<String>,
        /// The index folder (created if missing).
        #[arg(long, value_name = "DIR")]
        index: String,
        /// Let hubs reach loopback, private and link-local addresses (and a
        /// hub read over HTTP read `file:` URLs). Only for hubs you trust.
        #[arg(long)]
        allow_private_network: bool,
    },
}

/// Output formats of `search`.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
enum To {
    /// Tab-separated: title, species, assembly, assay, target, cell, type, uri, source.
    Table,
    /// A JSON array of {title, uri, source, kind, facets, fields}.
    Json,
    /// A GSuite of the results (valid GSuite 0.9; records without a URI left out).
    Gsuite,
}

/// Arguments of `search`.
#[derive(clap::Args, Debug)]
pub struct SearchArgs {
    /// The query, e.g. `species:9606 assay:ChIP-seq assembly:hg38 type:bigWig "fold change"`.
    /// Fields: species, assembly, assay, target, cell, tissue, type, tracktype, chrom, source,
    /// kind, title; `-field:value` excludes; bare words and "quoted phrases" are full text.
    #[arg(value_name = "QUERY")]
    query: String,
    /// The index folder.
    #[arg(long, value_name = "DIR")]
    index: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    to: To,
    /// At most this many results.
    #[arg(long, default_value_t = 1000)]
    limit: usize,
    /// Also print the value counts of this facet over the matching records
    /// (repeatable; after the results, as `#facet<TAB>FIELD<TAB>value<TAB>count`
    /// lines; table output only).
    #[arg(long, value_name = "FIELD")]
    facet: Vec<String>,
}

/// Run `index add`.
pub fn index(a: IndexArgs) -> Result<ExitCode> {
    let IndexCmd::Add {
        sources,
        index,
        allow_private_network,
    } = a.cmd;
    let opts = SourceOptions {
        hub: LoadOptions {
            allow_private_network,
            ..Default::default()
        },
    };
    let mut ix = Index::open(Path::new(&index))?;
    let mut code = ExitCode::SUCCESS;
    for s in &sources {
        match ix.add_source(s, &opts) {
            Ok(added) => {
                for f in &added.findings {
                    eprintln!("{f}");
                }
                eprintln!("{s}: {} record(s) indexed ({})", added.records, added.kind);
            }
            Err(
                e @ (SearchError::Source { .. }
                | SearchError::GSuite(_)
                | SearchError::Fairtracks(FairtracksError::Json { .. })),
            ) => {
                eprintln!("{e}");
                code = ExitCode::from(1);
            }
            Err(SearchError::Fairtracks(e @ FairtracksError::NotACollection { .. })) => {
                eprintln!("{s}: {e}");
                code = ExitCode::from(1);
            }
            Err(SearchError::Hub(e @ HubError::Unreadable { .. })) => {
                eprintln!("gtrack: error: {e}");
                code = ExitCode::from(2);
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(code)
}

/// Run `search`.
pub fn search(a: SearchArgs) -> Result<ExitCode> {
    let q = match search::parse_query(&a.query) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("gtrack: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    if !Path::new(&a.index).join(search::DB_FILE).is_file() {
        anyhow::bail!(
            "no index in `{}`; build one with `gtrack index add SOURCE... --index {}`",
            a.index,
            a.index
        );
    }
    let ix = Index::open(Path::new(&a.index))?;
    let hits = ix.search(&q, a.limit)?;
    let mut out = std::io::stdout().lock();
    match a.to {
        To::Table => {
            out.write_all(search::to_table(&hits).as_bytes())?;
            for f in &a.facet {
                let counts = match ix.facets(&q, f) {
                    Ok(c) => c,
                    Err(e @ SearchError::Query { .. }) => {
                        eprintln!("gtrack: {e}");
                        return Ok(ExitCode::from(1));
                    }
                    Err(e) => return Err(e.into()),
                };
                for (v, n) in counts {
                    writeln!(out, "#facet\t{f}\t{v}\t{n}")?;
                }
            }
        }
        To::Json => {
            serde_json::to_writer_pretty(&mut out, &search::to_json(&hits))?;
            writeln!(out)?;
        }
        To::Gsuite => out.write_all(search::to_gsuite(&hits).to_text().as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
