//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// Every file under `dir`, recursively, appended to `out`.
pub fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}
