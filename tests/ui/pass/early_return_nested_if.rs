//! Early `return`s inside nested `if`s, with the rest of the function after them.

use autodiff::differentiable;

#[differentiable]
fn piecewise(x: f64, y: f64) -> f64 {
    let mut acc = x * y;
    if x > 0.0 {
        if y > 0.0 {
            return acc.sqrt();
        }
        acc = acc * 2.0;
    } else if y < -1.0 {
        return x - y;
    }
    acc + x * x
}

fn main() {
    // x > 0, y > 0: sqrt(x y).
    let (v, (dx, dy)) = piecewise_value_and_grad(4.0, 9.0);
    assert_eq!(v, 6.0);
    assert_eq!((dx, dy), (0.75, 1.0 / 3.0));
    // x > 0, y <= 0: 2 x y + x².
    assert_eq!(piecewise_value_and_grad(2.0, -1.0), (0.0, (2.0, 4.0)));
    // x <= 0, y < -1: x - y.
    assert_eq!(piecewise_grad(-1.0, -2.0), (1.0, -1.0));
    // x <= 0, y >= -1: x y + x².
    assert_eq!(piecewise_value_and_grad(-1.0, 0.5), (0.5, (-1.5, -1.0)));
}
