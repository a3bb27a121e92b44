//! UCSC track hubs: read hub.txt / genomes.txt / trackDb.txt into a tree,
//! check them with hubCheck-grade rules, list their tracks as TSV, JSON or
//! GSuite, and search the Track Hub Registry.
//!
//! - [`load`] reads a hub from a path or an `http(s)://` / `file://` URL
//!   (`include`, `useOneFile`, continuation lines, `metaTab`/`metaDb`,
//!   faceted composites' `metaDataUrl`), resolves relative URLs against the
//!   file they appear in, builds the tree hub → genomes → tracks
//!   (superTrack → composite → view → leaf; multiWig containers) and checks
//!   every rule of [`RULES`]. Problems never abort the reading: they are
//!   [`Diagnostic`]s with a rule id and `file:line`.
//! - [`Hub::rows`] flattens the data tracks into [`TrackRow`]s, written by
//!   [`rows_to_tsv`], [`rows_to_json`] and [`rows_to_gsuite`].
//! - [`registry`] is a small client of the Track Hub Registry REST API.
//!
//! Hub track types are mapped onto GTrack track types by [`gtrack_type`].

mod check;
mod load;
pub mod ra;
pub mod registry;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::gsuite::GSuite;

pub use load::{load, LoadOptions};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The hub is broken in a way UCSC's hubCheck reports as an error.
    Error,
    /// Questionable but usable (hubCheck's "warning:" lines).
    Warning,
}

/// One finding: rule, severity, `file:line` and a message saying what is
/// wrong and how to fix it. Displays as `FILE:LINE: RULE: [warning: ]message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable rule id (see [`RULES`]).
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// The file (path or URL) where the problem is.
    pub file: String,
    /// 1-based line (0 when the file itself is the problem).
    pub line: usize,
    /// What is wrong, why, and how to fix it.
    pub message: String,
}

impl Diagnostic {
    /// An error.
    pub fn error(rule: &'static str, file: &str, line: usize, msg: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: Severity::Error,
            file: file.to_string(),
            line,
            message: msg.into(),
        }
    }
    /// A warning.
    pub fn warning(rule: &'static str, file: &str, line: usize, msg: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(rule, file, line, msg)
        }
    }
    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let warn = if self.severity == Severity::Warning {
            "warning: "
        } else {
            ""
        };
        write!(
            f,
            "{}:{}: {}: {}{}",
            self.file, self.line, self.rule, warn, self.message
        )
    }
}

/// A validation rule: id, default severity and a one-line summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// Usual severity (a few rules are errors on data tracks and warnings
    /// on containers; see the docs).
    pub severity: Severity,
    /// One line on what the rule checks.
    pub summary: &'static str,
}

const fn rule(id: &'static str, severity: Severity, summary: &'static str) -> Rule {
    Rule {
        id,
        severity,
        summary,
    }
}

/// Every rule the hub reader and checker apply.
pub const RULES: &[Rule] = &[
    rule(
        "hub-file-unreadable",
        Severity::Error,
        "a hub, genomes, trackDb, include or metadata file cannot be read",
    ),
    rule(
        "hub-url-invalid",
        Severity::Error,
        "a path or URL cannot be resolved against the file it appears in",
    ),
    rule(
        "hub-include-cycle",
        Severity::Error,
        "an `include` chain comes back to a file it is already reading",
    ),
    rule(
        "hub-continuation-eof",
        Severity::Warning,
        "the last line ends in `\\` with nothing to continue",
    ),
    rule(
        "hub-duplicate-setting",
        Severity::Warning,
        "a stanza sets the same key twice with different values",
    ),
    rule(
        "hub-required-setting",
        Severity::Error,
        "a required setting is missing (hub, genome or track stanza)",
    ),
    rule(
        "hub-hub-name",
        Severity::Warning,
        "the `hub` name contains whitespace",
    ),
    rule(
        "hub-description-missing",
        Severity::Warning,
        "hub.txt has no `descriptionUrl`",
    ),
    rule(
        "hub-one-file",
        Severity::Error,
        "a `useOneFile on` hub has more than one genome, or also a genomesFile",
    ),
    rule(
        "hub-genome-duplicate",
        Severity::Error,
        "a genome is declared twice",
    ),
    rule(
        "hub-stanza-unexpected",
        Severity::Error,
        "a stanza lacks the key that names it (`genome` / `track`)",
    ),
    rule(
        "hub-label-length",
        Severity::Warning,
        "shortLabel longer than 17 or longLabel longer than 76 characters",
    ),
    rule(
        "hub-track-name",
        Severity::Error,
        "a track name has characters outside [A-Za-z0-9_-] (a `.` is a warning)",
    ),
    rule(
        "hub-track-duplicate",
        Severity::Error,
        "two tracks of one genome have the same name",
    ),
    rule(
        "hub-type-unknown",
        Severity::Error,
        "`type` is not a track hub type (warning on containers)",
    ),
    rule(
        "hub-type-syntax",
        Severity::Error,
        "a `type` line is malformed (e.g. `bigBed 6+`, `bigBed 6 %`, `bigWig a b`)",
    ),
    rule(
        "hub-parent-missing",
        Severity::Error,
        "`parent` names a track that does not exist",
    ),
    rule(
        "hub-parent-self",
        Severity::Error,
        "a track lists itself as its own parent",
    ),
    rule(
        "hub-parent-cycle",
        Severity::Error,
        "following `parent` links comes back to the same track",
    ),
    rule(
        "hub-parent-not-container",
        Severity::Warning,
        "`parent` names a track that is not a superTrack, composite, view or multiWig",
    ),
    rule(
        "hub-view-parent",
        Severity::Error,
        "a `view` stanza's parent is not a composite track",
    ),
    rule(
        "hub-view-undefined",
        Severity::Error,
        "a view is not listed in the composite's `view` subgroup",
    ),
    rule(
        "hub-view-mismatch",
        Severity::Error,
        "a subtrack's `subGroups view=` differs from the view it is under",
    ),
    rule(
        "hub-subgroup-limit",
        Severity::Error,
        "a composite defines subGroupN outside subGroup1..subGroup9",
    ),
    rule(
        "hub-subgroup-syntax",
        Severity::Error,
        "a subGroupN line is malformed (needs `tag Title key=Label...`)",
    ),
    rule(
        "hub-subgroup-duplicate",
        Severity::Error,
        "two subGroupN lines define the same tag",
    ),
    rule(
        "hub-subgroup-unused",
        Severity::Warning,
        "a subgroup value is used by no subtrack",
    ),
    rule(
        "hub-subgroups-missing",
        Severity::Error,
        "a subtrack lacks `subGroups` or one of the parent's subgroup tags",
    ),
    rule(
        "hub-subgroups-undefined",
        Severity::Error,
        "a subtrack's subGroups tag is not defined at the parent level",
    ),
    rule(
        "hub-subgroups-value",
        Severity::Error,
        "a subtrack's subGroups value is not a member of that subgroup",
    ),
    rule(
        "hub-dimensions-undefined",
        Severity::Error,
        "`dimensions` names a subgroup tag that is not defined",
    ),
    rule(
        "hub-multiwig-single",
        Severity::Error,
        "a `container multiWig` has fewer than two subtracks",
    ),
    rule(
        "hub-multiwig-child-type",
        Severity::Error,
        "a multiWig subtrack is not a bigWig",
    ),
    rule(
        "hub-visibility",
        Severity::Error,
        "`visibility` is not hide, dense, squish, pack or full",
    ),
    rule(
        "hub-metadata-syntax",
        Severity::Warning,
        "a `metadata` line or metadata table has unreadable parts",
    ),
    rule(
        "hub-meta-unknown",
        Severity::Warning,
        "a track's `meta` tag is not in the genome's metaTab/metaDb table",
    ),
];

/// Where a track sits in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TrackKind {
    /// `superTrack on`: a folder of tracks.
    SuperTrack,
    /// `compositeTrack on`.
    Composite,
    /// `compositeTrack faceted` (sample metadata in `metaDataUrl`).
    FacetedComposite,
    /// `view NAME` inside a composite.
    View,
    /// `container multiWig`: overlaid bigWigs.
    MultiWig,
    /// Anything else: a data track (or an empty parent).
    Track,
}

impl TrackKind {
    /// True for the kinds that may hold subtracks.
    pub fn is_container(self) -> bool {
        !matches!(self, TrackKind::Track)
    }
    /// The name used in listings (`superTrack`, `composite`, …).
    pub fn name(self) -> &'static str {
        match self {
            TrackKind::SuperTrack => "superTrack",
            TrackKind::Composite => "composite",
            TrackKind::FacetedComposite => "facetedComposite",
            TrackKind::View => "view",
            TrackKind::MultiWig => "multiWig",
            TrackKind::Track => "track",
        }
    }
}

/// A `subGroupN tag Title key=Label …` definition on a composite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubGroupDef {
    /// N of subGroupN.
    pub number: u32,
    /// The tag subtracks use (`view`, `cellType`).
    pub tag: String,
    /// The title shown (underscores as spaces).
    pub title: String,
    /// The allowed values: key and label (underscores as spaces).
    pub values: Vec<(String, String)>,
    /// Line of the definition.
    pub line: usize,
}

/// One track stanza, placed in the tree.
#[derive(Debug, Clone, Serialize)]
pub struct Track {
    /// The `track` name.
    pub name: String,
    /// Its role in the hierarchy.
    pub kind: TrackKind,
    /// File (display name) of the stanza.
    pub file: String,
    /// Line of the stanza's first setting.
    pub line: usize,
    /// The stanza's own settings (the last of repeated keys wins).
    pub settings: BTreeMap<String, String>,
    /// Index of the parent track in [`HubGenome::tracks`].
    pub parent: Option<usize>,
    /// Indexes of the subtracks, in file order.
    pub children: Vec<usize>,
    /// `parent NAME on|off`: shown by default or not (None: not said).
    pub on: Option<bool>,
    /// The `type`, inherited from a composite/view/multiWig when not set.
    pub track_type: Option<String>,
    /// `bigDataUrl`, resolved against the file of the stanza.
    pub big_data_url: Option<String>,
    /// `subGroupN` definitions (composites).
    pub subgroup_defs: Vec<SubGroupDef>,
    /// `subGroups tag=value …` assignments, as written.
    pub subgroups: BTreeMap<String, String>,
    /// Facets: subgroup tag → value label (underscores as spaces), plus
    /// the columns of a faceted composite's metadata table.
    pub facets: BTreeMap<String, String>,
    /// `metadata k=v …` plus the `meta` row of metaTab/metaDb, if any.
    pub metadata: BTreeMap<String, String>,
    /// Own settings with their lines (for diagnostics).
    #[serde(skip)]
    pub(crate) stanza: ra::Stanza,
    /// URL of the file the stanza is in (base of relative URLs).
    #[serde(skip)]
    pub(crate) base: String,
}

impl Track {
    /// Own setting `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings.get(key).map(String::as_str)
    }
    /// The first word of the effective type (`bigBed`, `bigWig`, …).
    pub fn base_type(&self) -> Option<&str> {
        self.track_type.as_deref()?.split_whitespace().next()
    }
}

/// A genome of the hub and its tracks.
#[derive(Debug, Clone, Serialize)]
pub struct HubGenome {
    /// The `genome` name (UCSC db name or accession).
    pub name: String,
    /// The resolved `trackDb` URL (None for `useOneFile` hubs).
    pub trackdb: Option<String>,
    /// File of the genome stanza.
    pub file: String,
    /// Line of the genome stanza.
    pub line: usize,
    /// The genome stanza's settings.
    pub settings: BTreeMap<String, String>,
    /// All tracks in file order; the tree is in `parent`/`children`.
    pub tracks: Vec<Track>,
    /// Indexes of the top-level tracks.
    pub roots: Vec<usize>,
}

impl HubGenome {
    /// The track named `name`.
    pub fn track(&self, name: &str) -> Option<&Track> {
        self.tracks.iter().find(|t| t.name == name)
    }
    /// Names of the ancestors of track `i`, outermost first.
    pub fn ancestors(&self, i: usize) -> Vec<&str> {
        let mut out = Vec::new();
        let mut cur = self.tracks[i].parent;
        while let Some(p) = cur {
            if out.len() > self.tracks.len() {
                break; // cycles are cut by the loader; belt and braces
            }
            out.push(self.tracks[p].name.as_str());
            cur = self.tracks[p].parent;
        }
        out.reverse();
        out
    }
}

/// A track hub.
#[derive(Debug, Clone, Serialize)]
pub struct Hub {
    /// URL of hub.txt.
    pub url: String,
    /// hub.txt as displayed in diagnostics.
    pub file: String,
    /// `hub` name.
    pub name: Option<String>,
    /// `shortLabel`.
    pub short_label: Option<String>,
    /// `longLabel`.
    pub long_label: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `descriptionUrl`, resolved.
    pub description_url: Option<String>,
    /// `useOneFile on`.
    pub use_one_file: bool,
    /// The hub stanza's settings.
    pub settings: BTreeMap<String, String>,
    /// The genomes, in file order.
    pub genomes: Vec<HubGenome>,
}

/// Error of the hub API that stops the work (not a rule violation).
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The hub.txt itself cannot be read.
    #[error("cannot read hub `{input}`: {reason}")]
    Unreadable {
        /// The path or URL given.
        input: String,
        /// Why.
        reason: String,
    },
    /// `--genome` names no genome of the hub.
    #[error("genome `{wanted}` is not in the hub; its genomes are: {available}")]
    GenomeNotFound {
        /// The genome asked for.
        wanted: String,
        /// The hub's genomes, comma-separated.
        available: String,
    },
}

/// A hub together with everything found while reading and checking it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The hub tree.
    pub hub: Hub,
    /// All findings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// True when any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Map a hub `type` onto a GTrack track type (None when there is no
/// sensible one). The mapping is nominal, by format, without reading data:
///
/// | hub type | GTrack type |
/// |---|---|
/// | `bigWig` | function (value per base; a bigWig with gaps reads as step function or valued segments) |
/// | `bigBed`, `bigGenePred`, `bigPsl`, `bigChain`, `bigRmsk`, `bigDbSnp`, `bam` | segments |
/// | `bigNarrowPeak`, `bigBarChart`, `bigLolly` | valued segments |
/// | `bigInteract`, `bigMaf` | linked segments |
/// | `vcfTabix`, `vcfPhasedTrio` | valued points |
/// | `hic`, `halSnake`, others | none |
pub fn gtrack_type(hub_type: &str) -> Option<gtrack_core::TrackType> {
    use gtrack_core::TrackType as T;
    let base = hub_type.split_whitespace().next()?;
    Some(match base {
        "bigWig" => T::Function,
        "bigBed" | "bigGenePred" | "bigPsl" | "bigChain" | "bigRmsk" | "bigDbSnp" | "bam" => {
            T::Segments
        }
        "bigNarrowPeak" | "bigBarChart" | "bigLolly" => T::ValuedSegments,
        "bigInteract" | "bigMaf" => T::LinkedSegments,
        "vcfTabix" | "vcfPhasedTrio" => T::ValuedPoints,
        _ => return None,
    })
}

/// The track types accepted in hubs (first word of `type`).
pub const HUB_TYPES: &[&str] = &[
    "bam",
    "bigBarChart",
    "bigBed",
    "bigChain",
    "bigDbSnp",
    "bigGenePred",
    "bigInteract",
    "bigLolly",
    "bigMaf",
    "bigNarrowPeak",
    "bigPsl",
    "bigQuickLiftChain",
    "bigRmsk",
    "bigWig",
    "halSnake",
    "hic",
    "vcfPhasedTrio",
    "vcfTabix",
];

/// One data track, flattened for listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackRow {
    /// Genome name as the hub writes it.
    pub genome: String,
    /// Track name.
    pub track: String,
    /// Ancestor track names, outermost first.
    pub parents: Vec<String>,
    /// Hub `type` line (effective).
    #[serde(rename = "type")]
    pub track_type: String,
    /// GTrack track type name (see [`gtrack_type`]), if any.
    pub gtrack_type: Option<String>,
    /// Resolved `bigDataUrl`.
    pub uri: String,
    /// `shortLabel`.
    pub short_label: String,
    /// `longLabel`.
    pub long_label: String,
    /// Subgroup facets.
    pub facets: BTreeMap<String, String>,
    /// `metadata` and metadata-table values.
    pub metadata: BTreeMap<String, String>,
}

/// True when the hub's genome `have` is the genome `wanted`: same name in
/// any case, or the same bundled assembly (`hg38` = `GRCh38`).
pub fn genome_matches(have: &str, wanted: &str) -> bool {
    if have.eq_ignore_ascii_case(wanted) {
        return true;
    }
    match (
        gtrack_core::Genome::bundled(have),
        gtrack_core::Genome::bundled(wanted),
    ) {
        (Ok(a), Ok(b)) => a.name() == b.name(),
        _ => false,
    }
}

impl Hub {
    /// The data tracks (tracks with a `bigDataUrl`), of all genomes or of
    /// the genome `genome` (matched by [`genome_matches`]).
    pub fn rows(&self, genome: Option<&str>) -> Result<Vec<TrackRow>, HubError> {
        let genomes: Vec<&HubGenome> = match genome {
            None => self.genomes.iter().collect(),
            Some(w) => {
                let g: Vec<_> = self
                    .genomes
                    .iter()
                    .filter(|g| genome_matches(&g.name, w))
                    .collect();
                if g.is_empty() {
                    return Err(HubError::GenomeNotFound {
                        wanted: w.to_string(),
                        available: self
                            .genomes
                            .iter()
                            .map(|g| g.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                }
                g
            }
        };
        let mut rows = Vec::new();
        for g in genomes {
            for (i, t) in g.tracks.iter().enumerate() {
                let Some(uri) = &t.big_data_url else { continue };
                let ty = t.track_type.clone().unwrap_or_default();
                rows.push(TrackRow {
                    genome: g.name.clone(),
                    track: t.name.clone(),
                    parents: g.ancestors(i).into_iter().map(String::from).collect(),
                    gtrack_type: gtrack_type(&ty).map(|t| t.name().to_string()),
                    track_type: ty,
                    uri: uri.clone(),
                    short_label: t.get("shortLabel").unwrap_or("").to_string(),
                    long_label: t.get("longLabel").unwrap_or("").to_string(),
                    facets: t.facets.clone(),
                    metadata: t.metadata.clone(),
                });
            }
        }
        Ok(rows)
    }
}

const FIXED_COLUMNS: &[&str] = &[
    "genome",
    "track",
    "parents",
    "type",
    "gtrack_type",
    "uri",
    "shortLabel",
    "longLabel",
];

/// Extra columns: facet keys, then metadata keys, in first-seen order,
/// renamed when they clash with `taken` (case-insensitively) or each other.
/// Returns (column name, is_facet, key).
fn extra_columns(rows: &[TrackRow], taken: &[&str]) -> Vec<(String, bool, String)> {
    let mut out: Vec<(String, bool, String)> = Vec::new();
    let mut used: Vec<String> = taken.iter().map(|s| s.to_ascii_lowercase()).collect();
    for facet in [true, false] {
        for r in rows {
            let map = if facet { &r.facets } else { &r.metadata };
            for k in map.keys() {
                if out.iter().any(|(_, f, key)| *f == facet && key == k) {
                    continue;
                }
                let mut name = k.clone();
                if used.contains(&name.to_ascii_lowercase()) {
                    name = format!("{k} ({})", if facet { "facet" } else { "metadata" });
                }
                while used.contains(&name.to_ascii_lowercase()) {
                    name.push('_');
                }
                used.push(name.to_ascii_lowercase());
                out.push((name, facet, k.clone()));
            }
        }
    }
    out
}

fn tsv_clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// The rows as TSV: a header line, then one line per track; the fixed
/// columns (genome, track, parents joined by `/`, type, gtrack_type, uri,
/// shortLabel, longLabel) then one column per facet and metadata key
/// (empty when a track has no value).
pub fn rows_to_tsv(rows: &[TrackRow]) -> String {
    let extra = extra_columns(rows, FIXED_COLUMNS);
    let mut out = String::new();
    let mut head: Vec<String> = FIXED_COLUMNS.iter().map(|s| s.to_string()).collect();
    head.extend(extra.iter().map(|(n, _, _)| tsv_clean(n)));
    out.push_str(&head.join("\t"));
    out.push('\n');
    for r in rows {
        let mut f = vec![
            r.genome.clone(),
            r.track.clone(),
            r.parents.join("/"),
            r.track_type.clone(),
            r.gtrack_type.clone().unwrap_or_default(),
            r.uri.clone(),
            r.short_label.clone(),
            r.long_label.clone(),
        ];
        for (_, facet, k) in &extra {
            let m = if *facet { &r.facets } else { &r.metadata };
            f.push(m.get(k).cloned().unwrap_or_default());
        }
        let f: Vec<String> = f.iter().map(|s| tsv_clean(s)).collect();
        out.push_str(&f.join("\t"));
        out.push('\n');
    }
    out
}

/// The rows as a pretty JSON array of objects (keys as in [`TrackRow`]).
pub fn rows_to_json(rows: &[TrackRow]) -> String {
    serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".into()) + "\n"
}

/// `file_format` for a hub type: `bigWig`, `bigBed` (all bigBed-based
/// types), `bam` (`cram` when the URL ends in `.cram`), `vcf` (tabix),
/// `hic`, `hal`.
fn file_format(row: &TrackRow) -> String {
    let base = row.track_type.split_whitespace().next().unwrap_or("");
    match base {
        "bigWig" => "bigWig".into(),
        "bam" if row.uri.to_ascii_lowercase().ends_with(".cram") => "cram".into(),
        "bam" => "bam".into(),
        "vcfTabix" | "vcfPhasedTrio" => "vcf".into(),
        "hic" => "hic".into(),
        "halSnake" => "hal".into(),
        b if b.starts_with("big") => "bigBed".into(),
        b => b.to_string(),
    }
}

/// The rows as a GSuite that passes the GSuite validator: columns `uri`,
/// `title` (shortLabel), `file_format` (`primary`: hub data files are
/// standard formats), `track_type` (GTrack, see [`gtrack_type`]; `.` when
/// there is none), `genome`, then `track`, `long_label`, `parents`,
/// `hub_type` (the hub `type` line), `file_type` (`bigWig`, `bigBed`,
/// `bam`, `cram`, `vcf`, `hic`, `hal`), then facets and metadata. The
/// four headers summarise the rows as GSuite does ([`GSuite::complete_headers`]:
/// `unknown` wins, differing values give `multiple`, track types reduce to
/// the simplest common type).
pub fn rows_to_gsuite(rows: &[TrackRow]) -> GSuite {
    const FIXED: &[&str] = &[
        "uri",
        "title",
        "file_format",
        "track_type",
        "genome",
        "track",
        "long_label",
        "parents",
        "hub_type",
        "file_type",
    ];
    let mut g = GSuite::new(FIXED.iter().copied());
    let extra = extra_columns(rows, FIXED);
    let mut titles = std::collections::HashSet::new();
    for r in rows {
        // Titles are unique in a GSuite: a repeated shortLabel gets the
        // track name (unique within a genome) and then the genome.
        let mut title = r.short_label.trim().to_string();
        if title.is_empty() {
            title = r.track.clone();
        }
        if titles.contains(&title) {
            title = format!("{title} ({})", r.track);
        }
        if titles.contains(&title) {
            title = format!("{title} ({})", r.genome);
        }
        let mut n = 2;
        let base = title.clone();
        while titles.contains(&title) {
            title = format!("{base} ({n})");
            n += 1;
        }
        titles.insert(title.clone());
        let mut f: Vec<(&str, String)> = vec![
            ("uri", r.uri.clone()),
            ("title", title),
            ("file_format", "primary".into()),
            ("track_type", r.gtrack_type.clone().unwrap_or_default()),
            ("genome", r.genome.clone()),
            ("track", r.track.clone()),
            ("long_label", r.long_label.clone()),
            ("parents", r.parents.join("/")),
            ("hub_type", r.track_type.clone()),
            ("file_type", file_format(r)),
        ];
        for (name, facet, k) in &extra {
            let m = if *facet { &r.facets } else { &r.metadata };
            if let Some(v) = m.get(k) {
                f.push((name.as_str(), v.clone()));
            }
        }
        g.push_row(f);
    }
    // Columns come in first-use order; keep the extra columns all present
    // even when the first rows lack them.
    for (name, _, _) in &extra {
        if !g.columns.iter().any(|c| c == name) {
            g.columns.push(name.clone());
            for row in &mut g.rows {
                row.push(".".into());
            }
        }
    }
    g.complete_headers();
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_mapping() {
        use gtrack_core::TrackType as T;
        assert_eq!(gtrack_type("bigWig 0 100"), Some(T::Function));
        assert_eq!(gtrack_type("bigBed 6 +"), Some(T::Segments));
        assert_eq!(gtrack_type("bigInteract"), Some(T::LinkedSegments));
        assert_eq!(gtrack_type("vcfTabix"), Some(T::ValuedPoints));
        assert_eq!(gtrack_type("hic"), None);
        assert_eq!(gtrack_type(""), None);
    }

    #[test]
    fn genome_synonyms() {
        assert!(genome_matches("hg38", "GRCh38"));
        assert!(genome_matches("TAIR10", "tair10"));
        assert!(!genome_matches("hg19", "hg38"));
    }

    #[test]
    fn rule_ids_are_unique_kebab() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(r.id.starts_with("hub-"));
            assert!(r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            assert!(RULES[..i].iter().all(|p| p.id != r.id), "{}", r.id);
        }
    }
}
