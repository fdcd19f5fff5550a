use autodiff::differentiable;

#[differentiable]
fn labelled(x: f64, _label: String) -> f64 {
    x * x
}

fn main() {}
