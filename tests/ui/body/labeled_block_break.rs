use autodiff::differentiable;

#[differentiable]
fn clipped(x: f64) -> f64 {
    'clip: {
        if x > 1.0 {
            break 'clip 1.0;
        }
        x * x
    }
}

fn main() {}
