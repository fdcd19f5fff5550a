use autodiff::differentiable;

#[differentiable]
fn logged(x: f64) -> f64 {
    println!("x = {x}");
    x * x
}

fn main() {}
