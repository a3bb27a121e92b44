//! Analytic p-values against independently computed values.
//!
//! Expected values were computed once with Python 3 in a venv
//! (`pip install scipy mpmath numpy`; SciPy 1.x, mpmath 1.3) and pasted
//! here:
//! - binomial tails: mpmath with `mp.dps = 50`,
//!   `P(X ≤ k) = betainc(n−k, k+1, 0, 1−p, regularized=True)`,
//!   `P(X ≥ k) = betainc(k, n−k+1, 0, p, regularized=True)`;
//! - normal: `mp.ncdf(z)` (dps 50); ln Γ: `mp.loggamma(x)`;
//! - Student t: `2*scipy.stats.t.sf(|t|, df)`;
//! - Pearson/Spearman: `scipy.stats.pearsonr` / `spearmanr` (p from the
//!   t distribution), Kendall: `kendalltau(method="asymptotic")`,
//!   Wilcoxon: `wilcoxon(method="exact")` and
//!   `wilcoxon(method="approx", correction=False)` (zero_method "wilcox").
// Reference values are kept exactly as the reference tools printed them.
#![allow(clippy::excessive_precision)]

use gtrack_analysis::dist::*;

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} vs {b} (diff {})", (a - b).abs());
}

#[test]
fn binomial_tails_match_mpmath() {
    let cases: [(u64, u64, f64, f64, f64); 9] = [
        (3, 5, 0.5, 0.8125, 0.5),
        (0, 10, 0.1, 0.34867844009999997849, 1.0),
        (7, 20, 0.2, 0.96785733691912485928, 0.086692513567400284877),
        (
            15,
            1000,
            0.004,
            0.99999542971397959565,
            0.000018827204655099928637,
        ),
        (
            2,
            3_000_000_000,
            1e-9,
            0.42319008101482256958,
            0.80085172667790546114,
        ),
        (
            100,
            200,
            0.5,
            0.52817423950462821112,
            0.52817423950462821112,
        ),
        (
            480,
            1000,
            0.5,
            0.10872414660207047141,
            0.90261683576911725606,
        ),
        (12, 40, 0.05, 0.9999999591236237174, 3.65266991889612114e-7),
        (
            3,
            100_000,
            1e-5,
            0.98101245625726999243,
            0.080300477364360646779,
        ),
    ];
    for (k, n, p, cdf, sf) in cases {
        close(binom_cdf(k, n, p), cdf, 1e-12);
        close(binom_sf(k, n, p), sf, 1e-12);
    }
    // Relative accuracy far in the tail.
    let sf = binom_sf(12, 40, 0.05);
    assert!((sf / 3.65266991889612114e-7 - 1.0).abs() < 1e-10);
    let sf = binom_sf(15, 1000, 0.004);
    assert!((sf / 0.000018827204655099928637 - 1.0).abs() < 1e-10);
}

#[test]
fn normal_and_gamma_match_mpmath() {
    let cdf = [
        (-8.0, 6.2209605742717841235e-16),
        (-3.5, 0.00023262907903552503635),
        (-1.0, 0.15865525393145705141),
        (0.0, 0.5),
        (0.3, 0.61791142218895263307),
        (1.96, 0.97500210485177956379),
        (5.0, 0.99999971334842812081),
    ];
    for (z, c) in cdf {
        close(normal_cdf(z), c, 1e-14);
        close(normal_sf(-z), c, 1e-14);
    }
    assert!((normal_sf(9.0) / 1.1285884059538406477e-19 - 1.0).abs() < 1e-10);
    assert!((normal_sf(5.0) / 2.8665157187919391167e-7 - 1.0).abs() < 1e-10);
    for (x, l) in [
        (0.5, 0.57236494292470008707),
        (1.5, -0.12078223763524522235),
        (3.7, 1.4280723266653881292),
        (10.0, 12.801827480081469611),
        (123.456, 469.6055471299294835),
    ] {
        close(ln_gamma(x), l, 1e-12);
    }
    assert!((ln_gamma(1_000_000.5) / 12815511.476902765642 - 1.0).abs() < 1e-14);
}

#[test]
fn student_t_matches_scipy() {
    for (t, df, p) in [
        (2.0, 5.0, 0.10193947882985843201),
        (0.5, 30.0, 0.62072300488512732741),
        (-1.3, 12.0, 0.21801717108351414964),
        (4.2, 1000.0, 0.000029072922165251924298),
    ] {
        close(student_t_two_sided(t, df), p, 1e-12);
    }
}

const X: [f64; 10] = [1.0, 2.0, 3.5, 4.0, 2.2, 7.1, 6.0, 5.5, 3.3, 9.0];
const Y: [f64; 10] = [2.0, 1.5, 4.0, 3.9, 2.0, 6.5, 7.2, 5.0, 2.1, 8.8];

#[test]
fn correlations_match_scipy() {
    let r = pearson(&X, &Y, Tail::Different);
    close(r.statistic.unwrap(), 0.9558050395041331, 1e-12);
    close(r.p_value.unwrap(), 1.5821523250190528e-05, 1e-12);
    let r = pearson(&X, &Y, Tail::More);
    close(r.p_value.unwrap(), 7.910761625095264e-06, 1e-12);
    let r = spearman(&X, &Y, Tail::Different);
    close(r.statistic.unwrap(), 0.9544117035777014, 1e-12);
    close(r.p_value.unwrap(), 1.788267475290004e-05, 1e-12);
}

#[test]
fn kendall_matches_scipy() {
    let x = [0., 1., 1., 2., 3., 3., 3., 0., 5., 2., 1., 4.];
    let y = [0.1, 0.5, 0.5, 0.9, 1.2, 0.3, 2.0, 0.1, 3.0, 0.8, 0.2, 1.1];
    let r = kendall_tau(&x, &y, Tail::Different);
    close(r.statistic.unwrap(), 0.7550119889434047, 1e-12);
    close(r.p_value.unwrap(), 0.0011954949348888526, 1e-12);
    let r = kendall_tau(&x, &y, Tail::More);
    close(r.p_value.unwrap(), 0.0005977474674444263, 1e-12);
}

#[test]
fn wilcoxon_matches_scipy() {
    let d = [0.5, -0.2, 0.8, 0.9, -0.1, 0.3, 0.7, 0.45, -0.6, 0.25];
    let r = wilcoxon_signed_rank(&d, Tail::More);
    assert_eq!(r.statistic, Some(45.0));
    close(r.p_value.unwrap(), 0.0419921875, 1e-12);
    let r = wilcoxon_signed_rank(&d, Tail::Different);
    close(r.p_value.unwrap(), 0.083984375, 1e-12);
    // numpy default_rng(1).normal(0.2, 1, 60) rounded to 0.1 (ties, zeros).
    let d2 = [
        0.5, 1.0, 0.5, -1.1, 1.1, 0.6, -0.3, 0.8, 0.6, 0.5, 0.2, 0.7, -0.5, 0.0, -0.3, 0.8, 0.2,
        -0.1, -0.6, -0.1, 0.2, -0.1, 1.5, 1.2, -2.5, -1.7, 0.0, -0.2, 0.4, 0.4, 2.3, -0.9, -0.2,
        2.2, 0.8, 0.9, -0.3, -1.4, 0.4, 0.3, -1.0, -0.5, 0.1, -0.7, 0.1, 0.3, 0.2, -0.3, 0.8, 1.1,
        0.5, -0.6, 0.9, -0.3, 1.1, -0.9, 1.1, 0.2, -1.0, -0.1,
    ];
    let r = wilcoxon_signed_rank(&d2, Tail::More);
    close(r.p_value.unwrap(), 0.062469213669021535, 1e-12);
    let r = wilcoxon_signed_rank(&d2, Tail::Different);
    close(r.p_value.unwrap(), 0.12493842733804307, 1e-12);
}

#[test]
fn binomial_test_uses_the_reference_rule() {
    // np = 2.5 < 5: exact; P(X ≥ 3 | n = 5, p = ½) = 0.5.
    let t = binomial_test(3, 5, 0.5, Tail::More);
    assert_eq!(t.method, "binomial (exact)");
    close(t.p_value.unwrap(), 0.5, 1e-15);
    close(t.expected.unwrap(), 2.5, 1e-15);
    // np = 500, n(1−p) = 500: normal, z = (480 − 500)/√250.
    let t = binomial_test(480, 1000, 0.5, Tail::Less);
    assert!(t.method.contains("normal"));
    let z = (480.0 - 500.0) / 250f64.sqrt();
    close(t.p_value.unwrap(), normal_cdf(z), 1e-15);
    let t = binomial_test(480, 1000, 0.5, Tail::Different);
    close(t.p_value.unwrap(), 2.0 * normal_cdf(z), 1e-15);
    assert_eq!(binomial_test(0, 0, 0.5, Tail::More).p_value, None);
}
