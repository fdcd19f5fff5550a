//! Calls to `#[differentiable]` functions through module paths, `crate::` and `super::`.

use autodiff::differentiable;

mod geometry {
    use autodiff::differentiable;

    #[differentiable]
    pub fn square(t: f64) -> f64 {
        t * t
    }

    pub mod nested {
        use autodiff::differentiable;

        #[differentiable]
        pub fn norm(x: f64, y: f64) -> f64 {
            (super::square(x) + crate::geometry::square(y)).sqrt()
        }
    }
}

#[differentiable]
fn scaled_norm(x: f64, y: f64, s: f64) -> f64 {
    s * geometry::nested::norm(x, y)
}

fn main() {
    let (v, (dx, dy, ds)) = scaled_norm_value_and_grad(3.0, 4.0, 2.0);
    assert_eq!(v, 10.0);
    // d/dx s·√(x² + y²) = s·x/√(x² + y²).
    assert!((dx - 1.2).abs() < 1e-15 && (dy - 1.6).abs() < 1e-15);
    assert_eq!(ds, 5.0);
    assert_eq!(geometry::square_grad(3.0), 6.0);
}
