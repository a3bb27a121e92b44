//! `gtrack index add` and `gtrack search`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use gtrack_collections::fairtracks::FairtracksError;
use gtrack_collections::search::{self, Index, SearchError};

/// Arguments of `index`.
#[derive(clap::Args, Debug)]
pub struct IndexArgs {
    #[command(subcommand)]
    cmd: IndexCmd,
}

#[derive(clap::Subcommand, Debug)]
enum IndexCmd {
    /// Add FAIRtracks JSON (.json) and GSuite (.gsuite) files to the index;
    /// a file added again replaces its earlier records.
    Add {
        /// The sources.
        #[arg(value_name = "SOURCE", required = true)]
        sources: Vec<String>,
        /// The index folder (created if missing).
        #[arg(long, value_name = "DIR")]
        index: String,
    },
}

/// Output formats of `search`.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
enum To {
    Table,
    Json,
    Gsuite,
}

/// Arguments of `search`.
#[derive(clap::Args, Debug)]
pub struct SearchArgs {
    /// The query, e.g. `species:9606 assay:ChIP-seq assembly:hg38 type:bigWig "fold change"`.
    /// Fields: species, assembly, assay, target, cell, tissue, type, tracktype, source, kind, title.
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
    /// Also print the value counts of these facets (after the results, as
    /// `#facet\tvalue\tcount` lines; table output only).
    #[arg(long, value_name = "FIELD")]
    facet: Vec<String>,
}

/// Run `index add`.
pub fn index(a: IndexArgs) -> Result<ExitCode> {
    let IndexCmd::Add { sources, index } = a.cmd;
    let mut ix = Index::open(Path::new(&index))?;
    let mut code = ExitCode::SUCCESS;
    for s in &sources {
        match ix.add_path(Path::new(s)) {
            Ok(n) => eprintln!("{s}: {n} record(s) indexed"),
            Err(
                e @ (SearchError::Source { .. }
                | SearchError::Fairtracks(FairtracksError::Json { .. })),
            ) => {
                eprintln!("{e}");
                code = ExitCode::from(1);
            }
            Err(SearchError::Fairtracks(e @ FairtracksError::NotACollection { .. })) => {
                eprintln!("{s}: {e}");
                code = ExitCode::from(1);
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
