//! The question catalogue: pairwise questions, each declaring the
//! track-type pairs it accepts, its test statistic and its analytic test
//! when one exists.
//!
//! # The statistic interface (for the Monte Carlo engine)
//!
//! Every question's test statistic is a plain function
//!
//! ```text
//! fn(&Intervals, &Intervals, &Domain) -> f64      // = StatFn
//! ```
//!
//! reachable as [`Question::stat`] (a `fn` pointer: `Copy`, `Send`,
//! `Sync`, no state) or through [`Question::statistic`]. It is pure: it
//! depends only on the two tracks and the domain, so a Monte Carlo engine
//! can call it on randomised copies of either track, from any thread, and
//! compare with the observed value (`NaN` = undefined, e.g. no element in
//! the domain; such samples should be skipped). Large = "more" for the
//! tail convention of [`Tail`]. For one bin, pass
//! [`Domain::single`] (and, for speed with many bins, the views of
//! [`Intervals::restrict_bins`]). [`Question::evaluate`] adds the
//! detail numbers and the analytic test (an [`Answer`]); [`run`] does it
//! globally and per bin in parallel.
//!
//! # Type awareness
//!
//! [`Question::accepts`] decides from [`TrackType`] properties (points =
//! sparse without lengths, segments = sparse with lengths, function-like
//! = valued and not points, …). [`check`] refuses a wrong pair with an
//! [`Error::WrongTypes`] that names both types and lists the questions
//! that apply ([`applicable`]).

use gtrack_core::TrackType;
use rayon::prelude::*;

use crate::dist::{self, binomial_test, Tail, TestResult};
use crate::intervals::{
    intersect_len, intersect_pairs, merge, points_in, total_len, Domain, Finder, Intervals,
    SeqIntervals,
};

/// A test statistic: a pure function of the two tracks and the domain.
pub type StatFn = fn(&Intervals<'_>, &Intervals<'_>, &Domain) -> f64;

/// Computes the statistic, its details and (with a tail) the analytic test.
pub type EvalFn = fn(&Intervals<'_>, &Intervals<'_>, &Domain, Option<Tail>) -> Answer;

/// Errors of asking questions.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No question of this name.
    #[error("[unknown-question] no question named `{name}`; questions: {known}")]
    UnknownQuestion {
        /// The name asked for.
        name: String,
        /// The known names.
        known: String,
    },
    /// The question does not apply to these track types.
    #[error("[wrong-track-types] question `{question}` does not apply to {t1} (track 1) and {t2} (track 2): it needs {needs}. {}", applicable_text(.t1, .t2, .applicable))]
    WrongTypes {
        /// The question asked.
        question: String,
        /// Type of track 1.
        t1: TrackType,
        /// Type of track 2.
        t2: TrackType,
        /// What the question needs.
        needs: String,
        /// Questions that do apply to this pair.
        applicable: Vec<String>,
    },
    /// The tracks' values do not fit the question (e.g. not binary).
    #[error("[unsuitable-values] question `{question}`: {why}")]
    Values {
        /// The question asked.
        question: String,
        /// What is wrong.
        why: String,
    },
}

fn applicable_text(t1: &TrackType, t2: &TrackType, a: &[String]) -> String {
    if a.is_empty() {
        format!("No question applies to {t1} vs {t2}.")
    } else {
        format!("Questions for {t1} vs {t2}: {}.", a.join(", "))
    }
}

/// One number reported next to the statistic.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Detail {
    /// Name (e.g. `both`).
    pub name: &'static str,
    /// Value.
    pub value: f64,
}

/// The answer to a question on one domain.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Answer {
    /// The test statistic (NaN = undefined).
    pub statistic: f64,
    /// Further numbers (counts, coverages, means).
    pub details: Vec<Detail>,
    /// The analytic test, when the question has one and a tail was given.
    pub test: Option<TestResult>,
}

impl Answer {
    fn new(statistic: f64, details: Vec<(&'static str, f64)>) -> Answer {
        Answer {
            statistic,
            details: details
                .into_iter()
                .map(|(name, value)| Detail { name, value })
                .collect(),
            test: None,
        }
    }
    /// The detail named `name`.
    pub fn detail(&self, name: &str) -> Option<f64> {
        self.details
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.value)
    }
    /// The analytic p-value, if any.
    pub fn p_value(&self) -> Option<f64> {
        self.test.as_ref().and_then(|t| t.p_value)
    }
}

/// A question of the catalogue.
#[derive(Clone, Copy)]
pub struct Question {
    /// Name used on the command line (`overlap`).
    pub name: &'static str,
    /// What it asks, in words.
    pub description: &'static str,
    /// The accepted pairs, in words (`segments vs segments`).
    pub pairs: &'static str,
    /// The statistic, in words.
    pub statistic_text: &'static str,
    /// The analytic test, in words, when there is one.
    pub analytic: Option<&'static str>,
    /// Whether per-bin results make sense (false for questions whose
    /// sample is the bins themselves).
    pub per_bin: bool,
    /// Which (T1, T2) types it accepts.
    pub accepts: fn(TrackType, TrackType) -> bool,
    /// The test statistic (see the module docs).
    pub stat: StatFn,
    /// The full evaluation.
    pub eval: EvalFn,
}

impl std::fmt::Debug for Question {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Question")
            .field("name", &self.name)
            .finish()
    }
}

impl Question {
    /// The statistic on `(t1, t2)` over `domain`.
    pub fn statistic(&self, t1: &Intervals<'_>, t2: &Intervals<'_>, domain: &Domain) -> f64 {
        (self.stat)(t1, t2, domain)
    }
    /// Statistic, details and analytic test (when the question has one).
    pub fn evaluate(
        &self,
        t1: &Intervals<'_>,
        t2: &Intervals<'_>,
        domain: &Domain,
        tail: Tail,
    ) -> Answer {
        (self.eval)(t1, t2, domain, Some(tail))
    }
}

// --- Type classes -------------------------------------------------------------

/// Points family: sparse elements without lengths (P, VP, LP, LVP).
pub fn is_points(t: TrackType) -> bool {
    t.is_sparse() && !t.has_lengths()
}
/// Segments family: sparse elements with lengths (S, VS, LS, LVS).
pub fn is_segments(t: TrackType) -> bool {
    t.is_sparse() && t.has_lengths()
}
/// Function-like: valued, and not points (F, SF, VS and linked variants).
pub fn is_function_like(t: TrackType) -> bool {
    t.is_valued() && !is_points(t)
}
/// Valued segments (VS, LVS).
pub fn is_valued_segments(t: TrackType) -> bool {
    is_segments(t) && t.is_valued()
}

// --- The catalogue -------------------------------------------------------------

macro_rules! stat_of {
    ($f:ident) => {{
        fn s(a: &Intervals<'_>, b: &Intervals<'_>, d: &Domain) -> f64 {
            $f(a, b, d, None).statistic
        }
        s
    }};
}

/// Every question, in catalogue order.
pub fn catalogue() -> &'static [Question] {
    static Q: std::sync::OnceLock<Vec<Question>> = std::sync::OnceLock::new();
    Q.get_or_init(|| {
        vec![
            Question {
                name: "overlap",
                description: "Do the segments of the two tracks overlap more (or less) than by chance?",
                pairs: "segments vs segments",
                statistic_text: "bp covered by both tracks",
                analytic: Some("binomial: both ~ Bin(n = domain bp, p = cov1·cov2), normal approximation when np ≥ 5 and n(1−p) ≥ 5, else exact"),
                per_bin: true,
                accepts: |a, b| is_segments(a) && is_segments(b),
                stat: stat_of!(eval_overlap),
                eval: eval_overlap,
            },
            Question {
                name: "overlap-t2-fixed",
                description: "Do T1's segments fall inside T2's segments more than by chance, with T2 fixed?",
                pairs: "segments vs segments",
                statistic_text: "bp covered by both tracks",
                analytic: Some("binomial: both ~ Bin(n = bp covered by T2, p = cov1), same approximation rule"),
                per_bin: true,
                accepts: |a, b| is_segments(a) && is_segments(b),
                stat: stat_of!(eval_overlap_fixed),
                eval: eval_overlap_fixed,
            },
            Question {
                name: "jaccard",
                description: "How similar are the two tracks' covered bases (Jaccard index)?",
                pairs: "segments vs segments",
                statistic_text: "both / (cov1 + cov2 − both), in bp",
                analytic: None,
                per_bin: true,
                accepts: |a, b| is_segments(a) && is_segments(b),
                stat: stat_of!(eval_jaccard),
                eval: eval_jaccard,
            },
            Question {
                name: "forbes",
                description: "How enriched is the overlap relative to independence (Forbes coefficient)?",
                pairs: "segments vs segments",
                statistic_text: "both·N / (cov1·cov2), in bp (N = domain bp)",
                analytic: None,
                per_bin: true,
                accepts: |a, b| is_segments(a) && is_segments(b),
                stat: stat_of!(eval_forbes),
                eval: eval_forbes,
            },
            Question {
                name: "proportional-overlap",
                description: "Which fraction of T1's bases lies inside T2?",
                pairs: "segments vs segments",
                statistic_text: "both / cov1, in bp",
                analytic: None,
                per_bin: true,
                accepts: |a, b| is_segments(a) && is_segments(b),
                stat: stat_of!(eval_prop_overlap),
                eval: eval_prop_overlap,
            },
            Question {
                name: "inside",
                description: "Are T1's points located inside T2's segments more than by chance?",
                pairs: "points vs segments",
                statistic_text: "number of T1 points inside T2 segments",
                analytic: Some("binomial: inside ~ Bin(n = points in domain, p = T2 coverage fraction), normal approximation when np ≥ 5 and n(1−p) ≥ 5, else exact"),
                per_bin: true,
                accepts: |a, b| is_points(a) && is_segments(b),
                stat: stat_of!(eval_inside),
                eval: eval_inside,
            },
            Question {
                name: "near",
                description: "Are T1's elements located near T2's elements?",
                pairs: "points or segments vs points or segments",
                statistic_text: "mean distance (bp) from each T1 element to the nearest T2 element in the same bin (0 when overlapping)",
                analytic: None,
                per_bin: true,
                accepts: |a, b| a.is_sparse() && b.is_sparse(),
                stat: stat_of!(eval_near),
                eval: eval_near,
            },
            Question {
                name: "near-log",
                description: "Are T1's elements located near T2's elements (on a log scale)?",
                pairs: "points or segments vs points or segments",
                statistic_text: "mean of log10(1 + distance to the nearest T2 element)",
                analytic: None,
                per_bin: true,
                accepts: |a, b| a.is_sparse() && b.is_sparse(),
                stat: stat_of!(eval_near_log),
                eval: eval_near_log,
            },
            Question {
                name: "values-inside",
                description: "Are T2's values higher inside T1's segments than outside?",
                pairs: "segments vs valued track (function, step function, valued points or segments)",
                statistic_text: "bp-weighted mean of T2 values inside T1 − mean outside",
                analytic: None,
                per_bin: true,
                accepts: |a, b| is_segments(a) && b.is_valued(),
                stat: stat_of!(eval_values_inside),
                eval: eval_values_inside,
            },
            Question {
                name: "values-at-points",
                description: "Are T2's values higher at T1's points than elsewhere?",
                pairs: "points vs function-like (function, step function, valued segments)",
                statistic_text: "mean T2 value at T1 points − bp-weighted mean elsewhere",
                analytic: None,
                per_bin: true,
                accepts: |a, b| is_points(a) && is_function_like(b),
                stat: stat_of!(eval_values_inside),
                eval: eval_values_inside,
            },
            Question {
                name: "pearson",
                description: "Are the two tracks' values correlated base by base (Pearson)?",
                pairs: "function-like vs function-like",
                statistic_text: "Pearson r over the bases where both have a value (bp-weighted)",
                analytic: Some("t-test with n = number of bases"),
                per_bin: true,
                accepts: |a, b| is_function_like(a) && is_function_like(b),
                stat: stat_of!(eval_pearson),
                eval: eval_pearson,
            },
            Question {
                name: "spearman",
                description: "Are the two tracks' values correlated base by base (Spearman)?",
                pairs: "function-like vs function-like",
                statistic_text: "Spearman ρ over the bases where both have a value (bp-weighted ranks)",
                analytic: Some("t-test with n = number of bases"),
                per_bin: true,
                accepts: |a, b| is_function_like(a) && is_function_like(b),
                stat: stat_of!(eval_spearman),
                eval: eval_spearman,
            },
            Question {
                name: "pearson-bins",
                description: "Are the two tracks' per-bin mean values correlated (Pearson)?",
                pairs: "function-like vs function-like",
                statistic_text: "Pearson r of the bins' bp-weighted mean values",
                analytic: Some("t-test with n = number of bins"),
                per_bin: false,
                accepts: |a, b| is_function_like(a) && is_function_like(b),
                stat: stat_of!(eval_pearson_bins),
                eval: eval_pearson_bins,
            },
            Question {
                name: "spearman-bins",
                description: "Are the two tracks' per-bin mean values correlated (Spearman)?",
                pairs: "function-like vs function-like",
                statistic_text: "Spearman ρ of the bins' bp-weighted mean values",
                analytic: Some("t-test with n = number of bins"),
                per_bin: false,
                accepts: |a, b| is_function_like(a) && is_function_like(b),
                stat: stat_of!(eval_spearman_bins),
                eval: eval_spearman_bins,
            },
            Question {
                name: "positioning-middle",
                description: "Are T1's points positioned in a particular way inside T2's segments (score −1 + 4|r − ½|)?",
                pairs: "points vs segments",
                statistic_text: "mean score of the points inside segments, r = relative position",
                analytic: Some("Wilcoxon signed-rank on the scores (exact below 30 without ties, else normal)"),
                per_bin: true,
                accepts: |a, b| is_points(a) && is_segments(b),
                stat: stat_of!(eval_pos_middle),
                eval: eval_pos_middle,
            },
            Question {
                name: "positioning-borders",
                description: "Are T1's points positioned in a particular way inside T2's segments (score 1 − 4|r − ½|)?",
                pairs: "points vs segments",
                statistic_text: "mean score of the points inside segments, r = relative position",
                analytic: Some("Wilcoxon signed-rank on the scores (exact below 30 without ties, else normal)"),
                per_bin: true,
                accepts: |a, b| is_points(a) && is_segments(b),
                stat: stat_of!(eval_pos_borders),
                eval: eval_pos_borders,
            },
            Question {
                name: "positioning-upstream",
                description: "Are T1's points positioned towards segment starts (score −1 + 2r)?",
                pairs: "points vs segments",
                statistic_text: "mean score of the points inside segments, r = relative position",
                analytic: Some("Wilcoxon signed-rank on the scores (exact below 30 without ties, else normal)"),
                per_bin: true,
                accepts: |a, b| is_points(a) && is_segments(b),
                stat: stat_of!(eval_pos_upstream),
                eval: eval_pos_upstream,
            },
            Question {
                name: "positioning-downstream",
                description: "Are T1's points positioned towards segment ends (score 1 − 2r)?",
                pairs: "points vs segments",
                statistic_text: "mean score of the points inside segments, r = relative position",
                analytic: Some("Wilcoxon signed-rank on the scores (exact below 30 without ties, else normal)"),
                per_bin: true,
                accepts: |a, b| is_points(a) && is_segments(b),
                stat: stat_of!(eval_pos_downstream),
                eval: eval_pos_downstream,
            },
            Question {
                name: "case-control",
                description: "Do T1's case segments (value 1) overlap T2 preferentially compared with its control segments (value 0)?",
                pairs: "binary valued segments vs segments",
                statistic_text: "fraction of case bp inside T2 − fraction of control bp inside T2",
                analytic: None,
                per_bin: true,
                accepts: |a, b| is_valued_segments(a) && is_segments(b),
                stat: stat_of!(eval_case_control),
                eval: eval_case_control,
            },
            Question {
                name: "counts-values",
                description: "Do T2's segments with higher values hold more of T1's points?",
                pairs: "points vs valued segments",
                statistic_text: "Kendall τ-b between per-segment point count and segment value",
                analytic: Some("Kendall τ-b, normal approximation with tie-corrected variance"),
                per_bin: true,
                accepts: |a, b| is_points(a) && is_valued_segments(b),
                stat: stat_of!(eval_counts_values),
                eval: eval_counts_values,
            },
        ]
    })
}

/// The question named `name`.
pub fn find(name: &str) -> Result<&'static Question, Error> {
    catalogue()
        .iter()
        .find(|q| q.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| Error::UnknownQuestion {
            name: name.into(),
            known: catalogue()
                .iter()
                .map(|q| q.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// The questions that apply to `(t1, t2)`.
pub fn applicable(t1: TrackType, t2: TrackType) -> Vec<&'static Question> {
    catalogue().iter().filter(|q| (q.accepts)(t1, t2)).collect()
}

/// Check that `q` applies to `(t1, t2)`.
pub fn check(q: &Question, t1: TrackType, t2: TrackType) -> Result<(), Error> {
    if (q.accepts)(t1, t2) {
        return Ok(());
    }
    Err(Error::WrongTypes {
        question: q.name.into(),
        t1,
        t2,
        needs: q.pairs.into(),
        applicable: applicable(t1, t2)
            .iter()
            .map(|q| q.name.to_string())
            .collect(),
    })
}

/// One bin's answer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BinAnswer {
    /// Sequence.
    pub seqid: String,
    /// Start, 0-based.
    pub start: u64,
    /// End, exclusive.
    pub end: u64,
    /// The answer in this bin.
    pub answer: Answer,
}

/// Global and per-bin answers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    /// Question name.
    pub question: &'static str,
    /// Tail of the analytic test.
    pub tail: Tail,
    /// The answer over the whole domain.
    pub global: Answer,
    /// Per-bin answers (empty with a single bin or for questions over bins).
    pub bins: Vec<BinAnswer>,
}

/// Ask `q` of `(t1, t2)` over `domain`: checks the types, answers
/// globally and (with more than one bin) per bin, bins in parallel.
pub fn run(
    q: &Question,
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    domain: &Domain,
    tail: Tail,
) -> Result<Report, Error> {
    check(q, t1.track_type, t2.track_type)?;
    if q.name == "case-control" {
        check_binary(t1)?;
    }
    let global = q.evaluate(t1, t2, domain, tail);
    let bins = if q.per_bin && domain.len() > 1 {
        let r1 = t1.restrict_bins(domain);
        let r2 = t2.restrict_bins(domain);
        let regions = domain.bins();
        regions
            .par_iter()
            .zip(r1.par_iter().zip(r2.par_iter()))
            .map(|(r, (a, b))| BinAnswer {
                seqid: r.seqid.clone(),
                start: r.start,
                end: r.end,
                answer: q.evaluate(a, b, &Domain::single(r), tail),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Report {
        question: q.name,
        tail,
        global,
        bins,
    })
}

fn check_binary(t: &Intervals<'_>) -> Result<(), Error> {
    for s in &t.seqs {
        let Some(v) = &s.values else {
            return Err(Error::Values {
                question: "case-control".into(),
                why: format!(
                    "track 1 has no numeric values on `{}` (binary 0/1 values are needed)",
                    s.seqid
                ),
            });
        };
        if let Some(i) = v.iter().position(|x| !x.is_nan() && *x != 0.0 && *x != 1.0) {
            return Err(Error::Values {
                question: "case-control".into(),
                why: format!(
                    "track 1 value {} at {}:{} is not 0 or 1 (case-control needs binary values)",
                    v[i],
                    s.seqid,
                    s.starts[i] + 1
                ),
            });
        }
    }
    Ok(())
}

// --- Per-sequence sweeps ----------------------------------------------------------

/// Apply `f` to each domain sequence (in parallel) with the two tracks'
/// sequences, and fold the results with `add`.
fn per_seq<T, F, A>(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain, f: F, add: A) -> T
where
    T: Default + Send,
    F: Fn(Option<&SeqIntervals<'_>>, Option<&SeqIntervals<'_>>, &[(u64, u64)]) -> T + Sync,
    A: Fn(T, T) -> T + Sync + Send,
{
    d.seqs
        .par_iter()
        .map(|ds| f(t1.seq(&ds.seqid), t2.seq(&ds.seqid), &ds.regions))
        .reduce(T::default, &add)
}

fn union_in(s: Option<&SeqIntervals<'_>>, w: &[(u64, u64)]) -> Vec<(u64, u64)> {
    match s {
        Some(s) => {
            let (Some(f), Some(l)) = (w.first(), w.last()) else {
                return Vec::new();
            };
            let fi = Finder::new(s);
            let (lo, hi) = fi.rows(f.0, l.1);
            intersect_pairs(&merge(&s.starts[lo..hi], &s.ends[lo..hi], false), w)
        }
        None => Vec::new(),
    }
}

/// Base-pair overlap counts over a domain.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BpCounts {
    /// Domain bp.
    pub n: u64,
    /// bp covered by T1.
    pub cov1: u64,
    /// bp covered by T2.
    pub cov2: u64,
    /// bp covered by both.
    pub both: u64,
}

impl BpCounts {
    fn add(self, o: BpCounts) -> BpCounts {
        BpCounts {
            n: self.n + o.n,
            cov1: self.cov1 + o.cov1,
            cov2: self.cov2 + o.cov2,
            both: self.both + o.both,
        }
    }
    /// bp in T1 only.
    pub fn only1(&self) -> u64 {
        self.cov1 - self.both
    }
    /// bp in T2 only.
    pub fn only2(&self) -> u64 {
        self.cov2 - self.both
    }
    /// bp in neither.
    pub fn neither(&self) -> u64 {
        (self.n + self.both).saturating_sub(self.cov1 + self.cov2)
    }
}

/// The bp overlap table of two tracks over a domain (unions of each
/// track's elements, so overlaps within a track count once).
pub fn bp_counts(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain) -> BpCounts {
    per_seq(
        t1,
        t2,
        d,
        |a, b, w| {
            let u1 = union_in(a, w);
            let u2 = union_in(b, w);
            BpCounts {
                n: total_len(w),
                cov1: total_len(&u1),
                cov2: total_len(&u2),
                both: intersect_len(&u1, &u2),
            }
        },
        BpCounts::add,
    )
}

/// For the questions whose statistic is a function of the bp overlap
/// table alone (`overlap`, `overlap-t2-fixed`, `jaccard`, `forbes`,
/// `proportional-overlap`), that function. Monte Carlo uses it to skip
/// rebuilding tracks: with T1 randomised by a model that keeps its
/// covered bp, only `both` changes between samples.
pub fn bp_statistic(name: &str) -> Option<fn(&BpCounts) -> f64> {
    Some(match name {
        "overlap" | "overlap-t2-fixed" => |c: &BpCounts| c.both as f64,
        "jaccard" => jaccard,
        "forbes" => forbes,
        "proportional-overlap" => |c: &BpCounts| c.both as f64 / c.cov1 as f64,
        _ => return None,
    })
}

fn overlap_details(c: &BpCounts) -> Vec<(&'static str, f64)> {
    let f = |x: u64| x as f64;
    vec![
        ("both", f(c.both)),
        ("only1", f(c.only1())),
        ("only2", f(c.only2())),
        ("neither", f(c.neither())),
        ("domain_bp", f(c.n)),
        ("jaccard", jaccard(c)),
        ("forbes", forbes(c)),
        ("proportional_overlap", f(c.both) / f(c.cov1)),
    ]
}

fn jaccard(c: &BpCounts) -> f64 {
    c.both as f64 / (c.cov1 + c.cov2 - c.both) as f64
}

fn forbes(c: &BpCounts) -> f64 {
    c.both as f64 * c.n as f64 / (c.cov1 as f64 * c.cov2 as f64)
}

fn eval_overlap(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain, tail: Option<Tail>) -> Answer {
    let c = bp_counts(t1, t2, d);
    let mut a = Answer::new(c.both as f64, overlap_details(&c));
    if let Some(tail) = tail {
        let n = c.n as f64;
        let p = (c.cov1 as f64 / n) * (c.cov2 as f64 / n);
        a.test = Some(binomial_test(c.both, c.n, p, tail));
    }
    a
}

fn eval_overlap_fixed(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    d: &Domain,
    tail: Option<Tail>,
) -> Answer {
    let c = bp_counts(t1, t2, d);
    let mut a = Answer::new(c.both as f64, overlap_details(&c));
    if let Some(tail) = tail {
        let p = c.cov1 as f64 / c.n as f64;
        a.test = Some(binomial_test(c.both, c.cov2, p, tail));
    }
    a
}

fn eval_jaccard(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain, _: Option<Tail>) -> Answer {
    let c = bp_counts(t1, t2, d);
    Answer::new(jaccard(&c), overlap_details(&c))
}

fn eval_forbes(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain, _: Option<Tail>) -> Answer {
    let c = bp_counts(t1, t2, d);
    Answer::new(forbes(&c), overlap_details(&c))
}

fn eval_prop_overlap(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    d: &Domain,
    _: Option<Tail>,
) -> Answer {
    let c = bp_counts(t1, t2, d);
    Answer::new(c.both as f64 / c.cov1 as f64, overlap_details(&c))
}

/// Points-in-segments counts over a domain.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct InsideCounts {
    /// Domain bp.
    pub n_bp: u64,
    /// bp covered by T2.
    pub cov2: u64,
    /// T1 points in the domain.
    pub points: u64,
    /// T1 points inside T2.
    pub inside: u64,
}

/// Count T1 points in the domain and inside T2's segments.
pub fn inside_counts(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain) -> InsideCounts {
    per_seq(
        t1,
        t2,
        d,
        |a, b, w| {
            let u2 = union_in(b, w);
            let (points, inside) = match a {
                Some(a) => (points_in(&a.starts, w), points_in(&a.starts, &u2)),
                None => (0, 0),
            };
            InsideCounts {
                n_bp: total_len(w),
                cov2: total_len(&u2),
                points,
                inside,
            }
        },
        |x, y| InsideCounts {
            n_bp: x.n_bp + y.n_bp,
            cov2: x.cov2 + y.cov2,
            points: x.points + y.points,
            inside: x.inside + y.inside,
        },
    )
}

fn eval_inside(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain, tail: Option<Tail>) -> Answer {
    let c = inside_counts(t1, t2, d);
    let p = c.cov2 as f64 / c.n_bp as f64;
    let mut a = Answer::new(
        c.inside as f64,
        vec![
            ("points_inside", c.inside as f64),
            ("points", c.points as f64),
            ("expected", c.points as f64 * p),
            ("coverage_fraction", p),
        ],
    );
    if let Some(tail) = tail {
        a.test = Some(binomial_test(c.inside, c.points, p, tail));
    }
    a
}

/// Distances from each T1 element (starting in a domain region) to the
/// nearest T2 element overlapping the same region.
pub fn nearest_distances(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain) -> Vec<u64> {
    per_seq(
        t1,
        t2,
        d,
        |a, b, w| {
            let (Some(a), Some(b)) = (a, b) else {
                return Vec::new();
            };
            let fb = Finder::new(b);
            let mut out = Vec::new();
            for &(x, y) in w {
                let (blo, bhi) = fb.rows(x, y);
                if blo >= bhi {
                    continue;
                }
                let bs = &b.starts[blo..bhi];
                let be = &b.ends[blo..bhi];
                let mut maxend = Vec::with_capacity(be.len());
                let mut m = 0;
                for &e in be {
                    m = m.max(e);
                    maxend.push(m);
                }
                let lo = a.starts.partition_point(|&s| s < x);
                let hi = a.starts.partition_point(|&s| s < y);
                for i in lo..hi {
                    let (s, e) = (a.starts[i], a.ends[i].max(a.starts[i] + 1));
                    let k = bs.partition_point(|&v| v < e);
                    let mut best = u64::MAX;
                    if k < bs.len() {
                        best = bs[k] - e;
                    }
                    if k > 0 {
                        let me = maxend[k - 1];
                        best = best.min(s.saturating_sub(me));
                    }
                    out.push(best);
                }
            }
            out
        },
        |mut x, y| {
            x.extend(y);
            x
        },
    )
}

fn near_answer(ds: &[u64], log: bool) -> Answer {
    let n = ds.len() as f64;
    let mean = ds.iter().map(|&d| d as f64).sum::<f64>() / n;
    let lmean = ds.iter().map(|&d| (1.0 + d as f64).log10()).sum::<f64>() / n;
    Answer::new(
        if log { lmean } else { mean },
        vec![
            ("elements", n),
            ("mean_distance", mean),
            ("mean_log10_distance", lmean),
        ],
    )
}

fn eval_near(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain, _: Option<Tail>) -> Answer {
    near_answer(&nearest_distances(t1, t2, d), false)
}

fn eval_near_log(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain, _: Option<Tail>) -> Answer {
    near_answer(&nearest_distances(t1, t2, d), true)
}

/// bp-weighted sums of T2 values inside and outside T1.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct InOut {
    /// Σ value·bp inside.
    pub sum_in: f64,
    /// bp with a value inside.
    pub bp_in: f64,
    /// Σ value·bp outside.
    pub sum_out: f64,
    /// bp with a value outside.
    pub bp_out: f64,
}

/// Values of T2 (weighted by bp; points weigh 1) inside the union of
/// T1's elements vs outside, within the domain. Missing values skipped.
pub fn values_in_out(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain) -> InOut {
    per_seq(
        t1,
        t2,
        d,
        |a, b, w| {
            let Some(b) = b else {
                return InOut::default();
            };
            let Some(vals) = &b.values else {
                return InOut::default();
            };
            let u1 = union_in(a, w);
            let u1e: Vec<u64> = u1.iter().map(|r| r.1).collect();
            let fb = Finder::new(b);
            let mut r = InOut::default();
            for &(x, y) in w {
                let (lo, hi) = fb.rows(x, y);
                for i in lo..hi {
                    let v = vals[i];
                    if v.is_nan() {
                        continue;
                    }
                    let s = b.starts[i].max(x);
                    let e = b.ends[i].max(b.starts[i] + 1).min(y);
                    if s >= e {
                        continue;
                    }
                    let mut k = u1e.partition_point(|&z| z <= s);
                    let mut inside = 0u64;
                    while k < u1.len() && u1[k].0 < e {
                        inside += u1[k].1.min(e) - u1[k].0.max(s);
                        k += 1;
                    }
                    let out = (e - s) - inside;
                    r.sum_in += v * inside as f64;
                    r.bp_in += inside as f64;
                    r.sum_out += v * out as f64;
                    r.bp_out += out as f64;
                }
            }
            r
        },
        |x, y| InOut {
            sum_in: x.sum_in + y.sum_in,
            bp_in: x.bp_in + y.bp_in,
            sum_out: x.sum_out + y.sum_out,
            bp_out: x.bp_out + y.bp_out,
        },
    )
}

fn eval_values_inside(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    d: &Domain,
    _: Option<Tail>,
) -> Answer {
    let r = values_in_out(t1, t2, d);
    let mi = r.sum_in / r.bp_in;
    let mo = r.sum_out / r.bp_out;
    Answer::new(
        mi - mo,
        vec![
            ("mean_inside", mi),
            ("mean_outside", mo),
            ("bp_inside", r.bp_in),
            ("bp_outside", r.bp_out),
        ],
    )
}

/// Pieces `(bp, x, y)` where both tracks have a value, within the domain
/// regions `w` (elements of each track are taken as non-overlapping).
fn paired_pieces(
    a: &SeqIntervals<'_>,
    b: &SeqIntervals<'_>,
    w: &[(u64, u64)],
) -> Vec<(f64, f64, f64)> {
    let (Some(va), Some(vb)) = (&a.values, &b.values) else {
        return Vec::new();
    };
    let (fa, fb) = (Finder::new(a), Finder::new(b));
    let mut out = Vec::new();
    for &(x, y) in w {
        let (mut i, ihi) = fa.rows(x, y);
        let (mut j, jhi) = fb.rows(x, y);
        while i < ihi && j < jhi {
            let ae = a.ends[i].max(a.starts[i] + 1);
            let be = b.ends[j].max(b.starts[j] + 1);
            let s = a.starts[i].max(b.starts[j]).max(x);
            let e = ae.min(be).min(y);
            if s < e && !va[i].is_nan() && !vb[j].is_nan() {
                out.push(((e - s) as f64, va[i], vb[j]));
            }
            if ae < be {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    out
}

fn correlation(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    d: &Domain,
    tail: Option<Tail>,
    spearman: bool,
) -> Answer {
    let pieces = per_seq(
        t1,
        t2,
        d,
        |a, b, w| match (a, b) {
            (Some(a), Some(b)) => paired_pieces(a, b, w),
            _ => Vec::new(),
        },
        |mut x, y| {
            x.extend(y);
            x
        },
    );
    let w: Vec<f64> = pieces.iter().map(|p| p.0).collect();
    let mut x: Vec<f64> = pieces.iter().map(|p| p.1).collect();
    let mut y: Vec<f64> = pieces.iter().map(|p| p.2).collect();
    if spearman {
        x = dist::weighted_ranks(&x, &w);
        y = dist::weighted_ranks(&y, &w);
    }
    let r = dist::weighted_pearson(&x, &y, &w);
    let n: f64 = w.iter().sum();
    let mut a = Answer::new(r, vec![("bases", n)]);
    if let Some(tail) = tail {
        let m = if spearman {
            "Spearman (t-test, n = bases)"
        } else {
            "Pearson (t-test, n = bases)"
        };
        a.test = Some(dist::correlation_test(r, n, tail, m));
    }
    a
}

fn eval_pearson(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain, tail: Option<Tail>) -> Answer {
    correlation(t1, t2, d, tail, false)
}

fn eval_spearman(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain, tail: Option<Tail>) -> Answer {
    correlation(t1, t2, d, tail, true)
}

/// bp-weighted mean of a track's values over `[x, y)` (NaN if none).
fn mean_in(s: Option<&SeqIntervals<'_>>, x: u64, y: u64) -> f64 {
    let Some(s) = s else { return f64::NAN };
    let Some(v) = &s.values else {
        return f64::NAN;
    };
    let (lo, hi) = Finder::new(s).rows(x, y);
    let (mut sum, mut bp) = (0.0, 0.0);
    for i in lo..hi {
        let a = s.starts[i].max(x);
        let b = s.ends[i].max(s.starts[i] + 1).min(y);
        if a < b && !v[i].is_nan() {
            sum += v[i] * (b - a) as f64;
            bp += (b - a) as f64;
        }
    }
    sum / bp
}

fn correlation_bins(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    d: &Domain,
    tail: Option<Tail>,
    spearman: bool,
) -> Answer {
    let pairs: Vec<(f64, f64)> = d
        .bins()
        .par_iter()
        .map(|r| {
            (
                mean_in(t1.seq(&r.seqid), r.start, r.end),
                mean_in(t2.seq(&r.seqid), r.start, r.end),
            )
        })
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .collect();
    let (x, y): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
    let t = if spearman {
        dist::spearman(&x, &y, tail.unwrap_or_default())
    } else {
        dist::pearson(&x, &y, tail.unwrap_or_default())
    };
    let mut a = Answer::new(
        t.statistic.unwrap_or(f64::NAN),
        vec![("bins", x.len() as f64)],
    );
    if tail.is_some() {
        a.test = Some(t);
    }
    a
}

fn eval_pearson_bins(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    d: &Domain,
    tail: Option<Tail>,
) -> Answer {
    correlation_bins(t1, t2, d, tail, false)
}

fn eval_spearman_bins(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    d: &Domain,
    tail: Option<Tail>,
) -> Answer {
    correlation_bins(t1, t2, d, tail, true)
}

/// Relative positions `r ∈ (0, 1)` of T1's points inside T2's segments
/// (`r = (p + ½ − start) / length`; a point inside several segments uses
/// the last one starting at or before it).
pub fn relative_positions(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain) -> Vec<f64> {
    per_seq(
        t1,
        t2,
        d,
        |a, b, w| {
            let (Some(a), Some(b)) = (a, b) else {
                return Vec::new();
            };
            let fb = Finder::new(b);
            let mut out = Vec::new();
            for &(x, y) in w {
                let lo = a.starts.partition_point(|&s| s < x);
                let hi = a.starts.partition_point(|&s| s < y);
                for &p in &a.starts[lo..hi] {
                    let mut k = b.starts.partition_point(|&s| s <= p);
                    while k > 0 && fb.max_end_upto(k - 1) > p {
                        k -= 1;
                        if b.ends[k] > p {
                            let len = (b.ends[k] - b.starts[k]) as f64;
                            out.push((p as f64 + 0.5 - b.starts[k] as f64) / len);
                            break;
                        }
                    }
                }
            }
            out
        },
        |mut x, y| {
            x.extend(y);
            x
        },
    )
}

fn positioning(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    d: &Domain,
    tail: Option<Tail>,
    score: fn(f64) -> f64,
) -> Answer {
    let scores: Vec<f64> = relative_positions(t1, t2, d)
        .into_iter()
        .map(score)
        .collect();
    let n = scores.len() as f64;
    let mut a = Answer::new(scores.iter().sum::<f64>() / n, vec![("points_inside", n)]);
    if let Some(tail) = tail {
        a.test = Some(dist::wilcoxon_signed_rank(&scores, tail));
    }
    a
}

/// Score of the `positioning-middle` question.
pub fn score_middle(r: f64) -> f64 {
    -1.0 + 4.0 * (r - 0.5).abs()
}
/// Score of the `positioning-borders` question.
pub fn score_borders(r: f64) -> f64 {
    1.0 - 4.0 * (r - 0.5).abs()
}
/// Score of the `positioning-upstream` question.
pub fn score_upstream(r: f64) -> f64 {
    -1.0 + 2.0 * r
}
/// Score of the `positioning-downstream` question.
pub fn score_downstream(r: f64) -> f64 {
    1.0 - 2.0 * r
}

fn eval_pos_middle(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain, t: Option<Tail>) -> Answer {
    positioning(t1, t2, d, t, score_middle)
}
fn eval_pos_borders(t1: &Intervals<'_>, t2: &Intervals<'_>, d: &Domain, t: Option<Tail>) -> Answer {
    positioning(t1, t2, d, t, score_borders)
}
fn eval_pos_upstream(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    d: &Domain,
    t: Option<Tail>,
) -> Answer {
    positioning(t1, t2, d, t, score_upstream)
}
fn eval_pos_downstream(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    d: &Domain,
    t: Option<Tail>,
) -> Answer {
    positioning(t1, t2, d, t, score_downstream)
}

fn eval_case_control(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    d: &Domain,
    _: Option<Tail>,
) -> Answer {
    // (case bp, case ∩ T2, control bp, control ∩ T2)
    let (cb, ci, kb, ki) = per_seq(
        t1,
        t2,
        d,
        |a, b, w| {
            let Some(a) = a else { return (0, 0, 0, 0) };
            let Some(v) = &a.values else {
                return (0, 0, 0, 0);
            };
            let u2 = union_in(b, w);
            let pick = |want: f64| {
                let (s, e): (Vec<u64>, Vec<u64>) = (0..a.len())
                    .filter(|&i| v[i] == want)
                    .map(|i| (a.starts[i], a.ends[i]))
                    .unzip();
                intersect_pairs(&merge(&s, &e, false), w)
            };
            let case = pick(1.0);
            let ctrl = pick(0.0);
            (
                total_len(&case),
                intersect_len(&case, &u2),
                total_len(&ctrl),
                intersect_len(&ctrl, &u2),
            )
        },
        |x, y| (x.0 + y.0, x.1 + y.1, x.2 + y.2, x.3 + y.3),
    );
    let fc = ci as f64 / cb as f64;
    let fk = ki as f64 / kb as f64;
    Answer::new(
        fc - fk,
        vec![
            ("case_bp", cb as f64),
            ("case_bp_inside", ci as f64),
            ("control_bp", kb as f64),
            ("control_bp_inside", ki as f64),
            ("case_fraction", fc),
            ("control_fraction", fk),
        ],
    )
}

fn eval_counts_values(
    t1: &Intervals<'_>,
    t2: &Intervals<'_>,
    d: &Domain,
    tail: Option<Tail>,
) -> Answer {
    let pairs = per_seq(
        t1,
        t2,
        d,
        |a, b, w| {
            let Some(b) = b else { return Vec::new() };
            let Some(v) = &b.values else {
                return Vec::new();
            };
            let mut out = Vec::new();
            for &(x, y) in w {
                let lo = b.starts.partition_point(|&s| s < x);
                let hi = b.starts.partition_point(|&s| s < y);
                for i in lo..hi {
                    let n = a.map_or(0, |a| points_in(&a.starts, &[(b.starts[i], b.ends[i])]));
                    out.push((n as f64, v[i]));
                }
            }
            out
        },
        |mut x, y| {
            x.extend(y);
            x
        },
    );
    let (x, y): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
    let t = dist::kendall_tau(&x, &y, tail.unwrap_or_default());
    let mut a = Answer::new(
        t.statistic.unwrap_or(f64::NAN),
        vec![
            ("segments", x.len() as f64),
            ("points_inside", x.iter().sum()),
        ],
    );
    if tail.is_some() {
        a.test = Some(t);
    }
    a
}
