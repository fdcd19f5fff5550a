use autodiff::differentiable;

const WEIGHTS: [f64; 3] = [0.5, 1.0, 2.0];

#[differentiable]
fn weighted(x: f64, i: usize) -> f64 {
    WEIGHTS[i] * x
}

fn main() {}
