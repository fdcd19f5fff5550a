use autodiff::differentiable;

#[differentiable]
fn sin_times_cos(x: f64) -> f64 {
    let (s, c) = x.sin_cos();
    s * c
}

fn main() {}
