//! Null models (randomisations) of a track, per bounding region ("bin").
//!
//! Every model works bin by bin: elements are first restricted to the
//! [`Domain`] (elements crossing a bin border are **clipped** to the bin, as
//! the reference's track views crop elements at the bin border; an element
//! spanning several bins contributes one clipped piece to each), then each
//! bin is randomised on its own, so every element stays inside its bin.
//! Elements outside every bin are not part of the analysis and are dropped.
//!
//! | model | preserves | algorithm |
//! |---|---|---|
//! | [`NullModel::PermuteSegmentsAndGaps`] | multiset of (clipped) lengths and of the n+1 gaps, count | permute both, rebuild by cumulative sum |
//! | [`NullModel::PermuteSegmentsSampleGaps`] | multiset of lengths, count, covered bp | uniform random composition of the free space into n+1 gaps |
//! | [`NullModel::ShuffleValues`] | positions, multiset of values | permute values within the bin |
//! | [`NullModel::UniformPoints`] | point count | n distinct positions uniformly in the bin |
//! | [`NullModel::IntensityPoints`] | point count | positions drawn with weight = intensity value, duplicates rejected (≤ 200 tries per point) |
//!
//! Each randomised element carries its payload: [`Randomized::source`] maps
//! every output element to the index (within its sequence of the input
//! track) of the element whose value, strand, id, … it carries, so callers
//! can carry any extra column along. Values are carried by this module.
//!
//! [`Randomizer`] prepares a track once (validation, per-bin lengths and
//! gaps) and then draws samples into reused buffers ([`Randomizer::sample_into`]);
//! [`NullModel::randomize`] is the one-shot convenience.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use gtrack_core::TrackType;
use rand::seq::SliceRandom;
use rand::{Rng, RngExt};

use gtrack_core::Region;

use crate::intervals::{Domain, Ends, Intervals, SeqIntervals};

/// How many times a duplicate position is redrawn per point before the
/// intensity model gives up (the reference's limit).
pub const MAX_INTENSITY_TRIES: u32 = 200;

/// Checks that no bin extends past the end of its sequence in `t`
/// (when the length is known).
fn check_within(domain: &Domain, t: &Intervals<'_>) -> Result<(), NullError> {
    for d in &domain.seqs {
        let Some(len) = t.seq(&d.seqid).and_then(|s| s.length) else {
            continue;
        };
        if let Some(&(a, b)) = d.regions.iter().find(|r| r.1 > len) {
            return Err(NullError::BinOutsideSequence {
                bin: Region::new(d.seqid.clone(), a, b),
                length: len,
            });
        }
    }
    Ok(())
}

/// Error of a null model: what, where, why and how to fix, with a stable
/// rule id ([`NullError::rule`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NullError {
    /// A bin ends past its sequence.
    #[error("[bin-outside-sequence] bin {}:{}-{} ends past the end of {} (length {length}); clip the bin to the sequence", bin.seqid, bin.start, bin.end, bin.seqid)]
    BinOutsideSequence {
        /// The bin.
        bin: Region,
        /// Sequence length.
        length: u64,
    },
    /// A position-randomising model got a dense track.
    #[error("[dense-track] null model {model} moves elements, but the track is of type {track_type}, which covers the whole domain; randomise the other track or use shuffle-values")]
    DenseTrack {
        /// Model name.
        model: &'static str,
        /// Track type.
        track_type: TrackType,
    },
    /// Overlapping elements where the model needs disjoint ones.
    #[error("[overlapping-elements] null model {model}: elements {seqid}:{first_start}-{first_end} and {seqid}:{second_start}-{second_end} overlap (in bin {}:{}-{}); lengths and gaps are only defined for non-overlapping elements — merge the track first", bin.seqid, bin.start, bin.end)]
    OverlappingElements {
        /// Model name.
        model: &'static str,
        /// Sequence id.
        seqid: String,
        /// The bin.
        bin: Region,
        /// First element start (clipped).
        first_start: u64,
        /// First element end (clipped).
        first_end: u64,
        /// Second element start (clipped).
        second_start: u64,
        /// Second element end (clipped).
        second_end: u64,
    },
    /// A model needs values and the track has none.
    #[error("[no-values] {what} has no values (type {track_type}); {model} needs a valued track")]
    NoValues {
        /// Which track ("the randomised track", "the intensity track").
        what: &'static str,
        /// Model name.
        model: &'static str,
        /// Track type.
        track_type: TrackType,
    },
    /// A points-only model got elements with lengths.
    #[error("[not-points] null model {model} places points, but the track is of type {track_type}; use permute-segments-and-gaps or permute-segments-sample-gaps for segments")]
    NotPoints {
        /// Model name.
        model: &'static str,
        /// Track type.
        track_type: TrackType,
    },
    /// More points than available positions in a bin.
    #[error("[too-many-points] bin {}:{}-{} holds {points} points but only {positions} distinct positions are available to {model}; use larger bins", bin.seqid, bin.start, bin.end)]
    TooManyPoints {
        /// Model name.
        model: &'static str,
        /// The bin.
        bin: Region,
        /// Points in the bin.
        points: usize,
        /// Available positions.
        positions: u64,
    },
    /// A negative intensity value.
    #[error("[negative-intensity] intensity value {value} at {seqid}:{start}-{end} is negative; intensities are sampling weights and must be >= 0")]
    NegativeIntensity {
        /// Sequence id.
        seqid: String,
        /// Element start.
        start: u64,
        /// Element end.
        end: u64,
        /// The value.
        value: f64,
    },
    /// A bin with points but no positive intensity.
    #[error("[zero-intensity] bin {}:{}-{} holds {points} points but the intensity track has no positive weight there; points cannot be placed — give an intensity covering the bin", bin.seqid, bin.start, bin.end)]
    ZeroIntensity {
        /// The bin.
        bin: Region,
        /// Points in the bin.
        points: usize,
    },
    /// Duplicate rejection failed too often.
    #[error("[intensity-rejections] bin {}:{}-{}: could not find a free position for a point after {tries} draws (the intensity is concentrated on too few positions); use a smoother intensity or larger bins", bin.seqid, bin.start, bin.end)]
    IntensityRejections {
        /// The bin.
        bin: Region,
        /// Draws made.
        tries: u32,
    },
    /// A model that does not fit the randomised track's type.
    #[error("[model-does-not-fit] null model {model} does not fit track {track} (type {track_type}): {why}; models that fit {track_type}: {}", fitting.join(", "))]
    ModelDoesNotFit {
        /// Model name.
        model: String,
        /// 1 or 2.
        track: u8,
        /// Track type.
        track_type: TrackType,
        /// Why not.
        why: &'static str,
        /// The models that fit this type.
        fitting: Vec<&'static str>,
    },
    /// A model name that names no model.
    #[error("[unknown-model] unknown null model '{name}'; known: {}", NullModel::NAMES.join(", "))]
    UnknownModel {
        /// The name given.
        name: String,
    },
}

impl NullError {
    /// Every rule id.
    pub const RULES: &'static [&'static str] = &[
        "bin-outside-sequence",
        "dense-track",
        "overlapping-elements",
        "no-values",
        "not-points",
        "too-many-points",
        "negative-intensity",
        "zero-intensity",
        "intensity-rejections",
        "model-does-not-fit",
        "unknown-model",
    ];

    /// The stable rule id.
    pub fn rule(&self) -> &'static str {
        match self {
            NullError::BinOutsideSequence { .. } => "bin-outside-sequence",
            NullError::DenseTrack { .. } => "dense-track",
            NullError::OverlappingElements { .. } => "overlapping-elements",
            NullError::NoValues { .. } => "no-values",
            NullError::NotPoints { .. } => "not-points",
            NullError::TooManyPoints { .. } => "too-many-points",
            NullError::NegativeIntensity { .. } => "negative-intensity",
            NullError::ZeroIntensity { .. } => "zero-intensity",
            NullError::IntensityRejections { .. } => "intensity-rejections",
            NullError::ModelDoesNotFit { .. } => "model-does-not-fit",
            NullError::UnknownModel { .. } => "unknown-model",
        }
    }
}

/// A null model: how a track is randomised inside each bin.
#[derive(Debug, Clone, PartialEq)]
pub enum NullModel {
    /// Preserve segment lengths and gap lengths: both multisets are
    /// permuted independently and positions rebuilt gap, segment, gap, …
    /// (reference `PermutedSegsAndIntersegsTrack`).
    PermuteSegmentsAndGaps,
    /// Preserve segment lengths (permuted); the n+1 gaps are a uniform
    /// random composition of the free space (reference
    /// `PermutedSegsAndSampledIntersegsTrack`).
    PermuteSegmentsSampleGaps,
    /// Keep positions, shuffle values within each bin (reference
    /// `ShuffledMarksTrack`).
    ShuffleValues,
    /// Points only: the same number of distinct points per bin, placed
    /// uniformly.
    UniformPoints,
    /// Points only: positions drawn with probability proportional to the
    /// intensity track's value at each base (function or step function,
    /// or any valued intervals: value = weight per bp); duplicates are
    /// redrawn (at most [`MAX_INTENSITY_TRIES`] times per point).
    IntensityPoints(Arc<Intervals<'static>>),
}

impl NullModel {
    /// The names accepted by [`NullModel::parse`] (the intensity model needs
    /// its intensity track, so it is built with [`NullModel::intensity`]).
    pub const NAMES: &'static [&'static str] = &[
        "permute-segments-and-gaps",
        "permute-segments-sample-gaps",
        "shuffle-values",
        "uniform-points",
        "intensity-points",
    ];

    /// Why model `name` cannot randomise a track of type `tt`, or `None`
    /// when it fits: models that move elements need a sparse track; the
    /// point models need points (no lengths); `shuffle-values` needs
    /// values; the segment models take points as segments of length 1.
    pub fn misfit(name: &str, tt: TrackType) -> Option<&'static str> {
        match name {
            "permute-segments-and-gaps" | "permute-segments-sample-gaps" if tt.is_dense() => {
                Some("it moves elements, and the track covers the whole domain")
            }
            "uniform-points" | "intensity-points" if tt.is_dense() || tt.has_lengths() => {
                Some("it places points, and the track's elements have lengths")
            }
            "shuffle-values" if !tt.is_valued() => {
                Some("it shuffles values, and the track has none")
            }
            _ => None,
        }
    }

    /// The model names that fit a track of type `tt` (see [`NullModel::misfit`]).
    pub fn fitting(tt: TrackType) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .copied()
            .filter(|n| Self::misfit(n, tt).is_none())
            .collect()
    }

    /// `Ok` when the model fits track `track` (1 or 2) of type `tt`, else
    /// `[model-does-not-fit]` listing the models that do.
    pub fn check_fits(name: &str, track: u8, tt: TrackType) -> Result<(), NullError> {
        match Self::misfit(name, tt) {
            None => Ok(()),
            Some(why) => Err(NullError::ModelDoesNotFit {
                model: name.to_string(),
                track,
                track_type: tt,
                why,
                fitting: Self::fitting(tt),
            }),
        }
    }

    /// The model's kebab-case name.
    pub fn name(&self) -> &'static str {
        match self {
            NullModel::PermuteSegmentsAndGaps => "permute-segments-and-gaps",
            NullModel::PermuteSegmentsSampleGaps => "permute-segments-sample-gaps",
            NullModel::ShuffleValues => "shuffle-values",
            NullModel::UniformPoints => "uniform-points",
            NullModel::IntensityPoints(_) => "intensity-points",
        }
    }

    /// Parses a model name; `intensity-points` needs `intensity`
    /// (otherwise it is refused as unknown).
    pub fn parse(
        name: &str,
        intensity: Option<Arc<Intervals<'static>>>,
    ) -> Result<Self, NullError> {
        Ok(match name {
            "permute-segments-and-gaps" => NullModel::PermuteSegmentsAndGaps,
            "permute-segments-sample-gaps" => NullModel::PermuteSegmentsSampleGaps,
            "shuffle-values" => NullModel::ShuffleValues,
            "uniform-points" => NullModel::UniformPoints,
            "intensity-points" if intensity.is_some() => NullModel::IntensityPoints(
                intensity.unwrap_or_else(|| Arc::new(empty_like(TrackType::Function))),
            ),
            _ => {
                return Err(NullError::UnknownModel {
                    name: name.to_string(),
                })
            }
        })
    }

    /// The intensity model with an owned copy of `intensity`.
    pub fn intensity(intensity: &Intervals<'_>) -> Self {
        NullModel::IntensityPoints(Arc::new(to_owned_intervals(intensity)))
    }

    /// What the model preserves, in words (for reports).
    pub fn preserves(&self) -> &'static str {
        match self {
            NullModel::PermuteSegmentsAndGaps => "segment lengths and gap lengths per bin",
            NullModel::PermuteSegmentsSampleGaps => {
                "segment lengths per bin (gaps uniformly sampled)"
            }
            NullModel::ShuffleValues => "positions; values shuffled per bin",
            NullModel::UniformPoints => "point counts per bin (uniform positions)",
            NullModel::IntensityPoints(_) => "point counts per bin (positions by intensity)",
        }
    }

    /// Randomises `t` inside `domain` (one-shot; see [`Randomizer`] to
    /// draw many samples).
    pub fn randomize<R: Rng + ?Sized>(
        &self,
        t: &Intervals<'_>,
        domain: &Domain,
        rng: &mut R,
    ) -> Result<Randomized, NullError> {
        let r = Randomizer::new(self, t, domain)?;
        let mut out = r.new_sample();
        r.sample_into(rng, &mut out)?;
        Ok(out)
    }
}

/// A randomised track plus, for every element, the index of the input
/// element whose payload it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Randomized {
    /// The randomised elements (same sequences, in the same order, as the
    /// input track; sorted by start within each sequence).
    pub intervals: Intervals<'static>,
    /// `source[s][i]` = index, in sequence `s` of the input track, of the
    /// element whose payload (value, strand, id, …) element `i` carries.
    /// For [`NullModel::ShuffleValues`] positions stay and `source` tells
    /// where the (shuffled) value came from.
    pub source: Vec<Vec<u32>>,
}

/// One bin's prepared elements.
#[derive(Debug, Clone)]
struct BinPlan {
    bin: Region,
    /// Input element indices (within the sequence), in clipped (start, end) order.
    elems: Vec<u32>,
    /// Clipped starts / ends, parallel to `elems`.
    starts: Vec<u64>,
    ends: Vec<u64>,
    /// Lengths of the clipped elements, parallel to `elems`.
    lens: Vec<u64>,
    /// The n+1 gaps (permute model).
    gaps: Vec<u64>,
    /// (length, element) pairs (permute model).
    pairs: Vec<(u64, u32)>,
    /// Lengths and gaps as `u32` (permute model, bins below 4 Gbp): the
    /// compact input of [`Randomizer::sample_positions`].
    lens32: Vec<u32>,
    gaps32: Vec<u32>,
    /// Sum of lengths.
    covered: u64,
    /// Intensity pieces inside the bin: starts, ends, cumulative weights.
    int_starts: Vec<u64>,
    int_ends: Vec<u64>,
    int_cum: Vec<f64>,
}

#[derive(Debug, Clone)]
struct SeqPlan {
    seqid: String,
    length: Option<u64>,
    bins: Vec<BinPlan>,
    /// Values of the input sequence (owned copy), if valued.
    values: Option<Vec<f64>>,
    /// Total elements over the bins.
    total: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    PermuteGaps,
    SampleGaps,
    ShuffleValues,
    Uniform,
    Intensity,
}

/// Per-call scratch buffers (reused across samples).
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    perm: Vec<u32>,
    pairs: Vec<(u64, u32)>,
    gaps: Vec<u64>,
    picks: Vec<u64>,
    tmp: Vec<u64>,
    seen: HashSet<u64>,
    l32: Vec<u32>,
    g32: Vec<u32>,
    buf: Option<Randomized>,
}

/// A track prepared for repeated randomisation under one model.
#[derive(Debug, Clone)]
pub struct Randomizer {
    kind: Kind,
    model: &'static str,
    track_type: TrackType,
    seqs: Vec<SeqPlan>,
}

impl Randomizer {
    /// Validates `t` for `model` and prepares per-bin lengths, gaps and
    /// intensities.
    pub fn new(model: &NullModel, t: &Intervals<'_>, domain: &Domain) -> Result<Self, NullError> {
        check_within(domain, t)?;
        let name = model.name();
        let tt = t.track_type;
        let kind = match model {
            NullModel::PermuteSegmentsAndGaps => Kind::PermuteGaps,
            NullModel::PermuteSegmentsSampleGaps => Kind::SampleGaps,
            NullModel::ShuffleValues => Kind::ShuffleValues,
            NullModel::UniformPoints => Kind::Uniform,
            NullModel::IntensityPoints(_) => Kind::Intensity,
        };
        if kind != Kind::ShuffleValues && tt.is_dense() {
            return Err(NullError::DenseTrack {
                model: name,
                track_type: tt,
            });
        }
        if matches!(kind, Kind::Uniform | Kind::Intensity) && tt.has_lengths() {
            return Err(NullError::NotPoints {
                model: name,
                track_type: tt,
            });
        }
        if kind == Kind::ShuffleValues && !tt.is_valued() {
            return Err(NullError::NoValues {
                what: "the randomised track",
                model: name,
                track_type: tt,
            });
        }
        let intensity = match model {
            NullModel::IntensityPoints(i) => {
                if !i.track_type.is_valued() || i.seqs.iter().any(|s| s.values.is_none()) {
                    return Err(NullError::NoValues {
                        what: "the intensity track",
                        model: name,
                        track_type: i.track_type,
                    });
                }
                Some(i.as_ref())
            }
            _ => None,
        };
        let mut seqs = Vec::with_capacity(t.seqs.len());
        for s in &t.seqs {
            let mut plans = empty_plans(domain, &s.seqid);
            assign_to_bins(&s.starts, &s.ends, &mut plans, |p, i, cs, ce| {
                p.elems.push(i as u32);
                p.starts.push(cs);
                p.ends.push(ce);
            });
            let mut total = 0;
            for p in &mut plans {
                finish_plan(p, kind, name, &s.seqid)?;
                total += p.elems.len();
            }
            if let Some(int) = intensity {
                prepare_intensity(int, &s.seqid, &mut plans)?;
            }
            seqs.push(SeqPlan {
                seqid: s.seqid.clone(),
                length: s.length,
                bins: plans,
                values: s.values.as_ref().map(|v| {
                    let mut v = v.to_vec();
                    if v.len() < s.starts.len() {
                        v.resize(s.starts.len(), f64::NAN);
                    }
                    v
                }),
                total,
            });
        }
        Ok(Randomizer {
            kind,
            model: name,
            track_type: tt,
            seqs,
        })
    }

    /// The model name.
    pub fn model_name(&self) -> &'static str {
        self.model
    }

    /// Number of elements inside the domain (after clipping).
    pub fn element_count(&self) -> usize {
        self.seqs.iter().map(|s| s.total).sum()
    }

    /// The input track restricted to the domain (clipped), in the same
    /// layout as the samples: compute the observed statistic on this.
    pub fn observed(&self) -> Randomized {
        let mut out = self.new_sample();
        for (si, sp) in self.seqs.iter().enumerate() {
            let seq = &mut out.intervals.seqs[si];
            let src = &mut out.source[si];
            let (starts, ends) = (seq.starts.to_mut(), seq.ends.to_mut());
            let mut values = seq.values.as_mut().map(|v| v.to_mut());
            for p in &sp.bins {
                for j in 0..p.elems.len() {
                    starts.push(p.starts[j]);
                    ends.push(p.ends[j]);
                    src.push(p.elems[j]);
                    if let (Some(v), Some(vals)) = (values.as_mut(), sp.values.as_ref()) {
                        v.push(vals[p.elems[j] as usize]);
                    }
                }
            }
        }
        out
    }

    /// Empty output buffers shaped like the track.
    pub fn new_sample(&self) -> Randomized {
        let seqs = self
            .seqs
            .iter()
            .map(|s| SeqIntervals {
                seqid: s.seqid.clone(),
                length: s.length,
                starts: Cow::Owned(Vec::with_capacity(s.total)),
                ends: Ends::owned(Vec::with_capacity(s.total)),
                values: s
                    .values
                    .as_ref()
                    .map(|_| Cow::Owned(Vec::with_capacity(s.total))),
            })
            .collect();
        Randomized {
            intervals: Intervals {
                track_type: self.track_type,
                seqs,
            },
            source: self
                .seqs
                .iter()
                .map(|s| Vec::with_capacity(s.total))
                .collect(),
        }
    }

    /// Draws one randomisation into `out` (a buffer from
    /// [`Randomizer::new_sample`] or an earlier call), reusing its memory.
    pub fn sample_into<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        out: &mut Randomized,
    ) -> Result<(), NullError> {
        let mut scratch = Scratch::default();
        self.sample_with(rng, out, &mut scratch)
    }

    /// As [`Randomizer::sample_into`], with caller-owned scratch buffers
    /// (no allocation once the buffers have grown).
    pub fn sample_with<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        out: &mut Randomized,
        sc: &mut Scratch,
    ) -> Result<(), NullError> {
        if out.intervals.seqs.len() != self.seqs.len() || out.source.len() != self.seqs.len() {
            *out = self.new_sample();
        }
        for (si, sp) in self.seqs.iter().enumerate() {
            let seq = &mut out.intervals.seqs[si];
            let src = &mut out.source[si];
            if seq.values.is_some() != sp.values.is_some() {
                seq.values = sp.values.as_ref().map(|_| Cow::Owned(Vec::new()));
            }
            let starts = seq.starts.to_mut();
            let ends = seq.ends.to_mut();
            starts.clear();
            ends.clear();
            src.clear();
            let mut values = seq.values.as_mut().map(|v| v.to_mut());
            if let Some(v) = values.as_mut() {
                v.clear();
            }
            for p in &sp.bins {
                let n = p.elems.len();
                if n == 0 {
                    continue;
                }
                if self.kind != Kind::PermuteGaps {
                    sc.perm.clear();
                    sc.perm.extend(0..n as u32);
                }
                match self.kind {
                    Kind::PermuteGaps => {
                        // Shuffle (length, element) pairs together so the
                        // rebuild reads sequentially.
                        sc.pairs.clear();
                        sc.pairs.extend_from_slice(&p.pairs);
                        sc.pairs.shuffle(rng);
                        sc.gaps.clear();
                        sc.gaps.extend_from_slice(&p.gaps);
                        sc.gaps.shuffle(rng);
                        let mut pos = p.bin.start;
                        starts.reserve(n);
                        ends.reserve(n);
                        src.reserve(n);
                        for (&(len, e), &g) in sc.pairs.iter().zip(sc.gaps.iter()) {
                            pos += g;
                            starts.push(pos);
                            pos += len;
                            ends.push(pos);
                            src.push(e);
                        }
                    }
                    Kind::SampleGaps => {
                        sc.perm.shuffle(rng);
                        let free = p.bin.len() - p.covered;
                        // Stars and bars: n bars among free + n slots.
                        sample_subset(rng, free + n as u64, n as u64, &mut sc.picks, &mut sc.tmp);
                        let mut used = 0u64;
                        for (j, &k) in sc.perm.iter().enumerate() {
                            let s = p.bin.start + (sc.picks[j] - j as u64) + used;
                            used += p.lens[k as usize];
                            starts.push(s);
                            ends.push(s + p.lens[k as usize]);
                            src.push(p.elems[k as usize]);
                        }
                    }
                    Kind::ShuffleValues => {
                        sc.perm.shuffle(rng);
                        starts.extend_from_slice(&p.starts);
                        ends.extend_from_slice(&p.ends);
                        src.extend(sc.perm.iter().map(|&k| p.elems[k as usize]));
                    }
                    Kind::Uniform => {
                        sc.perm.shuffle(rng);
                        sample_subset(rng, p.bin.len(), n as u64, &mut sc.picks, &mut sc.tmp);
                        for (j, &k) in sc.perm.iter().enumerate() {
                            starts.push(p.bin.start + sc.picks[j]);
                            ends.push(p.bin.start + sc.picks[j] + 1);
                            src.push(p.elems[k as usize]);
                        }
                    }
                    Kind::Intensity => {
                        sc.perm.shuffle(rng);
                        sample_intensity(rng, p, n, sc)?;
                        for (j, &k) in sc.perm.iter().enumerate() {
                            starts.push(sc.picks[j]);
                            ends.push(sc.picks[j] + 1);
                            src.push(p.elems[k as usize]);
                        }
                    }
                }
            }
            if let (Some(v), Some(vals)) = (values.as_mut(), sp.values.as_ref()) {
                v.extend(src.iter().map(|&i| vals[i as usize]));
            }
        }
        Ok(())
    }

    /// Draws one randomisation exactly as [`Randomizer::sample_with`]
    /// would (same RNG draws, same positions) but, instead of building the
    /// track, calls `f(sequence index, start, end)` for every element, in
    /// order (sorted by start within each sequence). For the
    /// permute-segments-and-gaps model this shuffles compact `u32` lengths
    /// and gaps and writes nothing: the fast path of Monte Carlo tests
    /// whose statistic is a sum over T1's elements.
    pub fn sample_positions<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        sc: &mut Scratch,
        mut f: impl FnMut(usize, u64, u64),
    ) -> Result<(), NullError> {
        let compact = self.kind == Kind::PermuteGaps
            && self
                .seqs
                .iter()
                .flat_map(|s| s.bins.iter())
                .all(|p| p.elems.is_empty() || p.lens32.len() == p.elems.len());
        if !compact {
            let mut buf = sc.buf.take().unwrap_or_else(|| self.new_sample());
            let r = self.sample_with(rng, &mut buf, sc);
            if r.is_ok() {
                for (si, s) in buf.intervals.seqs.iter().enumerate() {
                    for (&a, &b) in s.starts.iter().zip(s.ends.iter()) {
                        f(si, a, b);
                    }
                }
            }
            sc.buf = Some(buf);
            return r;
        }
        for (si, sp) in self.seqs.iter().enumerate() {
            for p in &sp.bins {
                if p.elems.is_empty() {
                    continue;
                }
                sc.l32.clear();
                sc.l32.extend_from_slice(&p.lens32);
                sc.l32.shuffle(rng);
                sc.g32.clear();
                sc.g32.extend_from_slice(&p.gaps32);
                sc.g32.shuffle(rng);
                let mut pos = p.bin.start;
                for (&len, &g) in sc.l32.iter().zip(sc.g32.iter()) {
                    pos += u64::from(g);
                    let s = pos;
                    pos += u64::from(len);
                    f(si, s, pos);
                }
            }
        }
        Ok(())
    }

    /// The sequence ids of the prepared track, in the order of the
    /// sequence indices of [`Randomizer::sample_positions`].
    pub fn seqids(&self) -> Vec<&str> {
        self.seqs.iter().map(|s| s.seqid.as_str()).collect()
    }

    /// One fresh randomisation.
    pub fn randomize<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<Randomized, NullError> {
        let mut out = self.new_sample();
        self.sample_into(rng, &mut out)?;
        Ok(out)
    }
}

/// `t` restricted to `domain`: elements clipped to the bins they overlap,
/// elements outside every bin dropped (the observed counterpart of a
/// randomised track).
pub fn restrict(t: &Intervals<'_>, domain: &Domain) -> Intervals<'static> {
    let seqs = t
        .seqs
        .iter()
        .map(|s| {
            let mut bins = empty_plans(domain, &s.seqid);
            assign_to_bins(&s.starts, &s.ends, &mut bins, |p, i, cs, ce| {
                p.elems.push(i as u32);
                p.starts.push(cs);
                p.ends.push(ce);
            });
            let mut all: Vec<(u64, u64, u32)> = Vec::new();
            for p in &bins {
                let from = all.len();
                all.extend((0..p.elems.len()).map(|j| (p.starts[j], p.ends[j], p.elems[j])));
                all[from..].sort_unstable();
            }
            SeqIntervals {
                seqid: s.seqid.clone(),
                length: s.length,
                starts: Cow::Owned(all.iter().map(|x| x.0).collect()),
                ends: Ends::owned(all.iter().map(|x| x.1).collect()),
                values: s.values.as_ref().map(|v| {
                    Cow::Owned(
                        all.iter()
                            .map(|x| v.get(x.2 as usize).copied().unwrap_or(f64::NAN))
                            .collect(),
                    )
                }),
            }
        })
        .collect();
    Intervals {
        track_type: t.track_type,
        seqs,
    }
}

fn empty_plans(domain: &Domain, seqid: &str) -> Vec<BinPlan> {
    domain
        .seq(seqid)
        .map_or(&[][..], |d| &d.regions[..])
        .iter()
        .map(|&(a, b)| BinPlan {
            bin: Region::new(seqid, a, b),
            elems: Vec::new(),
            starts: Vec::new(),
            ends: Vec::new(),
            lens: Vec::new(),
            gaps: Vec::new(),
            pairs: Vec::new(),
            lens32: Vec::new(),
            gaps32: Vec::new(),
            covered: 0,
            int_starts: Vec::new(),
            int_ends: Vec::new(),
            int_cum: Vec::new(),
        })
        .collect()
}

/// An owned (`'static`) copy of `t`.
pub fn to_owned_intervals(t: &Intervals<'_>) -> Intervals<'static> {
    Intervals {
        track_type: t.track_type,
        seqs: t
            .seqs
            .iter()
            .map(|s| SeqIntervals {
                seqid: s.seqid.clone(),
                length: s.length,
                starts: Cow::Owned(s.starts.to_vec()),
                ends: Ends::owned(s.ends.to_vec()),
                values: s.values.as_ref().map(|v| Cow::Owned(v.to_vec())),
            })
            .collect(),
    }
}

fn empty_like(tt: TrackType) -> Intervals<'static> {
    Intervals {
        track_type: tt,
        seqs: Vec::new(),
    }
}

/// Calls `f(plan, element index, clipped start, clipped end)` for every
/// piece of every element overlapping a bin (`bins` sorted, disjoint).
/// A zero-length element belongs to the bin containing its position.
fn assign_to_bins(
    starts: &[u64],
    ends: &[u64],
    bins: &mut [BinPlan],
    mut f: impl FnMut(&mut BinPlan, usize, u64, u64),
) {
    if bins.is_empty() {
        return;
    }
    let n = starts.len().min(ends.len());
    for i in 0..n {
        let (s, e) = (starts[i], ends[i].max(starts[i]));
        let probe_end = e.max(s + 1);
        // First bin whose end is past s.
        let mut b = bins.partition_point(|p| p.bin.end <= s);
        while b < bins.len() && bins[b].bin.start < probe_end {
            let p = &mut bins[b];
            let cs = s.max(p.bin.start);
            let ce = e.min(p.bin.end).max(cs);
            f(p, i, cs, ce);
            b += 1;
        }
    }
}

fn finish_plan(
    p: &mut BinPlan,
    kind: Kind,
    model: &'static str,
    seqid: &str,
) -> Result<(), NullError> {
    // Sort pieces by (start, end) (clipping may break the end tie-break).
    let n = p.elems.len();
    let sorted = (1..n).all(|j| (p.starts[j - 1], p.ends[j - 1]) <= (p.starts[j], p.ends[j]));
    if !sorted {
        let mut idx: Vec<usize> = (0..n).collect();
        idx.sort_by_key(|&j| (p.starts[j], p.ends[j], p.elems[j]));
        p.elems = idx.iter().map(|&j| p.elems[j]).collect();
        p.starts = idx.iter().map(|&j| p.starts[j]).collect();
        p.ends = idx.iter().map(|&j| p.ends[j]).collect();
    }
    p.lens = (0..n).map(|j| p.ends[j] - p.starts[j]).collect();
    p.covered = p.lens.iter().sum();
    if matches!(kind, Kind::PermuteGaps | Kind::SampleGaps) {
        for j in 1..n {
            if p.starts[j] < p.ends[j - 1] {
                return Err(NullError::OverlappingElements {
                    model,
                    seqid: seqid.to_string(),
                    bin: p.bin.clone(),
                    first_start: p.starts[j - 1],
                    first_end: p.ends[j - 1],
                    second_start: p.starts[j],
                    second_end: p.ends[j],
                });
            }
        }
    }
    if kind == Kind::PermuteGaps && n > 0 {
        p.gaps.reserve(n + 1);
        p.gaps.push(p.starts[0] - p.bin.start);
        for j in 1..n {
            p.gaps.push(p.starts[j] - p.ends[j - 1]);
        }
        p.gaps.push(p.bin.end - p.ends[n - 1]);
        p.pairs = p
            .lens
            .iter()
            .copied()
            .zip(p.elems.iter().copied())
            .collect();
        if p.bin.len() <= u64::from(u32::MAX) {
            p.lens32 = p.lens.iter().map(|&x| x as u32).collect();
            p.gaps32 = p.gaps.iter().map(|&x| x as u32).collect();
        }
    }
    if kind == Kind::Uniform && n as u64 > p.bin.len() {
        return Err(NullError::TooManyPoints {
            model,
            bin: p.bin.clone(),
            points: n,
            positions: p.bin.len(),
        });
    }
    Ok(())
}

fn prepare_intensity(
    int: &Intervals<'_>,
    seqid: &str,
    plans: &mut [BinPlan],
) -> Result<(), NullError> {
    let empty: &[f64] = &[];
    let Some(s) = int.seqs.iter().find(|s| s.seqid == seqid) else {
        return check_intensity_mass(plans);
    };
    let vals: &[f64] = s.values.as_deref().unwrap_or(empty);
    let mut neg: Option<NullError> = None;
    assign_to_bins(&s.starts, &s.ends, plans, |p, i, cs, ce| {
        let v = vals.get(i).copied().unwrap_or(f64::NAN);
        if v < 0.0 && neg.is_none() {
            neg = Some(NullError::NegativeIntensity {
                seqid: seqid.to_string(),
                start: s.starts[i],
                end: s.ends[i],
                value: v,
            });
        }
        if v > 0.0 && v.is_finite() && ce > cs {
            let prev = p.int_cum.last().copied().unwrap_or(0.0);
            p.int_starts.push(cs);
            p.int_ends.push(ce);
            p.int_cum.push(prev + v * (ce - cs) as f64);
        }
    });
    if let Some(e) = neg {
        return Err(e);
    }
    check_intensity_mass(plans)
}

fn check_intensity_mass(plans: &[BinPlan]) -> Result<(), NullError> {
    for p in plans {
        let n = p.elems.len();
        if n == 0 {
            continue;
        }
        if p.int_cum.last().copied().unwrap_or(0.0) <= 0.0 {
            return Err(NullError::ZeroIntensity {
                bin: p.bin.clone(),
                points: n,
            });
        }
        // Distinct positive positions (pieces may overlap: count the union).
        let mut iv: Vec<(u64, u64)> = p
            .int_starts
            .iter()
            .copied()
            .zip(p.int_ends.iter().copied())
            .collect();
        iv.sort_unstable();
        let (mut total, mut cur_end) = (0u64, 0u64);
        for (s, e) in iv {
            let s = s.max(cur_end);
            if e > s {
                total += e - s;
                cur_end = e;
            }
        }
        if (n as u64) > total {
            return Err(NullError::TooManyPoints {
                model: "intensity-points",
                bin: p.bin.clone(),
                points: n,
                positions: total,
            });
        }
    }
    Ok(())
}

fn sample_intensity<R: Rng + ?Sized>(
    rng: &mut R,
    p: &BinPlan,
    n: usize,
    sc: &mut Scratch,
) -> Result<(), NullError> {
    sc.seen.clear();
    sc.picks.clear();
    let total = *p.int_cum.last().unwrap_or(&0.0);
    for _ in 0..n {
        let mut tries = 0;
        loop {
            if tries >= MAX_INTENSITY_TRIES {
                return Err(NullError::IntensityRejections {
                    bin: p.bin.clone(),
                    tries,
                });
            }
            tries += 1;
            let u: f64 = rng.random::<f64>() * total;
            let j = p
                .int_cum
                .partition_point(|&c| c <= u)
                .min(p.int_cum.len() - 1);
            let pos = rng.random_range(p.int_starts[j]..p.int_ends[j]);
            if sc.seen.insert(pos) {
                sc.picks.push(pos);
                break;
            }
        }
    }
    sc.picks.sort_unstable();
    Ok(())
}

/// A uniformly random `k`-subset of `[0, n)`, sorted, into `out`
/// (`tmp` is scratch). Draws iid values until `k` distinct ones are seen
/// (uniform by exchangeability); when `k > n/2` it draws the complement.
pub fn sample_subset<R: Rng + ?Sized>(
    rng: &mut R,
    n: u64,
    k: u64,
    out: &mut Vec<u64>,
    tmp: &mut Vec<u64>,
) {
    out.clear();
    if k == 0 {
        return;
    }
    debug_assert!(k <= n);
    if k.saturating_mul(2) > n {
        let mut tmp2 = Vec::new();
        sample_subset(rng, n, n - k, tmp, &mut tmp2);
        let mut j = 0;
        for x in 0..n {
            if j < tmp.len() && tmp[j] == x {
                j += 1;
            } else {
                out.push(x);
            }
        }
        return;
    }
    while (out.len() as u64) < k {
        let need = k - out.len() as u64;
        for _ in 0..need {
            out.push(rng.random_range(0..n));
        }
        out.sort_unstable();
        out.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn subset_is_sorted_distinct_and_complete_when_dense() {
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(1);
        let (mut out, mut tmp) = (Vec::new(), Vec::new());
        for &(n, k) in &[(10u64, 0u64), (10, 3), (10, 7), (10, 10), (1_000_000, 1000)] {
            sample_subset(&mut rng, n, k, &mut out, &mut tmp);
            assert_eq!(out.len() as u64, k);
            assert!(out.windows(2).all(|w| w[0] < w[1]));
            assert!(out.iter().all(|&x| x < n));
        }
    }

    #[test]
    fn subset_is_uniform_over_small_space() {
        // C(5, 2) = 10 subsets; each should appear ~ 1/10 of the time.
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(7);
        let (mut out, mut tmp) = (Vec::new(), Vec::new());
        let mut counts = std::collections::HashMap::new();
        let reps = 20_000;
        for _ in 0..reps {
            sample_subset(&mut rng, 5, 2, &mut out, &mut tmp);
            *counts.entry(out.clone()).or_insert(0u32) += 1;
        }
        assert_eq!(counts.len(), 10);
        for (_, c) in counts {
            let f = c as f64 / reps as f64;
            assert!((f - 0.1).abs() < 0.015, "{f}");
        }
    }
}
