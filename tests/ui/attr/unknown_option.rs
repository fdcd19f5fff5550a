use autodiff::differentiable;

#[differentiable(wrt(x), order = 2)]
fn cube(x: f64) -> f64 {
    x * x * x
}

fn main() {}
