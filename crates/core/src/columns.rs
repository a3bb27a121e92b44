//! Column types other than values: strands, strings, edges.

use crate::value::{ValueBuf, ValueColumn, ValueSpec};

/// Strand of an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub enum Strand {
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `.`: missing or irrelevant.
    #[default]
    Unknown,
}

impl Strand {
    /// The GTrack/BED symbol.
    pub fn symbol(self) -> char {
        match self {
            Strand::Plus => '+',
            Strand::Minus => '-',
            Strand::Unknown => '.',
        }
    }
    /// Parse `+`, `-` or `.`.
    pub fn from_symbol(s: &[u8]) -> Option<Strand> {
        match s {
            b"+" => Some(Strand::Plus),
            b"-" => Some(Strand::Minus),
            b"." => Some(Strand::Unknown),
            _ => None,
        }
    }
}

/// A column of optional strings, stored as one buffer plus offsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StringColumn {
    data: String,
    offsets: Vec<usize>,
    missing: Vec<bool>,
    any_missing: bool,
}

impl StringColumn {
    /// An empty column.
    pub fn new() -> Self {
        StringColumn {
            data: String::new(),
            offsets: vec![0],
            missing: Vec::new(),
            any_missing: false,
        }
    }
    /// Append a string (`None` = missing).
    pub fn push(&mut self, s: Option<&str>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        if let Some(s) = s {
            self.data.push_str(s);
        }
        self.offsets.push(self.data.len());
        self.missing.push(s.is_none());
        self.any_missing |= s.is_none();
    }
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.missing.len()
    }
    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty()
    }
    /// Row `i`.
    pub fn get(&self, i: usize) -> Option<&str> {
        if self.missing[i] {
            None
        } else {
            Some(&self.data[self.offsets[i]..self.offsets[i + 1]])
        }
    }
    /// Whether any row is missing.
    pub fn any_missing(&self) -> bool {
        self.any_missing
    }
    /// Iterate over rows.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
    /// Append all rows of `other`.
    pub fn extend_from(&mut self, other: &StringColumn) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        let base = self.data.len();
        self.data.push_str(&other.data);
        self.offsets
            .extend(other.offsets.iter().skip(1).map(|&o| o + base));
        self.missing.extend_from_slice(&other.missing);
        self.any_missing |= other.any_missing;
    }
    /// Bytes held on the heap (for memory budgets).
    pub fn heap_bytes(&self) -> usize {
        self.data.capacity()
            + self.offsets.capacity() * std::mem::size_of::<usize>()
            + self.missing.capacity()
    }
    /// Total length in bytes of all strings.
    pub fn text_len(&self) -> usize {
        self.data.len()
    }
    /// A new column with rows `order`.
    pub fn take(&self, order: &[usize]) -> StringColumn {
        let mut out = StringColumn::new();
        for &i in order {
            out.push(self.get(i));
        }
        out
    }
}

impl<'a> FromIterator<Option<&'a str>> for StringColumn {
    fn from_iter<T: IntoIterator<Item = Option<&'a str>>>(iter: T) -> Self {
        let mut c = StringColumn::new();
        for s in iter {
            c.push(s);
        }
        c
    }
}

/// Edges of all elements of a sequence, as compressed sparse rows:
/// element `i` has edges `offsets[i]..offsets[i+1]` into `targets` (and
/// `weights`, when the track has edge weights).
///
/// Targets are element ids; they may point to elements on any sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeColumn {
    offsets: Vec<usize>,
    targets: StringColumn,
    weights: Option<ValueColumn>,
}

impl EdgeColumn {
    /// An empty column; `weights` gives the weight type, if edges are weighted.
    pub fn new(weights: Option<ValueSpec>) -> Self {
        EdgeColumn {
            offsets: vec![0],
            targets: StringColumn::new(),
            weights: weights.map(ValueColumn::new),
        }
    }
    /// Append the edges of one element. `weights` must have the same
    /// length as `targets` when the column is weighted.
    pub fn push<'a>(&mut self, targets: impl IntoIterator<Item = (&'a str, Option<&'a ValueBuf>)>) {
        for (t, w) in targets {
            self.targets.push(Some(t));
            if let Some(col) = &mut self.weights {
                match w {
                    Some(w) => col.push(w),
                    None => col.push_missing(),
                }
            }
        }
        self.offsets.push(self.targets.len());
    }
    /// Number of elements (rows).
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }
    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Range of element `i`'s edges.
    pub fn range(&self, i: usize) -> std::ops::Range<usize> {
        self.offsets[i]..self.offsets[i + 1]
    }
    /// Target id of edge `e` (a flat index from [`EdgeColumn::range`]).
    pub fn target(&self, e: usize) -> &str {
        self.targets.get(e).unwrap_or("")
    }
    /// The weights column (flat, one row per edge), if weighted.
    pub fn weights(&self) -> Option<&ValueColumn> {
        self.weights.as_ref()
    }
    /// Total number of edges.
    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }
    /// Append all rows of `other` (same weight spec).
    pub fn extend_from(&mut self, other: &EdgeColumn) {
        let base = self.targets.len();
        self.targets.extend_from(&other.targets);
        self.offsets
            .extend(other.offsets.iter().skip(1).map(|&o| o + base));
        if let (Some(w), Some(o)) = (&mut self.weights, &other.weights) {
            w.extend_from(o);
        }
    }
    /// Bytes held on the heap (for memory budgets).
    pub fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * std::mem::size_of::<usize>()
            + self.targets.heap_bytes()
            + self.weights.as_ref().map_or(0, |w| w.heap_bytes())
    }
    /// A new column with rows `order`.
    pub fn take(&self, order: &[usize]) -> EdgeColumn {
        let mut out = EdgeColumn::new(self.weights.as_ref().map(|w| w.spec()));
        for &i in order {
            let r = self.range(i);
            let ws: Vec<Option<ValueBuf>> = r
                .clone()
                .map(|e| self.weights.as_ref().map(|w| w.get(e)))
                .collect();
            out.push(r.zip(ws.iter()).map(|(e, w)| (self.target(e), w.as_ref())));
        }
        out
    }
    /// Equality with missing weights equal.
    pub fn same(&self, other: &EdgeColumn) -> bool {
        self.offsets == other.offsets
            && self.targets == other.targets
            && match (&self.weights, &other.weights) {
                (Some(a), Some(b)) => a.same(b),
                (None, None) => true,
                _ => false,
            }
    }
}
