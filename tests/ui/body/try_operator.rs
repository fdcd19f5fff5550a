use autodiff::differentiable;

fn checked_sqrt(x: f64) -> Option<f64> {
    (x >= 0.0).then(|| x.sqrt())
}

#[differentiable]
fn root(x: f64) -> f64 {
    checked_sqrt(x)?
}

fn main() {}
