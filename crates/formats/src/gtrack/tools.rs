//! The GTrack tools of the paper's Table 6.

use std::collections::HashMap;

use gtrack_core::{Track, ValueBuf};

/// Whether every edge a→b of `track` is matched by b→a with an equal
/// weight (self-loops need no partner). False for tracks without edges
/// or with no edge at all.
pub fn edges_undirected(track: &Track) -> bool {
    let mut map: HashMap<(&str, &str), Option<ValueBuf>> = HashMap::new();
    let mut any = false;
    for s in &track.seqs {
        let (Some(ids), Some(ed)) = (&s.ids, &s.edges) else { continue };
        for i in 0..s.len() {
            let src = ids.get(i).unwrap_or("");
            for e in ed.range(i) {
                any = true;
                map.insert((src, ed.target(e)), ed.weights().map(|w| w.get(e)));
            }
        }
    }
    any && map.iter().all(|((a, b), w)| {
        a == b
            || map.get(&(*b, *a)).is_some_and(|w2| match (w, w2) {
                (Some(x), Some(y)) => x.same(y),
                (None, None) => true,
                _ => false,
            })
    })
}
