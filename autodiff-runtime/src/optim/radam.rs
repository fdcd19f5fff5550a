//! [`RAdam`]: Adam with a rectified (variance-corrected) adaptive learning rate.

use crate::error::ConfigError;
use crate::optim::adam::validate_adam_like;
use crate::optim::ops::{AdamMoments, powf, sqrt};
use crate::{CheckedStep, Objective, Optimizer, Params, Real, StepError, StepReport};

optimizer_config! {
    /// RAdam, `torch.optim.RAdam` (single-tensor path).
    ///
    /// With `g` the gradient (negated if `maximize`; plus `weight_decay * θ`, or with
    /// `decoupled_weight_decay` a prior `θ = θ (1 − lr·weight_decay)`): `m`, `v` as in Adam,
    /// `ρ∞ = 2 / (1 − β2) − 1`, `ρₜ = ρ∞ − 2 t β2ᵗ / (1 − β2ᵗ)`. If `ρₜ > 5`,
    /// `θ = θ − (m / (1 − β1ᵗ)) · lr · sqrt(1 − β2ᵗ) / (sqrt(v) + eps) · r` with the
    /// rectification `r = sqrt((ρₜ − 4)(ρₜ − 2) ρ∞ / ((ρ∞ − 4)(ρ∞ − 2) ρₜ))`; otherwise
    /// `θ = θ − (m / (1 − β1ᵗ)) · lr` (SGD with momentum).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::RAdam;
    ///
    /// let radam = RAdam::new(0.1).unwrap();
    /// let mut x = 1.0_f64;
    /// let mut state = radam.init(&x);
    /// let mut f = |x: &f64, g: &mut f64| { *g = 2.0 * x; x * x };
    /// radam.step(&mut state, &mut x, 1.0, &2.0, &mut f).unwrap();
    /// // Step 1 is unrectified: x = 1 - (m / (1 - 0.9)) * lr = 1 - 2 * 0.1.
    /// assert!((x - 0.8).abs() < 1e-15);
    /// ```
    pub struct RAdam;

    /// Hyperparameters of [`RAdam`], with PyTorch's defaults.
    ///
    /// ```
    /// use autodiff_runtime::optim::RAdamConfig;
    ///
    /// assert_eq!(RAdamConfig::default().lr, 1e-3);
    /// assert!(RAdamConfig { eps: -1.0, ..RAdamConfig::default() }.build().is_err());
    /// ```
    pub struct RAdamConfig {
        /// Learning rate, `>= 0` (default `1e-3`).
        lr: f64 = 1e-3, example 0.1;
        /// Decay rates `(β1, β2)`, each in `[0, 1)` (default `(0.9, 0.999)`).
        betas: (f64, f64) = (0.9, 0.999), example (0.8, 0.99);
        /// Term added to the denominator, `>= 0` (default `1e-8`).
        eps: f64 = 1e-8, example 1e-6;
        /// Weight decay, `>= 0` (default `0`): an L2 term unless `decoupled_weight_decay`.
        weight_decay: f64 = 0.0, example 1e-2;
        /// Apply weight decay to the parameters as AdamW does (default `false`).
        decoupled_weight_decay: bool = false, example true;
        /// Maximize the objective instead of minimizing it (default `false`).
        maximize: bool = false, example true;
    }
}

impl RAdamConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        validate_adam_like(self.lr, self.betas, self.eps, self.weight_decay)
    }
}

/// Per-problem state of [`RAdam`]: step count and the moment estimates.
///
/// ```
/// use autodiff_runtime::Optimizer;
/// use autodiff_runtime::optim::RAdam;
///
/// let state = RAdam::default().init(&[0.0_f64; 3]);
/// assert_eq!(state.exp_avg(), &[0.0; 3]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RAdamState<P> {
    step: u64,
    exp_avg: P,
    exp_avg_sq: P,
}

impl<P> RAdamState<P> {
    /// Steps taken so far.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::RAdam;
    ///
    /// assert_eq!(RAdam::default().init(&0.0_f64).step_count(), 0);
    /// ```
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The first moment estimate (PyTorch's `exp_avg`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::RAdam;
    ///
    /// assert_eq!(RAdam::default().init(&1.0_f64).exp_avg(), &0.0);
    /// ```
    pub fn exp_avg(&self) -> &P {
        &self.exp_avg
    }

    /// The second moment estimate (PyTorch's `exp_avg_sq`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::RAdam;
    ///
    /// assert_eq!(RAdam::default().init(&1.0_f64).exp_avg_sq(), &0.0);
    /// ```
    pub fn exp_avg_sq(&self) -> &P {
        &self.exp_avg_sq
    }
}

hyperparameters!(RAdam, momentum = betas.0);

impl<P: Params> Optimizer<P> for RAdam {
    type State = RAdamState<P>;

    fn init(&self, params: &P) -> RAdamState<P> {
        RAdamState {
            step: 0,
            exp_avg: params.zeros_like(),
            exp_avg_sq: params.zeros_like(),
        }
    }

    steps_through_update!(RAdamState<P>, |radam| radam);
}

impl RAdam {
    /// One step of `torch.optim.RAdam` (checked, as [`zip_update!`] does, when `previous`
    /// is given).
    #[inline(always)]
    fn update<P: Params>(
        &self,
        state: &mut RAdamState<P>,
        params: &mut P,
        previous: Option<&mut P>,
        grad: &P,
    ) -> u64 {
        let c = &self.config;
        state.step += 1;
        let t = state.step as f64;
        let (beta1, beta2) = c.betas;
        let bias_correction1 = 1.0 - powf(beta1, t);
        let bias_correction2 = 1.0 - powf(beta2, t);
        let rho_inf = 2.0 / (1.0 - beta2) - 1.0;
        let rho_t = rho_inf - 2.0 * t * powf(beta2, t) / bias_correction2;
        // `Some(rect)` on the rectified branch.
        let rect = (rho_t > 5.0).then(|| {
            powf(
                (rho_t - 4.0) * (rho_t - 2.0) * rho_inf
                    / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t),
                0.5,
            )
        });
        let s = P::Scalar::from_f64;
        let (bc1, eps, lr) = (s(bias_correction1), s(c.eps), s(c.lr));
        let bc2_sqrt = s(sqrt(bias_correction2));
        let rect = rect.map(s);
        let moments = AdamMoments::<P::Scalar>::new(
            c.lr,
            c.betas,
            c.weight_decay,
            c.decoupled_weight_decay,
            c.maximize,
        );
        let minus_one = -P::Scalar::one();
        let RAdamState {
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
                moments.update(p, m, v, g);
                let corrected = *m / bc1;
                let update = match rect {
                    Some(rect) => corrected * lr * (bc2_sqrt / (v.sqrt() + eps)) * rect,
                    None => corrected * lr,
                };
                *p += minus_one * update;
            }
        )
    }
}
