use autodiff::differentiable;

#[differentiable]
fn scale(x: f64, factor: f32) -> f64 {
    x * factor as f64
}

fn main() {}
