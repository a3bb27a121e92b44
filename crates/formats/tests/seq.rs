//! FASTA, 2bit and nib: fixtures, errors, round trips, GC content.

use std::path::{Path, PathBuf};

use gtrack_core::{ColumnData, Track, TrackType};
use gtrack_formats::format::{self, Format, ReadOptions, WriteOptions};
use gtrack_formats::{gtrack, seq, Error};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/seq")
        .join(name)
}

fn read_path(p: &Path, f: Format) -> Result<Track, Error> {
    format::read_path(p.to_str().unwrap(), Some(f), &ReadOptions::default()).map(|(_, t)| t)
}

fn fasta(text: &str) -> Track {
    format::read(
        text.as_bytes(),
        "mem.fa",
        Format::Fasta,
        &ReadOptions::default(),
    )
    .unwrap()
}

fn chars(t: &Track, i: usize) -> String {
    match t.seqs[i].values.as_ref().unwrap().data() {
        ColumnData::Character(v) => v.iter().map(|c| c.unwrap_or(b'?') as char).collect(),
        _ => panic!("not characters"),
    }
}

fn gtrack_round_trip(t: &Track) {
    let g = gtrack::write_string(t, &gtrack::WriteOptions::default());
    let back = gtrack::read_str(&g, "rt.gtrack").unwrap_or_else(|e| panic!("{g}\n{e:?}"));
    assert!(back.track.same(t), "GTrack round trip\n{g}");
}

fn binary_round_trip(t: &Track, f: Format, file: &str) -> Track {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(file);
    format::write_path(t, p.to_str().unwrap(), f, &WriteOptions::default()).unwrap();
    read_path(&p, f).unwrap()
}

const INVALID: &[(&str, u64, &str)] = &[
    ("data_first.fa", 1, "fasta-header"),
    ("empty_header.fa", 1, "fasta-header"),
    ("duplicate.fa", 5, "fasta-duplicate"),
    ("character.fa", 2, "fasta-character"),
    ("gt_inside.fa", 3, "fasta-character"),
];

/// Binary corruptions: (name, format, bytes, rule); line is always 0.
fn binary_cases() -> Vec<(&'static str, Format, Vec<u8>, &'static str)> {
    let t = fasta(">a\nACGTNNacgt\n>b\nGATTACA\n");
    let good = seq::encode_twobit(&t).unwrap();
    let mut v = Vec::new();
    v.push((
        "bad.2bit",
        Format::TwoBit,
        b"not a 2bit file".to_vec(),
        "twobit-signature",
    ));
    let mut ver = good.clone();
    ver[4] = 7;
    v.push(("ver.2bit", Format::TwoBit, ver, "twobit-signature"));
    v.push((
        "short.2bit",
        Format::TwoBit,
        good[..good.len() - 1].to_vec(),
        "twobit-truncated",
    ));
    let mut blocks = good.clone();
    // First record: size(4) nBlockCount(4) nStart(4) nSize(4): make the N block too long.
    let off = u32::from_le_bytes(good[16 + 2..16 + 6].try_into().unwrap()) as usize;
    blocks[off + 12..off + 16].copy_from_slice(&1000u32.to_le_bytes());
    v.push(("blocks.2bit", Format::TwoBit, blocks, "twobit-blocks"));
    let mut name = good.clone();
    name[16 + 1] = 0xff;
    v.push(("name.2bit", Format::TwoBit, name, "twobit-name"));
    let dup = seq::encode_twobit(&fasta(">a\nAC\n>b\nGT\n")).unwrap();
    let mut dup2 = dup.clone();
    dup2[16 + 1 + 1 + 4 + 1] = b'a';
    v.push(("dup.2bit", Format::TwoBit, dup2, "twobit-name"));
    let nib = seq::encode_nib(&fasta(">x\nACGTA\n")).unwrap();
    v.push((
        "bad.nib",
        Format::Nib,
        b"nope nope".to_vec(),
        "nib-signature",
    ));
    v.push((
        "short.nib",
        Format::Nib,
        nib[..nib.len() - 1].to_vec(),
        "nib-truncated",
    ));
    let mut base = nib.clone();
    base[8] = 0x70;
    v.push(("base.nib", Format::Nib, base, "nib-base"));
    v
}

#[test]
fn invalid_fasta_names_path_line_and_rule() {
    for &(name, line, rule) in INVALID {
        let p = data(&format!("invalid/{name}"));
        match read_path(&p, Format::Fasta) {
            Err(Error::Format(e)) => {
                assert_eq!(e.path, p.to_str().unwrap());
                assert_eq!((e.line, e.rule), (line, rule), "{name}: {e}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn corrupt_binaries_name_path_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    for (name, f, bytes, rule) in binary_cases() {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        match read_path(&p, f) {
            Err(Error::Format(e)) => {
                assert_eq!(e.path, p.to_str().unwrap());
                assert_eq!((e.line, e.rule), (0, rule), "{name}: {e}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn every_rule_is_exercised() {
    let bin: Vec<&str> = binary_cases().iter().map(|c| c.3).collect();
    for r in seq::RULES {
        assert!(
            INVALID.iter().any(|c| c.2 == r.id) || bin.contains(&r.id),
            "rule {} has no test",
            r.id
        );
    }
}

#[test]
fn fasta_mapping_matches_gtrack_subtype() {
    let t = fasta(">chr1 desc\nACgt\nN\n>chr2\nTT\n");
    assert_eq!(t.track_type(), TrackType::Function);
    assert_eq!(t.seqs[0].starts, vec![0, 1, 2, 3, 4]);
    assert_eq!(t.seqs[0].ends, vec![1, 2, 3, 4, 5]);
    assert_eq!(chars(&t, 0), "ACgtN");
    assert_eq!(
        t.metadata,
        vec![("fasta header".to_string(), "chr1 desc".to_string())]
    );
    let g = "##gtrack version: 1.0\n##track type: function\n##value type: character\n###value\n\
             ####seqid=chr1; start=0; end=5\nA\nC\ng\nt\nN\n####seqid=chr2; start=0; end=2\nT\nT\n";
    let theirs = gtrack::read_str(g, "x.gtrack").unwrap().track;
    assert_eq!(t.schema, theirs.schema);
    assert_eq!(t.regions, theirs.regions);
    assert!(t.seqs.iter().zip(&theirs.seqs).all(|(a, b)| a.same(b)));
    gtrack_round_trip(&t);
}

#[test]
fn fixtures_read_and_round_trip() {
    let t = read_path(&data("multi.fa"), Format::Fasta).unwrap();
    assert_eq!(t.seqs.len(), 3);
    assert_eq!(chars(&t, 0), "ACGTacgtNNGGCC");
    assert_eq!(chars(&t, 1), "TTTTAAAACCGG");
    assert_eq!(t.seqs[2].len(), 0);
    assert_eq!(t.regions[2].end, Some(0));
    assert_eq!(
        format::losses(&t, Format::Fasta).unwrap(),
        Vec::<String>::new()
    );
    let mut out = Vec::new();
    format::write(&t, &mut out, Format::Fasta, &WriteOptions::default()).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with(">seq1 a small test sequence, soft-masked\nACGTacgtNNGGCC\n>seq2\n"),
        "{text}"
    );
    assert!(fasta(&text).same(&t));
    // 2bit keeps case and N; the header description is metadata 2bit cannot hold.
    assert_eq!(format::losses(&t, Format::TwoBit).unwrap().len(), 1);
    let mut plain = t.clone();
    plain.metadata.clear();
    let back = binary_round_trip(&plain, Format::TwoBit, "x.2bit");
    assert!(back.same(&plain));
    let p = read_path(&data("faq_protein.fa"), Format::Fasta).unwrap();
    assert_eq!(p.seqs[0].seqid, "MCHU");
    assert_eq!(p.len(), 150);
    assert!(chars(&p, 0).ends_with("MMTAK*"));
    gtrack_round_trip(&p);
    assert!(!format::losses(&p, Format::TwoBit).unwrap().is_empty());
}

#[test]
fn fasta_line_width_is_60() {
    let long: String = "ACGT".repeat(40);
    let t = fasta(&format!(">s\n{long}\n"));
    let mut out = Vec::new();
    format::write(&t, &mut out, Format::Fasta, &WriteOptions::default()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lens: Vec<usize> = text.lines().skip(1).map(str::len).collect();
    assert_eq!(lens, vec![60, 60, 40]);
}

#[test]
fn nib_one_sequence_named_by_file() {
    let t = fasta(">chrQ\nACGTNacgtnA\n");
    let back = binary_round_trip(&t, Format::Nib, "chrQ.nib");
    assert!(back.same(&t));
    let two = fasta(">a\nA\n>b\nC\n");
    assert!(matches!(
        format::losses(&two, Format::Nib),
        Err(Error::Unsupported { .. })
    ));
}

#[test]
fn unsupported_tracks() {
    let g = "##track type: valued segments\n###seqid\tstart\tend\tvalue\nchr1\t0\t10\t1\n";
    let t = gtrack::read_str(g, "x").unwrap().track;
    for f in [Format::Fasta, Format::TwoBit, Format::Nib] {
        assert!(matches!(
            format::losses(&t, f),
            Err(Error::Unsupported { .. })
        ));
    }
}

#[test]
fn gc_content_windows() {
    let t = fasta(">s\nGCATNNgcAT\n");
    let g1 = seq::gc_content(&t, 1);
    assert_eq!(g1.track_type(), TrackType::Function);
    let v = g1.seqs[0]
        .values
        .as_ref()
        .unwrap()
        .as_numbers()
        .unwrap()
        .to_vec();
    assert_eq!(&v[..4], &[1.0, 1.0, 0.0, 0.0]);
    assert!(v[4].is_nan() && v[5].is_nan());
    assert_eq!(v[6], 1.0);
    gtrack_round_trip(&g1);
    let g4 = seq::gc_content(&t, 4);
    assert_eq!(g4.track_type(), TrackType::StepFunction);
    assert_eq!(g4.seqs[0].starts, vec![0, 4, 8]);
    assert_eq!(g4.seqs[0].ends, vec![4, 8, 10]);
    let v = g4.seqs[0]
        .values
        .as_ref()
        .unwrap()
        .as_numbers()
        .unwrap()
        .to_vec();
    assert_eq!(v[0], 0.5);
    assert_eq!(v[1], 1.0, "NNgc: 2 of 2 informative bases");
    assert_eq!(v[2], 0.0);
    gtrack_round_trip(&g4);
    let n = seq::gc_content(&fasta(">s\nNNNN\n"), 2);
    assert!(n.seqs[0]
        .values
        .as_ref()
        .unwrap()
        .as_numbers()
        .unwrap()
        .iter()
        .all(|x| x.is_nan()));
}

#[test]
fn gzip_fasta() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.fa.gz");
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(&p).unwrap(),
        flate2::Compression::default(),
    );
    e.write_all(b">a\nACGT\n").unwrap();
    e.finish().unwrap();
    let (f, t) = format::read_path(p.to_str().unwrap(), None, &ReadOptions::default()).unwrap();
    assert_eq!(f, Format::Fasta);
    assert_eq!(t.len(), 4);
}

#[test]
fn real_fasta_count() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/spec/examples/gtrackcore-testdata/GESourceTracks/FastaGenomeElementSource/seq_chr21_10000.fa");
    if !p.exists() {
        println!("SKIPPED: {} not present", p.display());
        return;
    }
    let t = read_path(&p, Format::Fasta).unwrap();
    assert_eq!(t.seq(None, "chr21").unwrap().len(), 9804);
    assert_eq!((t.regions[0].start, t.regions[0].end), (0, Some(9804)));
    gtrack_round_trip(&t);
    let back = binary_round_trip(&t, Format::TwoBit, "chr21.2bit");
    assert!(back.same(&t));
}

/// Write with ours, read with the independent Python `twobitreader`.
#[test]
fn twobit_read_by_twobitreader() {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import twobitreader"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!("SKIPPED: python3 with twobitreader not available (pip install twobitreader)");
        return;
    }
    let t = fasta(">s1\nACGTNNNNacgtnnGATTACA\n>second\nTTTTTTTTTCCCCCg\n");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.2bit");
    format::write_path(
        &t,
        p.to_str().unwrap(),
        Format::TwoBit,
        &WriteOptions::default(),
    )
    .unwrap();
    let script = "import sys, twobitreader\nf = twobitreader.TwoBitFile(sys.argv[1])\nfor k in ['s1', 'second']:\n    print(k, f[k][:])\n";
    let out = std::process::Command::new("python3")
        .args(["-c", script, p.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // twobitreader reports N blocks as N and applies the soft mask.
    assert_eq!(text, "s1 ACGTNNNNacgtnnGATTACA\nsecond TTTTTTTTTCCCCCg\n");
}
