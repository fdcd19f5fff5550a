use autodiff::differentiable;

fn sum3(v: [f64; 3]) -> f64 {
    v[0] + v[1] + v[2]
}

#[differentiable]
fn total(x: f64, y: f64) -> f64 {
    sum3([x, y, 1.0])
}

fn main() {}
