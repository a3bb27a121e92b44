//! Track-type-aware analyses of genomic tracks.
//!
//! - [`intervals`]: the analysis view of a track (per sequence: sorted
//!   starts, ends, optional values), loaded zero-copy from a store or from
//!   an in-memory track, and the analysis domain (bins).
//! - [`describe`]: descriptive statistics per track type.
//! - [`questions`]: pairwise questions, each declaring the track-type
//!   pairs it accepts, with their test statistics and analytic tests.
//! - [`dist`]: distributions and classical tests (binomial, normal,
//!   Wilcoxon, Kendall, Pearson/Spearman).
//! - [`null`]: null models (randomisations) that preserve what must be
//!   preserved and keep elements inside their bounding regions.
//! - [`mc`]: the Monte Carlo engine (seeded, parallel, sequential
//!   stopping) and Benjamini–Hochberg FDR.
//! - [`fast`]: prepared fixed tracks for fast Monte Carlo statistics.
//! - [`plot`]: SVG pictures of null distributions and per-bin results.

pub mod describe;
pub mod dist;
pub mod fast;
pub mod intervals;
pub mod mc;
pub mod null;
pub mod plot;
pub mod questions;
