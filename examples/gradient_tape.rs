//! TensorFlow's `GradientTape`, in Rust (seed 000): minimise `(x - 4)²` by gradient steps
//! until the error is small, then take the gradients of an intermediate value `z = x - 4`
//! and of `y = z²` with respect to `x` — what TensorFlow needs a persistent tape for.
//!
//! Run with `cargo run --example gradient_tape`.

use autodiff::differentiable;

/// The loss: `(x - 4)²`.
#[differentiable]
fn loss(x: f64) -> f64 {
    (x - 4.0).powi(2)
}

/// The intermediate value `z = x - 4`.
#[differentiable]
fn z(x: f64) -> f64 {
    x - 4.0
}

/// `y = z²`, built on `z` (the gradient flows through the call).
#[differentiable]
fn y(x: f64) -> f64 {
    let z = z(x);
    z * z
}

fn main() {
    // Gradient descent until the loss is below the tolerance (TensorFlow's
    // `opt.minimize(loss_function, var_list=[x])` in a loop, with SGD(0.1)).
    let learning_rate = 0.1;
    let tolerance = 1e-6;
    let max_iterations = 1000;
    let mut x = 0.0;
    let mut iteration = 0;
    println!("iteration        x             loss          gradient");
    loop {
        let (value, gradient) = loss_value_and_grad(x);
        println!("{iteration:>9} {x:>13.8} {value:>13.8e} {gradient:>13.8}");
        if value < tolerance || iteration == max_iterations {
            break;
        }
        x -= learning_rate * gradient;
        iteration += 1;
    }
    println!(
        "converged to x = {x:.6} after {iteration} iterations (loss {:.3e})",
        loss(x)
    );

    // Gradients of an intermediate value and of the output, from one point: no tape to
    // keep alive and nothing to delete afterwards.
    let at = 1.0;
    let grad_z = z_grad(at);
    let grad_y = y_grad(at);
    println!(
        "at x = {at}: z = {}, dz/dx = {grad_z}; y = {}, dy/dx = {grad_y}",
        z(at),
        y(at)
    );
    assert_eq!(grad_z, 1.0);
    assert_eq!(grad_y, 2.0 * (at - 4.0));
}
