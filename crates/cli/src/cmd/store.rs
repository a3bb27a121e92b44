//! `gtrack import`, `ls`, `view`, `summarize`, `export` and
//! `info --store`: the track store.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use gtrack_core::Region;
use gtrack_formats::{Format, WriteOptions};
use gtrack_store::{summarize, ImportOptions, Imported, Stat, Store, Verify};

use super::GenomeArgs;

/// Print a store error; exit 1 for invalid input or damage, 2 otherwise.
fn fail(e: &gtrack_store::Error) -> ExitCode {
    match e {
        gtrack_store::Error::Input(f) => super::convert::fail(f),
        e if e.is_invalid_input() => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
        e => {
            eprintln!("gtrack: error: {e}");
            ExitCode::from(2)
        }
    }
}

macro_rules! tryx {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Ok(fail(&e)),
        }
    };
}

/// Open track `name` of the store in `dir`, verifying checksums unless `trust`.
fn open_track(
    dir: &str,
    name: &str,
    trust: bool,
) -> Result<gtrack_store::StoredTrack, gtrack_store::Error> {
    let verify = if trust {
        Verify::Trust
    } else {
        Verify::Checksums
    };
    Store::open(dir)?.open_track(name, verify)
}

/// Parse a size: bytes, or with a suffix k/M/G/T (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => {
            let m = match t[i..].to_ascii_lowercase().trim_end_matches(['b', 'i']) {
                "" => 1u64,
                "k" => 1 << 10,
                "m" => 1 << 20,
                "g" => 1 << 30,
                "t" => 1 << 40,
                _ => return Err(format!("`{s}`: unknown size suffix (use k, M, G or T)")),
            };
            (&t[..i], m)
        }
        None => (t, 1),
    };
    let x: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 512M, 2G)"))?;
    if !(x.is_finite() && x >= 0.0) {
        return Err(format!("`{s}` is not a size (e.g. 512M, 2G)"));
    }
    Ok((x * mult as f64) as u64)
}

/// Arguments of `import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// Track files in any format gtrack reads; several files with --name
    /// become one track, without --name each file is its own track.
    #[arg(value_name = "IN", required = true)]
    inputs: Vec<String>,
    /// The store directory (created when absent).
    #[arg(long, value_name = "DIR")]
    store: String,
    /// Track name, `/`-separated (default: the file name without extensions).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Input format (default: detected per file).
    #[arg(long, value_name = "FORMAT")]
    from: Option<Format>,
    #[command(flatten)]
    genome: GenomeArgs,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Memory budget for parsed columns (e.g. 512M, 4G); above it sorted
    /// runs are spilled to disk and merged (default: unbounded).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    memory: Option<u64>,
    /// Expand BED12/PSL/genePred blocks into linked segments.
    #[arg(long)]
    expand_blocks: bool,
    /// Import even if the source is unchanged since the last import.
    #[arg(long)]
    force: bool,
    /// Skip fsync (faster; a crash may then lose the newest track).
    #[arg(long)]
    no_sync: bool,
    /// Write column files through the page cache instead of bypassing it
    /// with O_DIRECT (slower to import; the files are then cached for
    /// immediate reading).
    #[arg(long)]
    buffered_io: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// Run `import`.
pub fn import(a: ImportArgs) -> Result<ExitCode> {
    let store = tryx!(Store::create(&a.store));
    let genome = a.genome.genome()?;
    let mut groups: Vec<(Option<String>, Vec<String>)> = Vec::new();
    if a.name.is_some() {
        groups.push((a.name.clone(), a.inputs.clone()));
    } else {
        groups.extend(a.inputs.iter().map(|p| (None, vec![p.clone()])));
    }
    let tty = std::io::stderr().is_terminal() && !a.quiet;
    for (name, inputs) in groups {
        let opts = ImportOptions {
            name,
            format: a.from,
            read: gtrack_formats::ReadOptions {
                genome: genome.clone(),
                expand_blocks: a.expand_blocks,
            },
            memory: a.memory,
            sync: !a.no_sync,
            direct_io: !a.buffered_io,
            force: a.force,
            threads: a.threads,
            ..Default::default()
        };
        let bar = if tty {
            let b = indicatif::ProgressBar::new(0);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            b.set_message(format!("importing {}", inputs.join(", ")));
            Some(b)
        } else {
            None
        };
        let started = std::time::Instant::now();
        let r = store.import(&inputs, &opts, &mut |done, total| {
            if let Some(b) = &bar {
                b.set_length(total);
                b.set_position(done);
            }
        });
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        let r = tryx!(r);
        let m = r.manifest();
        if !a.quiet {
            match &r {
                Imported::Written(_) => eprintln!(
                    "imported {} ({}, {} elements in {} sequences) in {:.2} s",
                    m.name,
                    m.track_type,
                    m.count(),
                    m.seqs.len(),
                    started.elapsed().as_secs_f64()
                ),
                Imported::Unchanged(_) => eprintln!(
                    "{}: unchanged since the last import (same checksum); nothing to do (--force re-imports)",
                    m.name
                ),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `ls`.
#[derive(clap::Args, Debug)]
pub struct LsArgs {
    /// The store directory.
    #[arg(long, value_name = "DIR")]
    store: String,
    /// Only names starting with this prefix (e.g. `encode/`).
    #[arg(value_name = "PREFIX")]
    prefix: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Run `ls`.
pub fn ls(a: LsArgs) -> Result<ExitCode> {
    let store = tryx!(Store::open(&a.store));
    let list: Vec<_> = tryx!(store.list())
        .into_iter()
        .filter(|m| a.prefix.as_deref().is_none_or(|p| m.name.starts_with(p)))
        .collect();
    let mut out = std::io::stdout().lock();
    if a.json {
        let v: Vec<serde_json::Value> = list
            .iter()
            .map(|m| {
                serde_json::json!({
                    "name": m.name,
                    "track_type": m.track_type,
                    "elements": m.count(),
                    "sequences": m.seqs.len(),
                    "genome": m.genome,
                    "source": m.source.files,
                    "format": m.source.format,
                    "bytes": m.column_bytes(),
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        writeln!(
            out,
            "name\ttrack_type\telements\tsequences\tgenome\tformat\tbytes"
        )?;
        for m in &list {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                m.name,
                m.track_type,
                m.count(),
                m.seqs.len(),
                m.genome.as_deref().unwrap_or("."),
                m.source.format,
                m.column_bytes()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `info --store DIR NAME`.
pub fn info(store: &str, name: &str, json: bool, trust: bool) -> Result<ExitCode> {
    let t = tryx!(open_track(store, name, trust));
    tryx!(t.verify_all());
    let m = t.manifest();
    if json {
        println!("{}", serde_json::to_string_pretty(m)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "name\t{}", m.name)?;
    writeln!(
        out,
        "track type\t{} ({})",
        m.track_type,
        t.track_type().abbreviation()
    )?;
    writeln!(out, "elements\t{}", m.count())?;
    writeln!(
        out,
        "elements (merged)\t{}",
        m.seqs.iter().map(|s| s.merged_count).sum::<u64>()
    )?;
    if let Some(v) = &m.value {
        writeln!(out, "value\t{} {}", v.ty, v.dim)?;
    }
    if t.track_type().is_linked() {
        let w = m
            .edge_weights
            .as_ref()
            .map_or("none".to_string(), |w| format!("{} {}", w.ty, w.dim));
        writeln!(
            out,
            "edges\t{}, weights: {w}",
            if m.undirected_edges {
                "undirected"
            } else {
                "directed"
            }
        )?;
    }
    writeln!(out, "strand\t{}", if m.strand { "yes" } else { "no" })?;
    writeln!(out, "id\t{}", if m.id { "yes" } else { "no" })?;
    if !m.extras.is_empty() {
        writeln!(out, "extra columns\t{}", m.extras.join(", "))?;
    }
    writeln!(out, "genome\t{}", m.genome.as_deref().unwrap_or("(none)"))?;
    writeln!(out, "bounding regions\t{}", m.regions.len())?;
    writeln!(
        out,
        "source\t{} ({}, {} bytes, xxh3-128 {})",
        m.source.files.join(", "),
        m.source.format,
        m.source.bytes,
        m.source.checksum
    )?;
    writeln!(out, "column data\t{} bytes", m.column_bytes())?;
    writeln!(
        out,
        "checksums\t{}",
        if trust {
            "not verified (--trust)"
        } else {
            "verified"
        }
    )?;
    writeln!(out, "sequences\t{}", m.seqs.len())?;
    for s in &m.seqs {
        writeln!(
            out,
            "  {}\t{} elements\t{} merged",
            s.seqid, s.count, s.merged_count
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A query region: sequence, 0-based half-open interval, optional name.
type QueryRegion = (String, u64, u64, Option<String>);

/// Regions from arguments: UCSC positions or BED files of regions.
fn regions(args: &[String], t: &gtrack_store::StoredTrack) -> Result<Vec<QueryRegion>, String> {
    let mut out = Vec::new();
    for a in args {
        if std::path::Path::new(a).is_file() {
            let text = std::fs::read_to_string(a).map_err(|e| format!("{a}: {e}"))?;
            for (k, line) in text.lines().enumerate() {
                let l = line.trim_end_matches('\r');
                if l.is_empty()
                    || l.starts_with('#')
                    || l.starts_with("track")
                    || l.starts_with("browser")
                {
                    continue;
                }
                let f: Vec<&str> = l.split('\t').collect();
                let bad = || {
                    format!("{a}:{}: store-region: expected BED `chrom<TAB>start<TAB>end` (0-based, half-open), got `{l}`", k + 1)
                };
                if f.len() < 3 {
                    return Err(bad());
                }
                let (Ok(s), Ok(e)) = (f[1].trim().parse::<u64>(), f[2].trim().parse::<u64>())
                else {
                    return Err(bad());
                };
                if e < s {
                    return Err(format!(
                        "{a}:{}: store-region: end {e} is before start {s}",
                        k + 1
                    ));
                }
                out.push((f[0].to_string(), s, e, f.get(3).map(|x| x.to_string())));
            }
        } else {
            let (seq, s, e) = Region::parse_ucsc(a)
                .map_err(|m| format!("store-region: {m} (or give a BED file of regions)"))?;
            let e = match e {
                Some(e) => e,
                None => t.seq_length(&seq).unwrap_or(u64::MAX),
            };
            out.push((seq, s, e, None));
        }
    }
    Ok(out)
}

/// Arguments of `view`.
#[derive(clap::Args, Debug)]
pub struct ViewArgs {
    /// The store directory.
    #[arg(long, value_name = "DIR")]
    store: String,
    /// The track's name.
    #[arg(value_name = "NAME")]
    name: String,
    /// Regions: `chr1:1,000,001-2,000,000` (1-based, inclusive), `chr1`,
    /// or BED files of regions.
    #[arg(value_name = "REGION", required = true)]
    regions: Vec<String>,
    /// Output format (default: the format the track was imported from,
    /// or GTrack when that cannot be written to a stream).
    #[arg(long, value_name = "FORMAT")]
    to: Option<Format>,
    /// Output file (default: standard output).
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    output: String,
    /// Write even if the output format loses information.
    #[arg(long)]
    allow_lossy: bool,
    /// Do not verify checksums.
    #[arg(long)]
    trust: bool,
}

fn default_format(m: &gtrack_store::Manifest) -> Format {
    m.source
        .format
        .parse::<Format>()
        .ok()
        .filter(|f| !f.is_binary())
        .unwrap_or(Format::Gtrack)
}

/// Run `view`.
pub fn view(a: ViewArgs) -> Result<ExitCode> {
    let t = tryx!(open_track(&a.store, &a.name, a.trust));
    let regs = match regions(&a.regions, &t) {
        Ok(r) => r,
        Err(m) => {
            eprintln!("{m}");
            return Ok(ExitCode::from(1));
        }
    };
    let q: Vec<(String, u64, u64)> = regs
        .iter()
        .map(|(s, a, b, _)| (s.clone(), *a, *b))
        .collect();
    let track = tryx!(t.extract(&q));
    let fmt = a.to.unwrap_or_else(|| default_format(t.manifest()));
    let wo = WriteOptions {
        allow_lossy: a.allow_lossy,
        ..Default::default()
    };
    match gtrack_formats::format::write_path(&track, &a.output, fmt, &wo) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => Ok(super::convert::fail(&e)),
    }
}

/// Arguments of `summarize`.
#[derive(clap::Args, Debug)]
pub struct SummarizeArgs {
    /// The store directory.
    #[arg(long, value_name = "DIR")]
    store: String,
    /// The track's name.
    #[arg(value_name = "NAME")]
    name: String,
    /// Regions: a BED file (or `chr1:1-1000` positions).
    #[arg(value_name = "REGIONS", required = true)]
    regions: Vec<String>,
    /// Statistic: count, coverage, sum, mean, min or max.
    #[arg(long, default_value = "mean")]
    stat: Stat,
    /// Do not verify checksums.
    #[arg(long)]
    trust: bool,
}

/// Run `summarize`: one line per region, BED (chrom, start, end, name
/// when given) plus the value (`.` when undefined).
pub fn summarize_cmd(a: SummarizeArgs) -> Result<ExitCode> {
    let t = tryx!(open_track(&a.store, &a.name, a.trust));
    if a.stat.needs_values() {
        let numeric = t.schema().value.is_some_and(|v| {
            v.dim == gtrack_core::Dimension::Scalar
                && matches!(
                    v.ty,
                    gtrack_core::ValueType::Number | gtrack_core::ValueType::Binary
                )
        });
        if !numeric {
            eprintln!(
                "gtrack: error: --stat {} needs numeric values, but `{}` is {}{}; use --stat count or coverage",
                a.stat,
                a.name,
                t.track_type().name(),
                t.schema().value.map(|v| format!(" with {} {} values", v.ty, v.dim)).unwrap_or_default()
            );
            return Ok(ExitCode::from(2));
        }
    }
    let regs = match regions(&a.regions, &t) {
        Ok(r) => r,
        Err(m) => {
            eprintln!("{m}");
            return Ok(ExitCode::from(1));
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (seq, s, e, name) in &regs {
        let v = tryx!(t.view(seq, *s, *e));
        let sum = summarize(&v);
        write!(out, "{seq}\t{s}\t{e}")?;
        if let Some(n) = name {
            write!(out, "\t{n}")?;
        }
        match sum.get(a.stat) {
            Some(x) if a.stat == Stat::Count || a.stat == Stat::Coverage => {
                writeln!(out, "\t{}", x as u64)?
            }
            Some(x) => writeln!(out, "\t{x}")?,
            None => writeln!(out, "\t.")?,
        }
    }
    out.flush().context("writing the summary")?;
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `export`.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The store directory.
    #[arg(long, value_name = "DIR")]
    store: String,
    /// The track's name.
    #[arg(value_name = "NAME")]
    name: String,
    /// Output file (`-` = standard output).
    #[arg(value_name = "OUT")]
    output: String,
    /// Output format: any writable track format, or `arrow` (Arrow IPC)
    /// or `parquet` (default: from OUT's extension — `.arrow`, `.ipc`,
    /// `.feather`, `.parquet` included — else GTrack).
    #[arg(long, value_name = "FORMAT", value_parser = parse_export_to)]
    to: Option<ExportTo>,
    /// Write even if the output format loses information.
    #[arg(long)]
    allow_lossy: bool,
    /// Do not verify checksums.
    #[arg(long)]
    trust: bool,
}

/// An `export --to` value: a track format or a table format.
#[derive(Debug, Clone, Copy)]
pub enum ExportTo {
    /// A track format of `gtrack-formats`.
    Track(Format),
    /// Arrow IPC or Parquet.
    Table(gtrack_store::arrow::ArrowFormat),
}

fn parse_export_to(s: &str) -> Result<ExportTo, String> {
    match gtrack_store::arrow::ArrowFormat::from_name(s) {
        Some(f) => Ok(ExportTo::Table(f)),
        None => s
            .parse()
            .map(ExportTo::Track)
            .map_err(|e| format!("{e}, arrow, parquet")),
    }
}

/// Run `export`.
pub fn export(a: ExportArgs) -> Result<ExitCode> {
    let t = tryx!(open_track(&a.store, &a.name, a.trust));
    let table = match a.to {
        Some(ExportTo::Table(f)) => Some(f),
        Some(ExportTo::Track(_)) => None,
        None => gtrack_store::arrow::ArrowFormat::from_path(&a.output),
    };
    if let Some(f) = table {
        tryx!(f.write(&t, &a.output));
        return Ok(ExitCode::SUCCESS);
    }
    let track = tryx!(t.to_track());
    let fmt = match a.to {
        Some(ExportTo::Track(f)) => f,
        _ => gtrack_formats::format::by_extension(&a.output).unwrap_or(Format::Gtrack),
    };
    let genome = match &t.manifest().genome {
        Some(g) => gtrack_core::Genome::bundled(g).ok().or_else(|| {
            gtrack_core::Genome::new(g.clone(), t.manifest().genome_sizes.clone()).ok()
        }),
        None => None,
    };
    let wo = WriteOptions {
        allow_lossy: a.allow_lossy,
        genome,
        ..Default::default()
    };
    match gtrack_formats::format::write_path(&track, &a.output, fmt, &wo) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => Ok(super::convert::fail(&e)),
    }
}
