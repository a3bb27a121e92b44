//! GSuite 0.9: every rule with a valid and an invalid fixture, header
//! summarisation, round trips, and the example GSuites of ../shared.

use std::path::{Path, PathBuf};

use gtrack_collections::gsuite::{
    self, parse_str, read_path, GSuite, ParsedGSuite, ReadOptions, RULES,
};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/gsuite")
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn opts_for(rule: &str) -> ReadOptions {
    ReadOptions {
        allow_file_scheme: rule != "gsuite-uri-file-disabled",
    }
}

fn parse(text: &str) -> Result<ParsedGSuite, Vec<gsuite::Diagnostic>> {
    parse_str(text, "t.gsuite", &ReadOptions::default())
}

fn rules_of(text: &str) -> Vec<(usize, &'static str)> {
    match parse(text) {
        Ok(_) => vec![],
        Err(d) => d.iter().map(|d| (d.line, d.rule)).collect(),
    }
}

#[test]
fn every_rule_has_an_invalid_fixture_reported_at_its_line() {
    for (rule, _) in RULES {
        let short = rule.strip_prefix("gsuite-").unwrap();
        let path = data().join("invalid").join(format!("{short}.gsuite"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let first = String::from_utf8_lossy(&bytes)
            .lines()
            .next()
            .unwrap()
            .to_string();
        let mut it = first.strip_prefix("# expect: ").unwrap().split(' ');
        let (want_rule, want_line): (&str, usize) =
            (it.next().unwrap(), it.next().unwrap().parse().unwrap());
        assert_eq!(want_rule, *rule, "{}", path.display());
        let err = match read_path(&path, &opts_for(rule)) {
            Err(gsuite::GSuiteError::Invalid(d)) => d,
            other => panic!("{}: expected diagnostics, got {other:?}", path.display()),
        };
        assert!(
            err.iter().any(|d| d.rule == *rule && d.line == want_line),
            "{}: wanted {rule} on line {want_line}, got {err:?}",
            path.display()
        );
        // FILE:LINE: RULE: message
        let shown = err[0].to_string();
        assert!(
            shown.starts_with(&format!(
                "{}:{}: {}: ",
                path.display(),
                err[0].line,
                err[0].rule
            )),
            "{shown}"
        );
    }
}

#[test]
fn every_rule_has_a_valid_counterpart() {
    for (rule, _) in RULES {
        let short = rule.strip_prefix("gsuite-").unwrap();
        let path = data().join("valid").join(format!("{short}.gsuite"));
        let p =
            read_path(&path, &opts_for(rule)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // Round trip: what we write reads back to the same suite.
        let again = parse_str(&p.to_text(), "again", &opts_for(rule))
            .unwrap_or_else(|e| panic!("{}: rewritten text invalid: {e:?}", path.display()));
        assert_eq!(again.suite, p.suite, "{}", path.display());
        assert_eq!(again.comments, p.comments, "{}", path.display());
    }
}

#[test]
fn rule_ids_are_unique_kebab_case() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.0).collect();
    for id in &ids {
        assert!(id.starts_with("gsuite-"));
        assert!(
            id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{id}"
        );
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len());
}

#[test]
fn a_bare_list_of_uris_is_a_gsuite() {
    let p = parse("http://a.example/x.bed\nftp://b.example/y.wig\n").unwrap();
    assert_eq!(p.suite.columns, ["uri"]);
    assert_eq!(p.suite.len(), 2);
    let s = p.suite.summary().unwrap();
    assert_eq!(s.location, "remote");
    assert_eq!(s.file_format, "primary");
    assert_eq!(s.track_type, "unknown");
    assert_eq!(s.genome, "unknown");
}

#[test]
fn headers_summarise_mixed_locations_and_formats() {
    // Remote primary, local galaxy primary (by suffix), local preprocessed (hb).
    let text =
        "##location: multiple\n##file format: multiple\n##track type: segments\n##genome: hg38\n\
###uri\ttitle\tp-values\n\
http://h.example/one.bed\tt1\t0.002\n\
galaxy:/ff00aa;bed\tt2\t0.5\n\
hb:/some/track\tt3\t.\n";
    let p = parse(text).unwrap();
    let s = p.suite.summary().unwrap();
    assert_eq!(
        (
            s.location.as_str(),
            s.file_format.as_str(),
            s.track_type.as_str(),
            s.genome.as_str()
        ),
        ("multiple", "multiple", "segments", "hg38")
    );
    assert_eq!(p.suite.field(2, "p-values"), None);
    assert_eq!(p.suite.field(0, "P-VALUES"), Some("0.002"));
}

#[test]
fn unknown_wins_over_everything() {
    let t = "###uri\ttrack_type\tgenome\nhttp://h.example/a\tsegments\thg38\nhttp://h.example/b\tunknown\thg19\n";
    let s = parse(t).unwrap().suite.summary().unwrap();
    assert_eq!(s.track_type, "unknown");
    assert_eq!(s.genome, "multiple");
    // `multiple` in the header contradicts an unknown summary.
    let t2 = format!("##track type: multiple\n{t}");
    assert_eq!(rules_of(&t2), [(1, "gsuite-header-inconsistent")]);
}

#[test]
fn track_types_reduce_to_the_simplest_common_type() {
    let cases: &[(&[&str], &str)] = &[
        (&["valued segments", "linked segments"], "segments"),
        (
            &["linked valued segments", "linked segments"],
            "linked segments",
        ),
        (&["valued points", "points"], "points"),
        (&["step function", "genome partition"], "genome partition"),
        (&["linked step function", "step function"], "step function"),
        (&["points", "valued segments"], "multiple"),
        (&["function", "valued segments"], "multiple"),
        (&["function", "linked base pairs"], "multiple"),
        (&["Segments", "SEGMENTS"], "segments"),
    ];
    for (types, want) in cases {
        let mut text = String::from("###uri\ttrack_type\n");
        for (i, t) in types.iter().enumerate() {
            text.push_str(&format!("http://h.example/{i}\t{t}\n"));
        }
        let s = parse(&text).unwrap().suite.summary().unwrap();
        assert_eq!(s.track_type, *want, "{types:?}");
        // The derived value is accepted as header, anything else refused.
        let ok = format!("##track type: {want}\n{text}");
        assert!(parse(&ok).is_ok(), "{ok}");
    }
    // A header naming a simpler type that still describes every track is fine…
    let t = "##track type: points\n###uri\ttrack_type\nhttp://h.example/a\tvalued points\n";
    assert!(parse(t).is_ok());
    // …a more specific or unrelated one is not.
    let t = "##track type: valued segments\n###uri\ttrack_type\nhttp://h.example/a\tsegments\n";
    assert_eq!(rules_of(t), [(1, "gsuite-header-inconsistent")]);
    let t = "##track type: points\n###uri\ttrack_type\nhttp://h.example/a\tsegments\n";
    assert_eq!(rules_of(t), [(1, "gsuite-header-inconsistent")]);
}

#[test]
fn headers_speak_for_omitted_columns() {
    // No genome column: the header gives every track's genome.
    let t = "##genome: hg19\n###uri\nhttp://h.example/a\nhttp://h.example/b\n";
    let p = parse(t).unwrap();
    assert_eq!(p.suite.track_attributes(1).genome, "hg19");
    // `multiple` with no column to back it is inconsistent.
    let t = "##genome: multiple\n###uri\nhttp://h.example/a\n";
    assert_eq!(rules_of(t), [(1, "gsuite-header-inconsistent")]);
    // Genome is case-sensitive, other values are not.
    let t = "##genome: HG19\n###uri\tgenome\nhttp://h.example/a\thg19\n";
    assert_eq!(rules_of(t), [(1, "gsuite-header-inconsistent")]);
    let t = "##LOCATION: REMOTE\n###uri\nhttp://h.example/a\n";
    assert!(parse(t).is_ok());
    // A preprocessed claim for a remote .bed file contradicts the suffix.
    let t = "##file format: preprocessed\n###uri\nhttp://h.example/a.bed\n";
    assert_eq!(rules_of(t), [(1, "gsuite-header-inconsistent")]);
    // `unknown` claims nothing.
    let t = "##location: unknown\n##file format: unknown\n###uri\nhttp://h.example/a.bed\n";
    assert!(parse(t).is_ok());
}

#[test]
fn empty_suite_and_complete_headers() {
    let p = parse("##genome: hg38\n###uri\ttitle\n").unwrap();
    assert!(p.suite.is_empty());
    assert_eq!(p.suite.summary(), None);
    let mut g = GSuite::new(["title", "cell"]);
    g.push_row([("uri", "hb:/x/y".into()), ("title", "A".into())]);
    g.push_row([
        ("uri", "https://h.example/b.bed".into()),
        ("title", "B".into()),
    ]);
    g.set_header("genome", "mm10");
    g.complete_headers();
    let text = g.to_text();
    assert!(
        text.starts_with("##location: multiple\n##file format: multiple\n##track type: unknown\n##genome: mm10\n###uri\ttitle\tcell\n"),
        "{text}"
    );
    assert!(g.check("g", &ReadOptions::default()).is_empty());
}

#[test]
fn writer_escapes_what_fields_cannot_hold() {
    let mut g = GSuite::new(["title", "note"]);
    g.push_row([
        ("uri", "hb:/a track/with spaces".into()),
        ("title", "#1".into()),
        ("note", "50%\tof\nlines".into()),
    ]);
    let text = g.to_text();
    assert!(
        text.contains("hb:/a%20track/with%20spaces\t#1\t50%25%09of%0Alines\n"),
        "{text}"
    );
    let back = parse(&text).unwrap();
    assert_eq!(back.suite.field(0, "note"), Some("50%\tof\nlines"));
    assert_eq!(back.suite.field(0, "title"), Some("#1"));
    // A title first on the line would look like a comment: encoded.
    let mut g = GSuite::new(["uri"]);
    g.columns = vec!["title".into(), "uri".into()];
    g.rows.push(vec!["#x".into(), "http://h.example/a".into()]);
    let text = g.to_text();
    assert!(text.contains("%23x\thttp"), "{text}");
    assert_eq!(parse(&text).unwrap().suite.field(0, "title"), Some("#x"));
}

#[test]
fn comments_belong_to_the_track_before_them() {
    let t =
        "# top\n###uri\n# before any track\nhttp://h.example/a\n# about a\nhttp://h.example/b\n";
    let p = parse(t).unwrap();
    assert_eq!(
        p.comments,
        [
            (None, " top".to_string()),
            (None, " before any track".to_string()),
            (Some(0), " about a".to_string())
        ]
    );
    assert_eq!(p.track_lines, [4, 6]);
    let again = parse(&p.to_text()).unwrap();
    assert_eq!(again.comments, p.comments);
}

#[test]
fn several_findings_are_reported_together() {
    let t = "##genome: hg38\n##colour: red\n###uri\ttitle\ns3://x/a\tA\nhttp://h.example/b\tA\n";
    let r = rules_of(t);
    assert!(r.contains(&(2, "gsuite-header-unknown")), "{r:?}");
    assert!(r.contains(&(4, "gsuite-uri-scheme")), "{r:?}");
    assert!(r.contains(&(5, "gsuite-title-duplicate")), "{r:?}");
}

#[test]
fn hostile_inputs_do_not_panic() {
    let inputs = [
        "",
        "\n\n",
        "#",
        "##",
        "###",
        "####",
        "##:",
        "##genome:",
        "%",
        "\t",
        "\t\t\n",
        "###uri\n%\n",
        "###uri\nhttp://[\n",
        "###uri\nhttp://[::1\n",
        "###uri\nhttp://h:/x\n",
        "###uri\n;\n",
        "###uri\nhb:\n",
        "###uri\nfile:\n",
        "###uri\n\u{feff}x\n",
        "\u{feff}###uri\nhttp://h.example/é\n",
        "###uri\ttitle\nhttp://h.example/a\t%C3\n",
        "###uri\ttrack_type\nhttp://h.example/a\t\u{0}\n",
        "###uri\nhttp://h.example/a;\u{1}\n",
    ];
    for i in inputs {
        let _ = parse(i);
        let _ = gsuite::parse_bytes(i.as_bytes(), "x", &ReadOptions::default());
    }
    let _ = gsuite::parse_bytes(b"###uri\n\xff\xfe\n", "x", &ReadOptions::default());
}

#[test]
fn tsv_and_json_outputs() {
    let p = parse("##genome: hg38\n###uri\ttitle\tcell\nhttp://h.example/a\tA\t.\n").unwrap();
    assert_eq!(
        p.suite.to_tsv(),
        "uri\ttitle\tcell\nhttp://h.example/a\tA\t.\n"
    );
    let j = p.suite.to_json();
    assert_eq!(j["headers"]["genome"], "hg38");
    assert_eq!(j["tracks"][0]["title"], "A");
    assert!(j["tracks"][0]["cell"].is_null());
}

#[test]
fn writes_atomically() {
    let d = tempfile::tempdir().unwrap();
    let p = parse("###uri\nhttp://h.example/a\n").unwrap();
    let out = d.path().join("o.gsuite");
    p.suite.write_path(&out).unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "###uri\nhttp://h.example/a\n"
    );
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    assert!(p
        .suite
        .write_path(&d.path().join("missing/dir/o.gsuite"))
        .is_err());
}

#[test]
fn shared_examples_read() {
    let mut files: Vec<PathBuf> = Vec::new();
    let ex = shared().join("spec/collections/gsuite/examples");
    if let Ok(rd) = std::fs::read_dir(&ex) {
        files.extend(rd.filter_map(|e| e.ok()).map(|e| e.path()));
    }
    let tf = shared().join("spec/collections/trackfind/search.sample.gsuite");
    if tf.exists() {
        files.push(tf.clone());
    }
    if files.is_empty() {
        println!("SKIPPED: ../shared GSuite examples not present");
        return;
    }
    for f in &files {
        let p = read_path(f, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!p.suite.is_empty(), "{}", f.display());
        assert!(p.suite.header("genome").is_some(), "{}", f.display());
        // Written back, the file reads to the same suite.
        let again = parse_str(&p.to_text(), "again", &ReadOptions::default()).unwrap();
        assert_eq!(again.suite, p.suite, "{}", f.display());
    }
    if tf.exists() {
        let p = read_path(&tf, &ReadOptions::default()).unwrap();
        assert_eq!(p.suite.summary().unwrap().location, "remote");
        assert_eq!(p.suite.header("genome"), Some("hg38"));
        // Titles with a leading space are kept as written.
        let titles: Vec<&str> = (0..p.suite.len())
            .filter_map(|r| p.suite.field(r, "title"))
            .collect();
        assert!(titles.iter().any(|t| t.starts_with(' ')), "{titles:?}");
        assert!(p.suite.column("checksum->cs_hash").is_some());
    }
}

#[test]
fn hyperbrowser_era_files_are_diagnosed_not_crashed() {
    let dir = shared().join("spec/examples/hyperbrowser/test-gsuite-files");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        println!("SKIPPED: {} not present", dir.display());
        return;
    };
    for e in rd.filter_map(|e| e.ok()) {
        // These predate GSuite 0.9 (`####genome=`), so each is reported.
        match read_path(&e.path(), &ReadOptions::default()) {
            Ok(_) => {}
            Err(gsuite::GSuiteError::Invalid(d)) => {
                assert!(d.iter().all(|d| d.line > 0), "{d:?}")
            }
            Err(other) => panic!("{other}"),
        }
    }
}
