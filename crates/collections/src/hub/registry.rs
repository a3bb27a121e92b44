//! A small client of the Track Hub Registry REST API (v1 contract, also
//! answered by v2): `POST /api/search`, `GET /api/search/trackdb/:id` and
//! `GET /api/info/trackhubs`.
//!
//! The base URL is given by the caller (default [`DEFAULT_REGISTRY`]);
//! responses are read leniently (ids and numbers as strings or numbers,
//! missing optional fields), and a response of the wrong shape is an error
//! naming the JSON path.

use std::collections::BTreeMap;
use std::io::Read;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use url::Url;

/// The public registry.
pub const DEFAULT_REGISTRY: &str = "https://www.trackhubregistry.org";

/// Search `type` values the registry accepts.
pub const SEARCH_TYPES: &[&str] = &["genomics", "epigenomics", "transcriptomics", "proteomics"];

/// What went wrong talking to the registry.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The base URL is not an http(s) URL.
    #[error("registry base URL `{0}` is not an http(s) URL")]
    BadBase(String),
    /// A search field is invalid before anything is sent.
    #[error("search field `{field}`: {message}")]
    InvalidQuery {
        /// The field.
        field: &'static str,
        /// Why and how to fix it.
        message: String,
    },
    /// Connection, TLS or timeout failure.
    #[error("{url}: {message}")]
    Transport {
        /// The request URL.
        url: String,
        /// The transport error.
        message: String,
    },
    /// A non-2xx answer.
    #[error("{url}: HTTP status {status}{}", if body.is_empty() { String::new() } else { format!(": {body}") })]
    Status {
        /// The request URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// The body is not JSON.
    #[error("{url}: the answer is not JSON: {message}")]
    Json {
        /// The request URL.
        url: String,
        /// The parser's message.
        message: String,
    },
    /// JSON of an unexpected shape.
    #[error("{url}: at {path}: {message}")]
    Shape {
        /// The request URL.
        url: String,
        /// JSON path of the problem (`$.items[0].hub`).
        path: String,
        /// What was expected.
        message: String,
    },
}

/// A search request (`POST /api/search`).
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Free text (Elasticsearch query_string syntax).
    pub query: String,
    /// Species (scientific name).
    pub species: Option<String>,
    /// Assembly name (e.g. `GRCh38`).
    pub assembly: Option<String>,
    /// INSDC accession (`GCA_000001405.15`).
    pub accession: Option<String>,
    /// Hub name.
    pub hub: Option<String>,
    /// One of [`SEARCH_TYPES`].
    pub kind: Option<String>,
    /// Page (1-based; default 1).
    pub page: Option<u32>,
    /// Entries per page (default the registry's, 5).
    pub entries_per_page: Option<u32>,
    /// Return all results at once.
    pub all: bool,
}

impl SearchQuery {
    /// The JSON body, only with the fields set. Checks `accession`
    /// (`^GCA_[0-9]+.[0-9]+$`) and `type` as the registry's schema does.
    pub fn body(&self) -> Result<Value, RegistryError> {
        let mut m = serde_json::Map::new();
        m.insert("query".into(), Value::String(self.query.clone()));
        let mut put = |k: &str, v: &Option<String>| {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                m.insert(k.into(), Value::String(v.clone()));
            }
        };
        put("species", &self.species);
        put("assembly", &self.assembly);
        put("accession", &self.accession);
        put("hub", &self.hub);
        put("type", &self.kind);
        if let Some(a) = &self.accession {
            let ok = a
                .strip_prefix("GCA_")
                .and_then(|r| r.split_once('.'))
                .is_some_and(|(x, y)| {
                    !x.is_empty()
                        && !y.is_empty()
                        && x.bytes().all(|b| b.is_ascii_digit())
                        && y.bytes().all(|b| b.is_ascii_digit())
                });
            if !ok {
                return Err(RegistryError::InvalidQuery {
                    field: "accession",
                    message: format!(
                        "`{a}` is not an INSDC assembly accession like GCA_000001405.15"
                    ),
                });
            }
        }
        if let Some(k) = &self.kind {
            if !SEARCH_TYPES.contains(&k.as_str()) {
                return Err(RegistryError::InvalidQuery {
                    field: "type",
                    message: format!("`{k}` is not one of {}", SEARCH_TYPES.join(", ")),
                });
            }
        }
        Ok(Value::Object(m))
    }
}

/// Hub fields of a search hit or document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HubInfo {
    /// Hub name.
    pub name: String,
    /// Short label.
    pub short_label: String,
    /// Long label.
    pub long_label: String,
    /// URL of hub.txt.
    pub url: String,
}

/// Species of a hit.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Species {
    /// NCBI taxon id.
    pub tax_id: String,
    /// Scientific name.
    pub scientific_name: String,
    /// Common name.
    pub common_name: String,
}

/// Assembly of a hit.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Assembly {
    /// INSDC accession.
    pub accession: String,
    /// Name (`GRCh37`).
    pub name: String,
    /// Long name.
    pub long_name: String,
    /// UCSC-style synonyms (`hg19`).
    pub synonyms: String,
}

/// One search hit: a trackDb (one hub × one assembly).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchItem {
    /// trackDb id (for [`Registry::trackdb`]).
    pub id: String,
    /// Relevance score.
    pub score: Option<f64>,
    /// Document version (`v1.0`).
    pub version: String,
    /// Data type (genomics, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// Status message (`All is Well`).
    pub status: String,
    /// Last status update (as sent: epoch seconds).
    pub last_update: String,
    /// The hub.
    pub hub: HubInfo,
    /// The species.
    pub species: Species,
    /// The assembly.
    pub assembly: Assembly,
}

/// A page of search results.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchResults {
    /// Hits in all pages.
    pub total_entries: u64,
    /// This page's hits.
    pub items: Vec<SearchItem>,
}

/// One trackDb of a listed hub.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TrackDbRef {
    /// NCBI taxon id (or name, as sent).
    pub species: String,
    /// Assembly accession (or name, as sent).
    pub assembly: String,
    /// URI of the trackDb JSON document.
    pub uri: String,
}

/// A hub of `GET /api/info/trackhubs`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HubListing {
    /// Hub name.
    pub name: String,
    /// Short label, if sent.
    pub short_label: String,
    /// Long label, if sent.
    pub long_label: String,
    /// URL of hub.txt.
    pub url: String,
    /// Its trackDbs.
    pub trackdbs: Vec<TrackDbRef>,
}

/// A track of a trackDb document's `configuration`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RegistryTrack {
    /// Track name.
    pub name: String,
    /// Ancestors, outermost first.
    pub parents: Vec<String>,
    /// Settings (scalar values as strings; `members` left out).
    pub settings: BTreeMap<String, String>,
}

/// A trackDb document (`GET /api/search/trackdb/:id`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackDbDocument {
    /// `source.url`: the trackDb.txt the document was made from.
    pub source_url: String,
    /// The hub.
    pub hub: HubInfo,
    /// The species.
    pub species: Species,
    /// The assembly.
    pub assembly: Assembly,
    /// The tracks of `configuration`, depth first.
    pub tracks: Vec<RegistryTrack>,
    /// `data[]`: per-track metadata (each with an `id`).
    pub data: Vec<Value>,
}

/// A registry at a base URL.
#[derive(Debug, Clone)]
pub struct Registry {
    base: Url,
    agent: ureq::Agent,
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

struct Ctx<'a> {
    url: &'a str,
}

impl Ctx<'_> {
    fn shape(&self, path: &str, message: impl Into<String>) -> RegistryError {
        RegistryError::Shape {
            url: self.url.to_string(),
            path: path.to_string(),
            message: message.into(),
        }
    }
    fn object<'v>(
        &self,
        v: &'v Value,
        path: &str,
    ) -> Result<&'v serde_json::Map<String, Value>, RegistryError> {
        v.as_object()
            .ok_or_else(|| self.shape(path, "expected an object"))
    }
    /// An optional object member: absent or null is empty.
    fn sub<'v>(
        &self,
        o: &'v serde_json::Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Result<Option<&'v serde_json::Map<String, Value>>, RegistryError> {
        match o.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.object(v, &format!("{path}.{key}")).map(Some),
        }
    }
    fn hub(
        &self,
        o: &serde_json::Map<String, Value>,
        path: &str,
    ) -> Result<HubInfo, RegistryError> {
        let Some(h) = self.sub(o, "hub", path)? else {
            return Err(self.shape(&format!("{path}.hub"), "missing: every hit names its hub"));
        };
        Ok(HubInfo {
            name: text(h.get("name")),
            short_label: text(h.get("shortLabel")),
            long_label: text(h.get("longLabel")),
            url: text(h.get("url")),
        })
    }
    fn species(
        &self,
        o: &serde_json::Map<String, Value>,
        path: &str,
    ) -> Result<Species, RegistryError> {
        Ok(self
            .sub(o, "species", path)?
            .map_or_else(Species::default, |s| Species {
                tax_id: text(s.get("tax_id")),
                scientific_name: text(s.get("scientific_name")),
                common_name: text(s.get("common_name")),
            }))
    }
    fn assembly(
        &self,
        o: &serde_json::Map<String, Value>,
        path: &str,
    ) -> Result<Assembly, RegistryError> {
        Ok(self
            .sub(o, "assembly", path)?
            .map_or_else(Assembly::default, |a| Assembly {
                accession: text(a.get("accession")),
                name: text(a.get("name")),
                long_name: text(a.get("long_name")),
                synonyms: match a.get("synonyms") {
                    Some(Value::Array(v)) => v
                        .iter()
                        .map(|x| text(Some(x)))
                        .collect::<Vec<_>>()
                        .join(","),
                    other => text(other),
                },
            }))
    }
}

impl Registry {
    /// A client of the registry at `base` (e.g. [`DEFAULT_REGISTRY`] or a
    /// test server), with a 60 s timeout per request.
    pub fn new(base: &str) -> Result<Self, RegistryError> {
        Registry::with_timeout(base, Duration::from_secs(60))
    }

    /// As [`Registry::new`] with another timeout.
    pub fn with_timeout(base: &str, timeout: Duration) -> Result<Self, RegistryError> {
        let mut b = Url::parse(base).map_err(|_| RegistryError::BadBase(base.to_string()))?;
        if !matches!(b.scheme(), "http" | "https") || b.cannot_be_a_base() {
            return Err(RegistryError::BadBase(base.to_string()));
        }
        if !b.path().ends_with('/') {
            let p = format!("{}/", b.path());
            b.set_path(&p);
        }
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Ok(Registry { base: b, agent })
    }

    fn url(&self, rel: &str) -> String {
        self.base
            .join(rel)
            .map_or_else(|_| format!("{}{rel}", self.base), |u| u.to_string())
    }

    fn finish(
        url: &str,
        resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Value, RegistryError> {
        let mut resp = resp.map_err(|e| RegistryError::Transport {
            url: url.to_string(),
            message: e.to_string(),
        })?;
        let status = resp.status().as_u16();
        let mut body = Vec::new();
        resp.body_mut()
            .as_reader()
            .take(256 << 20)
            .read_to_end(&mut body)
            .map_err(|e| RegistryError::Transport {
                url: url.to_string(),
                message: e.to_string(),
            })?;
        if !(200..300).contains(&status) {
            let s: String = String::from_utf8_lossy(&body).chars().take(200).collect();
            return Err(RegistryError::Status {
                url: url.to_string(),
                status,
                body: s.trim().to_string(),
            });
        }
        serde_json::from_slice(&body).map_err(|e| RegistryError::Json {
            url: url.to_string(),
            message: e.to_string(),
        })
    }

    fn get(&self, rel: &str) -> Result<(String, Value), RegistryError> {
        let url = self.url(rel);
        let r = self
            .agent
            .get(&url)
            .header("Accept", "application/json")
            .call();
        Ok((url.clone(), Registry::finish(&url, r)?))
    }

    /// `POST /api/search`.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults, RegistryError> {
        let body = q.body()?;
        let mut rel = format!("api/search?page={}", q.page.unwrap_or(1).max(1));
        if let Some(n) = q.entries_per_page {
            rel.push_str(&format!("&entries_per_page={n}"));
        }
        if q.all {
            rel.push_str("&all=1");
        }
        let url = self.url(&rel);
        let r = self
            .agent
            .post(&url)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .send(body.to_string());
        let v = Registry::finish(&url, r)?;
        parse_search(&url, &v)
    }

    /// `GET /api/search/trackdb/:id`.
    pub fn trackdb(&self, id: &str) -> Result<TrackDbDocument, RegistryError> {
        let enc: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
        let (url, v) = self.get(&format!("api/search/trackdb/{enc}"))?;
        parse_trackdb(&url, &v)
    }

    /// `GET /api/info/trackhubs`: every registered hub and its trackDbs.
    pub fn trackhubs(&self) -> Result<Vec<HubListing>, RegistryError> {
        let (url, v) = self.get("api/info/trackhubs")?;
        parse_trackhubs(&url, &v)
    }
}

/// Read a search response.
pub fn parse_search(url: &str, v: &Value) -> Result<SearchResults, RegistryError> {
    let c = Ctx { url };
    let o = c.object(v, "$")?;
    let items = match o.get("items") {
        Some(Value::Array(a)) => a,
        Some(_) => return Err(c.shape("$.items", "expected an array of hits")),
        None => return Err(c.shape("$.items", "missing: a search answer has `items`")),
    };
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let path = format!("$.items[{i}]");
        let io = c.object(it, &path)?;
        let id = text(io.get("id"));
        if id.is_empty() {
            return Err(c.shape(
                &format!("{path}.id"),
                "missing: every hit has an id (string or number)",
            ));
        }
        let status = c.sub(io, "status", &path)?;
        out.push(SearchItem {
            id,
            score: io.get("score").and_then(Value::as_f64),
            version: text(io.get("version")),
            kind: text(io.get("type")),
            status: status.map(|s| text(s.get("message"))).unwrap_or_default(),
            last_update: status
                .map(|s| text(s.get("last_update")))
                .unwrap_or_default(),
            hub: c.hub(io, &path)?,
            species: c.species(io, &path)?,
            assembly: c.assembly(io, &path)?,
        });
    }
    let total = match o.get("total_entries") {
        None => out.len() as u64,
        Some(t) => t
            .as_u64()
            .or_else(|| t.as_str().and_then(|s| s.parse().ok()))
            .ok_or_else(|| c.shape("$.total_entries", "expected a non-negative integer"))?,
    };
    Ok(SearchResults {
        total_entries: total,
        items: out,
    })
}

/// Read a trackDb document.
pub fn parse_trackdb(url: &str, v: &Value) -> Result<TrackDbDocument, RegistryError> {
    let c = Ctx { url };
    let o = c.object(v, "$")?;
    let source_url = c
        .sub(o, "source", "$")?
        .map(|s| text(s.get("url")))
        .unwrap_or_default();
    let mut tracks = Vec::new();
    match o.get("configuration") {
        Some(Value::Object(cfg)) => {
            walk_config(&c, cfg, "$.configuration", &mut Vec::new(), &mut tracks)?
        }
        Some(_) => return Err(c.shape("$.configuration", "expected an object keyed by track name")),
        None => {
            return Err(c.shape(
                "$.configuration",
                "missing: a trackDb document has a configuration",
            ))
        }
    }
    let data = match o.get("data") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err(c.shape("$.data", "expected an array of per-track metadata")),
    };
    Ok(TrackDbDocument {
        source_url,
        hub: c.hub(o, "$")?,
        species: c.species(o, "$")?,
        assembly: c.assembly(o, "$")?,
        tracks,
        data,
    })
}

fn walk_config(
    c: &Ctx<'_>,
    cfg: &serde_json::Map<String, Value>,
    path: &str,
    parents: &mut Vec<String>,
    out: &mut Vec<RegistryTrack>,
) -> Result<(), RegistryError> {
    if parents.len() > 64 {
        return Err(c.shape(path, "members nested deeper than 64 levels"));
    }
    for (name, t) in cfg {
        let tp = format!("{path}.{name}");
        let to = c.object(t, &tp)?;
        let settings = to
            .iter()
            .filter(|(k, v)| *k != "members" && !v.is_object() && !v.is_array())
            .map(|(k, v)| (k.clone(), text(Some(v))))
            .collect();
        out.push(RegistryTrack {
            name: name.clone(),
            parents: parents.clone(),
            settings,
        });
        match to.get("members") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                parents.push(name.clone());
                walk_config(c, m, &format!("{tp}.members"), parents, out)?;
                parents.pop();
            }
            Some(_) => {
                return Err(c.shape(
                    &format!("{tp}.members"),
                    "expected an object keyed by track name",
                ))
            }
        }
    }
    Ok(())
}

/// Read a hub listing.
pub fn parse_trackhubs(url: &str, v: &Value) -> Result<Vec<HubListing>, RegistryError> {
    let c = Ctx { url };
    let Value::Array(hubs) = v else {
        return Err(c.shape("$", "expected an array of hubs"));
    };
    let mut out = Vec::new();
    for (i, h) in hubs.iter().enumerate() {
        let path = format!("$[{i}]");
        let o = c.object(h, &path)?;
        let mut dbs = Vec::new();
        match o.get("trackdbs") {
            None | Some(Value::Null) => {}
            Some(Value::Array(a)) => {
                for (j, d) in a.iter().enumerate() {
                    let dp = format!("{path}.trackdbs[{j}]");
                    let d = c.object(d, &dp)?;
                    let pick = |k: &str, inner: &str| match d.get(k) {
                        Some(Value::Object(m)) => text(m.get(inner)),
                        other => text(other),
                    };
                    dbs.push(TrackDbRef {
                        species: pick("species", "tax_id"),
                        assembly: pick("assembly", "accession"),
                        uri: text(d.get("uri")),
                    });
                }
            }
            Some(_) => return Err(c.shape(&format!("{path}.trackdbs"), "expected an array")),
        }
        let url_ = text(o.get("url"));
        if url_.is_empty() {
            return Err(c.shape(
                &format!("{path}.url"),
                "missing: every hub has the URL of its hub.txt",
            ));
        }
        out.push(HubListing {
            name: text(o.get("name")),
            short_label: text(o.get("shortLabel")),
            long_label: text(o.get("longLabel")),
            url: url_,
            trackdbs: dbs,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn body_only_has_set_fields_and_checks_them() {
        let q = SearchQuery {
            query: "blueprint".into(),
            assembly: Some("GRCh38".into()),
            ..Default::default()
        };
        assert_eq!(
            q.body().unwrap(),
            json!({"query":"blueprint","assembly":"GRCh38"})
        );
        let bad = SearchQuery {
            accession: Some("hg38".into()),
            ..Default::default()
        };
        assert!(matches!(
            bad.body(),
            Err(RegistryError::InvalidQuery {
                field: "accession",
                ..
            })
        ));
        let bad = SearchQuery {
            kind: Some("proteins".into()),
            ..Default::default()
        };
        assert!(matches!(
            bad.body(),
            Err(RegistryError::InvalidQuery { field: "type", .. })
        ));
    }

    #[test]
    fn shapes_name_their_json_path() {
        let e = parse_search("u", &json!({"items":[{"id":"a"}]})).unwrap_err();
        assert!(
            matches!(e, RegistryError::Shape { ref path, .. } if path == "$.items[0].hub"),
            "{e}"
        );
        let e = parse_search("u", &json!({"items":[{"hub":{}}]})).unwrap_err();
        assert!(e.to_string().contains("$.items[0].id"));
        let e = parse_search("u", &json!([])).unwrap_err();
        assert!(e.to_string().contains("at $:"));
        let e = parse_trackhubs("u", &json!([{"name":"x"}])).unwrap_err();
        assert!(e.to_string().contains("$[0].url"));
        let e = parse_trackdb("u", &json!({"hub":{}})).unwrap_err();
        assert!(e.to_string().contains("$.configuration"));
    }

    #[test]
    fn numbers_or_strings() {
        let r = parse_search(
            "u",
            &json!({"total_entries":"2","items":[{"id":7,"hub":{"url":"x"},"species":{"tax_id":9606},
                    "status":{"last_update":1500768407}}]}),
        )
        .unwrap();
        assert_eq!(r.total_entries, 2);
        assert_eq!(r.items[0].id, "7");
        assert_eq!(r.items[0].species.tax_id, "9606");
        assert_eq!(r.items[0].last_update, "1500768407");
    }
}
