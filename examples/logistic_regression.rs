//! Logistic regression on a small data set: a loss with loops over data held by a model
//! (`&self`), weights in an array, a numerically stable log-likelihood — trained with
//! L-BFGS through `minimize`, with no allocation per step.
//!
//! Run with `cargo run --example logistic_regression`.

use autodiff::differentiable;
use autodiff::gradcheck::gradcheck;
use autodiff::minimize::{GradientNorm, Minimize};
use autodiff::optim::{Lbfgs, LineSearch};

const FEATURES: usize = 3;
const SAMPLES: usize = 200;

/// A data set of `SAMPLES` points with `FEATURES` features and 0/1 labels.
struct Model {
    x: [[f64; FEATURES]; SAMPLES],
    y: [f64; SAMPLES],
}

impl Model {
    /// The mean negative log-likelihood of labels `y` under weights `w` and bias `b`:
    /// `mean(log(1 + exp(z)) - y z)` with `z = w·x + b`, computed stably.
    #[differentiable]
    #[allow(clippy::needless_range_loop)] // indexed loops are what the macro differentiates
    fn loss(&self, w: &[f64; FEATURES], b: f64) -> f64 {
        let mut total = 0.0;
        for i in 0..SAMPLES {
            let mut z = b;
            for j in 0..FEATURES {
                z += w[j] * self.x[i][j];
            }
            // softplus(z) without overflow
            let softplus = if z > 0.0 {
                z + (-z).exp().ln_1p()
            } else {
                z.exp().ln_1p()
            };
            total += softplus - self.y[i] * z;
        }
        total / SAMPLES as f64
    }
}

/// Deterministic data: labels drawn from a known model with a little noise.
fn data() -> Model {
    let true_w = [1.5, -2.0, 0.5];
    let true_b = 0.25;
    let mut state = 42u64;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut x = [[0.0; FEATURES]; SAMPLES];
    let mut y = [0.0; SAMPLES];
    for (row, label) in x.iter_mut().zip(y.iter_mut()) {
        for v in row.iter_mut() {
            *v = 4.0 * uniform() - 2.0;
        }
        let z: f64 = true_b + row.iter().zip(&true_w).map(|(v, w)| v * w).sum::<f64>();
        let p = 1.0 / (1.0 + (-z).exp());
        *label = if uniform() < p { 1.0 } else { 0.0 };
    }
    Model { x, y }
}

fn main() {
    let model = data();
    let start = ([0.0; FEATURES], 0.0);
    println!(
        "loss at zero: {:.6} (ln 2 = {:.6})",
        model.loss(&start.0, start.1),
        std::f64::consts::LN_2
    );

    let mut objective = |p: &([f64; FEATURES], f64), g: &mut ([f64; FEATURES], f64)| {
        let (value, (dw, db)) = model.loss_value_and_grad(&p.0, p.1);
        *g = (dw, db);
        value
    };
    // The generated gradient against central differences, like torch.autograd.gradcheck.
    let probe = ([0.3, -0.7, 1.1], -0.2);
    let report = gradcheck(
        |p: &([f64; FEATURES], f64)| model.loss(&p.0, p.1),
        &mut objective,
        &probe,
        1e-6,
    )
    .expect("valid step");
    println!(
        "gradcheck: passed = {}, worst relative error {:.2e}",
        report.passed, report.rel_error
    );
    assert!(report.passed);

    // PyTorch's default `tolerance_change` (1e-9) also stops a step once the directional
    // derivative is that small; ask for more to converge tightly.
    let lbfgs = Lbfgs::builder()
        .line_search(LineSearch::StrongWolfe)
        .tolerance_change(1e-20)
        .tolerance_grad(1e-12)
        .build()
        .expect("valid settings");
    let result = Minimize::new(objective, start, lbfgs)
        .max_steps(100)
        .criterion(GradientNorm::max_abs(1e-8))
        .run()
        .expect("valid driver settings");
    let (w, b) = result.params;
    println!(
        "{:?} after {} steps ({} evaluations): w = [{:.4}, {:.4}, {:.4}], b = {:.4}, loss = {:.6}",
        result.status,
        result.steps,
        result.evaluations,
        w[0],
        w[1],
        w[2],
        b,
        model.loss(&w, b)
    );
    // The fitted model recovers the signs and rough sizes of the true weights.
    assert!(w[0] > 0.5 && w[1] < -1.0 && w[2] > 0.0, "{w:?}");
    let (_, (dw, db)) = model.loss_value_and_grad(&w, b);
    assert!(dw.iter().all(|d| d.abs() < 1e-6) && db.abs() < 1e-6);
}
