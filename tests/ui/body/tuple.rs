use autodiff::differentiable;

fn first(p: (f64, f64)) -> f64 {
    p.0
}

#[differentiable]
fn pick(x: f64, y: f64) -> f64 {
    first((x, y))
}

fn main() {}
