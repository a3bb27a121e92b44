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
use gtrack_analysis::mc::{self, McOptions, McResult, Randomize, Schedule};
use gtrack_analysis::null::NullModel;
use gtrack_analysis::plot::{self, BinValue};
use gtrack_analysis::questions::{self, Answer};
use gtrack_core::Region;
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
    /// `QUESTION T1 T2...`, or with `--list`, `T1 T2`. Each T2 may be a
    /// track or a GSuite file (`.gsuite`): one row per track.
    #[arg(value_name = "QUESTION T1 T2")]
    pub args: Vec<String>,
    /// List the questions that apply to the types of T1 and T2 (or every
    /// question, when no track is given).
    #[arg(long)]
    pub list: bool,
    /// Tail of the test: more, less or different.
    #[arg(long, default_value = "more")]
    pub tail: String,
    /// Monte Carlo null model (implies Monte Carlo): permute-segments-and-gaps,
    /// permute-segments-sample-gaps, shuffle-values, uniform-points,
    /// intensity-points (with --intensity). Default: per question and type.
    #[arg(long = "null", value_name = "MODEL")]
    pub null: Option<String>,
    /// Which track the null model randomises: 1, 2 or both (implies Monte
    /// Carlo; default per question, usually 1).
    #[arg(long, value_name = "1|2|both")]
    pub randomize: Option<String>,
    /// Monte Carlo with exactly N samples.
    #[arg(long, value_name = "N", conflicts_with = "mc")]
    pub samples: Option<u64>,
    /// Monte Carlo preset: quick (sequential, ≤ 150 samples), medium
    /// (sequential, ≤ 2000; the default), robust (10 000 samples).
    #[arg(long, value_name = "PRESET")]
    pub mc: Option<String>,
    /// Master seed of the Monte Carlo samples (default: drawn from the
    /// clock, and printed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (results do not depend on it).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Intensity track for the intensity-points null model.
    #[arg(long, value_name = "TRACK")]
    pub intensity: Option<String>,
    /// Write an SVG: the statistic along the genome for per-bin analyses,
    /// else the null distribution with the observed value (Monte Carlo).
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<String>,
    #[command(flatten)]
    pub bins: BinArgs,
    /// Print JSON with every number and the parameters.
    #[arg(long)]
    pub json: bool,
}

struct Ctx {
    store: Option<Store>,
    tmp: std::cell::RefCell<Option<(tempfile::TempDir, Store)>>,
    count: std::cell::Cell<usize>,
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
        let store = match &b.store {
            Some(d) => Some(Store::open(d).map_err(store_err)?),
            None => None,
        };
        Ok(Ctx {
            store,
            tmp: std::cell::RefCell::new(None),
            count: std::cell::Cell::new(0),
            trust: b.trust,
        })
    }

    /// Open `t`: with `--store`, a stored name; without, a file that is
    /// imported into the temporary store.
    fn open(&self, t: &str, b: &BinArgs) -> Result<StoredTrack, Fail> {
        let verify = if self.trust {
            Verify::Trust
        } else {
            Verify::Checksums
        };
        let is_file = std::path::Path::new(t).is_file();
        if let Some(store) = &self.store {
            return match store.open_track(t, verify) {
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
        self.open_file(t, b)
    }

    /// Import the file `t` into the temporary store (created on first use).
    fn open_file(&self, t: &str, b: &BinArgs) -> Result<StoredTrack, Fail> {
        let mut tmp = self.tmp.borrow_mut();
        if tmp.is_none() {
            let dir = tempfile::tempdir()
                .map_err(|e| Fail::Other(format!("cannot create a temporary store: {e}")))?;
            let store = Store::create(dir.path().join("store")).map_err(store_err)?;
            *tmp = Some((dir, store));
        }
        let Some((_, store)) = tmp.as_ref() else {
            return Err(Fail::Other("no temporary store".into()));
        };
        let k = self.count.get() + 1;
        self.count.set(k);
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
        store
            .import(&[t.to_string()], &opts, &mut |_, _| {})
            .map_err(store_err)?;
        store.open_track(&name, Verify::Trust).map_err(store_err)
    }
}

/// A track argument: its display name and the stored track.
struct Arg {
    name: String,
    track: StoredTrack,
}

fn is_gsuite(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    l.ends_with(".gsuite") && std::path::Path::new(t).is_file()
}

/// The local path of a GSuite URI (`file://` or a plain path, relative to
/// the GSuite's directory); remote URIs are refused with a hint to
/// `gtrack fetch`.
fn gsuite_path(uri: &str, base: &std::path::Path, gs: &str, line: usize) -> Result<String, Fail> {
    let lower = uri.to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|x| x.0).unwrap_or("");
    let path = if let Some(rest) = lower.strip_prefix("file://").map(|_| &uri[7..]) {
        let rest = rest.strip_prefix("localhost").unwrap_or(rest);
        let rest = rest.split(['?', '#']).next().unwrap_or(rest);
        gtrack_collections::gsuite::uri::percent_decode(rest).map_err(|e| {
            Fail::Input(format!(
                "{gs}:{line}: [gsuite-uri] cannot decode `{uri}`: {e}"
            ))
        })?
    } else if ["http", "https", "ftp", "rsync"].contains(&scheme) {
        return Err(Fail::Input(format!(
            "{gs}:{line}: [gsuite-remote-track] `{uri}` is remote; download the suite's tracks first with `gtrack fetch {gs} --cache DIR -o local.gsuite` and analyse local.gsuite"
        )));
    } else if !scheme.is_empty() && scheme.len() > 1 && !uri.starts_with('/') {
        return Err(Fail::Input(format!(
            "{gs}:{line}: [gsuite-uri] `{uri}`: scheme `{scheme}:` cannot be read here; give file:// URIs or local paths"
        )));
    } else {
        uri.to_string()
    };
    let p = std::path::Path::new(&path);
    let p = if p.is_relative() {
        base.join(p)
    } else {
        p.to_path_buf()
    };
    if !p.is_file() {
        return Err(Fail::Input(format!(
            "{gs}:{line}: [gsuite-missing-file] track file `{}` (from `{uri}`) does not exist",
            p.display()
        )));
    }
    Ok(p.display().to_string())
}

/// Expand the T2 arguments: tracks as given, GSuite files into their tracks.
fn open_t2s(ctx: &Ctx, args: &[String], b: &BinArgs) -> Result<Vec<Arg>, Fail> {
    let mut out = Vec::new();
    for t in args {
        if !is_gsuite(t) {
            out.push(Arg {
                name: t.clone(),
                track: ctx.open(t, b)?,
            });
            continue;
        }
        let parsed = gtrack_collections::gsuite::read_path(
            std::path::Path::new(t),
            &gtrack_collections::gsuite::ReadOptions::default(),
        )
        .map_err(|e| Fail::Input(e.to_string()))?;
        let base = std::path::Path::new(t)
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        let g = &parsed.suite;
        if g.is_empty() {
            return Err(Fail::Input(format!(
                "{t}: [gsuite-empty] the GSuite lists no track"
            )));
        }
        for row in 0..g.len() {
            let line = parsed.track_lines.get(row).copied().unwrap_or(0);
            let uri = g.uri(row).unwrap_or("");
            let path = gsuite_path(uri, &base, t, line)?;
            let title = g
                .field(row, "title")
                .filter(|x| !x.is_empty() && *x != ".")
                .map(str::to_string)
                .unwrap_or_else(|| {
                    std::path::Path::new(&path)
                        .file_name()
                        .map_or(path.clone(), |f| f.to_string_lossy().into_owned())
                });
            out.push(Arg {
                name: title,
                track: ctx.open_file(&path, b)?,
            });
        }
    }
    Ok(out)
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
    let t = ctx.open(&a.track, &a.bins)?;
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
        let t1 = ctx.open(&a.args[0], &a.bins)?;
        let t2 = ctx.open(&a.args[1], &a.bins)?;
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
    if let Some(n) = a.threads {
        if n == 0 {
            return Err(Fail::Input("--threads must be at least 1".into()));
        }
        mc::set_threads(n).map_err(Fail::Other)?;
    }
    let ctx = Ctx::new(&a.bins)?;
    let t1 = Arg {
        name: a.args[1].clone(),
        track: ctx.open(&a.args[1], &a.bins)?,
    };
    let t2s = open_t2s(&ctx, &a.args[2..], &a.bins)?;
    let y1 = t1.track.track_type();
    // Type check every pair before loading anything.
    for t2 in &t2s {
        questions::check(q, y1, t2.track.track_type())
            .map_err(|e| Fail::Input(format!("track 2 `{}`: {e}", t2.name)))?;
    }
    let plan = McPlan::new(a, q, y1, &t2s)?;
    let intensity_track = match &a.intensity {
        Some(t) => Some(ctx.open(t, &a.bins)?),
        None => None,
    };
    let intensity = match &intensity_track {
        Some(t) => Some(std::sync::Arc::new(load(t)?.into_owned())),
        None => None,
    };
    let v1 = load(&t1.track)?;
    let per_bin_wanted = a.bins.bins.is_some() || a.bins.bin_size.is_some();
    let mut rows: Vec<Row> = Vec::new();
    for (k, t2) in t2s.iter().enumerate() {
        let v2 = load(&t2.track)?;
        let d = domain(&a.bins, &[&t1.track, &t2.track], &[&v1, &v2])?;
        if q.name == "case-control" {
            // Validates the binary values (the report itself is unused).
            questions::run(q, &v1, &v2, &Domain::single(&d.bins()[0]), tail)
                .map_err(|e| Fail::Input(e.to_string()))?;
        }
        let global_answer = q.evaluate(&v1, &v2, &d, tail);
        let per_bin = q.per_bin && per_bin_wanted && d.len() > 1;
        let mut row = Row {
            k,
            domain_bins: d.len(),
            domain_bp: d.total_bp(),
            statistic: global_answer.statistic,
            p: None,
            q: None,
            answer: global_answer,
            mc: None,
            bins: Vec::new(),
        };
        match &plan {
            None => {
                row.p = row.answer.p_value();
                if per_bin {
                    let r = questions::run(q, &v1, &v2, &d, tail)
                        .map_err(|e| Fail::Input(e.to_string()))?;
                    row.bins = r
                        .bins
                        .into_iter()
                        .map(|b| BinRow {
                            region: Region::new(b.seqid, b.start, b.end),
                            statistic: b.answer.statistic,
                            p: b.answer.p_value(),
                            q: None,
                            answer: b.answer,
                            mc: None,
                        })
                        .collect();
                }
            }
            Some(plan) => {
                let rz = plan.randomize(intensity.clone())?;
                let opts = McOptions {
                    schedule: plan.schedule,
                    tail,
                    seed: plan.seed,
                    keep_null: a.plot.is_some() && !per_bin,
                };
                let res = mc::test_question(q, &v1, &v2, &d, &rz, &opts)
                    .map_err(|e| Fail::Input(format!("track 2 `{}`: {e}", t2.name)))?;
                row.statistic = res.observed;
                row.p = res.p;
                row.mc = Some(res);
                // The p-value is the Monte Carlo one: leave the analytic
                // test out of the details.
                row.answer.test = None;
                if per_bin {
                    let r1 = v1.restrict_bins(&d);
                    let r2 = v2.restrict_bins(&d);
                    for (i, ((region, b1), b2)) in
                        d.bins().into_iter().zip(&r1).zip(&r2).enumerate()
                    {
                        let bd = Domain::single(&region);
                        let o = McOptions {
                            seed: mc::bin_seed(plan.seed, i as u64),
                            keep_null: false,
                            ..opts
                        };
                        let res = mc::test_question(q, b1, b2, &bd, &rz, &o).map_err(|e| {
                            Fail::Input(format!(
                                "track 2 `{}`, bin {}:{}-{}: {e}",
                                t2.name, region.seqid, region.start, region.end
                            ))
                        })?;
                        let mut answer = q.evaluate(b1, b2, &bd, tail);
                        answer.test = None;
                        row.bins.push(BinRow {
                            answer,
                            statistic: res.observed,
                            p: res.p,
                            q: None,
                            mc: Some(res),
                            region,
                        });
                    }
                }
            }
        }
        let bq = mc::benjamini_hochberg(&row.bins.iter().map(|b| b.p).collect::<Vec<_>>());
        for (b, x) in row.bins.iter_mut().zip(bq) {
            b.q = x;
        }
        rows.push(row);
    }
    let qs = mc::benjamini_hochberg(&rows.iter().map(|r| r.p).collect::<Vec<_>>());
    for (r, x) in rows.iter_mut().zip(qs) {
        r.q = x;
    }
    // Rank by p (undefined last); ties keep the order given.
    rows.sort_by(|x, y| {
        x.p.unwrap_or(f64::INFINITY)
            .total_cmp(&y.p.unwrap_or(f64::INFINITY))
    });
    if let Some(path) = &a.plot {
        plot(path, q, &t1, &t2s, &rows, plan.as_ref())?;
    }
    let method = match &plan {
        None => "analytic".to_string(),
        Some(p) => format!("monte-carlo: {} on track {}", p.model_text(), p.which),
    };
    if a.json {
        let out = json!({
            "question": q.name,
            "description": q.description,
            "statistic": q.statistic_text,
            "analytic_test": q.analytic,
            "method": if plan.is_some() { "monte-carlo" } else { "analytic" },
            "tail": tail.name(),
            "parameters": plan.as_ref().map(|p| p.json(tail)),
            "domain": {"bins": rows.first().map_or(0, |r| r.domain_bins),
                       "bp": rows.first().map_or(0, |r| r.domain_bp),
                       "bins_file": a.bins.bins, "bin_size": a.bins.bin_size},
            "track1": {"name": t1.name, "type": y1.name()},
            "results": rows.iter().enumerate().map(|(rank, r)| json!({
                "rank": rank + 1,
                "track2": {"name": t2s[r.k].name, "type": t2s[r.k].track.track_type().name()},
                "statistic": r.statistic,
                "p": r.p,
                "q": r.q,
                "global": answer_json(&r.answer),
                "monte_carlo": r.mc.as_ref().map(mc_json),
                "bins": r.bins.iter().map(|b| json!({
                    "seqid": b.region.seqid, "start": b.region.start, "end": b.region.end,
                    "statistic": b.statistic, "p": b.p, "q": b.q,
                    "answer": answer_json(&b.answer),
                    "monte_carlo": b.mc.as_ref().map(mc_json),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return Ok(ExitCode::SUCCESS);
    }
    println!("# question: {} — {}", q.name, q.description);
    println!("# statistic: {}", q.statistic_text);
    match &plan {
        None => println!(
            "# analytic test: {} (tail: {})",
            q.analytic.unwrap_or("none; use Monte Carlo"),
            tail.name()
        ),
        Some(p) => println!(
            "# Monte Carlo: null model {} on track {} (preserves {}); {}; tail {}; seed {}; RNG {}",
            p.model_text(),
            p.which,
            p.preserves,
            p.schedule_text(),
            tail.name(),
            p.seed,
            mc::RNG_NAME
        ),
    }
    if let Some(r) = rows.first() {
        println!("# domain: {} bp in {} bin(s)", r.domain_bp, r.domain_bins);
    }
    let mcols = plan.is_some();
    if mcols {
        println!("rank\ttrack1\ttrack2\tstatistic\tp\tq\tnull_mean\tnull_sd\tsamples\tdetails");
    } else {
        println!("rank\ttrack1\ttrack2\tstatistic\tp\tq\tmethod\tdetails");
    }
    for (rank, r) in rows.iter().enumerate() {
        let g = &r.answer;
        let tail_cols = match &r.mc {
            Some(m) => format!(
                "{}\t{}\t{}",
                m.null_mean.map_or("NA".into(), num),
                m.null_sd.map_or("NA".into(), num),
                m.samples
            ),
            None if mcols => "NA\tNA\t0".to_string(),
            None => g
                .test
                .as_ref()
                .map_or("-".to_string(), |t| t.method.clone()),
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            rank + 1,
            t1.name,
            t2s[r.k].name,
            num(r.statistic),
            r.p.map_or("NA".into(), fmt_p),
            r.q.map_or("NA".into(), fmt_p),
            tail_cols,
            details(g)
        );
    }
    let _ = method;
    for r in &rows {
        if r.bins.is_empty() {
            continue;
        }
        println!("\n# per bin: {} vs {}", t1.name, t2s[r.k].name);
        println!("seqid\tstart\tend\tstatistic\tp\tq\tdetails");
        for b in &r.bins {
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                b.region.seqid,
                b.region.start,
                b.region.end,
                num(b.statistic),
                b.p.map_or("NA".into(), fmt_p),
                b.q.map_or("NA".into(), fmt_p),
                details(&b.answer)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One T2's result.
struct Row {
    k: usize,
    domain_bins: usize,
    domain_bp: u64,
    statistic: f64,
    p: Option<f64>,
    q: Option<f64>,
    answer: Answer,
    mc: Option<McResult>,
    bins: Vec<BinRow>,
}

/// One bin's result.
struct BinRow {
    region: Region,
    statistic: f64,
    p: Option<f64>,
    q: Option<f64>,
    answer: Answer,
    mc: Option<McResult>,
}

fn mc_json(m: &McResult) -> Value {
    let mut v = serde_json::to_value(m).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.remove("null");
    }
    v
}

/// The Monte Carlo set-up of a run (None: analytic).
struct McPlan {
    which: String,
    model1: Option<String>,
    model2: Option<String>,
    preserves: &'static str,
    schedule: Schedule,
    schedule_name: String,
    seed: u64,
}

impl McPlan {
    fn new(
        a: &AnalyzeArgs,
        q: &questions::Question,
        y1: gtrack_core::TrackType,
        t2s: &[Arg],
    ) -> Result<Option<McPlan>, Fail> {
        let per_bin_plot = a.bins.bins.is_some() || a.bins.bin_size.is_some();
        let wanted = a.null.is_some()
            || a.randomize.is_some()
            || a.samples.is_some()
            || a.mc.is_some()
            || q.analytic.is_none()
            || (a.plot.is_some() && !per_bin_plot);
        if !wanted {
            return Ok(None);
        }
        let y2 = t2s[0].track.track_type();
        let (def_which, _) = mc::default_null(q, y1, y2);
        let which = match a.randomize.as_deref() {
            None => def_which.to_string(),
            Some(w @ ("1" | "2" | "both")) => w.to_string(),
            Some(w) => {
                return Err(Fail::Input(format!(
                    "--randomize `{w}`: expected 1, 2 or both"
                )))
            }
        };
        let pick = |track: u8, tt: gtrack_core::TrackType| -> Result<String, Fail> {
            let name = match &a.null {
                Some(n) => n.clone(),
                None if q.name == "counts-values" || q.name == "case-control" => {
                    mc::default_null(q, y1, y2).1.to_string()
                }
                None => mc::default_model_for(tt).to_string(),
            };
            if !NullModel::NAMES.contains(&name.as_str()) {
                return Err(Fail::Input(
                    gtrack_analysis::null::NullError::UnknownModel { name }.to_string(),
                ));
            }
            NullModel::check_fits(&name, track, tt).map_err(|e| Fail::Input(e.to_string()))?;
            if name == "intensity-points" && a.intensity.is_none() {
                return Err(Fail::Input(
                    "null model intensity-points needs the intensity track: give --intensity TRACK"
                        .into(),
                ));
            }
            Ok(name)
        };
        let model1 = if which == "1" || which == "both" {
            Some(pick(1, y1)?)
        } else {
            None
        };
        let model2 = if which == "2" || which == "both" {
            let mut m = None;
            for t in t2s {
                m = Some(pick(2, t.track.track_type()).map_err(|e| match e {
                    Fail::Input(m) => Fail::Input(format!("track 2 `{}`: {m}", t.name)),
                    o => o,
                })?);
            }
            m
        } else {
            None
        };
        let (schedule, schedule_name) = match (a.samples, &a.mc) {
            (Some(0), _) => return Err(Fail::Input("--samples must be at least 1".into())),
            (Some(n), _) => (Schedule::Fixed(n), format!("{n} samples")),
            (None, Some(p)) => (
                Schedule::preset(p).ok_or_else(|| {
                    Fail::Input(format!(
                        "--mc `{p}`: unknown preset; presets: {}",
                        Schedule::PRESETS.join(", ")
                    ))
                })?,
                p.clone(),
            ),
            (None, None) => (
                Schedule::preset("medium").unwrap_or(Schedule::Fixed(2000)),
                "medium".into(),
            ),
        };
        let seed = a.seed.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        });
        let preserves = model1
            .as_deref()
            .or(model2.as_deref())
            .and_then(|n| NullModel::parse(n, None).ok())
            .map_or("point counts per bin", |m| m.preserves());
        Ok(Some(McPlan {
            which,
            model1,
            model2,
            preserves,
            schedule,
            schedule_name,
            seed,
        }))
    }

    fn model_text(&self) -> String {
        match (&self.model1, &self.model2) {
            (Some(a), Some(b)) if a == b => a.clone(),
            (Some(a), Some(b)) => format!("{a} (track 1) and {b} (track 2)"),
            (Some(a), None) | (None, Some(a)) => a.clone(),
            (None, None) => "-".into(),
        }
    }

    fn schedule_text(&self) -> String {
        match self.schedule {
            Schedule::Fixed(n) => format!("{n} samples"),
            Schedule::Sequential {
                chunk,
                max,
                min_extreme,
            } => format!(
                "sequential ({}: chunks of {chunk}, at most {max}, stop at {min_extreme} extreme)",
                self.schedule_name
            ),
        }
    }

    fn randomize(
        &self,
        intensity: Option<std::sync::Arc<Intervals<'static>>>,
    ) -> Result<Randomize, Fail> {
        let m = |n: &Option<String>| -> Result<Option<NullModel>, Fail> {
            n.as_deref()
                .map(|n| NullModel::parse(n, intensity.clone()))
                .transpose()
                .map_err(|e| Fail::Input(e.to_string()))
        };
        Ok(Randomize {
            track1: m(&self.model1)?,
            track2: m(&self.model2)?,
        })
    }

    fn json(&self, tail: Tail) -> Value {
        json!({
            "seed": self.seed,
            "rng": mc::RNG_NAME,
            "schedule": self.schedule,
            "schedule_name": self.schedule_name,
            "null_model": self.model_text(),
            "null_model_track1": self.model1,
            "null_model_track2": self.model2,
            "randomize": self.which,
            "preserves": self.preserves,
            "tail": tail.name(),
            "threads": mc::threads(),
            "p_formula": "p = min(1, tail_factor * (k + 1) / (n + 1)), tail_factor 2 for different",
        })
    }
}

fn plot(
    path: &str,
    q: &questions::Question,
    t1: &Arg,
    t2s: &[Arg],
    rows: &[Row],
    plan: Option<&McPlan>,
) -> Result<(), Fail> {
    let Some(top) = rows.first() else {
        return Ok(());
    };
    let name2 = &t2s[top.k].name;
    let svg = if !top.bins.is_empty() {
        let values: Vec<BinValue> = top
            .bins
            .iter()
            .map(|b| BinValue {
                bin: b.region.clone(),
                value: b.statistic,
            })
            .collect();
        plot::per_bin_svg(
            &values,
            &plot::Labels {
                title: format!("{}: {} vs {} per bin", q.name, t1.name, name2),
                x: "genome position".into(),
                y: q.statistic_text.into(),
            },
        )
    } else {
        let Some(m) = top.mc.as_ref() else {
            return Err(Fail::Input(
                "--plot: no null distribution to draw (give --null, --samples or --mc, or bins for a per-bin plot)".into(),
            ));
        };
        plot::null_histogram_svg(
            &m.null,
            m.observed,
            &plot::Labels {
                title: format!(
                    "{}: {} vs {} — null ({}), p = {}",
                    q.name,
                    t1.name,
                    name2,
                    plan.map_or("-".into(), McPlan::model_text),
                    m.p.map_or("NA".into(), fmt_p)
                ),
                x: q.statistic_text.into(),
                y: "samples".into(),
            },
        )
    };
    plot::write_svg(std::path::Path::new(path), &svg)
        .map_err(|e| Fail::Other(format!("--plot {path}: cannot write: {e}")))
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
