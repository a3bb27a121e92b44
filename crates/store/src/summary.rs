//! Values over regions (like `bigWigAverageOverBed`), for every track type.

use std::fmt;
use std::str::FromStr;

use crate::read::View;

/// A statistic of a track over a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    /// Number of elements overlapping the region.
    Count,
    /// Bases of the region covered by at least one element.
    Coverage,
    /// Sum of value × overlapping bases (points: value), over valued elements.
    Sum,
    /// `Sum` divided by the valued bases overlapping the region
    /// (bigWigAverageOverBed's `mean`; points: mean of their values).
    Mean,
    /// Smallest value of an overlapping element.
    Min,
    /// Largest value of an overlapping element.
    Max,
}

impl Stat {
    /// All statistics.
    pub const ALL: [Stat; 6] = [
        Stat::Count,
        Stat::Coverage,
        Stat::Sum,
        Stat::Mean,
        Stat::Min,
        Stat::Max,
    ];
    /// Name as used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Stat::Count => "count",
            Stat::Coverage => "coverage",
            Stat::Sum => "sum",
            Stat::Mean => "mean",
            Stat::Min => "min",
            Stat::Max => "max",
        }
    }
    /// Whether the statistic needs numeric values.
    pub fn needs_values(self) -> bool {
        matches!(self, Stat::Sum | Stat::Mean | Stat::Min | Stat::Max)
    }
}

impl fmt::Display for Stat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Stat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Stat::ALL
            .into_iter()
            .find(|x| x.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a statistic (expected count, coverage, sum, mean, min or max)"
                )
            })
    }
}

/// Everything the statistics are computed from, for one region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Elements overlapping the region.
    pub count: u64,
    /// Bases of the region covered by at least one element.
    pub covered: u64,
    /// Overlapping bases (points: 1 each) of elements with a numeric value.
    pub valued_bases: u64,
    /// Σ value × overlapping bases.
    pub sum: f64,
    /// Smallest value (+∞ without values).
    pub min: f64,
    /// Largest value (−∞ without values).
    pub max: f64,
}

impl Summary {
    /// The statistic, or `None` when undefined (a mean, min or max
    /// without any valued element in the region).
    pub fn get(&self, stat: Stat) -> Option<f64> {
        match stat {
            Stat::Count => Some(self.count as f64),
            Stat::Coverage => Some(self.covered as f64),
            Stat::Sum => Some(self.sum),
            Stat::Mean => (self.valued_bases > 0).then(|| self.sum / self.valued_bases as f64),
            Stat::Min => (self.valued_bases > 0).then_some(self.min),
            Stat::Max => (self.valued_bases > 0).then_some(self.max),
        }
    }
}

/// Summarise the elements of `view` over its query interval. Element
/// parts outside the interval do not count towards coverage or sums.
pub fn summarize(view: &View<'_>) -> Summary {
    let (qs, qe) = view.query();
    let mut s = Summary {
        count: 0,
        covered: 0,
        valued_bases: 0,
        sum: 0.0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };
    // Coverage: a sweep over clipped intervals in start order.
    let (mut run_s, mut run_e) = (0u64, 0u64);
    let mut open = false;
    // Fast path: non-nested scalar numbers with stored starts/ends.
    if let (Some(st), Some(en), Some(vals)) = (view.starts(), view.ends(), view.numbers()) {
        if view.is_exact() {
            for k in 0..st.len() {
                let (a, b) = (st[k].max(qs), en[k].max(st[k] + 1).min(qe));
                s.count += 1;
                add_cover(&mut open, &mut run_s, &mut run_e, &mut s.covered, a, b);
                let v = vals[k];
                if !v.is_nan() {
                    let w = b.saturating_sub(a);
                    s.valued_bases += w;
                    s.sum += v * w as f64;
                    s.min = s.min.min(v);
                    s.max = s.max.max(v);
                }
            }
            if open {
                s.covered += run_e - run_s;
            }
            return s;
        }
    }
    for i in view.iter() {
        let (st, en) = (view.start(i), view.end(i));
        let (a, b) = (st.max(qs), en.max(st + 1).min(qe));
        s.count += 1;
        add_cover(&mut open, &mut run_s, &mut run_e, &mut s.covered, a, b);
        if let Some(v) = view.number(i) {
            let w = b.saturating_sub(a);
            s.valued_bases += w;
            s.sum += v * w as f64;
            s.min = s.min.min(v);
            s.max = s.max.max(v);
        }
    }
    if open {
        s.covered += run_e - run_s;
    }
    s
}

fn add_cover(open: &mut bool, rs: &mut u64, re: &mut u64, covered: &mut u64, a: u64, b: u64) {
    if b <= a {
        return;
    }
    if *open && a <= *re {
        *re = (*re).max(b);
    } else {
        if *open {
            *covered += *re - *rs;
        }
        *rs = a;
        *re = b;
        *open = true;
    }
}
