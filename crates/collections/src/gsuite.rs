//! GSuite 0.9: a tabular description of a collection of tracks.
//!
//! [`GSuite`] is the in-memory model shared by every producer of GSuite
//! output (FAIRtracks conversion, hub listings, search results, fetching).
//! [`parse_str`] / [`read_path`] read and validate a file against every
//! rule of the GSuite 0.9 specification (rule ids in [`RULES`]);
//! [`GSuite::summary`] derives the four header variables from the track
//! lines (`unknown` wins, differing values give `multiple`, track types
//! reduce to the simplest common type); [`GSuite::to_text`] and
//! [`GSuite::write_path`] write it back.
//!
//! Field values in the model are decoded (GSuite escapes `%`, tab and
//! line breaks as `%25`, `%09`, `%0A`, `%0D`); URIs are kept exactly as
//! written, since they are percent-encoded by nature.

mod read;
pub mod uri;

pub use read::{parse_bytes, parse_str, read_path, Diagnostic, ParsedGSuite, ReadOptions, RULES};
pub use uri::{Location, UriInfo};

use std::path::Path;

use gtrack_core::TrackType;

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
    /// The document as GSuite text: headers in stored order, the column
    /// line, one line per track. Field values, header values and column
    /// names are percent-encoded where GSuite needs it (`%`, tab, line
    /// breaks, a leading `#`); URIs are written as given, except that
    /// characters a URI may not hold (spaces, …) are percent-encoded.
    /// Empty fields are written as `.`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (k, v) in &self.headers {
            let _ = writeln!(
                out,
                "##{}: {}",
                k.replace(':', " "),
                uri::percent_encode_field(v.trim())
            );
        }
        let cols: Vec<String> = self.columns.iter().map(|c| encode_cell(c, true)).collect();
        let _ = writeln!(out, "###{}", cols.join("\t"));
        let uri_col = self.column("uri");
        for r in &self.rows {
            let fields: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    if f.is_empty() {
                        ".".to_string()
                    } else if Some(i) == uri_col {
                        uri::percent_encode_uri(f)
                    } else {
                        encode_cell(f, i == 0)
                    }
                })
                .collect();
            let _ = writeln!(out, "{}", fields.join("\t"));
        }
        out
    }

    /// Value of header `key` (case-insensitive), if present.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Index of column `name` (case-insensitive).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
    }

    /// Number of tracks.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the suite has no tracks.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Field `column` of track `row`; `None` when the column is absent,
    /// the row does not exist or the value is missing (`.`).
    pub fn field(&self, row: usize, column: &str) -> Option<&str> {
        let c = self.column(column)?;
        let v = self.rows.get(row)?.get(c)?;
        (v != "." && !v.is_empty()).then_some(v.as_str())
    }

    /// The URI of track `row` (as written).
    pub fn uri(&self, row: usize) -> Option<&str> {
        self.field(row, "uri")
    }

    /// The four reserved attributes of track `row` as the specification
    /// resolves them: `location` from the URI scheme; `file_format` from
    /// the column, else inferred from the URI (`hb` → preprocessed, a
    /// primary-format extension or `;suffix` → primary), else the header
    /// when the column is absent; `track_type` and `genome` from the
    /// column, else the header when the column is absent; `unknown`
    /// otherwise. Values are lower case except the genome.
    pub fn track_attributes(&self, row: usize) -> TrackAttributes {
        let info = self.uri(row).and_then(|u| uri::check_uri(u, true).ok());
        let from_header = |col: &str, hdr: &str| -> Option<String> {
            if self.column(col).is_some() {
                return None;
            }
            self.header(hdr)
                .map(str::trim)
                .filter(|h| !h.eq_ignore_ascii_case("multiple"))
                .map(str::to_string)
        };
        let lower = |s: &str| s.trim().to_ascii_lowercase();
        let location = info
            .as_ref()
            .map_or("unknown".to_string(), |i| i.location.name().to_string());
        let inferred = info.as_ref().and_then(|i| {
            if i.scheme == "hb" {
                Some("preprocessed".to_string())
            } else {
                i.extension()
                    .filter(|e| uri::PRIMARY_EXTENSIONS.contains(&e.as_str()))
                    .map(|_| "primary".to_string())
            }
        });
        let file_format = self
            .field(row, "file_format")
            .map(lower)
            .or(inferred)
            .or_else(|| from_header("file_format", "file format").map(|h| lower(&h)))
            .unwrap_or_else(|| "unknown".into());
        let track_type = self
            .field(row, "track_type")
            .map(lower)
            .or_else(|| from_header("track_type", "track type").map(|h| lower(&h)))
            .unwrap_or_else(|| "unknown".into());
        let genome = self
            .field(row, "genome")
            .map(|g| g.trim().to_string())
            .or_else(|| from_header("genome", "genome"))
            .unwrap_or_else(|| "unknown".into());
        TrackAttributes {
            location,
            file_format,
            track_type,
            genome,
        }
    }

    /// The four header variables derived from the track lines
    /// (`None` for a suite without tracks).
    pub fn summary(&self) -> Option<Summary> {
        if self.rows.is_empty() {
            return None;
        }
        let attrs: Vec<TrackAttributes> = (0..self.rows.len())
            .map(|r| self.track_attributes(r))
            .collect();
        let pick =
            |f: fn(&TrackAttributes) -> &str, genome: bool| summarise(attrs.iter().map(f), genome);
        Some(Summary {
            location: pick(|a| &a.location, false),
            file_format: pick(|a| &a.file_format, false),
            track_type: summarise_track_types(attrs.iter().map(|a| a.track_type.as_str())),
            genome: pick(|a| &a.genome, true),
        })
    }

    /// Add the reserved headers that are missing, derived from the track
    /// lines (`unknown` for a suite without tracks), and order the headers
    /// as the specification lists them.
    pub fn complete_headers(&mut self) {
        let s = self.summary().unwrap_or_default();
        for (k, v) in [
            ("location", s.location),
            ("file format", s.file_format),
            ("track type", s.track_type),
            ("genome", s.genome),
        ] {
            if self.header(k).is_none() {
                self.set_header(k, v);
            }
        }
        self.headers.sort_by_key(|(k, _)| {
            RESERVED_HEADERS
                .iter()
                .position(|r| r.eq_ignore_ascii_case(k))
                .unwrap_or(RESERVED_HEADERS.len())
        });
    }

    /// Validate the model as if it were read from a file named `file`
    /// (the text [`GSuite::to_text`] writes is read back).
    pub fn check(&self, file: &str, opts: &ReadOptions) -> Vec<Diagnostic> {
        match parse_str(&self.to_text(), file, opts) {
            Ok(_) => Vec::new(),
            Err(d) => d,
        }
    }

    /// Write the GSuite text to `path` atomically (a temporary file in the
    /// same directory, renamed into place).
    pub fn write_path(&self, path: &Path) -> Result<(), GSuiteError> {
        write_atomic(path, self.to_text().as_bytes())
    }

    /// The tracks as TSV: one header line of column names, then one line
    /// per track with decoded values (`.` for missing; tabs and line
    /// breaks inside values become spaces).
    pub fn to_tsv(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        let mut out = String::new();
        let cols: Vec<String> = self.columns.iter().map(|c| clean(c)).collect();
        let _ = writeln!(out, "{}", cols.join("\t"));
        for r in &self.rows {
            let f: Vec<String> = r
                .iter()
                .map(|v| if v.is_empty() { ".".into() } else { clean(v) })
                .collect();
            let _ = writeln!(out, "{}", f.join("\t"));
        }
        out
    }

    /// The suite as JSON: `{"headers": {..}, "columns": [..], "tracks":
    /// [{column: value-or-null}]}` (missing values are `null`).
    pub fn to_json(&self) -> serde_json::Value {
        let headers: serde_json::Map<String, serde_json::Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        let tracks: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                let m: serde_json::Map<String, serde_json::Value> = self
                    .columns
                    .iter()
                    .zip(r)
                    .map(|(c, v)| {
                        let v = if v == "." || v.is_empty() {
                            serde_json::Value::Null
                        } else {
                            serde_json::Value::String(v.clone())
                        };
                        (c.clone(), v)
                    })
                    .collect();
                serde_json::Value::Object(m)
            })
            .collect();
        serde_json::json!({ "headers": headers, "columns": self.columns, "tracks": tracks })
    }
}

/// The reserved header variables, in the order the specification lists them.
pub const RESERVED_HEADERS: [&str; 4] = ["location", "file format", "track type", "genome"];

/// The reserved column names.
pub const RESERVED_COLUMNS: [&str; 5] = ["uri", "title", "file_format", "track_type", "genome"];

/// The reserved attributes of one track, resolved (see [`GSuite::track_attributes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackAttributes {
    /// `remote`, `local`, or `unknown` for an invalid URI.
    pub location: String,
    /// `unknown`, `primary` or `preprocessed`.
    pub file_format: String,
    /// `unknown` or one of the 15 track type names.
    pub track_type: String,
    /// `unknown` or the genome build.
    pub genome: String,
}

/// The four header variables summarised over all tracks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// `unknown`, `remote`, `local` or `multiple`.
    pub location: String,
    /// `unknown`, `primary`, `preprocessed` or `multiple`.
    pub file_format: String,
    /// `unknown`, a track type name or `multiple`.
    pub track_type: String,
    /// `unknown`, a genome build or `multiple`.
    pub genome: String,
}

impl Default for Summary {
    fn default() -> Self {
        let u = || "unknown".to_string();
        Summary {
            location: u(),
            file_format: u(),
            track_type: u(),
            genome: u(),
        }
    }
}

/// Summarise per-track values: any `unknown` gives `unknown`; all equal
/// gives that value; otherwise `multiple`. Comparison ignores case except
/// for genomes.
pub fn summarise<'a>(values: impl IntoIterator<Item = &'a str>, case_sensitive: bool) -> String {
    let mut first: Option<&str> = None;
    let mut multiple = false;
    for v in values {
        if v.eq_ignore_ascii_case("unknown") {
            return "unknown".into();
        }
        match first {
            None => first = Some(v),
            Some(f) => {
                let same = if case_sensitive {
                    f == v
                } else {
                    f.eq_ignore_ascii_case(v)
                };
                multiple |= !same;
            }
        }
    }
    match (first, multiple) {
        (None, _) => "unknown".into(),
        (Some(_), true) => "multiple".into(),
        (Some(f), false) if case_sensitive => f.to_string(),
        (Some(f), false) => f.to_ascii_lowercase(),
    }
}

/// Parse a GSuite track type name (the spec's names only, any case).
pub fn parse_track_type(s: &str) -> Option<TrackType> {
    let l = s.trim().to_ascii_lowercase();
    TrackType::ALL.iter().copied().find(|t| t.name() == l)
}

/// The simplest track type that describes both `a` and `b`: same gaps and
/// lengths, values only when both have values, links only when both are
/// linked. `None` when the two differ in gaps or lengths (or no such type
/// exists, e.g. function and linked base pairs).
pub fn common_track_type(a: TrackType, b: TrackType) -> Option<TrackType> {
    let (x, y) = (a.core_columns(), b.core_columns());
    if x.start != y.start || x.end != y.end {
        return None;
    }
    TrackType::from_core_columns(gtrack_core::CoreColumns {
        start: x.start,
        end: x.end,
        value: x.value && y.value,
        edges: x.edges && y.edges,
    })
}

/// Summarise per-track type names: any `unknown` gives `unknown`; else the
/// simplest common type ([`common_track_type`]); else `multiple`.
pub fn summarise_track_types<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let mut acc: Option<TrackType> = None;
    let mut seen = false;
    let mut multiple = false;
    for v in values {
        if v.eq_ignore_ascii_case("unknown") {
            return "unknown".into();
        }
        let Some(t) = parse_track_type(v) else {
            multiple = true;
            seen = true;
            continue;
        };
        acc = match (seen, acc) {
            (false, _) => Some(t),
            (true, Some(a)) => common_track_type(a, t),
            (true, None) => None,
        };
        if acc.is_none() {
            multiple = true;
        }
        seen = true;
    }
    match (seen, multiple, acc) {
        (false, _, _) => "unknown".into(),
        (true, false, Some(t)) => t.name().to_string(),
        _ => "multiple".into(),
    }
}

/// Errors of reading or writing GSuite files.
#[derive(Debug, thiserror::Error)]
pub enum GSuiteError {
    /// The document breaks GSuite rules; one diagnostic per finding.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
    /// The file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file could not be written.
    #[error("cannot write `{path}`: {source}")]
    Write {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// Write `bytes` to `path` atomically: a temporary file in the target
/// directory, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), GSuiteError> {
    use std::io::Write as _;
    let err = |source| GSuiteError::Write {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// Encode one non-URI cell: `%`, control characters, and a leading `#`
/// (which would turn the line into a comment) when `first` is set.
fn encode_cell(s: &str, first: bool) -> String {
    let e = uri::percent_encode_field(s);
    if first && e.starts_with('#') {
        format!("%23{}", &e[1..])
    } else {
        e
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
