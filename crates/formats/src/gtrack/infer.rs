//! Best-effort inference of headers from content, for `expand-headers`
//! and tabular → GTrack: the track type from the column line, value and
//! edge-weight types and dimensions from the raw tokens.
//!
//! Type guess per column: binary if every token is `0`, `1` or `.`;
//! else number if every list element is a number or `.`; else character
//! if every token is one character; else category. Dimension: scalar if
//! every token has one element, pair if all have two, vector if all have
//! the same length, list otherwise. A column with only missing values is
//! a number scalar.

use gtrack_core::{CoreColumns, Dimension, TrackType, ValueSpec, ValueType};

use super::header::{Effective, Headers, Var};
use super::subtype;

/// What a raw scan of a GTrack text found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Declared headers and column line.
    pub headers: Headers,
    /// Raw tokens of the value column.
    pub values: Vec<Vec<u8>>,
    /// Raw tokens of edge weights.
    pub weights: Vec<Vec<u8>>,
    /// Whether any edge carries `=`.
    pub any_weight: bool,
}

fn is_number(t: &[u8]) -> bool {
    !t.is_empty()
        && t.iter()
            .all(|&b| b.is_ascii_digit() || b".eE+-".contains(&b))
        && fast_float2::parse::<f64, _>(t).is_ok()
}

/// Guess the value spec of a column from its raw tokens.
pub fn guess(tokens: &[Vec<u8>]) -> ValueSpec {
    let present: Vec<&Vec<u8>> = tokens.iter().filter(|t| t.as_slice() != b".").collect();
    if present.is_empty() {
        return ValueSpec::default();
    }
    let elems =
        |t: &[u8]| -> Vec<Vec<u8>> { t.split(|&b| b == b',').map(|e| e.to_vec()).collect() };
    let ty = if present
        .iter()
        .all(|t| t.as_slice() == b"0" || t.as_slice() == b"1")
    {
        ValueType::Binary
    } else if present
        .iter()
        .all(|t| elems(t).iter().all(|e| e == b"." || is_number(e)))
    {
        ValueType::Number
    } else if present
        .iter()
        .all(|t| t.len() == 1 || (t.len() == 3 && t[0] == b'%'))
    {
        ValueType::Character
    } else {
        ValueType::Category
    };
    let dim = if ty.is_delimited() {
        let lens: Vec<usize> = present.iter().map(|t| elems(t).len()).collect();
        if lens.iter().all(|&n| n == 1) {
            Dimension::Scalar
        } else if tokens.len() != present.len() {
            // A bare `.` is only allowed for a whole list.
            Dimension::List
        } else if lens.iter().all(|&n| n == 2) {
            Dimension::Pair
        } else if lens.iter().all(|&n| n == lens[0]) {
            Dimension::Vector
        } else {
            Dimension::List
        }
    } else {
        Dimension::Scalar
    };
    ValueSpec::new(ty, dim)
}

/// The subtype (if resolvable), effective headers and column names
/// (before `value column`/`edges column` renaming) that `h` implies.
fn resolve(h: &Headers) -> (Option<Headers>, Effective, Vec<String>) {
    let sub = h
        .get(Var::SubtypeUrl)
        .and_then(|u| subtype::resolve(u).ok())
        .map(|(_, h)| h);
    let eff = Effective::merge(h, sub.as_ref());
    let names = h
        .columns
        .as_ref()
        .or_else(|| sub.as_ref().and_then(|s| s.columns.as_ref()))
        .map(|c| c.0.clone())
        .unwrap_or_else(|| vec!["seqid".into(), "start".into(), "end".into()]);
    (sub, eff, names)
}

/// Scan GTrack text: headers, column line and the raw value/weight tokens.
pub fn scan(text: &[u8]) -> Scan {
    let mut s = Scan::default();
    let mut idx: Option<(Option<usize>, Option<usize>)> = None;
    let mut fixed = false;
    for (n, line) in text.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let hashes = line.iter().take_while(|&&b| b == b'#').count();
        match hashes {
            2 => {
                let _ = s.headers.parse_line(&line[2..], n as u64 + 1);
            }
            3 => {
                if let Ok(c) = super::reader::parse_column_line(&line[3..]) {
                    s.headers.columns = Some((c, n as u64 + 1));
                }
            }
            0 if !line.is_empty() => {
                let (vi, ei) = *idx.get_or_insert_with(|| {
                    let (_, eff, names) = resolve(&s.headers);
                    fixed = eff.flag(Var::FixedSizeDataLines);
                    let find = |var: Var| names.iter().position(|c| c == eff.get(var));
                    (find(Var::ValueColumn), find(Var::EdgesColumn))
                });
                if fixed {
                    s.values.extend(line.iter().map(|&b| vec![b]));
                    continue;
                }
                let fields: Vec<&[u8]> = line.split(|&b| b == b'\t').collect();
                if let Some(v) = vi.and_then(|i| fields.get(i)) {
                    s.values.push(v.to_vec());
                }
                if let Some(e) = ei.and_then(|i| fields.get(i)) {
                    if *e != b"." {
                        for part in e.split(|&b| b == b';') {
                            if let Some(p) = part.iter().position(|&b| b == b'=') {
                                s.any_weight = true;
                                s.weights.push(part[p + 1..].to_vec());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    s
}

/// Header values to assume for a scanned file where it (and its subtype)
/// does not declare them: track type from the columns, value and edge
/// weight types from the tokens, edge weights from the presence of `=`.
pub fn assumptions(s: &Scan) -> Vec<(Var, String)> {
    let (sub, eff, names) = resolve(&s.headers);
    let declared =
        |v: Var| s.headers.get(v).is_some() || sub.as_ref().is_some_and(|h| h.get(v).is_some());
    let mut out = Vec::new();
    let has = |n: &str, var: Option<Var>| {
        names
            .iter()
            .any(|c| c == n || var.is_some_and(|v| c == eff.get(v)))
    };
    if !declared(Var::TrackType) {
        let fl = eff.int(Var::FixedLength);
        let gap = eff.int(Var::FixedGapSize);
        let (st, en) = (has("start", None), has("end", None));
        let cols = CoreColumns {
            start: st || (gap != 0 && !en),
            end: en || fl > 1,
            value: has("value", Some(Var::ValueColumn)),
            edges: has("edges", Some(Var::EdgesColumn)),
        };
        if let Some(t) = TrackType::from_core_columns(cols) {
            out.push((Var::TrackType, t.name().to_string()));
        }
    }
    let v = guess(&s.values);
    if !declared(Var::ValueType) {
        out.push((Var::ValueType, v.ty.name().to_string()));
    }
    if !declared(Var::ValueDimension) {
        out.push((Var::ValueDimension, v.dim.name().to_string()));
    }
    if !declared(Var::EdgeWeights) {
        out.push((Var::EdgeWeights, s.any_weight.to_string()));
    }
    let w = guess(&s.weights);
    if !declared(Var::EdgeWeightType) {
        out.push((Var::EdgeWeightType, w.ty.name().to_string()));
    }
    if !declared(Var::EdgeWeightDimension) {
        out.push((Var::EdgeWeightDimension, w.dim.name().to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn test_guess() {
        assert_eq!(
            guess(&toks(&["1.5", "2", "."])),
            ValueSpec::new(ValueType::Number, Dimension::Scalar)
        );
        assert_eq!(
            guess(&toks(&["0", "1", "."])),
            ValueSpec::new(ValueType::Binary, Dimension::Scalar)
        );
        assert_eq!(
            guess(&toks(&["A", "C"])),
            ValueSpec::new(ValueType::Character, Dimension::Scalar)
        );
        assert_eq!(
            guess(&toks(&["gene", "exon"])),
            ValueSpec::new(ValueType::Category, Dimension::Scalar)
        );
        assert_eq!(
            guess(&toks(&["1,2", "3,."])),
            ValueSpec::new(ValueType::Number, Dimension::Pair)
        );
        assert_eq!(
            guess(&toks(&["1,2,3", "3,.,4"])),
            ValueSpec::new(ValueType::Number, Dimension::Vector)
        );
        assert_eq!(
            guess(&toks(&["1,2,3", "3", "."])),
            ValueSpec::new(ValueType::Number, Dimension::List)
        );
        assert_eq!(
            guess(&toks(&["a,b", "c"])),
            ValueSpec::new(ValueType::Category, Dimension::List)
        );
        assert_eq!(guess(&toks(&[".", "."])), ValueSpec::default());
    }
}
