//! A small draft-07 JSON Schema interpreter for FAIRtracks schema sets read
//! at run time, with the FAIRtracks extension keywords.
//!
//! Supported: `$ref` (to another file of the set; siblings ignored as in
//! draft-07), `type`, `const`, `enum`, `pattern`, `format` (`uri`,
//! `date-time`, `idn-email`, `curie`, `term`, `foreign_ref`), `properties`,
//! `required`, `items`, `minItems`, `anyOf`, `allOf`, `if`/`then`/`else`,
//! `unique`, `foreignProperty`, `ontology`, `ancestors`, `namespace`,
//! `ontologyTermPair`. `additionalProperties` is `true` in every v1.0.2
//! schema and is not interpreted; `oneOf`/`not` are not used by them and
//! are ignored.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use super::{curie, ontology, pointer_segment, Diagnostic, Report, SchemaError, Severity};

/// The name of the top-level schema in a set.
pub(crate) const TOP: &str = "fairtracks.schema.json";

/// A set of FAIRtracks JSON Schemas, read at run time (see
/// [`super::get_schemas`]), keyed by file name. The
/// validator interprets whatever schemas it is given; `$ref`s name other
/// files of the set by file name (the last segment of a URL).
#[derive(Debug, Clone)]
pub struct SchemaSet {
    dir: Option<PathBuf>,
    docs: HashMap<String, Value>,
    sha256: BTreeMap<String, String>,
    patterns: HashMap<String, Regex>,
}

fn check_patterns(
    file: &str,
    v: &Value,
    out: &mut HashMap<String, Regex>,
) -> Result<(), SchemaError> {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(p)) = m.get("pattern") {
                let re = Regex::new(p).map_err(|e| SchemaError::BadPattern {
                    file: file.to_string(),
                    pattern: p.clone(),
                    message: e.to_string(),
                })?;
                out.insert(p.clone(), re);
            }
            for x in m.values() {
                check_patterns(file, x, out)?;
            }
        }
        Value::Array(a) => {
            for x in a {
                check_patterns(file, x, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn refs<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r);
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

impl SchemaSet {
    /// Build a set from (file name, text) pairs. Every text must be a JSON
    /// object, every `pattern` a valid regex, every `$ref` name a file of
    /// the set, and the top-level `fairtracks.schema.json` must
    /// be present.
    pub fn from_texts<N: AsRef<str>, T: AsRef<str>>(
        files: &[(N, T)],
    ) -> Result<SchemaSet, SchemaError> {
        let mut set = SchemaSet {
            dir: None,
            docs: HashMap::new(),
            sha256: BTreeMap::new(),
            patterns: HashMap::new(),
        };
        for (name, text) in files {
            let (name, text) = (name.as_ref(), text.as_ref());
            let v: Value = serde_json::from_str(text).map_err(|e| SchemaError::Json {
                file: name.to_string(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
            if !v.is_object() {
                return Err(SchemaError::NotAnObject {
                    file: name.to_string(),
                });
            }
            check_patterns(name, &v, &mut set.patterns)?;
            set.sha256
                .insert(name.to_string(), super::sha256_hex(text.as_bytes()));
            set.docs.insert(name.to_string(), v);
        }
        if !set.docs.contains_key(TOP) {
            return Err(SchemaError::NoTop {
                place: "the schema set".into(),
            });
        }
        for name in set.sha256.keys() {
            let mut rs = Vec::new();
            refs(&set.docs[name], &mut rs);
            for r in rs {
                if !set.docs.contains_key(file_of(r)) {
                    return Err(SchemaError::BadRef {
                        file: name.clone(),
                        reference: r.to_string(),
                    });
                }
            }
        }
        Ok(set)
    }

    /// Read every `*.json` file of `dir` as a schema.
    pub fn load_dir(dir: &Path) -> Result<SchemaSet, SchemaError> {
        let io = |source| SchemaError::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut files = Vec::new();
        for e in std::fs::read_dir(dir).map_err(io)? {
            let p = e.map_err(io)?.path();
            let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !name.ends_with(".json") || !p.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&p).map_err(|source| SchemaError::Io {
                path: p.display().to_string(),
                source,
            })?;
            files.push((name.to_string(), text));
        }
        if !files.iter().any(|(n, _)| n == TOP) {
            return Err(SchemaError::NoTop {
                place: format!("`{}`", dir.display()),
            });
        }
        let mut set = SchemaSet::from_texts(&files).map_err(|e| e.in_dir(dir))?;
        set.dir = Some(dir.to_path_buf());
        Ok(set)
    }

    /// The folder the set was read from, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The file names of the set, sorted.
    pub fn files(&self) -> Vec<&str> {
        self.sha256.keys().map(String::as_str).collect()
    }

    /// The name of the top-level schema, `fairtracks.schema.json`.
    pub fn top(&self) -> &'static str {
        TOP
    }

    /// True when the set is exactly the files `pins` names (file name,
    /// SHA-256 hex), byte for byte — e.g. [`super::V1_0_2`].
    pub fn matches(&self, pins: &[(&str, &str)]) -> bool {
        self.sha256.len() == pins.len()
            && pins.iter().all(|(f, h)| {
                self.sha256
                    .get(*f)
                    .is_some_and(|x| x.eq_ignore_ascii_case(h))
            })
    }
}

/// The `$id` URL's file name, e.g. `fairtracks_track.schema.json`.
fn file_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

/// Unique values and references collected during the walk.
#[derive(Default)]
struct Out {
    diags: Vec<Diagnostic>,
    /// key `file#prop/path` → (value, instance path) in document order.
    keys: Vec<(String, String, String)>,
    /// (target key, value, instance path).
    refs: Vec<(String, String, String)>,
}

impl Out {
    fn push(&mut self, path: &str, rule: &'static str, severity: Severity, message: String) {
        self.diags.push(Diagnostic {
            path: path.to_string(),
            rule,
            severity,
            message,
        });
    }
    fn err(&mut self, path: &str, rule: &'static str, message: String) {
        self.push(path, rule, Severity::Error, message);
    }
    fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.severity == Severity::Error)
    }
    fn absorb(&mut self, other: Out) {
        self.diags.extend(other.diags);
        self.keys.extend(other.keys);
        self.refs.extend(other.refs);
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_matches(v: &Value, t: &str) -> bool {
    let actual = type_name(v);
    actual == t || (t == "number" && actual == "integer")
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

fn valid_uri(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$").expect("static regex"))
        .is_match(s)
}

fn valid_date_time(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$",
        )
        .expect("static regex")
    });
    let Some(c) = re.captures(s) else {
        return false;
    };
    let n = |i: usize| c[i].parse::<u32>().unwrap_or(99);
    (1..=12).contains(&n(2)) && (1..=31).contains(&n(3)) && n(4) < 24 && n(5) < 60 && n(6) < 61
}

fn valid_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !s.chars().any(char::is_whitespace)
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// Describe an `if` schema (`properties` down to a `const` or an `anyOf`
/// of them) for messages, with the instance's actual value.
fn describe_if(s: &Value, prefix: &str, inst: Option<&Value>) -> Option<String> {
    if s.get("const").is_some() || s.get("anyOf").is_some() {
        let actual = match inst {
            Some(Value::String(v)) => v.clone(),
            Some(v) => v.to_string(),
            None => "absent".into(),
        };
        return Some(format!("{prefix} is {actual}"));
    }
    let props = s.get("properties")?.as_object()?;
    let parts: Vec<String> = props
        .iter()
        .filter_map(|(k, v)| {
            let p = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}/{k}")
            };
            describe_if(v, &p, inst.and_then(|i| i.get(k)))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" and "))
}

struct Walker<'a> {
    s: &'a SchemaSet,
}

impl Walker<'_> {
    /// Walk `inst` (at JSON pointer `ipath`) against `schema` (of file
    /// `file`, at property path `spath` inside it).
    fn walk(
        &self,
        schema: &Value,
        file: &str,
        spath: &str,
        inst: &Value,
        ipath: &str,
        out: &mut Out,
    ) {
        let Some(m) = schema.as_object() else {
            return;
        };
        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
            let target = file_of(r);
            if let Some(doc) = self.s.docs.get(target) {
                self.walk(doc, target, "", inst, ipath, out);
            }
            return;
        }
        if let Some(t) = m.get("type") {
            let ts = strings(Some(t));
            if !ts.is_empty() && !ts.iter().any(|t| type_matches(inst, t)) {
                out.err(
                    ipath,
                    "fairtracks-type",
                    format!(
                        "expected {}, found {} {}",
                        ts.join(" or "),
                        type_name(inst),
                        short(inst)
                    ),
                );
                return;
            }
        }
        if let Some(c) = m.get("const") {
            if c != inst {
                out.err(
                    ipath,
                    "fairtracks-const",
                    format!("must be {}, found {}", short(c), short(inst)),
                );
            }
        }
        if let Some(Value::Array(e)) = m.get("enum") {
            if !e.contains(inst) {
                let allowed: Vec<String> = e.iter().map(short).collect();
                out.err(
                    ipath,
                    "fairtracks-enum",
                    format!(
                        "{} is not one of the allowed values: {}",
                        short(inst),
                        allowed.join(", ")
                    ),
                );
            }
        }
        match inst {
            Value::String(s) => self.string(m, file, spath, s, ipath, out),
            Value::Array(a) => {
                if let Some(n) = m.get("minItems").and_then(Value::as_u64) {
                    if (a.len() as u64) < n {
                        out.err(
                            ipath,
                            "fairtracks-min-items",
                            format!("needs at least {n} item(s), has {}", a.len()),
                        );
                    }
                }
                if let Some(items) = m.get("items") {
                    for (i, x) in a.iter().enumerate() {
                        self.walk(items, file, spath, x, &format!("{ipath}/{i}"), out);
                    }
                }
            }
            Value::Object(o) => {
                if let Some(Value::Array(req)) = m.get("required") {
                    for r in req.iter().filter_map(Value::as_str) {
                        if !o.contains_key(r) {
                            let parent = if ipath.is_empty() { "/" } else { ipath };
                            out.err(
                                &format!("{ipath}/{}", pointer_segment(r)),
                                "fairtracks-required",
                                format!("required property `{r}` is missing from {parent}; add it"),
                            );
                        }
                    }
                }
                if let Some(Value::Object(props)) = m.get("properties") {
                    for (k, sub) in props {
                        if let Some(v) = o.get(k) {
                            let sp = if spath.is_empty() {
                                k.clone()
                            } else {
                                format!("{spath}/{k}")
                            };
                            self.walk(
                                sub,
                                file,
                                &sp,
                                v,
                                &format!("{ipath}/{}", pointer_segment(k)),
                                out,
                            );
                        }
                    }
                }
                if m.contains_key("ontologyTermPair") {
                    self.term_label(o, ipath, out);
                }
            }
            _ => {}
        }
        if let Some(Value::Array(alts)) = m.get("anyOf") {
            let mut passed = None;
            for alt in alts {
                let mut o = Out::default();
                self.walk(alt, file, spath, inst, ipath, &mut o);
                if !o.has_errors() {
                    passed = Some(o);
                    break;
                }
            }
            match passed {
                Some(o) => out.absorb(o),
                None => {
                    let desc: Vec<String> = alts
                        .iter()
                        .map(|a| match a.get("required") {
                            Some(Value::Array(r)) => r
                                .iter()
                                .filter_map(Value::as_str)
                                .map(|s| format!("`{s}`"))
                                .collect::<Vec<_>>()
                                .join(" and "),
                            _ => short(a),
                        })
                        .collect();
                    out.err(
                        ipath,
                        "fairtracks-any-of",
                        format!("needs at least one of: {}", desc.join(", or ")),
                    );
                }
            }
        }
        if let Some(Value::Array(all)) = m.get("allOf") {
            for s in all {
                self.walk(s, file, spath, inst, ipath, out);
            }
        }
        if let Some(cond) = m.get("if") {
            let mut probe = Out::default();
            self.walk(cond, file, spath, inst, ipath, &mut probe);
            let (branch, holds) = if probe.has_errors() {
                ("else", false)
            } else {
                ("then", true)
            };
            if let Some(b) = m.get(branch) {
                let mut o = Out::default();
                self.walk(b, file, spath, inst, ipath, &mut o);
                let why =
                    describe_if(cond, "", Some(inst)).unwrap_or_else(|| "the condition".into());
                for d in &mut o.diags {
                    if d.severity == Severity::Error {
                        d.rule = "fairtracks-conditional";
                        d.message = if holds {
                            format!("because {why}: {}", d.message)
                        } else {
                            format!("because not ({why}): {}", d.message)
                        };
                    }
                }
                out.absorb(o);
            }
        }
    }

    fn string(
        &self,
        m: &serde_json::Map<String, Value>,
        file: &str,
        spath: &str,
        s: &str,
        ipath: &str,
        out: &mut Out,
    ) {
        if let Some(p) = m.get("pattern").and_then(Value::as_str) {
            if let Some(re) = self.s.patterns.get(p) {
                if !re.is_match(s) {
                    out.err(
                        ipath,
                        "fairtracks-pattern",
                        format!("`{s}` does not match the pattern `{p}`"),
                    );
                }
            }
        }
        if m.get("unique").and_then(Value::as_bool) == Some(true) {
            out.keys
                .push((format!("{file}#{spath}"), s.to_string(), ipath.to_string()));
        }
        if let Some(fp) = m.get("foreignProperty").and_then(Value::as_str) {
            out.refs
                .push((fp.to_string(), s.to_string(), ipath.to_string()));
        }
        match m.get("format").and_then(Value::as_str) {
            Some("uri") if !valid_uri(s) => out.err(
                ipath,
                "fairtracks-format",
                format!("`{s}` is not an absolute URI (scheme:rest, no spaces)"),
            ),
            Some("date-time") if !valid_date_time(s) => out.err(
                ipath,
                "fairtracks-format",
                format!("`{s}` is not an RFC 3339 date-time such as 2020-07-07T19:02:59Z"),
            ),
            Some("idn-email") | Some("email") if !valid_email(s) => out.err(
                ipath,
                "fairtracks-format",
                format!("`{s}` is not an e-mail address (local@domain)"),
            ),
            Some("curie") => curie::check(s, &strings(m.get("namespace")), ipath, &mut out.diags),
            Some("term") => self.term(m, s, ipath, out),
            _ => {}
        }
    }

    fn term(&self, m: &serde_json::Map<String, Value>, iri: &str, ipath: &str, out: &mut Out) {
        let onts = strings(m.get("ontology"));
        if !onts.is_empty() && !onts.iter().any(|o| ontology::in_ontology(iri, o)) {
            out.err(
                ipath,
                "fairtracks-term-ontology",
                format!("`{iri}` is not a term of {}", onts.join(" or ")),
            );
            return;
        }
        let ancestors = strings(m.get("ancestors"));
        match ontology::lookup(iri) {
            Some(t) => {
                let a: Vec<&str> = ancestors.iter().map(String::as_str).collect();
                if !a.is_empty() && !ontology::has_ancestor(t, &a) {
                    out.err(
                        ipath,
                        "fairtracks-term-ancestor",
                        format!("`{iri}` is not below {} as this field requires", ancestors.join(" or ")),
                    );
                }
            }
            None => out.push(
                ipath,
                "fairtracks-term-unknown",
                Severity::Warning,
                format!(
                    "`{iri}` is not in the bundled ontology subset; its place in {} was not checked offline",
                    if onts.is_empty() { "the ontology".to_string() } else { onts.join(" / ") }
                ),
            ),
        }
    }

    fn term_label(&self, o: &serde_json::Map<String, Value>, ipath: &str, out: &mut Out) {
        let (Some(id), Some(label)) = (
            o.get("term_id").and_then(Value::as_str),
            o.get("term_label").and_then(Value::as_str),
        ) else {
            return;
        };
        if let Some(expected) = ontology::lookup(id).and_then(|t| t.label) {
            if !expected.eq_ignore_ascii_case(label.trim()) {
                out.push(
                    &format!("{ipath}/term_label"),
                    "fairtracks-term-label",
                    Severity::Warning,
                    format!("`{label}` is not the label of {id}, which is `{expected}`"),
                );
            }
        }
    }
}

/// Warn about strings with leading or trailing whitespace.
fn whitespace(v: &Value, path: &str, out: &mut Out) {
    match v {
        Value::String(s) if s.trim() != s => out.push(
            path,
            "fairtracks-whitespace",
            Severity::Warning,
            format!("{} has leading or trailing whitespace; trim it", short(v)),
        ),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                whitespace(x, &format!("{path}/{i}"), out);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                whitespace(x, &format!("{path}/{}", pointer_segment(k)), out);
            }
        }
        _ => {}
    }
}

pub(crate) fn validate(doc: &Value, s: &SchemaSet) -> Report {
    let file = doc
        .get("@schema")
        .and_then(Value::as_str)
        .map(file_of)
        .filter(|f| s.docs.contains_key(*f))
        .unwrap_or(TOP);
    let w = Walker { s };
    let mut out = Out::default();
    if let Some(schema) = s.docs.get(file) {
        w.walk(schema, file, "", doc, "", &mut out);
    }
    // unique
    let mut first: HashMap<(&str, &str), &str> = HashMap::new();
    let mut dups = Vec::new();
    for (key, value, path) in &out.keys {
        match first.get(&(key.as_str(), value.as_str())) {
            Some(p) => dups.push((
                path.clone(),
                format!("`{value}` is already used at {p}; {key} values must be unique"),
            )),
            None => {
                first.insert((key.as_str(), value.as_str()), path.as_str());
            }
        }
    }
    for (path, msg) in dups {
        out.err(&path, "fairtracks-unique", msg);
    }
    // foreign references: only in top-level documents
    if file == TOP {
        let mut bad = Vec::new();
        for (target, value, path) in &out.refs {
            let found = out.keys.iter().any(|(k, v, _)| k == target && v == value);
            if !found {
                let (tfile, tprop) = target.split_once('#').unwrap_or((target.as_str(), ""));
                bad.push((
                    path.clone(),
                    format!(
                        "`{value}` names no object: no `{tprop}` in the document's {} objects has this value; fix the reference or add the object",
                        tfile.trim_end_matches(".schema.json").trim_start_matches("fairtracks_").trim_start_matches("fairtracks")
                    ),
                ));
            }
        }
        for (path, msg) in bad {
            out.err(&path, "fairtracks-foreign-ref", msg);
        }
        if let Some(v) = doc.pointer("/doc_info/doc_version").and_then(Value::as_str) {
            if v.len() >= 32 && v.chars().all(|c| c.is_ascii_hexdigit()) {
                out.push(
                    "/doc_info/doc_version",
                    "fairtracks-doc-version",
                    Severity::Warning,
                    format!(
                        "`{}…` looks like a content hash, not a document version such as 1.0.0",
                        &v[..12]
                    ),
                );
            }
        }
    }
    whitespace(doc, "", &mut out);
    let mut diagnostics = out.diags;
    diagnostics.sort_by(|a, b| (&a.path, a.severity, a.rule).cmp(&(&b.path, b.severity, b.rule)));
    diagnostics.dedup();
    Report {
        schema: file.to_string(),
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_checks_refs_patterns_and_top() {
        let top = r#"{"type":"object","properties":{"a":{"$ref":"x.schema.json"}}}"#;
        let e = SchemaSet::from_texts(&[(TOP, top)]).unwrap_err();
        assert!(matches!(e, SchemaError::BadRef { .. }), "{e}");
        let s = SchemaSet::from_texts(&[(TOP, top), ("x.schema.json", r#"{"pattern":"^a$"}"#)])
            .unwrap();
        assert_eq!(s.files(), [TOP, "x.schema.json"]);
        assert_eq!(s.patterns.len(), 1);
        let e = SchemaSet::from_texts(&[("x.schema.json", "{}")]).unwrap_err();
        assert!(matches!(e, SchemaError::NoTop { .. }), "{e}");
        let e = SchemaSet::from_texts(&[(TOP, r#"{"pattern":"("}"#)]).unwrap_err();
        assert!(matches!(e, SchemaError::BadPattern { .. }), "{e}");
        let e = SchemaSet::from_texts(&[(TOP, "[1]")]).unwrap_err();
        assert!(matches!(e, SchemaError::NotAnObject { .. }), "{e}");
        let e = SchemaSet::from_texts(&[(TOP, "{")]).unwrap_err();
        assert!(
            e.to_string().starts_with("fairtracks.schema.json:1:"),
            "{e}"
        );
    }

    #[test]
    fn date_time() {
        assert!(valid_date_time("2020-07-07T19:02:59Z"));
        assert!(valid_date_time("2020-07-07T19:02:59.5+02:00"));
        assert!(!valid_date_time("2020-13-07T19:02:59Z"));
        assert!(!valid_date_time("yesterday"));
    }

    #[test]
    fn describe() {
        let v: Value = serde_json::json!({"properties":{"technique":{"properties":{"term_id":{"const":"X"}}}}});
        let i = serde_json::json!({"technique": {"term_id": "Y"}});
        assert_eq!(
            describe_if(&v, "", Some(&i)).unwrap(),
            "technique/term_id is Y"
        );
    }
}
