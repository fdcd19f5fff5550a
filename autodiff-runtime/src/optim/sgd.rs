//! [`Sgd`]: stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

use crate::error::{ConfigError, non_negative};
use crate::optim::ops::{effective_grad, l2};
use crate::{CheckedStep, Objective, Optimizer, Params, Real, StepError, StepReport};

optimizer_config! {
    /// Stochastic gradient descent, `torch.optim.SGD` (single-tensor path).
    ///
    /// With `g` the gradient (negated if `maximize`, plus `weight_decay * θ`): if
    /// `momentum ≠ 0`, `b = g` on the first step and `b = μ b + (1 − dampening) g` after;
    /// `g = g + μ b` with Nesterov, `g = b` without; then `θ = θ − lr g`.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let sgd = Sgd::builder().lr(0.1).momentum(0.9).build().unwrap();
    /// let mut x = 1.0_f64;
    /// let mut state = sgd.init(&x);
    /// let mut f = |x: &f64, g: &mut f64| { *g = 2.0 * x; x * x };
    /// for _ in 0..2 {
    ///     let mut g = 0.0;
    ///     let loss = f(&x, &mut g);
    ///     sgd.step(&mut state, &mut x, loss, &g, &mut f).unwrap();
    /// }
    /// // b1 = 2, x1 = 0.8; b2 = 0.9 * 2 + 1.6 = 3.4, x2 = 0.8 - 0.34.
    /// assert!((x - 0.46).abs() < 1e-15);
    /// ```
    pub struct Sgd;

    /// Hyperparameters of [`Sgd`], with PyTorch's defaults.
    ///
    /// ```
    /// use autodiff_runtime::optim::SgdConfig;
    ///
    /// let sgd = SgdConfig { momentum: 0.9, nesterov: true, ..SgdConfig::default() }.build();
    /// assert!(sgd.is_ok());
    /// let err = SgdConfig::default().nesterov(true).build().unwrap_err();
    /// assert_eq!(err.parameter(), "momentum");
    /// ```
    pub struct SgdConfig {
        /// Learning rate, `>= 0` (default `1e-3`, as in current PyTorch).
        lr: f64 = 1e-3, example 0.1;
        /// Momentum factor, `>= 0` (default `0`).
        momentum: f64 = 0.0, example 0.9;
        /// Dampening of the momentum, `>= 0` (default `0`); must be `0` with Nesterov.
        dampening: f64 = 0.0, example 0.1;
        /// L2 penalty added to the gradient, `>= 0` (default `0`).
        weight_decay: f64 = 0.0, example 1e-4;
        /// Nesterov momentum (default `false`); needs `momentum > 0` and `dampening = 0`.
        nesterov: bool = false, example false;
        /// Maximize the objective instead of minimizing it (default `false`).
        maximize: bool = false, example true;
    }
}

impl SgdConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        non_negative("lr", self.lr)?;
        non_negative("momentum", self.momentum)?;
        non_negative("dampening", self.dampening)?;
        non_negative("weight_decay", self.weight_decay)?;
        if self.nesterov && self.momentum <= 0.0 {
            return Err(ConfigError::new(
                "momentum",
                self.momentum,
                "a number > 0 when nesterov is enabled",
            ));
        }
        if self.nesterov && self.dampening != 0.0 {
            return Err(ConfigError::new(
                "dampening",
                self.dampening,
                "0 when nesterov is enabled",
            ));
        }
        Ok(())
    }
}

/// Per-problem state of [`Sgd`]: the momentum buffer, created (as a copy of the first
/// gradient) on the first step with nonzero momentum, like PyTorch's.
///
/// ```
/// use autodiff_runtime::Optimizer;
/// use autodiff_runtime::optim::Sgd;
///
/// let sgd = Sgd::builder().momentum(0.5).build().unwrap();
/// let mut x = [1.0_f64];
/// let mut state = sgd.init(&x);
/// assert!(state.momentum_buffer().is_none());
/// let mut f = |x: &[f64; 1], g: &mut [f64; 1]| { g[0] = 1.0; x[0] };
/// sgd.step(&mut state, &mut x, 1.0, &[1.0], &mut f).unwrap();
/// assert_eq!(state.momentum_buffer(), Some(&[1.0]));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SgdState<P> {
    momentum_buffer: Option<P>,
}

impl<P> SgdState<P> {
    /// The momentum buffer, once a step with nonzero momentum has been taken.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let state = Sgd::default().init(&0.0_f64);
    /// assert_eq!(state.momentum_buffer(), None);
    /// ```
    pub fn momentum_buffer(&self) -> Option<&P> {
        self.momentum_buffer.as_ref()
    }
}

hyperparameters!(Sgd, momentum = momentum);

impl<P: Params> Optimizer<P> for Sgd {
    type State = SgdState<P>;

    fn init(&self, _params: &P) -> SgdState<P> {
        SgdState {
            momentum_buffer: None,
        }
    }

    steps_through_update!(SgdState<P>, |sgd| sgd);
}

impl Sgd {
    /// One step of `torch.optim.SGD` (checked, as [`zip_update!`] does, when `previous` is
    /// given).
    #[inline(always)]
    fn update<P: Params>(
        &self,
        state: &mut SgdState<P>,
        params: &mut P,
        previous: Option<&mut P>,
        grad: &P,
    ) -> u64 {
        let c = &self.config;
        let neg_lr = P::Scalar::from_f64(-c.lr);
        let wd = l2::<P::Scalar>(c.weight_decay);
        let maximize = c.maximize;
        let grad_of = move |g, p| effective_grad(g, p, maximize, wd);
        if c.momentum == 0.0 {
            return zip_update!(P, previous, [p = params], grad, |g| {
                let g = grad_of(g, *p);
                *p += neg_lr * g;
            });
        }
        let mu = P::Scalar::from_f64(c.momentum);
        let keep = P::Scalar::from_f64(1.0 - c.dampening);
        let nesterov = c.nesterov;
        let direction = move |g: P::Scalar, b: P::Scalar| if nesterov { g + mu * b } else { b };
        match &mut state.momentum_buffer {
            Some(buf) => zip_update!(P, previous, [p = params, b = buf], grad, |g| {
                let g = grad_of(g, *p);
                *b = *b * mu + keep * g;
                *p += neg_lr * direction(g, *b);
            }),
            None => {
                let mut buf = grad.clone();
                let non_finite = zip_update!(P, previous, [p = params, b = &mut buf], grad, |g| {
                    let g = grad_of(g, *p);
                    *b = g;
                    *p += neg_lr * direction(g, *b);
                });
                state.momentum_buffer = Some(buf);
                non_finite
            }
        }
    }
}
