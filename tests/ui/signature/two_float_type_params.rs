use autodiff::differentiable;
use num_traits::Float;

#[differentiable]
fn scale<T: Float, U: Float>(x: T, s: U) -> T {
    x * T::from(s).unwrap()
}

fn main() {}
