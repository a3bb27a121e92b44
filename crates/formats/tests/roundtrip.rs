//! Property tests of the GTrack writer: arbitrary valid tracks of all 15
//! track types, every value and edge-weight type and dimension, optional
//! columns, several sequences and all three kinds of domain (none, type-A
//! and type-B bounding regions) survive write → read unchanged; writing
//! is deterministic and canonical; the written text validates.

use std::collections::{HashMap, HashSet};
use std::fmt::Debug;

use gtrack_core::{
    BoundingRegion, Dimension, EdgeSpec, OptionalColumns, Strand, Track, TrackSchema, TrackType,
    ValueBuf, ValueSpec, ValueType,
};
use gtrack_formats::gtrack::{self, ReadOptions, Severity, WriteOptions};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

// ---------------------------------------------------------------------
// Strings, numbers and values.
// ---------------------------------------------------------------------

/// A character biased towards the ones GTrack reserves or must escape.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => prop::char::range('A', 'Z'),
        1 => prop::char::range('0', '9'),
        4 => select(vec![
            ',', '.', ';', '=', '%', '\t', ' ', '#', '\n', '\r', '\u{1}', '\u{7f}', '+', '-', ':', '"', '\\',
            '\u{0}', 'é', 'ß', '\u{a0}', '中', '😀',
        ]),
        1 => any::<char>(),
    ]
}

/// A string of `min..=max` characters from [`any_char`].
fn text(min: usize, max: usize) -> impl Strategy<Value = String> {
    vec(any_char(), min..=max).prop_map(|v| v.into_iter().collect())
}

/// A non-empty free-text field (id, seqid, genome, extra value), now and
/// then one that collides with GTrack syntax.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text(1, 5),
        1 => select(vec![".", "..", "%2E", "1", "a=b", "x;y", " a", "b ", "#x", "a,b", "-"]).prop_map(String::from),
    ]
}

/// A finite number: integers, ordinary decimals, tiny, huge and subnormal.
fn finite() -> BoxedStrategy<f64> {
    prop_oneof![
        3 => (-1000i64..1000).prop_map(|x| x as f64),
        3 => -1e6f64..1e6,
        2 => prop::num::f64::POSITIVE
            | prop::num::f64::NEGATIVE
            | prop::num::f64::NORMAL
            | prop::num::f64::SUBNORMAL
            | prop::num::f64::ZERO,
        1 => select(vec![
            0.0, -0.0, 1e-5, 9.99e-6, -1e-7, 1e16, 9.9e15, -1e21, 1e22, 0.1, 1.0 / 3.0, 123456789012345680.0,
            f64::MAX, f64::MIN, f64::MIN_POSITIVE, 5e-324, -2.5e-300, 3.1e-4,
        ]),
    ]
    .boxed()
}

/// A number, NaN (missing) included.
fn number() -> BoxedStrategy<f64> {
    prop_oneof![6 => finite(), 1 => Just(f64::NAN)].boxed()
}

/// A byte, biased towards bytes that need `%XX` escaping.
fn byte() -> BoxedStrategy<u8> {
    prop_oneof![
        2 => any::<u8>(),
        2 => select(b".%,#; =\t\n\r\x01\x00\x7f\xe9\x80\xff".to_vec()),
        2 => select(b"ACGTN".to_vec()),
    ]
    .boxed()
}

/// Elements of one value of dimension `dim`: `any` may be missing,
/// `present` never is. One-element lists and vectors hold a present
/// element: GTrack writes both an empty list and a lone missing element
/// as `.`, and the spec reads `.` as the empty list (and forbids it for
/// vectors).
fn dims<T: Clone + Debug + 'static>(
    any: BoxedStrategy<T>,
    present: BoxedStrategy<T>,
    dim: Dimension,
    vlen: usize,
) -> BoxedStrategy<Vec<T>> {
    match dim {
        Dimension::Scalar => vec(any, 1).boxed(),
        Dimension::Pair => vec(any, 2).boxed(),
        Dimension::Vector if vlen == 1 => vec(present, 1).boxed(),
        Dimension::Vector => vec(any, vlen).boxed(),
        Dimension::List => prop_oneof![Just(Vec::new()), vec(present, 1), vec(any, 2..5)].boxed(),
    }
}

/// A value (or edge weight) of `spec`; vectors have `vlen` elements.
fn value_of(spec: ValueSpec, vlen: usize) -> BoxedStrategy<ValueBuf> {
    let (d, n) = (spec.dim, vlen);
    match spec.ty {
        ValueType::Number => dims(number(), finite(), d, n)
            .prop_map(ValueBuf::Number)
            .boxed(),
        ValueType::Binary => dims(
            select(vec![-1i8, 0, 1]).boxed(),
            select(vec![0i8, 1]).boxed(),
            d,
            n,
        )
        .prop_map(ValueBuf::Binary)
        .boxed(),
        ValueType::Character => {
            let any = prop_oneof![1 => Just(None), 5 => byte().prop_map(Some)].boxed();
            dims(any, byte().prop_map(Some).boxed(), d, n)
                .prop_map(ValueBuf::Character)
                .boxed()
        }
        ValueType::Category => {
            let word = || prop_oneof![2 => select(vec!["exon", "gene", "a b", "."]).prop_map(String::from), 3 => text(1, 6)];
            let any = prop_oneof![1 => Just(None), 5 => word().prop_map(Some)].boxed();
            dims(any, word().prop_map(Some).boxed(), d, n)
                .prop_map(ValueBuf::Category)
                .boxed()
        }
    }
}

fn value_spec() -> impl Strategy<Value = ValueSpec> {
    (
        select(ValueType::ALL.to_vec()),
        select(Dimension::ALL.to_vec()),
    )
        .prop_map(|(t, d)| ValueSpec::new(t, d))
}

// ---------------------------------------------------------------------
// Track plans: schema and layout choices, then raw content.
// ---------------------------------------------------------------------

/// Where elements live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// No bounding regions: seqid (and maybe genome) columns.
    Plain,
    /// Type-A bounding regions (`####genome=..`).
    Genomes,
    /// Type-B bounding regions (`####seqid=..; start=..; end=..`).
    Regions,
}

/// The schema of a track to generate.
#[derive(Debug, Clone)]
struct Plan {
    tt: TrackType,
    value: Option<ValueSpec>,
    vlen: usize,
    weights: Option<ValueSpec>,
    wlen: usize,
    undirected: bool,
    strand: bool,
    id: bool,
    extra: Vec<String>,
    metadata: Vec<(String, String)>,
    mode: Mode,
}

const RESERVED_COLUMNS: [&str; 8] = [
    "genome", "seqid", "start", "end", "value", "strand", "id", "edges",
];

fn plan() -> impl Strategy<Value = Plan> {
    (
        select(TrackType::ALL.to_vec()),
        value_spec(),
        1usize..4,
        prop::option::of(value_spec()),
        1usize..4,
        any::<bool>(),
        (any::<bool>(), any::<bool>()),
        vec("[a-z]([a-z0-9_ .-]{0,5}[a-z0-9])?", 0..3),
        vec(
            ("[A-Za-z]([A-Za-z0-9 _.-]{0,6}[A-Za-z0-9])?", text(0, 6)),
            0..3,
        ),
        select(vec![Mode::Plain, Mode::Genomes, Mode::Regions]),
    )
        .prop_map(
            |(tt, vs, vlen, ws, wlen, undirected, (strand, id), names, meta, mode)| {
                let mut extra: Vec<String> = Vec::new();
                for n in names {
                    if !RESERVED_COLUMNS.contains(&n.as_str()) && !extra.contains(&n) {
                        extra.push(n);
                    }
                }
                let mut metadata: Vec<(String, String)> = Vec::new();
                for (k, v) in meta {
                    // Custom header names: not a reserved variable name.
                    if gtrack::Var::from_name(&k).is_none()
                        && !metadata.iter().any(|(k2, _)| *k2 == k)
                    {
                        metadata.push((k, v));
                    }
                }
                Plan {
                    tt,
                    value: tt.is_valued().then_some(vs),
                    vlen,
                    weights: if tt.is_linked() { ws } else { None },
                    wlen,
                    undirected: tt.is_linked() && undirected,
                    strand,
                    id: id || tt.is_linked(),
                    extra,
                    metadata,
                    mode: if tt.is_dense() { Mode::Regions } else { mode },
                }
            },
        )
}

/// One element before placement.
#[derive(Debug, Clone)]
struct RawElem {
    pos: u64,
    len: u64,
    /// A segment crossing the origin of a circular sequence (end < start),
    /// outside type-B regions.
    circular: bool,
    value: Option<ValueBuf>,
    strand: Strand,
    id: Option<String>,
    extras: Vec<String>,
    /// Edges as (target element index modulo the element count, weight).
    edges: Vec<(usize, Option<ValueBuf>)>,
}

/// A sequence (plain mode), a sequence of a genome (type A) or a
/// bounding region (type B), with its elements.
#[derive(Debug, Clone)]
struct RawGroup {
    genome: Option<String>,
    /// Genome of the elements (a genome column) when a type-B region has none.
    elem_genome: Option<String>,
    seqid: String,
    gap: u64,
    rlen: u64,
    open_end: bool,
    order: u8,
    elems: Vec<RawElem>,
}

fn raw_elem(p: &Plan) -> impl Strategy<Value = RawElem> {
    let value = match p.value {
        Some(s) => value_of(s, p.vlen).prop_map(Some).boxed(),
        None => Just(None).boxed(),
    };
    let strand = if p.strand {
        select(vec![Strand::Plus, Strand::Minus, Strand::Unknown]).boxed()
    } else {
        Just(Strand::Unknown).boxed()
    };
    let id = if p.tt.is_linked() {
        field().prop_map(Some).boxed()
    } else if p.id {
        prop::option::of(field()).boxed()
    } else {
        Just(None).boxed()
    };
    let weight = match p.weights {
        Some(s) => value_of(s, p.wlen).prop_map(Some).boxed(),
        None => Just(None).boxed(),
    };
    let edges = if p.tt.is_linked() {
        vec((any::<usize>(), weight), 0..4).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    let pos = prop_oneof![2 => 0u64..10, 4 => 0u64..1000, 1 => 0u64..(1 << 40)];
    let len = prop_oneof![4 => 1u64..20, 1 => 1u64..1_000_000];
    let circular = prop::bool::weighted(0.05);
    (
        pos,
        len,
        circular,
        value,
        strand,
        id,
        vec(field(), p.extra.len()),
        edges,
    )
        .prop_map(
            |(pos, len, circular, value, strand, id, extras, edges)| RawElem {
                pos,
                len,
                circular,
                value,
                strand,
                id,
                extras,
                edges,
            },
        )
}

fn genome_name() -> impl Strategy<Value = String> {
    // "\0" once collided with "no genome" in the reader's sequence cache.
    prop_oneof![2 => select(vec!["hg19", "mm9", "hg 38", "\0"]).prop_map(String::from), 1 => field()]
}

fn raw_group(p: &Plan) -> impl Strategy<Value = RawGroup> {
    let min = if p.tt.is_dense() { 1 } else { 0 };
    (
        prop::option::of(genome_name()),
        prop::option::of(genome_name()),
        prop_oneof![2 => select(vec!["chr1", "chr2", "chr 3"]).prop_map(String::from), 1 => field()],
        prop_oneof![0u64..3, 0u64..1000],
        1u64..300,
        any::<bool>(),
        0u8..4,
        vec(raw_elem(p), min..5),
    )
        .prop_map(|(genome, elem_genome, seqid, gap, rlen, open_end, order, elems)| RawGroup {
            genome,
            elem_genome,
            seqid,
            gap,
            rlen,
            open_end,
            order,
            elems,
        })
}

/// An element placed in the track.
struct Placed<'a> {
    seq: usize,
    start: u64,
    end: u64,
    raw: &'a RawElem,
}

/// A type-B region with the positions of its elements.
struct Allocated<'a> {
    region: BoundingRegion,
    pos: Vec<(u64, u64)>,
    group: &'a RawGroup,
}

/// `s`, or `s~k` for the first `k` that makes it unique in `seen`.
fn unique(s: &str, seen: &mut HashSet<String>) -> String {
    let mut c = s.to_string();
    let mut k = 0;
    while !seen.insert(c.clone()) {
        k += 1;
        c = format!("{s}~{k}");
    }
    c
}

/// Build a valid track from a plan and raw content, with bounding-region
/// blocks filled in as `gtrack::read_track` fills them.
fn build(p: &Plan, groups: &[RawGroup]) -> Track {
    let tt = p.tt;
    let mut track = Track::new(TrackSchema {
        track_type: tt,
        value: p.value,
        edges: tt.is_linked().then_some(EdgeSpec {
            undirected: p.undirected,
            weights: p.weights,
        }),
        columns: OptionalColumns {
            strand: p.strand,
            id: p.id,
            extra: p.extra.clone(),
        },
    });
    track.metadata = p.metadata.clone();
    let mut placed: Vec<Placed> = Vec::new();
    let mut counts: HashMap<usize, usize> = HashMap::new();
    let sparse_end = |start: u64, len: u64| {
        if tt.has_lengths() {
            start + len
        } else {
            start + 1
        }
    };
    // Outside type-B regions a segment may cross the origin (end < start).
    let free_end = |e: &RawElem| {
        if tt.has_lengths() && e.circular && e.pos > e.len {
            e.pos - e.len
        } else {
            sparse_end(e.pos, e.len)
        }
    };
    let mut in_order: Vec<&RawGroup> = groups.iter().collect();
    in_order.sort_by_key(|g| g.order);
    match p.mode {
        Mode::Plain => {
            for g in groups.iter().filter(|g| !g.elems.is_empty()) {
                let seq = track.seq_index(g.genome.as_deref(), &g.seqid);
                for e in &g.elems {
                    placed.push(Placed {
                        seq,
                        start: e.pos,
                        end: free_end(e),
                        raw: e,
                    });
                }
            }
        }
        Mode::Genomes => {
            let genome_of = |g: &RawGroup| g.genome.clone().unwrap_or_else(|| "hg38".to_string());
            let mut genomes: Vec<String> = Vec::new();
            for g in &in_order {
                if !genomes.contains(&genome_of(g)) {
                    genomes.push(genome_of(g));
                }
            }
            for gn in genomes {
                for g in in_order
                    .iter()
                    .filter(|g| genome_of(g) == gn && !g.elems.is_empty())
                {
                    let seq = track.seq_index(Some(&gn), &g.seqid);
                    for e in &g.elems {
                        placed.push(Placed {
                            seq,
                            start: e.pos,
                            end: free_end(e),
                            raw: e,
                        });
                    }
                }
                track.regions.push(BoundingRegion::genome(gn));
            }
        }
        Mode::Regions => {
            // Allocate non-overlapping regions per seqid in generation
            // order, then lay them out in file order (`order`).
            let mut cursor: HashMap<&str, u64> = HashMap::new();
            let mut last: HashMap<&str, usize> = HashMap::new();
            for (i, g) in groups.iter().enumerate() {
                last.insert(&g.seqid, i);
            }
            let mut regions: Vec<Allocated> = Vec::new();
            for (i, g) in groups.iter().enumerate() {
                let c = cursor.entry(&g.seqid).or_insert(0);
                let rs = *c + g.gap;
                let mut pos = Vec::new();
                let re = if tt.is_dense_interval() {
                    let mut end = rs;
                    for e in &g.elems {
                        pos.push((end, end + e.len));
                        end += e.len;
                    }
                    end
                } else if tt.is_per_base() {
                    for k in 0..g.elems.len() as u64 {
                        pos.push((rs + k, rs + k + 1));
                    }
                    rs + g.elems.len() as u64
                } else {
                    let re = rs + g.rlen;
                    for e in &g.elems {
                        let s = rs + e.pos % g.rlen;
                        pos.push((s, sparse_end(s, e.len).min(re)));
                    }
                    re
                };
                *c = re;
                let open = tt.is_sparse() && g.open_end && last[g.seqid.as_str()] == i;
                let region = BoundingRegion::sequence(
                    g.genome.clone(),
                    g.seqid.clone(),
                    rs,
                    (!open).then_some(re),
                );
                regions.push(Allocated {
                    region,
                    pos,
                    group: g,
                });
            }
            regions.sort_by_key(|a| a.group.order);
            for Allocated {
                mut region,
                pos,
                group: g,
            } in regions
            {
                let genome = if g.elems.is_empty() {
                    g.genome.as_deref()
                } else {
                    g.genome.as_deref().or(g.elem_genome.as_deref())
                };
                let seq = track.seq_index(genome, &g.seqid);
                let n = counts.entry(seq).or_insert(0);
                region.block = Some((seq, *n..*n + g.elems.len()));
                *n += g.elems.len();
                for (e, (start, end)) in g.elems.iter().zip(pos) {
                    placed.push(Placed {
                        seq,
                        start,
                        end,
                        raw: e,
                    });
                }
                track.regions.push(region);
            }
        }
    }
    // Ids: unique where present (always present in linked tracks).
    let mut seen = HashSet::new();
    let ids: Vec<Option<String>> = placed
        .iter()
        .map(|e| e.raw.id.as_deref().map(|s| unique(s, &mut seen)))
        .collect();
    // Edges: targets are existing ids, no target twice per element;
    // undirected tracks mirror every edge with the same weight.
    let n = placed.len();
    let mut adj: Vec<Vec<(usize, Option<ValueBuf>)>> = vec![Vec::new(); n];
    let mut pairs = HashSet::new();
    for (i, e) in placed.iter().enumerate() {
        for (t, w) in &e.raw.edges {
            let j = t % n;
            if p.undirected {
                if pairs.insert((i.min(j), i.max(j))) {
                    adj[i].push((j, w.clone()));
                    if i != j {
                        adj[j].push((i, w.clone()));
                    }
                }
            } else if !adj[i].iter().any(|(k, _)| *k == j) {
                adj[i].push((j, w.clone()));
            }
        }
    }
    for (i, e) in placed.iter().enumerate() {
        let edges: Vec<(String, Option<ValueBuf>)> = adj[i]
            .iter()
            .map(|(j, w)| (ids[*j].clone().expect("linked ids"), w.clone()))
            .collect();
        let extras: Vec<&str> = e.raw.extras.iter().map(String::as_str).collect();
        track.push(
            e.seq,
            e.start,
            e.end,
            e.raw.value.as_ref(),
            e.raw.strand,
            ids[i].as_deref(),
            &edges,
            &extras,
        );
    }
    track
}

/// Arbitrary valid tracks.
fn track() -> impl Strategy<Value = Track> {
    plan()
        .prop_flat_map(|p| {
            let groups = vec(raw_group(&p), 0..4);
            (Just(p), groups)
        })
        .prop_map(|(p, groups)| build(&p, &groups))
}

// ---------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------

fn all_options() -> [WriteOptions; 4] {
    [
        WriteOptions::default(),
        WriteOptions {
            full_headers: true,
            ..Default::default()
        },
        WriteOptions {
            one_indexed: true,
            end_inclusive: true,
            ..Default::default()
        },
        WriteOptions {
            full_headers: true,
            one_indexed: true,
            end_inclusive: false,
            subtype: None,
        },
    ]
}

/// 256 cases (a few seconds in debug); `PROPTEST_CASES` overrides.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        // No `.proptest-regressions` file next to this test: failures are
        // turned into explicit regression tests below instead.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The first difference between two tracks, for failure messages.
fn difference(a: &Track, b: &Track) -> String {
    if a.schema != b.schema {
        return format!("schema {:?} != {:?}", a.schema, b.schema);
    }
    if a.regions != b.regions {
        return format!("regions {:?} != {:?}", a.regions, b.regions);
    }
    if a.metadata != b.metadata {
        return format!("metadata {:?} != {:?}", a.metadata, b.metadata);
    }
    if a.seqs.len() != b.seqs.len() {
        let keys = |t: &Track| {
            t.seqs
                .iter()
                .map(|s| (s.genome.clone(), s.seqid.clone()))
                .collect::<Vec<_>>()
        };
        return format!("sequences {:?} != {:?}", keys(a), keys(b));
    }
    for (x, y) in a.seqs.iter().zip(&b.seqs) {
        if !x.same(y) {
            return format!("sequence\n{x:?}\n!=\n{y:?}");
        }
    }
    "no difference".to_string()
}

/// Write → read gives back a track that is `same` as the original.
fn check_round_trip(track: &Track, opts: &WriteOptions) -> Result<(), TestCaseError> {
    let text = gtrack::write_string(track, opts);
    match gtrack::read_str(&text, "roundtrip.gtrack") {
        Ok(parsed) => {
            prop_assert!(
                parsed.track.same(track),
                "round trip changed the track ({opts:?}): {}\n--- text ---\n{text}",
                difference(track, &parsed.track)
            );
            // Canonical: the read-back track writes the same text.
            let again = gtrack::write_string(&parsed.track, opts);
            prop_assert_eq!(
                &again,
                &text,
                "rewriting the read-back track differs ({:?})",
                opts
            );
        }
        Err(d) => prop_assert!(
            false,
            "written text does not parse ({opts:?}): {d:?}\n--- text ---\n{text}"
        ),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// (a) Round trip with default options.
    #[test]
    fn round_trip_default(t in track()) {
        check_round_trip(&t, &WriteOptions::default())?;
    }

    /// (a) Round trip with every basic header written.
    #[test]
    fn round_trip_full_headers(t in track()) {
        check_round_trip(&t, &WriteOptions { full_headers: true, ..Default::default() })?;
    }

    /// (a) Round trip with 1-indexed, end-inclusive coordinates (alone and together).
    #[test]
    fn round_trip_one_indexed_end_inclusive(t in track()) {
        for (one_indexed, end_inclusive) in [(true, true), (true, false), (false, true)] {
            check_round_trip(&t, &WriteOptions { one_indexed, end_inclusive, ..Default::default() })?;
        }
    }

    /// (b) Writing the same track twice gives identical text.
    /// Under every bundled subtype that claims to fit, writing is lossless.
    #[test]
    fn round_trip_under_fitting_subtypes(t in track()) {
        for &sub in gtrack_formats::gtrack::subtype::BUNDLED {
            if gtrack_formats::gtrack::writer::subtype_fit(&t, sub).is_ok() {
                check_round_trip(&t, &WriteOptions { subtype: Some(sub), ..Default::default() })?;
            }
        }
    }

    #[test]
    fn writing_is_deterministic(t in track()) {
        for opts in all_options() {
            let a = gtrack::write_string(&t, &opts);
            let b = gtrack::write_string(&t.clone(), &opts);
            prop_assert_eq!(a, b);
        }
    }

    /// (c) The written text passes the validator without errors.
    #[test]
    fn written_text_validates(t in track()) {
        for opts in all_options() {
            let text = gtrack::write_string(&t, &opts);
            let errors: Vec<_> = gtrack::validate(text.as_bytes(), "roundtrip.gtrack", ReadOptions::default())
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            prop_assert!(errors.is_empty(), "validation errors ({:?}): {:?}\n--- text ---\n{}", opts, errors, text);
        }
    }
}

/// The generator reaches every track type, every value and edge-weight
/// type × dimension, every kind of domain and the corner cases the
/// properties are meant to exercise.
#[test]
fn generator_covers_the_model() {
    use gtrack_core::RegionKind;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = track();
    let mut seen: HashSet<String> = HashSet::new();
    for _ in 0..3000 {
        let t = strategy.new_tree(&mut runner).expect("strategy").current();
        let s = &t.schema;
        seen.insert(format!("type {}", s.track_type.abbreviation()));
        if let Some(v) = s.value {
            seen.insert(format!("value {} {}", v.ty, v.dim));
        }
        if let Some(e) = s.edges {
            if let Some(w) = e.weights {
                seen.insert(format!("weight {} {}", w.ty, w.dim));
            }
            if e.undirected
                && t.seqs
                    .iter()
                    .any(|q| q.edges.as_ref().is_some_and(|c| c.edge_count() > 0))
            {
                seen.insert("undirected edges".into());
            }
        }
        if s.columns.strand {
            seen.insert("strand".into());
        }
        if s.columns.id && !s.track_type.is_linked() {
            seen.insert("optional id".into());
        }
        if !s.columns.extra.is_empty() {
            seen.insert("extra".into());
        }
        if !t.metadata.is_empty() {
            seen.insert("metadata".into());
        }
        match t.regions.first().map(|r| r.kind) {
            None => seen.insert("no regions".into()),
            Some(RegionKind::Genome) => seen.insert("type A".into()),
            Some(RegionKind::Sequence) => seen.insert("type B".into()),
        };
        if t.regions
            .iter()
            .any(|r| r.kind == RegionKind::Sequence && r.end.is_none())
        {
            seen.insert("open region".into());
        }
        if t.regions
            .iter()
            .any(|r| r.kind == RegionKind::Sequence && r.element_count() == 0)
        {
            seen.insert("empty region".into());
        }
        if t.seqs
            .iter()
            .any(|q| q.starts.iter().zip(&q.ends).any(|(a, b)| b < a))
        {
            seen.insert("circular element".into());
        }
        if t.seqs.len() > 1 {
            seen.insert("several sequences".into());
        }
        if t.seqs.iter().any(|q| q.genome.is_some()) && t.seqs.iter().any(|q| q.genome.is_none()) {
            seen.insert("mixed genomes".into());
        }
        for q in &t.seqs {
            if let Some(v) = &q.values {
                for i in 0..v.len() {
                    let b = v.get(i);
                    if (0..b.len()).any(|k| b.is_missing(k)) {
                        seen.insert("missing value".into());
                    }
                    if v.spec().dim == Dimension::List && b.is_empty() {
                        seen.insert("empty list".into());
                    }
                }
            }
        }
    }
    let mut want: Vec<String> = TrackType::ALL
        .iter()
        .map(|t| format!("type {}", t.abbreviation()))
        .collect();
    for t in ValueType::ALL {
        for d in Dimension::ALL {
            want.push(format!("value {t} {d}"));
            want.push(format!("weight {t} {d}"));
        }
    }
    for w in [
        "undirected edges",
        "strand",
        "optional id",
        "extra",
        "metadata",
        "no regions",
        "type A",
        "type B",
        "open region",
        "empty region",
        "circular element",
        "several sequences",
        "mixed genomes",
        "missing value",
        "empty list",
    ] {
        want.push(w.to_string());
    }
    let missing: Vec<&String> = want.iter().filter(|w| !seen.contains(*w)).collect();
    assert!(missing.is_empty(), "generator never produced: {missing:?}");
}

/// Regression: the genome column was dropped when a type-B region without
/// a genome holds elements with a genome and a missing (NaN) number,
/// because the writer compared sequences with `==` (NaN != NaN).
#[test]
fn genome_column_with_missing_number() {
    let text = "##gtrack version: 1.0\n##track type: step function\n###genome\tend\tvalue\n\
                ####seqid=chr1; start=0; end=10\nhg19\t10\t.\n";
    let parsed = gtrack::read_str(text, "nan.gtrack").expect("valid");
    let out = gtrack::write_string(&parsed.track, &WriteOptions::default());
    assert_eq!(out, text);
    assert!(gtrack::read_str(&out, "nan.gtrack")
        .unwrap()
        .track
        .same(&parsed.track));
}

/// Regression (reader, found by these properties): `Reader::intern` cached
/// the last sequence keyed with "\0" for a missing genome, so an element
/// with the genome `%00` right after one without a genome joined its
/// sequence. Expected: two sequences.
#[test]
fn reader_nul_genome_is_not_missing_genome() {
    let text =
        "##track type: segments\n###genome\tseqid\tstart\tend\n.\tchr1\t0\t1\n%00\tchr1\t1\t2\n";
    let parsed = gtrack::read_str(text, "nul.gtrack").expect("valid");
    assert_eq!(parsed.track.seqs.len(), 2);
}
