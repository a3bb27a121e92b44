//! Export of a stored track to Apache Arrow IPC and Parquet files, so
//! that polars, pyarrow, DuckDB (and anything else that speaks Arrow)
//! read a track directly. Cargo feature `arrow` (on by default).
//!
//! One table per track, one row per element, in stored order (by
//! sequence in manifest order, then by (start, end)):
//!
//! | column   | Arrow type                          | present when |
//! |----------|-------------------------------------|--------------|
//! | `seqid`  | `dictionary<int32, utf8>`           | always |
//! | `genome` | `dictionary<int32, utf8>`, nullable | sequences of more than one genome |
//! | `start`  | `int64`, 0-based                    | always (materialised for dense types) |
//! | `end`    | `int64`, exclusive                  | always (`start + 1` for points and per-base types) |
//! | `value`  | see below, nullable                 | valued types |
//! | `strand` | `dictionary<int8, utf8>` of `+ - .` | the track has strands |
//! | `id`     | `utf8`, nullable                    | the track has ids |
//! | extras   | `utf8`, nullable, by their names    | the track has extra columns |
//! | `edges`  | `list<struct<target: utf8, weight>>`| linked types |
//!
//! Values: number → `float64`, binary → `int8` (0/1), character →
//! `utf8` (one character), category → `dictionary<int32, utf8>`; pairs,
//! vectors and lists → `list<…>` of those, with categories as plain
//! `utf8` inside lists. A missing value (NaN, -1, `.`) is written as
//! null. Edge weights use the same mapping, categories always as `utf8`.
//!
//! Positions are signed 64-bit: the default integer type of polars,
//! pandas and DuckDB (`BIGINT`), safe to subtract (`end - start` of a
//! circular element is negative instead of wrapping), and Parquet's
//! native `INT64` without an unsigned annotation some readers mishandle.
//!
//! The schema metadata holds the track's description under `gtrack.*`
//! keys (track type, genome, value and edge types, header variables,
//! bounding regions; see [`schema`]). Parquet files carry the same
//! pairs in the file's key-value metadata, for DuckDB's
//! `parquet_kv_metadata`.
//!
//! Memory stays bounded: the writers stream record batches of at most
//! [`BATCH_ROWS`] rows (about [`BATCH_BYTES`] of column data), never
//! crossing a sequence boundary. Files are written atomically (a
//! temporary file in the target directory, renamed when complete).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::types::{Int32Type, Int8Type};
use arrow_array::{
    ArrayRef, DictionaryArray, Float64Array, Int32Array, Int64Array, Int8Array, ListArray,
    RecordBatch, StringArray, StructArray,
};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, DataType, Field, FieldRef, Fields, Schema, SchemaRef};
use gtrack_core::{
    ColumnData, Dimension, EdgeColumn, SeqElements, Strand, ValueColumn, ValueSpec, ValueType,
};

use crate::column::Mapped;
use crate::error::{Error, Result};
use crate::read::StoredTrack;

/// Most rows in one record batch (and the Parquet row group size).
pub const BATCH_ROWS: usize = 1 << 20;
/// Target in-memory size of one batch's columns; batches of tracks with
/// long values, lists or edges hold fewer rows.
pub const BATCH_BYTES: usize = 128 << 20;
/// Rows of the first batch of a sequence, used to estimate row size.
const PROBE_ROWS: usize = 1 << 16;
/// Above this a gathered chunk is split and gathered again in halves
/// (keeps 32-bit Arrow offsets from overflowing).
const HARD_BYTES: usize = 1 << 30;

/// Version of the exported table layout (`gtrack.export_version`).
pub const EXPORT_VERSION: &str = "1";

/// The two file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrowFormat {
    /// Arrow IPC file format (a.k.a. Feather v2), uncompressed,
    /// memory-mappable.
    Ipc,
    /// Apache Parquet, Snappy-compressed.
    Parquet,
}

impl ArrowFormat {
    /// The format named `name` (`arrow`, `ipc`, `feather`, `parquet`;
    /// case-insensitive), if any.
    pub fn from_name(name: &str) -> Option<ArrowFormat> {
        match name.to_ascii_lowercase().as_str() {
            "arrow" | "ipc" | "feather" | "arrow-ipc" => Some(ArrowFormat::Ipc),
            "parquet" | "pq" => Some(ArrowFormat::Parquet),
            _ => None,
        }
    }
    /// The format implied by `path`'s extension (`.arrow`, `.ipc`,
    /// `.feather`, `.parquet`, `.pq`), if any.
    pub fn from_path(path: impl AsRef<Path>) -> Option<ArrowFormat> {
        let ext = path.as_ref().extension()?.to_str()?;
        match ext.to_ascii_lowercase().as_str() {
            "arrow" | "ipc" | "feather" => Some(ArrowFormat::Ipc),
            "parquet" | "pq" => Some(ArrowFormat::Parquet),
            _ => None,
        }
    }
    /// Write `track` to `path` in this format; returns the row count.
    pub fn write(self, track: &StoredTrack, path: impl AsRef<Path>) -> Result<u64> {
        match self {
            ArrowFormat::Ipc => write_ipc(track, path),
            ArrowFormat::Parquet => write_parquet(track, path),
        }
    }
}

/// Write `track` as an Arrow IPC file at `path` (atomically); returns
/// the number of rows written.
pub fn write_ipc(track: &StoredTrack, path: impl AsRef<Path>) -> Result<u64> {
    let path = path.as_ref();
    atomic_write(path, |file| {
        let batches = RecordBatches::new(track)?;
        let arrow_err = |e: ArrowError| arrow_error(path, "Arrow IPC", e);
        let mut w = arrow_ipc::writer::FileWriter::try_new(BufWriter::new(file), &batches.schema())
            .map_err(arrow_err)?;
        let mut rows = 0u64;
        for b in batches {
            let b = b?;
            rows += b.num_rows() as u64;
            w.write(&b).map_err(arrow_err)?;
        }
        w.finish().map_err(arrow_err)?;
        w.into_inner()
            .map_err(arrow_err)?
            .flush()
            .map_err(|e| Error::io(path, e))?;
        Ok(rows)
    })
}

/// Write `track` as a Parquet file at `path` (atomically, Snappy
/// compression, row groups of at most [`BATCH_ROWS`] rows); returns the
/// number of rows written.
pub fn write_parquet(track: &StoredTrack, path: impl AsRef<Path>) -> Result<u64> {
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::metadata::KeyValue;
    use parquet::file::properties::WriterProperties;

    let path = path.as_ref();
    atomic_write(path, |file| {
        let batches = RecordBatches::new(track)?;
        let schema = batches.schema();
        let mut kv: Vec<KeyValue> = schema
            .metadata()
            .iter()
            .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
            .collect();
        kv.sort_by(|a, b| a.key.cmp(&b.key));
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(BATCH_ROWS))
            .set_created_by(format!("gtrack {}", env!("CARGO_PKG_VERSION")))
            .set_key_value_metadata(Some(kv))
            .build();
        let pq_err = |e: parquet::errors::ParquetError| {
            Error::io(path, std::io::Error::other(format!("writing Parquet: {e}")))
        };
        let mut w =
            ArrowWriter::try_new(BufWriter::new(file), schema, Some(props)).map_err(pq_err)?;
        let mut rows = 0u64;
        for b in batches {
            let b = b?;
            rows += b.num_rows() as u64;
            w.write(&b).map_err(pq_err)?;
        }
        w.into_inner()
            .map_err(pq_err)?
            .flush()
            .map_err(|e| Error::io(path, e))?;
        Ok(rows)
    })
}

fn arrow_error(path: &Path, what: &str, e: ArrowError) -> Error {
    match e {
        ArrowError::IoError(_, io) => Error::io(path, io),
        e => Error::io(path, std::io::Error::other(format!("writing {what}: {e}"))),
    }
}

/// Write through a temporary file next to `path`, fsync, rename.
fn atomic_write(path: &Path, body: impl FnOnce(&File) -> Result<u64>) -> Result<u64> {
    if path.as_os_str().is_empty() || path == Path::new("-") {
        return Err(Error::Usage(
            "export-output: Arrow and Parquet output needs a file name (not standard output)"
                .into(),
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".gtrack-export-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    let rows = body(tmp.as_file())?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(rows)
}

/// The Arrow schema of `track`'s table, with the track's description in
/// the metadata:
///
/// - `gtrack.export_version`: [`EXPORT_VERSION`];
/// - `gtrack.name`, `gtrack.track_type` (e.g. `valued segments`);
/// - `gtrack.positions`: `0-based, end exclusive`;
/// - `gtrack.genome`, when the track has one;
/// - `gtrack.value_type`, `gtrack.value_dimension` (valued types);
/// - `gtrack.undirected_edges` (`true`/`false`), and for weighted edges
///   `gtrack.edge_weight_type`, `gtrack.edge_weight_dimension` (linked
///   types);
/// - `gtrack.metadata`: header variables, a JSON array of `[key, value]`
///   (when there are any);
/// - `gtrack.bounding_regions`: a JSON array of `{genome, seqid, start,
///   end}` (when there are any).
pub fn schema(track: &StoredTrack) -> Result<SchemaRef> {
    Ok(Converter::new(track)?.schema)
}

/// Element type; categories are dictionary-encoded only as top-level
/// scalars (see [`value_type`]).
fn value_item_type(ty: ValueType, dictionary: bool) -> DataType {
    match ty {
        ValueType::Number => DataType::Float64,
        ValueType::Binary => DataType::Int8,
        ValueType::Character => DataType::Utf8,
        ValueType::Category if dictionary => dict_type(DataType::Int32),
        ValueType::Category => DataType::Utf8,
    }
}

fn dict_type(key: DataType) -> DataType {
    DataType::Dictionary(Box::new(key), Box::new(DataType::Utf8))
}

fn list_item(ty: ValueType) -> FieldRef {
    Arc::new(Field::new("item", value_item_type(ty, false), true))
}

/// The Arrow type of the `value` column for values of `spec`: scalars
/// as `float64`, `int8`, `utf8` or (categories) `dictionary<int32,
/// utf8>`; other dimensions as `list<…>` of the element type, where
/// categories are plain `utf8` (DuckDB's Arrow import cannot read a
/// dictionary-encoded child of a batch of empty lists).
pub fn value_type(spec: ValueSpec) -> DataType {
    match spec.dim {
        Dimension::Scalar => value_item_type(spec.ty, true),
        _ => DataType::List(list_item(spec.ty)),
    }
}

/// The Arrow type of the edges' `weight` field for weights of `spec`:
/// as [`value_type`], but categories are always plain `utf8` (they are
/// nested in the `edges` list).
pub fn weight_type(spec: ValueSpec) -> DataType {
    match spec.dim {
        Dimension::Scalar => value_item_type(spec.ty, false),
        _ => DataType::List(list_item(spec.ty)),
    }
}

fn edge_fields(weights: Option<ValueSpec>) -> Fields {
    let mut f = vec![Field::new("target", DataType::Utf8, false)];
    if let Some(w) = weights {
        f.push(Field::new("weight", weight_type(w), true));
    }
    Fields::from(f)
}

fn edge_item(weights: Option<ValueSpec>) -> FieldRef {
    Arc::new(Field::new(
        "item",
        DataType::Struct(edge_fields(weights)),
        false,
    ))
}

/// Converts gathered sequences to record batches with shared
/// dictionaries (one dictionary per field for the whole file, as the
/// IPC file format requires).
struct Converter<'a> {
    track: &'a StoredTrack,
    schema: SchemaRef,
    seq_codes: Vec<i32>,
    seq_dict: ArrayRef,
    genome: Option<(Vec<Option<i32>>, ArrayRef)>,
    strand_dict: ArrayRef,
    value_dict: TrackDict,
}

/// The track-level category dictionary (`value.dict`): the one
/// dictionary of the `value` field in every batch (the IPC file format
/// allows no replacement). Codes of gathered columns are remapped
/// through `index`, not assumed equal.
struct TrackDict {
    index: HashMap<String, i32>,
    values: ArrayRef,
}

impl TrackDict {
    /// Load `<name>.off.u64` + `<name>.bytes` of the track (verified).
    fn load(track: &StoredTrack, name: &str) -> Result<TrackDict> {
        let m = track.manifest();
        let mut words: Vec<String> = Vec::new();
        let off_name = format!("{name}.off.u64");
        if let (Some(oe), Some(be)) = (
            m.files.get(&off_name),
            m.files.get(&format!("{name}.bytes")),
        ) {
            let off = Mapped::open(track.dir().join(&off_name), oe, false, &m.name)?;
            let bytes = Mapped::open(
                track.dir().join(format!("{name}.bytes")),
                be,
                false,
                &m.name,
            )?;
            let o = off.slice::<u64>(&m.name)?;
            let b = bytes.bytes();
            for w in o.windows(2) {
                let word = b
                    .get(w[0] as usize..w[1] as usize)
                    .and_then(|x| std::str::from_utf8(x).ok())
                    .ok_or_else(|| Error::Corrupt {
                        path: bytes.path().to_path_buf(),
                        track: m.name.clone(),
                        what: "a category is outside the file or not UTF-8".into(),
                    })?;
                words.push(word.to_string());
            }
        }
        let index = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as i32))
            .collect();
        Ok(TrackDict {
            index,
            values: Arc::new(StringArray::from(words)),
        })
    }
}

fn intern(words: &mut Vec<String>, index: &mut HashMap<String, i32>, w: &str) -> i32 {
    if let Some(&c) = index.get(w) {
        return c;
    }
    let c = words.len() as i32;
    words.push(w.to_string());
    index.insert(w.to_string(), c);
    c
}

impl<'a> Converter<'a> {
    fn new(track: &'a StoredTrack) -> Result<Self> {
        let m = track.manifest();
        let sch = track.schema();
        let (mut words, mut index) = (Vec::new(), HashMap::new());
        let seq_codes: Vec<i32> = m
            .seqs
            .iter()
            .map(|s| intern(&mut words, &mut index, &s.seqid))
            .collect();
        let seq_dict: ArrayRef = Arc::new(StringArray::from(words));
        let mixed = m.seqs.iter().any(|s| s.genome != m.genome);
        let genome = mixed.then(|| {
            let (mut words, mut index) = (Vec::new(), HashMap::new());
            let codes: Vec<Option<i32>> = m
                .seqs
                .iter()
                .map(|s| {
                    s.genome
                        .as_deref()
                        .map(|g| intern(&mut words, &mut index, g))
                })
                .collect();
            (codes, Arc::new(StringArray::from(words)) as ArrayRef)
        });

        let mut fields = vec![Field::new("seqid", dict_type(DataType::Int32), false)];
        if genome.is_some() {
            fields.push(Field::new("genome", dict_type(DataType::Int32), true));
        }
        fields.push(Field::new("start", DataType::Int64, false));
        fields.push(Field::new("end", DataType::Int64, false));
        if let Some(v) = sch.value {
            fields.push(Field::new("value", value_type(v), true));
        }
        if sch.columns.strand {
            fields.push(Field::new("strand", dict_type(DataType::Int8), false));
        }
        if sch.columns.id {
            fields.push(Field::new("id", DataType::Utf8, true));
        }
        for x in &sch.columns.extra {
            let mut name = x.clone();
            while fields.iter().any(|f| f.name() == &name) || name == "edges" {
                name = format!("extra_{name}");
            }
            fields.push(Field::new(name, DataType::Utf8, true));
        }
        if let Some(e) = sch.edges {
            fields.push(Field::new(
                "edges",
                DataType::List(edge_item(e.weights)),
                false,
            ));
        }

        let mut md = HashMap::new();
        let mut put = |k: &str, v: String| {
            md.insert(format!("gtrack.{k}"), v);
        };
        put("export_version", EXPORT_VERSION.into());
        put("name", m.name.clone());
        put("track_type", sch.track_type.name().into());
        put("positions", "0-based, end exclusive".into());
        if let Some(g) = &m.genome {
            put("genome", g.clone());
        }
        if let Some(v) = sch.value {
            put("value_type", v.ty.name().into());
            put("value_dimension", v.dim.name().into());
        }
        if let Some(e) = sch.edges {
            put("undirected_edges", e.undirected.to_string());
            if let Some(w) = e.weights {
                put("edge_weight_type", w.ty.name().into());
                put("edge_weight_dimension", w.dim.name().into());
            }
        }
        if !m.metadata.is_empty() {
            put(
                "metadata",
                serde_json::to_string(&m.metadata).expect("strings serialise"),
            );
        }
        if !m.regions.is_empty() {
            let regions: Vec<serde_json::Value> = m
                .regions
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "genome": r.genome,
                        "seqid": r.seqid,
                        "start": r.start,
                        "end": r.end,
                    })
                })
                .collect();
            put(
                "bounding_regions",
                serde_json::Value::Array(regions).to_string(),
            );
        }
        Ok(Converter {
            track,
            schema: Arc::new(Schema::new_with_metadata(fields, md)),
            seq_codes,
            seq_dict,
            genome,
            strand_dict: Arc::new(StringArray::from(vec!["+", "-", "."])),
            value_dict: TrackDict::load(track, "value.dict")?,
        })
    }

    fn overflow(&self, what: &str) -> Error {
        Error::Usage(format!(
            "export-overflow: track `{}`: {what} does not fit the Arrow column type",
            self.track.manifest().name
        ))
    }

    fn positions(&self, v: &[u64], what: &str) -> Result<ArrayRef> {
        let out: Option<Vec<i64>> = v.iter().map(|&x| i64::try_from(x).ok()).collect();
        match out {
            Some(o) => Ok(Arc::new(Int64Array::from(o))),
            None => Err(self.overflow(&format!("a {what} position above 2^63"))),
        }
    }

    fn offsets(&self, o: impl Iterator<Item = usize>) -> Result<OffsetBuffer<i32>> {
        let v: Option<Vec<i32>> = o.map(|x| i32::try_from(x).ok()).collect();
        let v = v.ok_or_else(|| self.overflow("a list of more than 2^31 items per batch"))?;
        Ok(OffsetBuffer::new(ScalarBuffer::from(v)))
    }

    fn values(&self, c: &ValueColumn, weights: bool) -> Result<ArrayRef> {
        let flat: ArrayRef = match c.data() {
            ColumnData::Number(v) => Arc::new(Float64Array::from_iter(
                v.iter().map(|&x| (!x.is_nan()).then_some(x)),
            )),
            ColumnData::Binary(v) => Arc::new(Int8Array::from_iter(
                v.iter().map(|&b| (b >= 0).then_some(b)),
            )),
            ColumnData::Character(v) => {
                let mut b = StringBuilder::with_capacity(v.len(), v.len());
                let mut buf = [0u8; 4];
                for c in v {
                    match c {
                        Some(c) => b.append_value(char::from(*c).encode_utf8(&mut buf)),
                        None => b.append_null(),
                    }
                }
                Arc::new(b.finish())
            }
            ColumnData::Category { codes, dict }
                if weights || c.spec().dim != Dimension::Scalar =>
            {
                let words = dict.words();
                Arc::new(StringArray::from_iter(
                    codes
                        .iter()
                        .map(|&c| words.get(c as usize).map(String::as_str)),
                ))
            }
            ColumnData::Category { codes, dict } => {
                let td = &self.value_dict;
                let global: Option<Vec<i32>> = dict
                    .words()
                    .iter()
                    .map(|w| td.index.get(w).copied())
                    .collect();
                let global = global.ok_or_else(|| Error::Corrupt {
                    path: self.track.dir().to_path_buf(),
                    track: self.track.manifest().name.clone(),
                    what: "a category is not in the track's category dictionary".into(),
                })?;
                let keys: Int32Array = codes
                    .iter()
                    .map(|&c| global.get(c as usize).copied())
                    .collect();
                Arc::new(
                    DictionaryArray::<Int32Type>::try_new(keys, td.values.clone())
                        .map_err(|e| self.overflow(&format!("a category ({e})")))?,
                )
            }
        };
        match c.offsets() {
            None => Ok(flat),
            Some(o) => {
                let offsets = self.offsets(o.iter().copied())?;
                let l = ListArray::try_new(list_item(c.spec().ty), offsets, flat, None)
                    .map_err(|e| self.overflow(&format!("a value list ({e})")))?;
                Ok(Arc::new(l))
            }
        }
    }

    fn edges(&self, e: &EdgeColumn) -> Result<ArrayRef> {
        let n = e.edge_count();
        let mut t = StringBuilder::with_capacity(n, n * 8);
        for k in 0..n {
            t.append_value(e.target(k));
        }
        let mut cols: Vec<ArrayRef> = vec![Arc::new(t.finish())];
        let spec = e.weights().map(|w| w.spec());
        if let Some(w) = e.weights() {
            cols.push(self.values(w, true)?);
        }
        let s = StructArray::try_new(edge_fields(spec), cols, None)
            .map_err(|x| self.overflow(&format!("an edge ({x})")))?;
        let offsets =
            self.offsets(std::iter::once(0).chain((0..e.len()).map(|i| e.range(i).end)))?;
        let l = ListArray::try_new(edge_item(spec), offsets, Arc::new(s), None)
            .map_err(|x| self.overflow(&format!("the edges ({x})")))?;
        Ok(Arc::new(l))
    }

    fn strings<'s>(&self, it: impl Iterator<Item = Option<&'s str>>) -> ArrayRef {
        Arc::new(StringArray::from_iter(it))
    }

    /// The record batch of one gathered chunk of sequence `si`.
    fn batch(&mut self, si: usize, s: &SeqElements) -> Result<RecordBatch> {
        let n = s.len();
        let keys = Int32Array::from(vec![self.seq_codes[si]; n]);
        let mut cols: Vec<ArrayRef> = vec![Arc::new(
            DictionaryArray::<Int32Type>::try_new(keys, self.seq_dict.clone())
                .map_err(|e| self.overflow(&format!("the seqid ({e})")))?,
        )];
        if let Some((codes, dict)) = &self.genome {
            let keys = Int32Array::from(vec![codes[si]; n]);
            cols.push(Arc::new(
                DictionaryArray::<Int32Type>::try_new(keys, dict.clone())
                    .map_err(|e| self.overflow(&format!("the genome ({e})")))?,
            ));
        }
        cols.push(self.positions(&s.starts, "start")?);
        cols.push(self.positions(&s.ends, "end")?);
        if let Some(v) = &s.values {
            cols.push(self.values(v, false)?);
        }
        if let Some(st) = &s.strands {
            let keys = Int8Array::from_iter_values(st.iter().map(|x| match x {
                Strand::Plus => 0,
                Strand::Minus => 1,
                Strand::Unknown => 2,
            }));
            cols.push(Arc::new(
                DictionaryArray::<Int8Type>::try_new(keys, self.strand_dict.clone())
                    .map_err(|e| self.overflow(&format!("the strand ({e})")))?,
            ));
        }
        if let Some(ids) = &s.ids {
            cols.push(self.strings(ids.iter()));
        }
        for x in &s.extras {
            cols.push(self.strings(x.iter()));
        }
        if let Some(e) = &s.edges {
            cols.push(self.edges(e)?);
        }
        RecordBatch::try_new(self.schema.clone(), cols)
            .map_err(|e| self.overflow(&format!("a record batch ({e})")))
    }
}

/// The track's table as a stream of record batches (at most
/// [`BATCH_ROWS`] rows each, one sequence per batch), all with the
/// schema [`RecordBatches::schema`]. Column files are mapped (and
/// verified) sequence by sequence as the stream advances.
pub struct RecordBatches<'a> {
    conv: Converter<'a>,
    seq: usize,
    row: usize,
    step: usize,
}

impl<'a> RecordBatches<'a> {
    /// The batches of `track`.
    pub fn new(track: &'a StoredTrack) -> Result<Self> {
        Ok(RecordBatches {
            conv: Converter::new(track)?,
            seq: 0,
            row: 0,
            step: PROBE_ROWS,
        })
    }
    /// The schema of every batch (see [`schema`]).
    pub fn schema(&self) -> SchemaRef {
        self.conv.schema.clone()
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        let track = self.conv.track;
        loop {
            let seqs = &track.manifest().seqs;
            if self.seq >= seqs.len() {
                return Ok(None);
            }
            let count = seqs[self.seq].count as usize;
            if self.row >= count {
                self.seq += 1;
                self.row = 0;
                self.step = PROBE_ROWS;
                continue;
            }
            let d = track.seq_data(self.seq)?;
            let mut hi = (self.row + self.step.clamp(1, BATCH_ROWS)).min(count);
            let part = loop {
                let part = track.gather(self.seq, d, &mut (self.row..hi))?;
                let bytes = part.heap_bytes();
                if bytes > HARD_BYTES && hi - self.row > 1 {
                    hi = self.row + (hi - self.row) / 2;
                    continue;
                }
                // Estimate the rows that fit the byte budget next time.
                let per_row = (bytes / (hi - self.row)).max(1);
                self.step = (BATCH_BYTES / per_row).clamp(1, BATCH_ROWS);
                break part;
            };
            let b = self.conv.batch(self.seq, &part)?;
            self.row = hi;
            return Ok(Some(b));
        }
    }
}

impl Iterator for RecordBatches<'_> {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.next_batch() {
            Ok(Some(b)) => Some(Ok(b)),
            Ok(None) => None,
            Err(e) => {
                // Stop after an error.
                self.seq = usize::MAX;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_format_names_and_extensions() {
        assert_eq!(ArrowFormat::from_name("Arrow"), Some(ArrowFormat::Ipc));
        assert_eq!(ArrowFormat::from_name("feather"), Some(ArrowFormat::Ipc));
        assert_eq!(
            ArrowFormat::from_name("parquet"),
            Some(ArrowFormat::Parquet)
        );
        assert_eq!(ArrowFormat::from_name("bed"), None);
        assert_eq!(
            ArrowFormat::from_path("a/b.PARQUET"),
            Some(ArrowFormat::Parquet)
        );
        assert_eq!(ArrowFormat::from_path("x.ipc"), Some(ArrowFormat::Ipc));
        assert_eq!(ArrowFormat::from_path("x.feather"), Some(ArrowFormat::Ipc));
        assert_eq!(ArrowFormat::from_path("x.bed"), None);
        assert_eq!(ArrowFormat::from_path("parquet"), None);
    }

    #[test]
    fn test_value_types() {
        use Dimension::*;
        use ValueType::*;
        assert_eq!(
            value_type(ValueSpec::new(Number, Scalar)),
            DataType::Float64
        );
        assert_eq!(value_type(ValueSpec::new(Binary, Scalar)), DataType::Int8);
        assert_eq!(
            value_type(ValueSpec::new(Character, Scalar)),
            DataType::Utf8
        );
        assert_eq!(
            value_type(ValueSpec::new(Category, Scalar)),
            dict_type(DataType::Int32)
        );
        assert_eq!(
            value_type(ValueSpec::new(Number, Pair)),
            DataType::List(list_item(Number))
        );
        let utf8_list = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
        assert_eq!(value_type(ValueSpec::new(Category, List)), utf8_list);
        assert_eq!(
            weight_type(ValueSpec::new(Category, Scalar)),
            DataType::Utf8
        );
        assert_eq!(weight_type(ValueSpec::new(Category, Vector)), utf8_list);
        assert_eq!(
            weight_type(ValueSpec::new(Number, Scalar)),
            DataType::Float64
        );
    }
}
