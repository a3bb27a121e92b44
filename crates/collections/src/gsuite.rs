//! GSuite 0.9: a tabular description of a collection of tracks.
//!
//! This is the minimal shared model; the reader, the validator and the
//! header summarisation extend it.

use std::fmt::Write as _;

/// One GSuite document: header lines, column names and one row per track.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GSuite {
    /// `##key: value` header lines, in order (keys lower-case as written).
    pub headers: Vec<(String, String)>,
    /// Column names of the `###` line, `uri` first.
    pub columns: Vec<String>,
    /// One row per track, as many fields as `columns`.
    pub rows: Vec<Vec<String>>,
}

impl GSuite {
    /// An empty suite with the given columns (`uri` is added first when missing).
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(columns: I) -> Self {
        let mut cols: Vec<String> = columns.into_iter().map(Into::into).collect();
        if cols.first().map(String::as_str) != Some("uri") {
            cols.retain(|c| c != "uri");
            cols.insert(0, "uri".into());
        }
        GSuite {
            headers: Vec::new(),
            columns: cols,
            rows: Vec::new(),
        }
    }
    /// Set header `key` (replacing an earlier value).
    pub fn set_header(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        match self.headers.iter_mut().find(|(k, _)| k == key) {
            Some(h) => h.1 = value,
            None => self.headers.push((key.to_string(), value)),
        }
    }
    /// Append a row given as (column, value) pairs; unknown columns are
    /// added, missing fields are written as `.`.
    pub fn push_row<'a>(&mut self, fields: impl IntoIterator<Item = (&'a str, String)>) {
        let mut row = vec![".".to_string(); self.columns.len()];
        for (k, v) in fields {
            let i = match self.columns.iter().position(|c| c == k) {
                Some(i) => i,
                None => {
                    self.columns.push(k.to_string());
                    for r in &mut self.rows {
                        r.push(".".into());
                    }
                    row.push(".".into());
                    self.columns.len() - 1
                }
            };
            row[i] = if v.is_empty() { ".".into() } else { v };
        }
        self.rows.push(row);
    }
    /// The document as GSuite text (tabs/newlines inside fields are
    /// replaced by spaces, `%`-escaping is left to the caller).
    pub fn to_text(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        let mut out = String::new();
        for (k, v) in &self.headers {
            let _ = writeln!(out, "##{}: {}", k, clean(v));
        }
        let cols: Vec<String> = self.columns.iter().map(|c| clean(c)).collect();
        let _ = writeln!(out, "###{}", cols.join("\t"));
        for r in &self.rows {
            let fields: Vec<String> = r.iter().map(|f| clean(f)).collect();
            let _ = writeln!(out, "{}", fields.join("\t"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_row_adds_columns_and_fills_missing() {
        let mut g = GSuite::new(["title"]);
        g.set_header("genome", "hg38");
        g.push_row([("uri", "http://x/a.bed".into()), ("title", "A".into())]);
        g.push_row([("uri", "http://x/b.bed".into()), ("cell", "K562".into())]);
        assert_eq!(g.columns, ["uri", "title", "cell"]);
        assert_eq!(
            g.to_text(),
            "##genome: hg38\n###uri\ttitle\tcell\nhttp://x/a.bed\tA\t.\nhttp://x/b.bed\t.\tK562\n"
        );
    }
}
