//! Gradient-based optimisation of `f(w) = w² + 3w - 5` (seed 002, where the gradient is
//! first written by hand and then taken with JAX's `grad`): here `#[differentiable]`
//! writes `f'` at compile time.
//!
//! Run with `cargo run --example gradient_descent`.

use autodiff::differentiable;

/// `f(w) = w² + 3w - 5`, minimised at `w = -1.5`.
#[differentiable]
fn f(w: f64) -> f64 {
    w * w + 3.0 * w - 5.0
}

/// The same function in single precision (JAX computes in `float32` by default).
#[differentiable]
fn f32_version(w: f32) -> f32 {
    w * w + 3.0 * w - 5.0
}

fn main() {
    println!("f(2.5)  = {}", f(2.5));
    println!("f'(2.5) = {}", f_grad(2.5));
    assert_eq!(f(2.5), 8.75);
    assert_eq!(f_grad(2.5), 8.0);

    // 1000 small steps against the gradient, from w = 10 (f64, the hand-written version).
    let mut w = 10.0_f64;
    for _ in 0..1000 {
        w -= f_grad(w) * 0.01;
    }
    println!("f64, from 10.0:  w = {w}");

    // The same from w = -10 in f32, like the JAX version of the notebook.
    let mut w32 = -10.0_f32;
    for _ in 0..1000 {
        w32 -= f32_version_grad(w32) * 0.01;
    }
    println!("f32, from -10.0: w = {w32}");
    assert!((w + 1.5).abs() < 1e-7 && (w32 + 1.5).abs() < 1e-4);
}
