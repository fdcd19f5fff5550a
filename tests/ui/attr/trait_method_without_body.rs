use autodiff::differentiable;

trait Loss {
    #[differentiable]
    fn loss(x: f64) -> f64;
}

fn main() {}
