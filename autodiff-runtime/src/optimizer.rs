//! The [`Optimizer`] trait every algorithm implements, and the [`Objective`] it may call.

use crate::params::Params;

/// A loss-and-gradient function: returns the loss at `params` and writes the gradient into
/// `grad` (which has the shape of `params`). Any `FnMut(&P, &mut P) -> P::Scalar` is one.
///
/// ```
/// use autodiff_runtime::Objective;
///
/// let mut sphere = |x: &[f64; 2], g: &mut [f64; 2]| {
///     *g = [2.0 * x[0], 2.0 * x[1]];
///     x[0] * x[0] + x[1] * x[1]
/// };
/// let mut g = [0.0; 2];
/// assert_eq!(sphere.evaluate(&[1.0, 2.0], &mut g), 5.0);
/// assert_eq!(g, [2.0, 4.0]);
/// ```
pub trait Objective<P: Params> {
    /// Evaluates the loss at `params`, writing the gradient into `grad`.
    fn evaluate(&mut self, params: &P, grad: &mut P) -> P::Scalar;
}

impl<P: Params, F: FnMut(&P, &mut P) -> P::Scalar> Objective<P> for F {
    fn evaluate(&mut self, params: &P, grad: &mut P) -> P::Scalar {
        self(params, grad)
    }
}

/// What one optimizer step did, beyond updating the parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StepReport {
    /// Extra objective evaluations the step made (0 for first-order optimizers, which use
    /// only the loss and gradient they are given).
    pub evaluations: usize,
}

/// Why an optimizer step could not be taken. The parameters are left as they were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepError {
    /// A line search found no acceptable step.
    LineSearchFailed,
    /// The objective returned a non-finite loss or gradient during the step.
    NonFinite,
}

/// An optimization algorithm over parameters of shape `P`.
///
/// The optimizer value holds the hyperparameters (validated when it is built); the
/// per-problem state (moments, step counts, history) lives in [`Optimizer::State`], which
/// has the shape of `P`, so one optimizer can drive many problems and fixed-size problems
/// allocate nothing.
pub trait Optimizer<P: Params> {
    /// Per-problem state: moment estimates, step count, history.
    type State;

    /// Fresh state for parameters shaped like `params`.
    fn init(&self, params: &P) -> Self::State;

    /// Performs one step from `params`, where the objective's value is `loss` and its
    /// gradient is `grad`. First-order methods update from `grad` alone; line-search
    /// methods may call `objective` again.
    fn step<O: Objective<P>>(
        &self,
        state: &mut Self::State,
        params: &mut P,
        loss: P::Scalar,
        grad: &P,
        objective: &mut O,
    ) -> Result<StepReport, StepError>;

    /// The current learning rate (what schedules read and scale). Hyperparameters are
    /// `f64`, like PyTorch's Python floats, whatever the parameters' float type.
    fn learning_rate(&self) -> f64;

    /// Replaces the learning rate (what schedules write).
    fn set_learning_rate(&mut self, lr: f64);
}
