//! Arrays: `[T; N]` by value, `&[[T; M]; N]` (nested indexing `w[j][k]`), local arrays
//! with element assignment and compound assignment, local arrays from a list of values,
//! `f32` arrays. Array gradients are arrays.

use autodiff::differentiable;

/// A 2×2 tanh layer followed by a sum of squares.
#[differentiable]
fn layer(w: &[[f64; 2]; 2], x: [f64; 2]) -> f64 {
    let mut h = [0.0; 2];
    for j in 0..2 {
        let mut z = w[j][0] * x[0];
        for k in 1..2 {
            z += w[j][k] * x[k];
        }
        h[j] = z.tanh();
    }
    h[0] * h[0] + h[1] * h[1]
}

/// The same layer, accumulating into an array of pre-activations.
#[differentiable]
fn layer_accumulated(w: &[[f64; 2]; 2], x: [f64; 2]) -> f64 {
    let mut z = [0.0; 2];
    let mut h = [0.0; 2];
    for j in 0..2 {
        for k in 0..2 {
            z[j] += w[j][k] * x[k];
        }
        h[j] = z[j].tanh();
    }
    h[0] * h[0] + h[1] * h[1]
}

/// A local array built from values, read back by index, with compound assignment.
#[differentiable]
fn listed(a: f64, b: f64) -> f64 {
    let mut v = [a * b, a + b, 2.0];
    v[1] += a; // 2a + b
    v[0] *= v[2]; // 2ab
    v[0] + v[1]
}

/// `f32` throughout: an array by value and a slice of data.
#[differentiable(wrt(x))]
fn weighted(x: [f32; 2], w: &[f32]) -> f32 {
    x[0] * w[0] + x[1] * x[1] * w[1]
}

fn main() {
    // With w = 0 the layer is 0 and so is every derivative.
    let (v, (gw, gx)) = layer_value_and_grad(&[[0.0; 2]; 2], [1.0, 2.0]);
    assert_eq!(v, 0.0);
    assert_eq!(gw, [[0.0; 2]; 2]);
    assert_eq!(gx, [0.0; 2]);
    // w = I: h = tanh(x), value Σ tanh(x)², d/dx = 2 tanh(x)(1 - tanh²(x)),
    // d/dw[j][k] = 2 h_j (1 - h_j²) x_k.
    let x = [0.5_f64, -0.25];
    let (v, (gw, gx)) = layer_value_and_grad(&[[1.0, 0.0], [0.0, 1.0]], x);
    let h = [x[0].tanh(), x[1].tanh()];
    let d = [2.0 * h[0] * (1.0 - h[0] * h[0]), 2.0 * h[1] * (1.0 - h[1] * h[1])];
    assert!((v - (h[0] * h[0] + h[1] * h[1])).abs() < 1e-15);
    for j in 0..2 {
        assert!((gx[j] - d[j]).abs() < 1e-15);
        for k in 0..2 {
            assert!((gw[j][k] - d[j] * x[k]).abs() < 1e-15);
        }
    }

    let w = [[0.5, -1.0], [2.0, 0.25]];
    let (v, (gw, gx)) = layer_value_and_grad(&w, x);
    let (va, (gwa, gxa)) = layer_accumulated_value_and_grad(&w, x);
    assert!((v - va).abs() < 1e-15);
    for j in 0..2 {
        assert!((gx[j] - gxa[j]).abs() < 1e-15);
        for k in 0..2 {
            assert!((gw[j][k] - gwa[j][k]).abs() < 1e-15);
        }
    }

    let g: [f32; 2] = weighted_grad([1.0, 2.0], &[3.0, 4.0]);
    assert_eq!(g, [3.0, 16.0]);

    // 2ab + 2a + b.
    assert_eq!(listed_value_and_grad(3.0, 5.0), (41.0, (12.0, 7.0)));
}
