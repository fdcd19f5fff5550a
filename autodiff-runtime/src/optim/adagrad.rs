//! [`Adagrad`]: per-component learning rates from the accumulated squared gradients.

use crate::error::{ConfigError, non_negative};
use crate::optim::ops::{effective_grad, l2};
use crate::{CheckedStep, Objective, Optimizer, Params, Real, StepError, StepReport};

optimizer_config! {
    /// Adagrad, `torch.optim.Adagrad` (single-tensor path).
    ///
    /// With `g` the gradient (negated if `maximize`, plus `weight_decay * θ`) and `t` the
    /// step number: `clr = lr / (1 + (t − 1) lr_decay)`, `S = S + g²`,
    /// `θ = θ − clr g / (sqrt(S) + eps)`. `S` starts at `initial_accumulator_value`.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adagrad;
    ///
    /// let adagrad = Adagrad::new(0.5).unwrap();
    /// let mut x = 2.0_f64;
    /// let mut state = adagrad.init(&x);
    /// let mut f = |x: &f64, g: &mut f64| { *g = 2.0 * x; x * x };
    /// adagrad.step(&mut state, &mut x, 4.0, &4.0, &mut f).unwrap();
    /// // S = 16, x = 2 - 0.5 * 4 / (4 + 1e-10)
    /// assert!((x - 1.5).abs() < 1e-10);
    /// ```
    pub struct Adagrad;

    /// Hyperparameters of [`Adagrad`], with PyTorch's defaults.
    ///
    /// ```
    /// use autodiff_runtime::optim::AdagradConfig;
    ///
    /// assert_eq!(AdagradConfig::default().eps, 1e-10);
    /// assert!(AdagradConfig { lr_decay: -1.0, ..AdagradConfig::default() }.build().is_err());
    /// ```
    pub struct AdagradConfig {
        /// Learning rate, `>= 0` (default `1e-2`).
        lr: f64 = 1e-2, example 0.1;
        /// Learning-rate decay, `>= 0` (default `0`).
        lr_decay: f64 = 0.0, example 0.01;
        /// L2 penalty added to the gradient, `>= 0` (default `0`).
        weight_decay: f64 = 0.0, example 1e-4;
        /// Starting value of the accumulator, `>= 0` (default `0`).
        initial_accumulator_value: f64 = 0.0, example 0.1;
        /// Term added to the denominator, `>= 0` (default `1e-10`).
        eps: f64 = 1e-10, example 1e-8;
        /// Maximize the objective instead of minimizing it (default `false`).
        maximize: bool = false, example true;
    }
}

impl AdagradConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        non_negative("lr", self.lr)?;
        non_negative("lr_decay", self.lr_decay)?;
        non_negative("weight_decay", self.weight_decay)?;
        non_negative("initial_accumulator_value", self.initial_accumulator_value)?;
        non_negative("eps", self.eps)
    }
}

/// Per-problem state of [`Adagrad`]: step count and the sum of squared gradients.
///
/// ```
/// use autodiff_runtime::Optimizer;
/// use autodiff_runtime::optim::Adagrad;
///
/// let adagrad = Adagrad::builder().initial_accumulator_value(0.5).build().unwrap();
/// let state = adagrad.init(&[1.0_f64, 2.0]);
/// assert_eq!(state.sum(), &[0.5, 0.5]);
/// assert_eq!(state.step_count(), 0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AdagradState<P> {
    step: u64,
    sum: P,
}

impl<P> AdagradState<P> {
    /// Steps taken so far.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adagrad;
    ///
    /// assert_eq!(Adagrad::default().init(&0.0_f64).step_count(), 0);
    /// ```
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The accumulated squared gradients (PyTorch's `sum`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adagrad;
    ///
    /// assert_eq!(Adagrad::default().init(&1.0_f64).sum(), &0.0);
    /// ```
    pub fn sum(&self) -> &P {
        &self.sum
    }
}

hyperparameters!(Adagrad);

impl<P: Params> Optimizer<P> for Adagrad {
    type State = AdagradState<P>;

    fn init(&self, params: &P) -> AdagradState<P> {
        AdagradState {
            step: 0,
            sum: params.filled_like(P::Scalar::from_f64(self.config.initial_accumulator_value)),
        }
    }

    steps_through_update!(AdagradState<P>, |adagrad| adagrad);
}

impl Adagrad {
    /// One step of `torch.optim.Adagrad` (checked, as [`zip_update!`] does, when `previous`
    /// is given).
    #[inline(always)]
    fn update<P: Params>(
        &self,
        state: &mut AdagradState<P>,
        params: &mut P,
        previous: Option<&mut P>,
        grad: &P,
    ) -> u64 {
        let c = &self.config;
        state.step += 1;
        let t = state.step as f64;
        let clr = c.lr / (1.0 + (t - 1.0) * c.lr_decay);
        let neg_clr = P::Scalar::from_f64(-clr);
        let eps = P::Scalar::from_f64(c.eps);
        let one = P::Scalar::one();
        let wd = l2::<P::Scalar>(c.weight_decay);
        let maximize = c.maximize;
        zip_update!(P, previous, [p = params, s = &mut state.sum], grad, |g| {
            let g = effective_grad(g, *p, maximize, wd);
            *s += one * g * g;
            let std = s.sqrt() + eps;
            *p += neg_clr * g / std;
        })
    }
}
