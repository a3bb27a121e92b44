//! The search index: queries over an index built here from our own
//! FAIRtracks and GSuite fixtures and a generic record.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gtrack_collections::search::{self, parse_query, Index, Record, SearchError, RULES};

fn data(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(p)
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn encode_record() -> Record {
    Record {
        source: "catalogue".into(),
        kind: "collection".into(),
        uri: "https://www.encodeproject.org/".into(),
        title: "ENCODE".into(),
        fields: vec![
            ("species".into(), "Homo sapiens".into()),
            ("species".into(), "Mus musculus".into()),
            ("assay".into(), "ChIP-seq".into()),
            ("assay".into(), "RNA-seq".into()),
            ("description".into(), "Encyclopedia of DNA Elements".into()),
        ],
    }
}

fn build() -> Index {
    let mut ix = Index::in_memory().unwrap();
    assert_eq!(ix.add_path(&data("fairtracks/valid.json")).unwrap(), 3);
    assert_eq!(ix.add_path(&data("search/chip.gsuite")).unwrap(), 3);
    ix.add_record(&encode_record()).unwrap();
    assert_eq!(ix.len().unwrap(), 7);
    ix
}

fn titles(ix: &Index, q: &str) -> BTreeSet<String> {
    let q = parse_query(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    ix.search(&q, 100)
        .unwrap()
        .into_iter()
        .map(|h| h.record.title)
        .collect()
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const FT_CHIP: [&str; 2] = ["K562 H3K4me3 peaks", "K562 H3K4me3 signal"];
const GS: [&str; 3] = [
    "GM12878 H3K27ac peaks",
    "HepG2 CTCF peaks",
    "K562 H3K27ac reads",
];

#[test]
fn queries_return_the_expected_tracks() {
    let ix = build();
    let all_human: Vec<&str> = FT_CHIP
        .iter()
        .chain(GS.iter())
        .copied()
        .chain(["ENCODE"])
        .collect();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("species:9606", all_human.clone()),
        ("species:human", all_human.clone()),
        ("species:taxonomy:9606", all_human.clone()),
        (
            "species:\"Mus musculus\"",
            vec!["Liver RNA coverage", "ENCODE"],
        ),
        ("species:10090 kind:track", vec!["Liver RNA coverage"]),
        ("assembly:hg38", FT_CHIP.to_vec()),
        ("assembly:GRCh38", FT_CHIP.to_vec()),
        ("assembly:GCA_000001405.15", FT_CHIP.to_vec()),
        ("assembly:GRCh37", GS.to_vec()),
        ("assembly:GCA_000001405.1", GS.to_vec()),
        ("assembly:GRCm38", vec!["Liver RNA coverage"]),
        ("assembly:mm39", vec![]),
        (
            "assay:ChIP-seq",
            FT_CHIP
                .iter()
                .chain(GS.iter())
                .copied()
                .chain(["ENCODE"])
                .collect(),
        ),
        (
            "assay:chipseq kind:track",
            FT_CHIP.iter().chain(GS.iter()).copied().collect(),
        ),
        ("assay:OBI:0002017", FT_CHIP.to_vec()),
        ("assay:RNA-seq", vec!["Liver RNA coverage", "ENCODE"]),
        (
            "target:H3K27ac",
            vec!["GM12878 H3K27ac peaks", "K562 H3K27ac reads"],
        ),
        ("target:H3K4me3", FT_CHIP.to_vec()),
        ("target:H3K4_trimethylation", FT_CHIP.to_vec()),
        ("target:H3K27ac -type:bam", vec!["GM12878 H3K27ac peaks"]),
        (
            "type:bigWig",
            vec!["K562 H3K4me3 signal", "Liver RNA coverage"],
        ),
        ("type:bw", vec!["K562 H3K4me3 signal", "Liver RNA coverage"]),
        (
            "type:bigBed assembly:hg19",
            vec!["GM12878 H3K27ac peaks", "HepG2 CTCF peaks"],
        ),
        (
            "cell:K562",
            vec![
                "K562 H3K4me3 peaks",
                "K562 H3K4me3 signal",
                "K562 H3K27ac reads",
            ],
        ),
        ("tissue:liver", vec!["Liver RNA coverage"]),
        ("tracktype:VS", GS.to_vec()),
        ("tracktype:\"step function\"", vec!["K562 H3K4me3 signal"]),
        ("source:catalogue", vec!["ENCODE"]),
        ("kind:collection", vec!["ENCODE"]),
        ("\"fold change\"", vec!["K562 H3K4me3 signal"]),
        ("\"change fold\"", vec![]),
        (
            "liver",
            vec![
                "Liver RNA coverage",
                "K562 H3K4me3 peaks",
                "K562 H3K4me3 signal",
            ],
        ),
        ("\"mouse liver\"", vec!["Liver RNA coverage"]),
        ("Encyclopedia", vec!["ENCODE"]),
        ("GRCh38 peaks", vec!["K562 H3K4me3 peaks"]),
        ("\"Homo sapiens\" mouse", vec!["ENCODE"]),
        ("title:reads", vec!["K562 H3K27ac reads"]),
        (
            "species:9606 assay:ChIP-seq target:H3K27ac assembly:hg19 type:bigBed",
            vec!["GM12878 H3K27ac peaks"],
        ),
        (
            "",
            FT_CHIP
                .iter()
                .chain(GS.iter())
                .copied()
                .chain(["Liver RNA coverage", "ENCODE"])
                .collect(),
        ),
    ];
    for (q, expected) in cases {
        assert_eq!(titles(&ix, q), set(&expected), "query `{q}`");
    }
}

#[test]
fn full_text_ranks_and_limits() {
    let ix = build();
    let q = parse_query("peaks").unwrap();
    assert_eq!(ix.search(&q, 2).unwrap().len(), 2);
    assert_eq!(ix.search(&q, 100).unwrap().len(), 3);
}

#[test]
fn injection_attempts_are_harmless() {
    let ix = build();
    for q in [
        "'; DROP TABLE records; --",
        "\"'; DROP TABLE records; --\"",
        "cell:\"x' OR '1'='1\"",
        "assay:x'); DELETE FROM facets; --",
        "target:\"%\" OR 1",
        "NEAR(peaks reads) OR *",
        "title:\"a\" OR body:*",
        ") ( \" \"",
        "peaks\"\"",
        "species:9606' --",
    ] {
        match parse_query(q) {
            Ok(parsed) => {
                let hits = ix
                    .search(&parsed, 100)
                    .unwrap_or_else(|e| panic!("{q}: {e}"));
                assert!(hits.is_empty() || q.starts_with("peaks"), "{q}: {hits:?}");
            }
            Err(e) => assert!(matches!(e, SearchError::Query { .. }), "{q}: {e}"),
        }
    }
    // still all there
    assert_eq!(ix.len().unwrap(), 7);
    assert_eq!(titles(&ix, "cell:K562").len(), 3);
}

#[test]
fn query_errors_have_column_and_rule() {
    let mut seen = BTreeSet::new();
    let cases = [
        ("species:9606 organism:human", 14, "search-unknown-field"),
        ("encode:ENCFF1", 1, "search-unknown-field"),
        ("cell:\"K562", 6, "search-unterminated-quote"),
        ("peaks \"open phrase", 7, "search-unterminated-quote"),
        ("species: human", 1, "search-empty-value"),
        ("cell:\"\"", 1, "search-empty-value"),
        ("cell:%", 1, "search-empty-value"),
    ];
    for (q, col, rule) in cases {
        match parse_query(q) {
            Err(SearchError::Query {
                column,
                rule: r,
                message,
            }) => {
                assert_eq!((column, r), (col, rule), "{q}: {message}");
                if rule == "search-unknown-field" {
                    assert!(
                        message.contains("known fields: species, assembly, assay, target"),
                        "{message}"
                    );
                }
                seen.insert(r);
            }
            other => panic!("{q}: {other:?}"),
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notes.txt");
    std::fs::write(&p, "hello").unwrap();
    let mut ix = Index::in_memory().unwrap();
    match ix.add_path(&p) {
        Err(SearchError::Source { path, rule, .. }) => {
            assert_eq!(path, p.display().to_string());
            seen.insert(rule);
        }
        other => panic!("{other:?}"),
    }
    for (id, _) in RULES {
        assert!(seen.contains(id), "rule {id} not exercised");
    }
}

#[test]
fn facets_count_matching_records() {
    let ix = build();
    let q = parse_query("species:9606").unwrap();
    assert_eq!(
        ix.facets(&q, "assembly").unwrap(),
        [("hg19".to_string(), 3), ("hg38".to_string(), 2)]
    );
    let all = parse_query("").unwrap();
    assert_eq!(
        ix.facets(&all, "species").unwrap(),
        [("9606".to_string(), 6), ("10090".to_string(), 2)]
    );
    let t = ix
        .facets(&parse_query("kind:track").unwrap(), "type")
        .unwrap();
    assert_eq!(
        t,
        [
            ("bigBed".to_string(), 3),
            ("bigWig".to_string(), 2),
            ("bam".to_string(), 1)
        ]
    );
    assert!(matches!(
        ix.facets(&all, "colour"),
        Err(SearchError::Query {
            rule: "search-unknown-field",
            ..
        })
    ));
}

#[test]
fn re_adding_a_source_replaces_it_and_index_persists() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut ix = Index::open(dir.path()).unwrap();
        ix.add_path(&data("search/chip.gsuite")).unwrap();
        ix.add_path(&data("search/chip.gsuite")).unwrap();
        assert_eq!(ix.len().unwrap(), 3);
        ix.add_record(&encode_record()).unwrap();
    }
    let mut ix = Index::open(dir.path()).unwrap();
    assert_eq!(ix.len().unwrap(), 4);
    assert_eq!(titles(&ix, "target:CTCF"), set(&["HepG2 CTCF peaks"]));
    assert_eq!(ix.remove_source("catalogue").unwrap(), 1);
    assert_eq!(titles(&ix, "Encyclopedia"), set(&[]));
    assert!(dir.path().join(search::DB_FILE).is_file());
}

#[test]
fn outputs_table_json_gsuite() {
    let ix = build();
    let hits = ix.search(&parse_query("cell:K562").unwrap(), 10).unwrap();
    let table = search::to_table(&hits);
    let mut lines = table.lines();
    assert_eq!(
        lines.next().unwrap(),
        "#title\tspecies\tassembly\tassay\ttarget\tcell\ttype\turi\tsource"
    );
    assert!(table.contains("K562 H3K27ac reads\t9606\thg19\tChIP-seq\tH3K27ac\tK562\tbam\thttps://data.example.org/k562.h3k27ac.bam\t"));
    let json = search::to_json(&hits);
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(json[0]["facets"]["assembly"][0], "hg38");
    let g = search::to_gsuite(&hits);
    assert_eq!(g.rows.len(), 3);
    assert!(g.headers.contains(&("genome".into(), "multiple".into())));
    let g = search::to_gsuite(
        &ix.search(&parse_query("assembly:hg19").unwrap(), 10)
            .unwrap(),
    );
    assert!(g.headers.contains(&("genome".into(), "hg19".into())));
    assert!(g.to_text().contains("###uri\ttitle\t"));
}

#[test]
fn shared_sources_index() {
    let ft = shared().join("spec/collections/fairtracks/v1.0.2/examples/fairtracks.example.json");
    let tf = shared().join("spec/collections/trackfind/search.sample.gsuite");
    if !ft.is_file() || !tf.is_file() {
        println!("SKIPPED: shared FAIRtracks/TrackFind examples not present");
        return;
    }
    let mut ix = Index::in_memory().unwrap();
    assert_eq!(ix.add_path(&ft).unwrap(), 4);
    let n = ix.add_path(&tf).unwrap();
    assert!(n >= 1);
    let q = |s: &str| ix.search(&parse_query(s).unwrap(), 1000).unwrap();
    let h1 = q("cell:H1-hESC source:fairtracks.example");
    assert_eq!(h1.len(), 4);
    assert_eq!(q("type:bigWig source:fairtracks.example").len(), 2);
    assert_eq!(q("assembly:GRCh38 target:H3K4me3").len(), 4 + n);
}
