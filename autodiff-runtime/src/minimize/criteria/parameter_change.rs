//! [`ParameterChange`]: stop when an update barely moves the parameters.

use super::{Criterion, Norm, StepData, check_tolerance};
use crate::error::ConfigError;
use crate::params::Params;
use crate::real::Real;

/// Converged when the latest update moved the parameters by at most `tolerance`:
/// `‖θ_{t+1} − θ_t‖ ≤ tolerance` (max-abs norm by default, like tfp's L-BFGS
/// `x_tolerance`). The state keeps a copy of the parameters (no allocation for fixed-size
/// parameters). `min_num_steps` defaults to 0. Negative or non-finite tolerances are
/// [`ConfigError`]s.
///
/// Note that a first-order optimizer with a fixed learning rate moves by `lr·g`, so this
/// is a gradient tolerance scaled by the step size; with adaptive optimizers (Adam's steps
/// are about `lr` until very close to the optimum) it may take long to fire.
///
/// ```
/// use autodiff_runtime::minimize::{Criterion, ParameterChange, StepData};
///
/// let rule = ParameterChange::max_abs(0.01);
/// let g = [0.0_f64; 2];
/// let mut state = rule.init(&g);
/// rule.bootstrap(&mut state, &StepData { step: 0, loss: 1.0, gradients: &g, parameters: &[1.0, 1.0] });
/// assert!(!rule.one_step(&mut state, &StepData { step: 1, loss: 1.0, gradients: &g, parameters: &[1.1, 1.0] }));
/// assert!(rule.one_step(&mut state, &StepData { step: 2, loss: 1.0, gradients: &g, parameters: &[1.1, 0.995] }));
/// assert!((state.change - 0.005).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParameterChange {
    tolerance: f64,
    norm: Norm,
    min_num_steps: usize,
}

/// The state of [`ParameterChange`].
///
/// ```
/// use autodiff_runtime::minimize::{Criterion, ParameterChange};
///
/// let state = ParameterChange::l2(1e-6).init(&[0.0_f64; 3]);
/// assert_eq!(state.change, f64::INFINITY); // nothing measured yet
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterChangeState<P: Params> {
    /// `θ_{t+1}` of the latest step.
    pub previous_parameters: P,
    /// `‖θ_{t+1} − θ_t‖` of the latest step (`∞` before step 1).
    pub change: P::Scalar,
}

impl ParameterChange {
    /// Converged when `maxᵢ |θ_{t+1}[i] − θ_t[i]| ≤ tolerance`.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Norm, ParameterChange};
    ///
    /// assert_eq!(ParameterChange::max_abs(1e-9).norm(), Norm::MaxAbs);
    /// ```
    pub const fn max_abs(tolerance: f64) -> Self {
        Self::new(tolerance, Norm::MaxAbs)
    }

    /// Converged when `‖θ_{t+1} − θ_t‖₂ ≤ tolerance`.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Norm, ParameterChange};
    ///
    /// assert_eq!(ParameterChange::l2(1e-9).norm(), Norm::L2);
    /// ```
    pub const fn l2(tolerance: f64) -> Self {
        Self::new(tolerance, Norm::L2)
    }

    /// Converged when `‖θ_{t+1} − θ_t‖ ≤ tolerance` in the given norm.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Norm, ParameterChange};
    ///
    /// assert_eq!(ParameterChange::new(0.1, Norm::L2).tolerance(), 0.1);
    /// ```
    pub const fn new(tolerance: f64, norm: Norm) -> Self {
        ParameterChange {
            tolerance,
            norm,
            min_num_steps: 0,
        }
    }

    /// Sets the first step at which convergence may be reported (default 0).
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Criterion, ParameterChange};
    ///
    /// let rule = ParameterChange::max_abs(1e-9).with_min_num_steps(4);
    /// assert_eq!(Criterion::<f64>::min_num_steps(&rule), 4);
    /// ```
    pub const fn with_min_num_steps(mut self, min_num_steps: usize) -> Self {
        self.min_num_steps = min_num_steps;
        self
    }

    /// The tolerance.
    ///
    /// ```
    /// use autodiff_runtime::minimize::ParameterChange;
    ///
    /// assert_eq!(ParameterChange::max_abs(1e-9).tolerance(), 1e-9);
    /// ```
    pub const fn tolerance(&self) -> f64 {
        self.tolerance
    }

    /// The norm the change is measured in.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Norm, ParameterChange};
    ///
    /// assert_eq!(ParameterChange::l2(1.0).norm(), Norm::L2);
    /// ```
    pub const fn norm(&self) -> Norm {
        self.norm
    }
}

impl<P: Params> Criterion<P> for ParameterChange {
    type State = ParameterChangeState<P>;

    fn init(&self, params: &P) -> Self::State {
        ParameterChangeState {
            previous_parameters: params.clone(),
            change: P::Scalar::from_f64(f64::INFINITY),
        }
    }

    fn bootstrap(&self, state: &mut Self::State, data: &StepData<'_, P>) {
        state.previous_parameters.copy_from(data.parameters);
    }

    fn update(&self, state: &mut Self::State, data: &StepData<'_, P>) -> bool {
        state.change = self
            .norm
            .of_difference(data.parameters, &state.previous_parameters);
        state.previous_parameters.copy_from(data.parameters);
        state.change <= P::Scalar::from_f64(self.tolerance)
    }

    fn min_num_steps(&self) -> usize {
        self.min_num_steps
    }

    fn validate(&self) -> Result<(), ConfigError> {
        check_tolerance("tolerance", self.tolerance)
    }
}
