use autodiff::differentiable;

#[differentiable]
fn power(x: f64) -> f64 {
    x.powi(2.5)
}

fn main() {}
