use autodiff::differentiable;

static mut LAST_INPUT: f64 = 0.0;

#[differentiable]
fn remembered(x: f64) -> f64 {
    LAST_INPUT = x;
    x * x
}

fn main() {}
