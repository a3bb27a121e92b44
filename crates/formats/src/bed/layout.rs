//! Column layouts of the BED family: which column means what, how it is
//! checked, and where it goes in the track model.

use gtrack_core::{Dimension, OptionalColumns, TrackSchema, TrackType, ValueSpec, ValueType};

use crate::format::Format;

/// How a field is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// chrom.
    Seqid,
    /// chromStart.
    Start,
    /// chromEnd.
    End,
    /// Any text.
    Text,
    /// A finite number or `.` (missing).
    Number,
    /// A finite number, or one of `.`, `na`, `nan`, `n/a`, `none` (any
    /// case) for missing: the HyperBrowser valued BED score.
    LenientNumber,
    /// A signed integer or `.`.
    Integer,
    /// `+`, `-` or `.`.
    Strand,
    /// thickStart.
    ThickStart,
    /// thickEnd.
    ThickEnd,
    /// itemRgb: `0`, an integer, `r,g,b` or `.`.
    ItemRgb,
    /// blockCount.
    BlockCount,
    /// blockSizes.
    BlockSizes,
    /// blockStarts.
    BlockStarts,
    /// narrowPeak peak: -1 or an offset inside the element.
    Peak,
    /// BED15 expCount.
    ExpCount,
    /// BED15 expIds.
    ExpIds,
    /// BED15 expScores.
    ExpScores,
    /// pgSnp alleles (`A/G`).
    Alleles,
    /// pgSnp alleleCount.
    AlleleCount,
    /// pgSnp alleleFreq.
    AlleleFreq,
    /// pgSnp alleleScores.
    AlleleScores,
}

/// Where a field goes in the track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dest {
    /// seqid, start, end.
    Core,
    /// The value column.
    Value,
    /// The strand column.
    Strand,
    /// Extra column `k` (index into `columns.extra`).
    Extra(usize),
    /// The id column (expanded BED12 only).
    Id,
    /// Used structurally, not stored (expanded BED12 blocks).
    Skip,
}

/// One column of a layout.
#[derive(Debug, Clone)]
pub(crate) struct Col {
    /// Name as the format documents it (`thickStart`), for messages.
    pub label: String,
    /// Lower-case name, as GTrack stores it (`thickstart`).
    pub key: String,
    /// How the field is checked.
    pub kind: Kind,
    /// Where it goes.
    pub dest: Dest,
}

/// A format's columns for one column count, with the track schema they give.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// The columns, in file order.
    pub cols: Vec<Col>,
    /// The schema of the track read with this layout.
    pub schema: TrackSchema,
    /// All-1-bp tracks become points (generic BED formats).
    pub points_rule: bool,
    /// BED12 blocks are expanded into linked segments.
    pub expand: bool,
    /// Columns are whitespace-delimited except the last two, which are
    /// tab-delimited (bedDetail).
    pub detail: bool,
}

const STD: [(&str, Kind); 12] = [
    ("chrom", Kind::Seqid),
    ("chromStart", Kind::Start),
    ("chromEnd", Kind::End),
    ("name", Kind::Text),
    ("score", Kind::Number),
    ("strand", Kind::Strand),
    ("thickStart", Kind::ThickStart),
    ("thickEnd", Kind::ThickEnd),
    ("itemRgb", Kind::ItemRgb),
    ("blockCount", Kind::BlockCount),
    ("blockSizes", Kind::BlockSizes),
    ("blockStarts", Kind::BlockStarts),
];

/// The valid column counts of `format`, described for messages.
pub(crate) fn counts_text(format: Format) -> &'static str {
    use Format::*;
    match format {
        Bed | PointBed => "3 to 9, or 12 or more",
        CategoryBed => "4 to 9, or 12 or more",
        ValuedBed => "5 to 9, or 12 or more",
        BedDetail => "6 to 11, or 14 (BED4 to BED9 or BED12, plus id and description)",
        Bed15 | GappedPeak => "15",
        NarrowPeak | PeptideMapping => "10",
        BroadPeak | RnaElements => "9",
        TagAlign => "6",
        PairedTagAlign => "8",
        PgSnp => "7",
        _ => "?",
    }
}

fn bed_count_ok(n: usize, min: usize) -> bool {
    n >= min && n != 10 && n != 11
}

struct Builder {
    cols: Vec<Col>,
    extra: Vec<String>,
    strand: bool,
    id: bool,
}

impl Builder {
    fn new() -> Self {
        Builder {
            cols: Vec::new(),
            extra: Vec::new(),
            strand: false,
            id: false,
        }
    }
    fn col(&mut self, label: &str, kind: Kind, dest: Dest) {
        let key = label.to_ascii_lowercase();
        let dest = match dest {
            Dest::Extra(_) => {
                self.extra.push(key.clone());
                Dest::Extra(self.extra.len() - 1)
            }
            Dest::Strand => {
                self.strand = true;
                dest
            }
            Dest::Id => {
                self.id = true;
                dest
            }
            d => d,
        };
        self.cols.push(Col {
            label: label.to_string(),
            key,
            kind,
            dest,
        });
    }
    /// The first `n` standard BED columns (n ≤ 12); `score` and `name`
    /// destinations as given.
    fn std(&mut self, n: usize, name: Dest, score: Dest, expand: bool) {
        for (i, &(label, kind)) in STD.iter().enumerate().take(n) {
            let dest = match i {
                0..=2 => Dest::Core,
                3 => name,
                4 => score,
                5 => Dest::Strand,
                9..=11 if expand => Dest::Skip,
                _ => Dest::Extra(0),
            };
            self.col(label, kind, dest);
        }
    }
    fn layout(self, tt: TrackType, value: Option<ValueSpec>) -> Layout {
        let mut schema = TrackSchema::new(tt);
        schema.value = value;
        schema.columns = OptionalColumns {
            strand: self.strand,
            id: self.id || tt.is_linked(),
            extra: self.extra,
        };
        Layout {
            cols: self.cols,
            schema,
            points_rule: false,
            expand: false,
            detail: false,
        }
    }
}

fn number() -> Option<ValueSpec> {
    Some(ValueSpec::new(ValueType::Number, Dimension::Scalar))
}

/// The layout of `format` for lines of `n` fields, or why `n` is wrong.
pub(crate) fn layout(format: Format, n: usize, expand: bool) -> Option<Layout> {
    use Format::*;
    let mut b = Builder::new();
    let e = Dest::Extra(0);
    let fixed = |want: usize| (n == want).then_some(());
    let mut l = match format {
        Bed | ValuedBed | BedDetail => {
            let base = if format == BedDetail {
                n.checked_sub(2)?
            } else {
                n
            };
            let min = match format {
                Bed => 3,
                ValuedBed => 5,
                _ => 4,
            };
            if !bed_count_ok(base, min) || (format == BedDetail && base > 12) {
                return None;
            }
            let expand = expand && format == Bed && base >= 12;
            let name = if expand { Dest::Id } else { e };
            b.std(base.min(12), name, Dest::Value, expand);
            for k in 13..=base {
                b.col(&format!("column{k}"), Kind::Text, e);
            }
            if format == BedDetail {
                b.col("detailId", Kind::Text, e);
                b.col("description", Kind::Text, e);
            }
            if format == ValuedBed {
                b.cols[4].kind = Kind::LenientNumber;
            }
            let (tt, v) = match (base >= 5, expand) {
                (_, true) => (TrackType::LinkedValuedSegments, number()),
                (true, _) => (TrackType::ValuedSegments, number()),
                (false, _) => (TrackType::Segments, None),
            };
            let mut l = b.layout(tt, v);
            l.points_rule = !expand;
            l.expand = expand;
            l.detail = format == BedDetail;
            l
        }
        PointBed => {
            if !bed_count_ok(n, 3) {
                return None;
            }
            b.std(n.min(12), e, e, false);
            for k in 13..=n {
                b.col(&format!("column{k}"), Kind::Text, e);
            }
            b.layout(TrackType::Points, None)
        }
        CategoryBed => {
            if !bed_count_ok(n, 4) {
                return None;
            }
            b.std(n.min(12), Dest::Value, e, false);
            for k in 13..=n {
                b.col(&format!("column{k}"), Kind::Text, e);
            }
            let mut l = b.layout(
                TrackType::ValuedSegments,
                Some(ValueSpec::new(ValueType::Category, Dimension::Scalar)),
            );
            l.points_rule = true;
            l
        }
        Bed15 => {
            fixed(15)?;
            b.std(12, e, e, false);
            b.col("expCount", Kind::ExpCount, e);
            b.col("expIds", Kind::ExpIds, e);
            b.col("expScores", Kind::ExpScores, Dest::Value);
            b.layout(
                TrackType::ValuedSegments,
                Some(ValueSpec::new(ValueType::Number, Dimension::Vector)),
            )
        }
        NarrowPeak | BroadPeak => {
            fixed(if format == NarrowPeak { 10 } else { 9 })?;
            b.std(6, e, e, false);
            b.col("signalValue", Kind::Number, Dest::Value);
            b.col("pValue", Kind::Number, e);
            b.col("qValue", Kind::Number, e);
            if format == NarrowPeak {
                b.col("peak", Kind::Peak, e);
            }
            b.layout(TrackType::ValuedSegments, number())
        }
        GappedPeak => {
            fixed(15)?;
            b.std(12, e, e, false);
            b.col("signalValue", Kind::Number, Dest::Value);
            b.col("pValue", Kind::Number, e);
            b.col("qValue", Kind::Number, e);
            b.layout(TrackType::ValuedSegments, number())
        }
        RnaElements => {
            fixed(9)?;
            b.std(6, e, e, false);
            b.col("level", Kind::Number, Dest::Value);
            b.col("signif", Kind::Number, e);
            b.col("score2", Kind::Integer, e);
            b.layout(TrackType::ValuedSegments, number())
        }
        TagAlign => {
            fixed(6)?;
            b.std(3, e, e, false);
            b.col("sequence", Kind::Text, e);
            b.col("score", Kind::Number, Dest::Value);
            b.col("strand", Kind::Strand, Dest::Strand);
            b.layout(TrackType::ValuedSegments, number())
        }
        PairedTagAlign => {
            fixed(8)?;
            b.std(6, e, Dest::Value, false);
            b.col("seq1", Kind::Text, e);
            b.col("seq2", Kind::Text, e);
            b.layout(TrackType::ValuedSegments, number())
        }
        PeptideMapping => {
            fixed(10)?;
            b.std(6, e, e, false);
            b.col("rawScore", Kind::Number, Dest::Value);
            b.col("spectrumId", Kind::Text, e);
            b.col("peptideRank", Kind::Integer, e);
            b.col("peptideRepeatCount", Kind::Integer, e);
            b.layout(TrackType::ValuedSegments, number())
        }
        PgSnp => {
            fixed(7)?;
            b.std(3, e, e, false);
            b.col("name", Kind::Alleles, Dest::Value);
            b.col("alleleCount", Kind::AlleleCount, e);
            b.col("alleleFreq", Kind::AlleleFreq, e);
            b.col("alleleScores", Kind::AlleleScores, e);
            b.layout(
                TrackType::ValuedSegments,
                Some(ValueSpec::new(ValueType::Category, Dimension::Scalar)),
            )
        }
        _ => return None,
    };
    if l.cols.len() != n {
        return None;
    }
    l.schema.columns.id |= l.schema.track_type.is_linked();
    Some(l)
}

/// The column count every line of `format` has, when fixed.
pub(crate) fn fixed_count(format: Format) -> Option<usize> {
    use Format::*;
    Some(match format {
        Bed15 | GappedPeak => 15,
        NarrowPeak | PeptideMapping => 10,
        BroadPeak | RnaElements => 9,
        TagAlign => 6,
        PairedTagAlign => 8,
        PgSnp => 7,
        _ => return None,
    })
}
