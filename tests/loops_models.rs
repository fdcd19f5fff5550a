//! Losses written with loops over arrays, slices and `Vec`s: n-dimensional Rosenbrock,
//! logistic regression, softmax cross-entropy, Horner's scheme, a two-layer tanh network.
//!
//! Each function has a dual twin written by hand on [`D`] (the same code, `f64` replaced
//! by `D`) and, where it is short, a hand-written gradient; both are compared with the
//! generated gradient at several points (see `tests/common/arrays.rs`).

// The functions under test are written in the forms the macro must handle, some of which
// clippy frowns upon (`for i in 0..n` indexing, `p = p * x`, `&Vec<f64>` parameters).
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::ptr_arg
)]

#[macro_use]
mod common;

use autodiff::differentiable;
use common::arrays::{Flat, Seed, array, assert_close_grad, assert_same_grad, check_at, sequence};
use common::{D, TOL_F64};

// ---------------------------------------------------------------------------------------
// n-dimensional Rosenbrock.
// ---------------------------------------------------------------------------------------

#[differentiable]
fn rosenbrock(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        let a = 1.0 - x[i];
        let b = x[i + 1] - x[i] * x[i];
        s += a * a + 100.0 * b * b;
    }
    s
}

fn rosenbrock_dual(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() - 1 {
        let a = 1.0 - x[i];
        let b = x[i + 1] - x[i] * x[i];
        s += a * a + 100.0 * b * b;
    }
    s
}

/// The textbook gradient of the n-dimensional Rosenbrock function.
fn rosenbrock_hand(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    (0..n)
        .map(|i| {
            let mut g = 0.0;
            if i + 1 < n {
                g += -2.0 * (1.0 - x[i]) - 400.0 * x[i] * (x[i + 1] - x[i] * x[i]);
            }
            if i > 0 {
                g += 200.0 * (x[i] - x[i - 1] * x[i - 1]);
            }
            g
        })
        .collect()
}

#[differentiable]
fn rosenbrock_vec(x: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 1..x.len() {
        s += (1.0 - x[i - 1]).powi(2) + 100.0 * (x[i] - x[i - 1].powi(2)).powi(2);
    }
    s
}

#[differentiable]
fn rosenbrock_array(x: [f64; 6]) -> f64 {
    let mut s = 0.0;
    for i in 0..5 {
        s += (1.0 - x[i]).powi(2) + 100.0 * (x[i + 1] - x[i] * x[i]).powi(2);
    }
    s
}

#[differentiable]
fn rosenbrock_array_ref(x: &[f64; 4]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        s += (1.0 - x[i]).powi(2) + 100.0 * (x[i + 1] - x[i] * x[i]).powi(2);
    }
    s
}

fn check_rosenbrock(x: &[f64]) {
    let point = format!("(n = {}, x[..2] = {:?})", x.len(), &x[..2]);
    check_at(
        "rosenbrock",
        &point,
        rosenbrock(x),
        rosenbrock_value_and_grad(x),
        rosenbrock_grad(x),
        |s| rosenbrock_dual(&x.seed(s, &mut 0)),
    );
    assert_close_grad(
        &rosenbrock_grad(x),
        &rosenbrock_hand(x),
        TOL_F64,
        &format!("rosenbrock{point}: vs the hand-written gradient"),
    );
    // The allocation-free form computes the same numbers.
    let mut g = vec![f64::NAN; x.len()];
    let value = rosenbrock_value_and_grad_into(x, &mut g);
    let (v, grad) = rosenbrock_value_and_grad(x);
    assert_same_grad(&value, &v, "rosenbrock_value_and_grad_into value");
    assert_same_grad(&g, &grad, "rosenbrock_value_and_grad_into gradient");
    // The `&Vec` version is the same function.
    let xv = x.to_vec();
    check_at(
        "rosenbrock_vec",
        &point,
        rosenbrock_vec(&xv),
        rosenbrock_vec_value_and_grad(&xv),
        rosenbrock_vec_grad(&xv),
        |s| rosenbrock_dual(&x.seed(s, &mut 0)),
    );
}

#[test]
fn rosenbrock_2() {
    for x in [
        [-1.5, 2.0],
        [1.0, 1.0],
        [0.3, -0.7],
        [2.0, 3.5],
        [-0.5, -0.5],
    ] {
        check_rosenbrock(&x);
    }
    assert_eq!(
        rosenbrock_value_and_grad(&[-1.5, 2.0]),
        (12.5, vec![-155.0, -50.0])
    );
}

#[test]
fn rosenbrock_10() {
    for seed in 0..5 {
        check_rosenbrock(&sequence(seed, 10, -2.0, 2.0));
    }
    let ones = [1.0; 10];
    assert_eq!(rosenbrock_value_and_grad(&ones), (0.0, vec![0.0; 10]));
}

/// The `_into` form writes each element of the caller's buffer once, without zeroing it
/// first (the loop writes all but the last, carried in a register, and the last is written
/// after it): garbage in the buffer never leaks into the gradient, whatever the length,
/// down to one element (no iteration: the gradient is zero).
#[test]
fn rosenbrock_into_overwrites_every_element_of_a_garbage_buffer() {
    for n in 1..=5 {
        let x = sequence(30 + n as u64, n, -2.0, 2.0);
        for garbage in [f64::NAN, f64::INFINITY, -7.0] {
            let mut g = vec![garbage; n];
            let value = rosenbrock_value_and_grad_into(&x, &mut g);
            assert_same_grad(
                &(value, &g),
                &rosenbrock_value_and_grad(&x),
                &format!("rosenbrock_value_and_grad_into, n = {n}, buffer of {garbage}"),
            );
            assert_close_grad(&g, &rosenbrock_hand(&x), TOL_F64, &format!("n = {n}"));
        }
    }
    assert_eq!(rosenbrock_value_and_grad_into(&[0.5], &mut [f64::NAN]), 0.0);
}

#[test]
fn rosenbrock_1000() {
    for seed in 10..13 {
        check_rosenbrock(&sequence(seed, 1000, -2.0, 2.0));
    }
    let mut x = vec![1.0; 1000];
    assert_eq!(rosenbrock_value_and_grad(&x), (0.0, vec![0.0; 1000]));
    x[500] = 1.5;
    check_rosenbrock(&x);
}

#[test]
fn rosenbrock_over_arrays() {
    for seed in 20..25 {
        let x: [f64; 6] = array(seed, -2.0, 2.0);
        check_at(
            "rosenbrock_array",
            &format!("{x:?}"),
            rosenbrock_array(x),
            rosenbrock_array_value_and_grad(x),
            rosenbrock_array_grad(x),
            |s| rosenbrock_dual(&x.seed(s, &mut 0)),
        );
        // The same function as the slice version (written with `powi`).
        assert_close_grad(
            &rosenbrock_array_value_and_grad(x),
            &rosenbrock_value_and_grad(&x),
            TOL_F64,
            "rosenbrock_array vs rosenbrock",
        );
        let y: [f64; 4] = array(seed, -2.0, 2.0);
        check_at(
            "rosenbrock_array_ref",
            &format!("{y:?}"),
            rosenbrock_array_ref(&y),
            rosenbrock_array_ref_value_and_grad(&y),
            rosenbrock_array_ref_grad(&y),
            |s| rosenbrock_dual(&y.seed(s, &mut 0)),
        );
    }
    // Arrays give arrays.
    let g: [f64; 6] = rosenbrock_array_grad([1.0; 6]);
    assert_eq!(g, [0.0; 6]);
    let g: [f64; 4] = rosenbrock_array_ref_grad(&[-1.5, 2.0, 1.0, 1.0]);
    assert_eq!(g[0], -155.0);
}

// ---------------------------------------------------------------------------------------
// Logistic regression: negative log-likelihood of labelled data (weights and bias
// differentiable, data not), written to neither overflow nor lose precision.
// ---------------------------------------------------------------------------------------

const DIM: usize = 3;
const SAMPLES: usize = 8;

#[differentiable(wrt(w, b))]
fn logistic_nll(w: &[f64; DIM], b: f64, xs: &[[f64; DIM]; SAMPLES], ys: &[f64]) -> f64 {
    let mut total = 0.0;
    for n in 0..xs.len() {
        let mut z = b;
        for j in 0..w.len() {
            z += w[j] * xs[n][j];
        }
        // log(1 + e^z), without overflow for large z nor cancellation for small e^z
        let softplus = if z > 0.0 {
            z + (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
        total += softplus - ys[n] * z;
    }
    total / xs.len() as f64
}

fn logistic_nll_dual(w: &[D], b: D, xs: &[[f64; DIM]; SAMPLES], ys: &[f64]) -> D {
    let mut total = D::cst(0.0);
    for n in 0..xs.len() {
        let mut z = b;
        for j in 0..w.len() {
            z += w[j] * xs[n][j];
        }
        let softplus = if z > 0.0 {
            z + (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
        total += softplus - ys[n] * z;
    }
    total / xs.len() as f64
}

/// The textbook gradient: the mean of `(σ(z) - y) (x, 1)`.
fn logistic_nll_hand(w: &[f64], b: f64, xs: &[[f64; DIM]], ys: &[f64]) -> (Vec<f64>, f64) {
    let mut gw = vec![0.0; w.len()];
    let mut gb = 0.0;
    for (x, &y) in xs.iter().zip(ys) {
        let z = b + w.iter().zip(x).map(|(w, x)| w * x).sum::<f64>();
        let sigma = if z > 0.0 {
            1.0 / (1.0 + (-z).exp())
        } else {
            z.exp() / (1.0 + z.exp())
        };
        for (g, x) in gw.iter_mut().zip(x) {
            *g += (sigma - y) * x;
        }
        gb += sigma - y;
    }
    let n = xs.len() as f64;
    (gw.iter().map(|g| g / n).collect(), gb / n)
}

/// The same model on flat data (`xs` row-major, one row per label).
#[differentiable(wrt(w, b))]
fn logistic_nll_flat(w: &[f64], b: f64, xs: &[f64], ys: &Vec<f64>) -> f64 {
    let d = w.len();
    let mut total = 0.0;
    for (n, &y) in ys.iter().enumerate() {
        let mut z = b;
        for j in 0..d {
            z += w[j] * xs[n * d + j];
        }
        if z > 0.0 {
            total += z + (-z).exp().ln_1p() - y * z;
        } else {
            total += z.exp().ln_1p() - y * z;
        }
    }
    total / ys.len() as f64
}

fn logistic_data(seed: u64, scale: f64) -> ([[f64; DIM]; SAMPLES], [f64; SAMPLES]) {
    let v = sequence(seed, DIM * SAMPLES, -scale, scale);
    let xs = core::array::from_fn(|n| core::array::from_fn(|j| v[n * DIM + j]));
    let ys = core::array::from_fn(|n| {
        if v[n] + 0.3 * v[n + 1] > 0.0 {
            1.0
        } else {
            0.0
        }
    });
    (xs, ys)
}

fn check_logistic(w: [f64; DIM], b: f64, xs: &[[f64; DIM]; SAMPLES], ys: &[f64; SAMPLES]) {
    let point = format!("(w = {w:?}, b = {b})");
    let (value, (gw, gb)) = logistic_nll_value_and_grad(&w, b, xs, ys);
    assert!(value.is_finite(), "logistic_nll{point} = {value}");
    check_at(
        "logistic_nll",
        &point,
        logistic_nll(&w, b, xs, ys),
        (value, (gw, gb)),
        logistic_nll_grad(&w, b, xs, ys),
        |s| {
            let next = &mut 0;
            let wd = w.seed(s, next);
            let bd = b.seed(s, next);
            logistic_nll_dual(&wd, bd, xs, ys)
        },
    );
    let hand = logistic_nll_hand(&w, b, xs, ys);
    assert_close_grad(
        &(gw, gb),
        &hand,
        TOL_F64,
        &format!("logistic_nll{point}: vs the hand-written gradient"),
    );

    // The flat version, and its allocation-free form, give the same numbers.
    let flat: Vec<f64> = xs.flat();
    let ys_vec = ys.to_vec();
    check_at(
        "logistic_nll_flat",
        &point,
        logistic_nll_flat(&w, b, &flat, &ys_vec),
        logistic_nll_flat_value_and_grad(&w, b, &flat, &ys_vec),
        logistic_nll_flat_grad(&w, b, &flat, &ys_vec),
        |s| {
            let next = &mut 0;
            let wd = w.seed(s, next);
            let bd = b.seed(s, next);
            logistic_nll_dual(&wd, bd, xs, ys)
        },
    );
    let mut gw_into = [7.0; DIM];
    let (v_into, gb_into) =
        logistic_nll_flat_value_and_grad_into(&w, b, &flat, &ys_vec, &mut gw_into);
    let (v, (gw_flat, gb_flat)) = logistic_nll_flat_value_and_grad(&w, b, &flat, &ys_vec);
    assert_same_grad(
        &(v_into, gb_into),
        &(v, gb_flat),
        "logistic_nll_flat_value_and_grad_into",
    );
    assert_same_grad(
        &gw_into,
        &gw_flat,
        "logistic_nll_flat_value_and_grad_into gradient",
    );
}

#[test]
fn logistic_regression() {
    let (xs, ys) = logistic_data(1, 2.0);
    check_logistic([0.0; DIM], 0.0, &xs, &ys);
    check_logistic([0.5, -1.0, 2.0], 0.25, &xs, &ys);
    check_logistic([-3.0, 0.1, 0.7], -1.5, &xs, &ys);
    let (xs, ys) = logistic_data(2, 5.0);
    check_logistic([1.2, 0.4, -0.8], 0.0, &xs, &ys);
    check_logistic([2.0, -2.0, 1.0], 3.0, &xs, &ys);
}

#[test]
fn logistic_regression_is_numerically_stable() {
    // |z| in the hundreds: e^z overflows, the stable form does not.
    let (xs, ys) = logistic_data(3, 10.0);
    for w in [[40.0, -35.0, 60.0], [-80.0, 90.0, 25.0]] {
        for b in [-300.0, 0.0, 300.0] {
            check_logistic(w, b, &xs, &ys);
            let (_, (gw, gb)) = logistic_nll_value_and_grad(&w, b, &xs, &ys);
            assert!(gw.iter().all(|g| g.is_finite()) && gb.is_finite());
        }
    }
    // Far on the right side of every point: the loss and the gradient vanish.
    let ones = [[1.0; DIM]; SAMPLES];
    let (v, (gw, gb)) = logistic_nll_value_and_grad(&[0.0; DIM], 800.0, &ones, &[1.0; SAMPLES]);
    assert_eq!((v, gw, gb), (0.0, [0.0; DIM], 0.0));
    // Far on the wrong side: the loss grows linearly, the gradient is -x.
    let (v, (gw, gb)) = logistic_nll_value_and_grad(&[0.0; DIM], -800.0, &ones, &[1.0; SAMPLES]);
    assert_eq!((v, gw, gb), (800.0, [-1.0; DIM], -1.0));
}

// ---------------------------------------------------------------------------------------
// Softmax cross-entropy with a max shift.
// ---------------------------------------------------------------------------------------

#[differentiable]
fn softmax_xent(z: &[f64; 5], target: usize) -> f64 {
    let mut m = z[0];
    for i in 1..z.len() {
        if z[i] > m {
            m = z[i];
        }
    }
    let mut s = 0.0;
    for i in 0..z.len() {
        s += (z[i] - m).exp();
    }
    s.ln() + m - z[target]
}

/// The same on a slice, with `max` instead of a branch.
#[differentiable]
fn softmax_xent_slice(z: &[f64], target: usize) -> f64 {
    let mut m = f64::NEG_INFINITY;
    for &v in z {
        m = m.max(v);
    }
    let mut s = 0.0;
    for &v in z {
        s += (v - m).exp();
    }
    s.ln() + m - z[target]
}

fn softmax_xent_dual(z: &[D], target: usize) -> D {
    let mut m = z[0];
    for &v in &z[1..] {
        if v > m {
            m = v;
        }
    }
    let mut s = D::cst(0.0);
    for &v in z {
        s += (v - m).exp();
    }
    s.ln() + m - z[target]
}

/// `softmax(z) - onehot(target)`.
fn softmax_xent_hand(z: &[f64], target: usize) -> Vec<f64> {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let s: f64 = z.iter().map(|v| (v - m).exp()).sum();
    z.iter()
        .enumerate()
        .map(|(i, v)| (v - m).exp() / s - if i == target { 1.0 } else { 0.0 })
        .collect()
}

#[test]
fn softmax_cross_entropy() {
    let points: [[f64; 5]; 6] = [
        [0.1, 0.2, 0.3, 0.4, 0.5],
        [2.0, -1.0, 0.5, 3.0, -2.5],
        [-4.0, 7.0, 1.0, 1.0, 0.0],
        [1.0, 1.0, 1.0, 1.0, 1.0],
        [900.0, 1000.0, 950.0, -1000.0, 999.5],
        array(7, -10.0, 10.0),
    ];
    for z in points {
        for target in [0, 3, 4] {
            let point = format!("({z:?}, {target})");
            check_at(
                "softmax_xent",
                &point,
                softmax_xent(&z, target),
                softmax_xent_value_and_grad(&z, target),
                softmax_xent_grad(&z, target),
                |s| softmax_xent_dual(&z.seed(s, &mut 0), target),
            );
            check_at(
                "softmax_xent_slice",
                &point,
                softmax_xent_slice(&z, target),
                softmax_xent_slice_value_and_grad(&z, target),
                softmax_xent_slice_grad(&z, target),
                |s| softmax_xent_dual(&z.seed(s, &mut 0), target),
            );
            let hand = softmax_xent_hand(&z, target);
            assert_close_grad(&softmax_xent_grad(&z, target), &hand, TOL_F64, &point);
            assert_close_grad(&softmax_xent_slice_grad(&z, target), &hand, TOL_F64, &point);
            assert!(softmax_xent(&z, target).is_finite());
        }
    }
}

/// Softmax regression on a small data set: a local array of logits per sample.
#[differentiable(wrt(w))]
fn softmax_regression(w: &[[f64; 3]; 4], xs: &[[f64; 3]; 6], onehot: &[[f64; 4]; 6]) -> f64 {
    let mut loss = 0.0;
    for n in 0..6 {
        let mut logits = [0.0; 4];
        let mut m = f64::NEG_INFINITY;
        for k in 0..4 {
            let mut a = 0.0;
            for j in 0..3 {
                a += w[k][j] * xs[n][j];
            }
            logits[k] = a;
            m = m.max(logits[k]);
        }
        let mut s = 0.0;
        for k in 0..4 {
            s += (logits[k] - m).exp();
        }
        let lse = s.ln() + m;
        for k in 0..4 {
            loss += onehot[n][k] * (lse - logits[k]);
        }
    }
    loss / 6.0
}

fn softmax_regression_dual(w: &[[D; 3]; 4], xs: &[[f64; 3]; 6], onehot: &[[f64; 4]; 6]) -> D {
    let mut loss = D::cst(0.0);
    for n in 0..6 {
        let logits: Vec<D> = (0..4)
            .map(|k| (0..3).fold(D::cst(0.0), |a, j| a + w[k][j] * xs[n][j]))
            .collect();
        let lse = softmax_xent_dual(&logits, 0) + logits[0];
        for k in 0..4 {
            loss += onehot[n][k] * (lse - logits[k]);
        }
    }
    loss / 6.0
}

#[test]
fn softmax_regression_on_data() {
    let v = sequence(40, 18, -2.0, 2.0);
    let xs: [[f64; 3]; 6] = core::array::from_fn(|n| core::array::from_fn(|j| v[3 * n + j]));
    let onehot: [[f64; 4]; 6] = core::array::from_fn(|n| {
        core::array::from_fn(|k| if (n * 7 + 3) % 4 == k { 1.0 } else { 0.0 })
    });
    for seed in 41..45 {
        let u = sequence(seed, 12, -3.0, 3.0);
        let w: [[f64; 3]; 4] = core::array::from_fn(|k| core::array::from_fn(|j| u[3 * k + j]));
        let g: [[f64; 3]; 4] = softmax_regression_grad(&w, &xs, &onehot);
        check_at(
            "softmax_regression",
            &format!("{w:?}"),
            softmax_regression(&w, &xs, &onehot),
            softmax_regression_value_and_grad(&w, &xs, &onehot),
            g,
            |s| softmax_regression_dual(&w.seed(s, &mut 0), &xs, &onehot),
        );
    }
}

// ---------------------------------------------------------------------------------------
// Horner's scheme: a loop-carried value updated non-linearly.
// ---------------------------------------------------------------------------------------

#[differentiable]
fn horner(c: &[f64], x: f64) -> f64 {
    let mut p = 0.0;
    for k in (0..c.len()).rev() {
        p = p * x + c[k];
    }
    p
}

fn horner_dual(c: &[D], x: D) -> D {
    let mut p = D::cst(0.0);
    for k in (0..c.len()).rev() {
        p = p * x + c[k];
    }
    p
}

/// `(x^k for each k, p'(x))`.
fn horner_hand(c: &[f64], x: f64) -> (Vec<f64>, f64) {
    let dc = (0..c.len()).map(|k| x.powi(k as i32)).collect();
    let dx = (1..c.len())
        .map(|k| k as f64 * c[k] * x.powi(k as i32 - 1))
        .sum();
    (dc, dx)
}

/// The value and the derivative of the polynomial together (two carried values, the second
/// reading the first before it is overwritten), on an array.
#[differentiable]
fn horner_with_derivative(c: [f64; 6], x: f64) -> f64 {
    let mut p = 0.0;
    let mut dp = 0.0;
    let mut k = 6;
    while k > 0 {
        k -= 1;
        dp = dp * x + p;
        p = p * x + c[k];
    }
    p * dp
}

fn horner_with_derivative_dual(c: &[D], x: D) -> D {
    let mut p = D::cst(0.0);
    let mut dp = D::cst(0.0);
    for k in (0..c.len()).rev() {
        dp = dp * x + p;
        p = p * x + c[k];
    }
    p * dp
}

#[test]
fn horner_polynomial() {
    let coefficients: [&[f64]; 4] = [
        &[1.0],
        &[1.0, -2.0, 3.0],
        &[0.5, 0.25, -1.5, 2.0, -0.75, 1.0],
        &sequence(50, 12, -1.0, 1.0),
    ];
    for c in coefficients {
        for x in [-1.3, -0.5, 0.0, 0.7, 1.1, 2.5] {
            let point = format!("({c:?}, {x})");
            check_at(
                "horner",
                &point,
                horner(c, x),
                horner_value_and_grad(c, x),
                horner_grad(c, x),
                |s| {
                    let next = &mut 0;
                    let cd = c.seed(s, next);
                    let xd = x.seed(s, next);
                    horner_dual(&cd, xd)
                },
            );
            assert_close_grad(&horner_grad(c, x), &horner_hand(c, x), TOL_F64, &point);
            let mut gc = vec![0.0; c.len()];
            let (v, gx) = horner_value_and_grad_into(c, x, &mut gc);
            assert_same_grad(&(v, gc, gx), &horner_value_and_grad(c, x), &point);
        }
    }
    // p(x) = 1 - 2x + 3x², p(2) = 9, ∂c = (1, 2, 4), ∂x = -2 + 6x = 10
    assert_eq!(
        horner_value_and_grad(&[1.0, -2.0, 3.0], 2.0),
        (9.0, (vec![1.0, 2.0, 4.0], 10.0))
    );
}

#[test]
fn horner_value_times_derivative() {
    for seed in 51..55 {
        let c: [f64; 6] = array(seed, -2.0, 2.0);
        for x in [-1.5, -0.2, 0.0, 0.9, 1.7] {
            check_at(
                "horner_with_derivative",
                &format!("({c:?}, {x})"),
                horner_with_derivative(c, x),
                horner_with_derivative_value_and_grad(c, x),
                horner_with_derivative_grad(c, x),
                |s| {
                    let next = &mut 0;
                    let cd = c.seed(s, next);
                    let xd = x.seed(s, next);
                    horner_with_derivative_dual(&cd, xd)
                },
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// A two-layer tanh network, weights in nested arrays, a local hidden layer.
// ---------------------------------------------------------------------------------------

#[differentiable(wrt(w1, b1, w2, b2))]
fn mlp_loss(
    w1: &[[f64; 3]; 4],
    b1: &[f64; 4],
    w2: &[f64; 4],
    b2: f64,
    xs: &[[f64; 3]; 5],
    ys: &[f64; 5],
) -> f64 {
    let mut loss = 0.0;
    for n in 0..xs.len() {
        let mut h = [0.0; 4];
        for j in 0..4 {
            let mut a = b1[j];
            for k in 0..3 {
                a += w1[j][k] * xs[n][k];
            }
            h[j] = a.tanh();
        }
        let mut out = b2;
        for j in 0..4 {
            out += w2[j] * h[j];
        }
        let e = out - ys[n];
        loss += 0.5 * e * e;
    }
    loss / xs.len() as f64
}

fn mlp_loss_dual(
    w1: &[[D; 3]; 4],
    b1: &[D; 4],
    w2: &[D; 4],
    b2: D,
    xs: &[[f64; 3]; 5],
    ys: &[f64; 5],
) -> D {
    let mut loss = D::cst(0.0);
    for n in 0..xs.len() {
        let mut h = [D::cst(0.0); 4];
        for j in 0..4 {
            let mut a = b1[j];
            for k in 0..3 {
                a += w1[j][k] * xs[n][k];
            }
            h[j] = a.tanh();
        }
        let mut out = b2;
        for j in 0..4 {
            out += w2[j] * h[j];
        }
        let e = out - ys[n];
        loss += 0.5 * e * e;
    }
    loss / xs.len() as f64
}

/// One forward pass, the input differentiable too: each element of the hidden layer is
/// written twice, the second time from the first.
#[differentiable]
fn mlp_forward(w1: &[[f64; 2]; 3], w2: &[f64; 3], x: [f64; 2]) -> f64 {
    let mut h = [0.0; 3];
    for j in 0..3 {
        let mut a = 0.0;
        for k in 0..2 {
            a += w1[j][k] * x[k];
        }
        h[j] = a;
        h[j] = h[j].tanh();
    }
    let mut out = 0.0;
    for j in 0..3 {
        out += w2[j] * h[j];
    }
    out.tanh()
}

fn mlp_forward_dual(w1: &[[D; 2]; 3], w2: &[D; 3], x: [D; 2]) -> D {
    let mut out = D::cst(0.0);
    for j in 0..3 {
        let h = (w1[j][0] * x[0] + w1[j][1] * x[1]).tanh();
        out += w2[j] * h;
    }
    out.tanh()
}

#[test]
fn two_layer_tanh_network() {
    let v = sequence(60, 20, -1.5, 1.5);
    let xs: [[f64; 3]; 5] = core::array::from_fn(|n| core::array::from_fn(|k| v[3 * n + k]));
    let ys: [f64; 5] = core::array::from_fn(|n| v[15 + n]);
    for seed in 61..66 {
        let u = sequence(seed, 25, -1.0, 1.0);
        let w1: [[f64; 3]; 4] = core::array::from_fn(|j| core::array::from_fn(|k| u[3 * j + k]));
        let b1: [f64; 4] = core::array::from_fn(|j| u[12 + j]);
        let w2: [f64; 4] = core::array::from_fn(|j| u[16 + j]);
        let b2 = u[20];
        let grad: ([[f64; 3]; 4], [f64; 4], [f64; 4], f64) =
            mlp_loss_grad(&w1, &b1, &w2, b2, &xs, &ys);
        check_at(
            "mlp_loss",
            &format!("(seed {seed})"),
            mlp_loss(&w1, &b1, &w2, b2, &xs, &ys),
            mlp_loss_value_and_grad(&w1, &b1, &w2, b2, &xs, &ys),
            grad,
            |s| {
                let next = &mut 0;
                let w1d = w1.seed(s, next);
                let b1d = b1.seed(s, next);
                let w2d = w2.seed(s, next);
                let b2d = b2.seed(s, next);
                mlp_loss_dual(&w1d, &b1d, &w2d, b2d, &xs, &ys)
            },
        );

        let w1: [[f64; 2]; 3] = core::array::from_fn(|j| core::array::from_fn(|k| u[2 * j + k]));
        let w2: [f64; 3] = core::array::from_fn(|j| u[6 + j]);
        let x = [u[9] * 2.0, u[10] * 2.0];
        check_at(
            "mlp_forward",
            &format!("(seed {seed})"),
            mlp_forward(&w1, &w2, x),
            mlp_forward_value_and_grad(&w1, &w2, x),
            mlp_forward_grad(&w1, &w2, x),
            |s| {
                let next = &mut 0;
                let w1d = w1.seed(s, next);
                let w2d = w2.seed(s, next);
                let xd = x.seed(s, next);
                mlp_forward_dual(&w1d, &w2d, xd)
            },
        );
    }
}
