//! `tools::expand_headers` on arbitrary bytes: must never panic, and when
//! it succeeds its output must itself be valid GTrack.
#![no_main]

use gtrack_formats::gtrack::tools::{expand_headers, ExpandOptions};
use gtrack_formats::gtrack::{self, ReadOptions, Reader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for full in [false, true] {
        let Ok(out) = expand_headers(data, "fuzz", ExpandOptions { full }) else {
            return;
        };
        if let Err(diags) = gtrack::read_track(Reader::new(out.as_bytes(), "expanded", ReadOptions::default())) {
            let msgs: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
            panic!("expand-headers (full: {full}) output is invalid\n--- output ---\n{out}\n--- errors ---\n{}", msgs.join("\n"));
        }
    }
});
