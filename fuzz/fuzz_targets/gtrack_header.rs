//! Header lines: each input line (split on LF) is fed to one `Headers`
//! via `parse_line`, then the effective values are computed. Must never panic.
#![no_main]

use gtrack_formats::gtrack::header::{Effective, Headers, Var};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut h = Headers::default();
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        let body = line.strip_prefix(b"##").unwrap_or(line);
        let _ = h.parse_line(body, i as u64 + 1);
    }
    let e = Effective::merge(&h, None);
    for &v in Var::ALL {
        let _ = e.get(v);
        let _ = e.int(v);
        let _ = e.flag(v);
    }
    let _ = (
        e.track_type(),
        e.value_type(),
        e.value_dim(),
        e.weight_type(),
        e.weight_dim(),
    );
    // The file's headers over themselves as a subtype.
    let _ = Effective::merge(&Headers::default(), Some(&h));
});
