//! UCSC formats: PSL, genePred, genePredExt, refFlat, interact,
//! long-range, BEDPE, MAF. Fixtures in `tests/data/ucsc/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gtrack_core::{Strand, Track, TrackType};
use gtrack_formats::format::{self, Format, ReadOptions, WriteOptions};
use gtrack_formats::{gtrack, ucsc, Error};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ucsc")
        .join(name)
}

fn opts(expand: bool) -> ReadOptions {
    ReadOptions {
        expand_blocks: expand,
        ..Default::default()
    }
}

fn read_file(name: &str, f: Format, expand: bool) -> Track {
    let p = data(name);
    format::read_path(p.to_str().unwrap(), Some(f), &opts(expand))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .1
}

fn read_text(text: &str, f: Format, expand: bool) -> Result<Track, Error> {
    format::read(text.as_bytes(), "mem", f, &opts(expand))
}

fn write_text(t: &Track, f: Format) -> String {
    let mut out = Vec::new();
    format::write(t, &mut out, f, &WriteOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

fn ids(t: &Track) -> Vec<String> {
    t.seqs
        .iter()
        .flat_map(|s| {
            s.ids
                .as_ref()
                .unwrap()
                .iter()
                .map(|x| x.unwrap().to_string())
        })
        .collect()
}

fn extra<'a>(t: &'a Track, seq: usize, col: &str, i: usize) -> &'a str {
    let c = t
        .schema
        .columns
        .extra
        .iter()
        .position(|x| x == col)
        .unwrap_or_else(|| panic!("no column {col}"));
    t.seqs[seq].extras[c].get(i).unwrap()
}

/// F → Track → GTrack → Track and F → Track → F → Track.
fn round_trips(name: &str, f: Format, expand: bool) -> Track {
    let t = read_file(name, f, expand);
    assert!(
        format::losses(&t, f).unwrap().is_empty(),
        "{name}: {:?}",
        format::losses(&t, f)
    );
    let g = gtrack::write_string(&t, &gtrack::WriteOptions::default());
    let back = gtrack::read_str(&g, "rt.gtrack")
        .unwrap_or_else(|d| panic!("{name}: {d:?}\n{g}"))
        .track;
    assert!(t.same(&back), "{name}: GTrack round trip differs\n{g}");
    let text = write_text(&t, f);
    let again = read_text(&text, f, expand).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
    assert!(
        t.same(&again),
        "{name}: {f} round trip differs\n{text}\n{t:?}\n{again:?}"
    );
    // Writing the re-read track gives the same text (a fixed point).
    assert_eq!(write_text(&again, f), text, "{name}");
    t
}

// ---------------------------------------------------------------- PSL

#[test]
fn psl_faq_example() {
    let t = round_trips("faq.psl", Format::Psl, false);
    assert_eq!(t.track_type(), TrackType::Segments);
    assert_eq!(t.len(), 3);
    let s = &t.seqs[0];
    assert_eq!(s.seqid, "chr22");
    assert_eq!(s.starts, vec![13073589, 13073626, 13073727]);
    assert_eq!(s.ends, vec![13073753, 13073747, 13073848]);
    assert_eq!(
        s.strands.as_ref().unwrap(),
        &vec![Strand::Plus, Strand::Plus, Strand::Minus]
    );
    assert_eq!(extra(&t, 0, "name", 0), "FS_CONTIG_48080_1");
    assert_eq!(extra(&t, 0, "tstrand", 0), "-");
    assert_eq!(extra(&t, 0, "tstrand", 2), "+");
    assert_eq!(extra(&t, 0, "blocksizes", 0), "48,20,");
    assert_eq!(
        t.metadata
            .iter()
            .filter(|(k, _)| k == ucsc::META_BROWSER)
            .count(),
        2
    );
    assert_eq!(
        t.metadata
            .iter()
            .filter(|(k, _)| k == ucsc::META_TRACK)
            .count(),
        1
    );
}

#[test]
fn psl_faq_example_expanded() {
    let t = round_trips("faq.psl", Format::Psl, true);
    assert_eq!(t.track_type(), TrackType::LinkedSegments);
    assert_eq!(t.len(), 9);
    let s = &t.seqs[0];
    // The second alignment's blocks, on the minus target strand, in
    // plus-strand coordinates.
    assert_eq!(
        ids(&t)[3..6],
        [
            "FS_CONTIG_26780_1",
            "FS_CONTIG_26780_1.1",
            "FS_CONTIG_26780_1.2"
        ]
    );
    assert_eq!((s.starts[4], s.ends[4]), (13073626, 13073671));
    assert_eq!((s.starts[5], s.ends[5]), (13073726, 13073747));
    // A repeated name gets a unique id.
    assert_eq!(ids(&t)[6], "FS_CONTIG_26780_1~2");
    let e = s.edges.as_ref().unwrap();
    assert_eq!(e.range(3).len(), 0);
    let r = e.range(4);
    assert_eq!(
        r.map(|k| e.target(k).to_string()).collect::<Vec<_>>(),
        ["FS_CONTIG_26780_1", "FS_CONTIG_26780_1.2"]
    );
}

#[test]
fn psl_layout_header() {
    let t = round_trips("layout.psl", Format::Psl, false);
    assert_eq!(t.len(), 3);
    assert_eq!(
        t.metadata
            .iter()
            .filter(|(k, _)| k == ucsc::psl::META_HEADER)
            .count(),
        4
    );
    let text = write_text(&t, Format::Psl);
    assert!(text.starts_with("psLayout version 3\n\nmatch"));
    // The file is reproduced exactly (tabs, header and all).
    assert_eq!(text, std::fs::read_to_string(data("layout.psl")).unwrap());
    let t = round_trips("layout.psl", Format::Psl, true);
    assert_eq!(t.len(), 3 + 5);
    assert_eq!(
        format::by_content(b"psLayout version 3\n"),
        Some(Format::Psl)
    );
}

// ------------------------------------------------------------ genePred

#[test]
fn genepred_faq_example() {
    let t = round_trips("faq.genepred", Format::GenePred, false);
    assert_eq!(t.track_type(), TrackType::Segments);
    assert_eq!(t.schema.columns.extra.len(), 6);
    assert_eq!(t.seqs.len(), 2);
    assert_eq!(t.seqs[0].starts, vec![11873, 11873]);
    assert_eq!(t.seqs[1].strands.as_ref().unwrap()[0], Strand::Minus);
    assert_eq!(extra(&t, 1, "cdsstart", 0), "9221335");
    let t = round_trips("faq.genepred", Format::GenePred, true);
    assert_eq!(t.len(), 3 * 4);
    assert_eq!(
        ids(&t)[..4],
        ["uc001aaa.3", "uc001aaa.3.1", "uc001aaa.3.2", "uc001aaa.3.3"]
    );
    let s = &t.seqs[0];
    assert_eq!((s.starts[2], s.ends[2]), (12612, 12721));
    assert_eq!(extra(&t, 0, "name", 2), ".");
}

#[test]
fn genepredext_faq_example() {
    let t = round_trips("faq.genepredext", Format::GenePredExt, false);
    assert_eq!(t.schema.columns.extra, ucsc::genepred::COLUMNS);
    assert_eq!(extra(&t, 0, "name2", 0), "DDX11L1");
    assert_eq!(extra(&t, 1, "exonframes", 0), "2,0,0,");
    round_trips("faq.genepredext", Format::GenePredExt, true);
}

#[test]
fn refflat_example() {
    let t = round_trips("faq.refflat", Format::RefFlat, false);
    assert_eq!(t.schema.columns.extra[0], "genename");
    assert_eq!(extra(&t, 0, "genename", 0), "DDX11L1");
    assert_eq!(extra(&t, 0, "name", 0), "uc001aaa.3");
    assert_eq!(t.seqs.len(), 3);
    let t = round_trips("faq.refflat", Format::RefFlat, true);
    // Same transcript name on two sequences: unique ids.
    assert!(ids(&t).contains(&"NM_000014~2".to_string()));
}

#[test]
fn genepred_as_other_flavours() {
    // genePredExt → genePred loses the ext columns; genePred →
    // refFlat fills geneName from the name.
    let t = read_file("faq.genepredext", Format::GenePredExt, false);
    let l = format::losses(&t, Format::GenePred).unwrap();
    assert!(l.iter().any(|x| x.contains("name2")), "{l:?}");
    let t = read_file("faq.genepred", Format::GenePred, false);
    let l = format::losses(&t, Format::RefFlat).unwrap();
    assert!(l.iter().any(|x| x.contains("genename")), "{l:?}");
    let text = write_text(&t, Format::RefFlat);
    assert!(text.contains("uc001aaa.3\tuc001aaa.3\tchr1\t+\t11873"));
    // PSL from genePred, and genePred from PSL, are written with defaults.
    let p = write_text(&t, Format::Psl);
    read_text(&p, Format::Psl, false).unwrap();
    let psl = read_file("faq.psl", Format::Psl, false);
    let g = write_text(&psl, Format::GenePred);
    let back = read_text(&g, Format::GenePred, false).unwrap();
    assert_eq!(back.len(), 3);
}

// ------------------------------------------------------- interactions

fn edge_set(t: &Track) -> BTreeSet<(String, String, String)> {
    let mut set = BTreeSet::new();
    for s in &t.seqs {
        let e = s.edges.as_ref().unwrap();
        for i in 0..s.len() {
            let id = s.ids.as_ref().unwrap().get(i).unwrap();
            for k in e.range(i) {
                let w = e
                    .weights()
                    .map(|w| format!("{:?}", w.get(k)))
                    .unwrap_or_default();
                set.insert((id.to_string(), e.target(k).to_string(), w));
            }
        }
    }
    set
}

fn is_undirected(t: &Track) -> bool {
    let mut all: Vec<(String, String, String)> = Vec::new();
    for s in &t.seqs {
        let e = s.edges.as_ref().unwrap();
        for i in 0..s.len() {
            let id = s.ids.as_ref().unwrap().get(i).unwrap();
            for k in e.range(i) {
                let w = e
                    .weights()
                    .map(|w| format!("{:?}", w.get(k)))
                    .unwrap_or_default();
                all.push((id.to_string(), e.target(k).to_string(), w));
            }
        }
    }
    let mut rev: Vec<_> = all
        .iter()
        .map(|(a, b, w)| (b.clone(), a.clone(), w.clone()))
        .collect();
    all.sort();
    rev.sort();
    all == rev
}

#[test]
fn interact_example() {
    let t = round_trips("example.interact", Format::Interact, false);
    assert_eq!(t.track_type(), TrackType::LinkedSegments);
    let spec = t.schema.edges.unwrap();
    assert!(!spec.undirected);
    assert!(spec.weights.is_some());
    // 8 distinct anchors: rs7974522, LRRK2, rs1, rs2, F2RL3, and two
    // unnamed ones on chr1 — LRRK2 is shared by three interactions.
    assert_eq!(t.len(), 7);
    let all = ids(&t);
    assert_eq!(all[0], "chr1:100-200");
    assert!(all.contains(&"chr12:40617399-40618813".to_string()));
    // rs7974522 → LRRK2 twice (two tissues): one edge (GTrack allows one
    // edge per target) weighted by the list of both values.
    let set = edge_set(&t);
    assert!(set.contains(&(
        "chr12:40579899-40579900".into(),
        "chr12:40617399-40618813".into(),
        "Number([0.2, 0.5])".into()
    )));
    assert_eq!(set.len(), 4);
    assert_eq!(
        t.schema.edges.unwrap().weights.unwrap().dim,
        gtrack_core::Dimension::List
    );
    // Per-edge fields: the exp list of rs7974522 is aligned with its edges.
    let seq = t.seqs.iter().position(|s| s.seqid == "chr12").unwrap();
    assert_eq!(extra(&t, seq, "exp", 0), "lung,liver");
    assert_eq!(extra(&t, seq, "name", 0), "rs7974522");
    // Escaped items.
    let chr3 = t.seqs.iter().position(|s| s.seqid == "chr3").unwrap();
    assert_eq!(
        extra(&t, chr3, "exp", 0),
        "adrenal%2C gland,adrenal%2C gland"
    );
    // The item region is kept when it is not the default.
    assert_eq!(extra(&t, seq, "region", 2), "chr12:40580000-40700000");
    // Targets have no out-edges in a directed track.
    assert_eq!(extra(&t, seq, "region", 1), ".");
    let chr1 = t.seqs.iter().position(|s| s.seqid == "chr1").unwrap();
    assert_eq!(extra(&t, chr1, "interaction", 0), "%00");
    assert_eq!(extra(&t, chr1, "exp", 0), "%25odd");
}

#[test]
fn interact_set_is_order_independent() {
    let text = std::fs::read_to_string(data("example.interact")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let head = lines.remove(0);
    lines.reverse();
    let shuffled = format!("{head}\n{}\n", lines.join("\n"));
    let a = read_file("example.interact", Format::Interact, false);
    let b = read_text(&shuffled, Format::Interact, false).unwrap();
    assert!(a.same(&b));
}

#[test]
fn longrange_example() {
    let t = round_trips("example.longrange", Format::LongRange, false);
    let spec = t.schema.edges.unwrap();
    assert!(spec.undirected);
    assert!(is_undirected(&t));
    // Anchors: chr1:713605-715737, chr1:720589-722848, chr2:100-200, chr10:50-60.
    assert_eq!(
        ids(&t),
        [
            "chr1:713605-715737",
            "chr1:720589-722848",
            "chr2:100-200",
            "chr10:50-60"
        ]
    );
    // Identical anchors merged: the first anchor has two edges.
    assert_eq!(t.seqs[0].edges.as_ref().unwrap().range(0).len(), 2);
    // One line per pair gives the same track as both directions.
    let one = read_file("oneway.longrange", Format::LongRange, false);
    assert!(t.same(&one));
    // Self-interaction: one edge, its own mirror.
    assert_eq!(t.seqs[2].edges.as_ref().unwrap().range(0).len(), 1);
}

#[test]
fn bedpe_example() {
    let t = round_trips("example.bedpe", Format::Bedpe, false);
    assert!(t.schema.edges.unwrap().undirected);
    assert!(is_undirected(&t));
    assert_eq!(t.schema.columns.extra, ["name"]);
    assert!(t.schema.columns.strand);
    // chr1:100-200 appears in lines 1 and 4 with different strands: two
    // anchors; chr9:3000-3800(-) in lines 2, 3 and 4: one.
    let all = ids(&t);
    assert_eq!(all[..2], ["chr1:100-200", "chr1:100-200~2"]);
    assert_eq!(t.len(), 5);
    // Duplicate interactions between the same anchors are two edges.
    let chr9 = t.seqs.iter().position(|s| s.seqid == "chr9").unwrap();
    assert_eq!(extra(&t, chr9, "name", 0), "bedpe_example2,dup");
    // A score-less interaction in list mode: the empty list.
    let chr1 = &t.seqs[0];
    let e = chr1.edges.as_ref().unwrap();
    assert_eq!(format!("{:?}", e.weights().unwrap().get(1)), "Number([])");
    let t = round_trips("extra.bedpe", Format::Bedpe, false);
    assert_eq!(t.schema.columns.extra, ["name", "field11", "field12"]);
    let t = round_trips("six.bedpe", Format::Bedpe, false);
    assert_eq!(t.len(), 2);
    // Two records between the same mates (BEDPE is undirected): one edge
    // each way, holding two score-less interactions.
    let w = t.seqs[0].edges.as_ref().unwrap().weights().unwrap().get(0);
    assert_eq!(w.len(), 2);
    assert_eq!(write_text(&t, Format::Bedpe).lines().count(), 2);
    let t = read_text("chr1\t1\t2\tchr1\t5\t6\n", Format::Bedpe, false).unwrap();
    assert!(t.schema.edges.unwrap().weights.is_none());
}

#[test]
fn interactions_between_formats() {
    let t = read_file("example.bedpe", Format::Bedpe, false);
    let l = format::losses(&t, Format::LongRange).unwrap();
    assert!(l.iter().any(|x| x.contains("strands")), "{l:?}");
    let l = format::losses(&t, Format::Interact).unwrap();
    assert!(l.iter().any(|x| x.contains("undirected")), "{l:?}");
    let t = read_file("example.interact", Format::Interact, false);
    let l = format::losses(&t, Format::Bedpe).unwrap();
    assert!(l.iter().any(|x| x.contains("direction")), "{l:?}");
    let lr = write_text(
        &read_file("example.longrange", Format::LongRange, false),
        Format::Bedpe,
    );
    let back = read_text(&lr, Format::Bedpe, false).unwrap();
    assert_eq!(back.len(), 4);
    let segs = read_file("faq.genepred", Format::GenePred, false);
    assert!(matches!(
        format::losses(&segs, Format::Interact),
        Err(Error::Unsupported { .. })
    ));
}

// ---------------------------------------------------------------- MAF

#[test]
fn maf_faq_example() {
    let t = round_trips("faq.maf", Format::Maf, false);
    assert_eq!(t.track_type(), TrackType::LinkedSegments);
    assert_eq!(t.len(), 14);
    let hg = t.seqs.iter().find(|s| s.seqid == "chr7").unwrap();
    assert_eq!(hg.genome.as_deref(), Some("hg18"));
    assert_eq!(hg.starts, vec![27578828, 27699739, 27707221]);
    assert_eq!(hg.ends, vec![27578866, 27699745, 27707234]);
    let baboon = t.seqs.iter().find(|s| s.seqid == "baboon").unwrap();
    assert_eq!(baboon.genome, None);
    let e = hg.edges.as_ref().unwrap();
    assert_eq!(e.range(0).len(), 4);
    assert_eq!(e.target(0), "1.panTro1.chr6");
    assert_eq!(
        format!("{:?}", e.weights().unwrap().get(0)),
        "Number([23262.0])"
    );
    assert!(is_undirected(&t));
    assert_eq!(extra(&t, 0, "block", 0), "a score=23262.0");
    assert_eq!(extra(&t, 0, "text", 1), "TAAAGA");
    assert_eq!(
        t.metadata[0],
        ("maf".into(), "maf version=1 scoring=tba.v8".into())
    );
    assert_eq!(format::by_content(b"##maf version=1\n"), Some(Format::Maf));
}

#[test]
fn maf_info_empty_quality_lines() {
    let t = round_trips("ieq.maf", Format::Maf, false);
    assert_eq!(t.len(), 6);
    let lox = t.seqs.iter().find(|s| s.seqid == "scaffold_75566").unwrap();
    // Minus strand converted: 34316 - 26813 - 25.
    assert_eq!((lox.starts[0], lox.ends[0]), (7478, 7503));
    assert_eq!(lox.strands.as_ref().unwrap()[0], Strand::Minus);
    let mm = t.seqs.iter().find(|s| s.seqid == "chr7").unwrap();
    let si = t.seqs.iter().position(|s| s.seqid == "chr7").unwrap();
    assert_eq!(mm.starts[0], 145134094 - 26121184 - 19);
    assert_eq!(extra(&t, si, "status", 0), "I");
    assert_eq!(extra(&t, si, "text", 0), ".");
    let pan = t.seqs.iter().position(|s| s.seqid == "chrUn").unwrap();
    assert_eq!(extra(&t, pan, "info", 0), "C 9 C 0");
    assert_eq!(extra(&t, pan, "quality", 0), "99999999999999999999999999");
    // A block without score: missing edge weights; a single row: no edges.
    let hg = t.seqs.iter().position(|s| s.seqid == "chr1").unwrap();
    assert_eq!(extra(&t, hg, "block", 1), "a");
    assert!(t.seqs[hg].edges.as_ref().unwrap().range(1).is_empty());
}

#[test]
fn maf_needs_text() {
    let t = read_file("faq.psl", Format::Psl, false);
    assert!(matches!(
        format::losses(&t, Format::Maf),
        Err(Error::Unsupported { .. })
    ));
}

// --------------------------------------------------- invalid fixtures

const BAD: &[(&str, Format, u64, &str)] = &[
    ("ucsc-encoding.psl", Format::Psl, 1, "ucsc-encoding"),
    ("psl-header.psl", Format::Psl, 3, "psl-header"),
    ("psl-columns.psl", Format::Psl, 2, "psl-columns"),
    ("psl-integer.psl", Format::Psl, 2, "psl-integer"),
    ("psl-strand.psl", Format::Psl, 1, "psl-strand"),
    ("psl-coordinates.psl", Format::Psl, 2, "psl-coordinates"),
    ("psl-blocks.psl", Format::Psl, 1, "psl-blocks"),
    ("psl-blocks-overlap.psl", Format::Psl, 1, "psl-blocks"),
    (
        "genepred-columns.genepred",
        Format::GenePred,
        2,
        "genepred-columns",
    ),
    (
        "genepred-integer.genepred",
        Format::GenePred,
        1,
        "genepred-integer",
    ),
    (
        "genepred-integer-list.genepred",
        Format::GenePred,
        1,
        "genepred-integer",
    ),
    (
        "genepred-strand.genepred",
        Format::GenePred,
        2,
        "genepred-strand",
    ),
    (
        "genepred-coordinates.genepred",
        Format::GenePred,
        1,
        "genepred-coordinates",
    ),
    (
        "genepred-exons.genepred",
        Format::GenePred,
        2,
        "genepred-exons",
    ),
    (
        "genepred-exons-order.genepred",
        Format::GenePred,
        1,
        "genepred-exons",
    ),
    (
        "genepred-frames.genepredext",
        Format::GenePredExt,
        1,
        "genepred-frames",
    ),
    (
        "genepred-status.genepredext",
        Format::GenePredExt,
        1,
        "genepred-frames",
    ),
    (
        "interact-columns.interact",
        Format::Interact,
        1,
        "interact-columns",
    ),
    (
        "interact-integer.interact",
        Format::Interact,
        1,
        "interact-integer",
    ),
    (
        "interact-coordinates.interact",
        Format::Interact,
        2,
        "interact-coordinates",
    ),
    (
        "interact-value.interact",
        Format::Interact,
        1,
        "interact-value",
    ),
    (
        "interact-strand.interact",
        Format::Interact,
        1,
        "interact-strand",
    ),
    (
        "longrange-columns.longrange",
        Format::LongRange,
        1,
        "longrange-columns",
    ),
    (
        "longrange-integer.longrange",
        Format::LongRange,
        1,
        "longrange-integer",
    ),
    (
        "longrange-coordinates.longrange",
        Format::LongRange,
        1,
        "longrange-coordinates",
    ),
    (
        "longrange-empty-chrom.longrange",
        Format::LongRange,
        2,
        "longrange-coordinates",
    ),
    (
        "longrange-partner.longrange",
        Format::LongRange,
        1,
        "longrange-partner",
    ),
    (
        "longrange-score.longrange",
        Format::LongRange,
        1,
        "longrange-score",
    ),
    ("bedpe-columns.bedpe", Format::Bedpe, 2, "bedpe-columns"),
    ("bedpe-integer.bedpe", Format::Bedpe, 1, "bedpe-integer"),
    (
        "bedpe-coordinates.bedpe",
        Format::Bedpe,
        1,
        "bedpe-coordinates",
    ),
    ("bedpe-score.bedpe", Format::Bedpe, 1, "bedpe-score"),
    ("bedpe-strand.bedpe", Format::Bedpe, 1, "bedpe-strand"),
    ("maf-header.maf", Format::Maf, 1, "maf-header"),
    ("maf-line.maf", Format::Maf, 2, "maf-line"),
    ("maf-line-i.maf", Format::Maf, 4, "maf-line"),
    ("maf-fields.maf", Format::Maf, 3, "maf-fields"),
    ("maf-fields-a.maf", Format::Maf, 2, "maf-fields"),
    ("maf-integer.maf", Format::Maf, 3, "maf-integer"),
    ("maf-strand.maf", Format::Maf, 3, "maf-strand"),
    ("maf-coordinates.maf", Format::Maf, 3, "maf-coordinates"),
    ("maf-size.maf", Format::Maf, 3, "maf-size"),
    ("maf-text-length.maf", Format::Maf, 4, "maf-text-length"),
];

#[test]
fn invalid_fixtures_name_file_line_rule() {
    for &(name, f, line, rule) in BAD {
        let p = data(&format!("bad/{name}"));
        let path = p.to_str().unwrap();
        for expand in [false, true] {
            match format::read_path(path, Some(f), &opts(expand)) {
                Err(Error::Format(e)) => {
                    assert_eq!(e.path, path, "{name}");
                    assert_eq!((e.line, e.rule), (line, rule), "{name}: {e}");
                    let shown = e.to_string();
                    assert!(
                        shown.starts_with(&format!("{path}:{line}: {rule}: ")),
                        "{shown}"
                    );
                }
                Err(e) => panic!("{name}: unexpected error {e}"),
                Ok(_) => panic!("{name}: accepted"),
            }
        }
    }
}

#[test]
fn every_rule_is_tested() {
    for r in ucsc::RULES {
        assert!(
            BAD.iter().any(|&(_, _, _, rule)| rule == r.id),
            "rule {} has no invalid fixture",
            r.id
        );
    }
    for &(_, _, _, rule) in BAD {
        assert!(
            ucsc::RULES.iter().any(|r| r.id == rule),
            "{rule} not in RULES"
        );
    }
}

#[test]
fn genome_lengths_are_checked() {
    let g = gtrack_core::Genome::new("tiny", vec![("chr1".into(), 5200)]).unwrap();
    let o = ReadOptions {
        genome: Some(g),
        ..Default::default()
    };
    let p = data("layout.psl");
    match format::read_path(p.to_str().unwrap(), Some(Format::Psl), &o) {
        Err(Error::Format(e)) => assert_eq!((e.line, e.rule), (6, "psl-coordinates")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn never_panics_on_truncated_lines() {
    for name in [
        "faq.psl",
        "layout.psl",
        "faq.genepredext",
        "faq.refflat",
        "example.interact",
        "example.longrange",
        "example.bedpe",
        "faq.maf",
        "ieq.maf",
    ] {
        let text = std::fs::read_to_string(data(name)).unwrap();
        let f = format::by_extension(name).unwrap();
        for cut in (0..text.len()).step_by(7) {
            if !text.is_char_boundary(cut) {
                continue;
            }
            let _ = read_text(&text[..cut], f, cut % 2 == 0);
        }
    }
}

#[test]
fn gzip_input() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.genepred.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&p).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(&std::fs::read(data("faq.genepred")).unwrap())
        .unwrap();
    gz.finish().unwrap();
    let (f, t) = format::read_path(p.to_str().unwrap(), None, &ReadOptions::default()).unwrap();
    assert_eq!(f, Format::GenePred);
    assert!(t.same(&read_file("faq.genepred", Format::GenePred, false)));
}

#[test]
fn write_path_is_atomic_and_checks_losses() {
    let dir = tempfile::tempdir().unwrap();
    let t = read_file("example.interact", Format::Interact, false);
    let out = dir.path().join("o.interact");
    format::write_path(
        &t,
        out.to_str().unwrap(),
        Format::Interact,
        &WriteOptions::default(),
    )
    .unwrap();
    let back = format::read_path(out.to_str().unwrap(), None, &ReadOptions::default())
        .unwrap()
        .1;
    assert!(t.same(&back));
    let err = format::write_path(
        &t,
        dir.path().join("o.longrange").to_str().unwrap(),
        Format::LongRange,
        &WriteOptions::default(),
    );
    assert!(matches!(err, Err(Error::Lossy { .. })));
}

#[test]
fn speed_note() {
    // A quick throughput figure (debug builds are slow; informative only).
    let line = "uc001aaa.3\tchr1\t+\t11873\t14409\t11873\t11873\t3\t11873,12612,13220,\t12227,12721,14409,\n";
    let text = line.repeat(20_000);
    let t0 = std::time::Instant::now();
    let t = read_text(&text, Format::GenePred, false).unwrap();
    let dt = t0.elapsed().as_secs_f64();
    assert_eq!(t.len(), 20_000);
    println!(
        "genePred: {:.1} MB/s ({} bytes)",
        text.len() as f64 / dt / 1e6,
        text.len()
    );
}

#[test]
fn gtrack_linked_track_as_interactions() {
    // A hand-written GTrack linked track (undirected, weighted) written as
    // BEDPE and long-range, and read back: the same pairs and weights.
    let g = "##track type: linked segments\n##undirected edges: true\n##edge weights: true\n\
             ###seqid\tstart\tend\tid\tedges\n\
             chr1\t10\t20\ta\tb=2;c=3\n\
             chr1\t30\t40\tb\ta=2\n\
             chr2\t5\t9\tc\ta=3\n";
    let t = gtrack::read_str(g, "g.gtrack").unwrap().track;
    for f in [Format::Bedpe, Format::LongRange] {
        assert!(format::losses(&t, f).unwrap().is_empty(), "{f}");
        let text = write_text(&t, f);
        let back = read_text(&text, f, false).unwrap();
        let pairs: BTreeSet<_> = edge_set(&back).into_iter().collect();
        assert_eq!(pairs.len(), 4, "{f}: {text}");
        assert!(pairs.contains(&(
            "chr1:10-20".into(),
            "chr2:5-9".into(),
            "Number([3.0])".into()
        )));
    }
    // As interact: each undirected pair once, source → target.
    let l = format::losses(&t, Format::Interact).unwrap();
    assert_eq!(l.len(), 1, "{l:?}");
    let text = write_text(&t, Format::Interact);
    assert_eq!(text.lines().count(), 2);
    let back = read_text(&text, Format::Interact, false).unwrap();
    assert_eq!(edge_set(&back).len(), 2);
    // A directed track loses its directions in BEDPE.
    let d = g
        .replace("##undirected edges: true\n", "")
        .replace("a=2", ".");
    let t = gtrack::read_str(&d, "d.gtrack").unwrap().track;
    let l = format::losses(&t, Format::Bedpe).unwrap();
    assert!(l.iter().any(|x| x.contains("direction")), "{l:?}");
    // Points and dense tracks cannot be interactions.
    let p = gtrack::read_str(
        "##track type: points\n###seqid\tstart\nchr1\t5\n",
        "p.gtrack",
    )
    .unwrap()
    .track;
    assert!(matches!(
        format::losses(&p, Format::Bedpe),
        Err(Error::Unsupported { .. })
    ));
    assert!(matches!(
        format::losses(&p, Format::Psl),
        Err(Error::Unsupported { .. })
    ));
}

/// Nine BEDPE columns carry strand1 only: a mate 1 that sorts after its
/// mate 2 keeps its strand (fuzz finding F18).
#[test]
fn bedpe_nine_columns_keep_strand1_whatever_the_mate_order() {
    let text =
        "chr5\t100\t200\tchr1\t300\t400\tpair1\t3\t-\nchr1\t10\t20\tchr2\t30\t40\tpair2\t5\t+\n";
    let t = read_text(text, Format::Bedpe, false).unwrap();
    let out = write_text(&t, Format::Bedpe);
    assert!(
        out.contains("chr5\t100\t200\tchr1\t300\t400\tpair1\t3\t-\n"),
        "{out}"
    );
    let back = read_text(&out, Format::Bedpe, false).unwrap();
    assert!(back.same(&t));
}

#[test]
fn bedpe_text_with_line_breaks_is_a_named_loss_and_written_as_spaces() {
    // Fuzz finding F32: the last column ends in a carriage return (kept
    // by the reader because a trailing tab follows it). Written back as it
    // is, the line would end in "\r\n" and the reader would strip the CR.
    let text = "chr1\t10\t20\tchr2\t30\t40\tp1\t5\t+\t-\tnote\r\t\n";
    let t = read_text(text, Format::Bedpe, false).unwrap();
    assert_eq!(extra(&t, 0, "field11", 0), "note\r");
    let lost = format::losses(&t, Format::Bedpe).unwrap();
    assert!(
        lost.iter()
            .any(|l| l.contains("line breaks in text columns")),
        "{lost:?}"
    );
    let out = write_text(&t, Format::Bedpe);
    assert!(out.ends_with("\tnote \n"), "{out:?}");
    let back = read_text(&out, Format::Bedpe, false).unwrap();
    assert_eq!(back.len(), t.len());
}
