//! Helpers shared by the command-line tests.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Run the `gtrack` binary with `args` in `dir`.
pub fn gtrack(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gtrack"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run gtrack")
}

/// Bytes as text (lossy).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
