//! [`RmsProp`]: RMSprop, optionally centered and with momentum.

use crate::error::{ConfigError, non_negative, unit_closed};
use crate::optim::ops::{Lerp, effective_grad, l2};
use crate::{CheckedStep, Objective, Optimizer, Params, Real, StepError, StepReport};

optimizer_config! {
    /// RMSprop, `torch.optim.RMSprop` (single-tensor path).
    ///
    /// With `g` the gradient (negated if `maximize`, plus `weight_decay * θ`):
    /// `v = α v + (1 − α) g²`; centered: `ḡ = lerp(ḡ, g, 1 − α)`, `avg = sqrt(v − ḡ²) + eps`,
    /// otherwise `avg = sqrt(v) + eps` (eps outside the square root); with momentum
    /// `b = μ b + g / avg`, `θ = θ − lr b`, otherwise `θ = θ − lr g / avg`.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::RmsProp;
    ///
    /// let rms = RmsProp::builder().lr(0.01).alpha(0.0).eps(0.0).build().unwrap();
    /// let mut x = 3.0_f64;
    /// let mut state = rms.init(&x);
    /// let mut f = |x: &f64, g: &mut f64| { *g = 2.0 * x; x * x };
    /// rms.step(&mut state, &mut x, 9.0, &6.0, &mut f).unwrap();
    /// // alpha = 0: v = g², so the step is lr * sign(g).
    /// assert_eq!(x, 2.99);
    /// ```
    pub struct RmsProp;

    /// Hyperparameters of [`RmsProp`], with PyTorch's defaults.
    ///
    /// ```
    /// use autodiff_runtime::optim::RmsPropConfig;
    ///
    /// assert_eq!(RmsPropConfig::default().alpha, 0.99);
    /// assert!(RmsPropConfig { centered: true, momentum: 0.9, ..RmsPropConfig::default() }
    ///     .build()
    ///     .is_ok());
    /// ```
    pub struct RmsPropConfig {
        /// Learning rate, `>= 0` (default `1e-2`).
        lr: f64 = 1e-2, example 0.1;
        /// Smoothing constant, in `[0, 1]` (default `0.99`).
        alpha: f64 = 0.99, example 0.9;
        /// Term added to the denominator, `>= 0` (default `1e-8`).
        eps: f64 = 1e-8, example 1e-6;
        /// L2 penalty added to the gradient, `>= 0` (default `0`).
        weight_decay: f64 = 0.0, example 1e-4;
        /// Momentum factor, `>= 0` (default `0`).
        momentum: f64 = 0.0, example 0.9;
        /// Normalize by the estimated variance instead of the second moment (default `false`).
        centered: bool = false, example true;
        /// Maximize the objective instead of minimizing it (default `false`).
        maximize: bool = false, example true;
    }
}

impl RmsPropConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        non_negative("lr", self.lr)?;
        non_negative("eps", self.eps)?;
        non_negative("momentum", self.momentum)?;
        non_negative("weight_decay", self.weight_decay)?;
        unit_closed("alpha", self.alpha)
    }
}

/// Per-problem state of [`RmsProp`]: step count, the squared-gradient average, and the
/// gradient average (centered) and momentum buffer (momentum) when those are enabled.
///
/// ```
/// use autodiff_runtime::Optimizer;
/// use autodiff_runtime::optim::RmsProp;
///
/// let rms = RmsProp::builder().centered(true).build().unwrap();
/// let state = rms.init(&[1.0_f64]);
/// assert_eq!(state.grad_avg(), Some(&[0.0]));
/// assert_eq!(state.momentum_buffer(), None);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RmsPropState<P> {
    step: u64,
    square_avg: P,
    grad_avg: Option<P>,
    momentum_buffer: Option<P>,
}

impl<P> RmsPropState<P> {
    /// Steps taken so far.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::RmsProp;
    ///
    /// assert_eq!(RmsProp::default().init(&0.0_f64).step_count(), 0);
    /// ```
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The running average of squared gradients (PyTorch's `square_avg`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::RmsProp;
    ///
    /// assert_eq!(RmsProp::default().init(&1.0_f64).square_avg(), &0.0);
    /// ```
    pub fn square_avg(&self) -> &P {
        &self.square_avg
    }

    /// The running average of gradients, when centered (PyTorch's `grad_avg`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::RmsProp;
    ///
    /// assert_eq!(RmsProp::default().init(&1.0_f64).grad_avg(), None);
    /// ```
    pub fn grad_avg(&self) -> Option<&P> {
        self.grad_avg.as_ref()
    }

    /// The momentum buffer, when momentum is enabled.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::RmsProp;
    ///
    /// let rms = RmsProp::builder().momentum(0.5).build().unwrap();
    /// assert_eq!(rms.init(&1.0_f64).momentum_buffer(), Some(&0.0));
    /// ```
    pub fn momentum_buffer(&self) -> Option<&P> {
        self.momentum_buffer.as_ref()
    }
}

hyperparameters!(RmsProp, momentum = momentum);

impl<P: Params> Optimizer<P> for RmsProp {
    type State = RmsPropState<P>;

    fn init(&self, params: &P) -> RmsPropState<P> {
        RmsPropState {
            step: 0,
            square_avg: params.zeros_like(),
            grad_avg: self.config.centered.then(|| params.zeros_like()),
            momentum_buffer: (self.config.momentum > 0.0).then(|| params.zeros_like()),
        }
    }

    steps_through_update!(RmsPropState<P>, |rmsprop| rmsprop);
}

impl RmsProp {
    /// One step of `torch.optim.RMSprop` (checked, as [`zip_update!`] does, when `previous`
    /// is given).
    #[inline(always)]
    fn update<P: Params>(
        &self,
        state: &mut RmsPropState<P>,
        params: &mut P,
        previous: Option<&mut P>,
        grad: &P,
    ) -> u64 {
        let c = &self.config;
        state.step += 1;
        let s = P::Scalar::from_f64;
        let (alpha, c2, w, eps, neg_lr, mu) = (
            s(c.alpha),
            s(1.0 - c.alpha),
            Lerp::new(s(1.0 - c.alpha)),
            s(c.eps),
            s(-c.lr),
            s(c.momentum),
        );
        let wd = l2::<P::Scalar>(c.weight_decay);
        let maximize = c.maximize;
        let one = P::Scalar::one();
        // A momentum buffer created later (momentum raised by a schedule) starts at zero.
        if c.momentum > 0.0 && state.momentum_buffer.is_none() {
            state.momentum_buffer = Some(params.zeros_like());
        }
        if c.centered && state.grad_avg.is_none() {
            state.grad_avg = Some(params.zeros_like());
        }
        let component = |p: &mut P::Scalar,
                         v: &mut P::Scalar,
                         ga: Option<&mut P::Scalar>,
                         buf: Option<&mut P::Scalar>,
                         g: P::Scalar| {
            let g = effective_grad(g, *p, maximize, wd);
            *v = *v * alpha + c2 * g * g;
            let avg = match ga {
                Some(ga) => {
                    *ga = w.apply(*ga, g);
                    (*v + (-one) * *ga * *ga).sqrt() + eps
                }
                None => v.sqrt() + eps,
            };
            match buf {
                Some(b) => {
                    *b = *b * mu + one * g / avg;
                    *p += neg_lr * *b;
                }
                None => *p += neg_lr * g / avg,
            }
        };
        let RmsPropState {
            square_avg,
            grad_avg,
            momentum_buffer,
            ..
        } = state;
        let momentum_buffer = if c.momentum > 0.0 {
            momentum_buffer.as_mut()
        } else {
            None
        };
        let grad_avg = if c.centered { grad_avg.as_mut() } else { None };
        match (grad_avg, momentum_buffer) {
            (None, None) => zip_update!(P, previous, [p = params, v = square_avg], grad, |g| {
                component(p, v, None, None, g)
            }),
            (Some(ga), None) => zip_update!(
                P,
                previous,
                [p = params, v = square_avg, a = ga],
                grad,
                |g| { component(p, v, Some(a), None, g) }
            ),
            (None, Some(b)) => zip_update!(
                P,
                previous,
                [p = params, v = square_avg, m = b],
                grad,
                |g| { component(p, v, None, Some(m), g) }
            ),
            (Some(ga), Some(b)) => zip_update!(
                P,
                previous,
                [p = params, v = square_avg, a = ga, m = b],
                grad,
                |g| { component(p, v, Some(a), Some(m), g) }
            ),
        }
    }
}
