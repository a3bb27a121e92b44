//! GTrack header variables: names, allowed values, defaults, and the
//! merge of file headers with a subtype's.

use std::fmt;

use gtrack_core::{Dimension, TrackType, ValueType};

use super::diag::{fault, Fault, Rule};
use super::escape::unescape;

/// Kind of value a reserved header variable takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    /// One of a fixed set (case-insensitive).
    Choice(&'static [&'static str]),
    /// `true` or `false`.
    Bool,
    /// An integer.
    Int,
    /// A column name (case-insensitive, no escaping).
    ColumnName,
    /// Free text (escaping supported).
    Text,
}

const TRACK_TYPES: &[&str] = &[
    "points",
    "valued points",
    "segments",
    "valued segments",
    "genome partition",
    "step function",
    "function",
    "linked points",
    "linked valued points",
    "linked segments",
    "linked valued segments",
    "linked genome partition",
    "linked step function",
    "linked function",
    "linked base pairs",
];
const VALUE_TYPES: &[&str] = &["number", "binary", "character", "category"];
const DIMENSIONS: &[&str] = &["scalar", "pair", "vector", "list"];
const ADHERENCE: &[&str] = &["strict", "extensible", "redefinable", "reorderable", "free"];

macro_rules! vars {
    ($( $(#[$doc:meta])* $var:ident = ($name:literal, $kind:expr, $default:literal) ),* $(,)?) => {
        /// A reserved GTrack header variable.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Var { $( $(#[$doc])* $var, )* }
        impl Var {
            /// All reserved variables, in the order of the specification.
            pub const ALL: &'static [Var] = &[$(Var::$var),*];
            /// Lower-case name as written in headers.
            pub fn name(self) -> &'static str { match self { $(Var::$var => $name,)* } }
            /// Kind of value.
            pub fn kind(self) -> VarKind { match self { $(Var::$var => $kind,)* } }
            /// Default value (normalised form).
            pub fn default_value(self) -> &'static str { match self { $(Var::$var => $default,)* } }
        }
    };
}

vars! {
    /// `gtrack version`
    GtrackVersion = ("gtrack version", VarKind::Choice(&["1.0"]), "1.0"),
    /// `track type`
    TrackType = ("track type", VarKind::Choice(TRACK_TYPES), "segments"),
    /// `value type`
    ValueType = ("value type", VarKind::Choice(VALUE_TYPES), "number"),
    /// `value dimension`
    ValueDimension = ("value dimension", VarKind::Choice(DIMENSIONS), "scalar"),
    /// `undirected edges`
    UndirectedEdges = ("undirected edges", VarKind::Bool, "false"),
    /// `edge weights`
    EdgeWeights = ("edge weights", VarKind::Bool, "false"),
    /// `edge weight type`
    EdgeWeightType = ("edge weight type", VarKind::Choice(VALUE_TYPES), "number"),
    /// `edge weight dimension`
    EdgeWeightDimension = ("edge weight dimension", VarKind::Choice(DIMENSIONS), "scalar"),
    /// `uninterrupted data lines`
    UninterruptedDataLines = ("uninterrupted data lines", VarKind::Bool, "false"),
    /// `sorted elements`
    SortedElements = ("sorted elements", VarKind::Bool, "false"),
    /// `no overlapping elements`
    NoOverlappingElements = ("no overlapping elements", VarKind::Bool, "false"),
    /// `circular elements`
    CircularElements = ("circular elements", VarKind::Bool, "false"),
    /// `1-indexed`
    OneIndexed = ("1-indexed", VarKind::Bool, "false"),
    /// `end inclusive`
    EndInclusive = ("end inclusive", VarKind::Bool, "false"),
    /// `value column`
    ValueColumn = ("value column", VarKind::ColumnName, "value"),
    /// `edges column`
    EdgesColumn = ("edges column", VarKind::ColumnName, "edges"),
    /// `fixed length`
    FixedLength = ("fixed length", VarKind::Int, "1"),
    /// `fixed gap size`
    FixedGapSize = ("fixed gap size", VarKind::Int, "0"),
    /// `fixed-size data lines`
    FixedSizeDataLines = ("fixed-size data lines", VarKind::Bool, "false"),
    /// `data line size`
    DataLineSize = ("data line size", VarKind::Int, "1"),
    /// `gtrack subtype`
    GtrackSubtype = ("gtrack subtype", VarKind::Text, ""),
    /// `subtype version`
    SubtypeVersion = ("subtype version", VarKind::Text, "1.0"),
    /// `subtype url`
    SubtypeUrl = ("subtype url", VarKind::Text, ""),
    /// `subtype adherence`
    SubtypeAdherence = ("subtype adherence", VarKind::Choice(ADHERENCE), "free"),
}

impl Var {
    /// The reserved variable called `name` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Var> {
        Var::ALL
            .iter()
            .copied()
            .find(|v| v.name().eq_ignore_ascii_case(name))
    }
    /// Variables a `redefinable` subtype lets files redefine.
    pub fn redefinable(self) -> bool {
        matches!(
            self,
            Var::TrackType
                | Var::ValueType
                | Var::ValueDimension
                | Var::UndirectedEdges
                | Var::EdgeWeights
                | Var::EdgeWeightType
                | Var::EdgeWeightDimension
                | Var::ValueColumn
                | Var::EdgesColumn
        )
    }
    /// Whether this is one of the "*" variables derivable from content.
    pub fn derivable(self) -> bool {
        matches!(
            self,
            Var::TrackType
                | Var::UndirectedEdges
                | Var::EdgeWeights
                | Var::UninterruptedDataLines
                | Var::SortedElements
                | Var::NoOverlappingElements
                | Var::CircularElements
        )
    }
    /// Part of the extended specification.
    pub fn extended(self) -> bool {
        matches!(
            self,
            Var::ValueColumn
                | Var::EdgesColumn
                | Var::FixedLength
                | Var::FixedGapSize
                | Var::FixedSizeDataLines
                | Var::DataLineSize
                | Var::GtrackSubtype
                | Var::SubtypeVersion
                | Var::SubtypeUrl
                | Var::SubtypeAdherence
        )
    }
    /// Normalise and check a raw value.
    pub fn parse_value(self, raw: &str) -> Result<String, Fault> {
        match self.kind() {
            VarKind::Choice(allowed) => {
                let v = raw.to_ascii_lowercase();
                if allowed.contains(&v.as_str()) {
                    Ok(v)
                } else if self == Var::GtrackVersion {
                    fault(
                        Rule::GtrackVersion,
                        format!(
                            "gtrack version `{raw}` is not supported; this parser reads GTrack 1.0"
                        ),
                    )
                } else {
                    fault(
                        Rule::HeaderValue,
                        format!(
                            "`{raw}` is not allowed for `{}`; use one of: {}",
                            self.name(),
                            allowed.join(", ")
                        ),
                    )
                }
            }
            VarKind::Bool => {
                let v = raw.to_ascii_lowercase();
                if v == "true" || v == "false" {
                    Ok(v)
                } else {
                    fault(
                        Rule::HeaderBool,
                        format!("`{}` must be true or false, not `{raw}`", self.name()),
                    )
                }
            }
            VarKind::Int => match raw.parse::<i64>() {
                Ok(i) => Ok(i.to_string()),
                Err(_) => fault(
                    Rule::HeaderInt,
                    format!("`{}` must be an integer, not `{raw}`", self.name()),
                ),
            },
            VarKind::ColumnName => {
                if raw.is_empty() || raw.trim() != raw {
                    return fault(
                        Rule::HeaderValue,
                        format!("`{}` must name a column, got `{raw}`", self.name()),
                    );
                }
                Ok(raw.to_ascii_lowercase())
            }
            VarKind::Text => Ok(unescape(raw.as_bytes())?.into_owned()),
        }
    }
}

impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Subtype adherence levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Adherence {
    /// Nothing the subtype defines may be changed.
    Strict,
    /// As strict, plus extra columns at the end.
    Extensible,
    /// As extensible, plus value/edges and their type headers may be redefined.
    Redefinable,
    /// Subtype columns in any order, extra columns, track type may change.
    Reorderable,
    /// Only alternative defaults.
    Free,
}

impl Adherence {
    /// From the normalised header value.
    pub fn parse(s: &str) -> Adherence {
        match s {
            "strict" => Adherence::Strict,
            "extensible" => Adherence::Extensible,
            "redefinable" => Adherence::Redefinable,
            "reorderable" => Adherence::Reorderable,
            _ => Adherence::Free,
        }
    }
}

/// Declared header variables of one file (or subtype definition).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// Reserved variables: normalised value and the 1-based line.
    pub reserved: Vec<(Var, String, u64)>,
    /// Custom variables (name as written, unescaped value), in order.
    pub custom: Vec<(String, String)>,
    /// The column specification line, lower-cased names, with its line.
    pub columns: Option<(Vec<String>, u64)>,
}

impl Headers {
    /// The declared value of `var`.
    pub fn get(&self, var: Var) -> Option<&str> {
        self.reserved
            .iter()
            .find(|(v, _, _)| *v == var)
            .map(|(_, s, _)| s.as_str())
    }
    /// The line where `var` was declared.
    pub fn line_of(&self, var: Var) -> Option<u64> {
        self.reserved
            .iter()
            .find(|(v, _, _)| *v == var)
            .map(|(_, _, l)| *l)
    }
    /// Parse one `##name: value` line (without the leading `##`).
    /// Returns a warning for custom variables.
    pub fn parse_line(&mut self, body: &[u8], line: u64) -> Result<Option<Fault>, Fault> {
        let Some(colon) = memchr::memchr(b':', body) else {
            return fault(
                Rule::HeaderSyntax,
                "header line without `:`; write `##name: value` (a comment needs a single #)",
            );
        };
        let name = std::str::from_utf8(&body[..colon]).unwrap_or("");
        if name.is_empty() || name.trim() != name {
            return fault(
                Rule::HeaderSyntax,
                format!("header name `{name}` is empty or has surrounding whitespace"),
            );
        }
        let raw = &body[colon + 1..];
        let start = raw.iter().position(|&b| b != b' ').unwrap_or(raw.len());
        let value = std::str::from_utf8(&raw[start..]).unwrap_or("");
        match Var::from_name(name) {
            Some(var) => {
                if let Some(prev) = self.line_of(var) {
                    return fault(
                        Rule::HeaderDuplicate,
                        format!(
                            "`{}` is declared twice (first on line {prev}); keep one",
                            var.name()
                        ),
                    );
                }
                let v = var.parse_value(value)?;
                self.reserved.push((var, v, line));
                Ok(None)
            }
            None => {
                let v = unescape(value.as_bytes())?.into_owned();
                self.custom.push((name.to_string(), v));
                Ok(Some(Fault::new(
                    Rule::UnknownHeader,
                    format!("`{name}` is not a reserved header variable (custom headers are kept but not interpreted; check for a typo)"),
                )))
            }
        }
    }
}

/// Effective header values: file's, else subtype's, else defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    values: Vec<String>,
}

impl Effective {
    /// Merge file headers over subtype headers over defaults.
    pub fn merge(file: &Headers, subtype: Option<&Headers>) -> Self {
        let values = Var::ALL
            .iter()
            .map(|&v| {
                file.get(v)
                    .or_else(|| subtype.and_then(|s| s.get(v)))
                    .unwrap_or(v.default_value())
                    .to_string()
            })
            .collect();
        Effective { values }
    }
    /// Effective value of `var`.
    pub fn get(&self, var: Var) -> &str {
        &self.values[Var::ALL.iter().position(|v| *v == var).unwrap()]
    }
    /// Boolean variable.
    pub fn flag(&self, var: Var) -> bool {
        self.get(var) == "true"
    }
    /// Integer variable.
    pub fn int(&self, var: Var) -> i64 {
        self.get(var).parse().unwrap_or(0)
    }
    /// The declared (or default) track type.
    pub fn track_type(&self) -> TrackType {
        self.get(Var::TrackType)
            .parse()
            .unwrap_or(TrackType::Segments)
    }
    /// Value type.
    pub fn value_type(&self) -> ValueType {
        self.get(Var::ValueType).parse().unwrap_or_default()
    }
    /// Value dimension.
    pub fn value_dim(&self) -> Dimension {
        self.get(Var::ValueDimension).parse().unwrap_or_default()
    }
    /// Edge weight type.
    pub fn weight_type(&self) -> ValueType {
        self.get(Var::EdgeWeightType).parse().unwrap_or_default()
    }
    /// Edge weight dimension.
    pub fn weight_dim(&self) -> Dimension {
        self.get(Var::EdgeWeightDimension)
            .parse()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_parse_line() {
        let mut h = Headers::default();
        assert!(h
            .parse_line(b"Track type: Valued Points", 1)
            .unwrap()
            .is_none());
        assert_eq!(h.get(Var::TrackType), Some("valued points"));
        assert_eq!(
            h.parse_line(b"track type: points", 2).unwrap_err().rule,
            Rule::HeaderDuplicate
        );
        assert_eq!(
            h.parse_line(b"1-indexed: f", 3).unwrap_err().rule,
            Rule::HeaderBool
        );
        assert_eq!(
            h.parse_line(b"fixed length: ten", 3).unwrap_err().rule,
            Rule::HeaderInt
        );
        assert_eq!(
            h.parse_line(b"gtrack version: 1.1", 3).unwrap_err().rule,
            Rule::GtrackVersion
        );
        assert_eq!(
            h.parse_line(b"value type: float", 3).unwrap_err().rule,
            Rule::HeaderValue
        );
        assert_eq!(
            h.parse_line(b"no colon", 3).unwrap_err().rule,
            Rule::HeaderSyntax
        );
        assert_eq!(
            h.parse_line(b"track type : x", 3).unwrap_err().rule,
            Rule::HeaderSyntax
        );
        let w = h.parse_line(b"name: my%20track", 4).unwrap().unwrap();
        assert_eq!(w.rule, Rule::UnknownHeader);
        assert_eq!(h.custom, vec![("name".to_string(), "my track".to_string())]);
        assert!(h.parse_line(b"end inclusive:True", 5).unwrap().is_none());
        let e = Effective::merge(&h, None);
        assert!(e.flag(Var::EndInclusive));
        assert_eq!(e.track_type(), TrackType::ValuedPoints);
        assert_eq!(e.get(Var::FixedLength), "1");
    }
}
