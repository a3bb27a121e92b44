//! `gtrack stats` and `gtrack analyze`: descriptive statistics and
//! type-aware pairwise questions with analytic tests.
//!
//! Tracks are names in `--store DIR`, or files, which are imported into
//! a temporary store first. The domain is `--genome`/`--chrom-sizes`
//! when given, else the tracks' own domains (bounding regions, genome or
//! sequence lengths; intersected when both have one), else the span of
//! their elements; `--bins FILE.bed` or `--bin-size N` then cut it into
//! bins.

use std::process::ExitCode;

use anyhow::Result;
use gtrack_analysis::describe::{describe_bins, Description};
use gtrack_analysis::dist::Tail;
use gtrack_analysis::intervals::{Domain, Intervals};
use gtrack_analysis::questions::{self, Answer, Report};
use gtrack_store::{ImportOptions, Store, StoredTrack, Verify};
use serde_json::{json, Value};

use super::GenomeArgs;

/// Domain and bins, shared by `stats` and `analyze`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct BinArgs {
    /// Bins: a BED file of regions (merged where they overlap, clipped
    /// to the sequences).
    #[arg(long, value_name = "REGIONS.bed", conflicts_with = "bin_size")]
    pub bins: Option<String>,
    /// Bins: tile the domain into bins of this many bp (k/M suffixes).
    #[arg(long, value_name = "SIZE")]
    pub bin_size: Option<String>,
    /// The store holding the tracks (default: tracks are files, imported
    /// into a temporary store).
    #[arg(long, value_name = "DIR")]
    pub store: Option<String>,
    /// Do not verify checksums of stored tracks.
    #[arg(long)]
    pub trust: bool,
    #[command(flatten)]
    pub genome: GenomeArgs,
}

/// Arguments of `stats`.
#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    /// The track (a name in `--store`, or a file).
    #[arg(value_name = "TRACK")]
    pub track: String,
    #[command(flatten)]
    pub bins: BinArgs,
    /// Print JSON with every number.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `analyze`.
#[derive(clap::Args, Debug)]
pub struct AnalyzeArgs {
    /// `QUESTION T1 T2...`, or with `--list`, `T1 T2`.
    #[arg(value_name = "QUESTION T1 T2")]
    pub args: Vec<String>,
    /// List the questions that apply to the types of T1 and T2 (or every
    /// question, when no track is given).
    #[arg(long)]
    pub list: bool,
    /// Tail of the test: more, less or different.
    #[arg(long, default_value = "more")]
    pub tail: String,
    #[command(flatten)]
    pub bins: BinArgs,
    /// Print JSON with every number and the parameters.
    #[arg(long)]
    pub json: bool,
}

struct Ctx {
    store: Store,
    _tmp: Option<tempfile::TempDir>,
    trust: bool,
}

enum Fail {
    Input(String),
    Other(String),
}

impl Fail {
    fn exit(self) -> ExitCode {
        match self {
            Fail::Input(m) => {
                eprintln!("gtrack: {m}");
                ExitCode::from(1)
            }
            Fail::Other(m) => {
                eprintln!("gtrack: error: {m}");
                ExitCode::from(2)
            }
        }
    }
}

fn store_err(e: gtrack_store::Error) -> Fail {
    if e.is_invalid_input() {
        Fail::Input(e.to_string())
    } else {
        Fail::Other(e.to_string())
    }
}

impl Ctx {
    fn new(b: &BinArgs) -> Result<Ctx, Fail> {
        match &b.store {
            Some(d) => Ok(Ctx {
                store: Store::open(d).map_err(store_err)?,
                _tmp: None,
                trust: b.trust,
            }),
            None => {
                let tmp = tempfile::tempdir()
                    .map_err(|e| Fail::Other(format!("cannot create a temporary store: {e}")))?;
                let store = Store::create(tmp.path().join("store")).map_err(store_err)?;
                Ok(Ctx {
                    store,
                    _tmp: Some(tmp),
                    trust: false,
                })
            }
        }
    }

    /// Open `t`: with `--store`, a stored name; without, a file that is
    /// imported into the temporary store.
    fn open(&self, t: &str, k: usize, b: &BinArgs) -> Result<StoredTrack, Fail> {
        let verify = if self.trust {
            Verify::Trust
        } else {
            Verify::Checksums
        };
        let is_file = std::path::Path::new(t).is_file();
        if self._tmp.is_none() {
            return match self.store.open_track(t, verify) {
                Ok(tr) => Ok(tr),
                Err(e) if is_file => Err(Fail::Input(format!(
                    "`{t}` is a file, not a track of the store ({e}); import it with `gtrack import --store DIR {t}` or omit --store"
                ))),
                Err(e) => Err(store_err(e)),
            };
        }
        if !is_file {
            return Err(Fail::Input(format!(
                "`{t}` is not a file (give --store DIR to name stored tracks)"
            )));
        }
        let name = format!("input{k}");
        let opts = ImportOptions {
            name: Some(name.clone()),
            sync: false,
            force: true,
            read: gtrack_formats::ReadOptions {
                genome: b.genome.genome().map_err(|e| Fail::Input(e.to_string()))?,
                ..Default::default()
            },
            ..Default::default()
        };
        self.store
            .import(&[t.to_string()], &opts, &mut |_, _| {})
            .map_err(store_err)?;
        self.store
            .open_track(&name, Verify::Trust)
            .map_err(store_err)
    }
}

/// A length in bp: an integer, optionally with k, M or G (powers of 1000).
fn parse_bp(s: &str) -> Result<u64, String> {
    let t = s.trim().replace(['_', ','], "");
    let (num, mult) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1_000u64),
        Some('m' | 'M') => (&t[..t.len() - 1], 1_000_000),
        Some('g' | 'G') => (&t[..t.len() - 1], 1_000_000_000),
        _ => (&t[..], 1),
    };
    let x: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a length in bp (e.g. 100000, 100k, 1M)"))?;
    let v = x * mult as f64;
    if !(v.is_finite() && v >= 1.0) {
        return Err(format!("`{s}`: the bin size must be at least 1 bp"));
    }
    Ok(v.round() as u64)
}

fn domain(b: &BinArgs, tracks: &[&StoredTrack], views: &[&Intervals<'_>]) -> Result<Domain, Fail> {
    let genome = b.genome.genome().map_err(|e| Fail::Input(e.to_string()))?;
    let explicit = match &genome {
        Some(g) => Some(Domain::whole(
            &g.sequences()
                .map(|(s, l)| (s.to_string(), l))
                .collect::<Vec<_>>(),
        )),
        None => tracks
            .iter()
            .filter_map(|t| Domain::of_stored(t))
            .reduce(|a, b| a.intersect(&b)),
    };
    let lengths = |s: &str| -> Option<u64> {
        if let Some(g) = &genome {
            return g.length(s);
        }
        tracks.iter().find_map(|t| t.seq_length(s))
    };
    let base = explicit.clone().unwrap_or_else(|| {
        eprintln!("gtrack: note: no genome or bounding regions known; the domain is each sequence from 0 to its last element (give --genome or --chrom-sizes)");
        Domain::covering(views)
    });
    let d = if let Some(path) = &b.bins {
        let bins = Domain::from_bed(std::path::Path::new(path), &lengths)
            .map_err(|e| Fail::Input(e.to_string()))?;
        match &explicit {
            Some(e) => bins.clip_to(e),
            None => bins,
        }
    } else if let Some(size) = &b.bin_size {
        let n = parse_bp(size).map_err(|e| Fail::Input(format!("--bin-size: {e}")))?;
        base.tile(n).map_err(|e| Fail::Input(e.to_string()))?
    } else {
        base
    };
    if d.is_empty() {
        return Err(Fail::Input(
            "[domain-empty] the analysis domain is empty (no bin overlaps the tracks' sequences); check --bins, --genome or the tracks' sequence names".into(),
        ));
    }
    Ok(d)
}

fn load<'a>(t: &'a StoredTrack) -> Result<Intervals<'a>, Fail> {
    Intervals::from_stored(t).map_err(|e| Fail::Other(e.to_string()))
}

/// `gtrack stats`.
pub fn stats(a: StatsArgs) -> Result<ExitCode> {
    match stats_now(&a) {
        Ok(c) => Ok(c),
        Err(f) => Ok(f.exit()),
    }
}

fn stats_now(a: &StatsArgs) -> Result<ExitCode, Fail> {
    let ctx = Ctx::new(&a.bins)?;
    let t = ctx.open(&a.track, 1, &a.bins)?;
    let v = load(&t)?;
    let d = domain(&a.bins, &[&t], &[&v])?;
    let (global, per) = describe_bins(&v, &d);
    if a.json {
        let out = json!({
            "track": a.track,
            "track_type": v.track_type.name(),
            "domain": {"bins": d.len(), "bp": d.total_bp()},
            "global": global,
            "bins": per.iter().map(|(r, x)| json!({
                "seqid": r.seqid, "start": r.start, "end": r.end, "stats": x,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return Ok(ExitCode::SUCCESS);
    }
    println!("track\t{}\ntype\t{}", a.track, v.track_type.name());
    println!("domain\t{} bp in {} bin(s)", d.total_bp(), d.len());
    print_description(&global);
    if !per.is_empty() {
        println!("\nseqid\tstart\tend\tcount\tbp_coverage\tproportional_coverage");
        for (r, x) in &per {
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}",
                r.seqid,
                r.start,
                r.end,
                x.count,
                x.bp_coverage,
                num(x.proportional_coverage)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn num(x: f64) -> String {
    if x.is_nan() {
        "NA".into()
    } else if x == x.trunc() && x.abs() < 1e15 {
        format!("{x}")
    } else {
        format!("{x:.6}")
    }
}

fn print_description(d: &Description) {
    println!("count\t{}", d.count);
    println!("bp_coverage\t{}", d.bp_coverage);
    println!("proportional_coverage\t{}", num(d.proportional_coverage));
    for (name, s) in [
        ("lengths", &d.lengths),
        ("gaps", &d.gaps),
        ("values", &d.values),
    ] {
        if let Some(s) = s {
            println!(
                "{name}\tn={} min={} q1={} median={} q3={} max={} mean={}",
                s.n,
                num(s.min),
                num(s.q1),
                num(s.median),
                num(s.q3),
                num(s.max),
                num(s.mean)
            );
        }
    }
}

/// `gtrack analyze`.
pub fn analyze(a: AnalyzeArgs) -> Result<ExitCode> {
    match analyze_now(&a) {
        Ok(c) => Ok(c),
        Err(f) => Ok(f.exit()),
    }
}

fn list_all() {
    println!("question\tpairs\tstatistic\tanalytic test");
    for q in questions::catalogue() {
        println!(
            "{}\t{}\t{}\t{}",
            q.name,
            q.pairs,
            q.statistic_text,
            q.analytic.unwrap_or("none (Monte Carlo)")
        );
    }
}

fn answer_json(a: &Answer) -> Value {
    serde_json::to_value(a).unwrap_or(Value::Null)
}

fn analyze_now(a: &AnalyzeArgs) -> Result<ExitCode, Fail> {
    let tail: Tail = a.tail.parse().map_err(Fail::Input)?;
    if a.list {
        if a.args.is_empty() {
            list_all();
            return Ok(ExitCode::SUCCESS);
        }
        if a.args.len() != 2 {
            return Err(Fail::Input(
                "--list takes two tracks: `gtrack analyze --list T1 T2`".into(),
            ));
        }
        let ctx = Ctx::new(&a.bins)?;
        let t1 = ctx.open(&a.args[0], 1, &a.bins)?;
        let t2 = ctx.open(&a.args[1], 2, &a.bins)?;
        let (y1, y2) = (t1.track_type(), t2.track_type());
        let qs = questions::applicable(y1, y2);
        if a.json {
            let out = json!({
                "track1": {"name": a.args[0], "type": y1.name()},
                "track2": {"name": a.args[1], "type": y2.name()},
                "questions": qs.iter().map(|q| json!({
                    "name": q.name, "description": q.description, "pairs": q.pairs,
                    "statistic": q.statistic_text, "analytic": q.analytic,
                })).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            return Ok(ExitCode::SUCCESS);
        }
        println!("# {} (track 1) vs {} (track 2)", y1.name(), y2.name());
        if qs.is_empty() {
            println!("# no question applies to this pair of types");
        }
        for q in qs {
            println!(
                "{}\t{}\t{}",
                q.name,
                q.description,
                q.analytic
                    .map_or("Monte Carlo only".to_string(), |t| format!("analytic: {t}"))
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if a.args.len() < 3 {
        return Err(Fail::Input(
            "usage: gtrack analyze QUESTION T1 T2... (or --list T1 T2); `gtrack analyze --list` lists every question".into(),
        ));
    }
    let q = questions::find(&a.args[0]).map_err(|e| Fail::Input(e.to_string()))?;
    let ctx = Ctx::new(&a.bins)?;
    let names = &a.args[1..];
    let stored: Vec<StoredTrack> = names
        .iter()
        .enumerate()
        .map(|(k, n)| ctx.open(n, k + 1, &a.bins))
        .collect::<Result<_, _>>()?;
    // Type check every pair before loading anything.
    for t2 in &stored[1..] {
        questions::check(q, stored[0].track_type(), t2.track_type())
            .map_err(|e| Fail::Input(e.to_string()))?;
    }
    let views: Vec<Intervals<'_>> = stored.iter().map(load).collect::<Result<_, _>>()?;
    let mut rows: Vec<(usize, Report)> = Vec::new();
    for k in 1..views.len() {
        let d = domain(&a.bins, &[&stored[0], &stored[k]], &[&views[0], &views[k]])?;
        let r = questions::run(q, &views[0], &views[k], &d, tail)
            .map_err(|e| Fail::Input(e.to_string()))?;
        rows.push((k, r));
    }
    // Rank by analytic p (undefined last), then by statistic.
    rows.sort_by(|x, y| {
        let px = x.1.global.p_value().unwrap_or(f64::INFINITY);
        let py = y.1.global.p_value().unwrap_or(f64::INFINITY);
        px.total_cmp(&py)
    });
    let d0 = domain(&a.bins, &[&stored[0], &stored[1]], &[&views[0], &views[1]])?;
    if a.json {
        let out = json!({
            "question": q.name,
            "description": q.description,
            "statistic": q.statistic_text,
            "analytic_test": q.analytic,
            "tail": tail.name(),
            "domain": {"bins": d0.len(), "bp": d0.total_bp(),
                       "bins_file": a.bins.bins, "bin_size": a.bins.bin_size},
            "track1": {"name": names[0], "type": stored[0].track_type().name()},
            "results": rows.iter().enumerate().map(|(rank, (k, r))| json!({
                "rank": rank + 1,
                "track2": {"name": names[*k], "type": stored[*k].track_type().name()},
                "global": answer_json(&r.global),
                "bins": r.bins.iter().map(|b| json!({
                    "seqid": b.seqid, "start": b.start, "end": b.end,
                    "answer": answer_json(&b.answer),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return Ok(ExitCode::SUCCESS);
    }
    println!("# question: {} — {}", q.name, q.description);
    println!("# statistic: {}", q.statistic_text);
    println!(
        "# analytic test: {} (tail: {})",
        q.analytic.unwrap_or("none; use Monte Carlo"),
        tail.name()
    );
    println!("# domain: {} bp in {} bin(s)", d0.total_bp(), d0.len());
    println!("rank\ttrack1\ttrack2\tstatistic\tp\tmethod\tdetails");
    for (rank, (k, r)) in rows.iter().enumerate() {
        let g = &r.global;
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            rank + 1,
            names[0],
            names[*k],
            num(g.statistic),
            g.p_value().map_or("NA".into(), fmt_p),
            g.test
                .as_ref()
                .map_or("-".to_string(), |t| t.method.clone()),
            details(g)
        );
    }
    for (k, r) in &rows {
        if r.bins.is_empty() {
            continue;
        }
        println!("\n# per bin: {} vs {}", names[0], names[*k]);
        println!("seqid\tstart\tend\tstatistic\tp\tdetails");
        for b in &r.bins {
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}",
                b.seqid,
                b.start,
                b.end,
                num(b.answer.statistic),
                b.answer.p_value().map_or("NA".into(), fmt_p),
                details(&b.answer)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn fmt_p(p: f64) -> String {
    format!("{p:.6e}")
}

fn details(a: &Answer) -> String {
    let mut v: Vec<String> = a
        .details
        .iter()
        .map(|d| format!("{}={}", d.name, num(d.value)))
        .collect();
    if let Some(e) = a.test.as_ref().and_then(|t| t.expected) {
        v.push(format!("expected={}", num(e)));
    }
    v.join(" ")
}
