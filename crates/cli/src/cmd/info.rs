//! `gtrack info` and `gtrack subtypes`.

use std::process::ExitCode;

use anyhow::{bail, Result};
use gtrack_formats::gtrack::subtype;
use serde::Serialize;

use super::GenomeArgs;

/// Arguments of `info`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A track file in any format gtrack reads (`-` = stdin), or with
    /// --store the name of a stored track.
    #[arg(value_name = "FILE")]
    file: String,
    /// Describe the stored track FILE of this store instead of a file.
    #[arg(long, value_name = "DIR")]
    store: Option<String>,
    /// With --store: do not verify checksums.
    #[arg(long, requires = "store")]
    trust: bool,
    /// Input format (default: from the name, else the content).
    #[arg(long, value_name = "FORMAT")]
    from: Option<gtrack_formats::Format>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    genome: GenomeArgs,
}

#[derive(Serialize)]
struct SeqInfo {
    seqid: String,
    genome: Option<String>,
    elements: usize,
}

#[derive(Serialize)]
struct EdgeInfo {
    edges: usize,
    undirected: bool,
    weighted: bool,
    weight_type: Option<String>,
    weight_dimension: Option<String>,
}

#[derive(Serialize)]
struct Info {
    file: String,
    format: String,
    track_type: String,
    track_type_abbreviation: &'static str,
    elements: usize,
    bounding_regions: usize,
    bounding_region_kind: Option<&'static str>,
    value_type: Option<String>,
    value_dimension: Option<String>,
    seqids: Vec<String>,
    sequences: Vec<SeqInfo>,
    edges: Option<EdgeInfo>,
    strand: bool,
    id: bool,
    extra_columns: Vec<String>,
    subtype: Option<String>,
    one_indexed: bool,
    end_inclusive: bool,
    metadata: Vec<(String, String)>,
}

/// Run `info`.
pub fn run(a: Args) -> Result<ExitCode> {
    if let Some(store) = &a.store {
        return super::store::info(store, &a.file, a.json, a.trust);
    }
    let fmt = match gtrack_formats::format::resolve(&a.file, a.from) {
        Ok(f) => f,
        Err(e) => return Ok(super::convert::fail(&e)),
    };
    let (track, subtype, one_indexed, end_inclusive);
    if fmt == gtrack_formats::Format::Gtrack {
        let p = match super::parse(&a.file, a.genome.options()?)? {
            Ok(p) => p,
            Err(code) => return Ok(code),
        };
        subtype = p.subtype.map(str::to_string);
        one_indexed = p.layout.one_indexed;
        end_inclusive = p.layout.end_inclusive;
        track = p.track;
    } else {
        let ro = gtrack_formats::ReadOptions {
            genome: a.genome.genome()?,
            ..Default::default()
        };
        match gtrack_formats::format::read_path(&a.file, Some(fmt), &ro) {
            Ok((_, t)) => track = t,
            Err(e) => return Ok(super::convert::fail(&e)),
        }
        subtype = None;
        one_indexed = false;
        end_inclusive = false;
    }
    let t = &track;
    let info = Info {
        file: a.file.clone(),
        format: fmt.name().to_string(),
        track_type: t.track_type().name().to_string(),
        track_type_abbreviation: t.track_type().abbreviation(),
        elements: t.len(),
        bounding_regions: t.regions.len(),
        bounding_region_kind: t.regions.first().map(|r| match r.kind {
            gtrack_core::RegionKind::Genome => "genome (type A)",
            gtrack_core::RegionKind::Sequence => "sequence (type B)",
        }),
        value_type: t.schema.value.map(|v| v.ty.name().to_string()),
        value_dimension: t.schema.value.map(|v| v.dim.name().to_string()),
        seqids: t.seqids().iter().map(|s| s.to_string()).collect(),
        sequences: t
            .seqs
            .iter()
            .map(|s| SeqInfo {
                seqid: s.seqid.clone(),
                genome: s.genome.clone(),
                elements: s.len(),
            })
            .collect(),
        edges: t.schema.edges.map(|e| EdgeInfo {
            edges: t
                .seqs
                .iter()
                .map(|s| s.edges.as_ref().map_or(0, |c| c.edge_count()))
                .sum(),
            undirected: e.undirected,
            weighted: e.weights.is_some(),
            weight_type: e.weights.map(|w| w.ty.name().to_string()),
            weight_dimension: e.weights.map(|w| w.dim.name().to_string()),
        }),
        strand: t.schema.columns.strand,
        id: t.schema.columns.id,
        extra_columns: t.schema.columns.extra.clone(),
        subtype,
        one_indexed,
        end_inclusive,
        metadata: t.metadata.clone(),
    };
    if a.json {
        println!("{}", serde_json::to_string_pretty(&info)?);
        return Ok(ExitCode::SUCCESS);
    }
    let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    println!("file\t{}", info.file);
    println!("format\t{}", info.format);
    println!(
        "track type\t{} ({})",
        info.track_type, info.track_type_abbreviation
    );
    println!("elements\t{}", info.elements);
    println!(
        "bounding regions\t{}{}",
        info.bounding_regions,
        info.bounding_region_kind
            .map(|k| format!(" ({k})"))
            .unwrap_or_default()
    );
    println!(
        "value\t{} {}",
        dash(&info.value_type),
        dash(&info.value_dimension)
    );
    if let Some(e) = &info.edges {
        println!(
            "edges\t{} ({}, {})",
            e.edges,
            if e.undirected {
                "undirected"
            } else {
                "directed"
            },
            match (&e.weight_type, &e.weight_dimension) {
                (Some(t), Some(d)) => format!("weights: {t} {d}"),
                _ => "unweighted".into(),
            }
        );
    }
    println!(
        "columns\tstrand: {}, id: {}, extra: {}",
        if info.strand { "yes" } else { "no" },
        if info.id { "yes" } else { "no" },
        if info.extra_columns.is_empty() {
            "-".into()
        } else {
            info.extra_columns.join(", ")
        }
    );
    if let Some(s) = &info.subtype {
        println!("subtype\t{s}");
    }
    println!(
        "sequences\t{}",
        info.sequences
            .iter()
            .map(|s| format!(
                "{}{}: {}",
                s.genome
                    .as_ref()
                    .map(|g| format!("{g}:"))
                    .unwrap_or_default(),
                s.seqid,
                s.elements
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `subtypes`.
#[derive(clap::Args, Debug)]
pub struct SubtypesArgs {
    /// Print the definition of this subtype (e.g. `bed6`).
    #[arg(value_name = "NAME")]
    name: Option<String>,
}

/// Run `subtypes`.
pub fn subtypes(a: SubtypesArgs) -> Result<ExitCode> {
    match a.name {
        None => {
            for n in subtype::BUNDLED.iter().filter(|n| **n != "withsubtypeurl") {
                println!("http://gtrack.no/{n}.gtrack");
            }
        }
        Some(n) => match subtype::definition_text(&n.to_ascii_lowercase()) {
            Some(t) if n != "withsubtypeurl" => print!("{t}"),
            _ => bail!("no bundled subtype `{n}`; `gtrack subtypes` lists them"),
        },
    }
    Ok(ExitCode::SUCCESS)
}
