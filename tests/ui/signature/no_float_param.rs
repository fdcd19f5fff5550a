use autodiff::differentiable;

#[differentiable]
fn triangle(n: u32) -> f64 {
    (n * (n + 1) / 2) as f64
}

fn main() {}
