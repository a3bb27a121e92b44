//! GTrack 1.0: reader, validator, writer and tools.
//!
//! The reader ([`Reader`]) streams events; [`read_track`] builds a
//! [`Track`]; [`validate`] collects every error of a file;
//! [`write`](fn@write) writes canonical GTrack; [`tools`] holds expand-headers,
//! standardize, sort, complement and tabular → GTrack.

pub mod diag;
pub mod escape;
pub mod header;
pub mod infer;
pub mod reader;
pub mod subtype;
pub mod tools;
pub mod writer;

use std::io::BufRead;

use gtrack_core::{EdgeSpec, OptionalColumns, Track, TrackSchema};

pub use diag::{Diagnostic, Fault, Rule, Severity};
pub use header::{Headers, Var};
pub use reader::{Element, Event, Layout, ReadOptions, Reader};
pub use writer::{write, write_string, WriteOptions};

/// A parsed GTrack file: the track plus what the file said about itself.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The track.
    pub track: Track,
    /// Headers as declared in the file.
    pub headers: Headers,
    /// The interpreted layout.
    pub layout: Layout,
    /// The bundled subtype the file uses, if any.
    pub subtype: Option<&'static str>,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
}

/// Read a whole GTrack stream into a [`Track`].
///
/// # Errors
/// All diagnostics (errors and warnings) when the file is invalid; with
/// `opts.collect` false, stops at the first error.
pub fn read_track<R: BufRead>(mut rd: Reader<R>) -> Result<Parsed, Vec<Diagnostic>> {
    let layout = match rd.read_header() {
        Ok(l) => l.clone(),
        Err(_) => return Err(rd.take_diagnostics()),
    };
    let schema = TrackSchema {
        track_type: layout.track_type,
        value: layout.value,
        edges: layout.track_type.is_linked().then_some(EdgeSpec {
            undirected: layout.undirected,
            weights: layout.weights,
        }),
        columns: OptionalColumns {
            strand: layout.has_strand,
            id: layout.has_id,
            extra: layout.extra.clone(),
        },
    };
    let mut track = Track::new(schema);
    let mut map: Vec<usize> = Vec::new();
    let mut elem = Element::new();
    // Current block: region index and (track seq, first element).
    let mut block: Option<(usize, Option<(usize, usize)>)> = None;
    let mut blocks: Vec<Option<(usize, std::ops::Range<usize>)>> = Vec::new();
    let close = |track: &mut Track,
                 rd: &Reader<R>,
                 block: Option<(usize, Option<(usize, usize)>)>,
                 blocks: &mut Vec<Option<(usize, std::ops::Range<usize>)>>| {
        if let Some((ri, b)) = block {
            let r = &rd.regions()[ri];
            let entry = match (r.kind, b) {
                (gtrack_core::RegionKind::Genome, _) => None,
                (_, Some((s, first))) => Some((s, first..track.seqs[s].len())),
                (_, None) => {
                    let s = track.seq_index(r.genome.as_deref(), r.seqid.as_deref().unwrap_or(""));
                    let n = track.seqs[s].len();
                    Some((s, n..n))
                }
            };
            blocks.resize(ri + 1, None);
            blocks[ri] = entry;
        }
    };
    let mut failed = false;
    loop {
        match rd.read_event(&mut elem) {
            Ok(None) => break,
            Err(_) => {
                failed = true;
                break;
            }
            Ok(Some(Event::Region(i))) => {
                let b = block.take();
                close(&mut track, &rd, b, &mut blocks);
                block = Some((i, None));
            }
            Ok(Some(Event::Element)) => {
                while map.len() <= elem.seq {
                    let (g, s) = &rd.sequences()[map.len()];
                    let ti = track.seq_index(g.as_deref(), s);
                    map.push(ti);
                }
                let ti = map[elem.seq];
                if let Some((_, b @ None)) = &mut block {
                    *b = Some((ti, track.seqs[ti].len()));
                }
                push_element(&mut track, ti, &elem);
            }
        }
    }
    if failed || rd.finish().is_err() || rd.error_count() > 0 {
        return Err(rd.take_diagnostics());
    }
    let b = block.take();
    close(&mut track, &rd, b, &mut blocks);
    track.regions = rd.regions().to_vec();
    for (r, b) in track.regions.iter_mut().zip(blocks) {
        r.block = b;
    }
    track.metadata = rd.headers().custom.clone();
    Ok(Parsed {
        headers: rd.headers().clone(),
        subtype: rd.subtype().map(|(n, _)| n),
        warnings: rd.take_diagnostics(),
        layout,
        track,
    })
}

/// Append one element read by [`Reader`] to sequence `ti` of `track`.
pub fn push_element(track: &mut Track, ti: usize, elem: &Element) {
    let s = &mut track.seqs[ti];
    s.starts.push(elem.start);
    s.ends.push(elem.end);
    if let Some(v) = &mut s.values {
        v.push(&elem.value);
    }
    if let Some(st) = &mut s.strands {
        st.push(elem.strand);
    }
    if let Some(ids) = &mut s.ids {
        ids.push(elem.id.as_deref());
    }
    if let Some(e) = &mut s.edges {
        e.push(
            elem.targets
                .iter()
                .enumerate()
                .map(|(k, t)| (t.as_str(), elem.weights.get(k))),
        );
    }
    for (k, x) in s.extras.iter_mut().enumerate() {
        x.push(Some(&elem.extras[k]));
    }
}

/// Read a GTrack file (`-` = stdin; gzip detected) into a track.
///
/// # Errors
/// I/O errors and GTrack violations as diagnostics.
pub fn read_path(path: &str, opts: ReadOptions) -> Result<Parsed, Vec<Diagnostic>> {
    let input = crate::io::open_input(path)
        .map_err(|e| vec![Fault::new(Rule::Io, e.to_string()).at(path, 0)])?;
    read_track(Reader::new(input, path, opts))
}

/// Parse GTrack text held in memory (for tests and examples).
///
/// # Errors
/// The first error, as a diagnostic list.
pub fn read_str(text: &str, name: &str) -> Result<Parsed, Vec<Diagnostic>> {
    read_track(Reader::new(text.as_bytes(), name, ReadOptions::default()))
}

/// Validate a GTrack stream, collecting all errors and warnings.
pub fn validate<R: BufRead>(input: R, name: &str, mut opts: ReadOptions) -> Vec<Diagnostic> {
    opts.collect = true;
    let mut rd = Reader::new(input, name, opts);
    let mut elem = Element::new();
    if rd.read_header().is_ok() {
        while let Ok(Some(_)) = rd.read_event(&mut elem) {}
        let _ = rd.finish();
    }
    let mut d = rd.take_diagnostics();
    d.sort_by_key(|d| d.line);
    d
}
