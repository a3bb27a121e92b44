//! PSL alignments as *segments* on the target.
//!
//! Each line is one element on `tName` at `[tStart, tEnd)`, strand = the
//! query strand (first character of `strand`). Extra columns, in order:
//! [`COLUMNS`] — `name` is `qName`; `tstrand` is the second strand
//! character of translated alignments (`.` when absent); the block
//! lists are kept verbatim. With `expand_blocks` the blocks become
//! linked elements (see [`super::blocks`]), in plus-strand target
//! coordinates (minus target strands are converted). A `psLayout`
//! header is remembered in the metadata ([`META_HEADER`]) and written
//! back.

use std::io::{BufRead, Write};

use gtrack_core::columns::Strand;
use gtrack_core::track::Track;

use super::blocks::{self, Fields, ItemSink};
use super::{check_length, header_line, split_fields, uint, uint_list, Source};
use crate::error::Error;
use crate::format::{ReadOptions, WriteOptions};

/// Extra columns of a PSL track, in order.
pub const COLUMNS: [&str; 18] = [
    "name",
    "matches",
    "mismatches",
    "repmatches",
    "ncount",
    "qnuminsert",
    "qbaseinsert",
    "tnuminsert",
    "tbaseinsert",
    "tstrand",
    "qsize",
    "qstart",
    "qend",
    "tsize",
    "blockcount",
    "blocksizes",
    "qstarts",
    "tstarts",
];

/// Metadata key of the `psLayout` header lines (the version line and
/// the three column-title lines, in order).
pub const META_HEADER: &str = "psl-header";

/// Read PSL.
pub(crate) fn read<R: BufRead>(mut src: Source<R>, opts: &ReadOptions) -> Result<Track, Error> {
    let mut track = Track::new(blocks::schema(opts.expand_blocks, &COLUMNS));
    let mut sink = ItemSink::new(opts.expand_blocks);
    let mut line = String::new();
    let mut sizes = Vec::new();
    let mut qstarts = Vec::new();
    let mut tstarts = Vec::new();
    let mut blocks_buf: Vec<(u64, u64)> = Vec::new();
    let mut first = true;
    while src.next(&mut line)? {
        if first && line.starts_with("psLayout") {
            track.metadata.push((META_HEADER.into(), line.clone()));
            for k in 0..4 {
                if !src.next(&mut line)? {
                    return Err(src.err(
                        "psl-header",
                        "the file ends inside the psLayout header (5 lines: version, blank, two title lines, dashes)",
                    ));
                }
                if k == 0 && !line.trim().is_empty() {
                    return Err(src.err(
                        "psl-header",
                        "line 2 of a psLayout header must be blank; remove the header or complete it",
                    ));
                }
                if k == 3 && !line.starts_with('-') {
                    return Err(src.err(
                        "psl-header",
                        "line 5 of a psLayout header is a line of dashes; remove the header or complete it",
                    ));
                }
                if k > 0 {
                    track.metadata.push((META_HEADER.into(), line.clone()));
                }
            }
            first = false;
            continue;
        }
        first = false;
        if line.trim().is_empty()
            || line.starts_with('#')
            || header_line(&line, &mut track.metadata)
        {
            continue;
        }
        let mut f = [""; 21];
        let n = split_fields(&line, &mut f);
        if n != 21 {
            return Err(src.err(
                "psl-columns",
                format!("found {n} fields, PSL has 21 (matches … tStarts); check for missing or extra columns"),
            ));
        }
        let names = [
            "matches",
            "misMatches",
            "repMatches",
            "nCount",
            "qNumInsert",
            "qBaseInsert",
            "tNumInsert",
            "tBaseInsert",
        ];
        for (k, what) in names.iter().enumerate() {
            uint(&src, f[k], what, "psl-integer")?;
        }
        let strand_f = f[8];
        let sb = strand_f.as_bytes();
        let ok_strand = matches!(sb.len(), 1 | 2) && sb.iter().all(|&c| c == b'+' || c == b'-');
        if !ok_strand {
            return Err(src.err(
                "psl-strand",
                format!(
                    "strand `{strand_f}` is not `+`, `-` or two of them (query then target strand)"
                ),
            ));
        }
        let qstrand = if sb[0] == b'+' {
            Strand::Plus
        } else {
            Strand::Minus
        };
        let tminus = sb.len() == 2 && sb[1] == b'-';
        let qsize = uint(&src, f[10], "qSize", "psl-integer")?;
        let qstart = uint(&src, f[11], "qStart", "psl-integer")?;
        let qend = uint(&src, f[12], "qEnd", "psl-integer")?;
        let tsize = uint(&src, f[14], "tSize", "psl-integer")?;
        let tstart = uint(&src, f[15], "tStart", "psl-integer")?;
        let tend = uint(&src, f[16], "tEnd", "psl-integer")?;
        let count = uint(&src, f[17], "blockCount", "psl-integer")?;
        uint_list(&src, f[18], "blockSizes", "psl-integer", &mut sizes)?;
        uint_list(&src, f[19], "qStarts", "psl-integer", &mut qstarts)?;
        uint_list(&src, f[20], "tStarts", "psl-integer", &mut tstarts)?;
        if !(qstart <= qend && qend <= qsize) {
            return Err(src.err(
                "psl-coordinates",
                format!("query range {qstart}-{qend} does not satisfy qStart <= qEnd <= qSize ({qsize})"),
            ));
        }
        if !(tstart <= tend && tend <= tsize) {
            return Err(src.err(
                "psl-coordinates",
                format!("target range {tstart}-{tend} does not satisfy tStart <= tEnd <= tSize ({tsize})"),
            ));
        }
        check_length(&src, opts, f[13], tend, "psl-coordinates")?;
        if sizes.len() as u64 != count
            || qstarts.len() as u64 != count
            || tstarts.len() as u64 != count
        {
            return Err(src.err(
                "psl-blocks",
                format!(
                    "blockCount is {count} but blockSizes has {}, qStarts {} and tStarts {} entries; the lists need one entry per block",
                    sizes.len(),
                    qstarts.len(),
                    tstarts.len()
                ),
            ));
        }
        // Block starts are on the strand given: convert the item's range
        // to that strand's coordinates to check them.
        let (ntstart, ntend) = if tminus {
            (tsize - tend, tsize - tstart)
        } else {
            (tstart, tend)
        };
        let (nqstart, nqend) = if qstrand == Strand::Minus {
            (qsize - qend, qsize - qstart)
        } else {
            (qstart, qend)
        };
        // Protein or translated alignments count block sizes in amino
        // acids: 3 bases each on a translated side.
        let mt = [1u64, 3]
            .into_iter()
            .find(|&m| blocks_fit(&tstarts, &sizes, m, ntstart, ntend));
        let mq = [1u64, 3]
            .into_iter()
            .find(|&m| blocks_fit(&qstarts, &sizes, m, nqstart, nqend));
        let Some(mt) = mt else {
            return Err(src.err(
                "psl-blocks",
                format!("the target blocks (tStarts + blockSizes) overlap, are not ascending, or fall outside {ntstart}-{ntend}"),
            ));
        };
        if mq.is_none() {
            return Err(src.err(
                "psl-blocks",
                format!("the query blocks (qStarts + blockSizes) overlap, are not ascending, or fall outside {nqstart}-{nqend}"),
            ));
        }
        blocks_buf.clear();
        if opts.expand_blocks {
            for (&b, &s) in tstarts.iter().zip(&sizes) {
                let e = b + s * mt;
                blocks_buf.push(if tminus {
                    (tsize - e, tsize - b)
                } else {
                    (b, e)
                });
            }
            if tminus {
                blocks_buf.reverse();
            }
        }
        let tstrand = if sb.len() == 2 { &strand_f[1..] } else { "." };
        let extras = [
            f[9], f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], tstrand, f[10], f[11], f[12],
            f[14], f[17], f[18], f[19], f[20],
        ];
        sink.push(
            &mut track,
            f[13],
            tstart,
            tend,
            qstrand,
            f[9],
            &extras,
            &blocks_buf,
        );
    }
    Ok(track)
}

fn blocks_fit(starts: &[u64], sizes: &[u64], m: u64, lo: u64, hi: u64) -> bool {
    let mut prev = lo;
    for (&b, &s) in starts.iter().zip(sizes) {
        let Some(e) = s.checked_mul(m).and_then(|x| x.checked_add(b)) else {
            return false;
        };
        if b < prev || e > hi {
            return false;
        }
        prev = e;
    }
    true
}

/// Write PSL (the items of `track`; block elements are skipped).
pub(crate) fn write<W: Write>(
    track: &Track,
    out: &mut W,
    _opts: &WriteOptions,
) -> Result<(), Error> {
    let io = |e| Error::io("-", e);
    let header: Vec<&str> = track
        .metadata
        .iter()
        .filter(|(k, _)| k == META_HEADER)
        .map(|(_, v)| v.as_str())
        .collect();
    if !header.is_empty() {
        let mut it = header.iter();
        if let Some(v) = it.next() {
            writeln!(out, "{v}\n").map_err(io)?;
        }
        for v in it {
            writeln!(out, "{v}").map_err(io)?;
        }
    }
    super::write_header_lines(track, out).map_err(io)?;
    let fields = Fields::new(track);
    for s in &track.seqs {
        for i in 0..s.len() {
            if blocks::is_block(s, i) {
                continue;
            }
            let (start, end) = (s.starts[i], s.ends[i]);
            let len = end.saturating_sub(start);
            let g = |name: &str| fields.get(s, i, name);
            let strand = match s.strands.as_ref().map(|st| st[i]) {
                Some(Strand::Minus) => "-",
                _ => "+",
            };
            let tstrand = g("tstrand")
                .filter(|t| *t == "+" || *t == "-")
                .unwrap_or("");
            let name = g("name")
                .or_else(|| s.ids.as_ref().and_then(|ids| ids.get(i)))
                .unwrap_or(".");
            let lens = len.to_string();
            let (bs, ts) = blocks::single_block(start, end);
            let qs = "0,".to_string();
            let tsize = g("tsize")
                .map(str::to_string)
                .unwrap_or_else(|| end.to_string());
            let row = [
                g("matches").unwrap_or("0"),
                g("mismatches").unwrap_or("0"),
                g("repmatches").unwrap_or("0"),
                g("ncount").unwrap_or("0"),
                g("qnuminsert").unwrap_or("0"),
                g("qbaseinsert").unwrap_or("0"),
                g("tnuminsert").unwrap_or("0"),
                g("tbaseinsert").unwrap_or("0"),
            ];
            for x in row {
                write!(out, "{x}\t").map_err(io)?;
            }
            writeln!(
                out,
                "{strand}{tstrand}\t{name}\t{}\t{}\t{}\t{}\t{}\t{start}\t{end}\t{}\t{}\t{}\t{}",
                g("qsize").unwrap_or(&lens),
                g("qstart").unwrap_or("0"),
                g("qend").unwrap_or(&lens),
                s.seqid,
                tsize,
                g("blockcount").unwrap_or("1"),
                g("blocksizes").unwrap_or(&bs),
                g("qstarts").unwrap_or(&qs),
                g("tstarts").unwrap_or(&ts),
            )
            .map_err(io)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rd(text: &str, expand: bool) -> Result<Track, Error> {
        let opts = ReadOptions {
            expand_blocks: expand,
            ..Default::default()
        };
        read(Source::new(text.as_bytes(), "t.psl"), &opts)
    }

    const LINE: &str = "59\t9\t0\t0\t1\t823\t1\t96\t+-\tFS_CONTIG_48080_1\t1955\t171\t1062\tchr22\t47748585\t13073589\t13073753\t2\t48,20,\t171,1042,\t34674832,34674976,\n";

    #[test]
    fn test_read_translated_minus_target() {
        let t = rd(LINE, false).unwrap();
        assert_eq!(t.seqs[0].starts, vec![13073589]);
        assert_eq!(t.seqs[0].extras[9].get(0), Some("-"));
        let t = rd(LINE, true).unwrap();
        let s = &t.seqs[0];
        assert_eq!(s.starts, vec![13073589, 13073589, 13073705]);
        assert_eq!(s.ends, vec![13073753, 13073609, 13073753]);
        assert_eq!(s.ids.as_ref().unwrap().get(1), Some("FS_CONTIG_48080_1.1"));
    }

    #[test]
    fn test_blocks_fit() {
        assert!(blocks_fit(&[0, 10], &[5, 5], 1, 0, 15));
        assert!(!blocks_fit(&[0, 3], &[5, 5], 1, 0, 15));
        assert!(blocks_fit(&[0, 30], &[10, 5], 3, 0, 45));
    }
}
