use autodiff::differentiable;

#[differentiable]
fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

#[differentiable]
fn branchy(x: f64, n: i32) -> f64 {
    let mut y = x * 2.0;
    if x > 1.0 {
        y = y.sin() * x;
    } else if n > 2 {
        return x.exp();
    }
    match n {
        0 => y * y,
        1 | 2 => y + x,
        _ => y.max(x),
    }
}

#[differentiable]
fn caller(a: f64, b: f64) -> f64 {
    rosenbrock(a, b) * a + branchy(b, 3)
}

fn main() {
    let (f, (dx, dy)) = rosenbrock_value_and_grad(-1.5, 2.0);
    println!("{f} {dx} {dy}");
    println!("{:?}", rosenbrock_grad(-1.5, 2.0));
    println!("{:?}", branchy_value_and_grad(0.5, 3));
    println!("{:?}", caller_value_and_grad(0.5, 1.5));
}
