//! Helpers shared by the store tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use gtrack_core::{SeqElements, Track};
use gtrack_store::{ImportOptions, Imported, Store};

/// The formats crate's valid GTrack fixtures (ours, in this repository).
pub fn valid_fixtures() -> Vec<PathBuf> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../formats/tests/data/valid");
    let mut out = Vec::new();
    for d in [base.clone(), base.join("generated")] {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "gtrack") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// One element as text (position, value, strand, id, edges, extras).
pub fn row(s: &SeqElements, i: usize) -> String {
    let v = s
        .values
        .as_ref()
        .map(|v| format!("{:?}", v.get(i)))
        .unwrap_or_default();
    let v = v.replace("NaN", "nan");
    let st = s.strands.as_ref().map(|x| x[i].symbol()).unwrap_or(' ');
    let id = s
        .ids
        .as_ref()
        .map(|x| format!("{:?}", x.get(i)))
        .unwrap_or_default();
    let e = s
        .edges
        .as_ref()
        .map(|e| {
            e.range(i)
                .map(|k| {
                    format!(
                        "{}={}",
                        e.target(k),
                        e.weights()
                            .map(|w| format!("{:?}", w.get(k)))
                            .unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let x: Vec<String> = s.extras.iter().map(|c| format!("{:?}", c.get(i))).collect();
    format!(
        "{}-{} v={v} s={st} id={id} e={e} x={x:?}",
        s.starts[i], s.ends[i]
    )
}

/// Rows of a sequence in stable (start, end) order.
pub fn sorted_rows(s: &SeqElements) -> Vec<String> {
    let mut order: Vec<usize> = (0..s.len()).collect();
    order.sort_by_key(|&i| (s.starts[i], s.ends[i]));
    order.into_iter().map(|i| row(s, i)).collect()
}

/// Assert `got` (exported from the store) equals `src` up to element
/// order: same schema and metadata, per sequence the stable-sorted rows,
/// per bounding region the same elements.
pub fn assert_same_sorted(src: &Track, got: &Track, what: &str) {
    assert_eq!(src.schema, got.schema, "{what}: schema");
    assert_eq!(src.metadata, got.metadata, "{what}: metadata");
    let keys = |t: &Track| -> Vec<(Option<String>, String)> {
        t.seqs
            .iter()
            .map(|s| (s.genome.clone(), s.seqid.clone()))
            .collect()
    };
    assert_eq!(keys(src), keys(got), "{what}: sequences");
    for (a, b) in src.seqs.iter().zip(&got.seqs) {
        let rows_b: Vec<String> = (0..b.len()).map(|i| row(b, i)).collect();
        assert_eq!(sorted_rows(a), rows_b, "{what}: elements of {}", a.seqid);
    }
    assert_eq!(src.regions.len(), got.regions.len(), "{what}: regions");
    for (ra, rb) in src.regions.iter().zip(&got.regions) {
        let mut a = ra.clone();
        let mut b = rb.clone();
        let ea = a.block.take().map(|(s, r)| {
            let mut v: Vec<String> = r.map(|i| row(&src.seqs[s], i)).collect();
            v.sort();
            (s, v)
        });
        let eb = b.block.take().map(|(s, r)| {
            let mut v: Vec<String> = r.map(|i| row(&got.seqs[s], i)).collect();
            v.sort();
            (s, v)
        });
        assert_eq!(a, b, "{what}: region");
        assert_eq!(ea, eb, "{what}: block of region {:?}", ra);
    }
}

/// Import `path` into a new store in `dir` under `name`.
pub fn import(dir: &Path, path: &Path, name: &str, opts: ImportOptions) -> (Store, Imported) {
    let store = Store::create(dir).unwrap();
    let opts = ImportOptions {
        name: Some(name.into()),
        sync: false,
        ..opts
    };
    let m = store
        .import(
            &[path.to_string_lossy().into_owned()],
            &opts,
            &mut |_, _| {},
        )
        .unwrap_or_else(|e| panic!("import {}: {e}", path.display()));
    (store, m)
}

/// The shared material, or `None` (with a note) when absent.
pub fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("SKIPPED: ../shared is not present");
        None
    }
}
