//! [`Lbfgs`]: limited-memory BFGS with PyTorch's semantics, optionally with a strong-Wolfe
//! line search.
//!
//! # Memory
//!
//! The curvature history is stored in the state in fixed-size arrays of capacity `M`, a
//! const generic parameter of [`Lbfgs<M>`] (100 by default, PyTorch's `history_size`).
//! Slots are filled lazily (`Option<P>`), so fixed-size parameters never allocate and
//! `Vec` parameters allocate each history vector once, the first time its slot is used —
//! and the crate builds `#![no_std]` without `alloc`. Choose a smaller `M` with
//! [`LbfgsConfig::capacity`] to shrink the state; `history_size` may be anything in `1..=M`.

mod config;
mod line_search;
mod state;

pub use config::{LbfgsConfig, LineSearch};
pub use state::LbfgsState;

use crate::optim::ops::py_min;
use crate::{Hyperparameters, Objective, Optimizer, Params, Real, StepError, StepReport};
use line_search::{LineSearchBuffers, strong_wolfe};

/// L-BFGS, `torch.optim.LBFGS`: one [`step`](Optimizer::step) is one PyTorch
/// `step(closure)` call — up to `max_iter` iterations and `max_eval` evaluations — and the
/// state keeps `n_iter`, the direction `d`, the step `t`, the curvature pairs, `H_diag` and
/// the previous gradient and loss across steps exactly as PyTorch's does.
///
/// The `loss` and `grad` passed to `step` are PyTorch's first closure evaluation;
/// [`StepReport::evaluations`] counts the further ones. Without a line search, the step
/// length is fixed (`min(1, 1/‖g‖₁)·lr` on the very first iteration, `lr` after) with no
/// decrease check, and the objective is re-evaluated after every iteration but the last.
/// With [`LineSearch::StrongWolfe`], PyTorch's `_strong_wolfe` (at most 25 evaluations,
/// `c1 = 1e-4`, `c2 = 0.9`, bracket tolerance `1e-9`) picks the step.
///
/// Unlike PyTorch, a non-finite loss or gradient from the objective inside a step stops the
/// step with [`StepError::NonFinite`] and restores the parameters the step started from
/// (the state then reflects the interrupted iteration; start a new one with `init`).
///
/// ```
/// use autodiff_runtime::Optimizer;
/// use autodiff_runtime::optim::{Lbfgs, LineSearch};
///
/// let lbfgs = Lbfgs::builder().line_search(LineSearch::StrongWolfe).build().unwrap();
/// let mut rosenbrock = |p: &[f64; 2], g: &mut [f64; 2]| {
///     let (x, y) = (p[0], p[1]);
///     *g = [-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)];
///     (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
/// };
/// let mut p = [-1.5, 2.0];
/// let mut state = lbfgs.init(&p);
/// for _ in 0..10 {
///     let mut g = [0.0; 2];
///     let loss = rosenbrock(&p, &mut g);
///     lbfgs.step(&mut state, &mut p, loss, &g, &mut rosenbrock).unwrap();
/// }
/// assert!((p[0] - 1.0).abs() < 1e-4 && (p[1] - 1.0).abs() < 1e-4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lbfgs<const M: usize = 100> {
    config: LbfgsConfig<M>,
}

impl Lbfgs {
    /// L-BFGS with learning rate `lr` and PyTorch's other defaults (history 100, no line
    /// search).
    ///
    /// # Errors
    ///
    /// A [`ConfigError`](crate::ConfigError) if `lr` is negative or not finite.
    ///
    /// ```
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::new(0.5).unwrap().config().lr, 0.5);
    /// assert!(Lbfgs::new(-0.5).is_err());
    /// ```
    pub fn new(lr: f64) -> Result<Self, crate::ConfigError> {
        Self::builder().lr(lr).build()
    }

    /// A builder starting from PyTorch's defaults, with history capacity 100; change the
    /// capacity with [`LbfgsConfig::capacity`].
    ///
    /// ```
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// let lbfgs = Lbfgs::builder().capacity::<10>().max_iter(50).build().unwrap();
    /// assert_eq!(lbfgs.config().history_size, 10);
    /// ```
    pub fn builder() -> LbfgsConfig<100> {
        LbfgsConfig::default()
    }
}

impl<const M: usize> Lbfgs<M> {
    /// The validated hyperparameters.
    ///
    /// ```
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::default().config().max_iter, 20);
    /// ```
    pub fn config(&self) -> &LbfgsConfig<M> {
        &self.config
    }
}

impl Default for Lbfgs {
    /// PyTorch's defaults (history 100, no line search). For another capacity, use
    /// `Lbfgs::builder().capacity::<M>().build()`.
    fn default() -> Self {
        Lbfgs {
            config: LbfgsConfig::default(),
        }
    }
}

impl<const M: usize> Hyperparameters for Lbfgs<M> {
    fn learning_rate(&self) -> f64 {
        self.config.lr
    }
    fn set_learning_rate(&mut self, lr: f64) {
        self.config.lr = lr;
    }
}

impl<P: Params, const M: usize> Optimizer<P> for Lbfgs<M> {
    type State = LbfgsState<P, M>;

    fn init(&self, params: &P) -> LbfgsState<P, M> {
        let buffers = match self.config.line_search {
            LineSearch::None => None,
            LineSearch::StrongWolfe => Some(LineSearchBuffers::new(params)),
        };
        LbfgsState::new(params, self.config.history_size, buffers)
    }

    #[inline]
    fn step<O: Objective<P>>(
        &self,
        state: &mut LbfgsState<P, M>,
        params: &mut P,
        loss: P::Scalar,
        grad: &P,
        objective: &mut O,
    ) -> Result<StepReport, StepError> {
        state.x0.clone_from(params);
        let result = self.iterate(state, params, loss, grad, objective);
        if result.is_err() {
            params.clone_from(&state.x0);
        }
        result
    }
}

impl<const M: usize> Lbfgs<M> {
    /// The body of PyTorch's `LBFGS.step`, after the first closure evaluation.
    fn iterate<P: Params, O: Objective<P>>(
        &self,
        state: &mut LbfgsState<P, M>,
        params: &mut P,
        mut loss: P::Scalar,
        grad: &P,
        objective: &mut O,
    ) -> Result<StepReport, StepError> {
        let c = &self.config;
        let s = P::Scalar::from_f64;
        let (lr, tolerance_grad, tolerance_change) =
            (s(c.lr), s(c.tolerance_grad), s(c.tolerance_change));
        let max_eval = c.eval_budget();
        let one = P::Scalar::one();

        if !loss.is_finite() || !grad.all_finite() {
            return Err(StepError::NonFinite);
        }
        state.func_evals += 1;
        let mut current_evals = 1;
        state.flat_grad.clone_from(grad);
        if grad.max_abs() <= tolerance_grad {
            return Ok(StepReport { evaluations: 0 });
        }
        let mut opt_cond = false;
        let mut n_iter = 0;
        while n_iter < c.max_iter {
            n_iter += 1;
            state.n_iter += 1;

            // Compute the descent direction.
            if state.n_iter == 1 {
                P::zip_apply([&mut state.d], &state.flat_grad, &mut |[d], g| *d = -g);
                state.clear_history();
                state.h_diag = one;
            } else {
                state.update_direction();
            }
            state.prev_flat_grad.clone_from(&state.flat_grad);
            state.prev_loss = loss;

            // Compute the step length.
            state.t = if state.n_iter == 1 {
                let l1 = P::zip_fold(
                    &state.flat_grad,
                    &state.flat_grad,
                    P::Scalar::zero(),
                    &mut |acc, g, _| acc + g.abs(),
                );
                py_min(one, one / l1) * lr
            } else {
                lr
            };
            let gtd = P::dot(&state.flat_grad, &state.d);
            // The directional derivative is below tolerance.
            if gtd > -tolerance_change {
                break;
            }

            let mut ls_func_evals = 0;
            if let Some(buffers) = &mut state.line_search {
                let found = strong_wolfe(
                    objective,
                    params,
                    state.t,
                    &state.d,
                    loss,
                    &mut state.flat_grad,
                    gtd,
                    buffers,
                )?;
                loss = found.loss;
                state.t = found.t;
                ls_func_evals = found.evals;
                let t = state.t;
                P::zip_apply([&mut *params], &state.d, &mut |[p], d| *p += t * d);
                opt_cond = state.flat_grad.max_abs() <= tolerance_grad;
            } else {
                // No line search: move with a fixed step.
                let t = state.t;
                P::zip_apply([&mut *params], &state.d, &mut |[p], d| *p += t * d);
                if n_iter != c.max_iter {
                    loss = objective.evaluate(params, &mut state.flat_grad);
                    if !loss.is_finite() || !state.flat_grad.all_finite() {
                        return Err(StepError::NonFinite);
                    }
                    opt_cond = state.flat_grad.max_abs() <= tolerance_grad;
                    ls_func_evals = 1;
                }
            }
            current_evals += ls_func_evals;
            state.func_evals += ls_func_evals;

            // Check the stopping conditions.
            if n_iter == c.max_iter || current_evals >= max_eval || opt_cond {
                break;
            }
            let t = state.t;
            let max_change =
                P::zip_fold(&state.d, &state.d, P::Scalar::zero(), &mut |acc, d, _| {
                    let a = (d * t).abs();
                    if a > acc { a } else { acc }
                });
            if max_change <= tolerance_change {
                break;
            }
            if (loss - state.prev_loss).abs() < tolerance_change {
                break;
            }
        }
        Ok(StepReport {
            evaluations: current_evals - 1,
        })
    }
}
