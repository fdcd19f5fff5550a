//! What a run returns: [`MinimizeResult`] and the reason it stopped, [`Status`].
//!
//! Modelled on scipy's `OptimizeResult`: the final parameters, the last loss and gradient
//! norm, counts of steps and objective evaluations, and a status that says why the loop
//! ended. A run never hands back non-finite parameters: when the loss, the gradient or an
//! update stops being finite, the driver rolls back to the last parameters whose loss and
//! gradient were finite and says so in [`Status`].

use super::members::Members;
use crate::params::Params;

/// Why a run (or one batch member) stopped.
///
/// ```
/// use autodiff_runtime::minimize::Status;
///
/// assert!(Status::Converged.is_success());
/// assert!(Status::StepLimit.is_success());
/// assert!(!Status::NonFiniteLoss.is_success());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// The convergence criterion held (after its `min_num_steps`).
    Converged,
    /// `max_steps` steps were taken without the criterion holding.
    StepLimit,
    /// The loss was NaN or infinite. The parameters are the last ones whose loss and
    /// gradient were finite. Also reported when the optimizer itself met a non-finite
    /// value inside its step ([`StepError::NonFinite`](crate::StepError::NonFinite), e.g.
    /// at a line-search trial point); the parameters are then the ones the step started
    /// from.
    NonFiniteLoss,
    /// A gradient component was NaN or infinite (the loss was finite). The parameters are
    /// the last ones whose loss and gradient were finite.
    NonFiniteGradient,
    /// An update produced non-finite parameters (an exploding step with a finite
    /// gradient, e.g. a learning rate far too large). The update is undone: the parameters
    /// are the ones it started from, whose loss and gradient were finite.
    NonFiniteParameters,
    /// The optimizer's line search found no acceptable step
    /// ([`StepError::LineSearchFailed`](crate::StepError::LineSearchFailed)). The
    /// parameters are the ones the step started from.
    LineSearchFailed,
}

impl Status {
    /// Whether the run ended normally (converged or used up its steps), as opposed to
    /// stopping on a numerical failure.
    ///
    /// ```
    /// use autodiff_runtime::minimize::Status;
    ///
    /// assert!(!Status::LineSearchFailed.is_success());
    /// ```
    pub const fn is_success(self) -> bool {
        matches!(self, Status::Converged | Status::StepLimit)
    }

    /// A short human-readable reason, like scipy's `OptimizeResult.message`.
    ///
    /// ```
    /// use autodiff_runtime::minimize::Status;
    ///
    /// assert_eq!(Status::StepLimit.message(), "maximum number of steps reached");
    /// ```
    pub const fn message(self) -> &'static str {
        match self {
            Status::Converged => "convergence criterion satisfied",
            Status::StepLimit => "maximum number of steps reached",
            Status::NonFiniteLoss => "loss is not finite",
            Status::NonFiniteGradient => "gradient is not finite",
            Status::NonFiniteParameters => "update produced non-finite parameters",
            Status::LineSearchFailed => "line search failed",
        }
    }
}

impl core::fmt::Display for Status {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.message())
    }
}

/// The outcome of [`Minimize::run`](super::Minimize::run).
///
/// * `params` — the final parameters. After a normal stop they are the parameters after
///   the last update (tfp's `final_parameters`). After a failure they are the last
///   parameters whose loss and gradient were finite (never NaN).
/// * `loss`, `gradient_norm` — the loss and Euclidean gradient norm of the last finite
///   evaluation. After a normal stop these are the values traced at the last step (tfp's
///   `trace[-1]`), which belong to the point *before* the last update, as in tfp; after a
///   failure they belong to `params` exactly. `None` if no evaluation was finite (zero
///   steps, or a non-finite loss or gradient at the starting point).
/// * `steps` — completed steps (evaluation + update + criterion), the truncated trace
///   length. `evaluations` — calls of the objective, line-search calls included.
/// * `trace` — what [`Minimize::trace`](super::Minimize::trace) collected (`()` if
///   nothing was traced).
///
/// ```
/// use autodiff_runtime::minimize::{Minimize, Status};
/// use autodiff_runtime::optim::Sgd;
///
/// let sgd = Sgd::new(0.25).unwrap();
/// let result = Minimize::new(|x: &f64, g: &mut f64| { *g = 2.0 * x; x * x }, 1.0, sgd)
///     .max_steps(3)
///     .run()
///     .unwrap();
/// assert_eq!(result.status, Status::StepLimit);
/// assert_eq!(result.params, 0.125); // 1 → 0.5 → 0.25 → 0.125
/// assert_eq!(result.loss, Some(0.0625)); // loss at 0.25, before the last update
/// assert_eq!((result.steps, result.evaluations), (3, 3));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MinimizeResult<P: Params, T = ()> {
    /// The final parameters (always finite).
    pub params: P,
    /// The loss of the last finite evaluation.
    pub loss: Option<P::Scalar>,
    /// The Euclidean norm `‖g‖₂` of the gradient of the last finite evaluation.
    pub gradient_norm: Option<P::Scalar>,
    /// Why the run stopped.
    pub status: Status,
    /// Completed steps.
    pub steps: usize,
    /// Objective evaluations, line-search evaluations included.
    pub evaluations: usize,
    /// The collected trace, `()` if none was requested.
    pub trace: T,
}

impl<P: Params, T> MinimizeResult<P, T> {
    /// Whether the convergence criterion stopped the run.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{GradientNorm, Minimize};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let sgd = Sgd::new(0.5).unwrap();
    /// let result = Minimize::new(|x: &f64, g: &mut f64| { *g = 2.0 * x; x * x }, 1.0, sgd)
    ///     .criterion(GradientNorm::max_abs(1e-12))
    ///     .run()
    ///     .unwrap();
    /// assert!(result.converged()); // one step lands on 0; step 1 sees a zero gradient
    /// assert_eq!(result.steps, 2);
    /// ```
    pub fn converged(&self) -> bool {
        self.status == Status::Converged
    }
}

/// Why a batch run stopped.
///
/// ```
/// use autodiff_runtime::minimize::BatchStatus;
///
/// assert_ne!(BatchStatus::Converged, BatchStatus::StepLimit);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BatchStatus {
    /// The reduce rule held on the members' `has_converged` flags.
    Converged,
    /// `max_steps` steps were taken without the reduce rule holding.
    StepLimit,
    /// Every member stopped on a numerical failure (see `failures`).
    AllMembersFailed,
}

/// The outcome of [`BatchMinimize::run`](super::BatchMinimize::run): per-member
/// containers of the same kind as the starting points (`[T; K]` or `Vec<T>`).
///
/// * `params[k]` — member `k`'s final parameters (always finite; after a failure, its last
///   parameters with finite loss and gradient, as for [`MinimizeResult`]).
/// * `losses[k]`, `gradient_norms[k]` — member `k`'s last finite evaluation (`None` if it
///   had none).
/// * `has_converged[k]` — member `k`'s flag at the last step. Converged members keep
///   being updated until the reduce rule stops the run (tfp semantics), so a flag can
///   turn back to `false`.
/// * `failures[k]` — `Some(status)` if member `k` stopped on a numerical failure; it was
///   frozen from then on and counts as not converged.
///
/// ```
/// use autodiff_runtime::minimize::{BatchMinimize, BatchStatus};
/// use autodiff_runtime::optim::Sgd;
///
/// let result = BatchMinimize::new(|k, x: &f64, g: &mut f64| {
///     *g = 2.0 * (x - k as f64);
///     (x - k as f64) * (x - k as f64)
/// }, [0.0; 3], Sgd::new(0.5).unwrap())
/// .max_steps(1)
/// .run()
/// .unwrap();
/// assert_eq!(result.params, [0.0, 1.0, 2.0]);
/// assert_eq!(result.losses, [Some(0.0), Some(1.0), Some(4.0)]);
/// assert_eq!(result.status, BatchStatus::StepLimit);
/// ```
pub struct BatchResult<B: Members, T = ()> {
    /// Each member's final parameters.
    pub params: B,
    /// Each member's last finite loss.
    pub losses: B::Same<Option<<B::Item as Params>::Scalar>>,
    /// Each member's last finite gradient norm `‖g‖₂`.
    pub gradient_norms: B::Same<Option<<B::Item as Params>::Scalar>>,
    /// Each member's convergence flag at the last step.
    pub has_converged: B::Same<bool>,
    /// Each member's numerical failure, if any.
    pub failures: B::Same<Option<Status>>,
    /// Why the run stopped.
    pub status: BatchStatus,
    /// Completed steps (steps in which at least one member was updated).
    pub steps: usize,
    /// Objective evaluations over all members, line searches included.
    pub evaluations: usize,
    /// The collected trace, `()` if none was requested.
    pub trace: T,
}

impl<B, T> core::fmt::Debug for BatchResult<B, T>
where
    B: Members + core::fmt::Debug,
    T: core::fmt::Debug,
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BatchResult")
            .field("params", &self.params)
            .field("losses", &self.losses.as_ref())
            .field("gradient_norms", &self.gradient_norms.as_ref())
            .field("has_converged", &self.has_converged.as_ref())
            .field("failures", &self.failures.as_ref())
            .field("status", &self.status)
            .field("steps", &self.steps)
            .field("evaluations", &self.evaluations)
            .field("trace", &self.trace)
            .finish()
    }
}
