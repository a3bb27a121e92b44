//! End-to-end tests of the store commands: `import`, `ls`, `info --store`,
//! `view`, `summarize`, `export`; exit codes and messages; an import
//! killed half-way leaves a complete track or none.

mod common;

use common::{gtrack, text};

use std::process::{Command, Stdio};

const BED: &str = "track name=peaks\nchr1\t100\t200\tp1\t10\t+\nchr1\t150\t160\tp2\t20\t-\nchr1\t1000\t1001\tp3\t30\t.\nchr2\t5\t50\tp4\t40\t+\n";
const BEDGRAPH: &str = "chr1\t0\t100\t1\nchr1\t100\t200\t3\nchr1\t200\t300\t-1\n";

fn setup() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("peaks.bed"), BED).unwrap();
    std::fs::write(d.path().join("signal.bedgraph"), BEDGRAPH).unwrap();
    let out = gtrack(
        &[
            "import",
            "peaks.bed",
            "signal.bedgraph",
            "--store",
            "st",
            "--no-sync",
        ],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    d
}

#[test]
fn import_then_ls_and_info() {
    let d = setup();
    let out = gtrack(&["ls", "--store", "st"], d.path());
    assert!(out.status.success());
    let ls = text(&out.stdout);
    assert!(
        ls.contains("peaks\tvalued segments\t4\t2\t.\tbed\t"),
        "{ls}"
    );
    assert!(
        ls.contains("signal\tstep function\t3\t1\t.\tbedgraph\t"),
        "{ls}"
    );
    let out = gtrack(&["ls", "--store", "st", "--json"], d.path());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    let out = gtrack(&["info", "--store", "st", "peaks"], d.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let info = text(&out.stdout);
    assert!(
        info.contains("track type\tvalued segments (VS)")
            && info.contains("elements\t4")
            && info.contains("elements (merged)\t3"),
        "{info}"
    );
    // Re-import of an unchanged file is skipped.
    let out = gtrack(
        &["import", "peaks.bed", "--store", "st", "--no-sync"],
        d.path(),
    );
    assert!(
        out.status.success() && text(&out.stderr).contains("unchanged"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn view_regions_in_ucsc_and_bed_form() {
    let d = setup();
    // 1-based inclusive: chr1:151-160 = [150, 160).
    let out = gtrack(
        &["view", "--store", "st", "peaks", "chr1:151-160"],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v = text(&out.stdout);
    assert!(
        v.contains("chr1\t100\t200\tp1\t10\t+") && v.contains("chr1\t150\t160\tp2\t20\t-"),
        "{v}"
    );
    assert!(!v.contains("p3") && !v.contains("p4"), "{v}");
    std::fs::write(d.path().join("q.bed"), "chr2\t0\t10\nchr1\t999\t1000\n").unwrap();
    let out = gtrack(
        &["view", "--store", "st", "peaks", "q.bed", "--to", "gtrack"],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v = text(&out.stdout);
    assert!(v.contains("chr2\t5\t50") && !v.contains("p3"), "{v}");
    // Dense types come out as valid GTrack with bounding regions.
    let out = gtrack(
        &[
            "view",
            "--store",
            "st",
            "signal",
            "chr1:150-250",
            "--to",
            "gtrack",
        ],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let g = text(&out.stdout);
    assert!(g.contains("####seqid=chr1; start=100; end=300"), "{g}");
    // A bad region: exit 1 with the rule.
    let out = gtrack(&["view", "--store", "st", "peaks", "chr1:0-10"], d.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("store-region") && text(&out.stderr).contains("1-based"),
        "{}",
        text(&out.stderr)
    );
    // An unknown track: exit 2, naming the tracks there are.
    let out = gtrack(&["view", "--store", "st", "nope", "chr1"], d.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no track `nope`") && text(&out.stderr).contains("`peaks`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn summarize_each_statistic() {
    let d = setup();
    std::fs::write(
        d.path().join("r.bed"),
        "chr1\t50\t250\tr1\nchr1\t400\t500\tr2\n",
    )
    .unwrap();
    let run = |stat: &str| {
        let out = gtrack(
            &[
                "summarize",
                "--store",
                "st",
                "signal",
                "r.bed",
                "--stat",
                stat,
            ],
            d.path(),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    // [50,250): 50 bp at 1, 100 at 3, 50 at -1.
    assert_eq!(
        run("mean"),
        "chr1\t50\t250\tr1\t1.5\nchr1\t400\t500\tr2\t.\n"
    );
    assert_eq!(
        run("sum"),
        "chr1\t50\t250\tr1\t300\nchr1\t400\t500\tr2\t0\n"
    );
    assert_eq!(
        run("count"),
        "chr1\t50\t250\tr1\t3\nchr1\t400\t500\tr2\t0\n"
    );
    assert_eq!(
        run("coverage"),
        "chr1\t50\t250\tr1\t200\nchr1\t400\t500\tr2\t0\n"
    );
    assert_eq!(run("min"), "chr1\t50\t250\tr1\t-1\nchr1\t400\t500\tr2\t.\n");
    assert_eq!(run("max"), "chr1\t50\t250\tr1\t3\nchr1\t400\t500\tr2\t.\n");
    // Values on a track without numeric values: refused with a hint.
    std::fs::write(d.path().join("s.bed"), "chr1\t1\t2\n").unwrap();
    let out = gtrack(
        &[
            "import",
            "s.bed",
            "--store",
            "st",
            "--name",
            "plain",
            "--no-sync",
        ],
        d.path(),
    );
    assert!(out.status.success());
    let out = gtrack(
        &[
            "summarize",
            "--store",
            "st",
            "plain",
            "r.bed",
            "--stat",
            "mean",
        ],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("needs numeric values"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn export_round_trips_and_refuses_losses() {
    let d = setup();
    let out = gtrack(&["export", "--store", "st", "peaks", "out.bed"], d.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(d.path().join("out.bed")).unwrap(),
        BED
    );
    let out = gtrack(
        &["export", "--store", "st", "signal", "out.bedgraph"],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(d.path().join("out.bedgraph")).unwrap(),
        format!("track type=bedGraph\n{BEDGRAPH}")
    );
    // VCF cannot hold segments: refused, nothing written.
    let out = gtrack(&["export", "--store", "st", "peaks", "out.vcf"], d.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(!d.path().join("out.vcf").exists());
}

#[test]
fn bad_input_fails_the_import_with_the_location_and_leaves_nothing() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("bad.bed"), "chr1\t10\t20\nchr1\tx\t30\n").unwrap();
    let out = gtrack(
        &["import", "bad.bed", "--store", "st", "--no-sync"],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("bad.bed:2: bed-coordinates"),
        "{}",
        text(&out.stderr)
    );
    let out = gtrack(&["ls", "--store", "st"], d.path());
    assert_eq!(
        text(&out.stdout),
        "name\ttrack_type\telements\tsequences\tgenome\tformat\tbytes\n"
    );
    // A directory that is not a store.
    std::fs::create_dir(d.path().join("x")).unwrap();
    std::fs::write(d.path().join("x/file"), "").unwrap();
    let out = gtrack(&["ls", "--store", "x"], d.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a gtrack store"),
        "{}",
        text(&out.stderr)
    );
}

/// Kill an import at some point: the track is then either complete (and
/// verifies) or absent; the next import cleans the temporary files.
#[test]
fn a_killed_import_leaves_a_complete_track_or_none() {
    let d = tempfile::tempdir().unwrap();
    let mut s = String::new();
    for i in 0..200_000u64 {
        s.push_str(&format!(
            "chr{}\t{}\t{}\tn{i}\t{}\t+\n",
            i % 5 + 1,
            (i * 7919) % 1_000_000,
            (i * 7919) % 1_000_000 + 50,
            i % 1000
        ));
    }
    std::fs::write(d.path().join("big.bed"), s).unwrap();
    for delay_ms in [5u64, 40, 150] {
        let st = format!("st{delay_ms}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_gtrack"))
            .args(["import", "big.bed", "--store", &st, "--quiet"])
            .current_dir(d.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let out = gtrack(&["ls", "--store", &st], d.path());
        if out.status.code() == Some(2) {
            continue; // killed before the store existed
        }
        let ls = text(&out.stdout);
        if ls.contains("big\t") {
            let out = gtrack(&["info", "--store", &st, "big"], d.path());
            assert!(
                out.status.success(),
                "a listed track must be complete: {}",
                text(&out.stderr)
            );
            assert!(text(&out.stdout).contains("elements\t200000"));
        } else {
            assert_eq!(ls.lines().count(), 1, "{ls}");
        }
        // A new import succeeds and removes the killed one's temporary files.
        let out = gtrack(
            &[
                "import",
                "big.bed",
                "--store",
                &st,
                "--name",
                "again",
                "--no-sync",
                "--quiet",
            ],
            d.path(),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let tmp: Vec<_> = std::fs::read_dir(d.path().join(&st).join("tmp"))
            .unwrap()
            .collect();
        assert!(tmp.is_empty(), "{tmp:?}");
    }
}
