//! Raw identifiers as parameters, locals and in `wrt(...)`: differentiated like any name.

use autodiff::differentiable;

#[differentiable]
fn scaled(r#type: f64) -> f64 {
    r#type * 2.0
}

#[differentiable(wrt(r#fn))]
fn product(r#fn: f64, r#in: f64) -> f64 {
    r#fn * r#in * r#fn
}

#[differentiable]
fn doubled_square(x: f64) -> f64 {
    let r#let = x * 2.0;
    r#let * x
}

fn main() {
    assert_eq!(scaled_value_and_grad(3.0), (6.0, 2.0));
    // d/dfn fn² in = 2 fn in.
    assert_eq!(product_value_and_grad(3.0, 5.0), (45.0, 30.0));
    // d/dx 2x² = 4x.
    assert_eq!(doubled_square_value_and_grad(1.5), (4.5, 6.0));
}
