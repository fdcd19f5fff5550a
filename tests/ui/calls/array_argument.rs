use autodiff::differentiable;

#[differentiable]
fn sum_of_squares(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in x.iter() {
        s += v * v;
    }
    s
}

#[differentiable]
fn twice(x: &[f64]) -> f64 {
    2.0 * sum_of_squares(x)
}

fn main() {}
