//! A function generic over `T: num_traits::Float`, used at `f32` and `f64`.

use autodiff::differentiable;
use num_traits::Float;

#[differentiable]
fn softplus<T: Float>(x: T, beta: T) -> T {
    (T::one() + (beta * x).exp()).ln() / beta
}

/// A `where` clause, `T::from(..).unwrap()` for literals and casts, `T::zero()`, `wrt`.
#[differentiable(wrt(x))]
fn scaled_poly<T>(x: T, a: T, n: i32) -> T
where
    T: Float,
{
    let half = T::from(0.5).unwrap();
    T::zero() + a * x.powi(n) * half + T::from(n).unwrap() * x
}

/// A slice of `T` and a loop.
#[differentiable]
fn weighted_squares<T: Float>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        s = s + x[i] * x[i] * T::from(i + 1).unwrap();
    }
    s
}

fn main() {
    // d/dx softplus = sigmoid(βx); at x = 0: ½, for both widths.
    let (v, (dx, _)) = softplus_value_and_grad(0.0_f64, 1.0);
    assert!((v - 2.0_f64.ln()).abs() < 1e-15 && (dx - 0.5).abs() < 1e-15);
    let (v, (dx, _)) = softplus_value_and_grad(0.0_f32, 1.0);
    assert!((v - 2.0_f32.ln()).abs() < 1e-6 && (dx - 0.5).abs() < 1e-6);

    // d/dx (a xⁿ / 2 + n x) = a n xⁿ⁻¹ / 2 + n.
    assert_eq!(scaled_poly_value_and_grad(2.0_f64, 3.0, 2), (10.0, 8.0));
    assert_eq!(scaled_poly_grad(2.0_f32, 3.0, 2), 8.0_f32);

    // Σ (i + 1) xᵢ², gradient 2 (i + 1) xᵢ.
    assert_eq!(weighted_squares_value_and_grad(&[1.0_f64, 2.0]), (9.0, vec![2.0, 8.0]));
    assert_eq!(weighted_squares_grad(&[1.0_f32, 2.0]), vec![2.0_f32, 8.0]);
}
