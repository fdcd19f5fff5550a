use autodiff::differentiable;

#[differentiable]
fn positive_part(x: f64) -> f64 {
    if x > 0.0 {
        return x;
    }
}

fn main() {}
