//! Associated functions in an `impl` block calling each other through `Self::`.

use autodiff::differentiable;

struct Model;

impl Model {
    #[differentiable]
    fn activation(z: f64) -> f64 {
        z.tanh()
    }

    #[differentiable]
    fn neuron(w: f64, x: f64, b: f64) -> f64 {
        Self::activation(w * x + b)
    }

    #[differentiable]
    fn loss(w: f64, x: f64, b: f64, target: f64) -> f64 {
        let e = Model::neuron(w, x, b) - target;
        e * e
    }
}

fn main() {
    let (w, x, b, target) = (0.5, 2.0, -0.25, 0.1);
    let z: f64 = w * x + b;
    let a = z.tanh();
    let da = 1.0 - a * a;
    let (v, (dw, dx, db, dt)) = Model::loss_value_and_grad(w, x, b, target);
    let e = a - target;
    assert!((v - e * e).abs() < 1e-15);
    assert!((dw - 2.0 * e * da * x).abs() < 1e-15);
    assert!((dx - 2.0 * e * da * w).abs() < 1e-15);
    assert!((db - 2.0 * e * da).abs() < 1e-15);
    assert!((dt + 2.0 * e).abs() < 1e-15);
    assert!((Model::neuron_grad(w, x, b).2 - da).abs() < 1e-15);
}
