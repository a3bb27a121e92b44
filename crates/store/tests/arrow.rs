//! Export to Arrow IPC and Parquet: every value written is read back
//! (with the arrow-rs IPC and Parquet readers) and compared with the
//! stored track, for our own fixtures and for every valid GTrack fixture
//! of the formats crate (all 15 track types, every value type and
//! dimension, edges and weights). When python with pyarrow, polars or
//! DuckDB is available, they read the same files as independent oracles.
#![cfg(feature = "arrow")]

mod common;

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type, Int8Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use gtrack_core::{SeqElements, Strand, Track, ValueBuf, ValueSpec};
use gtrack_store::arrow::{write_ipc, write_parquet, ArrowFormat, RecordBatches, BATCH_ROWS};
use gtrack_store::{ImportOptions, Store, StoredTrack, Verify};
use serde_json::{json, Value};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/arrow")
        .join(name)
}

fn import(store: &Store, path: &Path, name: &str) -> StoredTrack {
    let opts = ImportOptions {
        name: Some(name.into()),
        sync: false,
        ..Default::default()
    };
    store
        .import(
            &[path.to_string_lossy().into_owned()],
            &opts,
            &mut |_, _| {},
        )
        .unwrap_or_else(|e| panic!("import {}: {e}", path.display()));
    store.open_track(name, Verify::Checksums).unwrap()
}

fn read_ipc(path: &Path) -> (SchemaRef, Vec<RecordBatch>) {
    let r = arrow_ipc::reader::FileReader::try_new(File::open(path).unwrap(), None).unwrap();
    let schema = r.schema();
    let b = r.collect::<Result<Vec<_>, _>>().unwrap();
    (schema, b)
}

fn read_parquet(path: &Path) -> (SchemaRef, Vec<RecordBatch>) {
    let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        File::open(path).unwrap(),
    )
    .unwrap();
    let schema = b.schema().clone();
    let r = b.build().unwrap();
    let batches = r.collect::<Result<Vec<_>, _>>().unwrap();
    (schema, batches)
}

/// A string cell of a utf8 or dictionary<int8|int32, utf8> column.
fn str_at(a: &dyn Array, i: usize) -> Option<String> {
    if a.is_null(i) {
        return None;
    }
    Some(match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().value(i).to_string(),
        DataType::Dictionary(k, _) => {
            let (key, values) = match **k {
                DataType::Int32 => {
                    let d = a.as_dictionary::<Int32Type>();
                    (d.keys().value(i) as usize, d.values().clone())
                }
                DataType::Int8 => {
                    let d = a.as_dictionary::<Int8Type>();
                    (d.keys().value(i) as usize, d.values().clone())
                }
                ref t => panic!("unexpected key type {t}"),
            };
            values.as_string::<i32>().value(key).to_string()
        }
        t => panic!("not a string column: {t}"),
    })
}

/// Push element `i` of a flat value array onto `out`.
fn push_elem(a: &dyn Array, i: usize, out: &mut ValueBuf) {
    let null = a.is_null(i);
    match out {
        ValueBuf::Number(v) => v.push(if null {
            f64::NAN
        } else {
            a.as_primitive::<Float64Type>().value(i)
        }),
        ValueBuf::Binary(v) => v.push(if null {
            -1
        } else {
            a.as_primitive::<Int8Type>().value(i)
        }),
        ValueBuf::Character(v) => v.push(str_at(a, i).map(|s| {
            let mut c = s.chars();
            let ch = c.next().unwrap();
            assert!(c.next().is_none(), "one character per cell: {s:?}");
            u8::try_from(u32::from(ch)).unwrap()
        })),
        ValueBuf::Category(v) => v.push(str_at(a, i)),
    }
}

/// The value (or weight) at row `i` of a column of `spec`.
fn value_at(a: &dyn Array, i: usize, spec: ValueSpec) -> ValueBuf {
    let mut out = ValueBuf::new(spec.ty);
    if spec.dim == gtrack_core::Dimension::Scalar {
        push_elem(a, i, &mut out);
    } else {
        let l = a.as_list::<i32>();
        assert!(!l.is_null(i), "lists are never null");
        let inner = l.value(i);
        for j in 0..inner.len() {
            push_elem(inner.as_ref(), j, &mut out);
        }
    }
    out
}

/// Compare the batches cell by cell with the stored track.
fn check_table(t: &StoredTrack, schema: &SchemaRef, batches: &[RecordBatch], what: &str) {
    let exp: Track = t.to_track().unwrap();
    let sch = t.schema();
    let m = t.manifest();
    // Metadata.
    let md = schema.metadata();
    assert_eq!(md["gtrack.track_type"], sch.track_type.name(), "{what}");
    assert_eq!(md.get("gtrack.genome"), m.genome.as_ref(), "{what}");
    assert_eq!(md["gtrack.export_version"], "1");
    if let Some(v) = sch.value {
        assert_eq!(md["gtrack.value_type"], v.ty.name(), "{what}");
        assert_eq!(md["gtrack.value_dimension"], v.dim.name(), "{what}");
    } else {
        assert!(!md.contains_key("gtrack.value_type"), "{what}");
    }
    if let Some(e) = sch.edges {
        assert_eq!(md["gtrack.undirected_edges"], e.undirected.to_string());
        assert_eq!(
            md.get("gtrack.edge_weight_type").map(String::as_str),
            e.weights.map(|w| w.ty.name()),
            "{what}"
        );
    }
    if !m.metadata.is_empty() {
        let kv: Vec<(String, String)> = serde_json::from_str(&md["gtrack.metadata"]).unwrap();
        assert_eq!(kv, m.metadata, "{what}");
    }
    if !m.regions.is_empty() {
        let r: Vec<Value> = serde_json::from_str(&md["gtrack.bounding_regions"]).unwrap();
        assert_eq!(r.len(), m.regions.len(), "{what}");
    }
    // The expected rows, in export order.
    let rows: Vec<(&SeqElements, usize)> = exp
        .seqs
        .iter()
        .flat_map(|s| (0..s.len()).map(move |i| (s, i)))
        .collect();
    let total: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(total, rows.len(), "{what}: row count");
    let mut k = 0;
    for b in batches {
        assert!(b.num_rows() <= BATCH_ROWS);
        let col = |n: &str| {
            b.column_by_name(n)
                .unwrap_or_else(|| panic!("{what}: no column {n}"))
                .clone()
        };
        // One sequence per batch.
        let seqid = col("seqid");
        let genome = b.column_by_name("genome").cloned();
        let start = col("start");
        let end = col("end");
        let start = start.as_primitive::<Int64Type>();
        let end = end.as_primitive::<Int64Type>();
        for i in 0..b.num_rows() {
            let (s, j) = rows[k];
            let at = format!("{what}: row {k} ({}:{})", s.seqid, j);
            assert_eq!(
                str_at(seqid.as_ref(), i).as_deref(),
                Some(s.seqid.as_str()),
                "{at}"
            );
            match &genome {
                Some(g) => assert_eq!(str_at(g.as_ref(), i), s.genome, "{at}"),
                None => assert_eq!(s.genome, m.genome, "{at}: genome column missing"),
            }
            assert_eq!(start.value(i) as u64, s.starts[j], "{at}: start");
            assert_eq!(end.value(i) as u64, s.ends[j], "{at}: end");
            if let (Some(v), Some(spec)) = (&s.values, sch.value) {
                let got = value_at(col("value").as_ref(), i, spec);
                assert!(got.same(&v.get(j)), "{at}: value {got:?} != {:?}", v.get(j));
            }
            if let Some(st) = &s.strands {
                let got = str_at(col("strand").as_ref(), i).unwrap();
                assert_eq!(Strand::from_symbol(got.as_bytes()), Some(st[j]), "{at}");
            }
            if let Some(ids) = &s.ids {
                assert_eq!(str_at(col("id").as_ref(), i).as_deref(), ids.get(j), "{at}");
            }
            for (x, name) in s.extras.iter().zip(&sch.columns.extra) {
                assert_eq!(
                    str_at(col(name).as_ref(), i).as_deref(),
                    x.get(j),
                    "{at}: {name}"
                );
            }
            if let Some(e) = &s.edges {
                let edges = col("edges");
                let l = edges.as_list::<i32>();
                let items = l.value(i);
                let st = items.as_struct();
                let r = e.range(j);
                assert_eq!(st.len(), r.len(), "{at}: edge count");
                let wspec = sch.edges.unwrap().weights;
                assert_eq!(st.num_columns(), 1 + wspec.is_some() as usize, "{at}");
                for (q, ek) in r.enumerate() {
                    assert_eq!(
                        str_at(st.column(0).as_ref(), q).as_deref(),
                        Some(e.target(ek)),
                        "{at}: edge {q}"
                    );
                    if let (Some(ws), Some(w)) = (wspec, e.weights()) {
                        let got = value_at(st.column(1).as_ref(), q, ws);
                        assert!(
                            got.same(&w.get(ek)),
                            "{at}: weight {got:?} != {:?}",
                            w.get(ek)
                        );
                    }
                }
            }
            k += 1;
        }
    }
}

/// Export `t` both ways into `dir` and check both files.
fn export_and_check(t: &StoredTrack, dir: &Path, stem: &str) -> (PathBuf, PathBuf) {
    let ipc = dir.join(format!("{stem}.arrow"));
    let pq = dir.join(format!("{stem}.parquet"));
    let n = t.manifest().count();
    assert_eq!(write_ipc(t, &ipc).unwrap(), n);
    assert_eq!(write_parquet(t, &pq).unwrap(), n);
    let want = gtrack_store::arrow::schema(t).unwrap();
    let (s, b) = read_ipc(&ipc);
    assert_eq!(s.fields(), want.fields(), "{stem}: IPC schema");
    check_table(t, &s, &b, &format!("{stem} (IPC)"));
    let (s, b) = read_parquet(&pq);
    assert_eq!(s.fields(), want.fields(), "{stem}: Parquet schema");
    check_table(t, &s, &b, &format!("{stem} (Parquet)"));
    (ipc, pq)
}

#[test]
fn own_fixtures_export_and_read_back_equal() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    for f in [
        "peaks.bed",
        "categories.gtrack",
        "weighted.gtrack",
        "chars.gtrack",
    ] {
        let stem = f.split('.').next().unwrap();
        let t = import(&store, &data(f), stem);
        export_and_check(&t, tmp.path(), stem);
    }
}

#[test]
fn column_types_are_as_documented() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    let dict32 = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let dict8 = DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8));

    let t = import(&store, &data("categories.gtrack"), "cat");
    let s = gtrack_store::arrow::schema(&t).unwrap();
    let names: Vec<&str> = s.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        names,
        ["seqid", "start", "end", "value", "strand", "id", "assay", "note"]
    );
    let ty = |n: &str| s.field_with_name(n).unwrap().data_type().clone();
    assert_eq!(ty("seqid"), dict32);
    assert_eq!(ty("start"), DataType::Int64);
    assert_eq!(ty("end"), DataType::Int64);
    assert_eq!(ty("value"), dict32);
    assert_eq!(ty("strand"), dict8);
    assert_eq!(ty("id"), DataType::Utf8);
    assert_eq!(ty("note"), DataType::Utf8);
    assert_eq!(s.metadata()["gtrack.track_type"], "valued segments");
    assert_eq!(s.metadata()["gtrack.positions"], "0-based, end exclusive");
    let kv: Vec<(String, String)> = serde_json::from_str(&s.metadata()["gtrack.metadata"]).unwrap();
    assert!(kv.contains(&("cell line".into(), "K562".into())), "{kv:?}");

    let t = import(&store, &data("weighted.gtrack"), "w");
    let s = gtrack_store::arrow::schema(&t).unwrap();
    let names: Vec<&str> = s.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        names,
        ["seqid", "genome", "start", "end", "value", "id", "edges"]
    );
    let v = s.field_with_name("value").unwrap().data_type().clone();
    let DataType::List(item) = v else {
        panic!("value: {v}")
    };
    assert_eq!(item.data_type(), &DataType::Float64);
    let e = s.field_with_name("edges").unwrap().data_type().clone();
    let DataType::List(item) = e else {
        panic!("edges: {e}")
    };
    let DataType::Struct(fields) = item.data_type() else {
        panic!("edge item: {item}")
    };
    assert_eq!(fields[0].name(), "target");
    assert_eq!(fields[0].data_type(), &DataType::Utf8);
    assert_eq!(fields[1].name(), "weight");
    let DataType::List(w) = fields[1].data_type() else {
        panic!("weight")
    };
    // Categories nested in lists are plain utf8 (see the module docs).
    assert_eq!(w.data_type(), &DataType::Utf8);
    assert!(!s.metadata().contains_key("gtrack.genome"));

    let t = import(&store, &data("chars.gtrack"), "c");
    let s = gtrack_store::arrow::schema(&t).unwrap();
    assert_eq!(
        s.field_with_name("value").unwrap().data_type(),
        &DataType::Utf8
    );
    assert_eq!(s.metadata()["gtrack.track_type"], "function");

    let t = import(&store, &data("peaks.bed"), "p");
    let s = gtrack_store::arrow::schema(&t).unwrap();
    assert_eq!(s.metadata()["gtrack.value_type"], "number");
    assert_eq!(
        s.field_with_name("value").unwrap().data_type(),
        &DataType::Float64
    );
}

#[test]
fn every_valid_fixture_exports_to_arrow_and_parquet() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    let mut types = std::collections::BTreeSet::new();
    let mut n = 0;
    for (k, path) in common::valid_fixtures().iter().enumerate() {
        let name = format!("f{k}");
        let opts = ImportOptions {
            name: Some(name.clone()),
            sync: false,
            ..Default::default()
        };
        // Circular elements are refused by the store (tested elsewhere).
        if store
            .import(
                &[path.to_string_lossy().into_owned()],
                &opts,
                &mut |_, _| {},
            )
            .is_err()
        {
            continue;
        }
        let t = store.open_track(&name, Verify::Checksums).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        export_and_check(&t, tmp.path(), &stem);
        types.insert(t.track_type());
        n += 1;
    }
    assert!(n > 200, "only {n} fixtures");
    assert_eq!(types.len(), 15, "track types covered: {types:?}");
}

#[test]
fn long_sequences_are_split_into_bounded_batches_with_one_dictionary() {
    let tmp = tempfile::tempdir().unwrap();
    let bed = tmp.path().join("many.bed");
    let mut text = String::new();
    let names = ["alpha", "beta", "gamma"];
    for chrom in ["chr1", "chr2"] {
        for i in 0..150_000u64 {
            text.push_str(&format!(
                "{chrom}\t{}\t{}\t{}\t{}\t{}\n",
                i * 10,
                i * 10 + 5 + i % 7,
                names[(i % 3) as usize],
                i % 1000,
                if i % 2 == 0 { '+' } else { '-' }
            ));
        }
    }
    std::fs::write(&bed, text).unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    let t = import(&store, &bed, "many");
    let batches: Vec<RecordBatch> = RecordBatches::new(&t)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(batches.len() >= 4, "{} batches", batches.len());
    for b in &batches {
        let s = b.column_by_name("seqid").unwrap();
        let first = str_at(s.as_ref(), 0);
        assert!(
            (0..b.num_rows()).all(|i| str_at(s.as_ref(), i) == first),
            "one sequence per batch"
        );
    }
    // The IPC file format allows one dictionary per field: this only
    // works because every batch shares it.
    export_and_check(&t, tmp.path(), "many");
}

#[test]
fn output_is_atomic_and_errors_are_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    let t = import(&store, &data("peaks.bed"), "p");
    // No directory: an I/O error naming it; nothing left behind.
    let bad = tmp.path().join("missing/dir/out.parquet");
    let e = write_parquet(&t, &bad).unwrap_err().to_string();
    assert!(e.contains("missing/dir"), "{e}");
    let e = write_ipc(&t, "-").unwrap_err().to_string();
    assert!(e.contains("export-output"), "{e}");
    // Overwriting replaces the file whole, leaving no temporary file.
    let out = tmp.path().join("o.arrow");
    std::fs::write(&out, b"old").unwrap();
    ArrowFormat::Ipc.write(&t, &out).unwrap();
    let (_, b) = read_ipc(&out);
    assert_eq!(b.iter().map(|b| b.num_rows()).sum::<usize>(), 4);
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".gtrack-export")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A damaged column is reported, and no output file appears.
    let dir = t.dir().to_path_buf();
    drop(t);
    let col = std::fs::read_dir(
        dir.join(
            &store
                .open_track("p", Verify::Trust)
                .unwrap()
                .manifest()
                .seqs[0]
                .dir,
        ),
    )
    .unwrap()
    .filter_map(|e| e.ok())
    .map(|e| e.path())
    .find(|p| p.to_string_lossy().contains("start"))
    .unwrap();
    let mut bytes = std::fs::read(&col).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&col, bytes).unwrap();
    let t = store.open_track("p", Verify::Checksums).unwrap();
    let out = tmp.path().join("damaged.parquet");
    let e = write_parquet(&t, &out).unwrap_err().to_string();
    assert!(e.contains("store-corrupt"), "{e}");
    assert!(!out.exists());
}

#[test]
fn empty_track_exports_schema_only() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("empty.gtrack");
    std::fs::write(
        &f,
        "##gtrack version: 1.0\n##track type: valued segments\n###seqid\tstart\tend\tvalue\n",
    )
    .unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    let t = import(&store, &f, "empty");
    let (ipc, pq) = export_and_check(&t, tmp.path(), "empty");
    assert_eq!(read_ipc(&ipc).0.fields().len(), 4);
    assert_eq!(read_parquet(&pq).0.fields().len(), 4);
}

// ---------------------------------------------------------------------
// Independent oracles: pyarrow, polars and DuckDB read the files.

const ORACLE: &str = r#"
import json, sys
out = {}
files = json.loads(sys.argv[1])
engines = sys.argv[2].split(",")
def norm(v):
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, float) and v != v:
        return "NaN"
    return v
for f in files:
    res = {}
    if "pyarrow" in engines:
        import pyarrow as pa, pyarrow.parquet as pq, pyarrow.ipc
        t = pq.read_table(f) if f.endswith(".parquet") else pa.ipc.open_file(f).read_all()
        md = {k.decode(): v.decode() for k, v in (t.schema.metadata or {}).items() if k.startswith(b"gtrack.")}
        res["pyarrow"] = {"columns": {n: norm(t.column(n).to_pylist()) for n in t.column_names}, "metadata": md}
    if "polars" in engines:
        import polars as pl
        d = pl.read_parquet(f) if f.endswith(".parquet") else pl.read_ipc(f)
        res["polars"] = {"columns": {n: norm(d[n].to_list()) for n in d.columns}}
    if "duckdb" in engines:
        import duckdb
        con = duckdb.connect()
        if f.endswith(".parquet"):
            rel = con.sql("select * from read_parquet(?)", params=[f])
            md = {k.decode(): v.decode() for k, v in con.execute("select key, value from parquet_kv_metadata(?)", [f]).fetchall() if k.startswith(b"gtrack.")}
        else:
            import pyarrow as pa, pyarrow.ipc
            tbl = pa.ipc.open_file(f).read_all()
            rel = con.sql("select * from tbl")
            md = None
        names = rel.columns
        rows = rel.fetchall()
        cols = {n: norm([r[i] for r in rows]) for i, n in enumerate(names)}
        res["duckdb"] = {"columns": cols, "metadata": md}
    out[f] = res
print(json.dumps(out))
"#;

fn python() -> String {
    std::env::var("GTRACK_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn engines() -> Vec<&'static str> {
    ["pyarrow", "polars", "duckdb"]
        .into_iter()
        .filter(|m| {
            let ok = std::process::Command::new(python())
                .args(["-c", &format!("import {m}")])
                .output()
                .is_ok_and(|o| o.status.success());
            if !ok {
                eprintln!("SKIPPED: python module {m} is not installed (pip install {m}; set GTRACK_PYTHON to choose the interpreter)");
            }
            ok
        })
        .collect()
}

fn json_value(v: &ValueBuf, spec: ValueSpec) -> Value {
    let items: Vec<Value> = match v {
        ValueBuf::Number(x) => x
            .iter()
            .map(|&f| if f.is_nan() { Value::Null } else { json!(f) })
            .collect(),
        ValueBuf::Binary(x) => x
            .iter()
            .map(|&b| if b < 0 { Value::Null } else { json!(b) })
            .collect(),
        ValueBuf::Character(x) => x
            .iter()
            .map(|c| c.map_or(Value::Null, |c| json!(char::from(c).to_string())))
            .collect(),
        ValueBuf::Category(x) => x.iter().map(|c| json!(c)).collect(),
    };
    if spec.dim == gtrack_core::Dimension::Scalar {
        items.into_iter().next().unwrap()
    } else {
        Value::Array(items)
    }
}

/// The table the readers must see, as JSON columns.
fn expected_columns(t: &StoredTrack) -> HashMap<String, Vec<Value>> {
    let exp = t.to_track().unwrap();
    let sch = t.schema();
    let mut c: HashMap<String, Vec<Value>> = HashMap::new();
    let mixed = exp.seqs.iter().any(|s| s.genome != t.manifest().genome);
    for s in &exp.seqs {
        for i in 0..s.len() {
            let mut put = |k: &str, v: Value| c.entry(k.to_string()).or_default().push(v);
            put("seqid", json!(s.seqid));
            if mixed {
                put("genome", json!(s.genome));
            }
            put("start", json!(s.starts[i]));
            put("end", json!(s.ends[i]));
            if let (Some(v), Some(spec)) = (&s.values, sch.value) {
                put("value", json_value(&v.get(i), spec));
            }
            if let Some(st) = &s.strands {
                put("strand", json!(st[i].symbol().to_string()));
            }
            if let Some(ids) = &s.ids {
                put("id", json!(ids.get(i)));
            }
            for (x, name) in s.extras.iter().zip(&sch.columns.extra) {
                put(name, json!(x.get(i)));
            }
            if let Some(e) = &s.edges {
                let ws = sch.edges.unwrap().weights;
                let items: Vec<Value> = e
                    .range(i)
                    .map(|k| {
                        let mut o = serde_json::Map::new();
                        o.insert("target".into(), json!(e.target(k)));
                        if let (Some(spec), Some(w)) = (ws, e.weights()) {
                            o.insert("weight".into(), json_value(&w.get(k), spec));
                        }
                        Value::Object(o)
                    })
                    .collect();
                put("edges", Value::Array(items));
            }
        }
    }
    c
}

/// JSON equality with numbers compared as f64 (ints and floats mix).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn oracle_pyarrow_polars_duckdb_read_the_files() {
    let eng = engines();
    if eng.is_empty() {
        eprintln!("SKIPPED: no python Arrow reader available");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    let mut files: Vec<(PathBuf, Arc<StoredTrack>)> = Vec::new();
    let mut sources: Vec<PathBuf> = [
        "peaks.bed",
        "categories.gtrack",
        "weighted.gtrack",
        "chars.gtrack",
    ]
    .iter()
    .map(|f| data(f))
    .collect();
    // A sample of the generated fixtures: every value type and dimension,
    // weighted edges.
    sources.extend(common::valid_fixtures().into_iter().filter(|p| {
        let n = p.file_name().unwrap().to_string_lossy();
        n.starts_with("valued_segments__")
            || n.starts_with("linked_valued_points__")
            || n.starts_with("linked_genome_partition__weights")
    }));
    for (k, src) in sources.iter().enumerate() {
        let t = Arc::new(import(&store, src, &format!("o{k}")));
        let (ipc, pq) = export_and_check(&t, tmp.path(), &format!("o{k}"));
        files.push((ipc, t.clone()));
        files.push((pq, t));
    }
    let list: Vec<String> = files
        .iter()
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .collect();
    let script = tmp.path().join("oracle.py");
    std::fs::write(&script, ORACLE).unwrap();
    let out = std::process::Command::new(python())
        .arg(&script)
        .arg(serde_json::to_string(&list).unwrap())
        .arg(eng.join(","))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let res: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut checked = 0;
    for (p, t) in &files {
        let want = expected_columns(t);
        let f = p.to_string_lossy();
        for e in &eng {
            let r = &res[f.as_ref()][*e];
            let cols = r["columns"].as_object().unwrap();
            let mut names: Vec<&String> = cols.keys().collect();
            names.sort();
            let mut want_names: Vec<&String> = want.keys().collect();
            want_names.sort();
            if !want.is_empty() {
                assert_eq!(names, want_names, "{f} via {e}: columns");
            }
            for (name, w) in &want {
                let got = cols[name].as_array().unwrap();
                assert_eq!(got.len(), w.len(), "{f} via {e}: rows of {name}");
                for (i, (g, x)) in got.iter().zip(w).enumerate() {
                    assert!(
                        same_json(g, x),
                        "{f} via {e}: {name}[{i}] = {g}, expected {x}"
                    );
                }
            }
            if let Some(md) = r.get("metadata").and_then(|m| m.as_object()) {
                assert_eq!(
                    md["gtrack.track_type"].as_str(),
                    Some(t.schema().track_type.name()),
                    "{f} via {e}: metadata"
                );
            }
            checked += 1;
        }
    }
    eprintln!(
        "oracle: {checked} file × reader checks with {}",
        eng.join(", ")
    );
}
