//! FAIRtracks v1.0.2 JSON metadata: read, validate offline, convert to GSuite.
//!
//! A FAIRtracks document describes a track collection as
//! `collection_info → studies → experiments → samples → tracks`, the objects
//! linked by their `local_id`s. [`validate`] checks a document against a
//! [`SchemaSet`] — the seven v1.0.2 JSON Schemas, read at run time from a
//! schema folder ([`load_schemas`]: `--schemas DIR`, else
//! `$GTRACK_FAIRTRACKS_SCHEMAS`, else the user cache), which
//! [`get_schemas`] fills once from the published URLs, verified against
//! pinned SHA-256 digests ([`V1_0_2`]). The schemas are the FAIRtracks
//! project's (CC BY 4.0) and are downloaded, not distributed with gtrack.
//! They are interpreted by a small draft-07 validator of our own, together
//! with the FAIRtracks extensions the schemas declare:
//!
//! * `unique`: `local_id`s unique across the document;
//! * `foreignProperty`: `*_ref` fields resolve to an object of the document;
//! * `format: curie`: `prefix:accession`, no spaces, lower-case prefix, the
//!   prefix in the field's `namespace` (or a known identifiers.org prefix) and
//!   the accession in that prefix's pattern;
//! * `format: term`: ontology term IRIs of the right ontology, checked against
//!   the required `ancestors` with a small bundled ontology subset
//!   ([`ontology`]); a term outside the subset only gets a warning;
//! * the `allOf`/`if`/`then` conditional rules (e.g. a histone ChIP-seq
//!   experiment needs `target/sequence_feature`).
//!
//! Every finding is a [`Diagnostic`] with a JSON-pointer path and a stable
//! rule id (see [`RULES`]), displayed as
//! `/tracks/0/raw_file_ids/0: fairtracks-curie: …`.
//!
//! [`to_gsuite`] turns a document into a GSuite with one row per track, the
//! linked experiment, study, sample and collection fields flattened into
//! columns named `experiments->target->summary` as TrackFind did.

use std::fmt;
use std::path::Path;

use serde_json::Value;

mod convert;
mod curie;
pub mod ontology;
mod schema;
mod source;

pub use convert::to_gsuite;
pub use schema::SchemaSet;
pub use source::{
    default_cache_dir, get_schemas, load as load_schemas, schema_dir, GetOptions, GetOutcome,
    Origin, DEFAULT_BASE_URL, SCHEMAS_ENV, V1_0_2,
};

/// Rule ids with a one-line description, in the order the docs list them.
pub const RULES: &[(&str, &str)] = &[
    ("fairtracks-json", "the input is not well-formed JSON"),
    ("fairtracks-type", "a value has the wrong JSON type"),
    ("fairtracks-required", "a required property is missing"),
    (
        "fairtracks-const",
        "a value differs from the constant the schema fixes",
    ),
    (
        "fairtracks-enum",
        "a value is not one of the allowed values",
    ),
    (
        "fairtracks-pattern",
        "a string does not match the schema's pattern",
    ),
    (
        "fairtracks-min-items",
        "an array has fewer items than required",
    ),
    (
        "fairtracks-format",
        "a uri, date-time or e-mail value is malformed",
    ),
    (
        "fairtracks-any-of",
        "none of the alternatives (e.g. e-mail or orcid) is present",
    ),
    (
        "fairtracks-conditional",
        "a conditional rule (if technique/class … then …) fails",
    ),
    (
        "fairtracks-curie",
        "a CURIE is malformed (space, upper-case prefix, no accession)",
    ),
    (
        "fairtracks-curie-prefix",
        "a CURIE prefix is not one the field allows",
    ),
    (
        "fairtracks-curie-accession",
        "a CURIE accession does not match its prefix's pattern",
    ),
    (
        "fairtracks-curie-unknown-prefix",
        "warning: a CURIE prefix is not in the bundled registry subset",
    ),
    (
        "fairtracks-unique",
        "a value that must be unique occurs twice",
    ),
    (
        "fairtracks-foreign-ref",
        "a reference names no object of the document",
    ),
    (
        "fairtracks-term-ontology",
        "an ontology term IRI is not from the field's ontology",
    ),
    (
        "fairtracks-term-ancestor",
        "an ontology term is not below the required ancestor term",
    ),
    (
        "fairtracks-term-unknown",
        "warning: a term is not in the bundled ontology subset",
    ),
    (
        "fairtracks-term-label",
        "warning: a term_label differs from the term's label",
    ),
    (
        "fairtracks-whitespace",
        "warning: a string has leading or trailing whitespace",
    ),
    (
        "fairtracks-doc-version",
        "warning: doc_version looks like a hash, not a version",
    ),
];

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The document does not conform.
    Error,
    /// Suspicious but allowed, or not checkable offline.
    Warning,
}

/// One finding: where (a JSON pointer), which rule, what and how to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// JSON pointer (RFC 6901) of the offending value; `""` is the root.
    pub path: String,
    /// Stable rule id, one of [`RULES`].
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        let sev = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        write!(f, "{path}: {}: {sev}{}", self.rule, self.message)
    }
}

/// The outcome of [`validate`].
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The schema the document was checked against (file name, e.g.
    /// `fairtracks.schema.json`, or `fairtracks_track.schema.json` for a
    /// stand-alone track object).
    pub schema: String,
    /// Errors and warnings, sorted by path.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// True when there is no error (warnings allowed).
    pub fn is_valid(&self) -> bool {
        !self
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

/// Errors reading or converting a FAIRtracks document.
#[derive(Debug, thiserror::Error)]
pub enum FairtracksError {
    /// The file cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Not well-formed JSON (rule `fairtracks-json`).
    #[error("{origin}:{line}:{column}: fairtracks-json: not well-formed JSON: {message}; fix the syntax (a missing comma or quote is the usual cause)")]
    Json {
        /// File name or `<input>`.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The document is not a top-level FAIRtracks document (no `tracks`).
    #[error("{path}: not a FAIRtracks collection document ({why}); to-gsuite needs the top-level document with `tracks`, `experiments`, `samples` and `studies`")]
    NotACollection {
        /// Where.
        path: String,
        /// Why.
        why: String,
    },
}

/// Errors finding, reading or downloading the FAIRtracks schemas.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// No schema set in the chosen folder.
    #[error("no FAIRtracks schemas in `{dir}` ({origin}): {why}; run `gtrack fairtracks get-schemas` to download them once (validation is offline afterwards), or point --schemas DIR or $GTRACK_FAIRTRACKS_SCHEMAS at a folder holding them")]
    NotFound {
        /// The folder looked in.
        dir: String,
        /// How it was chosen.
        origin: &'static str,
        /// What is missing.
        why: String,
    },
    /// Neither `--schemas`, `$GTRACK_FAIRTRACKS_SCHEMAS`, `$XDG_CACHE_HOME`
    /// nor `$HOME` names a folder.
    #[error("no schema folder: pass --schemas DIR or set $GTRACK_FAIRTRACKS_SCHEMAS (neither $XDG_CACHE_HOME nor $HOME is set, so there is no user cache)")]
    NoCacheDir,
    /// A set without the top-level `fairtracks.schema.json`.
    #[error("{place}: no fairtracks.schema.json; a FAIRtracks schema set needs its top-level schema (run `gtrack fairtracks get-schemas`)")]
    NoTop {
        /// The folder or set.
        place: String,
    },
    /// A schema file is not well-formed JSON.
    #[error("{file}:{line}:{column}: not a well-formed JSON schema: {message}; run `gtrack fairtracks get-schemas` to download the schemas again")]
    Json {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A schema file is JSON but not an object.
    #[error("{file}: a schema must be a JSON object")]
    NotAnObject {
        /// The file.
        file: String,
    },
    /// A `$ref` names a file that is not in the set.
    #[error("{file}: `$ref` `{reference}` names a schema that is not in the set; add the file to the schema folder")]
    BadRef {
        /// The referring file.
        file: String,
        /// The reference.
        reference: String,
    },
    /// A `pattern` is not a regular expression we can compile.
    #[error("{file}: pattern `{pattern}` does not compile: {message}")]
    BadPattern {
        /// The file.
        file: String,
        /// The pattern.
        pattern: String,
        /// The regex error.
        message: String,
    },
    /// File-system failure.
    #[error("`{path}`: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Download failure, including a checksum mismatch.
    #[error(transparent)]
    Fetch(#[from] crate::fetch::FetchError),
}

impl SchemaError {
    /// Name files by their path in `dir`.
    fn in_dir(self, dir: &Path) -> SchemaError {
        let p = |f: String| dir.join(f).display().to_string();
        match self {
            SchemaError::Json {
                file,
                line,
                column,
                message,
            } => SchemaError::Json {
                file: p(file),
                line,
                column,
                message,
            },
            SchemaError::NotAnObject { file } => SchemaError::NotAnObject { file: p(file) },
            SchemaError::BadRef { file, reference } => SchemaError::BadRef {
                file: p(file),
                reference,
            },
            SchemaError::BadPattern {
                file,
                pattern,
                message,
            } => SchemaError::BadPattern {
                file: p(file),
                pattern,
                message,
            },
            e => e,
        }
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Parse FAIRtracks JSON text; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<Value, FairtracksError> {
    serde_json::from_str(text).map_err(|e| FairtracksError::Json {
        origin: origin.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// Read and parse a FAIRtracks JSON file.
pub fn read_path(path: &Path) -> Result<Value, FairtracksError> {
    let text = std::fs::read_to_string(path).map_err(|source| FairtracksError::Io {
        path: path.display().to_string(),
        source,
    })?;
    parse(&text, &path.display().to_string())
}

/// Validate a parsed document offline against `schemas`. The schema is
/// chosen by the file name of the document's `@schema` (e.g. any of the
/// seven v1.0.2 `$id`s); without a recognised `@schema` the top-level
/// `fairtracks.schema.json` is used. References (`foreignProperty`) are
/// only resolved for top-level documents, where the referenced objects can
/// be present.
pub fn validate(doc: &Value, schemas: &SchemaSet) -> Report {
    schema::validate(doc, schemas)
}

/// Escape one JSON-pointer segment (RFC 6901).
pub(crate) fn pointer_segment(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_kebab() {
        let mut seen = std::collections::HashSet::new();
        for (id, _) in RULES {
            assert!(seen.insert(*id), "{id} twice");
            assert!(id.starts_with("fairtracks-"));
            assert!(id.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        }
    }

    #[test]
    fn json_error_has_line_and_column() {
        let e = parse("{\n \"a\": 1,\n}", "x.json").unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with("x.json:3:1: fairtracks-json"), "{s}");
    }

    #[test]
    fn pointer_escaping() {
        assert_eq!(pointer_segment("a/b~c"), "a~1b~0c");
    }
}
