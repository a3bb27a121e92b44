//! Distributions and classical tests, written for accuracy: every
//! p-value here is checked in the tests against values computed
//! independently with SciPy/mpmath to 1e-9.
//!
//! - [`ln_gamma`], [`reg_gamma_p`]/[`reg_gamma_q`], [`reg_beta`]: special
//!   functions (Lanczos; series and Lentz continued fractions).
//! - [`normal_cdf`], [`normal_sf`]: via the complementary error function.
//! - [`binom_pmf`] (Loader's saddle-point form, exact in relative terms
//!   even for billions of trials), [`binom_cdf`], [`binom_sf`]: tail sums
//!   started at the far side of the mode, so no cancellation.
//! - [`binomial_test`]: the rule of the reference (normal approximation
//!   when `np ≥ 5` and `n(1−p) ≥ 5`, exact binomial otherwise).
//! - [`wilcoxon_signed_rank`], [`kendall_tau`], [`pearson`], [`spearman`].
//!
//! Tails: [`Tail::More`] asks whether the statistic is larger than under
//! the null (right tail), [`Tail::Less`] smaller, [`Tail::Different`]
//! either: `p = min(1, 2·min(left, right))`.

use std::f64::consts::PI;

/// Which tail of the null distribution is extreme.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Tail {
    /// Larger than expected (right tail).
    #[default]
    More,
    /// Smaller than expected (left tail).
    Less,
    /// Either direction (two-sided: twice the smaller tail, at most 1).
    Different,
}

impl Tail {
    /// The name used on the command line (`more`, `less`, `different`).
    pub fn name(self) -> &'static str {
        match self {
            Tail::More => "more",
            Tail::Less => "less",
            Tail::Different => "different",
        }
    }
    /// Parses `more`, `less` or `different` (and the aliases of
    /// [`std::str::FromStr`]); `None` otherwise.
    pub fn parse(s: &str) -> Option<Tail> {
        s.parse().ok()
    }
    /// Combine the two one-sided p-values `P(T ≤ t)` and `P(T ≥ t)`.
    pub fn combine(self, left: f64, right: f64) -> f64 {
        match self {
            Tail::More => right.min(1.0),
            Tail::Less => left.min(1.0),
            Tail::Different => (2.0 * left.min(right)).min(1.0),
        }
    }
}

impl std::str::FromStr for Tail {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "more" | "greater" | "right" => Ok(Tail::More),
            "less" | "left" => Ok(Tail::Less),
            "different" | "two-sided" | "both" => Ok(Tail::Different),
            _ => Err(format!(
                "unknown tail `{s}` (expected more, less or different)"
            )),
        }
    }
}

const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7; relative error ≈ 1e-15).
/// Integers up to 20 are summed exactly.
pub fn ln_gamma(x: f64) -> f64 {
    if x <= 0.0 || x.is_nan() {
        return f64::NAN;
    }
    if x == x.floor() && x <= 21.0 {
        return (2..x as u64).map(|k| (k as f64).ln()).sum();
    }
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = LANCZOS[0];
    let t = x + 7.5;
    for (i, c) in LANCZOS.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

const EPS: f64 = 1e-16;
const TINY: f64 = 1e-300;

/// Regularised lower incomplete gamma `P(a, x)`.
pub fn reg_gamma_p(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x < a + 1.0 {
        gamma_series(a, x)
    } else {
        1.0 - gamma_cf(a, x)
    }
}

/// Regularised upper incomplete gamma `Q(a, x) = 1 − P(a, x)`.
pub fn reg_gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    if x < a + 1.0 {
        1.0 - gamma_series(a, x)
    } else {
        gamma_cf(a, x)
    }
}

fn gamma_series(a: f64, x: f64) -> f64 {
    let mut ap = a;
    let mut term = 1.0 / a;
    let mut sum = term;
    for _ in 0..100_000 {
        ap += 1.0;
        term *= x / ap;
        sum += term;
        if term.abs() < sum.abs() * EPS {
            break;
        }
    }
    sum * (-x + a * x.ln() - ln_gamma(a)).exp()
}

fn gamma_cf(a: f64, x: f64) -> f64 {
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..100_000 {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < TINY {
            d = TINY;
        }
        c = b + an / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    (-x + a * x.ln() - ln_gamma(a)).exp() * h
}

/// Complementary error function.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x >= 0.0 {
        reg_gamma_q(0.5, x * x)
    } else {
        1.0 + reg_gamma_p(0.5, x * x)
    }
}

/// Standard normal `P(Z ≤ z)`.
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// Standard normal `P(Z ≥ z)`.
pub fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// Regularised incomplete beta `I_x(a, b)`.
pub fn reg_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (-x).ln_1p();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    let max = 1000 + (20.0 * a.max(b).sqrt()) as usize * 10;
    for m in 1..max {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// Two-sided `P(|T| ≥ |t|)` for Student's t with `df` degrees of freedom.
pub fn student_t_two_sided(t: f64, df: f64) -> f64 {
    if t.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    reg_beta(df / (df + t * t), df / 2.0, 0.5)
}

/// `P(T ≥ t)` for Student's t with `df` degrees of freedom.
pub fn student_t_sf(t: f64, df: f64) -> f64 {
    let two = student_t_two_sided(t, df);
    if t >= 0.0 {
        two / 2.0
    } else {
        1.0 - two / 2.0
    }
}

// --- Binomial -------------------------------------------------------------

/// `ln(n!) − [(n + ½) ln n − n + ln √(2π)]` (Stirling's error).
fn stirlerr(n: f64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        return ln_gamma(n + 1.0) - (n + 0.5) * n.ln() + n - 0.5 * (2.0 * PI).ln();
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// Deviance term `x ln(x/m) + m − x`, computed without cancellation.
fn bd0(x: f64, m: f64) -> f64 {
    if (x - m).abs() < 0.1 * (x + m) {
        let mut v = (x - m) / (x + m);
        let mut s = (x - m) * v;
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / (2 * j + 1) as f64;
            if s1 == s {
                return s1;
            }
            s = s1;
        }
        s
    } else {
        x * (x / m).ln() + m - x
    }
}

/// Binomial probability `P(X = k)`, `X ~ Bin(n, p)` (Loader's algorithm:
/// accurate to a few ulps in relative terms for any `n`).
pub fn binom_pmf(k: u64, n: u64, p: f64) -> f64 {
    if k > n || !(0.0..=1.0).contains(&p) {
        return 0.0;
    }
    let q = 1.0 - p;
    if p == 0.0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    if p == 1.0 {
        return if k == n { 1.0 } else { 0.0 };
    }
    let (nf, kf) = (n as f64, k as f64);
    if k == 0 {
        return (nf * (-p).ln_1p()).exp();
    }
    if k == n {
        return (nf * p.ln()).exp();
    }
    let lc =
        stirlerr(nf) - stirlerr(kf) - stirlerr(nf - kf) - bd0(kf, nf * p) - bd0(nf - kf, nf * q);
    let lf = (2.0 * PI).ln() + kf.ln() + (-kf / nf).ln_1p();
    (lc - 0.5 * lf).exp()
}

/// `Σ_{j ≥ k} P(X = j)`, summed away from the mode (for `k ≥ mean`).
fn upper_sum(k: u64, n: u64, p: f64) -> f64 {
    let ratio = p / (1.0 - p);
    let mut term = binom_pmf(k, n, p);
    let mut sum = term;
    let mut j = k;
    while j < n && term > sum * 1e-17 {
        term *= (n - j) as f64 / (j + 1) as f64 * ratio;
        j += 1;
        sum += term;
    }
    sum
}

/// `Σ_{j ≤ k} P(X = j)`, summed away from the mode (for `k ≤ mean`).
fn lower_sum(k: u64, n: u64, p: f64) -> f64 {
    let ratio = (1.0 - p) / p;
    let mut term = binom_pmf(k, n, p);
    let mut sum = term;
    let mut j = k;
    while j > 0 && term > sum * 1e-17 {
        term *= j as f64 / (n - j + 1) as f64 * ratio;
        j -= 1;
        sum += term;
    }
    sum
}

/// Binomial `P(X ≤ k)`.
pub fn binom_cdf(k: u64, n: u64, p: f64) -> f64 {
    if k >= n || p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return 0.0;
    }
    let mean = n as f64 * p;
    if (k as f64) <= mean {
        lower_sum(k, n, p).min(1.0)
    } else {
        (1.0 - upper_sum(k + 1, n, p)).max(0.0)
    }
}

/// Binomial `P(X ≥ k)`.
pub fn binom_sf(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let mean = n as f64 * p;
    if (k as f64) > mean {
        upper_sum(k, n, p).min(1.0)
    } else {
        (1.0 - lower_sum(k - 1, n, p)).max(0.0)
    }
}

/// Result of an analytic test.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TestResult {
    /// Which test was used (e.g. `binomial (exact)`).
    pub method: String,
    /// The p-value for the requested tail, `None` when undefined.
    pub p_value: Option<f64>,
    /// The expected value of the statistic under the null, when defined.
    pub expected: Option<f64>,
    /// The test's own statistic (z, W+, τ, r), when it has one.
    pub statistic: Option<f64>,
}

/// The binomial test of the reference: `x` successes out of `n` with
/// success probability `p`. The normal approximation (no continuity
/// correction, `z = (x − np)/√(np(1−p))`) is used when `np ≥ 5` and
/// `n(1−p) ≥ 5`; otherwise exact binomial tails.
pub fn binomial_test(x: u64, n: u64, p: f64, tail: Tail) -> TestResult {
    let nf = n as f64;
    let expected = nf * p;
    if n == 0 || !(0.0..=1.0).contains(&p) || p.is_nan() {
        return TestResult {
            method: "binomial".into(),
            p_value: None,
            expected: (n > 0).then_some(expected),
            statistic: None,
        };
    }
    if expected >= 5.0 && nf * (1.0 - p) >= 5.0 {
        let z = (x as f64 - expected) / (expected * (1.0 - p)).sqrt();
        TestResult {
            method: "binomial (normal approximation)".into(),
            p_value: Some(tail.combine(normal_cdf(z), normal_sf(z))),
            expected: Some(expected),
            statistic: Some(z),
        }
    } else {
        TestResult {
            method: "binomial (exact)".into(),
            p_value: Some(tail.combine(binom_cdf(x, n, p), binom_sf(x, n, p))),
            expected: Some(expected),
            statistic: None,
        }
    }
}

// --- Ranks and rank tests --------------------------------------------------

/// Average ranks (1-based) of `x`; ties share the mean of their ranks.
/// Also returns `Σ (t³ − t)` over tie groups.
pub fn average_ranks(x: &[f64]) -> (Vec<f64>, f64) {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ranks = vec![0.0; x.len()];
    let mut ties = 0.0;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i + 1;
        while j < idx.len() && x[idx[j]] == x[idx[i]] {
            j += 1;
        }
        let r = (i + j + 1) as f64 / 2.0;
        for &k in &idx[i..j] {
            ranks[k] = r;
        }
        let t = (j - i) as f64;
        ties += t * t * t - t;
        i = j;
    }
    (ranks, ties)
}

/// Wilcoxon signed-rank test of `H0: median(d) = 0`. Zeros are dropped
/// (`zero_method = "wilcox"`), ties get average ranks. The statistic is
/// `W+` (sum of ranks of positive differences). Exact distribution when
/// fewer than 30 non-zero differences and no ties; otherwise the normal
/// approximation with tie-corrected variance, without continuity
/// correction (as SciPy's `wilcoxon(method="approx")`).
pub fn wilcoxon_signed_rank(d: &[f64], tail: Tail) -> TestResult {
    let nz: Vec<f64> = d
        .iter()
        .copied()
        .filter(|x| *x != 0.0 && !x.is_nan())
        .collect();
    let n = nz.len();
    if n == 0 {
        return TestResult {
            method: "Wilcoxon signed-rank".into(),
            p_value: None,
            expected: None,
            statistic: None,
        };
    }
    let abs: Vec<f64> = nz.iter().map(|x| x.abs()).collect();
    let (ranks, ties) = average_ranks(&abs);
    let w: f64 = nz
        .iter()
        .zip(&ranks)
        .filter(|(x, _)| **x > 0.0)
        .map(|(_, r)| r)
        .sum();
    let nf = n as f64;
    let mean = nf * (nf + 1.0) / 4.0;
    if n < 30 && ties == 0.0 {
        // Exact: number of subsets of {1..n} with each rank sum.
        let max = n * (n + 1) / 2;
        let mut counts = vec![0f64; max + 1];
        counts[0] = 1.0;
        for r in 1..=n {
            for s in (r..=max).rev() {
                counts[s] += counts[s - r];
            }
        }
        let total = 2f64.powi(n as i32);
        let wi = w.round() as usize;
        let left: f64 = counts[..=wi].iter().sum::<f64>() / total;
        let right: f64 = counts[wi..].iter().sum::<f64>() / total;
        return TestResult {
            method: "Wilcoxon signed-rank (exact)".into(),
            p_value: Some(tail.combine(left, right)),
            expected: Some(mean),
            statistic: Some(w),
        };
    }
    let var = nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - ties / 48.0;
    let z = (w - mean) / var.sqrt();
    TestResult {
        method: "Wilcoxon signed-rank (normal approximation)".into(),
        p_value: Some(tail.combine(normal_cdf(z), normal_sf(z))),
        expected: Some(mean),
        statistic: Some(z),
    }
}

/// Kendall's τ-b between `x` and `y` (O(n log n)), with the asymptotic
/// p-value of SciPy's `kendalltau(method="asymptotic")` (tie-corrected
/// variance of concordant − discordant). Pairs with a NaN are dropped.
pub fn kendall_tau(x: &[f64], y: &[f64], tail: Tail) -> TestResult {
    let mut pts: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .collect();
    let n = pts.len();
    let none = |m: &str| TestResult {
        method: m.into(),
        p_value: None,
        expected: Some(0.0),
        statistic: None,
    };
    if n < 2 {
        return none("Kendall tau-b");
    }
    pts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    // Dense ranks of y.
    let mut ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
    ys.sort_by(f64::total_cmp);
    ys.dedup();
    let rank = |v: f64| ys.partition_point(|&u| u < v);
    let tie_stats = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let (mut t0, mut t1, mut t2) = (0f64, 0f64, 0f64);
        let mut i = 0;
        while i < v.len() {
            let mut j = i + 1;
            while j < v.len() && v[j] == v[i] {
                j += 1;
            }
            let t = (j - i) as f64;
            if j - i > 1 {
                t0 += t * (t - 1.0) / 2.0;
                t1 += t * (t - 1.0) * (t - 2.0);
                t2 += t * (t - 1.0) * (2.0 * t + 5.0);
            }
            i = j;
        }
        (t0, t1, t2)
    };
    let (xtie, x0, x1) = tie_stats(pts.iter().map(|p| p.0).collect());
    let (ytie, y0, y1) = tie_stats(pts.iter().map(|p| p.1).collect());
    // Pairs tied in both.
    let mut ntie = 0f64;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && pts[j] == pts[i] {
            j += 1;
        }
        let t = (j - i) as f64;
        ntie += t * (t - 1.0) / 2.0;
        i = j;
    }
    // Discordant pairs: earlier (strictly smaller x) with strictly larger y.
    let m = ys.len();
    let mut fen = vec![0u64; m + 1];
    let mut seen = 0u64;
    let mut dis = 0f64;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && pts[j].0 == pts[i].0 {
            j += 1;
        }
        for p in &pts[i..j] {
            // count of seen with rank <= r
            let mut k = rank(p.1) + 1;
            let mut le = 0u64;
            while k > 0 {
                le += fen[k];
                k -= k & k.wrapping_neg();
            }
            dis += (seen - le) as f64;
        }
        for p in &pts[i..j] {
            let mut k = rank(p.1) + 1;
            while k <= m {
                fen[k] += 1;
                k += k & k.wrapping_neg();
            }
            seen += 1;
        }
        i = j;
    }
    let nf = n as f64;
    let tot = nf * (nf - 1.0) / 2.0;
    if xtie == tot || ytie == tot {
        return none("Kendall tau-b");
    }
    let cmd = tot - xtie - ytie + ntie - 2.0 * dis;
    let tau = cmd / (tot - xtie).sqrt() / (tot - ytie).sqrt();
    let mm = nf * (nf - 1.0);
    let var = (mm * (2.0 * nf + 5.0) - x1 - y1) / 18.0
        + (2.0 * xtie * ytie) / mm
        + if n > 2 {
            x0 * y0 / (9.0 * mm * (nf - 2.0))
        } else {
            0.0
        };
    let z = cmd / var.sqrt();
    TestResult {
        method: "Kendall tau-b (normal approximation)".into(),
        p_value: Some(tail.combine(normal_cdf(z), normal_sf(z))),
        expected: Some(0.0),
        statistic: Some(tau),
    }
}

/// Weighted Pearson correlation of `(x, y)` with weights `w` (use 1 for
/// unweighted). `NaN` when undefined.
pub fn weighted_pearson(x: &[f64], y: &[f64], w: &[f64]) -> f64 {
    let sw: f64 = w.iter().sum();
    if sw <= 0.0 {
        return f64::NAN;
    }
    let mx = x.iter().zip(w).map(|(a, w)| a * w).sum::<f64>() / sw;
    let my = y.iter().zip(w).map(|(a, w)| a * w).sum::<f64>() / sw;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for ((a, b), w) in x.iter().zip(y).zip(w) {
        let (dx, dy) = (a - mx, b - my);
        sxy += w * dx * dy;
        sxx += w * dx * dx;
        syy += w * dy * dy;
    }
    let r = sxy / (sxx * syy).sqrt();
    if r.is_nan() {
        r
    } else {
        r.clamp(-1.0, 1.0)
    }
}

/// Correlation test from `r` over `n` observations: Student's t with
/// `n − 2` degrees of freedom, `t = r √((n−2)/(1−r²))` (the exact null
/// distribution of Pearson's r for normal data; SciPy's `pearsonr`).
pub fn correlation_test(r: f64, n: f64, tail: Tail, method: &str) -> TestResult {
    let df = n - 2.0;
    let p = if df <= 0.0 || r.is_nan() {
        None
    } else if r.abs() >= 1.0 {
        let (l, rr) = if r > 0.0 { (1.0, 0.0) } else { (0.0, 1.0) };
        Some(tail.combine(l, rr))
    } else {
        let t = r * (df / (1.0 - r * r)).sqrt();
        let right = student_t_sf(t, df);
        Some(tail.combine(1.0 - right, right))
    };
    TestResult {
        method: method.into(),
        p_value: p,
        expected: Some(0.0),
        statistic: Some(r),
    }
}

/// Pearson's r with its t-test p-value. NaN pairs are dropped.
pub fn pearson(x: &[f64], y: &[f64], tail: Tail) -> TestResult {
    let (x, y): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .unzip();
    let w = vec![1.0; x.len()];
    let r = weighted_pearson(&x, &y, &w);
    correlation_test(r, x.len() as f64, tail, "Pearson (t-test)")
}

/// Spearman's ρ (Pearson on average ranks) with the t-test p-value
/// (SciPy's `spearmanr`). NaN pairs are dropped.
pub fn spearman(x: &[f64], y: &[f64], tail: Tail) -> TestResult {
    let (x, y): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .unzip();
    let (rx, _) = average_ranks(&x);
    let (ry, _) = average_ranks(&y);
    let w = vec![1.0; x.len()];
    let r = weighted_pearson(&rx, &ry, &w);
    correlation_test(r, x.len() as f64, tail, "Spearman (t-test)")
}

/// Weighted average ranks: each observation `i` stands for `w[i]` tied
/// copies (e.g. base pairs of a run); returns the mean rank of each.
pub fn weighted_ranks(x: &[f64], w: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ranks = vec![0.0; x.len()];
    let mut before = 0.0;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i + 1;
        let mut wsum = w[idx[i]];
        while j < idx.len() && x[idx[j]] == x[idx[i]] {
            wsum += w[idx[j]];
            j += 1;
        }
        let r = before + (wsum + 1.0) / 2.0;
        for &k in &idx[i..j] {
            ranks[k] = r;
        }
        before += wsum;
        i = j;
    }
    ranks
}
