use autodiff::differentiable;

#[differentiable]
fn product(w: [f64; 2]) -> f64 {
    let [a, b] = w;
    a * b
}

fn main() {}
