//! Column files: little-endian arrays written with a running checksum,
//! read back through memory maps as `&[T]`.
//!
//! Every column is its own file, so its data starts at offset 0 of a
//! page-aligned map and any `T` up to 8 bytes is aligned. Files are
//! written in the host's byte order, which must be little-endian.

#[cfg(target_endian = "big")]
compile_error!("the gtrack store layout is little-endian; big-endian hosts are not supported");

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use bytemuck::Pod;
use memmap2::Mmap;
use xxhash_rust::xxh3::Xxh3;

use crate::error::{Error, Result};
use crate::manifest::FileEntry;

/// Missing string marker: one byte that is never valid UTF-8.
pub(crate) const MISSING_STR: u8 = 0xFF;

/// Writes one column file, hashing as it goes.
pub(crate) struct ColWriter {
    path: PathBuf,
    out: BufWriter<File>,
    hasher: Xxh3,
    bytes: u64,
}

impl ColWriter {
    pub(crate) fn create(path: PathBuf) -> Result<Self> {
        let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(ColWriter {
            path,
            out: BufWriter::with_capacity(1 << 20, f),
            hasher: Xxh3::new(),
            bytes: 0,
        })
    }
    pub(crate) fn put<T: Pod>(&mut self, xs: &[T]) -> Result<()> {
        let b: &[u8] = bytemuck::cast_slice(xs);
        self.hasher.update(b);
        self.bytes += b.len() as u64;
        self.out.write_all(b).map_err(|e| Error::io(&self.path, e))
    }
    pub(crate) fn put1<T: Pod>(&mut self, x: T) -> Result<()> {
        self.put(std::slice::from_ref(&x))
    }
    /// Flush, optionally fsync, and return the manifest entry.
    pub(crate) fn finish(self, sync: bool) -> Result<FileEntry> {
        let path = self.path;
        let f = self
            .out
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        if sync {
            f.sync_all().map_err(|e| Error::io(&path, e))?;
        }
        Ok(FileEntry {
            bytes: self.bytes,
            xxh3: format!("{:016x}", self.hasher.digest()),
        })
    }
}

/// Write a whole slice as a column file.
pub(crate) fn write_slice<T: Pod>(path: PathBuf, xs: &[T], sync: bool) -> Result<FileEntry> {
    let mut w = ColWriter::create(path)?;
    w.put(xs)?;
    w.finish(sync)
}

/// A read-only memory-mapped column file.
#[derive(Debug)]
pub struct Mapped {
    map: Option<Mmap>,
    path: PathBuf,
}

impl Mapped {
    /// Map `path`, check its size against `entry`, and (unless `trust`)
    /// its checksum. `track` names the track in errors.
    pub(crate) fn open(path: PathBuf, entry: &FileEntry, trust: bool, track: &str) -> Result<Self> {
        let corrupt = |what: String| Error::Corrupt {
            path: path.clone(),
            track: track.to_string(),
            what,
        };
        let f = File::open(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                corrupt("the column file is missing".into())
            } else {
                Error::io(&path, e)
            }
        })?;
        let len = f.metadata().map_err(|e| Error::io(&path, e))?.len();
        if len != entry.bytes {
            return Err(corrupt(format!(
                "the column file has {len} bytes, the manifest says {}",
                entry.bytes
            )));
        }
        let map = if len == 0 {
            None
        } else {
            // SAFETY: the map is read-only. The store never rewrites a
            // column file in place (tracks are replaced by renaming a new
            // directory), so the mapping is not mutated underneath us by
            // gtrack; another process truncating the file would be a
            // violation of the store's contract (documented).
            // When the whole file is about to be hashed, fault it in at
            // once (MAP_POPULATE) rather than page by page.
            let mut o = memmap2::MmapOptions::new();
            if !trust {
                o.populate();
            }
            Some(unsafe { o.map(&f) }.map_err(|e| Error::io(&path, e))?)
        };
        let m = Mapped {
            map,
            path: path.clone(),
        };
        if !trust {
            let got = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(m.bytes()));
            if got != entry.xxh3 {
                return Err(corrupt(format!(
                    "checksum mismatch (XXH3 {got}, the manifest says {}): the file was modified or damaged",
                    entry.xxh3
                )));
            }
        }
        Ok(m)
    }
    /// The raw bytes.
    pub fn bytes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
    }
    /// The file as `&[T]`; `track` names the track in errors.
    pub(crate) fn slice<T: Pod>(&self, track: &str) -> Result<&[T]> {
        if self.bytes().is_empty() {
            return Ok(&[]);
        }
        bytemuck::try_cast_slice(self.bytes()).map_err(|e| Error::Corrupt {
            path: self.path.clone(),
            track: track.to_string(),
            what: format!(
                "{} bytes is not a whole number of {}-byte items ({e:?})",
                self.bytes().len(),
                std::mem::size_of::<T>()
            ),
        })
    }
    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Bytes of a mapped column as `&[T]`. Maps are page-aligned and sizes
/// are checked when a column is opened, so this cannot fail for them; an
/// empty file gives an empty slice.
pub(crate) fn cast<T: Pod>(b: &[u8]) -> &[T] {
    if b.is_empty() {
        return &[];
    }
    bytemuck::try_cast_slice(b).unwrap_or(&[])
}

/// fsync a directory (so a rename or new entries in it are durable).
pub(crate) fn sync_dir(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let d = File::open(path).map_err(|e| Error::io(path, e))?;
        d.sync_all().map_err(|e| Error::io(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
