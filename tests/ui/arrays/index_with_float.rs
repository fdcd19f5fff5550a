use autodiff::differentiable;

#[differentiable(wrt(x))]
fn pick(x: &[f64], t: f64) -> f64 {
    2.0 * x[t]
}

fn main() {}
