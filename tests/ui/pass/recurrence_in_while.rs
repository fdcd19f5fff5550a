//! A value carried through an array element and overwritten every iteration of a `while`
//! loop: the reverse sweep saves what each iteration read.

use autodiff::differentiable;

#[differentiable]
fn recurrence(x: &[f64]) -> f64 {
    let mut h = [1.0; 1];
    let mut i = 0;
    while i < x.len() {
        h[0] = h[0] * x[i] + 1.0;
        i += 1;
    }
    h[0]
}

fn main() {
    // h = (a + 1) b + 1: ∂a = b, ∂b = a + 1.
    let (v, g) = recurrence_value_and_grad(&[2.0, 3.0]);
    assert_eq!(v, 10.0);
    assert_eq!(g, vec![3.0, 3.0]);
}
