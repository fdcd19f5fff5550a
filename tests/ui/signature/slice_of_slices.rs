use autodiff::differentiable;

#[differentiable]
fn total(x: &[[f64]]) -> f64 {
    x[0][0]
}

fn main() {}
