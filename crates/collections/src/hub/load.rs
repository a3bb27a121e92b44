//! Reading a hub: files over `file:`/`http(s):`, includes, hub.txt,
//! genomes.txt, trackDb.txt and the metadata tables.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use super::ra::{self, Item, Stanza};
use super::{check, Diagnostic, Hub, HubError, HubGenome, Loaded, Track, TrackKind};

/// Limits of a hub read.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Largest file read, in bytes (hub, genomes, trackDb, includes, tables).
    pub max_file_bytes: u64,
    /// Most files read in all (bounds include fan-out).
    pub max_files: usize,
    /// Deepest include nesting.
    pub max_include_depth: usize,
    /// Timeout of one HTTP request.
    pub timeout: Duration,
    /// Genome name given to a bare trackDb file (one whose first stanza is
    /// a `track` stanza), read as a hub of one genome.
    pub genome: String,
    /// Let the hub reach loopback, private and link-local addresses, and
    /// let a hub read over HTTP(S) name `file:` URLs. Off by default: a hub
    /// is untrusted input (its URL usually comes from a registry or a
    /// list), so by default every host it names (hub.txt included, and
    /// every redirect) must resolve to public addresses only, and only a
    /// hub read from a local path may include local files.
    pub allow_private_network: bool,
    /// Non-public endpoints (address and port) allowed even without
    /// `allow_private_network`, e.g. a known local mirror; `file:` URLs
    /// stay refused for hubs read over the network.
    pub allowed_endpoints: Vec<std::net::SocketAddr>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_bytes: 64 << 20,
            max_files: 10_000,
            max_include_depth: 32,
            timeout: Duration::from_secs(60),
            genome: "unknown".into(),
            allow_private_network: false,
            allowed_endpoints: Vec::new(),
        }
    }
}

/// Read the hub at `input` (a path, or an `http://`, `https://` or
/// `file://` URL to hub.txt), build its tree and check it.
///
/// Only an unreadable hub.txt is an `Err`; every other problem is a
/// diagnostic in [`Loaded::diagnostics`].
pub fn load(input: &str, opts: &LoadOptions) -> Result<Loaded, HubError> {
    let url = input_url(input).map_err(|reason| HubError::Unreadable {
        input: input.to_string(),
        reason,
    })?;
    let mut r = Reader::new(opts.clone(), url.scheme() != "file");
    let text = r.fetch(&url).map_err(|reason| HubError::Unreadable {
        input: input.to_string(),
        reason,
    })?;
    let mut diags = Vec::new();
    let hub_file = r.display(&url);
    let mut chain = vec![url.to_string()];
    let stanzas = r.expand(&url, &text, &mut chain, &mut diags);
    let bare = stanzas
        .first()
        .is_some_and(|(s, _)| s.get("track").is_some());
    let hub = if bare {
        bare_trackdb(&mut r, &url, &hub_file, stanzas, &opts.genome, &mut diags)
    } else {
        build_hub(&mut r, &url, &hub_file, stanzas, &mut diags)
    };
    Ok(Loaded {
        hub,
        diagnostics: diags,
    })
}

fn input_url(input: &str) -> Result<Url, String> {
    let lower = input.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("file:") {
        return Url::parse(input).map_err(|e| format!("not a valid URL: {e}"));
    }
    let abs = std::path::absolute(input).map_err(|e| format!("bad path: {e}"))?;
    let u = Url::from_file_path(&abs)
        .map_err(|_| format!("cannot make a URL of path `{}`", abs.display()))?;
    // Re-parse to drop `.`/`..` segments, so include cycles compare equal.
    Url::parse(u.as_str()).map_err(|e| format!("not a valid URL: {e}"))
}

/// Resolve `rel` against the URL of the file it appears in.
pub(crate) fn resolve(base: &Url, rel: &str) -> Result<Url, String> {
    base.join(rel.trim())
        .map_err(|e| format!("`{rel}` cannot be resolved against `{base}`: {e}"))
}

struct Reader {
    agent: ureq::Agent,
    opts: LoadOptions,
    files_read: usize,
    cwd: Option<PathBuf>,
    /// The hub was read over the network: `file:` URLs are refused.
    remote: bool,
}

impl Reader {
    fn new(opts: LoadOptions, remote: bool) -> Self {
        let agent = crate::fetch::guarded_agent(
            opts.timeout,
            10,
            opts.allow_private_network,
            &opts.allowed_endpoints,
        );
        Reader {
            agent,
            opts,
            files_read: 0,
            cwd: std::env::current_dir().ok(),
            remote,
        }
    }

    /// How a URL is shown in diagnostics: local files as paths (relative
    /// to the working directory when below it), others as URLs.
    fn display(&self, url: &Url) -> String {
        if url.scheme() == "file" {
            if let Ok(p) = url.to_file_path() {
                if let Some(rel) = self.cwd.as_ref().and_then(|c| p.strip_prefix(c).ok()) {
                    return rel.display().to_string();
                }
                return p.display().to_string();
            }
        }
        url.to_string()
    }

    fn fetch(&mut self, url: &Url) -> Result<String, String> {
        if self.files_read >= self.opts.max_files {
            return Err(format!(
                "more than {} files in this hub; stopped reading",
                self.opts.max_files
            ));
        }
        self.files_read += 1;
        let max = self.opts.max_file_bytes;
        let bytes = match url.scheme() {
            "file" if self.remote && !self.opts.allow_private_network => {
                return Err(format!(
                    "refused `{url}`: a hub read over the network may not read local files; pass --allow-private-network if you trust this hub"
                ))
            }
            "file" => {
                let p = url
                    .to_file_path()
                    .map_err(|_| format!("`{url}` is not a local path"))?;
                let f = std::fs::File::open(&p).map_err(|e| e.to_string())?;
                let mut v = Vec::new();
                f.take(max + 1)
                    .read_to_end(&mut v)
                    .map_err(|e| e.to_string())?;
                v
            }
            "http" | "https" => {
                if !self.opts.allow_private_network {
                    crate::fetch::check_url(url.as_str(), &self.opts.allowed_endpoints).map_err(|e| match e {
                        crate::fetch::FetchError::PrivateAddress {
                            host, addr, kind, ..
                        } => format!(
                            "refused `{url}`: {host} resolves to {addr}, a {kind} address; hubs are untrusted input and may not reach it (pass --allow-private-network if you trust this hub)"
                        ),
                        other => other.to_string(),
                    })?;
                }
                let mut resp = self
                    .agent
                    .get(url.as_str())
                    .call()
                    .map_err(|e| e.to_string())?;
                let status = resp.status().as_u16();
                if !(200..300).contains(&status) {
                    return Err(format!("HTTP status {status}"));
                }
                let mut v = Vec::new();
                resp.body_mut()
                    .as_reader()
                    .take(max + 1)
                    .read_to_end(&mut v)
                    .map_err(|e| e.to_string())?;
                v
            }
            s => {
                return Err(format!(
                    "the `{s}:` scheme is not supported here (use a path, http or https)"
                ))
            }
        };
        if bytes.len() as u64 > max {
            return Err(format!("larger than the limit of {max} bytes"));
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Parse `text` (the content of `url`) and pull in its includes,
    /// depth first. `chain` holds the files being read (cycle check).
    fn expand(
        &mut self,
        url: &Url,
        text: &str,
        chain: &mut Vec<String>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<(Stanza, Url)> {
        let file = self.display(url);
        let mut out = Vec::new();
        for item in ra::parse(text, &file, diags) {
            match item {
                Item::Stanza(s) => out.push((s, url.clone())),
                Item::Include { target, line } => {
                    if target.is_empty() {
                        diags.push(Diagnostic::error(
                            "hub-required-setting",
                            &file,
                            line,
                            "`include` without a file name; write `include other.txt`",
                        ));
                        continue;
                    }
                    let inc = match resolve(url, &target) {
                        Ok(u) => u,
                        Err(e) => {
                            diags.push(Diagnostic::error("hub-url-invalid", &file, line, e));
                            continue;
                        }
                    };
                    if let Some(pos) = chain.iter().position(|c| *c == inc.as_str()) {
                        let cycle: Vec<_> = chain[pos..]
                            .iter()
                            .chain(std::iter::once(&inc.to_string()))
                            .map(|u| Url::parse(u).map_or(u.clone(), |u| self.display(&u)))
                            .collect();
                        diags.push(Diagnostic::error(
                            "hub-include-cycle",
                            &file,
                            line,
                            format!(
                                "`include {target}` comes back to a file already being read ({}); remove one of the includes",
                                cycle.join(" -> ")
                            ),
                        ));
                        continue;
                    }
                    if chain.len() > self.opts.max_include_depth {
                        diags.push(Diagnostic::error(
                            "hub-include-cycle",
                            &file,
                            line,
                            format!(
                                "includes nested deeper than {} levels; flatten them",
                                self.opts.max_include_depth
                            ),
                        ));
                        continue;
                    }
                    match self.fetch(&inc) {
                        Ok(t) => {
                            chain.push(inc.to_string());
                            out.extend(self.expand(&inc, &t, chain, diags));
                            chain.pop();
                        }
                        Err(e) => diags.push(Diagnostic::error(
                            "hub-file-unreadable",
                            &file,
                            line,
                            format!("cannot read included file `{}`: {e}", self.display(&inc)),
                        )),
                    }
                }
            }
        }
        out
    }

    /// Read the ra file `rel` named by setting `key` of `st` (relative to
    /// `base`); failures become diagnostics at the setting.
    fn read_linked(
        &mut self,
        base: &Url,
        st: &Stanza,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Url, String)> {
        let rel = st.get(key)?;
        let line = st.line_of(key);
        let url = match resolve(base, rel) {
            Ok(u) => u,
            Err(e) => {
                diags.push(Diagnostic::error("hub-url-invalid", &st.file, line, e));
                return None;
            }
        };
        match self.fetch(&url) {
            Ok(t) => Some((url, t)),
            Err(e) => {
                diags.push(Diagnostic::error(
                    "hub-file-unreadable",
                    &st.file,
                    line,
                    format!("cannot read {key} `{}`: {e}", self.display(&url)),
                ));
                None
            }
        }
    }
}

fn settings_map(st: &Stanza) -> BTreeMap<String, String> {
    st.settings
        .iter()
        .map(|s| (s.key.clone(), s.value.clone()))
        .collect()
}

fn require(st: &Stanza, keys: &[&str], what: &str, diags: &mut Vec<Diagnostic>) {
    for k in keys {
        if st.get(k).is_none_or(|v| v.is_empty()) {
            diags.push(Diagnostic::error(
                "hub-required-setting",
                &st.file,
                st.line,
                format!("the {what} stanza has no `{k}`; add a `{k} ...` line to it"),
            ));
        }
    }
}

pub(crate) fn label_lengths(st: &Stanza, what: &str, diags: &mut Vec<Diagnostic>) {
    for (k, max) in [("shortLabel", 17), ("longLabel", 76)] {
        if let Some(s) = st.setting(k) {
            let n = s.value.chars().count();
            if n > max {
                diags.push(Diagnostic::warning(
                    "hub-label-length",
                    &st.file,
                    s.line,
                    format!(
                        "{what} {k} is {n} characters long; UCSC shows at most {max}, shorten it"
                    ),
                ));
            }
        }
    }
}

/// A genome stanza, the URL of its file, and its track stanzas.
type GenomeStanzas = (Stanza, Url, Vec<(Stanza, Url)>);

fn build_hub(
    r: &mut Reader,
    url: &Url,
    hub_file: &str,
    stanzas: Vec<(Stanza, Url)>,
    diags: &mut Vec<Diagnostic>,
) -> Hub {
    let mut it = stanzas.into_iter().peekable();
    let hub_st = match it.peek() {
        Some((s, _)) if s.get("track").is_none() && s.get("genome").is_none() => {
            it.next().map(|(s, _)| s).unwrap_or_default()
        }
        _ => Stanza {
            file: hub_file.to_string(),
            line: 1,
            settings: Vec::new(),
        },
    };
    let use_one_file = hub_st
        .get("useOneFile")
        .is_some_and(|v| v.eq_ignore_ascii_case("on"));
    let mut req = vec!["hub", "shortLabel", "longLabel", "email"];
    if !use_one_file {
        req.push("genomesFile");
    }
    require(&hub_st, &req, "hub", diags);
    label_lengths(&hub_st, "hub", diags);
    if let Some(s) = hub_st.setting("hub") {
        if s.value.split_whitespace().count() > 1 {
            diags.push(Diagnostic::warning(
                "hub-hub-name",
                &hub_st.file,
                s.line,
                format!(
                    "the hub name `{}` contains spaces; only the first word is used as its name, use one word",
                    s.value
                ),
            ));
        }
    }
    if hub_st.get("descriptionUrl").is_none() {
        diags.push(Diagnostic::warning(
            "hub-description-missing",
            &hub_st.file,
            hub_st.line,
            "no hub overview page; add a `descriptionUrl hubDescription.html` line",
        ));
    }
    let resolved = |k: &str| {
        hub_st
            .get(k)
            .and_then(|v| resolve(url, v).ok())
            .map(|u| u.to_string())
    };
    let mut hub = Hub {
        url: url.to_string(),
        file: hub_file.to_string(),
        name: hub_st
            .get("hub")
            .and_then(|v| v.split_whitespace().next())
            .map(String::from),
        short_label: hub_st.get("shortLabel").map(String::from),
        long_label: hub_st.get("longLabel").map(String::from),
        email: hub_st.get("email").map(String::from),
        description_url: resolved("descriptionUrl"),
        use_one_file,
        settings: settings_map(&hub_st),
        genomes: Vec::new(),
    };

    // (genome stanza, its URL, track stanzas)
    let mut genomes: Vec<GenomeStanzas> = Vec::new();
    if use_one_file {
        if let Some(s) = hub_st.setting("genomesFile") {
            diags.push(Diagnostic::warning(
                "hub-one-file",
                &hub_st.file,
                s.line,
                "`genomesFile` is ignored in a `useOneFile on` hub; remove it",
            ));
        }
        for (st, u) in it {
            if st.get("genome").is_some() && st.get("track").is_none() {
                if !genomes.is_empty() {
                    diags.push(Diagnostic::error(
                        "hub-one-file",
                        &st.file,
                        st.line,
                        "a `useOneFile on` hub holds exactly one genome; move the others to a genomes.txt hub",
                    ));
                }
                genomes.push((st, u, Vec::new()));
            } else if st.get("track").is_some() {
                match genomes.last_mut() {
                    Some(g) => g.2.push((st, u)),
                    None => diags.push(Diagnostic::error(
                        "hub-stanza-unexpected",
                        &st.file,
                        st.line,
                        "track stanza before any `genome` stanza; put the `genome` stanza first",
                    )),
                }
            } else {
                diags.push(unexpected(&st, "genome or track"));
            }
        }
        if genomes.is_empty() {
            diags.push(Diagnostic::error(
                "hub-required-setting",
                &hub_st.file,
                hub_st.line,
                "a `useOneFile on` hub needs a `genome` stanza after the hub stanza",
            ));
        }
    } else {
        for (st, _) in it {
            diags.push(Diagnostic::warning(
                "hub-stanza-unexpected",
                &st.file,
                st.line,
                "hub.txt has more stanzas but no `useOneFile on`; they are ignored",
            ));
        }
        if let Some((gurl, text)) = r.read_linked(url, &hub_st, "genomesFile", diags) {
            let mut chain = vec![gurl.to_string()];
            for (st, u) in r.expand(&gurl, &text, &mut chain, diags) {
                if st.get("genome").is_none() {
                    diags.push(unexpected(&st, "genome"));
                    continue;
                }
                require(&st, &["trackDb"], "genome", diags);
                let mut tracks = Vec::new();
                if let Some((turl, t)) = r.read_linked(&u, &st, "trackDb", diags) {
                    let mut chain = vec![turl.to_string()];
                    for (ts, tu) in r.expand(&turl, &t, &mut chain, diags) {
                        if ts.get("track").is_none() {
                            diags.push(unexpected(&ts, "track"));
                        } else {
                            tracks.push((ts, tu));
                        }
                    }
                }
                genomes.push((st, u, tracks));
            }
        }
    }

    let hub_meta = metadata_table(r, url, &hub_st, diags);
    for (st, u, tracks) in genomes {
        let name = st.get("genome").unwrap_or("").to_string();
        if name.is_empty() {
            require(&st, &["genome"], "genome", diags);
        }
        if let Some(prev) = hub
            .genomes
            .iter()
            .find(|g| g.name == name && !name.is_empty())
        {
            diags.push(Diagnostic::error(
                "hub-genome-duplicate",
                &st.file,
                st.line,
                format!(
                    "genome `{name}` is declared again (first at {}:{}); keep one stanza per genome",
                    prev.file, prev.line
                ),
            ));
        }
        let mut meta = hub_meta.clone();
        meta.extend(metadata_table(r, &u, &st, diags));
        let trackdb = if use_one_file {
            None
        } else {
            st.get("trackDb")
                .and_then(|v| resolve(&u, v).ok())
                .map(|u| u.to_string())
        };
        let mut raw: Vec<Track> = tracks
            .into_iter()
            .map(|(ts, tu)| raw_track(ts, &tu, diags))
            .collect();
        faceted_tables(r, &mut raw, diags);
        let mut g = HubGenome {
            name,
            trackdb,
            file: st.file.clone(),
            line: st.line,
            settings: settings_map(&st),
            tracks: Vec::new(),
            roots: Vec::new(),
        };
        check::build_tree(&mut g, raw, &meta, diags);
        hub.genomes.push(g);
    }
    hub
}

/// A trackDb file given directly: a hub of one genome without hub-level
/// settings (no hub-level rules apply).
fn bare_trackdb(
    r: &mut Reader,
    url: &Url,
    file: &str,
    stanzas: Vec<(Stanza, Url)>,
    genome: &str,
    diags: &mut Vec<Diagnostic>,
) -> Hub {
    let mut raw = Vec::new();
    for (st, u) in stanzas {
        if st.get("track").is_none() {
            diags.push(unexpected(&st, "track"));
        } else {
            raw.push(raw_track(st, &u, diags));
        }
    }
    faceted_tables(r, &mut raw, diags);
    let mut g = HubGenome {
        name: genome.to_string(),
        trackdb: Some(url.to_string()),
        file: file.to_string(),
        line: 1,
        settings: BTreeMap::new(),
        tracks: Vec::new(),
        roots: Vec::new(),
    };
    check::build_tree(&mut g, raw, &HashMap::new(), diags);
    Hub {
        url: url.to_string(),
        file: file.to_string(),
        name: None,
        short_label: None,
        long_label: None,
        email: None,
        description_url: None,
        use_one_file: false,
        settings: BTreeMap::new(),
        genomes: vec![g],
    }
}

fn unexpected(st: &Stanza, key: &str) -> Diagnostic {
    let first = st.settings.first().map_or("", |s| s.key.as_str());
    Diagnostic::error(
        "hub-stanza-unexpected",
        &st.file,
        st.line,
        format!("a stanza starting with `{first}` has no `{key}` line; every stanza here must name its {key}"),
    )
}

/// A track stanza before the tree is built: kind, settings, URLs,
/// metadata.
fn raw_track(st: Stanza, base: &Url, diags: &mut Vec<Diagnostic>) -> Track {
    let name = st.get("track").unwrap_or("").trim().to_string();
    let word = |k: &str| {
        st.get(k)
            .and_then(|v| v.split_whitespace().next())
            .map(str::to_ascii_lowercase)
    };
    let kind = if word("supertrack").is_some() || word("superTrack").is_some_and(|w| w == "on") {
        TrackKind::SuperTrack
    } else if word("compositeTrack").as_deref() == Some("faceted") {
        TrackKind::FacetedComposite
    } else if word("compositeTrack").as_deref() == Some("on") {
        TrackKind::Composite
    } else if word("container").as_deref() == Some("multiwig") {
        TrackKind::MultiWig
    } else if st.get("view").is_some() && st.get("bigDataUrl").is_none() {
        TrackKind::View
    } else {
        TrackKind::Track
    };
    let mut big_data_url = None;
    if let Some(s) = st.setting("bigDataUrl") {
        match resolve(base, &s.value) {
            Ok(u) => big_data_url = Some(u.to_string()),
            Err(e) => diags.push(Diagnostic::error("hub-url-invalid", &st.file, s.line, e)),
        }
    }
    let mut metadata = BTreeMap::new();
    if let Some(s) = st.setting("metadata") {
        let (pairs, bad) = ra::key_values(&s.value);
        metadata.extend(pairs);
        if !bad.is_empty() {
            diags.push(Diagnostic::warning(
                "hub-metadata-syntax",
                &st.file,
                s.line,
                format!(
                    "cannot read {} in `metadata`; write key=value pairs, quoting values with spaces (key=\"a b\")",
                    bad.iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    Track {
        name,
        kind,
        file: st.file.clone(),
        line: st.line,
        settings: settings_map(&st),
        parent: None,
        children: Vec::new(),
        on: None,
        track_type: st.get("type").map(String::from),
        big_data_url,
        subgroup_defs: Vec::new(),
        subgroups: BTreeMap::new(),
        facets: BTreeMap::new(),
        metadata,
        stanza: st,
        base: base.to_string(),
    }
}

/// Rows of the `metaTab` (TSV with a header; first column is the `meta`
/// id) or `metaDb` (tagStorm: indented `key value` stanzas inheriting
/// their parents' tags, named by `meta`) of a hub or genome stanza.
fn metadata_table(
    r: &mut Reader,
    base: &Url,
    st: &Stanza,
    diags: &mut Vec<Diagnostic>,
) -> HashMap<String, BTreeMap<String, String>> {
    let mut out = HashMap::new();
    if let Some((u, text)) = r.read_linked(base, st, "metaTab", diags) {
        let file = r.display(&u);
        let (rows, bad) = parse_tsv_table(&text);
        for line in bad {
            diags.push(Diagnostic::warning(
                "hub-metadata-syntax",
                &file,
                line,
                "this row has a different number of fields than the header; fix the tabs",
            ));
        }
        for row in rows {
            if let Some((_, id)) = row.first() {
                let id = id.clone();
                out.insert(id, row.into_iter().skip(1).collect());
            }
        }
    }
    if let Some((_, text)) = r.read_linked(base, st, "metaDb", diags) {
        for (id, tags) in parse_tag_storm(&text) {
            out.insert(id, tags);
        }
    }
    out
}

/// A TSV with a header line (a leading `#` on it is dropped): rows as
/// (column, value) pairs, and the lines whose field count differs.
pub(crate) fn parse_tsv_table(text: &str) -> (Vec<Vec<(String, String)>>, Vec<usize>) {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, head)) = lines.next() else {
        return (Vec::new(), Vec::new());
    };
    let cols: Vec<String> = head
        .trim_start_matches('#')
        .trim_end_matches('\r')
        .split('\t')
        .map(|s| s.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (i, l) in lines {
        let f: Vec<&str> = l.trim_end_matches('\r').split('\t').collect();
        if f.len() != cols.len() {
            bad.push(i + 1);
            continue;
        }
        rows.push(
            cols.iter()
                .cloned()
                .zip(f.iter().map(|s| s.trim().to_string()))
                .collect(),
        );
    }
    (rows, bad)
}

fn parse_tag_storm(text: &str) -> Vec<(String, BTreeMap<String, String>)> {
    // Stack of (indent, tags of that stanza merged with its parents').
    type Tags = BTreeMap<String, String>;
    let mut stack: Vec<(usize, Tags)> = Vec::new();
    let mut out = Vec::new();
    let mut cur: Option<(usize, Tags)> = None; // indent, own tags
    let finish = |cur: &mut Option<(usize, Tags)>,
                  stack: &mut Vec<(usize, Tags)>,
                  out: &mut Vec<(String, Tags)>| {
        if let Some((indent, own)) = cur.take() {
            while stack.last().is_some_and(|(i, _)| *i >= indent) {
                stack.pop();
            }
            let mut all = stack.last().map(|(_, t)| t.clone()).unwrap_or_default();
            all.extend(own);
            if let Some(id) = all.remove("meta") {
                out.push((id, all.clone()));
            }
            stack.push((indent, all));
        }
    };
    for l in text.lines() {
        let l = l.trim_end_matches('\r');
        let t = l.trim();
        if t.is_empty() {
            finish(&mut cur, &mut stack, &mut out);
            continue;
        }
        if t.starts_with('#') {
            continue;
        }
        let indent = l.len() - l.trim_start().len();
        let (k, v) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        let c = cur.get_or_insert_with(|| (indent, BTreeMap::new()));
        c.1.insert(k.to_string(), v.trim().to_string());
    }
    finish(&mut cur, &mut stack, &mut out);
    out
}

/// Faceted composites: read `metaDataUrl` (TSV) and give each subtrack
/// whose name is a `primaryKey` value the row's columns as facets.
fn faceted_tables(r: &mut Reader, tracks: &mut [Track], diags: &mut Vec<Diagnostic>) {
    for i in 0..tracks.len() {
        if tracks[i].kind != TrackKind::FacetedComposite {
            continue;
        }
        let base = match Url::parse(&tracks[i].base) {
            Ok(u) => u,
            Err(_) => continue,
        };
        let st = tracks[i].stanza.clone();
        if st.get("metaDataUrl").is_none() {
            diags.push(Diagnostic::error(
                "hub-required-setting",
                &st.file,
                st.line,
                "a `compositeTrack faceted` needs `metaDataUrl` (a TSV of sample metadata)",
            ));
            continue;
        }
        let Some((u, text)) = r.read_linked(&base, &st, "metaDataUrl", diags) else {
            continue;
        };
        let (rows, bad) = parse_tsv_table(&text);
        let file = r.display(&u);
        for line in bad {
            diags.push(Diagnostic::warning(
                "hub-metadata-syntax",
                &file,
                line,
                "this row has a different number of fields than the header; fix the tabs",
            ));
        }
        let key = st
            .get("primaryKey")
            .map(String::from)
            .or_else(|| rows.first().and_then(|r| r.first().map(|(k, _)| k.clone())));
        let Some(key) = key else { continue };
        let comp = tracks[i].name.clone();
        for row in rows {
            let Some(id) = row.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()) else {
                continue;
            };
            for t in tracks.iter_mut() {
                let under = t
                    .stanza
                    .get("parent")
                    .and_then(|p| p.split_whitespace().next())
                    == Some(comp.as_str());
                if t.name == id || (under && t.name.ends_with(&format!("_{id}"))) {
                    for (k, v) in &row {
                        if *k != key {
                            t.facets.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_storm_inherits() {
        let t = "lab Smith\n\n    meta a\n    cell K562\n\n        meta b\n        cell HepG2\n\n    meta c\n";
        let rows = parse_tag_storm(t);
        let get = |id: &str| rows.iter().find(|(i, _)| i == id).unwrap().1.clone();
        assert_eq!(get("a").get("lab").map(String::as_str), Some("Smith"));
        assert_eq!(get("b").get("cell").map(String::as_str), Some("HepG2"));
        assert_eq!(get("b").get("lab").map(String::as_str), Some("Smith"));
        assert_eq!(get("c").get("cell"), None);
    }

    #[test]
    fn tsv_table_reports_bad_rows() {
        let (rows, bad) = parse_tsv_table("#meta\tcell\na\tK562\nb\n\nc\tx\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(bad, [3]);
    }

    #[test]
    fn input_urls() {
        assert_eq!(
            input_url("http://h/x/hub.txt").unwrap().path(),
            "/x/hub.txt"
        );
        assert_eq!(input_url("rel/hub.txt").unwrap().scheme(), "file");
        let u = Url::parse("http://h/a/hub.txt").unwrap();
        assert_eq!(
            resolve(&u, "hg19/trackDb.txt").unwrap().as_str(),
            "http://h/a/hg19/trackDb.txt"
        );
        assert_eq!(
            resolve(&u, "ftp://x/y.bb").unwrap().as_str(),
            "ftp://x/y.bb"
        );
    }
}
