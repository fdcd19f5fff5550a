use autodiff::differentiable;

struct Counter {
    calls: u32,
}

impl Counter {
    #[differentiable]
    fn energy(&mut self, x: f64) -> f64 {
        0.5 * x * x
    }
}

fn main() {}
