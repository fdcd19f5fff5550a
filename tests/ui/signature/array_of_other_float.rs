use autodiff::differentiable;

#[differentiable]
fn weighted(x: f64, w: &[f32]) -> f64 {
    x * w[0] as f64
}

fn main() {}
