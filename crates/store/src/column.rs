//! Column files: little-endian arrays written with a running checksum,
//! read back through memory maps as `&[T]`.
//!
//! Every column is its own file, so its data starts at offset 0 of a
//! page-aligned map and any `T` up to 8 bytes is aligned. Files are
//! written in the host's byte order, which must be little-endian.

#[cfg(target_endian = "big")]
compile_error!("the gtrack store layout is little-endian; big-endian hosts are not supported");

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use bytemuck::Pod;
use memmap2::Mmap;
use xxhash_rust::xxh3::Xxh3;

use crate::error::{Error, Result};
use crate::manifest::FileEntry;

/// Missing string marker: one byte that is never valid UTF-8.
pub(crate) const MISSING_STR: u8 = 0xFF;

/// Size of a column writer's buffer, and of each O_DIRECT write.
const WBUF: usize = 1 << 20;
/// Alignment of O_DIRECT buffers, offsets and lengths: the page size,
/// which satisfies every block device's logical block size in practice.
const ALIGN: usize = 4096;

/// Write buffers, reused across column writers (a fresh 1 MiB buffer per
/// column file would cost page faults).
static POOL: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::new(Vec::new());

/// How column files are written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Io {
    /// fsync each file when it is complete.
    pub sync: bool,
    /// Write files larger than one buffer with O_DIRECT (Linux), which
    /// bypasses the page cache. Import writes each column once and does
    /// not read it back, so copying it into the page cache only costs CPU
    /// (on VMs, where fresh page-cache pages are expensive, about 1 s of
    /// system time per 500 MB). Where the file system refuses O_DIRECT,
    /// writes fall back to buffered I/O by themselves.
    pub direct: bool,
}

/// Writes one column file, hashing as it goes.
///
/// Data collects in an aligned 1 MiB buffer. A file that never fills it
/// is written at `finish` with one ordinary write. A larger file is
/// opened with O_DIRECT (Linux, when enabled and supported) and written
/// in whole aligned buffers; its unaligned tail is written after O_DIRECT
/// is switched off again. Hand-written rather than `BufWriter`, which
/// cannot align its buffer.
pub(crate) struct ColWriter {
    path: PathBuf,
    io: Io,
    file: Option<File>,
    direct: bool,
    buf: Vec<u8>,
    /// Start of the aligned region of `buf`.
    at: usize,
    /// Bytes pending in the aligned region.
    len: usize,
    hasher: Xxh3,
    bytes: u64,
}

impl ColWriter {
    pub(crate) fn create(path: PathBuf, io: Io) -> Result<Self> {
        let buf = POOL
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_else(|| vec![0u8; WBUF + ALIGN]);
        let at = buf.as_ptr().align_offset(ALIGN);
        Ok(ColWriter {
            path,
            io,
            file: None,
            direct: false,
            buf,
            at,
            len: 0,
            hasher: Xxh3::new(),
            bytes: 0,
        })
    }

    pub(crate) fn put<T: Pod>(&mut self, xs: &[T]) -> Result<()> {
        let mut b: &[u8] = bytemuck::cast_slice(xs);
        self.hasher.update(b);
        self.bytes += b.len() as u64;
        while !b.is_empty() {
            let take = (WBUF - self.len).min(b.len());
            let at = self.at + self.len;
            self.buf[at..at + take].copy_from_slice(&b[..take]);
            self.len += take;
            b = &b[take..];
            if self.len == WBUF {
                self.flush_full()?;
            }
        }
        Ok(())
    }

    pub(crate) fn put1<T: Pod>(&mut self, x: T) -> Result<()> {
        self.put(std::slice::from_ref(&x))
    }

    /// Write the full buffer (opening the file, direct if possible).
    fn flush_full(&mut self) -> Result<()> {
        if self.file.is_none() {
            let (f, direct) = open_out(&self.path, self.io.direct)?;
            self.file = Some(f);
            self.direct = direct;
        }
        let n = self.len;
        self.write_region(0, n)?;
        self.len = 0;
        Ok(())
    }

    /// Write `buf[at + a .. at + b]` to the open file; if a direct write
    /// is refused, switch to buffered I/O and retry.
    fn write_region(&mut self, a: usize, b: usize) -> Result<()> {
        let f = self.file.as_mut().expect("opened");
        let data = &self.buf[self.at + a..self.at + b];
        match f.write_all(data) {
            Ok(()) => Ok(()),
            Err(e) if self.direct && e.raw_os_error() == Some(libc_einval()) => {
                set_direct(f, false).map_err(|e| Error::io(&self.path, e))?;
                self.direct = false;
                f.write_all(data).map_err(|e| Error::io(&self.path, e))
            }
            Err(e) => Err(Error::io(&self.path, e)),
        }
    }

    /// Flush, optionally fsync, and return the manifest entry.
    pub(crate) fn finish(mut self) -> Result<FileEntry> {
        let n = self.len;
        match self.file.as_mut() {
            None => {
                let mut f = File::create(&self.path).map_err(|e| Error::io(&self.path, e))?;
                f.write_all(&self.buf[self.at..self.at + n])
                    .map_err(|e| Error::io(&self.path, e))?;
                self.file = Some(f);
            }
            Some(_) => {
                let whole = n / ALIGN * ALIGN;
                if whole > 0 {
                    self.write_region(0, whole)?;
                }
                if whole < n {
                    if self.direct {
                        let f = self.file.as_mut().expect("opened");
                        set_direct(f, false).map_err(|e| Error::io(&self.path, e))?;
                        self.direct = false;
                    }
                    self.write_region(whole, n)?;
                }
            }
        }
        self.len = 0;
        let f = self.file.take().expect("opened");
        if self.io.sync {
            f.sync_all().map_err(|e| Error::io(&self.path, e))?;
        }
        Ok(FileEntry {
            bytes: self.bytes,
            xxh3: format!("{:016x}", self.hasher.digest()),
        })
    }
}

impl Drop for ColWriter {
    fn drop(&mut self) {
        if let Ok(mut p) = POOL.lock() {
            if p.len() < 64 {
                p.push(std::mem::take(&mut self.buf));
            }
        }
    }
}

#[cfg(target_os = "linux")]
fn libc_einval() -> i32 {
    libc::EINVAL
}
#[cfg(not(target_os = "linux"))]
fn libc_einval() -> i32 {
    -1
}

/// Create `path` for writing; with `direct`, try O_DIRECT first. Returns
/// the file and whether it is in direct mode.
fn open_out(path: &Path, direct: bool) -> Result<(File, bool)> {
    #[cfg(target_os = "linux")]
    if direct {
        use std::os::unix::fs::OpenOptionsExt;
        if let Ok(f) = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .custom_flags(libc::O_DIRECT)
            .open(path)
        {
            return Ok((f, true));
        }
    }
    let _ = direct;
    let f = File::create(path).map_err(|e| Error::io(path, e))?;
    Ok((f, false))
}

/// Switch O_DIRECT on or off for an open file.
#[cfg(target_os = "linux")]
fn set_direct(f: &File, on: bool) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = f.as_raw_fd();
    // SAFETY: fcntl on a file descriptor we own, with integer arguments.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let want = if on {
        flags | libc::O_DIRECT
    } else {
        flags & !libc::O_DIRECT
    };
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, want) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}
#[cfg(not(target_os = "linux"))]
fn set_direct(_f: &File, _on: bool) -> std::io::Result<()> {
    Ok(())
}

/// Write a whole slice as a column file.
pub(crate) fn write_slice<T: Pod>(path: PathBuf, xs: &[T], io: Io) -> Result<FileEntry> {
    let mut w = ColWriter::create(path, io)?;
    w.put(xs)?;
    w.finish()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch directory under `base`, removed afterwards.
    struct Scratch(PathBuf);
    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    fn scratch(base: &Path, tag: &str) -> Option<Scratch> {
        let d = base.join(format!("gtrack-colwriter-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).ok()?;
        Some(Scratch(d))
    }

    /// Every size around the buffer and alignment boundaries, written in
    /// pieces of awkward sizes, reads back byte for byte with the right
    /// checksum, with and without O_DIRECT, with and without fsync; on
    /// the target directory's file system and on tmpfs when present.
    #[test]
    fn col_writer_round_trips_every_boundary() {
        let target = std::env::temp_dir();
        let mut dirs = vec![scratch(&target, "disk").expect("scratch dir")];
        // tmpfs: O_DIRECT is refused by older kernels, accepted by newer.
        dirs.extend(scratch(Path::new("/dev/shm"), "shm"));
        let sizes = [
            0,
            1,
            ALIGN - 1,
            ALIGN,
            ALIGN + 1,
            WBUF - 1,
            WBUF,
            WBUF + 1,
            WBUF + ALIGN,
            3 * WBUF + 17,
        ];
        for d in &dirs {
            for &n in &sizes {
                for (direct, sync) in [(true, false), (false, false), (true, true)] {
                    let data: Vec<u8> = (0..n).map(|i| (i * 31 % 251) as u8).collect();
                    let path = d.0.join(format!("c{n}-{direct}-{sync}"));
                    let mut w = ColWriter::create(path.clone(), Io { sync, direct }).unwrap();
                    // Pieces of 7, 4096 and 100003 bytes, and single items.
                    let mut rest = &data[..];
                    for step in [7usize, 4096, 100_003, 1].iter().cycle() {
                        if rest.is_empty() {
                            break;
                        }
                        let k = (*step).min(rest.len());
                        if k == 1 {
                            w.put1(rest[0]).unwrap();
                        } else {
                            w.put(&rest[..k]).unwrap();
                        }
                        rest = &rest[k..];
                    }
                    let e = w.finish().unwrap();
                    let back = std::fs::read(&path).unwrap();
                    assert_eq!(back.len(), n, "{}", path.display());
                    assert!(back == data, "{}: content differs", path.display());
                    assert_eq!(e.bytes, n as u64);
                    assert_eq!(
                        e.xxh3,
                        format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&data))
                    );
                }
            }
        }
    }

    /// A file that cannot be created is reported with its path, at the
    /// latest when the writer finishes.
    #[test]
    fn col_writer_reports_the_path_it_cannot_write() {
        let path = PathBuf::from("/nonexistent-gtrack-dir/x.u64");
        let r = ColWriter::create(
            path.clone(),
            Io {
                sync: false,
                direct: true,
            },
        )
        .and_then(|mut w| {
            w.put(&vec![0u64; WBUF])?;
            w.finish()
        });
        let e = r.expect_err("cannot write there").to_string();
        assert!(e.contains("/nonexistent-gtrack-dir/x.u64"), "{e}");
    }
}
