//! Descriptive statistics of one track over a domain, per bin and
//! globally, according to the track type:
//!
//! - every type: element count (elements overlapping the domain; points
//!   and per-base elements by position), bp coverage of the union of the
//!   elements, proportional coverage (coverage / domain bp);
//! - types with lengths: distribution of element lengths;
//! - sparse types: distribution of gaps between consecutive covered
//!   stretches inside a domain region (for points: inter-point gaps);
//! - valued types: distribution of the (numeric) values.
//!
//! Distributions are summarised as count, min, quartiles (linear
//! interpolation between order statistics, as NumPy's default), max and
//! mean.

use gtrack_core::{Region, TrackType};
use rayon::prelude::*;

use crate::intervals::{intersect_pairs, merge, total_len, Domain, Finder, Intervals};

/// Summary of a distribution.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    /// Number of observations.
    pub n: u64,
    /// Minimum.
    pub min: f64,
    /// First quartile.
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile.
    pub q3: f64,
    /// Maximum.
    pub max: f64,
    /// Mean.
    pub mean: f64,
}

impl Summary {
    /// Summarise `x` (NaN dropped); `None` when empty.
    pub fn of(mut x: Vec<f64>) -> Option<Summary> {
        x.retain(|v| !v.is_nan());
        if x.is_empty() {
            return None;
        }
        x.sort_by(f64::total_cmp);
        let q = |p: f64| {
            let h = p * (x.len() - 1) as f64;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(x.len() - 1);
            x[lo] + (h - lo as f64) * (x[hi] - x[lo])
        };
        Some(Summary {
            n: x.len() as u64,
            min: x[0],
            q1: q(0.25),
            median: q(0.5),
            q3: q(0.75),
            max: x[x.len() - 1],
            mean: x.iter().sum::<f64>() / x.len() as f64,
        })
    }
}

/// Descriptive statistics of a track over a domain.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Description {
    /// Track type.
    pub track_type: TrackType,
    /// Domain size in bp.
    pub domain_bp: u64,
    /// Elements overlapping the domain.
    pub count: u64,
    /// bp covered by the union of the elements, inside the domain.
    pub bp_coverage: u64,
    /// `bp_coverage / domain_bp`.
    pub proportional_coverage: f64,
    /// Element lengths (types with lengths).
    pub lengths: Option<Summary>,
    /// Gaps between covered stretches (sparse types).
    pub gaps: Option<Summary>,
    /// Values (valued types with numeric values).
    pub values: Option<Summary>,
}

#[derive(Default)]
struct Acc {
    domain_bp: u64,
    count: u64,
    cov: u64,
    lengths: Vec<f64>,
    gaps: Vec<f64>,
    values: Vec<f64>,
}

/// Describe `t` over `domain`.
pub fn describe(t: &Intervals<'_>, domain: &Domain) -> Description {
    let tt = t.track_type;
    let acc = domain
        .seqs
        .par_iter()
        .map(|ds| {
            let mut a = Acc {
                domain_bp: total_len(&ds.regions),
                ..Default::default()
            };
            let Some(s) = t.seq(&ds.seqid) else {
                return a;
            };
            let f = Finder::new(s);
            for (r, &(x, y)) in ds.regions.iter().enumerate() {
                let (lo, hi) = f.rows(x, y);
                let prev = (r > 0).then(|| ds.regions[r - 1]);
                let mut rows = Vec::with_capacity(hi - lo);
                for i in lo..hi {
                    let e = s.ends[i].max(s.starts[i] + 1);
                    // Count an element once: in the first region it overlaps.
                    let seen = prev.is_some_and(|(px, py)| s.starts[i] < py && e > px);
                    if s.starts[i] < y && e > x && !seen {
                        rows.push(i);
                    }
                }
                a.count += rows.len() as u64;
                // Coverage: every element's bases inside this region.
                let u =
                    intersect_pairs(&merge(&s.starts[lo..hi], &s.ends[lo..hi], false), &[(x, y)]);
                a.cov += total_len(&u);
                if tt.has_lengths() {
                    a.lengths
                        .extend(rows.iter().map(|&i| (s.ends[i] - s.starts[i]) as f64));
                }
                if tt.is_sparse() {
                    a.gaps
                        .extend(u.windows(2).map(|w| (w[1].0 - w[0].1) as f64));
                }
                if let Some(v) = &s.values {
                    a.values.extend(rows.iter().map(|&i| v[i]));
                }
            }
            a
        })
        .reduce(Acc::default, |mut a, b| {
            a.domain_bp += b.domain_bp;
            a.count += b.count;
            a.cov += b.cov;
            a.lengths.extend(b.lengths);
            a.gaps.extend(b.gaps);
            a.values.extend(b.values);
            a
        });
    Description {
        track_type: tt,
        domain_bp: acc.domain_bp,
        count: acc.count,
        bp_coverage: acc.cov,
        proportional_coverage: acc.cov as f64 / acc.domain_bp as f64,
        lengths: Summary::of(acc.lengths),
        gaps: Summary::of(acc.gaps),
        values: Summary::of(acc.values),
    }
}

/// Describe `t` globally and per bin (bins in parallel; empty per-bin
/// list for a one-bin domain).
pub fn describe_bins(
    t: &Intervals<'_>,
    domain: &Domain,
) -> (Description, Vec<(Region, Description)>) {
    let global = describe(t, domain);
    if domain.len() <= 1 {
        return (global, Vec::new());
    }
    let views = t.restrict_bins(domain);
    let bins = domain.bins();
    let per = bins
        .par_iter()
        .zip(views.par_iter())
        .map(|(r, v)| (r.clone(), describe(v, &Domain::single(r))))
        .collect();
    (global, per)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intervals::SeqIntervals;
    use std::borrow::Cow;

    #[test]
    fn segments_and_points() {
        let t = Intervals {
            track_type: TrackType::ValuedSegments,
            seqs: vec![SeqIntervals {
                seqid: "c".into(),
                length: None,
                starts: Cow::Owned(vec![10, 30, 35, 90]),
                ends: crate::intervals::Ends::owned(vec![20, 40, 50, 120]),
                values: Some(Cow::Owned(vec![1.0, 2.0, f64::NAN, 4.0])),
            }],
        };
        let d = Domain::single(&Region::new("c", 0, 100));
        let r = describe(&t, &d);
        assert_eq!(r.count, 4);
        assert_eq!(r.bp_coverage, 10 + 20 + 10);
        assert_eq!(r.proportional_coverage, 0.4);
        let l = r.lengths.unwrap();
        assert_eq!((l.min, l.median, l.max, l.mean), (10.0, 12.5, 30.0, 16.25));
        let g = r.gaps.unwrap();
        assert_eq!((g.n, g.min, g.max), (2, 10.0, 40.0));
        assert_eq!(r.values.unwrap().n, 3);
        let (glob, per) = describe_bins(&t, &d.tile(50).unwrap());
        assert_eq!(glob.count, 4);
        // An element spanning two bins counts once globally, in both bins.
        let (g2, p2) = describe_bins(&t, &d.tile(35).unwrap());
        assert_eq!(g2.count, 4);
        assert_eq!(g2.bp_coverage, 40);
        assert_eq!(g2.lengths.unwrap().n, 4);
        assert_eq!(p2[1].1.count, 2);
        assert_eq!(per.len(), 2);
        assert_eq!(per[0].1.count, 3);
        assert_eq!(per[1].1.count, 1);
        assert_eq!(per[1].1.bp_coverage, 10);
        assert_eq!(Summary::of(vec![1.0, 2.0, 3.0, 4.0]).unwrap().q1, 1.75);
    }
}
