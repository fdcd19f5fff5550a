//! Arrays, slices and `Vec`s: gradient shapes, indexing by integer expressions, `.len()`,
//! local arrays (`[0.0; N]`, `[a, b]`) with element and compound assignment, and the
//! allocation-free `_value_and_grad_into` form (same numbers as `_value_and_grad`, clear
//! panics on buffers of the wrong length).

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
use common::arrays::{Seed, array, assert_same_grad, check_at, sequence};
use common::{D, TOL_F64, assert_close};

// ---------------------------------------------------------------------------------------
// Gradient shapes: arrays give arrays, slices and `Vec`s give `Vec`s.
// ---------------------------------------------------------------------------------------

#[differentiable]
fn shapes(a: [f64; 2], b: &[f64; 3], m: &[[f64; 2]; 2], s: &[f64], v: &Vec<f64>, x: f64) -> f64 {
    let mut t = x * a[0] - a[1];
    for i in 0..b.len() {
        t += b[i] * m[i % 2][(i + 1) % 2];
    }
    for i in 0..s.len() {
        t = t * s[i].cos() + v[i % v.len()];
    }
    t
}

fn shapes_dual(a: &[D], b: &[D], m: &[[D; 2]; 2], s: &[D], v: &[D], x: D) -> D {
    let mut t = x * a[0] - a[1];
    for i in 0..b.len() {
        t += b[i] * m[i % 2][(i + 1) % 2];
    }
    for i in 0..s.len() {
        t = t * s[i].cos() + v[i % v.len()];
    }
    t
}

#[test]
fn gradients_have_the_shapes_of_the_parameters() {
    let a = [0.5, -1.0];
    let b = [1.0, 2.0, -0.5];
    let m = [[0.25, -0.75], [1.5, 0.1]];
    for (s, v) in [
        (vec![0.3, -0.2, 1.1], vec![2.0, -1.0]),
        (vec![], vec![1.0]),
        (sequence(1, 7, -1.0, 1.0), sequence(2, 3, -1.0, 1.0)),
    ] {
        for x in [-0.4, 1.3] {
            #[allow(clippy::type_complexity)]
            let g: ([f64; 2], [f64; 3], [[f64; 2]; 2], Vec<f64>, Vec<f64>, f64) =
                shapes_grad(a, &b, &m, &s, &v, x);
            assert_eq!((g.3.len(), g.4.len()), (s.len(), v.len()));
            check_at(
                "shapes",
                &format!("({s:?}, {v:?}, {x})"),
                shapes(a, &b, &m, &s, &v, x),
                shapes_value_and_grad(a, &b, &m, &s, &v, x),
                g,
                |k| {
                    let next = &mut 0;
                    let ad = a.seed(k, next);
                    let bd = b.seed(k, next);
                    let md = m.seed(k, next);
                    let sd = s.seed(k, next);
                    let vd = v.seed(k, next);
                    let xd = x.seed(k, next);
                    shapes_dual(&ad, &bd, &md, &sd, &vd, xd)
                },
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Indexing by integer expressions, `.len()`, integer parameters as indices.
// ---------------------------------------------------------------------------------------

/// Periodic neighbours, mirrored indices, an index from an `i32` parameter.
#[differentiable]
fn index_expressions(x: &[f64], k: i32) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[(i + 1) % n] - x[n - 1 - i].sin() * x[i];
    }
    s * x[k as usize] + x[(k as usize + 2) % n] * x[n / 2]
}

fn index_expressions_dual(x: &[D], k: i32) -> D {
    let n = x.len();
    let mut s = D::cst(0.0);
    for i in 0..n {
        s += x[i] * x[(i + 1) % n] - x[n - 1 - i].sin() * x[i];
    }
    s * x[k as usize] + x[(k as usize + 2) % n] * x[n / 2]
}

/// The discrete periodic Laplacian energy `Σ (x[i+1] - 2 x[i] + x[i-1])²` on an array.
#[differentiable]
fn laplacian_energy(x: &[f64; 8]) -> f64 {
    let n = x.len();
    let mut e = 0.0;
    for i in 0..n {
        let d = x[(i + 1) % n] - 2.0 * x[i] + x[(i + n - 1) % n];
        e += d * d;
    }
    e
}

fn laplacian_energy_dual(x: &[D]) -> D {
    let n = x.len();
    let mut e = D::cst(0.0);
    for i in 0..n {
        let d = x[(i + 1) % n] - 2.0 * x[i] + x[(i + n - 1) % n];
        e += d * d;
    }
    e
}

/// Rows of different nested arrays, their lengths, an element picked by a parameter.
#[differentiable]
fn nested_lengths(w: &[[f64; 3]; 2], k: usize) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() {
        for i in 0..w[j].len() {
            s += w[j][i] * w[j][k];
        }
    }
    s
}

#[test]
fn indexing_by_integer_expressions() {
    for seed in 0..4 {
        let x = sequence(seed, 5 + seed as usize, -1.5, 1.5);
        for k in [0, 1, 3] {
            check_at(
                "index_expressions",
                &format!("({x:?}, {k})"),
                index_expressions(&x, k),
                index_expressions_value_and_grad(&x, k),
                index_expressions_grad(&x, k),
                |s| index_expressions_dual(&x.seed(s, &mut 0), k),
            );
        }
        let y: [f64; 8] = array(seed + 10, -1.0, 1.0);
        check_at(
            "laplacian_energy",
            &format!("{y:?}"),
            laplacian_energy(&y),
            laplacian_energy_value_and_grad(&y),
            laplacian_energy_grad(&y),
            |s| laplacian_energy_dual(&y.seed(s, &mut 0)),
        );
    }
    // Hand-checked: ∂/∂w[j][i] of Σ_j Σ_i w[j][i] w[j][k] is w[j][k], plus Σ_i w[j][i]
    // at i = k.
    let w = [[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]];
    assert_eq!(
        nested_lengths_value_and_grad(&w, 1),
        (10.5, [[2.0, 8.0, 2.0], [-1.0, 0.5, -1.0]])
    );
    // A linear (constant) gradient of the Laplacian energy: at a constant signal it is 0.
    assert_eq!(laplacian_energy_grad(&[0.3; 8]), [0.0; 8]);
}

// ---------------------------------------------------------------------------------------
// Local arrays.
// ---------------------------------------------------------------------------------------

/// `let v = [a, b, …];` read in loops and by index.
#[differentiable]
fn local_array_literal(a: f64, b: f64) -> f64 {
    let v = [a, b * a, b.sin()];
    let mut s = 0.0;
    for &vi in &v {
        s = s * vi + 1.0;
    }
    for k in 0..v.len() {
        s += v[k] * v[(k + 1) % 3];
    }
    s
}

fn local_array_literal_dual(a: D, b: D) -> D {
    let v = [a, b * a, b.sin()];
    let mut s = D::cst(0.0);
    for &vi in &v {
        s = s * vi + 1.0;
    }
    for k in 0..3 {
        s += v[k] * v[(k + 1) % 3];
    }
    s
}

/// Element assignment and every compound assignment on a `[0.0; N]` array.
#[differentiable]
fn compound_assignments(x: f64, y: f64) -> f64 {
    let mut h = [0.0; 3];
    h[0] += x;
    h[0] *= y;
    h[1] -= h[0] * x;
    h[2] /= y;
    h[2] += 2.0;
    h[2] /= x;
    h[1] = h[1].exp() - h[2];
    h[0] + h[1] * h[2]
}

fn compound_assignments_dual(x: D, y: D) -> D {
    let h0 = x * y;
    let h1 = -(h0 * x);
    let h2 = (D::cst(0.0) / y + 2.0) / x;
    let h1 = h1.exp() - h2;
    h0 + h1 * h2
}

const LEN: usize = 4;

/// A local array of a named length, filled in a loop and read back reversed.
#[differentiable]
fn local_array_in_loops(x: &[f64; LEN]) -> f64 {
    let mut h = [0.0; LEN];
    for i in 0..LEN {
        h[i] = x[i].exp();
    }
    let mut s = 0.0;
    for i in 0..h.len() {
        s += h[i] * x[LEN - 1 - i];
    }
    for &hi in h.iter() {
        s = s * 0.5 + hi.ln_1p();
    }
    s
}

fn local_array_in_loops_dual(x: &[D]) -> D {
    let h: Vec<D> = x.iter().map(|v| v.exp()).collect();
    let mut s = D::cst(0.0);
    for i in 0..LEN {
        s += h[i] * x[LEN - 1 - i];
    }
    for &hi in &h {
        s = s * 0.5 + hi.ln_1p();
    }
    s
}

/// Each element written twice in the same iteration, the second time from the first.
#[differentiable]
fn overwrite_in_the_same_iteration(w: &[f64; 3], x: f64) -> f64 {
    let mut h = [0.0; 3];
    for j in 0..3 {
        h[j] = w[j] * x;
        h[j] = h[j].tanh();
    }
    h[0] * h[1] + h[2]
}

#[test]
fn local_arrays() {
    for (a, b) in [(0.7, -1.2), (-0.3, 0.4), (1.5, 2.5), (0.0, 1.0)] {
        check_at(
            "local_array_literal",
            &format!("({a}, {b})"),
            local_array_literal(a, b),
            local_array_literal_value_and_grad(a, b),
            local_array_literal_grad(a, b),
            |s| {
                let next = &mut 0;
                let ad = a.seed(s, next);
                let bd = b.seed(s, next);
                local_array_literal_dual(ad, bd)
            },
        );
    }
    for (x, y) in [(0.7, -1.2), (-0.3, 0.4), (1.5, 2.5)] {
        check_at(
            "compound_assignments",
            &format!("({x}, {y})"),
            compound_assignments(x, y),
            compound_assignments_value_and_grad(x, y),
            compound_assignments_grad(x, y),
            |s| {
                let next = &mut 0;
                let xd = x.seed(s, next);
                let yd = y.seed(s, next);
                compound_assignments_dual(xd, yd)
            },
        );
    }
    for seed in 0..4 {
        let x: [f64; LEN] = array(seed, -1.0, 1.0);
        check_at(
            "local_array_in_loops",
            &format!("{x:?}"),
            local_array_in_loops(&x),
            local_array_in_loops_value_and_grad(&x),
            local_array_in_loops_grad(&x),
            |s| local_array_in_loops_dual(&x.seed(s, &mut 0)),
        );
    }
    // Hand-written derivative: f = t₀ t₁ + t₂ with tⱼ = tanh(wⱼ x).
    let (w, x): ([f64; 3], f64) = ([0.3, -0.7, 1.1], 0.9);
    let t: Vec<f64> = w.iter().map(|wj| (wj * x).tanh()).collect();
    let dt: Vec<f64> = t.iter().map(|tj| 1.0 - tj * tj).collect();
    let (v, (gw, gx)) = overwrite_in_the_same_iteration_value_and_grad(&w, x);
    assert_eq!(v, overwrite_in_the_same_iteration(&w, x));
    assert_close(v, t[0] * t[1] + t[2], TOL_F64, "value");
    let hand_w = [dt[0] * x * t[1], dt[1] * x * t[0], dt[2] * x];
    let hand_x = dt[0] * w[0] * t[1] + dt[1] * w[1] * t[0] + dt[2] * w[2];
    for k in 0..3 {
        assert_close(gw[k], hand_w[k], TOL_F64, "d w");
    }
    assert_close(gx, hand_x, TOL_F64, "d x");
}

// ---------------------------------------------------------------------------------------
// The allocation-free form.
// ---------------------------------------------------------------------------------------

/// Two slice parameters (a slice and a `Vec`), a float, and data.
#[differentiable(wrt(x, y, scale))]
fn weighted_distance(x: &[f64], y: &Vec<f64>, scale: f64, weights: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let d = x[i] - y[i];
        s += weights[i] * d * d;
    }
    (s + 1.0).ln() * scale
}

fn weighted_distance_dual(x: &[D], y: &[D], scale: D, weights: &[f64]) -> D {
    let mut s = D::cst(0.0);
    for i in 0..x.len() {
        let d = x[i] - y[i];
        s += weights[i] * d * d;
    }
    (s + 1.0).ln() * scale
}

#[differentiable]
fn slice_only(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for &v in x {
        s = s * v.cos() + v;
    }
    s
}

#[test]
fn into_form_gives_the_same_numbers() {
    for seed in 0..4 {
        let n = 1 + 3 * seed as usize;
        let x = sequence(seed, n, -2.0, 2.0);
        let y = sequence(seed + 10, n, -2.0, 2.0);
        let weights = sequence(seed + 20, n, 0.0, 1.0);
        let scale = 1.5 - seed as f64;
        check_at(
            "weighted_distance",
            &format!("({x:?}, {y:?}, {scale})"),
            weighted_distance(&x, &y, scale, &weights),
            weighted_distance_value_and_grad(&x, &y, scale, &weights),
            weighted_distance_grad(&x, &y, scale, &weights),
            |s| {
                let next = &mut 0;
                let xd = x.seed(s, next);
                let yd = y.seed(s, next);
                let sd = scale.seed(s, next);
                weighted_distance_dual(&xd, &yd, sd, &weights)
            },
        );

        // Buffers full of garbage are overwritten, not added to.
        let mut gx = vec![f64::NAN; n];
        let mut gy = vec![1e300; n];
        let (v, gs) =
            weighted_distance_value_and_grad_into(&x, &y, scale, &weights, &mut gx, &mut gy);
        let expected = weighted_distance_value_and_grad(&x, &y, scale, &weights);
        assert_same_grad(
            &(v, (gx, gy, gs)),
            &expected,
            "weighted_distance_value_and_grad_into",
        );

        let mut g = vec![-7.0; n];
        let v = slice_only_value_and_grad_into(&x, &mut g);
        assert_same_grad(
            &(v, g),
            &slice_only_value_and_grad(&x),
            "slice_only_value_and_grad_into",
        );
        // A buffer slice of a larger allocation.
        let mut big = vec![0.0; n + 4];
        let v = slice_only_value_and_grad_into(&x, &mut big[2..n + 2]);
        assert_same_grad(
            &(v, &big[2..n + 2]),
            &slice_only_value_and_grad(&x),
            "slice_only_value_and_grad_into (sub-slice)",
        );
        assert_eq!(
            (big[0], big[1], big[n + 2], big[n + 3]),
            (0.0, 0.0, 0.0, 0.0)
        );
    }
}

#[test]
fn into_form_writes_array_gradients_into_buffers_too() {
    let a = [0.5, -1.0];
    let b = [1.0, 2.0, -0.5];
    let m = [[0.25, -0.75], [1.5, 0.1]];
    let (s, v) = (sequence(1, 7, -1.0, 1.0), sequence(2, 3, -1.0, 1.0));
    for x in [-0.4, 1.3] {
        // Buffers full of garbage are overwritten, not added to.
        let (mut ga, mut gb, mut gm) = ([f64::NAN; 2], [1e300; 3], [[-3.0; 2]; 2]);
        let (mut gs, mut gv) = (vec![f64::NAN; s.len()], vec![7.0; v.len()]);
        let (value, gx) = shapes_value_and_grad_into(
            a, &b, &m, &s, &v, x, &mut ga, &mut gb, &mut gm, &mut gs, &mut gv,
        );
        assert_same_grad(
            &(value, (ga, gb, gm, gs, gv, gx)),
            &shapes_value_and_grad(a, &b, &m, &s, &v, x),
            "shapes_value_and_grad_into",
        );
    }

    // With one array parameter the signature is the driver's `FnMut(&P, &mut P) -> T`.
    let x = [0.3, -1.2, 0.8, 2.0, -0.5, 0.1, 1.1, -0.9];
    let mut g = [f64::NAN; 8];
    let value = laplacian_energy_value_and_grad_into(&x, &mut g);
    assert_same_grad(
        &(value, g),
        &laplacian_energy_value_and_grad(&x),
        "laplacian_energy_value_and_grad_into",
    );
    let adam = || autodiff::optim::Adam::new(0.05).unwrap();
    let into = autodiff::minimize::Minimize::new(laplacian_energy_value_and_grad_into, x, adam())
        .max_steps(50)
        .run()
        .unwrap();
    let returned = autodiff::minimize::Minimize::with_value_and_grad(
        laplacian_energy_value_and_grad,
        x,
        adam(),
    )
    .max_steps(50)
    .run()
    .unwrap();
    assert_eq!(into, returned);
    assert!(into.loss.unwrap() < laplacian_energy(&x));
}

/// Names the `_into` form's buffers would take: a parameter `grad_x` (the buffer for `x`
/// becomes `grad_x_2`) and a local `grad_x_2` (renamed in the generated body).
#[differentiable]
fn names_like_buffers(x: &[f64; 2], grad_x: f64, s: &[f64]) -> f64 {
    let grad_x_2 = x[0] * x[1] + s[0];
    let grad_s = grad_x_2 * grad_x;
    grad_s * x[0]
}

#[test]
fn into_buffers_never_collide_with_the_functions_own_names() {
    let (x, s) = ([0.5, -1.5], [2.0, 1.0]);
    let (mut gx, mut gs) = ([f64::NAN; 2], [f64::NAN; 2]);
    let (value, g_grad_x) = names_like_buffers_value_and_grad_into(&x, 3.0, &s, &mut gx, &mut gs);
    assert_same_grad(
        &(value, (gx, g_grad_x, gs)),
        &names_like_buffers_value_and_grad(&x, 3.0, &s),
        "names_like_buffers_value_and_grad_into",
    );
}

#[test]
#[should_panic(expected = "`grad_x` must have the length of `x`")]
fn into_form_rejects_a_short_buffer() {
    let x = [1.0, 2.0, 3.0];
    let mut g = [0.0; 2];
    slice_only_value_and_grad_into(&x, &mut g);
}

#[test]
#[should_panic(expected = "`grad_x` must have the length of `x`")]
fn into_form_rejects_a_long_buffer() {
    let x = [1.0, 2.0, 3.0];
    let mut g = [0.0; 4];
    slice_only_value_and_grad_into(&x, &mut g);
}

#[test]
#[should_panic(expected = "`grad_y` must have the length of `y`")]
fn into_form_checks_every_buffer() {
    let x = vec![1.0, 2.0];
    let y = vec![0.5, 0.5];
    let (mut gx, mut gy) = ([0.0; 2], [0.0; 1]);
    weighted_distance_value_and_grad_into(&x, &y, 1.0, &[1.0, 1.0], &mut gx, &mut gy);
}

// ---------------------------------------------------------------------------------------
// `f32`.
// ---------------------------------------------------------------------------------------

#[differentiable]
fn softplus_sum_f32(x: &[f32], w: [f32; 2]) -> f32 {
    let mut s = 0.0;
    for (i, &v) in x.iter().enumerate() {
        let z = w[i % 2] * v;
        s += if z > 0.0 {
            z + (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
    }
    s
}

fn softplus_sum_dual(x: &[D], w: &[D]) -> D {
    let mut s = D::cst(0.0);
    for (i, &v) in x.iter().enumerate() {
        let z = w[i % 2] * v;
        s += if z > 0.0 {
            z + (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
    }
    s
}

#[test]
fn f32_slices_and_arrays() {
    for seed in 0..4 {
        let x: Vec<f32> = sequence(seed, 6, -3.0, 3.0)
            .iter()
            .map(|v| *v as f32)
            .collect();
        let w = [0.5f32 - seed as f32, 1.25];
        let (v, (gx, gw)): (f32, (Vec<f32>, [f32; 2])) = softplus_sum_f32_value_and_grad(&x, w);
        check_at(
            "softplus_sum_f32",
            &format!("({x:?}, {w:?})"),
            softplus_sum_f32(&x, w),
            (v, (gx.clone(), gw)),
            softplus_sum_f32_grad(&x, w),
            |s| {
                let next = &mut 0;
                let xd = x.seed(s, next);
                let wd = w.seed(s, next);
                softplus_sum_dual(&xd, &wd)
            },
        );
        let mut buffer = vec![0.0f32; x.len()];
        let mut gw_into = [f32::NAN; 2];
        let v_into = softplus_sum_f32_value_and_grad_into(&x, w, &mut buffer, &mut gw_into);
        assert_eq!(v_into.to_bits(), v.to_bits());
        assert_eq!(buffer, gx);
        assert_eq!(gw_into, gw);
    }
}

// ---------------------------------------------------------------------------------------
// Bounds: slice indices every iteration uses are checked once, before the loop; a loop
// that would run past the end panics as the function itself does, and a guarded index is
// left to its guard.
// ---------------------------------------------------------------------------------------

#[differentiable]
fn sum_of_neighbours(x: &[f64], n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[i + 1];
    }
    s
}

#[test]
fn a_loop_within_bounds_differentiates_normally() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let (f, g) = sum_of_neighbours_value_and_grad(&x, 3);
    assert_eq!(f, sum_of_neighbours(&x, 3));
    assert_eq!(g, vec![2.0, 4.0, 6.0, 3.0]);
    // An empty loop checks nothing, even on an empty slice.
    assert_eq!(sum_of_neighbours_grad(&[], 0), Vec::<f64>::new());
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 4 but the index is 4")]
fn a_loop_past_the_end_panics_like_the_function() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let _ = sum_of_neighbours_grad(&x, 4);
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 4 but the index is 4")]
fn the_function_itself_panics_on_the_same_index() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let _ = sum_of_neighbours(&x, 4);
}

#[differentiable]
fn guarded_sum(x: &[f64], n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        if i < x.len() {
            s += x[i] * x[i];
        }
    }
    s
}

#[test]
fn a_guarded_index_is_not_checked_ahead() {
    let x = [1.0, 2.0];
    let (f, g) = guarded_sum_value_and_grad(&x, 5);
    assert_eq!(f, 5.0);
    assert_eq!(g, vec![2.0, 4.0]);
}

// Over a fixed-size array's length the gradient's carried sums are written for the
// vectoriser (positive literals, a power of two merged into the other literal); over a
// slice they stay as reverse mode forms them. The rewrites are exact: the two forms give
// the same bits, for literals that are powers of two or not, positive or negative.
macro_rules! neighbour_chain {
    ($array:ident, $slice:ident, |$a:ident, $b:ident| $term:expr) => {
        #[differentiable]
        fn $array(x: &[f64; 12]) -> f64 {
            let mut s = 0.0;
            for i in 0..x.len() - 1 {
                let $a = 1.0 - x[i];
                let $b = x[i + 1] - x[i] * x[i];
                s += $term;
            }
            s
        }

        #[differentiable]
        fn $slice(x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..x.len() - 1 {
                let $a = 1.0 - x[i];
                let $b = x[i + 1] - x[i] * x[i];
                s += $term;
            }
            s
        }
    };
}

neighbour_chain!(rosenbrock_array, rosenbrock_slice, |a, b| a * a
    + 100.0 * b * b);
neighbour_chain!(scaled_array, scaled_slice, |a, b| 0.25 * a * a
    - 3.0 * b * b);
neighbour_chain!(mixed_array, mixed_slice, |a, b| 8.0 * a * b
    + 0.1 * b * b * b);

#[test]
fn sums_arranged_for_the_vectoriser_give_the_same_bits() {
    type Pair = (
        fn(&[f64; 12]) -> (f64, [f64; 12]),
        fn(&[f64]) -> (f64, Vec<f64>),
    );
    let pairs: [(&str, Pair); 3] = [
        (
            "rosenbrock",
            (
                rosenbrock_array_value_and_grad,
                rosenbrock_slice_value_and_grad,
            ),
        ),
        (
            "scaled",
            (scaled_array_value_and_grad, scaled_slice_value_and_grad),
        ),
        (
            "mixed",
            (mixed_array_value_and_grad, mixed_slice_value_and_grad),
        ),
    ];
    for (name, (on_array, on_slice)) in pairs {
        for seed in 0..200 {
            let x: [f64; 12] = array(seed, -3.0, 3.0);
            let (fa, ga) = on_array(&x);
            let (fs, gs) = on_slice(&x);
            assert_eq!(fa.to_bits(), fs.to_bits(), "{name}: value at seed {seed}");
            for (i, (p, q)) in ga.iter().zip(&gs).enumerate() {
                assert_eq!(p.to_bits(), q.to_bits(), "{name}: d_x[{i}] at seed {seed}");
            }
        }
    }
}
