//! The embedded catalogue of public track collections.
//!
//! 33 collections (ENCODE, Roadmap, Blueprint, GEO, …) as structured
//! data of our own (`data/catalog.json`, compiled into the binary): NCBI
//! taxon ids of the organisms, assay terms, the organisation, known access
//! methods (portal, REST API, track hub), and the relations between
//! collections as explicit links (`contains`, `derived_from`, `part_of`,
//! `mirrors`) to other catalogue ids. Relations to resources outside the
//! catalogue (EGA, the Alliance of Genome Resources, …) are kept apart.

use std::sync::OnceLock;

/// How one collection relates to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// The subject holds the target's data (ENCODE contains Roadmap).
    Contains,
    /// The subject reprocessed the target's data (ReMap from GEO).
    DerivedFrom,
    /// The subject is one part of the target (PCAWG of ICGC).
    PartOf,
    /// The subject holds copies of the target's data (GEO mirrors ENCODE).
    Mirrors,
    /// The subject's data are copied into the target (external only).
    MirroredIn,
}

impl RelationKind {
    /// The relation's name (`derived_from`).
    pub fn name(self) -> &'static str {
        match self {
            RelationKind::Contains => "contains",
            RelationKind::DerivedFrom => "derived_from",
            RelationKind::PartOf => "part_of",
            RelationKind::Mirrors => "mirrors",
            RelationKind::MirroredIn => "mirrored_in",
        }
    }
    /// The name of the relation read backwards (`contains` → `part_of`).
    pub fn inverse_name(self) -> &'static str {
        match self {
            RelationKind::Contains => "part_of",
            RelationKind::DerivedFrom => "source_of",
            RelationKind::PartOf => "contains",
            RelationKind::Mirrors => "mirrored_in",
            RelationKind::MirroredIn => "mirrors",
        }
    }
}

/// A link to another catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Relation {
    /// The kind of link.
    pub kind: RelationKind,
    /// The id of the other collection (always a catalogue id).
    pub target: String,
}

/// A link to a resource outside the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExternalRelation {
    /// The kind of link.
    pub kind: RelationKind,
    /// The resource's name.
    pub name: String,
    /// Its URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One organism or clade.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Organism {
    /// NCBI Taxonomy id (`None` where we do not state one).
    pub taxon: Option<u32>,
    /// Scientific name.
    pub name: String,
}

/// Kinds of programmatic or human access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    /// A web portal for browsing and download.
    Portal,
    /// A REST API.
    RestApi,
    /// A UCSC track hub (hub.txt URL).
    TrackHub,
}

/// One access method.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Access {
    /// What kind.
    pub kind: AccessKind,
    /// Where.
    pub url: String,
}

/// One track collection.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Collection {
    /// Stable id (`encode`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Other names it goes by (including the wording of the FAIRtracks page).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Home pages.
    pub urls: Vec<String>,
    /// Scientific domains, lower case.
    pub domains: Vec<String>,
    /// Organisms or clades covered.
    pub organisms: Vec<Organism>,
    /// `listed` (exactly these), `clades` (groups of species) or `multiple`
    /// (many, not listed).
    pub organism_scope: String,
    /// Assay terms.
    pub assays: Vec<String>,
    /// Who runs it.
    pub organisation: String,
    /// Known access methods.
    pub access: Vec<Access>,
    /// Links to other catalogue entries.
    pub relations: Vec<Relation>,
    /// Links to resources outside the catalogue.
    pub external_relations: Vec<ExternalRelation>,
    /// A remark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(serde::Deserialize)]
struct File {
    collections: Vec<Collection>,
}

const DATA: &str = include_str!("../data/catalog.json");

/// All collections, in catalogue order.
pub fn collections() -> &'static [Collection] {
    static C: OnceLock<Vec<Collection>> = OnceLock::new();
    C.get_or_init(|| match serde_json::from_str::<File>(DATA) {
        Ok(f) => f.collections,
        // The embedded file is checked by the tests; an unreadable one
        // yields an empty catalogue rather than a panic.
        Err(_) => Vec::new(),
    })
}

/// The collection with this id (case-insensitive) or exact name/alias.
pub fn get(id: &str) -> Option<&'static Collection> {
    let id = id.trim();
    collections()
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(id))
        .or_else(|| {
            collections().iter().find(|c| {
                c.name.eq_ignore_ascii_case(id)
                    || c.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
            })
        })
}

/// A relation seen from one collection: outgoing (as stored) or incoming
/// (stored on the other collection, named by its inverse).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Link {
    /// `contains`, `part_of`, `derived_from`, `source_of`, `mirrors`, `mirrored_in`.
    pub relation: &'static str,
    /// The other collection's id.
    pub other: String,
}

/// Every link of collection `id`, outgoing and incoming.
pub fn links(id: &str) -> Vec<Link> {
    let mut out = Vec::new();
    for c in collections() {
        for r in &c.relations {
            if c.id == id {
                out.push(Link {
                    relation: r.kind.name(),
                    other: r.target.clone(),
                });
            } else if r.target == id {
                out.push(Link {
                    relation: r.kind.inverse_name(),
                    other: c.id.clone(),
                });
            }
        }
    }
    out
}

/// Collections matching free text: every word must occur (case-insensitive)
/// in the id, name, aliases, domains, organism names or taxon ids, assays,
/// organisation or note. Results in catalogue order.
pub fn search(text: &str) -> Vec<&'static Collection> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    collections()
        .iter()
        .filter(|c| {
            let hay = haystack(c);
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect()
}

fn haystack(c: &Collection) -> String {
    let mut h = vec![c.id.clone(), c.name.clone(), c.organisation.clone()];
    h.extend(c.aliases.iter().cloned());
    h.extend(c.domains.iter().cloned());
    h.extend(c.assays.iter().cloned());
    for o in &c.organisms {
        h.push(o.name.clone());
        if let Some(t) = o.taxon {
            h.push(format!("taxon:{t} {t}"));
        }
    }
    h.extend(c.note.iter().cloned());
    h.join(" \u{1f} ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogue_parses() {
        serde_json::from_str::<File>(DATA).unwrap();
        assert_eq!(collections().len(), 33);
    }
}
