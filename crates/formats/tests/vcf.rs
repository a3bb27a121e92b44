//! VCF: mapping, validation, writer and round trips.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use gtrack_core::track::Track;
use gtrack_core::track_type::TrackType;
use gtrack_formats::format::{self, Format, ReadOptions, WriteOptions};
use gtrack_formats::{gtrack, vcf, Error};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/vcf")
        .join(name)
}

fn read_file(name: &str) -> Result<Track, Error> {
    let p = data(name);
    format::read_path(
        p.to_str().unwrap(),
        Some(Format::Vcf),
        &ReadOptions::default(),
    )
    .map(|(_, t)| t)
}

fn write_str(t: &Track) -> String {
    let mut out = Vec::new();
    format::write(t, &mut out, Format::Vcf, &WriteOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

fn round_trips(t: &Track) {
    let g = gtrack::write_string(t, &gtrack::WriteOptions::default());
    let back = gtrack::read_str(&g, "rt.gtrack")
        .unwrap_or_else(|e| panic!("{e:?}\n{g}"))
        .track;
    assert!(t.same(&back), "GTrack round trip differs:\n{g}");
    assert!(vcf::losses(t, Format::Vcf).unwrap().is_empty());
    let text = write_str(t);
    let again = format::read(
        Cursor::new(text.as_bytes()),
        "rt.vcf",
        Format::Vcf,
        &ReadOptions::default(),
    )
    .unwrap();
    assert!(t.same(&again), "VCF round trip differs:\n{text}");
}

#[test]
fn spec_example() {
    let t = read_file("spec.vcf").unwrap();
    assert_eq!(t.track_type(), TrackType::ValuedPoints);
    assert_eq!(
        t.schema.columns.extra,
        vec!["name", "ref", "alt", "filter", "info", "format", "na00001", "na00002", "na00003"]
    );
    assert_eq!(t.seqids(), vec!["20", "21"]);
    let s = &t.seqs[0];
    assert_eq!(s.starts, vec![14369, 17329, 1110695, 1230236, 1234566]);
    assert_eq!(s.ends, vec![14370, 17330, 1110696, 1230237, 1234567]);
    assert_eq!(
        s.values.as_ref().unwrap().as_numbers().unwrap(),
        &[29.0, 3.0, 67.0, 47.0, 50.5]
    );
    assert_eq!(s.extras[0].get(0), Some("rs6054257"));
    assert_eq!(s.extras[1].get(4), Some("GTC"));
    assert_eq!(s.extras[2].get(4), Some("G,GTCT"));
    assert_eq!(s.extras[8].get(2), Some("2/2:35"));
    assert!(t.seqs[1].values.as_ref().unwrap().as_numbers().unwrap()[0].is_nan());
    assert_eq!(t.metadata.len(), 16);
    assert_eq!(
        t.metadata[13],
        ("vcf-sample".to_string(), "NA00001".to_string())
    );
    assert_eq!(
        t.metadata[0],
        ("vcf".to_string(), "fileformat=VCFv4.2".to_string())
    );
    round_trips(&t);
    // Written back byte for byte.
    assert_eq!(
        write_str(&t),
        std::fs::read_to_string(data("spec.vcf")).unwrap()
    );
}

#[test]
fn sites_only() {
    let t = read_file("sites.vcf").unwrap();
    assert_eq!(t.schema.columns.extra.len(), 5);
    assert_eq!(t.len(), 3);
    round_trips(&t);
    // QUAL 1e3 is written as 1000: same track, different text.
    assert!(write_str(&t).contains("\trs1\tac\tA,*\t1000\tPASS\tX=1\n"));
}

#[test]
fn bgzipped_input() {
    // bgzip output is a series of gzip members: write the file in two.
    let text = std::fs::read(data("spec.vcf")).unwrap();
    let mut gz = Vec::new();
    for part in [&text[..300], &text[300..]] {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(part).unwrap();
        gz.extend(e.finish().unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("spec.vcf.gz");
    std::fs::write(&p, gz).unwrap();
    let (fmt, t) = format::read_path(p.to_str().unwrap(), None, &ReadOptions::default()).unwrap();
    assert_eq!(fmt, Format::Vcf);
    assert!(t.same(&read_file("spec.vcf").unwrap()));
}

/// (file, line, rule)
const BAD: &[(&str, u64, &str)] = &[
    ("fileformat.vcf", 1, "vcf-fileformat"),
    ("header-missing.vcf", 2, "vcf-header-line"),
    ("header-short.vcf", 2, "vcf-header-line"),
    ("header-late-meta.vcf", 3, "vcf-header-line"),
    ("header-none.vcf", 1, "vcf-header-line"),
    ("sample-name.vcf", 2, "vcf-sample-name"),
    ("columns.vcf", 3, "vcf-columns"),
    ("position.vcf", 4, "vcf-position"),
    ("ref.vcf", 3, "vcf-ref"),
    ("alt.vcf", 3, "vcf-alt"),
    ("qual.vcf", 3, "vcf-qual"),
];

#[test]
fn bad_inputs_name_file_line_and_rule() {
    for &(name, line, rule) in BAD {
        let p = data(&format!("bad/{name}"));
        let ps = p.to_str().unwrap();
        match format::read_path(ps, Some(Format::Vcf), &ReadOptions::default()) {
            Err(Error::Format(e)) => {
                assert_eq!(e.path, ps, "{name}");
                assert_eq!((e.line, e.rule), (line, rule), "{name}: {e}");
            }
            other => panic!("{name}: expected a format error, got {other:?}"),
        }
    }
}

#[test]
fn every_rule_is_tested() {
    for r in vcf::RULES {
        assert!(BAD.iter().any(|b| b.2 == r.id), "rule {} untested", r.id);
        assert!(r.id.starts_with("vcf-"));
    }
}

#[test]
fn genome_lengths_are_checked() {
    let g = gtrack_core::genome::Genome::new("demo", vec![("chr1".into(), 50)]).unwrap();
    let opts = ReadOptions {
        genome: Some(g),
        ..Default::default()
    };
    let text = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t51\t.\tA\tC\t.\t.\t.\n";
    match format::read(Cursor::new(text.as_bytes()), "g.vcf", Format::Vcf, &opts) {
        Err(Error::Format(e)) => assert_eq!((e.line, e.rule), (3, "vcf-position")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn writing_other_tracks() {
    // BED-like points without REF: unsupported.
    let t = gtrack::read_str(
        "##track type: points\n###seqid\tstart\nchr1\t5\n",
        "p.gtrack",
    )
    .unwrap()
    .track;
    assert!(matches!(
        vcf::losses(&t, Format::Vcf),
        Err(Error::Unsupported {
            target: Format::Vcf,
            ..
        })
    ));
    // Segments with ref/alt columns: the id becomes the VCF ID, ends of the
    // REF length are kept, other lengths and extra columns are losses.
    let g = "##track type: segments\n###seqid\tstart\tend\tid\tref\talt\tnote\nchr1\t9\t12\tv1\tACG\tA\tx\nchr1\t20\t30\tv2\tC\tT\ty\n";
    let t = gtrack::read_str(g, "s.gtrack").unwrap().track;
    let l = vcf::losses(&t, Format::Vcf).unwrap();
    assert_eq!(l.len(), 2, "{l:?}");
    let out = write_str(&t);
    assert_eq!(
        out,
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t10\tv1\tACG\tA\t.\t.\t.\nchr1\t21\tv2\tC\tT\t.\t.\t.\n"
    );
    let back = format::read(
        Cursor::new(out.as_bytes()),
        "o.vcf",
        Format::Vcf,
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(back.len(), 2);
}
