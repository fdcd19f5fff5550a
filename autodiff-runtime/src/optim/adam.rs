//! [`Adam`]: adaptive moment estimation, with AMSGrad and (optionally decoupled) weight decay.

use crate::error::{ConfigError, non_negative, unit_half_open};
use crate::optim::bias::{Ahead, BiasCorrections};
use crate::optim::ops::{AdamMoments, maximum, sqrt};
use crate::{CheckedStep, Objective, Optimizer, Params, Real, StepError, StepReport};

optimizer_config! {
    /// Adam, `torch.optim.Adam` (single-tensor path).
    ///
    /// With `g` the gradient (negated if `maximize`; plus `weight_decay * θ` unless
    /// `decoupled_weight_decay`, which instead scales `θ` by `1 − lr·weight_decay` first):
    /// `m = lerp(m, g, 1 − β1)`, `v = β2 v + (1 − β2) g²`, and
    /// `θ = θ − (lr / (1 − β1ᵗ)) m / (sqrt(v) / sqrt(1 − β2ᵗ) + eps)`. AMSGrad keeps the
    /// running maximum of the raw `v` and uses it in the denominator.
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adam;
    ///
    /// // Seed 001: (x - 5)^2 from 0 with Adam(0.1).
    /// let adam = Adam::new(0.1).unwrap();
    /// let mut x = 0.0_f64;
    /// let mut state = adam.init(&x);
    /// let mut f = |x: &f64, g: &mut f64| { *g = 2.0 * (x - 5.0); (x - 5.0) * (x - 5.0) };
    /// for _ in 0..100 {
    ///     let mut g = 0.0;
    ///     let loss = f(&x, &mut g);
    ///     adam.step(&mut state, &mut x, loss, &g, &mut f).unwrap();
    /// }
    /// assert!((x - 5.0).abs() < 1.0);
    /// ```
    pub struct Adam;

    /// Hyperparameters of [`Adam`], with PyTorch's defaults.
    ///
    /// ```
    /// use autodiff_runtime::optim::AdamConfig;
    ///
    /// let adam = AdamConfig { lr: 0.01, amsgrad: true, ..AdamConfig::default() }.build();
    /// assert!(adam.is_ok());
    /// assert_eq!(AdamConfig::default().betas, (0.9, 0.999));
    /// ```
    pub struct AdamConfig {
        /// Learning rate, `>= 0` (default `1e-3`).
        lr: f64 = 1e-3, example 0.1;
        /// Decay rates `(β1, β2)` of the moment estimates, each in `[0, 1)` (default `(0.9, 0.999)`).
        betas: (f64, f64) = (0.9, 0.999), example (0.8, 0.99);
        /// Term added to the denominator, `>= 0` (default `1e-8`).
        eps: f64 = 1e-8, example 1e-6;
        /// Weight decay, `>= 0` (default `0`): an L2 term unless `decoupled_weight_decay`.
        weight_decay: f64 = 0.0, example 1e-2;
        /// Apply weight decay to the parameters as AdamW does (default `false`).
        decoupled_weight_decay: bool = false, example true;
        /// Use AMSGrad (default `false`).
        amsgrad: bool = false, example true;
        /// Maximize the objective instead of minimizing it (default `false`).
        maximize: bool = false, example true;
    }
}

impl AdamConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        validate_adam_like(self.lr, self.betas, self.eps, self.weight_decay)
    }

    pub(crate) fn rule(&self) -> AdamRule {
        AdamRule {
            lr: self.lr,
            betas: self.betas,
            eps: self.eps,
            weight_decay: self.weight_decay,
            decoupled: self.decoupled_weight_decay,
            amsgrad: self.amsgrad,
            maximize: self.maximize,
        }
    }
}

/// The checks PyTorch makes for Adam-like optimizers: `lr`, `eps`, `weight_decay >= 0` and
/// both betas in `[0, 1)`.
pub(crate) fn validate_adam_like(
    lr: f64,
    betas: (f64, f64),
    eps: f64,
    weight_decay: f64,
) -> Result<(), ConfigError> {
    non_negative("lr", lr)?;
    non_negative("eps", eps)?;
    unit_half_open("betas.0", betas.0)?;
    unit_half_open("betas.1", betas.1)?;
    non_negative("weight_decay", weight_decay)
}

/// Per-problem state of [`Adam`] and [`AdamW`](crate::optim::AdamW): step count, first and
/// second moment estimates, and (with AMSGrad) the running maximum of the second moment.
///
/// ```
/// use autodiff_runtime::Optimizer;
/// use autodiff_runtime::optim::Adam;
///
/// let adam = Adam::default();
/// let mut x = [1.0_f64, 2.0];
/// let mut state = adam.init(&x);
/// let mut f = |_: &[f64; 2], g: &mut [f64; 2]| { *g = [1.0, -1.0]; 0.0 };
/// adam.step(&mut state, &mut x, 0.0, &[1.0, -1.0], &mut f).unwrap();
/// assert_eq!(state.step_count(), 1);
/// assert!((state.exp_avg()[0] - 0.1).abs() < 1e-15);
/// assert!(state.max_exp_avg_sq().is_none());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AdamState<P> {
    step: u64,
    exp_avg: P,
    exp_avg_sq: P,
    max_exp_avg_sq: Option<P>,
    /// The next step's bias corrections, computed at the end of this one if its update was
    /// finite.
    ahead: Ahead,
}

impl<P> AdamState<P> {
    /// Steps taken so far (PyTorch's `state["step"]`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adam;
    ///
    /// assert_eq!(Adam::default().init(&0.0_f64).step_count(), 0);
    /// ```
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The first moment estimate `m` (PyTorch's `exp_avg`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adam;
    ///
    /// assert_eq!(Adam::default().init(&[3.0_f64]).exp_avg(), &[0.0]);
    /// ```
    pub fn exp_avg(&self) -> &P {
        &self.exp_avg
    }

    /// The second moment estimate `v` (PyTorch's `exp_avg_sq`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adam;
    ///
    /// assert_eq!(Adam::default().init(&[3.0_f64]).exp_avg_sq(), &[0.0]);
    /// ```
    pub fn exp_avg_sq(&self) -> &P {
        &self.exp_avg_sq
    }

    /// The running maximum of `v`, present with AMSGrad (PyTorch's `max_exp_avg_sq`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Adam;
    ///
    /// let adam = Adam::builder().amsgrad(true).build().unwrap();
    /// assert_eq!(adam.init(&[3.0_f64]).max_exp_avg_sq(), Some(&[0.0]));
    /// ```
    pub fn max_exp_avg_sq(&self) -> Option<&P> {
        self.max_exp_avg_sq.as_ref()
    }
}

/// Adam's update rule with its hyperparameters, shared by [`Adam`] and
/// [`AdamW`](crate::optim::AdamW).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AdamRule {
    pub(crate) lr: f64,
    pub(crate) betas: (f64, f64),
    pub(crate) eps: f64,
    pub(crate) weight_decay: f64,
    pub(crate) decoupled: bool,
    pub(crate) amsgrad: bool,
    pub(crate) maximize: bool,
}

impl AdamRule {
    pub(crate) fn init<P: Params>(&self, params: &P) -> AdamState<P> {
        AdamState {
            step: 0,
            exp_avg: params.zeros_like(),
            exp_avg_sq: params.zeros_like(),
            max_exp_avg_sq: self.amsgrad.then(|| params.zeros_like()),
            ahead: Ahead::default(),
        }
    }

    /// One step of `_single_tensor_adam`, operation by operation (checked, as
    /// [`zip_update!`] does, when `previous` is given); then the next step's bias
    /// corrections (see [`BiasCorrections`] for why then).
    #[inline(always)]
    pub(crate) fn update<P: Params>(
        &self,
        state: &mut AdamState<P>,
        params: &mut P,
        previous: Option<&mut P>,
        grad: &P,
    ) -> u64 {
        state.step += 1;
        let bias = state.ahead.corrections(self.betas, state.step);
        let non_finite = self.apply(state, params, previous, grad, bias);
        // After the check, not beside it: the branch needs every new parameter first, so
        // the compiler cannot sink the end of the update past the `pow` calls (it did,
        // and the next gradient waited for them: 2-D runs 8 % slower). A failed update
        // ends the run; were it continued, the next step computes its own corrections.
        if non_finite == 0 {
            state.ahead.prepare(bias);
        }
        non_finite
    }

    /// The update of step `state.step` with its bias corrections `bias` (always inlined,
    /// as every `update` is: see `steps_through_update!`).
    #[inline(always)]
    fn apply<P: Params>(
        &self,
        state: &mut AdamState<P>,
        params: &mut P,
        previous: Option<&mut P>,
        grad: &P,
        bias: BiasCorrections,
    ) -> u64 {
        let step_size = self.lr / bias.first();
        let bc2_sqrt = P::Scalar::from_f64(sqrt(bias.second()));
        let neg_step = P::Scalar::from_f64(-step_size);
        let eps = P::Scalar::from_f64(self.eps);
        let moments = AdamMoments::<P::Scalar>::new(
            self.lr,
            self.betas,
            self.weight_decay,
            self.decoupled,
            self.maximize,
        );
        let (w1, b2, c2) = (moments.w1, moments.b2, moments.c2);
        let AdamState {
            exp_avg,
            exp_avg_sq,
            max_exp_avg_sq,
            ..
        } = state;
        // The common configuration, without per-element branches (the same operations).
        if moments.is_plain() && max_exp_avg_sq.is_none() {
            return zip_update!(
                P,
                previous,
                [p = params, m = exp_avg, v = exp_avg_sq],
                grad,
                |g| {
                    *m = w1.apply(*m, g);
                    *v = *v * b2 + c2 * g * g;
                    let denom = v.sqrt() / bc2_sqrt + eps;
                    *p += neg_step * *m / denom;
                }
            );
        }
        match max_exp_avg_sq {
            None => zip_update!(
                P,
                previous,
                [p = params, m = exp_avg, v = exp_avg_sq],
                grad,
                |g| {
                    moments.update(p, m, v, g);
                    let denom = v.sqrt() / bc2_sqrt + eps;
                    *p += neg_step * *m / denom;
                }
            ),
            Some(vmax) => zip_update!(
                P,
                previous,
                [p = params, m = exp_avg, v = exp_avg_sq, vmax = vmax],
                grad,
                |g| {
                    moments.update(p, m, v, g);
                    *vmax = maximum(*vmax, *v);
                    let denom = vmax.sqrt() / bc2_sqrt + eps;
                    *p += neg_step * *m / denom;
                }
            ),
        }
    }
}

hyperparameters!(Adam, momentum = betas.0);

adam_rule_optimizer!(Adam);
