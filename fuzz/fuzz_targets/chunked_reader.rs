//! The parallel chunked reader (BED family, bedGraph) against the
//! sequential one on arbitrary input: the first byte picks the format,
//! the second the chunk size (1..=64 bytes, so that chunk borders fall
//! everywhere), the rest is the file. Property: the chunked read joins
//! to the same track the sequential reader gives, and never accepts what
//! the sequential reader refuses (it must fall back instead).
#![no_main]

use gtrack_formats::chunked::{read_parallel, splittable};
use gtrack_formats::format::{self, Format, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ro = ReadOptions::default();
    let formats: Vec<Format> = Format::ALL
        .iter()
        .copied()
        .filter(|&f| splittable(f, &ro))
        .collect();
    let [sel, size, body @ ..] = data else {
        return;
    };
    let fmt = formats[*sel as usize % formats.len()];
    let chunk = 1 + *size as usize % 64;
    let path = std::env::temp_dir().join(format!("gtrack-fuzz-chunked-{}", std::process::id()));
    std::fs::write(&path, body).expect("temp file");
    let p = path.to_str().expect("utf-8 temp path");
    let seq = format::read(body, p, fmt, &ro);
    let par = read_parallel(p, fmt, &ro, chunk).expect("no I/O error on a temp file");
    match (seq, par) {
        (Ok(t), Some(c)) => assert!(c.same(&t), "{fmt} (chunk {chunk}): chunked read differs"),
        (Ok(_), None) => panic!("{fmt} (chunk {chunk}): a valid file fell back to sequential reading"),
        (Err(e), Some(_)) => panic!("{fmt} (chunk {chunk}): chunked read accepted an invalid file: {e}"),
        (Err(_), None) => {}
    }
});
