//! `for` over arrays: `x.iter()`, `&x`, `for &v in x`, `.iter().enumerate()`,
//! `.iter().zip(..)`.

use autodiff::differentiable;

#[differentiable]
fn sum_of_squares(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in x.iter() {
        s += v * v;
    }
    s
}

#[differentiable]
fn dot(a: [f64; 3], b: &[f64; 3]) -> f64 {
    let mut s = 0.0;
    for (p, q) in a.iter().zip(b.iter()) {
        s += p * q;
    }
    s
}

#[differentiable]
fn weighted(x: &[f64], y: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for (i, v) in x.iter().enumerate() {
        s += (i + 1) as f64 * v;
    }
    for &v in x {
        s += v;
    }
    for v in &y {
        s -= 0.5 * v;
    }
    s
}

/// Rows of a nested array, `.zip(..)` with `.enumerate()`.
#[differentiable]
fn rows(w: &[[f64; 2]; 3], a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for row in w.iter() {
        for v in row.iter() {
            s += v * v;
        }
    }
    for (i, (p, q)) in a.iter().zip(b.iter()).enumerate() {
        s += i as f64 * p * q;
    }
    s
}

fn main() {
    assert_eq!(sum_of_squares_value_and_grad(&[1.0, -2.0, 3.0]), (14.0, vec![2.0, -4.0, 6.0]));
    assert_eq!(
        dot_value_and_grad([1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]),
        (32.0, ([4.0, 5.0, 6.0], [1.0, 2.0, 3.0]))
    );
    // Σ (i + 2) x_i - ½ Σ y_i.
    assert_eq!(weighted_grad(&[7.0, 7.0, 7.0], [1.0; 3]), (vec![2.0, 3.0, 4.0], [-0.5; 3]));
    // zip stops at the shorter slice; the gradient still has the length of each.
    let (gw, ga, gb) = rows_grad(&[[1.0, 2.0]; 3], &[1.0, 2.0, 3.0], &[5.0, 6.0]);
    assert_eq!(gw, [[2.0, 4.0]; 3]);
    assert_eq!((ga, gb), (vec![0.0, 6.0, 0.0], vec![0.0, 2.0]));
}
