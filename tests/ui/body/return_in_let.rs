use autodiff::differentiable;

#[differentiable]
fn safe_sqrt(x: f64) -> f64 {
    let root = if x < 0.0 { return 0.0 } else { x.sqrt() };
    root * 2.0
}

fn main() {}
