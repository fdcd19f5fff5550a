use autodiff::differentiable;

#[differentiable]
fn first_above(x: f64) -> f64 {
    let mut y = x;
    loop {
        y = y * y;
        if y > 10.0 {
            break y;
        }
    }
}

fn main() {}
