use autodiff::differentiable;

#[differentiable]
fn spread(x: f64) -> f64 {
    let mut h = [x; 3];
    h[1] = 2.0 * x;
    h[0] + h[1] + h[2]
}

fn main() {}
