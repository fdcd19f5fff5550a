use autodiff::differentiable;

mod shapes {
    use autodiff::differentiable;

    #[differentiable]
    fn area(r: f64) -> f64 {
        std::f64::consts::PI * r * r
    }
}

#[differentiable]
fn paint(r: f64) -> f64 {
    2.0 * shapes::area(r)
}

fn main() {}
