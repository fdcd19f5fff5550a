use autodiff::differentiable;

#[differentiable(wrt(x), wrt(y))]
fn product(x: f64, y: f64, z: f64) -> f64 {
    x * y * z
}

fn main() {}
