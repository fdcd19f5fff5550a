use autodiff::differentiable;

#[differentiable]
fn normalize(x: &mut [f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    s.sqrt()
}

fn main() {}
