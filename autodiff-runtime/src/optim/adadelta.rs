//! [`Adadelta`]: step sizes from the ratio of accumulated updates to accumulated gradients.

use crate::error::{ConfigError, non_negative, unit_closed};
use crate::optim::ops::{effective_grad, l2};
use crate::{CheckedStep, Objective, Optimizer, Params, Real, StepError, StepReport};

optimizer_config! {
    /// Adadelta, `torch.optim.Adadelta` (single-tensor path).
    ///
    /// With `g` the gradient (negated if `maximize`, plus `weight_decay * θ`):
    /// `v = ρ v + (1 − ρ) g²`, `δ = sqrt(u + eps) / sqrt(v + eps) · g`,
    /// `u = ρ u + (1 − ρ) δ²`, `θ = θ − lr δ` (eps inside both square roots).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adadelta;
    ///
    /// let adadelta = Adadelta::default();
    /// let mut x = 1.0_f64;
    /// let mut state = adadelta.init(&x);
    /// let mut f = |x: &f64, g: &mut f64| { *g = 2.0 * x; x * x };
    /// adadelta.step(&mut state, &mut x, 1.0, &2.0, &mut f).unwrap();
    /// // v = 0.4, delta = sqrt(1e-6) / sqrt(0.4 + 1e-6) * 2
    /// let delta = 1e-3 / (0.4_f64 + 1e-6).sqrt() * 2.0;
    /// assert!((x - (1.0 - delta)).abs() < 1e-12);
    /// ```
    pub struct Adadelta;

    /// Hyperparameters of [`Adadelta`], with PyTorch's defaults.
    ///
    /// ```
    /// use autodiff_runtime::optim::AdadeltaConfig;
    ///
    /// assert_eq!(AdadeltaConfig::default().lr, 1.0);
    /// assert!(AdadeltaConfig { rho: 1.5, ..AdadeltaConfig::default() }.build().is_err());
    /// ```
    pub struct AdadeltaConfig {
        /// Learning rate (a scale on the update), `>= 0` (default `1.0`).
        lr: f64 = 1.0, example 0.5;
        /// Decay of the running averages, in `[0, 1]` (default `0.9`).
        rho: f64 = 0.9, example 0.95;
        /// Term added inside both square roots, `>= 0` (default `1e-6`).
        eps: f64 = 1e-6, example 1e-8;
        /// L2 penalty added to the gradient, `>= 0` (default `0`).
        weight_decay: f64 = 0.0, example 1e-4;
        /// Maximize the objective instead of minimizing it (default `false`).
        maximize: bool = false, example true;
    }
}

impl AdadeltaConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        non_negative("lr", self.lr)?;
        unit_closed("rho", self.rho)?;
        non_negative("eps", self.eps)?;
        non_negative("weight_decay", self.weight_decay)
    }
}

/// Per-problem state of [`Adadelta`]: step count, the squared-gradient average and the
/// squared-update average.
///
/// ```
/// use autodiff_runtime::Optimizer;
/// use autodiff_runtime::optim::Adadelta;
///
/// let state = Adadelta::default().init(&[1.0_f64, 2.0]);
/// assert_eq!(state.square_avg(), &[0.0, 0.0]);
/// assert_eq!(state.acc_delta(), &[0.0, 0.0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AdadeltaState<P> {
    step: u64,
    square_avg: P,
    acc_delta: P,
}

impl<P> AdadeltaState<P> {
    /// Steps taken so far.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adadelta;
    ///
    /// assert_eq!(Adadelta::default().init(&0.0_f64).step_count(), 0);
    /// ```
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The running average of squared gradients (PyTorch's `square_avg`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adadelta;
    ///
    /// assert_eq!(Adadelta::default().init(&1.0_f64).square_avg(), &0.0);
    /// ```
    pub fn square_avg(&self) -> &P {
        &self.square_avg
    }

    /// The running average of squared updates (PyTorch's `acc_delta`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adadelta;
    ///
    /// assert_eq!(Adadelta::default().init(&1.0_f64).acc_delta(), &0.0);
    /// ```
    pub fn acc_delta(&self) -> &P {
        &self.acc_delta
    }
}

hyperparameters!(Adadelta);

impl<P: Params> Optimizer<P> for Adadelta {
    type State = AdadeltaState<P>;

    fn init(&self, params: &P) -> AdadeltaState<P> {
        AdadeltaState {
            step: 0,
            square_avg: params.zeros_like(),
            acc_delta: params.zeros_like(),
        }
    }

    steps_through_update!(AdadeltaState<P>, |adadelta| adadelta);
}

impl Adadelta {
    /// One step of `torch.optim.Adadelta` (checked, as [`zip_update!`] does, when `previous`
    /// is given).
    #[inline(always)]
    fn update<P: Params>(
        &self,
        state: &mut AdadeltaState<P>,
        params: &mut P,
        previous: Option<&mut P>,
        grad: &P,
    ) -> u64 {
        let c = &self.config;
        state.step += 1;
        let s = P::Scalar::from_f64;
        let (rho, c2, eps, neg_lr) = (s(c.rho), s(1.0 - c.rho), s(c.eps), s(-c.lr));
        let wd = l2::<P::Scalar>(c.weight_decay);
        let maximize = c.maximize;
        let AdadeltaState {
            square_avg,
            acc_delta,
            ..
        } = state;
        zip_update!(
            P,
            previous,
            [p = params, v = square_avg, u = acc_delta],
            grad,
            |g| {
                let g = effective_grad(g, *p, maximize, wd);
                *v = *v * rho + c2 * g * g;
                let std = (*v + eps).sqrt();
                let delta = (*u + eps).sqrt() / std * g;
                *u = *u * rho + c2 * delta * delta;
                *p += neg_lr * delta;
            }
        )
    }
}
