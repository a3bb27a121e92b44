//! The analysis view of a track and the analysis domain.
//!
//! [`Intervals`] holds, per sequence, the elements sorted by (start, end)
//! as slices: borrowed zero-copy from a store ([`Intervals::from_stored`])
//! wherever the column exists, owned where it is implicit (points' ends
//! are `start + 1`; per-base types get their starts from the stored runs
//! of positions). [`Intervals::from_track`] builds the same view from an
//! in-memory [`Track`], sorting each sequence.
//!
//! [`Domain`] is the set of bins an analysis runs over: disjoint, sorted
//! regions per sequence. It is built from a BED file of regions or by
//! tiling the genome (or the tracks' bounding regions) with a bin size;
//! regions are merged where they overlap and clipped to sequence
//! lengths. A question evaluated on the whole domain gives the global
//! result; on one of [`Domain::bins`] the result of that bin.
//!
//! The free functions ([`merge`], [`intersect_pairs`], [`count_overlaps`],
//! [`covered_bases`], …) are the linear sweeps everything else uses.

use std::borrow::Cow;
use std::io::BufRead;
use std::path::Path;

use gtrack_core::{ColumnData, Region, RegionKind, Track, TrackType};
use gtrack_store::StoredTrack;
use rayon::prelude::*;

/// Errors of loading tracks and building domains.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store could not be read.
    #[error("track `{track}`: {source}")]
    Store {
        /// Track name.
        track: String,
        /// The store error.
        #[source]
        source: gtrack_store::Error,
    },
    /// A line of a bins (BED) file is not a region.
    #[error("{path}:{line}: [bins-parse] {why}; expected `SEQID<TAB>START<TAB>END` (0-based, end exclusive, START < END)")]
    BinsParse {
        /// File.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        why: String,
    },
    /// The bins file could not be read.
    #[error("{path}: [bins-io] cannot read: {source}")]
    BinsIo {
        /// File.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The domain is empty (no bin with a positive length).
    #[error("[domain-empty] the analysis domain is empty: {why}")]
    EmptyDomain {
        /// Why (which input left nothing).
        why: String,
    },
    /// A bin size of zero.
    #[error("[bin-size-zero] the bin size must be at least 1 bp")]
    ZeroBinSize,
    /// A bin with `start >= end` given to [`Domain::strict`].
    #[error("[empty-bin] bin {seqid}:{start}-{end} is empty (start must be below end); drop it or fix its coordinates")]
    EmptyBin {
        /// Sequence id.
        seqid: String,
        /// Start.
        start: u64,
        /// End.
        end: u64,
    },
    /// Two overlapping bins given to [`Domain::strict`].
    #[error("[overlapping-bins] bins {seqid}:{first_start}-{first_end} and {seqid}:{second_start}-{second_end} overlap; elements would be counted (or randomised) twice — merge the bins or make them disjoint")]
    OverlappingBins {
        /// Sequence id.
        seqid: String,
        /// First bin start.
        first_start: u64,
        /// First bin end.
        first_end: u64,
        /// Second bin start.
        second_start: u64,
        /// Second bin end.
        second_end: u64,
    },
    /// A whole-sequence domain of a sequence without a known length.
    #[error("[unknown-length] sequence {seqid} has no known length, so it cannot serve as a bounding region; give a genome or explicit bins")]
    UnknownLength {
        /// Sequence id.
        seqid: String,
    },
}

impl Error {
    /// Every rule id.
    pub const RULES: &'static [&'static str] = &[
        "bins-parse",
        "bins-io",
        "domain-empty",
        "bin-size-zero",
        "empty-bin",
        "overlapping-bins",
        "unknown-length",
    ];
    /// The stable rule id (`None` for store errors, which carry their own).
    pub fn rule(&self) -> Option<&'static str> {
        Some(match self {
            Error::Store { .. } => return None,
            Error::BinsParse { .. } => "bins-parse",
            Error::BinsIo { .. } => "bins-io",
            Error::EmptyDomain { .. } => "domain-empty",
            Error::ZeroBinSize => "bin-size-zero",
            Error::EmptyBin { .. } => "empty-bin",
            Error::OverlappingBins { .. } => "overlapping-bins",
            Error::UnknownLength { .. } => "unknown-length",
        })
    }
}

/// The ends of a sequence's elements: an explicit column, or — for
/// points read from a store — implicit (`start + 1`, from the borrowed
/// starts), materialised only when something reads them. Dereferences to
/// `[u64]` either way; sweeps that only need starts (points inside
/// segments, per-segment point counts) never trigger the materialisation,
/// so a points track stays zero-copy.
#[derive(Clone)]
pub enum Ends<'a> {
    /// An explicit column (borrowed or owned).
    Explicit(Cow<'a, [u64]>),
    /// Points: end = start + 1 for each of these starts (computed once, on
    /// first dereference).
    PointsOf(&'a [u64], std::sync::OnceLock<Vec<u64>>),
}

impl<'a> Ends<'a> {
    /// An owned column.
    pub fn owned(v: Vec<u64>) -> Self {
        Ends::Explicit(Cow::Owned(v))
    }
    /// Implicit ends of points starting at `starts`.
    pub fn points_of(starts: &'a [u64]) -> Self {
        Ends::PointsOf(starts, std::sync::OnceLock::new())
    }
    /// The starts when the ends are implicit (`start + 1`).
    pub fn implicit_points(&self) -> Option<&'a [u64]> {
        match self {
            Ends::PointsOf(s, _) => Some(s),
            Ends::Explicit(_) => None,
        }
    }
    /// The ends as an owned, mutable vector (materialised if implicit).
    pub fn to_mut(&mut self) -> &mut Vec<u64> {
        if let Ends::PointsOf(s, _) = self {
            *self = Ends::Explicit(Cow::Owned(s.iter().map(|x| x + 1).collect()));
        }
        match self {
            Ends::Explicit(c) => c.to_mut(),
            Ends::PointsOf(..) => unreachable!("materialised above"),
        }
    }
    /// An owned vector of the ends.
    pub fn into_owned(self) -> Vec<u64> {
        match self {
            Ends::Explicit(c) => c.into_owned(),
            Ends::PointsOf(s, cache) => cache
                .into_inner()
                .unwrap_or_else(|| s.iter().map(|x| x + 1).collect()),
        }
    }
    /// Rows `lo..hi`, borrowed (implicit stays implicit).
    pub fn slice(&self, lo: usize, hi: usize) -> Ends<'_> {
        match self {
            Ends::Explicit(c) => Ends::Explicit(Cow::Borrowed(&c[lo..hi])),
            Ends::PointsOf(s, _) => Ends::points_of(&s[lo..hi]),
        }
    }
}

impl std::ops::Deref for Ends<'_> {
    type Target = [u64];
    fn deref(&self) -> &[u64] {
        match self {
            Ends::Explicit(c) => c,
            Ends::PointsOf(s, cache) => cache.get_or_init(|| s.iter().map(|x| x + 1).collect()),
        }
    }
}

impl<'a> From<Cow<'a, [u64]>> for Ends<'a> {
    fn from(c: Cow<'a, [u64]>) -> Self {
        Ends::Explicit(c)
    }
}

impl PartialEq for Ends<'_> {
    fn eq(&self, o: &Self) -> bool {
        match (self.implicit_points(), o.implicit_points()) {
            (Some(a), Some(b)) => a == b,
            _ => self[..] == o[..],
        }
    }
}

impl std::fmt::Debug for Ends<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ends::Explicit(c) => c.fmt(f),
            Ends::PointsOf(s, _) => write!(f, "PointsOf({} starts + 1)", s.len()),
        }
    }
}

/// One sequence's elements, sorted by (start, end). Points have
/// `end = start + 1`; per-base types have one element per base.
#[derive(Debug, Clone, PartialEq)]
pub struct SeqIntervals<'a> {
    /// Sequence id.
    pub seqid: String,
    /// Sequence length, when known.
    pub length: Option<u64>,
    /// Starts, 0-based, sorted.
    pub starts: Cow<'a, [u64]>,
    /// Ends, exclusive (implicit `start + 1` for stored points).
    pub ends: Ends<'a>,
    /// Scalar numeric values (NaN = missing), for valued types.
    pub values: Option<Cow<'a, [f64]>>,
}

/// A whole track for analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervals<'a> {
    /// The track type (decides which questions apply).
    pub track_type: TrackType,
    /// Sequences, each sorted.
    pub seqs: Vec<SeqIntervals<'a>>,
}

impl<'a> SeqIntervals<'a> {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.starts.len()
    }
    /// True without elements.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
    /// An owned copy.
    pub fn into_owned(self) -> SeqIntervals<'static> {
        SeqIntervals {
            seqid: self.seqid,
            length: self.length,
            starts: Cow::Owned(self.starts.into_owned()),
            ends: Ends::Explicit(Cow::Owned(self.ends.into_owned())),
            values: self.values.map(|v| Cow::Owned(v.into_owned())),
        }
    }
    /// Rows `[lo, hi)` whose elements may overlap `[a, b)`: every element
    /// overlapping the window is inside. Elements starting before `a`
    /// are found by a backward scan (cost proportional to the rows before
    /// `a`; use [`Intervals::restrict_bins`] for many windows).
    pub fn window(&self, a: u64, b: u64) -> (usize, usize) {
        let hi = self.starts.partition_point(|&s| s < b);
        let lo0 = self.starts.partition_point(|&s| s < a);
        let lo = (0..lo0).find(|&i| self.ends[i] > a).unwrap_or(lo0);
        (lo.min(hi), hi)
    }
    /// Rows `lo..hi` as a borrowed view.
    pub fn slice(&self, lo: usize, hi: usize) -> SeqIntervals<'_> {
        SeqIntervals {
            seqid: self.seqid.clone(),
            length: self.length,
            starts: Cow::Borrowed(&self.starts[lo..hi]),
            ends: self.ends.slice(lo, hi),
            values: self.values.as_ref().map(|v| Cow::Borrowed(&v[lo..hi])),
        }
    }
}

impl<'a> Intervals<'a> {
    /// An empty view of the given type.
    pub fn empty(track_type: TrackType) -> Self {
        Intervals {
            track_type,
            seqs: Vec::new(),
        }
    }
    /// Total number of elements.
    pub fn len(&self) -> usize {
        self.seqs.iter().map(|s| s.len()).sum()
    }
    /// True without elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The sequence `seqid`, if present.
    pub fn seq(&self, seqid: &str) -> Option<&SeqIntervals<'a>> {
        self.seqs.iter().find(|s| s.seqid == seqid)
    }
    /// Per bin of `domain` (in [`Domain::bins`] order), a borrowed view
    /// of the rows that can overlap it (one running maximum of ends per
    /// sequence, then two binary searches per bin).
    pub fn restrict_bins(&self, domain: &Domain) -> Vec<Intervals<'_>> {
        let mut out = Vec::with_capacity(domain.len());
        for d in &domain.seqs {
            let s = self.seq(&d.seqid);
            let maxend = s.map(|s| {
                if s.ends.is_sorted() {
                    None
                } else {
                    Some(running_max_ends(&s.ends))
                }
            });
            for &(a, b) in &d.regions {
                let seqs = match s {
                    None => Vec::new(),
                    Some(s) => {
                        let hi = s.starts.partition_point(|&x| x < b);
                        let lo = match maxend.as_ref().and_then(|m| m.as_ref()) {
                            Some(m) => m.partition_point(|&x| x <= a),
                            None => s.ends.partition_point(|&x| x <= a),
                        };
                        vec![s.slice(lo.min(hi), hi)]
                    }
                };
                out.push(Intervals {
                    track_type: self.track_type,
                    seqs,
                });
            }
        }
        out
    }
    /// An owned copy (no borrow of the store).
    pub fn into_owned(self) -> Intervals<'static> {
        Intervals {
            track_type: self.track_type,
            seqs: self.seqs.into_iter().map(|s| s.into_owned()).collect(),
        }
    }

    /// The view of a stored track: one whole-sequence [`gtrack_store::View`]
    /// per sequence; starts, ends and scalar numbers are borrowed from the
    /// memory-mapped columns. Binary values become 0/1 (owned); other
    /// value types give no values. A sequence id stored under two genomes
    /// keeps its first occurrence only.
    pub fn from_stored(t: &'a StoredTrack) -> Result<Intervals<'a>, Error> {
        let tt = t.track_type();
        let name = t.manifest().name.clone();
        let err = |source| Error::Store {
            track: name.clone(),
            source,
        };
        // Sequences in parallel (implicit columns are materialised here).
        let seqs: Vec<Option<SeqIntervals<'a>>> = t
            .manifest()
            .seqs
            .par_iter()
            .enumerate()
            .map(|(si, entry)| -> Result<Option<SeqIntervals<'a>>, Error> {
                if t.seq_index(&entry.seqid) != Some(si) {
                    return Ok(None);
                }
                let v = t.view(&entry.seqid, 0, u64::MAX).map_err(&err)?;
                let rows = v.rows();
                let starts: Cow<'a, [u64]> = match v.starts() {
                    Some(s) => Cow::Borrowed(s),
                    None if tt.is_per_base() => {
                        let mut s = Vec::with_capacity(rows.len());
                        for &(pos, _, n) in &entry.blocks {
                            s.extend(pos..pos + n);
                        }
                        Cow::Owned(s)
                    }
                    None => Cow::Owned(rows.clone().map(|i| v.start(i)).collect()),
                };
                let ends: Ends<'a> = match (v.ends(), &starts) {
                    (Some(e), _) if tt.has_lengths() => Ends::Explicit(Cow::Borrowed(e)),
                    (_, Cow::Borrowed(s)) => Ends::points_of(s),
                    _ => Ends::Explicit(Cow::Owned(starts.iter().map(|s| s + 1).collect())),
                };
                let values = if !tt.is_valued() {
                    None
                } else if let Some(n) = v.numbers() {
                    Some(Cow::Borrowed(n))
                } else if t
                    .schema()
                    .value
                    .is_some_and(|s| s.ty == gtrack_core::ValueType::Binary)
                {
                    Some(Cow::Owned(
                        rows.clone()
                            .map(|i| v.number(i).unwrap_or(f64::NAN))
                            .collect(),
                    ))
                } else {
                    None
                };
                Ok(Some(SeqIntervals {
                    seqid: entry.seqid.clone(),
                    length: t.seq_length(&entry.seqid),
                    starts,
                    ends,
                    values,
                }))
            })
            .collect::<Result<_, _>>()?;
        let seqs: Vec<SeqIntervals<'a>> = seqs.into_iter().flatten().collect();
        Ok(Intervals {
            track_type: tt,
            seqs,
        })
    }

    /// The view of an in-memory track (owned; each sequence sorted by
    /// (start, end); sequences with the same id under different genomes
    /// are combined).
    pub fn from_track(t: &Track) -> Intervals<'static> {
        let tt = t.track_type();
        let mut seqs: Vec<SeqIntervals<'static>> = Vec::new();
        for s in &t.seqs {
            let vals: Option<Vec<f64>> = s.values.as_ref().and_then(|v| match v.data() {
                _ if v.offsets().is_some() => None,
                ColumnData::Number(x) => Some(x.clone()),
                ColumnData::Binary(b) => Some(
                    b.iter()
                        .map(|&x| if x < 0 { f64::NAN } else { f64::from(x) })
                        .collect(),
                ),
                _ => None,
            });
            let mut order: Vec<usize> = (0..s.len()).collect();
            let ends_of = |i: usize| {
                if tt.has_lengths() {
                    s.ends[i]
                } else {
                    s.starts[i] + 1
                }
            };
            order.sort_by_key(|&i| (s.starts[i], ends_of(i)));
            let starts: Vec<u64> = order.iter().map(|&i| s.starts[i]).collect();
            let ends: Vec<u64> = order.iter().map(|&i| ends_of(i)).collect();
            let values = vals.map(|v| order.iter().map(|&i| v[i]).collect::<Vec<f64>>());
            let length = t
                .regions
                .iter()
                .filter(|r| r.seqid.as_deref() == Some(&s.seqid) && r.start == 0)
                .find_map(|r| r.end);
            match seqs.iter_mut().find(|x| x.seqid == s.seqid) {
                Some(prev) => {
                    // Combine and re-sort.
                    let mut all: Vec<(u64, u64, f64)> = (0..prev.len())
                        .map(|i| {
                            (
                                prev.starts[i],
                                prev.ends[i],
                                prev.values.as_ref().map_or(f64::NAN, |v| v[i]),
                            )
                        })
                        .collect();
                    all.extend((0..starts.len()).map(|i| {
                        (
                            starts[i],
                            ends[i],
                            values.as_ref().map_or(f64::NAN, |v| v[i]),
                        )
                    }));
                    all.sort_by_key(|a| (a.0, a.1));
                    let has_vals = prev.values.is_some() && values.is_some();
                    prev.starts = Cow::Owned(all.iter().map(|x| x.0).collect());
                    prev.ends = Ends::owned(all.iter().map(|x| x.1).collect());
                    prev.values = has_vals.then(|| Cow::Owned(all.iter().map(|x| x.2).collect()));
                }
                None => seqs.push(SeqIntervals {
                    seqid: s.seqid.clone(),
                    length,
                    starts: Cow::Owned(starts),
                    ends: Ends::owned(ends),
                    values: values.map(Cow::Owned),
                }),
            }
        }
        Intervals {
            track_type: tt,
            seqs,
        }
    }
}

// --- Domain ---------------------------------------------------------------

/// The regions of one sequence in a domain: disjoint, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainSeq {
    /// Sequence id.
    pub seqid: String,
    /// `(start, end)` pairs, sorted, non-overlapping, non-empty.
    pub regions: Vec<(u64, u64)>,
}

/// The analysis domain: a list of bins, disjoint and sorted per sequence
/// (sequences in order of first appearance).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Domain {
    /// Per sequence, its bins.
    pub seqs: Vec<DomainSeq>,
}

impl Domain {
    /// A domain from regions: sorted per sequence, overlapping regions
    /// merged (touching ones stay separate bins), clipped to `[0, length)`
    /// when `length(seqid)` is known, empty regions dropped.
    pub fn new(
        regions: impl IntoIterator<Item = Region>,
        length: &dyn Fn(&str) -> Option<u64>,
    ) -> Domain {
        let mut seqs: Vec<DomainSeq> = Vec::new();
        for r in regions {
            let end = match length(&r.seqid) {
                Some(l) => r.end.min(l),
                None => r.end,
            };
            if end <= r.start {
                continue;
            }
            match seqs.iter_mut().find(|s| s.seqid == r.seqid) {
                Some(s) => s.regions.push((r.start, end)),
                None => seqs.push(DomainSeq {
                    seqid: r.seqid.clone(),
                    regions: vec![(r.start, end)],
                }),
            }
        }
        for s in &mut seqs {
            s.regions.sort_unstable();
            let mut out: Vec<(u64, u64)> = Vec::with_capacity(s.regions.len());
            for &(a, b) in &s.regions {
                match out.last_mut() {
                    Some(last) if a < last.1 => last.1 = last.1.max(b),
                    _ => out.push((a, b)),
                }
            }
            s.regions = out;
        }
        Domain { seqs }
    }

    /// A domain from exactly these bins, refusing what [`Domain::new`]
    /// would repair: an empty bin (`[empty-bin]`) or two overlapping bins
    /// on one sequence (`[overlapping-bins]`). Sequences keep their order
    /// of first appearance; bins are sorted within a sequence.
    pub fn strict(bins: impl IntoIterator<Item = Region>) -> Result<Domain, Error> {
        let mut seqs: Vec<DomainSeq> = Vec::new();
        for r in bins {
            if r.end <= r.start {
                return Err(Error::EmptyBin {
                    seqid: r.seqid,
                    start: r.start,
                    end: r.end,
                });
            }
            match seqs.iter_mut().find(|s| s.seqid == r.seqid) {
                Some(s) => s.regions.push((r.start, r.end)),
                None => seqs.push(DomainSeq {
                    seqid: r.seqid,
                    regions: vec![(r.start, r.end)],
                }),
            }
        }
        for s in &mut seqs {
            s.regions.sort_unstable();
            if let Some(w) = s.regions.windows(2).find(|w| w[1].0 < w[0].1) {
                return Err(Error::OverlappingBins {
                    seqid: s.seqid.clone(),
                    first_start: w[0].0,
                    first_end: w[0].1,
                    second_start: w[1].0,
                    second_end: w[1].1,
                });
            }
        }
        Ok(Domain { seqs })
    }

    /// One bin per sequence of `t`, covering the whole sequence; every
    /// sequence must know its length (`[unknown-length]`).
    pub fn whole_sequences(t: &Intervals<'_>) -> Result<Domain, Error> {
        let mut seqs = Vec::new();
        for s in &t.seqs {
            let Some(len) = s.length else {
                return Err(Error::UnknownLength {
                    seqid: s.seqid.clone(),
                });
            };
            seqs.push((s.seqid.clone(), len));
        }
        Ok(Domain::whole(&seqs))
    }

    /// Whole sequences `(seqid, length)`.
    pub fn whole(seqs: &[(String, u64)]) -> Domain {
        Domain::new(
            seqs.iter().map(|(s, l)| Region::new(s.clone(), 0, *l)),
            &|_| None,
        )
    }

    /// Regions read from a BED file (first three columns; `track`,
    /// `browser` and `#` lines skipped), merged and clipped.
    pub fn from_bed(path: &Path, length: &dyn Fn(&str) -> Option<u64>) -> Result<Domain, Error> {
        let p = path.display().to_string();
        let f = std::fs::File::open(path).map_err(|source| Error::BinsIo {
            path: p.clone(),
            source,
        })?;
        let mut regions = Vec::new();
        for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
            let line = line.map_err(|source| Error::BinsIo {
                path: p.clone(),
                source,
            })?;
            let t = line.trim_end_matches('\r');
            if t.trim().is_empty()
                || t.starts_with('#')
                || t.starts_with("track")
                || t.starts_with("browser")
            {
                continue;
            }
            let bad = |why: String| Error::BinsParse {
                path: p.clone(),
                line: i + 1,
                why,
            };
            let mut f = t.split('\t');
            let (Some(seq), Some(a), Some(b)) = (f.next(), f.next(), f.next()) else {
                return Err(bad("fewer than 3 tab-separated columns".into()));
            };
            let a: u64 = a
                .trim()
                .parse()
                .map_err(|_| bad(format!("start `{a}` is not a non-negative integer")))?;
            let b: u64 = b
                .trim()
                .parse()
                .map_err(|_| bad(format!("end `{b}` is not a non-negative integer")))?;
            if b <= a {
                return Err(bad(format!("end {b} is not after start {a}")));
            }
            if seq.is_empty() {
                return Err(bad("empty sequence name".into()));
            }
            regions.push(Region::new(seq, a, b));
        }
        let d = Domain::new(regions, length);
        if d.is_empty() {
            return Err(Error::EmptyDomain {
                why: format!("`{p}` holds no region inside the known sequences"),
            });
        }
        Ok(d)
    }

    /// Tile every region into bins of `size` bp (the last bin of each
    /// region may be shorter).
    pub fn tile(&self, size: u64) -> Result<Domain, Error> {
        if size == 0 {
            return Err(Error::ZeroBinSize);
        }
        Ok(Domain {
            seqs: self
                .seqs
                .iter()
                .map(|s| DomainSeq {
                    seqid: s.seqid.clone(),
                    regions: s
                        .regions
                        .iter()
                        .flat_map(|&(a, b)| {
                            (0..(b - a).div_ceil(size))
                                .map(move |k| (a + k * size, (a + (k + 1) * size).min(b)))
                        })
                        .collect(),
                })
                .collect(),
        })
    }

    /// The natural domain of a stored track: its type-B bounding regions
    /// with known ends; else the genome's sequences; else the sequences'
    /// lengths; else `None`.
    pub fn of_stored(t: &StoredTrack) -> Option<Domain> {
        let m = t.manifest();
        let brs: Vec<Region> = m
            .regions
            .iter()
            .filter(|r| r.kind == "sequence")
            .filter_map(|r| Some(Region::new(r.seqid.clone()?, r.start, r.end?)))
            .collect();
        if !brs.is_empty() {
            return Some(Domain::new(brs, &|s| t.seq_length(s)));
        }
        if !m.genome_sizes.is_empty() {
            return Some(Domain::whole(&m.genome_sizes));
        }
        let lens: Vec<(String, u64)> = m
            .seqs
            .iter()
            .filter_map(|s| Some((s.seqid.clone(), s.length?)))
            .collect();
        (!lens.is_empty() && lens.len() == m.seqs.len()).then(|| Domain::whole(&lens))
    }

    /// The natural domain of an in-memory track: its type-B bounding
    /// regions with known ends, else `None`.
    pub fn of_track(t: &Track) -> Option<Domain> {
        let brs: Vec<Region> = t
            .regions
            .iter()
            .filter(|r| r.kind == RegionKind::Sequence)
            .filter_map(|r| r.region())
            .collect();
        (!brs.is_empty()).then(|| Domain::new(brs, &|_| None))
    }

    /// The smallest domain holding every element of the given views:
    /// `[0, max end)` per sequence (or the sequence length when known).
    pub fn covering(views: &[&Intervals<'_>]) -> Domain {
        let mut regions = Vec::new();
        for v in views {
            for s in &v.seqs {
                let end = s
                    .length
                    .unwrap_or_else(|| s.ends.iter().copied().max().unwrap_or(0));
                regions.push(Region::new(s.seqid.clone(), 0, end));
            }
        }
        // Union: merge per sequence to the largest end.
        let mut d = Domain::new(regions, &|_| None);
        for s in &mut d.seqs {
            let end = s.regions.iter().map(|r| r.1).max().unwrap_or(0);
            s.regions = vec![(0, end)];
        }
        d
    }

    /// Bases in both domains (bins are cut at the other's borders).
    pub fn intersect(&self, other: &Domain) -> Domain {
        let mut seqs = Vec::new();
        for s in &self.seqs {
            let Some(o) = other.seq(&s.seqid) else {
                continue;
            };
            let regions = intersect_pairs(&s.regions, &o.regions);
            if !regions.is_empty() {
                seqs.push(DomainSeq {
                    seqid: s.seqid.clone(),
                    regions,
                });
            }
        }
        Domain { seqs }
    }

    /// Bins of `self` clipped to `other` (a bin cut by `other` stays one
    /// bin per surviving piece).
    pub fn clip_to(&self, other: &Domain) -> Domain {
        self.intersect(other)
    }

    /// The regions of `seqid`.
    pub fn seq(&self, seqid: &str) -> Option<&DomainSeq> {
        self.seqs.iter().find(|s| s.seqid == seqid)
    }
    /// Number of bins.
    pub fn len(&self) -> usize {
        self.seqs.iter().map(|s| s.regions.len()).sum()
    }
    /// True without bins.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Total length in bp.
    pub fn total_bp(&self) -> u64 {
        self.seqs
            .iter()
            .flat_map(|s| s.regions.iter())
            .map(|r| r.1 - r.0)
            .sum()
    }
    /// Bins in order.
    pub fn bins(&self) -> Vec<Region> {
        self.seqs
            .iter()
            .flat_map(|s| {
                s.regions
                    .iter()
                    .map(move |&(a, b)| Region::new(s.seqid.clone(), a, b))
            })
            .collect()
    }
    /// A one-bin domain.
    pub fn single(region: &Region) -> Domain {
        Domain {
            seqs: vec![DomainSeq {
                seqid: region.seqid.clone(),
                regions: vec![(region.start, region.end)],
            }],
        }
    }
}

// --- Sweeps -----------------------------------------------------------------

/// Union of sorted intervals as disjoint sorted pairs. With `touching`,
/// book-ended intervals (`end == next start`) are merged too (as
/// `bedtools merge`); zero-length intervals are dropped.
pub fn merge(starts: &[u64], ends: &[u64], touching: bool) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (&a, &b) in starts.iter().zip(ends) {
        if b <= a {
            continue;
        }
        match out.last_mut() {
            Some(last) if a < last.1 || (touching && a == last.1) => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Intersection of two disjoint sorted lists of pairs.
pub fn intersect_pairs(x: &[(u64, u64)], y: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        let a = x[i].0.max(y[j].0);
        let b = x[i].1.min(y[j].1);
        if a < b {
            out.push((a, b));
        }
        if x[i].1 < y[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Total length of the intersection of two disjoint sorted lists.
pub fn intersect_len(x: &[(u64, u64)], y: &[(u64, u64)]) -> u64 {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        let a = x[i].0.max(y[j].0);
        let b = x[i].1.min(y[j].1);
        if a < b {
            n += b - a;
        }
        if x[i].1 < y[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    n
}

/// Total length of disjoint pairs.
pub fn total_len(x: &[(u64, u64)]) -> u64 {
    x.iter().map(|r| r.1 - r.0).sum()
}

/// The union of a sequence's elements clipped to domain regions `w`.
pub fn covered_in(s: &SeqIntervals<'_>, w: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let (Some(first), Some(last)) = (w.first(), w.last()) else {
        return Vec::new();
    };
    let (lo, hi) = s.window(first.0, last.1);
    let m = merge(&s.starts[lo..hi], &s.ends[lo..hi], false);
    intersect_pairs(&m, w)
}

/// First index `i ≥ from` with `v[i] >= x` in the sorted `v`, by
/// exponential search from `from` (cheap when the answer is near).
pub fn gallop(v: &[u64], from: usize, x: u64) -> usize {
    let n = v.len();
    if from >= n || v[from] >= x {
        return from.min(n);
    }
    // v[from] < x: find a bound.
    let mut step = 1;
    let mut lo = from; // v[lo] < x
    loop {
        let hi = lo + step;
        if hi >= n {
            return lo + 1 + v[lo + 1..].partition_point(|&y| y < x);
        }
        if v[hi] >= x {
            return lo + 1 + v[lo + 1..hi].partition_point(|&y| y < x);
        }
        lo = hi;
        step *= 2;
    }
}

/// Per element of `a`, the number of elements of `b` overlapping it
/// (`bedtools intersect -c -a A -b B`). Both sorted by start; elements
/// of length zero in `b` never overlap. One forward sweep with galloping
/// searches: `count = #{b.start < a.end} − #{b.end ≤ a.start}`.
pub fn count_overlaps(a: &SeqIntervals<'_>, b: &SeqIntervals<'_>) -> Vec<u64> {
    if let Some(points) = b.ends.implicit_points() {
        return count_points_per_segment(a, points);
    }
    let all_nz = b.starts.iter().zip(b.ends.iter()).all(|(s, e)| e > s);
    let (bstarts, bends): (Cow<'_, [u64]>, Cow<'_, [u64]>) = if all_nz {
        let e: Cow<'_, [u64]> = if b.ends.is_sorted() {
            Cow::Borrowed(&b.ends[..])
        } else {
            let mut e = b.ends.to_vec();
            e.sort_unstable();
            Cow::Owned(e)
        };
        (Cow::Borrowed(&b.starts[..]), e)
    } else {
        let (s, mut e): (Vec<u64>, Vec<u64>) = (0..b.len())
            .filter(|&i| b.ends[i] > b.starts[i])
            .map(|i| (b.starts[i], b.ends[i]))
            .unzip();
        e.sort_unstable();
        (Cow::Owned(s), Cow::Owned(e))
    };
    let mut out = Vec::with_capacity(a.len());
    let mut p1 = 0usize; // #{b.start < a.start} for the current a
    let mut p2 = 0usize; // #{b.end <= a.start}
    for i in 0..a.len() {
        let (s, e) = (a.starts[i], a.ends[i].max(a.starts[i] + 1));
        p1 = gallop(&bstarts, p1, s);
        let n1 = gallop(&bstarts, p1, e);
        p2 = gallop(&bends, p2, s + 1);
        out.push(n1.saturating_sub(p2) as u64);
    }
    out
}

/// Per element `[s, e)` of `a`, the number of points (sorted starts,
/// each covering one base) inside it: `#{p < e} − #{p < s}`, both found
/// by galloping forward (starts of `a` are sorted; an end search starts
/// at its own start's answer). Reads the points' starts only.
pub fn count_points_per_segment(a: &SeqIntervals<'_>, points: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len());
    let mut lo = 0usize;
    for i in 0..a.len() {
        let (s, e) = (a.starts[i], a.ends[i].max(a.starts[i] + 1));
        lo = gallop(points, lo, s);
        let hi = gallop(points, lo, e);
        out.push((hi - lo) as u64);
    }
    out
}

/// Number of points (sorted starts) inside the union `segs` (disjoint,
/// sorted): one forward sweep with galloping searches.
pub fn points_in(points: &[u64], segs: &[(u64, u64)]) -> u64 {
    let mut n = 0u64;
    let mut from = 0usize;
    for &(a, b) in segs {
        let lo = gallop(points, from, a);
        let hi = gallop(points, lo, b);
        n += (hi - lo) as u64;
        from = hi;
        if from == points.len() {
            break;
        }
    }
    n
}

/// Number of points of `p` in the domain regions `w` (starts only).
pub fn points_in_domain(p: &SeqIntervals<'_>, w: &[(u64, u64)]) -> u64 {
    points_in(&p.starts, w)
}

/// Per element of `a`, the number of bases covered by the union of `b`
/// (`bedtools coverage -a A -b B`, column "bases covered").
pub fn covered_bases(a: &SeqIntervals<'_>, b: &SeqIntervals<'_>) -> Vec<u64> {
    let m = merge(&b.starts, &b.ends, false);
    let ends: Vec<u64> = m.iter().map(|r| r.1).collect();
    (0..a.len())
        .map(|i| {
            let (s, e) = (a.starts[i], a.ends[i]);
            let mut k = ends.partition_point(|&x| x <= s);
            let mut n = 0;
            while k < m.len() && m[k].0 < e {
                n += m[k].1.min(e) - m[k].0.max(s);
                k += 1;
            }
            n
        })
        .collect()
}

/// Distance from `[s, e)` to the nearest element of `b` (0 when
/// overlapping; `bedtools closest -d` counts a gap of `g` bases between
/// `[s,e)` and `[s2,e2)` with `e ≤ s2` as `s2 − e + 1`; here it is
/// `s2 − e`, the number of bases strictly between). `None` when `b` has
/// no element in `rows`.
pub fn nearest_distance(
    s: u64,
    e: u64,
    b: &SeqIntervals<'_>,
    rows: (usize, usize),
    maxend_before: &[u64],
) -> Option<u64> {
    let (lo, hi) = rows;
    if lo >= hi {
        return None;
    }
    let starts = &b.starts[lo..hi];
    // First element starting at or after e.
    let k = starts.partition_point(|&x| x < e);
    let mut best: Option<u64> = None;
    if k < starts.len() {
        best = Some(starts[k] - e);
    }
    if k > 0 {
        // Among elements starting before e, the largest end.
        let me = maxend_before[lo + k - 1];
        let d = s.saturating_sub(me);
        best = Some(best.map_or(d, |x| x.min(d)));
    }
    best
}

/// Finds the rows of a sequence that can overlap a window, with nesting
/// handled by a running maximum of ends (built once, only when the ends
/// are not already sorted).
#[derive(Debug)]
pub struct Finder<'s, 'a> {
    /// The sequence.
    pub seq: &'s SeqIntervals<'a>,
    maxend: Option<Vec<u64>>,
}

impl<'s, 'a> Finder<'s, 'a> {
    /// Index `s` (O(n) once when the ends are unsorted).
    pub fn new(seq: &'s SeqIntervals<'a>) -> Self {
        let maxend = (!seq.ends.is_sorted()).then(|| running_max_ends(&seq.ends));
        Finder { seq, maxend }
    }
    /// Rows `[lo, hi)` holding every element that overlaps `[a, b)`
    /// (a few rows in between may not overlap when elements nest).
    pub fn rows(&self, a: u64, b: u64) -> (usize, usize) {
        let hi = self.seq.starts.partition_point(|&x| x < b);
        let lo = match &self.maxend {
            Some(m) => m.partition_point(|&x| x <= a),
            None => self.seq.ends.partition_point(|&x| x <= a),
        };
        (lo.min(hi), hi)
    }
    /// The largest end among rows `0..=i`.
    pub fn max_end_upto(&self, i: usize) -> u64 {
        match &self.maxend {
            Some(m) => m[i],
            None => self.seq.ends[i],
        }
    }
}

/// Running maximum of ends (for nearest-element queries with nesting).
pub fn running_max_ends(ends: &[u64]) -> Vec<u64> {
    let mut m = 0;
    ends.iter()
        .map(|&e| {
            m = m.max(e);
            m
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(p: &[(u64, u64)]) -> SeqIntervals<'static> {
        SeqIntervals {
            seqid: "c".into(),
            length: None,
            starts: Cow::Owned(p.iter().map(|x| x.0).collect()),
            ends: Ends::owned(p.iter().map(|x| x.1).collect()),
            values: None,
        }
    }

    #[test]
    fn merge_and_intersect() {
        let s = seq(&[(0, 5), (3, 8), (8, 10), (12, 12), (20, 30)]);
        assert_eq!(
            merge(&s.starts, &s.ends, false),
            [(0, 8), (8, 10), (20, 30)]
        );
        assert_eq!(merge(&s.starts, &s.ends, true), [(0, 10), (20, 30)]);
        assert_eq!(
            intersect_pairs(&[(0, 10), (20, 30)], &[(5, 25)]),
            [(5, 10), (20, 25)]
        );
        assert_eq!(intersect_len(&[(0, 10), (20, 30)], &[(5, 25)]), 10);
    }

    #[test]
    fn window_with_nesting() {
        let s = seq(&[(0, 100), (10, 20), (30, 40), (50, 60)]);
        assert_eq!(s.window(45, 55), (0, 4));
        let s = seq(&[(0, 10), (10, 20), (30, 40), (50, 60)]);
        assert_eq!(s.window(45, 55), (3, 4));
        assert_eq!(s.window(35, 36), (2, 3));
    }

    #[test]
    fn counts_and_coverage() {
        let a = seq(&[(0, 10), (5, 15), (20, 30)]);
        let b = seq(&[(0, 100), (9, 10), (10, 11), (29, 30), (30, 31)]);
        assert_eq!(count_overlaps(&a, &b), [2, 3, 2]);
        assert_eq!(covered_bases(&a, &b), [10, 10, 10]);
        assert_eq!(points_in(&[1, 5, 9, 10, 25], &[(5, 10), (20, 30)]), 3);
    }

    #[test]
    fn domain_merges_clips_and_tiles() {
        let d = Domain::new(
            [
                Region::new("a", 50, 150),
                Region::new("a", 0, 60),
                Region::new("a", 150, 160),
                Region::new("b", 0, 10),
                Region::new("a", 500, 600),
            ],
            &|s| (s == "a").then_some(200),
        );
        assert_eq!(d.seqs[0].regions, [(0, 150), (150, 160)]);
        assert_eq!(d.seqs[1].regions, [(0, 10)]);
        assert_eq!(d.total_bp(), 170);
        let t = d.tile(100).unwrap();
        assert_eq!(t.seqs[0].regions, [(0, 100), (100, 150), (150, 160)]);
        assert!(d.tile(0).is_err());
        let i = d.intersect(&Domain::new([Region::new("a", 140, 155)], &|_| None));
        assert_eq!(
            i.bins(),
            [Region::new("a", 140, 150), Region::new("a", 150, 155)]
        );
    }

    #[test]
    fn bins_file_errors_name_file_line_and_rule() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bins.bed");
        std::fs::write(&p, "# c\nchr1\t0\t10\nchr1\t20\tx\n").unwrap();
        let e = Domain::from_bed(&p, &|_| None).unwrap_err().to_string();
        assert!(
            e.contains("bins.bed:3:") && e.contains("[bins-parse]"),
            "{e}"
        );
        std::fs::write(&p, "chr1\t20\t10\n").unwrap();
        let e = Domain::from_bed(&p, &|_| None).unwrap_err().to_string();
        assert!(e.contains("bins.bed:1:") && e.contains("not after"), "{e}");
        std::fs::write(&p, "chr1 20 30\n").unwrap();
        let e = Domain::from_bed(&p, &|_| None).unwrap_err().to_string();
        assert!(e.contains("bins.bed:1:") && e.contains("3 tab"), "{e}");
        std::fs::write(&p, "chr9\t0\t10\n").unwrap();
        let e = Domain::from_bed(&p, &|_| Some(0)).unwrap_err().to_string();
        assert!(e.contains("[domain-empty]"), "{e}");
        let e = Domain::from_bed(&dir.path().join("nope.bed"), &|_| None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("[bins-io]"), "{e}");
        std::fs::write(&p, "track name=x\nchr1\t0\t10\nchr1\t5\t20\n").unwrap();
        let d = Domain::from_bed(&p, &|_| None).unwrap();
        assert_eq!(d.bins(), [Region::new("chr1", 0, 20)]);
    }
}
