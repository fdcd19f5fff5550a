use autodiff::differentiable;

#[differentiable]
fn scaled(x: f64, n: i32) -> f64 {
    f64::from(n) * x
}

fn main() {}
