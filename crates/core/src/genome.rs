//! Genomes: ordered sequence names and lengths, with name aliases and
//! bundled assemblies.
//!
//! A [`Genome`] is a named, ordered list of sequences (chromosomes) and
//! their lengths in base pairs. Sequence ids are looked up through an alias
//! index, so that UCSC-style (`chr1`, `chrM`) and Ensembl/NCBI-style (`1`,
//! `MT`) names reach the same sequence:
//!
//! * a name with a `chr` prefix also answers to the name without it, and a
//!   name without it to the name with it (`chr1` = `1`, `X` = `chrX`);
//! * the mitochondrion answers to any of `chrM`, `chrMT`, `M` and `MT`;
//! * an alias is never added when it is the real name of another sequence,
//!   and an alias that two sequences would claim is dropped.
//!
//! Four assemblies are bundled ([`Genome::bundled`]): hg19, hg38, mm10 and
//! mm39, primary chromosomes only (`data/README.md` gives their
//! provenance).
//!
//! ```
//! use gtrack_core::Genome;
//! let hg38 = Genome::bundled("GRCh38").unwrap();
//! assert_eq!(hg38.name(), "hg38");
//! assert_eq!(hg38.length("chr1"), Some(248_956_422));
//! assert_eq!(hg38.length("1"), Some(248_956_422));
//! assert_eq!(hg38.canonical("MT"), Some("chrM"));
//! ```

use std::collections::HashMap;
use std::fmt;
use std::io::BufRead;
use std::path::Path;

/// The bundled assemblies, in the order [`Genome::bundled_names`] lists them.
const BUNDLED: &[(&str, &str)] = &[
    ("hg19", include_str!("../data/hg19.chrom.sizes")),
    ("hg38", include_str!("../data/hg38.chrom.sizes")),
    ("mm10", include_str!("../data/mm10.chrom.sizes")),
    ("mm39", include_str!("../data/mm39.chrom.sizes")),
];

/// The names of the bundled assemblies.
const BUNDLED_NAMES: &[&str] = &["hg19", "hg38", "mm10", "mm39"];

/// Synonyms accepted by [`Genome::bundled`] (compared case-insensitively).
const BUNDLED_SYNONYMS: &[(&str, &str)] = &[
    ("GRCh37", "hg19"),
    ("GRCh38", "hg38"),
    ("GRCm38", "mm10"),
    ("GRCm39", "mm39"),
];

/// Names of the mitochondrial sequence; each is an alias of the others.
const MITO_NAMES: &[&str] = &["chrM", "chrMT", "M", "MT"];

/// Where in a source an error was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// A 1-based line of a chrom.sizes text.
    Line(usize),
    /// A 1-based entry of the list given to [`Genome::new`].
    Entry(usize),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line(n) => write!(f, "line {n}"),
            Position::Entry(n) => write!(f, "entry {n}"),
        }
    }
}

/// `origin:N` for a line, `origin, entry N` for an entry.
fn at(origin: &str, position: &Position) -> String {
    match position {
        Position::Line(n) => format!("{origin}:{n}"),
        Position::Entry(n) => format!("{origin}, entry {n}"),
    }
}

/// `origin:N` when a line is known, `origin` otherwise.
fn at_line(origin: &str, line: Option<&usize>) -> String {
    match line {
        Some(n) => format!("{origin}:{n}"),
        None => origin.to_string(),
    }
}

/// An error building, reading or looking up a [`Genome`].
#[derive(Debug, thiserror::Error)]
pub enum GenomeError {
    /// A line of a chrom.sizes text, or an entry given to [`Genome::new`],
    /// is malformed: too few fields, an empty name, a length that is not a
    /// positive integer.
    #[error("{}: {message}", at(.origin, .position))]
    Parse {
        /// The source: a file path, or a label such as `<hg38>`.
        origin: String,
        /// Where in the source.
        position: Position,
        /// What is wrong.
        message: String,
    },
    /// Two sequences have the same name.
    #[error("{}: duplicate sequence name `{name}` (first at {first})", at(.origin, .second))]
    DuplicateSequence {
        /// The source: a file path, or a label such as `<hg38>`.
        origin: String,
        /// The repeated name.
        name: String,
        /// Where the name was first seen.
        first: Position,
        /// Where it was seen again.
        second: Position,
    },
    /// [`Genome::bundled`] was asked for an assembly it does not have.
    #[error(
        "unknown bundled genome `{name}`; known: {} (synonyms: {})",
        BUNDLED_NAMES.join(", "),
        synonyms_list()
    )]
    UnknownBundled {
        /// The name asked for.
        name: String,
    },
    /// The source could not be opened or read.
    #[error("{}: {source}", at_line(.origin, .line.as_ref()))]
    Io {
        /// The source: a file path, or a label such as `<stdin>`.
        origin: String,
        /// The 1-based line being read, if reading had started.
        line: Option<usize>,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// `GRCh37 = hg19, ...` for error messages.
fn synonyms_list() -> String {
    BUNDLED_SYNONYMS
        .iter()
        .map(|(syn, name)| format!("{syn} = {name}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A genome assembly: a name and an ordered list of sequences with their
/// lengths, looked up by name or alias in O(1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Genome {
    /// Assembly name, e.g. `hg38`.
    name: String,
    /// Sequences in their given order: canonical name and length.
    seqs: Vec<(String, u64)>,
    /// Canonical names and aliases to indexes into `seqs`.
    index: HashMap<String, usize>,
    /// Sum of the lengths.
    total: u64,
}

impl Genome {
    /// A genome from sequence names and lengths, in order.
    ///
    /// Fails on an empty name, a zero length or a repeated name; error
    /// messages name the source as `<name>` and the 1-based entry.
    pub fn new(name: impl Into<String>, seqs: Vec<(String, u64)>) -> Result<Genome, GenomeError> {
        let name = name.into();
        let origin = format!("<{name}>");
        for (i, (seq, len)) in seqs.iter().enumerate() {
            let position = Position::Entry(i + 1);
            if seq.is_empty() {
                return Err(GenomeError::Parse {
                    origin,
                    position,
                    message: "empty sequence name".to_string(),
                });
            }
            if *len == 0 {
                return Err(GenomeError::Parse {
                    origin,
                    position,
                    message: format!("zero length for sequence `{seq}`"),
                });
            }
        }
        let positions: Vec<Position> = (1..=seqs.len()).map(Position::Entry).collect();
        Genome::build(name, &origin, seqs, &positions)
    }

    /// Reads a chrom.sizes text: one sequence a line, its name then its
    /// length, separated by tabs or other whitespace.
    ///
    /// Blank lines and lines starting with `#` are skipped; columns after
    /// the second are ignored. `source` names the text in error messages
    /// (a file path, or a label such as `<stdin>`), e.g.
    /// ``hg.sizes:3: expected `name<TAB>length`, found 1 field``.
    pub fn from_chrom_sizes<R: BufRead>(
        name: &str,
        source: &str,
        reader: R,
    ) -> Result<Genome, GenomeError> {
        let mut seqs = Vec::new();
        let mut positions = Vec::new();
        for (i, line) in reader.lines().enumerate() {
            let line_no = i + 1;
            let line = line.map_err(|e| GenomeError::Io {
                origin: source.to_string(),
                line: Some(line_no),
                source: e,
            })?;
            let text = line.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let parse_error = |message: String| GenomeError::Parse {
                origin: source.to_string(),
                position: Position::Line(line_no),
                message,
            };
            let mut fields = text.split_whitespace();
            let (Some(seq), Some(len)) = (fields.next(), fields.next()) else {
                return Err(parse_error(
                    "expected `name<TAB>length`, found 1 field".to_string(),
                ));
            };
            let len = parse_length(len).map_err(|what| {
                parse_error(format!(
                    "invalid length `{len}` for sequence `{seq}`: {what}"
                ))
            })?;
            seqs.push((seq.to_string(), len));
            positions.push(Position::Line(line_no));
        }
        Genome::build(name.to_string(), source, seqs, &positions)
    }

    /// Reads a chrom.sizes file; the genome is named after the file, less
    /// a `.txt` and then a `.chrom.sizes` or `.sizes` suffix
    /// (`/data/hg38.chrom.sizes` is `hg38`).
    pub fn from_chrom_sizes_path(path: &Path) -> Result<Genome, GenomeError> {
        let origin = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| GenomeError::Io {
            origin: origin.clone(),
            line: None,
            source: e,
        })?;
        let name = genome_name_from_path(path);
        Genome::from_chrom_sizes(&name, &origin, std::io::BufReader::new(file))
    }

    /// A bundled assembly: `hg19`, `hg38`, `mm10` or `mm39`, or one of the
    /// synonyms `GRCh37`, `GRCh38`, `GRCm38`, `GRCm39`, in any case.
    ///
    /// The genome is named with the UCSC name (`GRCh38` gives `hg38`); its
    /// sequences are the primary chromosomes with UCSC names, which also
    /// answer to the Ensembl/NCBI names through aliases.
    pub fn bundled(name: &str) -> Result<Genome, GenomeError> {
        let canonical = BUNDLED_SYNONYMS
            .iter()
            .find(|(syn, _)| syn.eq_ignore_ascii_case(name))
            .map_or(name, |(_, ucsc)| ucsc);
        let Some((ucsc, text)) = BUNDLED
            .iter()
            .find(|(ucsc, _)| ucsc.eq_ignore_ascii_case(canonical))
        else {
            return Err(GenomeError::UnknownBundled {
                name: name.to_string(),
            });
        };
        let origin = format!("{ucsc}.chrom.sizes (bundled)");
        Genome::from_chrom_sizes(ucsc, &origin, text.as_bytes())
    }

    /// The names of the bundled assemblies: `hg19`, `hg38`, `mm10`, `mm39`.
    pub fn bundled_names() -> &'static [&'static str] {
        BUNDLED_NAMES
    }

    /// The assembly name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The number of sequences.
    pub fn len(&self) -> usize {
        self.seqs.len()
    }

    /// True when the genome has no sequence.
    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }

    /// The sequences in order: canonical name and length.
    pub fn sequences(&self) -> impl ExactSizeIterator<Item = (&str, u64)> + '_ {
        self.seqs.iter().map(|(name, len)| (name.as_str(), *len))
    }

    /// The sequence at `index` (in the order of [`Genome::sequences`]):
    /// canonical name and length.
    pub fn sequence(&self, index: usize) -> Option<(&str, u64)> {
        self.seqs
            .get(index)
            .map(|(name, len)| (name.as_str(), *len))
    }

    /// The length of a sequence, by name or alias.
    pub fn length(&self, seqid: &str) -> Option<u64> {
        self.index_of(seqid).map(|i| self.seqs[i].1)
    }

    /// The canonical name of a sequence given by name or alias
    /// (`canonical("1")` is `chr1` in a UCSC-named genome).
    pub fn canonical<'a>(&'a self, seqid: &str) -> Option<&'a str> {
        self.index_of(seqid).map(|i| self.seqs[i].0.as_str())
    }

    /// The position of a sequence, by name or alias, in the order of
    /// [`Genome::sequences`].
    pub fn index_of(&self, seqid: &str) -> Option<usize> {
        self.index.get(seqid).copied()
    }

    /// True when a sequence answers to `seqid` (name or alias).
    pub fn contains(&self, seqid: &str) -> bool {
        self.index.contains_key(seqid)
    }

    /// The sum of the sequence lengths, in base pairs.
    pub fn total_length(&self) -> u64 {
        self.total
    }

    /// Checks names for duplicates and builds the alias index. Lengths are
    /// already known to be positive; `positions[i]` locates `seqs[i]` in
    /// `origin` for error messages.
    fn build(
        name: String,
        origin: &str,
        seqs: Vec<(String, u64)>,
        positions: &[Position],
    ) -> Result<Genome, GenomeError> {
        debug_assert_eq!(seqs.len(), positions.len());
        let mut index: HashMap<String, usize> = HashMap::with_capacity(seqs.len() * 2);
        for (i, (seq, _)) in seqs.iter().enumerate() {
            if let Some(&first) = index.get(seq.as_str()) {
                return Err(GenomeError::DuplicateSequence {
                    origin: origin.to_string(),
                    name: seq.clone(),
                    first: positions[first],
                    second: positions[i],
                });
            }
            index.insert(seq.clone(), i);
        }
        // Aliases in two tiers: the `chr` prefix toggle first, then the
        // mitochondrial synonyms, each only where the name is still free.
        // Within a tier, an alias claimed by two sequences is dropped.
        add_aliases(&mut index, &seqs, |seq| {
            toggle_chr(seq).into_iter().collect()
        });
        add_aliases(&mut index, &seqs, |seq| {
            if MITO_NAMES.contains(&seq) {
                MITO_NAMES.iter().map(|&m| m.to_string()).collect()
            } else {
                Vec::new()
            }
        });
        let total = seqs
            .iter()
            .fold(0u64, |acc, (_, len)| acc.saturating_add(*len));
        Ok(Genome {
            name,
            seqs,
            index,
            total,
        })
    }
}

/// Adds to `index` the aliases that `aliases_of` gives for each sequence,
/// skipping names already taken and dropping those two sequences claim.
fn add_aliases(
    index: &mut HashMap<String, usize>,
    seqs: &[(String, u64)],
    aliases_of: impl Fn(&str) -> Vec<String>,
) {
    let mut claimed: HashMap<String, Option<usize>> = HashMap::new();
    for (i, (seq, _)) in seqs.iter().enumerate() {
        for alias in aliases_of(seq) {
            if alias.is_empty() || index.contains_key(&alias) {
                continue;
            }
            claimed
                .entry(alias)
                .and_modify(|owner| {
                    if *owner != Some(i) {
                        *owner = None;
                    }
                })
                .or_insert(Some(i));
        }
    }
    index.extend(
        claimed
            .into_iter()
            .filter_map(|(alias, owner)| owner.map(|i| (alias, i))),
    );
}

/// `chr1` to `1` and `1` to `chr1`; `None` for a bare `chr`.
fn toggle_chr(seq: &str) -> Option<String> {
    match seq.strip_prefix("chr") {
        Some("") => None,
        Some(rest) => Some(rest.to_string()),
        None => Some(format!("chr{seq}")),
    }
}

/// Parses a sequence length: decimal digits only, positive.
fn parse_length(text: &str) -> Result<u64, &'static str> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected a positive integer");
    }
    match text.parse::<u64>() {
        Ok(0) => Err("length must be positive"),
        Ok(len) => Ok(len),
        Err(_) => Err("too large for a 64-bit length"),
    }
}

/// The genome name for a chrom.sizes path: the file name less a `.txt`
/// and then a `.chrom.sizes` or `.sizes` suffix.
fn genome_name_from_path(path: &Path) -> String {
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut stem = file_name.as_str();
    stem = stem.strip_suffix(".txt").unwrap_or(stem);
    stem = stem
        .strip_suffix(".chrom.sizes")
        .or_else(|| stem.strip_suffix(".sizes"))
        .unwrap_or(stem);
    if stem.is_empty() {
        file_name
    } else {
        stem.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seqs(list: &[(&str, u64)]) -> Vec<(String, u64)> {
        list.iter().map(|&(n, l)| (n.to_string(), l)).collect()
    }

    fn parse(text: &str) -> Result<Genome, GenomeError> {
        Genome::from_chrom_sizes("test", "hg.sizes", text.as_bytes())
    }

    #[test]
    fn bundled_chr1_lengths() {
        for (name, chr1) in [
            ("hg38", 248_956_422),
            ("hg19", 249_250_621),
            ("mm10", 195_471_971),
            ("mm39", 195_154_279),
        ] {
            let g = Genome::bundled(name).unwrap();
            assert_eq!(g.name(), name);
            assert_eq!(g.length("chr1"), Some(chr1), "{name}");
            assert_eq!(g.length("1"), Some(chr1), "{name}");
            assert_eq!(g.sequences().next(), Some(("chr1", chr1)));
        }
    }

    #[test]
    fn bundled_contents() {
        // 22 or 19 autosomes, X, Y, M; totals from data/README.md.
        for (name, n, total, chrm) in [
            ("hg19", 25, 3_095_693_983, 16_571),
            ("hg38", 25, 3_088_286_401, 16_569),
            ("mm10", 22, 2_725_537_669, 16_299),
            ("mm39", 22, 2_723_431_143, 16_299),
        ] {
            let g = Genome::bundled(name).unwrap();
            assert_eq!(g.len(), n, "{name}");
            assert!(!g.is_empty());
            assert_eq!(g.total_length(), total, "{name}");
            let names: Vec<&str> = g.sequences().map(|(s, _)| s).collect();
            let autosomes = n - 3;
            for (i, s) in names[..autosomes].iter().enumerate() {
                assert_eq!(*s, format!("chr{}", i + 1));
            }
            assert_eq!(&names[autosomes..], &["chrX", "chrY", "chrM"]);
            assert_eq!(g.length("MT"), Some(chrm), "{name}");
        }
        let hg38 = Genome::bundled("hg38").unwrap();
        assert_eq!(hg38.length("chrX"), Some(156_040_895));
        assert_eq!(hg38.length("chrY"), Some(57_227_415));
        assert_eq!(hg38.length("chr22"), Some(50_818_468));
    }

    #[test]
    fn bundled_names_and_synonyms() {
        assert_eq!(Genome::bundled_names(), &["hg19", "hg38", "mm10", "mm39"]);
        for (asked, ucsc) in [
            ("GRCh37", "hg19"),
            ("grch38", "hg38"),
            ("GRCM38", "mm10"),
            ("GRCm39", "mm39"),
            ("HG38", "hg38"),
            ("Mm10", "mm10"),
        ] {
            assert_eq!(Genome::bundled(asked).unwrap().name(), ucsc);
        }
        let err = Genome::bundled("hg17").unwrap_err();
        assert!(matches!(err, GenomeError::UnknownBundled { .. }));
        let msg = err.to_string();
        assert!(msg.contains("`hg17`"), "{msg}");
        assert!(msg.contains("hg19, hg38, mm10, mm39"), "{msg}");
        assert!(msg.contains("GRCh38 = hg38"), "{msg}");
    }

    #[test]
    fn aliases() {
        let g = Genome::bundled("hg38").unwrap();
        assert_eq!(g.canonical("chr1"), Some("chr1"));
        assert_eq!(g.canonical("1"), Some("chr1"));
        assert_eq!(g.canonical("X"), Some("chrX"));
        assert_eq!(g.canonical("Y"), Some("chrY"));
        for m in ["chrM", "M", "MT", "chrMT"] {
            assert_eq!(g.canonical(m), Some("chrM"), "{m}");
            assert_eq!(g.index_of(m), Some(24), "{m}");
        }
        assert_eq!(g.index_of("1"), Some(0));
        assert_eq!(g.index_of("chrX"), Some(22));
        assert_eq!(g.canonical("chr23"), None);
        assert_eq!(g.length("chrUn"), None);
        assert_eq!(g.canonical("x"), None, "case-sensitive");
        assert!(g.contains("22"));
        assert!(!g.contains("chr"));
        assert_eq!(g.sequence(24), Some(("chrM", 16_569)));
        assert_eq!(g.sequence(25), None);

        // Ensembl-style names answer to the chr-prefixed ones.
        let e = Genome::new("GRCh38", seqs(&[("1", 10), ("X", 20), ("MT", 30)])).unwrap();
        assert_eq!(e.canonical("chr1"), Some("1"));
        assert_eq!(e.canonical("chrX"), Some("X"));
        for m in ["chrM", "M", "MT", "chrMT"] {
            assert_eq!(e.canonical(m), Some("MT"), "{m}");
        }
    }

    #[test]
    fn aliases_never_shadow_real_names() {
        // `1` and `chr1` both real: each answers only to itself.
        let g = Genome::new("odd", seqs(&[("chr1", 10), ("1", 20), ("chr2", 30)])).unwrap();
        assert_eq!(g.length("chr1"), Some(10));
        assert_eq!(g.length("1"), Some(20));
        assert_eq!(g.length("2"), Some(30));

        // chrM and MT both real: M and chrMT would be ambiguous, so dropped.
        let g = Genome::new("odd", seqs(&[("chrM", 1), ("MT", 2)])).unwrap();
        assert_eq!(g.length("chrM"), Some(1));
        assert_eq!(g.length("MT"), Some(2));
        assert_eq!(
            g.canonical("M"),
            Some("chrM"),
            "chr toggle wins over mito synonyms"
        );
        assert_eq!(
            g.canonical("chrMT"),
            Some("MT"),
            "chr toggle wins over mito synonyms"
        );

        // chrM and chrMT both real: `M` from chrM, `MT` from chrMT.
        let g = Genome::new("odd", seqs(&[("chrM", 1), ("chrMT", 2)])).unwrap();
        assert_eq!(g.length("M"), Some(1));
        assert_eq!(g.length("MT"), Some(2));

        // `chrchrX` toggles to `chrX`, `X` too: ambiguous, dropped.
        let g = Genome::new("odd", seqs(&[("chrchrX", 1), ("X", 2)])).unwrap();
        assert_eq!(g.length("chrX"), None);
        assert_eq!(g.length("X"), Some(2));

        // A bare `chr` has no alias (not the empty string).
        let g = Genome::new("odd", seqs(&[("chr", 5)])).unwrap();
        assert_eq!(g.length(""), None);
        assert_eq!(g.length("chrchr"), None);
        assert_eq!(g.length("chr"), Some(5));
    }

    #[test]
    fn new_keeps_order_and_totals() {
        let g = Genome::new("toy", seqs(&[("b", 5), ("a", 7), ("c", 1)])).unwrap();
        assert_eq!(g.name(), "toy");
        assert_eq!(g.len(), 3);
        assert_eq!(
            g.sequences().collect::<Vec<_>>(),
            vec![("b", 5), ("a", 7), ("c", 1)]
        );
        assert_eq!(g.index_of("a"), Some(1));
        assert_eq!(g.total_length(), 13);
        let empty = Genome::new("empty", Vec::new()).unwrap();
        assert!(empty.is_empty());
        assert_eq!(empty.total_length(), 0);
    }

    #[test]
    fn new_rejects_duplicates_and_bad_entries() {
        let err = Genome::new("hg", seqs(&[("chr1", 5), ("chr2", 6), ("chr1", 7)])).unwrap_err();
        match &err {
            GenomeError::DuplicateSequence {
                name,
                first,
                second,
                ..
            } => {
                assert_eq!(name, "chr1");
                assert_eq!(*first, Position::Entry(1));
                assert_eq!(*second, Position::Entry(3));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            err.to_string(),
            "<hg>, entry 3: duplicate sequence name `chr1` (first at entry 1)"
        );
        let err = Genome::new("hg", seqs(&[("chr1", 5), ("chr2", 0)])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "<hg>, entry 2: zero length for sequence `chr2`"
        );
        let err = Genome::new("hg", seqs(&[("", 5)])).unwrap_err();
        assert_eq!(err.to_string(), "<hg>, entry 1: empty sequence name");
    }

    #[test]
    fn chrom_sizes_parsing() {
        let text = "# a comment\n\
                    chr1\t1000\n\
                    \n\
                    chr2 2000 extra columns\tignored\r\n\
                    \t  \n\
                    chrM\t\t16\n";
        let g = parse(text).unwrap();
        assert_eq!(g.name(), "test");
        assert_eq!(
            g.sequences().collect::<Vec<_>>(),
            vec![("chr1", 1000), ("chr2", 2000), ("chrM", 16)]
        );
        assert_eq!(g.length("MT"), Some(16));
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn chrom_sizes_errors_name_source_and_line() {
        let err = parse("chr1\t10\n\nchr2\n").unwrap_err();
        assert!(matches!(
            err,
            GenomeError::Parse {
                position: Position::Line(3),
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "hg.sizes:3: expected `name<TAB>length`, found 1 field"
        );
        assert_eq!(
            parse("# header\nchr1\tten\n").unwrap_err().to_string(),
            "hg.sizes:2: invalid length `ten` for sequence `chr1`: expected a positive integer"
        );
        assert_eq!(
            parse("chr1\t-5\n").unwrap_err().to_string(),
            "hg.sizes:1: invalid length `-5` for sequence `chr1`: expected a positive integer"
        );
        assert_eq!(
            parse("chr1\t1.5e6\n").unwrap_err().to_string(),
            "hg.sizes:1: invalid length `1.5e6` for sequence `chr1`: expected a positive integer"
        );
        assert_eq!(
            parse("chr1\t1\nchr2\t0\n").unwrap_err().to_string(),
            "hg.sizes:2: invalid length `0` for sequence `chr2`: length must be positive"
        );
        assert_eq!(
            parse("chr1\t99999999999999999999\n")
                .unwrap_err()
                .to_string(),
            "hg.sizes:1: invalid length `99999999999999999999` for sequence `chr1`: \
             too large for a 64-bit length"
        );
    }

    #[test]
    fn chrom_sizes_duplicates_report_both_lines() {
        let err = parse("chr1\t10\n# x\nchr2\t20\nchr1\t30\n").unwrap_err();
        match &err {
            GenomeError::DuplicateSequence {
                origin,
                name,
                first,
                second,
            } => {
                assert_eq!(origin, "hg.sizes");
                assert_eq!(name, "chr1");
                assert_eq!(*first, Position::Line(1));
                assert_eq!(*second, Position::Line(4));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            err.to_string(),
            "hg.sizes:4: duplicate sequence name `chr1` (first at line 1)"
        );
        // A name and an alias of another name are not duplicates.
        assert!(parse("chr1\t10\n1\t20\n").is_ok());
    }

    #[test]
    fn chrom_sizes_io_errors() {
        let err =
            Genome::from_chrom_sizes("x", "<bytes>", &b"chr1\t10\n\xff\t3\n"[..]).unwrap_err();
        assert!(matches!(err, GenomeError::Io { line: Some(2), .. }));
        assert!(err.to_string().starts_with("<bytes>:2: "), "{err}");

        let missing = Path::new("/nonexistent/dir/hg38.chrom.sizes");
        let err = Genome::from_chrom_sizes_path(missing).unwrap_err();
        assert!(matches!(err, GenomeError::Io { line: None, .. }));
        assert!(
            err.to_string()
                .starts_with("/nonexistent/dir/hg38.chrom.sizes: "),
            "{err}"
        );
    }

    #[test]
    fn chrom_sizes_path() {
        let dir = std::env::temp_dir().join(format!("gtrack-genome-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (file, expected) in [
            ("hg38.chrom.sizes", "hg38"),
            ("mm10.sizes", "mm10"),
            ("toy.txt", "toy"),
            ("toy2.chrom.sizes.txt", "toy2"),
            ("plain", "plain"),
        ] {
            let path = dir.join(file);
            std::fs::write(&path, "chr1\t100\nchr2\t50\n").unwrap();
            let g = Genome::from_chrom_sizes_path(&path).unwrap();
            assert_eq!(g.name(), expected, "{file}");
            assert_eq!(g.total_length(), 150);
        }
        let bad = dir.join("bad.chrom.sizes");
        std::fs::write(&bad, "chr1\t100\nchr2 x\n").unwrap();
        let err = Genome::from_chrom_sizes_path(&bad).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}:2: invalid length `x` for sequence `chr2`: expected a positive integer",
                bad.display()
            )
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn genome_names_from_paths() {
        assert_eq!(
            genome_name_from_path(Path::new("a/b/hg19.chrom.sizes")),
            "hg19"
        );
        assert_eq!(genome_name_from_path(Path::new(".sizes")), ".sizes");
        assert_eq!(genome_name_from_path(Path::new("x.y.sizes")), "x.y");
    }
}
