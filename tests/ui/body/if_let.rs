use autodiff::differentiable;

const OFFSET: Option<f64> = Some(1.5);

#[differentiable]
fn shifted(x: f64) -> f64 {
    if let Some(o) = OFFSET { x + o } else { x }
}

fn main() {}
