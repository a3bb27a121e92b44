//! genePred, genePredExt and refFlat transcripts as *segments*.
//!
//! Each line is one element on `chrom` at `[txStart, txEnd)` with its
//! strand. Extra columns, in file order: [`COLUMNS`] (genePred: the
//! first six; genePredExt: all), [`REFFLAT_COLUMNS`] for refFlat
//! (`genename` first). Exon lists are kept verbatim. With
//! `expand_blocks` the exons become linked elements (see
//! [`super::blocks`]). Comment lines (`#…`) are skipped.

use std::io::{BufRead, Write};

use gtrack_core::columns::Strand;
use gtrack_core::track::Track;

use super::blocks::{self, Fields, ItemSink};
use super::{check_length, header_line, split_fields, uint, uint_list, Source};
use crate::error::Error;
use crate::format::{Format, ReadOptions, WriteOptions};

/// Extra columns of a genePredExt track (genePred: the first six).
pub const COLUMNS: [&str; 11] = [
    "name",
    "cdsstart",
    "cdsend",
    "exoncount",
    "exonstarts",
    "exonends",
    "score",
    "name2",
    "cdsstartstat",
    "cdsendstat",
    "exonframes",
];

/// Extra columns of a refFlat track.
pub const REFFLAT_COLUMNS: [&str; 7] = [
    "genename",
    "name",
    "cdsstart",
    "cdsend",
    "exoncount",
    "exonstarts",
    "exonends",
];

fn field_count(format: Format) -> usize {
    match format {
        Format::GenePredExt => 15,
        Format::RefFlat => 11,
        _ => 10,
    }
}

/// Read genePred, genePredExt or refFlat.
pub(crate) fn read<R: BufRead>(
    mut src: Source<R>,
    format: Format,
    opts: &ReadOptions,
) -> Result<Track, Error> {
    let cols = blocks::format_columns(format);
    let mut track = Track::new(blocks::schema(opts.expand_blocks, cols));
    let mut sink = ItemSink::new(opts.expand_blocks);
    let want = field_count(format);
    let off = usize::from(format == Format::RefFlat);
    let mut line = String::new();
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    let mut frames_ok = Vec::new();
    let mut blocks_buf: Vec<(u64, u64)> = Vec::new();
    while src.next(&mut line)? {
        if line.trim().is_empty()
            || line.starts_with('#')
            || header_line(&line, &mut track.metadata)
        {
            continue;
        }
        let mut all = [""; 16];
        let n = split_fields(&line, &mut all);
        if n != want {
            let hint = if n == want + 1 {
                " (a leading `bin` column from a UCSC table dump? remove it)"
            } else {
                ""
            };
            return Err(src.err(
                "genepred-columns",
                format!("found {n} fields, {} has {want}{hint}", format.label()),
            ));
        }
        let f = &all[off..];
        let chrom = f[1];
        let strand = match f[2] {
            "+" => Strand::Plus,
            "-" => Strand::Minus,
            other => {
                return Err(src.err(
                    "genepred-strand",
                    format!("strand `{other}` is not `+` or `-`"),
                ))
            }
        };
        let tx_start = uint(&src, f[3], "txStart", "genepred-integer")?;
        let tx_end = uint(&src, f[4], "txEnd", "genepred-integer")?;
        let cds_start = uint(&src, f[5], "cdsStart", "genepred-integer")?;
        let cds_end = uint(&src, f[6], "cdsEnd", "genepred-integer")?;
        let count = uint(&src, f[7], "exonCount", "genepred-integer")?;
        uint_list(&src, f[8], "exonStarts", "genepred-integer", &mut starts)?;
        uint_list(&src, f[9], "exonEnds", "genepred-integer", &mut ends)?;
        if !(tx_start <= cds_start && cds_start <= cds_end && cds_end <= tx_end) {
            return Err(src.err(
                "genepred-coordinates",
                format!(
                    "txStart {tx_start}, cdsStart {cds_start}, cdsEnd {cds_end}, txEnd {tx_end} are not in order txStart <= cdsStart <= cdsEnd <= txEnd (non-coding: cdsStart = cdsEnd)"
                ),
            ));
        }
        check_length(&src, opts, chrom, tx_end, "genepred-coordinates")?;
        if starts.len() as u64 != count || ends.len() as u64 != count {
            return Err(src.err(
                "genepred-exons",
                format!(
                    "exonCount is {count} but exonStarts has {} and exonEnds {} entries; the lists need one entry per exon",
                    starts.len(),
                    ends.len()
                ),
            ));
        }
        let mut prev = tx_start;
        for (k, (&s, &e)) in starts.iter().zip(&ends).enumerate() {
            if s > e || s < prev || e > tx_end {
                return Err(src.err(
                    "genepred-exons",
                    format!(
                        "exon {} ({s}-{e}) has start > end, overlaps the previous exon, or lies outside {tx_start}-{tx_end}",
                        k + 1
                    ),
                ));
            }
            prev = e;
        }
        if format == Format::GenePredExt {
            f[10].parse::<i64>().map_err(|_| {
                src.err(
                    "genepred-integer",
                    format!("score `{}` is not an integer", f[10]),
                )
            })?;
            for (what, v) in [("cdsStartStat", f[12]), ("cdsEndStat", f[13])] {
                if !matches!(v, "none" | "unk" | "incmpl" | "cmpl") {
                    return Err(src.err(
                        "genepred-frames",
                        format!("{what} `{v}` is not none, unk, incmpl or cmpl"),
                    ));
                }
            }
            frames_ok.clear();
            let body = f[14].strip_suffix(',').unwrap_or(f[14]);
            if !body.is_empty() {
                for x in body.split(',') {
                    frames_ok.push(matches!(x, "-1" | "0" | "1" | "2"));
                }
            }
            if frames_ok.len() as u64 != count || frames_ok.iter().any(|ok| !ok) {
                return Err(src.err(
                    "genepred-frames",
                    format!(
                        "exonFrames `{}` needs {count} entries (one per exon), each -1, 0, 1 or 2",
                        f[14]
                    ),
                ));
            }
        }
        blocks_buf.clear();
        if opts.expand_blocks {
            blocks_buf.extend(starts.iter().copied().zip(ends.iter().copied()));
        }
        let mut extras = [""; 11];
        let used = if format == Format::RefFlat {
            extras[0] = all[0];
            extras[1] = f[0];
            extras[2..7].copy_from_slice(&f[5..10]);
            7
        } else {
            extras[0] = f[0];
            extras[1..6].copy_from_slice(&f[5..10]);
            if format == Format::GenePredExt {
                extras[6..11].copy_from_slice(&f[10..15]);
                11
            } else {
                6
            }
        };
        sink.push(
            &mut track,
            chrom,
            tx_start,
            tx_end,
            strand,
            f[0],
            &extras[..used],
            &blocks_buf,
        );
    }
    Ok(track)
}

/// Write genePred, genePredExt or refFlat (block elements skipped).
pub(crate) fn write<W: Write>(
    track: &Track,
    out: &mut W,
    format: Format,
    _opts: &WriteOptions,
) -> Result<(), Error> {
    let io = |e| Error::io("-", e);
    super::write_header_lines(track, out).map_err(io)?;
    let fields = Fields::new(track);
    for s in &track.seqs {
        for i in 0..s.len() {
            if blocks::is_block(s, i) {
                continue;
            }
            let (start, end) = (s.starts[i], s.ends[i]);
            let g = |name: &str| fields.get(s, i, name);
            let strand = match s.strands.as_ref().map(|st| st[i]) {
                Some(Strand::Minus) => "-",
                _ => "+",
            };
            let name = g("name")
                .or_else(|| s.ids.as_ref().and_then(|ids| ids.get(i)))
                .unwrap_or(".");
            if format == Format::RefFlat {
                write!(out, "{}\t", g("genename").unwrap_or(name)).map_err(io)?;
            }
            let (es, ee) = (format!("{start},"), format!("{end},"));
            let end_s = end.to_string();
            write!(
                out,
                "{name}\t{}\t{strand}\t{start}\t{end}\t{}\t{}\t{}\t{}\t{}",
                s.seqid,
                g("cdsstart").unwrap_or(&end_s),
                g("cdsend").unwrap_or(&end_s),
                g("exoncount").unwrap_or("1"),
                g("exonstarts").unwrap_or(&es),
                g("exonends").unwrap_or(&ee),
            )
            .map_err(io)?;
            if format == Format::GenePredExt {
                let n: usize = g("exoncount").and_then(|c| c.parse().ok()).unwrap_or(1);
                let frames = "-1,".repeat(n);
                write!(
                    out,
                    "\t{}\t{}\t{}\t{}\t{}",
                    g("score").unwrap_or("0"),
                    g("name2").unwrap_or(name),
                    g("cdsstartstat").unwrap_or("none"),
                    g("cdsendstat").unwrap_or("none"),
                    g("exonframes").unwrap_or(&frames),
                )
                .map_err(io)?;
            }
            writeln!(out).map_err(io)?;
        }
    }
    Ok(())
}
