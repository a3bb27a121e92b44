//! The embedded catalogue: 33 entries, valid relations, every row of the
//! FAIRtracks table (when ../shared is present) represented.

use std::collections::HashSet;
use std::path::Path;

use gtrack_collections::catalog::{self, AccessKind, RelationKind};

#[test]
fn thirty_three_unique_entries() {
    let c = catalog::collections();
    assert_eq!(c.len(), 33);
    let ids: HashSet<&str> = c.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), 33);
    for e in c {
        assert!(
            !e.name.is_empty() && !e.urls.is_empty() && !e.organisation.is_empty(),
            "{}",
            e.id
        );
        assert!(e.urls.iter().all(|u| u.starts_with("http")), "{}", e.id);
        assert!(
            ["listed", "clades", "multiple"].contains(&e.organism_scope.as_str()),
            "{}",
            e.id
        );
        assert_eq!(
            e.organisms.is_empty(),
            e.organism_scope == "multiple",
            "{}",
            e.id
        );
    }
}

#[test]
fn every_relation_target_exists() {
    for e in catalog::collections() {
        for r in &e.relations {
            assert!(
                catalog::get(&r.target).is_some(),
                "{} -> {}",
                e.id,
                r.target
            );
            assert_ne!(r.target, e.id);
            assert_ne!(
                r.kind,
                RelationKind::MirroredIn,
                "only external links use mirrored_in"
            );
        }
    }
}

#[test]
fn relations_from_the_notes() {
    let has = |id: &str, rel: &str, other: &str| {
        catalog::links(id)
            .iter()
            .any(|l| l.relation == rel && l.other == other)
    };
    assert!(has("encode", "contains", "roadmap"));
    assert!(has("encode", "contains", "modencode"));
    assert!(has("encode", "part_of", "ihec"));
    assert!(has("encode", "mirrored_in", "geo"));
    assert!(has("ihec", "contains", "blueprint"));
    assert!(has("pcawg", "part_of", "icgc"));
    assert!(has("remap", "derived_from", "geo"));
    assert!(has("geo", "source_of", "remap"));
    assert!(has("expression-atlas", "derived_from", "gtex"));
    assert!(has("flybase", "mirrored_in", "rnacentral"));
    let fb = catalog::get("flybase").unwrap();
    assert!(fb
        .external_relations
        .iter()
        .any(|r| r.kind == RelationKind::PartOf
            && r.url.as_deref() == Some("https://www.alliancegenome.org")));
}

#[test]
fn taxa_access_and_search() {
    let enc = catalog::get("ENCODE").unwrap();
    let taxa: Vec<Option<u32>> = enc.organisms.iter().map(|o| o.taxon).collect();
    assert_eq!(taxa, [Some(9606), Some(10090)]);
    assert!(enc.access.iter().any(|a| a.kind == AccessKind::RestApi));
    assert_eq!(catalog::get("GeneBank / DDBJ / ENA").unwrap().id, "insdc");
    let ids = |q: &str| {
        catalog::search(q)
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("haematopoietic"), ["blueprint"]);
    assert!(ids("10116").contains(&"rgd"));
    assert!(ids("transcription factor binding").contains(&"remap"));
    assert!(ids("drosophila chromatin").contains(&"modencode"));
    assert!(ids("no-such-thing").is_empty());
}

#[test]
fn every_row_of_the_fairtracks_table_is_in_the_catalogue() {
    let csv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/spec/collections/track-collections.csv");
    let Ok(text) = std::fs::read_to_string(&csv) else {
        println!("SKIPPED: {} not present", csv.display());
        return;
    };
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase()
    };
    let mut rows = 0;
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        // id,name,… — neither of the first two fields is quoted.
        let mut f = line.split(',');
        let (id, name) = (f.next().unwrap(), f.next().unwrap());
        let e = catalog::get(id).unwrap_or_else(|| panic!("row `{id}` missing"));
        let names: Vec<String> = std::iter::once(&e.name)
            .chain(&e.aliases)
            .map(|n| norm(n))
            .collect();
        assert!(names.contains(&norm(name)), "`{name}` not among {names:?}");
        rows += 1;
    }
    assert_eq!(rows, 33);
}
