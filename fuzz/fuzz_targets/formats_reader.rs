//! Every text reader of gtrack-formats on arbitrary input: the first byte
//! picks the format, the rest is the file. Properties: no panic; an input
//! that reads as a track and can be written back in its own format
//! without loss reads back as the same track (F → track → F → track).
#![no_main]

use gtrack_formats::format::{self, Format, ReadOptions, WriteOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text: Vec<Format> = Format::ALL
        .iter()
        .copied()
        .filter(|f| !f.is_binary())
        .collect();
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let fmt = text[sel as usize % text.len()];
    let expand = sel as usize / text.len() % 2 == 1;
    let ro = ReadOptions {
        expand_blocks: expand,
        ..Default::default()
    };
    let Ok(track) = format::read(body, "fuzz", fmt, &ro) else {
        return;
    };
    // Writing to GTrack is lossless whenever GTrack can hold the track at
    // all (it cannot hold empty regions or zero-length segments).
    if format::losses(&track, Format::Gtrack).is_err() {
        return;
    }
    let mut gt = Vec::new();
    format::write(&track, &mut gt, Format::Gtrack, &WriteOptions::default())
        .expect("GTrack writing cannot fail");
    let back = format::read(&gt[..], "gtrack", Format::Gtrack, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{fmt}: GTrack output does not read back: {e}\n{}", String::from_utf8_lossy(&gt)));
    assert!(back.same(&track), "{fmt}: GTrack round trip changed the track");
    // The format itself, when it claims to be lossless.
    // (An empty track reads back with the format's default type: skip.)
    if !track.is_empty() && format::losses(&track, fmt).is_ok_and(|l| l.is_empty()) {
        let mut out = Vec::new();
        if format::write(&track, &mut out, fmt, &WriteOptions::default()).is_ok() {
            let again = format::read(&out[..], "again", fmt, &ro).unwrap_or_else(|e| {
                panic!("{fmt}: own output does not read back: {e}\n{}", String::from_utf8_lossy(&out))
            });
            // GFF dialects rewrite attribute text written in another
            // dialect's syntax (tags and values kept): then the written text
            // must be stable instead.
            let stable = || {
                let mut out2 = Vec::new();
                format::write(&again, &mut out2, fmt, &WriteOptions::default()).is_ok() && out2 == out
            };
            let gff = matches!(fmt, Format::Gff2 | Format::Gff3 | Format::Gtf);
            assert!(
                again.same(&track) || (gff && stable()),
                "{fmt}: own round trip changed the track\n{}",
                String::from_utf8_lossy(&out)
            );
        }
    }
});
