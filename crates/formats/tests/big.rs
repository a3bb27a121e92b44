//! bigWig / bigBed: round trips, pyBigWig oracle, bigtools direct reads,
//! zoom summaries, losses and bad inputs.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use gtrack_core::{Genome, Track, TrackType};
use gtrack_formats::big::{self, RULES};
use gtrack_formats::format::{self, Format, ReadOptions, WriteOptions};
use gtrack_formats::{gtrack, Error};

fn gt(text: &str) -> Track {
    match gtrack::read_str(text, "test.gtrack") {
        Ok(p) => p.track,
        Err(d) => panic!("bad test GTrack: {d:?}"),
    }
}

fn genome() -> Genome {
    Genome::new(
        "test",
        vec![
            ("chr1".into(), 100_000),
            ("chr2".into(), 5_000),
            ("chr10".into(), 3_000),
            ("chr19".into(), 59_128_983),
        ],
    )
    .unwrap()
}

fn wopts() -> WriteOptions {
    WriteOptions {
        allow_lossy: false,
        genome: Some(genome()),
        ..Default::default()
    }
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn p(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

fn read(path: &str, f: Format) -> Result<Track, Error> {
    big::read_path(path, f, &ReadOptions::default())
}

fn assert_same(a: &Track, b: &Track) {
    assert!(
        a.same(b),
        "tracks differ:\n{}\n---\n{}",
        gtrack::write_string(a, &gtrack::WriteOptions::default()),
        gtrack::write_string(b, &gtrack::WriteOptions::default())
    );
}

/// Write, read back, compare; also through GTrack text.
fn round_trip(track: &Track, f: Format, name: &str) -> Track {
    let d = tmp();
    let path = p(d.path(), name);
    assert_eq!(format::losses(track, f).unwrap(), Vec::<String>::new());
    format::write_path(track, &path, f, &wopts()).unwrap();
    let back = read(&path, f).unwrap();
    assert_same(track, &back);
    // F → Track → GTrack → Track
    let text = gtrack::write_string(&back, &gtrack::WriteOptions::default());
    assert_same(&back, &gt(&text));
    // F → Track → F → Track
    let path2 = p(d.path(), &format!("2{name}"));
    format::write_path(&back, &path2, f, &wopts()).unwrap();
    assert_same(&back, &read(&path2, f).unwrap());
    back
}

const VS: &str = "##track type: valued segments\n###seqid\tstart\tend\tvalue\n\
chr1\t10\t20\t1.5\nchr1\t30\t45\t-2\nchr10\t0\t5\t0.25\nchr2\t100\t200\t3\n";
const SF: &str = "##track type: step function\n###end\tvalue\n\
####seqid=chr1; start=10; end=40\n20\t1\n25\t2\n40\t0.5\n\
####seqid=chr2; start=0; end=30\n30\t7\n";
const F: &str = "##track type: function\n###value\n\
####seqid=chr1; start=5; end=9\n1\n2\n3.5\n-4\n";
const VP: &str = "##track type: valued points\n###seqid\tstart\tvalue\n\
chr1\t3\t1\nchr1\t9\t2.5\nchr2\t0\t-1\n";

#[test]
fn bigwig_round_trips_four_types() {
    for (text, tt, name) in [
        (VS, TrackType::ValuedSegments, "vs.bw"),
        (SF, TrackType::StepFunction, "sf.bw"),
        (F, TrackType::Function, "f.bw"),
        (VP, TrackType::ValuedPoints, "vp.bw"),
    ] {
        let t = gt(text);
        assert_eq!(t.track_type(), tt);
        let back = round_trip(&t, Format::BigWig, name);
        assert_eq!(back.track_type(), tt);
    }
}

#[test]
fn bigwig_ucsc_bedgraph_example_reads_as_step_function() {
    // The bedGraph example of the UCSC bedGraph/bigWig help pages.
    let lines = [
        (49302000, 49302300, -1.0),
        (49302300, 49302600, -0.75),
        (49302600, 49302900, -0.50),
        (49302900, 49303200, -0.25),
        (49303200, 49303500, 0.0),
        (49303500, 49303800, 0.25),
        (49303800, 49304100, 0.50),
        (49304100, 49304400, 0.75),
        (49304400, 49304700, 1.00),
    ];
    let mut text = String::from("##track type: valued segments\n###seqid\tstart\tend\tvalue\n");
    for (s, e, v) in lines {
        text.push_str(&format!("chr19\t{s}\t{e}\t{v}\n"));
    }
    let t = gt(&text);
    let d = tmp();
    let path = p(d.path(), "faq.bw");
    // Contiguous: reads back as a step function, so the type changes.
    let l = format::losses(&t, Format::BigWig).unwrap();
    assert!(l.iter().any(|x| x.contains("step function")), "{l:?}");
    let mut o = wopts();
    o.allow_lossy = true;
    format::write_path(&t, &path, Format::BigWig, &o).unwrap();
    let back = read(&path, Format::BigWig).unwrap();
    assert_eq!(back.track_type(), TrackType::StepFunction);
    assert_eq!(back.seqs[0].starts[0], 49302000);
    assert_eq!(back.seqs[0].ends[8], 49304700);
    assert_eq!(
        back.seqs[0].values.as_ref().unwrap().as_numbers().unwrap()[1],
        -0.75
    );
    assert_eq!(back.regions.len(), 1);
    assert_eq!(back.regions[0].start, 49302000);
    assert_eq!(back.regions[0].end, Some(49304700));
}

#[test]
fn bigwig_read_with_bigtools_directly() {
    let t = gt(VS);
    let d = tmp();
    let path = p(d.path(), "a.bw");
    format::write_path(&t, &path, Format::BigWig, &wopts()).unwrap();
    let mut r = bigtools::BigWigRead::open(std::fs::File::open(&path).unwrap()).unwrap();
    let names: Vec<String> = r.chroms().iter().map(|c| c.name.clone()).collect();
    assert_eq!(names, vec!["chr1", "chr10", "chr2"]);
    let v: Vec<(u32, u32, f32)> = r
        .get_interval("chr1", 0, 100_000)
        .unwrap()
        .map(|v| v.unwrap())
        .map(|v| (v.start, v.end, v.value))
        .collect();
    assert_eq!(v, vec![(10, 20, 1.5), (30, 45, -2.0)]);
    let sizes: HashMap<String, u32> = r
        .chroms()
        .iter()
        .map(|c| (c.name.clone(), c.length))
        .collect();
    assert_eq!(sizes["chr1"], 100_000);
}

#[test]
fn bigwig_sizes_from_regions_or_clear_error() {
    let d = tmp();
    // Valued segments without regions and without a genome: error.
    let t = gt(VS);
    let e = format::write_path(
        &t,
        &p(d.path(), "x.bw"),
        Format::BigWig,
        &WriteOptions::default(),
    )
    .unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("chromosome sizes") && m.contains("--genome"),
        "{m}"
    );
    assert!(!d.path().join("x.bw").exists());
    // Step function: the regions give the lengths.
    let t = gt(SF);
    let path = p(d.path(), "sf.bw");
    format::write_path(&t, &path, Format::BigWig, &WriteOptions::default()).unwrap();
    assert_same(&t, &read(&path, Format::BigWig).unwrap());
    // Nothing but the output file is left in the directory (atomic write).
    let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
    assert_eq!(left.len(), 1);
    // A sequence missing from the genome.
    let t = gt("##track type: valued segments\n###seqid\tstart\tend\tvalue\nchrX\t0\t5\t1\n");
    let mut o = wopts();
    o.allow_lossy = true;
    let e = format::write_path(&t, &p(d.path(), "y.bw"), Format::BigWig, &o).unwrap_err();
    assert!(e.to_string().contains("`chrX` is not in genome"), "{e}");
}

#[test]
fn bigwig_losses() {
    // f32 precision: 0.1 is not a float.
    let t = gt("##track type: valued segments\n###seqid\tstart\tend\tvalue\nchr1\t0\t5\t0.1\nchr1\t9\t10\t.\n");
    let l = format::losses(&t, Format::BigWig).unwrap();
    assert!(
        l.iter().any(|x| x.contains("32-bit") && x.contains("0.1")),
        "{l:?}"
    );
    assert!(l.iter().any(|x| x.contains("missing value")), "{l:?}");
    // Exactly representable values: no loss.
    assert!(format::losses(&gt(VS), Format::BigWig).unwrap().is_empty());
    // Strand and extra columns are lost.
    let t = gt("##track type: valued segments\n###seqid\tstart\tend\tvalue\tstrand\tname\nchr1\t0\t5\t1\t+\tx\n");
    let l = format::losses(&t, Format::BigWig).unwrap();
    assert!(l.iter().any(|x| x.contains("strand")), "{l:?}");
    assert!(l.iter().any(|x| x.contains("name")), "{l:?}");
    // Linked: edges and ids.
    let t = gt("##track type: linked valued segments\n###seqid\tstart\tend\tvalue\tid\tedges\nchr1\t0\t5\t1\ta\tb\nchr1\t7\t9\t2\tb\t.\n");
    let l = format::losses(&t, Format::BigWig).unwrap();
    assert!(l.iter().any(|x| x.contains("edges")), "{l:?}");
    // Refused without --allow-lossy; nothing written.
    let d = tmp();
    let e = format::write_path(&t, &p(d.path(), "l.bw"), Format::BigWig, &wopts()).unwrap_err();
    assert!(matches!(e, Error::Lossy { .. }), "{e}");
    assert!(!d.path().join("l.bw").exists());
    // Unsupported types and values.
    for text in [
        "##track type: segments\n###seqid\tstart\tend\nchr1\t0\t5\n",
        "##track type: valued segments\n##value type: category\n###seqid\tstart\tend\tvalue\nchr1\t0\t5\tx\n",
        "##track type: valued segments\n###seqid\tstart\tend\tvalue\nchr1\t0\t5\t1\nchr1\t3\t8\t2\n",
    ] {
        let e = format::losses(&gt(text), Format::BigWig).unwrap_err();
        assert!(matches!(e, Error::Unsupported { .. }), "{e}");
    }
}

// ---------------------------------------------------------------- bigBed

const BED12: &str = "##track type: valued segments\n\
###seqid\tstart\tend\tname\tvalue\tstrand\tthickStart\tthickEnd\titemRgb\tblockCount\tblockSizes\tblockStarts\n\
chr1\t1000\t5000\tcloneA\t960\t+\t1000\t5000\t0\t2\t567,488,\t0,3512,\n\
chr1\t2000\t6000\tcloneB\t900\t-\t2000\t6000\t0\t2\t433,399,\t0,3601,\n";

#[test]
fn bigbed_round_trips() {
    for (text, tt, name) in [
        ("##track type: segments\n###seqid\tstart\tend\nchr1\t10\t20\nchr2\t5\t9\n", TrackType::Segments, "b3.bb"),
        ("##track type: segments\n###seqid\tstart\tend\tname\nchr1\t10\t20\tx\nchr2\t5\t9\ty\n", TrackType::Segments, "b4.bb"),
        ("##track type: points\n###seqid\tstart\nchr1\t10\nchr2\t5\n", TrackType::Points, "p.bb"),
        ("##track type: valued points\n###seqid\tstart\tname\tvalue\nchr1\t10\ta\t5\nchr2\t5\tb\t.\n", TrackType::ValuedPoints, "vp.bb"),
        (BED12, TrackType::ValuedSegments, "b12.bb"),
        ("##track type: valued segments\n###seqid\tstart\tend\tname\tvalue\tstrand\tsignalValue\tpValue\nchr1\t10\t20\tp1\t0.5\t.\t3.2\t-1\n", TrackType::ValuedSegments, "np.bb"),
    ] {
        let t = gt(text);
        assert_eq!(t.track_type(), tt);
        // A fresh track has no autoSql: writing adds it to the metadata.
        let d = tmp();
        let path = p(d.path(), name);
        format::write_path(&t, &path, Format::BigBed, &wopts()).unwrap();
        let back = read(&path, Format::BigBed).unwrap();
        assert_eq!(back.track_type(), tt, "{name}");
        assert_eq!(back.schema, t.schema, "{name}");
        assert_eq!(back.metadata[0].0, "autoSql");
        for (a, b) in t.seqs.iter().zip(&back.seqs) {
            assert!(a.same(b), "{name}: {a:?} vs {b:?}");
        }
        // From here on everything round-trips, autoSql included.
        round_trip(&back, Format::BigBed, name);
    }
}

#[test]
fn bigbed_autosql_names_extras_and_is_kept() {
    let t = gt("##track type: valued segments\n###seqid\tstart\tend\tname\tvalue\tstrand\tgeneSymbol\tscore2\nchr1\t10\t20\tx\t1\t+\tTP53\t9\n");
    let d = tmp();
    let path = p(d.path(), "x.bb");
    format::write_path(&t, &path, Format::BigBed, &wopts()).unwrap();
    let back = read(&path, Format::BigBed).unwrap();
    assert_eq!(
        back.schema.columns.extra,
        vec!["name", "genesymbol", "score2"]
    );
    let sql = &back.metadata[0].1;
    assert!(sql.contains("lstring genesymbol;"), "{sql}");
    assert!(sql.contains("uint   score;"), "{sql}");
    // A custom autoSql in metadata is written back verbatim.
    let mut t2 = back.clone();
    let custom = sql.replace("written by gtrack", "custom description");
    t2.metadata[0].1 = custom.clone();
    let path2 = p(d.path(), "y.bb");
    format::write_path(&t2, &path2, Format::BigBed, &wopts()).unwrap();
    assert_eq!(read(&path2, Format::BigBed).unwrap().metadata[0].1, custom);
}

#[test]
fn bigbed_losses_and_unsupported() {
    // Valued segments without name: the name field is filled with `.`.
    let t = gt("##track type: valued segments\n###seqid\tstart\tend\tvalue\nchr1\t0\t5\t1\n");
    let l = big::losses(&t, Format::BigBed).unwrap();
    assert!(l.iter().any(|x| x.contains("name")), "{l:?}");
    // metadata other than autoSql
    let mut t = gt("##track type: segments\n###seqid\tstart\tend\nchr1\t0\t5\n");
    t.metadata.push(("description".into(), "x".into()));
    let l = big::losses(&t, Format::BigBed).unwrap();
    assert!(
        l.iter().any(|x| x.contains("metadata description")),
        "{l:?}"
    );
    for text in [
        "##track type: step function\n###end\tvalue\n####seqid=chr1; start=0; end=5\n5\t1\n",
        "##track type: genome partition\n###end\n####seqid=chr1; start=0; end=5\n5\n",
    ] {
        let e = big::losses(&gt(text), Format::BigBed).unwrap_err();
        assert!(matches!(e, Error::Unsupported { .. }), "{e}");
    }
}

// ---------------------------------------------------------------- pyBigWig oracle

fn python_with_pybigwig() -> bool {
    Command::new("python3")
        .args(["-c", "import pyBigWig"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn py(script: &str, args: &[&str]) -> String {
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

const PY_BW_DUMP: &str = r#"
import sys, pyBigWig
bw = pyBigWig.open(sys.argv[1])
assert bw.isBigWig()
for c, l in sorted(bw.chroms().items()):
    for s, e, v in (bw.intervals(c) or []):
        print(f"{c}\t{s}\t{e}\t{v!r}")
"#;

const PY_BB_DUMP: &str = r#"
import sys, pyBigWig
bb = pyBigWig.open(sys.argv[1])
assert bb.isBigBed()
print(repr(bb.SQL().decode() if isinstance(bb.SQL(), bytes) else bb.SQL()).count("table"))
for c, l in sorted(bb.chroms().items()):
    for s, e, r in (bb.entries(c, 0, l) or []):
        print(f"{c}\t{s}\t{e}\t{r}")
"#;

fn our_dump_wig(t: &Track) -> Vec<String> {
    let mut out = Vec::new();
    let mut seqs: Vec<_> = t.seqs.iter().collect();
    seqs.sort_by(|a, b| a.seqid.cmp(&b.seqid));
    for s in seqs {
        let v = s.values.as_ref().unwrap().as_numbers().unwrap();
        for (i, x) in v.iter().enumerate() {
            out.push(format!(
                "{}\t{}\t{}\t{:?}",
                s.seqid, s.starts[i], s.ends[i], x
            ));
        }
    }
    out
}

#[test]
fn pybigwig_reads_our_bigwig_and_bigbed() {
    if !python_with_pybigwig() {
        println!("SKIPPED: pyBigWig not installed");
        return;
    }
    let d = tmp();
    for (text, name) in [(VS, "vs.bw"), (SF, "sf.bw"), (F, "f.bw"), (VP, "vp.bw")] {
        let t = gt(text);
        let path = p(d.path(), name);
        format::write_path(&t, &path, Format::BigWig, &wopts()).unwrap();
        let theirs: Vec<String> = py(PY_BW_DUMP, &[&path]).lines().map(String::from).collect();
        assert_eq!(theirs, our_dump_wig(&t), "{name}");
    }
    let t = gt(BED12);
    let path = p(d.path(), "b.bb");
    format::write_path(&t, &path, Format::BigBed, &wopts()).unwrap();
    let out = py(PY_BB_DUMP, &[&path]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("1"), "autoSql has one table");
    let rest: Vec<&str> = lines.collect();
    assert_eq!(
        rest,
        vec![
            "chr1\t1000\t5000\tcloneA\t960\t+\t1000\t5000\t0\t2\t567,488,\t0,3512,",
            "chr1\t2000\t6000\tcloneB\t900\t-\t2000\t6000\t0\t2\t433,399,\t0,3601,",
        ]
    );
}

#[test]
fn we_read_pybigwig_bigwigs() {
    if !python_with_pybigwig() {
        println!("SKIPPED: pyBigWig not installed");
        return;
    }
    let d = tmp();
    // bedGraph, variableStep and fixedStep sections.
    let script = r#"
import sys, pyBigWig
bw = pyBigWig.open(sys.argv[1], "w")
bw.addHeader([("chr1", 10000), ("chr2", 5000)], maxZooms=2)
bw.addEntries(["chr1", "chr1"], [0, 100], ends=[50, 150], values=[1.5, -2.25])
bw.addEntries("chr1", [500, 600, 700], values=[0.5, 1.0, 3.0], span=20)
bw.addEntries("chr2", 1000, values=[1.0, 2.0, 4.0], span=10, step=30)
bw.close()
bw = pyBigWig.open(sys.argv[1])
for c, l in sorted(bw.chroms().items()):
    for s, e, v in (bw.intervals(c) or []):
        print(f"{c}\t{s}\t{e}\t{v!r}")
"#;
    let path = p(d.path(), "py.bw");
    let theirs: Vec<String> = py(script, &[&path]).lines().map(String::from).collect();
    assert_eq!(theirs.len(), 8);
    let t = read(&path, Format::BigWig).unwrap();
    assert_eq!(t.track_type(), TrackType::ValuedSegments);
    assert_eq!(our_dump_wig(&t), theirs);
    // A contiguous 1-bp file from pyBigWig reads as a function.
    let script = r#"
import sys, pyBigWig
bw = pyBigWig.open(sys.argv[1], "w")
bw.addHeader([("chr1", 100)])
bw.addEntries("chr1", 10, values=[1.0, 2.0, 3.0, 0.5], span=1, step=1)
bw.close()
"#;
    let path = p(d.path(), "f.bw");
    py(script, &[&path]);
    let t = read(&path, Format::BigWig).unwrap();
    assert_eq!(t.track_type(), TrackType::Function);
    assert_same(
        &t,
        &gt("##track type: function\n###value\n####seqid=chr1; start=10; end=14\n1\n2\n3\n0.5\n"),
    );
}

// ---------------------------------------------------------------- zoom levels

#[test]
fn zoom_summary_matches_data() {
    // 20480 bp step function on chr1 with 128-bp steps of value i % 7.
    let mut text = String::from(
        "##track type: step function\n###end\tvalue\n####seqid=chr1; start=0; end=20480\n",
    );
    for i in 0..160u64 {
        text.push_str(&format!("{}\t{}\n", (i + 1) * 128, i % 7));
    }
    let t = gt(&text);
    let d = tmp();
    let path = p(d.path(), "z.bw");
    format::write_path(&t, &path, Format::BigWig, &wopts()).unwrap();
    // Full resolution (bin width below the finest zoom).
    let s = big::zoom_summary(&path, Format::BigWig, "chr1", 0, 1280, 10).unwrap();
    assert_eq!(s.reduction_level, None);
    assert!(!s.levels.is_empty());
    for (i, b) in s.bins.iter().enumerate() {
        assert_eq!((b.start, b.end), (i as u64 * 128, (i as u64 + 1) * 128));
        assert_eq!(b.covered, 128.0);
        assert_eq!(b.mean(), (i % 7) as f64);
        assert_eq!((b.min, b.max), ((i % 7) as f64, (i % 7) as f64));
    }
    // Coarse: 4 bins of 5120 bp use a zoom level (records aligned to the bins).
    let s = big::zoom_summary(&path, Format::BigWig, "chr1", 0, 20480, 4).unwrap();
    let l = s.reduction_level.expect("a zoom level is used");
    assert!(l <= 5120 && 5120 % l == 0, "{l}");
    for (k, b) in s.bins.iter().enumerate() {
        let vals: Vec<f64> = (k * 40..(k + 1) * 40).map(|i| (i % 7) as f64).collect();
        let mean = vals.iter().sum::<f64>() / 40.0;
        assert!((b.covered - 5120.0).abs() < 1e-6, "{b:?}");
        assert!((b.mean() - mean).abs() < 1e-6, "{b:?} vs {mean}");
        assert_eq!(b.min, 0.0);
        assert_eq!(b.max, 6.0);
    }
    if python_with_pybigwig() {
        let out = py(
            "import sys, pyBigWig\nbw = pyBigWig.open(sys.argv[1])\nprint('\\n'.join(repr(x) for x in bw.stats('chr1', 0, 20480, nBins=4)))",
            &[&path],
        );
        for (line, b) in out.lines().zip(&s.bins) {
            let v: f64 = line.parse().unwrap();
            assert!(
                (v - b.mean()).abs() < 1e-3,
                "pyBigWig {v} vs ours {}",
                b.mean()
            );
        }
    } else {
        println!("SKIPPED: pyBigWig not installed (zoom oracle)");
    }
    // bigBed coverage.
    let t = gt("##track type: segments\n###seqid\tstart\tend\nchr1\t0\t10\nchr1\t5\t20\n");
    let path = p(d.path(), "z.bb");
    format::write_path(&t, &path, Format::BigBed, &wopts()).unwrap();
    let s = big::zoom_summary(&path, Format::BigBed, "chr1", 0, 20, 2).unwrap();
    assert_eq!(s.bins[0].covered, 10.0);
    assert_eq!(s.bins[0].sum, 15.0);
    assert_eq!(s.bins[0].max, 2.0);
    assert_eq!(s.bins[1].sum, 10.0);
}

// ---------------------------------------------------------------- bad inputs

fn bad(path: &str, f: Format, rule: &str) -> String {
    let e = match read(path, f) {
        Err(Error::Format(e)) => e,
        Err(other) => panic!("{path}: expected a format error, got {other}"),
        Ok(_) => panic!("{path}: expected rule {rule}, read fine"),
    };
    assert_eq!(e.path, path);
    assert_eq!(e.line, 0);
    assert_eq!(e.rule, rule, "{e}");
    assert!(
        e.to_string().starts_with(&format!("{path}:0: {rule}: ")),
        "{e}"
    );
    e.rule.to_string()
}

/// A bigBed written directly with bigtools (any autoSql and fields).
fn raw_bigbed(path: &str, autosql: &str, rest: &[&str]) {
    let mut w =
        bigtools::BigBedWrite::create_file(path, HashMap::from([("chr1".to_string(), 1000u32)]))
            .unwrap();
    w.autosql = Some(autosql.to_string());
    w.options.channel_size = 0;
    let items: Vec<(String, bigtools::BedEntry)> = rest
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                "chr1".to_string(),
                bigtools::BedEntry {
                    start: i as u32 * 10,
                    end: i as u32 * 10 + 5,
                    rest: r.to_string(),
                },
            )
        })
        .collect();
    let src = bigtools::beddata::BedParserStreamingIterator::wrap_infallible_iter(
        items.into_iter(),
        false,
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    w.write(src, rt).unwrap();
}

const AS6: &str = "table t\n\"x\"\n(\nstring chrom; \"\"\nuint chromStart; \"\"\nuint chromEnd; \"\"\nstring name; \"\"\nuint score; \"\"\nchar[1] strand; \"\"\n)";

fn all_bad_cases(dir: &Path) -> Vec<String> {
    let mut seen = Vec::new();
    let d = |n: &str| p(dir, n);
    seen.push(bad(&d("missing.bw"), Format::BigWig, "big-file"));
    std::fs::write(d("text.bw"), "chr1\t0\t10\t1\n").unwrap();
    seen.push(bad(&d("text.bw"), Format::BigWig, "big-magic"));
    std::fs::write(d("empty.bb"), "").unwrap();
    seen.push(bad(&d("empty.bb"), Format::BigBed, "big-magic"));
    // A good bigWig and bigBed, then damaged copies.
    let bw = d("good.bw");
    format::write_path(&gt(VS), &bw, Format::BigWig, &wopts()).unwrap();
    let bb = d("good.bb");
    format::write_path(&gt(BED12), &bb, Format::BigBed, &wopts()).unwrap();
    let e = bad(&bb, Format::BigWig, "big-magic");
    assert!(read(&bb, Format::BigWig)
        .unwrap_err()
        .to_string()
        .contains("--from bigbed"));
    seen.push(e);
    let bytes = std::fs::read(&bw).unwrap();
    std::fs::write(d("trunc.bw"), &bytes[..bytes.len() / 2]).unwrap();
    seen.push(bad(&d("trunc.bw"), Format::BigWig, "big-truncated"));
    // Corrupt the chromosome tree / index but keep both magics.
    let mut c = bytes.clone();
    for b in &mut c[4..64] {
        *b = 0xFF;
    }
    std::fs::write(d("hdr.bw"), &c).unwrap();
    let e = read(&d("hdr.bw"), Format::BigWig).unwrap_err();
    match e {
        Error::Format(fe) => {
            assert_eq!(fe.line, 0);
            assert!(
                fe.rule == "big-header" || fe.rule == "big-truncated" || fe.rule == "big-data",
                "{fe}"
            );
            seen.push(fe.rule.to_string());
        }
        other => panic!("{other}"),
    }
    // Corrupt data blocks (between the header area and the index).
    let mut c = bytes.clone();
    let (_, data_off) = header_offsets(&bytes);
    for b in &mut c[data_off as usize + 8..data_off as usize + 24] {
        *b ^= 0x5A;
    }
    std::fs::write(d("data.bw"), &c).unwrap();
    seen.push(bad(&d("data.bw"), Format::BigWig, "big-data"));
    // bigBed content rules.
    raw_bigbed(&d("as.bb"), "this is not autoSql", &[""]);
    seen.push(bad(&d("as.bb"), Format::BigBed, "big-autosql"));
    raw_bigbed(&d("fields.bb"), AS6, &["a\t1\t+", "b\t2"]);
    seen.push(bad(&d("fields.bb"), Format::BigBed, "big-fields"));
    raw_bigbed(&d("score.bb"), AS6, &["a\thigh\t+"]);
    seen.push(bad(&d("score.bb"), Format::BigBed, "big-score"));
    raw_bigbed(&d("strand.bb"), AS6, &["a\t1\tx"]);
    seen.push(bad(&d("strand.bb"), Format::BigBed, "big-strand"));
    // Zoom summaries.
    let e = big::zoom_summary(&bw, Format::BigWig, "chrZ", 0, 10, 1).unwrap_err();
    match e {
        Error::Format(fe) => {
            assert_eq!(
                (fe.path.as_str(), fe.line, fe.rule),
                (bw.as_str(), 0, "big-seqid")
            );
            seen.push(fe.rule.to_string());
        }
        other => panic!("{other}"),
    }
    seen
}

/// (fullDataOffset, fullIndexOffset) hmm: returns (chromTreeOffset, fullDataOffset).
fn header_offsets(b: &[u8]) -> (u64, u64) {
    let u64at = |o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap());
    (u64at(8), u64at(16))
}

#[test]
fn bad_inputs_give_rule_errors() {
    let d = tmp();
    let seen: BTreeSet<String> = all_bad_cases(d.path()).into_iter().collect();
    for r in RULES {
        assert!(
            seen.contains(r.id),
            "rule {} is not exercised by a test",
            r.id
        );
    }
}

#[test]
fn truncation_anywhere_never_panics() {
    let d = tmp();
    for (text, f, name) in [
        (VS, Format::BigWig, "t.bw"),
        (BED12, Format::BigBed, "t.bb"),
    ] {
        let path = p(d.path(), name);
        format::write_path(&gt(text), &path, f, &wopts()).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let cut = p(d.path(), &format!("cut-{name}"));
        let mut lens: Vec<usize> = (0..bytes.len()).step_by(7).collect();
        lens.push(bytes.len() - 1);
        for n in lens {
            std::fs::write(&cut, &bytes[..n]).unwrap();
            match read(&cut, f) {
                Err(Error::Format(e)) => {
                    assert_eq!(e.line, 0);
                    assert!(RULES.iter().any(|r| r.id == e.rule), "{e}");
                }
                other => panic!("length {n}: {:?}", other.map(|t| t.len())),
            }
        }
        // Flipping bytes anywhere: an error or a track, never a panic.
        for i in (0..bytes.len()).step_by(5) {
            let mut c = bytes.clone();
            c[i] ^= 0xA5;
            std::fs::write(&cut, &c).unwrap();
            if let Err(Error::Format(e)) = read(&cut, f) {
                assert!(RULES.iter().any(|r| r.id == e.rule), "{e}");
            }
        }
    }
}

#[test]
fn real_files_when_present() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let dir = shared.join("spec/examples/gtrackcore-testdata/GESourceTracks");
    if !dir.exists() {
        println!("SKIPPED: {} not present", dir.display());
        return;
    }
    let mut found: Vec<PathBuf> = Vec::new();
    for e in walk(&dir) {
        let n = e.to_string_lossy().to_ascii_lowercase();
        if n.ends_with(".bw")
            || n.ends_with(".bigwig")
            || n.ends_with(".bb")
            || n.ends_with(".bigbed")
        {
            found.push(e);
        }
    }
    if found.is_empty() {
        println!("SKIPPED: no bigWig/bigBed files in {}", dir.display());
    }
    for f in found {
        let s = f.to_str().unwrap();
        let (fmt, t) = format::read_path(s, None, &ReadOptions::default()).unwrap();
        println!("{s}: {fmt} {} elements", t.len());
    }
}

fn walk(d: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(d) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
