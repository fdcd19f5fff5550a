use autodiff::differentiable;

struct Spring {
    k: f64,
}

impl Spring {
    #[differentiable]
    fn energy(&self, x: f64) -> f64 {
        0.5 * self.k * x * x
    }

    #[differentiable]
    fn total(&self, x: f64, y: f64) -> f64 {
        self.energy(x) + self.energy(y)
    }
}

fn main() {}
