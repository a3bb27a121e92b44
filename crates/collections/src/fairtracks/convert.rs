//! FAIRtracks → GSuite: one row per track, joined to its experiment, study,
//! sample and the collection, nested fields flattened with `->`.

use serde_json::{Map, Value};

use super::FairtracksError;
use crate::gsuite::GSuite;

/// Flatten `v` into `(prefix->key->…, value)` pairs; arrays of scalars are
/// joined with `,` (as TrackFind did), arrays of objects are indexed.
pub(crate) fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}->{k}")
        }
    };
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k == "@schema" {
                    continue;
                }
                flatten(&key(k), x, out);
            }
        }
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            let parts: Vec<String> = a.iter().map(scalar).collect();
            out.push((prefix.to_string(), parts.join(",")));
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                flatten(&key(&i.to_string()), x, out);
            }
        }
        other => out.push((prefix.to_string(), scalar(other))),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn by_id<'a>(doc: &'a Value, list: &str, id: Option<&str>) -> Option<&'a Value> {
    let id = id?;
    doc.get(list)?
        .as_array()?
        .iter()
        .find(|o| o.get("local_id").and_then(Value::as_str) == Some(id))
}

/// The URI as the GSuite model holds it: percent-encoded where a URI may
/// not hold a character (spaces, …); `%` escapes already there are kept,
/// so [`GSuite::to_text`] writes it unchanged (no double encoding).
fn encode_uri(u: &str) -> String {
    crate::gsuite::uri::percent_encode_uri(u.trim())
}

/// One value if all are equal, `multiple` if they differ, `unknown` if none.
fn summarise<'a>(vals: impl Iterator<Item = Option<&'a str>>) -> String {
    let mut seen: Option<&str> = None;
    for v in vals {
        match (v, seen) {
            (None, _) => return "multiple".into(),
            (Some(v), None) => seen = Some(v),
            (Some(v), Some(s)) if v != s => return "multiple".into(),
            _ => {}
        }
    }
    seen.map(str::to_string).unwrap_or_else(|| "unknown".into())
}

/// Convert a top-level FAIRtracks document into a GSuite: columns `uri`,
/// `title` (the track's `label_short`, trimmed, made unique), the track's own
/// fields (`checksum->cs_hash`, …), then `experiments->…`, `studies->…`,
/// `samples->…` and `collection_info->…` of the linked objects. Headers:
/// `location` from the URIs (remote), `file format` primary, `track type`
/// from `geometric_track_type` and `genome` from `assembly_name`; when the
/// tracks differ in these, reserved columns `track_type` / `genome` give
/// each track's value and the headers summarise them (`multiple`, or the
/// simplest common track type).
pub fn to_gsuite(doc: &Value) -> Result<GSuite, FairtracksError> {
    let tracks = doc.get("tracks").and_then(Value::as_array).ok_or_else(|| {
        FairtracksError::NotACollection {
            path: "/tracks".into(),
            why: "no `tracks` array".into(),
        }
    })?;
    let mut g = GSuite::new(["uri", "title"]);
    g.set_header("file format", "primary");
    // Track type and genome: a header when all tracks agree, else a
    // reserved column per track (a `multiple` header cannot speak for the
    // tracks); the headers are then derived from the columns.
    let track_types: Vec<Option<String>> = tracks
        .iter()
        .map(|t| {
            t.get("geometric_track_type")
                .and_then(Value::as_str)
                .map(|s| s.trim().to_ascii_lowercase())
                // Only the values GSuite allows (a lenient conversion of
                // an invalid document may carry others).
                .filter(|s| crate::gsuite::parse_track_type(s).is_some())
        })
        .collect();
    let genomes: Vec<Option<String>> = tracks
        .iter()
        .map(|t| {
            t.get("assembly_name")
                .and_then(Value::as_str)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("multiple"))
        })
        .collect();
    let constant = |v: &[Option<String>]| -> Option<String> {
        let s = summarise(v.iter().map(Option::as_deref));
        (s != "multiple").then_some(s)
    };
    let type_header = constant(&track_types);
    let genome_header = constant(&genomes);
    if let Some(t) = &type_header {
        g.set_header("track type", t.clone());
    }
    if let Some(gn) = &genome_header {
        g.set_header("genome", gn.clone());
    }
    let mut titles = std::collections::HashSet::new();
    let empty = Value::Object(Map::new());
    for (i, t) in tracks.iter().enumerate() {
        let Some(obj) = t.as_object() else {
            return Err(FairtracksError::NotACollection {
                path: format!("/tracks/{i}"),
                why: "a track is not an object".into(),
            });
        };
        let mut fields: Vec<(String, String)> = Vec::new();
        let uri = obj.get("file_url").map(scalar).unwrap_or_default();
        fields.push(("uri".into(), encode_uri(&uri)));
        let base = obj
            .get("label_short")
            .map(scalar)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .or_else(|| obj.get("local_id").map(scalar))
            .unwrap_or_else(|| format!("track {}", i + 1));
        let mut title = base.clone();
        let mut n = 2;
        while !titles.insert(title.clone()) {
            title = format!("{base} ({n})");
            n += 1;
        }
        fields.push(("title".into(), title));
        if type_header.is_none() {
            let v = track_types[i].clone().unwrap_or_else(|| "unknown".into());
            fields.push(("track_type".into(), v));
        }
        if genome_header.is_none() {
            let v = genomes[i].clone().unwrap_or_else(|| "unknown".into());
            fields.push(("genome".into(), v));
        }
        flatten("", t, &mut fields);
        let exp = by_id(
            doc,
            "experiments",
            obj.get("experiment_ref").and_then(Value::as_str),
        );
        let exp_v = exp.unwrap_or(&empty);
        flatten("experiments", exp_v, &mut fields);
        let study = by_id(
            doc,
            "studies",
            exp_v.get("study_ref").and_then(Value::as_str),
        );
        flatten("studies", study.unwrap_or(&empty), &mut fields);
        let sample = by_id(
            doc,
            "samples",
            exp_v.get("sample_ref").and_then(Value::as_str),
        );
        flatten("samples", sample.unwrap_or(&empty), &mut fields);
        flatten(
            "collection_info",
            doc.get("collection_info").unwrap_or(&empty),
            &mut fields,
        );
        g.push_row(fields.iter().map(|(k, v)| (k.as_str(), v.clone())));
    }
    // `location` from the URIs (remote for valid documents).
    g.complete_headers();
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_nested_and_arrays() {
        let v = serde_json::json!({"a": {"b": "x", "c": [1, 2]}, "d": [{"e": "y"}]});
        let mut out = Vec::new();
        flatten("p", &v, &mut out);
        assert_eq!(
            out,
            [
                ("p->a->b".to_string(), "x".to_string()),
                ("p->a->c".to_string(), "1,2".to_string()),
                ("p->d->0->e".to_string(), "y".to_string())
            ]
        );
    }

    #[test]
    fn summaries() {
        assert_eq!(summarise([Some("a"), Some("a")].into_iter()), "a");
        assert_eq!(summarise([Some("a"), Some("b")].into_iter()), "multiple");
        assert_eq!(summarise([].into_iter()), "unknown");
    }
}
