//! `gtrack gsuite validate|info|convert`.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use gtrack_collections::gsuite::{self, ParsedGSuite, ReadOptions};

/// Arguments of `gsuite`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    cmd: Sub,
}

#[derive(clap::Subcommand, Debug)]
enum Sub {
    /// Check GSuite files against every rule of GSuite 0.9.
    Validate {
        /// GSuite files.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<String>,
        /// Refuse `file:` URIs (for GSuites from untrusted sources).
        #[arg(long)]
        no_file_uris: bool,
    },
    /// Summarise a GSuite: tracks, columns, given and derived headers.
    Info {
        /// GSuite file.
        #[arg(value_name = "FILE")]
        file: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rewrite a GSuite (all four headers filled in), or export it as TSV or JSON.
    Convert {
        /// Input GSuite.
        #[arg(value_name = "IN")]
        input: String,
        /// Output file (`-` = stdout). Written atomically.
        #[arg(value_name = "OUT")]
        output: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "gsuite")]
        to: To,
    },
}

/// Output formats of `gsuite convert`.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
enum To {
    /// GSuite 0.9 with all four headers.
    Gsuite,
    /// Tab-separated: one header line of column names, one line per track.
    Tsv,
    /// JSON: {"headers", "columns", "tracks"}.
    Json,
}

/// Run `gsuite`.
pub fn run(a: Args) -> Result<ExitCode> {
    match a.cmd {
        Sub::Validate {
            files,
            no_file_uris,
        } => {
            let opts = ReadOptions {
                allow_file_scheme: !no_file_uris,
            };
            let mut bad = false;
            for f in &files {
                match read(f, &opts)? {
                    Ok(p) => println!("{f}: ok ({} tracks)", p.suite.len()),
                    Err(()) => bad = true,
                }
            }
            Ok(if bad {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Sub::Info { file, json } => {
            let Ok(p) = read(&file, &ReadOptions::default())? else {
                return Ok(ExitCode::from(1));
            };
            let g = &p.suite;
            let derived = g.summary().unwrap_or_default();
            let mut schemes: std::collections::BTreeMap<String, usize> = Default::default();
            for r in 0..g.len() {
                if let Some(u) = g.uri(r) {
                    let s = u.split(':').next().unwrap_or("").to_ascii_lowercase();
                    *schemes.entry(s).or_default() += 1;
                }
            }
            if json {
                let v = serde_json::json!({
                    "file": file,
                    "tracks": g.len(),
                    "columns": g.columns,
                    "headers": g.headers.iter().cloned().collect::<std::collections::BTreeMap<_,_>>(),
                    "derived": derived,
                    "uri_schemes": schemes,
                    "comments": p.comments.len(),
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!("file\t{file}");
                println!("tracks\t{}", g.len());
                println!("columns\t{}", g.columns.join(", "));
                for (k, d) in [
                    ("location", &derived.location),
                    ("file format", &derived.file_format),
                    ("track type", &derived.track_type),
                    ("genome", &derived.genome),
                ] {
                    let given = g.header(k).unwrap_or("(absent)");
                    println!("{k}\t{given}\t(derived: {d})");
                }
                let s: Vec<String> = schemes.iter().map(|(k, v)| format!("{k} {v}")).collect();
                println!("uri schemes\t{}", s.join(", "));
                println!("comments\t{}", p.comments.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        Sub::Convert { input, output, to } => {
            let Ok(mut p) = read(&input, &ReadOptions::default())? else {
                return Ok(ExitCode::from(1));
            };
            p.suite.complete_headers();
            let text = match to {
                To::Gsuite => p.to_text(),
                To::Tsv => p.suite.to_tsv(),
                To::Json => format!("{}\n", serde_json::to_string_pretty(&p.suite.to_json())?),
            };
            if output == "-" {
                std::io::stdout().write_all(text.as_bytes())?;
            } else {
                gsuite::write_atomic(Path::new(&output), text.as_bytes())?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Read a GSuite; diagnostics go to stderr (`Err(())`); I/O errors are `Err`.
pub fn read(path: &str, opts: &ReadOptions) -> Result<Result<ParsedGSuite, ()>> {
    let bytes = if path == "-" {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut v)?;
        v
    } else {
        std::fs::read(path).with_context(|| format!("cannot read `{path}`"))?
    };
    match gsuite::parse_bytes(&bytes, path, opts) {
        Ok(p) => Ok(Ok(p)),
        Err(ds) => {
            for d in ds {
                eprintln!("{d}");
            }
            Ok(Err(()))
        }
    }
}
