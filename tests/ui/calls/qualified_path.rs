use autodiff::differentiable;

trait Square {
    fn square(self) -> Self;
}

impl Square for f64 {
    fn square(self) -> f64 {
        self * self
    }
}

#[differentiable]
fn energy(x: f64) -> f64 {
    <f64 as Square>::square(x)
}

fn main() {}
