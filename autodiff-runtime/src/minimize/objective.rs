//! How the driver calls the loss: plain and stochastic objectives, the value-and-gradient
//! adapter, and the per-member objectives of batches.
//!
//! The driver calls a [`SeededObjective`] with each step's [`StepSeed`]. The constructors
//! of [`Minimize`](super::Minimize) wrap what you pass: [`Deterministic`] ignores the
//! seed, [`Stochastic`] forwards it. [`ValueAndGrad`] adapts the
//! `f_value_and_grad(x) -> (loss, grad)` functions `#[differentiable]` generates to the
//! write-into-a-buffer form the optimizers use.

use super::seed::StepSeed;
use crate::optimizer::Objective;
use crate::params::Params;

/// A loss-and-gradient function that may use a per-step seed.
///
/// ```
/// use autodiff_runtime::minimize::{Deterministic, SeededObjective, StepSeed};
///
/// let mut f = Deterministic(|x: &f64, g: &mut f64| { *g = 2.0 * x; x * x });
/// let mut g = 0.0;
/// assert_eq!(f.evaluate(&3.0, &mut g, StepSeed::for_step(0, 0)), 9.0);
/// assert_eq!(g, 6.0);
/// ```
pub trait SeededObjective<P: Params> {
    /// The loss at `params`; writes the gradient into `grad`.
    fn evaluate(&mut self, params: &P, grad: &mut P, seed: StepSeed) -> P::Scalar;
}

/// A deterministic objective: any [`Objective`] (e.g. `FnMut(&P, &mut P) -> P::Scalar`),
/// seed ignored.
///
/// ```
/// use autodiff_runtime::minimize::{Deterministic, SeededObjective, StepSeed};
///
/// let mut f = Deterministic(|x: &f64, g: &mut f64| { *g = 1.0; *x });
/// let mut g = 0.0;
/// let a = f.evaluate(&2.0, &mut g, StepSeed::for_step(1, 0));
/// let b = f.evaluate(&2.0, &mut g, StepSeed::for_step(2, 0));
/// assert_eq!(a, b);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Deterministic<F>(pub F);

impl<P: Params, F: Objective<P>> SeededObjective<P> for Deterministic<F> {
    #[inline]
    fn evaluate(&mut self, params: &P, grad: &mut P, _: StepSeed) -> P::Scalar {
        self.0.evaluate(params, grad)
    }
}

/// A stochastic objective `FnMut(&P, &mut P, StepSeed) -> P::Scalar`, given each step's
/// seed (tfp's `loss_fn(seed=…)`).
///
/// ```
/// use autodiff_runtime::minimize::{SeededObjective, StepSeed, Stochastic};
///
/// // A noisy quadratic: the seed picks the noise.
/// let mut f = Stochastic(|x: &f64, g: &mut f64, seed: StepSeed| {
///     let noise = (seed.value() >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
///     *g = 2.0 * x + noise;
///     x * x + noise * x
/// });
/// let mut g = 0.0;
/// let s = StepSeed::for_step(9, 0);
/// assert_eq!(f.evaluate(&1.0, &mut g, s), f.evaluate(&1.0, &mut g, s));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Stochastic<F>(pub F);

impl<P: Params, F: FnMut(&P, &mut P, StepSeed) -> P::Scalar> SeededObjective<P> for Stochastic<F> {
    #[inline]
    fn evaluate(&mut self, params: &P, grad: &mut P, seed: StepSeed) -> P::Scalar {
        (self.0)(params, grad, seed)
    }
}

/// Adapts a function returning `(loss, gradient)` — the shape of the generated
/// `f_value_and_grad` — to an [`Objective`] that writes the gradient into the optimizer's
/// buffer. The gradient is moved into place (no allocation of its own for fixed-size
/// parameters).
///
/// ```
/// use autodiff_runtime::Objective;
/// use autodiff_runtime::minimize::ValueAndGrad;
///
/// // What `#[differentiable] fn f(x: f64) -> f64 { (x - 5.0) * (x - 5.0) }` generates:
/// fn f_value_and_grad(x: f64) -> (f64, f64) {
///     ((x - 5.0) * (x - 5.0), 2.0 * (x - 5.0))
/// }
/// let mut objective = ValueAndGrad(|x: &f64| f_value_and_grad(*x));
/// let mut g = 0.0;
/// assert_eq!(objective.evaluate(&0.0, &mut g), 25.0);
/// assert_eq!(g, -10.0);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ValueAndGrad<F>(pub F);

impl<P: Params, F: FnMut(&P) -> (P::Scalar, P)> Objective<P> for ValueAndGrad<F> {
    #[inline]
    fn evaluate(&mut self, params: &P, grad: &mut P) -> P::Scalar {
        let (loss, g) = (self.0)(params);
        *grad = g;
        loss
    }
}

/// The loss of batch member `member`, with the step's seed for that member.
///
/// ```
/// use autodiff_runtime::minimize::{BatchObjective, PerMember, StepSeed};
///
/// let targets = [1.0, 2.0];
/// let mut f = PerMember(|k: usize, x: &f64, g: &mut f64| {
///     *g = 2.0 * (x - targets[k]);
///     (x - targets[k]) * (x - targets[k])
/// });
/// let mut g = 0.0;
/// assert_eq!(f.evaluate(1, &0.0, &mut g, StepSeed::for_step(0, 0)), 4.0);
/// ```
pub trait BatchObjective<P: Params> {
    /// The loss of `member` at `params`; writes the gradient into `grad`.
    fn evaluate(&mut self, member: usize, params: &P, grad: &mut P, seed: StepSeed) -> P::Scalar;
}

/// A deterministic batch objective `FnMut(member, &P, &mut P) -> P::Scalar`.
///
/// ```
/// use autodiff_runtime::minimize::{BatchObjective, PerMember, StepSeed};
///
/// let mut f = PerMember(|k: usize, x: &f64, g: &mut f64| { *g = 1.0; x + k as f64 });
/// let mut g = 0.0;
/// assert_eq!(f.evaluate(3, &1.0, &mut g, StepSeed::for_step(0, 0)), 4.0);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct PerMember<F>(pub F);

impl<P: Params, F: FnMut(usize, &P, &mut P) -> P::Scalar> BatchObjective<P> for PerMember<F> {
    #[inline]
    fn evaluate(&mut self, member: usize, params: &P, grad: &mut P, _: StepSeed) -> P::Scalar {
        (self.0)(member, params, grad)
    }
}

/// A stochastic batch objective `FnMut(member, &P, &mut P, StepSeed) -> P::Scalar`; member
/// `k` at step `t` receives `StepSeed::for_step(seed, t).fold_in(k)`.
///
/// ```
/// use autodiff_runtime::minimize::{BatchObjective, StochasticPerMember, StepSeed};
///
/// let mut f = StochasticPerMember(|_k: usize, x: &f64, g: &mut f64, s: StepSeed| {
///     *g = 1.0;
///     x + (s.value() % 2) as f64
/// });
/// let mut g = 0.0;
/// let loss = f.evaluate(0, &1.0, &mut g, StepSeed::for_step(0, 0));
/// assert!(loss == 1.0 || loss == 2.0);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct StochasticPerMember<F>(pub F);

impl<P: Params, F: FnMut(usize, &P, &mut P, StepSeed) -> P::Scalar> BatchObjective<P>
    for StochasticPerMember<F>
{
    #[inline]
    fn evaluate(&mut self, member: usize, params: &P, grad: &mut P, seed: StepSeed) -> P::Scalar {
        (self.0)(member, params, grad, seed)
    }
}
