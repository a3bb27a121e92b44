//! Store behaviour: chunked import equals a sequential read, the memory
//! budget, corruption, interrupted imports, unknown sequences, versions,
//! re-import, the reference element counts.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use gtrack_formats::{format, Format, ReadOptions};
use gtrack_store::{Error, ImportOptions, Imported, Stat, Store, Verify};

/// A BED6 file with unsorted, overlapping and nested elements on several
/// sequences, some 1 bp, names and scores; deterministic.
fn write_bed(path: &Path, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "track name=test description=\"generated\"").unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let seq = ["chr1", "chr2", "chrX", "chr10"][(x % 4) as usize];
        let start = (x >> 8) % 100_000;
        let len = if i % 7 == 0 { 1 } else { (x >> 40) % 5_000 + 1 };
        let strand = ["+", "-", "."][(x >> 20) as usize % 3];
        writeln!(
            f,
            "{seq}\t{start}\t{}\tf{i}\t{}\t{strand}",
            start + len,
            (x >> 30) % 1000
        )
        .unwrap();
    }
}

fn opts(name: &str) -> ImportOptions {
    ImportOptions {
        name: Some(name.into()),
        sync: false,
        ..Default::default()
    }
}

fn imp(store: &Store, path: &Path, o: &ImportOptions) -> Result<Imported, Error> {
    store.import(&[path.to_string_lossy().into_owned()], o, &mut |_, _| {})
}

#[test]
fn chunked_parallel_import_equals_a_sequential_read() {
    let tmp = tempfile::tempdir().unwrap();
    let bed = tmp.path().join("a.bed");
    write_bed(&bed, 20_000);
    let (_, src) = format::read_path(
        bed.to_str().unwrap(),
        Some(Format::Bed),
        &ReadOptions::default(),
    )
    .unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    for (name, chunk, threads) in [
        ("one", 1 << 30, 1),
        ("small-chunks", 4096, 2),
        ("tiny-chunks", 1024, 3),
    ] {
        let o = ImportOptions {
            chunk_bytes: chunk,
            threads: Some(threads),
            ..opts(name)
        };
        imp(&store, &bed, &o).unwrap();
        let got = store
            .open_track(name, Verify::Checksums)
            .unwrap()
            .to_track()
            .unwrap();
        common::assert_same_sorted(&src, &got, name);
    }
}

#[test]
fn a_tiny_memory_budget_gives_the_same_track_as_an_unbounded_import() {
    let tmp = tempfile::tempdir().unwrap();
    let bed = tmp.path().join("a.bed");
    write_bed(&bed, 20_000);
    let store = Store::create(tmp.path().join("s")).unwrap();
    imp(&store, &bed, &opts("free")).unwrap();
    let tiny = ImportOptions {
        memory: Some(16 << 10),
        chunk_bytes: 8 << 10,
        ..opts("tiny")
    };
    imp(&store, &bed, &tiny).unwrap();
    let a = store.open_track("free", Verify::Checksums).unwrap();
    let b = store.open_track("tiny", Verify::Checksums).unwrap();
    // Same elements, same column files byte for byte.
    assert!(a.to_track().unwrap().same(&b.to_track().unwrap()));
    let (ma, mb) = (a.manifest(), b.manifest());
    assert_eq!(ma.seqs.len(), mb.seqs.len());
    for (x, y) in ma.seqs.iter().zip(&mb.seqs) {
        assert_eq!(x.files, y.files, "{}", x.seqid);
    }
    // Also for a non-chunked format spilled whole (GTrack with regions).
    let gt = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../formats/tests/data/valid/sorted_elements_with_brs.gtrack");
    imp(&store, &gt, &opts("g-free")).unwrap();
    imp(
        &store,
        &gt,
        &ImportOptions {
            memory: Some(1),
            ..opts("g-tiny")
        },
    )
    .unwrap();
    let a = store
        .open_track("g-free", Verify::Checksums)
        .unwrap()
        .to_track()
        .unwrap();
    let b = store
        .open_track("g-tiny", Verify::Checksums)
        .unwrap()
        .to_track()
        .unwrap();
    assert!(a.same(&b));
}

/// Column files larger than the 1 MiB write buffer go through O_DIRECT
/// (where the file system allows it): they must be byte-identical to
/// those written through the page cache, tails and all.
#[test]
fn direct_and_buffered_writes_give_identical_column_files() {
    let tmp = tempfile::tempdir().unwrap();
    let bed = tmp.path().join("a.bed");
    // ~150k elements per sequence: 1.2 MB per 8-byte column.
    write_bed(&bed, 600_000);
    let store = Store::create(tmp.path().join("s")).unwrap();
    imp(&store, &bed, &opts("direct")).unwrap();
    let buffered = ImportOptions {
        direct_io: false,
        ..opts("buffered")
    };
    imp(&store, &bed, &buffered).unwrap();
    let a = store.open_track("direct", Verify::Checksums).unwrap();
    let b = store.open_track("buffered", Verify::Checksums).unwrap();
    let (ma, mb) = (a.manifest(), b.manifest());
    let mut big = 0;
    for (x, y) in ma.seqs.iter().zip(&mb.seqs) {
        assert_eq!(x.files, y.files, "{}", x.seqid);
        for (f, e) in &x.files {
            big += usize::from(e.bytes > 1 << 20);
            let pa = tmp.path().join("s/tracks/direct").join(&x.dir).join(f);
            let pb = tmp.path().join("s/tracks/buffered").join(&y.dir).join(f);
            assert!(
                std::fs::read(&pa).unwrap() == std::fs::read(&pb).unwrap(),
                "{} differs",
                pa.display()
            );
        }
    }
    assert!(
        big >= 8,
        "only {big} column files above 1 MiB: the test no longer covers direct writes"
    );
    assert!(a.to_track().unwrap().same(&b.to_track().unwrap()));
}

/// Compressed input goes through the same chunked, read-ahead path: a
/// gzip file imports like the plain one; a truncated one fails with the
/// file named, leaving no track and no temporary files.
#[test]
fn gzip_input_imports_like_plain_and_truncated_gzip_fails_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let bed = tmp.path().join("a.bed");
    write_bed(&bed, 50_000);
    let raw = std::fs::read(&bed).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&raw).unwrap();
    let gz = gz.finish().unwrap();
    let whole = tmp.path().join("a.bed.gz");
    std::fs::write(&whole, &gz).unwrap();
    let cut = tmp.path().join("cut.bed.gz");
    std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    let small = |name: &str| ImportOptions {
        chunk_bytes: 64 << 10,
        ..opts(name)
    };
    imp(&store, &bed, &small("plain")).unwrap();
    imp(&store, &whole, &small("gz")).unwrap();
    let a = store.open_track("plain", Verify::Checksums).unwrap();
    let b = store.open_track("gz", Verify::Checksums).unwrap();
    assert!(a.to_track().unwrap().same(&b.to_track().unwrap()));
    let e = imp(&store, &cut, &small("cut")).expect_err("truncated gzip");
    assert!(e.to_string().contains("cut.bed.gz:0: io: "), "{e}");
    assert!(e.to_string().contains("truncated or damaged"), "{e}");
    assert!(store.open_track("cut", Verify::Trust).is_err());
    let left: Vec<_> = std::fs::read_dir(tmp.path().join("s/tmp"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn a_flipped_byte_in_a_column_is_reported_and_trust_skips_the_checksum() {
    let tmp = tempfile::tempdir().unwrap();
    let bed = tmp.path().join("a.bed");
    write_bed(&bed, 2_000);
    let store = Store::create(tmp.path().join("s")).unwrap();
    imp(&store, &bed, &opts("t")).unwrap();
    let file = store.track_dir("t").join("s00000/value.f64");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[13] ^= 0x40;
    std::fs::write(&file, &bytes).unwrap();
    let t = store.open_track("t", Verify::Checksums).unwrap();
    let e = t.verify_all().unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, Error::Corrupt { .. }), "{msg}");
    assert!(
        msg.contains("s00000/value.f64")
            && msg.contains("store-corrupt")
            && msg.contains("checksum mismatch"),
        "{msg}"
    );
    assert!(msg.contains("re-import"), "{msg}");
    // A query on that sequence fails the same way; others still work.
    let seq0 = t.manifest().seqs[0].seqid.clone();
    assert!(t.view(&seq0, 0, 1000).is_err());
    // --trust reads it (structure is still checked).
    let t = store.open_track("t", Verify::Trust).unwrap();
    t.verify_all().unwrap();
    // A truncated file is caught even with --trust.
    std::fs::write(&file, &bytes[..bytes.len() - 3]).unwrap();
    let t = store.open_track("t", Verify::Trust).unwrap();
    let msg = t.verify_all().unwrap_err().to_string();
    assert!(msg.contains("bytes, the manifest says"), "{msg}");
    // A missing file.
    std::fs::remove_file(&file).unwrap();
    let msg = store
        .open_track("t", Verify::Trust)
        .unwrap()
        .verify_all()
        .unwrap_err()
        .to_string();
    assert!(msg.contains("missing"), "{msg}");
}

#[test]
fn a_damaged_or_newer_manifest_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let bed = tmp.path().join("a.bed");
    write_bed(&bed, 100);
    let store = Store::create(tmp.path().join("s")).unwrap();
    imp(&store, &bed, &opts("t")).unwrap();
    let m = store.track_dir("t").join("manifest.json");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(&m, text.replace("\"version\": 1", "\"version\": 7")).unwrap();
    let msg = store
        .open_track("t", Verify::Checksums)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("store-version") && msg.contains("version 7") && msg.contains("re-import"),
        "{msg}"
    );
    std::fs::write(&m, &text[..text.len() / 2]).unwrap();
    let msg = store
        .open_track("t", Verify::Checksums)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("manifest.json") && msg.contains("not valid JSON"),
        "{msg}"
    );
}

#[test]
fn a_failed_import_leaves_no_track_and_no_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let bed = tmp.path().join("a.bed");
    write_bed(&bed, 5_000);
    // A bad line near the end: found in a late chunk.
    let mut f = std::fs::OpenOptions::new().append(true).open(&bed).unwrap();
    writeln!(f, "chr1\t100\t50\tbad\t0\t+").unwrap();
    drop(f);
    let store = Store::create(tmp.path().join("s")).unwrap();
    let o = ImportOptions {
        chunk_bytes: 4096,
        ..opts("t")
    };
    let e = imp(&store, &bed, &o).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("a.bed:5002: bed-start-after-end"), "{msg}");
    assert!(store.list().unwrap().is_empty());
    assert!(!store.track_dir("t").exists());
    assert_eq!(
        std::fs::read_dir(store.root().join("tmp")).unwrap().count(),
        0
    );
    // A failed re-import keeps the old version.
    let good = tmp.path().join("b.bed");
    write_bed(&good, 50);
    imp(&store, &good, &opts("t")).unwrap();
    let before = store
        .open_track("t", Verify::Checksums)
        .unwrap()
        .manifest()
        .clone();
    assert!(imp(&store, &bed, &o).is_err());
    let after = store.open_track("t", Verify::Checksums).unwrap();
    after.verify_all().unwrap();
    assert_eq!(&before, after.manifest());
}

#[test]
fn unknown_sequences_are_named_with_the_genome() {
    let tmp = tempfile::tempdir().unwrap();
    let bed = tmp.path().join("a.bed");
    std::fs::write(&bed, "chr1\t10\t20\tx\t1\t+\nchr2\t5\t6\ty\t2\t-\n").unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    let o = ImportOptions {
        read: ReadOptions {
            genome: Some(gtrack_core::Genome::bundled("hg38").unwrap()),
            ..Default::default()
        },
        ..opts("t")
    };
    imp(&store, &bed, &o).unwrap();
    let t = store.open_track("t", Verify::Checksums).unwrap();
    let msg = t
        .view("chr99", 0, 10)
        .err()
        .expect("unknown sequence")
        .to_string();
    assert!(
        msg.contains("`chr99`")
            && msg.contains("genome `hg38`")
            && msg.contains("store-unknown-seq"),
        "{msg}"
    );
    // A sequence of the genome without elements is just empty.
    assert_eq!(t.view("chr3", 0, 10).unwrap().len(), 0);
    // Past the end of a known sequence.
    let msg = t
        .view("chr1", 300_000_000, 300_000_010)
        .err()
        .unwrap()
        .to_string();
    assert!(msg.contains("beyond the end of `chr1`"), "{msg}");
    // Import with a genome that lacks a sequence of the input.
    let bad = tmp.path().join("b.bed");
    std::fs::write(&bad, "chr1\t10\t20\tx\t1\t+\nchrNope\t5\t6\ty\t2\t-\n").unwrap();
    let msg = imp(
        &store,
        &bad,
        &ImportOptions {
            name: Some("u".into()),
            ..o
        },
    )
    .unwrap_err()
    .to_string();
    assert!(msg.contains("chrNope") && msg.contains("hg38"), "{msg}");
    assert!(!store.track_dir("u").exists());
}

#[test]
fn unchanged_sources_are_not_imported_again() {
    let tmp = tempfile::tempdir().unwrap();
    let bed = tmp.path().join("a.bed");
    write_bed(&bed, 100);
    let store = Store::create(tmp.path().join("s")).unwrap();
    assert!(matches!(
        imp(&store, &bed, &opts("t")).unwrap(),
        Imported::Written(_)
    ));
    assert!(matches!(
        imp(&store, &bed, &opts("t")).unwrap(),
        Imported::Unchanged(_)
    ));
    let forced = ImportOptions {
        force: true,
        ..opts("t")
    };
    assert!(matches!(
        imp(&store, &bed, &forced).unwrap(),
        Imported::Written(_)
    ));
    write_bed(&bed, 101);
    assert!(matches!(
        imp(&store, &bed, &opts("t")).unwrap(),
        Imported::Written(_)
    ));
    assert_eq!(
        store
            .open_track("t", Verify::Checksums)
            .unwrap()
            .manifest()
            .count(),
        101
    );
}

#[test]
fn names_are_hierarchical_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let bed = tmp.path().join("a.bed");
    write_bed(&bed, 10);
    let store = Store::create(tmp.path().join("s")).unwrap();
    for n in [
        "encode/k562/h3k27ac",
        "encode/k562",
        "odd name/with spaces+ü",
    ] {
        imp(&store, &bed, &opts(n)).unwrap();
    }
    let names: Vec<String> = store.list().unwrap().into_iter().map(|m| m.name).collect();
    assert_eq!(
        names,
        [
            "encode/k562",
            "encode/k562/h3k27ac",
            "odd name/with spaces+ü"
        ]
    );
    for bad in ["", "a//b", "../x", "a/./b"] {
        let e = imp(&store, &bed, &opts(bad)).unwrap_err().to_string();
        assert!(e.contains("not a valid track name"), "{bad}: {e}");
    }
    let e = store
        .open_track("nope", Verify::Checksums)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no track `nope`") && e.contains("encode/k562"),
        "{e}"
    );
    // A non-empty directory that is not a store is refused.
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("x"), "x").unwrap();
    assert!(Store::create(&other).is_err());
}

#[test]
fn summaries_and_merged_counts_on_a_small_track() {
    let tmp = tempfile::tempdir().unwrap();
    let bed = tmp.path().join("a.bed");
    // Nested and touching segments with scores.
    std::fs::write(
        &bed,
        "chr1\t0\t100\ta\t10\t+\nchr1\t10\t20\tb\t20\t+\nchr1\t100\t110\tc\t30\t-\nchr1\t200\t201\td\t40\t.\n",
    )
    .unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    imp(&store, &bed, &opts("t")).unwrap();
    let t = store.open_track("t", Verify::Checksums).unwrap();
    assert_eq!(t.manifest().seqs[0].merged_count, 3); // touching 0-100 and 100-110 stay apart
    let whole = t.view("chr1", 0, 1_000).unwrap();
    assert_eq!(whole.merged(), [(0, 100), (100, 110), (200, 201)]);
    // An empty query interval matches nothing.
    assert!(t.view("chr1", 50, 50).unwrap().is_empty());
    let v = t.view("chr1", 15, 105).unwrap();
    let s = gtrack_store::summarize(&v);
    assert_eq!(s.get(Stat::Count), Some(3.0));
    assert_eq!(s.get(Stat::Coverage), Some(90.0));
    // 85 bp at 10, 5 bp at 20, 5 bp at 30.
    assert_eq!(
        s.get(Stat::Sum),
        Some(85.0 * 10.0 + 5.0 * 20.0 + 5.0 * 30.0)
    );
    assert_eq!(s.get(Stat::Mean), Some((850.0 + 100.0 + 150.0) / 95.0));
    assert_eq!(s.get(Stat::Min), Some(10.0));
    assert_eq!(s.get(Stat::Max), Some(30.0));
    // Nothing there: mean undefined, count 0.
    let v = t.view("chr1", 300, 400).unwrap();
    let s = gtrack_store::summarize(&v);
    assert_eq!((s.get(Stat::Count), s.get(Stat::Mean)), (Some(0.0), None));
}

/// The with-overlaps and merged element counts of the reference test
/// suite (reference-behaviour.md §7), on the real files.
#[test]
fn reference_element_counts() {
    let Some(shared) = common::shared() else {
        return;
    };
    let base = shared.join("spec/examples/gtrackcore-testdata/GESourceTracks");
    // (files, format, [(seq, with overlaps, merged)])
    type Case<'a> = (Vec<&'a str>, Option<Format>, Vec<(&'a str, u64, u64)>);
    let cases: Vec<Case> = vec![
        (
            vec![
                "BedGenomeElementSource/ucscGenes_chr21.bed",
                "BedGenomeElementSource/ucscGenes_chrM.bed",
            ],
            None,
            vec![("chr21", 828, 242), ("chrM", 11, 11)],
        ),
        (
            vec!["BedCategoryGenomeElementSource/combined.category.bed"],
            Some(Format::CategoryBed),
            vec![("chr21", 87, 38)],
        ),
        (
            vec!["BedValuedGenomeElementSource/geneswithpvals.valued.bed"],
            Some(Format::ValuedBed),
            vec![("chr21", 87, 38)],
        ),
        (
            vec!["FastaGenomeElementSource/seq_chr21_10000.fa"],
            None,
            vec![("chr21", 9804, 9804)],
        ),
        (
            vec!["GffGenomeElementSource/MotifFeatures_hg19_chr21.gff"],
            None,
            vec![("chr21", 5260, 3076)],
        ),
        (
            vec!["MicroarrayGenomeElementSource/test.microarray"],
            Some(Format::Bed15),
            vec![("chr21", 2, 2)],
        ),
        (
            vec!["BedGraphGenomeElementSource/generated_chr21_10000.bedgraph"],
            None,
            vec![("chr21", 10000, 10000)],
        ),
        (
            vec!["BedGraphTargetControlGenomeElementSource/test.targetcontrol.bedgraph"],
            None,
            vec![("chr21", 2, 2), ("chrM", 1, 1)],
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    let mut failures = Vec::new();
    for (k, (files, fmt, want)) in cases.iter().enumerate() {
        let paths: Vec<String> = files
            .iter()
            .map(|f| base.join(f).to_string_lossy().into_owned())
            .collect();
        let o = ImportOptions {
            format: *fmt,
            ..opts(&format!("c{k}"))
        };
        let m = match store.import(&paths, &o, &mut |_, _| {}) {
            Ok(m) => m.manifest().clone(),
            Err(e) => {
                failures.push(format!("{files:?}: {e}"));
                continue;
            }
        };
        for (seq, all, merged) in want {
            let s = m.seqs.iter().find(|s| s.seqid == *seq).unwrap();
            if (s.count, s.merged_count) != (*all, *merged) {
                failures.push(format!(
                    "{files:?} {seq}: got {} / {} merged, want {all} / {merged}",
                    s.count, s.merged_count
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // The point BED (PointBedGenomeElementSource) when present.
    let pb: PathBuf = base.join("PointBedGenomeElementSource");
    if pb.is_dir() {
        let files: Vec<String> = std::fs::read_dir(&pb)
            .unwrap()
            .map(|e| e.unwrap().path().to_string_lossy().into_owned())
            .collect();
        let m = store
            .import(&files, &opts("points"), &mut |_, _| {})
            .unwrap();
        let counts: Vec<(String, u64)> = m
            .manifest()
            .seqs
            .iter()
            .map(|s| (s.seqid.clone(), s.count))
            .collect();
        assert!(
            counts.contains(&("chr21".into(), 139)) && counts.contains(&("chrM".into(), 8)),
            "{counts:?}"
        );
    }
}

/// The source checksum is the XXH3-128 of the raw input bytes whichever
/// way it is computed (by the chunk reader from the bytes it reads, or by
/// re-reading the files), so an unchanged re-import is recognised.
#[test]
fn the_source_checksum_is_that_of_the_raw_bytes_however_the_input_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.bed"), tmp.path().join("b.bed"));
    write_bed(&a, 3_000);
    write_bed(&b, 2_000);
    let mut all = std::fs::read(&a).unwrap();
    all.extend(std::fs::read(&b).unwrap());
    let want = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&all));
    let inputs = [
        a.to_string_lossy().into_owned(),
        b.to_string_lossy().into_owned(),
    ];
    let store = Store::create(tmp.path().join("s")).unwrap();
    for (name, chunk) in [("chunks", 1024), ("one-chunk", 1 << 20)] {
        let o = ImportOptions {
            chunk_bytes: chunk,
            ..opts(name)
        };
        let m = store.import(&inputs, &o, &mut |_, _| {}).unwrap();
        assert!(matches!(m, Imported::Written(_)));
        assert_eq!(m.manifest().source.checksum, want, "{name}");
        let again = store.import(&inputs, &o, &mut |_, _| {}).unwrap();
        assert!(matches!(again, Imported::Unchanged(_)), "{name}");
    }
    // Expanding blocks reads whole files: the checksum is re-read.
    let o = ImportOptions {
        read: ReadOptions {
            expand_blocks: true,
            ..Default::default()
        },
        ..opts("expanded")
    };
    let m = store.import(&inputs, &o, &mut |_, _| {}).unwrap();
    assert_eq!(m.manifest().source.checksum, want);
}
