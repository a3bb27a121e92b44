//! Errors of the store.

use std::path::{Path, PathBuf};

/// Everything that can go wrong opening, reading or writing a store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O error on a file of the store or an input.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Reading the input track failed (its message names file, line and rule).
    #[error(transparent)]
    Input(#[from] gtrack_formats::Error),
    /// A file of a stored track does not match its manifest.
    #[error("{}: store-corrupt: {what}; the track is damaged: re-import it (`gtrack import ... --name {track}`) or restore it from a backup", path.display())]
    Corrupt {
        /// The damaged file.
        path: PathBuf,
        /// The track's name.
        track: String,
        /// What does not match.
        what: String,
    },
    /// The manifest was written by an incompatible version.
    #[error("{}: store-version: written by store format version {found}, this gtrack reads version {expected}; re-import the track with this gtrack (`gtrack import`), or use the gtrack version that wrote it", path.display())]
    Version {
        /// The manifest file.
        path: PathBuf,
        /// Version found.
        found: u32,
        /// Version supported.
        expected: u32,
    },
    /// No track of that name.
    #[error("store-no-track: no track `{name}` in store {}{}", store.display(), hint(known))]
    NoTrack {
        /// The store directory.
        store: PathBuf,
        /// The name asked for.
        name: String,
        /// Some names that do exist.
        known: Vec<String>,
    },
    /// A sequence that the track's genome does not have.
    #[error("store-unknown-seq: sequence `{seq}` is not in genome `{genome}` of track `{track}`; check the name (sequences of the genome: {known})")]
    UnknownSeq {
        /// The sequence asked for.
        seq: String,
        /// The genome.
        genome: String,
        /// The track.
        track: String,
        /// A few sequences that exist.
        known: String,
    },
    /// A region that is not a valid query.
    #[error("store-region: {0}")]
    Region(String),
    /// Bad arguments or an operation the track does not support.
    #[error("{0}")]
    Usage(String),
}

fn hint(known: &[String]) -> String {
    if known.is_empty() {
        "; the store holds no tracks (add one with `gtrack import`)".into()
    } else {
        format!(
            "; it holds {}{} (see `gtrack ls`)",
            known
                .iter()
                .take(8)
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if known.len() > 8 { ", …" } else { "" }
        )
    }
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
    /// Whether the error is about bad input (exit code 1) rather than
    /// usage or the system (exit code 2).
    pub fn is_invalid_input(&self) -> bool {
        match self {
            Error::Input(e) => matches!(
                e,
                gtrack_formats::Error::Format(_) | gtrack_formats::Error::Gtrack(_)
            ),
            Error::Corrupt { .. } | Error::UnknownSeq { .. } | Error::Region(_) => true,
            _ => false,
        }
    }
}

/// Result with the store's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
