use autodiff::differentiable;

trait Loss {
    fn loss(x: f64) -> f64;
}

struct Squared;

impl Loss for Squared {
    #[differentiable]
    fn loss(x: f64) -> f64 {
        x * x
    }
}

fn main() {}
