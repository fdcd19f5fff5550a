use autodiff::differentiable;

#[differentiable]
fn total(x: Vec<f64>) -> f64 {
    let mut s = 0.0;
    for v in x.iter() {
        s += v;
    }
    s
}

fn main() {}
