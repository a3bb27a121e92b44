//! Diagnostics: `FILE:LINE: RULE: message`, with stable rule identifiers.

use std::fmt;

macro_rules! rules {
    ($( $(#[$doc:meta])* $var:ident = $id:literal ),* $(,)?) => {
        /// A rule of the GTrack specification (or of this implementation,
        /// where the specification is silent). The identifiers are stable:
        /// scripts match on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Rule {
            $( $(#[$doc])* $var, )*
        }
        impl Rule {
            /// All rules.
            pub const ALL: &'static [Rule] = &[$(Rule::$var),*];
            /// The stable identifier, e.g. `edge-dangling`.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$var => $id,)* }
            }
            /// The rule with identifier `id`.
            pub fn from_id(id: &str) -> Option<Rule> {
                match id { $($id => Some(Rule::$var),)* _ => None }
            }
        }
    };
}

rules! {
    /// Reading or decompressing the input failed.
    Io = "io",
    /// Lines out of the order headers → column line → bounding regions/data.
    LineOrder = "line-order",
    /// A line holding only spaces and tabs.
    WhitespaceLine = "whitespace-line",
    /// Control character or byte ≥ 0x80 that is not %XX-escaped.
    IllegalChar = "illegal-char",
    /// `%` not followed by two hex digits.
    BadEscape = "bad-escape",
    /// Malformed `##name: value` header line.
    HeaderSyntax = "header-syntax",
    /// Reserved header with a value outside its allowed set.
    HeaderValue = "header-value",
    /// Boolean header not `true`/`false`.
    HeaderBool = "header-bool",
    /// Integer header that is not an integer.
    HeaderInt = "header-int",
    /// `gtrack version` other than 1.0.
    GtrackVersion = "gtrack-version",
    /// A reserved header variable given twice.
    HeaderDuplicate = "header-duplicate",
    /// Column name empty, or with surrounding whitespace.
    ColumnName = "column-name",
    /// The same column name twice.
    ColumnDuplicate = "column-duplicate",
    /// `value column`/`edges column` naming a missing column or colliding.
    ColumnRename = "column-rename",
    /// Core columns do not match the track type.
    TrackTypeColumns = "track-type-columns",
    /// Linked track type without an `id` column.
    IdRequired = "id-required",
    /// Data line with a different number of fields than the column line.
    ColumnCount = "column-count",
    /// An empty field (missing values are written `.`).
    EmptyValue = "empty-value",
    /// Not a number.
    Number = "number",
    /// Not a binary value.
    Binary = "binary",
    /// Not one character.
    Character = "character",
    /// Malformed category.
    Category = "category",
    /// Wrong number of elements for the value dimension.
    Dimension = "dimension",
    /// Strand other than `+`, `-`, `.`.
    Strand = "strand",
    /// Start or end not an integer.
    Position = "position",
    /// Negative start after applying the indexing.
    NegativePosition = "negative-position",
    /// End not after start (without circular elements).
    EndBeforeStart = "end-before-start",
    /// Position beyond the sequence length of the given genome.
    SeqLength = "seq-length",
    /// Sequence not in the given genome.
    SeqidUnknown = "seqid-unknown",
    /// Malformed edge specification.
    EdgeSyntax = "edge-syntax",
    /// Edge weight present/absent against `edge weights`.
    EdgeWeight = "edge-weight",
    /// Duplicate element id.
    IdDuplicate = "id-duplicate",
    /// Empty or missing id where one is required.
    IdEmpty = "id-empty",
    /// Edge to an id that no element has.
    EdgeDangling = "edge-dangling",
    /// The same target twice in one element's edges.
    EdgeDuplicate = "edge-duplicate",
    /// `undirected edges: true` but an edge lacks its mirror.
    Undirected = "undirected",
    /// `no overlapping elements: true` but elements overlap.
    Overlap = "overlap",
    /// `sorted elements: true` but elements or regions out of order.
    Unsorted = "unsorted",
    /// Dense interval block whose ends do not ascend.
    DenseUnsorted = "dense-unsorted",
    /// `uninterrupted data lines: true` but data lines are interrupted.
    Interrupted = "interrupted",
    /// `fixed-size data lines` on a track that is not a plain function.
    FixedSizeLines = "fixed-size-lines",
    /// Bad `data line size`, or a line that is not a multiple of it.
    DataLineSize = "data-line-size",
    /// `fixed length` below 1.
    FixedLength = "fixed-length",
    /// Bad `fixed gap size`.
    FixedGap = "fixed-gap",
    /// Data outside any bounding region, or a dense type without one.
    BrMissing = "br-missing",
    /// Overlapping bounding regions.
    BrOverlap = "br-overlap",
    /// Type A and type B bounding regions in one file.
    BrMixed = "br-mixed",
    /// Dense track type with a type-A bounding region.
    BrType = "br-type",
    /// Dense block not ending exactly at the region end.
    BrEnd = "br-end",
    /// Malformed bounding region line.
    BrSyntax = "br-syntax",
    /// Unknown bounding region attribute.
    BrAttribute = "br-attribute",
    /// Element outside its bounding region.
    OutsideBr = "outside-br",
    /// Dense region without data lines.
    BrEmpty = "br-empty",
    /// No seqid column and no type-B bounding region.
    SeqidMissing = "seqid-missing",
    /// seqid column differs from the bounding region's.
    SeqidMismatch = "seqid-mismatch",
    /// genome column (or BR genome) differs from the bounding region's (or the given genome).
    GenomeMismatch = "genome-mismatch",
    /// `gtrack subtype`/`subtype version` differ from the subtype file.
    SubtypeMismatch = "subtype-mismatch",
    /// Subtype URL that cannot be resolved, or a subtype file with a URL.
    SubtypeUrl = "subtype-url",
    /// A redefinition that the subtype adherence forbids.
    SubtypeAdherence = "subtype-adherence",
    /// Warning: unknown (custom) header variable.
    UnknownHeader = "unknown-header",
    /// Warning: value starting or ending with unescaped whitespace.
    Whitespace = "whitespace",
    /// Command-line usage errors of tools (e.g. a bad column role list).
    Usage = "usage",
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Error or warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The input violates the specification.
    Error,
    /// Allowed, but probably not what the author meant.
    Warning,
}

/// One finding about one line of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// File name as given by the user (`-` for stdin).
    pub path: String,
    /// 1-based line number; 0 when the finding concerns the whole file.
    pub line: u64,
    /// The rule broken.
    pub rule: Rule,
    /// What is wrong and how to fix it.
    pub message: String,
    /// Error or warning.
    pub severity: Severity,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let warn = if self.severity == Severity::Warning {
            "warning: "
        } else {
            ""
        };
        write!(
            f,
            "{}:{}: {}: {}{}",
            self.path, self.line, self.rule, warn, self.message
        )
    }
}

impl std::error::Error for Diagnostic {}

/// A rule and message not yet tied to a file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The rule broken.
    pub rule: Rule,
    /// The message.
    pub message: String,
}

impl Fault {
    /// A fault.
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Fault {
            rule,
            message: message.into(),
        }
    }
    /// Attach a location.
    pub fn at(self, path: &str, line: u64) -> Diagnostic {
        Diagnostic {
            path: path.to_string(),
            line,
            rule: self.rule,
            message: self.message,
            severity: Severity::Error,
        }
    }
}

/// Shorthand for building an `Err(Fault)`.
pub(crate) fn fault<T>(rule: Rule, message: impl Into<String>) -> Result<T, Fault> {
    Err(Fault::new(rule, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_rule_ids_unique_and_round_trip() {
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        for r in Rule::ALL {
            assert_eq!(Rule::from_id(r.id()), Some(*r));
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
    }

    #[test]
    fn test_display() {
        let d = Fault::new(Rule::Strand, "strand `x`").at("a.gtrack", 7);
        assert_eq!(d.to_string(), "a.gtrack:7: strand: strand `x`");
    }
}

#[cfg(test)]
mod doc_tests {
    #[test]
    fn test_docs_list_every_rule() {
        let doc = include_str!("../../../../docs/rules.md");
        for r in super::Rule::ALL {
            assert!(
                doc.contains(&format!("| `{}` |", r.id())),
                "docs/rules.md lacks `{}`",
                r.id()
            );
        }
    }
}
