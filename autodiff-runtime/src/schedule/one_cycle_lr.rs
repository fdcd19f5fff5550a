//! [`OneCycleLr`]: the 1cycle policy, with momentum cycled inversely.

use super::Schedule;
use crate::error::{ConfigError, non_negative, positive, unit_closed};
use crate::{Hyperparameters, Real};
use core::f64::consts::PI;

/// How [`OneCycleLr`] moves between its anchor values.
///
/// ```
/// use autodiff_runtime::schedule::Anneal;
///
/// assert_eq!(Anneal::default(), Anneal::Cos);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Anneal {
    /// Cosine annealing, `end + (start − end) / 2 · (cos(π pct) + 1)`. PyTorch's `"cos"`.
    #[default]
    Cos,
    /// Linear annealing, `(end − start) pct + start`. PyTorch's `"linear"`.
    Linear,
}

impl Anneal {
    fn apply(self, start: f64, end: f64, pct: f64) -> f64 {
        match self {
            Anneal::Cos => {
                let cos_out = Real::cos(PI * pct) + 1.0;
                end + (start - end) / 2.0 * cos_out
            }
            Anneal::Linear => (end - start) * pct + start,
        }
    }
}

/// Options of [`OneCycleLr`], with PyTorch's defaults for everything but the two required
/// values, `max_lr` and `total_steps`.
///
/// ```
/// use autodiff_runtime::schedule::{Anneal, OneCycleLr};
///
/// let config = OneCycleLr::builder(0.1, 100).anneal(Anneal::Linear).three_phase(true);
/// assert_eq!((config.pct_start, config.div_factor), (0.3, 25.0));
/// assert!(config.build().is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneCycleLrConfig {
    /// The peak learning rate, `>= 0`.
    pub max_lr: f64,
    /// Steps in the cycle, `>= 1`.
    pub total_steps: usize,
    /// Fraction of the cycle spent increasing the learning rate, in `[0, 1]` (default `0.3`).
    pub pct_start: f64,
    /// The annealing shape (default [`Anneal::Cos`]).
    pub anneal: Anneal,
    /// Cycle the optimizer's momentum (SGD/RMSprop `momentum`, Adam-family `beta1`)
    /// inversely to the learning rate (default `true`); ignored for optimizers without one
    /// (PyTorch raises an error instead).
    pub cycle_momentum: bool,
    /// The momentum at the learning-rate peak, in `[0, 1]` (default `0.85`).
    pub base_momentum: f64,
    /// The momentum at the start and end, in `[0, 1]` (default `0.95`).
    pub max_momentum: f64,
    /// `initial_lr = max_lr / div_factor`, `> 0` (default `25`).
    pub div_factor: f64,
    /// `min_lr = initial_lr / final_div_factor`, `> 0` (default `1e4`).
    pub final_div_factor: f64,
    /// Use three phases (up, down to `initial_lr`, down to `min_lr`) as in the paper
    /// instead of fastai's two (default `false`).
    pub three_phase: bool,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $field:ident: $ty:ty = $ex:expr;)*) => {$(
        $(#[$doc])*
        #[doc = ""]
        #[doc = "```"]
        #[doc = "use autodiff_runtime::schedule::*;"]
        #[doc = ""]
        #[doc = concat!("let config = OneCycleLr::builder(0.1, 100).", stringify!($field), "(", stringify!($ex), ");")]
        #[doc = concat!("assert_eq!(config.", stringify!($field), ", ", stringify!($ex), ");")]
        #[doc = "assert!(config.build().is_ok());"]
        #[doc = "```"]
        #[must_use]
        pub fn $field(mut self, value: $ty) -> Self {
            self.$field = value;
            self
        }
    )*};
}

impl OneCycleLrConfig {
    setters! {
        /// Sets `pct_start`.
        pct_start: f64 = 0.25;
        /// Sets `anneal`.
        anneal: Anneal = Anneal::Linear;
        /// Sets `cycle_momentum`.
        cycle_momentum: bool = false;
        /// Sets `base_momentum`.
        base_momentum: f64 = 0.8;
        /// Sets `max_momentum`.
        max_momentum: f64 = 0.9;
        /// Sets `div_factor`.
        div_factor: f64 = 10.0;
        /// Sets `final_div_factor`.
        final_div_factor: f64 = 100.0;
        /// Sets `three_phase`.
        three_phase: bool = true;
    }

    /// Validates the options and builds the schedule.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the first option outside its accepted range.
    ///
    /// ```
    /// use autodiff_runtime::schedule::OneCycleLr;
    ///
    /// let err = OneCycleLr::builder(0.1, 0).build().unwrap_err();
    /// assert_eq!(err.parameter(), "total_steps");
    /// ```
    pub fn build(self) -> Result<OneCycleLr, ConfigError> {
        non_negative("max_lr", self.max_lr)?;
        if self.total_steps == 0 {
            return Err(ConfigError::new("total_steps", 0.0, "an integer >= 1"));
        }
        unit_closed("pct_start", self.pct_start)?;
        unit_closed("base_momentum", self.base_momentum)?;
        unit_closed("max_momentum", self.max_momentum)?;
        positive("div_factor", self.div_factor)?;
        positive("final_div_factor", self.final_div_factor)?;
        Ok(OneCycleLr {
            config: self,
            last_epoch: None,
        })
    }
}

/// `torch.optim.lr_scheduler.OneCycleLR`: the learning rate rises from
/// `max_lr / div_factor` to `max_lr` over the first `pct_start` of `total_steps`, then
/// falls to `max_lr / div_factor / final_div_factor`, while the momentum moves the opposite
/// way between `max_momentum` and `base_momentum`. [`start`](Schedule::start) sets the
/// optimizer's learning rate (and momentum) for step 0, as PyTorch's constructor does.
/// Stepping past `total_steps` keeps the final values (PyTorch raises an error).
///
/// ```
/// use autodiff_runtime::Hyperparameters;
/// use autodiff_runtime::optim::Sgd;
/// use autodiff_runtime::schedule::{OneCycleLr, Schedule};
///
/// let mut sgd = Sgd::builder().momentum(0.9).build().unwrap();
/// let mut schedule = OneCycleLr::builder(0.1, 10).build().unwrap();
/// schedule.start(&mut sgd);
/// assert!((sgd.learning_rate() - 0.004).abs() < 1e-15);
/// assert_eq!(sgd.momentum(), Some(0.95));
/// for _ in 0..2 {
///     schedule.step(&mut sgd, 0.0);
/// }
/// assert!((sgd.learning_rate() - 0.1).abs() < 1e-15); // the peak, at step 0.3 * 10 - 1
/// assert_eq!(sgd.momentum(), Some(0.85));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneCycleLr {
    config: OneCycleLrConfig,
    last_epoch: Option<usize>,
}

impl OneCycleLr {
    /// Options for a cycle peaking at `max_lr` over `total_steps`, with PyTorch's other
    /// defaults; finish with [`OneCycleLrConfig::build`].
    ///
    /// ```
    /// use autodiff_runtime::schedule::OneCycleLr;
    ///
    /// assert_eq!(OneCycleLr::builder(0.1, 100).final_div_factor, 1e4);
    /// ```
    pub fn builder(max_lr: f64, total_steps: usize) -> OneCycleLrConfig {
        OneCycleLrConfig {
            max_lr,
            total_steps,
            pct_start: 0.3,
            anneal: Anneal::Cos,
            cycle_momentum: true,
            base_momentum: 0.85,
            max_momentum: 0.95,
            div_factor: 25.0,
            final_div_factor: 1e4,
            three_phase: false,
        }
    }

    /// The learning rate and momentum at `step` (PyTorch's `get_lr`).
    fn values(&self, step: usize) -> (f64, f64) {
        let c = &self.config;
        let initial_lr = c.max_lr / c.div_factor;
        let min_lr = initial_lr / c.final_div_factor;
        let total = c.total_steps as f64;
        let first_end = c.pct_start * total - 1.0;
        // (end_step, start_lr, end_lr, start_momentum, end_momentum)
        let two = [
            (
                first_end,
                initial_lr,
                c.max_lr,
                c.max_momentum,
                c.base_momentum,
            ),
            (
                total - 1.0,
                c.max_lr,
                min_lr,
                c.base_momentum,
                c.max_momentum,
            ),
        ];
        let three = [
            (
                first_end,
                initial_lr,
                c.max_lr,
                c.max_momentum,
                c.base_momentum,
            ),
            (
                2.0 * c.pct_start * total - 2.0,
                c.max_lr,
                initial_lr,
                c.base_momentum,
                c.max_momentum,
            ),
            (
                total - 1.0,
                initial_lr,
                min_lr,
                c.max_momentum,
                c.max_momentum,
            ),
        ];
        let phases: &[(f64, f64, f64, f64, f64)] = if c.three_phase { &three } else { &two };
        let step = step as f64;
        let mut start_step = 0.0;
        for (i, &(end_step, lr0, lr1, m0, m1)) in phases.iter().enumerate() {
            if step <= end_step || i == phases.len() - 1 {
                let pct = (step - start_step) / (end_step - start_step);
                return (c.anneal.apply(lr0, lr1, pct), c.anneal.apply(m0, m1, pct));
            }
            start_step = end_step;
        }
        unreachable!("the last phase always matches")
    }

    fn apply<H: Hyperparameters + ?Sized>(&self, optimizer: &mut H, step: usize) {
        let (lr, momentum) = self.values(step);
        optimizer.set_learning_rate(lr);
        if self.config.cycle_momentum && optimizer.momentum().is_some() {
            optimizer.set_momentum(momentum);
        }
    }
}

impl Schedule for OneCycleLr {
    fn start<H: Hyperparameters + ?Sized>(&mut self, optimizer: &mut H) {
        self.last_epoch = Some(0);
        self.apply(optimizer, 0);
    }

    fn step<H: Hyperparameters + ?Sized>(&mut self, optimizer: &mut H, _metric: f64) {
        let Some(epoch) = self.last_epoch else {
            self.start(optimizer);
            return self.step(optimizer, _metric);
        };
        if epoch >= self.config.total_steps {
            return;
        }
        self.last_epoch = Some(epoch + 1);
        self.apply(optimizer, epoch + 1);
    }
}
