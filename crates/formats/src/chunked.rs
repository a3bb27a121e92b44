//! Parallel reading of formats whose data lines are independent of each
//! other (the BED family and bedGraph): the input is cut into chunks at
//! line ends, the chunks are parsed in parallel (rayon), and the pieces
//! are handed over in input order.
//!
//! The chunked result is exactly the sequential one or is not produced:
//! whenever a chunk fails to parse, holds a header line after the data, or
//! its pieces do not fit the others (a different schema), the caller is
//! told to read sequentially ([`Chunked::Sequential`]), which then gives
//! the exact diagnostic with its line number, or the right track.
//!
//! Two users: [`read_parallel`] (all of `gtrack convert`, `info`, … via
//! [`crate::format::read_path`]) joins the pieces into one track; the
//! store's import streams them into its columns.

use std::io::Read;

use gtrack_core::{Dimension, Track, TrackType};
use rayon::prelude::*;

use crate::error::Error;
use crate::format::{Format, ReadOptions};

/// Size of one parse chunk. Large enough to amortise task overhead, small
/// enough that a wave of chunks in flight stays far below any budget.
pub const CHUNK: usize = 8 << 20;

/// Formats whose data lines are independent of each other, so that a file
/// can be cut at line boundaries and the pieces parsed in parallel: the
/// BED family (without block expansion, which checks ids across lines)
/// and bedGraph. WIG is not (its declarations hold for the lines after
/// them).
pub fn splittable(fmt: Format, opts: &ReadOptions) -> bool {
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
                | BedGraph
                | TargetControl
        )
}

/// Formats whose `track`/`browser` lines may also come after data lines
/// (bedGraph keeps each in order as metadata, see docs/formats/wig.md);
/// in the BED family they must come first.
fn headers_anywhere(fmt: Format) -> bool {
    matches!(fmt, Format::BedGraph | Format::TargetControl)
}

/// The track type a piece of a file has before the whole-file rules are
/// applied: a BED piece decides the points rule (every element 1 bp) on
/// its own, a bedGraph piece the step-function rule (contiguous); the
/// whole file decides again once joined.
fn piece_type(t: TrackType) -> TrackType {
    match t {
        TrackType::Points => TrackType::Segments,
        TrackType::ValuedPoints | TrackType::StepFunction => TrackType::ValuedSegments,
        t => t,
    }
}

/// Elements per value of a vector-valued track (BED15's expression
/// scores), which must be the same throughout the file.
fn vector_width(t: &Track) -> Option<usize> {
    let s = t.seqs.iter().find(|s| !s.is_empty())?;
    let v = s.values.as_ref()?;
    (v.spec().dim == Dimension::Vector).then(|| v.range(0).len())
}

/// What two pieces must share to be joined: the schema (up to
/// [`piece_type`]) and the width of vector values.
#[derive(PartialEq)]
struct Shape {
    schema: gtrack_core::TrackSchema,
    width: Option<usize>,
}

impl Shape {
    fn of(t: &Track) -> Shape {
        let mut schema = t.schema.clone();
        schema.track_type = piece_type(schema.track_type);
        Shape {
            schema,
            width: vector_width(t),
        }
    }
}

/// What a chunked read produced: the pieces went to the sink in input
/// order, or the file must be read sequentially (for an exact
/// diagnostic, or because the pieces do not fit together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunked {
    /// Every piece went to the sink.
    Done,
    /// Read the file sequentially instead.
    Sequential,
}

/// A consumer of every byte read (e.g. a checksum).
pub type Hash<'a> = &'a mut (dyn FnMut(&[u8]) + Send);

/// One message from the read-ahead thread: a chunk (ending at a line
/// end, except the last) with the total bytes read so far, or the end.
type Ahead = Result<Option<(Vec<u8>, u64)>, Error>;

/// Read `input` into chunks of about `chunk` bytes cut at line ends, send
/// them on `tx` (blocking while a wave is queued), and feed every byte
/// to `hash`. Buffers come back on `back` for reuse (fresh 8 MiB
/// allocations would each cost page faults and zeroing). Stops quietly
/// when the receiver is gone.
fn read_ahead(
    mut input: Box<dyn std::io::BufRead + Send>,
    path: &str,
    chunk: usize,
    tx: &std::sync::mpsc::SyncSender<Ahead>,
    back: &std::sync::mpsc::Receiver<Vec<u8>>,
    mut hash: Option<Hash<'_>>,
) {
    let mut carry: Vec<u8> = Vec::new();
    let mut read_total = 0u64;
    loop {
        let mut buf = back.try_recv().unwrap_or_default();
        buf.clear();
        buf.append(&mut carry);
        let want = chunk.max(1).max(buf.len() + 1);
        let have = buf.len();
        buf.reserve(want - have);
        // `read_to_end` on a `take` fills spare capacity without zeroing.
        let n = match (&mut input)
            .take((want - have) as u64)
            .read_to_end(&mut buf)
        {
            Ok(n) => n,
            Err(e) => {
                let _ = tx.send(Err(Error::io(path, e)));
                return;
            }
        };
        if let Some(h) = hash.as_deref_mut() {
            h(&buf[have..]);
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

/// Read `path` (plain or gzip) in chunks parsed in parallel; hand every
/// piece with data, in input order, to `sink` (chunks of header lines
/// only at the start are parsed again with the next chunk, so the first
/// piece carries all header lines before the data; a file without data
/// gives one piece). For bedGraph, whose header lines may also come
/// after data, a piece may hold metadata only. `progress(bytes_read)` is called
/// after every wave of chunks. With `hash`, every byte read (decompressed)
/// is fed to it.
///
/// A read-ahead thread reads (and hashes) the next wave while the
/// current one is parsed, so the parsing threads do not wait for input.
///
/// # Errors
/// I/O errors, and whatever `sink` returns. Parse errors are not
/// returned: they give [`Chunked::Sequential`].
pub fn read_chunked<E: From<Error>>(
    path: &str,
    fmt: Format,
    opts: &ReadOptions,
    chunk: usize,
    sink: &mut dyn FnMut(Track) -> Result<(), E>,
    progress: &mut dyn FnMut(u64),
    hash: Option<Hash<'_>>,
) -> Result<Chunked, E> {
    let input = crate::io::open_input(path).map_err(|e| Error::io(path, e))?;
    let threads = rayon::current_num_threads().max(1);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Ahead>(threads);
    let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        scope.spawn(move || read_ahead(input, path, chunk, &tx, &back_rx, hash));
        // `rx` is dropped when this returns, which stops the reader.
        let rx = rx;
        let parse = |b: &[u8]| crate::format::read(std::io::Cursor::new(b), path, fmt, opts);
        let mut first: Option<Shape> = None;
        // The text read so far while it holds no data (header lines).
        let mut prefix: Option<Vec<u8>> = None;
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
                    Ok(Err(e)) => return Err(e.into()),
                }
            }
            let parsed: Vec<Result<Track, Error>> = wave.par_iter().map(|b| parse(b)).collect();
            // Once data was seen, no chunk text is needed again: hand the
            // buffers back to the reader now, before the sink runs.
            let mut wave = Some(wave);
            if first.is_some() {
                for b in wave.take().into_iter().flatten() {
                    let _ = back_tx.send(b);
                }
            }
            for (k, r) in parsed.into_iter().enumerate() {
                let r = match prefix.take() {
                    // The file so far held header lines only: parse them
                    // again together with this chunk, so that the
                    // reader's header rules see them all.
                    Some(mut pre) => {
                        pre.extend_from_slice(&wave.as_ref().expect("kept without data")[k]);
                        parse(&pre).map(|t| (t, Some(pre)))
                    }
                    None => r.map(|t| (t, None)),
                };
                let Ok((t, pre)) = r else {
                    return Ok(Chunked::Sequential);
                };
                if first.is_none() && t.is_empty() {
                    // No data yet: the piece's schema is the reader's
                    // default, not the data's.
                    prefix =
                        Some(pre.unwrap_or_else(|| {
                            wave.as_ref().expect("kept without data")[k].clone()
                        }));
                    continue;
                }
                if first.is_some() && !t.metadata.is_empty() && !headers_anywhere(fmt) {
                    // A header line after the data: the sequential reader
                    // reports it with its line number.
                    return Ok(Chunked::Sequential);
                }
                if t.is_empty() {
                    if !t.metadata.is_empty() {
                        // Header lines between the data (bedGraph).
                        sink(t)?;
                    }
                    continue;
                }
                let shape = Shape::of(&t);
                match &first {
                    None => first = Some(shape),
                    Some(f) if *f != shape => return Ok(Chunked::Sequential),
                    Some(_) => {}
                }
                sink(t)?;
            }
            for b in wave.into_iter().flatten() {
                let _ = back_tx.send(b);
            }
            if read_total > 0 {
                progress(read_total);
            }
        }
        if first.is_none() {
            // No data at all: the track of the whole (header-only) text.
            match parse(prefix.as_deref().unwrap_or_default()) {
                Ok(t) => sink(t)?,
                Err(_) => return Ok(Chunked::Sequential),
            }
        }
        Ok(Chunked::Done)
    })
}

/// Read `path` in parallel chunks of about `chunk` bytes ([`CHUNK`]
/// normally) and join the pieces into the track the sequential reader
/// gives. `None`: read it sequentially instead (a parse error, for its
/// exact diagnostic, or pieces that do not fit).
///
/// # Errors
/// I/O errors.
pub fn read_parallel(
    path: &str,
    fmt: Format,
    opts: &ReadOptions,
    chunk: usize,
) -> Result<Option<Track>, Error> {
    let mut whole: Option<Track> = None;
    let mut all_points = true;
    let mut sink = |t: Track| -> Result<(), Error> {
        if !t.is_empty() {
            all_points &= matches!(t.track_type(), TrackType::Points | TrackType::ValuedPoints);
        }
        match &mut whole {
            None => whole = Some(t),
            Some(w) => append(w, t),
        }
        Ok(())
    };
    let done = read_chunked(path, fmt, opts, chunk, &mut sink, &mut |_| {}, None)?;
    if done == Chunked::Sequential {
        return Ok(None);
    }
    let Some(mut track) = whole else {
        return Ok(None);
    };
    if matches!(fmt, Format::BedGraph | Format::TargetControl) {
        crate::wig::bedgraph_type(&mut track);
    } else if !track.is_empty() {
        let t = piece_type(track.track_type());
        track.schema.track_type = match (t, all_points) {
            (TrackType::Segments, true) => TrackType::Points,
            (TrackType::ValuedSegments, true) => TrackType::ValuedPoints,
            (t, _) => t,
        };
    }
    Ok(Some(track))
}

/// Append the elements of piece `t` to `w`, sequence by sequence (a
/// sequence seen before continues, as in the sequential reader).
fn append(w: &mut Track, mut t: Track) {
    w.metadata.append(&mut t.metadata);
    if t.is_empty() {
        return;
    }
    w.regions.clear();
    for s in t.seqs {
        let i = w.seq_index(s.genome.as_deref(), &s.seqid);
        if w.seqs[i].is_empty() {
            w.seqs[i] = s;
        } else {
            w.seqs[i].append(&s);
        }
    }
}
