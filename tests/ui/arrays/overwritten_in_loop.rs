use autodiff::differentiable;

#[differentiable]
fn recurrence(x: &[f64]) -> f64 {
    let mut h = [1.0; 1];
    let mut i = 0;
    while i < x.len() {
        h[0] = h[0] * x[i] + 1.0;
        i += 1;
    }
    h[0]
}

fn main() {}
