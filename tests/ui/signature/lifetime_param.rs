use autodiff::differentiable;

#[differentiable]
fn total<'a>(x: &'a [f64]) -> f64 {
    x[0] + x[1]
}

fn main() {}
