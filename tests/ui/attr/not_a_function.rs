use autodiff::differentiable;

#[differentiable]
struct Quadratic {
    a: f64,
    b: f64,
}

fn main() {}
