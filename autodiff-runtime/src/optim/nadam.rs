//! [`NAdam`]: Adam with Nesterov momentum and PyTorch's momentum-decay schedule.

use crate::error::{ConfigError, non_negative};
use crate::optim::adam::validate_adam_like;
use crate::optim::ops::{AdamMoments, powf};
use crate::{CheckedStep, Objective, Optimizer, Params, Real, StepError, StepReport};

optimizer_config! {
    /// NAdam, `torch.optim.NAdam` (single-tensor path). This is PyTorch's algorithm with
    /// the `μₜ = β1 (1 − 0.5 · 0.96^(t ψ))` momentum schedule, not optax's `nadam`.
    ///
    /// With `g` the gradient (negated if `maximize`; plus `weight_decay * θ`, or with
    /// `decoupled_weight_decay` a prior `θ = θ (1 − lr·weight_decay)`): `Π = Π μₜ`,
    /// `m = lerp(m, g, 1 − β1)`, `v = β2 v + (1 − β2) g²`, `d = sqrt(v / (1 − β2ᵗ)) + eps`,
    /// `θ = θ − lr (1 − μₜ) / (1 − Π) · g / d − lr μₜ₊₁ / (1 − Π μₜ₊₁) · m / d`.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::NAdam;
    ///
    /// let nadam = NAdam::new(0.1).unwrap();
    /// let mut x = 2.0_f64;
    /// let mut state = nadam.init(&x);
    /// let mut f = |x: &f64, g: &mut f64| { *g = 2.0 * x; x * x };
    /// for _ in 0..50 {
    ///     let mut g = 0.0;
    ///     let loss = f(&x, &mut g);
    ///     nadam.step(&mut state, &mut x, loss, &g, &mut f).unwrap();
    /// }
    /// assert!(x.abs() < 0.5);
    /// assert_eq!(state.step_count(), 50);
    /// ```
    pub struct NAdam;

    /// Hyperparameters of [`NAdam`], with PyTorch's defaults.
    ///
    /// ```
    /// use autodiff_runtime::optim::NAdamConfig;
    ///
    /// assert_eq!(NAdamConfig::default().momentum_decay, 4e-3);
    /// assert!(NAdamConfig { momentum_decay: -1.0, ..NAdamConfig::default() }.build().is_err());
    /// ```
    pub struct NAdamConfig {
        /// Learning rate, `>= 0` (default `2e-3`).
        lr: f64 = 2e-3, example 0.1;
        /// Decay rates `(β1, β2)`, each in `[0, 1)` (default `(0.9, 0.999)`).
        betas: (f64, f64) = (0.9, 0.999), example (0.8, 0.99);
        /// Term added to the denominator, `>= 0` (default `1e-8`).
        eps: f64 = 1e-8, example 1e-6;
        /// Weight decay, `>= 0` (default `0`): an L2 term unless `decoupled_weight_decay`.
        weight_decay: f64 = 0.0, example 1e-2;
        /// Momentum decay ψ, `>= 0` (default `4e-3`).
        momentum_decay: f64 = 4e-3, example 1e-3;
        /// Apply weight decay to the parameters as AdamW does (default `false`).
        decoupled_weight_decay: bool = false, example true;
        /// Maximize the objective instead of minimizing it (default `false`).
        maximize: bool = false, example true;
    }
}

impl NAdamConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        validate_adam_like(self.lr, self.betas, self.eps, self.weight_decay)?;
        non_negative("momentum_decay", self.momentum_decay)
    }
}

/// Per-problem state of [`NAdam`]: step count, the product of momentum coefficients
/// (`mu_product`, kept in `f64` as PyTorch does with `float64` as default dtype), and the
/// moment estimates.
///
/// ```
/// use autodiff_runtime::Optimizer;
/// use autodiff_runtime::optim::NAdam;
///
/// let state = NAdam::default().init(&[0.0_f64]);
/// assert_eq!(state.mu_product(), 1.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NAdamState<P> {
    step: u64,
    mu_product: f64,
    exp_avg: P,
    exp_avg_sq: P,
}

impl<P> NAdamState<P> {
    /// Steps taken so far.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::NAdam;
    ///
    /// assert_eq!(NAdam::default().init(&0.0_f64).step_count(), 0);
    /// ```
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The product `Π μₜ` of the momentum coefficients so far (PyTorch's `mu_product`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::NAdam;
    ///
    /// assert_eq!(NAdam::default().init(&0.0_f64).mu_product(), 1.0);
    /// ```
    pub fn mu_product(&self) -> f64 {
        self.mu_product
    }

    /// The first moment estimate (PyTorch's `exp_avg`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::NAdam;
    ///
    /// assert_eq!(NAdam::default().init(&1.0_f64).exp_avg(), &0.0);
    /// ```
    pub fn exp_avg(&self) -> &P {
        &self.exp_avg
    }

    /// The second moment estimate (PyTorch's `exp_avg_sq`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::NAdam;
    ///
    /// assert_eq!(NAdam::default().init(&1.0_f64).exp_avg_sq(), &0.0);
    /// ```
    pub fn exp_avg_sq(&self) -> &P {
        &self.exp_avg_sq
    }
}

hyperparameters!(NAdam, momentum = betas.0);

impl<P: Params> Optimizer<P> for NAdam {
    type State = NAdamState<P>;

    fn init(&self, params: &P) -> NAdamState<P> {
        NAdamState {
            step: 0,
            mu_product: 1.0,
            exp_avg: params.zeros_like(),
            exp_avg_sq: params.zeros_like(),
        }
    }

    steps_through_update!(NAdamState<P>, |nadam| nadam);
}

impl NAdam {
    /// One step of `torch.optim.NAdam` (checked, as [`zip_update!`] does, when `previous`
    /// is given).
    #[inline(always)]
    fn update<P: Params>(
        &self,
        state: &mut NAdamState<P>,
        params: &mut P,
        previous: Option<&mut P>,
        grad: &P,
    ) -> u64 {
        let c = &self.config;
        state.step += 1;
        let t = state.step as f64;
        let (beta1, beta2) = c.betas;
        let bias_correction2 = 1.0 - powf(beta2, t);
        let mu = beta1 * (1.0 - 0.5 * powf(0.96, t * c.momentum_decay));
        let mu_next = beta1 * (1.0 - 0.5 * powf(0.96, (t + 1.0) * c.momentum_decay));
        state.mu_product *= mu;
        let mu_product_next = state.mu_product * mu_next;
        let grad_coef = -c.lr * (1.0 - mu) / (1.0 - state.mu_product);
        let avg_coef = (-c.lr * mu_next) / (1.0 - mu_product_next);
        let s = P::Scalar::from_f64;
        let (bc2, eps) = (s(bias_correction2), s(c.eps));
        let (grad_coef, avg_coef) = (s(grad_coef), s(avg_coef));
        let moments = AdamMoments::<P::Scalar>::new(
            c.lr,
            c.betas,
            c.weight_decay,
            c.decoupled_weight_decay,
            c.maximize,
        );
        let NAdamState {
            exp_avg,
            exp_avg_sq,
            ..
        } = state;
        zip_update!(
            P,
            previous,
            [p = params, m = exp_avg, v = exp_avg_sq],
            grad,
            |g| {
                let g = moments.update(p, m, v, g);
                let denom = (*v / bc2).sqrt() + eps;
                *p += grad_coef * g / denom;
                *p += avg_coef * *m / denom;
            }
        )
    }
}
