//! The parts together: FAIRtracks → GSuite and hub → GSuite outputs pass
//! the GSuite validator and read back unchanged (no double encoding), and
//! a search index built from every kind of source (catalogue, hub, GSuite,
//! FAIRtracks) answers queries with the expected records.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gtrack_collections::gsuite::{self, GSuite, ReadOptions};
use gtrack_collections::hub::{self, LoadOptions};
use gtrack_collections::search::{self, parse_query, Index, SearchError, SourceOptions};
use gtrack_collections::{catalog, fairtracks};
use serde_json::Value;

fn data(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(p)
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Write `g`, validate the text with the GSuite reader, and check that it
/// reads back to the same model and writes the same text again.
fn round_trip(g: &GSuite, name: &str) {
    let text = g.to_text();
    let p = gsuite::parse_str(&text, name, &ReadOptions::default())
        .unwrap_or_else(|d| panic!("{name}: {d:?}\n{text}"));
    assert_eq!(&p.suite, g, "{name}: read back differs");
    assert_eq!(p.suite.to_text(), text, "{name}: written twice differs");
    assert!(g.check(name, &ReadOptions::default()).is_empty());
}

// ---------------------------------------------------------------- GSuite round trips

#[test]
fn fairtracks_to_gsuite_validates_and_reads_back() {
    let doc = fairtracks::read_path(&data("fairtracks/valid.json")).unwrap();
    let g = fairtracks::to_gsuite(&doc).unwrap();
    round_trip(&g, "valid.gsuite");
    assert_eq!(g.header("location"), Some("remote"));

    // Values GSuite must escape: `%`, a tab, a line break, a leading `#`
    // in a label, a space in a URL and an escape already in a URL.
    let mut doc: Value = doc;
    doc["tracks"][0]["label_short"] = "#1 100% K562\tpeaks".into();
    doc["tracks"][0]["label_long"] = "two\nlines".into();
    doc["tracks"][1]["file_url"] = "https://tracks.example.org/k562/my signal%2B.bw".into();
    let g = fairtracks::to_gsuite(&doc).unwrap();
    round_trip(&g, "escaped.gsuite");
    let text = g.to_text();
    assert!(text.contains("my%20signal%2B.bw"), "{text}");
    // The URI keeps its escape; the `file_url` field is text, where `%` is
    // a literal and is escaped once.
    assert!(
        !text.contains("my%20signal%252B"),
        "no double encoding: {text}"
    );
    assert!(text.contains("#1 100%25 K562%09peaks"), "{text}");
    assert!(text.contains("two%0Alines"), "{text}");
    let back = gsuite::parse_str(&text, "x", &ReadOptions::default()).unwrap();
    assert_eq!(back.suite.field(0, "title"), Some("#1 100% K562\tpeaks"));
    assert_eq!(
        back.suite.uri(1),
        Some("https://tracks.example.org/k562/my%20signal%2B.bw")
    );
    assert_eq!(
        back.suite.field(1, "file_url"),
        Some("https://tracks.example.org/k562/my signal%2B.bw")
    );
}

#[test]
fn shared_fairtracks_examples_convert_to_valid_gsuite() {
    let dir = shared().join("spec/collections/fairtracks/v1.0.2/examples");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("SKIPPED: {} not present", dir.display());
        return;
    };
    let mut n = 0;
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let Ok(doc) = fairtracks::read_path(&p) else {
            continue;
        };
        if doc.get("tracks").is_none() {
            continue;
        }
        let g = fairtracks::to_gsuite(&doc).unwrap();
        round_trip(&g, &p.display().to_string());
        n += 1;
    }
    assert!(
        n >= 1,
        "no FAIRtracks collection document in {}",
        dir.display()
    );
}

#[test]
fn hub_to_gsuite_validates_and_reads_back() {
    let l = hub::load(
        data("hubs/good/hub.txt").to_str().unwrap(),
        &LoadOptions::default(),
    )
    .unwrap();
    let rows = l.hub.rows(None).unwrap();
    let g = hub::rows_to_gsuite(&rows);
    round_trip(&g, "good.gsuite");
    assert_eq!(g.len(), rows.len());
    // Labels repeated across genomes stay unique titles.
    let titles: BTreeSet<_> = (0..g.len()).map(|r| g.field(r, "title")).collect();
    assert_eq!(titles.len(), g.len());

    // Metadata values with `%`, tabs and URLs with spaces.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("hub.txt"),
        "hub h\nshortLabel H\nlongLabel Hub H\nuseOneFile on\nemail a@b.org\ndescriptionUrl d.html\n\n\
         genome hg38\n\n\
         track t1\nshortLabel 50% GC\nlongLabel Fifty per cent\ntype bigWig\nbigDataUrl data/a b.bw\nmetadata note=\"x%y\"\n\n\
         track t2\nshortLabel 50% GC\nlongLabel Again\ntype bigBed 6\nbigDataUrl https://example.org/x%20y.bb\n",
    )
    .unwrap();
    let l = hub::load(
        d.path().join("hub.txt").to_str().unwrap(),
        &LoadOptions::default(),
    )
    .unwrap();
    let g = hub::rows_to_gsuite(&l.hub.rows(None).unwrap());
    round_trip(&g, "awkward.gsuite");
    let text = g.to_text();
    assert!(text.contains("https://example.org/x%20y.bb"), "{text}");
    assert!(!text.contains("%2520"), "no double encoding: {text}");
    assert!(text.contains("a%20b.bw"), "{text}");
    assert!(text.contains("50%25 GC"), "{text}");
    assert!(text.contains("##track type: multiple\n"), "{text}");
}

#[test]
fn shared_hubs_convert_to_valid_gsuite() {
    let root = shared().join("spec/collections/trackhubs");
    if !root.is_dir() {
        println!("SKIPPED: {} not present", root.display());
        return;
    }
    let mut stack = vec![root];
    let mut n = 0;
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.file_name().and_then(|x| x.to_str()).unwrap_or("");
            if !name.ends_with("hub.txt") && !name.ends_with("trackDb.txt") {
                continue;
            }
            let Ok(l) = hub::load(p.to_str().unwrap(), &LoadOptions::default()) else {
                continue;
            };
            let rows = l.hub.rows(None).unwrap();
            round_trip(&hub::rows_to_gsuite(&rows), &p.display().to_string());
            n += 1;
        }
    }
    assert!(n >= 3, "only {n} hubs found");
}

// ---------------------------------------------------------------- search over every source

fn everything() -> Index {
    let mut ix = Index::in_memory().unwrap();
    let opts = SourceOptions::default();
    let add = |ix: &mut Index, s: &str| ix.add_source(s, &opts).unwrap();
    let a = add(&mut ix, "catalog");
    assert_eq!(
        (a.kind, a.records),
        ("catalog", catalog::collections().len())
    );
    let a = add(&mut ix, data("hubs/good/hub.txt").to_str().unwrap());
    assert_eq!(a.kind, "hub");
    assert!(a.findings.is_empty(), "{:?}", a.findings);
    let a = add(&mut ix, data("search/chip.gsuite").to_str().unwrap());
    assert_eq!((a.kind, a.records), ("gsuite", 3));
    let a = add(&mut ix, data("search/variants.gsuite").to_str().unwrap());
    assert_eq!((a.kind, a.records), ("gsuite", 4));
    let a = add(&mut ix, data("fairtracks/valid.json").to_str().unwrap());
    assert_eq!((a.kind, a.records), ("fairtracks", 3));
    ix
}

fn titles(ix: &Index, q: &str) -> BTreeSet<String> {
    let q = parse_query(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    ix.search(&q, 1000)
        .unwrap()
        .into_iter()
        .map(|h| h.record.title)
        .collect()
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_source_kind_is_searchable() {
    let ix = everything();
    let hub_rows = hub::load(
        data("hubs/good/hub.txt").to_str().unwrap(),
        &LoadOptions::default(),
    )
    .unwrap()
    .hub
    .rows(None)
    .unwrap();
    assert_eq!(
        ix.len().unwrap(),
        catalog::collections().len() + 1 + hub_rows.len() + 3 + 4 + 3
    );
    let cases: Vec<(&str, Vec<&str>)> = vec![
        // catalogue: relations, taxa and assays as facets and text
        (
            "kind:collection ENCODE",
            vec![
                "ArrayExpress",
                "ENCODE",
                "Expression Atlas",
                "Gene Expression Omnibus (GEO)",
                "International Human Epigenome Consortium (IHEC)",
                "ReMap",
            ],
        ),
        ("kind:hub", vec!["Good hub"]),
        ("kind:hub assembly:GRCm38", vec!["Good hub"]),
        // hub tracks: subgroup facets (cell label "K562 leukemia"),
        // metadata (antibody), genome synonyms
        (
            "cell:K562 kind:track",
            vec![
                "K562 peaks",
                "K562 signal",
                "K562 H3K27ac reads",
                "K562 H3K4me3 peaks",
                "K562 H3K4me3 signal",
            ],
        ),
        ("cell:HepG2 assembly:GRCh38", vec!["HepG2 peaks"]),
        ("cell:HepG2 assembly:hg19", vec!["HepG2 CTCF peaks"]),
        ("target:H3K27ac assembly:hg38", vec!["HepG2 peaks"]),
        (
            "target:H3K27ac",
            vec!["HepG2 peaks", "GM12878 H3K27ac peaks", "K562 H3K27ac reads"],
        ),
        (
            "type:bigWig assembly:GCA_000001405.15",
            vec!["K562 signal", "Plus", "Minus", "K562 H3K4me3 signal"],
        ),
        ("tracktype:\"linked segments\"", vec!["Loops"]),
        // chromosome aliases: the file name or a column names it
        ("chrom:22", vec!["1000G chr22 variants"]),
        ("chrom:chr22", vec!["1000G chr22 variants"]),
        ("chrom:MT", vec!["1000G mitochondrial variants"]),
        ("chrom:chrM", vec!["1000G mitochondrial variants"]),
        ("chrom:x", vec!["1000G X variants"]),
        ("chrom:chrX", vec!["1000G X variants"]),
        ("chrom:1", vec![]),
        (
            "assay:genotyping -chrom:22 -chrom:X -chrom:M",
            vec!["1000G all variants"],
        ),
        // FAIRtracks with linked objects
        (
            "assay:OBI:0002017 species:9606",
            vec!["K562 H3K4me3 peaks", "K562 H3K4me3 signal"],
        ),
        // liver: a FAIRtracks sample and a faceted composite's metadata table
        ("tissue:liver", vec!["Liver RNA coverage", "Liver 1"]),
        (
            "tissue:liver assembly:mm10 kind:track source:hub.txt",
            vec!["Liver 1"],
        ),
    ];
    for (q, want) in cases {
        assert_eq!(titles(&ix, q), set(&want), "query `{q}`");
    }
    // Track records of the hub carry their facets for display.
    let hits = ix
        .search(&parse_query("cell:HepG2 assembly:hg38").unwrap(), 10)
        .unwrap();
    assert_eq!(hits[0].facet("assembly"), "hg38");
    assert_eq!(hits[0].facet("type"), "bigBed");
    assert!(hits[0].record.uri.ends_with("hepg2.peaks.bb"));
    // Catalogue entries carry taxa as species facets.
    let mouse = titles(&ix, "kind:collection species:10090");
    assert!(mouse.contains("ENCODE"), "{mouse:?}");
}

#[test]
fn a_hub_gsuite_indexes_like_the_hub() {
    let l = hub::load(
        data("hubs/good/hub.txt").to_str().unwrap(),
        &LoadOptions::default(),
    )
    .unwrap();
    let g = hub::rows_to_gsuite(&l.hub.rows(None).unwrap());
    let mut a = Index::in_memory().unwrap();
    a.add_hub("hub", &l.hub).unwrap();
    let mut b = Index::in_memory().unwrap();
    b.add_gsuite_text("gsuite", &g.to_text()).unwrap();
    for q in [
        "kind:track cell:K562",
        "target:H3K27ac",
        "assembly:GRCh38 type:bigWig",
        "assembly:mm10",
        "tracktype:segments",
    ] {
        let q2 = format!("{q} kind:track");
        let ta = titles(&a, &q2);
        let tb: BTreeSet<String> = titles(&b, &q2);
        assert_eq!(ta.len(), tb.len(), "{q}: {ta:?} vs {tb:?}");
        assert!(!ta.is_empty(), "{q}");
    }
}

#[test]
fn search_results_as_gsuite_validate() {
    let ix = everything();
    for q in ["kind:track", "assembly:hg38", "kind:collection", "chrom:22"] {
        let hits = ix.search(&parse_query(q).unwrap(), 1000).unwrap();
        let g = search::to_gsuite(&hits);
        let text = g.to_text();
        gsuite::parse_str(&text, q, &ReadOptions::default())
            .unwrap_or_else(|d| panic!("{q}: {d:?}\n{text}"));
    }
}

#[test]
fn invalid_sources_are_reported_not_indexed() {
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("bad.gsuite");
    std::fs::write(
        &bad,
        "###uri\ttitle\nhttp://x/a.bed\tA\nhttp://x/b.bed\tA\n",
    )
    .unwrap();
    let mut ix = Index::in_memory().unwrap();
    match ix.add_source(bad.to_str().unwrap(), &SourceOptions::default()) {
        Err(SearchError::GSuite(ds)) => {
            assert_eq!(ds[0].rule, "gsuite-title-duplicate");
            assert_eq!(ds[0].line, 3);
            assert!(ds[0]
                .to_string()
                .starts_with(&format!("{}:3: ", bad.display())));
        }
        other => panic!("{other:?}"),
    }
    assert!(ix.is_empty().unwrap());
    // A hub over HTTP to loopback is refused by default.
    match ix.add_source("http://127.0.0.1:9/hub.txt", &SourceOptions::default()) {
        Err(SearchError::Hub(e)) => assert!(e.to_string().contains("loopback"), "{e}"),
        other => panic!("{other:?}"),
    }
    // A missing file.
    assert!(matches!(
        ix.add_source(
            d.path().join("none.json").to_str().unwrap(),
            &SourceOptions::default()
        ),
        Err(SearchError::Io { .. })
    ));
}

/// Every `.gsuite` under ../shared/spec: the GSuite 0.9 examples read; the
/// HyperBrowser-era demo files that break the specification (an unescaped
/// `%`, `####genome=` lines) are diagnosed with line and rule, never crash.
#[test]
fn every_shared_gsuite_reads_or_is_diagnosed() {
    let root = shared().join("spec");
    if !root.is_dir() {
        println!("SKIPPED: {} not present", root.display());
        return;
    }
    const NONCONFORMING: &[(&str, &str)] = &[
        ("hist_k562.gsuite", "gsuite-percent-encoding"),
        (
            "159_TFs_in_gm12878_cell_type.gsuite",
            "gsuite-percent-encoding",
        ),
        ("gwas.gsuite", "gsuite-line-syntax"),
    ];
    let mut stack = vec![root];
    let (mut ok, mut diagnosed) = (0, 0);
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().and_then(|x| x.to_str()) != Some("gsuite") {
                continue;
            }
            let name = p.file_name().unwrap().to_str().unwrap();
            let pre_09 = p.to_string_lossy().contains("test-gsuite-files");
            match gsuite::read_path(&p, &ReadOptions::default()) {
                Ok(g) => {
                    assert!(!pre_09 || !g.suite.is_empty());
                    assert!(
                        !NONCONFORMING.iter().any(|(n, _)| *n == name),
                        "{name} now reads"
                    );
                    round_trip(&g.suite, name);
                    ok += 1;
                }
                Err(gsuite::GSuiteError::Invalid(d)) => {
                    assert!(d.iter().all(|d| d.line > 0), "{d:?}");
                    if !pre_09 {
                        let want = NONCONFORMING
                            .iter()
                            .find(|(n, _)| *n == name)
                            .unwrap_or_else(|| panic!("{}: {d:?}", p.display()));
                        assert_eq!(d[0].rule, want.1, "{name}");
                    }
                    diagnosed += 1;
                }
                Err(e) => panic!("{e}"),
            }
        }
    }
    assert!(ok >= 12, "{ok} read, {diagnosed} diagnosed");
}
