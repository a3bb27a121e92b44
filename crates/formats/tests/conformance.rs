//! Conformance: the project's valid and invalid GTrack corpora, the
//! examples of the specification (when `../shared` is present), and the
//! invariants of the GTrack tools on every valid file.

use std::path::{Path, PathBuf};

use gtrack_formats::gtrack::{self, tools, ReadOptions, Severity, WriteOptions};

fn data(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(sub)
}

fn shared_examples() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec/examples");
    p.is_dir().then_some(p)
}

/// The decompressed bytes of a file.
fn slurp(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut v = Vec::new();
    gtrack_formats::io::open_input(path.to_str().unwrap())
        .unwrap()
        .read_to_end(&mut v)
        .unwrap();
    v
}

static SUBTYPE_FITS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn read(path: &Path) -> Result<gtrack::Parsed, Vec<gtrack::Diagnostic>> {
    gtrack::read_path(path.to_str().unwrap(), ReadOptions::default())
}

/// Write → read gives an equal track; writing is deterministic; the
/// written text validates.
fn assert_round_trip(name: &str, p: &gtrack::Parsed) {
    // Under every bundled subtype that claims to fit, writing is lossless.
    for &sub in gtrack::subtype::BUNDLED {
        if sub == "withsubtypeurl" || gtrack::writer::subtype_fit(&p.track, sub).is_err() {
            continue;
        }
        SUBTYPE_FITS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let opts = WriteOptions {
            subtype: Some(sub),
            ..Default::default()
        };
        let text = gtrack::write_string(&p.track, &opts);
        let again = gtrack::read_str(&text, name).unwrap_or_else(|d| {
            panic!("{name}: written with subtype {sub}, does not parse: {d:?}\n{text}")
        });
        assert!(
            again.track.same(&p.track),
            "{name}: round trip with subtype {sub} changed the track\n{text}"
        );
        assert_eq!(again.subtype, Some(sub), "{name}: subtype not declared");
    }
    for opts in [
        WriteOptions::default(),
        WriteOptions {
            full_headers: true,
            ..Default::default()
        },
        WriteOptions {
            one_indexed: true,
            end_inclusive: true,
            ..Default::default()
        },
    ] {
        let text = gtrack::write_string(&p.track, &opts);
        let again = gtrack::read_str(&text, name)
            .unwrap_or_else(|d| panic!("{name}: written text does not parse: {d:?}\n{text}"));
        assert!(
            again.track.same(&p.track),
            "{name}: round trip changed the track\n{text}"
        );
        assert_eq!(
            text,
            gtrack::write_string(&again.track, &opts),
            "{name}: writer not deterministic"
        );
    }
}

/// Tools: expand-headers is idempotent and keeps the elements; sort gives
/// a sorted file with the same elements; standardize gives linked valued
/// segments with the same number of elements.
fn assert_tools(name: &str, text: &[u8], p: &gtrack::Parsed) {
    let e1 = tools::expand_headers(text, name, Default::default())
        .unwrap_or_else(|d| panic!("{name}: expand: {d:?}"));
    let e2 = tools::expand_headers(e1.as_bytes(), name, Default::default()).unwrap();
    assert_eq!(e1, e2, "{name}: expand-headers is not idempotent");
    let pe = gtrack::read_str(&e1, name).unwrap();
    assert_eq!(
        pe.track.len(),
        p.track.len(),
        "{name}: expand changed the element count"
    );
    assert_eq!(
        pe.track.track_type(),
        p.track.track_type(),
        "{name}: expand changed the type"
    );
    let full = tools::expand_headers(text, name, tools::ExpandOptions { full: true }).unwrap();
    assert!(
        full.contains("##sorted elements:") && full.contains("##1-indexed:"),
        "{name}: full headers"
    );

    let mut sorted = p.track.clone();
    tools::sort(&mut sorted);
    let st = gtrack::write_string(&sorted, &WriteOptions::default());
    let ps = gtrack::read_str(&st, name).unwrap();
    assert!(
        gtrack::writer::guarantees(&ps.track).sorted,
        "{name}: sort output not sorted\n{st}"
    );
    assert_eq!(ps.track.len(), p.track.len());
    let mut a: Vec<(String, u64, u64)> = Vec::new();
    let mut b = Vec::new();
    for (t, v) in [(&p.track, &mut a), (&ps.track, &mut b)] {
        for s in &t.seqs {
            for i in 0..s.len() {
                v.push((s.seqid.clone(), s.starts[i], s.ends[i]));
            }
        }
        v.sort();
    }
    assert_eq!(a, b, "{name}: sort changed the elements");

    if let Ok(std) = tools::standardize(&p.track, name) {
        let t = gtrack::write_string(&std, &WriteOptions::default());
        let pst = gtrack::read_str(&t, name)
            .unwrap_or_else(|d| panic!("{name}: standardized text invalid {d:?}\n{t}"));
        assert_eq!(
            pst.track.track_type(),
            gtrack_core::TrackType::LinkedValuedSegments
        );
        assert_eq!(pst.track.len(), p.track.len());
        assert!(
            t.contains("###seqid\tstart\tend\tvalue\tstrand\tid\tedges"),
            "{name}: {t}"
        );
    }
}

#[test]
fn valid_corpus_matches_manifest() {
    let dir = data("valid");
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).expect("manifest.tsv");
    let mut n = 0;
    let mut failures = Vec::new();
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let path = dir.join(f[0]);
        let p = match read(&path) {
            Ok(p) => p,
            Err(d) => {
                failures.push(format!(
                    "{}: {}",
                    f[0],
                    d.iter()
                        .map(|d| d.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
                continue;
            }
        };
        let t = &p.track;
        let vt = t
            .schema
            .value
            .map_or("-".to_string(), |v| v.ty.name().to_string());
        let vd = t
            .schema
            .value
            .map_or("-".to_string(), |v| v.dim.name().to_string());
        let got = format!(
            "{}\t{}\t{}\t{}\t{}",
            t.track_type(),
            t.len(),
            vt,
            vd,
            t.regions.len()
        );
        let want = f[1..6].join("\t");
        if got != want {
            failures.push(format!("{}: expected {want:?}, got {got:?}", f[0]));
            continue;
        }
        assert_round_trip(f[0], &p);
        assert_tools(f[0], &slurp(&path), &p);
        n += 1;
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(n >= 100, "only {n} valid fixtures");
    let fits = SUBTYPE_FITS.load(std::sync::atomic::Ordering::Relaxed);
    assert!(fits >= 20, "only {fits} fixture/subtype fits exercised");
}

/// `best_subtype` picks the bundled subtype a format's reader would name.
#[test]
fn best_subtype_picks_the_matching_bundled_subtype() {
    let cases = [
        ("##track type: valued segments\n###seqid\tstart\tend\tvalue\nchr1\t0\t10\t1.5\nchr1\t20\t30\t2\n", Some("bedgraph")),
        ("##track type: valued segments\n###seqid\tstart\tend\tname\tvalue\tstrand\nchr1\t0\t10\ta\t5\t+\n", Some("bed6")),
        ("##track type: segments\n###seqid\tstart\tend\nchr1\t0\t10\n", Some("bed3")),
        ("##track type: function\n##value type: character\n###value\n####seqid=chr1; start=0; end=4\nA\nC\nG\nT\n", Some("fasta")),
        ("##track type: linked segments\n###seqid\tstart\tend\tid\tedges\nchr1\t0\t10\ta\t.\n", None),
    ];
    for (text, want) in cases {
        let p = gtrack::read_str(text, "case").unwrap();
        let got = gtrack::writer::best_subtype(&p.track);
        assert_eq!(got, want, "{text}");
        if let Some(sub) = got {
            let out = gtrack::write_string(
                &p.track,
                &WriteOptions {
                    subtype: Some(sub),
                    ..Default::default()
                },
            );
            assert!(
                out.starts_with(&format!("##subtype url: http://gtrack.no/{sub}.gtrack\n")),
                "{out}"
            );
            assert!(gtrack::read_str(&out, "again")
                .unwrap()
                .track
                .same(&p.track));
        }
    }
    // A subtype that does not fit is refused with a reason.
    let p = gtrack::read_str(cases[2].0, "case").unwrap();
    let why = gtrack::writer::subtype_fit(&p.track, "bedgraph").unwrap_err();
    assert!(why.contains("valued segments"), "{why}");
}

#[test]
fn invalid_corpus_reports_rule_and_line() {
    let dir = data("invalid");
    let expected = std::fs::read_to_string(dir.join("expected.tsv")).expect("expected.tsv");
    let mut n = 0;
    let mut failures = Vec::new();
    let mut rules = std::collections::BTreeSet::new();
    for line in expected.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let (file, want_line, want_rule) = (f[0], f[1].parse::<u64>().unwrap(), f[2]);
        assert!(
            gtrack::Rule::from_id(want_rule).is_some(),
            "{file}: unknown rule {want_rule}"
        );
        let path = dir.join(file);
        let name = path.to_str().unwrap();
        let diags = gtrack::validate(
            std::fs::File::open(&path)
                .map(std::io::BufReader::new)
                .unwrap(),
            name,
            ReadOptions::default(),
        );
        let errors: Vec<_> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let hit = errors
            .iter()
            .find(|d| d.rule.id() == want_rule && d.line == want_line);
        match hit {
            Some(d) => {
                let s = d.to_string();
                assert!(
                    s.starts_with(&format!("{name}:{want_line}: {want_rule}: ")),
                    "{s}"
                );
                rules.insert(want_rule);
            }
            None => failures.push(format!(
                "{file}: expected {want_rule} at line {want_line}, got [{}]",
                errors
                    .iter()
                    .map(|d| format!("{}@{}", d.rule, d.line))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
        // Reading as a track must fail too.
        assert!(
            read(&path).is_err(),
            "{file}: read_track accepted an invalid file"
        );
        n += 1;
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(n >= 100, "only {n} invalid fixtures");
    eprintln!("{n} invalid fixtures covering {} rules", rules.len());
}

#[test]
fn spec_examples_validate_and_round_trip() {
    let Some(root) = shared_examples() else {
        eprintln!("SKIPPED: ../shared/spec/examples not present");
        return;
    };
    let mut n = 0;
    for sub in [
        "gtrack-repo/gtrack/examples",
        "hyperbrowser/data-gsuite",
        "hyperbrowser/demo-data-gsuite",
        "gtrackcore-testdata/GESourceTracks/GtrackGenomeElementSource",
    ] {
        let Ok(rd) = std::fs::read_dir(root.join(sub)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = rd
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "gtrack"))
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let p = read(&path).unwrap_or_else(|d| panic!("{name}: {d:?}"));
            assert_round_trip(&name, &p);
            assert_tools(&name, &slurp(&path), &p);
            n += 1;
        }
    }
    assert!(n >= 26, "only {n} example files found");
}

#[test]
fn spec_examples_have_the_documented_content() {
    let Some(root) = shared_examples() else {
        eprintln!("SKIPPED: ../shared/spec/examples not present");
        return;
    };
    let ex = root.join("gtrack-repo/gtrack/examples");
    let p = read(&ex.join("Example_5B.gtrack")).unwrap();
    // Fixed length 50 + gap 50, 1-indexed inclusive: chr1 201-250, 301-350.
    assert_eq!(p.track.seqs[0].starts, vec![200, 300]);
    assert_eq!(p.track.seqs[0].ends, vec![250, 350]);
    let a = read(&ex.join("Example_5A.gtrack")).unwrap();
    assert!(a
        .track
        .seqs
        .iter()
        .zip(&p.track.seqs)
        .all(|(x, y)| x.starts == y.starts && x.ends == y.ends));
    // 6A and 6B are the same function track.
    let a = read(&ex.join("Example_6A.gtrack")).unwrap();
    let b = read(&ex.join("Example_6B.gtrack")).unwrap();
    assert!(a.track.same(&b.track));
    // 7B: 107 + 58 bases.
    let f = read(&ex.join("Example_7B.gtrack")).unwrap();
    assert_eq!(
        f.track.seqs.iter().map(|s| s.len()).collect::<Vec<_>>(),
        vec![107, 58]
    );
    assert_eq!(f.track.regions[0].end, Some(107));
    // C2 is the step-function version of C1's points.
    let c2 = read(&ex.join("Example_C2.gtrack")).unwrap();
    assert_eq!(c2.track.seqs[0].starts, vec![200, 300, 400, 500]);
    // D: the edges column is the renamed `undirected` one, symmetric.
    let d = read(&ex.join("Example_D.gtrack")).unwrap();
    assert!(tools::edges_undirected(&d.track));
}

/// Reproducers found by fuzzing (fuzz/FINDINGS.md): never a panic, a
/// clear error where the input is invalid, and stable expand-headers.
#[test]
fn fuzz_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    for (file, rule, line) in [
        ("F1-number-overflow-inf.gtrack", "number", 3),
        ("F2-fixed-length-plus-gap-overflow.gtrack", "fixed-gap", 3),
        ("F3-implicit-end-overflow.gtrack", "position", 4),
    ] {
        let d = read(&dir.join(file)).expect_err(file);
        assert!(
            d.iter().any(|d| d.rule.id() == rule && d.line == line),
            "{file}: {d:?}"
        );
    }
    let text = slurp(&dir.join("F4-expand-not-idempotent.gtrack"));
    let e1 = tools::expand_headers(&text, "F4", Default::default()).unwrap();
    let e2 = tools::expand_headers(e1.as_bytes(), "F4", Default::default()).unwrap();
    assert_eq!(e1, e2);
    assert!(e1.contains("##value type: number\n"), "{e1}");
}
