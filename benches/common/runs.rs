//! Whole optimisation runs: 1000 steps of Adam on Rosenbrock through the `Minimize`
//! driver with the generated gradient, and the same written out by hand (hand-written
//! gradient, PyTorch's Adam update in a plain loop). Both start from the same point with
//! the same hyperparameters and end at the same parameters (checked in [`check_runs`]).
//!
//! Every variant returns the final parameters *and* the last loss, as `Minimize` does: a
//! hand loop whose loss is never used lets the compiler delete the loss computation (the
//! running sum of the objective, a chain of dependent additions), which no real training
//! loop — one that logs or stops on its loss — can do.

use autodiff::minimize::Minimize;
use autodiff::optim::Adam;

use super::rosenbrock2_value_and_grad;
use super::{rosenbrock_array_value_and_grad_into, rosenbrock_hand_into, rosenbrock2_hand};

/// How a hand loop computes the bias corrections `1 - βᵗ`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Powers {
    /// `beta.powf(t)` at every step, as PyTorch writes it.
    EveryStep,
    /// As the runtime's Adam does: no `powf` once `βᵗ < 2⁻⁵⁶` (the correction is then
    /// exactly 1 for every later step). The same results bit for bit.
    SkipNegligible,
}

/// Whether a hand loop guards its run as the driver does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// No checks: the loop trusts every loss, gradient and update.
    None,
    /// The driver's checks, written as plainly: keep the parameters before each update; on
    /// a non-finite loss or gradient go back to the last ones (and keep the last finite
    /// loss), on a non-finite update to those before it; then stop.
    Checked,
}

/// `βᵗ`, or — once the last power was negligible and `powers` allows — that power kept.
#[inline]
fn power(powers: Powers, beta: f64, t: f64, last: f64) -> f64 {
    if powers == Powers::SkipNegligible && last.abs() < 1.0 / (1u64 << 56) as f64 {
        last
    } else {
        powf_not_speculated(beta, t)
    }
}

/// `powf` in a call LLVM may not hoist out of [`power`]'s branch (it would call it every
/// step and select the result).
#[inline(never)]
fn powf_not_speculated(beta: f64, t: f64) -> f64 {
    beta.powf(t)
}

/// `steps` steps of PyTorch's Adam (`torch.optim.Adam`, single-tensor path: `lr`, betas
/// (0.9, 0.999), eps 1e-8) written out as a plain loop over arrays, operation for operation
/// as PyTorch computes it (`beta ** step` with `powf`, `exp_avg.lerp_(grad, 1 - beta1)`), so
/// it ends bit for bit where the runtime's `Adam` ends with the same gradient (checked in
/// [`check_runs`]), with or without skipping negligible powers and guarding the run.
/// Returns the final parameters and the last loss.
pub fn adam_loop<const N: usize>(
    mut p: [f64; N],
    lr: f64,
    steps: usize,
    (powers, guard): (Powers, Guard),
    mut value_and_grad: impl FnMut(&[f64; N], &mut [f64; N]) -> f64,
) -> ([f64; N], f64) {
    let (beta1, beta2, eps) = (0.9_f64, 0.999_f64, 1e-8);
    let (w1, c2) = (1.0 - beta1, 1.0 - beta2);
    let mut m = [0.0; N];
    let mut v = [0.0; N];
    let mut g = [0.0; N];
    let mut before = p;
    let mut loss = 0.0;
    let (mut power1, mut power2) = (1.0, 1.0);
    let checked = guard == Guard::Checked;
    // `x - x` is zero exactly when `x` is finite: one OR over the bits checks many values.
    #[allow(clippy::eq_op)]
    let non_finite = |x: f64| (x - x).to_bits();
    for t in 1..=steps {
        let evaluated = value_and_grad(&p, &mut g);
        if checked
            && g.iter()
                .fold(non_finite(evaluated), |bad, &gi| bad | non_finite(gi))
                != 0
        {
            p = before;
            break;
        }
        loss = evaluated;
        let t = t as f64;
        (power1, power2) = (
            power(powers, beta1, t, power1),
            power(powers, beta2, t, power2),
        );
        let neg_step = -(lr / (1.0 - power1));
        let bc2_sqrt = (1.0 - power2).sqrt();
        let mut bad = 0;
        for i in 0..N {
            if checked {
                before[i] = p[i];
            }
            // torch.lerp with weight < 0.5: start + weight * (end - start)
            m[i] += w1 * (g[i] - m[i]);
            v[i] = v[i] * beta2 + c2 * g[i] * g[i];
            p[i] += neg_step * m[i] / (v[i].sqrt() / bc2_sqrt + eps);
            if checked {
                bad |= non_finite(p[i]);
            }
        }
        if bad != 0 {
            p = before;
            break;
        }
    }
    (p, loss)
}

/// Steps per run.
pub const STEPS: usize = 1000;

/// What a run delivers: the final parameters and the last loss (at the parameters before
/// the last update, as in tfp's trace and `MinimizeResult::loss`).
pub type Run<const N: usize> = ([f64; N], f64);

/// The parameters and last loss of a driver run that took every step.
fn finished<const N: usize>(run: autodiff::minimize::MinimizeResult<[f64; N]>) -> Run<N> {
    assert_eq!(run.steps, STEPS);
    (run.params, run.loss.expect("a finite loss"))
}

pub fn minimize_2d(x0: [f64; 2]) -> Run<2> {
    finished(
        Minimize::new(
            |p: &[f64; 2], g: &mut [f64; 2]| {
                let (f, (dx, dy)) = rosenbrock2_value_and_grad(p[0], p[1]);
                *g = [dx, dy];
                f
            },
            x0,
            Adam::new(0.01).expect("valid Adam settings"),
        )
        .max_steps(STEPS)
        .run()
        .expect("valid driver settings"),
    )
}

pub fn hand_2d(x0: [f64; 2]) -> Run<2> {
    hand_2d_with((Powers::EveryStep, Guard::None), x0)
}

/// [`hand_2d`] skipping negligible powers as the runtime's Adam does.
pub fn hand_2d_skipping_powers(x0: [f64; 2]) -> Run<2> {
    hand_2d_with((Powers::SkipNegligible, Guard::None), x0)
}

/// [`hand_2d_skipping_powers`] with the driver's checks: the same work as the driver does,
/// so what is left of the difference is the driver's.
pub fn hand_2d_skipping_powers_checked(x0: [f64; 2]) -> Run<2> {
    hand_2d_with((Powers::SkipNegligible, Guard::Checked), x0)
}

fn hand_2d_with(variant: (Powers, Guard), x0: [f64; 2]) -> Run<2> {
    adam_loop(x0, 0.01, STEPS, variant, |p, g| {
        let (f, (dx, dy)) = rosenbrock2_hand(p[0], p[1]);
        *g = [dx, dy];
        f
    })
}

pub fn minimize_100d(x0: [f64; 100]) -> Run<100> {
    finished(
        Minimize::new(
            rosenbrock_array_value_and_grad_into::<100>,
            x0,
            Adam::new(0.01).expect("valid Adam settings"),
        )
        .max_steps(STEPS)
        .run()
        .expect("valid driver settings"),
    )
}

pub fn hand_100d(x0: [f64; 100]) -> Run<100> {
    hand_100d_with((Powers::EveryStep, Guard::None), x0)
}

/// [`hand_100d`] doing the driver's work: skipping negligible powers, with its checks.
pub fn hand_100d_skipping_powers_checked(x0: [f64; 100]) -> Run<100> {
    hand_100d_with((Powers::SkipNegligible, Guard::Checked), x0)
}

fn hand_100d_with(variant: (Powers, Guard), x0: [f64; 100]) -> Run<100> {
    adam_loop(x0, 0.01, STEPS, variant, |p, g| rosenbrock_hand_into(p, g))
}

/// The driver with the hand-written gradient: separates the driver's cost from the
/// gradient's.
pub fn minimize_hand_grad_100d(x0: [f64; 100]) -> Run<100> {
    finished(
        Minimize::new(
            |p: &[f64; 100], g: &mut [f64; 100]| rosenbrock_hand_into(p, g),
            x0,
            Adam::new(0.01).expect("valid Adam settings"),
        )
        .max_steps(STEPS)
        .run()
        .expect("valid driver settings"),
    )
}

/// The hand-written loop with the generated gradient: the other half of the split.
pub fn hand_loop_generated_grad_100d(x0: [f64; 100]) -> Run<100> {
    adam_loop(
        x0,
        0.01,
        STEPS,
        (Powers::EveryStep, Guard::None),
        rosenbrock_array_value_and_grad_into::<100>,
    )
}

/// The 2-D start: the classic (-1.2, 1).
pub const X0_2D: [f64; 2] = [-1.2, 1.0];

/// The 100-D start: (-1.2, 1) repeated.
pub fn x0_100d() -> [f64; 100] {
    core::array::from_fn(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
}

/// Every variant of a run ends where the hand-written loop ends: bit for bit with the same
/// gradient (the driver's Adam is the hand loop's arithmetic), within 1e-9 with the other
/// gradient (the generated and hand-written gradients differ in the last bits).
pub fn check_runs() {
    let close = |a: Run<2>, b: Run<2>, what: &str| close_runs(&a.0, a.1, &b.0, b.1, what);
    close(
        minimize_2d(X0_2D),
        hand_2d(X0_2D),
        "2-D minimize vs hand loop",
    );
    assert_eq!(
        hand_2d_skipping_powers(X0_2D),
        hand_2d(X0_2D),
        "2-D hand loop skipping negligible powers vs computing them: not bit for bit"
    );
    assert_eq!(
        hand_2d_skipping_powers_checked(X0_2D),
        hand_2d(X0_2D),
        "2-D hand loop with the driver's checks vs without: not bit for bit"
    );
    check_guards();
    let x0 = x0_100d();
    let hand = hand_100d(x0);
    let minimize = minimize_100d(x0);
    close_runs(
        &minimize.0,
        minimize.1,
        &hand.0,
        hand.1,
        "100-D minimize vs hand loop",
    );
    assert_eq!(
        hand_100d_skipping_powers_checked(x0),
        hand,
        "100-D hand loop doing the driver's work vs without: not bit for bit"
    );
    assert_eq!(
        minimize_hand_grad_100d(x0),
        hand,
        "100-D minimize with the hand-written gradient vs hand loop: not bit for bit"
    );
    assert_eq!(
        hand_loop_generated_grad_100d(x0),
        minimize,
        "100-D hand loop with the generated gradient vs minimize: not bit for bit"
    );
}

/// The checked hand loop stops where the driver stops: on a non-finite loss (step 5) and on
/// a non-finite gradient (step 7), at the same parameters with the same last loss.
fn check_guards() {
    for (bad_call, bad_loss) in [(5, true), (7, false)] {
        let objective = || {
            let mut calls = 0;
            move |p: &[f64; 2], g: &mut [f64; 2]| {
                calls += 1;
                let (f, (dx, dy)) = rosenbrock2_hand(p[0], p[1]);
                *g = [dx, dy];
                match (calls == bad_call, bad_loss) {
                    (true, true) => f64::NAN,
                    (true, false) => {
                        g[1] = f64::INFINITY;
                        f
                    }
                    _ => f,
                }
            }
        };
        let hand = adam_loop(
            X0_2D,
            0.01,
            STEPS,
            (Powers::SkipNegligible, Guard::Checked),
            objective(),
        );
        let run = Minimize::new(
            objective(),
            X0_2D,
            Adam::new(0.01).expect("valid Adam settings"),
        )
        .max_steps(STEPS)
        .run()
        .expect("valid driver settings");
        assert_eq!(run.steps, bad_call - 1);
        assert_eq!(
            (run.params, run.loss.expect("a finite loss")),
            hand,
            "checked hand loop vs the driver when evaluation {bad_call} fails"
        );
    }
}

/// Parameters within 1e-9 and losses within 1e-9 relative.
fn close_runs(a: &[f64], loss_a: f64, b: &[f64], loss_b: f64, what: &str) {
    for (p, q) in a.iter().zip(b) {
        assert!((p - q).abs() < 1e-9, "{what}: {p} vs {q}");
    }
    assert!(
        (loss_a - loss_b).abs() <= 1e-9 * loss_b.abs().max(1.0),
        "{what}: loss {loss_a} vs {loss_b}"
    );
}
