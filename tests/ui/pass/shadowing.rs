//! Shadowing, reassignment, compound assignment and nested blocks.

use autodiff::differentiable;

#[differentiable]
fn layered(x: f64) -> f64 {
    let y = x * 2.0;
    let y = y + x; // 3x
    let mut z = y;
    {
        let y = 10.0; // shadows only inside the block
        z += y * 0.0;
        z *= x; // 3x²
    }
    let x = z - y; // 3x² - 3x
    x
}

fn main() {
    // d/dx (3x² - 3x) = 6x - 3.
    assert_eq!(layered_value_and_grad(2.0), (6.0, 9.0));
    assert_eq!(layered_grad(-1.0), -9.0);
}
