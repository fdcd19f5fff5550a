//! Convergence criteria checked step by step against values derived by hand (chosen so
//! every intermediate is exact in binary floating point), through the criterion API and
//! through the driver; plus configuration errors.

use std::cell::Cell;

use autodiff_runtime::Params;
use autodiff_runtime::minimize::{
    AnyOf, Criterion, GradientNorm, GradientReference, LossNotDecreasing, Minimize,
    ParameterChange, Status, StepData, SuccessiveGradientsAreUncorrelated,
};
use autodiff_runtime::optim::Sgd;

/// Feeds `losses` (step 0 = bootstrap) to `rule` with zero gradients; returns the verdicts
/// of steps 1.. and the final state.
fn feed_losses<C: Criterion<f64>>(rule: &C, losses: &[f64]) -> (Vec<bool>, C::State) {
    let (g, x) = (0.0, 0.0);
    let at = |step, loss| StepData {
        step,
        loss,
        gradients: &g,
        parameters: &x,
    };
    let mut state = rule.init(&x);
    rule.bootstrap(&mut state, &at(0, losses[0]));
    let verdicts = (1..losses.len())
        .map(|t| rule.one_step(&mut state, &at(t, losses[t])))
        .collect();
    (verdicts, state)
}

/// Losses whose decreases are 2, 1, 0.5, 0.125, 0, 0: with window 2 (λ = ½) the moving
/// average is A = 1, 1, 0.75, 0.4375, 0.21875, 0.109375 and the initial average I freezes
/// at A_2 = 1.
const LOSSES: [f64; 7] = [10.0, 8.0, 7.0, 6.5, 6.375, 6.375, 6.375];
const AVERAGES: [f64; 6] = [1.0, 1.0, 0.75, 0.4375, 0.21875, 0.109375];

#[test]
fn loss_not_decreasing_atol_by_hand() {
    let rule = LossNotDecreasing::atol(0.3)
        .with_window_size(2.0)
        .with_min_num_steps(0);
    let (verdicts, state) = feed_losses(&rule, &LOSSES);
    // A_t < 0.3 first at step 5 (0.21875).
    assert_eq!(verdicts, [false, false, false, false, true, true]);
    assert_eq!(state.average_decrease_in_loss, AVERAGES[5]);
    assert_eq!(state.average_initial_decrease_in_loss, 1.0);
    assert_eq!(state.previous_loss, 6.375);
    // Every intermediate moving average, one step at a time.
    for t in 1..=6 {
        let (_, s) = feed_losses(&rule, &LOSSES[..=t]);
        assert_eq!(s.average_decrease_in_loss, AVERAGES[t - 1], "A_{t}");
        let expected_initial = if t <= 2 { AVERAGES[t - 1] } else { AVERAGES[1] };
        assert_eq!(
            s.average_initial_decrease_in_loss, expected_initial,
            "I_{t}"
        );
    }
}

#[test]
fn loss_not_decreasing_rtol_uses_the_initial_average_of_the_previous_step() {
    // Threshold rtol·I_{t−1}: 0 at step 1, then 0.5·1 = 0.5. A_4 = 0.4375 < 0.5.
    let rule = LossNotDecreasing::rtol(0.5)
        .with_window_size(2.0)
        .with_min_num_steps(0);
    assert_eq!(
        feed_losses(&rule, &LOSSES).0,
        [false, false, false, true, true, true]
    );
    // rtol 0.25: threshold 0.25, first met by A_5 = 0.21875.
    let rule = LossNotDecreasing::rtol(0.25)
        .with_window_size(2.0)
        .with_min_num_steps(0);
    assert_eq!(
        feed_losses(&rule, &LOSSES).0,
        [false, false, false, false, true, true]
    );
}

#[test]
fn loss_not_decreasing_with_both_tolerances_uses_the_larger_threshold() {
    // max(0.3, 0.5·1) = 0.5 → step 4; max(0.45, 0.25·1) = 0.45 → step 4; max(0.2, 0.125) → never.
    let both = |a, r| {
        LossNotDecreasing::atol_rtol(a, r)
            .with_window_size(2.0)
            .with_min_num_steps(0)
    };
    assert_eq!(
        feed_losses(&both(0.3, 0.5), &LOSSES).0[..4],
        [false, false, false, true]
    );
    assert_eq!(
        feed_losses(&both(0.45, 0.25), &LOSSES).0[..4],
        [false, false, false, true]
    );
    assert!(
        feed_losses(&both(0.1, 0.0625), &LOSSES)
            .0
            .iter()
            .all(|&c| !c)
    );
}

#[test]
fn loss_not_decreasing_min_num_steps_gates_convergence() {
    // The raw rule holds from step 5; with min_num_steps 6 the first verdict is at step 6.
    let rule = LossNotDecreasing::atol(0.3)
        .with_window_size(2.0)
        .with_min_num_steps(6);
    assert_eq!(
        feed_losses(&rule, &LOSSES).0,
        [false, false, false, false, false, true]
    );
}

#[test]
fn loss_not_decreasing_treats_a_rising_loss_as_converged() {
    // tfp semantics: A_1 = −1 (loss went up) is below any non-negative threshold.
    let rule = LossNotDecreasing::atol(0.01)
        .with_window_size(1.0)
        .with_min_num_steps(0);
    assert_eq!(feed_losses(&rule, &[1.0, 2.0]).0, [true]);
    let rule = LossNotDecreasing::rtol(0.01)
        .with_window_size(1.0)
        .with_min_num_steps(0);
    assert_eq!(feed_losses(&rule, &[1.0, 2.0]).0, [true]);
}

#[test]
fn loss_not_decreasing_through_the_driver_stops_at_min_num_steps_when_the_rule_holds_early() {
    // A huge atol holds from step 1, so the run stops exactly at min_num_steps = 20 (tfp's
    // default): 21 steps taken, steps 0..=19 reported not converged.
    let converged_at = Cell::new(None);
    let result = Minimize::new(square, 1.0, Sgd::new(0.01).unwrap())
        .criterion(LossNotDecreasing::atol(1e9))
        .observe(|q| {
            if q.has_converged && converged_at.get().is_none() {
                converged_at.set(Some(q.step));
            }
        })
        .run()
        .unwrap();
    assert_eq!((result.status, result.steps), (Status::Converged, 21));
    assert_eq!(converged_at.get(), Some(20));
}

/// Feeds gradients (step 0 = bootstrap) to `rule`; returns verdicts and moving products.
fn feed_gradients(
    rule: &SuccessiveGradientsAreUncorrelated,
    gradients: &[f64],
) -> (Vec<bool>, Vec<f64>) {
    let x = 0.0_f64;
    fn at<'a>(step: usize, g: &'a f64, x: &'a f64) -> StepData<'a, f64> {
        StepData {
            step,
            loss: 0.0,
            gradients: g,
            parameters: x,
        }
    }
    let mut state = Criterion::<f64>::init(rule, &x);
    rule.bootstrap(&mut state, &at(0, &gradients[0], &x));
    let mut verdicts = Vec::new();
    let mut products = Vec::new();
    for (t, g) in gradients.iter().enumerate().skip(1) {
        verdicts.push(rule.one_step(&mut state, &at(t, g, &x)));
        products.push(state.moving_product);
    }
    (verdicts, products)
}

#[test]
fn successive_gradients_fix_and_tfp_quirk_by_hand() {
    // Gradients 1, 2, −1, −1 with window 2 (λ = ½), no minimum.
    // Fix (⟨g_t, g_{t−1}⟩): p = 2, −2, 1 → M = 1, −0.5, 0.25.
    // tfp (⟨g_t, g_0⟩):     p = 2, −1, −1 → M = 1, 0, −0.5.
    let base = SuccessiveGradientsAreUncorrelated::new()
        .with_window_size(2.0)
        .with_min_num_steps(0);
    let g = [1.0, 2.0, -1.0, -1.0];
    let (fixed, fixed_m) = feed_gradients(&base, &g);
    assert_eq!(fixed_m, [1.0, -0.5, 0.25]);
    assert_eq!(fixed, [false, true, false]); // converges, then un-converges
    let quirk = base.with_reference(GradientReference::First);
    let (tfp, tfp_m) = feed_gradients(&quirk, &g);
    assert_eq!(tfp_m, [1.0, 0.0, -0.5]);
    assert_eq!(tfp, [false, false, true]); // M = 0 is not < 0
}

#[test]
fn successive_gradients_infinite_window_is_the_running_sum() {
    // Pflug's undecayed rule: M_t = Σ p. p = 2, −6, 3 → M = 2, −4, −1.
    let rule = SuccessiveGradientsAreUncorrelated::new()
        .with_window_size(f64::INFINITY)
        .with_min_num_steps(0);
    let (verdicts, m) = feed_gradients(&rule, &[1.0, 2.0, -3.0, -1.0]);
    assert_eq!(m, [2.0, -4.0, -1.0]);
    assert_eq!(verdicts, [false, true, true]);
}

#[test]
fn successive_gradients_quirk_misses_an_oscillation_the_fix_detects() {
    // f = x² + 10y² from (1, 0.3), SGD lr 0.09: x shrinks by 0.82 per step, y flips sign
    // (factor −0.8), so successive gradients are anti-correlated: 4·0.82^{2t−1} − 36·0.8^{2t−1} < 0
    // for the first ~90 steps and the fixed rule stops at min_num_steps = 20. tfp's
    // comparison with g_0 = (2, 6) stays positive on average and never fires.
    let f = |p: &[f64; 2], g: &mut [f64; 2]| {
        *g = [2.0 * p[0], 20.0 * p[1]];
        p[0] * p[0] + 10.0 * p[1] * p[1]
    };
    let run = |rule: SuccessiveGradientsAreUncorrelated| {
        Minimize::new(f, [1.0, 0.3], Sgd::new(0.09).unwrap())
            .max_steps(300)
            .criterion(rule)
            .run()
            .unwrap()
    };
    let fixed = run(SuccessiveGradientsAreUncorrelated::new());
    assert_eq!((fixed.status, fixed.steps), (Status::Converged, 21));
    let tfp = run(SuccessiveGradientsAreUncorrelated::new().reproduce_tfp_quirk());
    assert_eq!((tfp.status, tfp.steps), (Status::StepLimit, 300));
}

#[test]
fn gradient_norm_measures_in_the_chosen_norm() {
    let x = [0.0_f64; 2];
    let g = [3e-4, 4e-4];
    let data = StepData {
        step: 1,
        loss: 0.0,
        gradients: &g,
        parameters: &x,
    };
    let max_abs = GradientNorm::max_abs(4.5e-4);
    assert!(max_abs.one_step(&mut Criterion::<[f64; 2]>::init(&max_abs, &x), &data));
    let l2 = GradientNorm::l2(4.5e-4);
    assert!(!l2.one_step(&mut Criterion::<[f64; 2]>::init(&l2, &x), &data)); // ‖g‖₂ = 5e-4
}

#[test]
fn gradient_norm_through_the_driver() {
    // SGD lr 0.25 on x² halves x: g_t = 2·0.5^t ≤ 1e-3 first at t = 11 (2^-10 ≈ 9.8e-4).
    let result = Minimize::new(square, 1.0, Sgd::new(0.25).unwrap())
        .criterion(GradientNorm::max_abs(1e-3))
        .run()
        .unwrap();
    assert_eq!((result.status, result.steps), (Status::Converged, 12));
    assert_eq!(result.gradient_norm, Some(2.0 * 0.5_f64.powi(11)));
}

#[test]
fn parameter_change_through_the_driver() {
    // x_{t+1} = 0.5^{t+1}: the update at step t moves by 0.5^{t+1} ≤ 1e-3 first at t = 9.
    let result = Minimize::new(square, 1.0, Sgd::new(0.25).unwrap())
        .criterion(ParameterChange::max_abs(1e-3))
        .trace(|q| q.criterion_state.change)
        .run()
        .unwrap();
    assert_eq!((result.status, result.steps), (Status::Converged, 10));
    assert_eq!(result.trace[0], f64::INFINITY); // step 0 has no previous update
    assert_eq!(result.trace[9], 0.5_f64.powi(10));
    assert_eq!(result.params, 0.5_f64.powi(10));
}

#[test]
fn any_of_fires_on_either_rule_with_its_own_minimum() {
    // GradientNorm alone would fire at step 11 (above); LossNotDecreasing with a huge atol
    // fires at its min_num_steps 5. The combination stops at 5.
    let rule = AnyOf(
        GradientNorm::max_abs(1e-3),
        LossNotDecreasing::atol(1e9).with_min_num_steps(5),
    );
    let result = Minimize::new(square, 1.0, Sgd::new(0.25).unwrap())
        .criterion(rule)
        .trace(|q| (q.criterion_state.0.norm, q.criterion_state.1.previous_loss))
        .run()
        .unwrap();
    assert_eq!(result.steps, 6);
    assert_eq!(result.trace[5], (2.0 * 0.5_f64.powi(5), 0.25_f64.powi(5)));
}

#[test]
fn a_custom_criterion_gets_the_min_num_steps_gate_and_exposes_its_state() {
    /// Converged once the loss is below a target; counts its calls.
    struct LossBelow(f64);
    impl<P: Params<Scalar = f64>> Criterion<P> for LossBelow {
        type State = usize;
        fn init(&self, _: &P) -> usize {
            0
        }
        fn bootstrap(&self, calls: &mut usize, _: &StepData<'_, P>) {
            *calls += 1;
        }
        fn update(&self, calls: &mut usize, data: &StepData<'_, P>) -> bool {
            *calls += 1;
            data.loss < self.0
        }
        fn min_num_steps(&self) -> usize {
            3
        }
    }
    let result = Minimize::new(square, 1.0, Sgd::new(0.5).unwrap())
        .criterion(LossBelow(0.5))
        .trace(|q| *q.criterion_state)
        .run()
        .unwrap();
    // loss is 0 from step 1 on (one step lands on 0), but the gate holds until step 3.
    assert_eq!((result.status, result.steps), (Status::Converged, 4));
    assert_eq!(result.trace[..4], [1, 2, 3, 4]);
}

#[test]
fn invalid_criteria_are_configuration_errors_and_nothing_is_evaluated() {
    let evaluations = Cell::new(0);
    let counted = |x: &f64, g: &mut f64| {
        evaluations.set(evaluations.get() + 1);
        square(x, g)
    };
    let sgd = Sgd::new(0.1).unwrap();
    let lnd = |c: LossNotDecreasing| Minimize::new(counted, 1.0, sgd).criterion(c).run();
    let cases = [
        (
            lnd(LossNotDecreasing::atol(0.01).with_window_size(0.0)),
            "window_size",
            0.0,
        ),
        (
            lnd(LossNotDecreasing::atol(0.01).with_window_size(0.5)),
            "window_size",
            0.5,
        ),
        (
            lnd(LossNotDecreasing::atol(0.01).with_window_size(f64::INFINITY)),
            "window_size",
            f64::INFINITY,
        ),
        (lnd(LossNotDecreasing::atol(-0.01)), "atol", -0.01),
        (
            lnd(LossNotDecreasing::atol_rtol(0.01, f64::INFINITY)),
            "rtol",
            f64::INFINITY,
        ),
    ];
    for (result, parameter, value) in cases {
        let err = result.unwrap_err();
        assert_eq!((err.parameter(), err.value()), (parameter, value));
    }
    let err = lnd(LossNotDecreasing::rtol(f64::NAN)).unwrap_err();
    assert!(err.parameter() == "rtol" && err.value().is_nan());
    let err = Minimize::new(counted, 1.0, sgd)
        .criterion(SuccessiveGradientsAreUncorrelated::new().with_window_size(0.0))
        .run()
        .unwrap_err();
    assert_eq!(err.parameter(), "window_size");
    let err = Minimize::new(counted, 1.0, sgd)
        .criterion(AnyOf(
            GradientNorm::l2(1e-6),
            ParameterChange::max_abs(-1.0),
        ))
        .run()
        .unwrap_err();
    assert_eq!((err.parameter(), err.value()), ("tolerance", -1.0));
    assert!(err.to_string().contains("tolerance"));
    assert_eq!(evaluations.get(), 0);
}

fn square(x: &f64, g: &mut f64) -> f64 {
    *g = 2.0 * x;
    x * x
}
