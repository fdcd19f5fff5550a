use autodiff::differentiable;

#[differentiable]
fn report(x: f64) {
    let _y = x * x;
}

fn main() {}
