//! [`GradientNorm`]: stop when the gradient is small, and the [`Norm`] it is measured in.

use super::{Criterion, StepData, check_tolerance};
use crate::error::ConfigError;
use crate::params::Params;
use crate::real::Real;

/// How a gradient or a parameter change is measured.
///
/// ```
/// use autodiff_runtime::minimize::Norm;
///
/// assert_eq!(Norm::MaxAbs.of(&[3.0_f64, -4.0]), 4.0);
/// assert_eq!(Norm::L2.of(&[3.0_f64, -4.0]), 5.0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Norm {
    /// `‖v‖∞ = maxᵢ |vᵢ|`, as in PyTorch's L-BFGS `tolerance_grad`, tfp's L-BFGS
    /// `tolerance` and scipy's `gtol`. The default.
    #[default]
    MaxAbs,
    /// `‖v‖₂ = √(Σᵢ vᵢ²)`.
    L2,
}

impl Norm {
    /// The norm of `v`.
    ///
    /// ```
    /// use autodiff_runtime::minimize::Norm;
    ///
    /// assert_eq!(Norm::L2.of(&(1.0_f64, [2.0, 2.0])), 3.0);
    /// ```
    #[inline]
    pub fn of<P: Params>(self, v: &P) -> P::Scalar {
        match self {
            Norm::MaxAbs => v.max_abs(),
            Norm::L2 => v.sum_of_squares().sqrt(),
        }
    }

    /// The norm of `a − b`, without allocating.
    ///
    /// ```
    /// use autodiff_runtime::minimize::Norm;
    ///
    /// assert_eq!(Norm::MaxAbs.of_difference(&[1.0_f64, 5.0], &[2.0, 3.0]), 2.0);
    /// ```
    pub fn of_difference<P: Params>(self, a: &P, b: &P) -> P::Scalar {
        let zero = P::Scalar::zero();
        match self {
            Norm::MaxAbs => P::zip_fold(a, b, zero, &mut |acc, x, y| {
                let d = (x - y).abs();
                if d > acc { d } else { acc }
            }),
            Norm::L2 => P::zip_fold(a, b, zero, &mut |acc, x, y| acc + (x - y) * (x - y)).sqrt(),
        }
    }
}

/// Converged when the gradient at `θ_t` is small: `‖g_t‖ ≤ tolerance` (max-abs norm by
/// default, as PyTorch's and tfp's L-BFGS and scipy measure it). `min_num_steps`
/// defaults to 0. Like every criterion it is first consulted at step 1, so a run started
/// at a stationary point still takes one step. Negative or non-finite tolerances are
/// [`ConfigError`]s.
///
/// ```
/// use autodiff_runtime::minimize::{Criterion, GradientNorm, StepData};
///
/// let rule = GradientNorm::l2(1e-3);
/// let x = [0.0_f64; 2];
/// let mut state = rule.init(&x);
/// let small = [3e-4, 4e-4];
/// assert!(rule.one_step(&mut state, &StepData { step: 1, loss: 0.0, gradients: &small, parameters: &x }));
/// assert!((state.norm - 5e-4).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientNorm {
    tolerance: f64,
    norm: Norm,
    min_num_steps: usize,
}

/// The state of [`GradientNorm`]: the latest gradient norm.
///
/// ```
/// use autodiff_runtime::minimize::{Criterion, GradientNorm};
///
/// let state = GradientNorm::max_abs(1e-6).init(&1.0_f64);
/// assert_eq!(state.norm, f64::INFINITY); // nothing measured yet
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientNormState<S> {
    /// `‖g_t‖` at the latest step (`∞` before the first).
    pub norm: S,
}

impl GradientNorm {
    /// Converged when `maxᵢ |g_t[i]| ≤ tolerance`.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{GradientNorm, Norm};
    ///
    /// assert_eq!(GradientNorm::max_abs(1e-5).norm(), Norm::MaxAbs);
    /// ```
    pub const fn max_abs(tolerance: f64) -> Self {
        Self::new(tolerance, Norm::MaxAbs)
    }

    /// Converged when `‖g_t‖₂ ≤ tolerance`.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{GradientNorm, Norm};
    ///
    /// assert_eq!(GradientNorm::l2(1e-5).norm(), Norm::L2);
    /// ```
    pub const fn l2(tolerance: f64) -> Self {
        Self::new(tolerance, Norm::L2)
    }

    /// Converged when `‖g_t‖ ≤ tolerance` in the given norm.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{GradientNorm, Norm};
    ///
    /// assert_eq!(GradientNorm::new(1e-5, Norm::L2), GradientNorm::l2(1e-5));
    /// ```
    pub const fn new(tolerance: f64, norm: Norm) -> Self {
        GradientNorm {
            tolerance,
            norm,
            min_num_steps: 0,
        }
    }

    /// Sets the first step at which convergence may be reported (default 0).
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Criterion, GradientNorm};
    ///
    /// let rule = GradientNorm::max_abs(1e-5).with_min_num_steps(10);
    /// assert_eq!(Criterion::<f64>::min_num_steps(&rule), 10);
    /// ```
    pub const fn with_min_num_steps(mut self, min_num_steps: usize) -> Self {
        self.min_num_steps = min_num_steps;
        self
    }

    /// The tolerance.
    ///
    /// ```
    /// use autodiff_runtime::minimize::GradientNorm;
    ///
    /// assert_eq!(GradientNorm::max_abs(1e-5).tolerance(), 1e-5);
    /// ```
    pub const fn tolerance(&self) -> f64 {
        self.tolerance
    }

    /// The norm the gradient is measured in.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{GradientNorm, Norm};
    ///
    /// assert_eq!(GradientNorm::l2(1.0).norm(), Norm::L2);
    /// ```
    pub const fn norm(&self) -> Norm {
        self.norm
    }
}

impl<P: Params> Criterion<P> for GradientNorm {
    type State = GradientNormState<P::Scalar>;

    fn init(&self, _: &P) -> Self::State {
        GradientNormState {
            norm: P::Scalar::from_f64(f64::INFINITY),
        }
    }

    fn bootstrap(&self, state: &mut Self::State, data: &StepData<'_, P>) {
        state.norm = self.norm.of(data.gradients);
    }

    fn update(&self, state: &mut Self::State, data: &StepData<'_, P>) -> bool {
        state.norm = self.norm.of(data.gradients);
        state.norm <= P::Scalar::from_f64(self.tolerance)
    }

    fn min_num_steps(&self) -> usize {
        self.min_num_steps
    }

    fn validate(&self) -> Result<(), ConfigError> {
        check_tolerance("tolerance", self.tolerance)
    }
}
