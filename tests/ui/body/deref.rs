use autodiff::differentiable;

#[differentiable]
fn boxed_square(x: f64) -> f64 {
    let b = Box::new(x);
    *b * x
}

fn main() {}
