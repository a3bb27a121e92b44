//! The formats we know, how to recognise them, and one entry point to read
//! or write any of them.
//!
//! Every reader maps its format onto the track model so that reading a
//! file in format F gives the same [`Track`] as reading the GTrack file
//! that declares F's bundled subtype (`http://gtrack.no/<f>.gtrack`) with
//! the same data lines: same track type, same column names, same values.
//! Where no subtype exists, the module documents the mapping.

use std::io::BufRead;

use gtrack_core::genome::Genome;
use gtrack_core::track::Track;

use crate::error::Error;
use crate::io::{open_input, Output};

macro_rules! formats {
    ($( $(#[$doc:meta])* $var:ident = $name:literal, $label:literal, [$($ext:literal),*] ),* $(,)?) => {
        /// A track file format.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Format {
            $( $(#[$doc])* $var, )*
        }
        impl Format {
            /// Every format.
            pub const ALL: &'static [Format] = &[$(Format::$var),*];
            /// The name used on the command line (`--from`, `--to`), lower case.
            pub fn name(self) -> &'static str {
                match self { $(Format::$var => $name,)* }
            }
            /// The name as its documentation writes it (`bigWig`, `narrowPeak`).
            pub fn label(self) -> &'static str {
                match self { $(Format::$var => $label,)* }
            }
            /// File-name extensions, longest first, without the leading dot
            /// and without a compression suffix.
            pub fn extensions(self) -> &'static [&'static str] {
                match self { $(Format::$var => &[$($ext),*],)* }
            }
        }
    };
}

formats! {
    /// GTrack 1.0.
    Gtrack = "gtrack", "GTrack", ["gtrack"],
    /// BED3 to BED12 (columns beyond the 12 standard ones kept as extras).
    Bed = "bed", "BED", ["bed"],
    /// HyperBrowser point BED: 1 bp elements read as points.
    PointBed = "point.bed", "point BED", ["point.bed"],
    /// HyperBrowser category BED: column 4 (name) is a category value.
    CategoryBed = "category.bed", "category BED", ["category.bed"],
    /// HyperBrowser valued BED: column 5 (score) is a number value.
    ValuedBed = "valued.bed", "valued BED", ["valued.bed"],
    /// bedDetail: BED4–12 plus `id` and `description`.
    BedDetail = "beddetail", "bedDetail", ["beddetail"],
    /// BED15 microarray: BED12 + expCount, expIds, expScores (vector value).
    Bed15 = "bed15", "BED15 microarray", ["microarray", "bed15"],
    /// bedGraph.
    BedGraph = "bedgraph", "bedGraph", ["bedgraph", "bdg"],
    /// HyperBrowser target/control bedGraph: value 1 = case, 0 = control.
    TargetControl = "targetcontrol.bedgraph", "target/control bedGraph", ["targetcontrol.bedgraph"],
    /// WIG (fixedStep and variableStep).
    Wig = "wig", "WIG", ["wig", "wiggle"],
    /// ENCODE narrowPeak (BED6+4).
    NarrowPeak = "narrowpeak", "narrowPeak", ["narrowpeak"],
    /// ENCODE broadPeak (BED6+3).
    BroadPeak = "broadpeak", "broadPeak", ["broadpeak"],
    /// ENCODE gappedPeak (BED12+3).
    GappedPeak = "gappedpeak", "gappedPeak", ["gappedpeak"],
    /// ENCODE RNA elements (BED6+3).
    RnaElements = "rnaelements", "RNA elements", ["rnaelements"],
    /// ENCODE tagAlign (BED3+3).
    TagAlign = "tagalign", "tagAlign", ["tagalign"],
    /// ENCODE pairedTagAlign (BED6+2).
    PairedTagAlign = "pairedtagalign", "pairedTagAlign", ["pairedtagalign"],
    /// ENCODE peptideMapping (BED6+4).
    PeptideMapping = "peptidemapping", "peptideMapping", ["peptidemapping"],
    /// Personal Genome SNP (BED4+3).
    PgSnp = "pgsnp", "pgSnp", ["pgsnp"],
    /// GFF version 2.
    Gff2 = "gff2", "GFF2", ["gff2"],
    /// GFF version 3 (also `.gff`, unless `##gff-version 2` says otherwise).
    Gff3 = "gff3", "GFF3", ["gff3", "gff"],
    /// GTF 2.2.
    Gtf = "gtf", "GTF", ["gtf"],
    /// PSL alignments.
    Psl = "psl", "PSL", ["psl"],
    /// genePred.
    GenePred = "genepred", "genePred", ["genepred", "gp"],
    /// genePredExt.
    GenePredExt = "genepredext", "genePredExt", ["genepredext"],
    /// refFlat.
    RefFlat = "refflat", "refFlat", ["refflat"],
    /// UCSC interact (BED5+13).
    Interact = "interact", "interact", ["interact"],
    /// WashU long-range text (`chr1 s e chr2:s-e,score`).
    LongRange = "longrange", "long-range", ["longrange"],
    /// BEDPE (paired-end intervals, as interactions).
    Bedpe = "bedpe", "BEDPE", ["bedpe"],
    /// MAF multiple alignments.
    Maf = "maf", "MAF", ["maf"],
    /// FASTA sequences.
    Fasta = "fasta", "FASTA", ["fasta", "fa", "fna", "fas"],
    /// UCSC 2bit sequences.
    TwoBit = "2bit", "2bit", ["2bit"],
    /// UCSC nib sequence (one sequence per file).
    Nib = "nib", "nib", ["nib"],
    /// bigWig.
    BigWig = "bigwig", "bigWig", ["bigwig", "bw"],
    /// bigBed.
    BigBed = "bigbed", "bigBed", ["bigbed", "bb"],
    /// VCF.
    Vcf = "vcf", "VCF", ["vcf"],
    /// BioXSD 1.1 FeatureRecord XML.
    BioXsd = "bioxsd", "BioXSD", ["bioxsd.xml", "bioxsd"],
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let l = s.to_ascii_lowercase();
        Format::ALL
            .iter()
            .copied()
            .find(|f| {
                f.name() == l
                    || f.label().eq_ignore_ascii_case(s)
                    || f.extensions().contains(&l.as_str())
            })
            .ok_or_else(|| {
                format!(
                    "unknown format `{s}`; known formats: {}",
                    Format::ALL
                        .iter()
                        .map(|f| f.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

impl Format {
    /// True for formats that are read from and written to a seekable file
    /// rather than a text stream (bigWig, bigBed, 2bit, nib).
    pub fn is_binary(self) -> bool {
        matches!(
            self,
            Format::BigWig | Format::BigBed | Format::TwoBit | Format::Nib
        )
    }
}

/// Options for reading any format.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Sequence names and lengths, when known: enables length checks,
    /// and is required by formats that do not carry lengths when they
    /// must know them.
    pub genome: Option<Genome>,
    /// BED12, PSL and the genePred family (GFF3: Parent links): expand
    /// blocks (exons) into linked segments, following the bundled
    /// `bed_linked` subtype — the item stays an element (id = its name),
    /// each block becomes an element with id `<name>.<k>` and an edge to
    /// its item (PSL/genePred also link each block to the next). See the
    /// family pages in docs/formats/.
    pub expand_blocks: bool,
}

/// Options for writing any format.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Write even when information is lost (see [`losses`]).
    pub allow_lossy: bool,
    /// Sequence lengths, needed by bigWig/bigBed and useful elsewhere.
    pub genome: Option<Genome>,
    /// GTrack output: declare this bundled subtype (must fit the track,
    /// see [`crate::gtrack::writer::subtype_fit`]).
    pub gtrack_subtype: Option<&'static str>,
}

/// Guess the format of `path` from its name (compression suffix ignored),
/// and where the name says nothing, from its first bytes `head`
/// (already decompressed).
pub fn detect(path: &str, head: &[u8]) -> Option<Format> {
    match by_extension(path) {
        Some(f) => Some(refine(path, f, || Some(head))),
        None => by_content(head),
    }
}

/// `.gff` says GFF but not which version: GFF3 unless the content
/// declares version 2 (`head` gives the first bytes when needed).
fn refine<'a>(path: &str, f: Format, head: impl FnOnce() -> Option<&'a [u8]>) -> Format {
    let name = path.to_ascii_lowercase();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".bgz"))
        .unwrap_or(&name);
    if f == Format::Gff3 && name.ends_with(".gff") {
        if let Some(Format::Gff2) = head().and_then(by_content) {
            return Format::Gff2;
        }
    }
    f
}

/// The format a file name indicates, if any.
pub fn by_extension(path: &str) -> Option<Format> {
    let name = path.rsplit(['/', '\\']).next()?.to_ascii_lowercase();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".bgz"))
        .unwrap_or(&name);
    let mut best: Option<(usize, Format)> = None;
    for &f in Format::ALL {
        for ext in f.extensions() {
            let dotted = format!(".{ext}");
            if name.ends_with(&dotted) && best.is_none_or(|(l, _)| ext.len() > l) {
                best = Some((ext.len(), f));
            }
        }
    }
    best.map(|(_, f)| f)
}

/// The format the first bytes of a file indicate, if recognisable.
pub fn by_content(head: &[u8]) -> Option<Format> {
    if head.len() >= 4 {
        let magic = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        match magic {
            0x888F_FC26 => return Some(Format::BigWig),
            0x8789_F2EB => return Some(Format::BigBed),
            0x1A41_2743 => return Some(Format::TwoBit),
            0x6BE9_3D3A => return Some(Format::Nib),
            _ => {}
        }
        let be = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        match be {
            0x888F_FC26 => return Some(Format::BigWig),
            0x8789_F2EB => return Some(Format::BigBed),
            0x1A41_2743 => return Some(Format::TwoBit),
            0x6BE9_3D3A => return Some(Format::Nib),
            _ => {}
        }
    }
    let text = std::str::from_utf8(&head[..head.len().min(64 * 1024)])
        .ok()
        .or_else(|| {
            // A cut in the middle of a UTF-8 sequence: use the valid prefix.
            let e = std::str::from_utf8(head).unwrap_err();
            std::str::from_utf8(&head[..e.valid_up_to()]).ok()
        })?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines.clone().next()?;
    if first.starts_with("##gtrack")
        || first.starts_with("###")
        || first.starts_with("##track type")
    {
        return Some(Format::Gtrack);
    }
    if first.starts_with("##fileformat=VCF") {
        return Some(Format::Vcf);
    }
    if first.starts_with("##gff-version 3") {
        return Some(Format::Gff3);
    }
    if first.starts_with("##gff-version 2") {
        return Some(Format::Gff2);
    }
    if first.starts_with("##maf") {
        return Some(Format::Maf);
    }
    if first.starts_with('>') {
        return Some(Format::Fasta);
    }
    if first.starts_with("psLayout") {
        return Some(Format::Psl);
    }
    if first.starts_with("<?xml") && text.contains("FeatureRecord") {
        return Some(Format::BioXsd);
    }
    // Track lines and WIG declarations.
    for l in lines.by_ref().take(50) {
        let l = l.trim_start();
        if l.starts_with("fixedStep") || l.starts_with("variableStep") {
            return Some(Format::Wig);
        }
        if l.starts_with("track") && l.contains("type=bedGraph") {
            return Some(Format::BedGraph);
        }
        if l.starts_with("track") && l.contains("type=wiggle_0") {
            return Some(Format::Wig);
        }
        if l.starts_with("track") || l.starts_with("browser") || l.starts_with('#') {
            continue;
        }
        // The first data line decides between BED-like layouts.
        let fields: Vec<&str> = l.split(['\t', ' ']).filter(|f| !f.is_empty()).collect();
        let int = |i: usize| fields.get(i).is_some_and(|f| f.parse::<u64>().is_ok());
        let strandish = |i: usize| {
            fields
                .get(i)
                .is_some_and(|f| matches!(*f, "+" | "-" | "++" | "+-" | "-+" | "--"))
        };
        if fields.len() == 21 && strandish(8) && (0..8).all(int) {
            return Some(Format::Psl);
        }
        if fields.len() == 18 && [1, 2, 9, 10, 14, 15].iter().all(|&i| int(i)) {
            return Some(Format::Interact);
        }
        if fields.len() == 4 && int(1) && int(2) && is_longrange_target(fields[3]) {
            return Some(Format::LongRange);
        }
        if fields.len() == 10 && strandish(2) && (3..8).all(int) {
            return Some(Format::GenePred);
        }
        if fields.len() == 15 && strandish(2) && (3..8).all(int) && int(11) {
            return Some(Format::GenePredExt);
        }
        if fields.len() == 11 && strandish(3) && (4..9).all(int) {
            return Some(Format::RefFlat);
        }
        if fields.len() >= 6
            && int(1)
            && int(2)
            && int(4)
            && int(5)
            && !int(3)
            && !fields[3].is_empty()
            && fields.len() != 6
        {
            // chrom1 start1 end1 chrom2 start2 end2 …: BEDPE (a BED6 has a
            // name and a score in columns 4-5, not a chrom and a start).
            return Some(Format::Bedpe);
        }
        if fields.len() == 9 && int(3) && int(4) && !int(1) {
            return Some(if fields[8].contains('=') && !fields[8].contains('"') {
                Format::Gff3
            } else if fields[8].contains("gene_id") {
                Format::Gtf
            } else {
                Format::Gff2
            });
        }
        if fields.len() == 4 && int(1) && int(2) && fields[3].parse::<f64>().is_ok() {
            return Some(Format::BedGraph);
        }
        if fields.len() >= 3 && int(1) && int(2) {
            return Some(Format::Bed);
        }
        return None;
    }
    None
}

/// `chr2:100-200,5.5`, the 4th field of a WashU long-range line.
fn is_longrange_target(f: &str) -> bool {
    let Some((region, score)) = f.rsplit_once(',') else {
        return false;
    };
    let Some((_, range)) = region.rsplit_once(':') else {
        return false;
    };
    let Some((a, b)) = range.split_once('-') else {
        return false;
    };
    a.parse::<u64>().is_ok() && b.parse::<u64>().is_ok() && score.parse::<f64>().is_ok()
}

/// Settle the format of `path`: `format` when given, else [`detect`]
/// (by name, then by the first bytes of its decompressed content).
pub fn resolve(path: &str, format: Option<Format>) -> Result<Format, Error> {
    if let Some(f) = format {
        return Ok(f);
    }
    if let Some(f) = by_extension(path) {
        let mut input = None;
        return Ok(refine(path, f, || {
            input = open_input(path).ok();
            input.as_mut().and_then(|i| i.fill_buf().ok())
        }));
    }
    let mut input = open_input(path).map_err(|e| Error::io(path, e))?;
    let head = input.fill_buf().map_err(|e| Error::io(path, e))?;
    by_content(head).ok_or_else(|| {
        Error::Usage(format!(
            "cannot tell the format of `{path}` from its name or content; name it with --from \
             (one of: {})",
            Format::ALL
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

/// Read `path` (`-` = stdin for text formats) in `format` (detected when
/// `None`). Returns the format used and the track.
pub fn read_path(
    path: &str,
    format: Option<Format>,
    opts: &ReadOptions,
) -> Result<(Format, Track), Error> {
    let fmt = resolve(path, format)?;
    let track = match fmt {
        Format::BigWig | Format::BigBed => crate::big::read_path(path, fmt, opts)?,
        Format::TwoBit | Format::Nib => crate::seq::read_path(path, fmt, opts)?,
        _ => match parallel_candidate(path, fmt, opts)
            .then(|| crate::chunked::read_parallel(path, fmt, opts, crate::chunked::CHUNK))
            .transpose()?
            .flatten()
        {
            Some(t) => t,
            None => {
                let input = open_input(path).map_err(|e| Error::io(path, e))?;
                read(input, path, fmt, opts)?
            }
        },
    };
    let mut track = track;
    track.drop_empty_seqs();
    if let (Some(g), false) = (&opts.genome, fmt == Format::Gtrack) {
        check_genome(&track, g, path)?;
    }
    Ok((fmt, track))
}

/// Whether `path` is worth reading in parallel chunks: a file (not
/// stdin) of a splittable format, at least two chunks long, with more
/// than one thread to parse on.
fn parallel_candidate(path: &str, fmt: Format, opts: &ReadOptions) -> bool {
    path != "-"
        && crate::chunked::splittable(fmt, opts)
        && rayon::current_num_threads() > 1
        && std::fs::metadata(path)
            .is_ok_and(|m| m.is_file() && m.len() >= 2 * crate::chunked::CHUNK as u64)
}

/// Every sequence of `track` is in `genome` and every element lies within
/// it (the GTrack reader checks this line by line; for the other formats
/// it is checked here, once the track is read).
pub fn check_genome(track: &Track, genome: &Genome, path: &str) -> Result<(), Error> {
    for s in &track.seqs {
        let Some(len) = genome.length(&s.seqid) else {
            return Err(crate::error::FormatError::new(
                path,
                0,
                "seqid-unknown",
                format!(
                    "sequence `{}` is not in genome `{}`; check the sequence names or the genome given (--genome / --chrom-sizes)",
                    s.seqid,
                    genome.name()
                ),
            )
            .into());
        };
        if let Some(i) = (0..s.len()).find(|&i| s.ends[i].max(s.starts[i] + 1) > len) {
            return Err(crate::error::FormatError::new(
                path,
                0,
                "seq-length",
                format!(
                    "element {}:{}-{} (0-based, half-open) ends beyond the end of `{}` ({len} bp in genome `{}`)",
                    s.seqid,
                    s.starts[i],
                    s.ends[i],
                    s.seqid,
                    genome.name()
                ),
            )
            .into());
        }
    }
    Ok(())
}

/// Read a text format from `input`; `path` names it in messages.
///
/// Sequences without elements that no bounding region refers to (a WIG
/// declaration without data, say) are dropped: they carry nothing.
pub fn read<R: BufRead>(
    input: R,
    path: &str,
    format: Format,
    opts: &ReadOptions,
) -> Result<Track, Error> {
    let mut t = read_any(input, path, format, opts)?;
    t.drop_empty_seqs();
    Ok(t)
}

fn read_any<R: BufRead>(
    input: R,
    path: &str,
    format: Format,
    opts: &ReadOptions,
) -> Result<Track, Error> {
    use Format::*;
    match format {
        Gtrack => {
            let ro = crate::gtrack::ReadOptions {
                genome: opts.genome.clone(),
                ..Default::default()
            };
            let rd = crate::gtrack::Reader::new(input, path, ro);
            crate::gtrack::read_track(rd)
                .map(|p| p.track)
                .map_err(Error::Gtrack)
        }
        Bed | PointBed | CategoryBed | ValuedBed | BedDetail | Bed15 | NarrowPeak | BroadPeak
        | GappedPeak | RnaElements | TagAlign | PairedTagAlign | PeptideMapping | PgSnp => {
            crate::bed::read(input, path, format, opts)
        }
        BedGraph | TargetControl | Wig => crate::wig::read(input, path, format, opts),
        Gff2 | Gff3 | Gtf => crate::gff::read(input, path, format, opts),
        Vcf => crate::vcf::read(input, path, format, opts),
        Psl | GenePred | GenePredExt | RefFlat | Interact | LongRange | Bedpe | Maf => {
            crate::ucsc::read(input, path, format, opts)
        }
        Fasta => crate::seq::read(input, path, format, opts),
        BioXsd => crate::bioxsd::read(input, path, format, opts),
        BigWig | BigBed | TwoBit | Nib => Err(Error::Unsupported {
            target: format,
            reason: "a binary format must be read from a file, not a stream".into(),
        }),
    }
}

/// What writing `track` as `format` would lose (empty = lossless), or
/// `Error::Unsupported` when the format cannot hold the track at all.
pub fn losses(track: &Track, format: Format) -> Result<Vec<String>, Error> {
    use Format::*;
    if !matches!(
        format,
        Gtrack | BioXsd | Fasta | TwoBit | Nib | BigWig | BigBed
    ) {
        if let Some(s) = track
            .seqs
            .iter()
            .map(|s| s.seqid.as_str())
            .find(|s| !tabular_seqid(s))
        {
            return Err(Error::Unsupported {
                target: format,
                reason: format!(
                    "sequence name `{}` cannot start a data line of a tab-separated file (empty, starting with `#`, \
                     `track` or `browser`, or holding a tab or line break); rename the sequence or write GTrack",
                    s.escape_debug()
                ),
            });
        }
    }
    losses_of(track, format)
}

/// A sequence name that reads back as the first field of a data line in
/// the tab-separated formats (fuzz finding F8: `##fixed gap size: chr1`
/// turned the line into a header).
fn tabular_seqid(s: &str) -> bool {
    let word = |w: &str| {
        s.strip_prefix(w)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
    };
    !s.is_empty()
        && !s.starts_with('#')
        && !crate::text::breaks_field(s)
        && !word("track")
        && !word("browser")
}

fn losses_of(track: &Track, format: Format) -> Result<Vec<String>, Error> {
    use Format::*;
    match format {
        Gtrack => crate::gtrack::writer::check_writable(track)
            .map(|_| Vec::new())
            .map_err(|reason| Error::Unsupported {
                target: format,
                reason,
            }),
        Bed | PointBed | CategoryBed | ValuedBed | BedDetail | Bed15 | NarrowPeak | BroadPeak
        | GappedPeak | RnaElements | TagAlign | PairedTagAlign | PeptideMapping | PgSnp => {
            crate::bed::losses(track, format)
        }
        BedGraph | TargetControl | Wig => crate::wig::losses(track, format),
        Gff2 | Gff3 | Gtf => crate::gff::losses(track, format),
        Vcf => crate::vcf::losses(track, format),
        Psl | GenePred | GenePredExt | RefFlat | Interact | LongRange | Bedpe | Maf => {
            crate::ucsc::losses(track, format)
        }
        Fasta | TwoBit | Nib => crate::seq::losses(track, format),
        BigWig | BigBed => crate::big::losses(track, format),
        BioXsd => crate::bioxsd::losses(track, format),
    }
}

/// Write `track` to `path` (`-` = stdout for text formats) as `format`,
/// atomically. Refuses with [`Error::Lossy`] when information would be
/// lost, unless `opts.allow_lossy`.
pub fn write_path(
    track: &Track,
    path: &str,
    format: Format,
    opts: &WriteOptions,
) -> Result<(), Error> {
    write_path_reporting(track, path, format, opts).map(|_| ())
}

/// [`write_path`], returning what was lost (non-empty only with
/// `opts.allow_lossy`).
pub fn write_path_reporting(
    track: &Track,
    path: &str,
    format: Format,
    opts: &WriteOptions,
) -> Result<Vec<String>, Error> {
    if matches!(format, Format::BigWig | Format::BigBed) {
        // Plans the file once for both the loss check and the writing.
        return crate::big::write_path_reporting(track, path, format, opts);
    }
    let lost = losses(track, format)?;
    if !lost.is_empty() && !opts.allow_lossy {
        return Err(Error::Lossy {
            target: format,
            losses: lost,
        });
    }
    match format {
        Format::BigWig | Format::BigBed => {} // returned above
        Format::TwoBit | Format::Nib => crate::seq::write_path(track, path, format, opts)?,
        _ => {
            let mut out = Output::create(path).map_err(|e| Error::io(path, e))?;
            write(track, &mut out, format, opts)?;
            out.commit().map_err(|e| Error::io(path, e))?;
        }
    }
    Ok(lost)
}

/// Write a text format to `out` (no loss check: see [`write_path`]).
pub fn write<W: std::io::Write>(
    track: &Track,
    out: W,
    format: Format,
    opts: &WriteOptions,
) -> Result<(), Error> {
    use Format::*;
    match format {
        Gtrack => {
            let wo = crate::gtrack::WriteOptions {
                subtype: opts.gtrack_subtype,
                ..Default::default()
            };
            crate::gtrack::write(track, &wo, out).map_err(|e| Error::io("-", e))
        }
        Bed | PointBed | CategoryBed | ValuedBed | BedDetail | Bed15 | NarrowPeak | BroadPeak
        | GappedPeak | RnaElements | TagAlign | PairedTagAlign | PeptideMapping | PgSnp => {
            crate::bed::write(track, out, format, opts)
        }
        BedGraph | TargetControl | Wig => crate::wig::write(track, out, format, opts),
        Gff2 | Gff3 | Gtf => crate::gff::write(track, out, format, opts),
        Vcf => crate::vcf::write(track, out, format, opts),
        Psl | GenePred | GenePredExt | RefFlat | Interact | LongRange | Bedpe | Maf => {
            crate::ucsc::write(track, out, format, opts)
        }
        Fasta => crate::seq::write(track, out, format, opts),
        BioXsd => crate::bioxsd::write(track, out, format, opts),
        BigWig | BigBed | TwoBit | Nib => Err(Error::Unsupported {
            target: format,
            reason: "a binary format must be written to a file, not a stream".into(),
        }),
    }
}

/// Which GTrack subtype `convert` declares in GTrack output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubtypeChoice {
    /// The bundled subtype that fits best, if any ([`crate::gtrack::writer::best_subtype`]).
    #[default]
    Auto,
    /// None: plain GTrack with explicit headers.
    Never,
    /// This bundled subtype; an error when it does not fit.
    Named(&'static str),
}

/// Options of [`convert`].
#[derive(Debug, Clone, Default)]
pub struct ConvertOptions {
    /// Input format (detected when `None`).
    pub from: Option<Format>,
    /// Output format (from the output name when `None`).
    pub to: Option<Format>,
    /// Reading options.
    pub read: ReadOptions,
    /// Writing options (`allow_lossy`, `genome`).
    pub write: WriteOptions,
    /// GTrack output: which subtype to declare.
    pub subtype: SubtypeChoice,
}

/// What [`convert`] did.
#[derive(Debug, Clone)]
pub struct Converted {
    /// Input format.
    pub from: Format,
    /// Output format.
    pub to: Format,
    /// The track type read.
    pub track_type: gtrack_core::TrackType,
    /// Number of elements.
    pub elements: usize,
    /// The GTrack subtype declared, for GTrack output.
    pub subtype: Option<&'static str>,
    /// What was lost (only non-empty with `allow_lossy`).
    pub losses: Vec<String>,
}

/// Convert `input` to `output` (either may be `-` for text formats).
///
/// The output appears complete or not at all. Without
/// `opts.write.allow_lossy`, refuses ([`Error::Lossy`]) when the target
/// cannot carry everything the track holds.
pub fn convert(input: &str, output: &str, opts: &ConvertOptions) -> Result<Converted, Error> {
    let to = match opts.to.or_else(|| by_extension(output)) {
        Some(f) => f,
        None => {
            return Err(Error::Usage(format!(
                "cannot tell the output format from `{output}`; name it with --to (one of: {})",
                Format::ALL
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    };
    if output == "-" && to.is_binary() {
        return Err(Error::Unsupported {
            target: to,
            reason: "a binary format cannot be written to stdout; give an output file".into(),
        });
    }
    let (from, track) = read_path(input, opts.from, &opts.read)?;
    let mut wo = opts.write.clone();
    if wo.genome.is_none() {
        wo.genome = opts.read.genome.clone();
    }
    let mut subtype = None;
    if to == Format::Gtrack {
        subtype = match opts.subtype {
            SubtypeChoice::Auto => crate::gtrack::writer::best_subtype(&track),
            SubtypeChoice::Never => None,
            SubtypeChoice::Named(n) => {
                crate::gtrack::writer::subtype_fit(&track, n).map_err(|reason| {
                    Error::Unsupported {
                        target: to,
                        reason: format!("subtype {n} does not fit this track: {reason}"),
                    }
                })?;
                Some(n)
            }
        };
        wo.gtrack_subtype = subtype;
    }
    let lost = write_path_reporting(&track, output, to, &wo)?;
    Ok(Converted {
        from,
        to,
        track_type: track.track_type(),
        elements: track.len(),
        subtype,
        losses: lost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &f in Format::ALL {
            assert!(seen.insert(f.name()), "duplicate name {}", f.name());
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
    }

    #[test]
    fn extension_detection_prefers_longest() {
        assert_eq!(by_extension("x/a.point.bed.gz"), Some(Format::PointBed));
        assert_eq!(by_extension("a.bed"), Some(Format::Bed));
        assert_eq!(by_extension("A.BigWig"), Some(Format::BigWig));
        assert_eq!(
            by_extension("a.targetcontrol.bedgraph"),
            Some(Format::TargetControl)
        );
        assert_eq!(by_extension("a.txt"), None);
    }

    #[test]
    fn genome_checks_for_any_format() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.bedgraph");
        std::fs::write(&p, "chr1\t0\t10\t1\nchrZ\t0\t10\t2\n").unwrap();
        let g = Genome::new("toy", vec![("chr1".into(), 100)]).unwrap();
        let opts = ReadOptions {
            genome: Some(g.clone()),
            ..Default::default()
        };
        let e = read_path(p.to_str().unwrap(), None, &opts)
            .unwrap_err()
            .to_string();
        assert!(e.contains(":0: seqid-unknown: sequence `chrZ`"), "{e}");
        std::fs::write(&p, "chr1\t0\t10\t1\nchr1\t90\t101\t2\n").unwrap();
        let e = read_path(p.to_str().unwrap(), None, &opts)
            .unwrap_err()
            .to_string();
        assert!(e.contains(":0: seq-length: element chr1:90-101"), "{e}");
        std::fs::write(&p, "chr1\t0\t10\t1\nchr1\t90\t100\t2\n").unwrap();
        assert!(read_path(p.to_str().unwrap(), None, &opts).is_ok());
    }

    #[test]
    fn tabular_sequence_names() {
        for ok in ["chr1", "tracks", "chr 1", "browser_x"] {
            assert!(tabular_seqid(ok), "{ok}");
        }
        for bad in [
            "",
            "#x",
            "##fixed gap size: chr1",
            "track",
            "track 1",
            "browser\tx",
            "a\tb",
            "a\nb",
        ] {
            assert!(!tabular_seqid(bad), "{bad:?}");
        }
    }

    #[test]
    fn content_detection() {
        assert_eq!(by_content(b"##gff-version 3\nx"), Some(Format::Gff3));
        assert_eq!(
            by_content(b"track type=bedGraph\nchr1\t0\t10\t1.5\n"),
            Some(Format::BedGraph)
        );
        assert_eq!(
            by_content(b"variableStep chrom=chr1\n1 2\n"),
            Some(Format::Wig)
        );
        assert_eq!(by_content(b"chr1\t0\t10\tx\t0\t+\n"), Some(Format::Bed));
        assert_eq!(by_content(b">chr1\nACGT\n"), Some(Format::Fasta));
        assert_eq!(
            by_content(&[0x26, 0xFC, 0x8F, 0x88, 0, 0]),
            Some(Format::BigWig)
        );
        assert_eq!(by_content(b"hello world\n"), None);
        let psl = "59\t9\t0\t0\t1\t823\t1\t96\t+-\tFS_CONTIG_48080_1\t1955\t171\t1062\tchr22\t47748585\t13073589\t13073753\t2\t48,20,\t171,291,\t13073589,13073733,\n";
        assert_eq!(by_content(psl.as_bytes()), Some(Format::Psl));
        let gp = "uc001aaa.3\tchr1\t+\t11873\t14409\t11873\t11873\t3\t11873,12612,13220,\t12227,12721,14409,\n";
        assert_eq!(by_content(gp.as_bytes()), Some(Format::GenePred));
        let rf = "DDX11L1\tuc001aaa.3\tchr1\t+\t11873\t14409\t11873\t11873\t3\t11873,12612,13220,\t12227,12721,14409,\n";
        assert_eq!(by_content(rf.as_bytes()), Some(Format::RefFlat));
        assert_eq!(
            by_content(b"chr1\t100\t200\tchr2:300-400,5.5\n"),
            Some(Format::LongRange)
        );
        assert_eq!(
            by_content(b"chr1\t100\t200\tchr2\t300\t400\tpair1\t5\t+\t-\n"),
            Some(Format::Bedpe)
        );
        let inter = "chr3\t63702628\t63741418\t.\t350\t5\t.\t0\tchr3\t63702628\t63702629\t.\t.\tchr3\t63741417\t63741418\t.\t.\n";
        assert_eq!(by_content(inter.as_bytes()), Some(Format::Interact));
        // BED6 stays BED.
        assert_eq!(by_content(b"chr1\t0\t10\tx\t5\t+\n"), Some(Format::Bed));
    }
}
