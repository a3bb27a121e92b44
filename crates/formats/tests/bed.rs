//! BED family: FAQ examples, invalid inputs (file, line, rule), the
//! mapping against the bundled GTrack subtypes, real files, round trips,
//! writing from other track types, gzip input and the bedtools oracle.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use gtrack_core::{
    ColumnData, Dimension, Genome, Strand, Track, TrackSchema, TrackType, ValueBuf, ValueSpec,
    ValueType,
};
use gtrack_formats::format::{self, by_extension};
use gtrack_formats::{bed, gtrack, Error, Format, ReadOptions, WriteOptions};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/bed")
        .join(name)
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn read_file(path: &Path, opts: &ReadOptions) -> Result<(Format, Track), Error> {
    format::read_path(path.to_str().unwrap(), None, opts)
}

fn read_ok(name: &str) -> (Format, Track) {
    read_file(&data(name), &ReadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read_str(text: &str, f: Format) -> Track {
    bed::read(text.as_bytes(), "mem", f, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn numbers(t: &Track, seq: usize) -> Vec<f64> {
    t.seqs[seq]
        .values
        .as_ref()
        .unwrap()
        .as_numbers()
        .unwrap()
        .to_vec()
}

fn extra(t: &Track, seq: usize, key: &str) -> Vec<String> {
    let k = t
        .schema
        .columns
        .extra
        .iter()
        .position(|x| x == key)
        .unwrap();
    t.seqs[seq].extras[k]
        .iter()
        .map(|x| x.unwrap_or("").to_string())
        .collect()
}

fn write_string(t: &Track, f: Format) -> String {
    let mut out = Vec::new();
    bed::write(t, &mut out, f, &WriteOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

// ---------------------------------------------------------------------
// FAQ examples and small valid fixtures.
// ---------------------------------------------------------------------

const VALID: &[(&str, Format, TrackType, usize)] = &[
    ("faq_itemrgb.bed", Format::Bed, TrackType::ValuedSegments, 9),
    (
        "faq_colorbystrand.bed",
        Format::Bed,
        TrackType::ValuedSegments,
        9,
    ),
    (
        "faq_paired_reads.bed",
        Format::Bed,
        TrackType::ValuedSegments,
        2,
    ),
    (
        "faq_hbvar.beddetail",
        Format::BedDetail,
        TrackType::Points,
        6,
    ),
    (
        "faq.narrowPeak",
        Format::NarrowPeak,
        TrackType::ValuedSegments,
        3,
    ),
    (
        "faq.broadPeak",
        Format::BroadPeak,
        TrackType::ValuedSegments,
        5,
    ),
    (
        "faq.gappedPeak",
        Format::GappedPeak,
        TrackType::ValuedSegments,
        2,
    ),
    (
        "faq.tagAlign",
        Format::TagAlign,
        TrackType::ValuedSegments,
        3,
    ),
    (
        "faq.pairedTagAlign",
        Format::PairedTagAlign,
        TrackType::ValuedSegments,
        2,
    ),
    (
        "faq.peptideMapping",
        Format::PeptideMapping,
        TrackType::ValuedSegments,
        2,
    ),
    (
        "faq.rnaElements",
        Format::RnaElements,
        TrackType::ValuedSegments,
        2,
    ),
    ("faq.pgSnp", Format::PgSnp, TrackType::ValuedSegments, 4),
    ("faq.bed15", Format::Bed15, TrackType::ValuedSegments, 2),
    ("bed3_mixed.bed", Format::Bed, TrackType::Segments, 3),
    ("unit.bed", Format::Bed, TrackType::ValuedPoints, 3),
    ("small.point.bed", Format::PointBed, TrackType::Points, 2),
    (
        "small.category.bed",
        Format::CategoryBed,
        TrackType::ValuedSegments,
        3,
    ),
    (
        "small.valued.bed",
        Format::ValuedBed,
        TrackType::ValuedSegments,
        3,
    ),
    ("bed14.bed", Format::Bed, TrackType::ValuedSegments, 2),
];

#[test]
fn valid_fixtures_read() {
    for &(name, f, tt, n) in VALID {
        let (got, t) = read_ok(name);
        assert_eq!(got, f, "{name}: detected format");
        assert_eq!(t.track_type(), tt, "{name}");
        assert_eq!(t.len(), n, "{name}");
    }
}

#[test]
fn faq_bed_headers_and_columns() {
    let (_, t) = read_ok("faq_itemrgb.bed");
    assert_eq!(
        t.metadata,
        vec![
            ("browser".into(), "position chr7:127471196-127495720".into()),
            ("browser".into(), "hide all".into()),
            (
                "track".into(),
                "name=\"ItemRGBDemo\" description=\"Item RGB demonstration\" visibility=2 itemRgb=\"On\""
                    .into()
            ),
        ]
    );
    assert_eq!(
        t.schema.columns.extra,
        vec!["name", "thickstart", "thickend", "itemrgb"]
    );
    assert!(t.schema.columns.strand);
    assert_eq!(t.seqs[0].starts[0], 127471196);
    assert_eq!(extra(&t, 0, "itemrgb")[4], "0,0,255");
    assert_eq!(t.seqs[0].strands.as_ref().unwrap()[4], Strand::Minus);

    let (_, t) = read_ok("faq_paired_reads.bed");
    assert_eq!(numbers(&t, 0), vec![960.0, 900.0]);
    assert_eq!(extra(&t, 0, "blocksizes"), vec!["567,488,", "433,399,"]);
    assert_eq!(t.schema.columns.extra.len(), 7);
}

#[test]
fn faq_other_formats() {
    let (_, t) = read_ok("faq_hbvar.beddetail");
    // BED4 + id + description; all 1 bp: points.
    assert_eq!(
        t.schema.columns.extra,
        vec!["name", "detailid", "description"]
    );
    assert_eq!(extra(&t, 0, "name")[1], "HBD c.1 G>A");
    assert_eq!(extra(&t, 0, "description")[1], "delta0 thalassemia");
    assert_eq!(extra(&t, 0, "detailid")[0], "2619");

    let (_, t) = read_ok("faq.narrowPeak");
    assert_eq!(numbers(&t, 0), vec![182.0, 91.0, 182.0]);
    assert_eq!(
        t.schema.columns.extra,
        vec!["name", "score", "pvalue", "qvalue", "peak"]
    );
    assert_eq!(t.metadata[0].0, "track");
    assert_eq!(t.metadata[1].0, "browser");

    let (_, t) = read_ok("faq.gappedPeak");
    assert_eq!(numbers(&t, 0), vec![2.08, 1.75]);

    let (_, t) = read_ok("faq.tagAlign");
    assert_eq!(t.seqids(), vec!["chr1", "chr2"]);
    assert_eq!(numbers(&t, 0), vec![1000.0, 820.0]);
    assert_eq!(t.schema.columns.extra, vec!["sequence"]);

    let (_, t) = read_ok("faq.peptideMapping");
    assert_eq!(numbers(&t, 0), vec![0.9513, 0.72]);
    let (_, t) = read_ok("faq.rnaElements");
    assert_eq!(numbers(&t, 0), vec![3.52, 1.25]);
    let (_, t) = read_ok("faq.pairedTagAlign");
    assert_eq!(numbers(&t, 0), vec![1000.0, 500.0]);

    let (_, t) = read_ok("faq.pgSnp");
    let v = t.seqs[0].values.as_ref().unwrap();
    assert_eq!(
        v.spec(),
        ValueSpec::new(ValueType::Category, Dimension::Scalar)
    );
    assert_eq!(v.get(2), ValueBuf::Category(vec![Some("-/CGG".into())]));
    assert_eq!(t.seqs[0].starts[2], t.seqs[0].ends[2]);

    let (_, t) = read_ok("faq.bed15");
    let v = t.seqs[0].values.as_ref().unwrap();
    assert_eq!(
        v.spec(),
        ValueSpec::new(ValueType::Number, Dimension::Vector)
    );
    assert_eq!(v.get(0), ValueBuf::Number(vec![0.5, -1.25, 2.0]));
    assert_eq!(v.get(1), ValueBuf::Number(vec![-0.1, 0.2, 0.3]));

    let (_, t) = read_ok("small.category.bed");
    let v = t.seqs[0].values.as_ref().unwrap();
    assert_eq!(v.get(1), ValueBuf::Category(vec![Some("Melanoma".into())]));
    assert!(v.get(2).is_missing(0));

    let (_, t) = read_ok("small.valued.bed");
    let x = numbers(&t, 0);
    assert_eq!(x[0], -14.11798);
    assert!(x[1].is_nan());
    assert_eq!(x[2], 3e-5);

    let (_, t) = read_ok("unit.bed");
    assert!(numbers(&t, 0)[0] == 5.0 && numbers(&t, 0)[1] == 7.5);
    assert!(numbers(&t, 1)[0].is_nan());

    let (_, t) = read_ok("bed14.bed");
    assert_eq!(extra(&t, 0, "column13"), vec!["x", "z"]);
    assert_eq!(extra(&t, 0, "column14"), vec!["y", "w"]);
}

// ---------------------------------------------------------------------
// Invalid inputs: path, line and rule.
// ---------------------------------------------------------------------

/// (file, line, rule, genome given)
const INVALID: &[(&str, u64, &str)] = &[
    ("columns.bed", 3, "bed-columns"),
    ("columns10.bed", 1, "bed-columns"),
    ("coordinates.bed", 2, "bed-coordinates"),
    ("start_after_end.bed", 1, "bed-start-after-end"),
    ("strand.bed", 2, "bed-strand"),
    ("score.bed", 1, "bed-score"),
    ("number.narrowPeak", 1, "bed-number"),
    ("integer.rnaElements", 1, "bed-integer"),
    ("thick.bed", 1, "bed-thick"),
    ("item_rgb.bed", 1, "bed-item-rgb"),
    ("block_count.bed", 1, "bed-block-count"),
    ("block_list.bed", 1, "bed-block-list"),
    ("blocks_first.bed", 1, "bed-blocks"),
    ("blocks_last.bed", 1, "bed-blocks"),
    ("blocks_overlap.bed", 1, "bed-blocks"),
    ("length.point.bed", 2, "bed-point-length"),
    ("tabs.beddetail", 1, "bed-detail-tabs"),
    ("exp.bed15", 1, "bed-exp"),
    ("exp_varies.bed15", 2, "bed-exp"),
    ("alleles.pgSnp", 1, "bed-alleles"),
    ("peak.narrowPeak", 1, "bed-peak"),
    ("track_line.bed", 3, "bed-track-line"),
    ("track_line_twice.bed", 2, "bed-track-line"),
    ("expand_id.bed", 2, "bed-expand-id"),
    ("genome.bed", 2, "bed-genome"),
    ("encoding.bed", 1, "text-encoding"),
];

fn invalid_opts(name: &str) -> ReadOptions {
    ReadOptions {
        genome: (name == "genome.bed")
            .then(|| Genome::new("test", vec![("chr1".into(), 1000)]).unwrap()),
        expand_blocks: name == "expand_id.bed",
    }
}

#[test]
fn invalid_fixtures_fail_with_file_line_rule() {
    for &(name, line, rule) in INVALID {
        let p = data(&format!("invalid/{name}"));
        let ps = p.to_str().unwrap();
        match read_file(&p, &invalid_opts(name)) {
            Err(Error::Format(e)) => {
                assert_eq!(e.path, ps, "{name}");
                assert_eq!((e.line, e.rule), (line, rule), "{name}: {e}");
                let shown = e.to_string();
                assert!(
                    shown.starts_with(&format!("{ps}:{line}: {rule}: ")),
                    "{shown}"
                );
                assert!(e.message.len() > 20, "{name}: message too short: {shown}");
            }
            Err(e) => panic!("{name}: wrong error kind {e}"),
            Ok(_) => panic!("{name}: accepted"),
        }
    }
}

#[test]
fn every_rule_is_exercised() {
    let tested: HashSet<&str> = INVALID.iter().map(|x| x.2).collect();
    for r in bed::RULES {
        assert!(tested.contains(r.id), "rule {} has no test", r.id);
        assert!(
            r.id.starts_with("bed-") || r.id == "text-encoding",
            "{}",
            r.id
        );
    }
    let ids: HashSet<&str> = bed::RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), bed::RULES.len(), "duplicate rule ids");
    for id in tested {
        assert!(ids.contains(id), "{id} not listed in RULES");
    }
}

#[test]
fn more_bad_inputs_never_panic() {
    let cases: &[(&str, Format)] = &[
        ("chr1 0", Format::Bed),
        ("chr1 0 99999999999999999999999", Format::Bed),
        ("chr1 0 10 a", Format::ValuedBed),
        ("chr1 0 10", Format::CategoryBed),
        ("chr1 0 10 a 0 + 0 10 0 0 , ,", Format::Bed),
        (
            "chr1 0 10 a 0 + 0 10 0 1 18446744073709551615, 18446744073709551615,",
            Format::Bed,
        ),
        ("chr1 0 10 a 0 + 0 10 0 1 10, 0,\textra", Format::BedDetail),
        ("chr1\t0\t10\t/\t2\t1,1\t0,0", Format::PgSnp),
        ("chr1\t0\t10\tA/G\t2\t1,1\t0", Format::PgSnp),
        ("chr1\t0\t10\tA/G\tx\t1,1\t0,0", Format::PgSnp),
        ("chr1\t0\t10\t.\t0\t.\t1\t1\t1\tx", Format::NarrowPeak),
        ("chr1 0 10 a 0 + 0 10 0 1 10, 0, x 0, 1,", Format::Bed15),
        ("chr1 0 10 a 0 + 0 10 0 1 10, 0, 1 x, 1,", Format::Bed15),
        ("chr1 0 10 a 0 + 0 10 0 1 10, 0, 1 0, x,", Format::Bed15),
        ("chr1 0 10 a 0 + 0 10 0 x 10, 0,", Format::Bed),
        ("chr1 0 10 a 0 + x 10", Format::Bed),
        ("chr1 0 10 a 0 + 12", Format::Bed),
        ("chr1 0 10 a nan", Format::Bed),
        ("track\nchr1 0 10\nbrowser x", Format::Bed),
    ];
    for (text, f) in cases {
        match bed::read(text.as_bytes(), "x.bed", *f, &ReadOptions::default()) {
            Err(Error::Format(e)) => {
                assert_eq!(e.path, "x.bed");
                assert!(e.line >= 1 && e.rule.starts_with("bed-"), "{e}");
            }
            other => panic!("{text:?} as {f}: expected an error, got {other:?}"),
        }
    }
    // Empty inputs give empty tracks of every format.
    let all = [
        Format::Bed,
        Format::PointBed,
        Format::CategoryBed,
        Format::ValuedBed,
        Format::BedDetail,
        Format::Bed15,
        Format::NarrowPeak,
        Format::BroadPeak,
        Format::GappedPeak,
        Format::RnaElements,
        Format::TagAlign,
        Format::PairedTagAlign,
        Format::PeptideMapping,
        Format::PgSnp,
    ];
    for f in all {
        for text in ["", "# only a comment\n\n", "browser hide all\n"] {
            let t = read_str(text, f);
            assert!(t.is_empty(), "{f}");
            assert!(bed::losses(&t, f).unwrap().is_empty(), "{f}");
            assert_eq!(
                write_string(&t, f),
                text.strip_prefix("# only a comment\n\n")
                    .map_or(text, |_| "")
            );
        }
    }
    // Accepted edge cases.
    let t = read_str("chr1 5 5\n", Format::Bed);
    assert_eq!(t.track_type(), TrackType::Segments);
    let t = read_str("track name=x\n", Format::Bed);
    assert!(t.is_empty());
    assert_eq!(t.metadata.len(), 1);
    let t = read_str("chr1 0 10 a 0 + 7 7\n", Format::Bed);
    assert_eq!(t.len(), 1);
}

// ---------------------------------------------------------------------
// Mapping: same track as GTrack with the bundled subtype.
// ---------------------------------------------------------------------

fn via_subtype(sub: &str, lines: &str) -> Track {
    let text = format!("##subtype url: http://gtrack.no/{sub}.gtrack\n{lines}");
    gtrack::read_str(&text, "sub.gtrack")
        .unwrap_or_else(|d| panic!("{sub}: {d:?}"))
        .track
}

#[test]
fn same_track_as_bundled_subtypes() {
    let cases: &[(&str, Format, &str)] = &[
        ("bed3", Format::Bed, "chr1\t10\t20\nchr2\t5\t50\n"),
        ("bed4", Format::Bed, "chr1\t10\t20\ta\nchr2\t5\t50\tb\n"),
        (
            "bed5",
            Format::Bed,
            "chr1\t10\t20\ta\t1\nchr2\t5\t50\tb\t.\n",
        ),
        (
            "bed6",
            Format::Bed,
            "chr1\t10\t20\ta\t1\t+\nchr2\t5\t50\tb\t2.5\t-\n",
        ),
        (
            "bed9",
            Format::Bed,
            "chr1\t10\t20\ta\t1\t+\t12\t18\t255,0,0\nchr2\t5\t50\tb\t2\t-\t5\t5\t0\n",
        ),
        (
            "bed_direct",
            Format::Bed,
            "chr22\t1000\t5000\tcloneA\t960\t+\t1000\t5000\t0\t2\t567,488,\t0,3512\n",
        ),
        (
            "narrowpeak",
            Format::NarrowPeak,
            "chr1\t9356548\t9356648\t.\t0\t.\t182\t5.0945\t-1\t50\n",
        ),
        (
            "broadpeak",
            Format::BroadPeak,
            "chr1\t798256\t798454\t.\t0\t.\t40\t-1\t-1\n",
        ),
    ];
    for (sub, f, lines) in cases {
        let b = read_str(lines, *f);
        let g = via_subtype(sub, lines);
        assert!(b.same(&g), "{sub}:\nBED    {b:?}\nGTrack {g:?}");
    }
}

/// Element by element on the columns both have.
fn same_on_shared_columns(a: &Track, b: &Track) {
    assert_eq!(a.track_type(), b.track_type());
    assert_eq!(a.schema.value, b.schema.value);
    assert_eq!(a.seqs.len(), b.seqs.len());
    for (x, y) in a.seqs.iter().zip(&b.seqs) {
        assert_eq!(x.seqid, y.seqid);
        assert_eq!(x.starts, y.starts);
        assert_eq!(x.ends, y.ends);
        assert_eq!(x.strands, y.strands);
        assert!(x.values.as_ref().unwrap().same(y.values.as_ref().unwrap()));
        for (i, name) in a.schema.columns.extra.iter().enumerate() {
            if let Some(j) = b.schema.columns.extra.iter().position(|n| n == name) {
                assert_eq!(x.extras[i], y.extras[j], "column {name}");
            }
        }
    }
}

#[test]
fn example_bed_direct_matches_gtrack() {
    let ex = shared().join("spec/examples/gtrack-repo/gtrack/examples");
    if !ex.exists() {
        println!("SKIPPED: ../shared examples not present");
        return;
    }
    let (f, b) = read_file(&ex.join("Example_bed_direct.bed"), &ReadOptions::default()).unwrap();
    assert_eq!(f, Format::Bed);
    let g = gtrack::read_path(
        ex.join("Example_bed_direct.gtrack").to_str().unwrap(),
        Default::default(),
    )
    .unwrap()
    .track;
    assert_eq!(b.len(), 2);
    let mut shared_cols = g.schema.columns.extra.clone();
    shared_cols.retain(|c| c != "description");
    assert_eq!(b.schema.columns.extra, shared_cols);
    same_on_shared_columns(&b, &g);

    // Expanding blocks gives the bed_linked example.
    let opts = ReadOptions {
        expand_blocks: true,
        ..Default::default()
    };
    let (_, x) = read_file(&ex.join("Example_bed_direct.bed"), &opts).unwrap();
    let l = gtrack::read_path(
        ex.join("Example_bed_linked.gtrack").to_str().unwrap(),
        Default::default(),
    )
    .unwrap()
    .track;
    let mut x2 = x.clone();
    x2.metadata.clear();
    assert!(x2.same(&l), "expanded:\n{x:?}\nlinked:\n{l:?}");
}

#[test]
fn expand_blocks_local() {
    let opts = ReadOptions {
        expand_blocks: true,
        ..Default::default()
    };
    let (_, t) = read_file(&data("faq_paired_reads.bed"), &opts).unwrap();
    assert_eq!(t.track_type(), TrackType::LinkedValuedSegments);
    assert_eq!(t.len(), 6);
    let s = &t.seqs[0];
    let ids: Vec<&str> = s.ids.as_ref().unwrap().iter().map(|x| x.unwrap()).collect();
    assert_eq!(
        ids,
        ["cloneA", "cloneA.1", "cloneA.2", "cloneB", "cloneB.1", "cloneB.2"]
    );
    assert_eq!(s.starts, [1000, 1000, 4512, 2000, 2000, 5601]);
    assert_eq!(s.ends, [5000, 1567, 5000, 6000, 2433, 6000]);
    let e = s.edges.as_ref().unwrap();
    assert_eq!(e.range(0).len(), 0);
    assert_eq!(e.target(e.range(2).start), "cloneA");
    assert_eq!(
        t.schema.columns.extra,
        ["thickstart", "thickend", "itemrgb"]
    );
    // Round trip through GTrack; BED loses the edges.
    let g = gtrack::write_string(&t, &Default::default());
    assert!(gtrack::read_str(&g, "x").unwrap().track.same(&t));
    let lost = bed::losses(&t, Format::Bed).unwrap();
    assert!(lost.iter().any(|l| l.starts_with("edges")), "{lost:?}");
    // Expansion is ignored without blocks.
    let (_, t) = read_file(&data("unit.bed"), &opts).unwrap();
    assert_eq!(t.track_type(), TrackType::ValuedPoints);
}

// ---------------------------------------------------------------------
// Real files.
// ---------------------------------------------------------------------

#[test]
fn real_files_counts() {
    let dir = shared().join("spec/examples/gtrackcore-testdata/GESourceTracks");
    if !dir.exists() {
        println!("SKIPPED: ../shared test data not present");
        return;
    }
    type Case<'a> = (&'a str, Format, TrackType, &'a [(&'a str, usize)]);
    let cases: &[Case<'_>] = &[
        (
            "BedGenomeElementSource/ucscGenes_chr21.bed",
            Format::Bed,
            TrackType::ValuedSegments,
            &[("chr21", 828)],
        ),
        (
            "BedGenomeElementSource/ucscGenes_chrM.bed",
            Format::Bed,
            TrackType::ValuedSegments,
            &[("chrM", 11)],
        ),
        (
            "PointBedGenomeElementSource/all_DNaseHS_shuffled.point.bed",
            Format::PointBed,
            TrackType::Points,
            &[("chr21", 139), ("chrM", 8)],
        ),
        (
            "BedCategoryGenomeElementSource/combined.category.bed",
            Format::CategoryBed,
            TrackType::ValuedSegments,
            &[("chr21", 87)],
        ),
        (
            "BedValuedGenomeElementSource/geneswithpvals.valued.bed",
            Format::ValuedBed,
            TrackType::ValuedSegments,
            &[("chr21", 87)],
        ),
        (
            "MicroarrayGenomeElementSource/test.microarray",
            Format::Bed15,
            TrackType::ValuedSegments,
            &[("chr21", 2)],
        ),
    ];
    for (file, f, tt, counts) in cases {
        let (got, t) = read_file(&dir.join(file), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(got, *f, "{file}");
        assert_eq!(t.track_type(), *tt, "{file}");
        for (seq, n) in *counts {
            assert_eq!(t.seq(None, seq).map_or(0, |s| s.len()), *n, "{file} {seq}");
        }
        round_trips(&t, *f, file);
    }
    let (_, t) = read_file(
        &dir.join("MicroarrayGenomeElementSource/test.microarray"),
        &ReadOptions::default(),
    )
    .unwrap();
    assert!(t.metadata[0].1.starts_with("type=\"array\""));
    assert_eq!(
        t.seqs[0].values.as_ref().unwrap().get(0),
        ValueBuf::Number(vec![0.593, 1.196, -0.19, -1.088, 0.093])
    );
    // Expanding the UCSC genes.
    let opts = ReadOptions {
        expand_blocks: true,
        ..Default::default()
    };
    let (_, t) = read_file(
        &dir.join("BedGenomeElementSource/ucscGenes_chrM.bed"),
        &opts,
    )
    .unwrap();
    assert_eq!(t.len(), 22);
}

// ---------------------------------------------------------------------
// Round trips.
// ---------------------------------------------------------------------

fn round_trips(t: &Track, f: Format, what: &str) {
    // F → Track → GTrack → Track.
    let zero_length = t
        .seqs
        .iter()
        .any(|s| s.starts.iter().zip(&s.ends).any(|(a, b)| a == b));
    if zero_length {
        // GTrack has no zero-length elements (end > start): refused up
        // front, with a reason (docs/formats/bed.md).
        let e = format::losses(t, Format::Gtrack).unwrap_err().to_string();
        assert!(e.contains("zero-length segment"), "{what}: {e}");
        assert!(gtrack::write(t, &Default::default(), Vec::new()).is_err());
    } else {
        let g = gtrack::write_string(t, &Default::default());
        let back = gtrack::read_str(&g, "rt.gtrack")
            .unwrap_or_else(|d| panic!("{what}: GTrack re-read: {d:?}\n{g}"))
            .track;
        assert!(back.same(t), "{what}: via GTrack\n{g}\n{t:?}\n{back:?}");
    }
    // F → Track → F → Track.
    assert_eq!(bed::losses(t, f).unwrap(), Vec::<String>::new(), "{what}");
    let text = write_string(t, f);
    let again = bed::read(text.as_bytes(), "rt", f, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{what}: re-read: {e}\n{text}"));
    assert!(again.same(t), "{what}: via {f}\n{text}\n{t:?}\n{again:?}");
}

#[test]
fn round_trip_every_fixture() {
    for &(name, f, _, _) in VALID {
        let (_, t) = read_ok(name);
        round_trips(&t, f, name);
    }
}

#[test]
fn written_text_is_canonical() {
    let (_, t) = read_ok("faq_paired_reads.bed");
    assert_eq!(
        write_string(&t, Format::Bed),
        "track name=pairedReads description=\"Clone Paired Reads\" useScore=1\n\
         chr22\t1000\t5000\tcloneA\t960\t+\t1000\t5000\t0\t2\t567,488,\t0,3512\n\
         chr22\t2000\t6000\tcloneB\t900\t-\t2000\t6000\t0\t2\t433,399,\t0,3601\n"
    );
    let (_, t) = read_ok("faq.bed15");
    let s = write_string(&t, Format::Bed15);
    assert!(s.contains("\t3\t0,1,2,\t0.5,-1.25,2,\n"), "{s}");
}

// ---------------------------------------------------------------------
// Writing other track types.
// ---------------------------------------------------------------------

fn build(tt: TrackType, value: Option<ValueSpec>) -> Track {
    let mut schema = TrackSchema::new(tt);
    if value.is_some() {
        schema.value = value;
    }
    Track::new(schema)
}

#[test]
fn write_points_and_values() {
    // Points → 1 bp BED3, read back as points.
    let mut t = build(TrackType::Points, None);
    let s = t.seq_index(None, "chr1");
    t.push(s, 10, 11, None, Strand::Unknown, None, &[], &[]);
    t.push(s, 20, 21, None, Strand::Unknown, None, &[], &[]);
    assert!(bed::losses(&t, Format::Bed).unwrap().is_empty());
    assert_eq!(
        write_string(&t, Format::Bed),
        "chr1\t10\t11\nchr1\t20\t21\n"
    );
    assert!(read_str(&write_string(&t, Format::Bed), Format::Bed).same(&t));
    assert!(read_str(&write_string(&t, Format::PointBed), Format::PointBed).same(&t));

    // Valued segments: the value is the score, exactly (floats kept).
    let mut t = build(TrackType::ValuedSegments, None);
    let s = t.seq_index(None, "chr1");
    t.push(
        s,
        0,
        100,
        Some(&ValueBuf::number(0.1 + 0.2)),
        Strand::Unknown,
        None,
        &[],
        &[],
    );
    t.push(
        s,
        200,
        300,
        Some(&ValueBuf::number(f64::NAN)),
        Strand::Unknown,
        None,
        &[],
        &[],
    );
    let text = write_string(&t, Format::Bed);
    assert_eq!(
        text,
        "chr1\t0\t100\t.\t0.30000000000000004\nchr1\t200\t300\t.\t.\n"
    );
    let back = read_str(&text, Format::Bed);
    assert_eq!(numbers(&back, 0)[0], 0.1 + 0.2);
    for f in [
        Format::ValuedBed,
        Format::NarrowPeak,
        Format::BroadPeak,
        Format::TagAlign,
    ] {
        assert!(bed::losses(&t, f).unwrap().is_empty(), "{f}");
        let back = bed::read(write_string(&t, f).as_bytes(), "x", f, &Default::default()).unwrap();
        assert!(back.seqs[0]
            .values
            .as_ref()
            .unwrap()
            .same(t.seqs[0].values.as_ref().unwrap()));
    }
    // A point BED cannot hold the lengths nor the value.
    let lost = bed::losses(&t, Format::PointBed).unwrap();
    assert!(lost.iter().any(|l| l.starts_with("values")), "{lost:?}");
    assert!(
        lost.iter().any(|l| l.starts_with("element lengths")),
        "{lost:?}"
    );

    // Category values: lost in BED, kept by category BED and pgSnp.
    let cat = ValueSpec::new(ValueType::Category, Dimension::Scalar);
    let mut t = build(TrackType::ValuedSegments, Some(cat));
    t.schema.columns.strand = true;
    let s = t.seq_index(None, "chr1");
    let v = ValueBuf::Category(vec![Some("exon".into())]);
    t.push(s, 0, 100, Some(&v), Strand::Plus, None, &[], &[]);
    let lost = bed::losses(&t, Format::Bed).unwrap();
    assert!(
        lost.iter().any(|l| l.contains("category scalar")),
        "{lost:?}"
    );
    assert!(bed::losses(&t, Format::CategoryBed).unwrap().is_empty());
    let back = read_str(&write_string(&t, Format::CategoryBed), Format::CategoryBed);
    // The strand needs column 6, so a default score `0` fills column 5.
    assert_eq!(back.schema.columns.extra, ["score"]);
    assert!(back.seqs[0]
        .values
        .as_ref()
        .unwrap()
        .same(t.seqs[0].values.as_ref().unwrap()));
    assert_eq!(back.seqs[0].strands, t.seqs[0].strands);
    let lost = bed::losses(&t, Format::PgSnp).unwrap();
    assert!(lost.iter().any(|l| l.starts_with("strands")), "{lost:?}");

    // Number vectors go to BED15.
    let vec_spec = ValueSpec::new(ValueType::Number, Dimension::Vector);
    let mut t = build(TrackType::ValuedSegments, Some(vec_spec));
    let s = t.seq_index(None, "chr1");
    t.push(
        s,
        0,
        100,
        Some(&ValueBuf::Number(vec![1.0, 2.5])),
        Strand::Unknown,
        None,
        &[],
        &[],
    );
    assert!(bed::losses(&t, Format::Bed15).unwrap().is_empty());
    let text = write_string(&t, Format::Bed15);
    let back = read_str(&text, Format::Bed15);
    assert!(
        back.seqs[0]
            .values
            .as_ref()
            .unwrap()
            .same(t.seqs[0].values.as_ref().unwrap()),
        "{text}"
    );
}

#[test]
fn write_ids_edges_dense_and_unsupported() {
    // Ids go to the name column; edges are lost.
    let mut t = build(TrackType::LinkedSegments, None);
    let s = t.seq_index(None, "chr1");
    t.push(
        s,
        0,
        10,
        None,
        Strand::Unknown,
        Some("a"),
        &[("b".into(), None)],
        &[],
    );
    t.push(s, 20, 30, None, Strand::Unknown, Some("b"), &[], &[]);
    let lost = bed::losses(&t, Format::Bed).unwrap();
    assert_eq!(
        lost,
        vec!["edges (element ids are written as names)".to_string()]
    );
    assert_eq!(
        write_string(&t, Format::Bed),
        "chr1\t0\t10\ta\nchr1\t20\t30\tb\n"
    );
    assert!(matches!(
        format::write_path(
            &t,
            "/nonexistent/x.bed",
            Format::Bed,
            &WriteOptions::default()
        ),
        Err(Error::Lossy { .. })
    ));

    // Function tracks: unsupported.
    let mut t = build(TrackType::Function, None);
    let s = t.seq_index(None, "chr1");
    t.push(
        s,
        0,
        1,
        Some(&ValueBuf::number(1.0)),
        Strand::Unknown,
        None,
        &[],
        &[],
    );
    assert!(matches!(
        bed::losses(&t, Format::Bed),
        Err(Error::Unsupported { .. })
    ));
    assert!(matches!(
        bed::write(&t, Vec::new(), Format::Bed, &WriteOptions::default()),
        Err(Error::Unsupported { .. })
    ));

    // Step functions: written as valued segments, said so.
    let mut t = build(TrackType::StepFunction, None);
    let s = t.seq_index(None, "chr1");
    t.push(
        s,
        0,
        10,
        Some(&ValueBuf::number(1.0)),
        Strand::Unknown,
        None,
        &[],
        &[],
    );
    t.push(
        s,
        10,
        30,
        Some(&ValueBuf::number(2.0)),
        Strand::Unknown,
        None,
        &[],
        &[],
    );
    let lost = bed::losses(&t, Format::Bed).unwrap();
    assert!(lost[0].starts_with("track type step function"), "{lost:?}");
    assert_eq!(
        write_string(&t, Format::Bed),
        "chr1\t0\t10\t.\t1\nchr1\t10\t30\t.\t2\n"
    );

    // Extras the format lacks, metadata, domains and awkward text.
    let mut t = build(TrackType::Segments, None);
    t.schema.columns.extra = vec!["name".into(), "source".into()];
    t.metadata.push(("note".into(), "x".into()));
    t.regions.push(gtrack_core::BoundingRegion::sequence(
        None,
        "chr 1",
        0,
        Some(100),
    ));
    let s = t.seq_index(None, "chr 1");
    t.push(s, 0, 10, None, Strand::Unknown, None, &[], &["a\tb", "src"]);
    let lost = bed::losses(&t, Format::Bed).unwrap();
    assert_eq!(lost.len(), 4, "{lost:?}");
    assert!(lost[0].contains("source"));
    assert_eq!(write_string(&t, Format::Bed), "chr_1\t0\t10\ta_b\n");

    // Circular elements: unsupported.
    let mut t = build(TrackType::Segments, None);
    let s = t.seq_index(None, "chrM");
    t.push(s, 16000, 10, None, Strand::Unknown, None, &[], &[]);
    assert!(matches!(
        bed::losses(&t, Format::Bed),
        Err(Error::Unsupported { .. })
    ));
}

// ---------------------------------------------------------------------
// gzip, detection, bedtools, speed.
// ---------------------------------------------------------------------

#[test]
fn gzip_input() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.narrowPeak.gz");
    let text = std::fs::read(data("faq.narrowPeak")).unwrap();
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(&text).unwrap();
    std::fs::write(&p, e.finish().unwrap()).unwrap();
    let (f, t) = read_file(&p, &ReadOptions::default()).unwrap();
    assert_eq!(f, Format::NarrowPeak);
    assert!(t.same(&read_ok("faq.narrowPeak").1));
    assert_eq!(by_extension("a.point.bed.gz"), Some(Format::PointBed));
}

/// A truncated gzip file is an error naming the file and saying what is
/// wrong with it, never a short track.
#[test]
fn truncated_gzip_input_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cut.bed.gz");
    let text: String = (0..20_000)
        .map(|i| format!("chr1\t{}\t{}\tn{i}\n", i * 10, i * 10 + 5))
        .collect();
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    let gz = e.finish().unwrap();
    std::fs::write(&p, &gz[..gz.len() / 2]).unwrap();
    let err = read_file(&p, &ReadOptions::default())
        .expect_err("truncated gzip")
        .to_string();
    assert!(err.contains("cut.bed.gz:0: io: "), "{err}");
    assert!(err.contains("truncated or damaged"), "{err}");
}

#[test]
fn bedtools_accepts_written_bed() {
    let ok = std::process::Command::new("bedtools")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!("SKIPPED: bedtools not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![
        "faq_itemrgb.bed",
        "faq_paired_reads.bed",
        "bed3_mixed.bed",
        "unit.bed",
        "bed14.bed",
        "small.valued.bed",
        "small.point.bed",
    ];
    let real = shared().join("spec/examples/gtrackcore-testdata/GESourceTracks/BedGenomeElementSource/ucscGenes_chr21.bed");
    let real_s = real.to_str().unwrap().to_string();
    if real.exists() {
        files.push(&real_s);
    }
    for name in files {
        let p = if name.starts_with('/') || name.contains("..") {
            PathBuf::from(name)
        } else {
            data(name)
        };
        let (f, t) = read_file(&p, &ReadOptions::default()).unwrap();
        let mut t = t;
        t.metadata.clear(); // bedtools does not read track lines
        let out = dir.path().join("out.bed");
        format::write_path(&t, out.to_str().unwrap(), f, &WriteOptions::default()).unwrap();
        let ours = std::fs::read_to_string(&out).unwrap().lines().count();
        let sort = std::process::Command::new("bedtools")
            .args(["sort", "-i"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            sort.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&sort.stderr)
        );
        let sorted = String::from_utf8(sort.stdout).unwrap();
        assert_eq!(sorted.lines().count(), ours, "{name}");
        let sorted_path = dir.path().join("sorted.bed");
        std::fs::write(&sorted_path, &sorted).unwrap();
        let merge = std::process::Command::new("bedtools")
            .args(["merge", "-i"])
            .arg(&sorted_path)
            .output()
            .unwrap();
        assert!(
            merge.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&merge.stderr)
        );
    }
}

#[test]
fn reading_speed_is_reported() {
    // A quick figure (debug builds are much slower than release).
    let mut text = String::new();
    for i in 0..100_000u64 {
        text.push_str(&format!(
            "chr{}\t{}\t{}\tname{i}\t{}\t+\n",
            1 + i / 50_000,
            i * 100,
            i * 100 + 50,
            i % 1000
        ));
    }
    let t0 = std::time::Instant::now();
    let t = read_str(&text, Format::Bed);
    let secs = t0.elapsed().as_secs_f64();
    assert_eq!(t.len(), 100_000);
    println!(
        "BED6 read: {:.1} MB in {:.3} s = {:.0} MB/s",
        text.len() as f64 / 1e6,
        secs,
        text.len() as f64 / 1e6 / secs
    );
    let _ = ColumnData::Number(vec![]);
}
