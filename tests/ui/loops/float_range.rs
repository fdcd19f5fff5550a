use autodiff::differentiable;

#[differentiable]
fn riemann(x: f64) -> f64 {
    let mut s = 0.0;
    for t in 0.0..x {
        s += t;
    }
    s
}

fn main() {}
