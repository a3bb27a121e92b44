//! Property: a file that reads as a valid track is written by the
//! canonical writer into GTrack that reads back as the same track
//! (`Track::same`), for each combination of write options.
#![no_main]

use gtrack_formats::gtrack::{self, ReadOptions, Reader, WriteOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = gtrack::read_track(Reader::new(data, "fuzz", ReadOptions::default())) else {
        return;
    };
    let track = &parsed.track;
    for bits in 0u8..8 {
        let wo = WriteOptions {
            full_headers: bits & 1 != 0,
            one_indexed: bits & 2 != 0,
            end_inclusive: bits & 4 != 0,
            // The best-fitting bundled subtype, on every other pass.
            subtype: if bits == 7 { gtrack::writer::best_subtype(track) } else { None },
        };
        let text = gtrack::write_string(track, &wo);
        match gtrack::read_track(Reader::new(
            text.as_bytes(),
            "rewritten",
            ReadOptions::default(),
        )) {
            Ok(back) => {
                if !track.same(&back.track) {
                    panic!(
                        "round trip changed the track with {wo:?}\n--- written ---\n{text}\n--- original ---\n{:#?}\n--- re-read ---\n{:#?}",
                        track, back.track
                    );
                }
            }
            Err(diags) => {
                let msgs: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
                panic!("writer output does not read back with {wo:?}\n--- written ---\n{text}\n--- errors ---\n{}", msgs.join("\n"));
            }
        }
    }
});
