//! Control flow in loops: `while` fixed-point iterations, `loop` and `for` with `break` on
//! data-dependent conditions (both sides of each condition), `continue`, nested loops,
//! ranges with `rev`, `step_by` and `..=` (against the obviously-equivalent straight code),
//! and iteration over elements with `iter`, `&x`, `enumerate` and `zip`.
//!
//! Each function is compared with a dual twin written by hand on [`D`] and, where there is
//! one, a hand-written derivative (see `tests/common/arrays.rs`).

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
use common::arrays::{Seed, array, assert_close_grad, assert_same_grad, check_at, sequence};
use common::{D, TOL_F64, assert_close};

// ---------------------------------------------------------------------------------------
// `while`: fixed-point iterations.
// ---------------------------------------------------------------------------------------

/// Heron's method until the residual stops improving (a data-dependent trip count).
#[differentiable]
fn babylonian_sqrt(a: f64) -> f64 {
    let mut x = 0.5 * (a + 1.0);
    let mut steps = 0;
    while (x * x - a).abs() > 4e-16 * a && steps < 60 {
        x = 0.5 * (x + a / x);
        steps += 1;
    }
    x
}

fn babylonian_sqrt_dual(a: D) -> D {
    let mut x = 0.5 * (a + 1.0);
    let mut steps = 0;
    while (x * x - a).abs() > 4e-16 * a && steps < 60 {
        x = 0.5 * (x + a / x);
        steps += 1;
    }
    x
}

/// A fixed number of steps from a poor start: the derivative of an unconverged iterate.
#[differentiable]
fn babylonian_three_steps(a: f64, guess: f64) -> f64 {
    let mut x = guess;
    let mut k = 0;
    while k < 3 {
        x = 0.5 * (x + a / x);
        k += 1;
    }
    x
}

fn babylonian_three_steps_dual(a: D, guess: D) -> D {
    let mut x = guess;
    for _ in 0..3 {
        x = 0.5 * (x + a / x);
    }
    x
}

#[test]
fn while_babylonian_square_root() {
    for a in [1e-6, 0.01, 0.5, 1.0, 2.0, 10.0, 12345.678, 1e12] {
        check_at(
            "babylonian_sqrt",
            &format!("({a})"),
            babylonian_sqrt(a),
            babylonian_sqrt_value_and_grad(a),
            babylonian_sqrt_grad(a),
            |s| babylonian_sqrt_dual(a.seed(s, &mut 0)),
        );
        // The converged iterate and its derivative: √a and 1 / (2√a).
        let (x, dx) = babylonian_sqrt_value_and_grad(a);
        assert_close(x, a.sqrt(), TOL_F64, "babylonian_sqrt value");
        assert_close(dx, 0.5 / a.sqrt(), TOL_F64, "babylonian_sqrt derivative");
    }
    for (a, guess) in [(2.0, 1.0), (2.0, 5.0), (10.0, 0.3), (0.25, 3.0)] {
        check_at(
            "babylonian_three_steps",
            &format!("({a}, {guess})"),
            babylonian_three_steps(a, guess),
            babylonian_three_steps_value_and_grad(a, guess),
            babylonian_three_steps_grad(a, guess),
            |s| {
                let next = &mut 0;
                let ad = a.seed(s, next);
                let gd = guess.seed(s, next);
                babylonian_three_steps_dual(ad, gd)
            },
        );
    }
}

/// Kepler's equation `E - e sin E = M` solved by Newton's method.
#[differentiable]
fn kepler(mean_anomaly: f64, ecc: f64) -> f64 {
    let mut e = mean_anomaly;
    loop {
        let delta = (e - ecc * e.sin() - mean_anomaly) / (1.0 - ecc * e.cos());
        e -= delta;
        if delta.abs() <= 1e-13 {
            break;
        }
    }
    e
}

fn kepler_dual(mean_anomaly: D, ecc: D) -> D {
    let mut e = mean_anomaly;
    loop {
        let delta = (e - ecc * e.sin() - mean_anomaly) / (1.0 - ecc * e.cos());
        e -= delta;
        if delta.abs() <= 1e-13 {
            break;
        }
    }
    e
}

#[test]
fn loop_newton_for_kepler_equation() {
    for m in [0.1, 1.0, 2.5, 3.1, -1.2] {
        for ecc in [0.0, 0.2, 0.6, 0.9] {
            let point = format!("({m}, {ecc})");
            check_at(
                "kepler",
                &point,
                kepler(m, ecc),
                kepler_value_and_grad(m, ecc),
                kepler_grad(m, ecc),
                |s| {
                    let next = &mut 0;
                    let md = m.seed(s, next);
                    let ed = ecc.seed(s, next);
                    kepler_dual(md, ed)
                },
            );
            // The implicit function theorem:
            // dE/dM = 1 / (1 - e cos E), dE/de = sin E / (1 - e cos E).
            let (e, (dm, de)) = kepler_value_and_grad(m, ecc);
            let denominator = 1.0 - ecc * e.cos();
            assert_close(dm, 1.0 / denominator, TOL_F64, &format!("kepler{point} dM"));
            assert_close(
                de,
                e.sin() / denominator,
                TOL_F64,
                &format!("kepler{point} de"),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// `break` on a data-dependent condition.
// ---------------------------------------------------------------------------------------

/// The squares of `x` summed while the sum stays below `limit`.
#[differentiable]
fn sum_squares_below(x: &[f64], limit: f64) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    loop {
        if i == x.len() {
            break;
        }
        let t = x[i] * x[i];
        if s + t > limit {
            break;
        }
        s += t;
        i += 1;
    }
    s.sqrt() * limit
}

fn sum_squares_below_dual(x: &[D], limit: D) -> D {
    let mut s = D::cst(0.0);
    for &v in x {
        let t = v * v;
        if s + t > limit {
            break;
        }
        s += t;
    }
    s.sqrt() * limit
}

#[test]
fn loop_with_break_on_both_sides() {
    let x = [0.5, -1.5, 2.0, 0.25, -3.0];
    // The partial sums are 0.25, 2.5, 6.5, 6.5625, 15.5625: every stopping point, and none.
    for limit in [0.3, 1.0, 3.0, 6.53, 6.6, 10.0, 20.0] {
        check_at(
            "sum_squares_below",
            &format!("({x:?}, {limit})"),
            sum_squares_below(&x, limit),
            sum_squares_below_value_and_grad(&x, limit),
            sum_squares_below_grad(&x, limit),
            |s| {
                let next = &mut 0;
                let xd = x.seed(s, next);
                let ld = limit.seed(s, next);
                sum_squares_below_dual(&xd, ld)
            },
        );
    }
    // Stopped after two elements: the later ones have no influence.
    let (v, (gx, gl)) = sum_squares_below_value_and_grad(&x, 3.0);
    assert_eq!(v, 2.5f64.sqrt() * 3.0);
    assert_eq!(&gx[2..], &[0.0, 0.0, 0.0]);
    assert_close(gl, 2.5f64.sqrt(), TOL_F64, "d limit");
    // Never stopped: every element counts.
    let (_, (gx, _)) = sum_squares_below_value_and_grad(&x, 20.0);
    assert!(gx.iter().all(|g| *g != 0.0), "{gx:?}");
}

/// The product of the leading non-negative elements (a carried value overwritten
/// non-linearly, a `for` loop left early).
#[differentiable]
fn product_until_negative(x: &[f64]) -> f64 {
    let mut p = 1.0;
    for i in 0..x.len() {
        if x[i] < 0.0 {
            break;
        }
        p *= x[i];
    }
    p
}

fn product_until_negative_dual(x: &[D]) -> D {
    let mut p = D::cst(1.0);
    for &v in x {
        if v < 0.0 {
            break;
        }
        p *= v;
    }
    p
}

/// Compound growth until a threshold is passed or 50 periods have gone by.
#[differentiable]
fn periods_of_growth(start: f64, rate: f64, deposit: f64) -> f64 {
    let mut v = start;
    let mut n = 0;
    loop {
        v = v * (1.0 + rate) + deposit;
        n += 1;
        if v > 100.0 || n >= 50 {
            break;
        }
    }
    v + n as f64
}

fn periods_of_growth_dual(start: D, rate: D, deposit: D) -> D {
    let mut v = start;
    let mut n = 0;
    loop {
        v = v * (1.0 + rate) + deposit;
        n += 1;
        if v > 100.0 || n >= 50 {
            break;
        }
    }
    v + n as f64
}

#[test]
fn break_with_non_linear_carried_values() {
    let cases: [&[f64]; 6] = [
        &[1.5, 2.0, 0.5, 3.0],
        &[1.5, 2.0, -0.5, 3.0],
        &[-1.0, 2.0],
        &[0.7],
        &[],
        &[2.0, 0.0, 4.0, -1.0, 5.0],
    ];
    for x in cases {
        check_at(
            "product_until_negative",
            &format!("({x:?})"),
            product_until_negative(x),
            product_until_negative_value_and_grad(x),
            product_until_negative_grad(x),
            |s| product_until_negative_dual(&x.seed(s, &mut 0)),
        );
    }
    assert_eq!(
        product_until_negative_value_and_grad(&[1.5, 2.0, -0.5, 3.0]),
        (3.0, vec![2.0, 1.5, 0.0, 0.0])
    );

    // Stopped by the threshold (after 1, 2, many periods) or by the period count.
    for (start, rate, deposit) in [
        (99.0, 0.05, 1.0),
        (90.0, 0.05, 1.0),
        (10.0, 0.1, 2.0),
        (1.0, 0.01, 0.5),
        (1.0, -0.2, 0.1),
    ] {
        check_at(
            "periods_of_growth",
            &format!("({start}, {rate}, {deposit})"),
            periods_of_growth(start, rate, deposit),
            periods_of_growth_value_and_grad(start, rate, deposit),
            periods_of_growth_grad(start, rate, deposit),
            |s| {
                let next = &mut 0;
                let a = start.seed(s, next);
                let b = rate.seed(s, next);
                let c = deposit.seed(s, next);
                periods_of_growth_dual(a, b, c)
            },
        );
    }
}

/// Newton's method for `x³ = a` with the exit test in the body.
#[differentiable]
fn cube_root(a: f64) -> f64 {
    let mut x = 1.0;
    let mut k = 0;
    while k < 100 {
        let step = (x * x * x - a) / (3.0 * x * x);
        x -= step;
        if step.abs() < 1e-15 * x.abs() {
            break;
        }
        k += 1;
    }
    x
}

fn cube_root_dual(a: D) -> D {
    let mut x = D::cst(1.0);
    let mut k = 0;
    while k < 100 {
        let step = (x * x * x - a) / (3.0 * x * x);
        x -= step;
        if step.abs() < 1e-15 * x.abs() {
            break;
        }
        k += 1;
    }
    x
}

#[test]
fn while_with_break_in_the_body() {
    for a in [0.001, 0.5, 2.0, 27.0, 1000.0, -8.0] {
        check_at(
            "cube_root",
            &format!("({a})"),
            cube_root(a),
            cube_root_value_and_grad(a),
            cube_root_grad(a),
            |s| cube_root_dual(a.seed(s, &mut 0)),
        );
        let (x, dx) = cube_root_value_and_grad(a);
        assert_close(x, a.cbrt(), TOL_F64, "cube_root value");
        assert_close(dx, 1.0 / (3.0 * x * x), TOL_F64, "cube_root derivative");
    }
}

// ---------------------------------------------------------------------------------------
// `continue`.
// ---------------------------------------------------------------------------------------

#[differentiable]
fn sines_of_non_negatives(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] < 0.0 {
            continue;
        }
        s += (w * x[i]).sin();
    }
    s
}

fn sines_of_non_negatives_dual(x: &[D], w: D) -> D {
    let mut s = D::cst(0.0);
    for &v in x {
        if v >= 0.0 {
            s += (w * v).sin();
        }
    }
    s
}

/// `continue` in a `while` loop, skipping small elements of a product.
#[differentiable]
fn product_skipping_small(x: &[f64], w: f64) -> f64 {
    let mut i = 0;
    let mut p = 1.0;
    while i < x.len() {
        let v = x[i];
        i += 1;
        if v.abs() < 0.1 {
            continue;
        }
        p *= 1.0 + w * v;
    }
    p
}

fn product_skipping_small_dual(x: &[D], w: D) -> D {
    let mut p = D::cst(1.0);
    for &v in x {
        if v.abs() >= 0.1 {
            p *= 1.0 + w * v;
        }
    }
    p
}

/// `continue` and `break` in the same loop.
#[differentiable]
fn skip_and_stop(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for &v in x {
        if v < 0.0 {
            continue;
        }
        if v > 10.0 {
            break;
        }
        s = s * 0.5 + v.sqrt();
    }
    s
}

fn skip_and_stop_dual(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for &v in x {
        if v < 0.0 {
            continue;
        }
        if v > 10.0 {
            break;
        }
        s = s * 0.5 + v.sqrt();
    }
    s
}

#[test]
fn continue_skips_iterations() {
    let cases: [&[f64]; 5] = [
        &[0.5, -1.0, 2.0, -0.05, 0.01, 3.0],
        &[-1.0, -2.0],
        &[1.0, 4.0, 9.0],
        &[2.0, -3.0, 11.0, 4.0],
        &[],
    ];
    for x in cases {
        for w in [-0.7, 0.3, 1.9] {
            let point = format!("({x:?}, {w})");
            check_at(
                "sines_of_non_negatives",
                &point,
                sines_of_non_negatives(x, w),
                sines_of_non_negatives_value_and_grad(x, w),
                sines_of_non_negatives_grad(x, w),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let wd = w.seed(s, next);
                    sines_of_non_negatives_dual(&xd, wd)
                },
            );
            check_at(
                "product_skipping_small",
                &point,
                product_skipping_small(x, w),
                product_skipping_small_value_and_grad(x, w),
                product_skipping_small_grad(x, w),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let wd = w.seed(s, next);
                    product_skipping_small_dual(&xd, wd)
                },
            );
        }
        check_at(
            "skip_and_stop",
            &format!("({x:?})"),
            skip_and_stop(x),
            skip_and_stop_value_and_grad(x),
            skip_and_stop_grad(x),
            |s| skip_and_stop_dual(&x.seed(s, &mut 0)),
        );
    }
    let (_, (gx, _)) = sines_of_non_negatives_value_and_grad(&[0.5, -1.0, 2.0], 0.3);
    assert_eq!(gx[1], 0.0);
}

// ---------------------------------------------------------------------------------------
// Nested loops.
// ---------------------------------------------------------------------------------------

/// A soft pair potential between five points in the plane (a triangular double loop).
#[differentiable]
fn pair_energy(p: &[[f64; 2]; 5]) -> f64 {
    let mut e = 0.0;
    for i in 0..p.len() {
        for j in (i + 1)..p.len() {
            let dx = p[i][0] - p[j][0];
            let dy = p[i][1] - p[j][1];
            let r2 = dx * dx + dy * dy;
            e += 1.0 / r2 - (-r2).exp();
        }
    }
    e
}

fn pair_energy_dual(p: &[[D; 2]; 5]) -> D {
    let mut e = D::cst(0.0);
    for i in 0..5 {
        for j in (i + 1)..5 {
            let dx = p[i][0] - p[j][0];
            let dy = p[i][1] - p[j][1];
            let r2 = dx * dx + dy * dy;
            e += 1.0 / r2 - (-r2).exp();
        }
    }
    e
}

/// A product carried through both loops, an inner `break` that ends the inner loop only.
#[differentiable]
fn nested_product(a: &[[f64; 4]; 3], x: f64) -> f64 {
    let mut p = 1.0;
    for i in 0..3 {
        for j in 0..4 {
            if a[i][j] > 1.5 {
                break;
            }
            p = p * (1.0 + a[i][j] * x);
        }
        p = p.sqrt();
    }
    p
}

fn nested_product_dual(a: &[[D; 4]; 3], x: D) -> D {
    let mut p = D::cst(1.0);
    for row in a {
        for &v in row {
            if v > 1.5 {
                break;
            }
            p = p * (1.0 + v * x);
        }
        p = p.sqrt();
    }
    p
}

/// Three loops deep: `xᵀ A x` plus a cubic term, the matrix data.
#[differentiable(wrt(x))]
fn cubic_form(x: &[f64; 3], a: &[[f64; 3]; 3]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..3 {
            s += a[i][j] * x[i] * x[j];
            for k in 0..3 {
                s += 0.1 * x[i] * x[j] * x[k];
            }
        }
    }
    s
}

fn cubic_form_dual(x: &[D; 3], a: &[[f64; 3]; 3]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..3 {
        for j in 0..3 {
            s += a[i][j] * x[i] * x[j];
            for k in 0..3 {
                s += 0.1 * x[i] * x[j] * x[k];
            }
        }
    }
    s
}

#[test]
fn nested_loops() {
    for seed in 0..5 {
        let v = sequence(seed, 10, -2.0, 2.0);
        let p: [[f64; 2]; 5] = core::array::from_fn(|i| [v[2 * i], v[2 * i + 1]]);
        check_at(
            "pair_energy",
            &format!("{p:?}"),
            pair_energy(&p),
            pair_energy_value_and_grad(&p),
            pair_energy_grad(&p),
            |s| pair_energy_dual(&p.seed(s, &mut 0)),
        );

        let v = sequence(seed + 10, 12, 0.0, 2.0);
        let a: [[f64; 4]; 3] = core::array::from_fn(|i| core::array::from_fn(|j| v[4 * i + j]));
        for x in [-0.3, 0.4, 1.2] {
            check_at(
                "nested_product",
                &format!("({a:?}, {x})"),
                nested_product(&a, x),
                nested_product_value_and_grad(&a, x),
                nested_product_grad(&a, x),
                |s| {
                    let next = &mut 0;
                    let ad = a.seed(s, next);
                    let xd = x.seed(s, next);
                    nested_product_dual(&ad, xd)
                },
            );
        }

        let x: [f64; 3] = array(seed + 20, -1.0, 1.0);
        let m: [[f64; 3]; 3] = core::array::from_fn(|i| array(seed + 30 + i as u64, -1.0, 1.0));
        check_at(
            "cubic_form",
            &format!("({x:?}, {m:?})"),
            cubic_form(&x, &m),
            cubic_form_value_and_grad(&x, &m),
            cubic_form_grad(&x, &m),
            |s| cubic_form_dual(&x.seed(s, &mut 0), &m),
        );
    }
}

// ---------------------------------------------------------------------------------------
// Ranges: `step_by`, `rev`, `..=`, against the same code written out.
// ---------------------------------------------------------------------------------------

#[differentiable]
fn strided(x: &[f64; 11]) -> f64 {
    let mut s = 0.0;
    for i in (0..10).step_by(3) {
        s += x[i] * x[i + 1];
    }
    s
}

#[differentiable]
fn strided_straight(x: &[f64; 11]) -> f64 {
    x[0] * x[1] + x[3] * x[4] + x[6] * x[7] + x[9] * x[10]
}

/// A recurrence that depends on the order: `((x₃ / 2 + x₂) / 2 + x₁) / 2 + x₀`, squared.
#[differentiable]
fn reversed(x: &[f64; 4]) -> f64 {
    let mut acc = 0.0;
    for i in (0..4).rev() {
        acc = 0.5 * acc + x[i];
        acc = acc * acc.cos();
    }
    acc
}

#[differentiable]
fn reversed_straight(x: &[f64; 4]) -> f64 {
    let mut acc = 0.0;
    acc = 0.5 * acc + x[3];
    acc = acc * acc.cos();
    acc = 0.5 * acc + x[2];
    acc = acc * acc.cos();
    acc = 0.5 * acc + x[1];
    acc = acc * acc.cos();
    acc = 0.5 * acc + x[0];
    acc = acc * acc.cos();
    acc
}

/// `(a..=b)`, `(a..=b).rev()`, `(a..b).rev().step_by(k)` and `(a..=b).step_by(k)`, with
/// non-linear carried values.
#[differentiable]
fn range_forms(x: &[f64; 10]) -> f64 {
    let mut p = 1.0;
    for i in 2..=4 {
        p = p * x[i] + 1.0;
    }
    for i in (5..=7).rev() {
        p = p * x[i] - 0.5;
    }
    for i in (0..10).rev().step_by(4) {
        p = p * x[i].sin();
    }
    for i in (1..=9).step_by(4) {
        p = p + x[i] * p;
    }
    p
}

#[differentiable]
fn range_forms_straight(x: &[f64; 10]) -> f64 {
    let mut p = 1.0;
    p = p * x[2] + 1.0;
    p = p * x[3] + 1.0;
    p = p * x[4] + 1.0;
    p = p * x[7] - 0.5;
    p = p * x[6] - 0.5;
    p = p * x[5] - 0.5;
    p = p * x[9].sin();
    p = p * x[5].sin();
    p = p * x[1].sin();
    p = p + x[1] * p;
    p = p + x[5] * p;
    p = p + x[9] * p;
    p
}

/// Bounds and step from integer arguments, including empty ranges.
#[differentiable]
fn window(x: &[f64], from: usize, to: usize, step: usize) -> f64 {
    let mut s = 0.0;
    for i in (from..to).step_by(step) {
        s += x[i].exp() * s + x[i];
    }
    for i in (from..to).rev() {
        s = s * x[i];
    }
    s
}

fn window_dual(x: &[D], from: usize, to: usize, step: usize) -> D {
    let mut s = D::cst(0.0);
    for i in (from..to).step_by(step) {
        s += x[i].exp() * s + x[i];
    }
    for i in (from..to).rev() {
        s = s * x[i];
    }
    s
}

#[test]
fn ranges_match_straight_code() {
    for seed in 0..6 {
        let x: [f64; 11] = array(seed, -2.0, 2.0);
        assert_same_grad(
            &strided_value_and_grad(&x),
            &strided_straight_value_and_grad(&x),
            "strided vs straight",
        );
        check_at(
            "strided",
            &format!("{x:?}"),
            strided(&x),
            strided_value_and_grad(&x),
            strided_grad(&x),
            |s| {
                let x = x.seed(s, &mut 0);
                x[0] * x[1] + x[3] * x[4] + x[6] * x[7] + x[9] * x[10]
            },
        );

        let y: [f64; 4] = array(seed + 10, -1.5, 1.5);
        assert_same_grad(
            &reversed_value_and_grad(&y),
            &reversed_straight_value_and_grad(&y),
            "reversed vs straight",
        );
        check_at(
            "reversed",
            &format!("{y:?}"),
            reversed(&y),
            reversed_value_and_grad(&y),
            reversed_grad(&y),
            |s| {
                let y = y.seed(s, &mut 0);
                let mut acc = D::cst(0.0);
                for i in [3, 2, 1, 0] {
                    acc = 0.5 * acc + y[i];
                    acc = acc * acc.cos();
                }
                acc
            },
        );

        let z: [f64; 10] = array(seed + 20, -1.2, 1.2);
        assert_same_grad(
            &range_forms_value_and_grad(&z),
            &range_forms_straight_value_and_grad(&z),
            "range_forms vs straight",
        );
        check_at(
            "range_forms",
            &format!("{z:?}"),
            range_forms(&z),
            range_forms_value_and_grad(&z),
            range_forms_grad(&z),
            |s| {
                let z = z.seed(s, &mut 0);
                let mut p = D::cst(1.0);
                for i in [2, 3, 4] {
                    p = p * z[i] + 1.0;
                }
                for i in [7, 6, 5] {
                    p = p * z[i] - 0.5;
                }
                for i in [9, 5, 1] {
                    p = p * z[i].sin();
                }
                for i in [1, 5, 9] {
                    p = p + z[i] * p;
                }
                p
            },
        );

        let w = sequence(seed + 30, 7, -1.0, 1.0);
        for (from, to, step) in [
            (0, 7, 1),
            (1, 7, 2),
            (2, 6, 3),
            (3, 3, 1),
            (5, 2, 2),
            (6, 7, 5),
        ] {
            check_at(
                "window",
                &format!("({w:?}, {from}, {to}, {step})"),
                window(&w, from, to, step),
                window_value_and_grad(&w, from, to, step),
                window_grad(&w, from, to, step),
                |s| window_dual(&w.seed(s, &mut 0), from, to, step),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Iterating over elements: `iter`, `&x`, `for &v in x`, `enumerate`, `zip`.
// ---------------------------------------------------------------------------------------

#[differentiable]
fn iterate_forms(x: &[f64], y: &[f64; 4], z: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for v in x.iter() {
        s += v.exp() * 0.25;
    }
    for &v in x {
        s += v * s.sin();
    }
    for &v in y {
        s = s * 0.5 + v * v;
    }
    for &v in &z {
        s += (v * s).tanh();
    }
    for v in z.iter() {
        s -= v.powi(3);
    }
    s
}

fn iterate_forms_dual(x: &[D], y: &[D], z: &[D]) -> D {
    let mut s = D::cst(0.0);
    for &v in x {
        s += v.exp() * 0.25;
    }
    for &v in x {
        s += v * s.sin();
    }
    for &v in y {
        s = s * 0.5 + v * v;
    }
    for &v in z {
        s += (v * s).tanh();
    }
    for &v in z {
        s -= v.powi(3);
    }
    s
}

#[differentiable]
fn enumerate_and_zip(x: &[f64], y: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for (i, v) in x.iter().enumerate() {
        s += (i as f64 + 1.0) * v.sin();
    }
    for (i, &v) in y.iter().enumerate() {
        s = s * 0.9 + v / (i as f64 + 2.0);
    }
    for (a, b) in x.iter().zip(y.iter()) {
        s += a * b * (a - b).cos();
    }
    for (&a, &b) in x.iter().zip(y.iter()) {
        s = s * (a * b).tanh() + a;
    }
    for (i, (&a, &b)) in x.iter().zip(y.iter()).enumerate() {
        s += (i as f64) * a.max(b);
    }
    s
}

fn enumerate_and_zip_dual(x: &[D], y: &[D]) -> D {
    let mut s = D::cst(0.0);
    for (i, v) in x.iter().enumerate() {
        s += (i as f64 + 1.0) * v.sin();
    }
    for (i, &v) in y.iter().enumerate() {
        s = s * 0.9 + v / (i as f64 + 2.0);
    }
    for (&a, &b) in x.iter().zip(y) {
        s += a * b * (a - b).cos();
    }
    for (&a, &b) in x.iter().zip(y) {
        s = s * (a * b).tanh() + a;
    }
    for (i, (&a, &b)) in x.iter().zip(y).enumerate() {
        s += (i as f64) * a.max(b);
    }
    s
}

/// Rows of a nested array, and the elements of each row.
#[differentiable]
fn iterate_rows(m: &[[f64; 3]; 2], v: &[f64; 3]) -> f64 {
    let mut s = 0.0;
    for row in m.iter() {
        let mut dot = 0.0;
        for (&a, &b) in row.iter().zip(v.iter()) {
            dot += a * b;
        }
        s += dot.sin();
    }
    for (i, row) in m.iter().enumerate() {
        for &a in row {
            s = s + (i as f64 + 1.0) * a * s.cos();
        }
    }
    s
}

fn iterate_rows_dual(m: &[[D; 3]; 2], v: &[D; 3]) -> D {
    let mut s = D::cst(0.0);
    for row in m {
        let mut dot = D::cst(0.0);
        for k in 0..3 {
            dot += row[k] * v[k];
        }
        s += dot.sin();
    }
    for (i, row) in m.iter().enumerate() {
        for &a in row {
            s = s + (i as f64 + 1.0) * a * s.cos();
        }
    }
    s
}

#[test]
fn iterating_over_elements() {
    for seed in 0..5 {
        let x = sequence(seed, 5, -1.5, 1.5);
        let y: [f64; 4] = array(seed + 10, -1.5, 1.5);
        let z: [f64; 3] = array(seed + 20, -1.5, 1.5);
        check_at(
            "iterate_forms",
            &format!("({x:?}, {y:?}, {z:?})"),
            iterate_forms(&x, &y, z),
            iterate_forms_value_and_grad(&x, &y, z),
            iterate_forms_grad(&x, &y, z),
            |s| {
                let next = &mut 0;
                let xd = x.seed(s, next);
                let yd = y.seed(s, next);
                let zd = z.seed(s, next);
                iterate_forms_dual(&xd, &yd, &zd)
            },
        );

        // Zipped slices of different lengths stop at the shorter one.
        for (nx, ny) in [(5, 5), (5, 3), (2, 6), (0, 4)] {
            let x = sequence(seed + 30, nx, -1.5, 1.5);
            let y = sequence(seed + 40, ny, -1.5, 1.5);
            check_at(
                "enumerate_and_zip",
                &format!("({x:?}, {y:?})"),
                enumerate_and_zip(&x, &y),
                enumerate_and_zip_value_and_grad(&x, &y),
                enumerate_and_zip_grad(&x, &y),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let yd = y.seed(s, next);
                    enumerate_and_zip_dual(&xd, &yd)
                },
            );
        }

        let v = sequence(seed + 50, 9, -1.0, 1.0);
        let m: [[f64; 3]; 2] = [[v[0], v[1], v[2]], [v[3], v[4], v[5]]];
        let w = [v[6], v[7], v[8]];
        check_at(
            "iterate_rows",
            &format!("({m:?}, {w:?})"),
            iterate_rows(&m, &w),
            iterate_rows_value_and_grad(&m, &w),
            iterate_rows_grad(&m, &w),
            |s| {
                let next = &mut 0;
                let md = m.seed(s, next);
                let wd = w.seed(s, next);
                iterate_rows_dual(&md, &wd)
            },
        );
    }
    // Hand-checked: ∂/∂x of Σ (i + 1) sin xᵢ is (i + 1) cos xᵢ when y is empty.
    let x = [0.3, -0.4];
    let (_, (gx, gy)) = enumerate_and_zip_value_and_grad(&x, &vec![]);
    assert_close_grad(
        &gx,
        &[0.3f64.cos(), 2.0 * (-0.4f64).cos()],
        TOL_F64,
        "enumerate",
    );
    assert!(gy.is_empty());
}
