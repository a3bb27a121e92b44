//! `tools::expand_headers` on arbitrary bytes. Properties:
//! * never panics;
//! * on success, its output is valid GTrack (reads with `read_track`);
//! * with `full: true` (every basic header written), it is idempotent:
//!   expanding the output again gives the same text.
//!
//! (Idempotence is not asserted for `full: false`: the writer omits
//! headers at their default value, and a second expansion re-guesses an
//! omitted `value type` from the content — see FINDINGS.md, F4.)
#![no_main]

use gtrack_formats::gtrack::tools::{expand_headers, ExpandOptions};
use gtrack_formats::gtrack::{self, ReadOptions, Reader};
use libfuzzer_sys::fuzz_target;

fn show(d: &[gtrack::Diagnostic]) -> String {
    d.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fuzz_target!(|data: &[u8]| {
    for full in [false, true] {
        let Ok(out) = expand_headers(data, "fuzz", ExpandOptions { full }) else {
            return;
        };
        if let Err(d) = gtrack::read_track(Reader::new(
            out.as_bytes(),
            "expanded",
            ReadOptions::default(),
        )) {
            panic!("expand-headers (full: {full}) output is invalid\n--- output ---\n{out}\n--- errors ---\n{}", show(&d));
        }
        if full {
            match expand_headers(out.as_bytes(), "expanded", ExpandOptions { full }) {
                Ok(again) => assert!(
                    again == out,
                    "expand-headers (full: true) is not idempotent\n--- first ---\n{out}\n--- second ---\n{again}"
                ),
                Err(d) => panic!("expand-headers output cannot be expanded again\n--- output ---\n{out}\n--- errors ---\n{}", show(&d)),
            }
        }
    }
});
