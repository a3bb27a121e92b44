#!/usr/bin/env python3
"""Generate the systematic part of the VALID GTrack 1.0 fixture corpus.

Usage:  python3 gen_valid.py

Writes one small, valid GTrack file per

  * track type (all 15),
  * value type (number, binary, character, category) x value dimension
    (scalar, pair, vector, list) for the valued types,
  * edge variant for the linked types: directed / undirected, without
    weights, and with weights of every type x dimension,

into ``generated/`` next to this script (the directory is emptied first), plus
one gzip-compressed file.  It then rewrites ``manifest.tsv``: rows for
``generated/...`` are replaced, all other rows (the hand-written fixtures that
live directly in this directory) are kept as they are, in their order.

The script uses only the Python standard library and is deterministic: running
it twice produces byte-identical output (the gzip member has mtime 0 and no
file name).

Rules the generated files obey (GTrack 1.0 spec, see
shared/spec/gtrack-1.0-spec.txt):

  * columns are separated by TAB, lines end with LF;
  * dense types (GP, SF, F, LGP, LSF, LF, LBP) use type-B bounding regions
    with explicit start and end; for GP/SF/LGP/LSF the BR end equals the end
    of the last element of the block and the ends ascend strictly; for
    F/LF/LBP the BR end is BR start + number of data lines;
  * bounding regions never overlap and never touch (no adjoining BRs);
  * every element lies inside its type-B bounding region;
  * linked types carry a unique ``id`` column; every edge target exists;
    no target appears twice in one edges field; no self edges (those are in a
    hand-written file); with ``undirected edges: true`` every edge a->b is
    mirrored by b->a with the textually identical weight; directed files
    always contain at least one edge that is not mirrored;
  * number/category lists, vectors and pairs are comma-delimited, binary and
    character ones have no delimiter; ``.`` is a missing element; a single
    ``.`` is used for a whole value only for scalars (missing) and lists
    (empty list), never for pairs or vectors; vectors have one length per
    file (value and edge weights have different lengths on purpose);
  * category values that contain reserved characters are %XX-escaped;
    binary and character values never contain escapes;
  * 3-10 data lines per file, several sequences, missing values present.
"""

import gzip
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "generated")
MANIFEST = os.path.join(HERE, "manifest.tsv")
MANIFEST_HEADER = "file\ttrack_type\telements\tvalue_type\tvalue_dimension\tbounding_regions"

VALUE_TYPES = ["number", "binary", "character", "category"]
DIMENSIONS = ["scalar", "pair", "vector", "list"]

# (has start, has end, has value, has edges) -- spec Table 1.
TRACK_TYPES = {
    "points": (True, False, False, False),
    "valued points": (True, False, True, False),
    "segments": (True, True, False, False),
    "valued segments": (True, True, True, False),
    "genome partition": (False, True, False, False),
    "step function": (False, True, True, False),
    "function": (False, False, True, False),
    "linked points": (True, False, False, True),
    "linked valued points": (True, False, True, True),
    "linked segments": (True, True, False, True),
    "linked valued segments": (True, True, True, True),
    "linked genome partition": (False, True, False, True),
    "linked step function": (False, True, True, True),
    "linked function": (False, False, True, True),
    "linked base pairs": (False, False, False, True),
}
TRACK_TYPE_ORDER = list(TRACK_TYPES)

# Value pools.  Five tokens each; files have >= 7 elements, so every token
# (including the ones with missing elements) occurs in every file.
# Vector lengths: number 3, binary 4, character 3, category 2.
VALUE_POOL = {
    ("number", "scalar"): ["1.5", "-2", ".", "3.1e-4", "12"],
    ("number", "pair"): ["1.5,2", ".,0.25", "-3,.", "0,0", "1e-3,4.5"],
    ("number", "vector"): ["1,2.5,.", ".,.,.", "0,-1e3,4", "3.25,0.5,-1", ".,7,."],
    ("number", "list"): ["1.5,2,.", ".", "7", "0.5,0.25,0.125,1e-2", "-1,-2"],
    ("binary", "scalar"): ["0", "1", ".", "1", "0"],
    ("binary", "pair"): ["01", "1.", "11", ".0", "10"],
    ("binary", "vector"): ["1011", "0.01", "1111", "0000", "1..0"],
    ("binary", "list"): ["1011011010", ".", "1", "0.1", "00"],
    ("character", "scalar"): ["A", ".", "g", "T", "N"],
    ("character", "pair"): ["AC", "G.", "TT", ".a", "nN"],
    ("character", "vector"): ["ACG", "N.N", "ttt", "...", "GcA"],
    ("character", "list"): ["ACGT", ".", "N", "AC.GT", "gattaca"],
    ("category", "scalar"): ["exon", "EDEN%2E1", "a%2Cb", ".", "gene x"],
    ("category", "pair"): ["exon,gene", "a%2Cb,.", ".,intron", "EDEN%2E1,x%3By", ".,."],
    ("category", "vector"): ["x,y", ".,EDEN%2E1", "a%2Cb,%23tag", ".,.", "gene x,q"],
    ("category", "list"): ["exon,gene,CDS", ".", "a%2Cb", "k%3Dv,.,%23tag", "EDEN%2E1"],
}

# Edge-weight pools.  Vector lengths: number 4, binary 3, character 4,
# category 3 (deliberately different from the value vector lengths).
# Category weights escape ';' '=' ',' which would break the edges syntax.
WEIGHT_POOL = {
    ("number", "scalar"): ["0.4", ".", "1.5e-2", "-3", "7"],
    ("number", "pair"): ["0.1,0.8", ".,2", "1,.", ".,.", "-0.5,3e1"],
    ("number", "vector"): ["1,2,3,4", ".,0.5,.,1", "0,0,0,0", "-1,2e-1,.,9", ".,.,.,."],
    ("number", "list"): ["1,2", ".", "0.5", "3,.,4,5", "-1e2,7"],
    ("binary", "scalar"): ["1", "0", ".", "1", "0"],
    ("binary", "pair"): ["10", "0.", "11", ".1", "00"],
    ("binary", "vector"): ["101", "0.1", "111", "000", "1.0"],
    ("binary", "list"): ["1", ".", "0110", "1.1", "00"],
    ("character", "scalar"): ["A", "g", ".", "T", "c"],
    ("character", "pair"): ["AT", "g.", "CC", ".T", "nN"],
    ("character", "vector"): ["ACGT", "N..N", "tttt", "....", "GcAa"],
    ("character", "list"): ["A", ".", "GATC", "a.c", "TTTTT"],
    ("category", "scalar"): ["near", "far", ".", "a%3Bb", "x%3Dy"],
    ("category", "pair"): ["near,%2Cbinding", "far,.", ".,x%3Dy", "a%3Bb,b", ".,."],
    ("category", "vector"): ["p,q,r", ".,u%2Cv,w", "x,.,.", "k%3Dv,l,m", ".,.,."],
    ("category", "list"): ["tag", ".", "a,b,c", "x%3By,.", "EDEN%2E1,z"],
}

# Sparse layouts: (name, description)
#   0 plain   : seqid column, no bounding regions
#   1 brB     : type-B bounding regions (seqid, start, end), no seqid column
#   2 strand  : seqid + strand columns, value column first, no bounding regions
#   3 brA     : type-A bounding regions (two genomes) + seqid column
SPARSE_LAYOUT_DESC = {
    0: "seqid column, no bounding regions",
    1: "type-B bounding regions, seqid only in the bounding regions",
    2: "seqid and strand columns, value column placed first, no bounding regions",
    3: "type-A bounding regions (two genomes) and a seqid column",
}
# Dense layouts (always type-B BRs with explicit start and end):
#   0 plain   : "####seqid=..; start=..; end=.."
#   1 order   : attributes in another order "####seqid=..; end=..; start=.."
#   2 strand  : extra strand column
#   3 genome  : genome attribute in the BR "####genome=hg19; seqid=..; ..."
DENSE_LAYOUT_DESC = {
    0: "type-B bounding regions",
    1: "type-B bounding regions with attributes in non-canonical order",
    2: "type-B bounding regions and an extra strand column",
    3: "type-B bounding regions with a genome attribute",
}

# Sparse blocks: (seqid, region start, region end, element count)
SPARSE_BLOCKS_B = [("chr1", 0, 1000, 3), ("chr2", 500, 2000, 2), ("chr1", 5000, 6000, 2)]
SPARSE_BLOCKS_PLAIN = [("chr1", 0, 1000, 3), ("chr2", 0, 2000, 2), ("chrX", 0, 1500, 2)]
# Type-A layout: (genome, [(seqid, region start, count), ...])
SPARSE_BLOCKS_A = [("hg19", [("chr1", 0, 2), ("chr2", 0, 2)]), ("mm10", [("chr1", 0, 2), ("chrX", 1000, 1)])]
# Dense interval blocks (GP/SF/LGP/LSF): (seqid, BR start, [element ends])
DENSE_INTERVAL_BLOCKS = [("chr1", 0, [120, 250, 400]), ("chr2", 1000, [1100, 1350]), ("chr1", 600, [650, 800, 1000])]
# Dense base-pair blocks (F/LF/LBP): (seqid, BR start, number of lines)
DENSE_BP_BLOCKS = [("chr1", 10, 3), ("chr2", 0, 2), ("chr1", 100, 3)]

# Undirected edge pairs / directed edges over node indices; filtered so that
# the last node stays isolated ('.').
UNDIRECTED_PAIRS = [(0, 1), (0, 2), (1, 3), (2, 4), (3, 4), (1, 5), (4, 5), (2, 6)]
DIRECTED_EDGES = [(0, 1), (1, 0), (0, 2), (2, 3), (3, 1), (4, 0), (1, 4), (5, 2), (3, 5)]

STRANDS = ["+", "-", ".", "+", "-", "-", "+", "."]


def fname(track_type):
    return track_type.replace(" ", "_")


def pick(pool, k, off):
    return pool[(k + off) % len(pool)]


def build_edges(n, weights, undirected, off):
    """Return one edges field per node.

    weights: None or (type, dimension); undirected: bool; off: pool offset.
    """
    adj = [[] for _ in range(n)]
    pool = WEIGHT_POOL[weights] if weights else None
    if undirected:
        pairs = [p for p in UNDIRECTED_PAIRS if max(p) < n - 1]
        for j, (a, b) in enumerate(pairs):
            w = pick(pool, j, off) if pool else None
            adj[a].append((b, w))
            adj[b].append((a, w))
    else:
        edges = [e for e in DIRECTED_EDGES if max(e) < n - 1]
        for j, (a, b) in enumerate(edges):
            w = pick(pool, j, off) if pool else None
            adj[a].append((b, w))
        # sanity: at least one edge is not mirrored
        assert any((b, a) not in edges for (a, b) in edges)
    return adj


def format_edges(adj_row, ids):
    if not adj_row:
        return "."
    parts = []
    seen = set()
    for target, w in adj_row:
        assert target not in seen
        seen.add(target)
        parts.append(ids[target] if w is None else "%s=%s" % (ids[target], w))
    return ";".join(parts)


class Fixture(object):
    def __init__(self, name):
        self.name = name
        self.comments = []
        self.headers = []
        self.columns = []
        self.body = []  # BR lines and data lines, already joined
        self.track_type = None
        self.elements = 0
        self.value_type = "-"
        self.value_dim = "-"
        self.brs = 0

    def text(self):
        lines = ["# " + c if c else "#" for c in self.comments]
        lines += ["##%s: %s" % kv for kv in self.headers]
        lines.append("###" + "\t".join(self.columns))
        lines += self.body
        return "\n".join(lines) + "\n"

    def manifest_row(self, prefix="generated/"):
        return "\t".join([prefix + self.name, self.track_type, str(self.elements),
                          self.value_type, self.value_dim, str(self.brs)])


def make_fixture(track_type, value=None, edges=None, layout=0, off=0, suffix=None):
    """value: None or (vtype, vdim); edges: None or dict(weights=..., undirected=...)."""
    has_start, has_end, has_value, has_edges = TRACK_TYPES[track_type]
    assert has_value == (value is not None)
    assert has_edges == (edges is not None)
    dense = not has_start

    parts = [fname(track_type)]
    if value:
        parts.append("%s_%s" % value)
    if edges:
        if edges["weights"]:
            e = "weights_%s_%s" % edges["weights"]
        else:
            e = "noweights"
        e += "_undirected" if edges["undirected"] else "_directed"
        parts.append(e)
    if not value and not edges:
        parts.append("novalue")
    if suffix:
        parts.append(suffix)
    fx = Fixture("__".join(parts) + ".gtrack")
    fx.track_type = track_type
    if value:
        fx.value_type, fx.value_dim = value

    # ---- comments -------------------------------------------------------
    fx.comments.append("GTrack 1.0 valid fixture, generated by gen_valid.py -- do not edit by hand.")
    what = "Exercises track type '%s'" % track_type
    if value:
        what += ", value type %s with dimension %s" % value
    else:
        what += " (no value column)"
    fx.comments.append(what + ".")
    if edges:
        if edges["weights"]:
            ew = "edge weights of type %s with dimension %s" % edges["weights"]
        else:
            ew = "edges without weights"
        fx.comments.append("Edges: %s, %s." % ("undirected (every edge mirrored with an equal weight)"
                                              if edges["undirected"] else "directed (not all edges mirrored)", ew))
    fx.comments.append("Layout: %s." % (DENSE_LAYOUT_DESC if dense else SPARSE_LAYOUT_DESC)[layout])
    if value or (edges and edges["weights"]):
        fx.comments.append("Missing values and missing elements are written as '.'.")
    if edges:
        fx.comments.append("A '.' in the edges column means: no edges.")

    # ---- headers --------------------------------------------------------
    fx.headers.append(("gtrack version", "1.0"))
    fx.headers.append(("track type", track_type))
    if value:
        fx.headers.append(("value type", value[0]))
        fx.headers.append(("value dimension", value[1]))
    if edges:
        fx.headers.append(("undirected edges", "true" if edges["undirected"] else "false"))
        fx.headers.append(("edge weights", "true" if edges["weights"] else "false"))
        if edges["weights"]:
            fx.headers.append(("edge weight type", edges["weights"][0]))
            fx.headers.append(("edge weight dimension", edges["weights"][1]))

    # ---- element skeleton: list of dicts with seqid/start/end/br ----------
    elements = []  # dict(seqid=, start=, end=)
    br_before = {}  # element index -> BR line to emit before it
    if dense:
        if has_end:
            blocks = [(s, b, list(ends)) for (s, b, ends) in DENSE_INTERVAL_BLOCKS]
        else:
            blocks = [(s, b, [None] * n) for (s, b, n) in DENSE_BP_BLOCKS]
        for seqid, br_start, ends in blocks:
            if has_end:
                br_end = ends[-1]
                assert all(x < y for x, y in zip([br_start] + ends, ends))
            else:
                br_end = br_start + len(ends)
            if layout == 1:
                br = "####seqid=%s; end=%d; start=%d" % (seqid, br_end, br_start)
            elif layout == 3:
                br = "####genome=hg19; seqid=%s; start=%d; end=%d" % (seqid, br_start, br_end)
            else:
                br = "####seqid=%s; start=%d; end=%d" % (seqid, br_start, br_end)
            br_before[len(elements)] = br
            for e in ends:
                elements.append(dict(seqid=seqid, start=None, end=e))
        fx.brs = len(blocks)
    else:
        if layout == 3:
            flat = []
            for genome, blocks in SPARSE_BLOCKS_A:
                br_before[len(flat)] = "####genome=%s" % genome
                for seqid, rs, cnt in blocks:
                    flat.append((seqid, rs, cnt))
                    for _ in range(cnt - 1):
                        flat.append(None)
            fx.brs = len(SPARSE_BLOCKS_A)
            block_list = [(s, rs, rs + 1000, c) for (g, bl) in SPARSE_BLOCKS_A for (s, rs, c) in bl]
        elif layout == 1:
            block_list = SPARSE_BLOCKS_B
            idx = 0
            for seqid, rs, re_, cnt in block_list:
                br_before[idx] = "####seqid=%s; start=%d; end=%d" % (seqid, rs, re_)
                idx += cnt
            fx.brs = len(block_list)
        else:
            block_list = SPARSE_BLOCKS_PLAIN
        for b, (seqid, rs, re_, cnt) in enumerate(block_list):
            for i in range(cnt):
                start = rs + 50 + 200 * i + 7 * b
                end = start + 30 + 11 * i
                assert rs <= start and end <= re_
                elements.append(dict(seqid=seqid, start=start, end=end))
    n = len(elements)
    assert 3 <= n <= 10
    fx.elements = n

    # ---- columns --------------------------------------------------------
    seqid_col = not dense and layout != 1
    strand_col = layout == 2
    cols = []
    if dense:
        if has_edges:
            cols.append("id")
        if has_end:
            cols.append("end")
        if has_value:
            cols.append("value")
        if has_edges and not has_end:
            # LF: value id edges / LBP: id edges
            cols = (["value"] if has_value else []) + ["id", "edges"]
        elif has_edges:
            cols.append("edges")
        if strand_col:
            cols.append("strand")
    else:
        if layout == 2 and has_value:
            cols.append("value")
        if seqid_col:
            cols.append("seqid")
        cols.append("start")
        if has_end:
            cols.append("end")
        if has_value and layout != 2:
            cols.append("value")
        if strand_col:
            cols.append("strand")
        if has_edges:
            cols += ["id", "edges"]
    fx.columns = cols

    # ---- values / ids / edges ------------------------------------------------
    ids = ["n%d" % (k + 1) for k in range(n)]
    adj = build_edges(n, edges["weights"], edges["undirected"], off) if edges else None
    vpool = VALUE_POOL[value] if value else None

    for k, el in enumerate(elements):
        if k in br_before:
            fx.body.append(br_before[k])
        row = []
        for c in cols:
            if c == "seqid":
                row.append(el["seqid"])
            elif c == "start":
                row.append(str(el["start"]))
            elif c == "end":
                row.append(str(el["end"]))
            elif c == "value":
                row.append(pick(vpool, k, off))
            elif c == "strand":
                row.append(STRANDS[k % len(STRANDS)])
            elif c == "id":
                row.append(ids[k])
            elif c == "edges":
                row.append(format_edges(adj[k], ids))
            else:
                raise AssertionError(c)
        fx.body.append("\t".join(row))
    return fx


def all_fixtures():
    out = []
    for tt in TRACK_TYPE_ORDER:
        has_start, has_end, has_value, has_edges = TRACK_TYPES[tt]
        t_index = TRACK_TYPE_ORDER.index(tt)
        if not has_edges:
            if has_value:
                for vi, vt in enumerate(VALUE_TYPES):
                    for di, vd in enumerate(DIMENSIONS):
                        out.append(make_fixture(tt, value=(vt, vd), layout=di, off=vi + di))
            else:
                out.append(make_fixture(tt, layout=t_index % 4, off=t_index))
        elif not has_value:
            # linked types without values: both directions without weights,
            # then every weight type x dimension (direction alternating).
            for j, und in enumerate([False, True]):
                out.append(make_fixture(tt, edges=dict(weights=None, undirected=und),
                                        layout=(t_index + j) % 4, off=j))
            k = 0
            for wi, wt in enumerate(VALUE_TYPES):
                for di, wd in enumerate(DIMENSIONS):
                    und = (k + t_index) % 2 == 0
                    out.append(make_fixture(tt, edges=dict(weights=(wt, wd), undirected=und),
                                            layout=(k + t_index) % 4, off=k))
                    k += 1
        else:
            # linked valued types: every value type x dimension; the edge
            # variant rotates over {no weights} + 16 weight combinations.
            variants = [None] + [(wt, wd) for wt in VALUE_TYPES for wd in DIMENSIONS]
            k = 0
            for vi, vt in enumerate(VALUE_TYPES):
                for di, vd in enumerate(DIMENSIONS):
                    w = variants[(k + 4 * t_index) % len(variants)]
                    und = (k + t_index) % 2 == 1
                    out.append(make_fixture(tt, value=(vt, vd), edges=dict(weights=w, undirected=und),
                                            layout=di, off=k))
                    k += 1
    names = [f.name for f in out]
    assert len(names) == len(set(names)), "duplicate fixture names"
    return out


GZIP_NAME = "segments__gzip.gtrack.gz"
GZIP_TEXT = (
    "# GTrack 1.0 valid fixture, generated by gen_valid.py -- do not edit by hand.\n"
    "# Exercises gzip compression (spec section 'Compression': fully compliant\n"
    "# parsers must read .gtrack.gz files). Content: track type 'segments'.\n"
    "##gtrack version: 1.0\n"
    "##track type: segments\n"
    "###seqid\tstart\tend\n"
    "chr1\t100\t165\n"
    "chr1\t200\t299\n"
    "chr2\t300\t399\n"
)


def write_gzip(path, text):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("ascii"))
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def update_manifest(generated_rows):
    kept = []
    if os.path.exists(MANIFEST):
        with open(MANIFEST, "r", newline="") as f:
            lines = f.read().split("\n")
        for line in lines[1:]:
            if line and not line.startswith("generated/"):
                kept.append(line)
    with open(MANIFEST, "w", newline="") as f:
        f.write(MANIFEST_HEADER + "\n")
        for row in kept + sorted(generated_rows):
            f.write(row + "\n")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for old in os.listdir(OUT_DIR):
        if old.endswith(".gtrack") or old.endswith(".gtrack.gz"):
            os.remove(os.path.join(OUT_DIR, old))

    rows = []
    fixtures = all_fixtures()
    for fx in fixtures:
        with open(os.path.join(OUT_DIR, fx.name), "w", newline="") as f:
            f.write(fx.text())
        rows.append(fx.manifest_row())

    write_gzip(os.path.join(OUT_DIR, GZIP_NAME), GZIP_TEXT)
    rows.append("\t".join(["generated/" + GZIP_NAME, "segments", "3", "-", "-", "0"]))

    update_manifest(rows)
    sys.stdout.write("wrote %d files to %s and updated %s\n" % (len(rows), OUT_DIR, MANIFEST))


if __name__ == "__main__":
    main()
