//! [`AdamW`]: Adam with decoupled weight decay.

use crate::error::ConfigError;
use crate::optim::adam::{AdamRule, AdamState, validate_adam_like};
use crate::{CheckedStep, Objective, Optimizer, Params, StepError, StepReport};

optimizer_config! {
    /// AdamW, `torch.optim.AdamW` (single-tensor path): first `θ = θ (1 − lr·weight_decay)`,
    /// then [`Adam`](crate::optim::Adam)'s update without an L2 term. The same as
    /// `Adam` with `decoupled_weight_decay(true)`, with weight decay `1e-2` by default.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::{Adam, AdamW};
    ///
    /// let adamw = AdamW::new(0.1).unwrap();
    /// let adam = Adam::builder().lr(0.1).weight_decay(1e-2).decoupled_weight_decay(true)
    ///     .build().unwrap();
    /// let mut f = |x: &f64, g: &mut f64| { *g = 2.0 * x; x * x };
    /// let (mut x, mut y) = (3.0_f64, 3.0_f64);
    /// let (mut sx, mut sy) = (adamw.init(&x), adam.init(&y));
    /// for _ in 0..5 {
    ///     let (loss, g) = (x * x, 2.0 * x);
    ///     adamw.step(&mut sx, &mut x, loss, &g, &mut f).unwrap();
    ///     let (loss, g) = (y * y, 2.0 * y);
    ///     adam.step(&mut sy, &mut y, loss, &g, &mut f).unwrap();
    /// }
    /// assert_eq!(x, y);
    /// ```
    pub struct AdamW;

    /// Hyperparameters of [`AdamW`], with PyTorch's defaults.
    ///
    /// ```
    /// use autodiff_runtime::optim::AdamWConfig;
    ///
    /// assert_eq!(AdamWConfig::default().weight_decay, 1e-2);
    /// assert!(AdamWConfig { amsgrad: true, ..AdamWConfig::default() }.build().is_ok());
    /// ```
    pub struct AdamWConfig {
        /// Learning rate, `>= 0` (default `1e-3`).
        lr: f64 = 1e-3, example 0.1;
        /// Decay rates `(β1, β2)` of the moment estimates, each in `[0, 1)` (default `(0.9, 0.999)`).
        betas: (f64, f64) = (0.9, 0.999), example (0.8, 0.99);
        /// Term added to the denominator, `>= 0` (default `1e-8`).
        eps: f64 = 1e-8, example 1e-6;
        /// Decoupled weight decay, `>= 0` (default `1e-2`).
        weight_decay: f64 = 1e-2, example 0.1;
        /// Use AMSGrad (default `false`).
        amsgrad: bool = false, example true;
        /// Maximize the objective instead of minimizing it (default `false`).
        maximize: bool = false, example true;
    }
}

impl AdamWConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        validate_adam_like(self.lr, self.betas, self.eps, self.weight_decay)
    }

    fn rule(&self) -> AdamRule {
        AdamRule {
            lr: self.lr,
            betas: self.betas,
            eps: self.eps,
            weight_decay: self.weight_decay,
            decoupled: true,
            amsgrad: self.amsgrad,
            maximize: self.maximize,
        }
    }
}

hyperparameters!(AdamW, momentum = betas.0);

adam_rule_optimizer!(AdamW);
