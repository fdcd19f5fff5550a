//! `wrt(...)` restricts the gradient; integer and bool parameters are never differentiated.

use autodiff::differentiable;

#[differentiable(wrt(y))]
fn product(x: f64, y: f64, n: i32, negate: bool) -> f64 {
    let p = x * y * n as f64;
    if negate { -p } else { p }
}

#[differentiable(wrt(b, a))]
fn weighted(a: f32, b: f32, c: f32) -> f32 {
    a * 2.0 + b * 3.0 + c
}

fn main() {
    // One parameter: the derivative itself, not a 1-tuple.
    let dy: f64 = product_grad(2.0, 5.0, 3, false);
    assert_eq!(dy, 6.0);
    assert_eq!(product_value_and_grad(2.0, 5.0, 3, true), (-30.0, -6.0));
    // Several: a tuple in signature order, whatever the order in `wrt`.
    let (da, db): (f32, f32) = weighted_grad(1.0, 1.0, 1.0);
    assert_eq!((da, db), (2.0, 3.0));
}
