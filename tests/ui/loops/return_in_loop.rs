use autodiff::differentiable;

#[differentiable]
fn first_large(x: &[f64]) -> f64 {
    for v in x.iter() {
        if *v > 1.0 {
            return *v;
        }
    }
    0.0
}

fn main() {}
