//! `match` on an integer with literals, ranges, `|`, guards on floats and bindings.

use autodiff::differentiable;

#[differentiable]
fn shaped(x: f64, n: i32) -> f64 {
    match n {
        0 => x,
        1 | 2 => x * x,
        k if k < 0 && x > 1.0 => x.ln(),
        3..=5 => x.sin(),
        k => k as f64 * x,
    }
}

fn main() {
    assert_eq!(shaped_value_and_grad(3.0, 0), (3.0, 1.0));
    assert_eq!(shaped_value_and_grad(3.0, 2), (9.0, 6.0));
    assert_eq!(shaped_value_and_grad(2.0, -1), (2.0_f64.ln(), 0.5));
    // The guard fails for x <= 1, and the last arm binds k = -1.
    assert_eq!(shaped_value_and_grad(0.5, -1), (-0.5, -1.0));
    assert_eq!(shaped_grad(0.25, 4), 0.25_f64.cos());
    assert_eq!(shaped_value_and_grad(2.0, 7), (14.0, 7.0));
}
