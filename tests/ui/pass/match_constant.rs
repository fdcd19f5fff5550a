//! Constants in `match` patterns, compared with as in Rust (not bound as new names);
//! negative literals and `k @ range` bindings.

use autodiff::differentiable;

const LINEAR: u8 = 0;
const QUADRATIC: u8 = 1;

mod modes {
    pub const CUBIC: u8 = 2;
}

#[differentiable]
fn shaped(x: f64, mode: u8) -> f64 {
    match mode {
        LINEAR => x,
        QUADRATIC => x * x,
        modes::CUBIC => x * x * x,
        _ => 0.0,
    }
}

#[differentiable]
fn stepped(x: f64, n: i32) -> f64 {
    match n {
        -1 => -x,
        i32::MIN..=-2 => 0.0,
        k @ 1..=9 => x * k as f64,
        _ => x * x,
    }
}

fn main() {
    assert_eq!(shaped_value_and_grad(2.0, LINEAR), (2.0, 1.0));
    assert_eq!(shaped_value_and_grad(2.0, QUADRATIC), (4.0, 4.0));
    assert_eq!(shaped_value_and_grad(2.0, modes::CUBIC), (8.0, 12.0));
    assert_eq!(shaped_value_and_grad(2.0, 7), (0.0, 0.0));
    assert_eq!(stepped_value_and_grad(3.0, -1), (-3.0, -1.0));
    assert_eq!(stepped_value_and_grad(3.0, -7), (0.0, 0.0));
    assert_eq!(stepped_value_and_grad(3.0, 4), (12.0, 4.0));
    assert_eq!(stepped_value_and_grad(3.0, 0), (9.0, 6.0));
}
