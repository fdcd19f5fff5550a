//! `while`, `loop`, `break` on a data-dependent condition, and `continue`.

use autodiff::differentiable;

/// Doubles `x` until it exceeds `limit` (the trip count depends on `x`).
#[differentiable(wrt(x))]
fn grow(x: f64, limit: f64) -> f64 {
    let mut y = x;
    while y < limit {
        y = y * y + 1.0;
    }
    y
}

/// Sums the positive elements, stopping at the first one above 10.
#[differentiable]
fn positive_until_large(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    loop {
        if i == x.len() {
            break;
        }
        let v = x[i];
        i += 1;
        if v < 0.0 {
            continue;
        }
        if v > 10.0 {
            break;
        }
        s += v * v;
    }
    s
}

/// A `u32` counter: the reverse sweep's tape is indexed by iteration, not by the counter.
#[differentiable]
fn iterated(x: f64, n: u32) -> f64 {
    let mut y = x;
    let mut k = 0u32;
    while k < n {
        y = y * y * 0.5 + x;
        k += 1;
    }
    y
}

fn main() {
    // x = 1: y = 2, then 5 ≥ 3. y = (x² + 1)² + 1, dy/dx = 4x (x² + 1) = 8.
    assert_eq!(grow_value_and_grad(1.0, 3.0), (5.0, 8.0));
    // Already past the limit: the identity.
    assert_eq!(grow_value_and_grad(4.0, 3.0), (4.0, 1.0));
    // y₁ = x²/2 + x, y₂ = y₁²/2 + x: dy₂/dx = y₁ (x + 1) + 1.
    assert_eq!(iterated_value_and_grad(2.0, 0), (2.0, 1.0));
    assert_eq!(iterated_value_and_grad(2.0, 1), (4.0, 3.0));
    assert_eq!(iterated_value_and_grad(2.0, 2), (10.0, 13.0));
    // -1 is skipped, 2 and 3 are summed, 20 stops the loop before 5.
    assert_eq!(
        positive_until_large_value_and_grad(&[2.0, -1.0, 3.0, 20.0, 5.0]),
        (13.0, vec![4.0, 0.0, 6.0, 0.0, 0.0])
    );
}
