use autodiff::differentiable;

#[differentiable]
fn norm2(v: &[f64; 2]) -> f64 {
    v[0] * v[0] + v[1] * v[1]
}

#[differentiable]
fn scaled_norm2(v: [f64; 2], s: f64) -> f64 {
    s * norm2(&v)
}

fn main() {}
