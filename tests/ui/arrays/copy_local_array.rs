use autodiff::differentiable;

#[differentiable]
fn shifted(x: f64) -> f64 {
    let mut h = [0.0; 2];
    h[0] = x;
    let mut g = h;
    g[1] = x * x;
    g[0] + g[1]
}

fn main() {}
