//! The GSuite 0.9 reader and validator.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use super::uri::{self, check_uri};
use super::{parse_track_type, GSuite, GSuiteError, RESERVED_COLUMNS, RESERVED_HEADERS};

/// Every rule the reader checks: (stable id, what it requires).
pub const RULES: &[(&str, &str)] = &[
    ("gsuite-encoding", "the file is UTF-8 text"),
    (
        "gsuite-line-syntax",
        "a line starting with `####` is none of the five GSuite line types",
    ),
    (
        "gsuite-line-order",
        "header lines come first, then the column line, then track lines",
    ),
    (
        "gsuite-header-syntax",
        "a header line is `##variable: value` with a non-empty variable",
    ),
    (
        "gsuite-header-unknown",
        "header variables are limited to location, file format, track type, genome",
    ),
    (
        "gsuite-header-duplicate",
        "each header variable appears at most once",
    ),
    (
        "gsuite-header-value",
        "a header value is one of the allowed values of its variable (genome: non-empty)",
    ),
    (
        "gsuite-header-inconsistent",
        "a header value agrees with the summary of the track lines",
    ),
    (
        "gsuite-column-line-repeated",
        "there is at most one column specification line",
    ),
    ("gsuite-column-empty", "column names are non-empty"),
    (
        "gsuite-column-duplicate",
        "column names are unique, ignoring case",
    ),
    (
        "gsuite-uri-column-missing",
        "the column line includes `uri`",
    ),
    (
        "gsuite-field-count",
        "a track line has one field per column",
    ),
    (
        "gsuite-field-empty",
        "fields are non-empty; a missing value is written `.`",
    ),
    (
        "gsuite-percent-encoding",
        "`%` starts a two-hex-digit escape that decodes to UTF-8",
    ),
    ("gsuite-uri-missing", "every track has a URI"),
    (
        "gsuite-uri-scheme",
        "the URI scheme is one of http, https, ftp, rsync, file, galaxy, hb",
    ),
    (
        "gsuite-uri-syntax",
        "the URI is well formed for its scheme and holds only URI characters",
    ),
    (
        "gsuite-uri-suffix",
        "a `;suffix` is a non-empty format name, and hb URIs take none",
    ),
    (
        "gsuite-uri-file-disabled",
        "file URIs are refused when reading untrusted GSuites",
    ),
    ("gsuite-title-duplicate", "track titles are unique"),
    (
        "gsuite-file-format-value",
        "file_format is unknown, primary or preprocessed",
    ),
    (
        "gsuite-file-format-conflict",
        "an hb URI names a preprocessed track, never a primary one",
    ),
    (
        "gsuite-track-type-value",
        "track_type is unknown or one of the 15 track type names",
    ),
    (
        "gsuite-genome-value",
        "a track's genome is a build name or unknown, never `multiple`",
    ),
];

/// One finding: `FILE:LINE: RULE: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as named by the caller.
    pub file: String,
    /// 1-based line number (0: the whole file).
    pub line: usize,
    /// The rule id (one of [`RULES`]).
    pub rule: &'static str,
    /// What is wrong, why, and how to fix it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.rule, self.message
        )
    }
}

/// How to read a GSuite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Accept `file:` URIs. Services reading GSuites from untrusted
    /// sources should turn this off, as the specification advises.
    pub allow_file_scheme: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            allow_file_scheme: true,
        }
    }
}

/// A GSuite read from text, with what the model does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedGSuite {
    /// The suite (headers as written; values decoded).
    pub suite: GSuite,
    /// The 1-based line number of each track line.
    pub track_lines: Vec<usize>,
    /// Comment lines (without the leading `#`) with the index of the
    /// track they follow (`None`: before the first track).
    pub comments: Vec<(Option<usize>, String)>,
}

impl ParsedGSuite {
    /// The suite as text, with each comment written after its track.
    pub fn to_text(&self) -> String {
        let text = self.suite.to_text();
        if self.comments.is_empty() {
            return text;
        }
        let mut lines: Vec<&str> = text.lines().collect();
        let first_track = lines
            .iter()
            .position(|l| l.starts_with("###"))
            .map_or(lines.len(), |i| i + 1);
        let mut out = String::new();
        let emit = |after: Option<usize>, out: &mut String| {
            for (a, c) in &self.comments {
                if *a == after {
                    out.push('#');
                    out.push_str(&c.replace(['\n', '\r'], " "));
                    out.push('\n');
                }
            }
        };
        for l in lines.drain(..first_track) {
            out.push_str(l);
            out.push('\n');
        }
        emit(None, &mut out);
        for (i, l) in lines.iter().enumerate() {
            out.push_str(l);
            out.push('\n');
            emit(Some(i), &mut out);
        }
        out
    }
}

/// Read and validate a GSuite file. Errors carry every finding.
pub fn read_path(path: &Path, opts: &ReadOptions) -> Result<ParsedGSuite, GSuiteError> {
    let bytes = std::fs::read(path).map_err(|source| GSuiteError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse_bytes(&bytes, &path.display().to_string(), opts).map_err(GSuiteError::Invalid)
}

/// Read and validate GSuite bytes (`file` names the source in diagnostics).
pub fn parse_bytes(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
) -> Result<ParsedGSuite, Vec<Diagnostic>> {
    match std::str::from_utf8(bytes) {
        Ok(t) => parse_str(t, file, opts),
        Err(e) => {
            let ok = &bytes[..e.valid_up_to()];
            let line = ok.iter().filter(|b| **b == b'\n').count() + 1;
            let col = ok.len() - ok.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1) + 1;
            Err(vec![Diagnostic {
                file: file.to_string(),
                line,
                rule: "gsuite-encoding",
                message: format!(
                    "byte {col} of the line is not valid UTF-8; save the file as UTF-8 (and percent-encode unusual characters)"
                ),
            }])
        }
    }
}

#[derive(PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum Stage {
    Headers,
    Columns,
    Tracks,
}

/// Read and validate GSuite text (`file` names the source in diagnostics).
pub fn parse_str(
    text: &str,
    file: &str,
    opts: &ReadOptions,
) -> Result<ParsedGSuite, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut diags = Vec::new();
    let mut d = |line: usize, rule: &'static str, message: String| {
        diags.push(Diagnostic {
            file: file.to_string(),
            line,
            rule,
            message,
        })
    };
    let mut suite = GSuite::default();
    let mut header_lines: HashMap<&'static str, usize> = HashMap::new();
    let mut column_line: Option<usize> = None;
    let mut stage = Stage::Headers;
    let mut track_lines = Vec::new();
    let mut comments = Vec::new();
    let mut titles: HashMap<String, usize> = HashMap::new();

    for (i, raw) in text.split('\n').enumerate() {
        let n = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with("####") {
            d(
                n,
                "gsuite-line-syntax",
                format!(
                    "`{}` starts with four `#` and is none of the GSuite line types (comment `#`, header `##`, columns `###`); a HyperBrowser-era `####genome=X` is written `##genome: X`",
                    short(line)
                ),
            );
            continue;
        }
        if let Some(cols) = line.strip_prefix("###") {
            if stage == Stage::Tracks {
                d(
                    n,
                    "gsuite-line-order",
                    "the column line must come before the track lines".into(),
                );
                continue;
            }
            if let Some(prev) = column_line {
                d(
                    n,
                    "gsuite-column-line-repeated",
                    format!("a second column line (the first is on line {prev}); keep one"),
                );
                continue;
            }
            column_line = Some(n);
            stage = Stage::Columns;
            let mut seen: HashMap<String, usize> = HashMap::new();
            let mut names = Vec::new();
            for (k, name) in cols.split('\t').enumerate() {
                let name = match uri::percent_decode(name.trim()) {
                    Ok(v) => v,
                    Err(m) => {
                        d(
                            n,
                            "gsuite-percent-encoding",
                            format!("column {}: {m}", k + 1),
                        );
                        name.trim().to_string()
                    }
                };
                if name.is_empty() {
                    d(
                        n,
                        "gsuite-column-empty",
                        format!(
                            "column {} has an empty name; name it or remove the extra tab",
                            k + 1
                        ),
                    );
                }
                let lower = name.to_lowercase();
                if !name.is_empty() {
                    if let Some(first) = seen.insert(lower.clone(), k + 1) {
                        d(
                            n,
                            "gsuite-column-duplicate",
                            format!(
                                "column {} `{name}` repeats column {first} (column names ignore case); rename one",
                                k + 1
                            ),
                        );
                    }
                }
                let stored = if RESERVED_COLUMNS.contains(&lower.as_str()) {
                    lower
                } else {
                    name
                };
                names.push(stored);
            }
            if !names.iter().any(|c| c == "uri") {
                d(
                    n,
                    "gsuite-uri-column-missing",
                    "the column line has no `uri` column; every GSuite lists its tracks by URI (start it with `###uri`)".into(),
                );
            }
            suite.columns = names;
            continue;
        }
        if let Some(h) = line.strip_prefix("##") {
            if stage > Stage::Headers {
                d(
                    n,
                    "gsuite-line-order",
                    "header lines must come before the column line and the track lines".into(),
                );
                continue;
            }
            let Some((name, value)) = h.split_once(':') else {
                d(
                    n,
                    "gsuite-header-syntax",
                    format!("`{}` is not `##variable: value` (no `:`)", short(line)),
                );
                continue;
            };
            let name = name.trim().to_ascii_lowercase();
            if name.is_empty() {
                d(
                    n,
                    "gsuite-header-syntax",
                    "the header variable name is empty".into(),
                );
                continue;
            }
            let Some(key) = RESERVED_HEADERS.iter().copied().find(|r| *r == name) else {
                d(
                    n,
                    "gsuite-header-unknown",
                    format!(
                        "`{name}` is not a GSuite header variable (allowed: {}); put custom information in a column",
                        RESERVED_HEADERS.join(", ")
                    ),
                );
                continue;
            };
            if let Some(prev) = header_lines.get(key) {
                d(
                    n,
                    "gsuite-header-duplicate",
                    format!("`{key}` is already set on line {prev}; keep one"),
                );
                continue;
            }
            let value = match uri::percent_decode(value.trim()) {
                Ok(v) => v,
                Err(m) => {
                    d(n, "gsuite-percent-encoding", format!("header `{key}`: {m}"));
                    continue;
                }
            };
            let value = value.trim().to_string();
            let allowed: Option<Vec<String>> = match key {
                "location" => Some(
                    ["unknown", "remote", "local", "multiple"]
                        .map(String::from)
                        .to_vec(),
                ),
                "file format" => Some(
                    ["unknown", "primary", "preprocessed", "multiple"]
                        .map(String::from)
                        .to_vec(),
                ),
                "track type" => {
                    let mut v = vec!["unknown".to_string()];
                    v.extend(
                        gtrack_core::TrackType::ALL
                            .iter()
                            .map(|t| t.name().to_string()),
                    );
                    v.push("multiple".into());
                    Some(v)
                }
                _ => None,
            };
            let stored = match allowed {
                Some(allowed) => {
                    let l = value.to_ascii_lowercase();
                    if !allowed.contains(&l) {
                        d(
                            n,
                            "gsuite-header-value",
                            format!("`{key}` is `{value}`; allowed: {}", allowed.join(", ")),
                        );
                        continue;
                    }
                    l
                }
                None => {
                    if value.is_empty() {
                        d(
                            n,
                            "gsuite-header-value",
                            "`genome` is empty; give the build (e.g. hg38) or `unknown`".into(),
                        );
                        continue;
                    }
                    value
                }
            };
            header_lines.insert(key, n);
            suite.headers.push((key.to_string(), stored));
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            comments.push((track_lines.len().checked_sub(1), c.to_string()));
            continue;
        }
        // Track line.
        if stage < Stage::Columns && suite.columns.is_empty() {
            suite.columns = vec!["uri".to_string()];
        }
        stage = Stage::Tracks;
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != suite.columns.len() {
            d(
                n,
                "gsuite-field-count",
                format!(
                    "{} field(s) for {} column(s) ({}); separate fields with one tab and write `.` for missing values",
                    fields.len(),
                    suite.columns.len(),
                    suite.columns.join(", ")
                ),
            );
            continue;
        }
        let mut row = Vec::with_capacity(fields.len());
        for (col, f) in suite.columns.iter().zip(&fields) {
            if f.is_empty() {
                d(
                    n,
                    "gsuite-field-empty",
                    format!("the `{col}` field is empty; write `.` for a missing value"),
                );
                row.push(".".to_string());
                continue;
            }
            if col == "uri" {
                if *f == "." {
                    d(
                        n,
                        "gsuite-uri-missing",
                        "the track has no URI (`.`); every track needs one".into(),
                    );
                } else {
                    match check_uri(f, opts.allow_file_scheme) {
                        Ok(info) => {
                            if info.scheme == "hb" {
                                if let Some(ff_col) =
                                    suite.columns.iter().position(|c| c == "file_format")
                                {
                                    if fields[ff_col].eq_ignore_ascii_case("primary") {
                                        d(
                                            n,
                                            "gsuite-file-format-conflict",
                                            "the track has an hb URI (a preprocessed HyperBrowser track) but file_format `primary`; write `preprocessed`".into(),
                                        );
                                    }
                                }
                            }
                        }
                        Err((rule, m)) => d(n, rule, m),
                    }
                }
                row.push(f.to_string());
                continue;
            }
            let v = match uri::percent_decode(f) {
                Ok(v) => v,
                Err(m) => {
                    d(n, "gsuite-percent-encoding", format!("field `{col}`: {m}"));
                    f.to_string()
                }
            };
            if v != "." {
                match col.as_str() {
                    "title" => {
                        if let Some(first) = titles.insert(v.clone(), n) {
                            d(
                                n,
                                "gsuite-title-duplicate",
                                format!("title `{v}` is already used on line {first}; titles identify tracks and must be unique"),
                            );
                        }
                    }
                    "file_format" => {
                        let l = v.trim().to_ascii_lowercase();
                        if !["unknown", "primary", "preprocessed"].contains(&l.as_str()) {
                            d(
                                n,
                                "gsuite-file-format-value",
                                format!(
                                    "file_format `{v}`; allowed: unknown, primary, preprocessed"
                                ),
                            );
                        }
                    }
                    "track_type"
                        if !v.trim().eq_ignore_ascii_case("unknown")
                            && parse_track_type(&v).is_none() =>
                    {
                        d(
                            n,
                            "gsuite-track-type-value",
                            format!(
                                "track_type `{v}`; allowed: unknown or one of the 15 names ({})",
                                gtrack_core::TrackType::ALL.map(|t| t.name()).join(", ")
                            ),
                        );
                    }
                    "genome" => {
                        if v.trim().eq_ignore_ascii_case("multiple") {
                            d(
                                n,
                                "gsuite-genome-value",
                                "a track's genome cannot be `multiple` (that is a header summary); give its build or `unknown`".into(),
                            );
                        } else if v.trim().is_empty() {
                            d(
                                n,
                                "gsuite-genome-value",
                                "the genome is blank; give a build or `unknown`".into(),
                            );
                        }
                    }
                    _ => {}
                }
            }
            row.push(v);
        }
        suite.rows.push(row);
        track_lines.push(n);
    }
    if suite.columns.is_empty() {
        suite.columns = vec!["uri".to_string()];
    }

    // Header summarisation: present headers must agree with the tracks.
    if diags.is_empty() {
        if let Some(s) = suite.summary() {
            for (key, derived) in [
                ("location", &s.location),
                ("file format", &s.file_format),
                ("track type", &s.track_type),
                ("genome", &s.genome),
            ] {
                let Some(h) = suite.header(key) else { continue };
                if !consistent(key, h, derived) {
                    let line = header_lines.get(key).copied().unwrap_or(0);
                    diags.push(Diagnostic {
                        file: file.to_string(),
                        line,
                        rule: "gsuite-header-inconsistent",
                        message: format!(
                            "`{key}` is `{h}` but the track lines give `{derived}`; write `{derived}` (or remove the header to derive it)"
                        ),
                    });
                }
            }
        }
    }
    if diags.is_empty() {
        Ok(ParsedGSuite {
            suite,
            track_lines,
            comments,
        })
    } else {
        Err(diags)
    }
}

/// Does header value `h` agree with the value `derived` from the tracks?
/// `unknown` claims nothing and always agrees; a track type agrees when it
/// is the derived type or a simpler type describing it (e.g. `segments`
/// for valued segments).
fn consistent(key: &str, h: &str, derived: &str) -> bool {
    if h.eq_ignore_ascii_case("unknown") {
        return true;
    }
    if key == "genome" {
        return h == derived;
    }
    if h.eq_ignore_ascii_case(derived) {
        return true;
    }
    if key == "track type" {
        if let (Some(a), Some(b)) = (parse_track_type(h), parse_track_type(derived)) {
            return super::common_track_type(a, b) == Some(a);
        }
    }
    false
}

fn short(line: &str) -> String {
    let s: String = line.chars().take(60).collect();
    if s.len() < line.len() {
        format!("{s}…")
    } else {
        s
    }
}
