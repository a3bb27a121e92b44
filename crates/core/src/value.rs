//! Values of track elements and edge weights: four basic types in four
//! dimensions, stored column-wise.
//!
//! Missing values are representable everywhere: a missing number is NaN,
//! a missing binary is `-1`, a missing character or category is `None`.
//! A scalar is one element; a missing scalar is one missing element. A
//! list may have length zero (written `.` in GTrack); pairs and vectors
//! have a fixed length and can only be missing element-wise.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// Basic type of a value or edge weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    /// 64-bit floating point number.
    #[default]
    Number,
    /// 0 (control) or 1 (case).
    Binary,
    /// One byte.
    Character,
    /// A string out of a category set (stored with a dictionary).
    Category,
}

/// Dimension of a value or edge weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// Exactly one element.
    #[default]
    Scalar,
    /// Exactly two elements.
    Pair,
    /// The same number of elements throughout a track.
    Vector,
    /// Any number of elements, including zero.
    List,
}

impl ValueType {
    /// All value types.
    pub const ALL: [ValueType; 4] = [
        ValueType::Number,
        ValueType::Binary,
        ValueType::Character,
        ValueType::Category,
    ];
    /// Name as written in GTrack headers.
    pub fn name(self) -> &'static str {
        match self {
            ValueType::Number => "number",
            ValueType::Binary => "binary",
            ValueType::Character => "character",
            ValueType::Category => "category",
        }
    }
    /// Whether elements of a list of this type are comma-delimited
    /// (numbers, categories) or written back to back (binary, character).
    pub fn is_delimited(self) -> bool {
        matches!(self, ValueType::Number | ValueType::Category)
    }
}

impl Dimension {
    /// All dimensions.
    pub const ALL: [Dimension; 4] = [
        Dimension::Scalar,
        Dimension::Pair,
        Dimension::Vector,
        Dimension::List,
    ];
    /// Name as written in GTrack headers.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Scalar => "scalar",
            Dimension::Pair => "pair",
            Dimension::Vector => "vector",
            Dimension::List => "list",
        }
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ValueType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ValueType::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a value type (expected number, binary, character or category)"
                )
            })
    }
}
impl FromStr for Dimension {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Dimension::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("`{s}` is not a value dimension (expected scalar, pair, vector or list)")
            })
    }
}

/// Basic type and dimension together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub struct ValueSpec {
    /// The basic type.
    pub ty: ValueType,
    /// The dimension.
    pub dim: Dimension,
}

impl ValueSpec {
    /// A spec from its parts.
    pub fn new(ty: ValueType, dim: Dimension) -> Self {
        ValueSpec { ty, dim }
    }
}

/// The elements of one value (one element's value, or one edge's weight).
///
/// A scalar holds one element. Reused across records by parsers.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueBuf {
    /// Numbers; NaN = missing.
    Number(Vec<f64>),
    /// Binary; -1 = missing.
    Binary(Vec<i8>),
    /// Characters; `None` = missing.
    Character(Vec<Option<u8>>),
    /// Categories; `None` = missing.
    Category(Vec<Option<String>>),
}

impl ValueBuf {
    /// An empty buffer of the given type.
    pub fn new(ty: ValueType) -> Self {
        match ty {
            ValueType::Number => ValueBuf::Number(Vec::new()),
            ValueType::Binary => ValueBuf::Binary(Vec::new()),
            ValueType::Character => ValueBuf::Character(Vec::new()),
            ValueType::Category => ValueBuf::Category(Vec::new()),
        }
    }
    /// A scalar number.
    pub fn number(x: f64) -> Self {
        ValueBuf::Number(vec![x])
    }
    /// The basic type.
    pub fn ty(&self) -> ValueType {
        match self {
            ValueBuf::Number(_) => ValueType::Number,
            ValueBuf::Binary(_) => ValueType::Binary,
            ValueBuf::Character(_) => ValueType::Character,
            ValueBuf::Category(_) => ValueType::Category,
        }
    }
    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            ValueBuf::Number(v) => v.len(),
            ValueBuf::Binary(v) => v.len(),
            ValueBuf::Character(v) => v.len(),
            ValueBuf::Category(v) => v.len(),
        }
    }
    /// True for zero elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Remove all elements, keeping the type.
    pub fn clear(&mut self) {
        match self {
            ValueBuf::Number(v) => v.clear(),
            ValueBuf::Binary(v) => v.clear(),
            ValueBuf::Character(v) => v.clear(),
            ValueBuf::Category(v) => v.clear(),
        }
    }
    /// Whether element `i` is missing.
    pub fn is_missing(&self, i: usize) -> bool {
        match self {
            ValueBuf::Number(v) => v[i].is_nan(),
            ValueBuf::Binary(v) => v[i] < 0,
            ValueBuf::Character(v) => v[i].is_none(),
            ValueBuf::Category(v) => v[i].is_none(),
        }
    }
    /// Equality where two missing elements are equal (NaN == NaN).
    pub fn same(&self, other: &ValueBuf) -> bool {
        match (self, other) {
            (ValueBuf::Number(a), ValueBuf::Number(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
            }
            _ => self == other,
        }
    }
}

/// A category dictionary: distinct strings, each with a code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dictionary {
    words: Vec<String>,
    index: HashMap<String, u32>,
}

impl Dictionary {
    /// The code of `word`, adding it if new.
    pub fn intern(&mut self, word: &str) -> u32 {
        if let Some(&c) = self.index.get(word) {
            return c;
        }
        let c = self.words.len() as u32;
        self.words.push(word.to_string());
        self.index.insert(word.to_string(), c);
        c
    }
    /// The word with code `code`.
    pub fn word(&self, code: u32) -> &str {
        &self.words[code as usize]
    }
    /// All words in code order.
    pub fn words(&self) -> &[String] {
        &self.words
    }
    /// The code of `word`, if present.
    pub fn code(&self, word: &str) -> Option<u32> {
        self.index.get(word).copied()
    }
}

/// Code used for a missing category.
pub const MISSING_CODE: u32 = u32::MAX;

/// Typed element storage of a [`ValueColumn`].
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Numbers, NaN = missing.
    Number(Vec<f64>),
    /// Binary, -1 = missing.
    Binary(Vec<i8>),
    /// Characters, `None` = missing.
    Character(Vec<Option<u8>>),
    /// Category codes into `dict`; [`MISSING_CODE`] = missing.
    Category {
        /// Codes.
        codes: Vec<u32>,
        /// The category set.
        dict: Dictionary,
    },
}

/// A column of values in struct-of-arrays form.
///
/// Scalars store one element per row. Other dimensions store elements
/// flat with `offsets` (length rows + 1), like a compressed sparse row.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueColumn {
    spec: ValueSpec,
    data: ColumnData,
    offsets: Option<Vec<usize>>,
}

impl ValueColumn {
    /// An empty column.
    pub fn new(spec: ValueSpec) -> Self {
        let data = match spec.ty {
            ValueType::Number => ColumnData::Number(Vec::new()),
            ValueType::Binary => ColumnData::Binary(Vec::new()),
            ValueType::Character => ColumnData::Character(Vec::new()),
            ValueType::Category => ColumnData::Category {
                codes: Vec::new(),
                dict: Dictionary::default(),
            },
        };
        let offsets = (spec.dim != Dimension::Scalar).then(|| vec![0]);
        ValueColumn {
            spec,
            data,
            offsets,
        }
    }
    /// Type and dimension.
    pub fn spec(&self) -> ValueSpec {
        self.spec
    }
    /// The flat element storage.
    pub fn data(&self) -> &ColumnData {
        &self.data
    }
    /// Row offsets into the flat storage (`None` for scalars).
    pub fn offsets(&self) -> Option<&[usize]> {
        self.offsets.as_deref()
    }
    /// Number of rows.
    pub fn len(&self) -> usize {
        match &self.offsets {
            Some(o) => o.len() - 1,
            None => self.flat_len(),
        }
    }
    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn flat_len(&self) -> usize {
        match &self.data {
            ColumnData::Number(v) => v.len(),
            ColumnData::Binary(v) => v.len(),
            ColumnData::Character(v) => v.len(),
            ColumnData::Category { codes, .. } => codes.len(),
        }
    }
    /// Numbers of a scalar number column, as a slice (NaN = missing).
    pub fn as_numbers(&self) -> Option<&[f64]> {
        match (&self.data, &self.offsets) {
            (ColumnData::Number(v), None) => Some(v),
            _ => None,
        }
    }
    /// Append one row. The buffer's type must match the column's.
    ///
    /// # Panics
    /// If the buffer's type differs from the column's, or a scalar
    /// buffer does not hold exactly one element.
    pub fn push(&mut self, v: &ValueBuf) {
        match (&mut self.data, v) {
            (ColumnData::Number(d), ValueBuf::Number(s)) => d.extend_from_slice(s),
            (ColumnData::Binary(d), ValueBuf::Binary(s)) => d.extend_from_slice(s),
            (ColumnData::Character(d), ValueBuf::Character(s)) => d.extend_from_slice(s),
            (ColumnData::Category { codes, dict }, ValueBuf::Category(s)) => {
                codes.extend(s.iter().map(|w| match w {
                    Some(w) => dict.intern(w),
                    None => MISSING_CODE,
                }))
            }
            _ => panic!(
                "value type mismatch: column {:?}, value {:?}",
                self.spec.ty,
                v.ty()
            ),
        }
        match &mut self.offsets {
            Some(o) => o.push(o.last().copied().unwrap_or(0) + v.len()),
            None => assert_eq!(v.len(), 1, "scalar value with {} elements", v.len()),
        }
    }
    /// Push a missing scalar (or an empty list).
    pub fn push_missing(&mut self) {
        let mut b = ValueBuf::new(self.spec.ty);
        if self.offsets.is_none() {
            match &mut b {
                ValueBuf::Number(v) => v.push(f64::NAN),
                ValueBuf::Binary(v) => v.push(-1),
                ValueBuf::Character(v) => v.push(None),
                ValueBuf::Category(v) => v.push(None),
            }
        }
        self.push(&b);
    }
    /// Range of row `i` in the flat storage.
    pub fn range(&self, i: usize) -> std::ops::Range<usize> {
        match &self.offsets {
            Some(o) => o[i]..o[i + 1],
            None => i..i + 1,
        }
    }
    /// Copy row `i` into `out` (cleared first, retyped if needed).
    pub fn get_into(&self, i: usize, out: &mut ValueBuf) {
        if out.ty() != self.spec.ty {
            *out = ValueBuf::new(self.spec.ty);
        }
        out.clear();
        let r = self.range(i);
        match (&self.data, out) {
            (ColumnData::Number(d), ValueBuf::Number(o)) => o.extend_from_slice(&d[r]),
            (ColumnData::Binary(d), ValueBuf::Binary(o)) => o.extend_from_slice(&d[r]),
            (ColumnData::Character(d), ValueBuf::Character(o)) => o.extend_from_slice(&d[r]),
            (ColumnData::Category { codes, dict }, ValueBuf::Category(o)) => o.extend(
                codes[r]
                    .iter()
                    .map(|&c| (c != MISSING_CODE).then(|| dict.word(c).to_string())),
            ),
            _ => unreachable!("buffer retyped above"),
        }
    }
    /// Row `i` as a new buffer.
    pub fn get(&self, i: usize) -> ValueBuf {
        let mut b = ValueBuf::new(self.spec.ty);
        self.get_into(i, &mut b);
        b
    }
    /// A new column holding the rows `order` of this one, in that order.
    pub fn take(&self, order: &[usize]) -> ValueColumn {
        let mut out = ValueColumn::new(self.spec);
        let mut b = ValueBuf::new(self.spec.ty);
        for &i in order {
            self.get_into(i, &mut b);
            out.push(&b);
        }
        out
    }
    /// Append all rows of `other` (same spec).
    pub fn extend_from(&mut self, other: &ValueColumn) {
        // Fast path: same non-category type, copy the flat storage.
        let flat = self.flat_len();
        let copied = match (&mut self.data, &other.data) {
            (ColumnData::Number(a), ColumnData::Number(b)) => {
                a.extend_from_slice(b);
                true
            }
            (ColumnData::Binary(a), ColumnData::Binary(b)) => {
                a.extend_from_slice(b);
                true
            }
            (ColumnData::Character(a), ColumnData::Character(b)) => {
                a.extend_from_slice(b);
                true
            }
            _ => false,
        };
        if copied {
            if let (Some(o), Some(p)) = (&mut self.offsets, &other.offsets) {
                o.extend(p.iter().skip(1).map(|&x| x + flat));
            }
            return;
        }
        let mut b = ValueBuf::new(self.spec.ty);
        for i in 0..other.len() {
            other.get_into(i, &mut b);
            self.push(&b);
        }
    }
    /// Bytes held on the heap (for memory budgets).
    pub fn heap_bytes(&self) -> usize {
        let data = match &self.data {
            ColumnData::Number(v) => v.capacity() * 8,
            ColumnData::Binary(v) => v.capacity(),
            ColumnData::Character(v) => v.capacity() * 2,
            ColumnData::Category { codes, dict } => {
                codes.capacity() * 4 + dict.words().iter().map(|w| w.len() + 48).sum::<usize>()
            }
        };
        data + self.offsets.as_ref().map_or(0, |o| o.capacity() * 8)
    }
    /// A column from its flat storage and row offsets (`None` for
    /// scalars; otherwise `rows + 1` non-decreasing offsets ending at the
    /// flat length). Returns `None` when the parts do not fit together.
    pub fn from_parts(
        spec: ValueSpec,
        data: ColumnData,
        offsets: Option<Vec<usize>>,
    ) -> Option<Self> {
        let ok_type = matches!(
            (&data, spec.ty),
            (ColumnData::Number(_), ValueType::Number)
                | (ColumnData::Binary(_), ValueType::Binary)
                | (ColumnData::Character(_), ValueType::Character)
                | (ColumnData::Category { .. }, ValueType::Category)
        );
        let c = ValueColumn {
            spec,
            data,
            offsets,
        };
        let flat = c.flat_len();
        let ok_offsets = match (&c.offsets, spec.dim) {
            (None, Dimension::Scalar) => true,
            (Some(o), d) if d != Dimension::Scalar => {
                o.first() == Some(&0)
                    && o.last() == Some(&flat)
                    && o.windows(2).all(|w| w[0] <= w[1])
            }
            _ => false,
        };
        let ok_codes = match &c.data {
            ColumnData::Category { codes, dict } => codes
                .iter()
                .all(|&x| x == MISSING_CODE || (x as usize) < dict.words().len()),
            _ => true,
        };
        (ok_type && ok_offsets && ok_codes).then_some(c)
    }
    /// Row-wise equality, treating missing == missing.
    pub fn same(&self, other: &ValueColumn) -> bool {
        if self.spec != other.spec || self.len() != other.len() {
            return false;
        }
        (0..self.len()).all(|i| self.get(i).same(&other.get(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_scalar_number_column() {
        let mut c = ValueColumn::new(ValueSpec::default());
        c.push(&ValueBuf::number(1.5));
        c.push_missing();
        assert_eq!(c.len(), 2);
        assert!(c.get(1).is_missing(0));
        assert_eq!(c.as_numbers().unwrap()[0], 1.5);
    }

    #[test]
    fn test_category_list_column() {
        let mut c = ValueColumn::new(ValueSpec::new(ValueType::Category, Dimension::List));
        c.push(&ValueBuf::Category(vec![Some("exon".into()), None]));
        c.push_missing();
        c.push(&ValueBuf::Category(vec![Some("exon".into())]));
        assert_eq!(c.len(), 3);
        assert!(c.get(1).is_empty());
        assert_eq!(c.get(2), ValueBuf::Category(vec![Some("exon".into())]));
        let t = c.take(&[2, 0]);
        assert_eq!(
            t.get(1),
            ValueBuf::Category(vec![Some("exon".into()), None])
        );
        match c.data() {
            ColumnData::Category { dict, .. } => assert_eq!(dict.words().len(), 1),
            _ => unreachable!(),
        }
    }
}
