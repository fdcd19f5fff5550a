//! `for` over ranges: `a..b` with a parameter bound, `a..=b`, `.rev()`, `.step_by(k)`,
//! nested loops, and a loop-carried product (saved for the reverse sweep).

use autodiff::differentiable;

#[differentiable]
fn power(x: f64, n: u32) -> f64 {
    let mut acc = 1.0;
    for _ in 0..n {
        acc *= x;
    }
    acc
}

#[differentiable]
fn ranges(x: f64) -> f64 {
    let mut s = 0.0;
    for k in 1..=3 {
        s += x * k as f64; // 6x
    }
    for k in (0..4).rev() {
        s += x * x * k as f64; // 6x²
    }
    for _ in (0..10).step_by(4) {
        s += x; // 3 iterations: 3x
    }
    for i in 0..2 {
        for j in 0..3 {
            s += (i * j) as f64 * x; // (0+0+0+0+1+2) x = 3x
        }
    }
    s
}

/// A loop-carried value with a literal start, through a float method.
#[differentiable]
fn iterated_sine(x: f64, n: usize) -> f64 {
    let mut s: f64 = 1.0;
    for _ in 0..n {
        s = s.sin() * x;
    }
    s
}

fn main() {
    // d/dx x^n = n x^(n-1); the empty loop gives the constant 1.
    assert_eq!(power_value_and_grad(2.0, 5), (32.0, 80.0));
    assert_eq!(power_value_and_grad(3.0, 0), (1.0, 0.0));
    assert_eq!(power_grad(-1.5, 3), 3.0 * 2.25);
    // s₁ = sin(1) x, s₂ = sin(s₁) x: ds₂/dx = cos(s₁) sin(1) x + sin(s₁).
    let x = 0.75_f64;
    let s1 = 1.0_f64.sin() * x;
    assert_eq!(iterated_sine_grad(x, 1), 1.0_f64.sin());
    let (v, d) = iterated_sine_value_and_grad(x, 2);
    assert!((v - s1.sin() * x).abs() < 1e-15);
    assert!((d - (s1.cos() * 1.0_f64.sin() * x + s1.sin())).abs() < 1e-15);
    // 12x + 6x², derivative 12 + 12x.
    assert_eq!(ranges_value_and_grad(2.0), (48.0, 36.0));
}
