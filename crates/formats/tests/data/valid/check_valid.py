#!/usr/bin/env python3
"""Independent, deliberately strict GTrack 1.0 checker for this fixture corpus.

Usage:  python3 check_valid.py [FILE ...]

Without arguments every row of ``manifest.tsv`` is checked: the file must be
valid and the track type, element count, value type/dimension and number of
bounding region lines computed here must equal the manifest row.  It also
checks that the generated set covers every track type / value type /
dimension / edge variant, and that every fixture starts with a '#' comment.
With arguments, the given files are only validated and summarised.

This is a second implementation of the rules, written independently of
gen_valid.py, so that the corpus is not "valid because the generator says so".
It is stricter than the spec where the spec is ambiguous (constructs the
corpus avoids on purpose are rejected here):

  * duplicate header lines, whitespace-only lines, adjoining bounding regions,
    empty dense bounding regions, dense BRs without an explicit end,
    zero-length genome-partition cells, elements crossing a BR end via
    "fixed length", escapes inside binary/character values, numbers other
    than ``-?digits[.digits][e[+-]digits]``, binary values other than 0/1,
    leading/trailing whitespace in values, "fixed length"/"fixed gap size"
    given together with the columns they replace, and directed files whose
    edges are all mirrored (the redundant header would then be wrong).

Subtype URLs ``http://gtrack.no/<name>`` are resolved to the bundled subtype
files in shared/spec/examples/gtrack-repo/gtrack/subtypes/.
Standard library only.
"""

import gzip
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "manifest.tsv")


def _find_subtype_dir():
    env = os.environ.get("GTRACK_SUBTYPE_DIR")
    if env:
        return env
    d = HERE
    for _ in range(10):
        cand = os.path.join(d, "shared", "spec", "examples", "gtrack-repo", "gtrack", "subtypes")
        if os.path.isdir(cand):
            return cand
        d = os.path.dirname(d)
    return "/work/shared/spec/examples/gtrack-repo/gtrack/subtypes"


SUBTYPE_DIR = _find_subtype_dir()


class GError(Exception):
    pass


# ----------------------------------------------------------------- constants

TRACK_TYPES = {
    # name: (start, end, value, edges)
    "points": (1, 0, 0, 0),
    "valued points": (1, 0, 1, 0),
    "segments": (1, 1, 0, 0),
    "valued segments": (1, 1, 1, 0),
    "genome partition": (0, 1, 0, 0),
    "step function": (0, 1, 1, 0),
    "function": (0, 0, 1, 0),
    "linked points": (1, 0, 0, 1),
    "linked valued points": (1, 0, 1, 1),
    "linked segments": (1, 1, 0, 1),
    "linked valued segments": (1, 1, 1, 1),
    "linked genome partition": (0, 1, 0, 1),
    "linked step function": (0, 1, 1, 1),
    "linked function": (0, 0, 1, 1),
    "linked base pairs": (0, 0, 0, 1),
}
CORE_TO_TYPE = {v: k for k, v in TRACK_TYPES.items()}
CORE_COLUMNS = ("start", "end", "value", "edges")
VTYPES = ("number", "binary", "character", "category")
VDIMS = ("scalar", "pair", "vector", "list")

# header name -> (kind, default); kind: enum list, "bool", "int", "str"
HEADERS = {
    "gtrack version": (["1.0"], "1.0"),
    "track type": (list(TRACK_TYPES), "segments"),
    "value type": (list(VTYPES), "number"),
    "value dimension": (list(VDIMS), "scalar"),
    "undirected edges": ("bool", "false"),
    "edge weights": ("bool", "false"),
    "edge weight type": (list(VTYPES), "number"),
    "edge weight dimension": (list(VDIMS), "scalar"),
    "uninterrupted data lines": ("bool", "false"),
    "sorted elements": ("bool", "false"),
    "no overlapping elements": ("bool", "false"),
    "circular elements": ("bool", "false"),
    "1-indexed": ("bool", "false"),
    "end inclusive": ("bool", "false"),
    "value column": ("name", "value"),
    "edges column": ("name", "edges"),
    "fixed length": ("int", "1"),
    "fixed gap size": ("int", "0"),
    "fixed-size data lines": ("bool", "false"),
    "data line size": ("int", "1"),
    "gtrack subtype": ("str", ""),
    "subtype version": ("str", "1.0"),
    "subtype url": ("str", ""),
    "subtype adherence": (["strict", "extensible", "redefinable", "reorderable", "free"], "free"),
}
REDEFINABLE_HEADERS = {"track type", "value type", "value dimension", "undirected edges", "edge weights",
                       "edge weight type", "edge weight dimension", "value column", "edges column"}

NUMBER_RE = re.compile(r"^-?[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?$")
INT_RE = re.compile(r"^[0-9]+$")
SINT_RE = re.compile(r"^-?[0-9]+$")
ESC_RE = re.compile(r"%([0-9A-Fa-f]{2})")


def unescape(s, what):
    i = 0
    out = []
    while i < len(s):
        c = s[i]
        if c == "%":
            m = ESC_RE.match(s, i)
            if not m:
                raise GError("malformed %%-escape in %s: %r" % (what, s))
            out.append(chr(int(m.group(1), 16)))
            i += 3
        else:
            out.append(c)
            i += 1
    return "".join(out)


def check_phrase(s, what):
    if s == "":
        raise GError("empty %s" % what)
    if s != s.strip(" \t"):
        raise GError("%s %r starts or ends with whitespace" % (what, s))


# ------------------------------------------------------------ line structure

def read_text(path):
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    for i, b in enumerate(data):
        if not (b in (9, 10, 13) or 32 <= b <= 126):
            raise GError("byte 0x%02x at offset %d is not allowed unescaped" % (b, i))
    text = data.decode("ascii")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = []
    for n, line in enumerate(lines, 1):
        if line.endswith("\r"):
            line = line[:-1]
        if "\r" in line:
            raise GError("line %d: stray CR" % n)
        out.append((n, line))
    return out


def split_structure(lines, is_subtype):
    """Classify lines; returns (headers dict, column list or None, body, first_is_comment)."""
    level = 1
    headers = {}
    header_order = []
    columns = None
    body = []  # (lineno, kind, text) kind in br/data/comment/blank
    for n, line in lines:
        if line == "":
            body.append((n, "blank", line))
            continue
        if line.strip(" \t") == "":
            raise GError("line %d: whitespace-only line" % n)
        if line.startswith("####"):
            if is_subtype:
                raise GError("line %d: bounding region in subtype file" % n)
            level = 4
            body.append((n, "br", line))
        elif line.startswith("###"):
            if level > 3 or columns is not None:
                raise GError("line %d: column line out of order / repeated" % n)
            level = 3
            columns = line[3:].split("\t")
        elif line.startswith("##"):
            if level > 2:
                raise GError("line %d: header line after column/BR/data lines" % n)
            level = 2
            rest = line[2:]
            if ":" not in rest:
                raise GError("line %d: header without ':'" % n)
            key, val = rest.split(":", 1)
            check_phrase(key, "header name")
            key = key.lower()
            val = val.lstrip(" ")
            if val != val.rstrip(" \t") or val.startswith("\t"):
                raise GError("line %d: header value with surrounding whitespace" % n)
            if key in headers:
                raise GError("line %d: duplicate header %r" % (n, key))
            headers[key] = val
            header_order.append(key)
        elif line.startswith("#"):
            body.append((n, "comment", line))
        else:
            if is_subtype:
                raise GError("line %d: data line in subtype file" % n)
            level = 5
            body.append((n, "data", line))
    return headers, columns, body


def normalise_headers(raw):
    """Validate reserved header values; return dict of normalised values."""
    out = {}
    for key, val in raw.items():
        if key not in HEADERS:
            unescape(val, "custom header value")
            out[key] = val
            continue
        kind, _ = HEADERS[key]
        if isinstance(kind, list):
            v = val.lower()
            if v not in kind:
                raise GError("header %r: invalid value %r" % (key, val))
        elif kind == "bool":
            v = val.lower()
            if v not in ("true", "false"):
                raise GError("header %r: not a boolean: %r" % (key, val))
        elif kind == "int":
            if not SINT_RE.match(val):
                raise GError("header %r: not an integer: %r" % (key, val))
            v = str(int(val))
        elif kind == "name":
            check_phrase(val, "column name header")
            v = val.lower()
        else:
            v = val if key == "subtype url" else val.lower()
        out[key] = v
    return out


def load_subtype(url):
    u = url
    for prefix in ("http://", "https://"):
        if u.lower().startswith(prefix):
            u = u[len(prefix):]
    if not u.lower().startswith("gtrack.no/"):
        raise GError("subtype url %r is not a bundled gtrack.no subtype" % url)
    path = os.path.join(SUBTYPE_DIR, u[len("gtrack.no/"):])
    if not os.path.isfile(path):
        raise GError("subtype file not found: %s" % path)
    headers, columns, body = split_structure(read_text(path), True)
    headers = normalise_headers(headers)
    if headers.get("subtype url"):
        raise GError("subtype file defines 'subtype url'")
    return headers, ([c.lower() for c in columns] if columns is not None else None)


# ------------------------------------------------------------------ values

def parse_value(tok, vtype, vdim, state, key, what):
    """Return a normalised value (tuple for non-scalars, None = missing)."""
    check_phrase(tok, what)
    if tok == ".":
        if vdim == "scalar":
            return None
        if vdim == "list":
            return ()
        raise GError("%s: a single '.' is not allowed for dimension %s" % (what, vdim))
    if vtype in ("number", "category"):
        parts = tok.split(",")
    else:
        if "%" in tok:
            raise GError("%s: escape in %s value %r (avoided)" % (what, vtype, tok))
        parts = list(tok)
    elems = []
    for p in parts:
        if p == "":
            raise GError("%s: empty element in %r" % (what, tok))
        if p == ".":
            elems.append(None)
            continue
        u = unescape(p, what)
        if vtype == "number":
            if not NUMBER_RE.match(p):
                raise GError("%s: %r is not a number" % (what, p))
            elems.append(float(u))
        elif vtype == "binary":
            if u not in ("0", "1"):
                raise GError("%s: %r is not binary" % (what, p))
            elems.append(int(u))
        elif vtype == "character":
            if len(u) != 1:
                raise GError("%s: %r is not one character" % (what, p))
            elems.append(u)
        else:
            elems.append(u)
    if vdim == "scalar":
        if len(elems) != 1:
            raise GError("%s: scalar %r has %d elements" % (what, tok, len(elems)))
        return elems[0]
    if vdim == "pair" and len(elems) != 2:
        raise GError("%s: pair %r has %d elements" % (what, tok, len(elems)))
    if vdim == "vector":
        prev = state.get(key)
        if prev is None:
            state[key] = len(elems)
        elif prev != len(elems):
            raise GError("%s: vector length %d != %d" % (what, len(elems), prev))
    return tuple(elems)


# -------------------------------------------------------------------- check

class Result(object):
    pass


def check_file(path):
    lines = read_text(path)
    if not lines or not lines[0][1].startswith("#") or lines[0][1].startswith("##"):
        first_comment = False
    else:
        first_comment = True
    raw_headers, file_cols, body = split_structure(lines, False)
    fh = normalise_headers(raw_headers)

    # ---- subtype ------------------------------------------------------
    h = {k: v[1] for k, v in HEADERS.items()}
    sub_cols = None
    if fh.get("subtype url"):
        sh, sub_cols = load_subtype(fh["subtype url"])
        adherence = sh.get("subtype adherence", "free")
        if adherence != "free" and "subtype adherence" in fh and fh["subtype adherence"] != adherence:
            raise GError("file overrides subtype adherence")
        for key in ("gtrack subtype", "subtype version"):
            if key in fh and key in sh and fh[key] != sh[key]:
                raise GError("file %s differs from the subtype's" % key)
        for key, val in fh.items():
            if key in sh and sh[key] != val:
                if adherence == "free":
                    continue
                if adherence == "redefinable" and key in REDEFINABLE_HEADERS:
                    continue
                if adherence == "reorderable" and key == "track type":
                    continue
                raise GError("file redefines subtype header %r under adherence %s" % (key, adherence))
        if file_cols is not None and sub_cols is not None:
            fc = [c.lower() for c in file_cols]
            if adherence == "strict" and fc != sub_cols:
                raise GError("strict subtype: column line differs")
            if adherence == "extensible":
                if fc[:len(sub_cols)] != sub_cols or any(c in CORE_COLUMNS for c in fc[len(sub_cols):]):
                    raise GError("extensible subtype: bad column line")
            if adherence == "redefinable":
                if len(fc) < len(sub_cols):
                    raise GError("redefinable subtype: columns removed")
                for a, b in zip(sub_cols, fc):
                    if a == b:
                        continue
                    if (a in ("value", "edges") and b not in ("start", "end")) or \
                            (b in ("value", "edges") and a not in CORE_COLUMNS):
                        continue
                    raise GError("redefinable subtype: column %r -> %r" % (a, b))
                if any(c in ("start", "end") for c in fc[len(sub_cols):]):
                    raise GError("redefinable subtype: core column appended")
            if adherence == "reorderable":
                if not set(sub_cols) <= set(fc):
                    raise GError("reorderable subtype: column missing")
                if "value" not in sub_cols and "value column" in fh and fh["value column"] != "value":
                    raise GError("reorderable subtype: value renamed")
        h.update(sh)
    h.update(fh)

    # ---- columns ------------------------------------------------------
    if file_cols is not None:
        cols = file_cols
    elif sub_cols is not None:
        cols = sub_cols
    else:
        cols = ["seqid", "start", "end"]
    cols = [c for c in cols]
    for c in cols:
        check_phrase(c, "column name")
    cols = [c.lower() for c in cols]
    if len(set(cols)) != len(cols):
        raise GError("duplicate column names")
    ncols = len(cols)
    eff = list(cols)
    for std in ("value", "edges"):
        alt = h[std + " column"]
        if alt != std:
            if alt not in eff:
                raise GError("%s column %r not present" % (std, alt))
            if std in eff:
                raise GError("column %r present although %s column is renamed" % (std, std))
            eff[eff.index(alt)] = std
    if len(set(eff)) != len(eff):
        raise GError("duplicate columns after renaming")
    col = {c: i for i, c in enumerate(eff)}

    fixed_length = int(h["fixed length"])
    gap = int(h["fixed gap size"])
    if fixed_length < 1 or fixed_length + gap <= 0:
        raise GError("bad fixed length / gap")
    if gap != 0 and ("start" in col or "end" in col):
        raise GError("fixed gap size given with start/end column (avoided)")
    if fixed_length > 1 and "end" in col:
        raise GError("fixed length given with end column (avoided)")
    implicit_start = gap != 0
    implicit_end = fixed_length > 1
    has = (int("start" in col or implicit_start), int("end" in col or implicit_end),
           int("value" in col), int("edges" in col))
    ttype = CORE_TO_TYPE[has] if has in CORE_TO_TYPE else None
    if ttype != h["track type"]:
        raise GError("columns imply track type %r, header says %r" % (ttype, h["track type"]))
    linked = bool(has[3])
    if linked and "id" not in col:
        raise GError("linked type without id column")
    dense = not has[0]
    dense_interval = dense and has[1]
    fixed_size = h["fixed-size data lines"] == "true"
    if fixed_size and (ttype != "function" or cols != ["value"]):
        raise GError("fixed-size data lines need function with only a value column")
    line_size = int(h["data line size"])
    if line_size < 1:
        raise GError("data line size < 1")
    one = 1 if h["1-indexed"] == "true" else 0
    incl = 1 if h["end inclusive"] == "true" else 0
    circular = h["circular elements"] == "true"
    weights = h["edge weights"] == "true"
    undirected = h["undirected edges"] == "true"
    uninterrupted = h["uninterrupted data lines"] == "true"

    # ---- body ---------------------------------------------------------
    vec_state = {}
    brs = []  # dict(kind, genome, seqid, start0, end0, count, lineno)
    br_type = None
    elements = []  # dict(genome, seqid, start0, end0, br)
    ids = []
    edges_of = []  # list of list of (target, weight)
    seen_data = False
    cur = None  # current BR index
    block_data_lines = 0

    def close_block():
        if cur is None:
            return
        br = brs[cur]
        if dense:
            if br["count"] == 0:
                raise GError("dense bounding region at line %d has no data" % br["lineno"])
            if dense_interval:
                last = elements[-1]
                if br["end0"] != last["end0"]:
                    raise GError("BR end %r != last element end %r (line %d)" % (br["end0"], last["end0"], br["lineno"]))
            else:
                if br["end0"] != br["start0"] + br["count"]:
                    raise GError("F/LF/LBP BR end != start + values (line %d)" % br["lineno"])

    pending_fixed = []  # for fixed-size data lines: list of value tokens of current block

    for n, kind, line in body:
        if kind in ("comment", "blank", "br") and seen_data and uninterrupted:
            raise GError("line %d interrupts data lines" % n)
        if kind in ("comment", "blank"):
            continue
        if kind == "br":
            close_block()
            text = line[4:]
            attrs = {}
            for part in text.split(";"):
                part = part.lstrip(" ")
                check_phrase(part, "BR attribute")
                if part.count("=") != 1:
                    raise GError("line %d: bad BR attribute %r" % (n, part))
                k, v = part.split("=")
                k = k.lower()
                if k not in ("genome", "seqid", "start", "end") or k in attrs:
                    raise GError("line %d: bad/duplicate BR attribute %r" % (n, k))
                check_phrase(v, "BR value")
                attrs[k] = v
            if "seqid" in attrs:
                kindbr = "B"
            elif "genome" in attrs and "start" not in attrs and "end" not in attrs:
                kindbr = "A"
            else:
                raise GError("line %d: BR is neither type A nor type B" % n)
            if br_type and br_type != kindbr:
                raise GError("line %d: BR types A and B mixed" % n)
            if elements and not brs:
                raise GError("line %d: data lines before the first BR" % n)
            br_type = kindbr
            br = dict(kind=kindbr, lineno=n, count=0,
                      genome=unescape(attrs["genome"], "BR genome") if "genome" in attrs else None,
                      seqid=unescape(attrs["seqid"], "BR seqid") if "seqid" in attrs else None,
                      start0=None, end0=None)
            if kindbr == "B":
                for a in ("start", "end"):
                    if a in attrs and not INT_RE.match(attrs[a]):
                        raise GError("line %d: BR %s not an integer" % (n, a))
                br["start0"] = int(attrs["start"]) - one if "start" in attrs else 0
                if br["start0"] < 0:
                    raise GError("line %d: negative BR start" % n)
                if "end" in attrs:
                    br["end0"] = int(attrs["end"]) - one + incl
                    if br["end0"] <= br["start0"]:
                        raise GError("line %d: BR end <= start" % n)
                elif dense:
                    raise GError("line %d: dense BR without end (avoided)" % n)
            brs.append(br)
            cur = len(brs) - 1
            block_data_lines = 0
            continue

        # data line(s)
        seen_data = True
        if fixed_size:
            if len(line) % line_size:
                raise GError("line %d: length not a multiple of data line size" % n)
            rows = [[line[i:i + line_size]] for i in range(0, len(line), line_size)]
        else:
            rows = [line.split("\t")]
        for row in rows:
            if len(row) != ncols:
                raise GError("line %d: %d columns, expected %d" % (n, len(row), ncols))
            if dense and (cur is None or brs[cur]["kind"] != "B"):
                raise GError("line %d: dense type needs type-B bounding regions" % n)
            if implicit_start and (cur is None or brs[cur]["kind"] != "B"):
                raise GError("line %d: fixed gap size needs type-B bounding regions" % n)
            if brs and cur is None:
                raise GError("line %d: data before first BR" % n)
            for i, tok in enumerate(row):
                check_phrase(tok, "value in column %r (line %d)" % (eff[i], n))
                unescape(tok, "line %d" % n)
            br = brs[cur] if cur is not None else None
            k = block_data_lines
            el = {}
            # seqid / genome
            seqid = unescape(row[col["seqid"]], "seqid") if "seqid" in col else None
            if br is not None and br["seqid"] is not None:
                if seqid is not None and seqid != br["seqid"]:
                    raise GError("line %d: seqid differs from BR seqid" % n)
                seqid = br["seqid"]
            if seqid is None:
                raise GError("line %d: no seqid" % n)
            genome = unescape(row[col["genome"]], "genome") if "genome" in col else None
            if br is not None and br["genome"] is not None:
                if genome is not None and genome != br["genome"]:
                    raise GError("line %d: genome differs from BR genome" % n)
                genome = br["genome"]
            # positions
            if "start" in col:
                s = row[col["start"]]
                if not INT_RE.match(s):
                    raise GError("line %d: start not a non-negative integer" % n)
                start0 = int(s) - one
            elif implicit_start:
                start0 = br["start0"] + k * (fixed_length + gap)
            elif dense_interval:
                start0 = elements[-1]["end0"] if k > 0 else br["start0"]
            else:  # F / LF / LBP
                start0 = br["start0"] + k
            if start0 < 0:
                raise GError("line %d: negative start" % n)
            if "end" in col:
                e = row[col["end"]]
                if not INT_RE.match(e):
                    raise GError("line %d: end not an integer" % n)
                end0 = int(e) - one + incl
            elif implicit_end:
                end0 = start0 + fixed_length
            else:
                end0 = start0 + 1
            if end0 <= start0:
                if circular and "end" in col and end0 < start0:
                    el["circular"] = True
                else:
                    raise GError("line %d: end <= start (%d <= %d)" % (n, end0, start0))
            if dense_interval and k > 0 and end0 <= elements[-1]["end0"]:
                raise GError("line %d: dense ends not strictly ascending" % n)
            if br is not None and br["kind"] == "B":
                if start0 < br["start0"] or (br["end0"] is not None and end0 > br["end0"] and not el.get("circular")):
                    raise GError("line %d: element outside its bounding region" % n)
            if "strand" in col and row[col["strand"]] not in ("+", "-", "."):
                raise GError("line %d: bad strand" % n)
            if "value" in col:
                el["value"] = parse_value(row[col["value"]], h["value type"], h["value dimension"],
                                          vec_state, "value", "line %d value" % n)
            if "id" in col:
                ident = unescape(row[col["id"]], "id")
                if ident in ids:
                    raise GError("line %d: duplicate id %r" % (n, ident))
                ids.append(ident)
            if linked:
                tok = row[col["edges"]]
                lst = []
                if tok != ".":
                    seen_t = set()
                    for spec in tok.split(";"):
                        if weights:
                            if spec.count("=") != 1:
                                raise GError("line %d: edge %r needs exactly one '='" % (n, spec))
                            t, w = spec.split("=")
                            wv = parse_value(w, h["edge weight type"], h["edge weight dimension"],
                                             vec_state, "weight", "line %d weight" % n)
                        else:
                            if "=" in spec:
                                raise GError("line %d: weight without 'edge weights: true'" % n)
                            t, wv = spec, None
                        if t == "":
                            raise GError("line %d: empty edge id" % n)
                        t = unescape(t, "edge id")
                        if t in seen_t:
                            raise GError("line %d: duplicate edge target %r" % (n, t))
                        seen_t.add(t)
                        lst.append((t, wv))
                edges_of.append((ident, lst))
            el.update(genome=genome, seqid=seqid, start0=start0, end0=end0, br=cur)
            elements.append(el)
            block_data_lines += 1
            if br is not None:
                br["count"] += 1
    close_block()

    # ---- whole-file checks ---------------------------------------------
    # BR overlap / adjacency (type B with known ends)
    bb = [b for b in brs if b["kind"] == "B"]
    for i in range(len(bb)):
        for j in range(i + 1, len(bb)):
            a, b = bb[i], bb[j]
            if a["seqid"] != b["seqid"] or a["genome"] != b["genome"]:
                continue
            ae = a["end0"] if a["end0"] is not None else float("inf")
            be = b["end0"] if b["end0"] is not None else float("inf")
            if a["start0"] <= be and b["start0"] <= ae:
                raise GError("bounding regions at lines %d and %d overlap or touch" % (a["lineno"], b["lineno"]))
    if linked:
        idset = set(ids)
        wmap = {}
        for src, lst in edges_of:
            for t, w in lst:
                if t not in idset:
                    raise GError("edge target %r does not exist" % t)
                wmap[(src, t)] = w
        non_self = {k: v for k, v in wmap.items() if k[0] != k[1]}
        mirrored = all((b, a) in wmap and wmap[(b, a)] == w for (a, b), w in non_self.items())
        if undirected and not mirrored:
            raise GError("undirected edges: not every edge is mirrored with an equal weight")
        if not undirected and non_self and mirrored:
            raise GError("'undirected edges' is false but every edge is mirrored (avoided)")
    if h["sorted elements"] == "true":
        def bkey(b):
            return (b["genome"] or "", b["seqid"] or "", b["start0"] or 0, b["end0"] or 0)
        for a, b in zip(brs, brs[1:]):
            if bkey(b) < bkey(a):
                raise GError("bounding regions not sorted")
        for a, b in zip(elements, elements[1:]):
            if a["br"] == b["br"]:
                ka = (a["genome"] or "", a["seqid"], a["start0"], a["end0"])
                kb = (b["genome"] or "", b["seqid"], b["start0"], b["end0"])
                if kb < ka:
                    raise GError("elements not sorted")
    if h["no overlapping elements"] == "true" and not dense:
        groups = {}
        for e in elements:
            groups.setdefault((e["genome"], e["seqid"]), []).append((e["start0"], e["end0"]))
        for g in groups.values():
            g.sort()
            for (s1, e1), (s2, e2) in zip(g, g[1:]):
                if s2 < e1:
                    raise GError("overlapping elements")
    if circular != any(e.get("circular") for e in elements):
        raise GError("'circular elements' header does not match the content")

    r = Result()
    r.track_type = ttype
    r.elements = len(elements)
    r.value_type = h["value type"] if has[2] else "-"
    r.value_dim = h["value dimension"] if has[2] else "-"
    r.brs = len(brs)
    r.first_comment = first_comment
    r.headers = h
    r.empty_sparse_brs = sum(1 for b in brs if b["count"] == 0)
    return r


# ------------------------------------------------------------------- driver

def check_coverage(rows):
    gen = {}
    for f, tt, n, vt, vd, nb in rows:
        if f.startswith("generated/"):
            gen[f] = (tt, vt, vd)
    problems = []
    for tt, core in TRACK_TYPES.items():
        if not any(v[0] == tt for v in gen.values()):
            problems.append("no generated file for %s" % tt)
        if core[2]:
            for vt in VTYPES:
                for vd in VDIMS:
                    if not any(v == (tt, vt, vd) for v in gen.values()):
                        problems.append("missing %s %s %s" % (tt, vt, vd))
    combos = set()
    for f in gen:
        name = os.path.basename(f)
        for part in name.split("__"):
            if part.startswith("weights_") or part.startswith("noweights_"):
                combos.add(part.replace(".gtrack", ""))
    for d in ("directed", "undirected"):
        if "noweights_" + d not in combos:
            problems.append("no linked file without weights, %s" % d)
        for vt in VTYPES:
            for vd in VDIMS:
                if "weights_%s_%s_%s" % (vt, vd, d) not in combos:
                    problems.append("weights %s %s %s missing" % (vt, vd, d))
    return problems


def main(argv):
    if argv:
        bad = 0
        for p in argv:
            try:
                r = check_file(p)
                print("OK   %s\t%s\t%d\t%s\t%s\t%d" % (p, r.track_type, r.elements, r.value_type, r.value_dim, r.brs))
            except GError as e:
                bad += 1
                print("FAIL %s: %s" % (p, e))
        return 1 if bad else 0

    with open(MANIFEST, newline="") as f:
        text = f.read()
    if "\r" in text or not text.endswith("\n"):
        print("manifest.tsv must use LF line endings and end with a newline")
        return 1
    lines = text.split("\n")[:-1]
    if lines[0] != "file\ttrack_type\telements\tvalue_type\tvalue_dimension\tbounding_regions":
        print("bad manifest header")
        return 1
    rows = [l.split("\t") for l in lines[1:]]
    bad = 0
    listed = set()
    for row in rows:
        if len(row) != 6:
            print("bad manifest row: %r" % row)
            bad += 1
            continue
        f, tt, n, vt, vd, nb = row
        if f in listed:
            print("duplicate manifest row: %s" % f)
            bad += 1
        listed.add(f)
        path = os.path.join(HERE, f)
        try:
            r = check_file(path)
        except GError as e:
            print("FAIL %s: %s" % (f, e))
            bad += 1
            continue
        got = [r.track_type, str(r.elements), r.value_type, r.value_dim, str(r.brs)]
        if got != [tt, n, vt, vd, nb]:
            print("MISMATCH %s: manifest %s, computed %s" % (f, [tt, n, vt, vd, nb], got))
            bad += 1
        if not r.first_comment:
            print("NO LEADING COMMENT %s" % f)
            bad += 1
    on_disk = set()
    for root, _, files in os.walk(HERE):
        for fn in files:
            if fn.endswith(".gtrack") or fn.endswith(".gtrack.gz"):
                on_disk.add(os.path.relpath(os.path.join(root, fn), HERE).replace(os.sep, "/"))
    for f in sorted(on_disk - listed):
        print("NOT IN MANIFEST: %s" % f)
        bad += 1
    for f in sorted(listed - on_disk):
        print("MISSING FILE: %s" % f)
        bad += 1
    for p in check_coverage(rows):
        print("COVERAGE: %s" % p)
        bad += 1
    print("%d manifest rows checked, %d problems" % (len(rows), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
