//! A store: a directory of tracks under hierarchical names.
//!
//! ```text
//! STORE/gtrack-store.json          marker: {"format": "gtrack-store", "version": 1}
//! STORE/tracks/<encoded name>/     one directory per track (name `/` → `%2F`)
//!     manifest.json
//!     s00000/start.u64 end.u64 value.f64 id.off.u64 id.bytes …
//!     value.dict.off.u64 value.dict.bytes   (category dictionaries)
//! STORE/tmp/                       imports in progress (renamed into tracks/ when complete)
//! ```

use std::path::{Path, PathBuf};

use gtrack_core::{Genome, SeqElements, Track};
use gtrack_formats::{Format, ReadOptions};
use xxhash_rust::xxh3::Xxh3;

use crate::column::{sync_dir, Io};
use crate::error::{Error, Result};
use crate::import::{self, Chunked};
use crate::manifest::{Manifest, Source, MANIFEST};
use crate::read::{StoredTrack, Verify};
use crate::write::{write_from_runs, write_pieces, WriteInfo};

const MARKER: &str = "gtrack-store.json";
const MARKER_TEXT: &str = "{\"format\": \"gtrack-store\", \"version\": 1}\n";

/// A store directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// Options of [`Store::import`].
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Track name; default: the first input's file name without extensions.
    pub name: Option<String>,
    /// Input format; default: detected per input.
    pub format: Option<Format>,
    /// Reader options (genome for checks, block expansion).
    pub read: ReadOptions,
    /// Memory budget in bytes for parsed columns; above it, sorted runs
    /// are written to disk and merged at the end. `None` = unbounded.
    pub memory: Option<u64>,
    /// fsync files and directories before the track is renamed into place.
    pub sync: bool,
    /// Write large column files with O_DIRECT, bypassing the page cache
    /// (Linux; falls back to buffered writes where unsupported). Faster
    /// and leaves the page cache to other data; turn off to have the new
    /// track's files cached for immediate reading.
    pub direct_io: bool,
    /// Import even when the source is unchanged since the last import.
    pub force: bool,
    /// Worker threads for parsing, sorting and writing (default: all cores).
    pub threads: Option<usize>,
    /// Bytes of input per parallel parse task (default 8 MiB).
    pub chunk_bytes: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            name: None,
            format: None,
            read: ReadOptions::default(),
            memory: None,
            sync: true,
            direct_io: true,
            force: false,
            threads: None,
            chunk_bytes: import::CHUNK,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone)]
pub enum Imported {
    /// The track was written.
    Written(Box<Manifest>),
    /// The source is unchanged since the last import: nothing was done.
    Unchanged(Box<Manifest>),
}

impl Imported {
    /// The track's manifest.
    pub fn manifest(&self) -> &Manifest {
        match self {
            Imported::Written(m) | Imported::Unchanged(m) => m,
        }
    }
}

/// Check a track name: `/`-separated parts, each non-empty, not `.` or
/// `..`, without control characters.
pub fn check_name(name: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::Usage(format!(
            "`{name}` is not a valid track name: {why} (use parts separated by `/`, e.g. `encode/k562/h3k27ac`)"
        )))
    };
    if name.is_empty() {
        return bad("it is empty");
    }
    for p in name.split('/') {
        if p.is_empty() {
            return bad("it has an empty part");
        }
        if p == "." || p == ".." {
            return bad("`.` and `..` are not allowed as parts");
        }
        if p.chars().any(char::is_control) {
            return bad("it contains control characters");
        }
    }
    Ok(())
}

/// File-system-safe, reversible encoding of a track name.
fn encode(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.,+=@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.starts_with('.') {
        out.replace_range(0..1, "%2E");
    }
    out
}

/// The default track name for an input file: its file name without
/// directory, compression and format extensions.
pub fn default_name(path: &str) -> String {
    let file = Path::new(path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    let mut s = file.as_str();
    for ext in [".gz", ".bgz"] {
        if let Some(x) = s.strip_suffix(ext) {
            s = x;
        }
    }
    match s.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => s.to_string(),
    }
}

impl Store {
    /// Open an existing store.
    pub fn open(root: impl AsRef<Path>) -> Result<Store> {
        let root = root.as_ref().to_path_buf();
        if !root.join(MARKER).is_file() {
            return Err(Error::Usage(format!(
                "{} is not a gtrack store (no {MARKER} in it); create one by importing a track: `gtrack import FILE --store {}`",
                root.display(),
                root.display()
            )));
        }
        Ok(Store { root })
    }

    /// Open a store, creating it (and the directory) when absent. A
    /// non-empty directory that is not a store is refused.
    pub fn create(root: impl AsRef<Path>) -> Result<Store> {
        let root = root.as_ref().to_path_buf();
        if root.join(MARKER).is_file() {
            return Ok(Store { root });
        }
        if root.exists() {
            let empty = std::fs::read_dir(&root)
                .map_err(|e| Error::io(&root, e))?
                .next()
                .is_none();
            if !empty {
                return Err(Error::Usage(format!(
                    "{} exists, is not empty and is not a gtrack store; give a new or empty directory to --store",
                    root.display()
                )));
            }
        }
        for d in [root.clone(), root.join("tracks"), root.join("tmp")] {
            std::fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
        }
        let m = root.join(MARKER);
        std::fs::write(&m, MARKER_TEXT).map_err(|e| Error::io(&m, e))?;
        Ok(Store { root })
    }

    /// The store's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Directory of track `name` (whether or not it exists).
    pub fn track_dir(&self, name: &str) -> PathBuf {
        self.root.join("tracks").join(encode(name))
    }

    /// Manifests of all tracks, sorted by name.
    pub fn list(&self) -> Result<Vec<Manifest>> {
        let dir = self.root.join("tracks");
        let mut out = Vec::new();
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        for ent in rd {
            let ent = ent.map_err(|e| Error::io(&dir, e))?;
            let m = ent.path().join(MANIFEST);
            if m.is_file() {
                out.push(Manifest::load(&m)?);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Open track `name` for reading.
    pub fn open_track(&self, name: &str, verify: Verify) -> Result<StoredTrack> {
        let dir = self.track_dir(name);
        if !dir.join(MANIFEST).is_file() {
            return Err(Error::NoTrack {
                store: self.root.clone(),
                name: name.into(),
                known: self
                    .list()
                    .map(|l| l.into_iter().map(|m| m.name).collect())
                    .unwrap_or_default(),
            });
        }
        let t = StoredTrack::open(&dir, verify)?;
        if t.manifest().name != name {
            return Err(Error::Corrupt {
                path: dir.join(MANIFEST),
                track: name.into(),
                what: format!("the manifest names the track `{}`", t.manifest().name),
            });
        }
        Ok(t)
    }

    /// Remove track `name`.
    pub fn remove(&self, name: &str) -> Result<()> {
        let dir = self.track_dir(name);
        if !dir.exists() {
            return Err(Error::NoTrack {
                store: self.root.clone(),
                name: name.into(),
                known: Vec::new(),
            });
        }
        let trash = self.tmp_dir("remove")?;
        std::fs::rename(&dir, &trash).map_err(|e| Error::io(&dir, e))?;
        std::fs::remove_dir_all(&trash).map_err(|e| Error::io(&trash, e))
    }

    /// A fresh directory under `tmp/`, named after this process so stale
    /// ones (from killed imports) can be recognised and removed.
    fn tmp_dir(&self, what: &str) -> Result<PathBuf> {
        let tmp = self.root.join("tmp");
        std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        self.clean_stale(&tmp);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for k in 0..1000u32 {
            let d = tmp.join(format!("{what}-{}-{nanos}-{k}", std::process::id()));
            match std::fs::create_dir(&d) {
                Ok(()) => return Ok(d),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(&d, e)),
            }
        }
        Err(Error::Usage(format!(
            "cannot create a temporary directory in {}",
            tmp.display()
        )))
    }

    /// Remove temporary directories left by processes that no longer run.
    fn clean_stale(&self, tmp: &Path) {
        let Ok(rd) = std::fs::read_dir(tmp) else {
            return;
        };
        for ent in rd.flatten() {
            let name = ent.file_name().to_string_lossy().into_owned();
            let pid = name.split('-').nth(1).and_then(|p| p.parse::<u32>().ok());
            let alive = match pid {
                Some(p) if p == std::process::id() => true,
                Some(p) if Path::new("/proc").is_dir() => Path::new(&format!("/proc/{p}")).exists(),
                // Without /proc, keep anything younger than a day.
                _ => ent
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_none_or(|age| age.as_secs() < 86_400),
            };
            if !alive {
                let _ = std::fs::remove_dir_all(ent.path());
            }
        }
    }

    /// Import `inputs` as one track (several files are concatenated and
    /// must agree on type and columns). `progress(done, total)` reports
    /// input bytes read.
    pub fn import(
        &self,
        inputs: &[String],
        opts: &ImportOptions,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<Imported> {
        match opts.threads {
            Some(n) => {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .build()
                    .map_err(|e| Error::Usage(format!("cannot start {n} threads: {e}")))?;
                pool.install(|| self.import_now(inputs, opts, progress))
            }
            None => self.import_now(inputs, opts, progress),
        }
    }

    fn import_now(
        &self,
        inputs: &[String],
        opts: &ImportOptions,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<Imported> {
        let first = inputs
            .first()
            .ok_or_else(|| Error::Usage("no input files given to import".into()))?;
        for p in inputs {
            import::check_input(p)?;
        }
        let name = opts.name.clone().unwrap_or_else(|| default_name(first));
        check_name(&name)?;
        let formats: Vec<Format> = inputs
            .iter()
            .map(|p| gtrack_formats::format::resolve(p, opts.format))
            .collect::<std::result::Result<_, _>>()?;
        let mut options = Vec::new();
        if opts.read.expand_blocks {
            options.push("expand-blocks".to_string());
        }
        let genome = opts.read.genome.as_ref();
        let total: u64 = inputs
            .iter()
            .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
            .sum();
        let mut source = Source {
            files: inputs.to_vec(),
            bytes: total,
            checksum: String::new(),
            format: formats[0].name().into(),
            options,
        };
        let dir = self.track_dir(&name);
        let existing = (!opts.force && dir.join(MANIFEST).is_file())
            .then(|| Manifest::load(&dir.join(MANIFEST)).ok())
            .flatten();
        if let Some(m) = existing {
            // Only when a track of that name exists is the checksum
            // needed before reading.
            source.checksum = import::checksum(inputs)?.0;
            if m.source.checksum == source.checksum
                && m.source.format == source.format
                && m.source.options == source.options
                && m.genome.as_deref() == genome.map(|g| g.name())
            {
                return Ok(Imported::Unchanged(Box::new(m)));
            }
        }
        // Without a checksum yet, it is computed while the input is
        // parsed: by the reader from the bytes it reads when every input
        // is read in chunks and uncompressed, else by re-reading the
        // files on a second thread.
        let mut inline = source.checksum.is_empty();
        for (p, f) in inputs.iter().zip(&formats) {
            inline = inline && import::splittable(*f, &opts.read) && !import::compressed(p)?;
        }
        let work = self.tmp_dir("import")?;
        let result = std::thread::scope(|sc| {
            let sum = (source.checksum.is_empty() && !inline)
                .then(|| sc.spawn(|| import::checksum(inputs)));
            let m = self.import_into(
                &work, inputs, &formats, &name, opts, total, inline, progress,
            );
            let joined = match sum {
                Some(h) => Some(
                    h.join()
                        .map_err(|_| Error::Usage("the checksum thread failed".into()))??
                        .0,
                ),
                None => None,
            };
            let (mut m, read_digest) = m?;
            let checksum = match (joined, read_digest) {
                (Some(c), _) => c,
                (None, _) if !source.checksum.is_empty() => source.checksum.clone(),
                (None, Some(d)) => d,
                // The reader fell back to whole-file reading: re-read.
                (None, None) => import::checksum(inputs)?.0,
            };
            m.source = Source {
                checksum,
                ..source.clone()
            };
            self.write_manifest(&work.join("track"), &m, opts.sync)?;
            Ok(m)
        });
        match result {
            Ok(m) => {
                let track_dir = work.join("track");
                if opts.sync {
                    sync_dir(&track_dir)?;
                }
                // Replace an older version: move it aside, move the new one in.
                let old = work.join("old");
                let had_old = dir.exists();
                if had_old {
                    std::fs::rename(&dir, &old).map_err(|e| Error::io(&dir, e))?;
                }
                if let Err(e) = std::fs::rename(&track_dir, &dir) {
                    if had_old {
                        let _ = std::fs::rename(&old, &dir);
                    }
                    let _ = std::fs::remove_dir_all(&work);
                    return Err(Error::io(&dir, e));
                }
                if opts.sync {
                    sync_dir(&self.root.join("tracks"))?;
                }
                let _ = std::fs::remove_dir_all(&work);
                Ok(Imported::Written(Box::new(m)))
            }
            Err(e) => {
                let _ = std::fs::remove_dir_all(&work);
                Err(e)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn import_into(
        &self,
        work: &Path,
        inputs: &[String],
        formats: &[Format],
        name: &str,
        opts: &ImportOptions,
        total: u64,
        hash: bool,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<(Manifest, Option<String>)> {
        let genome: Option<&Genome> = opts.read.genome.as_ref();
        // The digest of the bytes read, while every input so far was read
        // in chunks (from the start of its file).
        let mut hasher = hash.then(Xxh3::new);
        let t_read = std::time::Instant::now();
        let mut acc = Accumulator::new(work, opts.memory);
        let mut done_before = 0u64;
        let mut sequential = false;
        'restart: loop {
            for (k, path) in inputs.iter().enumerate() {
                let fmt = formats[k];
                let mut chunked = false;
                if !sequential && import::splittable(fmt, &opts.read) {
                    // Chunks are read without the genome (checked once per
                    // chunk below, so errors do not depend on chunking).
                    let ro = ReadOptions {
                        genome: None,
                        ..opts.read.clone()
                    };
                    let mut sink = |t: Track| -> Result<()> {
                        if let Some(g) = genome {
                            gtrack_formats::format::check_genome(&t, g, path)?;
                        }
                        acc.add(t, path)
                    };
                    let mut prog = |n: u64| progress(done_before + n, total);
                    match import::read_chunked(
                        path,
                        fmt,
                        &ro,
                        opts.chunk_bytes,
                        &mut sink,
                        &mut prog,
                        hasher.as_mut(),
                    )? {
                        Chunked::Done => chunked = true,
                        Chunked::Sequential => {
                            // Read it whole for the exact diagnostic; if
                            // that succeeds, the pieces did not fit
                            // together: start over without chunking.
                            import::read_whole(path, fmt, &opts.read)?;
                            sequential = true;
                            hasher = None;
                            acc = Accumulator::new(work, opts.memory);
                            done_before = 0;
                            continue 'restart;
                        }
                    }
                }
                if !chunked {
                    hasher = None;
                    let t = import::read_whole(path, fmt, &opts.read)?;
                    acc.add(t, path)?;
                }
                done_before += std::fs::metadata(path).map_or(0, |m| m.len());
                progress(done_before, total);
            }
            break;
        }
        timing("read", t_read);
        let info = WriteInfo {
            name,
            source: Source::default(),
            genome,
            io: Io {
                sync: opts.sync,
                direct: opts.direct_io,
            },
        };
        let t_write = std::time::Instant::now();
        let out = work.join("track");
        std::fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
        let m = acc.finish(&out, info)?;
        timing("write", t_write);
        Ok((m, hasher.as_ref().map(import::digest)))
    }

    /// Write (and with `sync`, fsync) the manifest and the directories.
    fn write_manifest(&self, out: &Path, m: &Manifest, sync: bool) -> Result<()> {
        let path = out.join(MANIFEST);
        std::fs::write(
            &path,
            serde_json::to_string_pretty(m).expect("manifest serialises"),
        )
        .map_err(|e| Error::io(&path, e))?;
        if sync {
            let f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
            f.sync_all().map_err(|e| Error::io(&path, e))?;
            for e in &m.seqs {
                sync_dir(&out.join(&e.dir))?;
            }
        }
        Ok(())
    }
}

/// Parsed pieces of the input, spilled to sorted runs over the budget.
struct Accumulator<'a> {
    work: &'a Path,
    budget: Option<u64>,
    /// Schema, sequence order, regions and metadata of the whole track.
    skeleton: Option<Track>,
    /// Per skeleton sequence, the pieces read since the last spill.
    pieces: Vec<Vec<SeqElements>>,
    pending_bytes: u64,
    runs: Vec<StoredTrack>,
}

impl<'a> Accumulator<'a> {
    fn new(work: &'a Path, budget: Option<u64>) -> Self {
        Accumulator {
            work,
            budget,
            skeleton: None,
            pieces: Vec::new(),
            pending_bytes: 0,
            runs: Vec::new(),
        }
    }

    fn add(&mut self, t: Track, path: &str) -> Result<()> {
        let sk = self.skeleton.get_or_insert_with(|| {
            let mut s = Track::new(t.schema.clone());
            s.metadata = t.metadata.clone();
            s
        });
        let mut a = sk.schema.clone();
        let mut b = t.schema.clone();
        a.track_type = segs(a.track_type);
        b.track_type = segs(b.track_type);
        if a != b {
            return Err(Error::Usage(format!(
                "{path}: this input is {} with columns {:?}, the inputs before it are {} with columns {:?}; inputs imported as one track must have the same type and columns (import them as separate tracks)",
                t.schema.track_type.name(),
                t.schema.columns,
                sk.schema.track_type.name(),
                sk.schema.columns
            )));
        }
        if sk.schema.track_type != t.schema.track_type {
            sk.schema.track_type = segs(sk.schema.track_type);
        }
        // Regions go to the skeleton, with the global sequence index.
        for r in &t.regions {
            let mut r2 = r.clone();
            if let Some((si, range)) = &r.block {
                let s = &t.seqs[*si];
                let g = sk.seq_index(s.genome.as_deref(), &s.seqid);
                r2.block = Some((g, 0..range.len()));
            }
            sk.regions.push(r2);
        }
        self.pending_bytes += import::track_bytes(&t) as u64;
        for s in t.seqs {
            let g = sk.seq_index(s.genome.as_deref(), &s.seqid);
            if self.pieces.len() <= g {
                self.pieces.resize_with(g + 1, Vec::new);
            }
            self.pieces[g].push(s);
        }
        if self.budget.is_some_and(|b| self.pending_bytes > b) {
            self.spill()?;
        }
        Ok(())
    }

    /// The pending pieces per sequence, in skeleton order; with `all`,
    /// every skeleton sequence (an empty one where nothing was read),
    /// otherwise only those with pieces.
    fn take_pieces(&mut self, all: bool) -> Vec<Vec<SeqElements>> {
        let sk = self.skeleton.as_ref().expect("set by add");
        let mut pieces = std::mem::take(&mut self.pieces);
        pieces.resize_with(sk.seqs.len(), Vec::new);
        self.pending_bytes = 0;
        pieces
            .into_iter()
            .zip(&sk.seqs)
            .filter_map(|(list, key)| {
                if !list.is_empty() {
                    Some(list)
                } else {
                    all.then(|| {
                        vec![SeqElements::new(
                            &sk.schema,
                            key.genome.clone(),
                            key.seqid.clone(),
                        )]
                    })
                }
            })
            .collect()
    }

    /// Write the pending elements as a sorted run.
    fn spill(&mut self) -> Result<()> {
        if self.pieces.iter().all(Vec::is_empty) {
            return Ok(());
        }
        let p = self.take_pieces(false);
        let meta = Track::new(self.skeleton.as_ref().expect("set by add").schema.clone());
        let dir = self.work.join(format!("run{}", self.runs.len()));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let info = WriteInfo {
            name: "run",
            source: Source::default(),
            genome: None,
            // Runs are read back soon by the merge: keep them cached.
            io: Io {
                sync: false,
                direct: false,
            },
        };
        let m = write_pieces(&dir, &meta, p, info)?;
        std::fs::write(
            dir.join(MANIFEST),
            serde_json::to_string(&m).expect("manifest serialises"),
        )
        .map_err(|e| Error::io(dir.join(MANIFEST), e))?;
        self.runs.push(StoredTrack::open(&dir, Verify::Trust)?);
        Ok(())
    }

    fn finish(mut self, out: &Path, info: WriteInfo<'_>) -> Result<Manifest> {
        if self.skeleton.is_none() {
            return Err(Error::Usage("the inputs hold no track".into()));
        }
        if self.runs.is_empty() {
            let p = self.take_pieces(true);
            let sk = self.skeleton.take().expect("checked");
            // Region blocks are recomputed from counts; the sequence index
            // is the skeleton's, which the pieces follow.
            let mut meta = Track::new(sk.schema);
            meta.metadata = sk.metadata;
            meta.regions = sk.regions;
            return write_pieces(out, &meta, p, info);
        }
        self.spill()?;
        let sk = self.skeleton.take().expect("checked");
        write_from_runs(out, &self.runs, &sk, info)
    }
}

/// Phase timings on stderr when `GTRACK_TIMING` is set (for benchmarks).
fn timing(what: &str, since: std::time::Instant) {
    if std::env::var_os("GTRACK_TIMING").is_some() {
        eprintln!("timing: {what}: {:.3} s", since.elapsed().as_secs_f64());
    }
}

fn segs(t: gtrack_core::TrackType) -> gtrack_core::TrackType {
    use gtrack_core::TrackType::*;
    match t {
        Points => Segments,
        ValuedPoints => ValuedSegments,
        t => t,
    }
}
