//! FAIRtracks v1.0.2 JSON metadata: read, validate offline, convert to GSuite.
//!
//! A FAIRtracks document describes a track collection as
//! `collection_info → studies → experiments → samples → tracks`, the objects
//! linked by their `local_id`s. [`validate`] checks a document against the
//! seven v1.0.2 JSON Schemas (embedded; see `data/fairtracks/NOTICE`),
//! interpreted by a small draft-07 validator of our own, together with the
//! FAIRtracks extensions the schemas declare:
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

pub use convert::to_gsuite;

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

/// Validate a parsed document offline. The schema is chosen by the
/// document's `@schema` (any of the seven v1.0.2 schema `$id`s); without a
/// recognised `@schema` the top-level schema is used. References
/// (`foreignProperty`) are only resolved for top-level documents, where the
/// referenced objects can be present.
pub fn validate(doc: &Value) -> Report {
    schema::validate(doc)
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
