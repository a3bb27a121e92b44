//! Fast paths of the Monte Carlo engine.
//!
//! [`Coverage`] prepares the fixed track of an overlap test once: per
//! sequence, the union of its elements clipped to the domain as compact
//! `u32` starts plus, per merged interval, its end and `start − covered bp
//! before it`. The bp of the fixed track in `[0, x)` is then
//! `C(x) = min(x, end_j) − off_j` for the last interval `j` starting
//! before `x`, so the overlap of a segment `[s, e)` is `C(e) − C(s)`.
//! `j` is found by a bucket index (buckets of 2^k bp holding about one
//! interval each: `first[x >> k]`, then a step or two forward) — no
//! search, no unpredictable branches, and independent lookups the CPU can
//! overlap. Nothing of the fixed track is re-read or rebuilt per sample.

use crate::intervals::{intersect_pairs, merge, Domain, Intervals};

#[derive(Debug, Clone, Default)]
struct SeqCov {
    /// `(start, end, start − covered bp before this interval)` of the
    /// merged intervals, then a sentinel starting at `u32::MAX`.
    iv: Vec<(u32, u32, u32)>,
    /// Bucket index: `first[b]` = number of starts below `b << shift`.
    first: Vec<u32>,
    shift: u32,
    /// Most starts in one bucket (the fixed number of branch-free steps).
    steps: u32,
}

/// The fixed track of an overlap test, prepared for `C(e) − C(s)` lookups.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    seqs: Vec<SeqCov>,
    covered: u64,
}

impl Coverage {
    /// The union of `t`'s elements inside `domain`, per sequence of
    /// `order` (the sequence indices the lookups will use). `None` when a
    /// coordinate does not fit in `u32` (then use the general path).
    pub fn new(t: &Intervals<'_>, domain: &Domain, order: &[&str]) -> Option<Coverage> {
        let mut seqs = Vec::with_capacity(order.len());
        let mut covered = 0u64;
        for seqid in order {
            let (Some(s), Some(d)) = (t.seq(seqid), domain.seq(seqid)) else {
                seqs.push(SeqCov::default());
                continue;
            };
            let u = intersect_pairs(&merge(&s.starts, &s.ends, false), &d.regions);
            if u.last().is_some_and(|r| r.1 >= u64::from(u32::MAX)) {
                return None;
            }
            let mut c = SeqCov {
                iv: Vec::with_capacity(u.len() + 1),
                ..SeqCov::default()
            };
            let mut cum = 0u64;
            for &(a, b) in &u {
                c.iv.push((a as u32, b as u32, (a - cum) as u32));
                cum += b - a;
            }
            c.iv.push((u32::MAX, u32::MAX, 0));
            covered += cum;
            if !u.is_empty() {
                // Buckets of 2^shift bp, about one interval per bucket.
                let span = u.last().map_or(1, |r| r.1).max(1);
                let per = (span / u.len() as u64).max(64);
                c.shift = 63 - per.leading_zeros();
                let nb = (span >> c.shift) as usize + 2;
                c.first = Vec::with_capacity(nb);
                let mut j = 0usize;
                for b in 0..nb as u64 {
                    let x = b << c.shift;
                    while j < u.len() && u64::from(c.iv[j].0) < x {
                        j += 1;
                    }
                    c.first.push(j as u32);
                }
                c.steps = c.first.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
            }
            seqs.push(c);
        }
        Some(Coverage { seqs, covered })
    }

    /// Total bp covered (inside the domain).
    pub fn covered(&self) -> u64 {
        self.covered
    }

    /// bp covered in `[0, x)` on sequence `si`.
    #[inline]
    fn upto(&self, si: usize, x: u64) -> u64 {
        let c = &self.seqs[si];
        if c.first.is_empty() {
            return 0;
        }
        let x32 = x.min(u64::from(u32::MAX)) as u32;
        let b = ((x >> c.shift) as usize).min(c.first.len() - 1);
        let mut j = c.first[b] as usize;
        if c.steps <= 4 {
            // Branch-free: a fixed number of conditional steps (the
            // sentinel stops every run).
            for _ in 0..c.steps {
                j += usize::from(c.iv[j].0 < x32);
            }
        } else {
            while c.iv[j].0 < x32 {
                j += 1;
            }
        }
        if j == 0 {
            return 0;
        }
        let (_, end, off) = c.iv[j - 1];
        u64::from(x32.min(end) - off)
    }

    /// A cursor summing overlaps of segments.
    pub fn cursor(&self) -> Cursor<'_> {
        Cursor {
            cov: self,
            total: 0,
        }
    }
}

/// Sums the overlap of segments with a [`Coverage`] (segments of one
/// sequence must not overlap each other, or shared bases count twice).
#[derive(Debug)]
pub struct Cursor<'c> {
    cov: &'c Coverage,
    total: u64,
}

impl Cursor<'_> {
    /// Adds the overlap of `[s, e)` on sequence `si`.
    #[inline]
    pub fn add(&mut self, si: usize, s: u64, e: u64) {
        self.total += self.cov.upto(si, e) - self.cov.upto(si, s);
    }
    /// The bp overlap so far.
    pub fn total(&self) -> u64 {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn overlap_by_prefix_sums_matches_direct_count() {
        let t = Intervals {
            track_type: gtrack_core::TrackType::Segments,
            seqs: vec![crate::intervals::SeqIntervals {
                seqid: "c".into(),
                length: Some(100),
                starts: Cow::Owned(vec![5, 8, 20, 40, 60]),
                ends: crate::intervals::Ends::owned(vec![10, 12, 30, 41, 95]),
                values: None,
            }],
        };
        let d = Domain::whole(&[("c".to_string(), 90)]);
        let cov = Coverage::new(&t, &d, &["c"]).unwrap();
        assert_eq!(cov.covered(), 7 + 10 + 1 + 30);
        let segs = [(0u64, 6u64), (6, 9), (11, 25), (29, 61), (61, 62), (70, 90)];
        let mut cur = cov.cursor();
        let mut want = 0;
        for &(s, e) in &segs {
            cur.add(0, s, e);
            want += (s..e)
                .filter(|&x| {
                    x < 90
                        && t.seqs[0]
                            .starts
                            .iter()
                            .zip(t.seqs[0].ends.iter())
                            .any(|(&a, &b)| a <= x && x < b)
                })
                .count() as u64;
        }
        assert_eq!(cur.total(), want);
    }
}
