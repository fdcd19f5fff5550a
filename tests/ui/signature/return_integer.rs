use autodiff::differentiable;

#[differentiable]
fn floor_of(x: f64) -> i32 {
    x.floor() as i32
}

fn main() {}
