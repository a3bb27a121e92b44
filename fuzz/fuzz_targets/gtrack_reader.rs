//! Arbitrary bytes through the validator and the track builder: must never panic.
#![no_main]

use std::io::BufReader;
use std::sync::LazyLock;

use gtrack_core::Genome;
use gtrack_formats::gtrack::{self, ReadOptions, Reader};
use libfuzzer_sys::fuzz_target;

static GENOME: LazyLock<Genome> = LazyLock::new(|| {
    Genome::new(
        "fuzz",
        vec![
            ("chr1".into(), 1000),
            ("chr2".into(), 500),
            ("chrM".into(), 16),
            ("a".into(), 10),
        ],
    )
    .expect("genome")
});

fuzz_target!(|data: &[u8]| {
    // Validator (collecting mode), whole input in one buffer.
    let _ = gtrack::validate(data, "fuzz", ReadOptions::default());
    // Validator with a genome (seq-length / seqid-unknown checks), a low
    // error cap and a tiny read buffer (lines split across refills).
    let opts = ReadOptions {
        genome: Some(GENOME.clone()),
        max_errors: 3,
        ..Default::default()
    };
    let _ = gtrack::validate(BufReader::with_capacity(7, data), "fuzz", opts);
    // Track builder, stop at the first error.
    let _ = gtrack::read_track(Reader::new(data, "fuzz", ReadOptions::default()));
    // Track builder in collecting mode.
    let opts = ReadOptions {
        collect: true,
        ..Default::default()
    };
    let _ = gtrack::read_track(Reader::new(data, "fuzz", opts));
});
