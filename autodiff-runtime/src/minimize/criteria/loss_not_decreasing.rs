//! [`LossNotDecreasing`]: stop when a moving average of the loss decrease is small.

use super::{Criterion, StepData, check_tolerance, check_window, decay};
use crate::error::ConfigError;
use crate::params::Params;
use crate::real::Real;

/// tfp's `LossNotDecreasing`: converged when an exponentially weighted moving average of
/// the per-step loss decrease falls below a threshold.
///
/// With `λ = 1 − 1/window_size`, at step `t ≥ 1`:
///
/// ```text
/// d_t = loss_{t−1} − loss_t
/// A_t = d_t + λ·(A_{t−1} − d_t)                       A_0 = 0
/// converged_t = A_t < max(atol, rtol · I_{t−1})       (a missing tolerance counts as 0)
/// I_t = A_t if t ≤ window_size else I_{t−1}           I_0 = 0
/// ```
///
/// and `converged_t &= t ≥ min_num_steps`. `I` (the "average initial decrease") is thus
/// the moving average at step `window_size`.
///
/// **Choosing a tolerance is not optional.** tfp raises `ValueError` when neither `atol`
/// nor `rtol` is given; here there is no constructor without one: [`atol`](Self::atol),
/// [`rtol`](Self::rtol) or [`atol_rtol`](Self::atol_rtol). Defaults: `window_size` 10,
/// `min_num_steps` 20, as in tfp.
///
/// Behaviour kept from tfp, deliberately:
/// * a *rising* loss gives a negative average, which is below any threshold `≥ 0`, so it
///   counts as converged (the rule detects "not decreasing", not "small");
/// * with only `rtol`, the threshold compares against `I_{t−1}`, which is 0 at step 1, so
///   the rule is meaningful only once `min_num_steps` exceeds `window_size`;
/// * on a batch the rule is elementwise: each member has its own state and
///   `has_converged` (see [`BatchMinimize`](crate::minimize::BatchMinimize)).
///
/// Invalid settings — a tolerance that is negative or not finite, a window size below 1
/// or infinite (tfp accepts `inf`, but then `λ = 1` freezes `A_t` at 0 and the rule fires
/// at `min_num_steps` whatever the loss does) — are reported as
/// [`ConfigError`]s when the run starts.
///
/// ```
/// use autodiff_runtime::minimize::{Criterion, LossNotDecreasing, StepData};
///
/// let rule = LossNotDecreasing::atol(0.1).with_window_size(2.0).with_min_num_steps(0);
/// let (g, x) = (0.0_f64, 0.0_f64);
/// let at = |step, loss| StepData { step, loss, gradients: &g, parameters: &x };
/// let mut state = rule.init(&x);
/// rule.bootstrap(&mut state, &at(0, 10.0));
/// assert!(!rule.one_step(&mut state, &at(1, 9.0))); // d = 1,   A = 1 + ½(0 − 1) = 0.5
/// assert!(!rule.one_step(&mut state, &at(2, 8.9))); // d ≈ 0.1, A ≈ 0.3
/// assert!(!rule.one_step(&mut state, &at(3, 8.9))); // d = 0,   A ≈ 0.15
/// assert!(rule.one_step(&mut state, &at(4, 8.9))); //  d = 0,   A ≈ 0.075 < 0.1
/// assert!((state.average_decrease_in_loss - 0.075).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossNotDecreasing {
    atol: Option<f64>,
    rtol: Option<f64>,
    window_size: f64,
    min_num_steps: usize,
}

/// The state of [`LossNotDecreasing`] (tfp's `LossNotDecreasingState`), visible to traces.
///
/// ```
/// use autodiff_runtime::minimize::{Criterion, LossNotDecreasing, StepData};
///
/// let rule = LossNotDecreasing::atol(0.01);
/// let (g, x) = (0.0_f64, 0.0_f64);
/// let mut state = rule.init(&x);
/// rule.bootstrap(&mut state, &StepData { step: 0, loss: 4.0, gradients: &g, parameters: &x });
/// assert_eq!(state.previous_loss, 4.0);
/// assert_eq!(state.average_decrease_in_loss, 0.0);
/// assert_eq!(state.average_initial_decrease_in_loss, 0.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossNotDecreasingState<S> {
    /// `loss_t`, the loss of the latest step.
    pub previous_loss: S,
    /// `A_t`, the moving average of the per-step decrease.
    pub average_decrease_in_loss: S,
    /// `I_t`, the moving average frozen at step `window_size`.
    pub average_initial_decrease_in_loss: S,
}

impl LossNotDecreasing {
    /// Converged when the averaged decrease is below `atol`.
    ///
    /// ```
    /// use autodiff_runtime::minimize::LossNotDecreasing;
    ///
    /// let rule = LossNotDecreasing::atol(0.01);
    /// assert_eq!(rule.tolerances(), (Some(0.01), None));
    /// ```
    pub const fn atol(atol: f64) -> Self {
        Self::new(Some(atol), None)
    }

    /// Converged when the averaged decrease is below `rtol` times the average decrease
    /// over the first `window_size` steps.
    ///
    /// ```
    /// use autodiff_runtime::minimize::LossNotDecreasing;
    ///
    /// assert_eq!(LossNotDecreasing::rtol(0.1).tolerances(), (None, Some(0.1)));
    /// ```
    pub const fn rtol(rtol: f64) -> Self {
        Self::new(None, Some(rtol))
    }

    /// Converged when either threshold is met (the larger threshold is used).
    ///
    /// ```
    /// use autodiff_runtime::minimize::LossNotDecreasing;
    ///
    /// assert_eq!(LossNotDecreasing::atol_rtol(0.01, 0.1).tolerances(), (Some(0.01), Some(0.1)));
    /// ```
    pub const fn atol_rtol(atol: f64, rtol: f64) -> Self {
        Self::new(Some(atol), Some(rtol))
    }

    const fn new(atol: Option<f64>, rtol: Option<f64>) -> Self {
        LossNotDecreasing {
            atol,
            rtol,
            window_size: 10.0,
            min_num_steps: 20,
        }
    }

    /// Sets the effective window of the moving average (default 10; `λ = 1 − 1/w`).
    ///
    /// ```
    /// use autodiff_runtime::minimize::LossNotDecreasing;
    ///
    /// assert_eq!(LossNotDecreasing::atol(0.1).with_window_size(5.0).window_size(), 5.0);
    /// ```
    pub const fn with_window_size(mut self, window_size: f64) -> Self {
        self.window_size = window_size;
        self
    }

    /// Sets the first step at which convergence may be reported (default 20).
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Criterion, LossNotDecreasing};
    ///
    /// let rule = LossNotDecreasing::atol(0.1).with_min_num_steps(3);
    /// assert_eq!(Criterion::<f64>::min_num_steps(&rule), 3);
    /// ```
    pub const fn with_min_num_steps(mut self, min_num_steps: usize) -> Self {
        self.min_num_steps = min_num_steps;
        self
    }

    /// `(atol, rtol)` as configured.
    ///
    /// ```
    /// use autodiff_runtime::minimize::LossNotDecreasing;
    ///
    /// assert_eq!(LossNotDecreasing::rtol(0.5).tolerances().1, Some(0.5));
    /// ```
    pub const fn tolerances(&self) -> (Option<f64>, Option<f64>) {
        (self.atol, self.rtol)
    }

    /// The window size.
    ///
    /// ```
    /// use autodiff_runtime::minimize::LossNotDecreasing;
    ///
    /// assert_eq!(LossNotDecreasing::atol(0.1).window_size(), 10.0);
    /// ```
    pub const fn window_size(&self) -> f64 {
        self.window_size
    }
}

impl<P: Params> Criterion<P> for LossNotDecreasing {
    type State = LossNotDecreasingState<P::Scalar>;

    fn init(&self, _: &P) -> Self::State {
        let zero = P::Scalar::zero();
        LossNotDecreasingState {
            previous_loss: zero,
            average_decrease_in_loss: zero,
            average_initial_decrease_in_loss: zero,
        }
    }

    fn bootstrap(&self, state: &mut Self::State, data: &StepData<'_, P>) {
        *state = Criterion::<P>::init(self, data.parameters);
        state.previous_loss = data.loss;
    }

    fn update(&self, state: &mut Self::State, data: &StepData<'_, P>) -> bool {
        let to_scalar = |t: Option<f64>| P::Scalar::from_f64(t.unwrap_or(0.0));
        let (atol, rtol) = (to_scalar(self.atol), to_scalar(self.rtol));
        let decay: P::Scalar = decay(self.window_size);
        let decrease = state.previous_loss - data.loss;
        let average = decrease + decay * (state.average_decrease_in_loss - decrease);
        let threshold = atol.max(rtol * state.average_initial_decrease_in_loss);
        let converged = average < threshold;
        state.previous_loss = data.loss;
        state.average_decrease_in_loss = average;
        if data.step as f64 <= self.window_size {
            state.average_initial_decrease_in_loss = average;
        }
        converged
    }

    fn min_num_steps(&self) -> usize {
        self.min_num_steps
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if let Some(atol) = self.atol {
            check_tolerance("atol", atol)?;
        }
        if let Some(rtol) = self.rtol {
            check_tolerance("rtol", rtol)?;
        }
        check_window(self.window_size)
    }
}
