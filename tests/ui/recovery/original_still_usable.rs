use autodiff::differentiable;

#[differentiable]
fn logged_square(x: f64) -> f64 {
    println!("x = {x}");
    x * x
}

fn main() {
    // Only the `println!` is reported: `logged_square` itself compiles, and the generated
    // functions exist (as stubs), so these calls add no "cannot find function" errors.
    let y: f64 = logged_square(3.0);
    let dy: f64 = logged_square_grad(3.0);
    let (v, d): (f64, f64) = logged_square_value_and_grad(3.0);
    let _ = (y, dy, v, d);
}
