//! Raw identifiers as parameter names (and in `wrt`) compile, and the functions keep their
//! values. The gradients with respect to raw-identifier float parameters are a known bug
//! (they come out as zero): see `tests/ui/wrong_gradient/raw_identifier_param.rs`; raw
//! identifiers as local variables do not compile: `tests/ui/known_bugs/`.

use autodiff::differentiable;

#[differentiable(wrt(x))]
fn power(x: f64, r#in: i32) -> f64 {
    x.powi(r#in)
}

#[differentiable(wrt(r#fn))]
fn product(r#fn: f64, r#in: f64) -> f64 {
    r#fn * r#in * r#fn
}

fn main() {
    assert_eq!(power_value_and_grad(3.0, 2), (9.0, 6.0));
    assert_eq!(product(3.0, 5.0), 45.0);
    assert_eq!(product_value_and_grad(3.0, 5.0).0, 45.0);
}
