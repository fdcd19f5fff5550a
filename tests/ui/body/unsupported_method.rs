use autodiff::differentiable;

#[differentiable]
fn periodic(x: f64) -> f64 {
    x.rem_euclid(1.0) * x
}

fn main() {}
