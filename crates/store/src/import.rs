//! Reading inputs for import: in parallel chunks where the format allows
//! it, with a memory budget above which sorted runs are spilled to disk.

use std::io::Read;
use std::path::Path;

use gtrack_core::{Track, TrackType};
use gtrack_formats::{Format, ReadOptions};
use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use crate::error::{Error, Result};

/// Size of one parse chunk. Large enough to amortise task overhead, small
/// enough that `threads` chunks in flight stay far below any budget.
pub(crate) const CHUNK: usize = 8 << 20;

/// Formats whose data lines are independent of each other, so a file can
/// be cut at line boundaries and the pieces parsed in parallel: the BED
/// family (without block expansion, which checks ids across lines).
pub(crate) fn splittable(fmt: Format, opts: &ReadOptions) -> bool {
    use Format::*;
    !opts.expand_blocks
        && matches!(
            fmt,
            Bed | PointBed
                | CategoryBed
                | ValuedBed
                | BedDetail
                | Bed15
                | NarrowPeak
                | BroadPeak
                | GappedPeak
                | RnaElements
                | TagAlign
                | PairedTagAlign
                | PeptideMapping
                | PgSnp
        )
}

/// Estimated heap bytes of a track's columns.
pub(crate) fn track_bytes(t: &Track) -> usize {
    t.seqs.iter().map(|s| s.heap_bytes()).sum()
}

/// Points ↔ segments: chunks of a BED file decide the points rule on
/// their own; the whole file is points only if every chunk is.
fn as_segments(t: TrackType) -> TrackType {
    match t {
        TrackType::Points => TrackType::Segments,
        TrackType::ValuedPoints => TrackType::ValuedSegments,
        t => t,
    }
}

/// Whether two chunk tracks can be joined.
fn compatible(a: &Track, b: &Track) -> bool {
    let mut x = a.schema.clone();
    let mut y = b.schema.clone();
    x.track_type = as_segments(x.track_type);
    y.track_type = as_segments(y.track_type);
    x == y
}

/// What a chunked read produced: the pieces in input order, or a request
/// to read the file sequentially (for an exact diagnostic, or because
/// the pieces do not fit together).
pub(crate) enum Chunked {
    Done,
    Sequential,
}

/// One message from the read-ahead thread: a chunk (ending at a line
/// end, except the last) with the total bytes read so far, or the end.
type Ahead = Result<Option<(Vec<u8>, u64)>>;

/// Read `input` into chunks of about `chunk` bytes cut at line ends, send
/// them on `tx` (blocking while `threads` are queued), and feed every
/// byte to `hash`. Buffers come back on `back` for reuse (fresh 8 MiB
/// allocations would each cost page faults and zeroing). Stops quietly
/// when the receiver is gone.
fn read_ahead(
    mut input: Box<dyn std::io::BufRead + Send>,
    path: &str,
    chunk: usize,
    tx: &std::sync::mpsc::SyncSender<Ahead>,
    back: &std::sync::mpsc::Receiver<Vec<u8>>,
    mut hash: Option<&mut Xxh3>,
) {
    let mut carry: Vec<u8> = Vec::new();
    let mut read_total = 0u64;
    loop {
        let mut buf = back.try_recv().unwrap_or_default();
        buf.clear();
        buf.append(&mut carry);
        let want = chunk.max(1024).max(buf.len() + 1);
        let have = buf.len();
        buf.reserve(want - have);
        // `read_to_end` on a `take` fills spare capacity without zeroing.
        let n = match (&mut input)
            .take((want - have) as u64)
            .read_to_end(&mut buf)
        {
            Ok(n) => n,
            Err(e) => {
                let _ = tx.send(Err(gtrack_formats::Error::io(path, e).into()));
                return;
            }
        };
        if let Some(h) = hash.as_deref_mut() {
            h.update(&buf[have..]);
        }
        read_total += n as u64;
        let eof = n < want - have;
        if !eof {
            match memchr::memrchr(b'\n', &buf) {
                Some(p) => {
                    carry.extend_from_slice(&buf[p + 1..]);
                    buf.truncate(p + 1);
                }
                None => {
                    // A line longer than a chunk: keep reading.
                    carry = buf;
                    continue;
                }
            }
        }
        if !buf.is_empty() && tx.send(Ok(Some((buf, read_total)))).is_err() {
            return;
        }
        if eof {
            let _ = tx.send(Ok(None));
            return;
        }
    }
}

/// Read `path` in chunks parsed in parallel; hand each wave of parsed
/// chunks (in input order) to `sink`. `progress(bytes_read)` is called
/// after every wave. With `hash`, every byte read is fed to it (the
/// caller passes it only for uncompressed inputs, whose bytes read are
/// the file's bytes).
///
/// A read-ahead thread reads (and hashes) the next wave while the
/// current one is parsed, so the parsing threads do not wait for input.
pub(crate) fn read_chunked(
    path: &str,
    fmt: Format,
    opts: &ReadOptions,
    chunk: usize,
    sink: &mut dyn FnMut(Track) -> Result<()>,
    progress: &mut dyn FnMut(u64),
    hash: Option<&mut Xxh3>,
) -> Result<Chunked> {
    let input = gtrack_formats::io::open_input(path).map_err(|e| Error::io(path, e))?;
    let threads = rayon::current_num_threads().max(1);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Ahead>(threads);
    let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        scope.spawn(move || read_ahead(input, path, chunk, &tx, &back_rx, hash));
        // `rx` is dropped when this returns, which stops the reader.
        let rx = rx;
        let mut first: Option<Track> = None;
        let mut index = 0usize;
        let mut eof = false;
        while !eof {
            // One wave: up to `threads` chunks.
            let mut wave: Vec<Vec<u8>> = Vec::with_capacity(threads);
            let mut read_total = 0;
            while wave.len() < threads && !eof {
                match rx.recv() {
                    Ok(Ok(Some((buf, total)))) => {
                        wave.push(buf);
                        read_total = total;
                    }
                    Ok(Ok(None)) | Err(_) => eof = true,
                    Ok(Err(e)) => return Err(e),
                }
            }
            let base = index;
            index += wave.len();
            let parsed: Vec<std::result::Result<Track, gtrack_formats::Error>> = wave
                .par_iter()
                .map(|b| {
                    gtrack_formats::format::read(std::io::Cursor::new(&b[..]), path, fmt, opts)
                })
                .collect();
            for b in wave {
                let _ = back_tx.send(b);
            }
            for (k, r) in parsed.into_iter().enumerate() {
                let Ok(t) = r else {
                    return Ok(Chunked::Sequential);
                };
                if base + k > 0 && !t.metadata.is_empty() {
                    // A header line after the data: the sequential reader
                    // reports it with its line number.
                    return Ok(Chunked::Sequential);
                }
                if t.is_empty() && base + k > 0 {
                    continue;
                }
                match &first {
                    None => first = Some(Track::new(t.schema.clone())),
                    Some(f) if !compatible(f, &t) => return Ok(Chunked::Sequential),
                    Some(_) => {}
                }
                sink(t)?;
            }
            if read_total > 0 {
                progress(read_total);
            }
        }
        Ok(Chunked::Done)
    })
}

/// Whether `path` starts with the gzip magic (read through a decoder, so
/// the bytes parsed are not the file's bytes).
pub(crate) fn compressed(path: &str) -> Result<bool> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut magic = [0u8; 2];
    let mut n = 0;
    while n < 2 {
        match f.read(&mut magic[n..]).map_err(|e| Error::io(path, e))? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

/// The digest of a hasher fed the raw bytes of the inputs, as
/// [`checksum`] formats it.
pub(crate) fn digest(h: &Xxh3) -> String {
    format!("{:032x}", h.digest128())
}

/// XXH3-128 of the raw bytes of `paths`, in order, and their total size.
pub(crate) fn checksum(paths: &[String]) -> Result<(String, u64)> {
    let mut h = Xxh3::new();
    let mut total = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    for p in paths {
        let mut f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
        loop {
            let n = f.read(&mut buf).map_err(|e| Error::io(p, e))?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            total += n as u64;
        }
    }
    Ok((digest(&h), total))
}

/// Read one input whole (any format), with the genome check.
pub(crate) fn read_whole(path: &str, fmt: Format, opts: &ReadOptions) -> Result<Track> {
    Ok(gtrack_formats::format::read_path(path, Some(fmt), opts)?.1)
}

/// Stream stdin? Not supported: imports need a file to checksum.
pub(crate) fn check_input(path: &str) -> Result<()> {
    if path == "-" {
        return Err(Error::Usage(
            "import reads files, not standard input (the source checksum needs the file); save the input to a file first".into(),
        ));
    }
    if !Path::new(path).is_file() {
        return Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        ));
    }
    Ok(())
}
