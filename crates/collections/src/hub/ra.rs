//! The "ra" stanza format shared by hub.txt, genomes.txt and trackDb.txt:
//! `key value` lines, stanzas separated by blank lines, `#` comment lines,
//! `\` continuation lines, and `include` directives.

use super::Diagnostic;

/// One `key value` line of a stanza.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The key (first word of the line).
    pub key: String,
    /// The rest of the line, trimmed (empty when the line is only a key).
    pub value: String,
    /// 1-based line number where the (possibly continued) line starts.
    pub line: usize,
}

/// A stanza: the settings between two blank lines, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stanza {
    /// The file (display name) the stanza comes from.
    pub file: String,
    /// 1-based line of the stanza's first setting.
    pub line: usize,
    /// The settings in file order (duplicates kept).
    pub settings: Vec<Setting>,
}

impl Stanza {
    /// The value of `key` (the last occurrence wins, as in UCSC's hash).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .rev()
            .find(|s| s.key == key)
            .map(|s| s.value.as_str())
    }
    /// The setting `key` itself (last occurrence).
    pub fn setting(&self, key: &str) -> Option<&Setting> {
        self.settings.iter().rev().find(|s| s.key == key)
    }
    /// The line of setting `key`, else the stanza's first line.
    pub fn line_of(&self, key: &str) -> usize {
        self.setting(key).map_or(self.line, |s| s.line)
    }
}

/// An item of an ra file: a stanza or an `include` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A stanza of settings.
    Stanza(Stanza),
    /// `include PATH` (relative to the including file), at a line.
    Include {
        /// The path or URL as written.
        target: String,
        /// 1-based line of the directive.
        line: usize,
    },
}

/// Split ra text into stanzas and include directives. Never fails; oddities
/// become diagnostics (`hub-continuation-eof`, `hub-duplicate-setting`).
pub fn parse(text: &str, file: &str, diags: &mut Vec<Diagnostic>) -> Vec<Item> {
    let mut items = Vec::new();
    let mut cur = Stanza {
        file: file.to_string(),
        ..Default::default()
    };
    let flush = |cur: &mut Stanza, items: &mut Vec<Item>, diags: &mut Vec<Diagnostic>| {
        if !cur.settings.is_empty() {
            check_duplicates(cur, diags);
            let s = std::mem::replace(
                cur,
                Stanza {
                    file: cur.file.clone(),
                    ..Default::default()
                },
            );
            items.push(Item::Stanza(s));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let start = i + 1;
        let mut line = lines[i].trim_end_matches('\r').to_string();
        i += 1;
        // Join continuation lines (`\` at the end, trailing blanks ignored).
        while line.trim_end().ends_with('\\') {
            let t = line.trim_end();
            line.truncate(t.len() - 1);
            if i >= lines.len() {
                diags.push(Diagnostic::warning(
                    "hub-continuation-eof",
                    file,
                    start,
                    "the last line ends in `\\` but no line follows; the backslash is dropped",
                ));
                break;
            }
            line.push_str(lines[i].trim_end_matches('\r').trim_start());
            i += 1;
        }
        let t = line.trim();
        if t.is_empty() {
            flush(&mut cur, &mut items, diags);
            continue;
        }
        if t.starts_with('#') {
            continue;
        }
        let (key, value) = match t.find(char::is_whitespace) {
            Some(p) => (&t[..p], t[p..].trim()),
            None => (t, ""),
        };
        if key == "include" {
            flush(&mut cur, &mut items, diags);
            let target = value.split_whitespace().next().unwrap_or("").to_string();
            items.push(Item::Include {
                target,
                line: start,
            });
            continue;
        }
        if cur.settings.is_empty() {
            cur.line = start;
        }
        cur.settings.push(Setting {
            key: key.to_string(),
            value: value.to_string(),
            line: start,
        });
    }
    flush(&mut cur, &mut items, diags);
    items
}

fn check_duplicates(st: &Stanza, diags: &mut Vec<Diagnostic>) {
    for (i, s) in st.settings.iter().enumerate() {
        if let Some(prev) = st.settings[..i].iter().find(|p| p.key == s.key) {
            if prev.value != s.value {
                diags.push(Diagnostic::warning(
                    "hub-duplicate-setting",
                    &st.file,
                    s.line,
                    format!(
                        "`{}` is set again (first at line {}, `{}`); the later value `{}` wins. Keep one `{}` line per stanza",
                        s.key, prev.line, prev.value, s.value, s.key
                    ),
                ));
            }
        }
    }
}

/// Split `k=v k2="v w" k3='x'` into pairs. Returns the pairs and the
/// tokens that could not be read (no `=`, or an unclosed quote).
pub fn key_values(s: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut pairs = Vec::new();
    let mut bad = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let ks = i;
        while i < chars.len() && chars[i] != '=' && !chars[i].is_whitespace() {
            i += 1;
        }
        let key: String = chars[ks..i].iter().collect();
        if i >= chars.len() || chars[i] != '=' {
            bad.push(key);
            continue;
        }
        i += 1; // '='
        let mut val = String::new();
        if i < chars.len() && (chars[i] == '"' || chars[i] == '\'') {
            let q = chars[i];
            i += 1;
            let mut closed = false;
            while i < chars.len() {
                if chars[i] == '\\' && i + 1 < chars.len() && chars[i + 1] == q {
                    val.push(q);
                    i += 2;
                    continue;
                }
                if chars[i] == q {
                    closed = true;
                    i += 1;
                    break;
                }
                val.push(chars[i]);
                i += 1;
            }
            if !closed {
                bad.push(format!("{key}={}{val}", q));
                continue;
            }
        } else {
            while i < chars.len() && !chars[i].is_whitespace() {
                val.push(chars[i]);
                i += 1;
            }
        }
        if key.is_empty() {
            bad.push(format!("={val}"));
        } else {
            pairs.push((key, val));
        }
    }
    (pairs, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stanzas(text: &str) -> (Vec<Item>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let items = parse(text, "t.txt", &mut d);
        (items, d)
    }

    #[test]
    fn stanzas_comments_indent_and_continuations() {
        let (items, d) =
            stanzas("#c\n\nkey1 valA\n  key2 valB \\\n   more\n\t# inner\nkey3\n\n\n  key1 x\r\n");
        assert!(d.is_empty());
        assert_eq!(items.len(), 2);
        let Item::Stanza(s) = &items[0] else { panic!() };
        assert_eq!(s.line, 3);
        assert_eq!(s.get("key2"), Some("valB more"));
        assert_eq!(s.get("key3"), Some(""));
        assert_eq!(s.line_of("key3"), 7);
        let Item::Stanza(s) = &items[1] else { panic!() };
        assert_eq!((s.line, s.get("key1")), (10, Some("x")));
    }

    #[test]
    fn include_splits_stanzas() {
        let (items, _) = stanzas("a 1\ninclude sub.txt alpha\nb 2\n");
        assert_eq!(items.len(), 3);
        assert!(matches!(&items[1], Item::Include { target, line: 2 } if target == "sub.txt"));
    }

    #[test]
    fn trailing_backslash_and_duplicates() {
        let (_, d) = stanzas("a 1\na 2\nb x \\");
        let rules: Vec<_> = d.iter().map(|d| (d.rule, d.line)).collect();
        assert_eq!(
            rules,
            [("hub-continuation-eof", 3), ("hub-duplicate-setting", 2)]
        );
    }

    #[test]
    fn key_value_pairs_with_quotes() {
        let (p, bad) = key_values(r#"a=1 b="two words" c='x' d="say \"hi\"" bare e="open"#);
        assert_eq!(
            p,
            [
                ("a".into(), "1".into()),
                ("b".into(), "two words".into()),
                ("c".into(), "x".into()),
                ("d".into(), "say \"hi\"".into())
            ]
        );
        assert_eq!(bad, ["bare", "e=\"open"]);
    }
}
