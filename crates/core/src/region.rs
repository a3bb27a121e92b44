//! Genomic regions and bounding regions (a track's domain).

use std::ops::Range;

/// A half-open interval on one sequence, 0-based.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region {
    /// Sequence id.
    pub seqid: String,
    /// First base (0-based).
    pub start: u64,
    /// One past the last base.
    pub end: u64,
}

impl Region {
    /// A region; `start <= end` is expected.
    pub fn new(seqid: impl Into<String>, start: u64, end: u64) -> Self {
        Region {
            seqid: seqid.into(),
            start,
            end,
        }
    }
    /// Length in base pairs.
    pub fn len(&self) -> u64 {
        self.end.saturating_sub(self.start)
    }
    /// True for an empty interval.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Parse a UCSC-style position: `chr1:1,000,001-2,000,000` (1-based,
    /// inclusive; commas and `_` allowed in numbers) or a bare sequence
    /// name `chr1` (whole sequence: end `None`). Returns the sequence and
    /// the 0-based half-open interval.
    ///
    /// # Errors
    /// A message saying what is wrong and what is expected.
    pub fn parse_ucsc(text: &str) -> Result<(String, u64, Option<u64>), String> {
        let t = text.trim();
        let expect = "expected `SEQ:START-END` (1-based, inclusive, e.g. `chr1:1,000,001-2,000,000`) or a sequence name";
        let Some((seq, range)) = t.rsplit_once(':') else {
            if t.is_empty() || t.contains(char::is_whitespace) {
                return Err(format!("`{text}` is not a region: {expect}"));
            }
            return Ok((t.to_string(), 0, None));
        };
        let num = |s: &str| -> Option<u64> {
            let d: String = s.chars().filter(|c| *c != ',' && *c != '_').collect();
            if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            d.parse().ok()
        };
        let (a, b) = range
            .split_once('-')
            .ok_or_else(|| format!("`{text}` is not a region: {expect}"))?;
        let (Some(a), Some(b)) = (num(a.trim()), num(b.trim())) else {
            return Err(format!("`{text}` is not a region: {expect}"));
        };
        if seq.is_empty() || seq.contains(char::is_whitespace) {
            return Err(format!("`{text}` is not a region: {expect}"));
        }
        if a == 0 {
            return Err(format!(
                "`{text}`: positions are 1-based, so the start must be at least 1"
            ));
        }
        if b < a {
            return Err(format!("`{text}`: the end ({b}) is before the start ({a})"));
        }
        Ok((seq.to_string(), a - 1, Some(b)))
    }
    /// Whether two regions share at least one base.
    pub fn overlaps(&self, o: &Region) -> bool {
        self.seqid == o.seqid && self.start < o.end && o.start < self.end
    }
}

#[cfg(test)]
mod tests {
    use super::Region;

    #[test]
    fn parse_ucsc_regions() {
        assert_eq!(
            Region::parse_ucsc("chr1:1,000,001-2,000,000").unwrap(),
            ("chr1".into(), 1_000_000, Some(2_000_000))
        );
        assert_eq!(
            Region::parse_ucsc("chrM").unwrap(),
            ("chrM".into(), 0, None)
        );
        assert_eq!(
            Region::parse_ucsc("HLA-A:1-1").unwrap(),
            ("HLA-A".into(), 0, Some(1))
        );
        for bad in [
            "chr1:0-10",
            "chr1:10-5",
            "chr1:a-b",
            "chr1:5",
            ":1-2",
            "",
            "a b",
        ] {
            assert!(Region::parse_ucsc(bad).is_err(), "{bad}");
        }
    }
}

/// The two kinds of bounding region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum RegionKind {
    /// Type A: a whole genome (`####genome=hg19`).
    Genome,
    /// Type B: one sequence or part of it (`####seqid=chr1; start=..; end=..`).
    Sequence,
}

/// A bounding region: part of the track's domain, and the block of
/// elements that follows it in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundingRegion {
    /// Type A or B.
    pub kind: RegionKind,
    /// Genome, if given.
    pub genome: Option<String>,
    /// Sequence (type B only).
    pub seqid: Option<String>,
    /// Start, 0-based (0 for type A).
    pub start: u64,
    /// End, exclusive; `None` when unknown (no `end` and no sequence length).
    pub end: Option<u64>,
    /// For type B: index of the sequence in [`crate::Track::seqs`] and the
    /// range of its elements that this region's block holds.
    pub block: Option<(usize, Range<usize>)>,
}

impl BoundingRegion {
    /// A type-A region.
    pub fn genome(genome: impl Into<String>) -> Self {
        BoundingRegion {
            kind: RegionKind::Genome,
            genome: Some(genome.into()),
            seqid: None,
            start: 0,
            end: None,
            block: None,
        }
    }
    /// A type-B region.
    pub fn sequence(
        genome: Option<String>,
        seqid: impl Into<String>,
        start: u64,
        end: Option<u64>,
    ) -> Self {
        BoundingRegion {
            kind: RegionKind::Sequence,
            genome,
            seqid: Some(seqid.into()),
            start,
            end,
            block: None,
        }
    }
    /// Number of elements in this region's block (type B).
    pub fn element_count(&self) -> usize {
        self.block.as_ref().map_or(0, |(_, r)| r.len())
    }
    /// As a plain region, if type B with a known end.
    pub fn region(&self) -> Option<Region> {
        Some(Region::new(self.seqid.clone()?, self.start, self.end?))
    }
}
