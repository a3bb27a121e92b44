//! Commands that rewrite a GTrack file: expand-headers, standardize,
//! sort, complement, from-tabular.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use gtrack_core::TrackType;
use gtrack_formats::gtrack::{self, tools, Diagnostic, WriteOptions};
use gtrack_formats::io::Output;

use super::{parse, read_all, report, GenomeArgs};

/// Input and output of a rewriting command.
#[derive(clap::Args, Debug)]
pub struct IoArgs {
    /// Input GTrack file (`-` = stdin).
    #[arg(value_name = "IN")]
    input: String,
    /// Output file (`-` = stdout, the default). Written atomically.
    #[arg(short, long, value_name = "OUT", default_value = "-")]
    output: String,
    #[command(flatten)]
    genome: GenomeArgs,
}

/// Arguments of `expand-headers`.
#[derive(clap::Args, Debug)]
pub struct ExpandArgs {
    #[command(flatten)]
    io: IoArgs,
    /// Write every basic header, not only non-default ones.
    #[arg(long)]
    full_headers: bool,
}

/// Arguments of `complement`.
#[derive(clap::Args, Debug)]
pub struct ComplementArgs {
    #[command(flatten)]
    io: IoArgs,
    /// The GTrack file to take the columns from.
    #[arg(value_name = "OTHER")]
    other: String,
    /// Columns to add (comma-separated): value, strand, id, edges or custom names.
    #[arg(long, value_delimiter = ',', required = true)]
    columns: Vec<String>,
    /// Match elements by id or by position (genome, seqid, start, end).
    #[arg(long, value_enum, default_value = "id")]
    by: By,
}

/// Matching mode of `complement`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum By {
    /// The `id` column.
    Id,
    /// genome, seqid, start and end.
    Position,
}

/// Arguments of `from-tabular`.
#[derive(clap::Args, Debug)]
pub struct TabularArgs {
    /// Tabular input (`-` = stdin).
    #[arg(value_name = "IN")]
    input: String,
    /// The role or name of each input column, comma-separated: seqid, start,
    /// end, value, strand, id, edges, genome, a custom name, or `-` to drop.
    #[arg(long, value_delimiter = ',', required = true)]
    columns: Vec<String>,
    /// Output file (`-` = stdout, the default).
    #[arg(short, long, value_name = "OUT", default_value = "-")]
    output: String,
    /// Input coordinates are 1-based (e.g. GFF).
    #[arg(long)]
    one_indexed: bool,
    /// Input intervals include their end (e.g. GFF).
    #[arg(long)]
    end_inclusive: bool,
    /// Track type, when it should not be inferred from the columns.
    #[arg(long, value_name = "TYPE")]
    track_type: Option<TrackType>,
    /// Write every basic header.
    #[arg(long)]
    full_headers: bool,
}

fn emit(path: &str, text: &str) -> Result<ExitCode> {
    let mut out = Output::create(path).with_context(|| format!("cannot write `{path}`"))?;
    out.write_all(text.as_bytes())?;
    out.commit()?;
    Ok(ExitCode::SUCCESS)
}

fn failed(diags: &[Diagnostic]) -> Result<ExitCode> {
    report(diags, true);
    Ok(ExitCode::from(1))
}

/// `expand-headers`.
pub fn expand(a: ExpandArgs) -> Result<ExitCode> {
    let text = read_all(&a.io.input)?;
    match tools::expand_headers(
        &text,
        &a.io.input,
        tools::ExpandOptions {
            full: a.full_headers,
        },
    ) {
        Ok(s) => emit(&a.io.output, &s),
        Err(d) => failed(&d),
    }
}

fn options_of(p: &gtrack::Parsed) -> WriteOptions {
    WriteOptions {
        full_headers: false,
        one_indexed: p.layout.one_indexed,
        end_inclusive: p.layout.end_inclusive,
        subtype: None,
    }
}

/// `standardize`.
pub fn standardize(a: IoArgs) -> Result<ExitCode> {
    let p = match parse(&a.input, a.genome.options()?)? {
        Ok(p) => p,
        Err(c) => return Ok(c),
    };
    match tools::standardize(&p.track, &a.input) {
        Ok(t) => emit(
            &a.output,
            &gtrack::write_string(&t, &WriteOptions::default()),
        ),
        Err(d) => failed(&d),
    }
}

/// `sort`.
pub fn sort(a: IoArgs) -> Result<ExitCode> {
    let mut p = match parse(&a.input, a.genome.options()?)? {
        Ok(p) => p,
        Err(c) => return Ok(c),
    };
    tools::sort(&mut p.track);
    let text = gtrack::write_string(&p.track, &options_of(&p));
    // A sorted file says so.
    let text = if gtrack::writer::guarantees(&p.track).sorted {
        text.replacen("\n###", "\n##sorted elements: true\n###", 1)
    } else {
        text
    };
    emit(&a.output, &text)
}

/// `complement`.
pub fn complement(a: ComplementArgs) -> Result<ExitCode> {
    let opts = a.io.genome.options()?;
    let mut p = match parse(&a.io.input, opts.clone())? {
        Ok(p) => p,
        Err(c) => return Ok(c),
    };
    let other = match parse(&a.other, opts)? {
        Ok(p) => p,
        Err(c) => return Ok(c),
    };
    let by = match a.by {
        By::Id => tools::MatchBy::Id,
        By::Position => tools::MatchBy::Position,
    };
    if let Err(d) = tools::complement(&mut p.track, &other.track, &a.columns, by, &a.io.input) {
        return failed(&d);
    }
    let text = gtrack::write_string(&p.track, &options_of(&p));
    // The result goes through expand-headers, as the reference tool does.
    match tools::expand_headers(
        text.as_bytes(),
        &a.io.input,
        tools::ExpandOptions::default(),
    ) {
        Ok(s) => emit(&a.io.output, &s),
        Err(d) => failed(&d),
    }
}

/// `from-tabular`.
pub fn from_tabular(a: TabularArgs) -> Result<ExitCode> {
    let text = read_all(&a.input)?;
    let opts = tools::TabularOptions {
        columns: a.columns,
        one_indexed: a.one_indexed,
        end_inclusive: a.end_inclusive,
        track_type: a.track_type,
        full_headers: a.full_headers,
    };
    match tools::from_tabular(&text, &a.input, &opts) {
        Ok(s) => emit(&a.output, &s),
        Err(d) => failed(&d),
    }
}
