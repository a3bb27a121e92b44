//! The track tree of one genome and the hubCheck-grade rules on it.

use std::collections::{BTreeMap, HashMap};

use super::load::label_lengths;
use super::ra;
use super::{Diagnostic, HubGenome, SubGroupDef, Track, TrackKind, HUB_TYPES};

/// UCSC's `SUBGROUP_MAX` (kent `hui.c`): subGroup1 … subGroup9.
pub const SUBGROUP_MAX: u32 = 9;

const VISIBILITIES: &[&str] = &["hide", "dense", "squish", "pack", "full"];

fn err(t: &Track, rule: &'static str, key: &str, msg: String) -> Diagnostic {
    Diagnostic::error(rule, &t.file, t.stanza.line_of(key), msg)
}
fn warn(t: &Track, rule: &'static str, key: &str, msg: String) -> Diagnostic {
    Diagnostic::warning(rule, &t.file, t.stanza.line_of(key), msg)
}

/// The parent named by `parent NAME [on|off]` or the old child form
/// `superTrack NAME [show]`, with the on/off flag.
fn parent_ref(t: &Track) -> Option<(String, Option<bool>, &'static str)> {
    if let Some(p) = t.stanza.get("parent") {
        let mut w = p.split_whitespace();
        let name = w.next()?.to_string();
        let on = match w.next().map(str::to_ascii_lowercase).as_deref() {
            Some("on") => Some(true),
            Some("off") => Some(false),
            _ => None,
        };
        return Some((name, on, "parent"));
    }
    let s = t.stanza.get("superTrack")?;
    let first = s.split_whitespace().next()?;
    if first.eq_ignore_ascii_case("on") || first.eq_ignore_ascii_case("off") {
        return None;
    }
    Some((first.to_string(), None, "superTrack"))
}

/// Place `raw` tracks into `g` as a tree and check them.
pub(crate) fn build_tree(
    g: &mut HubGenome,
    raw: Vec<Track>,
    meta: &HashMap<String, BTreeMap<String, String>>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut tracks = raw;
    let n = tracks.len();
    // Names.
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (i, t) in tracks.iter().enumerate() {
        if t.name.is_empty() {
            diags.push(err(
                t,
                "hub-required-setting",
                "track",
                "the `track` line has no name; write `track uniqueName`".into(),
            ));
            continue;
        }
        let bad: Vec<char> = t
            .name
            .chars()
            .filter(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
            .collect();
        if bad.iter().any(|c| *c != '.') {
            diags.push(err(
                t,
                "hub-track-name",
                "track",
                format!(
                    "track name `{}` contains {}; use only letters, digits, `_` and `-`",
                    t.name,
                    bad.iter()
                        .filter(|c| **c != '.')
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        } else if !bad.is_empty() {
            diags.push(warn(
                t,
                "hub-track-name",
                "track",
                format!("track name `{}` contains a period, which UCSC changes to an underscore; use `_` instead", t.name),
            ));
        }
        if let Some(&first) = by_name.get(&t.name) {
            let f = &tracks[first];
            diags.push(err(
                t,
                "hub-track-duplicate",
                "track",
                format!(
                    "track `{}` is defined again (first at {}:{}); track names must be unique within a genome",
                    t.name, f.file, f.line
                ),
            ));
        } else {
            by_name.insert(t.name.clone(), i);
        }
    }
    // Parents.
    for t in tracks.iter_mut() {
        let Some((pname, on, key)) = parent_ref(t) else {
            continue;
        };
        t.on = on;
        if pname == t.name {
            diags.push(err(
                t,
                "hub-parent-self",
                key,
                format!(
                    "track `{}` lists itself as its own parent; name a container track",
                    t.name
                ),
            ));
            continue;
        }
        match by_name.get(&pname) {
            Some(&p) => t.parent = Some(p),
            None => diags.push(err(
                t,
                "hub-parent-missing",
                key,
                format!("parent `{pname}` of track `{}` does not exist in this genome; define it or fix the name", t.name),
            )),
        }
    }
    // Cycles: walk each chain; a chain that comes back is cut at the
    // track whose parent link closes it.
    let mut state = vec![0u8; n]; // 0 new, 1 on the current walk, 2 done
    for start in 0..n {
        let mut path = Vec::new();
        let mut cur = Some(start);
        while let Some(c) = cur {
            match state[c] {
                2 => break,
                1 => {
                    let last = *path.last().unwrap_or(&c);
                    let pos = path.iter().position(|&x| x == c).unwrap_or(0);
                    let names: Vec<&str> = path[pos..]
                        .iter()
                        .chain(std::iter::once(&c))
                        .map(|&x| tracks[x].name.as_str())
                        .collect();
                    let t = &tracks[last];
                    diags.push(err(
                        t,
                        "hub-parent-cycle",
                        "parent",
                        format!(
                            "parent links form a cycle ({}); a track cannot be its own ancestor",
                            names.join(" -> ")
                        ),
                    ));
                    tracks[last].parent = None;
                    break;
                }
                _ => {
                    state[c] = 1;
                    path.push(c);
                    cur = tracks[c].parent;
                }
            }
        }
        for p in path {
            state[p] = 2;
        }
    }
    for i in 0..n {
        match tracks[i].parent {
            Some(p) => tracks[p].children.push(i),
            None => g.roots.push(i),
        }
    }
    // Parent kinds.
    for i in 0..n {
        let Some(p) = tracks[i].parent else { continue };
        let (t, pt) = (&tracks[i], &tracks[p]);
        if t.kind == TrackKind::View
            && !matches!(pt.kind, TrackKind::Composite | TrackKind::FacetedComposite)
        {
            diags.push(err(t, "hub-view-parent", "view", format!(
                "view track `{}` is under `{}`, which is not a composite; views belong directly under a `compositeTrack on` track",
                t.name, pt.name
            )));
        } else if !pt.kind.is_container() {
            diags.push(warn(t, "hub-parent-not-container", "parent", format!(
                "parent `{}` of track `{}` is not a superTrack, composite, view or multiWig container; add `compositeTrack on` (or `superTrack on`) to it",
                pt.name, t.name
            )));
        }
    }
    // Inherited type: from the nearest ancestor below a superTrack.
    for i in 0..n {
        if tracks[i].track_type.is_some() {
            continue;
        }
        let mut cur = tracks[i].parent;
        let mut steps = 0;
        while let Some(p) = cur {
            steps += 1;
            if steps > n || tracks[p].kind == TrackKind::SuperTrack {
                break;
            }
            if let Some(ty) = tracks[p].stanza.get("type") {
                tracks[i].track_type = Some(ty.to_string());
                break;
            }
            cur = tracks[p].parent;
        }
    }
    // Per-track settings.
    for t in &tracks {
        per_track(t, diags);
    }
    // Subgroups.
    for t in tracks.iter_mut() {
        t.subgroup_defs = subgroup_defs(t, diags);
    }
    subgroup_rules(&mut tracks, diags);
    // multiWig containers.
    for t in &tracks {
        if t.kind != TrackKind::MultiWig {
            continue;
        }
        if t.children.len() < 2 {
            diags.push(err(t, "hub-multiwig-single", "container", format!(
                "multiWig container `{}` has {} subtrack(s); a multiWig overlays two or more bigWig tracks",
                t.name,
                t.children.len()
            )));
        }
        for &c in &t.children {
            let ct = &tracks[c];
            if ct.base_type() != Some("bigWig") {
                diags.push(err(ct, "hub-multiwig-child-type", "type", format!(
                    "track `{}` is in multiWig `{}` but has type `{}`; multiWig subtracks must be bigWig",
                    ct.name,
                    t.name,
                    ct.track_type.as_deref().unwrap_or("(none)")
                )));
            }
        }
    }
    // Metadata tables.
    for t in tracks.iter_mut() {
        let Some(id) = t.stanza.get("meta").map(str::trim) else {
            continue;
        };
        match meta.get(id) {
            Some(row) => {
                for (k, v) in row {
                    t.metadata.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            None => {
                let d = warn(t, "hub-meta-unknown", "meta", format!(
                    "`meta {id}` of track `{}` is not in the genome's metaTab/metaDb table; add a row for it or fix the id",
                    t.name
                ));
                diags.push(d);
            }
        }
    }
    g.tracks = tracks;
}

fn per_track(t: &Track, diags: &mut Vec<Diagnostic>) {
    let mut req: Vec<&str> = vec!["shortLabel"];
    if t.kind != TrackKind::View {
        req.push("longLabel");
    }
    for k in req {
        if t.stanza.get(k).is_none_or(|v| v.trim().is_empty()) {
            diags.push(Diagnostic::error(
                "hub-required-setting",
                &t.file,
                t.line,
                format!(
                    "track `{}` has no `{k}`; add a `{k} ...` line to its stanza",
                    t.name
                ),
            ));
        }
    }
    let leaf = t.kind == TrackKind::Track && t.children.is_empty();
    if t.kind == TrackKind::Track && t.track_type.is_none() {
        diags.push(Diagnostic::error(
            "hub-required-setting",
            &t.file,
            t.line,
            format!("track `{}` has no `type` (nor a composite parent with one); add e.g. `type bigBed 6`", t.name),
        ));
    }
    if leaf && t.stanza.get("bigDataUrl").is_none() {
        let ty = t.base_type().unwrap_or("");
        if HUB_TYPES.contains(&ty) {
            diags.push(Diagnostic::error(
                "hub-required-setting",
                &t.file,
                t.line,
                format!("data track `{}` of type `{ty}` has no `bigDataUrl`; add the URL of its data file", t.name),
            ));
        }
    }
    label_lengths(&t.stanza, &format!("track `{}`", t.name), diags);
    if let Some(s) = t.stanza.setting("type") {
        check_type(t, &s.value, leaf, diags);
    }
    if let Some(v) = t.stanza.get("visibility") {
        if !VISIBILITIES.contains(&v.trim()) {
            diags.push(err(
                t,
                "hub-visibility",
                "visibility",
                format!(
                    "visibility `{v}` of track `{}` is not one of hide, dense, squish, pack, full",
                    t.name
                ),
            ));
        }
    }
}

fn check_type(t: &Track, ty: &str, leaf: bool, diags: &mut Vec<Diagnostic>) {
    let words: Vec<&str> = ty.split_whitespace().collect();
    let Some(&base) = words.first() else {
        diags.push(err(
            t,
            "hub-required-setting",
            "type",
            format!("track `{}` has an empty `type`", t.name),
        ));
        return;
    };
    if !HUB_TYPES.contains(&base) {
        let msg = format!(
            "type `{base}` of track `{}` is not a track hub type (bigBed, bigWig, bam, vcfTabix, bigInteract, hic, …); hubs serve binary indexed files only",
            t.name
        );
        diags.push(if leaf {
            err(t, "hub-type-unknown", "type", msg)
        } else {
            warn(t, "hub-type-unknown", "type", msg)
        });
        return;
    }
    let syntax = |m: String| {
        err(
            t,
            "hub-type-syntax",
            "type",
            format!("type line `{ty}` of track `{}`: {m}", t.name),
        )
    };
    match base {
        "bigBed" => {
            if let Some(nf) = words.get(1) {
                let (num, rest) =
                    nf.split_at(nf.find(|c: char| !c.is_ascii_digit()).unwrap_or(nf.len()));
                if !rest.is_empty() && (rest == "+" || rest == ".") && !num.is_empty() {
                    diags.push(syntax(format!(
                        "a space is needed before `{rest}` (`bigBed {num} {rest}`)"
                    )));
                } else if num.is_empty() || !rest.is_empty() {
                    diags.push(syntax(
                        "the field count after bigBed must be a number from 3 to 15".into(),
                    ));
                } else if !(3..=15).contains(&num.parse::<u32>().unwrap_or(0)) {
                    diags.push(syntax(format!(
                        "bigBed has 3 to 15 standard fields, not {num}"
                    )));
                }
            }
            if let Some(extra) = words.get(2) {
                if *extra != "+" && *extra != "." {
                    diags.push(syntax(format!(
                        "only `+` or `.` may follow the field count, not `{extra}`"
                    )));
                }
            }
            if words.len() > 3 {
                diags.push(syntax("nothing may follow the `+` or `.`".into()));
            }
        }
        "bigWig" => {
            let nums = &words[1..];
            if !(nums.is_empty() || nums.len() == 2)
                || nums.iter().any(|w| w.parse::<f64>().is_err())
            {
                diags.push(syntax(
                    "bigWig takes either nothing or a numeric `min max` range".into(),
                ));
            }
        }
        _ => {}
    }
}

/// `subGroupN tag Title key=Label …` lines of a track.
fn subgroup_defs(t: &Track, diags: &mut Vec<Diagnostic>) -> Vec<SubGroupDef> {
    let mut defs: Vec<SubGroupDef> = Vec::new();
    for s in &t.stanza.settings {
        let Some(num) = s.key.strip_prefix("subGroup") else {
            continue;
        };
        if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit()) {
            continue; // `subGroups` and other keys
        }
        let n: u32 = num.parse().unwrap_or(u32::MAX);
        if !(1..=SUBGROUP_MAX).contains(&n) {
            diags.push(Diagnostic::error("hub-subgroup-limit", &t.file, s.line, format!(
                "`{}`: UCSC reads subGroup1 to subGroup{SUBGROUP_MAX} only; merge subgroups or renumber",
                s.key
            )));
            continue;
        }
        let mut w = s.value.splitn(3, char::is_whitespace);
        let (tag, title, rest) = (
            w.next().unwrap_or(""),
            w.next().unwrap_or(""),
            w.next().unwrap_or(""),
        );
        let (pairs, bad) = ra::key_values(rest);
        if tag.is_empty() || title.is_empty() || pairs.is_empty() || !bad.is_empty() {
            diags.push(Diagnostic::error(
                "hub-subgroup-syntax",
                &t.file,
                s.line,
                format!(
                    "`{} {}` cannot be read; write `{} tag Title key1=Label1 key2=Label2`",
                    s.key, s.value, s.key
                ),
            ));
            if tag.is_empty() || pairs.is_empty() {
                continue;
            }
        }
        if let Some(d) = defs.iter().find(|d| d.tag == tag) {
            diags.push(Diagnostic::error("hub-subgroup-duplicate", &t.file, s.line, format!(
                "subgroup tag `{tag}` is already defined by subGroup{} (line {}); use a different tag",
                d.number, d.line
            )));
            continue;
        }
        defs.push(SubGroupDef {
            number: n,
            tag: tag.to_string(),
            title: title.replace('_', " "),
            values: pairs
                .into_iter()
                .map(|(k, v)| (k, v.replace('_', " ")))
                .collect(),
            line: s.line,
        });
    }
    if let Some(s) = t.stanza.setting("dimensions") {
        let (pairs, _) = ra::key_values(&s.value);
        for (dim, tag) in pairs {
            if !defs.iter().any(|d| d.tag == tag) {
                diags.push(Diagnostic::error("hub-dimensions-undefined", &t.file, s.line, format!(
                    "`dimensions {dim}={tag}` names no subGroupN tag of track `{}`; define the subgroup or fix the tag",
                    t.name
                )));
            }
        }
    }
    defs
}

/// Nearest composite above track `i` (through views and plain parents,
/// not through superTracks).
fn composite_of(tracks: &[Track], i: usize) -> Option<usize> {
    let mut cur = tracks[i].parent;
    let mut steps = 0;
    while let Some(p) = cur {
        steps += 1;
        match tracks[p].kind {
            TrackKind::Composite | TrackKind::FacetedComposite => return Some(p),
            TrackKind::SuperTrack => return None,
            _ if steps > tracks.len() => return None,
            _ => cur = tracks[p].parent,
        }
    }
    None
}

fn subgroup_rules(tracks: &mut [Track], diags: &mut Vec<Diagnostic>) {
    let n = tracks.len();
    let mut used: HashMap<(usize, String, String), bool> = HashMap::new();
    for i in 0..n {
        let Some(c) = composite_of(tracks, i) else {
            continue;
        };
        let defs = tracks[c].subgroup_defs.clone();
        let cname = tracks[c].name.clone();
        let t = &tracks[i];
        if t.kind == TrackKind::View {
            let v = t.stanza.get("view").unwrap_or("").trim().to_string();
            let ok = defs
                .iter()
                .find(|d| d.tag == "view")
                .is_some_and(|d| d.values.iter().any(|(k, _)| *k == v));
            if !ok {
                diags.push(err(t, "hub-view-undefined", "view", format!(
                    "view `{v}` is not listed in a `subGroupN view Views {v}=Label` line of composite `{cname}`; add it there"
                )));
            }
            continue;
        }
        if !t.children.is_empty() || t.kind != TrackKind::Track {
            continue;
        }
        let assigned = match t.stanza.setting("subGroups") {
            Some(s) => {
                let (pairs, bad) = ra::key_values(&s.value);
                if !bad.is_empty() {
                    diags.push(err(t, "hub-subgroups-undefined", "subGroups", format!(
                        "`subGroups` of track `{}` has unreadable parts ({}); write tag=value pairs",
                        t.name,
                        bad.join(", ")
                    )));
                }
                pairs
            }
            None => {
                if !defs.is_empty() {
                    diags.push(Diagnostic::error("hub-subgroups-missing", &t.file, t.line, format!(
                        "subtrack `{}` of composite `{cname}` has no `subGroups` line; assign a value for each of: {}",
                        t.name,
                        defs.iter().map(|d| d.tag.as_str()).collect::<Vec<_>>().join(", ")
                    )));
                }
                Vec::new()
            }
        };
        let mut facets = BTreeMap::new();
        for (tag, val) in &assigned {
            match defs.iter().find(|d| d.tag == *tag) {
                None => diags.push(err(t, "hub-subgroups-undefined", "subGroups", format!(
                    "subtrack `{}` has a subgroup `{tag}` not defined at parent level (composite `{cname}`); add a subGroupN line for it or remove it",
                    t.name
                ))),
                Some(d) => match d.values.iter().find(|(k, _)| k == val) {
                    None => diags.push(err(t, "hub-subgroups-value", "subGroups", format!(
                        "subtrack `{}`: `{tag}={val}` is not a member of subgroup `{tag}` (allowed: {})",
                        t.name,
                        d.values.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
                    ))),
                    Some((_, label)) => {
                        used.insert((c, tag.clone(), val.clone()), true);
                        facets.insert(tag.clone(), label.clone());
                    }
                },
            }
        }
        if t.stanza.get("subGroups").is_some() {
            for d in &defs {
                if !assigned.iter().any(|(k, _)| *k == d.tag) {
                    diags.push(err(t, "hub-subgroups-missing", "subGroups", format!(
                        "subtrack `{}` is not a member of subgroup `{}`; add `{}=...` to its subGroups",
                        t.name, d.tag, d.tag
                    )));
                }
            }
        }
        // Under a view: the view assignment must match it.
        if let Some(p) = t.parent {
            if tracks[p].kind == TrackKind::View {
                let v = tracks[p].stanza.get("view").unwrap_or("").trim();
                if let Some((_, got)) = assigned.iter().find(|(k, _)| k == "view") {
                    if got != v {
                        diags.push(err(&tracks[i], "hub-view-mismatch", "subGroups", format!(
                            "subtrack `{}` says `view={got}` but is under view track `{}` (view `{v}`); make them agree",
                            tracks[i].name, tracks[p].name
                        )));
                    }
                }
            }
        }
        for (k, v) in facets {
            tracks[i].facets.entry(k).or_insert(v);
        }
        tracks[i].subgroups = assigned.into_iter().collect();
    }
    // Views count as using their view value.
    for i in 0..n {
        if tracks[i].kind == TrackKind::View {
            if let Some(c) = composite_of(tracks, i) {
                let v = tracks[i]
                    .stanza
                    .get("view")
                    .unwrap_or("")
                    .trim()
                    .to_string();
                used.insert((c, "view".into(), v), true);
            }
        }
    }
    for (c, t) in tracks.iter().enumerate() {
        for d in &t.subgroup_defs {
            for (k, _) in &d.values {
                if !used.contains_key(&(c, d.tag.clone(), k.clone())) {
                    diags.push(Diagnostic::warning(
                        "hub-subgroup-unused",
                        &t.file,
                        d.line,
                        format!(
                            "no subtrack of `{}` has `{}={k}`; drop the value or assign it",
                            t.name, d.tag
                        ),
                    ));
                }
            }
        }
    }
}
