use autodiff::differentiable;

#[differentiable]
fn fast_square(x: f64) -> f64 {
    unsafe { core::hint::assert_unchecked(x >= 0.0) };
    x * x
}

fn main() {}
