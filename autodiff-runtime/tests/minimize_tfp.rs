//! The driver replayed against traces recorded from `tfp.math.minimize`
//! (tensorflow-probability 0.25.0, `tests/fixtures/tfp/`, see its README): the same
//! losses, the same Keras 2 optimizers (re-implemented in `minimize_support`), the same
//! criteria, compared step by step — losses, gradients, parameters, `has_converged`,
//! criterion state, the step at which the run stops and the trace length (full and
//! truncated).

mod minimize_support;

use autodiff_runtime::minimize::{
    All, Any, BatchMinimize, BatchStatus, LossNotDecreasing, Minimize, Status,
    SuccessiveGradientsAreUncorrelated, TraceLength,
};
use minimize_support::{Fixture, KerasAdam, KerasSgd, assert_all_close, shifted_square};

/// Agreement demanded of every replayed value. The Keras kernel is reproduced operation
/// by operation and every value here was bit-identical to tfp's when this was written
/// (x86-64 Linux, glibc); 1e-12 leaves room for a libm `pow` that rounds differently.
const REL: f64 = 1e-12;

fn column<T: Copy, const N: usize>(trace: &[[T; N]], i: usize) -> Vec<T> {
    trace.iter().map(|row| row[i]).collect()
}

fn replay_adam_quadratic(name: &str, optimizer: KerasAdam) {
    let fx = Fixture::tfp(name);
    let result = Minimize::new(shifted_square(5.0), 0.0, optimizer)
        .max_steps(100)
        .trace(|q| [q.step as f64, q.loss, *q.gradients, *q.parameters])
        .run()
        .unwrap();
    assert_eq!(result.status, Status::StepLimit);
    assert_eq!(result.trace.len(), fx.rows.len());
    assert_all_close("step", &column(&result.trace, 0), &fx.f64s("step"), 0.0);
    assert_all_close("loss", &column(&result.trace, 1), &fx.f64s("loss"), REL);
    assert_all_close("g", &column(&result.trace, 2), &fx.f64s("g"), REL);
    assert_all_close("x", &column(&result.trace, 3), &fx.f64s("x"), REL);
    // tfp's "optimized value is x with loss losses[-1]".
    assert_eq!(result.loss, fx.f64s("loss").last().copied());
    assert!((result.params - fx.f64s("x")[99]).abs() <= REL * 5.0);
}

#[test]
fn adam_quadratic_matches_tfp_trace() {
    replay_adam_quadratic("adam_quadratic", KerasAdam::new(0.1));
}

#[test]
fn adam_quadratic_with_float32_hyperparameters_matches_tfp_trace() {
    // Keras stores Python-float hyperparameters as float32 variables.
    let optimizer = KerasAdam {
        lr: 0.1_f32 as f64,
        beta1: 0.9_f32 as f64,
        beta2: 0.999_f32 as f64,
        epsilon: 1e-7,
    };
    replay_adam_quadratic("adam_quadratic_f32hypers", optimizer);
}

fn replay_loss_not_decreasing(name: &str, max_steps: usize, length: TraceLength) {
    let fx = Fixture::tfp(name);
    let result = Minimize::new(shifted_square(5.0), 0.0, KerasAdam::new(0.1))
        .max_steps(max_steps)
        .criterion(LossNotDecreasing::atol(0.01))
        .trace(|q| {
            let s = q.criterion_state;
            [
                q.step as f64,
                q.loss,
                *q.parameters,
                f64::from(u8::from(q.has_converged)),
                s.previous_loss,
                s.average_decrease_in_loss,
                s.average_initial_decrease_in_loss,
            ]
        })
        .trace_length(length)
        .run()
        .unwrap();

    let trace_length: usize = fx.header("trace_length").parse().unwrap();
    assert_eq!(result.trace.len(), trace_length);
    assert_eq!(result.status, Status::Converged);
    // tfp converged at step 87 (the first has_converged row): 88 steps taken.
    let first = fx.bools("has_converged").iter().position(|&c| c).unwrap();
    assert_eq!(first, 87);
    assert_eq!(result.steps, first + 1);
    assert_all_close("step", &column(&result.trace, 0), &fx.f64s("step"), 0.0);
    assert_all_close("loss", &column(&result.trace, 1), &fx.f64s("loss"), REL);
    assert_all_close("x", &column(&result.trace, 2), &fx.f64s("x"), REL);
    assert_all_close(
        "has_converged",
        &column(&result.trace, 3),
        &fx.f64s("has_converged"),
        0.0,
    );
    assert_all_close(
        "previous_loss",
        &column(&result.trace, 4),
        &fx.f64s("previous_loss"),
        REL,
    );
    assert_all_close(
        "average_decrease_in_loss",
        &column(&result.trace, 5),
        &fx.f64s("average_decrease_in_loss"),
        REL,
    );
    assert_all_close(
        "average_initial_decrease_in_loss",
        &column(&result.trace, 6),
        &fx.f64s("average_initial_decrease_in_loss"),
        REL,
    );
    assert_eq!(result.params, fx.f64s("x")[first]);
}

#[test]
fn loss_not_decreasing_truncated_trace_matches_tfp() {
    replay_loss_not_decreasing("lossnotdecreasing_truncated", 1000, TraceLength::Truncated);
}

#[test]
fn loss_not_decreasing_full_length_trace_matches_tfp() {
    // 120 rows: 88 steps, then the converged step's values repeated 32 times.
    replay_loss_not_decreasing("lossnotdecreasing_full", 120, TraceLength::Full);
}

fn replay_successive_gradients(name: &str, length: TraceLength) -> Fixture {
    let fx = Fixture::tfp(name);
    let square = |x: &f64, g: &mut f64| {
        *g = 2.0 * x;
        x * x
    };
    let result = Minimize::new(square, 1.0, KerasSgd(0.9))
        .max_steps(60)
        .criterion(SuccessiveGradientsAreUncorrelated::new().reproduce_tfp_quirk())
        .trace(|q| {
            let s = q.criterion_state;
            [
                q.loss,
                *q.gradients,
                *q.parameters,
                f64::from(u8::from(q.has_converged)),
                s.previous_gradients,
                s.moving_product,
            ]
        })
        .trace_length(length)
        .run()
        .unwrap();
    let trace_length: usize = fx.header("trace_length").parse().unwrap();
    assert_eq!(result.trace.len(), trace_length);
    assert_eq!((result.status, result.steps), (Status::Converged, 21));
    assert_all_close("loss", &column(&result.trace, 0), &fx.f64s("loss"), REL);
    assert_all_close("g", &column(&result.trace, 1), &fx.f64s("g"), REL);
    assert_all_close("x", &column(&result.trace, 2), &fx.f64s("x"), REL);
    assert_all_close(
        "has_converged",
        &column(&result.trace, 3),
        &fx.f64s("has_converged"),
        0.0,
    );
    assert_all_close(
        "previous_grad",
        &column(&result.trace, 4),
        &fx.f64s("previous_grad"),
        0.0,
    );
    assert_all_close(
        "moving_product",
        &column(&result.trace, 5),
        &fx.f64s("moving_product"),
        REL,
    );
    fx
}

#[test]
fn successive_gradients_quirk_matches_tfp_full_length() {
    let fx = replay_successive_gradients("successivegradients_sgd_oscillating", TraceLength::Full);
    // The quirk itself, as recorded: tfp's previous_grads never moves from g_0 = 2.
    assert!(fx.f64s("previous_grad").iter().all(|&g| g == 2.0));
}

#[test]
fn successive_gradients_quirk_matches_tfp_truncated() {
    replay_successive_gradients(
        "successivegradients_sgd_oscillating_truncated",
        TraceLength::Truncated,
    );
}

#[test]
fn successive_gradients_fix_diverges_from_recorded_quirk_as_derived() {
    // Same run with the fix: the stored gradient follows g_t, so on this oscillation
    // (g_t = 2·(−0.8)^t, recorded) p_t = g_t·g_{t−1} < 0 at every step, while tfp's
    // ⟨g_t, g_0⟩ alternates in sign. Derive M_t from the recorded gradients and compare.
    let fx = Fixture::tfp("successivegradients_sgd_oscillating");
    let g = fx.f64s("g");
    let result = Minimize::new(
        |x: &f64, grad: &mut f64| {
            *grad = 2.0 * x;
            x * x
        },
        1.0,
        KerasSgd(0.9),
    )
    .max_steps(60)
    .criterion(SuccessiveGradientsAreUncorrelated::new())
    .trace(|q| {
        [
            q.criterion_state.previous_gradients,
            q.criterion_state.moving_product,
        ]
    })
    .trace_length(TraceLength::Truncated)
    .run()
    .unwrap();
    assert_eq!(result.steps, 21); // both stop at min_num_steps = 20 here
    let mut m = 0.0;
    for t in 1..21 {
        let p = g[t] * g[t - 1];
        assert!(p < 0.0);
        m = p + 0.9 * (m - p);
        assert_eq!(result.trace[t][0], g[t], "previous_gradients follows g_t");
        assert!(
            (result.trace[t][1] - m).abs() <= 1e-15 * m.abs().max(1.0),
            "M_{t}"
        );
    }
    // tfp's recorded M_1 used g_0: p_1 = g_1·g_0; ours used g_1·g_0 too (g_0 is the
    // previous gradient at step 1), so the two agree at step 1 and part from step 2 on.
    let recorded = fx.f64s("moving_product");
    assert_eq!(result.trace[1][1], recorded[1]);
    assert_ne!(result.trace[2][1], recorded[2]);
}

/// The recorded batch: ten members `(x_k − (k+1))²`, Keras Adam(0.5), LossNotDecreasing
/// (atol 0.01), truncated trace.
fn replay_batch(name: &str, any: bool) {
    let fx = Fixture::tfp(name);
    let objective = |k: usize, x: &f64, g: &mut f64| shifted_square((k + 1) as f64)(x, g);
    let trace_fn = |q: &autodiff_runtime::minimize::BatchQuantities<'_, f64, _, _>| {
        let avg: Vec<f64> = q
            .criterion_states
            .iter()
            .map(
                |s: &autodiff_runtime::minimize::LossNotDecreasingState<f64>| {
                    s.average_decrease_in_loss
                },
            )
            .collect();
        (
            q.losses.to_vec(),
            q.parameters.to_vec(),
            q.has_converged.to_vec(),
            avg,
        )
    };
    let builder = BatchMinimize::new(objective, [0.0; 10], KerasAdam::new(0.5))
        .max_steps(1000)
        .criterion(LossNotDecreasing::atol(0.01))
        .trace(trace_fn)
        .trace_length(TraceLength::Truncated);
    let result = if any {
        builder.reduce(Any).run().unwrap()
    } else {
        builder.reduce(All).run().unwrap()
    };

    let trace_length: usize = fx.header("trace_length").parse().unwrap();
    assert_eq!(result.status, BatchStatus::Converged);
    assert_eq!(result.steps, trace_length);
    assert_eq!(result.trace.len(), trace_length);
    let flags = fx.strings("has_converged");
    for (t, (losses, params, converged, avg)) in result.trace.iter().enumerate() {
        for k in 0..10 {
            let at = |c: &str| fx.f64s(&format!("{c}{k}"))[t];
            let what = format!("{name} step {t} member {k}");
            assert!(
                minimize_support::close(losses[k], at("loss"), REL),
                "{what} loss"
            );
            assert!(minimize_support::close(params[k], at("x"), REL), "{what} x");
            assert!(
                minimize_support::close(avg[k], at("avg_decrease"), REL),
                "{what} avg"
            );
            assert_eq!(
                converged[k],
                flags[t].as_bytes()[k] == b'1',
                "{what} has_converged"
            );
        }
    }
    let last = flags.last().unwrap();
    for k in 0..10 {
        assert_eq!(result.has_converged[k], last.as_bytes()[k] == b'1');
    }
}

#[test]
fn batch_reduce_all_matches_tfp() {
    replay_batch("batch_lossnotdecreasing_reduce_all", false);
    // Members converge at different steps, and converged members keep being updated
    // (and may un-converge) until all agree: the recorded flags show it.
    let flags = Fixture::tfp("batch_lossnotdecreasing_reduce_all").strings("has_converged");
    assert_eq!(flags.last().unwrap(), "1111111111");
    assert!(flags.iter().any(|f| f.contains('1') && f.contains('0')));
}

#[test]
fn batch_reduce_any_matches_tfp() {
    replay_batch("batch_lossnotdecreasing_reduce_any", true);
    let flags = Fixture::tfp("batch_lossnotdecreasing_reduce_any").strings("has_converged");
    assert_eq!(flags.last().unwrap(), "1000000000");
}
