//! SVG pictures, hand-written (no plotting dependency): the null
//! distribution of a Monte Carlo test with the observed value marked, and a
//! per-bin statistic along the genome.
//!
//! The observed value is drawn as a line with `id="observed"` (and class
//! `observed`) so tools and tests can find it.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use gtrack_core::Region;

const W: f64 = 640.0;
const H: f64 = 400.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 60.0;

/// Labels of a plot.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Labels {
    /// Title above the plot.
    pub title: String,
    /// x-axis label.
    pub x: String,
    /// y-axis label.
    pub y: String,
}

/// Escapes text for SVG/XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// A number formatted for an axis tick (compact, at most 4 significant digits).
pub fn tick_label(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if !(1e-3..1e6).contains(&a) {
        return format!("{x:.2e}");
    }
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.len() > 9 {
        format!("{x:.3}")
    } else {
        s.to_string()
    }
}

/// "Nice" tick positions covering `[lo, hi]` (about `n` of them).
fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if hi <= lo || !lo.is_finite() || !hi.is_finite() {
        return vec![lo];
    }
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).ceil() * step;
    let mut v = vec![];
    while t <= hi + step * 1e-9 && v.len() < 50 {
        v.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    v
}

struct Frame {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl Frame {
    fn px(&self, x: f64) -> f64 {
        LEFT + (x - self.x0) / (self.x1 - self.x0) * (W - LEFT - RIGHT)
    }
    fn py(&self, y: f64) -> f64 {
        H - BOTTOM - (y - self.y0) / (self.y1 - self.y0) * (H - TOP - BOTTOM)
    }
}

fn header(out: &mut String, labels: &Labels) {
    let _ = write!(
        out,
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">
<title>{t}</title>
<rect x="0" y="0" width="{W}" height="{H}" fill="white"/>
<text x="{cx}" y="22" text-anchor="middle" font-size="15">{t}</text>
"##,
        t = escape(&labels.title),
        cx = W / 2.0
    );
}

fn axes(out: &mut String, f: &Frame, labels: &Labels, xticks: bool) {
    let (bx, by) = (H - BOTTOM, LEFT);
    let _ = writeln!(
        out,
        r##"<g class="axes" stroke="black" fill="none"><line x1="{LEFT}" y1="{bx}" x2="{x2}" y2="{bx}"/><line x1="{by}" y1="{TOP}" x2="{by}" y2="{bx}"/></g>"##,
        x2 = W - RIGHT
    );
    if xticks {
        for t in ticks(f.x0, f.x1, 6) {
            let x = f.px(t);
            let _ = writeln!(
                out,
                r##"<line x1="{x:.2}" y1="{bx}" x2="{x:.2}" y2="{y2}" stroke="black"/><text x="{x:.2}" y="{ty}" text-anchor="middle">{l}</text>"##,
                y2 = bx + 5.0,
                ty = bx + 18.0,
                l = escape(&tick_label(t))
            );
        }
    }
    for t in ticks(f.y0, f.y1, 5) {
        let y = f.py(t);
        let _ = writeln!(
            out,
            r##"<line x1="{x1}" y1="{y:.2}" x2="{LEFT}" y2="{y:.2}" stroke="black"/><text x="{tx}" y="{ty:.2}" text-anchor="end">{l}</text>"##,
            x1 = LEFT - 5.0,
            tx = LEFT - 8.0,
            ty = y + 4.0,
            l = escape(&tick_label(t))
        );
    }
    let _ = writeln!(
        out,
        r##"<text class="x-label" x="{cx}" y="{y}" text-anchor="middle">{l}</text>"##,
        cx = (LEFT + W - RIGHT) / 2.0,
        y = H - 15.0,
        l = escape(&labels.x)
    );
    let _ = writeln!(
        out,
        r##"<text class="y-label" x="18" y="{cy}" text-anchor="middle" transform="rotate(-90 18 {cy})">{l}</text>"##,
        cy = (TOP + H - BOTTOM) / 2.0,
        l = escape(&labels.y)
    );
}

/// Histogram of the null distribution `null` (NaN ignored) with the
/// observed value marked by a red line (`id="observed"`). Bins: the
/// Freedman–Diaconis width, between 5 and 60 bins.
pub fn null_histogram_svg(null: &[f64], observed: f64, labels: &Labels) -> String {
    let mut v: Vec<f64> = null.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let mut lo = v.first().copied().unwrap_or(0.0);
    let mut hi = v.last().copied().unwrap_or(1.0);
    if observed.is_finite() {
        lo = lo.min(observed);
        hi = hi.max(observed);
    }
    if hi <= lo {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    let n = v.len();
    let nbins = if n < 2 {
        5
    } else {
        let q = |p: f64| v[((n - 1) as f64 * p).round() as usize];
        let iqr = q(0.75) - q(0.25);
        let width = 2.0 * iqr / (n as f64).cbrt();
        if width > 0.0 {
            (((hi - lo) / width).ceil() as usize).clamp(5, 60)
        } else {
            ((n as f64).sqrt() as usize).clamp(5, 60)
        }
    };
    let bw = (hi - lo) / nbins as f64;
    let mut counts = vec![0u64; nbins];
    for &x in &v {
        let b = (((x - lo) / bw) as usize).min(nbins - 1);
        counts[b] += 1;
    }
    let ymax = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let f = Frame {
        x0: lo,
        x1: hi,
        y0: 0.0,
        y1: ymax * 1.08,
    };
    let mut out = String::new();
    header(&mut out, labels);
    out.push_str("<g class=\"bars\" fill=\"#8aa6c8\" stroke=\"#4a6a90\">\n");
    for (i, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let (x0, x1) = (f.px(lo + i as f64 * bw), f.px(lo + (i + 1) as f64 * bw));
        let (y0, y1) = (f.py(c as f64), f.py(0.0));
        let _ = writeln!(
            out,
            r##"<rect x="{x0:.2}" y="{y0:.2}" width="{w:.2}" height="{h:.2}"><title>{c} samples in [{a}, {b})</title></rect>"##,
            w = (x1 - x0).max(0.5),
            h = y1 - y0,
            a = escape(&tick_label(lo + i as f64 * bw)),
            b = escape(&tick_label(lo + (i + 1) as f64 * bw)),
        );
    }
    out.push_str("</g>\n");
    axes(&mut out, &f, labels, true);
    if observed.is_finite() {
        let x = f.px(observed);
        let _ = writeln!(
            out,
            r##"<line id="observed" class="observed" x1="{x:.2}" y1="{TOP}" x2="{x:.2}" y2="{y2}" stroke="#c0392b" stroke-width="2"/><text x="{tx:.2}" y="{ty}" fill="#c0392b" text-anchor="{anchor}">observed {l}</text>"##,
            y2 = H - BOTTOM,
            tx = if x > W / 2.0 { x - 4.0 } else { x + 4.0 },
            ty = TOP + 12.0,
            anchor = if x > W / 2.0 { "end" } else { "start" },
            l = escape(&tick_label(observed))
        );
    }
    out.push_str("</svg>\n");
    out
}

/// One bin's statistic for [`per_bin_svg`].
#[derive(Debug, Clone, PartialEq)]
pub struct BinValue {
    /// The bin.
    pub bin: Region,
    /// Its statistic (NaN: no value; drawn as a gap).
    pub value: f64,
}

/// A per-bin statistic along the genome: sequences laid end to end in the
/// order given (x = cumulative position, sequence names under the axis and
/// dashed separators), one horizontal step per bin at its value.
pub fn per_bin_svg(values: &[BinValue], labels: &Labels) -> String {
    // Sequence offsets in first-appearance order.
    let mut seqs: Vec<(String, u64)> = Vec::new();
    for bv in values {
        match seqs.iter_mut().find(|s| s.0 == bv.bin.seqid) {
            Some(s) => s.1 = s.1.max(bv.bin.end),
            None => seqs.push((bv.bin.seqid.clone(), bv.bin.end)),
        }
    }
    let mut offsets = Vec::with_capacity(seqs.len());
    let mut total = 0u64;
    for s in &seqs {
        offsets.push(total);
        total += s.1;
    }
    let off = |id: &str| {
        seqs.iter()
            .position(|s| s.0 == id)
            .map_or(0, |i| offsets[i])
    };
    let finite: Vec<f64> = values
        .iter()
        .map(|v| v.value)
        .filter(|x| x.is_finite())
        .collect();
    let mut y0 = finite
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .min(0.0);
    let mut y1 = finite
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
        .max(0.0);
    if !y0.is_finite() || !y1.is_finite() || y1 <= y0 {
        y0 = 0.0;
        y1 = 1.0;
    }
    let pad = (y1 - y0) * 0.05;
    let f = Frame {
        x0: 0.0,
        x1: total.max(1) as f64,
        y0: y0 - if y0 < 0.0 { pad } else { 0.0 },
        y1: y1 + pad,
    };
    let mut out = String::new();
    header(&mut out, labels);
    // Sequence separators and names.
    for (i, (id, len)) in seqs.iter().enumerate() {
        let (a, b) = (f.px(offsets[i] as f64), f.px((offsets[i] + len) as f64));
        if i > 0 {
            let _ = writeln!(
                out,
                r##"<line x1="{a:.2}" y1="{TOP}" x2="{a:.2}" y2="{y2}" stroke="#999" stroke-dasharray="4 3"/>"##,
                y2 = H - BOTTOM
            );
        }
        let _ = writeln!(
            out,
            r##"<text class="seqid" x="{x:.2}" y="{y}" text-anchor="middle">{l}</text>"##,
            x = (a + b) / 2.0,
            y = H - BOTTOM + 16.0,
            l = escape(id)
        );
    }
    out.push_str("<g class=\"bins\" stroke=\"#2c6fbb\" stroke-width=\"2\">\n");
    for bv in values {
        if !bv.value.is_finite() {
            continue;
        }
        let o = off(&bv.bin.seqid);
        let (x0, x1) = (
            f.px((o + bv.bin.start) as f64),
            f.px((o + bv.bin.end) as f64),
        );
        let y = f.py(bv.value);
        let _ = writeln!(
            out,
            r##"<line x1="{x0:.2}" y1="{y:.2}" x2="{x1:.2}" y2="{y:.2}"><title>{b}: {v}</title></line>"##,
            b = escape(&format!("{}:{}-{}", bv.bin.seqid, bv.bin.start, bv.bin.end)),
            v = escape(&tick_label(bv.value))
        );
    }
    out.push_str("</g>\n");
    if f.y0 < 0.0 {
        let y = f.py(0.0);
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" y1="{y:.2}" x2="{x2}" y2="{y:.2}" stroke="#bbb"/>"##,
            x2 = W - RIGHT
        );
    }
    axes(&mut out, &f, labels, false);
    out.push_str("</svg>\n");
    out
}

/// Writes `svg` to `path` atomically (temporary file in the target
/// directory, then rename).
pub fn write_svg(path: &Path, svg: &str) -> io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(svg.as_bytes())?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice() {
        assert_eq!(ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(tick_label(2500.0), "2500");
        assert_eq!(tick_label(0.125), "0.125");
        assert_eq!(tick_label(3e7), "3.00e7");
    }
}
