//! A small bundled subset of the ontologies FAIRtracks v1.0.2 binds its
//! term fields to, so that term fields can be checked offline.
//!
//! **Limitation.** Real validation needs the full ontologies (OBI, EDAM, SO,
//! NCIt, CL, EFO, Uberon: hundreds of thousands of terms). This subset holds
//! only the terms the FAIRtracks examples and conditional rules use, plus a
//! few common ones, each with the ancestor terms the schemas test against
//! (e.g. `OBI_0000011` *planned process*). Consequences:
//!
//! * a term IRI outside the field's ontology (by IRI prefix) is an error
//!   whether or not it is in the subset (`fairtracks-term-ontology`);
//! * a term in the subset but not below a required ancestor is an error
//!   (`fairtracks-term-ancestor`);
//! * a term outside the subset is only a warning (`fairtracks-term-unknown`):
//!   its ancestry cannot be checked offline.
//!
//! Labels are given only where we are sure of them; `None` turns off the
//! `fairtracks-term-label` check for that term.

const OBO: &str = "http://purl.obolibrary.org/obo/";

/// One bundled term.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    /// Short id after the IRI base, e.g. `OBI_0002017` or `format_3006`.
    pub id: &'static str,
    /// The ontology's label, when bundled.
    pub label: Option<&'static str>,
    /// Ancestor short ids (transitively), limited to the roots the schemas use.
    pub ancestors: &'static [&'static str],
}

const PLANNED_PROCESS: &str = "OBI_0000011";
const SEQ_FEATURE: &str = "SO_0000110";
const NATIVE_CELL: &str = "CL_0000003";
const CULTURED_CELL: &str = "CL_0000010";
const MATERIAL_ANATOMICAL: &str = "UBERON_0000465";

macro_rules! t {
    ($id:expr, $label:expr, [$($a:expr),*]) => {
        Term { id: $id, label: $label, ancestors: &[$($a),*] }
    };
}

/// The bundled terms.
pub const TERMS: &[Term] = &[
    // OBI: experimental techniques (all planned processes).
    t!(PLANNED_PROCESS, Some("planned process"), []),
    t!("OBI_0000716", Some("ChIP-seq assay"), [PLANNED_PROCESS]),
    t!(
        "OBI_0002017",
        Some("histone modification identification by ChIP-Seq assay"),
        [PLANNED_PROCESS]
    ),
    t!(
        "OBI_0002019",
        Some("transcription factor binding site identification by ChIP-Seq assay"),
        [PLANNED_PROCESS]
    ),
    t!("OBI_0001271", Some("RNA-seq assay"), [PLANNED_PROCESS]),
    t!("OBI_0001853", None, [PLANNED_PROCESS]),
    t!("OBI_0000748", None, [PLANNED_PROCESS]),
    t!("OBI_0001922", None, [PLANNED_PROCESS]),
    t!("OBI_0002440", None, [PLANNED_PROCESS]),
    t!(
        "OBI_0002039",
        Some("assay for transposase-accessible chromatin using sequencing"),
        [PLANNED_PROCESS]
    ),
    // EDAM: operations, topics and file formats.
    t!("operation_0004", Some("Operation"), []),
    t!("topic_3517", Some("GWAS study"), []),
    t!("format_3003", Some("BED"), []),
    t!("format_3004", Some("bigBed"), []),
    t!("format_3005", Some("WIG"), []),
    t!("format_3006", Some("bigWig"), []),
    t!("format_2572", Some("BAM"), []),
    t!("format_3583", Some("bedgraph"), []),
    t!("format_3613", Some("ENCODE narrow peak format"), []),
    t!("format_3614", Some("ENCODE broad peak format"), []),
    // SO: sequence features (targets).
    t!(SEQ_FEATURE, Some("sequence_feature"), []),
    t!("SO_0001706", Some("H3K4_trimethylation"), [SEQ_FEATURE]),
    t!("SO_0001747", Some("open_chromatin_region"), [SEQ_FEATURE]),
    t!(
        "SO_0000685",
        Some("DNaseI_hypersensitive_site"),
        [SEQ_FEATURE]
    ),
    // NCIt: biospecimen classes, phenotypes, gene products, structures.
    t!("NCIT_C12508", Some("Cell"), []),
    t!("NCIT_C12913", Some("Abnormal Cell"), []),
    t!("NCIT_C16403", Some("Cell Line"), []),
    t!("NCIT_C103199", Some("Organism Part"), []),
    t!("NCIT_C14165", Some("Normal"), []),
    t!("NCIT_C7057", Some("Disease, Disorder or Finding"), []),
    t!("NCIT_C26548", None, []),
    t!("NCIT_C813", None, ["NCIT_C26548"]),
    t!("NCIT_C25966", None, ["NCIT_C26548"]),
    t!("NCIT_C17207", None, ["NCIT_C26548"]),
    t!("NCIT_C14134", None, []),
    t!("NCIT_C13402", None, ["NCIT_C14134"]),
    // CL: native cells.
    t!(NATIVE_CELL, Some("native cell"), []),
    t!("CL_0000236", Some("B cell"), [NATIVE_CELL]),
    t!("CL_0000084", Some("T cell"), [NATIVE_CELL]),
    t!(CULTURED_CELL, Some("cultured cell"), []),
    // EFO: cell lines (cultured cells).
    t!("EFO_0003042", Some("H1-hESC"), [CULTURED_CELL]),
    t!("EFO_0002067", Some("K562"), [CULTURED_CELL]),
    t!("EFO_0001187", Some("HepG2"), [CULTURED_CELL]),
    t!("EFO_0002784", Some("GM12878"), [CULTURED_CELL]),
    // Uberon: organism parts (material anatomical entities).
    t!(MATERIAL_ANATOMICAL, Some("material anatomical entity"), []),
    t!("UBERON_0000922", Some("embryo"), [MATERIAL_ANATOMICAL]),
    t!("UBERON_0000926", Some("mesoderm"), [MATERIAL_ANATOMICAL]),
    t!("UBERON_0002107", Some("liver"), [MATERIAL_ANATOMICAL]),
    t!("UBERON_0000955", Some("brain"), [MATERIAL_ANATOMICAL]),
    t!("UBERON_0000178", Some("blood"), [MATERIAL_ANATOMICAL]),
];

/// IRI prefixes of the terms each ontology (by its OWL URL) may use.
pub const ONTOLOGY_PREFIXES: &[(&str, &[&str])] = &[
    (
        "http://purl.obolibrary.org/obo/obi.owl",
        &["http://purl.obolibrary.org/obo/OBI_"],
    ),
    (
        "http://edamontology.org/EDAM.owl",
        &["http://edamontology.org/"],
    ),
    (
        "http://purl.obolibrary.org/obo/so.owl",
        &["http://purl.obolibrary.org/obo/SO_"],
    ),
    (
        "http://purl.obolibrary.org/obo/ncit.owl",
        &["http://purl.obolibrary.org/obo/NCIT_"],
    ),
    (
        "http://purl.obolibrary.org/obo/cl.owl",
        &["http://purl.obolibrary.org/obo/CL_"],
    ),
    (
        "http://www.ebi.ac.uk/efo/efo.owl",
        &[
            "http://www.ebi.ac.uk/efo/EFO_",
            "http://purl.obolibrary.org/obo/CL_",
            "http://purl.obolibrary.org/obo/CLO_",
        ],
    ),
    (
        "http://purl.obolibrary.org/obo/uberon.owl",
        &["http://purl.obolibrary.org/obo/UBERON_"],
    ),
];

/// The short id of a term IRI (`http://purl.obolibrary.org/obo/OBI_0002017`
/// → `OBI_0002017`, `http://edamontology.org/format_3006` → `format_3006`,
/// `http://www.ebi.ac.uk/efo/EFO_0003042` → `EFO_0003042`).
pub fn short_id(iri: &str) -> Option<&str> {
    for base in [OBO, "http://edamontology.org/", "http://www.ebi.ac.uk/efo/"] {
        if let Some(rest) = iri.strip_prefix(base) {
            if !rest.is_empty() && !rest.contains('/') {
                return Some(rest);
            }
        }
    }
    None
}

/// Look a term up by IRI.
pub fn lookup(iri: &str) -> Option<&'static Term> {
    let id = short_id(iri)?;
    TERMS.iter().find(|t| t.id == id)
}

/// True when the IRI belongs to the ontology named by its OWL URL (by IRI
/// prefix). Unknown ontologies accept anything.
pub fn in_ontology(iri: &str, ontology: &str) -> bool {
    match ONTOLOGY_PREFIXES.iter().find(|(o, _)| *o == ontology) {
        Some((_, prefixes)) => prefixes.iter().any(|p| iri.starts_with(p)),
        None => true,
    }
}

/// True when the term is one of the ancestors or below one of them.
pub fn has_ancestor(term: &Term, ancestors: &[&str]) -> bool {
    ancestors.iter().any(|a| {
        let a = short_id(a).unwrap_or(a);
        term.id == a || term.ancestors.contains(&a)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_and_ancestry() {
        let t = lookup("http://purl.obolibrary.org/obo/OBI_0002017").unwrap();
        assert!(has_ancestor(
            t,
            &["http://purl.obolibrary.org/obo/OBI_0000011"]
        ));
        let b = lookup("http://purl.obolibrary.org/obo/CL_0000236").unwrap();
        assert!(!has_ancestor(
            b,
            &["http://purl.obolibrary.org/obo/CL_0000010"]
        ));
        assert!(lookup("http://example.org/x").is_none());
        assert!(in_ontology(
            "http://edamontology.org/format_3006",
            "http://edamontology.org/EDAM.owl"
        ));
        assert!(!in_ontology(
            "http://purl.obolibrary.org/obo/SO_0001706",
            "http://purl.obolibrary.org/obo/obi.owl"
        ));
    }

    #[test]
    fn every_ancestor_is_bundled() {
        for t in TERMS {
            for a in t.ancestors {
                assert!(TERMS.iter().any(|x| x.id == *a), "{a}");
            }
        }
    }
}
