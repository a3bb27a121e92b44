//! CURIE checks (`prefix:accession`) against a small bundled subset of the
//! identifiers.org registry: the prefixes FAIRtracks fields name, with their
//! accession patterns.

use std::sync::OnceLock;

use regex::Regex;

use super::{Diagnostic, Severity};

/// Bundled prefixes and the accession pattern of each (identifiers.org
/// style; `None` = any non-empty accession).
pub(crate) const PREFIXES: &[(&str, Option<&str>)] = &[
    ("taxonomy", Some(r"^\d+$")),
    ("pubmed", Some(r"^\d+$")),
    ("geo", Some(r"^G(PL|SM|SE|DS)\d+$")),
    ("insdc.gca", Some(r"^GC[AF]_\d{9}(\.\d+)?$")),
    ("orcid", Some(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")),
    ("biosample", Some(r"^SAM[NED][A-Z]?\d+$")),
    ("ega.study", Some(r"^EGAS\d{11}$")),
    ("ega.experiment", Some(r"^EGAX\d{11}$")),
    ("ega.dataset", Some(r"^EGAD\d{11}$")),
    ("encode", Some(r"^ENC[A-Za-z]{2}[0-9]{3}[A-Za-z]{3}$")),
    ("doi", Some(r"^10\.\d{2,9}/.+$")),
    ("arrayexpress", Some(r"^[AEP]-\w{4}-\d+$")),
    ("ena.embl", None),
    ("sra", None),
    ("hgnc", Some(r"^\d{1,5}$")),
    ("ensembl", None),
    ("fairtracks", None),
];

fn patterns() -> &'static Vec<(&'static str, Option<Regex>)> {
    static P: OnceLock<Vec<(&'static str, Option<Regex>)>> = OnceLock::new();
    P.get_or_init(|| {
        PREFIXES
            .iter()
            .map(|(p, re)| (*p, re.and_then(|r| Regex::new(r).ok())))
            .collect()
    })
}

/// Check one CURIE value; `namespaces` is the field's allowed prefixes
/// (empty = any bundled prefix).
pub(crate) fn check(value: &str, namespaces: &[String], path: &str, out: &mut Vec<Diagnostic>) {
    let err = |rule: &'static str, severity: Severity, message: String| Diagnostic {
        path: path.to_string(),
        rule,
        severity,
        message,
    };
    let Some((prefix, accession)) = value.split_once(':') else {
        out.push(err(
            "fairtracks-curie",
            Severity::Error,
            format!("`{value}` is not a CURIE: expected `prefix:accession` (e.g. `taxonomy:9606`)"),
        ));
        return;
    };
    if value.chars().any(char::is_whitespace) {
        out.push(err(
            "fairtracks-curie",
            Severity::Error,
            format!(
                "`{value}` contains whitespace; a CURIE has none: write `{}:{}`",
                prefix.trim(),
                accession.trim()
            ),
        ));
        return;
    }
    if prefix.is_empty() || accession.is_empty() {
        out.push(err(
            "fairtracks-curie",
            Severity::Error,
            format!("`{value}` has an empty prefix or accession; expected `prefix:accession`"),
        ));
        return;
    }
    if prefix.chars().any(|c| c.is_ascii_uppercase()) {
        out.push(err(
            "fairtracks-curie",
            Severity::Error,
            format!(
                "`{value}`: canonical CURIE prefixes are lower-case: write `{}:{accession}`",
                prefix.to_ascii_lowercase()
            ),
        ));
        return;
    }
    if !namespaces.is_empty() && !namespaces.iter().any(|n| n == prefix) {
        out.push(err(
            "fairtracks-curie-prefix",
            Severity::Error,
            format!(
                "`{value}`: prefix `{prefix}` is not allowed here; use {}",
                namespaces
                    .iter()
                    .map(|n| format!("`{n}:`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        ));
        return;
    }
    match patterns().iter().find(|(p, _)| *p == prefix) {
        Some((_, Some(re))) if !re.is_match(accession) => out.push(err(
            "fairtracks-curie-accession",
            Severity::Error,
            format!(
                "`{value}`: accession `{accession}` does not match the `{prefix}` pattern `{}`",
                re.as_str()
            ),
        )),
        Some(_) => {}
        None => out.push(err(
            "fairtracks-curie-unknown-prefix",
            Severity::Warning,
            format!(
                "`{value}`: prefix `{prefix}` is not in the bundled identifiers.org subset, so it was not checked offline"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(v: &str, ns: &[&str]) -> Vec<&'static str> {
        let mut out = Vec::new();
        let ns: Vec<String> = ns.iter().map(|s| s.to_string()).collect();
        check(v, &ns, "/x", &mut out);
        out.iter().map(|d| d.rule).collect()
    }

    #[test]
    fn curie_cases() {
        assert!(rules("taxonomy:9606", &["taxonomy"]).is_empty());
        assert!(rules("encode:ENCFF207FGO", &[]).is_empty());
        assert_eq!(rules("encode: ENCFF207FGO", &[]), ["fairtracks-curie"]);
        assert_eq!(rules("Taxonomy:9606", &[]), ["fairtracks-curie"]);
        assert_eq!(rules("9606", &[]), ["fairtracks-curie"]);
        assert_eq!(rules("taxonomy:", &[]), ["fairtracks-curie"]);
        assert_eq!(
            rules("pubmed:1", &["taxonomy"]),
            ["fairtracks-curie-prefix"]
        );
        assert_eq!(rules("taxonomy:human", &[]), ["fairtracks-curie-accession"]);
        assert_eq!(rules("foo:bar", &[]), ["fairtracks-curie-unknown-prefix"]);
    }
}
