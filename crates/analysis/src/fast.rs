//! Fast paths of the Monte Carlo engine.
//!
//! [`Coverage`] prepares the fixed track of an overlap test once: per
//! sequence, the union of its elements clipped to the domain as compact
//! `u32` starts plus, per merged interval, its end and `start − covered bp
//! before it`. The bp of the fixed track in `[0, x)` is then
//! `C(x) = min(x, end_j) − off_j` for the last interval `j` starting
//! before `x`, so the overlap of a segment `[s, e)` is `C(e) − C(s)`.
//! A [`Cursor`] finds `j` by galloping forward only: randomised segments
//! arrive sorted, so a whole sample costs one pass over the starts at
//! most, and nothing of the fixed track is re-read or rebuilt.

use crate::intervals::{gallop_u32, intersect_pairs, merge, Domain, Intervals};

#[derive(Debug, Clone, Default)]
struct SeqCov {
    starts: Vec<u32>,
    /// `(end, start − covered bp before this interval)`.
    end_off: Vec<(u32, u32)>,
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
            if u.last().is_some_and(|r| r.1 > u64::from(u32::MAX)) {
                return None;
            }
            let mut c = SeqCov {
                starts: Vec::with_capacity(u.len()),
                end_off: Vec::with_capacity(u.len()),
            };
            let mut cum = 0u64;
            for &(a, b) in &u {
                c.starts.push(a as u32);
                c.end_off.push((b as u32, (a - cum) as u32));
                cum += b - a;
            }
            covered += cum;
            seqs.push(c);
        }
        Some(Coverage { seqs, covered })
    }

    /// Total bp covered (inside the domain).
    pub fn covered(&self) -> u64 {
        self.covered
    }

    /// bp covered in `[0, x)` on sequence `si`, with the answer's interval
    /// index found from `from` on (returned for the next call).
    #[inline]
    fn upto(&self, si: usize, from: usize, x: u64) -> (u64, usize) {
        let c = &self.seqs[si];
        let x32 = x.min(u64::from(u32::MAX)) as u32;
        let j = gallop_u32(&c.starts, from, x32);
        if j == 0 {
            return (0, 0);
        }
        let (end, off) = c.end_off[j - 1];
        (u64::from(x32.min(end) - off), j)
    }

    /// A cursor summing overlaps of sorted segments.
    pub fn cursor(&self) -> Cursor<'_> {
        Cursor {
            cov: self,
            si: usize::MAX,
            j: 0,
            total: 0,
        }
    }
}

/// Sums the overlap of segments with a [`Coverage`]; segments must come
/// sorted by start within each sequence (sequences in any order, each
/// once).
#[derive(Debug)]
pub struct Cursor<'c> {
    cov: &'c Coverage,
    si: usize,
    j: usize,
    total: u64,
}

impl Cursor<'_> {
    /// Adds the overlap of `[s, e)` on sequence `si`.
    #[inline]
    pub fn add(&mut self, si: usize, s: u64, e: u64) {
        if si != self.si {
            self.si = si;
            self.j = 0;
        }
        let (cs, j) = self.cov.upto(si, self.j, s);
        let (ce, j2) = self.cov.upto(si, j, e);
        self.j = j2;
        self.total += ce - cs;
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
