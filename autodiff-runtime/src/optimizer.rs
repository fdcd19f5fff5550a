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
    #[inline]
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

/// What [`Optimizer::step_checked`] did: the step's report, and whether the updated
/// parameters are all finite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CheckedStep {
    /// What the step did, as [`Optimizer::step`] reports it.
    pub report: StepReport,
    /// Whether every component of the updated parameters is finite.
    pub finite: bool,
}

/// Why an optimizer step could not be taken. The parameters are left as they were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepError {
    /// A line search found no acceptable step.
    LineSearchFailed,
    /// The objective returned a non-finite loss or gradient during the step.
    NonFinite,
}

/// The hyperparameters a learning-rate schedule reads and writes, independent of the
/// parameter shape (so a [`Schedule`](crate::schedule::Schedule) can drive any optimizer
/// without naming `P`). Every [`Optimizer`] implements it.
///
/// Hyperparameters are `f64`, like PyTorch's Python floats, whatever the parameters' float
/// type.
///
/// ```
/// use autodiff_runtime::Hyperparameters;
/// use autodiff_runtime::optim::{Adam, Adagrad};
///
/// let mut adam = Adam::new(0.1).unwrap();
/// adam.set_learning_rate(0.05);
/// assert_eq!(adam.learning_rate(), 0.05);
/// assert_eq!(adam.momentum(), Some(0.9)); // beta1
/// assert_eq!(Adagrad::default().momentum(), None);
/// ```
pub trait Hyperparameters {
    /// The current learning rate (what schedules read and scale).
    fn learning_rate(&self) -> f64;

    /// Replaces the learning rate (what schedules write).
    fn set_learning_rate(&mut self, lr: f64);

    /// The momentum-like hyperparameter a one-cycle schedule cycles: `momentum` for SGD and
    /// RMSprop, `beta1` for the Adam family; `None` for optimizers without one (PyTorch's
    /// "momentum or betas in defaults").
    fn momentum(&self) -> Option<f64> {
        None
    }

    /// Replaces the momentum-like hyperparameter; ignored by optimizers without one.
    fn set_momentum(&mut self, momentum: f64) {
        let _ = momentum;
    }
}

/// An optimization algorithm over parameters of shape `P`.
///
/// The optimizer value holds the hyperparameters (validated when it is built); the
/// per-problem state (moments, step counts, history) lives in [`Optimizer::State`], which
/// has the shape of `P`, so one optimizer can drive many problems and fixed-size problems
/// allocate nothing. The learning rate is read and written through the
/// [`Hyperparameters`] supertrait.
///
/// ```
/// use autodiff_runtime::{Optimizer, Hyperparameters};
/// use autodiff_runtime::optim::Sgd;
///
/// let sgd = Sgd::new(0.1).unwrap();
/// let mut x = [1.0_f64, -2.0];
/// let mut state = sgd.init(&x);
/// let mut objective = |p: &[f64; 2], g: &mut [f64; 2]| {
///     *g = [2.0 * p[0], 2.0 * p[1]];
///     p[0] * p[0] + p[1] * p[1]
/// };
/// let mut g = [0.0; 2];
/// let loss = objective(&x, &mut g);
/// sgd.step(&mut state, &mut x, loss, &g, &mut objective).unwrap();
/// assert_eq!(x, [0.8, -1.6]);
/// assert_eq!(sgd.learning_rate(), 0.1);
/// ```
pub trait Optimizer<P: Params>: Hyperparameters {
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

    /// [`step`](Optimizer::step) as a driver that never returns non-finite parameters
    /// needs it: also copies the parameters before the update into `previous` (also when
    /// the step fails), and reports whether the updated parameters are all finite.
    ///
    /// The default copies, steps and checks: two passes over the parameters besides the
    /// update. Optimizers whose update is one pass over the components override it to copy
    /// and check in that pass, where it costs next to nothing (every first-order optimizer
    /// of [`optim`](crate::optim) does).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::{Adam, Sgd};
    ///
    /// let mut objective = |p: &[f64; 2], g: &mut [f64; 2]| { *g = *p; 0.0 };
    /// let (mut x, mut previous) = ([1.0_f64, -2.0], [0.0; 2]);
    /// let sgd = Sgd::new(0.5).unwrap();
    /// let mut state = sgd.init(&x);
    /// let checked = sgd
    ///     .step_checked(&mut state, &mut x, &mut previous, 0.0, &[1.0, -2.0], &mut objective)
    ///     .unwrap();
    /// assert!(checked.finite);
    /// assert_eq!((x, previous), ([0.5, -1.0], [1.0, -2.0]));
    ///
    /// // An update that overflows is reported, not hidden.
    /// let adam = Adam::new(f64::MAX).unwrap();
    /// let mut state = adam.init(&x);
    /// let checked = adam
    ///     .step_checked(&mut state, &mut x, &mut previous, 0.0, &[1.0, 1.0], &mut objective)
    ///     .unwrap();
    /// assert!(!checked.finite);
    /// assert_eq!(previous, [0.5, -1.0]);
    /// ```
    #[inline]
    fn step_checked<O: Objective<P>>(
        &self,
        state: &mut Self::State,
        params: &mut P,
        previous: &mut P,
        loss: P::Scalar,
        grad: &P,
        objective: &mut O,
    ) -> Result<CheckedStep, StepError> {
        previous.copy_from(params);
        let report = self.step(state, params, loss, grad, objective)?;
        Ok(CheckedStep {
            report,
            finite: params.all_finite(),
        })
    }
}
