use autodiff::differentiable;

#[differentiable]
fn square(x: f64) -> f64 {
    let r = &x;
    r * r
}

fn main() {}
