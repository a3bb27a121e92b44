//! `gtrack convert` and `gtrack formats`.

use std::process::ExitCode;

use anyhow::{anyhow, Result};
use gtrack_formats::format::{self, ConvertOptions, Format, SubtypeChoice};
use gtrack_formats::{Error, ReadOptions, WriteOptions};

use super::GenomeArgs;

/// Arguments of `convert`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input file (`-` = stdin for text formats; gzip/bgzip detected).
    #[arg(value_name = "IN")]
    input: String,
    /// Output file (`-` = stdout for text formats). Written atomically.
    #[arg(value_name = "OUT")]
    output: String,
    /// Input format (default: from the name, else the content). See `gtrack formats`.
    #[arg(long, value_name = "FORMAT")]
    from: Option<Format>,
    /// Output format (default: from the output name). See `gtrack formats`.
    #[arg(long, value_name = "FORMAT")]
    to: Option<Format>,
    /// Convert even when the output format cannot carry everything (the
    /// losses are listed on stderr).
    #[arg(long)]
    allow_lossy: bool,
    /// GTrack output: `auto` declares the bundled subtype that fits best,
    /// `none` writes plain GTrack, or a subtype name (e.g. `bed6`).
    #[arg(long, value_name = "NAME", default_value = "auto")]
    subtype: String,
    /// BED12, genePred, PSL: one element per block (exon), linked to the
    /// next block of the same item.
    #[arg(long)]
    expand_blocks: bool,
    #[command(flatten)]
    genome: GenomeArgs,
}

/// Run `convert`.
pub fn run(a: Args) -> Result<ExitCode> {
    let genome = a.genome.genome()?;
    let subtype = match a.subtype.to_ascii_lowercase().as_str() {
        "auto" => SubtypeChoice::Auto,
        "none" => SubtypeChoice::Never,
        n => match gtrack_formats::gtrack::subtype::BUNDLED
            .iter()
            .find(|b| **b == n && n != "withsubtypeurl")
        {
            Some(b) => SubtypeChoice::Named(b),
            None => {
                return Err(anyhow!(
                    "unknown subtype `{n}`; `gtrack subtypes` lists the bundled ones (or use auto/none)"
                ))
            }
        },
    };
    let opts = ConvertOptions {
        from: a.from,
        to: a.to,
        read: ReadOptions {
            genome: genome.clone(),
            expand_blocks: a.expand_blocks,
        },
        write: WriteOptions {
            allow_lossy: a.allow_lossy,
            genome,
            gtrack_subtype: None,
        },
        subtype,
    };
    match format::convert(&a.input, &a.output, &opts) {
        Ok(c) => {
            for l in &c.losses {
                eprintln!("gtrack: warning: lost in {}: {l}", c.to.label());
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(fail(&e)),
    }
}

/// Print an error of the formats library; exit 1 for invalid input, 2 for
/// what the user asked that cannot be done (and I/O errors).
pub fn fail(e: &Error) -> ExitCode {
    match e {
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Error::Format(_) | Error::Gtrack(_) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
        _ => {
            eprintln!("gtrack: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Run `formats`: list the formats with their names, extensions and
/// whether they are read/written.
pub fn formats() -> Result<ExitCode> {
    println!("name\tlabel\textensions");
    for f in Format::ALL {
        println!(
            "{}\t{}\t{}",
            f.name(),
            f.label(),
            f.extensions()
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `gc-content`.
#[derive(clap::Args, Debug)]
pub struct GcArgs {
    /// A sequence file: FASTA, 2bit or nib (or GTrack holding a character function).
    #[arg(value_name = "IN")]
    input: String,
    /// Output file (`-` = stdout for text formats); format from the name or `--to`.
    #[arg(value_name = "OUT")]
    output: String,
    /// Window in bp: 1 gives a function (1 = G/C, 0 = A/T, missing for N);
    /// larger gives a step function of the GC fraction per window.
    #[arg(long, default_value_t = 1000)]
    window: u64,
    /// Input format (default: from the name, else the content).
    #[arg(long, value_name = "FORMAT")]
    from: Option<Format>,
    /// Output format (default: from the output name).
    #[arg(long, value_name = "FORMAT")]
    to: Option<Format>,
    /// Convert even when the output format cannot carry everything.
    #[arg(long)]
    allow_lossy: bool,
}

/// Run `gc-content`: derive a GC-content track from sequences.
pub fn gc_content(a: GcArgs) -> Result<ExitCode> {
    let (_, track) = match format::read_path(&a.input, a.from, &ReadOptions::default()) {
        Ok(t) => t,
        Err(e) => return Ok(fail(&e)),
    };
    let gc = gtrack_formats::seq::gc_content(&track, a.window);
    let Some(to) = a.to.or_else(|| format::by_extension(&a.output)) else {
        return Ok(fail(&Error::Usage(format!(
            "cannot tell the output format from `{}`; name it with --to",
            a.output
        ))));
    };
    let wo = WriteOptions {
        allow_lossy: a.allow_lossy,
        genome: None,
        gtrack_subtype: None,
    };
    match format::write_path(&gc, &a.output, to, &wo) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => Ok(fail(&e)),
    }
}
