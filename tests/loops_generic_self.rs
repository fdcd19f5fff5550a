//! Functions generic over `T: num_traits::Float`, used with `f32` and `f64`, and `&self`
//! methods of models whose fields are fixed data.
//!
//! A generic function is its own dual twin: `f::<D>` runs the same source on dual numbers
//! (`D: num_traits::Float`, see `tests/common/num_float.rs`). `f32` results are compared
//! with dual numbers started from the same (widened) `f32` inputs, at `TOL_F32`.
//!
//! The generic functions are bounded by `Float + AddAssign + SubAssign` rather than
//! `Float` alone: the generated gradient code accumulates adjoints with `+=`/`-=`
//! (`d_x[i] += …`), which `num_traits::Float` does not provide, so with `T: Float` alone
//! any function whose gradient accumulates (loops, arrays) does not compile (E0368). The
//! sources themselves use only `Float` operations.

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
use common::{D, TOL_F32, TOL_F64, assert_close};
use core::ops::{AddAssign, SubAssign};
use num_traits::Float;

// ---------------------------------------------------------------------------------------
// Generic functions.
// ---------------------------------------------------------------------------------------

#[differentiable]
fn rosenbrock<T: Float + AddAssign + SubAssign>(x: &[T]) -> T {
    let hundred = T::from(100.0).unwrap();
    let mut s = T::zero();
    for i in 0..x.len() - 1 {
        let a = T::one() - x[i];
        let b = x[i + 1] - x[i] * x[i];
        s = s + a * a + hundred * b * b;
    }
    s
}

/// `log Σ exp xᵢ` with a max shift, on an array.
#[differentiable]
fn log_sum_exp<T: num_traits::Float + AddAssign + SubAssign>(x: &[T; 5]) -> T {
    let mut m = x[0];
    for i in 1..5 {
        m = m.max(x[i]);
    }
    let mut s = T::zero();
    for &v in x {
        s = s + (v - m).exp();
    }
    s.ln() + m
}

/// Horner's scheme with a loop-carried non-linear value.
#[differentiable]
fn horner<T: Float + AddAssign + SubAssign>(c: &[T], x: T) -> T {
    let mut p = T::zero();
    for k in (0..c.len()).rev() {
        p = p * x + c[k];
    }
    p
}

/// A `while` loop, `break`, `continue` and a local array, generic (a `where` clause).
#[differentiable]
fn damped_sum<T>(x: &[T], damping: T, cap: T) -> T
where
    T: Float + AddAssign + SubAssign,
{
    let two = T::from(2.0).unwrap();
    let mut h = [T::zero(); 3];
    let mut s = T::zero();
    let mut i = 0;
    while i < x.len() {
        let v = x[i];
        i += 1;
        if v < T::zero() {
            continue;
        }
        s = s * damping + v.sqrt() * two;
        if s > cap {
            break;
        }
    }
    h[0] = s;
    h[1] = s.sin();
    h[2] = h[0] * h[1];
    h[2] + cap.ln()
}

#[test]
fn generic_functions_in_f64() {
    for (seed, n) in [(0, 2), (1, 10), (2, 10), (3, 1000)] {
        let x = sequence(seed, n, -2.0, 2.0);
        let g: Vec<f64> = rosenbrock_grad(&x);
        check_at(
            "rosenbrock::<f64>",
            &format!("(n = {n}, seed {seed})"),
            rosenbrock(&x),
            rosenbrock_value_and_grad(&x),
            g,
            |s| rosenbrock::<D>(&x.seed(s, &mut 0)),
        );
        let mut buffer = vec![0.0; n];
        let v = rosenbrock_value_and_grad_into(&x, &mut buffer);
        assert_same_grad(
            &(v, buffer),
            &rosenbrock_value_and_grad(&x),
            "rosenbrock_into",
        );
    }
    for seed in 10..14 {
        let x: [f64; 5] = array(seed, -5.0, 5.0);
        check_at(
            "log_sum_exp::<f64>",
            &format!("{x:?}"),
            log_sum_exp(&x),
            log_sum_exp_value_and_grad(&x),
            log_sum_exp_grad(&x),
            |s| log_sum_exp::<D>(&x.seed(s, &mut 0)),
        );
        // The gradient is the softmax.
        let softmax: Vec<f64> = x.iter().map(|v| (v - log_sum_exp(&x)).exp()).collect();
        assert_close_grad(&log_sum_exp_grad(&x), &softmax, TOL_F64, "softmax");

        let c = sequence(seed, 7, -1.0, 1.0);
        for t in [-1.1, 0.3, 0.9] {
            check_at(
                "horner::<f64>",
                &format!("({c:?}, {t})"),
                horner(&c, t),
                horner_value_and_grad(&c, t),
                horner_grad(&c, t),
                |s| {
                    let next = &mut 0;
                    let cd = c.seed(s, next);
                    let td = t.seed(s, next);
                    horner::<D>(&cd, td)
                },
            );
        }

        let x = sequence(seed + 20, 6, -1.0, 3.0);
        for (damping, cap) in [(0.5, 100.0), (0.9, 2.0), (1.1, 0.5)] {
            check_at(
                "damped_sum::<f64>",
                &format!("({x:?}, {damping}, {cap})"),
                damped_sum(&x, damping, cap),
                damped_sum_value_and_grad(&x, damping, cap),
                damped_sum_grad(&x, damping, cap),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let dd = damping.seed(s, next);
                    let cd = cap.seed(s, next);
                    damped_sum::<D>(&xd, dd, cd)
                },
            );
        }
    }
}

fn to_f32(v: &[f64]) -> Vec<f32> {
    v.iter().map(|x| *x as f32).collect()
}

#[test]
fn generic_functions_in_f32() {
    for (seed, n) in [(0, 2), (1, 10), (3, 100)] {
        let x = to_f32(&sequence(seed, n, -2.0, 2.0));
        let g: Vec<f32> = rosenbrock_grad(&x);
        check_at(
            "rosenbrock::<f32>",
            &format!("(n = {n}, seed {seed})"),
            rosenbrock(&x),
            rosenbrock_value_and_grad(&x),
            g,
            |s| rosenbrock::<D>(&x.seed(s, &mut 0)),
        );
        let mut buffer = vec![0.0f32; n];
        let v: f32 = rosenbrock_value_and_grad_into(&x, &mut buffer);
        assert_same_grad(
            &(v, buffer),
            &rosenbrock_value_and_grad(&x),
            "rosenbrock_into f32",
        );
    }
    for seed in 10..14 {
        let x: [f32; 5] = array::<5>(seed, -5.0, 5.0).map(|v| v as f32);
        let (v, g): (f32, [f32; 5]) = log_sum_exp_value_and_grad(&x);
        check_at(
            "log_sum_exp::<f32>",
            &format!("{x:?}"),
            log_sum_exp(&x),
            (v, g),
            log_sum_exp_grad(&x),
            |s| log_sum_exp::<D>(&x.seed(s, &mut 0)),
        );

        let c = to_f32(&sequence(seed, 7, -1.0, 1.0));
        for t in [-1.1f32, 0.3, 0.9] {
            check_at(
                "horner::<f32>",
                &format!("({c:?}, {t})"),
                horner(&c, t),
                horner_value_and_grad(&c, t),
                horner_grad(&c, t),
                |s| {
                    let next = &mut 0;
                    let cd = c.seed(s, next);
                    let td = t.seed(s, next);
                    horner::<D>(&cd, td)
                },
            );
        }

        let x = to_f32(&sequence(seed + 20, 6, -1.0, 3.0));
        for (damping, cap) in [(0.5f32, 100.0f32), (0.9, 2.0), (1.1, 0.5)] {
            check_at(
                "damped_sum::<f32>",
                &format!("({x:?}, {damping}, {cap})"),
                damped_sum(&x, damping, cap),
                damped_sum_value_and_grad(&x, damping, cap),
                damped_sum_grad(&x, damping, cap),
                |s| {
                    let next = &mut 0;
                    let xd = x.seed(s, next);
                    let dd = damping.seed(s, next);
                    let cd = cap.seed(s, next);
                    damped_sum::<D>(&xd, dd, cd)
                },
            );
        }
    }
    // The f32 and f64 instances compute the same function.
    let x = [0.5, -1.0, 2.0, 0.25, 1.5];
    let (v64, g64) = log_sum_exp_value_and_grad(&x);
    let (v32, g32) = log_sum_exp_value_and_grad(&x.map(|v| v as f32));
    assert_close(f64::from(v32), v64, TOL_F32, "log_sum_exp f32 vs f64");
    assert_close_grad(&g32, &g64, TOL_F32, "log_sum_exp f32 vs f64");
}

// ---------------------------------------------------------------------------------------
// `&self` methods: models with fixed data.
// ---------------------------------------------------------------------------------------

/// Least squares on fixed points.
struct LineFit {
    xs: [f64; 6],
    ys: [f64; 6],
}

impl LineFit {
    #[differentiable]
    fn loss(&self, slope: f64, intercept: f64) -> f64 {
        let mut s = 0.0;
        for i in 0..self.xs.len() {
            let r = slope * self.xs[i] + intercept - self.ys[i];
            s += r * r;
        }
        s / self.xs.len() as f64
    }

    fn loss_dual(&self, slope: D, intercept: D) -> D {
        let mut s = D::cst(0.0);
        for i in 0..6 {
            let r = slope * self.xs[i] + intercept - self.ys[i];
            s += r * r;
        }
        s / 6.0
    }
}

/// Logistic regression with the data set inside the model, weights in a slice.
struct Classifier {
    features: Vec<[f64; 2]>,
    labels: Vec<f64>,
}

impl Classifier {
    #[differentiable]
    fn nll(&self, w: &[f64], bias: f64) -> f64 {
        let mut total = 0.0;
        for (n, &y) in self.labels.iter().enumerate() {
            let z = bias + w[0] * self.features[n][0] + w[1] * self.features[n][1];
            total += if z > 0.0 {
                z + (-z).exp().ln_1p() - y * z
            } else {
                z.exp().ln_1p() - y * z
            };
        }
        total
    }

    fn nll_dual(&self, w: &[D], bias: D) -> D {
        let mut total = D::cst(0.0);
        for (x, &y) in self.features.iter().zip(&self.labels) {
            let z = bias + w[0] * x[0] + w[1] * x[1];
            total += if z > 0.0 {
                z + (-z).exp().ln_1p() - y * z
            } else {
                z.exp().ln_1p() - y * z
            };
        }
        total
    }
}

#[test]
fn self_methods_with_fixed_data() {
    let fit = LineFit {
        xs: [0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        ys: [1.1, 2.9, 5.2, 7.1, 8.8, 11.3],
    };
    for (slope, intercept) in [(0.0, 0.0), (2.0, 1.0), (-1.5, 3.0), (2.05, 0.95)] {
        check_at(
            "LineFit::loss",
            &format!("({slope}, {intercept})"),
            fit.loss(slope, intercept),
            fit.loss_value_and_grad(slope, intercept),
            fit.loss_grad(slope, intercept),
            |s| {
                let next = &mut 0;
                let a = slope.seed(s, next);
                let b = intercept.seed(s, next);
                fit.loss_dual(a, b)
            },
        );
        // Hand-written: the mean of 2 r (x, 1).
        let (mut da, mut db) = (0.0, 0.0);
        for i in 0..6 {
            let r = slope * fit.xs[i] + intercept - fit.ys[i];
            da += 2.0 * r * fit.xs[i] / 6.0;
            db += 2.0 * r / 6.0;
        }
        assert_close_grad(
            &fit.loss_grad(slope, intercept),
            &(da, db),
            TOL_F64,
            "LineFit",
        );
    }

    let v = sequence(5, 16, -2.0, 2.0);
    let model = Classifier {
        features: (0..8).map(|n| [v[2 * n], v[2 * n + 1]]).collect(),
        labels: (0..8)
            .map(|n| if v[2 * n] > v[2 * n + 1] { 1.0 } else { 0.0 })
            .collect(),
    };
    for (w, bias) in [
        (vec![0.0, 0.0], 0.0),
        (vec![1.5, -1.5], 0.2),
        (vec![-40.0, 60.0], 5.0),
    ] {
        check_at(
            "Classifier::nll",
            &format!("({w:?}, {bias})"),
            model.nll(&w, bias),
            model.nll_value_and_grad(&w, bias),
            model.nll_grad(&w, bias),
            |s| {
                let next = &mut 0;
                let wd = w.seed(s, next);
                let bd = bias.seed(s, next);
                model.nll_dual(&wd, bd)
            },
        );
        let mut gw = vec![0.0; 2];
        let (value, gb) = model.nll_value_and_grad_into(&w, bias, &mut gw);
        assert_same_grad(
            &(value, gw, gb),
            &model.nll_value_and_grad(&w, bias),
            "nll_into",
        );
    }
}
