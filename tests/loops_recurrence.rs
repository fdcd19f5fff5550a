//! Recurrences through local arrays: each iteration reads what the previous one wrote
//! (`c[i] = c[i - 1] * x[i]`), so the reverse sweep must save the values it reads; against
//! hand-written derivatives, for constant and run-time trip counts and a `while` loop.

use autodiff::differentiable;

#[differentiable]
fn prefix_products(x: &[f64; 5]) -> f64 {
    let mut c = [0.0; 5];
    c[0] = x[0];
    for i in 1..5 {
        c[i] = c[i - 1] * x[i];
    }
    c[4] + c[2]
}

#[differentiable]
fn prefix_products_slice(x: &[f64]) -> f64 {
    let mut c = [0.0; 16];
    c[0] = x[0];
    for i in 1..x.len() {
        c[i] = c[i - 1] * x[i];
    }
    c[x.len() - 1]
}

#[differentiable]
fn prefix_products_while(x: &[f64; 4]) -> f64 {
    let mut c = [0.0; 4];
    c[0] = x[0];
    let mut i = 1;
    while i < 4 {
        c[i] = c[i - 1] * x[i];
        i += 1;
    }
    c[3]
}

/// ∂/∂x_k of Π_{j<n} x_j.
fn product_gradient(x: &[f64], n: usize) -> Vec<f64> {
    (0..x.len())
        .map(|k| {
            if k < n {
                (0..n).filter(|j| *j != k).map(|j| x[j]).product()
            } else {
                0.0
            }
        })
        .collect()
}

fn assert_close(got: &[f64], want: &[f64]) {
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= 1e-12 * w.abs().max(1.0),
            "{got:?} vs {want:?}"
        );
    }
}

#[test]
fn a_recurrence_with_a_constant_trip_count() {
    for x in [[1.1, 0.9, 1.2, 0.8, 1.05], [-0.5, 2.0, 0.25, -1.5, 3.0]] {
        let (v, g) = prefix_products_value_and_grad(&x);
        assert_eq!(v, prefix_products(&x));
        let want: Vec<f64> = product_gradient(&x, 5)
            .iter()
            .zip(product_gradient(&x, 3))
            .map(|(a, b)| a + b)
            .collect();
        assert_close(&g, &want);
    }
}

#[test]
fn a_recurrence_with_a_run_time_trip_count() {
    for n in [1, 2, 7, 16] {
        let x: Vec<f64> = (0..n).map(|i| 0.8 + 0.05 * i as f64).collect();
        let (v, g) = prefix_products_slice_value_and_grad(&x);
        assert_eq!(v, prefix_products_slice(&x));
        assert_close(&g, &product_gradient(&x, n));
    }
}

#[test]
fn a_recurrence_in_a_while_loop() {
    let x = [1.5, -0.5, 2.0, 0.75];
    let (v, g) = prefix_products_while_value_and_grad(&x);
    assert_eq!(v, prefix_products_while(&x));
    assert_close(&g, &product_gradient(&x, 4));
}
