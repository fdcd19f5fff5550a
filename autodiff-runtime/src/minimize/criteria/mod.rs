//! Convergence criteria: the [`Criterion`] trait and the rules tfp offers, plus two more.
//!
//! The protocol and the table of rules are documented in the parent module
//! ([`crate::minimize`]) and on [`Criterion`].

mod gradient_norm;
mod loss_not_decreasing;
mod parameter_change;
mod successive_gradients;

pub use gradient_norm::{GradientNorm, GradientNormState, Norm};
pub use loss_not_decreasing::{LossNotDecreasing, LossNotDecreasingState};
pub use parameter_change::{ParameterChange, ParameterChangeState};
pub use successive_gradients::{
    GradientReference, SuccessiveGradientsAreUncorrelated, SuccessiveGradientsState,
};

use crate::error::ConfigError;
use crate::params::Params;
use crate::real::Real;

/// What a criterion sees at one step (tfp's `one_step(step, loss, grads, parameters)`).
///
/// ```
/// use autodiff_runtime::minimize::StepData;
///
/// let (g, theta) = (0.5_f64, 0.95_f64);
/// let data = StepData { step: 1, loss: 0.25, gradients: &g, parameters: &theta };
/// assert_eq!(*data.parameters, 0.95);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct StepData<'a, P: Params> {
    /// The step index `t` (0 for the bootstrap step).
    pub step: usize,
    /// The loss at `θ_t`, evaluated before the update.
    pub loss: P::Scalar,
    /// The gradient at `θ_t`.
    pub gradients: &'a P,
    /// The parameters `θ_{t+1}` after the update.
    pub parameters: &'a P,
}

/// A stopping rule in tfp's sense. Implement it for your own rules.
///
/// The driver creates the state with [`init`](Criterion::init), calls
/// [`bootstrap`](Criterion::bootstrap) at step 0 and [`one_step`](Criterion::one_step) at
/// every later step; implementors write `update` (the raw rule) and the driver-facing
/// `one_step` adds the `min_num_steps` gate, so custom rules get tfp's semantics for free.
///
/// ```
/// use autodiff_runtime::minimize::{Criterion, StepData};
/// use autodiff_runtime::Params;
///
/// /// Stops once the loss is below a target.
/// struct LossBelow(f64);
///
/// impl<P: Params<Scalar = f64>> Criterion<P> for LossBelow {
///     type State = ();
///     fn init(&self, _: &P) {}
///     fn bootstrap(&self, _: &mut (), _: &StepData<'_, P>) {}
///     fn update(&self, _: &mut (), data: &StepData<'_, P>) -> bool {
///         data.loss < self.0
///     }
/// }
///
/// let (g, x) = (0.0, 0.0);
/// let data = StepData { step: 3, loss: 0.5, gradients: &g, parameters: &x };
/// assert!(LossBelow(1.0).one_step(&mut (), &data));
/// ```
pub trait Criterion<P: Params> {
    /// What the rule carries from step to step (moving averages, previous values).
    type State;

    /// A state for parameters shaped like `params`, before step 0. Called once per
    /// problem (per batch member).
    fn init(&self, params: &P) -> Self::State;

    /// Step 0: records the initial loss, gradient and parameters (tfp's `bootstrap`).
    /// Step 0 never counts as converged.
    fn bootstrap(&self, state: &mut Self::State, data: &StepData<'_, P>);

    /// Step `t ≥ 1`: updates the state and says whether the raw rule holds, before the
    /// `min_num_steps` gate (tfp's `_one_step`).
    fn update(&self, state: &mut Self::State, data: &StepData<'_, P>) -> bool;

    /// The step before which convergence is never reported (tfp's `min_num_steps`).
    fn min_num_steps(&self) -> usize {
        0
    }

    /// Checks the configuration; called by the driver before the first step.
    fn validate(&self) -> Result<(), ConfigError> {
        Ok(())
    }

    /// [`update`](Criterion::update) followed by tfp's
    /// `has_converged &= step >= min_num_steps`. The driver calls this; implementors
    /// should not override it.
    fn one_step(&self, state: &mut Self::State, data: &StepData<'_, P>) -> bool {
        let raw = self.update(state, data);
        raw && data.step >= self.min_num_steps()
    }
}

/// No criterion: the run always takes `max_steps` steps (tfp's
/// `convergence_criterion=None`). The default of [`Minimize`](super::Minimize).
///
/// ```
/// use autodiff_runtime::minimize::{Criterion, NoCriterion, StepData};
///
/// let (g, x) = (0.0_f64, 0.0_f64);
/// let data = StepData { step: 100, loss: 0.0, gradients: &g, parameters: &x };
/// assert!(!NoCriterion.one_step(&mut (), &data));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoCriterion;

impl<P: Params> Criterion<P> for NoCriterion {
    type State = ();
    fn init(&self, _: &P) {}
    fn bootstrap(&self, _: &mut (), _: &StepData<'_, P>) {}
    fn update(&self, _: &mut (), _: &StepData<'_, P>) -> bool {
        false
    }
}

/// Converged when either criterion is (each with its own `min_num_steps`). Both are
/// updated at every step; nest `AnyOf` for more.
///
/// ```
/// use autodiff_runtime::minimize::{AnyOf, Criterion, GradientNorm, LossNotDecreasing, StepData};
///
/// let rule = AnyOf(LossNotDecreasing::atol(0.01), GradientNorm::max_abs(1e-8));
/// let (g, x) = (0.0_f64, 5.0_f64);
/// let mut state = Criterion::<f64>::init(&rule, &x);
/// let data = StepData { step: 0, loss: 1.0, gradients: &g, parameters: &x };
/// rule.bootstrap(&mut state, &data);
/// // A zero gradient at step 1 satisfies GradientNorm (min_num_steps 0) right away.
/// assert!(rule.one_step(&mut state, &StepData { step: 1, ..data }));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AnyOf<A, B>(pub A, pub B);

impl<P: Params, A: Criterion<P>, B: Criterion<P>> Criterion<P> for AnyOf<A, B> {
    type State = (A::State, B::State);

    fn init(&self, params: &P) -> Self::State {
        (self.0.init(params), self.1.init(params))
    }

    fn bootstrap(&self, state: &mut Self::State, data: &StepData<'_, P>) {
        self.0.bootstrap(&mut state.0, data);
        self.1.bootstrap(&mut state.1, data);
    }

    fn update(&self, state: &mut Self::State, data: &StepData<'_, P>) -> bool {
        let a = self.0.one_step(&mut state.0, data);
        let b = self.1.one_step(&mut state.1, data);
        a || b
    }

    fn validate(&self) -> Result<(), ConfigError> {
        Criterion::<P>::validate(&self.0)?;
        Criterion::<P>::validate(&self.1)
    }
}

/// `1 − 1/window_size`, computed in the loss's float type as tfp does.
pub(crate) fn decay<S: Real>(window_size: f64) -> S {
    S::one() - S::one() / S::from_f64(window_size)
}

/// Checks a moving-average window: finite and at least 1.
pub(crate) fn check_window(window_size: f64) -> Result<(), ConfigError> {
    if window_size >= 1.0 && window_size.is_finite() {
        Ok(())
    } else {
        Err(ConfigError::new(
            "window_size",
            window_size,
            "a finite number >= 1",
        ))
    }
}

/// Checks a tolerance: finite and non-negative.
pub(crate) fn check_tolerance(name: &'static str, value: f64) -> Result<(), ConfigError> {
    if value >= 0.0 && value.is_finite() {
        Ok(())
    } else {
        Err(ConfigError::new(name, value, "a finite number >= 0"))
    }
}
