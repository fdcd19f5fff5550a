use autodiff::differentiable;

fn square(t: f64) -> f64 {
    t * t
}

#[differentiable]
fn sum_of_squares(x: f64, y: f64) -> f64 {
    square(x) + square(y)
}

fn main() {}
