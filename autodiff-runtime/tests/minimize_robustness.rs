//! Robustness: losses that turn NaN or infinite mid-run, gradients that explode, updates
//! that overflow, failing line searches, zero and one step, failing batch members. The
//! driver must stop with the right `Status`, never hand back non-finite parameters, and
//! report the last finite loss consistently with the parameters it returns.

use std::cell::Cell;

use autodiff_runtime::minimize::{
    BatchMinimize, BatchStatus, Criterion, Minimize, Status, StepData, TraceLength,
};
use autodiff_runtime::optim::{AdamConfig, Lbfgs, LineSearch, Sgd};
use autodiff_runtime::{Hyperparameters, Objective, Optimizer, Params, StepError, StepReport};

fn square(x: &f64, g: &mut f64) -> f64 {
    *g = 2.0 * x;
    x * x
}

/// SGD lr 0.25 on x² from 1 visits x_t = 0.5^t, loss_t = 0.25^t.
fn halving() -> Sgd {
    Sgd::new(0.25).unwrap()
}

#[test]
fn nan_loss_mid_run_returns_the_last_finite_point() {
    let calls = Cell::new(0);
    let result = Minimize::new(
        |x: &f64, g: &mut f64| {
            calls.set(calls.get() + 1);
            let loss = square(x, g);
            if calls.get() == 6 { f64::NAN } else { loss }
        },
        1.0,
        halving(),
    )
    .max_steps(100)
    .trace(|q| *q.parameters)
    .run()
    .unwrap();
    // Evaluation 6 is step 5 at x_5; the last finite evaluation was step 4 at x_4.
    assert_eq!(result.status, Status::NonFiniteLoss);
    assert_eq!((result.steps, result.evaluations), (5, 6));
    assert_eq!(result.params, 0.0625);
    assert_eq!(result.loss, Some(0.0625 * 0.0625));
    assert_eq!(result.gradient_norm, Some(0.125));
    // The failed step is not traced, and the trace is not padded after a failure.
    assert_eq!(result.trace.len(), 5);
    assert!(result.trace.iter().all(|x| x.is_finite()));
}

#[test]
fn infinite_loss_mid_run_returns_the_last_finite_point() {
    // A barrier: the loss is +∞ below x = 0.1, first met at x_4 = 0.0625.
    let result = Minimize::new(
        |x: &f64, g: &mut f64| {
            if *x < 0.1 {
                f64::INFINITY
            } else {
                square(x, g)
            }
        },
        1.0,
        halving(),
    )
    .run()
    .unwrap();
    assert_eq!((result.status, result.steps), (Status::NonFiniteLoss, 4));
    assert_eq!((result.params, result.loss), (0.125, Some(0.015625)));
    assert!(!result.status.is_success());
    assert_eq!(result.status.to_string(), "loss is not finite");
}

#[test]
fn nan_gradient_with_a_finite_loss_is_reported_as_such() {
    let result = Minimize::new(
        |x: &[f64; 2], g: &mut [f64; 2]| {
            *g = [2.0 * x[0], if x[0] < 0.3 { f64::NAN } else { 2.0 * x[1] }];
            x[0] * x[0] + x[1] * x[1]
        },
        [1.0, 1.0],
        halving(),
    )
    .run()
    .unwrap();
    // x_2 = 0.25 < 0.3: step 2's gradient is NaN; the parameters are x_1.
    assert_eq!(
        (result.status, result.steps),
        (Status::NonFiniteGradient, 2)
    );
    assert_eq!(result.params, [0.5, 0.5]);
    assert_eq!(result.loss, Some(0.5));
}

#[test]
fn an_exploding_gradient_ends_in_a_non_finite_loss_with_finite_parameters() {
    // SGD lr 1.5 on x²: x_{t+1} = −2·x_t, so x, the loss and the gradient explode; x² overflows
    // first (after ~512 steps), long before max_steps.
    let result = Minimize::new(square, 1.0, Sgd::new(1.5).unwrap())
        .max_steps(100_000)
        .run()
        .unwrap();
    assert_eq!(result.status, Status::NonFiniteLoss);
    assert!(result.steps > 500 && result.steps < 520, "{}", result.steps);
    assert!(result.params.is_finite());
    assert_eq!(result.loss, Some(result.params * result.params));
    assert!(result.loss.unwrap().is_finite() && result.loss.unwrap() > 1e300);
}

#[test]
fn an_update_that_overflows_is_undone() {
    // Finite loss and gradient (1e300·x), but lr 1e10 makes the update overflow to −∞.
    let steep = |x: &f64, g: &mut f64| {
        *g = 1e300 * x;
        0.5e300 * x * x
    };
    let seen_non_finite = Cell::new(false);
    let result = Minimize::new(steep, 1.0, Sgd::new(1e10).unwrap())
        .observe(|q| seen_non_finite.set(seen_non_finite.get() || !q.parameters.is_finite()))
        .run()
        .unwrap();
    assert_eq!(
        (result.status, result.steps, result.evaluations),
        (Status::NonFiniteParameters, 0, 1)
    );
    assert_eq!(result.params, 1.0); // the point the update started from…
    assert_eq!(result.loss, Some(0.5e300)); // …and its (finite) loss
    assert!(!seen_non_finite.get());
}

/// Adam copies and checks the parameters inside its update pass (`step_checked`): every
/// configuration (the branch-free common one, weight decay, AMSGrad) undoes an overflowing
/// update like the default does, and a run that does not overflow is bit for bit a plain
/// loop over `Adam::step`.
#[test]
fn adams_checked_update_undoes_an_overflow_in_every_configuration() {
    let configs = [
        AdamConfig::default(),
        AdamConfig::default().weight_decay(0.1),
        AdamConfig::default()
            .weight_decay(0.1)
            .decoupled_weight_decay(true),
        AdamConfig::default().amsgrad(true),
        AdamConfig::default().maximize(true),
    ];
    let bowl = |x: &[f64; 3], g: &mut [f64; 3]| {
        *g = [2.0 * x[0], 4.0 * x[1], -x[2]];
        x[0] * x[0] + 2.0 * x[1] * x[1] - 0.5 * x[2] * x[2]
    };
    let x0 = [1.0, -2.0, 0.5];
    for config in configs {
        // lr = f64::MAX: the first step size `lr / (1 − β₁)` is already +∞.
        let result = Minimize::new(bowl, x0, config.lr(f64::MAX).build().unwrap())
            .run()
            .unwrap();
        assert_eq!(
            (result.status, result.steps, result.params),
            (Status::NonFiniteParameters, 0, x0),
            "{config:?}"
        );
        assert_eq!(result.loss, Some(1.0 + 8.0 - 0.125), "{config:?}");

        let adam = config.lr(0.01).build().unwrap();
        let run = Minimize::new(bowl, x0, adam).max_steps(40).run().unwrap();
        let (mut x, mut g) = (x0, [0.0; 3]);
        let mut state = adam.init(&x);
        let mut objective = bowl;
        for _ in 0..40 {
            let loss = objective(&x, &mut g);
            adam.step(&mut state, &mut x, loss, &g, &mut objective)
                .unwrap();
        }
        assert_eq!(
            (run.status, run.params),
            (Status::StepLimit, x),
            "{config:?}"
        );
    }
}

#[test]
fn a_nan_loss_at_the_start_reports_no_loss_and_the_start_point() {
    let result = Minimize::new(|_: &f64, _: &mut f64| f64::NAN, 3.0, halving())
        .run()
        .unwrap();
    assert_eq!(
        (result.status, result.steps, result.evaluations),
        (Status::NonFiniteLoss, 0, 1)
    );
    assert_eq!(
        (result.params, result.loss, result.gradient_norm),
        (3.0, None, None)
    );
}

/// An optimizer whose line search gives up at a given step (to test the plumbing of
/// `StepError`), otherwise plain gradient descent with lr 0.25.
struct FailsAt(usize, StepError);

impl Hyperparameters for FailsAt {
    fn learning_rate(&self) -> f64 {
        0.25
    }
    fn set_learning_rate(&mut self, _: f64) {}
}

impl<P: Params<Scalar = f64>> Optimizer<P> for FailsAt {
    type State = usize;
    fn init(&self, _: &P) -> usize {
        0
    }
    fn step<O: Objective<P>>(
        &self,
        step: &mut usize,
        params: &mut P,
        _: f64,
        grad: &P,
        objective: &mut O,
    ) -> Result<StepReport, StepError> {
        *step += 1;
        if *step == self.0 {
            // Trial evaluations that go nowhere, then the parameters are scribbled on —
            // the driver must restore them even if an optimizer breaks its contract.
            let mut g = params.zeros_like();
            objective.evaluate(params, &mut g);
            P::zip_apply([params], grad, &mut |[x], _| *x = f64::NAN);
            return Err(self.1);
        }
        P::zip_apply([params], grad, &mut |[x], g| *x -= 0.25 * g);
        Ok(StepReport { evaluations: 0 })
    }
}

#[test]
fn a_failed_line_search_stops_with_the_parameters_the_step_started_from() {
    let result = Minimize::new(square, 1.0, FailsAt(4, StepError::LineSearchFailed))
        .run()
        .unwrap();
    // Steps 0..=2 complete; step 3 evaluates at x_3 = 0.125 and its line search fails.
    assert_eq!((result.status, result.steps), (Status::LineSearchFailed, 3));
    assert_eq!((result.params, result.loss), (0.125, Some(0.015625)));

    let result = Minimize::new(square, 1.0, FailsAt(2, StepError::NonFinite))
        .run()
        .unwrap();
    assert_eq!(
        (result.status, result.steps, result.params),
        (Status::NonFiniteLoss, 1, 0.5)
    );
}

/// An optimizer that evaluates the objective twice during its step (a line search) and
/// then lands on an infinite point.
struct SearchesThenOverflows;

impl Hyperparameters for SearchesThenOverflows {
    fn learning_rate(&self) -> f64 {
        1.0
    }
    fn set_learning_rate(&mut self, _: f64) {}
}

impl Optimizer<f64> for SearchesThenOverflows {
    type State = ();
    fn init(&self, _: &f64) {}
    fn step<O: Objective<f64>>(
        &self,
        _: &mut (),
        x: &mut f64,
        _: f64,
        _: &f64,
        objective: &mut O,
    ) -> Result<StepReport, StepError> {
        let mut g = 0.0;
        objective.evaluate(&(*x + 1.0), &mut g);
        objective.evaluate(&(*x + 2.0), &mut g);
        *x = f64::INFINITY;
        Ok(StepReport { evaluations: 2 })
    }
}

#[test]
fn evaluations_of_a_step_that_is_undone_are_still_counted() {
    let calls = Cell::new(0);
    let counted = |x: &f64, g: &mut f64| {
        calls.set(calls.get() + 1);
        square(x, g)
    };
    let result = Minimize::new(counted, 3.0, SearchesThenOverflows)
        .run()
        .unwrap();
    assert_eq!(
        (result.status, result.steps, result.params),
        (Status::NonFiniteParameters, 0, 3.0)
    );
    assert_eq!((result.evaluations, calls.get()), (3, 3));
}

#[test]
fn lbfgs_line_search_evaluations_are_counted() {
    let calls = Cell::new(0);
    let rosenbrock = |p: &[f64; 2], g: &mut [f64; 2]| {
        calls.set(calls.get() + 1);
        let (x, y) = (p[0], p[1]);
        *g = [
            -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
            200.0 * (y - x * x),
        ];
        (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
    };
    let lbfgs = Lbfgs::builder()
        .line_search(LineSearch::StrongWolfe)
        .build()
        .unwrap();
    let result = Minimize::new(rosenbrock, [-1.5, 2.0], lbfgs)
        .max_steps(10)
        .run()
        .unwrap();
    assert_eq!(result.evaluations, calls.get());
    assert!(result.evaluations > result.steps);
    assert!((result.params[0] - 1.0).abs() < 1e-4 && (result.params[1] - 1.0).abs() < 1e-4);
    assert!(result.loss.unwrap() < 1e-8);
}

#[test]
fn lbfgs_on_a_flat_function_stops_cleanly() {
    // A constant loss: zero gradient. L-BFGS returns at once (torch's tolerance_grad exit);
    // the driver keeps stepping to max_steps without producing anything non-finite.
    let result = Minimize::new(
        |_: &[f64; 2], g: &mut [f64; 2]| {
            *g = [0.0; 2];
            1.0
        },
        [0.5, -0.5],
        Lbfgs::new(1.0).unwrap(),
    )
    .max_steps(5)
    .run()
    .unwrap();
    assert_eq!((result.status, result.steps), (Status::StepLimit, 5));
    assert_eq!(result.params, [0.5, -0.5]);
    assert_eq!(result.gradient_norm, Some(0.0));
}

/// Converged at every step — to show step 0 never converges and what one step gives.
struct Always;
impl<P: Params> Criterion<P> for Always {
    type State = ();
    fn init(&self, _: &P) {}
    fn bootstrap(&self, _: &mut (), _: &StepData<'_, P>) {}
    fn update(&self, _: &mut (), _: &StepData<'_, P>) -> bool {
        true
    }
}

#[test]
fn zero_steps_evaluate_nothing() {
    let observed = Cell::new(0);
    let result = Minimize::new(square, 2.0, halving())
        .max_steps(0)
        .criterion(Always)
        .observe(|_| observed.set(observed.get() + 1))
        .trace(|q| q.loss)
        .trace_length(TraceLength::Full)
        .run()
        .unwrap();
    assert_eq!(
        (result.status, result.steps, result.evaluations),
        (Status::StepLimit, 0, 0)
    );
    assert_eq!(
        (result.params, result.loss, result.gradient_norm),
        (2.0, None, None)
    );
    assert!(result.trace.is_empty());
    assert_eq!(observed.get(), 0);
}

#[test]
fn one_step_is_the_bootstrap_step_and_never_converges() {
    let result = Minimize::new(square, 2.0, halving())
        .max_steps(1)
        .criterion(Always)
        .trace(|q| (q.step, q.loss, *q.parameters, q.has_converged))
        .run()
        .unwrap();
    assert_eq!(
        (result.status, result.steps, result.evaluations),
        (Status::StepLimit, 1, 1)
    );
    assert_eq!(result.params, 1.0);
    assert_eq!((result.loss, result.gradient_norm), (Some(4.0), Some(4.0)));
    assert_eq!(result.trace, [(0, 4.0, 1.0, false)]);

    // With two steps the criterion is consulted once, at step 1.
    let result = Minimize::new(square, 2.0, halving())
        .max_steps(2)
        .criterion(Always)
        .run()
        .unwrap();
    assert_eq!((result.status, result.steps), (Status::Converged, 2));
}

#[test]
fn a_failing_batch_member_is_frozen_while_the_others_continue() {
    // Member 1's loss turns NaN at x < 0.2 (its x_3 = 0.125); members 0 and 2 are fine.
    let result = BatchMinimize::new(
        |k, x: &f64, g: &mut f64| {
            let loss = square(x, g);
            if k == 1 && *x < 0.2 { f64::NAN } else { loss }
        },
        [1.0; 3],
        halving(),
    )
    .max_steps(6)
    .trace(|q| q.failures.to_vec())
    .run()
    .unwrap();
    assert_eq!(result.status, BatchStatus::StepLimit);
    assert_eq!(result.failures, [None, Some(Status::NonFiniteLoss), None]);
    assert_eq!(result.params, [1.0 / 64.0, 0.25, 1.0 / 64.0]);
    assert_eq!(result.losses[1], Some(0.0625));
    assert_eq!(result.has_converged, [false; 3]);
    assert_eq!(result.evaluations, 6 + 4 + 6); // member 1 is not evaluated once frozen
    assert_eq!(result.trace[2][1], None);
    assert_eq!(result.trace[3][1], Some(Status::NonFiniteLoss));
}

#[test]
fn a_batch_whose_members_all_fail_stops() {
    let result = BatchMinimize::new(
        |k, x: &f64, g: &mut f64| {
            if *x < 0.3 + 0.2 * k as f64 {
                f64::INFINITY
            } else {
                square(x, g)
            }
        },
        [1.0; 2],
        halving(),
    )
    .run()
    .unwrap();
    // Member 0 fails at x_2 = 0.25, member 1 at x_1 = 0.5 (< 0.5 is false) → x_2 too.
    assert_eq!(result.status, BatchStatus::AllMembersFailed);
    assert_eq!(result.steps, 2);
    assert_eq!(result.params, [0.5, 0.5]);
    assert_eq!(result.failures, [Some(Status::NonFiniteLoss); 2]);
}
