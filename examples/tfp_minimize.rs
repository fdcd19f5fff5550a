//! `tfp.math.minimize` in Rust (seeds 001 and 003, the TensorFlow Probability
//! documentation), with the gradient written by `#[differentiable]`:
//!
//! 1. `(x - 5)²` from 0 with Adam(0.1) for 100 steps, and its loss trace;
//! 2. the same with `LossNotDecreasing(atol = 0.01)` and at most 1000 steps;
//! 3. a trace of the loss and `x`;
//! 4. a batch of 10 problems, with each member's `has_converged` and the step it first
//!    converged at.
//!
//! Adam here is PyTorch's (ε = 1e-8 added after the bias correction), tfp's is Keras's
//! (ε = 1e-7 added before it), so the numbers agree with what tfp printed to about 1e-6 and
//! the criteria fire at the same steps.
//!
//! Run with `cargo run --example tfp_minimize`.

use autodiff::differentiable;
use autodiff::minimize::{
    Any, BatchMinimize, BatchStatus, LossNotDecreasing, Minimize, Status, TraceLength,
};
use autodiff::optim::Adam;

/// The seed's `loss_fn = lambda: (x - 5.)**2`.
#[differentiable]
fn loss(x: f64) -> f64 {
    (x - 5.0).powi(2)
}

/// One batch member's loss, `(x - target)²`, differentiated with respect to `x` only.
#[differentiable(wrt(x))]
fn shifted_square(x: f64, target: f64) -> f64 {
    (x - target).powi(2)
}

/// What tfp 0.25 recorded (`autodiff-runtime/tests/fixtures/tfp/`): `x` and `losses[-1]`
/// after 100 Adam steps (`adam_quadratic`), and the step at which each batch member first
/// converged (`batch_lossnotdecreasing_reduce_all`).
const TFP_X_AFTER_100: f64 = 5.039_004_003_078_14;
const TFP_LAST_LOSS: f64 = 0.001_468_398_691_735_634_4;
const TFP_FIRST_CONVERGED: [usize; 10] = [27, 41, 52, 59, 65, 67, 71, 75, 79, 83];

fn adam(lr: f64) -> Adam {
    Adam::new(lr).expect("valid Adam settings")
}

fn main() {
    // 1. losses = tfp.math.minimize(loss_fn, num_steps=100,
    //                               optimizer=tf.optimizers.Adam(learning_rate=0.1))
    println!("== 1. (x - 5)² from 0, Adam(0.1), 100 steps");
    let result = Minimize::with_value_and_grad(|x: &f64| loss_value_and_grad(*x), 0.0, adam(0.1))
        .max_steps(100)
        .trace(|q| q.loss)
        .run()
        .expect("valid driver settings");
    let losses = &result.trace;
    println!("losses (loss at each step, before its update):");
    for (row, chunk) in losses.chunks(10).enumerate() {
        let values: Vec<String> = chunk.iter().map(|l| format!("{l:>9.5}")).collect();
        println!("  [{:>2}..] {}", 10 * row, values.join(" "));
    }
    let x = result.params;
    let last = losses[losses.len() - 1];
    println!("optimized value is {x} with loss {last}");
    assert_eq!((result.status, losses.len()), (Status::StepLimit, 100));
    assert_eq!(losses[0], 25.0);
    assert!((x - TFP_X_AFTER_100).abs() < 1e-5 && (last - TFP_LAST_LOSS).abs() < 1e-5);

    // 2. convergence_criterion=tfp.optimizer.convergence_criteria.LossNotDecreasing(atol=0.01),
    //    num_steps=1000: an upper bound, the run stops once the moving average of the
    //    per-step decrease in loss drops below 0.01 (window 10, at least 20 steps).
    println!();
    println!("== 2. the same with LossNotDecreasing(atol=0.01), at most 1000 steps");
    let run = |length| {
        Minimize::with_value_and_grad(|x: &f64| loss_value_and_grad(*x), 0.0, adam(0.1))
            .max_steps(1000)
            .criterion(LossNotDecreasing::atol(0.01))
            .trace(|q| (q.loss, q.criterion_state.average_decrease_in_loss))
            .trace_length(length)
            .run()
            .expect("valid driver settings")
    };
    let full = run(TraceLength::Full);
    let truncated = run(TraceLength::Truncated);
    let converged_at = full.steps - 1;
    println!(
        "{} at step {converged_at} ({} steps): x = {}, loss {:e}",
        full.status,
        full.steps,
        full.params,
        full.loss.expect("finite loss")
    );
    let (_, average_decrease) = truncated.trace[converged_at];
    println!("average decrease in loss at that step: {average_decrease:.6} < 0.01");
    println!(
        "trace length: {} (return_full_length_trace=True, padded with the last value), {} truncated",
        full.trace.len(),
        truncated.trace.len()
    );
    assert_eq!(full.status, Status::Converged);
    assert_eq!(converged_at, 87); // as tfp recorded
    assert_eq!((full.trace.len(), truncated.trace.len()), (1000, 88));
    assert_eq!(full.trace[999], truncated.trace[87]);

    // 3. trace_fn = lambda traceable_quantities: {'loss': traceable_quantities.loss, 'x': x}
    //    (x after each step's update, as in tfp).
    println!();
    println!("== 3. a trace of loss and x");
    let result = Minimize::with_value_and_grad(|x: &f64| loss_value_and_grad(*x), 0.0, adam(0.1))
        .max_steps(100)
        .trace(|q| (q.loss, *q.parameters))
        .run()
        .expect("valid driver settings");
    let (trace_loss, trace_x): (Vec<f64>, Vec<f64>) = result.trace.iter().copied().unzip();
    println!("[{}] [{}]", trace_loss.len(), trace_x.len()); // print(trace['loss'].shape, trace['x'].shape)
    println!("step                loss                  x");
    for step in [0, 1, 2, 49, 98, 99] {
        println!(
            "{step:>4}  {:>18.15}  {:>17.15}",
            trace_loss[step], trace_x[step]
        );
    }
    assert_eq!((trace_loss.len(), trace_x.len()), (100, 100));
    // The loss is evaluated before each update and x traced after it.
    assert!((1..100).all(|t| trace_loss[t] == loss(trace_x[t - 1])));
    assert!((trace_x[0] - 0.1).abs() < 1e-9); // Adam's first step: lr·g/(|g| + ε)
    assert_eq!(trace_x[99], result.params);

    // 4. A batch of 10: x = tf.Variable([0.] * 10), each member's loss (x_i - (i + 1))²,
    //    Adam(0.5), LossNotDecreasing(atol=0.01), num_steps=100; the run goes on until every
    //    member has converged (tf.reduce_all), and converged members keep being updated.
    println!();
    println!(
        "== 4. a batch of 10 problems, (x_i - (i + 1))², Adam(0.5), LossNotDecreasing(atol=0.01)"
    );
    let member = |k: usize, x: &f64, grad: &mut f64| {
        let target = (k + 1) as f64;
        let (value, dx) = shifted_square_value_and_grad(*x, target);
        *grad = dx;
        value
    };
    let result = BatchMinimize::new(member, [0.0; 10], adam(0.5))
        .max_steps(100)
        .criterion(LossNotDecreasing::atol(0.01))
        .trace(|q| {
            let mut flags = [false; 10];
            flags.copy_from_slice(q.has_converged);
            flags
        })
        .run()
        .expect("valid driver settings");
    let has_converged = &result.trace; // trace['has_converged'], shape [100, 10]
    let mut first_converged = [0; 10];
    for (i, first) in first_converged.iter_mut().enumerate() {
        // np.argmax(trace.has_converged[:, i]): the first step with the flag set (0 if none).
        *first = has_converged.iter().position(|flags| flags[i]).unwrap_or(0);
        let state = if has_converged[has_converged.len() - 1][i] {
            ""
        } else {
            "not "
        };
        println!(
            "Batch element {i} final state is {state}converged. It first converged at step {first}."
        );
    }
    let targets: [f64; 10] = core::array::from_fn(|k| (k + 1) as f64);
    let final_losses: [f64; 10] =
        core::array::from_fn(|k| shifted_square(result.params[k], targets[k]));
    println!(
        "{:?} after {} steps; x = [{}]",
        result.status,
        result.steps,
        result.params.map(|x| format!("{x:.3}")).join(", ")
    );
    println!(
        "final losses = [{}]",
        final_losses.map(|l| format!("{l:.1e}")).join(", ")
    );
    assert_eq!(result.status, BatchStatus::Converged);
    assert_eq!(result.has_converged, [true; 10]);
    assert_eq!(first_converged, TFP_FIRST_CONVERGED);
    assert_eq!(result.steps, 84);
    assert!(final_losses.iter().all(|&l| l < 0.05));

    // batch_convergence_reduce_fn=tf.reduce_any: stop as soon as one member has converged.
    let any = BatchMinimize::new(member, [0.0; 10], adam(0.5))
        .max_steps(100)
        .criterion(LossNotDecreasing::atol(0.01))
        .reduce(Any)
        .run()
        .expect("valid driver settings");
    println!(
        "with reduce_any: {:?} after {} steps, has_converged = {:?}",
        any.status, any.steps, any.has_converged
    );
    assert_eq!(any.steps, TFP_FIRST_CONVERGED[0] + 1);
    assert!(any.has_converged[0] && !any.has_converged[1]);
}
