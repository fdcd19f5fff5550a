//! KNOWN BUG: the gradient with respect to a raw-identifier parameter is zero (the body's
//! `r#type` is read as an outside constant, not as the parameter). Run with
//! `cargo test --test compiletest -- --ignored`; once it passes, move this file to
//! `tests/ui/pass/raw_identifier.rs`.

use autodiff::differentiable;

#[differentiable]
fn scaled(r#type: f64) -> f64 {
    r#type * 2.0
}

#[differentiable(wrt(r#fn))]
fn product(r#fn: f64, r#in: f64) -> f64 {
    r#fn * r#in * r#fn
}

fn main() {
    assert_eq!(scaled_value_and_grad(3.0), (6.0, 2.0));
    // d/dfn fn² in = 2 fn in.
    assert_eq!(product_value_and_grad(3.0, 5.0), (45.0, 30.0));
}
