use autodiff::differentiable;

#[differentiable]
fn alternating(x: f64, n: u32) -> f64 {
    if n & 1 == 1 { -x } else { x }
}

fn main() {}
