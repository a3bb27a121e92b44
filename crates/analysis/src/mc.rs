//! The Monte Carlo engine: seeded, parallel, reproducible regardless of
//! thread count, with sequential stopping, and Benjamini–Hochberg FDR.
//!
//! Sample `i` always uses the RNG [`sample_rng`]`(seed, i)` — ChaCha8
//! keyed by the master seed, on stream `i` — so the null distribution does
//! not depend on how rayon splits the work, and a sequential run sees the
//! same first samples as a fixed run with the same seed.
//!
//! p-value (reference `RandomizationManagerStat`): with `n` finite null
//! samples and `k` of them at least as extreme as the observed value
//! (`>=` for tail `more`, `<=` for `less`, the smaller of both for
//! `different`, which also doubles the result),
//! **p = min(1, tail_factor · (k + 1) / (n + 1))**.

use std::sync::Mutex;

use rand::rngs::ChaCha8Rng;
use rand::SeedableRng;
use rayon::prelude::*;

use gtrack_core::TrackType;

use crate::fast::Coverage;
use crate::intervals::{Domain, Intervals};
use crate::null::{NullError, NullModel, Randomized, Randomizer, Scratch};
use crate::questions::{self, BpCounts, Question};

/// The RNG every sample uses (recorded in results).
pub const RNG_NAME: &str =
    "ChaCha8Rng (rand 0.10 / chacha20): key = seed_from_u64(seed), stream = sample index";

/// The RNG for sample `index` under master `seed`.
pub fn sample_rng(seed: u64, index: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(index);
    r
}

pub use crate::dist::Tail;

/// How many samples to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Schedule {
    /// Exactly this many samples.
    Fixed(u64),
    /// Sequential Monte Carlo: draw `chunk` samples at a time until at
    /// least `min_extreme` extreme samples are seen or `max` are drawn.
    Sequential {
        /// Samples per round.
        chunk: u64,
        /// Upper limit on samples.
        max: u64,
        /// Stop once this many extreme samples are seen (the `m` of
        /// Sandve et al.'s MCFDR).
        min_extreme: u64,
    },
}

impl Schedule {
    /// Preset names accepted by [`Schedule::preset`].
    pub const PRESETS: &'static [&'static str] = &["quick", "medium", "robust"];

    /// The presets of the reference: `quick` (chunk 10, max 150, m 10),
    /// `medium` (chunk 50, max 2000, m 20), `robust` (10 000 fixed).
    pub fn preset(name: &str) -> Option<Schedule> {
        match name {
            "quick" => Some(Schedule::Sequential {
                chunk: 10,
                max: 150,
                min_extreme: 10,
            }),
            "medium" => Some(Schedule::Sequential {
                chunk: 50,
                max: 2000,
                min_extreme: 20,
            }),
            "robust" => Some(Schedule::Fixed(10_000)),
            _ => None,
        }
    }
}

/// Options of one Monte Carlo test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct McOptions {
    /// Sample schedule.
    pub schedule: Schedule,
    /// Tail.
    pub tail: Tail,
    /// Master seed.
    pub seed: u64,
    /// Keep the null statistics in the result (for plots).
    pub keep_null: bool,
}

impl Default for McOptions {
    fn default() -> Self {
        McOptions {
            schedule: Schedule::Fixed(2000),
            tail: Tail::More,
            seed: 0,
            keep_null: false,
        }
    }
}

/// Result of a Monte Carlo test.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct McResult {
    /// Observed statistic.
    pub observed: f64,
    /// p-value; `None` when the observed statistic is not finite, no null
    /// sample was finite, or (for [`test_pair`]) a track has no elements in
    /// the domain.
    pub p: Option<f64>,
    /// Tail.
    pub tail: Tail,
    /// Samples drawn.
    pub samples_drawn: u64,
    /// Finite (NaN-free) samples, the `n` of the formula.
    pub samples: u64,
    /// Extreme samples in the chosen tail (for `different`, the smaller
    /// of `k_more` and `k_less`), the `k` of the formula.
    pub k: u64,
    /// Samples `>=` observed.
    pub k_more: u64,
    /// Samples `<=` observed.
    pub k_less: u64,
    /// Null mean (finite samples).
    pub null_mean: Option<f64>,
    /// Null median.
    pub null_median: Option<f64>,
    /// Null standard deviation (n − 1 denominator).
    pub null_sd: Option<f64>,
    /// True when the sequential schedule stopped before its maximum.
    pub stopped_early: bool,
    /// Schedule used.
    pub schedule: Schedule,
    /// Master seed.
    pub seed: u64,
    /// RNG description ([`RNG_NAME`]).
    pub rng: &'static str,
    /// Null statistics in sample order (empty unless `keep_null`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub null: Vec<f64>,
}

/// `min(1, factor · (k + 1) / (n + 1))` with `factor` 2 for `different`.
pub fn p_value(k: u64, n: u64, tail: Tail) -> f64 {
    let factor = if tail == Tail::Different { 2.0 } else { 1.0 };
    (factor * (k as f64 + 1.0) / (n as f64 + 1.0)).min(1.0)
}

/// Counts of samples `>=` and `<=` `observed` among finite values.
fn tail_counts(null: &[f64], observed: f64) -> (u64, u64, u64) {
    let (mut n, mut more, mut less) = (0, 0, 0);
    for &x in null {
        if x.is_nan() {
            continue;
        }
        n += 1;
        more += u64::from(x >= observed);
        less += u64::from(x <= observed);
    }
    (n, more, less)
}

fn extreme(tail: Tail, more: u64, less: u64) -> u64 {
    match tail {
        Tail::More => more,
        Tail::Less => less,
        Tail::Different => more.min(less),
    }
}

/// Draws null statistics for samples `from..to`, in parallel; sample `i`
/// gets [`sample_rng`]`(seed, i)` and a per-worker state from `pool`
/// (created by `init` when the pool is empty, returned after use).
pub fn draw<S, I, F>(
    seed: u64,
    from: u64,
    to: u64,
    pool: &Mutex<Vec<S>>,
    init: &I,
    f: &F,
) -> Vec<f64>
where
    S: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, &mut ChaCha8Rng) -> f64 + Sync,
{
    struct Lease<'p, S> {
        pool: &'p Mutex<Vec<S>>,
        state: Option<S>,
    }
    impl<S> Drop for Lease<'_, S> {
        fn drop(&mut self) {
            if let (Some(s), Ok(mut p)) = (self.state.take(), self.pool.lock()) {
                p.push(s);
            }
        }
    }
    let threads = rayon::current_num_threads().max(1) as u64;
    let min_len = ((to - from) / (threads * 4)).max(1) as usize;
    (from as usize..to as usize)
        .into_par_iter()
        .with_min_len(min_len)
        .map_init(
            || {
                let state = pool
                    .lock()
                    .ok()
                    .and_then(|mut p| p.pop())
                    .unwrap_or_else(init);
                Lease {
                    pool,
                    state: Some(state),
                }
            },
            |lease, i| {
                let mut rng = sample_rng(seed, i as u64);
                match lease.state.as_mut() {
                    Some(s) => f(s, &mut rng),
                    None => f64::NAN,
                }
            },
        )
        .collect()
}

/// Runs a Monte Carlo test of `observed` against null statistics from
/// `sample` (called with a per-worker state made by `init`, and the
/// sample's own RNG).
pub fn run<S, I, F>(observed: f64, opts: &McOptions, init: I, sample: F) -> McResult
where
    S: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, &mut ChaCha8Rng) -> f64 + Sync,
{
    let pool = Mutex::new(Vec::new());
    let mut null: Vec<f64> = Vec::new();
    let mut stopped_early = false;
    match opts.schedule {
        Schedule::Fixed(n) => null = draw(opts.seed, 0, n, &pool, &init, &sample),
        Schedule::Sequential {
            chunk,
            max,
            min_extreme,
        } => {
            let chunk = chunk.max(1);
            let (mut more, mut less) = (0, 0);
            while (null.len() as u64) < max {
                let from = null.len() as u64;
                let to = (from + chunk).min(max);
                let part = draw(opts.seed, from, to, &pool, &init, &sample);
                let (_, m, l) = tail_counts(&part, observed);
                more += m;
                less += l;
                null.extend(part);
                if extreme(opts.tail, more, less) >= min_extreme && (null.len() as u64) < max {
                    stopped_early = true;
                    break;
                }
            }
        }
    }
    summarize(observed, opts, null, stopped_early)
}

fn summarize(observed: f64, opts: &McOptions, null: Vec<f64>, stopped_early: bool) -> McResult {
    let (n, k_more, k_less) = tail_counts(&null, observed);
    let k = extreme(opts.tail, k_more, k_less);
    let p = !observed.is_nan() && n > 0;
    let mut finite: Vec<f64> = null.iter().copied().filter(|x| !x.is_nan()).collect();
    let (mean, median, sd) = if finite.is_empty() {
        (None, None, None)
    } else {
        let m = finite.iter().sum::<f64>() / finite.len() as f64;
        finite.sort_by(f64::total_cmp);
        let h = finite.len() / 2;
        let med = if finite.len() % 2 == 1 {
            finite[h]
        } else {
            (finite[h - 1] + finite[h]) / 2.0
        };
        let sd = if finite.len() > 1 {
            Some(
                (finite.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (finite.len() - 1) as f64)
                    .sqrt(),
            )
        } else {
            None
        };
        (Some(m), Some(med), sd)
    };
    McResult {
        observed,
        p: p.then(|| p_value(k, n, opts.tail)),
        tail: opts.tail,
        samples_drawn: null.len() as u64,
        samples: n,
        k,
        k_more,
        k_less,
        null_mean: mean,
        null_median: median,
        null_sd: sd,
        stopped_early,
        schedule: opts.schedule,
        seed: opts.seed,
        rng: RNG_NAME,
        null: if opts.keep_null { null } else { Vec::new() },
    }
}

/// Which track(s) a pairwise test randomises, and how.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Randomize {
    /// Null model for track 1 (`None`: kept fixed).
    pub track1: Option<NullModel>,
    /// Null model for track 2 (`None`: kept fixed).
    pub track2: Option<NullModel>,
}

impl Randomize {
    /// Randomise track 1 only.
    pub fn first(model: NullModel) -> Self {
        Randomize {
            track1: Some(model),
            track2: None,
        }
    }
    /// Randomise track 2 only.
    pub fn second(model: NullModel) -> Self {
        Randomize {
            track1: None,
            track2: Some(model),
        }
    }
    /// Randomise both with the same model.
    pub fn both(model: NullModel) -> Self {
        Randomize {
            track1: Some(model.clone()),
            track2: Some(model),
        }
    }
    /// From a `--randomize 1|2|both` value.
    pub fn parse(which: &str, model: NullModel) -> Option<Self> {
        match which {
            "1" => Some(Self::first(model)),
            "2" => Some(Self::second(model)),
            "both" => Some(Self::both(model)),
            _ => None,
        }
    }
}

/// Error of a pairwise Monte Carlo test.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum McError {
    /// A null model refused a track or failed while sampling.
    #[error("track {track}: {source}")]
    Null {
        /// 1 or 2.
        track: u8,
        /// The cause.
        #[source]
        source: NullError,
    },
    /// Nothing to randomise.
    #[error("[nothing-randomised] neither track is randomised; choose --randomize 1, 2 or both")]
    NothingRandomised,
}

impl McError {
    /// Stable rule id.
    pub fn rule(&self) -> &'static str {
        match self {
            McError::Null { source, .. } => source.rule(),
            McError::NothingRandomised => "nothing-randomised",
        }
    }
}

/// A Monte Carlo test of `stat(T1, T2)`: both tracks are restricted to
/// `domain` (clipped), the observed statistic is computed on them, and the
/// null distribution from randomising the chosen track(s). p is `None`
/// when either track has no elements in the domain.
pub fn test_pair<F>(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    domain: &Domain,
    randomize: &Randomize,
    stat: F,
    opts: &McOptions,
) -> Result<McResult, McError>
where
    F: Fn(&Intervals<'_>, &Intervals<'_>) -> f64 + Sync,
{
    if randomize.track1.is_none() && randomize.track2.is_none() {
        return Err(McError::NothingRandomised);
    }
    let prep = |t: &Intervals<'_>,
                m: &Option<NullModel>,
                track: u8|
     -> Result<Option<Randomizer>, McError> {
        m.as_ref()
            .map(|m| Randomizer::new(m, t, domain))
            .transpose()
            .map_err(|source| McError::Null { track, source })
    };
    let r1 = prep(t1, &randomize.track1, 1)?;
    let r2 = prep(t2, &randomize.track2, 2)?;
    let obs1 = crate::null::restrict(t1, domain);
    let obs2 = crate::null::restrict(t2, domain);
    let observed = stat(&obs1, &obs2);
    let empty = |t: &Intervals<'_>| t.seqs.iter().all(|s| s.starts.is_empty());
    if empty(&obs1) || empty(&obs2) {
        let mut res = summarize(observed, opts, Vec::new(), false);
        res.p = None;
        return Ok(res);
    }
    let failure: Mutex<Option<McError>> = Mutex::new(None);
    struct State {
        s1: Option<Randomized>,
        s2: Option<Randomized>,
        scratch: Scratch,
    }
    let init = || State {
        s1: r1.as_ref().map(Randomizer::new_sample),
        s2: r2.as_ref().map(Randomizer::new_sample),
        scratch: Scratch::default(),
    };
    let sample = |st: &mut State, rng: &mut ChaCha8Rng| -> f64 {
        let fail = |track: u8, source: NullError| {
            if let Ok(mut f) = failure.lock() {
                f.get_or_insert(McError::Null { track, source });
            }
            f64::NAN
        };
        if let (Some(r), Some(s)) = (r1.as_ref(), st.s1.as_mut()) {
            if let Err(e) = r.sample_with(rng, s, &mut st.scratch) {
                return fail(1, e);
            }
        }
        if let (Some(r), Some(s)) = (r2.as_ref(), st.s2.as_mut()) {
            if let Err(e) = r.sample_with(rng, s, &mut st.scratch) {
                return fail(2, e);
            }
        }
        let a = st.s1.as_ref().map_or(&obs1, |s| &s.intervals);
        let b = st.s2.as_ref().map_or(&obs2, |s| &s.intervals);
        stat(a, b)
    };
    let res = run(observed, opts, init, sample);
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    Ok(res)
}

/// A Monte Carlo test of question `q` (its [`Question::stat`] over
/// `domain`), as [`test_pair`]. When the statistic is a function of the
/// bp overlap table ([`questions::bp_statistic`]), only T1 is randomised
/// and its model keeps covered bp (permute-segments-and-gaps or
/// permute-segments-sample-gaps), the fast path is taken: T2 is prepared
/// once as a [`Coverage`] and each sample only streams T1's randomised
/// positions through a [`crate::fast::Cursor`]. Both paths draw the same
/// randomisations for the same seed and give the same null values.
pub fn test_question(
    q: &Question,
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    domain: &Domain,
    randomize: &Randomize,
    opts: &McOptions,
) -> Result<McResult, McError> {
    let stat = q.stat;
    let general = || test_pair(t1, t2, domain, randomize, |a, b| stat(a, b, domain), opts);
    let (Some(fin), Some(m1), None) = (
        questions::bp_statistic(q.name),
        randomize.track1.as_ref(),
        randomize.track2.as_ref(),
    ) else {
        return general();
    };
    if !matches!(
        m1,
        NullModel::PermuteSegmentsAndGaps | NullModel::PermuteSegmentsSampleGaps
    ) {
        return general();
    }
    let r1 =
        Randomizer::new(m1, t1, domain).map_err(|source| McError::Null { track: 1, source })?;
    let obs1 = crate::null::restrict(t1, domain);
    let obs2 = crate::null::restrict(t2, domain);
    let Some(cov) = Coverage::new(&obs2, domain, &r1.seqids()) else {
        return general();
    };
    let counts = questions::bp_counts(&obs1, &obs2, domain);
    let observed = stat(&obs1, &obs2, domain);
    let empty = |t: &Intervals<'_>| t.seqs.iter().all(|s| s.starts.is_empty());
    if empty(&obs1) || empty(&obs2) {
        let mut res = summarize(observed, opts, Vec::new(), false);
        res.p = None;
        return Ok(res);
    }
    let failure: Mutex<Option<McError>> = Mutex::new(None);
    let sample = |sc: &mut Scratch, rng: &mut ChaCha8Rng| -> f64 {
        let mut cur = cov.cursor();
        if let Err(source) = r1.sample_positions(rng, sc, |si, s, e| cur.add(si, s, e)) {
            if let Ok(mut f) = failure.lock() {
                f.get_or_insert(McError::Null { track: 1, source });
            }
            return f64::NAN;
        }
        fin(&BpCounts {
            both: cur.total(),
            ..counts
        })
    };
    let res = run(observed, opts, Scratch::default, sample);
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    Ok(res)
}

/// The null model used for a track of type `tt` when none is named:
/// `uniform-points` for points, `permute-segments-and-gaps` for segments,
/// `shuffle-values` for everything else (dense, valued tracks).
pub fn default_model_for(tt: TrackType) -> &'static str {
    if questions::is_points(tt) {
        "uniform-points"
    } else if questions::is_segments(tt) {
        "permute-segments-and-gaps"
    } else {
        "shuffle-values"
    }
}

/// The default randomisation of question `q`: which track (1 or 2) and,
/// when no model is named, which model. `counts-values` permutes T2's
/// segment values, `case-control` shuffles T1's case/control labels;
/// every other question randomises T1 with [`default_model_for`] its type.
pub fn default_null(q: &Question, t1: TrackType, t2: TrackType) -> (u8, &'static str) {
    match q.name {
        "counts-values" => (2, "shuffle-values"),
        "case-control" => (1, "shuffle-values"),
        _ => {
            let _ = t2;
            (1, default_model_for(t1))
        }
    }
}

/// The seed of bin `index` in a per-bin analysis under master `seed`
/// (SplitMix64 of `seed + index + 1`, so bins draw unrelated streams).
pub fn bin_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed.wrapping_add(index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Sets the number of worker threads of the global pool (call once,
/// before any parallel work). Results do not depend on it.
pub fn set_threads(n: usize) -> Result<(), String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| format!("cannot set {n} threads: {e}"))
}

/// The number of worker threads in use.
pub fn threads() -> usize {
    rayon::current_num_threads()
}

/// Benjamini–Hochberg q-values (FDR-adjusted p-values) for `p`, in the
/// input order; `None` entries are ignored (and stay `None`), so `m` is
/// the number of p-values present. q_(i) = min over j >= i of
/// m · p_(j) / j, capped at 1.
pub fn benjamini_hochberg(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut idx: Vec<usize> = (0..p.len())
        .filter(|&i| p[i].is_some_and(|x| !x.is_nan()))
        .collect();
    idx.sort_by(|&a, &b| p[a].unwrap_or(0.0).total_cmp(&p[b].unwrap_or(0.0)));
    let m = idx.len() as f64;
    let mut q = vec![None; p.len()];
    let mut running = 1.0f64;
    for (rank, &i) in idx.iter().enumerate().rev() {
        let v = p[i].unwrap_or(1.0) * m / (rank as f64 + 1.0);
        running = running.min(v).min(1.0);
        q[i] = Some(running);
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_value_formula() {
        assert_eq!(p_value(0, 99, Tail::More), 0.01);
        assert_eq!(p_value(99, 99, Tail::Less), 1.0);
        assert_eq!(p_value(4, 99, Tail::Different), 0.1);
        assert_eq!(p_value(60, 99, Tail::Different), 1.0);
    }

    #[test]
    fn presets() {
        assert_eq!(
            Schedule::preset("quick"),
            Some(Schedule::Sequential {
                chunk: 10,
                max: 150,
                min_extreme: 10
            })
        );
        assert_eq!(Schedule::preset("robust"), Some(Schedule::Fixed(10_000)));
        assert_eq!(Schedule::preset("nope"), None);
    }
}
