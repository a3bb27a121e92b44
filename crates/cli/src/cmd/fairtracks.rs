//! `gtrack fairtracks validate|to-gsuite`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use gtrack_collections::fairtracks::{self, FairtracksError, Severity};
use serde_json::Value;

/// Arguments of `fairtracks`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Subcommand, Debug)]
enum Cmd {
    /// Validate a FAIRtracks v1.0.2 document offline: JSON Schema, unique and
    /// foreign keys, CURIEs, ontology terms (bundled subset), conditional rules.
    Validate {
        /// The FAIRtracks JSON file.
        #[arg(value_name = "FILE")]
        file: String,
        /// Do not print warnings.
        #[arg(long)]
        no_warnings: bool,
    },
    /// Convert a FAIRtracks document to GSuite (one row per track, nested
    /// fields flattened with `->`).
    ToGsuite {
        /// The FAIRtracks JSON file.
        #[arg(value_name = "FILE")]
        file: String,
        /// Output file (default stdout). Written atomically.
        #[arg(short, long, value_name = "OUT")]
        output: Option<String>,
        /// Convert even when the document has validation errors.
        #[arg(long)]
        lenient: bool,
    },
}

/// Read a document; `Err(code)` after printing when it is not JSON.
fn load(file: &str) -> Result<Result<Value, ExitCode>> {
    match fairtracks::read_path(Path::new(file)) {
        Ok(v) => Ok(Ok(v)),
        Err(e @ FairtracksError::Json { .. }) => {
            eprintln!("{e}");
            Ok(Err(ExitCode::from(1)))
        }
        Err(e) => Err(e.into()),
    }
}

/// Print the diagnostics as `FILE: PATH: RULE: message`; true if any error.
fn report(file: &str, doc: &Value, warnings: bool) -> bool {
    let r = fairtracks::validate(doc);
    for d in &r.diagnostics {
        if d.severity == Severity::Error || warnings {
            eprintln!("{file}: {d}");
        }
    }
    !r.is_valid()
}

/// Write `bytes` to `path` atomically (temp file in the same folder + rename).
pub fn write_atomic(path: &str, bytes: &[u8]) -> Result<()> {
    let p = Path::new(path);
    let dir = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in `{}`", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("cannot write `{path}`"))?;
    tmp.persist(p)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write `{path}`"))?;
    Ok(())
}

/// Run `fairtracks`.
pub fn run(a: Args) -> Result<ExitCode> {
    match a.cmd {
        Cmd::Validate { file, no_warnings } => {
            let doc = match load(&file)? {
                Ok(d) => d,
                Err(c) => return Ok(c),
            };
            if report(&file, &doc, !no_warnings) {
                return Ok(ExitCode::from(1));
            }
            println!("{file}: valid FAIRtracks v1.0.2");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::ToGsuite {
            file,
            output,
            lenient,
        } => {
            let doc = match load(&file)? {
                Ok(d) => d,
                Err(c) => return Ok(c),
            };
            if report(&file, &doc, false) && !lenient {
                eprintln!("gtrack: {file} has validation errors; fix them or pass --lenient");
                return Ok(ExitCode::from(1));
            }
            let g = match fairtracks::to_gsuite(&doc) {
                Ok(g) => g,
                Err(e) => {
                    eprintln!("{file}: {e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let text = g.to_text();
            match output.as_deref() {
                None | Some("-") => std::io::stdout().write_all(text.as_bytes())?,
                Some(o) => write_atomic(o, text.as_bytes())?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
