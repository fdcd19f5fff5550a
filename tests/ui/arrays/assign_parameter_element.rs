use autodiff::differentiable;

#[differentiable]
fn clipped_sum(mut x: [f64; 3]) -> f64 {
    x[0] = x[0].min(1.0);
    x[0] + x[1] + x[2]
}

fn main() {}
