//! The bundled GTrack subtypes that `http://gtrack.no/<name>.gtrack`
//! URLs name, resolved offline, and the adherence rules.
//!
//! The definitions below restate the header variables and column line
//! of each published subtype file (they carry no data lines by
//! definition). `withsubtypeurl` is deliberately invalid as a subtype:
//! a subtype file may not itself name a subtype URL.

use super::diag::{fault, Fault, Rule};
use super::header::{Adherence, Headers, Var};

const BED_COLS: &str = "seqid\tstart\tend\tname\tvalue\tstrand\tthickStart\tthickEnd\titemRgb";

/// `(file name, header lines, column line)`.
type Definition = (Vec<(&'static str, &'static str)>, Option<String>);

fn definition(name: &str) -> Option<Definition> {
    let v = |pairs: &[(&'static str, &'static str)]| pairs.to_vec();
    let bed = |sub: &'static str, tt: &'static str| {
        vec![
            ("gtrack version", "1.0"),
            ("gtrack subtype", sub),
            ("subtype version", "1.0"),
            ("subtype adherence", "extensible"),
            ("track type", tt),
            ("uninterrupted data lines", "true"),
        ]
    };
    let cols = |s: &str| Some(s.to_string());
    Some(match name {
        "bed3" => (bed("BED3", "segments"), cols("seqid\tstart\tend")),
        "bed4" => (bed("BED4", "segments"), cols("seqid\tstart\tend\tname")),
        "bed5" => (
            bed("BED5", "valued segments"),
            cols("seqid\tstart\tend\tname\tvalue"),
        ),
        "bed6" => (
            bed("BED6", "valued segments"),
            cols("seqid\tstart\tend\tname\tvalue\tstrand"),
        ),
        "bed9" => (bed("BED9", "valued segments"), cols(BED_COLS)),
        "bed_direct" => (
            bed("BED direct", "valued segments"),
            Some(format!("{BED_COLS}\tblockCount\tblockSizes\tblockStarts")),
        ),
        // Δ: the published file names column 4 `name`, but linked types
        // need an `id` column (spec Table 1); BED's name is the id here.
        "bed_linked" => (
            bed("BED linked", "linked valued segments"),
            Some(format!(
                "{}\tedges",
                BED_COLS.replacen("\tname\t", "\tid\t", 1)
            )),
        ),
        "bedgraph" => (
            v(&[
                ("gtrack version", "1.0"),
                ("gtrack subtype", "bedGraph"),
                ("subtype version", "1.0"),
                ("subtype adherence", "strict"),
                ("track type", "valued segments"),
                ("value type", "number"),
                ("value dimension", "scalar"),
                ("uninterrupted data lines", "true"),
            ]),
            cols("seqid\tstart\tend\tvalue"),
        ),
        "broadpeak" | "narrowpeak" => {
            let narrow = name == "narrowpeak";
            (
                v(&[
                    ("gtrack version", "1.0"),
                    (
                        "gtrack subtype",
                        if narrow { "narrowPeak" } else { "broadPeak" },
                    ),
                    ("subtype version", "1.0"),
                    ("subtype adherence", "strict"),
                    ("track type", "valued segments"),
                    ("value column", "signalValue"),
                    ("uninterrupted data lines", "true"),
                ]),
                Some(format!(
                    "seqid\tstart\tend\tname\tscore\tstrand\tsignalValue\tpValue\tqValue{}",
                    if narrow { "\tpeak" } else { "" }
                )),
            )
        }
        "fasta" => (
            v(&[
                ("gtrack version", "1.0"),
                ("gtrack subtype", "FASTA"),
                ("subtype version", "1.0"),
                ("subtype adherence", "strict"),
                ("track type", "function"),
                ("value type", "character"),
                ("fixed-size data lines", "true"),
                ("data line size", "1"),
            ]),
            cols("value"),
        ),
        "gff_ad_hoc" => (
            v(&[
                ("gtrack version", "1.0"),
                ("gtrack subtype", "GFF ad hoc"),
                ("subtype version", "1.0"),
                ("subtype adherence", "redefinable"),
                ("track type", "linked valued segments"),
                ("value type", "category"),
                ("1-indexed", "true"),
                ("end inclusive", "true"),
            ]),
            cols("source\tvalue\tstart\tend\tscore\tstrand\tphase\tid\tname\tedges"),
        ),
        "gff_direct" | "gff_direct_low" => {
            let mut h = vec![
                ("gtrack version", "1.0"),
                ("gtrack subtype", "GFF direct"),
                ("subtype version", "1.0"),
                ("subtype adherence", "redefinable"),
                ("track type", "valued segments"),
                ("value type", "number"),
            ];
            if name == "gff_direct" {
                h.push(("1-indexed", "true"));
                h.push(("end inclusive", "true"));
            }
            (
                h,
                cols("seqid\tsource\ttype\tstart\tend\tvalue\tstrand\tphase\tattributes"),
            )
        }
        "hyperbrowser" => (
            v(&[
                ("gtrack version", "1.0"),
                ("gtrack subtype", "HyperBrowser"),
                ("subtype version", "1.0"),
                ("subtype adherence", "free"),
                ("name", ""),
                ("description", ""),
                ("display", ""),
                ("methods", ""),
                ("credits", ""),
                ("references", ""),
                ("restrictions", ""),
                ("version", ""),
                ("quality", ""),
                ("contact", ""),
                ("celltype", ""),
            ]),
            None,
        ),
        "mean_sd" => (
            v(&[
                ("gtrack version", "1.0"),
                ("gtrack subtype", "Mean/sd"),
                ("subtype version", "1.0"),
                ("subtype adherence", "reorderable"),
                ("value type", "number"),
                ("value dimension", "pair"),
            ]),
            cols("value"),
        ),
        "mean_sd_weights" => (
            v(&[
                ("gtrack version", "1.0"),
                ("gtrack subtype", "Mean/sd weights"),
                ("subtype version", "1.0"),
                ("subtype adherence", "reorderable"),
                ("edge weights", "true"),
                ("edge weight type", "number"),
                ("edge weight dimension", "pair"),
            ]),
            cols("edges"),
        ),
        "shortreads_example" => (
            v(&[
                ("gtrack version", "1.0"),
                ("gtrack subtype", "Short reads example"),
                ("subtype version", "0.9"),
                ("subtype adherence", "redefinable"),
                ("track type", "segments"),
            ]),
            cols("seqid\tstart\tend\tstrand\tread\tquality"),
        ),
        "wig_fixedstep" | "wig_fixedstep_low" | "wig_variablestep" | "wig_variablestep_low" => {
            let fixed = name.starts_with("wig_fixedstep");
            let mut h = vec![
                ("gtrack version", "1.0"),
                (
                    "gtrack subtype",
                    if fixed {
                        "WIG fixedStep"
                    } else {
                        "WIG variableStep"
                    },
                ),
                ("subtype version", "1.0"),
                ("subtype adherence", "strict"),
                ("value type", "number"),
                ("value dimension", "scalar"),
            ];
            if !name.ends_with("_low") {
                h.push(("1-indexed", "true"));
                h.push(("end inclusive", "true"));
            }
            (h, cols(if fixed { "value" } else { "start\tvalue" }))
        }
        "withsubtypeurl" => (
            v(&[("subtype url", "http://gtrack.no/withsubtypeurl.gtrack")]),
            None,
        ),
        _ => return None,
    })
}

/// Names of the bundled subtypes (file names without `.gtrack`).
pub const BUNDLED: &[&str] = &[
    "bed3",
    "bed4",
    "bed5",
    "bed6",
    "bed9",
    "bed_direct",
    "bed_linked",
    "bedgraph",
    "broadpeak",
    "fasta",
    "gff_ad_hoc",
    "gff_direct",
    "gff_direct_low",
    "hyperbrowser",
    "mean_sd",
    "mean_sd_weights",
    "narrowpeak",
    "shortreads_example",
    "wig_fixedstep",
    "wig_fixedstep_low",
    "wig_variablestep",
    "wig_variablestep_low",
    "withsubtypeurl",
];

/// The bundled subtype name a URL refers to, if any.
/// Scheme-less URLs are treated as `http://`.
pub fn name_from_url(url: &str) -> Option<&'static str> {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))
        .unwrap_or(&lower);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let file = rest.strip_prefix("gtrack.no/")?;
    let name = file.strip_suffix(".gtrack")?;
    BUNDLED.iter().copied().find(|n| *n == name)
}

/// The subtype definition a URL refers to, as parsed headers.
pub fn resolve(url: &str) -> Result<(&'static str, Headers), Fault> {
    let Some(name) = name_from_url(url) else {
        return fault(
            Rule::SubtypeUrl,
            format!(
                "subtype URL `{url}` cannot be resolved: gtrack works offline and knows the subtypes http://gtrack.no/<name>.gtrack for <name> in {}; for another subtype, merge its headers into the file (`gtrack expand-headers` does this for bundled ones)",
                BUNDLED[..BUNDLED.len() - 1].join(", ")
            ),
        );
    };
    let (headers, cols) = definition(name).expect("bundled subtype");
    let mut h = Headers::default();
    for (i, (k, v)) in headers.iter().enumerate() {
        let body = format!("{k}: {v}");
        h.parse_line(body.as_bytes(), i as u64 + 1)
            .expect("bundled subtype definitions are valid header lines");
    }
    if h.get(Var::SubtypeUrl).is_some() {
        return fault(
            Rule::SubtypeUrl,
            format!("the subtype file `{url}` itself declares a subtype url, which a subtype specification may not do"),
        );
    }
    h.columns = cols.map(|c| (c.split('\t').map(|s| s.to_ascii_lowercase()).collect(), 0));
    Ok((name, h))
}

/// The text of a bundled subtype definition file (for `expand-headers`
/// and for users who want to look at it).
pub fn definition_text(name: &str) -> Option<String> {
    let (headers, cols) = definition(name)?;
    let mut s = String::new();
    for (k, v) in headers {
        s.push_str(&format!("##{k}: {v}\n"));
    }
    if let Some(c) = cols {
        s.push_str(&format!("###{c}\n"));
    }
    Some(s)
}

const CORE: &[&str] = &["start", "end", "value", "edges"];
const RESERVED: &[&str] = &[
    "genome", "seqid", "start", "end", "value", "strand", "id", "edges",
];

/// Check a file's headers and column line against its subtype.
/// `file_cols` is the file's column line as written (lower case).
pub fn check_adherence(sub_name: &str, sub: &Headers, file: &Headers) -> Result<(), (Fault, u64)> {
    // Name and version must agree when the file states them.
    for var in [Var::GtrackSubtype, Var::SubtypeVersion] {
        if let (Some(f), Some(s)) = (file.get(var), sub.get(var)) {
            if !f.eq_ignore_ascii_case(s) {
                return Err((
                    Fault::new(
                        Rule::SubtypeMismatch,
                        format!("`{var}` is `{f}` here but `{s}` in the subtype `{sub_name}`"),
                    ),
                    file.line_of(var).unwrap_or(0),
                ));
            }
        }
    }
    let level = Adherence::parse(sub.get(Var::SubtypeAdherence).unwrap_or("free"));
    if level == Adherence::Free {
        return Ok(());
    }
    let deny = |var: Var, why: &str| {
        Err((
            Fault::new(
                Rule::SubtypeAdherence,
                format!(
                    "subtype `{sub_name}` has adherence `{}`: {why}",
                    sub.get(Var::SubtypeAdherence).unwrap_or("")
                ),
            ),
            file.line_of(var).unwrap_or(0),
        ))
    };
    for &(var, ref value, _) in &file.reserved {
        if matches!(
            var,
            Var::SubtypeUrl | Var::GtrackSubtype | Var::SubtypeVersion
        ) {
            continue;
        }
        if var == Var::SubtypeAdherence {
            if sub.get(var) != Some(value.as_str()) {
                return deny(var, "a file may not change the adherence level");
            }
            continue;
        }
        let Some(subval) = sub.get(var) else {
            // GTrack defaults may be overridden, except that renaming value/edges
            // is reserved for `redefinable`.
            if level == Adherence::Reorderable && matches!(var, Var::ValueColumn | Var::EdgesColumn)
            {
                return deny(
                    var,
                    "the value and edges columns may be added but not renamed",
                );
            }
            continue;
        };
        if subval == value {
            continue;
        }
        let allowed = match level {
            Adherence::Redefinable => var.redefinable(),
            Adherence::Reorderable => var == Var::TrackType,
            _ => false,
        };
        if !allowed {
            return deny(var, &format!("`{var}` is `{subval}` in the subtype and may not be redefined (here `{value}`)"));
        }
    }
    let (Some((fc, line)), Some((sc, _))) = (&file.columns, &sub.columns) else {
        return Ok(());
    };
    let line = *line;
    let bad = |why: String| {
        Err((
            Fault::new(
                Rule::SubtypeAdherence,
                format!("subtype `{sub_name}` columns are `{}`: {why}", sc.join(" ")),
            ),
            line,
        ))
    };
    match level {
        Adherence::Strict => {
            if fc != sc {
                return bad("a strict subtype's column line may not be changed".into());
            }
        }
        Adherence::Extensible | Adherence::Redefinable => {
            if fc.len() < sc.len() {
                return bad("all subtype columns must come first, in order".into());
            }
            for (i, (f, s)) in fc.iter().zip(sc).enumerate() {
                if f == s {
                    continue;
                }
                let renamable = level == Adherence::Redefinable
                    && ((["value", "edges"].contains(&f.as_str())
                        && !RESERVED.contains(&s.as_str()))
                        || (["value", "edges"].contains(&s.as_str())
                            && !RESERVED.contains(&f.as_str()))
                        || (["value", "edges"].contains(&s.as_str())
                            && ["value", "edges"].contains(&f.as_str())));
                if !renamable {
                    return bad(format!("column {} is `{f}` but must be `{s}`", i + 1));
                }
            }
            for f in &fc[sc.len()..] {
                let core_ok = level == Adherence::Redefinable && (f == "value" || f == "edges");
                if CORE.contains(&f.as_str()) && !core_ok {
                    return bad(format!("the core column `{f}` may not be added"));
                }
            }
        }
        Adherence::Reorderable => {
            for s in sc {
                if !fc.contains(s) {
                    return bad(format!("the column `{s}` is missing"));
                }
            }
        }
        Adherence::Free => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_all_bundled_resolve() {
        for name in BUNDLED {
            let url = format!("http://gtrack.no/{name}.gtrack");
            let r = resolve(&url);
            if *name == "withsubtypeurl" {
                assert_eq!(r.unwrap_err().rule, Rule::SubtypeUrl);
            } else {
                let (n, h) = r.unwrap();
                assert_eq!(n, *name);
                assert!(h.get(Var::GtrackSubtype).is_some());
            }
        }
        assert_eq!(name_from_url("gtrack.no/bed3.gtrack"), Some("bed3"));
        assert_eq!(name_from_url("HTTP://gtrack.no/BED3.gtrack"), Some("bed3"));
        assert_eq!(
            resolve("http://example.org/x.gtrack").unwrap_err().rule,
            Rule::SubtypeUrl
        );
    }

    #[test]
    fn test_definition_text() {
        let t = definition_text("fasta").unwrap();
        assert!(t.contains("##fixed-size data lines: true\n##data line size: 1\n###value\n"));
    }
}
