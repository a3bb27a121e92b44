//! Reading inputs for import: in parallel chunks where the format allows
//! it, with a memory budget above which sorted runs are spilled to disk.

use std::io::Read;
use std::path::Path;

use gtrack_core::Track;
use gtrack_formats::{Format, ReadOptions};
use xxhash_rust::xxh3::Xxh3;

use crate::error::{Error, Result};

/// Size of one parse chunk (see [`gtrack_formats::chunked`]).
pub(crate) const CHUNK: usize = gtrack_formats::chunked::CHUNK;

/// Formats read in parallel chunks: those gtrack-formats can split, except
/// bedGraph, whose step-function rule and regions are whole-file
/// decisions the store's accumulator does not re-make.
pub(crate) fn splittable(fmt: Format, opts: &ReadOptions) -> bool {
    gtrack_formats::chunked::splittable(fmt, opts)
        && !matches!(fmt, Format::BedGraph | Format::TargetControl)
}

/// Estimated heap bytes of a track's columns.
pub(crate) fn track_bytes(t: &Track) -> usize {
    t.seqs.iter().map(|s| s.heap_bytes()).sum()
}

pub(crate) use gtrack_formats::chunked::Chunked;

/// Read `path` in chunks parsed in parallel (see
/// [`gtrack_formats::chunked::read_chunked`]), feeding every byte read to
/// `hash` when given.
pub(crate) fn read_chunked(
    path: &str,
    fmt: Format,
    opts: &ReadOptions,
    chunk: usize,
    sink: &mut dyn FnMut(Track) -> Result<()>,
    progress: &mut dyn FnMut(u64),
    hash: Option<&mut Xxh3>,
) -> Result<Chunked> {
    match hash {
        Some(h) => {
            let mut feed = |b: &[u8]| h.update(b);
            gtrack_formats::chunked::read_chunked(
                path,
                fmt,
                opts,
                chunk,
                sink,
                progress,
                Some(&mut feed),
            )
        }
        None => gtrack_formats::chunked::read_chunked(path, fmt, opts, chunk, sink, progress, None),
    }
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
