use autodiff::differentiable;

#[differentiable]
fn scaled(x: f64) -> f64 {
    x * if x > 0.0 { return 1.0 } else { 2.0 }
}

fn main() {}
