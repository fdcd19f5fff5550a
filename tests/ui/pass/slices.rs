//! Slices and `Vec`s: indexing by integer expressions (`x[i + 1]`, `x[(i + 1) % n]`),
//! `.len()`, gradients as `Vec`s, and the allocation-free `_value_and_grad_into` form.

use autodiff::differentiable;

/// The n-dimensional Rosenbrock function.
#[differentiable]
fn rosenbrock(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
    }
    s
}

/// A cyclic sum of products, with the data in a `&Vec` that is not differentiated.
#[differentiable(wrt(x))]
fn cyclic(x: &[f64], w: &Vec<f64>) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        s += w[i] * x[i] * x[(i + 1) % n];
    }
    s
}

fn main() {
    // At (1, 1, 1) the minimum: value and gradient 0.
    let (v, g) = rosenbrock_value_and_grad(&[1.0, 1.0, 1.0]);
    assert_eq!(v, 0.0);
    assert_eq!(g, vec![0.0, 0.0, 0.0]);
    // At (0, 1): 100 + 1; d/dx0 = -400 x0 (x1 - x0²) - 2 (1 - x0) = -2, d/dx1 = 200.
    let g: Vec<f64> = rosenbrock_grad(&[0.0, 1.0]);
    assert_eq!(g, vec![-2.0, 200.0]);
    // The allocation-free form writes into the caller's buffer.
    let mut buf = [0.0; 2];
    let v = rosenbrock_value_and_grad_into(&[0.0, 1.0], &mut buf);
    assert_eq!((v, buf), (101.0, [-2.0, 200.0]));
    // A buffer of the wrong length is a panic that names it.
    std::panic::set_hook(Box::new(|_| {}));
    let wrong = std::panic::catch_unwind(|| {
        let mut short = [0.0; 1];
        rosenbrock_value_and_grad_into(&[0.0, 1.0], &mut short)
    });
    let _ = std::panic::take_hook();
    let message = wrong.expect_err("a short buffer must panic");
    let message = message.downcast_ref::<String>().map(String::as_str).unwrap_or_default();
    assert!(message.contains("`grad_x` must have the length of `x`"), "{message}");

    // s = w0 x0 x1 + w1 x1 x2 + w2 x2 x0.
    let x = [1.0, 2.0, 3.0];
    let w = vec![1.0, 10.0, 100.0];
    let (v, g) = cyclic_value_and_grad(&x, &w);
    assert_eq!(v, 2.0 + 60.0 + 300.0);
    assert_eq!(g, vec![2.0 + 300.0, 1.0 + 30.0, 20.0 + 100.0]);
}
