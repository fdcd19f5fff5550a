use autodiff::differentiable;

#[differentiable]
fn total(x: &[f64]) -> f64 {
    let mut s = 0.0;
    'sum: for i in 0..x.len() {
        s += x[i];
    }
    s
}

fn main() {}
