//! The per-track manifest (`manifest.json`): everything about a stored
//! track except its elements, plus a checksum of every column file.

use std::collections::BTreeMap;
use std::path::Path;

use gtrack_core::{
    Dimension, EdgeSpec, OptionalColumns, TrackSchema, TrackType, ValueSpec, ValueType,
};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Value of the manifest's `format` field.
pub const FORMAT: &str = "gtrack-store-track";
/// The manifest (and column layout) version this crate writes and reads.
pub const VERSION: u32 = 1;
/// File name of the manifest inside a track directory.
pub const MANIFEST: &str = "manifest.json";

/// A column file: size and checksum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Size in bytes.
    pub bytes: u64,
    /// XXH3-64 of the content, 16 hex digits.
    pub xxh3: String,
}

/// Where the track came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The input file names, as given.
    pub files: Vec<String>,
    /// Total size of the inputs in bytes.
    pub bytes: u64,
    /// XXH3-128 over the inputs' bytes (in order), 32 hex digits.
    pub checksum: String,
    /// The format read (`Format::name`).
    pub format: String,
    /// Options that change the result (e.g. `expand-blocks`).
    #[serde(default)]
    pub options: Vec<String>,
}

/// A value or weight type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueEntry {
    /// `number`, `binary`, `character` or `category`.
    #[serde(rename = "type")]
    pub ty: String,
    /// `scalar`, `pair`, `vector` or `list`.
    pub dim: String,
}

/// A bounding region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionEntry {
    /// `genome` (type A) or `sequence` (type B).
    pub kind: String,
    /// Genome, if given.
    pub genome: Option<String>,
    /// Sequence (type B).
    pub seqid: Option<String>,
    /// Start, 0-based.
    pub start: u64,
    /// End, exclusive, when known.
    pub end: Option<u64>,
    /// Index into `seqs` of the block's sequence (type B).
    pub seq: Option<usize>,
    /// First element of the block (in stored order) and element count.
    pub elements: Option<(u64, u64)>,
}

/// One sequence's columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeqEntry {
    /// Genome of the sequence, if known.
    pub genome: Option<String>,
    /// Sequence id.
    pub seqid: String,
    /// Length from the genome, when known.
    pub length: Option<u64>,
    /// Sub-directory holding the column files.
    pub dir: String,
    /// Number of elements.
    pub count: u64,
    /// Number of elements of the merged (non-overlapping) view.
    pub merged_count: u64,
    /// For per-base types: runs of consecutive positions, as
    /// `(first position, first element, element count)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<(u64, u64, u64)>,
    /// True when element ends never decrease in stored order (no element
    /// nested in another), so no running-max-end index is stored.
    pub ends_sorted: bool,
    /// Smallest start and largest end, when there are elements.
    pub span: Option<(u64, u64)>,
    /// Column files by name.
    pub files: BTreeMap<String, FileEntry>,
}

/// The manifest of one stored track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Layout version ([`VERSION`]).
    pub version: u32,
    /// The track's name in the store (`a/b/c`).
    pub name: String,
    /// Version of gtrack that wrote it.
    pub written_by: String,
    /// The input.
    pub source: Source,
    /// Genome name, when the import named one.
    pub genome: Option<String>,
    /// The genome's sequences and lengths (when a genome was named), so
    /// queries can tell an unknown sequence from an empty one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub genome_sizes: Vec<(String, u64)>,
    /// Track type name (e.g. `valued segments`).
    pub track_type: String,
    /// Value type, for valued types.
    pub value: Option<ValueEntry>,
    /// Edge weights type, for weighted linked types.
    pub edge_weights: Option<ValueEntry>,
    /// Edges are undirected (linked types).
    pub undirected_edges: bool,
    /// The track has a strand column.
    pub strand: bool,
    /// The track has an id column.
    pub id: bool,
    /// Extra columns, in order.
    pub extras: Vec<String>,
    /// Bounding regions in source order.
    pub regions: Vec<RegionEntry>,
    /// Free metadata (header variables, track lines).
    pub metadata: Vec<(String, String)>,
    /// Sequences, in source order.
    pub seqs: Vec<SeqEntry>,
    /// Track-level files (category dictionaries).
    pub files: BTreeMap<String, FileEntry>,
}

pub(crate) fn value_entry(v: ValueSpec) -> ValueEntry {
    ValueEntry {
        ty: v.ty.name().into(),
        dim: v.dim.name().into(),
    }
}

fn value_spec(v: &ValueEntry, path: &Path) -> Result<ValueSpec> {
    let bad = |what: String| Error::Corrupt {
        path: path.to_path_buf(),
        track: String::new(),
        what,
    };
    let ty: ValueType = v.ty.parse().map_err(bad)?;
    let dim: Dimension = v.dim.parse().map_err(bad)?;
    Ok(ValueSpec::new(ty, dim))
}

impl Manifest {
    /// The schema of the stored track.
    pub fn schema(&self, path: &Path) -> Result<TrackSchema> {
        let track_type: TrackType = self.track_type.parse().map_err(|_| Error::Corrupt {
            path: path.to_path_buf(),
            track: self.name.clone(),
            what: format!("unknown track type `{}` in the manifest", self.track_type),
        })?;
        let value = self
            .value
            .as_ref()
            .map(|v| value_spec(v, path))
            .transpose()?;
        let weights = self
            .edge_weights
            .as_ref()
            .map(|v| value_spec(v, path))
            .transpose()?;
        if value.is_some() != track_type.is_valued() {
            return Err(Error::Corrupt {
                path: path.to_path_buf(),
                track: self.name.clone(),
                what: "value type does not match the track type".into(),
            });
        }
        Ok(TrackSchema {
            track_type,
            value,
            edges: track_type.is_linked().then_some(EdgeSpec {
                undirected: self.undirected_edges,
                weights,
            }),
            columns: OptionalColumns {
                strand: self.strand,
                id: self.id,
                extra: self.extras.clone(),
            },
        })
    }

    /// Total number of elements.
    pub fn count(&self) -> u64 {
        self.seqs.iter().map(|s| s.count).sum()
    }

    /// Total size of the column files in bytes.
    pub fn column_bytes(&self) -> u64 {
        self.files.values().map(|f| f.bytes).sum::<u64>()
            + self
                .seqs
                .iter()
                .flat_map(|s| s.files.values())
                .map(|f| f.bytes)
                .sum::<u64>()
    }

    /// Read and check a manifest file (format and version).
    pub fn load(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        #[derive(Deserialize)]
        struct Head {
            format: Option<String>,
            version: Option<u32>,
        }
        let corrupt = |what: String| Error::Corrupt {
            path: path.to_path_buf(),
            track: path
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            what,
        };
        let head: Head = serde_json::from_str(&text)
            .map_err(|e| corrupt(format!("the manifest is not valid JSON ({e})")))?;
        if head.format.as_deref() != Some(FORMAT) {
            return Err(corrupt(format!(
                "not a gtrack track manifest (`format` is {:?}, expected {FORMAT:?})",
                head.format
            )));
        }
        match head.version {
            Some(VERSION) => {}
            Some(v) => {
                return Err(Error::Version {
                    path: path.to_path_buf(),
                    found: v,
                    expected: VERSION,
                })
            }
            None => return Err(corrupt("the manifest has no `version`".into())),
        }
        serde_json::from_str(&text)
            .map_err(|e| corrupt(format!("the manifest does not parse ({e})")))
    }
}
