use autodiff::differentiable;

#[differentiable]
fn sum_of_squares(x: f64, y: f64) -> f64 {
    let sq = |t: f64| t * t;
    sq(x) + sq(y)
}

fn main() {}
