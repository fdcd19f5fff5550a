use autodiff::differentiable;

#[differentiable]
fn bump(x: &mut f64) -> f64 {
    *x += 1.0;
    *x * *x
}

fn main() {}
