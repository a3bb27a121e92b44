//! End-to-end tests of the `gtrack` binary: exit codes, the
//! `FILE:LINE: RULE: message` contract, and atomic outputs.

mod common;

use common::{gtrack, text};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn gtrack_stdin(args: &[&str], dir: &Path, input: &str) -> Output {
    use std::io::Write;
    let mut c = Command::new(env!("CARGO_BIN_EXE_gtrack"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    c.wait_with_output().unwrap()
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn write(dir: &Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), body).unwrap();
}

#[test]
fn validate_bundled_examples() {
    let out = gtrack(
        &[
            "validate",
            "enhancers.gtrack",
            "loops.gtrack",
            "gc_content.gtrack",
        ],
        &examples(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout)
            .lines()
            .filter(|l| l.ends_with(": valid"))
            .count(),
        3
    );
}

#[test]
fn validate_reports_file_line_rule_and_exits_1() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "ok.gtrack", "chr1\t0\t10\n");
    write(
        d.path(),
        "bad.gtrack",
        "###seqid\tstart\tend\tstrand\nchr1\t0\t10\t+\nchr1\t20\t10\t+\nchr1\t30\t40\tx\n",
    );
    let out = gtrack(&["validate", "ok.gtrack", "bad.gtrack"], d.path());
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("bad.gtrack:3: end-before-start: ")),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("bad.gtrack:4: strand: ")),
        "{err}"
    );
    assert!(!err.contains("ok.gtrack:"), "{err}");
}

#[test]
fn validate_with_genome_checks_lengths() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "long.gtrack",
        "chr1\t0\t10\nchr1\t248956000\t248956423\nchrNope\t0\t5\n",
    );
    let out = gtrack(&["validate", "--genome", "hg38", "long.gtrack"], d.path());
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("long.gtrack:2: seq-length: "), "{err}");
    assert!(err.contains("long.gtrack:3: seqid-unknown: "), "{err}");
    // Aliases: `1` is hg38's chr1.
    write(d.path(), "alias.gtrack", "1\t0\t10\n");
    assert!(gtrack(
        &["validate", "--genome", "GRCh38", "alias.gtrack"],
        d.path()
    )
    .status
    .success());
    // A chrom.sizes file works the same way.
    write(d.path(), "tiny.sizes", "chr1\t100\n");
    let out = gtrack(
        &[
            "validate",
            "--chrom-sizes",
            "tiny.sizes",
            "alias.gtrack",
            "long.gtrack",
        ],
        d.path(),
    );
    assert!(text(&out.stderr).contains("long.gtrack:2: seq-length: "));
}

#[test]
fn validate_unreadable_file() {
    let d = tempfile::tempdir().unwrap();
    let out = gtrack(&["validate", "missing.gtrack"], d.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("missing.gtrack:0: io: "),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn validate_gzip_and_stdin() {
    use std::io::Write;
    let d = tempfile::tempdir().unwrap();
    let mut e = flate2_like_gzip();
    e.write_all(b"chr1\t0\t10\n").unwrap();
    std::fs::write(d.path().join("a.gtrack.gz"), e.finish().unwrap()).unwrap();
    assert!(gtrack(&["validate", "a.gtrack.gz"], d.path())
        .status
        .success());
    let out = gtrack_stdin(&["validate", "-"], d.path(), "chr1\t5\t1\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("-:1: end-before-start: "));
}

/// A gzip writer via the system's `gzip` is not guaranteed; build the
/// stream by hand with stored (uncompressed) deflate blocks.
fn flate2_like_gzip() -> Gz {
    Gz(Vec::new())
}
struct Gz(Vec<u8>);
impl std::io::Write for Gz {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
impl Gz {
    fn finish(self) -> std::io::Result<Vec<u8>> {
        let data = self.0;
        let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
        out.push(1); // final stored block
        let len = data.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(&data);
        out.extend_from_slice(&crc32(&data).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        Ok(out)
    }
}
fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[test]
fn info_json_has_the_contract_keys() {
    let out = gtrack(&["info", "--json", "loops.gtrack"], &examples());
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in [
        "format",
        "track_type",
        "elements",
        "bounding_regions",
        "value_type",
        "value_dimension",
        "seqids",
    ] {
        assert!(v.get(k).is_some(), "missing key {k}");
    }
    assert_eq!(v["format"], "gtrack");
    assert_eq!(v["track_type"], "linked segments");
    assert_eq!(v["elements"], 4);
    assert_eq!(v["seqids"], serde_json::json!(["chr1", "chr2"]));
    assert_eq!(v["edges"]["undirected"], true);
    assert_eq!(v["edges"]["edges"], 4);
    let out = gtrack(&["info", "gc_content.gtrack"], &examples());
    assert!(text(&out.stdout).contains("track type\tstep function (SF)"));
}

#[test]
fn failed_commands_leave_no_output_file() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "bad.gtrack",
        "##track type: points\n###seqid\tstart\nchr1\tx\n",
    );
    write(d.path(), "keep.gtrack", "precious\n");
    for cmd in ["expand-headers", "sort", "standardize"] {
        let out = gtrack(&[cmd, "bad.gtrack", "-o", "out.gtrack"], d.path());
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        assert!(
            text(&out.stderr).contains("bad.gtrack:3: position: "),
            "{cmd}: {}",
            text(&out.stderr)
        );
        assert!(
            !d.path().join("out.gtrack").exists(),
            "{cmd} left a partial file"
        );
        let out = gtrack(&[cmd, "bad.gtrack", "-o", "keep.gtrack"], d.path());
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            std::fs::read_to_string(d.path().join("keep.gtrack")).unwrap(),
            "precious\n"
        );
    }
    // No temporary files left behind either.
    let names: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn expand_headers_infers_type_and_guarantees() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "p.gtrack",
        "###seqid\tstart\tvalue\nchr1\t10\tA\nchr1\t20\tC\nchr2\t5\t.\n",
    );
    let out = gtrack(&["expand-headers", "p.gtrack", "-o", "e.gtrack"], d.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let e = std::fs::read_to_string(d.path().join("e.gtrack")).unwrap();
    assert!(e.contains("##track type: valued points\n"), "{e}");
    assert!(e.contains("##value type: character\n"), "{e}");
    assert!(e.contains("##sorted elements: true\n"), "{e}");
    assert!(e.contains("##no overlapping elements: true\n"), "{e}");
    assert!(e.contains("##uninterrupted data lines: true\n"), "{e}");
    assert!(gtrack(&["validate", "e.gtrack"], d.path()).status.success());
    let full = gtrack(&["expand-headers", "--full-headers", "e.gtrack"], d.path());
    let f = text(&full.stdout);
    for h in [
        "##1-indexed: false",
        "##end inclusive: false",
        "##circular elements: false",
        "##edge weights: false",
    ] {
        assert!(f.contains(h), "{h} in {f}");
    }
}

#[test]
fn sort_and_standardize() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "u.gtrack",
        "chr2\t5\t9\nchr1\t30\t40\nchr1\t10\t20\n",
    );
    let out = gtrack(&["sort", "u.gtrack"], d.path());
    let s = text(&out.stdout);
    assert!(
        s.ends_with("###seqid\tstart\tend\nchr1\t10\t20\nchr1\t30\t40\nchr2\t5\t9\n"),
        "{s}"
    );
    assert!(s.contains("##sorted elements: true\n"));
    let out = gtrack(&["standardize", "u.gtrack"], d.path());
    let s = text(&out.stdout);
    assert!(s.contains("##track type: linked valued segments\n###seqid\tstart\tend\tvalue\tstrand\tid\tedges\nchr2\t5\t9\t.\t.\t0\t.\n"), "{s}");
}

#[test]
fn complement_by_id_and_position() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "a.gtrack",
        "###seqid\tstart\tend\tid\nchr1\t0\t10\tx\nchr1\t20\t30\ty\n",
    );
    write(d.path(), "b.gtrack", "##track type: valued segments\n###seqid\tstart\tend\tvalue\tid\tnote\nchr1\t0\t10\t2.5\tx\thello\nchr1\t50\t60\t1\tz\tother\n");
    let out = gtrack(
        &[
            "complement",
            "a.gtrack",
            "b.gtrack",
            "--columns",
            "value,note",
        ],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("##track type: valued segments\n"), "{s}");
    assert!(
        s.contains("chr1\t0\t10\t2.5\tx\thello\nchr1\t20\t30\t.\ty\t.\n"),
        "{s}"
    );
    let out = gtrack(
        &[
            "complement",
            "a.gtrack",
            "b.gtrack",
            "--columns",
            "note",
            "--by",
            "position",
        ],
        d.path(),
    );
    assert!(text(&out.stdout).contains("chr1\t0\t10\tx\thello\n"));
    write(
        d.path(),
        "dup.gtrack",
        "###seqid\tstart\tend\tid\tnote\nchr1\t0\t10\tx\ta\nchr1\t0\t10\tw\tb\n",
    );
    let out = gtrack(
        &[
            "complement",
            "a.gtrack",
            "dup.gtrack",
            "--columns",
            "note",
            "--by",
            "position",
            "-o",
            "o.gtrack",
        ],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("a.gtrack:0: usage: key `chr1:0-10` occurs twice"),
        "{}",
        text(&out.stderr)
    );
    assert!(!d.path().join("o.gtrack").exists());
}

#[test]
fn from_tabular_bed_like() {
    let out = gtrack(
        &[
            "from-tabular",
            "peaks.bed",
            "--columns",
            "seqid,start,end,id,value,strand",
        ],
        &examples(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("##track type: valued segments\n###seqid\tstart\tend\tvalue\tstrand\tid\nchr1\t9999\t10500\t512\t+\tpeak1\n"), "{s}");
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "t.tsv", "chr1\t1\t5\nchr1\t7\n");
    let out = gtrack(
        &[
            "from-tabular",
            "t.tsv",
            "--columns",
            "seqid,start,end",
            "-o",
            "t.gtrack",
        ],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("t.tsv:2: column-count: "),
        "{}",
        text(&out.stderr)
    );
    assert!(!d.path().join("t.gtrack").exists());
    let out = gtrack(
        &["from-tabular", "t.tsv", "--columns", "start,end,x"],
        d.path(),
    );
    assert!(text(&out.stderr).contains("t.tsv:0: usage: a tabular file needs a `seqid` column"));
    // GFF-style 1-based closed coordinates are converted.
    write(d.path(), "g.tsv", "chr1\t1\t10\n");
    let out = gtrack(
        &[
            "from-tabular",
            "g.tsv",
            "--columns",
            "seqid,start,end",
            "--one-indexed",
            "--end-inclusive",
        ],
        d.path(),
    );
    assert!(
        text(&out.stdout).contains(
            "##1-indexed: true\n##end inclusive: true\n###seqid\tstart\tend\nchr1\t1\t10\n"
        ),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn subtypes_listed_and_printed() {
    let d = tempfile::tempdir().unwrap();
    let out = gtrack(&["subtypes"], d.path());
    assert_eq!(text(&out.stdout).lines().count(), 22);
    let out = gtrack(&["subtypes", "bedgraph"], d.path());
    assert!(text(&out.stdout).contains("###seqid\tstart\tend\tvalue\n"));
    assert_eq!(
        gtrack(&["subtypes", "nope"], d.path()).status.code(),
        Some(2)
    );
}

#[test]
fn broken_pipe_exits_quietly() {
    // `gtrack subtypes | head -1` must not report an error.
    let d = tempfile::tempdir().unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' standardize '{}' | head -c 1 >/dev/null; echo $?",
            env!("CARGO_BIN_EXE_gtrack"),
            examples().join("enhancers.gtrack").display()
        ))
        .current_dir(d.path())
        .output()
        .unwrap();
    assert!(
        !text(&out.stderr).contains("error"),
        "{}",
        text(&out.stderr)
    );
}
