use autodiff::differentiable;

#[differentiable]
fn product(x: &[f64; 2]) -> f64 {
    let y = *x;
    y[0] * y[1]
}

fn main() {}
