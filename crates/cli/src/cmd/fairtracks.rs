//! `gtrack fairtracks validate|to-gsuite|get-schemas`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use gtrack_collections::fairtracks::{self, FairtracksError, GetOptions, SchemaSet, Severity};
use serde_json::Value;

const SCHEMAS_HELP: &str = "Folder holding the FAIRtracks v1.0.2 JSON Schemas \
(default: $GTRACK_FAIRTRACKS_SCHEMAS, else $XDG_CACHE_HOME/gtrack/fairtracks/v1.0.2, \
filled once by `gtrack fairtracks get-schemas`)";

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
    ///
    /// The schemas are read from a local folder (see --schemas); run
    /// `gtrack fairtracks get-schemas` once to download them. Exit 0 valid,
    /// 1 invalid, 2 when the file or the schemas cannot be read.
    Validate {
        /// The FAIRtracks JSON file.
        #[arg(value_name = "FILE")]
        file: String,
        /// Do not print warnings.
        #[arg(long)]
        no_warnings: bool,
        #[arg(long, value_name = "DIR", help = SCHEMAS_HELP)]
        schemas: Option<PathBuf>,
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
        #[arg(long, value_name = "DIR", help = SCHEMAS_HELP)]
        schemas: Option<PathBuf>,
    },
    /// Download the FAIRtracks v1.0.2 JSON Schemas once, so that validation
    /// works offline afterwards.
    ///
    /// The seven files are fetched from their published URLs (the `$id`s,
    /// raw.githubusercontent.com/fairtracks/fairtracks_standard/v1/current/json/schema/)
    /// and each is verified against a SHA-256 pinned in gtrack; on any
    /// failure nothing is written. Files already present with the right
    /// digest are kept. The schemas are the FAIRtracks project's, licensed
    /// CC BY 4.0; gtrack downloads them and does not distribute them.
    GetSchemas {
        /// Where to put them (default: $GTRACK_FAIRTRACKS_SCHEMAS, else
        /// $XDG_CACHE_HOME/gtrack/fairtracks/v1.0.2, i.e. where validation
        /// looks).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Fetch the files from this folder URL instead (a mirror); the
        /// pinned digests still apply.
        #[arg(long, value_name = "URL", default_value = fairtracks::DEFAULT_BASE_URL)]
        base_url: String,
        /// Allow loopback and private addresses (a local mirror).
        #[arg(long)]
        allow_private_network: bool,
    },
}

/// Load the schema set; `Err(code)` after printing when it cannot be found
/// or read (exit 2).
fn schemas(dir: Option<&Path>) -> Result<SchemaSet, ExitCode> {
    fairtracks::load_schemas(dir).map_err(|e| {
        eprintln!("gtrack: {e}");
        ExitCode::from(2)
    })
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
fn report(file: &str, doc: &Value, set: &SchemaSet, warnings: bool) -> bool {
    let r = fairtracks::validate(doc, set);
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
        Cmd::Validate {
            file,
            no_warnings,
            schemas: dir,
        } => {
            let set = match schemas(dir.as_deref()) {
                Ok(s) => s,
                Err(c) => return Ok(c),
            };
            let doc = match load(&file)? {
                Ok(d) => d,
                Err(c) => return Ok(c),
            };
            if report(&file, &doc, &set, !no_warnings) {
                return Ok(ExitCode::from(1));
            }
            if set.matches(fairtracks::V1_0_2) {
                println!("{file}: valid FAIRtracks v1.0.2");
            } else {
                let from = set
                    .dir()
                    .map_or_else(|| "?".to_string(), |d| d.display().to_string());
                println!("{file}: valid against the schemas in {from} (not the pinned FAIRtracks v1.0.2 files)");
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::GetSchemas {
            dir,
            base_url,
            allow_private_network,
        } => {
            let (dir, _) = match fairtracks::schema_dir(dir.as_deref()) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("gtrack: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let mut opts = GetOptions {
                base_url,
                ..GetOptions::default()
            };
            opts.fetch.allow_private_network = allow_private_network;
            match fairtracks::get_schemas(&dir, &opts) {
                Ok(got) => {
                    for g in &got {
                        let what = if g.downloaded {
                            "downloaded and verified"
                        } else {
                            "already present, verified"
                        };
                        println!("{}: {what}", g.path.display());
                    }
                    println!(
                        "FAIRtracks v1.0.2 schemas (CC BY 4.0, the FAIRtracks project) in {}; validation is offline from now on",
                        dir.display()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("gtrack: {e}");
                    eprintln!("gtrack: nothing was written to {}", dir.display());
                    Ok(ExitCode::from(2))
                }
            }
        }
        Cmd::ToGsuite {
            file,
            output,
            lenient,
            schemas: dir,
        } => {
            let set = match schemas(dir.as_deref()) {
                Ok(s) => s,
                Err(c) => return Ok(c),
            };
            let doc = match load(&file)? {
                Ok(d) => d,
                Err(c) => return Ok(c),
            };
            if report(&file, &doc, &set, false) && !lenient {
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
