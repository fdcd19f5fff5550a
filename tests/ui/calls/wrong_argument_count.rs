use autodiff::differentiable;

#[differentiable]
fn product(x: f64, y: f64) -> f64 {
    x * y
}

#[differentiable]
fn square(x: f64) -> f64 {
    product(x)
}

fn main() {}
