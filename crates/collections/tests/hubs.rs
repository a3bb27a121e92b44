//! UCSC track hubs: the shared corpus, our own fixtures (one per rule),
//! listings, and HTTP against a local server (hubs and the Track Hub
//! Registry client).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gtrack_collections::hub::registry::{Registry, RegistryError, SearchQuery};
use gtrack_collections::hub::{
    self, load, ra, rows_to_gsuite, rows_to_json, rows_to_tsv, HubError, LoadOptions, Loaded,
    Severity, TrackKind, RULES,
};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hubs")
}

fn shared_hubs() -> Option<PathBuf> {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec/collections/trackhubs");
    if p.is_dir() {
        Some(p)
    } else {
        println!("SKIPPED: {} is absent", p.display());
        None
    }
}

fn load_path(p: &Path) -> Loaded {
    load(p.to_str().unwrap(), &LoadOptions::default()).unwrap()
}

fn errors(l: &Loaded) -> Vec<String> {
    l.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect()
}

fn kids<'a>(g: &'a hub::HubGenome, name: &str) -> Vec<&'a str> {
    let t = g.tracks.iter().find(|t| t.name == name).unwrap();
    t.children
        .iter()
        .map(|&c| g.tracks[c].name.as_str())
        .collect()
}

// ---------------------------------------------------------------- corpus

#[test]
fn shared_encode_basic_example() {
    let Some(s) = shared_hubs() else { return };
    let l = load_path(&s.join("encode-basic-example/hub.txt"));
    assert!(errors(&l).is_empty(), "{:?}", errors(&l));
    assert_eq!(l.hub.name.as_deref(), Some("BasicExampleHub"));
    assert_eq!(l.hub.genomes.len(), 1);
    let g = &l.hub.genomes[0];
    assert_eq!(g.name, "hg19");
    assert_eq!(g.tracks.len(), 3);
    assert_eq!(g.roots, [0, 1, 2]);
    let rows = l.hub.rows(None).unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].uri.starts_with("file://"));
    assert!(rows[0]
        .uri
        .ends_with("encode-basic-example/hg19/data/bigBed/example_bed_3.bigBed"));
    let types: Vec<_> = rows.iter().map(|r| r.gtrack_type.as_deref()).collect();
    assert_eq!(
        types,
        [Some("segments"), Some("function"), Some("segments")]
    );
    assert_eq!(rows[1].track_type, "bigWig -100 100");
}

#[test]
fn shared_jaspar_two_genomes() {
    let Some(s) = shared_hubs() else { return };
    let l = load_path(&s.join("thr-samples/JASPAR_TFBS/hub.txt"));
    assert!(errors(&l).is_empty(), "{:?}", errors(&l));
    let g: Vec<_> = l
        .hub
        .genomes
        .iter()
        .map(|g| (g.name.as_str(), g.tracks.len()))
        .collect();
    assert_eq!(g, [("hg19", 1), ("hg38", 2)]);
    // Only warnings: labels longer than UCSC shows.
    assert!(l.diagnostics.iter().all(|d| d.rule == "hub-label-length"));
    let rows = l.hub.rows(Some("GRCh38")).unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows
        .iter()
        .all(|r| r.uri.starts_with("http://expdata.cmmt.ubc.ca/")));
    assert_eq!(l.hub.rows(Some("hg19")).unwrap().len(), 1);
}

#[test]
fn shared_srp066358_nested_composite() {
    let Some(s) = shared_hubs() else { return };
    let l = load_path(&s.join("thr-samples/SRP066358/hub.txt"));
    let g = &l.hub.genomes[0];
    assert_eq!(g.name, "TAIR10");
    assert_eq!(g.tracks.len(), 3);
    assert_eq!(g.roots, [0]);
    assert_eq!(g.tracks[0].kind, TrackKind::Composite);
    assert_eq!(kids(g, "SRP066358_composite"), ["SAMN04276588"]);
    assert_eq!(kids(g, "SAMN04276588"), ["SRR2922672"]);
    let leaf = g.track("SRR2922672").unwrap();
    assert_eq!(leaf.on, Some(true));
    assert_eq!(
        leaf.facets.get("tissue").map(String::as_str),
        Some("aerial")
    );
    assert_eq!(g.ancestors(2), ["SRP066358_composite", "SAMN04276588"]);
    let rows = l.hub.rows(None).unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].uri.ends_with("SRR2922672.cram"));
    // The real hub's middle level has no longLabel and is not a container.
    let e: Vec<_> = l
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.rule, d.line))
        .collect();
    assert_eq!(e, [("hub-required-setting", 9)]);
    assert!(l
        .diagnostics
        .iter()
        .any(|d| d.rule == "hub-parent-not-container" && d.line == 16));
    let gs = rows_to_gsuite(&rows).to_text();
    assert!(gs.contains("\tcram\t"), "{gs}");
}

#[test]
fn shared_single_file_assembly_hub() {
    let Some(s) = shared_hubs() else { return };
    let l = load_path(&s.join("ucsc-hub-js/singleFileAssemblyHub.GCF_000002985.6.hub.txt"));
    assert!(errors(&l).is_empty(), "{:?}", errors(&l));
    assert!(l.hub.use_one_file);
    assert_eq!(l.hub.genomes.len(), 1);
    let g = &l.hub.genomes[0];
    assert_eq!(g.name, "GCF_000002985.6");
    assert_eq!(g.settings.get("taxId").map(String::as_str), Some("6239"));
    assert_eq!(g.tracks.len(), 19);
    assert_eq!(g.roots.len(), 12);
    assert_eq!(kids(g, "tanDups"), ["tandemDups"]);
    assert_eq!(kids(g, "refSeqComposite").len(), 4);
    assert_eq!(
        kids(g, "cpgIslands"),
        ["cpgIslandExt", "cpgIslandExtUnmasked"]
    );
    assert_eq!(g.track("ncbiRefSeqPsl").unwrap().on, Some(false));
    assert!(l.diagnostics.iter().any(|d| d.rule == "hub-hub-name"));
}

#[test]
fn shared_extended_trackdb_supertracks_multiwigs_composites() {
    let Some(s) = shared_hubs() else { return };
    let p = s.join("ucsc-hub-js/extended.trackDb.txt");
    let l = load_path(&p);
    assert!(errors(&l).is_empty(), "{:?}", errors(&l));
    let g = &l.hub.genomes[0];
    let text = std::fs::read_to_string(&p).unwrap();
    let count = |k: &str| {
        text.lines()
            .filter(|l| l.trim_start().starts_with(k))
            .count()
    };
    assert_eq!(g.tracks.len(), count("track "));
    assert_eq!(g.tracks.len(), 85);
    let kinds = |k: TrackKind| g.tracks.iter().filter(|t| t.kind == k).count();
    assert_eq!(kinds(TrackKind::SuperTrack), count("superTrack on"));
    assert_eq!(kinds(TrackKind::MultiWig), count("container multiWig"));
    assert_eq!(kinds(TrackKind::Composite), count("compositeTrack on"));
    assert_eq!(g.roots.len(), kinds(TrackKind::SuperTrack));
    for t in g.tracks.iter().filter(|t| t.kind == TrackKind::MultiWig) {
        assert_eq!(t.children.len(), 2, "{}", t.name);
        assert_eq!(g.tracks[t.parent.unwrap()].kind, TrackKind::SuperTrack);
    }
    assert_eq!(l.hub.rows(None).unwrap().len(), count("bigDataUrl "));
    assert_eq!(kids(g, "26_RNA-seq"), ["26_plus", "26_minus"]);
    // Stray spaces after tabs are indentation, not part of keys.
    assert!(g
        .track("26_minus")
        .unwrap()
        .big_data_url
        .as_deref()
        .unwrap()
        .ends_with("PRRSv/26_minus.bigwig"));
    assert_eq!(g.track("13_RRBS_non_CpG").unwrap().on, Some(false));
}

#[test]
fn shared_supertrack_basic_and_arabidopsis() {
    let Some(s) = shared_hubs() else { return };
    let l = load_path(&s.join("ucsc-hub-js/superTrack.trackDb.txt"));
    assert!(errors(&l).is_empty());
    let g = &l.hub.genomes[0];
    assert_eq!(g.roots, [0]);
    assert_eq!(kids(g, "myFolder"), ["myFirstTrack", "mySecondTrack"]);
    let l = load_path(&s.join("ucsc-hub-js/basic.trackDb.txt"));
    assert_eq!(l.hub.rows(None).unwrap().len(), 2);
    let l = load_path(&s.join("thr-test/araTha1.trackDb.txt"));
    let g = &l.hub.genomes[0];
    assert_eq!(g.tracks.len(), 23);
    assert_eq!(kids(g, "repeatMasker_").len(), 9);
    // The composite's `type bed 3 .` is not a hub type: a warning on a container.
    assert!(errors(&l).is_empty(), "{:?}", errors(&l));
    assert!(l
        .diagnostics
        .iter()
        .any(|d| d.rule == "hub-type-unknown" && d.line == 100 && d.severity == Severity::Warning));
    // basic.hub.txt names genomes.txt, stored as basic.genomes.txt.
    let l = load_path(&s.join("ucsc-hub-js/basic.hub.txt"));
    assert_eq!(l.hub.name.as_deref(), Some("UCSCHub"));
    assert!(l
        .diagnostics
        .iter()
        .any(|d| d.rule == "hub-file-unreadable" && d.line == 4));
}

#[test]
fn shared_fairtracks_sidecar_genome() {
    let Some(s) = shared_hubs() else { return };
    let l = load_path(&s.join("thr-fairtracks-blueprint/hub.txt"));
    let g = &l.hub.genomes[0];
    assert_eq!(g.name, "hg38");
    assert_eq!(
        g.settings.get("metaFair").map(String::as_str),
        Some("grch38/blueprint.json")
    );
    // The trackDb is not in the snapshot.
    let e: Vec<_> = l
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.rule, d.line))
        .collect();
    assert_eq!(e, [("hub-file-unreadable", 2)]);
}

#[test]
fn shared_ra_edge_cases() {
    let Some(s) = shared_hubs() else { return };
    for (f, n) in [
        ("comments.ra", 2),
        ("indented.ra", 4),
        ("duplicateName.ra", 3),
        ("mismatchKeys.ra", 3),
    ] {
        let text = std::fs::read_to_string(s.join("ucsc-hub-js").join(f)).unwrap();
        let mut d = Vec::new();
        let items = ra::parse(&text, f, &mut d);
        assert_eq!(items.len(), n, "{f}");
        assert!(d.is_empty(), "{f}: {d:?}");
        for i in &items {
            let ra::Item::Stanza(st) = i else { panic!() };
            let keys: BTreeSet<_> = st.settings.iter().map(|s| s.key.as_str()).collect();
            assert_eq!(keys, BTreeSet::from(["key1", "key2", "key3"]), "{f}");
        }
    }
}

// ---------------------------------------------------------------- our hub

#[test]
fn good_hub_has_no_findings_and_the_right_tree() {
    let l = load_path(&data().join("good/hub.txt"));
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let names: Vec<_> = l.hub.genomes.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["hg38", "mm10"]);
    let g = &l.hub.genomes[0];
    assert_eq!(kids(g, "folder"), ["chip"]);
    assert_eq!(kids(g, "chip"), ["chipPeaks", "chipSignal"]);
    assert_eq!(kids(g, "chipPeaks"), ["chipK562Peaks", "chipHepG2Peaks"]);
    assert_eq!(kids(g, "rna"), ["rnaPlus", "rnaMinus"]);
    assert_eq!(g.track("chipPeaks").unwrap().kind, TrackKind::View);
    assert_eq!(g.track("rna").unwrap().kind, TrackKind::MultiWig);
    let names: Vec<_> = g.roots.iter().map(|&r| g.tracks[r].name.as_str()).collect();
    assert_eq!(names, ["folder", "rna", "loops"]);
    let k = g.track("chipK562Peaks").unwrap();
    assert_eq!(
        k.get("longLabel"),
        Some("K562 H3K27ac peaks, called with MACS2")
    );
    assert_eq!(
        k.facets.get("cell").map(String::as_str),
        Some("K562 leukemia")
    );
    assert_eq!(k.facets.get("view").map(String::as_str), Some("Peaks"));
    assert_eq!(k.metadata.get("lab").map(String::as_str), Some("Smith lab"));
    assert_eq!(k.on, Some(true));
    let h = g.track("chipHepG2Peaks").unwrap();
    assert_eq!(
        h.track_type.as_deref(),
        Some("bigBed 6"),
        "inherited from the composite"
    );
    assert_eq!(
        h.metadata.get("lab").map(String::as_str),
        Some("Our own lab"),
        "own metadata wins"
    );
    assert_eq!(h.metadata.get("cell").map(String::as_str), Some("HepG2"));
    assert_eq!(
        h.big_data_url.as_deref(),
        Some("https://example.org/hepg2.peaks.bb")
    );
    let s = g.track("chipK562Signal").unwrap();
    assert_eq!(
        s.track_type.as_deref(),
        Some("bigWig"),
        "inherited from the view"
    );
    let plus = g.track("rnaPlus").unwrap().big_data_url.clone().unwrap();
    assert!(plus.ends_with("/good/shared/plus.bw"), "{plus}");
    let chip = g.track("chip").unwrap();
    assert_eq!(chip.subgroup_defs.len(), 2);
    assert_eq!(
        chip.subgroup_defs[0].values[1],
        ("Signal".into(), "Signal (fold)".into())
    );
    let m = &l.hub.genomes[1];
    assert_eq!(
        m.track("samples").unwrap().kind,
        TrackKind::FacetedComposite
    );
    let liver = m.track("samples_liver1").unwrap();
    assert_eq!(liver.facets.get("sex").map(String::as_str), Some("female"));
    assert_eq!(
        liver.metadata.get("lab").map(String::as_str),
        Some("Mouse lab")
    );
    assert_eq!(
        m.track("samples_heart1")
            .unwrap()
            .facets
            .get("tissue")
            .map(String::as_str),
        Some("heart")
    );
}

#[test]
fn listings_tsv_json_gsuite() {
    let l = load_path(&data().join("good/hub.txt"));
    let rows = l.hub.rows(Some("GRCh38")).unwrap();
    let names: Vec<_> = rows.iter().map(|r| r.track.as_str()).collect();
    assert_eq!(
        names,
        [
            "chipK562Peaks",
            "chipHepG2Peaks",
            "chipK562Signal",
            "rnaPlus",
            "rnaMinus",
            "loops"
        ]
    );
    assert_eq!(rows[0].parents, ["folder", "chip", "chipPeaks"]);
    let tsv = rows_to_tsv(&rows);
    let mut lines = tsv.lines();
    let head: Vec<_> = lines.next().unwrap().split('\t').collect();
    assert_eq!(
        &head[..8],
        [
            "genome",
            "track",
            "parents",
            "type",
            "gtrack_type",
            "uri",
            "shortLabel",
            "longLabel"
        ]
    );
    assert!(
        head.contains(&"cell") && head.contains(&"cell (metadata)") && head.contains(&"antibody"),
        "{head:?}"
    );
    let first: Vec<_> = lines.next().unwrap().split('\t').collect();
    assert_eq!(first.len(), head.len());
    assert_eq!(first[2], "folder/chip/chipPeaks");
    assert_eq!(first[4], "segments");
    let json: serde_json::Value = serde_json::from_str(&rows_to_json(&rows)).unwrap();
    assert_eq!(json[5]["gtrack_type"], "linked segments");
    assert_eq!(json[1]["metadata"]["antibody"], "H3K27ac");
    assert_eq!(json[0]["type"], "bigBed 6 +");
    let gs = rows_to_gsuite(&rows);
    assert_eq!(
        &gs.columns[..5],
        ["uri", "title", "file_format", "track_type", "genome"]
    );
    let text = gs.to_text();
    // What the hub listing writes passes the GSuite validator.
    let back = hub_gsuite_reads_back(&gs);
    assert_eq!(back.columns, gs.columns);
    assert!(text.contains("##location: multiple\n"), "{text}");
    assert!(text.contains("##track type: multiple\n"));
    assert!(text.contains("##genome: hg38\n"));
    assert!(gs.rows.iter().all(|r| r.len() == gs.columns.len()));
    let peaks: Vec<_> = rows
        .iter()
        .filter(|r| r.track.ends_with("Peaks"))
        .cloned()
        .collect();
    let text = rows_to_gsuite(&peaks).to_text();
    assert!(text.contains("##track type: segments\n"));
    assert!(text.contains("##file format: primary\n"));
    match l.hub.rows(Some("dm6")) {
        Err(HubError::GenomeNotFound { available, .. }) => assert_eq!(available, "hg38, mm10"),
        other => panic!("{other:?}"),
    }
    let all = l.hub.rows(None).unwrap();
    assert_eq!(
        rows_to_gsuite(&all).to_text().lines().next(),
        Some("##location: multiple")
    );
    assert!(rows_to_gsuite(&all)
        .to_text()
        .contains("##genome: multiple\n"));
}

/// Validate a GSuite written from a hub listing and read it back.
fn hub_gsuite_reads_back(
    g: &gtrack_collections::gsuite::GSuite,
) -> gtrack_collections::gsuite::GSuite {
    use gtrack_collections::gsuite::{parse_str, ReadOptions};
    let text = g.to_text();
    let p = parse_str(&text, "hub.gsuite", &ReadOptions::default())
        .unwrap_or_else(|d| panic!("{d:?}\n{text}"));
    assert_eq!(&p.suite, g, "read back equals what was written");
    p.suite
}

#[test]
fn one_file_hub() {
    let l = load_path(&data().join("onefile/hub.txt"));
    assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
    assert!(l.hub.use_one_file);
    let g = &l.hub.genomes[0];
    assert_eq!(
        (g.name.as_str(), g.tracks.len(), g.trackdb.is_none()),
        ("hg19", 1, true)
    );
    assert_eq!(
        l.hub.rows(None).unwrap()[0].gtrack_type.as_deref(),
        Some("valued segments")
    );
}

#[test]
fn missing_hub_is_an_error() {
    let e = load(
        data().join("nothing/hub.txt").to_str().unwrap(),
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, HubError::Unreadable { .. }), "{e}");
    let e = load("http://[::1/hub.txt", &LoadOptions::default()).unwrap_err();
    assert!(matches!(e, HubError::Unreadable { .. }));
}

// ---------------------------------------------------------------- rules

/// `#expect RULE` marks the next line (not a marker) as the place of a
/// finding of RULE in that file.
fn markers(file: &Path) -> Vec<(String, &'static str, usize)> {
    let text = std::fs::read_to_string(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if let Some(rule) = l.trim().strip_prefix("#expect ") {
            let mut j = i + 1;
            while lines
                .get(j)
                .is_some_and(|l| l.trim().starts_with("#expect "))
            {
                j += 1;
            }
            let id = RULES
                .iter()
                .find(|r| r.id == rule.trim())
                .unwrap_or_else(|| panic!("unknown rule {rule}"))
                .id;
            out.push((
                file.file_name().unwrap().to_string_lossy().into_owned(),
                id,
                j + 1,
            ));
        }
    }
    out
}

fn rule_fixtures() -> Vec<(PathBuf, Vec<PathBuf>)> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(data().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(&p)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            let main = if p.join("hub.txt").exists() {
                p.join("hub.txt")
            } else {
                p.join("trackDb.txt")
            };
            out.push((main, files));
        } else {
            out.push((p.clone(), vec![p]));
        }
    }
    out
}

#[test]
fn every_rule_fixture_reports_exactly_its_findings() {
    let mut seen = BTreeSet::new();
    for (main, files) in rule_fixtures() {
        let l = load_path(&main);
        let mut want: Vec<_> = files.iter().flat_map(|f| markers(f)).collect();
        let mut got: Vec<_> = l
            .diagnostics
            .iter()
            .map(|d| {
                let name = Path::new(&d.file)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (name, d.rule, d.line)
            })
            .collect();
        want.sort();
        got.sort();
        assert_eq!(
            got,
            want,
            "{}:\n{}",
            main.display(),
            l.diagnostics
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
        for d in &l.diagnostics {
            assert!(!d.message.is_empty());
            assert!(d.line > 0, "{d}");
        }
        seen.extend(want.into_iter().map(|w| w.1));
    }
    let missing: Vec<_> = RULES
        .iter()
        .filter(|r| !seen.contains(r.id))
        .map(|r| r.id)
        .collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
}

#[test]
fn include_cycle_does_not_loop_and_keeps_tracks() {
    let l = load_path(&data().join("rules/cycle/trackDb.txt"));
    let names: Vec<_> = l.hub.genomes[0]
        .tracks
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn parent_cycle_is_cut() {
    let l = load_path(&data().join("rules/parents.txt"));
    let g = &l.hub.genomes[0];
    for i in 0..g.tracks.len() {
        assert!(g.ancestors(i).len() < g.tracks.len());
    }
    assert_eq!(kids(g, "c2"), ["c1"]);
    assert_eq!(g.track("c2").unwrap().parent, None);
}

// ---------------------------------------------------------------- HTTP

/// A tiny HTTP/1.1 server on 127.0.0.1: GET serves files under `root`,
/// POST answers with `post_body`; requests are recorded.
struct Server {
    base: String,
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

fn serve(root: PathBuf, post_file: Option<PathBuf>) -> Server {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut s) = conn else { continue };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            if r.read_line(&mut line).is_err() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (method, target) = (
                parts.next().unwrap_or("").to_string(),
                parts.next().unwrap_or("/").to_string(),
            );
            let mut len = 0usize;
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = r.read_exact(&mut body);
            seen2.lock().unwrap().push((
                format!("{method} {target}"),
                String::from_utf8_lossy(&body).into_owned(),
            ));
            let path = target
                .split('?')
                .next()
                .unwrap_or("/")
                .trim_start_matches('/')
                .to_string();
            let file = if method == "POST" {
                post_file.clone()
            } else {
                Some(root.join(&path))
            };
            let (status, content) = match file.and_then(|f| std::fs::read(f).ok()) {
                Some(c) if path != "broken" => ("200 OK", c),
                _ if path.ends_with("api/search/trackdb/boom") => (
                    "500 Internal Server Error",
                    b"{\"error\":\"boom\"}".to_vec(),
                ),
                _ => ("404 Not Found", b"not found".to_vec()),
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                content.len()
            );
            let _ = s.write_all(&content);
        }
    });
    Server { base, seen }
}

/// The test server is on 127.0.0.1: trusted explicitly.
fn trusted() -> LoadOptions {
    LoadOptions {
        allow_private_network: true,
        ..Default::default()
    }
}

#[test]
fn hub_over_http() {
    let srv = serve(data().join("good"), None);
    let l = load(&format!("{}/hub.txt", srv.base), &trusted()).unwrap();
    assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
    let rows = l.hub.rows(None).unwrap();
    assert_eq!(rows.len(), 9);
    assert_eq!(rows[0].uri, format!("{}/hg38/data/k562.peaks.bb", srv.base));
    assert_eq!(
        rows[3].uri,
        format!("{}/shared/plus.bw", srv.base),
        "`../` resolved against hg38/more.txt"
    );
    assert!(rows_to_gsuite(&rows)
        .to_text()
        .contains("##location: remote\n"));
    let local = load_path(&data().join("good/hub.txt"));
    assert_eq!(local.hub.rows(None).unwrap().len(), rows.len());
    let seen: Vec<_> = srv
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.0.clone())
        .collect();
    assert!(seen.contains(&"GET /hg38/more.txt".to_string()), "{seen:?}");
    // A missing file over HTTP is a finding with its location.
    let srv = serve(data().join("rules/unreadable"), None);
    let l = load(&format!("{}/hub.txt", srv.base), &trusted()).unwrap();
    let d: Vec<_> = l
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.file.clone(), d.line))
        .collect();
    assert_eq!(
        d,
        [("hub-file-unreadable", format!("{}/hub.txt", srv.base), 5)]
    );
    assert!(l.diagnostics[0].message.contains("404"));
    let e = load(&format!("{}/nothing.txt", srv.base), &trusted()).unwrap_err();
    assert!(e.to_string().contains("404"), "{e}");
}

#[test]
fn hubs_over_http_may_not_reach_loopback_unless_allowed() {
    let srv = serve(data().join("good"), None);
    let url = format!("{}/hub.txt", srv.base);
    let e = load(&url, &LoadOptions::default()).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("loopback"), "{msg}");
    assert!(msg.contains("--allow-private-network"), "{msg}");
    assert!(srv.seen.lock().unwrap().is_empty(), "nothing was requested");
    assert!(load(&url, &trusted()).is_ok());
}

#[test]
fn hub_read_over_http_may_not_include_local_files() {
    let d = tempfile::tempdir().unwrap();
    let secret = d.path().join("secret.txt");
    std::fs::write(
        &secret,
        "track stolen\nshortLabel x\nlongLabel x\ntype bigBed\nbigDataUrl x.bb\n",
    )
    .unwrap();
    let file_url = url::Url::from_file_path(&secret).unwrap();
    std::fs::write(
        d.path().join("hub.txt"),
        format!(
            "hub h\nshortLabel h\nlongLabel h\nuseOneFile on\nemail a@b.c\n\ngenome hg38\n\ninclude {file_url}\n"
        ),
    )
    .unwrap();
    let srv = serve(d.path().to_path_buf(), None);
    let url = format!("{}/hub.txt", srv.base);
    let l = load(&url, &trusted()).unwrap();
    assert_eq!(
        l.hub.genomes[0].tracks.len(),
        1,
        "trusted: the include is read"
    );
    // The test server allowed as a known endpoint, but not the private
    // network as a whole: the file: include is refused, with its location.
    let addr: std::net::SocketAddr = srv.base.trim_start_matches("http://").parse().unwrap();
    let opts = LoadOptions {
        allowed_endpoints: vec![addr],
        ..Default::default()
    };
    let l = load(&url, &opts).unwrap();
    assert!(l.hub.genomes[0].tracks.is_empty());
    let d: Vec<_> = l
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.rule, d.file.clone(), d.line))
        .collect();
    assert_eq!(
        d,
        [("hub-file-unreadable", url.clone(), 9)],
        "{:?}",
        l.diagnostics
    );
    assert!(
        l.diagnostics[0]
            .message
            .contains("may not read local files"),
        "{}",
        l.diagnostics[0].message
    );
}

#[test]
fn size_limit_applies() {
    let opts = LoadOptions {
        max_file_bytes: 50,
        ..Default::default()
    };
    let e = load(data().join("good/hub.txt").to_str().unwrap(), &opts).unwrap_err();
    assert!(e.to_string().contains("limit"), "{e}");
}

// ---------------------------------------------------------------- registry

#[test]
fn registry_search_posts_the_query() {
    let reg = data().join("registry");
    let srv = serve(reg.clone(), Some(reg.join("search.json")));
    let r = Registry::new(&srv.base).unwrap();
    let q = SearchQuery {
        query: "H3K27ac".into(),
        assembly: Some("GRCh38".into()),
        kind: Some("epigenomics".into()),
        entries_per_page: Some(10),
        page: Some(2),
        ..Default::default()
    };
    let res = r.search(&q).unwrap();
    assert_eq!(res.total_entries, 2);
    assert_eq!(res.items.len(), 2);
    let a = &res.items[0];
    assert_eq!(
        (
            a.id.as_str(),
            a.hub.name.as_str(),
            a.assembly.accession.as_str()
        ),
        ("ourHubHg38", "ourHub", "GCA_000001405.15")
    );
    assert_eq!(a.species.tax_id, "9606");
    assert_eq!(a.status, "All is Well");
    let b = &res.items[1];
    assert_eq!(
        (
            b.id.as_str(),
            b.species.tax_id.as_str(),
            b.last_update.as_str(),
            b.assembly.synonyms.as_str()
        ),
        ("42", "10090", "1700000001", "mm39")
    );
    let seen = srv.seen.lock().unwrap().clone();
    assert_eq!(seen[0].0, "POST /api/search?page=2&entries_per_page=10");
    let body: serde_json::Value = serde_json::from_str(&seen[0].1).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"query":"H3K27ac","assembly":"GRCh38","type":"epigenomics"})
    );
}

#[test]
fn registry_trackdb_and_hub_listing() {
    let reg = data().join("registry");
    // Serve the fixtures under the API paths.
    let dir = tempfile::tempdir().unwrap();
    let api = dir.path().join("thr/api");
    std::fs::create_dir_all(api.join("search/trackdb")).unwrap();
    std::fs::create_dir_all(api.join("info")).unwrap();
    std::fs::copy(
        reg.join("trackdb.json"),
        api.join("search/trackdb/ourHubHg38"),
    )
    .unwrap();
    std::fs::copy(reg.join("trackhubs.json"), api.join("info/trackhubs")).unwrap();
    std::fs::write(api.join("search/trackdb/notjson"), "<html>").unwrap();
    std::fs::write(api.join("search/trackdb/wrong"), "{\"configuration\": []}").unwrap();
    let srv = serve(dir.path().to_path_buf(), None);
    // A base URL with a path prefix, without a trailing slash.
    let r = Registry::new(&format!("{}/thr", srv.base)).unwrap();
    let doc = r.trackdb("ourHubHg38").unwrap();
    assert_eq!(
        doc.source_url,
        "http://hubs.example.org/our/hg38/trackDb.txt"
    );
    let t: Vec<_> = doc
        .tracks
        .iter()
        .map(|t| (t.name.as_str(), t.parents.len()))
        .collect();
    assert_eq!(t, [("chip", 0), ("chipK562", 1), ("loops", 0)]);
    assert_eq!(
        doc.tracks[1]
            .settings
            .get("standard_fields")
            .map(String::as_str),
        Some("4")
    );
    assert_eq!(doc.data[0]["cell"], "K562");
    let hubs = r.trackhubs().unwrap();
    assert_eq!(hubs.len(), 2);
    assert_eq!(hubs[1].trackdbs[0].species, "10090");
    assert_eq!(hubs[1].trackdbs[0].assembly, "GCA_000001635.9");
    match r.trackdb("missing") {
        Err(RegistryError::Status { status: 404, .. }) => {}
        other => panic!("{other:?}"),
    }
    match r.trackdb("boom") {
        Err(RegistryError::Status {
            status: 500, body, ..
        }) => assert!(body.contains("boom")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        r.trackdb("notjson"),
        Err(RegistryError::Json { .. })
    ));
    match r.trackdb("wrong") {
        Err(RegistryError::Shape { path, .. }) => assert_eq!(path, "$.configuration"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Registry::new("ftp://x"),
        Err(RegistryError::BadBase(_))
    ));
    // Nothing listens on a closed port: a transport error naming the URL.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = Registry::new(&format!("http://127.0.0.1:{port}"))
        .unwrap()
        .trackhubs()
        .unwrap_err();
    assert!(
        matches!(e, RegistryError::Transport { .. })
            && e.to_string().contains("api/info/trackhubs"),
        "{e}"
    );
}

#[test]
fn odd_inputs_never_panic() {
    let d = tempfile::tempdir().unwrap();
    let cases: &[&[u8]] = &[
        b"",
        b"# only a comment\n",
        b"\xff\xfe\x00garbage\n\n\n",
        b"track\n",
        b"track a\nparent\nsuperTrack\nsubGroups =x y= \"\nsubGroup1\nsubGroup0 a b c=d\nsubGroup99999999999 a b\ntype\n",
        b"include\ninclude \xe2\x82\xac.txt\n",
        b"hub h\nuseOneFile on\n\ntrack t\n\ngenome\n\nzzz 1\n",
        b"hub h\ngenomesFile http://[::1\n",
        b"track a\ntype bigBed 99999999999999999999 + x\nbigDataUrl \\\n",
        b"track \xc3\xa9\xc3\xa9\nshortLabel \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\n",
    ];
    for (i, c) in cases.iter().enumerate() {
        let p = d.path().join(format!("case{i}.txt"));
        std::fs::write(&p, c).unwrap();
        let l = load_path(&p);
        let _ = l.hub.rows(None).unwrap();
        let _ = rows_to_tsv(&l.hub.rows(None).unwrap());
        for diag in &l.diagnostics {
            assert!(RULES.iter().any(|r| r.id == diag.rule));
        }
    }
}
