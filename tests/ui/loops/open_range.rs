use autodiff::differentiable;

#[differentiable]
fn doublings(x: f64) -> f64 {
    let mut y = x;
    for _ in 0.. {
        if y > 100.0 {
            break;
        }
        y = 2.0 * y;
    }
    y
}

fn main() {}
