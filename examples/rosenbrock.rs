//! The front-door example: differentiate the Rosenbrock function at compile time, print
//! the derivative code the macro wrote, and minimise it with L-BFGS and with Adam.
//!
//! Run with `cargo run --example rosenbrock`.

use autodiff::differentiable;
use autodiff::minimize::{GradientNorm, Minimize};
use autodiff::optim::{Adam, Lbfgs, LineSearch};

/// The Rosenbrock function: a curved valley with its minimum at (1, 1).
#[differentiable]
fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

/// The same valley in ten dimensions, over an array: the loop becomes one pass that writes
/// each gradient element once, and `rosenbrock_nd_value_and_grad_into(x, grad_x)` is the
/// `(&P, &mut P) -> loss` form the optimizers take, as it is.
#[differentiable]
fn rosenbrock_nd(x: &[f64; 10]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        s += (1.0 - x[i]).powi(2) + 100.0 * (x[i + 1] - x[i] * x[i]).powi(2);
    }
    s
}

/// The loss and gradient in the form the optimizers take: parameters as an array.
fn objective(p: &[f64; 2], grad: &mut [f64; 2]) -> f64 {
    let (value, (dx, dy)) = rosenbrock_value_and_grad(p[0], p[1]);
    *grad = [dx, dy];
    value
}

fn main() {
    let (f, (dx, dy)) = rosenbrock_value_and_grad(-1.5, 2.0);
    println!("rosenbrock(-1.5, 2.0) = {f}, gradient = ({dx}, {dy})");
    assert_eq!((f, dx, dy), (12.5, -155.0, -50.0));

    // The derivative code the macro wrote is in the documentation of
    // `rosenbrock_value_and_grad` (`cargo doc --examples --open`), and reads like this:
    //     let t3 = 1.0 - x;
    //     let t8 = y - x * x;
    //     let d_t8 = 200.0 * t8;
    //     let d_x = -2.0 * x * d_t8 - 2.0 * t3;
    //     (t3.powi(2) + 100.0 * t8.powi(2), (d_x, d_t8))

    // One step is one PyTorch `LBFGS.step(closure)`: up to 20 iterations. PyTorch's
    // `tolerance_change` (1e-9) also bounds the directional derivative, which stalls the
    // method near 1e-10 of loss: ask for more.
    let lbfgs = Lbfgs::builder()
        .line_search(LineSearch::StrongWolfe)
        .tolerance_change(1e-20)
        .tolerance_grad(1e-12)
        .build()
        .expect("valid L-BFGS settings");
    let result = Minimize::new(objective, [-1.5, 2.0], lbfgs)
        .max_steps(50)
        .criterion(GradientNorm::max_abs(1e-8))
        .run()
        .expect("valid driver settings");
    println!(
        "L-BFGS (strong Wolfe): {:?} after {} steps, {} evaluations: x = {:?}, loss = {:e}",
        result.status,
        result.steps,
        result.evaluations,
        result.params,
        result.loss.unwrap_or(f64::NAN)
    );
    assert!((result.params[0] - 1.0).abs() < 1e-6 && (result.params[1] - 1.0).abs() < 1e-6);
    assert_eq!(rosenbrock(1.0, 1.0), 0.0);

    let adam = Adam::new(0.02).expect("valid Adam settings");
    let result = Minimize::new(objective, [-1.5, 2.0], adam)
        .max_steps(5000)
        .run()
        .expect("valid driver settings");
    println!(
        "Adam(0.02): {:?} after {} steps: x = {:?}, loss = {:e}",
        result.status,
        result.steps,
        result.params,
        result.loss.unwrap_or(f64::NAN)
    );

    let result = Minimize::new(rosenbrock_nd_value_and_grad_into, [-1.0; 10], lbfgs)
        .max_steps(100)
        .criterion(GradientNorm::max_abs(1e-8))
        .run()
        .expect("valid driver settings");
    println!(
        "10-D, L-BFGS: {:?} after {} steps: loss = {:e}",
        result.status,
        result.steps,
        result.loss.unwrap_or(f64::NAN)
    );
    assert!(result.params.iter().all(|x| (x - 1.0).abs() < 1e-6));
}
