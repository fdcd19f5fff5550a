//! [`Adamax`]: Adam with the infinity norm in place of the second moment.

use crate::error::ConfigError;
use crate::optim::adam::validate_adam_like;
use crate::optim::ops::{Lerp, effective_grad, l2, maximum, powf};
use crate::{CheckedStep, Objective, Optimizer, Params, Real, StepError, StepReport};

optimizer_config! {
    /// Adamax, `torch.optim.Adamax` (single-tensor path).
    ///
    /// With `g` the gradient (negated if `maximize`, plus `weight_decay * θ`):
    /// `m = lerp(m, g, 1 − β1)`, `u = max(β2 u, |g| + eps)` (eps inside the max),
    /// `θ = θ − (lr / (1 − β1ᵗ)) m / u`.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adamax;
    ///
    /// let adamax = Adamax::new(0.1).unwrap();
    /// let mut x = 1.0_f64;
    /// let mut state = adamax.init(&x);
    /// let mut f = |x: &f64, g: &mut f64| { *g = 2.0 * x; x * x };
    /// adamax.step(&mut state, &mut x, 1.0, &2.0, &mut f).unwrap();
    /// // The first step moves by lr * g / (|g| + eps), almost exactly lr.
    /// assert!((x - 0.9).abs() < 1e-8);
    /// ```
    pub struct Adamax;

    /// Hyperparameters of [`Adamax`], with PyTorch's defaults.
    ///
    /// ```
    /// use autodiff_runtime::optim::AdamaxConfig;
    ///
    /// assert_eq!(AdamaxConfig::default().lr, 2e-3);
    /// assert!(AdamaxConfig { betas: (1.0, 0.9), ..AdamaxConfig::default() }.build().is_err());
    /// ```
    pub struct AdamaxConfig {
        /// Learning rate, `>= 0` (default `2e-3`).
        lr: f64 = 2e-3, example 0.1;
        /// Decay rates `(β1, β2)`, each in `[0, 1)` (default `(0.9, 0.999)`).
        betas: (f64, f64) = (0.9, 0.999), example (0.8, 0.99);
        /// Term added inside the max, `>= 0` (default `1e-8`).
        eps: f64 = 1e-8, example 1e-6;
        /// L2 penalty added to the gradient, `>= 0` (default `0`).
        weight_decay: f64 = 0.0, example 1e-4;
        /// Maximize the objective instead of minimizing it (default `false`).
        maximize: bool = false, example true;
    }
}

impl AdamaxConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        validate_adam_like(self.lr, self.betas, self.eps, self.weight_decay)
    }
}

/// Per-problem state of [`Adamax`]: step count, first moment and infinity norm.
///
/// ```
/// use autodiff_runtime::Optimizer;
/// use autodiff_runtime::optim::Adamax;
///
/// let state = Adamax::default().init(&[1.0_f64]);
/// assert_eq!((state.exp_avg(), state.exp_inf()), (&[0.0], &[0.0]));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AdamaxState<P> {
    step: u64,
    exp_avg: P,
    exp_inf: P,
}

impl<P> AdamaxState<P> {
    /// Steps taken so far.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adamax;
    ///
    /// assert_eq!(Adamax::default().init(&0.0_f64).step_count(), 0);
    /// ```
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The first moment estimate (PyTorch's `exp_avg`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adamax;
    ///
    /// assert_eq!(Adamax::default().init(&1.0_f64).exp_avg(), &0.0);
    /// ```
    pub fn exp_avg(&self) -> &P {
        &self.exp_avg
    }

    /// The exponentially weighted infinity norm (PyTorch's `exp_inf`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adamax;
    ///
    /// assert_eq!(Adamax::default().init(&1.0_f64).exp_inf(), &0.0);
    /// ```
    pub fn exp_inf(&self) -> &P {
        &self.exp_inf
    }
}

hyperparameters!(Adamax, momentum = betas.0);

impl<P: Params> Optimizer<P> for Adamax {
    type State = AdamaxState<P>;

    fn init(&self, params: &P) -> AdamaxState<P> {
        AdamaxState {
            step: 0,
            exp_avg: params.zeros_like(),
            exp_inf: params.zeros_like(),
        }
    }

    steps_through_update!(AdamaxState<P>, |adamax| adamax);
}

impl Adamax {
    /// One step of `torch.optim.Adamax` (checked, as [`zip_update!`] does, when `previous`
    /// is given).
    #[inline(always)]
    fn update<P: Params>(
        &self,
        state: &mut AdamaxState<P>,
        params: &mut P,
        previous: Option<&mut P>,
        grad: &P,
    ) -> u64 {
        let c = &self.config;
        state.step += 1;
        let (beta1, beta2) = c.betas;
        let clr = c.lr / (1.0 - powf(beta1, state.step as f64));
        let s = P::Scalar::from_f64;
        let (w1, b2, eps, neg_clr) = (Lerp::new(s(1.0 - beta1)), s(beta2), s(c.eps), s(-clr));
        let wd = l2::<P::Scalar>(c.weight_decay);
        let maximize = c.maximize;
        let AdamaxState {
            exp_avg, exp_inf, ..
        } = state;
        zip_update!(
            P,
            previous,
            [p = params, m = exp_avg, u = exp_inf],
            grad,
            |g| {
                let g = effective_grad(g, *p, maximize, wd);
                *m = w1.apply(*m, g);
                *u = maximum(*u * b2, g.abs() + eps);
                *p += neg_clr * *m / *u;
            }
        )
    }
}
