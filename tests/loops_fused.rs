//! Adversarial cases for loop fusion (`autodiff-codegen/src/fuse/`) and the hoisted bounds
//! checks of loops over slices (`autodiff::__loop_in_bounds!`).
//!
//! Fusion runs the adjoint of an additive loop inside its primal loop, forwards, when the
//! adjoint only adds into gradients and its seed does not depend on the loop's result. The
//! functions below mix loops that must fuse (sums used linearly, several accumulators,
//! sequential sums, nested sums, local arrays in the body, calls) with loops that look
//! alike but must not (sums used non-linearly, products, `max`, values carried into the
//! next iteration, moving averages, resets, `break`), and loops whose indices run ahead
//! (`x[i + 2]`), are guarded, or run zero times.
//!
//! At every point: the value of `f_value_and_grad` (and of `_into`) is `f`'s bit for bit,
//! `f_grad` is `f_value_and_grad(..).1` bit for bit, `_value_and_grad_into` writes the same
//! numbers, and the gradient agrees with num-dual (a hand-written dual twin, or the generic
//! function itself on [`D`]) and, where it is short, with a hand-written derivative. Panics
//! of the generated functions are compared with those of the plain function.

// The functions under test are written in the forms the macro must handle, some of which
// clippy frowns upon (`for i in 0..n` indexing, `p = p * x`, `&Vec<f64>` parameters).
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::ptr_arg
)]

mod common;

use autodiff::differentiable;
use common::arrays::{Seed, array, assert_close_grad, assert_same_grad, check_at, sequence};
use common::{D, TOL_F64};
use core::ops::{AddAssign, SubAssign};
use num_traits::Float;

// ---------------------------------------------------------------------------------------
// Harness for functions of one slice.
// ---------------------------------------------------------------------------------------

/// The generated items of a `#[differentiable] fn f(x: &[f64]) -> f64` and its dual twin.
struct SliceFn {
    name: &'static str,
    f: fn(&[f64]) -> f64,
    value_and_grad: fn(&[f64]) -> (f64, Vec<f64>),
    grad: fn(&[f64]) -> Vec<f64>,
    into: fn(&[f64], &mut [f64]) -> f64,
    dual: fn(&[D]) -> D,
}

macro_rules! slice_fn {
    ($f:ident, $vg:ident, $g:ident, $into:ident, $dual:ident) => {
        SliceFn {
            name: stringify!($f),
            f: $f,
            value_and_grad: $vg,
            grad: $g,
            into: $into,
            dual: $dual,
        }
    };
}

/// The point's description in failure messages.
fn describe(x: &[f64]) -> String {
    format!("(n = {}, x[..4] = {:?})", x.len(), &x[..x.len().min(4)])
}

/// Checks every generated item of `it` at `x`; returns the gradient.
#[track_caller]
fn check_slice(it: &SliceFn, x: &[f64]) -> Vec<f64> {
    let point = describe(x);
    let value = (it.f)(x);
    let (v, g) = (it.value_and_grad)(x);
    assert_eq!(
        v.to_bits(),
        value.to_bits(),
        "{}{point}: value {v:e} vs f {value:e}",
        it.name
    );
    check_at(it.name, &point, value, (v, g.clone()), (it.grad)(x), |s| {
        (it.dual)(&x.seed(s, &mut 0))
    });
    let mut buffer = vec![f64::NAN; x.len()];
    let v_into = (it.into)(x, &mut buffer);
    assert_same_grad(
        &(v_into, &buffer),
        &(v, &g),
        &format!("{}_value_and_grad_into{point}", it.name),
    );
    g
}

/// Slices of several lengths (from `min_len` on), including long ones, and signed zeros.
fn slices(min_len: usize, lo: f64, hi: f64) -> Vec<Vec<f64>> {
    [0, 1, 2, 3, 4, 7, 10, 33, 200]
        .into_iter()
        .filter(|n| *n >= min_len)
        .enumerate()
        .map(|(k, n)| sequence(100 + k as u64, n, lo, hi))
        .chain([vec![-0.0, 0.0, -0.0, 0.0, 0.0]])
        .collect()
}

/// The message of the panic of `f`, or `None` when it returns.
fn panic_message<R>(f: impl FnOnce() -> R + std::panic::UnwindSafe) -> Option<String> {
    match std::panic::catch_unwind(f) {
        Ok(_) => None,
        Err(e) => Some(
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Sums used linearly: these fuse.
// ---------------------------------------------------------------------------------------

/// `s / n`, the mean of a non-linear term.
#[differentiable]
fn mean_term(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i].sin() * x[i] + 0.5 * x[i];
    }
    s / x.len() as f64
}

fn mean_term_dual(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s += x[i].sin() * x[i] + 0.5 * x[i];
    }
    s / x.len() as f64
}

/// Three accumulators in one loop (`+=`, `+=`, `-=`), combined linearly, with a scalar
/// parameter read in the body and after the loop.
#[differentiable]
fn three_accumulators(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    let mut t = 0.0;
    let mut u = 0.0;
    for i in 0..x.len() {
        let d = x[i] - w;
        s += x[i] * w;
        t += d * d;
        u -= d.exp();
    }
    2.0 * s - 3.0 * t + u + w
}

fn three_accumulators_dual(x: &[D], w: D) -> D {
    let mut s = D::cst(0.0);
    let mut t = D::cst(0.0);
    let mut u = D::cst(0.0);
    for i in 0..x.len() {
        let d = x[i] - w;
        s += x[i] * w;
        t += d * d;
        u -= d.exp();
    }
    2.0 * s - 3.0 * t + u + w
}

/// `s * w`: linear in `s`, with a coefficient that is a parameter; the body reads a value
/// computed from `w` before the loop, so every iteration adds into its adjoint.
#[differentiable]
fn scaled_by_parameter(x: &[f64], w: f64) -> f64 {
    let c = w.exp();
    let mut s = 0.0;
    for i in 0..x.len() {
        s += c * x[i] * x[i];
    }
    s * w + c + s + s / 4.0
}

fn scaled_by_parameter_dual(x: &[D], w: D) -> D {
    let c = w.exp();
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s += c * x[i] * x[i];
    }
    s * w + c + s + s / 4.0
}

/// Two sum loops over the same range, one after the other, used linearly.
#[differentiable]
fn two_sums(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i].exp();
    }
    let mut t = 0.0;
    for i in 0..x.len() {
        t += x[i] * x[i];
    }
    s - t
}

fn two_sums_dual(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s += x[i].exp();
    }
    let mut t = D::cst(0.0);
    for i in 0..x.len() {
        t += x[i] * x[i];
    }
    s - t
}

/// Two sums, each linear on its own, combined non-linearly: each loop's seed is the other
/// loop's result.
#[differentiable]
fn ratio_of_sums(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i].exp();
    }
    let mut t = 0.0;
    for i in 0..x.len() {
        t += x[i] * x[i] + 1.0;
    }
    s / t + s * t
}

fn ratio_of_sums_dual(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s += x[i].exp();
    }
    let mut t = D::cst(0.0);
    for i in 0..x.len() {
        t += x[i] * x[i] + 1.0;
    }
    s / t + s * t
}

/// A sum loop after a loop whose result it reads (the mean), both over the same range.
#[differentiable]
fn variance(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i];
    }
    let m = s / n;
    let mut v = 0.0;
    for i in 0..x.len() {
        let d = x[i] - m;
        v += d * d;
    }
    v / n
}

fn variance_dual(x: &[D]) -> D {
    let n = x.len() as f64;
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s += x[i];
    }
    let m = s / n;
    let mut v = D::cst(0.0);
    for i in 0..x.len() {
        let d = x[i] - m;
        v += d * d;
    }
    v / n
}

/// A sum loop reading the result of a `max` loop, used linearly: every iteration adds into
/// the adjoint of `m`, which then goes through the (unfusable) `max` loop.
#[differentiable]
fn centred_sum(x: &[f64]) -> f64 {
    let mut m = x[0];
    for i in 1..x.len() {
        m = m.max(x[i]);
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (x[i] - m) * x[i];
    }
    s
}

fn centred_sum_dual(x: &[D]) -> D {
    let mut m = x[0];
    for i in 1..x.len() {
        m = m.max(x[i]);
    }
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s += (x[i] - m) * x[i];
    }
    s
}

#[test]
fn sums_used_linearly() {
    let mean = slice_fn!(
        mean_term,
        mean_term_value_and_grad,
        mean_term_grad,
        mean_term_value_and_grad_into,
        mean_term_dual
    );
    let two = slice_fn!(
        two_sums,
        two_sums_value_and_grad,
        two_sums_grad,
        two_sums_value_and_grad_into,
        two_sums_dual
    );
    let ratio = slice_fn!(
        ratio_of_sums,
        ratio_of_sums_value_and_grad,
        ratio_of_sums_grad,
        ratio_of_sums_value_and_grad_into,
        ratio_of_sums_dual
    );
    let var = slice_fn!(
        variance,
        variance_value_and_grad,
        variance_grad,
        variance_value_and_grad_into,
        variance_dual
    );
    let centred = slice_fn!(
        centred_sum,
        centred_sum_value_and_grad,
        centred_sum_grad,
        centred_sum_value_and_grad_into,
        centred_sum_dual
    );
    for x in slices(0, -2.0, 2.0) {
        check_slice(&two, &x);
        if x.is_empty() {
            // 0 / 0: the value is NaN in both, the gradient empty.
            assert!(mean_term(&x).is_nan() && mean_term_value_and_grad(&x).0.is_nan());
            assert_eq!(mean_term_grad(&x), Vec::<f64>::new());
            continue;
        }
        check_slice(&mean, &x);
        check_slice(&ratio, &x);
        check_slice(&centred, &x);
        let g = check_slice(&var, &x);
        // Hand-written: ∂/∂xᵢ of the (biased) variance is 2 (xᵢ - mean) / n.
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        let hand: Vec<f64> = x.iter().map(|v| 2.0 * (v - m) / n).collect();
        assert_close_grad(&g, &hand, TOL_F64, "variance vs hand");
    }
    // Exact small cases: the gradient of Σ eˣ - Σ x² at 0 is 1 - 0 for every element.
    assert_eq!(two_sums_value_and_grad(&[0.0; 3]), (3.0, vec![1.0; 3]));
    assert_eq!(variance_value_and_grad(&[1.0, 3.0]), (1.0, vec![-1.0, 1.0]));

    for x in slices(0, -1.5, 1.5) {
        for w in [-0.7, 0.0, 0.4, 1.3] {
            let point = format!("({}, {w})", describe(&x));
            let (v, (gx, gw)) = three_accumulators_value_and_grad(&x, w);
            assert_eq!(v.to_bits(), three_accumulators(&x, w).to_bits());
            check_at(
                "three_accumulators",
                &point,
                three_accumulators(&x, w),
                (v, (gx.clone(), gw)),
                three_accumulators_grad(&x, w),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let wd = w.seed(s, next);
                    three_accumulators_dual(&xd, wd)
                },
            );
            let mut buffer = vec![f64::NAN; x.len()];
            let (v_into, gw_into) = three_accumulators_value_and_grad_into(&x, w, &mut buffer);
            assert_same_grad(&(v_into, buffer, gw_into), &(v, gx, gw), &point);

            let (v, (gx, gw)) = scaled_by_parameter_value_and_grad(&x, w);
            assert_eq!(v.to_bits(), scaled_by_parameter(&x, w).to_bits());
            check_at(
                "scaled_by_parameter",
                &point,
                scaled_by_parameter(&x, w),
                (v, (gx.clone(), gw)),
                scaled_by_parameter_grad(&x, w),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let wd = w.seed(s, next);
                    scaled_by_parameter_dual(&xd, wd)
                },
            );
            let mut buffer = vec![f64::NAN; x.len()];
            let (v_into, gw_into) = scaled_by_parameter_value_and_grad_into(&x, w, &mut buffer);
            assert_same_grad(&(v_into, buffer, gw_into), &(v, gx, gw), &point);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Ranges and iterators: `rev`, `..=`, starts other than 0, `step_by`, `iter`,
// `enumerate`, `zip`.
// ---------------------------------------------------------------------------------------

/// Every range form on an array, each loop a sum.
#[differentiable]
fn range_forms(x: &[f64; 8]) -> f64 {
    let mut s = 0.0;
    for i in (0..8).rev() {
        s += (i as f64 + 1.0) * x[i].cos();
    }
    let mut t = 0.0;
    for i in 2..=5 {
        t += x[i] * x[i + 2];
    }
    let mut u = 0.0;
    for i in (1..8).step_by(3) {
        u += x[i].powi(3);
    }
    let mut r = 0.0;
    for i in (3..7).rev() {
        r += x[i - 3] * x[i];
    }
    let mut q = 0.0;
    for i in (0..=7).rev().step_by(2) {
        q += x[i] * x[7 - i];
    }
    s + 2.0 * t - u + r + q / 2.0
}

fn range_forms_dual(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in (0..8).rev() {
        s += (i as f64 + 1.0) * x[i].cos();
    }
    let mut t = D::cst(0.0);
    for i in 2..=5 {
        t += x[i] * x[i + 2];
    }
    let mut u = D::cst(0.0);
    for i in (1..8).step_by(3) {
        u += x[i].powi(3);
    }
    let mut r = D::cst(0.0);
    for i in (3..7).rev() {
        r += x[i - 3] * x[i];
    }
    let mut q = D::cst(0.0);
    for i in (0..=7).rev().step_by(2) {
        q += x[i] * x[7 - i];
    }
    s + 2.0 * t - u + r + q / 2.0
}

/// The range forms on a slice, with run-time bounds (`k..n`, `(k..n).rev()`, `k..=n`).
#[differentiable]
fn slice_ranges(x: &[f64], k: usize) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in (k..n).rev() {
        s += x[i] * x[i - k].sin();
    }
    let mut t = 0.0;
    for i in k..n - 1 {
        t += x[i + 1] * x[i];
    }
    let mut u = 0.0;
    for i in k..=n - 1 {
        u += x[i].exp();
    }
    let mut r = 0.0;
    for i in (k..n).step_by(2) {
        r += x[i] * x[i];
    }
    s + t - u / 8.0 + 3.0 * r
}

fn slice_ranges_dual(x: &[D], k: usize) -> D {
    let n = x.len();
    let mut s = D::cst(0.0);
    for i in (k..n).rev() {
        s += x[i] * x[i - k].sin();
    }
    let mut t = D::cst(0.0);
    for i in k..n - 1 {
        t += x[i + 1] * x[i];
    }
    let mut u = D::cst(0.0);
    for i in k..=n - 1 {
        u += x[i].exp();
    }
    let mut r = D::cst(0.0);
    for i in (k..n).step_by(2) {
        r += x[i] * x[i];
    }
    s + t - u / 8.0 + 3.0 * r
}

/// `iter()`, `for &v in y`, `enumerate()` and `zip()` of slices of different lengths.
#[differentiable]
fn iterator_forms(x: &[f64], y: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for &v in x.iter() {
        s += v * v;
    }
    let mut t = 0.0;
    for (i, &v) in x.iter().enumerate() {
        t += v * (i as f64 + 0.5);
    }
    let mut u = 0.0;
    for (&a, &b) in x.iter().zip(y.iter()) {
        u += a * b.sin();
    }
    let mut r = 0.0;
    for &v in y {
        r += v.exp();
    }
    let mut q = 0.0;
    for (i, (&a, &b)) in y.iter().zip(x.iter()).enumerate() {
        q += (a - b) * (i as f64);
    }
    s + 0.5 * t - u + r / 4.0 + q
}

fn iterator_forms_dual(x: &[D], y: &[D]) -> D {
    let mut s = D::cst(0.0);
    for &v in x {
        s += v * v;
    }
    let mut t = D::cst(0.0);
    for (i, &v) in x.iter().enumerate() {
        t += v * (i as f64 + 0.5);
    }
    let mut u = D::cst(0.0);
    for (&a, &b) in x.iter().zip(y) {
        u += a * b.sin();
    }
    let mut r = D::cst(0.0);
    for &v in y {
        r += v.exp();
    }
    let mut q = D::cst(0.0);
    for (i, (&a, &b)) in y.iter().zip(x).enumerate() {
        q += (a - b) * (i as f64);
    }
    s + 0.5 * t - u + r / 4.0 + q
}

#[test]
fn ranges_and_iterators() {
    for seed in 0..6 {
        let x: [f64; 8] = array(seed, -2.0, 2.0);
        let (v, g) = range_forms_value_and_grad(&x);
        assert_eq!(v.to_bits(), range_forms(&x).to_bits());
        check_at(
            "range_forms",
            &format!("{x:?}"),
            range_forms(&x),
            (v, g),
            range_forms_grad(&x),
            |s| range_forms_dual(&x.seed(s, &mut 0)),
        );
    }
    for x in slices(1, -1.5, 1.5) {
        for k in [0, 1, 2, 5] {
            if k >= x.len() {
                continue;
            }
            let point = format!("({}, {k})", describe(&x));
            let (v, g) = slice_ranges_value_and_grad(&x, k);
            assert_eq!(v.to_bits(), slice_ranges(&x, k).to_bits(), "{point}");
            check_at(
                "slice_ranges",
                &point,
                slice_ranges(&x, k),
                (v, g.clone()),
                slice_ranges_grad(&x, k),
                |s| slice_ranges_dual(&x.seed(s, &mut 0), k),
            );
            let mut buffer = vec![f64::NAN; x.len()];
            let v_into = slice_ranges_value_and_grad_into(&x, k, &mut buffer);
            assert_same_grad(&(v_into, buffer), &(v, g), &point);
        }
    }
    // Zipped slices of every combination of lengths (zip stops at the shorter).
    for (nx, ny) in [
        (0, 0),
        (0, 3),
        (3, 0),
        (1, 1),
        (5, 2),
        (2, 5),
        (40, 41),
        (41, 40),
    ] {
        let x = sequence(nx as u64, nx, -1.5, 1.5);
        let y = sequence(ny as u64 + 50, ny, -1.5, 1.5);
        let point = format!("({nx}, {ny})");
        let (v, (gx, gy)) = iterator_forms_value_and_grad(&x, &y);
        assert_eq!(v.to_bits(), iterator_forms(&x, &y).to_bits(), "{point}");
        assert_eq!((gx.len(), gy.len()), (nx, ny));
        check_at(
            "iterator_forms",
            &point,
            iterator_forms(&x, &y),
            (v, (gx.clone(), gy.clone())),
            iterator_forms_grad(&x, &y),
            |s| {
                let next = &mut 0;
                let xd = x.seed(s, next);
                let yd = y.seed(s, next);
                iterator_forms_dual(&xd, &yd)
            },
        );
        let (mut bx, mut by) = (vec![f64::NAN; nx], vec![f64::NAN; ny]);
        let v_into = iterator_forms_value_and_grad_into(&x, &y, &mut bx, &mut by);
        assert_same_grad(&(v_into, bx, by), &(v, gx, gy), &point);
    }
}

// ---------------------------------------------------------------------------------------
// Loops that look additive but are not (they must not fuse, and must still be right).
// ---------------------------------------------------------------------------------------

/// The sum used non-linearly: the seed depends on the loop's result.
#[differentiable]
fn nonlinear_uses(x: &[f64], t: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    (s + 1.0).sqrt() + s * s + (s - t).exp()
}

fn nonlinear_uses_dual(x: &[D], t: D) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    (s + 1.0).sqrt() + s * s + (s - t).exp()
}

/// The sum used through a branch on its own value.
#[differentiable]
fn sum_then_branch(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i];
    }
    if s > 1.0 { 2.0 * s } else { s - 1.0 }
}

fn sum_then_branch_dual(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s += x[i];
    }
    if s > 1.0 { 2.0 * s } else { s - 1.0 }
}

/// A product and a sum in the same loop: one non-additive carried value is enough.
#[differentiable]
fn product_and_sum(x: &[f64]) -> f64 {
    let mut p = 1.0;
    let mut s = 0.0;
    for i in 0..x.len() {
        p *= 1.0 + x[i] * x[i];
        s += x[i];
    }
    p + s
}

fn product_and_sum_dual(x: &[D]) -> D {
    let mut p = D::cst(1.0);
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        p *= 1.0 + x[i] * x[i];
        s += x[i];
    }
    p + s
}

/// `max` by method and by branch.
#[differentiable]
fn maxima(x: &[f64]) -> f64 {
    let mut m = f64::NEG_INFINITY;
    let mut b = x[0];
    for i in 0..x.len() {
        m = m.max(x[i] * 2.0);
        if x[i] > b {
            b = x[i];
        }
    }
    m + b * b
}

fn maxima_dual(x: &[D]) -> D {
    let mut m = D::cst(f64::NEG_INFINITY);
    let mut b = x[0];
    for i in 0..x.len() {
        m = m.max(x[i] * 2.0);
        if x[i] > b {
            b = x[i];
        }
    }
    m + b * b
}

/// A value carried into the next iteration (`prev = x[i]`), read by the sum.
#[differentiable]
fn total_variation(x: &[f64]) -> f64 {
    let mut prev = x[0];
    let mut s = 0.0;
    for i in 1..x.len() {
        let d = x[i] - prev;
        s += d * d;
        prev = x[i].sin();
    }
    s
}

fn total_variation_dual(x: &[D]) -> D {
    let mut prev = x[0];
    let mut s = D::cst(0.0);
    for i in 1..x.len() {
        let d = x[i] - prev;
        s += d * d;
        prev = x[i].sin();
    }
    s
}

/// An exponential moving average: linear in `s` and used linearly, but the adjoint of `s`
/// is scaled by `a` from one iteration to the next.
#[differentiable]
fn moving_average(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s = a * s + x[i];
    }
    s
}

fn moving_average_dual(x: &[D], a: D) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s = a * s + x[i];
    }
    s
}

/// A running sum of a running sum: `t` is additive, `c` feeds it every iteration.
#[differentiable]
fn cumulative(x: &[f64]) -> f64 {
    let mut c = 0.0;
    let mut t = 0.0;
    for i in 0..x.len() {
        c += x[i];
        t += c;
    }
    t
}

fn cumulative_dual(x: &[D]) -> D {
    let mut c = D::cst(0.0);
    let mut t = D::cst(0.0);
    for i in 0..x.len() {
        c += x[i];
        t += c;
    }
    t
}

/// A sum reset every third iteration: only the last segment counts.
#[differentiable]
fn reset_sum(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i % 3 == 0 {
            s = 0.0;
        }
        s += x[i] * x[i];
    }
    s
}

fn reset_sum_dual(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        if i % 3 == 0 {
            s = D::cst(0.0);
        }
        s += x[i] * x[i];
    }
    s
}

/// A sum halved on a data-dependent condition.
#[differentiable]
fn halving_sum(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] < 0.0 {
            s *= 0.5;
        }
        s += x[i];
    }
    s
}

fn halving_sum_dual(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        if x[i] < 0.0 {
            s *= 0.5;
        }
        s += x[i];
    }
    s
}

/// A sum that stops early (`break` makes the loop unfusable), used linearly.
#[differentiable]
fn capped_sum(x: &[f64], cap: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
        if s > cap {
            break;
        }
    }
    s / 2.0
}

fn capped_sum_dual(x: &[D], cap: D) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s += x[i] * x[i];
        if s > cap {
            break;
        }
    }
    s / 2.0
}

/// A sum over the same range after an unrelated sum, whose own loop must save a carried
/// value (the running record) for its adjoint.
#[differentiable]
fn records_after_sum(x: &[f64]) -> f64 {
    let mut u = 0.0;
    for i in 0..x.len() {
        u += x[i] * x[i];
    }
    let mut m = f64::NEG_INFINITY;
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > m {
            s += x[i].sin();
            m = x[i];
        }
    }
    u + s
}

fn records_after_sum_dual(x: &[D]) -> D {
    let mut u = D::cst(0.0);
    for i in 0..x.len() {
        u += x[i] * x[i];
    }
    let mut m = D::cst(f64::NEG_INFINITY);
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        if x[i] > m {
            s += x[i].sin();
            m = x[i];
        }
    }
    u + s
}

/// An integer carried from one iteration to the next, used as an index.
#[differentiable]
fn strided_pairs(x: &[f64]) -> f64 {
    let mut k = 0;
    let mut s = 0.0;
    for _ in 0..x.len() / 2 {
        s += x[k] * x[k + 1];
        k += 2;
    }
    s
}

fn strided_pairs_dual(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for k in (0..x.len() / 2).map(|j| 2 * j) {
        s += x[k] * x[k + 1];
    }
    s
}

#[test]
fn non_additive_loops() {
    let fns = [
        slice_fn!(
            sum_then_branch,
            sum_then_branch_value_and_grad,
            sum_then_branch_grad,
            sum_then_branch_value_and_grad_into,
            sum_then_branch_dual
        ),
        slice_fn!(
            product_and_sum,
            product_and_sum_value_and_grad,
            product_and_sum_grad,
            product_and_sum_value_and_grad_into,
            product_and_sum_dual
        ),
        slice_fn!(
            cumulative,
            cumulative_value_and_grad,
            cumulative_grad,
            cumulative_value_and_grad_into,
            cumulative_dual
        ),
        slice_fn!(
            reset_sum,
            reset_sum_value_and_grad,
            reset_sum_grad,
            reset_sum_value_and_grad_into,
            reset_sum_dual
        ),
        slice_fn!(
            halving_sum,
            halving_sum_value_and_grad,
            halving_sum_grad,
            halving_sum_value_and_grad_into,
            halving_sum_dual
        ),
        slice_fn!(
            records_after_sum,
            records_after_sum_value_and_grad,
            records_after_sum_grad,
            records_after_sum_value_and_grad_into,
            records_after_sum_dual
        ),
        slice_fn!(
            strided_pairs,
            strided_pairs_value_and_grad,
            strided_pairs_grad,
            strided_pairs_value_and_grad_into,
            strided_pairs_dual
        ),
    ];
    let needs_one = [
        slice_fn!(
            maxima,
            maxima_value_and_grad,
            maxima_grad,
            maxima_value_and_grad_into,
            maxima_dual
        ),
        slice_fn!(
            total_variation,
            total_variation_value_and_grad,
            total_variation_grad,
            total_variation_value_and_grad_into,
            total_variation_dual
        ),
    ];
    for x in slices(0, -1.2, 1.2) {
        for it in &fns {
            check_slice(it, &x);
        }
        if !x.is_empty() {
            for it in &needs_one {
                check_slice(it, &x);
            }
        }
        // Hand-written: ∂/∂x_k of Σᵢ Σ_{j≤i} x_j is n - k.
        let n = x.len();
        let hand: Vec<f64> = (0..n).map(|k| (n - k) as f64).collect();
        assert_eq!(cumulative_grad(&x), hand);
        // Only the last segment of three counts.
        let start = n.saturating_sub(1) / 3 * 3;
        let hand: Vec<f64> = (0..n)
            .map(|k| if k >= start { 2.0 * x[k] } else { 0.0 })
            .collect();
        assert_close_grad(&reset_sum_grad(&x), &hand, TOL_F64, "reset_sum vs hand");
        // Σ x² before the first index past the cap.
        let mut cutoff = n;
        let mut s = 0.0;
        for (k, v) in x.iter().enumerate() {
            s += v * v;
            if s > 1.5 {
                cutoff = k + 1;
                break;
            }
        }
        let hand: Vec<f64> = (0..n)
            .map(|k| if k < cutoff { x[k] } else { 0.0 })
            .collect();
        assert_eq!(capped_sum_grad(&x, 1.5).0, hand);

        for t in [-1.0, 0.5, 2.0] {
            let point = format!("({}, {t})", describe(&x));
            let (v, g) = nonlinear_uses_value_and_grad(&x, t);
            assert_eq!(v.to_bits(), nonlinear_uses(&x, t).to_bits());
            check_at(
                "nonlinear_uses",
                &point,
                nonlinear_uses(&x, t),
                (v, g.clone()),
                nonlinear_uses_grad(&x, t),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let td = t.seed(s, next);
                    nonlinear_uses_dual(&xd, td)
                },
            );
            let mut buffer = vec![f64::NAN; n];
            let (v_into, gt) = nonlinear_uses_value_and_grad_into(&x, t, &mut buffer);
            assert_same_grad(&(v_into, buffer, gt), &(v, g), &point);
        }
        for a in [-1.1, 0.0, 0.5, 0.9] {
            let point = format!("({}, {a})", describe(&x));
            let (v, g) = moving_average_value_and_grad(&x, a);
            assert_eq!(v.to_bits(), moving_average(&x, a).to_bits());
            check_at(
                "moving_average",
                &point,
                moving_average(&x, a),
                (v, g.clone()),
                moving_average_grad(&x, a),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let ad = a.seed(s, next);
                    moving_average_dual(&xd, ad)
                },
            );
            // Hand-written: ∂/∂x_k = a^(n-1-k).
            let hand: Vec<f64> = (0..n).map(|k| a.powi((n - 1 - k) as i32)).collect();
            assert_close_grad(&g.0, &hand, TOL_F64, &point);
            let mut buffer = vec![f64::NAN; n];
            let (v_into, ga) = moving_average_value_and_grad_into(&x, a, &mut buffer);
            assert_same_grad(&(v_into, buffer, ga), &(v, g), &point);
        }
        for cap in [0.1, 1.5, 1e9] {
            let point = format!("({}, {cap})", describe(&x));
            let (v, g) = capped_sum_value_and_grad(&x, cap);
            assert_eq!(v.to_bits(), capped_sum(&x, cap).to_bits());
            check_at(
                "capped_sum",
                &point,
                capped_sum(&x, cap),
                (v, g.clone()),
                capped_sum_grad(&x, cap),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let cd = cap.seed(s, next);
                    capped_sum_dual(&xd, cd)
                },
            );
            let mut buffer = vec![f64::NAN; n];
            let (v_into, gc) = capped_sum_value_and_grad_into(&x, cap, &mut buffer);
            assert_same_grad(&(v_into, buffer, gc), &(v, g), &point);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Loop bodies: branches, `match`, `continue`, nested loops, local arrays, calls.
// ---------------------------------------------------------------------------------------

/// `+=` in one branch, `-=` in the other.
#[differentiable]
fn signed_sum(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > 0.0 {
            s += x[i] * w;
        } else {
            s -= x[i] * x[i] * w.sin();
        }
    }
    s / 3.0
}

fn signed_sum_dual(x: &[D], w: D) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        if x[i] > 0.0 {
            s += x[i] * w;
        } else {
            s -= x[i] * x[i] * w.sin();
        }
    }
    s / 3.0
}

/// A `match` on the induction variable, arms with and without blocks.
#[differentiable]
fn match_sum(x: &[f64; 7], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..7 {
        match i % 3 {
            0 => s += x[i] * w,
            1 => {
                s += 2.0 * x[i].sin();
            }
            _ => s -= x[i] * x[i],
        }
    }
    s
}

fn match_sum_dual(x: &[D], w: D) -> D {
    let mut s = D::cst(0.0);
    for i in 0..7 {
        match i % 3 {
            0 => s += x[i] * w,
            1 => s += 2.0 * x[i].sin(),
            _ => s -= x[i] * x[i],
        }
    }
    s
}

/// `continue` before the term, reading the next element.
#[differentiable]
fn continue_sum(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 1..x.len() {
        if x[i - 1] < 0.0 {
            continue;
        }
        s += (x[i - 1] + 1.0).sqrt() * x[i];
    }
    s
}

fn continue_sum_dual(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in 1..x.len() {
        if x[i - 1] < 0.0 {
            continue;
        }
        s += (x[i - 1] + 1.0).sqrt() * x[i];
    }
    s
}

/// A sum over rows of a sum over columns (used linearly), and a double loop adding into
/// one accumulator.
#[differentiable]
fn nested_sums(w: &[[f64; 3]; 4], v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        let mut r = 0.0;
        for j in 0..3 {
            r += w[i][j] * v[j];
        }
        s += r;
    }
    let mut t = 0.0;
    for i in 0..4 {
        for j in 0..3 {
            t += w[i][j] * w[i][(j + 1) % 3];
        }
    }
    s + t
}

fn nested_sums_dual(w: &[[D; 3]; 4], v: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..4 {
        let mut r = D::cst(0.0);
        for j in 0..3 {
            r += w[i][j] * v[j];
        }
        s += r;
    }
    let mut t = D::cst(0.0);
    for i in 0..4 {
        for j in 0..3 {
            t += w[i][j] * w[i][(j + 1) % 3];
        }
    }
    s + t
}

/// Inner loops whose results feed the outer sum non-linearly (a sum and a product).
#[differentiable]
fn inner_feeds(x: &[f64; 6], w: &[f64; 3]) -> f64 {
    let mut total = 0.0;
    for i in 0..4 {
        let mut r = 0.0;
        for j in 0..3 {
            r += w[j] * x[i + j];
        }
        let mut p = 1.0;
        for j in 0..3 {
            p *= 1.0 + 0.1 * x[i + j] * w[j];
        }
        total += r.tanh() + 0.5 * r + p;
    }
    total
}

fn inner_feeds_dual(x: &[D], w: &[D]) -> D {
    let mut total = D::cst(0.0);
    for i in 0..4 {
        let mut r = D::cst(0.0);
        for j in 0..3 {
            r += w[j] * x[i + j];
        }
        let mut p = D::cst(1.0);
        for j in 0..3 {
            p *= 1.0 + 0.1 * x[i + j] * w[j];
        }
        total += r.tanh() + 0.5 * r + p;
    }
    total
}

/// A local array per iteration: elements written, overwritten and re-read at constant and
/// at run-time indices (which lowering cannot forward).
#[differentiable]
fn local_array_versions(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let k = i % 3;
        let mut h = [0.0; 3];
        h[0] = x[i] * w;
        h[1] = h[0] * h[0];
        h[0] = h[1] + x[i].sin();
        h[k] = h[k] * 2.0 + h[(k + 1) % 3];
        h[2] += h[0] * h[1];
        h[(k + 2) % 3] = h[k].cos() - h[2];
        s += h[0] + h[1] * h[2] - h[k];
    }
    s
}

fn local_array_versions_dual(x: &[D], w: D) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        let k = i % 3;
        let mut h = [D::cst(0.0); 3];
        h[0] = x[i] * w;
        h[1] = h[0] * h[0];
        h[0] = h[1] + x[i].sin();
        h[k] = h[k] * 2.0 + h[(k + 1) % 3];
        h[2] += h[0] * h[1];
        h[(k + 2) % 3] = h[k].cos() - h[2];
        s += h[0] + h[1] * h[2] - h[k];
    }
    s
}

/// A local array declared outside the loop: each iteration shifts it (a value carried
/// through an array), and its last contents are read after the loop.
#[differentiable]
fn array_carry(x: &[f64]) -> f64 {
    let mut h = [0.0; 2];
    let mut s = 0.0;
    for i in 0..x.len() {
        h[1] = h[0];
        h[0] = x[i].sin();
        s += h[0] * h[1];
    }
    s + h[1] + 2.0 * h[0]
}

fn array_carry_dual(x: &[D]) -> D {
    let mut h = [D::cst(0.0); 2];
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        h[1] = h[0];
        h[0] = x[i].sin();
        s += h[0] * h[1];
    }
    s + h[1] + 2.0 * h[0]
}

/// A scratch array outside the loop, rewritten before it is read in each iteration; the
/// last iteration's contents are also read after the loop.
#[differentiable]
fn scratch_array(x: &[f64], w: f64) -> f64 {
    let mut h = [0.0; 2];
    let mut s = 0.0;
    for i in 0..x.len() {
        h[0] = x[i] * w;
        h[1] = h[0].tanh();
        s += h[1] * x[i];
    }
    s + h[0] * 3.0
}

fn scratch_array_dual(x: &[D], w: D) -> D {
    let mut h = [D::cst(0.0); 2];
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        h[0] = x[i] * w;
        h[1] = h[0].tanh();
        s += h[1] * x[i];
    }
    s + h[0] * 3.0
}

/// A local array filled by one loop, read by a sum loop, then updated in place by a third
/// loop (`h[i] = h[i] * x[i]`): neither adjoint may use the final contents where the loop
/// read the old ones.
#[differentiable]
fn fill_sum_overwrite(x: &[f64; 5]) -> f64 {
    let mut h = [0.0; 5];
    for i in 0..5 {
        h[i] = x[i].exp();
    }
    let mut s = 0.0;
    for i in 0..5 {
        s += h[i] * x[4 - i];
    }
    let mut t = 0.0;
    for i in 0..5 {
        h[i] = h[i] * x[i];
        t += h[i];
    }
    s + t + h[2]
}

fn fill_sum_overwrite_dual(x: &[D]) -> D {
    let mut h = [D::cst(0.0); 5];
    for i in 0..5 {
        h[i] = x[i].exp();
    }
    let mut s = D::cst(0.0);
    for i in 0..5 {
        s += h[i] * x[4 - i];
    }
    let mut t = D::cst(0.0);
    for i in 0..5 {
        h[i] = h[i] * x[i];
        t += h[i];
    }
    s + t + h[2]
}

/// `log(1 + eᶻ)`, without overflow.
#[differentiable]
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

fn softplus_dual(z: D) -> D {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// Calls to another `#[differentiable]` function in the body, one result squared.
#[differentiable]
fn sum_of_calls(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a = softplus(w * x[i]);
        s += a * a + softplus(x[i] - w);
    }
    s / 2.0
}

fn sum_of_calls_dual(x: &[D], w: D) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        let a = softplus_dual(w * x[i]);
        s += a * a + softplus_dual(x[i] - w);
    }
    s / 2.0
}

/// Checks a `#[differentiable] fn f(x: &[f64], w: f64) -> f64` at `(x, w)`.
macro_rules! check_slice_scalar {
    ($f:ident, $vg:ident, $g:ident, $into:ident, $dual:ident, $x:expr, $w:expr) => {{
        let (x, w): (&[f64], f64) = ($x, $w);
        let point = format!("({}, {w})", describe(x));
        let (v, g) = $vg(x, w);
        assert_eq!(v.to_bits(), $f(x, w).to_bits(), "{}{point}", stringify!($f));
        check_at(
            stringify!($f),
            &point,
            $f(x, w),
            (v, g.clone()),
            $g(x, w),
            |s| {
                let next = &mut 0;
                let xd = x.seed(s, next);
                let wd = w.seed(s, next);
                $dual(&xd, wd)
            },
        );
        let mut buffer = vec![f64::NAN; x.len()];
        let (v_into, gw) = $into(x, w, &mut buffer);
        assert_same_grad(
            &(v_into, buffer, gw),
            &(v, g),
            &format!("{}_value_and_grad_into{point}", stringify!($f)),
        );
    }};
}

#[test]
fn loop_bodies() {
    let cont = slice_fn!(
        continue_sum,
        continue_sum_value_and_grad,
        continue_sum_grad,
        continue_sum_value_and_grad_into,
        continue_sum_dual
    );
    let carry = slice_fn!(
        array_carry,
        array_carry_value_and_grad,
        array_carry_grad,
        array_carry_value_and_grad_into,
        array_carry_dual
    );
    for x in slices(0, -1.5, 1.5) {
        check_slice(&cont, &x);
        check_slice(&carry, &x);
        for w in [-0.8, 0.3, 1.7] {
            check_slice_scalar!(
                signed_sum,
                signed_sum_value_and_grad,
                signed_sum_grad,
                signed_sum_value_and_grad_into,
                signed_sum_dual,
                &x,
                w
            );
            check_slice_scalar!(
                local_array_versions,
                local_array_versions_value_and_grad,
                local_array_versions_grad,
                local_array_versions_value_and_grad_into,
                local_array_versions_dual,
                &x,
                w
            );
            check_slice_scalar!(
                scratch_array,
                scratch_array_value_and_grad,
                scratch_array_grad,
                scratch_array_value_and_grad_into,
                scratch_array_dual,
                &x,
                w
            );
            check_slice_scalar!(
                sum_of_calls,
                sum_of_calls_value_and_grad,
                sum_of_calls_grad,
                sum_of_calls_value_and_grad_into,
                sum_of_calls_dual,
                &x,
                w
            );
        }
    }
    // Hand-written: the `h[0]` read after the loop is the last iteration's x w, so only
    // the last element gets its 3 w (and w its 3 x[n-1]).
    let x = [0.5, -1.0, 2.0];
    let w = 0.25;
    let (_, (gx, gw)) = scratch_array_value_and_grad(&x, w);
    let sech2 = |z: f64| 1.0 - z.tanh() * z.tanh();
    let hand_x: Vec<f64> = (0..3)
        .map(|k| {
            let z = x[k] * w;
            z.tanh() + x[k] * w * sech2(z) + if k == 2 { 3.0 * w } else { 0.0 }
        })
        .collect();
    let hand_w: f64 = x.iter().map(|v| v * v * sech2(v * w)).sum::<f64>() + 3.0 * x[2];
    assert_close_grad(
        &(gx, gw),
        &(hand_x, hand_w),
        TOL_F64,
        "scratch_array vs hand",
    );

    for seed in 0..5 {
        let x: [f64; 7] = array(seed, -2.0, 2.0);
        for w in [-1.0, 0.5] {
            let (v, g) = match_sum_value_and_grad(&x, w);
            assert_eq!(v.to_bits(), match_sum(&x, w).to_bits());
            check_at(
                "match_sum",
                &format!("({x:?}, {w})"),
                match_sum(&x, w),
                (v, g),
                match_sum_grad(&x, w),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let wd = w.seed(s, next);
                    match_sum_dual(&xd, wd)
                },
            );
        }

        let w: [[f64; 3]; 4] = {
            let u = sequence(seed + 10, 12, -1.0, 1.0);
            core::array::from_fn(|i| core::array::from_fn(|j| u[3 * i + j]))
        };
        let v = sequence(seed + 20, 3, -1.0, 1.0);
        let (val, (gw, gv)) = nested_sums_value_and_grad(&w, &v);
        assert_eq!(val.to_bits(), nested_sums(&w, &v).to_bits());
        check_at(
            "nested_sums",
            &format!("(seed {seed})"),
            nested_sums(&w, &v),
            (val, (gw, gv.clone())),
            nested_sums_grad(&w, &v),
            |s| {
                let next = &mut 0;
                let wd = w.seed(s, next);
                let vd = v.seed(s, next);
                nested_sums_dual(&wd, &vd)
            },
        );
        let mut buffer = vec![f64::NAN; 3];
        let mut gw_into = [[f64::NAN; 3]; 4];
        let v_into = nested_sums_value_and_grad_into(&w, &v, &mut gw_into, &mut buffer);
        assert_same_grad(
            &(v_into, gw_into, buffer),
            &(val, gw, &gv),
            "nested_sums_into",
        );
        // Hand-written: ∂/∂v_j = Σᵢ w[i][j].
        let hand: Vec<f64> = (0..3).map(|j| (0..4).map(|i| w[i][j]).sum()).collect();
        assert_close_grad(&gv, &hand, TOL_F64, "nested_sums vs hand");

        let x: [f64; 6] = array(seed + 30, -1.5, 1.5);
        let w3: [f64; 3] = array(seed + 40, -1.5, 1.5);
        let (val, g) = inner_feeds_value_and_grad(&x, &w3);
        assert_eq!(val.to_bits(), inner_feeds(&x, &w3).to_bits());
        check_at(
            "inner_feeds",
            &format!("(seed {seed})"),
            inner_feeds(&x, &w3),
            (val, g),
            inner_feeds_grad(&x, &w3),
            |s| {
                let next = &mut 0;
                let xd = x.seed(s, next);
                let wd = w3.seed(s, next);
                inner_feeds_dual(&xd, &wd)
            },
        );
    }
}

// The reverse of the third loop reads `h[i]` back from the array for the factor of
// `x[i]`, getting the value the iteration stored (`h[i] * x[i]`) instead of the one it read
// (`h[i]`). Not a fusion problem: the loop has no accumulator and is not fused.
#[test]
fn array_read_then_overwritten_in_the_same_iteration() {
    for seed in 0..5 {
        let x: [f64; 5] = array(seed + 50, -1.5, 1.5);
        let (val, g) = fill_sum_overwrite_value_and_grad(&x);
        assert_eq!(val.to_bits(), fill_sum_overwrite(&x).to_bits());
        check_at(
            "fill_sum_overwrite",
            &format!("{x:?}"),
            fill_sum_overwrite(&x),
            (val, g),
            fill_sum_overwrite_grad(&x),
            |s| fill_sum_overwrite_dual(&x.seed(s, &mut 0)),
        );
    }
}

/// The smallest form of the case above: each element read, then overwritten by the same
/// iteration. ∂/∂xᵢ is the element's old value, 2.
#[differentiable]
fn scale_in_place(x: &[f64; 3]) -> f64 {
    let mut h = [2.0; 3];
    for i in 0..3 {
        h[i] = h[i] * x[i];
    }
    h[0] + h[1] + h[2]
}

#[test]
fn scale_in_place_gradient() {
    for x in [[1.0, 2.0, 3.0], [0.5, -4.0, 0.0]] {
        let (v, g) = scale_in_place_value_and_grad(&x);
        assert_eq!(v.to_bits(), scale_in_place(&x).to_bits());
        assert_eq!(g, [2.0; 3], "scale_in_place_grad({x:?})");
    }
}

// ---------------------------------------------------------------------------------------
// More shapes around fusion: branch values added outside the branch, fusion inside an
// unfused reverse body, read-only tables, accumulators with an initial value or continued
// across loops, callees with fused loops, and one element read at several versions.
// ---------------------------------------------------------------------------------------

/// The branch computes the term; the single `+=` is outside it (an `if` and a `match` as
/// values).
#[differentiable]
fn branch_values(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let t = if x[i] > 0.0 { x[i] * w } else { -x[i] * x[i] };
        s += t;
        s += match i % 3 {
            0 => x[i].sin(),
            1 => w * w,
            _ => x[i] * w.exp(),
        };
    }
    s * 0.5
}

fn branch_values_dual(x: &[D], w: D) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        let t = if x[i] > 0.0 { x[i] * w } else { -x[i] * x[i] };
        s += t;
        s += match i % 3 {
            0 => x[i].sin(),
            1 => w * w,
            _ => x[i] * w.exp(),
        };
    }
    s * 0.5
}

/// An exponential moving average of inner sums: the outer loop does not fuse, the inner
/// sum (seeded by the outer adjoint) can, inside the outer reverse body.
#[differentiable]
fn average_of_sums(x: &[f64], w: &[f64; 3]) -> f64 {
    let mut p = 0.0;
    for i in 0..x.len() / 3 {
        let mut r = 0.0;
        for j in 0..3 {
            r += w[j] * x[3 * i + j].sin();
        }
        p = 0.5 * p + r;
    }
    p
}

fn average_of_sums_dual(x: &[D], w: &[D]) -> D {
    let mut p = D::cst(0.0);
    for i in 0..x.len() / 3 {
        let mut r = D::cst(0.0);
        for j in 0..3 {
            r += w[j] * x[3 * i + j].sin();
        }
        p = 0.5 * p + r;
    }
    p
}

/// A read-only local table of values of `w`, indexed in the sum: every iteration adds into
/// the table's adjoint, which flows into `w` after the loop.
#[differentiable]
fn table_lookup(x: &[f64], w: f64) -> f64 {
    let c = [w, 2.0 * w, w * w];
    let mut s = 0.0;
    for i in 0..x.len() {
        s += c[i % 3] * x[i] + c[(i + 1) % 3];
    }
    s
}

fn table_lookup_dual(x: &[D], w: D) -> D {
    let c = [w, 2.0 * w, w * w];
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s += c[i % 3] * x[i] + c[(i + 1) % 3];
    }
    s
}

/// A sum started from a differentiable value, continued by a second loop after being
/// scaled, and read after both.
#[differentiable]
fn continued_sum(x: &[f64], w: f64) -> f64 {
    let mut s = w * w;
    for i in 0..x.len() {
        s += x[i].sin() * w;
    }
    s = s * 0.5;
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    let mut t = s;
    for i in 0..x.len() {
        t -= x[i] * w;
    }
    s + 3.0 * t
}

fn continued_sum_dual(x: &[D], w: D) -> D {
    let mut s = w * w;
    for i in 0..x.len() {
        s += x[i].sin() * w;
    }
    s = s * 0.5;
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    let mut t = s;
    for i in 0..x.len() {
        t -= x[i] * w;
    }
    s + 3.0 * t
}

/// One loop with a sum used linearly and a sum used non-linearly, a sum inside an `if`,
/// and a sum used only when a data flag says so.
#[differentiable]
fn mixed_uses(x: &[f64], flag: bool) -> f64 {
    let mut s = 0.0;
    let mut t = 0.0;
    for i in 0..x.len() {
        s += x[i];
        t += x[i] * x[i];
    }
    let mut u = 0.0;
    if x.len() > 2 {
        for i in 0..x.len() {
            u += x[i].cos();
        }
    } else {
        u = 1.0;
    }
    let mut v = 0.0;
    for i in 0..x.len() {
        v += x[i] * 3.0;
    }
    let extra = if flag { v } else { 0.0 };
    s + (t + 1.0).sqrt() + u + extra
}

fn mixed_uses_dual(x: &[D], flag: bool) -> D {
    let mut s = D::cst(0.0);
    let mut t = D::cst(0.0);
    for i in 0..x.len() {
        s += x[i];
        t += x[i] * x[i];
    }
    let mut u = D::cst(0.0);
    if x.len() > 2 {
        for i in 0..x.len() {
            u += x[i].cos();
        }
    } else {
        u = D::cst(1.0);
    }
    let mut v = D::cst(0.0);
    for i in 0..x.len() {
        v += x[i] * 3.0;
    }
    let extra = if flag { v } else { D::cst(0.0) };
    s + (t + 1.0).sqrt() + u + extra
}

/// Inner loops that stop early, inside a sum; an integer counted across iterations and
/// used as a float.
#[differentiable]
fn early_inner(x: &[f64], cap: f64) -> f64 {
    let mut s = 0.0;
    let mut count = 0;
    for i in 0..x.len() {
        let mut r = 0.0;
        for j in i..x.len() {
            r += x[j] * x[j];
            if r > cap {
                break;
            }
        }
        if x[i] > 0.0 {
            count += 1;
        }
        s += r * x[i] + x[i] * count as f64;
    }
    s
}

fn early_inner_dual(x: &[D], cap: D) -> D {
    let mut s = D::cst(0.0);
    let mut count = 0;
    for i in 0..x.len() {
        let mut r = D::cst(0.0);
        for j in i..x.len() {
            r += x[j] * x[j];
            if r > cap {
                break;
            }
        }
        if x[i] > 0.0 {
            count += 1;
        }
        s += r * x[i] + x[i] * count as f64;
    }
    s
}

/// A truncated series in a scalar: a fused loop in a callee (only `z` differentiated, so
/// the caller goes through its partials for `c` too).
#[differentiable(wrt(z))]
fn series(z: f64, c: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for k in 0..n {
        s += c * z.powi(k as i32) / (k as f64 + 1.0);
    }
    s / 2.0
}

fn series_dual(z: D, c: D, n: usize) -> D {
    let mut s = D::cst(0.0);
    for k in 0..n {
        s += c * z.powi(k as i32) / (k as f64 + 1.0);
    }
    s / 2.0
}

/// Calls of `series` on values of both differentiated arguments, in a sum.
#[differentiable]
fn sum_of_series(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += series(x[i] * 0.5, w + x[i], 4 + i % 3);
    }
    s
}

fn sum_of_series_dual(x: &[D], w: D) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s += series_dual(x[i] * 0.5, w + x[i], 4 + i % 3);
    }
    s
}

/// `h[0]` read three times in one iteration, each time after a write at a run-time index
/// that may or may not be 0: the reads are the same operation at different versions.
#[differentiable]
fn same_read_three_versions(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let k = i % 2;
        let mut h = [0.0; 2];
        h[k] = x[i];
        let p = h[0];
        h[1 - k] = x[i] * x[i] + 1.0;
        let q = h[0];
        h[k] = p * q + x[i].sin();
        let r = h[0];
        s += p * q.sin() + r * r - h[1];
    }
    s
}

fn same_read_three_versions_dual(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        let k = i % 2;
        let mut h = [D::cst(0.0); 2];
        h[k] = x[i];
        let p = h[0];
        h[1 - k] = x[i] * x[i] + 1.0;
        let q = h[0];
        h[k] = p * q + x[i].sin();
        let r = h[0];
        s += p * q.sin() + r * r - h[1];
    }
    s
}

/// A hidden layer per sample: filled by an inner loop, one element then overwritten from
/// others, read by a second inner loop (the dedupe must match loops and versions).
#[differentiable]
fn hidden_layer_sum<T: Float + AddAssign + SubAssign>(x: &[T], w: &[T; 3]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        let mut h = [T::zero(); 3];
        for j in 0..3 {
            h[j] = (x[i] * w[j]).tanh();
        }
        h[0] = h[0] + h[2] * h[1];
        let mut r = T::zero();
        for j in 0..3 {
            r += h[j] * w[j];
        }
        s += r + h[0];
    }
    s
}

#[test]
fn more_shapes_around_fusion() {
    let versions = slice_fn!(
        same_read_three_versions,
        same_read_three_versions_value_and_grad,
        same_read_three_versions_grad,
        same_read_three_versions_value_and_grad_into,
        same_read_three_versions_dual
    );
    for x in slices(0, -1.5, 1.5) {
        check_slice(&versions, &x);
        for seed in 0..2 {
            let w: [f64; 3] = array(seed + 210, -1.5, 1.5);
            let point = format!("({}, {w:?})", describe(&x));
            let (v, g) = hidden_layer_sum_value_and_grad(&x, &w);
            assert_eq!(v.to_bits(), hidden_layer_sum(&x, &w).to_bits());
            check_at(
                "hidden_layer_sum::<f64>",
                &point,
                hidden_layer_sum(&x, &w),
                (v, g.clone()),
                hidden_layer_sum_grad(&x, &w),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let wd = w.seed(s, next);
                    hidden_layer_sum::<D>(&xd, &wd)
                },
            );
            let mut buffer = vec![f64::NAN; x.len()];
            let mut gw = [f64::NAN; 3];
            let v_into = hidden_layer_sum_value_and_grad_into(&x, &w, &mut buffer, &mut gw);
            assert_same_grad(&(v_into, buffer, gw), &(v, g), &point);

            let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
            let w32 = w.map(|v| v as f32);
            let (v, g) = hidden_layer_sum_value_and_grad(&x32, &w32);
            assert_eq!(v.to_bits(), hidden_layer_sum(&x32, &w32).to_bits());
            check_at(
                "hidden_layer_sum::<f32>",
                &point,
                hidden_layer_sum(&x32, &w32),
                (v, g.clone()),
                hidden_layer_sum_grad(&x32, &w32),
                |s| {
                    let next = &mut 0;
                    let xd = x32.seed(s, next);
                    let wd = w32.seed(s, next);
                    hidden_layer_sum::<D>(&xd, &wd)
                },
            );
        }
        for w in [-0.9, 0.0, 0.6, 1.4] {
            check_slice_scalar!(
                branch_values,
                branch_values_value_and_grad,
                branch_values_grad,
                branch_values_value_and_grad_into,
                branch_values_dual,
                &x,
                w
            );
            check_slice_scalar!(
                table_lookup,
                table_lookup_value_and_grad,
                table_lookup_grad,
                table_lookup_value_and_grad_into,
                table_lookup_dual,
                &x,
                w
            );
            check_slice_scalar!(
                continued_sum,
                continued_sum_value_and_grad,
                continued_sum_grad,
                continued_sum_value_and_grad_into,
                continued_sum_dual,
                &x,
                w
            );
            check_slice_scalar!(
                sum_of_series,
                sum_of_series_value_and_grad,
                sum_of_series_grad,
                sum_of_series_value_and_grad_into,
                sum_of_series_dual,
                &x,
                w
            );
        }
        for cap in [0.5, 3.0, 1e9] {
            check_slice_scalar!(
                early_inner,
                early_inner_value_and_grad,
                early_inner_grad,
                early_inner_value_and_grad_into,
                early_inner_dual,
                &x,
                cap
            );
        }
        for flag in [false, true] {
            let point = format!("({}, {flag})", describe(&x));
            let (v, g) = mixed_uses_value_and_grad(&x, flag);
            assert_eq!(v.to_bits(), mixed_uses(&x, flag).to_bits());
            check_at(
                "mixed_uses",
                &point,
                mixed_uses(&x, flag),
                (v, g.clone()),
                mixed_uses_grad(&x, flag),
                |s| mixed_uses_dual(&x.seed(s, &mut 0), flag),
            );
            let mut buffer = vec![f64::NAN; x.len()];
            let v_into = mixed_uses_value_and_grad_into(&x, flag, &mut buffer);
            assert_same_grad(&(v_into, buffer), &(v, g), &point);
        }
        for seed in 0..3 {
            let w: [f64; 3] = array(seed + 200, -1.0, 1.0);
            let point = format!("({}, {w:?})", describe(&x));
            let (v, g) = average_of_sums_value_and_grad(&x, &w);
            assert_eq!(v.to_bits(), average_of_sums(&x, &w).to_bits());
            check_at(
                "average_of_sums",
                &point,
                average_of_sums(&x, &w),
                (v, g.clone()),
                average_of_sums_grad(&x, &w),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let wd = w.seed(s, next);
                    average_of_sums_dual(&xd, &wd)
                },
            );
            let mut buffer = vec![f64::NAN; x.len()];
            let mut gw = [f64::NAN; 3];
            let v_into = average_of_sums_value_and_grad_into(&x, &w, &mut buffer, &mut gw);
            assert_same_grad(&(v_into, buffer, gw), &(v, g), &point);
        }
    }
    // The callee alone, with its `wrt(z)` gradient.
    for (z, c) in [(0.3, 1.0), (-0.8, 2.5), (1.2, -0.5)] {
        for n in [0, 1, 5] {
            let (v, gz) = series_value_and_grad(z, c, n);
            assert_eq!(v.to_bits(), series(z, c, n).to_bits());
            assert_eq!(series_grad(z, c, n).to_bits(), gz.to_bits());
            let dual = series_dual(D::var(z), D::cst(c), n);
            common::assert_close(v, dual.re(), TOL_F64, "series value");
            common::assert_close(gz, dual.eps(), TOL_F64, "series d/dz");
            // Hand-written: c/2 Σ_{k≥1} k z^(k-1) / (k + 1).
            let hand: f64 = (1..n)
                .map(|k| c / 2.0 * k as f64 * z.powi(k as i32 - 1) / (k as f64 + 1.0))
                .sum();
            common::assert_close(gz, hand, TOL_F64, "series vs hand");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Losses over samples, data excluded from differentiation.
// ---------------------------------------------------------------------------------------

/// Logistic regression on flat data, through a call, as a mean.
#[differentiable(wrt(w, b))]
fn logistic_loss(w: &[f64], b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let d = w.len();
    let mut total = 0.0;
    for n in 0..ys.len() {
        let mut z = b;
        for j in 0..d {
            z += w[j] * xs[n * d + j];
        }
        total += softplus(z) - ys[n] * z;
    }
    total / ys.len() as f64
}

fn logistic_loss_dual(w: &[D], b: D, xs: &[f64], ys: &[f64]) -> D {
    let d = w.len();
    let mut total = D::cst(0.0);
    for n in 0..ys.len() {
        let mut z = b;
        for j in 0..d {
            z += w[j] * xs[n * d + j];
        }
        total += softplus_dual(z) - ys[n] * z;
    }
    total / ys.len() as f64
}

/// The mean of `(σ(z) - y) (x, 1)`.
fn logistic_loss_hand(w: &[f64], b: f64, xs: &[f64], ys: &[f64]) -> (Vec<f64>, f64) {
    let d = w.len();
    let mut gw = vec![0.0; d];
    let mut gb = 0.0;
    for (n, &y) in ys.iter().enumerate() {
        let x = &xs[n * d..(n + 1) * d];
        let z = b + w.iter().zip(x).map(|(w, x)| w * x).sum::<f64>();
        let sigma = 1.0 / (1.0 + (-z).exp());
        for j in 0..d {
            gw[j] += (sigma - y) * x[j];
        }
        gb += sigma - y;
    }
    let n = ys.len() as f64;
    (gw.iter().map(|g| g / n).collect(), gb / n)
}

/// A small tanh network: a local hidden layer filled by an inner loop, read by another.
#[differentiable(wrt(w1, b1, w2, b2))]
fn mlp(
    w1: &[[f64; 2]; 3],
    b1: &[f64; 3],
    w2: &[f64; 3],
    b2: f64,
    xs: &[[f64; 2]; 5],
    ys: &[f64],
) -> f64 {
    let mut loss = 0.0;
    for n in 0..5 {
        let mut h = [0.0; 3];
        for j in 0..3 {
            h[j] = (w1[j][0] * xs[n][0] + w1[j][1] * xs[n][1] + b1[j]).tanh();
        }
        let mut out = b2;
        for j in 0..3 {
            out += w2[j] * h[j];
        }
        let e = out - ys[n];
        loss += e * e;
    }
    loss / 5.0
}

fn mlp_dual(
    w1: &[[D; 2]; 3],
    b1: &[D; 3],
    w2: &[D; 3],
    b2: D,
    xs: &[[f64; 2]; 5],
    ys: &[f64],
) -> D {
    let mut loss = D::cst(0.0);
    for n in 0..5 {
        let mut out = b2;
        for j in 0..3 {
            let h = (w1[j][0] * xs[n][0] + w1[j][1] * xs[n][1] + b1[j]).tanh();
            out += w2[j] * h;
        }
        let e = out - ys[n];
        loss += e * e;
    }
    loss / 5.0
}

#[test]
fn losses_over_samples() {
    for (d, samples) in [(1, 1), (3, 8), (4, 50)] {
        let xs = sequence(d as u64, d * samples, -2.0, 2.0);
        let ys: Vec<f64> = (0..samples)
            .map(|n| if xs[n * d] > 0.0 { 1.0 } else { 0.0 })
            .collect();
        for seed in 0..4 {
            let w = sequence(seed + 7, d, -1.5, 1.5);
            let b = 0.5 - seed as f64 * 0.4;
            let point = format!("(d = {d}, samples = {samples}, seed {seed})");
            let (v, (gw, gb)) = logistic_loss_value_and_grad(&w, b, &xs, &ys);
            assert_eq!(v.to_bits(), logistic_loss(&w, b, &xs, &ys).to_bits());
            check_at(
                "logistic_loss",
                &point,
                logistic_loss(&w, b, &xs, &ys),
                (v, (gw.clone(), gb)),
                logistic_loss_grad(&w, b, &xs, &ys),
                |s| {
                    let next = &mut 0;
                    let wd = w.seed(s, next);
                    let bd = b.seed(s, next);
                    logistic_loss_dual(&wd, bd, &xs, &ys)
                },
            );
            assert_close_grad(
                &(gw.clone(), gb),
                &logistic_loss_hand(&w, b, &xs, &ys),
                TOL_F64,
                &point,
            );
            let mut buffer = vec![f64::NAN; d];
            let (v_into, gb_into) = logistic_loss_value_and_grad_into(&w, b, &xs, &ys, &mut buffer);
            assert_same_grad(&(v_into, buffer, gb_into), &(v, gw, gb), &point);
        }
    }

    let v = sequence(70, 15, -1.5, 1.5);
    let xs: [[f64; 2]; 5] = core::array::from_fn(|n| [v[2 * n], v[2 * n + 1]]);
    let ys: Vec<f64> = v[10..].to_vec();
    for seed in 71..76 {
        let u = sequence(seed, 13, -1.0, 1.0);
        let w1: [[f64; 2]; 3] = core::array::from_fn(|j| [u[2 * j], u[2 * j + 1]]);
        let b1: [f64; 3] = [u[6], u[7], u[8]];
        let w2: [f64; 3] = [u[9], u[10], u[11]];
        let b2 = u[12];
        #[allow(clippy::type_complexity)]
        let (value, g): (f64, ([[f64; 2]; 3], [f64; 3], [f64; 3], f64)) =
            mlp_value_and_grad(&w1, &b1, &w2, b2, &xs, &ys);
        assert_eq!(value.to_bits(), mlp(&w1, &b1, &w2, b2, &xs, &ys).to_bits());
        check_at(
            "mlp",
            &format!("(seed {seed})"),
            mlp(&w1, &b1, &w2, b2, &xs, &ys),
            (value, g),
            mlp_grad(&w1, &b1, &w2, b2, &xs, &ys),
            |s| {
                let next = &mut 0;
                let w1d = w1.seed(s, next);
                let b1d = b1.seed(s, next);
                let w2d = w2.seed(s, next);
                let b2d = b2.seed(s, next);
                mlp_dual(&w1d, &b1d, &w2d, b2d, &xs, &ys)
            },
        );
    }
}

// ---------------------------------------------------------------------------------------
// Generic functions, `f32`, and `&self` methods.
// ---------------------------------------------------------------------------------------

/// The mean squared deviation from `c`, generic.
#[differentiable]
fn mean_square<T: Float + AddAssign + SubAssign>(x: &[T], c: T) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        let d = x[i] - c;
        s += d * d;
    }
    s / T::from(x.len()).unwrap()
}

/// Two sums over an array, in opposite directions, the second reading the first's result,
/// with a branch in the body; generic.
#[differentiable]
fn centred_moments<T: Float + AddAssign + SubAssign>(x: &[T; 6]) -> T {
    let half = T::from(0.5).unwrap();
    let mut s = T::zero();
    for i in (0..6).rev() {
        s += x[i];
    }
    let m = s / T::from(6.0).unwrap();
    let mut v = T::zero();
    let mut a = T::zero();
    for i in 0..6 {
        let d = x[i] - m;
        v += d * d;
        if d > T::zero() {
            a += d;
        } else {
            a -= half * d;
        }
    }
    v + a
}

/// Enumerated `f32` elements, a branch, two accumulators.
#[differentiable]
fn f32_weighted(x: &[f32], w: [f32; 2]) -> f32 {
    let mut s = 0.0;
    let mut t = 0.0;
    for (i, &v) in x.iter().enumerate() {
        if v > 0.0 {
            s += w[i % 2] * v;
        } else {
            t += v * v;
        }
    }
    s - 0.5 * t
}

fn f32_weighted_dual(x: &[D], w: &[D]) -> D {
    let mut s = D::cst(0.0);
    let mut t = D::cst(0.0);
    for (i, &v) in x.iter().enumerate() {
        if v > 0.0 {
            s += w[i % 2] * v;
        } else {
            t += v * v;
        }
    }
    s - 0.5 * t
}

#[test]
fn generic_and_f32() {
    for x in slices(1, -2.0, 2.0) {
        for c in [-0.5, 0.0, 1.25] {
            let point = format!("({}, {c})", describe(&x));
            let (v, g) = mean_square_value_and_grad(&x, c);
            assert_eq!(v.to_bits(), mean_square(&x, c).to_bits());
            check_at(
                "mean_square::<f64>",
                &point,
                mean_square(&x, c),
                (v, g.clone()),
                mean_square_grad(&x, c),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let cd = c.seed(s, next);
                    mean_square::<D>(&xd, cd)
                },
            );
            let mut buffer = vec![f64::NAN; x.len()];
            let (v_into, gc) = mean_square_value_and_grad_into(&x, c, &mut buffer);
            assert_same_grad(&(v_into, buffer, gc), &(v, g), &point);

            let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
            let c32 = c as f32;
            let (v, g) = mean_square_value_and_grad(&x32, c32);
            assert_eq!(v.to_bits(), mean_square(&x32, c32).to_bits());
            check_at(
                "mean_square::<f32>",
                &point,
                mean_square(&x32, c32),
                (v, g.clone()),
                mean_square_grad(&x32, c32),
                |s| {
                    let next = &mut 0;
                    let xd = x32.seed(s, next);
                    let cd = c32.seed(s, next);
                    mean_square::<D>(&xd, cd)
                },
            );
            let mut buffer = vec![f32::NAN; x.len()];
            let (v_into, gc) = mean_square_value_and_grad_into(&x32, c32, &mut buffer);
            assert_same_grad(&(v_into, buffer, gc), &(v, g), &point);
        }
        let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
        for w in [[0.5f32, -1.5], [2.0, 0.25]] {
            let point = format!("({}, {w:?})", describe(&x));
            let (v, g) = f32_weighted_value_and_grad(&x32, w);
            assert_eq!(v.to_bits(), f32_weighted(&x32, w).to_bits());
            check_at(
                "f32_weighted",
                &point,
                f32_weighted(&x32, w),
                (v, g.clone()),
                f32_weighted_grad(&x32, w),
                |s| {
                    let next = &mut 0;
                    let xd = x32.seed(s, next);
                    let wd = w.seed(s, next);
                    f32_weighted_dual(&xd, &wd)
                },
            );
            let mut buffer = vec![f32::NAN; x.len()];
            let mut gw = [f32::NAN; 2];
            let v_into = f32_weighted_value_and_grad_into(&x32, w, &mut buffer, &mut gw);
            assert_same_grad(&(v_into, buffer, gw), &(v, g), &point);
        }
    }
    for seed in 0..5 {
        let x: [f64; 6] = array(seed, -2.0, 2.0);
        let (v, g) = centred_moments_value_and_grad(&x);
        assert_eq!(v.to_bits(), centred_moments(&x).to_bits());
        check_at(
            "centred_moments::<f64>",
            &format!("{x:?}"),
            centred_moments(&x),
            (v, g),
            centred_moments_grad(&x),
            |s| centred_moments::<D>(&x.seed(s, &mut 0)),
        );
        let x32 = x.map(|v| v as f32);
        let (v, g) = centred_moments_value_and_grad(&x32);
        assert_eq!(v.to_bits(), centred_moments(&x32).to_bits());
        check_at(
            "centred_moments::<f32>",
            &format!("{x32:?}"),
            centred_moments(&x32),
            (v, g),
            centred_moments_grad(&x32),
            |s| centred_moments::<D>(&x32.seed(s, &mut 0)),
        );
    }
}

/// Fixed samples and weights inside a model.
struct Samples {
    xs: Vec<f64>,
    ys: Vec<f64>,
    weights: [f64; 4],
}

impl Samples {
    /// The mean squared residual of a line over zipped fields.
    #[differentiable]
    fn line_loss(&self, slope: f64, offset: f64) -> f64 {
        let mut s = 0.0;
        for (&x, &y) in self.xs.iter().zip(self.ys.iter()) {
            let r = slope * x + offset - y;
            s += r * r;
        }
        s / self.xs.len() as f64
    }

    fn line_loss_dual(&self, slope: D, offset: D) -> D {
        let mut s = D::cst(0.0);
        for (&x, &y) in self.xs.iter().zip(&self.ys) {
            let r = slope * x + offset - y;
            s += r * r;
        }
        s / self.xs.len() as f64
    }

    /// A slice parameter indexed with the fields, `x[i + 1]` ahead.
    #[differentiable]
    fn weighted(&self, w: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..w.len() - 1 {
            s += self.weights[i % 4] * w[i] * w[i + 1] + self.xs[i] * w[i];
        }
        s
    }

    fn weighted_dual(&self, w: &[D]) -> D {
        let mut s = D::cst(0.0);
        for i in 0..w.len() - 1 {
            s += self.weights[i % 4] * w[i] * w[i + 1] + self.xs[i] * w[i];
        }
        s
    }
}

#[test]
fn self_methods() {
    let xs = sequence(80, 9, -2.0, 2.0);
    let model = Samples {
        ys: xs.iter().map(|x| 1.5 * x - 0.5 + 0.1 * x.sin()).collect(),
        xs,
        weights: [0.5, -1.0, 2.0, 0.25],
    };
    for (slope, offset) in [(0.0, 0.0), (1.5, -0.5), (-2.0, 3.0)] {
        let point = format!("({slope}, {offset})");
        let (v, g) = model.line_loss_value_and_grad(slope, offset);
        assert_eq!(v.to_bits(), model.line_loss(slope, offset).to_bits());
        check_at(
            "Samples::line_loss",
            &point,
            model.line_loss(slope, offset),
            (v, g),
            model.line_loss_grad(slope, offset),
            |s| {
                let next = &mut 0;
                let a = slope.seed(s, next);
                let b = offset.seed(s, next);
                model.line_loss_dual(a, b)
            },
        );
    }
    for n in [1, 2, 5, 10] {
        let w = sequence(n as u64 + 81, n, -1.0, 1.0);
        let point = describe(&w);
        let (v, g) = model.weighted_value_and_grad(&w);
        assert_eq!(v.to_bits(), model.weighted(&w).to_bits());
        check_at(
            "Samples::weighted",
            &point,
            model.weighted(&w),
            (v, g.clone()),
            model.weighted_grad(&w),
            |s| model.weighted_dual(&w.seed(s, &mut 0)),
        );
        let mut buffer = vec![f64::NAN; n];
        let v_into = model.weighted_value_and_grad_into(&w, &mut buffer);
        assert_same_grad(&(v_into, buffer), &(v, g), &point);
    }
}

// ---------------------------------------------------------------------------------------
// Bounds: indices ahead of the induction variable, guards, empty loops, panics.
// ---------------------------------------------------------------------------------------

/// `x[i + 2]` in a loop over another slice's length: in bounds when `x` is two longer.
#[differentiable]
fn shifted_products(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..y.len() {
        s += x[i] * x[i + 2] * y[i];
    }
    s
}

fn shifted_products_dual(x: &[D], y: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..y.len() {
        s += x[i] * x[i + 2] * y[i];
    }
    s
}

/// Indices ahead in a reversed loop, with run-time bounds.
#[differentiable]
fn reversed_ahead(x: &[f64], n: usize) -> f64 {
    let mut s = 0.0;
    for i in (0..n).rev() {
        s += x[i] * x[i + 1] - x[i + 2].sin();
    }
    s
}

fn reversed_ahead_dual(x: &[D], n: usize) -> D {
    let mut s = D::cst(0.0);
    for i in (0..n).rev() {
        s += x[i] * x[i + 1] - x[i + 2].sin();
    }
    s
}

/// Two slices of different lengths, each with its own loop (one reading behind).
#[differentiable]
fn two_lengths(x: &[f64], y: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    let mut t = 0.0;
    for j in 1..y.len() {
        t += y[j - 1] * y[j];
    }
    let mut u = 0.0;
    for i in 0..y.len() {
        if i < x.len() {
            u += x[i] * y[i];
        }
    }
    s + t - u
}

fn two_lengths_dual(x: &[D], y: &[D]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    let mut t = D::cst(0.0);
    for j in 1..y.len() {
        t += y[j - 1] * y[j];
    }
    let mut u = D::cst(0.0);
    for i in 0..y.len() {
        if i < x.len() {
            u += x[i] * y[i];
        }
    }
    s + t - u
}

/// Every read ahead guarded: by `if`, by `&&` and `||` (short-circuiting), by `continue`
/// and by `break`; the loop runs past the end of `x`.
#[differentiable]
fn guarded_reads(x: &[f64], n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        if i + 1 < x.len() {
            s += x[i] * x[i + 1];
        } else if i < x.len() {
            s += x[i];
        }
    }
    for i in 0..n {
        if i + 1 < x.len() && x[i + 1] > x[i] {
            s += x[i + 1] - x[i];
        }
        if i >= x.len() || x[i] < 0.0 {
            s += 1.0;
        } else {
            s += x[i] * x[i];
        }
    }
    for i in 0..n {
        if i + 2 >= x.len() {
            continue;
        }
        s += x[i + 2] * 0.5;
    }
    for i in 0..n {
        if i + 1 >= x.len() {
            break;
        }
        s += x[i + 1].sin();
    }
    s
}

fn guarded_reads_dual(x: &[D], n: usize) -> D {
    let mut s = D::cst(0.0);
    for i in 0..n {
        if i + 1 < x.len() {
            s += x[i] * x[i + 1];
        } else if i < x.len() {
            s += x[i];
        }
    }
    for i in 0..n {
        if i + 1 < x.len() && x[i + 1] > x[i] {
            s += x[i + 1] - x[i];
        }
        if i >= x.len() || x[i] < 0.0 {
            s += 1.0;
        } else {
            s += x[i] * x[i];
        }
    }
    for i in 0..n {
        if i + 2 >= x.len() {
            continue;
        }
        s += x[i + 2] * 0.5;
    }
    for i in 0..n {
        if i + 1 >= x.len() {
            break;
        }
        s += x[i + 1].sin();
    }
    s
}

/// A guard through `match` on the index.
#[differentiable]
fn match_guard(x: &[f64], n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        match i {
            k if k + 1 < x.len() => s += x[k + 1] * x[i],
            _ => s += 1.0,
        }
    }
    s
}

fn match_guard_dual(x: &[D], n: usize) -> D {
    let mut s = D::cst(0.0);
    for i in 0..n {
        if i + 1 < x.len() {
            s += x[i + 1] * x[i];
        } else {
            s += 1.0;
        }
    }
    s
}

/// A sum of `x[i + 1]` over `0..n`: panics, like its plain version, when `n >= x.len()`.
#[differentiable]
fn sum_ahead(x: &[f64], n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        s += x[i + 1] * x[i];
    }
    s / 2.0
}

fn sum_ahead_dual(x: &[D], n: usize) -> D {
    let mut s = D::cst(0.0);
    for i in 0..n {
        s += x[i + 1] * x[i];
    }
    s / 2.0
}

/// An inclusive range on a slice (not hoisted): panics when `n >= x.len()`.
#[differentiable]
fn sum_inclusive(x: &[f64], n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..=n {
        s += x[i] * x[i];
    }
    s
}

/// A loop over `k..n` with a start past the end of the slice runs zero times.
#[differentiable]
fn from_start(x: &[f64], k: usize, n: usize) -> f64 {
    let mut s = 0.0;
    for i in k..n {
        s += x[i + 3] * x[i];
    }
    for i in (k..n).rev() {
        s += x[i + 1];
    }
    s
}

#[test]
fn indices_ahead_in_bounds() {
    for ny in [0, 1, 2, 6, 40] {
        for extra in [2, 3, 7] {
            let x = sequence(ny as u64, ny + extra, -1.5, 1.5);
            let y = sequence(ny as u64 + 9, ny, -1.5, 1.5);
            let point = format!("({ny}, {extra})");
            let (v, (gx, gy)) = shifted_products_value_and_grad(&x, &y);
            assert_eq!(v.to_bits(), shifted_products(&x, &y).to_bits());
            check_at(
                "shifted_products",
                &point,
                shifted_products(&x, &y),
                (v, (gx.clone(), gy.clone())),
                shifted_products_grad(&x, &y),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let yd = y.seed(s, next);
                    shifted_products_dual(&xd, &yd)
                },
            );
            let (mut bx, mut by) = (vec![f64::NAN; x.len()], vec![f64::NAN; ny]);
            let v_into = shifted_products_value_and_grad_into(&x, &y, &mut bx, &mut by);
            assert_same_grad(&(v_into, bx, by), &(v, gx, gy), &point);

            // Up to the last index the loop may read.
            for n in [0, ny, ny + extra - 2] {
                let point = format!("({}, {n})", describe(&x));
                let (v, g) = reversed_ahead_value_and_grad(&x, n);
                assert_eq!(v.to_bits(), reversed_ahead(&x, n).to_bits());
                check_at(
                    "reversed_ahead",
                    &point,
                    reversed_ahead(&x, n),
                    (v, g.clone()),
                    reversed_ahead_grad(&x, n),
                    |s| reversed_ahead_dual(&x.seed(s, &mut 0), n),
                );
                let mut buffer = vec![f64::NAN; x.len()];
                let v_into = reversed_ahead_value_and_grad_into(&x, n, &mut buffer);
                assert_same_grad(&(v_into, buffer), &(v, g), &point);
            }
            for n in [0, 1, ny + extra - 1] {
                let point = format!("({}, {n})", describe(&x));
                let (v, g) = sum_ahead_value_and_grad(&x, n);
                assert_eq!(v.to_bits(), sum_ahead(&x, n).to_bits());
                check_at(
                    "sum_ahead",
                    &point,
                    sum_ahead(&x, n),
                    (v, g.clone()),
                    sum_ahead_grad(&x, n),
                    |s| sum_ahead_dual(&x.seed(s, &mut 0), n),
                );
                let mut buffer = vec![f64::NAN; x.len()];
                let v_into = sum_ahead_value_and_grad_into(&x, n, &mut buffer);
                assert_same_grad(&(v_into, buffer), &(v, g), &point);
            }
        }
    }
    // Slices of different lengths.
    for (nx, ny) in [(0, 0), (0, 4), (4, 0), (1, 1), (3, 8), (8, 3), (30, 31)] {
        let x = sequence(nx as u64 + 60, nx, -1.5, 1.5);
        let y = sequence(ny as u64 + 61, ny, -1.5, 1.5);
        let point = format!("({nx}, {ny})");
        let (v, (gx, gy)) = two_lengths_value_and_grad(&x, &y);
        assert_eq!(v.to_bits(), two_lengths(&x, &y).to_bits());
        check_at(
            "two_lengths",
            &point,
            two_lengths(&x, &y),
            (v, (gx.clone(), gy.clone())),
            two_lengths_grad(&x, &y),
            |s| {
                let next = &mut 0;
                let xd = x.seed(s, next);
                let yd = y.seed(s, next);
                two_lengths_dual(&xd, &yd)
            },
        );
        let (mut bx, mut by) = (vec![f64::NAN; nx], vec![f64::NAN; ny]);
        let v_into = two_lengths_value_and_grad_into(&x, &y, &mut bx, &mut by);
        assert_same_grad(&(v_into, bx, by), &(v, gx, gy), &point);
    }
}

#[test]
fn guarded_indices_are_not_checked_ahead() {
    for len in [0, 1, 2, 3, 9] {
        let x = sequence(len as u64 + 90, len, -1.5, 1.5);
        for n in [0, len, len + 1, len + 5] {
            let point = format!("({}, {n})", describe(&x));
            let (v, g) = guarded_reads_value_and_grad(&x, n);
            assert_eq!(v.to_bits(), guarded_reads(&x, n).to_bits(), "{point}");
            check_at(
                "guarded_reads",
                &point,
                guarded_reads(&x, n),
                (v, g.clone()),
                guarded_reads_grad(&x, n),
                |s| guarded_reads_dual(&x.seed(s, &mut 0), n),
            );
            let mut buffer = vec![f64::NAN; len];
            let v_into = guarded_reads_value_and_grad_into(&x, n, &mut buffer);
            assert_same_grad(&(v_into, buffer), &(v, g), &point);

            let (v, g) = match_guard_value_and_grad(&x, n);
            assert_eq!(v.to_bits(), match_guard(&x, n).to_bits(), "{point}");
            check_at(
                "match_guard",
                &point,
                match_guard(&x, n),
                (v, g.clone()),
                match_guard_grad(&x, n),
                |s| match_guard_dual(&x.seed(s, &mut 0), n),
            );
            let mut buffer = vec![f64::NAN; len];
            let v_into = match_guard_value_and_grad_into(&x, n, &mut buffer);
            assert_same_grad(&(v_into, buffer), &(v, g), &point);
        }
    }
}

#[test]
fn empty_loops_check_nothing() {
    let empty: [f64; 0] = [];
    // Zero iterations on an empty slice: nothing is read, nothing panics.
    assert_eq!(sum_ahead_value_and_grad(&empty, 0), (0.0, vec![]));
    assert_eq!(reversed_ahead_value_and_grad(&empty, 0), (0.0, vec![]));
    assert_eq!(
        shifted_products_value_and_grad(&empty, &empty),
        (0.0, (vec![], vec![]))
    );
    assert_eq!(guarded_reads_value_and_grad(&empty, 4), (4.0, vec![]));
    let mut buffer: [f64; 0] = [];
    assert_eq!(sum_ahead_value_and_grad_into(&empty, 0, &mut buffer), 0.0);
    // A start at or past the end: `k..n` with `k >= n` runs zero times, whatever `x`.
    let x = [1.0, 2.0];
    for (k, n) in [(5, 5), (7, 3), (2, 2), (0, 0)] {
        assert_eq!(from_start(&x, k, n), 0.0);
        assert_eq!(from_start_value_and_grad(&x, k, n), (0.0, vec![0.0, 0.0]));
        assert_eq!(from_start_value_and_grad(&empty, k, n), (0.0, vec![]));
    }
    // And when it runs, it reads what the function reads.
    let x = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert_eq!(from_start(&x, 1, 2), 5.0 * 2.0 + 3.0);
    assert_eq!(
        from_start_value_and_grad(&x, 1, 2),
        (13.0, vec![0.0, 5.0, 1.0, 0.0, 2.0])
    );
    // The generic, f32 and method forms on empty input.
    assert_eq!(
        cumulative_value_and_grad(&empty),
        (cumulative(&empty), vec![])
    );
    let e32: [f32; 0] = [];
    assert_eq!(
        f32_weighted_value_and_grad(&e32, [1.0, 2.0]),
        (0.0, (vec![], [0.0; 2]))
    );
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn sum_ahead_past_the_end_panics_in_the_function() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let _ = sum_ahead(&x, 4);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn sum_ahead_past_the_end_panics_in_the_gradient() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let _ = sum_ahead_grad(&x, 4);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn sum_ahead_past_the_end_panics_in_into() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let mut g = [0.0; 4];
    let _ = sum_ahead_value_and_grad_into(&x, 4, &mut g);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn reversed_ahead_past_the_end_panics_in_the_function() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let _ = reversed_ahead(&x, 3);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn reversed_ahead_past_the_end_panics_in_the_gradient() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let _ = reversed_ahead_grad(&x, 3);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn shifted_products_on_a_short_slice_panics_in_the_function() {
    let _ = shifted_products(&[1.0, 2.0, 3.0], &[1.0, 1.0]);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn shifted_products_on_a_short_slice_panics_in_the_gradient() {
    let _ = shifted_products_grad(&[1.0, 2.0, 3.0], &[1.0, 1.0]);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn inclusive_range_past_the_end_panics_in_the_function() {
    let _ = sum_inclusive(&[1.0, 2.0, 3.0], 3);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn inclusive_range_past_the_end_panics_in_the_gradient() {
    let _ = sum_inclusive_grad(&[1.0, 2.0, 3.0], 3);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn a_method_past_the_end_of_a_field_panics_in_the_function() {
    let model = Samples {
        xs: vec![1.0, 2.0],
        ys: vec![0.0, 0.0],
        weights: [1.0; 4],
    };
    let _ = model.weighted(&[1.0, 2.0, 3.0, 4.0, 5.0]);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn a_method_past_the_end_of_a_field_panics_in_the_gradient() {
    let model = Samples {
        xs: vec![1.0, 2.0],
        ys: vec![0.0, 0.0],
        weights: [1.0; 4],
    };
    // `self.xs[i]` for i up to 3.
    let _ = model.weighted_grad(&[1.0, 2.0, 3.0, 4.0, 5.0]);
}

#[test]
fn panics_match_the_function() {
    // Where the plain function panics, every generated item panics; where it does not,
    // none does. The messages are compared where the first out-of-bounds index is the last
    // one the loop would use (so hoisting the check changes only where it happens).
    let x = [1.0, 2.0, 3.0, 4.0];
    for n in 0..7 {
        let plain = panic_message(|| sum_ahead(&x, n));
        let grad = panic_message(|| sum_ahead_grad(&x, n));
        let vg = panic_message(|| sum_ahead_value_and_grad(&x, n));
        assert_eq!(plain.is_some(), n >= 4, "sum_ahead(x, {n})");
        assert_eq!(grad.is_some(), plain.is_some(), "sum_ahead_grad(x, {n})");
        assert_eq!(
            vg.is_some(),
            plain.is_some(),
            "sum_ahead_value_and_grad(x, {n})"
        );
        if n == 4 {
            assert_eq!(grad, plain);
            assert_eq!(vg, plain);
        }
        let plain = panic_message(|| reversed_ahead(&x, n));
        let grad = panic_message(|| reversed_ahead_grad(&x, n));
        assert_eq!(plain.is_some(), n >= 3, "reversed_ahead(x, {n})");
        assert_eq!(
            grad.is_some(),
            plain.is_some(),
            "reversed_ahead_grad(x, {n})"
        );
        if n == 3 {
            assert_eq!(grad, plain, "reversed_ahead_grad(x, {n})");
        }
        let plain = panic_message(|| sum_inclusive(&x, n));
        let grad = panic_message(|| sum_inclusive_grad(&x, n));
        assert_eq!(grad, plain, "sum_inclusive_grad(x, {n})");
    }
    for (nx, ny) in [(2, 1), (3, 1), (3, 2), (4, 3), (5, 3), (6, 3)] {
        let x = vec![0.5; nx];
        let y = vec![0.25; ny];
        let plain = panic_message(|| shifted_products(&x, &y));
        let grad = panic_message(|| shifted_products_grad(&x, &y));
        assert_eq!(
            grad.is_some(),
            plain.is_some(),
            "shifted_products({nx}, {ny})"
        );
        assert_eq!(plain.is_some(), nx < ny + 2, "shifted_products({nx}, {ny})");
        if nx == ny + 1 {
            assert_eq!(grad, plain);
        }
    }
}

#[test]
fn panic_messages_name_the_same_index() {
    // `x[i + 1]` over `0..6` on 4 elements: the function panics at i = 3 on index 4; the
    // check made before the loop reports index 6.
    let x = [1.0, 2.0, 3.0, 4.0];
    for n in 4..7 {
        assert_eq!(
            panic_message(|| sum_ahead_grad(&x, n)),
            panic_message(|| sum_ahead(&x, n)),
            "sum_ahead_grad(x, {n})"
        );
    }
    // `x[i] * x[i + 2] * y[i]` over y's 3 elements with x of 3: the function panics on
    // index 3 (i = 1), the check on index 4.
    assert_eq!(
        panic_message(|| shifted_products_grad(&[1.0; 3], &[1.0; 3])),
        panic_message(|| shifted_products(&[1.0; 3], &[1.0; 3])),
    );
    // Reversed: the first iteration reads x[n - 1], x[n], x[n + 1]; the function panics on
    // the first of those out of bounds, the check on the largest.
    for n in 3..6 {
        assert_eq!(
            panic_message(|| reversed_ahead_grad(&x, n)),
            panic_message(|| reversed_ahead(&x, n)),
            "reversed_ahead_grad(x, {n})"
        );
    }
}
