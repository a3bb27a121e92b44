//! A local search index: SQLite (bundled) with FTS5 full-text search and
//! facets over harvested sources, queried with a typed query language.
//!
//! Sources ([`Index::add_source`] picks by name and content): the embedded
//! catalogue ([`Index::add_catalog`], one `collection` record per entry),
//! UCSC track hubs ([`Index::add_hub`], one `hub` record and one `track`
//! record per data track, with subgroup facets and metadata), FAIRtracks
//! documents ([`Index::add_fairtracks`]), GSuite files ([`Index::add_gsuite`],
//! read and validated by [`crate::gsuite`]) and generic [`Record`]s
//! ([`Index::add_records`]). Each record gets normalised *facets* (species
//! as NCBI taxon id, assembly as UCSC name with GRC/GCA/GCF synonyms,
//! assay, target, cell, tissue, file type, track type, chromosome with
//! its aliases, source, kind) and a full-text body.
//!
//! The query language ([`parse_query`]):
//!
//! ```text
//! species:9606 assay:ChIP-seq target:H3K27ac assembly:GRCh38 type:bigWig
//! cell:"H1-hESC" -type:bam free words "a quoted phrase"
//! ```
//!
//! `field:value` filters are ANDed (`-field:value` excludes); bare words and
//! quoted phrases are full-text terms, ANDed. Nothing the user types reaches
//! SQL: filters become bound parameters and full-text terms are quoted FTS5
//! strings.

use std::fmt::Write as _;
use std::path::Path;

use rusqlite::{params, params_from_iter, Connection};
use serde_json::{json, Value};

use crate::fairtracks;
use crate::gsuite::{self, GSuite};
use crate::{catalog, hub};

/// Rule ids of query and source errors, with a one-line description.
pub const RULES: &[(&str, &str)] = &[
    (
        "search-unknown-field",
        "a `field:value` filter names a field the index does not have",
    ),
    (
        "search-unterminated-quote",
        "a quoted phrase or value has no closing quote",
    ),
    ("search-empty-value", "a `field:` filter has no value"),
    (
        "search-source-format",
        "an `index add` source is none of: `catalog`, a track hub, FAIRtracks JSON, GSuite",
    ),
];

/// The query fields, with what they match.
pub const FIELDS: &[(&str, &str)] = &[
    ("species", "NCBI taxon id or species name (9606, human, Homo sapiens, taxonomy:9606)"),
    ("assembly", "genome assembly; synonyms match (hg38 = GRCh38 = GCA_000001405.15 = GCF_000001405.26)"),
    ("assay", "experimental technique, substring match ignoring case/punctuation (ChIP-seq, RNA-seq, OBI:0002017)"),
    ("target", "experiment target (H3K27ac = H3K27_acetylation, CTCF)"),
    ("cell", "cell type or cell line (K562, H1-hESC, B cell)"),
    ("tissue", "organism part / tissue (liver)"),
    ("type", "file type (bigWig = bw, bigBed = bb, bed, narrowPeak, bam, …)"),
    ("tracktype", "GTrack track type (segments, VS, step function, …)"),
    ("chrom", "chromosome a track is restricted to (from its metadata or file name); aliases match (chr1 = 1, chrM = MT)"),
    ("source", "the harvested source (file path or name), substring match"),
    ("kind", "record kind (track, collection, hub, …)"),
    ("title", "words in the title (full text)"),
];

/// Errors of the index and the query language.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// A query that cannot be parsed; `column` is 1-based (characters).
    #[error("query column {column}: {rule}: {message}")]
    Query {
        /// 1-based character column in the query.
        column: usize,
        /// Rule id, one of [`RULES`].
        rule: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A source that cannot be indexed.
    #[error("{path}: {rule}: {message}")]
    Source {
        /// The source.
        path: String,
        /// Rule id, one of [`RULES`].
        rule: &'static str,
        /// Why.
        message: String,
    },
    /// A FAIRtracks source that cannot be read.
    #[error(transparent)]
    Fairtracks(#[from] fairtracks::FairtracksError),
    /// A GSuite source that breaks GSuite rules (one diagnostic per
    /// finding, each `FILE:LINE: RULE: message`).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    GSuite(Vec<gsuite::Diagnostic>),
    /// A hub whose hub.txt cannot be read (or refused: private network).
    #[error(transparent)]
    Hub(#[from] hub::HubError),
    /// File-system error.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Database error.
    #[error("search index: {0}")]
    Db(#[from] rusqlite::Error),
}

/// A harvested item to index: a track, a collection, a hub, ….
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Where it was harvested from (file path, URL or name).
    pub source: String,
    /// What it is: `track`, `collection`, `hub`, ….
    pub kind: String,
    /// Its URI (a track file URL, a hub URL, …).
    pub uri: String,
    /// A human-readable title.
    pub title: String,
    /// Metadata; keys like `species`, `assembly`, `assay`, `target`, `cell`,
    /// `tissue`, `type` (or FAIRtracks/TrackFind paths such as
    /// `samples->species_id`) become facets, every value is full text.
    pub fields: Vec<(String, String)>,
}

/// One search result: the record and its normalised facets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The record as indexed.
    pub record: Record,
    /// (facet, display value) pairs, e.g. `("assembly", "hg38")`.
    pub facets: Vec<(String, String)>,
}

impl Hit {
    /// The facet values for `field`, joined with `,`.
    pub fn facet(&self, field: &str) -> String {
        let v: Vec<&str> = self
            .facets
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, v)| v.as_str())
            .collect();
        v.join(",")
    }
}

// ---------------------------------------------------------------- synonyms

/// Species names and NCBI taxon ids (lower-case names).
const SPECIES: &[(&str, &str, &[&str])] = &[
    ("9606", "Homo sapiens", &["human", "h. sapiens", "hsapiens"]),
    (
        "10090",
        "Mus musculus",
        &["mouse", "m. musculus", "mmusculus"],
    ),
    ("10116", "Rattus norvegicus", &["rat", "r. norvegicus"]),
    ("7955", "Danio rerio", &["zebrafish", "d. rerio"]),
    (
        "7227",
        "Drosophila melanogaster",
        &["fruit fly", "fly", "d. melanogaster"],
    ),
    ("6239", "Caenorhabditis elegans", &["worm", "c. elegans"]),
    (
        "4932",
        "Saccharomyces cerevisiae",
        &["yeast", "s. cerevisiae"],
    ),
    (
        "3702",
        "Arabidopsis thaliana",
        &["arabidopsis", "a. thaliana"],
    ),
    ("9031", "Gallus gallus", &["chicken"]),
    ("9823", "Sus scrofa", &["pig"]),
    ("9913", "Bos taurus", &["cattle", "cow"]),
    ("9544", "Macaca mulatta", &["rhesus macaque"]),
    ("8364", "Xenopus tropicalis", &["western clawed frog"]),
];

/// NCBI taxon id for a species given as id, CURIE or name.
pub fn species_taxon(v: &str) -> Option<String> {
    let l = v.trim().to_ascii_lowercase();
    let l = ["taxonomy:", "ncbitaxon:", "ncbitaxon_", "txid"]
        .iter()
        .find_map(|p| l.strip_prefix(p))
        .unwrap_or(&l)
        .trim()
        .to_string();
    if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) {
        return Some(l);
    }
    SPECIES
        .iter()
        .find(|(_, name, alts)| name.eq_ignore_ascii_case(&l) || alts.contains(&l.as_str()))
        .map(|(id, _, _)| id.to_string())
}

/// (UCSC name, GRC name, GenBank accession stem, versions, RefSeq stem, versions).
type AssemblyRow = (
    &'static str,
    &'static str,
    &'static str,
    (u32, u32),
    &'static str,
    (u32, u32),
);

/// Assemblies with their synonyms; accession versions cover the patches.
const ASSEMBLIES: &[AssemblyRow] = &[
    (
        "hg19",
        "grch37",
        "gca_000001405",
        (1, 14),
        "gcf_000001405",
        (13, 25),
    ),
    (
        "hg38",
        "grch38",
        "gca_000001405",
        (15, 29),
        "gcf_000001405",
        (26, 40),
    ),
    (
        "mm10",
        "grcm38",
        "gca_000001635",
        (2, 8),
        "gcf_000001635",
        (20, 26),
    ),
    (
        "mm39",
        "grcm39",
        "gca_000001635",
        (9, 9),
        "gcf_000001635",
        (27, 27),
    ),
];

/// The UCSC name of an assembly given as UCSC name, GRC name (with or
/// without patch), or GenBank/RefSeq accession (`insdc.gca:` CURIE allowed).
pub fn assembly_canonical(v: &str) -> Option<&'static str> {
    let l = v.trim().to_ascii_lowercase();
    let l = l.strip_prefix("insdc.gca:").unwrap_or(&l);
    let grc = l.split(".p").next().unwrap_or(l);
    for (ucsc, g, gca, gv, gcf, fv) in ASSEMBLIES {
        if l == *ucsc || grc == *g {
            return Some(ucsc);
        }
        for (stem, (lo, hi)) in [(gca, gv), (gcf, fv)] {
            if let Some(ver) = l.strip_prefix(stem).and_then(|r| r.strip_prefix('.')) {
                if ver.parse::<u32>().is_ok_and(|n| (*lo..=*hi).contains(&n)) {
                    return Some(ucsc);
                }
            }
        }
    }
    None
}

/// File types: (canonical, lower-case aliases).
const FILE_TYPES: &[(&str, &[&str])] = &[
    ("bigWig", &["bigwig", "bw"]),
    ("bigBed", &["bigbed", "bb"]),
    ("bed", &["bed"]),
    ("narrowPeak", &["narrowpeak", "encode narrow peak format"]),
    ("broadPeak", &["broadpeak", "encode broad peak format"]),
    ("bedGraph", &["bedgraph", "bdg"]),
    ("wig", &["wig"]),
    ("bam", &["bam"]),
    ("cram", &["cram"]),
    ("vcf", &["vcf"]),
    ("gtrack", &["gtrack"]),
    ("gff", &["gff", "gff3", "gtf"]),
];

fn file_type(v: &str) -> Option<&'static str> {
    let l = v.trim().trim_start_matches('.').to_ascii_lowercase();
    FILE_TYPES
        .iter()
        .find(|(_, a)| a.contains(&l.as_str()))
        .map(|(c, _)| *c)
}

/// File type from a URI's extension (`.bed.gz` → bed).
fn file_type_of_uri(uri: &str) -> Option<&'static str> {
    let path = uri.split(['?', '#']).next().unwrap_or(uri);
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".bgz"))
        .unwrap_or(&name);
    file_type(name.rsplit('.').next()?)
}

/// Lower-case alphanumerics only; histone marks in SO style
/// (`H3K27_acetylation`) become their short form (`h3k27ac`).
fn norm_text(v: &str) -> String {
    let l = v.to_ascii_lowercase();
    let mut l = l.replace("_monomethylation", "me1");
    for (long, short) in [
        ("_dimethylation", "me2"),
        ("_trimethylation", "me3"),
        ("_acetylation", "ac"),
    ] {
        l = l.replace(long, short);
    }
    l.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// The query fields that match by substring (of [`norm_text`]).
const CONTAINS: &[&str] = &["assay", "target", "cell", "tissue", "source"];

/// The facet a record field key feeds, if any.
fn facet_of_key(key: &str) -> Option<&'static str> {
    let k = key.to_ascii_lowercase();
    let segs: Vec<&str> = k.split("->").map(str::trim).collect();
    let leaf = *segs.last()?;
    let name = if matches!(leaf, "term_label" | "term_id" | "summary") && segs.len() > 1 {
        if leaf == "term_id" && segs[segs.len() - 2] == "file_format" {
            return None;
        }
        segs[segs.len() - 2]
    } else {
        leaf
    };
    Some(match name {
        "species" | "species_id" | "species_name" | "organism" | "taxon" | "taxon_id"
        | "taxonomy" => "species",
        "assembly" | "assembly_name" | "assembly_id" | "genome" => "assembly",
        "assay" | "technique" | "assay_type" | "experiment type" | "experiment_type" => "assay",
        "target" | "antibody" | "sequence_feature" | "gene_id" | "histone" | "factor" | "mark" => {
            "target"
        }
        "cell" | "cell_type" | "cell_line" | "cell type" | "cell line" | "celltype"
        | "cellline" | "sample_type" | "biosample" => "cell",
        "tissue" | "organism_part" | "organ" => "tissue",
        "type" | "file_format" | "file_type" | "filetype" | "format" => "type",
        "geometric_track_type" | "track type" | "track_type" | "tracktype" | "gtrack_type" => {
            "tracktype"
        }
        "chrom" | "chromosome" | "chr" | "seqid" | "seq_region" | "sequence" => "chrom",
        _ => return None,
    })
}

/// (display value, normalised value) of a facet value; None drops it.
fn facet_value(facet: &str, v: &str) -> Option<(String, String)> {
    let v = v.trim();
    if v.is_empty() || v == "." {
        return None;
    }
    Some(match facet {
        "species" => {
            let t = species_taxon(v).unwrap_or_else(|| v.to_ascii_lowercase());
            (t.clone(), t)
        }
        "assembly" => {
            let a = assembly_canonical(v)
                .map(str::to_string)
                .unwrap_or_else(|| v.to_ascii_lowercase());
            (a.clone(), a)
        }
        "type" => {
            let t = file_type(v)?;
            (t.to_string(), t.to_ascii_lowercase())
        }
        "tracktype" => {
            let t = v.parse::<gtrack_core::TrackType>().ok()?;
            (t.name().to_string(), t.name().to_string())
        }
        "kind" => (v.to_string(), v.to_ascii_lowercase()),
        _ => (v.to_string(), norm_text(v)),
    })
}

/// The normalised form of a query value for `field`.
fn query_value(field: &str, v: &str) -> String {
    match field {
        "species" => species_taxon(v).unwrap_or_else(|| v.to_ascii_lowercase()),
        "assembly" => assembly_canonical(v)
            .map(str::to_string)
            .unwrap_or_else(|| v.to_ascii_lowercase()),
        "type" => file_type(v)
            .map(str::to_ascii_lowercase)
            .unwrap_or_else(|| v.to_ascii_lowercase()),
        "tracktype" => v
            .parse::<gtrack_core::TrackType>()
            .map(|t| t.name().to_string())
            .unwrap_or_else(|_| v.to_ascii_lowercase()),
        "kind" => v.to_ascii_lowercase(),
        "chrom" => chrom_canonical(v, None),
        _ => norm_text(v),
    }
}

/// Facets of a record: from its fields, its URI, its source and kind.
/// Chromosomes are normalised with the record's assembly (see
/// [`chrom_canonical`]).
fn facets_of(r: &Record) -> Vec<(&'static str, String, String)> {
    let mut out: Vec<(&'static str, String, String)> = Vec::new();
    let mut chroms: Vec<String> = Vec::new();
    let mut add = |f: &'static str, v: &str| {
        if let Some((d, n)) = facet_value(f, v) {
            if !out.iter().any(|(f2, _, n2)| *f2 == f && *n2 == n) {
                out.push((f, d, n));
            }
        }
    };
    for (k, v) in &r.fields {
        match facet_of_key(k) {
            Some("chrom") => chroms.extend(v.split(',').map(|c| c.trim().to_string())),
            Some(f) => add(f, v),
            None => {}
        }
    }
    if let Some(t) = file_type_of_uri(&r.uri) {
        add("type", t);
    }
    chroms.extend(chrom_of_uri(&r.uri));
    add("source", &r.source);
    add("kind", &r.kind);
    let assemblies: Vec<String> = out
        .iter()
        .filter(|(f, _, _)| *f == "assembly")
        .map(|(_, d, _)| d.clone())
        .collect();
    for c in chroms.iter().filter(|c| !c.is_empty() && *c != ".") {
        let n = chrom_canonical(c, assemblies.first().map(String::as_str));
        if !out.iter().any(|(f2, _, n2)| *f2 == "chrom" && *n2 == n) {
            out.push(("chrom", n.clone(), n));
        }
    }
    out
}

// ---------------------------------------------------------------- chromosomes

/// The canonical name of chromosome `name`: through the aliases of the
/// bundled genome `assembly` when there is one and it knows the name
/// (`1` → `chr1`, `MT` → `chrM` in hg38), else by the UCSC convention
/// (`chr` prefix added, `M`/`MT` → `chrM`, `X`/`Y` upper case).
pub fn chrom_canonical(name: &str, assembly: Option<&str>) -> String {
    let name = name.trim();
    if let Some(g) = assembly.and_then(bundled_genome) {
        if let Some(c) = g.canonical(name) {
            return c.to_string();
        }
    }
    let lower = name.to_ascii_lowercase();
    let bare = ["chromosome", "chrom", "chr"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower)
        .trim_start_matches(['_', '-']);
    match bare {
        "m" | "mt" => "chrM".into(),
        b if b.bytes().all(|c| c.is_ascii_digit()) && !b.is_empty() => {
            format!("chr{}", b.trim_start_matches('0'))
        }
        b if b.len() == 1 => format!("chr{}", b.to_ascii_uppercase()),
        _ => format!("chr{bare}"),
    }
}

/// The bundled genome named `assembly` (any synonym), parsed once.
fn bundled_genome(assembly: &str) -> Option<&'static gtrack_core::Genome> {
    use std::sync::OnceLock;
    static G: OnceLock<Vec<gtrack_core::Genome>> = OnceLock::new();
    let all = G.get_or_init(|| {
        gtrack_core::Genome::bundled_names()
            .iter()
            .filter_map(|n| gtrack_core::Genome::bundled(n).ok())
            .collect()
    });
    let canon = assembly_canonical(assembly)?;
    all.iter().find(|g| g.name() == canon)
}

/// A chromosome named in a URI's file name (`ALL.chr22.vcf.gz`,
/// `x_chromosome_X.bed`), if any.
fn chrom_of_uri(uri: &str) -> Option<String> {
    use std::sync::OnceLock;
    static RE: OnceLock<Option<regex::Regex>> = OnceLock::new();
    let re = RE
        .get_or_init(|| {
            regex::Regex::new(
                r"(?i)(?:^|[^a-z0-9])(chr(?:om(?:osome)?)?[_-]?(?:[0-9]{1,2}|x|y|mt|m|w|z))(?:[^a-z0-9]|$)",
            )
            .ok()
        })
        .as_ref()?;
    let path = uri.split(['?', '#']).next().unwrap_or(uri);
    let name = path.rsplit('/').next().unwrap_or(path);
    re.captures(name)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
}

// ---------------------------------------------------------------- query

/// One part of a parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// `field:value` (or `-field:value` when `negated`).
    Filter {
        /// One of [`FIELDS`].
        field: String,
        /// The value as typed (unquoted).
        value: String,
        /// Exclude instead of require.
        negated: bool,
    },
    /// A bare word or a quoted phrase, matched as full text.
    Text(String),
}

/// A parsed query: all terms must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The terms, in order.
    pub terms: Vec<Term>,
}

fn qerr(column: usize, rule: &'static str, message: String) -> SearchError {
    SearchError::Query {
        column,
        rule,
        message,
    }
}

/// Parse the typed query language (see the module docs).
pub fn parse_query(q: &str) -> Result<Query, SearchError> {
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    let mut terms = Vec::new();
    let quoted = |i: &mut usize| -> Result<String, SearchError> {
        let start = *i;
        *i += 1;
        let mut s = String::new();
        while *i < chars.len() && chars[*i] != '"' {
            s.push(chars[*i]);
            *i += 1;
        }
        if *i >= chars.len() {
            return Err(qerr(
                start + 1,
                "search-unterminated-quote",
                "the quote opened here is never closed; add a closing `\"`".into(),
            ));
        }
        *i += 1;
        Ok(s)
    };
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        if chars[i] == '"' {
            let s = quoted(&mut i)?;
            if !s.trim().is_empty() {
                terms.push(Term::Text(s));
            }
            continue;
        }
        let start = i;
        let negated = chars[i] == '-';
        let name_start = if negated { i + 1 } else { i };
        let mut j = name_start;
        while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
            j += 1;
        }
        if j > name_start && j < chars.len() && chars[j] == ':' {
            let field: String = chars[name_start..j]
                .iter()
                .collect::<String>()
                .to_ascii_lowercase();
            if !FIELDS.iter().any(|(f, _)| *f == field) {
                let known: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
                return Err(qerr(
                    name_start + 1,
                    "search-unknown-field",
                    format!(
                        "unknown field `{field}`; known fields: {}. Quote the text (\"{field}:…\") to search it as words",
                        known.join(", ")
                    ),
                ));
            }
            i = j + 1;
            let value = if i < chars.len() && chars[i] == '"' {
                quoted(&mut i)?
            } else {
                let vs = i;
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                chars[vs..i].iter().collect()
            };
            if value.trim().is_empty() {
                return Err(qerr(
                    start + 1,
                    "search-empty-value",
                    format!("`{field}:` has no value; write e.g. `{field}:VALUE`"),
                ));
            }
            if CONTAINS.contains(&field.as_str()) && norm_text(&value).is_empty() {
                return Err(qerr(
                    start + 1,
                    "search-empty-value",
                    format!("`{field}:{value}` has no letters or digits to match; {field} values are compared ignoring case and punctuation"),
                ));
            }
            terms.push(Term::Filter {
                field,
                value: value.trim().to_string(),
                negated,
            });
            continue;
        }
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        let w: String = chars[start..i].iter().collect();
        terms.push(Term::Text(w));
    }
    Ok(Query { terms })
}

/// An FTS5 string literal: the text in double quotes, quotes doubled.
fn fts_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Escape `%`, `_` and `\` for `LIKE … ESCAPE '\'`.
fn like_escape(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// SQL (fixed text, `?` placeholders) selecting matching record ids, with
/// its parameters, and whether it ranks by full text.
fn compile(q: &Query) -> (String, Vec<String>, bool) {
    let mut sql = String::from("SELECT r.id FROM records r");
    let mut args: Vec<String> = Vec::new();
    let mut fts: Vec<String> = Vec::new();
    for t in &q.terms {
        match t {
            Term::Text(s) => fts.push(fts_quote(s)),
            Term::Filter { field, value, .. } if field == "title" => {
                fts.push(format!("title : {}", fts_quote(value)))
            }
            _ => {}
        }
    }
    let ranked = !fts.is_empty();
    if ranked {
        sql.push_str(" JOIN records_fts ON records_fts.rowid = r.id WHERE records_fts MATCH ?");
        args.push(fts.join(" AND "));
    } else {
        sql.push_str(" WHERE 1");
    }
    for t in &q.terms {
        let Term::Filter {
            field,
            value,
            negated,
        } = t
        else {
            continue;
        };
        if field == "title" {
            continue;
        }
        let norm = query_value(field, value);
        let not = if *negated { "NOT " } else { "" };
        if CONTAINS.contains(&field.as_str()) {
            sql.push_str(&format!(
                " AND {not}EXISTS (SELECT 1 FROM facets f WHERE f.record_id = r.id AND f.field = ? AND f.norm LIKE ? ESCAPE '\\')"
            ));
            args.push(field.clone());
            args.push(format!("%{}%", like_escape(&norm)));
        } else {
            sql.push_str(&format!(
                " AND {not}EXISTS (SELECT 1 FROM facets f WHERE f.record_id = r.id AND f.field = ? AND f.norm = ?)"
            ));
            args.push(field.clone());
            args.push(norm);
        }
    }
    if ranked {
        sql.push_str(" ORDER BY records_fts.rank, r.id");
    } else {
        sql.push_str(" ORDER BY r.id");
    }
    (sql, args, ranked)
}

// ---------------------------------------------------------------- index

/// The index: one SQLite database.
pub struct Index {
    conn: Connection,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL,
    uri TEXT NOT NULL, title TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_source ON records(source);
CREATE TABLE IF NOT EXISTS fields (
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS fields_record ON fields(record_id);
CREATE TABLE IF NOT EXISTS facets (
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    field TEXT NOT NULL, value TEXT NOT NULL, norm TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS facets_field ON facets(field, norm);
CREATE INDEX IF NOT EXISTS facets_record ON facets(record_id);
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(title, body);
INSERT OR IGNORE INTO meta VALUES ('schema_version', '1');
";

/// The database file inside an index folder.
pub const DB_FILE: &str = "index.sqlite";

impl Index {
    /// Open (creating if needed) the index in folder `dir`.
    pub fn open(dir: &Path) -> Result<Index, SearchError> {
        std::fs::create_dir_all(dir).map_err(|source| SearchError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        Self::init(Connection::open(dir.join(DB_FILE))?)
    }

    /// An index in memory (for tests and one-off searches).
    pub fn in_memory() -> Result<Index, SearchError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Index, SearchError> {
        conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Index { conn })
    }

    /// Number of records.
    pub fn len(&self) -> Result<usize, SearchError> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM records", [], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// True when the index holds no record.
    pub fn is_empty(&self) -> Result<bool, SearchError> {
        Ok(self.len()? == 0)
    }

    /// Add one record; returns its id.
    pub fn add_record(&mut self, r: &Record) -> Result<i64, SearchError> {
        let tx = self.conn.transaction()?;
        let id = insert(&tx, r)?;
        tx.commit()?;
        Ok(id)
    }

    /// Replace every record of `source` by `records` (one transaction).
    pub fn add_records(&mut self, source: &str, records: &[Record]) -> Result<usize, SearchError> {
        let tx = self.conn.transaction()?;
        remove_source(&tx, source)?;
        for r in records {
            insert(&tx, r)?;
        }
        tx.commit()?;
        Ok(records.len())
    }

    /// Remove every record of `source`; returns how many.
    pub fn remove_source(&mut self, source: &str) -> Result<usize, SearchError> {
        let tx = self.conn.transaction()?;
        let n = remove_source(&tx, source)?;
        tx.commit()?;
        Ok(n)
    }

    /// Index the tracks of a FAIRtracks document (one record per track,
    /// with the linked experiment/sample/study fields), replacing `source`.
    pub fn add_fairtracks(&mut self, source: &str, doc: &Value) -> Result<usize, SearchError> {
        let g = fairtracks::to_gsuite(doc)?;
        self.add_records(source, &records_of_gsuite(source, &g))
    }

    /// Index the tracks of a GSuite, replacing `source`.
    pub fn add_gsuite(&mut self, source: &str, g: &GSuite) -> Result<usize, SearchError> {
        self.add_records(source, &records_of_gsuite(source, g))
    }

    /// Read GSuite text with the full GSuite reader (every rule checked;
    /// an invalid file is [`SearchError::GSuite`] and nothing is indexed)
    /// and index its tracks, replacing `source`.
    pub fn add_gsuite_text(&mut self, source: &str, text: &str) -> Result<usize, SearchError> {
        let parsed = gsuite::parse_str(text, source, &gsuite::ReadOptions::default())
            .map_err(SearchError::GSuite)?;
        self.add_gsuite(source, &parsed.suite)
    }

    /// Index the embedded catalogue of track collections (under
    /// [`CATALOG_SOURCE`]), replacing an earlier copy.
    pub fn add_catalog(&mut self) -> Result<usize, SearchError> {
        self.add_records(CATALOG_SOURCE, &records_of_catalog())
    }

    /// Index a hub (see [`records_of_hub`]), replacing `source`.
    pub fn add_hub(&mut self, source: &str, h: &hub::Hub) -> Result<usize, SearchError> {
        self.add_records(source, &records_of_hub(source, h))
    }

    /// Index one source named as on the command line:
    ///
    /// - `catalog` (or `catalogue`): the embedded catalogue (a file of
    ///   that name is reached as `./catalog`);
    /// - an `http(s)://` or `file:` URL: a track hub (hub.txt or a bare
    ///   trackDb), read with `opts.hub` (private-network guard);
    /// - a path: FAIRtracks JSON (`.json` or text starting with `{`),
    ///   GSuite (`.gsuite`, or `##` header lines), or a hub (hub.txt or a
    ///   bare trackDb: the first line that is not a comment starts with
    ///   `hub` or `track`).
    ///
    /// Sources are filed under the URL, the canonical path or `catalog`,
    /// so adding one again replaces its records.
    pub fn add_source(&mut self, spec: &str, opts: &SourceOptions) -> Result<Added, SearchError> {
        let lower = spec.to_ascii_lowercase();
        if lower == "catalog" || lower == "catalogue" {
            let records = self.add_catalog()?;
            return Ok(Added {
                source: CATALOG_SOURCE.into(),
                kind: "catalog",
                records,
                findings: Vec::new(),
            });
        }
        if ["http://", "https://", "file:"]
            .iter()
            .any(|p| lower.starts_with(p))
        {
            return self.add_hub_input(spec, spec, opts);
        }
        let path = Path::new(spec);
        let source = std::fs::canonicalize(path)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| spec.to_string());
        let text = std::fs::read_to_string(path).map_err(|e| SearchError::Io {
            path: spec.to_string(),
            source: e,
        })?;
        match sniff(path, &text) {
            Some("fairtracks") => {
                let doc = fairtracks::parse(&text, spec)?;
                let records = self.add_fairtracks(&source, &doc)?;
                Ok(Added {
                    source,
                    kind: "fairtracks",
                    records,
                    findings: Vec::new(),
                })
            }
            Some("gsuite") => {
                let parsed = gsuite::parse_str(&text, spec, &gsuite::ReadOptions::default())
                    .map_err(SearchError::GSuite)?;
                let records = self.add_gsuite(&source, &parsed.suite)?;
                Ok(Added {
                    source,
                    kind: "gsuite",
                    records,
                    findings: Vec::new(),
                })
            }
            Some(_) => self.add_hub_input(spec, &source, opts),
            None => Err(SearchError::Source {
                path: spec.to_string(),
                rule: "search-source-format",
                message: "not `catalog`, a hub (hub.txt / trackDb, or an http(s) URL of one), FAIRtracks JSON (.json) nor GSuite (.gsuite); give one of those".into(),
            }),
        }
    }

    fn add_hub_input(
        &mut self,
        input: &str,
        source: &str,
        opts: &SourceOptions,
    ) -> Result<Added, SearchError> {
        let loaded = hub::load(input, &opts.hub)?;
        let findings = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(ToString::to_string)
            .collect();
        let records = self.add_hub(source, &loaded.hub)?;
        Ok(Added {
            source: source.to_string(),
            kind: "hub",
            records,
            findings,
        })
    }

    /// Index a file (FAIRtracks JSON, GSuite or a hub; see
    /// [`Index::add_source`], whose rules pick the kind) and return the
    /// number of records. Hubs are read with the default (untrusted)
    /// options.
    pub fn add_path(&mut self, path: &Path) -> Result<usize, SearchError> {
        let spec = path.display().to_string();
        let spec = if matches!(spec.to_ascii_lowercase().as_str(), "catalog" | "catalogue") {
            format!("./{spec}")
        } else {
            spec
        };
        self.add_source(&spec, &SourceOptions::default())
            .map(|a| a.records)
    }

    /// The records matching `q`, best first (full-text rank, then order of
    /// indexing), at most `limit`.
    pub fn search(&self, q: &Query, limit: usize) -> Result<Vec<Hit>, SearchError> {
        let (sql, args, _) = compile(q);
        let sql = format!("{sql} LIMIT ?");
        let mut vals: Vec<rusqlite::types::Value> =
            args.into_iter().map(rusqlite::types::Value::Text).collect();
        vals.push(rusqlite::types::Value::Integer(
            limit.min(i64::MAX as usize) as i64,
        ));
        let mut stmt = self.conn.prepare(&sql)?;
        let ids: Vec<i64> = stmt
            .query_map(params_from_iter(vals), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.into_iter().map(|id| self.hit(id)).collect()
    }

    /// Value counts of facet `field` over the records matching `q`, most
    /// frequent first.
    pub fn facets(&self, q: &Query, field: &str) -> Result<Vec<(String, usize)>, SearchError> {
        if !FIELDS.iter().any(|(f, _)| *f == field) || field == "title" {
            let known: Vec<&str> = FIELDS
                .iter()
                .map(|(f, _)| *f)
                .filter(|f| *f != "title")
                .collect();
            return Err(qerr(
                1,
                "search-unknown-field",
                format!(
                    "unknown facet `{field}`; known facets: {}",
                    known.join(", ")
                ),
            ));
        }
        let (sql, mut args, _) = compile(q);
        let sql = format!(
            "SELECT f.value, COUNT(DISTINCT f.record_id) AS n FROM facets f WHERE f.field = ? AND f.record_id IN ({sql}) GROUP BY f.value ORDER BY n DESC, f.value"
        );
        args.insert(0, field.to_string());
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(args), |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn hit(&self, id: i64) -> Result<Hit, SearchError> {
        let (source, kind, uri, title) = self.conn.query_row(
            "SELECT source, kind, uri, title FROM records WHERE id = ?",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, value FROM fields WHERE record_id = ? ORDER BY pos")?;
        let fields = stmt
            .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT field, value FROM facets WHERE record_id = ? ORDER BY rowid")?;
        let facets = stmt
            .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(Hit {
            record: Record {
                source,
                kind,
                uri,
                title,
                fields,
            },
            facets,
        })
    }
}

fn remove_source(tx: &rusqlite::Transaction<'_>, source: &str) -> Result<usize, SearchError> {
    tx.execute(
        "DELETE FROM records_fts WHERE rowid IN (SELECT id FROM records WHERE source = ?)",
        params![source],
    )?;
    Ok(tx.execute("DELETE FROM records WHERE source = ?", params![source])?)
}

fn insert(tx: &rusqlite::Transaction<'_>, r: &Record) -> Result<i64, SearchError> {
    tx.execute(
        "INSERT INTO records (source, kind, uri, title) VALUES (?, ?, ?, ?)",
        params![r.source, r.kind, r.uri, r.title],
    )?;
    let id = tx.last_insert_rowid();
    for (i, (k, v)) in r.fields.iter().enumerate() {
        tx.execute(
            "INSERT INTO fields (record_id, pos, key, value) VALUES (?, ?, ?, ?)",
            params![id, i as i64, k, v],
        )?;
    }
    let facets = facets_of(r);
    let mut body = String::new();
    for (f, d, n) in &facets {
        tx.execute(
            "INSERT INTO facets (record_id, field, value, norm) VALUES (?, ?, ?, ?)",
            params![id, f, d, n],
        )?;
        // synonyms as searchable words
        if *f == "species" {
            if let Some((_, name, alts)) = SPECIES.iter().find(|(t, _, _)| t == d) {
                let _ = write!(body, "{name} {} ", alts.join(" "));
            }
        }
        if *f == "assembly" {
            if let Some((u, g, ..)) = ASSEMBLIES.iter().find(|a| a.0 == d) {
                let _ = write!(body, "{u} {g} ");
            }
        }
    }
    let _ = write!(body, "{} {} {}", r.uri, r.source, r.kind);
    for (_, v) in &r.fields {
        body.push(' ');
        body.push_str(v);
    }
    tx.execute(
        "INSERT INTO records_fts (rowid, title, body) VALUES (?, ?, ?)",
        params![id, r.title, body],
    )?;
    Ok(id)
}

// ---------------------------------------------------------------- sources

/// One `track` record per GSuite row: the `uri` and `title` columns, the
/// other columns as fields, plus the track's `genome` and `track type` as
/// GSuite resolves them (column, else header; see
/// [`GSuite::track_attributes`]) when no column gives them.
pub fn records_of_gsuite(source: &str, g: &GSuite) -> Vec<Record> {
    (0..g.len())
        .map(|row| {
            let mut r = Record {
                source: source.to_string(),
                kind: "track".into(),
                ..Default::default()
            };
            for (c, v) in g.columns.iter().zip(&g.rows[row]) {
                if v.is_empty() || v == "." {
                    continue;
                }
                match c.to_ascii_lowercase().as_str() {
                    "uri" => r.uri = v.clone(),
                    "title" => r.title = v.trim().to_string(),
                    _ => r.fields.push((c.clone(), v.clone())),
                }
            }
            if r.title.is_empty() {
                r.title = r.uri.rsplit('/').next().unwrap_or(&r.uri).to_string();
            }
            let a = g.track_attributes(row);
            let known = |v: &str| !v.eq_ignore_ascii_case("unknown") && !v.is_empty();
            if g.column("genome").is_none() && known(&a.genome) {
                r.fields.push(("genome".into(), a.genome));
            }
            if g.column("track_type").is_none() && known(&a.track_type) {
                r.fields.push(("track type".into(), a.track_type));
            }
            r
        })
        .collect()
}

/// The name [`Index::add_catalog`] files the catalogue under.
pub const CATALOG_SOURCE: &str = "catalog";

/// One `collection` record per catalogue entry: its name, home page, and
/// fields `id`, `alias`, `domain`, `species` (NCBI taxon id when known,
/// else the name), `assay`, `organisation`, `access->KIND` (portal,
/// rest_api, track_hub URLs), one field per relation (`contains`, …)
/// and `note`.
pub fn records_of_catalog() -> Vec<Record> {
    catalog::collections()
        .iter()
        .map(|c| {
            let mut f: Vec<(String, String)> = vec![("id".into(), c.id.clone())];
            let mut push = |k: &str, v: &str| f.push((k.to_string(), v.to_string()));
            for a in &c.aliases {
                push("alias", a);
            }
            for d in &c.domains {
                push("domain", d);
            }
            for o in &c.organisms {
                match o.taxon {
                    Some(t) => push("species", &t.to_string()),
                    None => push("organism", &o.name),
                }
                push("organism name", &o.name);
            }
            for a in &c.assays {
                push("assay", a);
            }
            push("organisation", &c.organisation);
            for a in &c.access {
                let kind = serde_json::to_value(a.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                push(&format!("access->{kind}"), &a.url);
            }
            for r in &c.relations {
                push(r.kind.name(), &r.target);
            }
            for r in &c.external_relations {
                push(r.kind.name(), &r.name);
            }
            if let Some(n) = &c.note {
                push("note", n);
            }
            Record {
                source: CATALOG_SOURCE.into(),
                kind: "collection".into(),
                uri: c.urls.first().cloned().unwrap_or_default(),
                title: c.name.clone(),
                fields: f,
            }
        })
        .collect()
}

/// Records of a hub: one `hub` record (hub.txt URL, short label, one
/// `assembly` field per genome, long label, email) and one `track` record
/// per data track of every genome (title from `shortLabel`; fields
/// `genome`, `track`, `long_label`, `parents`, `type` (the hub type's
/// first word), `hub_type`, `gtrack_type`, then the subgroup facets and
/// the `metadata` / metadata-table values under their own keys).
pub fn records_of_hub(source: &str, h: &hub::Hub) -> Vec<Record> {
    let mut out = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    if let Some(n) = &h.name {
        fields.push(("hub".into(), n.clone()));
    }
    for g in &h.genomes {
        fields.push(("assembly".into(), g.name.clone()));
    }
    if let Some(l) = &h.long_label {
        fields.push(("long_label".into(), l.clone()));
    }
    if let Some(e) = &h.email {
        fields.push(("email".into(), e.clone()));
    }
    out.push(Record {
        source: source.to_string(),
        kind: "hub".into(),
        uri: h.url.clone(),
        title: h
            .short_label
            .clone()
            .or_else(|| h.name.clone())
            .unwrap_or_else(|| h.url.clone()),
        fields,
    });
    // `rows(None)` never fails; an empty listing is all it could give.
    for row in h.rows(None).unwrap_or_default() {
        let mut f: Vec<(String, String)> = vec![
            ("genome".into(), row.genome.clone()),
            ("track".into(), row.track.clone()),
        ];
        let mut push = |k: &str, v: &str| {
            if !v.is_empty() {
                f.push((k.to_string(), v.to_string()));
            }
        };
        push("long_label", &row.long_label);
        push("parents", &row.parents.join("/"));
        push(
            "type",
            row.track_type.split_whitespace().next().unwrap_or(""),
        );
        push("hub_type", &row.track_type);
        push("gtrack_type", row.gtrack_type.as_deref().unwrap_or(""));
        for (k, v) in row.facets.iter().chain(&row.metadata) {
            push(k, v);
        }
        out.push(Record {
            source: source.to_string(),
            kind: "track".into(),
            uri: row.uri.clone(),
            title: if row.short_label.is_empty() {
                row.track.clone()
            } else {
                row.short_label.clone()
            },
            fields: f,
        });
    }
    out
}

/// How [`Index::add_source`] reaches hubs.
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    /// Options of hub reads (private-network guard, limits).
    pub hub: hub::LoadOptions,
}

/// What [`Index::add_source`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Added {
    /// The name the records are filed under (replaced when added again).
    pub source: String,
    /// What kind of source it was: `catalog`, `hub`, `fairtracks`, `gsuite`.
    pub kind: &'static str,
    /// Records indexed.
    pub records: usize,
    /// Errors found in a hub while reading it (`FILE:LINE: RULE: message`);
    /// what could be read was indexed all the same.
    pub findings: Vec<String>,
}

/// The kind of a local source file, by extension, then by content.
fn sniff(path: &Path, text: &str) -> Option<&'static str> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "json" => return Some("fairtracks"),
        "gsuite" => return Some("gsuite"),
        _ => {}
    }
    let t = text.trim_start_matches('\u{feff}');
    if t.trim_start().starts_with('{') {
        return Some("fairtracks");
    }
    if t.lines().any(|l| l.starts_with("##")) {
        return Some("gsuite");
    }
    let first = t
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let word = first.split_whitespace().next()?;
    if matches!(word, "hub" | "track") {
        return Some("hub");
    }
    if first.contains("://") {
        return Some("gsuite");
    }
    None
}

// ---------------------------------------------------------------- output

const TABLE_FACETS: &[&str] = &["species", "assembly", "assay", "target", "cell", "type"];

/// Results as a tab-separated table with a `#` header line.
pub fn to_table(hits: &[Hit]) -> String {
    let mut out = String::from("#title");
    for f in TABLE_FACETS {
        out.push('\t');
        out.push_str(f);
    }
    out.push_str("\turi\tsource\n");
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    for h in hits {
        out.push_str(&clean(&h.record.title));
        for f in TABLE_FACETS {
            out.push('\t');
            let v = h.facet(f);
            out.push_str(if v.is_empty() { "." } else { &v });
        }
        let _ = writeln!(
            out,
            "\t{}\t{}",
            clean(&h.record.uri),
            clean(&h.record.source)
        );
    }
    out
}

/// Results as a JSON array of `{title, uri, source, kind, facets, fields}`.
pub fn to_json(hits: &[Hit]) -> Value {
    Value::Array(
        hits.iter()
            .map(|h| {
                let mut facets = serde_json::Map::new();
                for (f, v) in &h.facets {
                    if let Some(a) = facets
                        .entry(f.clone())
                        .or_insert_with(|| Value::Array(Vec::new()))
                        .as_array_mut()
                    {
                        a.push(Value::String(v.clone()));
                    }
                }
                let fields: Vec<Value> =
                    h.record.fields.iter().map(|(k, v)| json!([k, v])).collect();
                json!({
                    "title": h.record.title,
                    "uri": h.record.uri,
                    "source": h.record.source,
                    "kind": h.record.kind,
                    "facets": facets,
                    "fields": fields,
                })
            })
            .collect(),
    )
}

/// Results as a GSuite that passes the GSuite validator: columns `uri`,
/// `title` (made unique with ` (2)`, ` (3)`, …), `genome` (the assembly
/// facet, `unknown` when a record has none or several), `track_type` (the
/// tracktype facet, likewise), the record's fields
/// (names compared ignoring case; reserved columns only with values GSuite
/// allows), then `source`; the four headers are derived from the tracks.
/// Records whose URI GSuite cannot hold (none, or an unknown scheme) are
/// left out.
pub fn to_gsuite(hits: &[Hit]) -> GSuite {
    let mut g = GSuite::new(["uri", "title", "genome", "track_type"]);
    let mut titles = std::collections::HashSet::new();
    for h in hits {
        if gsuite::uri::check_uri(&h.record.uri, true).is_err() {
            continue;
        }
        let base = h.record.title.trim().to_string();
        let base = if base.is_empty() {
            h.record.uri.clone()
        } else {
            base
        };
        let mut title = base.clone();
        let mut n = 2;
        while !titles.insert(title.to_lowercase()) {
            title = format!("{base} ({n})");
            n += 1;
        }
        let genome = h.facet("assembly");
        let genome = if genome.is_empty() || genome.contains(',') {
            "unknown".to_string()
        } else {
            genome
        };
        let track_type = h.facet("tracktype");
        let track_type = if track_type.is_empty() || track_type.contains(',') {
            "unknown".to_string()
        } else {
            track_type
        };
        let mut row: Vec<(String, String)> = vec![
            ("uri".into(), h.record.uri.clone()),
            ("title".into(), title),
            ("genome".into(), genome),
            ("track_type".into(), track_type),
        ];
        for (k, v) in &h.record.fields {
            let lk = k.to_ascii_lowercase();
            let allowed = match lk.as_str() {
                "genome" | "track type" | "source" => false,
                "file_format" => {
                    matches!(
                        v.to_ascii_lowercase().as_str(),
                        "unknown" | "primary" | "preprocessed"
                    )
                }
                "track_type" => {
                    v.eq_ignore_ascii_case("unknown") || gsuite::parse_track_type(v).is_some()
                }
                _ => !k.trim().is_empty(),
            };
            if allowed && !row.iter().any(|(k2, _)| k2.eq_ignore_ascii_case(k)) {
                // Use the spelling of an existing column, if any.
                let name = g
                    .columns
                    .iter()
                    .find(|c| c.eq_ignore_ascii_case(k))
                    .cloned()
                    .unwrap_or_else(|| k.clone());
                row.push((name, v.clone()));
            }
        }
        row.push(("source".into(), h.record.source.clone()));
        g.push_row(row.iter().map(|(k, v)| (k.as_str(), v.clone())));
    }
    g.complete_headers();
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms() {
        assert_eq!(assembly_canonical("GRCh38"), Some("hg38"));
        assert_eq!(assembly_canonical("GRCh38.p14"), Some("hg38"));
        assert_eq!(assembly_canonical("GCA_000001405.15"), Some("hg38"));
        assert_eq!(
            assembly_canonical("insdc.gca:GCF_000001405.26"),
            Some("hg38")
        );
        assert_eq!(assembly_canonical("GCA_000001405.1"), Some("hg19"));
        assert_eq!(assembly_canonical("grch37"), Some("hg19"));
        assert_eq!(assembly_canonical("GRCm38"), Some("mm10"));
        assert_eq!(assembly_canonical("mm39"), Some("mm39"));
        assert_eq!(assembly_canonical("GRCm39"), Some("mm39"));
        assert_eq!(assembly_canonical("dm6"), None);
        assert_eq!(species_taxon("Homo sapiens").as_deref(), Some("9606"));
        assert_eq!(species_taxon("taxonomy:10090").as_deref(), Some("10090"));
        assert_eq!(species_taxon("mouse").as_deref(), Some("10090"));
        assert_eq!(species_taxon("martian"), None);
        assert_eq!(norm_text("H3K27_acetylation"), norm_text("H3K27ac"));
        assert_eq!(norm_text("H3K4_trimethylation"), "h3k4me3");
        assert_eq!(file_type_of_uri("http://x/a.bed.gz?x=1"), Some("bed"));
        assert_eq!(file_type_of_uri("http://x/a.bw"), Some("bigWig"));
    }

    #[test]
    fn parse_terms() {
        let q = parse_query(r#"species:human -type:bam cell:"H1 hESC" free "a phrase""#).unwrap();
        assert_eq!(
            q.terms,
            [
                Term::Filter {
                    field: "species".into(),
                    value: "human".into(),
                    negated: false
                },
                Term::Filter {
                    field: "type".into(),
                    value: "bam".into(),
                    negated: true
                },
                Term::Filter {
                    field: "cell".into(),
                    value: "H1 hESC".into(),
                    negated: false
                },
                Term::Text("free".into()),
                Term::Text("a phrase".into()),
            ]
        );
    }

    #[test]
    fn compile_binds_everything() {
        let q = parse_query(r#"assay:"x' OR 1=1; --" "robert'); DROP TABLE records;--""#).unwrap();
        let (sql, args, _) = compile(&q);
        assert!(!sql.contains("DROP"));
        assert!(!sql.contains("OR 1=1"));
        assert_eq!(args.len(), 3);
        assert_eq!(fts_quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(like_escape("50%_\\"), "50\\%\\_\\\\");
    }
}
