//! Damaged stores never crash gtrack: random byte flips, truncations and
//! manifest edits give an error (with checksums) or, with `--trust`, at
//! worst wrong answers — never a panic.

use std::path::{Path, PathBuf};

use gtrack_store::{summarize, ImportOptions, Store, Verify};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../formats/tests/data/valid")
        .join(name)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Use the track every way a reader can.
fn exercise(store: &Store, verify: Verify) {
    let Ok(t) = store.open_track("t", verify) else {
        return;
    };
    let _ = t.verify_all();
    let seqs: Vec<String> = t.manifest().seqs.iter().map(|s| s.seqid.clone()).collect();
    for s in &seqs {
        for (a, b) in [(0u64, 10u64), (0, u64::MAX), (5, 6), (1_000, 2_000)] {
            if let Ok(v) = t.view(s, a, b) {
                let _ = summarize(&v);
                for i in v.iter() {
                    let _ = (
                        v.start(i),
                        v.end(i),
                        v.number(i),
                        v.strand(i),
                        v.id(i),
                        v.extra(0, i),
                    );
                }
                let _ = v.to_elements();
            }
        }
    }
    let _ = t.to_track();
    let _ = t.extract(
        &seqs
            .iter()
            .map(|s| (s.clone(), 0, u64::MAX))
            .collect::<Vec<_>>(),
    );
}

#[test]
fn damaged_tracks_give_errors_not_panics() {
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for fx in [
        "generated/linked_valued_segments__category_list__weights_number_list_undirected.gtrack",
        "generated/linked_base_pairs__weights_category_list_directed.gtrack",
        "generated/function__number_scalar.gtrack",
        "category_escapes.gtrack",
        "extra_custom_columns.gtrack",
        "sorted_elements_with_brs.gtrack",
    ] {
        let src = fixture(fx);
        assert!(src.exists(), "{}", src.display());
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("s");
        let store = Store::create(&root).unwrap();
        let o = ImportOptions {
            name: Some("t".into()),
            sync: false,
            ..Default::default()
        };
        store
            .import(&[src.to_string_lossy().into_owned()], &o, &mut |_, _| {})
            .unwrap();
        let pristine = tmp.path().join("pristine");
        copy_dir(&store.track_dir("t"), &pristine);
        let all = files(&pristine);
        for round in 0..120 {
            // Restore, then damage one file.
            let _ = std::fs::remove_dir_all(store.track_dir("t"));
            copy_dir(&pristine, &store.track_dir("t"));
            let victim_rel = all[(rnd() as usize) % all.len()]
                .strip_prefix(&pristine)
                .unwrap()
                .to_path_buf();
            let victim = store.track_dir("t").join(&victim_rel);
            let mut bytes = std::fs::read(&victim).unwrap();
            match round % 3 {
                0 if !bytes.is_empty() => {
                    for _ in 0..(1 + rnd() % 4) {
                        let k = (rnd() as usize) % bytes.len();
                        bytes[k] ^= 1 << (rnd() % 8);
                    }
                }
                1 => {
                    let n = (rnd() as usize) % (bytes.len() + 1);
                    bytes.truncate(n);
                }
                _ => {
                    // Edit numbers in the manifest, keep the JSON valid.
                    if victim_rel.ends_with("manifest.json") {
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        let digits: Vec<usize> = text
                            .char_indices()
                            .filter(|(_, c)| c.is_ascii_digit())
                            .map(|(i, _)| i)
                            .collect();
                        if !digits.is_empty() {
                            let mut t = text.into_bytes();
                            let k = digits[(rnd() as usize) % digits.len()];
                            t[k] = b'0' + (rnd() % 10) as u8;
                            bytes = t;
                        }
                    } else if !bytes.is_empty() {
                        let k = (rnd() as usize) % bytes.len();
                        bytes[k] = 0xFF;
                    }
                }
            }
            std::fs::write(&victim, &bytes).unwrap();
            exercise(&store, Verify::Checksums);
            exercise(&store, Verify::Trust);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let q = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &q);
        } else {
            std::fs::copy(&p, &q).unwrap();
        }
    }
}
